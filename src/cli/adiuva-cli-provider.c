/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

/* Settings */

/**
 * adiuva_cli_load_json_setting:
 * @key: a setting holding JSON
 * @type: %JSON_NODE_ARRAY or %JSON_NODE_OBJECT
 * @damaged: the message when the setting is not JSON of @type
 *
 * Returns: (transfer full): the setting, an empty array or object when it is not set, or
 *   %NULL with @error set
 */
JsonNode *
adiuva_cli_load_json_setting (AdiuvaStore *store,
                              const char  *key,
                              JsonNodeType type,
                              const char  *damaged,
                              GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = adiuva_store_dup_setting (store, key, &local_error);
  g_autoptr (JsonNode) node = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text == NULL)
    {
      node = json_node_new (type);
      if (type == JSON_NODE_ARRAY)
        json_node_take_array (node, json_array_new ());
      else
        json_node_take_object (node, json_object_new ());
      return g_steal_pointer (&node);
    }

  node = json_from_string (text, NULL);
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    {
      g_set_error_literal (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT, damaged);
      return NULL;
    }

  return g_steal_pointer (&node);
}

gboolean
adiuva_cli_save_json_setting (AdiuvaStore *store,
                              const char  *key,
                              JsonNode    *node,
                              GError     **error)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return adiuva_store_set_setting (store, key, text, error);
}

static JsonArray *
load_providers (AdiuvaStore *store,
                GError     **error)
{
  g_autoptr (JsonNode) node = adiuva_cli_load_json_setting (
      store, ADIUVA_CLI_PROVIDERS_SETTING, JSON_NODE_ARRAY,
      _ ("The provider settings of the workspace are damaged."), error);

  return node != NULL ? json_array_ref (json_node_get_array (node)) : NULL;
}

static gboolean
save_providers (AdiuvaStore *store,
                JsonArray   *providers,
                GError     **error)
{
  g_autoptr (JsonNode) node = json_node_init_array (json_node_alloc (), providers);

  return adiuva_cli_save_json_setting (store, ADIUVA_CLI_PROVIDERS_SETTING, node, error);
}

static int
find_provider (JsonArray  *providers,
               const char *name)
{
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *p = json_array_get_object_element (providers, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (p, "name", NULL), name) == 0)
        return i;
    }

  return -1;
}

static void
set_provider_not_found (GError    **error,
                        const char *name)
{
  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
               _ ("No provider is called “%s”; see “adiuva-cli provider list”."), name);
}

/**
 * adiuva_cli_new_gateway_client:
 * @only: (nullable): the one provider to set up, or %NULL for all of them
 * @names: (out) (optional): the names of the providers that were set up, in settings order
 *
 * A gateway client with the workspace's providers, their keys from the keyring, and the
 * workspace's model aliases, budgets (with what the call log holds as spent) and rate limits.
 */
AdiuvaGatewayClient *
adiuva_cli_new_gateway_client (AdiuvaCliContext *cli,
                               const char       *only,
                               GStrv            *names,
                               GError          **error)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (JsonArray) providers = NULL;
  g_autoptr (JsonObject) aliases = NULL;
  g_autoptr (AdiuvaRouter) router = NULL;
  AdiuvaStore *store = adiuva_cli_context_open_store (cli, error);

  if (store == NULL || (providers = load_providers (store, error)) == NULL)
    return NULL;

  if (only != NULL && find_provider (providers, only) < 0)
    {
      set_provider_not_found (error, only);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *p = json_array_get_object_element (providers, i);
      const char *name = json_object_get_string_member_with_default (p, "name", "");
      const char *kind = json_object_get_string_member_with_default (p, "kind", "");
      const char *base_url = json_object_get_string_member_with_default (p, "base_url", NULL);
      g_autoptr (AdiuvaProviderSettings) settings = NULL;
      g_autoptr (GError) key_error = NULL;
      char *key;

      if (only != NULL && !g_str_equal (name, only))
        continue;

      settings = adiuva_provider_settings_new (name, kind);
      if (base_url != NULL)
        adiuva_provider_settings_set_base_url (settings, base_url);

      key = adiuva_provider_key_lookup (adiuva_store_get_workspace_id (store), name, NULL,
                                        &key_error);
      if (key_error != NULL)
        {
          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING,
                       _ ("Cannot read the key of provider “%s” from the keyring: %s"), name,
                       key_error->message);
          return NULL;
        }
      if (key != NULL)
        adiuva_provider_settings_set_api_key (settings, key);
      adiuva_provider_key_free (key);

      if (!adiuva_gateway_client_set_provider (client, settings, error))
        return NULL;
      g_strv_builder_add (builder, name);
    }

  aliases = adiuva_cli_load_aliases (store, error);
  if (aliases == NULL || !adiuva_cli_set_aliases (client, aliases, error) ||
      !adiuva_cli_load_budgets (adiuva_gateway_client_get_budgets (client), store, error) ||
      !adiuva_cli_load_limits (adiuva_gateway_client_get_rate_limiter (client), store, error))
    return NULL;

  router = adiuva_cli_load_router (store, error);
  if (router == NULL)
    return NULL;
  adiuva_gateway_client_set_router (client, router);

  if (names != NULL)
    *names = g_strv_builder_end (builder);

  return g_steal_pointer (&client);
}

