/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-help.h"
#include "adiuva-cli-output.h"
#include "adiuva-gateway.h"

GQuark
adiuva_cli_error_quark (void)
{
  return g_quark_from_static_string ("adiuva-cli-error-quark");
}

/* A passphrase is one line; anything longer than this is not a passphrase file. */
#define MAX_PASSPHRASE_SIZE 4096

/* Global options may be given before the command and again after it: the last one wins, and
 * the one it replaces is freed (GOption would drop it on the floor). */
static gboolean
set_file_option_cb (const char *option_name,
                    const char *value,
                    gpointer    data,
                    GError    **error)
{
  AdiuvaCliContext *cli = data;
  char            **target = g_str_equal (option_name, "--data-dir") ? &cli->data_dir
                                                                     : &cli->passphrase_file;

  g_free (*target);
  *target = g_strdup (value);

  return TRUE;
}

AdiuvaCliContext *
adiuva_cli_context_new (void)
{
  AdiuvaCliContext  *cli = g_new0 (AdiuvaCliContext, 1);
  const GOptionEntry global_entries[] = {
    { "data-dir", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, set_file_option_cb,
      N_ ("Use the workspace in DIR instead of the default one (see FILES)."), N_ ("DIR") },
    { "passphrase-file", 0, G_OPTION_FLAG_FILENAME, G_OPTION_ARG_CALLBACK, set_file_option_cb,
      N_ ("Unlock the workspace with the passphrase on the first line of FILE instead of the "
          "keyring; “-” reads it from standard input. With init, lock the new workspace with "
          "it. The passphrase is never printed or logged."),
      N_ ("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_ ("Print machine-readable JSON instead of text: records as objects with every field, "
          "lists as arrays of them, errors as {\"error\": {\"code\": …, \"message\": …}} on "
          "standard error."),
      NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &cli->help,
      N_ ("Show this help and exit. Every command also takes --help."), NULL },
    { NULL }
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (global_entries) == G_N_ELEMENTS (cli->global_entries));
  memcpy (cli->global_entries, global_entries, sizeof global_entries);
  cli->path = g_ptr_array_new ();
  cli->now = g_date_time_new_now_local ();

  return cli;
}

/**
 * adiuva_cli_context_new_global_group:
 *
 * The global options, for a GOptionContext to parse.
 *
 * Returns: (transfer full): a new option group
 */
GOptionGroup *
adiuva_cli_context_new_global_group (AdiuvaCliContext *cli)
{
  GOptionGroup *group = g_option_group_new ("global", "", "", cli, NULL);

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, cli->global_entries);

  return group;
}

void
adiuva_cli_context_free (AdiuvaCliContext *cli)
{
  if (cli == NULL)
    return;

  /* Calls still on their way to the call log get there before the program ends. */
  if (cli->gateway != NULL)
    adiuva_workspace_gateway_flush_call_log (cli->gateway);
  g_clear_object (&cli->gateway);
  g_clear_object (&cli->store);
  g_clear_pointer (&cli->path, g_ptr_array_unref);
  g_clear_pointer (&cli->now, g_date_time_unref);
  g_free (cli->data_dir);
  g_free (cli->passphrase_file);
  g_free (cli);
}

