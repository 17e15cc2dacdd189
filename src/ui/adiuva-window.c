/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-accessible.h"
#include "adiuva-application-private.h"
#include "adiuva-bench-script.h"
#include "adiuva-notes-page.h"
#include "adiuva-page-stack.h"
#include "adiuva-pages.h"
#include "adiuva-projects-page.h"
#include "adiuva-quick-find.h"
#include "adiuva-reminders.h"
#include "adiuva-status-page.h"
#include "adiuva-tasks-page.h"
#include "adiuva-unlock-page.h"
#include "adiuva-welcome-page.h"
#include "adiuva-window-private.h"

/* The main window. It opens the workspace first (welcome, unlock or a problem page on the way),
 * then shows the pages of adiuva-pages.c beside a sidebar in an AdwLeaflet, which folds the
 * sidebar away on narrow screens. */
struct _AdiuvaWindow
{
  AdwApplicationWindow parent_instance;

  GSettings              *settings;
  GCancellable           *cancellable;
  guint                   prepare_pages_id;
  char                   *data_dir;
  AdiuvaStore            *store;
  AdiuvaWorkspaceGateway *workspace_gateway;
  AdiuvaReminders        *reminders;
  gboolean                sidebar_visible;

  AdwToastOverlay   *toast_overlay;
  GtkStack          *main_stack;
  GtkSpinner        *loading_spinner;
  AdiuvaWelcomePage *welcome_page; /* and unlock_page: NULL until first needed */
  AdiuvaUnlockPage  *unlock_page;
  AdiuvaStatusPage  *problem_page;
  GtkWidget         *passphrase_button;
  AdwLeaflet        *leaflet;
  GtkWidget         *sidebar;
  GtkWidget         *sidebar_separator;
  GtkListBox        *sidebar_list;
  GtkWidget         *content;
  AdwHeaderBar      *content_header;
  AdwWindowTitle    *content_title;
  GtkWidget         *sidebar_button;
  GtkWidget         *content_menu_button;
  AdiuvaPageStack   *page_stack;
};