/* The CLI runs one request at a time: it spins the main context until the answer is in. */
void
adiuva_cli_store_result_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
adiuva_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static gboolean
interrupt_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

/* As adiuva_cli_wait(), with Ctrl+C cancelling @cancellable meanwhile: what the call got so
 * far stays, on the terminal and in the log. */
GAsyncResult *
adiuva_cli_wait_interruptible (GAsyncResult **slot,
                               GCancellable  *cancellable)
{
  guint interrupt = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);

  adiuva_cli_wait (slot);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (interrupt);

  return *slot;
}

/**
 * adiuva_cli_choose_model:
 * @model: (inout): the model the user named, or %NULL for the workspace's default
 * @missing: the message when there is neither
 * @provider: (out) (optional): the provider @model names, %NULL for an alias (which may lead
 *   to any)
 *
 * Returns: whether @model is a model (an alias, or PROVIDER/MODEL)
 */
gboolean
adiuva_cli_choose_model (AdiuvaStore *store,
                         char       **model,
                         const char  *missing,
                         char       **provider,
                         GError     **error)
{
  const char *slash;

  if (*model == NULL)
    {
      g_autoptr (GError) local_error = NULL;

      *model = adiuva_store_dup_setting (store, ADIUVA_CLI_DEFAULT_MODEL_SETTING, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  slash = *model != NULL ? strchr (*model, '/') : NULL;
  if (*model == NULL || (*model)[0] == '\0' ||
      (slash != NULL && (slash == *model || slash[1] == '\0')))
    {
      g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE, missing);
      return FALSE;
    }
  if (provider != NULL)
    *provider = slash != NULL ? g_strndup (*model, slash - *model) : NULL;

  return TRUE;
}

static GStrv
list_models (AdiuvaGatewayClient *client,
             const char          *name,
             GError             **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_gateway_client_list_models_async (client, name, NULL, adiuva_cli_store_result_cb,
                                           &result);

  return adiuva_gateway_client_list_models_finish (client, adiuva_cli_wait (&result), error);
}

/* provider add */

static char *
read_key (AdiuvaCliContext *cli,
          gboolean          from_stdin,
          const char       *variable,
          GError          **error)
{
  const char *value;

  if (from_stdin)
    {
      g_autoptr (GError) local_error = NULL;
      char *key = adiuva_cli_context_read_passphrase (cli, "-", &local_error);

      /* Its messages speak of a passphrase file; this is a key on standard input. */
      if (g_error_matches (local_error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE))
        g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                             _ ("Standard input holds no API key; its first line is the key."));
      else if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));

      return key;
    }

  value = g_getenv (variable);
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("The environment variable “%s” is not set or empty."), variable);
      return NULL;
    }

  return g_strdup (value);
}

