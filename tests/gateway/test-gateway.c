/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gateway"

#include "config.h"

/*
 * The gateway's HTTP core against the real adiuva-test-provider, which replays recorded
 * provider traffic and injects faults: streaming and non-streaming chat in the four wire
 * formats, retries, fallbacks, the circuit breaker, timeouts, cancellation, model lists, and
 * that no API key ever reaches a log line.
 */

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway.h"
#include "test-provider-fixture.h"

#define OPENAI_KEY "sk-test-SECRETKEY-openai-0001"
#define ANTHROPIC_KEY "test-anthropic-key-SECRET-0002"
#define GEMINI_KEY "AIzaSECRETKEY-gemini-0003"

static const char *const secrets[] = { OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, "SECRETKEY" };

/* Every debug line the gateway writes, to prove no key is in one. */
static GString *debug_log;

typedef ProviderFixture Fixture;

typedef struct
{
  gboolean           done;
  AdiuvaChatMessage *message;
  AdiuvaChatMessage *partial;
  AdiuvaCallMetrics *metrics;
  GError            *error;
  GString           *streamed; /* the text of the text deltas, in order */
  guint              n_text;
  guint              n_deltas;
  GCancellable      *cancel_on_first_text;
  gint64             elapsed_us;
} Result;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *v1 = NULL;
  g_autofree char *down = NULL;

  if (!provider_fixture_start_empty (f))
    return;

  _adiuva_gateway_client_set_timings (f->client, 10, 50, 60000);

  v1 = g_strconcat (f->provider->base, "/v1", NULL);
  down = g_strdup_printf ("http://127.0.0.1:%u/v1", test_provider_closed_port ());
  test_gateway_add_provider (f->client, "oa", "openai", v1, OPENAI_KEY);
  test_gateway_add_provider (f->client, "an", "anthropic", f->provider->base, ANTHROPIC_KEY);
  test_gateway_add_provider (f->client, "ge", "gemini", f->provider->base, GEMINI_KEY);
  test_gateway_add_provider (f->client, "ol", "ollama", f->provider->base, NULL);
  test_gateway_add_provider (f->client, "down", "openai", down, OPENAI_KEY);

  g_string_truncate (debug_log, 0);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  /* Whatever a test did, no key reached a log line. */
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    g_assert_null (strstr (debug_log->str, secrets[i]));

  provider_fixture_stop (f);
}

/* Running calls */

static AdiuvaChatRequest *
new_request (gboolean stream)
{
  AdiuvaChatRequest *request = adiuva_chat_request_new ("ignored");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Count to five.");

  adiuva_chat_request_add_message (request, user);
  request->max_tokens = 100;
  request->stream = stream;
  return request;
}

static gboolean
delta_cb (const AdiuvaChatDelta *delta,
          gpointer               user_data,
          GError               **error)
{
  Result *r = user_data;

  g_assert_false (r->done);
  r->n_deltas++;
  if (delta->kind == ADIUVA_DELTA_TEXT)
    {
      g_string_append_len (r->streamed, delta->text, delta->text_len);
      r->n_text++;
      if (r->cancel_on_first_text != NULL)
        g_cancellable_cancel (r->cancel_on_first_text);
    }
  return TRUE;
}

static void
chat_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->message = adiuva_gateway_client_chat_finish (ADIUVA_GATEWAY_CLIENT (source), result, &r->metrics,
                                                  &r->partial, &r->error);
  r->done = TRUE;
}

static void
result_init (Result *r)
{
  memset (r, 0, sizeof *r);
  r->streamed = g_string_new (NULL);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->message, adiuva_chat_message_unref);
  g_clear_pointer (&r->partial, adiuva_chat_message_unref);
  g_clear_pointer (&r->metrics, adiuva_call_metrics_free);
  g_clear_error (&r->error);
  if (r->streamed != NULL)
    g_string_free (r->streamed, TRUE);
  r->streamed = NULL;
}

static void
start_chat (Fixture      *f,
            const char   *ref,
            gboolean      stream,
            GCancellable *cancellable,
            Result       *r)
{
  g_autoptr (AdiuvaChatRequest) request = new_request (stream);

  result_init (r);
  r->elapsed_us = g_get_monotonic_time ();
  adiuva_gateway_client_chat_async (f->client, ref, request, "test", delta_cb, r, cancellable, chat_cb, r);
}

static void
wait_for (Result *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  r->elapsed_us = g_get_monotonic_time () - r->elapsed_us;
}

static void
run_chat (Fixture      *f,
          const char   *ref,
          gboolean      stream,
          GCancellable *cancellable,
          Result       *r)
{
  start_chat (f, ref, stream, cancellable, r);
  wait_for (r);
}

static char *
message_text (AdiuvaChatMessage *message)
{
  g_assert_nonnull (message);
  return adiuva_chat_message_dup_text (message);
}

static AdiuvaCallMetrics *
attempt (Fixture *f,
         guint    i)
{
  g_assert_cmpuint (i, <, f->attempts->len);
  return g_ptr_array_index (f->attempts, i);
}

/* Tests */

