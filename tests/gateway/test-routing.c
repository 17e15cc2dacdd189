/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-routing"

#include "config.h"

/*
 * Preference routing and the offline preference of the gateway: the rules selector on its
 * own, then AdiuvaGatewayClient with a router against the real adiuva-test-provider, which
 * plays both the router model and the models of the routes; what was asked is read back from
 * the server's request log.
 */

#include <string.h>

#include <libsoup/soup.h>

#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway.h"
#include "test-provider-fixture.h"

/* A NULL-terminated list of strings, in place. */
#define STRV(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Every debug line, to check that the route shows in the logs. */
static GString *debug_log;

typedef struct
{
  TestProvider        *server;
  AdiuvaGatewayClient *client;
  AdiuvaRouter        *router;
  GPtrArray           *attempts; /* AdiuvaCallMetrics from the usage callback */
  char                *remote;   /* a base URL that reaches the server without being local */
} Fixture;

typedef struct
{
  gboolean           done;
  AdiuvaChatMessage *message;
  AdiuvaCallMetrics *metrics;
  GError            *error;
} Result;

/* Rules */

static AdiuvaChatRequest *
new_request (const char *const *texts)
{
  AdiuvaChatRequest *request = adiuva_chat_request_new ("ignored");

  /* User and assistant take turns, starting with the user; the last text is the user's. */
  for (guint i = 0; texts[i] != NULL; i++)
    {
      AdiuvaRole role = i % 2 == 0 ? ADIUVA_ROLE_USER : ADIUVA_ROLE_ASSISTANT;

      g_autoptr (AdiuvaChatMessage) message = adiuva_chat_message_new_text (role, texts[i]);

      adiuva_chat_request_add_message (request, message);
    }
  return request;
}

static AdiuvaRoute *
new_route (const char        *name,
           const char *const *models)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *description = g_strdup_printf ("The %s route", name);
  AdiuvaRoute     *route = adiuva_route_new (name, description, models, &error);

  g_assert_no_error (error);
  return route;
}

static void
add_keywords (AdiuvaRoute       *route,
              const char *const *keywords)
{
  for (guint i = 0; keywords[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (adiuva_route_add_keyword (route, keywords[i], &error));
      g_assert_no_error (error);
    }
}

static void
add_regex (AdiuvaRoute *route,
           const char  *pattern)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (adiuva_route_add_regex (route, pattern, &error));
  g_assert_no_error (error);
}

static const char *const one_model[] = { "oa/gpt-6-sol", NULL };

static void
test_rules_keywords (void)
{
  g_autoptr (AdiuvaRoute) route = new_route ("coding", one_model);

  g_assert_false (adiuva_route_has_rules (route));
  g_assert_false (adiuva_route_matches (route, "anything"));

  add_keywords (route, STRV ("test", "unit test", "C++", "Straße"));
  g_assert_true (adiuva_route_has_rules (route));
  /* Whole words, whatever the case and the composition of the characters. */
  g_assert_true (adiuva_route_matches (route, "Please write a TEST for this."));
  g_assert_true (adiuva_route_matches (route, "test"));
  g_assert_false (adiuva_route_matches (route, "What is the latest news?"));
  g_assert_false (adiuva_route_matches (route, "testing, testing"));
  g_assert_true (adiuva_route_matches (route, "a Unit   Test? no: a unit test."));
  g_assert_true (adiuva_route_matches (route, "Is c++ hard?"));
  g_assert_true (adiuva_route_matches (route, "Die STRASSE ist lang"));
  g_assert_false (adiuva_route_matches (route, "contest"));
  g_assert_cmpstr (adiuva_route_get_keywords (route)[1], ==, "unit test");
}