static int
run_provider_add (AdiuvaCliContext       *cli,
                  const AdiuvaCliCommand *command,
                  int                     argc,
                  char                  **argv)
{
  g_autofree char *kind = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *key_env = NULL;
  gboolean         key_stdin = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) providers = NULL;
  g_autoptr (JsonObject) entry = NULL;
  const AdiuvaProviderInfo *info;
  AdiuvaStore              *store;
  char                     *key = NULL;
  const char               *name;
  int                       status;
  const GOptionEntry        entries[] = {
           { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
             N_ ("What the provider is: openai, anthropic, gemini, ollama, openai-compatible or "
                        "another id of the provider table. Required."),
             N_ ("KIND") },
           { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
             N_ ("The provider's documented base URL (https://api.openai.com/v1 for OpenAI-style "
                        "APIs, the host root for Anthropic, Gemini and Ollama)."),
             N_ ("URL") },
           { "api-key-stdin", 0, 0, G_OPTION_ARG_NONE, &key_stdin,
             N_ ("Read the API key from the first line of standard input."), NULL },
           { "api-key-env", 0, 0, G_OPTION_ARG_STRING, &key_env,
             N_ ("Take the API key from the environment variable VAR."), N_ ("VAR") },
           { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;
  name = args[0];

  if (!adiuva_cli_check_exclusive ("--api-key-stdin", key_stdin, "--api-key-env",
                                   key_env != NULL, &error))
    return adiuva_cli_context_report (cli, error);

  if (kind == NULL)
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("A provider needs a kind: --kind KIND."));
      return adiuva_cli_context_report (cli, error);
    }

  info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), kind);
  if (info == NULL)
    {
      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” is not a kind of provider Adiuva knows (such as openai, anthropic, "
                      "gemini, ollama or openai-compatible)."),
                   kind);
      return adiuva_cli_context_report (cli, error);
    }
  if (info->requires_base_url && base_url == NULL)
    {
      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("A provider of kind %s needs its base URL: --base-url URL."), kind);
      return adiuva_cli_context_report (cli, error);
    }
  if (*name == '\0' || strchr (name, '/') != NULL)
    {
      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” cannot name a provider: names are not empty and have no “/”."),
                   name);
      return adiuva_cli_context_report (cli, error);
    }

  if ((key_stdin || key_env != NULL) &&
      (key = read_key (cli, key_stdin, key_env, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (providers = load_providers (store, &error)) == NULL)
    {
      adiuva_cli_wipe_string (key);
      return adiuva_cli_context_report (cli, error);
    }

  if (find_provider (providers, name) >= 0)
    {
      adiuva_cli_wipe_string (key);
      g_set_error (&error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS,
                   _ ("There is already a provider called “%s”; remove it first with "
                      "“adiuva-cli provider rm %s”."),
                   name, name);
      return adiuva_cli_context_report (cli, error);
    }

  entry = json_object_new ();
  json_object_set_string_member (entry, "name", name);
  json_object_set_string_member (entry, "kind", kind);
  if (base_url != NULL)
    json_object_set_string_member (entry, "base_url", base_url);
  json_array_add_object_element (providers, json_object_ref (entry));

  if (key != NULL)
    {
      gboolean ok = adiuva_provider_key_store (adiuva_store_get_workspace_id (store), name, key,
                                               NULL, &error);

      adiuva_cli_wipe_string (key);
      if (!ok)
        {
          g_prefix_error (&error, _ ("Cannot keep the key in the keyring: "));
          return adiuva_cli_context_report (cli, error);
        }
    }

  if (!save_providers (store, providers, &error))
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), entry);

      adiuva_cli_context_print_json (cli, node);
    }
  else
    g_print (_ ("Added provider %s (%s)\n"), name, kind);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_provider_list (AdiuvaCliContext       *cli,
                   const AdiuvaCliCommand *command,
                   int                     argc,
                   char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) providers = NULL;
  g_autoptr (JsonArray) out = json_array_new ();
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (providers = load_providers (store, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("NAME"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("KIND"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("KEY"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("BASE URL"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *p = json_array_get_object_element (providers, i);
      const char *name = json_object_get_string_member_with_default (p, "name", "");
      const char *kind = json_object_get_string_member_with_default (p, "kind", "");
      const char *base_url = json_object_get_string_member_with_default (p, "base_url", NULL);
      g_autoptr (GError) key_error = NULL;
      char *key = adiuva_provider_key_lookup (
          adiuva_store_get_workspace_id (store), name, NULL, &key_error);
      gboolean                  has_key = key != NULL;
      JsonObject               *o = json_object_new ();
      const AdiuvaProviderInfo *info;

      /* Only whether there is one: the key itself is never shown. */
      adiuva_provider_key_free (key);
      info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), kind);
      if (base_url == NULL && info != NULL)
        base_url = info->default_base_url;

      json_object_set_string_member (o, "name", name);
      json_object_set_string_member (o, "kind", kind);
      json_object_set_string_member (o, "base_url", base_url);
      json_object_set_boolean_member (o, "key_stored", has_key);
      json_array_add_object_element (out, o);

      adiuva_cli_table_add_cell (table, name);
      adiuva_cli_table_add_cell (table, kind);
      adiuva_cli_table_add_cell (table, has_key ? _ ("yes") : _ ("no"));
      adiuva_cli_table_add_cell (table, base_url != NULL ? base_url : "");
    }

  if (cli->json)
    adiuva_cli_context_print_json (cli, json_node_init_array (json_node_alloc (), out));
  else if (json_array_get_length (providers) == 0)
    g_print (_ ("No providers. Add one with “adiuva-cli provider add”.\n"));
  else
    adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_provider_rm (AdiuvaCliContext       *cli,
                 const AdiuvaCliCommand *command,
                 int                     argc,
                 char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) providers = NULL;
  AdiuvaStore *store;
  int          index;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (providers = load_providers (store, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  index = find_provider (providers, args[0]);
  if (index < 0)
    {
      set_provider_not_found (&error, args[0]);
      return adiuva_cli_context_report (cli, error);
    }

  json_array_remove_element (providers, index);
  if (!save_providers (store, providers, &error))
    return adiuva_cli_context_report (cli, error);

  /* The settings are gone first: a key left behind by a failing keyring is harmless. */
  if (!adiuva_provider_key_clear (adiuva_store_get_workspace_id (store), args[0], NULL, &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("Removed provider %s\n"), args[0]);

  return ADIUVA_CLI_EXIT_OK;
}

static void
print_models (AdiuvaCliContext  *cli,
              const char        *provider,
              const char *const *models,
              JsonBuilder       *builder)
{
  for (guint i = 0; models[i] != NULL; i++)
    {
      if (builder != NULL)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "provider");
          json_builder_add_string_value (builder, provider);
          json_builder_set_member_name (builder, "model");
          json_builder_add_string_value (builder, models[i]);
          json_builder_end_object (builder);
        }
      else
        g_print ("%s/%s\n", provider, models[i]);
    }
}

static int
run_provider_test (AdiuvaCliContext       *cli,
                   const AdiuvaCliCommand *command,
                   int                     argc,
                   char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) models = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  int status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  client = adiuva_cli_new_gateway_client (cli, args[0], NULL, &error);
  if (client == NULL || (models = list_models (client, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, args[0]);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "models");
      json_builder_add_int_value (builder, g_strv_length (models));
      json_builder_end_object (builder);
      adiuva_cli_context_print_json (cli, json_builder_get_root (builder));
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Provider %s answered: %u model.\n",
                          "Provider %s answered: %u models.\n", g_strv_length (models)),
             args[0], g_strv_length (models));

  return ADIUVA_CLI_EXIT_OK;
}

/**
 * adiuva_cli_check_model:
 * @model: what the user named a model by
 *
 * Checks that @model is an alias that is set, or PROVIDER/MODEL with a provider of the
 * workspace; with @allow_auto, %ADIUVA_MODEL_AUTO when the workspace has routes.
 */
gboolean
adiuva_cli_check_model (AdiuvaStore *store,
                        const char  *model,
                        gboolean     allow_auto,
                        GError     **error)
{
  g_autoptr (JsonArray) providers = NULL;
  g_autoptr (JsonObject) aliases = NULL;
  g_autoptr (AdiuvaRouter) router = NULL;
  g_autofree char *provider = NULL;
  const char      *slash = strchr (model, '/');

  if (!allow_auto && g_str_equal (model, ADIUVA_MODEL_AUTO))
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” chooses a route; name a model as PROVIDER/MODEL or an alias."),
                   model);
      return FALSE;
    }
  if (g_str_equal (model, ADIUVA_MODEL_AUTO))
    {
      if ((router = adiuva_cli_load_router (store, error)) == NULL)
        return FALSE;
      if (adiuva_router_get_n_routes (router) > 0)
        return TRUE;
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("“%s” chooses among the workspace’s routes, and it has none; add one with "
                      "“adiuva-cli route set”."),
                   model);
      return FALSE;
    }

  if (model[0] == '\0' || (slash != NULL && (slash == model || slash[1] == '\0')))
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” is neither PROVIDER/MODEL nor an alias."), model);
      return FALSE;
    }

  if (slash == NULL)
    {
      /* An alias is checked only for being set: what it leads to may change. */
      if ((aliases = adiuva_cli_load_aliases (store, error)) == NULL)
        return FALSE;
      if (!json_object_has_member (aliases, model))
        {
          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                       _ ("No alias is called “%s”; see “adiuva-cli alias list”."), model);
          return FALSE;
        }
    }
  else
    {
      provider = g_strndup (model, slash - model);
      if ((providers = load_providers (store, error)) == NULL)
        return FALSE;
      if (find_provider (providers, provider) < 0)
        {
          set_provider_not_found (error, provider);
          return FALSE;
        }
    }

  return TRUE;
}

