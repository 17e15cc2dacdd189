/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "test-cli-util.h"

void
cli_run_free (CliRun *run)
{
  if (run == NULL)
    return;

  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

/**
 * cli_run_argv_env:
 * @input: (nullable): what to write to the program's standard input
 * @env: (nullable): NAME, VALUE pairs to set in the program's environment
 * @argv: the arguments after the program's name
 */
CliRun *
cli_run_argv_env (const char        *input,
                  const char *const *env,
                  const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  CliRun *run = g_new0 (CliRun, 1);

  g_ptr_array_add (args, (gpointer) ADIUVA_CLI_PATH);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out,
                                 &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);

  return run;
}

/* Asserts how the run ended, showing what the program said when it is not so. */
void
cli_assert_status (CliRun *run,
                   int     status)
{
  if (run->status != status)
    g_test_message ("stdout: %s\nstderr: %s", run->out, run->err);
  g_assert_cmpint (run->status, ==, status);
}

/**
 * cli_argv_in:
 * @dir: a workspace folder
 * @args: the arguments after the program's name
 *
 * Returns: (transfer full): --data-dir @dir and @args, %NULL-terminated
 */
GPtrArray *
cli_argv_in (const char        *dir,
             const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs with the workspace in @dir; @env as in cli_run_argv_env(). */
CliRun *
cli_run_in (const char        *dir,
            const char        *input,
            const char *const *env,
            const char *const *args)
{
  g_autoptr (GPtrArray) argv = cli_argv_in (dir, args);

  return cli_run_argv_env (input, env, (const char *const *) argv->pdata);
}

CliRun *
cli_run_argv (const char        *input,
              const char *const *argv)
{
  return cli_run_argv_env (input, NULL, argv);
}

static CliRun *
run_va (const char *input,
        const char *first_arg,
        va_list     ap)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();

  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  g_ptr_array_add (args, NULL);

  return cli_run_argv (input, (const char *const *) args->pdata);
}

CliRun *
cli_run (const char *input,
         const char *first_arg,
         ...)
{
  va_list ap;
  CliRun *run;

  va_start (ap, first_arg);
  run = run_va (input, first_arg, ap);
  va_end (ap);

  return run;
}

/* Runs and asserts success, showing what the program said when it failed. */
CliRun *
cli_run_ok (const char *input,
            const char *first_arg,
            ...)
{
  va_list ap;
  CliRun *run;

  va_start (ap, first_arg);
  run = run_va (input, first_arg, ap);
  va_end (ap);

  cli_assert_status (run, 0);

  return run;
}

/* Runs for the effect alone, asserting success. */
void
cli_ok (const char *input,
        const char *first_arg,
        ...)
{
  g_autoptr (CliRun) run = NULL;
  va_list ap;

  va_start (ap, first_arg);
  run = run_va (input, first_arg, ap);
  va_end (ap);

  cli_assert_status (run, 0);
}

JsonNode *
cli_parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

/* Runs with --json first, asserts success and returns what it printed. */
JsonNode *
cli_run_json (const char *first_arg,
              ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (CliRun) run = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  run = cli_run_argv (NULL, (const char *const *) args->pdata);
  cli_assert_status (run, 0);

  return cli_parse_json (run->out);
}

/* A folder for one workspace, not created yet: init creates it. */
char *
cli_make_workspace_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-cli-XXXXXX", &error);

  g_assert_no_error (error);

  return g_build_filename (tmp, "workspace", NULL);
}

const char *
cli_json_string (JsonNode   *object,
                 const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));

  return json_object_get_string_member_with_default (json_node_get_object (object), member,
                                                     NULL);
}

gint64
cli_json_int (JsonNode   *object,
              const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));
  g_assert_true (json_object_has_member (json_node_get_object (object), member));

  return json_object_get_int_member_with_default (json_node_get_object (object), member, 0);
}

guint
cli_json_length (JsonNode *array)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));

  return json_array_get_length (json_node_get_array (array));
}

JsonNode *
cli_json_element (JsonNode *array,
                  guint     index)
{
  g_assert_cmpuint (index, <, cli_json_length (array));

  return json_array_get_element (json_node_get_array (array), index);
}

/**
 * cli_http_request:
 * @version: "HTTP/1.0" (the answer is not chunked) or "HTTP/1.1"
 * @token: (nullable): a bearer token
 *
 * One request on its own connection, closed after the answer.
 *
 * Returns: (transfer full): the whole answer, status line and headers included
 */
char *
cli_http_request (const char *url,
                  const char *version,
                  const char *method,
                  const char *path,
                  const char *token,
                  const char *body)
{
  g_autoptr (GSocketClient) sockets = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GOutputStream) answer = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *auth = NULL;

  connection = g_socket_client_connect_to_uri (sockets, url, 0, NULL, &error);
  g_assert_no_error (error);
  auth = token != NULL ? g_strdup_printf ("Authorization: Bearer %s\r\n", token) : g_strdup ("");
  request = g_strdup_printf ("%s %s %s\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                             method, path, version, auth, strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_splice (answer, g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);

  return g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (answer)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (answer)));
}
