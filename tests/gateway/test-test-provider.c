/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-provider"
#include "config.h"

/*
 * Tests of adiuva-test-provider itself, through a real libsoup client against the real program:
 * the defaults replay the recorded bytes, status and headers; the scripted faults do what the
 * adapter tests will rely on.
 */

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "test-provider-util.h"

#define OPENAI_STREAM_SHORT "openai/plano_gpt35_text_stream_done.sse"
#define OPENAI_CHAT_STREAM "openai/langchaingo-extracted/TestClient_CreateChatCompletionStream_0_200.sse"
#define OPENAI_CHAT "openai/langchaingo-extracted/TestClient_CreateChatCompletion_0_200.json"
#define OPENAI_EMBEDDINGS "openai/langchaingo-extracted/TestClient_CreateEmbeddingWithDimensions_0_200.json"
#define OPENAI_429 "openai/langchaingo-extracted/TestOpenRouterStreaming_1_429.json"
#define ANTHROPIC_STREAM "anthropic/langchaingo-extracted/TestClient_CreateMessageStream_0_200.sse"
#define ANTHROPIC_MESSAGE "anthropic/langchaingo-extracted/TestClient_CreateMessage_0_200.json"
#define ANTHROPIC_OVERLOAD "anthropic/sdkts_streaming_test_overloaded_error_event.sse"
#define GEMINI_GENERATE "gemini/firebase-vertexai-sdk-test-data/googleai/unary-success-basic-reply-short.json"
#define GEMINI_GENERATE_META "gemini/langchaingo-extracted/TestGoogleAICall_0_200.meta.json"
#define GEMINI_STREAM_SSE "gemini/pydantic-ai-extracted/model_stream_0_200.sse"
#define GEMINI_STREAM_JSON "gemini/langchaingo-extracted/TestGoogleAIWithStreaming_0_200.json"
#define GEMINI_429 "gemini/firebase-vertexai-sdk-test-data/vertexai/unary-failure-quota-exceeded.json"

typedef struct
{
  TestProvider *server;
  SoupSession  *session;
} Provider;

typedef struct
{
  guint       status;
  GByteArray *data;
  guint       reads;
  gsize       first_read;
  gsize       before_pause; /* bytes that came before the first pause of 100 ms or more */
  GError     *error;
} Streamed;

static void
provider_setup (Provider     *p,
                gconstpointer data)
{
  p->server = test_provider_start ();
  if (p->server == NULL)
    return;
  p->session = soup_session_new_with_options ("timeout", 10, "proxy-resolver", NULL, NULL);
}

static void
provider_teardown (Provider     *p,
                   gconstpointer data)
{
  g_clear_object (&p->session);
  g_clear_pointer (&p->server, test_provider_stop);
}

/* Fixtures and their sidecars */

static GBytes *
read_fixture (const char *rel)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, rel, NULL);
  g_autoptr (GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static JsonObject *
read_meta (const char *rel)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, rel, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
meta_for (const char *rel)
{
  const char *dot = strrchr (rel, '.');

  return g_strdup_printf ("%.*s.meta.json", (int) (dot - rel), rel);
}

static guint
meta_status (JsonObject *meta)
{
  if (json_object_has_member (meta, "status_line"))
    {
      g_auto (GStrv) parts = g_strsplit (json_object_get_string_member (meta, "status_line"), " ", 3);
      return (guint) g_ascii_strtoull (parts[1], NULL, 10);
    }
  return (guint) json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (meta, "response"), "status"), "code");
}

static const char *
meta_header (JsonObject *meta,
             const char *name)
{
  if (json_object_has_member (meta, "response_headers"))
    {
      JsonArray *headers = json_object_get_array_member (meta, "response_headers");

      for (guint i = 0; i < json_array_get_length (headers); i++)
        {
          JsonArray *pair = json_array_get_array_element (headers, i);

          if (g_ascii_strcasecmp (json_array_get_string_element (pair, 0), name) == 0)
            return json_array_get_string_element (pair, 1);
        }
      return NULL;
    }
  else
    {
      JsonObject *headers = json_object_get_object_member (json_object_get_object_member (meta, "response"), "headers");
      g_autoptr (GList) names = json_object_get_members (headers);

      for (GList *l = names; l != NULL; l = l->next)
        if (g_ascii_strcasecmp (l->data, name) == 0)
          return json_array_get_string_element (json_object_get_array_member (headers, l->data), 0);
      return NULL;
    }
}

