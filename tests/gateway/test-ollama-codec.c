/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ollama-codec"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR ""
#endif

/* Ollama's documented examples (docs/api.md, docs/api/errors.mdx), as the fixtures hold them. */
#define DOCS "ollama/docs-api-md/"
#define CHAT DOCS "generate-a-chat-completion__"

static const AdiuvaWireCodec *codec;

/* Fixtures */

static gboolean
have_fixtures (void)
{
  if (g_file_test (FIXTURES_DIR, G_FILE_TEST_IS_DIR))
    return TRUE;

  g_test_skip ("no fixtures at " FIXTURES_DIR);
  return FALSE;
}

static char *
load_fixture (const char *name,
              gsize      *len)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);

  return contents;
}

static JsonNode *
load_fixture_json (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = load_fixture (name, NULL);
  JsonNode        *node = json_from_string (contents, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

/* The docs show each streamed object pretty-printed in its own block; on the wire each is one
 * line of NDJSON. The last line has no line end, as a server may close right after it. */
static char *
build_stream (const char *const *names)
{
  GString *stream = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (JsonNode) node = load_fixture_json (names[i]);
      g_autofree char *line = json_to_string (node, FALSE);

      if (i > 0)
        g_string_append_c (stream, '\n');
      g_string_append (stream, line);
    }

  return g_string_free (stream, FALSE);
}

/* Collecting deltas */

typedef struct
{
  AdiuvaChatAccumulator *acc;
  GString               *kinds; /* one letter per delta (see collect_cb), to check their order */
} Collect;

static void
collect_init (Collect *c)
{
  c->acc = adiuva_chat_accumulator_new ();
  c->kinds = g_string_new (NULL);
}

static void
collect_clear (Collect *c)
{
  g_clear_pointer (&c->acc, adiuva_chat_accumulator_free);
  if (c->kinds != NULL)
    g_string_free (g_steal_pointer (&c->kinds), TRUE);
}

static gboolean
collect_cb (const AdiuvaChatDelta *delta,
            gpointer               user_data,
            GError               **error)
{
  Collect *c = user_data;

  g_assert_true (delta->text != NULL || delta->text_len == 0);
  /* Text, Reasoning, Signature, tool Call, Finish, Usage */
  g_string_append_c (c->kinds, "TRSCFU"[delta->kind]);

  return adiuva_chat_accumulator_add (c->acc, delta, error);
}

static gboolean
stop_cb (const AdiuvaChatDelta *delta,
         gpointer               user_data,
         GError               **error)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED, "stop");
  return FALSE;
}

/* Everything a caller learns from an answer, as text, so answers compare in one assert. */
static char *
describe (AdiuvaChatAccumulator *acc)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_accumulator_dup_message (acc);
  g_autofree char   *text = adiuva_chat_message_dup_text (message);
  const AdiuvaUsage *usage = adiuva_chat_accumulator_get_usage (acc);
  GString           *out = g_string_new (NULL);

  g_string_append_printf (out, "text=%s\nreasoning=%s\n", text,
                          message->reasoning != NULL ? message->reasoning : "");
  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);

      g_string_append_printf (out, "call=%s %s %s\n", call->id, call->name, call->arguments);
    }
  g_string_append_printf (out,
                          "finish=%d\nusage=%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n",
                          adiuva_chat_accumulator_get_finish (acc), usage->input_tokens,
                          usage->output_tokens, usage->cached_input_tokens,
                          usage->reasoning_tokens);

  return g_string_free (out, FALSE);
}

static AdiuvaChatMessage *
get_message (Collect *c)
{
  return adiuva_chat_accumulator_dup_message (c->acc);
}

static char *
get_text (Collect *c)
{
  g_autoptr (AdiuvaChatMessage) message = get_message (c);

  return adiuva_chat_message_dup_text (message);
}

static void
assert_usage (Collect *c,
              gint64   input,
              gint64   output)
{
  const AdiuvaUsage *usage = adiuva_chat_accumulator_get_usage (c->acc);

  g_assert_cmpint (usage->input_tokens, ==, input);
  g_assert_cmpint (usage->output_tokens, ==, output);
  /* Ollama reports neither. */
  g_assert_cmpint (usage->cached_input_tokens, ==, -1);
  g_assert_cmpint (usage->reasoning_tokens, ==, -1);
}

static void
assert_synthesized_id (const char *id)
{
  g_assert_nonnull (id);
  g_assert_true (g_str_has_prefix (id, "call_"));
  g_assert_cmpuint (strlen (id), ==, 5 + 24);
  for (const char *p = id + 5; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p));
}

/* Encoding */

static void
assert_json (JsonNode   *actual,
             const char *expected_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) expected = json_from_string (expected_text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (actual);
  if (!json_node_equal (actual, expected))
    {
      g_autofree char *a = json_to_string (actual, TRUE);
      g_autofree char *e = json_to_string (expected, TRUE);

      g_test_message ("expected:\n%s\nactual:\n%s", e, a);
      g_test_fail ();
    }
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
assert_encode_fails (AdiuvaChatRequest *request,
                     const char        *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = codec->encode_request (request, &error);

  g_assert_null (body);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, words));
}

static JsonNode *
schema (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
add_text (AdiuvaChatRequest *request,
          AdiuvaRole         role,
          const char        *text)
{
  g_autoptr (AdiuvaChatMessage) message = adiuva_chat_message_new_text (role, text);

  adiuva_chat_request_add_message (request, message);
}

static void
test_codec_table (void)
{
  g_assert_true (adiuva_wire_codec_get (ADIUVA_WIRE_FORMAT_OLLAMA) == &adiuva_ollama_codec);
  g_assert_cmpint (codec->format, ==, ADIUVA_WIRE_FORMAT_OLLAMA);
  g_assert_nonnull (codec->encode_request);
  g_assert_nonnull (codec->decode_response);
  g_assert_nonnull (codec->decode_error);
  g_assert_nonnull (codec->stream_decoder_new);
  g_assert_nonnull (codec->stream_decoder_feed);
  g_assert_nonnull (codec->stream_decoder_finish);
  g_assert_nonnull (codec->stream_decoder_free);
  /* The loopback endpoint does not speak Ollama. */
  g_assert_null (codec->decode_request);
  g_assert_null (codec->stream_encoder_new);
  g_assert_null (codec->encode_response);
}

static void
test_encode_system_messages (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatMessage) parts = adiuva_chat_message_new (ADIUVA_ROLE_USER);
  g_autoptr (JsonNode) body = NULL;

  /* Every system message survives where it stands, not only the last one. */
  add_text (request, ADIUVA_ROLE_SYSTEM, "You are Adiuva.");
  add_text (request, ADIUVA_ROLE_SYSTEM, "Answer in French.");
  add_text (request, ADIUVA_ROLE_USER, "Hello");
  add_text (request, ADIUVA_ROLE_ASSISTANT, "Bonjour !");
  add_text (request, ADIUVA_ROLE_SYSTEM, "The user is now in a hurry.");
  adiuva_chat_message_add_text (parts, "First part.");
  adiuva_chat_message_add_text (parts, "Second part.");
  adiuva_chat_request_add_message (request, parts);

  body = encode (request);
  assert_json (body, "{"
                     "  \"model\": \"llama3.2\","
                     "  \"messages\": ["
                     "    {\"role\": \"system\", \"content\": \"You are Adiuva.\"},"
                     "    {\"role\": \"system\", \"content\": \"Answer in French.\"},"
                     "    {\"role\": \"user\", \"content\": \"Hello\"},"
                     "    {\"role\": \"assistant\", \"content\": \"Bonjour !\"},"
                     "    {\"role\": \"system\", \"content\": \"The user is now in a hurry.\"},"
                     "    {\"role\": \"user\", \"content\": \"First part.\\n\\nSecond part.\"}"
                     "  ],"
                     "  \"stream\": false"
                     "}");
}

