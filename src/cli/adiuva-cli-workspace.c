/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"

static void
print_workspace (AdiuvaCliContext *cli,
                 AdiuvaStore      *store,
                 const char       *message)
{
  g_autofree char *modes = NULL;

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "data_dir");
      json_builder_add_string_value (builder, adiuva_store_get_dir (store));
      json_builder_set_member_name (builder, "key_modes");
      json_builder_add_value (builder,
                              adiuva_cli_key_modes_to_json (adiuva_store_get_key_modes (store)));
      json_builder_set_member_name (builder, "schema_version");
      json_builder_add_int_value (builder, adiuva_store_get_schema_version (store));
      json_builder_set_member_name (builder, "cipher_version");
      json_builder_add_string_value (builder, adiuva_store_get_cipher_version (store));
      json_builder_end_object (builder);

      adiuva_cli_context_print_json (cli, json_builder_get_root (builder));
      return;
    }

  modes = adiuva_cli_format_key_modes (adiuva_store_get_key_modes (store));
  g_print ("%s\n", message);
  g_print (_ ("It is unlocked with %s.\n"), modes);
}

/* init */

static int
run_init (AdiuvaCliContext       *cli,
          const AdiuvaCliCommand *command,
          int                     argc,
          char                  **argv)
{
  g_autofree char *import = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autofree char   *message = NULL;
  char              *passphrase = NULL;
  const char        *dir;
  int                status;
  const GOptionEntry entries[] = {
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import,
      N_ ("Create the workspace from PLAIN.db, the unencrypted database of an earlier Adiuva. "
          "PLAIN.db is only read: delete it yourself once the new workspace looks right."),
      N_ ("PLAIN.db") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (cli->passphrase_file != NULL)
    {
      passphrase = adiuva_cli_context_read_passphrase (cli, cli->passphrase_file, &error);
      if (passphrase == NULL)
        return adiuva_cli_context_report (cli, error);
    }

  dir = adiuva_cli_context_get_data_dir (cli);
  if (import != NULL)
    store = adiuva_store_import (dir, import, passphrase, NULL, &error);
  else
    store = adiuva_store_create (dir, passphrase, NULL, &error);
  adiuva_cli_wipe_string (passphrase);

  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  if (import != NULL)
    message = g_strdup_printf (_ ("Imported “%s” into a new workspace in %s."), import,
                               adiuva_store_get_dir (store));
  else
    message = g_strdup_printf (_ ("Created a workspace in %s."), adiuva_store_get_dir (store));
  print_workspace (cli, store, message);

  return ADIUVA_CLI_EXIT_OK;
}

const AdiuvaCliCommand adiuva_cli_init_command = {
  .name = "init",
  .summary = N_ ("create a workspace"),
  .synopsis = N_ ("[--import PLAIN.db]"),
  .description = N_ (
      "Creates an empty workspace in the data folder (--data-dir, $ADIUVA_DATA_DIR or "
      "$XDG_DATA_HOME/adiuva). The database is encrypted with a random 256-bit key.\n"
      "\n"
      "Without --passphrase-file the key is stored in the keyring, and the workspace opens "
      "without asking anything as long as the keyring is unlocked. With --passphrase-file FILE "
      "the key is wrapped with the passphrase on the first line of FILE instead (Argon2id), "
      "for machines without a keyring; every later command then needs the same option.\n"
      "\n"
      "init refuses to touch a folder that already holds a workspace."),
  .examples = N_ (
      "  adiuva-cli init\n"
      "  adiuva-cli --data-dir /srv/adiuva init --passphrase-file key.txt\n"
      "  adiuva-cli init --import ~/old-adiuva.db"),
  .max_args = 0,
  .run = run_init,
};

/* passphrase */

static int
run_passphrase_change (AdiuvaCliContext       *cli,
                       const AdiuvaCliCommand *command,
                       int                     argc,
                       char                  **argv)
{
  g_autofree char *new_file = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaStore       *store;
  char              *passphrase;
  gboolean           ok;
  int                status;
  const GOptionEntry entries[] = {
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      N_ ("Read the new passphrase from the first line of FILE (“-” for standard input). "
          "Required."),
      N_ ("FILE") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (new_file == NULL)
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("Give the new passphrase with --new-passphrase-file FILE."));
      return adiuva_cli_context_report (cli, error);
    }

  /* Unlock first: a locked workspace should fail before the new passphrase is read. */
  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  passphrase = adiuva_cli_context_read_passphrase (cli, new_file, &error);
  if (passphrase == NULL)
    return adiuva_cli_context_report (cli, error);

  ok = adiuva_store_set_passphrase (store, passphrase, &error);
  adiuva_cli_wipe_string (passphrase);
  if (!ok)
    return adiuva_cli_context_report (cli, error);

  print_workspace (cli, store, _ ("The passphrase was changed; the old one no longer works."));

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_passphrase_remove (AdiuvaCliContext       *cli,
                       const AdiuvaCliCommand *command,
                       int                     argc,
                       char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || !adiuva_store_set_passphrase (store, NULL, &error))
    return adiuva_cli_context_report (cli, error);

  print_workspace (cli, store, _ ("The passphrase was removed."));

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand passphrase_change = {
  .name = "change",
  .summary = N_ ("set or change the workspace's passphrase"),
  .synopsis = N_ ("--new-passphrase-file FILE"),
  .description = N_ (
      "Unlocks the workspace (with the keyring, or with --passphrase-file FILE) and wraps its "
      "key with the passphrase on the first line of the new file. The old passphrase stops "
      "working at once; the database itself is not re-encrypted, so this is quick and safe.\n"
      "\n"
      "On a workspace kept in the keyring this adds a passphrase: the workspace then opens "
      "either way."),
  .examples = N_ (
      "  adiuva-cli --passphrase-file old.txt passphrase change \\\n"
      "      --new-passphrase-file new.txt"),
  .max_args = 0,
  .run = run_passphrase_change,
};

static const AdiuvaCliCommand passphrase_remove = {
  .name = "remove",
  .summary = N_ ("stop accepting a passphrase"),
  .synopsis = "",
  .description = N_ (
      "Removes the passphrase from a workspace whose key is also in the keyring. A workspace "
      "kept only by its passphrase keeps it: without it, nothing could unlock the workspace."),
  .max_args = 0,
  .run = run_passphrase_remove,
};

static const AdiuvaCliCommand *const passphrase_commands[] = {
  &passphrase_change,
  &passphrase_remove,
  NULL
};

const AdiuvaCliCommand adiuva_cli_passphrase_command = {
  .name = "passphrase",
  .summary = N_ ("change or remove the workspace's passphrase"),
  .synopsis = N_ ("COMMAND [OPTIONS]"),
  .description = N_ (
      "A workspace's key is kept by the keyring, by a passphrase, or both. These commands "
      "change the passphrase side. The passphrase is read from files only, never from the "
      "command line, where other users could see it."),
  .subcommands = passphrase_commands,
};

/* export */

static int
run_export (AdiuvaCliContext       *cli,
            const AdiuvaCliCommand *command,
            int                     argc,
            char                  **argv)
{
  g_autofree char *output = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) stream = NULL;
  AdiuvaStore         *store;
  GMemoryOutputStream *memory;
  int                  status;
  const GOptionEntry   entries[] = {
      { "output", 0, 0, G_OPTION_ARG_FILENAME, &output,
        N_ ("Write to FILE instead of standard output. FILE is replaced only once the whole "
              "export is written, and is readable by you alone."),
        N_ ("FILE") },
      { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  /* Into memory first: a failed export must not leave half a file, or replace a good one. */
  stream = g_memory_output_stream_new_resizable ();
  memory = G_MEMORY_OUTPUT_STREAM (stream);
  if (!adiuva_store_export_json (store, stream, NULL, &error) ||
      !g_output_stream_close (stream, NULL, &error))
    return adiuva_cli_context_report (cli, error);

  if (output == NULL)
    {
      fwrite (g_memory_output_stream_get_data (memory), 1,
              g_memory_output_stream_get_data_size (memory), stdout);
      if (fflush (stdout) != 0)
        return ADIUVA_CLI_EXIT_FAILURE;
    }
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (output);

      if (!g_file_replace_contents (file, g_memory_output_stream_get_data (memory),
                                    g_memory_output_stream_get_data_size (memory), NULL, FALSE,
                                    G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                    NULL, NULL, &error))
        return adiuva_cli_context_report (cli, error);

      if (!cli->json)
        g_printerr (_ ("Exported the workspace to %s. The export is not encrypted: keep it "
                       "somewhere safe.\n"),
                    output);
    }

  return ADIUVA_CLI_EXIT_OK;
}

const AdiuvaCliCommand adiuva_cli_export_command = {
  .name = "export",
  .summary = N_ ("write the whole workspace as JSON"),
  .synopsis = N_ ("[--output FILE]"),
  .description = N_ (
      "Writes every record of the workspace as one JSON document: tables by name, rows by id, "
      "columns in table order. The same workspace always exports to the same bytes, so two "
      "exports can be compared with diff.\n"
      "\n"
      "The export is not encrypted. Secrets (keys, API tokens) are never in the workspace, so "
      "they are never in the export either."),
  .examples = N_ (
      "  adiuva-cli export --output adiuva-$(date +%F).json\n"
      "  adiuva-cli export | jq '.tables.tasks | length'"),
  .max_args = 0,
  .run = run_export,
};

/* workspace move */

static int
run_workspace_move (AdiuvaCliContext       *cli,
                    const AdiuvaCliCommand *command,
                    int                     argc,
                    char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *default_dir = adiuva_store_dup_default_dir ();
  g_autofree char *message = NULL;
  g_autofree char *from = NULL;
  AdiuvaStore     *store;
  gboolean         was_default;
  int              status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  from = g_strdup (adiuva_store_get_dir (store));
  was_default = g_str_equal (from, default_dir);
  /* Ctrl+C cancels: the copy is removed, and the workspace stays where it was. */
  adiuva_store_move_async (store, args[0], NULL, NULL, cancellable, adiuva_cli_store_result_cb,
                           &result);
  if (!adiuva_store_move_finish (store, adiuva_cli_wait_interruptible (&result, cancellable),
                                 &error))
    {
      /* Not the hint of an existing workspace: here the user names another folder. */
      if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS))
        {
          g_autoptr (GError) usage = g_error_new_literal (ADIUVA_CLI_ERROR,
                                                          ADIUVA_CLI_ERROR_USAGE, error->message);

          return adiuva_cli_context_report (cli, usage);
        }
      return adiuva_cli_context_report (cli, error);
    }

  if (was_default)
    message = g_strdup_printf (_ ("Moved the workspace from %s to %s. Adiuva and adiuva-cli "
                                  "find it there from now on."),
                               from, adiuva_store_get_dir (store));
  else
    message = g_strdup_printf (_ ("Moved the workspace from %s to %s. Give --data-dir %s "
                                  "from now on: the default workspace was not changed."),
                               from, adiuva_store_get_dir (store), adiuva_store_get_dir (store));
  print_workspace (cli, store, message);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand workspace_move = {
  .name = "move",
  .summary = N_ ("move the workspace to another folder"),
  .synopsis = N_ ("DEST"),
  .description = N_ (
      "Moves the workspace to DEST, an empty or missing folder outside the workspace: copies "
      "every file of its folder, checks that the copy opens with the same key and reads back "
      "whole, and only then removes the original. If anything fails (a folder that is not "
      "empty or cannot be written, a full disk, Ctrl+C) the copy is removed and the workspace "
      "stays where it was.\n"
      "\n"
      "Moving the default workspace records its new place in $XDG_CONFIG_HOME/adiuva/"
      "workspace.ini, which Adiuva and adiuva-cli both read; moving it back to "
      "$XDG_DATA_HOME/adiuva removes that file. A workspace named with --data-dir or "
      "$ADIUVA_DATA_DIR moves alone: name the new folder the same way afterwards.\n"
      "\n"
      "Close Adiuva and other adiuva-cli commands first: while the move runs, they cannot write "
      "to the workspace."),
  .examples = N_ ("  adiuva-cli workspace move /media/usb/adiuva\n"
                  "  adiuva-cli --data-dir ~/clients/acme workspace move ~/archive/acme"),
  .min_args = 1,
  .max_args = 1,
  .run = run_workspace_move,
};

static const AdiuvaCliCommand *const workspace_commands[] = {
  &workspace_move,
  NULL
};

const AdiuvaCliCommand adiuva_cli_workspace_command = {
  .name = "workspace",
  .summary = N_ ("manage the workspace folder"),
  .synopsis = N_ ("COMMAND [OPTIONS]"),
  .description = N_ ("Commands about the workspace as a whole, rather than what is in it."),
  .subcommands = workspace_commands,
};
