/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-chat-accumulator.h"
#include "adiuva-openai-codec-private.h"
#include "adiuva-wire-codec-private.h"

/* The OpenAI codec's side of the loopback endpoint, where a local client speaks OpenAI chat
 * completions to the gateway: its request read into the canonical format, and the answer
 * written back as OpenAI writes it. The provider's side is adiuva-openai-codec.c. */

static const char *
finish_reason_to_string (AdiuvaFinishReason finish,
                         gboolean           has_tool_calls)
{
  switch (finish)
    {
    case ADIUVA_FINISH_STOP:
      return "stop";

    case ADIUVA_FINISH_LENGTH:
      return "length";

    case ADIUVA_FINISH_TOOL_CALLS:
      return "tool_calls";

    case ADIUVA_FINISH_CONTENT_FILTER:
      return "content_filter";

    case ADIUVA_FINISH_NONE:
    default:
      /* Clients read finish_reason to decide whether to run tools. */
      return has_tool_calls ? "tool_calls" : "stop";
    }
}

/* Decoding requests, for the loopback endpoint. Errors here are the local client's, so they
 * are INVALID (a 400 for it), not PROTOCOL. */

static gboolean
invalid_request (GError    **error,
                 const char *message)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
invalid_requestf (GError    **error,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid_requestf (GError    **error,
                  const char *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return invalid_request (error, message);
}

static gboolean
decode_image_url (AdiuvaChatMessage *message,
                  const char        *url,
                  GError           **error)
{
  g_autofree char   *media_type = NULL;
  g_autofree guchar *data = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const char *encoded;
  gboolean    is_base64;
  gsize       size = 0;

  if (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
    {
      /* The canonical part needs a type; providers that fetch a URL look at the image
       * anyway, and photos are what people link to most. */
      const char *type = _adiuva_wire_codec_guess_image_type (url, "image/jpeg");

      adiuva_chat_message_add_image (message, type, NULL, url);
      return TRUE;
    }

  if (!_adiuva_wire_codec_parse_data_url (url, &media_type, &is_base64, &encoded))
    return invalid_request (error, _ ("An image must be an http(s) URL or a base64 data URL."));
  if (!is_base64)
    return invalid_request (error, _ ("An image data URL must be base64-encoded."));
  if (media_type == NULL)
    return invalid_request (error, _ ("An image data URL does not say the image’s type."));
  if (!_adiuva_wire_codec_is_media_type (media_type))
    return invalid_request (error, _ ("An image data URL’s type is not a type such as image/png."));

  data = g_base64_decode (encoded, &size);
  if (size == 0)
    return invalid_request (error, _ ("An image data URL holds no image."));

  bytes = g_bytes_new_take (g_steal_pointer (&data), size);
  adiuva_chat_message_add_image (message, media_type, bytes, NULL);
  return TRUE;
}

static gboolean
decode_content (AdiuvaChatMessage *message,
                JsonNode          *content,
                GError           **error)
{
  JsonArray *parts;

  if (!_adiuva_json_node_is_set (content))
    return TRUE;

  if (_adiuva_json_node_holds (content, G_TYPE_STRING))
    {
      if (*json_node_get_string (content) != '\0')
        adiuva_chat_message_add_text (message, json_node_get_string (content));
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (content))
    return invalid_request (error, _ ("A message’s content must be a string or a list of parts."));

  parts = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode   *node = json_array_get_element (parts, i);
      JsonObject *part;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_request (error, _ ("A content part is not a JSON object."));

      part = json_node_get_object (node);
      type = _adiuva_json_get_string (part, "type");
      if (g_strcmp0 (type, "text") == 0 || g_strcmp0 (type, "refusal") == 0)
        {
          const char *text = _adiuva_json_get_string (part, type);

          if (text == NULL)
            return invalid_request (error, _ ("A text part has no text."));
          adiuva_chat_message_add_text (message, text);
        }
      else if (g_strcmp0 (type, "image_url") == 0)
        {
          /* {"url": …} as documented; some clients send the URL alone. */
          JsonObject *image_url = _adiuva_json_get_object (part, "image_url");
          const char *url = _adiuva_json_get_string (image_url, "url");

          if (url == NULL)
            url = _adiuva_json_get_string (part, "image_url");
          if (url == NULL)
            return invalid_request (error, _ ("An image part has no URL."));
          if (!decode_image_url (message, url, error))
            return FALSE;
        }
      else
        return invalid_requestf (error, _ ("Content parts of type “%s” are not supported."),
                                 type != NULL ? type : "");
    }

  return TRUE;
}

static gboolean
decode_assistant_calls (AdiuvaChatMessage *message,
                        JsonObject        *object,
                        guint              position,
                        char             **legacy_call_id,
                        GError           **error)
{
  JsonArray  *calls = _adiuva_json_get_array (object, "tool_calls");
  JsonObject *function_call = _adiuva_json_get_object (object, "function_call");

  for (guint i = 0; calls != NULL && i < json_array_get_length (calls); i++)
    {
      JsonNode        *node = json_array_get_element (calls, i);
      JsonObject      *function;
      g_autofree char *owned_arguments = NULL;
      g_autofree char *made_id = NULL;
      const char      *id;
      const char      *name;
      const char      *arguments;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_request (error, _ ("A tool call is not a JSON object."));

      function = _adiuva_json_get_object (json_node_get_object (node), "function");
      name = _adiuva_json_get_nonempty_string (function, "name");
      if (name == NULL)
        return invalid_request (error, _ ("A tool call has no function name."));

      id = _adiuva_json_get_nonempty_string (json_node_get_object (node), "id");
      if (id == NULL)
        id = made_id = g_strdup_printf ("call_%u_%u", position, i);
      arguments = _adiuva_openai_codec_get_arguments (function, &owned_arguments);
      adiuva_chat_message_add_tool_call (message, id, name, arguments);
    }

  if (function_call != NULL)
    {
      g_autofree char *owned_arguments = NULL;
      const char      *name = _adiuva_json_get_nonempty_string (function_call, "name");
      const char      *arguments;

      if (name == NULL)
        return invalid_request (error, _ ("A function call has no name."));

      /* The legacy format has no ids: the next "function" message answers this call. */
      g_free (*legacy_call_id);
      *legacy_call_id = g_strdup_printf ("call_%u_legacy", position);
      arguments = _adiuva_openai_codec_get_arguments (function_call, &owned_arguments);
      adiuva_chat_message_add_tool_call (message, *legacy_call_id, name, arguments);
    }

  return TRUE;
}

static gboolean
decode_message (AdiuvaChatRequest *request,
                JsonNode          *node,
                guint              position,
                char             **legacy_call_id,
                GError           **error)
{
  g_autoptr (AdiuvaChatMessage) message = NULL;
  JsonObject *object;
  const char *role;
  const char *reasoning;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid_request (error, _ ("A message is not a JSON object."));

  object = json_node_get_object (node);
  role = _adiuva_json_get_string (object, "role");
  if (role == NULL)
    return invalid_request (error, _ ("A message has no role."));

  /* OpenAI renamed system to developer for its reasoning models; both mean the same here. */
  if (g_str_equal (role, "system") || g_str_equal (role, "developer"))
    message = adiuva_chat_message_new (ADIUVA_ROLE_SYSTEM);
  else if (g_str_equal (role, "user"))
    message = adiuva_chat_message_new (ADIUVA_ROLE_USER);
  else if (g_str_equal (role, "assistant"))
    message = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  else if (g_str_equal (role, "tool") || g_str_equal (role, "function"))
    message = adiuva_chat_message_new (ADIUVA_ROLE_TOOL);
  else
    return invalid_requestf (error, _ ("Messages with the role “%s” are not supported."), role);

  if (!decode_content (message, _adiuva_json_get_member (object, "content"), error))
    return FALSE;

  if (message->role == ADIUVA_ROLE_ASSISTANT)
    {
      if (!decode_assistant_calls (message, object, position, legacy_call_id, error))
        return FALSE;

      reasoning = _adiuva_json_get_nonempty_string (object, "reasoning_content");
      if (reasoning == NULL)
        reasoning = _adiuva_json_get_nonempty_string (object, "reasoning");
      message->reasoning = g_strdup (reasoning);
    }
  else if (g_str_equal (role, "tool"))
    {
      message->tool_call_id = g_strdup (_adiuva_json_get_nonempty_string (object, "tool_call_id"));
      if (message->tool_call_id == NULL)
        return invalid_request (error,
                                _ ("A tool message does not say which tool call it answers."));
      message->name = g_strdup (_adiuva_json_get_nonempty_string (object, "name"));
    }
  else if (g_str_equal (role, "function"))
    {
      message->name = g_strdup (_adiuva_json_get_nonempty_string (object, "name"));
      if (message->name == NULL)
        return invalid_request (error, _ ("A function message has no name."));
      message->tool_call_id = g_strdup (*legacy_call_id);
    }

  adiuva_chat_request_add_message (request, message);
  return TRUE;
}

static gboolean
decode_function (AdiuvaChatRequest *request,
                 JsonObject        *function,
                 GError           **error)
{
  const char *name = _adiuva_json_get_nonempty_string (function, "name");
  JsonNode   *parameters = _adiuva_json_get_member (function, "parameters");
  g_autoptr (JsonNode) copy = NULL;

  if (name == NULL)
    return invalid_request (error, _ ("A tool has no name."));

  /* A copy: the body's tree goes away with the body. */
  if (parameters != NULL && JSON_NODE_HOLDS_OBJECT (parameters))
    copy = json_node_copy (parameters);
  adiuva_chat_request_add_tool (request, name, _adiuva_json_get_string (function, "description"),
                                copy);
  return TRUE;
}

static gboolean
decode_tools (AdiuvaChatRequest *request,
              JsonObject        *root,
              GError           **error)
{
  JsonArray *tools = _adiuva_json_get_array (root, "tools");
  JsonArray *functions = _adiuva_json_get_array (root, "functions");

  for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
    {
      JsonNode   *node = json_array_get_element (tools, i);
      JsonObject *function;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_request (error, _ ("A tool is not a JSON object."));

      type = _adiuva_json_get_string (json_node_get_object (node), "type");
      if (type != NULL && !g_str_equal (type, "function"))
        return invalid_requestf (error, _ ("Only function tools are supported, not “%s”."), type);

      function = _adiuva_json_get_object (json_node_get_object (node), "function");
      if (function == NULL)
        return invalid_request (error, _ ("A tool has no function."));
      if (!decode_function (request, function, error))
        return FALSE;
    }

  for (guint i = 0; functions != NULL && i < json_array_get_length (functions); i++)
    {
      JsonNode *node = json_array_get_element (functions, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_request (error, _ ("A function is not a JSON object."));
      if (!decode_function (request, json_node_get_object (node), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_tool_choice (AdiuvaChatRequest *request,
                    JsonObject        *root,
                    GError           **error)
{
  JsonNode   *choice = _adiuva_json_get_member (root, "tool_choice");
  JsonObject *object;
  const char *mode;
  const char *name;

  /* The legacy function_call takes "auto", "none" or {"name": …}. */
  if (!_adiuva_json_node_is_set (choice))
    choice = _adiuva_json_get_member (root, "function_call");
  if (!_adiuva_json_node_is_set (choice))
    return TRUE;

  if (_adiuva_json_node_holds (choice, G_TYPE_STRING))
    {
      mode = json_node_get_string (choice);
      if (g_str_equal (mode, "auto"))
        request->tool_choice = ADIUVA_TOOL_CHOICE_AUTO;
      else if (g_str_equal (mode, "none"))
        request->tool_choice = ADIUVA_TOOL_CHOICE_NONE;
      else if (g_str_equal (mode, "required"))
        request->tool_choice = ADIUVA_TOOL_CHOICE_REQUIRED;
      else
        return invalid_requestf (error, _ ("The tool choice “%s” is not supported."), mode);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (choice))
    return invalid_request (error, _ ("The tool choice must be a string or an object."));

  object = json_node_get_object (choice);
  name = _adiuva_json_get_nonempty_string (_adiuva_json_get_object (object, "function"), "name");
  if (name == NULL)
    name = _adiuva_json_get_nonempty_string (object, "name");
  if (name == NULL)
    return invalid_request (error, _ ("The tool choice names no function."));

  request->tool_choice = ADIUVA_TOOL_CHOICE_NAMED;
  request->tool_choice_name = g_strdup (name);
  return TRUE;
}

static gboolean
decode_response_format (AdiuvaChatRequest *request,
                        JsonObject        *root,
                        GError           **error)
{
  JsonObject *format = _adiuva_json_get_object (root, "response_format");
  const char *type = _adiuva_json_get_string (format, "type");
  JsonObject *json_schema;
  JsonNode   *schema;

  if (type == NULL || g_str_equal (type, "text"))
    return TRUE;

  if (g_str_equal (type, "json_object"))
    {
      request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_OBJECT;
      return TRUE;
    }

  if (!g_str_equal (type, "json_schema"))
    return invalid_requestf (error, _ ("The response format “%s” is not supported."), type);

  json_schema = _adiuva_json_get_object (format, "json_schema");
  schema = _adiuva_json_get_member (json_schema, "schema");
  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return invalid_request (error, _ ("The JSON schema response format has no schema."));

  request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
  request->json_schema = json_node_copy (schema);
  request->json_schema_name = g_strdup (_adiuva_json_get_nonempty_string (json_schema, "name"));
  return TRUE;
}

static AdiuvaReasoningEffort
parse_reasoning_effort (const char *effort)
{
  if (effort == NULL)
    return ADIUVA_REASONING_DEFAULT;
  if (g_str_equal (effort, "minimal") || g_str_equal (effort, "low"))
    return ADIUVA_REASONING_LOW;
  if (g_str_equal (effort, "medium"))
    return ADIUVA_REASONING_MEDIUM;
  if (g_str_equal (effort, "high") || g_str_equal (effort, "xhigh"))
    return ADIUVA_REASONING_HIGH;

  return ADIUVA_REASONING_DEFAULT;
}

AdiuvaChatRequest *
_adiuva_openai_codec_decode_request (JsonNode *body,
                                     GError  **error)
{
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autofree char *legacy_call_id = NULL;
  JsonObject      *root;
  JsonArray       *messages;
  JsonArray       *stop;
  const char      *model;
  const char      *stop_string;
  double           number;
  gint64           max_tokens;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      invalid_request (error, _ ("The request is not a JSON object."));
      return NULL;
    }

  root = json_node_get_object (body);
  model = _adiuva_json_get_nonempty_string (root, "model");
  if (model == NULL)
    {
      invalid_request (error, _ ("The request names no model."));
      return NULL;
    }

  messages = _adiuva_json_get_array (root, "messages");
  if (messages == NULL || json_array_get_length (messages) == 0)
    {
      invalid_request (error, _ ("The request has no messages."));
      return NULL;
    }

  request = adiuva_chat_request_new (model);
  for (guint i = 0; i < json_array_get_length (messages); i++)
    if (!decode_message (request, json_array_get_element (messages, i), i, &legacy_call_id, error))
      return NULL;

  if (!decode_tools (request, root, error) || !decode_tool_choice (request, root, error) ||
      !decode_response_format (request, root, error))
    return NULL;

  if (_adiuva_json_get_number (root, "temperature", &number) && number >= 0)
    request->temperature = number;
  if (_adiuva_json_get_number (root, "top_p", &number) && number >= 0)
    request->top_p = number;
  if ((_adiuva_json_get_int (root, "max_completion_tokens", &max_tokens) ||
       _adiuva_json_get_int (root, "max_tokens", &max_tokens)) &&
      max_tokens > 0)
    request->max_tokens = max_tokens;

  stop_string = _adiuva_json_get_string (root, "stop");
  stop = _adiuva_json_get_array (root, "stop");
  if (stop_string != NULL)
    {
      request->stop = g_new0 (char *, 2);
      request->stop[0] = g_strdup (stop_string);
    }
  else if (stop != NULL)
    {
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (stop); i++)
        {
          JsonNode *node = json_array_get_element (stop, i);

          if (!_adiuva_json_node_holds (node, G_TYPE_STRING))
            {
              invalid_request (error, _ ("Stop sequences must be strings."));
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (node));
        }
      request->stop = g_strv_builder_end (builder);
    }

  /* OpenRouter takes {"reasoning": {"effort": …}} for the same thing. */
  request->reasoning = parse_reasoning_effort (_adiuva_json_get_string (root, "reasoning_effort"));
  if (request->reasoning == ADIUVA_REASONING_DEFAULT)
    request->reasoning = parse_reasoning_effort (
        _adiuva_json_get_string (_adiuva_json_get_object (root, "reasoning"), "effort"));

  _adiuva_json_get_boolean (root, "stream", &request->stream);

  return g_steal_pointer (&request);
}

/* Encoding answers, for the loopback endpoint: byte for byte the shapes OpenAI sends, so the
 * official SDKs read them. */

typedef struct
{
  GString           *head;      /* {"id":…,"object":…,"created":…,"model":… */
  GString           *text_head; /* a text chunk up to its {"content": */
  GArray            *started;   /* gboolean per tool index: its first fragment went out */
  AdiuvaUsage        usage;
  AdiuvaFinishReason finish;
  guint              began : 1;
  guint              finish_sent : 1;
  guint              include_usage : 1;
  guint              any_tool_call : 1;
} StreamEncoder;

static JsonObject *
usage_to_json (const AdiuvaUsage *usage)
{
  JsonObject *object = json_object_new ();
  gint64      input = MAX (usage->input_tokens, 0);
  gint64      output = MAX (usage->output_tokens, 0);

  json_object_set_int_member (object, "prompt_tokens", input);
  json_object_set_int_member (object, "completion_tokens", output);
  json_object_set_int_member (object, "total_tokens", input + output);
  if (usage->cached_input_tokens >= 0)
    {
      JsonObject *details = json_object_new ();

      json_object_set_int_member (details, "cached_tokens", usage->cached_input_tokens);
      json_object_set_object_member (object, "prompt_tokens_details", details);
    }
  if (usage->reasoning_tokens >= 0)
    {
      JsonObject *details = json_object_new ();

      json_object_set_int_member (details, "reasoning_tokens", usage->reasoning_tokens);
      json_object_set_object_member (object, "completion_tokens_details", details);
    }

  return object;
}

AdiuvaStreamEncoder *
_adiuva_openai_stream_encoder_new (const char *model)
{
  StreamEncoder   *self = g_new0 (StreamEncoder, 1);
  g_autofree char *id = _adiuva_wire_codec_random_id ("chatcmpl-", 29);
  AdiuvaUsage      unknown = ADIUVA_USAGE_INIT;

  self->head = g_string_new ("{\"id\":");
  _adiuva_json_append_string (self->head, id, -1);
  g_string_append_printf (self->head,
                          ",\"object\":\"chat.completion.chunk\",\"created\":%" G_GINT64_FORMAT
                          ",\"model\":",
                          g_get_real_time () / G_USEC_PER_SEC);
  _adiuva_json_append_string (self->head, model, -1);
  self->started = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->usage = unknown;
  self->include_usage = TRUE;

  return (AdiuvaStreamEncoder *) self;
}

void
_adiuva_openai_stream_encoder_free (AdiuvaStreamEncoder *encoder)
{
  StreamEncoder *self = (StreamEncoder *) encoder;

  if (self == NULL)
    return;

  g_string_free (self->head, TRUE);
  if (self->text_head != NULL)
    g_string_free (self->text_head, TRUE);
  g_array_unref (self->started);
  g_free (self);
}

/**
 * _adiuva_openai_stream_encoder_set_include_usage:
 * @encoder: an encoder of this codec
 * @include_usage: whether the client asked for `stream_options.include_usage`
 *
 * OpenAI sends its usage-only final chunk (with an empty `choices`) only to clients that ask
 * for it, and clients that did not may read `choices[0]` of every chunk. On by default.
 */
void
_adiuva_openai_stream_encoder_set_include_usage (AdiuvaStreamEncoder *encoder,
                                                 gboolean             include_usage)
{
  StreamEncoder *self = (StreamEncoder *) encoder;

  g_return_if_fail (self != NULL);

  self->include_usage = !!include_usage;
}

static void
begin_chunk (StreamEncoder *self,
             GString       *out)
{
  g_string_append (out, "data: ");
  g_string_append_len (out, self->head->str, self->head->len);
  g_string_append (out, ",\"choices\":[{\"index\":0,\"delta\":");
}

static void
end_chunk (GString    *out,
           const char *finish_reason)
{
  g_string_append (out, ",\"logprobs\":null,\"finish_reason\":");
  if (finish_reason != NULL)
    {
      g_string_append_c (out, '"');
      g_string_append (out, finish_reason);
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, "null");
  g_string_append (out, "}]}\n\n");
}

/* OpenAI's first chunk gives the role and an empty content; clients key on it. */
static void
ensure_began (StreamEncoder *self,
              GString       *out)
{
  if (self->began)
    return;

  self->began = TRUE;
  begin_chunk (self, out);
  g_string_append (out, "{\"role\":\"assistant\",\"content\":\"\"}");
  end_chunk (out, NULL);
}

static void
encode_tool_call_delta (StreamEncoder         *self,
                        const AdiuvaChatDelta *delta,
                        GString               *out)
{
  gboolean first = delta->tool_index >= self->started->len ||
                   !g_array_index (self->started, gboolean, delta->tool_index);

  /* Later pieces carry only arguments; an empty one (a late id) says nothing new. */
  if (!first && delta->text_len == 0)
    return;

  ensure_began (self, out);
  begin_chunk (self, out);
  g_string_append_printf (out, "{\"tool_calls\":[{\"index\":%u,", delta->tool_index);
  if (first)
    {
      g_autofree char *made_id = NULL;
      const char      *id = delta->tool_id;
      const char      *name = delta->tool_name != NULL ? delta->tool_name : "";

      if (id == NULL)
        id = made_id = _adiuva_openai_codec_synthesize_call_id ();
      if (delta->tool_index >= self->started->len)
        g_array_set_size (self->started, delta->tool_index + 1);
      g_array_index (self->started, gboolean, delta->tool_index) = TRUE;
      self->any_tool_call = TRUE;

      g_string_append (out, "\"id\":");
      _adiuva_json_append_string (out, id, -1);
      g_string_append (out, ",\"type\":\"function\",\"function\":{\"name\":");
      _adiuva_json_append_string (out, name, -1);
      g_string_append (out, ",\"arguments\":");
    }
  else
    g_string_append (out, "\"function\":{\"arguments\":");
  if (delta->text != NULL)
    _adiuva_json_append_string (out, delta->text, delta->text_len);
  else
    g_string_append (out, "\"\"");
  g_string_append (out, "}}]}");
  end_chunk (out, NULL);
}

/* Text deltas are nearly every chunk of a stream: each is the same bytes around its text,
 * written in three appends rather than a dozen. */
static void
encode_text_delta (StreamEncoder         *self,
                   const AdiuvaChatDelta *delta,
                   GString               *out)
{
  static const char tail[] = "},\"logprobs\":null,\"finish_reason\":null}]}\n\n";

  if (self->text_head == NULL)
    {
      self->text_head = g_string_new (NULL);
      begin_chunk (self, self->text_head);
      g_string_append (self->text_head, "{\"content\":");
    }

  g_string_append_len (out, self->text_head->str, self->text_head->len);
  _adiuva_json_append_string (out, delta->text, delta->text_len);
  g_string_append_len (out, tail, sizeof tail - 1);
}

void
_adiuva_openai_stream_encoder_add (AdiuvaStreamEncoder   *encoder,
                                   const AdiuvaChatDelta *delta,
                                   GString               *out)
{
  StreamEncoder *self = (StreamEncoder *) encoder;

  g_return_if_fail (self != NULL);
  g_return_if_fail (delta != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (delta->kind != ADIUVA_DELTA_TOOL_CALL ||
                    delta->tool_index < ADIUVA_MAX_TOOL_CALLS);

  switch (delta->kind)
    {
    case ADIUVA_DELTA_TEXT:
    case ADIUVA_DELTA_REASONING:
      if (delta->text_len == 0)
        return;
      ensure_began (self, out);
      if (delta->kind == ADIUVA_DELTA_TEXT)
        {
          encode_text_delta (self, delta, out);
          break;
        }
      /* OpenAI itself streams no reasoning text; DeepSeek's field is the one clients know. */
      begin_chunk (self, out);
      g_string_append (out, "{\"reasoning_content\":");
      _adiuva_json_append_string (out, delta->text, delta->text_len);
      g_string_append_c (out, '}');
      end_chunk (out, NULL);
      break;

    case ADIUVA_DELTA_REASONING_SIGNATURE:
      /* Anthropic's signature has no place in this format. */
      break;

    case ADIUVA_DELTA_TOOL_CALL:
      encode_tool_call_delta (self, delta, out);
      break;

    case ADIUVA_DELTA_FINISH:
      self->finish = delta->finish;
      if (self->finish_sent)
        break;
      ensure_began (self, out);
      begin_chunk (self, out);
      g_string_append (out, "{}");
      end_chunk (out, finish_reason_to_string (delta->finish, self->any_tool_call));
      self->finish_sent = TRUE;
      break;

    case ADIUVA_DELTA_USAGE:
      /* Sent once at the end, as OpenAI does, with the latest value of each count. */
      _adiuva_usage_merge (&self->usage, &delta->usage);
      break;

    default:
      g_return_if_reached ();
    }
}

void
_adiuva_openai_stream_encoder_finish (AdiuvaStreamEncoder *encoder,
                                      GString             *out)
{
  StreamEncoder *self = (StreamEncoder *) encoder;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  ensure_began (self, out);
  if (!self->finish_sent)
    {
      begin_chunk (self, out);
      g_string_append (out, "{}");
      end_chunk (out, finish_reason_to_string (ADIUVA_FINISH_NONE, self->any_tool_call));
      self->finish_sent = TRUE;
    }

  if (self->include_usage && _adiuva_usage_is_known (&self->usage))
    {
      g_autoptr (JsonObject) object = usage_to_json (&self->usage);
      g_autoptr (JsonNode) usage = json_node_init_object (json_node_alloc (), object);
      g_autofree char *usage_text = json_to_string (usage, FALSE);

      g_string_append (out, "data: ");
      g_string_append_len (out, self->head->str, self->head->len);
      g_string_append (out, ",\"choices\":[],\"usage\":");
      g_string_append (out, usage_text);
      g_string_append (out, "}\n\n");
    }

  g_string_append (out, "data: [DONE]\n\n");
}

JsonNode *
_adiuva_openai_codec_encode_response (const char            *model,
                                      AdiuvaChatAccumulator *answer)
{
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autoptr (JsonObject) root = json_object_new ();
  g_autoptr (JsonObject) wire = json_object_new ();
  g_autoptr (JsonObject) choice = json_object_new ();
  g_autoptr (JsonArray) choices = json_array_new ();
  g_autofree char   *text = NULL;
  g_autofree char   *id = _adiuva_wire_codec_random_id ("chatcmpl-", 29);
  const AdiuvaUsage *usage;
  AdiuvaFinishReason finish;
  gboolean           has_calls;

  g_return_val_if_fail (answer != NULL, NULL);

  message = adiuva_chat_accumulator_dup_message (answer);
  text = adiuva_chat_message_dup_text (message);
  usage = adiuva_chat_accumulator_get_usage (answer);
  has_calls = message->tool_calls->len > 0;

  json_object_set_string_member (wire, "role", "assistant");
  if (*text == '\0' && has_calls)
    json_object_set_null_member (wire, "content");
  else
    json_object_set_string_member (wire, "content", text);
  if (message->reasoning != NULL)
    json_object_set_string_member (wire, "reasoning_content", message->reasoning);
  if (has_calls)
    {
      g_autoptr (JsonArray) calls = json_array_new ();

      for (guint i = 0; i < message->tool_calls->len; i++)
        {
          const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
          g_autoptr (JsonObject) object = json_object_new ();
          g_autoptr (JsonObject) function = json_object_new ();
          g_autofree char *made_id =
              call->id == NULL ? _adiuva_openai_codec_synthesize_call_id () : NULL;

          json_object_set_string_member (function, "name", call->name);
          json_object_set_string_member (function, "arguments", call->arguments);
          json_object_set_string_member (object, "id", call->id != NULL ? call->id : made_id);
          json_object_set_string_member (object, "type", "function");
          json_object_set_object_member (object, "function", g_steal_pointer (&function));
          json_array_add_object_element (calls, g_steal_pointer (&object));
        }
      json_object_set_array_member (wire, "tool_calls", g_steal_pointer (&calls));
    }
  json_object_set_null_member (wire, "refusal");

  json_object_set_int_member (choice, "index", 0);
  json_object_set_object_member (choice, "message", g_steal_pointer (&wire));
  json_object_set_null_member (choice, "logprobs");
  finish = adiuva_chat_accumulator_get_finish (answer);
  json_object_set_string_member (choice, "finish_reason",
                                 finish_reason_to_string (finish, has_calls));
  json_array_add_object_element (choices, g_steal_pointer (&choice));

  json_object_set_string_member (root, "id", id);
  json_object_set_string_member (root, "object", "chat.completion");
  json_object_set_int_member (root, "created", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_string_member (root, "model", model != NULL ? model : "");
  json_object_set_array_member (root, "choices", g_steal_pointer (&choices));
  if (_adiuva_usage_is_known (usage))
    json_object_set_object_member (root, "usage", usage_to_json (usage));

  return json_node_init_object (json_node_alloc (), root);
}
