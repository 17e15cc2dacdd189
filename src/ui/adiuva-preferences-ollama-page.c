/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-preferences-ollama-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-accessible.h"
#include "adiuva-ollama-models.h"
#include "adiuva-preferences-ollama-page-private.h"
#include "adiuva-provider-table.h"

/* The Preferences window's Ollama page: where the workspace's Ollama provider listens (the
 * provider is created when the user sets an endpoint and has none), whether Ollama answers
 * there, its models with their size, and pulling or deleting one. Until the workspace has an
 * Ollama provider the page asks Ollama at its default endpoint, so the user sees whether it
 * runs before adding it. Every request is async and stops when the page leaves its window. */

#define OLLAMA_KIND "ollama"

struct _AdiuvaPreferencesOllamaPage
{
  AdwPreferencesPage parent_instance;

  AdiuvaWorkspaceGateway *gateway;
  AdiuvaGatewayClient    *client;      /* reaches Ollama at endpoint */
  char                   *provider;    /* the workspace's Ollama provider, %NULL while none */
  char                   *endpoint;    /* the base URL the client asks */
  GCancellable           *cancellable; /* deletes; cancelled with the rest when unrooted */
  GCancellable           *check;       /* the model list in flight */
  GCancellable           *pull;        /* the pull in flight */
  GHashTable             *layers;      /* digest → Layer, of the pull in flight */
  guint                   n_deleting;
  gboolean                reachable;
  GPtrArray              *model_rows;
  char                   *last_message;

  AdwEntryRow         *endpoint_row;
  AdwActionRow        *status_row;
  GtkSpinner          *status_spinner;
  AdwPreferencesGroup *models_group;
  AdwActionRow        *no_models_row;
  AdwEntryRow         *pull_row;
  AdwActionRow        *progress_row;
  GtkProgressBar      *progress_bar;
  GtkWidget           *cancel_button;
};

/* clang-format off */
G_DEFINE_FINAL_TYPE (AdiuvaPreferencesOllamaPage, adiuva_preferences_ollama_page,
                     ADW_TYPE_PREFERENCES_PAGE)
/* clang-format on */

typedef struct
{
  gint64 completed;
  gint64 total;
} Layer;

/* One request: the page and the client are kept until it ends; it is stale once the page's
 * cancellable for its kind of request is another (or none). */
typedef struct
{
  AdiuvaPreferencesOllamaPage *self;
  AdiuvaGatewayClient         *client;
  GCancellable                *cancellable;
  char                        *model;
} Call;

static Call *
call_new (AdiuvaPreferencesOllamaPage *self,
          GCancellable                *cancellable,
          const char                  *model)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->client = g_object_ref (self->client);
  call->cancellable = g_object_ref (cancellable);
  call->model = g_strdup (model);
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_object_unref (call->client);
  g_object_unref (call->cancellable);
  g_free (call->model);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static const char *
client_provider (AdiuvaPreferencesOllamaPage *self)
{
  return self->provider != NULL ? self->provider : OLLAMA_KIND;
}

static const char *
default_endpoint (void)
{
  const AdiuvaProviderInfo *info;

  info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), OLLAMA_KIND);
  return info != NULL && info->default_base_url != NULL ? info->default_base_url
                                                        : "http://127.0.0.1:11434";
}

static void
show_message (AdiuvaPreferencesOllamaPage *self,
              const char                  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->last_message);
  self->last_message = g_strdup (text);
  /* libadwaita 1.2 reads a toast's title as markup: a message is not. */
  if (ADW_IS_PREFERENCES_WINDOW (root))
    {
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (escaped));
    }
}

static void
update_actions (AdiuvaPreferencesOllamaPage *self)
{
  gboolean ready = self->client != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.refresh", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.pull", ready && self->pull == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.cancel-pull", self->pull != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ollama.delete", ready);
  gtk_widget_set_visible (self->cancel_button, self->pull != NULL);
}

static void
set_status (AdiuvaPreferencesOllamaPage *self,
            const char                  *text,
            gboolean                     failed)
{
  adw_action_row_set_subtitle (self->status_row, text);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_row), "error");
}

/* The models */

static void
append_part (GString    *text,
             const char *part)
{
  if (text->len > 0)
    g_string_append (text, " · ");
  g_string_append (text, part);
}