G_DEFINE_FINAL_TYPE (AdiuvaWindow, adiuva_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_DATA_DIR,
  PROP_STORE,
  PROP_SIDEBAR_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void open_workspace (AdiuvaWindow *self,
                            const char   *passphrase);
static void welcome_create_cb (AdiuvaWindow      *self,
                               const char        *passphrase,
                               AdiuvaWelcomePage *page);
static void unlock_cb (AdiuvaWindow     *self,
                       const char       *passphrase,
                       AdiuvaUnlockPage *page);

/* Opening and creating the workspace */

/* A workspace that opens at once never needs the welcome and unlock pages: they are built the
 * first time they are shown, not with the window, which a start-up waits for. A title names them
 * to screen readers (GTK 4.8 says "GtkStackPage" otherwise). */
static void
ensure_state_page (AdiuvaWindow *self,
                   const char   *state)
{
  if (g_str_equal (state, "welcome") && self->welcome_page == NULL)
    {
      self->welcome_page = g_object_new (ADIUVA_TYPE_WELCOME_PAGE, NULL);
      g_signal_connect_object (self->welcome_page, "create", G_CALLBACK (welcome_create_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_stack_add_titled (self->main_stack, GTK_WIDGET (self->welcome_page), state, _ ("Welcome"));
    }
  else if (g_str_equal (state, "unlock") && self->unlock_page == NULL)
    {
      self->unlock_page = g_object_new (ADIUVA_TYPE_UNLOCK_PAGE, NULL);
      g_signal_connect_object (self->unlock_page, "unlock", G_CALLBACK (unlock_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_stack_add_titled (self->main_stack, GTK_WIDGET (self->unlock_page), state, _ ("Unlock"));
    }
}

static void
show_state (AdiuvaWindow *self,
            const char   *state)
{
  ensure_state_page (self, state);
  gtk_stack_set_visible_child_name (self->main_stack, state);
}

/* What the user can do about an error of the store, beyond what its message says. */
static const char *
problem_hint (const GError *error)
{
  if (error->domain != ADIUVA_STORE_ERROR)
    return NULL;

  switch ((AdiuvaStoreError) error->code)
    {
    case ADIUVA_STORE_ERROR_NO_KEYRING:
      return _ ("Unlock your keyring (logging out and in again unlocks it), then try again.");
    case ADIUVA_STORE_ERROR_KEY_MISSING:
    case ADIUVA_STORE_ERROR_WRONG_KEY:
      return _ ("If the workspace also has a passphrase, you can unlock it with that.");
    case ADIUVA_STORE_ERROR_CORRUPT:
      return _ ("Nothing was changed. Without a backup, move the workspace folder away to "
                "start a new workspace.");
    case ADIUVA_STORE_ERROR_TOO_NEW:
      return _ ("Update Adiuva to open it. Nothing was changed.");
    case ADIUVA_STORE_ERROR_BUSY:
      return _ ("Close the other Adiuva window or adiuva-cli command using it, then try again.");
    case ADIUVA_STORE_ERROR_DISK_FULL:
      return _ ("Free some disk space, then try again.");
    case ADIUVA_STORE_ERROR_READ_ONLY:
      return _ ("Check that you may write to the workspace folder, then try again.");
    case ADIUVA_STORE_ERROR_NOT_ENCRYPTED:
      return _ ("This installation of Adiuva cannot encrypt, so it writes nothing. Reinstall it "
                "from a trusted source.");
    case ADIUVA_STORE_ERROR_FAILED:
    case ADIUVA_STORE_ERROR_NO_WORKSPACE:
    case ADIUVA_STORE_ERROR_EXISTS:
    case ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE:
    case ADIUVA_STORE_ERROR_WRONG_PASSPHRASE:
    case ADIUVA_STORE_ERROR_NOT_FOUND:
    case ADIUVA_STORE_ERROR_INVALID:
    default:
      return NULL;
    }
}

static void
show_problem (AdiuvaWindow *self,
              const GError *error)
{
  const char      *hint = problem_hint (error);
  g_autofree char *description = NULL;

  if (hint != NULL)
    description = g_strdup_printf ("%s\n\n%s", error->message, hint);

  adiuva_status_page_set_description (self->problem_page,
                                      description != NULL ? description : error->message);
  gtk_widget_set_visible (self->passphrase_button,
                          g_error_matches (error, ADIUVA_STORE_ERROR,
                                           ADIUVA_STORE_ERROR_KEY_MISSING) ||
                              g_error_matches (error, ADIUVA_STORE_ERROR,
                                               ADIUVA_STORE_ERROR_WRONG_KEY));
  gtk_stack_set_visible_child_name (self->main_stack, "problem");
}

static void
select_sidebar_row (AdiuvaWindow *self,
                    const char   *page_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), page_id) == 0)
      {
        gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));
        return;
      }
}

static GtkWidget *
create_sidebar_row (const AdiuvaPageInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_ (info->title));

  gtk_widget_set_name (row, info->id);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (info->icon_name));
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

/* A page is made the first time it is shown or, once the workspace is on screen, while the
 * main loop is idle (prepare_next_page_cb()); not with the window: a start-up that shows Today
 * need not wait for the Notes page to list every note. */
static GtkWidget *
ensure_page (AdiuvaWindow *self,
             const char   *page_id)
{
  const AdiuvaPageInfo *info = adiuva_pages_lookup (page_id);
  GtkWidget            *child;

  if (self->store == NULL || info == NULL)
    return NULL;

  child = adiuva_page_stack_get_child_by_name (self->page_stack, page_id);
  if (child != NULL)
    return child;

  child = adiuva_page_info_create_widget (info, self->store);
  adiuva_page_stack_add (self->page_stack, child, info->id, _ (info->title));

  return child;
}

/* The pages not shown yet are built once the workspace is on screen, one each time the main
 * loop has nothing else to do: building a page (its template, its first read) in the frame
 * that first shows it made that frame drop (tests/bench/bench-app, "show every page"). A page
 * asked for before its turn is built then, as before. */
static gboolean
prepare_next_page_cb (gpointer user_data)
{
  AdiuvaWindow         *self = user_data;
  const AdiuvaPageInfo *pages;
  guint                 n_pages;

  pages = adiuva_pages_get_all (&n_pages);
  for (guint i = 0; i < n_pages; i++)
    if (adiuva_page_stack_get_child_by_name (self->page_stack, pages[i].id) == NULL)
      {
        ensure_page (self, pages[i].id);
        return G_SOURCE_CONTINUE;
      }

  self->prepare_pages_id = 0;
  return G_SOURCE_REMOVE;
}