static void
test_rules_regex (void)
{
  g_autoptr (AdiuvaRoute) route = new_route ("coding", one_model);
  g_autoptr (GError) error = NULL;

  add_regex (route, "\\bdef\\s+\\w+\\(");
  add_regex (route, "^translate\\b");
  g_assert_true (adiuva_route_matches (route, "Why does def parse(x): fail?"));
  g_assert_true (adiuva_route_matches (route, "TRANSLATE this into German"));
  g_assert_false (adiuva_route_matches (route, "Please translate this"));
  g_assert_false (adiuva_route_matches (route, "undefined"));

  /* A bad expression is refused, saying which and why; the route keeps what it had. */
  g_assert_false (adiuva_route_add_regex (route, "(unclosed", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“(unclosed”"));
  g_assert_nonnull (strstr (error->message, "coding"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (adiuva_route_add_regex (route, "", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_cmpuint (g_strv_length ((GStrv) adiuva_route_get_regexes (route)), ==, 2);
}

static void
test_rules_length (void)
{
  g_autoptr (AdiuvaRoute) short_only = new_route ("quick", one_model);
  g_autoptr (AdiuvaRoute) long_code = new_route ("long-code", one_model);
  g_autoptr (GError) error = NULL;

  /* Characters, not bytes: "ééééé" is five. */
  g_assert_true (adiuva_route_set_length_range (short_only, 0, 5, &error));
  g_assert_true (adiuva_route_matches (short_only, "ééééé"));
  g_assert_false (adiuva_route_matches (short_only, "éééééé"));

  /* With keywords, both must hold. */
  add_keywords (long_code, STRV ("code"));
  g_assert_true (adiuva_route_set_length_range (long_code, 20, 0, &error));
  g_assert_false (adiuva_route_matches (long_code, "code please"));
  g_assert_true (adiuva_route_matches (long_code, "code please, a lot of it"));
  g_assert_false (adiuva_route_matches (long_code, "a long message without the word"));

  g_assert_false (adiuva_route_set_length_range (long_code, 10, 5, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_assert_cmpuint (adiuva_route_get_min_length (long_code), ==, 20);
}

static AdiuvaRouter *
new_router (void)
{
  AdiuvaRouter *router = adiuva_router_new ();
  g_autoptr (AdiuvaRoute) coding = new_route ("coding", STRV ("an/claude-haiku-4-5"));
  g_autoptr (AdiuvaRoute) writing = new_route ("writing", STRV ("ge/gemini-2.5-flash"));
  g_autoptr (AdiuvaRoute) quick = new_route ("quick", STRV ("oa/gpt-6-sol"));
  g_autoptr (AdiuvaRoute) chat = new_route ("chat", STRV ("ol/llama3.2"));
  g_autoptr (GError) error = NULL;

  add_keywords (coding, STRV ("code", "bug"));
  add_regex (coding, "\\bdef\\s+\\w+\\(");
  add_keywords (writing, STRV ("poem", "story"));
  g_assert_true (adiuva_route_set_length_range (quick, 0, 12, &error));
  adiuva_router_set_route (router, coding);
  adiuva_router_set_route (router, writing);
  adiuva_router_set_route (router, quick);
  adiuva_router_set_route (router, chat);
  g_assert_true (adiuva_router_set_default_route (router, "chat", &error));
  g_assert_no_error (error);
  return router;
}

static void
check_rules (AdiuvaRouter       *router,
             const char *const  *texts,
             const char         *name,
             AdiuvaRouteSelector selector)
{
  g_autoptr (AdiuvaChatRequest) request = new_request (texts);
  g_autoptr (AdiuvaRoute) route = NULL;
  AdiuvaRouteSelector chosen_by = ADIUVA_ROUTE_SELECTOR_ROUTER;

  route = adiuva_router_select_by_rules (router, request, &chosen_by);
  g_assert_nonnull (route);
  g_assert_cmpstr (adiuva_route_get_name (route), ==, name);
  g_assert_cmpint (chosen_by, ==, selector);
}

static void
test_rules_order_and_default (void)
{
  g_autoptr (AdiuvaRouter) router = new_router ();
  g_autoptr (AdiuvaRouter) empty = adiuva_router_new ();
  g_autoptr (AdiuvaChatRequest) request = new_request (STRV ("hi"));
  g_autoptr (AdiuvaRoute) replacement = new_route ("writing", one_model);

  check_rules (router, STRV ("There is a bug in my code somewhere"),
               "coding", ADIUVA_ROUTE_SELECTOR_RULES);
  /* The routes are tried in order: coding comes before writing. */
  check_rules (router, STRV ("A poem about a bug in my garden"),
               "coding", ADIUVA_ROUTE_SELECTOR_RULES);
  check_rules (router, STRV ("Write me a long poem about the sea"),
               "writing", ADIUVA_ROUTE_SELECTOR_RULES);
  check_rules (router, STRV ("Hello there"), "quick",
               ADIUVA_ROUTE_SELECTOR_RULES);
  /* Only the user's last message counts, not what came before. */
  check_rules (router,
               (const char *const[]){ "Fix this bug", "Done: here is the code.",
                                      "Thanks, what should I cook tonight, then?", NULL },
               "chat", ADIUVA_ROUTE_SELECTOR_DEFAULT);

  /* Without a default route, the first route takes what nothing chose. */
  g_assert_true (adiuva_router_remove_route (router, "chat"));
  g_assert_null (adiuva_router_get_default_route (router));
  check_rules (router, STRV ("What should I cook tonight?"), "coding",
               ADIUVA_ROUTE_SELECTOR_DEFAULT);
  g_assert_false (adiuva_router_remove_route (router, "chat"));

  /* Setting a route again keeps its place. */
  adiuva_router_set_route (router, replacement);
  g_assert_cmpuint (adiuva_router_get_n_routes (router), ==, 3);
  g_assert_true (adiuva_router_get_nth_route (router, 1) == replacement);
  g_assert_true (adiuva_router_get_route (router, "writing") == replacement);

  g_assert_null (adiuva_router_select_by_rules (empty, request, NULL));
}

static void
test_route_validation (void)
{
  g_autoptr (AdiuvaRouter) router = adiuva_router_new ();
  g_autoptr (GError) error = NULL;
  const char *const bad_names[] = { "", "two words", "a/b", "ünï", NULL };
  const char *const bad_models[][3] = {
    { "auto", NULL },
    { "oa/", NULL },
    { "/gpt", NULL },
    { "oa/gpt", "", NULL },
  };

  for (guint i = 0; bad_names[i] != NULL; i++)
    {
      g_assert_null (adiuva_route_new (bad_names[i], "d", one_model, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_models); i++)
    {
      g_assert_null (adiuva_route_new ("r", "d", bad_models[i], &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }
  g_assert_null (adiuva_route_new ("r", "d", (const char *const[]){ NULL }, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (adiuva_route_new ("r", "", one_model, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (adiuva_route_new ("r", " \n ", one_model, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (adiuva_router_set_router_model (router, "auto", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_router_set_default_route (router, "nothing", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (adiuva_router_set_router_model (router, "small", &error));
  g_assert_cmpstr (adiuva_router_get_router_model (router), ==, "small");
  g_assert_true (adiuva_router_set_router_model (router, NULL, &error));
  g_assert_null (adiuva_router_get_router_model (router));
}

static void
test_json (void)
{
  g_autoptr (AdiuvaRouter) router = new_router ();
  g_autoptr (AdiuvaRouter) copy = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char  *text = NULL;
  const char *const damaged[] = {
    "[]",
    "{\"routes\": {}}",
    "{\"routes\": [{\"name\": \"x\"}]}",
    "{\"routes\": [{\"name\": \"x\", \"description\": \"d\", \"models\": [1]}]}",
    "{\"routes\": [{\"name\": \"x\", \"description\": \"d\", \"models\": [\"a/b\"], "
    "\"regexes\": [\"(\"]}]}",
    "{\"routes\": [{\"name\": \"x\", \"description\": \"d\", \"models\": [\"a/b\"], "
    "\"min_length\": -1}]}",
    "{\"routes\": [], \"default_route\": \"x\"}",
    "{\"routes\": [], \"router_model\": 3}",
    NULL
  };

  g_assert_true (adiuva_router_set_router_model (router, "oa/gpt-router", &error));
  node = adiuva_router_to_json (router);
  copy = adiuva_router_new_from_json (node, &error);
  g_assert_no_error (error);
  again = adiuva_router_to_json (copy);
  g_assert_true (json_node_equal (node, again));
  text = json_to_string (node, FALSE);
  g_test_message ("%s", text);
  g_assert_cmpstr (adiuva_router_get_router_model (copy), ==, "oa/gpt-router");
  g_assert_cmpstr (adiuva_router_get_default_route (copy), ==, "chat");
  check_rules (copy, STRV ("def main(argv): why?"), "coding",
               ADIUVA_ROUTE_SELECTOR_RULES);
  check_rules (copy, STRV ("tiny"), "quick",
               ADIUVA_ROUTE_SELECTOR_RULES);

  for (guint i = 0; damaged[i] != NULL; i++)
    {
      g_autoptr (JsonNode) bad = json_from_string (damaged[i], NULL);

      g_assert_null (adiuva_router_new_from_json (bad, &error));
      g_assert_nonnull (error);
      g_test_message ("%s → %s", damaged[i], error->message);
      g_clear_error (&error);
    }
}

static void
test_auto_reserved (void)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (adiuva_gateway_client_set_alias (client, ADIUVA_MODEL_AUTO, "oa/gpt", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_gateway_client_set_alias (client, "smart", ADIUVA_MODEL_AUTO, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (adiuva_gateway_client_get_alias (client, ADIUVA_MODEL_AUTO));
  g_assert_nonnull (adiuva_gateway_client_get_router (client));
}

static void
test_local_providers (void)
{
  static const struct
  {
    const char *kind;
    const char *base;
    gboolean    local;
  } cases[] = {
    { "ollama", NULL, TRUE },
    { "ollama", "http://192.168.1.20:11434", TRUE },
    { "openai", NULL, FALSE },
    { "openai", "http://127.0.0.1:8080/v1", TRUE },
    { "openai", "http://127.0.0.53/v1", TRUE },
    { "openai", "http://LOCALHOST:1234/v1", TRUE },
    { "openai", "http://llm.localhost/v1", TRUE },
    { "openai", "http://[::1]:1234/v1", TRUE },
    { "openai", "http://0.0.0.0:1234/v1", FALSE },
    { "openai-compatible", "http://10.0.0.5:8000/v1", FALSE },
    { "openai-compatible", "https://localhost.example.com/v1", FALSE },
    { "anthropic", NULL, FALSE },
  };
  AdiuvaProviderTable *table = adiuva_provider_table_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const AdiuvaProviderInfo *info = adiuva_provider_table_lookup (table, cases[i].kind);
      g_autoptr (AdiuvaProviderSettings) settings = NULL;

      g_assert_nonnull (info);
      settings = adiuva_provider_settings_new ("p", cases[i].kind);
      adiuva_provider_settings_set_base_url (settings, cases[i].base);
      g_test_message ("%s %s", cases[i].kind, cases[i].base);
      g_assert_cmpint (_adiuva_provider_is_local (info, settings), ==, cases[i].local);
    }
}

/* Against the test provider */

static void
usage_cb (const AdiuvaCallMetrics *metrics,
          gpointer                 user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->attempts, adiuva_call_metrics_copy (metrics));
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *v1 = NULL;
  g_autofree char *gone = NULL;

  f->server = test_provider_start ();
  if (f->server == NULL)
    return;

  f->client = adiuva_gateway_client_new (NULL);
  _adiuva_gateway_client_set_timings (f->client, 10, 50, 60000);
  /* The machine's own state must not decide; the tests that need offline say so. */
  _adiuva_gateway_client_set_network_state (f->client, ADIUVA_NETWORK_AVAILABLE);
  f->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_call_metrics_free);
  adiuva_gateway_client_set_usage_func (f->client, usage_cb, f, NULL);

  v1 = g_strconcat (f->server->base, "/v1", NULL);
  test_gateway_add_provider (f->client, "oa", "openai", v1, "sk-test-routing");
  test_gateway_add_provider (f->client, "an", "anthropic", f->server->base, "sk-test-routing");
  test_gateway_add_provider (f->client, "ge", "gemini", f->server->base, "sk-test-routing");
  test_gateway_add_provider (f->client, "ol", "ollama", f->server->base, "sk-test-routing");
  /* Connecting to 0.0.0.0 reaches this machine, yet the address is not a loopback one: the
   * gateway counts such a provider as remote, like one on the internet. */
  f->remote = g_strdup_printf ("http://0.0.0.0:%u/v1", f->server->port);
  test_gateway_add_provider (f->client, "remote", "openai", f->remote, "sk-test-routing");
  gone = g_strdup_printf ("http://0.0.0.0:%u/v1", test_provider_closed_port ());
  test_gateway_add_provider (f->client, "gone", "openai", gone, "sk-test-routing");

  f->router = new_router ();
  adiuva_gateway_client_set_router (f->client, f->router);
  g_string_truncate (debug_log, 0);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->router);
  g_clear_pointer (&f->attempts, g_ptr_array_unref);
  g_clear_pointer (&f->server, test_provider_stop);
  g_clear_pointer (&f->remote, g_free);
}

static void
chat_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->message = adiuva_gateway_client_chat_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                  &r->metrics, NULL, &r->error);
  r->done = TRUE;
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->message, adiuva_chat_message_unref);
  g_clear_pointer (&r->metrics, adiuva_call_metrics_free);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
run_chat (Fixture      *f,
          const char   *model_ref,
          const char   *text,
          GCancellable *cancellable,
          Result       *r)
{
  g_autoptr (AdiuvaChatRequest) request = new_request (STRV (text));

  memset (r, 0, sizeof *r);
  request->stream = TRUE;
  adiuva_gateway_client_chat_async (f->client, model_ref, request, "test", NULL, NULL,
                                    cancellable, chat_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static JsonObject *
request_at (JsonArray *all,
            guint      i)
{
  g_assert_cmpuint (i, <, json_array_get_length (all));
  return json_array_get_object_element (all, i);
}

static const char *
request_path (JsonArray *all,
              guint      i)
{
  return json_object_get_string_member (request_at (all, i), "path");
}

/* The model a request asked for, from its body (Gemini names it in the path). */
static const char *
request_model (JsonArray *all,
               guint      i)
{
  JsonNode *body = json_object_get_member (request_at (all, i), "body");

  g_assert_true (JSON_NODE_HOLDS_OBJECT (body));
  return json_object_get_string_member_with_default (json_node_get_object (body), "model", NULL);
}

static void
use_router_model (Fixture    *f,
                  const char *model_ref,
                  guint       timeout_ms)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (adiuva_router_set_router_model (f->router, model_ref, &error));
  g_assert_no_error (error);
  adiuva_router_set_timeout (f->router, timeout_ms);
}

static void
test_router_model (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *steps = NULL;
  g_autoptr (JsonArray) all = NULL;
  g_autofree char *text = NULL;
  JsonObject      *body;
  JsonObject      *format;
  JsonArray       *messages;
  const char      *prompt;
  Result           r;

  if (f->server == NULL)
    return;

  use_router_model (f, "oa/gpt-router", 10000);
  steps = test_provider_openai_answer ("{\"route\": \"coding\"}");
  test_provider_script (f->server, steps);
  /* The rules would say writing: the router model's word counts. */
  run_chat (f, ADIUVA_MODEL_AUTO, "A poem, in Python, that prints itself", NULL, &r);
  g_assert_no_error (r.error);
  text = adiuva_chat_message_dup_text (r.message);
  g_assert_cmpstr (text, ==, "1\n2\n3\n4\n5");

  /* First the router model, not streamed, in JSON mode, with the routes and the message. */
  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 2);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/chat/completions");
  g_assert_cmpstr (request_model (all, 0), ==, "gpt-router");
  body = json_node_get_object (json_object_get_member (request_at (all, 0), "body"));
  g_assert_false (json_object_get_boolean_member_with_default (body, "stream", FALSE));
  format = json_object_get_object_member (body, "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_object");
  messages = json_object_get_array_member (body, "messages");
  prompt = json_object_get_string_member (json_array_get_object_element (messages, 0), "content");
  g_assert_nonnull (strstr (prompt, "- coding: The coding route\n"));
  g_assert_nonnull (strstr (prompt, "- chat: The chat route\n"));
  prompt = json_object_get_string_member (json_array_get_object_element (messages, 1), "content");
  g_assert_nonnull (strstr (prompt, "A poem, in Python, that prints itself"));
  /* Then the first model of the route it named. */
  g_assert_cmpstr (request_path (all, 1), ==, "/v1/messages");
  g_assert_cmpstr (request_model (all, 1), ==, "claude-haiku-4-5");

  g_assert_cmpstr (r.metrics->route, ==, "coding (router)");
  g_assert_cmpstr (r.metrics->provider, ==, "an");
  /* Both calls went through the gateway and were reported: the router's under its caller. */
  g_assert_cmpuint (f->attempts->len, ==, 2);
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[0])->caller, ==, "router");
  g_assert_null (((AdiuvaCallMetrics *) f->attempts->pdata[0])->route);
  g_assert_cmpint (((AdiuvaCallMetrics *) f->attempts->pdata[0])->usage.output_tokens, ==, 7);
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[1])->caller, ==, "test");
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[1])->route, ==, "coding (router)");
  g_assert_nonnull (strstr (debug_log->str, "route coding (router)"));
  result_clear (&r);
}

/* A local router model keeps the conversation on the machine: Ollama's JSON mode. */
static void
test_router_model_ollama (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (JsonArray) all = NULL;
  g_autofree char *steps = NULL;
  JsonObject      *body;
  Result           r;

  if (f->server == NULL)
    return;

  use_router_model (f, "ol/qwen2.5:1.5b", 10000);
  steps = test_provider_body_step ("POST /api/chat",
                                   "{\"model\": \"qwen2.5:1.5b\", "
                                   "\"created_at\": \"2025-11-20T10:00:00Z\", "
                                   "\"message\": {\"role\": \"assistant\", "
                                   "\"content\": \"{\\\"route\\\": \\\"writing\\\"}\"}, "
                                   "\"done\": true, \"done_reason\": \"stop\", "
                                   "\"prompt_eval_count\": 90, \"eval_count\": 7}");
  test_provider_script (f->server, steps);
  run_chat (f, ADIUVA_MODEL_AUTO, "There is a bug in my code", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->route, ==, "writing (router)");

  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 2);
  g_assert_cmpstr (request_path (all, 0), ==, "/api/chat");
  body = json_node_get_object (json_object_get_member (request_at (all, 0), "body"));
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "qwen2.5:1.5b");
  g_assert_cmpstr (json_object_get_string_member (body, "format"), ==, "json");
  g_assert_false (json_object_get_boolean_member (body, "stream"));
  g_assert_cmpstr (request_path (all, 1), ==,
                   "/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  result_clear (&r);
}

/* The router model fails in some way: the rules choose writing, by the keyword. */
static void
check_rules_decide (Fixture    *f,
                    const char *steps,
                    guint       timeout_ms)
{
  g_autoptr (JsonArray) all = NULL;
  guint  n;
  Result r;

  use_router_model (f, "oa/gpt-router", timeout_ms);
  test_provider_script (f->server, steps);
  run_chat (f, ADIUVA_MODEL_AUTO, "Write a poem about the sea", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->route, ==, "writing (rules)");
  g_assert_cmpstr (r.metrics->provider, ==, "ge");
  g_assert_cmpstr (r.metrics->model, ==, "gemini-2.5-flash");

  all = test_provider_requests (f->server);
  n = json_array_get_length (all);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/chat/completions");
  g_assert_cmpstr (request_path (all, n - 1), ==,
                   "/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  result_clear (&r);
}

static void
test_router_nonsense (Fixture      *f,
                      gconstpointer data)
{
  g_autofree char *steps = NULL;

  if (f->server == NULL)
    return;
  steps = test_provider_openai_answer ("I would say the coding route, probably.");
  check_rules_decide (f, steps, 10000);
  g_assert_nonnull (strstr (debug_log->str, "no JSON object in the answer"));
}

static void
test_router_unknown_route (Fixture      *f,
                           gconstpointer data)
{
  g_autofree char *steps = NULL;

  if (f->server == NULL)
    return;
  steps = test_provider_openai_answer ("```json\n{\"route\": \"cooking\"}\n```");
  check_rules_decide (f, steps, 10000);
  g_assert_nonnull (strstr (debug_log->str, "no route is named \"cooking\""));
}

static void
test_router_not_a_route (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *steps = NULL;

  if (f->server == NULL)
    return;
  steps = test_provider_openai_answer ("{\"route\": [\"coding\"]}");
  check_rules_decide (f, steps, 10000);
}

static void
test_router_server_error (Fixture      *f,
                          gconstpointer data)
{
  if (f->server == NULL)
    return;
  /* Retried, as any call, then given up. */
  check_rules_decide (f, "[{\"match\": \"/v1/chat/completions\", \"status\": 500, \"times\": 3}]",
                      10000);
  g_assert_cmpuint (f->attempts->len, ==, 4);
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[2])->outcome, ==, "error:server");
}

static void
test_router_stall (Fixture      *f,
                   gconstpointer data)
{
  if (f->server == NULL)
    return;
  /* Headers, then nothing: the router's own short timeout gives up on it. */
  check_rules_decide (f,
                      "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 0, "
                      "\"stall_ms\": 30000}]",
                      200);
  g_assert_nonnull (strstr (debug_log->str, "did not answer in time"));
}

static void
test_default_route (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (JsonArray) all = NULL;
  Result r;

  if (f->server == NULL)
    return;

  /* No router model; no rule matches: the default route. */
  run_chat (f, ADIUVA_MODEL_AUTO, "What should I cook tonight, with leeks?", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->route, ==, "chat (default)");
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 1);
  g_assert_cmpstr (request_path (all, 0), ==, "/api/chat");
  result_clear (&r);

  /* The rules alone, without a router model. */
  run_chat (f, ADIUVA_MODEL_AUTO, "Hi!", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->route, ==, "quick (rules)");
  g_assert_cmpstr (r.metrics->model, ==, "gpt-6-sol");
  result_clear (&r);
}

static void
test_router_alias (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *steps = NULL;
  g_autoptr (JsonArray) all = NULL;
  Result r;

  if (f->server == NULL)
    return;

  g_assert_true (adiuva_gateway_client_set_alias (f->client, "small", "tiny", &error));
  g_assert_true (adiuva_gateway_client_set_alias (f->client, "tiny", "oa/gpt-router-mini", &error));
  use_router_model (f, "small", 10000);
  steps = test_provider_openai_answer ("{\"route\": \"Chat\"}");
  test_provider_script (f->server, steps);
  run_chat (f, ADIUVA_MODEL_AUTO, "Fix the bug in my code", NULL, &r);
  g_assert_no_error (r.error);
  /* Names match whatever their case. */
  g_assert_cmpstr (r.metrics->route, ==, "chat (router)");

  all = test_provider_requests (f->server);
  g_assert_cmpstr (request_model (all, 0), ==, "gpt-router-mini");
  g_assert_cmpstr (request_path (all, 1), ==, "/api/chat");
  g_assert_cmpstr (request_model (all, 1), ==, "llama3.2");
  result_clear (&r);
}

static void
test_route_fallback (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (AdiuvaRoute) route = new_route ("review", STRV ("oa/gpt-6-sol", "an/claude-haiku-4-5",
                                                             "ol/llama3.2"));
  g_autoptr (JsonArray) all = NULL;
  Result r;

  if (f->server == NULL)
    return;

  add_keywords (route, STRV ("review"));
  adiuva_router_set_route (f->router, route);
  g_object_set (f->client, "max-retries", 0, NULL);
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"status\": 503}]");
  run_chat (f, ADIUVA_MODEL_AUTO, "Please review my pull request", NULL, &r);
  g_assert_no_error (r.error);
  /* The route's second model took over, and the metrics say both the hop and the route. */
  g_assert_cmpstr (r.metrics->route, ==, "review (rules)");
  g_assert_cmpstr (r.metrics->provider, ==, "an");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 2);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/chat/completions");
  g_assert_cmpstr (request_path (all, 1), ==, "/v1/messages");
  g_assert_cmpuint (f->attempts->len, ==, 2);
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[0])->route, ==, "review (rules)");
  result_clear (&r);
}

static void
test_no_routes (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (JsonArray) all = NULL;
  Result r;

  if (f->server == NULL)
    return;

  adiuva_gateway_client_set_router (f->client, NULL);
  run_chat (f, ADIUVA_MODEL_AUTO, "Hello", NULL, &r);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND);
  g_assert_null (r.message);
  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 0);
  result_clear (&r);
}

static void
test_cancel_while_routing (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (AdiuvaChatRequest) request = new_request (STRV ("Fix my code"));
  g_autoptr (JsonArray) all = NULL;
  Result r = { 0 };

  if (f->server == NULL)
    return;

  use_router_model (f, "oa/gpt-router", 0);
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 0, "
                                   "\"stall_ms\": 30000}]");
  adiuva_gateway_client_chat_async (f->client, ADIUVA_MODEL_AUTO, request, "test", NULL, NULL,
                                    cancellable, chat_cb, &r);
  g_cancellable_cancel (cancellable);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (r.error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  /* No route was taken: the coding model was never asked. */
  all = test_provider_requests (f->server);
  for (guint i = 0; i < json_array_get_length (all); i++)
    g_assert_cmpstr (request_path (all, i), !=, "/v1/messages");
  result_clear (&r);
}

static void
loopback_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr (GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* Tools on the machine may ask for auto through the loopback endpoint too. */
static void
test_loopback_auto (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (AdiuvaLoopbackServer) loopback = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonArray) all = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  const char      *json = "{\"model\": \"auto\", \"messages\": [{\"role\": \"user\", "
                          "\"content\": \"There is a bug in my code\"}]}";

  if (f->server == NULL)
    return;

  loopback = adiuva_loopback_server_new (f->client, "token-routing");
  adiuva_loopback_server_set_default_model (loopback, "ol/llama3.2");
  g_assert_true (adiuva_loopback_server_listen (loopback, 0, &error));
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1/chat/completions",
                         adiuva_loopback_server_get_port (loopback));
  session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  msg = soup_message_new ("POST", url);
  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                               "Bearer token-routing");
  request = g_bytes_new_static (json, strlen (json));
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, loopback_cb, &body);
  while (body == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  /* The rules chose coding, not the default model. */
  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 1);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/messages");
  g_assert_cmpuint (f->attempts->len, ==, 1);
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[0])->route, ==, "coding (rules)");
  adiuva_loopback_server_disconnect (loopback);
}

