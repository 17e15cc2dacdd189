/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-window"

#include "config.h"

#include <glib/gstdio.h>

#include "adiuva-chat-page-private.h"
#include "adiuva-notes-page-private.h"
#include "adiuva-projects-page-private.h"
#include "adiuva-quick-find-private.h"
#include "adiuva-tasks-page-private.h"
#include "adiuva-timeline-view-private.h"
#include "adiuva-task-row-private.h"
#include "adiuva-unlock-page-private.h"
#include "adiuva-welcome-page-private.h"
#include "adiuva-window-private.h"
#include "test-ui-util.h"

/* The window's way to an open workspace: first run, unlock, problems; then the pages. */

typedef struct
{
  AdiuvaWindow *window;
  const char   *state;
} StateWait;

static gboolean
in_state (gpointer data)
{
  StateWait *wait = data;

  return g_strcmp0 (_adiuva_window_get_state (wait->window), wait->state) == 0;
}

static void
wait_for_state (AdiuvaWindow *window,
                const char   *state)
{
  StateWait wait = { window, state };

  test_ui_wait_until (in_state, &wait);
}

static AdiuvaWindow *
open_window (const char *dir)
{
  AdiuvaWindow *window = adiuva_window_new (NULL, dir);

  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static gboolean
focus_in_entry (gpointer data)
{
  AdiuvaWindow *window = data;
  GtkWidget    *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY) != NULL;
}

static gboolean
focus_in_notes (gpointer data)
{
  AdiuvaWindow *window = data;
  GtkWidget    *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_is_ancestor (focus, _adiuva_window_get_page (window, "notes"));
}

static void
test_first_run (void)
{
  g_autofree char   *dir = test_ui_make_dir ();
  g_autofree char   *workspace = g_build_filename (dir, "workspace", NULL);
  AdiuvaWindow      *window = open_window (workspace);
  AdiuvaWelcomePage *welcome;
  GtkWidget         *chat;
  g_autoptr (AdiuvaWorkspaceGateway) gateway = NULL;

  wait_for_state (window, "welcome");
  test_ui_screenshot (GTK_WIDGET (window), "welcome");

  welcome = ADIUVA_WELCOME_PAGE (_adiuva_window_get_state_child (window, "welcome"));

  /* A passphrase is typed twice; two different ones are refused before anything is made. */
  _adiuva_welcome_page_choose_passphrase (welcome, TEST_PASSPHRASE, "correct horse");
  _adiuva_welcome_page_click_create (welcome);
  g_assert_nonnull (_adiuva_welcome_page_get_error (welcome));
  g_assert_nonnull (strstr (_adiuva_welcome_page_get_error (welcome), "differ"));
  g_assert_cmpstr (_adiuva_window_get_state (window), ==, "welcome");
  g_assert_false (g_file_test (workspace, G_FILE_TEST_EXISTS));
  test_ui_screenshot (GTK_WIDGET (window), "welcome-passphrases-differ");

  _adiuva_welcome_page_choose_passphrase (welcome, TEST_PASSPHRASE, TEST_PASSPHRASE);
  _adiuva_welcome_page_click_create (welcome);
  wait_for_state (window, "workspace");
  g_assert_nonnull (adiuva_window_get_store (window));
  g_assert_true (g_file_test (workspace, G_FILE_TEST_IS_DIR));
  test_ui_screenshot (GTK_WIDGET (window), "today-empty");

  /* Ctrl+N: the Tasks page, with the keyboard in quick add. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-task", NULL));
  g_assert_true (gtk_widget_get_mapped (_adiuva_window_get_page (window, "tasks")) ||
                 gtk_widget_get_child_visible (_adiuva_window_get_page (window, "tasks")));
  test_ui_wait_until (focus_in_entry, window);

  /* Ctrl+5: the Notes page, with the keyboard in it wherever it was, so that the page's
   * shortcuts work; it follows once the page is drawn (adiuva-page-stack.c). */
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "notes"));
  test_ui_wait_until (focus_in_notes, window);

  /* Chat uses the window's gateway, the one Preferences changes; with no provider yet, it says
   * how to add one. */
  g_assert_true (adiuva_window_show_page (window, "chat"));
  chat = _adiuva_window_get_page (window, "chat");
  g_assert_true (ADIUVA_IS_CHAT_PAGE (chat));
  g_object_get (chat, "gateway", &gateway, NULL);
  g_assert_true (gateway == adiuva_window_get_workspace_gateway (window));
  g_assert_cmpstr (_adiuva_chat_page_get_state (ADIUVA_CHAT_PAGE (chat)), ==, "setup");
  g_assert_false (adiuva_window_show_page (window, "no-such-page"));

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

