/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

/* Endpoint names used as keys of a provider's paths. */
#define ADIUVA_ENDPOINT_CHAT "chat"
#define ADIUVA_ENDPOINT_CHAT_STREAM "chat-stream"
#define ADIUVA_ENDPOINT_RESPONSES "responses"
#define ADIUVA_ENDPOINT_EMBEDDINGS "embeddings"
/* Several inputs at once, where the provider takes them elsewhere than one (Gemini). */
#define ADIUVA_ENDPOINT_EMBEDDINGS_BATCH "embeddings-batch"
#define ADIUVA_ENDPOINT_MODELS "models"
#define ADIUVA_ENDPOINT_SHOW "show"
#define ADIUVA_ENDPOINT_PULL "pull"
#define ADIUVA_ENDPOINT_DELETE "delete"

typedef enum
{
  ADIUVA_MODEL_CAPABILITY_NONE = 0,
  ADIUVA_MODEL_CAPABILITY_TOOLS = 1 << 0,
  ADIUVA_MODEL_CAPABILITY_VISION = 1 << 1,
  ADIUVA_MODEL_CAPABILITY_REASONING = 1 << 2,
  ADIUVA_MODEL_CAPABILITY_EMBEDDINGS = 1 << 3,
} AdiuvaModelCapabilities;

/**
 * AdiuvaModelInfo:
 * @id: the name the provider's API takes, e.g. `gpt-6-sol`
 * @display_name: a name to show
 * @context_window: tokens of prompt and output together, always > 0
 * @max_output_tokens: the output limit, or 0 when the model has no separate one
 * @input_price: USD per million input tokens (0 for local models)
 * @output_price: USD per million output tokens
 * @long_context_threshold: 0, or the number of input tokens above which a whole request is
 *   billed at @long_input_price and @long_output_price
 * @long_input_price: USD per million input tokens of a long request
 * @long_output_price: USD per million output tokens of a long request
 * @capabilities: what the model can do
 *
 * One entry of a provider's model catalogue. Owned by the #AdiuvaProviderTable.
 */
struct _AdiuvaModelInfo
{
  const char             *id;
  const char             *display_name;
  gint64                  context_window;
  gint64                  max_output_tokens;
  double                  input_price;
  double                  output_price;
  gint64                  long_context_threshold;
  double                  long_input_price;
  double                  long_output_price;
  AdiuvaModelCapabilities capabilities;
};

/**
 * AdiuvaProviderInfo:
 * @id: a stable identifier, e.g. `openai`, used in settings
 * @display_name: a name to show
 * @wire_format: the protocol the provider speaks
 * @auth_style: how the provider wants its key (the key itself is never in the table)
 * @default_base_url: the documented base URL, or %NULL when @requires_base_url
 * @base_url_hint: a placeholder for a settings field, may contain `{braces}`; nullable
 * @requires_base_url: the user must give a base URL (Azure, OpenAI-compatible servers)
 * @is_local: the server runs on the user's machine or network; its models cost nothing
 * @headers: extra request headers as a %NULL-terminated array of name, value, name, value…
 * @paths: the endpoints as a %NULL-terminated array of endpoint, path, endpoint, path…
 * @models: the model catalogue, in table order
 * @n_models: the length of @models
 *
 * One provider of an #AdiuvaProviderTable, which owns it.
 */
struct _AdiuvaProviderInfo
{
  const char            *id;
  const char            *display_name;
  AdiuvaWireFormat       wire_format;
  AdiuvaAuthStyle        auth_style;
  const char            *default_base_url;
  const char            *base_url_hint;
  gboolean               requires_base_url;
  gboolean               is_local;
  const char *const     *headers;
  const char *const     *paths;
  const AdiuvaModelInfo *models;
  guint                  n_models;
};

#define ADIUVA_TYPE_PROVIDER_TABLE (adiuva_provider_table_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaProviderTable, adiuva_provider_table, ADIUVA, PROVIDER_TABLE, GObject)

AdiuvaProviderTable      *adiuva_provider_table_get_default (void);
AdiuvaProviderTable      *adiuva_provider_table_new_from_data (const char *json,
                                                               gssize      length,
                                                               GError    **error);
const char               *adiuva_provider_table_get_prices_as_of (AdiuvaProviderTable *self);
const AdiuvaProviderInfo *adiuva_provider_table_lookup (AdiuvaProviderTable *self,
                                                        const char          *id);
GPtrArray                *adiuva_provider_table_list (AdiuvaProviderTable *self);

const char            *adiuva_provider_info_get_path (const AdiuvaProviderInfo *info,
                                                      const char               *endpoint);
const AdiuvaModelInfo *adiuva_provider_info_lookup_model (const AdiuvaProviderInfo *info,
                                                          const char               *model_id);
char                  *adiuva_provider_info_build_url (const AdiuvaProviderInfo *info,
                                                       const char               *base_url,
                                                       const char               *endpoint,
                                                       const char               *model,
                                                       GError                  **error);

double adiuva_model_info_cost (const AdiuvaModelInfo *model,
                               gint64                 input_tokens,
                               gint64                 output_tokens);

G_END_DECLS
