/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-anthropic-codec"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"

/* The Anthropic Messages codec against hand-built requests and against the recorded traffic
 * in shared/fixtures/anthropic (read at run time, never copied here). Where a fixture's whole
 * content is asserted, it is against a second, deliberately naive reading of the same bytes
 * (line by line, no chunking), plus short literal facts from the recording. */

static const AdiuvaWireCodec *codec = &adiuva_anthropic_codec;

/* Fixtures */

static char *
fixture_path (const char *name)
{
  return g_build_filename (FIXTURES_DIR, "anthropic", name, NULL);
}

static gboolean
have_fixtures (void)
{
  g_autofree char *path = fixture_path ("sdkpy_basic_response.sse");

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_test_skip ("No fixtures in " FIXTURES_DIR);
  return FALSE;
}

static char *
load_fixture (const char *name,
              gsize      *len)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static JsonNode *
load_json_fixture (const char *name)
{
  gsize            len;
  g_autofree char *text = load_fixture (name, &len);
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* JSON */

/* JSON with ' for ", so expectations stay readable. */
static JsonNode *
parse_sq (const char *text)
{
  g_autofree char *json = g_strdup (text);
  g_autoptr (GError) error = NULL;
  JsonNode *node;

  g_strdelimit (json, "'", '"');
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* The start of a text block at index 0, in sse()'s spelling. */
#define TEXT_START "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}"

/* An SSE body from events written with ' for ", each as `data: …` and a blank line. */
static char *
sse (const char *first,
     ...)
{
  GString *body = g_string_new (NULL);
  va_list  args;

  va_start (args, first);
  for (const char *event = first; event != NULL; event = va_arg (args, const char *))
    {
      gsize start = body->len;

      g_string_append_printf (body, "data: %s\n\n", event);
      g_strdelimit (body->str + start, "'", '"');
    }
  va_end (args);

  return g_string_free (body, FALSE);
}

static gboolean
json_equal (JsonNode *a,
            JsonNode *b,
            GString  *path)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a);
        JsonObject *ob = json_node_get_object (b);
        g_autoptr (GList) members = json_object_get_members (oa);
        gsize len = path->len;

        if (json_object_get_size (oa) != json_object_get_size (ob))
          return FALSE;
        for (GList *l = members; l != NULL; l = l->next)
          {
            JsonNode *mb = json_object_get_member (ob, l->data);

            g_string_append_printf (path, ".%s", (const char *) l->data);
            if (mb == NULL || !json_equal (json_object_get_member (oa, l->data), mb, path))
              return FALSE;
            g_string_truncate (path, len);
          }
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a);
        JsonArray *ab = json_node_get_array (b);
        gsize      len = path->len;

        if (json_array_get_length (aa) != json_array_get_length (ab))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (aa); i++)
          {
            g_string_append_printf (path, "[%u]", i);
            if (!json_equal (json_array_get_element (aa, i), json_array_get_element (ab, i), path))
              return FALSE;
            g_string_truncate (path, len);
          }
        return TRUE;
      }

    case JSON_NODE_VALUE:
      {
        GType    ta = json_node_get_value_type (a);
        GType    tb = json_node_get_value_type (b);
        gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
        gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

        /* 0 and 0.0 are the same number to a JSON reader. */
        if (na && nb)
          return json_node_get_double (a) == json_node_get_double (b);
        if (ta != tb)
          return FALSE;
        if (ta == G_TYPE_STRING)
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      }

    case JSON_NODE_NULL:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
assert_json_equal (JsonNode *actual,
                   JsonNode *expected)
{
  g_autoptr (GString) path = g_string_new ("$");

  if (!json_equal (actual, expected, path))
    {
      g_autofree char *a = json_to_string (actual, TRUE);
      g_autofree char *e = json_to_string (expected, TRUE);

      g_test_message ("JSON differs at %s", path->str);
      g_assert_cmpstr (a, ==, e);
      g_assert_not_reached ();
    }
}

static void
assert_json_sq (JsonNode   *actual,
                const char *expected)
{
  g_autoptr (JsonNode) node = parse_sq (expected);

  assert_json_equal (actual, node);
}

/* Decoding into an accumulator, keeping the deltas when asked */

typedef struct
{
  AdiuvaChatDelta delta;
  char           *text;
  char           *tool_id;
  char           *tool_name;
} SavedDelta;

static void
saved_delta_free (SavedDelta *saved)
{
  g_free (saved->text);
  g_free (saved->tool_id);
  g_free (saved->tool_name);
  g_free (saved);
}

typedef struct
{
  AdiuvaChatAccumulator *acc;
  GPtrArray             *deltas; /* SavedDelta, or NULL */
  guint                  n_deltas;
  guint                  stop_after; /* stop with CANCELLED after this many, 0 never */
} Sink;

static void
sink_init (Sink *sink)
{
  *sink = (Sink){ .acc = adiuva_chat_accumulator_new () };
}

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->acc, adiuva_chat_accumulator_free);
  g_clear_pointer (&sink->deltas, g_ptr_array_unref);
}

static gboolean
collect_cb (const AdiuvaChatDelta *delta,
            gpointer               user_data,
            GError               **error)
{
  Sink *sink = user_data;

  /* What a delta says is only valid during the call; NUL-terminated text is not promised. */
  if (delta->text_len > 0)
    g_assert_nonnull (delta->text);
  if (delta->text_len > 0 && (delta->kind == ADIUVA_DELTA_TEXT || delta->kind == ADIUVA_DELTA_REASONING))
    g_assert_true (g_utf8_validate (delta->text, delta->text_len, NULL));

  if (sink->stop_after > 0 && ++sink->n_deltas > sink->stop_after)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED, "Stopped by the test");
      return FALSE;
    }

  if (sink->deltas != NULL)
    {
      SavedDelta *saved = g_new0 (SavedDelta, 1);

      saved->delta = *delta;
      saved->text = g_strndup (delta->text != NULL ? delta->text : "", delta->text_len);
      saved->tool_id = g_strdup (delta->tool_id);
      saved->tool_name = g_strdup (delta->tool_name);
      saved->delta.text = saved->text;
      saved->delta.tool_id = saved->tool_id;
      saved->delta.tool_name = saved->tool_name;
      g_ptr_array_add (sink->deltas, saved);
    }

  return adiuva_chat_accumulator_add (sink->acc, delta, error);
}

/* Everything an answer holds, as text, so two answers compare with one assertion. */
static char *
describe (AdiuvaChatAccumulator *acc)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_accumulator_dup_message (acc);
  g_autofree char   *text = adiuva_chat_message_dup_text (message);
  const AdiuvaUsage *usage = adiuva_chat_accumulator_get_usage (acc);
  GString           *out = g_string_new (NULL);

  g_string_append_printf (out, "text: %s\nreasoning: %s\nsignature: %s\n", text,
                          message->reasoning != NULL ? message->reasoning : "",
                          message->reasoning_signature != NULL ? message->reasoning_signature : "");
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);

      g_string_append_printf (out, "call %u: %s %s %s\n", i, call->id, call->name, call->arguments);
    }
  g_string_append_printf (out,
                          "finish: %d\nusage: %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT "\n",
                          adiuva_chat_accumulator_get_finish (acc), usage->input_tokens,
                          usage->output_tokens, usage->cached_input_tokens, usage->reasoning_tokens);

  return g_string_free (out, FALSE);
}

/* Feeds @data cut at @split (G_MAXSIZE: not cut), or @step bytes at a time when not 0. */
static gboolean
decode_stream (const char *data,
               gsize       len,
               gsize       split,
               gsize       step,
               Sink       *sink,
               GError    **error)
{
  AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();
  gboolean             ok = TRUE;

  if (step > 0)
    {
      for (gsize i = 0; ok && i < len; i += step)
        ok = codec->stream_decoder_feed (decoder, (const guint8 *) data + i, MIN (step, len - i),
                                         collect_cb, sink, error);
    }
  else if (split <= len)
    {
      ok = codec->stream_decoder_feed (decoder, (const guint8 *) data, split, collect_cb, sink, error) &&
           codec->stream_decoder_feed (decoder, (const guint8 *) data + split, len - split, collect_cb, sink,
                                       error);
    }
  else
    ok = codec->stream_decoder_feed (decoder, (const guint8 *) data, len, collect_cb, sink, error);

  if (ok)
    ok = codec->stream_decoder_finish (decoder, collect_cb, sink, error);

  codec->stream_decoder_free (decoder);
  return ok;
}

static char *
describe_stream (const char *data,
                 gsize       len,
                 GError    **error)
{
  Sink  sink;
  char *description;

  sink_init (&sink);
  decode_stream (data, len, G_MAXSIZE, 0, &sink, error);
  description = describe (sink.acc);
  sink_clear (&sink);
  return description;
}

static char *
describe_response (JsonNode *body,
                   GError  **error)
{
  Sink  sink;
  char *description;

  sink_init (&sink);
  codec->decode_response (body, collect_cb, &sink, error);
  description = describe (sink.acc);
  sink_clear (&sink);
  return description;
}

/* The naive reading of a recorded stream: each `data:` line on its own, blocks by index. */
typedef struct
{
  GString   *text;
  GString   *reasoning;
  GString   *signature;
  GPtrArray *arguments; /* GString per tool_use block, in order */
  GPtrArray *ids;
  gboolean   stopped;
} Reference;

static void
reference_clear (Reference *ref)
{
  g_string_free (ref->text, TRUE);
  g_string_free (ref->reasoning, TRUE);
  g_string_free (ref->signature, TRUE);
  g_ptr_array_unref (ref->arguments);
  g_ptr_array_unref (ref->ids);
}

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

static void
read_reference (const char *data,
                Reference  *ref)
{
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  g_autoptr (GHashTable) tool_blocks = g_hash_table_new (NULL, NULL);

  *ref = (Reference){
    g_string_new (NULL),
    g_string_new (NULL),
    g_string_new (NULL),
    g_ptr_array_new_with_free_func (string_free),
    g_ptr_array_new_with_free_func (g_free),
    FALSE,
  };

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonNode) node = NULL;
      JsonObject *event, *block, *delta;
      const char *type;

      if (!g_str_has_prefix (lines[i], "data: "))
        continue;
      node = json_from_string (lines[i] + strlen ("data: "), NULL);
      g_assert_nonnull (node);
      event = json_node_get_object (node);
      type = json_object_get_string_member (event, "type");

      if (strcmp (type, "message_stop") == 0)
        ref->stopped = TRUE;
      else if (strcmp (type, "content_block_start") == 0)
        {
          block = json_object_get_object_member (event, "content_block");
          if (strcmp (json_object_get_string_member (block, "type"), "tool_use") == 0)
            {
              g_hash_table_insert (tool_blocks, GINT_TO_POINTER (json_object_get_int_member (event, "index")),
                                   GUINT_TO_POINTER (ref->arguments->len + 1));
              g_ptr_array_add (ref->arguments, g_string_new (NULL));
              g_ptr_array_add (ref->ids, g_strdup (json_object_get_string_member (block, "id")));
            }
        }
      else if (strcmp (type, "content_block_delta") == 0)
        {
          delta = json_object_get_object_member (event, "delta");
          type = json_object_get_string_member (delta, "type");
          if (strcmp (type, "text_delta") == 0)
            g_string_append (ref->text, json_object_get_string_member (delta, "text"));
          else if (strcmp (type, "thinking_delta") == 0)
            g_string_append (ref->reasoning, json_object_get_string_member (delta, "thinking"));
          else if (strcmp (type, "signature_delta") == 0)
            g_string_append (ref->signature, json_object_get_string_member (delta, "signature"));
          else if (strcmp (type, "input_json_delta") == 0)
            {
              gint64 block_index = json_object_get_int_member (event, "index");
              guint  n = GPOINTER_TO_UINT (g_hash_table_lookup (tool_blocks, GINT_TO_POINTER (block_index)));

              g_assert_cmpuint (n, >, 0);
              g_string_append (g_ptr_array_index (ref->arguments, n - 1),
                               json_object_get_string_member (delta, "partial_json"));
            }
        }
    }
}

/* Requests */

static JsonNode *
encode (AdiuvaChatRequest *request)
{
  g_autoptr (GError) error = NULL;
  JsonNode *body = codec->encode_request (request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (body);
  return body;
}

static JsonNode *
encode_member (AdiuvaChatRequest *request,
               const char        *member)
{
  g_autoptr (JsonNode) body = encode (request);
  JsonNode *node = json_object_get_member (json_node_get_object (body), member);

  return node != NULL ? json_node_copy (node) : NULL;
}

static void
add_text_message (AdiuvaChatRequest *request,
                  AdiuvaRole         role,
                  const char        *text)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_message_new_text (role, text);

  adiuva_chat_request_add_message (request, message);
}

