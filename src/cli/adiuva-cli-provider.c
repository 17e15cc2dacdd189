/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

/**
 * adiuva_cli_new_gateway_client:
 * @only: (nullable): the one provider to set up, or %NULL for all of them
 *
 * A client of the workspace's (see adiuva_workspace_gateway_new_client()): one provider's
 * keyring entry is all a command about one provider needs.
 */
AdiuvaGatewayClient *
adiuva_cli_new_gateway_client (AdiuvaCliContext *cli,
                               const char       *only,
                               GError          **error)
{
  AdiuvaWorkspaceGateway *gateway = adiuva_cli_context_get_gateway (cli, error);

  return gateway != NULL ? adiuva_workspace_gateway_new_client (gateway, only, error) : NULL;
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
 * @missing: the message when there is neither, naming the command's options
 * @provider: (out) (optional): the provider @model names, %NULL for an alias
 *
 * adiuva_workspace_gateway_choose_model() in the command's words.
 */
gboolean
adiuva_cli_choose_model (AdiuvaCliContext *cli,
                         char            **model,
                         const char       *missing,
                         char            **provider,
                         GError          **error)
{
  g_autoptr (GError) local_error = NULL;
  AdiuvaWorkspaceGateway *gateway = adiuva_cli_context_get_gateway (cli, error);

  if (gateway == NULL)
    return FALSE;
  if (adiuva_workspace_gateway_choose_model (gateway, model, provider, &local_error))
    return TRUE;
  if (g_error_matches (local_error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL))
    g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE, missing);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
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
  const AdiuvaProviderInfo *info;
  AdiuvaWorkspaceGateway   *gateway;
  char                     *key = NULL;
  const char               *name;
  int                       status;
  gboolean                  ok;
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

  /* Other mistakes are the workspace's to find; this one is an option to give. */
  info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), kind);
  if (info != NULL && info->requires_base_url && base_url == NULL)
    {
      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("A provider of kind %s needs its base URL: --base-url URL."), kind);
      return adiuva_cli_context_report (cli, error);
    }

  if ((key_stdin || key_env != NULL) &&
      (key = read_key (cli, key_stdin, key_env, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  ok = gateway != NULL &&
       adiuva_workspace_gateway_add_provider (gateway, name, kind, base_url, key, &error);
  adiuva_cli_wipe_string (key);
  if (!ok)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "name", name);
      json_object_set_string_member (entry, "kind", kind);
      if (base_url != NULL)
        json_object_set_string_member (entry, "base_url", base_url);
      adiuva_cli_context_print_json (cli, json_node_init_object (json_node_alloc (), entry));
      json_object_unref (entry);
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
  g_autoptr (GPtrArray) providers = NULL;
  g_autoptr (JsonArray) out = json_array_new ();
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      (providers = adiuva_workspace_gateway_list_providers (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("NAME"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("KIND"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("KEY"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("BASE URL"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < providers->len; i++)
    {
      AdiuvaWorkspaceProvider  *p = g_ptr_array_index (providers, i);
      const char               *base_url = p->base_url;
      JsonObject               *o = json_object_new ();
      const AdiuvaProviderInfo *info;

      info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), p->kind);
      if (base_url == NULL && info != NULL)
        base_url = info->default_base_url;

      json_object_set_string_member (o, "name", p->name);
      json_object_set_string_member (o, "kind", p->kind);
      json_object_set_string_member (o, "base_url", base_url);
      json_object_set_boolean_member (o, "key_stored", p->has_key);
      json_array_add_object_element (out, o);

      adiuva_cli_table_add_cell (table, p->name);
      adiuva_cli_table_add_cell (table, p->kind);
      adiuva_cli_table_add_cell (table, p->has_key ? _ ("yes") : _ ("no"));
      adiuva_cli_table_add_cell (table, base_url != NULL ? base_url : "");
    }

  if (cli->json)
    adiuva_cli_context_print_json (cli, json_node_init_array (json_node_alloc (), out));
  else if (providers->len == 0)
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
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || !adiuva_workspace_gateway_remove_provider (gateway, args[0], &error))
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

  client = adiuva_cli_new_gateway_client (cli, args[0], &error);
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

static int
set_default_model (AdiuvaCliContext *cli,
                   const char       *model)
{
  g_autoptr (GError) error = NULL;
  AdiuvaWorkspaceGateway *gateway = adiuva_cli_context_get_gateway (cli, &error);

  if (gateway == NULL || !adiuva_workspace_gateway_set_default_model (gateway, model, &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("chat now asks %s unless told otherwise\n"), model);

  return ADIUVA_CLI_EXIT_OK;
}

/* @only, or the workspace's providers in the order they were added. */
static GStrv
provider_names (AdiuvaCliContext *cli,
                const char       *only,
                GError          **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GPtrArray) providers = NULL;
  AdiuvaWorkspaceGateway *gateway;

  if (only != NULL)
    g_strv_builder_add (builder, only);
  else if ((gateway = adiuva_cli_context_get_gateway (cli, error)) == NULL ||
           (providers = adiuva_workspace_gateway_list_providers (gateway, error)) == NULL)
    return NULL;
  for (guint i = 0; providers != NULL && i < providers->len; i++)
    {
      AdiuvaWorkspaceProvider *p = g_ptr_array_index (providers, i);

      g_strv_builder_add (builder, p->name);
    }
  return g_strv_builder_end (builder);
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

  client = adiuva_cli_new_gateway_client (cli, args[0], &error);
  if (client == NULL || (names = provider_names (cli, args[0], &error)) == NULL)
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
