/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-anthropic-codec-private.h"
#include "adiuva-chat-accumulator.h"

/* The Anthropic codec's side of the loopback endpoint, where a client speaks Anthropic's
 * Messages API to the gateway; the provider's side is adiuva-anthropic-codec.c. Decisions,
 * tested in tests/gateway/test-anthropic-codec.c:
 *
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

#define ID_LENGTH 24

/* @id, or for a call that came without one an id in Anthropic's style. */
static char *
dup_tool_use_id (const char *id)
{
  if (id != NULL && *id != '\0')
    return g_strdup (id);

  return _adiuva_wire_codec_random_id ("toolu_", ID_LENGTH);
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

/* Decoding requests (the loopback endpoint) */

static gboolean
set_invalid (GError    **error,
             const char *what)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
               _ ("The request does not follow Anthropic’s Messages API: %s."), what);
  return FALSE;
}

static gboolean
read_image (AdiuvaChatMessage *message,
            JsonObject        *block,
            GError           **error)
{
  JsonObject *source = _adiuva_json_get_object (block, "source");
  const char *type = _adiuva_json_get_string (source, "type");

  if (g_strcmp0 (type, "base64") == 0)
    {
      const char *media_type = _adiuva_json_get_string (source, "media_type");
      const char *data = _adiuva_json_get_string (source, "data");
      g_autoptr (GBytes) bytes = NULL;
      guchar *decoded;
      gsize   size;

      if (media_type == NULL || data == NULL)
        return set_invalid (error, _ ("an image has no media type or data"));
      /* Other formats carry the type in a data: URL, where it must be one. */
      if (!_adiuva_wire_codec_is_media_type (media_type))
        return set_invalid (error, _ ("an image’s media type is not a type such as image/png"));

      decoded = g_base64_decode (data, &size);
      bytes = g_bytes_new_take (decoded, size);
      if (size == 0)
        return set_invalid (error, _ ("an image holds no data"));
      adiuva_chat_message_add_image (message, media_type, bytes, NULL);
      return TRUE;
    }
  else if (g_strcmp0 (type, "url") == 0)
    {
      const char *url = _adiuva_json_get_string (source, "url");
      const char *media_type;

      if (url == NULL)
        return set_invalid (error, _ ("an image has no URL"));

      media_type = _adiuva_wire_codec_guess_image_type (url, "application/octet-stream");
      adiuva_chat_message_add_image (message, media_type, NULL, url);
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
      const char *text = _adiuva_json_get_string (block, "text");

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

  if (_adiuva_json_node_holds (content, G_TYPE_STRING))
    {
      adiuva_chat_message_add_text (message, json_node_get_string (content));
      return TRUE;
    }
  if (!_adiuva_json_node_is_set (content))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (content))
    return set_invalid (error, _ ("content is neither text nor blocks"));

  blocks = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      JsonObject *block = _adiuva_json_node_get_object (json_array_get_element (blocks, i));
      const char *type = _adiuva_json_get_string (block, "type");

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
  const char *id = _adiuva_json_get_string (block, "tool_use_id");

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
      JsonObject *block = _adiuva_json_node_get_object (json_array_get_element (blocks, i));
      const char *type = _adiuva_json_get_string (block, "type");

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
      const char *thinking = _adiuva_json_get_string (block, "thinking");
      const char *signature = _adiuva_json_get_string (block, "signature");
      char       *joined;

      if (thinking != NULL)
        {
          joined = g_strconcat (message->reasoning != NULL ? message->reasoning : "", thinking,
                                NULL);
          g_free (message->reasoning);
          message->reasoning = joined;
        }
      if (signature != NULL && message->reasoning_signature == NULL)
        message->reasoning_signature = g_strdup (signature);
    }
  else if (strcmp (type, "tool_use") == 0)
    {
      const char      *id = _adiuva_json_get_string (block, "id");
      const char      *name = _adiuva_json_get_string (block, "name");
      JsonNode        *input = json_object_get_member (block, "input");
      g_autofree char *arguments = NULL;

      if (id == NULL || name == NULL)
        return set_invalid (error, _ ("a tool_use block has no id or name"));

      if (_adiuva_json_node_is_set (input))
        arguments = json_to_string (input, FALSE);
      adiuva_chat_message_add_tool_call (message, id, name, arguments);
      g_hash_table_insert (decoder->tool_names, g_strdup (id), g_strdup (name));
    }

  /* redacted_thinking and server tool blocks have no canonical form (see
   * adiuva-anthropic-codec.c). */
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
          JsonObject *block = _adiuva_json_node_get_object (json_array_get_element (blocks, i));
          const char *type = _adiuva_json_get_string (block, "type");

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

  if (!_adiuva_json_node_is_set (system))
    return TRUE;

  if (_adiuva_json_node_holds (system, G_TYPE_STRING))
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
      JsonObject *block = _adiuva_json_node_get_object (json_array_get_element (blocks, i));
      const char *text = _adiuva_json_get_string (block, "text");
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
  JsonArray  *tools = _adiuva_json_get_array (body, "tools");
  JsonObject *choice = _adiuva_json_get_object (body, "tool_choice");

  for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
    {
      JsonObject *tool = _adiuva_json_node_get_object (json_array_get_element (tools, i));
      const char *type = _adiuva_json_get_string (tool, "type");
      const char *name = _adiuva_json_get_string (tool, "name");
      JsonNode   *schema;

      if (name == NULL)
        return set_invalid (error, _ ("a tool has no name"));

      /* Anthropic's own tools (web_search_…, bash_…) run at Anthropic only. */
      if (type != NULL && strcmp (type, "custom") != 0)
        continue;

      schema = json_object_get_member (tool, "input_schema");
      if (schema != NULL && !JSON_NODE_HOLDS_OBJECT (schema))
        schema = NULL;
      adiuva_chat_request_add_tool (request, name, _adiuva_json_get_string (tool, "description"),
                                    schema);
    }

  if (choice != NULL)
    {
      const char *type = _adiuva_json_get_string (choice, "type");

      if (g_strcmp0 (type, "any") == 0)
        request->tool_choice = ADIUVA_TOOL_CHOICE_REQUIRED;
      else if (g_strcmp0 (type, "none") == 0)
        request->tool_choice = ADIUVA_TOOL_CHOICE_NONE;
      else if (g_strcmp0 (type, "tool") == 0)
        {
          const char *name = _adiuva_json_get_string (choice, "name");

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
  JsonObject *thinking = _adiuva_json_get_object (body, "thinking");
  JsonObject *output_config = _adiuva_json_get_object (body, "output_config");
  JsonObject *format = _adiuva_json_get_object (output_config, "format");
  JsonArray  *stop = _adiuva_json_get_array (body, "stop_sequences");
  JsonNode   *stream = json_object_get_member (body, "stream");
  double      number;

  if (_adiuva_json_get_number (body, "max_tokens", &number) && number > 0)
    request->max_tokens = (gint64) MIN (number, (double) G_MAXINT32);
  if (_adiuva_json_get_number (body, "temperature", &number))
    request->temperature = number;
  if (_adiuva_json_get_number (body, "top_p", &number))
    request->top_p = number;
  request->stream =
      _adiuva_json_node_holds (stream, G_TYPE_BOOLEAN) && json_node_get_boolean (stream);

  if (stop != NULL && json_array_get_length (stop) > 0)
    {
      GPtrArray *strings = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (stop); i++)
        {
          JsonNode *node = json_array_get_element (stop, i);

          if (_adiuva_json_node_holds (node, G_TYPE_STRING))
            g_ptr_array_add (strings, g_strdup (json_node_get_string (node)));
        }
      g_ptr_array_add (strings, NULL);
      request->stop = (GStrv) g_ptr_array_free (strings, FALSE);
    }

  if (g_strcmp0 (_adiuva_json_get_string (thinking, "type"), "enabled") == 0)
    {
      if (_adiuva_json_get_number (thinking, "budget_tokens", &number) && number > 0)
        request->reasoning_budget = (gint64) MIN (number, (double) G_MAXINT32);
      if (request->reasoning_budget <= LOW_THINKING_BUDGET)
        request->reasoning = ADIUVA_REASONING_LOW;
      else if (request->reasoning_budget <= MEDIUM_THINKING_BUDGET)
        request->reasoning = ADIUVA_REASONING_MEDIUM;
      else
        request->reasoning = ADIUVA_REASONING_HIGH;
    }
  else if (g_strcmp0 (_adiuva_json_get_string (thinking, "type"), "adaptive") == 0)
    request->reasoning = effort_from_name (_adiuva_json_get_string (output_config, "effort"));

  /* output_format is the beta name of output_config.format, still sent by older clients. */
  if (format == NULL)
    format = _adiuva_json_get_object (body, "output_format");
  if (format != NULL && g_strcmp0 (_adiuva_json_get_string (format, "type"), "json_schema") == 0)
    {
      JsonNode *schema = json_object_get_member (format, "schema");

      if (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema))
        {
          request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
          request->json_schema = json_node_copy (schema);
        }
    }
}

