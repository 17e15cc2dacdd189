/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-ollama-models"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway-request-private.h"
#include "adiuva-ndjson-decoder.h"
#include "adiuva-ollama-models.h"
#include "adiuva-wire-codec-private.h"

/*
 * Ollama's model management: /api/tags with each model's details, /api/show, /api/pull (a stream of NDJSON progress lines, which
 * ends with {"status": "success"} or an {"error": …} line) and /api/delete. Providers whose
 * table entry has these endpoints can do it; the others are told so in words.
 */

/* /api/show holds the template and the parameters too, and with verbose the vocabulary. */
#define MAX_SHOW_BODY (64 * 1024 * 1024)
/* A model is a few hundred bytes of /api/tags. */
#define MAX_TAGS_BODY (16 * 1024 * 1024)
/* A progress line is a few hundred bytes. */
#define MAX_PULL_LINE (64 * 1024)

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaOllamaModel, adiuva_ollama_model,
                     adiuva_ollama_model_copy, adiuva_ollama_model_free)
/* clang-format on */

AdiuvaOllamaModel *
adiuva_ollama_model_copy (const AdiuvaOllamaModel *self)
{
  AdiuvaOllamaModel *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AdiuvaOllamaModel, 1);
  copy->name = g_strdup (self->name);
  copy->family = g_strdup (self->family);
  copy->parameter_size = g_strdup (self->parameter_size);
  copy->quantization = g_strdup (self->quantization);
  copy->context_length = self->context_length;
  copy->size = self->size;
  return copy;
}

void
adiuva_ollama_model_free (AdiuvaOllamaModel *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->family);
  g_free (self->parameter_size);
  g_free (self->quantization);
  g_free (self);
}

typedef struct
{
  char                  *provider;
  char                  *name;
  AdiuvaPullProgressFunc progress;
  gpointer               progress_data;
  AdiuvaNdjsonDecoder   *decoder;
  gboolean               succeeded;
} ModelJob;

static void
model_job_free (ModelJob *job)
{
  g_free (job->provider);
  g_free (job->name);
  g_clear_pointer (&job->decoder, adiuva_ndjson_decoder_free);
  g_free (job);
}

static ModelJob *
model_job_new (const char *provider,
               const char *name)
{
  ModelJob *job = g_new0 (ModelJob, 1);

  job->provider = g_strdup (provider);
  job->name = g_strdup (name);
  return job;
}

/* Whether @provider has @endpoint: only Ollama manages its models on request. */
static gboolean
check_provider (AdiuvaGatewayClient *self,
                const char          *provider,
                const char          *endpoint,
                GError             **error)
{
  AdiuvaProviderSettings   *settings;
  const AdiuvaProviderInfo *info;
  const AdiuvaWireCodec    *codec;

  if (!_adiuva_gateway_client_resolve_provider (self, provider, &settings, &info, &codec, error))
    return FALSE;
  if (adiuva_provider_info_get_path (info, endpoint) != NULL)
    return TRUE;
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
               _ ("%s does not manage models on request; only Ollama does."), info->display_name);
  return FALSE;
}

/* Starts @method on @endpoint for the model @name; a provider without the endpoint is refused
 * in words before anything is sent. */
static void
start (AdiuvaGatewayClient   *self,
       ModelJob              *job,
       const char            *method,
       const char            *endpoint,
       gboolean               stream,
       gsize                  max_body,
       AdiuvaRequestChunkFunc on_chunk,
       GCancellable          *cancellable,
       GAsyncReadyCallback    done,
       gpointer               source_tag,
       GAsyncReadyCallback    callback,
       gpointer               user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) model_job_free);

  if (!check_provider (self, job->provider, endpoint, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, job->name);
  if (g_str_equal (endpoint, ADIUVA_ENDPOINT_PULL))
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, stream);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  /* The request holds the task until it finishes, so the task outlives every chunk. */
  _adiuva_gateway_request_async (self, job->provider, method, endpoint, NULL, body, max_body,
                                 on_chunk, task, cancellable, done, g_object_ref (task));
}

/* Ollama answers 404 for a model it does not have; say which. */
static GError *
model_error (ModelJob *job,
             guint     status,
             GError   *error)
{
  if (status != SOUP_STATUS_NOT_FOUND)
    return error;
  g_error_free (error);
  return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                      _ ("%s has no model named “%s”."), job->provider, job->name);
}

/* The body of Ollama's answer, or %NULL once @task has returned the error. */
static GBytes *
finish_request (GTask        *task,
                GAsyncResult *result)
{
  ModelJob *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GBytes *body;
  guint   status;

  body = _adiuva_gateway_request_finish (result, &status, &error);
  if (body == NULL)
    g_task_return_error (task, model_error (job, status, g_steal_pointer (&error)));
  return body;
}

/* A model named @name, with what @object's "details" say of it (in /api/show and /api/tags
 * alike). */
