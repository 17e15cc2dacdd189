/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-chat-accumulator.h"
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
 * The loopback endpoint (a client speaking Anthropic to us)
 * - decode_request reads what encode_request writes and what the official SDKs send: system
 *   as a string or blocks (each block a system message), content as a string or blocks,
 *   tool_result blocks as tool messages named after the call they answer, tool_use blocks
 *   as tool calls, thinking blocks as reasoning and its signature, images, tools (Anthropic's
 *   own server tools are left out: no other provider can run them), tool_choice, thinking
 *   and output_config. A malformed request is ADIUVA_GATEWAY_ERROR_INVALID.
 * - The stream encoder writes the events Anthropic sends, in its order: message_start,
 *   content_block_start / delta / stop for each block, message_delta with the stop reason
 *   and usage, message_stop. A finished answer that called tools but says it stopped
 *   normally (some providers do) says tool_use, which Anthropic clients wait for.
 */

#define DEFAULT_MAX_TOKENS 4096
#define MIN_THINKING_BUDGET 1024
#define LOW_THINKING_BUDGET 1024
#define MEDIUM_THINKING_BUDGET 4096
#define HIGH_THINKING_BUDGET 16384
#define MIN_THINKING_TOP_P 0.95

/* Anthropic answers with a handful of blocks; more than this is a broken or hostile stream,
 * and the bound keeps the block table of an open stream small. */
#define MAX_CONTENT_BLOCKS 4096

/* Past this a parsed event's tree is dropped with its parser rather than kept until the
 * next event, so an open stream stays small after one large event. */
#define KEEP_PARSER_BELOW (32 * 1024)

#define ERROR_BODY_SIZE 300
#define ID_LENGTH 24

static const char json_object_instruction[] =
    "Respond with a single valid JSON object and nothing else: no prose before or after it "
    "and no Markdown code fences.";

/* Common */

static gboolean
emit (AdiuvaDeltaFunc        func,
      gpointer               user_data,
      const AdiuvaChatDelta *delta,
      GError               **error)
{
  g_autoptr (GError) local_error = NULL;

  if (func (delta, user_data, &local_error))
    return TRUE;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                         _ ("Reading the provider’s answer was stopped."));
  return FALSE;
}

static gboolean
emit_text (AdiuvaDeltaFunc func,
           gpointer        user_data,
           AdiuvaDeltaKind kind,
           const char     *text,
           GError        **error)
{
  AdiuvaChatDelta delta = { .kind = kind, .usage = ADIUVA_USAGE_INIT };

  if (text == NULL || *text == '\0')
    return TRUE;

  delta.text = text;
  delta.text_len = strlen (text);
  return emit (func, user_data, &delta, error);
}

static gboolean
set_protocol_error (GError    **error,
                    const char *what)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
               _ ("The provider’s answer does not follow Anthropic’s protocol: %s."), what);
  return FALSE;
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* The accessors return NULL (or the default) for a missing member, a null, and a value of
 * another type alike: callers decide which of those are errors. */
static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return holds (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
get_number (JsonObject *object,
            const char *name,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (holds (node, G_TYPE_INT64))
    *value = json_node_get_int (node);
  else if (holds (node, G_TYPE_DOUBLE))
    *value = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

static gint64
get_count (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (holds (node, G_TYPE_INT64))
    return MAX (json_node_get_int (node), 0);
  if (holds (node, G_TYPE_DOUBLE))
    return (gint64) CLAMP (json_node_get_double (node), 0, (double) G_MAXINT32);

  return -1;
}

static JsonObject *
node_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char *
random_id (const char *prefix)
{
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  GString          *id = g_string_new (prefix);

  for (guint i = 0; i < ID_LENGTH; i++)
    g_string_append_c (id, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);

  return g_string_free (id, FALSE);
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
  JsonObject *details = object != NULL ? get_object (object, "error") : NULL;
  const char *message;

  *type = NULL;
  if (details == NULL)
    return NULL;

  *type = get_string (details, "type");
  message = get_string (details, "message");
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

/* What a body that is not Anthropic's JSON says, when it is text: a proxy's "Bad Gateway". */
static char *
dup_error_body_text (const char *body,
                     gsize       body_len)
{
  g_autofree char *valid = NULL;
  GString         *text;
  gboolean         space = FALSE;
  guint            n_chars = 0;

  if (body == NULL || body_len == 0)
    return NULL;

  /* Whitespace runs and control characters become one space, so HTML reads as a line. */
  valid = g_utf8_make_valid (body, MIN (body_len, ERROR_BODY_SIZE * 4));
  text = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && n_chars < ERROR_BODY_SIZE; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        space = text->len > 0;
      else
        {
          if (space)
            g_string_append_c (text, ' ');
          space = FALSE;
          g_string_append_unichar (text, c);
          n_chars++;
        }
    }

  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }

  return g_string_free (text, FALSE);
}

static void
anthropic_decode_error (guint       status,
                        const char *body,
                        gsize       body_len,
                        GError    **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  const char      *message = NULL;
  const char      *type = NULL;

  if (body != NULL && body_len > 0 && body_len <= G_MAXSSIZE &&
      json_parser_load_from_data (parser, body, body_len, NULL))
    message = get_error_details (node_object (json_parser_get_root (parser)), &type);

  if (message == NULL)
    message = text = dup_error_body_text (body, body_len);

  /* A caller that has only the body of an error event still gets the right code. */
  if (status < 400 && type != NULL)
    status = status_for_error_type (type);

  _adiuva_wire_codec_set_http_error (error, status, message);
}

/* Usage and stop reasons */

static gboolean
read_usage (JsonObject  *object,
            AdiuvaUsage *usage)
{
  JsonObject *details;
  gint64      input = get_count (object, "input_tokens");
  gint64      cache_read = get_count (object, "cache_read_input_tokens");
  gint64      cache_creation = get_count (object, "cache_creation_input_tokens");

  /* Anthropic's input_tokens are only those after the last cache breakpoint. */
  if (input >= 0)
    usage->input_tokens = input + MAX (cache_read, 0) + MAX (cache_creation, 0);
  usage->cached_input_tokens = cache_read;
  usage->output_tokens = get_count (object, "output_tokens");

  details = get_object (object, "output_tokens_details");
  if (details != NULL)
    usage->reasoning_tokens = get_count (details, "thinking_tokens");

  return usage->input_tokens >= 0 || usage->output_tokens >= 0 || usage->cached_input_tokens >= 0 ||
         usage->reasoning_tokens >= 0;
}

static gboolean
emit_usage (JsonObject     *object,
            AdiuvaDeltaFunc func,
            gpointer        user_data,
            GError        **error)
{
  AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_USAGE, .usage = ADIUVA_USAGE_INIT };
  JsonObject     *usage = get_object (object, "usage");

  if (usage == NULL || !read_usage (usage, &delta.usage))
    return TRUE;

  return emit (func, user_data, &delta, error);
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
emit_stop_reason (JsonObject     *object,
                  AdiuvaDeltaFunc func,
                  gpointer        user_data,
                  GError        **error)
{
  AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_FINISH, .usage = ADIUVA_USAGE_INIT };
  const char     *reason = get_string (object, "stop_reason");

  if (reason == NULL)
    return TRUE;

  delta.finish = finish_from_stop_reason (reason);
  return emit (func, user_data, &delta, error);
}