static void
test_encode_images (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llava");
  g_autoptr (AdiuvaChatRequest) linked = adiuva_chat_request_new ("llava");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new (ADIUVA_ROLE_USER);
  g_autoptr (AdiuvaChatMessage) link = adiuva_chat_message_new (ADIUVA_ROLE_USER);
  g_autoptr (GBytes) png = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
  g_autoptr (JsonNode) body = NULL;

  adiuva_chat_message_add_text (user, "What is in these images?");
  adiuva_chat_message_add_image (user, "image/png", png, NULL);
  adiuva_chat_message_add_image (user, "image/jpeg", NULL, "data:image/jpeg;base64,/9j/4AAQ");
  adiuva_chat_request_add_message (request, user);
  request->stream = TRUE;

  body = encode (request);
  assert_json (body, "{"
                     "  \"model\": \"llava\","
                     "  \"messages\": [{"
                     "    \"role\": \"user\","
                     "    \"content\": \"What is in these images?\","
                     "    \"images\": [\"iVBORw0KGgo=\", \"/9j/4AAQ\"]"
                     "  }],"
                     "  \"stream\": true"
                     "}");

  /* Ollama cannot download an image: the caller must attach the bytes. */
  adiuva_chat_message_add_text (link, "And this one?");
  adiuva_chat_message_add_image (link, "image/png", NULL, "https://example.com/cat.png");
  adiuva_chat_request_add_message (linked, link);
  assert_encode_fails (linked, "https://example.com/cat.png");

  {
    g_autoptr (AdiuvaChatRequest) escaped = adiuva_chat_request_new ("llava");
    g_autoptr (AdiuvaChatMessage) svg = adiuva_chat_message_new (ADIUVA_ROLE_USER);

    adiuva_chat_message_add_image (svg, "image/svg+xml", NULL, "data:image/svg+xml,%3Csvg%2F%3E");
    adiuva_chat_request_add_message (escaped, svg);
    assert_encode_fails (escaped, "base64");
  }
}

static void
test_encode_tool_round_trip (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatRequest) broken = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatMessage) assistant = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) bad_call = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) named = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "11°C");
  g_autoptr (AdiuvaChatMessage) unnamed = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "8°C");
  g_autoptr (AdiuvaChatMessage) orphan = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "?");
  g_autoptr (JsonNode) body = NULL;

  add_text (request, ADIUVA_ROLE_USER, "Weather in Toronto and Paris?");
  adiuva_chat_message_add_text (assistant, "Let me check.");
  assistant->reasoning = g_strdup ("Two cities, two calls.");
  adiuva_chat_message_add_tool_call (assistant, "call_toronto", "get_weather",
                                     "{\"city\": \"Toronto\", \"units\": [\"C\"]}");
  adiuva_chat_message_add_tool_call (assistant, "toolu_01Paris", "get_weather",
                                     "{\"city\": \"Paris\"}");
  adiuva_chat_request_add_message (request, assistant);
  named->tool_call_id = g_strdup ("call_toronto");
  named->name = g_strdup ("get_weather");
  adiuva_chat_request_add_message (request, named);
  /* Without a name, the result takes the name of the call it answers. */
  unnamed->tool_call_id = g_strdup ("toolu_01Paris");
  adiuva_chat_request_add_message (request, unnamed);
  /* An answer to no known call still goes, without a name. */
  orphan->tool_call_id = g_strdup ("call_unknown");
  adiuva_chat_request_add_message (request, orphan);

  body = encode (request);
  assert_json (body, "{"
                     "  \"model\": \"llama3.2\","
                     "  \"messages\": ["
                     "    {\"role\": \"user\", \"content\": \"Weather in Toronto and Paris?\"},"
                     "    {\"role\": \"assistant\", \"content\": \"Let me check.\","
                     "     \"thinking\": \"Two cities, two calls.\","
                     "     \"tool_calls\": ["
                     "       {\"id\": \"call_toronto\", \"function\": {\"name\": \"get_weather\","
                     "        \"arguments\": {\"city\": \"Toronto\", \"units\": [\"C\"]}}},"
                     "       {\"id\": \"toolu_01Paris\", \"function\": {\"name\": \"get_weather\","
                     "        \"arguments\": {\"city\": \"Paris\"}}}"
                     "     ]},"
                     "    {\"role\": \"tool\", \"content\": \"11°C\","
                     "     \"tool_name\": \"get_weather\","
                     "     \"tool_call_id\": \"call_toronto\"},"
                     "    {\"role\": \"tool\", \"content\": \"8°C\","
                     "     \"tool_name\": \"get_weather\","
                     "     \"tool_call_id\": \"toolu_01Paris\"},"
                     "    {\"role\": \"tool\", \"content\": \"?\","
                     "     \"tool_call_id\": \"call_unknown\"}"
                     "  ],"
                     "  \"stream\": false"
                     "}");

  /* Ollama takes arguments as an object: text that is not one cannot be sent. */
  adiuva_chat_message_add_tool_call (bad_call, "call_1", "get_weather", "{\"city\": ");
  adiuva_chat_request_add_message (broken, bad_call);
  assert_encode_fails (broken, "get_weather");
}

static void
test_encode_decoded_answer (void)
{
  g_autoptr (JsonNode) response = NULL;
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatMessage) answer = NULL;
  g_autoptr (AdiuvaChatMessage) result = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "22");
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char      *expected = NULL;
  const AdiuvaToolCall *call;
  Collect               c;

  /* What Ollama answered goes back to it in the next turn, with the synthesized id. */
  response = json_from_string ("{\"created_at\": \"2025-07-07T20:32:53.844124Z\", \"message\": "
                               "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": "
                               "[{\"function\": {\"name\": \"get_temperature\", \"arguments\": "
                               "{\"city\": \"Tokyo\"}}}]}, \"done\": true}",
                               &error);
  g_assert_no_error (error);
  collect_init (&c);
  g_assert_true (codec->decode_response (response, collect_cb, &c, &error));
  g_assert_no_error (error);
  answer = get_message (&c);
  collect_clear (&c);

  g_assert_cmpuint (answer->tool_calls->len, ==, 1);
  call = g_ptr_array_index (answer->tool_calls, 0);
  assert_synthesized_id (call->id);
  add_text (request, ADIUVA_ROLE_USER, "How warm is Tokyo?");
  adiuva_chat_request_add_message (request, answer);
  result->tool_call_id = g_strdup (call->id);
  adiuva_chat_request_add_message (request, result);

  body = encode (request);
  expected = g_strdup_printf ("{\"model\": \"llama3.2\", \"stream\": false, \"messages\": ["
                              "  {\"role\": \"user\", \"content\": \"How warm is Tokyo?\"},"
                              "  {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": ["
                              "    {\"id\": \"%s\", \"function\": {\"name\": \"get_temperature\","
                              "     \"arguments\": {\"city\": \"Tokyo\"}}}]},"
                              "  {\"role\": \"tool\", \"content\": \"22\","
                              "   \"tool_name\": \"get_temperature\", \"tool_call_id\": \"%s\"}"
                              "]}",
                              call->id, call->id);
  assert_json (body, expected);
}

static void
add_weather_tools (AdiuvaChatRequest *request)
{
  g_autoptr (JsonNode) weather = schema ("{\"type\": \"object\", \"properties\": {"
                                         "  \"location\": {\"type\": \"string\"},"
                                         "  \"format\": {\"type\": \"string\","
                                         "    \"enum\": [\"celsius\", \"fahrenheit\"]}},"
                                         " \"required\": [\"location\", \"format\"]}");

  adiuva_chat_request_add_tool (request, "get_current_weather",
                                "Get the current weather for a location", weather);
  adiuva_chat_request_add_tool (request, "get_time", NULL, NULL);
}

#define WEATHER_TOOL                                                                 \
  "{\"type\": \"function\", \"function\": {\"name\": \"get_current_weather\","       \
  " \"description\": \"Get the current weather for a location\","                    \
  " \"parameters\": {\"type\": \"object\", \"properties\": {"                        \
  "   \"location\": {\"type\": \"string\"},"                                         \
  "   \"format\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}}," \
  "  \"required\": [\"location\", \"format\"]}}}"
#define TIME_TOOL                                                   \
  "{\"type\": \"function\", \"function\": {\"name\": \"get_time\"," \
  " \"parameters\": {\"type\": \"object\", \"properties\": {}}}}"

