/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-openai-codec-private.h"
#include "adiuva-sse-decoder.h"
#include "adiuva-wire-codec-private.h"
#include "adiuva-embeddings-private.h"

/* OpenAI chat completions, both ways. Most hosted and local servers speak the same format
 * (Mistral, Groq, DeepSeek, xAI, Together, OpenRouter, Azure, LM Studio, vLLM, llama.cpp,
 * LocalAI, Ollama's /v1), each with small variations that decoding accepts: reasoning as
 * `reasoning_content` or `reasoning`, usage on the finish chunk or inside `x_groq`, ping
 * events, the legacy `function_call`, tool calls without ids or indexes, errors as objects or
 * plain strings. Encoding writes what OpenAI documents, which is what they all accept. */

/* How much of a provider's free-text error body is worth putting in front of a user. */
#define MAX_ERROR_TEXT 500

/* The wire index of a legacy `function_call`, which has none and is always a single call. */
#define LEGACY_FUNCTION_INDEX G_MININT64

/**
 * _adiuva_openai_codec_synthesize_call_id:
 *
 * Tool results name the call they answer, and Anthropic refuses two calls with one id in a
 * conversation, so a call a server left without an id gets a random one in OpenAI's style.
 *
 * Returns: (transfer full): the id
 */
char *
_adiuva_openai_codec_synthesize_call_id (void)
{
  return _adiuva_wire_codec_random_id ("call_", 24);
}

/**
 * _adiuva_openai_codec_get_arguments:
 * @function: (nullable): a call's `function` object
 * @owned: (out) (transfer full): what to free after use
 *
 * Arguments are JSON text on the wire; a few servers send the object itself.
 *
 * Returns: the arguments as JSON text, "" when there are none
 */
