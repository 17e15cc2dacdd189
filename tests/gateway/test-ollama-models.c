/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ollama-models"

#include "config.h"

/*
 * Ollama's model management through AdiuvaGatewayClient against the real adiuva-test-provider:
 * the local models with their sizes, show, pull (progress in order, a stream cut mid-way, an error line, cancellation), delete,
 * and 404s named in words.
 */

#include <string.h>

#include "test-provider-fixture.h"

typedef struct
{
  gboolean           done;
  gboolean           ok;
  AdiuvaOllamaModel *model;
  GError            *error;
  GPtrArray         *statuses;  /* "status digest completed/total" per progress line */
  GCancellable      *cancel_at; /* cancelled at the first progress line */
} Result;

static void
result_init (Result *r)
{
  memset (r, 0, sizeof *r);
  r->statuses = g_ptr_array_new_with_free_func (g_free);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->model, adiuva_ollama_model_free);
  g_clear_error (&r->error);
  g_clear_pointer (&r->statuses, g_ptr_array_unref);
  g_clear_object (&r->cancel_at);
}

static void
show_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->model = adiuva_gateway_client_show_model_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                      &r->error);
  r->done = TRUE;
}

static void
pull_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->ok = adiuva_gateway_client_pull_model_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                   &r->error);
  r->done = TRUE;
}

static void
delete_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->ok = adiuva_gateway_client_delete_model_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                     &r->error);
  r->done = TRUE;
}

static void
progress_cb (const AdiuvaPullProgress *progress,
             gpointer                  user_data)
{
  Result *r = user_data;

  g_ptr_array_add (r->statuses,
                   g_strdup_printf ("%s %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                    progress->status, progress->digest ? progress->digest : "-",
                                    progress->completed, progress->total));
  if (r->cancel_at != NULL)
    g_cancellable_cancel (r->cancel_at);
}

static void
pull (ProviderFixture *f,
      const char      *name,
      Result          *r)
{
  adiuva_gateway_client_pull_model_async (f->client, "ol", name, progress_cb, r, r->cancel_at,
                                          pull_cb, r);
  provider_fixture_wait (&r->done);
}

static void
test_show (void)
{
  ProviderFixture f;
  Result          r;
  g_autoptr (JsonArray) requests = NULL;
  JsonObject *request;

  if (!provider_fixture_start (&f))
    return;

  result_init (&r);
  adiuva_gateway_client_show_model_async (f.client, "ol", "llava", NULL, show_cb, &r);
  provider_fixture_wait (&r.done);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.model->name, ==, "llava");
  g_assert_cmpstr (r.model->family, ==, "llama");
  g_assert_cmpstr (r.model->parameter_size, ==, "8.0B");
  g_assert_cmpstr (r.model->quantization, ==, "Q4_0");
  g_assert_cmpint (r.model->context_length, ==, 8192);

  requests = test_provider_requests (f.provider);
  g_assert_cmpuint (json_array_get_length (requests), ==, 1);
  request = json_array_get_object_element (requests, 0);
  g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==, "/api/show");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "body"),
                                                  "model"),
                   ==, "llava");

  result_clear (&r);
  provider_fixture_stop (&f);
}

typedef struct
{
  gboolean   done;
  GPtrArray *models;
  GError    *error;
} Listed;

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Listed *l = user_data;

  l->models = adiuva_gateway_client_list_local_models_finish (ADIUVA_GATEWAY_CLIENT (source),
                                                              result, &l->error);
  l->done = TRUE;
}

static void
list_local (ProviderFixture *f,
            const char      *provider,
            Listed          *l)
{
  memset (l, 0, sizeof *l);
  adiuva_gateway_client_list_local_models_async (f->client, provider, NULL, list_cb, l);
  provider_fixture_wait (&l->done);
}

static void
listed_clear (Listed *l)
{
  g_clear_pointer (&l->models, g_ptr_array_unref);
  g_clear_error (&l->error);
}