/* HTTP */

static SoupMessage *
new_request (Provider   *p,
             const char *method,
             const char *path,
             const char *json)
{
  g_autofree char *uri = g_strconcat (p->server->base, path, NULL);
  SoupMessage     *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  if (json != NULL)
    {
      g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  return msg;
}

static GBytes *
fetch (Provider    *p,
       SoupMessage *msg)
{
  g_autoptr (GError) error = NULL;
  GBytes *body = soup_session_send_and_read (p->session, msg, NULL, &error);

  g_assert_no_error (error);
  return body;
}

static GBytes *
call (Provider   *p,
      const char *method,
      const char *path,
      const char *json,
      guint       expected_status)
{
  g_autoptr (SoupMessage) msg = new_request (p, method, path, json);
  GBytes *body = fetch (p, msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  return body;
}

static JsonNode *
json_from_bytes (GBytes *bytes)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static JsonNode *
call_json (Provider   *p,
           const char *method,
           const char *path,
           const char *json,
           guint       expected_status)
{
  g_autoptr (GBytes) body = call (p, method, path, json, expected_status);

  return json_from_bytes (body);
}

static void
script (Provider   *p,
        const char *steps)
{
  g_autoptr (GBytes) body = call (p, "POST", "/__script", steps, SOUP_STATUS_OK);
}

static void
assert_bytes_equal (GBytes *got,
                    GBytes *expected)
{
  gsize         got_len, expected_len;
  const guint8 *got_data = g_bytes_get_data (got, &got_len);
  const guint8 *expected_data = g_bytes_get_data (expected, &expected_len);

  g_assert_cmpmem (got_data, got_len, expected_data, expected_len);
}

static void
streamed_clear (Streamed *s)
{
  g_clear_pointer (&s->data, g_byte_array_unref);
  g_clear_error (&s->error);
}

/* Reads the body as it arrives and remembers how it was cut. */
static void
stream_request (SoupSession *session,
                SoupMessage *msg,
                Streamed    *out)
{
  g_autoptr (GInputStream) in = NULL;

  out->data = g_byte_array_new ();
  in = soup_session_send (session, msg, NULL, &out->error);
  if (in == NULL)
    return;
  out->status = soup_message_get_status (msg);
  out->before_pause = G_MAXSIZE;

  for (gint64 last = g_get_monotonic_time ();;)
    {
      guint8 buf[65536];
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &out->error);
      gint64 now = g_get_monotonic_time ();

      if (n <= 0)
        break;
      if (out->reads++ == 0)
        out->first_read = (gsize) n;
      if (now - last >= 100 * 1000 && out->before_pause == G_MAXSIZE)
        out->before_pause = out->data->len;
      last = now;
      g_byte_array_append (out->data, buf, (guint) n);
    }
}

static void
assert_streamed_fixture (Streamed   *s,
                         const char *rel)
{
  g_autoptr (GBytes) expected = read_fixture (rel);

  g_assert_no_error (s->error);
  g_assert_cmpmem (s->data->data, s->data->len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* Tests */

static void
test_defaults (Provider     *p,
               gconstpointer data)
{
  static const struct
  {
    const char *method;
    const char *path;
    const char *request;
    const char *fixture;
    const char *meta;
    const char *header;
  } routes[] = {
    { "POST", "/v1/chat/completions", "{\"model\":\"gpt-3.5-turbo\",\"stream\":true}", OPENAI_CHAT_STREAM, NULL, "X-Request-Id" },
    { "POST", "/v1/chat/completions", "{\"model\":\"gpt-3.5-turbo\"}", OPENAI_CHAT, NULL, "X-Ratelimit-Remaining-Tokens" },
    { "POST", "/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}", OPENAI_EMBEDDINGS, NULL, "Openai-Model" },
    { "POST", "/v1/messages", "{\"model\":\"claude-3-opus-20240229\",\"stream\":true}", ANTHROPIC_STREAM, NULL, "Request-Id" },
    { "POST", "/v1/messages", "{\"model\":\"claude-3-opus-20240229\"}", ANTHROPIC_MESSAGE, NULL, "Request-Id" },
    { "POST", "/v1beta/models/gemini-2.0-flash:generateContent", "{}", GEMINI_GENERATE, GEMINI_GENERATE_META, "Server" },
    { "POST", "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", "{}", GEMINI_STREAM_SSE, NULL, "Content-Disposition" },
    { "POST", "/v1beta/models/gemini-2.0-flash:streamGenerateContent", "{}", GEMINI_STREAM_JSON, NULL, "Server-Timing" },
  };

  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr (SoupMessage) msg = new_request (p, routes[i].method, routes[i].path, routes[i].request);
      g_autoptr (GBytes) body = fetch (p, msg);
      g_autoptr (GBytes) expected = read_fixture (routes[i].fixture);
      g_autofree char *meta_rel = routes[i].meta ? g_strdup (routes[i].meta) : meta_for (routes[i].fixture);
      g_autoptr (JsonObject) meta = read_meta (meta_rel);
      SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

      g_test_message ("%s %s", routes[i].method, routes[i].path);
      g_assert_cmpuint (soup_message_get_status (msg), ==, meta_status (meta));
      assert_bytes_equal (body, expected);
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==, meta_header (meta, "Content-Type"));
      g_assert_nonnull (meta_header (meta, routes[i].header));
      g_assert_cmpstr (soup_message_headers_get_one (headers, routes[i].header), ==, meta_header (meta, routes[i].header));
      /* Recorded framing is not replayed: the length is the one of these bytes. */
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
        g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, g_bytes_get_size (expected));
    }
}

