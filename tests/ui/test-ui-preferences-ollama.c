/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-preferences-ollama"

#include "config.h"

#include "adiuva-preferences-ollama-page-private.h"
#include "adiuva-preferences-window.h"
#include "test-provider-util.h"
#include "test-ui-util.h"

/* The Ollama page of the Preferences window on a real workspace, against the real provider
 * test server answering as Ollama does (/api/tags, /api/pull, /api/delete). */

/* A pull that sends its first two progress lines, then holds the connection open. */
#define PULL_LINE_1 "{\"status\":\"pulling manifest\"}\n"
#define PULL_LINE_2                                                                               \
  "{\"status\":\"pulling 6a0746a1ec1a\",\"digest\":\"sha256:6a0746a1ec1a\",\"total\":5000000000," \
  "\"completed\":2000000000}\n"
#define PULL_LINE_3 "{\"status\":\"success\"}\n"

typedef struct
{
  AdiuvaWorkspaceGateway      *gateway;
  AdiuvaPreferencesWindow     *window;
  AdiuvaPreferencesOllamaPage *page;
} Fixture;

static gboolean
checked (gpointer data)
{
  return !_adiuva_preferences_ollama_page_is_checking (data);
}

static gboolean
pulled (gpointer data)
{
  return !_adiuva_preferences_ollama_page_is_pulling (data);
}

static gboolean
deleted (gpointer data)
{
  return !_adiuva_preferences_ollama_page_is_deleting (data);
}

static gboolean
has_progress (gpointer data)
{
  AdiuvaPreferencesOllamaPage *page = data;

  return gtk_progress_bar_get_fraction (_adiuva_preferences_ollama_page_get_progress_bar (page)) >
         0;
}

static void
fraction_cb (GtkProgressBar *bar,
             GParamSpec     *pspec,
             GArray         *fractions)
{
  double fraction = gtk_progress_bar_get_fraction (bar);

  if (fractions->len == 0 || g_array_index (fractions, double, fractions->len - 1) != fraction)
    g_array_append_val (fractions, fraction);
}

/* Whether the Pull button can be pressed: it is as sensitive as its action. */
static gboolean
can_pull (AdiuvaPreferencesOllamaPage *page)
{
  GtkWidget *button = test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Pull");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* What a screen reader says for an icon button is what its tooltip shows. */
static void
assert_named (GtkWidget  *button,
              const char *name)
{
  g_autofree char *mismatch = NULL;

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, name);
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (button),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name);
  g_assert_null (mismatch);
}

static void
set_endpoint (Fixture    *f,
              const char *endpoint)
{
  AdwEntryRow *row = _adiuva_preferences_ollama_page_get_endpoint_row (f->page);

  gtk_editable_set_text (GTK_EDITABLE (row), endpoint);
  g_signal_emit_by_name (row, "apply");
  test_ui_wait_until (checked, f->page);
}

static void
pull (Fixture    *f,
      const char *model)
{
  gtk_editable_set_text (GTK_EDITABLE (_adiuva_preferences_ollama_page_get_pull_row (f->page)),
                         model);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "ollama.pull", NULL);
}

static const char *
progress_title (Fixture *f)
{
  return adw_preferences_row_get_title (
      ADW_PREFERENCES_ROW (_adiuva_preferences_ollama_page_get_progress_row (f->page)));
}

static const char *
progress_subtitle (Fixture *f)
{
  return adw_action_row_get_subtitle (_adiuva_preferences_ollama_page_get_progress_row (f->page));
}

static const char *
status (Fixture *f)
{
  return adw_action_row_get_subtitle (_adiuva_preferences_ollama_page_get_status_row (f->page));
}

static GPtrArray *
list_providers (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *providers = adiuva_workspace_gateway_list_providers (f->gateway, &error);

  g_assert_no_error (error);
  return providers;
}

/* The last request to @path: its body's "model". */
static char *
dup_last_model (TestProvider *server,
                const char   *method,
                const char   *path)
{
  g_autoptr (JsonArray) requests = test_provider_requests (server);
  char *model = NULL;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (request, "method"), method) &&
          g_str_equal (json_object_get_string_member (request, "path"), path))
        {
          g_free (model);
          model = g_strdup (json_object_get_string_member (
              json_object_get_object_member (request, "body"), "model"));
        }
    }
  return model;
}

