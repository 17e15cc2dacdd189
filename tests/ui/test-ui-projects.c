/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-projects"

#include "config.h"

#include "adiuva-checkpoint-dialog.h"
#include "adiuva-client-dialog.h"
#include "adiuva-page-stack.h"
#include "adiuva-project-dialog.h"
#include "adiuva-project-page-private.h"
#include "adiuva-projects-page-private.h"
#include "adiuva-task-row.h"
#include "adiuva-window-private.h"
#include "test-ui-util.h"

/* A project's own page, pushed inside the Projects page: its open tasks, checkpoints and
 * notes, what adds to them, its colour and status, and the archive. */

typedef struct
{
  char         *dir;
  AdiuvaWindow *window;
  AdiuvaStore  *store; /* the window's */
  gint64        website_id;
  gint64        other_id;
  gint64        old_site_id;
} Fixture;

static gint64
add_record (AdiuvaStore  *store,
            AdiuvaRecord *record)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (adiuva_store_add (store, record, &error));
  g_assert_no_error (error);

  return adiuva_record_get_id (record);
}

static gint64
add_project (AdiuvaStore *store,
             const char  *name,
             gint64       client_id,
             gboolean     archived)
{
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();

  adiuva_project_set_name (project, name);
  adiuva_project_set_client_id (project, client_id);
  adiuva_project_set_archived (project, archived);

  return add_record (store, ADIUVA_RECORD (project));
}

static void
add_task (AdiuvaStore *store,
          gint64       project_id,
          const char  *title,
          gboolean     done)
{
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();

  adiuva_task_set_title (task, title);
  adiuva_task_set_project_id (task, project_id);
  if (done)
    adiuva_task_set_status (task, ADIUVA_TASK_STATUS_DONE);
  add_record (store, ADIUVA_RECORD (task));
}

static void
add_checkpoint (AdiuvaStore *store,
                gint64       project_id,
                const char  *title,
                int          days_from_now)
{
  g_autoptr (AdiuvaCheckpoint) checkpoint = adiuva_checkpoint_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) date = g_date_time_add_days (now, days_from_now);
  g_autofree char *date_text = g_date_time_format (date, "%Y-%m-%d");

  adiuva_checkpoint_set_project_id (checkpoint, project_id);
  adiuva_checkpoint_set_title (checkpoint, title);
  adiuva_checkpoint_set_date (checkpoint, date_text);
  add_record (store, ADIUVA_RECORD (checkpoint));
}

static gboolean
in_workspace (gpointer data)
{
  return g_strcmp0 (_adiuva_window_get_state (data), "workspace") == 0;
}

static gboolean
unlockable (gpointer data)
{
  return g_strcmp0 (_adiuva_window_get_state (data), "unlock") == 0;
}

/* A workspace with ACME's Website (tasks, checkpoints, a note), another project, and an
 * archived one; the window open on it. */
static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaClient) client = adiuva_client_new ();
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  gint64 client_id;

  fixture->dir = test_ui_make_dir ();
  store = test_ui_create_store (fixture->dir);
  adiuva_client_set_name (client, "ACME");
  client_id = add_record (store, ADIUVA_RECORD (client));
  fixture->website_id = add_project (store, "Website", client_id, FALSE);
  fixture->other_id = add_project (store, "Errands", 0, FALSE);
  fixture->old_site_id = add_project (store, "Old site", client_id, TRUE);
  add_task (store, fixture->website_id, "Draft the homepage", FALSE);
  add_task (store, fixture->website_id, "Sign the contract", TRUE);
  add_task (store, fixture->other_id, "Buy stamps", FALSE);
  add_checkpoint (store, fixture->website_id, "Wireframes", -3);
  add_checkpoint (store, fixture->website_id, "Launch", 5);
  add_checkpoint (store, fixture->other_id, "Post office", 1);
  adiuva_note_set_title (note, "Meeting notes");
  adiuva_note_set_body (note, "\nThey want it in blue.\nAnd fast.");
  adiuva_note_set_project_id (note, fixture->website_id);
  add_record (store, ADIUVA_RECORD (note));
  g_clear_object (&store);

  /* A width in the test's data: the window opens that wide. */
  if (data != NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");

      g_settings_set_int (settings, "window-width", GPOINTER_TO_INT (data));
    }
  fixture->window = adiuva_window_new (NULL, fixture->dir);
  gtk_window_present (GTK_WINDOW (fixture->window));
  test_ui_wait_until (unlockable, fixture->window);
  g_signal_emit_by_name (_adiuva_window_get_state_child (fixture->window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  test_ui_wait_until (in_workspace, fixture->window);
  fixture->store = adiuva_window_get_store (fixture->window);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");

  test_ui_destroy_window (GTK_WINDOW (fixture->window));
  g_settings_reset (settings, "window-width");
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static AdiuvaProjectsPage *
projects_page (Fixture *fixture)
{
  return ADIUVA_PROJECTS_PAGE (_adiuva_window_get_page (fixture->window, "projects"));
}

/* Opens a project the way quick find and other pages do. */
static AdiuvaProjectPage *
open_project (Fixture *fixture,
              gint64   project_id)
{
  AdiuvaProjectPage *page;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-project",
                                             "x", project_id));
  page = _adiuva_projects_page_get_project_page (projects_page (fixture));
  g_assert_nonnull (page);
  g_assert_cmpint (adiuva_project_page_get_project_id (page), ==, project_id);

  return page;
}

