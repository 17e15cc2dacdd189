/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-application"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-application-private.h"
#include "adiuva-preferences-window.h"
#include "adiuva-window.h"

/* The application: one workspace folder per run (--data-dir, ADIUVA_DATA_DIR or the default,
 * as for adiuva-cli), the style from GSettings, and the app-wide actions. */
struct _AdiuvaApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  char      *data_dir;
  GTask     *opening; /* the workspace opened at start-up, until a window takes it */
};

G_DEFINE_FINAL_TYPE (AdiuvaApplication, adiuva_application, ADW_TYPE_APPLICATION)

/* Opening the workspace is a keyring round trip and SQLCipher's set-up, some 50 ms that the
 * first window would otherwise wait for after it is built. Start-up begins it on a worker
 * thread before GTK initialises, and the first window takes what it found: already open, its
 * first frame shows the workspace. */
typedef struct
{
  char        *dir;
  GMutex       mutex;
  gboolean     done; /* under the mutex; the thread leaves the result alone once it is set */
  AdiuvaStore *store;
  GError      *error;
  GTask       *waiting; /* main thread only: a window's opening that waits for this one */
} Opening;

static void
opening_free (Opening *opening)
{
  g_free (opening->dir);
  g_mutex_clear (&opening->mutex);
  g_clear_object (&opening->store);
  g_clear_error (&opening->error);
  g_clear_object (&opening->waiting);
  g_free (opening);
}

static void
opening_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Opening     *opening = task_data;
  GError      *error = NULL;
  AdiuvaStore *store = adiuva_store_open (opening->dir, NULL, cancellable, &error);

  g_mutex_lock (&opening->mutex);
  opening->store = store;
  opening->error = error;
  opening->done = TRUE;
  g_mutex_unlock (&opening->mutex);

  g_task_return_boolean (task, TRUE);
}

static gboolean
opening_is_done (Opening *opening)
{
  gboolean done;

  g_mutex_lock (&opening->mutex);
  done = opening->done;
  g_mutex_unlock (&opening->mutex);

  return done;
}

/* @task gets the result, as adiuva_store_open_async() would give it. */
static void
hand_over (Opening *opening,
           GTask   *task)
{
  if (opening->store != NULL)
    g_task_return_pointer (task, g_steal_pointer (&opening->store), g_object_unref);
  else
    g_task_return_error (task, g_steal_pointer (&opening->error));
}

static void
opening_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AdiuvaApplication *self = ADIUVA_APPLICATION (source);
  Opening           *opening = g_task_get_task_data (G_TASK (result));
  g_autoptr (GTask) waiting = g_steal_pointer (&opening->waiting);

  /* Nobody asked yet: the result waits for the first window. */
  if (waiting == NULL)
    return;

  hand_over (opening, waiting);
  if (self->opening == G_TASK (result))
    g_clear_object (&self->opening);
}

static void
start_opening (AdiuvaApplication *self)
{
  Opening *opening = g_new0 (Opening, 1);

  opening->dir = g_strdup (self->data_dir);
  g_mutex_init (&opening->mutex);

  self->opening = g_task_new (self, NULL, opening_done_cb, NULL);
  g_task_set_source_tag (self->opening, start_opening);
  g_task_set_task_data (self->opening, opening, (GDestroyNotify) opening_free);
  g_task_run_in_thread (self->opening, opening_thread);
}

/* The opening of @data_dir that start-up began, if no window has taken it yet */
static Opening *
find_opening (AdiuvaApplication *self,
              const char        *data_dir)
{
  Opening *opening = self->opening != NULL ? g_task_get_task_data (self->opening) : NULL;

  if (opening == NULL || opening->waiting != NULL || g_strcmp0 (opening->dir, data_dir) != 0)
    return NULL;

  return opening;
}

static void
update_color_scheme (AdiuvaApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme   color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing the windows, rather than quitting outright, lets each one save its state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication    *app = user_data;
  static const char *developers[] = { "The Adiuva contributors", NULL };
  GtkWidget         *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _ ("Adiuva"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _ ("Clients, projects, tasks and notes for freelancers, "
                                       "kept encrypted on your computer, with an assistant "
                                       "that suggests and never decides."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _ ("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow              *window = gtk_application_get_active_window (user_data);
  AdiuvaWorkspaceGateway *gateway = NULL;

  if (ADIUVA_IS_WINDOW (window))
    gateway = adiuva_window_get_workspace_gateway (ADIUVA_WINDOW (window));
  gtk_window_present (GTK_WINDOW (adiuva_preferences_window_new (window, gateway)));
}

/* From a reminder: the task, in the window (opened if there is none yet). */
static void
show_task_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  AdiuvaApplication *self = user_data;
  GtkWindow         *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (adiuva_window_new (GTK_APPLICATION (self), self->data_dir));
  gtk_window_present (window);
  adiuva_window_show_task (ADIUVA_WINDOW (window), g_variant_get_int64 (parameter));
}

/* After Preferences moved the workspace: the window on it gives way to a new one on the same
 * open store, whose gateway, call log and endpoint start afresh in the new folder (the old
 * window's connections still point at the old files). Nothing is asked again. */
static void
reopen_workspace_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  AdiuvaApplication *self = user_data;
  const char        *dir = g_variant_get_string (parameter, NULL);
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  g_free (self->data_dir);
  self->data_dir = g_strdup (dir);
  for (GList *l = windows; l != NULL; l = l->next)
    {
      AdiuvaStore *store = ADIUVA_IS_WINDOW (l->data)
                               ? adiuva_window_get_store (ADIUVA_WINDOW (l->data))
                               : NULL;
      g_autoptr (AdiuvaStore) kept = NULL;

      if (store == NULL || g_strcmp0 (adiuva_store_get_dir (store), dir) != 0)
        continue;
      kept = g_object_ref (store);
      /* The old window first, so that its endpoint stops and the new one can listen on the
       * port; held meanwhile, so that the application does not quit without windows. */
      g_application_hold (G_APPLICATION (self));
      gtk_window_close (GTK_WINDOW (l->data));
      gtk_window_present (
          GTK_WINDOW (adiuva_window_new_for_store (GTK_APPLICATION (self), kept)));
      g_application_release (G_APPLICATION (self));
    }
}

static const GActionEntry app_actions[] = {
  { .name = "show-task", .activate = show_task_action, .parameter_type = "x" },
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "reopen-workspace", .activate = reopen_workspace_action, .parameter_type = "s" },
};