static const char *
stop_reason_for_finish (AdiuvaFinishReason finish,
                        gboolean           called_tools)
{
  switch (finish)
    {
    case ADIUVA_FINISH_LENGTH:
      return "max_tokens";

    case ADIUVA_FINISH_TOOL_CALLS:
      return "tool_use";

    case ADIUVA_FINISH_CONTENT_FILTER:
      return "refusal";

    case ADIUVA_FINISH_NONE:
    case ADIUVA_FINISH_STOP:
    default:
      return called_tools ? "tool_use" : "end_turn";
    }
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

  if (part->image_data != NULL)
    {
      gsize            size;
      const guint8    *data = g_bytes_get_data (part->image_data, &size);
      g_autofree char *base64 = g_base64_encode (data, size);

      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "base64");
      json_builder_set_member_name (builder, "media_type");
      json_builder_add_string_value (builder, part->media_type);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, base64);
    }
  else if (g_str_has_prefix (part->image_url, "data:") && strstr (part->image_url, ";base64,") != NULL)
    {
      const char      *marker = strstr (part->image_url, ";base64,");
      g_autofree char *media_type = g_strndup (part->image_url + strlen ("data:"),
                                               marker - part->image_url - strlen ("data:"));

      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "base64");
      json_builder_set_member_name (builder, "media_type");
      json_builder_add_string_value (builder, *media_type != '\0' ? media_type : part->media_type);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, marker + strlen (";base64,"));
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

static void
add_text_block (JsonBuilder *builder,
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
        add_text_block (builder, part->text);
      else
        add_image (builder, part);
    }
}

static JsonNode *
parse_arguments (const char *arguments)
{
  g_autoptr (JsonNode) node = json_from_string (arguments, NULL);
  JsonObject *wrapper;
  JsonNode   *result;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return g_steal_pointer (&node);

  wrapper = json_object_new ();
  json_object_set_string_member (wrapper, "raw_arguments", arguments);
  result = json_node_init_object (json_node_alloc (), wrapper);
  json_object_unref (wrapper);
  return result;
}

static void
add_tool_use (JsonBuilder *builder,
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
  json_builder_add_value (builder, parse_arguments (arguments != NULL ? arguments : "{}"));
  json_builder_end_object (builder);
}

static void
add_thinking_block (JsonBuilder *builder,
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
    add_thinking_block (builder, message->reasoning, message->reasoning_signature);

  add_parts (builder, message);

  g_array_set_size (encoder->calls, 0);
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      SentCall              sent = { NULL, call->name, FALSE };

      sent.id = dup_tool_use_id (call->id, encoder->message_index, i);

      add_tool_use (builder, sent.id, call->name, call->arguments);
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
          add_text_block (builder, part->text);
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
      add_text_block (builder, json_object_instruction);
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

  if (request->response_format == ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA && request->json_schema != NULL)
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
  AdiuvaDeltaFunc func;
  gpointer        user_data;
  guint           n_tool_calls;
} Answer;