typedef struct
{
  GtkWidget  *root;
  GType       type;
  const char *text;
  gboolean    present;
} Search;

static gboolean
search_done (gpointer data)
{
  Search *search = data;

  return (test_ui_find_descendant (search->root, search->type, search->text) != NULL) ==
         search->present;
}

static void
wait_until_shown (gpointer    root,
                  GType       type,
                  const char *text)
{
  Search search = { root, type, text, TRUE };

  test_ui_wait_until (search_done, &search);
}

static void
wait_until_gone (gpointer    root,
                 GType       type,
                 const char *text)
{
  Search search = { root, type, text, FALSE };

  test_ui_wait_until (search_done, &search);
}

/* Lets idle rebuilds and list reloads run. */
static void
settle (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
row_of (GtkWidget  *root,
        const char *title)
{
  GtkWidget *label = test_ui_find_descendant (root, GTK_TYPE_LABEL, title);

  g_assert_nonnull (label);
  return gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW);
}

static AdiuvaProject *
get_project (Fixture *fixture,
             gint64   id)
{
  g_autoptr (GError) error = NULL;
  AdiuvaProject *project = adiuva_store_get (fixture->store, ADIUVA_TYPE_PROJECT, id, &error);

  g_assert_no_error (error);
  return project;
}

/* The page lists the project's open tasks, its checkpoints (overdue ones marked) and its
 * notes, nothing of other projects; each line adds to the project; back returns to the list. */
static void
test_project_page (Fixture      *fixture,
                   gconstpointer data)
{
  AdiuvaProjectPage *page;
  g_autoptr (GListModel) notes = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaNote *note;

  page = open_project (fixture, fixture->website_id);
  wait_until_shown (page, ADIUVA_TYPE_TASK_ROW, "Draft the homepage");
  wait_until_shown (page, GTK_TYPE_LABEL, "Wireframes");
  wait_until_shown (page, GTK_TYPE_LABEL, "Meeting notes");
  g_assert_nonnull (test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_LABEL, "Website"));
  g_assert_nonnull (test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_LABEL, "ACME · Active"));
  g_assert_nonnull (test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_LABEL, "Launch"));
  g_assert_nonnull (
      test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_LABEL, "They want it in blue."));
  g_assert_null (test_ui_find_descendant (GTK_WIDGET (page), ADIUVA_TYPE_TASK_ROW,
                                          "Sign the contract"));
  g_assert_null (test_ui_find_descendant (GTK_WIDGET (page), ADIUVA_TYPE_TASK_ROW, "Buy stamps"));
  g_assert_null (test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_LABEL, "Post office"));
  g_assert_true (gtk_widget_has_css_class (row_of (GTK_WIDGET (page), "Wireframes"), "overdue"));
  g_assert_false (gtk_widget_has_css_class (row_of (GTK_WIDGET (page), "Launch"), "overdue"));

  /* A task typed here goes to this project even when it names another. */
  _adiuva_project_page_add_task (page, "Send the mockups tomorrow #Errands");
  g_assert_null (_adiuva_project_page_get_message (page));
  wait_until_shown (page, ADIUVA_TYPE_TASK_ROW, "Send the mockups");

  /* A checkpoint needs a date as well as a title. */
  _adiuva_project_page_add_checkpoint (page, "Design review");
  g_assert_nonnull (_adiuva_project_page_get_message (page));
  _adiuva_project_page_add_checkpoint (page, "Design review friday");
  g_assert_null (_adiuva_project_page_get_message (page));
  wait_until_shown (page, GTK_TYPE_LABEL, "Design review");

  _adiuva_project_page_add_note (page, "Kick-off");
  wait_until_shown (page, GTK_TYPE_LABEL, "Kick-off");
  notes = adiuva_store_list_notes (fixture->store, fixture->website_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 2);
  note = g_list_model_get_item (notes, 0);
  g_assert_cmpstr (adiuva_note_get_title (note), ==, "Kick-off");
  g_object_unref (note);

  test_ui_screenshot (GTK_WIDGET (fixture->window), "project-page");
  test_ui_screenshot_dark (GTK_WIDGET (fixture->window), "project-page-dark");

  /* Ctrl+L, Ctrl+M and Ctrl+Shift+N take the keyboard to the lines that add. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.focus", "s", "note"));
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                             ADW_TYPE_ENTRY_ROW));

  /* A note opens on the Notes page. */
  gtk_widget_activate (row_of (GTK_WIDGET (page), "Meeting notes"));
  g_assert_cmpstr (adiuva_page_stack_get_visible_child_name (ADIUVA_PAGE_STACK (
                       gtk_widget_get_parent (_adiuva_window_get_page (fixture->window, "notes")))),
                   ==, "notes");

  /* Back to the list, with the project's row focused. */
  page = open_project (fixture, fixture->website_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.back", NULL));
  g_assert_null (_adiuva_projects_page_get_project_page (projects_page (fixture)));
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                             ADW_TYPE_ACTION_ROW));

  /* From the list, a project's row opens its page. */
  gtk_widget_activate (row_of (GTK_WIDGET (projects_page (fixture)), "Errands"));
  page = _adiuva_projects_page_get_project_page (projects_page (fixture));
  g_assert_nonnull (page);
  wait_until_shown (page, ADIUVA_TYPE_TASK_ROW, "Buy stamps");
  g_assert_null (test_ui_find_descendant (GTK_WIDGET (page), ADIUVA_TYPE_TASK_ROW,
                                          "Draft the homepage"));
}

