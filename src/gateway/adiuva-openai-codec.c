/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-chat-accumulator.h"
#include "adiuva-openai-codec-private.h"
#include "adiuva-sse-decoder.h"
#include "adiuva-wire-codec-private.h"

/* OpenAI chat completions, both ways. Most hosted and local servers speak the same format
 * (Mistral, Groq, DeepSeek, xAI, Together, OpenRouter, Azure, LM Studio, vLLM, llama.cpp,
 * LocalAI, Ollama's /v1), each with small variations that decoding accepts: reasoning as
 * `reasoning_content` or `reasoning`, usage on the finish chunk or inside `x_groq`, ping
 * events, the legacy `function_call`, tool calls without ids or indexes, errors as objects or
 * plain strings. Encoding writes what OpenAI documents, which is what they all accept. */

/* The accumulator refuses more; a model that starts that many calls at once is broken. */
#define MAX_TOOL_CALLS 128

/* How much of a provider's free-text error body is worth putting in front of a user. */
#define MAX_ERROR_TEXT 500

/* The wire index of a legacy `function_call`, which has none and is always a single call. */
#define LEGACY_FUNCTION_INDEX G_MININT64

/* JSON-GLib parses recursively: one event of a hundred thousand '[' overflows the stack and
 * takes the app down. Real events nest a handful of levels. */
#define MAX_JSON_DEPTH 128

typedef struct
{
  AdiuvaDeltaFunc func;
  gpointer        user_data;
} Sink;

/* Whether @data nests no deeper than MAX_JSON_DEPTH. Counting the opening brackets first
 * settles ordinary events without following strings. */
