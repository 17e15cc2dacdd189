/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "test-cli-util.h"
#include "test-provider-util.h"

/* Providers, models and chat through the real adiuva-cli, against the provider test server
 * (tests/gateway/adiuva-test-provider) replaying recorded traffic, with keys in the private
 * keyring of build-aux/test-env. */

#define OPENAI_KEY "sk-test-cli-secret-0001"
#define ANTHROPIC_KEY "test-anthropic-cli-key-0002"
#define GEMINI_KEY "AIza-test-cli-secret-0003"

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
  const char *const env[] = {
    "OPENAI_KEY", OPENAI_KEY, "ANTHROPIC_KEY", ANTHROPIC_KEY, "GEMINI_KEY", GEMINI_KEY, NULL
  };

  return cli_run_in (f->dir, input, env, args);
}

#define RUN(f, input, ...) run_in (f, input, (const char *const[]){ __VA_ARGS__, NULL })

static void
assert_no_key (const char *text)
{
  g_assert_null (strstr (text, OPENAI_KEY));
  g_assert_null (strstr (text, ANTHROPIC_KEY));
  g_assert_null (strstr (text, GEMINI_KEY));
}

static void
check_add (CliRun *run)
{
  cli_assert_status (run, 0);
  assert_no_key (run->out);
  assert_no_key (run->err);
  cli_run_free (run);
}

