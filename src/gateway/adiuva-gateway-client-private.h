/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "adiuva-connectivity-private.h"
#include "adiuva-gateway-client.h"

G_BEGIN_DECLS

/* For tests, which cannot wait for production back-off and cool-down times. */
void _adiuva_gateway_client_set_timings (AdiuvaGatewayClient *self,
                                         guint                backoff_base_ms,
                                         guint                backoff_max_ms,
                                         guint                breaker_cooldown_ms);

/* For tests, which cannot unplug the machine's network. */
void _adiuva_gateway_client_set_network_state (AdiuvaGatewayClient *self,
                                               AdiuvaNetworkState   state);

/* What the one-shot requests (adiuva-gateway-request.c) share with the chat calls. */
gboolean     _adiuva_gateway_client_resolve_provider (AdiuvaGatewayClient       *self,
                                                      const char                *name,
                                                      AdiuvaProviderSettings   **settings,
                                                      const AdiuvaProviderInfo **info,
                                                      const AdiuvaWireCodec    **codec,
                                                      GError                   **error);
gboolean     _adiuva_gateway_client_resolve_ref (AdiuvaGatewayClient *self,
                                                 const char          *model_ref,
                                                 char               **provider,
                                                 char               **model,
                                                 GError             **error);
SoupSession *_adiuva_gateway_client_get_session (AdiuvaGatewayClient *self);
void         _adiuva_gateway_client_add_headers (SoupMessage              *msg,
                                                 const AdiuvaProviderInfo *info,
                                                 AdiuvaProviderSettings   *settings);
char        *_adiuva_gateway_client_describe_headers (SoupMessageHeaders *headers);
void         _adiuva_gateway_client_track (AdiuvaGatewayClient *self,
                                           GCancellable        *cancellable);
void         _adiuva_gateway_client_untrack (AdiuvaGatewayClient *self,
                                             GCancellable        *cancellable);
char        *_adiuva_gateway_client_outcome_for_error (const GError *error);
void         _adiuva_gateway_client_report_usage (AdiuvaGatewayClient     *self,
                                                  const AdiuvaCallMetrics *metrics);
guint64      _adiuva_call_metrics_next_call_id (void);
gboolean     _adiuva_gateway_client_check_budgets (AdiuvaGatewayClient *self,
                                                   const char          *caller,
                                                   const char          *provider,
                                                   GError             **error);

G_END_DECLS