static void
adiuva_application_startup (GApplication *application)
{
  AdiuvaApplication *self = ADIUVA_APPLICATION (application);
  g_autoptr (GAction) color_scheme = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *help_overlay_accels[] = { "<Control>question", NULL };

  /* Only the primary instance starts up: one started for another's workspace hands its
   * activation over and opens nothing. An application registered without its command line
   * (as in a test) has no folder yet, and its windows open theirs. */
  if (self->data_dir != NULL)
    start_opening (self);

  G_APPLICATION_CLASS (adiuva_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         help_overlay_accels);

  self->settings = g_settings_new ("org.adiuva.Adiuva");
  color_scheme = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (self), color_scheme);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (update_color_scheme), self, G_CONNECT_SWAPPED);
  update_color_scheme (self);

  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
adiuva_application_activate (GApplication *application)
{
  AdiuvaApplication *self = ADIUVA_APPLICATION (application);
  GtkWindow         *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (adiuva_window_new (GTK_APPLICATION (self), self->data_dir));

  gtk_window_present (window);
}

static int
adiuva_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  AdiuvaApplication *self = ADIUVA_APPLICATION (application);
  g_autofree char   *data_dir = NULL;
  const char        *env;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  env = g_getenv ("ADIUVA_DATA_DIR");
  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    self->data_dir = g_canonicalize_filename (data_dir, NULL);
  else if (env != NULL && *env != '\0')
    self->data_dir = g_canonicalize_filename (env, NULL);
  else
    {
      self->data_dir = adiuva_store_dup_default_dir ();
      return -1;
    }

  /* A running Adiuva has its own workspace: one started for another folder must not hand its
   * activation over to it, or the window would show the wrong workspace. */
  g_application_set_flags (application,
                           g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static void
adiuva_application_dispose (GObject *object)
{
  AdiuvaApplication *self = ADIUVA_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->opening);

  G_OBJECT_CLASS (adiuva_application_parent_class)->dispose (object);
}

static void
adiuva_application_finalize (GObject *object)
{
  AdiuvaApplication *self = ADIUVA_APPLICATION (object);

  g_free (self->data_dir);

  G_OBJECT_CLASS (adiuva_application_parent_class)->finalize (object);
}

static void
adiuva_application_class_init (AdiuvaApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = adiuva_application_dispose;
  object_class->finalize = adiuva_application_finalize;
  app_class->startup = adiuva_application_startup;
  app_class->activate = adiuva_application_activate;
  app_class->handle_local_options = adiuva_application_handle_local_options;
}

static void
adiuva_application_init (AdiuvaApplication *self)
{
  static const GOptionEntry options[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Open the workspace in DIR instead of the default one (or $ADIUVA_DATA_DIR)"),
      N_ ("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Print the version and exit"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

AdiuvaApplication *
adiuva_application_new (void)
{
  /* The resource path stays that of the stable id, so the .Devel build finds its styles. */
  return g_object_new (ADIUVA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", "/org/adiuva/Adiuva",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/* The workspace folder of this run, known once the command line was read. */
const char *
adiuva_application_get_data_dir (AdiuvaApplication *self)
{
  g_return_val_if_fail (ADIUVA_IS_APPLICATION (self), NULL);

  return self->data_dir;
}

/**
 * _adiuva_application_take_workspace:
 * @data_dir: the window's workspace folder
 *
 * Takes the workspace that start-up opened in @data_dir, if it has finished: then @store is
 * set, or @error to why it could not be opened.
 *
 * Returns: %FALSE when there is no such opening, or it goes on
 */
gboolean
_adiuva_application_take_workspace (AdiuvaApplication *self,
                                    const char        *data_dir,
                                    AdiuvaStore      **store,
                                    GError           **error)
{
  Opening *opening = find_opening (self, data_dir);

  if (opening == NULL || !opening_is_done (opening))
    return FALSE;

  *store = g_steal_pointer (&opening->store);
  if (opening->error != NULL)
    g_propagate_error (error, g_steal_pointer (&opening->error));
  g_clear_object (&self->opening);

  return TRUE;
}

/**
 * _adiuva_application_open_workspace_async:
 *
 * adiuva_store_open_async() without a passphrase (finish it with adiuva_store_open_finish()),
 * which waits for the opening start-up began in @data_dir rather than open it a second time.
 */
void
_adiuva_application_open_workspace_async (AdiuvaApplication  *self,
                                          const char         *data_dir,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data)
{
  Opening *opening = find_opening (self, data_dir);
  g_autoptr (GTask) task = NULL;

  if (opening == NULL)
    {
      adiuva_store_open_async (data_dir, NULL, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _adiuva_application_open_workspace_async);
  if (opening_is_done (opening))
    {
      hand_over (opening, task);
      g_clear_object (&self->opening);
    }
  else
    opening->waiting = g_steal_pointer (&task);
}