static GtkWidget *
new_model_row (const AdiuvaOllamaModel *model)
{
  g_autoptr (GString) subtitle = g_string_new (NULL);
  g_autofree char *label = g_strdup_printf (_ ("Delete “%s”"), model->name);
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget *delete;

  if (model->size > 0)
    {
      g_autofree char *size = g_format_size (model->size);

      append_part (subtitle, size);
    }
  if (model->parameter_size != NULL)
    {
      /* TRANSLATORS: %s is a number of parameters as Ollama words it, such as 8.0B */
      g_autofree char *parameters = g_strdup_printf (_ ("%s parameters"), model->parameter_size);

      append_part (subtitle, parameters);
    }
  if (model->quantization != NULL)
    append_part (subtitle, model->quantization);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), model->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  delete = adiuva_accessible_icon_button ("user-trash-symbolic", label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "ollama.delete");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (delete), "s", model->name);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
  return row;
}

static void
clear_models (AdiuvaPreferencesOllamaPage *self)
{
  for (guint i = 0; i < self->model_rows->len; i++)
    adw_preferences_group_remove (self->models_group, g_ptr_array_index (self->model_rows, i));
  g_ptr_array_set_size (self->model_rows, 0);
}

static void
show_models (AdiuvaPreferencesOllamaPage *self,
             GPtrArray                   *models)
{
  clear_models (self);
  for (guint i = 0; i < models->len; i++)
    {
      GtkWidget *row = new_model_row (g_ptr_array_index (models, i));

      adw_preferences_group_add (self->models_group, row);
      g_ptr_array_add (self->model_rows, row);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->no_models_row),
                                 _ ("No models installed"));
  adw_action_row_set_subtitle (self->no_models_row, _ ("Pull one below."));
  gtk_widget_set_visible (GTK_WIDGET (self->no_models_row), models->len == 0);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (Call) call = user_data;
  AdiuvaPreferencesOllamaPage *self = call->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) models = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  models = adiuva_gateway_client_list_local_models_finish (call->client, result, &error);
  /* Asked again since: another answer is awaited. */
  if (call->cancellable != self->check)
    return;
  g_clear_object (&self->check);
  gtk_spinner_stop (self->status_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), FALSE);
  /* The window closed. */
  if (g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED))
    return;

  self->reachable = models != NULL;
  if (models == NULL)
    {
      clear_models (self);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->no_models_row),
                                     _ ("Ollama does not answer"));
      adw_action_row_set_subtitle (self->no_models_row,
                                   _ ("Its models show here once it runs at the endpoint."));
      gtk_widget_set_visible (GTK_WIDGET (self->no_models_row), TRUE);
      if (g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK))
        /* TRANSLATORS: %s is why Ollama could not be reached */
        text = g_strdup_printf (_ ("Not reachable: %s\nIs Ollama running? Start it with "
                                   "“ollama serve”."),
                                error->message);
      else
        text = g_strdup_printf (_ ("Not reachable: %s"), error->message);
      set_status (self, text, TRUE);
      return;
    }

  show_models (self, models);
  count = g_strdup_printf ("%u", models->len);
  if (self->provider != NULL)
    /* TRANSLATORS: %s is a number of models */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Running, with %s model",
                                         "Running, with %s models", models->len),
                            count);
  else
    text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     "Running, with %s model. The assistant does not use it yet: apply the "
                     "endpoint to add Ollama to its providers.",
                     "Running, with %s models. The assistant does not use it yet: apply the "
                     "endpoint to add Ollama to its providers.",
                     models->len),
        count);
  set_status (self, text, FALSE);
}

static void
refresh (AdiuvaPreferencesOllamaPage *self)
{
  g_autofree char *text = NULL;

  if (self->client == NULL)
    return;
  g_cancellable_cancel (self->check);
  g_clear_object (&self->check);
  self->check = g_cancellable_new ();

  /* TRANSLATORS: %s is Ollama's base URL */
  text = g_strdup_printf (_ ("Asking Ollama at %s…"), self->endpoint);
  set_status (self, text, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), TRUE);
  gtk_spinner_start (self->status_spinner);
  adiuva_gateway_client_list_local_models_async (self->client, client_provider (self),
                                                 self->check, listed_cb,
                                                 call_new (self, self->check, NULL));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  refresh (ADIUVA_PREFERENCES_OLLAMA_PAGE (widget));
}

