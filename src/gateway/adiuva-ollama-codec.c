/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-ndjson-decoder.h"
#include "adiuva-wire-codec-private.h"
#include "adiuva-embeddings-private.h"

/* Ollama's native chat API (POST /api/chat), both ways. Decisions, tested in
 * tests/gateway/test-ollama-codec.c:
 *
 * Requests
 * - Every message keeps its place and role, system messages included: Ollama accepts them
 *   anywhere. A message's text parts are joined with a blank line into `content`, its image
 *   bytes go to `images` as base64. Ollama cannot fetch images, so an http(s) image URL is
 *   refused with ADIUVA_GATEWAY_ERROR_INVALID; a base64 data: URL is unpacked.
 * - Assistant tool calls become {id, function: {name, arguments: object}}; arguments that are
 *   not a JSON object are refused, since Ollama could not read them either. Reasoning goes
 *   back as `thinking`. Tool results are {role: tool, content, tool_name, tool_call_id}; the
 *   tool's name, when the message lacks it, is the name of the earlier call with that id.
 *   Older Ollama versions ignore the ids, newer ones pair results with them.
 * - Ollama has no tool_choice: NONE sends no tools, NAMED sends only the named tool,
 *   REQUIRED sends them all (Ollama cannot be made to call one).
 * - Sampling settings go to `options` (num_predict is max_tokens), JSON mode to `format`
 *   ("json" or the schema), `think` is true when reasoning is asked for and left out
 *   otherwise, and `stream` is always explicit since Ollama streams by default.
 *
 * Responses
 * - One JSON object per NDJSON line (the whole body without streaming): message.content is
 *   text, message.thinking is reasoning, each entry of message.tool_calls is a whole call
 *   whose arguments object is written back as JSON text. Tool indexes count calls across the
 *   answer. Unknown fields are ignored; a value of the wrong type or a missing `done` is a
 *   protocol error.
 * - Ollama gives its calls no ids (newer versions may: those are kept). A synthesized id is
 *   "call_" and 24 hex digits of the SHA-256 of the object's created_at, the call's index,
 *   name and arguments: the same bytes always give the same ids, however they are split, and
 *   calls of different turns do not collide, which Anthropic would refuse after a fallback.
 * - The object with done:true ends the answer: done_reason "length" is LENGTH, anything
 *   else STOP, or TOOL_CALLS when the answer called tools; prompt_eval_count and eval_count
 *   are the usage. Whatever follows it is ignored. A stream that ends before it is cut.
 * - {"error": "…"} in place of an object is Ollama's error, classified by its words, since a
 *   stream has already answered 200 when it happens.
 */

/* How far an answer has come, the same for a body and a stream. */
typedef struct
{
  AdiuvaDeltaSink sink;
  guint           n_calls;
  gboolean        done;
} Answer;

typedef struct
{
  AdiuvaNdjsonDecoder *lines;
  Answer               answer;
  gboolean             closed; /* by an error or by finish */
} OllamaStreamDecoder;

static gboolean
set_protocol_error (GError    **error,
                    const char *what)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
               _ ("Ollama sent an answer the gateway cannot read: %s"), what);
  return FALSE;
}

/* A string member that may be absent or null (*out is then NULL), but nothing else. */
static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (!_adiuva_json_node_is_set (node))
    return TRUE;

  if (!_adiuva_json_node_holds (node, G_TYPE_STRING))
    {
      g_autofree char *what = g_strdup_printf (_ ("“%s” is not a string."), name);

      return set_protocol_error (error, what);
    }

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
decode_tool_call (JsonNode   *node,
                  const char *created_at,
                  Answer     *answer,
                  GError    **error)
{
  g_autofree char *written = NULL;
  g_autofree char *synthesized_id = NULL;
  JsonObject      *call;
  JsonObject      *function;
  JsonNode        *function_node;
  JsonNode        *arguments_node;
  const char      *name;
  const char      *id;
  const char      *arguments;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_protocol_error (error, _ ("A tool call is not an object."));
  call = json_node_get_object (node);

  function_node = json_object_get_member (call, "function");
  if (function_node == NULL || !JSON_NODE_HOLDS_OBJECT (function_node))
    return set_protocol_error (error, _ ("A tool call has no function."));
  function = json_node_get_object (function_node);

  if (!get_string (function, "name", &name, error))
    return FALSE;
  if (name == NULL || *name == '\0')
    return set_protocol_error (error, _ ("A tool call does not name its tool."));

  /* Ollama sends an object; a string would already be the JSON text. */
  arguments_node = json_object_get_member (function, "arguments");
  if (!_adiuva_json_node_is_set (arguments_node))
    arguments = "{}";
  else if (_adiuva_json_node_holds (arguments_node, G_TYPE_STRING))
    arguments = json_node_get_string (arguments_node);
  else
    arguments = written = json_to_string (arguments_node, FALSE);

  if (!get_string (call, "id", &id, error))
    return FALSE;
  if (id == NULL || *id == '\0')
    id = synthesized_id =
        _adiuva_wire_codec_hash_call_id ("call_", created_at, answer->n_calls, name, arguments);

  return _adiuva_wire_codec_emit_tool_call (&answer->sink, answer->n_calls++, id, name, arguments,
                                            error);
}