static void
test_unlock (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  AdiuvaWindow    *window;
  GtkWidget       *unlock_page;

  g_object_unref (test_ui_create_store (dir));
  window = open_window (dir);
  wait_for_state (window, "unlock");
  unlock_page = _adiuva_window_get_state_child (window, "unlock");
  g_assert_null (_adiuva_unlock_page_get_error (ADIUVA_UNLOCK_PAGE (unlock_page)));

  g_signal_emit_by_name (unlock_page, "unlock", "not the passphrase");
  while (_adiuva_unlock_page_get_error (ADIUVA_UNLOCK_PAGE (unlock_page)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (_adiuva_unlock_page_get_error (ADIUVA_UNLOCK_PAGE (unlock_page)),
                            "wrong"));
  g_assert_cmpstr (_adiuva_window_get_state (window), ==, "unlock");
  test_ui_screenshot (GTK_WIDGET (window), "unlock-wrong-passphrase");

  g_signal_emit_by_name (unlock_page, "unlock", TEST_PASSPHRASE);
  wait_for_state (window, "workspace");

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* A damaged key file is said in words, with a way forward, and nothing is overwritten. */
static void
test_corrupt_workspace (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autofree char *key_file = g_build_filename (dir, "workspace.key", NULL);
  g_autoptr (GError) error = NULL;
  AdiuvaWindow *window;

  g_object_unref (test_ui_create_store (dir));
  g_assert_true (g_file_test (key_file, G_FILE_TEST_EXISTS));
  g_file_set_contents (key_file, "not a key file", -1, &error);
  g_assert_no_error (error);

  window = open_window (dir);
  wait_for_state (window, "problem");
  g_assert_nonnull (_adiuva_window_get_problem (window));
  g_assert_nonnull (strstr (_adiuva_window_get_problem (window), "backup"));
  test_ui_screenshot (GTK_WIDGET (window), "problem");

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* At 360 px the sidebar folds away; Escape brings it back. */
static void
test_narrow (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");
  AdiuvaWindow *window;
  AdwLeaflet   *leaflet;

  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_string (settings, "last-page", "tasks");
  g_object_unref (test_ui_create_store (dir));
  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");

  leaflet = ADW_LEAFLET (gtk_widget_get_ancestor (_adiuva_window_get_page (window, "tasks"),
                                                  ADW_TYPE_LEAFLET));
  while (!adw_leaflet_get_folded (leaflet))
    g_main_context_iteration (NULL, TRUE);
  test_ui_screenshot (GTK_WIDGET (window), "tasks-narrow");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-panel", NULL));
  g_assert_false (gtk_widget_is_ancestor (_adiuva_window_get_page (window, "tasks"),
                                          adw_leaflet_get_visible_child (leaflet)));

  test_ui_destroy_window (GTK_WINDOW (window));
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "last-page");
  test_remove_tree (dir);
}

static void
add_task (AdiuvaStore *store,
          const char  *title,
          int          days_from_now,
          gboolean     done)
{
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) due = g_date_time_add_days (now, days_from_now);
  g_autofree char *due_text = g_date_time_format (due, "%Y-%m-%d");
  g_autoptr (GError) error = NULL;

  adiuva_task_set_title (task, title);
  adiuva_task_set_due (task, due_text);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
  if (done)
    {
      g_assert_true (adiuva_store_complete_task (store, task, now, NULL, &error));
      g_assert_no_error (error);
    }
}

typedef struct
{
  GtkWidget  *root;
  GType       type;
  const char *text;
} Search;

static gboolean
shown (gpointer data)
{
  Search *search = data;

  return test_ui_find_descendant (search->root, search->type, search->text) != NULL;
}

static void
wait_until_shown (GtkWidget  *root,
                  GType       type,
                  const char *text)
{
  Search search = { root, type, text };

  test_ui_wait_until (shown, &search);
}

/* Today: what is overdue, what is due today, the next checkpoints; nothing else. */
static void
test_today (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");
  AdiuvaWindow *window;
  GtkWidget    *today;

  add_task (store, "Chase the unpaid invoice", -2, FALSE);
  add_task (store, "Already sent", -1, TRUE);
  add_task (store, "Call the printer", 0, FALSE);
  add_task (store, "Prepare the workshop", 1, FALSE);
  test_ui_add_checkpoint (store, "Website", "Design review", 3);
  g_clear_object (&store);

  g_settings_set_string (settings, "last-page", "today");
  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");
  today = _adiuva_window_get_page (window, "today");

  wait_until_shown (today, ADIUVA_TYPE_TASK_ROW, "Chase the unpaid invoice");
  wait_until_shown (today, ADIUVA_TYPE_TASK_ROW, "Call the printer");
  wait_until_shown (today, GTK_TYPE_LABEL, "Design review");
  g_assert_null (test_ui_find_descendant (today, ADIUVA_TYPE_TASK_ROW, "Already sent"));
  g_assert_null (test_ui_find_descendant (today, ADIUVA_TYPE_TASK_ROW, "Prepare the workshop"));
  g_assert_null (test_ui_find_descendant (today, GTK_TYPE_LABEL, "Suggested by the Assistant"));
  test_ui_screenshot (GTK_WIDGET (window), "today-page");
  test_ui_screenshot_dark (GTK_WIDGET (window), "today-page-dark");

  /* Completing from Today takes the task off it. */
  gtk_check_button_set_active (
      _adiuva_task_row_get_check (ADIUVA_TASK_ROW (test_ui_find_descendant (
          today, ADIUVA_TYPE_TASK_ROW, "Call the printer"))),
      TRUE);
  while (test_ui_find_descendant (today, ADIUVA_TYPE_TASK_ROW, "Call the printer") != NULL)
    g_main_context_iteration (NULL, TRUE);

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* The default: the key goes to the keyring (test-env's own), and the next start asks nothing. */
static void
test_first_run_keyring (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  AdiuvaWindow    *window = open_window (dir);

  wait_for_state (window, "welcome");
  _adiuva_welcome_page_click_create (
      ADIUVA_WELCOME_PAGE (_adiuva_window_get_state_child (window, "welcome")));
  wait_for_state (window, "workspace");
  test_ui_destroy_window (GTK_WINDOW (window));

  window = open_window (dir);
  wait_for_state (window, "workspace");
  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

static gboolean
row_gone (gpointer data)
{
  Search *search = data;

  return test_ui_find_descendant (search->root, search->type, search->text) == NULL;
}

/* What the assistant suggested waits in Today with a dashed border until approved or
 * dismissed (with an Undo). */
static void
test_suggestions (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) saved = NULL;
  AdiuvaWindow *window;
  GtkWidget    *today, *row, *dismiss, *undo;
  Search        search;

  adiuva_task_set_title (task, "Ask ACME for the logo files");
  adiuva_task_set_is_ai_suggested (task, TRUE);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
  test_ui_add_checkpoint (store, "Website", "First draft", 2);
  {
    g_autoptr (GListModel) checkpoints = adiuva_store_list_checkpoints (store, -1, NULL, NULL,
                                                                        &error);
    g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (checkpoints, 0);

    adiuva_checkpoint_set_is_ai_suggested (checkpoint, TRUE);
    g_assert_true (adiuva_store_update (store, ADIUVA_RECORD (checkpoint), &error));
    g_assert_no_error (error);
  }
  g_clear_object (&store);

  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");
  g_assert_true (adiuva_window_show_page (window, "today"));
  today = _adiuva_window_get_page (window, "today");
  wait_until_shown (today, ADIUVA_TYPE_TASK_ROW, "Ask ACME for the logo files");
  wait_until_shown (today, GTK_TYPE_LABEL, "Suggested by the Assistant");
  test_ui_screenshot (GTK_WIDGET (window), "today-suggestions");

  /* Approved, it is an ordinary task, and no longer waits in Today. */
  row = test_ui_find_descendant (today, ADIUVA_TYPE_TASK_ROW, "Ask ACME for the logo files");
  g_assert_true (gtk_widget_has_css_class (row, "suggested"));
  g_assert_true (gtk_widget_activate_action (row, "task.approve", NULL));
  search = (Search){ today, ADIUVA_TYPE_TASK_ROW, "Ask ACME for the logo files" };
  test_ui_wait_until (row_gone, &search);
  saved = adiuva_store_get (adiuva_window_get_store (window), ADIUVA_TYPE_TASK,
                            adiuva_record_get_id (ADIUVA_RECORD (task)), &error);
  g_assert_no_error (error);
  g_assert_true (adiuva_task_get_is_approved (saved));

  /* Dismissed, the checkpoint goes; Undo brings it back. */
  wait_until_shown (today, GTK_TYPE_LABEL, "First draft");
  dismiss = test_ui_find_descendant (today, GTK_TYPE_BUTTON, "_Dismiss");
  g_assert_nonnull (dismiss);
  g_signal_emit_by_name (dismiss, "clicked");
  search = (Search){ today, GTK_TYPE_LABEL, "First draft" };
  test_ui_wait_until (row_gone, &search);
  undo = test_ui_find_descendant (GTK_WIDGET (window), GTK_TYPE_BUTTON, "_Undo");
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  wait_until_shown (today, GTK_TYPE_LABEL, "First draft");

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* Checkpoints on a time axis, overdue ones marked; a click opens the project's tasks. */
static void
test_timeline (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (GError) error = NULL;
  g_autofree char    *shown = NULL;
  AdiuvaWindow       *window;
  AdiuvaTimelineView *view;
  double              x, y;

  test_ui_add_checkpoint (store, "Website", "Wireframes", -3);
  test_ui_add_checkpoint (store, "Brochure", "Print run", 5);
  g_clear_object (&store);

  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");
  g_assert_true (adiuva_window_show_page (window, "timeline"));
  view = ADIUVA_TIMELINE_VIEW (test_ui_find_descendant (_adiuva_window_get_page (window,
                                                                                 "timeline"),
                                                        ADIUVA_TYPE_TIMELINE_VIEW, NULL));
  g_assert_nonnull (view);
  g_assert_cmpuint (_adiuva_timeline_view_get_n_items (view), ==, 2);
  g_assert_cmpuint (_adiuva_timeline_view_get_n_overdue (view), ==, 1);
  test_ui_screenshot (GTK_WIDGET (window), "timeline-weeks");
  g_assert_true (gtk_widget_activate_action (_adiuva_window_get_page (window, "timeline"),
                                             "timeline.scale", "s", "months"));
  test_ui_screenshot (GTK_WIDGET (window), "timeline-months");

  _adiuva_timeline_view_get_item_point (view, 0, &x, &y);
  g_assert_false (_adiuva_timeline_view_click (view, x, y + 20));
  g_assert_true (_adiuva_timeline_view_click (view, x, y));
  g_object_get (_adiuva_window_get_page (window, "tasks"), "project", &shown, NULL);
  g_assert_cmpstr (shown, !=, "all");

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

static AdiuvaQuickFind *
find_quick_find (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADIUVA_IS_QUICK_FIND (toplevel))
        return ADIUVA_QUICK_FIND (toplevel);
    }

  return NULL;
}

/* Notes: written, saved by themselves, searched, pinned, found by quick find. */
static void
test_notes (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaNote) older = adiuva_note_new ();
  g_autoptr (AdiuvaNote) saved = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaWindow    *window;
  AdiuvaNotesPage *notes;
  AdiuvaQuickFind *quick_find;
  gint64           id;

  adiuva_note_set_title (older, "Older note");
  adiuva_note_set_body (older, "Kept for later.");
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (older), &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");
  g_assert_true (adiuva_window_show_page (window, "notes"));
  notes = ADIUVA_NOTES_PAGE (_adiuva_window_get_page (window, "notes"));
  /* The list is read on a worker thread. */
  while (_adiuva_notes_page_get_n_listed (notes) != 1)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (notes), "notes.new", NULL));
  g_assert_nonnull (_adiuva_notes_page_get_note (notes));
  _adiuva_notes_page_edit (notes, "Workshop plan",
                           "# Agenda\n\n- Welcome\n- **Budget** review\n");
  _adiuva_notes_page_save_now (notes);
  id = adiuva_record_get_id (ADIUVA_RECORD (_adiuva_notes_page_get_note (notes)));
  saved = adiuva_store_get (adiuva_window_get_store (window), ADIUVA_TYPE_NOTE, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_note_get_title (saved), ==, "Workshop plan");
  g_assert_cmpstr (adiuva_note_get_body (saved), ==,
                   "# Agenda\n\n- Welcome\n- **Budget** review\n");

  _adiuva_notes_page_search (notes, "budget");
  g_assert_cmpuint (_adiuva_notes_page_get_n_listed (notes), ==, 1);
  _adiuva_notes_page_search (notes, "nothing like it");
  g_assert_cmpuint (_adiuva_notes_page_get_n_listed (notes), ==, 0);
  _adiuva_notes_page_search (notes, "");

  /* Pinned goes first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (notes), "notes.new", NULL));
  _adiuva_notes_page_edit (notes, "Newest", "");
  _adiuva_notes_page_save_now (notes);
  adiuva_notes_page_show_note (notes, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (notes), "notes.pinned", NULL));
  while (_adiuva_notes_page_get_n_listed (notes) != 3 ||
         g_strcmp0 (_adiuva_notes_page_get_listed_title (notes, 0), "Workshop plan") != 0)
    g_main_context_iteration (NULL, TRUE);
  test_ui_screenshot (GTK_WIDGET (window), "notes-page");

  g_assert_true (adiuva_window_show_page (window, "today"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.quick-find", NULL));
  quick_find = find_quick_find ();
  _adiuva_quick_find_search (quick_find, "agenda");
  g_assert_cmpuint (_adiuva_quick_find_get_n_results (quick_find), ==, 1);
  _adiuva_quick_find_activate_first (quick_find);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (_adiuva_notes_page_get_note (notes))), ==,
                   id);
  while (find_quick_find () != NULL)
    g_main_context_iteration (NULL, TRUE);

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* Clients and projects made on the Projects page, grouped, counted, and a way to their tasks
 * (test-ui-projects has a project's own page). */
static void
test_projects (void)
{
  g_autofree char    *dir = test_ui_make_dir ();
  AdiuvaWindow       *window;
  AdiuvaProjectsPage *projects;
  g_autoptr (AdiuvaProject) website = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *website_id = NULL;
  g_autofree char *shown = NULL;

  g_object_unref (test_ui_create_store (dir));
  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");
  g_assert_true (adiuva_window_show_page (window, "projects"));
  projects = ADIUVA_PROJECTS_PAGE (_adiuva_window_get_page (window, "projects"));

  _adiuva_projects_page_add_client (projects, "ACME");
  g_assert_null (_adiuva_projects_page_get_message (projects));
  /* The client list is rebuilt once the change is in: 0 is "No client", 1 is ACME. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  _adiuva_projects_page_add_project (projects, "Website", 1);
  _adiuva_projects_page_add_project (projects, "Errands", 0);
  wait_until_shown (GTK_WIDGET (projects), GTK_TYPE_LABEL, "ACME");
  wait_until_shown (GTK_WIDGET (projects), GTK_TYPE_LABEL, "Without a Client");

  website = adiuva_store_find_project (adiuva_window_get_store (window), "Website", &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_project_get_client_id (website), >, 0);
  task = adiuva_store_quick_add_task (adiuva_window_get_store (window), "Launch it #Website",
                                      NULL, &error);
  g_assert_no_error (error);
  wait_until_shown (GTK_WIDGET (projects), GTK_TYPE_LABEL, "1 open task");
  test_ui_screenshot (GTK_WIDGET (window), "projects-page");

  website_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                adiuva_record_get_id (ADIUVA_RECORD (website)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-project", "s",
                                             website_id));
  g_object_get (_adiuva_window_get_page (window, "tasks"), "project", &shown, NULL);
  g_assert_cmpstr (shown, ==, website_id);

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* Ctrl+K finds a task by a word of its notes and opens it. */
static void
test_quick_find (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();
  g_autoptr (GError) error = NULL;
  AdiuvaWindow      *window;
  AdiuvaQuickFind   *quick_find;
  AdiuvaTaskDetails *details;

  adiuva_task_set_title (task, "Renew the domain");
  adiuva_task_set_notes (task, "The registrar sends the invoice in December.");
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.quick-find", NULL));
  quick_find = find_quick_find ();
  g_assert_nonnull (quick_find);

  _adiuva_quick_find_search (quick_find, "nothing like this");
  g_assert_cmpuint (_adiuva_quick_find_get_n_results (quick_find), ==, 0);
  _adiuva_quick_find_search (quick_find, "registr");
  g_assert_cmpuint (_adiuva_quick_find_get_n_results (quick_find), ==, 1);
  test_ui_screenshot (GTK_WIDGET (quick_find), "quick-find");

  _adiuva_quick_find_activate_first (quick_find);
  details = _adiuva_tasks_page_get_details (
      ADIUVA_TASKS_PAGE (_adiuva_window_get_page (window, "tasks")));
  g_assert_nonnull (details);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (adiuva_task_details_get_task (details))),
                   ==, adiuva_record_get_id (ADIUVA_RECORD (task)));
  while (find_quick_find () != NULL)
    g_main_context_iteration (NULL, TRUE);

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* The shortcuts window (Ctrl+?) that the window's win.show-help-overlay builds. */
static void
test_shortcuts_window (void)
{
  g_autoptr (GtkBuilder) builder =
      gtk_builder_new_from_resource ("/org/adiuva/Adiuva/adiuva-shortcuts-window.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* F9 hides the sidebar of a wide window, and the choice is kept in GSettings. */
static void
test_sidebar_toggle (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");
  AdiuvaWindow *window;
  GtkWidget    *sidebar;

  g_object_unref (test_ui_create_store (dir));
  window = open_window (dir);
  wait_for_state (window, "unlock");
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait_for_state (window, "workspace");
  sidebar = gtk_widget_get_ancestor (
      test_ui_find_descendant (GTK_WIDGET (window), GTK_TYPE_LIST_BOX, NULL), GTK_TYPE_BOX);
  g_assert_true (gtk_widget_get_visible (sidebar));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sidebar-visible", NULL));
  g_assert_false (g_settings_get_boolean (settings, "sidebar-visible"));
  g_assert_false (gtk_widget_get_visible (sidebar));
  test_ui_screenshot (GTK_WIDGET (window), "sidebar-hidden");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sidebar-visible", NULL));
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));
  g_assert_true (gtk_widget_get_visible (sidebar));

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* The window's size is remembered when it closes. */
static void
test_size_remembered (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");
  AdiuvaWindow *window;
  int           width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 600);
  window = open_window (dir);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 600);

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/window/first-run", test_first_run);
  g_test_add_func ("/ui/window/first-run-keyring", test_first_run_keyring);
  g_test_add_func ("/ui/window/unlock", test_unlock);
  g_test_add_func ("/ui/window/corrupt-workspace", test_corrupt_workspace);
  g_test_add_func ("/ui/window/narrow", test_narrow);
  g_test_add_func ("/ui/window/today", test_today);
  g_test_add_func ("/ui/window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ui/window/size-remembered", test_size_remembered);
  g_test_add_func ("/ui/window/sidebar-toggle", test_sidebar_toggle);
  g_test_add_func ("/ui/window/projects", test_projects);
  g_test_add_func ("/ui/window/quick-find", test_quick_find);
  g_test_add_func ("/ui/window/suggestions", test_suggestions);
  g_test_add_func ("/ui/window/timeline", test_timeline);
  g_test_add_func ("/ui/window/notes", test_notes);

  return g_test_run ();
}