static void
test_encode_tools (void)
{
  static const struct
  {
    AdiuvaToolChoice choice;
    const char      *name;
    const char      *tools; /* NULL for no "tools" member */
  } cases[] = {
    { ADIUVA_TOOL_CHOICE_AUTO, NULL, "[" WEATHER_TOOL ", " TIME_TOOL "]" },
    /* Ollama cannot be made to call a tool: all it can do is see them. */
    { ADIUVA_TOOL_CHOICE_REQUIRED, NULL, "[" WEATHER_TOOL ", " TIME_TOOL "]" },
    { ADIUVA_TOOL_CHOICE_NONE, NULL, NULL },
    { ADIUVA_TOOL_CHOICE_NAMED, "get_time", "[" TIME_TOOL "]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llama3.2");
      g_autoptr (JsonNode) body = NULL;
      g_autofree char *expected = NULL;

      add_text (request, ADIUVA_ROLE_USER, "What is the weather today in Paris?");
      add_weather_tools (request);
      request->tool_choice = cases[i].choice;
      request->tool_choice_name = g_strdup (cases[i].name);

      body = encode (request);
      expected = g_strdup_printf ("{\"model\": \"llama3.2\", \"messages\": [{\"role\": \"user\","
                                  " \"content\": \"What is the weather today in Paris?\"}],"
                                  " %s%s%s \"stream\": false}",
                                  cases[i].tools != NULL ? "\"tools\": " : "",
                                  cases[i].tools != NULL ? cases[i].tools : "",
                                  cases[i].tools != NULL ? "," : "");
      assert_json (body, expected);
    }

  {
    g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llama3.2");

    add_weather_tools (request);
    request->tool_choice = ADIUVA_TOOL_CHOICE_NAMED;
    request->tool_choice_name = g_strdup ("launch_rocket");
    assert_encode_fails (request, "launch_rocket");
  }
}

static void
test_encode_options (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatRequest) plain = adiuva_chat_request_new ("llama3.2");
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) plain_body = NULL;
  const char *stop[] = { "\n", "user:", NULL };

  add_text (request, ADIUVA_ROLE_USER, "Why is the sky blue?");
  request->temperature = 0.8;
  request->top_p = 0.9;
  request->max_tokens = 100;
  request->stop = g_strdupv ((GStrv) stop);
  request->stream = TRUE;

  body = encode (request);
  assert_json (body, "{\"model\": \"llama3.2\","
                     " \"messages\": [{\"role\": \"user\", \"content\": \"Why is the sky blue?\"}],"
                     " \"options\": {\"temperature\": 0.8, \"top_p\": 0.9, \"num_predict\": 100,"
                     "   \"stop\": [\"\\n\", \"user:\"]},"
                     " \"stream\": true}");

  /* Defaults are left to the model: no options at all, and no think either. */
  add_text (plain, ADIUVA_ROLE_USER, "Hi");
  plain_body = encode (plain);
  assert_json (plain_body, "{\"model\": \"llama3.2\","
                           " \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                           " \"stream\": false}");
}

static void
test_encode_format (void)
{
  g_autoptr (AdiuvaChatRequest) json_mode = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatRequest) with_schema = adiuva_chat_request_new ("llama3.1");
  g_autoptr (AdiuvaChatRequest) without_schema = adiuva_chat_request_new ("llama3.1");
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) schema_body = NULL;

  add_text (json_mode, ADIUVA_ROLE_USER, "Colours of the sky? Respond using JSON");
  json_mode->response_format = ADIUVA_RESPONSE_FORMAT_JSON_OBJECT;
  body = encode (json_mode);
  assert_json (body, "{\"model\": \"llama3.2\", \"messages\": [{\"role\": \"user\","
                     " \"content\": \"Colours of the sky? Respond using JSON\"}],"
                     " \"format\": \"json\", \"stream\": false}");

  /* The request of docs/api.md "Chat request (Structured outputs)", field for field. */
  add_text (with_schema, ADIUVA_ROLE_USER,
            "Ollama is 22 years old and busy saving the world. Return a JSON object with the "
            "age and availability.");
  with_schema->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
  with_schema->json_schema = schema ("{\"type\": \"object\", \"properties\": {"
                                     "  \"age\": {\"type\": \"integer\"},"
                                     "  \"available\": {\"type\": \"boolean\"}},"
                                     " \"required\": [\"age\", \"available\"]}");
  with_schema->json_schema_name = g_strdup ("person");
  with_schema->temperature = 0;
  schema_body = encode (with_schema);
  assert_json (schema_body,
               "{\"model\": \"llama3.1\","
               " \"messages\": [{\"role\": \"user\", \"content\": \"Ollama is 22 years old and "
               "busy saving the world. Return a JSON object with the age and availability.\"}],"
               " \"stream\": false,"
               " \"format\": {\"type\": \"object\", \"properties\": {"
               "   \"age\": {\"type\": \"integer\"}, \"available\": {\"type\": \"boolean\"}},"
               "   \"required\": [\"age\", \"available\"]},"
               " \"options\": {\"temperature\": 0.0}}");

  add_text (without_schema, ADIUVA_ROLE_USER, "JSON please");
  without_schema->response_format = ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA;
  assert_encode_fails (without_schema, "schema");
}

static void
test_encode_reasoning (void)
{
  static const struct
  {
    AdiuvaReasoningEffort effort;
    gint64                budget;
    gboolean              think;
  } cases[] = {
    { ADIUVA_REASONING_DEFAULT, 0, FALSE },
    { ADIUVA_REASONING_LOW, 0, TRUE },
    { ADIUVA_REASONING_MEDIUM, 0, TRUE },
    { ADIUVA_REASONING_HIGH, 0, TRUE },
    { ADIUVA_REASONING_DEFAULT, 2048, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("deepseek-r1");
      g_autoptr (JsonNode) body = NULL;

      add_text (request, ADIUVA_ROLE_USER, "How many r in strawberry?");
      request->reasoning = cases[i].effort;
      request->reasoning_budget = cases[i].budget;
      request->stream = TRUE;

      body = encode (request);
      assert_json (body, cases[i].think
                             ? "{\"model\": \"deepseek-r1\", \"messages\": [{\"role\": \"user\","
                               " \"content\": \"How many r in strawberry?\"}],"
                               " \"think\": true, \"stream\": true}"
                             : "{\"model\": \"deepseek-r1\", \"messages\": [{\"role\": \"user\","
                               " \"content\": \"How many r in strawberry?\"}],"
                               " \"stream\": true}");
    }
}

/* The requests of docs/api.md for /api/chat, built the canonical way, give the same body. */
static void
test_encode_documented_requests (void)
{
  g_autoptr (AdiuvaChatRequest) tools = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatRequest) history = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatRequest) seeded = adiuva_chat_request_new ("llama3.2");
  g_autoptr (AdiuvaChatRequest) unnamed = adiuva_chat_request_new (NULL);
  g_autoptr (JsonNode) tools_body = NULL;
  g_autoptr (JsonNode) history_body = NULL;
  g_autoptr (JsonNode) seeded_body = NULL;
  g_autoptr (JsonNode) weather = schema (
      "{\"type\": \"object\", \"properties\": {"
      "  \"location\": {\"type\": \"string\","
      "    \"description\": \"The location to get the weather for, e.g. San Francisco, CA\"},"
      "  \"format\": {\"type\": \"string\","
      "    \"description\": \"The format to return the weather in, e.g. 'celsius' or "
      "'fahrenheit'\","
      "    \"enum\": [\"celsius\", \"fahrenheit\"]}},"
      " \"required\": [\"location\", \"format\"]}");

  /* "Chat request (with tools)" */
  add_text (tools, ADIUVA_ROLE_USER, "What is the weather today in Paris?");
  adiuva_chat_request_add_tool (tools, "get_current_weather",
                                "Get the current weather for a location", weather);
  tools_body = encode (tools);
  assert_json (tools_body,
               "{\"model\": \"llama3.2\","
               " \"messages\": [{\"role\": \"user\","
               "   \"content\": \"What is the weather today in Paris?\"}],"
               " \"stream\": false,"
               " \"tools\": [{\"type\": \"function\", \"function\": {"
               "   \"name\": \"get_current_weather\","
               "   \"description\": \"Get the current weather for a location\","
               "   \"parameters\": {\"type\": \"object\", \"properties\": {"
               "     \"location\": {\"type\": \"string\", \"description\": \"The location to get "
               "the weather for, e.g. San Francisco, CA\"},"
               "     \"format\": {\"type\": \"string\", \"description\": \"The format to return "
               "the weather in, e.g. 'celsius' or 'fahrenheit'\","
               "       \"enum\": [\"celsius\", \"fahrenheit\"]}},"
               "     \"required\": [\"location\", \"format\"]}}}]}");

  /* "Chat request (With History)", streamed as the docs' request leaves it by default */
  add_text (history, ADIUVA_ROLE_USER, "why is the sky blue?");
  add_text (history, ADIUVA_ROLE_ASSISTANT, "due to rayleigh scattering.");
  add_text (history, ADIUVA_ROLE_USER, "how is that different than mie scattering?");
  history->stream = TRUE;
  history_body = encode (history);
  assert_json (history_body,
               "{\"model\": \"llama3.2\", \"stream\": true, \"messages\": ["
               "  {\"role\": \"user\", \"content\": \"why is the sky blue?\"},"
               "  {\"role\": \"assistant\", \"content\": \"due to rayleigh scattering.\"},"
               "  {\"role\": \"user\", \"content\": \"how is that different than mie "
               "scattering?\"}]}");

  /* "Chat request (Reproducible outputs)", but for the seed, which is not canonical */
  add_text (seeded, ADIUVA_ROLE_USER, "Hello!");
  seeded->temperature = 0;
  seeded->stream = TRUE;
  seeded_body = encode (seeded);
  assert_json (seeded_body, "{\"model\": \"llama3.2\", \"stream\": true,"
                            " \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}],"
                            " \"options\": {\"temperature\": 0.0}}");

  add_text (unnamed, ADIUVA_ROLE_USER, "Hi");
  assert_encode_fails (unnamed, "model");
}