static void
assert_ndjson (GBytes     *body,
               JsonNode ***values,
               guint      *n_values)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_auto (GStrv) lines = NULL;
  GPtrArray *out = g_ptr_array_new ();

  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i + 1] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      JsonNode *node = json_from_string (lines[i], &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_ptr_array_add (out, node);
    }
  *n_values = out->len;
  *values = (JsonNode **) g_ptr_array_free (out, FALSE);
}

static void
free_values (JsonNode **values,
             guint      n)
{
  for (guint i = 0; i < n; i++)
    json_node_unref (values[i]);
  g_free (values);
}

static void
test_ollama (Provider     *p,
             gconstpointer data)
{
  JsonNode **values;
  guint      n;

  if (!test_provider_have_fixtures ())
    return;

  {
    g_autoptr (SoupMessage) msg = new_request (p, "GET", "/api/tags", NULL);
    g_autoptr (GBytes) body = fetch (p, msg);
    g_autoptr (JsonNode) node = json_from_bytes (body);
    JsonArray *models;

    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==, "application/json");
    g_assert_null (memchr (g_bytes_get_data (body, NULL), '\n', g_bytes_get_size (body)));
    models = json_object_get_array_member (json_node_get_object (node), "models");
    g_assert_cmpuint (json_array_get_length (models), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0), "name"), ==, "deepseek-r1:latest");
  }

  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/api/chat", "{\"model\":\"llama3.2\",\"messages\":[]}");
    g_autoptr (GBytes) body = fetch (p, msg);
    JsonObject *last;

    g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==, "application/x-ndjson");
    assert_ndjson (body, &values, &n);
    g_assert_cmpuint (n, ==, 2);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (values[0]), "done"));
    last = json_node_get_object (values[n - 1]);
    g_assert_true (json_object_get_boolean_member (last, "done"));
    g_assert_cmpint (json_object_get_int_member (last, "eval_count"), ==, 282);
    free_values (values, n);
  }

  {
    g_autoptr (JsonNode) node = call_json (p, "POST", "/api/chat", "{\"model\":\"llama3.2\",\"stream\":false}", 200);
    JsonObject *object = json_node_get_object (node);

    g_assert_true (json_object_get_boolean_member (object, "done"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "message"), "content"), ==,
                     "Hello! How are you today?");
  }

  {
    /* The docs write this one as JSON5; the server sends JSON. */
    g_autoptr (JsonNode) node = call_json (p, "POST", "/api/show", "{\"model\":\"llava\"}", 200);
    JsonObject *object = json_node_get_object (node);

    g_assert_true (json_object_has_member (object, "modelfile"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "model_info"), "llama.context_length"), ==, 8192);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "capabilities")), ==, 2);
  }

  {
    g_autoptr (GBytes) body = call (p, "POST", "/api/pull", "{\"model\":\"llama3.2\"}", 200);
    gint64 completed = -1;

    assert_ndjson (body, &values, &n);
    g_assert_cmpuint (n, >=, 4);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (values[0]), "status"), ==, "pulling manifest");
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (values[n - 1]), "status"), ==, "success");
    for (guint i = 0; i < n; i++)
      {
        JsonObject *object = json_node_get_object (values[i]);

        if (!json_object_has_member (object, "completed"))
          continue;
        g_assert_cmpint (json_object_get_int_member (object, "completed"), >, completed);
        completed = json_object_get_int_member (object, "completed");
      }
    g_assert_cmpint (completed, ==, 2142590208);
    free_values (values, n);
  }

  {
    g_autoptr (JsonNode) node = call_json (p, "POST", "/api/pull", "{\"model\":\"llama3.2\",\"stream\":false}", 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "status"), ==, "success");
  }

  {
    g_autoptr (GBytes) body = call (p, "DELETE", "/api/delete", "{\"model\":\"llama3.2\"}", 200);
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  }

  {
    g_autoptr (JsonNode) one = call_json (p, "POST", "/api/embed", "{\"model\":\"all-minilm\",\"input\":\"hi\"}", 200);
    g_autoptr (JsonNode) two = call_json (p, "POST", "/api/embed", "{\"model\":\"all-minilm\",\"input\":[\"a\",\"b\"]}", 200);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (one), "embeddings")), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (two), "embeddings")), ==, 2);
  }

  {
    g_autoptr (JsonNode) node = call_json (p, "GET", "/v1/models", NULL, 200);
    JsonArray *models = json_object_get_array_member (json_node_get_object (node), "data");

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "object"), ==, "list");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0), "id"), ==, "gpt-3.5-turbo-0125");
  }
}