static void
add_providers (Fixture *f)
{
  const char      *base = f->server->base;
  g_autofree char *v1 = g_strconcat (base, "/v1", NULL);

  check_add (RUN (f, NULL, "provider", "add", "oa", "--kind", "openai", "--base-url", v1,
                  "--api-key-env", "OPENAI_KEY"));
  check_add (RUN (f, NULL, "provider", "add", "an", "--kind", "anthropic", "--base-url", base,
                  "--api-key-env", "ANTHROPIC_KEY"));
  /* The key from standard input, as a script piping it from a password manager would. */
  check_add (RUN (f, GEMINI_KEY "\n", "provider", "add", "ge", "--kind", "gemini", "--base-url",
                  base, "--api-key-stdin"));
  check_add (RUN (f, NULL, "provider", "add", "ol", "--kind", "ollama", "--base-url", base));
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (CliRun) init = NULL;

  f->dir = cli_make_workspace_dir ();
  f->server = test_provider_start ();
  if (f->server == NULL)
    return;

  /* The store refuses to open unless SQLCipher won the link: init proves it. */
  init = RUN (f, NULL, "init");
  cli_assert_status (init, 0);
  add_providers (f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  /* The keyring is shared by every test of this run: leave it as it was. */
  if (f->server != NULL)
    {
      const char *names[] = { "oa", "an", "ge", "ol" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        cli_run_free (RUN (f, NULL, "provider", "rm", names[i]));
    }
  g_clear_pointer (&f->server, test_provider_stop);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_providers (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (CliRun) list = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) export = NULL;
  g_autoptr (CliRun) dup = NULL;
  g_autoptr (CliRun) bad_kind = NULL;
  g_autoptr (CliRun) no_url = NULL;
  g_autoptr (CliRun) empty_key = NULL;
  g_autoptr (CliRun) rm = NULL;
  g_autoptr (CliRun) after = NULL;
  g_autoptr (JsonNode) array = NULL;
  g_autoptr (JsonNode) array_after = NULL;

  if (!test_provider_have_fixtures ())
    return;

  list = RUN (f, NULL, "provider", "list");
  cli_assert_status (list, 0);
  assert_no_key (list->out);
  g_assert_nonnull (strstr (list->out, "anthropic"));

  json = RUN (f, NULL, "--json", "provider", "list");
  cli_assert_status (json, 0);
  assert_no_key (json->out);
  array = cli_parse_json (json->out);
  g_assert_cmpuint (cli_json_length (array), ==, 4);
  g_assert_cmpstr (cli_json_string (cli_json_element (array, 0), "name"), ==, "oa");
  g_assert_cmpstr (cli_json_string (cli_json_element (array, 3), "kind"), ==, "ollama");
  g_assert_true (json_object_get_boolean_member (
      json_node_get_object (cli_json_element (array, 2)), "key_stored"));
  g_assert_false (json_object_get_boolean_member (
      json_node_get_object (cli_json_element (array, 3)), "key_stored"));

  /* Keys live in the keyring only: not in the workspace. */
  export = RUN (f, NULL, "export");
  cli_assert_status (export, 0);
  g_assert_nonnull (strstr (export->out, "gateway.providers"));
  assert_no_key (export->out);

  dup = RUN (f, NULL, "provider", "add", "oa", "--kind", "openai");
  g_assert_cmpint (dup->status, ==, 1);
  bad_kind = RUN (f, NULL, "provider", "add", "x", "--kind", "no-such-kind");
  g_assert_cmpint (bad_kind->status, ==, 2);
  no_url = RUN (f, NULL, "provider", "add", "x", "--kind", "openai-compatible");
  g_assert_cmpint (no_url->status, ==, 2);
  g_assert_nonnull (strstr (no_url->err, "--base-url"));

  empty_key = RUN (f, "", "provider", "add", "x", "--kind", "openai", "--api-key-stdin");
  g_assert_cmpint (empty_key->status, ==, 2);
  g_assert_nonnull (strstr (empty_key->err, "API key"));

  rm = RUN (f, NULL, "provider", "rm", "ge");
  cli_assert_status (rm, 0);
  after = RUN (f, NULL, "--json", "provider", "list");
  array_after = cli_parse_json (after->out);
  g_assert_cmpuint (cli_json_length (array_after), ==, 3);
}

static void
test_models (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (CliRun) ollama = NULL;
  g_autoptr (CliRun) openai = NULL;
  g_autoptr (CliRun) test = NULL;

  if (!test_provider_have_fixtures ())
    return;

  /* Ollama's from /api/tags. */
  ollama = RUN (f, NULL, "models", "ol");
  cli_assert_status (ollama, 0);
  g_assert_nonnull (strstr (ollama->out, "ol/llama3.2:latest\n"));

  openai = RUN (f, NULL, "models", "oa");
  cli_assert_status (openai, 0);
  g_assert_nonnull (strstr (openai->out, "oa/gpt-3.5-turbo-0125\n"));

  test = RUN (f, NULL, "provider", "test", "oa");
  cli_assert_status (test, 0);
}

static const struct
{
  const char *model;
  const char *text;
} chats[] = {
  { "oa/gpt-6-sol", "1, 2, 3, 4, 5\n" },
  { "an/claude-haiku-4-5", "1\n2\n3\n4\n5\n" },
  { "ge/gemini-2.5-flash", "The capital of France is Paris.\n" },
  { "ol/llama3.2", "The\n" },
};

static void
test_chat (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (CliRun) set_default = NULL;
  g_autoptr (CliRun) from_stdin = NULL;
  g_autoptr (CliRun) usage = NULL;
  g_autoptr (JsonNode) totals = NULL;

  if (!test_provider_have_fixtures ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (chats); i++)
    {
      g_autoptr (CliRun) run = RUN (f, NULL, "chat", "--model", chats[i].model, "--system",
                                    "Be brief.", "Count", "to", "five");

      g_test_message ("%s", chats[i].model);
      cli_assert_status (run, 0);
      g_assert_cmpstr (run->out, ==, chats[i].text);
    }

  /* The prompt from standard input, the model from the workspace's default. */
  set_default = RUN (f, NULL, "models", "--set-default", "oa/gpt-6-sol");
  cli_assert_status (set_default, 0);
  from_stdin = RUN (f, "Count to five\n", "chat");
  cli_assert_status (from_stdin, 0);
  g_assert_cmpstr (from_stdin->out, ==, "1, 2, 3, 4, 5\n");

  usage = RUN (f, NULL, "--json", "usage");
  cli_assert_status (usage, 0);
  totals = cli_parse_json (usage->out);
  g_assert_cmpuint (cli_json_length (totals), ==, 4);
  g_assert_cmpstr (cli_json_string (cli_json_element (totals, 2), "provider"), ==, "oa");
  g_assert_cmpint (cli_json_int (cli_json_element (totals, 2), "calls"), ==, 2);
  g_assert_cmpint (cli_json_int (cli_json_element (totals, 2), "tokens_in"), ==, 28);
  g_assert_cmpint (cli_json_int (cli_json_element (totals, 2), "tokens_out"), ==, 26);
}

static void
test_chat_json (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (CliRun) run = NULL;
  g_autoptr (JsonNode) answer = NULL;
  JsonObject *root, *message, *usage, *metrics;

  if (!test_provider_have_fixtures ())
    return;

  run = RUN (f, NULL, "--json", "chat", "--model", "an/claude-haiku-4-5", "Count");
  cli_assert_status (run, 0);
  answer = cli_parse_json (run->out);
  root = json_node_get_object (answer);
  message = json_object_get_object_member (root, "message");
  usage = json_object_get_object_member (root, "usage");
  metrics = json_object_get_object_member (root, "metrics");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, "1\n2\n3\n4\n5");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (message, "tool_calls")),
                    ==, 0);
  g_assert_cmpint (json_object_get_int_member (usage, "input_tokens"), ==, 15);
  g_assert_cmpint (json_object_get_int_member (usage, "output_tokens"), ==, 13);
  g_assert_cmpstr (json_object_get_string_member (metrics, "outcome"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (metrics, "provider"), ==, "an");
  g_assert_cmpint (json_object_get_int_member (metrics, "http_status"), ==, 200);
}

