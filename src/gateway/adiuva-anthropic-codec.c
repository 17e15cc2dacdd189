/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-anthropic-codec-private.h"
#include "adiuva-sse-decoder.h"
#include "adiuva-wire-codec-private.h"

/* Anthropic's Messages API (POST /v1/messages), both ways. Decisions, tested in
 * tests/gateway/test-anthropic-codec.c:
 *
 * Requests
 * - Every system message becomes one text block of the top-level `system` array per text
 *   part, in the order of the conversation. A system message in the middle of the
 *   conversation moves there too: Anthropic has no other place for one, and keeping all of
 *   them in order is what the caller meant (an earlier one is not dropped for a later one).
 * - Messages alternate user/assistant: consecutive messages of the same Anthropic role are
 *   merged into one, and tool messages become tool_result blocks of a user message, so
 *   several tool results in a row are one user message. Empty text parts are left out and a
 *   message left with no blocks is dropped, since Anthropic refuses both.
 * - Images in user messages and tool results are {type: base64} blocks from bytes or from a
 *   base64 data: URL, or {type: url} blocks from an http(s) URL. Anthropic takes no images
 *   in system or assistant messages; those are left out.
 * - An assistant message starts with a thinking block when it carries reasoning and its
 *   signature (Anthropic needs it back when a tool-use turn is continued with thinking on);
 *   reasoning without a signature came from another provider and cannot be sent back. Then
 *   come its text and its tool_use blocks, whose input is the arguments parsed as a JSON
 *   object. Arguments that are not a JSON object (a call cut by max_tokens) are sent as
 *   {"raw_arguments": "<the text>"}, so a conversation that holds one can still go on.
 * - Tool call ids are sent as they are, with characters outside [A-Za-z0-9_-] (which
 *   Anthropic refuses) replaced by '_', the same way in tool_use and tool_result. A call
 *   without an id (Gemini and Ollama give none) gets "toolu_adiuva_<message>_<call>", its
 *   position in the request; a tool result without an id answers the first unanswered call
 *   of the assistant message before it with the same tool name, or else the first
 *   unanswered one.
 * - max_tokens is required: the request's, or 4096, plus the thinking budget when thinking.
 * - Thinking is {type: enabled, budget_tokens}: the request's budget, or 1024 / 4096 / 16384
 *   tokens for low / medium / high effort. Anthropic's rules decide the rest: the budget must
 *   be at least 1024 and below max_tokens, so an explicit max_tokens caps it (at max_tokens
 *   - 1 for an explicit budget, at half of it for an effort) and thinking is left off when
 *   that is under 1024. Thinking is also left off when the tool choice forces a call, and
 *   when the request continues a tool-use turn whose assistant message has no signed
 *   thinking (it came from another provider), since Anthropic refuses both. With thinking,
 *   temperature is not sent and top_p only when at least 0.95, which is all Anthropic allows.
 * - Temperature is clamped to Anthropic's range, 0 to 1.
 * - tool_choice is sent only with tools and when it is not AUTO (Anthropic's default):
 *   REQUIRED is {type: any}, NAMED {type: tool, name}, NONE {type: none}.
 * - Anthropic has no response_format. A JSON schema goes to output_config.format
 *   ({type: json_schema, schema}), Anthropic's structured outputs, which constrain the text
 *   answer itself, so nothing changes when decoding. Plain JSON mode has no schema to give
 *   it and becomes a last system block asking for one JSON object and nothing else. An
 *   assistant prefill is not used: newer Claude models refuse it.
 * - `stream` is sent only when true.
 *
 * Responses
 * - text blocks are TEXT, thinking blocks REASONING and REASONING_SIGNATURE, tool_use blocks
 *   TOOL_CALL with their input written back as JSON text; tool indexes count the tool_use
 *   blocks, not the content blocks. redacted_thinking blocks are left out: their data is
 *   encrypted and the canonical message has no place to keep it opaque. Server tool blocks
 *   (web search and the like) are left out too: Anthropic ran those itself.
 * - stop_reason end_turn, stop_sequence and pause_turn are STOP; max_tokens and
 *   model_context_window_exceeded LENGTH; tool_use TOOL_CALLS; refusal CONTENT_FILTER.
 * - Usage: input is input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
 *   cached input is cache_read_input_tokens, output is output_tokens (its
 *   output_tokens_details.thinking_tokens, where sent, is the reasoning).
 * - Streams: message_start gives the input usage, content_block_start/delta carry the
 *   blocks, message_delta the stop reason and the output usage, message_stop ends the
 *   answer. ping and unknown events are ignored, as is anything after message_stop. A body
 *   that ends before message_stop was cut. An error event is the provider's error, with the
 *   code its type means ({"type": "overloaded_error"} is OVERLOADED), worded like an HTTP
 *   error of the status Anthropic documents for that type.
 * - Unknown fields are ignored; invalid JSON, a missing required field or a value of the
 *   wrong type is ADIUVA_GATEWAY_ERROR_PROTOCOL.
 *
 * The loopback endpoint, where a client speaks Anthropic to the gateway, is the other half of
 * this codec: adiuva-anthropic-loopback.c.
 */

#define DEFAULT_MAX_TOKENS 4096
#define MIN_THINKING_BUDGET 1024
#define MIN_THINKING_TOP_P 0.95

/* Anthropic answers with a handful of blocks; more than this is a broken or hostile stream,
 * and the bound keeps the block table of an open stream small. */
#define MAX_CONTENT_BLOCKS 4096

/* Past this the unescaped text of an event is dropped rather than kept until the next
 * event, so an open stream stays small after one large event. */
#define KEEP_BUFFER_BELOW (32 * 1024)

static const char json_object_instruction[] =
    "Respond with a single valid JSON object and nothing else: no prose before or after it "
    "and no Markdown code fences.";

/* Common */

static gboolean
set_protocol_error (GError    **error,
                    const char *what)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
               _ ("The provider’s answer does not follow Anthropic’s protocol: %s."), what);
  return FALSE;
}

/* Errors */

/* The status Anthropic documents for each error type, so an error event inside a stream
 * (which has already answered 200) reads like the HTTP error it stands for. */
