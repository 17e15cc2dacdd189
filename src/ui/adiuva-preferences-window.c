/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-accessible.h"
#include "adiuva-gateway-client.h"
#include "adiuva-preferences-ollama-page.h"
#include "adiuva-preferences-window-private.h"
#include "adiuva-preferences-workspace-page.h"
#include "adiuva-provider-table.h"

/* The Preferences window: the style, and the assistant's providers and default model through
 * the window's AdiuvaWorkspaceGateway (none while the workspace is locked). Adding or editing a
 * provider happens in a subpage of the same window, so that its errors show as toasts there and
 * nothing typed is lost. */
struct _AdiuvaPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdiuvaWorkspaceGateway *gateway;
  GSettings              *settings;
  GHashTable             *rows; /* provider name → ProviderRow */
  /* The keyring is asked off the main thread (it can wait for the user to unlock it): this
   * cancels what is in flight when the window goes; keys_cancellable, the key-status query of
   * the providers' rows, which a newer one replaces. */
  GCancellable *cancellable;
  GCancellable *keys_cancellable;
  gboolean      saving;
  guint         removing; /* providers whose keys are being cleared */
  char         *last_toast;

  AdwComboRow         *color_scheme_row;
  AdwPreferencesGroup *providers_group;
  GtkWidget           *no_providers_row;
  AdwEntryRow         *default_model_row;
  GtkMenuButton       *models_button;
  AdwPreferencesGroup *aliases_group;
  AdwEntryRow         *new_alias_row;
  GPtrArray           *alias_rows;
  AdwPreferencesGroup *fallbacks_group;
  AdwEntryRow         *new_fallback_row;
  GtkMenuButton       *fallback_models_button;
  GPtrArray           *fallback_rows;
  char                *focus_fallback; /* the model whose row has the focus after a move */

  /* The provider editor subpage; editing is %NULL when it adds a provider. */
  GtkWidget           *editor;
  AdwWindowTitle      *editor_title;
  AdwComboRow         *editor_kind;
  AdwEntryRow         *editor_name;
  AdwActionRow        *editor_url_row;
  GtkEntry            *editor_url;
  AdwPasswordEntryRow *editor_key;
  GtkWidget           *editor_save;
  GtkWidget           *editor_spinner;
  GPtrArray           *kinds; /* const AdiuvaProviderInfo *, in the order of editor_kind */
  char                *editing;
};

G_DEFINE_FINAL_TYPE (AdiuvaPreferencesWindow, adiuva_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

typedef struct
{
  AdwActionRow *row;
  GtkLabel     *status;
  GtkButton    *test_button;
  GCancellable *cancellable; /* of the Test Connection in flight, or %NULL */
  char         *result;
  /* As shown; has_key is known once key_known */
  AdiuvaWorkspaceProvider *provider;
  gboolean                 key_known;
} ProviderRow;

static void
provider_row_free (ProviderRow *row)
{
  g_cancellable_cancel (row->cancellable);
  g_clear_object (&row->cancellable);
  g_free (row->result);
  g_clear_pointer (&row->provider, adiuva_workspace_provider_free);
  g_free (row);
}

static void
show_toast (AdiuvaPreferencesWindow *self,
            const char              *text)
{
  /* libadwaita 1.2 reads a toast's title as markup: an error message is not. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
}

static void
show_error (AdiuvaPreferencesWindow *self,
            const char              *what,
            const GError            *error)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);

  show_toast (self, text);
}

static void
set_test_state (ProviderRow *row,
                const char  *result,
                gboolean     failed)
{
  g_free (row->result);
  row->result = g_strdup (result);
  gtk_label_set_text (row->status, result != NULL ? result : "");
  gtk_widget_set_visible (GTK_WIDGET (row->status), result != NULL);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (row->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row->status), "error");
  gtk_button_set_label (row->test_button,
                        row->cancellable != NULL ? _ ("_Cancel") : _ ("_Test Connection"));
}

static void
set_models_menu (GtkMenuButton     *button,
                 const char        *action_name,
                 const char        *provider,
                 const char *const *models)
{
  g_autoptr (GMenu) menu = g_menu_new ();

  for (guint i = 0; models[i] != NULL; i++)
    {
      g_autofree char *model = g_strconcat (provider, "/", models[i], NULL);
      g_autoptr (GMenuItem) item = g_menu_item_new (model, NULL);

      g_menu_item_set_action_and_target (item, action_name, "s", model);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
  gtk_widget_set_visible (GTK_WIDGET (button), models[0] != NULL);
}

/* The models found by the last successful test, for the default model and the fallbacks. */
static void
set_models (AdiuvaPreferencesWindow *self,
            const char              *provider,
            const char *const       *models)
{
  set_models_menu (self->models_button, "prefs.use-model", provider, models);
  set_models_menu (self->fallback_models_button, "prefs.add-fallback", provider, models);
}

typedef struct
{
  AdiuvaPreferencesWindow *self;
  AdiuvaGatewayClient     *client;
  GCancellable            *cancellable;
  char                    *name;
} TestCall;

static void
test_call_free (TestCall *call)
{
  g_object_unref (call->self);
  g_clear_object (&call->client);
  g_object_unref (call->cancellable);
  g_free (call->name);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCall, test_call_free)

/*
 * finish_test:
 * @error: (nullable): why the test failed
 *
 * Returns: (nullable): @call's row when it still awaits @call's answer, with the failure shown
 *   when there is @error: then only a success is left to show
 */
static ProviderRow *
finish_test (TestCall     *call,
             const GError *error)
{
  ProviderRow *row;

  if (call->self->rows == NULL)
    return NULL;
  row = g_hash_table_lookup (call->self->rows, call->name);
  /* Cancelled, or the row is gone or tests again: another answer is awaited, if any. */
  if (row == NULL || row->cancellable != call->cancellable)
    return NULL;
  g_clear_object (&row->cancellable);

  if (error == NULL)
    return row;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_test_state (row, NULL, FALSE);
  else
    /* The gateway's message names the provider and what went wrong. */
    set_test_state (row, error->message, TRUE);
  return NULL;
}

static void
list_models_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (TestCall) call = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) models = NULL;
  g_autofree char *text = NULL;
  ProviderRow     *row;

  models = adiuva_gateway_client_list_models_finish (call->client, result, &error);
  if ((row = finish_test (call, error)) == NULL)
    return;

  if (models[0] == NULL)
    text = g_strdup (_ ("Connected, but the provider lists no models"));
  else
    {
      g_autofree char *count = g_strdup_printf ("%u", g_strv_length (models));

      /* TRANSLATORS: %s is a number of models */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: %s model",
                                           "Connected: %s models", g_strv_length (models)),
                              count);
    }
  set_test_state (row, text, FALSE);
  set_models (call->self, call->name, (const char *const *) models);
}