static void
test_one_byte_chunks (Provider     *p,
                      gconstpointer data)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) expected = NULL;
  Streamed s = { 0 };

  if (!test_provider_have_fixtures ())
    return;

  expected = read_fixture (OPENAI_STREAM_SHORT);
  script (p, "[{\"match\": \"/v1/chat/completions\", \"fixture\": \"" OPENAI_STREAM_SHORT "\", \"chunk\": 1, \"delay_ms\": 1}]");
  msg = new_request (p, "POST", "/v1/chat/completions", "{\"stream\":true}");
  stream_request (p->session, msg, &s);

  g_assert_cmpuint (s.status, ==, 200);
  assert_streamed_fixture (&s, OPENAI_STREAM_SHORT);
  g_assert_cmpuint (s.first_read, ==, 1);
  g_assert_cmpuint (s.reads, >=, g_bytes_get_size (expected) / 2);
  streamed_clear (&s);
}

static void
test_split_at (Provider     *p,
               gconstpointer data)
{
  g_autoptr (GBytes) sse = NULL;
  g_autoptr (GBytes) json = NULL;

  if (!test_provider_have_fixtures ())
    return;

  sse = read_fixture (OPENAI_STREAM_SHORT);
  json = read_fixture (OPENAI_CHAT);

  /* Chunked stream, and a Content-Length body written in two pieces. */
  for (guint round = 0; round < 2; round++)
    {
      gsize       len = g_bytes_get_size (round == 0 ? sse : json);
      const gsize splits[] = { 1, 7, len / 2, len - 1 };

      for (guint i = 0; i < G_N_ELEMENTS (splits); i++)
        {
          g_autoptr (SoupMessage) msg = NULL;
          g_autofree char *steps = NULL;
          Streamed         s = { 0 };

          steps = g_strdup_printf ("[{\"match\": \"/v1/chat/completions\", \"fixture\": \"%s\", \"split_at\": %" G_GSIZE_FORMAT ", \"delay_ms\": 150}]",
                                   round == 0 ? OPENAI_STREAM_SHORT : OPENAI_CHAT, splits[i]);
          script (p, steps);
          msg = new_request (p, "POST", "/v1/chat/completions", "{}");
          stream_request (p->session, msg, &s);

          g_test_message ("split at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT, splits[i], len);
          assert_streamed_fixture (&s, round == 0 ? OPENAI_STREAM_SHORT : OPENAI_CHAT);
          /* A read may see part of a write, but the pause falls exactly at the split. */
          g_assert_cmpuint (s.before_pause, ==, splits[i]);
          g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_response_headers (msg)), ==,
                           round == 0 ? SOUP_ENCODING_CHUNKED : SOUP_ENCODING_CONTENT_LENGTH);
          streamed_clear (&s);
        }
    }
}