static gboolean
decode_block (Answer     *answer,
              JsonObject *block,
              GError    **error)
{
  const char *type = get_string (block, "type");

  if (type == NULL)
    return set_protocol_error (error, _ ("a content block has no type"));

  if (strcmp (type, "text") == 0)
    {
      const char *text = get_string (block, "text");

      if (text == NULL)
        return set_protocol_error (error, _ ("a text block has no text"));
      return emit_text (answer->func, answer->user_data, ADIUVA_DELTA_TEXT, text, error);
    }
  else if (strcmp (type, "thinking") == 0)
    {
      return emit_text (answer->func, answer->user_data, ADIUVA_DELTA_REASONING,
                        get_string (block, "thinking"), error) &&
             emit_text (answer->func, answer->user_data, ADIUVA_DELTA_REASONING_SIGNATURE,
                        get_string (block, "signature"), error);
    }
  else if (strcmp (type, "tool_use") == 0)
    {
      AdiuvaChatDelta  delta = { .kind = ADIUVA_DELTA_TOOL_CALL, .usage = ADIUVA_USAGE_INIT };
      JsonNode        *input = json_object_get_member (block, "input");
      g_autofree char *arguments = NULL;

      delta.tool_id = get_string (block, "id");
      delta.tool_name = get_string (block, "name");
      if (delta.tool_id == NULL || delta.tool_name == NULL)
        return set_protocol_error (error, _ ("a tool_use block has no id or name"));

      arguments = input != NULL && JSON_NODE_HOLDS_OBJECT (input) ? json_to_string (input, FALSE)
                                                                  : g_strdup ("{}");
      delta.tool_index = answer->n_tool_calls++;
      delta.text = arguments;
      delta.text_len = strlen (arguments);
      return emit (answer->func, answer->user_data, &delta, error);
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
  Answer      answer = { func, user_data, 0 };
  JsonObject *message;
  JsonArray  *content;
  const char *type;

  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  message = node_object (body);
  if (message == NULL)
    return set_protocol_error (error, _ ("the answer is not a JSON object"));

  type = get_string (message, "type");
  if (g_strcmp0 (type, "error") == 0)
    return set_error_event (message, error);

  content = get_array (message, "content");
  if (content == NULL)
    return set_protocol_error (error, _ ("the message has no content"));

  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      JsonObject *block = node_object (json_array_get_element (content, i));

      if (block == NULL)
        return set_protocol_error (error, _ ("a content block is not an object"));
      if (!decode_block (&answer, block, error))
        return FALSE;
    }

  return emit_stop_reason (message, func, user_data, error) &&
         emit_usage (message, func, user_data, error);
}

/* Decoding streams */

typedef enum
{
  BLOCK_NONE,
  BLOCK_TEXT,
  BLOCK_THINKING,
  BLOCK_TOOL_USE,
  BLOCK_OTHER,
} BlockKind;

typedef struct
{
  guint8 kind;
  guint  tool_index;
} Block;

typedef struct
{
  AdiuvaSseDecoder *sse;
  JsonParser       *parser;
  GArray           *blocks;      /* Block, by Anthropic's content block index */
  GString          *unescaped;   /* the text of a hot delta with escapes */
  char             *whole_input; /* a tool's input given whole in content_block_start */
  guint             whole_input_block;
  guint             n_tool_calls;
  AdiuvaDeltaFunc   func;
  gpointer          user_data;
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
  self->parser = json_parser_new ();
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
  g_object_unref (self->parser);
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
  if (!holds (node, G_TYPE_INT64))
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
  AdiuvaChatDelta  delta = { .kind = ADIUVA_DELTA_TOOL_CALL, .usage = ADIUVA_USAGE_INIT };

  if (input == NULL)
    return TRUE;

  block = &g_array_index (self->blocks, Block, self->whole_input_block);
  delta.tool_index = block->tool_index;
  delta.text = input;
  delta.text_len = strlen (input);
  return emit (self->func, self->user_data, &delta, error);
}

static gboolean
decode_block_start (AnthropicDecoder *self,
                    JsonObject       *event,
                    GError          **error)
{
  JsonObject *content = get_object (event, "content_block");
  const char *type;
  Block      *block;

  if (!lookup_block (self, event, TRUE, &block, error))
    return FALSE;
  if (content == NULL || (type = get_string (content, "type")) == NULL)
    return set_protocol_error (error, _ ("a content block starts without its type"));
  if (!flush_whole_input (self, error))
    return FALSE;

  if (strcmp (type, "text") == 0)
    {
      block->kind = BLOCK_TEXT;
      return emit_text (self->func, self->user_data, ADIUVA_DELTA_TEXT,
                        get_string (content, "text"), error);
    }
  else if (strcmp (type, "thinking") == 0)
    {
      block->kind = BLOCK_THINKING;
      return emit_text (self->func, self->user_data, ADIUVA_DELTA_REASONING,
                        get_string (content, "thinking"), error) &&
             emit_text (self->func, self->user_data, ADIUVA_DELTA_REASONING_SIGNATURE,
                        get_string (content, "signature"), error);
    }
  else if (strcmp (type, "tool_use") == 0)
    {
      AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_TOOL_CALL, .usage = ADIUVA_USAGE_INIT };
      JsonNode       *input = json_object_get_member (content, "input");

      delta.tool_id = get_string (content, "id");
      delta.tool_name = get_string (content, "name");
      if (delta.tool_id == NULL || delta.tool_name == NULL)
        return set_protocol_error (error, _ ("a tool_use block has no id or name"));

      block->kind = BLOCK_TOOL_USE;
      block->tool_index = delta.tool_index = self->n_tool_calls++;
      delta.text = "";

      if (input != NULL && JSON_NODE_HOLDS_OBJECT (input) &&
          json_object_get_size (json_node_get_object (input)) > 0)
        {
          self->whole_input = json_to_string (input, FALSE);
          self->whole_input_block = block - &g_array_index (self->blocks, Block, 0);
        }

      return emit (self->func, self->user_data, &delta, error);
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

  return emit (self->func, self->user_data, &delta, error);
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
  JsonObject *delta = get_object (event, "delta");
  const char *type = delta != NULL ? get_string (delta, "type") : NULL;
  const char *text = NULL;
  PieceKind   kind;

  if (!holds (index, G_TYPE_INT64))
    return set_protocol_error (error, _ ("a content block event has no index"));
  if (type == NULL)
    return set_protocol_error (error, _ ("a content block delta has no type"));

  kind = piece_kind (type);
  if (kind != PIECE_OTHER)
    text = get_string (delta, members[kind]);

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

  ok = apply_block_delta (self, block_index, kind, self->unescaped->str, self->unescaped->len, error);
  if (self->unescaped->allocated_len > KEEP_PARSER_BELOW)
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
  const char *type = get_string (event, "type");

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
      JsonObject *message = get_object (event, "message");

      if (message == NULL)
        return set_protocol_error (error, _ ("message_start has no message"));
      self->started = TRUE;
      return emit_usage (message, self->func, self->user_data, error);
    }
  else if (strcmp (type, "message_delta") == 0)
    {
      JsonObject *delta = get_object (event, "delta");

      return flush_whole_input (self, error) &&
             (delta == NULL || emit_stop_reason (delta, self->func, self->user_data, error)) &&
             emit_usage (event, self->func, self->user_data, error);
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
  JsonObject *object;
  gboolean    handled;
  gboolean    ok;

  if (self->stopped || strcmp (event->event, "ping") == 0)
    return TRUE;

  ok = read_hot_delta (self, event->data, event->data_len, &handled, error);
  if (handled)
    return ok;

  if (!json_parser_load_from_data (self->parser, event->data, event->data_len, &local_error))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The provider sent a streamed event that is not valid JSON: %s"),
                   local_error->message);
      return FALSE;
    }

  object = node_object (json_parser_get_root (self->parser));
  ok = object != NULL ? decode_event (self, object, error)
                      : set_protocol_error (error, _ ("a streamed event is not a JSON object"));

  if (event->data_len > KEEP_PARSER_BELOW)
    {
      g_object_unref (self->parser);
      self->parser = json_parser_new ();
    }

  return ok;
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

  self->func = func;
  self->user_data = user_data;
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

  self->func = func;
  self->user_data = user_data;
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

