/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adiuva-key-file-private.h"
#include "adiuva-store.h"
#include "adiuva-store-private.h"
#include "bench-seed.h"
#include "bench-workload.h"

/* The store benchmark. Four runs of the same data (tests/bench/bench-workload.c):
 *
 *   api     the store API on SQLCipher: adiuva_store_open with the keyring, adiuva_store_add,
 *           AdiuvaTaskListModel, adiuva_store_search, adiuva_quick_add_parse
 *   sql     the raw-SQL workload on the store's own SQLCipher connections
 *   nokey   the raw-SQL workload on SQLCipher without a key (same engine, no encryption)
 *   plain   the raw-SQL workload in bench-sqlite-peer, on the system libsqlite3 — the peer
 *           the issue names, in its own process because the two libraries share symbols
 *
 * and one table of figures with their ratio against plain SQLite and the targets.
 * Run it under build-aux/test-env --keyring (see README.md); ADIUVA_BENCH_SHORT=1 scales it
 * down to prove that it works. */

#define PASSPHRASE "correct horse battery staple"

static const char *const quick_add_lines[] = {
  "Send invoice to ACME tomorrow 5pm p1 #Website @billing",
  "Buy milk",
  "Call mom today",
  "Review contract draft friday @legal",
  "Pay rent on the 1st of dec",
  "Dentist appointment next tuesday 9:30am",
  "Follow up with Jane in 3 days @email",
  "Prepare slides for the workshop dec 4 p2 #Training",
  "Renew passport 2026-12-01",
  "Standup monday 10am #Team",
  "Water plants every monday",
  "Book flights to Lisbon next month @travel",
  "Fix login bug in staging p1 #App @urgent",
  "Lunch with Marc on wed at noon",
  "Submit tax return 4/15 @finance",
  "Draft newsletter tonight",
  "Tea in 90 minutes",
  "Send \"Q4 report\" to board by friday 17:00",
  "Order new laptop charger",
  "Plan sprint next week #Roadmap",
  "Check in 1 month on the proposal",
  "Print flyers for the café opening sat @errand",
  "Email the accountant about Q3 expenses p3",
  "Archive old projects",
  "Write blog post about colour palettes #Blog @writing",
  "Pick up parcel from the post office tomorrow 11am",
  "Ship 12/01 catalogue proofs to printer",
  "Reply to Kraków conference organisers @email",
  "Meet in Paris",
  "Backup the server midnight",
};

typedef struct
{
  BenchOpener parent;
  char       *dir;
  GHashTable *stores;     /* sqlite3 * → AdiuvaStore * */
  GPtrArray  *workspaces; /* every workspace created, for the keyring clean-up */
} StoreOpener;

static GPtrArray *all_workspaces;

static sqlite3 *
store_opener_open (BenchOpener *opener,
                   const char  *name,
                   gboolean     create,
                   GError     **error)
{
  StoreOpener     *self = (StoreOpener *) opener;
  g_autofree char *path = g_build_filename (self->dir, name, NULL);
  AdiuvaStore     *store;
  sqlite3         *db;

  if (create)
    {
      store = adiuva_store_create (path, NULL, NULL, error);
      if (store != NULL)
        g_ptr_array_add (all_workspaces, g_strdup (path));
    }
  else
    store = adiuva_store_open (path, NULL, NULL, error);
  if (store == NULL)
    return NULL;

  db = _adiuva_store_get_db (store);
  bench_register_functions (db);
  g_hash_table_insert (self->stores, db, store);

  return db;
}

static void
store_opener_close (BenchOpener *opener,
                    sqlite3     *db)
{
  StoreOpener *self = (StoreOpener *) opener;

  g_hash_table_remove (self->stores, db);
}

static BenchOpener *
store_opener_new (const char *dir)
{
  StoreOpener *self = g_new0 (StoreOpener, 1);

  self->parent.open = store_opener_open;
  self->parent.close = store_opener_close;
  self->dir = g_strdup (dir);
  self->stores = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);

  return &self->parent;
}

