/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"
#include "adiuva-date.h"

static AdiuvaTask *
get_task (AdiuvaStore *store,
          const char  *id,
          GError     **error)
{
  return adiuva_cli_get_record (store, ADIUVA_TYPE_TASK, id, error);
}

static GListModel *
list_subtasks (AdiuvaStore *store,
               AdiuvaTask  *task)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();

  filter->parent_id = adiuva_record_get_id (ADIUVA_RECORD (task));

  return G_LIST_MODEL (adiuva_task_list_model_new (store, filter));
}

static void
add_task_row (AdiuvaCliTable *table,
              AdiuvaTask     *task,
              GHashTable     *projects,
              GDateTime      *now)
{
  gint64             project_id = adiuva_task_get_project_id (task);
  const char *const *tags = adiuva_task_get_tags (task);
  const char        *project = g_hash_table_lookup (projects, &project_id);
  g_autofree char   *tag_text = adiuva_cli_format_tags (tags);

  adiuva_cli_table_take_cell (table, adiuva_cli_format_id (ADIUVA_RECORD (task)));
  adiuva_cli_table_add_cell (table, adiuva_cli_format_task_box (adiuva_task_get_status (task)));
  adiuva_cli_table_take_cell (table, adiuva_cli_format_priority (adiuva_task_get_priority (task)));
  adiuva_cli_table_take_cell (table, adiuva_cli_format_date (adiuva_task_get_due (task), now));
  adiuva_cli_table_add_cell (table, project != NULL ? project : _ ("Inbox"));
  if (*tag_text != '\0')
    adiuva_cli_table_take_cell (table, g_strdup_printf ("%s  %s", adiuva_task_get_title (task),
                                                        tag_text));
  else
    adiuva_cli_table_add_cell (table, adiuva_task_get_title (task));
}

/**
 * print_tasks:
 * @limit: at most this many, 0 for all
 *
 * The one way tasks are listed for people: id, a box that is ticked when done, priority,
 * due date, project and title with its tags.
 */
static gboolean
print_tasks (AdiuvaCliContext *cli,
             AdiuvaStore      *store,
             GListModel       *tasks,
             guint             limit,
             GError          **error)
{
  g_autoptr (GHashTable) projects = adiuva_cli_project_names (store, error);
  g_autoptr (AdiuvaCliTable) table = NULL;
  guint n = g_list_model_get_n_items (tasks);

  if (projects == NULL)
    return FALSE;

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ID"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, "", ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("PRI"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("DUE"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("PROJECT"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("TITLE"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < n && (limit == 0 || i < limit); i++)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (tasks, i);

      if (task != NULL)
        add_task_row (table, task, projects, cli->now);
    }

  adiuva_cli_table_print (table);
  if (limit > 0 && n > limit)
    g_print (g_dngettext (GETTEXT_PACKAGE, "… and %u more task.\n", "… and %u more tasks.\n",
                          n - limit),
             n - limit);

  return TRUE;
}

static JsonNode *
task_pair_to_json (AdiuvaTask *task,
                   AdiuvaTask *next)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "task");
  json_builder_add_value (builder, adiuva_cli_record_to_json (ADIUVA_RECORD (task)));
  json_builder_set_member_name (builder, "next_occurrence");
  if (next != NULL)
    json_builder_add_value (builder, adiuva_cli_record_to_json (ADIUVA_RECORD (next)));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_next_occurrence (AdiuvaCliContext *cli,
                       AdiuvaTask       *next)
{
  g_autofree char *id = NULL;
  g_autofree char *due = NULL;

  if (next == NULL)
    return;

  id = adiuva_cli_format_id (ADIUVA_RECORD (next));
  due = adiuva_cli_format_date (adiuva_task_get_due (next), cli->now);
  g_print (_ ("  Next occurrence: task %s, due %s\n"), id, due);
}

static char *
parse_repeat (const char *text,
              GError    **error)
{
  if (g_ascii_strcasecmp (text, "none") == 0)
    return NULL;

  return adiuva_recurrence_from_text (text, error);
}

/* add */

typedef struct
{
  AdiuvaProject *project; /* overrides the quick add's #Project */
  AdiuvaTask    *parent;
  const char    *notes;
  const char    *recurrence;
  gboolean       suggest;
} AddOptions;

/* The options add to what the text says (--project replaces its #Project) before the task
 * is saved once, whole. */
static AdiuvaTask *
task_from_text (AdiuvaStore *store,
                const char  *text,
                AddOptions  *options,
                GDateTime   *now,
                GError     **error)
{
  gint64 project_id = options->project != NULL
                          ? adiuva_record_get_id (ADIUVA_RECORD (options->project))
                          : -1;
  g_autoptr (AdiuvaTask) task = adiuva_store_task_from_text (store, text, now, project_id, error);

  if (task == NULL)
    return NULL;

  if (options->project == NULL && options->parent != NULL &&
      adiuva_task_get_project_id (task) == 0)
    adiuva_task_set_project_id (task, adiuva_task_get_project_id (options->parent));

  if (options->parent != NULL)
    adiuva_task_set_parent_id (task, adiuva_record_get_id (ADIUVA_RECORD (options->parent)));
  adiuva_task_set_notes (task, options->notes);
  adiuva_task_set_recurrence (task, options->recurrence);
  adiuva_task_set_is_ai_suggested (task, options->suggest);

  if (!adiuva_store_add (store, ADIUVA_RECORD (task), error))
    return NULL;

  return g_steal_pointer (&task);
}

