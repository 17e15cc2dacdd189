/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-store-private.h"

G_DEFINE_BOXED_TYPE (AdiuvaLlmUsage, adiuva_llm_usage, adiuva_llm_usage_copy, adiuva_llm_usage_free)

AdiuvaLlmUsage *
adiuva_llm_usage_copy (const AdiuvaLlmUsage *self)
{
  AdiuvaLlmUsage *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->provider = g_strdup (self->provider);
  copy->model = g_strdup (self->model);

  return copy;
}

void
adiuva_llm_usage_free (AdiuvaLlmUsage *self)
{
  if (self == NULL)
    return;

  g_free (self->provider);
  g_free (self->model);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (AdiuvaLlmSpending, adiuva_llm_spending, adiuva_llm_spending_copy, adiuva_llm_spending_free)

AdiuvaLlmSpending *
adiuva_llm_spending_copy (const AdiuvaLlmSpending *self)
{
  AdiuvaLlmSpending *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->caller = g_strdup (self->caller);
  copy->provider = g_strdup (self->provider);

  return copy;
}

void
adiuva_llm_spending_free (AdiuvaLlmSpending *self)
{
  if (self == NULL)
    return;

  g_free (self->caller);
  g_free (self->provider);
  g_free (self);
}

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaLlmCall, adiuva_llm_call, adiuva_llm_call_copy,
                     adiuva_llm_call_free)
/* clang-format on */

AdiuvaLlmCall *
adiuva_llm_call_copy (const AdiuvaLlmCall *self)
{
  AdiuvaLlmCall *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->caller = g_strdup (self->caller);
  copy->provider = g_strdup (self->provider);
  copy->model = g_strdup (self->model);
  copy->outcome = g_strdup (self->outcome);

  return copy;
}

void
adiuva_llm_call_free (AdiuvaLlmCall *self)
{
  if (self == NULL)
    return;

  g_free (self->caller);
  g_free (self->provider);
  g_free (self->model);
  g_free (self->outcome);
  g_free (self);
}

/* NULL, a number nobody knows, is -1. */
static gint64
column_int64_or_unknown (sqlite3_stmt *stmt,
                         int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? -1
                                                           : sqlite3_column_int64 (stmt, column);
}

/**
 * adiuva_store_add_llm_call:
 * @caller: who asked (`cli`, `assistant`, `plugin:NAME`)
 * @tokens_in: input tokens, or -1 when the provider did not say (stored as unknown)
 * @tokens_out: output tokens, or -1 when the provider did not say (stored as unknown)
 * @latency_ms: from the start to the end, or -1 when unknown
 * @ttft_ms: to the first token, or -1 when none came
 * @outcome: `ok`, `cancelled` or `error:NICK`
 *
 * Adds one attempt to the LLM call log. The store knows nothing of the gateway: callers copy
 * the numbers of its call metrics.
 */
gboolean
adiuva_store_add_llm_call (AdiuvaStore *self,
                           const char  *caller,
                           const char  *provider,
                           const char  *model,
                           gint64       tokens_in,
                           gint64       tokens_out,
                           double       cost,
                           gint64       latency_ms,
                           gint64       ttft_ms,
                           const char  *outcome,
                           guint        fallback_hops,
                           GError     **error)
{
  return adiuva_store_add_llm_call_full (self, caller, provider, model, tokens_in, tokens_out,
                                         cost, latency_ms, ttft_ms, outcome, fallback_hops, NULL,
                                         error);
}

/**
 * adiuva_store_add_llm_call_full:
 * @out_id: (out) (optional): the id of the new row, for AdiuvaMessage:llm-call-id
 *
 * Like adiuva_store_add_llm_call(), and says which row it added, so that the answer it wrote
 * can point to it.
 */