/* Runs as the first frame showing the workspace starts; the pages are built after it. */
static gboolean
prepare_pages_tick_cb (GtkWidget     *widget,
                       GdkFrameClock *frame_clock,
                       gpointer       user_data)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  if (self->prepare_pages_id == 0)
    self->prepare_pages_id =
        g_idle_add_full (G_PRIORITY_LOW, prepare_next_page_cb, self, NULL);

  return G_SOURCE_REMOVE;
}

/* A task's time has come: a notification, which opens the task when clicked. */
static void
reminder_due_cb (AdiuvaWindow    *self,
                 AdiuvaTask      *task,
                 AdiuvaReminders *reminders)
{
  GApplication *app = g_application_get_default ();
  gint64        id = adiuva_record_get_id (ADIUVA_RECORD (task));
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *notification_id = NULL;

  if (app == NULL)
    return;

  notification = g_notification_new (adiuva_task_get_title (task));
  g_notification_set_body (notification, _ ("Due now"));
  g_notification_set_default_action_and_target (notification, "app.show-task", "x", id);
  notification_id = g_strdup_printf ("task-%" G_GINT64_FORMAT, id);
  g_application_send_notification (app, notification_id, notification);
}

static void
show_loopback_problem (AdiuvaWindow *self,
                       const GError *error)
{
  /* libadwaita 1.2 reads a toast's title as markup: an error message is not. */
  g_autofree char *text = g_strdup_printf (
      _ ("The endpoint for other apps is off: %s (Preferences, Workspace)"), error->message);
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast        *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
loopback_restored_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  /* Cancelled: the window is gone. */
  if (!adiuva_workspace_gateway_restore_loopback_finish (ADIUVA_WORKSPACE_GATEWAY (source), result,
                                                         &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_loopback_problem (user_data, error);
}

static void
show_workspace (AdiuvaWindow *self,
                AdiuvaStore  *store)
{
  const AdiuvaPageInfo *pages;
  g_autofree char      *last_page = NULL;
  guint                 n_pages;

  g_assert (self->store == NULL);
  self->store = g_object_ref (store);
  /* Read before the first page is added: adding it shows it, which saves it. */
  last_page = g_settings_get_string (self->settings, "last-page");
  self->reminders = adiuva_reminders_new (store);
  g_signal_connect_object (self->reminders, "due", G_CALLBACK (reminder_due_cb), self,
                           G_CONNECT_SWAPPED);

  /* The pages themselves are made when first shown (ensure_page()). */
  pages = adiuva_pages_get_all (&n_pages);
  for (guint i = 0; i < n_pages; i++)
    gtk_list_box_append (self->sidebar_list, create_sidebar_row (&pages[i]));

  if (!adiuva_window_show_page (self, last_page))
    adiuva_window_show_page (self, pages[0].id);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-task", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-project", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-project", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-note", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.quick-find", TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  gtk_widget_add_tick_callback (GTK_WIDGET (self), prepare_pages_tick_cb, NULL, NULL);

  /* The loopback endpoint runs while the workspace is open, if it was on last time. */
  adiuva_workspace_gateway_restore_loopback_async (adiuva_window_get_workspace_gateway (self),
                                                   self->cancellable, loopback_restored_cb, self);
}

static void
opened (AdiuvaWindow *self,
        AdiuvaStore  *store,
        const GError *error,
        gboolean      with_passphrase)
{
  gtk_spinner_stop (self->loading_spinner);
  if (self->unlock_page != NULL)
    adiuva_unlock_page_set_busy (self->unlock_page, FALSE);

  /* A second opening that finished after the first (Try Again pressed twice) has nothing
   * left to do. */
  if (self->store != NULL)
    return;

  if (store != NULL)
    show_workspace (self, store);
  else if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_WORKSPACE))
    {
      show_state (self, "welcome");
      adiuva_welcome_page_set_folder (self->welcome_page, self->data_dir);
    }
  else if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE))
    {
      show_state (self, "unlock");
      gtk_widget_grab_focus (GTK_WIDGET (self->unlock_page));
    }
  else if (with_passphrase &&
           g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_PASSPHRASE))
    {
      show_state (self, "unlock");
      adiuva_unlock_page_set_error (self->unlock_page,
                                    _ ("That passphrase is wrong. Check it (and Caps Lock) and "
                                       "try again."));
    }
  else
    show_problem (self, error);
}