static void
test_client_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (TestCall) call = user_data;
  g_autoptr (GError) error = NULL;
  AdiuvaGatewayClient *client;

  call->client = adiuva_workspace_gateway_new_client_finish (ADIUVA_WORKSPACE_GATEWAY (source),
                                                             result, &error);
  if (call->client == NULL)
    {
      finish_test (call, error);
      return;
    }
  client = call->client;
  adiuva_gateway_client_list_models_async (client, call->name, call->cancellable, list_models_cb,
                                           call);
  call = NULL; /* list_models_cb's now */
}

static void
test_provider (AdiuvaPreferencesWindow *self,
               const char              *name)
{
  ProviderRow *row = g_hash_table_lookup (self->rows, name);
  TestCall    *call;

  g_return_if_fail (row != NULL);

  if (row->cancellable != NULL)
    {
      g_cancellable_cancel (row->cancellable);
      g_clear_object (&row->cancellable);
      set_test_state (row, NULL, FALSE);
      return;
    }

  row->cancellable = g_cancellable_new ();
  set_test_state (row, _ ("Connecting…"), FALSE);

  call = g_new0 (TestCall, 1);
  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (row->cancellable);
  call->name = g_strdup (name);
  /* A client for this provider only, so that another provider's missing key does not matter;
   * its key is read off the main thread. */
  adiuva_workspace_gateway_new_client_async (self->gateway, name, row->cancellable,
                                             test_client_cb, call);
}

static void
test_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  AdiuvaPreferencesWindow *self = user_data;

  test_provider (self, g_object_get_data (G_OBJECT (button), "provider"));
}

static void
provider_removed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AdiuvaPreferencesWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  adiuva_workspace_gateway_remove_provider_finish (ADIUVA_WORKSPACE_GATEWAY (source), result,
                                                   &error);
  /* Cancelled: the window is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->removing--;
  if (error != NULL)
    show_error (self, _ ("Could not remove the provider"), error);
}

/* The provider goes at once; its key is cleared from the keyring off the main thread. */
static void
remove_provider (AdiuvaPreferencesWindow *self,
                 const char              *name)
{
  self->removing++;
  adiuva_workspace_gateway_remove_provider_async (self->gateway, name, self->cancellable,
                                                  provider_removed_cb, self);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  AdiuvaPreferencesWindow *self = user_data;

  if (g_str_equal (response, "remove"))
    remove_provider (self, g_object_get_data (G_OBJECT (dialog), "provider"));
}

static GtkWidget *
confirm_remove (AdiuvaPreferencesWindow *self,
                const char              *name)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Remove the Provider?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("“%s” and its API key in the keyring will be removed. "
                                     "Models named through it will no longer work."),
                                  name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "remove", _ ("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "provider", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
remove_clicked_cb (GtkButton *button,
                   gpointer   user_data)
{
  confirm_remove (user_data, g_object_get_data (G_OBJECT (button), "provider"));
}

static void show_editor (AdiuvaPreferencesWindow       *self,
                         const AdiuvaWorkspaceProvider *provider);

static void
edit_provider (AdiuvaPreferencesWindow *self,
               const char              *name)
{
  ProviderRow *row = g_hash_table_lookup (self->rows, name);

  if (row != NULL)
    show_editor (self, row->provider);
}

static void
edit_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  edit_provider (user_data, g_object_get_data (G_OBJECT (button), "provider"));
}

