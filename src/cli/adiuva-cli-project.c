/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

/* Options shared by add and edit, applied to a project in one place. */
typedef struct
{
  char    *client;
  gboolean no_client;
  char    *colour;
  char    *description;
} ProjectOptions;

static void
project_options_clear (ProjectOptions *options)
{
  g_clear_pointer (&options->client, g_free);
  g_clear_pointer (&options->colour, g_free);
  g_clear_pointer (&options->description, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProjectOptions, project_options_clear)

static gboolean
apply_project_options (AdiuvaStore    *store,
                       AdiuvaProject  *project,
                       ProjectOptions *options,
                       GError        **error)
{
  if (!adiuva_cli_check_exclusive ("--client", options->client != NULL,
                                   "--no-client", options->no_client, error))
    return FALSE;

  if (options->colour != NULL && !adiuva_cli_parse_colour (options->colour, error))
    return FALSE;

  if (options->client != NULL)
    {
      g_autoptr (AdiuvaClient) client = adiuva_cli_find_client (store, options->client, error);

      if (client == NULL)
        return FALSE;
      adiuva_project_set_client_id (project, adiuva_record_get_id (ADIUVA_RECORD (client)));
    }
  if (options->no_client)
    adiuva_project_set_client_id (project, 0);

  if (options->colour != NULL)
    {
      g_autofree char *colour = g_ascii_strdown (options->colour, -1);

      adiuva_project_set_colour (project, colour);
    }

  if (options->description != NULL)
    {
      g_autofree char *description = adiuva_cli_empty_to_null (options->description);

      adiuva_project_set_description (project, description);
    }

  return TRUE;
}

static int
run_project_add (AdiuvaCliContext       *cli,
                 const AdiuvaCliCommand *command,
                 int                     argc,
                 char                  **argv)
{
  g_auto (ProjectOptions) options = { NULL };
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "client", 0, 0, G_OPTION_ARG_STRING, &options.client,
      N_ ("The client the project is for, by name or id."), N_ ("CLIENT") },
    { "colour", 0, 0, G_OPTION_ARG_STRING, &options.colour,
      N_ ("The project's colour, as #RRGGBB."), N_ ("COLOUR") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &options.description,
      N_ ("What the project is about; it is searched too."), N_ ("TEXT") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  name = g_strjoinv (" ", args);
  project = adiuva_project_new ();
  adiuva_project_set_name (project, name);
  if (!apply_project_options (store, project, &options, &error) ||
      !adiuva_store_add (store, ADIUVA_RECORD (project), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (project));
  message = g_strdup_printf (_ ("Added project %s: %s"), id, name);
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (project), message);

  return ADIUVA_CLI_EXIT_OK;
}

static char *
describe_status (AdiuvaProject *project)
{
  g_autofree char *status = adiuva_cli_enum_nick (ADIUVA_TYPE_PROJECT_STATUS,
                                                  adiuva_project_get_status (project));

  if (adiuva_project_get_archived (project))
    /* Translators: a project's status, then that it is archived: "paused, archived" */
    return g_strdup_printf (_ ("%s, archived"), status);

  return g_steal_pointer (&status);
}

static guint
count_open_tasks (AdiuvaStore *store,
                  gint64       project_id)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;

  filter->project_id = project_id;
  filter->open_only = TRUE;
  tasks = adiuva_task_list_model_new (store, filter);

  return g_list_model_get_n_items (G_LIST_MODEL (tasks));
}