static guint
status_for_error_type (const char *type)
{
  static const struct
  {
    const char *type;
    guint       status;
  } statuses[] = {
    { "invalid_request_error", 400 },
    { "authentication_error", 401 },
    { "billing_error", 402 },
    { "permission_error", 403 },
    { "not_found_error", 404 },
    { "request_too_large", 413 },
    { "rate_limit_error", 429 },
    { "api_error", 500 },
    { "timeout_error", 504 },
    { "overloaded_error", 529 },
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (statuses); i++)
    {
      if (strcmp (type, statuses[i].type) == 0)
        return statuses[i].status;
    }

  return 500;
}

/* {"type": "error", "error": {"type": …, "message": …}}; the message, or the type when
 * there is none. */
static const char *
get_error_details (JsonObject  *object,
                   const char **type)
{
  JsonObject *details = _adiuva_json_get_object (object, "error");
  const char *message;

  *type = NULL;
  if (details == NULL)
    return NULL;

  *type = _adiuva_json_get_string (details, "type");
  message = _adiuva_json_get_string (details, "message");
  return message != NULL && *message != '\0' ? message : *type;
}

static gboolean
set_error_event (JsonObject *object,
                 GError    **error)
{
  const char *type;
  const char *message = get_error_details (object, &type);

  _adiuva_wire_codec_set_http_error (error, status_for_error_type (type), message);
  return FALSE;
}

static void
anthropic_decode_error (guint       status,
                        const char *body,
                        gsize       body_len,
                        GError    **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char      *message = NULL;
  const char      *type = NULL;

  if (body != NULL && body_len > 0)
    root = _adiuva_wire_codec_parse_json (body, body_len, NULL);
  message = get_error_details (_adiuva_json_node_get_object (root), &type);

  /* What a body that is not Anthropic's JSON says, when it is text: a proxy's "Bad Gateway". */
  if (message == NULL)
    message = text =
        _adiuva_wire_codec_dup_excerpt (body, body_len, ADIUVA_WIRE_CODEC_BODY_EXCERPT);

  /* A caller that has only the body of an error event still gets the right code. */
  if (status < 400 && type != NULL)
    status = status_for_error_type (type);

  _adiuva_wire_codec_set_http_error (error, status, message);
}

/* Usage and stop reasons */

static void
read_usage (JsonObject  *object,
            AdiuvaUsage *usage)
{
  JsonObject *details = _adiuva_json_get_object (object, "output_tokens_details");
  gint64      input = _adiuva_json_get_count (object, "input_tokens");
  gint64      cache_read = _adiuva_json_get_count (object, "cache_read_input_tokens");
  gint64      cache_creation = _adiuva_json_get_count (object, "cache_creation_input_tokens");

  /* Anthropic's input_tokens are only those after the last cache breakpoint. */
  if (input >= 0)
    usage->input_tokens = input + MAX (cache_read, 0) + MAX (cache_creation, 0);
  usage->cached_input_tokens = cache_read;
  usage->output_tokens = _adiuva_json_get_count (object, "output_tokens");
  usage->reasoning_tokens = _adiuva_json_get_count (details, "thinking_tokens");
}

static gboolean
emit_usage (const AdiuvaDeltaSink *sink,
            JsonObject            *object,
            GError               **error)
{
  AdiuvaUsage usage = ADIUVA_USAGE_INIT;

  read_usage (_adiuva_json_get_object (object, "usage"), &usage);
  return _adiuva_wire_codec_emit_usage (sink, &usage, error);
}

static AdiuvaFinishReason
finish_from_stop_reason (const char *reason)
{
  if (strcmp (reason, "max_tokens") == 0 || strcmp (reason, "model_context_window_exceeded") == 0)
    return ADIUVA_FINISH_LENGTH;
  if (strcmp (reason, "tool_use") == 0)
    return ADIUVA_FINISH_TOOL_CALLS;
  if (strcmp (reason, "refusal") == 0)
    return ADIUVA_FINISH_CONTENT_FILTER;

  /* end_turn, stop_sequence, pause_turn, and whatever Anthropic adds later. */
  return ADIUVA_FINISH_STOP;
}

static gboolean
emit_stop_reason (const AdiuvaDeltaSink *sink,
                  JsonObject            *object,
                  GError               **error)
{
  const char *reason = _adiuva_json_get_string (object, "stop_reason");

  if (reason == NULL)
    return TRUE;

  return _adiuva_wire_codec_emit_finish (sink, finish_from_stop_reason (reason), error);
}

/* Encoding requests */

typedef struct
{
  char       *id;
  const char *name;
  gboolean    answered;
} SentCall;

static void
sent_call_clear (SentCall *call)
{
  g_free (call->id);
}

typedef struct
{
  JsonBuilder *builder;
  const char  *role;  /* of the message being built, or NULL */
  GArray      *calls; /* SentCall: those of the last assistant message */
  guint        message_index;
} RequestEncoder;

static char *
dup_tool_use_id (const char *id,
                 guint       message_index,
                 guint       call_index)
{
  char *copy;

  if (id == NULL || *id == '\0')
    return g_strdup_printf ("toolu_adiuva_%u_%u", message_index, call_index);

  copy = g_strdup (id);
  for (char *p = copy; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
        *p = '_';
    }

  return copy;
}

static const char *
anthropic_role (AdiuvaRole role)
{
  switch (role)
    {
    case ADIUVA_ROLE_ASSISTANT:
      return "assistant";

    case ADIUVA_ROLE_SYSTEM:
    case ADIUVA_ROLE_USER:
    case ADIUVA_ROLE_TOOL:
    default:
      return "user";
    }
}

static gboolean
has_signed_reasoning (const AdiuvaChatMessage *message)
{
  return message->reasoning != NULL && *message->reasoning != '\0' &&
         message->reasoning_signature != NULL && *message->reasoning_signature != '\0';
}

static gboolean
part_is_sent (const AdiuvaContentPart *part,
              AdiuvaRole               role)
{
  switch (part->kind)
    {
    case ADIUVA_PART_TEXT:
      return part->text != NULL && *part->text != '\0';

    case ADIUVA_PART_IMAGE:
      return role == ADIUVA_ROLE_USER || role == ADIUVA_ROLE_TOOL;

    default:
      return FALSE;
    }
}

