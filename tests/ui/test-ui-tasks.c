/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-tasks"

#include "config.h"

#include "adiuva-task-details-private.h"
#include "adiuva-task-row-private.h"
#include "adiuva-tasks-page-private.h"
#include "test-ui-util.h"

/* The Tasks page on a real workspace in a real window: quick add, one-click completion, the
 * filters. */

typedef struct
{
  char            *dir;
  AdiuvaStore     *store;
  GtkWindow       *window;
  AdwToastOverlay *toasts;
  AdiuvaTasksPage *page;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  fixture->dir = test_ui_make_dir ();
  fixture->store = test_ui_create_store (fixture->dir);
  fixture->page = g_object_new (ADIUVA_TYPE_TASKS_PAGE, "store", fixture->store, NULL);
  fixture->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (fixture->toasts, GTK_WIDGET (fixture->page));

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 800, 600);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->toasts));
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  test_ui_destroy_window (fixture->window);
  g_clear_object (&fixture->store);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

typedef struct
{
  GtkWidget  *root;
  const char *title;
  GtkWidget  *found;
} RowSearch;

static gboolean
row_shown (gpointer data)
{
  RowSearch *search = data;

  search->found = test_ui_find_descendant (search->root, ADIUVA_TYPE_TASK_ROW, search->title);

  return search->found != NULL;
}

static AdiuvaTaskRow *
wait_for_row (Fixture    *fixture,
              const char *title)
{
  RowSearch search = { GTK_WIDGET (_adiuva_tasks_page_get_list_view (fixture->page)), title,
                       NULL };

  test_ui_wait_until (row_shown, &search);

  return ADIUVA_TASK_ROW (search.found);
}

static void
type_and_enter (Fixture    *fixture,
                const char *text)
{
  GtkEditable *entry = _adiuva_tasks_page_get_entry (fixture->page);

  gtk_editable_set_text (entry, text);
  g_signal_emit_by_name (entry, "activate");
}

static AdiuvaProject *
add_project (Fixture    *fixture,
             const char *name)
{
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autoptr (GError) error = NULL;

  adiuva_project_set_name (project, name);
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&project);
}

static void
test_add_and_complete (Fixture      *fixture,
                       gconstpointer data)
{
  GListModel  *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  GtkEditable *entry = _adiuva_tasks_page_get_entry (fixture->page);
  g_autoptr (AdiuvaProject) project = add_project (fixture, "Website");
  g_autoptr (AdiuvaTask) task = NULL;
  AdiuvaTaskRow *row;
  GtkWidget     *undo;

  test_ui_wait_until (is_mapped, fixture->page);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);

  /* The chips say what was understood before Enter. */
  gtk_editable_set_text (entry, "Send invoice to ACME & Co tomorrow 5pm p1 #Website @billing");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (_adiuva_tasks_page_get_chips (
                        fixture->page))),
                    ==, 4);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "quick-add");
  g_signal_emit_by_name (entry, "activate");
  g_assert_null (_adiuva_tasks_page_get_message (fixture->page));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  test_ui_wait_for_n_items (tasks, 1);

  task = g_list_model_get_item (tasks, 0);
  g_assert_cmpstr (adiuva_task_get_title (task), ==, "Send invoice to ACME & Co");
  g_assert_cmpint (adiuva_task_get_priority (task), ==, 1);
  g_assert_cmpint (adiuva_task_get_project_id (task), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (project)));
  g_assert_cmpstr (adiuva_task_get_tags (task)[0], ==, "billing");

  row = wait_for_row (fixture, "Send invoice to ACME & Co");
  g_assert_cmpstr (_adiuva_task_row_get_details (row), ==, "Website · @billing");
  test_ui_screenshot (GTK_WIDGET (fixture->window), "tasks-page");

  /* One click completes it, and the open list lets it go. */
  gtk_check_button_set_active (_adiuva_task_row_get_check (row), TRUE);
  test_ui_wait_for_n_items (tasks, 0);

  /* The toast's Undo brings it back; complete it again for what follows. */
  undo = test_ui_find_descendant (GTK_WIDGET (fixture->toasts), GTK_TYPE_BUTTON, "_Undo");
  g_assert_nonnull (undo);
  /* Named by its label alone: “Undo”, not “_Undo Undo”. */
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (undo),
                                                    GTK_ACCESSIBLE_PROPERTY_LABEL));
  test_ui_screenshot (GTK_WIDGET (fixture->window), "task-done-toast");
  g_signal_emit_by_name (undo, "clicked");
  test_ui_wait_for_n_items (tasks, 1);
  row = wait_for_row (fixture, "Send invoice to ACME & Co");
  g_assert_false (gtk_check_button_get_active (_adiuva_task_row_get_check (row)));
  gtk_check_button_set_active (_adiuva_task_row_get_check (row), TRUE);
  test_ui_wait_for_n_items (tasks, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.status", "s",
                                             "done"));
  test_ui_wait_for_n_items (tasks, 1);
  g_clear_object (&task);
  task = g_list_model_get_item (tasks, 0);
  g_assert_cmpint (adiuva_task_get_status (task), ==, ADIUVA_TASK_STATUS_DONE);

  /* Unticking it in the done list opens it again. */
  row = wait_for_row (fixture, "Send invoice to ACME & Co");
  g_assert_true (gtk_check_button_get_active (_adiuva_task_row_get_check (row)));
  gtk_check_button_set_active (_adiuva_task_row_get_check (row), FALSE);
  test_ui_wait_for_n_items (tasks, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.status", "s",
                                             "open"));
  test_ui_wait_for_n_items (tasks, 1);
}

