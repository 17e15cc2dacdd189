/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

/* Budgets and rate limits are the workspace's (AdiuvaWorkspaceGateway); what was spent comes
 * from the call log each time, so budgets hold across runs. */

static const char *const scope_nicks[] = { "global", "provider", "caller" };
static const char *const period_nicks[] = { "day", "month" };

/* budget set / rm */

typedef struct
{
  char    *provider;
  char    *caller;
  gboolean day;
  gboolean month;
} BudgetTarget;

static void
budget_target_clear (BudgetTarget *t)
{
  g_clear_pointer (&t->provider, g_free);
  g_clear_pointer (&t->caller, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BudgetTarget, budget_target_clear)

/* @budget borrows its name from @t. */
static gboolean
read_target (const BudgetTarget    *t,
             AdiuvaWorkspaceBudget *budget,
             GError               **error)
{
  if (!adiuva_cli_check_exclusive ("--provider", t->provider != NULL, "--caller",
                                   t->caller != NULL, error) ||
      !adiuva_cli_check_exclusive ("--day", t->day, "--month", t->month, error))
    return FALSE;
  if (!t->day && !t->month)
    {
      g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("Give the budget’s period: --day or --month."));
      return FALSE;
    }
  if ((t->provider != NULL && t->provider[0] == '\0') || (t->caller != NULL && t->caller[0] == '\0'))
    {
      g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("The provider or caller of a budget cannot be empty."));
      return FALSE;
    }

  budget->scope = t->provider != NULL ? ADIUVA_BUDGET_PROVIDER
                  : t->caller != NULL ? ADIUVA_BUDGET_CALLER
                                      : ADIUVA_BUDGET_GLOBAL;
  budget->name = t->provider != NULL ? t->provider : t->caller;
  budget->period = t->day ? ADIUVA_BUDGET_DAY : ADIUVA_BUDGET_MONTH;
  budget->max_tokens = -1;
  budget->max_cost = -1;
  return TRUE;
}

static char *
describe_budget (const AdiuvaWorkspaceBudget *b)
{
  if (b->scope == ADIUVA_BUDGET_PROVIDER)
    return g_strdup_printf (b->period == ADIUVA_BUDGET_DAY ? _ ("the daily budget of provider %s")
                                                           : _ ("the monthly budget of provider %s"),
                            b->name);
  if (b->scope == ADIUVA_BUDGET_CALLER)
    return g_strdup_printf (b->period == ADIUVA_BUDGET_DAY ? _ ("the daily budget of caller %s")
                                                           : _ ("the monthly budget of caller %s"),
                            b->name);
  return g_strdup (b->period == ADIUVA_BUDGET_DAY ? _ ("the workspace’s daily budget")
                                                  : _ ("the workspace’s monthly budget"));
}

static int
run_budget_set (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (BudgetTarget) target = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char        *cost_text = NULL;
  g_autofree char        *what = NULL;
  gint64                  tokens = -1;
  double                  cost = -1;
  AdiuvaWorkspaceBudget   budget;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  const GOptionEntry      entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &target.provider,
      N_ ("Count the calls to provider NAME only."), N_ ("NAME") },
    { "caller", 0, 0, G_OPTION_ARG_STRING, &target.caller,
      N_ ("Count the calls of caller NAME only: cli, chat, template:NAME, plugin:NAME…"),
      N_ ("NAME") },
    { "day", 0, 0, G_OPTION_ARG_NONE, &target.day, N_ ("A budget for each day."), NULL },
    { "month", 0, 0, G_OPTION_ARG_NONE, &target.month, N_ ("A budget for each month."), NULL },
    { "tokens", 0, 0, G_OPTION_ARG_INT64, &tokens,
      N_ ("Allow N tokens, prompts and answers together."), N_ ("N") },
    { "cost", 0, 0, G_OPTION_ARG_STRING, &cost_text,
      N_ ("Allow USD dollars at the providers’ list prices."), N_ ("USD") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;
  if (!read_target (&target, &budget, &error))
    return adiuva_cli_context_report (cli, error);

  if (cost_text != NULL)
    {
      char *end = NULL;

      /* A dot, whatever the locale: amounts are written as in the provider's price lists. */
      cost = g_ascii_strtod (cost_text, &end);
      if (end == cost_text || *end != '\0' || !(cost >= 0) || cost > 1e12)
        {
          g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                       _ ("“%s” is not an amount in USD: give a number such as 5 or 0.50."),
                       cost_text);
          return adiuva_cli_context_report (cli, error);
        }
    }
  if (tokens < -1 || (tokens == -1 && cost_text == NULL))
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           tokens < -1 ? _ ("--tokens takes a number of tokens, 0 or more.")
                                       : _ ("Give the budget’s limit: --tokens N, --cost USD or both."));
      return adiuva_cli_context_report (cli, error);
    }
  budget.max_tokens = tokens;
  budget.max_cost = cost;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || !adiuva_workspace_gateway_set_budget (gateway, &budget, &error))
    return adiuva_cli_context_report (cli, error);

  what = describe_budget (&budget);
  if (!cli->json)
    g_print (_ ("Set %s.\n"), what);
  return ADIUVA_CLI_EXIT_OK;
}

