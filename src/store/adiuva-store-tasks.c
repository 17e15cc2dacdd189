/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-date.h"
#include "adiuva-store-private.h"
#include "adiuva-task-filter-private.h"

gboolean
_adiuva_store_save_task_tags (AdiuvaStore *self,
                              AdiuvaTask  *task,
                              gboolean     is_new,
                              GError     **error)
{
  const char *const *tags = adiuva_task_get_tags (task);
  gint64             id = adiuva_record_get_id (ADIUVA_RECORD (task));
  sqlite3_stmt      *stmt;

  if (!is_new)
    {
      stmt = _adiuva_store_prepare (self, "DELETE FROM task_tags WHERE task_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!_adiuva_store_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (tags[i]));

      if (*name == '\0')
        continue;

      stmt = _adiuva_store_prepare (self, "INSERT OR IGNORE INTO tags (name) VALUES (?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      if (!_adiuva_store_step_done (self, stmt, error))
        return FALSE;

      stmt = _adiuva_store_prepare (self,
                                    "INSERT OR IGNORE INTO task_tags (task_id, tag_id) "
                                    "SELECT ?, id FROM tags WHERE name = ? COLLATE NOCASE",
                                    error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
      if (!_adiuva_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_store_task_from_text:
 * @text: a line such as `Send invoice to ACME tomorrow 5pm p1 #Website @billing`
 * @now: (nullable): what "today" means, the current time when %NULL
 * @project_id: the project to file the task in whatever the text says (a project page's
 *   quick add, or an explicit choice), 0 for none, or -1 to take the one the text names
 *
 * Understands @text with adiuva_quick_add_parse() and makes a task of it, not yet saved, so
 * the caller can add to it (a parent, notes) before adiuva_store_add(). A project named after
 * `#` must exist: a typo should not quietly file the task somewhere else.
 *
 * Returns: (transfer full): the new, unsaved task
 */
AdiuvaTask *
adiuva_store_task_from_text (AdiuvaStore *self,
                             const char  *text,
                             GDateTime   *now,
                             gint64       project_id,
                             GError     **error)
{
  g_autoptr (AdiuvaQuickAdd) parsed = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GDateTime) local_now = NULL;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (now == NULL)
    now = local_now = g_date_time_new_now_local ();

  parsed = adiuva_quick_add_parse (text, now);
  if (*parsed->title == '\0')
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("“%s” has no title left once its date, priority, project and tags are "
                      "taken out."),
                   text);
      return NULL;
    }

  task = adiuva_task_new ();
  adiuva_task_set_title (task, parsed->title);
  adiuva_task_set_tags (task, (const char *const *) parsed->tags);
  if (parsed->priority > 0)
    adiuva_task_set_priority (task, parsed->priority);
  if (parsed->due != NULL)
    {
      g_autofree char *due = adiuva_date_format_floating (parsed->due, parsed->due_has_time);

      adiuva_task_set_due (task, due);
    }
  if (project_id >= 0)
    adiuva_task_set_project_id (task, project_id);
  else if (parsed->project != NULL)
    {
      g_autoptr (AdiuvaProject) project = adiuva_store_find_project (self, parsed->project, error);

      if (project == NULL)
        return NULL;
      adiuva_task_set_project_id (task, adiuva_record_get_id (ADIUVA_RECORD (project)));
    }

  return g_steal_pointer (&task);
}

/**
 * adiuva_store_quick_add_task:
 *
 * adiuva_store_task_from_text() and adiuva_store_add() in one: the quick-add entry.
 *
 * Returns: (transfer full): the new task
 */
AdiuvaTask *
adiuva_store_quick_add_task (AdiuvaStore *self,
                             const char  *text,
                             GDateTime   *now,
                             GError     **error)
{
  g_autoptr (AdiuvaTask) task = adiuva_store_task_from_text (self, text, now, -1, error);

  if (task == NULL || !adiuva_store_add (self, ADIUVA_RECORD (task), error))
    return NULL;

  return g_steal_pointer (&task);
}

static AdiuvaTask *
next_occurrence (AdiuvaTask *task,
                 GDateTime  *now,
                 GError    **error)
{
  g_autoptr (GDateTime) due = NULL;
  g_autoptr (GDateTime) next_due = NULL;
  g_autofree char *next_rule = NULL;
  g_autofree char *next_due_text = NULL;
  AdiuvaTask      *next;
  gboolean         has_time = FALSE;

  due = adiuva_date_parse_floating (adiuva_task_get_due (task), g_date_time_get_timezone (now),
                                    &has_time);
  if (!adiuva_recurrence_next (adiuva_task_get_recurrence (task), due, now, &next_due, &next_rule,
                               error))
    return NULL;

  if (next_due == NULL)
    return NULL;

  next_due_text = adiuva_date_format_floating (next_due, has_time);
  next = adiuva_task_new ();
  g_object_set (next,
                "project-id", adiuva_task_get_project_id (task),
                "parent-id", adiuva_task_get_parent_id (task),
                "title", adiuva_task_get_title (task),
                "notes", adiuva_task_get_notes (task),
                "priority", adiuva_task_get_priority (task),
                "due", next_due_text,
                "recurrence", next_rule,
                "tags", adiuva_task_get_tags (task),
                "position", adiuva_task_get_position (task),
                "is-approved", TRUE,
                NULL);

  return next;
}

/**
 * adiuva_store_complete_task:
 * @now: (nullable): the completion time, now when %NULL
 * @next_occurrence: (out) (optional) (nullable) (transfer full): the task created for the next
 *   occurrence of a recurring task
 *
 * Marks @task done. When it recurs, the next occurrence is created in the same transaction, so
 * a crash never leaves a completed recurring task without its successor.
 */
gboolean
adiuva_store_complete_task (AdiuvaStore *self,
                            AdiuvaTask  *task,
                            GDateTime   *now,
                            AdiuvaTask **next_occurrence_out,
                            GError     **error)
{
  g_autoptr (GDateTime) local_now = NULL;
  g_autoptr (AdiuvaTask) next = NULL;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_TASK (task), FALSE);

  if (now == NULL)
    now = local_now = g_date_time_new_now_local ();

  if (adiuva_task_get_status (task) == ADIUVA_TASK_STATUS_DONE)
    {
      if (next_occurrence_out != NULL)
        *next_occurrence_out = NULL;
      return TRUE;
    }

  if (adiuva_task_get_recurrence (task) != NULL)
    {
      g_autoptr (GError) local_error = NULL;

      next = next_occurrence (task, now, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (!adiuva_store_begin (self, error))
    return FALSE;

  adiuva_task_set_status (task, ADIUVA_TASK_STATUS_DONE);
  adiuva_task_set_completed_at (task, g_date_time_to_unix (now));

  if (!adiuva_store_update (self, ADIUVA_RECORD (task), error) ||
      (next != NULL && !adiuva_store_add (self, ADIUVA_RECORD (next), error)) ||
      !adiuva_store_commit (self, error))
    {
      adiuva_store_rollback (self);
      adiuva_task_set_status (task, ADIUVA_TASK_STATUS_TODO);
      adiuva_task_set_completed_at (task, 0);
      return FALSE;
    }

  if (next_occurrence_out != NULL)
    *next_occurrence_out = g_steal_pointer (&next);

  return TRUE;
}

/**
 * adiuva_store_move_task:
 * @project_id: the project to move to, 0 for none
 * @parent_id: the parent task, 0 to make it top-level
 * @before_id: the task it goes before, 0 for the end
 *
 * Moves @task to another project or parent and to another place in the order. Its subtasks
 * follow it into the new project, so a project never holds half of a task tree.
 */
gboolean
adiuva_store_move_task (AdiuvaStore *self,
                        AdiuvaTask  *task,
                        gint64       project_id,
                        gint64       parent_id,
                        gint64       before_id,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  gint64        id;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_TASK (task), FALSE);

  id = adiuva_record_get_id (ADIUVA_RECORD (task));
  if (parent_id == id || before_id == id)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("A task cannot be moved under or before itself."));
      return FALSE;
    }

  if (!adiuva_store_begin (self, error))
    return FALSE;

  if (parent_id > 0)
    {
      /* Walk up from the new parent: finding the task there would make a cycle. */
      for (gint64 ancestor = parent_id; ancestor > 0;)
        {
          g_autoptr (AdiuvaTask) t = adiuva_store_get (self, ADIUVA_TYPE_TASK, ancestor, error);

          if (t == NULL)
            goto failed;
          if (adiuva_record_get_id (ADIUVA_RECORD (t)) == id)
            {
              g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                           _ ("A task cannot be moved under one of its own subtasks."));
              goto failed;
            }
          ancestor = adiuva_task_get_parent_id (t);
        }
    }

  adiuva_task_set_project_id (task, project_id);
  adiuva_task_set_parent_id (task, parent_id);

  if (!adiuva_store_reorder (self, ADIUVA_RECORD (task), before_id, error))
    goto failed;

  stmt = _adiuva_store_prepare (self,
                                "WITH RECURSIVE tree (id) AS ("
                                "  SELECT id FROM tasks WHERE parent_id = ?1"
                                "  UNION ALL"
                                "  SELECT tasks.id FROM tasks JOIN tree ON tasks.parent_id = tree.id) "
                                "UPDATE tasks SET project_id = nullif (?2, 0), updated_at = ?3 "
                                "WHERE id IN tree AND coalesce (project_id, 0) != ?2",
                                error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, project_id);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (!_adiuva_store_step_done (self, stmt, error))
    goto failed;

  return adiuva_store_commit (self, error);

failed:
  adiuva_store_rollback (self);
  return FALSE;
}

