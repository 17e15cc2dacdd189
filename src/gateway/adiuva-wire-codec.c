/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-wire-codec-private.h"

/**
 * adiuva_wire_codec_get:
 *
 * Returns: (nullable): the codec of @format, or %NULL for a format without one yet
 */
const AdiuvaWireCodec *
adiuva_wire_codec_get (AdiuvaWireFormat format)
{
  switch (format)
    {
    case ADIUVA_WIRE_FORMAT_OPENAI:
      return &adiuva_openai_codec;

    case ADIUVA_WIRE_FORMAT_ANTHROPIC:
      return &adiuva_anthropic_codec;

    case ADIUVA_WIRE_FORMAT_GEMINI:
      return &adiuva_gemini_codec;

    case ADIUVA_WIRE_FORMAT_OLLAMA:
      return &adiuva_ollama_codec;

    case ADIUVA_WIRE_FORMAT_BEDROCK:
    default:
      return NULL;
    }
}

/**
 * _adiuva_wire_codec_set_http_error:
 * @status: the HTTP status of the provider's answer
 * @provider_message: (nullable): what the provider said, from its error body
 *
 * Sets an error whose code a caller can act on (retry, fall back, ask for a key) and whose
 * message says what happened in words, with the provider's own explanation.
 */
void
_adiuva_wire_codec_set_http_error (GError    **error,
                                   guint       status,
                                   const char *provider_message)
{
  AdiuvaGatewayError code;
  const char        *what;

  if (status == 401 || status == 403)
    {
      code = ADIUVA_GATEWAY_ERROR_AUTH;
      what = _ ("The provider refused the API key");
    }
  else if (status == 429)
    {
      code = ADIUVA_GATEWAY_ERROR_RATE_LIMITED;
      what = _ ("The provider asks to slow down");
    }
  else if (status == 529 || status == 503)
    {
      code = ADIUVA_GATEWAY_ERROR_OVERLOADED;
      what = _ ("The provider is overloaded");
    }
  else if (status >= 500)
    {
      code = ADIUVA_GATEWAY_ERROR_SERVER;
      what = _ ("The provider failed");
    }
  else if (status >= 400)
    {
      code = ADIUVA_GATEWAY_ERROR_BAD_REQUEST;
      what = _ ("The provider refused the request");
    }
  else
    {
      code = ADIUVA_GATEWAY_ERROR_PROTOCOL;
      what = _ ("The provider answered with an unexpected status");
    }

  if (provider_message != NULL && *provider_message != '\0')
    g_set_error (error, ADIUVA_GATEWAY_ERROR, code, "%s (%u): %s", what, status, provider_message);
  else
    g_set_error (error, ADIUVA_GATEWAY_ERROR, code, "%s (%u).", what, status);
}

/* Error messages */

/**
 * _adiuva_wire_codec_dup_excerpt:
 * @text: (nullable): text for an error message, from a provider or a client; any bytes
 * @len: the length of @text in bytes
 * @max_bytes: how long the excerpt may be, before the "…" that marks a cut
 *
 * The start of @text, readable as one line of a message: invalid bytes become U+FFFD, and
 * each run of white space and control characters one space, so a proxy's HTML page or a
 * broken event reads as a line. Reading stops once the excerpt is full.
 *
 * Returns: (transfer full) (nullable): the excerpt, or %NULL when @text has nothing to show
 */
char *
_adiuva_wire_codec_dup_excerpt (const char *text,
                                gsize       len,
                                gsize       max_bytes)
{
  const char *p = text;
  const char *end = text + len;
  GString    *excerpt;
  gboolean    space = FALSE;

  if (text == NULL || len == 0)
    return NULL;

  excerpt = g_string_new (NULL);
  while (p < end)
    {
      gunichar c = *p != '\0' ? g_utf8_get_char_validated (p, end - p) : 0;
      gsize    size = 1;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        c = 0xfffd;
      else if (c != 0)
        size = g_utf8_next_char (p) - p;
      p += size;

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = excerpt->len > 0;
          continue;
        }

      if (excerpt->len + space + g_unichar_to_utf8 (c, NULL) > max_bytes)
        {
          g_string_append (excerpt, "…");
          break;
        }
      if (space)
        g_string_append_c (excerpt, ' ');
      space = FALSE;
      g_string_append_unichar (excerpt, c);
    }

  if (excerpt->len == 0)
    {
      g_string_free (excerpt, TRUE);
      return NULL;
    }

  return g_string_free (excerpt, FALSE);
}