/* The endpoint */

/* The workspace's Ollama provider, the first of its kind; %TRUE with @name %NULL when there
 * is none. */
static gboolean
find_provider (AdiuvaPreferencesOllamaPage *self,
               char                       **name,
               char                       **base_url,
               GError                     **error)
{
  g_autoptr (GPtrArray) providers = NULL;

  *name = *base_url = NULL;
  if ((providers = adiuva_workspace_gateway_read_providers (self->gateway, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < providers->len; i++)
    {
      const AdiuvaWorkspaceProvider *provider = g_ptr_array_index (providers, i);

      if (g_str_equal (provider->kind, OLLAMA_KIND))
        {
          *name = g_strdup (provider->name);
          *base_url = g_strdup (provider->base_url);
          return TRUE;
        }
    }
  return TRUE;
}

/* Points the page at the workspace's Ollama provider, or at the default endpoint while there is
 * none, and asks Ollama when that changed. */
static void
configure (AdiuvaPreferencesOllamaPage *self)
{
  g_autofree char *provider = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (AdiuvaProviderSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  const char *endpoint;

  if (!find_provider (self, &provider, &base_url, &error))
    {
      /* TRANSLATORS: %s says why */
      g_autofree char *text = g_strdup_printf (_ ("Could not read the providers: %s"),
                                               error->message);

      set_status (self, text, TRUE);
      return;
    }
  endpoint = base_url != NULL ? base_url : default_endpoint ();
  /* What the user is typing stays. */
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->endpoint_row), "error"))
    gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
  /* Another change of the gateway's settings (an alias, a budget) does not ask Ollama again. */
  if (self->client != NULL && g_strcmp0 (provider, self->provider) == 0 &&
      g_strcmp0 (endpoint, self->endpoint) == 0)
    return;

  /* Ollama takes no key: a client of its own does not need the keyring. */
  client = adiuva_gateway_client_new (NULL);
  settings = adiuva_provider_settings_new (provider != NULL ? provider : OLLAMA_KIND, OLLAMA_KIND);
  adiuva_provider_settings_set_base_url (settings, endpoint);
  if (!adiuva_gateway_client_set_provider (client, settings, &error))
    {
      set_status (self, error->message, TRUE);
      return;
    }

  g_set_object (&self->client, client);
  g_free (self->provider);
  self->provider = g_steal_pointer (&provider);
  g_free (self->endpoint);
  self->endpoint = g_strdup (endpoint);
  update_actions (self);
  refresh (self);
}

static gboolean
is_endpoint (const char *text)
{
  g_autoptr (GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL &&
         (g_str_equal (g_uri_get_scheme (uri), "http") ||
          g_str_equal (g_uri_get_scheme (uri), "https")) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static void
endpoint_apply_cb (AdiuvaPreferencesOllamaPage *self)
{
  g_autofree char *endpoint = NULL;
  g_autoptr (GError) error = NULL;
  gboolean saved;

  endpoint = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row))));
  if (!is_endpoint (endpoint))
    {
      g_autofree char *text = NULL;

      gtk_widget_add_css_class (GTK_WIDGET (self->endpoint_row), "error");
      /* TRANSLATORS: %s is the default address of Ollama */
      text = g_strdup_printf (_ ("Type Ollama’s address as http://HOST:PORT, such as %s"),
                              default_endpoint ());
      show_message (self, text);
      return;
    }

  if (self->provider != NULL)
    saved = adiuva_workspace_gateway_update_provider (self->gateway, self->provider, OLLAMA_KIND,
                                                      endpoint, NULL, &error);
  else
    saved = adiuva_workspace_gateway_add_provider (self->gateway, OLLAMA_KIND, OLLAMA_KIND,
                                                   endpoint, NULL, &error);
  if (!saved)
    {
      g_autofree char *text = g_strdup_printf (_ ("Could not set the endpoint: %s"),
                                               error->message);

      gtk_widget_add_css_class (GTK_WIDGET (self->endpoint_row), "error");
      show_message (self, text);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->endpoint_row), "error");
  /* The gateway's change asked Ollama at a new endpoint; the same one is asked again. */
  if (self->check == NULL)
    refresh (self);
}

