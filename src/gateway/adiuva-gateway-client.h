/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-budgets.h"
#include "adiuva-call-metrics.h"
#include "adiuva-chat-message.h"
#include "adiuva-chat-request.h"
#include "adiuva-embeddings.h"
#include "adiuva-gateway-stats.h"
#include "adiuva-provider-settings.h"
#include "adiuva-provider-table.h"
#include "adiuva-rate-limiter.h"
#include "adiuva-wire-codec.h"

G_BEGIN_DECLS

/**
 * AdiuvaUsageFunc:
 * @metrics: one attempt's metrics, valid during the call only
 * @user_data: the data given to adiuva_gateway_client_set_usage_func()
 *
 * Receives the metrics of every attempt that sent a request to a provider, in order,
 * including retries and fallback hops and whatever their outcome.
 */
typedef void (*AdiuvaUsageFunc) (const AdiuvaCallMetrics *metrics,
                                 gpointer                 user_data);

#define ADIUVA_TYPE_GATEWAY_CLIENT (adiuva_gateway_client_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaGatewayClient, adiuva_gateway_client, ADIUVA, GATEWAY_CLIENT, GObject)

AdiuvaGatewayClient *adiuva_gateway_client_new (AdiuvaProviderTable *table);

gboolean      adiuva_gateway_client_set_provider (AdiuvaGatewayClient    *self,
                                                  AdiuvaProviderSettings *settings,
                                                  GError                **error);
gboolean      adiuva_gateway_client_remove_provider (AdiuvaGatewayClient *self,
                                                     const char          *name);
GStrv         adiuva_gateway_client_list_providers (AdiuvaGatewayClient *self);
void          adiuva_gateway_client_set_fallbacks (AdiuvaGatewayClient *self,
                                                   const char          *model_ref,
                                                   const char *const   *chain);
void          adiuva_gateway_client_set_default_fallbacks (AdiuvaGatewayClient *self,
                                                           const char *const   *chain);
void          adiuva_gateway_client_set_router (AdiuvaGatewayClient *self,
                                                AdiuvaRouter        *router);
AdiuvaRouter *adiuva_gateway_client_get_router (AdiuvaGatewayClient *self);
void          adiuva_gateway_client_set_usage_func (AdiuvaGatewayClient *self,
                                                    AdiuvaUsageFunc      func,
                                                    gpointer             user_data,
                                                    GDestroyNotify       destroy);

gboolean    adiuva_gateway_client_set_alias (AdiuvaGatewayClient *self,
                                             const char          *alias,
                                             const char          *target,
                                             GError             **error);
GStrv       adiuva_gateway_client_list_aliases (AdiuvaGatewayClient *self);
const char *adiuva_gateway_client_get_alias (AdiuvaGatewayClient *self,
                                             const char          *alias);
char       *adiuva_gateway_client_resolve_model (AdiuvaGatewayClient *self,
                                                 const char          *model_ref,
                                                 GError             **error);

void               adiuva_gateway_client_chat_async (AdiuvaGatewayClient *self,
                                                     const char          *model_ref,
                                                     AdiuvaChatRequest   *request,
                                                     const char          *caller,
                                                     AdiuvaDeltaFunc      on_delta,
                                                     gpointer             delta_data,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
AdiuvaChatMessage *adiuva_gateway_client_chat_finish (AdiuvaGatewayClient *self,
                                                      GAsyncResult        *result,
                                                      AdiuvaCallMetrics  **metrics,
                                                      AdiuvaChatMessage  **partial,
                                                      GError             **error);

void  adiuva_gateway_client_list_models_async (AdiuvaGatewayClient *self,
                                               const char          *provider,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GStrv adiuva_gateway_client_list_models_finish (AdiuvaGatewayClient *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void              adiuva_gateway_client_embed_async (AdiuvaGatewayClient *self,
                                                     const char          *model_ref,
                                                     const char *const   *inputs,
                                                     const char          *caller,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
AdiuvaEmbeddings *adiuva_gateway_client_embed_finish (AdiuvaGatewayClient *self,
                                                      GAsyncResult        *result,
                                                      AdiuvaCallMetrics  **metrics,
                                                      GError             **error);

void adiuva_gateway_client_cancel_all (AdiuvaGatewayClient *self);

AdiuvaRateLimiter  *adiuva_gateway_client_get_rate_limiter (AdiuvaGatewayClient *self);
AdiuvaBudgets      *adiuva_gateway_client_get_budgets (AdiuvaGatewayClient *self);
void                adiuva_gateway_client_add_spent (AdiuvaGatewayClient *self,
                                                     const char          *caller,
                                                     const char          *provider,
                                                     gint64               tokens,
                                                     double               cost,
                                                     gint64               when_unix);
AdiuvaGatewayStats *adiuva_gateway_client_get_stats (AdiuvaGatewayClient *self);

G_END_DECLS