/* Decoding requests (the loopback endpoint) */

static gboolean
set_invalid (GError    **error,
             const char *what)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
               _ ("The request does not follow Anthropic’s Messages API: %s."), what);
  return FALSE;
}

static const char *
guess_image_type (const char *url)
{
  static const struct
  {
    const char *extension;
    const char *media_type;
  } types[] = {
    { ".png", "image/png" },
    { ".jpg", "image/jpeg" },
    { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" },
    { ".webp", "image/webp" },
  };
  g_autofree char *path = g_strndup (url, strcspn (url, "?#"));
  g_autofree char *lower = g_ascii_strdown (path, -1);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (g_str_has_suffix (lower, types[i].extension))
        return types[i].media_type;
    }

  return "application/octet-stream";
}

static gboolean
read_image (AdiuvaChatMessage *message,
            JsonObject        *block,
            GError           **error)
{
  JsonObject *source = get_object (block, "source");
  const char *type = source != NULL ? get_string (source, "type") : NULL;

  if (g_strcmp0 (type, "base64") == 0)
    {
      const char *media_type = get_string (source, "media_type");
      const char *data = get_string (source, "data");
      g_autoptr (GBytes) bytes = NULL;
      guchar *decoded;
      gsize   size;

      if (media_type == NULL || data == NULL)
        return set_invalid (error, _ ("an image has no media type or data"));

      decoded = g_base64_decode (data, &size);
      bytes = g_bytes_new_take (decoded, size);
      adiuva_chat_message_add_image (message, media_type, bytes, NULL);
      return TRUE;
    }
  else if (g_strcmp0 (type, "url") == 0)
    {
      const char *url = get_string (source, "url");

      if (url == NULL)
        return set_invalid (error, _ ("an image has no URL"));

      adiuva_chat_message_add_image (message, guess_image_type (url), NULL, url);
      return TRUE;
    }

  return set_invalid (error, _ ("an image source is neither base64 nor a URL"));
}

/* Text and image blocks of a user message or a tool result; other kinds are skipped. */
static gboolean
read_content_block (AdiuvaChatMessage *message,
                    JsonObject        *block,
                    const char        *type,
                    GError           **error)
{
  if (strcmp (type, "text") == 0)
    {
      const char *text = get_string (block, "text");

      if (text == NULL)
        return set_invalid (error, _ ("a text block has no text"));
      adiuva_chat_message_add_text (message, text);
    }
  else if (strcmp (type, "image") == 0)
    return read_image (message, block, error);

  return TRUE;
}

static gboolean
read_blocks (AdiuvaChatMessage *message,
             JsonNode          *content,
             GError           **error)
{
  JsonArray *blocks;

  if (holds (content, G_TYPE_STRING))
    {
      adiuva_chat_message_add_text (message, json_node_get_string (content));
      return TRUE;
    }
  if (content == NULL || JSON_NODE_HOLDS_NULL (content))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (content))
    return set_invalid (error, _ ("content is neither text nor blocks"));

  blocks = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      JsonObject *block = node_object (json_array_get_element (blocks, i));
      const char *type = block != NULL ? get_string (block, "type") : NULL;

      if (type == NULL)
        return set_invalid (error, _ ("a content block has no type"));
      if (!read_content_block (message, block, type, error))
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  AdiuvaChatRequest *request;
  GHashTable        *tool_names; /* call id → tool name, to name the results */
  AdiuvaChatMessage *pending;    /* user text and images not yet added */
} RequestDecoder;

static void
flush_pending (RequestDecoder *decoder)
{
  if (decoder->pending == NULL)
    return;

  adiuva_chat_request_add_message (decoder->request, decoder->pending);
  g_clear_pointer (&decoder->pending, adiuva_chat_message_unref);
}

static gboolean
read_tool_result (RequestDecoder *decoder,
                  JsonObject     *block,
                  GError        **error)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_message_new (ADIUVA_ROLE_TOOL);
  const char *id = get_string (block, "tool_use_id");

  if (id == NULL)
    return set_invalid (error, _ ("a tool result has no tool_use_id"));

  message->tool_call_id = g_strdup (id);
  message->name = g_strdup (g_hash_table_lookup (decoder->tool_names, id));
  if (!read_blocks (message, json_object_get_member (block, "content"), error))
    return FALSE;

  flush_pending (decoder);
  adiuva_chat_request_add_message (decoder->request, message);
  return TRUE;
}

/* A user message's blocks in order: tool results become tool messages, and the text and
 * images between them user messages. */