/* Offline preference */

static void
test_offline_local_first (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (AdiuvaRoute) route = new_route ("mixed", STRV ("remote/gpt-6-sol", "ol/llama3.2"));
  g_autoptr (JsonArray) all = NULL;
  Result r;

  if (f->server == NULL)
    return;

  adiuva_gateway_client_set_fallbacks (f->client, "remote/gpt-6-sol",
                                       STRV ("an/claude-haiku-4-5", "ol/llama3.2"));

  /* Online, the chain is as it was set: the remote model first. */
  run_chat (f, "remote/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "remote");
  result_clear (&r);

  /* Offline, the local ones (the Ollama, and the server on 127.0.0.1) go first, in order. */
  _adiuva_gateway_client_set_network_state (f->client, ADIUVA_NETWORK_UNAVAILABLE);
  run_chat (f, "remote/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "an");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 0);
  result_clear (&r);

  /* A routed call's chain too. */
  adiuva_router_set_route (f->router, route);
  g_assert_true (adiuva_router_set_default_route (f->router, "mixed", NULL));
  run_chat (f, ADIUVA_MODEL_AUTO, "What should I cook?", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->route, ==, "mixed (default)");
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  result_clear (&r);

  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 3);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/chat/completions");
  g_assert_cmpstr (request_path (all, 1), ==, "/v1/messages");
  g_assert_cmpstr (request_path (all, 2), ==, "/api/chat");
  g_assert_nonnull (strstr (debug_log->str, "local models first"));
}

static void
test_offline_no_local (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (JsonArray) all = NULL;
  Result r;

  if (f->server == NULL)
    return;

  /* Nothing local to prefer: the remote model is asked, network or not. */
  _adiuva_gateway_client_set_network_state (f->client, ADIUVA_NETWORK_UNAVAILABLE);
  run_chat (f, "remote/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "remote");
  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 1);
  result_clear (&r);
}

static void
test_connect_failures (Fixture      *f,
                       gconstpointer data)
{
  Result r;

  if (f->server == NULL)
    return;

  adiuva_gateway_client_set_fallbacks (f->client, "gone/gpt-6-sol",
                                       STRV ("ol/llama3.2"));
  adiuva_gateway_client_set_fallbacks (f->client, "remote/gpt-6-sol",
                                       STRV ("ol/llama3.2"));

  /* The remote provider refuses the connection: retried, then the local one answers. */
  run_chat (f, "gone/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 1);
  g_assert_cmpuint (f->attempts->len, ==, 4);
  g_assert_cmpstr (((AdiuvaCallMetrics *) f->attempts->pdata[0])->outcome, ==, "error:network");
  result_clear (&r);

  /* The next call, to another remote provider, asks the local model first. */
  g_ptr_array_set_size (f->attempts, 0);
  run_chat (f, "remote/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "ol");
  g_assert_cmpuint (r.metrics->fallback_hops, ==, 0);
  g_assert_cmpuint (f->attempts->len, ==, 1);
  result_clear (&r);

  /* A remote provider that answers ends it. */
  adiuva_gateway_client_set_fallbacks (f->client, "remote/gpt-6-sol", NULL);
  run_chat (f, "remote/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  result_clear (&r);
  adiuva_gateway_client_set_fallbacks (f->client, "remote/gpt-6-sol",
                                       STRV ("ol/llama3.2"));
  g_ptr_array_set_size (f->attempts, 0);
  run_chat (f, "remote/gpt-6-sol", "Hello", NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.metrics->provider, ==, "remote");
  result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  debug_log = test_gateway_init (&argc, &argv, "adiuva-gateway", "adiuva-router", NULL);

  g_test_add_func ("/routing/rules/keywords", test_rules_keywords);
  g_test_add_func ("/routing/rules/regex", test_rules_regex);
  g_test_add_func ("/routing/rules/length", test_rules_length);
  g_test_add_func ("/routing/rules/order-and-default", test_rules_order_and_default);
  g_test_add_func ("/routing/route-validation", test_route_validation);
  g_test_add_func ("/routing/json", test_json);
  g_test_add_func ("/routing/auto-reserved", test_auto_reserved);
  g_test_add_func ("/routing/local-providers", test_local_providers);
#define ADD(path, func) \
  g_test_add ("/routing/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("router-model", test_router_model);
  ADD ("router-model-ollama", test_router_model_ollama);
  ADD ("router-nonsense", test_router_nonsense);
  ADD ("router-unknown-route", test_router_unknown_route);
  ADD ("router-not-a-route", test_router_not_a_route);
  ADD ("router-server-error", test_router_server_error);
  ADD ("router-stall", test_router_stall);
  ADD ("default-route", test_default_route);
  ADD ("router-alias", test_router_alias);
  ADD ("route-fallback", test_route_fallback);
  ADD ("no-routes", test_no_routes);
  ADD ("cancel-while-routing", test_cancel_while_routing);
  ADD ("loopback-auto", test_loopback_auto);
  ADD ("offline-local-first", test_offline_local_first);
  ADD ("offline-no-local", test_offline_no_local);
  ADD ("connect-failures", test_connect_failures);
#undef ADD

  return g_test_run ();
}
