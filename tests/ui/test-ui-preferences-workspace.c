/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-preferences-workspace"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "adiuva-application.h"
#include "adiuva-preferences-window.h"
#include "adiuva-preferences-workspace-page-private.h"
#include "adiuva-window-private.h"
#include "test-ui-util.h"

/* The Workspace page of the Preferences window on a real workspace, with the private keyring
 * of build-aux/test-env: the key moved between the keyring and passphrases, and the loopback
 * endpoint asked over real HTTP. */

#define FIRST_PASSPHRASE "first passphrase of the workspace"
#define SECOND_PASSPHRASE "second passphrase, longer still"

typedef struct
{
  AdiuvaPreferencesWindow        *window;
  AdiuvaPreferencesWorkspacePage *page;
} Prefs;

static Prefs
open_prefs (AdiuvaWorkspaceGateway *gateway)
{
  Prefs prefs;

  prefs.window = adiuva_preferences_window_new (NULL, gateway);
  gtk_window_present (GTK_WINDOW (prefs.window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs.window),
                                                "workspace");
  prefs.page = ADIUVA_PREFERENCES_WORKSPACE_PAGE (
      adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs.window)));
  return prefs;
}

static AdiuvaStore *
open_store (const char *dir,
            const char *passphrase)
{
  g_autoptr (GError) error = NULL;
  AdiuvaStore *store = adiuva_store_open (dir, passphrase, NULL, &error);

  g_assert_no_error (error);
  return store;
}

static void
assert_open_fails (const char *dir,
                   const char *passphrase,
                   int         code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = adiuva_store_open (dir, passphrase, NULL, &error);

  g_assert_error (error, ADIUVA_STORE_ERROR, code);
  g_assert_null (store);
}

static gboolean
not_busy (gpointer data)
{
  return !_adiuva_preferences_workspace_page_is_busy (data);
}

