/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gemini-codec"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"

/* The Gemini codec against hand-written canonical requests and against the recorded and mock
 * traffic in ../shared/fixtures/gemini (see PROVENANCE.md there). Fixtures are read where
 * they lie, never copied; tests that need one skip when it is absent. */

#define GEMINI_FIXTURES FIXTURES_DIR "/gemini"
#define PYDANTIC "pydantic-ai-extracted/"
#define LANGCHAINGO "langchaingo-extracted/"
#define GOOGLEAI "firebase-vertexai-sdk-test-data/googleai/"
#define VERTEXAI "firebase-vertexai-sdk-test-data/vertexai/"

static const AdiuvaWireCodec *codec;

/* JSON helpers ---------------------------------------------------------------------------- */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
to_json (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static double
number_of (JsonNode *node)
{
  return json_node_get_value_type (node) == G_TYPE_INT64 ? (double) json_node_get_int (node)
                                                         : json_node_get_double (node);
}

/* Signatures are bytes: pydantic-ai sends back the one Gemini gave as base64url. */
static char *
normalize_base64 (const char *text)
{
  char *copy = g_strdup (text);

  g_strdelimit (copy, "-", '+');
  g_strdelimit (copy, "_", '/');
  return copy;
}

/**
 * find_mismatch:
 * @subset: whether @a may leave out members @b has (arrays still match element for element)
 *
 * Returns: (nullable): where and how @a and @b differ, or %NULL when they match. Numbers
 *   match by value whether written as integers or not.
 */
static char *
find_mismatch (JsonNode   *a,
               JsonNode   *b,
               gboolean    subset,
               const char *path)
{
  if (is_number (a) && is_number (b))
    return number_of (a) == number_of (b) ? NULL : g_strdup_printf ("%s: %g ≠ %g", path, number_of (a), number_of (b));

  if (json_node_get_node_type (a) != json_node_get_node_type (b) ||
      (JSON_NODE_HOLDS_VALUE (a) && json_node_get_value_type (a) != json_node_get_value_type (b)))
    {
      g_autofree char *ta = to_json (a);
      g_autofree char *tb = to_json (b);

      return g_strdup_printf ("%s: %s ≠ %s", path, ta, tb);
    }

  if (JSON_NODE_HOLDS_OBJECT (a))
    {
      JsonObject *oa = json_node_get_object (a);
      JsonObject *ob = json_node_get_object (b);
      g_autoptr (GList) names = json_object_get_members (oa);

      if (!subset && json_object_get_size (oa) != json_object_get_size (ob))
        {
          g_autofree char *ta = to_json (a);
          g_autofree char *tb = to_json (b);

          return g_strdup_printf ("%s: members differ: %s ≠ %s", path, ta, tb);
        }

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *inner = g_strdup_printf ("%s.%s", path, (const char *) l->data);
          JsonNode        *ma = json_object_get_member (oa, l->data);
          JsonNode        *mb = json_object_get_member (ob, l->data);
          char            *mismatch;

          if (mb == NULL)
            return g_strdup_printf ("%s: missing", inner);

          if (g_str_equal (l->data,
                           "thoughtSignature") &&
              JSON_NODE_HOLDS_VALUE (ma) && JSON_NODE_HOLDS_VALUE (mb))
            {
              g_autofree char *sa = normalize_base64 (json_node_get_string (ma));
              g_autofree char *sb = normalize_base64 (json_node_get_string (mb));

              if (g_strcmp0 (sa, sb) != 0)
                return g_strdup_printf ("%s: signatures differ", inner);
              continue;
            }

          mismatch = find_mismatch (ma, mb, subset, inner);
          if (mismatch != NULL)
            return mismatch;
        }
      return NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (a))
    {
      JsonArray *aa = json_node_get_array (a);
      JsonArray *ab = json_node_get_array (b);

      if (json_array_get_length (aa) != json_array_get_length (ab))
        return g_strdup_printf ("%s: %u ≠ %u elements", path, json_array_get_length (aa),
                                json_array_get_length (ab));

      for (guint i = 0; i < json_array_get_length (aa); i++)
        {
          g_autofree char *inner = g_strdup_printf ("%s[%u]", path, i);
          char            *mismatch =
              find_mismatch (json_array_get_element (aa, i), json_array_get_element (ab, i),
                             subset, inner);

          if (mismatch != NULL)
            return mismatch;
        }
      return NULL;
    }

  if (JSON_NODE_HOLDS_VALUE (a))
    {
      GType type = json_node_get_value_type (a);

      if (type == G_TYPE_STRING && g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) != 0)
        return g_strdup_printf ("%s: “%s” ≠ “%s”", path, json_node_get_string (a),
                                json_node_get_string (b));
      if (type == G_TYPE_BOOLEAN && json_node_get_boolean (a) != json_node_get_boolean (b))
        return g_strdup_printf ("%s: booleans differ", path);
    }

  return NULL;
}

static void
assert_json_equal (JsonNode   *actual,
                   const char *expected_text)
{
  g_autoptr (JsonNode) expected = parse_json (expected_text);
  g_autofree char *mismatch = find_mismatch (actual, expected, FALSE, "$");

  if (mismatch != NULL)
    {
      g_autofree char *text = to_json (actual);

      g_test_message ("encoded: %s", text);
    }
  g_assert_cmpstr (mismatch, ==, NULL);
}

static JsonNode *
encode (AdiuvaChatRequest *request)
{
  g_autoptr (GError) error = NULL;
  JsonNode *body = codec->encode_request (request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (body);
  return body;
}

static void
assert_encodes_to (AdiuvaChatRequest *request,
                   const char        *expected)
{
  g_autoptr (JsonNode) body = encode (request);

  assert_json_equal (body, expected);
}

/* Fixtures -------------------------------------------------------------------------------- */

static GBytes *
load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (GEMINI_FIXTURES, name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize length;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("fixture %s is not there", path);

      g_test_skip (message);
      return NULL;
    }

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static JsonNode *
load_fixture_json (const char *name)
{
  g_autoptr (GBytes) bytes = load_fixture (name);

  if (bytes == NULL)
    return NULL;
  return parse_json (g_bytes_get_data (bytes, NULL));
}

/* The request body a .meta.json sidecar recorded. */
static JsonNode *
load_recorded_request (const char *name)
{
  g_autoptr (JsonNode) meta = load_fixture_json (name);
  JsonObject *object;

  if (meta == NULL)
    return NULL;
  object = json_node_get_object (meta);

  if (json_object_has_member (object, "request_body"))
    return parse_json (json_object_get_string_member (object, "request_body"));

  return json_node_copy (json_object_get_member (json_object_get_object_member (object, "request"),
                                                 "body"));
}

/* Decoding into an accumulator ------------------------------------------------------------ */

typedef struct
{
  AdiuvaChatAccumulator *answer;
  guint                  n_tool_deltas;
  guint                  n_finish_deltas;
} Capture;

static gboolean
capture_cb (const AdiuvaChatDelta *delta,
            gpointer               user_data,
            GError               **error)
{
  Capture *capture = user_data;

  g_assert_true (delta->text != NULL || delta->text_len == 0);
  if (delta->kind == ADIUVA_DELTA_TOOL_CALL)
    {
      /* Gemini's calls come whole: one delta each, with id and name. */
      g_assert_nonnull (delta->tool_id);
      g_assert_nonnull (delta->tool_name);
      g_assert_cmpuint (delta->tool_index, ==, capture->n_tool_deltas);
      capture->n_tool_deltas++;
    }
  if (delta->kind == ADIUVA_DELTA_FINISH)
    capture->n_finish_deltas++;

  return adiuva_chat_accumulator_add (capture->answer, delta, error);
}

typedef struct
{
  AdiuvaChatAccumulator *answer;
  AdiuvaChatMessage     *message;
  GError                *error;
  char                  *summary;
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  adiuva_chat_accumulator_free (outcome->answer);
  adiuva_chat_message_unref (outcome->message);
  g_clear_error (&outcome->error);
  g_free (outcome->summary);
  g_free (outcome);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Outcome, outcome_free)

/* Everything an answer came to, as one string two decodings can be compared by. */
static char *
summarize (AdiuvaChatAccumulator *answer,
           AdiuvaChatMessage     *message,
           const GError          *error)
{
  GString           *summary = g_string_new (NULL);
  g_autofree char   *text = adiuva_chat_message_dup_text (message);
  const AdiuvaUsage *usage = adiuva_chat_accumulator_get_usage (answer);

  g_string_append_printf (summary, "text: %s\nreasoning: %s\nsignature: %s\n", text,
                          message->reasoning != NULL ? message->reasoning : "",
                          message->reasoning_signature != NULL ? message->reasoning_signature : "");
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);

      g_string_append_printf (summary, "call %u: %s %s %s\n", i, call->id, call->name, call->arguments);
    }
  g_string_append_printf (summary,
                          "finish: %d\nusage: %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                          adiuva_chat_accumulator_get_finish (answer), usage->input_tokens,
                          usage->output_tokens, usage->cached_input_tokens, usage->reasoning_tokens);
  if (error != NULL)
    g_string_append_printf (summary, "error: %d %s\n", error->code, error->message);

  return g_string_free (summary, FALSE);
}

static Outcome *
outcome_new (Capture *capture,
             GError  *error)
{
  Outcome *outcome = g_new0 (Outcome, 1);

  outcome->answer = capture->answer;
  outcome->message = adiuva_chat_accumulator_dup_message (capture->answer);
  outcome->error = error;
  outcome->summary = summarize (outcome->answer, outcome->message, error);
  g_assert_cmpuint (capture->n_tool_deltas, ==, outcome->message->tool_calls->len);

  return outcome;
}

static Outcome *
decode_body (JsonNode *body)
{
  Capture  capture = { adiuva_chat_accumulator_new (), 0, 0 };
  GError  *error = NULL;
  gboolean ok = codec->decode_response (body, capture_cb, &capture, &error);

  g_assert_true (ok == (error == NULL));
  return outcome_new (&capture, error);
}

/**
 * decode_stream:
 * @cuts: (array length=n_cuts): where to cut @data between feeds, ascending; 0 or @len make
 *   empty feeds, which a decoder must take too
 */