static void
store_opener_free (BenchOpener *opener)
{
  StoreOpener *self = (StoreOpener *) opener;

  g_hash_table_unref (self->stores);
  g_free (self->dir);
  g_free (self);
}

/* The api run */

/* What the Tasks page does first: make the model, which reads its ids on the store's worker,
 * wait for the first part of them, fetch the visible rows. Then, not timed as the first
 * page, the rest of the list, for its length. */
static gboolean
api_first_page (AdiuvaStore *store,
                guint       *n_items,
                guint32     *checksum,
                double      *ms,
                double      *all_ms,
                GError     **error)
{
  double start = bench_now_ms ();
  g_autoptr (AdiuvaTaskListModel) model = adiuva_task_list_model_new_in_background (store, NULL);
  guint32 sum = 2166136261u;
  guint   n;

  while (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0 &&
         adiuva_task_list_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);

  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  for (guint i = 0; i < MIN (n, BENCH_FIRST_PAGE); i++)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (task == NULL)
        {
          g_set_error (error, BENCH_ERROR, 0, "The task list model has no row %u of %u", i, n);
          return FALSE;
        }
      sum = bench_checksum_add (sum, adiuva_task_get_title (task));
    }
  *ms = bench_now_ms () - start;

  while (adiuva_task_list_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
  *all_ms = bench_now_ms () - start;
  *n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  *checksum = sum;

  return TRUE;
}

static void
set_ms (BenchResults *results,
        const char   *key,
        double        ms)
{
  bench_results_set (results, key, "%.4f", ms);
}