static void
test_redact (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "Authorization: Bearer sk-abc123", "Authorization: Bearer [redacted]" },
    { "authorization=Basic dXNlcjpwYXNz, next", "authorization=Basic [redacted], next" },
    { "x-api-key: sk-ant-xyz; anthropic-version: 2023-06-01", "x-api-key: [redacted]; anthropic-version: 2023-06-01" },
    { "api-key: 0123 more", "api-key: [redacted] more" },
    { "X-Goog-Api-Key: AIzaXYZ", "X-Goog-Api-Key: [redacted]" },
    { "https://h/v1beta/models/m:generateContent?alt=sse&key=AIzaXYZ&x=1",
      "https://h/v1beta/models/m:generateContent?alt=sse&key=[redacted]&x=1" },
    { "https://h/x?key=abc", "https://h/x?key=[redacted]" },
    { "token was Bearer abc.def-ghi", "token was Bearer [redacted]" },
    { "{\"api_key\": \"sk-123\"}", "{\"api_key\": \"[redacted]\"}" },
    /* Not credentials: kept. */
    { "monkey=banana keyboard=1", "monkey=banana keyboard=1" },
    { "POST http://127.0.0.1/v1/chat/completions", "POST http://127.0.0.1/v1/chat/completions" },
    { "anthropic-version: 2023-06-01", "anthropic-version: 2023-06-01" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = adiuva_redact_secrets (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (adiuva_redact_secrets (NULL));
}

static void
test_settings (void)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);
  g_autoptr (AdiuvaProviderSettings) slash = adiuva_provider_settings_new ("a/b", "openai");
  g_autoptr (AdiuvaProviderSettings) unknown = adiuva_provider_settings_new ("x", "no-such-kind");
  g_autoptr (AdiuvaProviderSettings) compatible = adiuva_provider_settings_new ("lm", "openai-compatible");
  g_autoptr (AdiuvaProviderSettings) bedrock = adiuva_provider_settings_new ("aws", "bedrock");
  g_autoptr (AdiuvaProviderSettings) work = adiuva_provider_settings_new ("work", "openai");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;

  g_assert_false (adiuva_gateway_client_set_provider (client, slash, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_gateway_client_set_provider (client, unknown, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (adiuva_gateway_client_set_provider (client, compatible, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_gateway_client_set_provider (client, bedrock, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  adiuva_provider_settings_set_base_url (compatible, "http://127.0.0.1:1234/v1");
  g_assert_true (adiuva_gateway_client_set_provider (client, compatible, &error));
  g_assert_no_error (error);
  adiuva_provider_settings_set_api_key (work, "sk-1");
  adiuva_provider_settings_set_api_key (work, "sk-2");
  g_assert_true (adiuva_provider_settings_has_api_key (work));
  adiuva_provider_settings_set_header (work, "X-A", "1");
  adiuva_provider_settings_set_header (work, "X-B", "2");
  adiuva_provider_settings_set_header (work, "x-a", NULL);
  g_assert_cmpstr (adiuva_provider_settings_get_headers (work)[0], ==, "X-B");
  g_assert_null (adiuva_provider_settings_get_headers (work)[2]);
  g_assert_true (adiuva_gateway_client_set_provider (client, work, &error));

  names = adiuva_gateway_client_list_providers (client);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "lm");
  g_assert_cmpstr (names[1], ==, "work");
  g_assert_true (adiuva_gateway_client_remove_provider (client, "lm"));
  g_assert_false (adiuva_gateway_client_remove_provider (client, "lm"));
}

typedef struct
{
  const char *ref;
  const char *path;
  const char *query;
  const char *auth_header;
  const char *auth_value;
  const char *text;
  gint64      input_tokens;
  gint64      output_tokens;
  double      input_price;
  double      output_price;
} Format;

static const Format stream_formats[] = {
  { "oa/gpt-6-sol", "/v1/chat/completions", NULL, "authorization", "Bearer ****0001", "1, 2, 3, 4, 5", 14, 13, 2.0, 10.0 },
  { "an/claude-haiku-4-5", "/v1/messages", NULL, "x-api-key", "****0002", "1\n2\n3\n4\n5", 15, 13, 1.0, 5.0 },
  { "ge/gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse", "x-goog-api-key", "****0003",
    "The capital of France is Paris.\n", 13, 8, 0.3, 2.5 },
  { "ol/llama3.2", "/api/chat", NULL, NULL, NULL, "The", 26, 282, 0, 0 },
};

static const Format unary_formats[] = {
  { "oa/gpt-6-sol", "/v1/chat/completions", NULL, "authorization", "Bearer ****0001",
    "Hello! I'm just a computer program, so I don't have feelings, but I'm here to help you. How can I assist you today?", 13, 31, 2.0, 10.0 },
  { "an/claude-haiku-4-5", "/v1/messages", NULL, "x-api-key", "****0002",
    "Hello! As an AI language model, I don't have feelings, but I'm functioning properly and ready to assist you. How can I help you today?", 13, 35, 1.0, 5.0 },
  { "ge/gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:generateContent", NULL, "x-goog-api-key", "****0003",
    "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n", 7, 22, 0.3, 2.5 },
  { "ol/llama3.2", "/api/chat", NULL, NULL, NULL, "Hello! How are you today?", 26, 298, 0, 0 },
};

static void
check_answer (Fixture      *f,
              const Format *format,
              gboolean      stream,
              Result       *r)
{
  g_autofree char   *text = NULL;
  g_autofree char   *provider = g_strndup (format->ref, strchr (format->ref, '/') - format->ref);
  AdiuvaCallMetrics *m = r->metrics;
  double             cost = ((double) format->input_tokens * format->input_price +
                 (double) format->output_tokens * format->output_price) /
                1e6;

  g_test_message ("%s, %s", format->ref, stream ? "streamed" : "not streamed");
  g_assert_no_error (r->error);
  g_assert_null (r->partial);
  text = message_text (r->message);
  g_assert_cmpstr (text, ==, format->text);
  g_assert_cmpint (r->message->role, ==, ADIUVA_ROLE_ASSISTANT);
  /* The caller saw the same answer, piece by piece and in order. */
  g_assert_cmpstr (r->streamed->str, ==, format->text);
  if (stream && g_str_has_prefix (format->ref, "oa/"))
    g_assert_cmpuint (r->n_text, >=, 9);

  g_assert_nonnull (m);
  g_assert_cmpstr (m->caller, ==, "test");
  g_assert_cmpstr (m->provider, ==, provider);
  g_assert_cmpstr (m->model, ==, strchr (format->ref, '/') + 1);
  g_assert_cmpstr (m->outcome, ==, "ok");
  g_assert_cmpuint (m->http_status, ==, 200);
  g_assert_cmpuint (m->fallback_hops, ==, 0);
  g_assert_cmpuint (m->retries, ==, 0);
  g_assert_cmpint (m->time_to_first_token_us, >=, 0);
  g_assert_cmpint (m->latency_us, >=, m->time_to_first_token_us);
  g_assert_cmpint (m->usage.input_tokens, ==, format->input_tokens);
  g_assert_cmpint (m->usage.output_tokens, ==, format->output_tokens);
  g_assert_cmpfloat_with_epsilon (m->cost, cost, 1e-12);
  g_assert_cmpfloat (m->tokens_per_second, >, 0);

  /* One attempt, reported to the usage callback as it was. */
  g_assert_cmpuint (f->attempts->len, ==, 1);
  g_assert_cmpstr (attempt (f, 0)->outcome, ==, "ok");
  g_assert_cmpint (attempt (f, 0)->usage.output_tokens, ==, format->output_tokens);
  g_assert_cmpint (attempt (f, 0)->latency_us, <=, m->latency_us);
}

static void
check_request (Fixture      *f,
               const Format *format,
               gboolean      stream)
{
  g_autoptr (JsonArray) all = test_provider_requests (f->provider);
  JsonObject *req, *headers, *body;

  g_assert_cmpuint (json_array_get_length (all), ==, 1);
  req = json_array_get_object_element (all, 0);
  headers = json_object_get_object_member (req, "headers");
  body = json_object_get_object_member (req, "body");

  g_assert_cmpstr (json_object_get_string_member (req, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (req, "path"), ==, format->path);
  if (stream)
    g_assert_cmpstr (json_object_get_string_member_with_default (req, "query", NULL), ==, format->query);
  g_assert_cmpstr (json_object_get_string_member (headers, "content-type"), ==, "application/json");
  if (format->auth_header != NULL)
    g_assert_cmpstr (json_object_get_string_member (headers, format->auth_header), ==, format->auth_value);
  g_assert_false (json_object_has_member (headers, "authorization") && format->auth_header == NULL);
  if (g_str_has_prefix (format->ref, "an/"))
    g_assert_cmpstr (json_object_get_string_member (headers, "anthropic-version"), ==, "2023-06-01");

  g_assert_nonnull (body);
  if (g_str_has_prefix (format->ref, "ge/"))
    {
      /* Gemini names the model and the streaming in the URL. */
      g_assert_true (json_object_has_member (body, "contents"));
    }
  else
    {
      g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, strchr (format->ref, '/') + 1);
      if (stream)
        g_assert_true (json_object_get_boolean_member_with_default (body, "stream", FALSE));
      else if (g_str_has_prefix (format->ref, "ol/"))
        /* Ollama streams unless told not to. */
        g_assert_false (json_object_get_boolean_member_with_default (body, "stream", TRUE));
      else
        g_assert_false (json_object_get_boolean_member_with_default (body, "stream", FALSE));
    }
}

static void
test_stream (Fixture      *f,
             gconstpointer data)
{
  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (stream_formats); i++)
    {
      Result r;

      g_ptr_array_set_size (f->attempts, 0);
      test_provider_reset (f->provider);
      run_chat (f, stream_formats[i].ref, TRUE, NULL, &r);
      check_answer (f, &stream_formats[i], TRUE, &r);
      check_request (f, &stream_formats[i], TRUE);
      result_clear (&r);
    }
}

static void
test_unary (Fixture      *f,
            gconstpointer data)
{
  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (unary_formats); i++)
    {
      Result r;

      g_ptr_array_set_size (f->attempts, 0);
      test_provider_reset (f->provider);
      run_chat (f, unary_formats[i].ref, FALSE, NULL, &r);
      check_answer (f, &unary_formats[i], FALSE, &r);
      g_assert_cmpuint (r.n_text, ==, 1);
      check_request (f, &unary_formats[i], FALSE);
      result_clear (&r);
    }
}

static void
test_one_byte_chunks (Fixture      *f,
                      gconstpointer data)
{
  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (stream_formats); i++)
    {
      g_autofree char *step = g_strdup_printf ("[{\"match\": \"%s\", \"chunk\": 1}]", stream_formats[i].path);
      Result           r;

      g_ptr_array_set_size (f->attempts, 0);
      test_provider_reset (f->provider);
      test_provider_script (f->provider, step);
      run_chat (f, stream_formats[i].ref, TRUE, NULL, &r);
      check_answer (f, &stream_formats[i], TRUE, &r);
      result_clear (&r);
    }
}

static void
test_cut_stream (Fixture      *f,
                 gconstpointer data)
{
  const char      *chain[] = { "an/claude-haiku-4-5", NULL };
  g_autofree char *partial = NULL;
  Result           r;

  if (!test_provider_have_fixtures ())
    return;

  /* Three events: the role, "1" and ",". */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", chain);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"reset_after\": 1000}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);

  g_assert_null (r.message);
  g_assert_nonnull (r.error);
  g_test_message ("cut stream: %s", r.error->message);
  g_assert_true (g_error_matches (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK) ||
                 g_error_matches (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL));
  partial = message_text (r.partial);
  g_assert_cmpstr (partial, ==, r.streamed->str);
  g_assert_cmpuint (strlen (partial), >, 0);
  g_assert_true (g_str_has_prefix ("1, 2, 3, 4, 5", partial));
  g_assert_cmpuint (strlen (partial), <, strlen ("1, 2, 3, 4, 5"));

  /* Part of an answer reached the caller: no retry, no fallback. */
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 1);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/messages"), ==, 0);
  g_assert_cmpuint (f->attempts->len, ==, 1);
  g_assert_true (g_str_has_prefix (r.metrics->outcome, "error:"));
  g_assert_cmpint (r.metrics->time_to_first_token_us, >=, 0);
  g_assert_cmpuint (r.metrics->http_status, ==, 200);
  result_clear (&r);
}