static Outcome *
decode_stream (const char  *data,
               gsize        len,
               const gsize *cuts,
               guint        n_cuts)
{
  Capture              capture = { adiuva_chat_accumulator_new (), 0, 0 };
  AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();
  GError              *error = NULL;
  gsize                start = 0;
  gboolean             ok = TRUE;

  for (guint i = 0; ok && i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : len;

      ok = codec->stream_decoder_feed (decoder, (const guint8 *) data + start, end - start,
                                       capture_cb, &capture,
                                       &error);
      g_assert_true (ok == (error == NULL));
      start = end;
    }

  if (ok)
    {
      ok = codec->stream_decoder_finish (decoder, capture_cb, &capture, &error);
      g_assert_true (ok == (error == NULL));
    }
  else
    {
      g_autoptr (GError) again = NULL;

      /* A failed decoder refuses more input instead of crashing on it. */
      g_assert_false (codec->stream_decoder_finish (decoder, capture_cb, &capture, &again));
      g_assert_error (again, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    }

  codec->stream_decoder_free (decoder);
  return outcome_new (&capture, error);
}

static Outcome *
decode_stream_text (const char *text)
{
  return decode_stream (text, strlen (text), NULL, 0);
}

/* What a fixture's events say, read line by line without the SSE decoder: the text, thinking
 * and calls the decoder must arrive at. */
typedef struct
{
  GString   *text;
  GString   *reasoning;
  GPtrArray *call_names;
  GPtrArray *call_args; /* JsonNode */
  char      *signature;
} Expected;

static void
expected_free (Expected *expected)
{
  g_string_free (expected->text, TRUE);
  g_string_free (expected->reasoning, TRUE);
  g_ptr_array_unref (expected->call_names);
  g_ptr_array_unref (expected->call_args);
  g_free (expected->signature);
  g_free (expected);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Expected, expected_free)

static void
read_expected_response (Expected *expected,
                        JsonNode *root)
{
  JsonObject *response = json_node_get_object (root);
  JsonArray  *candidates;
  JsonObject *content;
  JsonArray  *parts;

  if (!json_object_has_member (response, "candidates"))
    return;
  candidates = json_object_get_array_member (response, "candidates");
  if (json_array_get_length (candidates) == 0)
    return;
  if (!json_object_has_member (json_array_get_object_element (candidates, 0), "content"))
    return;
  content = json_object_get_object_member (json_array_get_object_element (candidates, 0), "content");
  if (!json_object_has_member (content, "parts"))
    return;
  parts = json_object_get_array_member (content, "parts");

  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      if (json_object_has_member (part, "text"))
        g_string_append (json_object_get_boolean_member_with_default (part, "thought",
                                                                      FALSE)
                             ? expected->reasoning
                             : expected->text,
                         json_object_get_string_member (part, "text"));
      if (json_object_has_member (part, "functionCall"))
        {
          JsonObject *call = json_object_get_object_member (part, "functionCall");
          JsonNode   *args = json_object_get_member (call, "args");

          g_ptr_array_add (expected->call_names, g_strdup (json_object_get_string_member (call, "name")));
          g_ptr_array_add (expected->call_args, args != NULL ? json_node_copy (args) : parse_json ("{}"));
        }
      if (json_object_has_member (part, "thoughtSignature") && expected->signature == NULL)
        expected->signature = g_strdup (json_object_get_string_member (part, "thoughtSignature"));
    }
}

static Expected *
expected_new (void)
{
  Expected *expected = g_new0 (Expected, 1);

  expected->text = g_string_new (NULL);
  expected->reasoning = g_string_new (NULL);
  expected->call_names = g_ptr_array_new_with_free_func (g_free);
  expected->call_args = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  return expected;
}

static Expected *
read_expected_stream (GBytes *bytes)
{
  Expected        *expected = expected_new ();
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonNode) root = NULL;

      g_strchomp (lines[i]);
      if (!g_str_has_prefix (lines[i], "data:"))
        continue;
      root = parse_json (lines[i] + strlen ("data:"));
      read_expected_response (expected, root);
    }

  return expected;
}

static Expected *
read_expected_body (JsonNode *body)
{
  Expected *expected = expected_new ();

  if (JSON_NODE_HOLDS_ARRAY (body))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (body)); i++)
      read_expected_response (expected, json_array_get_element (json_node_get_array (body), i));
  else
    read_expected_response (expected, body);

  return expected;
}

static void
assert_matches_expected (Outcome  *outcome,
                         Expected *expected)
{
  AdiuvaChatMessage *message = outcome->message;
  g_autofree char   *text = adiuva_chat_message_dup_text (message);

  g_assert_cmpstr (text, ==, expected->text->str);
  g_assert_cmpstr (message->reasoning != NULL ? message->reasoning : "", ==, expected->reasoning->str);
  g_assert_cmpstr (message->reasoning_signature, ==, expected->signature);
  g_assert_cmpuint (message->tool_calls->len, ==, expected->call_names->len);

  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      g_autoptr (JsonNode) args = parse_json (call->arguments);
      g_autofree char *mismatch =
          find_mismatch (args, g_ptr_array_index (expected->call_args, i), FALSE, "$");

      g_assert_cmpstr (call->name, ==, g_ptr_array_index (expected->call_names, i));
      g_assert_cmpstr (mismatch, ==, NULL);
      /* Gemini gave no ids here: these are made up, and the same for the same bytes. */
      g_assert_true (g_str_has_prefix (call->id, "gemini_"));
      g_assert_cmpuint (strlen (call->id), ==, strlen ("gemini_") + 24);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (((AdiuvaToolCall *) g_ptr_array_index (message->tool_calls, j))->id, !=, call->id);
    }
}

static void
assert_usage (Outcome *outcome,
              gint64   input,
              gint64   output,
              gint64   cached,
              gint64   reasoning)
{
  const AdiuvaUsage *usage = adiuva_chat_accumulator_get_usage (outcome->answer);

  g_assert_cmpint (usage->input_tokens, ==, input);
  g_assert_cmpint (usage->output_tokens, ==, output);
  g_assert_cmpint (usage->cached_input_tokens, ==, cached);
  g_assert_cmpint (usage->reasoning_tokens, ==, reasoning);
}

/* encode_request -------------------------------------------------------------------------- */

static void
test_encode_system_messages (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) first = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "You are terse.");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Hi");
  g_autoptr (AdiuvaChatMessage) second =
      adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "Answer in French.");
  g_autoptr (AdiuvaChatMessage) assistant = adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "Salut");
  g_autoptr (AdiuvaChatMessage) third = adiuva_chat_message_new (ADIUVA_ROLE_SYSTEM);
  g_autoptr (AdiuvaChatMessage) again = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Ça va ?");
  g_autoptr (AdiuvaChatMessage) more = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Et toi ?");

  adiuva_chat_message_add_text (third, "No emojis.");
  adiuva_chat_message_add_text (third, "Never more than two sentences.");
  adiuva_chat_request_add_message (request, first);
  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, second);
  adiuva_chat_request_add_message (request, assistant);
  adiuva_chat_request_add_message (request, third);
  adiuva_chat_request_add_message (request, again);
  adiuva_chat_request_add_message (request, more);

  /* Every system message survives, in order; the user turns around the last one merge. */
  assert_encodes_to (request, "{"
                              "  \"systemInstruction\": {\"parts\": ["
                              "    {\"text\": \"You are terse.\"}, {\"text\": \"Answer in French.\"},"
                              "    {\"text\": \"No emojis.\"}, {\"text\": \"Never more than two sentences.\"}]},"
                              "  \"contents\": ["
                              "    {\"role\": \"user\", \"parts\": [{\"text\": \"Hi\"}]},"
                              "    {\"role\": \"model\", \"parts\": [{\"text\": \"Salut\"}]},"
                              "    {\"role\": \"user\", \"parts\": [{\"text\": \"Ça va ?\"}, {\"text\": \"Et toi ?\"}]}]"
                              "}");
}

static void
test_encode_images (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "What is in these?");
  g_autoptr (GBytes) png = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);

  adiuva_chat_message_add_image (user, "image/png", png, NULL);
  adiuva_chat_message_add_image (user, "image/jpeg", NULL, "https://example.com/cat.jpg");
  adiuva_chat_message_add_image (user, "image/png", NULL, "data:image/webp;base64,UklGRg==");
  adiuva_chat_message_add_image (user, "image/gif", NULL, "data:,GIF89a%00");
  adiuva_chat_request_add_message (request, user);

  assert_encodes_to (request, "{\"contents\": [{\"role\": \"user\", \"parts\": ["
                              "  {\"text\": \"What is in these?\"},"
                              "  {\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"iVBORw0KGgo=\"}},"
                              "  {\"fileData\": {\"mimeType\": \"image/jpeg\", \"fileUri\": \"https://example.com/cat.jpg\"}},"
                              "  {\"inlineData\": {\"mimeType\": \"image/webp\", \"data\": \"UklGRg==\"}},"
                              "  {\"inlineData\": {\"mimeType\": \"image/gif\", \"data\": \"R0lGODlhAA==\"}}"
                              "]}]}");
}

static void
test_encode_tool_calls_and_results (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user =
      adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Weather in Paris and Oslo?");
  g_autoptr (AdiuvaChatMessage) assistant =
      adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "Checking.");
  g_autoptr (AdiuvaChatMessage) paris = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "{\"temp\": 21}");
  g_autoptr (AdiuvaChatMessage) oslo = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "Rain, 9 °C");
  g_autoptr (AdiuvaChatMessage) follow_up = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Thanks!");

  /* An id Gemini gave goes back; one made up for an id-less call does not. */
  adiuva_chat_message_add_tool_call (assistant, "fc-1", "get_weather",
                                     "{\"city\": \"Paris\", \"days\": 1.5}");
  adiuva_chat_message_add_tool_call (assistant, "gemini_0123456789abcdef01234567", "get_weather",
                                     "{\"city\":\"Oslo\"}");
  assistant->reasoning = g_strdup ("Two cities, two calls.");
  assistant->reasoning_signature = g_strdup ("c2lnbmF0dXJl");
  paris->tool_call_id = g_strdup ("fc-1");
  paris->name = g_strdup ("get_weather");
  /* No name: it is found by the id of the call it answers. */
  oslo->tool_call_id = g_strdup ("gemini_0123456789abcdef01234567");

  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, assistant);
  adiuva_chat_request_add_message (request, paris);
  adiuva_chat_request_add_message (request, oslo);
  adiuva_chat_request_add_message (request, follow_up);

  assert_encodes_to (request, "{\"contents\": ["
                              "  {\"role\": \"user\", \"parts\": [{\"text\": \"Weather in Paris and Oslo?\"}]},"
                              "  {\"role\": \"model\", \"parts\": ["
                              "    {\"text\": \"Checking.\"},"
                              "    {\"functionCall\": {\"name\": \"get_weather\", \"id\": \"fc-1\","
                              "                        \"args\": {\"city\": \"Paris\", \"days\": 1.5}},"
                              "     \"thoughtSignature\": \"c2lnbmF0dXJl\"},"
                              "    {\"functionCall\": {\"name\": \"get_weather\", \"args\": {\"city\": \"Oslo\"}}}]},"
                              "  {\"role\": \"user\", \"parts\": ["
                              "    {\"functionResponse\": {\"name\": \"get_weather\", \"id\": \"fc-1\", \"response\": {\"temp\": 21}}},"
                              "    {\"functionResponse\": {\"name\": \"get_weather\", \"response\": {\"output\": \"Rain, 9 °C\"}}},"
                              "    {\"text\": \"Thanks!\"}]}"
                              "]}");
}