/* Reading JSON written by others */

/* Whether @data nests no deeper than ADIUVA_JSON_MAX_DEPTH. Counting the opening brackets
 * first settles ordinary text without following strings. */
static gboolean
json_depth_is_sane (const char *data,
                    gsize       len)
{
  gsize    opening = 0;
  guint    depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    opening += data[i] == '[' || data[i] == '{';
  if (opening <= ADIUVA_JSON_MAX_DEPTH)
    return TRUE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string && c == '\\')
        i++;
      else if (c == '"')
        in_string = !in_string;
      else if (!in_string && (c == '[' || c == '{') && ++depth > ADIUVA_JSON_MAX_DEPTH)
        return FALSE;
      else if (!in_string && (c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* A parser kept for each thread: making one for every streamed event costs up to a sixth of
 * the time to parse it. A parser keeps nothing between loads once its root is stolen. */
static GPrivate thread_parser = G_PRIVATE_INIT (g_object_unref);

/**
 * _adiuva_wire_codec_parse_json:
 * @data: JSON text from a provider or a client, not necessarily NUL-terminated
 * @len: the length of @data in bytes
 * @error: where to put why @data cannot be read, in %JSON_PARSER_ERROR
 *
 * Parses JSON that anyone may have written. Everything the gateway reads from the network is
 * parsed here, or else checked the same way first: nesting deeper than ADIUVA_JSON_MAX_DEPTH
 * is refused before JSON-GLib, whose recursion it would overflow, sees it.
 *
 * Returns: (transfer full) (nullable): the value; %NULL with @error set when @data is not
 *   JSON that can be read, and %NULL without an error when @data holds only white space
 */
JsonNode *
_adiuva_wire_codec_parse_json (const char *data,
                               gsize       len,
                               GError    **error)
{
  JsonParser *parser;
  JsonNode   *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > G_MAXSSIZE)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _ ("The JSON text is too large."));
      return NULL;
    }

  if (!json_depth_is_sane (data, len))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _ ("The JSON text nests deeper than %d levels."), ADIUVA_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = g_private_get (&thread_parser);
  if (parser == NULL)
    {
      parser = json_parser_new ();
      g_private_set (&thread_parser, parser);
    }
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", (gssize) len, error))
    return NULL;

  root = json_parser_steal_root (parser);
  /* JSON-GLib reads what looks like a comment to it, such as "/a/", as nothing at all. */
  for (gsize i = 0; root == NULL && i < len; i++)
    if (!g_ascii_isspace (data[i]))
      {
        g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                             _ ("The JSON text holds no value."));
        break;
      }

  return root;
}

/**
 * _adiuva_wire_codec_parse_arguments:
 * @arguments: (nullable): a tool call's arguments as JSON text
 *
 * Returns: (transfer full) (nullable): the arguments as an object (an empty one for no
 *   text), or %NULL when the text is not a JSON object
 */
JsonNode *
_adiuva_wire_codec_parse_arguments (const char *arguments)
{
  g_autoptr (JsonNode) node = NULL;

  if (arguments == NULL || *arguments == '\0')
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
      return g_steal_pointer (&node);
    }

  node = _adiuva_wire_codec_parse_json (arguments, strlen (arguments), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return g_steal_pointer (&node);
}

/* The accessors below read JSON written by others, where a member of the wrong type is as
 * good as a missing one: they return NULL (or FALSE, or -1) for a missing member, a null and
 * a value of another type alike, and take a NULL object as an empty one, so lookups chain.
 * Callers decide which of those are errors. */

/**
 * _adiuva_json_node_holds:
 * @node: (nullable): a node
 * @type: %G_TYPE_STRING, %G_TYPE_INT64, %G_TYPE_DOUBLE or %G_TYPE_BOOLEAN
 *
 * Returns: whether @node is a value of @type
 */