static void
test_list_local (void)
{
  ProviderFixture    f;
  Listed             l;
  AdiuvaOllamaModel *model;

  if (!provider_fixture_start (&f))
    return;

  /* The recorded /api/tags: each model with its size on disk and its details. */
  list_local (&f, "ol", &l);
  g_assert_no_error (l.error);
  g_assert_cmpuint (l.models->len, ==, 2);
  model = g_ptr_array_index (l.models, 0);
  g_assert_cmpstr (model->name, ==, "deepseek-r1:latest");
  g_assert_cmpint (model->size, ==, 4683075271);
  g_assert_cmpstr (model->family, ==, "qwen2");
  g_assert_cmpstr (model->parameter_size, ==, "7.6B");
  g_assert_cmpstr (model->quantization, ==, "Q4_K_M");
  model = g_ptr_array_index (l.models, 1);
  g_assert_cmpstr (model->name, ==, "llama3.2:latest");
  g_assert_cmpint (model->size, ==, 2019393189);
  listed_clear (&l);
  g_assert_cmpuint (test_provider_count_requests (f.provider, "/api/tags"), ==, 1);

  /* Entries without a name are passed over; one without details or size is still a model. */
  provider_fixture_script_body (&f, "/api/tags", 200,
                                "{\"models\": [{\"size\": 3}, 7, {\"model\": \"tiny\"}]}");
  list_local (&f, "ol", &l);
  g_assert_no_error (l.error);
  g_assert_cmpuint (l.models->len, ==, 1);
  model = g_ptr_array_index (l.models, 0);
  g_assert_cmpstr (model->name, ==, "tiny");
  g_assert_cmpint (model->size, ==, 0);
  g_assert_null (model->parameter_size);
  listed_clear (&l);

  /* Not a model list, an error status, a provider without model management: in words. */
  provider_fixture_script_body (&f, "/api/tags", 200, "{\"data\": []}");
  list_local (&f, "ol", &l);
  g_assert_error (l.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  listed_clear (&l);
  test_provider_script (f.provider, "[{\"match\": \"/api/tags\", \"status\": 500}]");
  list_local (&f, "ol", &l);
  g_assert_error (l.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  listed_clear (&l);
  list_local (&f, "oa", &l);
  g_assert_error (l.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  listed_clear (&l);
  g_assert_cmpuint (test_provider_count_requests (f.provider, "/v1/models"), ==, 0);
  provider_fixture_stop (&f);
}

static void
test_show_not_found (void)
{
  ProviderFixture f;
  Result          r;

  if (!provider_fixture_start (&f))
    return;

  test_provider_script (f.provider, "[{\"match\": \"/api/show\", \"status\": 404}]");
  result_init (&r);
  adiuva_gateway_client_show_model_async (f.client, "ol", "nosuch:7b", NULL, show_cb, &r);
  provider_fixture_wait (&r.done);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (r.error->message, "“nosuch:7b”"));
  result_clear (&r);

  /* A provider without model management says so. */
  result_init (&r);
  adiuva_gateway_client_show_model_async (f.client, "oa", "gpt-6-sol", NULL, show_cb, &r);
  provider_fixture_wait (&r.done);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (r.error->message, "only Ollama"));
  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_pull (void)
{
  static const char *const expected[] = {
    "pulling manifest - -1/-1",
    "pulling digestname digestname 241970/2142590208",
    "pulling digestname digestname 1071295104/2142590208",
    "pulling digestname digestname 2142590208/2142590208",
    "verifying sha256 digest - -1/-1",
    "writing manifest - -1/-1",
    "removing any unused layers - -1/-1",
    "success - -1/-1",
  };
  ProviderFixture f;
  Result          r;
  g_autoptr (JsonArray) requests = NULL;
  JsonObject *body;

  if (!provider_fixture_start (&f))
    return;

  /* One byte at a time: every line is cut somewhere. */
  test_provider_script (f.provider, "[{\"match\": \"/api/pull\", \"chunk\": 1}]");
  result_init (&r);
  pull (&f, "llama3.2:3b", &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpuint (r.statuses->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (r.statuses, i), ==, expected[i]);

  requests = test_provider_requests (f.provider);
  body = json_object_get_object_member (json_array_get_object_element (requests, 0), "body");
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "llama3.2:3b");
  g_assert_true (json_object_get_boolean_member (body, "stream"));

  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_pull_cut (void)
{
  ProviderFixture f;
  Result          r;

  if (!provider_fixture_start (&f))
    return;

  /* Past the first progress lines, before "success". */
  test_provider_script (f.provider, "[{\"match\": \"/api/pull\", \"reset_after\": 120}]");
  result_init (&r);
  pull (&f, "llama3.2:3b", &r);
  g_assert_false (r.ok);
  g_assert_nonnull (r.error);
  g_assert_true (g_error_matches (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK) ||
                 g_error_matches (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL));
  g_assert_cmpuint (r.statuses->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (r.statuses, 0), ==, "pulling manifest - -1/-1");
  result_clear (&r);

  /* A stream that ends cleanly but without "success" is not a finished pull. */
  provider_fixture_script_body (&f, "/api/pull", 200,
                                "{\"status\":\"pulling manifest\"}\n"
                                "{\"status\":\"pulling abc\",\"digest\":\"abc\",\"total\":10,"
                                "\"completed\":5}");
  result_init (&r);
  pull (&f, "llama3.2:3b", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (r.error->message, "“llama3.2:3b”"));
  /* The last line had no line end, and was read all the same. */
  g_assert_cmpuint (r.statuses->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (r.statuses, 1), ==, "pulling abc abc 5/10");
  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_pull_error_line (void)
{
  ProviderFixture f;
  Result          r;

  if (!provider_fixture_start (&f))
    return;

  provider_fixture_script_body (&f, "/api/pull", 200,
                                "{\"status\":\"pulling manifest\"}\n"
                                "{\"error\":\"pull model manifest: file does not exist\"}\n");
  result_init (&r);
  pull (&f, "nosuch", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED);
  g_assert_nonnull (strstr (r.error->message, "pull model manifest: file does not exist"));
  g_assert_nonnull (strstr (r.error->message, "“nosuch”"));
  g_assert_cmpuint (r.statuses->len, ==, 1);
  result_clear (&r);

  /* An error status before any progress, in Ollama's error shape. */
  test_provider_script (f.provider, "[{\"match\": \"/api/pull\", \"status\": 500}]");
  result_init (&r);
  pull (&f, "llama3.2:3b", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER);
  g_assert_cmpuint (r.statuses->len, ==, 0);
  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_pull_cancel (void)
{
  ProviderFixture f;
  Result          r;

  if (!provider_fixture_start (&f))
    return;

  /* Slowly, so that the rest is still to come when the first line cancels. */
  test_provider_script (f.provider,
                        "[{\"match\": \"/api/pull\", \"chunk\": 16, \"delay_ms\": 20}]");
  result_init (&r);
  r.cancel_at = g_cancellable_new ();
  pull (&f, "llama3.2:3b", &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  /* Nothing reaches the caller after it cancelled. */
  g_assert_cmpuint (r.statuses->len, ==, 1);
  result_clear (&r);
  provider_fixture_stop (&f);
}

static void
test_delete (void)
{
  ProviderFixture f;
  Result          r;
  g_autoptr (JsonArray) requests = NULL;
  JsonObject *request;

  if (!provider_fixture_start (&f))
    return;

  result_init (&r);
  adiuva_gateway_client_delete_model_async (f.client, "ol", "llama3.2:3b", NULL, delete_cb, &r);
  provider_fixture_wait (&r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  result_clear (&r);

  requests = test_provider_requests (f.provider);
  request = json_array_get_object_element (requests, 0);
  g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "DELETE");
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==, "/api/delete");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "body"),
                                                  "model"),
                   ==, "llama3.2:3b");

  test_provider_script (f.provider,
                        "[{\"match\": \"/api/delete\", \"status\": 404,"
                        " \"body\": \"{\\\"error\\\":\\\"model 'gone' not found\\\"}\"}]");
  result_init (&r);
  adiuva_gateway_client_delete_model_async (f.client, "ol", "gone", NULL, delete_cb, &r);
  provider_fixture_wait (&r.done);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_assert_cmpstr (r.error->message, ==, "ol has no model named “gone”.");
  g_assert_false (r.ok);
  result_clear (&r);
  provider_fixture_stop (&f);
}

int
main (int   argc,
      char *argv[])
{
  test_gateway_init (&argc, &argv, "adiuva-gateway", NULL);

  g_test_add_func ("/ollama-models/list-local", test_list_local);
  g_test_add_func ("/ollama-models/show", test_show);
  g_test_add_func ("/ollama-models/show-not-found", test_show_not_found);
  g_test_add_func ("/ollama-models/pull", test_pull);
  g_test_add_func ("/ollama-models/pull-cut", test_pull_cut);
  g_test_add_func ("/ollama-models/pull-error-line", test_pull_error_line);
  g_test_add_func ("/ollama-models/pull-cancel", test_pull_cancel);
  g_test_add_func ("/ollama-models/delete", test_delete);

  return g_test_run ();
}