static void
test_encode_signature_on_text (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-3-pro-preview");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Hi");
  g_autoptr (AdiuvaChatMessage) assistant = adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "Hello!");
  g_autoptr (AdiuvaChatMessage) again = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Bye");

  assistant->reasoning_signature = g_strdup ("CiIB0e2K");
  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, assistant);
  adiuva_chat_request_add_message (request, again);

  assert_encodes_to (request, "{\"contents\": ["
                              "  {\"role\": \"user\", \"parts\": [{\"text\": \"Hi\"}]},"
                              "  {\"role\": \"model\", \"parts\": [{\"text\": \"Hello!\", \"thoughtSignature\": \"CiIB0e2K\"}]},"
                              "  {\"role\": \"user\", \"parts\": [{\"text\": \"Bye\"}]}]}");
}

static void
test_encode_tool_definitions (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Book it.");
  g_autoptr (JsonNode) schema = parse_json (
      "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
      " \"type\": \"object\", \"additionalProperties\": false,"
      " \"properties\": {"
      "   \"when\": {\"type\": \"string\", \"format\": \"date-time\", \"description\": \"Start\"},"
      "   \"site\": {\"type\": \"string\", \"format\": \"uri\", \"default\": \"https://x\"},"
      "   \"seats\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 9, \"exclusiveMaximum\": 10},"
      "   \"class\": {\"enum\": [\"economy\", \"business\", null]},"
      "   \"floor\": {\"type\": \"integer\", \"enum\": [1, 2]},"
      "   \"kind\": {\"const\": \"flight\"},"
      "   \"note\": {\"type\": [\"string\", \"null\"], \"maxLength\": 200},"
      "   \"code\": {\"type\": [\"string\", \"integer\"]},"
      "   \"guest\": {\"anyOf\": [{\"$ref\": \"#/$defs/Person\"}, {\"type\": \"null\"}], \"description\": \"Who\"},"
      "   \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true, \"maxItems\": 3},"
      "   \"pair\": {\"type\": \"array\", \"items\": [{\"type\": \"number\"}], \"minItems\": 2},"
      "   \"pay\": {\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"number\"}]},"
      "   \"boss\": {\"allOf\": [{\"$ref\": \"#/definitions/Person\"}], \"description\": \"The boss\"}"
      " },"
      " \"required\": [\"when\", \"seats\", \"ghost\"],"
      " \"$defs\": {\"Person\": {\"type\": \"object\", \"title\": \"Person\", \"description\": \"A person\","
      "   \"properties\": {\"name\": {\"type\": \"string\"}, \"friend\": {\"$ref\": \"#/$defs/Person\"}},"
      "   \"required\": [\"name\"]}},"
      " \"definitions\": {\"Person\": {\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}}}}"
      "}");

  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_tool (request, "book", "Books a trip", schema);
  adiuva_chat_request_add_tool (request, "ping", NULL, NULL);

  /* A person's friend is a person: Gemini's subset has no references, so the expansion
   * stops where it would repeat. */
  assert_encodes_to (request, "{"
                              "\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"Book it.\"}]}],"
                              "\"tools\": [{\"functionDeclarations\": [{"
                              "  \"name\": \"book\", \"description\": \"Books a trip\","
                              "  \"parameters\": {\"type\": \"OBJECT\", \"properties\": {"
                              "    \"when\": {\"type\": \"STRING\", \"format\": \"date-time\", \"description\": \"Start\"},"
                              "    \"site\": {\"type\": \"STRING\"},"
                              "    \"seats\": {\"type\": \"INTEGER\", \"minimum\": 1, \"maximum\": 9},"
                              "    \"class\": {\"enum\": [\"economy\", \"business\"], \"nullable\": true},"
                              "    \"floor\": {\"type\": \"INTEGER\", \"enum\": [\"1\", \"2\"]},"
                              "    \"kind\": {\"enum\": [\"flight\"]},"
                              "    \"note\": {\"type\": \"STRING\", \"nullable\": true, \"maxLength\": 200},"
                              "    \"code\": {\"anyOf\": [{\"type\": \"STRING\"}, {\"type\": \"INTEGER\"}]},"
                              "    \"guest\": {\"nullable\": true, \"description\": \"Who\", \"type\": \"OBJECT\","
                              "               \"title\": \"Person\", \"required\": [\"name\"],"
                              "               \"properties\": {\"name\": {\"type\": \"STRING\"},"
                              "                              \"friend\": {\"type\": \"OBJECT\"}}},"
                              "    \"tags\": {\"type\": \"ARRAY\", \"items\": {\"type\": \"STRING\"}, \"maxItems\": 3},"
                              "    \"pair\": {\"type\": \"ARRAY\", \"items\": {\"type\": \"NUMBER\"}, \"minItems\": 2},"
                              "    \"pay\": {\"anyOf\": [{\"type\": \"STRING\"}, {\"type\": \"NUMBER\"}]},"
                              "    \"boss\": {\"type\": \"OBJECT\", \"description\": \"The boss\","
                              "              \"properties\": {\"name\": {\"type\": \"STRING\"}}}"
                              "  }, \"required\": [\"when\", \"seats\"]}},"
                              "  {\"name\": \"ping\", \"parameters\": {\"type\": \"OBJECT\", \"properties\": {}}}"
                              "]}]}");
}

/* Schemas that would expand without end, or nearly: cut off, and quickly. */
static void
test_encode_schema_limits (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Go");
  g_autoptr (GString) chain = g_string_new ("{\"$ref\": \"#/$defs/d0\", \"$defs\": {");
  g_autoptr (JsonNode) tree =
      parse_json ("{\"$ref\": \"#/$defs/Node\", \"$defs\": {\"Node\": {\"type\": \"object\","
                  " \"properties\": {\"a\": {\"$ref\": \"#/$defs/Node\"},"
                  " \"b\": {\"$ref\": \"#/$defs/Node\"}, \"c\": {\"$ref\": \"#/$defs/Node\"}}}}}");
  g_autoptr (JsonNode) chain_schema = NULL;
  g_autoptr (GString) nested = g_string_new (NULL);
  g_autoptr (JsonNode) nested_schema = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *text = NULL;

  /* d0 has three properties that are d1, d1 has three that are d2, …: 3^20 schemas unfolded. */
  for (guint i = 0; i < 20; i++)
    g_string_append_printf (chain, "%s\"d%u\": {\"type\": \"object\", \"properties\": {"
                                   "\"x\": {\"$ref\": \"#/$defs/d%u\"}, \"y\": {\"$ref\": \"#/$defs/d%u\"},"
                                   " \"z\": {\"$ref\": \"#/$defs/d%u\"}}}",
                            i > 0 ? ", " : "", i, i + 1, i + 1, i + 1);
  g_string_append (chain, ", \"d20\": {\"type\": \"string\"}}}");
  chain_schema = parse_json (chain->str);

  for (guint i = 0; i < 200; i++)
    g_string_append (nested, "{\"type\": \"array\", \"items\": ");
  g_string_append (nested, "{\"type\": \"string\"}");
  for (guint i = 0; i < 200; i++)
    g_string_append (nested, "}");
  nested_schema = parse_json (nested->str);

  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_tool (request, "tree", NULL, tree);
  adiuva_chat_request_add_tool (request, "chain", NULL, chain_schema);
  adiuva_chat_request_add_tool (request, "nested", NULL, nested_schema);
  body = encode (request);
  text = to_json (body);
  g_assert_cmpuint (strlen (text), <, 1024 * 1024);
}

static AdiuvaChatRequest *
new_tool_request (AdiuvaToolChoice choice)
{
  AdiuvaChatRequest *request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Go");

  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_tool (request, "a", "A", NULL);
  adiuva_chat_request_add_tool (request, "b", "B", NULL);
  request->tool_choice = choice;
  return request;
}

static void
test_encode_tool_choice (void)
{
  static const struct
  {
    AdiuvaToolChoice choice;
    const char      *config;
  } cases[] = {
    { ADIUVA_TOOL_CHOICE_AUTO, NULL },
    { ADIUVA_TOOL_CHOICE_NONE, "{\"functionCallingConfig\": {\"mode\": \"NONE\"}}" },
    { ADIUVA_TOOL_CHOICE_REQUIRED, "{\"functionCallingConfig\": {\"mode\": \"ANY\"}}" },
    { ADIUVA_TOOL_CHOICE_NAMED,
      "{\"functionCallingConfig\": {\"mode\": \"ANY\", \"allowedFunctionNames\": [\"b\"]}}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AdiuvaChatRequest) request = new_tool_request (cases[i].choice);
      g_autoptr (JsonNode) body = NULL;
      JsonNode *config;

      request->tool_choice_name = g_strdup ("b");
      body = encode (request);
      config = json_object_get_member (json_node_get_object (body), "toolConfig");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (body), "tools")), ==, 1);

      if (cases[i].config == NULL)
        g_assert_null (config);
      else
        assert_json_equal (config, cases[i].config);
    }
}

static void
test_encode_generation_config (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Count");
  const char *stop[] = { "END", "\n\n", NULL };
  g_autoptr (JsonNode) body = NULL;

  adiuva_chat_request_add_message (request, user);
  /* Nothing set: no generationConfig at all. */
  body = encode (request);
  g_assert_false (json_object_has_member (json_node_get_object (body), "generationConfig"));
  g_clear_pointer (&body, json_node_unref);

  request->temperature = 0.25;
  request->top_p = 0.5;
  request->max_tokens = 512;
  request->stop = g_strdupv ((GStrv) stop);
  assert_encodes_to (request, "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"Count\"}]}],"
                              " \"generationConfig\": {\"temperature\": 0.25, \"topP\": 0.5, \"maxOutputTokens\": 512,"
                              "                        \"stopSequences\": [\"END\", \"\\n\\n\"]}}");

  /* 0 is a temperature, not "unset". */
  request->temperature = 0;
  request->top_p = -1;
  request->max_tokens = 0;
  g_clear_pointer (&request->stop, g_strfreev);
  assert_encodes_to (request, "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"Count\"}]}],"
                              " \"generationConfig\": {\"temperature\": 0}}");
}