gboolean
_adiuva_json_node_holds (JsonNode *node,
                         GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/**
 * _adiuva_json_node_is_set:
 * @node: (nullable): a node
 *
 * Returns: whether @node is there and not null
 */
gboolean
_adiuva_json_node_is_set (JsonNode *node)
{
  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

/**
 * _adiuva_json_node_get_string:
 * @node: (nullable): a node
 *
 * Returns: (nullable): the string @node holds, or %NULL when it holds none
 */
const char *
_adiuva_json_node_get_string (JsonNode *node)
{
  return _adiuva_json_node_holds (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
}

/**
 * _adiuva_json_node_get_object:
 * @node: (nullable): a node
 *
 * Returns: (nullable): the object @node holds, or %NULL when it holds none
 */
JsonObject *
_adiuva_json_node_get_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * _adiuva_json_get_member:
 * @object: (nullable): an object
 * @name: a member's name
 *
 * Returns: (nullable): the member, or %NULL when @object is %NULL or has no such member
 */
JsonNode *
_adiuva_json_get_member (JsonObject *object,
                         const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

/**
 * _adiuva_json_get_string:
 * @object: (nullable): an object
 * @name: a member's name
 *
 * Returns: (nullable): the member's string, or %NULL when it is not a string
 */
const char *
_adiuva_json_get_string (JsonObject *object,
                         const char *name)
{
  return _adiuva_json_node_get_string (_adiuva_json_get_member (object, name));
}

/**
 * _adiuva_json_get_nonempty_string:
 * @object: (nullable): an object
 * @name: a member's name
 *
 * Like _adiuva_json_get_string(), but an empty string counts as missing: servers send
 * "id": "" and "name": "" in fragments that carry neither.
 *
 * Returns: (nullable): the member's string, or %NULL when it is not a string or empty
 */
const char *
_adiuva_json_get_nonempty_string (JsonObject *object,
                                  const char *name)
{
  const char *value = _adiuva_json_get_string (object, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/**
 * _adiuva_json_get_object:
 * @object: (nullable): an object
 * @name: a member's name
 *
 * Returns: (nullable): the member's object, or %NULL when it is not an object
 */
JsonObject *
_adiuva_json_get_object (JsonObject *object,
                         const char *name)
{
  return _adiuva_json_node_get_object (_adiuva_json_get_member (object, name));
}

/**
 * _adiuva_json_get_array:
 * @object: (nullable): an object
 * @name: a member's name
 *
 * Returns: (nullable): the member's array, or %NULL when it is not an array
 */
JsonArray *
_adiuva_json_get_array (JsonObject *object,
                        const char *name)
{
  JsonNode *node = _adiuva_json_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * _adiuva_json_get_number:
 * @object: (nullable): an object
 * @name: a member's name
 * @out: (out): the number, untouched when there is none
 *
 * Returns: whether the member is a number, integer or not
 */
gboolean
_adiuva_json_get_number (JsonObject *object,
                         const char *name,
                         double     *out)
{
  JsonNode *node = _adiuva_json_get_member (object, name);

  if (_adiuva_json_node_holds (node, G_TYPE_INT64))
    *out = (double) json_node_get_int (node);
  else if (_adiuva_json_node_holds (node, G_TYPE_DOUBLE))
    *out = json_node_get_double (node);
  else
    return FALSE;

  return TRUE;
}

/**
 * _adiuva_json_get_int:
 * @object: (nullable): an object
 * @name: a member's name
 * @out: (out): the integer, untouched when there is none
 *
 * Returns: whether the member is an integer; some servers write 12 as 12.0, which counts
 */
gboolean
_adiuva_json_get_int (JsonObject *object,
                      const char *name,
                      gint64     *out)
{
  JsonNode *node = _adiuva_json_get_member (object, name);
  double    value;

  if (_adiuva_json_node_holds (node, G_TYPE_INT64))
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (!_adiuva_json_get_number (object, name, &value) || value < -9.0e18 || value > 9.0e18 ||
      value != (double) (gint64) value)
    return FALSE;

  *out = (gint64) value;
  return TRUE;
}

/**
 * _adiuva_json_get_boolean:
 * @object: (nullable): an object
 * @name: a member's name
 * @out: (out): the value, untouched when there is none
 *
 * Returns: whether the member is %TRUE or %FALSE
 */
gboolean
_adiuva_json_get_boolean (JsonObject *object,
                          const char *name,
                          gboolean   *out)
{
  JsonNode *node = _adiuva_json_get_member (object, name);

  if (!_adiuva_json_node_holds (node, G_TYPE_BOOLEAN))
    return FALSE;

  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * _adiuva_json_get_count:
 * @object: (nullable): an object
 * @name: a member's name
 *
 * A token count as providers report them: an integer, or a number with a fraction that is
 * cut off.
 *
 * Returns: the count, or -1 when the member is not a number that is 0 or more
 */
gint64
_adiuva_json_get_count (JsonObject *object,
                        const char *name)
{
  JsonNode *node = _adiuva_json_get_member (object, name);

  if (_adiuva_json_node_holds (node, G_TYPE_INT64) && json_node_get_int (node) >= 0)
    return json_node_get_int (node);
  /* Cut to a range where the conversion is defined. */
  if (_adiuva_json_node_holds (node, G_TYPE_DOUBLE) && json_node_get_double (node) >= 0)
    return (gint64) MIN (json_node_get_double (node), (double) G_MAXINT32);

  return -1;
}

/* Writing JSON */

/**
 * _adiuva_json_append_string:
 * @out: where to write
 * @text: (nullable): the text; %NULL is written as the empty string
 * @len: the length of @text in bytes, or -1 when it is NUL-terminated
 *
 * Appends @text as a JSON string: quotes, backslashes and control characters escaped, the
 * rest as it is. Text that is not valid UTF-8 has its invalid bytes replaced, so the reader's
 * parser never breaks on it.
 */
void
_adiuva_json_append_string (GString    *out,
                            const char *text,
                            gssize      len)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char  *valid = NULL;
  const char       *run;
  const char       *end;

  if (text == NULL)
    text = "";
  if (len < 0)
    len = strlen (text);

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

/* Emitting deltas */

/**
 * _adiuva_wire_codec_emit:
 * @sink: where the delta goes
 * @delta: the delta
 * @error: where to put why decoding stops
 *
 * Hands @delta to the caller. A caller that stops without saying why was cancelled.
 *
 * Returns: %FALSE with @error set when the caller stopped decoding
 */
gboolean
_adiuva_wire_codec_emit (const AdiuvaDeltaSink *sink,
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
                         _ ("Reading the provider’s answer was stopped."));
  return FALSE;
}

/**
 * _adiuva_wire_codec_emit_text:
 * @sink: where the delta goes
 * @kind: %ADIUVA_DELTA_TEXT, %ADIUVA_DELTA_REASONING or %ADIUVA_DELTA_REASONING_SIGNATURE
 * @text: (nullable): the text; nothing is emitted for %NULL or an empty text
 * @error: where to put why decoding stops
 *
 * Returns: %FALSE with @error set when the caller stopped decoding
 */
gboolean
_adiuva_wire_codec_emit_text (const AdiuvaDeltaSink *sink,
                              AdiuvaDeltaKind        kind,
                              const char            *text,
                              GError               **error)
{
  AdiuvaChatDelta delta = { .kind = kind, .usage = ADIUVA_USAGE_INIT };

  if (text == NULL || *text == '\0')
    return TRUE;

  delta.text = text;
  delta.text_len = strlen (text);
  return _adiuva_wire_codec_emit (sink, &delta, error);
}

/**
 * _adiuva_wire_codec_emit_tool_call:
 * @sink: where the delta goes
 * @tool_index: the call's canonical index
 * @id: (nullable): the call's id, in its first piece
 * @name: (nullable): the tool's name, in its first piece
 * @arguments: (nullable): a piece of the arguments, or all of them
 * @error: where to put why decoding stops
 *
 * Returns: %FALSE with @error set when the caller stopped decoding
 */
gboolean
_adiuva_wire_codec_emit_tool_call (const AdiuvaDeltaSink *sink,
                                   guint                  tool_index,
                                   const char            *id,
                                   const char            *name,
                                   const char            *arguments,
                                   GError               **error)
{
  AdiuvaChatDelta delta = {
    .kind = ADIUVA_DELTA_TOOL_CALL,
    .text = arguments != NULL ? arguments : "",
    .text_len = arguments != NULL ? strlen (arguments) : 0,
    .tool_index = tool_index,
    .tool_id = id,
    .tool_name = name,
    .usage = ADIUVA_USAGE_INIT,
  };

  return _adiuva_wire_codec_emit (sink, &delta, error);
}

/**
 * _adiuva_wire_codec_emit_finish:
 * @sink: where the delta goes
 * @finish: why the answer ended
 * @error: where to put why decoding stops
 *
 * Returns: %FALSE with @error set when the caller stopped decoding
 */
gboolean
_adiuva_wire_codec_emit_finish (const AdiuvaDeltaSink *sink,
                                AdiuvaFinishReason     finish,
                                GError               **error)
{
  AdiuvaChatDelta delta = {
    .kind = ADIUVA_DELTA_FINISH,
    .finish = finish,
    .usage = ADIUVA_USAGE_INIT,
  };

  return _adiuva_wire_codec_emit (sink, &delta, error);
}

/**
 * _adiuva_wire_codec_emit_usage:
 * @sink: where the delta goes
 * @usage: what the provider reported; nothing is emitted when it reported no count
 * @error: where to put why decoding stops
 *
 * Returns: %FALSE with @error set when the caller stopped decoding
 */
gboolean
_adiuva_wire_codec_emit_usage (const AdiuvaDeltaSink *sink,
                               const AdiuvaUsage     *usage,
                               GError               **error)
{
  AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_USAGE, .usage = *usage };

  if (!_adiuva_usage_is_known (usage))
    return TRUE;

  return _adiuva_wire_codec_emit (sink, &delta, error);
}

/**
 * _adiuva_usage_is_known:
 * @usage: a usage
 *
 * Returns: whether @usage holds any count
 */
gboolean
_adiuva_usage_is_known (const AdiuvaUsage *usage)
{
  return usage->input_tokens >= 0 || usage->output_tokens >= 0 || usage->cached_input_tokens >= 0 ||
         usage->reasoning_tokens >= 0;
}

/**
 * _adiuva_usage_merge:
 * @into: the usage so far
 * @from: a later report
 *
 * Providers report usage in pieces (Anthropic: input at the start, output at the end), and
 * later reports restate earlier ones: @into keeps the latest known value of each count.
 */
void
_adiuva_usage_merge (AdiuvaUsage       *into,
                     const AdiuvaUsage *from)
{
  if (from->input_tokens >= 0)
    into->input_tokens = from->input_tokens;
  if (from->output_tokens >= 0)
    into->output_tokens = from->output_tokens;
  if (from->cached_input_tokens >= 0)
    into->cached_input_tokens = from->cached_input_tokens;
  if (from->reasoning_tokens >= 0)
    into->reasoning_tokens = from->reasoning_tokens;
}

/* Tool calls */

/**
 * _adiuva_wire_codec_random_id:
 * @prefix: what the id starts with
 * @length: how many random letters and digits follow it
 *
 * An id in the style providers give their messages and calls, for one the codec has to make
 * up where nothing could be derived from.
 *
 * Returns: (transfer full): the id
 */
char *
_adiuva_wire_codec_random_id (const char *prefix,
                              guint       length)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  GString          *id = g_string_new (prefix);

  for (guint i = 0; i < length; i++)
    g_string_append_c (id, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);

  return g_string_free (id, FALSE);
}

/**
 * _adiuva_wire_codec_hash_call_id:
 * @prefix: what the id starts with
 * @seed: (nullable): what tells this answer from others (its id, its time)
 * @index: the call's index in the answer
 * @name: the tool's name
 * @arguments: the call's arguments
 *
 * An id for a call the provider gave none: @prefix and 24 hex digits of the SHA-256 of the
 * rest. The same bytes always give the same id, however a stream was split, and calls of
 * different answers do not collide (Anthropic refuses two calls with one id).
 *
 * Returns: (transfer full): the id
 */
char *
_adiuva_wire_codec_hash_call_id (const char *prefix,
                                 const char *seed,
                                 guint       index,
                                 const char *name,
                                 const char *arguments)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char index_text[16];

  g_snprintf (index_text, sizeof index_text, "%u", index);
  g_checksum_update (checksum, (const guchar *) (seed != NULL ? seed : ""), -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) index_text, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) name, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) arguments, -1);

  return g_strdup_printf ("%s%.24s", prefix, g_checksum_get_string (checksum));
}

/**
 * _adiuva_wire_codec_find_call_name:
 * @request: a request
 * @before: the index of the message that answers the call
 * @call_id: (nullable): the id of the call
 *
 * The tool of the call @call_id, for providers that pair results with calls by name. The
 * nearest earlier call wins: ids made up for id-less calls repeat across answers only when
 * the same bytes came twice, and then the nearest is the one answered.
 *
 * Returns: (nullable): the tool's name, or %NULL when no earlier message made that call
 */
const char *
_adiuva_wire_codec_find_call_name (AdiuvaChatRequest *request,
                                   guint              before,
                                   const char        *call_id)
{
  if (call_id == NULL)
    return NULL;

  for (guint i = before; i-- > 0;)
    {
      const AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);

      if (message->role != ADIUVA_ROLE_ASSISTANT)
        continue;

      for (guint j = 0; j < message->tool_calls->len; j++)
        {
          const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, j);

          if (g_strcmp0 (call->id, call_id) == 0)
            return call->name;
        }
    }

  return NULL;
}