static void
test_encode_system_messages (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (AdiuvaChatMessage) two_parts = adiuva_chat_message_new (ADIUVA_ROLE_SYSTEM);
  g_autoptr (AdiuvaChatMessage) empty = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "");
  g_autoptr (JsonNode) body = NULL;

  adiuva_chat_message_add_text (two_parts, "You are terse.");
  adiuva_chat_message_add_text (two_parts, "You answer in French.");
  adiuva_chat_request_add_message (request, two_parts);
  add_text_message (request, ADIUVA_ROLE_SYSTEM, "The user is Ada.");
  add_text_message (request, ADIUVA_ROLE_USER, "Hi");
  add_text_message (request, ADIUVA_ROLE_USER, "Are you there?");
  add_text_message (request, ADIUVA_ROLE_ASSISTANT, "Oui.");
  /* In the middle of the conversation: still kept, after the earlier ones. */
  add_text_message (request, ADIUVA_ROLE_SYSTEM, "From now on, answer in English.");
  adiuva_chat_request_add_message (request, empty);
  add_text_message (request, ADIUVA_ROLE_USER, "And now?");
  add_text_message (request, ADIUVA_ROLE_SYSTEM, "Be kind.");

  body = encode (request);
  assert_json_sq (body, "{'model': 'claude-sonnet-4-5', 'max_tokens': 4096,"
                        " 'system': [{'type': 'text', 'text': 'You are terse.'},"
                        "            {'type': 'text', 'text': 'You answer in French.'},"
                        "            {'type': 'text', 'text': 'The user is Ada.'},"
                        "            {'type': 'text', 'text': 'From now on, answer in English.'},"
                        "            {'type': 'text', 'text': 'Be kind.'}],"
                        " 'messages': ["
                        "   {'role': 'user', 'content': [{'type': 'text', 'text': 'Hi'},"
                        "                                {'type': 'text', 'text': 'Are you there?'}]},"
                        "   {'role': 'assistant', 'content': [{'type': 'text', 'text': 'Oui.'}]},"
                        "   {'role': 'user', 'content': [{'type': 'text', 'text': 'And now?'}]}]}");
}

static void
test_encode_images (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "What is in these?");
  g_autoptr (AdiuvaChatMessage) assistant = adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "A cat.");
  g_autoptr (GBytes) png = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
  g_autoptr (JsonNode) messages = NULL;

  adiuva_chat_message_add_image (user, "image/png", png, NULL);
  adiuva_chat_message_add_image (user, "image/jpeg", NULL, "https://example.org/cat.jpg");
  adiuva_chat_message_add_image (user, "image/webp", NULL, "data:image/gif;base64,R0lGODlh");
  /* Anthropic takes no images from the assistant: left out. */
  adiuva_chat_message_add_image (assistant, "image/png", png, NULL);
  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, assistant);

  messages = encode_member (request, "messages");
  assert_json_sq (messages,
                  "[{'role': 'user', 'content': ["
                  "   {'type': 'text', 'text': 'What is in these?'},"
                  "   {'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/png',"
                  "                                'data': 'iVBORw0KGgo='}},"
                  "   {'type': 'image', 'source': {'type': 'url', 'url': 'https://example.org/cat.jpg'}},"
                  "   {'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/gif',"
                  "                                'data': 'R0lGODlh'}}]},"
                  " {'role': 'assistant', 'content': [{'type': 'text', 'text': 'A cat.'}]}]");
}

static void
test_encode_tool_calls (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (AdiuvaChatMessage) call = adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "Let me look.");
  g_autoptr (AdiuvaChatMessage) paris = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "18°C");
  g_autoptr (AdiuvaChatMessage) rome = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "24°C");
  g_autoptr (AdiuvaChatMessage) chart = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "Here:");
  g_autoptr (AdiuvaChatMessage) unnamed = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) by_name = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "2");
  g_autoptr (AdiuvaChatMessage) by_order = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "1");
  g_autoptr (GBytes) png = g_bytes_new_static ("PNG", 3);
  g_autoptr (JsonNode) messages = NULL;

  add_text_message (request, ADIUVA_ROLE_USER, "Weather in Paris and Rome, and a chart?");
  adiuva_chat_message_add_tool_call (call, "toolu_01A", "get_weather", "{\"city\": \"Paris\"}");
  /* Another provider's id with characters Anthropic refuses, and arguments cut short. */
  adiuva_chat_message_add_tool_call (call, "functions.get_weather:1", "get_weather", "{\"city\": \"Ro");
  adiuva_chat_message_add_tool_call (call, "call_9", "draw_chart", NULL);
  adiuva_chat_request_add_message (request, call);
  paris->tool_call_id = g_strdup ("toolu_01A");
  rome->tool_call_id = g_strdup ("functions.get_weather:1");
  chart->tool_call_id = g_strdup ("call_9");
  adiuva_chat_message_add_image (chart, "image/png", png, NULL);
  adiuva_chat_request_add_message (request, paris);
  adiuva_chat_request_add_message (request, rome);
  adiuva_chat_request_add_message (request, chart);
  add_text_message (request, ADIUVA_ROLE_USER, "Thanks. Now count.");

  /* Calls without ids (Gemini, Ollama) and results paired by name, then by order. */
  adiuva_chat_message_add_tool_call (unnamed, NULL, "count", "{\"n\": 1}");
  adiuva_chat_message_add_tool_call (unnamed, NULL, "square", "{\"n\": 2}");
  adiuva_chat_request_add_message (request, unnamed);
  by_name->name = g_strdup ("square");
  adiuva_chat_request_add_message (request, by_name);
  adiuva_chat_request_add_message (request, by_order);

  messages = encode_member (request, "messages");
  assert_json_sq (messages,
                  "[{'role': 'user', 'content': ["
                  "   {'type': 'text', 'text': 'Weather in Paris and Rome, and a chart?'}]},"
                  " {'role': 'assistant', 'content': ["
                  "   {'type': 'text', 'text': 'Let me look.'},"
                  "   {'type': 'tool_use', 'id': 'toolu_01A', 'name': 'get_weather', 'input': {'city': 'Paris'}},"
                  "   {'type': 'tool_use', 'id': 'functions_get_weather_1', 'name': 'get_weather',"
                  "    'input': {'raw_arguments': '{\\'city\\': \\'Ro'}},"
                  "   {'type': 'tool_use', 'id': 'call_9', 'name': 'draw_chart', 'input': {}}]},"
                  " {'role': 'user', 'content': ["
                  "   {'type': 'tool_result', 'tool_use_id': 'toolu_01A', 'content': '18°C'},"
                  "   {'type': 'tool_result', 'tool_use_id': 'functions_get_weather_1', 'content': '24°C'},"
                  "   {'type': 'tool_result', 'tool_use_id': 'call_9', 'content': ["
                  "      {'type': 'text', 'text': 'Here:'},"
                  "      {'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/png',"
                  "                                   'data': 'UE5H'}}]},"
                  "   {'type': 'text', 'text': 'Thanks. Now count.'}]},"
                  " {'role': 'assistant', 'content': ["
                  "   {'type': 'tool_use', 'id': 'toolu_adiuva_6_0', 'name': 'count', 'input': {'n': 1}},"
                  "   {'type': 'tool_use', 'id': 'toolu_adiuva_6_1', 'name': 'square', 'input': {'n': 2}}]},"
                  " {'role': 'user', 'content': ["
                  "   {'type': 'tool_result', 'tool_use_id': 'toolu_adiuva_6_1', 'content': '2'},"
                  "   {'type': 'tool_result', 'tool_use_id': 'toolu_adiuva_6_0', 'content': '1'}]}]");
}

static void
test_encode_orphan_tool_result (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (AdiuvaChatMessage) orphan = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "42");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;

  add_text_message (request, ADIUVA_ROLE_USER, "Hi");
  adiuva_chat_request_add_message (request, orphan);
  body = codec->encode_request (request, &error);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_null (body);
}

static void
test_encode_tools_and_choice (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (JsonNode) schema = parse_sq ("{'type': 'object', 'properties': {'city': {'type': 'string',"
                                          " 'description': 'City name'}}, 'required': ['city']}");
  g_autoptr (JsonNode) tools = NULL;
  g_autoptr (JsonNode) no_tools = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  struct
  {
    AdiuvaToolChoice choice;
    const char      *name;
    const char      *expected;
  } cases[] = {
    { ADIUVA_TOOL_CHOICE_AUTO, NULL, NULL },
    { ADIUVA_TOOL_CHOICE_NONE, NULL, "{'type': 'none'}" },
    { ADIUVA_TOOL_CHOICE_REQUIRED, NULL, "{'type': 'any'}" },
    { ADIUVA_TOOL_CHOICE_NAMED, "get_weather", "{'type': 'tool', 'name': 'get_weather'}" },
  };

  add_text_message (request, ADIUVA_ROLE_USER, "Weather?");

  /* No tools, no tool_choice, whatever it says. */
  request->tool_choice = ADIUVA_TOOL_CHOICE_REQUIRED;
  no_tools = encode_member (request, "tool_choice");
  g_assert_null (no_tools);

  adiuva_chat_request_add_tool (request, "get_weather", "Weather for a city", schema);
  adiuva_chat_request_add_tool (request, "now", NULL, NULL);
  tools = encode_member (request, "tools");
  assert_json_sq (tools, "[{'name': 'get_weather', 'description': 'Weather for a city',"
                         "  'input_schema': {'type': 'object', 'properties': {'city': {'type': 'string',"
                         "                   'description': 'City name'}}, 'required': ['city']}},"
                         " {'name': 'now', 'input_schema': {'type': 'object', 'properties': {}}}]");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) choice = NULL;

      request->tool_choice = cases[i].choice;
      g_free (request->tool_choice_name);
      request->tool_choice_name = g_strdup (cases[i].name);
      choice = encode_member (request, "tool_choice");
      if (cases[i].expected == NULL)
        g_assert_null (choice);
      else
        assert_json_sq (choice, cases[i].expected);
    }

  request->tool_choice = ADIUVA_TOOL_CHOICE_NAMED;
  g_clear_pointer (&request->tool_choice_name, g_free);
  body = codec->encode_request (request, &error);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_null (body);
}

static void
test_encode_sampling (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-haiku-4-5");
  const char *stop[] = { "END", "\n\nHuman:", NULL };
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) clamped = NULL;
  g_autoptr (AdiuvaChatRequest) nameless = adiuva_chat_request_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) none = NULL;

  add_text_message (request, ADIUVA_ROLE_USER, "Hi");
  request->temperature = 0.5;
  request->top_p = 0.9;
  request->max_tokens = 300;
  request->stop = g_strdupv ((GStrv) stop);
  request->stream = TRUE;

  body = encode (request);
  assert_json_sq (body, "{'model': 'claude-haiku-4-5', 'max_tokens': 300,"
                        " 'messages': [{'role': 'user', 'content': [{'type': 'text', 'text': 'Hi'}]}],"
                        " 'temperature': 0.5, 'top_p': 0.9, 'stop_sequences': ['END', '\\n\\nHuman:'],"
                        " 'stream': true}");

  /* OpenAI's range goes to 2, Anthropic's to 1. */
  request->temperature = 1.7;
  clamped = encode_member (request, "temperature");
  g_assert_cmpfloat (json_node_get_double (clamped), ==, 1.0);

  none = codec->encode_request (nameless, &error);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_null (none);
}

static void
test_encode_json_mode (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (JsonNode) object_body = NULL;
  g_autoptr (JsonNode) schema_body = NULL;
  JsonObject *object;

  add_text_message (request, ADIUVA_ROLE_SYSTEM, "You extract contacts.");
  add_text_message (request, ADIUVA_ROLE_USER, "Ada Lovelace, ada@example.org");

  request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_OBJECT;
  object_body = encode (request);
  object = json_node_get_object (object_body);
  g_assert_false (json_object_has_member (object, "output_config"));
  assert_json_sq (json_object_get_member (object, "system"),
                  "[{'type': 'text', 'text': 'You extract contacts.'},"
                  " {'type': 'text', 'text': 'Respond with a single valid JSON object and nothing else: no prose"
                  " before or after it and no Markdown code fences.'}]");

  request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
  request->json_schema = parse_sq ("{'type': 'object', 'properties': {'name': {'type': 'string'}},"
                                   " 'required': ['name'], 'additionalProperties': false}");
  request->json_schema_name = g_strdup ("contact");
  schema_body = encode (request);
  object = json_node_get_object (schema_body);
  assert_json_sq (json_object_get_member (object, "system"),
                  "[{'type': 'text', 'text': 'You extract contacts.'}]");
  assert_json_sq (json_object_get_member (object, "output_config"),
                  "{'format': {'type': 'json_schema', 'schema': {'type': 'object',"
                  " 'properties': {'name': {'type': 'string'}}, 'required': ['name'],"
                  " 'additionalProperties': false}}}");
}