/* A typo in a project name is said before anything is added, and the text stays to fix it. */
static void
test_unknown_project (Fixture      *fixture,
                      gconstpointer data)
{
  GListModel  *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  GtkEditable *entry = _adiuva_tasks_page_get_entry (fixture->page);

  type_and_enter (fixture, "Draft the offer #Webshop");
  g_assert_nonnull (_adiuva_tasks_page_get_message (fixture->page));
  g_assert_nonnull (strstr (_adiuva_tasks_page_get_message (fixture->page), "Webshop"));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "Draft the offer #Webshop");
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 0);

  /* Creating the project makes the same line valid. */
  g_object_unref (add_project (fixture, "Webshop"));
  g_assert_true (adiuva_quick_add_model_get_can_add (_adiuva_tasks_page_get_chips (fixture->page)));
  g_signal_emit_by_name (entry, "activate");
  test_ui_wait_for_n_items (tasks, 1);
}

static void
test_project_filter_and_order (Fixture      *fixture,
                               gconstpointer data)
{
  GListModel *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  g_autoptr (AdiuvaProject) website = add_project (fixture, "Website");
  g_autofree char *website_id = NULL;
  g_autoptr (AdiuvaTask) first = NULL;

  type_and_enter (fixture, "Inbox task p3");
  type_and_enter (fixture, "Website task #Website p2");
  test_ui_wait_for_n_items (tasks, 2);

  website_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                adiuva_record_get_id (ADIUVA_RECORD (website)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.project", "s",
                                             website_id));
  test_ui_wait_for_n_items (tasks, 1);

  /* Typed while a project is shown, a task without #project goes to that project. */
  type_and_enter (fixture, "Another website task p1");
  test_ui_wait_for_n_items (tasks, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.project", "s",
                                             "inbox"));
  test_ui_wait_for_n_items (tasks, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.project", "s",
                                             "all"));
  test_ui_wait_for_n_items (tasks, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.order", "s",
                                             "priority"));
  /* Reordering keeps the count: wait for the reload by the first item instead. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  first = g_list_model_get_item (tasks, 0);
  g_assert_cmpstr (adiuva_task_get_title (first), ==, "Another website task");
}

static AdiuvaTask *
reload (Fixture    *fixture,
        AdiuvaTask *task)
{
  g_autoptr (GError) error = NULL;
  AdiuvaTask *saved = adiuva_store_get (fixture->store, ADIUVA_TYPE_TASK,
                                        adiuva_record_get_id (ADIUVA_RECORD (task)), &error);

  g_assert_no_error (error);

  return saved;
}

/* A done subtask with a tag, a comment on it, and a subtask of its own under @parent; what a
 * delete takes with @parent, read back as saved. */
