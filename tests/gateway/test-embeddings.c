/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-embeddings"

#include "config.h"

/*
 * Embeddings through AdiuvaGatewayClient against the real adiuva-test-provider: OpenAI's
 * recorded answer, Ollama's documented ones (one input and several), Gemini's embedContent and
 * batchEmbedContents, aliases, malformed answers, provider errors, the usage callback.
 */

#include <string.h>

#include "test-provider-fixture.h"

/* Every debug line of the gateway, to prove no key is in one (the fixture's keys all hold
 * SECRETKEY). */
static GString *debug_log;

typedef struct
{
  gboolean           done;
  AdiuvaEmbeddings  *embeddings;
  AdiuvaCallMetrics *metrics;
  GError            *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->embeddings, adiuva_embeddings_free);
  g_clear_pointer (&r->metrics, adiuva_call_metrics_free);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
embed_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Result *r = user_data;

  r->embeddings = adiuva_gateway_client_embed_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                      &r->metrics, &r->error);
  r->done = TRUE;
}

static void
embed (ProviderFixture   *f,
       const char        *model_ref,
       const char *const *inputs,
       Result            *r)
{
  memset (r, 0, sizeof *r);
  adiuva_gateway_client_embed_async (f->client, model_ref, inputs, "test", NULL, embed_cb, r);
  provider_fixture_wait (&r->done);
}

static JsonObject *
last_request (ProviderFixture *f,
              JsonArray      **keep)
{
  *keep = test_provider_requests (f->provider);
  g_assert_cmpuint (json_array_get_length (*keep), >, 0);
  return json_array_get_object_element (*keep, json_array_get_length (*keep) - 1);
}

static void
test_openai (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Hello world", NULL };
  g_autoptr (JsonArray) requests = NULL;
  JsonObject              *request, *body;
  const AdiuvaCallMetrics *attempt;

  if (!provider_fixture_start (&f))
    return;

  embed (&f, "oa/text-embedding-3-small", inputs, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 1);
  /* The recording asked for 256 dimensions. */
  g_assert_cmpuint (r.embeddings->dimensions, ==, 256);
  g_assert_cmpfloat_with_epsilon (adiuva_embeddings_get_vector (r.embeddings, 0)[0],
                                  -0.0039325873, 1e-9);
  g_assert_cmpstr (r.embeddings->model, ==, "text-embedding-3-small");
  g_assert_cmpint (r.embeddings->usage.input_tokens, ==, 2);

  request = last_request (&f, &requests);
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==, "/v1/embeddings");
  body = json_object_get_object_member (request, "body");
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "text-embedding-3-small");
  g_assert_cmpstr (json_object_get_string_member (body, "encoding_format"), ==, "float");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (body, "input"), 0),
                   ==, "Hello world");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request,
                                                                                 "headers"),
                                                  "authorization"),
                   ==, "Bearer ****0001");

  /* The usage callback and the finish agree; the table has a price for the model. */
  g_assert_cmpuint (f.attempts->len, ==, 1);
  attempt = g_ptr_array_index (f.attempts, 0);
  g_assert_cmpstr (attempt->outcome, ==, "ok");
  g_assert_cmpstr (attempt->caller, ==, "test");
  g_assert_cmpstr (attempt->provider, ==, "oa");
  g_assert_cmpstr (attempt->model, ==, "text-embedding-3-small");
  g_assert_cmpuint (attempt->http_status, ==, 200);
  g_assert_cmpint (attempt->usage.input_tokens, ==, 2);
  g_assert_cmpfloat_with_epsilon (attempt->cost, 2 * 0.02 / 1e6, 1e-15);
  g_assert_cmpint (attempt->latency_us, >, 0);
  g_assert_cmpstr (r.metrics->outcome, ==, "ok");

  g_assert_nonnull (strstr (debug_log->str, "POST "));
  g_assert_null (strstr (debug_log->str, "SECRETKEY"));
  result_clear (&r);
  provider_fixture_stop (&f);
}

