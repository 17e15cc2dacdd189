/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-provider-table"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "adiuva-gateway-enums.h"
#include "adiuva-provider-table.h"

static const AdiuvaProviderInfo *
lookup (const char *id)
{
  AdiuvaProviderTable      *table = adiuva_provider_table_get_default ();
  const AdiuvaProviderInfo *info = adiuva_provider_table_lookup (table, id);

  g_assert_nonnull (info);
  return info;
}

static const AdiuvaModelInfo *
lookup_model (const char *provider,
              const char *model_id)
{
  const AdiuvaModelInfo *model = adiuva_provider_info_lookup_model (lookup (provider), model_id);

  g_assert_nonnull (model);
  return model;
}

static GPtrArray *
list_default (void)
{
  return adiuva_provider_table_list (adiuva_provider_table_get_default ());
}

/* The built-in table ------------------------------------------------------------------------ */

static void
test_default_loads (void)
{
  AdiuvaProviderTable *table = adiuva_provider_table_get_default ();
  g_autoptr (GPtrArray) providers = adiuva_provider_table_list (table);
  const AdiuvaProviderInfo *first = g_ptr_array_index (providers, 0);
  const char               *as_of = adiuva_provider_table_get_prices_as_of (table);

  g_assert_true (ADIUVA_IS_PROVIDER_TABLE (table));
  g_assert_true (adiuva_provider_table_get_default () == table);
  g_assert_cmpuint (providers->len, >=, 13);
  g_assert_cmpstr (first->id, ==, "openai");

  /* A real date, so the settings can say how old the prices are. */
  g_assert_nonnull (as_of);
  g_assert_cmpuint (strlen (as_of), ==, 10);
  g_assert_true (g_date_valid_dmy (atoi (as_of + 8), atoi (as_of + 5), atoi (as_of)));

  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaProviderInfo *info = g_ptr_array_index (providers, i);

      g_assert_true (adiuva_provider_table_lookup (table, info->id) == info);
      g_assert_nonnull (info->display_name);
      g_assert_nonnull (adiuva_provider_info_get_path (info, ADIUVA_ENDPOINT_CHAT));
    }

  g_assert_null (adiuva_provider_table_lookup (table, "no-such-provider"));
}

static gpointer
get_default_thread (gpointer data)
{
  return adiuva_provider_table_get_default ();
}

static void
test_default_threads (void)
{
  GThread *threads[8];
  gpointer tables[G_N_ELEMENTS (threads)];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("table", get_default_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    tables[i] = g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (tables[i] == adiuva_provider_table_get_default ());
}

typedef struct
{
  const char      *id;
  AdiuvaWireFormat wire_format;
  AdiuvaAuthStyle  auth_style;
  gboolean         requires_base_url;
  gboolean         is_local;
} RequiredProvider;

static const RequiredProvider required_providers[] = {
  { "openai", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "anthropic", ADIUVA_WIRE_FORMAT_ANTHROPIC, ADIUVA_AUTH_STYLE_X_API_KEY, FALSE, FALSE },
  { "gemini", ADIUVA_WIRE_FORMAT_GEMINI, ADIUVA_AUTH_STYLE_GOOG_API_KEY, FALSE, FALSE },
  { "ollama", ADIUVA_WIRE_FORMAT_OLLAMA, ADIUVA_AUTH_STYLE_NONE, FALSE, TRUE },
  { "mistral", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "groq", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "deepseek", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "xai", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "together", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "openrouter", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, FALSE, FALSE },
  { "azure-openai", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_AZURE_API_KEY, TRUE, FALSE },
  { "openai-compatible", ADIUVA_WIRE_FORMAT_OPENAI, ADIUVA_AUTH_STYLE_BEARER, TRUE, TRUE },
  { "bedrock", ADIUVA_WIRE_FORMAT_BEDROCK, ADIUVA_AUTH_STYLE_AWS_SIGV4, FALSE, FALSE },
};

static void
test_required_providers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (required_providers); i++)
    {
      const RequiredProvider   *expected = &required_providers[i];
      const AdiuvaProviderInfo *info = lookup (expected->id);

      g_test_message ("provider %s", expected->id);
      g_assert_cmpint (info->wire_format, ==, expected->wire_format);
      g_assert_cmpint (info->auth_style, ==, expected->auth_style);
      g_assert_cmpint (info->requires_base_url, ==, expected->requires_base_url);
      g_assert_cmpint (info->is_local, ==, expected->is_local);
      g_assert_true ((info->default_base_url == NULL) == expected->requires_base_url);
    }

  g_assert_cmpstr (lookup ("ollama")->default_base_url, ==, "http://127.0.0.1:11434");
  g_assert_cmpstr (lookup ("openai")->default_base_url, ==, "https://api.openai.com/v1");
  g_assert_cmpstr (lookup ("anthropic")->default_base_url, ==, "https://api.anthropic.com");
  g_assert_cmpstr (lookup ("gemini")->default_base_url, ==,
                   "https://generativelanguage.googleapis.com");
}