static GPtrArray *
add_dependents (Fixture    *fixture,
                AdiuvaTask *parent)
{
  GPtrArray *saved = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (AdiuvaTask) subtask = adiuva_task_new ();
  g_autoptr (AdiuvaTask) step = adiuva_task_new ();
  g_autoptr (AdiuvaTaskComment) comment = adiuva_task_comment_new ();
  g_autoptr (AdiuvaTaskComment) on_subtask = adiuva_task_comment_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) error = NULL;
  const char *tags[] = { "draft", NULL };

  adiuva_task_set_title (subtask, "Outline");
  adiuva_task_set_parent_id (subtask, adiuva_record_get_id (ADIUVA_RECORD (parent)));
  adiuva_task_set_tags (subtask, tags);
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (subtask), &error));
  g_assert_true (adiuva_store_complete_task (fixture->store, subtask, now, NULL, &error));
  adiuva_task_set_title (step, "First heading");
  adiuva_task_set_parent_id (step, adiuva_record_get_id (ADIUVA_RECORD (subtask)));
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (step), &error));
  adiuva_task_comment_set_task_id (comment, adiuva_record_get_id (ADIUVA_RECORD (parent)));
  adiuva_task_comment_set_body (comment, "Ask Dana first");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (comment), &error));
  adiuva_task_comment_set_task_id (on_subtask, adiuva_record_get_id (ADIUVA_RECORD (subtask)));
  adiuva_task_comment_set_body (on_subtask, "Keep it short");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (on_subtask), &error));
  g_assert_no_error (error);

  g_ptr_array_add (saved, reload (fixture, subtask));
  g_ptr_array_add (saved, reload (fixture, step));
  g_ptr_array_add (saved, adiuva_store_get (fixture->store, ADIUVA_TYPE_TASK_COMMENT,
                                            adiuva_record_get_id (ADIUVA_RECORD (comment)),
                                            &error));
  g_ptr_array_add (saved, adiuva_store_get (fixture->store, ADIUVA_TYPE_TASK_COMMENT,
                                            adiuva_record_get_id (ADIUVA_RECORD (on_subtask)),
                                            &error));
  g_assert_no_error (error);

  return saved;
}

/* Each of @saved is in the store as it was, or (@present false) not at all. */
static void
assert_dependents (Fixture   *fixture,
                   GPtrArray *saved,
                   gboolean   present)
{
  for (guint i = 0; i < saved->len; i++)
    {
      AdiuvaRecord *record = g_ptr_array_index (saved, i);
      g_autoptr (AdiuvaRecord) again = NULL;
      g_autoptr (GError) error = NULL;

      again = adiuva_store_get (fixture->store, G_OBJECT_TYPE (record),
                                adiuva_record_get_id (record), &error);
      if (!present)
        {
          g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (adiuva_record_get_created_at (again), ==,
                       adiuva_record_get_created_at (record));
      g_assert_cmpint (adiuva_record_get_updated_at (again), ==,
                       adiuva_record_get_updated_at (record));
      if (ADIUVA_IS_TASK (record))
        {
          AdiuvaTask *task = ADIUVA_TASK (record);
          AdiuvaTask *task_again = ADIUVA_TASK (again);

          g_assert_cmpstr (adiuva_task_get_title (task_again), ==, adiuva_task_get_title (task));
          g_assert_cmpint (adiuva_task_get_parent_id (task_again), ==,
                           adiuva_task_get_parent_id (task));
          g_assert_cmpint (adiuva_task_get_status (task_again), ==, adiuva_task_get_status (task));
          g_assert_cmpint (adiuva_task_get_completed_at (task_again), ==,
                           adiuva_task_get_completed_at (task));
          g_assert_cmpfloat (adiuva_task_get_position (task_again), ==,
                             adiuva_task_get_position (task));
          g_assert_cmpstrv (adiuva_task_get_tags (task_again), adiuva_task_get_tags (task));
        }
      else
        {
          AdiuvaTaskComment *comment = ADIUVA_TASK_COMMENT (record);
          AdiuvaTaskComment *comment_again = ADIUVA_TASK_COMMENT (again);

          g_assert_cmpint (adiuva_task_comment_get_task_id (comment_again), ==,
                           adiuva_task_comment_get_task_id (comment));
          g_assert_cmpstr (adiuva_task_comment_get_body (comment_again), ==,
                           adiuva_task_comment_get_body (comment));
        }
    }
}

/* Clicking a task opens its details beside the list; changes are saved, Escape closes. */
static void
test_details (Fixture      *fixture,
              gconstpointer data)
{
  GListModel *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) saved = NULL;
  g_autoptr (GPtrArray) dependents = NULL;
  AdiuvaTaskDetails *details;
  GtkWidget         *undo;

  type_and_enter (fixture, "Write the proposal p2");
  test_ui_wait_for_n_items (tasks, 1);
  task = g_list_model_get_item (tasks, 0);
  wait_for_row (fixture, "Write the proposal");
  g_assert_null (_adiuva_tasks_page_get_details (fixture->page));

  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 0);
  details = _adiuva_tasks_page_get_details (fixture->page);
  g_assert_nonnull (details);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (adiuva_task_details_get_task (details))),
                   ==, adiuva_record_get_id (ADIUVA_RECORD (task)));

  _adiuva_task_details_apply_due (details, "someday maybe");
  g_assert_nonnull (_adiuva_task_details_get_message (details));
  _adiuva_task_details_apply_due (details, "2026-12-01 5pm");
  g_assert_null (_adiuva_task_details_get_message (details));
  _adiuva_task_details_set_notes (details, "Two pages, with the budget.");
  test_ui_screenshot (GTK_WIDGET (fixture->window), "task-details");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.close-details",
                                             NULL));
  g_assert_null (_adiuva_tasks_page_get_details (fixture->page));
  saved = reload (fixture, task);
  g_assert_cmpstr (adiuva_task_get_due (saved), ==, "2026-12-01T17:00:00");
  g_assert_cmpstr (adiuva_task_get_notes (saved), ==, "Two pages, with the budget.");
  g_assert_cmpint (adiuva_task_get_priority (saved), ==, 2);

  /* An empty due date takes it away. */
  _adiuva_task_details_apply_due (details, "");
  g_clear_object (&saved);
  saved = reload (fixture, task);
  g_assert_null (adiuva_task_get_due (saved));
  _adiuva_task_details_apply_due (details, "2026-12-01 5pm");

  /* Deleting asks nothing and can be undone from the toast, subtasks and comments included. */
  test_ui_wait_for_n_items (tasks, 1);
  dependents = add_dependents (fixture, task);
  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.delete-task",
                                             NULL));
  test_ui_wait_for_n_items (tasks, 0);
  assert_dependents (fixture, dependents, FALSE);
  undo = test_ui_find_descendant (GTK_WIDGET (fixture->toasts), GTK_TYPE_BUTTON, "_Undo");
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  test_ui_wait_for_n_items (tasks, 1);
  g_clear_object (&saved);
  saved = g_list_model_get_item (tasks, 0);
  g_assert_cmpstr (adiuva_task_get_title (saved), ==, "Write the proposal");
  g_assert_cmpstr (adiuva_task_get_notes (saved), ==, "Two pages, with the budget.");
  assert_dependents (fixture, dependents, TRUE);
}

