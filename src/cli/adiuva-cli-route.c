/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"

/* The gateway refuses a route in its own domain; on the command line that is a usage error. */
static void
as_usage_error (GError **error)
{
  if (error == NULL ||
      !g_error_matches (*error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID))
    return;
  (*error)->domain = ADIUVA_CLI_ERROR;
  (*error)->code = ADIUVA_CLI_ERROR_USAGE;
}

static gboolean
check_length (const char *option,
              int         value,
              GError    **error)
{
  if (value >= 0)
    return TRUE;
  g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
               _ ("%s takes a number of characters, 0 or more."), option);
  return FALSE;
}

static gboolean
add_rules (AdiuvaRoute       *route,
           const char *const *keywords,
           const char *const *regexes,
           int                min_length,
           int                max_length,
           GError           **error)
{
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    if (!adiuva_route_add_keyword (route, keywords[i], error))
      return FALSE;
  for (guint i = 0; regexes != NULL && regexes[i] != NULL; i++)
    if (!adiuva_route_add_regex (route, regexes[i], error))
      return FALSE;
  return adiuva_route_set_length_range (route, min_length, max_length, error);
}

static AdiuvaRoute *
new_route (const char        *name,
           const char        *description,
           const char *const *models,
           const char *const *keywords,
           const char *const *regexes,
           int                min_length,
           int                max_length,
           GError           **error)
{
  g_autoptr (AdiuvaRoute) route = NULL;

  if (!check_length ("--min-length", min_length, error) ||
      !check_length ("--max-length", max_length, error))
    return NULL;

  if (description == NULL)
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("Describe the route with --description TEXT: the router model chooses "
                      "routes by what they are for."));
      return NULL;
    }
  if (models == NULL)
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("Name the models of the route with --model, once for each, in the order "
                      "they are to be asked."));
      return NULL;
    }

  route = adiuva_route_new (name, description, models, error);
  if (route == NULL || !add_rules (route, keywords, regexes, min_length, max_length, error))
    {
      as_usage_error (error);
      return NULL;
    }

  return g_steal_pointer (&route);
}

