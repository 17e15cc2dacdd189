/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"

/* Sets the order to the models given, none for `fallback clear` (which takes no arguments), and
 * says what it is now. */
static int
run_fallback_set (AdiuvaCliContext       *cli,
                  const AdiuvaCliCommand *command,
                  int                     argc,
                  char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  gboolean                clear;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  clear = args[0] == NULL;
  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      !adiuva_workspace_gateway_set_fallbacks (gateway, clear ? NULL : (const char *const *) args,
                                               &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    {
      g_autofree char *order = g_strjoinv (", ", args);

      if (clear)
        g_print (_ ("No fallbacks: a model that fails is not replaced\n"));
      else
        /* TRANSLATORS: %s is a list of models, in order */
        g_print (_ ("When a model fails before it answers, these are asked in turn: %s\n"),
                 order);
    }
  return ADIUVA_CLI_EXIT_OK;
}

static int
run_fallback_list (AdiuvaCliContext       *cli,
                   const AdiuvaCliCommand *command,
                   int                     argc,
                   char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) fallbacks = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      (fallbacks = adiuva_workspace_gateway_list_fallbacks (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonArray) out = json_array_new ();

      for (guint i = 0; fallbacks[i] != NULL; i++)
        json_array_add_string_element (out, fallbacks[i]);
      adiuva_cli_context_print_json (cli, json_node_init_array (json_node_alloc (), out));
    }
  else if (fallbacks[0] == NULL)
    g_print (_ ("No fallbacks. Set them with “adiuva-cli fallback set”.\n"));
  else
    for (guint i = 0; fallbacks[i] != NULL; i++)
      g_print ("%u. %s\n", i + 1, fallbacks[i]);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand fallback_set = {
  .name = "set",
  .summary = N_ ("set the models asked when one fails"),
  .synopsis = N_ ("MODEL…"),
  .description = N_ (
      "When the model a chat asks (chat --model, the default model, an app or a tool through "
      "the loopback endpoint) fails before any of its answer arrived, because its provider "
      "cannot be reached, is overloaded, fails or refuses, these are asked in turn, from the "
      "first. Each MODEL is PROVIDER/MODEL or an alias; the model asked is not asked twice. "
      "Routes (--model auto) keep their own order. Replaces the order set before."),
  .examples = N_ ("  adiuva-cli fallback set work/gpt-4o-mini local/llama3.2\n"
                  "  adiuva-cli fallback list"),
  .min_args = 1,
  .max_args = -1,
  .run = run_fallback_set,
};

static const AdiuvaCliCommand fallback_clear = {
  .name = "clear",
  .summary = N_ ("ask no other model when one fails"),
  .synopsis = "",
  .description = N_ ("Removes the fallback order: a model that fails is not replaced."),
  .max_args = 0,
  .run = run_fallback_set,
};

static const AdiuvaCliCommand fallback_list = {
  .name = "list",
  .summary = N_ ("show the fallback order"),
  .synopsis = "",
  .description = N_ ("Shows the models asked, in turn, when one fails; with --json, as a "
                     "list of strings."),
  .max_args = 0,
  .run = run_fallback_list,
};

static const AdiuvaCliCommand *const fallback_commands[] = {
  &fallback_set,
  &fallback_list,
  &fallback_clear,
  NULL
};

const AdiuvaCliCommand adiuva_cli_fallback_command = {
  .name = "fallback",
  .summary = N_ ("choose models to ask when one fails"),
  .synopsis = N_ ("COMMAND [ARGUMENTS…]"),
  .description = N_ ("The fallback order: the models asked in turn when the one a chat asks "
                     "fails before it answers."),
  .subcommands = fallback_commands,
};