/* The rest of the details: when the work starts, how the task repeats, and comments on it. */
static void
test_details_start_recurrence_comments (Fixture      *fixture,
                                        gconstpointer data)
{
  GListModel *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) saved = NULL;
  g_autoptr (GListModel) stored_comments = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *rule = NULL;
  AdiuvaTaskDetails *details;
  GListModel        *comments;

  type_and_enter (fixture, "Send the monthly report");
  test_ui_wait_for_n_items (tasks, 1);
  task = g_list_model_get_item (tasks, 0);
  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 0);
  details = _adiuva_tasks_page_get_details (fixture->page);
  g_assert_nonnull (details);

  _adiuva_task_details_apply_start (details, "when I feel like it");
  g_assert_nonnull (_adiuva_task_details_get_message (details));
  _adiuva_task_details_apply_start (details, "2026-11-30");
  g_assert_null (_adiuva_task_details_get_message (details));

  /* A repeat the store cannot read is said, and the old one stays. */
  _adiuva_task_details_apply_recurrence (details, "every 2 weeks on mon");
  g_assert_null (_adiuva_task_details_get_message (details));
  _adiuva_task_details_apply_recurrence (details, "every blue moon");
  g_assert_nonnull (_adiuva_task_details_get_message (details));
  g_assert_nonnull (strstr (_adiuva_task_details_get_message (details), "every 2 weeks on mon"));

  comments = _adiuva_task_details_get_comments (details);
  _adiuva_task_details_add_comment (details, "   ");
  _adiuva_task_details_add_comment (details, "Asked for the figures on Friday");
  test_ui_wait_for_n_items (comments, 1);
  g_assert_nonnull (test_ui_find_descendant (GTK_WIDGET (details), GTK_TYPE_LABEL,
                                             "Asked for the figures on Friday"));
  test_ui_screenshot (GTK_WIDGET (fixture->window), "task-details-more");

  saved = reload (fixture, task);
  g_assert_cmpstr (adiuva_task_get_start (saved), ==, "2026-11-30");
  rule = adiuva_recurrence_from_text ("every 2 weeks on mon", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_task_get_recurrence (saved), ==, rule);
  stored_comments = adiuva_store_list_task_comments (
      fixture->store, adiuva_record_get_id (ADIUVA_RECORD (task)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (stored_comments), ==, 1);

  /* Another task has its own (no) comments; coming back shows these again. */
  type_and_enter (fixture, "Another task");
  test_ui_wait_for_n_items (tasks, 2);
  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 1);
  g_assert_cmpuint (g_list_model_get_n_items (comments), ==, 0);
  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 0);
  g_assert_cmpuint (g_list_model_get_n_items (comments), ==, 1);

  /* Emptied, the task no longer repeats and has no start. */
  _adiuva_task_details_apply_recurrence (details, "");
  _adiuva_task_details_apply_start (details, "");
  g_clear_object (&saved);
  saved = reload (fixture, task);
  g_assert_null (adiuva_task_get_recurrence (saved));
  g_assert_null (adiuva_task_get_start (saved));
}

