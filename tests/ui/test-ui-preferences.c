/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-preferences"

#include "config.h"

#include "adiuva-preferences-window-private.h"
#include "adiuva-provider-keys.h"
#include "test-provider-util.h"
#include "test-ui-util.h"

/* The Preferences window on a real workspace, with the private keyring of build-aux/test-env
 * and the real provider test server. */

#define SECRET_KEY "sk-test-never-in-the-database-1729"

typedef struct
{
  AdiuvaPreferencesWindow *window;
  const char              *name;
} RowWait;

static gboolean
test_done (gpointer data)
{
  RowWait *wait = data;

  return !_adiuva_preferences_window_is_testing (wait->window, wait->name);
}

/* Test Connection, as the button does it, and its result once the answer came. */
static const char *
test_connection (AdiuvaPreferencesWindow *window,
                 const char              *name)
{
  RowWait wait = { window, name };

  _adiuva_preferences_window_test_provider (window, name);
  g_assert_true (_adiuva_preferences_window_is_testing (window, name));
  test_ui_wait_until (test_done, &wait);
  return _adiuva_preferences_window_get_test_result (window, name);
}

static gboolean
not_busy (gpointer data)
{
  return !_adiuva_preferences_window_is_busy (data);
}

/* Save, as the button does it, then until the keyring has answered (off the main thread, the
 * editor's Save insensitive meanwhile) and the rows show whether each provider has a key. */
static void
save_editor (AdiuvaPreferencesWindow *window)
{
  g_assert_true (_adiuva_preferences_window_save_editor (window));
  g_assert_true (_adiuva_preferences_window_is_saving (window));
  test_ui_wait_until (not_busy, window);
  g_assert_false (_adiuva_preferences_window_is_saving (window));
}

static void
add_provider (AdiuvaPreferencesWindow *window,
              const char              *name,
              const char              *base_url,
              const char              *api_key)
{
  _adiuva_preferences_window_show_add_provider (window);
  g_assert_nonnull (_adiuva_preferences_window_get_editor (window));
  _adiuva_preferences_window_fill_editor (window, "openai", name, base_url, api_key);
  save_editor (window);
}

static char *
dup_key (AdiuvaStore *store,
         const char  *name)
{
  g_autoptr (GError) error = NULL;
  char *key;

  key = adiuva_provider_key_lookup (adiuva_store_get_workspace_id (store), name, NULL, &error);
  g_assert_no_error (error);
  return key;
}

static void
test_color_scheme (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.adiuva.Adiuva");
  AdiuvaPreferencesWindow *window = adiuva_preferences_window_new (NULL, NULL);
  AdwComboRow             *row = _adiuva_preferences_window_get_color_scheme_row (window);
  g_autofree char         *scheme = NULL;

  gtk_window_present (GTK_WINDOW (window));

  /* Both ways: the row sets the key the app's style follows, and shows what it holds. */
  adw_combo_row_set_selected (row, 2);
  scheme = g_settings_get_string (settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "dark");
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 1);
  g_settings_reset (settings, "color-scheme");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);

  /* Without a workspace, there are no providers to set up. */
  g_assert_null (_adiuva_preferences_window_get_editor (window));
  _adiuva_preferences_window_show_add_provider (window);
  g_assert_null (_adiuva_preferences_window_get_editor (window));

  test_ui_destroy_window (GTK_WINDOW (window));
}

