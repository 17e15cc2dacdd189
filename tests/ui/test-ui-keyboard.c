/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-keyboard"

#include "config.h"

#include "adiuva-tasks-page-private.h"
#include "adiuva-timeline-page.h"
#include "adiuva-timeline-view-private.h"
#include "adiuva-window-private.h"
#include "test-ui-util.h"

/* Without the mouse: Tab reaches every control in the order it is seen, the Timeline is
 * walked with the arrow keys, and what a screen reader says for each button is its plain
 * name. GTK 4.8 has no public way to send a key to a widget in a test: keys are tested by
 * the actions their bindings activate, and Tab by gtk_widget_child_focus(), which is what
 * GtkWindow does with it. */

static GtkWindow *
present_in_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 900, 600);
  gtk_window_set_child (window, child);
  gtk_window_present (window);

  return window;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* Where Tab goes next, as GtkWindow moves it. */
static GtkWidget *
press_tab (GtkWindow *window)
{
  if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
    return NULL;

  return gtk_root_get_focus (GTK_ROOT (window));
}

/* The button or menu button the focus is in, by the text it shows. */
static const char *
focused_button_label (GtkWidget *focus)
{
  GtkWidget *menu_button = gtk_widget_get_ancestor (focus, GTK_TYPE_MENU_BUTTON);

  if (menu_button != NULL)
    return gtk_menu_button_get_label (GTK_MENU_BUTTON (menu_button)) != NULL
               ? gtk_menu_button_get_label (GTK_MENU_BUTTON (menu_button))
               : gtk_widget_get_tooltip_text (menu_button);
  if (GTK_IS_BUTTON (focus))
    return gtk_button_get_label (GTK_BUTTON (focus)) != NULL
               ? gtk_button_get_label (GTK_BUTTON (focus))
               : gtk_widget_get_tooltip_text (focus);

  return G_OBJECT_TYPE_NAME (focus);
}

typedef struct
{
  gint64 checkpoint_id;
  guint  n_activated;
} Activated;

static void
checkpoint_activated_cb (AdiuvaTimelineView *view,
                         gint64              checkpoint_id,
                         gint64              project_id,
                         Activated          *activated)
{
  activated->checkpoint_id = checkpoint_id;
  activated->n_activated++;
}

static char *
expected_label (const char *title,
                const char *project,
                int         days_from_now,
                const char *state,
                const char *position)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) date = g_date_time_add_days (now, days_from_now);
  g_autofree char *day = g_date_time_format (date, "%-d %B %Y");

  return g_strdup_printf ("%s, %s, %s, %s%s", title, project, day, state, position);
}

static void
assert_accessible_label (GtkWidget  *widget,
                         const char *expected)
{
  g_autofree char *mismatch = gtk_test_accessible_check_property (
      GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);

  if (mismatch != NULL)
    g_error ("accessible label of %s: %s", G_OBJECT_TYPE_NAME (widget), mismatch);
}

/* Weeks, Months, Today, then the time axis itself; there the arrow keys go from checkpoint
 * to checkpoint, each named for a screen reader, and Enter opens one. */
static void
test_timeline (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autofree char    *wireframes = NULL;
  g_autofree char    *print_run = NULL;
  g_autofree char    *catalogue = NULL;
  const char         *tab_order[] = { "_Weeks", "_Months", "_Today" };
  Activated           activated = { 0 };
  GtkWidget          *page;
  GtkWindow          *window;
  AdiuvaTimelineView *view;
  GtkWidget          *focus;

  test_ui_add_checkpoint (store, "Website", "Wireframes", -3);
  test_ui_add_checkpoint (store, "Brochure", "Print run", 5);
  test_ui_add_checkpoint (store, "Catalogue", "Photos", 12);
  page = g_object_new (ADIUVA_TYPE_TIMELINE_PAGE, "store", store, NULL);
  window = present_in_window (page);
  test_ui_wait_until (is_mapped, page);
  view = ADIUVA_TIMELINE_VIEW (test_ui_find_descendant (page, ADIUVA_TYPE_TIMELINE_VIEW, NULL));
  g_signal_connect (view, "checkpoint-activated", G_CALLBACK (checkpoint_activated_cb),
                    &activated);
  assert_accessible_label (GTK_WIDGET (view), "Checkpoints on a time axis");

  /* From nowhere, as when the page has just been opened. */
  gtk_window_set_focus (window, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tab_order); i++)
    {
      focus = press_tab (window);
      g_assert_nonnull (focus);
      g_assert_cmpstr (focused_button_label (focus), ==, tab_order[i]);
    }
  g_assert_true (press_tab (window) == GTK_WIDGET (view));

  /* The focus lands on what comes next, not on the past. */
  print_run = expected_label ("Print run", "Brochure", 5, "", "2 of 3");
  assert_accessible_label (GTK_WIDGET (view), print_run);
  test_ui_screenshot (GTK_WIDGET (window), "timeline-keyboard");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "checkpoint.move", "s",
                                             "previous"));
  wireframes = expected_label ("Wireframes", "Website", -3, "overdue, ", "1 of 3");
  assert_accessible_label (GTK_WIDGET (view), wireframes);
  /* Before the first there is nothing: the focus stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "checkpoint.move", "s",
                                             "previous"));
  assert_accessible_label (GTK_WIDGET (view), wireframes);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "checkpoint.move", "s", "last"));
  catalogue = expected_label ("Photos", "Catalogue", 12, "", "3 of 3");
  assert_accessible_label (GTK_WIDGET (view), catalogue);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "checkpoint.open", NULL));
  g_assert_cmpuint (activated.n_activated, ==, 1);
  g_assert_cmpint (activated.checkpoint_id, ==,
                   _adiuva_timeline_view_get_focused_checkpoint (view));

  /* The scale changes without leaving the checkpoint. */
  g_assert_true (gtk_widget_activate_action (page, "timeline.scale", "s", "months"));
  assert_accessible_label (GTK_WIDGET (view), catalogue);

  /* Tab goes on out of the view: the keyboard is not trapped there. */
  focus = press_tab (window);
  g_assert_true (focus != GTK_WIDGET (view));

  test_ui_destroy_window (window);
  g_clear_object (&store);
  test_remove_tree (dir);
}

