/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

#include "test-cli-util.h"
#include "test-provider-util.h"

/* model pull|show|rm and embed through the real adiuva-cli, against the provider test server
 * (tests/gateway/adiuva-test-provider), with keys in the private keyring of
 * build-aux/test-env. */

#define OPENAI_KEY "sk-test-cli-model-secret-0001"

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
  const char *const env[] = { "OPENAI_KEY", OPENAI_KEY, NULL };

  return cli_run_in (f->dir, input, env, args);
}

#define RUN(f, input, ...) run_in (f, input, (const char *const[]){ __VA_ARGS__, NULL })

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *v1 = NULL;
  g_autoptr (CliRun) init = NULL;
  g_autoptr (CliRun) oa = NULL;
  g_autoptr (CliRun) an = NULL;
  g_autoptr (CliRun) ol = NULL;

  f->dir = cli_make_workspace_dir ();
  f->server = test_provider_start ();
  if (f->server == NULL)
    return;
  init = RUN (f, NULL, "init");
  cli_assert_status (init, 0);
  /* Not first: the first provider that manages models is found, wherever it is. */
  v1 = g_strconcat (f->server->base, "/v1", NULL);
  oa = RUN (f, NULL, "provider", "add", "oa", "--kind", "openai", "--base-url", v1,
            "--api-key-env", "OPENAI_KEY");
  cli_assert_status (oa, 0);
  an = RUN (f, NULL, "provider", "add", "an", "--kind", "anthropic", "--base-url", f->server->base);
  cli_assert_status (an, 0);
  ol = RUN (f, NULL, "provider", "add", "ol", "--kind", "ollama", "--base-url", f->server->base);
  cli_assert_status (ol, 0);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  /* The keyring is shared by every test of this run: leave it as it was. */
  if (f->server != NULL)
    {
      cli_run_free (RUN (f, NULL, "provider", "rm", "oa"));
      cli_run_free (RUN (f, NULL, "provider", "rm", "an"));
      cli_run_free (RUN (f, NULL, "provider", "rm", "ol"));
    }
  g_clear_pointer (&f->server, test_provider_stop);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_pull (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (CliRun) run = NULL;

  if (!test_provider_have_fixtures ())
    return;

  /* Not a terminal: one line per step, not per progress report. */
  run = RUN (f, NULL, "model", "pull", "llama3.2:3b");
  cli_assert_status (run, 0);
  g_assert_cmpstr (run->out, ==,
                   "pulling manifest\n"
                   "pulling digestname\n"
                   "verifying sha256 digest\n"
                   "writing manifest\n"
                   "removing any unused layers\n"
                   "success\n"
                   "ol now has llama3.2:3b.\n");
  g_assert_cmpstr (run->err, ==, "");
}

static void
test_pull_json (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (CliRun) run = NULL;
  g_auto (GStrv) lines = NULL;
  gint64 completed = -1;

  if (!test_provider_have_fixtures ())
    return;

  run = RUN (f, NULL, "--json", "model", "pull", "llama3.2:3b", "--provider", "ol");
  cli_assert_status (run, 0);
  lines = g_strsplit (run->out, "\n", -1);
  /* Eight reports, each a JSON object on its own line, then the final line end. */
  g_assert_cmpuint (g_strv_length (lines), ==, 9);
  g_assert_cmpstr (lines[8], ==, "");
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr (JsonNode) node = cli_parse_json (lines[i]);

      if (i >= 1 && i <= 3)
        {
          g_assert_cmpstr (cli_json_string (node, "digest"), ==, "digestname");
          g_assert_cmpint (cli_json_int (node, "total"), ==, 2142590208);
          g_assert_cmpint (cli_json_int (node, "completed"), >, completed);
          completed = cli_json_int (node, "completed");
        }
      if (i == 7)
        g_assert_cmpstr (cli_json_string (node, "status"), ==, "success");
    }
  g_assert_cmpint (completed, ==, 2142590208);
}