typedef struct
{
  AdiuvaWindow *window;
  gboolean      with_passphrase;
} OpenRequest;

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  OpenRequest *request = user_data;
  g_autoptr (AdiuvaWindow) self = request->window;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gboolean with_passphrase = request->with_passphrase;

  g_free (request);
  store = adiuva_store_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  opened (self, store, error, with_passphrase);
}

static void
open_workspace (AdiuvaWindow *self,
                const char   *passphrase)
{
  /* Not gtk_window_get_application(): constructed() comes before GtkWindow's properties. */
  GApplication *app = g_application_get_default ();
  OpenRequest  *request;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GError) error = NULL;

  /* Start-up has opened it already (or found why not): the first frame shows that, not a
   * spinner. */
  if (passphrase == NULL && ADIUVA_IS_APPLICATION (app) &&
      _adiuva_application_take_workspace (ADIUVA_APPLICATION (app), self->data_dir, &store,
                                          &error))
    {
      opened (self, store, error, FALSE);
      return;
    }

  request = g_new0 (OpenRequest, 1);
  request->window = g_object_ref (self);
  request->with_passphrase = passphrase != NULL;

  if (passphrase == NULL)
    {
      gtk_spinner_start (self->loading_spinner);
      gtk_stack_set_visible_child_name (self->main_stack, "loading");
    }
  else
    adiuva_unlock_page_set_busy (self->unlock_page, TRUE);

  if (passphrase == NULL && ADIUVA_IS_APPLICATION (app))
    _adiuva_application_open_workspace_async (ADIUVA_APPLICATION (app), self->data_dir,
                                              self->cancellable, open_cb, request);
  else
    adiuva_store_open_async (self->data_dir, passphrase, self->cancellable, open_cb, request);
}

typedef struct
{
  char *dir;
  char *passphrase;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_free (data->dir);
  if (data->passphrase != NULL)
    explicit_bzero (data->passphrase, strlen (data->passphrase));
  g_free (data->passphrase);
  g_free (data);
}

/* Creating derives a key (Argon2id) or talks to the keyring: not on the UI thread. */
static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CreateData  *data = task_data;
  GError      *error = NULL;
  AdiuvaStore *store;

  store = adiuva_store_create (data->dir, data->passphrase, cancellable, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (source);
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GError) error = NULL;

  store = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  adiuva_welcome_page_set_busy (self->welcome_page, FALSE);
  if (store != NULL)
    show_workspace (self, store);
  else if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING))
    {
      g_autofree char *message = g_strdup_printf ("%s %s", error->message,
                                                  _ ("Unlock your keyring, or choose a "
                                                     "passphrase instead."));

      adiuva_welcome_page_set_error (self->welcome_page, message);
    }
  else
    {
      const char      *hint = problem_hint (error);
      g_autofree char *message = hint != NULL ? g_strdup_printf ("%s %s", error->message, hint)
                                              : g_strdup (error->message);

      adiuva_welcome_page_set_error (self->welcome_page, message);
    }
}

static void
welcome_create_cb (AdiuvaWindow      *self,
                   const char        *passphrase,
                   AdiuvaWelcomePage *page)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, create_cb, NULL);
  CreateData *data = g_new0 (CreateData, 1);

  data->dir = g_strdup (self->data_dir);
  data->passphrase = g_strdup (passphrase);
  g_task_set_source_tag (task, welcome_create_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  adiuva_welcome_page_set_busy (page, TRUE);
  g_task_run_in_thread (task, create_thread);
}

static void
unlock_cb (AdiuvaWindow     *self,
           const char       *passphrase,
           AdiuvaUnlockPage *page)
{
  open_workspace (self, passphrase);
}

/* Pages and the sidebar */