static void
test_stall (Provider     *p,
            gconstpointer data)
{
  g_autoptr (SoupSession) impatient = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) expected = NULL;
  Streamed s = { 0 };

  if (!test_provider_have_fixtures ())
    return;

  expected = read_fixture (OPENAI_STREAM_SHORT);
  script (p, "[{\"fixture\": \"" OPENAI_STREAM_SHORT "\", \"stall_after\": 64, \"stall_ms\": 20000}]");

  impatient = soup_session_new_with_options ("timeout", 1, "proxy-resolver", NULL, NULL);
  msg = new_request (p, "POST", "/v1/chat/completions", "{\"stream\":true}");
  stream_request (impatient, msg, &s);

  g_assert_cmpuint (s.status, ==, 200);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* The client's 1 s timeout, long before the server's 20 s stall ends: it stalled. */
  g_assert_cmpmem (s.data->data, s.data->len, g_bytes_get_data (expected, NULL), 64);
  streamed_clear (&s);
}

static void
test_reset (Provider     *p,
            gconstpointer data)
{
  static const struct
  {
    const char *fixture;
    const char *encoding;
    gsize       after;
  } cases[] = {
    { OPENAI_STREAM_SHORT, "chunked", 200 },
    { OPENAI_STREAM_SHORT, "chunked", 1 },
    { OPENAI_CHAT, "content-length", 100 },
    { OPENAI_CHAT, "content-length", 0 },
  };

  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (SoupMessage) msg = NULL;
      g_autoptr (GBytes) expected = read_fixture (cases[i].fixture);
      g_autofree char *steps = NULL;
      Streamed         s = { 0 };

      steps = g_strdup_printf ("[{\"fixture\": \"%s\", \"encoding\": \"%s\", \"reset_after\": %" G_GSIZE_FORMAT "}]",
                               cases[i].fixture, cases[i].encoding, cases[i].after);
      script (p, steps);
      msg = new_request (p, "POST", "/v1/chat/completions", "{}");
      stream_request (p->session, msg, &s);

      g_test_message ("reset after %" G_GSIZE_FORMAT " bytes, %s", cases[i].after, cases[i].encoding);
      g_assert_cmpuint (s.status, ==, 200);
      g_assert_nonnull (s.error);
      g_assert_cmpmem (s.data->data, s.data->len, g_bytes_get_data (expected, NULL), cases[i].after);
      streamed_clear (&s);
    }

  /* The server goes on serving. */
  {
    g_autoptr (GBytes) body = call (p, "POST", "/v1/chat/completions", "{}", 200);
    g_autoptr (GBytes) expected = read_fixture (OPENAI_CHAT);
    assert_bytes_equal (body, expected);
  }
}