static gboolean
json_depth_is_sane (const char *data,
                    gsize       len)
{
  gsize    opening = 0;
  guint    depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    opening += data[i] == '[' || data[i] == '{';
  if (opening <= MAX_JSON_DEPTH)
    return TRUE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string && c == '\\')
        i++;
      else if (c == '"')
        in_string = !in_string;
      else if (!in_string && (c == '[' || c == '{') && ++depth > MAX_JSON_DEPTH)
        return FALSE;
      else if (!in_string && (c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* Reading JSON written by others: a member of the wrong type is as good as a missing one. */

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Like get_string(), but an empty string counts as missing: servers send "id": "" and
 * "name": "" in fragments that carry neither. */
static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static const char *
get_nonempty_string (JsonObject *object,
                     const char *name)
{
  const char *value = get_string (object, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
get_number (JsonObject *object,
            const char *name,
            double     *out)
{
  JsonNode *node = get_member (object, name);
  GType     type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

static gboolean
get_int (JsonObject *object,
         const char *name,
         gint64     *out)
{
  JsonNode *node = get_member (object, name);
  double    value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  /* Some servers write counts as 12.0. */
  if (!get_number (object, name, &value) || value < -9.0e18 || value > 9.0e18 ||
      value != (double) (gint64) value)
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

static gboolean
get_boolean (JsonObject *object,
             const char *name,
             gboolean   *out)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
holds_something (JsonNode *node)
{
  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

/* Arguments are JSON text on the wire; a few servers send the object itself. */
static const char *
get_arguments (JsonObject *function,
               char      **owned)
{
  JsonNode *node = get_member (function, "arguments");

  *owned = NULL;
  if (!holds_something (node))
    return "";
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  *owned = json_to_string (node, FALSE);
  return *owned;
}

static char *
random_id (const char *prefix,
           guint       length)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  GString          *id = g_string_new (prefix);

  for (guint i = 0; i < length; i++)
    g_string_append_c (id, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);

  return g_string_free (id, FALSE);
}

/* Tool results name the call they answer, and Anthropic refuses two calls with one id in a
 * conversation, so a call a server left without an id gets a random one in OpenAI's style. */
static char *
synthesize_call_id (void)
{
  return random_id ("call_", 24);
}

static gboolean
emit (const Sink            *sink,
      const AdiuvaChatDelta *delta,
      GError               **error)
{
  g_autoptr (GError) local_error = NULL;

  if (sink->func (delta, sink->user_data, &local_error))
    return TRUE;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                         _ ("Reading the answer was stopped."));
  return FALSE;
}

static gboolean
emit_text (const Sink     *sink,
           AdiuvaDeltaKind kind,
           const char     *text,
           GError        **error)
{
  AdiuvaChatDelta delta = { .kind = kind, .usage = ADIUVA_USAGE_INIT };

  if (text == NULL || *text == '\0')
    return TRUE;

  delta.text = text;
  delta.text_len = strlen (text);
  return emit (sink, &delta, error);
}

static gboolean
emit_tool_call (const Sink *sink,
                guint       tool_index,
                const char *id,
                const char *name,
                const char *arguments,
                GError    **error)
{
  AdiuvaChatDelta delta = {
    .kind = ADIUVA_DELTA_TOOL_CALL,
    .text = arguments,
    .text_len = strlen (arguments),
    .tool_index = tool_index,
    .tool_id = id,
    .tool_name = name,
    .usage = ADIUVA_USAGE_INIT,
  };

  return emit (sink, &delta, error);
}

static gboolean
emit_finish (const Sink        *sink,
             AdiuvaFinishReason finish,
             GError           **error)
{
  AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_FINISH, .finish = finish, .usage = ADIUVA_USAGE_INIT };

  return emit (sink, &delta, error);
}

static AdiuvaFinishReason
parse_finish_reason (const char *reason)
{
  if (g_str_equal (reason, "length") || g_str_equal (reason, "max_tokens") ||
      g_str_equal (reason, "model_length"))
    return ADIUVA_FINISH_LENGTH;
  if (g_str_equal (reason, "tool_calls") || g_str_equal (reason, "function_call") ||
      g_str_equal (reason, "tool_use"))
    return ADIUVA_FINISH_TOOL_CALLS;
  if (g_str_equal (reason, "content_filter"))
    return ADIUVA_FINISH_CONTENT_FILTER;

  /* "stop", and the other names servers give a natural end ("eos", "end_turn"). */
  return ADIUVA_FINISH_STOP;
}

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

static gboolean
read_usage (JsonObject  *object,
            AdiuvaUsage *usage)
{
  AdiuvaUsage read = ADIUVA_USAGE_INIT;
  gint64     *counts[] = { &read.input_tokens, &read.output_tokens, &read.cached_input_tokens,
                           &read.reasoning_tokens };

  if (object == NULL)
    return FALSE;

  get_int (object, "prompt_tokens", &read.input_tokens);
  get_int (object, "completion_tokens", &read.output_tokens);
  get_int (get_object (object, "prompt_tokens_details"), "cached_tokens", &read.cached_input_tokens);
  /* DeepSeek's own name for cache hits, from before it also wrote OpenAI's. */
  if (read.cached_input_tokens < 0)
    get_int (object, "prompt_cache_hit_tokens", &read.cached_input_tokens);
  get_int (get_object (object, "completion_tokens_details"), "reasoning_tokens", &read.reasoning_tokens);

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (*counts[i] < 0)
      *counts[i] = -1;

  *usage = read;
  return read.input_tokens >= 0 || read.output_tokens >= 0 || read.cached_input_tokens >= 0 ||
         read.reasoning_tokens >= 0;
}

static gboolean
emit_usage (const Sink *sink,
            JsonObject *object,
            GError    **error)
{
  AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_USAGE };

  if (!read_usage (object, &delta.usage))
    return TRUE;

  return emit (sink, &delta, error);
}

/* Errors, in a body or inside a stream. */

typedef struct
{
  char       *message;
  const char *type;
  const char *code;
  gint64      status;
} ProviderError;

static void
provider_error_clear (ProviderError *info)
{
  g_clear_pointer (&info->message, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProviderError, provider_error_clear)

static char *
text_excerpt (const char *text,
              gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, len);
  char            *start = g_strstrip (valid);

  /* Proxies answer with whole HTML pages: a line of text helps a user, markup does not. */
  if (*start == '\0' || *start == '<')
    return NULL;

  if (g_utf8_strlen (start, -1) > MAX_ERROR_TEXT)
    {
      char *cut = g_utf8_offset_to_pointer (start, MAX_ERROR_TEXT);

      return g_strdup_printf ("%.*s…", (int) (cut - start), start);
    }

  return g_strdup (start);
}

/* Reads {"message", "type", "code"} as OpenAI writes it, a plain string as llama.cpp and TGI
 * write it, a numeric code as OpenRouter writes it, and a message that is itself JSON as
 * Mistral writes its validation errors. */
static void
read_provider_error (JsonNode      *node,
                     ProviderError *info)
{
  JsonObject *object;
  JsonNode   *message;
  JsonObject *metadata;
  const char *raw;

  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      info->message = text_excerpt (json_node_get_string (node), strlen (json_node_get_string (node)));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;

  object = json_node_get_object (node);
  message = get_member (object, "message");
  if (message == NULL)
    message = get_member (object, "detail");
  if (node_string (message) != NULL)
    info->message = text_excerpt (node_string (message), strlen (node_string (message)));
  else if (message != NULL && (JSON_NODE_HOLDS_OBJECT (message) || JSON_NODE_HOLDS_ARRAY (message)))
    {
      g_autofree char *json = json_to_string (message, FALSE);

      info->message = text_excerpt (json, strlen (json));
    }

  info->type = get_nonempty_string (object, "type");
  info->code = get_nonempty_string (object, "code");
  get_int (object, "code", &info->status);

  /* OpenRouter passes on what the model's own provider said. */
  metadata = get_object (object, "metadata");
  raw = get_nonempty_string (metadata, "raw");
  if (raw != NULL)
    {
      g_autofree char *excerpt = text_excerpt (raw, strlen (raw));

      if (excerpt != NULL && info->message != NULL)
        {
          char *joined = g_strdup_printf ("%s: %s", info->message, excerpt);

          g_free (info->message);
          info->message = joined;
        }
    }
}

static char *
provider_error_describe (const ProviderError *info)
{
  const char *tag = info->code != NULL ? info->code : info->type;

  if (info->message == NULL)
    return g_strdup (tag);
  if (tag == NULL || strstr (info->message, tag) != NULL)
    return g_strdup (info->message);

  return g_strdup_printf ("%s [%s]", info->message, tag);
}

static gboolean
words_contain (const char *const *words,
               const char        *needle)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (words[i], needle) != NULL)
      return TRUE;

  return FALSE;
}

/* An error inside a stream has no HTTP status; its type and code say what it would have been. */
static AdiuvaGatewayError
classify_provider_error (const ProviderError *info)
{
  g_autofree char *type = g_ascii_strdown (info->type != NULL ? info->type : "", -1);
  g_autofree char *code = g_ascii_strdown (info->code != NULL ? info->code : "", -1);
  g_autofree char *message = g_ascii_strdown (info->message != NULL ? info->message : "", -1);
  const char      *tags[] = { type, code, NULL };

  if (words_contain (tags, "rate_limit") || words_contain (tags, "too_many_requests") ||
      words_contain (tags, "quota"))
    return ADIUVA_GATEWAY_ERROR_RATE_LIMITED;
  /* OpenAI reports overload as a server_error whose message says so. */
  if (words_contain (tags, "overload") || words_contain (tags, "unavailable") ||
      words_contain (tags, "capacity") || strstr (message, "overloaded") != NULL)
    return ADIUVA_GATEWAY_ERROR_OVERLOADED;
  if (words_contain (tags, "auth") || words_contain (tags, "api_key") ||
      words_contain (tags, "permission") || words_contain (tags, "forbidden"))
    return ADIUVA_GATEWAY_ERROR_AUTH;
  if (words_contain (tags, "invalid") || words_contain (tags, "not_found") ||
      words_contain (tags, "context_length") || words_contain (tags, "bad_request") ||
      words_contain (tags, "unsupported") || words_contain (tags, "validation"))
    return ADIUVA_GATEWAY_ERROR_BAD_REQUEST;

  return ADIUVA_GATEWAY_ERROR_SERVER;
}

static void
set_provider_error (const ProviderError *info,
                    GError             **error)
{
  g_autofree char   *text = provider_error_describe (info);
  AdiuvaGatewayError code;
  const char        *what;

  /* OpenRouter gives the status the error would have had. */
  if (info->status >= 400 && info->status <= 599)
    {
      _adiuva_wire_codec_set_http_error (error, (guint) info->status, text);
      return;
    }

  code = classify_provider_error (info);
  if (code == ADIUVA_GATEWAY_ERROR_RATE_LIMITED)
    what = _ ("The provider asks to slow down");
  else if (code == ADIUVA_GATEWAY_ERROR_OVERLOADED)
    what = _ ("The provider is overloaded");
  else if (code == ADIUVA_GATEWAY_ERROR_AUTH)
    what = _ ("The provider refused the API key");
  else if (code == ADIUVA_GATEWAY_ERROR_BAD_REQUEST)
    what = _ ("The provider refused the request");
  else
    what = _ ("The provider failed while answering");

  if (text != NULL && *text != '\0')
    g_set_error (error, ADIUVA_GATEWAY_ERROR, code, "%s: %s", what, text);
  else
    g_set_error (error, ADIUVA_GATEWAY_ERROR, code, "%s.", what);
}

/* @container holds @node: TGI writes {"error": "…", "error_type": "validation"}. */
static void
set_error_from_node (JsonObject *container,
                     JsonNode   *node,
                     GError    **error)
{
  g_auto (ProviderError) info = { 0 };

  read_provider_error (node, &info);
  if (info.type == NULL)
    info.type = get_nonempty_string (container, "error_type");
  set_provider_error (&info, error);
}

static void
openai_decode_error (guint       status,
                     const char *body,
                     gsize       body_len,
                     GError    **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_auto (ProviderError) info = { 0 };
  g_autofree char *text = NULL;
  JsonNode        *root;

  if (body == NULL || body_len == 0 || body_len > G_MAXSSIZE)
    {
      _adiuva_wire_codec_set_http_error (error, status, NULL);
      return;
    }

  parser = json_parser_new ();
  if (!json_depth_is_sane (body, body_len) ||
      !json_parser_load_from_data (parser, body, (gssize) body_len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      text = text_excerpt (body, body_len);
      _adiuva_wire_codec_set_http_error (error, status, text);
      return;
    }

  if (holds_something (json_object_get_member (json_node_get_object (root), "error")))
    read_provider_error (json_object_get_member (json_node_get_object (root), "error"), &info);
  else
    /* vLLM and Mistral put the error at the top: {"object": "error", "message": …}. */
    read_provider_error (root, &info);

  text = provider_error_describe (&info);
  _adiuva_wire_codec_set_http_error (error, status, text);
}

/* Decoding answers. */

static gboolean
emit_content_parts (const Sink *sink,
                    JsonArray  *parts,
                    GError    **error)
{
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode   *node = json_array_get_element (parts, i);
      JsonObject *part;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      part = json_node_get_object (node);
      type = get_string (part, "type");
      if (g_strcmp0 (type, "text") == 0)
        {
          if (!emit_text (sink, ADIUVA_DELTA_TEXT, get_string (part, "text"), error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "refusal") == 0)
        {
          if (!emit_text (sink, ADIUVA_DELTA_TEXT, get_string (part, "refusal"), error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "thinking") == 0)
        {
          /* Mistral's reasoning models: {"type": "thinking", "thinking": [text parts]}. */
          JsonArray *thinking = get_array (part, "thinking");

          if (!emit_text (sink, ADIUVA_DELTA_REASONING, get_string (part, "thinking"), error))
            return FALSE;
          for (guint j = 0; thinking != NULL && j < json_array_get_length (thinking); j++)
            {
              JsonNode   *piece = json_array_get_element (thinking, j);
              const char *text;

              if (!JSON_NODE_HOLDS_OBJECT (piece))
                continue;
              text = get_string (json_node_get_object (piece), "text");
              if (!emit_text (sink, ADIUVA_DELTA_REASONING, text, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

/* The text of a whole message or of one stream delta: both have the same fields. */
static gboolean
emit_message_content (const Sink *sink,
                      JsonObject *message,
                      GError    **error)
{
  const char *reasoning = get_string (message, "reasoning_content");
  JsonArray  *parts = get_array (message, "content");

  /* DeepSeek writes reasoning_content, OpenRouter and newer vLLM write reasoning; servers
   * that write both write the same text twice. */
  if (reasoning == NULL)
    reasoning = get_string (message, "reasoning");
  if (!emit_text (sink, ADIUVA_DELTA_REASONING, reasoning, error))
    return FALSE;

  if (parts != NULL)
    {
      if (!emit_content_parts (sink, parts, error))
        return FALSE;
    }
  else if (!emit_text (sink, ADIUVA_DELTA_TEXT, get_string (message, "content"), error))
    return FALSE;

  /* A refusal is the model's answer in place of the content: the user has to see it. */
  return emit_text (sink, ADIUVA_DELTA_TEXT, get_string (message, "refusal"), error);
}

static gboolean
protocol_error (GError    **error,
                const char *message)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL, message);
  return FALSE;
}

/* OpenRouter ends a failed generation with finish_reason "error", and an error object beside
 * it when it has one (that one is read first). */
static gboolean
server_stopped (GError **error)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER,
                       _ ("The provider stopped the answer with an error."));
  return FALSE;
}

static gboolean
emit_whole_tool_call (const Sink *sink,
                      guint       tool_index,
                      const char *id,
                      JsonObject *function,
                      GError    **error)
{
  g_autofree char *owned_arguments = NULL;
  g_autofree char *made_id = NULL;
  const char      *name = get_nonempty_string (function, "name");
  const char      *arguments;

  if (name == NULL)
    return protocol_error (error, _ ("A tool call in the provider’s answer has no name."));

  arguments = get_arguments (function, &owned_arguments);
  if (id == NULL)
    id = made_id = synthesize_call_id ();

  return emit_tool_call (sink, tool_index, id, name, arguments, error);
}

static gboolean
openai_decode_response (JsonNode       *body,
                        AdiuvaDeltaFunc func,
                        gpointer        user_data,
                        GError        **error)
{
  Sink               sink = { func, user_data };
  JsonObject        *root;
  JsonArray         *choices;
  JsonArray         *tool_calls;
  JsonObject        *choice;
  JsonObject        *message;
  JsonObject        *function_call;
  const char        *reason;
  AdiuvaFinishReason finish;
  guint              n_calls = 0;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (body))
    return protocol_error (error, _ ("The provider’s answer is not a JSON object."));

  root = json_node_get_object (body);
  if (holds_something (get_member (root, "error")))
    {
      set_error_from_node (root, get_member (root, "error"), error);
      return FALSE;
    }

  choices = get_array (root, "choices");
  if (choices == NULL || json_array_get_length (choices) == 0)
    return protocol_error (error, _ ("The provider’s answer has no choices."));
  if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    return protocol_error (error, _ ("The provider’s answer has a choice that is not a JSON object."));

  choice = json_array_get_object_element (choices, 0);
  message = get_object (choice, "message");
  if (message == NULL)
    return protocol_error (error, _ ("The provider’s answer has no message."));

  if (!emit_message_content (&sink, message, error))
    return FALSE;

  tool_calls = get_array (message, "tool_calls");
  for (guint i = 0; tool_calls != NULL && i < json_array_get_length (tool_calls); i++)
    {
      JsonNode   *node = json_array_get_element (tool_calls, i);
      JsonObject *call;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error,
                               _ ("A tool call in the provider’s answer is not a JSON object."));

      call = json_node_get_object (node);
      if (!emit_whole_tool_call (&sink, n_calls++, get_nonempty_string (call, "id"),
                                 get_object (call, "function"), error))
        return FALSE;
    }

  function_call = get_object (message, "function_call");
  if (function_call != NULL && !emit_whole_tool_call (&sink, n_calls++, NULL, function_call, error))
    return FALSE;

  /* The field is required, but some local servers leave it null on a whole answer. */
  reason = get_string (choice, "finish_reason");
  if (reason != NULL && g_str_equal (reason, "error"))
    return server_stopped (error);
  if (reason != NULL)
    finish = parse_finish_reason (reason);
  else
    finish = n_calls > 0 ? ADIUVA_FINISH_TOOL_CALLS : ADIUVA_FINISH_STOP;
  if (!emit_finish (&sink, finish, error))
    return FALSE;

  if (!emit_usage (&sink, get_object (root, "usage"), error))
    return FALSE;

  return emit_usage (&sink, get_object (get_object (root, "x_groq"), "usage"), error);
}

/* Decoding streams. */

typedef struct
{
  gint64 wire_index;
  char  *id;
} StreamCall;

typedef struct
{
  AdiuvaSseDecoder *sse;
  JsonParser       *parser;
  GArray           *calls; /* StreamCall; the position is the canonical tool index */
  const Sink       *sink;  /* during a feed or finish */
  guint             saw_finish : 1;
  guint             finished : 1;
  guint             failed : 1;
} StreamDecoder;

static void
stream_call_clear (StreamCall *call)
{
  g_clear_pointer (&call->id, g_free);
}

static AdiuvaStreamDecoder *
openai_stream_decoder_new (void)
{
  StreamDecoder *self = g_new0 (StreamDecoder, 1);

  self->sse = adiuva_sse_decoder_new (ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);
  self->parser = json_parser_new ();
  self->calls = g_array_new (FALSE, TRUE, sizeof (StreamCall));
  g_array_set_clear_func (self->calls, (GDestroyNotify) stream_call_clear);

  return (AdiuvaStreamDecoder *) self;
}

static void
openai_stream_decoder_free (AdiuvaStreamDecoder *decoder)
{
  StreamDecoder *self = (StreamDecoder *) decoder;

  if (self == NULL)
    return;

  adiuva_sse_decoder_free (self->sse);
  g_object_unref (self->parser);
  g_array_unref (self->calls);
  g_free (self);
}

/* Which call a fragment continues. OpenAI numbers calls with `index`; some servers number
 * every call 0 and tell them apart by id only, others send no index at all. */
static gboolean
stream_call_for_fragment (StreamDecoder *self,
                          gboolean       has_index,
                          gint64         wire_index,
                          const char    *id,
                          guint         *tool_index,
                          GError       **error)
{
  StreamCall fresh;

  for (guint i = self->calls->len; i > 0; i--)
    {
      StreamCall *call = &g_array_index (self->calls, StreamCall, i - 1);

      if (has_index && call->wire_index != wire_index)
        continue;
      if (id != NULL && call->id != NULL && strcmp (call->id, id) != 0)
        break;

      if (call->id == NULL && id != NULL)
        call->id = g_strdup (id);
      *tool_index = i - 1;
      return TRUE;
    }

  if (self->calls->len >= MAX_TOOL_CALLS)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The model started more than %d tool calls at once."), MAX_TOOL_CALLS);
      return FALSE;
    }

  fresh.wire_index = has_index ? wire_index : 0;
  fresh.id = g_strdup (id);
  g_array_append_val (self->calls, fresh);
  *tool_index = self->calls->len - 1;
  return TRUE;
}

static gboolean
decode_tool_call_fragment (StreamDecoder *self,
                           gboolean       has_index,
                           gint64         wire_index,
                           const char    *id,
                           JsonObject    *function,
                           GError       **error)
{
  g_autofree char *owned_arguments = NULL;
  const char      *arguments = get_arguments (function, &owned_arguments);
  guint            tool_index;

  if (!stream_call_for_fragment (self, has_index, wire_index, id, &tool_index, error))
    return FALSE;

  return emit_tool_call (self->sink, tool_index, id, get_nonempty_string (function, "name"),
                         arguments, error);
}

static gboolean
stream_give_ids (StreamDecoder *self,
                 GError       **error)
{
  for (guint i = 0; i < self->calls->len; i++)
    {
      StreamCall *call = &g_array_index (self->calls, StreamCall, i);

      if (call->id != NULL)
        continue;

      call->id = synthesize_call_id ();
      if (!emit_tool_call (self->sink, i, call->id, NULL, "", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
decode_choice (StreamDecoder *self,
               JsonObject    *choice,
               GError       **error)
{
  JsonObject *delta = get_object (choice, "delta");
  JsonArray  *tool_calls = get_array (delta, "tool_calls");
  JsonObject *function_call = get_object (delta, "function_call");
  const char *reason = get_string (choice, "finish_reason");

  if (delta != NULL && !emit_message_content (self->sink, delta, error))
    return FALSE;

  for (guint i = 0; tool_calls != NULL && i < json_array_get_length (tool_calls); i++)
    {
      JsonNode   *node = json_array_get_element (tool_calls, i);
      JsonObject *fragment;
      gint64      wire_index = 0;
      gboolean    has_index;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error, _ ("The provider sent a tool call that is not a JSON object."));

      fragment = json_node_get_object (node);
      has_index = get_int (fragment, "index", &wire_index);
      if (!decode_tool_call_fragment (self, has_index, wire_index, get_nonempty_string (fragment, "id"),
                                      get_object (fragment, "function"), error))
        return FALSE;
    }

  if (function_call != NULL &&
      !decode_tool_call_fragment (self, TRUE, LEGACY_FUNCTION_INDEX, NULL, function_call, error))
    return FALSE;

  if (reason == NULL)
    return TRUE;

  if (g_str_equal (reason, "error"))
    return server_stopped (error);

  self->saw_finish = TRUE;
  return stream_give_ids (self, error) &&
         emit_finish (self->sink, parse_finish_reason (reason), error);
}

static gboolean
decode_chunk (StreamDecoder *self,
              JsonNode      *root,
              gboolean       is_error_event,
              GError       **error)
{
  JsonObject *chunk = json_node_get_object (root);
  JsonNode   *choices = get_member (chunk, "choices");

  if (holds_something (get_member (chunk, "error")))
    {
      set_error_from_node (chunk, get_member (chunk, "error"), error);
      return FALSE;
    }
  if (is_error_event)
    {
      set_error_from_node (NULL, root, error);
      return FALSE;
    }

  if (choices != NULL && JSON_NODE_HOLDS_ARRAY (choices))
    {
      JsonArray *array = json_node_get_array (choices);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          gint64    choice_index = 0;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            return protocol_error (error, _ ("The provider sent a choice that is not a JSON object."));

          /* One answer was asked for (n = 1): another choice would mix into it. */
          if (get_int (json_node_get_object (node), "index", &choice_index) && choice_index != 0)
            continue;

          if (!decode_choice (self, json_node_get_object (node), error))
            return FALSE;
        }
    }
  else if (holds_something (choices))
    return protocol_error (error, _ ("The provider sent a chunk whose choices are not a list."));
  else if (!holds_something (get_member (chunk, "usage")) &&
           !holds_something (get_member (chunk, "x_groq")))
    {
      /* Keep-alives such as {"type": "ping"} have a type and nothing to read. */
      if (get_string (chunk, "type") != NULL)
        return TRUE;

      return protocol_error (error, _ ("The provider sent a chunk without choices."));
    }

  return emit_usage (self->sink, get_object (chunk, "usage"), error) &&
         emit_usage (self->sink, get_object (get_object (chunk, "x_groq"), "usage"), error);
}

static gboolean
on_sse_event (const AdiuvaSseEvent *event,
              gpointer              user_data,
              GError              **error)
{
  StreamDecoder *self = user_data;
  g_autoptr (GError) parse_error = NULL;
  gboolean  is_error_event = g_str_equal (event->event, "error");
  JsonNode *root;

  /* Nothing after [DONE] belongs to the answer. */
  if (adiuva_sse_decoder_is_done (self->sse))
    return TRUE;

  if (!json_depth_is_sane (event->data, event->data_len))
    return protocol_error (error, _ ("The provider sent a streamed event nested too deeply."));

  if (event->data_len > G_MAXSSIZE ||
      !json_parser_load_from_data (self->parser, event->data, (gssize) event->data_len, &parse_error))
    {
      if (is_error_event)
        {
          g_auto (ProviderError) info = { .message = text_excerpt (event->data, event->data_len) };

          set_provider_error (&info, error);
          return FALSE;
        }

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The provider sent a streamed event that is not valid JSON: %s"),
                   parse_error != NULL ? parse_error->message : _ ("too large"));
      return FALSE;
    }

  root = json_parser_get_root (self->parser);
  /* An empty data line: a keep-alive. */
  if (root == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return protocol_error (error, _ ("The provider sent a streamed event that is not a JSON object."));

  return decode_chunk (self, root, is_error_event, error);
}

static gboolean
stream_failed_before (GError **error)
{
  return protocol_error (error, _ ("The provider’s stream already failed."));
}

static gboolean
openai_stream_decoder_feed (AdiuvaStreamDecoder *decoder,
                            const guint8        *data,
                            gsize                len,
                            AdiuvaDeltaFunc      func,
                            gpointer             user_data,
                            GError             **error)
{
  StreamDecoder *self = (StreamDecoder *) decoder;
  Sink           sink = { func, user_data };
  gboolean       ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    return stream_failed_before (error);

  self->sink = &sink;
  ok = adiuva_sse_decoder_feed (self->sse, data, len, on_sse_event, self, error);
  self->sink = NULL;
  self->failed = !ok;

  return ok;
}

static gboolean
openai_stream_decoder_finish (AdiuvaStreamDecoder *decoder,
                              AdiuvaDeltaFunc      func,
                              gpointer             user_data,
                              GError             **error)
{
  StreamDecoder *self = (StreamDecoder *) decoder;
  Sink           sink = { func, user_data };
  gboolean       ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    return stream_failed_before (error);

  self->finished = TRUE;
  self->sink = &sink;
  ok = adiuva_sse_decoder_finish (self->sse, on_sse_event, self, error);
  /* A finish reason means the answer is whole even if the connection then dropped before
   * the usage chunk or [DONE]; without either, the answer was cut. */
  if (ok && !self->saw_finish && !adiuva_sse_decoder_is_done (self->sse))
    ok = protocol_error (error, _ ("The provider’s stream ended before the answer was complete."));
  if (ok)
    ok = stream_give_ids (self, error);
  self->sink = NULL;
  self->failed = !ok;

  return ok;
}

/* Encoding requests. */

typedef struct
{
  const char *id;
  const char *name;
} OpenCall;

static gboolean
invalid_request (GError    **error,
                 const char *message)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID, message);
  return FALSE;
}

static char *
image_url (const AdiuvaContentPart *part)
{
  g_autofree char *base64 = NULL;
  gconstpointer    data;
  gsize            size;

  if (part->image_data == NULL)
    return g_strdup (part->image_url);

  data = g_bytes_get_data (part->image_data, &size);
  base64 = g_base64_encode (data, size);
  return g_strconcat ("data:", part->media_type, ";base64,", base64, NULL);
}

static JsonNode *
encode_user_content (AdiuvaChatMessage *message)
{
  g_autoptr (JsonArray) parts = NULL;
  const AdiuvaContentPart *first = NULL;

  if (message->parts->len > 0)
    first = g_ptr_array_index (message->parts, 0);

  /* A lone text is written as a string, as the SDKs do and every server accepts. */
  if (first == NULL)
    return json_node_init_string (json_node_alloc (), "");
  if (message->parts->len == 1 && first->kind == ADIUVA_PART_TEXT)
    return json_node_init_string (json_node_alloc (), first->text);

  parts = json_array_new ();
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);
      g_autoptr (JsonObject) object = json_object_new ();

      switch (part->kind)
        {
        case ADIUVA_PART_TEXT:
          json_object_set_string_member (object, "type", "text");
          json_object_set_string_member (object, "text", part->text);
          break;

        case ADIUVA_PART_IMAGE:
          {
            g_autoptr (JsonObject) image = json_object_new ();
            g_autofree char *url = image_url (part);

            json_object_set_string_member (image, "url", url);
            json_object_set_string_member (object, "type", "image_url");
            json_object_set_object_member (object, "image_url", g_steal_pointer (&image));
          }
          break;

        default:
          g_assert_not_reached ();
        }

      json_array_add_object_element (parts, g_steal_pointer (&object));
    }

  return json_node_init_array (json_node_alloc (), parts);
}