/* The next pull answers @body as Ollama's NDJSON, then holds the connection open after
 * @stall_after bytes when that is not 0. */
static void
script_pull (TestProvider *server,
             const char   *body,
             gsize         stall_after)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *steps = NULL;

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "match");
  json_builder_add_string_value (builder, "/api/pull");
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Content-Type");
  json_builder_add_string_value (builder, "application/x-ndjson");
  json_builder_end_object (builder);
  if (stall_after > 0)
    {
      json_builder_set_member_name (builder, "stall_after");
      json_builder_add_int_value (builder, stall_after);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  steps = json_to_string (root, FALSE);
  test_provider_script (server, steps);
}

static void
test_endpoint_and_models (Fixture      *f,
                          TestProvider *server)
{
  g_autoptr (GPtrArray) providers = NULL;
  g_autofree char               *closed = NULL;
  const AdiuvaWorkspaceProvider *provider;
  AdwActionRow                  *row;

  /* No Ollama provider yet: the default endpoint is shown, and asked. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                       _adiuva_preferences_ollama_page_get_endpoint_row (f->page))),
                   ==, "http://127.0.0.1:11434");
  test_ui_wait_until (checked, f->page);
  providers = list_providers (f);
  g_assert_cmpuint (providers->len, ==, 0);
  g_clear_pointer (&providers, g_ptr_array_unref);

  /* An endpoint makes the workspace's Ollama provider, and Ollama there lists its models
   * with their size. */
  set_endpoint (f, server->base);
  providers = list_providers (f);
  g_assert_cmpuint (providers->len, ==, 1);
  provider = g_ptr_array_index (providers, 0);
  g_assert_cmpstr (provider->name, ==, "ollama");
  g_assert_cmpstr (provider->kind, ==, "ollama");
  g_assert_cmpstr (provider->base_url, ==, server->base);
  g_clear_pointer (&providers, g_ptr_array_unref);
  g_assert_true (_adiuva_preferences_ollama_page_get_reachable (f->page));
  g_assert_true (g_str_has_prefix (status (f), "Running, with 2 models"));
  g_assert_cmpuint (_adiuva_preferences_ollama_page_get_n_models (f->page), ==, 2);
  row = _adiuva_preferences_ollama_page_get_model_row (f->page, "deepseek-r1:latest");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "4.7\u00a0GB · 7.6B parameters · Q4_K_M");
  g_assert_nonnull (_adiuva_preferences_ollama_page_get_model_row (f->page, "llama3.2:latest"));
  assert_named (test_ui_find_descendant (GTK_WIDGET (row), GTK_TYPE_BUTTON, NULL),
                "Delete “deepseek-r1:latest”");

  /* Another endpoint changes that provider; nobody answering there is said so. */
  closed = g_strdup_printf ("http://127.0.0.1:%u", test_provider_closed_port ());
  set_endpoint (f, closed);
  providers = list_providers (f);
  g_assert_cmpuint (providers->len, ==, 1);
  g_assert_cmpstr (((AdiuvaWorkspaceProvider *) g_ptr_array_index (providers, 0))->base_url, ==,
                   closed);
  g_assert_false (_adiuva_preferences_ollama_page_get_reachable (f->page));
  g_assert_true (g_str_has_prefix (status (f), "Not reachable: "));
  g_assert_nonnull (strstr (status (f), "ollama serve"));
  g_assert_cmpuint (_adiuva_preferences_ollama_page_get_n_models (f->page), ==, 0);

  /* Changed on the Assistant page, or by the CLI: the page follows. */
  g_assert_true (adiuva_workspace_gateway_update_provider (f->gateway, "ollama", "ollama",
                                                           server->base, NULL, NULL));
  test_ui_wait_until (checked, f->page);
  g_assert_true (_adiuva_preferences_ollama_page_get_reachable (f->page));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                       _adiuva_preferences_ollama_page_get_endpoint_row (f->page))),
                   ==, server->base);
  g_assert_cmpuint (_adiuva_preferences_ollama_page_get_n_models (f->page), ==, 2);
}

