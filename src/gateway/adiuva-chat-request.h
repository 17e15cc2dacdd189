/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-chat-message.h"

G_BEGIN_DECLS

/**
 * AdiuvaToolDefinition:
 * @name: the tool's name
 * @description: what it does, for the model
 * @parameters: its arguments as a JSON Schema object
 */
struct _AdiuvaToolDefinition
{
  char     *name;
  char     *description;
  JsonNode *parameters;
};

/**
 * AdiuvaChatRequest:
 * @model: the model as the provider names it (routing has already resolved aliases)
 * @messages: (element-type AdiuvaChatMessage): the conversation, system messages included
 *   wherever they stand: adapters keep every one of them
 * @tools: (element-type AdiuvaToolDefinition): the tools the model may call
 * @tool_choice: whether it may, must or must not call them
 * @tool_choice_name: the tool it must call, with %ADIUVA_TOOL_CHOICE_NAMED
 * @temperature: sampling temperature, or a negative number to leave the provider's default
 * @top_p: nucleus sampling, or a negative number for the default
 * @max_tokens: the longest answer in tokens, or 0 for the default
 * @stop: (nullable): stop sequences
 * @response_format: free text, any JSON object, or JSON following @json_schema
 * @json_schema: (nullable): the schema for %ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA
 * @json_schema_name: (nullable): its name, which OpenAI requires
 * @reasoning: how hard a reasoning model should think
 * @reasoning_budget: a budget in tokens for thinking (Anthropic, Gemini), 0 for the
 *   provider's default for @reasoning
 * @stream: whether the answer is streamed
 *
 * A chat request in the canonical format. Reference counted.
 */
struct _AdiuvaChatRequest
{
  char                 *model;
  GPtrArray            *messages;
  GPtrArray            *tools;
  AdiuvaToolChoice      tool_choice;
  char                 *tool_choice_name;
  double                temperature;
  double                top_p;
  gint64                max_tokens;
  GStrv                 stop;
  AdiuvaResponseFormat  response_format;
  JsonNode             *json_schema;
  char                 *json_schema_name;
  AdiuvaReasoningEffort reasoning;
  gint64                reasoning_budget;
  gboolean              stream;
};

#define ADIUVA_TYPE_CHAT_REQUEST (adiuva_chat_request_get_type ())

GType              adiuva_chat_request_get_type (void) G_GNUC_CONST;
AdiuvaChatRequest *adiuva_chat_request_new (const char *model);
AdiuvaChatRequest *adiuva_chat_request_ref (AdiuvaChatRequest *self);
void               adiuva_chat_request_unref (AdiuvaChatRequest *self);
AdiuvaChatRequest *adiuva_chat_request_copy (AdiuvaChatRequest *self);
void               adiuva_chat_request_add_message (AdiuvaChatRequest *self,
                                                    AdiuvaChatMessage *message);
void               adiuva_chat_request_add_tool (AdiuvaChatRequest *self,
                                                 const char        *name,
                                                 const char        *description,
                                                 JsonNode          *parameters);

void adiuva_tool_definition_free (AdiuvaToolDefinition *tool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaChatRequest, adiuva_chat_request_unref)

G_END_DECLS