/* A refused entry shows red until it is changed. */
static void
entry_changed_cb (GtkEditable *editable)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

/* Pull */

/* Ollama downloads a model as layers, each with its own progress lines: the bar shows the
 * bytes of all the layers seen so far. */
static double
pull_fraction (AdiuvaPreferencesOllamaPage *self,
               const AdiuvaPullProgress    *progress,
               gint64                      *completed,
               gint64                      *total)
{
  GHashTableIter iter;
  gpointer       value;
  Layer         *layer;

  layer = g_hash_table_lookup (self->layers, progress->digest);
  if (layer == NULL)
    {
      layer = g_new0 (Layer, 1);
      g_hash_table_insert (self->layers, g_strdup (progress->digest), layer);
    }
  layer->completed = CLAMP (progress->completed, 0, progress->total);
  layer->total = progress->total;

  *completed = *total = 0;
  g_hash_table_iter_init (&iter, self->layers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      *completed += ((Layer *) value)->completed;
      *total += ((Layer *) value)->total;
    }
  return (double) *completed / (double) *total;
}

static void
pull_progress_cb (const AdiuvaPullProgress *progress,
                  gpointer                  user_data)
{
  AdiuvaPreferencesOllamaPage *self = user_data;
  g_autofree char             *text = NULL;

  if (progress->digest != NULL && progress->total > 0)
    {
      gint64           completed, total;
      double           fraction = pull_fraction (self, progress, &completed, &total);
      g_autofree char *done = g_format_size (completed);
      g_autofree char *all = g_format_size (total);

      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      /* TRANSLATORS: bytes downloaded so far, of how many */
      text = g_strdup_printf (_ ("%s of %s"), done, all);
    }
  else if (g_str_equal (progress->status, "success"))
    gtk_progress_bar_set_fraction (self->progress_bar, 1);
  else
    /* Ollama's own words for what it does (“pulling manifest”, “verifying sha256 digest”). */
    text = g_strdup (progress->status);
  if (text != NULL)
    adw_action_row_set_subtitle (self->progress_row, text);
}

static void
set_pull_state (AdiuvaPreferencesOllamaPage *self,
                const char                  *title,
                const char                  *subtitle,
                gboolean                     failed)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->progress_row), title);
  adw_action_row_set_subtitle (self->progress_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_row), TRUE);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->progress_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->progress_row), "error");
}

/* The gateway says what went wrong; a model Ollama's library lacks is said plainly. */
static char *
describe_pull_error (const char   *model,
                     const GError *error)
{
  if (g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND) ||
      strstr (error->message, "file does not exist") != NULL)
    return g_strdup_printf (_ ("Ollama’s library has no model called “%s”. Check the name, "
                               "such as llama3.2 or qwen2.5:7b."),
                            model);
  return g_strdup (error->message);
}

static void
pulled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (Call) call = user_data;
  AdiuvaPreferencesOllamaPage *self = call->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;

  adiuva_gateway_client_pull_model_finish (call->client, result, &error);
  g_clear_object (&self->pull);
  g_hash_table_remove_all (self->layers);
  update_actions (self);

  if (error == NULL)
    {
      title = g_strdup_printf (_ ("“%s” is downloaded"), call->model);
      gtk_progress_bar_set_fraction (self->progress_bar, 1);
      set_pull_state (self, title, _ ("It is in the list of installed models."), FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->pull_row), "");
      refresh (self);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED))
    {
      title = g_strdup_printf (_ ("The download of “%s” stopped"), call->model);
      set_pull_state (self, title, _ ("Pull it again to go on where it stopped."), FALSE);
      return;
    }
  title = g_strdup_printf (_ ("Could not download “%s”"), call->model);
  text = describe_pull_error (call->model, error);
  set_pull_state (self, title, text, TRUE);
}

static void
pull (AdiuvaPreferencesOllamaPage *self)
{
  g_autofree char *model = NULL;
  g_autofree char *title = NULL;

  if (self->client == NULL || self->pull != NULL)
    return;
  model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pull_row))));
  if (*model == '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->pull_row), "error");
      show_message (self, _ ("Type the name of a model to pull, such as llama3.2"));
      return;
    }

  self->pull = g_cancellable_new ();
  title = g_strdup_printf (_ ("Downloading “%s”"), model);
  set_pull_state (self, title, _ ("Starting…"), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  update_actions (self);
  adiuva_gateway_client_pull_model_async (self->client, client_provider (self), model,
                                          pull_progress_cb, self, self->pull, pulled_cb,
                                          call_new (self, self->pull, model));
}