static gboolean
decode_message (JsonObject *message,
                const char *created_at,
                Answer     *answer,
                GError    **error)
{
  JsonNode   *calls;
  const char *thinking;
  const char *content;

  if (!get_string (message, "thinking", &thinking, error) ||
      !get_string (message, "content", &content, error))
    return FALSE;

  /* Thinking comes before the answer it leads to, even when both share a line. */
  if (!_adiuva_wire_codec_emit_text (&answer->sink, ADIUVA_DELTA_REASONING, thinking, error) ||
      !_adiuva_wire_codec_emit_text (&answer->sink, ADIUVA_DELTA_TEXT, content, error))
    return FALSE;

  calls = json_object_get_member (message, "tool_calls");
  if (!_adiuva_json_node_is_set (calls))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (calls))
    return set_protocol_error (error, _ ("“tool_calls” is not a list."));

  for (guint i = 0; i < json_array_get_length (json_node_get_array (calls)); i++)
    if (!decode_tool_call (json_array_get_element (json_node_get_array (calls), i), created_at,
                           answer, error))
      return FALSE;

  return TRUE;
}

static gboolean
contains_any (const char        *haystack,
              const char *const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (haystack, needles[i]) != NULL)
      return TRUE;

  return FALSE;
}

/* Ollama's errors carry no code, and inside a stream no status either: its words are all
 * there is to tell a missing model from a busy server. */
static AdiuvaGatewayError
classify_error_text (const char *text)
{
  static const char *const overloaded[] = { "busy", "overloaded", "maximum pending",
                                            "try again later", NULL };
  static const char *const rate_limited[] = { "rate limit", "too many requests", "usage limit",
                                              NULL };
  static const char *const auth[] = { "unauthorized", "forbidden", "api key", "permission",
                                      NULL };
  static const char *const bad_request[] = { "not found", "does not support", "invalid",
                                             "context length", "too long", "exceeds", NULL };
  g_autofree char         *lower = g_utf8_strdown (text, -1);

  if (contains_any (lower, overloaded))
    return ADIUVA_GATEWAY_ERROR_OVERLOADED;
  if (contains_any (lower, rate_limited))
    return ADIUVA_GATEWAY_ERROR_RATE_LIMITED;
  if (contains_any (lower, auth))
    return ADIUVA_GATEWAY_ERROR_AUTH;
  if (contains_any (lower, bad_request))
    return ADIUVA_GATEWAY_ERROR_BAD_REQUEST;

  return ADIUVA_GATEWAY_ERROR_SERVER;
}

/* Ollama's {"error": "text"}; an {"error": {"message": …}} as OpenAI-style proxies write it is
 * read too. */
static const char *
get_error_text (JsonNode *error_node)
{
  const char *text = _adiuva_json_node_get_string (error_node);

  if (text == NULL)
    text = _adiuva_json_get_string (_adiuva_json_node_get_object (error_node), "message");

  return text;
}

static gboolean
set_answer_error (GError  **error,
                  JsonNode *error_node)
{
  const char *text = get_error_text (error_node);

  if (text == NULL || *text == '\0')
    g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER,
                         _ ("Ollama stopped with an error it did not explain."));
  else
    g_set_error (error, ADIUVA_GATEWAY_ERROR, classify_error_text (text),
                 _ ("Ollama stopped with an error: %s"), text);

  return FALSE;
}