static gboolean
read_user_message (RequestDecoder *decoder,
                   JsonNode       *content,
                   GError        **error)
{
  JsonArray *blocks;

  if (content == NULL || !JSON_NODE_HOLDS_ARRAY (content))
    {
      decoder->pending = adiuva_chat_message_new (ADIUVA_ROLE_USER);
      if (!read_blocks (decoder->pending, content, error))
        return FALSE;
      flush_pending (decoder);
      return TRUE;
    }

  blocks = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      JsonObject *block = node_object (json_array_get_element (blocks, i));
      const char *type = block != NULL ? get_string (block, "type") : NULL;

      if (type == NULL)
        return set_invalid (error, _ ("a content block has no type"));

      if (strcmp (type, "tool_result") == 0)
        {
          if (!read_tool_result (decoder, block, error))
            return FALSE;
          continue;
        }

      if (decoder->pending == NULL)
        decoder->pending = adiuva_chat_message_new (ADIUVA_ROLE_USER);
      if (!read_content_block (decoder->pending, block, type, error))
        return FALSE;
    }

  flush_pending (decoder);
  return TRUE;
}

static gboolean
read_assistant_block (RequestDecoder    *decoder,
                      AdiuvaChatMessage *message,
                      JsonObject        *block,
                      const char        *type,
                      GError           **error)
{
  if (strcmp (type, "text") == 0)
    return read_content_block (message, block, type, error);

  if (strcmp (type, "thinking") == 0)
    {
      const char *thinking = get_string (block, "thinking");
      const char *signature = get_string (block, "signature");
      char       *joined;

      if (thinking != NULL)
        {
          joined = g_strconcat (message->reasoning != NULL ? message->reasoning : "", thinking, NULL);
          g_free (message->reasoning);
          message->reasoning = joined;
        }
      if (signature != NULL && message->reasoning_signature == NULL)
        message->reasoning_signature = g_strdup (signature);
    }
  else if (strcmp (type, "tool_use") == 0)
    {
      const char      *id = get_string (block, "id");
      const char      *name = get_string (block, "name");
      JsonNode        *input = json_object_get_member (block, "input");
      g_autofree char *arguments = NULL;

      if (id == NULL || name == NULL)
        return set_invalid (error, _ ("a tool_use block has no id or name"));

      arguments = input != NULL && !JSON_NODE_HOLDS_NULL (input) ? json_to_string (input, FALSE) : NULL;
      adiuva_chat_message_add_tool_call (message, id, name, arguments);
      g_hash_table_insert (decoder->tool_names, g_strdup (id), g_strdup (name));
    }

  /* redacted_thinking and server tool blocks have no canonical form (see the top). */
  return TRUE;
}

static gboolean
read_assistant_message (RequestDecoder *decoder,
                        JsonNode       *content,
                        GError        **error)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);

  if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *blocks = json_node_get_array (content);

      for (guint i = 0; i < json_array_get_length (blocks); i++)
        {
          JsonObject *block = node_object (json_array_get_element (blocks, i));
          const char *type = block != NULL ? get_string (block, "type") : NULL;

          if (type == NULL)
            return set_invalid (error, _ ("a content block has no type"));
          if (!read_assistant_block (decoder, message, block, type, error))
            return FALSE;
        }
    }
  else if (!read_blocks (message, content, error))
    return FALSE;

  adiuva_chat_request_add_message (decoder->request, message);
  return TRUE;
}

static gboolean
read_system (AdiuvaChatRequest *request,
             JsonNode          *system,
             GError           **error)
{
  JsonArray *blocks;

  if (system == NULL || JSON_NODE_HOLDS_NULL (system))
    return TRUE;

  if (holds (system, G_TYPE_STRING))
    {
      g_autoptr (AdiuvaChatMessage) message =
          adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, json_node_get_string (system));

      adiuva_chat_request_add_message (request, message);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (system))
    return set_invalid (error, _ ("system is neither text nor blocks"));

  blocks = json_node_get_array (system);
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      JsonObject *block = node_object (json_array_get_element (blocks, i));
      const char *text = block != NULL ? get_string (block, "text") : NULL;
      g_autoptr (AdiuvaChatMessage) message = NULL;

      if (text == NULL)
        return set_invalid (error, _ ("a system block has no text"));

      message = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, text);
      adiuva_chat_request_add_message (request, message);
    }

  return TRUE;
}

static gboolean
read_tools (AdiuvaChatRequest *request,
            JsonObject        *body,
            GError           **error)
{
  JsonArray  *tools = get_array (body, "tools");
  JsonObject *choice = get_object (body, "tool_choice");

  for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
    {
      JsonObject *tool = node_object (json_array_get_element (tools, i));
      const char *type = tool != NULL ? get_string (tool, "type") : NULL;
      const char *name = tool != NULL ? get_string (tool, "name") : NULL;
      JsonNode   *schema;

      if (name == NULL)
        return set_invalid (error, _ ("a tool has no name"));

      /* Anthropic's own tools (web_search_…, bash_…) run at Anthropic only. */
      if (type != NULL && strcmp (type, "custom") != 0)
        continue;

      schema = json_object_get_member (tool, "input_schema");
      adiuva_chat_request_add_tool (request, name, get_string (tool, "description"),
                                    schema != NULL && JSON_NODE_HOLDS_OBJECT (schema) ? schema : NULL);
    }

  if (choice != NULL)
    {
      const char *type = get_string (choice, "type");

      if (g_strcmp0 (type, "any") == 0)
        request->tool_choice = ADIUVA_TOOL_CHOICE_REQUIRED;
      else if (g_strcmp0 (type, "none") == 0)
        request->tool_choice = ADIUVA_TOOL_CHOICE_NONE;
      else if (g_strcmp0 (type, "tool") == 0)
        {
          const char *name = get_string (choice, "name");

          if (name == NULL)
            return set_invalid (error, _ ("tool_choice names no tool"));
          request->tool_choice = ADIUVA_TOOL_CHOICE_NAMED;
          request->tool_choice_name = g_strdup (name);
        }
    }

  return TRUE;
}