static void
update_sidebar_cb (AdiuvaWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean beside = !folded && self->sidebar_visible;

  /* Folded, the leaflet shows one pane at a time: the sidebar must stay to navigate back to. */
  gtk_widget_set_visible (self->sidebar, folded || self->sidebar_visible);
  gtk_widget_set_visible (self->sidebar_separator, folded || self->sidebar_visible);
  gtk_widget_set_visible (self->sidebar_button, !folded);
  gtk_widget_set_visible (self->content_menu_button, !beside);
  adw_header_bar_set_show_start_title_buttons (self->content_header, !beside);
}

static void
page_changed_cb (AdiuvaWindow *self)
{
  const char           *page_id = adiuva_page_stack_get_visible_child_name (self->page_stack);
  const AdiuvaPageInfo *info = adiuva_pages_lookup (page_id);

  if (info == NULL)
    return;

  adw_window_title_set_title (self->content_title, _ (info->title));
  select_sidebar_row (self, page_id);
  g_settings_set_string (self->settings, "last-page", page_id);
}

static void
sidebar_row_activated_cb (AdiuvaWindow  *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list)
{
  adiuva_window_show_page (self, gtk_widget_get_name (GTK_WIDGET (row)));
}

/* Ctrl+1…9 take the keyboard along to the page (once it is drawn), or its own shortcuts
 * (Ctrl+Shift+N for a note…) would wait until Tab found it. The sidebar keeps the keyboard
 * when it was used. */
static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  if (adiuva_window_show_page (self, g_variant_get_string (parameter, NULL)))
    adiuva_page_stack_focus_visible_child (self->page_stack);
}

/* The Tasks page, showing one project's tasks. */
static void
show_project_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  if (adiuva_window_show_page (self, "tasks"))
    g_object_set (adiuva_page_stack_get_child_by_name (self->page_stack, "tasks"), "project",
                  g_variant_get_string (parameter, NULL), NULL);
}

/* The project's own page, on the Projects page. */
static void
open_project_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  if (adiuva_window_show_page (self, "projects"))
    adiuva_projects_page_open_project (
        ADIUVA_PROJECTS_PAGE (adiuva_page_stack_get_child_by_name (self->page_stack, "projects")),
        g_variant_get_int64 (parameter));
}

static void
show_note_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  if (adiuva_window_show_page (self, "notes"))
    adiuva_notes_page_show_note (
        ADIUVA_NOTES_PAGE (adiuva_page_stack_get_child_by_name (self->page_stack, "notes")),
        g_variant_get_int64 (parameter));
}

static void
new_task_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);
  GtkWidget    *page;

  if (!adiuva_window_show_page (self, "tasks"))
    return;

  page = adiuva_page_stack_get_child_by_name (self->page_stack, "tasks");
  if (ADIUVA_IS_TASKS_PAGE (page))
    adiuva_tasks_page_focus_quick_add (ADIUVA_TASKS_PAGE (page));
}

static void
quick_find_result_cb (AdiuvaWindow    *self,
                      AdiuvaEntity     entity,
                      gint64           id,
                      AdiuvaQuickFind *quick_find)
{
  switch (entity)
    {
    case ADIUVA_ENTITY_TASK:
      adiuva_window_show_task (self, id);
      break;
    case ADIUVA_ENTITY_PROJECT:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.open-project", "x", id);
      break;
    case ADIUVA_ENTITY_CHECKPOINT:
      adiuva_window_show_page (self, "timeline");
      break;
    case ADIUVA_ENTITY_NOTE:
      if (adiuva_window_show_page (self, "notes"))
        adiuva_notes_page_show_note (
            ADIUVA_NOTES_PAGE (adiuva_page_stack_get_child_by_name (self->page_stack, "notes")), id);
      break;
    case ADIUVA_ENTITY_CLIENT:
    case ADIUVA_ENTITY_TASK_COMMENT:
    case ADIUVA_ENTITY_CONVERSATION:
    case ADIUVA_ENTITY_MESSAGE:
    default:
      adiuva_window_show_page (self, "projects");
      break;
    }
}

static void
quick_find_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AdiuvaWindow    *self = ADIUVA_WINDOW (widget);
  AdiuvaQuickFind *quick_find = adiuva_quick_find_new (GTK_WINDOW (self), self->store);

  g_signal_connect_object (quick_find, "result-activated", G_CALLBACK (quick_find_result_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (quick_find));
}