static void
pull_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pull (ADIUVA_PREFERENCES_OLLAMA_PAGE (widget));
}

static void
pull_activated_cb (AdiuvaPreferencesOllamaPage *self)
{
  pull (self);
}

static void
cancel_pull_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaPreferencesOllamaPage *self = ADIUVA_PREFERENCES_OLLAMA_PAGE (widget);

  /* The answer comes back cancelled, and says so. */
  g_cancellable_cancel (self->pull);
}

/* Delete */

static GtkWidget *
find_model_row (AdiuvaPreferencesOllamaPage *self,
                const char                  *name)
{
  for (guint i = 0; i < self->model_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->model_rows, i);

      if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name))
        return row;
    }
  return NULL;
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (Call) call = user_data;
  AdiuvaPreferencesOllamaPage *self = call->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget       *row;

  self->n_deleting--;
  if (!adiuva_gateway_client_delete_model_finish (call->client, result, &error))
    {
      if ((row = find_model_row (self, call->model)) != NULL)
        gtk_widget_set_sensitive (row, TRUE);
      /* TRANSLATORS: %s is a model, then why it could not be deleted */
      text = g_strdup_printf (_ ("Could not delete “%s”: %s"), call->model, error->message);
      show_message (self, text);
      return;
    }
  text = g_strdup_printf (_ ("“%s” was deleted"), call->model);
  show_message (self, text);
  refresh (self);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  AdiuvaPreferencesOllamaPage *self = user_data;
  const char                  *model = g_object_get_data (G_OBJECT (dialog), "model");
  GtkWidget                   *row;

  if (!g_str_equal (response, "delete") || self->client == NULL)
    return;
  if ((row = find_model_row (self, model)) != NULL)
    gtk_widget_set_sensitive (row, FALSE);
  self->n_deleting++;
  adiuva_gateway_client_delete_model_async (self->client, client_provider (self), model,
                                            self->cancellable, deleted_cb,
                                            call_new (self, self->cancellable, model));
}

static GtkWidget *
confirm_delete (AdiuvaPreferencesOllamaPage *self,
                const char                  *model)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _ ("Delete the Model?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("“%s” will be removed from this computer and its disk "
                                     "space freed. Using it again means downloading it again."),
                                  model);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "delete", _ ("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "model", g_strdup (model), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  confirm_delete (ADIUVA_PREFERENCES_OLLAMA_PAGE (widget), g_variant_get_string (parameter, NULL));
}

/* GObject */

static void
adiuva_preferences_ollama_page_unroot (GtkWidget *widget)
{
  AdiuvaPreferencesOllamaPage *self = ADIUVA_PREFERENCES_OLLAMA_PAGE (widget);

  /* A closed window waits for no answer; a download stopped here resumes when pulled again. */
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->check);
  g_cancellable_cancel (self->pull);

  GTK_WIDGET_CLASS (adiuva_preferences_ollama_page_parent_class)->unroot (widget);
}

static void
adiuva_preferences_ollama_page_dispose (GObject *object)
{
  AdiuvaPreferencesOllamaPage *self = ADIUVA_PREFERENCES_OLLAMA_PAGE (object);

  g_clear_pointer (&self->model_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PREFERENCES_OLLAMA_PAGE);
  g_clear_object (&self->client);
  g_clear_object (&self->gateway);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->check);
  g_clear_object (&self->pull);

  G_OBJECT_CLASS (adiuva_preferences_ollama_page_parent_class)->dispose (object);
}

static void
adiuva_preferences_ollama_page_finalize (GObject *object)
{
  AdiuvaPreferencesOllamaPage *self = ADIUVA_PREFERENCES_OLLAMA_PAGE (object);

  g_free (self->provider);
  g_free (self->endpoint);
  g_free (self->last_message);
  g_hash_table_unref (self->layers);

  G_OBJECT_CLASS (adiuva_preferences_ollama_page_parent_class)->finalize (object);
}