static char *
error_type (JsonNode *node)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (node), "error");
  return g_strdup (json_object_get_string_member (error, "type"));
}

static void
test_errors (Provider     *p,
             gconstpointer data)
{
  if (!test_provider_have_fixtures ())
    return;

  script (p, "[{\"match\": \"/v1/chat/completions\", \"status\": 429},"
             " {\"match\": \"/v1/chat/completions\", \"status\": 429, \"retry_after\": 7},"
             " {\"match\": \"/v1/chat/completions\", \"status\": 500},"
             " {\"match\": \"/v1/messages\", \"status\": 529},"
             " {\"match\": \"/v1/messages\", \"status\": 429},"
             " {\"match\": \"/v1beta/\", \"status\": 429},"
             " {\"match\": \"/api/chat\", \"status\": 500}]");

  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1/chat/completions", "{}");
    g_autoptr (GBytes) body = fetch (p, msg);
    g_autoptr (GBytes) expected = read_fixture (OPENAI_429);
    SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 429);
    g_assert_cmpstr (soup_message_get_reason_phrase (msg), ==, "Too Many Requests");
    g_assert_cmpstr (soup_message_headers_get_one (headers, "Retry-After"), ==, "1");
    g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Ratelimit-Remaining"), ==, "0");
    assert_bytes_equal (body, expected);
  }

  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1/chat/completions", "{}");
    g_autoptr (GBytes) body = fetch (p, msg);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 429);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"), ==, "7");
  }

  {
    g_autoptr (JsonNode) node = call_json (p, "POST", "/v1/chat/completions", "{}", 500);
    g_autofree char *type = error_type (node);
    g_assert_cmpstr (type, ==, "server_error");
  }

  {
    g_autoptr (GBytes) event = read_fixture (ANTHROPIC_OVERLOAD);
    g_autofree char *text = g_strndup (g_bytes_get_data (event, NULL), g_bytes_get_size (event));
    g_autoptr (GBytes) body = call (p, "POST", "/v1/messages", "{}", 529);
    g_autofree char *line = g_strdup_printf ("data: %.*s\n", (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));

    /* The HTTP 529 body is the recorded error event's data. */
    g_assert_nonnull (strstr (text, line));
  }

  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1/messages", "{}");
    g_autoptr (GBytes) body = fetch (p, msg);
    g_autoptr (JsonNode) node = json_from_bytes (body);
    g_autofree char *type = error_type (node);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 429);
    g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "type"), ==, "error");
    g_assert_cmpstr (type, ==, "rate_limit_error");
  }

  {
    g_autoptr (GBytes) body = call (p, "POST", "/v1beta/models/gemini-2.0-flash:generateContent", "{}", 429);
    g_autoptr (GBytes) expected = read_fixture (GEMINI_429);
    assert_bytes_equal (body, expected);
  }

  {
    g_autoptr (JsonNode) node = call_json (p, "POST", "/api/chat", "{}", 500);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "error"), ==,
                     "the model failed to generate a response");
  }
}

