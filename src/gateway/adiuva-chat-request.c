/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include "adiuva-chat-request.h"

G_DEFINE_BOXED_TYPE (AdiuvaChatRequest, adiuva_chat_request, adiuva_chat_request_ref, adiuva_chat_request_unref)

void
adiuva_tool_definition_free (AdiuvaToolDefinition *tool)
{
  if (tool == NULL)
    return;

  g_free (tool->name);
  g_free (tool->description);
  g_clear_pointer (&tool->parameters, json_node_unref);
  g_free (tool);
}

static void
adiuva_chat_request_clear (AdiuvaChatRequest *self)
{
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->tools, g_ptr_array_unref);
  g_clear_pointer (&self->tool_choice_name, g_free);
  g_clear_pointer (&self->stop, g_strfreev);
  g_clear_pointer (&self->json_schema, json_node_unref);
  g_clear_pointer (&self->json_schema_name, g_free);
}

AdiuvaChatRequest *
adiuva_chat_request_new (const char *model)
{
  AdiuvaChatRequest *self = g_atomic_rc_box_new0 (AdiuvaChatRequest);

  self->model = g_strdup (model);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_chat_message_unref);
  self->tools = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_tool_definition_free);
  self->temperature = -1;
  self->top_p = -1;

  return self;
}

AdiuvaChatRequest *
adiuva_chat_request_ref (AdiuvaChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
adiuva_chat_request_unref (AdiuvaChatRequest *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) adiuva_chat_request_clear);
}

/**
 * adiuva_chat_request_copy:
 *
 * A copy whose fields can be changed (a fallback to another model changes @model) while the
 * messages, which never change once sent, are shared.
 */
AdiuvaChatRequest *
adiuva_chat_request_copy (AdiuvaChatRequest *self)
{
  AdiuvaChatRequest *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = adiuva_chat_request_new (self->model);
  for (guint i = 0; i < self->messages->len; i++)
    adiuva_chat_request_add_message (copy, g_ptr_array_index (self->messages, i));
  for (guint i = 0; i < self->tools->len; i++)
    {
      const AdiuvaToolDefinition *tool = g_ptr_array_index (self->tools, i);

      adiuva_chat_request_add_tool (copy, tool->name, tool->description, tool->parameters);
    }
  copy->tool_choice = self->tool_choice;
  copy->tool_choice_name = g_strdup (self->tool_choice_name);
  copy->temperature = self->temperature;
  copy->top_p = self->top_p;
  copy->max_tokens = self->max_tokens;
  copy->stop = g_strdupv (self->stop);
  copy->response_format = self->response_format;
  copy->json_schema = self->json_schema != NULL ? json_node_ref (self->json_schema) : NULL;
  copy->json_schema_name = g_strdup (self->json_schema_name);
  copy->reasoning = self->reasoning;
  copy->reasoning_budget = self->reasoning_budget;
  copy->stream = self->stream;

  return copy;
}

/**
 * adiuva_chat_request_add_message:
 * @message: (transfer none): the next message; the request takes a reference
 */
void
adiuva_chat_request_add_message (AdiuvaChatRequest *self,
                                 AdiuvaChatMessage *message)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (message != NULL);

  g_ptr_array_add (self->messages, adiuva_chat_message_ref (message));
}

/**
 * adiuva_chat_request_add_tool:
 * @parameters: (nullable): the arguments' JSON Schema; an empty object schema when %NULL
 */
void
adiuva_chat_request_add_tool (AdiuvaChatRequest *self,
                              const char        *name,
                              const char        *description,
                              JsonNode          *parameters)
{
  AdiuvaToolDefinition *tool;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  tool = g_new0 (AdiuvaToolDefinition, 1);
  tool->name = g_strdup (name);
  tool->description = g_strdup (description);
  if (parameters != NULL)
    tool->parameters = json_node_ref (parameters);
  else
    tool->parameters = json_from_string ("{\"type\": \"object\", \"properties\": {}}", NULL);
  g_ptr_array_add (self->tools, tool);
}
