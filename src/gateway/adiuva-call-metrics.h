/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "adiuva-chat-delta.h"

G_BEGIN_DECLS

typedef struct _AdiuvaCallMetrics AdiuvaCallMetrics;

/**
 * AdiuvaCallMetrics:
 * @caller: who asked (e.g. `assistant`, `plugin:invoices`), as given to the gateway
 * @provider: the user's name of the provider that was asked
 * @model: the model as the provider names it
 * @route: (nullable): for a call to %ADIUVA_MODEL_AUTO, the route preference routing chose
 *   and the selector that chose it: `coding (router)`, `coding (rules)`, `chat (default)`;
 *   %NULL for other calls
 * @outcome: `ok`, `cancelled`, or `error:` and the #AdiuvaGatewayError nick
 *   (`error:rate-limited`, `error:network`, …)
 * @http_status: the provider's HTTP status, 0 when no answer arrived
 * @fallback_hops: how many models of the fallback chain were given up before this one
 * @retries: how many times this model was tried before, in this call
 * @time_to_first_token_us: from the start to the first piece of the answer, -1 when none came
 * @latency_us: from the start to the end
 * @tokens_per_second: output tokens per second after the first token (over the whole latency
 *   for an answer that was not streamed); 0 when unknown
 * @usage: the tokens the provider reported (fields -1 when not reported)
 * @cost: the list price in USD from the provider table, 0 when the model is not in it
 * @call_id: which call the attempt belongs to: the same for every attempt of one call
 *   (retries and fallback hops) and in the metrics adiuva_gateway_client_chat_finish() gives,
 *   unique in the process; so a caller can find the call log's row of its answer. 0 in
 *   metrics no client made
 *
 * What one call to a provider took and gave, for the LLM call log. The usage callback of an
 * #AdiuvaGatewayClient gets one per attempt, timed from that attempt's start;
 * adiuva_gateway_client_chat_finish() gives the last attempt's, timed from the start of the
 * whole call (retries and fallbacks included), which is what the user waited.
 */
struct _AdiuvaCallMetrics
{
  char       *caller;
  char       *provider;
  char       *model;
  char       *route;
  char       *outcome;
  guint       http_status;
  guint       fallback_hops;
  guint       retries;
  gint64      time_to_first_token_us;
  gint64      latency_us;
  double      tokens_per_second;
  AdiuvaUsage usage;
  double      cost;
  guint64     call_id;
};

#define ADIUVA_TYPE_CALL_METRICS (adiuva_call_metrics_get_type ())

GType              adiuva_call_metrics_get_type (void) G_GNUC_CONST;
AdiuvaCallMetrics *adiuva_call_metrics_new (void);
AdiuvaCallMetrics *adiuva_call_metrics_copy (const AdiuvaCallMetrics *self);
void               adiuva_call_metrics_free (AdiuvaCallMetrics *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaCallMetrics, adiuva_call_metrics_free)

G_END_DECLS
