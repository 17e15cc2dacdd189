/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-message"

#include "config.h"

#include "adiuva-message.h"
#include "adiuva-record-private.h"
#include "adiuva-store-enums.h"

/**
 * AdiuvaMessage:
 *
 * One message of a conversation, in the gateway's canonical chat shape: a role, its text, and
 * for tool use the calls an assistant asked for (@tool-calls, their JSON array as text) or the
 * call a tool message answers (@tool-call-id). An assistant message keeps the model that wrote
 * it and the LLM call log row it came from (@llm-call-id, 0 for none). An answer is saved while
 * it streams, marked @unfinished until it ends: one still marked later was cut off (by a crash).
 */
struct _AdiuvaMessage
{
  AdiuvaRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (AdiuvaMessage, adiuva_message, ADIUVA_TYPE_RECORD)

enum
{
  PROP_0,
  PROP_CONVERSATION_ID,
  PROP_ROLE,
  PROP_CONTENT,
  PROP_TOOL_CALLS,
  PROP_TOOL_CALL_ID,
  PROP_MODEL,
  PROP_LLM_CALL_ID,
  PROP_UNFINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const columns[] = {
  "conversation_id",
  "role",
  "content",
  "tool_calls",
  "tool_call_id",
  "model",
  "llm_call_id",
  "unfinished",
  NULL,
};

static void
adiuva_message_class_init (AdiuvaMessageClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  AdiuvaRecordClass *record_class = ADIUVA_RECORD_CLASS (klass);

  object_class->get_property = _adiuva_record_get_value_property;
  object_class->set_property = _adiuva_record_set_value_property;

  record_class->table = "messages";
  record_class->entity = ADIUVA_ENTITY_MESSAGE;
  record_class->columns = columns;

  properties[PROP_CONVERSATION_ID] =
      g_param_spec_int64 ("conversation-id", NULL, NULL, 0, G_MAXINT64, 0,
                          ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_ROLE] =
      g_param_spec_enum ("role", NULL, NULL, ADIUVA_TYPE_MESSAGE_ROLE, ADIUVA_MESSAGE_ROLE_USER,
                         ADIUVA_RECORD_PROP_FLAGS);
  /* "" as in the schema: an assistant message that only calls tools has no text. */
  properties[PROP_CONTENT] =
      g_param_spec_string ("content", NULL, NULL, "", ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_TOOL_CALLS] =
      g_param_spec_string ("tool-calls", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_TOOL_CALL_ID] =
      g_param_spec_string ("tool-call-id", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_MODEL] =
      g_param_spec_string ("model", NULL, NULL, NULL, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_LLM_CALL_ID] =
      g_param_spec_int64 ("llm-call-id", NULL, NULL, 0, G_MAXINT64, 0, ADIUVA_RECORD_PROP_FLAGS);
  properties[PROP_UNFINISHED] =
      g_param_spec_boolean ("unfinished", NULL, NULL, FALSE, ADIUVA_RECORD_PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_message_init (AdiuvaMessage *self)
{
}

/**
 * adiuva_message_new:
 * @conversation_id: the conversation it belongs to
 * @content: (nullable): its text
 */
AdiuvaMessage *
adiuva_message_new (gint64            conversation_id,
                    AdiuvaMessageRole role,
                    const char       *content)
{
  return g_object_new (ADIUVA_TYPE_MESSAGE,
                       "conversation-id", conversation_id,
                       "role", role,
                       "content", content,
                       NULL);
}

static const char *
get_string (AdiuvaMessage *self,
            guint          prop_id)
{
  return g_value_get_string (_adiuva_record_peek_value (ADIUVA_RECORD (self), prop_id));
}

static void
set_string (AdiuvaMessage *self,
            guint          prop_id,
            const char    *text)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  _adiuva_record_set_value_property (G_OBJECT (self), prop_id, &value, properties[prop_id]);
}

static gint64
get_int64 (AdiuvaMessage *self,
           guint          prop_id)
{
  return g_value_get_int64 (_adiuva_record_peek_value (ADIUVA_RECORD (self), prop_id));
}

static void
set_int64 (AdiuvaMessage *self,
           guint          prop_id,
           gint64         number)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, number);
  _adiuva_record_set_value_property (G_OBJECT (self), prop_id, &value, properties[prop_id]);
}

gint64
adiuva_message_get_conversation_id (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), 0);

  return get_int64 (self, PROP_CONVERSATION_ID);
}

void
adiuva_message_set_conversation_id (AdiuvaMessage *self,
                                    gint64         conversation_id)
{
  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  set_int64 (self, PROP_CONVERSATION_ID, conversation_id);
}

AdiuvaMessageRole
adiuva_message_get_role (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), ADIUVA_MESSAGE_ROLE_USER);

  return g_value_get_enum (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_ROLE));
}

void
adiuva_message_set_role (AdiuvaMessage    *self,
                         AdiuvaMessageRole role)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  g_value_init (&value, ADIUVA_TYPE_MESSAGE_ROLE);
  g_value_set_enum (&value, role);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_ROLE, &value, properties[PROP_ROLE]);
}

const char *
adiuva_message_get_content (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), NULL);

  return get_string (self, PROP_CONTENT);
}

void
adiuva_message_set_content (AdiuvaMessage *self,
                            const char    *content)
{
  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  set_string (self, PROP_CONTENT, content);
}

const char *
adiuva_message_get_tool_calls (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), NULL);

  return get_string (self, PROP_TOOL_CALLS);
}

/**
 * adiuva_message_set_tool_calls:
 * @tool_calls: (nullable): the JSON array of tool calls, as text; not checked here
 */
void
adiuva_message_set_tool_calls (AdiuvaMessage *self,
                               const char    *tool_calls)
{
  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  set_string (self, PROP_TOOL_CALLS, tool_calls);
}

const char *
adiuva_message_get_tool_call_id (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), NULL);

  return get_string (self, PROP_TOOL_CALL_ID);
}

void
adiuva_message_set_tool_call_id (AdiuvaMessage *self,
                                 const char    *tool_call_id)
{
  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  set_string (self, PROP_TOOL_CALL_ID, tool_call_id);
}

const char *
adiuva_message_get_model (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), NULL);

  return get_string (self, PROP_MODEL);
}

void
adiuva_message_set_model (AdiuvaMessage *self,
                          const char    *model)
{
  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  set_string (self, PROP_MODEL, model);
}

gint64
adiuva_message_get_llm_call_id (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), 0);

  return get_int64 (self, PROP_LLM_CALL_ID);
}

/**
 * adiuva_message_set_llm_call_id:
 * @llm_call_id: a row of the LLM call log (adiuva_store_add_llm_call_full()), 0 for none
 */
void
adiuva_message_set_llm_call_id (AdiuvaMessage *self,
                                gint64         llm_call_id)
{
  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  set_int64 (self, PROP_LLM_CALL_ID, llm_call_id);
}

gboolean
adiuva_message_get_unfinished (AdiuvaMessage *self)
{
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (self), FALSE);

  return g_value_get_boolean (_adiuva_record_peek_value (ADIUVA_RECORD (self), PROP_UNFINISHED));
}

/**
 * adiuva_message_set_unfinished:
 * @unfinished: %TRUE while the answer is still being written
 */
void
adiuva_message_set_unfinished (AdiuvaMessage *self,
                               gboolean       unfinished)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_if_fail (ADIUVA_IS_MESSAGE (self));

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, unfinished);
  _adiuva_record_set_value_property (G_OBJECT (self), PROP_UNFINISHED, &value,
                                     properties[PROP_UNFINISHED]);
}
