/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-loopback-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "adiuva-chat-accumulator.h"
#include "adiuva-gateway-types.h"
#include "adiuva-loopback-server.h"
#include "adiuva-openai-codec-private.h"
#include "adiuva-router.h"
#include "adiuva-wire-codec-private.h"

/* The loopback endpoint: an OpenAI- and Anthropic-compatible HTTP server on 127.0.0.1 only, so
 * editors and tools on the same machine use the user's providers. Every answer goes through the
 * gateway client, so aliases, fallbacks and budgets apply as they do in the app. */

struct _AdiuvaLoopbackServer
{
  GObject parent_instance;

  AdiuvaGatewayClient *client;
  SoupServer          *server;
  GBytes              *token_digest;
  char                *default_model;
  guint                port;
};

G_DEFINE_FINAL_TYPE (AdiuvaLoopbackServer, adiuva_loopback_server, G_TYPE_OBJECT)

/* Conversations with images run to a few megabytes; nothing a chat needs comes near this. */
#define ADIUVA_LOOPBACK_MAX_BODY (64 * 1024 * 1024)

/* One chat request from a local client, from its body to the end of the answer. */
typedef struct
{
  AdiuvaLoopbackServer  *self;
  SoupServerMessage     *msg;
  const AdiuvaWireCodec *codec;
  char                  *model; /* as the client named it, for the answer */
  gboolean               stream;
  AdiuvaStreamEncoder   *encoder;
  AdiuvaChatAccumulator *answer;
  GCancellable          *cancellable;
  gulong                 finished_id;
  gboolean               started; /* the stream's status and headers are set */
  gboolean               gone;    /* the message finished: no more writes */
} ChatCall;

typedef struct
{
  AdiuvaLoopbackServer *self;
  SoupServerMessage    *msg;
  GPtrArray            *ids;
  guint                 pending;
} ModelsCall;

/* Errors, in each format's shape */

static guint
status_for_error (const GError    *error,
                  AdiuvaWireFormat format)
{
  if (error->domain != ADIUVA_GATEWAY_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;

  switch ((AdiuvaGatewayError) error->code)
    {
    case ADIUVA_GATEWAY_ERROR_INVALID:
    case ADIUVA_GATEWAY_ERROR_BAD_REQUEST:
      return SOUP_STATUS_BAD_REQUEST;
    case ADIUVA_GATEWAY_ERROR_NOT_FOUND:
      return SOUP_STATUS_NOT_FOUND;
    case ADIUVA_GATEWAY_ERROR_RATE_LIMITED:
    case ADIUVA_GATEWAY_ERROR_BUDGET:
      return 429;
    case ADIUVA_GATEWAY_ERROR_OVERLOADED:
      return format == ADIUVA_WIRE_FORMAT_ANTHROPIC ? 529 : SOUP_STATUS_SERVICE_UNAVAILABLE;
    case ADIUVA_GATEWAY_ERROR_TIMEOUT:
      return SOUP_STATUS_GATEWAY_TIMEOUT;
    /* The provider refused the user's key: the local client's token was fine, so a 401 would
     * send it looking in the wrong place. */
    case ADIUVA_GATEWAY_ERROR_AUTH:
    case ADIUVA_GATEWAY_ERROR_SERVER:
    case ADIUVA_GATEWAY_ERROR_NETWORK:
    case ADIUVA_GATEWAY_ERROR_PROTOCOL:
    case ADIUVA_GATEWAY_ERROR_TOO_LARGE:
      return SOUP_STATUS_BAD_GATEWAY;
    case ADIUVA_GATEWAY_ERROR_CANCELLED:
    case ADIUVA_GATEWAY_ERROR_FAILED:
    default:
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
}

static const char *
error_type_for_status (guint            status,
                       AdiuvaWireFormat format)
{
  gboolean anthropic = format == ADIUVA_WIRE_FORMAT_ANTHROPIC;

  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      return "invalid_request_error";
    case SOUP_STATUS_UNAUTHORIZED:
      return "authentication_error";
    case SOUP_STATUS_NOT_FOUND:
      return "not_found_error";
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
      return "invalid_request_error";
    case 429:
      return anthropic ? "rate_limit_error" : "rate_limit_exceeded";
    case 529:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return anthropic ? "overloaded_error" : "server_error";
    case SOUP_STATUS_NOT_IMPLEMENTED:
      return anthropic ? "api_error" : "not_implemented";
    default:
      return anthropic ? "api_error" : "server_error";
    }
}

/* {"error":{"message","type","code"}} for OpenAI, {"type":"error","error":{"type","message"}}
 * for Anthropic. */
static char *
error_body (guint            status,
            AdiuvaWireFormat format,
            const char      *message)
{
  const char *type = error_type_for_status (status, format);
  GString    *out = g_string_new (NULL);

  if (format == ADIUVA_WIRE_FORMAT_ANTHROPIC)
    {
      g_string_append (out, "{\"type\":\"error\",\"error\":{\"type\":");
      _adiuva_json_append_string (out, type, -1);
      g_string_append (out, ",\"message\":");
      _adiuva_json_append_string (out, message, -1);
      g_string_append (out, "}}");
    }
  else
    {
      g_string_append (out, "{\"error\":{\"message\":");
      _adiuva_json_append_string (out, message, -1);
      g_string_append (out, ",\"type\":");
      _adiuva_json_append_string (out, type, -1);
      g_string_append (out, ",\"param\":null,\"code\":");
      _adiuva_json_append_string (out, type, -1);
      g_string_append (out, "}}");
    }
  return g_string_free (out, FALSE);
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            char              *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json,
                                    strlen (json));
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             AdiuvaWireFormat   format,
             const char        *message)
{
  reply_json (msg, status, error_body (status, format, message));
}