static void
test_retry_after (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *text = NULL;
  Result           r;
  guint64          call_id;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->provider, "[{\"match\": \"/v1/chat/completions\", \"status\": 429}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);

  g_assert_no_error (r.error);
  text = message_text (r.message);
  g_assert_cmpstr (text, ==, "1, 2, 3, 4, 5");
  /* The back-off is 10 ms here; Retry-After: 1 wins. */
  g_assert_cmpint (r.elapsed_us, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 2);

  g_assert_cmpuint (f->attempts->len, ==, 2);
  g_assert_cmpstr (attempt (f, 0)->outcome, ==, "error:rate-limited");
  g_assert_cmpuint (attempt (f, 0)->http_status, ==, 429);
  g_assert_cmpint (attempt (f, 0)->time_to_first_token_us, ==, -1);
  g_assert_cmpstr (attempt (f, 1)->outcome, ==, "ok");
  g_assert_cmpuint (attempt (f, 1)->retries, ==, 1);
  g_assert_cmpuint (r.metrics->retries, ==, 1);
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 0);
  g_assert_cmpint (r.metrics->latency_us, >=, G_USEC_PER_SEC);

  /* The attempts of one call and its metrics share an id; the next call has another. */
  call_id = r.metrics->call_id;
  g_assert_cmpuint (call_id, !=, 0);
  g_assert_cmpuint (attempt (f, 0)->call_id, ==, call_id);
  g_assert_cmpuint (attempt (f, 1)->call_id, ==, call_id);
  result_clear (&r);
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.metrics->call_id, !=, call_id);
  g_assert_cmpuint (attempt (f, 2)->call_id, ==, r.metrics->call_id);
  result_clear (&r);
}

