/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-workspace-gateway"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "adiuva-assistant.h"
#include "test-provider-util.h"
#include "test-tree.h"

#define SECRET_KEY "sk-test-never-in-the-database-4711"

/* A real encrypted workspace in a temporary folder, its key in the private keyring of
 * build-aux/test-env --keyring. */
typedef struct
{
  char                   *tmp;
  char                   *dir;
  AdiuvaStore            *store;
  AdiuvaWorkspaceGateway *gateway;
  guint                   changes;
} Fixture;

static void
changed_cb (AdiuvaWorkspaceGateway *gateway,
            Fixture                *f)
{
  f->changes++;
}

static void
fixture_open (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  if (f->store == NULL)
    f->store = adiuva_store_open (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  f->gateway = adiuva_workspace_gateway_new (f->store);
  g_signal_connect (f->gateway, "changed", G_CALLBACK (changed_cb), f);
}

/* What a restart does: everything let go, the workspace opened again. */
static void
fixture_reopen (Fixture *f)
{
  g_clear_object (&f->gateway);
  g_clear_object (&f->store);
  fixture_open (f);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->tmp = g_dir_make_tmp ("adiuva-assistant-XXXXXX", &error);
  g_assert_no_error (error);
  f->dir = g_build_filename (f->tmp, "workspace", NULL);
  f->store = adiuva_store_create (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  fixture_open (f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->gateway);
  g_clear_object (&f->store);
  test_remove_tree (f->tmp);
  g_free (f->dir);
  g_free (f->tmp);
}

/* The whole database as the store exports it: every table, the settings included. */
static char *
dump_database (AdiuvaStore *store)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  adiuva_store_export_json (store, out, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, &error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static char *
dup_key (Fixture    *f,
         const char *provider)
{
  g_autoptr (GError) error = NULL;
  char *key = adiuva_provider_key_lookup (adiuva_store_get_workspace_id (f->store), provider,
                                          NULL, &error);
  char *copy = g_strdup (key);

  g_assert_no_error (error);
  adiuva_provider_key_free (key);
  return copy;
}

static AdiuvaWorkspaceProvider *
find_provider (GPtrArray  *providers,
               const char *name)
{
  for (guint i = 0; i < providers->len; i++)
    {
      AdiuvaWorkspaceProvider *p = g_ptr_array_index (providers, i);

      if (g_str_equal (p->name, name))
        return p;
    }
  return NULL;
}

static void
test_providers (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) providers = NULL;
  g_autofree char         *dump = NULL;
  g_autofree char         *key = NULL;
  g_autofree char         *setting = NULL;
  AdiuvaWorkspaceProvider *oa;

  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai",
                                                        "http://127.0.0.1:1/v1", SECRET_KEY,
                                                        &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "ol", "ollama", NULL, NULL,
                                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changes, ==, 2);

  providers = adiuva_workspace_gateway_list_providers (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (providers->len, ==, 2);
  oa = g_ptr_array_index (providers, 0);
  g_assert_cmpstr (oa->name, ==, "oa");
  g_assert_cmpstr (oa->kind, ==, "openai");
  g_assert_cmpstr (oa->base_url, ==, "http://127.0.0.1:1/v1");
  g_assert_true (oa->has_key);
  g_assert_null (((AdiuvaWorkspaceProvider *) g_ptr_array_index (providers, 1))->base_url);
  g_assert_false (((AdiuvaWorkspaceProvider *) g_ptr_array_index (providers, 1))->has_key);

  /* The key is in the keyring, and nowhere in the database; the settings keep the CLI's
   * format. */
  key = dup_key (f, "oa");
  g_assert_cmpstr (key, ==, SECRET_KEY);
  dump = dump_database (f->store);
  g_assert_nonnull (strstr (dump, "gateway.providers"));
  g_assert_null (strstr (dump, SECRET_KEY));
  setting = adiuva_store_dup_setting (f->store, "gateway.providers", &error);
  g_assert_cmpstr (setting, ==,
                   "[{\"name\":\"oa\",\"kind\":\"openai\",\"base_url\":\"http://127.0.0.1:1/v1\"},"
                   "{\"name\":\"ol\",\"kind\":\"ollama\"}]");

  /* Refused: nothing changes, nothing is announced. */
  g_assert_false (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", NULL, NULL,
                                                         &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_EXISTS);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_add_provider (f->gateway, "x", "no-such-kind", NULL,
                                                         NULL, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_add_provider (f->gateway, "a/b", "openai", NULL, NULL,
                                                         &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_add_provider (f->gateway, "oc", "openai-compatible",
                                                         NULL, NULL, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (f->changes, ==, 2);

  /* An update without a key keeps the one in the keyring. */
  g_assert_true (adiuva_workspace_gateway_update_provider (f->gateway, "oa", "openai", NULL, NULL,
                                                           &error));
  g_assert_no_error (error);
  g_clear_pointer (&providers, g_ptr_array_unref);
  providers = adiuva_workspace_gateway_list_providers (f->gateway, &error);
  oa = find_provider (providers, "oa");
  g_assert_null (oa->base_url);
  g_assert_true (oa->has_key);
  g_assert_false (adiuva_workspace_gateway_update_provider (f->gateway, "nope", "openai", NULL,
                                                            NULL, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND);
  g_clear_error (&error);

  /* Removing a provider takes its key along. */
  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "oa", &error));
  g_assert_no_error (error);
  g_clear_pointer (&key, g_free);
  key = dup_key (f, "oa");
  g_assert_null (key);
  g_clear_pointer (&providers, g_ptr_array_unref);
  providers = adiuva_workspace_gateway_list_providers (f->gateway, &error);
  g_assert_cmpuint (providers->len, ==, 1);
  g_assert_null (find_provider (providers, "oa"));
  g_assert_cmpuint (f->changes, ==, 4);

  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "ol", &error));
  g_assert_no_error (error);
}

static void
assert_setting (Fixture    *f,
                const char *key,
                const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = adiuva_store_dup_setting (f->store, key, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, expected);
}

static void
test_models_and_aliases (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) aliases = NULL;
  g_autofree char *target = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *model = NULL;
  g_autofree char *provider = NULL;

  /* No model named, none by default: the front end asks the user. */
  g_assert_false (adiuva_workspace_gateway_choose_model (f->gateway, &model, NULL, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL);
  g_clear_error (&error);

  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", NULL, NULL,
                                                        &error));
  g_assert_true (adiuva_workspace_gateway_set_alias (f->gateway, "smart", "oa/big", &error));
  g_assert_true (adiuva_workspace_gateway_set_alias (f->gateway, "fast", "smart", &error));
  g_assert_no_error (error);
  assert_setting (f, "gateway.aliases", "{\"smart\":\"oa/big\",\"fast\":\"smart\"}");

  /* A cycle is the gateway's to refuse, before anything is saved. */
  g_assert_false (adiuva_workspace_gateway_set_alias (f->gateway, "smart", "fast", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  assert_setting (f, "gateway.aliases", "{\"smart\":\"oa/big\",\"fast\":\"smart\"}");

  aliases = adiuva_workspace_gateway_list_aliases (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (aliases), ==, 2);
  target = adiuva_workspace_gateway_dup_alias (f->gateway, "fast", &error);
  g_assert_cmpstr (target, ==, "smart");
  resolved = adiuva_workspace_gateway_resolve_model (f->gateway, "fast", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, "oa/big");

  g_assert_true (adiuva_workspace_gateway_check_model (f->gateway, "fast", FALSE, &error));
  g_assert_true (adiuva_workspace_gateway_check_model (f->gateway, "oa/anything", FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (adiuva_workspace_gateway_check_model (f->gateway, "nope/m", FALSE, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_check_model (f->gateway, "slow", FALSE, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_check_model (f->gateway, "oa/", FALSE, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_set_default_model (f->gateway, "auto", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_ROUTES);
  g_clear_error (&error);

  g_assert_true (adiuva_workspace_gateway_set_default_model (f->gateway, "fast", &error));
  assert_setting (f, "gateway.default-model", "fast");
  g_assert_true (adiuva_workspace_gateway_choose_model (f->gateway, &model, &provider, &error));
  g_assert_cmpstr (model, ==, "fast");
  g_assert_null (provider);
  g_clear_pointer (&model, g_free);
  model = g_strdup ("oa/small");
  g_assert_true (adiuva_workspace_gateway_choose_model (f->gateway, &model, &provider, &error));
  g_assert_cmpstr (provider, ==, "oa");

  g_assert_true (adiuva_workspace_gateway_remove_alias (f->gateway, "smart", &error));
  g_assert_no_error (error);
  assert_setting (f, "gateway.aliases", "{\"fast\":\"smart\"}");
  g_assert_false (adiuva_workspace_gateway_remove_alias (f->gateway, "smart", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_routes (Fixture      *f,
             gconstpointer data)
{
  const char *const models[] = { "oa/code", NULL };
  const char *const bad_models[] = { "nope/code", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaRoute) coding = adiuva_route_new ("coding", "Code", models, &error);
  g_autoptr (AdiuvaRoute) chat = adiuva_route_new ("chat", "Talk", models, &error);
  g_autoptr (AdiuvaRoute) bad = adiuva_route_new ("bad", "Bad", bad_models, &error);
  g_autoptr (AdiuvaRouter) router = NULL;
  g_autoptr (AdiuvaWorkspaceGateway) other = NULL;

  g_assert_no_error (error);
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", NULL, NULL,
                                                        &error));
  g_assert_true (adiuva_route_add_keyword (coding, "bug", &error));
  g_assert_true (adiuva_workspace_gateway_set_route (f->gateway, coding, &error));
  g_assert_true (adiuva_workspace_gateway_set_route (f->gateway, chat, &error));
  g_assert_true (adiuva_workspace_gateway_set_router_model (f->gateway, "oa/tiny", &error));
  g_assert_true (adiuva_workspace_gateway_set_default_route (f->gateway, "chat", &error));
  g_assert_true (adiuva_workspace_gateway_set_default_model (f->gateway, "auto", &error));
  g_assert_no_error (error);

  g_assert_false (adiuva_workspace_gateway_set_route (f->gateway, bad, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_set_default_route (f->gateway, "bad", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_ROUTE_NOT_FOUND);
  g_clear_error (&error);

  /* Another object on the same workspace reads what was saved. */
  other = adiuva_workspace_gateway_new (f->store);
  router = adiuva_workspace_gateway_dup_router (other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (adiuva_router_get_n_routes (router), ==, 2);
  g_assert_cmpstr (adiuva_route_get_keywords (adiuva_router_get_route (router, "coding"))[0], ==,
                   "bug");
  g_assert_cmpstr (adiuva_router_get_router_model (router), ==, "oa/tiny");
  g_assert_cmpstr (adiuva_router_get_default_route (router), ==, "chat");

  g_assert_true (adiuva_workspace_gateway_remove_route (f->gateway, "chat", &error));
  g_assert_true (adiuva_workspace_gateway_set_router_model (f->gateway, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&router);
  router = adiuva_workspace_gateway_dup_router (other, &error);
  g_assert_cmpuint (adiuva_router_get_n_routes (router), ==, 1);
  g_assert_null (adiuva_router_get_router_model (router));
  g_assert_false (adiuva_workspace_gateway_remove_route (f->gateway, "chat", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_ROUTE_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_budgets_and_limits (Fixture      *f,
                         gconstpointer data)
{
  AdiuvaWorkspaceBudget daily = { ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 1000, -1 };
  AdiuvaWorkspaceBudget monthly = { ADIUVA_BUDGET_PROVIDER, (char *) "oa", ADIUVA_BUDGET_MONTH,
                                    -1, 2.5 };
  AdiuvaWorkspaceBudget nothing = { ADIUVA_BUDGET_CALLER, (char *) "chat", ADIUVA_BUDGET_DAY, -1,
                                    -1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) budgets = NULL;
  g_autoptr (AdiuvaBudgets) seeded = NULL;
  g_auto (GStrv) targets = NULL;
  AdiuvaWorkspaceBudget *b;
  gint64                 max_tokens;
  double                 max_cost;
  guint                  rpm, tpm;

  g_assert_true (adiuva_workspace_gateway_set_budget (f->gateway, &daily, &error));
  g_assert_true (adiuva_workspace_gateway_set_budget (f->gateway, &monthly, &error));
  g_assert_no_error (error);
  /* Setting one again replaces it in place. */
  daily.max_tokens = 2000;
  g_assert_true (adiuva_workspace_gateway_set_budget (f->gateway, &daily, &error));
  g_assert_false (adiuva_workspace_gateway_set_budget (f->gateway, &nothing, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  assert_setting (f, "gateway.budgets",
                  "[{\"scope\":\"provider\",\"name\":\"oa\",\"period\":\"month\",\"cost\":2.5},"
                  "{\"scope\":\"global\",\"period\":\"day\",\"tokens\":2000}]");

  budgets = adiuva_workspace_gateway_list_budgets (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (budgets->len, ==, 2);
  b = g_ptr_array_index (budgets, 0);
  g_assert_cmpint (b->scope, ==, ADIUVA_BUDGET_PROVIDER);
  g_assert_cmpstr (b->name, ==, "oa");
  g_assert_cmpint (b->max_tokens, ==, -1);
  g_assert_cmpfloat (b->max_cost, ==, 2.5);
  seeded = adiuva_workspace_gateway_dup_budgets (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_true (adiuva_budgets_get (seeded, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY,
                                     &max_tokens, &max_cost));
  g_assert_cmpint (max_tokens, ==, 2000);

  g_assert_true (adiuva_workspace_gateway_remove_budget (f->gateway, ADIUVA_BUDGET_PROVIDER, "oa",
                                                         ADIUVA_BUDGET_MONTH, &error));
  g_assert_false (adiuva_workspace_gateway_remove_budget (f->gateway, ADIUVA_BUDGET_PROVIDER,
                                                          "oa", ADIUVA_BUDGET_MONTH, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (adiuva_workspace_gateway_set_limit (f->gateway, "oa/m", 0, 1000, &error));
  g_assert_true (adiuva_workspace_gateway_set_limit (f->gateway, "oa", 5, 0, &error));
  g_assert_no_error (error);
  g_assert_false (adiuva_workspace_gateway_set_limit (f->gateway, "/m", 5, 0, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  assert_setting (f, "gateway.limits", "{\"oa/m\":{\"tpm\":1000},\"oa\":{\"rpm\":5}}");
  targets = adiuva_workspace_gateway_list_limits (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (targets), ==, 2);
  g_assert_cmpstr (targets[0], ==, "oa");
  g_assert_cmpstr (targets[1], ==, "oa/m");
  g_assert_true (adiuva_workspace_gateway_get_limit (f->gateway, "oa/m", &rpm, &tpm, &error));
  g_assert_cmpuint (rpm, ==, 0);
  g_assert_cmpuint (tpm, ==, 1000);
  g_assert_true (adiuva_workspace_gateway_remove_limit (f->gateway, "oa", &error));
  g_assert_false (adiuva_workspace_gateway_remove_limit (f->gateway, "oa", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_LIMIT_NOT_FOUND);
  g_clear_error (&error);

  /* Seven changes were saved, and each one announced. */
  g_assert_cmpuint (f->changes, ==, 7);
}

/* Settings as earlier versions wrote them, with nothing this object added, still work. */
static void
test_existing_settings (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) budgets = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  guint rpm, tpm;

  adiuva_store_set_setting (f->store, "gateway.providers",
                            "[{\"name\":\"work\",\"kind\":\"anthropic\"}]", &error);
  adiuva_store_set_setting (f->store, "gateway.aliases", "{\"fast\":\"work/haiku\"}", &error);
  adiuva_store_set_setting (f->store, "gateway.budgets",
                            "[{\"scope\":\"caller\",\"name\":\"cli\",\"period\":\"day\","
                            "\"tokens\":20}]",
                            &error);
  adiuva_store_set_setting (f->store, "gateway.limits", "{\"work\":{\"rpm\":60}}", &error);
  g_assert_no_error (error);

  client = adiuva_workspace_gateway_new_client (f->gateway, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_gateway_client_get_alias (client, "fast"), ==, "work/haiku");
  budgets = adiuva_workspace_gateway_list_budgets (f->gateway, &error);
  g_assert_cmpuint (budgets->len, ==, 1);
  g_assert_true (adiuva_rate_limiter_get_limit (adiuva_gateway_client_get_rate_limiter (client),
                                                "work", NULL, &rpm, &tpm));
  g_assert_cmpuint (rpm, ==, 60);

  /* Damaged settings say so, and are left as they are. */
  adiuva_store_set_setting (f->store, "gateway.budgets", "{\"not\": \"a list\"}", &error);
  g_assert_null (adiuva_workspace_gateway_new_client (f->gateway, NULL, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  assert_setting (f, "gateway.budgets", "{\"not\": \"a list\"}");
}

static AdiuvaChatMessage *
chat_model (AdiuvaGatewayClient *client,
            const char          *model_ref,
            AdiuvaCallMetrics  **metrics,
            GError             **error)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gpt-6-sol");
  g_autoptr (AdiuvaChatMessage) question = adiuva_chat_message_new_text (ADIUVA_ROLE_USER,
                                                                         "Count to five");
  g_autoptr (GAsyncResult) result = NULL;

  request->stream = TRUE;
  adiuva_chat_request_add_message (request, question);
  adiuva_gateway_client_chat_async (client, model_ref, request, "chat", NULL, NULL, NULL,
                                    test_keep_result_cb, &result);
  return adiuva_gateway_client_chat_finish (client, test_wait_result (&result), metrics, NULL,
                                            error);
}

static AdiuvaChatMessage *
chat (AdiuvaGatewayClient *client,
      GError             **error)
{
  return chat_model (client, "oa/gpt-6-sol", NULL, error);
}

/* The workspace's client, the way the app gets it. */
static AdiuvaGatewayClient *
get_client (AdiuvaWorkspaceGateway *gateway,
            GError                **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_workspace_gateway_get_client_async (gateway, NULL, test_keep_result_cb, &result);
  return adiuva_workspace_gateway_get_client_finish (gateway, test_wait_result (&result), error);
}

static gint64
count_calls (AdiuvaStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) usage = adiuva_store_get_llm_usage (store, 0, &error);
  gint64 calls = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < usage->len; i++)
    calls += ((AdiuvaLlmUsage *) g_ptr_array_index (usage, i))->calls;
  return calls;
}

static void
test_chat_and_spending (Fixture      *f,
                        gconstpointer data)
{
  AdiuvaWorkspaceBudget budget = { ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 10, -1 };
  g_autoptr (TestProvider) server = test_provider_start ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatMessage) answer = NULL;
  g_autoptr (AdiuvaChatMessage) refused = NULL;
  g_autoptr (AdiuvaGatewayClient) first = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (AdiuvaGatewayClient) same = NULL;
  g_autofree char *v1 = NULL;

  if (server == NULL)
    return;

  v1 = g_strconcat (server->base, "/v1", NULL);
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", v1,
                                                        SECRET_KEY, &error));
  g_assert_true (adiuva_workspace_gateway_set_budget (f->gateway, &budget, &error));
  g_assert_no_error (error);

  /* One client, kept until the configuration changes. */
  first = get_client (f->gateway, &error);
  g_assert_no_error (error);
  same = get_client (f->gateway, NULL);
  g_assert_true (same == first);
  g_assert_true (adiuva_workspace_gateway_set_alias (f->gateway, "sol", "oa/gpt-6-sol", &error));
  client = get_client (f->gateway, &error);
  g_assert_true (client != first);
  g_assert_cmpstr (adiuva_gateway_client_get_alias (client, "sol"), ==, "oa/gpt-6-sol");

  /* The call reaches the provider with the key from the keyring, and goes to the call log. */
  answer = chat (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  adiuva_workspace_gateway_flush_call_log (f->gateway);
  g_assert_cmpint (count_calls (f->store), ==, 1);
  g_assert_cmpuint (test_provider_count_requests (server, "/v1/chat/completions"), ==, 1);

  /* After a restart, what the log holds as spent today is over the budget: refused before
   * anything is sent. */
  g_clear_object (&first);
  g_clear_object (&same);
  g_clear_object (&client);
  fixture_reopen (f);
  client = get_client (f->gateway, &error);
  g_assert_no_error (error);
  refused = chat (client, &error);
  g_assert_null (refused);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_cmpuint (test_provider_count_requests (server, "/v1/chat/completions"), ==, 1);

  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "oa", NULL));
}

/* The fallback order: kept in order, checked, and really followed by the workspace's client
 * when the model asked cannot be reached or fails. */
static void
test_fallbacks (Fixture      *f,
                gconstpointer data)
{
  const char *const chain[] = { "oa/gpt-6-sol", "fast", NULL };
  const char *const unknown[] = { "oa/gpt-6-sol", "nowhere/m", NULL };
  const char *const twice[] = { "fast", "fast", NULL };
  const char *const routed[] = { "auto", NULL };
  g_autoptr (TestProvider) server = test_provider_start ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatMessage) answer = NULL;
  g_autoptr (AdiuvaChatMessage) failed = NULL;
  g_autoptr (AdiuvaCallMetrics) metrics = NULL;
  g_auto (GStrv) listed = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *closed = NULL;
  guint            changes;

  if (server == NULL)
    return;

  listed = adiuva_workspace_gateway_list_fallbacks (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 0);
  g_clear_pointer (&listed, g_strfreev);

  v1 = g_strconcat (server->base, "/v1", NULL);
  closed = g_strdup_printf ("http://127.0.0.1:%u/v1", test_provider_closed_port ());
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", v1,
                                                        SECRET_KEY, &error));
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "down", "openai", closed,
                                                        SECRET_KEY, &error));
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "broken", "openai", v1,
                                                        SECRET_KEY, &error));
  g_assert_true (adiuva_workspace_gateway_set_alias (f->gateway, "fast", "oa/gpt-6-sol", &error));
  g_assert_no_error (error);

  /* Refused before anything is saved: a provider the workspace lacks, a model twice, auto. */
  changes = f->changes;
  g_assert_false (adiuva_workspace_gateway_set_fallbacks (f->gateway, unknown, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_set_fallbacks (f->gateway, twice, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_workspace_gateway_set_fallbacks (f->gateway, routed, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (f->changes, ==, changes);

  g_assert_true (adiuva_workspace_gateway_set_fallbacks (f->gateway, chain, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changes, ==, changes + 1);
  assert_setting (f, "gateway.fallbacks", "[\"oa/gpt-6-sol\",\"fast\"]");
  listed = adiuva_workspace_gateway_list_fallbacks (f->gateway, &error);
  g_assert_cmpstrv (listed, chain);

  /* Connection refused: the first model of the order answers. */
  client = get_client (f->gateway, &error);
  g_assert_no_error (error);
  answer = chat_model (client, "down/gpt-6-sol", &metrics, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_cmpstr (metrics->provider, ==, "oa");
  g_assert_cmpuint (metrics->fallback_hops, ==, 1);
  g_assert_cmpuint (test_provider_count_requests (server, "/v1/chat/completions"), ==, 1);
  g_clear_pointer (&answer, adiuva_chat_message_unref);
  g_clear_pointer (&metrics, adiuva_call_metrics_free);

  /* A server error on every try of the model asked: the order again, after a restart. */
  g_clear_object (&client);
  fixture_reopen (f);
  client = get_client (f->gateway, &error);
  g_assert_no_error (error);
  test_provider_reset (server);
  test_provider_script (server, "[{\"match\": \"/v1/chat/completions\", \"status\": 500, "
                                "\"times\": 3}]");
  answer = chat_model (client, "broken/gpt-6-sol", &metrics, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_cmpstr (metrics->provider, ==, "oa");
  g_assert_cmpuint (metrics->fallback_hops, ==, 1);
  g_assert_cmpuint (test_provider_count_requests (server, "/v1/chat/completions"), ==, 4);
  g_clear_pointer (&metrics, adiuva_call_metrics_free);

  /* Without an order, the failure is the call's. */
  g_assert_true (adiuva_workspace_gateway_set_fallbacks (f->gateway, NULL, &error));
  assert_setting (f, "gateway.fallbacks", "[]");
  g_clear_object (&client);
  client = get_client (f->gateway, &error);
  failed = chat_model (client, "down/gpt-6-sol", NULL, &error);
  g_assert_null (failed);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK);
  g_clear_error (&error);

  /* A damaged order says so. */
  adiuva_store_set_setting (f->store, "gateway.fallbacks", "[\"oa/x\", 3]", &error);
  g_assert_null (adiuva_workspace_gateway_list_fallbacks (f->gateway, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (adiuva_workspace_gateway_new_client (f->gateway, NULL, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* The keys leave the private keyring with their providers. */
  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "oa", NULL));
  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "down", NULL));
  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "broken", NULL));
}

typedef struct
{
  AdiuvaGatewayClient *client;
  guint                pending;
} Chats;

static void
chat_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Chats *chats = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatMessage) answer = NULL;

  answer = adiuva_gateway_client_chat_finish (chats->client, result, NULL, NULL, &error);
  g_assert_no_error (error);
  chats->pending--;
}

/* Calls are logged by the log's thread, over its own connection, while the front end goes on
 * writing to its store: every call gets there, and so does every write of the front end. */
static void
test_call_log_thread (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (TestProvider) server = test_provider_start ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autofree char *v1 = NULL;
  Chats            chats = { 0 };
  guint            writes = 0;

  if (server == NULL)
    return;

  v1 = g_strconcat (server->base, "/v1", NULL);
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", v1,
                                                        SECRET_KEY, &error));
  client = get_client (f->gateway, &error);
  g_assert_no_error (error);
  chats.client = client;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gpt-6-sol");
      g_autoptr (AdiuvaChatMessage) question =
          adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Count to five");

      request->stream = TRUE;
      adiuva_chat_request_add_message (request, question);
      adiuva_gateway_client_chat_async (chats.client, "oa/gpt-6-sol", request, "chat", NULL,
                                        NULL, NULL, chat_done_cb, &chats);
      chats.pending++;
    }
  while (chats.pending > 0)
    {
      g_autofree char *key = g_strdup_printf ("test.write.%u", writes++);

      g_main_context_iteration (NULL, FALSE);
      adiuva_store_set_setting (f->store, key, "the front end at work", &error);
      g_assert_no_error (error);
    }

  adiuva_workspace_gateway_flush_call_log (f->gateway);
  g_assert_cmpint (count_calls (f->store), ==, 20);
  for (guint i = 0; i < writes; i++)
    {
      g_autofree char *key = g_strdup_printf ("test.write.%u", i);

      assert_setting (f, key, "the front end at work");
    }

  /* What is still queued when the last reference goes is written then. */
  g_clear_object (&f->gateway);
  g_clear_object (&f->store);
  fixture_open (f);
  g_assert_cmpint (count_calls (f->store), ==, 20);
  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "oa", NULL));
}

typedef struct
{
  gboolean done;
  guint    status; /* 0 when nothing listens */
  char    *body;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (error != NULL)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  else
    {
      answer->status = soup_message_get_status (
          soup_session_get_async_result_message (SOUP_SESSION (source), result));
      answer->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }
  answer->done = TRUE;
}

/* GET /v1/models from the endpoint, as a local tool would; the body in @body. */
static guint
get_models (guint       port,
            const char *token,
            char      **body)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1/models", port);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  Answer           answer = { 0 };

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &answer);
  while (!answer.done)
    g_main_context_iteration (NULL, TRUE);
  if (body != NULL)
    *body = g_steal_pointer (&answer.body);
  g_free (answer.body);
  return answer.status;
}

static char *
reset_loopback_token (AdiuvaWorkspaceGateway *gateway,
                      GError                **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_workspace_gateway_reset_loopback_token_async (gateway, NULL, test_keep_result_cb,
                                                       &result);
  return adiuva_workspace_gateway_reset_loopback_token_finish (gateway, test_wait_result (&result),
                                                               error);
}

static gboolean
set_loopback_enabled (AdiuvaWorkspaceGateway *gateway,
                      gboolean                enabled,
                      guint                   port,
                      GError                **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_workspace_gateway_set_loopback_enabled_async (gateway, enabled, port, NULL,
                                                       test_keep_result_cb, &result);
  return adiuva_workspace_gateway_set_loopback_enabled_finish (gateway, test_wait_result (&result),
                                                               error);
}

static gboolean
restore_loopback (AdiuvaWorkspaceGateway *gateway,
                  GError                **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_workspace_gateway_restore_loopback_async (gateway, NULL, test_keep_result_cb, &result);
  return adiuva_workspace_gateway_restore_loopback_finish (gateway, test_wait_result (&result),
                                                           error);
}

static void
test_loopback (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (TestProvider) provider = test_provider_start ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) other_store = NULL;
  g_autoptr (AdiuvaWorkspaceGateway) other = NULL;
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;
  g_autofree char *body = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *v1 = NULL;
  gboolean         enabled = TRUE;
  guint            port = 1;

  if (provider == NULL)
    return;

  /* The token: made once, kept in the keyring across a restart, replaced on demand. */
  token = adiuva_workspace_gateway_dup_loopback_token (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), ==, 43); /* 32 bytes, base64url without padding */
  fixture_reopen (f);
  again = adiuva_workspace_gateway_dup_loopback_token (f->gateway, &error);
  g_assert_cmpstr (again, ==, token);
  g_clear_pointer (&again, g_free);
  again = reset_loopback_token (f->gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, !=, token);
  g_clear_pointer (&token, g_free);
  token = adiuva_workspace_gateway_dup_loopback_token (f->gateway, &error);
  g_assert_cmpstr (again, ==, token);

  /* Off until turned on; then on a free port, kept in the settings. */
  g_assert_true (adiuva_workspace_gateway_get_loopback_settings (f->gateway, &enabled, &port,
                                                                 &error));
  g_assert_false (enabled);
  g_assert_cmpuint (port, ==, 0);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (f->gateway), ==, 0);
  g_assert_true (set_loopback_enabled (f->gateway, TRUE, 0, &error));
  g_assert_no_error (error);
  port = adiuva_workspace_gateway_get_loopback_port (f->gateway);
  g_assert_cmpuint (port, !=, 0);
  g_assert_cmpuint (get_models (port, token, &body), ==, 200);
  g_assert_null (strstr (body, "oa/"));
  g_clear_pointer (&body, g_free);

  /* A provider added while it runs is served from the next request on. */
  v1 = g_strconcat (provider->base, "/v1", NULL);
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", v1,
                                                        SECRET_KEY, &error));
  g_assert_cmpuint (get_models (port, token, &body), ==, 200);
  g_assert_nonnull (strstr (body, "oa/"));

  /* A second program on the same workspace cannot take the port, and changes nothing. */
  other_store = adiuva_store_open_connection (f->store, &error);
  g_assert_no_error (error);
  other = adiuva_workspace_gateway_new (other_store);
  g_assert_false (set_loopback_enabled (other, TRUE, port, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PORT_IN_USE);
  g_clear_error (&error);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (other), ==, 0);
  g_clear_object (&other);
  g_clear_object (&other_store);

  /* Closing the workspace stops it, and opening it again brings it back on its port. */
  fixture_reopen (f);
  g_assert_cmpuint (get_models (port, token, NULL), ==, 0);
  g_assert_true (restore_loopback (f->gateway, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (f->gateway), ==, port);
  g_assert_cmpuint (get_models (port, token, NULL), ==, 200);

  /* Turned off: nothing listens, and a restart leaves it off. */
  g_assert_true (set_loopback_enabled (f->gateway, FALSE, 0, &error));
  g_assert_cmpuint (get_models (port, token, NULL), ==, 0);
  fixture_reopen (f);
  g_assert_true (restore_loopback (f->gateway, &error));
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (f->gateway), ==, 0);

  /* The token is in the keyring only. */
  dump = dump_database (f->store);
  g_assert_nonnull (strstr (dump, "gateway.loopback"));
  g_assert_null (strstr (dump, token));
}

/* Async calls: the result of one, once the main loop has run it to its end. */
typedef struct
{
  GAsyncResult *result;
  gboolean      idle_ran; /* whether an idle of the main loop ran */
} Waiting;

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiting *waiting = user_data;

  g_assert_null (waiting->result);
  waiting->result = g_object_ref (result);
}

static GAsyncResult *
wait_for (Waiting *waiting)
{
  while (waiting->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return waiting->result;
}

static void
waiting_clear (Waiting *waiting)
{
  g_clear_object (&waiting->result);
  waiting->idle_ran = FALSE;
}

static gboolean
provider_has_key (GPtrArray  *providers,
                  const char *name)
{
  for (guint i = 0; i < providers->len; i++)
    {
      AdiuvaWorkspaceProvider *provider = g_ptr_array_index (providers, i);

      if (g_str_equal (provider->name, name))
        return provider->has_key;
    }
  g_assert_not_reached ();
}

/* Whether every request the provider had since the last reset carried @key (the test
 * provider records its last four characters only). */
static gboolean
all_requests_bear (TestProvider *provider,
                   const char   *key)
{
  g_autoptr (JsonArray) requests = test_provider_requests (provider);
  g_autofree char *bearer = g_strconcat ("Bearer ****", key + strlen (key) - 4, NULL);

  g_assert_cmpuint (json_array_get_length (requests), >, 0);
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *headers = json_object_get_object_member (
          json_array_get_object_element (requests, i), "headers");

      if (g_strcmp0 (json_object_get_string_member_with_default (headers, "authorization", NULL),
                     bearer) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
test_async (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (TestProvider) provider = test_provider_start ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) providers = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (AdiuvaGatewayClient) again = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *v1 = NULL;
  g_autofree char *token = NULL;
  g_autofree char *new_token = NULL;
  g_auto (GStrv) models = NULL;
  Waiting waiting = { 0 };
  guint   port;

  if (provider == NULL)
    return;
  v1 = g_strconcat (provider->base, "/v1", NULL);

  /* A provider added with its key, and one without. */
  adiuva_workspace_gateway_add_provider_async (f->gateway, "oa", "openai", v1, SECRET_KEY, NULL,
                                               waited_cb, &waiting);
  g_assert_null (waiting.result);
  g_assert_true (adiuva_workspace_gateway_add_provider_finish (f->gateway, wait_for (&waiting),
                                                               &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changes, ==, 1);
  waiting_clear (&waiting);
  adiuva_workspace_gateway_add_provider_async (f->gateway, "bare", "openai", v1, NULL, NULL,
                                               waited_cb, &waiting);
  g_assert_true (adiuva_workspace_gateway_add_provider_finish (f->gateway, wait_for (&waiting),
                                                               &error));
  waiting_clear (&waiting);

  /* Refused before the keyring is asked: nothing changes. */
  adiuva_workspace_gateway_add_provider_async (f->gateway, "oa", "openai", NULL, "other", NULL,
                                               waited_cb, &waiting);
  g_assert_false (adiuva_workspace_gateway_add_provider_finish (f->gateway, wait_for (&waiting),
                                                                &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_EXISTS);
  g_clear_error (&error);
  waiting_clear (&waiting);
  g_assert_cmpuint (f->changes, ==, 2);

  adiuva_workspace_gateway_list_providers_async (f->gateway, NULL, waited_cb, &waiting);
  providers = adiuva_workspace_gateway_list_providers_finish (f->gateway, wait_for (&waiting),
                                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (providers->len, ==, 2);
  g_assert_true (provider_has_key (providers, "oa"));
  g_assert_false (provider_has_key (providers, "bare"));
  g_clear_pointer (&providers, g_ptr_array_unref);
  waiting_clear (&waiting);

  /* The workspace's client: built once, then kept. */
  adiuva_workspace_gateway_get_client_async (f->gateway, NULL, waited_cb, &waiting);
  client = adiuva_workspace_gateway_get_client_finish (f->gateway, wait_for (&waiting), &error);
  g_assert_no_error (error);
  waiting_clear (&waiting);
  adiuva_workspace_gateway_get_client_async (f->gateway, NULL, waited_cb, &waiting);
  g_assert_null (waiting.result); /* even a ready client comes through the main loop */
  again = adiuva_workspace_gateway_get_client_finish (f->gateway, wait_for (&waiting), &error);
  g_assert_true (again == client);
  g_clear_object (&again);
  waiting_clear (&waiting);

  /* The key read in the thread reaches the provider. */
  adiuva_workspace_gateway_new_client_async (f->gateway, "oa", NULL, waited_cb, &waiting);
  again = adiuva_workspace_gateway_new_client_finish (f->gateway, wait_for (&waiting), &error);
  g_assert_no_error (error);
  g_assert_true (again != client);
  waiting_clear (&waiting);
  test_provider_reset (provider);
  adiuva_gateway_client_list_models_async (again, "oa", NULL, waited_cb, &waiting);
  models = adiuva_gateway_client_list_models_finish (again, wait_for (&waiting), &error);
  g_assert_no_error (error);
  g_assert_true (all_requests_bear (provider, SECRET_KEY));
  g_clear_object (&again);
  waiting_clear (&waiting);

  /* A new key: stored, and a new client of the workspace after the change. */
  adiuva_workspace_gateway_update_provider_async (f->gateway, "bare", "openai", v1, SECRET_KEY,
                                                  NULL, waited_cb, &waiting);
  g_assert_true (adiuva_workspace_gateway_update_provider_finish (f->gateway,
                                                                  wait_for (&waiting), &error));
  g_assert_no_error (error);
  waiting_clear (&waiting);
  providers = adiuva_workspace_gateway_list_providers (f->gateway, &error);
  g_assert_true (provider_has_key (providers, "bare"));
  g_clear_pointer (&providers, g_ptr_array_unref);
  adiuva_workspace_gateway_get_client_async (f->gateway, NULL, waited_cb, &waiting);
  again = adiuva_workspace_gateway_get_client_finish (f->gateway, wait_for (&waiting), &error);
  g_assert_true (again != client);
  g_clear_object (&again);
  waiting_clear (&waiting);

  /* Cancelled: the caller hears so. */
  g_cancellable_cancel (cancellable);
  adiuva_workspace_gateway_new_client_async (f->gateway, NULL, cancellable, waited_cb, &waiting);
  g_assert_null (adiuva_workspace_gateway_new_client_finish (f->gateway, wait_for (&waiting),
                                                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  waiting_clear (&waiting);

  /* Removed, key and all. */
  adiuva_workspace_gateway_remove_provider_async (f->gateway, "bare", NULL, waited_cb, &waiting);
  g_assert_true (adiuva_workspace_gateway_remove_provider_finish (f->gateway,
                                                                  wait_for (&waiting), &error));
  g_assert_no_error (error);
  waiting_clear (&waiting);
  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "bare", "openai", v1, NULL,
                                                        &error));
  providers = adiuva_workspace_gateway_list_providers (f->gateway, &error);
  g_assert_false (provider_has_key (providers, "bare"));

  /* The token: made once, then the same, replaced on demand. */
  adiuva_workspace_gateway_dup_loopback_token_async (f->gateway, NULL, waited_cb, &waiting);
  token = adiuva_workspace_gateway_dup_loopback_token_finish (f->gateway, wait_for (&waiting),
                                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (token), ==, 43);
  waiting_clear (&waiting);
  new_token = adiuva_workspace_gateway_dup_loopback_token (f->gateway, &error);
  g_assert_cmpstr (new_token, ==, token);
  g_clear_pointer (&new_token, g_free);
  adiuva_workspace_gateway_reset_loopback_token_async (f->gateway, NULL, waited_cb, &waiting);
  new_token = adiuva_workspace_gateway_reset_loopback_token_finish (f->gateway,
                                                                    wait_for (&waiting), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (new_token, !=, token);
  waiting_clear (&waiting);

  /* Turning the endpoint on, cancelled (its Preferences closed) before the keyring answered:
   * nothing starts. */
  g_clear_object (&cancellable);
  cancellable = g_cancellable_new ();
  adiuva_workspace_gateway_set_loopback_enabled_async (f->gateway, TRUE, 0, cancellable,
                                                       waited_cb, &waiting);
  g_cancellable_cancel (cancellable);
  g_assert_false (adiuva_workspace_gateway_set_loopback_enabled_finish (
      f->gateway, wait_for (&waiting), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  waiting_clear (&waiting);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (f->gateway), ==, 0);

  /* The endpoint: on, and back on its port after a restart. */
  adiuva_workspace_gateway_set_loopback_enabled_async (f->gateway, TRUE, 0, NULL, waited_cb,
                                                       &waiting);
  g_assert_true (adiuva_workspace_gateway_set_loopback_enabled_finish (f->gateway,
                                                                       wait_for (&waiting),
                                                                       &error));
  g_assert_no_error (error);
  waiting_clear (&waiting);
  port = adiuva_workspace_gateway_get_loopback_port (f->gateway);
  g_assert_cmpuint (port, !=, 0);
  g_assert_cmpuint (get_models (port, new_token, NULL), ==, 200);
  g_assert_cmpuint (get_models (port, token, NULL), ==, 401);

  fixture_reopen (f);
  adiuva_workspace_gateway_restore_loopback_async (f->gateway, NULL, waited_cb, &waiting);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (f->gateway), ==, 0);
  g_assert_true (adiuva_workspace_gateway_restore_loopback_finish (f->gateway,
                                                                   wait_for (&waiting), &error));
  g_assert_no_error (error);
  waiting_clear (&waiting);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (f->gateway), ==, port);
  g_assert_cmpuint (get_models (port, new_token, NULL), ==, 200);

  /* A key changed while it runs reaches it without a restart. */
  adiuva_workspace_gateway_update_provider_async (f->gateway, "oa", "openai", v1, "sk-new-0815",
                                                  NULL, waited_cb, &waiting);
  g_assert_true (adiuva_workspace_gateway_update_provider_finish (f->gateway,
                                                                  wait_for (&waiting), &error));
  waiting_clear (&waiting);
  g_assert_true (adiuva_workspace_gateway_remove_provider (f->gateway, "bare", &error));
  test_provider_reset (provider);
  g_assert_cmpuint (get_models (port, new_token, NULL), ==, 200);
  g_assert_true (all_requests_bear (provider, "sk-new-0815"));
}

static gboolean
note_idle_cb (gpointer user_data)
{
  Waiting *waiting = user_data;

  waiting->idle_ran = TRUE;
  return G_SOURCE_REMOVE;
}

/* A keyring that does not answer (stopped here, as a prompt or a slow bus would hold it) does
 * not hold up the main loop: an idle runs while the call waits, and the call ends once the
 * keyring answers. No clock is involved: the keyring cannot answer before it is continued. */
static void
test_main_loop_runs (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  Waiting  waiting = { 0 };
  gboolean ended_before;

  g_assert_true (adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", NULL,
                                                        SECRET_KEY, &error));
  g_assert_no_error (error);

  test_keyring_set_stopped (TRUE);
  adiuva_workspace_gateway_get_client_async (f->gateway, NULL, waited_cb, &waiting);
  g_idle_add (note_idle_cb, &waiting);
  while (!waiting.idle_ran)
    g_main_context_iteration (NULL, TRUE);
  ended_before = waiting.result != NULL;
  test_keyring_set_stopped (FALSE);
  g_assert_false (ended_before);

  client = adiuva_workspace_gateway_get_client_finish (f->gateway, wait_for (&waiting), &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  waiting_clear (&waiting);
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                  \
  g_test_add ("/assistant/workspace-gateway/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("providers", test_providers);
  ADD ("models-and-aliases", test_models_and_aliases);
  ADD ("routes", test_routes);
  ADD ("budgets-and-limits", test_budgets_and_limits);
  ADD ("existing-settings", test_existing_settings);
  ADD ("chat-and-spending", test_chat_and_spending);
  ADD ("call-log-thread", test_call_log_thread);
  ADD ("fallbacks", test_fallbacks);
  ADD ("loopback", test_loopback);
  ADD ("async", test_async);
  ADD ("main-loop-runs", test_main_loop_runs);
#undef ADD

  return g_test_run ();
}