/* Authentication */

static GBytes *
digest (const char *text,
        gsize       len)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buffer[32];
  gsize  size = sizeof buffer;

  g_checksum_update (checksum, (const guchar *) text, len);
  g_checksum_get_digest (checksum, buffer, &size);
  return g_bytes_new (buffer, size);
}

/* Compares digests, not the tokens: the time taken depends on neither token's bytes nor
 * length. */
static gboolean
token_matches (AdiuvaLoopbackServer *self,
               const char           *presented)
{
  g_autoptr (GBytes) given = NULL;
  const guint8 *a;
  const guint8 *b;
  gsize         len;
  guint8        diff = 0;

  if (presented == NULL)
    return FALSE;

  given = digest (presented, strlen (presented));
  a = g_bytes_get_data (given, &len);
  b = g_bytes_get_data (self->token_digest, NULL);
  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static gboolean
check_auth (AdiuvaLoopbackServer *self,
            SoupServerMessage    *msg,
            AdiuvaWireFormat      format)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char         *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char         *api_key = soup_message_headers_get_one (headers, "x-api-key");

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0 &&
      token_matches (self, authorization + 7))
    return TRUE;
  if (token_matches (self, api_key))
    return TRUE;

  reply_error (msg, SOUP_STATUS_UNAUTHORIZED, format,
               _ ("Missing or wrong token for the Adiuva loopback endpoint."));
  return FALSE;
}

/* Chat */

static void
chat_call_free (ChatCall *call)
{
  g_clear_signal_handler (&call->finished_id, call->msg);
  if (call->encoder != NULL)
    call->codec->stream_encoder_free (call->encoder);
  g_clear_pointer (&call->answer, adiuva_chat_accumulator_free);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->msg);
  g_clear_object (&call->self);
  g_free (call->model);
  g_free (call);
}

static void
chat_finished_cb (SoupServerMessage *msg,
                  ChatCall          *call)
{
  /* Finished before the answer was: the client went away, so stop asking upstream. */
  g_debug ("Loopback client went away");
  call->gone = TRUE;
  g_cancellable_cancel (call->cancellable);
}

static void
write_stream (ChatCall *call,
              GString  *bytes)
{
  SoupMessageBody *body = soup_server_message_get_response_body (call->msg);

  if (!call->started)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (call->msg);

      soup_server_message_set_status (call->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      soup_message_headers_replace (headers, "Cache-Control", "no-cache");
      call->started = TRUE;
    }
  if (bytes->len > 0)
    soup_message_body_append (body, SOUP_MEMORY_COPY, bytes->str, bytes->len);
  soup_server_message_unpause (call->msg);
}

static gboolean
chat_delta_cb (const AdiuvaChatDelta *delta,
               gpointer               user_data,
               GError               **error)
{
  ChatCall *call = user_data;

  if (call->gone)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                           _ ("The local client went away."));
      return FALSE;
    }

  if (call->stream)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      call->codec->stream_encoder_add (call->encoder, delta, out);
      if (out->len > 0)
        write_stream (call, out);
      return TRUE;
    }

  return adiuva_chat_accumulator_add (call->answer, delta, error);
}