static void
test_retry_after_too_long (Fixture      *f,
                           gconstpointer data)
{
  const char *chain[] = { "ol/llama3.2", NULL };
  Result      r;

  if (!test_provider_have_fixtures ())
    return;

  /* Waiting a minute is worse than asking another model. */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", chain);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"status\": 429, \"retry_after\": \"60\"}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);

  /* It did not wait: oa was asked once, and the answer came from ol. */
  g_assert_no_error (r.error);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 1);
  g_assert_cmpuint (f->attempts->len, ==, 2);
  g_assert_cmpstr (attempt (f, 0)->outcome, ==, "error:rate-limited");
  g_assert_cmpstr (attempt (f, 1)->provider, ==, "ol");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  result_clear (&r);
}

static void
test_fallback (Fixture      *f,
               gconstpointer data)
{
  const char      *chain[] = { "an/claude-haiku-4-5", "ol/llama3.2", NULL };
  g_autofree char *text = NULL;
  Result           r;

  if (!test_provider_have_fixtures ())
    return;

  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", chain);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"status\": 500, \"times\": 3},"
                        " {\"match\": \"/v1/messages\", \"status\": 529, \"times\": 3}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);

  g_assert_no_error (r.error);
  text = message_text (r.message);
  g_assert_cmpstr (text, ==, "The");
  g_assert_cmpstr (r.streamed->str, ==, "The");

  /* Each model tried three times (two retries), each attempt reported. */
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 3);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/messages"), ==, 3);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/api/chat"), ==, 1);
  g_assert_cmpuint (f->attempts->len, ==, 7);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (attempt (f, i)->provider, ==, "oa");
      g_assert_cmpstr (attempt (f, i)->outcome, ==, "error:server");
      g_assert_cmpuint (attempt (f, i)->http_status, ==, 500);
      g_assert_cmpuint (attempt (f, i)->fallback_hops, ==, 0);
      g_assert_cmpuint (attempt (f, i)->retries, ==, i);
      g_assert_cmpstr (attempt (f, 3 + i)->provider, ==, "an");
      g_assert_cmpstr (attempt (f, 3 + i)->outcome, ==, "error:overloaded");
      g_assert_cmpuint (attempt (f, 3 + i)->http_status, ==, 529);
      g_assert_cmpuint (attempt (f, 3 + i)->fallback_hops, ==, 1);
    }
  g_assert_cmpstr (attempt (f, 6)->provider, ==, "ol");
  g_assert_cmpstr (attempt (f, 6)->outcome, ==, "ok");
  g_assert_cmpuint (attempt (f, 6)->fallback_hops, ==, 2);

  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  g_assert_cmpstr (r.metrics->model, ==, "llama3.2");
  g_assert_cmpstr (r.metrics->outcome, ==, "ok");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 2);
  g_assert_cmpint (r.metrics->usage.output_tokens, ==, 282);
  result_clear (&r);
}