static void
test_encode_json_mode (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "A recipe");
  g_autoptr (JsonNode) body = NULL;
  JsonObject *config;

  adiuva_chat_request_add_message (request, user);
  request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_OBJECT;
  body = encode (request);
  assert_json_equal (json_object_get_member (json_node_get_object (body), "generationConfig"),
                     "{\"responseMimeType\": \"application/json\"}");
  g_clear_pointer (&body, json_node_unref);

  request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
  request->json_schema_name = g_strdup ("recipe");
  request->json_schema = parse_json ("{\"type\": \"object\", \"additionalProperties\": false,"
                                     " \"properties\": {\"name\": {\"type\": \"string\"},"
                                     "   \"steps\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}},"
                                     " \"required\": [\"name\", \"steps\"]}");
  body = encode (request);
  config = json_object_get_object_member (json_node_get_object (body), "generationConfig");
  assert_json_equal (json_object_get_member (json_node_get_object (body), "generationConfig"),
                     "{\"responseMimeType\": \"application/json\", \"responseSchema\": {"
                     "  \"type\": \"OBJECT\", \"properties\": {\"name\": {\"type\": \"STRING\"},"
                     "    \"steps\": {\"type\": \"ARRAY\", \"items\": {\"type\": \"STRING\"}}},"
                     "  \"required\": [\"name\", \"steps\"]}}");
  g_assert_nonnull (config);
}

static void
test_encode_reasoning (void)
{
  static const struct
  {
    AdiuvaReasoningEffort effort;
    gint64                budget;
    gint64                expected;
  } cases[] = {
    { ADIUVA_REASONING_DEFAULT, 0, 0 },
    { ADIUVA_REASONING_LOW, 0, 1024 },
    { ADIUVA_REASONING_MEDIUM, 0, 8192 },
    { ADIUVA_REASONING_HIGH, 0, 24576 },
    { ADIUVA_REASONING_DEFAULT, 2000, 2000 },
    { ADIUVA_REASONING_LOW, 3000, 3000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-pro");
      g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Think");
      g_autoptr (JsonNode) body = NULL;
      JsonObject *object;

      adiuva_chat_request_add_message (request, user);
      request->reasoning = cases[i].effort;
      request->reasoning_budget = cases[i].budget;
      body = encode (request);
      object = json_node_get_object (body);

      if (cases[i].expected == 0)
        g_assert_false (json_object_has_member (object, "generationConfig"));
      else
        {
          g_autofree char *expected =
              g_strdup_printf ("{\"thinkingConfig\": {\"thinkingBudget\": %" G_GINT64_FORMAT ","
                               " \"includeThoughts\": true}}",
                               cases[i].expected);

          assert_json_equal (json_object_get_member (object, "generationConfig"), expected);
        }
    }
}

static void
test_encode_stream_flag (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Hi");
  g_autoptr (JsonNode) unstreamed = NULL;
  g_autoptr (JsonNode) streamed = NULL;
  g_autofree char *mismatch = NULL;

  adiuva_chat_request_add_message (request, user);
  request->temperature = 1;
  unstreamed = encode (request);
  request->stream = TRUE;
  streamed = encode (request);

  /* Gemini streams by URL (streamGenerateContent?alt=sse); the body is the same. */
  mismatch = find_mismatch (streamed, unstreamed, FALSE, "$");
  g_assert_cmpstr (mismatch, ==, NULL);
  g_assert_false (json_object_has_member (json_node_get_object (streamed), "stream"));
}

static void
test_encode_refusals (void)
{
  g_autoptr (AdiuvaChatRequest) orphan = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatRequest) bad_args = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatRequest) only_system = adiuva_chat_request_new ("gemini-2.5-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Hi");
  g_autoptr (AdiuvaChatMessage) result = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "42");
  g_autoptr (AdiuvaChatMessage) assistant = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) system = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "Be kind");
  g_autoptr (GError) error = NULL;
  JsonNode *body;

  result->tool_call_id = g_strdup ("call_nowhere");
  adiuva_chat_request_add_message (orphan, user);
  adiuva_chat_request_add_message (orphan, result);
  body = codec->encode_request (orphan, &error);
  g_assert_null (body);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "call_nowhere"));
  g_clear_error (&error);

  adiuva_chat_message_add_tool_call (assistant, "c1", "calc", "[1, 2]");
  adiuva_chat_request_add_message (bad_args, user);
  adiuva_chat_request_add_message (bad_args, assistant);
  body = codec->encode_request (bad_args, &error);
  g_assert_null (body);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  adiuva_chat_request_add_message (only_system, system);
  body = codec->encode_request (only_system, &error);
  g_assert_null (body);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  {
    g_autoptr (AdiuvaChatRequest) unnamed = new_tool_request (ADIUVA_TOOL_CHOICE_NAMED);

    body = codec->encode_request (unnamed, &error);
    g_assert_null (body);
    g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  }
}

/* The request pydantic-ai's Gemini model sent for a second round of calls: the same
 * conversation in canonical form encodes to the same structure, field for field. */
static void
test_encode_matches_pydantic_ai (void)
{
  g_autoptr (JsonNode) recorded =
      load_recorded_request (PYDANTIC "iter_stream_functionCall_2_200.meta.json");
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.0-flash");
  g_autoptr (AdiuvaChatMessage) system =
      adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "You are a helpful chatbot.");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER,
                                                                     "What is the temperature of the capital of France?");
  g_autoptr (AdiuvaChatMessage) call_1 = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) result_1 =
      adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "{\"return_value\": \"Paris\"}");
  g_autoptr (AdiuvaChatMessage) call_2 = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) result_2 =
      adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "{\"return_value\": \"30°C\"}");
  g_autoptr (JsonNode) country = parse_json ("{\"type\": \"object\", \"properties\": {\"country\": "
                                             "{\"type\": \"string\", \"description\": \"The country name.\"}},"
                                             " \"required\": [\"country\"], \"additionalProperties\": false}");
  g_autoptr (JsonNode) city = parse_json ("{\"type\": \"object\", \"properties\": {\"city\": "
                                          "{\"type\": \"string\", \"description\": \"The city name.\"}},"
                                          " \"required\": [\"city\"]}");
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *mismatch = NULL;

  if (recorded == NULL)
    return;

  adiuva_chat_message_add_tool_call (call_1, "pyd_ai_0e1a07b3c2b64d2ab3ad2efbe18e1b97", "get_capital",
                                     "{\"country\": \"France\"}");
  result_1->tool_call_id = g_strdup ("pyd_ai_0e1a07b3c2b64d2ab3ad2efbe18e1b97");
  adiuva_chat_message_add_tool_call (call_2, "pyd_ai_98b25d994c5648df82f683188629229d", "get_temperature",
                                     "{\"city\":\"Paris\"}");
  result_2->tool_call_id = g_strdup ("pyd_ai_98b25d994c5648df82f683188629229d");
  result_2->name = g_strdup ("get_temperature");

  adiuva_chat_request_add_message (request, system);
  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, call_1);
  adiuva_chat_request_add_message (request, result_1);
  adiuva_chat_request_add_message (request, call_2);
  adiuva_chat_request_add_message (request, result_2);
  adiuva_chat_request_add_tool (request, "get_capital", "Get the capital of a country.", country);
  adiuva_chat_request_add_tool (request, "get_temperature", "Get the temperature in a city.", city);

  body = encode (request);
  mismatch = find_mismatch (body, recorded, TRUE, "$");
  g_assert_cmpstr (mismatch, ==, NULL);
  /* And nothing of theirs is missing from ours but their empty generationConfig and the
   * role they give the system instruction. */
  g_assert_cmpuint (json_object_get_size (json_node_get_object (body)), ==,
                    json_object_get_size (json_node_get_object (recorded)) - 1);
}

static void
test_encode_matches_recorded_settings (void)
{
  g_autoptr (JsonNode) temperature = load_recorded_request (PYDANTIC "model_stream_0_200.meta.json");
  g_autoptr (JsonNode) langchaingo =
      load_recorded_request (LANGCHAINGO "TestGoogleAIGenerateContentWithMultipleMessages_0_200.meta.json");
  g_autoptr (JsonNode) thinking = load_recorded_request (PYDANTIC "thinking_part_iter_0_200.meta.json");

  if (temperature == NULL || langchaingo == NULL || thinking == NULL)
    return;

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.0-flash-exp");
    g_autoptr (AdiuvaChatMessage) system =
        adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "You are a helpful chatbot.");
    g_autoptr (AdiuvaChatMessage) user =
        adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "What is the capital of France?");
    g_autoptr (JsonNode) body = NULL;
    g_autofree char *mismatch = NULL;

    adiuva_chat_request_add_message (request, system);
    adiuva_chat_request_add_message (request, user);
    request->temperature = 0.0;
    request->stream = TRUE;
    body = encode (request);
    mismatch = find_mismatch (body, temperature, TRUE, "$");
    g_assert_cmpstr (mismatch, ==, NULL);
  }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-1.5-flash");
    g_autoptr (AdiuvaChatMessage) first =
        adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "My name is Alice");
    g_autoptr (AdiuvaChatMessage) reply =
        adiuva_chat_message_new_text (ADIUVA_ROLE_ASSISTANT, "Nice to meet you, Alice!");
    g_autoptr (AdiuvaChatMessage) second =
        adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "What's my name?");
    g_autoptr (JsonNode) body = NULL;
    g_autofree char *mismatch = NULL;

    adiuva_chat_request_add_message (request, first);
    adiuva_chat_request_add_message (request, reply);
    adiuva_chat_request_add_message (request, second);
    request->temperature = 0.5;
    request->top_p = 0.95;
    request->max_tokens = 2048;
    body = encode (request);
    mismatch = find_mismatch (body, langchaingo, TRUE, "$");
    g_assert_cmpstr (mismatch, ==, NULL);
  }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.5-pro");
    g_autoptr (AdiuvaChatMessage) user =
        adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "How do I cross the street?");
    g_autoptr (JsonNode) body = NULL;
    JsonObject *ours;
    JsonObject *theirs;

    adiuva_chat_request_add_message (request, user);
    request->reasoning = ADIUVA_REASONING_MEDIUM;
    body = encode (request);
    ours = json_object_get_object_member (json_object_get_object_member (json_node_get_object (body), "generationConfig"),
                                          "thinkingConfig");
    theirs = json_object_get_object_member (json_object_get_object_member (json_node_get_object (thinking), "generationConfig"),
                                            "thinkingConfig");
    /* pydantic-ai left the budget to Gemini; we ask for thoughts the same way. */
    g_assert_true (json_object_get_boolean_member (ours, "includeThoughts"));
    g_assert_true (json_object_get_boolean_member (theirs, "includeThoughts"));
  }
}

/* A whole turn: decode Gemini's streamed call, send the result back, and compare with the
 * request pydantic-ai made of the same answer; the thought signature must go back. */