static int
run_route_set (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) models = NULL;
  g_auto (GStrv) keywords = NULL;
  g_auto (GStrv) regexes = NULL;
  g_autofree char *description = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaRouter) router = NULL;
  g_autoptr (AdiuvaRoute) route = NULL;
  int                     min_length = 0;
  int                     max_length = 0;
  gboolean                replaced;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  const GOptionEntry      entries[] = {
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      N_ ("What the route is for, in words the router model reads (required)."), N_ ("TEXT") },
    { "model", 0, 0, G_OPTION_ARG_STRING_ARRAY, &models,
      N_ ("A model of the route, PROVIDER/MODEL or an alias; repeat it: the first is asked "
          "first, the others when it fails (required)."),
      N_ ("REF") },
    { "keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &keywords,
      N_ ("Choose the route when the message holds WORD, as a whole word in any case; "
          "repeatable."),
      N_ ("WORD") },
    { "regex", 0, 0, G_OPTION_ARG_STRING_ARRAY, &regexes,
      N_ ("Choose the route when the message matches the Perl-style regular expression RE, "
          "in any case; repeatable."),
      N_ ("RE") },
    { "min-length", 0, 0, G_OPTION_ARG_INT, &min_length,
      N_ ("Only for messages of at least N characters."), N_ ("N") },
    { "max-length", 0, 0, G_OPTION_ARG_INT, &max_length,
      N_ ("Only for messages of at most N characters."), N_ ("N") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      (route = new_route (args[0], description, (const char *const *) models,
                          (const char *const *) keywords, (const char *const *) regexes,
                          min_length, max_length, &error)) == NULL ||
      (router = adiuva_workspace_gateway_dup_router (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  replaced = adiuva_router_get_route (router, args[0]) != NULL;
  if (!adiuva_workspace_gateway_set_route (gateway, route, &error))
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    adiuva_cli_context_print_json (cli, adiuva_route_to_json (route));
  else if (replaced)
    g_print (_ ("Changed route %s\n"), args[0]);
  else
    g_print (_ ("Added route %s\n"), args[0]);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_route_rm (AdiuvaCliContext       *cli,
              const AdiuvaCliCommand *command,
              int                     argc,
              char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaRouter) router = NULL;
  gboolean                was_default;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || (router = adiuva_workspace_gateway_dup_router (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  was_default = g_strcmp0 (adiuva_router_get_default_route (router), args[0]) == 0;
  if (!adiuva_workspace_gateway_remove_route (gateway, args[0], &error))
    return adiuva_cli_context_report (cli, error);
  adiuva_router_remove_route (router, args[0]);

  if (!cli->json)
    {
      g_print (_ ("Removed route %s\n"), args[0]);
      if (was_default && adiuva_router_get_n_routes (router) > 0)
        g_print (_ ("It was the default route: now the first route, %s, is.\n"),
                 adiuva_route_get_name (adiuva_router_get_nth_route (router, 0)));
    }

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_route_router_model (AdiuvaCliContext       *cli,
                        const AdiuvaCliCommand *command,
                        int                     argc,
                        char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  gboolean                none = FALSE;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  const GOptionEntry      entries[] = {
    { "none", 0, 0, G_OPTION_ARG_NONE, &none,
      N_ ("Let the rules alone choose routes."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (none == (args[0] != NULL))
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("Give either a model, PROVIDER/MODEL or an alias, or --none."));
      return adiuva_cli_context_report (cli, error);
    }

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || !adiuva_workspace_gateway_set_router_model (gateway, args[0], &error))
    {
      as_usage_error (&error);
      return adiuva_cli_context_report (cli, error);
    }

  if (!cli->json && args[0] != NULL)
    g_print (_ ("%s now chooses the route of each request to auto\n"), args[0]);
  else if (!cli->json)
    g_print (_ ("The rules alone now choose routes\n"));

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_route_default (AdiuvaCliContext       *cli,
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
  if (gateway == NULL || !adiuva_workspace_gateway_set_default_route (gateway, args[0], &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("%s now takes the requests no other route is chosen for\n"), args[0]);

  return ADIUVA_CLI_EXIT_OK;
}

static char *
describe_rules (AdiuvaRoute *route)
{
  g_autoptr (GString) text = g_string_new (NULL);
  const char *const *keywords = adiuva_route_get_keywords (route);
  const char *const *regexes = adiuva_route_get_regexes (route);
  guint              min = adiuva_route_get_min_length (route);
  guint              max = adiuva_route_get_max_length (route);

  for (guint i = 0; keywords[i] != NULL; i++)
    g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", keywords[i]);
  for (guint i = 0; regexes[i] != NULL; i++)
    g_string_append_printf (text, "%s/%s/", text->len > 0 ? ", " : "", regexes[i]);
  if (min > 0 || max > 0)
    {
      g_autofree char *range = NULL;

      if (max == 0)
        range = g_strdup_printf ("≥%u", min);
      else
        range = g_strdup_printf ("%u–%u", min, max);
      /* TRANSLATORS: a length range of messages, such as "0–200 characters" */
      g_string_append_printf (text, "%s", text->len > 0 ? "; " : "");
      g_string_append_printf (text, _ ("%s characters"), range);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
run_route_list (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaRouter) router = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  const char             *router_model;
  const char             *default_name;
  AdiuvaRoute            *fallback;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || (router = adiuva_workspace_gateway_dup_router (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_router_to_json (router));
      return ADIUVA_CLI_EXIT_OK;
    }

  if (adiuva_router_get_n_routes (router) == 0)
    {
      g_print (_ ("No routes. Add one with “adiuva-cli route set”.\n"));
      return ADIUVA_CLI_EXIT_OK;
    }

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ROUTE"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("MODELS"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("RULES"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("DESCRIPTION"), ADIUVA_CLI_ALIGN_LEFT);

  default_name = adiuva_router_get_default_route (router);
  fallback = adiuva_router_get_nth_route (router, 0);
  if (default_name != NULL)
    fallback = adiuva_router_get_route (router, default_name);
  for (guint i = 0; i < adiuva_router_get_n_routes (router); i++)
    {
      AdiuvaRoute *route = adiuva_router_get_nth_route (router, i);

      if (route == fallback)
        adiuva_cli_table_take_cell (table, g_strdup_printf (_ ("%s (default)"),
                                                            adiuva_route_get_name (route)));
      else
        adiuva_cli_table_add_cell (table, adiuva_route_get_name (route));
      adiuva_cli_table_take_cell (table,
                                  g_strjoinv (", ", (GStrv) adiuva_route_get_models (route)));
      adiuva_cli_table_take_cell (table, describe_rules (route));
      adiuva_cli_table_add_cell (table, adiuva_route_get_description (route));
    }
  adiuva_cli_table_print (table);

  router_model = adiuva_router_get_router_model (router);
  if (router_model != NULL)
    g_print (_ ("\nRouter model: %s; the rules choose when it cannot.\n"), router_model);
  else
    g_print (_ ("\nNo router model: the rules choose.\n"));

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand route_set = {
  .name = "set",
  .summary = N_ ("add or change a route"),
  .synopsis = N_ ("NAME --description TEXT --model REF [--model REF…] [--keyword WORD…] "
                  "[--regex RE…] [--min-length N] [--max-length N]"),
  .description = N_ (
      "Adds the route NAME, or replaces it, keeping its place. NAME is made of letters, "
      "digits, “-”, “_” and “.”. Each --model is PROVIDER/MODEL of a provider of the "
      "workspace or an alias that is set; the first is asked first, the others in order when "
      "it fails.\n"
      "\n"
      "The rules choose a route when no router model is set or it cannot: the routes are "
      "tried in the order they were added, and the first whose rules match the last message "
      "of the user is taken. A route's rules match when the message holds one of its "
      "keywords (whole words, any case) or matches one of its regular expressions (any case), "
      "and its length in characters is within --min-length and --max-length. A route with "
      "only a length range matches on length; one without rules is chosen only by the router "
      "model or as the default."),
  .examples = N_ ("  adiuva-cli route set coding --description 'Writing and fixing code' \\\n"
                  "      --model work/gpt-4.1 --model local/qwen2.5-coder \\\n"
                  "      --keyword code --keyword bug --regex '\\bdef\\s+\\w+\\('\n"
                  "  adiuva-cli route set quick --description 'Short questions' \\\n"
                  "      --model fast --max-length 80"),
  .min_args = 1,
  .max_args = 1,
  .run = run_route_set,
};

static const AdiuvaCliCommand route_list = {
  .name = "list",
  .summary = N_ ("list routes"),
  .synopsis = "",
  .description = N_ ("Lists the routes in the order the rules try them, with their models, "
                     "rules and descriptions, the default route and the router model. With "
                     "--json, prints the routes as they are kept: routes, router_model and "
                     "default_route (absent when the first route is the default)."),
  .max_args = 0,
  .run = run_route_list,
};

static const AdiuvaCliCommand route_rm = {
  .name = "rm",
  .summary = N_ ("remove a route"),
  .synopsis = N_ ("NAME"),
  .description = N_ ("Removes a route. If it was the default route, the first route becomes "
                     "the default."),
  .min_args = 1,
  .max_args = 1,
  .run = run_route_rm,
};

static const AdiuvaCliCommand route_router_model = {
  .name = "router-model",
  .summary = N_ ("choose the model that chooses routes"),
  .synopsis = N_ ("PROVIDER/MODEL|ALIAS\n--none"),
  .description = N_ (
      "Sets the router model: before each request to auto, it is sent the names and "
      "descriptions of the routes with the last messages of the conversation, and answers "
      "with the route to take. A small, fast model does; a local one keeps the conversation "
      "on the machine. If it fails, takes longer than three seconds or answers with no known "
      "route, the rules choose instead. Its calls are in the call log under the caller "
      "router. --none leaves the choice to the rules."),
  .examples = N_ ("  adiuva-cli route router-model local/qwen2.5:1.5b"),
  .max_args = 1,
  .run = run_route_router_model,
};

static const AdiuvaCliCommand route_default = {
  .name = "default",
  .summary = N_ ("choose the route taken when no other is"),
  .synopsis = N_ ("NAME"),
  .description = N_ ("Makes NAME the default route: it takes the requests that neither the "
                     "router model nor the rules choose a route for. Until one is set, the "
                     "first route is the default."),
  .min_args = 1,
  .max_args = 1,
  .run = run_route_default,
};

static const AdiuvaCliCommand *const route_commands[] = {
  &route_set,
  &route_list,
  &route_rm,
  &route_router_model,
  &route_default,
  NULL
};

const AdiuvaCliCommand adiuva_cli_route_command = {
  .name = "route",
  .summary = N_ ("send each request to the models that suit it"),
  .synopsis = N_ ("COMMAND [ARGUMENTS…]"),
  .description = N_ (
      "Preference routing: named routes, each with a description and the models to ask. "
      "Asking the model auto (adiuva-cli chat --model auto, or auto as the default model or "
      "through the loopback endpoint) lets Adiuva choose the route: the router model if one "
      "is set, else the rules of the routes, else the default route. A routing failure never "
      "fails the request. With --json, chat names the route taken and what chose it, such as "
      "“coding (router)”, “coding (rules)” or “chat (default)”."),
  .subcommands = route_commands,
};