static void
adiuva_preferences_ollama_page_class_init (AdiuvaPreferencesOllamaPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_preferences_ollama_page_dispose;
  object_class->finalize = adiuva_preferences_ollama_page_finalize;
  widget_class->unroot = adiuva_preferences_ollama_page_unroot;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/adiuva/Adiuva/adiuva-preferences-ollama-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage,
                                        status_spinner);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, models_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, no_models_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, pull_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, progress_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaPreferencesOllamaPage, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, endpoint_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pull_activated_cb);

  gtk_widget_class_install_action (widget_class, "ollama.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "ollama.pull", NULL, pull_action);
  gtk_widget_class_install_action (widget_class, "ollama.cancel-pull", NULL, cancel_pull_action);
  gtk_widget_class_install_action (widget_class, "ollama.delete", "s", delete_action);
}

static void
adiuva_preferences_ollama_page_init (AdiuvaPreferencesOllamaPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->model_rows = g_ptr_array_new ();
  self->layers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * adiuva_preferences_ollama_page_new:
 * @gateway: (nullable): the workspace's gateway, %NULL while no workspace is open
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
adiuva_preferences_ollama_page_new (AdiuvaWorkspaceGateway *gateway)
{
  AdiuvaPreferencesOllamaPage *self;

  g_return_val_if_fail (gateway == NULL || ADIUVA_IS_WORKSPACE_GATEWAY (gateway), NULL);

  self = g_object_new (ADIUVA_TYPE_PREFERENCES_OLLAMA_PAGE, NULL);
  update_actions (self);
  if (gateway == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->endpoint_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->pull_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->no_models_row), FALSE);
      set_status (self, _ ("Open your workspace to set up Ollama for the assistant."), FALSE);
      return GTK_WIDGET (self);
    }

  self->gateway = g_object_ref (gateway);
  g_signal_connect_object (gateway, "changed", G_CALLBACK (configure), self, G_CONNECT_SWAPPED);
  configure (self);
  return GTK_WIDGET (self);
}

AdwEntryRow *
_adiuva_preferences_ollama_page_get_endpoint_row (AdiuvaPreferencesOllamaPage *self)
{
  return self->endpoint_row;
}

AdwActionRow *
_adiuva_preferences_ollama_page_get_status_row (AdiuvaPreferencesOllamaPage *self)
{
  return self->status_row;
}

gboolean
_adiuva_preferences_ollama_page_is_checking (AdiuvaPreferencesOllamaPage *self)
{
  return self->check != NULL;
}

gboolean
_adiuva_preferences_ollama_page_get_reachable (AdiuvaPreferencesOllamaPage *self)
{
  return self->reachable;
}

AdwActionRow *
_adiuva_preferences_ollama_page_get_model_row (AdiuvaPreferencesOllamaPage *self,
                                               const char                  *name)
{
  GtkWidget *row = find_model_row (self, name);

  return row != NULL ? ADW_ACTION_ROW (row) : NULL;
}

guint
_adiuva_preferences_ollama_page_get_n_models (AdiuvaPreferencesOllamaPage *self)
{
  return self->model_rows->len;
}

AdwEntryRow *
_adiuva_preferences_ollama_page_get_pull_row (AdiuvaPreferencesOllamaPage *self)
{
  return self->pull_row;
}

AdwActionRow *
_adiuva_preferences_ollama_page_get_progress_row (AdiuvaPreferencesOllamaPage *self)
{
  return self->progress_row;
}

GtkProgressBar *
_adiuva_preferences_ollama_page_get_progress_bar (AdiuvaPreferencesOllamaPage *self)
{
  return self->progress_bar;
}

gboolean
_adiuva_preferences_ollama_page_is_pulling (AdiuvaPreferencesOllamaPage *self)
{
  return self->pull != NULL;
}

/* As the Delete button does: the confirmation it asks for. */
AdwMessageDialog *
_adiuva_preferences_ollama_page_delete_model (AdiuvaPreferencesOllamaPage *self,
                                              const char                  *name)
{
  return ADW_MESSAGE_DIALOG (confirm_delete (self, name));
}

gboolean
_adiuva_preferences_ollama_page_is_deleting (AdiuvaPreferencesOllamaPage *self)
{
  return self->n_deleting > 0;
}

const char *
_adiuva_preferences_ollama_page_get_last_message (AdiuvaPreferencesOllamaPage *self)
{
  return self->last_message;
}
