/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "adiuva-embeddings-private.h"
#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway-request-private.h"
#include "adiuva-wire-codec-private.h"

/*
 * Embeddings through the gateway: one request to the provider the model reference leads to,
 * through its aliases. No fallbacks: vectors of two models do not mix in one index, so an
 * answer of another model would be worse than none.
 */

/* Thousands of inputs of a few thousand dimensions, as JSON text. */
#define MAX_EMBEDDINGS_BODY (256 * 1024 * 1024)

typedef struct
{
  char                     *caller;
  char                     *provider;
  char                     *model;
  const AdiuvaProviderInfo *info;
  const AdiuvaWireCodec    *codec;
  guint                     n_inputs;
  gint64                    started;
  AdiuvaCallMetrics        *metrics;
} Embedding;

static void
embedding_free (Embedding *embedding)
{
  g_free (embedding->caller);
  g_free (embedding->provider);
  g_free (embedding->model);
  g_clear_pointer (&embedding->metrics, adiuva_call_metrics_free);
  g_free (embedding);
}

static AdiuvaEmbeddings *
decode (Embedding *embedding,
        GBytes    *body,
        GError   **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (AdiuvaEmbeddings) embeddings = NULL;

  root = _adiuva_wire_codec_parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                        &local_error);
  if (root == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("%s sent embeddings that are not JSON: %s"), embedding->provider,
                   local_error != NULL ? local_error->message : _ ("the answer is empty"));
      return NULL;
    }

  embeddings = embedding->codec->decode_embeddings (root, &local_error);
  if (embeddings != NULL && embeddings->n_vectors != embedding->n_inputs)
    g_set_error (&local_error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                 _ ("%u embeddings came back for %u inputs."), embeddings->n_vectors,
                 embedding->n_inputs);

  if (local_error != NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("%s sent embeddings that cannot be used: %s"), embedding->provider,
                   local_error->message);
      return NULL;
    }

  if (embeddings->model == NULL)
    embeddings->model = g_strdup (embedding->model);
  return g_steal_pointer (&embeddings);
}

static void
embedded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr (GTask) task = data;
  Embedding *embedding = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaEmbeddings) embeddings = NULL;
  g_autoptr (GBytes) body = NULL;
  AdiuvaCallMetrics     *metrics = adiuva_call_metrics_new ();
  const AdiuvaModelInfo *model_info;

  body = _adiuva_gateway_request_finish (result, &metrics->http_status, &error);
  if (body != NULL)
    embeddings = decode (embedding, body, &error);

  metrics->call_id = _adiuva_call_metrics_next_call_id ();
  metrics->caller = g_strdup (embedding->caller);
  metrics->provider = g_strdup (embedding->provider);
  metrics->model = g_strdup (embedding->model);
  metrics->outcome = _adiuva_gateway_client_outcome_for_error (error);
  metrics->time_to_first_token_us = -1;
  metrics->latency_us = g_get_monotonic_time () - embedding->started;
  if (embeddings != NULL)
    metrics->usage = embeddings->usage;
  model_info = adiuva_provider_info_lookup_model (embedding->info, embedding->model);
  if (model_info != NULL)
    metrics->cost = adiuva_model_info_cost (model_info, MAX (metrics->usage.input_tokens, 0), 0);
  embedding->metrics = metrics;

  g_debug ("%s: embeddings of %u inputs from %s/%s %s after %" G_GINT64_FORMAT " ms",
           embedding->caller, embedding->n_inputs, embedding->provider, embedding->model,
           metrics->outcome, metrics->latency_us / 1000);
  _adiuva_gateway_client_report_usage (ADIUVA_GATEWAY_CLIENT (source), metrics);

  if (embeddings == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&embeddings),
                           (GDestroyNotify) adiuva_embeddings_free);
}