void
adiuva_cli_wipe_string (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

char *
adiuva_cli_context_dup_path (AdiuvaCliContext *cli)
{
  g_autoptr (GString) path = g_string_new (NULL);

  for (guint i = 0; i < cli->path->len; i++)
    {
      if (i > 0)
        g_string_append_c (path, ' ');
      g_string_append (path, g_ptr_array_index (cli->path, i));
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

void
adiuva_cli_context_print_help (AdiuvaCliContext       *cli,
                               const AdiuvaCliCommand *command,
                               const GOptionEntry     *entries,
                               FILE                   *out)
{
  g_autofree char *path = adiuva_cli_context_dup_path (cli);
  g_autofree char *text = adiuva_cli_help_render (path, command, entries, cli->global_entries,
                                                  cli->path->len == 1);

  fputs (text, out);
}

static int
usage_error (AdiuvaCliContext *cli,
             const char       *message)
{
  g_autoptr (GError) error = g_error_new_literal (ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                                                  message);

  return adiuva_cli_context_report (cli, error);
}

/* Groups take a command name, "help" or --help; leaves run. "help a b" is "a b --help", so
 * every level answers "help" the same way. */
int
adiuva_cli_context_run (AdiuvaCliContext       *cli,
                        const AdiuvaCliCommand *command,
                        int                     argc,
                        char                  **argv)
{
  const char *name;

  g_ptr_array_add (cli->path, (gpointer) (cli->path->len == 0 ? "adiuva-cli" : command->name));

  if (command->run != NULL)
    return command->run (cli, command, argc, argv);

  if (argc < 2)
    {
      adiuva_cli_context_print_help (cli, command, NULL, stderr);
      return ADIUVA_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      (g_str_equal (name, "help") && argc == 2))
    {
      adiuva_cli_context_print_help (cli, command, NULL, stdout);
      return ADIUVA_CLI_EXIT_OK;
    }

  if (g_str_equal (name, "help"))
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, argv[0]);
      for (int i = 2; i < argc; i++)
        g_ptr_array_add (args, argv[i]);
      g_ptr_array_add (args, (gpointer) "--help");
      g_ptr_array_add (args, NULL);
      g_ptr_array_remove_index (cli->path, cli->path->len - 1);

      return adiuva_cli_context_run (cli, command, args->len - 1, (char **) args->pdata);
    }

  for (guint i = 0; command->subcommands[i] != NULL; i++)
    if (g_str_equal (command->subcommands[i]->name, name))
      return adiuva_cli_context_run (cli, command->subcommands[i], argc - 1, argv + 1);

  {
    g_autofree char *path = adiuva_cli_context_dup_path (cli);
    g_autofree char *message = NULL;

    if (name[0] == '-')
      message = g_strdup_printf (_ ("Unknown option “%s”. Options go before the command or "
                                    "after its last word; see “%s --help”."),
                                 name, path);
    else
      message = g_strdup_printf (_ ("“%s” is not a command of %s; see “%s --help”."),
                                 name, path, path);

    return usage_error (cli, message);
  }
}

/**
 * adiuva_cli_context_parse:
 * @entries: (nullable): the command's options, besides the global ones and --help
 * @args: (out): the positional arguments
 * @status: (out): what to exit with when this returns %FALSE
 *
 * Parses a leaf command's options. Returns %FALSE when the command should stop: after
 * printing its help (@status 0) or a usage error (@status 2).
 */
gboolean
adiuva_cli_context_parse (AdiuvaCliContext       *cli,
                          const AdiuvaCliCommand *command,
                          const GOptionEntry     *entries,
                          int                     argc,
                          char                  **argv,
                          GStrv                  *args,
                          int                    *status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) rest = NULL;
  g_auto (GStrv) copy = NULL;
  const GOptionEntry remaining[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  int n_args;

  /* Our own --help renders the man page; GOption's would not. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, remaining, GETTEXT_PACKAGE);
  g_option_context_add_group (context, adiuva_cli_context_new_global_group (cli));

  copy = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    copy[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &copy, &error))
    {
      g_autofree char *path = adiuva_cli_context_dup_path (cli);
      g_autofree char *message = g_strdup_printf (_ ("%s (see “%s --help”)"), error->message,
                                                  path);

      *status = usage_error (cli, message);
      return FALSE;
    }

  if (cli->help)
    {
      adiuva_cli_context_print_help (cli, command, entries, stdout);
      *status = ADIUVA_CLI_EXIT_OK;
      return FALSE;
    }

  n_args = rest != NULL ? g_strv_length (rest) : 0;
  if (n_args < command->min_args || (command->max_args >= 0 && n_args > command->max_args))
    {
      g_autofree char *path = adiuva_cli_context_dup_path (cli);
      g_autofree char *message = NULL;

      if (n_args < command->min_args)
        message = g_strdup_printf (_ ("Missing arguments. Usage: %s %s"), path,
                                   _ (command->synopsis));
      else
        message = g_strdup_printf (_ ("Too many arguments, starting at “%s”. Usage: %s %s"),
                                   rest[command->max_args], path, _ (command->synopsis));

      *status = usage_error (cli, message);
      return FALSE;
    }

  *args = rest != NULL ? g_steal_pointer (&rest) : g_new0 (char *, 1);
  return TRUE;
}

const char *
adiuva_cli_context_get_data_dir (AdiuvaCliContext *cli)
{
  if (cli->data_dir == NULL)
    {
      const char *env = g_getenv ("ADIUVA_DATA_DIR");

      cli->data_dir = env != NULL && *env != '\0' ? g_strdup (env)
                                                  : adiuva_store_dup_default_dir ();
    }

  return cli->data_dir;
}

/* Standard input can feed one thing only: a passphrase or a note body. */
static gboolean
take_stdin (AdiuvaCliContext *cli,
            GError          **error)
{
  if (cli->stdin_used)
    {
      g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("Standard input is already read for something else; give one of "
                              "the two as a file."));
      return FALSE;
    }

  cli->stdin_used = TRUE;
  return TRUE;
}

/**
 * adiuva_cli_context_read_passphrase:
 * @file: a file name, or "-" for standard input
 *
 * Reads the first line of @file without its line end. The bytes go into one buffer that is
 * wiped, so the passphrase is not left behind in freed memory.
 *
 * Returns: (transfer full): the passphrase; free it with adiuva_cli_wipe_string()
 */
char *
adiuva_cli_context_read_passphrase (AdiuvaCliContext *cli,
                                    const char       *file,
                                    GError          **error)
{
  g_autofree char *buffer = NULL;
  gsize            len = 0;
  int              fd;
  int              saved_errno = 0;
  char            *end;

  if (g_str_equal (file, "-"))
    {
      if (!take_stdin (cli, error))
        return NULL;
      fd = STDIN_FILENO;
    }
  else
    {
      fd = open (file, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _ ("Cannot read the passphrase file “%s”: %s"), file,
                       g_strerror (saved_errno));
          return NULL;
        }
    }

  buffer = g_malloc0 (MAX_PASSPHRASE_SIZE + 1);
  while (len < MAX_PASSPHRASE_SIZE && memchr (buffer, '\n', len) == NULL)
    {
      gssize n = read (fd, buffer + len, MAX_PASSPHRASE_SIZE - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        saved_errno = errno;
      if (n <= 0)
        break;
      len += n;
    }
  if (fd != STDIN_FILENO)
    close (fd);

  end = memchr (buffer, '\n', len);
  if (end != NULL)
    len = end - buffer;
  if (len > 0 && buffer[len - 1] == '\r')
    len--;
  explicit_bzero (buffer + len, MAX_PASSPHRASE_SIZE + 1 - len);

  if (saved_errno != 0)
    {
      explicit_bzero (buffer, len);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Cannot read the passphrase file “%s”: %s"), file,
                   g_strerror (saved_errno));
      return NULL;
    }

  if (len == 0)
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("The passphrase file “%s” is empty; its first line is the passphrase."),
                   file);
      return NULL;
    }

  return g_steal_pointer (&buffer);
}