/* System, assistant and tool messages take text only, as a string: that is what every
 * OpenAI-compatible server accepts (several refuse a list of parts outside user messages). */
static gboolean
set_text_content (JsonObject        *object,
                  AdiuvaChatMessage *message,
                  gboolean           null_when_empty,
                  GError           **error)
{
  g_autofree char *text = NULL;

  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (part->kind == ADIUVA_PART_IMAGE)
        return invalid_request (error,
                                _ ("OpenAI-compatible providers take images in user messages only."));
    }

  text = adiuva_chat_message_dup_text (message);
  if (*text == '\0' && null_when_empty)
    json_object_set_null_member (object, "content");
  else
    json_object_set_string_member (object, "content", text);

  return TRUE;
}

/* Which call a tool result answers: the one it names, or else the first unanswered call of
 * the same tool (Gemini and Ollama results carry a name and no id). */
static const char *
take_open_call (GArray     *open_calls,
                const char *id,
                const char *name)
{
  for (guint i = 0; i < open_calls->len; i++)
    {
      const OpenCall *call = &g_array_index (open_calls, OpenCall, i);
      gboolean        match;

      if (id != NULL)
        match = g_strcmp0 (call->id, id) == 0;
      else
        match = name == NULL || g_strcmp0 (call->name, name) == 0;

      if (match)
        {
          const char *found = call->id;

          g_array_remove_index (open_calls, i);
          return found;
        }
    }

  /* A result for a call from history this request no longer shows: the provider judges it. */
  return id;
}