static GtkWidget *
row_button (AdiuvaPreferencesWindow *self,
            const char              *name,
            const char              *label,
            const char              *icon_name,
            GCallback                callback)
{
  GtkWidget *button;

  if (icon_name != NULL)
    button = adiuva_accessible_icon_button (icon_name, label);
  else
    {
      button = gtk_button_new_with_mnemonic (label);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
    }
  g_object_set_data_full (G_OBJECT (button), "provider", g_strdup (name), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static ProviderRow *
add_provider_row (AdiuvaPreferencesWindow *self,
                  const char              *name)
{
  ProviderRow     *row = g_new0 (ProviderRow, 1);
  g_autofree char *remove_label = g_strdup_printf (_ ("Remove “%s”"), name);
  g_autofree char *edit_label = g_strdup_printf (_ ("Edit “%s”"), name);

  row->row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row->row), 0);

  row->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (row->status, TRUE);
  gtk_label_set_max_width_chars (row->status, 22);
  gtk_label_set_xalign (row->status, 1);
  gtk_label_set_selectable (row->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->status), "caption");
  gtk_widget_set_visible (GTK_WIDGET (row->status), FALSE);
  adw_action_row_add_suffix (row->row, GTK_WIDGET (row->status));

  row->test_button = GTK_BUTTON (row_button (self, name, _ ("_Test Connection"), NULL,
                                             G_CALLBACK (test_clicked_cb)));
  adw_action_row_add_suffix (row->row, GTK_WIDGET (row->test_button));
  adw_action_row_add_suffix (row->row, row_button (self, name, edit_label,
                                                   "document-edit-symbolic",
                                                   G_CALLBACK (edit_clicked_cb)));
  adw_action_row_add_suffix (row->row, row_button (self, name, remove_label,
                                                   "user-trash-symbolic",
                                                   G_CALLBACK (remove_clicked_cb)));

  adw_preferences_group_add (self->providers_group, GTK_WIDGET (row->row));
  g_hash_table_insert (self->rows, g_strdup (name), row);
  return row;
}

/* @key_known: whether @provider's has_key says something yet */
static void
update_provider_row (ProviderRow                   *row,
                     const AdiuvaWorkspaceProvider *provider,
                     gboolean                       key_known)
{
  const AdiuvaProviderInfo *info;
  g_autofree char          *subtitle = NULL;
  const char               *kind = provider->kind;
  const char               *base_url = provider->base_url;
  const char               *key;

  g_clear_pointer (&row->provider, adiuva_workspace_provider_free);
  row->provider = adiuva_workspace_provider_copy (provider);
  row->key_known = key_known;

  info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), provider->kind);
  if (info != NULL)
    {
      kind = info->display_name;
      if (base_url == NULL)
        base_url = info->default_base_url;
    }
  if (!key_known)
    key = _ ("looking for the key…");
  else
    key = provider->has_key ? _ ("key saved") : _ ("no key");
  /* TRANSLATORS: a provider's kind, base URL and whether its key is in the keyring */
  subtitle = g_strdup_printf (_ ("%s · %s · %s"), kind,
                              base_url != NULL ? base_url : _ ("no base URL"), key);
  adw_action_row_set_subtitle (row->row, subtitle);
}

static void
keys_listed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AdiuvaPreferencesWindow *self = user_data;
  g_autoptr (GPtrArray) providers = NULL;
  g_autoptr (GError) error = NULL;

  providers = adiuva_workspace_gateway_list_providers_finish (ADIUVA_WORKSPACE_GATEWAY (source),
                                                              result, &error);
  /* Cancelled: a newer query replaced it, or the window is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->keys_cancellable);
  if (providers == NULL)
    {
      show_error (self, _ ("Could not read the providers"), error);
      return;
    }
  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaWorkspaceProvider *provider = g_ptr_array_index (providers, i);
      ProviderRow                   *row = g_hash_table_lookup (self->rows, provider->name);

      if (row != NULL)
        update_provider_row (row, provider, TRUE);
    }
}

/* The rows at once from the settings; whether each has a key once the keyring answers. */
static void
reload_providers (AdiuvaPreferencesWindow *self)
{
  g_autoptr (GPtrArray) providers = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer       key, value;

  providers = adiuva_workspace_gateway_read_providers (self->gateway, &error);
  if (providers == NULL)
    {
      show_error (self, _ ("Could not read the providers"), error);
      return;
    }

  /* Rows are kept across changes, with a test in flight and its result. */
  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaWorkspaceProvider *provider = g_ptr_array_index (providers, i);
      ProviderRow                   *row = g_hash_table_lookup (self->rows, provider->name);

      if (row == NULL)
        row = add_provider_row (self, provider->name);
      update_provider_row (row, provider, FALSE);
      g_hash_table_add (seen, provider->name);
    }

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      {
        ProviderRow *row = value;

        adw_preferences_group_remove (self->providers_group, GTK_WIDGET (row->row));
        g_hash_table_iter_remove (&iter);
      }

  gtk_widget_set_visible (self->no_providers_row, providers->len == 0);

  g_cancellable_cancel (self->keys_cancellable);
  g_clear_object (&self->keys_cancellable);
  self->keys_cancellable = g_cancellable_new ();
  adiuva_workspace_gateway_list_providers_async (self->gateway, self->keys_cancellable,
                                                 keys_listed_cb, self);
}

static void
reload_default_model (AdiuvaPreferencesWindow *self)
{
  g_autofree char *model = NULL;
  g_autoptr (GError) error = NULL;

  model = adiuva_workspace_gateway_dup_default_model (self->gateway, &error);
  if (error != NULL)
    show_error (self, _ ("Could not read the default model"), error);
  /* What the user is typing stays. */
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->default_model_row), "error"))
    gtk_editable_set_text (GTK_EDITABLE (self->default_model_row), model != NULL ? model : "");
}