/* As the user does it: the row's dialog, filled in, confirmed; then until the key is kept. */
static void
change_key (AdiuvaPreferencesWorkspacePage *page,
            const char                     *action,
            const char                     *current,
            const char                     *passphrase)
{
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (page), action, NULL);
  dialog = _adiuva_preferences_workspace_page_get_key_dialog (page);
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));

  /* Two passphrases that differ are not taken. */
  if (passphrase != NULL)
    {
      _adiuva_preferences_workspace_page_fill_key_dialog (page, current, passphrase, "typo");
      g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
    }
  _adiuva_preferences_workspace_page_fill_key_dialog (page, current, passphrase ?: "",
                                                      passphrase ?: "");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  /* As its button does: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, "apply");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (_adiuva_preferences_workspace_page_get_key_dialog (page));
  g_assert_true (_adiuva_preferences_workspace_page_is_busy (page));
  test_ui_wait_until (not_busy, page);
}

static void
test_key (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaStore) other = NULL;
  g_autoptr (AdiuvaWorkspaceGateway) gateway = NULL;
  const char *message;
  Prefs       prefs;

  store = adiuva_store_create (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_KEYRING);
  gateway = adiuva_workspace_gateway_new (store);
  prefs = open_prefs (gateway);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (
                                _adiuva_preferences_workspace_page_get_key_mode_row (prefs.page)),
                            "keyring"));

  /* Keyring → passphrase: after that, the workspace opens with the passphrase only. */
  change_key (prefs.page, "workspace.use-passphrase", "", FIRST_PASSPHRASE);
  g_assert_cmpstr (_adiuva_preferences_workspace_page_get_last_message (prefs.page), ==,
                   "The key is now kept behind your passphrase");
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_PASSPHRASE);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (
                                _adiuva_preferences_workspace_page_get_key_mode_row (prefs.page)),
                            "passphrase"));
  test_ui_destroy_window (GTK_WINDOW (prefs.window));
  g_clear_object (&gateway);
  g_clear_object (&store);
  assert_open_fails (dir, NULL, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE);
  store = open_store (dir, FIRST_PASSPHRASE);
  gateway = adiuva_workspace_gateway_new (store);
  prefs = open_prefs (gateway);

  /* A wrong current passphrase changes nothing: the old one still opens the workspace. */
  change_key (prefs.page, "workspace.change-passphrase", "not the passphrase",
              SECOND_PASSPHRASE);
  message = _adiuva_preferences_workspace_page_get_last_message (prefs.page);
  g_assert_nonnull (strstr (message, "not correct"));
  g_assert_nonnull (strstr (message, "Nothing was changed."));
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_PASSPHRASE);
  other = open_store (dir, FIRST_PASSPHRASE);
  g_clear_object (&other);
  assert_open_fails (dir, SECOND_PASSPHRASE, ADIUVA_STORE_ERROR_WRONG_PASSPHRASE);

  /* With the right one, the new passphrase replaces the old. */
  change_key (prefs.page, "workspace.change-passphrase", FIRST_PASSPHRASE, SECOND_PASSPHRASE);
  g_assert_cmpstr (_adiuva_preferences_workspace_page_get_last_message (prefs.page), ==,
                   "The passphrase was changed");
  other = open_store (dir, SECOND_PASSPHRASE);
  g_clear_object (&other);
  assert_open_fails (dir, FIRST_PASSPHRASE, ADIUVA_STORE_ERROR_WRONG_PASSPHRASE);

  /* Back to the keyring: it opens without asking, and the passphrase is gone. */
  change_key (prefs.page, "workspace.use-keyring", SECOND_PASSPHRASE, NULL);
  g_assert_cmpstr (_adiuva_preferences_workspace_page_get_last_message (prefs.page), ==,
                   "The key is now kept in your keyring");
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_KEYRING);

  /* A dialog left open, typed in, goes with the window and changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (prefs.page), "workspace.use-passphrase", NULL);
  _adiuva_preferences_workspace_page_fill_key_dialog (prefs.page, "", FIRST_PASSPHRASE,
                                                      FIRST_PASSPHRASE);
  test_ui_destroy_window (GTK_WINDOW (prefs.window));
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_KEYRING);
  g_clear_object (&gateway);
  g_clear_object (&store);
  store = open_store (dir, NULL);
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_KEYRING);
  assert_open_fails (dir, SECOND_PASSPHRASE, ADIUVA_STORE_ERROR_INVALID);

  g_clear_object (&store);
  test_remove_tree (dir);
}

static void
test_location (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaWorkspaceGateway) gateway = adiuva_workspace_gateway_new (store);
  Prefs prefs = open_prefs (gateway);

  g_assert_cmpstr (adw_action_row_get_subtitle (
                       _adiuva_preferences_workspace_page_get_folder_row (prefs.page)),
                   ==, adiuva_store_get_dir (store));
  /* A passphrase workspace offers to change it or to use the keyring. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (
                                _adiuva_preferences_workspace_page_get_key_mode_row (prefs.page)),
                            "passphrase"));
  test_ui_destroy_window (GTK_WINDOW (prefs.window));

  /* Without a workspace there is nothing to show. */
  prefs = open_prefs (NULL);
  g_assert_false (gtk_widget_is_sensitive (
      GTK_WIDGET (_adiuva_preferences_workspace_page_get_loopback_switch (prefs.page))));
  test_ui_destroy_window (GTK_WINDOW (prefs.window));

  g_clear_object (&gateway);
  g_clear_object (&store);
  test_remove_tree (dir);
}

/* Moving: the folder chooser is the desktop's, so the test hands the page the folder it would
 * have returned; the rest is the page's own, on real files. */