static AdiuvaFinishReason
finish_reason (const char *done_reason,
               gboolean    called_tools)
{
  /* "load" and "unload" answer requests without messages; they end normally too. */
  if (g_strcmp0 (done_reason, "length") == 0)
    return ADIUVA_FINISH_LENGTH;

  return called_tools ? ADIUVA_FINISH_TOOL_CALLS : ADIUVA_FINISH_STOP;
}

static gboolean
decode_done (JsonObject *object,
             Answer     *answer,
             GError    **error)
{
  AdiuvaUsage usage = ADIUVA_USAGE_INIT;
  const char *done_reason;

  if (!get_string (object, "done_reason", &done_reason, error))
    return FALSE;

  answer->done = TRUE;
  if (!_adiuva_wire_codec_emit_finish (&answer->sink,
                                       finish_reason (done_reason, answer->n_calls > 0), error))
    return FALSE;

  usage.input_tokens = _adiuva_json_get_count (object, "prompt_eval_count");
  usage.output_tokens = _adiuva_json_get_count (object, "eval_count");
  return _adiuva_wire_codec_emit_usage (&answer->sink, &usage, error);
}

/* One object: a line of a stream or a whole body. */
static gboolean
decode_object (JsonNode *root,
               Answer   *answer,
               GError  **error)
{
  JsonObject *object;
  JsonNode   *node;
  const char *created_at;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return set_protocol_error (error, _ ("A JSON value is not an object."));
  object = json_node_get_object (root);

  if (answer->done)
    return TRUE;

  node = json_object_get_member (object, "error");
  if (_adiuva_json_node_is_set (node))
    return set_answer_error (error, node);

  if (!get_string (object, "created_at", &created_at, error))
    return FALSE;

  node = json_object_get_member (object, "message");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      if (!decode_message (json_node_get_object (node), created_at, answer, error))
        return FALSE;
    }
  else if (_adiuva_json_node_is_set (node))
    return set_protocol_error (error, _ ("“message” is not an object."));

  node = json_object_get_member (object, "done");
  if (!_adiuva_json_node_holds (node, G_TYPE_BOOLEAN))
    return set_protocol_error (error, _ ("An object lacks “done”."));

  if (json_node_get_boolean (node))
    return decode_done (object, answer, error);

  return TRUE;
}

static gboolean
ollama_decode_response (JsonNode       *body,
                        AdiuvaDeltaFunc func,
                        gpointer        user_data,
                        GError        **error)
{
  Answer answer = { { func, user_data }, 0, FALSE };

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!decode_object (body, &answer, error))
    return FALSE;

  if (!answer.done)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                           _ ("Ollama’s answer is not finished: it is one piece of a stream."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
stream_line_cb (const char *line,
                gsize       len,
                gpointer    user_data,
                GError    **error)
{
  OllamaStreamDecoder *self = user_data;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (JsonNode) root = NULL;

  /* Once done, the answer is complete: a trailing line cannot change it. */
  if (self->answer.done)
    return TRUE;

  if (!g_utf8_validate_len (line, len, NULL))
    {
      g_autofree char *excerpt =
          _adiuva_wire_codec_dup_excerpt (line, len, ADIUVA_WIRE_CODEC_EVENT_EXCERPT);

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("Ollama’s stream holds a line that is not valid UTF-8: “%s”"), excerpt);
      return FALSE;
    }

  root = _adiuva_wire_codec_parse_json (line, len, &parse_error);
  if (parse_error != NULL)
    {
      g_autofree char *excerpt =
          _adiuva_wire_codec_dup_excerpt (line, len, ADIUVA_WIRE_CODEC_EVENT_EXCERPT);

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("Ollama’s stream holds a line that is not valid JSON (%s): “%s”"),
                   parse_error->message, excerpt);
      return FALSE;
    }

  if (root == NULL)
    return TRUE;

  return decode_object (root, &self->answer, error);
}

static AdiuvaStreamDecoder *
ollama_stream_decoder_new (void)
{
  OllamaStreamDecoder *self = g_new0 (OllamaStreamDecoder, 1);

  self->lines = adiuva_ndjson_decoder_new (ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE);

  return (AdiuvaStreamDecoder *) self;
}