/* Decoding whole bodies */

typedef struct
{
  const char        *fixture;
  const char        *text;
  const char        *call_name; /* NULL when the answer calls no tool */
  const char        *call_arguments;
  AdiuvaFinishReason finish;
  gint64             input_tokens;
  gint64             output_tokens;
} ResponseCase;

static const ResponseCase response_cases[] = {
  { CHAT "chat-request-no-streaming__1.json", "Hello! How are you today?", NULL, NULL,
    ADIUVA_FINISH_STOP, 26, 298 },
  { CHAT "chat-request-reproducible-outputs__1.json", "Hello! How are you today?", NULL, NULL,
    ADIUVA_FINISH_STOP, 26, 298 },
  { CHAT "chat-request-structured-outputs__1.json", "{\"age\": 22, \"available\": false}", NULL,
    NULL, ADIUVA_FINISH_STOP, 34, 12 },
  { CHAT "chat-request-with-history-with-tools__1.json",
    "The current temperature in Toronto is 11°C.", NULL, NULL, ADIUVA_FINISH_STOP, 94, 11 },
  { CHAT "chat-request-with-images__1.json",
    " The image features a cute, little pig with an angry facial expression. It's wearing a "
    "heart on its shirt and is waving in the air. This scene appears to be part of a drawing or "
    "sketching project.",
    NULL, NULL, ADIUVA_FINISH_STOP, 26, 83 },
  { CHAT "chat-request-with-tools__1.json", "", "get_current_weather",
    "{\"format\":\"celsius\",\"location\":\"Paris, FR\"}", ADIUVA_FINISH_TOOL_CALLS, 122, 33 },
  { CHAT "chat-request-no-streaming-with-tools__1.json", "", "get_weather",
    "{\"city\":\"Tokyo\"}", ADIUVA_FINISH_TOOL_CALLS, 169, 18 },
  /* Loading and unloading a model answer with an empty, finished message and no counts. */
  { CHAT "load-a-model__1.json", "", NULL, NULL, ADIUVA_FINISH_STOP, -1, -1 },
  { CHAT "unload-a-model__1.json", "", NULL, NULL, ADIUVA_FINISH_STOP, -1, -1 },
  /* The final objects of streams are whole answers too, one without a message at all. */
  { CHAT "chat-request-streaming__2.json", "", NULL, NULL, ADIUVA_FINISH_STOP, 26, 282 },
  { CHAT "chat-request-with-history__2.json", "", NULL, NULL, ADIUVA_FINISH_STOP, 61, 468 },
  { CHAT "chat-request-streaming-with-tools__2.json", "", NULL, NULL, ADIUVA_FINISH_STOP, 169,
    15 },
};

static void
test_decode_response_fixtures (void)
{
  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (response_cases); i++)
    {
      const ResponseCase *rc = &response_cases[i];
      g_autoptr (JsonNode) body = load_fixture_json (rc->fixture);
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaChatMessage) message = NULL;
      g_autofree char *text = NULL;
      g_autofree char *first = NULL;
      g_autofree char *again = NULL;
      g_autofree char *kinds = NULL;
      Collect          c;

      g_test_message ("%s", rc->fixture);
      collect_init (&c);
      g_assert_true (codec->decode_response (body, collect_cb, &c, &error));
      g_assert_no_error (error);

      message = get_message (&c);
      text = adiuva_chat_message_dup_text (message);
      g_assert_cmpstr (text, ==, rc->text);
      g_assert_null (message->reasoning);
      g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, rc->finish);
      assert_usage (&c, rc->input_tokens, rc->output_tokens);
      /* Text and calls first, each in one piece, then finish, then usage when known. */
      kinds = g_strconcat (*rc->text != '\0' ? "T" : "", rc->call_name != NULL ? "C" : "", "F",
                           rc->input_tokens >= 0 ? "U" : "", NULL);
      g_assert_cmpstr (c.kinds->str, ==, kinds);

      if (rc->call_name != NULL)
        {
          const AdiuvaToolCall *call;

          g_assert_cmpuint (message->tool_calls->len, ==, 1);
          call = g_ptr_array_index (message->tool_calls, 0);
          g_assert_cmpstr (call->name, ==, rc->call_name);
          g_assert_cmpstr (call->arguments, ==, rc->call_arguments);
          assert_synthesized_id (call->id);
        }
      else
        g_assert_cmpuint (message->tool_calls->len, ==, 0);

      /* The same body gives the same answer, ids included. */
      first = describe (c.acc);
      collect_clear (&c);
      collect_init (&c);
      g_assert_true (codec->decode_response (body, collect_cb, &c, &error));
      again = describe (c.acc);
      g_assert_cmpstr (first, ==, again);
      collect_clear (&c);
    }
}