static void
move_and_wait (AdiuvaPreferencesWorkspacePage *page,
               const char                     *dest)
{
  _adiuva_preferences_workspace_page_move_to (page, dest);
  g_assert_true (_adiuva_preferences_workspace_page_is_busy (page));
  g_assert_nonnull (_adiuva_preferences_workspace_page_get_move_dialog (page));
  g_assert_false (gtk_widget_get_sensitive (
      test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Move…")));
  test_ui_wait_until (not_busy, page);
}

static void
test_move (void)
{
  g_autofree char *parent = test_ui_make_dir ();
  g_autofree char *dir = g_build_filename (parent, "ws", NULL);
  g_autofree char *occupied = g_build_filename (parent, "occupied", NULL);
  g_autofree char *occupant = g_build_filename (occupied, "notes.txt", NULL);
  g_autofree char *dest = g_build_filename (parent, "moved", "ws", NULL);
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaWorkspaceGateway) gateway = adiuva_workspace_gateway_new (store);
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget        *move_button;
  const char       *message;
  Prefs             prefs = open_prefs (gateway);

  adiuva_task_set_title (task, "Moves with the workspace");
  adiuva_store_add (store, ADIUVA_RECORD (task), &error);
  g_assert_no_error (error);
  move_button = test_ui_find_descendant (GTK_WIDGET (prefs.page), GTK_TYPE_BUTTON, "_Move…");
  g_assert_nonnull (move_button);
  g_assert_true (gtk_widget_get_sensitive (move_button));

  /* A folder that is not empty: said plainly, nothing moves. */
  g_assert_cmpint (g_mkdir (occupied, 0700), ==, 0);
  g_assert_true (g_file_set_contents (occupant, "mine", -1, NULL));
  move_and_wait (prefs.page, occupied);
  message = _adiuva_preferences_workspace_page_get_last_message (prefs.page);
  g_assert_nonnull (strstr (message, "is not empty; choose an empty folder"));
  dialog = _adiuva_preferences_workspace_page_get_move_dialog (prefs.page);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Workspace Was Not Moved");
  adw_message_dialog_response (dialog, "close");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_cmpstr (adiuva_store_get_dir (store), ==, dir);
  g_assert_true (gtk_widget_get_sensitive (move_button));

  /* Moved: the same store goes on from the new folder, and the page shows it. */
  move_and_wait (prefs.page, dest);
  dialog = _adiuva_preferences_workspace_page_get_move_dialog (prefs.page);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Workspace Moved");
  message = _adiuva_preferences_workspace_page_get_last_message (prefs.page);
  g_assert_nonnull (strstr (message, dest));
  /* Opened with a folder of its own, not the default: the pointer is not touched. */
  g_assert_nonnull (strstr (message, "--data-dir"));
  g_assert_cmpstr (adiuva_store_get_dir (store), ==, dest);
  g_assert_cmpstr (adw_action_row_get_subtitle (
                       _adiuva_preferences_workspace_page_get_folder_row (prefs.page)),
                   ==, dest);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (adiuva_store_count_tasks (store, filter, &error), ==, 1);
  g_assert_no_error (error);
  adw_message_dialog_response (dialog, "reopen");
  gtk_window_close (GTK_WINDOW (dialog));
  test_ui_destroy_window (GTK_WINDOW (prefs.window));

  g_clear_object (&gateway);
  g_clear_object (&store);
  store = open_store (dest, TEST_PASSPHRASE);
  g_clear_object (&store);
  test_remove_tree (parent);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Continue, in the running application: the window on the moved store gives way to a new one
 * on the same store, which asks for nothing (the workspace uses a passphrase here), and the
 * Preferences window of the old one goes with it. */
static void
test_reopen (void)
{
  g_autofree char *parent = test_ui_make_dir ();
  g_autofree char *dir = g_build_filename (parent, "ws", NULL);
  g_autofree char *dest = g_build_filename (parent, "moved", NULL);
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaApplication) app = adiuva_application_new ();
  g_autoptr (GError) error = NULL;
  AdiuvaWindow     *old_window;
  AdiuvaWindow     *new_window;
  AdwMessageDialog *dialog;
  GList            *windows;
  Prefs             prefs;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_application_get_default () == G_APPLICATION (app));
  old_window = adiuva_window_new_for_store (GTK_APPLICATION (app), store);
  g_object_add_weak_pointer (G_OBJECT (old_window), (gpointer *) &old_window);
  gtk_window_present (GTK_WINDOW (old_window));
  g_assert_cmpstr (_adiuva_window_get_state (old_window), ==, "workspace");

  prefs.window = adiuva_preferences_window_new (
      GTK_WINDOW (old_window), adiuva_window_get_workspace_gateway (old_window));
  g_object_add_weak_pointer (G_OBJECT (prefs.window), (gpointer *) &prefs.window);
  gtk_window_present (GTK_WINDOW (prefs.window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs.window),
                                                "workspace");
  prefs.page = ADIUVA_PREFERENCES_WORKSPACE_PAGE (
      adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs.window)));

  move_and_wait (prefs.page, dest);
  dialog = _adiuva_preferences_workspace_page_get_move_dialog (prefs.page);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Workspace Moved");
  adw_message_dialog_response (dialog, "reopen");
  test_ui_wait_until (is_null, &old_window);
  g_assert_null (prefs.window);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  new_window = ADIUVA_WINDOW (windows->data);
  g_assert_true (adiuva_window_get_store (new_window) == store);
  g_assert_cmpstr (adiuva_store_get_dir (store), ==, dest);
  g_assert_cmpstr (_adiuva_window_get_state (new_window), ==, "workspace");
  g_assert_cmpstr (adiuva_application_get_data_dir (app), ==, dest);
  test_ui_destroy_window (GTK_WINDOW (new_window));

  g_clear_object (&store);
  test_remove_tree (parent);
}