static GtkWidget *
find_colour_button (GtkWidget  *root,
                    const char *colour)
{
  GVariant *target;

  if (GTK_IS_TOGGLE_BUTTON (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), "project.colour") == 0 &&
      (target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root))) != NULL &&
      g_strcmp0 (g_variant_get_string (target, NULL), colour) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_colour_button (child, colour);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Colour and status change on the page and are saved; the list shows them. */
static void
test_colour_and_status (Fixture      *fixture,
                        gconstpointer data)
{
  AdiuvaProjectPage *page = open_project (fixture, fixture->website_id);
  g_autoptr (AdiuvaProject) project = NULL;
  GtkWidget *rose, *teal;

  rose = find_colour_button (GTK_WIDGET (page), "#d4879a");
  teal = find_colour_button (GTK_WIDGET (page), "#5f9ea3");
  g_assert_nonnull (rose);
  g_assert_nonnull (teal);
  g_assert_true (gtk_widget_get_focusable (rose));

  g_signal_emit_by_name (rose, "clicked");
  project = get_project (fixture, fixture->website_id);
  g_assert_cmpstr (adiuva_project_get_colour (project), ==, "#d4879a");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (rose)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (teal)));
  g_clear_object (&project);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.colour", "s",
                                             "#5f9ea3"));
  project = get_project (fixture, fixture->website_id);
  g_assert_cmpstr (adiuva_project_get_colour (project), ==, "#5f9ea3");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (teal)));
  g_clear_object (&project);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.status", "s", "paused"));
  project = get_project (fixture, fixture->website_id);
  g_assert_cmpint (adiuva_project_get_status (project), ==, ADIUVA_PROJECT_STATUS_PAUSED);
  g_clear_object (&project);
  wait_until_shown (page, GTK_TYPE_LABEL, "ACME · Paused");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.status", "s",
                                             "completed"));
  project = get_project (fixture, fixture->website_id);
  g_assert_cmpint (adiuva_project_get_status (project), ==, ADIUVA_PROJECT_STATUS_COMPLETED);
  g_clear_object (&project);

  /* What the store says is what a page opened afresh shows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.back", NULL));
  wait_until_shown (projects_page (fixture), GTK_TYPE_LABEL, "1 open task · Completed");
  page = open_project (fixture, fixture->other_id);
  page = open_project (fixture, fixture->website_id);
  {
    g_autofree char *status = NULL;
    g_autofree char *colour = NULL;

    g_object_get (page, "status", &status, "colour", &colour, NULL);
    g_assert_cmpstr (status, ==, "completed");
    g_assert_cmpstr (colour, ==, "#5f9ea3");
  }
}

static AdwToast *
shown_toast (Fixture *fixture)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (projects_page (fixture)),
                                                ADW_TYPE_TOAST_OVERLAY);

  return g_object_get_data (G_OBJECT (overlay), "adiuva-last-toast");
}

/* Archiving takes the project off the list, back there, with an Undo that brings it back. */
static void
test_archive_undo (Fixture      *fixture,
                   gconstpointer data)
{
  AdiuvaProjectPage *page = open_project (fixture, fixture->website_id);
  g_autoptr (AdiuvaProject) project = NULL;
  AdwToast *toast;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.archived", NULL));
  project = get_project (fixture, fixture->website_id);
  g_assert_true (adiuva_project_get_archived (project));
  g_clear_object (&project);
  g_assert_null (_adiuva_projects_page_get_project_page (projects_page (fixture)));
  wait_until_gone (projects_page (fixture), GTK_TYPE_LABEL, "Website");

  toast = shown_toast (fixture);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“Website” was archived");
  test_ui_screenshot (GTK_WIDGET (fixture->window), "project-archived");
  g_signal_emit_by_name (toast, "button-clicked");

  project = get_project (fixture, fixture->website_id);
  g_assert_false (adiuva_project_get_archived (project));
  g_clear_object (&project);
  wait_until_shown (projects_page (fixture), GTK_TYPE_LABEL, "Website");

  /* An archived project's page says so, and unarchives it. */
  page = open_project (fixture, fixture->old_site_id);
  wait_until_shown (page, GTK_TYPE_LABEL, "ACME · Active · Archived");
  g_assert_nonnull (test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Unarchive"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.archived", NULL));
  project = get_project (fixture, fixture->old_site_id);
  g_assert_false (adiuva_project_get_archived (project));
  g_assert_nonnull (_adiuva_projects_page_get_project_page (projects_page (fixture)));
  wait_until_shown (page, GTK_TYPE_BUTTON, "_Archive");
}

/* Archived projects are hidden until “Show archived projects” (Ctrl+H) is on. */
static void
test_show_archived (Fixture      *fixture,
                    gconstpointer data)
{
  GtkWidget *projects = GTK_WIDGET (projects_page (fixture));
  GtkWidget *old_site;

  g_assert_true (adiuva_window_show_page (fixture->window, "projects"));
  wait_until_shown (projects, GTK_TYPE_LABEL, "Website");
  settle ();
  g_assert_null (test_ui_find_descendant (projects, GTK_TYPE_LABEL, "Old site"));

  g_assert_true (gtk_widget_activate_action (projects, "projects.show-archived", NULL));
  wait_until_shown (projects, GTK_TYPE_LABEL, "Old site");
  old_site = row_of (projects, "Old site");
  g_assert_true (gtk_widget_has_css_class (old_site, "archived"));
  /* Counted on a worker thread: the count may come after the row. */
  wait_until_shown (old_site, GTK_TYPE_LABEL, "0 open tasks · Archived");
  g_assert_nonnull (test_ui_find_descendant (projects, GTK_TYPE_LABEL, "Website"));
  test_ui_screenshot (GTK_WIDGET (fixture->window), "projects-archived-shown");

  g_assert_true (gtk_widget_activate_action (projects, "projects.show-archived", NULL));
  wait_until_gone (projects, GTK_TYPE_LABEL, "Old site");
}