static const char *
header (const AdiuvaProviderInfo *info,
        const char               *name)
{
  for (guint i = 0; info->headers[i] != NULL; i += 2)
    if (g_ascii_strcasecmp (info->headers[i], name) == 0)
      return info->headers[i + 1];
  return NULL;
}

static void
test_headers (void)
{
  g_autoptr (GPtrArray) providers = list_default ();
  static const char *const credentials[] = { "authorization", "x-api-key", "api-key",
                                             "x-goog-api-key" };

  g_assert_cmpstr (header (lookup ("anthropic"), "anthropic-version"), ==, "2023-06-01");
  g_assert_null (header (lookup ("openai"), "anthropic-version"));

  /* How a key is sent is the auth style's business; the table never carries one. */
  for (guint i = 0; i < providers->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (credentials); j++)
      g_assert_null (header (g_ptr_array_index (providers, i), credentials[j]));
}

static void
test_urls_parse (void)
{
  g_autoptr (GPtrArray) providers = list_default ();

  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaProviderInfo *info = g_ptr_array_index (providers, i);
      const char               *base = info->default_base_url;

      g_test_message ("provider %s", info->id);
      if (base != NULL)
        {
          g_autoptr (GUri) uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);

          g_assert_nonnull (uri);
          g_assert_cmpstr (g_uri_get_scheme (uri), ==, info->is_local ? "http" : "https");
          g_assert_null (g_uri_get_userinfo (uri));
        }
      else
        {
          base = "https://example.test/base/";
        }

      /* Every endpoint of every provider gives a URL that parses and keeps the base. */
      for (guint j = 0; info->paths[j] != NULL; j += 2)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *url = adiuva_provider_info_build_url (info, base, info->paths[j],
                                                                 "some-model", &error);
          g_autoptr (GUri) uri = NULL;

          g_assert_no_error (error);
          uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
          g_assert_no_error (error);
          g_assert_null (strstr (url + strlen ("https://"), "//"));
          g_assert_null (strchr (url, '{'));
          g_assert_true (strncmp (url, base, strlen (base) - 1) == 0);
        }
    }
}

typedef struct
{
  const char *provider;
  const char *base_url;
  const char *endpoint;
  const char *model;
  const char *expected;
} UrlCase;

