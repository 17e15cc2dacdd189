/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "bench-workload.h"

/* The peer of bench-store: the same raw-SQL workload on the system libsqlite3, without
 * encryption. A separate program because libsqlcipher and libsqlite3 export the same symbols
 * and one process can hold only one of them. bench-store runs it and reads the key=value lines
 * it prints on stdout. */

static gboolean
check_plain_sqlite (GError **error)
{
  sqlite3         *db = NULL;
  g_autofree char *cipher = NULL;

  if (sqlite3_open (":memory:", &db) == SQLITE_OK)
    cipher = bench_query_text (db, "PRAGMA cipher_version");
  sqlite3_close (db);

  if (cipher != NULL)
    {
      g_set_error (error, BENCH_ERROR, 0,
                   "bench-sqlite-peer resolved SQLCipher %s instead of the system SQLite", cipher);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_file_is_plain (const char *path,
                     GError    **error)
{
  static const char header[16] = "SQLite format 3";
  g_autofree char  *contents = NULL;
  gsize             len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;

  if (len < sizeof header || memcmp (contents, header, sizeof header) != 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "%s is not a plain SQLite file", path);
      return FALSE;
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BenchData) data = NULL;
  g_autoptr (GHashTable) results = NULL;
  g_autofree char   *dir = NULL;
  g_autofree char   *migrations = NULL;
  g_autofree char   *tasks_db = NULL;
  g_autofree char   *own_dir = NULL;
  BenchOpener       *opener;
  BenchScale         scale;
  int                n_tasks = -1, n_notes = -1, n_queries = -1, n_opens = -1, n_pages = -1, n_passes = -1;
  gboolean           ok;
  const GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder for the databases", "DIR" },
    { "migrations", 0, 0, G_OPTION_ARG_FILENAME, &migrations, "Folder of the schema", "DIR" },
    { "tasks", 0, 0, G_OPTION_ARG_INT, &n_tasks, "Tasks to insert", "N" },
    { "notes", 0, 0, G_OPTION_ARG_INT, &n_notes, "Notes to insert", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT, &n_queries, "Search queries", "N" },
    { "opens", 0, 0, G_OPTION_ARG_INT, &n_opens, "Repeats of open", "N" },
    { "pages", 0, 0, G_OPTION_ARG_INT, &n_pages, "Repeats of the first page", "N" },
    { "passes", 0, 0, G_OPTION_ARG_INT, &n_passes, "Measured passes over the queries", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- plain SQLite peer of bench-store");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  bench_scale_init (&scale, bench_is_short_mode ());
#define OVERRIDE(field, value) \
  if ((value) > 0)             \
  scale.field = (value)
  OVERRIDE (n_tasks, n_tasks);
  OVERRIDE (n_notes, n_notes);
  OVERRIDE (n_queries, n_queries);
  OVERRIDE (n_opens, n_opens);
  OVERRIDE (n_pages, n_pages);
  OVERRIDE (n_passes, n_passes);
#undef OVERRIDE

  if (migrations == NULL)
    migrations = g_strdup (BENCH_MIGRATIONS_DIR);
  if (dir == NULL)
    {
      /* Run by hand: a folder of its own, removed at the end */
      own_dir = g_dir_make_tmp ("adiuva-bench-peer-XXXXXX", &error);
      if (own_dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      dir = g_strdup (own_dir);
    }

  if (!check_plain_sqlite (&error))
    {
      g_printerr ("bench-sqlite-peer: %s\n", error->message);
      return 1;
    }

  data = bench_data_new (&scale);
  results = bench_results_new ();
  bench_results_set (results, "engine", "plain SQLite");

  opener = bench_sql_opener_new (dir, NULL, migrations);
  ok = bench_run_sql (opener, data, &scale, results, &error);
  bench_sql_opener_free (opener);

  tasks_db = g_build_filename (dir, "tasks.db", NULL);
  if (ok)
    ok = check_file_is_plain (tasks_db, &error);
  if (own_dir != NULL)
    bench_remove_tree (own_dir);

  if (!ok)
    {
      g_printerr ("bench-sqlite-peer: %s\n", error->message);
      return 1;
    }

  bench_results_print (results, stdout);
  return 0;
}