gboolean
adiuva_store_add_llm_call_full (AdiuvaStore *self,
                                const char  *caller,
                                const char  *provider,
                                const char  *model,
                                gint64       tokens_in,
                                gint64       tokens_out,
                                double       cost,
                                gint64       latency_ms,
                                gint64       ttft_ms,
                                const char  *outcome,
                                guint        fallback_hops,
                                gint64      *out_id,
                                GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (caller != NULL, FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  stmt = _adiuva_store_prepare (self,
                                "INSERT INTO llm_calls (caller, provider, model, tokens_in, "
                                "tokens_out, cost, latency_ms, ttft_ms, outcome, fallback_hops, "
                                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, caller, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, provider, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, model, -1, SQLITE_TRANSIENT);
  if (tokens_in >= 0)
    sqlite3_bind_int64 (stmt, 4, tokens_in);
  if (tokens_out >= 0)
    sqlite3_bind_int64 (stmt, 5, tokens_out);
  sqlite3_bind_double (stmt, 6, cost);
  if (latency_ms >= 0)
    sqlite3_bind_int64 (stmt, 7, latency_ms);
  if (ttft_ms >= 0)
    sqlite3_bind_int64 (stmt, 8, ttft_ms);
  sqlite3_bind_text (stmt, 9, outcome, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 10, fallback_hops);
  sqlite3_bind_int64 (stmt, 11, g_get_real_time () / G_USEC_PER_SEC);

  if (!_adiuva_store_step_done (self, stmt, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_adiuva_store_get_db (self));
  return TRUE;
}

/**
 * adiuva_store_get_llm_call:
 * @id: a row of the call log, as #AdiuvaMessage:llm-call-id names it
 *
 * Returns: (transfer full): the row, or %NULL with @error set (%ADIUVA_STORE_ERROR_NOT_FOUND
 *   when there is no such row)
 */
AdiuvaLlmCall *
adiuva_store_get_llm_call (AdiuvaStore *self,
                           gint64       id,
                           GError     **error)
{
  g_autoptr (AdiuvaLlmCall) call = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  stmt = _adiuva_store_prepare (self,
                                "SELECT caller, provider, model, tokens_in, tokens_out, cost, "
                                "latency_ms, ttft_ms, outcome, fallback_hops, created_at "
                                "FROM llm_calls WHERE id = ?",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      call = g_new0 (AdiuvaLlmCall, 1);
      call->id = id;
      call->caller = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      call->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      call->model = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      call->tokens_in = column_int64_or_unknown (stmt, 3);
      call->tokens_out = column_int64_or_unknown (stmt, 4);
      call->cost = sqlite3_column_double (stmt, 5);
      call->latency_ms = column_int64_or_unknown (stmt, 6);
      call->ttft_ms = column_int64_or_unknown (stmt, 7);
      call->outcome = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      call->fallback_hops = sqlite3_column_int (stmt, 9);
      call->created_at = sqlite3_column_int64 (stmt, 10);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }
  if (call == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("Call %s is not in the log of language model calls."), number);
      return NULL;
    }
  return g_steal_pointer (&call);
}

/**
 * adiuva_store_get_llm_usage:
 * @since_unix: count the calls made at or after this time (seconds); 0 for all
 *
 * Totals of the LLM call log per provider and model, ordered by provider then model.
 *
 * Returns: (transfer container) (element-type AdiuvaLlmUsage): the totals, or %NULL on error
 */
GPtrArray *
adiuva_store_get_llm_usage (AdiuvaStore *self,
                            gint64       since_unix,
                            GError     **error)
{
  g_autoptr (GPtrArray) totals = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  stmt = _adiuva_store_prepare (self,
                                "SELECT provider, model, count(*), sum(tokens_in), "
                                "sum(tokens_out), sum(cost), sum(outcome = 'ok') "
                                "FROM llm_calls WHERE created_at >= ? "
                                "GROUP BY provider, model ORDER BY provider, model",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, since_unix);
  totals = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_llm_usage_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AdiuvaLlmUsage *usage = g_new0 (AdiuvaLlmUsage, 1);

      usage->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      usage->model = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      usage->calls = sqlite3_column_int64 (stmt, 2);
      usage->tokens_in = column_int64_or_unknown (stmt, 3);
      usage->tokens_out = column_int64_or_unknown (stmt, 4);
      usage->cost = sqlite3_column_double (stmt, 5);
      usage->failed_calls = usage->calls - sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (totals, usage);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&totals);
}

/**
 * adiuva_store_get_llm_spending:
 * @since_unix: count the calls made at or after this time (seconds)
 * @until_unix: and before this one
 *
 * What the LLM call log holds as spent between two times, per caller and provider, ordered
 * by caller then provider: what a front end gives the gateway's budgets when it starts.
 *
 * Returns: (transfer container) (element-type AdiuvaLlmSpending): the sums, or %NULL on error
 */
GPtrArray *
adiuva_store_get_llm_spending (AdiuvaStore *self,
                               gint64       since_unix,
                               gint64       until_unix,
                               GError     **error)
{
  g_autoptr (GPtrArray) sums = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  stmt = _adiuva_store_prepare (self,
                                "SELECT caller, provider, "
                                "ifnull(sum(tokens_in), 0) + ifnull(sum(tokens_out), 0), "
                                "sum(cost) FROM llm_calls "
                                "WHERE created_at >= ? AND created_at < ? "
                                "GROUP BY caller, provider ORDER BY caller, provider",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, since_unix);
  sqlite3_bind_int64 (stmt, 2, until_unix);
  sums = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_llm_spending_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AdiuvaLlmSpending *spending = g_new0 (AdiuvaLlmSpending, 1);

      spending->caller = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      spending->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      spending->tokens = sqlite3_column_int64 (stmt, 2);
      spending->cost = sqlite3_column_double (stmt, 3);
      g_ptr_array_add (sums, spending);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&sums);
}