static gboolean
project_page_closed (gpointer data)
{
  return _adiuva_projects_page_get_project_page (data) == NULL;
}

/* A project deleted elsewhere (adiuva-cli, another window) takes its page away. */
static void
test_project_deleted (Fixture      *fixture,
                      gconstpointer data)
{
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (GError) error = NULL;

  open_project (fixture, fixture->website_id);
  project = get_project (fixture, fixture->website_id);
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  test_ui_wait_until (project_page_closed, projects_page (fixture));
  wait_until_gone (projects_page (fixture), GTK_TYPE_LABEL, "Website");
}

static gboolean
unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static gboolean
window_folded (gpointer data)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (gtk_widget_get_ancestor (data, ADW_TYPE_LEAFLET));

  return adw_leaflet_get_folded (leaflet);
}

/* At 360 px the project's page fits, and going back goes one level at a time: to the list,
 * then to the sidebar. */
static void
test_narrow (Fixture      *fixture,
             gconstpointer data)
{
  GtkWidget         *projects = GTK_WIDGET (projects_page (fixture));
  AdiuvaProjectPage *page = open_project (fixture, fixture->website_id);

  test_ui_wait_until (window_folded, projects);
  wait_until_shown (page, ADIUVA_TYPE_TASK_ROW, "Draft the homepage");
  test_ui_screenshot (GTK_WIDGET (fixture->window), "project-page-narrow");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.back", NULL));
  g_assert_null (_adiuva_projects_page_get_project_page (projects_page (fixture)));
  g_assert_true (gtk_widget_get_mapped (projects));
  g_assert_true (gtk_widget_activate_action (projects, "win.close-panel", NULL));
  test_ui_wait_until (unmapped, projects);
}

/* Dialogs */

/* The window of @type shown, once there is one. */
typedef struct
{
  GType      type;
  GtkWindow *found;
} DialogSearch;

static gboolean
dialog_shown (gpointer data)
{
  DialogSearch *search = data;
  GListModel   *toplevels = gtk_window_get_toplevels ();

  search->found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), search->type) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        search->found = window;
    }

  return search->found != NULL;
}

static AdwMessageDialog *
wait_for_dialog (GType type)
{
  DialogSearch search = { type, NULL };

  test_ui_wait_until (dialog_shown, &search);
  return ADW_MESSAGE_DIALOG (search.found);
}

static gboolean
dialog_gone (gpointer data)
{
  DialogSearch search = { GPOINTER_TO_SIZE (data), NULL };

  return !dialog_shown (&search);
}

static void
set_field (AdwMessageDialog *dialog,
           GType             type,
           const char       *name,
           const char       *text)
{
  GObject *field = gtk_widget_get_template_child (GTK_WIDGET (dialog), type, name);

  g_assert_nonnull (field);
  gtk_editable_set_text (GTK_EDITABLE (field), text);
}

static const char *
get_field (AdwMessageDialog *dialog,
           GType             type,
           const char       *name)
{
  return gtk_editable_get_text (
      GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), type, name)));
}

/* Clicks the response's button, and waits for the dialog to go. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  GType      type = G_OBJECT_TYPE (dialog);
  GtkWidget *button = test_ui_find_descendant (
      GTK_WIDGET (dialog), GTK_TYPE_BUTTON, adw_message_dialog_get_response_label (dialog, response));

  g_assert_nonnull (button);
  gtk_widget_activate (button);
  test_ui_wait_until (dialog_gone, GSIZE_TO_POINTER (type));
  settle ();
}

static gboolean
can_save (AdwMessageDialog *dialog)
{
  return adw_message_dialog_get_response_enabled (dialog, "save");
}

static void
choose_client (AdwMessageDialog *dialog,
               const char       *name)
{
  AdwComboRow *row = ADW_COMBO_ROW (
      gtk_widget_get_template_child (GTK_WIDGET (dialog), ADIUVA_TYPE_PROJECT_DIALOG, "client_row"));
  GListModel *names = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
  g_assert_not_reached ();
}

static AdiuvaClient *
find_client (Fixture    *fixture,
             const char *name)
{
  g_autoptr (GError) error = NULL;
  AdiuvaClient *client = adiuva_store_find_client (fixture->store, name, &error);

  /* %NULL when there is none. */
  if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
    g_clear_error (&error);
  g_assert_no_error (error);
  return client;
}

static AdiuvaProject *
find_project (Fixture    *fixture,
              const char *name)
{
  g_autoptr (GError) error = NULL;
  AdiuvaProject *project = adiuva_store_find_project (fixture->store, name, &error);

  /* %NULL when there is none. */
  if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
    g_clear_error (&error);
  g_assert_no_error (error);
  return project;
}

/* New Client… and New Project… make them with all their fields; an empty name cannot be
 * added; a new project opens its page, and both show in the list. */