static JsonObject *
encode_object (AdiuvaChatRequest *request,
               JsonNode         **keep)
{
  *keep = encode (request);
  return json_node_get_object (*keep);
}

static void
test_encode_reasoning (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");
  g_autoptr (AdiuvaChatMessage) signed_turn = adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "Checking.");
  g_autoptr (AdiuvaChatMessage) result = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "Mexico");
  g_autoptr (AdiuvaChatRequest) unsigned_request = NULL;
  g_autoptr (AdiuvaChatMessage) unsigned_turn = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (JsonNode) keep = NULL;
  JsonObject *body;
  struct
  {
    AdiuvaReasoningEffort effort;
    gint64                budget;
    gint64                max_tokens;
    gint64                sent_budget; /* 0: thinking off */
    gint64                sent_max_tokens;
  } cases[] = {
    { ADIUVA_REASONING_DEFAULT, 0, 0, 0, 4096 },
    { ADIUVA_REASONING_LOW, 0, 0, 1024, 5120 },
    { ADIUVA_REASONING_MEDIUM, 0, 0, 4096, 8192 },
    { ADIUVA_REASONING_HIGH, 0, 0, 16384, 20480 },
    { ADIUVA_REASONING_DEFAULT, 3000, 0, 3000, 7096 },
    { ADIUVA_REASONING_HIGH, 500, 0, 1024, 5120 },     /* Anthropic's minimum */
    { ADIUVA_REASONING_HIGH, 3000, 4096, 3000, 4096 }, /* an explicit budget fits */
    { ADIUVA_REASONING_DEFAULT, 8000, 4096, 4095, 4096 },
    { ADIUVA_REASONING_HIGH, 0, 10000, 5000, 10000 }, /* an effort takes half at most */
    { ADIUVA_REASONING_MEDIUM, 0, 1500, 0, 1500 },    /* no room for 1024 */
  };

  add_text_message (request, ADIUVA_ROLE_USER, "Largest city in my country?");
  request->temperature = 0.3;
  request->top_p = 0.97;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      JsonObject *thinking;

      request->reasoning = cases[i].effort;
      request->reasoning_budget = cases[i].budget;
      request->max_tokens = cases[i].max_tokens;
      g_clear_pointer (&keep, json_node_unref);
      body = encode_object (request, &keep);

      g_test_message ("case %u", i);
      g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, cases[i].sent_max_tokens);
      if (cases[i].sent_budget == 0)
        {
          g_assert_false (json_object_has_member (body, "thinking"));
          g_assert_cmpfloat (json_object_get_double_member (body, "temperature"), ==, 0.3);
          continue;
        }

      thinking = json_object_get_object_member (body, "thinking");
      g_assert_cmpstr (json_object_get_string_member (thinking, "type"), ==, "enabled");
      g_assert_cmpint (json_object_get_int_member (thinking, "budget_tokens"), ==, cases[i].sent_budget);
      /* Anthropic allows no temperature with thinking, and top_p from 0.95 only. */
      g_assert_false (json_object_has_member (body, "temperature"));
      g_assert_cmpfloat (json_object_get_double_member (body, "top_p"), ==, 0.97);
    }

  request->top_p = 0.5;
  request->max_tokens = 0;
  g_clear_pointer (&keep, json_node_unref);
  body = encode_object (request, &keep);
  g_assert_false (json_object_has_member (body, "top_p"));

  /* A forced call and thinking do not go together: the call wins. */
  adiuva_chat_request_add_tool (request, "get_user_country", "", NULL);
  request->tool_choice = ADIUVA_TOOL_CHOICE_REQUIRED;
  g_clear_pointer (&keep, json_node_unref);
  body = encode_object (request, &keep);
  g_assert_false (json_object_has_member (body, "thinking"));
  request->tool_choice = ADIUVA_TOOL_CHOICE_AUTO;

  /* A signed tool-use turn goes back with its thinking first. */
  signed_turn->reasoning = g_strdup ("I need the country first.");
  signed_turn->reasoning_signature = g_strdup ("EqEECkYICxgC");
  adiuva_chat_message_add_tool_call (signed_turn, "toolu_1", "get_user_country", "{}");
  result->tool_call_id = g_strdup ("toolu_1");
  adiuva_chat_request_add_message (request, signed_turn);
  adiuva_chat_request_add_message (request, result);
  g_clear_pointer (&keep, json_node_unref);
  body = encode_object (request, &keep);
  g_assert_true (json_object_has_member (body, "thinking"));
  assert_json_sq (json_array_get_element (json_object_get_array_member (body, "messages"), 1),
                  "{'role': 'assistant', 'content': ["
                  "  {'type': 'thinking', 'thinking': 'I need the country first.', 'signature': 'EqEECkYICxgC'},"
                  "  {'type': 'text', 'text': 'Checking.'},"
                  "  {'type': 'tool_use', 'id': 'toolu_1', 'name': 'get_user_country', 'input': {}}]}");

  /* A tool-use turn from another provider, without signed thinking: thinking stays off, and
   * reasoning without a signature is not sent back. */
  unsigned_request = adiuva_chat_request_copy (request);
  g_ptr_array_set_size (unsigned_request->messages, 1);
  unsigned_turn->reasoning = g_strdup ("OpenAI reasoning summary");
  adiuva_chat_message_add_tool_call (unsigned_turn, "call_1", "get_user_country", "{}");
  adiuva_chat_request_add_message (unsigned_request, unsigned_turn);
  adiuva_chat_request_add_message (unsigned_request, result);
  g_clear_pointer (&keep, json_node_unref);
  body = encode_object (unsigned_request, &keep);
  g_assert_false (json_object_has_member (body, "thinking"));
  assert_json_sq (json_array_get_element (json_object_get_array_member (body, "messages"), 1),
                  "{'role': 'assistant', 'content': ["
                  "  {'type': 'tool_use', 'id': 'call_1', 'name': 'get_user_country', 'input': {}}]}");
}

/* The parts of a recorded SDK request this codec sets differently but equivalently, made
 * like ours: string content is one text block, consecutive same-role messages are one,
 * defaults are left out (tool_choice auto, stream false, is_error false, tool type custom),
 * and a missing max_tokens is our default. */
static void
normalize_blocks (JsonObject *holder,
                  const char *member)
{
  JsonNode *content = json_object_get_member (holder, member);

  if (content != NULL && JSON_NODE_HOLDS_VALUE (content))
    {
      g_autofree char *text = g_strdup (json_node_get_string (content));
      JsonNode        *blocks = json_from_string ("[{\"type\": \"text\", \"text\": \"\"}]", NULL);

      json_object_set_string_member (json_array_get_object_element (json_node_get_array (blocks), 0), "text",
                                     text);
      json_object_set_member (holder, member, blocks);
      content = blocks;
    }

  for (guint i = 0; content != NULL && i < json_array_get_length (json_node_get_array (content)); i++)
    {
      JsonObject *block = json_array_get_object_element (json_node_get_array (content), i);

      if (json_object_has_member (block, "is_error") && !json_object_get_boolean_member (block, "is_error"))
        json_object_remove_member (block, "is_error");
      if (json_object_has_member (block, "content"))
        {
          JsonNode *inner = json_object_get_member (block, "content");

          /* A tool result's content is a string when it is only text, as the SDKs send it. */
          if (JSON_NODE_HOLDS_ARRAY (inner))
            normalize_blocks (block, "content");
        }
    }
}

static JsonNode *
normalize_request (JsonNode *original)
{
  g_autofree char *text = json_to_string (original, FALSE);
  JsonNode        *node = json_from_string (text, NULL);
  JsonObject      *body = json_node_get_object (node);
  JsonArray       *messages = json_object_get_array_member (body, "messages");
  JsonArray       *merged = json_array_new ();
  JsonObject      *last = NULL;

  if (json_object_has_member (body, "system"))
    normalize_blocks (body, "system");

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      normalize_blocks (message, "content");
      if (last != NULL && strcmp (json_object_get_string_member (last, "role"),
                                  json_object_get_string_member (message, "role")) == 0)
        {
          JsonArray *into = json_object_get_array_member (last, "content");
          JsonArray *from = json_object_get_array_member (message, "content");

          for (guint j = 0; j < json_array_get_length (from); j++)
            json_array_add_element (into, json_node_copy (json_array_get_element (from, j)));
          continue;
        }
      json_array_add_object_element (merged, json_object_ref (message));
      last = message;
    }
  json_object_set_array_member (body, "messages", merged);

  if (json_object_has_member (body, "tools"))
    {
      JsonArray *tools = json_object_get_array_member (body, "tools");

      for (guint i = 0; i < json_array_get_length (tools); i++)
        {
          JsonObject *tool = json_array_get_object_element (tools, i);

          if (g_strcmp0 (json_object_get_string_member_with_default (tool, "type", NULL), "custom") == 0)
            json_object_remove_member (tool, "type");
        }
    }
  if (json_object_has_member (body, "tool_choice"))
    {
      JsonObject *choice = json_object_get_object_member (body, "tool_choice");

      if (strcmp (json_object_get_string_member (choice, "type"), "auto") == 0)
        json_object_remove_member (body, "tool_choice");
    }
  if (json_object_has_member (body, "stream") && !json_object_get_boolean_member (body, "stream"))
    json_object_remove_member (body, "stream");
  if (!json_object_has_member (body, "max_tokens"))
    json_object_set_int_member (body, "max_tokens", 4096);

  return node;
}

/* The request body a fixture's sidecar recorded: langchaingo keeps it as text, pydantic-ai
 * as JSON. */
static JsonNode *
load_recorded_request (const char *meta_name)
{
  g_autoptr (JsonNode) meta = load_json_fixture (meta_name);
  JsonObject *object = json_node_get_object (meta);

  if (json_object_has_member (object, "request_body"))
    return json_from_string (json_object_get_string_member (object, "request_body"), NULL);

  return json_node_copy (json_object_get_member (json_object_get_object_member (object, "request"), "body"));
}

static void
assert_encodes_like_recorded (AdiuvaChatRequest *request,
                              const char        *meta_name)
{
  g_autoptr (JsonNode) recorded = load_recorded_request (meta_name);
  g_autoptr (JsonNode) expected = normalize_request (recorded);
  g_autoptr (JsonNode) body = encode (request);

  g_test_message ("%s", meta_name);
  assert_json_equal (body, expected);
}

static AdiuvaChatMessage *
decode_fixture_answer (const char *name)
{
  g_autoptr (JsonNode) body = load_json_fixture (name);
  g_autoptr (GError) error = NULL;
  Sink               sink;
  AdiuvaChatMessage *message;

  sink_init (&sink);
  g_assert_true (codec->decode_response (body, collect_cb, &sink, &error));
  g_assert_no_error (error);
  message = adiuva_chat_accumulator_dup_message (sink.acc);
  sink_clear (&sink);
  return message;
}

