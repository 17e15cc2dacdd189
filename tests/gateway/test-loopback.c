/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-loopback"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway.h"
#include "test-provider-fixture.h"

/* The loopback endpoint, end to end: a real HTTP client talks to AdiuvaLoopbackServer, whose
 * gateway client talks to the provider test server replaying recorded traffic. */

#define TOKEN "loopback-test-token-0123456789"

typedef struct
{
  TestProvider         *provider;
  SoupSession          *session;
  AdiuvaGatewayClient  *client;
  AdiuvaLoopbackServer *server;
  char                 *base;
  GPtrArray            *outcomes;
} Fixture;

typedef struct
{
  guint     status;
  char     *content_type;
  char     *body;
  JsonNode *json;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->content_type);
  g_free (reply->body);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
usage_cb (const AdiuvaCallMetrics *metrics,
          gpointer                 user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->outcomes, g_strdup (metrics->outcome));
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *v1 = NULL;

  f->provider = test_provider_start ();
  if (f->provider == NULL)
    return;

  f->client = adiuva_gateway_client_new (NULL);
  _adiuva_gateway_client_set_timings (f->client, 1, 5, 1);
  f->outcomes = g_ptr_array_new_with_free_func (g_free);
  adiuva_gateway_client_set_usage_func (f->client, usage_cb, f, NULL);
  v1 = g_strconcat (f->provider->base, "/v1", NULL);
  test_gateway_add_provider (f->client, "oa", "openai", v1, "sk-test-upstream-openai");
  test_gateway_add_provider (f->client, "an", "anthropic", f->provider->base,
                             "sk-ant-test-upstream");

  f->server = adiuva_loopback_server_new (f->client, TOKEN);
  adiuva_loopback_server_listen (f->server, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (adiuva_loopback_server_get_port (f->server), >, 0);
  f->base = g_strdup_printf ("http://127.0.0.1:%u",
                             adiuva_loopback_server_get_port (f->server));
  f->session = soup_session_new_with_options ("timeout", 20, "proxy-resolver", NULL, NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->session);
  if (f->server != NULL)
    adiuva_loopback_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->client);
  g_clear_pointer (&f->outcomes, g_ptr_array_unref);
  g_clear_pointer (&f->provider, test_provider_stop);
  g_clear_pointer (&f->base, g_free);
}

typedef enum
{
  AUTH_BEARER,
  AUTH_X_API_KEY,
  AUTH_NONE,
  AUTH_WRONG,
} Auth;

static Reply *
call (Fixture    *f,
      const char *method,
      const char *path,
      Auth        auth,
      const char *json)
{
  g_autofree char *uri = g_strconcat (f->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  Reply              *reply = g_new0 (Reply, 1);
  const char         *type;

  if (auth == AUTH_BEARER)
    soup_message_headers_replace (headers, "Authorization", "Bearer " TOKEN);
  else if (auth == AUTH_X_API_KEY)
    soup_message_headers_replace (headers, "x-api-key", TOKEN);
  else if (auth == AUTH_WRONG)
    soup_message_headers_replace (headers, "Authorization", "Bearer " TOKEN "x");
  if (json != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  /* The server runs on this thread's main context: wait for the answer by running it. */
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    test_keep_result_cb, &result);
  body = soup_session_send_and_read_finish (f->session, test_wait_result (&result), &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  reply->content_type = g_strdup (type);
  reply->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (g_strcmp0 (type, "application/json") == 0)
    {
      reply->json = json_from_string (reply->body, &error);
      g_assert_no_error (error);
    }
  return reply;
}

static JsonObject *
object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static void
assert_openai_error (Reply      *reply,
                     guint       status,
                     const char *type)
{
  JsonObject *error;

  g_assert_cmpuint (reply->status, ==, status);
  error = json_object_get_object_member (object (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "type"), ==, type);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  g_assert_true (json_object_has_member (error, "code"));
}

static void
assert_anthropic_error (Reply      *reply,
                        guint       status,
                        const char *type)
{
  JsonObject *error;

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (json_object_get_string_member (object (reply), "type"), ==, "error");
  error = json_object_get_object_member (object (reply), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "type"), ==, type);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

#define OPENAI_BODY(stream)                                                               \
  "{\"model\":\"oa/gpt-4o-mini\",\"stream\":" stream ",\"messages\":[{\"role\":\"user\"," \
  "\"content\":\"Hello\"}]}"
#define ANTHROPIC_BODY(stream)                                                     \
  "{\"model\":\"an/claude-3-5-haiku-latest\",\"max_tokens\":64,\"stream\":" stream \
  ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"

static void
test_openai_non_stream (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;
  JsonObject *message;

  if (!test_provider_have_fixtures ())
    return;

  reply = call (f, "POST", "/v1/chat/completions", AUTH_BEARER, OPENAI_BODY ("false"));
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (reply), "object"), ==,
                   "chat.completion");
  g_assert_cmpstr (json_object_get_string_member (object (reply), "model"), ==, "oa/gpt-4o-mini");
  message = json_object_get_object_member (
      json_array_get_object_element (json_object_get_array_member (object (reply), "choices"), 0),
      "message");
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "assistant");
  g_assert_cmpuint (strlen (json_object_get_string_member (message, "content")), >, 0);
}