/* Loopback endpoint */

typedef struct
{
  guint   status; /* 0 until answered */
  GError *error;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr (GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &answer->error);
  answer->status = answer->error != NULL
                       ? 1
                       : soup_message_get_status (soup_session_get_async_result_message (
                             SOUP_SESSION (source), result));
}

static gboolean
answered (gpointer data)
{
  return ((Answer *) data)->status != 0;
}

/* GET /v1/models, as a tool would; the status, or 0 when nothing listens. */
static guint
get_models (guint       port,
            const char *token)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1/models", port);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  Answer answer = { 0 };

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                   bearer);
    }
  /* Asynchronously: the endpoint answers from this thread's main context. */
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &answer);
  test_ui_wait_until (answered, &answer);
  if (answer.error != NULL)
    {
      g_assert_error (answer.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
      g_error_free (answer.error);
      return 0;
    }
  return answer.status;
}

static char *
dup_token (AdiuvaWorkspaceGateway *gateway)
{
  g_autoptr (GError) error = NULL;
  char *token = adiuva_workspace_gateway_dup_loopback_token (gateway, &error);

  g_assert_no_error (error);
  return token;
}

static char *
dup_loopback_setting (AdiuvaStore *store)
{
  g_autoptr (GError) error = NULL;
  char *text = adiuva_store_dup_setting (store, "gateway.loopback", &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static gboolean
window_in_workspace (gpointer data)
{
  return g_strcmp0 (_adiuva_window_get_state (data), "workspace") == 0;
}

/* The endpoint is restored once the keyring, asked off the main thread, has answered. */
static gboolean
endpoint_restored (gpointer data)
{
  return adiuva_workspace_gateway_get_loopback_port (adiuva_window_get_workspace_gateway (data)) !=
         0;
}

static void
test_loopback (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaWorkspaceGateway) gateway = NULL;
  g_autoptr (GSocketListener) squatter = NULL;
  g_autoptr (GSocketAddress) loopback = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GInetAddress) localhost = NULL;
  g_autofree char *token = NULL;
  g_autofree char *old_token = NULL;
  g_autofree char *address = NULL;
  g_autofree char *setting = NULL;
  AdiuvaWindow    *main_window;
  GtkSwitch       *toggle;
  guint            port, busy_port;
  Prefs            prefs;

  store = adiuva_store_create (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  gateway = adiuva_workspace_gateway_new (store);
  prefs = open_prefs (gateway);
  toggle = _adiuva_preferences_workspace_page_get_loopback_switch (prefs.page);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (gtk_widget_get_visible (
      GTK_WIDGET (_adiuva_preferences_workspace_page_get_address_row (prefs.page))));

  /* On, on any free port: the address shown, and only the token lets a tool in. The keyring
   * is asked off the main thread, the endpoint's rows insensitive meanwhile. */
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (_adiuva_preferences_workspace_page_is_busy (prefs.page));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (toggle)));
  test_ui_wait_until (not_busy, prefs.page);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (toggle)));
  port = adiuva_workspace_gateway_get_loopback_port (gateway);
  g_assert_cmpuint (port, !=, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                       _adiuva_preferences_workspace_page_get_port_spin (prefs.page)),
                   ==, port);
  address = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  g_assert_cmpstr (adw_action_row_get_subtitle (
                       _adiuva_preferences_workspace_page_get_address_row (prefs.page)),
                   ==, address);
  token = dup_token (gateway);
  g_assert_cmpuint (get_models (port, token), ==, 200);
  g_assert_cmpuint (get_models (port, NULL), ==, 401);
  g_assert_cmpuint (get_models (port, "not-the-token"), ==, 401);

  /* The token is hidden until asked for. */
  g_assert_null (strstr (adw_action_row_get_subtitle (
                             _adiuva_preferences_workspace_page_get_token_row (prefs.page)),
                         token));
  /* Tall enough to show the whole page. */
  gtk_window_set_default_size (GTK_WINDOW (prefs.window), 720, 940);
  test_ui_screenshot (GTK_WIDGET (prefs.window), "preferences-workspace");
  gtk_toggle_button_set_active (
      _adiuva_preferences_workspace_page_get_reveal_token_button (prefs.page), TRUE);
  test_ui_wait_until (not_busy, prefs.page);
  g_assert_cmpstr (adw_action_row_get_subtitle (
                       _adiuva_preferences_workspace_page_get_token_row (prefs.page)),
                   ==, token);

  /* Kept in the workspace's settings, the token never. */
  setting = dup_loopback_setting (store);
  g_assert_nonnull (strstr (setting, "\"enabled\":true"));
  g_assert_null (strstr (setting, token));

  /* New Token: the old one is refused at once, the new one shown and let in. */
  old_token = g_steal_pointer (&token);
  gtk_widget_activate_action (GTK_WIDGET (prefs.page), "workspace.new-token", NULL);
  test_ui_wait_until (not_busy, prefs.page);
  token = dup_token (gateway);
  g_assert_cmpstr (token, !=, old_token);
  g_assert_cmpstr (adw_action_row_get_subtitle (
                       _adiuva_preferences_workspace_page_get_token_row (prefs.page)),
                   ==, token);
  g_assert_cmpuint (get_models (port, old_token), ==, 401);
  g_assert_cmpuint (get_models (port, token), ==, 200);

  /* The Preferences window opened again shows it running. */
  test_ui_destroy_window (GTK_WINDOW (prefs.window));
  prefs = open_prefs (gateway);
  toggle = _adiuva_preferences_workspace_page_get_loopback_switch (prefs.page);
  g_assert_true (gtk_switch_get_active (toggle));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                       _adiuva_preferences_workspace_page_get_port_spin (prefs.page)),
                   ==, port);

  /* Off: nothing listens any more, and the port is kept for next time. */
  gtk_switch_set_active (toggle, FALSE);
  test_ui_wait_until (not_busy, prefs.page);
  g_assert_cmpuint (get_models (port, token), ==, 0);
  g_clear_pointer (&setting, g_free);
  setting = dup_loopback_setting (store);
  g_assert_nonnull (strstr (setting, "\"enabled\":false"));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                       _adiuva_preferences_workspace_page_get_port_spin (prefs.page)),
                   ==, port);

  /* A port another program holds is said plainly, and the switch stays off. */
  squatter = g_socket_listener_new ();
  localhost = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  loopback = g_inet_socket_address_new (localhost, 0);
  g_socket_listener_add_address (squatter, loopback, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  busy_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  gtk_spin_button_set_value (_adiuva_preferences_workspace_page_get_port_spin (prefs.page),
                             busy_port);
  gtk_switch_set_active (toggle, TRUE);
  test_ui_wait_until (not_busy, prefs.page);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (gateway), ==, 0);
  g_assert_nonnull (strstr (_adiuva_preferences_workspace_page_get_last_message (prefs.page),
                            "Another program uses port"));
  g_socket_listener_close (squatter);

  /* On again on its old port, then the workspace closes and opens again in the app. */
  gtk_spin_button_set_value (_adiuva_preferences_workspace_page_get_port_spin (prefs.page), port);
  gtk_switch_set_active (toggle, TRUE);
  test_ui_wait_until (not_busy, prefs.page);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (gateway), ==, port);
  test_ui_destroy_window (GTK_WINDOW (prefs.window));
  g_clear_object (&gateway);
  g_assert_cmpuint (get_models (port, token), ==, 0);
  g_clear_object (&store);

  main_window = adiuva_window_new (NULL, dir);
  gtk_window_present (GTK_WINDOW (main_window));
  test_ui_wait_until (window_in_workspace, main_window);
  test_ui_wait_until (endpoint_restored, main_window);
  g_assert_cmpuint (adiuva_workspace_gateway_get_loopback_port (
                        adiuva_window_get_workspace_gateway (main_window)),
                    ==, port);
  g_assert_cmpuint (get_models (port, token), ==, 200);
  test_ui_destroy_window (GTK_WINDOW (main_window));
  g_assert_cmpuint (get_models (port, token), ==, 0);

  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/preferences-workspace/key", test_key);
  g_test_add_func ("/ui/preferences-workspace/location", test_location);
  g_test_add_func ("/ui/preferences-workspace/move", test_move);
  g_test_add_func ("/ui/preferences-workspace/reopen", test_reopen);
  g_test_add_func ("/ui/preferences-workspace/loopback", test_loopback);

  return g_test_run ();
}
