/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adiuva-store.h"
#include "adiuva-store-private.h"
#include "test-tree.h"

/* Crash consistency: crash-writer commits numbered transactions and reports each one after
 * its commit returned; it is killed with SIGKILL at a random moment, and every time the store
 * must open, pass PRAGMA integrity_check, hold every transaction that was reported, and hold
 * each transaction whole or not at all. */

#define ITERATIONS 60
#define THOROUGH_ITERATIONS 300
/* Generous: the writer starts slowly under the sanitizers. */
#define READY_TIMEOUT_MS 30000

typedef struct
{
  guint   n;     /* tasks in the transaction, as the titles say */
  guint   count; /* tasks found */
  guint32 seen;  /* bit k - 1 for task k */
} Transaction;

typedef struct
{
  GString *output;
  guint    last_reported;
  gboolean ready;
} Writer;

static guint64
transaction_key (guint run,
                 guint seq)
{
  return ((guint64) run << 32) | seq;
}

/* Reads what the writer printed so far, waiting at most @timeout_ms (-1: until EOF). Returns
 * FALSE at end of file. */
static gboolean
read_output (int     fd,
             Writer *writer,
             int     timeout_ms)
{
  struct pollfd pfd = { fd, POLLIN, 0 };
  char          buffer[4096];
  ssize_t       len;
  int           rc;

  do
    rc = poll (&pfd, 1, timeout_ms);
  while (rc < 0 && errno == EINTR);
  g_assert_cmpint (rc, >=, 0);
  if (rc == 0)
    return TRUE;

  len = read (fd, buffer, sizeof buffer);
  if (len < 0 && (errno == EAGAIN || errno == EINTR))
    return TRUE;
  g_assert_cmpint (len, >=, 0);
  g_string_append_len (writer->output, buffer, len);

  return len > 0;
}

/* Only whole lines count: the kill may cut the last one. */
static void
parse_output (Writer *writer)
{
  g_auto (GStrv) lines = g_strsplit (writer->output->str, "\n", -1);
  guint n_lines = g_strv_length (lines);

  writer->ready = FALSE;
  writer->last_reported = 0;

  /* The piece after the last newline is unfinished. */
  for (guint i = 0; i + 1 < n_lines; i++)
    {
      guint seq;
      int   end = 0;

      if (g_str_equal (lines[i], "ready"))
        {
          g_assert_false (writer->ready);
          writer->ready = TRUE;
        }
      else if (sscanf (lines[i], "committed %u%n", &seq, &end) == 1 && lines[i][end] == '\0')
        {
          g_assert_true (writer->ready);
          g_assert_cmpuint (seq, ==, writer->last_reported + 1);
          writer->last_reported = seq;
        }
      else
        g_error ("crash-writer printed “%s”", lines[i]);
    }
}

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

/* Runs the writer once and kills it; returns the last transaction it reported. */
static guint
run_writer (const char *writer_path,
            const char *dir,
            guint       run)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *run_arg = g_strdup_printf ("%u", run);
  g_autofree char *seed_arg = g_strdup_printf ("%u", g_test_rand_int ());
  const char      *argv[] = { writer_path, dir, run_arg, seed_arg, NULL };
  Writer           writer = { g_string_new (NULL), 0, FALSE };
  gboolean         during_open = run % 5 == 0;
  gint64           kill_at;
  GPid             pid;
  int              out_fd;
  int              status;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  g_unix_set_fd_nonblocking (out_fd, TRUE, &error);
  g_assert_no_error (error);

  /* Mostly while it writes; every fifth time while it may still be opening the workspace
   * (and recovering the WAL) instead. */
  if (during_open)
    {
      kill_at = now_ms () + g_test_rand_int_range (0, 60);
    }
  else
    {
      gint64 give_up = now_ms () + READY_TIMEOUT_MS;

      while (!writer.ready && now_ms () < give_up &&
             read_output (out_fd, &writer, give_up - now_ms ()))
        parse_output (&writer);
      kill_at = now_ms () + g_test_rand_int_range (5, 150);
    }

  while (now_ms () < kill_at && read_output (out_fd, &writer, kill_at - now_ms ()))
    ;

  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);

  while (read_output (out_fd, &writer, -1))
    ;
  close (out_fd);
  parse_output (&writer);
  g_string_free (writer.output, TRUE);

  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
    g_error ("crash-writer ended by itself (wait status %d); see its messages above", status);
  if (!during_open)
    g_assert_true (writer.ready);

  return writer.last_reported;
}