static void
record_store_engine (AdiuvaStore  *store,
                     BenchResults *results)
{
  sqlite3         *db = _adiuva_store_get_db (store);
  g_autofree char *journal = bench_query_text (db, "PRAGMA journal_mode");

  bench_results_set (results, "sqlite_version", "%s", sqlite3_libversion ());
  bench_results_set (results, "cipher_version", "%s", adiuva_store_get_cipher_version (store));
  bench_results_set (results, "cipher_page_size", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA cipher_page_size"));
  bench_results_set (results, "page_size", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA page_size"));
  bench_results_set (results, "cache_size", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA cache_size"));
  bench_results_set (results, "journal_mode", "%s", journal != NULL ? journal : "?");
  bench_results_set (results, "synchronous", "%" G_GINT64_FORMAT,
                     bench_query_int (db, "PRAGMA synchronous"));
}

static AdiuvaStore *
create_workspace (const char *dir,
                  const char *passphrase,
                  GError    **error)
{
  AdiuvaStore *store = adiuva_store_create (dir, passphrase, NULL, error);

  if (store != NULL)
    g_ptr_array_add (all_workspaces, g_strdup (dir));

  return store;
}

static gboolean
run_api (const char       *dir,
         BenchData        *data,
         const BenchScale *scale,
         BenchResults     *results,
         GError          **error)
{
  g_autofree char *tasks_dir = g_build_filename (dir, "tasks", NULL);
  g_autofree char *notes_dir = g_build_filename (dir, "notes", NULL);
  g_autofree char *pass_dir = g_build_filename (dir, "passphrase", NULL);
  g_autofree char *key_path = g_build_filename (tasks_dir, ADIUVA_KEY_FILE_NAME, NULL);
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) all_samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (AdiuvaKeyFile) key_file = NULL;
  AdiuvaStore *store;
  guint8       key[ADIUVA_MASTER_KEY_SIZE];
  guint        n_items = 0, hits = 0;
  guint32      checksum = 0;
  double       ms, all_ms;
  gboolean     ok;

  bench_results_set (results, "data_checksum", "%s", data->checksum);

  /* Insert the tasks */
  store = create_workspace (tasks_dir, NULL, error);
  if (store == NULL)
    return FALSE;
  record_store_engine (store, results);
  ok = bench_seed_projects (store, data, error) && bench_seed_tasks (store, data, &ms, error);
  if (ok)
    {
      set_ms (results, "insert_tasks_ms", ms);
      bench_results_set (results, "tasks_db_pages", "%" G_GINT64_FORMAT,
                         bench_query_int (_adiuva_store_get_db (store), "PRAGMA page_count"));
    }
  g_object_unref (store);
  if (!ok)
    return FALSE;

  /* Open + unlock with the key from the keyring */
  for (guint i = 0; i < scale->n_opens; i++)
    {
      double start = bench_now_ms ();

      store = adiuva_store_open (tasks_dir, NULL, NULL, error);
      ms = bench_now_ms () - start;
      if (store == NULL)
        return FALSE;
      g_object_unref (store);
      g_array_append_val (samples, ms);
    }
  set_ms (results, "open_ms", bench_percentile (samples, 50));
  set_ms (results, "open_max_ms", bench_percentile (samples, 100));

  /* …of which the Secret Service lookup */
  key_file = _adiuva_key_file_load (key_path, error);
  if (key_file == NULL)
    return FALSE;
  g_array_set_size (samples, 0);
  for (guint i = 0; i < scale->n_opens; i++)
    {
      double start = bench_now_ms ();

      ok = _adiuva_keyring_lookup (_adiuva_key_file_get_workspace_id (key_file), key, NULL, error);
      ms = bench_now_ms () - start;
      explicit_bzero (key, sizeof key);
      if (!ok)
        return FALSE;
      g_array_append_val (samples, ms);
    }
  set_ms (results, "keyring_lookup_ms", bench_percentile (samples, 50));

  /* The first page right after opening the workspace */
  g_array_set_size (samples, 0);
  g_array_set_size (all_samples, 0);
  for (guint i = 0; i < scale->n_pages; i++)
    {
      store = adiuva_store_open (tasks_dir, NULL, NULL, error);
      if (store == NULL)
        return FALSE;
      ok = api_first_page (store, &n_items, &checksum, &ms, &all_ms, error);
      g_object_unref (store);
      if (!ok)
        return FALSE;
      g_array_append_val (samples, ms);
      g_array_append_val (all_samples, all_ms);
    }
  set_ms (results, "first_page_cold_ms", bench_percentile (samples, 50));
  set_ms (results, "list_all_cold_ms", bench_percentile (all_samples, 50));
  bench_results_set (results, "first_page_n_items", "%u", n_items);
  bench_results_set (results, "first_page_checksum", "%08x", checksum);

  /* …and a new model on a store that has shown the list before */
  g_array_set_size (samples, 0);
  g_array_set_size (all_samples, 0);
  store = adiuva_store_open (tasks_dir, NULL, NULL, error);
  if (store == NULL)
    return FALSE;
  ok = api_first_page (store, &n_items, &checksum, &ms, &all_ms, error);
  for (guint i = 0; ok && i < scale->n_pages; i++)
    {
      ok = api_first_page (store, &n_items, &checksum, &ms, &all_ms, error);
      g_array_append_val (samples, ms);
      g_array_append_val (all_samples, all_ms);
    }
  g_object_unref (store);
  if (!ok)
    return FALSE;
  set_ms (results, "first_page_warm_ms", bench_percentile (samples, 50));
  set_ms (results, "list_all_warm_ms", bench_percentile (all_samples, 50));

  /* Notes */
  store = create_workspace (notes_dir, NULL, error);
  if (store == NULL)
    return FALSE;
  ok = bench_seed_projects (store, data, error) && bench_seed_notes (store, data, &ms, error);
  if (ok)
    {
      set_ms (results, "insert_notes_ms", ms);
      bench_results_set (results, "notes_db_pages", "%" G_GINT64_FORMAT,
                         bench_query_int (_adiuva_store_get_db (store), "PRAGMA page_count"));
    }
  g_object_unref (store);
  if (!ok)
    return FALSE;

  /* Search, on a freshly opened workspace: one warm-up pass, then the measured ones */
  store = adiuva_store_open (notes_dir, NULL, NULL, error);
  if (store == NULL)
    return FALSE;
  g_array_set_size (samples, 0);
  for (guint pass = 0; ok && pass <= scale->n_passes; pass++)
    for (guint i = 0; ok && i < data->queries->len; i++)
      {
        double start = bench_now_ms ();
        g_autoptr (GPtrArray) found = adiuva_store_search (store,
                                                           g_ptr_array_index (data->queries, i),
                                                           BENCH_SEARCH_LIMIT, error);

        ms = bench_now_ms () - start;
        ok = found != NULL;
        if (!ok)
          break;
        if (pass == 0)
          hits += found->len;
        else
          g_array_append_val (samples, ms);
      }
  g_object_unref (store);
  if (!ok)
    return FALSE;
  set_ms (results, "fts_p50_ms", bench_percentile (samples, 50));
  set_ms (results, "fts_p95_ms", bench_percentile (samples, 95));
  set_ms (results, "fts_p99_ms", bench_percentile (samples, 99));
  set_ms (results, "fts_max_ms", bench_percentile (samples, 100));
  bench_results_set (results, "fts_hits", "%u", hits);
  bench_results_set (results, "fts_samples", "%u", samples->len);

  /* Open + unlock with a passphrase: Argon2id, informational */
  store = create_workspace (pass_dir, PASSPHRASE, error);
  if (store == NULL)
    return FALSE;
  g_object_unref (store);
  g_array_set_size (samples, 0);
  for (guint i = 0; i < MAX (1, scale->n_opens / 4); i++)
    {
      double start = bench_now_ms ();

      store = adiuva_store_open (pass_dir, PASSPHRASE, NULL, error);
      ms = bench_now_ms () - start;
      if (store == NULL)
        return FALSE;
      g_object_unref (store);
      g_array_append_val (samples, ms);
    }
  set_ms (results, "open_passphrase_ms", bench_percentile (samples, 50));
  bench_results_set (results, "open_passphrase_n", "%u", samples->len);

  return TRUE;
}

static void
run_quick_add (gboolean      short_mode,
               BenchResults *results)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new (utc, 2026, 11, 21, 10, 0, 0);
  double  budget = short_mode ? 100 : 2000;
  double  start = bench_now_ms (), elapsed;
  guint64 parses = 0;

  do
    {
      for (guint i = 0; i < G_N_ELEMENTS (quick_add_lines); i++)
        {
          g_autoptr (AdiuvaQuickAdd) parsed = adiuva_quick_add_parse (quick_add_lines[i], now);

          g_assert (parsed != NULL && parsed->title != NULL);
        }
      parses += G_N_ELEMENTS (quick_add_lines);
      elapsed = bench_now_ms () - start;
    }
  while (elapsed < budget);

  bench_results_set (results, "quick_add_per_s", "%.1f", parses / (elapsed / 1000.0));
  bench_results_set (results, "quick_add_us", "%.3f", elapsed * 1000.0 / parses);
}

/* The peer */

static BenchResults *
run_peer (const char       *dir,
          const BenchScale *scale,
          GError          **error)
{
  g_autoptr (GSubprocess) peer = NULL;
  g_autofree char *out = NULL;
  g_autofree char *tasks = g_strdup_printf ("%u", scale->n_tasks);
  g_autofree char *notes = g_strdup_printf ("%u", scale->n_notes);
  g_autofree char *queries = g_strdup_printf ("%u", scale->n_queries);
  g_autofree char *opens = g_strdup_printf ("%u", scale->n_opens);
  g_autofree char *pages = g_strdup_printf ("%u", scale->n_pages);
  g_autofree char *passes = g_strdup_printf ("%u", scale->n_passes);
  const char      *peer_path = g_getenv ("ADIUVA_BENCH_PEER");

  if (peer_path == NULL)
    peer_path = BENCH_SQLITE_PEER;

  peer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, peer_path,
                           "--dir", dir, "--migrations", BENCH_MIGRATIONS_DIR,
                           "--tasks", tasks, "--notes", notes, "--queries", queries,
                           "--opens", opens, "--pages", pages, "--passes", passes, NULL);
  if (peer == NULL || !g_subprocess_communicate_utf8 (peer, NULL, NULL, &out, NULL, error))
    return NULL;

  if (!g_subprocess_get_if_exited (peer) || g_subprocess_get_exit_status (peer) != 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "%s failed (see above)", peer_path);
      return NULL;
    }

  return bench_results_parse (out);
}

