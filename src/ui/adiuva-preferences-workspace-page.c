/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-preferences-workspace-page"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-preferences-workspace-page-private.h"

/* The Workspace page of the Preferences window: how the workspace's key is kept, where the
 * workspace is, and the loopback endpoint, whose server the workspace gateway runs (and the
 * main window stops when it closes the workspace). */

#define HIDDEN_TOKEN "••••••••••••••••"

typedef enum
{
  KEY_CHANGE_USE_PASSPHRASE,
  KEY_CHANGE_CHANGE_PASSPHRASE,
  KEY_CHANGE_USE_KEYRING,
} KeyChange;

struct _AdiuvaPreferencesWorkspacePage
{
  AdwPreferencesPage parent_instance;

  AdiuvaWorkspaceGateway *gateway;
  char                   *last_message;
  gboolean                busy;
  gboolean                updating; /* widgets set from the state, not by the user */
  /* The keyring is asked off the main thread (it can wait for the user to unlock it); this
   * cancels what is still in flight when the page goes. */
  GCancellable *cancellable;
  guint         keyring_calls; /* in flight: the endpoint's group waits for them */
  GtkWidget    *loopback_spinner;

  /* The key dialog while it is open */
  AdwMessageDialog *key_dialog;
  KeyChange         key_change;
  GtkEditable      *current_entry;
  GtkEditable      *passphrase_entry;
  GtkEditable      *again_entry;
  GtkLabel         *hint_label;

  /* Moving the workspace */
  GtkNativeDialog  *folder_chooser;
  AdwMessageDialog *move_dialog; /* the progress, then the outcome */
  GtkProgressBar   *move_progress;
  GCancellable     *move_cancellable;
  gboolean          moving;

  AdwPreferencesGroup *key_group;
  AdwActionRow        *key_mode_row;
  GtkSpinner          *key_spinner;
  GtkWidget           *use_passphrase_row;
  GtkWidget           *change_passphrase_row;
  GtkWidget           *use_keyring_row;
  AdwPreferencesGroup *location_group;
  AdwActionRow        *folder_row;
  AdwPreferencesGroup *loopback_group;
  GtkSwitch           *loopback_switch;
  GtkSpinButton       *port_spin;
  AdwActionRow        *address_row;
  AdwActionRow        *token_row;
  GtkToggleButton     *reveal_token_button;
};

/* clang-format off */
G_DEFINE_FINAL_TYPE (AdiuvaPreferencesWorkspacePage, adiuva_preferences_workspace_page,
                     ADW_TYPE_PREFERENCES_PAGE)
/* clang-format on */

static void
show_message (AdiuvaPreferencesWorkspacePage *self,
              const char                     *text)
{
  GtkRoot         *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *escaped = NULL;

  g_free (self->last_message);
  self->last_message = g_strdup (text);
  if (!ADW_IS_PREFERENCES_WINDOW (root))
    return;
  /* libadwaita 1.2 reads a toast's title as markup: an error message is not. */
  escaped = g_markup_escape_text (text, -1);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (escaped));
}

static void
show_error (AdiuvaPreferencesWorkspacePage *self,
            const char                     *what,
            const GError                   *error)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);

  show_message (self, text);
}

static AdiuvaStore *
get_store (AdiuvaPreferencesWorkspacePage *self)
{
  return self->gateway != NULL ? adiuva_workspace_gateway_get_store (self->gateway) : NULL;
}

/* Workspace key */