/* An icon button for an action on one item of a list. */
static GtkWidget *
item_button (const char *icon_name,
             const char *label,
             const char *action_name,
             GVariant   *target)
{
  GtkWidget *button = adiuva_accessible_icon_button (icon_name, label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

static void
reload_aliases (AdiuvaPreferencesWindow *self)
{
  g_auto (GStrv) aliases = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < self->alias_rows->len; i++)
    adw_preferences_group_remove (self->aliases_group, g_ptr_array_index (self->alias_rows, i));
  g_ptr_array_set_size (self->alias_rows, 0);

  aliases = adiuva_workspace_gateway_list_aliases (self->gateway, &error);
  if (aliases == NULL)
    {
      show_error (self, _ ("Could not read the aliases"), error);
      return;
    }
  for (guint i = 0; aliases[i] != NULL; i++)
    {
      g_autofree char *target = adiuva_workspace_gateway_dup_alias (self->gateway, aliases[i],
                                                                    NULL);
      g_autofree char *remove_label = g_strdup_printf (_ ("Remove “%s”"), aliases[i]);
      GtkWidget       *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), aliases[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), target != NULL ? target : "");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 item_button ("user-trash-symbolic", remove_label,
                                              "prefs.remove-alias",
                                              g_variant_new_string (aliases[i])));
      adw_preferences_group_add (self->aliases_group, row);
      g_ptr_array_add (self->alias_rows, row);
    }
}

/* The fallback order */

static void
add_move_shortcut (GtkShortcutController *controller,
                   guint                  key,
                   const char            *model,
                   int                    delta)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (key, GDK_ALT_MASK),
                                            gtk_named_action_new ("prefs.move-fallback"));

  gtk_shortcut_set_arguments (shortcut, g_variant_new ("(si)", model, delta));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static GtkWidget *
move_button (const char *icon_name,
             const char *label,
             const char *model,
             int         delta,
             gboolean    can_move)
{
  GtkWidget *button = item_button (icon_name, label, "prefs.move-fallback",
                                   g_variant_new ("(si)", model, delta));

  /* An actionable button is as sensitive as its action: the end of the list has none. */
  if (!can_move)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
      gtk_widget_set_sensitive (button, FALSE);
    }
  return button;
}

static GtkWidget *
new_fallback_row (const char *model,
                  guint       position,
                  guint       n_fallbacks)
{
  g_autofree char    *number = g_strdup_printf ("%u", position + 1);
  g_autofree char    *count = g_strdup_printf ("%u", n_fallbacks);
  g_autofree char    *description = NULL;
  g_autofree char    *up_label = g_strdup_printf (_ ("Move “%s” Up"), model);
  g_autofree char    *down_label = g_strdup_printf (_ ("Move “%s” Down"), model);
  g_autofree char    *remove_label = g_strdup_printf (_ ("Remove “%s”"), model);
  GtkWidget          *row = adw_action_row_new ();
  GtkWidget          *label = gtk_label_new (number);
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), model);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), label);
  /* TRANSLATORS: the first %s is a position in the fallback order, the second their number */
  description = g_strdup_printf (_ ("Fallback %s of %s"), number, count);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS,
                                  "Alt+Up Alt+Down", -1);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             move_button ("go-up-symbolic", up_label, model, -1, position > 0));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             move_button ("go-down-symbolic", down_label, model, 1,
                                          position + 1 < n_fallbacks));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             item_button ("user-trash-symbolic", remove_label,
                                          "prefs.remove-fallback", g_variant_new_string (model)));

  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Up, model, -1);
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_KP_Up, model, -1);
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Down, model, 1);
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_KP_Down, model, 1);
  gtk_widget_add_controller (row, shortcuts);
  return row;
}

static void
reload_fallbacks (AdiuvaPreferencesWindow *self)
{
  g_autofree char *focus = g_steal_pointer (&self->focus_fallback);
  g_auto (GStrv) fallbacks = NULL;
  g_autoptr (GError) error = NULL;
  guint n_fallbacks;

  for (guint i = 0; i < self->fallback_rows->len; i++)
    adw_preferences_group_remove (self->fallbacks_group,
                                  g_ptr_array_index (self->fallback_rows, i));
  g_ptr_array_set_size (self->fallback_rows, 0);

  fallbacks = adiuva_workspace_gateway_list_fallbacks (self->gateway, &error);
  if (fallbacks == NULL)
    {
      show_error (self, _ ("Could not read the fallback order"), error);
      return;
    }
  n_fallbacks = g_strv_length (fallbacks);
  for (guint i = 0; i < n_fallbacks; i++)
    {
      GtkWidget *row = new_fallback_row (fallbacks[i], i, n_fallbacks);

      adw_preferences_group_add (self->fallbacks_group, row);
      g_ptr_array_add (self->fallback_rows, row);
      /* The row just moved keeps the focus, so Alt+Up can be pressed again. */
      if (g_strcmp0 (focus, fallbacks[i]) == 0)
        gtk_widget_grab_focus (row);
    }
}

/* Saves @fallbacks as the order, saying why when it cannot be. */
static gboolean
save_fallbacks (AdiuvaPreferencesWindow *self,
                GStrv                    fallbacks,
                const char              *what)
{
  g_autoptr (GError) error = NULL;

  if (adiuva_workspace_gateway_set_fallbacks (self->gateway, (const char *const *) fallbacks,
                                              &error))
    return TRUE;
  show_error (self, what, error);
  return FALSE;
}

static GStrv
dup_fallbacks (AdiuvaPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  GStrv fallbacks = adiuva_workspace_gateway_list_fallbacks (self->gateway, &error);

  if (fallbacks == NULL)
    show_error (self, _ ("Could not read the fallback order"), error);
  return fallbacks;
}