static void
test_new_client_and_project (Fixture      *fixture,
                             gconstpointer data)
{
  GtkWidget         *projects = GTK_WIDGET (projects_page (fixture));
  AdwMessageDialog  *dialog;
  AdiuvaProjectPage *page;
  g_autoptr (AdiuvaClient) client = NULL;
  g_autoptr (AdiuvaProject) project = NULL;

  g_assert_true (adiuva_window_show_page (fixture->window, "projects"));
  g_assert_true (gtk_widget_activate_action (projects, "projects.new-client", NULL));
  dialog = wait_for_dialog (ADIUVA_TYPE_CLIENT_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "New Client");
  g_assert_false (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "name_row", "   ");
  g_assert_false (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "name_row", " Globex ");
  g_assert_true (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "email_row", "hank@globex.example");
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "notes_row", "Pays in 30 days");
  respond (dialog, "save");

  client = find_client (fixture, "Globex");
  g_assert_nonnull (client);
  g_assert_cmpstr (adiuva_client_get_email (client), ==, "hank@globex.example");
  g_assert_cmpstr (adiuva_client_get_notes (client), ==, "Pays in 30 days");
  /* A client without projects yet has its group, where it is edited. */
  wait_until_shown (projects, GTK_TYPE_LABEL, "Globex");

  /* Closing it (Escape) adds nothing. */
  g_assert_true (gtk_widget_activate_action (projects, "projects.new-client", NULL));
  dialog = wait_for_dialog (ADIUVA_TYPE_CLIENT_DIALOG);
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "name_row", "Initech");
  gtk_window_close (GTK_WINDOW (dialog));
  test_ui_wait_until (dialog_gone, GSIZE_TO_POINTER (ADIUVA_TYPE_CLIENT_DIALOG));
  settle ();
  g_assert_null (find_client (fixture, "Initech"));

  /* Cancel adds nothing. */
  g_assert_true (gtk_widget_activate_action (projects, "projects.new-project", NULL));
  dialog = wait_for_dialog (ADIUVA_TYPE_PROJECT_DIALOG);
  set_field (dialog, ADIUVA_TYPE_PROJECT_DIALOG, "name_row", "Never");
  respond (dialog, "cancel");
  g_assert_null (find_project (fixture, "Never"));

  g_assert_true (gtk_widget_activate_action (projects, "projects.new-project", NULL));
  dialog = wait_for_dialog (ADIUVA_TYPE_PROJECT_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "New Project");
  g_assert_false (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_PROJECT_DIALOG, "name_row", "Rebrand");
  choose_client (dialog, "Globex");
  set_field (dialog, ADIUVA_TYPE_PROJECT_DIALOG, "description_row", "New logo and colours");
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (dialog), "project-dialog.colour", "s", "#5f9ea3"));
  g_assert_true (can_save (dialog));
  test_ui_screenshot (GTK_WIDGET (dialog), "project-dialog");
  respond (dialog, "save");

  project = find_project (fixture, "Rebrand");
  g_assert_nonnull (project);
  g_assert_cmpint (adiuva_project_get_client_id (project), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (client)));
  g_assert_cmpstr (adiuva_project_get_description (project), ==, "New logo and colours");
  g_assert_cmpstr (adiuva_project_get_colour (project), ==, "#5f9ea3");

  /* Its page opens, to plan it. */
  page = _adiuva_projects_page_get_project_page (projects_page (fixture));
  g_assert_nonnull (page);
  g_assert_cmpint (adiuva_project_page_get_project_id (page), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (project)));
  wait_until_shown (page, GTK_TYPE_LABEL, "Globex · Active");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.back", NULL));
  wait_until_shown (projects, GTK_TYPE_LABEL, "Rebrand");
}

/* A client is edited from its group; deleted, its projects stay without it, and Undo brings
 * it back with them, with its id. */
static void
test_edit_delete_client (Fixture      *fixture,
                         gconstpointer data)
{
  GtkWidget *projects = GTK_WIDGET (projects_page (fixture));
  g_autoptr (AdiuvaClient) acme = find_client (fixture, "ACME");
  g_autoptr (AdiuvaClient) client = NULL;
  g_autoptr (AdiuvaProject) website = NULL;
  g_autoptr (AdiuvaProject) old_site = NULL;
  AdwMessageDialog *dialog;
  AdwToast         *toast;

  g_assert_true (adiuva_window_show_page (fixture->window, "projects"));
  wait_until_shown (projects, GTK_TYPE_LABEL, "ACME");
  g_assert_true (gtk_widget_activate_action (projects, "projects.edit-client", "x",
                                             adiuva_record_get_id (ADIUVA_RECORD (acme))));
  dialog = wait_for_dialog (ADIUVA_TYPE_CLIENT_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Edit Client");
  g_assert_cmpstr (get_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "name_row"), ==, "ACME");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "save"), ==, "_Save");
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "name_row", "");
  g_assert_false (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_CLIENT_DIALOG, "name_row", "ACME Corp");
  respond (dialog, "save");

  client = adiuva_store_get (fixture->store, ADIUVA_TYPE_CLIENT,
                             adiuva_record_get_id (ADIUVA_RECORD (acme)), NULL);
  g_assert_cmpstr (adiuva_client_get_name (client), ==, "ACME Corp");
  g_clear_object (&client);
  wait_until_shown (projects, GTK_TYPE_LABEL, "ACME Corp");

  g_assert_true (gtk_widget_activate_action (projects, "projects.delete-client", "x",
                                             adiuva_record_get_id (ADIUVA_RECORD (acme))));
  g_assert_null (find_client (fixture, "ACME Corp"));
  website = get_project (fixture, fixture->website_id);
  g_assert_cmpint (adiuva_project_get_client_id (website), ==, 0);
  g_clear_object (&website);
  wait_until_gone (projects, GTK_TYPE_LABEL, "ACME Corp");
  g_assert_nonnull (test_ui_find_descendant (projects, GTK_TYPE_LABEL, "Website"));

  toast = shown_toast (fixture);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“ACME Corp” was deleted");
  g_signal_emit_by_name (toast, "button-clicked");

  client = find_client (fixture, "ACME Corp");
  g_assert_nonnull (client);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (client)), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (acme)));
  website = get_project (fixture, fixture->website_id);
  old_site = get_project (fixture, fixture->old_site_id);
  g_assert_cmpint (adiuva_project_get_client_id (website), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (client)));
  g_assert_cmpint (adiuva_project_get_client_id (old_site), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (client)));
  wait_until_shown (projects, GTK_TYPE_LABEL, "ACME Corp");
}