static gboolean
message_has_blocks (const AdiuvaChatMessage *message)
{
  if (message->role == ADIUVA_ROLE_TOOL)
    return TRUE;
  if (message->role == ADIUVA_ROLE_ASSISTANT &&
      (message->tool_calls->len > 0 || has_signed_reasoning (message)))
    return TRUE;

  for (guint i = 0; i < message->parts->len; i++)
    {
      if (part_is_sent (g_ptr_array_index (message->parts, i), message->role))
        return TRUE;
    }

  return FALSE;
}

static void
add_image (JsonBuilder             *builder,
           const AdiuvaContentPart *part)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "image");
  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);

  g_autofree char *base64 = NULL;
  g_autofree char *media_type = NULL;
  const char      *data = NULL;
  gboolean         is_base64 = FALSE;

  if (part->image_data != NULL)
    data = base64 = _adiuva_wire_codec_dup_base64 (part->image_data);
  else if (!_adiuva_wire_codec_parse_data_url (part->image_url, &media_type, &is_base64, &data) ||
           !is_base64)
    data = NULL;

  if (data != NULL)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "base64");
      json_builder_set_member_name (builder, "media_type");
      json_builder_add_string_value (builder, media_type != NULL ? media_type : part->media_type);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, data);
    }
  else
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "url");
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, part->image_url);
    }

  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* Adds a {type: text} block to @builder. */
void
_adiuva_anthropic_codec_add_text_block (JsonBuilder *builder,
                                        const char  *text)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "text");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
}

static void
add_parts (JsonBuilder             *builder,
           const AdiuvaChatMessage *message)
{
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (!part_is_sent (part, message->role))
        continue;

      if (part->kind == ADIUVA_PART_TEXT)
        _adiuva_anthropic_codec_add_text_block (builder, part->text);
      else
        add_image (builder, part);
    }
}

static JsonNode *
parse_arguments (const char *arguments)
{
  JsonNode   *node = _adiuva_wire_codec_parse_arguments (arguments);
  JsonObject *wrapper;
  JsonNode   *result;

  if (node != NULL)
    return node;

  wrapper = json_object_new ();
  json_object_set_string_member (wrapper, "raw_arguments", arguments);
  result = json_node_init_object (json_node_alloc (), wrapper);
  json_object_unref (wrapper);
  return result;
}

/* Adds a {type: tool_use} block to @builder, its input the arguments parsed (see the top). */
void
_adiuva_anthropic_codec_add_tool_use (JsonBuilder *builder,
                                      const char  *id,
                                      const char  *name,
                                      const char  *arguments)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "tool_use");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "input");
  json_builder_add_value (builder, parse_arguments (arguments));
  json_builder_end_object (builder);
}

/* Adds a {type: thinking} block with its signature to @builder. */
void
_adiuva_anthropic_codec_add_thinking_block (JsonBuilder *builder,
                                            const char  *thinking,
                                            const char  *signature)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "thinking");
  json_builder_set_member_name (builder, "thinking");
  json_builder_add_string_value (builder, thinking);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);
}

static void
add_assistant_blocks (RequestEncoder          *encoder,
                      const AdiuvaChatMessage *message)
{
  JsonBuilder *builder = encoder->builder;

  if (has_signed_reasoning (message))
    _adiuva_anthropic_codec_add_thinking_block (builder, message->reasoning,
                                                message->reasoning_signature);

  add_parts (builder, message);

  g_array_set_size (encoder->calls, 0);
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      SentCall              sent = { NULL, call->name, FALSE };

      sent.id = dup_tool_use_id (call->id, encoder->message_index, i);

      _adiuva_anthropic_codec_add_tool_use (builder, sent.id, call->name, call->arguments);
      g_array_append_val (encoder->calls, sent);
    }
}

/* The id of the call a tool result answers, for one that does not say (see the top). */
static char *
dup_answered_id (RequestEncoder          *encoder,
                 const AdiuvaChatMessage *message,
                 GError                 **error)
{
  SentCall *match = NULL;
  char     *id;

  if (message->tool_call_id != NULL && *message->tool_call_id != '\0')
    {
      id = dup_tool_use_id (message->tool_call_id, 0, 0);
      for (guint i = 0; i < encoder->calls->len; i++)
        {
          SentCall *call = &g_array_index (encoder->calls, SentCall, i);

          if (strcmp (call->id, id) == 0)
            call->answered = TRUE;
        }
      return id;
    }

  for (guint i = 0; match == NULL && message->name != NULL && i < encoder->calls->len; i++)
    {
      SentCall *call = &g_array_index (encoder->calls, SentCall, i);

      if (!call->answered && g_strcmp0 (call->name, message->name) == 0)
        match = call;
    }
  for (guint i = 0; match == NULL && i < encoder->calls->len; i++)
    {
      SentCall *call = &g_array_index (encoder->calls, SentCall, i);

      if (!call->answered)
        match = call;
    }

  if (match == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("A tool result in the conversation answers no tool call."));
      return NULL;
    }

  match->answered = TRUE;
  return g_strdup (match->id);
}

static gboolean
add_tool_result (RequestEncoder          *encoder,
                 const AdiuvaChatMessage *message,
                 GError                 **error)
{
  JsonBuilder     *builder = encoder->builder;
  g_autofree char *id = dup_answered_id (encoder, message, error);
  gboolean         has_image = FALSE;
  gboolean         has_text = FALSE;

  if (id == NULL)
    return FALSE;

  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      has_image |= part->kind == ADIUVA_PART_IMAGE;
      has_text |= part_is_sent (part, message->role) && part->kind == ADIUVA_PART_TEXT;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "tool_result");
  json_builder_set_member_name (builder, "tool_use_id");
  json_builder_add_string_value (builder, id);

  /* A string when it is only text, as the SDKs send it; blocks when there are images. */
  if (has_image)
    {
      json_builder_set_member_name (builder, "content");
      json_builder_begin_array (builder);
      add_parts (builder, message);
      json_builder_end_array (builder);
    }
  else if (has_text)
    {
      g_autofree char *text = adiuva_chat_message_dup_text ((AdiuvaChatMessage *) message);

      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, text);
    }

  json_builder_end_object (builder);
  return TRUE;
}