/**
 * adiuva_cli_context_read_text:
 * @file: (nullable): a file name; %NULL or "-" reads standard input
 *
 * Reads a whole text, which must be UTF-8: notes are text, and a binary file read by mistake
 * should be refused rather than stored.
 */
char *
adiuva_cli_context_read_text (AdiuvaCliContext *cli,
                              const char       *file,
                              GError          **error)
{
  g_autofree char *text = NULL;
  gsize            len = 0;

  if (file == NULL || g_str_equal (file, "-"))
    {
      g_autoptr (GInputStream) in = NULL;
      g_autoptr (GOutputStream) out = NULL;

      if (!take_stdin (cli, error))
        return NULL;

      if (isatty (STDIN_FILENO))
        g_printerr (_ ("Reading the text from standard input; end it with Ctrl+D.\n"));

      in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      out = g_memory_output_stream_new_resizable ();
      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_NONE, NULL, error) < 0 ||
          !g_output_stream_write_all (out, "", 1, NULL, NULL, error) ||
          !g_output_stream_close (out, NULL, error))
        {
          g_prefix_error (error, _ ("Cannot read standard input: "));
          return NULL;
        }
      /* The NUL written last ends the string; it is not part of the text. */
      len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)) - 1;
      text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
      file = _ ("standard input");
    }
  else if (!g_file_get_contents (file, &text, &len, error))
    return NULL;

  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” is not UTF-8 text; nothing was saved."), file);
      return NULL;
    }

  return g_steal_pointer (&text);
}