AdiuvaChatRequest *
_adiuva_anthropic_codec_decode_request (JsonNode *body,
                                        GError  **error)
{
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (GHashTable) tool_names = NULL;
  RequestDecoder decoder;
  JsonObject    *object = _adiuva_json_node_get_object (body);
  JsonArray     *messages;
  const char    *model;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (object == NULL)
    {
      set_invalid (error, _ ("the body is not a JSON object"));
      return NULL;
    }

  model = _adiuva_json_get_string (object, "model");
  messages = _adiuva_json_get_array (object, "messages");
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
      JsonObject *message = _adiuva_json_node_get_object (json_array_get_element (messages, i));
      const char *role = _adiuva_json_get_string (message, "role");
      JsonNode   *content = _adiuva_json_get_member (message, "content");
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
  g_string_append_printf (out, "\"output_tokens\":%" G_GINT64_FORMAT,
                          MAX (usage->output_tokens, 0));
  if (usage->reasoning_tokens >= 0)
    g_string_append_printf (out,
                            ",\"output_tokens_details\":{\"thinking_tokens\":%" G_GINT64_FORMAT "}",
                            usage->reasoning_tokens);
}

AdiuvaStreamEncoder *
_adiuva_anthropic_stream_encoder_new (const char *model)
{
  AnthropicEncoder *self = g_new0 (AnthropicEncoder, 1);
  AdiuvaUsage       unknown = ADIUVA_USAGE_INIT;

  self->model = g_strdup (model != NULL ? model : "");
  self->id = _adiuva_wire_codec_random_id ("msg_", ID_LENGTH);
  self->tool_blocks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->usage = unknown;
  self->open_kind = BLOCK_NONE;

  return (AdiuvaStreamEncoder *) self;
}