static AdiuvaReasoningEffort
effort_from_name (const char *effort)
{
  if (g_strcmp0 (effort, "low") == 0)
    return ADIUVA_REASONING_LOW;
  if (g_strcmp0 (effort, "high") == 0 || g_strcmp0 (effort, "max") == 0)
    return ADIUVA_REASONING_HIGH;

  return ADIUVA_REASONING_MEDIUM;
}

static void
read_settings (AdiuvaChatRequest *request,
               JsonObject        *body)
{
  JsonObject *thinking = get_object (body, "thinking");
  JsonObject *output_config = get_object (body, "output_config");
  JsonObject *format = output_config != NULL ? get_object (output_config, "format") : NULL;
  JsonArray  *stop = get_array (body, "stop_sequences");
  JsonNode   *stream = json_object_get_member (body, "stream");
  double      number;

  if (get_number (body, "max_tokens", &number) && number > 0)
    request->max_tokens = (gint64) MIN (number, (double) G_MAXINT32);
  if (get_number (body, "temperature", &number))
    request->temperature = number;
  if (get_number (body, "top_p", &number))
    request->top_p = number;
  request->stream = holds (stream, G_TYPE_BOOLEAN) && json_node_get_boolean (stream);

  if (stop != NULL && json_array_get_length (stop) > 0)
    {
      GPtrArray *strings = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (stop); i++)
        {
          JsonNode *node = json_array_get_element (stop, i);

          if (holds (node, G_TYPE_STRING))
            g_ptr_array_add (strings, g_strdup (json_node_get_string (node)));
        }
      g_ptr_array_add (strings, NULL);
      request->stop = (GStrv) g_ptr_array_free (strings, FALSE);
    }

  if (thinking != NULL && g_strcmp0 (get_string (thinking, "type"), "enabled") == 0)
    {
      if (get_number (thinking, "budget_tokens", &number) && number > 0)
        request->reasoning_budget = (gint64) MIN (number, (double) G_MAXINT32);
      request->reasoning = request->reasoning_budget <= LOW_THINKING_BUDGET      ? ADIUVA_REASONING_LOW
                           : request->reasoning_budget <= MEDIUM_THINKING_BUDGET ? ADIUVA_REASONING_MEDIUM
                                                                                 : ADIUVA_REASONING_HIGH;
    }
  else if (thinking != NULL && g_strcmp0 (get_string (thinking, "type"), "adaptive") == 0)
    request->reasoning =
        effort_from_name (output_config != NULL ? get_string (output_config, "effort") : NULL);

  /* output_format is the beta name of output_config.format, still sent by older clients. */
  if (format == NULL)
    format = get_object (body, "output_format");
  if (format != NULL && g_strcmp0 (get_string (format, "type"), "json_schema") == 0)
    {
      JsonNode *schema = json_object_get_member (format, "schema");

      if (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema))
        {
          request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
          request->json_schema = json_node_copy (schema);
        }
    }
}

static AdiuvaChatRequest *
anthropic_decode_request (JsonNode *body,
                          GError  **error)
{
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (GHashTable) tool_names = NULL;
  RequestDecoder decoder;
  JsonObject    *object = node_object (body);
  JsonArray     *messages;
  const char    *model;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (object == NULL)
    {
      set_invalid (error, _ ("the body is not a JSON object"));
      return NULL;
    }

  model = get_string (object, "model");
  messages = get_array (object, "messages");
  if (model == NULL || messages == NULL)
    {
      set_invalid (error, _ ("model or messages is missing"));
      return NULL;
    }

  request = adiuva_chat_request_new (model);
  tool_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  decoder = (RequestDecoder){ .request = request, .tool_names = tool_names };

  if (!read_system (request, json_object_get_member (object, "system"), error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = node_object (json_array_get_element (messages, i));
      const char *role = message != NULL ? get_string (message, "role") : NULL;
      JsonNode   *content = message != NULL ? json_object_get_member (message, "content") : NULL;
      gboolean    ok;

      if (g_strcmp0 (role, "user") == 0)
        ok = read_user_message (&decoder, content, error);
      else if (g_strcmp0 (role, "assistant") == 0)
        ok = read_assistant_message (&decoder, content, error);
      else
        ok = set_invalid (error, _ ("a message’s role is neither user nor assistant"));

      g_clear_pointer (&decoder.pending, adiuva_chat_message_unref);
      if (!ok)
        return NULL;
    }

  if (!read_tools (request, object, error))
    return NULL;
  read_settings (request, object);

  return g_steal_pointer (&request);
}

/* Encoding streams (the loopback endpoint) */

typedef struct
{
  char              *model;
  char              *id;
  GArray            *tool_blocks; /* guint: the content block of each tool call, or G_MAXUINT */
  AdiuvaUsage        usage;
  AdiuvaFinishReason finish;
  guint              n_blocks;
  guint              open_block;
  BlockKind          open_kind;
  guint              started : 1;
  guint              finished : 1;
  guint              called_tools : 1;
} AnthropicEncoder;

/* Appends @text as a JSON string. Deltas are valid UTF-8, which JSON takes as it is. */
static void
append_json_string (GString    *out,
                    const char *text,
                    gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char       *run = text;
  const char       *end = text + len;

  g_string_append_c (out, '"');
  for (const char *p = text; p < end; p++)
    {
      guchar c = *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;

        case '\\':
          g_string_append (out, "\\\\");
          break;

        case '\n':
          g_string_append (out, "\\n");
          break;

        case '\r':
          g_string_append (out, "\\r");
          break;

        case '\t':
          g_string_append (out, "\\t");
          break;

        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
          break;
        }
    }
  g_string_append_len (out, run, end - run);
  g_string_append_c (out, '"');
}