static void
test_round_trip_thought_signature (void)
{
  g_autoptr (GBytes) stream = load_fixture (PYDANTIC "streaming_tool_call_thought_signature_0_200.sse");
  g_autoptr (JsonNode) recorded =
      load_recorded_request (PYDANTIC "streaming_tool_call_thought_signature_1_200.meta.json");
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-3-pro-preview");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER,
                                                                     "What is the capital of the user country? Call the tool");
  g_autoptr (AdiuvaChatMessage) result =
      adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "{\"return_value\": \"Mexico\"}");
  g_autoptr (Outcome) answer = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char      *mismatch = NULL;
  const AdiuvaToolCall *call;
  JsonObject           *model_part;

  if (stream == NULL || recorded == NULL)
    return;

  answer = decode_stream (g_bytes_get_data (stream, NULL), g_bytes_get_size (stream), NULL, 0);
  g_assert_no_error (answer->error);
  g_assert_cmpuint (answer->message->tool_calls->len, ==, 1);
  call = g_ptr_array_index (answer->message->tool_calls, 0);
  result->tool_call_id = g_strdup (call->id);

  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, answer->message);
  adiuva_chat_request_add_message (request, result);
  body = encode (request);

  mismatch = find_mismatch (json_object_get_member (json_node_get_object (body), "contents"),
                            json_object_get_member (json_node_get_object (recorded), "contents"),
                            TRUE, "$.contents");
  g_assert_cmpstr (mismatch, ==, NULL);

  model_part = json_array_get_object_element (
      json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (body), "contents"), 1),
                                    "parts"),
      0);
  g_assert_true (json_object_has_member (model_part, "thoughtSignature"));
  /* The id was made up for Gemini's id-less call, so Gemini does not get it back. */
  g_assert_false (json_object_has_member (json_object_get_object_member (model_part,
                                                                         "functionCall"),
                                          "id"));
}

/* The same for langchaingo's recorded tool round trip (enum numbers and all). */
static void
test_round_trip_langchaingo (void)
{
  g_autoptr (JsonNode) first = load_fixture_json (LANGCHAINGO "TestGoogleAIToolCallResponse_0_200.json");
  g_autoptr (JsonNode) recorded =
      load_recorded_request (LANGCHAINGO "TestGoogleAIToolCallResponse_1_200.meta.json");
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gemini-2.0-flash");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "What is 15 * 7?");
  g_autoptr (AdiuvaChatMessage) result =
      adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "{\"response\": \"105\"}");
  g_autoptr (Outcome) answer = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *mismatch = NULL;
  JsonObject      *object;

  if (first == NULL || recorded == NULL)
    return;

  answer = decode_body (first);
  g_assert_no_error (answer->error);
  result->tool_call_id = g_strdup (((AdiuvaToolCall *) g_ptr_array_index (answer->message->tool_calls, 0))->id);

  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, answer->message);
  adiuva_chat_request_add_message (request, result);
  request->temperature = 0.5;
  request->top_p = 0.95;
  request->max_tokens = 2048;
  body = encode (request);
  object = json_node_get_object (body);

  mismatch = find_mismatch (json_object_get_member (object, "contents"),
                            json_object_get_member (json_node_get_object (recorded), "contents"),
                            TRUE, "$.contents");
  g_assert_cmpstr (mismatch, ==, NULL);
  g_clear_pointer (&mismatch, g_free);
  mismatch = find_mismatch (json_object_get_member (object, "generationConfig"),
                            json_object_get_member (json_node_get_object (recorded),
                                                    "generationConfig"),
                            TRUE,
                            "$.generationConfig");
  g_assert_cmpstr (mismatch, ==, NULL);
}

/* decode_response ------------------------------------------------------------------------- */

typedef struct
{
  const char        *file;
  AdiuvaFinishReason finish;
  gint64             usage[4]; /* input, output, cached, reasoning */
  const char        *text;     /* exactly, when short enough to say */
} BodyCase;

static const BodyCase body_cases[] = {
  { GOOGLEAI "unary-success-basic-reply-short.json",
    ADIUVA_FINISH_STOP,
    { 7, 22, 0, 0 },
    "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n" },
  { GOOGLEAI "unary-success-basic-reply-long.json", ADIUVA_FINISH_STOP, { 9, 1612, 0, 0 }, NULL },
  { GOOGLEAI "unary-success-citations.json",
    ADIUVA_FINISH_STOP,
    { 15, 1667, 0, 0 },
    "Okay, let's break down quantum mechanics. It's a challenging but fascinating area of physics!" },
  /* executableCode and codeExecutionResult have no canonical form; toolUsePromptTokenCount is input. */
  { GOOGLEAI "unary-success-code-execution.json",
    ADIUVA_FINISH_STOP,
    { 181, 182, 0, 86 },
    "The first 5 prime numbers are 2, 3, 5, 7, and 11.\nThe sum of these numbers is:\n2 + 3 + 5 + 7 + 11 = 28" },
  { GOOGLEAI "unary-success-google-maps-grounding.json", ADIUVA_FINISH_STOP, { 68, 375, 0, 87 }, NULL },
  { GOOGLEAI "unary-success-google-search-grounding.json", ADIUVA_FINISH_STOP, { 8, 60, 0, 0 }, NULL },
  { GOOGLEAI "unary-success-google-search-grounding-empty-grounding-chunks.json",
    ADIUVA_FINISH_STOP,
    { 8, 59, 0, 0 },
    NULL },
  { GOOGLEAI "unary-success-thinking-function-call-thought-summary-signature.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { 38, 509, 0, 501 },
    "" },
  { GOOGLEAI "unary-success-thinking-reply-thought-summary.json",
    ADIUVA_FINISH_STOP,
    { 14, 26, 0, 24 },
    "Mountain View" },
  { GOOGLEAI "unary-success-url-context.json", ADIUVA_FINISH_STOP, { 439, 244, 0, 142 }, NULL },
  { GOOGLEAI "unary-success-url-context-mixed-validity.json",
    ADIUVA_FINISH_STOP,
    { 2079, 358, 0, 46 },
    NULL },
  { GOOGLEAI "unary-failure-finish-reason-safety.json",
    ADIUVA_FINISH_CONTENT_FILTER,
    { 7, 20, 0, 0 },
    "Safety error incoming in 5, 4, 3, 2..." },
  /* Recorded with enum-encoding=int: finishReason 1 is STOP. */
  { LANGCHAINGO "TestGoogleAICall_0_200.json", ADIUVA_FINISH_STOP, { 8, 8, 0, 0 }, "2 + 2 = 4\n" },
  { LANGCHAINGO "TestGoogleAIToolCallResponse_0_200.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { 21, 7, 0, 0 },
    "" },
  { LANGCHAINGO "TestGoogleAIWithTools_0_200.json", ADIUVA_FINISH_TOOL_CALLS, { 27, 5, 0, 0 }, "" },
  { LANGCHAINGO "TestGoogleAIWithHarmThreshold_0_200.json", ADIUVA_FINISH_STOP, { 5, 497, 0, 0 }, NULL },
  /* streamGenerateContent without alt=sse: a JSON list of responses. */
  { LANGCHAINGO "TestGoogleAIGenerateContentWithMultipleMessages_0_200.json",
    ADIUVA_FINISH_STOP,
    { 17, 6, 0, 0 },
    "Your name is Alice.\n" },
  { LANGCHAINGO "TestGoogleAIToolCallResponse_1_200.json",
    ADIUVA_FINISH_STOP,
    { 33, 12, 0, 0 },
    "15 * 7 is 105.\n" },
  { LANGCHAINGO "TestGoogleAIWithStreaming_0_200.json", ADIUVA_FINISH_STOP, { 8, 578, 0, 0 }, NULL },
  /* Vertex AI mocks share the shape; the Developer API ones have no parallel calls. */
  { VERTEXAI "unary-success-function-call-parallel-calls.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { -1, -1, -1, -1 },
    "" },
  { VERTEXAI "unary-success-function-call-different-parallel-calls.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { -1, -1, -1, -1 },
    "" },
  { VERTEXAI "unary-success-function-call-mixed-content.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { -1, -1, -1, -1 },
    "The sum of [1, 2,3] is" },
  { VERTEXAI "unary-success-function-call-null.json", ADIUVA_FINISH_TOOL_CALLS, { 774, 4176, 0, 0 }, "" },
  { VERTEXAI "unary-success-function-call-empty-arguments.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { -1, -1, -1, -1 },
    "" },
  { VERTEXAI "unary-success-function-call-complex-json-literal.json",
    ADIUVA_FINISH_TOOL_CALLS,
    { 774, 4176, 0, 0 },
    "" },
  { VERTEXAI "unary-success-implicit-caching.json",
    ADIUVA_FINISH_STOP,
    { 12013, 88, 11243, 73 },
    "Red Riding Hood is looking for **directions** in the forest." },
  /* Gemini leaves out counts of 0. */
  { VERTEXAI "unary-success-partial-usage-metadata.json",
    ADIUVA_FINISH_STOP,
    { 6, 0, 0, 0 },
    "Mountain View, California, United States" },
  /* A reason added after this codec was written still ends the answer. */
  { VERTEXAI "unary-failure-unknown-enum-finish-reason.json",
    ADIUVA_FINISH_STOP,
    { -1, -1, -1, -1 },
    "Some text" },
  { VERTEXAI "unary-failure-prompt-blocked-safety.json",
    ADIUVA_FINISH_CONTENT_FILTER,
    { -1, -1, -1, -1 },
    "" },
  { VERTEXAI "unary-failure-unknown-enum-prompt-blocked.json",
    ADIUVA_FINISH_CONTENT_FILTER,
    { -1, -1, -1, -1 },
    "" },
};

static void
test_decode_response_fixture (gconstpointer data)
{
  const BodyCase *c = data;
  g_autoptr (JsonNode) body = load_fixture_json (c->file);
  g_autoptr (Expected) expected = NULL;
  g_autoptr (Outcome) outcome = NULL;
  g_autofree char *text = NULL;
  g_autoptr (Outcome) again = NULL;

  if (body == NULL)
    return;

  expected = read_expected_body (body);
  outcome = decode_body (body);
  g_assert_no_error (outcome->error);
  assert_matches_expected (outcome, expected);
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (outcome->answer), ==, c->finish);
  assert_usage (outcome, c->usage[0], c->usage[1], c->usage[2], c->usage[3]);

  text = adiuva_chat_message_dup_text (outcome->message);
  if (c->text != NULL)
    g_assert_cmpstr (text, ==, c->text);
  else
    g_assert_cmpuint (strlen (text), >, 100);

  /* The same bytes give the same answer, ids included. */
  again = decode_body (body);
  g_assert_cmpstr (again->summary, ==, outcome->summary);
}

