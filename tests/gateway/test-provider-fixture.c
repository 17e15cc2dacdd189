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

void
provider_fixture_add_provider (ProviderFixture *f,
                               const char      *name,
                               const char      *kind,
                               const char      *base,
                               const char      *key)
{
  g_autoptr (AdiuvaProviderSettings) settings = adiuva_provider_settings_new (name, kind);
  g_autoptr (GError) error = NULL;

  adiuva_provider_settings_set_base_url (settings, base);
  adiuva_provider_settings_set_api_key (settings, key);
  adiuva_gateway_client_set_provider (f->client, settings, &error);
  g_assert_no_error (error);
}

/* Returns FALSE, having skipped the test, without the recorded traffic. */
gboolean
provider_fixture_start (ProviderFixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *v1 = NULL;

  memset (f, 0, sizeof *f);
  if (!g_file_test (FIXTURES_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no fixtures directory at " FIXTURES_DIR);
      return FALSE;
    }

  f->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                 &error, TEST_PROVIDER_PATH, "--port", "0", "--fixtures",
                                 FIXTURES_DIR, "--idle-timeout", "60", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  f->base = g_strdup (line + strlen ("listening on "));
  f->control = soup_session_new_with_options ("timeout", 10, "proxy-resolver", NULL, NULL);

  f->client = adiuva_gateway_client_new (NULL);
  f->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_call_metrics_free);
  adiuva_gateway_client_set_usage_func (f->client, usage_cb, f, NULL);

  v1 = g_strconcat (f->base, "/v1", NULL);
  provider_fixture_add_provider (f, "oa", "openai", v1, "sk-test-SECRETKEY-openai-0001");
  provider_fixture_add_provider (f, "an", "anthropic", f->base, "test-anthropic-SECRETKEY");
  provider_fixture_add_provider (f, "ge", "gemini", f->base, "AIzaSECRETKEY-gemini");
  provider_fixture_add_provider (f, "ol", "ollama", f->base, NULL);
  return TRUE;
}

void
provider_fixture_stop (ProviderFixture *f)
{
  g_clear_object (&f->client);
  g_clear_pointer (&f->attempts, g_ptr_array_unref);
  g_clear_object (&f->control);
  if (f->process != NULL)
    {
      g_subprocess_force_exit (f->process);
      g_subprocess_wait (f->process, NULL, NULL);
    }
  g_clear_object (&f->process);
  g_clear_pointer (&f->base, g_free);
}

GBytes *
provider_fixture_control (ProviderFixture *f,
                          const char      *method,
                          const char      *path,
                          const char      *json)
{
  g_autofree char *uri = g_strconcat (f->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GError) error = NULL;
  GBytes *body;

  if (json != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  body = soup_session_send_and_read (f->control, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return body;
}

void
provider_fixture_script (ProviderFixture *f,
                         const char      *steps)
{
  g_autoptr (GBytes) body = provider_fixture_control (f, "POST", "/__script", steps);
}

/* The requests the server received, oldest first (see tests/gateway/README.md). */
JsonArray *
provider_fixture_requests (ProviderFixture *f)
{
  g_autoptr (GBytes) body = provider_fixture_control (f, "GET", "/__requests", NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr (JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_array_ref (json_node_get_array (node));
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
  provider_fixture_script (f, steps);
}