static void
test_chat_errors (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (CliRun) server = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) auth = NULL;
  g_autoptr (CliRun) no_model = NULL;
  g_autoptr (CliRun) unknown = NULL;
  g_autoptr (CliRun) usage = NULL;
  g_autoptr (JsonNode) error = NULL;
  g_autoptr (JsonNode) totals = NULL;

  if (!test_provider_have_fixtures ())
    return;

  /* A provider that keeps failing: the gateway retries, then the CLI says so and exits 7. */
  test_provider_script (f->server,
                        "[{\"match\": \"/v1/chat/completions\", \"status\": 500, \"times\": 3}]");
  server = RUN (f, NULL, "chat", "--model", "oa/gpt-6-sol", "Hello");
  g_assert_cmpint (server->status, ==, 7);
  g_assert_cmpstr (server->out, ==, "");
  g_assert_nonnull (strstr (server->err, "500"));
  assert_no_key (server->err);

  test_provider_script (f->server,
                        "[{\"match\": \"/v1/chat/completions\", \"status\": 500, \"times\": 3}]");
  json = RUN (f, NULL, "--json", "chat", "--model", "oa/gpt-6-sol", "Hello");
  g_assert_cmpint (json->status, ==, 7);
  error = cli_parse_json (json->err);
  g_assert_cmpstr (cli_json_string (json_object_get_member (json_node_get_object (error), "error"),
                                    "code"),
                   ==, "provider-server");

  test_provider_script (f->server, "[{\"match\": \"/v1/messages\", \"status\": 401}]");
  auth = RUN (f, NULL, "chat", "--model", "an/claude-haiku-4-5", "Hello");
  g_assert_cmpint (auth->status, ==, 4);
  assert_no_key (auth->err);

  no_model = RUN (f, NULL, "chat", "Hello");
  g_assert_cmpint (no_model->status, ==, 2);
  unknown = RUN (f, NULL, "chat", "--model", "nowhere/x", "Hello");
  g_assert_cmpint (unknown->status, ==, 3);

  /* Every failed attempt is in the call log. */
  usage = RUN (f, NULL, "--json", "usage");
  cli_assert_status (usage, 0);
  totals = cli_parse_json (usage->out);
  g_assert_cmpuint (cli_json_length (totals), ==, 2);
  g_assert_cmpint (cli_json_int (cli_json_element (totals, 1), "calls"), ==, 6);
  g_assert_cmpint (cli_json_int (cli_json_element (totals, 1), "failed_calls"), ==, 6);
}

/* A provider that reports no usage: the call log's tokens are unknown, not 0, and `usage`
 * says so (null in JSON). */
