/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway-request-private.h"
#include "adiuva-provider-settings-private.h"
#include "adiuva-redact.h"

/*
 * The requests to a provider that are not chats: one message, one answer read whole (or, for
 * a stream of progress, handed on piece by piece), a status and error body turned into a
 * GError by the provider's codec. The kill switch reaches them through the client's list of
 * calls in flight.
 *
 * The wait before the answer starts is the client's connect timeout plus its idle timeout;
 * after that each read may take the idle timeout.
 */

#define READ_SIZE (16 * 1024)
/* The start of an error says what it is. */
#define MAX_ERROR_BODY (64 * 1024)

typedef struct
{
  AdiuvaGatewayClient      *client;
  char                     *provider;
  GCancellable             *cancellable; /* ours; the caller's and cancel_all() cancel it */
  GCancellable             *caller_cancellable;
  gulong                    caller_handler;
  AdiuvaProviderSettings   *settings;
  const AdiuvaProviderInfo *info;
  const AdiuvaWireCodec    *codec;
  SoupMessage              *msg;
  GInputStream             *body;
  GByteArray               *buffer;
  gsize                     max_body;
  AdiuvaRequestChunkFunc    on_chunk;
  gpointer                  chunk_data;
  guint                     idle_timeout_s;
  guint                     timeout_s;
  GSource                  *timeout;
  gboolean                  timed_out;
  guint                     status;
} Request;

static void
clear_timeout (Request *request)
{
  if (request->timeout == NULL)
    return;
  g_source_destroy (request->timeout);
  g_clear_pointer (&request->timeout, g_source_unref);
}

static void
request_free (Request *request)
{
  clear_timeout (request);
  if (request->caller_cancellable != NULL)
    g_cancellable_disconnect (request->caller_cancellable, request->caller_handler);
  g_clear_object (&request->caller_cancellable);
  _adiuva_gateway_client_untrack (request->client, request->cancellable);
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->settings, adiuva_provider_settings_unref);
  /* Dropping an unfinished body makes libsoup close the connection: the provider sees it. */
  g_clear_object (&request->body);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->buffer, g_byte_array_unref);
  g_clear_pointer (&request->provider, g_free);
  g_clear_object (&request->client);
  g_free (request);
}

static void
cancel_cb (GCancellable *cancellable,
           gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static gboolean
timeout_cb (gpointer data)
{
  Request *request = data;

  g_clear_pointer (&request->timeout, g_source_unref);
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

/* On the thread-default context, like libsoup's callbacks; not g_timeout_add_seconds(), which
 * may fire up to a second early. */
static void
arm_timeout (Request *request,
             guint    seconds)
{
  clear_timeout (request);
  if (seconds == 0)
    return;
  request->timeout_s = seconds;
  request->timeout = g_timeout_source_new (MIN (seconds, G_MAXUINT / 1000) * 1000);
  g_source_set_callback (request->timeout, timeout_cb, request, NULL);
  g_source_attach (request->timeout, g_main_context_get_thread_default ());
}

static GError *
transport_error (Request *request,
                 GError  *error)
{
  if (request->timed_out)
    return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TIMEOUT,
                        ngettext ("%s did not answer within %u second.",
                                  "%s did not answer within %u seconds.", request->timeout_s),
                        request->provider, request->timeout_s);
  if (g_cancellable_is_cancelled (request->cancellable))
    return g_error_new_literal (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                                _ ("The request was cancelled."));
  if (error->domain == ADIUVA_GATEWAY_ERROR)
    return g_error_copy (error);
  if (request->body == NULL)
    return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK,
                        _ ("Could not reach %s: %s"), request->provider, error->message);
  return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK,
                      _ ("The connection to %s broke off: %s"), request->provider,
                      error->message);
}

static gboolean
is_success (Request *request)
{
  return SOUP_STATUS_IS_SUCCESSFUL (request->status);
}