static GPtrArray *
add_tasks (AdiuvaStore *store,
           GStrv        lines,
           AddOptions  *options,
           GDateTime   *now,
           GError     **error)
{
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  /* One transaction: a bad line adds nothing, so the file can be fixed and read again. */
  if (!adiuva_store_begin (store, error))
    return NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      AdiuvaTask      *task;

      if (*line == '\0')
        continue;

      task = task_from_text (store, line, options, now, error);
      if (task == NULL)
        {
          adiuva_store_rollback (store);
          if (g_strv_length (lines) > 1)
            g_prefix_error (error, _ ("Line %u: "), i + 1);
          return NULL;
        }
      g_ptr_array_add (added, task);
    }

  if (!adiuva_store_commit (store, error))
    return NULL;

  return g_steal_pointer (&added);
}

static int
run_task_add (AdiuvaCliContext       *cli,
              const AdiuvaCliCommand *command,
              int                     argc,
              char                  **argv)
{
  g_autofree char *project = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *repeat = NULL;
  g_autofree char *from_file = NULL;
  g_autofree char *recurrence = NULL;
  gboolean         suggest = FALSE;
  g_autoptr (AdiuvaProject) project_record = NULL;
  g_autoptr (AdiuvaTask) parent_record = NULL;
  g_autoptr (GPtrArray) added = NULL;
  g_auto (GStrv) args = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  AddOptions         options = { NULL };
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("File the task in PROJECT (a name or an id), whatever #Name the text holds."),
      N_ ("PROJECT") },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent,
      N_ ("Make the task a subtask of task ID; it goes to the parent's project unless the "
          "text or --project says otherwise."),
      N_ ("ID") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_ ("Notes to keep with the task."),
      N_ ("TEXT") },
    { "repeat", 0, 0, G_OPTION_ARG_STRING, &repeat,
      N_ ("Repeat the task, in words (“every monday”, “every 2 weeks”, “monthly until "
          "2027-06-30”) or as an RRULE."),
      N_ ("RULE") },
    { "from-file", 0, 0, G_OPTION_ARG_FILENAME, &from_file,
      N_ ("Add one task per line of FILE (“-” for standard input), each line read like TEXT. "
          "Blank lines are skipped; one bad line adds no task at all."),
      N_ ("FILE") },
    { "suggest", 0, 0, G_OPTION_ARG_NONE, &suggest,
      N_ ("Propose the task instead of adding it as yours: it waits to be approved or "
          "dismissed."),
      NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if ((args[0] == NULL) == (from_file == NULL))
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           args[0] == NULL ? _ ("Say what the task is: adiuva-cli task add TEXT…")
                                           : _ ("Give the task as TEXT or --from-file, not "
                                                "both."));
      return adiuva_cli_context_report (cli, error);
    }

  if (repeat != NULL && (recurrence = parse_repeat (repeat, &error)) == NULL && error != NULL)
    return adiuva_cli_context_report (cli, error);

  if (from_file != NULL)
    {
      g_autofree char *text = adiuva_cli_context_read_text (cli, from_file, &error);

      if (text == NULL)
        return adiuva_cli_context_report (cli, error);
      lines = g_strsplit (text, "\n", -1);
    }
  else
    {
      lines = g_new0 (char *, 2);
      lines[0] = g_strjoinv (" ", args);
    }

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (project != NULL &&
       (project_record = adiuva_cli_find_project (store, project, &error)) == NULL) ||
      (parent != NULL && (parent_record = get_task (store, parent, &error)) == NULL))
    return adiuva_cli_context_report (cli, error);

  options.project = project_record;
  options.parent = parent_record;
  options.notes = notes;
  options.recurrence = recurrence;
  options.suggest = suggest;

  added = add_tasks (store, lines, &options, cli->now, &error);
  if (added == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonArray) array = json_array_new ();
      JsonNode *node;

      /* One task added from TEXT prints as an object; a file of them as an array. */
      if (from_file == NULL && added->len == 1)
        {
          adiuva_cli_context_print_json (cli, adiuva_cli_record_to_json (added->pdata[0]));
          return ADIUVA_CLI_EXIT_OK;
        }

      for (guint i = 0; i < added->len; i++)
        json_array_add_element (array, adiuva_cli_record_to_json (added->pdata[i]));
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (node, array);
      adiuva_cli_context_print_json (cli, node);
      return ADIUVA_CLI_EXIT_OK;
    }

  for (guint i = 0; i < added->len; i++)
    {
      AdiuvaTask      *task = added->pdata[i];
      g_autofree char *id = adiuva_cli_format_id (ADIUVA_RECORD (task));
      g_autofree char *due = adiuva_cli_format_date (adiuva_task_get_due (task), cli->now);

      if (*due != '\0')
        g_print (_ ("Added task %s: %s (due %s)\n"), id, adiuva_task_get_title (task), due);
      else
        g_print (_ ("Added task %s: %s\n"), id, adiuva_task_get_title (task));
    }

  return ADIUVA_CLI_EXIT_OK;
}