/* Answers may list the vectors in any order of index. */
static void
test_openai_order (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "a", "b", NULL };

  if (!provider_fixture_start (&f))
    return;

  provider_fixture_script_body (&f, "/v1/embeddings", 200,
                                "{\"data\":[{\"index\":1,\"embedding\":[3,4]},"
                                "{\"index\":0,\"embedding\":[1.5,2]}],\"model\":\"m\"}");
  embed (&f, "oa/m", inputs, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 2);
  g_assert_cmpuint (r.embeddings->dimensions, ==, 2);
  g_assert_cmpfloat (adiuva_embeddings_get_vector (r.embeddings, 0)[0], ==, 1.5f);
  g_assert_cmpfloat (adiuva_embeddings_get_vector (r.embeddings, 1)[1], ==, 4.0f);
  /* No usage in the answer: unknown, not zero. */
  g_assert_cmpint (r.embeddings->usage.input_tokens, ==, -1);

  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_ollama_single (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Why is the sky blue?", NULL };
  g_autoptr (JsonArray) requests = NULL;
  JsonObject *request;

  if (!provider_fixture_start (&f))
    return;

  embed (&f, "ol/all-minilm", inputs, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 1);
  g_assert_cmpuint (r.embeddings->dimensions, ==, 10);
  g_assert_cmpfloat_with_epsilon (adiuva_embeddings_get_vector (r.embeddings, 0)[9], 0.031952348,
                                  1e-9);
  g_assert_cmpint (r.embeddings->usage.input_tokens, ==, 8);

  request = last_request (&f, &requests);
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==, "/api/embed");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "body"),
                                                  "model"),
                   ==, "all-minilm");
  g_assert_cmpuint (f.attempts->len, ==, 1);

  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_ollama_multiple (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Why is the sky blue?", "Why is the grass green?", NULL };

  if (!provider_fixture_start (&f))
    return;

  embed (&f, "ol/all-minilm", inputs, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 2);
  g_assert_cmpuint (r.embeddings->dimensions, ==, 10);
  g_assert_cmpfloat_with_epsilon (adiuva_embeddings_get_vector (r.embeddings, 1)[0],
                                  -0.0098027075, 1e-9);
  /* The documented answer has no prompt_eval_count. */
  g_assert_cmpint (r.embeddings->usage.input_tokens, ==, -1);

  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_gemini (void)
{
  ProviderFixture f;
  Result          r;
  const char     *one[] = { "Hello", NULL };
  const char     *three[] = { "a", "b", "c", NULL };
  g_autoptr (JsonArray) requests = NULL;
  JsonObject *request, *body;
  JsonArray  *items;

  if (!provider_fixture_start (&f))
    return;

  embed (&f, "ge/gemini-embedding-001", one, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 1);
  g_assert_cmpuint (r.embeddings->dimensions, ==, 8);
  g_assert_cmpfloat_with_epsilon (adiuva_embeddings_get_vector (r.embeddings, 0)[0], 0.101, 1e-6);
  /* No model in Gemini's answer: the one asked. */
  g_assert_cmpstr (r.embeddings->model, ==, "gemini-embedding-001");
  request = last_request (&f, &requests);
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==,
                   "/v1beta/models/gemini-embedding-001:embedContent");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request,
                                                                                 "headers"),
                                                  "x-goog-api-key"),
                   ==, "****mini");
  body = json_object_get_object_member (request, "body");
  g_assert_true (json_object_has_member (body, "content"));
  result_clear (&r);
  g_clear_pointer (&requests, json_array_unref);

  embed (&f, "ge/gemini-embedding-001", three, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 3);
  g_assert_cmpfloat_with_epsilon (adiuva_embeddings_get_vector (r.embeddings, 2)[7], 0.308, 1e-6);
  request = last_request (&f, &requests);
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==,
                   "/v1beta/models/gemini-embedding-001:batchEmbedContents");
  items = json_object_get_array_member (json_object_get_object_member (request, "body"),
                                        "requests");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 1),
                                                  "model"),
                   ==, "models/gemini-embedding-001");
  g_assert_cmpuint (f.attempts->len, ==, 2);
  g_assert_null (strstr (debug_log->str, "SECRETKEY"));

  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_alias (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Hello world", NULL };
  g_autoptr (GError) error = NULL;

  if (!provider_fixture_start (&f))
    return;

  adiuva_gateway_client_set_alias (f.client, "vectors", "small", &error);
  g_assert_no_error (error);
  adiuva_gateway_client_set_alias (f.client, "small", "oa/text-embedding-3-small", &error);
  g_assert_no_error (error);
  embed (&f, "vectors", inputs, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->n_vectors, ==, 1);
  g_assert_cmpstr (r.metrics->provider, ==, "oa");
  result_clear (&r);

  embed (&f, "nowhere", inputs, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_assert_null (r.metrics);
  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_no_embeddings (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Hello", NULL };
  const char     *none[] = { NULL };
  g_autoptr (JsonArray) requests = NULL;

  if (!provider_fixture_start (&f))
    return;

  embed (&f, "an/claude-haiku-4-5", inputs, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (r.error->message, "Anthropic offers no embeddings"));
  result_clear (&r);

  embed (&f, "oa/text-embedding-3-small", none, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  result_clear (&r);

  /* Nothing was sent, so nothing was reported. */
  requests = test_provider_requests (f.provider);
  g_assert_cmpuint (json_array_get_length (requests), ==, 0);
  g_assert_cmpuint (f.attempts->len, ==, 0);
  provider_fixture_stop (&f);
}

static void
test_malformed (void)
{
  static const struct
  {
    const char *match;
    const char *model;
    guint       n_inputs;
    const char *body;
    const char *words;
  } cases[] = {
    { "/v1/embeddings", "oa/m", 1, "not json", "not JSON" },
    { "/v1/embeddings", "oa/m", 1, "[1,2]", "JSON object" },
    { "/v1/embeddings", "oa/m", 1, "{\"object\":\"list\"}", "“data”" },
    { "/v1/embeddings", "oa/m", 1, "{\"data\":[{\"embedding\":[1,\"2\"]}]}", "not a number" },
    { "/v1/embeddings", "oa/m", 1, "{\"data\":[{\"embedding\":[1,null]}]}", "not a number" },
    { "/v1/embeddings", "oa/m", 1, "{\"data\":[{\"embedding\":\"AAAA\"}]}", "not a list" },
    { "/v1/embeddings", "oa/m", 1, "{\"data\":[{\"embedding\":[]}]}", "empty" },
    { "/v1/embeddings", "oa/m", 2,
      "{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[1,2,3]}]}",
      "differ in length" },
    { "/v1/embeddings", "oa/m", 2,
      "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]}",
      "index" },
    { "/v1/embeddings", "oa/m", 2, "{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}",
      "1 embeddings came back for 2 inputs" },
    { "/api/embed", "ol/m", 1, "{\"embeddings\":[[1,2],[3,4]]}",
      "2 embeddings came back for 1 inputs" },
    { "/api/embed", "ol/m", 2, "{\"embeddings\":[[1,2],[3]]}", "differ in length" },
    { "/api/embed", "ol/m", 1, "{\"embeddings\":[[true]]}", "not a number" },
    { "/api/embed", "ol/m", 1, "{\"embedding\":[1,2]}", "“embeddings”" },
    { "/v1beta/models/m:embedContent", "ge/m", 1, "{\"embedding\":{\"values\":{}}}",
      "not a list" },
    { "/v1beta/models/m:embedContent", "ge/m", 1, "{}", "neither" },
    { "/v1beta/models/m:batchEmbedContents", "ge/m", 2,
      "{\"embeddings\":[{\"values\":[1]},{\"values\":[1,2]}]}", "differ in length" },
  };
  const char *inputs[] = { "a", "b", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ProviderFixture          f;
      Result                   r;
      const AdiuvaCallMetrics *attempt;

      if (!provider_fixture_start (&f))
        return;
      g_test_message ("case %u: %s", i, cases[i].body);
      inputs[cases[i].n_inputs] = NULL;
      provider_fixture_script_body (&f, cases[i].match, 200, cases[i].body);
      embed (&f, cases[i].model, inputs, &r);
      inputs[1] = "b";

      g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (r.error->message, cases[i].words));
      g_assert_null (r.embeddings);
      g_assert_cmpuint (f.attempts->len, ==, 1);
      attempt = g_ptr_array_index (f.attempts, 0);
      g_assert_cmpstr (attempt->outcome, ==, "error:protocol");
      g_assert_cmpuint (attempt->http_status, ==, 200);
      result_clear (&r);
      provider_fixture_stop (&f);
    }
}

static void
test_errors (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Hello", NULL };

  if (!provider_fixture_start (&f))
    return;

  test_provider_script (f.provider, "[{\"match\": \"/v1/embeddings\", \"status\": 429},"
                                    " {\"match\": \"/api/embed\", \"status\": 500},"
                                    " {\"match\": \"/v1beta/\", \"status\": 403}]");
  embed (&f, "oa/text-embedding-3-small", inputs, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_RATE_LIMITED);
  g_assert_cmpuint (r.metrics->http_status, ==, 429);
  g_assert_cmpstr (r.metrics->outcome, ==, "error:rate-limited");
  result_clear (&r);

  embed (&f, "ol/all-minilm", inputs, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  result_clear (&r);

  embed (&f, "ge/gemini-embedding-001", inputs, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_AUTH);
  result_clear (&r);

  g_assert_cmpuint (f.attempts->len, ==, 3);
  provider_fixture_stop (&f);
}

/* Embeddings count against the budgets, and a used-up one refuses them before anything is
 * sent. */
static void
test_budget (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Hello world", NULL };
  g_autoptr (JsonArray) requests = NULL;
  AdiuvaBudgets    *budgets;
  AdiuvaModelStats *row;
  gint64            tokens = 0;
  double            cost = 0;

  if (!provider_fixture_start (&f))
    return;

  budgets = adiuva_gateway_client_get_budgets (f.client);
  adiuva_budgets_set (budgets, ADIUVA_BUDGET_CALLER, "test", ADIUVA_BUDGET_DAY, 2, -1);

  /* The recorded answer reports 2 tokens: the budget is used up by it. */
  embed (&f, "oa/text-embedding-3-small", inputs, &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  adiuva_budgets_get_spent (budgets, ADIUVA_BUDGET_CALLER, "test", ADIUVA_BUDGET_DAY, &tokens,
                            &cost);
  g_assert_cmpint (tokens, ==, 2);
  g_assert_cmpfloat (cost, >, 0);
  row = adiuva_gateway_stats_lookup (adiuva_gateway_client_get_stats (f.client), "oa",
                                     "text-embedding-3-small");
  g_assert_nonnull (row);
  g_assert_cmpuint (adiuva_model_stats_get_calls (row), ==, 1);
  g_assert_cmpuint (adiuva_model_stats_get_input_tokens (row), ==, 2);

  embed (&f, "oa/text-embedding-3-small", inputs, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_BUDGET);
  g_assert_null (r.metrics);
  result_clear (&r);

  requests = test_provider_requests (f.provider);
  g_assert_cmpuint (json_array_get_length (requests), ==, 1);
  g_assert_cmpuint (f.attempts->len, ==, 1);
  provider_fixture_stop (&f);
}

static void
test_cancel_all (void)
{
  ProviderFixture f;
  Result          r;
  const char     *inputs[] = { "Hello", NULL };

  if (!provider_fixture_start (&f))
    return;

  /* Held back until cancelled; the server's own stall reset would come much later. */
  test_provider_script (f.provider, "[{\"match\": \"/v1/embeddings\", \"stall_after\": 0}]");
  memset (&r, 0, sizeof r);
  adiuva_gateway_client_embed_async (f.client, "oa/text-embedding-3-small", inputs, NULL, NULL,
                                     embed_cb, &r);
  /* Once the request reached the server. */
  while (TRUE)
    {
      g_autoptr (JsonArray) requests = test_provider_requests (f.provider);

      if (json_array_get_length (requests) > 0)
        break;
      g_main_context_iteration (NULL, FALSE);
    }
  adiuva_gateway_client_cancel_all (f.client);
  provider_fixture_wait (&r.done);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  g_assert_cmpstr (r.metrics->outcome, ==, "cancelled");
  g_assert_cmpstr (r.metrics->caller, ==, "embeddings");

  result_clear (&r);
  provider_fixture_stop (&f);
}

int
main (int   argc,
      char *argv[])
{
  debug_log = test_gateway_init (&argc, &argv, "adiuva-gateway", NULL);

  g_test_add_func ("/embeddings/openai", test_openai);
  g_test_add_func ("/embeddings/openai-order", test_openai_order);
  g_test_add_func ("/embeddings/ollama-single", test_ollama_single);
  g_test_add_func ("/embeddings/ollama-multiple", test_ollama_multiple);
  g_test_add_func ("/embeddings/gemini", test_gemini);
  g_test_add_func ("/embeddings/alias", test_alias);
  g_test_add_func ("/embeddings/no-embeddings", test_no_embeddings);
  g_test_add_func ("/embeddings/malformed", test_malformed);
  g_test_add_func ("/embeddings/errors", test_errors);
  g_test_add_func ("/embeddings/budget", test_budget);
  g_test_add_func ("/embeddings/cancel-all", test_cancel_all);

  return g_test_run ();
}