const char *
_adiuva_openai_codec_get_arguments (JsonObject *function,
                                    char      **owned)
{
  JsonNode *node = _adiuva_json_get_member (function, "arguments");

  *owned = NULL;
  if (!_adiuva_json_node_is_set (node))
    return "";
  if (_adiuva_json_node_holds (node, G_TYPE_STRING))
    return json_node_get_string (node);

  *owned = json_to_string (node, FALSE);
  return *owned;
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

static gboolean
read_usage (JsonObject  *object,
            AdiuvaUsage *usage)
{
  JsonObject *prompt_details = _adiuva_json_get_object (object, "prompt_tokens_details");
  JsonObject *completion_details = _adiuva_json_get_object (object, "completion_tokens_details");

  usage->input_tokens = _adiuva_json_get_count (object, "prompt_tokens");
  usage->output_tokens = _adiuva_json_get_count (object, "completion_tokens");
  usage->cached_input_tokens = _adiuva_json_get_count (prompt_details, "cached_tokens");
  /* DeepSeek's own name for cache hits, from before it also wrote OpenAI's. */
  if (usage->cached_input_tokens < 0)
    usage->cached_input_tokens = _adiuva_json_get_count (object, "prompt_cache_hit_tokens");
  usage->reasoning_tokens = _adiuva_json_get_count (completion_details, "reasoning_tokens");

  return _adiuva_usage_is_known (usage);
}

static gboolean
emit_usage (const AdiuvaDeltaSink *sink,
            JsonObject            *object,
            GError               **error)
{
  AdiuvaUsage usage = ADIUVA_USAGE_INIT;

  if (!read_usage (object, &usage))
    return TRUE;

  return _adiuva_wire_codec_emit_usage (sink, &usage, error);
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
  char *excerpt = _adiuva_wire_codec_dup_excerpt (text, len, MAX_ERROR_TEXT);

  /* Proxies answer with whole HTML pages: a line of text helps a user, markup does not. */
  if (excerpt != NULL && *excerpt == '<')
    g_clear_pointer (&excerpt, g_free);

  return excerpt;
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
  const char *text;
  const char *raw;

  if (node == NULL)
    return;

  if (_adiuva_json_node_holds (node, G_TYPE_STRING))
    {
      text = json_node_get_string (node);
      info->message = text_excerpt (text, strlen (text));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;

  object = json_node_get_object (node);
  message = _adiuva_json_get_member (object, "message");
  if (message == NULL)
    message = _adiuva_json_get_member (object, "detail");
  text = _adiuva_json_node_get_string (message);
  if (text != NULL)
    info->message = text_excerpt (text, strlen (text));
  else if (message != NULL && (JSON_NODE_HOLDS_OBJECT (message) || JSON_NODE_HOLDS_ARRAY (message)))
    {
      g_autofree char *json = json_to_string (message, FALSE);

      info->message = text_excerpt (json, strlen (json));
    }

  info->type = _adiuva_json_get_nonempty_string (object, "type");
  info->code = _adiuva_json_get_nonempty_string (object, "code");
  _adiuva_json_get_int (object, "code", &info->status);

  /* OpenRouter passes on what the model's own provider said. */
  metadata = _adiuva_json_get_object (object, "metadata");
  raw = _adiuva_json_get_nonempty_string (metadata, "raw");
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
    info.type = _adiuva_json_get_nonempty_string (container, "error_type");
  set_provider_error (&info, error);
}

static void
openai_decode_error (guint       status,
                     const char *body,
                     gsize       body_len,
                     GError    **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_auto (ProviderError) info = { 0 };
  g_autofree char *text = NULL;
  JsonNode        *inner;

  if (body == NULL || body_len == 0)
    {
      _adiuva_wire_codec_set_http_error (error, status, NULL);
      return;
    }

  root = _adiuva_wire_codec_parse_json (body, body_len, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      text = text_excerpt (body, body_len);
      _adiuva_wire_codec_set_http_error (error, status, text);
      return;
    }

  inner = json_object_get_member (json_node_get_object (root), "error");
  if (_adiuva_json_node_is_set (inner))
    read_provider_error (inner, &info);
  else
    /* vLLM and Mistral put the error at the top: {"object": "error", "message": …}. */
    read_provider_error (root, &info);

  text = provider_error_describe (&info);
  _adiuva_wire_codec_set_http_error (error, status, text);
}

/* Decoding answers. */

static gboolean
emit_content_parts (const AdiuvaDeltaSink *sink,
                    JsonArray             *parts,
                    GError               **error)
{
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode   *node = json_array_get_element (parts, i);
      JsonObject *part;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      part = json_node_get_object (node);
      type = _adiuva_json_get_string (part, "type");
      if (g_strcmp0 (type, "text") == 0 || g_strcmp0 (type, "refusal") == 0)
        {
          const char *text = _adiuva_json_get_string (part, type);

          if (!_adiuva_wire_codec_emit_text (sink, ADIUVA_DELTA_TEXT, text, error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "thinking") == 0)
        {
          /* Mistral's reasoning models: {"type": "thinking", "thinking": [text parts]}. */
          JsonArray  *thinking = _adiuva_json_get_array (part, "thinking");
          const char *text = _adiuva_json_get_string (part, "thinking");

          if (!_adiuva_wire_codec_emit_text (sink, ADIUVA_DELTA_REASONING, text, error))
            return FALSE;
          for (guint j = 0; thinking != NULL && j < json_array_get_length (thinking); j++)
            {
              JsonNode   *piece = json_array_get_element (thinking, j);
              const char *piece_text =
                  _adiuva_json_get_string (_adiuva_json_node_get_object (piece), "text");

              if (!_adiuva_wire_codec_emit_text (sink, ADIUVA_DELTA_REASONING, piece_text, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

/* The text of a whole message or of one stream delta: both have the same fields. */
static gboolean
emit_message_content (const AdiuvaDeltaSink *sink,
                      JsonObject            *message,
                      GError               **error)
{
  const char *reasoning = _adiuva_json_get_string (message, "reasoning_content");
  const char *content = _adiuva_json_get_string (message, "content");
  const char *refusal = _adiuva_json_get_string (message, "refusal");
  JsonArray  *parts = _adiuva_json_get_array (message, "content");

  /* DeepSeek writes reasoning_content, OpenRouter and newer vLLM write reasoning; servers
   * that write both write the same text twice. */
  if (reasoning == NULL)
    reasoning = _adiuva_json_get_string (message, "reasoning");
  if (!_adiuva_wire_codec_emit_text (sink, ADIUVA_DELTA_REASONING, reasoning, error))
    return FALSE;

  if (parts != NULL)
    {
      if (!emit_content_parts (sink, parts, error))
        return FALSE;
    }
  else if (!_adiuva_wire_codec_emit_text (sink, ADIUVA_DELTA_TEXT, content, error))
    return FALSE;

  /* A refusal is the model's answer in place of the content: the user has to see it. */
  return _adiuva_wire_codec_emit_text (sink, ADIUVA_DELTA_TEXT, refusal, error);
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
emit_whole_tool_call (const AdiuvaDeltaSink *sink,
                      guint                  tool_index,
                      const char            *id,
                      JsonObject            *function,
                      GError               **error)
{
  g_autofree char *owned_arguments = NULL;
  g_autofree char *made_id = NULL;
  const char      *name = _adiuva_json_get_nonempty_string (function, "name");
  const char      *arguments;

  if (name == NULL)
    return protocol_error (error, _ ("A tool call in the provider’s answer has no name."));

  arguments = _adiuva_openai_codec_get_arguments (function, &owned_arguments);
  if (id == NULL)
    id = made_id = _adiuva_openai_codec_synthesize_call_id ();

  return _adiuva_wire_codec_emit_tool_call (sink, tool_index, id, name, arguments, error);
}

static gboolean
openai_decode_response (JsonNode       *body,
                        AdiuvaDeltaFunc func,
                        gpointer        user_data,
                        GError        **error)
{
  AdiuvaDeltaSink    sink = { func, user_data };
  JsonObject        *root;
  JsonArray         *choices;
  JsonArray         *tool_calls;
  JsonObject        *choice;
  JsonObject        *message;
  JsonObject        *function_call;
  JsonObject        *groq;
  const char        *reason;
  AdiuvaFinishReason finish;
  guint              n_calls = 0;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (body))
    return protocol_error (error, _ ("The provider’s answer is not a JSON object."));

  root = json_node_get_object (body);
  if (_adiuva_json_node_is_set (_adiuva_json_get_member (root, "error")))
    {
      set_error_from_node (root, _adiuva_json_get_member (root, "error"), error);
      return FALSE;
    }

  choices = _adiuva_json_get_array (root, "choices");
  if (choices == NULL || json_array_get_length (choices) == 0)
    return protocol_error (error, _ ("The provider’s answer has no choices."));
  if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    return protocol_error (error,
                           _ ("The provider’s answer has a choice that is not a JSON object."));

  choice = json_array_get_object_element (choices, 0);
  message = _adiuva_json_get_object (choice, "message");
  if (message == NULL)
    return protocol_error (error, _ ("The provider’s answer has no message."));

  if (!emit_message_content (&sink, message, error))
    return FALSE;

  tool_calls = _adiuva_json_get_array (message, "tool_calls");
  for (guint i = 0; tool_calls != NULL && i < json_array_get_length (tool_calls); i++)
    {
      JsonNode   *node = json_array_get_element (tool_calls, i);
      JsonObject *call;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error,
                               _ ("A tool call in the provider’s answer is not a JSON object."));

      call = json_node_get_object (node);
      if (!emit_whole_tool_call (&sink, n_calls++, _adiuva_json_get_nonempty_string (call, "id"),
                                 _adiuva_json_get_object (call, "function"), error))
        return FALSE;
    }

  function_call = _adiuva_json_get_object (message, "function_call");
  if (function_call != NULL && !emit_whole_tool_call (&sink, n_calls++, NULL, function_call, error))
    return FALSE;

  /* The field is required, but some local servers leave it null on a whole answer. */
  reason = _adiuva_json_get_string (choice, "finish_reason");
  if (reason != NULL && g_str_equal (reason, "error"))
    return server_stopped (error);
  if (reason != NULL)
    finish = parse_finish_reason (reason);
  else
    finish = n_calls > 0 ? ADIUVA_FINISH_TOOL_CALLS : ADIUVA_FINISH_STOP;
  if (!_adiuva_wire_codec_emit_finish (&sink, finish, error))
    return FALSE;

  if (!emit_usage (&sink, _adiuva_json_get_object (root, "usage"), error))
    return FALSE;

  /* Groq's own place for usage. */
  groq = _adiuva_json_get_object (root, "x_groq");
  return emit_usage (&sink, _adiuva_json_get_object (groq, "usage"), error);
}

/* Decoding streams. */

/* A call is passed on once it has its id and its name, so that its first delta carries both,
 * as the encoders of the loopback endpoint need: they write a call's head with its first
 * piece. Until then its pieces are held, and so are the calls after it, which keeps the
 * calls in their order (an Anthropic client numbers them as their blocks come). */
typedef struct
{
  gint64   wire_index;
  char    *id;
  char    *name;
  GString *held; /* the arguments so far, until the call is passed on */
} StreamCall;

typedef struct
{
  AdiuvaSseDecoder      *sse;
  GArray                *calls;    /* StreamCall; the position is the canonical tool index */
  guint                  n_passed; /* the calls passed on, the first ones */
  const AdiuvaDeltaSink *sink;     /* during a feed or finish */
  guint                  saw_finish : 1;
  guint                  finished : 1;
  guint                  failed : 1;
} StreamDecoder;

static void
stream_call_clear (StreamCall *call)
{
  g_clear_pointer (&call->id, g_free);
  g_clear_pointer (&call->name, g_free);
  if (call->held != NULL)
    g_string_free (g_steal_pointer (&call->held), TRUE);
}

static AdiuvaStreamDecoder *
openai_stream_decoder_new (void)
{
  StreamDecoder *self = g_new0 (StreamDecoder, 1);

  self->sse = adiuva_sse_decoder_new (ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);
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

  if (self->calls->len >= ADIUVA_MAX_TOOL_CALLS)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The model started more than %d tool calls at once."), ADIUVA_MAX_TOOL_CALLS);
      return FALSE;
    }

  fresh.wire_index = has_index ? wire_index : 0;
  fresh.id = g_strdup (id);
  fresh.name = NULL;
  fresh.held = g_string_new (NULL);
  g_array_append_val (self->calls, fresh);
  *tool_index = self->calls->len - 1;
  return TRUE;
}

/* Passes on the calls held, in order, as far as they have their id and name; at the end,
 * each with a made-up id if it has none. A call that never named its tool never really
 * started: it is left out. */
static gboolean
pass_on_calls (StreamDecoder *self,
               gboolean       at_end,
               GError       **error)
{
  while (self->n_passed < self->calls->len)
    {
      StreamCall *call = &g_array_index (self->calls, StreamCall, self->n_passed);
      g_autoptr (GString) held = NULL;

      if (!at_end && (call->id == NULL || call->name == NULL))
        return TRUE;

      held = g_steal_pointer (&call->held);
      if (call->name == NULL)
        {
          self->n_passed++;
          continue;
        }
      if (call->id == NULL)
        call->id = _adiuva_openai_codec_synthesize_call_id ();
      if (!_adiuva_wire_codec_emit_tool_call (self->sink, self->n_passed++, call->id, call->name,
                                              held->str, error))
        return FALSE;
    }

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
  const char      *arguments = _adiuva_openai_codec_get_arguments (function, &owned_arguments);
  const char      *name = _adiuva_json_get_nonempty_string (function, "name");
  StreamCall      *call;
  guint            tool_index;

  if (!stream_call_for_fragment (self, has_index, wire_index, id, &tool_index, error))
    return FALSE;

  if (tool_index < self->n_passed)
    return _adiuva_wire_codec_emit_tool_call (self->sink, tool_index, NULL, NULL, arguments,
                                              error);

  call = &g_array_index (self->calls, StreamCall, tool_index);
  if (call->name == NULL && name != NULL)
    call->name = g_strdup (name);
  g_string_append (call->held, arguments);

  return pass_on_calls (self, FALSE, error);
}

static gboolean
decode_choice (StreamDecoder *self,
               JsonObject    *choice,
               GError       **error)
{
  JsonObject *delta = _adiuva_json_get_object (choice, "delta");
  JsonArray  *tool_calls = _adiuva_json_get_array (delta, "tool_calls");
  JsonObject *function_call = _adiuva_json_get_object (delta, "function_call");
  const char *reason = _adiuva_json_get_string (choice, "finish_reason");

  if (delta != NULL && !emit_message_content (self->sink, delta, error))
    return FALSE;

  for (guint i = 0; tool_calls != NULL && i < json_array_get_length (tool_calls); i++)
    {
      JsonNode   *node = json_array_get_element (tool_calls, i);
      JsonObject *fragment;
      gint64      wire_index = 0;
      gboolean    has_index;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error,
                               _ ("The provider sent a tool call that is not a JSON object."));

      fragment = json_node_get_object (node);
      has_index = _adiuva_json_get_int (fragment, "index", &wire_index);
      if (!decode_tool_call_fragment (self, has_index, wire_index,
                                      _adiuva_json_get_nonempty_string (fragment, "id"),
                                      _adiuva_json_get_object (fragment, "function"), error))
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
  return pass_on_calls (self, TRUE, error) &&
         _adiuva_wire_codec_emit_finish (self->sink, parse_finish_reason (reason), error);
}

static gboolean
decode_chunk (StreamDecoder *self,
              JsonNode      *root,
              gboolean       is_error_event,
              GError       **error)
{
  JsonObject *chunk = json_node_get_object (root);
  JsonNode   *choices = _adiuva_json_get_member (chunk, "choices");
  JsonObject *groq = _adiuva_json_get_object (chunk, "x_groq");

  if (_adiuva_json_node_is_set (_adiuva_json_get_member (chunk, "error")))
    {
      set_error_from_node (chunk, _adiuva_json_get_member (chunk, "error"), error);
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
            return protocol_error (error,
                                   _ ("The provider sent a choice that is not a JSON object."));

          /* One answer was asked for (n = 1): another choice would mix into it. */
          if (_adiuva_json_get_int (json_node_get_object (node), "index", &choice_index) &&
              choice_index != 0)
            continue;

          if (!decode_choice (self, json_node_get_object (node), error))
            return FALSE;
        }
    }
  else if (_adiuva_json_node_is_set (choices))
    return protocol_error (error, _ ("The provider sent a chunk whose choices are not a list."));
  else if (!_adiuva_json_node_is_set (_adiuva_json_get_member (chunk, "usage")) &&
           !_adiuva_json_node_is_set (_adiuva_json_get_member (chunk, "x_groq")))
    {
      /* Keep-alives such as {"type": "ping"} have a type and nothing to read. */
      if (_adiuva_json_get_string (chunk, "type") != NULL)
        return TRUE;

      return protocol_error (error, _ ("The provider sent a chunk without choices."));
    }

  return emit_usage (self->sink, _adiuva_json_get_object (chunk, "usage"), error) &&
         emit_usage (self->sink, _adiuva_json_get_object (groq, "usage"), error);
}

static gboolean
on_sse_event (const AdiuvaSseEvent *event,
              gpointer              user_data,
              GError              **error)
{
  StreamDecoder *self = user_data;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (JsonNode) root = NULL;
  gboolean is_error_event = g_str_equal (event->event, "error");

  /* Nothing after [DONE] belongs to the answer. */
  if (adiuva_sse_decoder_is_done (self->sse))
    return TRUE;

  root = _adiuva_wire_codec_parse_json (event->data, event->data_len, &parse_error);
  if (parse_error != NULL)
    {
      if (is_error_event)
        {
          g_auto (ProviderError) info = { .message = text_excerpt (event->data, event->data_len) };

          set_provider_error (&info, error);
          return FALSE;
        }

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The provider sent a streamed event that is not valid JSON: %s"),
                   parse_error->message);
      return FALSE;
    }

  /* An empty data line: a keep-alive. */
  if (root == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return protocol_error (error,
                           _ ("The provider sent a streamed event that is not a JSON object."));

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
  StreamDecoder  *self = (StreamDecoder *) decoder;
  AdiuvaDeltaSink sink = { func, user_data };
  gboolean        ok;

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
  StreamDecoder  *self = (StreamDecoder *) decoder;
  AdiuvaDeltaSink sink = { func, user_data };
  gboolean        ok;

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
    ok = pass_on_calls (self, TRUE, error);
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

  if (part->image_data == NULL)
    return g_strdup (part->image_url);

  base64 = _adiuva_wire_codec_dup_base64 (part->image_data);
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
        return invalid_request (
            error, _ ("OpenAI-compatible providers take images in user messages only."));
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
                invalid_request (error,
                                 _ ("A tool result does not say which tool call it answers."));
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
        return invalid_request (error,
                                _ ("The request requires a tool call but offers no tools."));
      json_object_set_string_member (root, "tool_choice", "required");
      break;

    case ADIUVA_TOOL_CHOICE_NAMED:
      {
        g_autoptr (JsonObject) choice = json_object_new ();
        g_autoptr (JsonObject) function = json_object_new ();

        if (!has_tools || request->tool_choice_name == NULL)
          return invalid_request (error,
                                  _ ("The request requires a call of a tool it does not offer."));

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
          return invalid_request (
              error, _ ("The request asks for JSON following a schema but has no schema."));

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

const AdiuvaWireCodec adiuva_openai_codec = {
  .format = ADIUVA_WIRE_FORMAT_OPENAI,
  .encode_request = openai_encode_request,
  .decode_response = openai_decode_response,
  .decode_error = openai_decode_error,
  .stream_decoder_new = openai_stream_decoder_new,
  .stream_decoder_feed = openai_stream_decoder_feed,
  .stream_decoder_finish = openai_stream_decoder_finish,
  .stream_decoder_free = openai_stream_decoder_free,
  .decode_request = _adiuva_openai_codec_decode_request,
  .stream_encoder_new = _adiuva_openai_stream_encoder_new,
  .stream_encoder_add = _adiuva_openai_stream_encoder_add,
  .stream_encoder_finish = _adiuva_openai_stream_encoder_finish,
  .stream_encoder_free = _adiuva_openai_stream_encoder_free,
  .encode_response = _adiuva_openai_codec_encode_response,
  .encode_embeddings = _adiuva_openai_encode_embeddings,
  .decode_embeddings = _adiuva_openai_decode_embeddings,
};
