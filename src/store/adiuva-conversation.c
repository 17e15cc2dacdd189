/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-conversation"

#include "config.h"

#include "adiuva-conversation.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaConversation:
 *
 * A chat with the assistant, optionally about a project. Its title may stay empty until the
 * first exchange names it; its messages are AdiuvaMessage records.
 */
struct _AdiuvaConversation
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaConversation, adiuva_conversation, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_PROJECT_ID,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = { "title", "project_id", "model", NULL };

static void
adiuva_conversation_class_init (AdiuvaConversationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "conversations";
  record_class->entity = ADIUVA_ENTITY_CONVERSATION;
  record_class->columns = columns;

  /* The default "" (the schema's) is what lets the title be blank; see adiuva-store-records.c. */
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, "", ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_MODEL] =
      g_param_spec_string ("model", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_conversation_init (AdiuvaConversation *self)
{
}

AdiuvaConversation *
adiuva_conversation_new (void)
{
  return g_object_new (ADIUVA_TYPE_CONVERSATION, NULL);
}

const char *
adiuva_conversation_get_title (AdiuvaConversation *self)
{
  g_return_val_if_fail (ADIUVA_IS_CONVERSATION (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_TITLE));
}

void
adiuva_conversation_set_title (AdiuvaConversation *self,
                               const char         *title)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CONVERSATION (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, title);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_TITLE, &value, properties[PROP_TITLE]);
}

gint64
adiuva_conversation_get_project_id (AdiuvaConversation *self)
{
  g_return_val_if_fail (ADIUVA_IS_CONVERSATION (self), 0);

  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_PROJECT_ID));
}

void
adiuva_conversation_set_project_id (AdiuvaConversation *self,
                                    gint64              project_id)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CONVERSATION (self));

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, project_id);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_PROJECT_ID, &value,
                                     properties[PROP_PROJECT_ID]);
}

const char *
adiuva_conversation_get_model (AdiuvaConversation *self)
{
  g_return_val_if_fail (ADIUVA_IS_CONVERSATION (self), NULL);

  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_MODEL));
}

void
adiuva_conversation_set_model (AdiuvaConversation *self,
                               const char         *model)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_CONVERSATION (self));

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, model);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_MODEL, &value, properties[PROP_MODEL]);
}