/* clang-format off */
static const UrlCase url_cases[] = {
  { "openai", NULL, "chat", NULL,
    "https://api.openai.com/v1/chat/completions" },
  { "openai", "https://api.openai.com/v1", "chat", NULL,
    "https://api.openai.com/v1/chat/completions" },
  { "openai", "https://api.openai.com/v1/", "chat", NULL,
    "https://api.openai.com/v1/chat/completions" },
  { "openai", "https://api.openai.com/v1//", "chat", NULL,
    "https://api.openai.com/v1/chat/completions" },
  { "openai", "", "chat-stream", "gpt-6-sol",
    "https://api.openai.com/v1/chat/completions" },
  { "openai", NULL, "responses", NULL,
    "https://api.openai.com/v1/responses" },
  { "openai", NULL, "embeddings", NULL,
    "https://api.openai.com/v1/embeddings" },
  { "openai", NULL, "models", NULL,
    "https://api.openai.com/v1/models" },
  { "anthropic", NULL, "chat", "claude-opus-5-5",
    "https://api.anthropic.com/v1/messages" },
  { "anthropic", "https://api.anthropic.com/", "chat-stream", NULL,
    "https://api.anthropic.com/v1/messages" },
  { "anthropic", NULL, "models", NULL,
    "https://api.anthropic.com/v1/models" },
  { "gemini", NULL, "chat", "gemini-2.5-flash",
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent" },
  { "gemini", NULL, "chat-stream", "gemini-2.5-flash",
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"
    ":streamGenerateContent?alt=sse" },
  { "gemini", "https://generativelanguage.googleapis.com/", "chat-stream", "gemini-3.5-flash",
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-3.5-flash"
    ":streamGenerateContent?alt=sse" },
  { "gemini", NULL, "embeddings", "gemini-embedding-001",
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:embedContent" },
  { "gemini", NULL, "models", NULL,
    "https://generativelanguage.googleapis.com/v1beta/models" },
  /* A model name is one path segment, whatever it contains. */
  { "gemini", NULL, "chat", "tuned/../x?y",
    "https://generativelanguage.googleapis.com/v1beta/models/tuned%2F..%2Fx%3Fy:generateContent" },
  { "ollama", NULL, "chat", "llama3.2", "http://127.0.0.1:11434/api/chat" },
  { "ollama", NULL, "chat-stream", "llama3.2", "http://127.0.0.1:11434/api/chat" },
  { "ollama", NULL, "embeddings", NULL, "http://127.0.0.1:11434/api/embed" },
  { "ollama", NULL, "models", NULL, "http://127.0.0.1:11434/api/tags" },
  { "ollama", NULL, "show", NULL, "http://127.0.0.1:11434/api/show" },
  { "ollama", NULL, "pull", NULL, "http://127.0.0.1:11434/api/pull" },
  { "ollama", NULL, "delete", NULL, "http://127.0.0.1:11434/api/delete" },
  { "ollama", "http://gpu-box.lan:11434/", "chat", NULL, "http://gpu-box.lan:11434/api/chat" },
  { "mistral", NULL, "chat", NULL, "https://api.mistral.ai/v1/chat/completions" },
  { "mistral", NULL, "embeddings", NULL, "https://api.mistral.ai/v1/embeddings" },
  { "groq", NULL, "chat", NULL, "https://api.groq.com/openai/v1/chat/completions" },
  { "deepseek", NULL, "chat", NULL, "https://api.deepseek.com/chat/completions" },
  { "xai", NULL, "chat", NULL, "https://api.x.ai/v1/chat/completions" },
  { "together", NULL, "chat", NULL, "https://api.together.ai/v1/chat/completions" },
  { "openrouter", NULL, "chat", NULL, "https://openrouter.ai/api/v1/chat/completions" },
  { "openrouter", NULL, "models", NULL, "https://openrouter.ai/api/v1/models" },
  { "azure-openai", "https://contoso.openai.azure.com", "chat", "gpt55-prod",
    "https://contoso.openai.azure.com/openai/deployments/gpt55-prod/chat/completions"
    "?api-version=2024-10-21" },
  { "azure-openai", "https://contoso.openai.azure.com/", "chat-stream", "gpt55-prod",
    "https://contoso.openai.azure.com/openai/deployments/gpt55-prod/chat/completions"
    "?api-version=2024-10-21" },
  { "azure-openai", "https://contoso.openai.azure.com", "embeddings", "embed-small",
    "https://contoso.openai.azure.com/openai/deployments/embed-small/embeddings"
    "?api-version=2024-10-21" },
  /* A proxy's own query comes first; the endpoint's follows. */
  { "azure-openai", "https://proxy.example/azure/?tenant=a", "chat", "d",
    "https://proxy.example/azure/openai/deployments/d/chat/completions"
    "?tenant=a&api-version=2024-10-21" },
  { "openai-compatible", "http://127.0.0.1:1234/v1", "chat", NULL,
    "http://127.0.0.1:1234/v1/chat/completions" },
  { "openai-compatible", "http://localhost:8080/v1/", "embeddings", NULL,
    "http://localhost:8080/v1/embeddings" },
  { "openai-compatible", "http://[::1]:8000/v1", "models", NULL,
    "http://[::1]:8000/v1/models" },
  { "openai-compatible", "https://proxy.example/v1?team=a", "chat", NULL,
    "https://proxy.example/v1/chat/completions?team=a" },
  { "bedrock", NULL, "chat", "anthropic.claude-sonnet-5-5-v1:0",
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-5-5-v1%3A0"
    "/converse" },
  { "bedrock", "https://bedrock-runtime.eu-central-1.amazonaws.com", "chat-stream",
    "amazon.nova-pro-v1:0",
    "https://bedrock-runtime.eu-central-1.amazonaws.com/model/amazon.nova-pro-v1%3A0"
    "/converse-stream" },
};
/* clang-format on */

static void
test_build_url (gconstpointer data)
{
  const UrlCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = adiuva_provider_info_build_url (lookup (c->provider), c->base_url,
                                                         c->endpoint, c->model, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, c->expected);
}

typedef struct
{
  const char *provider;
  const char *base_url;
  const char *endpoint;
  const char *model;
  int         code;
  const char *message_part;
} UrlErrorCase;

/* clang-format off */
static const UrlErrorCase url_error_cases[] = {
  { "anthropic", NULL, "embeddings", NULL, ADIUVA_GATEWAY_ERROR_NOT_FOUND, "“embeddings”" },
  { "openai", NULL, "pull", NULL, ADIUVA_GATEWAY_ERROR_NOT_FOUND, "OpenAI" },
  { "openai", NULL, "no-such-endpoint", NULL, ADIUVA_GATEWAY_ERROR_NOT_FOUND, "no-such-endpoint" },
  { "openai-compatible", NULL, "chat", NULL, ADIUVA_GATEWAY_ERROR_INVALID, "base URL" },
  { "openai-compatible", "", "chat", NULL, ADIUVA_GATEWAY_ERROR_INVALID, "OpenAI-compatible" },
  { "azure-openai", NULL, "chat", "d", ADIUVA_GATEWAY_ERROR_INVALID, "Azure OpenAI" },
  { "azure-openai", "https://contoso.openai.azure.com", "chat", NULL,
    ADIUVA_GATEWAY_ERROR_INVALID, "deployment" },
  { "gemini", NULL, "chat", NULL, ADIUVA_GATEWAY_ERROR_INVALID, "model name" },
  { "gemini", NULL, "chat-stream", "", ADIUVA_GATEWAY_ERROR_INVALID, "model name" },
  { "openai", "api.openai.com/v1", "chat", NULL,
    ADIUVA_GATEWAY_ERROR_INVALID, "api.openai.com/v1" },
  { "openai", "ftp://files.example/v1", "chat", NULL, ADIUVA_GATEWAY_ERROR_INVALID, "http://" },
  { "openai", "https://user:secret@api.example/v1", "chat", NULL,
    ADIUVA_GATEWAY_ERROR_INVALID, "keyring" },
  { "openai", "https://api.example/v1#top", "chat", NULL,
    ADIUVA_GATEWAY_ERROR_INVALID, "#fragment" },
};
/* clang-format on */

static void
test_build_url_error (gconstpointer data)
{
  const UrlErrorCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = adiuva_provider_info_build_url (lookup (c->provider), c->base_url,
                                                         c->endpoint, c->model, &error);

  g_assert_null (url);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, c->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, c->message_part));
}