static void
test_pull (Fixture      *f,
           TestProvider *server)
{
  GtkProgressBar *bar = _adiuva_preferences_ollama_page_get_progress_bar (f->page);
  g_autoptr (GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *model = NULL;
  guint            lists, pulls;
  gulong           handler;

  /* Cancel: the download stops half way, and says how to go on. */
  script_pull (server, PULL_LINE_1 PULL_LINE_2 PULL_LINE_3, strlen (PULL_LINE_1 PULL_LINE_2));
  pull (f, "qwen2.5:7b");
  test_ui_wait_until (has_progress, f->page);
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.4, 1e-9);
  g_assert_cmpstr (progress_subtitle (f), ==, "2.0\u00a0GB of 5.0\u00a0GB");
  g_assert_true (_adiuva_preferences_ollama_page_is_pulling (f->page));
  test_ui_screenshot (GTK_WIDGET (f->window), "preferences-ollama");
  test_ui_screenshot_dark (GTK_WIDGET (f->window), "preferences-ollama-dark");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "ollama.cancel-pull", NULL);
  test_ui_wait_until (pulled, f->page);
  g_assert_cmpstr (progress_title (f), ==, "The download of “qwen2.5:7b” stopped");
  g_assert_true (can_pull (f->page));

  /* The progress lines move the bar, and the list is asked again at the end. */
  lists = test_provider_count_requests (server, "/api/tags");
  handler = g_signal_connect (bar, "notify::fraction", G_CALLBACK (fraction_cb), fractions);
  pull (f, "llama3.2");
  g_assert_true (_adiuva_preferences_ollama_page_is_pulling (f->page));
  g_assert_cmpstr (progress_title (f), ==, "Downloading “llama3.2”");
  g_assert_false (can_pull (f->page));
  test_ui_wait_until (pulled, f->page);
  g_signal_handler_disconnect (bar, handler);
  /* 0 when it starts, then at least two steps on the way to the end. */
  g_assert_cmpuint (fractions->len, >=, 3);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >,
                       g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1);
  g_assert_cmpstr (progress_title (f), ==, "“llama3.2” is downloaded");
  model = dup_last_model (server, "POST", "/api/pull");
  g_assert_cmpstr (model, ==, "llama3.2");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                       _adiuva_preferences_ollama_page_get_pull_row (f->page))),
                   ==, "");
  test_ui_wait_until (checked, f->page);
  g_assert_cmpuint (test_provider_count_requests (server, "/api/tags"), ==, lists + 1);

  /* Nothing to pull: said, nothing sent. */
  pulls = test_provider_count_requests (server, "/api/pull");
  pull (f, " ");
  g_assert_false (_adiuva_preferences_ollama_page_is_pulling (f->page));
  g_assert_cmpuint (test_provider_count_requests (server, "/api/pull"), ==, pulls);
  g_assert_true (g_str_has_prefix (_adiuva_preferences_ollama_page_get_last_message (f->page),
                                   "Type the name of a model"));

  /* A model Ollama's library does not have: in plain words. */
  script_pull (server,
               "{\"status\":\"pulling manifest\"}\n"
               "{\"error\":\"pull model manifest: file does not exist\"}\n",
               0);
  pull (f, "nosuch");
  test_ui_wait_until (pulled, f->page);
  g_assert_cmpstr (progress_title (f), ==, "Could not download “nosuch”");
  g_assert_true (g_str_has_prefix (progress_subtitle (f),
                                   "Ollama’s library has no model called “nosuch”."));
  g_assert_true (gtk_widget_has_css_class (
      GTK_WIDGET (_adiuva_preferences_ollama_page_get_progress_row (f->page)), "error"));
  test_ui_screenshot (GTK_WIDGET (f->window), "preferences-ollama-pull-error");
}