static void
end_message (RequestEncoder *encoder)
{
  if (encoder->role == NULL)
    return;

  json_builder_end_array (encoder->builder);
  json_builder_end_object (encoder->builder);
  encoder->role = NULL;
}

static gboolean
add_message (RequestEncoder          *encoder,
             const AdiuvaChatMessage *message,
             GError                 **error)
{
  JsonBuilder *builder = encoder->builder;
  const char  *role = anthropic_role (message->role);

  if (!message_has_blocks (message))
    return TRUE;

  if (encoder->role != role)
    {
      end_message (encoder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, role);
      json_builder_set_member_name (builder, "content");
      json_builder_begin_array (builder);
      encoder->role = role;
    }

  switch (message->role)
    {
    case ADIUVA_ROLE_ASSISTANT:
      add_assistant_blocks (encoder, message);
      return TRUE;

    case ADIUVA_ROLE_TOOL:
      return add_tool_result (encoder, message, error);

    case ADIUVA_ROLE_SYSTEM:
    case ADIUVA_ROLE_USER:
    default:
      add_parts (builder, message);
      return TRUE;
    }
}

static void
add_system (JsonBuilder       *builder,
            AdiuvaChatRequest *request)
{
  gboolean begun = FALSE;
  gboolean json_object = request->response_format == ADIUVA_RESPONSE_FORMAT_JSON_OBJECT ||
                         (request->response_format == ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA &&
                          request->json_schema == NULL);

  for (guint i = 0; i < request->messages->len; i++)
    {
      const AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);

      if (message->role != ADIUVA_ROLE_SYSTEM)
        continue;

      for (guint j = 0; j < message->parts->len; j++)
        {
          const AdiuvaContentPart *part = g_ptr_array_index (message->parts, j);

          if (part->kind != ADIUVA_PART_TEXT || part->text == NULL || *part->text == '\0')
            continue;

          if (!begun)
            {
              json_builder_set_member_name (builder, "system");
              json_builder_begin_array (builder);
              begun = TRUE;
            }
          _adiuva_anthropic_codec_add_text_block (builder, part->text);
        }
    }

  if (json_object)
    {
      if (!begun)
        {
          json_builder_set_member_name (builder, "system");
          json_builder_begin_array (builder);
          begun = TRUE;
        }
      _adiuva_anthropic_codec_add_text_block (builder, json_object_instruction);
    }

  if (begun)
    json_builder_end_array (builder);
}

static gboolean
forces_tool_use (AdiuvaChatRequest *request)
{
  return request->tools->len > 0 && (request->tool_choice == ADIUVA_TOOL_CHOICE_REQUIRED ||
                                     request->tool_choice == ADIUVA_TOOL_CHOICE_NAMED);
}

/* Whether the request goes on with a tool-use turn (only tool results follow the last
 * assistant message, which called tools) whose thinking Anthropic would need back. */
static gboolean
continues_unsigned_tool_turn (AdiuvaChatRequest *request)
{
  for (guint i = request->messages->len; i > 0; i--)
    {
      const AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i - 1);

      if (message->role == ADIUVA_ROLE_TOOL || message->role == ADIUVA_ROLE_SYSTEM)
        continue;
      if (message->role != ADIUVA_ROLE_ASSISTANT)
        return FALSE;

      return message->tool_calls->len > 0 && !has_signed_reasoning (message);
    }

  return FALSE;
}

/* The thinking budget to send, or 0 to leave thinking off (see the top). */
static gint64
thinking_budget (AdiuvaChatRequest *request)
{
  gint64 budget;
  gboolean explicit = request->reasoning_budget > 0;

  if (explicit)
    budget = request->reasoning_budget;
  else
    {
      switch (request->reasoning)
        {
        case ADIUVA_REASONING_LOW:
          budget = LOW_THINKING_BUDGET;
          break;

        case ADIUVA_REASONING_MEDIUM:
          budget = MEDIUM_THINKING_BUDGET;
          break;

        case ADIUVA_REASONING_HIGH:
          budget = HIGH_THINKING_BUDGET;
          break;

        case ADIUVA_REASONING_DEFAULT:
        default:
          return 0;
        }
    }

  if (forces_tool_use (request) || continues_unsigned_tool_turn (request))
    return 0;

  budget = MAX (budget, MIN_THINKING_BUDGET);
  if (request->max_tokens > 0)
    budget = MIN (budget, explicit ? request->max_tokens - 1 : request->max_tokens / 2);

  return budget >= MIN_THINKING_BUDGET ? budget : 0;
}

static void
add_tools (JsonBuilder       *builder,
           AdiuvaChatRequest *request)
{
  if (request->tools->len == 0)
    return;

  json_builder_set_member_name (builder, "tools");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->tools->len; i++)
    {
      const AdiuvaToolDefinition *tool = g_ptr_array_index (request->tools, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, tool->name);
      if (tool->description != NULL)
        {
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, tool->description);
        }
      json_builder_set_member_name (builder, "input_schema");
      json_builder_add_value (builder, json_node_copy (tool->parameters));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static gboolean
add_tool_choice (JsonBuilder       *builder,
                 AdiuvaChatRequest *request,
                 GError           **error)
{
  const char *type;

  if (request->tools->len == 0)
    return TRUE;

  switch (request->tool_choice)
    {
    case ADIUVA_TOOL_CHOICE_NONE:
      type = "none";
      break;

    case ADIUVA_TOOL_CHOICE_REQUIRED:
      type = "any";
      break;

    case ADIUVA_TOOL_CHOICE_NAMED:
      if (request->tool_choice_name == NULL || *request->tool_choice_name == '\0')
        {
          g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                               _ ("The request must call a tool but does not say which one."));
          return FALSE;
        }
      type = "tool";
      break;

    case ADIUVA_TOOL_CHOICE_AUTO:
    default:
      return TRUE;
    }

  json_builder_set_member_name (builder, "tool_choice");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  if (request->tool_choice == ADIUVA_TOOL_CHOICE_NAMED)
    {
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, request->tool_choice_name);
    }
  json_builder_end_object (builder);

  return TRUE;
}