/* The ids of a project's tasks, at all levels, with their comments' ids, as text. */
static char *
dump_project_tasks (Fixture *fixture,
                    gint64   project_id)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;
  GString *dump = g_string_new (NULL);

  filter->project_id = project_id;
  filter->parent_id = -1;
  tasks = adiuva_task_list_model_new (fixture->store, filter);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tasks)); i++)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (tasks), i);
      gint64 id = adiuva_record_get_id (ADIUVA_RECORD (task));
      g_autoptr (GListModel) comments = adiuva_store_list_task_comments (fixture->store, id, NULL);

      g_string_append_printf (dump, "%" G_GINT64_FORMAT " %s (parent %" G_GINT64_FORMAT "):",
                              id, adiuva_task_get_title (task), adiuva_task_get_parent_id (task));
      for (guint j = 0; j < g_list_model_get_n_items (comments); j++)
        {
          g_autoptr (AdiuvaRecord) comment = g_list_model_get_item (comments, j);

          g_string_append_printf (dump, " %" G_GINT64_FORMAT, adiuva_record_get_id (comment));
        }
      g_string_append_c (dump, '\n');
    }

  return g_string_free (dump, FALSE);
}

/* Gives Errands' task a subtask, and each a comment. */
static void
add_subtask_and_comments (Fixture *fixture)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;
  g_autoptr (AdiuvaTask) stamps = NULL;
  g_autoptr (AdiuvaTask) subtask = adiuva_task_new ();
  AdiuvaTask *each[2];

  filter->project_id = fixture->other_id;
  tasks = adiuva_task_list_model_new (fixture->store, filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tasks)), ==, 1);
  stamps = g_list_model_get_item (G_LIST_MODEL (tasks), 0);
  adiuva_task_set_title (subtask, "Find the address");
  adiuva_task_set_project_id (subtask, fixture->other_id);
  adiuva_task_set_parent_id (subtask, adiuva_record_get_id (ADIUVA_RECORD (stamps)));
  add_record (fixture->store, ADIUVA_RECORD (subtask));

  each[0] = stamps;
  each[1] = subtask;
  for (guint i = 0; i < G_N_ELEMENTS (each); i++)
    {
      g_autoptr (AdiuvaTaskComment) comment = adiuva_task_comment_new ();

      adiuva_task_comment_set_task_id (comment, adiuva_record_get_id (ADIUVA_RECORD (each[i])));
      adiuva_task_comment_set_body (comment, "First class");
      add_record (fixture->store, ADIUVA_RECORD (comment));
    }
}

/* F2 on a project's page edits it. Deleting one takes its tasks, with their subtasks and
 * comments, at once; Undo brings it all back, with the ids, and its checkpoints, notes and
 * conversations. */