/* Models and cost ----------------------------------------------------------------------------- */

/* clang-format off */
static const char test_table[] =
  "{ 'schema_version': 1, 'prices_as_of': '2026-11-21',"
  "  'providers': [{"
  "    'id': 'test', 'display_name': 'Test', 'wire_format': 'openai', 'auth_style': 'bearer',"
  "    'default_base_url': 'https://api.test/v1', 'paths': { 'chat': '/chat/completions' },"
  "    'models': ["
  "      { 'id': 'gpt-4o', 'context_window': 128000, 'max_output_tokens': 16384,"
  "        'input_price': 2.5, 'output_price': 10 },"
  "      { 'id': 'claude-x', 'display_name': 'Claude X', 'context_window': 200000,"
  "        'input_price': 3, 'output_price': 15, 'capabilities': ['tools', 'vision'] },"
  "      { 'id': 'long', 'context_window': 1000000, 'input_price': 2, 'output_price': 12,"
  "        'long_context': { 'above_input_tokens': 200000, 'input_price': 4,"
  "                          'output_price': 18 },"
  "        'capabilities': ['reasoning', 'embeddings'] },"
  "      { 'id': 'llama3.2', 'context_window': 131072, 'input_price': 0, 'output_price': 0 }"
  "    ]"
  "  }]"
  "}";
/* clang-format on */

/* Single quotes stand for double quotes, so the JSON in these tests stays readable. */
static AdiuvaProviderTable *
load_table (const char *single_quoted,
            GError    **error)
{
  g_autofree char *json = g_strdelimit (g_strdup (single_quoted), "'", '"');

  return adiuva_provider_table_new_from_data (json, -1, error);
}

static void
test_model_lookup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProviderTable) table = load_table (test_table, &error);
  const AdiuvaProviderInfo *info;
  const AdiuvaModelInfo    *model;

  g_assert_no_error (error);
  info = adiuva_provider_table_lookup (table, "test");
  g_assert_cmpuint (info->n_models, ==, 4);

  model = adiuva_provider_info_lookup_model (info, "gpt-4o");
  g_assert_nonnull (model);
  g_assert_cmpstr (model->display_name, ==, "gpt-4o");
  g_assert_cmpint (model->context_window, ==, 128000);
  g_assert_cmpint (model->max_output_tokens, ==, 16384);
  g_assert_cmpint (model->capabilities, ==, ADIUVA_MODEL_CAPABILITY_NONE);

  /* Dated snapshots find their base id… */
  g_assert_true (adiuva_provider_info_lookup_model (info, "gpt-4o-2024-08-06") == model);
  g_assert_true (adiuva_provider_info_lookup_model (info, "gpt-4o-20240806") == model);
  model = adiuva_provider_info_lookup_model (info, "claude-x-20251001");
  g_assert_nonnull (model);
  g_assert_cmpstr (model->id, ==, "claude-x");
  g_assert_cmpstr (model->display_name, ==, "Claude X");
  g_assert_cmpint (model->capabilities, ==,
                   ADIUVA_MODEL_CAPABILITY_TOOLS | ADIUVA_MODEL_CAPABILITY_VISION);
  g_assert_cmpint (adiuva_provider_info_lookup_model (info, "long")->capabilities, ==,
                   ADIUVA_MODEL_CAPABILITY_REASONING | ADIUVA_MODEL_CAPABILITY_EMBEDDINGS);

  /* …and Ollama tags theirs. */
  g_assert_cmpstr (adiuva_provider_info_lookup_model (info, "llama3.2:3b")->id, ==, "llama3.2");
  g_assert_cmpstr (adiuva_provider_info_lookup_model (info, "llama3.2:latest")->id, ==, "llama3.2");

  /* Nothing else is stripped. */
  g_assert_null (adiuva_provider_info_lookup_model (info, "gpt-4o-mini"));
  g_assert_null (adiuva_provider_info_lookup_model (info, "gpt-4o-mini-2024-07-18"));
  g_assert_null (adiuva_provider_info_lookup_model (info, "gpt-4"));
  g_assert_null (adiuva_provider_info_lookup_model (info, "gpt-4o-2024-08"));
  g_assert_null (adiuva_provider_info_lookup_model (info, "gpt-4o-12345678"));
  g_assert_null (adiuva_provider_info_lookup_model (info, ":3b"));
  g_assert_null (adiuva_provider_info_lookup_model (info, ""));
  g_assert_null (adiuva_provider_info_lookup_model (info, "GPT-4O"));
}

