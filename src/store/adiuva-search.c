/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-search"

#include "config.h"

#include <math.h>
#include <string.h>

#include "adiuva-search-private.h"
#include "adiuva-store-private.h"

/* docid = id * 4 + kind, see migrations/0001-core.sql; the properties hold what is indexed. */
static const struct
{
  AdiuvaEntity entity;
  const char  *title;
  const char  *body;
} kinds[4] = {
  { ADIUVA_ENTITY_TASK, "title", "notes" },
  { ADIUVA_ENTITY_NOTE, "title", "body" },
  { ADIUVA_ENTITY_CHECKPOINT, "title", "notes" },
  { ADIUVA_ENTITY_PROJECT, "name", "description" },
};

/* BM25 weights per column of search_index: a word in a title says more than one in a body. */
static const double column_weights[] = { 2.0, 1.0 };
#define BM25_K1 1.2
#define BM25_B 0.75

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaSearchResult, adiuva_search_result,
                     adiuva_search_result_copy, adiuva_search_result_free)
/* clang-format on */

AdiuvaSearchResult *
adiuva_search_result_copy (const AdiuvaSearchResult *self)
{
  AdiuvaSearchResult *copy = g_memdup2 (self, sizeof *self);

  copy->title = g_strdup (self->title);
  copy->snippet = g_strdup (self->snippet);

  return copy;
}

void
adiuva_search_result_free (AdiuvaSearchResult *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self->snippet);
  g_free (self);
}

/* adiuva_rank(matchinfo(search_index, 'pcnalx')): Okapi BM25 computed from FTS4's statistics,
 * as FTS4 has no ranking of its own. */
static void
rank_func (sqlite3_context *ctx,
           int              argc,
           sqlite3_value  **argv)
{
  const guint32 *info;
  guint32        n_phrases, n_columns, n_docs;
  const guint32 *avg_len, *row_len, *hits;
  double         score = 0;
  int            bytes;

  if (argc != 1 || sqlite3_value_type (argv[0]) != SQLITE_BLOB)
    {
      sqlite3_result_error (ctx, "adiuva_rank expects matchinfo(…, 'pcnalx')", -1);
      return;
    }

  info = sqlite3_value_blob (argv[0]);
  bytes = sqlite3_value_bytes (argv[0]);
  if (bytes < 3 * (int) sizeof (guint32))
    goto invalid;

  n_phrases = info[0];
  n_columns = info[1];
  n_docs = info[2];
  if ((gsize) bytes != sizeof (guint32) * (3 + 2 * n_columns + 3 * n_phrases * n_columns))
    goto invalid;

  avg_len = info + 3;
  row_len = avg_len + n_columns;
  hits = row_len + n_columns;

  for (guint32 p = 0; p < n_phrases; p++)
    for (guint32 c = 0; c < n_columns; c++)
      {
        const guint32 *h = hits + 3 * (p * n_columns + c);
        double         tf = h[0];
        double         df = h[2];
        double         idf, norm, weight;

        if (tf == 0)
          continue;

        idf = log ((n_docs - df + 0.5) / (df + 0.5));
        if (idf < 1e-6)
          idf = 1e-6;
        norm = 1 - BM25_B + BM25_B * (avg_len[c] > 0 ? (double) row_len[c] / avg_len[c] : 1);
        weight = c < G_N_ELEMENTS (column_weights) ? column_weights[c] : 1.0;
        score += weight * idf * (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * norm);
      }

  sqlite3_result_double (ctx, score);
  return;

invalid:
  sqlite3_result_error (ctx, "adiuva_rank: matchinfo blob of the wrong shape", -1);
}

/**
 * _adiuva_search_index_new_record:
 *
 * Adds a record just inserted to the search index, inside the caller's transaction. Inserts
 * are indexed here rather than by a trigger: a trigger makes SQLite keep a statement journal,
 * and SQLCipher 3 encrypts every page of it, which tripled the cost of a bulk insert.
 * Updates and deletes, one at a time, keep their triggers.
 */