static void
append_c_json_string (GString    *out,
                      const char *text)
{
  append_json_string (out, text != NULL ? text : "", text != NULL ? strlen (text) : 0);
}

/* Anthropic splits input into the uncached part and what was read from the cache. */
static void
append_usage_members (GString           *out,
                      const AdiuvaUsage *usage,
                      gboolean           with_input)
{
  gint64 cached = MAX (usage->cached_input_tokens, 0);

  if (with_input)
    {
      g_string_append_printf (out, "\"input_tokens\":%" G_GINT64_FORMAT ",",
                              MAX (usage->input_tokens - cached, 0));
      if (usage->cached_input_tokens >= 0)
        g_string_append_printf (out, "\"cache_read_input_tokens\":%" G_GINT64_FORMAT ",", cached);
    }
  g_string_append_printf (out, "\"output_tokens\":%" G_GINT64_FORMAT, MAX (usage->output_tokens, 0));
  if (usage->reasoning_tokens >= 0)
    g_string_append_printf (out,
                            ",\"output_tokens_details\":{\"thinking_tokens\":%" G_GINT64_FORMAT "}",
                            usage->reasoning_tokens);
}

static AdiuvaStreamEncoder *
anthropic_stream_encoder_new (const char *model)
{
  AnthropicEncoder *self = g_new0 (AnthropicEncoder, 1);
  AdiuvaUsage       unknown = ADIUVA_USAGE_INIT;

  self->model = g_strdup (model != NULL ? model : "");
  self->id = random_id ("msg_");
  self->tool_blocks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->usage = unknown;
  self->open_kind = BLOCK_NONE;

  return (AdiuvaStreamEncoder *) self;
}

static void
anthropic_stream_encoder_free (AdiuvaStreamEncoder *encoder)
{
  AnthropicEncoder *self = (AnthropicEncoder *) encoder;

  if (self == NULL)
    return;

  g_free (self->model);
  g_free (self->id);
  g_array_unref (self->tool_blocks);
  g_free (self);
}

