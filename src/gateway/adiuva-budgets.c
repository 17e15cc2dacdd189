/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-budgets-private.h"
#include "adiuva-gateway-types.h"

/*
 * AdiuvaBudgets holds the user's spending limits per day and per month, and what was spent
 * in the current day and month, for the whole workspace, per provider and per caller.
 *
 * What was spent is kept whether or not a budget is set, so a budget set later counts what
 * came before it. Periods follow the local calendar: a day ends at local midnight, a month
 * on the first of the next. Amounts of a finished period are dropped when the clock passes
 * into the next, on the next look.
 */

#define N_PERIODS 2

typedef struct
{
  gint64 max_tokens; /* < 0: no limit */
  double max_cost;   /* < 0: no limit */
} Budget;

typedef struct
{
  gint64 start[N_PERIODS]; /* unix seconds, local start of the period counted */
  gint64 tokens[N_PERIODS];
  double cost[N_PERIODS];
} Spent;

struct _AdiuvaBudgets
{
  GHashTable *budgets[N_PERIODS]; /* scope key → Budget */
  GHashTable *spent;              /* scope key → Spent */
  gint64 (*now) (gpointer user_data);
  gpointer now_data;
};

static gint64
real_now (gpointer user_data)
{
  return g_get_real_time ();
}

static char *
scope_key (AdiuvaBudgetScope scope,
           const char       *name)
{
  switch (scope)
    {
    case ADIUVA_BUDGET_PROVIDER:
      return g_strconcat ("provider:", name, NULL);
    case ADIUVA_BUDGET_CALLER:
      return g_strconcat ("caller:", name, NULL);
    case ADIUVA_BUDGET_GLOBAL:
    default:
      return g_strdup ("global");
    }
}

static gint64
now_unix (AdiuvaBudgets *self)
{
  return self->now (self->now_data) / G_USEC_PER_SEC;
}

static GDateTime *
period_start (gint64             unix_time,
              AdiuvaBudgetPeriod period)
{
  g_autoptr (GDateTime) local = g_date_time_new_from_unix_local (unix_time);

  return g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                period == ADIUVA_BUDGET_DAY ? g_date_time_get_day_of_month (local) : 1,
                                0, 0, 0);
}

static gint64
period_start_unix (gint64             unix_time,
                   AdiuvaBudgetPeriod period)
{
  g_autoptr (GDateTime) start = period_start (unix_time, period);

  return g_date_time_to_unix (start);
}

/* What was spent in the current period; the amounts of a past one are dropped. */
static Spent *
lookup_spent (AdiuvaBudgets *self,
              const char    *key,
              gint64         now)
{
  Spent *spent = g_hash_table_lookup (self->spent, key);

  if (spent == NULL)
    {
      spent = g_new0 (Spent, 1);
      g_hash_table_insert (self->spent, g_strdup (key), spent);
    }

  for (guint p = 0; p < N_PERIODS; p++)
    {
      gint64 start = period_start_unix (now, p);

      if (spent->start[p] != start)
        {
          spent->start[p] = start;
          spent->tokens[p] = 0;
          spent->cost[p] = 0;
        }
    }
  return spent;
}

/**
 * adiuva_budgets_new:
 *
 * Returns: (transfer full): budgets without limits, with nothing spent
 */
AdiuvaBudgets *
adiuva_budgets_new (void)
{
  AdiuvaBudgets *self = g_new0 (AdiuvaBudgets, 1);

  for (guint p = 0; p < N_PERIODS; p++)
    self->budgets[p] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->spent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->now = real_now;
  return self;
}

void
adiuva_budgets_free (AdiuvaBudgets *self)
{
  if (self == NULL)
    return;
  for (guint p = 0; p < N_PERIODS; p++)
    g_hash_table_unref (self->budgets[p]);
  g_hash_table_unref (self->spent);
  g_free (self);
}

void
_adiuva_budgets_set_clock (AdiuvaBudgets *self,
                           gint64 (*now) (gpointer user_data),
                           gpointer user_data)
{
  g_assert (self != NULL);

  self->now = now != NULL ? now : real_now;
  self->now_data = user_data;
}

/**
 * adiuva_budgets_set:
 * @name: (nullable): the provider or caller; ignored for %ADIUVA_BUDGET_GLOBAL
 * @max_tokens: tokens (prompt and answer) allowed in the period, or -1 for no limit
 * @max_cost: list price in USD allowed in the period, or a negative number for no limit
 *
 * Sets or replaces a budget; with neither limit, removes it.
 */