/* An error after the stream began can only be told inside it. */
static void
write_stream_error (ChatCall     *call,
                    const GError *error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint            status = status_for_error (error, call->codec->format);
  g_autofree char *body = error_body (status, call->codec->format, error->message);

  if (call->codec->format == ADIUVA_WIRE_FORMAT_ANTHROPIC)
    g_string_append (out, "event: error\n");
  g_string_append_printf (out, "data: %s\n\n", body);
  write_stream (call, out);
}

static void
chat_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ChatCall *call = user_data;
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaWireFormat format = call->codec->format;

  message = adiuva_gateway_client_chat_finish (ADIUVA_GATEWAY_CLIENT (source), result, NULL, NULL,
                                               &error);
  if (call->gone)
    {
      g_debug ("Loopback client went away before the answer was complete");
      chat_call_free (call);
      return;
    }

  if (error != NULL && !(call->stream && call->started))
    {
      reply_error (call->msg, status_for_error (error, format), format, error->message);
      soup_server_message_unpause (call->msg);
    }
  else if (call->stream)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      if (error != NULL)
        write_stream_error (call, error);
      else
        {
          call->codec->stream_encoder_finish (call->encoder, out);
          write_stream (call, out);
        }
      soup_message_body_complete (soup_server_message_get_response_body (call->msg));
      soup_server_message_unpause (call->msg);
    }
  else
    {
      g_autoptr (JsonNode) body = call->codec->encode_response (call->model, call->answer);

      reply_json (call->msg, SOUP_STATUS_OK, json_to_string (body, FALSE));
      soup_server_message_unpause (call->msg);
    }

  chat_call_free (call);
}

/* The model the gateway asks: `provider/model` or an alias standing for one, as the client
 * named it, `auto` when there are routes, or the default model for a name that leads to no
 * configured provider. The alias itself is asked, not what it stands for, so that fallbacks
 * set on it apply. */
static char *
resolve_model (AdiuvaLoopbackServer *self,
               const char           *model)
{
  g_auto (GStrv) providers = adiuva_gateway_client_list_providers (self->client);
  g_autofree char *resolved = adiuva_gateway_client_resolve_model (self->client, model, NULL);
  const char      *slash = resolved != NULL ? strchr (resolved, '/') : NULL;

  /* Preference routing, when the workspace has routes to choose from. */
  if (g_str_equal (model, ADIUVA_MODEL_AUTO) &&
      adiuva_router_get_n_routes (adiuva_gateway_client_get_router (self->client)) > 0)
    return g_strdup (model);

  if (slash != NULL && slash != resolved && slash[1] != '\0')
    {
      g_autofree char *provider = g_strndup (resolved, slash - resolved);

      if (g_strv_contains ((const char *const *) providers, provider))
        return g_strdup (model);
    }
  return g_strdup (self->default_model);
}

static void
handle_chat (AdiuvaLoopbackServer  *self,
             SoupServerMessage     *msg,
             const AdiuvaWireCodec *codec)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *model_ref = NULL;
  ChatCall        *call;
  gsize            len;
  const char      *data = g_bytes_get_data (bytes, &len);

  body = _adiuva_wire_codec_parse_json (data, len, &error);
  if (body != NULL)
    request = codec->decode_request (body, &error);
  else if (error == NULL)
    g_set_error_literal (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                         _ ("The request has no body: send the request as JSON."));
  if (request == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, codec->format, error->message);
      return;
    }

  model_ref = resolve_model (self, request->model);
  if (model_ref == NULL)
    {
      g_autofree char *message = g_strdup_printf (
          _ ("Unknown model “%s”: name it as provider/model, with a configured provider."),
          request->model);

      reply_error (msg, SOUP_STATUS_NOT_FOUND, codec->format, message);
      return;
    }

  call = g_new0 (ChatCall, 1);
  call->self = g_object_ref (self);
  call->msg = g_object_ref (msg);
  call->codec = codec;
  call->model = g_strdup (request->model);
  call->stream = request->stream;
  call->cancellable = g_cancellable_new ();
  if (call->stream)
    {
      call->encoder = codec->stream_encoder_new (call->model);
      if (codec->format == ADIUVA_WIRE_FORMAT_OPENAI)
        {
          JsonObject *options = _adiuva_json_get_object (json_node_get_object (body),
                                                         "stream_options");
          gboolean    include_usage = FALSE;

          if (options != NULL &&
              _adiuva_json_get_boolean (options, "include_usage", &include_usage))
            _adiuva_openai_stream_encoder_set_include_usage (call->encoder, include_usage);
        }
    }
  else
    call->answer = adiuva_chat_accumulator_new ();

  call->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (chat_finished_cb), call);
  soup_server_message_pause (msg);

  adiuva_gateway_client_chat_async (self->client, model_ref, request, "loopback", chat_delta_cb,
                                    call, call->cancellable, chat_done_cb, call);
}