static void
start_message (AnthropicEncoder *self,
               GString          *out)
{
  if (self->started)
    return;

  self->started = TRUE;
  g_string_append (out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":");
  append_c_json_string (out, self->id);
  g_string_append (out, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  append_c_json_string (out, self->model);
  g_string_append (out, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{");
  append_usage_members (out, &self->usage, TRUE);
  g_string_append (out, "}}}\n\n");
}

static void
close_block (AnthropicEncoder *self,
             GString          *out)
{
  if (self->open_kind == BLOCK_NONE)
    return;

  g_string_append_printf (out,
                          "event: content_block_stop\n"
                          "data: {\"type\":\"content_block_stop\",\"index\":%u}\n\n",
                          self->open_block);
  self->open_kind = BLOCK_NONE;
}

static void
open_block (AnthropicEncoder *self,
            BlockKind         kind,
            GString          *out)
{
  close_block (self, out);
  self->open_block = self->n_blocks++;
  self->open_kind = kind;
  g_string_append_printf (out,
                          "event: content_block_start\n"
                          "data: {\"type\":\"content_block_start\",\"index\":%u,\"content_block\":",
                          self->open_block);
}

static void
append_delta (AnthropicEncoder *self,
              guint             block,
              const char       *type,
              const char       *member,
              const char       *text,
              gsize             len,
              GString          *out)
{
  g_string_append_printf (out,
                          "event: content_block_delta\n"
                          "data: {\"type\":\"content_block_delta\",\"index\":%u,"
                          "\"delta\":{\"type\":\"%s\",\"%s\":",
                          block, type, member);
  append_json_string (out, text, len);
  g_string_append (out, "}}\n\n");
}

static void
add_text_delta (AnthropicEncoder      *self,
                const AdiuvaChatDelta *delta,
                GString               *out)
{
  if (self->open_kind != BLOCK_TEXT)
    {
      open_block (self, BLOCK_TEXT, out);
      g_string_append (out, "{\"type\":\"text\",\"text\":\"\"}}\n\n");
    }

  append_delta (self, self->open_block, "text_delta", "text", delta->text, delta->text_len, out);
}

static void
add_thinking_delta (AnthropicEncoder      *self,
                    const AdiuvaChatDelta *delta,
                    GString               *out)
{
  if (self->open_kind != BLOCK_THINKING)
    {
      open_block (self, BLOCK_THINKING, out);
      g_string_append (out, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n");
    }

  if (delta->kind == ADIUVA_DELTA_REASONING)
    append_delta (self, self->open_block, "thinking_delta", "thinking", delta->text,
                  delta->text_len, out);
  else
    append_delta (self, self->open_block, "signature_delta", "signature", delta->text,
                  delta->text_len, out);
}

static void
add_tool_delta (AnthropicEncoder      *self,
                const AdiuvaChatDelta *delta,
                GString               *out)
{
  guint block = delta->tool_index < self->tool_blocks->len
                    ? g_array_index (self->tool_blocks, guint, delta->tool_index)
                    : G_MAXUINT;

  if (block == G_MAXUINT)
    {
      g_autofree char *id = NULL;
      guint            none = G_MAXUINT;

      /* A piece of a call that never named its tool cannot be shown to an Anthropic client. */
      if (delta->tool_name == NULL || *delta->tool_name == '\0')
        return;

      id = delta->tool_id != NULL && *delta->tool_id != '\0' ? g_strdup (delta->tool_id)
                                                             : random_id ("toolu_");
      open_block (self, BLOCK_TOOL_USE, out);
      g_string_append (out, "{\"type\":\"tool_use\",\"id\":");
      append_c_json_string (out, id);
      g_string_append (out, ",\"name\":");
      append_c_json_string (out, delta->tool_name);
      g_string_append (out, ",\"input\":{}}}\n\n");

      while (self->tool_blocks->len <= delta->tool_index)
        g_array_append_val (self->tool_blocks, none);
      g_array_index (self->tool_blocks, guint, delta->tool_index) = block = self->open_block;
      self->called_tools = TRUE;
    }

  /* Pieces of an earlier call (providers that interleave parallel calls) still name its
   * block: Anthropic's SDKs apply deltas by index. */
  if (delta->text_len > 0)
    append_delta (self, block, "input_json_delta", "partial_json", delta->text, delta->text_len, out);
}

static void
anthropic_stream_encoder_add (AdiuvaStreamEncoder   *encoder,
                              const AdiuvaChatDelta *delta,
                              GString               *out)
{
  AnthropicEncoder *self = (AnthropicEncoder *) encoder;

  g_return_if_fail (self != NULL);
  g_return_if_fail (delta != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (!self->finished);

  switch (delta->kind)
    {
    case ADIUVA_DELTA_USAGE:
      /* Kept for message_start when it comes first (Anthropic's own order), and for
       * message_delta in any case. */
      if (delta->usage.input_tokens >= 0)
        self->usage.input_tokens = delta->usage.input_tokens;
      if (delta->usage.output_tokens >= 0)
        self->usage.output_tokens = delta->usage.output_tokens;
      if (delta->usage.cached_input_tokens >= 0)
        self->usage.cached_input_tokens = delta->usage.cached_input_tokens;
      if (delta->usage.reasoning_tokens >= 0)
        self->usage.reasoning_tokens = delta->usage.reasoning_tokens;
      return;

    case ADIUVA_DELTA_FINISH:
      self->finish = delta->finish;
      return;

    case ADIUVA_DELTA_TEXT:
      if (delta->text_len == 0)
        return;
      start_message (self, out);
      add_text_delta (self, delta, out);
      return;

    case ADIUVA_DELTA_REASONING:
    case ADIUVA_DELTA_REASONING_SIGNATURE:
      if (delta->text_len == 0)
        return;
      start_message (self, out);
      add_thinking_delta (self, delta, out);
      return;

    case ADIUVA_DELTA_TOOL_CALL:
      start_message (self, out);
      add_tool_delta (self, delta, out);
      return;

    default:
      g_return_if_reached ();
    }
}

static void
anthropic_stream_encoder_finish (AdiuvaStreamEncoder *encoder,
                                 GString             *out)
{
  AnthropicEncoder *self = (AnthropicEncoder *) encoder;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (!self->finished);

  self->finished = TRUE;
  start_message (self, out);
  close_block (self, out);

  g_string_append (out, "event: message_delta\n"
                        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
  append_c_json_string (out, stop_reason_for_finish (self->finish, self->called_tools));
  g_string_append (out, ",\"stop_sequence\":null},\"usage\":{");
  append_usage_members (out, &self->usage, self->usage.input_tokens >= 0);
  g_string_append (out, "}}\n\n"
                        "event: message_stop\n"
                        "data: {\"type\":\"message_stop\"}\n\n");
}

/* Encoding answers (the loopback endpoint) */

static JsonNode *
anthropic_encode_response (const char            *model,
                           AdiuvaChatAccumulator *answer)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autofree char   *id = random_id ("msg_");
  const AdiuvaUsage *usage;
  const char        *stop_reason;
  gint64             cached;

  g_return_val_if_fail (answer != NULL, NULL);

  message = adiuva_chat_accumulator_dup_message (answer);
  usage = adiuva_chat_accumulator_get_usage (answer);
  stop_reason = stop_reason_for_finish (adiuva_chat_accumulator_get_finish (answer),
                                        message->tool_calls->len > 0);
  cached = MAX (usage->cached_input_tokens, 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "message");
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model != NULL ? model : "");

  json_builder_set_member_name (builder, "content");
  json_builder_begin_array (builder);
  if (message->reasoning != NULL || message->reasoning_signature != NULL)
    add_thinking_block (builder, message->reasoning != NULL ? message->reasoning : "",
                        message->reasoning_signature != NULL ? message->reasoning_signature : "");
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (part->kind == ADIUVA_PART_TEXT)
        add_text_block (builder, part->text);
    }
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      g_autofree char      *call_id = call->id != NULL ? g_strdup (call->id) : random_id ("toolu_");

      add_tool_use (builder, call_id, call->name, call->arguments);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "stop_reason");
  json_builder_add_string_value (builder, stop_reason);
  json_builder_set_member_name (builder, "stop_sequence");
  json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "input_tokens");
  json_builder_add_int_value (builder, MAX (usage->input_tokens - cached, 0));
  if (usage->cached_input_tokens >= 0)
    {
      json_builder_set_member_name (builder, "cache_read_input_tokens");
      json_builder_add_int_value (builder, cached);
    }
  json_builder_set_member_name (builder, "output_tokens");
  json_builder_add_int_value (builder, MAX (usage->output_tokens, 0));
  if (usage->reasoning_tokens >= 0)
    {
      json_builder_set_member_name (builder, "output_tokens_details");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "thinking_tokens");
      json_builder_add_int_value (builder, usage->reasoning_tokens);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
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
  .decode_request = anthropic_decode_request,
  .stream_encoder_new = anthropic_stream_encoder_new,
  .stream_encoder_add = anthropic_stream_encoder_add,
  .stream_encoder_finish = anthropic_stream_encoder_finish,
  .stream_encoder_free = anthropic_stream_encoder_free,
  .encode_response = anthropic_encode_response,
};
