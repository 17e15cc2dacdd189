/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "adiuva-chat-request.h"
#include "adiuva-gateway-client.h"
#include "adiuva-route.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_ROUTER (adiuva_router_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaRouter, adiuva_router, ADIUVA, ROUTER, GObject)

AdiuvaRouter *adiuva_router_new (void);
AdiuvaRouter *adiuva_router_new_from_json (JsonNode *node,
                                           GError  **error);
JsonNode     *adiuva_router_to_json (AdiuvaRouter *self);

void         adiuva_router_set_route (AdiuvaRouter *self,
                                      AdiuvaRoute  *route);
gboolean     adiuva_router_remove_route (AdiuvaRouter *self,
                                         const char   *name);
AdiuvaRoute *adiuva_router_get_route (AdiuvaRouter *self,
                                      const char   *name);
guint        adiuva_router_get_n_routes (AdiuvaRouter *self);
AdiuvaRoute *adiuva_router_get_nth_route (AdiuvaRouter *self,
                                          guint         index);

gboolean    adiuva_router_set_router_model (AdiuvaRouter *self,
                                            const char   *model_ref,
                                            GError      **error);
const char *adiuva_router_get_router_model (AdiuvaRouter *self);
gboolean    adiuva_router_set_default_route (AdiuvaRouter *self,
                                             const char   *name,
                                             GError      **error);
const char *adiuva_router_get_default_route (AdiuvaRouter *self);
void        adiuva_router_set_timeout (AdiuvaRouter *self,
                                       guint         timeout_ms);
guint       adiuva_router_get_timeout (AdiuvaRouter *self);

AdiuvaRoute *adiuva_router_select_by_rules (AdiuvaRouter        *self,
                                            AdiuvaChatRequest   *request,
                                            AdiuvaRouteSelector *selector);
void         adiuva_router_select_async (AdiuvaRouter        *self,
                                         AdiuvaGatewayClient *client,
                                         AdiuvaChatRequest   *request,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
AdiuvaRoute *adiuva_router_select_finish (AdiuvaRouter        *self,
                                          GAsyncResult        *result,
                                          AdiuvaRouteSelector *selector,
                                          GError             **error);

G_END_DECLS