static void
test_fallback_refused_request (Fixture      *f,
                               gconstpointer data)
{
  const char *chain[] = { "ol/llama3.2", NULL };
  Result      r;

  if (!test_provider_have_fixtures ())
    return;

  /* A refused request is not retried on the same model, but another model may take it. */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", chain);
  test_provider_script (f->provider, "[{\"match\": \"/v1/chat/completions\", \"status\": 400}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);

  g_assert_no_error (r.error);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 1);
  g_assert_cmpuint (f->attempts->len, ==, 2);
  g_assert_cmpstr (attempt (f, 0)->outcome, ==, "error:bad-request");
  result_clear (&r);
}

static void
test_connection_refused (Fixture      *f,
                         gconstpointer data)
{
  const char      *chain[] = { "oa/gpt-6-sol", NULL };
  g_autofree char *text = NULL;
  Result           r;

  if (!test_provider_have_fixtures ())
    return;

  g_object_set (f->client, "max-retries", 0, NULL);
  adiuva_gateway_client_set_fallbacks (f->client, "down/gpt-6-sol", chain);
  run_chat (f, "down/gpt-6-sol", TRUE, NULL, &r);

  g_assert_no_error (r.error);
  text = message_text (r.message);
  g_assert_cmpstr (text, ==, "1, 2, 3, 4, 5");
  g_assert_cmpuint (f->attempts->len, ==, 2);
  g_assert_cmpstr (attempt (f, 0)->provider, ==, "down");
  g_assert_cmpstr (attempt (f, 0)->outcome, ==, "error:network");
  g_assert_cmpuint (attempt (f, 0)->http_status, ==, 0);
  g_assert_cmpstr (attempt (f, 1)->provider, ==, "oa");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  result_clear (&r);

  /* Without a fallback the error says what happened. */
  adiuva_gateway_client_set_fallbacks (f->client, "down/gpt-6-sol", NULL);
  run_chat (f, "down/gpt-6-sol", TRUE, NULL, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK);
  g_assert_nonnull (strstr (r.error->message, "down"));
  g_assert_null (r.partial);
  g_assert_cmpstr (r.metrics->outcome, ==, "error:network");
  result_clear (&r);
}

static void
test_timeout (Fixture      *f,
              gconstpointer data)
{
  const char              *chain[] = { "an/claude-haiku-4-5", NULL };
  static const char *const steps[] = {
    /* Headers, then silence. */
    "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 0, \"stall_ms\": 5000}]",
    /* Not even headers. */
    "[{\"match\": \"/v1/chat/completions\", \"delay_headers_ms\": 5000}]",
  };

  if (!test_provider_have_fixtures ())
    return;

  g_object_set (f->client, "max-retries", 0, "idle-timeout", 1, NULL);
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", chain);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *text = NULL;
      Result           r;

      g_ptr_array_set_size (f->attempts, 0);
      test_provider_script (f->provider, steps[i]);
      run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);

      g_assert_no_error (r.error);
      text = message_text (r.message);
      g_assert_cmpstr (text, ==, "1\n2\n3\n4\n5");
      g_assert_cmpint (r.elapsed_us, >=, G_USEC_PER_SEC);
      g_assert_cmpuint (f->attempts->len, ==, 2);
      /* Not the stall's end (a reset) nor the late headers (an answer): the idle timeout. */
      g_assert_cmpstr (attempt (f, 0)->outcome, ==, "error:timeout");
      g_assert_cmpstr (attempt (f, 1)->outcome, ==, "ok");
      g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
      result_clear (&r);
    }
}

static void
test_auth (Fixture      *f,
           gconstpointer data)
{
  Result r;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->provider, "[{\"match\": \"/v1/messages\", \"status\": 401}]");
  run_chat (f, "an/claude-haiku-4-5", TRUE, NULL, &r);

  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_AUTH);
  g_test_message ("401: %s", r.error->message);
  g_assert_nonnull (strstr (r.error->message, "invalid x-api-key"));
  g_assert_null (r.partial);
  /* A refused key is not retried. */
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/messages"), ==, 1);
  g_assert_cmpstr (r.metrics->outcome, ==, "error:auth");
  g_assert_cmpuint (r.metrics->http_status, ==, 401);
  g_assert_cmpint (r.metrics->time_to_first_token_us, ==, -1);
  result_clear (&r);
}

static void
test_circuit_breaker (Fixture      *f,
                      gconstpointer data)
{
  const char *chain[] = { "ol/llama3.2", NULL };
  Result      r;

  if (!test_provider_have_fixtures ())
    return;

  /* A cool-down long enough for the checks below, short enough to wait for. */
  _adiuva_gateway_client_set_timings (f->client, 10, 50, 1500);
  g_object_set (f->client, "max-retries", 0, NULL);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"status\": 503, \"times\": 3}]");
  for (guint i = 0; i < 3; i++)
    {
      run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
      g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_OVERLOADED);
      result_clear (&r);
    }
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 3);

  /* Open: no request reaches the provider. */
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_OVERLOADED);
  g_test_message ("skipped: %s", r.error->message);
  g_assert_cmpstr (r.metrics->provider, ==, "oa");
  g_assert_cmpuint (r.metrics->http_status, ==, 0);
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 3);
  g_assert_cmpuint (f->attempts->len, ==, 3);

  /* With a fallback the call goes straight to it. */
  adiuva_gateway_client_set_fallbacks (f->client, "oa/gpt-6-sol", chain);
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 3);
  g_assert_cmpuint (f->attempts->len, ==, 4);

  /* After the cool-down one request may try again: when it fails the breaker opens at once… */
  g_usleep (1600 * 1000);
  test_provider_script (f->provider, "[{\"match\": \"/v1/chat/completions\", \"status\": 503}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 4);
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  result_clear (&r);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 4);

  /* …and when it works the breaker closes. */
  g_usleep (1600 * 1000);
  for (guint i = 0; i < 2; i++)
    {
      run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
      g_assert_no_error (r.error);
      g_assert_cmpstr (r.metrics->provider, ==, "oa");
      result_clear (&r);
    }
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/v1/chat/completions"), ==, 6);
}