static void
add_sampling (JsonBuilder       *builder,
              AdiuvaChatRequest *request,
              gint64             budget)
{
  if (request->temperature >= 0 && budget == 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, MIN (request->temperature, 1.0));
    }

  if (request->top_p >= 0 && (budget == 0 || request->top_p >= MIN_THINKING_TOP_P))
    {
      json_builder_set_member_name (builder, "top_p");
      json_builder_add_double_value (builder, MIN (request->top_p, 1.0));
    }

  if (request->stop != NULL && request->stop[0] != NULL)
    {
      json_builder_set_member_name (builder, "stop_sequences");
      json_builder_begin_array (builder);
      for (guint i = 0; request->stop[i] != NULL; i++)
        json_builder_add_string_value (builder, request->stop[i]);
      json_builder_end_array (builder);
    }

  if (budget > 0)
    {
      json_builder_set_member_name (builder, "thinking");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "enabled");
      json_builder_set_member_name (builder, "budget_tokens");
      json_builder_add_int_value (builder, budget);
      json_builder_end_object (builder);
    }
}

static JsonNode *
anthropic_encode_request (AdiuvaChatRequest *request,
                          GError           **error)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GArray) calls = NULL;
  RequestEncoder encoder;
  gint64         budget;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (request->model == NULL || *request->model == '\0')
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                           _ ("The request names no model."));
      return NULL;
    }

  builder = json_builder_new ();
  calls = g_array_new (FALSE, TRUE, sizeof (SentCall));
  g_array_set_clear_func (calls, (GDestroyNotify) sent_call_clear);
  encoder = (RequestEncoder){ .builder = builder, .calls = calls };
  budget = thinking_budget (request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, request->model);
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, request->max_tokens > 0 ? request->max_tokens
                                                               : DEFAULT_MAX_TOKENS + budget);

  add_system (builder, request);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->messages->len; i++)
    {
      const AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);

      encoder.message_index = i;
      if (message->role != ADIUVA_ROLE_SYSTEM && !add_message (&encoder, message, error))
        return NULL;
    }
  end_message (&encoder);
  json_builder_end_array (builder);

  add_tools (builder, request);
  if (!add_tool_choice (builder, request, error))
    return NULL;
  add_sampling (builder, request, budget);

  if (request->response_format == ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA &&
      request->json_schema != NULL)
    {
      json_builder_set_member_name (builder, "output_config");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "format");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "json_schema");
      json_builder_set_member_name (builder, "schema");
      json_builder_add_value (builder, json_node_copy (request->json_schema));
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }

  if (request->stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Decoding answers */

typedef struct
{
  AdiuvaDeltaSink sink;
  guint           n_tool_calls;
} Answer;

static gboolean
decode_block (Answer     *answer,
              JsonObject *block,
              GError    **error)
{
  const char *type = _adiuva_json_get_string (block, "type");

  if (type == NULL)
    return set_protocol_error (error, _ ("a content block has no type"));

  if (strcmp (type, "text") == 0)
    {
      const char *text = _adiuva_json_get_string (block, "text");

      if (text == NULL)
        return set_protocol_error (error, _ ("a text block has no text"));
      return _adiuva_wire_codec_emit_text (&answer->sink, ADIUVA_DELTA_TEXT, text, error);
    }
  else if (strcmp (type, "thinking") == 0)
    {
      return _adiuva_wire_codec_emit_text (&answer->sink, ADIUVA_DELTA_REASONING,
                                           _adiuva_json_get_string (block, "thinking"), error) &&
             _adiuva_wire_codec_emit_text (&answer->sink, ADIUVA_DELTA_REASONING_SIGNATURE,
                                           _adiuva_json_get_string (block, "signature"), error);
    }
  else if (strcmp (type, "tool_use") == 0)
    {
      JsonNode        *input = json_object_get_member (block, "input");
      const char      *id = _adiuva_json_get_string (block, "id");
      const char      *name = _adiuva_json_get_string (block, "name");
      g_autofree char *arguments = NULL;

      if (id == NULL || name == NULL)
        return set_protocol_error (error, _ ("a tool_use block has no id or name"));

      arguments = input != NULL && JSON_NODE_HOLDS_OBJECT (input) ? json_to_string (input, FALSE)
                                                                  : g_strdup ("{}");
      return _adiuva_wire_codec_emit_tool_call (&answer->sink, answer->n_tool_calls++, id, name,
                                                arguments, error);
    }

  /* redacted_thinking, server tools and whatever comes later (see the top). */
  return TRUE;
}

static gboolean
anthropic_decode_response (JsonNode       *body,
                           AdiuvaDeltaFunc func,
                           gpointer        user_data,
                           GError        **error)
{
  Answer      answer = { { func, user_data }, 0 };
  JsonObject *message;
  JsonArray  *content;
  const char *type;

  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  message = _adiuva_json_node_get_object (body);
  if (message == NULL)
    return set_protocol_error (error, _ ("the answer is not a JSON object"));

  type = _adiuva_json_get_string (message, "type");
  if (g_strcmp0 (type, "error") == 0)
    return set_error_event (message, error);

  content = _adiuva_json_get_array (message, "content");
  if (content == NULL)
    return set_protocol_error (error, _ ("the message has no content"));

  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      JsonObject *block = _adiuva_json_node_get_object (json_array_get_element (content, i));

      if (block == NULL)
        return set_protocol_error (error, _ ("a content block is not an object"));
      if (!decode_block (&answer, block, error))
        return FALSE;
    }

  return emit_stop_reason (&answer.sink, message, error) &&
         emit_usage (&answer.sink, message, error);
}

/* Decoding streams */

typedef struct
{
  guint8 kind;
  guint  tool_index;
} Block;

typedef struct
{
  AdiuvaSseDecoder *sse;
  GArray           *blocks;      /* Block, by Anthropic's content block index */
  GString          *unescaped;   /* the text of a hot delta with escapes */
  char             *whole_input; /* a tool's input given whole in content_block_start */
  guint             whole_input_block;
  guint             n_tool_calls;
  AdiuvaDeltaSink   sink;
  guint             started : 1;
  guint             stopped : 1;
  guint             failed : 1;
  guint             finished : 1;
} AnthropicDecoder;