/**
 * adiuva_gateway_client_embed_async:
 * @model_ref: an embeddings model as `provider/model`, or an alias of one
 * @inputs: (array zero-terminated=1): the texts, at least one
 * @caller: (nullable): who asks, for the usage callback (e.g. `search`, `plugin:notes`)
 * @cancellable: (nullable): cancels it; so does adiuva_gateway_client_cancel_all()
 *
 * Asks the provider for one vector per input: OpenAI's `/embeddings` (and every
 * OpenAI-compatible provider's), Ollama's `/api/embed`, Gemini's `embedContent` for one input
 * and `batchEmbedContents` for several. The usage callback gets the call's metrics, as for
 * chats, and the tokens count against the budgets; a used-up budget (of the workspace,
 * @caller or the provider) refuses the call with %ADIUVA_GATEWAY_ERROR_BUDGET before anything
 * is sent. Fallbacks set on @model_ref do not apply.
 */
void
adiuva_gateway_client_embed_async (AdiuvaGatewayClient *self,
                                   const char          *model_ref,
                                   const char *const   *inputs,
                                   const char          *caller,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  AdiuvaProviderSettings *settings;
  Embedding              *embedding;
  const char             *endpoint = ADIUVA_ENDPOINT_EMBEDDINGS;

  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (model_ref != NULL);
  g_return_if_fail (inputs != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_gateway_client_embed_async);
  g_task_set_check_cancellable (task, FALSE);

  embedding = g_new0 (Embedding, 1);
  embedding->caller = g_strdup (caller != NULL ? caller : "embeddings");
  embedding->n_inputs = g_strv_length ((GStrv) inputs);
  embedding->started = g_get_monotonic_time ();
  g_task_set_task_data (task, embedding, (GDestroyNotify) embedding_free);

  if (embedding->n_inputs == 0)
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                               _ ("There is no text to embed."));
      return;
    }

  if (!_adiuva_gateway_client_resolve_ref (self, model_ref, &embedding->provider,
                                           &embedding->model, &error) ||
      !_adiuva_gateway_client_resolve_provider (self, embedding->provider, &settings,
                                                &embedding->info, &embedding->codec, &error) ||
      !_adiuva_gateway_client_check_budgets (self, embedding->caller, embedding->provider,
                                             &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (embedding->codec->encode_embeddings == NULL ||
      adiuva_provider_info_get_path (embedding->info, ADIUVA_ENDPOINT_EMBEDDINGS) == NULL)
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                               _ ("%s offers no embeddings; choose an embeddings model of "
                                  "another provider."),
                               embedding->info->display_name);
      return;
    }

  body = embedding->codec->encode_embeddings (embedding->model, inputs, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (embedding->n_inputs > 1 &&
      adiuva_provider_info_get_path (embedding->info, ADIUVA_ENDPOINT_EMBEDDINGS_BATCH) != NULL)
    endpoint = ADIUVA_ENDPOINT_EMBEDDINGS_BATCH;

  _adiuva_gateway_request_async (self, embedding->provider, SOUP_METHOD_POST, endpoint,
                                 embedding->model, body, MAX_EMBEDDINGS_BODY, NULL, NULL,
                                 cancellable, embedded_cb, g_steal_pointer (&task));
}

/**
 * adiuva_gateway_client_embed_finish:
 * @metrics: (out) (optional) (transfer full) (nullable): the call's metrics, also on failure;
 *   %NULL when nothing was sent
 *
 * Returns: (transfer full): one vector per input, in their order, or %NULL with @error set:
 *   %ADIUVA_GATEWAY_ERROR_INVALID for a provider without embeddings,
 *   %ADIUVA_GATEWAY_ERROR_PROTOCOL for an answer that is not equally long vectors, one per
 *   input
 */
AdiuvaEmbeddings *
adiuva_gateway_client_embed_finish (AdiuvaGatewayClient *self,
                                    GAsyncResult        *result,
                                    AdiuvaCallMetrics  **metrics,
                                    GError             **error)
{
  Embedding *embedding;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                            adiuva_gateway_client_embed_async,
                        NULL);

  embedding = g_task_get_task_data (G_TASK (result));
  if (metrics != NULL)
    *metrics = embedding->metrics != NULL ? adiuva_call_metrics_copy (embedding->metrics) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