static void
test_openai_stream (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;

  if (!test_provider_have_fixtures ())
    return;

  reply = call (f, "POST", "/v1/chat/completions", AUTH_BEARER, OPENAI_BODY ("true"));
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "text/event-stream");
  g_assert_true (g_str_has_prefix (reply->body, "data: {"));
  g_assert_nonnull (strstr (reply->body, "\"chat.completion.chunk\""));
  g_assert_nonnull (strstr (reply->body, "\"content\":"));
  g_assert_true (g_str_has_suffix (reply->body, "data: [DONE]\n\n"));
}

static void
test_anthropic_non_stream (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;
  JsonObject *block;

  if (!test_provider_have_fixtures ())
    return;

  reply = call (f, "POST", "/v1/messages", AUTH_X_API_KEY, ANTHROPIC_BODY ("false"));
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (reply), "type"), ==, "message");
  g_assert_cmpstr (json_object_get_string_member (object (reply), "role"), ==, "assistant");
  block = json_array_get_object_element (json_object_get_array_member (object (reply), "content"),
                                         0);
  g_assert_cmpstr (json_object_get_string_member (block, "type"), ==, "text");
  g_assert_cmpuint (strlen (json_object_get_string_member (block, "text")), >, 0);
}

static void
test_anthropic_stream (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;

  if (!test_provider_have_fixtures ())
    return;

  reply = call (f, "POST", "/v1/messages", AUTH_X_API_KEY, ANTHROPIC_BODY ("true"));
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "text/event-stream");
  g_assert_true (g_str_has_prefix (reply->body, "event: message_start\n"));
  g_assert_nonnull (strstr (reply->body, "event: content_block_delta\n"));
  g_assert_nonnull (strstr (reply->body, "\"text_delta\""));
  g_assert_nonnull (strstr (reply->body, "event: message_stop\n"));
}

static void
test_auth (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (Reply) none = NULL;
  g_autoptr (Reply) wrong = NULL;
  g_autoptr (Reply) anthropic = NULL;
  g_autoptr (Reply) models = NULL;

  if (!test_provider_have_fixtures ())
    return;

  none = call (f, "POST", "/v1/chat/completions", AUTH_NONE, OPENAI_BODY ("false"));
  assert_openai_error (none, 401, "authentication_error");
  wrong = call (f, "POST", "/v1/chat/completions", AUTH_WRONG, OPENAI_BODY ("true"));
  assert_openai_error (wrong, 401, "authentication_error");
  anthropic = call (f, "POST", "/v1/messages", AUTH_WRONG, ANTHROPIC_BODY ("false"));
  assert_anthropic_error (anthropic, 401, "authentication_error");
  models = call (f, "GET", "/v1/models", AUTH_NONE, NULL);
  assert_openai_error (models, 401, "authentication_error");

  /* Nothing reached the provider. */
  g_assert_cmpuint (f->outcomes->len, ==, 0);
}

