/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

/* Checkpoints are days on a timeline: their dates carry no time, which also keeps the
 * --from/--to comparison by day exact. */

static AdiuvaCheckpoint *
get_checkpoint (AdiuvaStore *store,
                const char  *id,
                GError     **error)
{
  return adiuva_cli_get_record (store, ADIUVA_TYPE_CHECKPOINT, id, error);
}

typedef enum
{
  CHANGE_DONE,
  CHANGE_NOT_DONE,
  CHANGE_REMOVED,
} CheckpointChange;

static char *
describe_change (CheckpointChange  change,
                 AdiuvaCheckpoint *checkpoint)
{
  g_autofree char *id = adiuva_cli_format_id (ADIUVA_RECORD (checkpoint));
  const char      *title = adiuva_checkpoint_get_title (checkpoint);

  switch (change)
    {
    case CHANGE_DONE:
      return g_strdup_printf (_ ("Done: checkpoint %s, %s"), id, title);

    case CHANGE_NOT_DONE:
      return g_strdup_printf (_ ("Not done: checkpoint %s, %s"), id, title);

    case CHANGE_REMOVED:
    default:
      return g_strdup_printf (_ ("Removed checkpoint %s: %s"), id, title);
    }
}

static void
print_checkpoints (AdiuvaCliContext *cli,
                   GPtrArray        *checkpoints,
                   CheckpointChange  change)
{
  if (cli->json)
    {
      g_autoptr (GListStore) list = g_list_store_new (ADIUVA_TYPE_CHECKPOINT);

      g_list_store_splice (list, 0, 0, checkpoints->pdata, checkpoints->len);
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (G_LIST_MODEL (list), 0));
      return;
    }

  for (guint i = 0; i < checkpoints->len; i++)
    {
      g_autofree char *line = describe_change (change, checkpoints->pdata[i]);

      g_print ("%s\n", line);
    }
}

/* Options shared by add and edit */
typedef struct
{
  char *project;
  char *date_text;
  char *date;
  char *notes;
} CheckpointOptions;