static void
add_tool_calls (JsonObject        *object,
                AdiuvaChatMessage *message,
                guint              position,
                GArray            *open_calls,
                GPtrArray         *made_ids)
{
  g_autoptr (JsonArray) calls = json_array_new ();

  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      g_autoptr (JsonObject) wire = json_object_new ();
      g_autoptr (JsonObject) function = json_object_new ();
      const char *id = call->id;
      OpenCall    open;

      /* Deterministic, so the same conversation encodes to the same prefix (prompt caches). */
      if (id == NULL || *id == '\0')
        {
          id = g_strdup_printf ("call_%u_%u", position, i);
          g_ptr_array_add (made_ids, (char *) id);
        }

      json_object_set_string_member (function, "name", call->name);
      json_object_set_string_member (function, "arguments",
                                     call->arguments != NULL ? call->arguments : "{}");
      json_object_set_string_member (wire, "id", id);
      json_object_set_string_member (wire, "type", "function");
      json_object_set_object_member (wire, "function", g_steal_pointer (&function));
      json_array_add_object_element (calls, g_steal_pointer (&wire));

      open.id = id;
      open.name = call->name;
      g_array_append_val (open_calls, open);
    }

  json_object_set_array_member (object, "tool_calls", g_steal_pointer (&calls));
}