/* list */

static int
run_task_list (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *project = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *due_before = NULL;
  g_autofree char *due_after = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sort = NULL;
  gboolean         inbox = FALSE;
  gboolean         top = FALSE;
  gboolean         pending = FALSE;
  int              limit = 0;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("Only tasks of PROJECT (a name or an id)."), N_ ("PROJECT") },
    { "inbox", 0, 0, G_OPTION_ARG_NONE, &inbox, N_ ("Only tasks without a project."), NULL },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, N_ ("Only the subtasks of task ID."),
      N_ ("ID") },
    { "top", 0, 0, G_OPTION_ARG_NONE, &top, N_ ("Only tasks that are not subtasks."), NULL },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      N_ ("todo, doing, done, cancelled, open (todo or doing, the default) or all."),
      N_ ("STATUS") },
    { "due-before", 0, 0, G_OPTION_ARG_STRING, &due_before,
      N_ ("Only tasks due on a day before DATE."), N_ ("DATE") },
    { "due-after", 0, 0, G_OPTION_ARG_STRING, &due_after,
      N_ ("Only tasks due on a day after DATE."), N_ ("DATE") },
    { "tag", 0, 0, G_OPTION_ARG_STRING, &tag, N_ ("Only tasks tagged TAG (with or without @)."),
      N_ ("TAG") },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text,
      N_ ("Only tasks whose title or notes hold all these words (accents do not matter, the "
          "last word may be the start of one)."),
      N_ ("WORDS") },
    { "pending-approval", 0, 0, G_OPTION_ARG_NONE, &pending,
      N_ ("Only tasks suggested by the assistant and not approved yet."), NULL },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort,
      N_ ("position (the default), due, priority, created or title."), N_ ("ORDER") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("Show at most N tasks."), N_ ("N") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  filter->open_only = TRUE;
  if (status_text != NULL)
    {
      int value;

      filter->open_only = g_ascii_strcasecmp (status_text, "open") == 0;
      if (!filter->open_only && g_ascii_strcasecmp (status_text, "all") != 0)
        {
          if (!adiuva_cli_parse_enum (ADIUVA_TYPE_TASK_STATUS, status_text, "--status", &value,
                                      &error))
            {
              g_prefix_error (&error, _ ("Not a status (open and all work too): "));
              return adiuva_cli_context_report (cli, error);
            }
          filter->status = value;
        }
    }

  if (sort != NULL)
    {
      int value;

      if (!adiuva_cli_parse_enum (ADIUVA_TYPE_TASK_ORDER, sort, "--sort", &value, &error))
        return adiuva_cli_context_report (cli, error);
      filter->order = value;
    }

  if (limit < 0)
    g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                 _ ("--limit takes a number of tasks, not %d."), limit);

  if (error != NULL ||
      !adiuva_cli_check_exclusive ("--project", project != NULL, "--inbox", inbox, &error) ||
      !adiuva_cli_check_exclusive ("--parent", parent != NULL, "--top", top, &error) ||
      (due_before != NULL &&
       !adiuva_cli_parse_date (due_before, cli->now, 0, &filter->due_before, &error)) ||
      (due_after != NULL &&
       !adiuva_cli_parse_date (due_after, cli->now, 0, &filter->due_after, &error)))
    return adiuva_cli_context_report (cli, error);

  if (tag != NULL)
    filter->tag = g_strdup (tag[0] == '@' && tag[1] != '\0' ? tag + 1 : tag);
  filter->text = g_steal_pointer (&text);
  filter->pending_approval = pending;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  if (project != NULL)
    {
      g_autoptr (AdiuvaProject) record = adiuva_cli_find_project (store, project, &error);

      if (record == NULL)
        return adiuva_cli_context_report (cli, error);
      filter->project_id = adiuva_record_get_id (ADIUVA_RECORD (record));
    }
  if (inbox)
    filter->project_id = 0;

  if (parent != NULL)
    {
      g_autoptr (AdiuvaTask) record = get_task (store, parent, &error);

      if (record == NULL)
        return adiuva_cli_context_report (cli, error);
      filter->parent_id = adiuva_record_get_id (ADIUVA_RECORD (record));
    }
  if (top)
    filter->parent_id = 0;

  tasks = adiuva_task_list_model_new (store, filter);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (G_LIST_MODEL (tasks), limit));
      return ADIUVA_CLI_EXIT_OK;
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (tasks)) == 0)
    {
      g_print (_ ("No tasks match.\n"));
      return ADIUVA_CLI_EXIT_OK;
    }

  if (!print_tasks (cli, store, G_LIST_MODEL (tasks), limit, &error))
    return adiuva_cli_context_report (cli, error);

  return ADIUVA_CLI_EXIT_OK;
}