static void
test_providers (void)
{
  g_autoptr (TestProvider) server = test_provider_start ();
  g_autofree char *dir = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaWorkspaceGateway) gateway = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdwMessageDialog) dialog = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *closed = NULL;
  g_autoptr (char) key = NULL; /* secure memory */
  g_autofree char         *setting = NULL;
  g_autofree char         *model = NULL;
  g_autofree char         *target = NULL;
  AdwEntryRow             *alias_row;
  AdiuvaPreferencesWindow *window;
  AdwActionRow            *row;
  const char              *result;

  if (server == NULL)
    return;

  dir = test_ui_make_dir ();
  store = test_ui_create_store (dir);
  gateway = adiuva_workspace_gateway_new (store);
  window = adiuva_preferences_window_new (NULL, gateway);
  gtk_window_present (GTK_WINDOW (window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "assistant");

  /* Added: the key goes to the keyring, and only there. */
  v1 = g_strconcat (server->base, "/v1", NULL);
  add_provider (window, "oa", v1, SECRET_KEY);
  row = _adiuva_preferences_window_get_provider_row (window, "oa");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), v1));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "key saved"));
  key = dup_key (store, "oa");
  g_assert_cmpstr (key, ==, SECRET_KEY);
  setting = adiuva_store_dup_setting (store, "gateway.providers", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (setting, "\"oa\""));
  g_assert_null (strstr (setting, SECRET_KEY));

  /* A name taken already is refused in words, and the editor keeps what was typed. */
  _adiuva_preferences_window_show_add_provider (window);
  _adiuva_preferences_window_fill_editor (window, "openai", "oa", v1, "");
  test_ui_screenshot (GTK_WIDGET (window), "preferences-add-provider");
  save_editor (window);
  g_assert_nonnull (_adiuva_preferences_window_get_last_toast (window));
  g_assert_true (g_str_has_prefix (_adiuva_preferences_window_get_last_toast (window),
                                   "Could not save the provider: "));
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (window));

  /* A test stopped half way shows nothing, and its late answer changes nothing. */
  _adiuva_preferences_window_test_provider (window, "oa");
  _adiuva_preferences_window_test_provider (window, "oa");
  g_assert_false (_adiuva_preferences_window_is_testing (window, "oa"));
  g_assert_null (_adiuva_preferences_window_get_test_result (window, "oa"));

  /* Test Connection lists the test server's models. */
  result = test_connection (window, "oa");
  g_assert_nonnull (result);
  g_assert_true (g_str_has_prefix (result, "Connected: "));
  g_assert_true (g_str_has_suffix (result, " models"));
  /* ≥: the stopped test may have reached the server too. */
  g_assert_cmpuint (test_provider_count_requests (server, "/v1/models"), >=, 1);

  /* A server that is not there: the error in words. */
  closed = g_strdup_printf ("http://127.0.0.1:%u/v1", test_provider_closed_port ());
  add_provider (window, "gone", closed, SECRET_KEY);
  result = test_connection (window, "gone");
  g_assert_nonnull (result);
  g_assert_nonnull (strstr (result, "Could not"));
  g_assert_nonnull (strstr (result, "127.0.0.1"));
  test_ui_screenshot (GTK_WIDGET (window), "preferences-providers");
  test_ui_screenshot_dark (GTK_WIDGET (window), "preferences-providers-dark");

  /* The default model: one of a provider of the workspace, refused otherwise. */
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.use-model", "s", "oa/gpt-6-sol");
  model = adiuva_workspace_gateway_dup_default_model (gateway, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (model, ==, "oa/gpt-6-sol");
  gtk_editable_set_text (GTK_EDITABLE (_adiuva_preferences_window_get_default_model_row (window)),
                         "nowhere/gpt-6-sol");
  g_signal_emit_by_name (_adiuva_preferences_window_get_default_model_row (window), "apply");
  g_assert_true (g_str_has_prefix (_adiuva_preferences_window_get_last_toast (window),
                                   "Could not set the default model: "));
  g_clear_pointer (&model, g_free);
  model = adiuva_workspace_gateway_dup_default_model (gateway, &error);
  g_assert_cmpstr (model, ==, "oa/gpt-6-sol");

  /* Aliases: added as name = model, refused in words when malformed, removed. */
  alias_row = _adiuva_preferences_window_get_new_alias_row (window);
  gtk_editable_set_text (GTK_EDITABLE (alias_row), " fast = oa/gpt-6-sol ");
  g_signal_emit_by_name (alias_row, "apply");
  g_assert_cmpuint (_adiuva_preferences_window_get_n_aliases (window), ==, 1);
  target = adiuva_workspace_gateway_dup_alias (gateway, "fast", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target, ==, "oa/gpt-6-sol");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (alias_row)), ==, "");
  gtk_editable_set_text (GTK_EDITABLE (alias_row), "fast");
  g_signal_emit_by_name (alias_row, "apply");
  g_assert_true (g_str_has_prefix (_adiuva_preferences_window_get_last_toast (window),
                                   "Type an alias as name = provider/model"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (alias_row)), ==, "fast");
  gtk_editable_set_text (GTK_EDITABLE (alias_row), "");
  test_ui_screenshot (GTK_WIDGET (window), "preferences-providers-aliases");
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.remove-alias", "s", "fast");
  g_assert_cmpuint (_adiuva_preferences_window_get_n_aliases (window), ==, 0);

  /* Edited: a new URL, and an empty key field keeps the saved key. */
  _adiuva_preferences_window_show_edit_provider (window, "gone");
  _adiuva_preferences_window_fill_editor (window, "openai", "ignored", v1, "");
  save_editor (window);
  row = _adiuva_preferences_window_get_provider_row (window, "gone");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), v1));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "key saved"));
  g_assert_null (_adiuva_preferences_window_get_provider_row (window, "ignored"));
  g_clear_pointer (&key, adiuva_provider_key_free);
  key = dup_key (store, "gone");
  g_assert_cmpstr (key, ==, SECRET_KEY);
  result = test_connection (window, "gone");
  g_assert_true (g_str_has_prefix (result, "Connected: "));

  /* Changed elsewhere (the CLI, the chat): the row follows. */
  g_assert_true (adiuva_workspace_gateway_update_provider (gateway, "gone", "openai", closed,
                                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), closed));

  /* Removed once confirmed, with its key; not before. */
  dialog = g_object_ref (_adiuva_preferences_window_remove_provider (window, "oa"));
  g_assert_nonnull (_adiuva_preferences_window_get_provider_row (window, "oa"));
  adw_message_dialog_response (dialog, "remove");
  g_assert_null (_adiuva_preferences_window_get_provider_row (window, "oa"));
  g_assert_nonnull (_adiuva_preferences_window_get_provider_row (window, "gone"));
  test_ui_wait_until (not_busy, window); /* the key is cleared off the main thread */
  g_clear_pointer (&key, adiuva_provider_key_free);
  key = dup_key (store, "oa");
  g_assert_null (key);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_object (&dialog);

  test_ui_destroy_window (GTK_WINDOW (window));
  g_clear_object (&gateway);
  g_clear_object (&store);
  test_remove_tree (dir);
}