/* Subtasks live in their parent's details; the list shows the parent with a count. */
static void
test_subtasks (Fixture      *fixture,
               gconstpointer data)
{
  GListModel        *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  AdiuvaTaskDetails *details;
  GListModel        *subtasks;
  AdiuvaTaskRow     *row;
  GtkWidget         *subtask_row;

  type_and_enter (fixture, "Prepare the workshop");
  test_ui_wait_for_n_items (tasks, 1);
  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 0);
  details = _adiuva_tasks_page_get_details (fixture->page);
  g_assert_nonnull (details);

  _adiuva_task_details_add_subtask (details, "Book the room friday");
  _adiuva_task_details_add_subtask (details, "Print the handouts");
  subtasks = _adiuva_task_details_get_subtasks (details);
  test_ui_wait_for_n_items (subtasks, 2);
  /* The list keeps to top-level tasks. */
  test_ui_wait_for_n_items (tasks, 1);
  /* The list reads its tasks again in the background: the row may be made anew meanwhile. */
  row = wait_for_row (fixture, "Prepare the workshop");
  while (g_strcmp0 (_adiuva_task_row_get_details (row), "2 subtasks") != 0)
    {
      g_main_context_iteration (NULL, TRUE);
      row = wait_for_row (fixture, "Prepare the workshop");
    }
  test_ui_screenshot (GTK_WIDGET (fixture->window), "subtasks");

  /* Completing one in the details counts down. */
  subtask_row = test_ui_find_descendant (GTK_WIDGET (details), ADIUVA_TYPE_TASK_ROW,
                                         "Print the handouts");
  g_assert_nonnull (subtask_row);
  gtk_check_button_set_active (_adiuva_task_row_get_check (ADIUVA_TASK_ROW (subtask_row)), TRUE);
  row = wait_for_row (fixture, "Prepare the workshop");
  while (g_strcmp0 (_adiuva_task_row_get_details (row), "1 subtask") != 0)
    {
      g_main_context_iteration (NULL, TRUE);
      row = wait_for_row (fixture, "Prepare the workshop");
    }
}

static char *
titles (GListModel *tasks)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (tasks, i);

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", adiuva_task_get_title (task));
    }

  return g_string_free (text, FALSE);
}

static gint64
task_id_at (GListModel *tasks,
            guint       position)
{
  g_autoptr (AdiuvaTask) task = g_list_model_get_item (tasks, position);

  return adiuva_record_get_id (ADIUVA_RECORD (task));
}

