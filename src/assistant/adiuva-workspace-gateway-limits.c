/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-workspace-gateway-private.h"

static const char *const scope_nicks[] = { "global", "provider", "caller" };
static const char *const period_nicks[] = { "day", "month" };

/* Budgets */

static JsonArray *
load_budgets (AdiuvaStore *store,
              GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return _adiuva_workspace_gateway_load_array (store, ADIUVA_BUDGETS_SETTING, _ ("budgets"), error);
}

static int
find_nick (const char *const *nicks,
           guint              n,
           const char        *nick)
{
  for (guint i = 0; nick != NULL && i < n; i++)
    if (g_str_equal (nicks[i], nick))
      return i;
  return -1;
}

/* One entry of gateway.budgets; @budget borrows its name from @node. */
static gboolean
read_budget (JsonNode              *node,
             AdiuvaWorkspaceBudget *budget,
             GError               **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  int         scope = -1;
  int         period = -1;
  const char *name = NULL;

  if (o != NULL)
    {
      scope = find_nick (scope_nicks, G_N_ELEMENTS (scope_nicks),
                         json_object_get_string_member_with_default (o, "scope", NULL));
      period = find_nick (period_nicks, G_N_ELEMENTS (period_nicks),
                          json_object_get_string_member_with_default (o, "period", NULL));
      name = json_object_get_string_member_with_default (o, "name", NULL);
    }
  if (scope < 0 || period < 0 || (scope != ADIUVA_BUDGET_GLOBAL && name == NULL))
    {
      /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
      _adiuva_workspace_gateway_set_damaged (error, _ ("budgets"));
      return FALSE;
    }

  budget->scope = scope;
  budget->name = scope == ADIUVA_BUDGET_GLOBAL ? NULL : (char *) name;
  budget->period = period;
  budget->max_tokens = json_object_get_int_member_with_default (o, "tokens", -1);
  budget->max_cost = json_object_get_double_member_with_default (o, "cost", -1);
  return TRUE;
}

static int
find_budget (JsonArray         *list,
             AdiuvaBudgetScope  scope,
             const char        *name,
             AdiuvaBudgetPeriod period)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      AdiuvaWorkspaceBudget b;

      if (read_budget (json_array_get_element (list, i), &b, NULL) && b.scope == scope &&
          b.period == period && g_strcmp0 (b.name, name) == 0)
        return i;
    }
  return -1;
}

/**
 * adiuva_workspace_gateway_list_budgets:
 *
 * Returns: (transfer container) (element-type AdiuvaWorkspaceBudget): the budgets in the order
 *   they were set, or %NULL with @error set
 */
GPtrArray *
adiuva_workspace_gateway_list_budgets (AdiuvaWorkspaceGateway *self,
                                       GError                **error)
{
  g_autoptr (JsonArray) list = NULL;
  g_autoptr (GPtrArray) budgets = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if ((list = load_budgets (self->store, error)) == NULL)
    return NULL;
  budgets = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_workspace_budget_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      AdiuvaWorkspaceBudget b;

      if (!read_budget (json_array_get_element (list, i), &b, error))
        return NULL;
      g_ptr_array_add (budgets, adiuva_workspace_budget_copy (&b));
    }
  return g_steal_pointer (&budgets);
}