static int
run_budget_rm (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (BudgetTarget) target = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char        *what = NULL;
  AdiuvaWorkspaceBudget   budget;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  const GOptionEntry      entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &target.provider,
      N_ ("The budget of provider NAME."), N_ ("NAME") },
    { "caller", 0, 0, G_OPTION_ARG_STRING, &target.caller,
      N_ ("The budget of caller NAME."), N_ ("NAME") },
    { "day", 0, 0, G_OPTION_ARG_NONE, &target.day, N_ ("The daily budget."), NULL },
    { "month", 0, 0, G_OPTION_ARG_NONE, &target.month, N_ ("The monthly budget."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;
  if (!read_target (&target, &budget, &error))
    return adiuva_cli_context_report (cli, error);

  what = describe_budget (&budget);
  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      !adiuva_workspace_gateway_remove_budget (gateway, budget.scope, budget.name, budget.period,
                                               &error))
    {
      /* The command's own words name the budget. */
      if (g_error_matches (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND))
        {
          g_clear_error (&error);
          g_set_error (&error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND,
                       _ ("There is no such budget as %s."), what);
        }
      return adiuva_cli_context_report (cli, error);
    }

  if (!cli->json)
    g_print (_ ("Removed %s.\n"), what);
  return ADIUVA_CLI_EXIT_OK;
}

/* budget list */

static char *
format_usd (double amount)
{
  /* Cents hide what single calls cost; four places show them. */
  return g_strdup_printf (amount >= 1 ? "%.2f" : "%.4f", amount);
}

