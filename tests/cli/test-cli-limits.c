/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "test-cli-util.h"
#include "test-provider-util.h"

/* Budgets and rate limits through the real adiuva-cli: the budget and limit commands, a chat
 * refused by a budget that earlier runs used up (counted from the call log), and a rate limit
 * holding requests to `gateway serve`, against the provider test server. */

#define OPENAI_KEY "sk-test-cli-limits-0001"

typedef struct
{
  char         *dir;
  TestProvider *server;
} Fixture;

static CliRun *
run_in (Fixture           *f,
        const char *const *args)
{
  const char *const env[] = { "OPENAI_KEY", OPENAI_KEY, NULL };

  return cli_run_in (f->dir, NULL, env, args);
}

#define RUN(f, ...) run_in (f, (const char *const[]){ __VA_ARGS__, NULL })

static void
run_ok (Fixture           *f,
        const char *const *args)
{
  g_autoptr (CliRun) run = run_in (f, args);

  cli_assert_status (run, 0);
}

#define RUN_OK(f, ...) run_ok (f, (const char *const[]){ __VA_ARGS__, NULL })

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *v1 = NULL;

  f->dir = cli_make_workspace_dir ();
  RUN_OK (f, "init");
  f->server = test_provider_start ();
  if (f->server == NULL)
    return;

  v1 = g_strconcat (f->server->base, "/v1", NULL);
  RUN_OK (f, "provider", "add", "oa", "--kind", "openai", "--base-url", v1, "--api-key-env",
          "OPENAI_KEY");
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  /* The keyring is shared by every test of this run: leave it as it was. */
  if (f->server != NULL)
    cli_run_free (RUN (f, "provider", "rm", "oa"));
  g_clear_pointer (&f->server, test_provider_stop);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_budget_commands (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (CliRun) list = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) rm_again = NULL;
  g_autoptr (JsonNode) budgets = NULL;
  JsonNode         *b;
  const char *const bad[][7] = {
    { "budget", "set", "--tokens", "10", NULL },
    { "budget", "set", "--day", "--month", "--tokens", "10" },
    { "budget", "set", "--day", NULL },
    { "budget", "set", "--day", "--cost", "five", NULL },
    { "budget", "set", "--day", "--cost", "-1", NULL },
    { "budget", "set", "--day", "--tokens", "-5", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CliRun) refused = run_in (f, bad[i]);

      cli_assert_status (refused, 2);
    }
  {
    g_autoptr (CliRun) both = RUN (f, "budget", "set", "--provider", "oa", "--caller", "cli",
                                   "--day", "--tokens", "1");

    cli_assert_status (both, 2);
    g_assert_nonnull (strstr (both->err, "--provider and --caller"));
  }

  list = RUN (f, "budget", "list");
  cli_assert_status (list, 0);
  g_assert_nonnull (strstr (list->out, "No budgets"));
  g_clear_pointer (&list, cli_run_free);

  RUN_OK (f, "budget", "set", "--month", "--cost", "5");
  RUN_OK (f, "budget", "set", "--provider", "oa", "--day", "--tokens", "1000");
  RUN_OK (f, "budget", "set", "--caller", "plugin:x", "--day", "--tokens", "10", "--cost", "0.5");
  /* Setting it again replaces it. */
  RUN_OK (f, "budget", "set", "--provider", "oa", "--day", "--tokens", "2000");

  json = RUN (f, "--json", "budget", "list");
  cli_assert_status (json, 0);
  budgets = cli_parse_json (json->out);
  g_assert_cmpuint (cli_json_length (budgets), ==, 3);
  b = cli_json_element (budgets, 0);
  g_assert_cmpstr (cli_json_string (b, "scope"), ==, "global");
  g_assert_cmpstr (cli_json_string (b, "period"), ==, "month");
  g_assert_cmpint (cli_json_int (b, "spent_tokens"), ==, 0);
  g_assert_true (json_object_get_null_member (json_node_get_object (b), "tokens"));
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (b), "cost"), ==, 5);
  b = cli_json_element (budgets, 2);
  g_assert_cmpstr (cli_json_string (b, "scope"), ==, "provider");
  g_assert_cmpstr (cli_json_string (b, "name"), ==, "oa");
  g_assert_cmpint (cli_json_int (b, "tokens"), ==, 2000);
  g_assert_true (g_str_has_suffix (cli_json_string (b, "resets"), "T00:00:00Z"));

  list = RUN (f, "budget", "list");
  cli_assert_status (list, 0);
  g_assert_nonnull (strstr (list->out, "plugin:x"));
  g_assert_nonnull (strstr (list->out, "0.5000"));

  RUN_OK (f, "budget", "rm", "--provider", "oa", "--day");
  rm_again = RUN (f, "budget", "rm", "--provider", "oa", "--day");
  cli_assert_status (rm_again, 3);
  g_assert_nonnull (strstr (rm_again->err, "daily budget of provider oa"));
}