static void
test_delete (Fixture      *f,
             TestProvider *server)
{
  g_autoptr (AdwMessageDialog) dialog = NULL;
  g_autofree char *model = NULL;

  /* Not before it is confirmed. */
  dialog = g_object_ref (_adiuva_preferences_ollama_page_delete_model (f->page,
                                                                       "llama3.2:latest"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_object (&dialog);
  g_assert_false (_adiuva_preferences_ollama_page_is_deleting (f->page));
  g_assert_cmpuint (test_provider_count_requests (server, "/api/delete"), ==, 0);

  dialog = g_object_ref (_adiuva_preferences_ollama_page_delete_model (f->page,
                                                                       "llama3.2:latest"));
  adw_message_dialog_response (dialog, "delete");
  g_assert_true (_adiuva_preferences_ollama_page_is_deleting (f->page));
  test_ui_wait_until (deleted, f->page);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_object (&dialog);
  model = dup_last_model (server, "DELETE", "/api/delete");
  g_assert_cmpstr (model, ==, "llama3.2:latest");
  g_assert_cmpstr (_adiuva_preferences_ollama_page_get_last_message (f->page), ==,
                   "“llama3.2:latest” was deleted");
  test_ui_wait_until (checked, f->page);

  /* Gone already: said, with the model's name. */
  test_provider_script (server, "[{\"match\": \"/api/delete\", \"status\": 404}]");
  dialog = g_object_ref (_adiuva_preferences_ollama_page_delete_model (f->page,
                                                                       "deepseek-r1:latest"));
  adw_message_dialog_response (dialog, "delete");
  test_ui_wait_until (deleted, f->page);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpstr (_adiuva_preferences_ollama_page_get_last_message (f->page), ==,
                   "Could not delete “deepseek-r1:latest”: ollama has no model named "
                   "“deepseek-r1:latest”.");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (
      _adiuva_preferences_ollama_page_get_model_row (f->page, "deepseek-r1:latest"))));
}

/* Not an address: said, and the provider keeps its endpoint. */
static void
test_not_an_address (Fixture *f)
{
  g_autoptr (GPtrArray) providers = NULL;
  g_autofree char *endpoint = g_strdup (gtk_editable_get_text (
      GTK_EDITABLE (_adiuva_preferences_ollama_page_get_endpoint_row (f->page))));

  set_endpoint (f, "localhost:11434");
  g_assert_true (g_str_has_prefix (_adiuva_preferences_ollama_page_get_last_message (f->page),
                                   "Type Ollama’s address"));
  g_assert_true (gtk_widget_has_css_class (
      GTK_WIDGET (_adiuva_preferences_ollama_page_get_endpoint_row (f->page)), "error"));
  providers = list_providers (f);
  g_assert_cmpuint (providers->len, ==, 1);
  g_assert_cmpstr (((AdiuvaWorkspaceProvider *) g_ptr_array_index (providers, 0))->base_url, ==,
                   endpoint);
}

static void
test_ollama (void)
{
  g_autoptr (TestProvider) server = test_provider_start ();
  g_autofree char *dir = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  Fixture f = { 0 };

  if (server == NULL)
    return;

  dir = test_ui_make_dir ();
  store = test_ui_create_store (dir);
  f.gateway = adiuva_workspace_gateway_new (store);
  f.window = adiuva_preferences_window_new (NULL, f.gateway);
  /* Tall enough for the whole page in the screenshot. */
  gtk_window_set_default_size (GTK_WINDOW (f.window), 720, 720);
  gtk_window_present (GTK_WINDOW (f.window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (f.window), "ollama");
  f.page = ADIUVA_PREFERENCES_OLLAMA_PAGE (
      adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (f.window)));

  test_endpoint_and_models (&f, server);
  test_pull (&f, server);
  test_delete (&f, server);
  test_not_an_address (&f);

  test_ui_destroy_window (GTK_WINDOW (f.window));
  g_clear_object (&f.gateway);
  g_clear_object (&store);
  test_remove_tree (dir);
}

/* Without a workspace there is no provider to set up: everything is off, and says why. */
static void
test_no_workspace (void)
{
  AdiuvaPreferencesWindow     *window = adiuva_preferences_window_new (NULL, NULL);
  AdiuvaPreferencesOllamaPage *page;

  gtk_window_present (GTK_WINDOW (window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "ollama");
  page = ADIUVA_PREFERENCES_OLLAMA_PAGE (
      adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (window)));
  g_assert_false (_adiuva_preferences_ollama_page_is_checking (page));
  g_assert_false (can_pull (page));
  /* “_Pull” is named by its label alone, without the underscore. */
  g_assert_false (gtk_test_accessible_has_property (
      GTK_ACCESSIBLE (test_ui_find_descendant (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Pull")),
      GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_false (gtk_widget_get_sensitive (
      GTK_WIDGET (_adiuva_preferences_ollama_page_get_endpoint_row (page))));
  g_assert_true (g_str_has_prefix (
      adw_action_row_get_subtitle (_adiuva_preferences_ollama_page_get_status_row (page)),
      "Open your workspace"));
  test_ui_destroy_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/preferences-ollama/no-workspace", test_no_workspace);
  g_test_add_func ("/ui/preferences-ollama/endpoint-models-pull-delete", test_ollama);

  return g_test_run ();
}