static AdiuvaStreamDecoder *
anthropic_stream_decoder_new (void)
{
  AnthropicDecoder *self = g_new0 (AnthropicDecoder, 1);

  self->sse = adiuva_sse_decoder_new (ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);
  self->blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  self->unescaped = g_string_new (NULL);

  return (AdiuvaStreamDecoder *) self;
}

static void
anthropic_stream_decoder_free (AdiuvaStreamDecoder *decoder)
{
  AnthropicDecoder *self = (AnthropicDecoder *) decoder;

  if (self == NULL)
    return;

  adiuva_sse_decoder_free (self->sse);
  g_array_unref (self->blocks);
  g_string_free (self->unescaped, TRUE);
  g_free (self->whole_input);
  g_free (self);
}

/* The block at @block_index: NULL in @block when it was never started and @create is FALSE. */
static gboolean
find_block (AnthropicDecoder *self,
            gint64            block_index,
            gboolean          create,
            Block           **block,
            GError          **error)
{
  *block = NULL;
  if (block_index < 0 || block_index >= MAX_CONTENT_BLOCKS)
    return set_protocol_error (error, _ ("a content block index is out of range"));

  if ((guint) block_index >= self->blocks->len)
    {
      if (!create)
        return TRUE;
      g_array_set_size (self->blocks, block_index + 1);
    }

  *block = &g_array_index (self->blocks, Block, block_index);
  return TRUE;
}

static gboolean
lookup_block (AnthropicDecoder *self,
              JsonObject       *event,
              gboolean          create,
              Block           **block,
              GError          **error)
{
  JsonNode *node = json_object_get_member (event, "index");

  *block = NULL;
  if (!_adiuva_json_node_holds (node, G_TYPE_INT64))
    return set_protocol_error (error, _ ("a content block event has no index"));

  return find_block (self, json_node_get_int (node), create, block, error);
}

/* A tool whose whole input came with its start, as some Anthropic-compatible servers send
 * it; Anthropic itself starts with {} and streams the input. */
static gboolean
flush_whole_input (AnthropicDecoder *self,
                   GError          **error)
{
  g_autofree char *input = g_steal_pointer (&self->whole_input);
  const Block     *block;

  if (input == NULL)
    return TRUE;

  block = &g_array_index (self->blocks, Block, self->whole_input_block);
  return _adiuva_wire_codec_emit_tool_call (&self->sink, block->tool_index, NULL, NULL, input,
                                            error);
}

static gboolean
decode_block_start (AnthropicDecoder *self,
                    JsonObject       *event,
                    GError          **error)
{
  JsonObject *content = _adiuva_json_get_object (event, "content_block");
  const char *type;
  Block      *block;

  if (!lookup_block (self, event, TRUE, &block, error))
    return FALSE;
  if (content == NULL || (type = _adiuva_json_get_string (content, "type")) == NULL)
    return set_protocol_error (error, _ ("a content block starts without its type"));
  if (!flush_whole_input (self, error))
    return FALSE;

  if (strcmp (type, "text") == 0)
    {
      block->kind = BLOCK_TEXT;
      return _adiuva_wire_codec_emit_text (&self->sink, ADIUVA_DELTA_TEXT,
                                           _adiuva_json_get_string (content, "text"), error);
    }
  else if (strcmp (type, "thinking") == 0)
    {
      block->kind = BLOCK_THINKING;
      return _adiuva_wire_codec_emit_text (&self->sink, ADIUVA_DELTA_REASONING,
                                           _adiuva_json_get_string (content, "thinking"), error) &&
             _adiuva_wire_codec_emit_text (&self->sink, ADIUVA_DELTA_REASONING_SIGNATURE,
                                           _adiuva_json_get_string (content, "signature"), error);
    }
  else if (strcmp (type, "tool_use") == 0)
    {
      JsonNode   *input = json_object_get_member (content, "input");
      const char *id = _adiuva_json_get_string (content, "id");
      const char *name = _adiuva_json_get_string (content, "name");

      if (id == NULL || name == NULL)
        return set_protocol_error (error, _ ("a tool_use block has no id or name"));

      block->kind = BLOCK_TOOL_USE;
      block->tool_index = self->n_tool_calls++;

      if (input != NULL && JSON_NODE_HOLDS_OBJECT (input) &&
          json_object_get_size (json_node_get_object (input)) > 0)
        {
          self->whole_input = json_to_string (input, FALSE);
          self->whole_input_block = block - &g_array_index (self->blocks, Block, 0);
        }

      return _adiuva_wire_codec_emit_tool_call (&self->sink, block->tool_index, id, name, "",
                                                error);
    }

  block->kind = BLOCK_OTHER;
  return TRUE;
}

typedef enum
{
  PIECE_TEXT,
  PIECE_THINKING,
  PIECE_SIGNATURE,
  PIECE_INPUT_JSON,
  PIECE_OTHER,
} PieceKind;

static PieceKind
piece_kind (const char *delta_type)
{
  if (strcmp (delta_type, "text_delta") == 0)
    return PIECE_TEXT;
  if (strcmp (delta_type, "input_json_delta") == 0)
    return PIECE_INPUT_JSON;
  if (strcmp (delta_type, "thinking_delta") == 0)
    return PIECE_THINKING;
  if (strcmp (delta_type, "signature_delta") == 0)
    return PIECE_SIGNATURE;

  /* citations_delta and later kinds carry nothing the canonical format keeps. */
  return PIECE_OTHER;
}

/* One content_block_delta, however it was read. By the delta's own kind, even for a block
 * whose start was not seen: what arrived is kept as far as it can be attributed. */
static gboolean
apply_block_delta (AnthropicDecoder *self,
                   gint64            block_index,
                   PieceKind         kind,
                   const char       *text,
                   gsize             text_len,
                   GError          **error)
{
  AdiuvaChatDelta delta = { .text = text, .text_len = text_len, .usage = ADIUVA_USAGE_INIT };
  Block          *block;

  if (!find_block (self, block_index, FALSE, &block, error))
    return FALSE;

  switch (kind)
    {
    case PIECE_TEXT:
      delta.kind = ADIUVA_DELTA_TEXT;
      break;

    case PIECE_THINKING:
      delta.kind = ADIUVA_DELTA_REASONING;
      break;

    case PIECE_SIGNATURE:
      delta.kind = ADIUVA_DELTA_REASONING_SIGNATURE;
      break;

    case PIECE_INPUT_JSON:
      if (block == NULL || block->kind != BLOCK_TOOL_USE)
        return set_protocol_error (error, _ ("tool input arrived for a block that is no tool_use"));
      delta.kind = ADIUVA_DELTA_TOOL_CALL;
      delta.tool_index = block->tool_index;
      if (text_len > 0)
        g_clear_pointer (&self->whole_input, g_free);
      break;

    case PIECE_OTHER:
    default:
      return TRUE;
    }

  if (text_len == 0)
    return TRUE;

  return _adiuva_wire_codec_emit (&self->sink, &delta, error);
}