static void
test_decode_response_unfinished (void)
{
  static const struct
  {
    const char *fixture;
    const char *text;
  } cases[] = {
    { CHAT "chat-request-streaming__1.json", "The" },
    { CHAT "chat-request-with-history__1.json", "The" },
    { CHAT "chat-request-streaming-with-tools__1.json", "" },
  };

  if (!have_fixtures ())
    return;

  /* The first object of a stream is not a whole answer: what it held still arrives. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) body = load_fixture_json (cases[i].fixture);
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      Collect          c;

      collect_init (&c);
      g_assert_false (codec->decode_response (body, collect_cb, &c, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      text = get_text (&c);
      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, ADIUVA_FINISH_NONE);
      collect_clear (&c);
    }
}

static gboolean
decode_text (const char *json,
             Collect    *c,
             GError    **error)
{
  g_autoptr (JsonNode) body = json_from_string (json, NULL);

  g_assert_nonnull (body);
  return codec->decode_response (body, collect_cb, c, error);
}

static void
test_decode_response_written (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autofree char      *text = NULL;
  const AdiuvaToolCall *first;
  const AdiuvaToolCall *second;
  const AdiuvaToolCall *third;
  Collect               c;

  /* Parallel calls, thinking, a newer Ollama's own id, and fields nobody knows yet. */
  collect_init (&c);
  g_assert_true (decode_text (
      "{\"model\": \"qwen3\", \"created_at\": \"2025-10-01T10:00:00Z\", \"future\": [1, 2],"
      " \"message\": {\"role\": \"assistant\", \"content\": \"Checking both.\","
      "   \"thinking\": \"The user wants two cities.\", \"images\": null, \"extra\": {},"
      "   \"tool_calls\": ["
      "     {\"function\": {\"index\": 0, \"name\": \"get_weather\","
      "      \"arguments\": {\"city\": \"Paris\"}}},"
      "     {\"id\": \"call_from_ollama\", \"function\": {\"index\": 1, \"name\": \"get_weather\","
      "      \"arguments\": {\"city\": \"Tokyo\", \"days\": 2, \"hourly\": false}}},"
      "     {\"function\": {\"name\": \"get_time\"}}]},"
      " \"done\": true, \"done_reason\": \"stop\", \"prompt_eval_count\": 40, \"eval_count\": 25}",
      &c, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.kinds->str, ==, "RTCCCFU");

  message = get_message (&c);
  text = adiuva_chat_message_dup_text (message);
  g_assert_cmpstr (text, ==, "Checking both.");
  g_assert_cmpstr (message->reasoning, ==, "The user wants two cities.");
  g_assert_cmpuint (message->tool_calls->len, ==, 3);
  first = g_ptr_array_index (message->tool_calls, 0);
  second = g_ptr_array_index (message->tool_calls, 1);
  assert_synthesized_id (first->id);
  g_assert_cmpstr (first->arguments, ==, "{\"city\":\"Paris\"}");
  g_assert_cmpstr (second->id, ==, "call_from_ollama");
  g_assert_cmpstr (second->arguments, ==, "{\"city\":\"Tokyo\",\"days\":2,\"hourly\":false}");
  /* No arguments are no arguments, not a missing call. */
  third = g_ptr_array_index (message->tool_calls, 2);
  g_assert_cmpstr (third->arguments, ==, "{}");
  assert_synthesized_id (third->id);
  /* Calls get ids of their own, whatever they call. */
  g_assert_cmpstr (first->id, !=, third->id);
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, ADIUVA_FINISH_TOOL_CALLS);
  assert_usage (&c, 40, 25);
  collect_clear (&c);

  /* The same call in another turn (another created_at) gets another id. */
  {
    g_autoptr (AdiuvaChatMessage) other = NULL;
#define ONE_CALL(created_at)                                                                     \
  "{\"created_at\": \"" created_at "\", \"message\": {\"role\": \"assistant\","                  \
  " \"content\": \"\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": {}}}]}," \
  " \"done\": true}"
    const char *one = ONE_CALL ("2025-10-01T10:00:00Z");
    const char *two = ONE_CALL ("2025-10-01T10:05:00Z");
#undef ONE_CALL
    g_autoptr (AdiuvaChatMessage) m1 = NULL;

    collect_init (&c);
    g_assert_true (decode_text (one, &c, &error));
    m1 = get_message (&c);
    collect_clear (&c);
    collect_init (&c);
    g_assert_true (decode_text (two, &c, &error));
    other = get_message (&c);
    collect_clear (&c);
    g_assert_cmpstr (((AdiuvaToolCall *) g_ptr_array_index (m1->tool_calls, 0))->id, !=,
                     ((AdiuvaToolCall *) g_ptr_array_index (other->tool_calls, 0))->id);
  }

  /* A cut answer says so, with or without calls. */
  collect_init (&c);
  g_assert_true (decode_text ("{\"message\": {\"role\": \"assistant\", \"content\": \"Once upon\"},"
                              " \"done\": true, \"done_reason\": \"length\", \"eval_count\": 2}",
                              &c, &error));
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, ADIUVA_FINISH_LENGTH);
  assert_usage (&c, -1, 2);
  collect_clear (&c);

  collect_init (&c);
  g_assert_true (decode_text ("{\"message\": {\"role\": \"assistant\", \"content\": \"\","
                              " \"tool_calls\": [{\"function\": {\"name\": \"f\","
                              " \"arguments\": {}}}]},"
                              " \"done\": true, \"done_reason\": \"length\"}",
                              &c, &error));
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, ADIUVA_FINISH_LENGTH);
  collect_clear (&c);

  /* Arguments already written as JSON text, as some Ollama-compatible servers send them. */
  collect_init (&c);
  g_assert_true (decode_text ("{\"message\": {\"tool_calls\": [{\"function\": {\"name\": \"f\","
                              " \"arguments\": \"{\\\"a\\\": 1}\"}}]}, \"done\": true}",
                              &c, &error));
  g_assert_no_error (error);
  {
    g_autoptr (AdiuvaChatMessage) m = get_message (&c);

    g_assert_cmpstr (((AdiuvaToolCall *) g_ptr_array_index (m->tool_calls, 0))->arguments, ==,
                     "{\"a\": 1}");
  }
  collect_clear (&c);

  /* A caller that stops decoding stops it. */
  {
    g_autoptr (JsonNode) body = json_from_string ("{\"message\": {\"content\": \"Hi\"},"
                                                  " \"done\": true}",
                                                  NULL);

    g_assert_false (codec->decode_response (body, stop_cb, NULL, &error));
    g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
    g_clear_error (&error);
  }
}