static void
ollama_stream_decoder_free (AdiuvaStreamDecoder *decoder)
{
  OllamaStreamDecoder *self = (OllamaStreamDecoder *) decoder;

  if (self == NULL)
    return;

  adiuva_ndjson_decoder_free (self->lines);
  g_free (self);
}

static gboolean
refuse_when_closed (GError **error)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("Ollama’s stream has failed or ended; nothing more can be read from "
                          "it."));
  return FALSE;
}

static gboolean
ollama_stream_decoder_feed (AdiuvaStreamDecoder *decoder,
                            const guint8        *data,
                            gsize                len,
                            AdiuvaDeltaFunc      func,
                            gpointer             user_data,
                            GError             **error)
{
  OllamaStreamDecoder *self = (OllamaStreamDecoder *) decoder;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->closed)
    return refuse_when_closed (error);

  self->answer.sink = (AdiuvaDeltaSink){ func, user_data };
  if (!adiuva_ndjson_decoder_feed (self->lines, data, len, stream_line_cb, self, error))
    {
      self->closed = TRUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
ollama_stream_decoder_finish (AdiuvaStreamDecoder *decoder,
                              AdiuvaDeltaFunc      func,
                              gpointer             user_data,
                              GError             **error)
{
  OllamaStreamDecoder *self = (OllamaStreamDecoder *) decoder;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->closed)
    return refuse_when_closed (error);

  self->answer.sink = (AdiuvaDeltaSink){ func, user_data };
  self->closed = TRUE;
  if (!adiuva_ndjson_decoder_finish (self->lines, stream_line_cb, self, error))
    return FALSE;

  if (!self->answer.done)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                           _ ("Ollama’s stream ended before the answer was finished."));
      return FALSE;
    }

  return TRUE;
}

/* What Ollama said, from an error body: its JSON message, or the start of a text body (a
 * proxy's error page) so the user still learns something. */
static char *
dup_error_body_text (const char *body,
                     gsize       body_len)
{
  g_autoptr (JsonNode) root = NULL;
  JsonNode *node = NULL;

  if (body == NULL || body_len == 0)
    return NULL;

  root = _adiuva_wire_codec_parse_json (body, body_len, NULL);
  if (root == NULL)
    return _adiuva_wire_codec_dup_excerpt (body, body_len, ADIUVA_WIRE_CODEC_BODY_EXCERPT);

  if (JSON_NODE_HOLDS_OBJECT (root))
    node = json_object_get_member (json_node_get_object (root), "error");
  return g_strdup (get_error_text (node != NULL ? node : root));
}

static void
ollama_decode_error (guint       status,
                     const char *body,
                     gsize       body_len,
                     GError    **error)
{
  g_autofree char *text = dup_error_body_text (body, body_len);

  _adiuva_wire_codec_set_http_error (error, status, text);
}

static const char *
role_name (AdiuvaRole role)
{
  switch (role)
    {
    case ADIUVA_ROLE_SYSTEM:
      return "system";
    case ADIUVA_ROLE_USER:
      return "user";
    case ADIUVA_ROLE_ASSISTANT:
      return "assistant";
    case ADIUVA_ROLE_TOOL:
      return "tool";
    default:
      g_assert_not_reached ();
    }
}

static gboolean
add_image (JsonBuilder             *builder,
           const AdiuvaContentPart *part,
           GError                 **error)
{
  const char *data;
  gboolean    is_base64;

  if (part->image_data != NULL)
    {
      g_autofree char *base64 = _adiuva_wire_codec_dup_base64 (part->image_data);

      json_builder_add_string_value (builder, base64);
      return TRUE;
    }

  g_assert (part->image_url != NULL);

  /* A base64 data URL already holds the bytes. */
  if (g_ascii_strncasecmp (part->image_url, "data:", strlen ("data:")) == 0)
    {
      if (_adiuva_wire_codec_parse_data_url (part->image_url, NULL, &is_base64, &data) && is_base64)
        {
          json_builder_add_string_value (builder, data);
          return TRUE;
        }

      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                           _ ("Ollama only takes images as base64; this image’s data URL "
                              "is not."));
      return FALSE;
    }

  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
               _ ("Ollama cannot fetch images from the web; attach the image itself instead of "
                  "its address (%s)."),
               part->image_url);
  return FALSE;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Ollama takes one string of text and a separate list of images per message. */