void
_adiuva_anthropic_stream_encoder_free (AdiuvaStreamEncoder *encoder)
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
  g_string_append (out, "event: message_start\n"
                        "data: {\"type\":\"message_start\",\"message\":{\"id\":");
  _adiuva_json_append_string (out, self->id, -1);
  g_string_append (out, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  _adiuva_json_append_string (out, self->model, -1);
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
  _adiuva_json_append_string (out, text, len);
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

      id = dup_tool_use_id (delta->tool_id);
      open_block (self, BLOCK_TOOL_USE, out);
      g_string_append (out, "{\"type\":\"tool_use\",\"id\":");
      _adiuva_json_append_string (out, id, -1);
      g_string_append (out, ",\"name\":");
      _adiuva_json_append_string (out, delta->tool_name, -1);
      g_string_append (out, ",\"input\":{}}}\n\n");

      while (self->tool_blocks->len <= delta->tool_index)
        g_array_append_val (self->tool_blocks, none);
      g_array_index (self->tool_blocks, guint, delta->tool_index) = block = self->open_block;
      self->called_tools = TRUE;
    }

  /* Pieces of an earlier call (providers that interleave parallel calls) still name its
   * block: Anthropic's SDKs apply deltas by index. */
  if (delta->text_len > 0)
    append_delta (self, block, "input_json_delta", "partial_json", delta->text, delta->text_len,
                  out);
}

void
_adiuva_anthropic_stream_encoder_add (AdiuvaStreamEncoder   *encoder,
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
      _adiuva_usage_merge (&self->usage, &delta->usage);
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

void
_adiuva_anthropic_stream_encoder_finish (AdiuvaStreamEncoder *encoder,
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
  _adiuva_json_append_string (out, stop_reason_for_finish (self->finish, self->called_tools), -1);
  g_string_append (out, ",\"stop_sequence\":null},\"usage\":{");
  append_usage_members (out, &self->usage, self->usage.input_tokens >= 0);
  g_string_append (out, "}}\n\n"
                        "event: message_stop\n"
                        "data: {\"type\":\"message_stop\"}\n\n");
}

/* Encoding answers (the loopback endpoint) */

JsonNode *
_adiuva_anthropic_codec_encode_response (const char            *model,
                                         AdiuvaChatAccumulator *answer)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autofree char   *id = _adiuva_wire_codec_random_id ("msg_", ID_LENGTH);
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
    _adiuva_anthropic_codec_add_thinking_block (
        builder, message->reasoning != NULL ? message->reasoning : "",
        message->reasoning_signature != NULL ? message->reasoning_signature : "");
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (part->kind == ADIUVA_PART_TEXT)
        _adiuva_anthropic_codec_add_text_block (builder, part->text);
    }
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      g_autofree char      *call_id = dup_tool_use_id (call->id);

      _adiuva_anthropic_codec_add_tool_use (builder, call_id, call->name, call->arguments);
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