static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *partial = NULL;
  Result           r;

  if (!test_provider_have_fixtures ())
    return;

  /* Cancelled while the stream runs: at once, with what arrived. */
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 1000, \"stall_ms\": 10000}]");
  start_chat (f, "oa/gpt-6-sol", TRUE, cancellable, &r);
  r.cancel_on_first_text = cancellable;
  wait_for (&r);
  /* Cancelled, not the reset that ends the stall: it ended before the server went on. */
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  partial = message_text (r.partial);
  g_assert_cmpstr (partial, ==, r.streamed->str);
  g_assert_cmpstr (r.metrics->outcome, ==, "cancelled");
  g_assert_cmpuint (f->attempts->len, ==, 1);
  g_assert_cmpstr (attempt (f, 0)->outcome, ==, "cancelled");
  result_clear (&r);

  /* The provider goes on serving others. */
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  result_clear (&r);

  /* Cancelled before it started: no request at all. */
  test_provider_reset (f->provider);
  run_chat (f, "oa/gpt-6-sol", TRUE, cancellable, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 0);
  result_clear (&r);
}

static void
test_cancel_all (Fixture      *f,
                 gconstpointer data)
{
  Result r[3];
  guint  n_requests = 0;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 0, \"stall_ms\": 10000},"
                        " {\"match\": \"/v1/messages\", \"delay_headers_ms\": 10000},"
                        " {\"match\": \"/api/chat\", \"status\": 429, \"retry_after\": \"10\"}]");
  start_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r[0]);
  start_chat (f, "an/claude-haiku-4-5", TRUE, NULL, &r[1]);
  start_chat (f, "ol/llama3.2", TRUE, NULL, &r[2]);

  /* Wait until all three reached the server; the third then waits for its retry. */
  while (n_requests < 3)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
      n_requests = test_provider_count_requests (f->provider, "/");
    }
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  /* Left alone, the server would end these in 10 s: with a reset, with an answer, and with
   * a retry that is answered. Each ending as cancelled, and no fourth request, shows that
   * cancel_all ended all three before the server answered any of them. */
  adiuva_gateway_client_cancel_all (f->client);
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      wait_for (&r[i]);
      g_assert_error (r[i].error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
      g_assert_cmpstr (r[i].metrics->outcome, ==, "cancelled");
      result_clear (&r[i]);
    }
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 3);

  /* The kill switch stops what runs, not what comes later. */
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r[0]);
  g_assert_no_error (r[0].error);
  result_clear (&r[0]);
}

typedef struct
{
  gboolean done;
  GStrv    ids;
  GError  *error;
} Models;

static void
models_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Models *m = user_data;

  m->ids = adiuva_gateway_client_list_models_finish (ADIUVA_GATEWAY_CLIENT (source), result, &m->error);
  m->done = TRUE;
}