static int
find_fallback (GStrv       fallbacks,
               const char *model)
{
  for (guint i = 0; fallbacks[i] != NULL; i++)
    if (g_str_equal (fallbacks[i], model))
      return i;
  return -1;
}

static void
move_fallback_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (widget);
  g_auto (GStrv) fallbacks = dup_fallbacks (self);
  const char *model;
  int         delta, from, to;
  char       *moved;

  g_variant_get (parameter, "(&si)", &model, &delta);
  if (fallbacks == NULL || (from = find_fallback (fallbacks, model)) < 0)
    return;
  to = from + delta;
  if (to < 0 || to >= (int) g_strv_length (fallbacks))
    return;

  moved = fallbacks[from];
  fallbacks[from] = fallbacks[to];
  fallbacks[to] = moved;
  g_free (self->focus_fallback);
  self->focus_fallback = g_strdup (model);
  if (!save_fallbacks (self, fallbacks, _ ("Could not change the fallback order")))
    g_clear_pointer (&self->focus_fallback, g_free);
}

static void
remove_fallback_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (widget);
  g_auto (GStrv) fallbacks = dup_fallbacks (self);
  int index;

  if (fallbacks == NULL ||
      (index = find_fallback (fallbacks, g_variant_get_string (parameter, NULL))) < 0)
    return;
  g_free (fallbacks[index]);
  memmove (fallbacks + index, fallbacks + index + 1,
           (g_strv_length (fallbacks + index + 1) + 1) * sizeof *fallbacks);
  save_fallbacks (self, fallbacks, _ ("Could not remove the fallback"));
}

/* Puts @model last in the order. */
static gboolean
add_fallback (AdiuvaPreferencesWindow *self,
              const char              *model)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) fallbacks = NULL;
  g_auto (GStrv) changed = NULL;

  if ((fallbacks = dup_fallbacks (self)) == NULL)
    return FALSE;
  g_strv_builder_addv (builder, (const char **) fallbacks);
  g_strv_builder_add (builder, model);
  changed = g_strv_builder_end (builder);
  return save_fallbacks (self, changed, _ ("Could not add the fallback"));
}

static void
add_fallback_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  add_fallback (ADIUVA_PREFERENCES_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
new_fallback_apply_cb (AdiuvaPreferencesWindow *self)
{
  g_autofree char *model = NULL;

  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_fallback_row))));
  if (*model == '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_fallback_row), "error");
      show_toast (self, _ ("Type a model as provider/model or an alias, such as "
                           "ollama/llama3.2"));
      return;
    }
  if (!add_fallback (self, model))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_fallback_row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_fallback_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->new_fallback_row), "");
}

static void
gateway_changed_cb (AdiuvaPreferencesWindow *self)
{
  reload_providers (self);
  reload_default_model (self);
  reload_fallbacks (self);
  reload_aliases (self);
}

/* A refused entry shows red until it is changed. */
static void
entry_changed_cb (GtkEditable *editable)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

static void
new_alias_apply_cb (AdiuvaPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->new_alias_row));
  g_auto (GStrv) parts = g_strsplit (text, "=", 2);
  g_autoptr (GError) error = NULL;

  if (g_strv_length (parts) != 2 || *g_strstrip (parts[0]) == '\0' ||
      *g_strstrip (parts[1]) == '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_alias_row), "error");
      show_toast (self, _ ("Type an alias as name = provider/model, such as "
                           "fast = openai/gpt-4o-mini"));
      return;
    }
  if (!adiuva_workspace_gateway_set_alias (self->gateway, parts[0], parts[1], &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_alias_row), "error");
      show_error (self, _ ("Could not add the alias"), error);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_alias_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->new_alias_row), "");
}

static void
remove_alias_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (!adiuva_workspace_gateway_remove_alias (self->gateway, g_variant_get_string (parameter, NULL),
                                              &error))
    show_error (self, _ ("Could not remove the alias"), error);
}

static void
default_model_apply_cb (AdiuvaPreferencesWindow *self)
{
  g_autofree char *model = NULL;
  g_autoptr (GError) error = NULL;

  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->default_model_row))));
  if (*model == '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->default_model_row), "error");
      show_toast (self, _ ("Type a model as provider/model, or pick one found by Test "
                           "Connection"));
      return;
    }
  if (!adiuva_workspace_gateway_set_default_model (self->gateway, model, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->default_model_row), "error");
      show_error (self, _ ("Could not set the default model"), error);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->default_model_row), "error");
  reload_default_model (self);
}

static void
use_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->default_model_row),
                         g_variant_get_string (parameter, NULL));
  default_model_apply_cb (self);
}

/* The editor */

static void
editor_kind_changed_cb (AdiuvaPreferencesWindow *self)
{
  guint                     selected = adw_combo_row_get_selected (self->editor_kind);
  const AdiuvaProviderInfo *info;
  const char               *placeholder;

  if (selected >= self->kinds->len)
    return;
  info = g_ptr_array_index (self->kinds, selected);
  placeholder = info->default_base_url != NULL ? info->default_base_url : info->base_url_hint;
  gtk_entry_set_placeholder_text (self->editor_url, placeholder);
  adw_action_row_set_subtitle (self->editor_url_row,
                               info->requires_base_url ? _ ("Required for this kind")
                                                       : _ ("Empty for the default"));
}

static void
editor_save_clicked_cb (AdiuvaPreferencesWindow *self)
{
  _adiuva_preferences_window_save_editor (self);
}