static void
update_key_rows (AdiuvaPreferencesWorkspacePage *self)
{
  AdiuvaKeyMode modes = get_store (self) != NULL ? adiuva_store_get_key_modes (get_store (self))
                                                 : 0;
  gboolean      keyring = (modes & ADIUVA_KEY_MODE_KEYRING) != 0;
  gboolean      passphrase = (modes & ADIUVA_KEY_MODE_PASSPHRASE) != 0;

  if (keyring && passphrase)
    adw_action_row_set_subtitle (self->key_mode_row,
                                 _ ("In your keyring, and behind a passphrase for when the "
                                    "keyring cannot be used"));
  else if (passphrase)
    adw_action_row_set_subtitle (self->key_mode_row,
                                 _ ("Behind a passphrase, asked each time Adiuva starts"));
  else if (keyring)
    adw_action_row_set_subtitle (self->key_mode_row,
                                 _ ("In your keyring: opens without asking while you are "
                                    "logged in"));
  else
    adw_action_row_set_subtitle (self->key_mode_row, _ ("Open your workspace to see it"));

  gtk_widget_set_visible (self->use_passphrase_row, keyring && !passphrase);
  gtk_widget_set_visible (self->change_passphrase_row, passphrase);
  gtk_widget_set_visible (self->use_keyring_row, passphrase);
  gtk_widget_set_visible (GTK_WIDGET (self->key_spinner), self->busy);
  gtk_spinner_set_spinning (self->key_spinner, self->busy);
  /* The key file is copied by a move: it stays as it is meanwhile. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.use-passphrase",
                                 !self->busy && !self->moving && modes != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.change-passphrase",
                                 !self->busy && !self->moving && modes != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.use-keyring",
                                 !self->busy && !self->moving && modes != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.move",
                                 !self->busy && !self->moving && modes != 0);
}

/* Cheap and honest: length is what counts most against guessing. */
static const char *
strength_hint (const char *passphrase)
{
  glong length = g_utf8_strlen (passphrase, -1);

  if (length == 0)
    return "";
  if (length < 8)
    return _ ("Too short: use at least 8 characters, better a few unrelated words.");
  if (length < 12)
    return _ ("Fair: a longer passphrase is much harder to guess.");
  if (length < 20)
    return _ ("Good.");
  return _ ("Strong.");
}

static gboolean
has_passphrase (AdiuvaPreferencesWorkspacePage *self)
{
  return (adiuva_store_get_key_modes (get_store (self)) & ADIUVA_KEY_MODE_PASSPHRASE) != 0;
}

static void
key_dialog_changed_cb (AdiuvaPreferencesWorkspacePage *self)
{
  gboolean    needs_new = self->key_change != KEY_CHANGE_USE_KEYRING;
  const char *current = gtk_editable_get_text (self->current_entry);
  const char *passphrase = gtk_editable_get_text (self->passphrase_entry);
  const char *again = gtk_editable_get_text (self->again_entry);
  gboolean    differ = needs_new && *again != '\0' && g_strcmp0 (passphrase, again) != 0;
  gboolean    ready;

  ready = (!has_passphrase (self) || *current != '\0') &&
          (!needs_new || (*passphrase != '\0' && g_strcmp0 (passphrase, again) == 0));
  adw_message_dialog_set_response_enabled (self->key_dialog, "apply", ready);

  if (differ)
    gtk_label_set_text (self->hint_label, _ ("The two passphrases differ."));
  else
    gtk_label_set_text (self->hint_label, needs_new ? strength_hint (passphrase) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label),
                          *gtk_label_get_text (self->hint_label) != '\0');
}

static const char *
key_change_done_message (KeyChange change)
{
  switch (change)
    {
    case KEY_CHANGE_USE_PASSPHRASE:
      return _ ("The key is now kept behind your passphrase");
    case KEY_CHANGE_CHANGE_PASSPHRASE:
      return _ ("The passphrase was changed");
    case KEY_CHANGE_USE_KEYRING:
    default:
      return _ ("The key is now kept in your keyring");
    }
}

typedef struct
{
  AdiuvaPreferencesWorkspacePage *self;
  AdiuvaKeyMode                   modes_before;
  KeyChange                       change;
} KeyJob;

static void
change_key_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KeyJob                         *job = user_data;
  AdiuvaPreferencesWorkspacePage *self = job->self;
  AdiuvaStore                    *store = ADIUVA_STORE (source);
  g_autoptr (GError) error = NULL;

  /* Always finished, even when the page went away meanwhile: it tells the store how its key
   * is kept now. */
  adiuva_store_change_key_finish (store, result, &error);
  self->busy = FALSE;
  if (self->gateway == NULL) /* disposed meanwhile */
    goto out;
  update_key_rows (self);

  if (error != NULL && adiuva_store_get_key_modes (store) == job->modes_before)
    {
      g_autofree char *text = g_strdup_printf (_ ("%s Nothing was changed."), error->message);

      show_message (self, text);
    }
  else if (error != NULL)
    show_error (self, _ ("The change was not finished"), error);
  else
    show_message (self, key_change_done_message (job->change));

out:
  g_object_unref (job->self);
  g_free (job);
}

static void
start_key_change (AdiuvaPreferencesWorkspacePage *self,
                  KeyChange                       change,
                  const char                     *current,
                  const char                     *passphrase)
{
  AdiuvaStore  *store = get_store (self);
  AdiuvaKeyMode modes_before = adiuva_store_get_key_modes (store);
  AdiuvaKeyMode modes;
  KeyJob       *job;

  switch (change)
    {
    case KEY_CHANGE_USE_PASSPHRASE:
      modes = ADIUVA_KEY_MODE_PASSPHRASE;
      break;
    case KEY_CHANGE_CHANGE_PASSPHRASE:
      modes = modes_before | ADIUVA_KEY_MODE_PASSPHRASE;
      break;
    case KEY_CHANGE_USE_KEYRING:
    default:
      modes = ADIUVA_KEY_MODE_KEYRING;
      passphrase = NULL;
      break;
    }

  job = g_new0 (KeyJob, 1);
  job->self = g_object_ref (self);
  job->modes_before = modes_before;
  job->change = change;
  self->busy = TRUE;
  update_key_rows (self);
  /* Not cancellable: once the key file is being rewritten, it is better finished. */
  adiuva_store_change_key_async (store, *current != '\0' ? current : NULL, modes, passphrase,
                                 NULL, change_key_cb, job);
}