static gboolean
add_content (JsonBuilder             *builder,
             const AdiuvaChatMessage *message,
             GError                 **error)
{
  g_autoptr (GString) content = g_string_new (NULL);
  guint n_texts = 0;
  guint n_images = 0;

  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (part->kind == ADIUVA_PART_IMAGE)
        n_images++;
      else if (n_texts++ > 0)
        g_string_append_printf (content, "\n\n%s", part->text);
      else
        g_string_append (content, part->text);
    }

  add_string_member (builder, "content", content->str);

  if (n_images == 0)
    return TRUE;

  json_builder_set_member_name (builder, "images");
  json_builder_begin_array (builder);
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (part->kind == ADIUVA_PART_IMAGE && !add_image (builder, part, error))
        return FALSE;
    }
  json_builder_end_array (builder);

  return TRUE;
}

static JsonNode *
parse_arguments (const AdiuvaToolCall *call,
                 GError              **error)
{
  JsonNode *arguments = _adiuva_wire_codec_parse_arguments (call->arguments);

  if (arguments == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("The arguments of the call to “%s” are not a JSON object, and "
                      "Ollama only takes objects."),
                   call->name);
      return NULL;
    }

  return arguments;
}

static gboolean
add_tool_calls (JsonBuilder             *builder,
                const AdiuvaChatMessage *message,
                GError                 **error)
{
  if (message->tool_calls->len == 0)
    return TRUE;

  json_builder_set_member_name (builder, "tool_calls");
  json_builder_begin_array (builder);
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      JsonNode             *arguments = parse_arguments (call, error);

      if (arguments == NULL)
        return FALSE;

      json_builder_begin_object (builder);
      if (call->id != NULL)
        add_string_member (builder, "id", call->id);
      json_builder_set_member_name (builder, "function");
      json_builder_begin_object (builder);
      add_string_member (builder, "name", call->name);
      json_builder_set_member_name (builder, "arguments");
      json_builder_add_value (builder, arguments);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return TRUE;
}

static gboolean
add_message (JsonBuilder       *builder,
             AdiuvaChatRequest *request,
             guint              index,
             GError           **error)
{
  const AdiuvaChatMessage *message = g_ptr_array_index (request->messages, index);

  json_builder_begin_object (builder);
  add_string_member (builder, "role", role_name (message->role));
  if (!add_content (builder, message, error))
    return FALSE;

  if (message->role == ADIUVA_ROLE_ASSISTANT)
    {
      if (message->reasoning != NULL && *message->reasoning != '\0')
        add_string_member (builder, "thinking", message->reasoning);
      if (!add_tool_calls (builder, message, error))
        return FALSE;
    }
  else if (message->role == ADIUVA_ROLE_TOOL)
    {
      const char *tool_name = message->name;

      if (tool_name == NULL || *tool_name == '\0')
        tool_name = _adiuva_wire_codec_find_call_name (request, index, message->tool_call_id);
      if (tool_name != NULL)
        add_string_member (builder, "tool_name", tool_name);
      if (message->tool_call_id != NULL)
        add_string_member (builder, "tool_call_id", message->tool_call_id);
    }

  json_builder_end_object (builder);
  return TRUE;
}