static int
run_budget_list (AdiuvaCliContext       *cli,
                 const AdiuvaCliCommand *command,
                 int                     argc,
                 char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (AdiuvaBudgets) budgets = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  g_autoptr (JsonArray) out = json_array_new ();
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      (list = adiuva_workspace_gateway_list_budgets (gateway, &error)) == NULL ||
      (budgets = adiuva_workspace_gateway_dup_budgets (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("SCOPE"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("NAME"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("PERIOD"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("TOKENS SPENT"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("OF"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("USD SPENT"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("OF"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("RESETS"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < list->len; i++)
    {
      AdiuvaWorkspaceBudget *b = g_ptr_array_index (list, i);
      g_autoptr (GDateTime) reset = NULL;
      g_autofree char *resets = NULL;
      g_autofree char *resets_iso = NULL;
      JsonObject      *o = json_object_new ();
      gint64           tokens;
      double           cost;

      adiuva_budgets_get_spent (budgets, b->scope, b->name, b->period, &tokens, &cost);
      reset = adiuva_budgets_dup_reset_time (budgets, b->period);
      resets = g_date_time_format (reset, "%Y-%m-%d %H:%M");
      resets_iso = g_date_time_format_iso8601 (reset);

      json_object_set_string_member (o, "scope", scope_nicks[b->scope]);
      json_object_set_string_member (o, "name", b->name);
      json_object_set_string_member (o, "period", period_nicks[b->period]);
      if (b->max_tokens >= 0)
        json_object_set_int_member (o, "tokens", b->max_tokens);
      else
        json_object_set_null_member (o, "tokens");
      if (b->max_cost >= 0)
        json_object_set_double_member (o, "cost", b->max_cost);
      else
        json_object_set_null_member (o, "cost");
      json_object_set_int_member (o, "spent_tokens", tokens);
      json_object_set_double_member (o, "spent_cost", cost);
      json_object_set_string_member (o, "resets", resets_iso);
      json_array_add_object_element (out, o);

      adiuva_cli_table_add_cell (table, scope_nicks[b->scope]);
      adiuva_cli_table_add_cell (table, b->name != NULL ? b->name : "");
      adiuva_cli_table_add_cell (table, period_nicks[b->period]);
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%" G_GINT64_FORMAT, tokens));
      adiuva_cli_table_take_cell (table, b->max_tokens >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT,
                                                                               b->max_tokens)
                                                            : g_strdup ("-"));
      adiuva_cli_table_take_cell (table, format_usd (cost));
      adiuva_cli_table_take_cell (table,
                                  b->max_cost >= 0 ? format_usd (b->max_cost) : g_strdup ("-"));
      adiuva_cli_table_add_cell (table, resets);
    }

  if (cli->json)
    adiuva_cli_context_print_json (cli, json_node_init_array (json_node_alloc (), out));
  else if (list->len == 0)
    g_print (_ ("No budgets. Set one with “adiuva-cli budget set”.\n"));
  else
    adiuva_cli_table_print (table);
  return ADIUVA_CLI_EXIT_OK;
}

/* limit set / rm / list */

static int
run_limit_set (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  int                     rpm = 0;
  int                     tpm = 0;
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  const GOptionEntry      entries[] = {
    { "rpm", 0, 0, G_OPTION_ARG_INT, &rpm, N_ ("Allow N requests a minute."), N_ ("N") },
    { "tpm", 0, 0, G_OPTION_ARG_INT, &tpm,
      N_ ("Allow N tokens a minute, prompts and answers together."), N_ ("N") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;
  if (rpm < 0 || tpm < 0 || (rpm == 0 && tpm == 0))
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("Give the limit: --rpm N, --tpm N or both, with N above 0."));
      return adiuva_cli_context_report (cli, error);
    }

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || !adiuva_workspace_gateway_set_limit (gateway, args[0], rpm, tpm, &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("Set the rate limit of %s.\n"), args[0]);
  return ADIUVA_CLI_EXIT_OK;
}

static int
run_limit_rm (AdiuvaCliContext       *cli,
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
  if (gateway == NULL || !adiuva_workspace_gateway_remove_limit (gateway, args[0], &error))
    return adiuva_cli_context_report (cli, error);

  if (!cli->json)
    g_print (_ ("Removed the rate limit of %s.\n"), args[0]);
  return ADIUVA_CLI_EXIT_OK;
}

static int
run_limit_list (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) targets = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  g_autoptr (JsonArray) out = json_array_new ();
  AdiuvaWorkspaceGateway *gateway;
  int                     status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL || (targets = adiuva_workspace_gateway_list_limits (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("LIMIT"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("REQUESTS/MIN"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("TOKENS/MIN"), ADIUVA_CLI_ALIGN_RIGHT);

  for (guint i = 0; targets[i] != NULL; i++)
    {
      JsonObject *o = json_object_new ();
      guint       rpm, tpm;

      /* adiuva_workspace_gateway_list_limits() has checked every entry. */
      adiuva_workspace_gateway_get_limit (gateway, targets[i], &rpm, &tpm, NULL);

      json_object_set_string_member (o, "target", targets[i]);
      json_object_set_int_member (o, "rpm", rpm);
      json_object_set_int_member (o, "tpm", tpm);
      json_array_add_object_element (out, o);

      adiuva_cli_table_add_cell (table, targets[i]);
      adiuva_cli_table_take_cell (table, rpm > 0 ? g_strdup_printf ("%u", rpm) : g_strdup ("-"));
      adiuva_cli_table_take_cell (table, tpm > 0 ? g_strdup_printf ("%u", tpm) : g_strdup ("-"));
    }

  if (cli->json)
    adiuva_cli_context_print_json (cli, json_node_init_array (json_node_alloc (), out));
  else if (targets[0] == NULL)
    g_print (_ ("No rate limits. Set one with “adiuva-cli limit set”.\n"));
  else
    adiuva_cli_table_print (table);
  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand budget_set = {
  .name = "set",
  .summary = N_ ("set a budget"),
  .synopsis = N_ ("[--provider NAME | --caller NAME] --day|--month [--tokens N] [--cost USD]"),
  .description = N_ (
      "Sets how many tokens, or how many dollars at the providers’ list prices, may be spent "
      "each day or each month: by the whole workspace, by one provider (--provider) or by one "
      "caller (--caller: cli for adiuva-cli chat, chat, template:NAME, plugin:NAME…). Setting "
      "a budget again replaces it.\n"
      "\n"
      "Days end at local midnight, months on the first of the next. What was spent is counted "
      "from the call log. A call whose workspace or caller budget is used up is refused before "
      "anything is sent (exit status 8); a provider whose budget is used up is skipped for the "
      "next model of the fallback chain."),
  .examples = N_ ("  adiuva-cli budget set --month --cost 20\n"
                  "  adiuva-cli budget set --provider work --day --tokens 200000\n"
                  "  adiuva-cli budget set --caller plugin:invoices --day --cost 0.50"),
  .max_args = 0,
  .run = run_budget_set,
};

static const AdiuvaCliCommand budget_list = {
  .name = "list",
  .summary = N_ ("list budgets with what was spent"),
  .synopsis = "",
  .description = N_ ("Lists the budgets with what was spent so far in the current day or "
                     "month, their limits (- for none) and when they reset."),
  .max_args = 0,
  .run = run_budget_list,
};

static const AdiuvaCliCommand budget_rm = {
  .name = "rm",
  .summary = N_ ("remove a budget"),
  .synopsis = N_ ("[--provider NAME | --caller NAME] --day|--month"),
  .description = N_ ("Removes the budget named the way it was set."),
  .max_args = 0,
  .run = run_budget_rm,
};

static const AdiuvaCliCommand *const budget_commands[] = {
  &budget_set,
  &budget_list,
  &budget_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_budget_command = {
  .name = "budget",
  .summary = N_ ("limit what language models may cost"),
  .synopsis = N_ ("COMMAND [OPTIONS]"),
  .description = N_ ("Daily and monthly budgets in tokens and dollars, for the workspace, "
                     "each provider and each caller."),
  .subcommands = budget_commands,
};

static const AdiuvaCliCommand limit_set = {
  .name = "set",
  .summary = N_ ("set a rate limit"),
  .synopsis = N_ ("PROVIDER[/MODEL] [--rpm N] [--tpm N]"),
  .description = N_ (
      "Limits the requests a minute (--rpm) and the tokens a minute (--tpm) sent to a provider, "
      "or to one of its models. A request waits when the limit frees up within 10 seconds; "
      "otherwise the next model of the fallback chain is asked, or the call fails (exit status "
      "7). Tokens are estimated before a request and counted as the provider reports them "
      "after. Setting a limit again replaces it."),
  .examples = N_ ("  adiuva-cli limit set work --rpm 60\n"
                  "  adiuva-cli limit set work/gpt-4o-mini --tpm 200000"),
  .min_args = 1,
  .max_args = 1,
  .run = run_limit_set,
};

static const AdiuvaCliCommand limit_list = {
  .name = "list",
  .summary = N_ ("list rate limits"),
  .synopsis = "",
  .description = N_ ("Lists the rate limits; - where there is none."),
  .max_args = 0,
  .run = run_limit_list,
};

static const AdiuvaCliCommand limit_rm = {
  .name = "rm",
  .summary = N_ ("remove a rate limit"),
  .synopsis = N_ ("PROVIDER[/MODEL]"),
  .description = N_ ("Removes the rate limit of a provider or model."),
  .min_args = 1,
  .max_args = 1,
  .run = run_limit_rm,
};

static const AdiuvaCliCommand *const limit_commands[] = {
  &limit_set,
  &limit_list,
  &limit_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_limit_command = {
  .name = "limit",
  .summary = N_ ("limit how fast language models are asked"),
  .synopsis = N_ ("COMMAND [ARGUMENTS…]"),
  .description = N_ ("Rate limits in requests and tokens a minute, per provider or model."),
  .subcommands = limit_commands,
};