/* Models */

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
models_reply (ModelsCall *call)
{
  GString *out = g_string_new ("{\"object\":\"list\",\"data\":[");

  g_ptr_array_sort (call->ids, compare_ids);
  for (guint i = 0; i < call->ids->len; i++)
    {
      const char *id = g_ptr_array_index (call->ids, i);
      const char *slash = strchr (id, '/');

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"id\":");
      _adiuva_json_append_string (out, id, -1);
      g_string_append (out, ",\"object\":\"model\",\"created\":0,\"owned_by\":");
      _adiuva_json_append_string (out, id, slash - id);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");

  reply_json (call->msg, SOUP_STATUS_OK, g_string_free (out, FALSE));
  soup_server_message_unpause (call->msg);

  g_ptr_array_unref (call->ids);
  g_object_unref (call->msg);
  g_object_unref (call->self);
  g_free (call);
}

typedef struct
{
  ModelsCall *call;
  char       *provider;
} ModelsListing;

static void
models_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ModelsListing *listing = user_data;
  ModelsCall    *call = listing->call;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) models = NULL;

  models = adiuva_gateway_client_list_models_finish (ADIUVA_GATEWAY_CLIENT (source), result,
                                                     &error);
  /* One provider that cannot be reached should not hide the others' models. */
  if (models == NULL)
    g_debug ("Listing the models of %s failed: %s", listing->provider, error->message);
  for (guint i = 0; models != NULL && models[i] != NULL; i++)
    g_ptr_array_add (call->ids, g_strconcat (listing->provider, "/", models[i], NULL));

  g_free (listing->provider);
  g_free (listing);
  if (--call->pending == 0)
    models_reply (call);
}

static void
handle_models (AdiuvaLoopbackServer *self,
               SoupServerMessage    *msg)
{
  g_auto (GStrv) providers = adiuva_gateway_client_list_providers (self->client);
  ModelsCall *call = g_new0 (ModelsCall, 1);

  call->self = g_object_ref (self);
  call->msg = g_object_ref (msg);
  call->ids = g_ptr_array_new_with_free_func (g_free);
  call->pending = 1;
  soup_server_message_pause (msg);

  for (guint i = 0; providers != NULL && providers[i] != NULL; i++)
    {
      ModelsListing *listing = g_new0 (ModelsListing, 1);

      listing->call = call;
      listing->provider = g_strdup (providers[i]);
      call->pending++;
      adiuva_gateway_client_list_models_async (self->client, providers[i], NULL, models_listed_cb,
                                               listing);
    }

  if (--call->pending == 0)
    models_reply (call);
}

/* Embeddings */

/* One embeddings request from a local client, in OpenAI's format. */
typedef struct
{
  AdiuvaLoopbackServer *self;
  SoupServerMessage    *msg;
  char                 *model; /* as the client named it, for the answer */
  gboolean              base64;
  GCancellable         *cancellable;
  gulong                finished_id;
  gboolean              gone;
} EmbedCall;

static void
embed_call_free (EmbedCall *call)
{
  g_clear_signal_handler (&call->finished_id, call->msg);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->msg);
  g_clear_object (&call->self);
  g_free (call->model);
  g_free (call);
}

static void
embed_finished_cb (SoupServerMessage *msg,
                   EmbedCall         *call)
{
  call->gone = TRUE;
  g_cancellable_cancel (call->cancellable);
}

