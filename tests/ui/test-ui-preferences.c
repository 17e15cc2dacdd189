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

static void
add_provider (AdiuvaPreferencesWindow *window,
              const char              *name,
              const char              *base_url,
              const char              *api_key)
{
  _adiuva_preferences_window_show_add_provider (window);
  g_assert_nonnull (_adiuva_preferences_window_get_editor (window));
  _adiuva_preferences_window_fill_editor (window, "openai", name, base_url, api_key);
  g_assert_true (_adiuva_preferences_window_save_editor (window));
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
  g_assert_false (_adiuva_preferences_window_save_editor (window));
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
  g_assert_true (_adiuva_preferences_window_save_editor (window));
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
  g_clear_pointer (&key, adiuva_provider_key_free);
  key = dup_key (store, "oa");
  g_assert_null (key);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_object (&dialog);

  test_ui_destroy_window (GTK_WINDOW (window));
  g_clear_object (&gateway);
  g_clear_object (&store);
  test_ui_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/preferences/color-scheme", test_color_scheme);
  g_test_add_func ("/ui/preferences/providers", test_providers);

  return g_test_run ();
}