static void
test_model_lookup_builtin (void)
{
  g_assert_cmpstr (lookup_model ("openai", "gpt-6-sol-2026-09-22")->id, ==, "gpt-6-sol");
  g_assert_cmpstr (lookup_model ("openai", "gpt-6.1-sol-2026-09-29")->id, ==, "gpt-6.1-sol");
  g_assert_cmpstr (lookup_model ("anthropic", "claude-haiku-4-5-20251001")->id, ==,
                   "claude-haiku-4-5");
  g_assert_cmpstr (lookup_model ("ollama", "llama3.2:3b")->id, ==, "llama3.2");
  g_assert_cmpstr (lookup_model ("ollama", "gpt-oss:20b")->id, ==, "gpt-oss:20b");
  g_assert_cmpstr (lookup_model ("groq", "openai/gpt-oss-120b")->id, ==, "openai/gpt-oss-120b");
  g_assert_true (lookup_model ("gemini", "gemini-embedding-001")->capabilities &
                 ADIUVA_MODEL_CAPABILITY_EMBEDDINGS);
  g_assert_null (adiuva_provider_info_lookup_model (lookup ("openai"), "claude-opus-5-5"));
}

static void
assert_cost (const AdiuvaModelInfo *model,
             gint64                 input_tokens,
             gint64                 output_tokens,
             double                 expected)
{
  double cost = adiuva_model_info_cost (model, input_tokens, output_tokens);

  g_assert_cmpfloat_with_epsilon (cost, expected, 1e-12);
}

static void
test_cost (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProviderTable) table = load_table (test_table, &error);
  const AdiuvaProviderInfo *info = adiuva_provider_table_lookup (table, "test");
  const AdiuvaModelInfo    *gpt = adiuva_provider_info_lookup_model (info, "gpt-4o");
  const AdiuvaModelInfo    *tiered = adiuva_provider_info_lookup_model (info, "long");

  g_assert_no_error (error);

  assert_cost (gpt, 0, 0, 0);
  assert_cost (gpt, 1000000, 0, 2.5);
  assert_cost (gpt, 0, 1000000, 10);
  assert_cost (gpt, 1000, 500, 0.0075);
  assert_cost (gpt, 1, 1, 0.0000125);
  assert_cost (gpt, 10000000000, 0, 25000);

  /* The long-context price covers the whole request once the prompt passes the threshold. */
  g_assert_cmpint (tiered->long_context_threshold, ==, 200000);
  assert_cost (tiered, 200000, 1000, 0.4 + 0.012);
  assert_cost (tiered, 200001, 1000, 200001 * 4e-6 + 0.018);
  assert_cost (tiered, 1000000, 1000000, 4 + 18);

  /* The built-in table's own prices: 300k tokens of Gemini 2.5 Pro are billed at $2.50/M. */
  assert_cost (lookup_model ("gemini", "gemini-2.5-pro"), 300000, 0, 0.75);
  assert_cost (lookup_model ("openai", "gpt-6.1-sol"), 100000, 50000, 0.7);
  assert_cost (lookup_model ("openai", "gpt-6.1-sol"), 272000, 0, 0.544);
  assert_cost (lookup_model ("openai", "gpt-6.1-sol"), 1000000, 500000, 4 + 7.5);
  assert_cost (lookup_model ("anthropic", "claude-sonnet-5-5"), 10000, 2000, 0.04);
}

static void
test_models_sane (void)
{
  g_autoptr (GPtrArray) providers = list_default ();
  guint n_models = 0;

  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaProviderInfo *info = g_ptr_array_index (providers, i);

      for (guint j = 0; j < info->n_models; j++)
        {
          const AdiuvaModelInfo *model = &info->models[j];

          g_test_message ("%s: %s", info->id, model->id);
          g_assert_cmpint (model->context_window, >, 0);
          g_assert_cmpint (model->max_output_tokens, >=, 0);
          g_assert_cmpint (model->max_output_tokens, <=, model->context_window);
          g_assert_nonnull (model->display_name);
          g_assert_true (adiuva_provider_info_lookup_model (info, model->id) == model);
          g_assert_cmpfloat (model->input_price, >=, 0);
          g_assert_cmpfloat (model->output_price, >=, 0);
          if ((model->capabilities & ADIUVA_MODEL_CAPABILITY_EMBEDDINGS) == 0)
            g_assert_cmpfloat (model->output_price, >=, model->input_price);
          if (!info->is_local)
            g_assert_cmpfloat (adiuva_model_info_cost (model, 1000000, 1000000), >, 0);
          n_models++;
        }
    }

  g_assert_cmpuint (n_models, >=, 30);
}

static void
test_local_free (void)
{
  g_autoptr (GPtrArray) providers = list_default ();
  guint n_local_models = 0;

  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaProviderInfo *info = g_ptr_array_index (providers, i);

      if (!info->is_local)
        continue;

      g_assert_cmpint (info->auth_style, !=, ADIUVA_AUTH_STYLE_AWS_SIGV4);
      for (guint j = 0; j < info->n_models; j++)
        {
          g_assert_cmpfloat (adiuva_model_info_cost (&info->models[j], 1000000, 1000000), ==, 0);
          g_assert_cmpfloat (adiuva_model_info_cost (&info->models[j], 5000000, 0), ==, 0);
          n_local_models++;
        }
    }

  g_assert_cmpuint (n_local_models, >, 0);
}

