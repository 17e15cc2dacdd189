/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

/* Where a note's project comes from: --project P or --no-project, shared by add and edit. */
static gboolean
apply_project (AdiuvaStore *store,
               AdiuvaNote  *note,
               const char  *project,
               gboolean     no_project,
               GError     **error)
{
  if (!adiuva_cli_check_exclusive ("--project", project != NULL, "--no-project", no_project,
                                   error))
    return FALSE;

  if (project != NULL)
    {
      g_autoptr (AdiuvaProject) record = adiuva_cli_find_project (store, project, error);

      if (record == NULL)
        return FALSE;
      adiuva_note_set_project_id (note, adiuva_record_get_id (ADIUVA_RECORD (record)));
    }
  if (no_project)
    adiuva_note_set_project_id (note, 0);

  return TRUE;
}

static int
run_note_add (AdiuvaCliContext       *cli,
              const AdiuvaCliCommand *command,
              int                     argc,
              char                  **argv)
{
  g_autofree char *title = NULL;
  g_autofree char *project = NULL;
  g_autofree char *file = NULL;
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  gboolean         pin = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_ ("The note's title. Required."),
      N_ ("TITLE") },
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("File the note in PROJECT (a name or an id)."), N_ ("PROJECT") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_ ("Read the body (markdown) from FILE instead of standard input."), N_ ("FILE") },
    { "pin", 0, 0, G_OPTION_ARG_NONE, &pin, N_ ("Pin the note to the top of lists."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (title == NULL)
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("A note needs a title: --title TITLE."));
      return adiuva_cli_context_report (cli, error);
    }

  /* The body first: a note that cannot be read should fail before the unlock. */
  body = adiuva_cli_context_read_text (cli, file, &error);
  if (body == NULL)
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  note = adiuva_note_new ();
  adiuva_note_set_title (note, title);
  adiuva_note_set_body (note, body);
  adiuva_note_set_pinned (note, pin);
  if (!apply_project (store, note, project, FALSE, &error) ||
      !adiuva_store_add (store, ADIUVA_RECORD (note), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (note));
  message = g_strdup_printf (_ ("Added note %s: %s"), id, title);
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (note), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_note_list (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *project = NULL;
  gboolean         no_project = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) notes = NULL;
  g_autoptr (GHashTable) projects = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore       *store;
  gint64             project_id = -1;
  int                status;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("Only the notes of PROJECT (a name or an id)."), N_ ("PROJECT") },
    { "no-project", 0, 0, G_OPTION_ARG_NONE, &no_project,
      N_ ("Only the notes without a project."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (!adiuva_cli_check_exclusive ("--project", project != NULL, "--no-project", no_project,
                                   &error))
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
  if (no_project)
    project_id = 0;

  notes = adiuva_store_list_notes (store, project_id, &error);
  if (notes == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (notes, 0));
      return ADIUVA_CLI_EXIT_OK;
    }

  if (g_list_model_get_n_items (notes) == 0)
    {
      g_print (_ ("No notes.\n"));
      return ADIUVA_CLI_EXIT_OK;
    }

  projects = adiuva_cli_project_names (store, &error);
  if (projects == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ID"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, "", ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("CHANGED"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("PROJECT"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("TITLE"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < g_list_model_get_n_items (notes); i++)
    {
      g_autoptr (AdiuvaNote) note = g_list_model_get_item (notes, i);
      gint64 note_project = adiuva_note_get_project_id (note);

      adiuva_cli_table_take_cell (table, adiuva_cli_format_id (ADIUVA_RECORD (note)));
      /* Translators: marks a pinned note in lists */
      adiuva_cli_table_add_cell (table, adiuva_note_get_pinned (note) ? _ ("pinned") : "");
      adiuva_cli_table_take_cell (table, adiuva_cli_format_time (
                                             adiuva_record_get_updated_at (ADIUVA_RECORD (note))));
      adiuva_cli_table_add_cell (table, g_hash_table_lookup (projects, &note_project));
      adiuva_cli_table_add_cell (table, adiuva_note_get_title (note));
    }
  adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_note_show (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *title = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = NULL;
  AdiuvaStore *store;
  const char  *body;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  title = g_strjoinv (" ", args);
  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (note = adiuva_cli_find_note (store, title, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_cli_record_to_json (ADIUVA_RECORD (note)));
      return ADIUVA_CLI_EXIT_OK;
    }

  /* The body exactly as stored, so `note show X > X.md` gives the file back. */
  body = adiuva_note_get_body (note);
  if (body != NULL)
    fputs (body, stdout);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_note_edit (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *title = NULL;
  g_autofree char *project = NULL;
  g_autofree char *file = NULL;
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  gboolean         body_stdin = FALSE;
  gboolean         no_project = FALSE;
  gboolean         pin = FALSE;
  gboolean         unpin = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_ ("Change the title."), N_ ("TITLE") },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_ ("Replace the body with the contents of FILE."), N_ ("FILE") },
    { "body-stdin", 0, 0, G_OPTION_ARG_NONE, &body_stdin,
      N_ ("Replace the body with standard input."), NULL },
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("Move the note to PROJECT (a name or an id)."), N_ ("PROJECT") },
    { "no-project", 0, 0, G_OPTION_ARG_NONE, &no_project,
      N_ ("Take the note out of its project."), NULL },
    { "pin", 0, 0, G_OPTION_ARG_NONE, &pin, N_ ("Pin the note."), NULL },
    { "unpin", 0, 0, G_OPTION_ARG_NONE, &unpin, N_ ("Unpin the note."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (!adiuva_cli_check_exclusive ("--file", file != NULL, "--body-stdin", body_stdin,
                                   &error) ||
      !adiuva_cli_check_exclusive ("--pin", pin, "--unpin", unpin, &error))
    return adiuva_cli_context_report (cli, error);

  if ((file != NULL || body_stdin) &&
      (body = adiuva_cli_context_read_text (cli, file, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (note = adiuva_cli_find_note (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (title != NULL)
    adiuva_note_set_title (note, title);
  if (body != NULL)
    adiuva_note_set_body (note, body);
  if (pin || unpin)
    adiuva_note_set_pinned (note, pin);
  if (!apply_project (store, note, project, no_project, &error) ||
      !adiuva_store_update (store, ADIUVA_RECORD (note), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (note));
  message = g_strdup_printf (_ ("Changed note %s: %s"), id, adiuva_note_get_title (note));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (note), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_note_rm (AdiuvaCliContext       *cli,
             const AdiuvaCliCommand *command,
             int                     argc,
             char                  **argv)
{
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (note = adiuva_cli_find_note (store, args[0], &error)) == NULL ||
      !adiuva_store_delete (store, ADIUVA_RECORD (note), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (note));
  message = g_strdup_printf (_ ("Removed note %s: %s"), id, adiuva_note_get_title (note));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (note), message);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand note_add = {
  .name = "add",
  .summary = N_ ("add a note"),
  .synopsis = N_ ("--title TITLE [--project PROJECT] [--file FILE] [--pin]"),
  .description = N_ ("Adds a markdown note. Its body is read from FILE, or from standard input "
                     "when --file is not given. Text that is not UTF-8 is refused."),
  .examples = N_ ("  adiuva-cli note add --title 'Call 12 Nov' --project Website < call.md\n"
                  "  adiuva-cli note add --title Ideas --file ideas.md --pin"),
  .max_args = 0,
  .run = run_note_add,
};

static const AdiuvaCliCommand note_list = {
  .name = "list",
  .summary = N_ ("list notes"),
  .synopsis = N_ ("[--project PROJECT|--no-project]"),
  .description = N_ ("Lists notes, pinned ones first, then the most recently changed."),
  .max_args = 0,
  .run = run_note_list,
};

static const AdiuvaCliCommand note_show = {
  .name = "show",
  .summary = N_ ("print a note's body"),
  .synopsis = N_ ("NOTE"),
  .description = N_ ("Prints the body of a note exactly as it is stored, so it can be piped or "
                     "saved to a file. NOTE is an id or a title; --json prints every field."),
  .examples = N_ ("  adiuva-cli note show 'Meeting 12 Nov' > meeting.md"),
  .min_args = 1,
  .max_args = -1,
  .run = run_note_show,
};

static const AdiuvaCliCommand note_edit = {
  .name = "edit",
  .summary = N_ ("change a note"),
  .synopsis = N_ ("NOTE [--title TITLE] [--file FILE|--body-stdin] [--pin|--unpin] "
                  "[--project PROJECT|--no-project]"),
  .description = N_ ("Changes the fields given as options and leaves the others as they are. "
                     "NOTE is an id or a title."),
  .examples = N_ ("  adiuva-cli note edit Ideas --file ideas.md\n"
                  "  sed s/draft/final/ meeting.md | adiuva-cli note edit 4 --body-stdin"),
  .min_args = 1,
  .max_args = 1,
  .run = run_note_edit,
};

static const AdiuvaCliCommand note_rm = {
  .name = "rm",
  .summary = N_ ("remove a note"),
  .synopsis = N_ ("NOTE"),
  .description = N_ ("Removes a note. NOTE is an id or a title."),
  .min_args = 1,
  .max_args = 1,
  .run = run_note_rm,
};

static const AdiuvaCliCommand *const note_commands[] = {
  &note_add,
  &note_list,
  &note_show,
  &note_edit,
  &note_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_note_command = {
  .name = "note",
  .summary = N_ ("keep markdown notes"),
  .synopsis = N_ ("COMMAND [OPTIONS] [ARGUMENTS…]"),
  .description = N_ ("Notes are markdown texts, on their own or filed in a project. They are "
                     "searched with everything else (see adiuva-cli search)."),
  .subcommands = note_commands,
};