static void
key_dialog_response_cb (AdiuvaPreferencesWorkspacePage *self,
                        const char                     *response)
{
  if (g_str_equal (response, "apply"))
    start_key_change (self, self->key_change, gtk_editable_get_text (self->current_entry),
                      gtk_editable_get_text (self->passphrase_entry));
}

/* Closed after its response, or destroyed with its window: the passphrases go with it. */
static void
key_dialog_destroy_cb (AdiuvaPreferencesWorkspacePage *self)
{
  self->key_dialog = NULL;
  self->current_entry = NULL;
  self->passphrase_entry = NULL;
  self->again_entry = NULL;
  self->hint_label = NULL;
}

/* GTK 4.8 fails on a window destroyed with a text field still focused (the field never gets
 * its focus-out), as when the Preferences window goes with the dialog open: focus leaves the
 * fields first. */
static void
key_dialog_unmap_cb (GtkWindow *dialog)
{
  gtk_window_set_focus (dialog, NULL);
}

static GtkEditable *
add_passphrase_row (AdiuvaPreferencesWorkspacePage *self,
                    GtkListBox                     *list,
                    const char                     *title,
                    gboolean                        visible)
{
  GtkWidget *row = adw_password_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  /* Enter confirms, once the response is enabled. */
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  gtk_widget_set_visible (row, visible);
  g_signal_connect_object (row, "changed", G_CALLBACK (key_dialog_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_append (list, row);
  return GTK_EDITABLE (row);
}

static void
open_key_dialog (AdiuvaPreferencesWorkspacePage *self,
                 KeyChange                       change)
{
  GtkRoot    *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget  *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget  *list = gtk_list_box_new ();
  GtkWidget  *hint = gtk_label_new (NULL);
  gboolean    needs_new = change != KEY_CHANGE_USE_KEYRING;
  const char *heading, *body, *apply;

  switch (change)
    {
    case KEY_CHANGE_USE_PASSPHRASE:
      heading = _ ("Use a Passphrase?");
      body = _ ("Adiuva will ask for it each time it starts, and the key leaves your keyring. "
                "Nobody can recover a forgotten passphrase: without it, the workspace cannot "
                "be opened.");
      apply = _ ("_Use Passphrase");
      break;
    case KEY_CHANGE_CHANGE_PASSPHRASE:
      heading = _ ("Change Passphrase?");
      body = _ ("Nobody can recover a forgotten passphrase: without it, the workspace cannot be "
                "opened.");
      apply = _ ("C_hange Passphrase");
      break;
    case KEY_CHANGE_USE_KEYRING:
    default:
      heading = _ ("Keep the Key in Your Keyring?");
      body = _ ("The workspace will open without asking while you are logged in, and the "
                "passphrase is removed.");
      apply = _ ("_Use Keyring");
      break;
    }

  self->key_change = change;
  self->key_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  adw_message_dialog_add_responses (self->key_dialog, "cancel", _ ("_Cancel"), "apply", apply,
                                    NULL);
  adw_message_dialog_set_response_appearance (self->key_dialog, "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (self->key_dialog, "apply");
  adw_message_dialog_set_close_response (self->key_dialog, "cancel");

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  self->current_entry = add_passphrase_row (self, GTK_LIST_BOX (list), _ ("C_urrent Passphrase"),
                                            has_passphrase (self));
  self->passphrase_entry = add_passphrase_row (self, GTK_LIST_BOX (list), _ ("_New Passphrase"),
                                               needs_new);
  self->again_entry = add_passphrase_row (self, GTK_LIST_BOX (list),
                                          _ ("New Passphrase _Again"), needs_new);
  self->hint_label = GTK_LABEL (hint);
  gtk_label_set_wrap (self->hint_label, TRUE);
  gtk_label_set_xalign (self->hint_label, 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->passphrase_entry),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, hint, NULL, -1);
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), hint);
  adw_message_dialog_set_extra_child (self->key_dialog, box);

  g_signal_connect_object (self->key_dialog, "response", G_CALLBACK (key_dialog_response_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect (self->key_dialog, "unmap", G_CALLBACK (key_dialog_unmap_cb), NULL);
  g_signal_connect_object (self->key_dialog, "destroy", G_CALLBACK (key_dialog_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  key_dialog_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self->key_dialog));
  gtk_widget_grab_focus (GTK_WIDGET (has_passphrase (self) ? self->current_entry
                                                           : self->passphrase_entry));
}

static void
use_passphrase_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  open_key_dialog (ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget), KEY_CHANGE_USE_PASSPHRASE);
}