/* OpenAI's base64 encoding: the vector's float32 values, little-endian, one after another. */
static void
append_base64_vector (GString     *out,
                      const float *vector,
                      guint        dimensions)
{
  g_autofree guint32 *words = g_new (guint32, dimensions);
  g_autofree char    *text = NULL;

  for (guint i = 0; i < dimensions; i++)
    {
      guint32 bits;

      memcpy (&bits, &vector[i], sizeof bits);
      words[i] = GUINT32_TO_LE (bits);
    }
  text = g_base64_encode ((const guchar *) words, (gsize) dimensions * sizeof (guint32));
  _adiuva_json_append_string (out, text, -1);
}

static void
append_float_vector (GString     *out,
                     const float *vector,
                     guint        dimensions)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, '[');
  for (guint i = 0; i < dimensions; i++)
    {
      /* Nine digits give back the same float. */
      g_ascii_formatd (number, sizeof number, "%.9g", vector[i]);
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, number);
    }
  g_string_append_c (out, ']');
}

static char *
embeddings_body (EmbedCall              *call,
                 const AdiuvaEmbeddings *embeddings)
{
  GString *out = g_string_new ("{\"object\":\"list\",\"data\":[");
  gint64   tokens = MAX (embeddings->usage.input_tokens, 0);

  for (guint i = 0; i < embeddings->n_vectors; i++)
    {
      const float *vector = adiuva_embeddings_get_vector (embeddings, i);

      g_string_append_printf (out, "%s{\"object\":\"embedding\",\"index\":%u,\"embedding\":",
                              i > 0 ? "," : "", i);
      if (call->base64)
        append_base64_vector (out, vector, embeddings->dimensions);
      else
        append_float_vector (out, vector, embeddings->dimensions);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"model\":");
  _adiuva_json_append_string (out, call->model, -1);
  g_string_append_printf (out,
                          ",\"usage\":{\"prompt_tokens\":%" G_GINT64_FORMAT
                          ",\"total_tokens\":%" G_GINT64_FORMAT "}}",
                          tokens, tokens);
  return g_string_free (out, FALSE);
}

static void
embed_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EmbedCall *call = user_data;
  g_autoptr (AdiuvaEmbeddings) embeddings = NULL;
  g_autoptr (GError) error = NULL;

  embeddings = adiuva_gateway_client_embed_finish (ADIUVA_GATEWAY_CLIENT (source), result, NULL,
                                                   &error);
  if (!call->gone)
    {
      if (embeddings == NULL)
        reply_error (call->msg, status_for_error (error, ADIUVA_WIRE_FORMAT_OPENAI),
                     ADIUVA_WIRE_FORMAT_OPENAI, error->message);
      else
        reply_json (call->msg, SOUP_STATUS_OK, embeddings_body (call, embeddings));
      soup_server_message_unpause (call->msg);
    }
  embed_call_free (call);
}

/* "input" as OpenAI takes it, but text only: token arrays name tokens of OpenAI's tokenizer,
 * which another provider's model cannot read. */
static GStrv
parse_embed_inputs (JsonObject *request,
                    GError    **error)
{
  g_autoptr (GStrvBuilder) inputs = g_strv_builder_new ();
  JsonNode  *input = json_object_get_member (request, "input");
  JsonArray *array;

  if (input != NULL && json_node_get_value_type (input) == G_TYPE_STRING)
    {
      g_strv_builder_add (inputs, json_node_get_string (input));
      return g_strv_builder_end (inputs);
    }
  if (input == NULL || !JSON_NODE_HOLDS_ARRAY (input) ||
      json_array_get_length (json_node_get_array (input)) == 0)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                           _ ("“input” must be a text or a non-empty list of texts."));
      return NULL;
    }

  array = json_node_get_array (input);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_strv_builder_add (inputs, json_node_get_string (item));
      else
        {
          g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                               _ ("Token arrays are not supported as “input”: the model may not "
                                  "be OpenAI’s. Send the texts instead."));
          return NULL;
        }
    }
  return g_strv_builder_end (inputs);
}