/* Invalid tables ---------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *json;             /* a provider object, or a whole table when it starts with "!" */
  const char *message_parts[3]; /* the error message must name these */
} InvalidCase;

/* clang-format off */
#define PROVIDER(...)                                                                       \
  "{ 'id': 'p', 'display_name': 'P', 'wire_format': 'openai', 'auth_style': 'bearer', "    \
  "'default_base_url': 'https://api.p/v1', 'paths': { 'chat': '/chat' } " __VA_ARGS__ " }"
#define MODEL(...)                                                                          \
  PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 1000, 'input_price': 1, "          \
            "'output_price': 2 " __VA_ARGS__ " }]")
#define BARE_PROVIDER(...) "{ 'id': 'p', 'display_name': 'P', " __VA_ARGS__ " }"
#define TABLE(...) "!{ 'schema_version': 1, 'prices_as_of': '2026-11-21' " __VA_ARGS__ " }"

static const InvalidCase invalid_cases[] = {
  { "not-json", "!{ 'providers': [", { "not valid JSON" } },
  { "not-object", "![]", { "JSON object" } },
  { "no-providers", TABLE (), { "Provider table", "“providers”" } },
  { "providers-not-list", TABLE (", 'providers': {}"), { "“providers”" } },
  { "schema-version", "!{ 'schema_version': 2, 'prices_as_of': '2026-11-21', 'providers': [] }",
    { "schema version 2" } },
  { "prices-as-of", "!{ 'schema_version': 1, 'prices_as_of': 'last week', 'providers': [] }",
    { "“prices_as_of”" } },
  { "unknown-top-field", TABLE (", 'providerz': []"), { "“providerz”" } },
  { "provider-not-object", "'openai'", { "Provider 1", "object" } },
  { "missing-id", "{ 'display_name': 'P' }", { "Provider 1", "“id” is missing" } },
  { "empty-id", "{ 'id': '' }", { "Provider 1", "“id” is empty" } },
  { "bad-id", "{ 'id': 'Open AI' }", { "“Open AI”", "lower-case" } },
  { "id-not-string", "{ 'id': 7 }", { "Provider 1", "“id” must be a string" } },
  { "missing-display-name", "{ 'id': 'p', 'wire_format': 'openai' }",
    { "Provider “p”", "“display_name”" } },
  { "missing-wire-format", BARE_PROVIDER ("'auth_style': 'bearer'"),
    { "“wire_format” is missing" } },
  { "unknown-wire-format", BARE_PROVIDER ("'wire_format': 'grpc', 'auth_style': 'bearer'"),
    { "Provider “p”", "“grpc”", "anthropic" } },
  { "unknown-auth-style", BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'basic'"),
    { "Provider “p”", "“basic”", "x-api-key" } },
  { "bad-url",
    BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'bearer', "
                   "'default_base_url': 'api.p/v1'"),
    { "Provider “p”", "“default_base_url”", "api.p/v1" } },
  { "url-scheme",
    BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'bearer', "
                   "'default_base_url': 'ftp://api.p/v1'"),
    { "Provider “p”", "http://" } },
  { "url-credentials",
    BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'bearer', "
                   "'default_base_url': 'https://k:s@api.p/v1'"),
    { "Provider “p”", "keyring" } },
  { "no-base-url",
    BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'bearer', 'paths': { 'chat': '/c' }"),
    { "Provider “p”", "“default_base_url” is missing" } },
  { "base-url-and-required", PROVIDER (", 'requires_base_url': true"),
    { "Provider “p”", "“requires_base_url”" } },
  { "flag-not-boolean", PROVIDER (", 'is_local': 'yes'"), { "Provider “p”", "“is_local”" } },
  { "unknown-provider-field", PROVIDER (", 'api_key': 'sk-123'"), { "Provider “p”", "“api_key”" } },
  { "duplicate-provider", PROVIDER () "," PROVIDER (), { "Provider “p”", "twice" } },
  { "no-paths",
    BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'bearer', "
                   "'default_base_url': 'https://api.p'"),
    { "Provider “p”", "“paths” is missing" } },
  { "no-chat-path",
    BARE_PROVIDER ("'wire_format': 'openai', 'auth_style': 'bearer', "
                   "'default_base_url': 'https://api.p', 'paths': { 'models': '/models' }"),
    { "Provider “p”", "“chat”" } },
  { "unknown-endpoint", PROVIDER (", 'paths': { 'chat': '/c', 'fax': '/fax' }"),
    { "Provider “p”", "“fax”" } },
  { "relative-path", PROVIDER (", 'paths': { 'chat': 'chat/completions' }"),
    { "Provider “p”", "“chat/completions”", "“/”" } },
  { "unknown-placeholder", PROVIDER (", 'paths': { 'chat': '/m/{region}/chat' }"),
    { "Provider “p”", "{region}" } },
  { "unclosed-placeholder", PROVIDER (", 'paths': { 'chat': '/m/{model/chat' }"),
    { "Provider “p”", "unclosed" } },
  { "fragment-path", PROVIDER (", 'paths': { 'chat': '/chat#x' }"), { "Provider “p”", "/chat#x" } },
  { "auth-header", PROVIDER (", 'headers': { 'Authorization': 'Bearer sk-1' }"),
    { "Provider “p”", "“Authorization”", "keyring" } },
  { "key-header", PROVIDER (", 'headers': { 'x-goog-api-key': 'k' }"),
    { "Provider “p”", "x-goog-api-key" } },
  { "bad-header-name", PROVIDER (", 'headers': { 'a b': 'c' }"), { "Provider “p”", "“a b”" } },
  { "header-newline", PROVIDER (", 'headers': { 'X-A': '1\\r\\nX-B: 2' }"),
    { "Provider “p”", "“X-A”" } },
  { "header-not-string", PROVIDER (", 'headers': { 'X-A': 1 }"), { "Provider “p”", "“X-A”" } },
  { "models-not-list", PROVIDER (", 'models': {}"), { "Provider “p”", "“models”" } },
  { "model-missing-id", PROVIDER (", 'models': [{ 'context_window': 1000 }]"),
    { "Provider “p”, model 1", "“id” is missing" } },
  { "negative-input-price",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 1000, 'input_price': -1, "
              "'output_price': 2 }]"),
    { "Provider “p”, model “m”", "“input_price”", "negative" } },
  { "negative-output-price",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 1000, 'input_price': 1, "
              "'output_price': -0.5 }]"),
    { "Provider “p”, model “m”", "“output_price”", "negative" } },
  { "price-not-number",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 1000, 'input_price': '1', "
              "'output_price': 2 }]"),
    { "model “m”", "“input_price”" } },
  { "missing-price",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 1000, 'input_price': 1 }]"),
    { "model “m”", "“output_price” is missing" } },
  { "zero-context",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 0, 'input_price': 1, "
              "'output_price': 2 }]"),
    { "model “m”", "“context_window”", "greater than 0" } },
  { "fractional-context",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 1.5, 'input_price': 1, "
              "'output_price': 2 }]"),
    { "model “m”", "“context_window”" } },
  { "output-over-context", MODEL (", 'max_output_tokens': 2000"),
    { "model “m”", "“max_output_tokens”" } },
  { "negative-output-limit", MODEL (", 'max_output_tokens': -1"),
    { "model “m”", "“max_output_tokens”" } },
  { "unknown-capability", MODEL (", 'capabilities': ['tools', 'telepathy']"),
    { "model “m”", "“telepathy”" } },
  { "capabilities-not-list", MODEL (", 'capabilities': 'tools'"),
    { "model “m”", "“capabilities”" } },
  { "unknown-model-field", MODEL (", 'input_prise': 1"), { "model “m”", "“input_prise”" } },
  { "long-context-threshold",
    MODEL (", 'long_context': { 'above_input_tokens': 0, 'input_price': 1, 'output_price': 1 }"),
    { "model “m”", "“above_input_tokens”" } },
  { "long-context-price",
    MODEL (", 'long_context': { 'above_input_tokens': 10, 'input_price': -1, 'output_price': 1 }"),
    { "model “m”", "“input_price”", "negative" } },
  { "duplicate-model",
    PROVIDER (", 'models': [{ 'id': 'm', 'context_window': 10, 'input_price': 0, "
              "'output_price': 0 }, { 'id': 'm', 'context_window': 10, 'input_price': 0, "
              "'output_price': 0 }]"),
    { "Provider “p”, model “m”", "twice" } },
  { "local-with-price",
    PROVIDER (", 'is_local': true, 'models': [{ 'id': 'm', 'context_window': 1000, "
              "'input_price': 0, 'output_price': 0.1 }]"),
    { "Provider “p”, model “m”", "local" } },
};
/* clang-format on */