void
adiuva_budgets_set (AdiuvaBudgets     *self,
                    AdiuvaBudgetScope  scope,
                    const char        *name,
                    AdiuvaBudgetPeriod period,
                    gint64             max_tokens,
                    double             max_cost)
{
  g_autofree char *key = NULL;
  Budget          *budget;

  g_return_if_fail (self != NULL);
  g_return_if_fail (scope == ADIUVA_BUDGET_GLOBAL || name != NULL);
  g_return_if_fail (period < N_PERIODS);

  key = scope_key (scope, name);
  if (max_tokens < 0 && max_cost < 0)
    {
      g_hash_table_remove (self->budgets[period], key);
      return;
    }

  budget = g_new (Budget, 1);
  budget->max_tokens = MAX (max_tokens, -1);
  budget->max_cost = max_cost < 0 ? -1 : max_cost;
  g_hash_table_replace (self->budgets[period], g_steal_pointer (&key), budget);
}

/**
 * adiuva_budgets_get:
 * @max_tokens: (out) (optional): the limit, -1 for none
 * @max_cost: (out) (optional): the limit, -1 for none
 *
 * Returns: whether this budget is set
 */
gboolean
adiuva_budgets_get (AdiuvaBudgets     *self,
                    AdiuvaBudgetScope  scope,
                    const char        *name,
                    AdiuvaBudgetPeriod period,
                    gint64            *max_tokens,
                    double            *max_cost)
{
  g_autofree char *key = NULL;
  Budget          *budget;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (scope == ADIUVA_BUDGET_GLOBAL || name != NULL, FALSE);
  g_return_val_if_fail (period < N_PERIODS, FALSE);

  key = scope_key (scope, name);
  budget = g_hash_table_lookup (self->budgets[period], key);
  if (max_tokens != NULL)
    *max_tokens = budget != NULL ? budget->max_tokens : -1;
  if (max_cost != NULL)
    *max_cost = budget != NULL ? budget->max_cost : -1;
  return budget != NULL;
}

/**
 * adiuva_budgets_add_spent:
 * @caller: (nullable): who spent it
 * @provider: (nullable): the provider that was asked
 * @tokens: tokens used, prompt and answer; negative counts as 0
 * @cost: list price in USD
 * @when_unix: when it was spent, in seconds since the epoch, or -1 for now: amounts of an
 *   earlier day count for the month only, and those of an earlier month not at all
 *
 * Counts spending for the workspace, @caller and @provider. The gateway counts every call it
 * makes; front ends add what earlier runs spent, from their call log, when they start.
 */
void
adiuva_budgets_add_spent (AdiuvaBudgets *self,
                          const char    *caller,
                          const char    *provider,
                          gint64         tokens,
                          double         cost,
                          gint64         when_unix)
{
  const struct
  {
    AdiuvaBudgetScope scope;
    const char       *name;
  } scopes[] = {
    { ADIUVA_BUDGET_GLOBAL, NULL },
    { ADIUVA_BUDGET_CALLER, caller },
    { ADIUVA_BUDGET_PROVIDER, provider },
  };
  gint64 now;
  gint64 when_start[N_PERIODS];

  g_return_if_fail (self != NULL);

  now = now_unix (self);
  for (guint p = 0; p < N_PERIODS; p++)
    when_start[p] = period_start_unix (when_unix >= 0 ? when_unix : now, p);

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autofree char *key = NULL;
      Spent           *spent;

      if (scopes[i].scope != ADIUVA_BUDGET_GLOBAL && scopes[i].name == NULL)
        continue;
      key = scope_key (scopes[i].scope, scopes[i].name);
      spent = lookup_spent (self, key, now);
      for (guint p = 0; p < N_PERIODS; p++)
        if (when_start[p] == spent->start[p])
          {
            spent->tokens[p] += MAX (tokens, 0);
            spent->cost[p] += MAX (cost, 0);
          }
    }
}

/**
 * adiuva_budgets_get_spent:
 * @tokens: (out) (optional): tokens spent in the current period
 * @cost: (out) (optional): USD spent in the current period
 */