/* Adds what the call log holds between two times to @budgets, as spent at @since. */
static gboolean
seed_spending (AdiuvaBudgets *budgets,
               AdiuvaStore   *store,
               gint64         since,
               gint64         until,
               GError       **error)
{
  g_autoptr (GPtrArray) sums = NULL;

  if (since >= until)
    return TRUE;
  if ((sums = adiuva_store_get_llm_spending (store, since, until, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < sums->len; i++)
    {
      AdiuvaLlmSpending *s = g_ptr_array_index (sums, i);

      adiuva_budgets_add_spent (budgets, s->caller, s->provider, s->tokens, s->cost, since);
    }
  return TRUE;
}

/* Gives @budgets the workspace's budgets and what the call log holds as spent this month (and
 * today), so that a budget holds across runs and restarts. */
gboolean
_adiuva_workspace_gateway_load_budgets_into (AdiuvaWorkspaceGateway *self,
                                             AdiuvaBudgets          *budgets,
                                             GError                **error)
{
  g_autoptr (GPtrArray) list = adiuva_workspace_gateway_list_budgets (self, error);
  g_autoptr (GDateTime) day_end = NULL;
  g_autoptr (GDateTime) month_end = NULL;
  g_autoptr (GDateTime) day_start = NULL;
  g_autoptr (GDateTime) month_start = NULL;

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      AdiuvaWorkspaceBudget *b = g_ptr_array_index (list, i);

      adiuva_budgets_set (budgets, b->scope, b->name, b->period, b->max_tokens, b->max_cost);
    }

  /* Without a budget, what was spent does not matter: the call log is not read. */
  if (list->len == 0)
    return TRUE;

  /* Calls still on their way to the log count too. */
  _adiuva_call_log_flush (self->call_log);
  day_end = adiuva_budgets_dup_reset_time (budgets, ADIUVA_BUDGET_DAY);
  month_end = adiuva_budgets_dup_reset_time (budgets, ADIUVA_BUDGET_MONTH);
  day_start = g_date_time_add_days (day_end, -1);
  month_start = g_date_time_add_months (month_end, -1);
  /* Earlier this month counts for the month only; today for both. */
  return seed_spending (budgets, self->store, g_date_time_to_unix (month_start),
                        g_date_time_to_unix (day_start), error) &&
         seed_spending (budgets, self->store, g_date_time_to_unix (day_start),
                        g_date_time_to_unix (day_end), error);
}

/**
 * adiuva_workspace_gateway_dup_budgets:
 *
 * Returns: (transfer full): the workspace's budgets with what the call log holds as spent in
 *   their current day or month, or %NULL with @error set
 */
AdiuvaBudgets *
adiuva_workspace_gateway_dup_budgets (AdiuvaWorkspaceGateway *self,
                                      GError                **error)
{
  g_autoptr (AdiuvaBudgets) budgets = adiuva_budgets_new ();

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if (!_adiuva_workspace_gateway_load_budgets_into (self, budgets, error))
    return NULL;
  return g_steal_pointer (&budgets);
}

/**
 * adiuva_workspace_gateway_set_budget:
 *
 * Sets @budget, replacing the budget of the same scope, name and period.
 */
gboolean
adiuva_workspace_gateway_set_budget (AdiuvaWorkspaceGateway      *self,
                                     const AdiuvaWorkspaceBudget *budget,
                                     GError                     **error)
{
  g_autoptr (JsonArray) list = NULL;
  const char *name;
  JsonObject *o;
  int         found;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (budget != NULL, FALSE);
  g_return_val_if_fail (budget->scope <= ADIUVA_BUDGET_CALLER, FALSE);
  g_return_val_if_fail (budget->period <= ADIUVA_BUDGET_MONTH, FALSE);

  name = budget->scope == ADIUVA_BUDGET_GLOBAL ? NULL : budget->name;
  if (budget->scope != ADIUVA_BUDGET_GLOBAL && (name == NULL || name[0] == '\0'))
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("The provider or caller of a budget cannot be empty."));
      return FALSE;
    }
  if (budget->max_tokens < -1 || (budget->max_tokens < 0 && !(budget->max_cost >= 0)))
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("A budget limits tokens (0 or more), dollars, or both."));
      return FALSE;
    }
  if ((list = load_budgets (self->store, error)) == NULL)
    return FALSE;

  o = json_object_new ();
  json_object_set_string_member (o, "scope", scope_nicks[budget->scope]);
  if (name != NULL)
    json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "period", period_nicks[budget->period]);
  if (budget->max_tokens >= 0)
    json_object_set_int_member (o, "tokens", budget->max_tokens);
  if (budget->max_cost >= 0)
    json_object_set_double_member (o, "cost", budget->max_cost);

  found = find_budget (list, budget->scope, name, budget->period);
  if (found >= 0)
    json_array_remove_element (list, found);
  json_array_add_object_element (list, o);
  return _adiuva_workspace_gateway_save_array (self, ADIUVA_BUDGETS_SETTING, list, error);
}

/**
 * adiuva_workspace_gateway_remove_budget:
 * @name: (nullable): the provider or caller; ignored for %ADIUVA_BUDGET_GLOBAL
 */
gboolean
adiuva_workspace_gateway_remove_budget (AdiuvaWorkspaceGateway *self,
                                        AdiuvaBudgetScope       scope,
                                        const char             *name,
                                        AdiuvaBudgetPeriod      period,
                                        GError                **error)
{
  g_autoptr (JsonArray) list = NULL;
  int found;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);

  if ((list = load_budgets (self->store, error)) == NULL)
    return FALSE;
  found = find_budget (list, scope, scope == ADIUVA_BUDGET_GLOBAL ? NULL : name, period);
  if (found < 0)
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND,
                           _ ("There is no such budget."));
      return FALSE;
    }
  json_array_remove_element (list, found);
  return _adiuva_workspace_gateway_save_array (self, ADIUVA_BUDGETS_SETTING, list, error);
}

/* Rate limits */

static JsonObject *
load_limits (AdiuvaStore *store,
             GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return _adiuva_workspace_gateway_load_object (store, ADIUVA_LIMITS_SETTING, _ ("rate limits"),
                                                error);
}

/* "provider" or "provider/model": the first slash parts them, as in model references. */
static gboolean
split_target (const char *target,
              char      **provider,
              char      **model,
              GError    **error)
{
  const char *slash = strchr (target, '/');

  if (target[0] == '\0' || slash == target || (slash != NULL && slash[1] == '\0'))
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                   _ ("“%s” names no provider: give PROVIDER or PROVIDER/MODEL."), target);
      return FALSE;
    }
  *provider = slash != NULL ? g_strndup (target, slash - target) : g_strdup (target);
  *model = slash != NULL ? g_strdup (slash + 1) : NULL;
  return TRUE;
}