static void
test_decode_response_details (void)
{
  g_autoptr (JsonNode) thinking =
      load_fixture_json (GOOGLEAI "unary-success-thinking-function-call-thought-summary-signature.json");
  g_autoptr (JsonNode) parallel =
      load_fixture_json (VERTEXAI "unary-success-function-call-parallel-calls.json");
  g_autoptr (JsonNode) null_args = load_fixture_json (VERTEXAI "unary-success-function-call-null.json");
  g_autoptr (Outcome) outcome = NULL;
  const AdiuvaToolCall *call;

  if (thinking == NULL || parallel == NULL || null_args == NULL)
    return;

  outcome = decode_body (thinking);
  g_assert_true (g_str_has_prefix (outcome->message->reasoning,
                                   "**Thinking Through the New Year's Eve Calculation**"));
  g_assert_true (g_str_has_prefix (outcome->message->reasoning_signature, "CtQOAVSoXO74PmYr9AFurEIJ"));
  call = g_ptr_array_index (outcome->message->tool_calls, 0);
  g_assert_cmpstr (call->name, ==, "now");
  g_assert_cmpstr (call->arguments, ==, "{}");
  g_clear_pointer (&outcome, outcome_free);

  /* Parallel calls of one tool: three indexes, three ids, arguments in Gemini's order. */
  outcome = decode_body (parallel);
  g_assert_cmpuint (outcome->message->tool_calls->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *arguments = g_strdup_printf ("{\"y\":%u,\"x\":%u}", 2 * i + 1, 2 * i + 2);

      call = g_ptr_array_index (outcome->message->tool_calls, i);
      g_assert_cmpstr (call->name, ==, "sum");
      g_assert_cmpstr (call->arguments, ==, arguments);
    }
  g_clear_pointer (&outcome, outcome_free);

  outcome = decode_body (null_args);
  call = g_ptr_array_index (outcome->message->tool_calls, 0);
  g_assert_cmpstr (call->arguments, ==, "{\"original_title\":\"String\",\"season\":null}");
}

static void
test_decode_response_hand_written (void)
{
  static const struct
  {
    const char *body;
    int         code; /* -1: no error */
    const char *in_message;
  } cases[] = {
    /* Gemini's own ids are kept; numbers written back as the model wrote them. */
    { "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"id\": \"fc_7\", \"name\": \"f\","
      " \"args\": {\"lat\": 48.85, \"n\": 3, \"big\": 1e300, \"s\": \"a\\\"b\\n\\u0001é\", \"l\": [true, false, null],"
      " \"whole\": 2.0}}}]}, \"finishReason\": \"STOP\"}]}",
      -1, NULL },
    { "{\"candidates\": [{\"finishReason\": \"MAX_TOKENS\", \"content\": {\"parts\": [{\"text\": \"Once\"}]}}]}", -1, NULL },
    { "{\"candidates\": [{\"finishReason\": 2}]}", -1, NULL },
    { "{\"candidates\": [], \"promptFeedback\": {\"blockReason\": 1}}", -1, NULL },
    { "{\"candidates\": [{\"finishReason\": \"OTHER\", \"finishMessage\": \"Model failed to generate content.\"}]}",
      ADIUVA_GATEWAY_ERROR_SERVER, "Model failed to generate content." },
    { "{\"candidates\": [{\"finishReason\": \"MALFORMED_FUNCTION_CALL\"}]}", ADIUVA_GATEWAY_ERROR_SERVER,
      "MALFORMED_FUNCTION_CALL" },
    { "{\"error\": {\"code\": 503, \"message\": \"The model is overloaded.\", \"status\": \"UNAVAILABLE\"}}",
      ADIUVA_GATEWAY_ERROR_OVERLOADED, "The model is overloaded." },
    { "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}}]}", ADIUVA_GATEWAY_ERROR_PROTOCOL, NULL },
    { "[]", ADIUVA_GATEWAY_ERROR_PROTOCOL, NULL },
    { "\"text\"", ADIUVA_GATEWAY_ERROR_PROTOCOL, NULL },
    { "{\"candidates\": {}}", ADIUVA_GATEWAY_ERROR_PROTOCOL, "candidates" },
    { "{\"candidates\": [7]}", ADIUVA_GATEWAY_ERROR_PROTOCOL, NULL },
    { "{\"candidates\": [{\"content\": {\"parts\": {}}}]}", ADIUVA_GATEWAY_ERROR_PROTOCOL, "parts" },
    { "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": 5}]}}]}", ADIUVA_GATEWAY_ERROR_PROTOCOL, "text" },
    { "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"args\": {}}}]}}]}",
      ADIUVA_GATEWAY_ERROR_PROTOCOL, NULL },
    { "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"f\", \"args\": [1]}}]}}]}",
      ADIUVA_GATEWAY_ERROR_PROTOCOL, "args" },
    { "{\"candidates\": [{\"finishReason\": true}]}", ADIUVA_GATEWAY_ERROR_PROTOCOL, "finishReason" },
    { "{\"usageMetadata\": []}", ADIUVA_GATEWAY_ERROR_PROTOCOL, "usageMetadata" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) body = parse_json (cases[i].body);
      g_autoptr (Outcome) outcome = decode_body (body);

      g_test_message ("body %u: %s", i, cases[i].body);
      if (cases[i].code < 0)
        g_assert_no_error (outcome->error);
      else
        {
          g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, cases[i].code);
          if (cases[i].in_message != NULL)
            g_assert_nonnull (strstr (outcome->error->message, cases[i].in_message));
        }

      if (i == 0)
        {
          const AdiuvaToolCall *call = g_ptr_array_index (outcome->message->tool_calls, 0);

          g_assert_cmpstr (call->id, ==, "fc_7");
          g_assert_cmpstr (call->arguments, ==,
                           "{\"lat\":48.85,\"n\":3,\"big\":1e+300,\"s\":\"a\\\"b\\n\\u0001é\",\"l\":[true,false,null],"
                           "\"whole\":2.0}");
          g_assert_cmpint (adiuva_chat_accumulator_get_finish (outcome->answer), ==,
                           ADIUVA_FINISH_TOOL_CALLS);
        }
      else if (i == 1 || i == 2)
        g_assert_cmpint (adiuva_chat_accumulator_get_finish (outcome->answer), ==, ADIUVA_FINISH_LENGTH);
      else if (i == 3)
        g_assert_cmpint (adiuva_chat_accumulator_get_finish (outcome->answer), ==,
                         ADIUVA_FINISH_CONTENT_FILTER);
    }
}

static void
test_decode_response_failures (void)
{
  g_autoptr (JsonNode) only_feedback =
      load_fixture_json (GOOGLEAI "unary-failure-only-prompt-feedback.json");
  g_autoptr (JsonNode) no_content =
      load_fixture_json (GOOGLEAI "unary-failure-with-message-no-content.json");
  g_autoptr (JsonNode) api_key = load_fixture_json (GOOGLEAI "unary-failure-api-key.json");
  g_autoptr (Outcome) outcome = NULL;

  if (only_feedback == NULL || no_content == NULL || api_key == NULL)
    return;

  /* No candidate and no block reason: nothing says the answer ended. */
  outcome = decode_body (only_feedback);
  g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_clear_pointer (&outcome, outcome_free);

  outcome = decode_body (no_content);
  g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  g_assert_nonnull (strstr (outcome->error->message,
                            "Model failed to generate content due to internal error."));
  g_clear_pointer (&outcome, outcome_free);

  /* An error body where an answer was expected is still Gemini's error. */
  outcome = decode_body (api_key);
  g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_AUTH);
  g_assert_nonnull (strstr (outcome->error->message, "API key not valid."));
}

/* Streams --------------------------------------------------------------------------------- */

typedef struct
{
  const char        *file;
  AdiuvaFinishReason finish;
  gint64             usage[4];
  const char        *text;
  gboolean           check_prefixes; /* cut the body at every byte too */
} StreamCase;

static const StreamCase stream_cases[] = {
  { PYDANTIC "model_stream_0_200.sse",
    ADIUVA_FINISH_STOP,
    { 13, 8, 0, 0 },
    "The capital of France is Paris.\n",
    TRUE },
  { PYDANTIC "iter_stream_functionCall_0_200.sse", ADIUVA_FINISH_TOOL_CALLS, { 52, 5, 0, 0 }, "", TRUE },
  { PYDANTIC "iter_stream_functionCall_2_200.sse",
    ADIUVA_FINISH_STOP,
    { 79, 12, 0, 0 },
    "The temperature in Paris is 30°C.\n",
    TRUE },
  { PYDANTIC "streaming_tool_call_thought_signature_0_200.sse",
    ADIUVA_FINISH_TOOL_CALLS,
    { 29, 212, 0, 202 },
    "",
    TRUE },
  { PYDANTIC "streaming_tool_call_thought_signature_1_200.sse",
    ADIUVA_FINISH_STOP,
    { 257, 8, 0, 0 },
    "The capital of Mexico is Mexico City.",
    TRUE },
  { PYDANTIC "thinking_part_iter_0_200.sse", ADIUVA_FINISH_STOP, { 34, 1256, 0, 787 }, NULL, FALSE },
  { GOOGLEAI "streaming-failure-prompt-blocked-safety.txt",
    ADIUVA_FINISH_CONTENT_FILTER,
    { -1, -1, -1, -1 },
    "",
    TRUE },
  { GOOGLEAI "streaming-failure-recitation-no-content.txt",
    ADIUVA_FINISH_CONTENT_FILTER,
    { 9, 261, 0, 0 },
    "text1text2text3text4text5text6text7text8",
    TRUE },
  { GOOGLEAI "streaming-success-basic-reply-long.txt",
    ADIUVA_FINISH_STOP,
    { 10, 1996, 0, 0 },
    NULL,
    FALSE },
  { GOOGLEAI "streaming-success-basic-reply-short.txt",
    ADIUVA_FINISH_STOP,
    { 7, 10, 0, 0 },
    "The capital of Wyoming is **Cheyenne**.\n",
    TRUE },
  { GOOGLEAI "streaming-success-citations.txt", ADIUVA_FINISH_STOP, { 15, 1381, 0, 0 }, NULL, FALSE },
  { GOOGLEAI "streaming-success-code-execution.txt",
    ADIUVA_FINISH_STOP,
    { 264, 221, 0, 95 },
    NULL,
    TRUE },
  /* An image part has no canonical form; the text around it stays. */
  { GOOGLEAI "streaming-success-empty-parts.txt",
    ADIUVA_FINISH_STOP,
    { 16, 1307, 0, 0 },
    "Here's a cute cartoon kitten playing with a ball of yarn for you! ",
    TRUE },
  /* Ends without the blank line after its last event, and reports no usage. */
  { GOOGLEAI "streaming-success-finish-message.txt",
    ADIUVA_FINISH_STOP,
    { -1, -1, -1, -1 },
    "Hello world!",
    TRUE },
  { GOOGLEAI "streaming-success-no-content-parts.txt",
    ADIUVA_FINISH_STOP,
    { 34, 1370, 0, 0 },
    NULL,
    TRUE },
  { GOOGLEAI "streaming-success-thinking-function-call-thought-summary-signature.txt",
    ADIUVA_FINISH_TOOL_CALLS,
    { 38, 174, 0, 168 },
    "",
    TRUE },
  { GOOGLEAI "streaming-success-thinking-reply-thought-summary.txt",
    ADIUVA_FINISH_STOP,
    { 10, 588, 0, 540 },
    NULL,
    TRUE },
  { GOOGLEAI "streaming-success-url-context.txt", ADIUVA_FINISH_STOP, { 1057, 120, 0, 39 }, NULL, TRUE },
};

