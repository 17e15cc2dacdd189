/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include "adiuva-key-file-private.h"
#include "adiuva-store-private.h"
#include "bench-seed.h"

/* Takes a workspace's key out of the keyring, so a run by hand leaves nothing behind. */
void
bench_seed_forget_workspace (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, ADIUVA_KEY_FILE_NAME, NULL);
  g_autoptr (AdiuvaKeyFile) key_file = _adiuva_key_file_load (path, NULL);

  if (key_file != NULL && (_adiuva_key_file_get_modes (key_file) & ADIUVA_KEY_MODE_KEYRING))
    _adiuva_keyring_clear (_adiuva_key_file_get_workspace_id (key_file), NULL, NULL);
}

gboolean
bench_seed_projects (AdiuvaStore *store,
                     BenchData   *data,
                     GError     **error)
{
  for (guint i = 0; i < data->projects->len; i++)
    {
      g_autoptr (AdiuvaProject) project = adiuva_project_new ();

      adiuva_project_set_name (project, g_ptr_array_index (data->projects, i));
      if (!adiuva_store_add (store, ADIUVA_RECORD (project), error))
        return FALSE;
      g_assert (adiuva_record_get_id (ADIUVA_RECORD (project)) == i + 1);
    }

  return TRUE;
}

static AdiuvaTaskStatus
task_status (const char *nick)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (ADIUVA_TYPE_TASK_STATUS);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  g_assert (value != NULL);
  return value->value;
}

gboolean
bench_seed_tasks (AdiuvaStore *store,
                  BenchData   *data,
                  double      *ms,
                  GError     **error)
{
  g_autoptr (GPtrArray) tasks = g_ptr_array_new_full (data->n_tasks, g_object_unref);
  g_autofree gint64 *ids = g_new0 (gint64, data->n_tasks + 1);
  double             start;
  gboolean           ok;

  /* The objects are made beforehand: the figure is what the store takes to save them. */
  for (guint i = 0; i < data->n_tasks; i++)
    {
      const BenchTask *row = &data->tasks[i];
      AdiuvaTask      *task = adiuva_task_new ();

      adiuva_task_set_title (task, row->title);
      adiuva_task_set_notes (task, row->notes);
      adiuva_task_set_project_id (task, row->project);
      adiuva_task_set_status (task, task_status (row->status));
      adiuva_task_set_priority (task, row->priority);
      adiuva_task_set_due (task, row->due);
      adiuva_task_set_completed_at (task, row->completed_at);
      adiuva_task_set_tags (task, row->tags);
      g_ptr_array_add (tasks, task);
    }

  start = bench_now_ms ();
  ok = adiuva_store_begin (store, error);
  for (guint i = 0; ok && i < data->n_tasks; i++)
    {
      AdiuvaTask *task = g_ptr_array_index (tasks, i);

      if (data->tasks[i].parent != 0)
        adiuva_task_set_parent_id (task, ids[data->tasks[i].parent]);
      ok = adiuva_store_add (store, ADIUVA_RECORD (task), error);
      ids[i + 1] = adiuva_record_get_id (ADIUVA_RECORD (task));
    }
  if (ok)
    ok = adiuva_store_commit (store, error);
  else
    adiuva_store_rollback (store);
  *ms = bench_now_ms () - start;

  return ok;
}

gboolean
bench_seed_notes (AdiuvaStore *store,
                  BenchData   *data,
                  double      *ms,
                  GError     **error)
{
  g_autoptr (GPtrArray) notes = g_ptr_array_new_full (data->n_notes, g_object_unref);
  double   start;
  gboolean ok;

  for (guint i = 0; i < data->n_notes; i++)
    {
      const BenchNote *row = &data->notes[i];
      AdiuvaNote      *note = adiuva_note_new ();

      adiuva_note_set_title (note, row->title);
      adiuva_note_set_body (note, row->body);
      adiuva_note_set_project_id (note, row->project);
      adiuva_note_set_pinned (note, row->pinned);
      g_ptr_array_add (notes, note);
    }

  start = bench_now_ms ();
  ok = adiuva_store_begin (store, error);
  for (guint i = 0; ok && i < data->n_notes; i++)
    ok = adiuva_store_add (store, g_ptr_array_index (notes, i), error);
  if (ok)
    ok = adiuva_store_commit (store, error);
  else
    adiuva_store_rollback (store);
  *ms = bench_now_ms () - start;

  return ok;
}