static void
test_encode_like_recorded (void)
{
  g_autoptr (JsonNode) weather_schema = NULL;
  g_autoptr (JsonNode) country_schema = NULL;
  g_autoptr (JsonNode) redacted_body = NULL;

  if (!have_fixtures ())
    return;

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-3-opus-20240229");

    add_text_message (request, ADIUVA_ROLE_USER, "Hello, how are you?");
    request->max_tokens = 100;
    request->temperature = 0;
    assert_encodes_like_recorded (request, "langchaingo-extracted/TestClient_CreateMessage_0_200.meta.json");

    g_ptr_array_set_size (request->messages, 0);
    add_text_message (request, ADIUVA_ROLE_USER, "Count from 1 to 5");
    request->stream = TRUE;
    assert_encodes_like_recorded (request, "langchaingo-extracted/TestClient_CreateMessageStream_0_200.meta.json");

    g_ptr_array_set_size (request->messages, 0);
    add_text_message (request, ADIUVA_ROLE_USER, "What's the weather like?");
    request->stream = FALSE;
    weather_schema = parse_sq ("{'properties': {'location': {'description': 'The location to get weather for',"
                               " 'type': 'string'}}, 'required': ['location'], 'type': 'object'}");
    adiuva_chat_request_add_tool (request, "get_weather", "Get the weather for a location", weather_schema);
    assert_encodes_like_recorded (request,
                                  "langchaingo-extracted/TestClient_WithAnthropicBetaHeader_0_200.meta.json");
  }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-0");
    g_autoptr (AdiuvaChatMessage) answer =
        decode_fixture_answer ("pydantic-ai-extracted/tool_with_thinking_0_200.json");
    g_autoptr (AdiuvaChatMessage) result = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "Mexico");

    add_text_message (request, ADIUVA_ROLE_USER, "What is the largest city in the user country?");
    request->max_tokens = 4096;
    request->reasoning_budget = 3000;
    country_schema = parse_sq ("{'additionalProperties': false, 'properties': {}, 'type': 'object'}");
    adiuva_chat_request_add_tool (request, "get_user_country", "", country_schema);
    assert_encodes_like_recorded (request, "pydantic-ai-extracted/tool_with_thinking_0_200.meta.json");

    /* The decoded answer goes back as it came: thinking, signature, text, the call's id. */
    result->tool_call_id = g_strdup (((AdiuvaToolCall *) g_ptr_array_index (answer->tool_calls, 0))->id);
    adiuva_chat_request_add_message (request, answer);
    adiuva_chat_request_add_message (request, result);
    assert_encodes_like_recorded (request, "pydantic-ai-extracted/tool_with_thinking_1_200.meta.json");
  }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-0");

    add_text_message (request, ADIUVA_ROLE_USER, "How do I cross the street?");
    request->max_tokens = 4096;
    request->reasoning = ADIUVA_REASONING_LOW;
    request->stream = TRUE;
    assert_encodes_like_recorded (request, "pydantic-ai-extracted/thinking_part_stream_0_200.meta.json");
  }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5-20250929");
    JsonObject *message;

    /* The trigger text is taken from the recording rather than written here. */
    redacted_body = load_recorded_request ("pydantic-ai-extracted/thinking_part_redacted_stream_0_200.meta.json");
    message = json_array_get_object_element (json_object_get_array_member (json_node_get_object (redacted_body),
                                                                           "messages"),
                                             0);
    message = json_array_get_object_element (json_object_get_array_member (message, "content"), 0);
    add_text_message (request, ADIUVA_ROLE_USER, json_object_get_string_member (message, "text"));
    request->max_tokens = 4096;
    request->reasoning_budget = 1024;
    request->stream = TRUE;
    assert_encodes_like_recorded (request, "pydantic-ai-extracted/thinking_part_redacted_stream_0_200.meta.json");
  }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("claude-sonnet-4-5");

    add_text_message (request, ADIUVA_ROLE_USER, "What is 1+1? Answer with just the number.");
    request->max_tokens = 32000;
    request->stream = TRUE;
    assert_encodes_like_recorded (request,
                                  "pydantic-ai-extracted/stream_fallback_high_max_tokens_0_200.meta.json");
  }
}

/* Every recorded request, read by decode_request and written again by encode_request, is
 * the same request. */
static void
assert_request_round_trip (JsonNode   *recorded,
                           const char *what)
{
  g_autoptr (JsonNode) expected = normalize_request (recorded);
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;

  g_test_message ("%s", what);
  request = codec->decode_request (recorded, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  body = encode (request);
  assert_json_equal (body, expected);
}

static void
test_request_round_trip_recorded (void)
{
  const char *metas[] = {
    "langchaingo-extracted/TestClient_CreateMessage_0_200.meta.json",
    "langchaingo-extracted/TestClient_CreateMessageStream_0_200.meta.json",
    "langchaingo-extracted/TestClient_WithAnthropicBetaHeader_0_200.meta.json",
    "pydantic-ai-extracted/count_tokens_error_0_404.meta.json",
    "pydantic-ai-extracted/stream_fallback_high_max_tokens_0_200.meta.json",
    "pydantic-ai-extracted/thinking_part_redacted_stream_0_200.meta.json",
    "pydantic-ai-extracted/thinking_part_stream_0_200.meta.json",
    "pydantic-ai-extracted/tool_with_thinking_0_200.meta.json",
    "pydantic-ai-extracted/tool_with_thinking_1_200.meta.json",
  };
  g_autoptr (JsonNode) runner = NULL;
  JsonArray *interactions;

  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (metas); i++)
    {
      g_autoptr (JsonNode) recorded = load_recorded_request (metas[i]);

      assert_request_round_trip (recorded, metas[i]);
    }

  runner = load_json_fixture ("sdkts_ToolRunner_nock_recording.json");
  interactions = json_node_get_array (runner);
  g_assert_cmpuint (json_array_get_length (interactions), >, 0);
  for (guint i = 0; i < json_array_get_length (interactions); i++)
    {
      JsonObject      *interaction = json_array_get_object_element (interactions, i);
      g_autofree char *what = g_strdup_printf ("ToolRunner request %u", i);

      assert_request_round_trip (json_object_get_member (interaction, "body"), what);
    }
}

/* Non-streamed answers */

/* The naive reading of a recorded message. */
static char *
describe_recorded_message (JsonObject *message)
{
  JsonArray  *content = json_object_get_array_member (message, "content");
  JsonObject *usage = json_object_get_object_member (message, "usage");
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) calls = g_string_new (NULL);
  const char        *reasoning = "";
  const char        *signature = "";
  const char        *stop = json_object_get_string_member (message, "stop_reason");
  AdiuvaFinishReason finish = strcmp (stop, "tool_use") == 0     ? ADIUVA_FINISH_TOOL_CALLS
                              : strcmp (stop, "max_tokens") == 0 ? ADIUVA_FINISH_LENGTH
                                                                 : ADIUVA_FINISH_STOP;
  guint              n_calls = 0;

  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      JsonObject *block = json_array_get_object_element (content, i);
      const char *type = json_object_get_string_member (block, "type");

      if (strcmp (type, "text") == 0)
        g_string_append (text, json_object_get_string_member (block, "text"));
      else if (strcmp (type, "thinking") == 0)
        {
          reasoning = json_object_get_string_member (block, "thinking");
          signature = json_object_get_string_member (block, "signature");
        }
      else if (strcmp (type, "tool_use") == 0)
        {
          g_autofree char *input = json_to_string (json_object_get_member (block, "input"), FALSE);

          g_string_append_printf (calls, "call %u: %s %s %s\n", n_calls++,
                                  json_object_get_string_member (block, "id"),
                                  json_object_get_string_member (block, "name"), input);
        }
    }

  return g_strdup_printf ("text: %s\nreasoning: %s\nsignature: %s\n%sfinish: %d\nusage: %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " -1\n",
                          text->str, reasoning, signature, calls->str, finish,
                          json_object_get_int_member (usage, "input_tokens") +
                              json_object_get_int_member (usage, "cache_read_input_tokens") +
                              json_object_get_int_member (usage, "cache_creation_input_tokens"),
                          json_object_get_int_member (usage, "output_tokens"),
                          json_object_get_int_member (usage, "cache_read_input_tokens"));
}

static void
assert_decodes_like_recorded (JsonNode   *body,
                              const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *expected = describe_recorded_message (json_node_get_object (body));

  g_test_message ("%s", what);
  actual = describe_response (body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (actual, ==, expected);
}

static void
test_decode_response_recorded (void)
{
  const char *bodies[] = {
    "langchaingo-extracted/TestClient_CreateMessage_0_200.json",
    "langchaingo-extracted/TestClient_WithAnthropicBetaHeader_0_200.json",
    "pydantic-ai-extracted/tool_with_thinking_0_200.json",
    "pydantic-ai-extracted/tool_with_thinking_1_200.json",
  };
  g_autoptr (JsonNode) runner = NULL;
  JsonArray *interactions;
  guint      n_parallel = 0;

  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (JsonNode) body = load_json_fixture (bodies[i]);

      assert_decodes_like_recorded (body, bodies[i]);
    }

  runner = load_json_fixture ("sdkts_ToolRunner_nock_recording.json");
  interactions = json_node_get_array (runner);
  for (guint i = 0; i < json_array_get_length (interactions); i++)
    {
      JsonObject      *interaction = json_array_get_object_element (interactions, i);
      JsonNode        *response = json_object_get_member (interaction, "response");
      g_autofree char *what = g_strdup_printf ("ToolRunner response %u", i);
      g_autoptr (AdiuvaChatMessage) message = NULL;
      g_autoptr (GError) error = NULL;
      Sink sink;

      assert_decodes_like_recorded (response, what);

      sink_init (&sink);
      g_assert_true (codec->decode_response (response, collect_cb, &sink, &error));
      message = adiuva_chat_accumulator_dup_message (sink.acc);
      if (message->tool_calls->len > 1)
        n_parallel++;
      sink_clear (&sink);
    }
  g_assert_cmpuint (n_parallel, >, 0);

  /* A few facts in words, beside the naive reading. */
  {
    g_autoptr (JsonNode) body = load_json_fixture ("pydantic-ai-extracted/tool_with_thinking_0_200.json");
    g_autoptr (GError) error = NULL;
    g_autoptr (AdiuvaChatMessage) message = NULL;
    const AdiuvaToolCall *call;
    const AdiuvaUsage    *usage;
    Sink                  sink;

    sink_init (&sink);
    g_assert_true (codec->decode_response (body, collect_cb, &sink, &error));
    message = adiuva_chat_accumulator_dup_message (sink.acc);
    g_assert_true (g_str_has_prefix (message->reasoning, "The user is asking about the largest city"));
    g_assert_true (g_str_has_prefix (message->reasoning_signature, "EqEECkYICxgCKkAo3UA4"));
    g_assert_cmpuint (message->tool_calls->len, ==, 1);
    call = g_ptr_array_index (message->tool_calls, 0);
    g_assert_cmpstr (call->id, ==, "toolu_01YGzqpRE16Vricda3Aqcejo");
    g_assert_cmpstr (call->name, ==, "get_user_country");
    g_assert_cmpstr (call->arguments, ==, "{}");
    g_assert_cmpint (adiuva_chat_accumulator_get_finish (sink.acc), ==, ADIUVA_FINISH_TOOL_CALLS);
    usage = adiuva_chat_accumulator_get_usage (sink.acc);
    g_assert_cmpint (usage->input_tokens, ==, 398);
    g_assert_cmpint (usage->output_tokens, ==, 155);
    g_assert_cmpint (usage->cached_input_tokens, ==, 0);
    sink_clear (&sink);
  }
}

static void
test_decode_response_written (void)
{
  struct
  {
    const char        *body;
    const char        *expected; /* NULL: an error */
    AdiuvaGatewayError code;
  } cases[] = {
    /* Cache reads and writes count as input; unknown blocks and fields are ignored. */
    { "{'type': 'message', 'content': [{'type': 'redacted_thinking', 'data': 'EmwKAhgB'},"
      " {'type': 'server_tool_use', 'id': 'srvtoolu_1', 'name': 'web_search', 'input': {'query': 'x'}},"
      " {'type': 'text', 'text': 'Hi', 'citations': null, 'future': 1},"
      " {'type': 'tool_use', 'id': 't1', 'name': 'a', 'input': {'x': [1, 2]}},"
      " {'type': 'tool_use', 'id': 't2', 'name': 'b'}],"
      " 'stop_reason': 'refusal', 'usage': {'input_tokens': 10, 'cache_read_input_tokens': 100,"
      " 'cache_creation_input_tokens': 5, 'output_tokens': 7,"
      " 'output_tokens_details': {'thinking_tokens': 3}}}",
      "text: Hi\nreasoning: \nsignature: \ncall 0: t1 a {\"x\":[1,2]}\ncall 1: t2 b {}\n"
      "finish: 4\nusage: 115 7 100 3\n",
      0 },
    { "{'content': [], 'stop_reason': 'model_context_window_exceeded'}",
      "text: \nreasoning: \nsignature: \nfinish: 2\nusage: -1 -1 -1 -1\n", 0 },
    { "{'content': [{'type': 'text', 'text': 'a'}], 'stop_reason': 'pause_turn'}",
      "text: a\nreasoning: \nsignature: \nfinish: 1\nusage: -1 -1 -1 -1\n", 0 },
    { "{'content': [], 'stop_reason': null}",
      "text: \nreasoning: \nsignature: \nfinish: 0\nusage: -1 -1 -1 -1\n", 0 },
    { "[1, 2]", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'type': 'message'}", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'content': {'type': 'text'}}", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'content': [42]}", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'content': [{'text': 'no type'}]}", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'content': [{'type': 'text', 'text': 5}]}", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'content': [{'type': 'tool_use', 'name': 'a', 'input': {}}]}", NULL, ADIUVA_GATEWAY_ERROR_PROTOCOL },
    { "{'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}", NULL,
      ADIUVA_GATEWAY_ERROR_OVERLOADED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) body = parse_sq (cases[i].body);
      g_autoptr (GError) error = NULL;
      g_autofree char *actual = NULL;

      g_test_message ("case %u", i);
      actual = describe_response (body, &error);
      if (cases[i].expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (actual, ==, cases[i].expected);
        }
      else
        g_assert_error (error, ADIUVA_GATEWAY_ERROR, cases[i].code);
    }
}

/* Streams */

typedef struct
{
  const char        *file;
  gboolean           complete;
  AdiuvaGatewayError code; /* when not complete */
  const char        *text;
  const char        *reasoning_prefix;
  const char        *signature_prefix;
  const char        *call; /* "id name" of the first call */
  const char        *arguments_prefix;
  AdiuvaFinishReason finish;
  AdiuvaUsage        usage;
} StreamCase;