static void
change_passphrase_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  open_key_dialog (ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget), KEY_CHANGE_CHANGE_PASSPHRASE);
}

static void
use_keyring_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_key_dialog (ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget), KEY_CHANGE_USE_KEYRING);
}

/* Location */

static void
folder_shown_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (AdiuvaPreferencesWorkspacePage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    show_error (self, _ ("Could not open the workspace folder"), error);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget);
  GtkRoot                        *root = gtk_widget_get_root (widget);
  g_autoptr (GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (get_store (self) == NULL || !GTK_IS_WINDOW (root))
    return;
  folder = g_file_new_for_path (adiuva_store_get_dir (get_store (self)));
  uri = g_file_get_uri (folder);
  gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL, folder_shown_cb,
                     g_object_ref (self));
}

/* Moving: the store copies, checks and switches over (adiuva_store_move_async()); the main
 * window then gives way to one on the moved store (the application's reopen-workspace), so
 * that everything holding the old folder goes with it. */

static void
move_dialog_destroy_cb (AdiuvaPreferencesWorkspacePage *self)
{
  self->move_dialog = NULL;
  self->move_progress = NULL;
}

static AdwMessageDialog *
new_move_dialog (AdiuvaPreferencesWorkspacePage *self,
                 const char                     *heading,
                 const char                     *body)
{
  GtkRoot          *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));

  if (self->move_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->move_dialog));
  self->move_dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (move_dialog_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  return dialog;
}

/* Asks the application to show the moved workspace in a new window; in the widget tests there
 * is none, and the page simply goes on showing the store where it now is. From an idle, once
 * the outcome dialog has finished its response: this window and the dialog go. */
static gboolean
reopen_workspace_cb (gpointer user_data)
{
  AdiuvaPreferencesWorkspacePage *self = user_data;
  GApplication                   *app = g_application_get_default ();
  GtkRoot                        *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdiuvaStore                    *store = get_store (self);
  g_autofree char                *dir = NULL;

  if (store == NULL || app == NULL ||
      !g_action_group_has_action (G_ACTION_GROUP (app), "reopen-workspace"))
    return G_SOURCE_REMOVE;
  dir = g_strdup (adiuva_store_get_dir (store));
  /* This window belongs to the old one, and goes first: GTK 4.8 does not let a transient
   * window outlive its parent. */
  if (GTK_IS_WINDOW (root))
    {
      /* Focus leaves any text field first, as in key_dialog_unmap_cb(). */
      gtk_window_set_focus (GTK_WINDOW (root), NULL);
      gtk_window_destroy (GTK_WINDOW (root));
    }
  g_action_group_activate_action (G_ACTION_GROUP (app), "reopen-workspace",
                                  g_variant_new_string (dir));
  return G_SOURCE_REMOVE;
}

static void
outcome_response_cb (AdiuvaPreferencesWorkspacePage *self,
                     const char                     *response)
{
  if (g_str_equal (response, "reopen"))
    g_idle_add_full (G_PRIORITY_DEFAULT, reopen_workspace_cb, g_object_ref (self),
                     g_object_unref);
}