/* What a drop does: in the manual order, the dragged task goes before the one it lands on. */
static void
test_reorder (Fixture      *fixture,
              gconstpointer data)
{
  GListModel      *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  type_and_enter (fixture, "First p3");
  type_and_enter (fixture, "Second p1");
  type_and_enter (fixture, "Third p2");
  test_ui_wait_for_n_items (tasks, 3);
  before = titles (tasks);
  g_assert_cmpstr (before, ==, "First, Second, Third");

  g_assert_true (_adiuva_tasks_page_move_task (fixture->page, task_id_at (tasks, 2),
                                               task_id_at (tasks, 0)));
  /* The list reloads after the change: wait for the new first one. */
  for (after = titles (tasks); !g_str_has_prefix (after, "Third"); after = titles (tasks))
    {
      g_free (after);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpstr (after, ==, "Third, First, Second");

  /* Sorted by priority there is no place to move to. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.order", "s",
                                             "priority"));
  g_assert_false (_adiuva_tasks_page_move_task (fixture->page, task_id_at (tasks, 2),
                                                task_id_at (tasks, 0)));
}

static AdiuvaTask *
focused_task (Fixture *fixture)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));

  if (focus == NULL || !ADIUVA_IS_TASK_ROW (gtk_widget_get_first_child (focus)))
    return NULL;

  return adiuva_task_row_get_task (ADIUVA_TASK_ROW (gtk_widget_get_first_child (focus)));
}

typedef struct
{
  Fixture    *fixture;
  const char *titles;
  const char *focused;
} OrderWait;

static gboolean
in_order_with_focus (gpointer data)
{
  OrderWait       *wait = data;
  g_autofree char *shown = titles (_adiuva_tasks_page_get_tasks (wait->fixture->page));
  AdiuvaTask      *focused = focused_task (wait->fixture);

  return g_str_equal (shown, wait->titles) && focused != NULL &&
         g_str_equal (adiuva_task_get_title (focused), wait->focused);
}

static void
move_focused (Fixture    *fixture,
              const char *action,
              const char *titles_after,
              const char *focused)
{
  OrderWait wait = { fixture, titles_after, focused };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action, NULL));
  test_ui_wait_until (in_order_with_focus, &wait);
}

/* Alt+Up and Alt+Down move the task that has the keyboard, which keeps it. */
static void
test_reorder_by_keyboard (Fixture      *fixture,
                          gconstpointer data)
{
  GListModel    *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  AdiuvaTaskRow *row;

  type_and_enter (fixture, "First");
  type_and_enter (fixture, "Second");
  type_and_enter (fixture, "Third");
  test_ui_wait_for_n_items (tasks, 3);

  row = wait_for_row (fixture, "Third");
  gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (row)));
  move_focused (fixture, "tasks.move-up", "First, Third, Second", "Third");
  move_focused (fixture, "tasks.move-up", "Third, First, Second", "Third");
  /* At the top it stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.move-up", NULL));
  g_assert_null (_adiuva_tasks_page_get_message (fixture->page));
  move_focused (fixture, "tasks.move-down", "First, Third, Second", "Third");
  /* Down past the last but one is the end. */
  move_focused (fixture, "tasks.move-down", "First, Second, Third", "Third");

  /* Sorted otherwise, the order is not the user's to change: it says so. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.order", "s",
                                             "title"));
  row = wait_for_row (fixture, "Second");
  gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.move-up", NULL));
  g_assert_nonnull (_adiuva_tasks_page_get_message (fixture->page));
}

static void
select_positions (Fixture *fixture,
                  guint    first,
                  guint    second)
{
  GtkSelectionModel *selection = _adiuva_tasks_page_get_selection (fixture->page);

  g_assert_true (gtk_selection_model_select_item (selection, first, TRUE));
  if (second != first)
    g_assert_true (gtk_selection_model_select_item (selection, second, FALSE));
}

/* The newest toast's Undo: an older toast may still be on its way out. */
static GtkWidget *
find_last_undo (GtkWidget *root)
{
  GtkWidget *last = NULL;

  if (gtk_widget_get_mapped (root) && GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), "_Undo") == 0)
    last = root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_last_undo (child);

      if (found != NULL)
        last = found;
    }

  return last;
}

static void
click_undo (Fixture *fixture)
{
  GtkWidget *undo = find_last_undo (GTK_WIDGET (fixture->toasts));

  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
}

/* The first mapped button under @root with @tooltip (icon buttons are known by it). */
static GtkWidget *
find_button_by_tooltip (GtkWidget  *root,
                        const char *tooltip)
{
  if (gtk_widget_get_mapped (root) && GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_by_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Enter or Space on the button, once its pressed look is over: a click. */
static void
press_button (AdiuvaTaskDetails *details,
              const char        *tooltip)
{
  GtkWidget *button = find_button_by_tooltip (GTK_WIDGET (details), tooltip);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* What pressing Escape in @widget does through its own key bindings (GTK 4.8 cannot send it
 * a key): %FALSE when it lets the key go on to its parents. */
static gboolean
press_escape (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_Escape &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }

  return FALSE;
}

static GtkWidget *
focus_of (Fixture *fixture)
{
  return gtk_root_get_focus (GTK_ROOT (fixture->window));
}

/* The comment being edited: its entry row has the keyboard. */
static AdwEntryRow *
focused_comment_editor (Fixture *fixture)
{
  GtkWidget *focus = focus_of (fixture);
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW) : NULL;

  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Edit comment");

  return ADW_ENTRY_ROW (row);
}

/* Types @text into the editor and presses Enter (GtkText's activate, as Enter does). */
static void
type_comment_and_enter (Fixture    *fixture,
                        const char *text)
{
  AdwEntryRow *editor = focused_comment_editor (fixture);
  GtkWidget   *entry = gtk_widget_get_ancestor (focus_of (fixture), GTK_TYPE_TEXT);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (editor), text);
  g_signal_emit_by_name (entry, "activate");
}