static gboolean
decode_block_delta (AnthropicDecoder *self,
                    JsonObject       *event,
                    GError          **error)
{
  static const char *const members[] = {
    [PIECE_TEXT] = "text",
    [PIECE_THINKING] = "thinking",
    [PIECE_SIGNATURE] = "signature",
    [PIECE_INPUT_JSON] = "partial_json",
  };
  JsonNode   *index = json_object_get_member (event, "index");
  JsonObject *delta = _adiuva_json_get_object (event, "delta");
  const char *type = _adiuva_json_get_string (delta, "type");
  const char *text = NULL;
  PieceKind   kind;

  if (!_adiuva_json_node_holds (index, G_TYPE_INT64))
    return set_protocol_error (error, _ ("a content block event has no index"));
  if (type == NULL)
    return set_protocol_error (error, _ ("a content block delta has no type"));

  kind = piece_kind (type);
  if (kind != PIECE_OTHER)
    text = _adiuva_json_get_string (delta, members[kind]);

  return apply_block_delta (self, json_node_get_int (index), kind, text,
                            text != NULL ? strlen (text) : 0, error);
}

/* Anthropic writes its most frequent event, a content block delta, always in one compact
 * form. Reading exactly that form without building a JSON tree is what keeps decoding far
 * above json-glib's ~25 MB/s; any other spelling, however valid, goes to the JSON parser,
 * and so does a string this does not unescape itself (NUL, lone surrogates). */
static const char hot_prefix[] = "{\"type\":\"content_block_delta\",\"index\":";
static const char hot_delta[] = ",\"delta\":{\"type\":\"";

static const struct
{
  const char *opening; /* from the delta's type to the opening quote of its string */
  PieceKind   kind;
} hot_kinds[] = {
  { "text_delta\",\"text\":\"", PIECE_TEXT },
  { "input_json_delta\",\"partial_json\":\"", PIECE_INPUT_JSON },
  { "thinking_delta\",\"thinking\":\"", PIECE_THINKING },
  { "signature_delta\",\"signature\":\"", PIECE_SIGNATURE },
};

static gboolean
skip_literal (const char **p,
              const char  *end,
              const char  *literal)
{
  gsize len = strlen (literal);

  if ((gsize) (end - *p) < len || memcmp (*p, literal, len) != 0)
    return FALSE;

  *p += len;
  return TRUE;
}

static void
skip_whitespace (const char **p,
                 const char  *end)
{
  while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n'))
    (*p)++;
}

static gboolean
read_hex4 (const char *p,
           const char *end,
           gunichar   *value)
{
  *value = 0;
  if (end - p < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + digit;
    }

  return TRUE;
}

/* Unescapes the JSON string body [@p, @end) into @out. */
static gboolean
unescape_string (const char *p,
                 const char *end,
                 GString    *out)
{
  g_string_truncate (out, 0);

  while (p < end)
    {
      const char *backslash = memchr (p, '\\', end - p);
      gunichar    c;

      if (backslash == NULL)
        {
          g_string_append_len (out, p, end - p);
          return TRUE;
        }

      g_string_append_len (out, p, backslash - p);
      p = backslash + 1;
      if (p >= end)
        return FALSE;

      switch (*p)
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (out, *p);
          p++;
          break;

        case 'b':
          g_string_append_c (out, '\b');
          p++;
          break;

        case 'f':
          g_string_append_c (out, '\f');
          p++;
          break;

        case 'n':
          g_string_append_c (out, '\n');
          p++;
          break;

        case 'r':
          g_string_append_c (out, '\r');
          p++;
          break;

        case 't':
          g_string_append_c (out, '\t');
          p++;
          break;

        case 'u':
          if (!read_hex4 (p + 1, end, &c))
            return FALSE;
          p += 5;
          if (c >= 0xd800 && c < 0xdc00)
            {
              gunichar low;

              if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4 (p + 2, end, &low) ||
                  low < 0xdc00 || low >= 0xe000)
                return FALSE;
              c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
              p += 6;
            }
          else if (c == 0 || (c >= 0xdc00 && c < 0xe000))
            return FALSE;
          g_string_append_unichar (out, c);
          break;

        default:
          return FALSE;
        }
    }

  return TRUE;
}

/* Returns FALSE with *@handled unset when @data is not in the hot form. */
static gboolean
read_hot_delta (AnthropicDecoder *self,
                const char       *data,
                gsize             len,
                gboolean         *handled,
                GError          **error)
{
  const char *p = data;
  const char *end = data + len;
  const char *string;
  const char *string_end;
  gboolean    escaped = FALSE;
  gint64      block_index = 0;
  PieceKind   kind = PIECE_OTHER;
  gboolean    ok;

  *handled = FALSE;
  if (!skip_literal (&p, end, hot_prefix))
    return FALSE;

  /* A small index without sign or leading zeros. */
  if (p >= end || !g_ascii_isdigit (*p) || (*p == '0' && p + 1 < end && g_ascii_isdigit (p[1])))
    return FALSE;
  for (guint digits = 0; p < end && g_ascii_isdigit (*p); p++, digits++)
    {
      if (digits == 9)
        return FALSE;
      block_index = block_index * 10 + (*p - '0');
    }

  if (!skip_literal (&p, end, hot_delta))
    return FALSE;
  for (guint i = 0; kind == PIECE_OTHER && i < G_N_ELEMENTS (hot_kinds); i++)
    {
      if (skip_literal (&p, end, hot_kinds[i].opening))
        kind = hot_kinds[i].kind;
    }
  if (kind == PIECE_OTHER)
    return FALSE;

  string = p;
  for (; p < end && *p != '"'; p++)
    {
      if ((guchar) *p < 0x20)
        return FALSE;
      if (*p == '\\')
        {
          escaped = TRUE;
          if (++p == end)
            return FALSE;
        }
    }
  string_end = p;

  /* Anthropic pads some events with spaces before the outer closing brace. */
  p++;
  for (guint braces = 0; braces < 2; braces++)
    {
      skip_whitespace (&p, end);
      if (p == end || *p != '}')
        return FALSE;
      p++;
    }
  skip_whitespace (&p, end);
  if (p != end)
    return FALSE;

  /* Without escapes the text is passed on where it lies, in the event's own data. */
  if (escaped && !unescape_string (string, string_end, self->unescaped))
    return FALSE;

  *handled = TRUE;
  if (!escaped)
    return apply_block_delta (self, block_index, kind, string, string_end - string, error);

  ok = apply_block_delta (self, block_index, kind, self->unescaped->str, self->unescaped->len,
                          error);
  if (self->unescaped->allocated_len > KEEP_BUFFER_BELOW)
    {
      g_string_free (self->unescaped, TRUE);
      self->unescaped = g_string_new (NULL);
    }
  return ok;
}