/* Splitting a body at every byte costs a decoding of the whole body per byte, which for the
 * three bodies over 8 KiB takes longer than the test may run under a sanitizer: by default
 * those are split near every line end (where the SSE and UTF-8 edge cases are), in their first
 * and last KiB and at every 31st byte; -m thorough or -m slow splits them at every byte. */
#define EVERY_SPLIT_BELOW (8 * 1024)

static gboolean
must_split_at (const char *body,
               gsize       len,
               gsize       split)
{
  if (len <= EVERY_SPLIT_BELOW || g_test_thorough () || g_test_slow ())
    return TRUE;
  if (split < 1024 || split + 1024 > len || split % 31 == 0)
    return TRUE;

  /* From a few bytes before a line end to past the "data: " of the next line. */
  for (gsize i = split > 8 ? split - 8 : 0; i < MIN (split + 4, len); i++)
    if (body[i] == '\n' || body[i] == '\r')
      return TRUE;

  return FALSE;
}

/* Whole, in two feeds split at every byte, and a byte at a time: the same answer each time. */
static void
test_stream_fixture (gconstpointer data)
{
  const StreamCase *c = data;
  g_autoptr (GBytes) bytes = load_fixture (c->file);
  g_autoptr (Expected) expected = NULL;
  g_autoptr (Outcome) whole = NULL;
  g_autoptr (Outcome) bytewise = NULL;
  g_autofree gsize *cuts = NULL;
  const char       *body;
  gsize             len;

  if (bytes == NULL)
    return;
  body = g_bytes_get_data (bytes, &len);

  whole = decode_stream (body, len, NULL, 0);
  g_assert_no_error (whole->error);
  expected = read_expected_stream (bytes);
  assert_matches_expected (whole, expected);
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (whole->answer), ==, c->finish);
  assert_usage (whole, c->usage[0], c->usage[1], c->usage[2], c->usage[3]);
  if (c->text != NULL)
    {
      g_autofree char *text = adiuva_chat_message_dup_text (whole->message);

      g_assert_cmpstr (text, ==, c->text);
    }

  for (gsize split = 0; split <= len; split++)
    {
      g_autoptr (Outcome) two = NULL;

      if (!must_split_at (body, len, split))
        continue;

      two = decode_stream (body, len, &split, 1);

      if (g_strcmp0 (two->summary, whole->summary) != 0)
        g_test_message ("split at %" G_GSIZE_FORMAT, split);
      g_assert_cmpstr (two->summary, ==, whole->summary);
    }

  cuts = g_new (gsize, len);
  for (gsize i = 0; i < len; i++)
    cuts[i] = i + 1;
  bytewise = decode_stream (body, len, cuts, len);
  g_assert_cmpstr (bytewise->summary, ==, whole->summary);
}

/* A body cut anywhere before its last event: PROTOCOL at the end, and what was decoded so far
 * stays with the caller, a prefix of the whole answer. */
static void
test_stream_cut (gconstpointer data)
{
  const StreamCase *c = data;
  g_autoptr (GBytes) bytes = load_fixture (c->file);
  g_autoptr (Outcome) whole = NULL;
  g_autofree char *whole_text = NULL;
  const char      *body;
  const char      *last_event;
  gsize            len;
  gsize            step;

  if (bytes == NULL)
    return;
  body = g_bytes_get_data (bytes, &len);
  whole = decode_stream (body, len, NULL, 0);
  whole_text = adiuva_chat_message_dup_text (whole->message);

  /* The event that brings the finish reason is the last one in these fixtures. */
  last_event = g_strrstr_len (body, len, "data:");
  g_assert_nonnull (last_event);

  /* Every byte for the short ones, a spread of cuts for the long ones. */
  step = c->check_prefixes ? 1 : 97;
  for (gsize cut = 0; cut < (gsize) (last_event - body) + strlen ("data: {"); cut += step)
    {
      g_autoptr (Outcome) part = decode_stream (body, cut, NULL, 0);
      g_autofree char *text = adiuva_chat_message_dup_text (part->message);

      g_assert_error (part->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      g_assert_true (g_str_has_prefix (whole_text, text));
      g_assert_cmpint (adiuva_chat_accumulator_get_finish (part->answer), !=, c->finish);
    }
}

static void
test_stream_thinking_details (void)
{
  g_autoptr (GBytes) bytes = load_fixture (PYDANTIC "thinking_part_iter_0_200.sse");
  g_autoptr (Outcome) outcome = NULL;

  if (bytes == NULL)
    return;

  outcome = decode_stream (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, 0);
  g_assert_no_error (outcome->error);
  g_assert_true (g_str_has_prefix (outcome->message->reasoning,
                                   "**Clarifying User Goals**\n\nI'm currently focused"));
  g_assert_true (g_str_has_prefix (outcome->message->reasoning_signature,
                                   "CiIB0e2Kb6Syj1a961EfbWv4W5C8Rg"));
  g_assert_true (g_str_has_suffix (outcome->message->reasoning_signature, "="));
  g_assert_true (g_str_has_suffix (((AdiuvaContentPart *) g_ptr_array_index (outcome->message->parts, 0))->text,
                                   "Always assume a driver might not see you."));
}

static void
test_stream_errors (void)
{
  static const struct
  {
    const char *stream;
    int         code;
    const char *in_message;
    const char *partial_text;
  } cases[] = {
    { "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}]}}]}\n\n"
      "data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded. Please try again later.\","
      " \"status\": \"UNAVAILABLE\"}}\n\n",
      ADIUVA_GATEWAY_ERROR_OVERLOADED, "The model is overloaded.", "Hel" },
    { "data: {\"error\": {\"code\": 429, \"message\": \"Resource has been exhausted (e.g. check quota).\","
      " \"status\": \"RESOURCE_EXHAUSTED\"}}\n\n",
      ADIUVA_GATEWAY_ERROR_RATE_LIMITED, "Resource has been exhausted", "" },
    { "data: {\"error\": {\"message\": \"Internal error encountered.\", \"status\": \"INTERNAL\"}}\n\n",
      ADIUVA_GATEWAY_ERROR_SERVER, "Internal error encountered.", "" },
    { "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"First \"}]}}]}\n\n"
      "data: {\"error\": {\"code\": 499, \"message\": \"The operation was cancelled.\", \"status\": \"CANCELLED\"}}\n\n",
      ADIUVA_GATEWAY_ERROR_SERVER, "The operation was cancelled.", "First " },
    { "data: {\"error\": {\"code\": 504, \"message\": \"Deadline expired before operation could complete.\","
      " \"status\": \"DEADLINE_EXCEEDED\"}}\n\n",
      ADIUVA_GATEWAY_ERROR_TIMEOUT, "Deadline expired", "" },
    { "data: {\"error\": {\"code\": 403, \"status\": \"PERMISSION_DENIED\"}}\n\n", ADIUVA_GATEWAY_ERROR_AUTH,
      "PERMISSION_DENIED", "" },
    /* The whole body is an error object instead of events. */
    { "{\n  \"error\": {\n    \"code\": 400,\n    \"message\": \"API key not valid. Please pass a valid API key.\",\n"
      "    \"status\": \"INVALID_ARGUMENT\",\n    \"details\": [{\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\","
      " \"reason\": \"API_KEY_INVALID\"}]\n  }\n}\n",
      ADIUVA_GATEWAY_ERROR_AUTH, "API key not valid.", "" },
    { "[{\"error\": {\"code\": 404, \"message\": \"models/nope is not found\", \"status\": \"NOT_FOUND\"}}]",
      ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "models/nope is not found", "" },
    { "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Par\"}]}, \"finishReason\": \"OTHER\"}]}\n\n",
      ADIUVA_GATEWAY_ERROR_SERVER, "OTHER", "Par" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Outcome) outcome = decode_stream_text (cases[i].stream);
      g_autofree char *text = adiuva_chat_message_dup_text (outcome->message);

      g_test_message ("stream %u", i);
      g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (outcome->error->message, cases[i].in_message));
      g_assert_cmpstr (text, ==, cases[i].partial_text);
    }
}

static void
test_stream_fixture_error_body (void)
{
  g_autoptr (GBytes) rejected = load_fixture (GOOGLEAI "streaming-failure-image-rejected.txt");
  g_autoptr (Outcome) outcome = NULL;

  if (rejected == NULL)
    return;

  outcome = decode_stream (g_bytes_get_data (rejected, NULL), g_bytes_get_size (rejected), NULL, 0);
  g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (outcome->error->message, "Request contains an invalid argument."));

  /* However the error object arrives. */
  for (gsize split = 0; split <= g_bytes_get_size (rejected); split++)
    {
      g_autoptr (Outcome) two =
          decode_stream (g_bytes_get_data (rejected, NULL), g_bytes_get_size (rejected), &split, 1);

      g_assert_cmpstr (two->summary, ==, outcome->summary);
    }
}

