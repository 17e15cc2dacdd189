/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-provider-fixture"

#include "config.h"

#include <string.h>

#include "test-provider-fixture.h"

static void
usage_cb (const AdiuvaCallMetrics *metrics,
          gpointer                 user_data)
{
  ProviderFixture *f = user_data;

  g_ptr_array_add (f->attempts, adiuva_call_metrics_copy (metrics));
}

/* Points the provider @name of @client at @base. */
void
test_gateway_add_provider (AdiuvaGatewayClient *client,
                           const char          *name,
                           const char          *kind,
                           const char          *base,
                           const char          *key)
{
  g_autoptr (AdiuvaProviderSettings) settings = adiuva_provider_settings_new (name, kind);
  g_autoptr (GError) error = NULL;

  adiuva_provider_settings_set_base_url (settings, base);
  adiuva_provider_settings_set_api_key (settings, key);
  adiuva_gateway_client_set_provider (client, settings, &error);
  g_assert_no_error (error);
}

/* As provider_fixture_start(), without any provider: the test sets them up. */
gboolean
provider_fixture_start_empty (ProviderFixture *f)
{
  memset (f, 0, sizeof *f);
  f->provider = test_provider_start ();
  if (f->provider == NULL)
    return FALSE;

  f->client = adiuva_gateway_client_new (NULL);
  f->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_call_metrics_free);
  adiuva_gateway_client_set_usage_func (f->client, usage_cb, f, NULL);
  return TRUE;
}

/* Returns FALSE, having skipped the test, without the recorded traffic. */
gboolean
provider_fixture_start (ProviderFixture *f)
{
  g_autofree char *v1 = NULL;
  const char      *base;

  if (!provider_fixture_start_empty (f))
    return FALSE;
  base = f->provider->base;

  v1 = g_strconcat (base, "/v1", NULL);
  test_gateway_add_provider (f->client, "oa", "openai", v1, "sk-test-SECRETKEY-openai-0001");
  test_gateway_add_provider (f->client, "an", "anthropic", base, "test-anthropic-SECRETKEY");
  test_gateway_add_provider (f->client, "ge", "gemini", base, "AIzaSECRETKEY-gemini");
  test_gateway_add_provider (f->client, "ol", "ollama", base, NULL);
  return TRUE;
}

void
provider_fixture_stop (ProviderFixture *f)
{
  g_clear_object (&f->client);
  g_clear_pointer (&f->attempts, g_ptr_array_unref);
  g_clear_pointer (&f->provider, test_provider_stop);
}

void
provider_fixture_wait (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

/* Scripts one answer of @body (any bytes) with @status and a JSON content type. */
void
provider_fixture_script_body (ProviderFixture *f,
                              const char      *match,
                              guint            status,
                              const char      *body)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *steps = NULL;

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "match");
  json_builder_add_string_value (builder, match);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Content-Type");
  json_builder_add_string_value (builder, "application/json");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  steps = json_to_string (root, FALSE);
  test_provider_script (f->provider, steps);
}

static GString *debug_log;

static GLogWriterOutput
debug_writer_cb (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) == 0)
    return g_log_writer_default (level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append_len (debug_log, fields[i].value, fields[i].length);
        g_string_append_c (debug_log, '\n');
      }
  return G_LOG_WRITER_HANDLED;
}

static void
debug_handler_cb (const char    *domain,
                  GLogLevelFlags level,
                  const char    *message,
                  gpointer       user_data)
{
  g_string_append_printf (debug_log, "%s\n", message);
}

/**
 * test_gateway_init:
 * @first_domain: the first of the log domains whose g_debug() lines to keep, then more,
 *   then %NULL
 *
 * g_test_init() for a test of the gateway: no proxy from the environment, and every debug
 * line kept, to be searched, and off standard output, where TAP reads.
 *
 * Returns: (transfer none): the debug lines so far; a test may truncate it
 */
GString *
test_gateway_init (int        *argc,
                   char     ***argv,
                   const char *first_domain,
                   ...)
{
  va_list ap;

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("no_proxy");
  g_unsetenv ("all_proxy");
  g_test_init (argc, argv, NULL);
  debug_log = g_string_new (NULL);

  /* g_debug() goes through a domain's handler, structured logging through the writer. */
  va_start (ap, first_domain);
  for (const char *domain = first_domain; domain != NULL; domain = va_arg (ap, const char *))
    g_log_set_handler (domain, G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO, debug_handler_cb, NULL);
  va_end (ap);
  g_log_set_writer_func (debug_writer_cb, NULL, NULL);

  return debug_log;
}