static AdiuvaOllamaModel *
new_model (const char *name,
           JsonObject *object)
{
  AdiuvaOllamaModel *model = g_new0 (AdiuvaOllamaModel, 1);
  JsonObject        *details = _adiuva_json_get_object (object, "details");

  model->name = g_strdup (name);
  if (details != NULL)
    {
      model->family = g_strdup (_adiuva_json_get_nonempty_string (details, "family"));
      model->parameter_size = g_strdup (_adiuva_json_get_nonempty_string (details,
                                                                          "parameter_size"));
      model->quantization = g_strdup (_adiuva_json_get_nonempty_string (details,
                                                                        "quantization_level"));
    }
  return model;
}

/* List */

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (GTask) task = data;
  const char *provider = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = _adiuva_gateway_request_finish (result, NULL, &error);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) models = NULL;
  JsonArray *list = NULL;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  root = _adiuva_wire_codec_parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                        NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    list = _adiuva_json_get_array (json_node_get_object (root), "models");
  if (list == NULL)
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                               _ ("%s sent a model list without “%s”."), provider, "models");
      return;
    }

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_ollama_model_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject        *item = _adiuva_json_node_get_object (json_array_get_element (list, i));
      const char        *name;
      AdiuvaOllamaModel *model;

      /* "model" is the newer name of the field; both are sent. */
      if (item == NULL || ((name = _adiuva_json_get_nonempty_string (item, "name")) == NULL &&
                           (name = _adiuva_json_get_nonempty_string (item, "model")) == NULL))
        continue;
      model = new_model (name, item);
      if (!_adiuva_json_get_int (item, "size", &model->size) || model->size < 0)
        model->size = 0;
      g_ptr_array_add (models, model);
    }
  g_task_return_pointer (task, g_steal_pointer (&models), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * adiuva_gateway_client_list_local_models_async:
 * @provider: the user's name of an Ollama provider
 *
 * Asks Ollama's `/api/tags` which models it has, with their size and details: what
 * adiuva_gateway_client_list_models_async() gives as names only.
 */
void
adiuva_gateway_client_list_local_models_async (AdiuvaGatewayClient *self,
                                               const char          *provider,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_gateway_client_list_local_models_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_strdup (provider), g_free);
  if (!check_provider (self, provider, ADIUVA_ENDPOINT_SHOW, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _adiuva_gateway_request_async (self, provider, SOUP_METHOD_GET, ADIUVA_ENDPOINT_MODELS, NULL,
                                 NULL, MAX_TAGS_BODY, NULL, NULL, cancellable, listed_cb,
                                 g_steal_pointer (&task));
}

/**
 * adiuva_gateway_client_list_local_models_finish:
 *
 * Returns: (transfer container) (element-type AdiuvaOllamaModel): the models in Ollama's order
 *   (their context length is not told: see adiuva_gateway_client_show_model_async()), or
 *   %NULL with @error set
 */
GPtrArray *
adiuva_gateway_client_list_local_models_finish (AdiuvaGatewayClient *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Show */

static gint64
find_context_length (JsonObject *model_info)
{
  const char      *architecture = _adiuva_json_get_string (model_info, "general.architecture");
  g_autofree char *key = NULL;
  gint64           length = 0;
  GList           *members;

  if (architecture != NULL)
    {
      key = g_strconcat (architecture, ".context_length", NULL);
      if (_adiuva_json_get_int (model_info, key, &length) && length > 0)
        return length;
    }

  /* An architecture Ollama names differently from its keys: any context length will do. */
  members = json_object_get_members (model_info);
  for (GList *l = members; l != NULL && length <= 0; l = l->next)
    if (g_str_has_suffix (l->data, ".context_length"))
      _adiuva_json_get_int (model_info, l->data, &length);
  g_list_free (members);
  return MAX (length, 0);
}

static void
shown_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr (GTask) task = data;
  ModelJob *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (AdiuvaOllamaModel) model = NULL;
  JsonObject *model_info;

  body = finish_request (task, result);
  if (body == NULL)
    return;

  root = _adiuva_wire_codec_parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                        &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                               _ ("%s described “%s” in something that is not a JSON object."),
                               job->provider, job->name);
      return;
    }

  model = new_model (job->name, json_node_get_object (root));
  model_info = _adiuva_json_get_object (json_node_get_object (root), "model_info");
  if (model_info != NULL)
    model->context_length = find_context_length (model_info);

  g_task_return_pointer (task, g_steal_pointer (&model), (GDestroyNotify) adiuva_ollama_model_free);
}

/**
 * adiuva_gateway_client_show_model_async:
 * @provider: the user's name of an Ollama provider
 * @name: a model it has, e.g. `llama3.2:3b`
 *
 * Asks Ollama's `/api/show` what the model is.
 */
void
adiuva_gateway_client_show_model_async (AdiuvaGatewayClient *self,
                                        const char          *provider,
                                        const char          *name,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (provider != NULL && name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, model_job_new (provider, name), SOUP_METHOD_POST, ADIUVA_ENDPOINT_SHOW, FALSE,
         MAX_SHOW_BODY, NULL, cancellable, shown_cb, adiuva_gateway_client_show_model_async,
         callback, user_data);
}

/**
 * adiuva_gateway_client_show_model_finish:
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 *   (%ADIUVA_GATEWAY_ERROR_NOT_FOUND when Ollama has no such model)
 */
