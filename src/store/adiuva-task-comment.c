/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-task-comment"

#include "config.h"

#include "adiuva-task-comment.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaTaskComment:
 *
 * A comment on a task.
 */
struct _AdiuvaTaskComment
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaTaskComment, adiuva_task_comment, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_TASK_ID,
  PROP_BODY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = { "task_id", "body", NULL };

static void
adiuva_task_comment_class_init (AdiuvaTaskCommentClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "task_comments";
  record_class->entity = ADIUVA_ENTITY_TASK_COMMENT;
  record_class->columns = columns;

  properties[PROP_TASK_ID] =
      g_param_spec_int64 ("task-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_BODY] =
      g_param_spec_string ("body", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_task_comment_init (AdiuvaTaskComment *self)
{
}

AdiuvaTaskComment *
adiuva_task_comment_new (void)
{
  return g_object_new (ADIUVA_TYPE_TASK_COMMENT, NULL);
}

gint64
adiuva_task_comment_get_task_id (AdiuvaTaskComment *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK_COMMENT (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_TASK_ID));
}

void
adiuva_task_comment_set_task_id (AdiuvaTaskComment *self,
                                 gint64             task_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK_COMMENT (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, task_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_TASK_ID, &value,
                                     properties[PROP_TASK_ID]);
}

const char *
adiuva_task_comment_get_body (AdiuvaTaskComment *self)
{
  g_return_val_if_fail (ADIUVA_IS_TASK_COMMENT (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_BODY));
}

void
adiuva_task_comment_set_body (AdiuvaTaskComment *self,
                              const char        *body)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_TASK_COMMENT (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, body);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_BODY, &value, properties[PROP_BODY]);
}