static JsonArray *
encode_messages (AdiuvaChatRequest *request,
                 GError           **error)
{
  g_autoptr (JsonArray) messages = json_array_new ();
  g_autoptr (GArray) open_calls = g_array_new (FALSE, FALSE, sizeof (OpenCall));
  g_autoptr (GPtrArray) made_ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < request->messages->len; i++)
    {
      AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);
      g_autoptr (JsonObject) object = json_object_new ();
      gboolean has_calls = message->tool_calls->len > 0;

      switch (message->role)
        {
        case ADIUVA_ROLE_SYSTEM:
          /* Each system message stays where it stands, however many there are. */
          json_object_set_string_member (object, "role", "system");
          if (!set_text_content (object, message, FALSE, error))
            return NULL;
          break;

        case ADIUVA_ROLE_USER:
          json_object_set_string_member (object, "role", "user");
          json_object_set_member (object, "content", encode_user_content (message));
          break;

        case ADIUVA_ROLE_ASSISTANT:
          json_object_set_string_member (object, "role", "assistant");
          if (!set_text_content (object, message, has_calls, error))
            return NULL;
          /* Calls are answered by the tool messages right after the assistant's turn. */
          g_array_set_size (open_calls, 0);
          if (has_calls)
            add_tool_calls (object, message, i, open_calls, made_ids);
          break;

        case ADIUVA_ROLE_TOOL:
          {
            const char *id = take_open_call (open_calls, message->tool_call_id, message->name);

            if (id == NULL)
              {
                invalid_request (error, _ ("A tool result does not say which tool call it answers."));
                return NULL;
              }

            json_object_set_string_member (object, "role", "tool");
            json_object_set_string_member (object, "tool_call_id", id);
            if (!set_text_content (object, message, FALSE, error))
              return NULL;
          }
          break;

        default:
          g_assert_not_reached ();
        }

      json_array_add_object_element (messages, g_steal_pointer (&object));
    }

  return g_steal_pointer (&messages);
}