static void
test_invalid_table (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProviderTable) table = NULL;
  g_autofree char *json = NULL;

  if (c->json[0] == '!')
    json = g_strdup (c->json + 1);
  else
    json = g_strdup_printf ("{ 'schema_version': 1, 'prices_as_of': '2026-11-21', "
                            "'providers': [%s] }",
                            c->json);

  table = load_table (json, &error);
  g_assert_null (table);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_test_message ("%s", error->message);

  for (guint i = 0; i < G_N_ELEMENTS (c->message_parts) && c->message_parts[i] != NULL; i++)
    if (strstr (error->message, c->message_parts[i]) == NULL)
      g_error ("“%s” does not mention “%s”", error->message, c->message_parts[i]);
}

static void
test_valid_templates (void)
{
  /* The cases above break one rule each of tables that are otherwise valid. */
  static const char *const templates[] = { PROVIDER (), MODEL (), PROVIDER (", 'is_local': true") };

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaProviderTable) table = NULL;
      g_autofree char *json = g_strdup_printf ("{ 'schema_version': 1, 'prices_as_of': "
                                               "'2026-11-21', 'providers': [%s] }",
                                               templates[i]);

      table = load_table (json, &error);
      g_assert_no_error (error);
      g_assert_nonnull (adiuva_provider_table_lookup (table, "p"));
    }
}