static char *
stored_comment_bodies (Fixture    *fixture,
                       AdiuvaTask *task)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) comments = adiuva_store_list_task_comments (
      fixture->store, adiuva_record_get_id (ADIUVA_RECORD (task)), &error);
  g_autoptr (GString) bodies = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (comments); i++)
    {
      g_autoptr (AdiuvaTaskComment) comment = g_list_model_get_item (comments, i);

      g_string_append_printf (bodies, "%s%s", i > 0 ? " | " : "",
                              adiuva_task_comment_get_body (comment));
    }

  return g_string_free (g_steal_pointer (&bodies), FALSE);
}

static void
assert_stored_comments (Fixture    *fixture,
                        AdiuvaTask *task,
                        const char *expected)
{
  g_autofree char *bodies = stored_comment_bodies (fixture, task);

  g_assert_cmpstr (bodies, ==, expected);
}

/* A comment is edited in place and deleted with an Undo, all from the keyboard: the Edit and
 * Delete buttons of each comment, Enter to save, Escape to cancel. */
static void
test_comments_edit_delete (Fixture      *fixture,
                           gconstpointer data)
{
  GListModel *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  g_autoptr (AdiuvaTask) task = NULL;
  AdiuvaTaskDetails *details;
  GListModel        *comments;
  GtkWidget         *focus;

  type_and_enter (fixture, "Send the quote");
  test_ui_wait_for_n_items (tasks, 1);
  task = g_list_model_get_item (tasks, 0);
  g_signal_emit_by_name (_adiuva_tasks_page_get_list_view (fixture->page), "activate", 0);
  details = _adiuva_tasks_page_get_details (fixture->page);
  comments = _adiuva_task_details_get_comments (details);
  _adiuva_task_details_add_comment (details, "Anna wants it by Friday");
  _adiuva_task_details_add_comment (details, "Ask about the print run");
  test_ui_wait_for_n_items (comments, 2);

  /* Not editing, Escape is not the editor's: it goes on to close the pane. */
  g_assert_false (press_escape (GTK_WIDGET (details)));

  /* Edit, then Escape: nothing changes, and the keyboard is back on that comment. */
  press_button (details, "Edit Comment");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (focused_comment_editor (fixture))), ==,
                   "Anna wants it by Friday");
  gtk_editable_set_text (GTK_EDITABLE (focused_comment_editor (fixture)), "Lost words");
  g_assert_true (press_escape (GTK_WIDGET (details)));
  assert_stored_comments (fixture, task, "Anna wants it by Friday | Ask about the print run");
  focus = focus_of (fixture);
  g_assert_true (ADW_IS_ACTION_ROW (focus));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (focus)), ==,
                   "Anna wants it by Friday");

  /* An empty comment is refused with a word on what to do; the editor keeps the keyboard. */
  press_button (details, "Edit Comment");
  type_comment_and_enter (fixture, "   ");
  g_assert_nonnull (_adiuva_task_details_get_message (details));
  focused_comment_editor (fixture);
  assert_stored_comments (fixture, task, "Anna wants it by Friday | Ask about the print run");

  /* Enter saves; the keyboard is back on the comment, as it now reads. */
  type_comment_and_enter (fixture, "  Anna wants it by Thursday ");
  g_assert_null (_adiuva_task_details_get_message (details));
  assert_stored_comments (fixture, task, "Anna wants it by Thursday | Ask about the print run");
  focus = focus_of (fixture);
  g_assert_true (ADW_IS_ACTION_ROW (focus));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (focus)), ==,
                   "Anna wants it by Thursday");
  g_assert_false (press_escape (GTK_WIDGET (details)));

  /* The editor's own button saves too. */
  press_button (details, "Edit Comment");
  gtk_editable_set_text (GTK_EDITABLE (focused_comment_editor (fixture)),
                         "Anna wants it by Thursday noon");
  press_button (details, "Save Comment");
  assert_stored_comments (fixture, task,
                          "Anna wants it by Thursday noon | Ask about the print run");

  /* Delete: gone at once, the keyboard on the next comment, and back with Undo. */
  press_button (details, "Delete Comment");
  test_ui_wait_for_n_items (comments, 1);
  assert_stored_comments (fixture, task, "Ask about the print run");
  focus = focus_of (fixture);
  g_assert_true (ADW_IS_ACTION_ROW (focus));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (focus)), ==,
                   "Ask about the print run");
  click_undo (fixture);
  test_ui_wait_for_n_items (comments, 2);
  /* Back as it was, with its id and time, so in its place again. */
  assert_stored_comments (fixture, task,
                          "Anna wants it by Thursday noon | Ask about the print run");

  /* The last one deleted, the keyboard goes to the line that adds one. */
  press_button (details, "Delete Comment");
  press_button (details, "Delete Comment");
  test_ui_wait_for_n_items (comments, 0);
  assert_stored_comments (fixture, task, "");
  g_assert_nonnull (gtk_widget_get_ancestor (focus_of (fixture), ADW_TYPE_ENTRY_ROW));
}