/**
 * adiuva_cli_context_open_store:
 *
 * Opens the workspace once per run, with the passphrase file when one was given and the
 * keyring otherwise.
 *
 * Returns: (transfer none): the store
 */
AdiuvaStore *
adiuva_cli_context_open_store (AdiuvaCliContext *cli,
                               GError          **error)
{
  char *passphrase = NULL;

  if (cli->store != NULL)
    return cli->store;

  if (cli->passphrase_file != NULL)
    {
      passphrase = adiuva_cli_context_read_passphrase (cli, cli->passphrase_file, error);
      if (passphrase == NULL)
        return NULL;
    }

  cli->store = adiuva_store_open (adiuva_cli_context_get_data_dir (cli), passphrase, NULL,
                                  error);
  adiuva_cli_wipe_string (passphrase);

  return cli->store;
}

/**
 * adiuva_cli_context_get_gateway:
 *
 * The gateway configuration of the workspace, opening it if need be.
 *
 * Returns: (transfer none): the workspace's gateway
 */
AdiuvaWorkspaceGateway *
adiuva_cli_context_get_gateway (AdiuvaCliContext *cli,
                                GError          **error)
{
  AdiuvaStore *store;

  if (cli->gateway != NULL)
    return cli->gateway;

  store = adiuva_cli_context_open_store (cli, error);
  if (store != NULL)
    cli->gateway = adiuva_workspace_gateway_new (store);
  return cli->gateway;
}

/* Errors */

typedef struct
{
  GQuark (*domain) (void);
  int           code; /* -1: every code of the domain */
  AdiuvaCliExit status;
  const char   *nick; /* NULL: the store error's own nick */
  const char   *hint;
} ErrorMapping;

static GQuark
any_domain (void)
{
  return 0;
}

#define STORE(code) adiuva_store_error_quark, ADIUVA_STORE_ERROR_##code
#define EXIT(status) ADIUVA_CLI_EXIT_##status
#define GATEWAY(code) adiuva_gateway_error_quark, ADIUVA_GATEWAY_ERROR_##code
#define WORKSPACE(code) adiuva_workspace_gateway_error_quark, ADIUVA_WORKSPACE_GATEWAY_ERROR_##code

/* The one table from errors to exit statuses, JSON codes and hints. Order matters: the first
 * entry whose domain and code match wins. Files the user names are read with GFileError and
 * written with GIOError, so only the latter can mean "cannot write". */