static void
test_decode_response_malformed (void)
{
  static const char *const bodies[] = {
    "[]",
    "\"done\"",
    "{}",
    "{\"message\": {\"content\": \"Hi\"}}",
    "{\"message\": {\"content\": \"Hi\"}, \"done\": \"true\"}",
    "{\"message\": [], \"done\": true}",
    "{\"message\": {\"content\": 42}, \"done\": true}",
    "{\"message\": {\"thinking\": {}}, \"done\": true}",
    "{\"message\": {\"tool_calls\": {}}, \"done\": true}",
    "{\"message\": {\"tool_calls\": [42]}, \"done\": true}",
    "{\"message\": {\"tool_calls\": [{}]}, \"done\": true}",
    "{\"message\": {\"tool_calls\": [{\"function\": {\"arguments\": {}}}]}, \"done\": true}",
    "{\"message\": {\"tool_calls\": [{\"function\": {\"name\": 7}}]}, \"done\": true}",
    "{\"message\": {\"tool_calls\": [{\"id\": 7, \"function\": {\"name\": \"f\"}}]},"
    " \"done\": true}",
    "{\"done\": true, \"done_reason\": 1}",
    "{\"created_at\": 5, \"done\": true}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error = NULL;
      Collect c;

      g_test_message ("%s", bodies[i]);
      collect_init (&c);
      g_assert_false (decode_text (bodies[i], &c, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      collect_clear (&c);
    }
}

static void
test_decode_response_error_body (void)
{
  g_autoptr (GError) error = NULL;
  Collect c;

  collect_init (&c);
  g_assert_false (decode_text ("{\"error\": \"model \\\"llama9\\\" not found,"
                               " try pulling it first\"}",
                               &c, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "model \"llama9\" not found, try pulling it first"));
  g_assert_true (adiuva_chat_accumulator_is_empty (c.acc));
  collect_clear (&c);
}

/* Decoding streams */

static gboolean
decode_stream (const guint8 *data,
               gsize         len,
               gsize         step,  /* 0 for all at once */
               gsize         split, /* two feeds cut here, when step is 0 and split < len */
               Collect      *c,
               GError      **error)
{
  AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();
  gboolean             ok = TRUE;

  if (step > 0)
    {
      for (gsize i = 0; ok && i < len; i += step)
        ok = codec->stream_decoder_feed (decoder, data + i, MIN (step, len - i), collect_cb, c,
                                         error);
    }
  else if (split < len)
    ok = codec->stream_decoder_feed (decoder, data, split, collect_cb, c, error) &&
         codec->stream_decoder_feed (decoder, data + split, len - split, collect_cb, c, error);
  else
    ok = codec->stream_decoder_feed (decoder, data, len, collect_cb, c, error);

  if (ok)
    ok = codec->stream_decoder_finish (decoder, collect_cb, c, error);

  codec->stream_decoder_free (decoder);
  return ok;
}

/* Decodes @stream whole, cut in two at every byte and byte by byte; the answer must be the
 * same each time. Returns its description. */
static char *
decode_stream_every_way (const char *stream,
                         const char *expected_kinds)
{
  const guint8 *data = (const guint8 *) stream;
  gsize         len = strlen (stream);
  g_autoptr (GError) error = NULL;
  g_autofree char *whole = NULL;
  Collect          c;

  collect_init (&c);
  g_assert_true (decode_stream (data, len, 0, len, &c, &error));
  g_assert_no_error (error);
  whole = describe (c.acc);
  if (expected_kinds != NULL)
    g_assert_cmpstr (c.kinds->str, ==, expected_kinds);
  collect_clear (&c);

  for (gsize split = 0; split <= len; split++)
    {
      g_autofree char *again = NULL;

      collect_init (&c);
      g_assert_true (decode_stream (data, len, 0, split, &c, &error));
      g_assert_no_error (error);
      again = describe (c.acc);
      g_assert_cmpstr (again, ==, whole);
      collect_clear (&c);
    }

  {
    g_autofree char *bytewise = NULL;

    collect_init (&c);
    g_assert_true (decode_stream (data, len, 1, 0, &c, &error));
    g_assert_no_error (error);
    bytewise = describe (c.acc);
    g_assert_cmpstr (bytewise, ==, whole);
    collect_clear (&c);
  }

  return g_steal_pointer (&whole);
}

/* Cutting @stream anywhere before its end gives a protocol error at finish and keeps the text
 * of the lines that arrived whole: @texts[i] is the text once line i has arrived. */
static void
assert_cut_streams_fail (const char        *stream,
                         const char *const *texts)
{
  const guint8 *data = (const guint8 *) stream;
  gsize         len = strlen (stream);

  /* Without its line end the last line is whole all the same. */
  if (len > 0 && stream[len - 1] == '\n')
    len--;

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      const char      *expected = "";
      const char      *line_end = stream;
      Collect          c;

      /* A last line without its line end is still read at finish. */
      for (guint i = 0; texts[i] != NULL && (line_end = strchr (line_end, '\n')) != NULL &&
                        (gsize) (line_end - stream) <= cut;
           i++, line_end++)
        expected = texts[i];

      collect_init (&c);
      g_assert_false (decode_stream (data, cut, 0, cut, &c, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      text = get_text (&c);
      g_assert_cmpstr (text, ==, expected);
      g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, ADIUVA_FINISH_NONE);
      collect_clear (&c);
    }
}

static void
test_stream_fixtures (void)
{
  static const struct
  {
    const char        *first;
    const char        *last;
    const char        *kinds;
    const char        *text;
    const char        *call; /* "name arguments", or NULL */
    AdiuvaFinishReason finish;
    gint64             input_tokens;
    gint64             output_tokens;
  } cases[] = {
    { CHAT "chat-request-streaming__1.json", CHAT "chat-request-streaming__2.json", "TFU", "The",
      NULL, ADIUVA_FINISH_STOP, 26, 282 },
    { CHAT "chat-request-with-history__1.json", CHAT "chat-request-with-history__2.json", "TFU",
      "The", NULL, ADIUVA_FINISH_STOP, 61, 468 },
    { CHAT "chat-request-streaming-with-tools__1.json",
      CHAT "chat-request-streaming-with-tools__2.json", "CFU", "",
      "get_weather {\"city\":\"Tokyo\"}", ADIUVA_FINISH_TOOL_CALLS, 169, 15 },
  };

  if (!have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char      *names[] = { cases[i].first, cases[i].last, NULL };
      g_autofree char *stream = build_stream (names);
      g_autofree char *answer = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *call = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaChatMessage) message = NULL;
      Collect c;

      g_test_message ("%s + %s", cases[i].first, cases[i].last);
      answer = decode_stream_every_way (stream, cases[i].kinds);

      /* What the fixtures say, the id aside, which is checked for its form. */
      collect_init (&c);
      g_assert_true (decode_stream ((const guint8 *) stream, strlen (stream), 0, 0, &c, &error));
      message = get_message (&c);
      if (cases[i].call != NULL)
        {
          const AdiuvaToolCall *tc = g_ptr_array_index (message->tool_calls, 0);

          g_assert_cmpuint (message->tool_calls->len, ==, 1);
          assert_synthesized_id (tc->id);
          call = g_strdup_printf ("call=%s %s\n", tc->id, cases[i].call);
        }
      else
        g_assert_cmpuint (message->tool_calls->len, ==, 0);
      collect_clear (&c);

      expected = g_strdup_printf ("text=%s\nreasoning=\n%sfinish=%d\nusage=%" G_GINT64_FORMAT
                                  ",%" G_GINT64_FORMAT ",-1,-1\n",
                                  cases[i].text, call != NULL ? call : "", cases[i].finish,
                                  cases[i].input_tokens, cases[i].output_tokens);
      g_assert_cmpstr (answer, ==, expected);

      /* The same stream cut short anywhere is an error that keeps what came. */
      {
        const char *texts[] = { cases[i].text, NULL };

        assert_cut_streams_fail (stream, texts);
      }
    }
}

static void
test_stream_written (void)
{
  /* What a thinking model with tools streams: thinking, then text, then one call per line,
   * the last text in the done line itself (as Ollama's streaming docs show), keep-alive blank
   * lines, CRLF, and a final line end. */
#define QWEN(time, message, end)                                           \
  "{\"model\":\"qwen3\",\"created_at\":\"2025-10-26T17:15:24." time "Z\"," \
  "\"message\":{\"role\":\"assistant\"," message "}," end
  static const char *const pieces[] = {
    QWEN ("09", "\"content\":\"\",\"thinking\":\"Two \"", "\"done\":false}\n"),
    QWEN ("10", "\"content\":\"\",\"thinking\":\"cities.\"", "\"done\":false}\r\n"),
    "\n",
    "   \n",
    QWEN ("11", "\"content\":\"Checking \\u00e9t\\u00e9 \"", "\"done\":false}\n"),
    QWEN ("12", "\"content\":\"weather… 🌦\"", "\"done\":false}\n"),
    QWEN ("13",
          "\"content\":\"\",\"tool_calls\":[{\"function\":{\"index\":0,"
          "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]",
          "\"done\":false}\n"),
    QWEN ("14",
          "\"content\":\"\",\"tool_calls\":[{\"function\":{\"index\":1,"
          "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}}]",
          "\"done\":false}\n"),
    QWEN ("15", "\"content\":\"!\"",
          "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":1,"
          "\"prompt_eval_count\":123,\"eval_count\":45}\n"),
    NULL,
  };
#undef QWEN
  g_autofree char *stream = g_strjoinv ("", (GStrv) pieces);
  g_autofree char *answer = decode_stream_every_way (stream, "RRTTCCTFU");
  g_auto (GStrv) lines = g_strsplit (answer, "\n", -1);
  g_auto (GStrv) first = NULL;
  g_auto (GStrv) second = NULL;
  g_autofree char *finish = NULL;

  g_assert_cmpstr (lines[0], ==, "text=Checking été weather… 🌦!");
  g_assert_cmpstr (lines[1], ==, "reasoning=Two cities.");
  first = g_strsplit (lines[2], " ", -1);
  second = g_strsplit (lines[3], " ", -1);
  assert_synthesized_id (first[0] + strlen ("call="));
  assert_synthesized_id (second[0] + strlen ("call="));
  g_assert_cmpstr (first[0], !=, second[0]);
  g_assert_cmpstr (first[1], ==, "get_weather");
  g_assert_cmpstr (first[2], ==, "{\"city\":\"Paris\"}");
  g_assert_cmpstr (second[2], ==, "{\"city\":\"Tokyo\"}");
  finish = g_strdup_printf ("finish=%d", ADIUVA_FINISH_TOOL_CALLS);
  g_assert_cmpstr (lines[4], ==, finish);
  g_assert_cmpstr (lines[5], ==, "usage=123,45,-1,-1");
}

static void
test_stream_after_done (void)
{
  /* Whatever follows the done line cannot change the answer. */
  const char      *stream = "{\"message\":{\"content\":\"Hi\"},\"done\":true,\"eval_count\":1}\n"
                            "{\"message\":{\"content\":\" again\"},\"done\":false}\n"
                            "not even JSON\n";
  g_autofree char *answer = decode_stream_every_way (stream, "TFU");

  g_assert_cmpstr (answer, ==, "text=Hi\nreasoning=\nfinish=1\nusage=-1,1,-1,-1\n");
}

static void
assert_stream_error (const char        *stream,
                     AdiuvaGatewayError code,
                     const char        *words,
                     const char        *partial_text)
{
  const guint8 *data = (const guint8 *) stream;
  gsize         len = strlen (stream);

  /* However the bytes arrive, the error and what came before it are the same. */
  for (gsize split = 0; split <= len; split++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      Collect          c;

      collect_init (&c);
      g_assert_false (decode_stream (data, len, 0, split, &c, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, code);
      if (words != NULL)
        g_assert_nonnull (strstr (error->message, words));
      text = get_text (&c);
      g_assert_cmpstr (text, ==, partial_text);
      collect_clear (&c);
    }
}

static void
test_stream_documented_error (void)
{
  g_autofree char *midstream = NULL;
  gsize            len;

  if (!have_fixtures ())
    return;

  /* docs/api/errors.mdx: its lines are /api/generate's, which carry no chat message, so only
   * the error matters here. */
  midstream = load_fixture (DOCS "errors-mdx__midstream_error.ndjson", &len);
  g_assert_cmpuint (strlen (midstream), ==, len);
  assert_stream_error (midstream, ADIUVA_GATEWAY_ERROR_SERVER,
                       "an error was encountered while running the model", "");
}

static void
test_stream_errors (void)
{
  static const struct
  {
    const char        *error;
    AdiuvaGatewayError code;
  } cases[] = {
    { "model \\\"llama9\\\" not found, try pulling it first", ADIUVA_GATEWAY_ERROR_BAD_REQUEST },
    { "registry.ollama.ai/library/llama9:latest does not support tools",
      ADIUVA_GATEWAY_ERROR_BAD_REQUEST },
    { "server busy, please try again.  maximum pending requests exceeded",
      ADIUVA_GATEWAY_ERROR_OVERLOADED },
    { "too many requests", ADIUVA_GATEWAY_ERROR_RATE_LIMITED },
    { "unauthorized", ADIUVA_GATEWAY_ERROR_AUTH },
    { "an error was encountered while running the model", ADIUVA_GATEWAY_ERROR_SERVER },
    { "an unknown error was encountered while running the model",
      ADIUVA_GATEWAY_ERROR_SERVER },
    { "", ADIUVA_GATEWAY_ERROR_SERVER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *stream = g_strdup_printf (
          "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},"
          "\"done\":false}\n"
          "{\"error\":\"%s\"}\n",
          cases[i].error);
      g_autofree char *words = g_strcompress (cases[i].error);

      g_test_message ("%s", cases[i].error);
      assert_stream_error (stream, cases[i].code, *words != '\0' ? words : NULL, "The");
    }

  /* An error object as an OpenAI-style proxy in front of Ollama writes it. */
  assert_stream_error ("{\"error\":{\"message\":\"rate limit reached\"}}",
                       ADIUVA_GATEWAY_ERROR_RATE_LIMITED,
                       "rate limit reached", "");
}

static gboolean
feed_text (AdiuvaStreamDecoder *decoder,
           const char          *text,
           gsize                len,
           AdiuvaDeltaFunc      func,
           gpointer             user_data,
           GError             **error)
{
  return codec->stream_decoder_feed (decoder, (const guint8 *) text, len, func, user_data, error);
}

static void
test_stream_after_error (void)
{
  AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();
  const char          *bad = "{\"error\":\"boom\"}\n";
  const char          *good = "{\"message\":{\"content\":\"Hi\"},\"done\":true}\n";
  g_autoptr (GError) error = NULL;
  Collect c;

  collect_init (&c);
  g_assert_false (feed_text (decoder, bad, strlen (bad), collect_cb, &c, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  g_clear_error (&error);

  /* A failed stream takes nothing more, and says so instead of crashing. */
  g_assert_false (feed_text (decoder, good, strlen (good), collect_cb, &c, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (codec->stream_decoder_finish (decoder, collect_cb, &c, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_true (adiuva_chat_accumulator_is_empty (c.acc));
  codec->stream_decoder_free (decoder);
  collect_clear (&c);

  /* A caller that stops decoding stops it. */
  decoder = codec->stream_decoder_new ();
  g_clear_error (&error);
  g_assert_false (feed_text (decoder, good, strlen (good), stop_cb, NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  codec->stream_decoder_free (decoder);

  /* A finished stream takes nothing more either. */
  decoder = codec->stream_decoder_new ();
  g_clear_error (&error);
  collect_init (&c);
  g_assert_true (feed_text (decoder, good, strlen (good), collect_cb, &c, &error));
  g_assert_true (codec->stream_decoder_finish (decoder, collect_cb, &c, &error));
  g_assert_false (feed_text (decoder, good, strlen (good), collect_cb, &c, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  codec->stream_decoder_free (decoder);
  collect_clear (&c);

  /* Freeing a decoder mid-line, or NULL, is fine. */
  decoder = codec->stream_decoder_new ();
  g_assert_true (feed_text (decoder, good, 10, collect_cb, NULL, NULL));
  codec->stream_decoder_free (decoder);
  codec->stream_decoder_free (NULL);
}

static void
test_stream_cut (void)
{
  const char *stream =
      "{\"message\":{\"content\":\"Hello\"},\"done\":false}\n"
      "{\"message\":{\"content\":\", world\"},\"done\":false}\n"
      "{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
      "\"eval_count\":3}\n";
  const char *texts[] = { "Hello", "Hello, world", NULL };
  const char *none[] = { NULL };
  g_autoptr (GError) error = NULL;
  Collect c;

  /* An empty body is cut before it began. */
  assert_cut_streams_fail ("{\"done\":true}", none);
  assert_cut_streams_fail (stream, texts);

  /* Only the line end was missing: the answer is whole. */
  collect_init (&c);
  g_assert_true (decode_stream ((const guint8 *) stream, strlen (stream) - 1, 0, 0, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (c.acc), ==, ADIUVA_FINISH_STOP);
  collect_clear (&c);
}

static void
test_stream_garbage (void)
{
  static const char *const bodies[] = {
    "",
    "\n\n\n",
    "hello\n",
    "<html><body>502 Bad Gateway</body></html>",
    "data: {\"choices\": []}\n\n",
    "[1, 2, 3]\n",
    "42\n",
    "null\n",
    "{\"done\": \"yes\"}\n",
    "{\"message\": \"hi\", \"done\": false}\n",
    "{\"message\": {\"content\": \"a\"}, \"done\": false}\n{\"message\": {\"content\": \"b\"}",
    "{\"message\": {\"content\": \"\xff\xfe\"}, \"done\": true}\n",
    "\xef\xbb\xbf{\"done\": true",
    "{\"done\": true",
  };
  /* A NUL byte inside a line, which JSON does not allow raw. */
  static const char with_nul[] = "{\"message\": {\"content\": \"a\0b\"}, \"done\": true}\n";

  for (guint i = 0; i <= G_N_ELEMENTS (bodies); i++)
    {
      const char *body = i < G_N_ELEMENTS (bodies) ? bodies[i] : with_nul;
      gsize       len = i < G_N_ELEMENTS (bodies) ? strlen (body) : sizeof with_nul - 1;
      g_autoptr (GError) error = NULL;
      Collect c;

      collect_init (&c);
      g_assert_false (decode_stream ((const guint8 *) body, len, 0, len, &c, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      collect_clear (&c);
    }

  /* Random bytes, random chunks: an error, never a crash. */
  for (guint seed = 0; seed < 200; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      gsize                len = g_rand_int_range (rand, 0, 4096);
      g_autofree guint8   *data = g_malloc (len + 1);
      AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();
      g_autoptr (GError) error = NULL;
      gboolean ok = TRUE;
      Collect  c;

      for (gsize i = 0; i < len; i++)
        {
          /* Mostly JSON-ish bytes, so parsing gets somewhere before it fails. */
          static const char alphabet[] = "{}[]\":,\n tfnrue0123456789\\done_messagecontent";

          if (g_rand_boolean (rand))
            data[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
          else
            data[i] = (guint8) g_rand_int_range (rand, 0, 256);
        }

      collect_init (&c);
      for (gsize i = 0; ok && i < len;)
        {
          gsize n = MIN ((gsize) g_rand_int_range (rand, 1, 64), len - i);

          ok = codec->stream_decoder_feed (decoder, data + i, n, collect_cb, &c, &error);
          i += n;
        }
      if (ok)
        ok = codec->stream_decoder_finish (decoder, collect_cb, &c, &error);
      g_assert_false (ok);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      codec->stream_decoder_free (decoder);
      collect_clear (&c);
    }
}

/* A long answer: many lines, one decoder, the same answer as the pieces joined. */
static void
test_stream_long (void)
{
  g_autoptr (GString) stream = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  Collect          c;

  for (guint i = 0; i < 20000; i++)
    {
      g_string_append_printf (stream,
                              "{\"model\":\"llama3.2\","
                              "\"created_at\":\"2025-10-26T17:15:24.%06uZ\","
                              "\"message\":{\"role\":\"assistant\",\"content\":\"word%u \"},"
                              "\"done\":false}\n",
                              i, i);
      g_string_append_printf (expected, "word%u ", i);
    }
  g_string_append (stream, "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\","
                           "\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                           "\"prompt_eval_count\":5,\"eval_count\":20000}\n");

  {
    AdiuvaStreamDecoder *decoder = codec->stream_decoder_new ();

    collect_init (&c);
    for (gsize i = 0; i < stream->len; i += 4096)
      g_assert_true (feed_text (decoder, stream->str + i, MIN (4096, stream->len - i), collect_cb,
                                &c, &error));
    g_assert_true (codec->stream_decoder_finish (decoder, collect_cb, &c, &error));
    g_assert_no_error (error);
    codec->stream_decoder_free (decoder);
  }

  text = get_text (&c);
  g_assert_cmpstr (text, ==, expected->str);
  assert_usage (&c, 5, 20000);
  collect_clear (&c);
}

/* Error responses */

static void
assert_http_error (guint              status,
                   const char        *body,
                   gssize             body_len,
                   AdiuvaGatewayError code,
                   const char        *words)
{
  g_autoptr (GError) error = NULL;

  if (body_len < 0)
    body_len = body != NULL ? strlen (body) : 0;
  codec->decode_error (status, body, body_len, &error);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, code);
  g_test_message ("%u: %s", status, error->message);
  if (words != NULL)
    g_assert_nonnull (strstr (error->message, words));
}

static void
test_decode_error_fixture (void)
{
  g_autofree char *body = NULL;
  gsize            len;

  if (!have_fixtures ())
    return;

    /* The documented error body, under the statuses docs/api/errors.mdx lists. */
#define WORDS "the model failed to generate a response"
  body = load_fixture (DOCS "errors-mdx__error_body.json", &len);
  assert_http_error (500, body, len, ADIUVA_GATEWAY_ERROR_SERVER, WORDS);
  assert_http_error (502, body, len, ADIUVA_GATEWAY_ERROR_SERVER, WORDS);
  assert_http_error (400, body, len, ADIUVA_GATEWAY_ERROR_BAD_REQUEST, WORDS);
#undef WORDS
}

static void
test_decode_error_written (void)
{
  g_autoptr (GString) long_body = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  static const struct
  {
    guint              status;
    const char        *body;
    AdiuvaGatewayError code;
    const char        *words; /* NULL when there are none to find */
  } cases[] = {
    { 404, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}",
      ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "model \"llama9\" not found, try pulling it first" },
    { 400, "{\"error\":\"registry.ollama.ai/library/gemma:2b does not support tools\"}",
      ADIUVA_GATEWAY_ERROR_BAD_REQUEST, "does not support tools" },
    { 401, "{\"error\":\"unauthorized\"}", ADIUVA_GATEWAY_ERROR_AUTH, "unauthorized" },
    { 403, "{\"error\":\"cloud model access is disabled\"}", ADIUVA_GATEWAY_ERROR_AUTH,
      "cloud model access is disabled" },
    { 429, "{\"error\":\"you have reached your hourly usage limit\"}",
      ADIUVA_GATEWAY_ERROR_RATE_LIMITED, "hourly usage limit" },
    { 503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}",
      ADIUVA_GATEWAY_ERROR_OVERLOADED, "maximum pending requests exceeded" },
    { 529, "{\"error\":\"overloaded\"}", ADIUVA_GATEWAY_ERROR_OVERLOADED, "overloaded" },
    { 500, "{\"error\":{\"message\":\"nested\",\"type\":\"api_error\"}}",
      ADIUVA_GATEWAY_ERROR_SERVER, "nested" },
    { 500, "\"a bare string\"", ADIUVA_GATEWAY_ERROR_SERVER, "a bare string" },
    { 400, "{\"unexpected\": true}", ADIUVA_GATEWAY_ERROR_BAD_REQUEST, NULL },
    { 200, "{\"error\": \"odd\"}", ADIUVA_GATEWAY_ERROR_PROTOCOL, "odd" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_http_error (cases[i].status, cases[i].body, -1, cases[i].code, cases[i].words);

  /* Bodies that are not Ollama's: a proxy's page still tells the user something. */
  assert_http_error (502, "<html><body><h1>502 Bad Gateway</h1></body></html>\n", -1,
                     ADIUVA_GATEWAY_ERROR_SERVER, "502 Bad Gateway");
  assert_http_error (500, "Internal Server Error", -1, ADIUVA_GATEWAY_ERROR_SERVER,
                     "Internal Server Error");
  assert_http_error (500, NULL, 0, ADIUVA_GATEWAY_ERROR_SERVER, NULL);
  assert_http_error (429, "", 0, ADIUVA_GATEWAY_ERROR_RATE_LIMITED, NULL);
  assert_http_error (500, "   \n", -1, ADIUVA_GATEWAY_ERROR_SERVER, NULL);
  assert_http_error (500, "\xff\xfe\x00\x01garbage", 12, ADIUVA_GATEWAY_ERROR_SERVER, NULL);
  assert_http_error (500, "{\"error\": \"cut", -1, ADIUVA_GATEWAY_ERROR_SERVER, NULL);

  /* A huge page is cut to a readable length, between characters. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (long_body, "é");
  codec->decode_error (500, long_body->str, long_body->len, &error);
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  g_assert_cmpuint (strlen (error->message), <, 500);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_str_has_suffix (error->message, "…"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  codec = &adiuva_ollama_codec;

  g_test_add_func ("/ollama-codec/table", test_codec_table);
  g_test_add_func ("/ollama-codec/encode/system-messages", test_encode_system_messages);
  g_test_add_func ("/ollama-codec/encode/images", test_encode_images);
  g_test_add_func ("/ollama-codec/encode/tool-round-trip", test_encode_tool_round_trip);
  g_test_add_func ("/ollama-codec/encode/decoded-answer", test_encode_decoded_answer);
  g_test_add_func ("/ollama-codec/encode/tools", test_encode_tools);
  g_test_add_func ("/ollama-codec/encode/options", test_encode_options);
  g_test_add_func ("/ollama-codec/encode/format", test_encode_format);
  g_test_add_func ("/ollama-codec/encode/reasoning", test_encode_reasoning);
  g_test_add_func ("/ollama-codec/encode/documented-requests", test_encode_documented_requests);
  g_test_add_func ("/ollama-codec/decode-response/fixtures", test_decode_response_fixtures);
  g_test_add_func ("/ollama-codec/decode-response/unfinished", test_decode_response_unfinished);
  g_test_add_func ("/ollama-codec/decode-response/written", test_decode_response_written);
  g_test_add_func ("/ollama-codec/decode-response/malformed", test_decode_response_malformed);
  g_test_add_func ("/ollama-codec/decode-response/error-body", test_decode_response_error_body);
  g_test_add_func ("/ollama-codec/stream/fixtures", test_stream_fixtures);
  g_test_add_func ("/ollama-codec/stream/written", test_stream_written);
  g_test_add_func ("/ollama-codec/stream/after-done", test_stream_after_done);
  g_test_add_func ("/ollama-codec/stream/documented-error", test_stream_documented_error);
  g_test_add_func ("/ollama-codec/stream/errors", test_stream_errors);
  g_test_add_func ("/ollama-codec/stream/after-error", test_stream_after_error);
  g_test_add_func ("/ollama-codec/stream/cut", test_stream_cut);
  g_test_add_func ("/ollama-codec/stream/garbage", test_stream_garbage);
  g_test_add_func ("/ollama-codec/stream/long", test_stream_long);
  g_test_add_func ("/ollama-codec/decode-error/fixture", test_decode_error_fixture);
  g_test_add_func ("/ollama-codec/decode-error/written", test_decode_error_written);

  return g_test_run ();
}