static void
show_move_outcome (AdiuvaPreferencesWorkspacePage *self,
                   const char                     *heading,
                   const char                     *body,
                   gboolean                        moved)
{
  AdwMessageDialog *dialog = new_move_dialog (self, heading, body);

  show_message (self, body);
  if (moved)
    {
      adw_message_dialog_add_response (dialog, "reopen", _ ("_Continue"));
      /* However it is closed: the old window must not go on with the old folder's files. */
      adw_message_dialog_set_close_response (dialog, "reopen");
      g_signal_connect_object (dialog, "response", G_CALLBACK (outcome_response_cb), self,
                               G_CONNECT_SWAPPED);
    }
  else
    adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_progress_cb (goffset  current,
                  goffset  total,
                  gpointer user_data)
{
  AdiuvaPreferencesWorkspacePage *self = user_data;
  g_autofree char                *done = NULL;
  g_autofree char                *all = NULL;
  g_autofree char                *text = NULL;

  if (self->move_progress == NULL || total <= 0)
    return;
  done = g_format_size (current);
  all = g_format_size (total);
  /* TRANSLATORS: bytes copied so far, e.g. “12.3 MB of 40.0 MB” */
  text = g_strdup_printf (_ ("%s of %s"), done, all);
  gtk_progress_bar_set_fraction (self->move_progress, (double) current / total);
  gtk_progress_bar_set_text (self->move_progress, text);
}

typedef struct
{
  AdiuvaPreferencesWorkspacePage *self;
  char                           *from;
  gboolean                        was_default;
} MoveJob;

static void
moved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  MoveJob                        *job = user_data;
  AdiuvaPreferencesWorkspacePage *self = job->self;
  AdiuvaStore                    *store = ADIUVA_STORE (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *body = NULL;
  gboolean         moved;

  moved = adiuva_store_move_finish (store, result, &error);
  self->moving = FALSE;
  g_clear_object (&self->move_cancellable);
  if (self->gateway == NULL) /* disposed meanwhile */
    goto out;
  update_key_rows (self);
  adw_action_row_set_subtitle (self->folder_row, adiuva_store_get_dir (store));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->move_dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (self->move_dialog));
      show_message (self, error->message);
    }
  else if (!moved)
    show_move_outcome (self, _ ("The Workspace Was Not Moved"), error->message, FALSE);
  else
    {
      if (job->was_default)
        body = g_strdup_printf (_ ("It is now in “%s”, and Adiuva and adiuva-cli find it there "
                                   "from now on."),
                                adiuva_store_get_dir (store));
      else
        body = g_strdup_printf (_ ("It is now in “%s”. Adiuva was started with the folder "
                                   "“%s” (--data-dir or $ADIUVA_DATA_DIR): start it with the "
                                   "new folder from now on. The default workspace was not "
                                   "changed."),
                                adiuva_store_get_dir (store), job->from);
      show_move_outcome (self, _ ("Workspace Moved"), body, TRUE);
    }

out:
  g_object_unref (job->self);
  g_free (job->from);
  g_free (job);
}

static void
progress_response_cb (AdiuvaPreferencesWorkspacePage *self,
                      const char                     *response)
{
  /* The copy is removed; moved_cb() then says so. */
  if (g_str_equal (response, "cancel") && self->move_cancellable != NULL)
    g_cancellable_cancel (self->move_cancellable);
}

static void
start_move (AdiuvaPreferencesWorkspacePage *self,
            const char                     *dest)
{
  AdiuvaStore      *store = get_store (self);
  g_autofree char  *default_dir = adiuva_store_dup_default_dir ();
  g_autofree char  *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget        *progress;
  MoveJob          *job;

  if (store == NULL || self->moving || self->busy)
    return;

  job = g_new0 (MoveJob, 1);
  job->self = g_object_ref (self);
  job->from = g_strdup (adiuva_store_get_dir (store));
  job->was_default = g_str_equal (job->from, default_dir);

  body = g_strdup_printf (_ ("Copying it to “%s”. It stays where it is until the copy is "
                             "checked."),
                          dest);
  dialog = new_move_dialog (self, _ ("Moving the Workspace"), body);
  adw_message_dialog_add_response (dialog, "cancel", _ ("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (progress), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Copied so far"), -1);
  self->move_progress = GTK_PROGRESS_BAR (progress);
  adw_message_dialog_set_extra_child (dialog, progress);
  g_signal_connect_object (dialog, "response", G_CALLBACK (progress_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  self->moving = TRUE;
  self->move_cancellable = g_cancellable_new ();
  update_key_rows (self);
  adiuva_store_move_async (store, dest, move_progress_cb, self, self->move_cancellable, moved_cb,
                           job);
}

static void
folder_chosen_cb (AdiuvaPreferencesWorkspacePage *self,
                  int                             response)
{
  g_autoptr (GtkNativeDialog) chooser = g_steal_pointer (&self->folder_chooser);
  g_autoptr (GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = folder != NULL ? g_file_get_path (folder) : NULL;
  if (path == NULL)
    show_message (self, _ ("That folder is not on this computer; choose a local folder."));
  else
    start_move (self, path);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget);
  GtkRoot                        *root = gtk_widget_get_root (widget);
  GtkFileChooserNative           *chooser;

  if (get_store (self) == NULL || self->folder_chooser != NULL)
    return;
  /* GtkFileDialog is GTK 4.10; Debian 12 has 4.8. */
  chooser = gtk_file_chooser_native_new (_ ("Move the Workspace to an Empty Folder"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Move Here"),
                                         _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  self->folder_chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (folder_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->folder_chooser);
}

/* Loopback endpoint */

static void
update_loopback_rows (AdiuvaPreferencesWorkspacePage *self)
{
  guint            port = adiuva_workspace_gateway_get_loopback_port (self->gateway);
  g_autofree char *address = NULL;

  self->updating = TRUE;
  gtk_switch_set_active (self->loopback_switch, port != 0);
  if (port != 0)
    gtk_spin_button_set_value (self->port_spin, port);
  self->updating = FALSE;

  address = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  adw_action_row_set_subtitle (self->address_row, address);
  gtk_widget_set_visible (GTK_WIDGET (self->address_row), port != 0);
}

/* While the keyring is asked, the endpoint's rows wait for the answer. */
static void
keyring_call_started (AdiuvaPreferencesWorkspacePage *self)
{
  if (self->keyring_calls++ == 0)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->loopback_group), FALSE);
      gtk_widget_set_visible (self->loopback_spinner, TRUE);
      gtk_spinner_set_spinning (GTK_SPINNER (self->loopback_spinner), TRUE);
    }
}

/* Returns: %FALSE when the call was cancelled because the page went: nothing is left to do. */
static gboolean
keyring_call_ended (AdiuvaPreferencesWorkspacePage *self,
                    const GError                   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (--self->keyring_calls == 0)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->loopback_group), TRUE);
      gtk_widget_set_visible (self->loopback_spinner, FALSE);
      gtk_spinner_set_spinning (GTK_SPINNER (self->loopback_spinner), FALSE);
    }
  return TRUE;
}