AdiuvaOllamaModel *
adiuva_gateway_client_show_model_finish (AdiuvaGatewayClient *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Pull */

static gboolean
progress_line_cb (JsonNode *node,
                  gpointer  user_data,
                  GError  **error)
{
  ModelJob          *job = user_data;
  JsonObject        *object = _adiuva_json_node_get_object (node);
  AdiuvaPullProgress progress = { NULL, NULL, -1, -1 };
  const char        *message;

  if (object == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("%s sent a pull progress line that is not a JSON object."), job->provider);
      return FALSE;
    }

  message = _adiuva_json_get_nonempty_string (object, "error");
  if (message != NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED,
                   _ ("%s could not pull “%s”: %s"), job->provider, job->name, message);
      return FALSE;
    }

  progress.status = _adiuva_json_get_nonempty_string (object, "status");
  if (progress.status == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("%s sent a pull progress line without a status."), job->provider);
      return FALSE;
    }
  progress.digest = _adiuva_json_get_nonempty_string (object, "digest");
  _adiuva_json_get_int (object, "completed", &progress.completed);
  _adiuva_json_get_int (object, "total", &progress.total);
  if (g_str_equal (progress.status, "success"))
    job->succeeded = TRUE;

  if (job->progress != NULL)
    job->progress (&progress, job->progress_data);
  return TRUE;
}

static gboolean
pull_chunk_cb (const guint8 *data,
               gsize         len,
               gpointer      user_data,
               GError      **error)
{
  GTask    *task = user_data;
  ModelJob *job = g_task_get_task_data (task);

  /* Nothing more reaches a caller who cancelled, even from the bytes already read. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                           _ ("The request was cancelled."));
      return FALSE;
    }
  return adiuva_ndjson_decoder_feed_json (job->decoder, data, len, progress_line_cb, job, error);
}

static void
pulled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (GTask) task = data;
  ModelJob *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;

  body = finish_request (task, result);
  if (body == NULL)
    return;

  if (!adiuva_ndjson_decoder_finish_json (job->decoder, progress_line_cb, job, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!job->succeeded)
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                               _ ("The pull of “%s” from %s ended before it succeeded; pull "
                                  "it again to resume."),
                               job->name, job->provider);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * adiuva_gateway_client_pull_model_async:
 * @provider: the user's name of an Ollama provider
 * @name: the model to download, e.g. `llama3.2:3b`
 * @progress: (nullable) (scope call): receives each progress line as it arrives, until the
 *   call finishes
 *
 * Has Ollama download a model (`/api/pull`), reporting progress as it goes. Cancelling it
 * closes the connection, which stops Ollama's download; pulling again resumes it.
 */
void
adiuva_gateway_client_pull_model_async (AdiuvaGatewayClient   *self,
                                        const char            *provider,
                                        const char            *name,
                                        AdiuvaPullProgressFunc progress,
                                        gpointer               progress_data,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data)
{
  ModelJob *job;

  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (provider != NULL && name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = model_job_new (provider, name);
  job->progress = progress;
  job->progress_data = progress_data;
  job->decoder = adiuva_ndjson_decoder_new (MAX_PULL_LINE);
  start (self, job, SOUP_METHOD_POST, ADIUVA_ENDPOINT_PULL, TRUE, 0, pull_chunk_cb, cancellable,
         pulled_cb, adiuva_gateway_client_pull_model_async, callback, user_data);
}

/**
 * adiuva_gateway_client_pull_model_finish:
 *
 * Returns: %TRUE once Ollama said `success`, or %FALSE with @error set: Ollama's own error
 *   line in words, %ADIUVA_GATEWAY_ERROR_PROTOCOL when the stream ended before `success`,
 *   %ADIUVA_GATEWAY_ERROR_CANCELLED when cancelled
 */
gboolean
adiuva_gateway_client_pull_model_finish (AdiuvaGatewayClient *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Delete */

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr (GTask) task = data;
  g_autoptr (GBytes) body = finish_request (task, result);

  if (body != NULL)
    g_task_return_boolean (task, TRUE);
}

/**
 * adiuva_gateway_client_delete_model_async:
 * @provider: the user's name of an Ollama provider
 * @name: the model to remove from the machine
 */
void
adiuva_gateway_client_delete_model_async (AdiuvaGatewayClient *self,
                                          const char          *provider,
                                          const char          *name,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (provider != NULL && name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Ollama's answer to a delete is empty. */
  start (self, model_job_new (provider, name), SOUP_METHOD_DELETE, ADIUVA_ENDPOINT_DELETE, FALSE,
         4096, NULL, cancellable, deleted_cb, adiuva_gateway_client_delete_model_async, callback,
         user_data);
}

/**
 * adiuva_gateway_client_delete_model_finish:
 *
 * Returns: %TRUE, or %FALSE with @error set (%ADIUVA_GATEWAY_ERROR_NOT_FOUND, naming the
 *   model, when Ollama has no such model)
 */
gboolean
adiuva_gateway_client_delete_model_finish (AdiuvaGatewayClient *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
