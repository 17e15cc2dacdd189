/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crash-writer"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "adiuva-store.h"

/* The process test-store-crash kills with SIGKILL, again and again.
 *
 *   crash-writer DIR RUN SEED
 *
 * Opens the workspace in DIR (its key is in the keyring of the test's session) and commits
 * numbered transactions of 1–20 tasks titled "w<RUN>-<seq>-<k>-of-<n>", some with a large
 * notes body so that a transaction spans many pages, or more than the page cache holds. Prints
 * "ready" once open, and "committed <seq>" only after adiuva_store_commit () has returned. */

static char *
make_notes (GRand *rand,
            guint  seq)
{
  GString *notes;
  gsize    size;

  /* Now and then more than SQLite's 2 MiB page cache, so pages of the open transaction spill
   * into the WAL before the commit. */
  if (g_rand_int_range (rand, 0, 25) == 0)
    size = g_rand_int_range (rand, 3 << 20, 4 << 20);
  else
    size = g_rand_int_range (rand, 16 << 10, 256 << 10);
  notes = g_string_sized_new (size + 16);

  for (guint i = 0; notes->len < size; i++)
    g_string_append_printf (notes, "seq%u line%u ", seq, i % 5000);

  return g_string_free (notes, FALSE);
}

static gboolean
commit_tasks (AdiuvaStore *store,
              GRand       *rand,
              guint        run,
              guint        seq,
              GError     **error)
{
  guint n = g_rand_int_range (rand, 1, 21);
  guint with_notes = g_rand_int_range (rand, 0, 8) == 0 ? g_rand_int_range (rand, 1, n + 1) : 0;

  if (!adiuva_store_begin (store, error))
    return FALSE;

  for (guint k = 1; k <= n; k++)
    {
      g_autoptr (AdiuvaTask) task = adiuva_task_new ();
      g_autofree char *title = g_strdup_printf ("w%u-%u-%u-of-%u", run, seq, k, n);
      g_autofree char *notes = k == with_notes ? make_notes (rand, seq) : NULL;

      adiuva_task_set_title (task, title);
      adiuva_task_set_notes (task, notes);
      if (!adiuva_store_add (store, ADIUVA_RECORD (task), error))
        {
          adiuva_store_rollback (store);
          return FALSE;
        }
    }

  return adiuva_store_commit (store, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GRand) rand = NULL;
  guint run;

  if (argc != 4)
    {
      g_printerr ("usage: %s DIR RUN SEED\n", argv[0]);
      return 2;
    }

  /* Never outlive the test, however it ends. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    return 1;

  run = strtoul (argv[2], NULL, 10);
  rand = g_rand_new_with_seed (strtoul (argv[3], NULL, 10));

  store = adiuva_store_open (argv[1], NULL, NULL, &error);
  if (store == NULL)
    {
      g_printerr ("crash-writer: %s\n", error->message);
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);

  for (guint seq = 1;; seq++)
    {
      if (!commit_tasks (store, rand, run, seq, &error))
        {
          g_printerr ("crash-writer: transaction %u: %s\n", seq, error->message);
          return 1;
        }

      printf ("committed %u\n", seq);
      fflush (stdout);
    }
}