static void
loopback_set_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AdiuvaPreferencesWorkspacePage *self = user_data;
  g_autoptr (GError) error = NULL;

  adiuva_workspace_gateway_set_loopback_enabled_finish (ADIUVA_WORKSPACE_GATEWAY (source), result,
                                                        &error);
  if (!keyring_call_ended (self, error))
    return;
  /* The switch, insensitive meanwhile, still says what was asked. */
  if (error != NULL)
    show_error (self,
                gtk_switch_get_active (self->loopback_switch)
                    ? _ ("Could not start the endpoint")
                    : _ ("Could not stop the endpoint"),
                error);
  update_loopback_rows (self);
}

static void
set_loopback (AdiuvaPreferencesWorkspacePage *self,
              gboolean                        enabled)
{
  guint port = gtk_spin_button_get_value_as_int (self->port_spin);

  keyring_call_started (self);
  adiuva_workspace_gateway_set_loopback_enabled_async (self->gateway, enabled, port,
                                                       self->cancellable, loopback_set_cb, self);
}

static void
loopback_switch_cb (AdiuvaPreferencesWorkspacePage *self)
{
  if (!self->updating && self->gateway != NULL)
    set_loopback (self, gtk_switch_get_active (self->loopback_switch));
}

static void
port_changed_cb (AdiuvaPreferencesWorkspacePage *self)
{
  /* A running endpoint moves; one that is off takes the port when it is turned on. */
  if (!self->updating && self->gateway != NULL &&
      adiuva_workspace_gateway_get_loopback_port (self->gateway) != 0)
    set_loopback (self, TRUE);
}

static void
set_token_shown (AdiuvaPreferencesWorkspacePage *self,
                 const char                     *token)
{
  gboolean shown = token != NULL;

  adw_action_row_set_subtitle (self->token_row, shown ? token : HIDDEN_TOKEN);
  gtk_button_set_icon_name (GTK_BUTTON (self->reveal_token_button),
                            shown ? "view-conceal-symbolic" : "view-reveal-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_token_button),
                               shown ? _ ("Hide Token") : _ ("Show Token"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reveal_token_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  shown ? _ ("Hide Token") : _ ("Show Token"), -1);
}

typedef char *(*TokenFinish) (AdiuvaWorkspaceGateway *gateway,
                              GAsyncResult           *result,
                              GError                **error);

/*
 * token_call_ended:
 * @failure: what the user is told when the keyring gave no token
 * @token: (out) (transfer full): the token, %NULL when there is none
 *
 * Ends a keyring call for the token as keyring_call_ended() does, telling the user of a failure.
 *
 * Returns: %FALSE when the call was cancelled because the page went
 */
static gboolean
token_call_ended (AdiuvaPreferencesWorkspacePage *self,
                  TokenFinish                     finish,
                  GObject                        *source,
                  GAsyncResult                   *result,
                  const char                     *failure,
                  char                          **token)
{
  g_autoptr (GError) error = NULL;

  *token = finish (ADIUVA_WORKSPACE_GATEWAY (source), result, &error);
  if (!keyring_call_ended (self, error))
    return FALSE;
  if (*token == NULL)
    show_error (self, failure, error);
  return TRUE;
}

static void
token_revealed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AdiuvaPreferencesWorkspacePage *self = user_data;
  g_autofree char                *token = NULL;

  if (!token_call_ended (self, adiuva_workspace_gateway_dup_loopback_token_finish, source, result,
                         _ ("Could not show the token"), &token))
    return;
  if (token == NULL)
    gtk_toggle_button_set_active (self->reveal_token_button, FALSE);
  else if (gtk_toggle_button_get_active (self->reveal_token_button))
    set_token_shown (self, token);
}

