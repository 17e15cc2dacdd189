/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task"

#include "config.h"

#include "adiuva-task.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaTask:
 *
 * A task. @due and @start are floating local dates (`2026-12-01`) or date-times
 * (`2026-12-01T17:00:00`), so a task due at 5pm stays due at 5pm wherever the user is.
 */
struct _AdiuvaTask
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaTask, adiuva_task, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_PROJECT_ID,
  PROP_PARENT_ID,
  PROP_TITLE,
  PROP_NOTES,
  PROP_STATUS,
  PROP_PRIORITY,
  PROP_START,
  PROP_DUE,
  PROP_COMPLETED_AT,
  PROP_POSITION,
  PROP_RECURRENCE,
  PROP_IS_AI_SUGGESTED,
  PROP_IS_APPROVED,
  PROP_TAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = {
  "project_id", "parent_id", "title", "notes", "status", "priority", "start", "due",
  "completed_at", "position", "recurrence", "is_ai_suggested", "is_approved", NULL
};

static void
adiuva_task_class_init (AdiuvaTaskClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "tasks";
  record_class->entity = ADIUVA_ENTITY_TASK;
  record_class->columns = columns;

  properties[PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_PARENT_ID] =
      g_param_spec_int64 ("parent-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_NOTES] =
      g_param_spec_string ("notes", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, ADIUVA_TYPE_TASK_STATUS, ADIUVA_TASK_STATUS_TODO,
                         ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_PRIORITY] =
      g_param_spec_int ("priority", NULL, NULL, 1, 4, 4, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_START] =
      g_param_spec_string ("start", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_DUE] =
      g_param_spec_string ("due", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_COMPLETED_AT] =
      g_param_spec_int64 ("completed-at", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_POSITION] =
      g_param_spec_double ("position", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                           ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_RECURRENCE] =
      g_param_spec_string ("recurrence", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_IS_AI_SUGGESTED] =
      g_param_spec_boolean ("is-ai-suggested", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_IS_APPROVED] =
      g_param_spec_boolean ("is-approved", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);
  /* Not a column: kept in task_tags. Never NULL once loaded. */
  properties[PROP_TAGS] =
      g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_task_init (AdiuvaTask *self)
{
}

AdiuvaTask *
adiuva_task_new (void)
{
  return g_object_new (ADIUVA_TYPE_TASK, NULL);
}

gint64
adiuva_task_get_project_id (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PROJECT_ID));
}

void
adiuva_task_set_project_id (AdiuvaTask *self,
                            gint64      project_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, project_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PROJECT_ID, &value,
                                     properties[PROP_PROJECT_ID]);
}

gint64
adiuva_task_get_parent_id (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PARENT_ID));
}

void
adiuva_task_set_parent_id (AdiuvaTask *self,
                           gint64      parent_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, parent_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PARENT_ID, &value,
                                     properties[PROP_PARENT_ID]);
}

const char *
adiuva_task_get_title (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_TITLE));
}

void
adiuva_task_set_title (AdiuvaTask *self,
                       const char *title)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, title);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_TITLE, &value, properties[PROP_TITLE]);
}

const char *
adiuva_task_get_notes (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_NOTES));
}

void
adiuva_task_set_notes (AdiuvaTask *self,
                       const char *notes)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, notes);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_NOTES, &value, properties[PROP_NOTES]);
}

AdiuvaTaskStatus
adiuva_task_get_status (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_enum (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_STATUS));
}

void
adiuva_task_set_status (AdiuvaTask      *self,
                        AdiuvaTaskStatus status)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, ADIUVA_TYPE_TASK_STATUS);
  g_value_set_enum (&value, status);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_STATUS, &value, properties[PROP_STATUS]);
}

int
adiuva_task_get_priority (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_int (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PRIORITY));
}

void
adiuva_task_set_priority (AdiuvaTask *self,
                          int         priority)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, priority);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PRIORITY, &value,
                                     properties[PROP_PRIORITY]);
}

const char *
adiuva_task_get_start (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_START));
}

void
adiuva_task_set_start (AdiuvaTask *self,
                       const char *start)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, start);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_START, &value, properties[PROP_START]);
}

const char *
adiuva_task_get_due (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_DUE));
}

void
adiuva_task_set_due (AdiuvaTask *self,
                     const char *due)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, due);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_DUE, &value, properties[PROP_DUE]);
}

gint64
adiuva_task_get_completed_at (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_COMPLETED_AT));
}

void
adiuva_task_set_completed_at (AdiuvaTask *self,
                              gint64      completed_at)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, completed_at);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_COMPLETED_AT, &value,
                                     properties[PROP_COMPLETED_AT]);
}

double
adiuva_task_get_position (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_double (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_POSITION));
}

void
adiuva_task_set_position (AdiuvaTask *self,
                          double      position)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, position);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_POSITION, &value,
                                     properties[PROP_POSITION]);
}

const char *
adiuva_task_get_recurrence (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_RECURRENCE));
}

void
adiuva_task_set_recurrence (AdiuvaTask *self,
                            const char *recurrence)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, recurrence);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_RECURRENCE, &value,
                                     properties[PROP_RECURRENCE]);
}

gboolean
adiuva_task_get_is_ai_suggested (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self),
                                                         PROP_IS_AI_SUGGESTED));
}

void
adiuva_task_set_is_ai_suggested (AdiuvaTask *self,
                                 gboolean    is_ai_suggested)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, is_ai_suggested);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_IS_AI_SUGGESTED, &value,
                                     properties[PROP_IS_AI_SUGGESTED]);
}

gboolean
adiuva_task_get_is_approved (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_IS_APPROVED));
}

void
adiuva_task_set_is_approved (AdiuvaTask *self,
                             gboolean    is_approved)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, is_approved);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_IS_APPROVED, &value,
                                     properties[PROP_IS_APPROVED]);
}

const char *const *
adiuva_task_get_tags (AdiuvaTask *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK (self), NULL);

  return (const char *const *) g_value_get_boxed (_adiuva_record_peek_value (ADIUVA_RECORD (self),
                                                                             PROP_TAGS));
}

void
adiuva_task_set_tags (AdiuvaTask        *self,
                      const char *const *tags)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK (self));

  g_value_init (&value, G_TYPE_STRV);
  g_value_set_boxed (&value, tags);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_TAGS, &value, properties[PROP_TAGS]);
}