/* The report */

static gboolean any_miss;

static char *
format_value (double      value,
              const char *unit)
{
  if (isnan (value))
    return g_strdup ("-");
  if (g_strcmp0 (unit, "/s") == 0)
    return g_strdup_printf ("%.0f /s", value);
  if (value >= 100)
    return g_strdup_printf ("%.0f ms", value);
  if (value >= 10)
    return g_strdup_printf ("%.1f ms", value);
  return g_strdup_printf ("%.2f ms", value);
}

/* One line: @value against the plain SQLite @peer, judged against @max_ms and @max_ratio
 * (either 0 for none). */
static void
print_row (const char *label,
           double      value,
           double      peer,
           const char *unit,
           double      max_ms,
           double      max_ratio)
{
  g_autofree char *v = format_value (value, unit);
  g_autofree char *p = format_value (peer, unit);
  g_autofree char *ratio = NULL;
  g_autofree char *target = NULL;
  const char      *result = "";
  double           r = value / peer;
  gboolean         miss_ms = max_ms > 0 && !(value < max_ms);
  gboolean         miss_ratio = max_ratio > 0 && !(r < max_ratio);

  ratio = isnan (r) || isinf (r) ? g_strdup ("-") : g_strdup_printf ("%.2fx", r);

  if (max_ms > 0 && max_ratio > 0)
    target = g_strdup_printf ("< %g ms, < %gx", max_ms, max_ratio);
  else if (max_ms > 0)
    target = g_strdup_printf ("< %g ms", max_ms);
  else if (max_ratio > 0)
    target = g_strdup_printf ("< %gx", max_ratio);
  else
    target = g_strdup ("-");

  if (max_ms > 0 || max_ratio > 0)
    {
      if (miss_ms && miss_ratio)
        result = "MISS (time, ratio)";
      else if (miss_ms)
        result = "MISS (time)";
      else if (miss_ratio)
        result = "MISS (ratio)";
      else
        result = "PASS";
      any_miss |= miss_ms || miss_ratio;
    }

  g_print ("%-44s %11s %12s %7s  %-17s %s\n", label, v, p, ratio, target, result);
}