static const ErrorMapping error_mappings[] = {
  { STORE (FAILED), EXIT (FAILURE), NULL, NULL },
  { STORE (NOT_ENCRYPTED), EXIT (UNUSABLE), NULL,
    N_ ("A plain database of an earlier Adiuva is imported with: adiuva-cli init --import FILE") },
  { STORE (NO_WORKSPACE), EXIT (UNUSABLE), NULL,
    N_ ("Create one with: adiuva-cli init (or point --data-dir at an existing one)") },
  { STORE (EXISTS), EXIT (FAILURE), NULL,
    N_ ("Nothing was changed. Use --data-dir to create another workspace elsewhere.") },
  { STORE (NEEDS_PASSPHRASE), EXIT (LOCKED), NULL,
    N_ ("Give it with --passphrase-file FILE (“-” reads standard input).") },
  { STORE (WRONG_PASSPHRASE), EXIT (LOCKED), NULL,
    N_ ("Nothing was read or changed. Check the first line of the passphrase file.") },
  { STORE (WRONG_KEY), EXIT (LOCKED), NULL,
    N_ ("If the workspace also has a passphrase, unlock it with --passphrase-file FILE.") },
  { STORE (NO_KEYRING), EXIT (LOCKED), NULL,
    N_ ("Without a keyring, use a workspace locked with --passphrase-file FILE.") },
  { STORE (KEY_MISSING), EXIT (LOCKED), NULL,
    N_ ("If the workspace has a passphrase, unlock it with --passphrase-file FILE.") },
  { STORE (CORRUPT), EXIT (UNUSABLE), NULL, NULL },
  { STORE (TOO_NEW), EXIT (UNUSABLE), NULL, NULL },
  { STORE (READ_ONLY), EXIT (CANNOT_WRITE), NULL, NULL },
  { STORE (DISK_FULL), EXIT (CANNOT_WRITE), NULL, NULL },
  { STORE (NOT_FOUND), EXIT (NOT_FOUND), NULL, NULL },
  { STORE (INVALID), EXIT (USAGE), NULL, NULL },
  { STORE (BUSY), EXIT (CANNOT_WRITE), NULL,
    N_ ("Another program is writing to the workspace; nothing was changed. Try again.") },
  { GATEWAY (AUTH), EXIT (LOCKED), "provider-auth",
    N_ ("Check the provider's key, and store it again with “adiuva-cli provider rm” and "
        "“adiuva-cli provider add”.") },
  { GATEWAY (RATE_LIMITED), EXIT (UNAVAILABLE), "provider-rate-limited", NULL },
  { GATEWAY (OVERLOADED), EXIT (UNAVAILABLE), "provider-overloaded", NULL },
  { GATEWAY (SERVER), EXIT (UNAVAILABLE), "provider-server", NULL },
  { GATEWAY (NETWORK), EXIT (UNAVAILABLE), "provider-network",
    N_ ("Check the provider's base URL with “adiuva-cli provider list”.") },
  { GATEWAY (TIMEOUT), EXIT (UNAVAILABLE), "provider-timeout", NULL },
  { GATEWAY (BUDGET), EXIT (OVER_BUDGET), "over-budget",
    N_ ("Nothing was sent. See the budgets and what was spent with “adiuva-cli budget list”.") },
  { GATEWAY (NOT_FOUND), EXIT (NOT_FOUND), "provider-not-found", NULL },
  { GATEWAY (INVALID), EXIT (USAGE), "provider-invalid", NULL },
  { GATEWAY (BAD_REQUEST), EXIT (FAILURE), "provider-bad-request", NULL },
  { GATEWAY (CANCELLED), EXIT (FAILURE), "cancelled", NULL },
  { adiuva_gateway_error_quark, -1, EXIT (FAILURE), "provider-failed", NULL },
  { WORKSPACE (NO_ROUTES), EXIT (NOT_FOUND), "not-found",
    N_ ("Add a route with “adiuva-cli route set”, or name a model.") },
  { WORKSPACE (PROVIDER_NOT_FOUND), EXIT (NOT_FOUND), "not-found",
    N_ ("See the workspace’s providers with “adiuva-cli provider list”.") },
  { WORKSPACE (PROVIDER_EXISTS), EXIT (FAILURE), "exists",
    N_ ("Nothing was changed. Remove it first with “adiuva-cli provider rm NAME”.") },
  { WORKSPACE (ALIAS_NOT_FOUND), EXIT (NOT_FOUND), "not-found",
    N_ ("See the workspace’s aliases with “adiuva-cli alias list”.") },
  { WORKSPACE (ROUTE_NOT_FOUND), EXIT (NOT_FOUND), "not-found",
    N_ ("See the workspace’s routes with “adiuva-cli route list”.") },
  { WORKSPACE (BUDGET_NOT_FOUND), EXIT (NOT_FOUND), "not-found",
    N_ ("See the budgets with “adiuva-cli budget list”.") },
  { WORKSPACE (LIMIT_NOT_FOUND), EXIT (NOT_FOUND), "not-found",
    N_ ("See the rate limits with “adiuva-cli limit list”.") },
  { adiuva_workspace_gateway_error_quark, -1, EXIT (USAGE), "usage", NULL },
  { adiuva_cli_error_quark, ADIUVA_CLI_ERROR_USAGE, EXIT (USAGE), "usage", NULL },
  { adiuva_cli_error_quark, ADIUVA_CLI_ERROR_REFUSED, EXIT (FAILURE), "refused", NULL },
  { g_option_error_quark, -1, EXIT (USAGE), "usage", NULL },
  { g_file_error_quark, G_FILE_ERROR_NOENT, EXIT (FAILURE), "file-not-found", NULL },
  { g_file_error_quark, -1, EXIT (FAILURE), "file-error", NULL },
  { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, EXIT (CANNOT_WRITE), "read-only", NULL },
  { g_io_error_quark, G_IO_ERROR_READ_ONLY, EXIT (CANNOT_WRITE), "read-only", NULL },
  { g_io_error_quark, G_IO_ERROR_NO_SPACE, EXIT (CANNOT_WRITE), "disk-full", NULL },
  { any_domain, -1, EXIT (FAILURE), "failed", NULL },
};