static void
editor_back_clicked_cb (AdiuvaPreferencesWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->editor_key), "");
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
ensure_editor (AdiuvaPreferencesWindow *self)
{
  g_autoptr (GtkStringList) kind_names = gtk_string_list_new (NULL);
  g_autoptr (GPtrArray) kinds = NULL;
  GtkWidget *header, *back, *save, *page, *group;

  if (self->editor != NULL)
    return;

  kinds = adiuva_provider_table_list (adiuva_provider_table_get_default ());
  self->kinds = g_ptr_array_new ();
  for (guint i = 0; i < kinds->len; i++)
    {
      const AdiuvaProviderInfo *info = g_ptr_array_index (kinds, i);

      g_ptr_array_add (self->kinds, (gpointer) info);
      gtk_string_list_append (kind_names, info->display_name);
    }

  self->editor = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));

  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->editor_title = ADW_WINDOW_TITLE (adw_window_title_new (NULL, NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->editor_title));
  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (back, _ ("Back"));
  g_signal_connect_object (back, "clicked", G_CALLBACK (editor_back_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  save = gtk_button_new_with_mnemonic (_ ("_Save"));
  gtk_widget_add_css_class (save, "suggested-action");
  g_signal_connect_object (save, "clicked", G_CALLBACK (editor_save_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  self->editor_save = save;
  self->editor_spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->editor_spinner, FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->editor_spinner);
  gtk_box_append (GTK_BOX (self->editor), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _ ("The API key is kept in your keyring."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_box_append (GTK_BOX (self->editor), page);

  self->editor_kind = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->editor_kind), _ ("Kind"));
  adw_combo_row_set_model (self->editor_kind, G_LIST_MODEL (kind_names));
  g_signal_connect_object (self->editor_kind, "notify::selected",
                           G_CALLBACK (editor_kind_changed_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->editor_kind));

  self->editor_name = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->editor_name),
                                 _ ("Name (used as name/model)"));
  g_signal_connect_object (self->editor_name, "entry-activated",
                           G_CALLBACK (editor_save_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->editor_name));

  /* A plain entry: an entry row has no placeholder to show the kind's default URL in. */
  self->editor_url_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->editor_url_row), _ ("Base URL"));
  self->editor_url = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->editor_url), GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (GTK_WIDGET (self->editor_url), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->editor_url), 28);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor_url),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Base URL"), -1);
  g_signal_connect_object (self->editor_url, "activate", G_CALLBACK (editor_save_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (self->editor_url_row, GTK_WIDGET (self->editor_url));
  adw_action_row_set_activatable_widget (self->editor_url_row, GTK_WIDGET (self->editor_url));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->editor_url_row));

  self->editor_key = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  g_signal_connect_object (self->editor_key, "entry-activated",
                           G_CALLBACK (editor_save_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->editor_key));

  editor_kind_changed_cb (self);
}

static void
show_editor (AdiuvaPreferencesWindow       *self,
             const AdiuvaWorkspaceProvider *provider)
{
  ensure_editor (self);

  g_clear_pointer (&self->editing, g_free);
  if (provider != NULL)
    self->editing = g_strdup (provider->name);

  adw_window_title_set_title (self->editor_title,
                              provider != NULL ? _ ("Edit Provider") : _ ("Add Provider"));
  adw_window_title_set_subtitle (self->editor_title, provider != NULL ? provider->name : NULL);
  adw_combo_row_set_selected (self->editor_kind, 0);
  for (guint i = 0; provider != NULL && i < self->kinds->len; i++)
    {
      const AdiuvaProviderInfo *info = g_ptr_array_index (self->kinds, i);

      if (g_str_equal (info->id, provider->kind))
        adw_combo_row_set_selected (self->editor_kind, i);
    }
  /* There is no renaming: names are in the models the user wrote down. */
  gtk_editable_set_text (GTK_EDITABLE (self->editor_name), provider != NULL ? provider->name : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor_name), provider == NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->editor_url),
                         provider != NULL && provider->base_url != NULL ? provider->base_url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->editor_key), "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->editor_key),
                                 provider != NULL && provider->has_key
                                     ? _ ("New API Key (empty keeps the saved one)")
                                     : _ ("API Key"));

  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->editor);
  gtk_widget_grab_focus (provider != NULL ? GTK_WIDGET (self->editor_url)
                                          : GTK_WIDGET (self->editor_name));
}

static void
add_provider_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  show_editor (ADIUVA_PREFERENCES_WINDOW (widget), NULL);
}

/* The style */

static gboolean
scheme_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, g_str_equal (scheme, "light") ? 1 : g_str_equal (scheme, "dark") ? 2
                                                                                            : 0);
  return TRUE;
}

static GVariant *
selected_to_scheme (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  static const char *schemes[] = { "system", "light", "dark" };
  guint              selected = g_value_get_uint (value);

  return g_variant_new_string (schemes[selected < G_N_ELEMENTS (schemes) ? selected : 0]);
}

static void
adiuva_preferences_window_unmap (GtkWidget *widget)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (widget);
  GHashTableIter           iter;
  gpointer                 value;

  /* A closed window waits for no answer: the tests in flight stop here. */
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (((ProviderRow *) value)->cancellable);

  GTK_WIDGET_CLASS (adiuva_preferences_window_parent_class)->unmap (widget);
}

static void
adiuva_preferences_window_dispose (GObject *object)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->keys_cancellable);
  g_clear_object (&self->keys_cancellable);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->alias_rows, g_ptr_array_unref);
  g_clear_pointer (&self->fallback_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->editor);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_clear_object (&self->gateway);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (adiuva_preferences_window_parent_class)->dispose (object);
}