static const StreamCase stream_cases[] = {
  {
      .file = "sdkpy_basic_response.sse",
      .complete = TRUE,
      .text = "Hello there!",
      .finish = ADIUVA_FINISH_STOP,
      .usage = { 11, 6, -1, -1 },
  },
  {
      .file = "sdkpy_fable_stream_a_refusal_thinking_signature.sse",
      .complete = TRUE,
      .text = "Hi",
      .reasoning_prefix = "Simple educational question",
      .signature_prefix = "c3ludGhldGljLXNpZ25hdHVyZS1maXh0dXJl",
      .finish = ADIUVA_FINISH_CONTENT_FILTER,
      .usage = { 28, 106, 0, 67 },
  },
  {
      .file = "sdkpy_incomplete_partial_json_response.sse",
      .complete = TRUE,
      .call = "toolu_01EKqbqmZrGRXy18eN7m9kvY make_file",
      .arguments_prefix = "{\"filename\": \"taxes.txt\", \"lines_of_text\": [",
      .finish = ADIUVA_FINISH_LENGTH,
      .usage = { 450, 124, 0, -1 },
  },
  {
      .file = "sdkpy_refusal_response.sse",
      .complete = TRUE,
      .text = "",
      .finish = ADIUVA_FINISH_CONTENT_FILTER,
      .usage = { 20, 0, -1, -1 },
  },
  {
      .file = "sdkpy_tool_use_response.sse",
      .complete = TRUE,
      .text = "I'll check the current weather in Paris for you.",
      .call = "toolu_01NRLabsLyVHZPKxbKvkfSMn get_weather",
      .arguments_prefix = "{\"location\": \"Paris\"}",
      .finish = ADIUVA_FINISH_TOOL_CALLS,
      .usage = { 377, 65, 0, -1 },
  },
  {
      .file = "sdkts_streaming_test_overloaded_error_event.sse",
      .code = ADIUVA_GATEWAY_ERROR_OVERLOADED,
      .text = "",
      .finish = ADIUVA_FINISH_NONE,
      .usage = { -1, -1, -1, -1 },
  },
  /* A fragment from production logs: the signature is kept, the stream never ended. */
  {
      .file = "plano_signature_delta_production.sse",
      .code = ADIUVA_GATEWAY_ERROR_PROTOCOL,
      .text = "",
      .signature_prefix = "ErECCkYIChgCKkC7lAf",
      .finish = ADIUVA_FINISH_NONE,
      .usage = { -1, -1, -1, -1 },
  },
  {
      .file = "langchaingo-extracted/TestClient_CreateMessageStream_0_200.sse",
      .complete = TRUE,
      .text = "1\n2\n3\n4\n5",
      .finish = ADIUVA_FINISH_STOP,
      .usage = { 15, 13, 0, -1 },
  },
  {
      .file = "pydantic-ai-extracted/stream_fallback_high_max_tokens_0_200.sse",
      .complete = TRUE,
      .text = "2",
      .finish = ADIUVA_FINISH_STOP,
      .usage = { 20, 5, 0, -1 },
  },
  /* Two redacted_thinking blocks, left out, then text. */
  {
      .file = "pydantic-ai-extracted/thinking_part_redacted_stream_0_200.sse",
      .complete = TRUE,
      .finish = ADIUVA_FINISH_STOP,
      .usage = { 92, 189, 0, -1 },
  },
  {
      .file = "pydantic-ai-extracted/thinking_part_stream_0_200.sse",
      .complete = TRUE,
      .reasoning_prefix = "This is a straightforward question",
      .signature_prefix = "EvMCCkYICxgCKkCHP2cSuEdcJK",
      .finish = ADIUVA_FINISH_STOP,
      .usage = { 43, 282, 0, -1 },
  },
};

static void
assert_stream_case (const StreamCase *c,
                    const char       *data,
                    Sink             *sink,
                    GError           *error)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_accumulator_dup_message (sink->acc);
  g_autofree char   *text = adiuva_chat_message_dup_text (message);
  const AdiuvaUsage *usage = adiuva_chat_accumulator_get_usage (sink->acc);
  Reference          ref;

  if (c->complete)
    g_assert_no_error (error);
  else
    g_assert_error (error, ADIUVA_GATEWAY_ERROR, c->code);

  /* The whole content against the naive reading, then facts in words. */
  read_reference (data, &ref);
  g_assert_cmpstr (text, ==, ref.text->str);
  g_assert_cmpstr (message->reasoning != NULL ? message->reasoning : "", ==, ref.reasoning->str);
  g_assert_cmpstr (message->reasoning_signature != NULL ? message->reasoning_signature : "", ==,
                   ref.signature->str);
  g_assert_cmpuint (message->tool_calls->len, ==, ref.arguments->len);
  for (guint i = 0; i < ref.arguments->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      GString              *arguments = g_ptr_array_index (ref.arguments, i);

      g_assert_cmpstr (call->id, ==, g_ptr_array_index (ref.ids, i));
      g_assert_cmpstr (call->arguments, ==, arguments->len > 0 ? arguments->str : "{}");
    }
  g_assert_cmpint (ref.stopped, ==, c->complete);
  reference_clear (&ref);

  if (c->text != NULL)
    g_assert_cmpstr (text, ==, c->text);
  if (c->reasoning_prefix != NULL)
    g_assert_true (g_str_has_prefix (message->reasoning, c->reasoning_prefix));
  if (c->signature_prefix != NULL)
    g_assert_true (g_str_has_prefix (message->reasoning_signature, c->signature_prefix));
  if (c->call != NULL)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, 0);
      g_autofree char      *id_name = g_strdup_printf ("%s %s", call->id, call->name);

      g_assert_cmpstr (id_name, ==, c->call);
      g_assert_true (g_str_has_prefix (call->arguments, c->arguments_prefix));
    }
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (sink->acc), ==, c->finish);
  g_assert_cmpint (usage->input_tokens, ==, c->usage.input_tokens);
  g_assert_cmpint (usage->output_tokens, ==, c->usage.output_tokens);
  g_assert_cmpint (usage->cached_input_tokens, ==, c->usage.cached_input_tokens);
  g_assert_cmpint (usage->reasoning_tokens, ==, c->usage.reasoning_tokens);
}

static void
test_stream_recorded (void)
{
  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      const StreamCase *c = &stream_cases[i];
      gsize             len;
      g_autofree char  *data = load_fixture (c->file, &len);
      g_autoptr (GError) whole_error = NULL;
      g_autoptr (GError) byte_error = NULL;
      g_autofree char *whole = NULL;
      g_autofree char *bytewise = NULL;
      Sink             sink;

      g_test_message ("%s", c->file);

      sink_init (&sink);
      decode_stream (data, len, G_MAXSIZE, 0, &sink, &whole_error);
      assert_stream_case (c, data, &sink, whole_error);
      whole = describe (sink.acc);
      sink_clear (&sink);

      sink_init (&sink);
      decode_stream (data, len, G_MAXSIZE, 1, &sink, &byte_error);
      bytewise = describe (sink.acc);
      sink_clear (&sink);
      g_assert_cmpstr (bytewise, ==, whole);
      g_assert_true ((byte_error == NULL) == (whole_error == NULL));

      /* Cut in two at every byte: the same answer each time. */
      for (gsize split = 0; split <= len; split++)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *description = NULL;

          sink_init (&sink);
          decode_stream (data, len, split, 0, &sink, &error);
          description = describe (sink.acc);
          sink_clear (&sink);

          if (g_strcmp0 (description, whole) != 0)
            g_test_message ("split at %" G_GSIZE_FORMAT, split);
          g_assert_cmpstr (description, ==, whole);
          if (whole_error != NULL)
            g_assert_error (error, whole_error->domain, whole_error->code);
          else
            g_assert_no_error (error);
        }
    }
}

/* The same stream with every event's JSON spelled differently (pretty-printed over several
 * data lines), so that each one takes the JSON parser rather than the compact fast path. */
static char *
respell_stream (const char *data)
{
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autofree char *pretty = NULL;
      g_auto (GStrv) pretty_lines = NULL;

      if (!g_str_has_prefix (lines[i], "data: "))
        {
          g_string_append (out, lines[i]);
          if (lines[i + 1] != NULL)
            g_string_append_c (out, '\n');
          continue;
        }

      node = json_from_string (lines[i] + strlen ("data: "), NULL);
      g_assert_nonnull (node);
      pretty = json_to_string (node, TRUE);
      pretty_lines = g_strsplit (pretty, "\n", -1);
      for (guint j = 0; pretty_lines[j] != NULL; j++)
        g_string_append_printf (out, "data: %s\n", pretty_lines[j]);
    }

  return g_string_free (out, FALSE);
}

static void
test_stream_respelled (void)
{
  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      const StreamCase *c = &stream_cases[i];
      gsize             len;
      g_autofree char  *data = load_fixture (c->file, &len);
      g_autofree char  *respelled = respell_stream (data);
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) respelled_error = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *actual = NULL;

      g_test_message ("%s", c->file);
      g_assert_cmpstr (respelled, !=, data);
      expected = describe_stream (data, len, &error);
      actual = describe_stream (respelled, strlen (respelled), &respelled_error);
      g_assert_cmpstr (actual, ==, expected);
      g_assert_true ((error == NULL) == (respelled_error == NULL));
    }
}

/* The compact form with escapes, read by the fast path itself, and its near misses. */
#define TEXT_DELTA "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"

static void
test_stream_escapes (void)
{
  struct
  {
    const char *event;
    const char *text; /* NULL: PROTOCOL */
  } cases[] = {
    { TEXT_DELTA "\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"}}", "a\"b\\c/d\n\t\r\b\f" },
    { TEXT_DELTA "\"\\u00e9\\u20AC \\ud83d\\ude00!\"}}", "é€ 😀!" },
    { TEXT_DELTA "\"plain ünïcödé\"}}  \t ", "plain ünïcödé" },
    { TEXT_DELTA "\"\"}}", "" },
    /* Valid JSON in other spellings: the parser reads them the same. */
    { "{\"type\": \"content_block_delta\", \"index\": 0,"
      " \"delta\": {\"type\": \"text_delta\", \"text\": \"spaced\"}}",
      "spaced" },
    { TEXT_DELTA "\"x\",\"extra\":1}}", "x" },
    { "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"text\":\"first\",\"type\":\"text_delta\"}}",
      "first" },
    /* A raw tab and an unknown escape are not JSON, but json-glib reads them, and the fast
     * path leaves them to json-glib. */
    { TEXT_DELTA "\"a\tb\"}}", "a\tb" },
    { TEXT_DELTA "\"a\\qb\"}}", "aqb" },
    /* Broken: a lone surrogate, a cut string, junk after, an index out of range. */
    { TEXT_DELTA "\"\\ud83d\"}}", NULL },
    { TEXT_DELTA "\"ab", NULL },
    { TEXT_DELTA "\"ab\\", NULL },
    { TEXT_DELTA "\"ab\"}}}", NULL },
    { TEXT_DELTA "\"ab\"}} x", NULL },
    { "{\"type\":\"content_block_delta\",\"index\":99999999999,"
      "\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}",
      NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = sse ("{'type':'message_start','message':{}}",
                                   "{'type':'content_block_start','index':0,"
                                   "'content_block':{'type':'text','text':''}}",
                                   NULL);
      g_autofree char *whole = g_strdup_printf ("%sdata: %s\n\ndata: {\"type\":\"message_stop\"}\n\n", body,
                                                cases[i].event);
      g_autoptr (GError) error = NULL;
      g_autofree char *description = describe_stream (whole, strlen (whole), &error);
      g_autofree char *expected = NULL;

      g_test_message ("case %u", i);
      if (cases[i].text == NULL)
        {
          g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
          continue;
        }

      expected = g_strdup_printf ("text: %s\nreasoning: \nsignature: \nfinish: 0\nusage: -1 -1 -1 -1\n",
                                  cases[i].text);
      g_assert_no_error (error);
      g_assert_cmpstr (description, ==, expected);
    }
}

static gboolean
is_prefix (const char *prefix,
           const char *text)
{
  return g_str_has_prefix (text != NULL ? text : "", prefix != NULL ? prefix : "");
}

/* A body cut anywhere is PROTOCOL at finish, unless it already holds message_stop, and
 * what arrived before the cut is kept. */