gboolean
_adiuva_workspace_gateway_load_limits_into (AdiuvaStore       *store,
                                            AdiuvaRateLimiter *limiter,
                                            GError           **error)
{
  g_autoptr (JsonObject) limits = load_limits (store, error);
  JsonObjectIter iter;
  const char    *target;
  JsonNode      *node;

  if (limits == NULL)
    return FALSE;
  json_object_iter_init (&iter, limits);
  while (json_object_iter_next (&iter, &target, &node))
    {
      g_autofree char *provider = NULL;
      g_autofree char *model = NULL;
      JsonObject      *o;
      gint64           rpm, tpm;

      if (!JSON_NODE_HOLDS_OBJECT (node) || !split_target (target, &provider, &model, NULL))
        {
          /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
          _adiuva_workspace_gateway_set_damaged (error, _ ("rate limits"));
          return FALSE;
        }
      o = json_node_get_object (node);
      rpm = json_object_get_int_member_with_default (o, "rpm", 0);
      tpm = json_object_get_int_member_with_default (o, "tpm", 0);
      adiuva_rate_limiter_set_limit (limiter, provider, model, CLAMP (rpm, 0, G_MAXUINT),
                                     CLAMP (tpm, 0, G_MAXUINT));
    }
  return TRUE;
}

/**
 * adiuva_workspace_gateway_list_limits:
 *
 * Returns: (transfer full): the targets with a rate limit, PROVIDER or PROVIDER/MODEL, sorted;
 *   %NULL with @error set
 */
GStrv
adiuva_workspace_gateway_list_limits (AdiuvaWorkspaceGateway *self,
                                      GError                **error)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autoptr (JsonObject) limits = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GList) targets = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  /* Loading them checks every entry. */
  if (!_adiuva_workspace_gateway_load_limits_into (self->store, limiter, error) ||
      (limits = load_limits (self->store, error)) == NULL)
    return NULL;
  targets = g_list_sort (json_object_get_members (limits), (GCompareFunc) g_strcmp0);
  for (GList *l = targets; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  return g_strv_builder_end (builder);
}

/**
 * adiuva_workspace_gateway_get_limit:
 * @rpm: (out): requests a minute, 0 for no limit
 * @tpm: (out): tokens a minute, 0 for no limit
 *
 * Returns: whether @target has a rate limit; %FALSE with @error set when the limits cannot
 *   be read
 */
gboolean
adiuva_workspace_gateway_get_limit (AdiuvaWorkspaceGateway *self,
                                    const char             *target,
                                    guint                  *rpm,
                                    guint                  *tpm,
                                    GError                **error)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL && rpm != NULL && tpm != NULL, FALSE);

  *rpm = *tpm = 0;
  return split_target (target, &provider, &model, error) &&
         _adiuva_workspace_gateway_load_limits_into (self->store, limiter, error) &&
         adiuva_rate_limiter_get_limit (limiter, provider, model, rpm, tpm);
}

/**
 * adiuva_workspace_gateway_set_limit:
 * @target: PROVIDER or PROVIDER/MODEL
 * @rpm: requests a minute, 0 for no limit
 * @tpm: tokens a minute, 0 for no limit
 *
 * Sets the rate limit of @target, replacing its old one; one of @rpm and @tpm is above 0.
 */
gboolean
adiuva_workspace_gateway_set_limit (AdiuvaWorkspaceGateway *self,
                                    const char             *target,
                                    guint                   rpm,
                                    guint                   tpm,
                                    GError                **error)
{
  g_autoptr (JsonObject) limits = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;
  JsonObject      *o;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if (!split_target (target, &provider, &model, error))
    return FALSE;
  if (rpm == 0 && tpm == 0)
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("A rate limit allows some requests or tokens a minute."));
      return FALSE;
    }
  if ((limits = load_limits (self->store, error)) == NULL)
    return FALSE;

  o = json_object_new ();
  if (rpm > 0)
    json_object_set_int_member (o, "rpm", rpm);
  if (tpm > 0)
    json_object_set_int_member (o, "tpm", tpm);
  json_object_set_object_member (limits, target, o);
  return _adiuva_workspace_gateway_save_object (self, ADIUVA_LIMITS_SETTING, limits, error);
}

gboolean
adiuva_workspace_gateway_remove_limit (AdiuvaWorkspaceGateway *self,
                                       const char             *target,
                                       GError                **error)
{
  g_autoptr (JsonObject) limits = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if ((limits = load_limits (self->store, error)) == NULL)
    return FALSE;
  if (!json_object_has_member (limits, target))
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                   ADIUVA_WORKSPACE_GATEWAY_ERROR_LIMIT_NOT_FOUND, _ ("%s has no rate limit."),
                   target);
      return FALSE;
    }
  json_object_remove_member (limits, target);
  return _adiuva_workspace_gateway_save_object (self, ADIUVA_LIMITS_SETTING, limits, error);
}