/* Images */

/**
 * _adiuva_wire_codec_dup_base64:
 * @bytes: an image's bytes
 *
 * Returns: (transfer full): @bytes in base64
 */
char *
_adiuva_wire_codec_dup_base64 (GBytes *bytes)
{
  gsize         size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  return g_base64_encode (data, size);
}

/**
 * _adiuva_wire_codec_parse_data_url:
 * @url: a URL
 * @media_type: (out) (optional) (transfer full) (nullable): the type the URL gives before
 *   its parameters, or %NULL when it gives none
 * @is_base64: (out) (optional): whether the data is base64 rather than percent-encoded
 * @data: (out) (optional) (transfer none): the data: what follows the comma in @url
 *
 * Reads data:[<media type>][;<parameter>]…[;base64],<data> (RFC 2397), the form images come
 * in when their bytes are already at hand.
 *
 * Returns: whether @url is a data: URL; the outs are set only then
 */
gboolean
_adiuva_wire_codec_parse_data_url (const char  *url,
                                   char       **media_type,
                                   gboolean    *is_base64,
                                   const char **data)
{
  const char *header;
  const char *comma;

  if (url == NULL || g_ascii_strncasecmp (url, "data:", strlen ("data:")) != 0)
    return FALSE;

  header = url + strlen ("data:");
  comma = strchr (header, ',');
  if (comma == NULL)
    return FALSE;

  if (media_type != NULL)
    {
      gsize type_len = strcspn (header, ";,");

      *media_type = type_len > 0 ? g_strndup (header, type_len) : NULL;
    }
  if (is_base64 != NULL)
    *is_base64 = comma - header >= 7 && strncmp (comma - 7, ";base64", 7) == 0;
  if (data != NULL)
    *data = comma + 1;

  return TRUE;
}

/**
 * _adiuva_wire_codec_is_media_type:
 * @text: what a client gave as a media type
 *
 * Returns: whether @text has the form type/subtype in RFC 6838's characters, so that it can
 *   stand in a data: URL and come back out of it unchanged
 */
gboolean
_adiuva_wire_codec_is_media_type (const char *text)
{
  static const char allowed[] = "!#$&-^_.+";
  gsize             slashes = 0;
  gsize             len = 0;

  for (const char *p = text; *p != '\0'; p++, len++)
    {
      if (*p == '/' && len > 0 && p[1] != '\0' && slashes++ == 0)
        continue;
      if (!g_ascii_isalnum (*p) && strchr (allowed, *p) == NULL)
        return FALSE;
    }

  return slashes == 1 && len <= 255;
}

/**
 * _adiuva_wire_codec_guess_image_type:
 * @url: an image's URL
 * @fallback: the type to give when the URL's file name does not tell
 *
 * Returns: the image type the URL's file name says
 */
const char *
_adiuva_wire_codec_guess_image_type (const char *url,
                                     const char *fallback)
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

  return fallback;
}