/* show */

static void
print_field (AdiuvaCliTable *table,
             const char     *label,
             char           *value)
{
  if (value == NULL || *value == '\0')
    {
      g_free (value);
      return;
    }

  adiuva_cli_table_add_cell (table, label);
  adiuva_cli_table_take_cell (table, value);
}

static int
run_task_show (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GListModel) comments = NULL;
  g_autoptr (GListModel) subtasks = NULL;
  g_autoptr (GHashTable) projects = NULL;
  g_autoptr (AdiuvaCliTable) fields = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *id = NULL;
  AdiuvaStore     *store;
  const char      *project;
  gint64           project_id;
  int              status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (task = get_task (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  comments = adiuva_store_list_task_comments (store, adiuva_record_get_id (ADIUVA_RECORD (task)),
                                              &error);
  if (comments == NULL || (projects = adiuva_cli_project_names (store, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  subtasks = list_subtasks (store, task);

  if (cli->json)
    {
      JsonNode   *node = adiuva_cli_record_to_json (ADIUVA_RECORD (task));
      JsonObject *object = json_node_get_object (node);

      json_object_set_member (object, "comments", adiuva_cli_list_to_json (comments, 0));
      json_object_set_member (object, "subtasks", adiuva_cli_list_to_json (subtasks, 0));
      adiuva_cli_context_print_json (cli, node);
      return ADIUVA_CLI_EXIT_OK;
    }

  id = adiuva_cli_format_id (ADIUVA_RECORD (task));
  heading = g_strdup_printf (_ ("Task %s: %s"), id, adiuva_task_get_title (task));
  g_print ("%s %s\n\n", adiuva_cli_format_task_box (adiuva_task_get_status (task)), heading);

  project_id = adiuva_task_get_project_id (task);
  project = g_hash_table_lookup (projects, &project_id);

  fields = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (fields, NULL, ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (fields, NULL, ADIUVA_CLI_ALIGN_LEFT);
  print_field (fields, _ ("Status:"),
               adiuva_cli_enum_nick (ADIUVA_TYPE_TASK_STATUS, adiuva_task_get_status (task)));
  print_field (fields, _ ("Priority:"),
               adiuva_cli_format_priority (adiuva_task_get_priority (task)));
  print_field (fields, _ ("Project:"),
               project != NULL ? g_strdup_printf ("%s (%" G_GINT64_FORMAT ")", project,
                                                  project_id)
                               : g_strdup (_ ("Inbox")));
  if (adiuva_task_get_parent_id (task) != 0)
    print_field (fields, _ ("Parent:"),
                 g_strdup_printf ("%" G_GINT64_FORMAT, adiuva_task_get_parent_id (task)));
  print_field (fields, _ ("Start:"),
               adiuva_cli_format_date (adiuva_task_get_start (task), cli->now));
  print_field (fields, _ ("Due:"), adiuva_cli_format_date (adiuva_task_get_due (task), cli->now));
  if (adiuva_task_get_recurrence (task) != NULL)
    print_field (fields, _ ("Repeats:"),
                 adiuva_recurrence_describe (adiuva_task_get_recurrence (task)));
  print_field (fields, _ ("Tags:"), adiuva_cli_format_tags (adiuva_task_get_tags (task)));
  if (adiuva_task_get_is_ai_suggested (task))
    print_field (fields, _ ("Suggested:"),
                 g_strdup (adiuva_task_get_is_approved (task)
                               ? _ ("by the assistant, approved")
                               : _ ("by the assistant, waiting for approval")));
  print_field (fields, _ ("Created:"),
               adiuva_cli_format_time (adiuva_record_get_created_at (ADIUVA_RECORD (task))));
  print_field (fields, _ ("Changed:"),
               adiuva_cli_format_time (adiuva_record_get_updated_at (ADIUVA_RECORD (task))));
  print_field (fields, _ ("Completed:"),
               adiuva_cli_format_time (adiuva_task_get_completed_at (task)));
  adiuva_cli_table_print (fields);

  if (adiuva_task_get_notes (task) != NULL)
    g_print ("\n%s\n", adiuva_task_get_notes (task));

  if (g_list_model_get_n_items (subtasks) > 0)
    {
      g_print ("\n%s\n", _ ("Subtasks:"));
      if (!print_tasks (cli, store, subtasks, 0, &error))
        return adiuva_cli_context_report (cli, error);
    }

  if (g_list_model_get_n_items (comments) > 0)
    g_print ("\n%s\n", _ ("Comments:"));
  for (guint i = 0; i < g_list_model_get_n_items (comments); i++)
    {
      g_autoptr (AdiuvaTaskComment) comment = g_list_model_get_item (comments, i);
      g_autofree char *when = adiuva_cli_format_time (
          adiuva_record_get_created_at (ADIUVA_RECORD (comment)));

      g_print ("  %s  %s\n", when, adiuva_task_comment_get_body (comment));
    }

  return ADIUVA_CLI_EXIT_OK;
}

/* done */

static int
run_task_done (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tasks = NULL;
  g_autoptr (GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GArray) was_done = g_array_new (FALSE, FALSE, sizeof (gboolean));
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (tasks = adiuva_cli_get_records (store, ADIUVA_TYPE_TASK, args, &error)) == NULL ||
      !adiuva_store_begin (store, &error))
    return adiuva_cli_context_report (cli, error);

  for (guint i = 0; i < tasks->len; i++)
    {
      AdiuvaTask *task = tasks->pdata[i];
      AdiuvaTask *next_task = NULL;
      gboolean    done = adiuva_task_get_status (task) == ADIUVA_TASK_STATUS_DONE;

      g_array_append_val (was_done, done);
      if (!adiuva_store_complete_task (store, task, cli->now, &next_task, &error))
        {
          adiuva_store_rollback (store);
          return adiuva_cli_context_report (cli, error);
        }
      g_ptr_array_add (next, next_task);
    }

  if (!adiuva_store_commit (store, &error))
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonArray) array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < tasks->len; i++)
        json_array_add_element (array, task_pair_to_json (tasks->pdata[i], next->pdata[i]));
      json_node_set_array (node, array);
      adiuva_cli_context_print_json (cli, node);
      return ADIUVA_CLI_EXIT_OK;
    }

  for (guint i = 0; i < tasks->len; i++)
    {
      AdiuvaTask      *task = tasks->pdata[i];
      g_autofree char *id = adiuva_cli_format_id (ADIUVA_RECORD (task));

      if (g_array_index (was_done, gboolean, i))
        g_print (_ ("Task %s was already done: %s\n"), id, adiuva_task_get_title (task));
      else
        g_print (_ ("Done: task %s, %s\n"), id, adiuva_task_get_title (task));
      print_next_occurrence (cli, next->pdata[i]);
    }

  return ADIUVA_CLI_EXIT_OK;
}

/* edit */

static int
run_task_edit (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *title = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *due_text = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *priority_text = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *repeat = NULL;
  g_auto (GStrv) tags = NULL;
  gboolean         no_tags = FALSE;
  gboolean         approve = FALSE;
  g_autofree char *due = NULL;
  g_autofree char *start = NULL;
  g_autofree char *recurrence = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) next = NULL;
  AdiuvaStore       *store;
  AdiuvaTaskStatus   old_status;
  int                priority = 0;
  int                new_status = -1;
  gboolean           ok;
  int                status;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_ ("Change the title."), N_ ("TEXT") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes,
      N_ ("Replace the notes; empty notes remove them."), N_ ("TEXT") },
    { "due", 0, 0, G_OPTION_ARG_STRING, &due_text,
      N_ ("Change the due date (a date, words such as “friday 5pm”, or none)."), N_ ("DATE") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text,
      N_ ("Change the start date (a date, or none)."), N_ ("DATE") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &priority_text,
      N_ ("1 (highest) to 4, or p1 to p4."), N_ ("N") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      N_ ("todo, doing, done or cancelled. done is the same as task done."), N_ ("STATUS") },
    { "tag", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tags,
      N_ ("Set the tags; repeat the option for several. The given tags replace the old ones."),
      N_ ("TAG") },
    { "no-tags", 0, 0, G_OPTION_ARG_NONE, &no_tags, N_ ("Remove every tag."), NULL },
    { "repeat", 0, 0, G_OPTION_ARG_STRING, &repeat,
      N_ ("Repeat the task (“every monday”, “monthly”, an RRULE), or none to stop."),
      N_ ("RULE") },
    { "approve", 0, 0, G_OPTION_ARG_NONE, &approve,
      N_ ("Approve a task the assistant suggested."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  /* Every value is checked before the workspace is opened: a bad one changes nothing. */
  if (!adiuva_cli_check_exclusive ("--tag", tags != NULL, "--no-tags", no_tags, &error) ||
      (due_text != NULL &&
       !adiuva_cli_parse_date (due_text, cli->now,
                               ADIUVA_CLI_DATE_ALLOW_NONE | ADIUVA_CLI_DATE_ALLOW_TIME, &due,
                               &error)) ||
      (start_text != NULL &&
       !adiuva_cli_parse_date (start_text, cli->now,
                               ADIUVA_CLI_DATE_ALLOW_NONE | ADIUVA_CLI_DATE_ALLOW_TIME, &start,
                               &error)) ||
      (priority_text != NULL && !adiuva_cli_parse_priority (priority_text, &priority, &error)) ||
      (status_text != NULL &&
       !adiuva_cli_parse_enum (ADIUVA_TYPE_TASK_STATUS, status_text, "--status", &new_status,
                               &error)))
    return adiuva_cli_context_report (cli, error);

  if (repeat != NULL && (recurrence = parse_repeat (repeat, &error)) == NULL && error != NULL)
    return adiuva_cli_context_report (cli, error);

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (task = get_task (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  old_status = adiuva_task_get_status (task);
  if (title != NULL)
    adiuva_task_set_title (task, title);
  if (notes != NULL)
    {
      g_autofree char *value = adiuva_cli_empty_to_null (notes);

      adiuva_task_set_notes (task, value);
    }
  if (due_text != NULL)
    adiuva_task_set_due (task, due);
  if (start_text != NULL)
    adiuva_task_set_start (task, start);
  if (priority > 0)
    adiuva_task_set_priority (task, priority);
  if (tags != NULL)
    {
      for (guint i = 0; tags[i] != NULL; i++)
        if (tags[i][0] == '@' && tags[i][1] != '\0')
          memmove (tags[i], tags[i] + 1, strlen (tags[i]));
      adiuva_task_set_tags (task, (const char *const *) tags);
    }
  if (no_tags)
    adiuva_task_set_tags (task, NULL);
  if (repeat != NULL)
    adiuva_task_set_recurrence (task, recurrence);
  if (approve)
    adiuva_task_set_is_approved (task, TRUE);

  /* Done goes through the store's completion, so a repeating task gets its next occurrence. */
  if (new_status == ADIUVA_TASK_STATUS_DONE && old_status != ADIUVA_TASK_STATUS_DONE)
    ok = adiuva_store_complete_task (store, task, cli->now, &next, &error);
  else
    {
      if (new_status >= 0)
        adiuva_task_set_status (task, new_status);
      if (new_status >= 0 && new_status != ADIUVA_TASK_STATUS_DONE)
        adiuva_task_set_completed_at (task, 0);
      ok = adiuva_store_update (store, ADIUVA_RECORD (task), &error);
    }
  if (!ok)
    return adiuva_cli_context_report (cli, error);

  if (cli->json && new_status == ADIUVA_TASK_STATUS_DONE)
    {
      adiuva_cli_context_print_json (cli, task_pair_to_json (task, next));
      return ADIUVA_CLI_EXIT_OK;
    }

  id = adiuva_cli_format_id (ADIUVA_RECORD (task));
  message = g_strdup_printf (_ ("Changed task %s: %s"), id, adiuva_task_get_title (task));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (task), message);
  if (!cli->json)
    print_next_occurrence (cli, next);

  return ADIUVA_CLI_EXIT_OK;
}

/* rm */

static int
run_task_rm (AdiuvaCliContext       *cli,
             const AdiuvaCliCommand *command,
             int                     argc,
             char                  **argv)
{
  gboolean force = FALSE;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tasks = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_ ("Also remove tasks that have subtasks, and the subtasks with them."), NULL },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (tasks = adiuva_cli_get_records (store, ADIUVA_TYPE_TASK, args, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  for (guint i = 0; i < tasks->len && !force; i++)
    {
      g_autoptr (GListModel) subtasks = list_subtasks (store, tasks->pdata[i]);
      guint n = g_list_model_get_n_items (subtasks);

      if (n > 0)
        {
          g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_REFUSED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Task %s has %u subtask, which would be removed with it. "
                                    "Nothing was removed; add --force to remove it too.",
                                    "Task %s has %u subtasks, which would be removed with it. "
                                    "Nothing was removed; add --force to remove them too.",
                                    n),
                       args[i], n);
          return adiuva_cli_context_report (cli, error);
        }
    }

  if (!adiuva_store_begin (store, &error))
    return adiuva_cli_context_report (cli, error);
  for (guint i = 0; i < tasks->len; i++)
    {
      /* Removing a parent already removed this subtask: that is what was asked for. */
      if (!adiuva_store_delete (store, tasks->pdata[i], &error) &&
          !g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
        {
          adiuva_store_rollback (store);
          return adiuva_cli_context_report (cli, error);
        }
      g_clear_error (&error);
    }
  if (!adiuva_store_commit (store, &error))
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (GListStore) removed = g_list_store_new (ADIUVA_TYPE_TASK);

      g_list_store_splice (removed, 0, 0, tasks->pdata, tasks->len);
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (G_LIST_MODEL (removed), 0));
      return ADIUVA_CLI_EXIT_OK;
    }

  for (guint i = 0; i < tasks->len; i++)
    {
      g_autofree char *id = adiuva_cli_format_id (tasks->pdata[i]);

      g_print (_ ("Removed task %s: %s\n"), id, adiuva_task_get_title (tasks->pdata[i]));
    }

  return ADIUVA_CLI_EXIT_OK;
}

