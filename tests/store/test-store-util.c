/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-store-util.h"
#include "test-tree.h"

static void
changed_cb (AdiuvaStore *store,
            AdiuvaEntity entity,
            gint64       id,
            AdiuvaChange change,
            Fixture     *fixture)
{
  Change c = { entity, id, change };

  g_array_append_val (fixture->changes, c);
}

void
test_store_fixture_set_up (Fixture      *fixture,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-store-XXXXXX", &error);

  g_assert_no_error (error);
  fixture->dir = g_build_filename (tmp, "workspace", NULL);
  fixture->store = adiuva_store_create (fixture->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
  fixture->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_signal_connect (fixture->store, "changed", G_CALLBACK (changed_cb), fixture);
}

void
test_store_fixture_tear_down (Fixture      *fixture,
                              gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (fixture->dir);

  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->changes, g_array_unref);
  test_remove_tree (parent);
  g_free (fixture->dir);
}