static int
set_default_model (AdiuvaCliContext *cli,
                   const char       *model)
{
  g_autoptr (GError) error = NULL;
  AdiuvaStore *store;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || !adiuva_cli_check_model (store, model, TRUE, &error))
    return adiuva_cli_context_report (cli, error);

  if (!adiuva_store_set_setting (store, ADIUVA_CLI_DEFAULT_MODEL_SETTING, model, &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("chat now asks %s unless told otherwise\n"), model);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_models (AdiuvaCliContext       *cli,
            const AdiuvaCliCommand *command,
            int                     argc,
            char                  **argv)
{
  g_autofree char *set_default = NULL;
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) names = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  int                status;
  const GOptionEntry entries[] = {
    { "set-default", 0, 0, G_OPTION_ARG_STRING, &set_default,
      N_ ("Make PROVIDER/MODEL, or an alias, the model chat asks when it is given no --model, "
          "and list nothing."),
      N_ ("PROVIDER/MODEL") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (set_default != NULL)
    return set_default_model (cli, set_default);

  client = adiuva_cli_new_gateway_client (cli, args[0], &names, &error);
  if (client == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      builder = json_builder_new ();
      json_builder_begin_array (builder);
    }

  /* One provider that fails does not hide the others' models; the exit status tells. */
  status = ADIUVA_CLI_EXIT_OK;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) list_error = NULL;
      g_auto (GStrv) models = list_models (client, names[i], &list_error);

      if (models == NULL)
        {
          g_prefix_error (&list_error, _ ("Provider %s: "), names[i]);
          status = adiuva_cli_context_report (cli, list_error);
          continue;
        }
      print_models (cli, names[i], (const char *const *) models, builder);
    }

  if (cli->json)
    {
      json_builder_end_array (builder);
      adiuva_cli_context_print_json (cli, json_builder_get_root (builder));
    }

  return status;
}