/* On a terminal, a bar redrawn in place. script(1) gives the command a real one. */
static void
test_pull_tty (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *script = g_find_program_in_path ("script");
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!test_provider_have_fixtures ())
    return;
  if (script == NULL)
    {
      g_test_skip ("script(1) is not installed");
      return;
    }

  command = g_strdup_printf ("'%s' --data-dir '%s' model pull llama3.2:3b", ADIUVA_CLI_PATH,
                             f->dir);
  g_spawn_sync (NULL, (char *[]){ script, (char *) "-qec", command, (char *) "/dev/null", NULL },
                NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "\rpulling digestname ["));
  g_assert_nonnull (strstr (out, "] 100% "));
  g_assert_nonnull (strstr (out, "ol now has llama3.2:3b."));
}

static void
test_pull_errors (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (CliRun) error_line = NULL;
  g_autoptr (CliRun) cut = NULL;
  g_autoptr (CliRun) not_ollama = NULL;

  if (!test_provider_have_fixtures ())
    return;

  test_provider_script (f->server,
                        "[{\"match\": \"/api/pull\", \"body\": \"{\\\"status\\\":"
                        "\\\"pulling manifest\\\"}\\n{\\\"error\\\":\\\"pull model manifest: "
                        "file does not exist\\\"}\\n\"}]");
  error_line = RUN (f, NULL, "model", "pull", "nosuch");
  cli_assert_status (error_line, 1);
  g_assert_cmpstr (error_line->out, ==, "pulling manifest\n");
  g_assert_nonnull (strstr (error_line->err, "pull model manifest: file does not exist"));

  test_provider_script (f->server, "[{\"match\": \"/api/pull\", \"reset_after\": 120}]");
  cut = RUN (f, NULL, "model", "pull", "llama3.2:3b");
  g_assert_cmpint (cut->status, !=, 0);
  g_assert_null (strstr (cut->out, "now has"));

  not_ollama = RUN (f, NULL, "model", "pull", "gpt-6-sol", "--provider", "oa");
  cli_assert_status (not_ollama, 2);
  g_assert_nonnull (strstr (not_ollama->err, "only Ollama"));
}

/* Ctrl+C stops a pull cleanly: the connection is closed and the command says so. */
static void
test_pull_interrupt (Fixture      *f,
                     gconstpointer data)
{
  const char *const args[] = { "model", "pull", "llama3.2:3b", NULL };
  g_autoptr (GPtrArray) argv = cli_argv_in (f->dir, args);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GDataInputStream) errors = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *err = NULL;

  if (!test_provider_have_fixtures ())
    return;

  /* Slowly: 2 bytes every 50 ms leaves seconds of stream after the first line. */
  test_provider_script (f->server,
                        "[{\"match\": \"/api/pull\", \"chunk\": 2, \"delay_ms\": 50}]");
  g_ptr_array_insert (argv, 0, (gpointer) ADIUVA_CLI_PATH);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  first = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "pulling manifest");

  g_subprocess_send_signal (process, SIGINT);
  rest = g_data_input_stream_read_upto (out, "", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  err = g_data_input_stream_read_upto (errors, "", 1, NULL, NULL, &error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (err, "cancelled"));
  g_assert_true (rest == NULL || strstr (rest, "success") == NULL);
}

static void
test_show (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (CliRun) text = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) missing = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (!test_provider_have_fixtures ())
    return;

  text = RUN (f, NULL, "model", "show", "llava");
  cli_assert_status (text, 0);
  g_assert_cmpstr (text->out, ==,
                   "ol/llava\n"
                   "  family:        llama\n"
                   "  parameters:    8.0B\n"
                   "  quantization:  Q4_0\n"
                   "  context:       8192 tokens\n");

  json = RUN (f, NULL, "--json", "model", "show", "llava");
  cli_assert_status (json, 0);
  node = cli_parse_json (json->out);
  g_assert_cmpstr (cli_json_string (node, "family"), ==, "llama");
  g_assert_cmpstr (cli_json_string (node, "quantization"), ==, "Q4_0");
  g_assert_cmpint (cli_json_int (node, "context_length"), ==, 8192);

  test_provider_script (f->server, "[{\"match\": \"/api/show\", \"status\": 404}]");
  missing = RUN (f, NULL, "model", "show", "nosuch:7b");
  cli_assert_status (missing, 3);
  g_assert_nonnull (strstr (missing->err, "“nosuch:7b”"));
}