static void
test_stream_cut (void)
{
  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      const StreamCase *c = &stream_cases[i];
      gsize             len;
      g_autofree char  *data = load_fixture (c->file, &len);
      g_autoptr (AdiuvaChatMessage) full = NULL;
      const char *stop;
      gsize       stop_end;
      gsize       step = len > 4096 ? 7 : 1;
      Sink        sink;

      if (!c->complete)
        continue;

      sink_init (&sink);
      g_assert_true (decode_stream (data, len, G_MAXSIZE, 0, &sink, NULL));
      full = adiuva_chat_accumulator_dup_message (sink.acc);
      sink_clear (&sink);

      /* message_stop ends the answer once its data line is whole. */
      stop = strstr (data, "data: {\"type\":\"message_stop\"");
      g_assert_nonnull (stop);
      stop_end = strchr (stop, '}') - data + 1;

      g_test_message ("%s", c->file);
      for (gsize cut = 0; cut < len; cut += step)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (AdiuvaChatMessage) partial = NULL;
          g_autofree char *full_text = adiuva_chat_message_dup_text (full);
          g_autofree char *partial_text = NULL;
          gboolean         ok;

          sink_init (&sink);
          ok = decode_stream (data, cut, G_MAXSIZE, 0, &sink, &error);
          partial = adiuva_chat_accumulator_dup_message (sink.acc);
          partial_text = adiuva_chat_message_dup_text (partial);
          sink_clear (&sink);

          if (cut >= stop_end)
            {
              g_assert_no_error (error);
              g_assert_true (ok);
            }
          else
            {
              g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
              g_assert_false (ok);
            }

          g_assert_true (is_prefix (partial_text, full_text));
          g_assert_true (is_prefix (partial->reasoning, full->reasoning));
          g_assert_true (is_prefix (partial->reasoning_signature, full->reasoning_signature));
          g_assert_cmpuint (partial->tool_calls->len, <=, full->tool_calls->len);
          for (guint j = 0; j < partial->tool_calls->len; j++)
            {
              const AdiuvaToolCall *a = g_ptr_array_index (partial->tool_calls, j);
              const AdiuvaToolCall *b = g_ptr_array_index (full->tool_calls, j);

              g_assert_cmpstr (a->id, ==, b->id);
              g_assert_true (strcmp (a->arguments, "{}") == 0 || is_prefix (a->arguments, b->arguments));
            }
        }
    }
}

static void
test_stream_truncated_text (void)
{
  g_autofree char *body = sse ("{'type':'message_start','message':{'id':'msg_1','type':'message',"
                               "'role':'assistant','content':[],'usage':{'input_tokens':9,'output_tokens':1}}}",
                               TEXT_START,
                               "{'type':'content_block_delta','index':0,"
                               "'delta':{'type':'text_delta','text':'The answer '}}",
                               "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'is 4",
                               NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *description = describe_stream (body, strlen (body) - 2, &error);

  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_cmpstr (description, ==, "text: The answer \nreasoning: \nsignature: \nfinish: 0\nusage: 9 1 -1 -1\n");
}

static void
test_stream_error_events (void)
{
  g_autofree char *start = sse ("{'type':'message_start',"
                                "'message':{'usage':{'input_tokens':5,'output_tokens':1}}}",
                                TEXT_START,
                                "{'type':'content_block_delta','index':0,"
                                "'delta':{'type':'text_delta','text':'Partial'}}",
                                NULL);
  struct
  {
    const char        *type;
    const char        *message;
    AdiuvaGatewayError code;
    const char        *words;
  } cases[] = {
    { "overloaded_error", "Overloaded", ADIUVA_GATEWAY_ERROR_OVERLOADED, "Overloaded" },
    { "rate_limit_error", "Slow down", ADIUVA_GATEWAY_ERROR_RATE_LIMITED, "Slow down" },
    { "api_error", "Internal server error", ADIUVA_GATEWAY_ERROR_SERVER, "Internal server error" },
    { "authentication_error", "invalid x-api-key", ADIUVA_GATEWAY_ERROR_AUTH, "invalid x-api-key" },
    { "permission_error", "No access", ADIUVA_GATEWAY_ERROR_AUTH, "No access" },
    { "invalid_request_error", "prompt is too long", ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "prompt is too long" },
    { "timeout_error", "Timed out", ADIUVA_GATEWAY_ERROR_SERVER, "Timed out" },
    { "brand_new_error", NULL, ADIUVA_GATEWAY_ERROR_SERVER, "brand_new_error" },
    { NULL, NULL, ADIUVA_GATEWAY_ERROR_SERVER, "(500)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *event = NULL;
      g_autofree char *body = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *description = NULL;

      if (cases[i].type == NULL)
        event = g_strdup ("{\"type\":\"error\"}");
      else if (cases[i].message == NULL)
        event = g_strdup_printf ("{\"type\":\"error\",\"error\":{\"type\":\"%s\"}}", cases[i].type);
      else
        event = g_strdup_printf ("{\"type\":\"error\",\"error\":{\"type\":\"%s\",\"message\":\"%s\"}}",
                                 cases[i].type, cases[i].message);
      body = g_strdup_printf ("%sevent: error\ndata: %s\n\n", start, event);
      description = describe_stream (body, strlen (body), &error);

      g_assert_error (error, ADIUVA_GATEWAY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].words));
      g_assert_true (g_str_has_prefix (description, "text: Partial\n"));
    }
}