static const AdiuvaCliCommand provider_add = {
  .name = "add",
  .summary = N_ ("add an LLM provider"),
  .synopsis = N_ ("NAME --kind KIND [--base-url URL] [--api-key-stdin|--api-key-env VAR]"),
  .description = N_ (
      "Adds a provider of language models under NAME, which chat and models use as "
      "PROVIDER. KIND is an id of Adiuva's provider table: openai, anthropic, gemini, ollama, "
      "mistral, openai-compatible… Kinds such as openai-compatible need --base-url.\n"
      "\n"
      "The API key is kept in the keyring under the provider's name, never in the workspace, "
      "and is never printed."),
  .examples = N_ ("  adiuva-cli provider add work --kind openai --api-key-env OPENAI_API_KEY\n"
                  "  adiuva-cli provider add local --kind ollama "
                  "--base-url http://127.0.0.1:11434"),
  .min_args = 1,
  .max_args = 1,
  .run = run_provider_add,
};

static const AdiuvaCliCommand provider_list = {
  .name = "list",
  .summary = N_ ("list providers"),
  .synopsis = "",
  .description = N_ ("Lists the providers with their kind, whether a key is stored in the "
                     "keyring, and their base URL."),
  .max_args = 0,
  .run = run_provider_list,
};

static const AdiuvaCliCommand provider_test = {
  .name = "test",
  .summary = N_ ("check that a provider answers"),
  .synopsis = N_ ("NAME"),
  .description = N_ ("Asks the provider for its models, which proves that its base URL and "
                     "key work."),
  .min_args = 1,
  .max_args = 1,
  .run = run_provider_test,
};

static const AdiuvaCliCommand provider_rm = {
  .name = "rm",
  .summary = N_ ("remove a provider"),
  .synopsis = N_ ("NAME"),
  .description = N_ ("Removes a provider and its key from the keyring."),
  .min_args = 1,
  .max_args = 1,
  .run = run_provider_rm,
};

static const AdiuvaCliCommand *const provider_commands[] = {
  &provider_add,
  &provider_list,
  &provider_test,
  &provider_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_provider_command = {
  .name = "provider",
  .summary = N_ ("set up LLM providers"),
  .synopsis = N_ ("COMMAND [OPTIONS] [ARGUMENTS…]"),
  .description = N_ ("Providers are the services or local servers that answer chat: OpenAI, "
                     "Anthropic, Gemini, Ollama and others. Their settings are kept in the "
                     "workspace, their keys in the keyring."),
  .subcommands = provider_commands,
};

const AdiuvaCliCommand adiuva_cli_models_command = {
  .name = "models",
  .summary = N_ ("list the models of providers"),
  .synopsis = N_ ("[PROVIDER]\n"
                  "--set-default PROVIDER/MODEL"),
  .description = N_ ("Asks each provider, or only PROVIDER, which models it offers and prints "
                     "them as PROVIDER/MODEL, the form chat --model takes. Ollama's are the "
                     "models pulled on its server.\n"
                     "\n"
                     "With --set-default, makes a model, or an alias (see adiuva-cli "
                     "alias), the one chat asks by default."),
  .max_args = 1,
  .run = run_models,
};