static void
adiuva_preferences_window_finalize (GObject *object)
{
  AdiuvaPreferencesWindow *self = ADIUVA_PREFERENCES_WINDOW (object);

  g_free (self->editing);
  g_free (self->last_toast);
  g_free (self->focus_fallback);

  G_OBJECT_CLASS (adiuva_preferences_window_parent_class)->finalize (object);
}

static void
adiuva_preferences_window_class_init (AdiuvaPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_preferences_window_dispose;
  object_class->finalize = adiuva_preferences_window_finalize;
  widget_class->unmap = adiuva_preferences_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, providers_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, no_providers_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, default_model_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, models_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, aliases_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, new_alias_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, fallbacks_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow, new_fallback_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesWindow,
                                        fallback_models_button);
  gtk_widget_class_bind_template_callback (widget_class, default_model_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_alias_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_fallback_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);

  gtk_widget_class_install_action (widget_class, "prefs.add-provider", NULL, add_provider_action);
  gtk_widget_class_install_action (widget_class, "prefs.use-model", "s", use_model_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-alias", "s", remove_alias_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-fallback", "s", add_fallback_action);
  gtk_widget_class_install_action (widget_class, "prefs.move-fallback", "(si)",
                                   move_fallback_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-fallback", "s",
                                   remove_fallback_action);
}

static void
adiuva_preferences_window_init (AdiuvaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->alias_rows = g_ptr_array_new ();
  self->fallback_rows = g_ptr_array_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) provider_row_free);
  self->settings = g_settings_new ("org.adiuva.Adiuva");
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->color_scheme_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, scheme_to_selected,
                                selected_to_scheme, NULL, NULL);
}

/**
 * adiuva_preferences_window_new:
 * @parent: (nullable): the window it is for
 * @gateway: (nullable): the workspace's gateway, %NULL while no workspace is open
 */
AdiuvaPreferencesWindow *
adiuva_preferences_window_new (GtkWindow              *parent,
                               AdiuvaWorkspaceGateway *gateway)
{
  AdiuvaPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (gateway == NULL || ADIUVA_IS_WORKSPACE_GATEWAY (gateway), NULL);

  self = g_object_new (ADIUVA_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (adiuva_preferences_ollama_page_new (gateway)));
  adw_preferences_window_add (
      ADW_PREFERENCES_WINDOW (self),
      ADW_PREFERENCES_PAGE (adiuva_preferences_workspace_page_new (gateway)));
  if (gateway == NULL)
    {
      adw_preferences_group_set_description (self->providers_group,
                                             _ ("Open your workspace to set up the assistant’s "
                                                "providers."));
      gtk_widget_set_visible (self->no_providers_row, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.add-provider", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.use-model", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.remove-alias", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.add-fallback", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.move-fallback", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.remove-fallback", FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->default_model_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->new_alias_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->new_fallback_row), FALSE);
      return self;
    }

  self->gateway = g_object_ref (gateway);
  g_signal_connect_object (gateway, "changed", G_CALLBACK (gateway_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gateway_changed_cb (self);
  return self;
}

AdwComboRow *
_adiuva_preferences_window_get_color_scheme_row (AdiuvaPreferencesWindow *self)
{
  return self->color_scheme_row;
}

AdwActionRow *
_adiuva_preferences_window_get_provider_row (AdiuvaPreferencesWindow *self,
                                             const char              *name)
{
  ProviderRow *row = g_hash_table_lookup (self->rows, name);

  return row != NULL ? row->row : NULL;
}

void
_adiuva_preferences_window_show_add_provider (AdiuvaPreferencesWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "prefs.add-provider", NULL);
}

void
_adiuva_preferences_window_show_edit_provider (AdiuvaPreferencesWindow *self,
                                               const char              *name)
{
  edit_provider (self, name);
}

GtkWidget *
_adiuva_preferences_window_get_editor (AdiuvaPreferencesWindow *self)
{
  return self->editor;
}

void
_adiuva_preferences_window_fill_editor (AdiuvaPreferencesWindow *self,
                                        const char              *kind,
                                        const char              *name,
                                        const char              *base_url,
                                        const char              *api_key)
{
  g_assert (self->editor != NULL);

  for (guint i = 0; i < self->kinds->len; i++)
    if (g_str_equal (((const AdiuvaProviderInfo *) g_ptr_array_index (self->kinds, i))->id,
                     kind))
      adw_combo_row_set_selected (self->editor_kind, i);
  if (self->editing == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->editor_name), name);
  gtk_editable_set_text (GTK_EDITABLE (self->editor_url), base_url);
  gtk_editable_set_text (GTK_EDITABLE (self->editor_key), api_key);
}

/* While the keyring keeps the key: the editor's content stays as it is being saved. Its
 * fields are read-only rather than insensitive, so that the focus stays where it is. */
static void
set_saving (AdiuvaPreferencesWindow *self,
            gboolean                 saving)
{
  self->saving = saving;
  gtk_widget_set_sensitive (self->editor_save, !saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor_kind), !saving);
  gtk_editable_set_editable (GTK_EDITABLE (self->editor_name), !saving);
  gtk_editable_set_editable (GTK_EDITABLE (self->editor_url), !saving);
  gtk_editable_set_editable (GTK_EDITABLE (self->editor_key), !saving);
  gtk_widget_set_visible (self->editor_spinner, saving);
  gtk_spinner_set_spinning (GTK_SPINNER (self->editor_spinner), saving);
}

