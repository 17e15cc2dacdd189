/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"

static int
run_alias_set (AdiuvaCliContext       *cli,
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
  if (gateway == NULL ||
      !adiuva_workspace_gateway_set_alias (gateway, args[0], args[1], &error))
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
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || !adiuva_workspace_gateway_remove_alias (gateway, args[0], &error))
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
  g_autoptr (JsonArray) out = json_array_new ();
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || (names = adiuva_workspace_gateway_list_aliases (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ALIAS"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("TARGET"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("MODEL"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *target = adiuva_workspace_gateway_dup_alias (gateway, names[i], NULL);
      g_autofree char *model = adiuva_workspace_gateway_resolve_model (gateway, names[i], NULL);
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
