/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"

/* Model aliases are kept as one JSON object in the workspace, alias → target; the gateway
 * client checks them, so a cycle is refused before it is saved. */

/**
 * adiuva_cli_load_aliases:
 *
 * Returns: (transfer full): the workspace's aliases, alias → alias or PROVIDER/MODEL, or %NULL
 *   with @error set
 */
JsonObject *
adiuva_cli_load_aliases (AdiuvaStore *store,
                         GError     **error)
{
  g_autoptr (JsonNode) node = adiuva_cli_load_json_setting (
      store, ADIUVA_CLI_ALIASES_SETTING, JSON_NODE_OBJECT,
      _ ("The model aliases of the workspace are damaged."), error);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
}

/**
 * adiuva_cli_set_aliases:
 * @aliases: aliases as adiuva_cli_load_aliases() returns them
 *
 * Gives @client the aliases.
 */
gboolean
adiuva_cli_set_aliases (AdiuvaGatewayClient *client,
                        JsonObject          *aliases,
                        GError             **error)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *target;

  json_object_iter_init (&iter, aliases);
  while (json_object_iter_next (&iter, &name, &target))
    {
      if (!JSON_NODE_HOLDS_VALUE (target) || json_node_get_value_type (target) != G_TYPE_STRING)
        {
          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                       _ ("The model aliases of the workspace are damaged."));
          return FALSE;
        }
      if (!adiuva_gateway_client_set_alias (client, name, json_node_get_string (target), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
save_aliases (AdiuvaStore *store,
              JsonObject  *aliases,
              GError     **error)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), aliases);

  return adiuva_cli_save_json_setting (store, ADIUVA_CLI_ALIASES_SETTING, node, error);
}

/* A client holding only the aliases, which is all that checking or following them takes. */
static AdiuvaGatewayClient *
new_alias_client (JsonObject *aliases,
                  GError    **error)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);

  if (!adiuva_cli_set_aliases (client, aliases, error))
    return NULL;
  return g_steal_pointer (&client);
}

static int
run_alias_set (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) aliases = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (aliases = adiuva_cli_load_aliases (store, &error)) == NULL ||
      (client = new_alias_client (aliases, &error)) == NULL ||
      !adiuva_gateway_client_set_alias (client, args[0], args[1], &error))
    return adiuva_cli_context_report (cli, error);

  json_object_set_string_member (aliases, args[0], args[1]);
  if (!save_aliases (store, aliases, &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("%s now stands for %s\n"), args[0], args[1]);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_alias_rm (AdiuvaCliContext       *cli,
              const AdiuvaCliCommand *command,
              int                     argc,
              char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) aliases = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (aliases = adiuva_cli_load_aliases (store, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (!json_object_has_member (aliases, args[0]))
    {
      g_set_error (&error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("No alias is called “%s”; see “adiuva-cli alias list”."), args[0]);
      return adiuva_cli_context_report (cli, error);
    }

  /* Aliases naming this one are kept: they fail until it is set again, as the user may mean. */
  json_object_remove_member (aliases, args[0]);
  if (!save_aliases (store, aliases, &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("Removed alias %s\n"), args[0]);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_alias_list (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) names = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) aliases = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (JsonArray) out = json_array_new ();
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (aliases = adiuva_cli_load_aliases (store, &error)) == NULL ||
      (client = new_alias_client (aliases, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ALIAS"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("TARGET"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("MODEL"), ADIUVA_CLI_ALIGN_LEFT);

  names = adiuva_gateway_client_list_aliases (client);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char      *target = adiuva_gateway_client_get_alias (client, names[i]);
      g_autofree char *model = adiuva_gateway_client_resolve_model (client, names[i], NULL);
      JsonObject      *o = json_object_new ();

      json_object_set_string_member (o, "name", names[i]);
      json_object_set_string_member (o, "target", target);
      /* null when an alias on the way is not set */
      json_object_set_string_member (o, "model", model);
      json_array_add_object_element (out, o);

      adiuva_cli_table_add_cell (table, names[i]);
      adiuva_cli_table_add_cell (table, target);
      adiuva_cli_table_add_cell (table, model != NULL ? model : _ ("(unset alias on the way)"));
    }

  if (cli->json)
    adiuva_cli_context_print_json (cli, json_node_init_array (json_node_alloc (), out));
  else if (names[0] == NULL)
    g_print (_ ("No aliases. Add one with “adiuva-cli alias set”.\n"));
  else
    adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand alias_set = {
  .name = "set",
  .summary = N_ ("name a model"),
  .synopsis = N_ ("NAME TARGET"),
  .description = N_ (
      "Makes NAME stand for TARGET wherever a model is asked for: chat --model, the "
      "workspace's default model and the loopback endpoint. TARGET is PROVIDER/MODEL or "
      "another alias, which may be set later. NAME cannot hold a slash.\n"
      "\n"
      "Aliases are followed through up to 16 others; an alias that would lead back to itself "
      "is refused, and so is one that would make a chain longer than that. Setting NAME "
      "again replaces what it stands for."),
  .examples = N_ ("  adiuva-cli alias set fast work/gpt-4o-mini\n"
                  "  adiuva-cli alias set quick fast\n"
                  "  adiuva-cli chat --model quick 'Hello'"),
  .min_args = 2,
  .max_args = 2,
  .run = run_alias_set,
};

static const AdiuvaCliCommand alias_rm = {
  .name = "rm",
  .summary = N_ ("remove an alias"),
  .synopsis = N_ ("NAME"),
  .description = N_ ("Removes an alias. Aliases that name it are kept, and fail until it is "
                     "set again."),
  .min_args = 1,
  .max_args = 1,
  .run = run_alias_rm,
};

static const AdiuvaCliCommand alias_list = {
  .name = "list",
  .summary = N_ ("list aliases"),
  .synopsis = "",
  .description = N_ ("Lists the aliases with what each names directly and the PROVIDER/MODEL "
                     "it leads to. With --json, model is null when an alias on the way is not "
                     "set."),
  .max_args = 0,
  .run = run_alias_list,
};

static const AdiuvaCliCommand *const alias_commands[] = {
  &alias_set,
  &alias_list,
  &alias_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_alias_command = {
  .name = "alias",
  .summary = N_ ("give models short names"),
  .synopsis = N_ ("COMMAND [ARGUMENTS…]"),
  .description = N_ ("Aliases are names of the workspace's own for models, such as fast or "
                     "smart, usable wherever PROVIDER/MODEL is."),
  .subcommands = alias_commands,
};