/* The icon button of a row, by what it says to a screen reader (its tooltip too). */
static GtkWidget *
find_item_button (GtkWidget  *root,
                  const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_widget_get_tooltip_text (root), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_item_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* GTK 4.8 cannot send a key to a widget in a test: the row's shortcut for @key with Alt is
 * looked up and activated, as GTK does when the key is pressed in the row. */
static void
press_alt_key (GtkWidget *row,
               guint      key)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (row);
  g_autoptr (GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (key, GDK_ALT_MASK);
  gboolean activated = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !activated; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            activated = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                      GTK_SHORTCUT_ACTION_EXCLUSIVE, row,
                                                      gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_assert_true (activated);
}

static void
apply_fallback (AdiuvaPreferencesWindow *window,
                const char              *text)
{
  AdwEntryRow *entry = _adiuva_preferences_window_get_new_fallback_row (window);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "apply");
}

static void
assert_fallbacks (AdiuvaPreferencesWindow *window,
                  AdiuvaWorkspaceGateway  *gateway,
                  const char *const       *expected)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) shown = _adiuva_preferences_window_dup_fallbacks (window);
  g_auto (GStrv) saved = adiuva_workspace_gateway_list_fallbacks (gateway, &error);

  g_assert_no_error (error);
  g_assert_cmpstrv (shown, expected);
  g_assert_cmpstrv (saved, expected);
}