static char *
integrity_check (AdiuvaStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) rows = g_string_new (NULL);
  sqlite3_stmt *stmt = _adiuva_store_prepare (store, "PRAGMA integrity_check", &error);
  int           rc;

  g_assert_no_error (error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (rows, "%s%s", rows->len > 0 ? "\n" : "",
                            (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_assert_cmpint (rc, ==, SQLITE_DONE);

  return g_string_free (g_steal_pointer (&rows), FALSE);
}

/* Every transaction in the store, by (run, seq), each checked to be whole. */
static GHashTable *
read_transactions (AdiuvaStore *store)
{
  g_autoptr (GError) error = NULL;
  GHashTable    *transactions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt  *stmt;
  GHashTableIter iter;
  guint64       *key;
  Transaction   *t;
  int            rc;

  stmt = _adiuva_store_prepare (store, "SELECT title FROM tasks WHERE title GLOB 'w[0-9]*'",
                                &error);
  g_assert_no_error (error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *title = (const char *) sqlite3_column_text (stmt, 0);
      guint       run, seq, k, n;
      int         end = 0;

      if (sscanf (title, "w%u-%u-%u-of-%u%n", &run, &seq, &k, &n, &end) != 4 ||
          title[end] != '\0' || k < 1 || k > n || n > 20)
        g_error ("unexpected task “%s”", title);

      key = g_new (guint64, 1);
      *key = transaction_key (run, seq);
      t = g_hash_table_lookup (transactions, key);
      if (t == NULL)
        {
          t = g_new0 (Transaction, 1);
          t->n = n;
          g_hash_table_insert (transactions, key, t);
        }
      else
        g_free (key);

      g_assert_cmpuint (t->n, ==, n);
      g_assert_false (t->seen & (1u << (k - 1)));
      t->seen |= 1u << (k - 1);
      t->count++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpint (rc, ==, SQLITE_DONE);

  /* All or nothing. */
  g_hash_table_iter_init (&iter, transactions);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &t))
    if (t->count != t->n)
      g_error ("transaction w%u-%u is partly there: %u of %u tasks", (guint) (*key >> 32),
               (guint) (*key & 0xffffffff), t->count, t->n);

  return transactions;
}

/* Transactions of @run are 1, 2, … with no gap; returns the last one. */
static guint
last_transaction (GHashTable *transactions,
                  guint       run)
{
  guint   last = 0;
  guint64 key = transaction_key (run, last + 1);

  while (g_hash_table_contains (transactions, &key))
    key = transaction_key (run, ++last + 1);

  return last;
}

static void
test_crash_consistency (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *writer_path = g_test_build_filename (G_TEST_BUILT, "crash-writer", NULL);
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-crash-XXXXXX", &error);
  g_autofree char *dir = NULL;
  g_autoptr (GArray) durable = g_array_new (FALSE, TRUE, sizeof (guint));
  guint iterations = g_test_thorough () ? THOROUGH_ITERATIONS : ITERATIONS;
  guint reported_total = 0;
  guint runs_with_commits = 0;
  guint unreported = 0;

  g_assert_no_error (error);
  if (!g_file_test (writer_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("%s is missing: build it with ninja", writer_path);

  dir = g_build_filename (tmp, "ws", NULL);
  {
    g_autoptr (AdiuvaStore) store = adiuva_store_create (dir, NULL, NULL, &error);

    g_assert_no_error (error);
  }
  g_array_set_size (durable, iterations + 1);

  for (guint run = 1; run <= iterations; run++)
    {
      g_autoptr (AdiuvaStore) store = NULL;
      g_autoptr (GHashTable) transactions = NULL;
      g_autofree char *integrity = NULL;
      guint            reported = run_writer (writer_path, dir, run);
      guint            committed = 0;

      store = adiuva_store_open (dir, NULL, NULL, &error);
      g_assert_no_error (error);
      integrity = integrity_check (store);
      g_assert_cmpstr (integrity, ==, "ok");

      transactions = read_transactions (store);
      for (guint r = 1; r <= run; r++)
        {
          guint last = last_transaction (transactions, r);

          committed += last;
          if (r < run)
            {
              /* Earlier runs are settled: nothing lost, nothing new. */
              g_assert_cmpuint (last, ==, g_array_index (durable, guint, r));
              continue;
            }

          /* Everything reported is there; at most the one transaction whose commit returned
           * just before the kill, when "committed" was not printed yet, is there too. */
          g_assert_cmpuint (last, >=, reported);
          g_assert_cmpuint (last, <=, reported + 1);
          g_array_index (durable, guint, r) = last;
          unreported += last - reported;
        }
      /* No stray transaction beyond the contiguous ones. */
      g_assert_cmpuint (g_hash_table_size (transactions), ==, committed);

      reported_total += reported;
      runs_with_commits += reported > 0;
    }

  g_test_message ("%u runs, %u with reported commits, %u transactions reported, %u committed "
                  "but killed before reporting",
                  iterations, runs_with_commits, reported_total, unreported);
  /* The kills must have hit a writer at work, not just starting ones. */
  g_assert_cmpuint (runs_with_commits, >=, iterations / 2);

  test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/crash/sigkill-while-writing", test_crash_consistency);

  return g_test_run ();
}