static void
test_rm (Fixture      *f,
         gconstpointer data)
{
  g_autoptr (CliRun) removed = NULL;
  g_autoptr (CliRun) missing = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (!test_provider_have_fixtures ())
    return;

  removed = RUN (f, NULL, "model", "rm", "llama3.2:3b");
  cli_assert_status (removed, 0);
  g_assert_cmpstr (removed->out, ==, "Removed llama3.2:3b from ol.\n");

  test_provider_script (f->server, "[{\"match\": \"/api/delete\", \"status\": 404}]");
  missing = RUN (f, NULL, "model", "rm", "gone");
  cli_assert_status (missing, 3);
  g_assert_nonnull (strstr (missing->err, "ol has no model named “gone”."));

  test_provider_script (f->server, "[{\"match\": \"/api/delete\", \"status\": 404}]");
  json = RUN (f, NULL, "--json", "model", "rm", "gone");
  cli_assert_status (json, 3);
  g_assert_cmpstr (json->out, ==, "");
  node = cli_parse_json (json->err);
  g_assert_cmpstr (cli_json_string (json_object_get_member (json_node_get_object (node), "error"),
                                    "code"),
                   ==, "provider-not-found");
}

static void
test_embed (Fixture      *f,
            gconstpointer data)
{
  g_autoptr (CliRun) text = NULL;
  g_autoptr (CliRun) json = NULL;
  g_autoptr (CliRun) piped = NULL;
  g_autoptr (CliRun) anthropic = NULL;
  g_autoptr (CliRun) usage = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) calls = NULL;
  JsonNode *vectors;

  if (!test_provider_have_fixtures ())
    return;

  text = RUN (f, NULL, "embed", "--model", "oa/text-embedding-3-small", "Hello world");
  cli_assert_status (text, 0);
  g_assert_cmpstr (text->out, ==, "1 vector of 256 dimensions (text-embedding-3-small)\n");
  g_assert_null (strstr (text->err, OPENAI_KEY));

  json = RUN (f, NULL, "--json", "embed", "--model", "ol/all-minilm", "sky", "grass");
  cli_assert_status (json, 0);
  node = cli_parse_json (json->out);
  g_assert_cmpint (cli_json_int (node, "dimensions"), ==, 10);
  vectors = json_object_get_member (json_node_get_object (node), "vectors");
  g_assert_cmpuint (cli_json_length (vectors), ==, 2);
  g_assert_cmpuint (cli_json_length (cli_json_element (vectors, 1)), ==, 10);
  g_assert_cmpfloat_with_epsilon (
      json_node_get_double (cli_json_element (cli_json_element (vectors, 1), 0)), -0.0098027075,
      1e-9);

  /* Without texts, standard input is one. */
  piped = RUN (f, "Why is the sky blue?\n", "embed", "--model", "ol/all-minilm");
  cli_assert_status (piped, 0);
  g_assert_cmpstr (piped->out, ==, "1 vector of 10 dimensions (all-minilm)\n");

  anthropic = RUN (f, NULL, "embed", "--model", "an/claude-haiku-4-5", "Hello");
  cli_assert_status (anthropic, 2);
  g_assert_nonnull (strstr (anthropic->err, "Anthropic offers no embeddings"));

  /* Each call reached the call log, like a chat. */
  usage = RUN (f, NULL, "--json", "usage");
  cli_assert_status (usage, 0);
  g_assert_nonnull (strstr (usage->out, "text-embedding-3-small"));
  g_assert_nonnull (strstr (usage->out, "all-minilm"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("model/pull", test_pull);
  ADD ("model/pull-json", test_pull_json);
  ADD ("model/pull-tty", test_pull_tty);
  ADD ("model/pull-errors", test_pull_errors);
  ADD ("model/pull-interrupt", test_pull_interrupt);
  ADD ("model/show", test_show);
  ADD ("model/rm", test_rm);
  ADD ("embed", test_embed);
#undef ADD

  return g_test_run ();
}
