/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui"

#include "config.h"

#include "adiuva-task-row-private.h"
#include "test-ui-util.h"

/* Widget tests run on a real display (Xvfb through build-aux/test-env --xvfb) with the app's
 * own resources and schema. Not G_TEST_OPTION_ISOLATE_DIRS: it empties XDG_DATA_DIRS, where
 * GTK finds its icons; test-env already gives a temporary HOME. */
void
test_ui_init (int    *argc,
              char ***argv)
{
  g_autoptr (GtkCssProvider) style = gtk_css_provider_new ();

  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();

  /* Screenshots show the end of a transition, not its first frame. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* AdwApplication loads the app's style; these tests have no application. */
  gtk_css_provider_load_from_resource (style, "/org/adiuva/Adiuva/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  /* …nor the icons it adds from its resources (the app icon, the sparkles). */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/org/adiuva/Adiuva/icons");
}

char *
test_ui_make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("adiuva-ui-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

/* A real encrypted workspace, locked with a passphrase so no keyring is needed. */
AdiuvaStore *
test_ui_create_store (const char *dir)
{
  g_autoptr (GError) error = NULL;
  AdiuvaStore *store = adiuva_store_create (dir, TEST_PASSPHRASE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

/* Runs the main loop until @condition holds. No clock is involved: if it never holds, the
 * test's meson timeout ends it. */
void
test_ui_wait_until (TestCondition condition,
                    gpointer      data)
{
  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  GListModel *model;
  guint       n_items;
} NItems;

static gboolean
has_n_items (gpointer data)
{
  NItems *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n_items;
}

void
test_ui_wait_for_n_items (GListModel *model,
                          guint       n_items)
{
  NItems wait = { model, n_items };

  test_ui_wait_until (has_n_items, &wait);
}

static gboolean
widget_matches (GtkWidget  *widget,
                GType       type,
                const char *text)
{
  if (!g_type_is_a (G_OBJECT_TYPE (widget), type))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (GTK_IS_LABEL (widget))
    return g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
  if (GTK_IS_BUTTON (widget))
    return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0;
  if (ADIUVA_IS_TASK_ROW (widget))
    return g_strcmp0 (_adiuva_task_row_get_title (ADIUVA_TASK_ROW (widget)), text) == 0;

  return FALSE;
}

/* The first mapped widget under @root of @type (and, for labels, buttons and task rows,
 * showing @text), depth first; %NULL when there is none. */
GtkWidget *
test_ui_find_descendant (GtkWidget  *root,
                         GType       type,
                         const char *text)
{
  if (gtk_widget_get_mapped (root) && widget_matches (root, type, text))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_ui_find_descendant (child, type, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_drawable (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean       painted = FALSE;
  gulong         handler;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
}

/* With ADIUVA_SCREENSHOT_DIR set, saves what @widget shows as NAME.png there (for the
 * metainfo and for reviewing a change); otherwise does nothing. GTK draws it itself, so no
 * screen grabber is needed. */
void
test_ui_screenshot (GtkWidget  *widget,
                    const char *name)
{
  const char *dir = g_getenv ("ADIUVA_SCREENSHOT_DIR");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot     *snapshot;
  int              width, height;

  if (dir == NULL || *dir == '\0')
    return;

  test_ui_wait_until (is_drawable, widget);
  /* Let pending layout and list reloads reach the screen, then wait for a frame drawn after
   * them. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  wait_for_frame (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  file_name = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* GTK 4.8 warns when a window goes with a text field still focused (it never gets its
 * focus-out); a user closing the window does not see that, a test would fail on it. */
void
test_ui_destroy_window (GtkWindow *window)
{
  gtk_window_set_focus (window, NULL);
  gtk_window_destroy (window);
}

/* The same in the dark style, with style-dark.css over style.css as AdwApplication has it. */
void
test_ui_screenshot_dark (GtkWidget  *widget,
                         const char *name)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autoptr (GtkCssProvider) dark = NULL;

  if (g_getenv ("ADIUVA_SCREENSHOT_DIR") == NULL)
    return;

  dark = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (dark, "/org/adiuva/Adiuva/style-dark.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (dark),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  test_ui_screenshot (widget, name);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (dark));
}

/* A checkpoint @days_from_now days from today, in a new project named @project_name. */
void
test_ui_add_checkpoint (AdiuvaStore *store,
                        const char  *project_name,
                        const char  *title,
                        int          days_from_now)
{
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autoptr (AdiuvaCheckpoint) checkpoint = adiuva_checkpoint_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) date = g_date_time_add_days (now, days_from_now);
  g_autofree char *date_text = g_date_time_format (date, "%Y-%m-%d");
  g_autoptr (GError) error = NULL;

  adiuva_project_set_name (project, project_name);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  adiuva_checkpoint_set_project_id (checkpoint, adiuva_record_get_id (ADIUVA_RECORD (project)));
  adiuva_checkpoint_set_title (checkpoint, title);
  adiuva_checkpoint_set_date (checkpoint, date_text);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (checkpoint), &error));
  g_assert_no_error (error);
}