static void
test_stream_garbage (void)
{
  static const char *const streams[] = {
    "",
    "\n\n\n",
    ": keep-alive\n\n",
    "data: {not json}\n\n",
    "data: [1, 2]\n\n",
    "data: \"text\"\n\n",
    "data: {\"candidates\": 5}\n\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {}}]}}]}\n\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\", \"thought\": \"yes\"}]}}]}\n\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"cut\"}]}}]}\n\ndata: {\"candidates\": [{\"fin",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"no end\"}]}}]}\n\n",
    "<html><body>502 Bad Gateway</body></html>",
    "{\"not\": \"an error\"}",
    "data: \xff\xfe\x00\x01\n\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\xc3\"}]}, \"finishReason\": \"STOP\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      /* strlen stops at the NUL on purpose for the invalid-UTF-8 case; the rest is garbage too. */
      g_autoptr (Outcome) outcome = decode_stream_text (streams[i]);

      g_test_message ("stream %u", i);
      if (i == G_N_ELEMENTS (streams) - 1)
        {
          /* Invalid UTF-8 inside a string becomes U+FFFD, and the answer still reads. */
          g_assert_no_error (outcome->error);
          continue;
        }
      g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    }

  /* Random bytes, split at random: never a crash, always PROTOCOL. */
  for (guint round = 0; round < 200; round++)
    {
      gsize            len = g_test_rand_int_range (1, 2048);
      g_autofree char *noise = g_malloc (len);
      gsize            cut = g_test_rand_int_range (0, len + 1);
      g_autoptr (Outcome) outcome = NULL;

      for (gsize i = 0; i < len; i++)
        noise[i] = (char) g_test_rand_int_range (0, 256);
      /* Half of them look like SSE to get past the first line. */
      if (round % 2 == 0 && len > 6)
        memcpy (noise, "data: ", 6);
      outcome = decode_stream (noise, len, &cut, 1);
      g_assert_error (outcome->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
    }
}

static void
test_stream_usage_only_chunk (void)
{
  g_autoptr (Outcome) outcome = decode_stream_text (
      "data: {\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": [{\"text\": \"Hi\"}]},"
      " \"finishReason\": \"STOP\"}]}\r\n\r\n"
      ": a comment\r\n"
      "data:{\"usageMetadata\": {\"promptTokenCount\": 4, \"candidatesTokenCount\": 1,"
      " \"cachedContentTokenCount\": 2, \"thoughtsTokenCount\": 3}}\r\n\r\n");

  g_assert_no_error (outcome->error);
  assert_usage (outcome, 4, 4, 2, 3);
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (outcome->answer), ==, ADIUVA_FINISH_STOP);
}

static void
test_stream_repeated_finish (void)
{
  /* Some servers put STOP on every event; calls that follow still make it TOOL_CALLS. */
  g_autoptr (Outcome) outcome = decode_stream_text (
      "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Let me\"}]}, \"finishReason\": \"STOP\"}]}\n\n"
      "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" check.\"}]}, \"finishReason\": \"STOP\"}]}\n\n"
      "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"f\"}, \"thoughtSignature\": \"QQ==\"},"
      " {\"functionCall\": {\"name\": \"g\", \"args\": {}}, \"thoughtSignature\": \"Qg==\"}]}, \"finishReason\": \"STOP\"}]}\n\n");

  g_assert_no_error (outcome->error);
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (outcome->answer), ==, ADIUVA_FINISH_TOOL_CALLS);
  g_assert_cmpuint (outcome->message->tool_calls->len, ==, 2);
  /* Only the first signature: the accumulator would join a second one onto it. */
  g_assert_cmpstr (outcome->message->reasoning_signature, ==, "QQ==");
}

/* decode_error ---------------------------------------------------------------------------- */

static void
test_decode_error_fixtures (void)
{
  static const struct
  {
    const char *file;
    guint       status;
    int         code;
    const char *in_message;
  } cases[] = {
    { LANGCHAINGO "TestGoogleAIErrorHandling_0_403.json", 403, ADIUVA_GATEWAY_ERROR_AUTH,
      "Method doesn't allow unregistered callers" },
    /* A bad key is a 400, but its details say what it is. */
    { GOOGLEAI "unary-failure-api-key.json", 400, ADIUVA_GATEWAY_ERROR_AUTH, "API key not valid." },
    { GOOGLEAI "unary-failure-generativelanguage-api-not-enabled.json", 403, ADIUVA_GATEWAY_ERROR_AUTH,
      "Generative Language API has not been used in project" },
    { GOOGLEAI "unary-failure-unknown-model.json", 404, ADIUVA_GATEWAY_ERROR_BAD_REQUEST,
      "models/gemini-5.0-flash is not found" },
    { GOOGLEAI "streaming-failure-image-rejected.txt", 400, ADIUVA_GATEWAY_ERROR_BAD_REQUEST,
      "Request contains an invalid argument." },
    { VERTEXAI "unary-failure-quota-exceeded.json", 429, ADIUVA_GATEWAY_ERROR_RATE_LIMITED,
      "Quota exceeded" },
    { VERTEXAI "unary-failure-iam-permission-denied.json", 403, ADIUVA_GATEWAY_ERROR_AUTH, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) body = load_fixture (cases[i].file);
      g_autoptr (GError) error = NULL;
      g_autofree char *status = NULL;

      if (body == NULL)
        continue;

      codec->decode_error (cases[i].status, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
      g_test_message ("%s: %s", cases[i].file, error->message);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, cases[i].code);
      status = g_strdup_printf ("(%u)", cases[i].status);
      g_assert_nonnull (strstr (error->message, status));
      if (cases[i].in_message != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

static void
test_decode_error_hand_written (void)
{
  static const struct
  {
    guint       status;
    const char *body;
    int         code;
    const char *in_message;
  } cases[] = {
    { 500,
      "{\"error\": {\"code\": 500, \"message\": \"An internal error has occurred.\", \"status\": \"INTERNAL\"}}",
      ADIUVA_GATEWAY_ERROR_SERVER, "An internal error has occurred." },
    { 503, "{\"error\": {\"code\": 503, \"message\": \"The model is overloaded. Please try again later.\","
           " \"status\": \"UNAVAILABLE\"}}",
      ADIUVA_GATEWAY_ERROR_OVERLOADED, "The model is overloaded." },
    { 529, "{\"error\": {\"code\": 529, \"message\": \"Overloaded\"}}",
      ADIUVA_GATEWAY_ERROR_OVERLOADED, "Overloaded" },
    { 504,
      "{\"error\": {\"code\": 504, \"message\": \"Deadline expired.\", \"status\": \"DEADLINE_EXCEEDED\"}}",
      ADIUVA_GATEWAY_ERROR_TIMEOUT, "Deadline expired." },
    { 429,
      "[{\"error\": {\"code\": 429, \"message\": \"Too many requests\", \"status\": \"RESOURCE_EXHAUSTED\"}}]",
      ADIUVA_GATEWAY_ERROR_RATE_LIMITED, "Too many requests" },
    { 400, "{\"error\": {\"code\": 400, \"status\": \"FAILED_PRECONDITION\"}}",
      ADIUVA_GATEWAY_ERROR_BAD_REQUEST,
      "FAILED_PRECONDITION" },
    { 401, "{\"error\": \"unauthorized\"}", ADIUVA_GATEWAY_ERROR_AUTH, "unauthorized" },
    { 502, "<html><head><title>502 Bad Gateway</title></head></html>", ADIUVA_GATEWAY_ERROR_SERVER,
      "502 Bad Gateway" },
    { 500, "{\"error\": null}", ADIUVA_GATEWAY_ERROR_SERVER, NULL },
    { 413, "{\"candidates\": []}", ADIUVA_GATEWAY_ERROR_BAD_REQUEST, NULL },
    { 500, "\xff\xfe not text", ADIUVA_GATEWAY_ERROR_SERVER, "not text" },
    { 429, "", ADIUVA_GATEWAY_ERROR_RATE_LIMITED, NULL },
    { 403, NULL, ADIUVA_GATEWAY_ERROR_AUTH, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      codec->decode_error (cases[i].status, cases[i].body,
                           cases[i].body != NULL ? strlen (cases[i].body) : 0, &error);
      g_test_message ("%u: %s", i, error->message);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, cases[i].code);
      if (cases[i].in_message != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].in_message));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  /* A long page is cut short, not copied whole into the message. */
  {
    g_autoptr (GString) page = g_string_new ("<html>");
    g_autoptr (GError) error = NULL;

    for (guint i = 0; i < 10000; i++)
      g_string_append (page, "lorem ipsum ");
    codec->decode_error (500, page->str, page->len, &error);
    g_assert_cmpuint (strlen (error->message), <, 1000);
  }

  /* A caller that does not want the error must not make the codec crash. */
  {
    const char *bad_key = "{\"error\": {\"code\": 400, \"details\": [{\"reason\": \"API_KEY_INVALID\"}]}}";

    codec->decode_error (400, bad_key, strlen (bad_key), NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  codec = adiuva_wire_codec_get (ADIUVA_WIRE_FORMAT_GEMINI);
  g_assert_true (codec == &adiuva_gemini_codec);
  g_assert_null (codec->decode_request);
  g_assert_null (codec->stream_encoder_new);
  g_assert_null (codec->encode_response);

  g_test_add_func ("/gemini/encode/system-messages", test_encode_system_messages);
  g_test_add_func ("/gemini/encode/images", test_encode_images);
  g_test_add_func ("/gemini/encode/tool-calls-and-results", test_encode_tool_calls_and_results);
  g_test_add_func ("/gemini/encode/signature-on-text", test_encode_signature_on_text);
  g_test_add_func ("/gemini/encode/tool-definitions", test_encode_tool_definitions);
  g_test_add_func ("/gemini/encode/schema-limits", test_encode_schema_limits);
  g_test_add_func ("/gemini/encode/tool-choice", test_encode_tool_choice);
  g_test_add_func ("/gemini/encode/generation-config", test_encode_generation_config);
  g_test_add_func ("/gemini/encode/json-mode", test_encode_json_mode);
  g_test_add_func ("/gemini/encode/reasoning", test_encode_reasoning);
  g_test_add_func ("/gemini/encode/stream-flag", test_encode_stream_flag);
  g_test_add_func ("/gemini/encode/refusals", test_encode_refusals);
  g_test_add_func ("/gemini/encode/matches-pydantic-ai", test_encode_matches_pydantic_ai);
  g_test_add_func ("/gemini/encode/matches-recorded-settings", test_encode_matches_recorded_settings);
  g_test_add_func ("/gemini/round-trip/thought-signature", test_round_trip_thought_signature);
  g_test_add_func ("/gemini/round-trip/langchaingo", test_round_trip_langchaingo);

  for (guint i = 0; i < G_N_ELEMENTS (body_cases); i++)
    {
      g_autofree char *path =
          g_strdup_printf ("/gemini/decode-response/%s", strrchr (body_cases[i].file, '/') + 1);

      g_test_add_data_func (path, &body_cases[i], test_decode_response_fixture);
    }
  g_test_add_func ("/gemini/decode-response/details", test_decode_response_details);
  g_test_add_func ("/gemini/decode-response/hand-written", test_decode_response_hand_written);
  g_test_add_func ("/gemini/decode-response/failures", test_decode_response_failures);

  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      const char      *name = strrchr (stream_cases[i].file, '/') + 1;
      g_autofree char *path = g_strdup_printf ("/gemini/stream/%s", name);
      g_autofree char *cut_path = g_strdup_printf ("/gemini/stream-cut/%s", name);

      g_test_add_data_func (path, &stream_cases[i], test_stream_fixture);
      g_test_add_data_func (cut_path, &stream_cases[i], test_stream_cut);
    }
  g_test_add_func ("/gemini/stream/thinking-details", test_stream_thinking_details);
  g_test_add_func ("/gemini/stream/errors", test_stream_errors);
  g_test_add_func ("/gemini/stream/fixture-error-body", test_stream_fixture_error_body);
  g_test_add_func ("/gemini/stream/garbage", test_stream_garbage);
  g_test_add_func ("/gemini/stream/usage-only-chunk", test_stream_usage_only_chunk);
  g_test_add_func ("/gemini/stream/repeated-finish", test_stream_repeated_finish);

  g_test_add_func ("/gemini/decode-error/fixtures", test_decode_error_fixtures);
  g_test_add_func ("/gemini/decode-error/hand-written", test_decode_error_hand_written);

  return g_test_run ();
}