static void
test_edit_delete_project (Fixture      *fixture,
                          gconstpointer data)
{
  AdiuvaProjectPage *page = open_project (fixture, fixture->website_id);
  AdwMessageDialog  *dialog;
  AdwToast          *toast;
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (AdiuvaProject) errands = NULL;
  g_autoptr (GListModel) checkpoints = NULL;
  g_autoptr (GListModel) notes = NULL;
  g_autoptr (GListModel) conversations = NULL;
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (AdiuvaConversation) conversation = adiuva_conversation_new ();
  g_autofree char *tasks_before = NULL;
  g_autofree char *tasks_after = NULL;
  gint64           empty_id;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.edit", NULL));
  dialog = wait_for_dialog (ADIUVA_TYPE_PROJECT_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Edit Project");
  g_assert_cmpstr (get_field (dialog, ADIUVA_TYPE_PROJECT_DIALOG, "name_row"), ==, "Website");
  set_field (dialog, ADIUVA_TYPE_PROJECT_DIALOG, "name_row", "Web shop");
  choose_client (dialog, "No client");
  respond (dialog, "save");
  project = get_project (fixture, fixture->website_id);
  g_assert_cmpstr (adiuva_project_get_name (project), ==, "Web shop");
  g_assert_cmpint (adiuva_project_get_client_id (project), ==, 0);
  g_clear_object (&project);
  wait_until_shown (page, GTK_TYPE_LABEL, "Web shop");
  wait_until_shown (page, GTK_TYPE_LABEL, "Active");

  /* Errands has a task with a subtask and comments: it goes at once, with them. */
  add_subtask_and_comments (fixture);
  tasks_before = dump_project_tasks (fixture, fixture->other_id);
  page = open_project (fixture, fixture->other_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.delete", NULL));
  g_assert_null (find_project (fixture, "Errands"));
  tasks_after = dump_project_tasks (fixture, fixture->other_id);
  g_assert_cmpstr (tasks_after, ==, "");
  g_clear_pointer (&tasks_after, g_free);
  test_ui_wait_until (project_page_closed, projects_page (fixture));
  wait_until_gone (projects_page (fixture), GTK_TYPE_LABEL, "Errands");

  toast = shown_toast (fixture);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“Errands” was deleted");
  g_signal_emit_by_name (toast, "button-clicked");
  errands = find_project (fixture, "Errands");
  g_assert_nonnull (errands);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (errands)), ==, fixture->other_id);
  checkpoints = adiuva_store_list_checkpoints (
      fixture->store, adiuva_record_get_id (ADIUVA_RECORD (errands)), NULL, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (checkpoints), ==, 1);
  tasks_after = dump_project_tasks (fixture, fixture->other_id);
  g_assert_cmpstr (tasks_after, ==, tasks_before);
  g_assert_nonnull (strstr (tasks_after, "Find the address"));
  wait_until_shown (projects_page (fixture), GTK_TYPE_LABEL, "Errands");

  /* Its note and conversation come back to it with Undo. */
  empty_id = add_project (fixture->store, "Empty", 0, FALSE);
  adiuva_note_set_title (note, "Ideas");
  adiuva_note_set_body (note, "");
  adiuva_note_set_project_id (note, empty_id);
  add_record (fixture->store, ADIUVA_RECORD (note));
  adiuva_conversation_set_title (conversation, "Plans");
  adiuva_conversation_set_project_id (conversation, empty_id);
  add_record (fixture->store, ADIUVA_RECORD (conversation));
  page = open_project (fixture, empty_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.delete", NULL));
  g_assert_null (find_project (fixture, "Empty"));
  g_signal_emit_by_name (shown_toast (fixture), "button-clicked");
  project = find_project (fixture, "Empty");
  g_assert_nonnull (project);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (project)), ==, empty_id);
  notes = adiuva_store_list_notes (fixture->store, empty_id, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 1);
  conversations = adiuva_store_list_conversations (fixture->store, empty_id, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (conversations), ==, 1);
}

/* Undo after something new was added: the new project gets an id of its own, not the deleted
 * one's (which SQLite would give the newest), so the deleted project comes back under its own
 * id and the new one stays. */