static void
checkpoint_options_clear (CheckpointOptions *options)
{
  g_clear_pointer (&options->project, g_free);
  g_clear_pointer (&options->date_text, g_free);
  g_clear_pointer (&options->date, g_free);
  g_clear_pointer (&options->notes, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckpointOptions, checkpoint_options_clear)

/* Before the workspace is opened: a bad date changes nothing and costs no unlock. */
static gboolean
parse_checkpoint_options (AdiuvaCliContext  *cli,
                          CheckpointOptions *options,
                          GError           **error)
{
  return options->date_text == NULL ||
         adiuva_cli_parse_date (options->date_text, cli->now, 0, &options->date, error);
}

static gboolean
apply_checkpoint_options (AdiuvaStore       *store,
                          AdiuvaCheckpoint  *checkpoint,
                          CheckpointOptions *options,
                          GError           **error)
{
  if (options->date != NULL)
    adiuva_checkpoint_set_date (checkpoint, options->date);

  if (options->project != NULL)
    {
      g_autoptr (AdiuvaProject) project = adiuva_cli_find_project (store, options->project, error);

      if (project == NULL)
        return FALSE;
      adiuva_checkpoint_set_project_id (checkpoint,
                                        adiuva_record_get_id (ADIUVA_RECORD (project)));
    }

  if (options->notes != NULL)
    {
      g_autofree char *notes = adiuva_cli_empty_to_null (options->notes);

      adiuva_checkpoint_set_notes (checkpoint, notes);
    }

  return TRUE;
}

static int
run_checkpoint_add (AdiuvaCliContext       *cli,
                    const AdiuvaCliCommand *command,
                    int                     argc,
                    char                  **argv)
{
  g_auto (CheckpointOptions) options = { NULL };
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  gboolean           suggest = FALSE;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &options.project,
      N_ ("The project the checkpoint belongs to (a name or an id). Required."),
      N_ ("PROJECT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &options.date_text,
      N_ ("The day of the checkpoint: YYYY-MM-DD or words such as “next friday”. Required."),
      N_ ("DATE") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &options.notes, N_ ("Notes to keep with it."),
      N_ ("TEXT") },
    { "suggest", 0, 0, G_OPTION_ARG_NONE, &suggest,
      N_ ("Propose the checkpoint instead of adding it as yours: it waits to be approved or "
          "dismissed."),
      NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (options.project == NULL || options.date_text == NULL)
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("A checkpoint needs --project PROJECT and --date DATE."));
      return adiuva_cli_context_report (cli, error);
    }

  if (!parse_checkpoint_options (cli, &options, &error))
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  title = g_strjoinv (" ", args);
  checkpoint = adiuva_checkpoint_new ();
  adiuva_checkpoint_set_title (checkpoint, title);
  adiuva_checkpoint_set_is_ai_suggested (checkpoint, suggest);
  if (!apply_checkpoint_options (store, checkpoint, &options, &error) ||
      !adiuva_store_add (store, ADIUVA_RECORD (checkpoint), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (checkpoint));
  message = g_strdup_printf (_ ("Added checkpoint %s: %s"), id, title);
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (checkpoint), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_checkpoint_list (AdiuvaCliContext       *cli,
                     const AdiuvaCliCommand *command,
                     int                     argc,
                     char                  **argv)
{
  g_autofree char *project = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) checkpoints = NULL;
  g_autoptr (GHashTable) projects = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore       *store;
  gint64             project_id = -1;
  int                status;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("Only the checkpoints of PROJECT (a name or an id)."), N_ ("PROJECT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text,
      N_ ("Only checkpoints on DATE or later."), N_ ("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text,
      N_ ("Only checkpoints on DATE or earlier."), N_ ("DATE") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if ((from_text != NULL && !adiuva_cli_parse_date (from_text, cli->now, 0, &from, &error)) ||
      (to_text != NULL && !adiuva_cli_parse_date (to_text, cli->now, 0, &to, &error)))
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  if (project != NULL)
    {
      g_autoptr (AdiuvaProject) record = adiuva_cli_find_project (store, project, &error);

      if (record == NULL)
        return adiuva_cli_context_report (cli, error);
      project_id = adiuva_record_get_id (ADIUVA_RECORD (record));
    }

  checkpoints = adiuva_store_list_checkpoints (store, project_id, from, to, &error);
  if (checkpoints == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (checkpoints, 0));
      return ADIUVA_CLI_EXIT_OK;
    }

  if (g_list_model_get_n_items (checkpoints) == 0)
    {
      g_print (_ ("No checkpoints match.\n"));
      return ADIUVA_CLI_EXIT_OK;
    }

  projects = adiuva_cli_project_names (store, &error);
  if (projects == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ID"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, "", ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("DATE"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("PROJECT"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("TITLE"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < g_list_model_get_n_items (checkpoints); i++)
    {
      g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (checkpoints, i);
      gint64 checkpoint_project = adiuva_checkpoint_get_project_id (checkpoint);

      adiuva_cli_table_take_cell (table, adiuva_cli_format_id (ADIUVA_RECORD (checkpoint)));
      adiuva_cli_table_add_cell (table, adiuva_checkpoint_get_done (checkpoint) ? "[x]" : "[ ]");
      adiuva_cli_table_take_cell (table, adiuva_cli_format_date (
                                             adiuva_checkpoint_get_date (checkpoint), cli->now));
      adiuva_cli_table_add_cell (table, g_hash_table_lookup (projects, &checkpoint_project));
      adiuva_cli_table_add_cell (table, adiuva_checkpoint_get_title (checkpoint));
    }
  adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_checkpoint_done (AdiuvaCliContext       *cli,
                     const AdiuvaCliCommand *command,
                     int                     argc,
                     char                  **argv)
{
  gboolean undo = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) checkpoints = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, N_ ("Mark the checkpoints not done again."),
      NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (checkpoints = adiuva_cli_get_records (store, ADIUVA_TYPE_CHECKPOINT, args,
                                             &error)) == NULL ||
      !adiuva_store_begin (store, &error))
    return adiuva_cli_context_report (cli, error);

  for (guint i = 0; i < checkpoints->len; i++)
    {
      adiuva_checkpoint_set_done (checkpoints->pdata[i], !undo);
      if (!adiuva_store_update (store, checkpoints->pdata[i], &error))
        {
          adiuva_store_rollback (store);
          return adiuva_cli_context_report (cli, error);
        }
    }
  if (!adiuva_store_commit (store, &error))
    return adiuva_cli_context_report (cli, error);

  print_checkpoints (cli, checkpoints, undo ? CHANGE_NOT_DONE : CHANGE_DONE);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_checkpoint_edit (AdiuvaCliContext       *cli,
                     const AdiuvaCliCommand *command,
                     int                     argc,
                     char                  **argv)
{
  g_auto (CheckpointOptions) options = { NULL };
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  gboolean         done = FALSE;
  gboolean         not_done = FALSE;
  gboolean         approve = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_ ("Change the title."), N_ ("TEXT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &options.date_text, N_ ("Move it to another day."),
      N_ ("DATE") },
    { "project", 0, 0, G_OPTION_ARG_STRING, &options.project,
      N_ ("Move it to another project (a name or an id)."), N_ ("PROJECT") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &options.notes,
      N_ ("Replace the notes; empty notes remove them."), N_ ("TEXT") },
    { "done", 0, 0, G_OPTION_ARG_NONE, &done, N_ ("Mark it done."), NULL },
    { "not-done", 0, 0, G_OPTION_ARG_NONE, &not_done, N_ ("Mark it not done."), NULL },
    { "approve", 0, 0, G_OPTION_ARG_NONE, &approve,
      N_ ("Approve a checkpoint the assistant suggested."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (!adiuva_cli_check_exclusive ("--done", done, "--not-done", not_done, &error) ||
      !parse_checkpoint_options (cli, &options, &error))
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (checkpoint = get_checkpoint (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (title != NULL)
    adiuva_checkpoint_set_title (checkpoint, title);
  if (done || not_done)
    adiuva_checkpoint_set_done (checkpoint, done);
  if (approve)
    adiuva_checkpoint_set_is_approved (checkpoint, TRUE);
  if (!apply_checkpoint_options (store, checkpoint, &options, &error) ||
      !adiuva_store_update (store, ADIUVA_RECORD (checkpoint), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (checkpoint));
  message = g_strdup_printf (_ ("Changed checkpoint %s: %s"), id,
                             adiuva_checkpoint_get_title (checkpoint));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (checkpoint), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_checkpoint_rm (AdiuvaCliContext       *cli,
                   const AdiuvaCliCommand *command,
                   int                     argc,
                   char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) checkpoints = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (checkpoints = adiuva_cli_get_records (store, ADIUVA_TYPE_CHECKPOINT, args,
                                             &error)) == NULL ||
      !adiuva_store_begin (store, &error))
    return adiuva_cli_context_report (cli, error);

  for (guint i = 0; i < checkpoints->len; i++)
    if (!adiuva_store_delete (store, checkpoints->pdata[i], &error))
      {
        adiuva_store_rollback (store);
        return adiuva_cli_context_report (cli, error);
      }
  if (!adiuva_store_commit (store, &error))
    return adiuva_cli_context_report (cli, error);

  print_checkpoints (cli, checkpoints, CHANGE_REMOVED);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand checkpoint_add = {
  .name = "add",
  .summary = N_ ("add a checkpoint to a project's timeline"),
  .synopsis = N_ ("TITLE… --project PROJECT --date DATE [--notes TEXT] [--suggest]"),
  .description = N_ ("Adds a checkpoint: a milestone on a given day of a project. The words of "
                     "TITLE are joined with spaces.\n"
                     "\n"
                     "--suggest proposes it the way the assistant and plugins do: the app shows "
                     "it marked as a suggestion, with Approve and Dismiss, until someone "
                     "decides; “checkpoint edit ID --approve” approves it from here."),
  .examples = N_ ("  adiuva-cli checkpoint add Beta --project Website --date 2026-12-15\n"
                  "  adiuva-cli checkpoint add Kick-off --project Website --date monday"),
  .min_args = 1,
  .max_args = -1,
  .run = run_checkpoint_add,
};

static const AdiuvaCliCommand checkpoint_list = {
  .name = "list",
  .summary = N_ ("list checkpoints by date"),
  .synopsis = N_ ("[--project PROJECT] [--from DATE] [--to DATE]"),
  .description = N_ ("Lists checkpoints in date order; --from and --to include their own day."),
  .examples = N_ ("  adiuva-cli checkpoint list --from today --to 'in 30 days'"),
  .max_args = 0,
  .run = run_checkpoint_list,
};

static const AdiuvaCliCommand checkpoint_done = {
  .name = "done",
  .summary = N_ ("mark checkpoints done"),
  .synopsis = N_ ("ID… [--undo]"),
  .description = N_ ("Marks the checkpoints done, or not done with --undo. When one id is "
                     "wrong, none is changed."),
  .min_args = 1,
  .max_args = -1,
  .run = run_checkpoint_done,
};

static const AdiuvaCliCommand checkpoint_edit = {
  .name = "edit",
  .summary = N_ ("change a checkpoint"),
  .synopsis = N_ ("ID [--title TEXT] [--date DATE] [--project PROJECT] [--notes TEXT] "
                  "[--done|--not-done] [--approve]"),
  .description = N_ ("Changes the fields given as options and leaves the others as they are."),
  .min_args = 1,
  .max_args = 1,
  .run = run_checkpoint_edit,
};

static const AdiuvaCliCommand checkpoint_rm = {
  .name = "rm",
  .summary = N_ ("remove checkpoints"),
  .synopsis = N_ ("ID…"),
  .description = N_ ("Removes the checkpoints. When one id is wrong, none is removed."),
  .min_args = 1,
  .max_args = -1,
  .run = run_checkpoint_rm,
};

static const AdiuvaCliCommand *const checkpoint_commands[] = {
  &checkpoint_add,
  &checkpoint_list,
  &checkpoint_done,
  &checkpoint_edit,
  &checkpoint_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_checkpoint_command = {
  .name = "checkpoint",
  .summary = N_ ("keep the milestones of projects on a timeline"),
  .synopsis = N_ ("COMMAND [OPTIONS] [ARGUMENTS…]"),
  .description = N_ ("Checkpoints mark the days that matter in a project: a delivery, a review, "
                     "a payment. Each belongs to one project and is named by its id."),
  .subcommands = checkpoint_commands,
};
