/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The raw-SQL workload shared by bench-store (linked to SQLCipher) and bench-sqlite-peer
 * (linked to the system libsqlite3). This file is compiled once into each program, so the same
 * code measures both libraries: nothing here may name the store, only sqlite3.h and GLib. */

#include <glib.h>
#include <stdio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define BENCH_FIRST_PAGE 50
#define BENCH_SEARCH_LIMIT 50

#define BENCH_ERROR (bench_error_quark ())
GQuark bench_error_quark (void);

typedef struct
{
  guint n_tasks;
  guint n_notes;
  guint n_queries;
  guint n_opens;  /* repeats of open + unlock */
  guint n_pages;  /* repeats of the first page, cold and warm */
  guint n_passes; /* measured passes over the queries, after one warm-up pass */
} BenchScale;

void     bench_scale_init (BenchScale *scale,
                           gboolean    short_mode);
gboolean bench_is_short_mode (void);

/* Deterministic data: the same seed gives the same rows in both programs. */
typedef struct
{
  char       *title;
  char       *notes;   /* nullable */
  guint       project; /* 1-based index into projects, 0 for none */
  guint       parent;  /* 1-based index of an earlier task, 0 for none */
  const char *status;
  int         priority;
  char       *due; /* nullable */
  gint64      completed_at;
  const char *tags[3]; /* NULL-terminated */
} BenchTask;

typedef struct
{
  char    *title;
  char    *body;
  guint    project; /* 1-based index into projects, 0 for none */
  gboolean pinned;
} BenchNote;

typedef struct
{
  GPtrArray *projects; /* of char * */
  BenchTask *tasks;
  guint      n_tasks;
  BenchNote *notes;
  guint      n_notes;
  GPtrArray *queries; /* of char *, as a person types them */
  char      *checksum;
} BenchData;

BenchData *bench_data_new (const BenchScale *scale);
void       bench_data_free (BenchData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchData, bench_data_free)

void bench_remove_tree (const char *path);

/* Time and statistics */
double bench_now_ms (void);
double bench_percentile (GArray *samples_ms,
                         double  percentile);

/* Results: key=value pairs, printed by the peer and read back by bench-store. */
typedef GHashTable BenchResults;
BenchResults      *bench_results_new (void);
void               bench_results_set (BenchResults *results,
                                      const char   *key,
                                      const char   *format,
                                      ...) G_GNUC_PRINTF (3, 4);
const char        *bench_results_get (BenchResults *results,
                                      const char   *key);
double             bench_results_get_double (BenchResults *results,
                                             const char   *key);
void               bench_results_print (BenchResults *results,
                                        FILE         *out);
BenchResults      *bench_results_parse (const char *text);

/* How a run reaches its databases: the SQL opener below, or the store in bench-store. */
typedef struct _BenchOpener BenchOpener;
struct _BenchOpener
{
  /* Opens @name ("tasks", "notes") in the opener's folder; with @create, a new database
   * with the schema applied. */
  sqlite3 *(*open) (BenchOpener *self,
                    const char  *name,
                    gboolean     create,
                    GError     **error);
  void (*close) (BenchOpener *self,
                 sqlite3     *db);
};

/* Opens databases the way the store does (key, first read, WAL, synchronous=FULL, foreign
 * keys, in-memory temp store) and creates them from the migration files in @migrations_dir. */
BenchOpener *bench_sql_opener_new (const char *dir,
                                   const char *key_sql,
                                   const char *migrations_dir);
void         bench_sql_opener_free (BenchOpener *opener);

/* The workload, step by step, on an open connection */
void     bench_register_functions (sqlite3 *db);
gboolean bench_exec (sqlite3    *db,
                     const char *sql,
                     GError    **error);
gboolean bench_insert_projects (sqlite3   *db,
                                BenchData *data,
                                GError   **error);
gboolean bench_insert_tasks (sqlite3   *db,
                             BenchData *data,
                             double    *ms,
                             GError   **error);
gboolean bench_insert_notes (sqlite3   *db,
                             BenchData *data,
                             double    *ms,
                             GError   **error);
gboolean bench_first_page (sqlite3       *db,
                           sqlite3_stmt **cache,
                           guint32       *checksum,
                           GError       **error);
gboolean bench_count_tasks (sqlite3 *db,
                            guint   *n_items,
                            GError **error);
char    *bench_match_expression (const char *query);
gboolean bench_search (sqlite3       *db,
                       sqlite3_stmt **cache,
                       const char    *query,
                       guint         *n_results,
                       GError       **error);
void     bench_finalize_cache (sqlite3_stmt **cache,
                               guint          n);
gint64   bench_query_int (sqlite3    *db,
                          const char *sql);
char    *bench_query_text (sqlite3    *db,
                           const char *sql);
guint32  bench_checksum_add (guint32     checksum,
                             const char *text);

/* The whole raw-SQL run: insert, open, first page (cold and warm), notes and search. */
gboolean bench_run_sql (BenchOpener      *opener,
                        BenchData        *data,
                        const BenchScale *scale,
                        BenchResults     *results,
                        GError          **error);

G_END_DECLS