static JsonArray *
encode_tools (AdiuvaChatRequest *request)
{
  JsonArray *tools = json_array_new ();

  for (guint i = 0; i < request->tools->len; i++)
    {
      const AdiuvaToolDefinition *tool = g_ptr_array_index (request->tools, i);
      g_autoptr (JsonObject) wire = json_object_new ();
      g_autoptr (JsonObject) function = json_object_new ();

      json_object_set_string_member (function, "name", tool->name);
      if (tool->description != NULL)
        json_object_set_string_member (function, "description", tool->description);
      if (tool->parameters != NULL)
        json_object_set_member (function, "parameters", json_node_copy (tool->parameters));
      json_object_set_string_member (wire, "type", "function");
      json_object_set_object_member (wire, "function", g_steal_pointer (&function));
      json_array_add_object_element (tools, g_steal_pointer (&wire));
    }

  return tools;
}

static gboolean
set_tool_choice (JsonObject        *root,
                 AdiuvaChatRequest *request,
                 GError           **error)
{
  gboolean has_tools = request->tools->len > 0;

  switch (request->tool_choice)
    {
    case ADIUVA_TOOL_CHOICE_AUTO:
      /* The default whenever tools are given; servers without tool_choice support accept
       * the request then too. */
      break;

    case ADIUVA_TOOL_CHOICE_NONE:
      if (has_tools)
        json_object_set_string_member (root, "tool_choice", "none");
      break;

    case ADIUVA_TOOL_CHOICE_REQUIRED:
      if (!has_tools)
        return invalid_request (error, _ ("The request requires a tool call but offers no tools."));
      json_object_set_string_member (root, "tool_choice", "required");
      break;

    case ADIUVA_TOOL_CHOICE_NAMED:
      {
        g_autoptr (JsonObject) choice = json_object_new ();
        g_autoptr (JsonObject) function = json_object_new ();

        if (!has_tools || request->tool_choice_name == NULL)
          return invalid_request (error, _ ("The request requires a call of a tool it does not offer."));

        json_object_set_string_member (function, "name", request->tool_choice_name);
        json_object_set_string_member (choice, "type", "function");
        json_object_set_object_member (choice, "function", g_steal_pointer (&function));
        json_object_set_object_member (root, "tool_choice", g_steal_pointer (&choice));
      }
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

static gboolean
set_response_format (JsonObject        *root,
                     AdiuvaChatRequest *request,
                     GError           **error)
{
  g_autoptr (JsonObject) format = json_object_new ();

  switch (request->response_format)
    {
    case ADIUVA_RESPONSE_FORMAT_TEXT:
      return TRUE;

    case ADIUVA_RESPONSE_FORMAT_JSON_OBJECT:
      json_object_set_string_member (format, "type", "json_object");
      break;

    case ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA:
      {
        g_autoptr (JsonObject) schema = json_object_new ();

        if (request->json_schema == NULL)
          return invalid_request (error,
                                  _ ("The request asks for JSON following a schema but has no schema."));

        /* OpenAI requires a name; strict is what makes the schema a guarantee. */
        if (request->json_schema_name != NULL)
          json_object_set_string_member (schema, "name", request->json_schema_name);
        else
          json_object_set_string_member (schema, "name", "response");
        json_object_set_member (schema, "schema", json_node_copy (request->json_schema));
        json_object_set_boolean_member (schema, "strict", TRUE);
        json_object_set_string_member (format, "type", "json_schema");
        json_object_set_object_member (format, "json_schema", g_steal_pointer (&schema));
      }
      break;

    default:
      g_assert_not_reached ();
    }

  json_object_set_object_member (root, "response_format", g_steal_pointer (&format));
  return TRUE;
}

static const char *
reasoning_effort_to_string (AdiuvaReasoningEffort effort)
{
  switch (effort)
    {
    case ADIUVA_REASONING_LOW:
      return "low";

    case ADIUVA_REASONING_MEDIUM:
      return "medium";

    case ADIUVA_REASONING_HIGH:
      return "high";

    case ADIUVA_REASONING_DEFAULT:
    default:
      return NULL;
    }
}

/**
 * _adiuva_openai_codec_encode_request_full:
 * @request: a canonical request
 * @quirks: what the server needs differently from OpenAI
 * @error: where to put why the request cannot be written in this format
 *
 * Returns: (transfer full) (nullable): the chat completions body
 */
JsonNode *
_adiuva_openai_codec_encode_request_full (AdiuvaChatRequest *request,
                                          AdiuvaOpenaiQuirks quirks,
                                          GError           **error)
{
  g_autoptr (JsonObject) root = NULL;
  g_autoptr (JsonArray) messages = NULL;
  const char *effort;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (request->model == NULL || *request->model == '\0')
    {
      invalid_request (error, _ ("The request names no model."));
      return NULL;
    }

  messages = encode_messages (request, error);
  if (messages == NULL)
    return NULL;

  root = json_object_new ();
  json_object_set_string_member (root, "model", request->model);
  json_object_set_array_member (root, "messages", g_steal_pointer (&messages));

  if (request->tools->len > 0)
    json_object_set_array_member (root, "tools", encode_tools (request));
  if (!set_tool_choice (root, request, error))
    return NULL;

  if (request->temperature >= 0)
    json_object_set_double_member (root, "temperature", request->temperature);
  if (request->top_p >= 0)
    json_object_set_double_member (root, "top_p", request->top_p);

  /* max_completion_tokens is OpenAI's current name and the only one its reasoning models
   * (o-series, gpt-5) accept; servers that only know max_tokens are a quirk. */
  if (request->max_tokens > 0 && (quirks & ADIUVA_OPENAI_QUIRK_LEGACY_MAX_TOKENS) != 0)
    json_object_set_int_member (root, "max_tokens", request->max_tokens);
  else if (request->max_tokens > 0)
    json_object_set_int_member (root, "max_completion_tokens", request->max_tokens);

  if (request->stop != NULL && request->stop[0] != NULL)
    {
      g_autoptr (JsonArray) stop = json_array_new ();

      for (guint i = 0; request->stop[i] != NULL; i++)
        json_array_add_string_element (stop, request->stop[i]);
      json_object_set_array_member (root, "stop", g_steal_pointer (&stop));
    }

  if (!set_response_format (root, request, error))
    return NULL;

  /* OpenAI takes an effort, not a budget: reasoning_budget has no place here. */
  effort = reasoning_effort_to_string (request->reasoning);
  if (effort != NULL)
    json_object_set_string_member (root, "reasoning_effort", effort);

  if (request->stream)
    {
      g_autoptr (JsonObject) options = json_object_new ();

      /* Without it OpenAI sends no usage at all in a stream. */
      json_object_set_boolean_member (options, "include_usage", TRUE);
      json_object_set_boolean_member (root, "stream", TRUE);
      json_object_set_object_member (root, "stream_options", g_steal_pointer (&options));
    }

  return json_node_init_object (json_node_alloc (), root);
}

static JsonNode *
openai_encode_request (AdiuvaChatRequest *request,
                       GError           **error)
{
  return _adiuva_openai_codec_encode_request_full (request, ADIUVA_OPENAI_QUIRK_NONE, error);
}

/* Decoding requests, for the loopback endpoint. Errors here are the local client's, so they
 * are INVALID (a 400 for it), not PROTOCOL. */

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

static const char *
media_type_for_url (const char *url)
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
  g_autofree char *path = g_ascii_strdown (url, strcspn (url, "?#"));

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i].extension))
      return types[i].media_type;

  /* The canonical part needs a type; providers that fetch a URL look at the image anyway,
   * and photos are what people link to most. */
  return "image/jpeg";
}