static void
body_done (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  clear_timeout (request);

  if (is_success (request))
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&request->buffer)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  request->codec->decode_error (request->status, (const char *) request->buffer->data,
                                request->buffer->len, &error);
  if (error == NULL)
    g_set_error (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED,
                 _ ("%s answered with HTTP status %u."), request->provider, request->status);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void read_next (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr (GTask) task = data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                               &error);
  const guint8 *chunk;
  gsize         len;
  gsize         limit;

  if (bytes == NULL)
    {
      g_task_return_error (task, transport_error (request, error));
      return;
    }

  chunk = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      body_done (task);
      return;
    }

  if (is_success (request) && request->on_chunk != NULL)
    {
      if (!request->on_chunk (chunk, len, request->chunk_data, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      read_next (g_steal_pointer (&task));
      return;
    }

  limit = is_success (request) ? request->max_body : MAX_ERROR_BODY;
  g_byte_array_append (request->buffer, chunk, MIN (len, limit - request->buffer->len));
  if (request->buffer->len >= limit)
    {
      if (!is_success (request))
        body_done (task);
      else
        g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE,
                                 _ ("The answer of %s is larger than %" G_GSIZE_FORMAT " bytes."),
                                 request->provider, request->max_body);
      return;
    }

  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  arm_timeout (request, request->idle_timeout_s);
  g_input_stream_read_bytes_async (request->body, READ_SIZE, G_PRIORITY_DEFAULT,
                                   request->cancellable, read_cb, task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  GTask   *task = data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  request->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (request->body == NULL)
    {
      g_task_return_error (task, transport_error (request, error));
      g_object_unref (task);
      return;
    }

  request->status = soup_message_get_status (request->msg);
  g_debug ("%s answered %u", request->provider, request->status);
  request->buffer = g_byte_array_new ();
  read_next (task);
}

/*
 * _adiuva_gateway_request_async:
 * @provider: the user's name of a provider
 * @method: the HTTP method
 * @endpoint: an endpoint of the provider table, such as %ADIUVA_ENDPOINT_MODELS
 * @model: (nullable): the model the endpoint's path names, if it does
 * @body: (nullable): a JSON body
 * @max_body: the largest successful answer read whole
 * @on_chunk: (nullable): receives a successful answer's body as it comes instead; the
 *   result's bytes are then empty
 * @cancellable: (nullable): cancels it, as does adiuva_gateway_client_cancel_all()
 */
void
_adiuva_gateway_request_async (AdiuvaGatewayClient   *client,
                               const char            *provider,
                               const char            *method,
                               const char            *endpoint,
                               const char            *model,
                               JsonNode              *body,
                               gsize                  max_body,
                               AdiuvaRequestChunkFunc on_chunk,
                               gpointer               chunk_data,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char        *url = NULL;
  g_autofree char        *shown_url = NULL;
  g_autofree char        *shown_headers = NULL;
  AdiuvaProviderSettings *settings;
  Request                *request;
  guint                   connect_timeout_s;

  g_assert (ADIUVA_IS_GATEWAY_CLIENT (client));
  g_assert (provider != NULL && method != NULL && endpoint != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, _adiuva_gateway_request_async);
  g_task_set_check_cancellable (task, FALSE);

  request = g_new0 (Request, 1);
  request->client = g_object_ref (client);
  request->provider = g_strdup (provider);
  request->max_body = max_body;
  request->on_chunk = on_chunk;
  request->chunk_data = chunk_data;
  request->cancellable = g_cancellable_new ();
  _adiuva_gateway_client_track (client, request->cancellable);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  if (cancellable != NULL)
    {
      request->caller_cancellable = g_object_ref (cancellable);
      request->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cb),
                                                       request->cancellable, NULL);
    }

  if (!_adiuva_gateway_client_resolve_provider (client, provider, &settings, &request->info,
                                                &request->codec, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  request->settings = adiuva_provider_settings_ref (settings);

  url = adiuva_provider_info_build_url (request->info,
                                        adiuva_provider_settings_get_base_url (settings),
                                        endpoint, model, &error);
  if (url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  request->msg = soup_message_new (method, url);
  if (request->msg == NULL)
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                               _ ("The base URL of %s is not usable."), provider);
      return;
    }
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr (GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (request->msg, "application/json", bytes);
    }
  _adiuva_gateway_client_add_headers (request->msg, request->info, settings);

  shown_url = adiuva_redact_secrets (url);
  shown_headers = _adiuva_gateway_client_describe_headers (
      soup_message_get_request_headers (request->msg));
  g_debug ("%s %s (%s)", method, shown_url, shown_headers);

  g_object_get (client, "connect-timeout", &connect_timeout_s, "idle-timeout",
                &request->idle_timeout_s, NULL);
  arm_timeout (request, connect_timeout_s > G_MAXUINT - request->idle_timeout_s
                            ? G_MAXUINT
                            : connect_timeout_s + request->idle_timeout_s);
  soup_session_send_async (_adiuva_gateway_client_get_session (client), request->msg,
                           G_PRIORITY_DEFAULT, request->cancellable, send_cb,
                           g_steal_pointer (&task));
}

/*
 * _adiuva_gateway_request_finish:
 * @http_status: (out) (optional): the provider's status, 0 when no answer came
 *
 * Returns: (transfer full): the successful answer's body, or %NULL with an
 *   %ADIUVA_GATEWAY_ERROR: the provider's error in words for a failed status
 */
GBytes *
_adiuva_gateway_request_finish (GAsyncResult *result,
                                guint        *http_status,
                                GError      **error)
{
  Request *request;

  g_assert (G_IS_TASK (result));
  g_assert (g_task_get_source_tag (G_TASK (result)) == _adiuva_gateway_request_async);

  request = g_task_get_task_data (G_TASK (result));
  if (http_status != NULL)
    *http_status = request->status;
  return g_task_propagate_pointer (G_TASK (result), error);
}