/* Runs `SELECT @columns FROM tasks` with @filter's conditions and then @suffix. */
static sqlite3_stmt *
prepare_count (AdiuvaStore            *self,
               const char             *columns,
               const AdiuvaTaskFilter *filter,
               const char             *suffix,
               GError                **error)
{
  g_autoptr (GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = _adiuva_task_filter_to_sql (filter, binds);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM tasks%s%s", columns, where, suffix);
  sqlite3_stmt    *stmt = _adiuva_store_prepare (self, sql, error);

  if (stmt != NULL)
    _adiuva_task_filter_bind (stmt, binds);
  return stmt;
}

/**
 * adiuva_store_count_tasks:
 * @filter: (nullable): which tasks, all when %NULL
 *
 * How many tasks @filter matches, counted by SQLite: where only the number is shown (a row's
 * count of subtasks), a list model would read every id and follow the store's changes.
 *
 * Returns: the count, or 0 with @error set
 */
guint
adiuva_store_count_tasks (AdiuvaStore            *self,
                          const AdiuvaTaskFilter *filter,
                          GError                **error)
{
  sqlite3_stmt *stmt;
  guint         count = 0;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  stmt = prepare_count (self, "count(*)", filter, "", error);
  if (stmt == NULL)
    return 0;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  else
    _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
  sqlite3_reset (stmt);

  return count;
}

/**
 * adiuva_store_count_tasks_by_project:
 * @filter: (nullable): which tasks, all when %NULL; its project is not looked at
 *
 * How many tasks @filter matches in each project, in one query, for a page that lists
 * projects with their counts.
 *
 * Returns: (transfer full) (element-type gint64 guint): the counts by project id (keys point to
 *   a #gint64, values are GUINT_TO_POINTER()); a project without such tasks is missing; %NULL
 *   with @error set when the store could not count
 */
GHashTable *
adiuva_store_count_tasks_by_project (AdiuvaStore            *self,
                                     const AdiuvaTaskFilter *filter,
                                     GError                **error)
{
  g_autoptr (AdiuvaTaskFilter) any_project = NULL;
  g_autoptr (GHashTable) counts = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  any_project = filter != NULL ? adiuva_task_filter_copy (filter) : adiuva_task_filter_new ();
  any_project->project_id = -1;
  stmt = prepare_count (self, "tasks.project_id, count(*)", any_project,
                        " GROUP BY tasks.project_id", error);
  if (stmt == NULL)
    return NULL;

  counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 project_id = sqlite3_column_int64 (stmt, 0);

      if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        continue;
      g_hash_table_insert (counts, g_memdup2 (&project_id, sizeof project_id),
                           GUINT_TO_POINTER ((guint) sqlite3_column_int64 (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&counts);
}

/* What the delete of @record, a task or a project, takes with it by the schema's ON DELETE
 * CASCADE: the project's tasks or the task's subtasks, and by parent_id the subtasks of each at
 * all levels wherever they are filed, then the comments of each. A task comes after its parent
 * (by its longest way down from what is deleted) and before its comments: the order they go
 * back in. */
gboolean
_adiuva_store_list_task_dependents (AdiuvaStore  *self,
                                    AdiuvaRecord *record,
                                    GPtrArray    *records,
                                    GError      **error)
{
  g_autofree char *where = NULL;
  g_autoptr (GListModel) tasks = NULL;
  gint64 id = adiuva_record_get_id (record);

  where = g_strdup_printf ("JOIN (WITH RECURSIVE gone (task_id, depth) AS ("
                           "  SELECT id, 0 FROM tasks WHERE %s = ?1"
                           "  UNION ALL"
                           "  SELECT tasks.id, gone.depth + 1 FROM tasks"
                           "  JOIN gone ON tasks.parent_id = gone.task_id) "
                           "SELECT task_id, max (depth) AS depth FROM gone GROUP BY task_id) "
                           "AS gone ON gone.task_id = tasks.id "
                           "ORDER BY gone.depth, tasks.position, tasks.id",
                           ADIUVA_IS_TASK (record) ? "id" : "project_id");
  tasks = _adiuva_store_list (self, ADIUVA_TYPE_TASK, where, error, "i", id, NULL);
  if (tasks == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr (AdiuvaRecord) task = g_list_model_get_item (tasks, i);

      /* A task is in the list already, before what goes with it. */
      if (!ADIUVA_IS_TASK (record) || adiuva_record_get_id (task) != id)
        g_ptr_array_add (records, g_object_ref (task));
    }

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr (AdiuvaRecord) task = g_list_model_get_item (tasks, i);
      g_autoptr (GListModel) comments = NULL;

      comments = adiuva_store_list_task_comments (self, adiuva_record_get_id (task), error);
      if (comments == NULL)
        return FALSE;
      for (guint j = 0; j < g_list_model_get_n_items (comments); j++)
        g_ptr_array_add (records, g_list_model_get_item (comments, j));
    }

  return TRUE;
}