static gboolean
decode_event (AnthropicDecoder *self,
              JsonObject       *event,
              GError          **error)
{
  const char *type = _adiuva_json_get_string (event, "type");

  if (type == NULL)
    return set_protocol_error (error, _ ("a streamed event has no type"));

  if (strcmp (type, "content_block_delta") == 0)
    return decode_block_delta (self, event, error);
  else if (strcmp (type, "content_block_start") == 0)
    return decode_block_start (self, event, error);
  else if (strcmp (type, "content_block_stop") == 0)
    return flush_whole_input (self, error);
  else if (strcmp (type, "message_start") == 0)
    {
      JsonObject *message = _adiuva_json_get_object (event, "message");

      if (message == NULL)
        return set_protocol_error (error, _ ("message_start has no message"));
      self->started = TRUE;
      return emit_usage (&self->sink, message, error);
    }
  else if (strcmp (type, "message_delta") == 0)
    {
      JsonObject *delta = _adiuva_json_get_object (event, "delta");

      return flush_whole_input (self, error) &&
             emit_stop_reason (&self->sink, delta, error) && emit_usage (&self->sink, event, error);
    }
  else if (strcmp (type, "message_stop") == 0)
    {
      self->stopped = TRUE;
      return flush_whole_input (self, error);
    }
  else if (strcmp (type, "error") == 0)
    return set_error_event (event, error);

  /* ping, and events Anthropic adds later. */
  return TRUE;
}

static gboolean
sse_event_cb (const AdiuvaSseEvent *event,
              gpointer              user_data,
              GError              **error)
{
  AnthropicDecoder *self = user_data;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  gboolean    handled;
  gboolean    ok;

  if (self->stopped || strcmp (event->event, "ping") == 0)
    return TRUE;

  ok = read_hot_delta (self, event->data, event->data_len, &handled, error);
  if (handled)
    return ok;

  root = _adiuva_wire_codec_parse_json (event->data, event->data_len, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The provider sent a streamed event that is not valid JSON: %s"),
                   local_error->message);
      return FALSE;
    }

  object = _adiuva_json_node_get_object (root);
  if (object == NULL)
    return set_protocol_error (error, _ ("a streamed event is not a JSON object"));

  return decode_event (self, object, error);
}

static gboolean
refuse_after_failure (AnthropicDecoder *self,
                      GError          **error)
{
  if (!self->failed && !self->finished)
    return FALSE;

  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("The provider’s stream was read after it had ended or failed."));
  return TRUE;
}

static gboolean
anthropic_stream_decoder_feed (AdiuvaStreamDecoder *decoder,
                               const guint8        *data,
                               gsize                len,
                               AdiuvaDeltaFunc      func,
                               gpointer             user_data,
                               GError             **error)
{
  AnthropicDecoder *self = (AnthropicDecoder *) decoder;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (refuse_after_failure (self, error))
    return FALSE;

  self->sink = (AdiuvaDeltaSink){ func, user_data };
  if (!adiuva_sse_decoder_feed (self->sse, data, len, sse_event_cb, self, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
anthropic_stream_decoder_finish (AdiuvaStreamDecoder *decoder,
                                 AdiuvaDeltaFunc      func,
                                 gpointer             user_data,
                                 GError             **error)
{
  AnthropicDecoder *self = (AnthropicDecoder *) decoder;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (refuse_after_failure (self, error))
    return FALSE;

  self->sink = (AdiuvaDeltaSink){ func, user_data };
  self->finished = TRUE;
  if (!adiuva_sse_decoder_finish (self->sse, sse_event_cb, self, error) ||
      !flush_whole_input (self, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  if (self->stopped)
    return TRUE;

  self->failed = TRUE;
  if (!self->started && self->blocks->len == 0)
    g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                         _ ("The provider’s stream ended before the answer began."));
  else
    g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                         _ ("The provider’s stream was cut before the answer was complete."));
  return FALSE;
}

const AdiuvaWireCodec adiuva_anthropic_codec = {
  .format = ADIUVA_WIRE_FORMAT_ANTHROPIC,
  .encode_request = anthropic_encode_request,
  .decode_response = anthropic_decode_response,
  .decode_error = anthropic_decode_error,
  .stream_decoder_new = anthropic_stream_decoder_new,
  .stream_decoder_feed = anthropic_stream_decoder_feed,
  .stream_decoder_finish = anthropic_stream_decoder_finish,
  .stream_decoder_free = anthropic_stream_decoder_free,
  .decode_request = _adiuva_anthropic_codec_decode_request,
  .stream_encoder_new = _adiuva_anthropic_stream_encoder_new,
  .stream_encoder_add = _adiuva_anthropic_stream_encoder_add,
  .stream_encoder_finish = _adiuva_anthropic_stream_encoder_finish,
  .stream_encoder_free = _adiuva_anthropic_stream_encoder_free,
  .encode_response = _adiuva_anthropic_codec_encode_response,
  /* Anthropic offers no embeddings. */
  .encode_embeddings = NULL,
  .decode_embeddings = NULL,
};
