/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adiuva-cli-gateway.h"

static gboolean
quit_cb (gpointer user_data)
{
  /* Kept until run_serve() removes it. */
  g_main_loop_quit (user_data);

  return G_SOURCE_CONTINUE;
}

/* A parent process that holds our stdin as a pipe stops us by closing it, or by dying. */
static gboolean
stdin_cb (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  char   buffer[256];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
stdin_is_pipe (void)
{
  struct stat st;

  return fstat (STDIN_FILENO, &st) == 0 && S_ISFIFO (st.st_mode);
}

static int
run_serve (AdiuvaCliContext       *cli,
           const AdiuvaCliCommand *command,
           int                     argc,
           char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaLoopbackServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char        *token = NULL;
  g_autofree char        *url = NULL;
  gboolean                show_token = FALSE;
  int                     port = 0;
  guint                   sources[3] = { 0 };
  AdiuvaWorkspaceGateway *gateway;
  int                     status;
  const GOptionEntry      entries[] = {
         { "port", 0, 0, G_OPTION_ARG_INT, &port,
           N_ ("Listen on PORT of 127.0.0.1 (default: any free port)."), N_ ("PORT") },
         { "show-token", 0, 0, G_OPTION_ARG_NONE, &show_token,
           N_ ("Print the token clients must send."), NULL },
         { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (port < 0 || port > G_MAXUINT16)
    {
      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("%d is not a port: give a number from 0 to 65535."), port);
      return adiuva_cli_context_report (cli, error);
    }

  /* Every call goes to the call log, written by a thread of its own so that answers never
   * wait for the disk (see src/assistant/adiuva-call-log.c). */
  gateway = adiuva_cli_context_get_gateway (cli, &error);
  if (gateway == NULL ||
      (server = adiuva_workspace_gateway_new_loopback (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);
  if (show_token &&
      (token = adiuva_workspace_gateway_dup_loopback_token (gateway, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);
  if (!adiuva_loopback_server_listen (server, port, &error))
    return adiuva_cli_context_report (cli, error);

  url = g_strdup_printf ("http://127.0.0.1:%u", adiuva_loopback_server_get_port (server));
  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      if (show_token)
        {
          json_builder_set_member_name (builder, "token");
          json_builder_add_string_value (builder, token);
        }
      json_builder_end_object (builder);
      /* One line, so that a program reading the output line by line gets it whole. */
      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
      fputs (text, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      g_print (_ ("listening on %s\n"), url);
      if (show_token)
        g_print (_ ("token: %s\n"), token);
      else
        g_print (_ ("Clients authenticate with the workspace’s token: see --show-token.\n"));
    }
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sources[0] = g_unix_signal_add (SIGINT, quit_cb, loop);
  sources[1] = g_unix_signal_add (SIGTERM, quit_cb, loop);
  if (stdin_is_pipe ())
    sources[2] = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, loop);
  g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    if (sources[i] != 0)
      g_source_remove (sources[i]);
  adiuva_loopback_server_disconnect (server);
  adiuva_workspace_gateway_flush_call_log (gateway);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand gateway_serve = {
  .name = "serve",
  .summary = N_ ("serve the providers to local tools"),
  .synopsis = N_ ("[--port PORT] [--show-token]"),
  .description = N_ (
      "Serves an OpenAI- and Anthropic-compatible HTTP endpoint on 127.0.0.1 only, so editors "
      "and tools on this machine use the workspace’s providers, with their fallbacks, through "
      "Adiuva: POST /v1/chat/completions, POST /v1/messages, POST /v1/embeddings and GET "
      "/v1/models. Name a model as PROVIDER/MODEL or by one of the workspace’s aliases; other "
      "names go to the workspace’s default model, except for embeddings, which are refused. "
      "auto lets the workspace’s routes choose (see adiuva-cli route).\n"
      "\n"
      "Clients authenticate with the workspace’s token, as a bearer token or in x-api-key. It "
      "is made the first time and kept in the keyring; --show-token prints it.\n"
      "\n"
      "Serves until interrupted, or, when standard input is a pipe, until it is closed. Every "
      "call goes to the call log (see adiuva-cli usage). With --json, the first line is a "
      "JSON object with the url (and the token, with --show-token)."),
  .examples = N_ ("  adiuva-cli gateway serve --port 8790 --show-token\n"
                  "  OPENAI_BASE_URL=http://127.0.0.1:8790/v1 OPENAI_API_KEY=TOKEN some-tool"),
  .max_args = 0,
  .run = run_serve,
};

static const AdiuvaCliCommand *const gateway_commands[] = {
  &gateway_serve,
  NULL
};

const AdiuvaCliCommand adiuva_cli_gateway_command = {
  .name = "gateway",
  .summary = N_ ("serve LLM providers to local tools"),
  .synopsis = N_ ("COMMAND [OPTIONS]"),
  .description = N_ ("The loopback endpoint: the workspace’s providers for other programs on "
                     "this machine."),
  .subcommands = gateway_commands,
};