static int
run_project_list (AdiuvaCliContext       *cli,
                  const AdiuvaCliCommand *command,
                  int                     argc,
                  char                  **argv)
{
  g_autofree char *client_name = NULL;
  gboolean         all = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) projects = NULL;
  g_autoptr (GHashTable) clients = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore       *store;
  gint64             client_id = -1;
  int                status;
  const GOptionEntry entries[] = {
    { "client", 0, 0, G_OPTION_ARG_STRING, &client_name,
      N_ ("Only the projects of CLIENT (a name or an id)."), N_ ("CLIENT") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_ ("Include archived projects."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  if (client_name != NULL)
    {
      g_autoptr (AdiuvaClient) client = adiuva_cli_find_client (store, client_name, &error);

      if (client == NULL)
        return adiuva_cli_context_report (cli, error);
      client_id = adiuva_record_get_id (ADIUVA_RECORD (client));
    }

  projects = adiuva_store_list_projects (store, client_id, all, &error);
  if (projects == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (projects, 0));
      return ADIUVA_CLI_EXIT_OK;
    }

  clients = adiuva_cli_client_names (store, &error);
  if (clients == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ID"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("NAME"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("CLIENT"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("STATUS"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("OPEN"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("COLOUR"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < g_list_model_get_n_items (projects); i++)
    {
      g_autoptr (AdiuvaProject) project = g_list_model_get_item (projects, i);
      gint64 project_client = adiuva_project_get_client_id (project);
      guint  n_open = count_open_tasks (store, adiuva_record_get_id (ADIUVA_RECORD (project)));

      adiuva_cli_table_take_cell (table, adiuva_cli_format_id (ADIUVA_RECORD (project)));
      adiuva_cli_table_add_cell (table, adiuva_project_get_name (project));
      adiuva_cli_table_add_cell (table, g_hash_table_lookup (clients, &project_client));
      adiuva_cli_table_take_cell (table, describe_status (project));
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%u", n_open));
      adiuva_cli_table_add_cell (table, adiuva_project_get_colour (project));
    }

  if (adiuva_cli_table_get_n_rows (table) == 0)
    g_print (_ ("No projects. Add one with: adiuva-cli project add NAME\n"));
  else
    adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_project_edit (AdiuvaCliContext       *cli,
                  const AdiuvaCliCommand *command,
                  int                     argc,
                  char                  **argv)
{
  g_auto (ProjectOptions) options = { NULL };
  g_autofree char *name = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  gboolean         archive = FALSE;
  gboolean         unarchive = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = NULL;
  AdiuvaStore       *store;
  int                project_status = -1;
  int                status;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_ ("Rename the project."), N_ ("NAME") },
    { "client", 0, 0, G_OPTION_ARG_STRING, &options.client,
      N_ ("Move the project to CLIENT (a name or an id)."), N_ ("CLIENT") },
    { "no-client", 0, 0, G_OPTION_ARG_NONE, &options.no_client,
      N_ ("Detach the project from its client."), NULL },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      N_ ("One of active, paused or completed."), N_ ("STATUS") },
    { "colour", 0, 0, G_OPTION_ARG_STRING, &options.colour,
      N_ ("The project's colour, as #RRGGBB."), N_ ("COLOUR") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &options.description,
      N_ ("Replace the description; an empty one removes it."), N_ ("TEXT") },
    { "archive", 0, 0, G_OPTION_ARG_NONE, &archive,
      N_ ("Archive the project: it leaves the lists but keeps its tasks."), NULL },
    { "unarchive", 0, 0, G_OPTION_ARG_NONE, &unarchive,
      N_ ("Bring an archived project back."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (!adiuva_cli_check_exclusive ("--archive", archive, "--unarchive", unarchive, &error) ||
      (status_text != NULL &&
       !adiuva_cli_parse_enum (ADIUVA_TYPE_PROJECT_STATUS, status_text, "--status",
                               &project_status, &error)))
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (project = adiuva_cli_find_project (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (name != NULL)
    adiuva_project_set_name (project, name);
  if (project_status >= 0)
    adiuva_project_set_status (project, project_status);
  if (archive || unarchive)
    adiuva_project_set_archived (project, archive);

  if (!apply_project_options (store, project, &options, &error) ||
      !adiuva_store_update (store, ADIUVA_RECORD (project), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (project));
  message = g_strdup_printf (_ ("Changed project %s: %s"), id, adiuva_project_get_name (project));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (project), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_project_rm (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  gboolean         force = FALSE;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;
  g_autoptr (GListModel) checkpoints = NULL;
  AdiuvaStore       *store;
  guint              n_tasks, n_checkpoints;
  int                status;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_ ("Remove the project even though it still has tasks or checkpoints, which are "
          "removed with it."),
      NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (project = adiuva_cli_find_project (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  /* Tasks and checkpoints go with their project: removing them needs a word of consent. */
  filter->project_id = adiuva_record_get_id (ADIUVA_RECORD (project));
  tasks = adiuva_task_list_model_new (store, filter);
  checkpoints = adiuva_store_list_checkpoints (store, filter->project_id, NULL, NULL, &error);
  if (checkpoints == NULL)
    return adiuva_cli_context_report (cli, error);
  n_tasks = g_list_model_get_n_items (G_LIST_MODEL (tasks));
  n_checkpoints = g_list_model_get_n_items (checkpoints);

  if ((n_tasks > 0 || n_checkpoints > 0) && !force)
    {
      g_autofree char *what_tasks = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%u task", "%u tasks", n_tasks), n_tasks);
      g_autofree char *what_checkpoints = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%u checkpoint", "%u checkpoints", n_checkpoints),
          n_checkpoints);

      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_REFUSED,
                   _ ("Project “%s” still has %s and %s, which would be removed with it. Nothing "
                      "was removed. Add --force to remove them all, or archive the project "
                      "instead: adiuva-cli project edit %s --archive"),
                   adiuva_project_get_name (project), what_tasks, what_checkpoints, args[0]);
      return adiuva_cli_context_report (cli, error);
    }

  if (!adiuva_store_delete (store, ADIUVA_RECORD (project), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (project));
  message = g_strdup_printf (_ ("Removed project %s: %s"), id, adiuva_project_get_name (project));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (project), message);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand project_add = {
  .name = "add",
  .summary = N_ ("add a project"),
  .synopsis = N_ ("NAME… [--client CLIENT] [--colour #RRGGBB] [--description TEXT]"),
  .description = N_ ("Adds a project. The words of NAME are joined with spaces. Tasks are "
                     "filed in it by name (“#Website” in a quick-add line) or by id."),
  .examples = N_ ("  adiuva-cli project add Website --client ACME --colour '#3584e4'"),
  .min_args = 1,
  .max_args = -1,
  .run = run_project_add,
};

static const AdiuvaCliCommand project_list = {
  .name = "list",
  .summary = N_ ("list the projects"),
  .synopsis = N_ ("[--client CLIENT] [--all]"),
  .description = N_ ("Lists the projects in their order, with their client, status and how many "
                     "open tasks each has. Archived projects are left out unless --all is "
                     "given."),
  .max_args = 0,
  .run = run_project_list,
};

static const AdiuvaCliCommand project_edit = {
  .name = "edit",
  .summary = N_ ("change a project"),
  .synopsis = N_ ("PROJECT [--name NAME] [--client CLIENT|--no-client] [--status STATUS] "
                  "[--colour #RRGGBB] [--description TEXT] [--archive|--unarchive]"),
  .description = N_ ("Changes the fields given as options and leaves the others as they are. "
                     "PROJECT is an id or a name."),
  .examples = N_ ("  adiuva-cli project edit Website --status paused\n"
                  "  adiuva-cli project edit 3 --archive"),
  .min_args = 1,
  .max_args = 1,
  .run = run_project_edit,
};

static const AdiuvaCliCommand project_rm = {
  .name = "rm",
  .summary = N_ ("remove a project"),
  .synopsis = N_ ("PROJECT [--force]"),
  .description = N_ ("Removes a project. Its tasks and checkpoints are removed with it, so a "
                     "project that still has any is only removed with --force; its notes stay, "
                     "without a project. Archiving (project edit --archive) is often what is "
                     "meant."),
  .min_args = 1,
  .max_args = 1,
  .run = run_project_rm,
};

static const AdiuvaCliCommand *const project_commands[] = {
  &project_add,
  &project_list,
  &project_edit,
  &project_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_project_command = {
  .name = "project",
  .summary = N_ ("add, list, change and remove projects"),
  .synopsis = N_ ("COMMAND [OPTIONS] [ARGUMENTS…]"),
  .description = N_ ("Projects hold tasks, checkpoints and notes, and may belong to a client. "
                     "A project is named by its id or its name."),
  .subcommands = project_commands,
};