static void
test_fallbacks (void)
{
  const char *const three[] = { "oa/gpt-6-sol", "ol/llama3.2", "oa/gpt-6-mini", NULL };
  const char *const up[] = { "oa/gpt-6-sol", "oa/gpt-6-mini", "ol/llama3.2", NULL };
  const char *const alt_up[] = { "oa/gpt-6-sol", "ol/llama3.2", "oa/gpt-6-mini", NULL };
  const char *const alt_down[] = { "ol/llama3.2", "oa/gpt-6-sol", "oa/gpt-6-mini", NULL };
  const char *const removed[] = { "ol/llama3.2", "oa/gpt-6-mini", NULL };
  const char *const elsewhere[] = { "oa/gpt-6-mini", NULL };
  g_autofree char  *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaWorkspaceGateway) gateway = adiuva_workspace_gateway_new (store);
  g_autoptr (GError) error = NULL;
  AdiuvaPreferencesWindow *window;
  AdwEntryRow             *entry;
  GtkWidget               *row;
  GtkWidget               *button;

  g_assert_true (adiuva_workspace_gateway_add_provider (gateway, "oa", "openai", NULL, NULL,
                                                        &error));
  g_assert_true (adiuva_workspace_gateway_add_provider (gateway, "ol", "ollama", NULL, NULL,
                                                        &error));
  g_assert_no_error (error);
  window = adiuva_preferences_window_new (NULL, gateway);
  gtk_window_present (GTK_WINDOW (window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "assistant");
  entry = _adiuva_preferences_window_get_new_fallback_row (window);

  /* Added at the end, in the order typed, or as picked among the models Test Connection
   * found. */
  apply_fallback (window, three[0]);
  apply_fallback (window, three[1]);
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.add-fallback", "s", three[2]);
  assert_fallbacks (window, gateway, three);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  /* Refused in words, with what was typed kept: an unknown provider, a model twice, nothing. */
  apply_fallback (window, "nowhere/gpt-6-sol");
  g_assert_true (g_str_has_prefix (_adiuva_preferences_window_get_last_toast (window),
                                   "Could not add the fallback: "));
  g_assert_nonnull (strstr (_adiuva_preferences_window_get_last_toast (window), "nowhere"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "nowhere/gpt-6-sol");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  apply_fallback (window, "ol/llama3.2");
  g_assert_nonnull (strstr (_adiuva_preferences_window_get_last_toast (window), "already"));
  apply_fallback (window, "  ");
  g_assert_true (g_str_has_prefix (_adiuva_preferences_window_get_last_toast (window),
                                   "Type a model"));
  assert_fallbacks (window, gateway, three);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");

  /* The ends cannot move further out. */
  row = _adiuva_preferences_window_get_fallback_row (window, "oa/gpt-6-sol");
  g_assert_false (gtk_widget_get_sensitive (find_item_button (row, "Move “oa/gpt-6-sol” Up")));
  g_assert_true (gtk_widget_get_sensitive (find_item_button (row, "Move “oa/gpt-6-sol” Down")));
  row = _adiuva_preferences_window_get_fallback_row (window, "oa/gpt-6-mini");
  g_assert_false (gtk_widget_get_sensitive (find_item_button (row, "Move “oa/gpt-6-mini” Down")));

  /* The Up button, named for screen readers as its tooltip is. */
  button = find_item_button (row, "Move “oa/gpt-6-mini” Up");
  g_assert_nonnull (button);
  g_assert_null (gtk_test_accessible_check_property (
      GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Move “oa/gpt-6-mini” Up"));
  g_signal_emit_by_name (button, "clicked");
  assert_fallbacks (window, gateway, up);

  /* Alt+Up and Alt+Down on a row move it, and the focus stays on it for the next press. */
  row = _adiuva_preferences_window_get_fallback_row (window, "ol/llama3.2");
  gtk_widget_grab_focus (row);
  press_alt_key (row, GDK_KEY_Up);
  assert_fallbacks (window, gateway, alt_up);
  row = _adiuva_preferences_window_get_fallback_row (window, "ol/llama3.2");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == row);
  press_alt_key (row, GDK_KEY_Up);
  assert_fallbacks (window, gateway, alt_down);
  row = _adiuva_preferences_window_get_fallback_row (window, "ol/llama3.2");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == row);
  /* At the top already: nothing moves, nothing is said. */
  press_alt_key (row, GDK_KEY_Up);
  assert_fallbacks (window, gateway, alt_down);
  press_alt_key (row, GDK_KEY_Down);
  assert_fallbacks (window, gateway, alt_up);
  test_ui_screenshot (GTK_WIDGET (window), "preferences-fallbacks");

  /* Removed with its button. */
  row = _adiuva_preferences_window_get_fallback_row (window, "oa/gpt-6-sol");
  g_signal_emit_by_name (find_item_button (row, "Remove “oa/gpt-6-sol”"), "clicked");
  assert_fallbacks (window, gateway, removed);

  /* Changed elsewhere: the rows follow. */
  g_assert_true (adiuva_workspace_gateway_set_fallbacks (gateway, elsewhere, &error));
  g_assert_no_error (error);
  assert_fallbacks (window, gateway, elsewhere);

  test_ui_destroy_window (GTK_WINDOW (window));
  g_clear_object (&gateway);
  g_clear_object (&store);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/preferences/color-scheme", test_color_scheme);
  g_test_add_func ("/ui/preferences/providers", test_providers);
  g_test_add_func ("/ui/preferences/fallbacks", test_fallbacks);

  return g_test_run ();
}