static void
test_garbage (Provider     *p,
              gconstpointer data)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *text = NULL;
  gsize            len;
  const char      *raw;
  guint            payloads = 0;

  if (!test_provider_have_fixtures ())
    return;

  script (p, "[{\"match\": \"/v1/chat/completions\", \"garbage\": true, \"garbage_bytes\": 2048}]");
  msg = new_request (p, "POST", "/v1/chat/completions", "{\"stream\":true}");
  body = fetch (p, msg);
  raw = g_bytes_get_data (body, &len);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Content-Type"),
                                   "text/event-stream"));
  g_assert_cmpuint (len, >=, 2048);
  g_assert_false (g_utf8_validate (raw, len, NULL));

  /* Frame it as an SSE decoder would: no data payload is JSON. */
  text = g_malloc (len + 1);
  memcpy (text, raw, len);
  text[len] = '\0';
  for (char *line = text, *end; line < text + len; line = end + 1)
    {
      end = memchr (line, '\n', text + len - line);
      if (end == NULL)
        end = text + len;
      *end = '\0';
      if (g_str_has_prefix (line, "data:"))
        {
          const char *payload = line + 5 + (line[5] == ' ');
          g_autoptr (JsonParser) parser = json_parser_new ();

          payloads++;
          g_assert_true (!g_utf8_validate (payload, -1, NULL) || !json_parser_load_from_data (parser, payload, -1, NULL));
        }
    }
  g_assert_cmpuint (payloads, >, 10);

  /* The same seed gives the same bytes, so a failing decoder test can be replayed. */
  {
    g_autoptr (GBytes) again = NULL;

    script (p, "[{\"match\": \"/v1/chat/completions\", \"garbage\": true, \"garbage_bytes\": 2048}]");
    again = call (p, "POST", "/v1/chat/completions", "{\"stream\":true}", 200);
    assert_bytes_equal (again, body);
  }
}

static void
test_requests (Provider     *p,
               gconstpointer data)
{
  static const char chat[] = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GBytes) raw = NULL;
  g_autofree char *raw_text = NULL;
  JsonArray       *requests;
  JsonObject      *first, *second, *third;

  if (!test_provider_have_fixtures ())
    return;

  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1/chat/completions", chat);
    g_autoptr (GBytes) body = NULL;

    soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", "Bearer sk-test-0123456789abcd");
    body = fetch (p, msg);
  }
  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1/messages", "{\"model\":\"claude\",\"max_tokens\":5}");
    g_autoptr (GBytes) body = NULL;

    soup_message_headers_append (soup_message_get_request_headers (msg), "x-api-key", "sk-ant-secret-9876");
    soup_message_headers_append (soup_message_get_request_headers (msg), "anthropic-version", "2023-06-01");
    body = fetch (p, msg);
  }
  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=AIzaSecretWXYZ", "{}");
    g_autoptr (GBytes) body = NULL;

    soup_message_headers_append (soup_message_get_request_headers (msg), "x-goog-api-key", "AIzaOtherSecret1234");
    body = fetch (p, msg);
  }

  raw = call (p, "GET", "/__requests", NULL, 200);
  raw_text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_assert_null (strstr (raw_text, "sk-test-0123456789"));
  g_assert_null (strstr (raw_text, "secret-9876"));
  g_assert_null (strstr (raw_text, "AIzaSecret"));
  g_assert_null (strstr (raw_text, "OtherSecret"));

  node = json_from_string (raw_text, NULL);
  requests = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (requests), ==, 3);

  first = json_array_get_object_element (requests, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (first, "path"), ==, "/v1/chat/completions");
  g_assert_cmpstr (json_object_get_string_member (first, "body_text"), ==, chat);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "body"), "model"), ==, "gpt-4o");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "headers"), "authorization"), ==,
                   "Bearer ****abcd");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "headers"), "content-type"), ==,
                   "application/json");

  second = json_array_get_object_element (requests, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (second, "headers"), "x-api-key"), ==, "****9876");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (second, "headers"), "anthropic-version"), ==,
                   "2023-06-01");

  third = json_array_get_object_element (requests, 2);
  g_assert_cmpstr (json_object_get_string_member (third, "query"), ==, "alt=sse&key=****WXYZ");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (third, "headers"), "x-goog-api-key"), ==,
                   "****1234");

  /* Control requests are not recorded; a reset forgets everything. */
  {
    g_autoptr (GBytes) body = call (p, "POST", "/__reset", "{}", 200);
    g_autoptr (JsonNode) empty = call_json (p, "GET", "/__requests", NULL, 200);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (empty)), ==, 0);
  }
}

