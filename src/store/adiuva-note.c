/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-note"

#include "config.h"

#include "adiuva-note.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaNote:
 *
 * A markdown note, optionally attached to a project.
 */
struct _AdiuvaNote
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaNote, adiuva_note, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_PROJECT_ID,
  PROP_TITLE,
  PROP_BODY,
  PROP_PINNED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = { "project_id", "title", "body", "pinned", NULL };

static void
adiuva_note_class_init (AdiuvaNoteClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "notes";
  record_class->entity = ADIUVA_ENTITY_NOTE;
  record_class->columns = columns;

  properties[PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_BODY] =
      g_param_spec_string ("body", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_PINNED] =
      g_param_spec_boolean ("pinned", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_note_init (AdiuvaNote *self)
{
}

AdiuvaNote *
adiuva_note_new (void)
{
  return g_object_new (ADIUVA_TYPE_NOTE, NULL);
}

gint64
adiuva_note_get_project_id (AdiuvaNote *self)
{
  g_return_val_if_fail (ADIUVA_IS_NOTE (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PROJECT_ID));
}

void
adiuva_note_set_project_id (AdiuvaNote *self,
                            gint64      project_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_NOTE (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, project_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PROJECT_ID, &value,
                                     properties[PROP_PROJECT_ID]);
}

const char *
adiuva_note_get_title (AdiuvaNote *self)
{
  g_return_val_if_fail (ADIUVA_IS_NOTE (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_TITLE));
}

void
adiuva_note_set_title (AdiuvaNote *self,
                       const char *title)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_NOTE (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, title);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_TITLE, &value, properties[PROP_TITLE]);
}

const char *
adiuva_note_get_body (AdiuvaNote *self)
{
  g_return_val_if_fail (ADIUVA_IS_NOTE (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_BODY));
}

void
adiuva_note_set_body (AdiuvaNote *self,
                      const char *body)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_NOTE (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, body);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_BODY, &value, properties[PROP_BODY]);
}

gboolean
adiuva_note_get_pinned (AdiuvaNote *self)
{
  g_return_val_if_fail (ADIUVA_IS_NOTE (self), 0);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PINNED));
}

void
adiuva_note_set_pinned (AdiuvaNote *self,
                        gboolean    pinned)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_NOTE (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, pinned);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PINNED, &value, properties[PROP_PINNED]);
}