static void
test_upstream_errors (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (Reply) openai = NULL;
  g_autoptr (Reply) openai_stream = NULL;
  g_autoptr (Reply) anthropic = NULL;
  g_autoptr (Reply) limited = NULL;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"status\": 500, \"times\": 20}]");
  openai = call (f, "POST", "/v1/chat/completions", AUTH_BEARER, OPENAI_BODY ("false"));
  assert_openai_error (openai, 502, "server_error");
  openai_stream = call (f, "POST", "/v1/chat/completions", AUTH_BEARER, OPENAI_BODY ("true"));
  assert_openai_error (openai_stream, 502, "server_error");

  test_provider_reset (f->provider);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/messages\", \"status\": 529, \"times\": 20}]");
  anthropic = call (f, "POST", "/v1/messages", AUTH_X_API_KEY, ANTHROPIC_BODY ("true"));
  assert_anthropic_error (anthropic, 529, "overloaded_error");

  test_provider_reset (f->provider);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/messages\", \"status\": 400, \"times\": 20}]");
  limited = call (f, "POST", "/v1/messages", AUTH_X_API_KEY, ANTHROPIC_BODY ("false"));
  assert_anthropic_error (limited, 400, "invalid_request_error");
}

static void
test_bad_requests (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (Reply) unknown = NULL;
  g_autoptr (Reply) invalid = NULL;
  g_autoptr (Reply) deep = NULL;
  g_autoptr (Reply) empty = NULL;
  g_autoptr (Reply) route = NULL;
  g_autofree char *nested = NULL;

  if (!test_provider_have_fixtures ())
    return;

  unknown = call (f, "POST", "/v1/chat/completions", AUTH_BEARER,
                  "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
  assert_openai_error (unknown, 404, "not_found_error");
  invalid = call (f, "POST", "/v1/messages", AUTH_X_API_KEY, "{\"model\":");
  assert_anthropic_error (invalid, 400, "invalid_request_error");
  nested = g_strnfill (100000, '[');
  deep = call (f, "POST", "/v1/chat/completions", AUTH_BEARER, nested);
  assert_openai_error (deep, 400, "invalid_request_error");
  /* Found by fuzz-codec-json: white space parses to no value, and no error. */
  empty = call (f, "POST", "/v1/messages", AUTH_X_API_KEY, " \n");
  assert_anthropic_error (empty, 400, "invalid_request_error");
  route = call (f, "GET", "/v1/nothing", AUTH_BEARER, NULL);
  assert_openai_error (route, 404, "not_found_error");
  g_assert_cmpuint (f->outcomes->len, ==, 0);
}

static void
test_default_model (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;

  if (!test_provider_have_fixtures ())
    return;

  adiuva_loopback_server_set_default_model (f->server, "oa/gpt-4o-mini");
  reply = call (f, "POST", "/v1/chat/completions", AUTH_BEARER,
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
  g_assert_cmpuint (reply->status, ==, 200);
  /* The client gets back the name it asked for. */
  g_assert_cmpstr (json_object_get_string_member (object (reply), "model"), ==, "gpt-4o");
}

static void
test_alias (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;
  g_autoptr (GError) error = NULL;

  if (!test_provider_have_fixtures ())
    return;

  /* No default model: only the alias can lead the request to a provider. */
  adiuva_gateway_client_set_alias (f->client, "quick", "fast", &error);
  g_assert_no_error (error);
  adiuva_gateway_client_set_alias (f->client, "fast", "oa/gpt-4o-mini", &error);
  g_assert_no_error (error);
  reply = call (f, "POST", "/v1/chat/completions", AUTH_BEARER,
                "{\"model\":\"quick\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (reply), "model"), ==, "quick");
}

static void
test_models (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;
  JsonArray *list;
  gboolean   openai = FALSE;

  if (!test_provider_have_fixtures ())
    return;

  reply = call (f, "GET", "/v1/models", AUTH_BEARER, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (reply), "object"), ==, "list");
  list = json_object_get_array_member (object (reply), "data");
  g_assert_cmpuint (json_array_get_length (list), >, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *model = json_array_get_object_element (list, i);
      const char *id = json_object_get_string_member (model, "id");

      g_assert_cmpstr (json_object_get_string_member (model, "object"), ==, "model");
      g_assert_nonnull (strchr (id, '/'));
      openai |= g_str_has_prefix (id, "oa/");
    }
  g_assert_true (openai);
}

/* Headers only, with Expect: 100-continue: the server must refuse without taking the body
 * they announce. */
static char *
announce_body (Fixture    *f,
               const char *auth_header)
{
  g_autoptr (GSocketClient) sockets = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *request = NULL;
  GInputStream    *in;
  char             buffer[1024];
  gssize           n;

  connection = g_socket_client_connect_to_host (sockets, "127.0.0.1",
                                                adiuva_loopback_server_get_port (f->server), NULL,
                                                &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                             "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                             "Content-Length: 1000000000\r\n\r\n",
                             auth_header);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while (!g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (in)))
    g_main_context_iteration (NULL, TRUE);
  n = g_input_stream_read (in, buffer, sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  return g_strndup (buffer, n);
}

static void
test_early_refusal (Fixture      *f,
                    gconstpointer data)
{
  g_autofree char *no_token = NULL;
  g_autofree char *too_large = NULL;

  if (!test_provider_have_fixtures ())
    return;

  no_token = announce_body (f, "");
  g_assert_true (g_str_has_prefix (no_token, "HTTP/1.1 401"));
  too_large = announce_body (f, "Authorization: Bearer " TOKEN "\r\n");
  g_assert_true (g_str_has_prefix (too_large, "HTTP/1.1 413"));
}

static void
test_disconnect_cancels (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GSocketClient) sockets = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *request = NULL;
  const char      *body = OPENAI_BODY ("true");
  char             buffer[4096];
  gssize           n;
  gsize            got = 0;

  if (!test_provider_have_fixtures ())
    return;

  /* A slow upstream: 50 bytes every 100 ms is ten seconds of stream. */
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"chunk\": 50, \"delay_ms\": 100}]");

  connection = g_socket_client_connect_to_host (sockets, "127.0.0.1",
                                                adiuva_loopback_server_get_port (f->server), NULL,
                                                &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer " TOKEN "\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\n\r\n%s",
                             strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  /* Read until the stream has begun, answering as the server's loop runs. */
  while (got == 0 || strstr (buffer, "data: ") == NULL)
    {
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

      while (!g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (in)))
        g_main_context_iteration (NULL, TRUE);
      n = g_input_stream_read (in, buffer + got, sizeof buffer - 1 - got, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      got += n;
      buffer[got] = '\0';
    }
  g_assert_true (g_str_has_prefix (buffer, "HTTP/1.1 200"));
  g_assert_cmpuint (f->outcomes->len, ==, 0);

  g_io_stream_close (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);

  /* The upstream call ends cancelled: had it gone on, the stream would have ended "ok". */
  while (f->outcomes->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->outcomes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->outcomes, 0), ==, "cancelled");
}