static void
handle_embeddings (AdiuvaLoopbackServer *self,
                   SoupServerMessage    *msg)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request_body);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) inputs = NULL;
  g_autofree char *model_ref = NULL;
  JsonObject      *request = NULL;
  const char      *model = NULL;
  const char      *encoding = NULL;
  EmbedCall       *call;
  gsize            len;
  const char      *data = g_bytes_get_data (bytes, &len);

  body = _adiuva_wire_codec_parse_json (data, len, &error);
  if (body != NULL && !JSON_NODE_HOLDS_OBJECT (body))
    g_set_error_literal (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                         _ ("The request body must be a JSON object."));
  if (error == NULL)
    {
      request = json_node_get_object (body);
      model = _adiuva_json_get_nonempty_string (request, "model");
      encoding = _adiuva_json_get_string (request, "encoding_format");
      if (model == NULL)
        g_set_error_literal (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                             _ ("“model” is missing."));
      else if (encoding != NULL && !g_str_equal (encoding, "float") &&
               !g_str_equal (encoding, "base64"))
        g_set_error (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                     _ ("“encoding_format” must be “float” or “base64”, not “%s”."), encoding);
      else if (json_object_has_member (request, "dimensions"))
        g_set_error_literal (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                             _ ("“dimensions” is not supported by the Adiuva loopback endpoint; "
                                "leave it out to get the model’s own length."));
      else
        inputs = parse_embed_inputs (request, &error);
    }
  if (error != NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, ADIUVA_WIRE_FORMAT_OPENAI, error->message);
      return;
    }

  /* Not the default model for a name that leads nowhere: vectors of another model than the
   * one asked would mix, unnoticed, with the client's others. */
  model_ref = resolve_model (self, model);
  if (g_strcmp0 (model_ref, model) != 0)
    {
      g_autofree char *message = g_strdup_printf (
          _ ("Unknown model “%s”: name it as provider/model, with a configured provider."),
          model);

      reply_error (msg, SOUP_STATUS_NOT_FOUND, ADIUVA_WIRE_FORMAT_OPENAI, message);
      return;
    }

  call = g_new0 (EmbedCall, 1);
  call->self = g_object_ref (self);
  call->msg = g_object_ref (msg);
  call->model = g_strdup (model);
  call->base64 = g_strcmp0 (encoding, "base64") == 0;
  call->cancellable = g_cancellable_new ();
  call->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (embed_finished_cb), call);
  soup_server_message_pause (msg);

  adiuva_gateway_client_embed_async (self->client, model_ref, (const char *const *) inputs,
                                     "loopback", call->cancellable, embed_done_cb, call);
}

/* Routing */

/* Refuses before the body is read, so that a client without the token, or with a body no chat
 * needs, costs no memory: a client that sent Expect: 100-continue gets the refusal at once, and
 * the body of one that did not is read and dropped. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  AdiuvaLoopbackServer *self = user_data;
  SoupMessageHeaders   *headers = soup_server_message_get_request_headers (msg);
  AdiuvaWireFormat      format = g_str_equal (path, "/v1/messages") ? ADIUVA_WIRE_FORMAT_ANTHROPIC
                                                                    : ADIUVA_WIRE_FORMAT_OPENAI;

  if (check_auth (self, msg, format) &&
      soup_message_headers_get_content_length (headers) > ADIUVA_LOOPBACK_MAX_BODY)
    reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, format,
                 _ ("The request body is too large."));

  if (soup_server_message_get_status (msg) != 0)
    soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  AdiuvaLoopbackServer *self = user_data;
  const char           *method = soup_server_message_get_method (msg);
  gboolean              anthropic = g_str_equal (path, "/v1/messages");
  AdiuvaWireFormat      format;
  gboolean              is_post = g_str_equal (method, SOUP_METHOD_POST);

  format = anthropic ? ADIUVA_WIRE_FORMAT_ANTHROPIC : ADIUVA_WIRE_FORMAT_OPENAI;

  /* The early handler refused it already. */
  if (soup_server_message_get_status (msg) != 0 || !check_auth (self, msg, format))
    return;

  if (g_str_equal (path, "/v1/chat/completions") && is_post)
    handle_chat (self, msg, &adiuva_openai_codec);
  else if (anthropic && is_post)
    handle_chat (self, msg, &adiuva_anthropic_codec);
  else if (g_str_equal (path, "/v1/models") && g_str_equal (method, SOUP_METHOD_GET))
    handle_models (self, msg);
  else if (g_str_equal (path, "/v1/embeddings") && is_post)
    handle_embeddings (self, msg);
  else
    {
      g_autofree char *message = g_strdup_printf (_ ("No route for %s %s."), method, path);

      reply_error (msg, SOUP_STATUS_NOT_FOUND, format, message);
    }
}

static void
adiuva_loopback_server_dispose (GObject *object)
{
  AdiuvaLoopbackServer *self = ADIUVA_LOOPBACK_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (adiuva_loopback_server_parent_class)->dispose (object);
}