static gboolean
decode_image_url (AdiuvaChatMessage *message,
                  const char        *url,
                  GError           **error)
{
  const char        *comma;
  g_autofree char   *meta = NULL;
  g_autofree char   *media_type = NULL;
  g_autofree guchar *data = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize size = 0;

  if (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
    {
      adiuva_chat_message_add_image (message, media_type_for_url (url), NULL, url);
      return TRUE;
    }

  /* data:<media type>;base64,<data> */
  comma = strchr (url, ',');
  if (!g_str_has_prefix (url, "data:") || comma == NULL)
    return invalid_request (error, _ ("An image must be an http(s) URL or a base64 data URL."));

  meta = g_strndup (url + strlen ("data:"), comma - url - strlen ("data:"));
  if (!g_str_has_suffix (meta, ";base64"))
    return invalid_request (error, _ ("An image data URL must be base64-encoded."));

  media_type = g_strndup (meta, strcspn (meta, ";"));
  if (*media_type == '\0')
    return invalid_request (error, _ ("An image data URL does not say the image’s type."));

  data = g_base64_decode (comma + 1, &size);
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

  if (!holds_something (content))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
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
      type = get_string (part, "type");
      if (g_strcmp0 (type, "text") == 0 || g_strcmp0 (type, "refusal") == 0)
        {
          const char *text = get_string (part, type);

          if (text == NULL)
            return invalid_request (error, _ ("A text part has no text."));
          adiuva_chat_message_add_text (message, text);
        }
      else if (g_strcmp0 (type, "image_url") == 0)
        {
          /* {"url": …} as documented; some clients send the URL alone. */
          const char *url = get_string (get_object (part, "image_url"), "url");

          if (url == NULL)
            url = get_string (part, "image_url");
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
  JsonArray  *calls = get_array (object, "tool_calls");
  JsonObject *function_call = get_object (object, "function_call");

  for (guint i = 0; calls != NULL && i < json_array_get_length (calls); i++)
    {
      JsonNode        *node = json_array_get_element (calls, i);
      JsonObject      *function;
      g_autofree char *owned_arguments = NULL;
      g_autofree char *made_id = NULL;
      const char      *id;
      const char      *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_request (error, _ ("A tool call is not a JSON object."));

      function = get_object (json_node_get_object (node), "function");
      name = get_nonempty_string (function, "name");
      if (name == NULL)
        return invalid_request (error, _ ("A tool call has no function name."));

      id = get_nonempty_string (json_node_get_object (node), "id");
      if (id == NULL)
        id = made_id = g_strdup_printf ("call_%u_%u", position, i);
      adiuva_chat_message_add_tool_call (message, id, name, get_arguments (function, &owned_arguments));
    }

  if (function_call != NULL)
    {
      g_autofree char *owned_arguments = NULL;
      const char      *name = get_nonempty_string (function_call, "name");

      if (name == NULL)
        return invalid_request (error, _ ("A function call has no name."));

      /* The legacy format has no ids: the next "function" message answers this call. */
      g_free (*legacy_call_id);
      *legacy_call_id = g_strdup_printf ("call_%u_legacy", position);
      adiuva_chat_message_add_tool_call (message, *legacy_call_id, name,
                                         get_arguments (function_call, &owned_arguments));
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
  role = get_string (object, "role");
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

  if (!decode_content (message, get_member (object, "content"), error))
    return FALSE;

  if (message->role == ADIUVA_ROLE_ASSISTANT)
    {
      if (!decode_assistant_calls (message, object, position, legacy_call_id, error))
        return FALSE;

      reasoning = get_nonempty_string (object, "reasoning_content");
      if (reasoning == NULL)
        reasoning = get_nonempty_string (object, "reasoning");
      message->reasoning = g_strdup (reasoning);
    }
  else if (g_str_equal (role, "tool"))
    {
      message->tool_call_id = g_strdup (get_nonempty_string (object, "tool_call_id"));
      if (message->tool_call_id == NULL)
        return invalid_request (error, _ ("A tool message does not say which tool call it answers."));
      message->name = g_strdup (get_nonempty_string (object, "name"));
    }
  else if (g_str_equal (role, "function"))
    {
      message->name = g_strdup (get_nonempty_string (object, "name"));
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
  const char *name = get_nonempty_string (function, "name");
  JsonNode   *parameters = get_member (function, "parameters");
  g_autoptr (JsonNode) copy = NULL;

  if (name == NULL)
    return invalid_request (error, _ ("A tool has no name."));

  /* A copy: the body's tree goes away with the body. */
  if (parameters != NULL && JSON_NODE_HOLDS_OBJECT (parameters))
    copy = json_node_copy (parameters);
  adiuva_chat_request_add_tool (request, name, get_string (function, "description"), copy);
  return TRUE;
}

static gboolean
decode_tools (AdiuvaChatRequest *request,
              JsonObject        *root,
              GError           **error)
{
  JsonArray *tools = get_array (root, "tools");
  JsonArray *functions = get_array (root, "functions");

  for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
    {
      JsonNode   *node = json_array_get_element (tools, i);
      JsonObject *function;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_request (error, _ ("A tool is not a JSON object."));

      type = get_string (json_node_get_object (node), "type");
      if (type != NULL && !g_str_equal (type, "function"))
        return invalid_requestf (error, _ ("Only function tools are supported, not “%s”."), type);

      function = get_object (json_node_get_object (node), "function");
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
  JsonNode   *choice = get_member (root, "tool_choice");
  const char *mode;
  const char *name;

  /* The legacy function_call takes "auto", "none" or {"name": …}. */
  if (!holds_something (choice))
    choice = get_member (root, "function_call");
  if (!holds_something (choice))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (choice) && json_node_get_value_type (choice) == G_TYPE_STRING)
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

  name = get_nonempty_string (get_object (json_node_get_object (choice), "function"), "name");
  if (name == NULL)
    name = get_nonempty_string (json_node_get_object (choice), "name");
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
  JsonObject *format = get_object (root, "response_format");
  const char *type = get_string (format, "type");
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

  json_schema = get_object (format, "json_schema");
  schema = get_member (json_schema, "schema");
  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return invalid_request (error, _ ("The JSON schema response format has no schema."));

  request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
  request->json_schema = json_node_copy (schema);
  request->json_schema_name = g_strdup (get_nonempty_string (json_schema, "name"));
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

static AdiuvaChatRequest *
openai_decode_request (JsonNode *body,
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
  model = get_nonempty_string (root, "model");
  if (model == NULL)
    {
      invalid_request (error, _ ("The request names no model."));
      return NULL;
    }

  messages = get_array (root, "messages");
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

  if (get_number (root, "temperature", &number) && number >= 0)
    request->temperature = number;
  if (get_number (root, "top_p", &number) && number >= 0)
    request->top_p = number;
  if ((get_int (root, "max_completion_tokens", &max_tokens) ||
       get_int (root, "max_tokens", &max_tokens)) &&
      max_tokens > 0)
    request->max_tokens = max_tokens;

  stop_string = get_string (root, "stop");
  stop = get_array (root, "stop");
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

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              invalid_request (error, _ ("Stop sequences must be strings."));
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (node));
        }
      request->stop = g_strv_builder_end (builder);
    }

  /* OpenRouter takes {"reasoning": {"effort": …}} for the same thing. */
  request->reasoning = parse_reasoning_effort (get_string (root, "reasoning_effort"));
  if (request->reasoning == ADIUVA_REASONING_DEFAULT)
    request->reasoning = parse_reasoning_effort (get_string (get_object (root, "reasoning"), "effort"));

  get_boolean (root, "stream", &request->stream);

  return g_steal_pointer (&request);
}

/* Encoding answers, for the loopback endpoint: byte for byte the shapes OpenAI sends, so the
 * official SDKs read them. */

typedef struct
{
  GString           *head;    /* {"id":…,"object":…,"created":…,"model":… */
  GArray            *started; /* gboolean per tool index: its first fragment went out */
  AdiuvaUsage        usage;
  AdiuvaFinishReason finish;
  guint              began : 1;
  guint              finish_sent : 1;
  guint              include_usage : 1;
  guint              any_tool_call : 1;
} StreamEncoder;

static void
append_json_string (GString    *out,
                    const char *text,
                    gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char  *valid = NULL;
  const char       *run;
  const char       *end;

  /* Deltas come from parsed JSON and are valid UTF-8; anything else must still not break
   * the client's parser. */
  if (!g_utf8_validate_len (text, len, NULL))
    {
      valid = g_utf8_make_valid (text, len);
      text = valid;
      len = strlen (valid);
    }

  g_string_append_c (out, '"');
  end = text + len;
  run = text;
  for (const char *p = text; p < end; p++)
    {
      guchar c = (guchar) *p;

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

static gboolean
usage_is_known (const AdiuvaUsage *usage)
{
  return usage->input_tokens >= 0 || usage->output_tokens >= 0 || usage->cached_input_tokens >= 0 ||
         usage->reasoning_tokens >= 0;
}

static AdiuvaStreamEncoder *
openai_stream_encoder_new (const char *model)
{
  StreamEncoder   *self = g_new0 (StreamEncoder, 1);
  g_autofree char *id = random_id ("chatcmpl-", 29);
  AdiuvaUsage      unknown = ADIUVA_USAGE_INIT;

  self->head = g_string_new ("{\"id\":");
  append_json_string (self->head, id, strlen (id));
  g_string_append_printf (self->head,
                          ",\"object\":\"chat.completion.chunk\",\"created\":%" G_GINT64_FORMAT
                          ",\"model\":",
                          g_get_real_time () / G_USEC_PER_SEC);
  append_json_string (self->head, model != NULL ? model : "", model != NULL ? strlen (model) : 0);
  self->started = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->usage = unknown;
  self->include_usage = TRUE;

  return (AdiuvaStreamEncoder *) self;
}

static void
openai_stream_encoder_free (AdiuvaStreamEncoder *encoder)
{
  StreamEncoder *self = (StreamEncoder *) encoder;

  if (self == NULL)
    return;

  g_string_free (self->head, TRUE);
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
        id = made_id = synthesize_call_id ();
      if (delta->tool_index >= self->started->len)
        g_array_set_size (self->started, delta->tool_index + 1);
      g_array_index (self->started, gboolean, delta->tool_index) = TRUE;
      self->any_tool_call = TRUE;

      g_string_append (out, "\"id\":");
      append_json_string (out, id, strlen (id));
      g_string_append (out, ",\"type\":\"function\",\"function\":{\"name\":");
      append_json_string (out, name, strlen (name));
      g_string_append (out, ",\"arguments\":");
    }
  else
    g_string_append (out, "\"function\":{\"arguments\":");
  if (delta->text != NULL)
    append_json_string (out, delta->text, delta->text_len);
  else
    g_string_append (out, "\"\"");
  g_string_append (out, "}}]}");
  end_chunk (out, NULL);
}

static void
merge_count (gint64 *into,
             gint64  value)
{
  if (value >= 0)
    *into = value;
}

static void
openai_stream_encoder_add (AdiuvaStreamEncoder   *encoder,
                           const AdiuvaChatDelta *delta,
                           GString               *out)
{
  StreamEncoder *self = (StreamEncoder *) encoder;

  g_return_if_fail (self != NULL);
  g_return_if_fail (delta != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (delta->kind != ADIUVA_DELTA_TOOL_CALL || delta->tool_index < MAX_TOOL_CALLS);

  switch (delta->kind)
    {
    case ADIUVA_DELTA_TEXT:
    case ADIUVA_DELTA_REASONING:
      if (delta->text_len == 0)
        return;
      ensure_began (self, out);
      begin_chunk (self, out);
      /* OpenAI itself streams no reasoning text; DeepSeek's field is the one clients know. */
      if (delta->kind == ADIUVA_DELTA_TEXT)
        g_string_append (out, "{\"content\":");
      else
        g_string_append (out, "{\"reasoning_content\":");
      append_json_string (out, delta->text, delta->text_len);
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
      merge_count (&self->usage.input_tokens, delta->usage.input_tokens);
      merge_count (&self->usage.output_tokens, delta->usage.output_tokens);
      merge_count (&self->usage.cached_input_tokens, delta->usage.cached_input_tokens);
      merge_count (&self->usage.reasoning_tokens, delta->usage.reasoning_tokens);
      break;

    default:
      g_return_if_reached ();
    }
}

static void
openai_stream_encoder_finish (AdiuvaStreamEncoder *encoder,
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

  if (self->include_usage && usage_is_known (&self->usage))
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

static JsonNode *
openai_encode_response (const char            *model,
                        AdiuvaChatAccumulator *answer)
{
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autoptr (JsonObject) root = json_object_new ();
  g_autoptr (JsonObject) wire = json_object_new ();
  g_autoptr (JsonObject) choice = json_object_new ();
  g_autoptr (JsonArray) choices = json_array_new ();
  g_autofree char   *text = NULL;
  g_autofree char   *id = random_id ("chatcmpl-", 29);
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
          g_autofree char *made_id = call->id == NULL ? synthesize_call_id () : NULL;

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
  json_object_set_string_member (choice, "finish_reason", finish_reason_to_string (finish, has_calls));
  json_array_add_object_element (choices, g_steal_pointer (&choice));

  json_object_set_string_member (root, "id", id);
  json_object_set_string_member (root, "object", "chat.completion");
  json_object_set_int_member (root, "created", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_string_member (root, "model", model != NULL ? model : "");
  json_object_set_array_member (root, "choices", g_steal_pointer (&choices));
  if (usage_is_known (usage))
    json_object_set_object_member (root, "usage", usage_to_json (usage));

  return json_node_init_object (json_node_alloc (), root);
}

const AdiuvaWireCodec adiuva_openai_codec = {
  .format = ADIUVA_WIRE_FORMAT_OPENAI,
  .encode_request = openai_encode_request,
  .decode_response = openai_decode_response,
  .decode_error = openai_decode_error,
  .stream_decoder_new = openai_stream_decoder_new,
  .stream_decoder_feed = openai_stream_decoder_feed,
  .stream_decoder_finish = openai_stream_decoder_finish,
  .stream_decoder_free = openai_stream_decoder_free,
  .decode_request = openai_decode_request,
  .stream_encoder_new = openai_stream_encoder_new,
  .stream_encoder_add = openai_stream_encoder_add,
  .stream_encoder_finish = openai_stream_encoder_finish,
  .stream_encoder_free = openai_stream_encoder_free,
  .encode_response = openai_encode_response,
};
