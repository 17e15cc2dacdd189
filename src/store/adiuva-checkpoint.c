/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-checkpoint"

#include "config.h"

#include "adiuva-checkpoint.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaCheckpoint:
 *
 * A checkpoint: a dated milestone on a project's timeline. @date is a floating date.
 */
struct _AdiuvaCheckpoint
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaCheckpoint, adiuva_checkpoint, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_PROJECT_ID,
  PROP_TITLE,
  PROP_NOTES,
  PROP_DATE,
  PROP_DONE,
  PROP_IS_AI_SUGGESTED,
  PROP_IS_APPROVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = { "project_id", "title", "notes", "date", "done",
                                       "is_ai_suggested", "is_approved", NULL };

static void
adiuva_checkpoint_class_init (AdiuvaCheckpointClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "checkpoints";
  record_class->entity = ADIUVA_ENTITY_CHECKPOINT;
  record_class->columns = columns;

  properties[PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_NOTES] =
      g_param_spec_string ("notes", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_DATE] =
      g_param_spec_string ("date", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_DONE] =
      g_param_spec_boolean ("done", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_IS_AI_SUGGESTED] =
      g_param_spec_boolean ("is-ai-suggested", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_IS_APPROVED] =
      g_param_spec_boolean ("is-approved", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_checkpoint_init (AdiuvaCheckpoint *self)
{
}

AdiuvaCheckpoint *
adiuva_checkpoint_new (void)
{
  return g_object_new (ADIUVA_TYPE_CHECKPOINT, NULL);
}

gint64
adiuva_checkpoint_get_project_id (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PROJECT_ID));
}

void
adiuva_checkpoint_set_project_id (AdiuvaCheckpoint *self,
                                  gint64            project_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, project_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PROJECT_ID, &value,
                                     properties[PROP_PROJECT_ID]);
}

const char *
adiuva_checkpoint_get_title (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_TITLE));
}

void
adiuva_checkpoint_set_title (AdiuvaCheckpoint *self,
                             const char       *title)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, title);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_TITLE, &value, properties[PROP_TITLE]);
}

const char *
adiuva_checkpoint_get_notes (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_NOTES));
}

void
adiuva_checkpoint_set_notes (AdiuvaCheckpoint *self,
                             const char       *notes)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, notes);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_NOTES, &value, properties[PROP_NOTES]);
}

const char *
adiuva_checkpoint_get_date (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_DATE));
}

void
adiuva_checkpoint_set_date (AdiuvaCheckpoint *self,
                            const char       *date)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, date);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_DATE, &value, properties[PROP_DATE]);
}

gboolean
adiuva_checkpoint_get_done (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_DONE));
}

void
adiuva_checkpoint_set_done (AdiuvaCheckpoint *self,
                            gboolean          done)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, done);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_DONE, &value, properties[PROP_DONE]);
}

gboolean
adiuva_checkpoint_get_is_ai_suggested (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self),
                                                         PROP_IS_AI_SUGGESTED));
}

void
adiuva_checkpoint_set_is_ai_suggested (AdiuvaCheckpoint *self,
                                       gboolean          is_ai_suggested)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, is_ai_suggested);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_IS_AI_SUGGESTED, &value,
                                     properties[PROP_IS_AI_SUGGESTED]);
}

gboolean
adiuva_checkpoint_get_is_approved (AdiuvaCheckpoint *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHECKPOINT (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_IS_APPROVED));
}

void
adiuva_checkpoint_set_is_approved (AdiuvaCheckpoint *self,
                                   gboolean          is_approved)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CHECKPOINT (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, is_approved);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_IS_APPROVED, &value,
                                     properties[PROP_IS_APPROVED]);
}
