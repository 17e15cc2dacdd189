/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "adiuva-cli-context.h"

static const AdiuvaCliCommand *const commands[] = {
  &adiuva_cli_init_command,
  &adiuva_cli_client_command,
  &adiuva_cli_project_command,
  &adiuva_cli_task_command,
  &adiuva_cli_checkpoint_command,
  &adiuva_cli_note_command,
  &adiuva_cli_search_command,
  &adiuva_cli_provider_command,
  &adiuva_cli_models_command,
  &adiuva_cli_model_command,
  &adiuva_cli_alias_command,
  &adiuva_cli_fallback_command,
  &adiuva_cli_route_command,
  &adiuva_cli_chat_command,
  &adiuva_cli_embed_command,
  &adiuva_cli_usage_command,
  &adiuva_cli_gateway_command,
  &adiuva_cli_budget_command,
  &adiuva_cli_limit_command,
  &adiuva_cli_export_command,
  &adiuva_cli_passphrase_command,
  &adiuva_cli_workspace_command,
  NULL
};

static const AdiuvaCliCommand root_command = {
  .name = "adiuva-cli",
  .summary = N_ ("the Adiuva workspace on the command line"),
  .synopsis = N_ ("[GLOBAL OPTIONS] COMMAND [SUBCOMMAND] [OPTIONS] [ARGUMENTS…]\n"
                  "help [COMMAND [SUBCOMMAND]]"),
  .description = N_ (
      "adiuva-cli reads and changes an Adiuva workspace without the desktop application: "
      "clients, projects, tasks, checkpoints and notes, kept in one encrypted SQLCipher "
      "database. It is meant for the terminal and for scripts alike: text output is aligned "
      "for people, --json output is meant for programs.\n"
      "\n"
      "The workspace's key is kept in the keyring (the Secret Service, such as GNOME Keyring) "
      "by default. On a machine without a keyring, create the workspace with --passphrase-file "
      "and give the same option to every command.\n"
      "\n"
      "Records are named by the ids shown in the first column of each list. Wherever a project "
      "or client is asked for, its name works as well as its id; dates can be written as "
      "YYYY-MM-DD or in words such as today, tomorrow, friday or “in 3 days”.\n"
      "\n"
      "Global options come before the command, or after its last word. Every command and "
      "group takes --help, and “adiuva-cli help task add” is the same as "
      "“adiuva-cli task add --help”."),
  .examples = N_ (
      "Create a workspace whose key lives in the keyring, then add a client, a project and a "
      "task written the way it comes to mind:\n"
      "\n"
      "  adiuva-cli init\n"
      "  adiuva-cli client add ACME --email billing@acme.example\n"
      "  adiuva-cli project add Website --client ACME --colour '#3584e4'\n"
      "  adiuva-cli task add Send invoice tomorrow 5pm p1 '#Website' @billing\n"
      "\n"
      "List what is due this week, as JSON for a script:\n"
      "\n"
      "  adiuva-cli --json task list --due-before 'next monday'\n"
      "\n"
      "Use a workspace locked with a passphrase, in another folder:\n"
      "\n"
      "  adiuva-cli --data-dir ~/adiuva --passphrase-file ~/.pass task list"),
  .subcommands = commands,
  .extra = N_ (
      "EXIT STATUS\n"
      "  0\tSuccess.\n"
      "  1\tFailure: something went wrong that is none of the below; the message says what.\n"
      "  2\tUsage error: an unknown command or option, a missing argument, or a value that "
      "was refused (not a date, an empty title…).\n"
      "  3\tNot found: no record has that id or name.\n"
      "  4\tLocked: the workspace needs a passphrase, the passphrase is wrong, no keyring can "
      "be reached, or the keyring holds no key or the wrong key for it; or an LLM provider "
      "refused its API key.\n"
      "  5\tWorkspace unusable: there is no workspace in the folder, it is damaged, it was "
      "written by a newer Adiuva, or it is not encrypted.\n"
      "  6\tCannot write: the folder is read-only, the disk is full, or another program holds "
      "the workspace.\n"
      "  7\tProvider unavailable: an LLM provider could not be reached, did not answer in "
      "time, failed (5xx), is overloaded or asks to slow down, or a rate limit of the workspace "
      "holds the call; trying again later may work.\n"
      "  8\tOver budget: a budget of the workspace is used up (see adiuva-cli budget list); "
      "nothing was sent. The message says when it resets.\n"
      "\n"
      "A command that fails changes nothing: each one is a single transaction.\n"
      "\n"
      "\n"
      "ENVIRONMENT\n"
      "  ADIUVA_DATA_DIR\tThe workspace folder, when --data-dir is not given.\n"
      "  XDG_DATA_HOME\tThe default workspace folder is $XDG_DATA_HOME/adiuva, that is "
      "~/.local/share/adiuva unless it is set.\n"
      "  XDG_CONFIG_HOME\tAfter “adiuva-cli workspace move”, $XDG_CONFIG_HOME/adiuva/"
      "workspace.ini names the default workspace folder instead.\n"
      "  TZ, LANG, LC_ALL\tDates such as “today” are read in the local time zone; messages "
      "and dates are shown in the language of the locale.\n"
      "\n"
      "\n"
      "FILES\n"
      "  $XDG_DATA_HOME/adiuva/workspace.db\tThe workspace: a SQLCipher database encrypted "
      "with a random 256-bit key.\n"
      "  $XDG_DATA_HOME/adiuva/workspace.key\tWhat unlocks that key: the id under which the "
      "keyring keeps it, and/or the key wrapped by the passphrase (Argon2id). The database "
      "cannot be opened without it: back up both files together."),
};

int
main (int    argc,
      char **argv)
{
  g_autoptr (AdiuvaCliContext) cli = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  gboolean           version = FALSE;
  const GOptionEntry version_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version and exit."), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("adiuva-cli");

  cli = adiuva_cli_context_new ();

  /* Global options stop at the command: the rest belongs to it. */
  context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, version_entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, adiuva_cli_context_new_global_group (cli));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("%s (see “adiuva-cli --help”)"),
                                                  error->message);
      g_autoptr (GError) usage = g_error_new_literal (ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                                                      message);

      return adiuva_cli_context_report (cli, usage);
    }

  if (version)
    {
      g_print ("adiuva-cli %s\n", PACKAGE_VERSION);
      return ADIUVA_CLI_EXIT_OK;
    }

  if (cli->help || argc < 2 || (argc == 2 && g_str_equal (argv[1], "help")))
    {
      g_ptr_array_add (cli->path, (gpointer) root_command.name);
      adiuva_cli_context_print_help (cli, &root_command, version_entries, stdout);
      return ADIUVA_CLI_EXIT_OK;
    }

  return adiuva_cli_context_run (cli, &root_command, argc, argv);
}