static void
test_delete_project_undo_after_new (Fixture      *fixture,
                                    gconstpointer data)
{
  AdiuvaProjectPage *page;
  AdwToast          *toast;
  g_autoptr (AdiuvaProject) back = NULL;
  g_autoptr (AdiuvaProject) newer = NULL;
  gint64 empty_id = add_project (fixture->store, "Empty", 0, FALSE);
  gint64 newer_id;

  page = open_project (fixture, empty_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.delete", NULL));
  g_assert_null (find_project (fixture, "Empty"));
  toast = shown_toast (fixture);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“Empty” was deleted");

  newer_id = add_project (fixture->store, "Newer", 0, FALSE);
  g_assert_cmpint (newer_id, >, empty_id);
  g_signal_emit_by_name (toast, "button-clicked");

  back = get_project (fixture, empty_id);
  g_assert_cmpstr (adiuva_project_get_name (back), ==, "Empty");
  newer = get_project (fixture, newer_id);
  g_assert_cmpstr (adiuva_project_get_name (newer), ==, "Newer");
}

static AdiuvaCheckpoint *
find_checkpoint (Fixture    *fixture,
                 gint64      project_id,
                 const char *title)
{
  g_autoptr (GListModel) checkpoints =
      adiuva_store_list_checkpoints (fixture->store, project_id, NULL, NULL, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (checkpoints); i++)
    {
      g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (checkpoints, i);

      if (g_strcmp0 (adiuva_checkpoint_get_title (checkpoint), title) == 0)
        return g_steal_pointer (&checkpoint);
    }

  return NULL;
}

static gboolean
has_body (gpointer data)
{
  const char *body = adw_message_dialog_get_body (data);

  return body != NULL && *body != '\0' && gtk_widget_get_visible (data);
}

static GtkWidget *
find_by_tooltip (GtkWidget  *root,
                 const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A checkpoint added and edited in its dialog, with its day in words: what is not a day is
 * said so and cannot be saved. It shows on Today once it is today, and deletes with Undo. */
static void
test_checkpoint_dialog (Fixture      *fixture,
                        gconstpointer data)
{
  AdiuvaProjectPage *page = open_project (fixture, fixture->website_id);
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  g_autoptr (AdiuvaCheckpoint) launch = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 3);
  g_autofree char  *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char  *in_3_days = g_date_time_format (later, "%Y-%m-%d");
  AdwMessageDialog *dialog;
  GtkLabel         *date_label;
  GtkWidget        *today_page;
  GtkWidget        *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.new-checkpoint", NULL));
  dialog = wait_for_dialog (ADIUVA_TYPE_CHECKPOINT_DIALOG);
  date_label = GTK_LABEL (gtk_widget_get_template_child (
      GTK_WIDGET (dialog), ADIUVA_TYPE_CHECKPOINT_DIALOG, "date_label"));
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "title_row", "Kick-off");
  g_assert_false (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "date_row", "when pigs fly");
  g_assert_false (can_save (dialog));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (date_label), "error"));
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "date_row", "in 3 days");
  g_assert_true (can_save (dialog));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (date_label), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (date_label), in_3_days));
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "notes_row", "Bring the contract");
  respond (dialog, "save");

  checkpoint = find_checkpoint (fixture, fixture->website_id, "Kick-off");
  g_assert_nonnull (checkpoint);
  g_assert_cmpstr (adiuva_checkpoint_get_date (checkpoint), ==, in_3_days);
  g_assert_cmpstr (adiuva_checkpoint_get_notes (checkpoint), ==, "Bring the contract");
  wait_until_shown (page, GTK_TYPE_LABEL, "Kick-off");

  /* Activating its row edits it. */
  gtk_widget_activate (row_of (GTK_WIDGET (page), "Kick-off"));
  dialog = wait_for_dialog (ADIUVA_TYPE_CHECKPOINT_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Edit Checkpoint");
  g_assert_cmpstr (get_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "date_row"), ==, in_3_days);
  g_assert_true (can_save (dialog));
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "title_row", "Kick-off meeting");
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "date_row", "today");
  respond (dialog, "save");
  g_clear_object (&checkpoint);
  checkpoint = find_checkpoint (fixture, fixture->website_id, "Kick-off meeting");
  g_assert_nonnull (checkpoint);
  g_assert_cmpstr (adiuva_checkpoint_get_date (checkpoint), ==, today);
  wait_until_shown (page, GTK_TYPE_LABEL, "Kick-off meeting");

  /* Deleted elsewhere while being edited: saving says so, and keeps what was typed. */
  launch = find_checkpoint (fixture, fixture->website_id, "Launch");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "project.edit-checkpoint", "x",
                                             adiuva_record_get_id (ADIUVA_RECORD (launch))));
  dialog = wait_for_dialog (ADIUVA_TYPE_CHECKPOINT_DIALOG);
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (launch), NULL));
  set_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "title_row", "Launch party");
  gtk_widget_activate (test_ui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Save"));
  test_ui_wait_until (has_body, dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (get_field (dialog, ADIUVA_TYPE_CHECKPOINT_DIALOG, "title_row"), ==,
                   "Launch party");
  respond (dialog, "cancel");

  /* Today lists it with the next checkpoints. */
  g_assert_true (adiuva_window_show_page (fixture->window, "today"));
  today_page = _adiuva_window_get_page (fixture->window, "today");
  wait_until_shown (today_page, GTK_TYPE_LABEL, "Kick-off meeting");

  /* Deleted from the project's page, it comes back with Undo. */
  page = open_project (fixture, fixture->website_id);
  wait_until_shown (page, GTK_TYPE_LABEL, "Kick-off meeting");
  row = row_of (GTK_WIDGET (page), "Kick-off meeting");
  /* A button clicks once its press has been shown. */
  g_assert_true (gtk_widget_activate (find_by_tooltip (row, "Delete the checkpoint")));
  wait_until_gone (page, GTK_TYPE_LABEL, "Kick-off meeting");
  g_clear_object (&checkpoint);
  g_assert_null (find_checkpoint (fixture, fixture->website_id, "Kick-off meeting"));
  g_signal_emit_by_name (shown_toast (fixture), "button-clicked");
  checkpoint = find_checkpoint (fixture, fixture->website_id, "Kick-off meeting");
  g_assert_nonnull (checkpoint);
  wait_until_shown (page, GTK_TYPE_LABEL, "Kick-off meeting");
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/ui/projects/project-page", Fixture, NULL, fixture_set_up, test_project_page,
              fixture_tear_down);
  g_test_add ("/ui/projects/colour-and-status", Fixture, NULL, fixture_set_up,
              test_colour_and_status, fixture_tear_down);
  g_test_add ("/ui/projects/archive-undo", Fixture, NULL, fixture_set_up, test_archive_undo,
              fixture_tear_down);
  g_test_add ("/ui/projects/show-archived", Fixture, NULL, fixture_set_up, test_show_archived,
              fixture_tear_down);
  g_test_add ("/ui/projects/narrow", Fixture, GINT_TO_POINTER (360), fixture_set_up, test_narrow,
              fixture_tear_down);
  g_test_add ("/ui/projects/project-deleted", Fixture, NULL, fixture_set_up, test_project_deleted,
              fixture_tear_down);

  g_test_add ("/ui/projects/new-client-and-project", Fixture, NULL, fixture_set_up,
              test_new_client_and_project, fixture_tear_down);
  g_test_add ("/ui/projects/edit-delete-client", Fixture, NULL, fixture_set_up,
              test_edit_delete_client, fixture_tear_down);
  g_test_add ("/ui/projects/edit-delete-project", Fixture, NULL, fixture_set_up,
              test_edit_delete_project, fixture_tear_down);
  g_test_add ("/ui/projects/delete-project-undo-after-new", Fixture, NULL, fixture_set_up,
              test_delete_project_undo_after_new, fixture_tear_down);
  g_test_add ("/ui/projects/checkpoint-dialog", Fixture, NULL, fixture_set_up,
              test_checkpoint_dialog, fixture_tear_down);

  return g_test_run ();
}