static void
test_usage_unknown_tokens (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (CliRun) chat = NULL;
  g_autoptr (CliRun) usage = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (JsonNode) totals = NULL;
  JsonObject *oa;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"fixture\": "
                                   "\"openai/plano_gpt35_text_stream_done.sse\"}]");
  chat = RUN (f, NULL, "chat", "--model", "oa/gpt-6-sol", "Hello");
  cli_assert_status (chat, 0);

  json = RUN (f, NULL, "--json", "usage");
  cli_assert_status (json, 0);
  totals = cli_parse_json (json->out);
  g_assert_cmpuint (cli_json_length (totals), ==, 1);
  oa = json_node_get_object (cli_json_element (totals, 0));
  g_assert_cmpint (json_object_get_int_member (oa, "calls"), ==, 1);
  g_assert_true (json_object_get_null_member (oa, "tokens_in"));
  g_assert_true (json_object_get_null_member (oa, "tokens_out"));

  usage = RUN (f, NULL, "usage");
  cli_assert_status (usage, 0);
  g_test_message ("%s", usage->out);
  g_assert_true (g_regex_match_simple ("^oa +gpt-6-sol +1 +0 +unknown +unknown +0\\.000000$",
                                       usage->out, G_REGEX_MULTILINE, 0));
}

static void
test_gateway_serve (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) serve = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (JsonNode) first = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (CliRun) plain = NULL;
  g_autoptr (CliRun) usage = NULL;
  g_autofree char *line = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *refused = NULL;
  const char      *body = "{\"model\":\"oa/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                          "\"content\":\"Hi\"}]}";
  const char      *token;
  const char      *url;

  if (!test_provider_have_fixtures ())
    return;

  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            ADIUVA_CLI_PATH, "--data-dir", f->dir, "--json", "gateway", "serve",
                            "--show-token", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  first = cli_parse_json (line);
  url = cli_json_string (first, "url");
  token = cli_json_string (first, "token");
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  /* 32 random bytes, base64url without padding. */
  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_null (strpbrk (token, "+/="));

  answer = cli_http_request (url, "HTTP/1.1", "POST", "/v1/chat/completions", token, body);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (answer, "\"chat.completion\""));
  refused = cli_http_request (url, "HTTP/1.1", "POST", "/v1/chat/completions", "wrong", body);
  g_assert_true (g_str_has_prefix (refused, "HTTP/1.1 401"));

  /* Closing its standard input stops it. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (serve), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (serve, NULL, &error);
  g_assert_no_error (error);

  /* The call went to the call log; the token is the workspace's, and shown only on request. */
  usage = RUN (f, NULL, "--json", "usage");
  cli_assert_status (usage, 0);
  again = cli_parse_json (usage->out);
  g_assert_cmpint (cli_json_int (cli_json_element (again, 0), "calls"), ==, 1);
  plain = RUN (f, "", "gateway", "serve");
  cli_assert_status (plain, 0);
  g_assert_true (g_str_has_prefix (plain->out, "listening on http://127.0.0.1:"));
  g_assert_null (strstr (plain->out, token));
}

static void
test_alias_chat (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (CliRun) set = NULL;
  g_autoptr (CliRun) hop = NULL;
  g_autoptr (CliRun) chat = NULL;
  g_autoptr (CliRun) chat_hop = NULL;
  g_autoptr (CliRun) set_default = NULL;
  g_autoptr (CliRun) by_default = NULL;
  g_autoptr (CliRun) unset_default = NULL;
  g_autoptr (CliRun) usage = NULL;
  g_autoptr (JsonNode) totals = NULL;

  if (!test_provider_have_fixtures ())
    return;

  set = RUN (f, NULL, "alias", "set", "fast", "oa/gpt-6-sol");
  cli_assert_status (set, 0);
  g_assert_nonnull (strstr (set->out, "fast"));
  chat = RUN (f, NULL, "chat", "--model", "fast", "Count", "to", "five");
  cli_assert_status (chat, 0);
  g_assert_cmpstr (chat->out, ==, "1, 2, 3, 4, 5\n");

  /* Two hops, to another provider than the alias first named. */
  hop = RUN (f, NULL, "alias", "set", "quick", "fast");
  cli_assert_status (hop, 0);
  cli_run_free (RUN (f, NULL, "alias", "set", "fast", "an/claude-haiku-4-5"));
  chat_hop = RUN (f, NULL, "chat", "--model", "quick", "Count", "to", "five");
  cli_assert_status (chat_hop, 0);
  g_assert_cmpstr (chat_hop->out, ==, "1\n2\n3\n4\n5\n");

  /* An alias as the workspace's default model; an unset one is refused. */
  set_default = RUN (f, NULL, "models", "--set-default", "quick");
  cli_assert_status (set_default, 0);
  by_default = RUN (f, "Count to five\n", "chat");
  cli_assert_status (by_default, 0);
  g_assert_cmpstr (by_default->out, ==, "1\n2\n3\n4\n5\n");
  unset_default = RUN (f, NULL, "models", "--set-default", "nowhere");
  g_assert_cmpint (unset_default->status, ==, 3);

  /* The call log names the model the alias stood for. */
  usage = RUN (f, NULL, "--json", "usage");
  cli_assert_status (usage, 0);
  totals = cli_parse_json (usage->out);
  g_assert_cmpuint (cli_json_length (totals), ==, 2);
  g_assert_cmpstr (cli_json_string (cli_json_element (totals, 0), "provider"), ==, "an");
  g_assert_cmpstr (cli_json_string (cli_json_element (totals, 1), "provider"), ==, "oa");
}