#define EMBED_BODY(input, extra) \
  "{\"model\":\"oa/text-embedding-3-small\",\"input\":" input extra "}"

static void
test_embeddings (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (Reply) one = NULL;
  g_autoptr (Reply) encoded = NULL;
  JsonArray         *data_list;
  JsonObject        *item;
  JsonArray         *floats;
  const char        *base64;
  g_autofree guchar *bytes = NULL;
  gsize              len;

  if (!test_provider_have_fixtures ())
    return;

  one = call (f, "POST", "/v1/embeddings", AUTH_BEARER, EMBED_BODY ("\"Hello world\"", ""));
  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (one), "object"), ==, "list");
  g_assert_cmpstr (json_object_get_string_member (object (one), "model"), ==,
                   "oa/text-embedding-3-small");
  data_list = json_object_get_array_member (object (one), "data");
  g_assert_cmpuint (json_array_get_length (data_list), ==, 1);
  item = json_array_get_object_element (data_list, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "object"), ==, "embedding");
  g_assert_cmpint (json_object_get_int_member (item, "index"), ==, 0);
  floats = json_object_get_array_member (item, "embedding");
  g_assert_cmpuint (json_array_get_length (floats), ==, 256);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (floats, 0), -0.0039325873, 1e-9);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object (one),
                                                                              "usage"),
                                               "prompt_tokens"),
                   ==, 2);

  /* What the openai npm client asks by default: the float32 values, little-endian, in base64. */
  encoded = call (f, "POST", "/v1/embeddings", AUTH_BEARER,
                  EMBED_BODY ("[\"Hello world\"]", ",\"encoding_format\":\"base64\""));
  g_assert_cmpuint (encoded->status, ==, 200);
  item = json_array_get_object_element (json_object_get_array_member (object (encoded), "data"),
                                        0);
  base64 = json_object_get_string_member (item, "embedding");
  g_assert_nonnull (base64);
  bytes = g_base64_decode (base64, &len);
  g_assert_cmpuint (len, ==, 256 * 4);
  for (guint i = 0; i < 256; i++)
    {
      guint32 bits;
      float   value;

      memcpy (&bits, bytes + i * 4, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&value, &bits, 4);
      g_assert_cmpfloat (value, ==, (float) json_array_get_double_element (floats, i));
    }

  g_assert_cmpuint (f->outcomes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->outcomes, 0), ==, "ok");
}