static void
test_script (Provider     *p,
             gconstpointer data)
{
  if (!test_provider_have_fixtures ())
    return;

  script (p, "[{\"match\": \"/v1/messages\", \"status\": 500},"
             " {\"match\": \"POST /v1/chat/completions\", \"status\": 503, \"times\": 2},"
             " {\"match\": \"/v1/chat/completions\", \"body\": \"data: hello\\n\\n\", \"headers\": {\"X-Test\": \"yes\"}}]");

  /* Steps wait for a request they match; the first match in order wins. */
  {
    g_autoptr (JsonNode) node = call_json (p, "GET", "/v1/models", NULL, 200);
    g_autoptr (GBytes) a = call (p, "POST", "/v1/chat/completions", "{}", 503);
    g_autoptr (GBytes) b = call (p, "POST", "/v1/chat/completions", "{}", 503);
    g_autoptr (GBytes) c = call (p, "POST", "/v1/messages", "{}", 500);
  }

  {
    g_autoptr (SoupMessage) msg = new_request (p, "POST", "/v1/chat/completions", "{}");
    g_autoptr (GBytes) body = fetch (p, msg);
    SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "data: hello\n\n", 13);
    g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Test"), ==, "yes");
    g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "text/event-stream");
  }

  /* With the script used up the defaults are back. */
  {
    g_autoptr (GBytes) body = call (p, "POST", "/v1/chat/completions", "{}", 200);
    g_autoptr (GBytes) expected = read_fixture (OPENAI_CHAT);
    assert_bytes_equal (body, expected);
  }

  /* Mistakes in a script are refused whole, with the reason. */
  {
    g_autoptr (JsonNode) bad_field = call_json (p, "POST", "/__script", "[{\"chunk\": 1}, {\"chunks\": 1}]", 400);
    g_autoptr (JsonNode) bad_fixture = call_json (p, "POST", "/__script", "[{\"fixture\": \"openai/nope.sse\"}]", 400);
    g_autoptr (JsonNode) escape = call_json (p, "POST", "/__script", "[{\"fixture\": \"../fixtures/PROVENANCE.md\"}]", 400);
    g_autoptr (JsonNode) counts = call_json (p, "GET", "/__script", NULL, 200);

    g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (bad_field), "error"), "chunks"));
    g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (bad_fixture), "error"), "openai/nope.sse"));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (counts), "pending"), ==, 0);
  }
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

static void
test_stdin_eof (void)
{
  g_autoptr (TestProvider) server = NULL;
  GSubprocess     *process;
  gboolean         exited = FALSE;

  if (!test_provider_have_fixtures ())
    return;

  /* A test that dies closes the pipe; the server must not outlive it. */
  server = test_provider_start ();
  process = server->process;
  g_subprocess_wait_async (process, NULL, exited_cb, &exited);
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);

  /* A server deaf to the pipe would run on to its idle timeout, past this test's time limit
   * in meson: the test fails by its outcome, not by a clock here. */
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/test-provider/defaults", Provider, NULL, provider_setup, test_defaults, provider_teardown);
  g_test_add ("/test-provider/ollama", Provider, NULL, provider_setup, test_ollama, provider_teardown);
  g_test_add ("/test-provider/one-byte-chunks", Provider, NULL, provider_setup, test_one_byte_chunks, provider_teardown);
  g_test_add ("/test-provider/split-at", Provider, NULL, provider_setup, test_split_at, provider_teardown);
  g_test_add ("/test-provider/stall", Provider, NULL, provider_setup, test_stall, provider_teardown);
  g_test_add ("/test-provider/reset", Provider, NULL, provider_setup, test_reset, provider_teardown);
  g_test_add ("/test-provider/errors", Provider, NULL, provider_setup, test_errors, provider_teardown);
  g_test_add ("/test-provider/garbage", Provider, NULL, provider_setup, test_garbage, provider_teardown);
  g_test_add ("/test-provider/requests", Provider, NULL, provider_setup, test_requests, provider_teardown);
  g_test_add ("/test-provider/script", Provider, NULL, provider_setup, test_script, provider_teardown);
  g_test_add_func ("/test-provider/stdin-eof", test_stdin_eof);

  return g_test_run ();
}
