/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "test-cli-util.h"
#include "test-provider-util.h"

/* Preference routing through the real adiuva-cli: route set|list|rm|router-model|default, and
 * chat --model auto against the provider test server, which plays the router model too. */

#define OPENAI_KEY "sk-test-cli-routing-0001"
#define ANTHROPIC_KEY "test-anthropic-cli-routing-0002"

typedef struct
{
  char         *dir;
  TestProvider *server;
} Fixture;

static CliRun *
run_in (Fixture           *f,
        const char        *input,
        const char *const *args)
{
  const char *const env[] = { "OPENAI_KEY", OPENAI_KEY, "ANTHROPIC_KEY", ANTHROPIC_KEY, NULL };

  return cli_run_in (f->dir, input, env, args);
}

#define RUN(f, ...) run_in (f, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void
ok (CliRun *run)
{
  cli_assert_status (run, 0);
  cli_run_free (run);
}

/* Fails with @status and says @words on standard error. */
static void
refused (CliRun     *run,
         int         status,
         const char *words)
{
  g_test_message ("%d: %s", run->status, run->err);
  g_assert_cmpint (run->status, ==, status);
  g_assert_nonnull (strstr (run->err, words));
  cli_run_free (run);
}

static JsonNode *
run_json (CliRun *run)
{
  JsonNode *node;

  cli_assert_status (run, 0);
  node = cli_parse_json (run->out);
  cli_run_free (run);
  return node;
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *v1 = NULL;

  f->dir = cli_make_workspace_dir ();
  f->server = test_provider_start ();
  if (f->server == NULL)
    return;

  v1 = g_strconcat (f->server->base, "/v1", NULL);
  ok (RUN (f, "init"));
  ok (RUN (f, "provider", "add", "oa", "--kind", "openai", "--base-url", v1, "--api-key-env",
           "OPENAI_KEY"));
  ok (RUN (f, "provider", "add", "an", "--kind", "anthropic", "--base-url", f->server->base,
           "--api-key-env", "ANTHROPIC_KEY"));
  ok (RUN (f, "provider", "add", "ol", "--kind", "ollama", "--base-url", f->server->base));
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  /* The keyring is shared by every test of this run: leave it as it was. */
  if (f->server != NULL)
    {
      cli_run_free (RUN (f, "provider", "rm", "oa"));
      cli_run_free (RUN (f, "provider", "rm", "an"));
      cli_run_free (RUN (f, "provider", "rm", "ol"));
    }
  g_clear_pointer (&f->server, test_provider_stop);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
add_routes (Fixture *f)
{
  ok (RUN (f, "route", "set", "coding", "--description", "Writing and fixing code", "--model",
           "an/claude-haiku-4-5", "--model", "ol/llama3.2", "--keyword", "bug", "--regex",
           "\\bdef\\s+\\w+\\("));
  ok (RUN (f, "route", "set", "chat", "--description", "Everything else", "--model",
           "ol/llama3.2"));
  ok (RUN (f, "route", "default", "chat"));
}

static const char *
metrics_route (JsonNode *answer)
{
  JsonObject *metrics = json_object_get_object_member (json_node_get_object (answer), "metrics");

  return json_object_get_string_member_with_default (metrics, "route", NULL);
}

static const char *
request_path (JsonArray *all,
              guint      i)
{
  g_assert_cmpuint (i, <, json_array_get_length (all));
  return json_object_get_string_member (json_array_get_object_element (all, i), "path");
}

static void
test_manage (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (JsonNode) list = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autoptr (JsonNode) changed = NULL;
  g_autoptr (CliRun) text = NULL;
  JsonNode *routes;

  if (f->server == NULL)
    return;

  add_routes (f);
  ok (RUN (f, "route", "router-model", "oa/gpt-router"));
  list = run_json (RUN (f, "--json", "route", "list"));
  routes = json_object_get_member (json_node_get_object (list), "routes");
  g_assert_cmpuint (cli_json_length (routes), ==, 2);
  g_assert_cmpstr (cli_json_string (cli_json_element (routes, 0), "name"), ==, "coding");
  g_assert_cmpstr (cli_json_string (list, "router_model"), ==, "oa/gpt-router");
  g_assert_cmpstr (cli_json_string (list, "default_route"), ==, "chat");

  text = RUN (f, "route", "list");
  cli_assert_status (text, 0);
  g_assert_nonnull (strstr (text->out, "chat (default)"));
  g_assert_nonnull (strstr (text->out, "an/claude-haiku-4-5, ol/llama3.2"));
  g_assert_nonnull (strstr (text->out, "bug, /\\bdef\\s+\\w+\\(/"));
  g_assert_nonnull (strstr (text->out, "oa/gpt-router"));

  /* Input that is refused says what is wrong, and nothing is saved. */
  refused (RUN (f, "route", "set", "x", "--description", "d", "--model", "oa/m", "--regex",
                "(unclosed"),
           2, "“(unclosed” is not valid");
  refused (RUN (f, "route", "set", "x", "--description", "d", "--model", "nope/m"), 3,
           "No provider is called “nope”");
  refused (RUN (f, "route", "set", "x", "--description", "d", "--model", "unset-alias"), 3,
           "No alias is called “unset-alias”");
  refused (RUN (f, "route", "set", "x", "--description", "d", "--model", "auto"), 2, "auto");
  refused (RUN (f, "route", "set", "x", "--model", "oa/m"), 2, "--description");
  refused (RUN (f, "route", "set", "x", "--description", "d"), 2, "--model");
  refused (RUN (f, "route", "set", "two words", "--description", "d", "--model", "oa/m"), 2,
           "cannot name a route");
  refused (RUN (f, "route", "set", "x", "--description", "d", "--model", "oa/m", "--min-length",
                "10", "--max-length", "5"),
           2, "at least 10 and at most 5");
  refused (RUN (f, "route", "set", "x", "--description", "d", "--model", "oa/m", "--min-length",
                "-1"),
           2, "--min-length");
  refused (RUN (f, "route", "default", "nothing"), 3, "No route is called “nothing”");
  refused (RUN (f, "route", "rm", "nothing"), 3, "No route is called “nothing”");
  refused (RUN (f, "route", "router-model"), 2, "--none");
  refused (RUN (f, "route", "router-model", "oa/m", "--none"), 2, "--none");
  refused (RUN (f, "route", "router-model", "auto"), 2, "auto");
  refused (RUN (f, "alias", "set", "auto", "oa/m"), 2, "preference routing");
  after = run_json (RUN (f, "--json", "route", "list"));
  g_assert_true (json_node_equal (list, after));

  /* Setting a route again replaces it in its place; removing the default makes the first one
   * the default. */
  ok (RUN (f, "route", "set", "coding", "--description", "Code", "--model", "oa/gpt-6-sol"));
  ok (RUN (f, "route", "router-model", "--none"));
  ok (RUN (f, "route", "rm", "chat"));
  changed = run_json (RUN (f, "--json", "route", "list"));
  routes = json_object_get_member (json_node_get_object (changed), "routes");
  g_assert_cmpuint (cli_json_length (routes), ==, 1);
  g_assert_cmpstr (cli_json_string (cli_json_element (routes, 0), "description"), ==, "Code");
  g_assert_null (cli_json_string (changed, "router_model"));
  g_assert_null (cli_json_string (changed, "default_route"));
}

static void
test_chat_rules (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (JsonNode) coding = NULL;
  g_autoptr (JsonNode) chat = NULL;
  g_autoptr (JsonArray) all = NULL;
  g_autoptr (CliRun) text = NULL;

  if (f->server == NULL)
    return;

  refused (RUN (f, "chat", "--model", "auto", "Hello"), 3, "No routes are set up");
  add_routes (f);

  coding = run_json (RUN (f, "--json", "chat", "--model", "auto", "There is a bug here"));
  g_assert_cmpstr (metrics_route (coding), ==, "coding (rules)");
  chat = run_json (RUN (f, "--json", "chat", "--model", "auto", "What should I cook?"));
  g_assert_cmpstr (metrics_route (chat), ==, "chat (default)");

  /* Text output: the answer, streamed as ever. */
  text = RUN (f, "chat", "--model", "auto", "def main(): has a bug");
  cli_assert_status (text, 0);
  g_assert_cmpstr (text->out, ==, "1\n2\n3\n4\n5\n");

  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 3);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/messages");
  g_assert_cmpstr (request_path (all, 1), ==, "/api/chat");
  g_assert_cmpstr (request_path (all, 2), ==, "/v1/messages");
}