#undef STORE
#undef EXIT
#undef GATEWAY
#undef WORKSPACE

static const ErrorMapping *
find_mapping (const GError *error)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_mappings); i++)
    {
      const ErrorMapping *m = &error_mappings[i];

      if ((m->domain == any_domain || m->domain () == error->domain) &&
          (m->code < 0 || m->code == error->code))
        return m;
    }

  /* Not reached: the last entry matches everything. */
  return &error_mappings[G_N_ELEMENTS (error_mappings) - 1];
}

/**
 * adiuva_cli_context_report:
 *
 * Prints @error the way the user asked for (one line of text with a hint, or JSON) and
 * returns the exit status it maps to.
 */
int
adiuva_cli_context_report (AdiuvaCliContext *cli,
                           const GError     *error)
{
  const ErrorMapping *m = find_mapping (error);
  g_autofree char    *nick = NULL;

  if (m->nick != NULL)
    nick = g_strdup (m->nick);
  else
    nick = adiuva_cli_enum_nick (ADIUVA_TYPE_STORE_ERROR, error->code);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, nick);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
      if (m->hint != NULL)
        {
          json_builder_set_member_name (builder, "hint");
          json_builder_add_string_value (builder, _ (m->hint));
        }
      json_builder_set_member_name (builder, "exit_status");
      json_builder_add_int_value (builder, m->status);
      json_builder_end_object (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      fputs (text, stderr);
      fputc ('\n', stderr);
    }
  else
    {
      g_printerr ("adiuva-cli: %s\n", error->message);
      if (m->hint != NULL)
        g_printerr ("%s\n", _ (m->hint));
    }

  return m->status;
}

void
adiuva_cli_context_print_json (AdiuvaCliContext *cli,
                               JsonNode         *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) owned = node;
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, owned);
  text = json_generator_to_data (generator, NULL);

  /* JSON is UTF-8 whatever the locale: no conversion as g_print() would do. */
  fputs (text, stdout);
  fputc ('\n', stdout);
}

/**
 * adiuva_cli_context_print_record:
 * @message: what people are told, one line
 *
 * What a command that changed one record prints: the record as JSON, or @message.
 */
void
adiuva_cli_context_print_record (AdiuvaCliContext *cli,
                                 AdiuvaRecord     *record,
                                 const char       *message)
{
  if (cli->json)
    adiuva_cli_context_print_json (cli, adiuva_cli_record_to_json (record));
  else
    g_print ("%s\n", message);
}