static void
print_split (const char   *label,
             const char   *key,
             BenchResults *sql,
             BenchResults *nokey,
             BenchResults *plain)
{
  double           with_key = bench_results_get_double (sql, key);
  double           without = bench_results_get_double (nokey, key);
  double           system = bench_results_get_double (plain, key);
  g_autofree char *a = format_value (with_key, "ms");
  g_autofree char *b = format_value (without, "ms");
  g_autofree char *c = format_value (system, "ms");

  g_print ("%-36s %11s %11s %11s %9.2fx %9.2fx %9.2fx\n", label, a, b, c,
           with_key / without, without / system, with_key / system);
}

static double
get (BenchResults *results,
     const char   *key)
{
  return bench_results_get_double (results, key);
}

static gboolean
check_same (const char    *what,
            const char    *key,
            BenchResults **runs,
            const char   **names,
            guint          n_runs,
            GError       **error)
{
  for (guint i = 1; i < n_runs; i++)
    if (g_strcmp0 (bench_results_get (runs[0], key), bench_results_get (runs[i], key)) != 0)
      {
        g_set_error (error, BENCH_ERROR, 0,
                     "The runs did not do the same work: %s is %s for %s but %s for %s",
                     what, bench_results_get (runs[0], key), names[0],
                     bench_results_get (runs[i], key), names[i]);
        return FALSE;
      }

  return TRUE;
}