static void
test_alias_errors (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (CliRun) cycle = NULL;
  g_autoptr (CliRun) cycle_json = NULL;
  g_autoptr (CliRun) slash = NULL;
  g_autoptr (CliRun) unknown = NULL;
  g_autoptr (CliRun) rm_unknown = NULL;
  g_autoptr (JsonNode) error = NULL;

  if (!test_provider_have_fixtures ())
    return;

  cli_ok (NULL, "--data-dir", f->dir, "alias", "set", "smart", "fast", NULL);
  cycle = RUN (f, NULL, "alias", "set", "fast", "smart");
  g_assert_cmpint (cycle->status, ==, 2);
  g_assert_nonnull (strstr (cycle->err, "cycle"));
  g_assert_nonnull (strstr (cycle->err, "fast → smart → fast"));

  cycle_json = RUN (f, NULL, "--json", "alias", "set", "fast", "smart");
  g_assert_cmpint (cycle_json->status, ==, 2);
  error = cli_parse_json (cycle_json->err);
  g_assert_cmpstr (cli_json_string (json_object_get_member (json_node_get_object (error), "error"),
                                    "code"),
                   ==, "provider-invalid");

  slash = RUN (f, NULL, "alias", "set", "oa/x", "oa/gpt-6-sol");
  g_assert_cmpint (slash->status, ==, 2);

  /* smart names fast, which is not set: not found, as an unknown alias is. */
  unknown = RUN (f, NULL, "chat", "--model", "smart", "Hello");
  g_assert_cmpint (unknown->status, ==, 3);
  g_assert_nonnull (strstr (unknown->err, "fast"));
  rm_unknown = RUN (f, NULL, "alias", "rm", "fast");
  g_assert_cmpint (rm_unknown->status, ==, 3);
}

static void
test_alias_list (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (CliRun) empty = NULL;
  g_autoptr (CliRun) text = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) rm = NULL;
  g_autoptr (CliRun) after = NULL;
  g_autoptr (JsonNode) list = NULL;
  g_autoptr (JsonNode) list_after = NULL;
  JsonObject *dangling;

  if (!test_provider_have_fixtures ())
    return;

  empty = RUN (f, NULL, "alias", "list");
  cli_assert_status (empty, 0);
  g_assert_nonnull (strstr (empty->out, "No aliases"));

  cli_ok (NULL, "--data-dir", f->dir, "alias", "set", "quick", "fast", NULL);
  cli_ok (NULL, "--data-dir", f->dir, "alias", "set", "fast", "oa/gpt-6-sol", NULL);
  cli_ok (NULL, "--data-dir", f->dir, "alias", "set", "local", "ol/llama3.2", NULL);

  text = RUN (f, NULL, "alias", "list");
  cli_assert_status (text, 0);
  g_assert_nonnull (strstr (text->out, "ALIAS"));
  g_assert_nonnull (strstr (text->out, "quick"));
  g_assert_nonnull (strstr (text->out, "ol/llama3.2"));

  json = RUN (f, NULL, "--json", "alias", "list");
  cli_assert_status (json, 0);
  list = cli_parse_json (json->out);
  g_assert_cmpuint (cli_json_length (list), ==, 3);
  g_assert_cmpstr (cli_json_string (cli_json_element (list, 0), "name"), ==, "fast");
  g_assert_cmpstr (cli_json_string (cli_json_element (list, 2), "name"), ==, "quick");
  g_assert_cmpstr (cli_json_string (cli_json_element (list, 2), "target"), ==, "fast");
  g_assert_cmpstr (cli_json_string (cli_json_element (list, 2), "model"), ==, "oa/gpt-6-sol");

  /* Removing an alias keeps those naming it, which then lead nowhere. */
  rm = RUN (f, NULL, "alias", "rm", "fast");
  cli_assert_status (rm, 0);
  after = RUN (f, NULL, "--json", "alias", "list");
  cli_assert_status (after, 0);
  list_after = cli_parse_json (after->out);
  g_assert_cmpuint (cli_json_length (list_after), ==, 2);
  dangling = json_node_get_object (cli_json_element (list_after, 1));
  g_assert_cmpstr (json_object_get_string_member (dangling, "name"), ==, "quick");
  g_assert_true (json_object_get_null_member (dangling, "model"));
}