static void
test_embeddings_bad_requests (Fixture      *f,
                              gconstpointer data)
{
  static const struct
  {
    const char *body;
    guint       status;
    const char *words;
  } cases[] = {
    { EMBED_BODY ("[[15339, 1917]]", ""), 400, "Token arrays" },
    { EMBED_BODY ("[15339, 1917]", ""), 400, "Token arrays" },
    { EMBED_BODY ("[]", ""), 400, "non-empty" },
    { EMBED_BODY ("42", ""), 400, "“input”" },
    { EMBED_BODY ("\"Hi\"", ",\"encoding_format\":\"int8\""), 400, "int8" },
    { EMBED_BODY ("\"Hi\"", ",\"dimensions\":64"), 400, "dimensions" },
    { "{\"input\":\"Hi\"}", 400, "“model”" },
    { "[1]", 400, "JSON object" },
    { "{\"model\":\"nowhere\",\"input\":\"Hi\"}", 404, "nowhere" },
    { "{\"model\":\"an/claude-haiku-4-5\",\"input\":\"Hi\"}", 400, "no embeddings" },
  };

  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Reply) reply = call (f, "POST", "/v1/embeddings", AUTH_BEARER, cases[i].body);
      JsonObject *error;

      g_test_message ("case %u: %s", i, cases[i].body);
      assert_openai_error (reply, cases[i].status,
                           cases[i].status == 404 ? "not_found_error" : "invalid_request_error");
      error = json_object_get_object_member (object (reply), "error");
      g_assert_nonnull (strstr (json_object_get_string_member (error, "message"),
                                cases[i].words));
    }
  g_assert_cmpuint (f->outcomes->len, ==, 0);
}

/* A model name that leads nowhere is not sent to the default model, as a chat would be. */
static void
test_embeddings_no_default (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;

  if (!test_provider_have_fixtures ())
    return;

  adiuva_loopback_server_set_default_model (f->server, "oa/text-embedding-3-small");
  reply = call (f, "POST", "/v1/embeddings", AUTH_BEARER,
                "{\"model\":\"text-embedding-ada-002\",\"input\":\"Hi\"}");
  assert_openai_error (reply, 404, "not_found_error");
  g_assert_cmpuint (f->outcomes->len, ==, 0);
}

static void
test_embeddings_upstream_error (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr (Reply) reply = NULL;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->provider, "[{\"match\": \"/v1/embeddings\", \"status\": 429}]");
  reply = call (f, "POST", "/v1/embeddings", AUTH_BEARER, EMBED_BODY ("\"Hi\"", ""));
  assert_openai_error (reply, 429, "rate_limit_exceeded");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/loopback/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("openai/non-stream", test_openai_non_stream);
  ADD ("openai/stream", test_openai_stream);
  ADD ("anthropic/non-stream", test_anthropic_non_stream);
  ADD ("anthropic/stream", test_anthropic_stream);
  ADD ("auth", test_auth);
  ADD ("upstream-errors", test_upstream_errors);
  ADD ("bad-requests", test_bad_requests);
  ADD ("early-refusal", test_early_refusal);
  ADD ("default-model", test_default_model);
  ADD ("alias", test_alias);
  ADD ("models", test_models);
  ADD ("disconnect-cancels", test_disconnect_cancels);
  ADD ("embeddings", test_embeddings);
  ADD ("embeddings/bad-requests", test_embeddings_bad_requests);
  ADD ("embeddings/upstream-error", test_embeddings_upstream_error);
  ADD ("embeddings/no-default", test_embeddings_no_default);
#undef ADD

  return g_test_run ();
}