static void
reveal_token_cb (AdiuvaPreferencesWorkspacePage *self)
{
  if (!gtk_toggle_button_get_active (self->reveal_token_button) || self->gateway == NULL)
    {
      set_token_shown (self, NULL);
      return;
    }

  keyring_call_started (self);
  adiuva_workspace_gateway_dup_loopback_token_async (self->gateway, self->cancellable,
                                                     token_revealed_cb, self);
}

static void
copy_text (AdiuvaPreferencesWorkspacePage *self,
           const char                     *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget);

  copy_text (self, adw_action_row_get_subtitle (self->address_row));
  show_message (self, _ ("Address copied"));
}

static void
token_copied_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AdiuvaPreferencesWorkspacePage *self = user_data;
  g_autofree char                *token = NULL;

  if (!token_call_ended (self, adiuva_workspace_gateway_dup_loopback_token_finish, source, result,
                         _ ("Could not copy the token"), &token) ||
      token == NULL)
    return;
  copy_text (self, token);
  show_message (self, _ ("Token copied"));
}

static void
copy_token_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget);

  keyring_call_started (self);
  adiuva_workspace_gateway_dup_loopback_token_async (self->gateway, self->cancellable,
                                                     token_copied_cb, self);
}

static void
token_made_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AdiuvaPreferencesWorkspacePage *self = user_data;
  g_autofree char                *token = NULL;

  if (!token_call_ended (self, adiuva_workspace_gateway_reset_loopback_token_finish, source,
                         result, _ ("Could not make a new token"), &token) ||
      token == NULL)
    return;
  if (gtk_toggle_button_get_active (self->reveal_token_button))
    set_token_shown (self, token);
  show_message (self, _ ("New token made: give it to the apps that use the endpoint"));
}

static void
new_token_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (widget);

  keyring_call_started (self);
  adiuva_workspace_gateway_reset_loopback_token_async (self->gateway, self->cancellable,
                                                       token_made_cb, self);
}

/* GObject */

static void
adiuva_preferences_workspace_page_dispose (GObject *object)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->key_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->key_dialog));
  /* A move goes on to its end: the store needs it finished either way. */
  if (self->move_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->move_dialog));
  if (self->folder_chooser != NULL)
    gtk_native_dialog_destroy (self->folder_chooser);
  g_clear_object (&self->folder_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PREFERENCES_WORKSPACE_PAGE);
  g_clear_object (&self->gateway);

  G_OBJECT_CLASS (adiuva_preferences_workspace_page_parent_class)->dispose (object);
}

static void
adiuva_preferences_workspace_page_finalize (GObject *object)
{
  AdiuvaPreferencesWorkspacePage *self = ADIUVA_PREFERENCES_WORKSPACE_PAGE (object);

  g_free (self->last_message);

  G_OBJECT_CLASS (adiuva_preferences_workspace_page_parent_class)->finalize (object);
}

static void
adiuva_preferences_workspace_page_class_init (AdiuvaPreferencesWorkspacePageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_preferences_workspace_page_dispose;
  object_class->finalize = adiuva_preferences_workspace_page_finalize;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/adiuva/Adiuva/adiuva-preferences-workspace-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage, key_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        key_mode_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        key_spinner);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        use_passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        change_passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        use_keyring_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        location_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        folder_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        loopback_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        loopback_switch);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage, port_spin);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        address_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage, token_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWorkspacePage,
                                        reveal_token_button);
  gtk_widget_class_bind_template_callback (widget_class, loopback_switch_cb);
  gtk_widget_class_bind_template_callback (widget_class, port_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_token_cb);

  gtk_widget_class_install_action (widget_class, "workspace.use-passphrase", NULL,
                                   use_passphrase_action);
  gtk_widget_class_install_action (widget_class, "workspace.change-passphrase", NULL,
                                   change_passphrase_action);
  gtk_widget_class_install_action (widget_class, "workspace.use-keyring", NULL,
                                   use_keyring_action);
  gtk_widget_class_install_action (widget_class, "workspace.open-folder", NULL,
                                   open_folder_action);
  gtk_widget_class_install_action (widget_class, "workspace.move", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "workspace.copy-address", NULL,
                                   copy_address_action);
  gtk_widget_class_install_action (widget_class, "workspace.copy-token", NULL,
                                   copy_token_action);
  gtk_widget_class_install_action (widget_class, "workspace.new-token", NULL, new_token_action);
}