gboolean
_adiuva_search_index_new_record (AdiuvaStore  *self,
                                 AdiuvaRecord *record,
                                 GError      **error)
{
  AdiuvaEntity     entity = ADIUVA_RECORD_GET_CLASS (record)->entity;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  sqlite3_stmt    *stmt;

  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    {
      if (kinds[kind].entity != entity)
        continue;

      g_object_get (record, kinds[kind].title, &title, kinds[kind].body, &body, NULL);
      stmt = _adiuva_store_prepare (self,
                                    "INSERT INTO search_index (docid, title, body) "
                                    "VALUES (?, ?, ?)",
                                    error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, adiuva_record_get_id (record) * 4 + kind);
      sqlite3_bind_text (stmt, 2, title, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, body, -1, SQLITE_TRANSIENT);
      return _adiuva_store_step_done (self, stmt, error);
    }

  return TRUE;
}

void
_adiuva_search_register (sqlite3 *db)
{
  sqlite3_create_function (db, "adiuva_rank", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           rank_func, NULL, NULL);
}

/**
 * _adiuva_search_match_expression:
 *
 * Turns what a person typed into an FTS4 query: every word must appear, the last one may be
 * a prefix (search as you type), and nothing typed is read as FTS syntax.
 *
 * Returns: (nullable): the expression, or %NULL when @text has no words
 */
char *
_adiuva_search_match_expression (const char *text)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) word = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString         *expression;

  for (const char *p = valid;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && (g_unichar_isalnum (c) || g_unichar_ismark (c)))
        {
          g_string_append_unichar (word, c);
          continue;
        }

      if (word->len > 0)
        {
          g_ptr_array_add (words, g_strdup (word->str));
          g_string_truncate (word, 0);
        }

      if (c == 0)
        break;
    }

  if (words->len == 0)
    return NULL;

  /* Only the last word is a prefix: earlier ones were finished by the person typing. */
  expression = g_string_new (NULL);
  for (guint i = 0; i < words->len; i++)
    g_string_append_printf (expression, "%s\"%s%s\"", i > 0 ? " " : "",
                            (const char *) g_ptr_array_index (words, i),
                            i + 1 == words->len ? "*" : "");

  return g_string_free (expression, FALSE);
}

/**
 * adiuva_store_search:
 * @limit: at most this many results, 0 for the default of 50
 *
 * Searches tasks, notes, checkpoints and projects, best match first.
 *
 * Returns: (transfer full) (element-type AdiuvaSearchResult): the results
 */
GPtrArray *
adiuva_store_search (AdiuvaStore *self,
                     const char  *query,
                     guint        limit,
                     GError     **error)
{
  g_autoptr (GPtrArray) results =
      g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_search_result_free);
  g_autofree char *match = NULL;
  sqlite3_stmt    *stmt;
  int              rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  match = _adiuva_search_match_expression (query);
  if (match == NULL)
    return g_steal_pointer (&results);

  /* Ranked in a subquery so that only the best rows are read whole for their title and
   * snippet: every row read is a page decrypted. */
  stmt = _adiuva_store_prepare (self,
                                "SELECT search_index.docid, title, "
                                "snippet (search_index, '" ADIUVA_SEARCH_MATCH_START "', '"
                                /* clang-format off */
                                ADIUVA_SEARCH_MATCH_END "', '…', -1, 12), best.score "
                                /* clang-format on */
                                "FROM search_index JOIN ("
                                "  SELECT docid AS best_docid, "
                                "    adiuva_rank (matchinfo (search_index, 'pcnalx')) AS score "
                                "  FROM search_index WHERE search_index MATCH ?1 "
                                "  ORDER BY score DESC LIMIT ?2) AS best "
                                "ON search_index.docid = best.best_docid "
                                "WHERE search_index MATCH ?1 ORDER BY best.score DESC",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, limit > 0 ? limit : 50);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AdiuvaSearchResult *result = g_new0 (AdiuvaSearchResult, 1);
      gint64              docid = sqlite3_column_int64 (stmt, 0);

      result->entity = kinds[docid % 4].entity;
      result->id = docid / 4;
      result->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      result->snippet = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      result->score = sqlite3_column_double (stmt, 3);
      g_ptr_array_add (results, result);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&results);
}
