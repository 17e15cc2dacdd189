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

/* Returns FALSE, having skipped the test, without the recorded traffic. */
gboolean
provider_fixture_start (ProviderFixture *f)
{
  g_autofree char *v1 = NULL;
  const char      *base;

  memset (f, 0, sizeof *f);
  f->provider = test_provider_start ();
  if (f->provider == NULL)
    return FALSE;
  base = f->provider->base;

  f->client = adiuva_gateway_client_new (NULL);
  f->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_call_metrics_free);
  adiuva_gateway_client_set_usage_func (f->client, usage_cb, f, NULL);

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