/* The fallback order: set, listed, refused for an unknown provider, really followed when the
 * model asked fails, and cleared. */
static void
test_fallback (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (CliRun) empty = NULL;
  g_autoptr (CliRun) set = NULL;
  g_autoptr (CliRun) unknown = NULL;
  g_autoptr (CliRun) text = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) chat = NULL;
  g_autoptr (CliRun) clear = NULL;
  g_autoptr (CliRun) failed = NULL;
  g_autoptr (JsonNode) list = NULL;

  if (!test_provider_have_fixtures ())
    return;

  empty = RUN (f, NULL, "fallback", "list");
  cli_assert_status (empty, 0);
  g_assert_nonnull (strstr (empty->out, "No fallbacks"));

  set = RUN (f, NULL, "fallback", "set", "an/claude-haiku-4-5", "ol/llama3.2");
  cli_assert_status (set, 0);
  g_assert_nonnull (strstr (set->out, "an/claude-haiku-4-5, ol/llama3.2"));
  unknown = RUN (f, NULL, "fallback", "set", "nowhere/x");
  g_assert_cmpint (unknown->status, ==, 3);
  g_assert_nonnull (strstr (unknown->err, "nowhere"));

  text = RUN (f, NULL, "fallback", "list");
  cli_assert_status (text, 0);
  g_assert_cmpstr (text->out, ==, "1. an/claude-haiku-4-5\n2. ol/llama3.2\n");
  json = RUN (f, NULL, "--json", "fallback", "list");
  cli_assert_status (json, 0);
  list = cli_parse_json (json->out);
  g_assert_cmpuint (cli_json_length (list), ==, 2);
  g_assert_cmpstr (json_node_get_string (cli_json_element (list, 1)), ==, "ol/llama3.2");

  /* OpenAI refuses the key: Anthropic, first in the order, answers. */
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"status\": 401}]");
  chat = RUN (f, NULL, "chat", "--model", "oa/gpt-6-sol", "Count", "to", "five");
  cli_assert_status (chat, 0);
  g_assert_cmpstr (chat->out, ==, "1\n2\n3\n4\n5\n");
  g_assert_cmpuint (test_provider_count_requests (f->server, "/v1/messages"), ==, 1);

  clear = RUN (f, NULL, "fallback", "clear");
  cli_assert_status (clear, 0);
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"status\": 401}]");
  failed = RUN (f, NULL, "chat", "--model", "oa/gpt-6-sol", "Count", "to", "five");
  g_assert_cmpint (failed->status, !=, 0);
  g_assert_cmpuint (test_provider_count_requests (f->server, "/v1/messages"), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("providers", test_providers);
  ADD ("models", test_models);
  ADD ("chat", test_chat);
  ADD ("chat-json", test_chat_json);
  ADD ("chat-errors", test_chat_errors);
  ADD ("usage-unknown-tokens", test_usage_unknown_tokens);
  ADD ("gateway-serve", test_gateway_serve);
  ADD ("alias-chat", test_alias_chat);
  ADD ("alias-errors", test_alias_errors);
  ADD ("alias-list", test_alias_list);
  ADD ("fallback", test_fallback);

#undef ADD

  return g_test_run ();
}