/* Ctrl+?: the shortcuts window, built only when asked for (see adiuva.gresource.xml). */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr (GtkBuilder) builder =
      gtk_builder_new_from_resource ("/org/adiuva/Adiuva/adiuva-shortcuts-window.ui");
  GtkWindow *overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_window_set_transient_for (overlay, GTK_WINDOW (widget));
  gtk_window_present (overlay);
}

/* Escape: on a narrow window the page is a panel over the sidebar; Escape goes back to it. */
static void
close_panel_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == self->content)
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
      gtk_widget_grab_focus (GTK_WIDGET (self->sidebar_list));
    }
}

static void
open_workspace_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  open_workspace (ADIUVA_WINDOW (widget), NULL);
}

static void
unlock_with_passphrase_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (widget);

  show_state (self, "unlock");
  gtk_widget_grab_focus (GTK_WIDGET (self->unlock_page));
}

/* GObject */

static gboolean
adiuva_window_close_request (GtkWindow *window)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (window);
  gboolean      maximized = gtk_window_is_maximized (window);
  int           width, height;

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (adiuva_window_parent_class)->close_request (window);
}

static void
adiuva_window_constructed (GObject *object)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (object);

  G_OBJECT_CLASS (adiuva_window_parent_class)->constructed (object);

  g_assert (self->data_dir != NULL);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "sidebar-visible", self, "sidebar-visible",
                   G_SETTINGS_BIND_DEFAULT);
  update_sidebar_cb (self);

  /* Only for tests/bench/bench-app.c: nothing unless its environment variables are set. */
  adiuva_bench_script_attach (self);
  if (self->store != NULL)
    {
      /* Handed over open (see adiuva_window_new_for_store()): shown, not opened again. */
      g_autoptr (AdiuvaStore) store = g_steal_pointer (&self->store);

      show_workspace (self, store);
    }
  else
    open_workspace (self, NULL);
}

static void
adiuva_window_dispose (GObject *object)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->prepare_pages_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_WINDOW);
  g_clear_object (&self->reminders);
  /* Others may hold the gateway a little longer; the endpoint ends with the workspace. */
  if (self->workspace_gateway != NULL)
    adiuva_workspace_gateway_stop_loopback (self->workspace_gateway);
  g_clear_object (&self->workspace_gateway);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (adiuva_window_parent_class)->dispose (object);
}

static void
adiuva_window_finalize (GObject *object)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (object);

  g_free (self->data_dir);

  G_OBJECT_CLASS (adiuva_window_parent_class)->finalize (object);
}