/* move */

static int
run_task_move (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *project = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *before = NULL;
  gboolean         inbox = FALSE;
  gboolean         top = FALSE;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) parent_task = NULL;
  g_autoptr (AdiuvaTask) before_task = NULL;
  g_autoptr (AdiuvaProject) project_record = NULL;
  AdiuvaStore       *store;
  gint64             project_id, parent_id, before_id = 0;
  int                status;
  const GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_STRING, &project,
      N_ ("Move the task, with its subtasks, to PROJECT (a name or an id)."), N_ ("PROJECT") },
    { "inbox", 0, 0, G_OPTION_ARG_NONE, &inbox, N_ ("Take the task out of its project."), NULL },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent,
      N_ ("Make the task a subtask of task ID, in that task's project unless --project "
          "says otherwise."),
      N_ ("ID") },
    { "top", 0, 0, G_OPTION_ARG_NONE, &top, N_ ("Make a subtask a task of its own."), NULL },
    { "before", 0, 0, G_OPTION_ARG_STRING, &before,
      N_ ("Put the task just before task ID; without it the task goes to the end."), N_ ("ID") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (!adiuva_cli_check_exclusive ("--project", project != NULL, "--inbox", inbox, &error) ||
      !adiuva_cli_check_exclusive ("--parent", parent != NULL, "--top", top, &error))
    return adiuva_cli_context_report (cli, error);

  if (project == NULL && !inbox && parent == NULL && !top && before == NULL)
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("Say where to: --project, --inbox, --parent, --top or --before."));
      return adiuva_cli_context_report (cli, error);
    }

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (task = get_task (store, args[0], &error)) == NULL ||
      (project != NULL &&
       (project_record = adiuva_cli_find_project (store, project, &error)) == NULL) ||
      (parent != NULL && (parent_task = get_task (store, parent, &error)) == NULL) ||
      (before != NULL && (before_task = get_task (store, before, &error)) == NULL))
    return adiuva_cli_context_report (cli, error);

  project_id = adiuva_task_get_project_id (task);
  parent_id = adiuva_task_get_parent_id (task);

  if (parent_task != NULL)
    {
      parent_id = adiuva_record_get_id (ADIUVA_RECORD (parent_task));
      project_id = adiuva_task_get_project_id (parent_task);
    }
  if (top)
    parent_id = 0;
  if (project_record != NULL)
    project_id = adiuva_record_get_id (ADIUVA_RECORD (project_record));
  if (inbox)
    project_id = 0;
  if (before_task != NULL)
    before_id = adiuva_record_get_id (ADIUVA_RECORD (before_task));

  /* A subtask moved to another project leaves a parent that stays behind. */
  if (parent_task == NULL && parent_id != 0 && project_id != adiuva_task_get_project_id (task))
    parent_id = 0;

  if (!adiuva_store_move_task (store, task, project_id, parent_id, before_id, &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (task));
  message = g_strdup_printf (_ ("Moved task %s: %s"), id, adiuva_task_get_title (task));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (task), message);

  return ADIUVA_CLI_EXIT_OK;
}