/* From quick add, Tab goes through the filters left to right, then into the list. */
static void
test_tasks_tab_order (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;
  const char      *tab_order[] = { "Open", "All Projects", "Manual Order", "Select Tasks" };
  AdiuvaTasksPage *page;
  GtkWindow       *window;
  GtkWidget       *focus;

  task = adiuva_store_quick_add_task (store, "Call the printer", NULL, &error);
  g_assert_no_error (error);
  page = g_object_new (ADIUVA_TYPE_TASKS_PAGE, "store", store, NULL);
  window = present_in_window (GTK_WIDGET (page));
  test_ui_wait_until (is_mapped, page);
  test_ui_wait_for_n_items (_adiuva_tasks_page_get_tasks (page), 1);

  adiuva_tasks_page_focus_quick_add (page);
  for (guint i = 0; i < G_N_ELEMENTS (tab_order); i++)
    {
      focus = press_tab (window);
      g_assert_nonnull (focus);
      /* The select button names itself by its tooltip, with its shortcut. */
      g_assert_true (g_str_has_prefix (focused_button_label (focus), tab_order[i]));
    }
  focus = press_tab (window);
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus,
                                         GTK_WIDGET (_adiuva_tasks_page_get_list_view (page))));

  test_ui_destroy_window (window);
  g_clear_object (&store);
  test_remove_tree (dir);
}

/* Each button under @root is named once, in plain words: a label with a mnemonic gives the
 * name without its underscore (and not twice), and an icon alone comes with a tooltip and an
 * accessible label. */
static void
assert_clean_names (GtkWidget  *root,
                    GtkWidget **skip,
                    guint      *n_checked)
{
  for (guint i = 0; skip[i] != NULL; i++)
    if (root == skip[i])
      return;

  /* Inside these, the buttons are GTK's and libadwaita's own. */
  if (GTK_IS_WINDOW_CONTROLS (root) || GTK_IS_PASSWORD_ENTRY (root) || ADW_IS_ENTRY_ROW (root) ||
      ADW_IS_COMBO_ROW (root) || GTK_IS_MENU_BUTTON (gtk_widget_get_parent (root)))
    return;

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)) &&
      gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    {
      if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (root),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("“%s” is named twice", gtk_button_get_label (GTK_BUTTON (root)));
      (*n_checked)++;
    }
  else if ((GTK_IS_BUTTON (root) && gtk_button_get_icon_name (GTK_BUTTON (root)) != NULL) ||
           (GTK_IS_MENU_BUTTON (root) &&
            gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root)) != NULL))
    {
      if (gtk_widget_get_tooltip_text (root) == NULL)
        g_error ("an icon button (%s) has no tooltip",
                 gtk_button_get_icon_name (GTK_BUTTON (root)));
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (root),
                                             GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("the “%s” button has no accessible label", gtk_widget_get_tooltip_text (root));
      (*n_checked)++;
    }
  else if (GTK_IS_MENU_BUTTON (root) &&
           !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL))
    g_error ("the “%s” menu button has no accessible label",
             gtk_menu_button_get_label (GTK_MENU_BUTTON (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_clean_names (child, skip, n_checked);
}

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

/* The whole window, on each of its states (welcome, unlock, problem, workspace), with a task
 * open. The Notes and Projects pages are checked with their own work. */
static void
test_accessible_names (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;
  StateWait     wait;
  AdiuvaWindow *window;
  GtkWidget    *tasks;
  GtkWidget    *skip[3] = { NULL };
  guint         n_checked = 0;

  task = adiuva_store_quick_add_task (store, "Call the printer", NULL, &error);
  g_assert_no_error (error);
  test_ui_add_checkpoint (store, "Brochure", "Print run", 5);
  g_clear_object (&store);

  window = adiuva_window_new (NULL, dir);
  gtk_window_present (GTK_WINDOW (window));
  wait = (StateWait){ window, "unlock" };
  test_ui_wait_until (in_state, &wait);
  g_signal_emit_by_name (_adiuva_window_get_state_child (window, "unlock"), "unlock",
                         TEST_PASSPHRASE);
  wait.state = "workspace";
  test_ui_wait_until (in_state, &wait);

  adiuva_window_show_task (window, adiuva_record_get_id (ADIUVA_RECORD (task)));
  tasks = _adiuva_window_get_page (window, "tasks");
  test_ui_wait_until (is_mapped, tasks);
  g_assert_nonnull (_adiuva_tasks_page_get_details (ADIUVA_TASKS_PAGE (tasks)));
  g_assert_true (adiuva_window_show_page (window, "timeline"));

  skip[0] = _adiuva_window_get_page (window, "notes");
  skip[1] = _adiuva_window_get_page (window, "projects");
  assert_clean_names (GTK_WIDGET (window), skip, &n_checked);
  g_assert_cmpuint (n_checked, >=, 15);

  test_ui_destroy_window (GTK_WINDOW (window));
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/keyboard/timeline", test_timeline);
  g_test_add_func ("/ui/keyboard/tasks-tab-order", test_tasks_tab_order);
  g_test_add_func ("/ui/keyboard/accessible-names", test_accessible_names);

  return g_test_run ();
}