/* Events in an order or shape Anthropic does not send, and bytes that are no stream. */
static void
test_stream_garbage (void)
{
  const char *protocol_errors[] = {
    "not json",
    "[1, 2]",
    "{'no':'type'}",
    "{'type':'message_start'}",
    "{'type':'content_block_start','content_block':{'type':'text','text':''}}",
    "{'type':'content_block_start','index':0}",
    "{'type':'content_block_start','index':99999999,'content_block':{'type':'text'}}",
    "{'type':'content_block_start','index':-1,'content_block':{'type':'text'}}",
    "{'type':'content_block_start','index':0,'content_block':{'type':'tool_use','id':'t'}}",
    "{'type':'content_block_delta','index':3,'delta':{'type':'input_json_delta','partial_json':'{'}}",
    "{'type':'content_block_delta','index':0}",
    "{'type':'content_block_delta','index':'0','delta':{'type':'text_delta','text':'x'}}",
    "{'type':'message_start','message':{}}",
  };
  const char *raw_errors[] = {
    "",
    "\n\n\n",
    ": just a comment\n\n",
    "event: ping\ndata: {\"type\": \"ping\"}\n\n",
    "\xff\xfe garbage\x01\x02",
  };

  for (guint i = 0; i < G_N_ELEMENTS (protocol_errors); i++)
    {
      g_autofree char *body = sse (protocol_errors[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autofree char *description = describe_stream (body, strlen (body), &error);

      g_test_message ("event %u", i);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (raw_errors); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *description = describe_stream (raw_errors[i], strlen (raw_errors[i]), &error);

      g_test_message ("body %u", i);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    }

  /* Tool input for a block that is no tool_use. */
  {
    g_autofree char *body = sse (TEXT_START,
                                 "{'type':'content_block_delta','index':0,"
                                 "'delta':{'type':'input_json_delta','partial_json':'{'}}",
                                 NULL);
    g_autoptr (GError) error = NULL;
    g_autofree char *description = describe_stream (body, strlen (body), &error);

    g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  }

  /* Feeding after a failure is refused, not a crash. */
  {
    AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();
    const char          *broken = "data: {\n\n";
    const char          *fine = "data: {}\n\n";
    g_autoptr (GError) first = NULL;
    g_autoptr (GError) second = NULL;
    g_autoptr (GError) third = NULL;
    Sink sink;

    sink_init (&sink);
    g_assert_false (codec->stream_decoder_feed (decoder, (const guint8 *) broken, strlen (broken), collect_cb,
                                                &sink, &first));
    g_assert_error (first, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    g_assert_false (codec->stream_decoder_feed (decoder, (const guint8 *) fine, strlen (fine), collect_cb, &sink,
                                                &second));
    g_assert_error (second, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    g_assert_false (codec->stream_decoder_finish (decoder, collect_cb, &sink, &third));
    g_assert_error (third, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    codec->stream_decoder_free (decoder);
    sink_clear (&sink);
  }

  /* Unknown events and fields, anything after message_stop, comments, pings, CRLF and a
   * data line without a space are fine. */
  {
    g_autofree char *before = sse ("{'type':'message_start','message':{'usage':{'input_tokens':3},'x':1}}",
                                   "{'type':'brand_new','stuff':[1]}",
                                   "{'type':'content_block_start','index':0,'content_block':{'type':'future'}}",
                                   "{'type':'content_block_delta','index':0,'delta':{'type':'future','x':'y'}}",
                                   "{'type':'content_block_start','index':1,"
                                   "'content_block':{'type':'text','text':'Pre'}}",
                                   "{'type':'content_block_delta','index':1,"
                                   "'delta':{'type':'citations_delta','citation':{}}}",
                                   NULL);
    g_autofree char *after = sse ("{'type':'message_delta','delta':{'stop_reason':'stop_sequence',"
                                  "'stop_sequence':'END'},'usage':{'output_tokens':2}}",
                                  "{'type':'message_stop'}",
                                  "not json after the end",
                                  NULL);
    g_autofree char *body = g_strconcat (": keep-alive\n\n"
                                         "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                                         before,
                                         "data:{\"type\":\"content_block_delta\",\"index\":1,"
                                         "\"delta\":{\"type\":\"text_delta\",\"text\":\"fix\"}}\n\n",
                                         after, NULL);
    g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
    g_autofree char *crlf = g_strjoinv ("\r\n", lines);
    g_autoptr (GError) error = NULL;
    g_autofree char *description = describe_stream (crlf, strlen (crlf), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (description, ==, "text: Prefix\nreasoning: \nsignature: \nfinish: 1\nusage: 3 2 -1 -1\n");
  }

  /* A tool's input given whole with its start (some compatible servers) is kept once. */
  {
    g_autofree char *body = sse ("{'type':'message_start','message':{}}",
                                 "{'type':'content_block_start','index':0,"
                                 "'content_block':{'type':'tool_use','id':'t1','name':'a','input':{'q':1}}}",
                                 "{'type':'content_block_stop','index':0}",
                                 "{'type':'content_block_start','index':1,"
                                 "'content_block':{'type':'tool_use','id':'t2','name':'b','input':{'q':2}}}",
                                 "{'type':'content_block_delta','index':1,"
                                 "'delta':{'type':'input_json_delta','partial_json':'{\\'q\\': 3}'}}",
                                 "{'type':'content_block_stop','index':1}",
                                 "{'type':'message_delta','delta':{'stop_reason':'tool_use'}}",
                                 "{'type':'message_stop'}",
                                 NULL);
    g_autoptr (GError) error = NULL;
    g_autofree char *description = describe_stream (body, strlen (body), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (description, ==,
                     "text: \nreasoning: \nsignature: \ncall 0: t1 a {\"q\":1}\ncall 1: t2 b {\"q\": 3}\n"
                     "finish: 3\nusage: -1 -1 -1 -1\n");
  }
}

/* Random bytes and damaged recordings: an error or an answer, never a crash. */
static void
test_stream_fuzz (void)
{
  g_autofree char *data = NULL;
  gsize            len;

  if (!have_fixtures ())
    return;

  data = load_fixture ("sdkpy_tool_use_response.sse", &len);
  for (guint round = 0; round < 2000; round++)
    {
      g_autofree char *damaged = g_memdup2 (data, len);
      g_autoptr (GError) error = NULL;
      gsize step = g_test_rand_int_range (1, 64);
      Sink  sink;

      for (guint i = 0; i < (guint) g_test_rand_int_range (1, 8); i++)
        damaged[g_test_rand_int_range (0, len)] = (char) g_test_rand_int_range (0, 256);

      sink_init (&sink);
      if (!decode_stream (damaged, len, G_MAXSIZE, step, &sink, &error))
        g_assert_true (error->domain == ADIUVA_GATEWAY_ERROR);
      sink_clear (&sink);
    }
}

static void
test_stream_cancel (void)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  Sink  sink;

  if (!have_fixtures ())
    return;

  data = load_fixture ("sdkpy_basic_response.sse", &len);
  sink_init (&sink);
  sink.stop_after = 2;
  g_assert_false (decode_stream (data, len, G_MAXSIZE, 0, &sink, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  sink_clear (&sink);
}

/* Error bodies */

#define ERROR_BODY(type, message) \
  "{\"type\":\"error\",\"error\":{\"type\":\"" type "\",\"message\":\"" message "\"}}"

static void
test_decode_error (void)
{
  struct
  {
    guint              status;
    const char        *body;
    AdiuvaGatewayError code;
    const char        *words;
  } cases[] = {
    { 429, ERROR_BODY ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
      ADIUVA_GATEWAY_ERROR_RATE_LIMITED, "per-minute rate limit" },
    { 401, ERROR_BODY ("authentication_error", "invalid x-api-key"), ADIUVA_GATEWAY_ERROR_AUTH,
      "invalid x-api-key" },
    { 403, ERROR_BODY ("permission_error", "Your API key does not have permission"), ADIUVA_GATEWAY_ERROR_AUTH,
      "does not have permission" },
    { 400, ERROR_BODY ("invalid_request_error", "max_tokens: Field required"), ADIUVA_GATEWAY_ERROR_BAD_REQUEST,
      "max_tokens: Field required" },
    { 413, ERROR_BODY ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
      ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "maximum allowed number of bytes" },
    { 500, ERROR_BODY ("api_error", "Internal server error"), ADIUVA_GATEWAY_ERROR_SERVER,
      "Internal server error" },
    { 529, ERROR_BODY ("overloaded_error", "Overloaded"), ADIUVA_GATEWAY_ERROR_OVERLOADED, "Overloaded" },
    { 503, "<html><head><title>503 Service Unavailable</title></head>\r\n<body>down</body></html>",
      ADIUVA_GATEWAY_ERROR_OVERLOADED, "503 Service Unavailable" },
    { 502, "", ADIUVA_GATEWAY_ERROR_SERVER, "(502)" },
    { 500, NULL, ADIUVA_GATEWAY_ERROR_SERVER, "(500)" },
    { 400, "not json at all", ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "not json at all" },
    { 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\"}}", ADIUVA_GATEWAY_ERROR_BAD_REQUEST,
      "not_found_error" },
    { 400, "{\"error\": \"a string\"}", ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "a string" },
    { 400, "\xff\xfe\xfd invalid \xc3", ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "invalid" },
    /* An error event's body handed over with the stream's 200. */
    { 200, ERROR_BODY ("overloaded_error", "Overloaded"), ADIUVA_GATEWAY_ERROR_OVERLOADED, "Overloaded" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      codec->decode_error (cases[i].status, cases[i].body, cases[i].body != NULL ? strlen (cases[i].body) : 0,
                           &error);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].words));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  /* A long body is cut to a readable excerpt. */
  {
    g_autofree char *long_body = g_strnfill (100000, 'x');
    g_autoptr (GError) error = NULL;

    codec->decode_error (500, long_body, 100000, &error);
    g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
    g_assert_cmpuint (strlen (error->message), <, 1000);
  }

  if (!have_fixtures ())
    return;

  {
    gsize            len;
    g_autofree char *body = load_fixture ("pydantic-ai-extracted/count_tokens_error_0_404.json", &len);
    g_autoptr (GError) error = NULL;

    codec->decode_error (404, body, len, &error);
    g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BAD_REQUEST);
    g_assert_nonnull (strstr (error->message, "model: claude-does-not-exist"));
  }

  {
    gsize            len;
    g_autofree char *stream = load_fixture ("sdkts_streaming_test_overloaded_error_event.sse", &len);
    const char      *data = strstr (stream, "data: ") + strlen ("data: ");
    g_autoptr (GError) error = NULL;

    codec->decode_error (529, data, strcspn (data, "\n"), &error);
    g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_OVERLOADED);
    g_assert_nonnull (strstr (error->message, "Overloaded"));
  }
}

/* The loopback endpoint */

static AdiuvaChatRequest *
decode_request_sq (const char *body,
                   GError    **error)
{
  g_autoptr (JsonNode) node = parse_sq (body);

  return codec->decode_request (node, error);
}

static void
test_decode_request (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatRequest) request = NULL;
  const AdiuvaChatMessage    *message;
  const AdiuvaContentPart    *part;
  const AdiuvaToolCall       *call;
  const AdiuvaToolDefinition *tool;
  gsize                       size;

  request = decode_request_sq (
      "{'model': 'claude-sonnet-4-5', 'max_tokens': 2048, 'stream': true, 'temperature': 0.2, 'top_p': 1,"
      " 'stop_sequences': ['END'], 'metadata': {'user_id': 'u1'},"
      " 'system': [{'type': 'text', 'text': 'Be brief.', 'cache_control': {'type': 'ephemeral'}},"
      "            {'type': 'text', 'text': 'Be kind.'}],"
      " 'thinking': {'type': 'enabled', 'budget_tokens': 5000},"
      " 'tools': [{'name': 'get_weather', 'description': 'Weather', 'input_schema': {'type': 'object',"
      "            'properties': {'city': {'type': 'string'}}}},"
      "           {'type': 'web_search_20250305', 'name': 'web_search', 'max_uses': 5},"
      "           {'type': 'custom', 'name': 'now', 'input_schema': {'type': 'object'}}],"
      " 'tool_choice': {'type': 'tool', 'name': 'get_weather', 'disable_parallel_tool_use': true},"
      " 'output_config': {'format': {'type': 'json_schema', 'schema': {'type': 'object'}}},"
      " 'messages': ["
      "  {'role': 'user', 'content': [{'type': 'text', 'text': 'Weather here?'},"
      "     {'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/png', 'data': 'iVBORw0KGgo='}},"
      "     {'type': 'image', 'source': {'type': 'url', 'url': 'https://example.org/a/Photo.JPEG?size=2'}},"
      "     {'type': 'document', 'source': {'type': 'text', 'media_type': 'text/plain', 'data': 'x'}}]},"
      "  {'role': 'assistant', 'content': ["
      "     {'type': 'thinking', 'thinking': 'Use the tool.', 'signature': 'c2ln'},"
      "     {'type': 'redacted_thinking', 'data': 'EmwK'},"
      "     {'type': 'text', 'text': 'Looking.'},"
      "     {'type': 'tool_use', 'id': 'toolu_1', 'name': 'get_weather', 'input': {'city': 'Paris'}},"
      "     {'type': 'tool_use', 'id': 'toolu_2', 'name': 'now', 'input': {}}]},"
      "  {'role': 'user', 'content': ["
      "     {'type': 'tool_result', 'tool_use_id': 'toolu_1', 'content': '18 C'},"
      "     {'type': 'tool_result', 'tool_use_id': 'toolu_2', 'is_error': true,"
      "      'content': [{'type': 'text', 'text': 'clock '}, {'type': 'text', 'text': 'broken'}]},"
      "     {'type': 'text', 'text': 'Thanks'}]},"
      "  {'role': 'assistant', 'content': 'You are welcome.'}]}",
      &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);

  g_assert_cmpstr (request->model, ==, "claude-sonnet-4-5");
  g_assert_cmpint (request->max_tokens, ==, 2048);
  g_assert_true (request->stream);
  g_assert_cmpfloat (request->temperature, ==, 0.2);
  g_assert_cmpfloat (request->top_p, ==, 1.0);
  g_assert_cmpstr (request->stop[0], ==, "END");
  g_assert_null (request->stop[1]);
  g_assert_cmpint (request->reasoning_budget, ==, 5000);
  g_assert_cmpint (request->reasoning, ==, ADIUVA_REASONING_HIGH);
  g_assert_cmpint (request->tool_choice, ==, ADIUVA_TOOL_CHOICE_NAMED);
  g_assert_cmpstr (request->tool_choice_name, ==, "get_weather");
  g_assert_cmpint (request->response_format, ==, ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA);
  assert_json_sq (request->json_schema, "{'type': 'object'}");

  /* Anthropic's own web search runs at Anthropic only. */
  g_assert_cmpuint (request->tools->len, ==, 2);
  tool = g_ptr_array_index (request->tools, 0);
  g_assert_cmpstr (tool->name, ==, "get_weather");
  g_assert_cmpstr (tool->description, ==, "Weather");
  assert_json_sq (tool->parameters, "{'type': 'object', 'properties': {'city': {'type': 'string'}}}");
  tool = g_ptr_array_index (request->tools, 1);
  g_assert_cmpstr (tool->name, ==, "now");

  g_assert_cmpuint (request->messages->len, ==, 8);
  message = g_ptr_array_index (request->messages, 0);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_SYSTEM);
  g_assert_cmpstr (((AdiuvaContentPart *) g_ptr_array_index (message->parts, 0))->text, ==, "Be brief.");
  message = g_ptr_array_index (request->messages, 1);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_SYSTEM);

  message = g_ptr_array_index (request->messages, 2);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_USER);
  g_assert_cmpuint (message->parts->len, ==, 3);
  part = g_ptr_array_index (message->parts, 1);
  g_assert_cmpint (part->kind, ==, ADIUVA_PART_IMAGE);
  g_assert_cmpstr (part->media_type, ==, "image/png");
  g_assert_cmpmem (g_bytes_get_data (part->image_data, &size), size, "\x89PNG\r\n\x1a\n", 8);
  part = g_ptr_array_index (message->parts, 2);
  g_assert_cmpstr (part->image_url, ==, "https://example.org/a/Photo.JPEG?size=2");
  g_assert_cmpstr (part->media_type, ==, "image/jpeg");
  g_assert_null (part->image_data);

  message = g_ptr_array_index (request->messages, 3);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_ASSISTANT);
  g_assert_cmpstr (message->reasoning, ==, "Use the tool.");
  g_assert_cmpstr (message->reasoning_signature, ==, "c2ln");
  g_assert_cmpuint (message->tool_calls->len, ==, 2);
  call = g_ptr_array_index (message->tool_calls, 0);
  g_assert_cmpstr (call->id, ==, "toolu_1");
  g_assert_cmpstr (call->name, ==, "get_weather");
  g_assert_cmpstr (call->arguments, ==, "{\"city\":\"Paris\"}");

  message = g_ptr_array_index (request->messages, 4);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_TOOL);
  g_assert_cmpstr (message->tool_call_id, ==, "toolu_1");
  g_assert_cmpstr (message->name, ==, "get_weather");
  message = g_ptr_array_index (request->messages, 5);
  g_assert_cmpstr (message->tool_call_id, ==, "toolu_2");
  g_assert_cmpstr (message->name, ==, "now");
  {
    g_autofree char *text = adiuva_chat_message_dup_text ((AdiuvaChatMessage *) message);

    g_assert_cmpstr (text, ==, "clock broken");
  }
  message = g_ptr_array_index (request->messages, 6);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_USER);
  message = g_ptr_array_index (request->messages, 7);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_ASSISTANT);

  /* A system string, adaptive thinking and the beta output_format. */
  g_clear_pointer (&request, adiuva_chat_request_unref);
  request = decode_request_sq ("{'model': 'm', 'system': 'One system.',"
                               " 'messages': [{'role': 'user', 'content': 'Hi'}],"
                               " 'thinking': {'type': 'adaptive'}, 'output_config': {'effort': 'low'},"
                               " 'output_format': {'type': 'json_schema', 'schema': {'type': 'array'}},"
                               " 'tool_choice': {'type': 'any'}}",
                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (request->messages->len, ==, 2);
  g_assert_cmpint (((AdiuvaChatMessage *) g_ptr_array_index (request->messages, 0))->role, ==, ADIUVA_ROLE_SYSTEM);
  g_assert_cmpint (request->reasoning, ==, ADIUVA_REASONING_LOW);
  g_assert_cmpint (request->reasoning_budget, ==, 0);
  g_assert_cmpint (request->response_format, ==, ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA);
  g_assert_cmpint (request->tool_choice, ==, ADIUVA_TOOL_CHOICE_REQUIRED);
  g_assert_false (request->stream);
  g_assert_cmpfloat (request->temperature, <, 0);
}

static void
test_decode_request_invalid (void)
{
  const char *bodies[] = {
    "[]",
    "{'messages': []}",
    "{'model': 'm'}",
    "{'model': 'm', 'messages': [{'role': 'system', 'content': 'x'}]}",
    "{'model': 'm', 'messages': [42]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': 42}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'text': 'no type'}]}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'text'}]}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'image', 'source': {'type': 'file'}}]}]}",
    /* Found by fuzz-codec-json: types and data that would not survive a data: URL. */
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'image', 'source': {'type': 'base64', 'media_type': '', 'data': 'iVBO'}}]}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/png;x=,', 'data': 'iVBO'}}]}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'image', 'source': {'type': 'base64', 'media_type': 'png', 'data': 'iVBO'}}]}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/png', 'data': ''}}]}]}",
    "{'model': 'm', 'messages': [{'role': 'user', 'content': [{'type': 'tool_result', 'content': 'x'}]}]}",
    "{'model': 'm', 'messages': [{'role': 'assistant', 'content': [{'type': 'tool_use', 'id': 'x'}]}]}",
    "{'model': 'm', 'system': 5, 'messages': []}",
    "{'model': 'm', 'system': [{'type': 'text'}], 'messages': []}",
    "{'model': 'm', 'messages': [], 'tools': [{'description': 'nameless'}]}",
    "{'model': 'm', 'messages': [], 'tools': [{'name': 'a'}], 'tool_choice': {'type': 'tool'}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaChatRequest) request = NULL;

      g_test_message ("case %u", i);
      request = decode_request_sq (bodies[i], &error);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
      g_assert_null (request);
    }
}