/* comment */

static int
run_task_comment (AdiuvaCliContext       *cli,
                  const AdiuvaCliCommand *command,
                  int                     argc,
                  char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTaskComment) comment = NULL;
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  AdiuvaStore     *store;
  int              status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (task = get_task (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  body = g_strjoinv (" ", args + 1);
  comment = adiuva_task_comment_new ();
  adiuva_task_comment_set_task_id (comment, adiuva_record_get_id (ADIUVA_RECORD (task)));
  adiuva_task_comment_set_body (comment, body);
  if (!adiuva_store_add (store, ADIUVA_RECORD (comment), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (task));
  message = g_strdup_printf (_ ("Commented on task %s: %s"), id, adiuva_task_get_title (task));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (comment), message);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand task_add = {
  .name = "add",
  .summary = N_ ("add a task from one line of text"),
  .synopsis = N_ ("TEXT… [--project PROJECT] [--parent ID] [--notes TEXT] [--repeat RULE] "
                  "[--suggest]\n"
                  "--from-file FILE [--project PROJECT] [--parent ID] [--suggest]"),
  .description = N_ (
      "Adds a task written the way it comes to mind. The words of TEXT are joined, then read "
      "by the quick add:\n"
      "\n"
      "  #Name\tfiles the task in project Name, which must exist\n"
      "  @tag\tadds a tag; give several for several tags\n"
      "  p1…p4\tsets the priority, p1 highest (!1…!4 work too)\n"
      "  dates\ttoday, tonight, tomorrow, friday, next week, in 3 days, dec 1, 2026-12-01, "
      "12/01…\n"
      "  times\t5pm, 17:30, noon…\n"
      "\n"
      "Whatever is left is the title. Text in double quotes is kept as it is. The shell reads "
      "# at the start of a word as a comment in some places: quote '#Name' when in doubt.\n"
      "\n"
      "Repeat phrases such as “every monday” stay in the title; use --repeat to make the task "
      "repeat. Put -- before TEXT that starts with a dash.\n"
      "\n"
      "--suggest proposes the task the way the assistant and plugins do: the app shows it in "
      "Today, marked as a suggestion, with Approve and Dismiss. “task list --pending-approval” "
      "lists what waits; “task edit ID --approve” or “task rm ID” decide from here.\n"
      "\n"
      "With --json, a task added from TEXT prints as an object, tasks added --from-file as an "
      "array."),
  .examples = N_ (
      "  adiuva-cli task add Send invoice tomorrow 5pm p1 '#Website' @billing\n"
      "  adiuva-cli task add Water the plants --repeat 'every monday'\n"
      "  adiuva-cli task add Check the links --parent 12\n"
      "  adiuva-cli task add Renew the certificate friday --suggest\n"
      "  adiuva-cli task add --from-file todo.txt --project Website"),
  .max_args = -1,
  .run = run_task_add,
};

static const AdiuvaCliCommand task_list = {
  .name = "list",
  .summary = N_ ("list tasks"),
  .synopsis = N_ ("[--project PROJECT|--inbox] [--parent ID|--top] [--status STATUS] "
                  "[--due-before DATE] [--due-after DATE] [--tag TAG] [--text WORDS] "
                  "[--pending-approval] [--sort ORDER] [--limit N]"),
  .description = N_ (
      "Lists open tasks (to do or in progress) in their order, or those the options select; "
      "options combine. DATE is YYYY-MM-DD or words such as today, tomorrow, friday or "
      "“in 3 days”; due dates compare by day, so --due-before friday leaves out tasks due on "
      "Friday.\n"
      "\n"
      "The box before each task shows its status: [ ] to do, [~] in progress, [x] done, "
      "[-] cancelled."),
  .examples = N_ (
      "  adiuva-cli task list --project Website --sort due\n"
      "  adiuva-cli task list --due-before 'in 7 days' --tag billing\n"
      "  adiuva-cli task list --status done --text invoice\n"
      "  adiuva-cli --json task list --status all"),
  .max_args = 0,
  .run = run_task_list,
};

static const AdiuvaCliCommand task_show = {
  .name = "show",
  .summary = N_ ("show a task with its notes, subtasks and comments"),
  .synopsis = N_ ("ID"),
  .description = N_ ("Shows every field of a task, its subtasks and its comments."),
  .min_args = 1,
  .max_args = 1,
  .run = run_task_show,
};

static const AdiuvaCliCommand task_done = {
  .name = "done",
  .summary = N_ ("mark tasks done"),
  .synopsis = N_ ("ID…"),
  .description = N_ (
      "Marks the tasks done. A repeating task gets its next occurrence, which is printed with "
      "its new id. All the tasks are marked together: when one id is wrong, none is."),
  .examples = N_ ("  adiuva-cli task done 12 14"),
  .min_args = 1,
  .max_args = -1,
  .run = run_task_done,
};

static const AdiuvaCliCommand task_edit = {
  .name = "edit",
  .summary = N_ ("change a task"),
  .synopsis = N_ ("ID [--title TEXT] [--notes TEXT] [--due DATE|none] [--start DATE|none] "
                  "[--priority N] [--status STATUS] [--tag TAG…|--no-tags] "
                  "[--repeat RULE|none] [--approve]"),
  .description = N_ ("Changes the fields given as options and leaves the others as they are. "
                     "Every value is checked before anything is saved.\n"
                     "\n"
                     "--status done completes the task as “task done” does, next occurrence "
                     "included; with --json it then prints what “task done” prints for one "
                     "task."),
  .examples = N_ ("  adiuva-cli task edit 12 --due 'friday 5pm' --priority 1\n"
                  "  adiuva-cli task edit 12 --tag billing --tag acme\n"
                  "  adiuva-cli task edit 12 --repeat 'every month on the 1st'"),
  .min_args = 1,
  .max_args = 1,
  .run = run_task_edit,
};

static const AdiuvaCliCommand task_rm = {
  .name = "rm",
  .summary = N_ ("remove tasks"),
  .synopsis = N_ ("ID… [--force]"),
  .description = N_ (
      "Removes the tasks, with their comments. A task with subtasks is only removed with "
      "--force, since its subtasks go with it. When one id is wrong, nothing is removed."),
  .min_args = 1,
  .max_args = -1,
  .run = run_task_rm,
};

static const AdiuvaCliCommand task_move = {
  .name = "move",
  .summary = N_ ("move a task to another project, parent or place"),
  .synopsis = N_ ("ID [--project PROJECT|--inbox] [--parent ID|--top] [--before ID]"),
  .description = N_ ("Moves a task, with its subtasks. What is not given stays as it is; the "
                     "task goes to the end of the order unless --before says where."),
  .examples = N_ ("  adiuva-cli task move 12 --project Website --before 9\n"
                  "  adiuva-cli task move 15 --parent 12"),
  .min_args = 1,
  .max_args = 1,
  .run = run_task_move,
};

static const AdiuvaCliCommand task_comment = {
  .name = "comment",
  .summary = N_ ("add a comment to a task"),
  .synopsis = N_ ("ID TEXT…"),
  .description = N_ ("Adds a comment to a task; “task show” lists them."),
  .min_args = 2,
  .max_args = -1,
  .run = run_task_comment,
};

static const AdiuvaCliCommand *const task_commands[] = {
  &task_add,
  &task_list,
  &task_show,
  &task_done,
  &task_edit,
  &task_rm,
  &task_move,
  &task_comment,
  NULL
};

const AdiuvaCliCommand adiuva_cli_task_command = {
  .name = "task",
  .summary = N_ ("add, list, complete, change and move tasks"),
  .synopsis = N_ ("COMMAND [OPTIONS] [ARGUMENTS…]"),
  .description = N_ ("Tasks belong to a project or to the inbox, may have subtasks, a due date, "
                     "a priority from p1 (highest) to p4, tags, and may repeat. A task is "
                     "named by its id."),
  .subcommands = task_commands,
};
