/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task-filter"

#include "config.h"

#include "adiuva-search-private.h"
#include "adiuva-store-private.h"
#include "adiuva-task-filter-private.h"

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaTaskFilter, adiuva_task_filter,
                     adiuva_task_filter_copy, adiuva_task_filter_free)
/* clang-format on */

AdiuvaTaskFilter *
adiuva_task_filter_new (void)
{
  AdiuvaTaskFilter *self = g_new0 (AdiuvaTaskFilter, 1);

  self->project_id = -1;
  self->parent_id = -1;
  self->status = -1;
  self->order = ADIUVA_TASK_ORDER_POSITION;

  return self;
}

AdiuvaTaskFilter *
adiuva_task_filter_copy (const AdiuvaTaskFilter *self)
{
  AdiuvaTaskFilter *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->due_before = g_strdup (self->due_before);
  copy->due_after = g_strdup (self->due_after);
  copy->tag = g_strdup (self->tag);
  copy->text = g_strdup (self->text);

  return copy;
}

void
adiuva_task_filter_free (AdiuvaTaskFilter *self)
{
  if (self == NULL)
    return;

  g_free (self->due_before);
  g_free (self->due_after);
  g_free (self->tag);
  g_free (self->text);
  g_free (self);
}

static void
add_text (GString    *where,
          GPtrArray  *binds,
          const char *condition,
          const char *value)
{
  g_string_append (where, where->len == 0 ? " WHERE " : " AND ");
  g_string_append (where, condition);
  if (value != NULL)
    g_ptr_array_add (binds, g_strdup (value));
}

static void
add_equals (GString    *where,
            GPtrArray  *binds,
            const char *condition,
            gint64      value)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  /* Bound, not inlined: the store keeps each distinct statement prepared, and a statement per
   * parent task or project would pile up as a list is scrolled. The integer column's affinity
   * turns the text back into the number, so its index still serves. */
  add_text (where, binds, condition, number);
}

/* Only the conditions in use go into the SQL, so SQLite can pick an index for each shape of
 * filter; values are bound in the order of @binds. */
char *
_adiuva_task_filter_to_sql (const AdiuvaTaskFilter *self,
                            GPtrArray              *binds)
{
  GString         *where = g_string_new (NULL);
  AdiuvaTaskFilter defaults = { -1, -1, -1, FALSE, NULL, NULL, NULL, NULL, FALSE, 0 };

  if (self == NULL)
    self = &defaults;

  if (self->project_id == 0)
    add_text (where, binds, "tasks.project_id IS NULL", NULL);
  else if (self->project_id > 0)
    add_equals (where, binds, "tasks.project_id = ?", self->project_id);

  if (self->parent_id == 0)
    add_text (where, binds, "tasks.parent_id IS NULL", NULL);
  else if (self->parent_id > 0)
    add_equals (where, binds, "tasks.parent_id = ?", self->parent_id);

  if (self->status >= 0)
    {
      g_autoptr (GEnumClass) klass = g_type_class_ref (ADIUVA_TYPE_TASK_STATUS);
      GEnumValue *value = g_enum_get_value (klass, self->status);

      add_text (where, binds, "tasks.status = ?", value != NULL ? value->value_nick : "");
    }

  if (self->open_only)
    add_text (where, binds, "tasks.status IN ('todo', 'doing')", NULL);

  /* Dates compare as text: every due on an earlier day sorts before 'YYYY-MM-DD', every due on
   * a later day sorts after the next day's 'YYYY-MM-DD'. */
  if (self->due_before != NULL)
    add_text (where, binds, "tasks.due < ?", self->due_before);
  if (self->due_after != NULL)
    add_text (where, binds, "tasks.due >= date (?, '+1 day')", self->due_after);

  if (self->tag != NULL)
    add_text (where, binds,
              "tasks.id IN (SELECT task_id FROM task_tags JOIN tags ON tags.id = task_tags.tag_id "
              "WHERE tags.name = ? COLLATE NOCASE)",
              self->tag);

  if (self->text != NULL)
    {
      g_autofree char *match = _adiuva_search_match_expression (self->text);

      add_text (where, binds,
                "tasks.id IN (SELECT docid / 4 FROM search_index WHERE search_index MATCH ? "
                "AND docid % 4 = 0)",
                match != NULL ? match : "\"\"");
    }

  if (self->pending_approval)
    add_text (where, binds, "tasks.is_ai_suggested AND NOT tasks.is_approved", NULL);

  return g_string_free (where, FALSE);
}

const char *
_adiuva_task_filter_order_sql (const AdiuvaTaskFilter *self)
{
  switch (self != NULL ? self->order : ADIUVA_TASK_ORDER_POSITION)
    {
    case ADIUVA_TASK_ORDER_DUE:
      /* A filter on the due date leaves no task without one: without `due IS NULL` the order
       * is that of the index on due, read in order rather than sorted. */
      if (self->due_before != NULL || self->due_after != NULL)
        return " ORDER BY tasks.due, tasks.position, tasks.id";
      return " ORDER BY tasks.due IS NULL, tasks.due, tasks.position, tasks.id";

    case ADIUVA_TASK_ORDER_PRIORITY:
      return " ORDER BY tasks.priority, tasks.due IS NULL, tasks.due, tasks.position, tasks.id";

    case ADIUVA_TASK_ORDER_CREATED:
      return " ORDER BY tasks.created_at DESC, tasks.id DESC";

    case ADIUVA_TASK_ORDER_TITLE:
      return " ORDER BY tasks.title COLLATE NOCASE, tasks.id";

    case ADIUVA_TASK_ORDER_POSITION:
    default:
      return " ORDER BY tasks.position, tasks.id";
    }
}

void
_adiuva_task_filter_bind (sqlite3_stmt *stmt,
                          GPtrArray    *binds)
{
  for (guint i = 0; i < binds->len; i++)
    sqlite3_bind_text (stmt, i + 1, g_ptr_array_index (binds, i), -1, SQLITE_TRANSIENT);
}