void
adiuva_budgets_get_spent (AdiuvaBudgets     *self,
                          AdiuvaBudgetScope  scope,
                          const char        *name,
                          AdiuvaBudgetPeriod period,
                          gint64            *tokens,
                          double            *cost)
{
  g_autofree char *key = NULL;
  Spent           *spent;

  g_return_if_fail (self != NULL);
  g_return_if_fail (scope == ADIUVA_BUDGET_GLOBAL || name != NULL);
  g_return_if_fail (period < N_PERIODS);

  key = scope_key (scope, name);
  spent = lookup_spent (self, key, now_unix (self));
  if (tokens != NULL)
    *tokens = spent->tokens[period];
  if (cost != NULL)
    *cost = spent->cost[period];
}

/**
 * adiuva_budgets_dup_reset_time:
 *
 * Returns: (transfer full): when the current @period ends, in local time
 */
GDateTime *
adiuva_budgets_dup_reset_time (AdiuvaBudgets     *self,
                               AdiuvaBudgetPeriod period)
{
  g_autoptr (GDateTime) start = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (period < N_PERIODS, NULL);

  start = period_start (now_unix (self), period);
  return period == ADIUVA_BUDGET_DAY ? g_date_time_add_days (start, 1) : g_date_time_add_months (start, 1);
}

static char *
format_usd (double amount)
{
  /* Cents hide what single calls cost; four places show them. */
  return g_strdup_printf (amount >= 1 ? "%.2f" : "%.4f", amount);
}

static void
set_used_up_error (AdiuvaBudgets     *self,
                   AdiuvaBudgetScope  scope,
                   const char        *name,
                   AdiuvaBudgetPeriod period,
                   const char        *amounts,
                   GError           **error)
{
  g_autoptr (GDateTime) reset = adiuva_budgets_dup_reset_time (self, period);
  g_autofree char *when = g_date_time_format (reset, "%Y-%m-%d %H:%M");
  g_autofree char *who = NULL;

  if (scope == ADIUVA_BUDGET_PROVIDER)
    who = g_strdup_printf (_ ("provider “%s”"), name);
  else if (scope == ADIUVA_BUDGET_CALLER)
    who = g_strdup_printf (_ ("caller “%s”"), name);
  else
    who = g_strdup (_ ("the workspace"));

  if (period == ADIUVA_BUDGET_DAY)
    g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET,
                 _ ("The daily budget of %s is used up: %s spent. It resets at %s."), who,
                 amounts, when);
  else
    g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET,
                 _ ("The monthly budget of %s is used up: %s spent. It resets at %s."), who,
                 amounts, when);
}

/**
 * adiuva_budgets_check:
 * @name: (nullable): the provider or caller; ignored for %ADIUVA_BUDGET_GLOBAL
 *
 * Checks the monthly then the daily budget of @scope and @name. A budget is used up when
 * what was spent reached its limit; calls running when it did may take it past.
 *
 * Returns: %TRUE when neither is used up, or %FALSE with %ADIUVA_GATEWAY_ERROR_BUDGET naming
 *   the budget, what was spent, the limit and when it resets
 */
gboolean
adiuva_budgets_check (AdiuvaBudgets    *self,
                      AdiuvaBudgetScope scope,
                      const char       *name,
                      GError          **error)
{
  static const AdiuvaBudgetPeriod order[] = { ADIUVA_BUDGET_MONTH, ADIUVA_BUDGET_DAY };
  g_autofree char                *key = NULL;
  Spent                          *spent = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (scope == ADIUVA_BUDGET_GLOBAL || name != NULL, FALSE);

  key = scope_key (scope, name);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      AdiuvaBudgetPeriod period = order[i];
      Budget            *budget = g_hash_table_lookup (self->budgets[period], key);
      g_autofree char   *amounts = NULL;

      if (budget == NULL)
        continue;
      if (spent == NULL)
        spent = lookup_spent (self, key, now_unix (self));

      if (budget->max_tokens >= 0 && spent->tokens[period] >= budget->max_tokens)
        {
          g_autofree char *used = g_strdup_printf ("%" G_GINT64_FORMAT, spent->tokens[period]);
          g_autofree char *limit = g_strdup_printf ("%" G_GINT64_FORMAT, budget->max_tokens);

          amounts = g_strdup_printf (_ ("%s of %s tokens"), used, limit);
        }
      else if (budget->max_cost >= 0 && spent->cost[period] >= budget->max_cost)
        {
          g_autofree char *used = format_usd (spent->cost[period]);
          g_autofree char *limit = format_usd (budget->max_cost);

          amounts = g_strdup_printf (_ ("%s of %s USD"), used, limit);
        }

      if (amounts != NULL)
        {
          set_used_up_error (self, scope, name, period, amounts, error);
          return FALSE;
        }
    }

  return TRUE;
}