static void
adiuva_loopback_server_finalize (GObject *object)
{
  AdiuvaLoopbackServer *self = ADIUVA_LOOPBACK_SERVER (object);

  g_clear_pointer (&self->token_digest, g_bytes_unref);
  g_clear_pointer (&self->default_model, g_free);

  G_OBJECT_CLASS (adiuva_loopback_server_parent_class)->finalize (object);
}

static void
adiuva_loopback_server_class_init (AdiuvaLoopbackServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = adiuva_loopback_server_dispose;
  object_class->finalize = adiuva_loopback_server_finalize;
}

static void
adiuva_loopback_server_init (AdiuvaLoopbackServer *self)
{
}

/**
 * adiuva_loopback_server_new:
 * @client: the gateway every answer comes through
 * @token: the bearer token local clients must present (`Authorization: Bearer` or
 *   `x-api-key`)
 *
 * Returns: (transfer full): a server that does not listen yet
 */
AdiuvaLoopbackServer *
adiuva_loopback_server_new (AdiuvaGatewayClient *client,
                            const char          *token)
{
  AdiuvaLoopbackServer *self;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (client), NULL);
  g_return_val_if_fail (token != NULL && *token != '\0', NULL);

  self = g_object_new (ADIUVA_TYPE_LOOPBACK_SERVER, NULL);
  self->client = g_object_ref (client);
  self->token_digest = digest (token, strlen (token));
  self->server = soup_server_new ("server-header", "adiuva-loopback", NULL);
  soup_server_add_early_handler (self->server, "/v1", early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, "/v1", handler_cb, self, NULL);
  return self;
}

/**
 * adiuva_loopback_server_set_default_model:
 * @model_ref: (nullable): a `provider/model` reference
 *
 * Sets the model asked when a client names one that is not `provider/model` with a configured
 * provider (tools that insist on their own model names).
 */
void
adiuva_loopback_server_set_default_model (AdiuvaLoopbackServer *self,
                                          const char           *model_ref)
{
  g_return_if_fail (ADIUVA_IS_LOOPBACK_SERVER (self));

  g_free (self->default_model);
  self->default_model = g_strdup (model_ref);
}

/**
 * adiuva_loopback_server_set_client:
 *
 * Answers the requests that come from now on through @client (after the configuration
 * changed); those under way finish with the client they started with.
 */
void
adiuva_loopback_server_set_client (AdiuvaLoopbackServer *self,
                                   AdiuvaGatewayClient  *client)
{
  g_return_if_fail (ADIUVA_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (client));

  g_set_object (&self->client, client);
}

/**
 * adiuva_loopback_server_set_token:
 *
 * Replaces the token clients must present; the old one is refused from now on.
 */
void
adiuva_loopback_server_set_token (AdiuvaLoopbackServer *self,
                                  const char           *token)
{
  g_return_if_fail (ADIUVA_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (token != NULL && *token != '\0');

  g_clear_pointer (&self->token_digest, g_bytes_unref);
  self->token_digest = digest (token, strlen (token));
}

/**
 * adiuva_loopback_server_listen:
 * @port: the port on 127.0.0.1, or 0 for any free one
 *
 * Starts listening, on the IPv4 loopback address only.
 */
gboolean
adiuva_loopback_server_listen (AdiuvaLoopbackServer *self,
                               guint                 port,
                               GError              **error)
{
  g_autoptr (GInetAddress) loopback = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  GSList *uris;

  g_return_val_if_fail (ADIUVA_IS_LOOPBACK_SERVER (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

/**
 * adiuva_loopback_server_get_port:
 *
 * Returns: the port it listens on, or 0 before adiuva_loopback_server_listen()
 */
guint
adiuva_loopback_server_get_port (AdiuvaLoopbackServer *self)
{
  g_return_val_if_fail (ADIUVA_IS_LOOPBACK_SERVER (self), 0);

  return self->port;
}

/**
 * adiuva_loopback_server_disconnect:
 *
 * Stops listening and closes every connection; answers under way are cancelled.
 */
void
adiuva_loopback_server_disconnect (AdiuvaLoopbackServer *self)
{
  g_return_if_fail (ADIUVA_IS_LOOPBACK_SERVER (self));

  soup_server_disconnect (self->server);
  self->port = 0;
}
