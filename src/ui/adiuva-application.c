/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-application"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-application.h"
#include "adiuva-preferences-window.h"
#include "adiuva-store.h"
#include "adiuva-window.h"

/* The application: one workspace folder per run (--data-dir, ADIUVA_DATA_DIR or the default,
 * as for adiuva-cli), the style from GSettings, and the app-wide actions. */
struct _AdiuvaApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  char      *data_dir;
};

G_DEFINE_FINAL_TYPE (AdiuvaApplication, adiuva_application, ADW_TYPE_APPLICATION)

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