static void
test_limit_commands (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (CliRun) none = NULL;
  g_autoptr (CliRun) bad_target = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) list = NULL;
  g_autoptr (CliRun) rm_again = NULL;
  g_autoptr (JsonNode) limits = NULL;
  JsonNode *l;

  none = RUN (f, "limit", "set", "oa");
  cli_assert_status (none, 2);
  bad_target = RUN (f, "limit", "set", "oa/", "--rpm", "1");
  cli_assert_status (bad_target, 2);

  RUN_OK (f, "limit", "set", "oa", "--rpm", "60");
  RUN_OK (f, "limit", "set", "oa/gpt-6-sol", "--tpm", "1000", "--rpm", "5");

  json = RUN (f, "--json", "limit", "list");
  cli_assert_status (json, 0);
  limits = cli_parse_json (json->out);
  g_assert_cmpuint (cli_json_length (limits), ==, 2);
  l = cli_json_element (limits, 0);
  g_assert_cmpstr (cli_json_string (l, "target"), ==, "oa");
  g_assert_cmpint (cli_json_int (l, "rpm"), ==, 60);
  g_assert_cmpint (cli_json_int (l, "tpm"), ==, 0);
  l = cli_json_element (limits, 1);
  g_assert_cmpstr (cli_json_string (l, "target"), ==, "oa/gpt-6-sol");
  g_assert_cmpint (cli_json_int (l, "tpm"), ==, 1000);

  RUN_OK (f, "limit", "rm", "oa");
  rm_again = RUN (f, "limit", "rm", "oa");
  cli_assert_status (rm_again, 3);
  list = RUN (f, "limit", "list");
  cli_assert_status (list, 0);
  g_assert_nonnull (strstr (list->out, "oa/gpt-6-sol"));
}

static void
test_chat_over_budget (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (CliRun) first = NULL;
  g_autoptr (CliRun) refused = NULL;
  g_autoptr (CliRun) refused_json = NULL;
  g_autoptr (CliRun) list = NULL;
  g_autoptr (CliRun) other = NULL;
  g_autoptr (JsonNode) budgets = NULL;
  g_autoptr (JsonNode) error = NULL;

  if (!test_provider_have_fixtures ())
    return;

  /* The recorded answer uses 14 + 13 tokens. */
  RUN_OK (f, "budget", "set", "--caller", "cli", "--day", "--tokens", "20");
  first = RUN (f, "chat", "--model", "oa/gpt-6-sol", "Count to five");
  cli_assert_status (first, 0);
  g_assert_cmpuint (test_provider_count_requests (f->server, NULL), ==, 1);

  /* A later run counts what earlier ones spent, from the call log. */
  list = RUN (f, "--json", "budget", "list");
  cli_assert_status (list, 0);
  budgets = cli_parse_json (list->out);
  g_assert_cmpint (cli_json_int (cli_json_element (budgets, 0), "spent_tokens"), ==, 27);

  refused = RUN (f, "chat", "--model", "oa/gpt-6-sol", "Count to five");
  cli_assert_status (refused, 8);
  g_assert_cmpstr (refused->out, ==, "");
  g_assert_nonnull (strstr (refused->err, "The daily budget of caller “cli” is used up: 27 of 20 "
                                          "tokens spent. It resets at "));
  g_assert_nonnull (strstr (refused->err, "adiuva-cli budget list"));
  refused_json = RUN (f, "--json", "chat", "--model", "oa/gpt-6-sol", "Count to five");
  cli_assert_status (refused_json, 8);
  error = cli_parse_json (refused_json->err);
  g_assert_cmpstr (cli_json_string (json_object_get_member (json_node_get_object (error), "error"),
                                    "code"),
                   ==, "over-budget");
  /* Nothing was sent for the refused calls. */
  g_assert_cmpuint (test_provider_count_requests (f->server, NULL), ==, 1);

  /* A budget of another caller does not hold this one. */
  RUN_OK (f, "budget", "rm", "--caller", "cli", "--day");
  RUN_OK (f, "budget", "set", "--caller", "plugin:x", "--day", "--tokens", "1");
  other = RUN (f, "chat", "--model", "oa/gpt-6-sol", "Count to five");
  cli_assert_status (other, 0);
  g_assert_cmpuint (test_provider_count_requests (f->server, NULL), ==, 2);
}

static void
test_serve_rate_limited (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) serve = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (JsonNode) first = NULL;
  g_autofree char *line = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *limited = NULL;
  const char      *body = "{\"model\":\"oa/gpt-6-sol\",\"messages\":[{\"role\":\"user\","
                          "\"content\":\"Hi\"}]}";

  if (!test_provider_have_fixtures ())
    return;

  /* A process that serves many requests keeps its buckets: the second waits a minute, which
   * is too long, so it is refused. */
  RUN_OK (f, "limit", "set", "oa/gpt-6-sol", "--rpm", "1");
  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            ADIUVA_CLI_PATH, "--data-dir", f->dir, "--json", "gateway", "serve",
                            "--show-token", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  first = cli_parse_json (line);

  answer = cli_http_request (cli_json_string (first, "url"), "HTTP/1.0", "POST",
                             "/v1/chat/completions", cli_json_string (first, "token"), body);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.0 200"));
  limited = cli_http_request (cli_json_string (first, "url"), "HTTP/1.0", "POST",
                              "/v1/chat/completions", cli_json_string (first, "token"), body);
  g_assert_true (g_str_has_prefix (limited, "HTTP/1.0 429"));
  g_assert_nonnull (strstr (limited, "1 request a minute"));
  g_assert_cmpuint (test_provider_count_requests (f->server, NULL), ==, 1);

  g_output_stream_close (g_subprocess_get_stdin_pipe (serve), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (serve, NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("no_proxy");
  g_unsetenv ("all_proxy");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("budget-commands", test_budget_commands);
  ADD ("limit-commands", test_limit_commands);
  ADD ("chat-over-budget", test_chat_over_budget);
  ADD ("serve-rate-limited", test_serve_rate_limited);

#undef ADD

  return g_test_run ();
}