static void
test_override_table (void)
{
  /* clang-format off */
  static const char json[] =
    "{ 'comment': 'a user override', 'schema_version': 1, 'prices_as_of': '2027-01-01',"
    "  'providers': ["
    "    { 'id': 'lab', 'display_name': 'Lab', 'comment': 'vLLM in the office',"
    "      'wire_format': 'openai', 'auth_style': 'none', 'requires_base_url': true,"
    "      'is_local': true, 'headers': { 'X-Team': 'design', 'X-Trace': 'on' },"
    "      'paths': { 'models': '/models', 'chat': '/chat/completions' } },"
    "    { 'id': 'aaa', 'display_name': 'AAA', 'wire_format': 'anthropic',"
    "      'auth_style': 'x-api-key', 'default_base_url': 'https://aaa.example',"
    "      'paths': { 'chat': '/v1/messages' } }"
    "  ] }";
  /* clang-format on */
  static const char *const lab_headers[] = { "X-Team", "design", "X-Trace", "on", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProviderTable) table = load_table (json, &error);
  g_autoptr (GPtrArray) providers = NULL;
  const AdiuvaProviderInfo *lab;

  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_provider_table_get_prices_as_of (table), ==, "2027-01-01");

  /* Table order, not alphabetical. */
  providers = adiuva_provider_table_list (table);
  g_assert_cmpuint (providers->len, ==, 2);
  lab = g_ptr_array_index (providers, 0);
  g_assert_cmpstr (lab->id, ==, "lab");
  g_assert_cmpstr (((AdiuvaProviderInfo *) g_ptr_array_index (providers, 1))->id, ==, "aaa");

  /* Headers and paths keep the order they were written in. */
  g_assert_cmpstrv (lab->headers, lab_headers);
  g_assert_cmpstr (lab->paths[0], ==, "models");
  g_assert_cmpstr (lab->paths[2], ==, "chat");
  g_assert_null (lab->default_base_url);
  g_assert_null (lab->base_url_hint);
  g_assert_cmpuint (lab->n_models, ==, 0);
  g_assert_null (adiuva_provider_info_lookup_model (lab, "anything"));
  g_assert_null (adiuva_provider_info_get_path (lab, "embeddings"));

  g_assert_cmpint (lab->wire_format, ==, ADIUVA_WIRE_FORMAT_OPENAI);
  g_assert_cmpint (((AdiuvaProviderInfo *) g_ptr_array_index (providers, 1))->auth_style, ==,
                   ADIUVA_AUTH_STYLE_X_API_KEY);
}

static void
test_preconditions (void)
{
  AdiuvaProviderTable      *table = adiuva_provider_table_get_default ();
  const AdiuvaProviderInfo *openai = lookup ("openai");

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*ADIUVA_IS_PROVIDER_TABLE*");
  g_assert_null (adiuva_provider_table_lookup (NULL, "openai"));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*id != NULL*");
  g_assert_null (adiuva_provider_table_lookup (table, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*json != NULL*");
  g_assert_null (adiuva_provider_table_new_from_data (NULL, -1, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*endpoint != NULL*");
  g_assert_null (adiuva_provider_info_build_url (openai, NULL, NULL, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*model_id != NULL*");
  g_assert_null (adiuva_provider_info_lookup_model (openai, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*input_tokens >= 0*");
  g_assert_cmpfloat (adiuva_model_info_cost (&openai->models[0], -1, 0), ==, 0);
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/provider-table/default/loads", test_default_loads);
  g_test_add_func ("/provider-table/default/threads", test_default_threads);
  g_test_add_func ("/provider-table/default/required-providers", test_required_providers);
  g_test_add_func ("/provider-table/default/headers", test_headers);
  g_test_add_func ("/provider-table/default/urls-parse", test_urls_parse);
  g_test_add_func ("/provider-table/default/models-sane", test_models_sane);
  g_test_add_func ("/provider-table/default/local-free", test_local_free);

  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/provider-table/build-url/%s/%u",
                                               url_cases[i].provider, i);

      g_test_add_data_func (path, &url_cases[i], test_build_url);
    }
  for (guint i = 0; i < G_N_ELEMENTS (url_error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/provider-table/build-url-error/%s/%u",
                                               url_error_cases[i].provider, i);

      g_test_add_data_func (path, &url_error_cases[i], test_build_url_error);
    }

  g_test_add_func ("/provider-table/model-lookup", test_model_lookup);
  g_test_add_func ("/provider-table/model-lookup-builtin", test_model_lookup_builtin);
  g_test_add_func ("/provider-table/cost", test_cost);

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/provider-table/invalid/%s", invalid_cases[i].name);

      g_test_add_data_func (path, &invalid_cases[i], test_invalid_table);
    }
  g_test_add_func ("/provider-table/valid-templates", test_valid_templates);
  g_test_add_func ("/provider-table/override", test_override_table);
  g_test_add_func ("/provider-table/preconditions", test_preconditions);

  return g_test_run ();
}