static void
list_models (Fixture    *f,
             const char *provider,
             Models     *m)
{
  memset (m, 0, sizeof *m);
  adiuva_gateway_client_list_models_async (f->client, provider, NULL, models_cb, m);
  while (!m->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_list_models (Fixture      *f,
                  gconstpointer data)
{
  static const struct
  {
    const char *provider;
    const char *path;
    const char *auth_header;
    const char *step;
    const char *first;
    guint       n;
  } cases[] = {
    { "oa", "/v1/models", "authorization", NULL, "gpt-3.5-turbo-0125", 2 },
    { "ol", "/api/tags", NULL, NULL, "deepseek-r1:latest", 2 },
    { "an", "/v1/models", "x-api-key",
      "[{\"match\": \"GET /v1/models\", \"body\": \"{\\\"data\\\": [{\\\"id\\\": \\\"claude-haiku-4-5\\\", \\\"type\\\": \\\"model\\\"},"
      " {\\\"id\\\": \\\"claude-sonnet-5-5\\\", \\\"type\\\": \\\"model\\\"}], \\\"has_more\\\": false}\"}]",
      "claude-haiku-4-5", 2 },
    { "ge", "/v1beta/models", "x-goog-api-key",
      "[{\"match\": \"GET /v1beta/models\", \"body\": \"{\\\"models\\\": [{\\\"name\\\": \\\"models/gemini-2.5-flash\\\"},"
      " {\\\"name\\\": \\\"models/gemini-2.5-pro\\\"}, {\\\"name\\\": \\\"models/gemini-embedding-001\\\"}]}\"}]",
      "gemini-2.5-flash", 3 },
  };

  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonArray) all = NULL;
      JsonObject *req;
      Models      m;

      g_test_message ("models of %s", cases[i].provider);
      test_provider_reset (f->provider);
      if (cases[i].step != NULL)
        test_provider_script (f->provider, cases[i].step);
      list_models (f, cases[i].provider, &m);
      g_assert_no_error (m.error);
      g_assert_cmpuint (g_strv_length (m.ids), ==, cases[i].n);
      g_assert_cmpstr (m.ids[0], ==, cases[i].first);
      g_strfreev (m.ids);

      all = test_provider_requests (f->provider);
      g_assert_cmpuint (json_array_get_length (all), ==, 1);
      req = json_array_get_object_element (all, 0);
      g_assert_cmpstr (json_object_get_string_member (req, "method"), ==, "GET");
      g_assert_cmpstr (json_object_get_string_member (req, "path"), ==, cases[i].path);
      if (cases[i].auth_header != NULL)
        g_assert_true (json_object_has_member (json_object_get_object_member (req, "headers"), cases[i].auth_header));
    }

  /* Errors in the provider's words. */
  {
    Models m;

    test_provider_script (f->provider, "[{\"match\": \"GET /v1/models\", \"status\": 401}]");
    list_models (f, "oa", &m);
    g_assert_error (m.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_AUTH);
    g_assert_null (m.ids);
    g_clear_error (&m.error);

    list_models (f, "down", &m);
    g_assert_error (m.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK);
    g_clear_error (&m.error);

    list_models (f, "nobody", &m);
    g_assert_error (m.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
    g_clear_error (&m.error);
  }
}

static void
test_keys_not_logged (Fixture      *f,
                      gconstpointer data)
{
  const char *chain[] = { "ge/gemini-2.5-flash", NULL };
  g_autoptr (AdiuvaProviderSettings) query_key = NULL;
  g_autofree char *base = NULL;
  g_autoptr (GError) error = NULL;
  Result r;

  if (!test_provider_have_fixtures ())
    return;

  /* Also a key a user pasted into the base URL. */
  base = g_strconcat (f->provider->base, "?key=" GEMINI_KEY, NULL);
  query_key = adiuva_provider_settings_new ("ge-query", "gemini");
  adiuva_provider_settings_set_base_url (query_key, base);
  adiuva_gateway_client_set_provider (f->client, query_key, &error);
  g_assert_no_error (error);

  adiuva_gateway_client_set_fallbacks (f->client, "an/claude-haiku-4-5", chain);
  test_provider_script (f->provider,
                        "[{\"match\": \"/v1/messages\", \"status\": 500, \"times\": 3}]");
  run_chat (f, "oa/gpt-6-sol", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  run_chat (f, "an/claude-haiku-4-5", FALSE, NULL, &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  run_chat (f, "ge-query/gemini-2.5-flash", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  result_clear (&r);

  /* The lines were written, with the keys redacted (the teardown checks none is there). */
  g_assert_nonnull (strstr (debug_log->str, "Authorization: Bearer " ADIUVA_REDACTED));
  g_assert_nonnull (strstr (debug_log->str, "x-api-key: " ADIUVA_REDACTED));
  g_assert_nonnull (strstr (debug_log->str, "x-goog-api-key: " ADIUVA_REDACTED));
  g_assert_nonnull (strstr (debug_log->str, "key=" ADIUVA_REDACTED));
}

static void
test_alias_chat (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Result r;

  if (!test_provider_have_fixtures ())
    return;

  adiuva_gateway_client_set_alias (f->client, "fast", "oa/gpt-6-sol", &error);
  g_assert_no_error (error);
  run_chat (f, "fast", TRUE, NULL, &r);
  /* The provider is asked for the model the alias stands for, and the metrics name it. */
  check_answer (f, &stream_formats[0], TRUE, &r);
  check_request (f, &stream_formats[0], TRUE);
  result_clear (&r);
}

static void
test_alias_hops (Fixture      *f,
                 gconstpointer data)
{
  const char *chain[] = { "local", NULL };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *text = NULL;
  Result           r;

  if (!test_provider_have_fixtures ())
    return;

  /* An alias may name one that is set later. */
  adiuva_gateway_client_set_alias (f->client, "a", "b", &error);
  g_assert_no_error (error);
  adiuva_gateway_client_set_alias (f->client, "b", "c", &error);
  g_assert_no_error (error);
  adiuva_gateway_client_set_alias (f->client, "c", "an/claude-haiku-4-5", &error);
  g_assert_no_error (error);
  adiuva_gateway_client_set_alias (f->client, "local", "ol/llama3.2", &error);
  g_assert_no_error (error);

  names = adiuva_gateway_client_list_aliases (f->client);
  g_assert_cmpstrv (names, ((const char *const[]){ "a", "b", "c", "local", NULL }));
  g_assert_cmpstr (adiuva_gateway_client_get_alias (f->client, "a"), ==, "b");
  resolved = adiuva_gateway_client_resolve_model (f->client, "a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, "an/claude-haiku-4-5");

  run_chat (f, "a", TRUE, NULL, &r);
  check_answer (f, &stream_formats[1], TRUE, &r);
  result_clear (&r);

  /* Fallbacks may be set on an alias and name aliases. */
  g_ptr_array_set_size (f->attempts, 0);
  adiuva_gateway_client_set_fallbacks (f->client, "a", chain);
  test_provider_script (f->provider, "[{\"match\": \"/v1/messages\", \"status\": 400}]");
  run_chat (f, "a", TRUE, NULL, &r);
  g_assert_no_error (r.error);
  text = message_text (r.message);
  g_assert_cmpstr (text, ==, "The");
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  g_assert_cmpstr (r.metrics->model, ==, "llama3.2");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  result_clear (&r);
}

static void
test_alias_cycle (void)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  g_assert_true (adiuva_gateway_client_set_alias (client, "smart", "fast", &error));
  g_assert_no_error (error);
  g_assert_false (adiuva_gateway_client_set_alias (client, "fast", "smart", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "fast → smart → fast"));
  g_clear_error (&error);
  g_assert_null (adiuva_gateway_client_get_alias (client, "fast"));

  /* A longer cycle, and one of a single alias. */
  g_assert_true (adiuva_gateway_client_set_alias (client, "fast", "oa/gpt-6-sol", &error));
  g_assert_true (adiuva_gateway_client_set_alias (client, "cheap", "smart", &error));
  g_assert_false (adiuva_gateway_client_set_alias (client, "fast", "cheap", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "fast → cheap → smart → fast"));
  g_clear_error (&error);
  g_assert_cmpstr (adiuva_gateway_client_get_alias (client, "fast"), ==, "oa/gpt-6-sol");
  g_assert_false (adiuva_gateway_client_set_alias (client, "self", "self", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  /* Too many hops, even without a cycle. */
  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *alias = g_strdup_printf ("hop%u", i);
      g_autofree char *target = g_strdup_printf ("hop%u", i + 1);

      g_assert_true (adiuva_gateway_client_set_alias (client, alias, target, &error));
      g_assert_no_error (error);
    }
  g_assert_false (adiuva_gateway_client_set_alias (client, "hop16", "hop17", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (adiuva_gateway_client_set_alias (client, "hop16", "oa/gpt-6-sol", &error));
  name = adiuva_gateway_client_resolve_model (client, "hop0", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "oa/gpt-6-sol");
  g_clear_pointer (&name, g_free);

  /* Names with a slash are model references, not aliases; targets must be one or the other. */
  g_assert_false (adiuva_gateway_client_set_alias (client, "oa/x", "fast", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_gateway_client_set_alias (client, "x", "/gpt", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (adiuva_gateway_client_set_alias (client, "cheap", NULL, &error));
  g_assert_false (adiuva_gateway_client_set_alias (client, "cheap", NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  name = adiuva_gateway_client_resolve_model (client, "oa/gpt-6-sol", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "oa/gpt-6-sol");
}

static void
test_alias_unknown (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Result r;

  if (!test_provider_have_fixtures ())
    return;

  run_chat (f, "nope", TRUE, NULL, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (r.error->message, "nope"));
  result_clear (&r);

  /* An alias leading to one that is not set. */
  adiuva_gateway_client_set_alias (f->client, "fast", "missing", &error);
  g_assert_no_error (error);
  run_chat (f, "fast", TRUE, NULL, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (r.error->message, "missing"));
  result_clear (&r);

  g_assert_cmpuint (f->attempts->len, ==, 0);
  g_assert_cmpuint (test_provider_count_requests (f->provider, "/"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  debug_log = test_gateway_init (&argc, &argv, "adiuva-gateway", NULL);

  g_test_add_func ("/gateway/redact", test_redact);
  g_test_add_func ("/gateway/settings", test_settings);
  g_test_add ("/gateway/stream", Fixture, NULL, fixture_setup, test_stream, fixture_teardown);
  g_test_add ("/gateway/unary", Fixture, NULL, fixture_setup, test_unary, fixture_teardown);
  g_test_add ("/gateway/one-byte-chunks", Fixture, NULL, fixture_setup, test_one_byte_chunks, fixture_teardown);
  g_test_add ("/gateway/cut-stream", Fixture, NULL, fixture_setup, test_cut_stream, fixture_teardown);
  g_test_add ("/gateway/retry-after", Fixture, NULL, fixture_setup, test_retry_after, fixture_teardown);
  g_test_add ("/gateway/retry-after-too-long", Fixture, NULL, fixture_setup, test_retry_after_too_long, fixture_teardown);
  g_test_add ("/gateway/fallback", Fixture, NULL, fixture_setup, test_fallback, fixture_teardown);
  g_test_add ("/gateway/fallback-refused-request", Fixture, NULL, fixture_setup, test_fallback_refused_request, fixture_teardown);
  g_test_add ("/gateway/connection-refused", Fixture, NULL, fixture_setup, test_connection_refused, fixture_teardown);
  g_test_add ("/gateway/timeout", Fixture, NULL, fixture_setup, test_timeout, fixture_teardown);
  g_test_add ("/gateway/auth", Fixture, NULL, fixture_setup, test_auth, fixture_teardown);
  g_test_add ("/gateway/circuit-breaker", Fixture, NULL, fixture_setup, test_circuit_breaker, fixture_teardown);
  g_test_add ("/gateway/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/gateway/cancel-all", Fixture, NULL, fixture_setup, test_cancel_all, fixture_teardown);
  g_test_add ("/gateway/list-models", Fixture, NULL, fixture_setup, test_list_models, fixture_teardown);
  g_test_add ("/gateway/keys-not-logged", Fixture, NULL, fixture_setup, test_keys_not_logged, fixture_teardown);

  g_test_add ("/gateway/alias-chat", Fixture, NULL, fixture_setup, test_alias_chat,
              fixture_teardown);
  g_test_add ("/gateway/alias-hops", Fixture, NULL, fixture_setup, test_alias_hops,
              fixture_teardown);
  g_test_add_func ("/gateway/alias-cycle", test_alias_cycle);
  g_test_add ("/gateway/alias-unknown", Fixture, NULL, fixture_setup, test_alias_unknown,
              fixture_teardown);

  return g_test_run ();
}