/* Several tasks at once: complete, move, delete, each with one Undo. */
static void
test_bulk (Fixture      *fixture,
           gconstpointer data)
{
  GListModel *tasks = _adiuva_tasks_page_get_tasks (fixture->page);
  g_autoptr (AdiuvaProject) website = add_project (fixture, "Website");
  g_autofree char *website_id = NULL;
  g_autoptr (AdiuvaTask) first = NULL;
  g_autoptr (AdiuvaTask) second = NULL;
  g_autoptr (GPtrArray) first_dependents = NULL;
  g_autoptr (GPtrArray) second_dependents = NULL;

  type_and_enter (fixture, "One");
  type_and_enter (fixture, "Two");
  type_and_enter (fixture, "Three");
  test_ui_wait_for_n_items (tasks, 3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.selection-mode",
                                             NULL));
  g_assert_true (GTK_IS_MULTI_SELECTION (_adiuva_tasks_page_get_selection (fixture->page)));
  select_positions (fixture, 0, 2);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "tasks-selection");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "tasks.complete-selected", NULL));
  test_ui_wait_for_n_items (tasks, 1);
  click_undo (fixture);
  test_ui_wait_for_n_items (tasks, 3);

  website_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                adiuva_record_get_id (ADIUVA_RECORD (website)));
  select_positions (fixture, 0, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.move-selected",
                                             "s", website_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.project", "s",
                                             website_id));
  test_ui_wait_for_n_items (tasks, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.project", "s",
                                             "all"));
  test_ui_wait_for_n_items (tasks, 3);

  /* Deleted tasks come back with their subtasks, all levels, and comments, as they were. */
  first = g_list_model_get_item (tasks, 1);
  second = g_list_model_get_item (tasks, 2);
  first_dependents = add_dependents (fixture, first);
  second_dependents = add_dependents (fixture, second);
  select_positions (fixture, 1, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.delete-selected",
                                             NULL));
  test_ui_wait_for_n_items (tasks, 1);
  assert_dependents (fixture, first_dependents, FALSE);
  assert_dependents (fixture, second_dependents, FALSE);
  click_undo (fixture);
  test_ui_wait_for_n_items (tasks, 3);
  assert_dependents (fixture, first_dependents, TRUE);
  assert_dependents (fixture, second_dependents, TRUE);

  /* Escape leaves the selection; clicks open tasks again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "tasks.leave-selection",
                                             NULL));
  g_assert_true (GTK_IS_NO_SELECTION (_adiuva_tasks_page_get_selection (fixture->page)));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/ui/tasks/add-and-complete", Fixture, NULL, fixture_set_up, test_add_and_complete,
              fixture_tear_down);
  g_test_add ("/ui/tasks/unknown-project", Fixture, NULL, fixture_set_up, test_unknown_project,
              fixture_tear_down);
  g_test_add ("/ui/tasks/project-filter-and-order", Fixture, NULL, fixture_set_up,
              test_project_filter_and_order, fixture_tear_down);

  g_test_add ("/ui/tasks/details", Fixture, NULL, fixture_set_up, test_details,
              fixture_tear_down);
  g_test_add ("/ui/tasks/details-start-recurrence-comments", Fixture, NULL, fixture_set_up,
              test_details_start_recurrence_comments, fixture_tear_down);
  g_test_add ("/ui/tasks/comments-edit-delete", Fixture, NULL, fixture_set_up,
              test_comments_edit_delete, fixture_tear_down);
  g_test_add ("/ui/tasks/subtasks", Fixture, NULL, fixture_set_up, test_subtasks,
              fixture_tear_down);
  g_test_add ("/ui/tasks/reorder", Fixture, NULL, fixture_set_up, test_reorder,
              fixture_tear_down);
  g_test_add ("/ui/tasks/reorder-by-keyboard", Fixture, NULL, fixture_set_up,
              test_reorder_by_keyboard, fixture_tear_down);
  g_test_add ("/ui/tasks/bulk", Fixture, NULL, fixture_set_up, test_bulk, fixture_tear_down);

  return g_test_run ();
}