static gboolean
has_tool (AdiuvaChatRequest *request,
          const char        *name)
{
  for (guint i = 0; i < request->tools->len; i++)
    {
      const AdiuvaToolDefinition *tool = g_ptr_array_index (request->tools, i);

      if (g_strcmp0 (tool->name, name) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
add_tools (JsonBuilder       *builder,
           AdiuvaChatRequest *request,
           GError           **error)
{
  const char *only = NULL;

  /* Ollama has no tool_choice: what the model may call is what it is shown. */
  switch (request->tool_choice)
    {
    case ADIUVA_TOOL_CHOICE_NONE:
      return TRUE;

    case ADIUVA_TOOL_CHOICE_NAMED:
      only = request->tool_choice_name;
      if (only == NULL || !has_tool (request, only))
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                       _ ("The request asks for the tool “%s”, which it does not define."),
                       only != NULL ? only : "");
          return FALSE;
        }
      break;

    case ADIUVA_TOOL_CHOICE_AUTO:
    case ADIUVA_TOOL_CHOICE_REQUIRED:
      break;

    default:
      g_assert_not_reached ();
    }

  if (request->tools->len == 0)
    return TRUE;

  json_builder_set_member_name (builder, "tools");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->tools->len; i++)
    {
      const AdiuvaToolDefinition *tool = g_ptr_array_index (request->tools, i);

      if (only != NULL && strcmp (tool->name, only) != 0)
        continue;

      json_builder_begin_object (builder);
      add_string_member (builder, "type", "function");
      json_builder_set_member_name (builder, "function");
      json_builder_begin_object (builder);
      add_string_member (builder, "name", tool->name);
      if (tool->description != NULL)
        add_string_member (builder, "description", tool->description);
      json_builder_set_member_name (builder, "parameters");
      json_builder_add_value (builder, json_node_copy (tool->parameters));
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return TRUE;
}

static gboolean
add_format (JsonBuilder       *builder,
            AdiuvaChatRequest *request,
            GError           **error)
{
  switch (request->response_format)
    {
    case ADIUVA_RESPONSE_FORMAT_TEXT:
      return TRUE;

    case ADIUVA_RESPONSE_FORMAT_JSON_OBJECT:
      add_string_member (builder, "format", "json");
      return TRUE;

    case ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA:
      if (request->json_schema == NULL || !JSON_NODE_HOLDS_OBJECT (request->json_schema))
        {
          g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                               _ ("The request asks for JSON following a schema but gives no "
                                  "schema object."));
          return FALSE;
        }
      json_builder_set_member_name (builder, "format");
      json_builder_add_value (builder, json_node_copy (request->json_schema));
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
add_options (JsonBuilder       *builder,
             AdiuvaChatRequest *request)
{
  gboolean has_stop = request->stop != NULL && request->stop[0] != NULL;

  if (request->temperature < 0 && request->top_p < 0 && request->max_tokens <= 0 && !has_stop)
    return;

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  if (request->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, request->temperature);
    }
  if (request->top_p >= 0)
    {
      json_builder_set_member_name (builder, "top_p");
      json_builder_add_double_value (builder, request->top_p);
    }
  if (request->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "num_predict");
      json_builder_add_int_value (builder, request->max_tokens);
    }
  if (has_stop)
    {
      json_builder_set_member_name (builder, "stop");
      json_builder_begin_array (builder);
      for (guint i = 0; request->stop[i] != NULL; i++)
        json_builder_add_string_value (builder, request->stop[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static JsonNode *
ollama_encode_request (AdiuvaChatRequest *request,
                       GError           **error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->model == NULL || *request->model == '\0')
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                           _ ("The request names no model for Ollama."));
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string_member (builder, "model", request->model);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->messages->len; i++)
    if (!add_message (builder, request, i, error))
      return NULL;
  json_builder_end_array (builder);

  if (!add_tools (builder, request, error) || !add_format (builder, request, error))
    return NULL;
  add_options (builder, request);

  /* Ollama takes levels only for some models (gpt-oss) and fails others on them, so any
   * request for reasoning is plain true; DEFAULT leaves each model its own default. */
  if (request->reasoning != ADIUVA_REASONING_DEFAULT || request->reasoning_budget > 0)
    {
      json_builder_set_member_name (builder, "think");
      json_builder_add_boolean_value (builder, TRUE);
    }

  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, request->stream);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const AdiuvaWireCodec adiuva_ollama_codec = {
  .format = ADIUVA_WIRE_FORMAT_OLLAMA,
  .encode_request = ollama_encode_request,
  .decode_response = ollama_decode_response,
  .decode_error = ollama_decode_error,
  .stream_decoder_new = ollama_stream_decoder_new,
  .stream_decoder_feed = ollama_stream_decoder_feed,
  .stream_decoder_finish = ollama_stream_decoder_finish,
  .stream_decoder_free = ollama_stream_decoder_free,
  /* Ollama is only ever a provider: the loopback endpoint does not speak it. */
  .decode_request = NULL,
  .stream_encoder_new = NULL,
  .stream_encoder_add = NULL,
  .stream_encoder_finish = NULL,
  .stream_encoder_free = NULL,
  .encode_response = NULL,
  .encode_embeddings = _adiuva_ollama_encode_embeddings,
  .decode_embeddings = _adiuva_ollama_decode_embeddings,
};