static void
test_chat_router_model (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (JsonNode) usage = NULL;
  g_autoptr (JsonArray) all = NULL;
  g_autofree char *steps = NULL;
  JsonObject      *body;
  gboolean         router_logged = FALSE;

  if (f->server == NULL)
    return;

  add_routes (f);
  ok (RUN (f, "route", "router-model", "oa/gpt-router"));
  steps = test_provider_openai_answer ("{\"route\": \"coding\"}");
  test_provider_script (f->server, steps);

  /* The rules would say chat; the router model says coding. */
  answer = run_json (RUN (f, "--json", "chat", "--model", "auto", "Make my script faster"));
  g_assert_cmpstr (metrics_route (answer), ==, "coding (router)");

  all = test_provider_requests (f->server);
  g_assert_cmpuint (json_array_get_length (all), ==, 2);
  g_assert_cmpstr (request_path (all, 0), ==, "/v1/chat/completions");
  body = json_object_get_object_member (json_array_get_object_element (all, 0), "body");
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gpt-router");
  g_assert_cmpstr (request_path (all, 1), ==, "/v1/messages");

  /* The router model's call is in the call log like any other. */
  usage = run_json (RUN (f, "--json", "usage"));
  for (guint i = 0; i < cli_json_length (usage); i++)
    router_logged |= g_strcmp0 (cli_json_string (cli_json_element (usage, i), "model"),
                                "gpt-router") == 0;
  g_assert_true (router_logged);
}

static void
test_default_model_auto (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (JsonNode) answer = NULL;

  if (f->server == NULL)
    return;

  refused (RUN (f, "models", "--set-default", "auto"), 3, "route set");
  add_routes (f);
  ok (RUN (f, "models", "--set-default", "auto"));
  answer = run_json (RUN (f, "--json", "chat", "Another bug report"));
  g_assert_cmpstr (metrics_route (answer), ==, "coding (rules)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/route/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("manage", test_manage);
  ADD ("chat-rules", test_chat_rules);
  ADD ("chat-router-model", test_chat_router_model);
  ADD ("default-model-auto", test_default_model_auto);
#undef ADD

  return g_test_run ();
}
