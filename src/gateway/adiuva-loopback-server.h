/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-gateway-client.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_LOOPBACK_SERVER (adiuva_loopback_server_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaLoopbackServer, adiuva_loopback_server, ADIUVA, LOOPBACK_SERVER, GObject)

AdiuvaLoopbackServer *adiuva_loopback_server_new (AdiuvaGatewayClient *client,
                                                  const char          *token);
void                  adiuva_loopback_server_set_default_model (AdiuvaLoopbackServer *self,
                                                                const char           *model_ref);
void                  adiuva_loopback_server_set_client (AdiuvaLoopbackServer *self,
                                                         AdiuvaGatewayClient  *client);
void                  adiuva_loopback_server_set_token (AdiuvaLoopbackServer *self,
                                                        const char           *token);
gboolean              adiuva_loopback_server_listen (AdiuvaLoopbackServer *self,
                                                     guint                 port,
                                                     GError              **error);
guint                 adiuva_loopback_server_get_port (AdiuvaLoopbackServer *self);
void                  adiuva_loopback_server_disconnect (AdiuvaLoopbackServer *self);

G_END_DECLS