static void
provider_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AdiuvaPreferencesWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean saved;

  if (g_task_get_source_tag (G_TASK (result)) == adiuva_workspace_gateway_update_provider_async)
    saved = adiuva_workspace_gateway_update_provider_finish (ADIUVA_WORKSPACE_GATEWAY (source),
                                                             result, &error);
  else
    saved = adiuva_workspace_gateway_add_provider_finish (ADIUVA_WORKSPACE_GATEWAY (source),
                                                          result, &error);
  /* Cancelled: the window is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_saving (self, FALSE);
  if (!saved)
    {
      show_error (self, _ ("Could not save the provider"), error);
      return;
    }
  editor_back_clicked_cb (self);
}

/*
 * _adiuva_preferences_window_save_editor:
 *
 * Saves what the editor holds, its key kept in the keyring off the main thread with the
 * editor read-only meanwhile, and goes back to the list when that worked.
 *
 * Returns: %FALSE when the editor's content was refused at once
 */
gboolean
_adiuva_preferences_window_save_editor (AdiuvaPreferencesWindow *self)
{
  const AdiuvaProviderInfo *info;
  g_autofree char          *name = NULL;
  g_autofree char          *base_url = NULL;
  const char               *api_key;

  if (self->saving)
    return FALSE;

  if (adw_combo_row_get_selected (self->editor_kind) >= self->kinds->len)
    {
      show_toast (self, _ ("Choose the kind of provider"));
      return FALSE;
    }
  info = g_ptr_array_index (self->kinds, adw_combo_row_get_selected (self->editor_kind));
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->editor_name))));
  base_url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->editor_url))));
  api_key = gtk_editable_get_text (GTK_EDITABLE (self->editor_key));

  if (*name == '\0')
    {
      show_toast (self, _ ("Give the provider a name, such as “openai” or “work”"));
      gtk_widget_grab_focus (GTK_WIDGET (self->editor_name));
      return FALSE;
    }

  set_saving (self, TRUE);
  if (self->editing != NULL)
    adiuva_workspace_gateway_update_provider_async (
        self->gateway, self->editing, info->id, *base_url != '\0' ? base_url : NULL,
        *api_key != '\0' ? api_key : NULL, self->cancellable, provider_saved_cb, self);
  else
    adiuva_workspace_gateway_add_provider_async (
        self->gateway, name, info->id, *base_url != '\0' ? base_url : NULL,
        *api_key != '\0' ? api_key : NULL, self->cancellable, provider_saved_cb, self);
  return TRUE;
}

/* Whether the editor is being saved, a key cleared, or the rows wait for the keyring. */
gboolean
_adiuva_preferences_window_is_saving (AdiuvaPreferencesWindow *self)
{
  return self->saving;
}

gboolean
_adiuva_preferences_window_is_busy (AdiuvaPreferencesWindow *self)
{
  return self->saving || self->removing > 0 || self->keys_cancellable != NULL;
}

void
_adiuva_preferences_window_test_provider (AdiuvaPreferencesWindow *self,
                                          const char              *name)
{
  test_provider (self, name);
}

const char *
_adiuva_preferences_window_get_test_result (AdiuvaPreferencesWindow *self,
                                            const char              *name)
{
  ProviderRow *row = g_hash_table_lookup (self->rows, name);

  return row != NULL ? row->result : NULL;
}

gboolean
_adiuva_preferences_window_is_testing (AdiuvaPreferencesWindow *self,
                                       const char              *name)
{
  ProviderRow *row = g_hash_table_lookup (self->rows, name);

  return row != NULL && row->cancellable != NULL;
}

/* As the Remove button does: the confirmation it asks for. */
AdwMessageDialog *
_adiuva_preferences_window_remove_provider (AdiuvaPreferencesWindow *self,
                                            const char              *name)
{
  return ADW_MESSAGE_DIALOG (confirm_remove (self, name));
}

AdwEntryRow *
_adiuva_preferences_window_get_default_model_row (AdiuvaPreferencesWindow *self)
{
  return self->default_model_row;
}

AdwEntryRow *
_adiuva_preferences_window_get_new_alias_row (AdiuvaPreferencesWindow *self)
{
  return self->new_alias_row;
}

guint
_adiuva_preferences_window_get_n_aliases (AdiuvaPreferencesWindow *self)
{
  return self->alias_rows->len;
}

const char *
_adiuva_preferences_window_get_last_toast (AdiuvaPreferencesWindow *self)
{
  return self->last_toast;
}

AdwEntryRow *
_adiuva_preferences_window_get_new_fallback_row (AdiuvaPreferencesWindow *self)
{
  return self->new_fallback_row;
}

/* The fallback rows as shown, top first. */
GStrv
_adiuva_preferences_window_dup_fallbacks (AdiuvaPreferencesWindow *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->fallback_rows->len; i++)
    g_strv_builder_add (builder, adw_preferences_row_get_title (
                                     ADW_PREFERENCES_ROW (g_ptr_array_index (self->fallback_rows,
                                                                             i))));
  return g_strv_builder_end (builder);
}

GtkWidget *
_adiuva_preferences_window_get_fallback_row (AdiuvaPreferencesWindow *self,
                                             const char              *model)
{
  for (guint i = 0; i < self->fallback_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->fallback_rows, i);

      if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), model))
        return row;
    }
  return NULL;
}