static void
print_report (const BenchScale *scale,
              gboolean          short_mode,
              BenchResults     *api,
              BenchResults     *sql,
              BenchResults     *nokey,
              BenchResults     *plain,
              BenchResults     *quick,
              gboolean          same_work)
{
  g_autofree char *label = NULL;

  g_print ("\nAdiuva store benchmark (%s: %u tasks, %u notes, %u queries x %u passes)\n",
           short_mode ? "SHORT mode, figures are not meaningful" : "full",
           scale->n_tasks, scale->n_notes, scale->n_queries, scale->n_passes);
  g_print ("  adiuva: SQLCipher %s on SQLite %s, cipher_page_size %s, page_size %s, "
           "cache_size %s, journal %s, synchronous %s\n",
           bench_results_get (api, "cipher_version"), bench_results_get (api, "sqlite_version"),
           bench_results_get (api, "cipher_page_size"), bench_results_get (api, "page_size"),
           bench_results_get (api, "cache_size"), bench_results_get (api, "journal_mode"),
           bench_results_get (api, "synchronous"));
  g_print ("  peer:   plain SQLite %s (system libsqlite3, bench-sqlite-peer, no key), "
           "page_size %s, cache_size %s, journal %s, synchronous %s\n",
           bench_results_get (plain, "sqlite_version"), bench_results_get (plain, "page_size"),
           bench_results_get (plain, "cache_size"), bench_results_get (plain, "journal_mode"),
           bench_results_get (plain, "synchronous"));
  if (same_work)
    g_print ("  data:   generated with a fixed seed, checksum %s in both processes; every run "
             "returned the same first page and %s search hits\n",
             bench_results_get (api, "data_checksum"), bench_results_get (api, "fts_hits"));
  else
    g_print ("  data:   THE RUNS DID NOT DO THE SAME WORK, the ratios below mean nothing "
             "(see the error at the end)\n");
  g_print ("  size:   tasks database %s pages, notes database %s pages (SQLCipher); "
           "%s and %s (plain)\n\n",
           bench_results_get (api, "tasks_db_pages"), bench_results_get (api, "notes_db_pages"),
           bench_results_get (plain, "tasks_db_pages"), bench_results_get (plain, "notes_db_pages"));

  g_print ("%-44s %11s %12s %7s  %-17s %s\n", "figure", "adiuva", "plain SQLite", "ratio",
           "target", "result");
  g_print ("%s\n", "-----------------------------------------------------------------------"
                   "---------------------------------------");

  label = g_strdup_printf ("open + unlock, keyring (median of %u)", scale->n_opens);
  print_row (label, get (api, "open_ms"), get (plain, "open_ms"), "ms", 30, 0);
  print_row ("  of which the Secret Service lookup", get (api, "keyring_lookup_ms"), NAN, "ms",
             0, 0);
  g_free (label);
  label = g_strdup_printf ("open + unlock, passphrase (median of %s)",
                           bench_results_get (api, "open_passphrase_n"));
  print_row (label, get (api, "open_passphrase_ms"), NAN, "ms", 0, 0);

  g_free (label);
  label = g_strdup_printf ("insert %u tasks, 1 txn, adiuva_store_add", scale->n_tasks);
  print_row (label, get (api, "insert_tasks_ms"), get (plain, "insert_tasks_ms"), "ms", 0, 1.5);
  g_free (label);
  label = g_strdup_printf ("insert %u tasks, 1 txn, same SQL", scale->n_tasks);
  print_row (label, get (sql, "insert_tasks_ms"), get (plain, "insert_tasks_ms"), "ms", 0, 1.5);

  /* The model reads its ids on the store's worker, which opens a connection of its own: its
   * ratio to plain SQL is no measure of encryption, which the same-SQL rows judge. */
  print_row ("first page, list model, just opened", get (api, "first_page_cold_ms"),
             get (plain, "first_page_cold_ms"), "ms", 5, 0);
  print_row ("first page, list model, warm", get (api, "first_page_warm_ms"),
             get (plain, "first_page_warm_ms"), "ms", 5, 0);
  print_row ("whole list in the model, just opened", get (api, "list_all_cold_ms"), NAN, "ms", 0,
             0);
  print_row ("whole list in the model, warm", get (api, "list_all_warm_ms"), NAN, "ms", 0, 0);
  print_row ("first page, same SQL, just opened", get (sql, "first_page_cold_ms"),
             get (plain, "first_page_cold_ms"), "ms", 5, 1.5);
  print_row ("first page, same SQL, warm", get (sql, "first_page_warm_ms"),
             get (plain, "first_page_warm_ms"), "ms", 5, 1.5);

  g_free (label);
  label = g_strdup_printf ("insert %u notes, 1 txn, adiuva_store_add", scale->n_notes);
  print_row (label, get (api, "insert_notes_ms"), get (plain, "insert_notes_ms"), "ms", 0, 0);
  g_free (label);
  label = g_strdup_printf ("insert %u notes, 1 txn, same SQL", scale->n_notes);
  print_row (label, get (sql, "insert_notes_ms"), get (plain, "insert_notes_ms"), "ms", 0, 0);

  print_row ("search p50, adiuva_store_search", get (api, "fts_p50_ms"), get (plain, "fts_p50_ms"),
             "ms", 0, 1.5);
  print_row ("search p95, adiuva_store_search", get (api, "fts_p95_ms"), get (plain, "fts_p95_ms"),
             "ms", 15, 1.5);
  print_row ("search p99, adiuva_store_search", get (api, "fts_p99_ms"), get (plain, "fts_p99_ms"),
             "ms", 0, 0);
  print_row ("search p50, same SQL", get (sql, "fts_p50_ms"), get (plain, "fts_p50_ms"), "ms",
             0, 1.5);
  print_row ("search p95, same SQL", get (sql, "fts_p95_ms"), get (plain, "fts_p95_ms"), "ms",
             15, 1.5);
  print_row ("search p99, same SQL", get (sql, "fts_p99_ms"), get (plain, "fts_p99_ms"), "ms",
             0, 0);

  print_row ("quick-add parse rate", get (quick, "quick_add_per_s"), NAN, "/s", 0, 0);

  g_print ("\nratio = adiuva / plain SQLite. \"same SQL\" is bench-workload.c on the store's own "
           "SQLCipher connection,\nthe code bench-sqlite-peer runs on plain SQLite; the store "
           "API figures add the record layer.\nThe list model's first page is judged by its "
           "time only: it reads on a worker thread, with a connection of its own.\n");

  g_print ("\nWhere the same-SQL ratio comes from: SQLCipher with the key, SQLCipher %s without "
           "a key\n(same engine, no encryption) and plain SQLite %s\n\n",
           bench_results_get (nokey, "sqlite_version"), bench_results_get (plain, "sqlite_version"));
  g_print ("%-36s %11s %11s %11s %10s %10s %10s\n", "same SQL", "SQLCipher", "no key", "plain",
           "cipher", "engine", "total");
  g_print ("%s\n", "-----------------------------------------------------------------------"
                   "--------------------------------");
  print_split ("insert tasks", "insert_tasks_ms", sql, nokey, plain);
  print_split ("first page, just opened", "first_page_cold_ms", sql, nokey, plain);
  print_split ("first page, warm", "first_page_warm_ms", sql, nokey, plain);
  print_split ("insert notes", "insert_notes_ms", sql, nokey, plain);
  print_split ("search p50", "fts_p50_ms", sql, nokey, plain);
  print_split ("search p95", "fts_p95_ms", sql, nokey, plain);
  print_split ("search p99", "fts_p99_ms", sql, nokey, plain);
  g_print ("\ncipher = SQLCipher / no key, engine = no key / plain, total = SQLCipher / plain.\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BenchData) data = NULL;
  g_autoptr (GHashTable) api = bench_results_new ();
  g_autoptr (GHashTable) sql = bench_results_new ();
  g_autoptr (GHashTable) nokey = bench_results_new ();
  g_autoptr (GHashTable) plain = NULL;
  g_autoptr (GHashTable) quick = bench_results_new ();
  g_autofree char   *tmp = NULL;
  g_autofree char   *sub = NULL;
  BenchOpener       *opener;
  BenchScale         scale;
  gboolean           short_mode = bench_is_short_mode ();
  gboolean           strict = FALSE;
  gboolean           ok;
  const GOptionEntry entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Exit with status 3 when a target is missed",
      NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- benchmark the Adiuva store against plain SQLite");
  g_option_context_set_description (context,
                                    "Run it with a keyring, e.g.\n"
                                    "  build-aux/test-env --keyring _build/tests/bench/bench-store\n"
                                    "ADIUVA_BENCH_SHORT=1 scales it down to a quick check.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (!adiuva_store_check_cipher (&error))
    {
      g_printerr ("bench-store: %s\n", error->message);
      return 1;
    }

  bench_scale_init (&scale, short_mode);
  all_workspaces = g_ptr_array_new_with_free_func (g_free);
  tmp = g_dir_make_tmp ("adiuva-bench-XXXXXX", &error);
  if (tmp == NULL)
    {
      g_printerr ("bench-store: %s\n", error->message);
      return 1;
    }

  g_printerr ("Generating the data…\n");
  data = bench_data_new (&scale);

  g_printerr ("Running plain SQLite (bench-sqlite-peer)…\n");
  sub = g_build_filename (tmp, "plain", NULL);
  plain = run_peer (sub, &scale, &error);
  ok = plain != NULL;

  if (ok)
    {
      g_printerr ("Running the same SQL on SQLCipher without a key…\n");
      g_free (sub);
      sub = g_build_filename (tmp, "nokey", NULL);
      opener = bench_sql_opener_new (sub, NULL, BENCH_MIGRATIONS_DIR);
      ok = bench_run_sql (opener, data, &scale, nokey, &error);
      bench_sql_opener_free (opener);
    }

  if (ok)
    {
      g_printerr ("Running the same SQL on the store's SQLCipher connections…\n");
      g_free (sub);
      sub = g_build_filename (tmp, "sql", NULL);
      opener = store_opener_new (sub);
      ok = bench_run_sql (opener, data, &scale, sql, &error);
      store_opener_free (opener);
    }

  if (ok)
    {
      g_printerr ("Running the store API…\n");
      g_free (sub);
      sub = g_build_filename (tmp, "api", NULL);
      ok = run_api (sub, data, &scale, api, &error);
    }

  if (ok)
    {
      g_printerr ("Parsing quick-add lines…\n");
      run_quick_add (short_mode, quick);
    }

  for (guint i = 0; i < all_workspaces->len; i++)
    bench_seed_forget_workspace (g_ptr_array_index (all_workspaces, i));
  g_clear_pointer (&all_workspaces, g_ptr_array_unref);
  bench_remove_tree (tmp);

  if (ok)
    {
      BenchResults *runs[] = { api, sql, nokey, plain };
      const char   *names[] = { "the store API", "SQL on the store", "SQLCipher without a key",
                                "plain SQLite" };

      ok = check_same ("the data checksum", "data_checksum", runs, names, 4, &error) &&
           check_same ("the number of tasks", "first_page_n_items", runs, names, 4, &error) &&
           check_same ("the first page", "first_page_checksum", runs, names, 4, &error) &&
           check_same ("the number of search hits", "fts_hits", runs, names, 4, &error);
      print_report (&scale, short_mode, api, sql, nokey, plain, quick, ok);
    }

  if (!ok)
    {
      g_printerr ("bench-store: %s\n", error->message);
      if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING))
        g_printerr ("Run it with a keyring: build-aux/test-env --keyring %s\n", argv[0]);
      return 1;
    }

  if (any_miss && !short_mode)
    g_print ("\nSome targets were missed.\n");

  return strict && any_miss && !short_mode ? 3 : 0;
}