/* The events of an encoded stream: framing, order and names as Anthropic sends them. */
static void
assert_stream_shape (const char *stream)
{
  g_auto (GStrv) events = NULL;
  g_autoptr (GHashTable) open = g_hash_table_new (NULL, NULL);
  guint n;

  g_assert_true (g_str_has_suffix (stream, "\n\n"));
  events = g_strsplit (stream, "\n\n", -1);
  n = g_strv_length (events) - 1;
  g_assert_cmpstr (events[n], ==, "");
  g_assert_cmpuint (n, >=, 3);

  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) lines = g_strsplit (events[i], "\n", -1);
      g_autoptr (JsonNode) data = NULL;
      JsonObject *object;
      const char *type;

      g_assert_cmpuint (g_strv_length (lines), ==, 2);
      g_assert_true (g_str_has_prefix (lines[0], "event: "));
      g_assert_true (g_str_has_prefix (lines[1], "data: {"));
      data = json_from_string (lines[1] + strlen ("data: "), NULL);
      g_assert_nonnull (data);
      object = json_node_get_object (data);
      type = json_object_get_string_member (object, "type");
      g_assert_cmpstr (type, ==, lines[0] + strlen ("event: "));

      if (i == 0)
        g_assert_cmpstr (type, ==, "message_start");
      else if (i == n - 2)
        g_assert_cmpstr (type, ==, "message_delta");
      else if (i == n - 1)
        g_assert_cmpstr (type, ==, "message_stop");
      else if (strcmp (type, "content_block_start") == 0)
        {
          gint64 block = json_object_get_int_member (object, "index");

          g_assert_cmpuint (g_hash_table_size (open), ==, 0);
          g_hash_table_add (open, GINT_TO_POINTER (block + 1));
        }
      else if (strcmp (type, "content_block_stop") == 0)
        {
          gint64 block = json_object_get_int_member (object, "index");

          g_assert_true (g_hash_table_remove (open, GINT_TO_POINTER (block + 1)));
        }
      else
        g_assert_cmpstr (type, ==, "content_block_delta");
    }

  g_assert_cmpuint (g_hash_table_size (open), ==, 0);
}

static char *
encode_stream (GPtrArray  *deltas,
               const char *model)
{
  AdiuvaStreamEncoder *encoder = codec->stream_encoder_new (model);
  GString             *out = g_string_new (NULL);

  for (guint i = 0; i < deltas->len; i++)
    codec->stream_encoder_add (encoder, &((SavedDelta *) g_ptr_array_index (deltas, i))->delta, out);
  codec->stream_encoder_finish (encoder, out);
  codec->stream_encoder_free (encoder);

  return g_string_free (out, FALSE);
}

/* A recorded stream decoded, encoded again for an Anthropic client and decoded once more
 * gives the same answer. */
static void
test_stream_encoder_round_trip (void)
{
  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      const StreamCase *c = &stream_cases[i];
      gsize             len;
      g_autofree char  *data = NULL;
      g_autofree char  *first = NULL;
      g_autofree char  *again = NULL;
      g_autofree char  *encoded = NULL;
      g_autoptr (GError) error = NULL;
      Sink sink;

      if (!c->complete)
        continue;

      g_test_message ("%s", c->file);
      data = load_fixture (c->file, &len);
      sink_init (&sink);
      sink.deltas = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_delta_free);
      g_assert_true (decode_stream (data, len, G_MAXSIZE, 0, &sink, NULL));
      first = describe (sink.acc);
      encoded = encode_stream (sink.deltas, "claude-sonnet-4-5");
      sink_clear (&sink);

      assert_stream_shape (encoded);
      again = describe_stream (encoded, strlen (encoded), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, first);
    }
}

static void
test_stream_encoder_written (void)
{
  g_autoptr (GPtrArray) deltas = g_ptr_array_new_with_free_func ((GDestroyNotify) saved_delta_free);
  g_autofree char *encoded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  struct
  {
    AdiuvaDeltaKind kind;
    const char     *text;
    guint           tool_index;
    const char     *tool_id;
    const char     *tool_name;
  } pieces[] = {
    /* As an OpenAI stream gives them: no usage first, calls without a finish of their own. */
    { ADIUVA_DELTA_REASONING, "Quotes \" and \\ and \n and \x01 and ünïcödé", 0, NULL, NULL },
    { ADIUVA_DELTA_TEXT, "Two calls:", 0, NULL, NULL },
    { ADIUVA_DELTA_TEXT, "", 0, NULL, NULL },
    { ADIUVA_DELTA_TOOL_CALL, "", 0, "call_a", "first" },
    { ADIUVA_DELTA_TOOL_CALL, "{\"x\":", 0, NULL, NULL },
    { ADIUVA_DELTA_TOOL_CALL, "{\"y\": 2}", 1, NULL, "second" },
    /* A late piece of the first call still reaches it. */
    { ADIUVA_DELTA_TOOL_CALL, " 1}", 0, NULL, NULL },
    /* A call that never names its tool is left out. */
    { ADIUVA_DELTA_TOOL_CALL, "{}", 2, "call_c", NULL },
  };
  AdiuvaChatDelta finish = {
    .kind = ADIUVA_DELTA_FINISH,
    .finish = ADIUVA_FINISH_STOP,
    .usage = ADIUVA_USAGE_INIT,
  };
  AdiuvaChatDelta      usage = { .kind = ADIUVA_DELTA_USAGE, .usage = { 120, 30, 100, -1 } };
  AdiuvaStreamEncoder *encoder = codec->stream_encoder_new ("gpt-4o");
  GString             *out = g_string_new (NULL);
  g_autoptr (AdiuvaChatAccumulator) acc = NULL;
  g_autoptr (AdiuvaChatMessage) message = NULL;
  const AdiuvaToolCall *call;

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      AdiuvaChatDelta delta = {
        .kind = pieces[i].kind,
        .text = pieces[i].text,
        .text_len = strlen (pieces[i].text),
        .tool_index = pieces[i].tool_index,
        .tool_id = pieces[i].tool_id,
        .tool_name = pieces[i].tool_name,
        .usage = ADIUVA_USAGE_INIT,
      };

      codec->stream_encoder_add (encoder, &delta, out);
    }
  codec->stream_encoder_add (encoder, &finish, out);
  codec->stream_encoder_add (encoder, &usage, out);
  codec->stream_encoder_finish (encoder, out);
  codec->stream_encoder_free (encoder);
  encoded = g_string_free (out, FALSE);

  g_assert_true (g_str_has_prefix (encoded, "event: message_start\n"
                                            "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_"));
  g_assert_nonnull (strstr (encoded, "\"model\":\"gpt-4o\""));
  /* Finished normally after calling tools: Anthropic clients wait for tool_use. */
  g_assert_nonnull (strstr (encoded, "\"stop_reason\":\"tool_use\""));
  g_assert_true (g_str_has_suffix (encoded, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));

  {
    Sink sink;

    sink_init (&sink);
    g_assert_true (decode_stream (encoded, strlen (encoded), G_MAXSIZE, 0, &sink, &error));
    g_assert_no_error (error);
    acc = g_steal_pointer (&sink.acc);
    sink_clear (&sink);
  }
  description = describe (acc);
  message = adiuva_chat_accumulator_dup_message (acc);
  g_assert_cmpstr (message->reasoning, ==, "Quotes \" and \\ and \n and \x01 and ünïcödé");
  g_assert_cmpuint (message->tool_calls->len, ==, 2);
  call = g_ptr_array_index (message->tool_calls, 0);
  g_assert_cmpstr (call->id, ==, "call_a");
  g_assert_cmpstr (call->arguments, ==, "{\"x\": 1}");
  call = g_ptr_array_index (message->tool_calls, 1);
  g_assert_true (g_str_has_prefix (call->id, "toolu_"));
  g_assert_cmpstr (call->name, ==, "second");
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (acc), ==, ADIUVA_FINISH_TOOL_CALLS);
  g_assert_true (g_str_has_suffix (description, "usage: 120 30 100 -1\n"));

  /* Nothing but the end: still a whole, empty message. */
  {
    AdiuvaStreamEncoder *empty = codec->stream_encoder_new (NULL);
    g_autoptr (GString) bytes = g_string_new (NULL);
    g_autofree char *nothing = NULL;
    g_autoptr (GError) empty_error = NULL;

    codec->stream_encoder_finish (empty, bytes);
    codec->stream_encoder_free (empty);
    assert_stream_shape (bytes->str);
    nothing = describe_stream (bytes->str, bytes->len, &empty_error);
    g_assert_no_error (empty_error);
    g_assert_cmpstr (nothing, ==, "text: \nreasoning: \nsignature: \nfinish: 1\nusage: 0 0 -1 -1\n");
  }
}

/* A recorded answer accumulated, written as an Anthropic message and read again. */
static void
assert_response_round_trip (JsonNode   *body,
                            const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatAccumulator) acc = NULL;
  g_autoptr (JsonNode) encoded = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  JsonObject      *object;
  Sink             sink;

  g_test_message ("%s", what);
  sink_init (&sink);
  g_assert_true (codec->decode_response (body, collect_cb, &sink, &error));
  acc = g_steal_pointer (&sink.acc);
  sink_clear (&sink);
  first = describe (acc);

  encoded = codec->encode_response ("claude-sonnet-4-5", acc);
  object = json_node_get_object (encoded);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "message");
  g_assert_cmpstr (json_object_get_string_member (object, "role"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (object, "model"), ==, "claude-sonnet-4-5");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "id"), "msg_"));
  g_assert_true (json_object_has_member (object, "stop_sequence"));

  again = describe_response (encoded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, first);
}

static void
test_encode_response_round_trip (void)
{
  const char *bodies[] = {
    "langchaingo-extracted/TestClient_CreateMessage_0_200.json",
    "langchaingo-extracted/TestClient_WithAnthropicBetaHeader_0_200.json",
    "pydantic-ai-extracted/tool_with_thinking_0_200.json",
    "pydantic-ai-extracted/tool_with_thinking_1_200.json",
  };
  g_autoptr (JsonNode) runner = NULL;
  JsonArray *interactions;

  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (JsonNode) body = load_json_fixture (bodies[i]);

      assert_response_round_trip (body, bodies[i]);
    }

  runner = load_json_fixture ("sdkts_ToolRunner_nock_recording.json");
  interactions = json_node_get_array (runner);
  for (guint i = 0; i < json_array_get_length (interactions); i++)
    {
      g_autofree char *what = g_strdup_printf ("ToolRunner response %u", i);

      JsonObject *interaction = json_array_get_object_element (interactions, i);

      assert_response_round_trip (json_object_get_member (interaction, "response"), what);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anthropic-codec/encode/system-messages", test_encode_system_messages);
  g_test_add_func ("/anthropic-codec/encode/images", test_encode_images);
  g_test_add_func ("/anthropic-codec/encode/tool-calls", test_encode_tool_calls);
  g_test_add_func ("/anthropic-codec/encode/orphan-tool-result", test_encode_orphan_tool_result);
  g_test_add_func ("/anthropic-codec/encode/tools-and-choice", test_encode_tools_and_choice);
  g_test_add_func ("/anthropic-codec/encode/sampling", test_encode_sampling);
  g_test_add_func ("/anthropic-codec/encode/json-mode", test_encode_json_mode);
  g_test_add_func ("/anthropic-codec/encode/reasoning", test_encode_reasoning);
  g_test_add_func ("/anthropic-codec/encode/like-recorded", test_encode_like_recorded);
  g_test_add_func ("/anthropic-codec/decode-response/recorded", test_decode_response_recorded);
  g_test_add_func ("/anthropic-codec/decode-response/written", test_decode_response_written);
  g_test_add_func ("/anthropic-codec/stream/recorded", test_stream_recorded);
  g_test_add_func ("/anthropic-codec/stream/respelled", test_stream_respelled);
  g_test_add_func ("/anthropic-codec/stream/escapes", test_stream_escapes);
  g_test_add_func ("/anthropic-codec/stream/cut", test_stream_cut);
  g_test_add_func ("/anthropic-codec/stream/truncated-text", test_stream_truncated_text);
  g_test_add_func ("/anthropic-codec/stream/error-events", test_stream_error_events);
  g_test_add_func ("/anthropic-codec/stream/garbage", test_stream_garbage);
  g_test_add_func ("/anthropic-codec/stream/fuzz", test_stream_fuzz);
  g_test_add_func ("/anthropic-codec/stream/cancel", test_stream_cancel);
  g_test_add_func ("/anthropic-codec/decode-error", test_decode_error);
  g_test_add_func ("/anthropic-codec/loopback/decode-request", test_decode_request);
  g_test_add_func ("/anthropic-codec/loopback/decode-request-invalid", test_decode_request_invalid);
  g_test_add_func ("/anthropic-codec/loopback/request-round-trip", test_request_round_trip_recorded);
  g_test_add_func ("/anthropic-codec/loopback/stream-round-trip", test_stream_encoder_round_trip);
  g_test_add_func ("/anthropic-codec/loopback/stream-written", test_stream_encoder_written);
  g_test_add_func ("/anthropic-codec/loopback/response-round-trip", test_encode_response_round_trip);

  return g_test_run ();
}