static void
adiuva_preferences_workspace_page_init (AdiuvaPreferencesWorkspacePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->loopback_spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->loopback_spinner, FALSE);
  adw_preferences_group_set_header_suffix (self->loopback_group, self->loopback_spinner);
}

/**
 * adiuva_preferences_workspace_page_new:
 * @gateway: (nullable): the open workspace's gateway, %NULL while no workspace is open
 */
AdiuvaPreferencesWorkspacePage *
adiuva_preferences_workspace_page_new (AdiuvaWorkspaceGateway *gateway)
{
  AdiuvaPreferencesWorkspacePage *self;
  g_autoptr (GError) error = NULL;
  gboolean enabled;
  guint    port;

  g_return_val_if_fail (gateway == NULL || ADIUVA_IS_WORKSPACE_GATEWAY (gateway), NULL);

  self = g_object_new (ADIUVA_TYPE_PREFERENCES_WORKSPACE_PAGE, NULL);
  set_token_shown (self, NULL);
  if (gateway == NULL)
    {
      adw_action_row_set_subtitle (self->folder_row, _ ("No workspace is open"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->key_group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->location_group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->loopback_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->address_row), FALSE);
      update_key_rows (self);
      return self;
    }

  self->gateway = g_object_ref (gateway);
  adw_action_row_set_subtitle (self->folder_row,
                               adiuva_store_get_dir (adiuva_workspace_gateway_get_store (gateway)));
  update_key_rows (self);

  /* The port it last listened on, so that turning it on again keeps the tools' settings. */
  if (adiuva_workspace_gateway_get_loopback_settings (gateway, &enabled, &port, &error))
    {
      self->updating = TRUE;
      gtk_spin_button_set_value (self->port_spin, port);
      self->updating = FALSE;
    }
  else
    show_error (self, _ ("Could not read the endpoint’s settings"), error);
  update_loopback_rows (self);
  return self;
}

AdwActionRow *
_adiuva_preferences_workspace_page_get_key_mode_row (AdiuvaPreferencesWorkspacePage *self)
{
  return self->key_mode_row;
}

AdwActionRow *
_adiuva_preferences_workspace_page_get_folder_row (AdiuvaPreferencesWorkspacePage *self)
{
  return self->folder_row;
}

GtkSwitch *
_adiuva_preferences_workspace_page_get_loopback_switch (AdiuvaPreferencesWorkspacePage *self)
{
  return self->loopback_switch;
}

GtkSpinButton *
_adiuva_preferences_workspace_page_get_port_spin (AdiuvaPreferencesWorkspacePage *self)
{
  return self->port_spin;
}

AdwActionRow *
_adiuva_preferences_workspace_page_get_address_row (AdiuvaPreferencesWorkspacePage *self)
{
  return self->address_row;
}

AdwActionRow *
_adiuva_preferences_workspace_page_get_token_row (AdiuvaPreferencesWorkspacePage *self)
{
  return self->token_row;
}

GtkToggleButton *
_adiuva_preferences_workspace_page_get_reveal_token_button (AdiuvaPreferencesWorkspacePage *self)
{
  return self->reveal_token_button;
}

AdwMessageDialog *
_adiuva_preferences_workspace_page_get_key_dialog (AdiuvaPreferencesWorkspacePage *self)
{
  return self->key_dialog;
}

void
_adiuva_preferences_workspace_page_fill_key_dialog (AdiuvaPreferencesWorkspacePage *self,
                                                    const char                     *current,
                                                    const char                     *passphrase,
                                                    const char                     *again)
{
  g_assert (self->key_dialog != NULL);

  gtk_editable_set_text (self->current_entry, current);
  gtk_editable_set_text (self->passphrase_entry, passphrase);
  gtk_editable_set_text (self->again_entry, again);
}

/* Whether the key is being changed, the keyring asked or the workspace moved. */
gboolean
_adiuva_preferences_workspace_page_is_busy (AdiuvaPreferencesWorkspacePage *self)
{
  return self->busy || self->keyring_calls > 0 || self->moving;
}

/* What choosing @dest in the folder chooser does: the chooser itself is the desktop's. */
void
_adiuva_preferences_workspace_page_move_to (AdiuvaPreferencesWorkspacePage *self,
                                            const char                     *dest)
{
  start_move (self, dest);
}

/* The progress of a move while it runs, then its outcome. */
AdwMessageDialog *
_adiuva_preferences_workspace_page_get_move_dialog (AdiuvaPreferencesWorkspacePage *self)
{
  return self->move_dialog;
}

const char *
_adiuva_preferences_workspace_page_get_last_message (AdiuvaPreferencesWorkspacePage *self)
{
  return self->last_message;
}