static void
adiuva_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SIDEBAR_VISIBLE:
      g_value_set_boolean (value, self->sidebar_visible);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AdiuvaWindow *self = ADIUVA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SIDEBAR_VISIBLE:
      if (self->sidebar_visible != g_value_get_boolean (value))
        {
          self->sidebar_visible = g_value_get_boolean (value);
          update_sidebar_cb (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_window_class_init (AdiuvaWindowClass *klass)
{
  GObjectClass         *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass       *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass       *window_class = GTK_WINDOW_CLASS (klass);
  const AdiuvaPageInfo *pages;
  guint                 n_pages;

  object_class->constructed = adiuva_window_constructed;
  object_class->dispose = adiuva_window_dispose;
  object_class->finalize = adiuva_window_finalize;
  object_class->get_property = adiuva_window_get_property;
  object_class->set_property = adiuva_window_set_property;
  window_class->close_request = adiuva_window_close_request;

  properties[PROP_DATA_DIR] =
      g_param_spec_string ("data-dir", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIDEBAR_VISIBLE] =
      g_param_spec_boolean ("sidebar-visible", NULL, NULL, TRUE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_PAGE_STACK);
  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, problem_page);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, passphrase_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, content);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, content_menu_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWindow, page_stack);
  gtk_widget_class_bind_template_callback (widget_class, update_sidebar_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.new-task", NULL, new_task_action);
  gtk_widget_class_install_action (widget_class, "win.show-project", "s", show_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-project", "x", open_project_action);
  gtk_widget_class_install_action (widget_class, "win.show-note", "x", show_note_action);
  gtk_widget_class_install_action (widget_class, "win.quick-find", NULL, quick_find_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.close-panel", NULL, close_panel_action);
  gtk_widget_class_install_action (widget_class, "win.open-workspace", NULL,
                                   open_workspace_action);
  gtk_widget_class_install_action (widget_class, "win.unlock-with-passphrase", NULL,
                                   unlock_with_passphrase_action);
  gtk_widget_class_install_property_action (widget_class, "win.sidebar-visible",
                                            "sidebar-visible");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-task",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.close-panel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK,
                                       "win.quick-find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.sidebar-visible", NULL);
  pages = adiuva_pages_get_all (&n_pages);
  for (guint i = 0; i < n_pages && i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.show-page", "s", pages[i].id);
}

static void
adiuva_window_init (AdiuvaWindow *self)
{
  self->sidebar_visible = TRUE;
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new ("org.adiuva.Adiuva");

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-task", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-project", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-project", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-note", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.quick-find", FALSE);

#ifdef DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * adiuva_window_new:
 * @data_dir: the workspace folder
 *
 * Makes a window and starts opening the workspace in @data_dir.
 */
AdiuvaWindow *
adiuva_window_new (GtkApplication *application,
                   const char     *data_dir)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (ADIUVA_TYPE_WINDOW, "application", application, "data-dir", data_dir,
                       NULL);
}

/**
 * adiuva_window_new_for_store:
 * @store: an open workspace
 *
 * Makes a window on a workspace that is already open, as after it was moved: it asks for no
 * passphrase again.
 */
AdiuvaWindow *
adiuva_window_new_for_store (GtkApplication *application,
                             AdiuvaStore    *store)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  return g_object_new (ADIUVA_TYPE_WINDOW, "application", application, "data-dir",
                       adiuva_store_get_dir (store), "store", store, NULL);
}

/* The open workspace, or %NULL while there is none yet. */
AdiuvaStore *
adiuva_window_get_store (AdiuvaWindow *self)
{
  g_return_val_if_fail (ADIUVA_IS_WINDOW (self), NULL);

  return self->store;
}

/* The gateway of the open workspace, made once for the window, or %NULL while there is none. */
AdiuvaWorkspaceGateway *
adiuva_window_get_workspace_gateway (AdiuvaWindow *self)
{
  g_return_val_if_fail (ADIUVA_IS_WINDOW (self), NULL);

  if (self->workspace_gateway == NULL && self->store != NULL)
    self->workspace_gateway = adiuva_workspace_gateway_new (self->store);
  return self->workspace_gateway;
}

/**
 * adiuva_window_show_page:
 * @page_id: an id of adiuva-pages.c
 *
 * Shows a page (on a narrow window, over the sidebar).
 *
 * Returns: whether there is such a page (and an open workspace to show it in)
 */
gboolean
adiuva_window_show_page (AdiuvaWindow *self,
                         const char   *page_id)
{
  g_return_val_if_fail (ADIUVA_IS_WINDOW (self), FALSE);

  if (ensure_page (self, page_id) == NULL)
    return FALSE;

  adiuva_page_stack_set_visible_child_name (self->page_stack, page_id);
  adw_leaflet_set_visible_child (self->leaflet, self->content);

  return TRUE;
}

/* The Tasks page with one task's details open. */
void
adiuva_window_show_task (AdiuvaWindow *self,
                         gint64        task_id)
{
  g_return_if_fail (ADIUVA_IS_WINDOW (self));

  if (adiuva_window_show_page (self, "tasks"))
    adiuva_tasks_page_show_task (
        ADIUVA_TASKS_PAGE (adiuva_page_stack_get_child_by_name (self->page_stack, "tasks")), task_id);
}

/* Which page of the main stack shows: loading, welcome, unlock, problem or workspace. */
const char *
_adiuva_window_get_state (AdiuvaWindow *self)
{
  return gtk_stack_get_visible_child_name (self->main_stack);
}

GtkWidget *
_adiuva_window_get_page (AdiuvaWindow *self,
                         const char   *page_id)
{
  return ensure_page (self, page_id);
}

GtkWidget *
_adiuva_window_get_state_child (AdiuvaWindow *self,
                                const char   *state)
{
  ensure_state_page (self, state);
  return gtk_stack_get_child_by_name (self->main_stack, state);
}

const char *
_adiuva_window_get_problem (AdiuvaWindow *self)
{
  return adiuva_status_page_get_description (self->problem_page);
}
