/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "adiuva-budgets.h"
#include "adiuva-chat-accumulator.h"
#include "adiuva-connectivity-private.h"
#include "adiuva-gateway-client-private.h"
#include "adiuva-gateway-enums.h"
#include "adiuva-gateway-request-private.h"
#include "adiuva-provider-settings-private.h"
#include "adiuva-rate-limiter.h"
#include "adiuva-redact.h"
#include "adiuva-router-private.h"
#include "adiuva-wire-codec-private.h"

/*
 * AdiuvaGatewayClient sends canonical chat requests to the providers the user configured and
 * streams the answers back as canonical deltas, over one SoupSession.
 *
 * A call walks a chain of "provider/model" references: the one asked for, then its fallbacks.
 * Each is tried, and retried, only while nothing of the answer has reached the caller; once a
 * delta has, a failure ends the call with the partial answer, since a second answer cannot be
 * spliced onto half of the first. See adiuva_gateway_client_chat_async() for the rules.
 *
 * Timeouts are ours, not the session's: a non-streamed answer only starts when it is complete,
 * so it needs a longer wait for its headers than a stream needs between two pieces.
 */

#define DEFAULT_CONNECT_TIMEOUT_S 10
#define DEFAULT_IDLE_TIMEOUT_S 60
#define DEFAULT_MAX_RETRIES 2
#define DEFAULT_BACKOFF_BASE_MS 500
#define DEFAULT_BACKOFF_MAX_MS 8000
#define DEFAULT_BREAKER_COOLDOWN_MS 30000
/* Failures in a row after which a provider is skipped for the cool-down. */
#define BREAKER_THRESHOLD 3
/* A provider asking to wait longer than this is not waited for: the next model is tried. */
#define RETRY_AFTER_MAX_US (30 * G_USEC_PER_SEC)
/* A model whose rate limit frees up later than this is not waited for: the next is tried. */
#define RATE_WAIT_MAX_US (10 * G_USEC_PER_SEC)
/* A non-streamed answer's headers come when the whole answer is written. */
#define NON_STREAM_WAIT_FACTOR 5

#define READ_SIZE (16 * 1024)
#define MAX_ERROR_BODY (64 * 1024)
#define MAX_RESPONSE_BODY (32 * 1024 * 1024)
#define MAX_MODELS_BODY (16 * 1024 * 1024)
/* An alias may name another alias; past this many, the user has lost track of them too. */
#define MAX_ALIAS_HOPS 16

struct _AdiuvaGatewayClient
{
  GObject parent_instance;

  AdiuvaProviderTable *table;
  SoupSession         *session;
  GHashTable          *providers; /* name → AdiuvaProviderSettings */
  GHashTable          *fallbacks; /* model ref → GStrv */
  GHashTable          *aliases;   /* alias → alias or model ref */
  GHashTable          *breakers;  /* provider name → Breaker */
  GPtrArray           *in_flight; /* GCancellable of every running call */
  AdiuvaRateLimiter   *limiter;
  AdiuvaBudgets       *budgets;
  AdiuvaGatewayStats  *stats;
  AdiuvaRouter        *router; /* for ADIUVA_MODEL_AUTO */
  AdiuvaConnectivity  *connectivity;

  AdiuvaUsageFunc usage_func;
  gpointer        usage_data;
  GDestroyNotify  usage_destroy;

  guint connect_timeout_s;
  guint idle_timeout_s;
  guint max_retries;
  guint backoff_base_ms;
  guint backoff_max_ms;
  guint breaker_cooldown_ms;
};

G_DEFINE_FINAL_TYPE (AdiuvaGatewayClient, adiuva_gateway_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROVIDER_TABLE,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_MAX_RETRIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint   failures;   /* in a row */
  gint64  open_until; /* monotonic µs; the provider is skipped until then */
  GError *last_error;
} Breaker;

typedef enum
{
  BODY_STREAM,
  BODY_JSON,
  BODY_ERROR,
} BodyMode;

typedef struct
{
  AdiuvaGatewayClient *self;
  GTask               *task;
  guint64              id; /* AdiuvaCallMetrics:call_id */
  AdiuvaChatRequest   *request;
  char                *caller;
  AdiuvaDeltaFunc      on_delta;
  gpointer             delta_data;
  GCancellable        *cancellable; /* ours; the caller's and cancel_all() cancel it */
  GCancellable        *caller_cancellable;
  gulong               caller_handler;
  GPtrArray           *targets; /* "provider/model" */
  char                *route;   /* "name (selector)" when routed */
  guint                target;
  guint                retries; /* of the current target */
  gint64               started;
  GError              *last_error;
  AdiuvaCallMetrics   *metrics; /* the last attempt's */
  guint                reported_target;
  AdiuvaChatMessage   *partial;
  GSource             *wait;
  GSource             *wait_cancel;

  /* The current attempt */
  AdiuvaProviderSettings   *settings;
  const AdiuvaProviderInfo *info;
  const AdiuvaWireCodec    *codec;
  char                     *provider;
  char                     *model;
  GCancellable             *attempt_cancellable;
  gulong                    attempt_handler;
  SoupMessage              *msg;
  GInputStream             *body;
  BodyMode                  mode;
  GByteArray               *buffer;
  AdiuvaStreamDecoder      *decoder;
  AdiuvaChatAccumulator    *answer;
  GArray                   *held; /* usage and finish deltas that came before any content */
  gboolean                  delivered;
  gboolean                  caller_stopped;
  gint64                    attempt_started;
  gint64                    first_token;
  gint64                    retry_after_us;
  gint64                    estimated_tokens; /* taken from the rate limits */
  GSource                  *timeout;
  guint                     timeout_s;
  gboolean                  timed_out;
} Call;

static void try_target (Call *call);

/* Helpers */

static void
breaker_free (Breaker *breaker)
{
  g_clear_error (&breaker->last_error);
  g_free (breaker);
}

static gboolean
split_model_ref (const char *ref,
                 char      **provider,
                 char      **model)
{
  const char *slash = ref != NULL ? strchr (ref, '/') : NULL;

  if (slash == NULL || slash == ref || slash[1] == '\0')
    return FALSE;
  /* Models may hold slashes (openai/gpt-oss-120b on Groq); provider names cannot. */
  *provider = g_strndup (ref, slash - ref);
  *model = g_strdup (slash + 1);
  return TRUE;
}

static const char *
error_nick (const GError *error)
{
  GEnumClass *klass;
  GEnumValue *value;
  const char *nick;

  if (error->domain != ADIUVA_GATEWAY_ERROR)
    return "failed";
  klass = g_type_class_ref (ADIUVA_TYPE_GATEWAY_ERROR);
  value = g_enum_get_value (klass, error->code);
  /* Nicks are static strings of the enum's type, which stays registered. */
  nick = value != NULL ? value->value_nick : "failed";
  g_type_class_unref (klass);
  return nick;
}

static char *
outcome_for_error (const GError *error)
{
  if (error == NULL)
    return g_strdup ("ok");
  if (g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED))
    return g_strdup ("cancelled");
  return g_strconcat ("error:", error_nick (error), NULL);
}

static gboolean
is_retryable (const GError *error)
{
  return g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_RATE_LIMITED) ||
         g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_OVERLOADED) ||
         g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER) ||
         g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK) ||
         g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TIMEOUT);
}

/* Seconds or an HTTP date; -1 when absent or unreadable. */
static gint64
parse_retry_after (const char *value)
{
  g_autoptr (GDateTime) when = NULL;
  g_autoptr (GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  value += strspn (value, " \t");
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds * G_USEC_PER_SEC;

  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (when, now));
}

static char *
describe_headers (SoupMessageHeaders *headers)
{
  g_autoptr (GString) text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char            *name, *value;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s%s: %s", text->len > 0 ? ", " : "", name, value);
  return adiuva_redact_secrets (text->str);
}

static void
add_headers (SoupMessage              *msg,
             const AdiuvaProviderInfo *info,
             AdiuvaProviderSettings   *settings)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  const char *const  *extra = adiuva_provider_settings_get_headers (settings);
  const char         *key = _adiuva_provider_settings_get_api_key (settings);

  for (guint i = 0; info->headers != NULL && info->headers[i] != NULL &&
                    info->headers[i + 1] != NULL;
       i += 2)
    soup_message_headers_replace (headers, info->headers[i], info->headers[i + 1]);
  for (guint i = 0; extra[i] != NULL && extra[i + 1] != NULL; i += 2)
    soup_message_headers_replace (headers, extra[i], extra[i + 1]);

  if (key == NULL)
    return;

  switch (info->auth_style)
    {
    case ADIUVA_AUTH_STYLE_BEARER:
      {
        g_autofree char *value = g_strconcat ("Bearer ", key, NULL);

        soup_message_headers_replace (headers, "Authorization", value);
        memset (value, 0, strlen (value));
      }
      break;

    case ADIUVA_AUTH_STYLE_X_API_KEY:
      soup_message_headers_replace (headers, "x-api-key", key);
      break;

    case ADIUVA_AUTH_STYLE_AZURE_API_KEY:
      soup_message_headers_replace (headers, "api-key", key);
      break;

    case ADIUVA_AUTH_STYLE_GOOG_API_KEY:
      soup_message_headers_replace (headers, "x-goog-api-key", key);
      break;

    case ADIUVA_AUTH_STYLE_NONE:
    case ADIUVA_AUTH_STYLE_AWS_SIGV4:
    default:
      break;
    }
}

static gboolean
is_alias_name (const char *name)
{
  return name[0] != '\0' && strchr (name, '/') == NULL;
}

/* Follows @ref through aliases to a `provider/model` reference; a reference with a slash is
 * one already. */
static gboolean
resolve_alias (AdiuvaGatewayClient *self,
               const char          *ref,
               char               **resolved,
               GError             **error)
{
  const char *current = ref;

  for (guint hops = 0; is_alias_name (current); hops++)
    {
      const char *target = g_hash_table_lookup (self->aliases, current);

      if (target == NULL)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                       _ ("No alias is named “%s”; name a model as provider/model."), current);
          return FALSE;
        }
      /* set_alias() refuses cycles and long chains, so this only guards against a bug. */
      if (hops > MAX_ALIAS_HOPS)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                       _ ("The alias “%s” leads through more than %u aliases."), ref,
                       MAX_ALIAS_HOPS);
          return FALSE;
        }
      current = target;
    }

  *resolved = g_strdup (current);
  return TRUE;
}

/* Looks a provider up and checks the gateway can speak to it. */
static gboolean
resolve_provider (AdiuvaGatewayClient       *self,
                  const char                *name,
                  AdiuvaProviderSettings   **settings,
                  const AdiuvaProviderInfo **info,
                  const AdiuvaWireCodec    **codec,
                  GError                   **error)
{
  *settings = g_hash_table_lookup (self->providers, name);
  if (*settings == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                   _ ("No provider is named “%s”. Add it in the provider settings."), name);
      return FALSE;
    }

  *info = adiuva_provider_table_lookup (self->table, adiuva_provider_settings_get_kind (*settings));
  if (*info == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                   _ ("The provider “%s” is of an unknown kind, “%s”."), name,
                   adiuva_provider_settings_get_kind (*settings));
      return FALSE;
    }

  *codec = adiuva_wire_codec_get ((*info)->wire_format);
  if (*codec == NULL || (*info)->auth_style == ADIUVA_AUTH_STYLE_AWS_SIGV4)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Adiuva cannot talk to %s yet."), (*info)->display_name);
      return FALSE;
    }

  return TRUE;
}

/*
 * Timers run on the thread-default main context, like libsoup's callbacks, so a client used
 * in a worker thread with its own context works too. Not g_timeout_add_seconds(): it may fire
 * up to a second early, which is all of a one-second timeout.
 */
static GSource *
add_timeout (guint       ms,
             GSourceFunc func,
             gpointer    data)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Breakers */

static Breaker *
get_breaker (AdiuvaGatewayClient *self,
             const char          *provider)
{
  Breaker *breaker = g_hash_table_lookup (self->breakers, provider);

  if (breaker == NULL)
    {
      breaker = g_new0 (Breaker, 1);
      g_hash_table_insert (self->breakers, g_strdup (provider), breaker);
    }
  return breaker;
}

static gboolean
breaker_is_open (AdiuvaGatewayClient *self,
                 const char          *provider)
{
  Breaker *breaker = g_hash_table_lookup (self->breakers, provider);

  return breaker != NULL && g_get_monotonic_time () < breaker->open_until;
}

/* Only failures that say something about the provider's health count, not a refused request. */
static void
breaker_record (AdiuvaGatewayClient *self,
                const char          *provider,
                const GError        *error)
{
  Breaker *breaker = get_breaker (self, provider);

  if (error == NULL)
    {
      breaker->failures = 0;
      breaker->open_until = 0;
      g_clear_error (&breaker->last_error);
      return;
    }

  if (!is_retryable (error))
    return;

  breaker->failures++;
  g_clear_error (&breaker->last_error);
  breaker->last_error = g_error_copy (error);
  /* Past the threshold every failure, such as the one probe after a cool-down, reopens it. */
  if (breaker->failures >= BREAKER_THRESHOLD)
    {
      breaker->open_until = g_get_monotonic_time () + (gint64) self->breaker_cooldown_ms * 1000;
      g_debug ("%s failed %u times in a row; skipping it for %u ms", provider, breaker->failures,
               self->breaker_cooldown_ms);
    }
}

/* Calls */

static void
call_free (Call *call)
{
  g_assert (call->msg == NULL && call->body == NULL && call->timeout == NULL);
  g_assert (call->wait == NULL && call->wait_cancel == NULL);

  if (call->caller_cancellable != NULL)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
  g_clear_object (&call->caller_cancellable);
  g_ptr_array_remove (call->self->in_flight, call->cancellable);
  g_clear_object (&call->cancellable);
  g_clear_pointer (&call->request, adiuva_chat_request_unref);
  g_clear_pointer (&call->caller, g_free);
  g_clear_pointer (&call->targets, g_ptr_array_unref);
  g_clear_pointer (&call->route, g_free);
  g_clear_error (&call->last_error);
  g_clear_pointer (&call->metrics, adiuva_call_metrics_free);
  g_clear_pointer (&call->partial, adiuva_chat_message_unref);
  g_clear_pointer (&call->settings, adiuva_provider_settings_unref);
  g_clear_pointer (&call->provider, g_free);
  g_clear_pointer (&call->model, g_free);
  g_clear_pointer (&call->answer, adiuva_chat_accumulator_free);
  g_clear_pointer (&call->held, g_array_unref);
  g_clear_object (&call->self);
  g_free (call);
}

static void
cancel_cancellable_cb (GCancellable *cancellable,
                       gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
disarm_timer (Call *call)
{
  clear_source (&call->timeout);
}

static gboolean
timeout_cb (gpointer data)
{
  Call *call = data;

  g_clear_pointer (&call->timeout, g_source_unref);
  call->timed_out = TRUE;
  /* The pending operation returns cancelled; the attempt turns that into a timeout. */
  g_cancellable_cancel (call->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (Call *call,
           guint seconds)
{
  disarm_timer (call);
  if (seconds == 0)
    return;
  call->timeout_s = seconds;
  call->timeout = add_timeout (MIN (seconds, G_MAXUINT / 1000) * 1000, timeout_cb, call);
}

static void
wrote_headers_cb (SoupMessage *msg,
                  Call        *call)
{
  arm_timer (call, call->self->idle_timeout_s);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    Call        *call)
{
  arm_timer (call, call->self->idle_timeout_s);
}

static void
wrote_body_cb (SoupMessage *msg,
               Call        *call)
{
  guint wait = call->self->idle_timeout_s;

  if (!call->request->stream)
    wait = wait > G_MAXUINT / NON_STREAM_WAIT_FACTOR ? G_MAXUINT : wait * NON_STREAM_WAIT_FACTOR;
  arm_timer (call, wait);
}

static gboolean
is_content (const AdiuvaChatDelta *delta)
{
  return delta->kind != ADIUVA_DELTA_USAGE && delta->kind != ADIUVA_DELTA_FINISH;
}

static gboolean
deliver_one (Call                  *call,
             const AdiuvaChatDelta *delta,
             GError               **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!adiuva_chat_accumulator_add (call->answer, delta, &local_error))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("%s sent an answer that does not fit together: %s"), call->provider,
                   local_error->message);
      return FALSE;
    }

  if (is_content (delta) && call->first_token < 0)
    call->first_token = g_get_monotonic_time ();
  call->delivered = TRUE;

  if (call->on_delta != NULL && !call->on_delta (delta, call->delta_data, &local_error))
    {
      call->caller_stopped = TRUE;
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                     _ ("The request was cancelled."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
flush_held (Call    *call,
            GError **error)
{
  for (guint i = 0; i < call->held->len; i++)
    if (!deliver_one (call, &g_array_index (call->held, AdiuvaChatDelta, i), error))
      return FALSE;
  g_array_set_size (call->held, 0);
  return TRUE;
}

/*
 * Usage and finish pieces are held back until the first piece of content: until then nothing
 * has reached the caller and the call can still fall back to another model.
 */
static gboolean
deliver_cb (const AdiuvaChatDelta *delta,
            gpointer               user_data,
            GError               **error)
{
  Call *call = user_data;

  /* Nothing more reaches a caller who cancelled, even from the bytes already read. */
  if (g_cancellable_is_cancelled (call->cancellable))
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                           _ ("The request was cancelled."));
      return FALSE;
    }

  if (!call->delivered && !is_content (delta))
    {
      AdiuvaChatDelta copy = *delta;

      copy.text = NULL;
      copy.text_len = 0;
      copy.tool_id = NULL;
      copy.tool_name = NULL;
      g_array_append_val (call->held, copy);
      return TRUE;
    }

  if (!call->delivered && !flush_held (call, error))
    return FALSE;
  return deliver_one (call, delta, error);
}

static AdiuvaCallMetrics *
attempt_metrics (Call         *call,
                 const GError *error,
                 gint64        since)
{
  AdiuvaCallMetrics     *metrics = adiuva_call_metrics_new ();
  const AdiuvaModelInfo *model_info;
  gint64                 now = g_get_monotonic_time ();

  metrics->call_id = call->id;
  metrics->caller = g_strdup (call->caller);
  metrics->provider = g_strdup (call->provider);
  metrics->model = g_strdup (call->model);
  metrics->route = g_strdup (call->route);
  metrics->outcome = outcome_for_error (error);
  metrics->http_status = call->msg != NULL ? soup_message_get_status (call->msg) : 0;
  metrics->fallback_hops = call->target;
  metrics->retries = call->retries;
  metrics->time_to_first_token_us = call->first_token >= 0 ? call->first_token - since : -1;
  metrics->latency_us = now - since;
  if (call->answer != NULL)
    metrics->usage = *adiuva_chat_accumulator_get_usage (call->answer);

  if (metrics->usage.output_tokens > 0)
    {
      gint64 generating = call->first_token >= 0 ? now - call->first_token : 0;

      /* A non-streamed answer arrives at once: its rate is over the whole wait. */
      if (!call->request->stream || generating <= 0)
        generating = now - call->attempt_started;
      if (generating > 0)
        metrics->tokens_per_second = (double) metrics->usage.output_tokens * G_USEC_PER_SEC / (double) generating;
    }

  model_info = call->info != NULL && call->model != NULL ? adiuva_provider_info_lookup_model (call->info, call->model) : NULL;
  if (model_info != NULL)
    metrics->cost = adiuva_model_info_cost (model_info, MAX (metrics->usage.input_tokens, 0),
                                            MAX (metrics->usage.output_tokens, 0));

  return metrics;
}

static void
end_attempt (Call *call)
{
  disarm_timer (call);
  if (call->attempt_handler != 0)
    g_cancellable_disconnect (call->cancellable, call->attempt_handler);
  call->attempt_handler = 0;
  g_clear_object (&call->attempt_cancellable);
  if (call->msg != NULL)
    g_signal_handlers_disconnect_by_data (call->msg, call);
  /* Dropping an unfinished body makes libsoup close the connection: the provider sees it. */
  g_clear_object (&call->body);
  g_clear_object (&call->msg);
  g_clear_pointer (&call->buffer, g_byte_array_unref);
  if (call->decoder != NULL)
    call->codec->stream_decoder_free (call->decoder);
  call->decoder = NULL;
}

/* What an attempt used counts against the user's rate limits and budgets, and in the stats. */
static void
account_attempt (Call *call)
{
  AdiuvaGatewayClient     *self = call->self;
  const AdiuvaCallMetrics *m = call->metrics;
  gint64                   reported = MAX (m->usage.input_tokens, 0) + MAX (m->usage.output_tokens, 0);
  gint64                   used = reported;

  /* Without a report, an attempt that got no answer is taken to have used nothing, and one
   * that got some to have used its estimate. */
  if (m->usage.input_tokens < 0 && m->usage.output_tokens < 0)
    used = m->time_to_first_token_us >= 0 ? call->estimated_tokens : 0;
  adiuva_rate_limiter_reconcile (self->limiter, call->provider, call->model,
                                 call->estimated_tokens, used);
  call->estimated_tokens = 0;
  /* Budgets count what the call log keeps, so the spending seeded from it adds up. */
  adiuva_budgets_add_spent (self->budgets, call->caller, call->provider, reported, m->cost, -1);
  adiuva_gateway_stats_add (self->stats, m);
}

static void
report_attempt (Call         *call,
                const GError *error)
{
  AdiuvaGatewayClient *self = call->self;

  g_clear_pointer (&call->metrics, adiuva_call_metrics_free);
  call->metrics = attempt_metrics (call, error, call->attempt_started);
  call->reported_target = call->target;
  account_attempt (call);
  g_debug ("%s: %s/%s %s after %" G_GINT64_FORMAT " ms (hop %u, retry %u%s%s)", call->caller,
           call->provider, call->model, call->metrics->outcome, call->metrics->latency_us / 1000,
           call->target, call->retries, call->route != NULL ? ", route " : "",
           call->route != NULL ? call->route : "");
  if (self->usage_func != NULL)
    self->usage_func (call->metrics, self->usage_data);
}

/* The metrics the caller gets: the last target's, timed from the start of the call. */
static void
finish_metrics (Call         *call,
                const GError *error)
{
  AdiuvaCallMetrics *metrics = attempt_metrics (call, error, call->started);
  guint              last = call->targets->len > 0 ? call->targets->len - 1 : 0;

  /* Past the end of the chain, the last target is what was tried. */
  metrics->fallback_hops = MIN (call->target, last);
  metrics->http_status = 0;
  if (call->metrics != NULL && call->reported_target == metrics->fallback_hops)
    {
      metrics->http_status = call->metrics->http_status;
      metrics->retries = call->metrics->retries;
    }
  if (metrics->provider == NULL && call->targets->len > 0)
    {
      /* Nothing could be tried: name what was asked for. */
      g_free (metrics->model);
      metrics->model = NULL;
      split_model_ref (g_ptr_array_index (call->targets, 0), &metrics->provider, &metrics->model);
    }
  g_clear_pointer (&call->metrics, adiuva_call_metrics_free);
  call->metrics = metrics;
}

static void
finish_call (Call   *call,
             GError *error)
{
  GTask *task = g_steal_pointer (&call->task);

  /* Done: the kill switch has nothing more to stop here. */
  g_ptr_array_remove (call->self->in_flight, call->cancellable);
  finish_metrics (call, error);
  if (error == NULL)
    {
      g_task_return_pointer (task, adiuva_chat_accumulator_dup_message (call->answer),
                             (GDestroyNotify) adiuva_chat_message_unref);
    }
  else
    {
      if (call->delivered && call->answer != NULL &&
          !adiuva_chat_accumulator_is_empty (call->answer))
        call->partial = adiuva_chat_accumulator_dup_message (call->answer);
      g_task_return_error (task, error);
    }
  g_object_unref (task);
}

static gboolean
call_is_cancelled (Call *call)
{
  return g_cancellable_is_cancelled (call->cancellable);
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                              _ ("The request was cancelled."));
}

/* A failure of the transport (connection, read) in the gateway's own words. */
static GError *
transport_error (Call   *call,
                 GError *error)
{
  if (call_is_cancelled (call))
    return cancelled_error ();
  if (call->timed_out)
    return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TIMEOUT,
                        ngettext ("%s did not answer within %u second.",
                                  "%s did not answer within %u seconds.", call->timeout_s),
                        call->provider, call->timeout_s);
  if (error->domain == ADIUVA_GATEWAY_ERROR)
    return g_error_copy (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TIMEOUT,
                        _ ("%s did not answer in time: %s"), call->provider, error->message);
  if (call->body == NULL)
    return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK,
                        _ ("Could not reach %s: %s"), call->provider, error->message);
  return g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NETWORK,
                      _ ("The connection to %s broke off: %s"), call->provider, error->message);
}

static gint64
backoff_us (AdiuvaGatewayClient *self,
            guint                retry)
{
  gint64 delay = (gint64) self->backoff_base_ms * 1000 << MIN (retry, 20u);
  gint64 half;

  delay = MIN (delay, (gint64) self->backoff_max_ms * 1000);
  /* Half fixed, half random, so callers that failed together do not retry together. */
  half = delay / 2;
  return half + (half > 0 ? (gint64) g_random_double_range (0, (double) half) : 0);
}

static void
stop_waiting (Call *call)
{
  clear_source (&call->wait);
  clear_source (&call->wait_cancel);
}

static gboolean
retry_cb (gpointer data)
{
  Call *call = data;

  stop_waiting (call);
  call->retries++;
  try_target (call);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  Call *call = data;

  stop_waiting (call);
  finish_call (call, cancelled_error ());
  return G_SOURCE_REMOVE;
}

/* Nothing was sent while a rate limit held the call: the model is tried again, not retried. */
static gboolean
rate_wait_cb (gpointer data)
{
  Call *call = data;

  stop_waiting (call);
  try_target (call);
  return G_SOURCE_REMOVE;
}

/* Calls @func after @delay_us, unless the call is cancelled first (the kill switch too). */
static void
wait_then (Call       *call,
           gint64      delay_us,
           GSourceFunc func)
{
  call->wait = add_timeout ((guint) MIN ((delay_us + 999) / 1000, G_MAXUINT), func, call);
  call->wait_cancel = g_cancellable_source_new (call->cancellable);
  g_source_set_callback (call->wait_cancel, G_SOURCE_FUNC (wait_cancelled_cb), call, NULL);
  g_source_attach (call->wait_cancel, g_main_context_get_thread_default ());
}

static void
wait_then_retry (Call  *call,
                 gint64 delay_us)
{
  g_debug ("%s: retrying %s/%s in %" G_GINT64_FORMAT " ms", call->caller, call->provider,
           call->model, delay_us / 1000);
  wait_then (call, delay_us, retry_cb);
}

static void
attempt_failed (Call   *call,
                GError *error)
{
  AdiuvaGatewayClient *self = call->self;
  gint64               retry_after = call->retry_after_us;

  if (call_is_cancelled (call) && !call->caller_stopped)
    {
      g_clear_error (&error);
      error = cancelled_error ();
    }

  report_attempt (call, error);
  if (!g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED))
    breaker_record (self, call->provider, error);
  end_attempt (call);

  /* Once the caller has part of an answer, another answer cannot follow it. */
  if (call->delivered || call->caller_stopped ||
      g_error_matches (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED))
    {
      finish_call (call, error);
      return;
    }

  g_clear_error (&call->last_error);
  call->last_error = error;

  if (is_retryable (error) && call->retries < self->max_retries &&
      retry_after <= RETRY_AFTER_MAX_US && !breaker_is_open (self, call->provider))
    {
      wait_then_retry (call, MAX (backoff_us (self, call->retries), retry_after));
      return;
    }

  call->target++;
  call->retries = 0;
  try_target (call);
}

static void
attempt_succeeded (Call *call)
{
  _adiuva_connectivity_record (call->self->connectivity,
                               _adiuva_provider_is_local (call->info, call->settings), NULL);
  report_attempt (call, NULL);
  breaker_record (call->self, call->provider, NULL);
  end_attempt (call);
  finish_call (call, NULL);
}

static void
body_done (Call *call)
{
  g_autoptr (GError) error = NULL;

  disarm_timer (call);

  switch (call->mode)
    {
    case BODY_ERROR:
      call->codec->decode_error (soup_message_get_status (call->msg),
                                 (const char *) call->buffer->data,
                                 call->buffer->len, &error);
      if (error == NULL)
        g_set_error (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED,
                     _ ("%s answered with HTTP status %u."), call->provider,
                     soup_message_get_status (call->msg));
      break;

    case BODY_JSON:
      {
        g_autoptr (GError) parse_error = NULL;
        g_autoptr (JsonNode) root = _adiuva_wire_codec_parse_json ((const char *) call->buffer->data,
                                                                   call->buffer->len, &parse_error);

        if (root == NULL)
          g_set_error (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("%s sent an answer that is not JSON: %s"), call->provider,
                       parse_error != NULL ? parse_error->message : _ ("it is empty"));
        else
          call->codec->decode_response (root, deliver_cb, call, &error);
      }
      break;

    case BODY_STREAM:
    default:
      call->codec->stream_decoder_finish (call->decoder, deliver_cb, call, &error);
      break;
    }

  if (error == NULL && !call->delivered)
    flush_held (call, &error);

  if (error != NULL)
    attempt_failed (call, g_steal_pointer (&error));
  else
    attempt_succeeded (call);
}

static void read_next (Call *call);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Call *call = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                               &error);
  const guint8 *chunk;
  gsize         len;

  if (bytes == NULL)
    {
      attempt_failed (call, transport_error (call, error));
      return;
    }

  chunk = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      body_done (call);
      return;
    }

  if (call->mode == BODY_STREAM)
    {
      if (!call->codec->stream_decoder_feed (call->decoder, chunk, len, deliver_cb, call, &error))
        {
          attempt_failed (call, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      gsize limit = call->mode == BODY_ERROR ? MAX_ERROR_BODY : MAX_RESPONSE_BODY;

      g_byte_array_append (call->buffer, chunk, MIN (len, limit - call->buffer->len));
      if (call->buffer->len >= limit)
        {
          /* The start of an error says what it is; an answer this large is refused. */
          if (call->mode == BODY_ERROR)
            body_done (call);
          else
            attempt_failed (call, g_error_new (ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE,
                                               _ ("The answer of %s is larger than %u MiB."),
                                               call->provider, MAX_RESPONSE_BODY / (1024 * 1024)));
          return;
        }
    }

  read_next (call);
}

static void
read_next (Call *call)
{
  arm_timer (call, call->self->idle_timeout_s);
  g_input_stream_read_bytes_async (call->body, READ_SIZE, G_PRIORITY_DEFAULT,
                                   call->attempt_cancellable, read_cb, call);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Call *call = data;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;
  const char         *type;
  guint               status;

  call->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->body == NULL)
    {
      _adiuva_connectivity_record (call->self->connectivity,
                                   _adiuva_provider_is_local (call->info, call->settings), error);
      attempt_failed (call, transport_error (call, error));
      return;
    }

  status = soup_message_get_status (call->msg);
  headers = soup_message_get_response_headers (call->msg);
  type = soup_message_headers_get_content_type (headers, NULL);
  call->retry_after_us = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));
  g_debug ("%s: %s/%s answered %u (%s)", call->caller, call->provider, call->model, status,
           type != NULL ? type : "no type");

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    call->mode = BODY_ERROR;
  else if (call->request->stream && g_strcmp0 (type, "application/json") != 0)
    call->mode = BODY_STREAM;
  else
    call->mode = BODY_JSON; /* also a server that ignored "stream": it answered in one piece */

  if (call->mode == BODY_STREAM)
    call->decoder = call->codec->stream_decoder_new ();
  else
    call->buffer = g_byte_array_new ();

  read_next (call);
}

static void
start_attempt (Call *call)
{
  AdiuvaGatewayClient *self = call->self;
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *url = NULL;
  g_autofree char *shown_url = NULL;
  g_autofree char *shown_headers = NULL;
  char            *text;

  call->attempt_started = g_get_monotonic_time ();
  call->first_token = -1;
  call->delivered = FALSE;
  call->timed_out = FALSE;
  call->retry_after_us = -1;
  g_clear_pointer (&call->answer, adiuva_chat_accumulator_free);
  call->answer = adiuva_chat_accumulator_new ();
  g_array_set_size (call->held, 0);

  request = adiuva_chat_request_copy (call->request);
  g_free (request->model);
  request->model = g_strdup (call->model);
  json = call->codec->encode_request (request, &error);
  if (json != NULL)
    url = adiuva_provider_info_build_url (call->info,
                                          adiuva_provider_settings_get_base_url (call->settings),
                                          request->stream ? ADIUVA_ENDPOINT_CHAT_STREAM : ADIUVA_ENDPOINT_CHAT,
                                          call->model, &error);
  if (url != NULL)
    {
      call->msg = soup_message_new (SOUP_METHOD_POST, url);
      if (call->msg == NULL)
        g_set_error (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                     _ ("The base URL of %s is not usable."), call->provider);
    }
  if (error != NULL)
    {
      /* Nothing was sent: no attempt to report, but another model may do. */
      adiuva_rate_limiter_reconcile (self->limiter, call->provider, call->model,
                                     call->estimated_tokens, 0);
      call->estimated_tokens = 0;
      g_clear_error (&call->last_error);
      call->last_error = g_steal_pointer (&error);
      call->target++;
      call->retries = 0;
      try_target (call);
      return;
    }

  text = json_to_string (json, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
  /* libsoup opens a new connection for every POST unless told otherwise: a connect, a proxy
   * lookup and, for cloud providers, a TLS handshake per call. Keep-alive is what every
   * provider SDK does. */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_IDEMPOTENT);
  add_headers (call->msg, call->info, call->settings);

  /* Redacting costs a few percent of a loopback call: only for a reader. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    {
      shown_url = adiuva_redact_secrets (url);
      shown_headers = describe_headers (soup_message_get_request_headers (call->msg));
      g_debug ("%s: POST %s (%s)", call->caller, shown_url, shown_headers);
    }

  call->attempt_cancellable = g_cancellable_new ();
  call->attempt_handler = g_cancellable_connect (call->cancellable,
                                                 G_CALLBACK (cancel_cancellable_cb),
                                                 call->attempt_cancellable, NULL);
  g_signal_connect (call->msg, "wrote-headers", G_CALLBACK (wrote_headers_cb), call);
  g_signal_connect (call->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), call);
  g_signal_connect (call->msg, "wrote-body", G_CALLBACK (wrote_body_cb), call);
  arm_timer (call, self->connect_timeout_s);

  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->attempt_cancellable,
                           send_cb, call);
}

/*
 * The user's budgets and rate limits, checked before anything is sent. Returns %TRUE when the
 * call went on: the attempt started, waits for a rate limit that frees up soon, or was refused
 * as a whole (the workspace's or the caller's budget is used up). Returns %FALSE with @error
 * when this model cannot be asked now but the next in the chain may be: its provider's
 * budget is used up, or its rate limit frees up too late.
 */
static gboolean
admit_attempt (Call    *call,
               GError **error)
{
  AdiuvaGatewayClient *self = call->self;
  g_autoptr (GError) refused = NULL;
  gint64 wait_us;

  if (!adiuva_budgets_check (self->budgets, ADIUVA_BUDGET_GLOBAL, NULL, &refused) ||
      !adiuva_budgets_check (self->budgets, ADIUVA_BUDGET_CALLER, call->caller, &refused))
    {
      g_debug ("%s: refused: %s", call->caller, refused->message);
      finish_call (call, g_steal_pointer (&refused));
      return TRUE;
    }
  if (!adiuva_budgets_check (self->budgets, ADIUVA_BUDGET_PROVIDER, call->provider, error))
    {
      g_debug ("%s: skipping %s: %s", call->caller, call->provider, (*error)->message);
      return FALSE;
    }

  call->estimated_tokens = adiuva_rate_limiter_estimate_tokens (call->request);
  if (adiuva_rate_limiter_acquire (self->limiter, call->provider, call->model,
                                   call->estimated_tokens, &wait_us, &refused))
    {
      start_attempt (call);
      return TRUE;
    }
  call->estimated_tokens = 0;

  if (wait_us <= RATE_WAIT_MAX_US)
    {
      g_debug ("%s: waiting %" G_GINT64_FORMAT " ms for the rate limit of %s/%s", call->caller,
               wait_us / 1000, call->provider, call->model);
      wait_then (call, wait_us, rate_wait_cb);
      return TRUE;
    }

  g_debug ("%s: skipping %s/%s: %s", call->caller, call->provider, call->model,
           refused->message);
  g_propagate_error (error, g_steal_pointer (&refused));
  return FALSE;
}

/* Tries the chain from call->target on: the first model that can be tried, is. */
static void
try_target (Call *call)
{
  AdiuvaGatewayClient *self = call->self;

  for (; call->target < call->targets->len; call->target++, call->retries = 0)
    {
      const char *ref = g_ptr_array_index (call->targets, call->target);
      g_autoptr (GError) error = NULL;
      g_autofree char *resolved = NULL;
      Breaker         *breaker;

      if (call_is_cancelled (call))
        break;

      g_clear_pointer (&call->provider, g_free);
      g_clear_pointer (&call->model, g_free);
      g_clear_pointer (&call->settings, adiuva_provider_settings_unref);
      g_clear_pointer (&call->answer, adiuva_chat_accumulator_free);
      call->info = NULL;
      call->codec = NULL;
      call->first_token = -1;

      if (resolve_alias (self, ref, &resolved, &error) &&
          !split_model_ref (resolved, &call->provider, &call->model))
        {
          g_set_error (&error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                       _ ("“%s” does not name a model as provider/model."), resolved);
        }
      else if (error == NULL && resolve_provider (self, call->provider, &call->settings,
                                                  &call->info, &call->codec, &error))
        {
          adiuva_provider_settings_ref (call->settings);
          if (!breaker_is_open (self, call->provider))
            {
              if (admit_attempt (call, &error))
                return;
            }
          else
            {
              breaker = get_breaker (self, call->provider);
              g_debug ("%s: skipping %s, which failed %u times in a row", call->caller,
                       call->provider, breaker->failures);
              g_set_error (&error, breaker->last_error->domain, breaker->last_error->code,
                           _ ("%s is skipped for a while after failing %u times in a row: %s"),
                           call->provider, breaker->failures, breaker->last_error->message);
            }
        }

      g_clear_error (&call->last_error);
      call->last_error = g_steal_pointer (&error);
    }

  if (call_is_cancelled (call))
    {
      finish_call (call, cancelled_error ());
      return;
    }

  g_assert (call->last_error != NULL);
  finish_call (call, g_steal_pointer (&call->last_error));
}

/* GObject */

static void
adiuva_gateway_client_constructed (GObject *object)
{
  AdiuvaGatewayClient *self = ADIUVA_GATEWAY_CLIENT (object);
  g_autofree char     *user_agent = g_strdup_printf ("Adiuva/%s", PACKAGE_VERSION);

  G_OBJECT_CLASS (adiuva_gateway_client_parent_class)->constructed (object);

  if (self->table == NULL)
    self->table = g_object_ref (adiuva_provider_table_get_default ());

  /* Timeouts are the gateway's own (see the top of this file), so the session has none. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "max-conns", 64,
                                                 "max-conns-per-host", 16,
                                                 "timeout", 0,
                                                 "idle-timeout", 60,
                                                 NULL);
}

static void
adiuva_gateway_client_finalize (GObject *object)
{
  AdiuvaGatewayClient *self = ADIUVA_GATEWAY_CLIENT (object);

  if (self->usage_destroy != NULL)
    self->usage_destroy (self->usage_data);
  g_clear_object (&self->session);
  g_clear_object (&self->table);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_pointer (&self->fallbacks, g_hash_table_unref);
  g_clear_pointer (&self->aliases, g_hash_table_unref);
  g_clear_pointer (&self->breakers, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_ptr_array_unref);
  g_clear_pointer (&self->limiter, adiuva_rate_limiter_free);
  g_clear_pointer (&self->budgets, adiuva_budgets_free);
  g_clear_object (&self->stats);
  g_clear_object (&self->router);
  g_clear_pointer (&self->connectivity, _adiuva_connectivity_free);

  G_OBJECT_CLASS (adiuva_gateway_client_parent_class)->finalize (object);
}

static void
adiuva_gateway_client_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AdiuvaGatewayClient *self = ADIUVA_GATEWAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_TABLE:
      g_value_set_object (value, self->table);
      break;

    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout_s);
      break;

    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout_s);
      break;

    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_property (AdiuvaGatewayClient *self,
                   guint               *field,
                   const GValue        *value,
                   GParamSpec          *pspec)
{
  if (*field == g_value_get_uint (value))
    return;
  *field = g_value_get_uint (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
adiuva_gateway_client_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AdiuvaGatewayClient *self = ADIUVA_GATEWAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_TABLE:
      self->table = g_value_dup_object (value);
      break;

    case PROP_CONNECT_TIMEOUT:
      set_uint_property (self, &self->connect_timeout_s, value, pspec);
      break;

    case PROP_IDLE_TIMEOUT:
      set_uint_property (self, &self->idle_timeout_s, value, pspec);
      break;

    case PROP_MAX_RETRIES:
      set_uint_property (self, &self->max_retries, value, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_gateway_client_class_init (AdiuvaGatewayClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = adiuva_gateway_client_constructed;
  object_class->finalize = adiuva_gateway_client_finalize;
  object_class->get_property = adiuva_gateway_client_get_property;
  object_class->set_property = adiuva_gateway_client_set_property;

  /**
   * AdiuvaGatewayClient:provider-table:
   *
   * The providers the client knows how to speak to; the built-in table when not given.
   */
  properties[PROP_PROVIDER_TABLE] =
      g_param_spec_object ("provider-table", NULL, NULL, ADIUVA_TYPE_PROVIDER_TABLE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * AdiuvaGatewayClient:connect-timeout:
   *
   * Seconds to connect and send the request's headers; 0 waits forever.
   */
  properties[PROP_CONNECT_TIMEOUT] =
      g_param_spec_uint ("connect-timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_CONNECT_TIMEOUT_S,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * AdiuvaGatewayClient:idle-timeout:
   *
   * Seconds a provider may stay silent: while the request is sent, before a stream starts and
   * between two reads of an answer. A non-streamed answer may take five times as long to
   * start, since it only comes when it is complete. 0 waits forever.
   */
  properties[PROP_IDLE_TIMEOUT] =
      g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_IDLE_TIMEOUT_S,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * AdiuvaGatewayClient:max-retries:
   *
   * How many times a model is tried again after a failure that may pass (rate limit,
   * overload, server error, network, timeout) before the next model of the chain.
   */
  properties[PROP_MAX_RETRIES] =
      g_param_spec_uint ("max-retries", NULL, NULL, 0, 100, DEFAULT_MAX_RETRIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_gateway_client_init (AdiuvaGatewayClient *self)
{
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) adiuva_provider_settings_unref);
  self->fallbacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_strfreev);
  self->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->breakers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) breaker_free);
  self->in_flight = g_ptr_array_new ();
  self->limiter = adiuva_rate_limiter_new ();
  self->budgets = adiuva_budgets_new ();
  self->stats = adiuva_gateway_stats_new ();
  self->connectivity = _adiuva_connectivity_new ();
  self->router = adiuva_router_new ();
  self->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT_S;
  self->idle_timeout_s = DEFAULT_IDLE_TIMEOUT_S;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->breaker_cooldown_ms = DEFAULT_BREAKER_COOLDOWN_MS;
}

/* Public API */

/**
 * adiuva_gateway_client_new:
 * @table: (nullable): the provider table, or %NULL for the built-in one
 *
 * Returns: (transfer full): a client without providers
 */
AdiuvaGatewayClient *
adiuva_gateway_client_new (AdiuvaProviderTable *table)
{
  g_return_val_if_fail (table == NULL || ADIUVA_IS_PROVIDER_TABLE (table), NULL);

  return g_object_new (ADIUVA_TYPE_GATEWAY_CLIENT, "provider-table", table, NULL);
}

void
_adiuva_gateway_client_set_timings (AdiuvaGatewayClient *self,
                                    guint                backoff_base_ms,
                                    guint                backoff_max_ms,
                                    guint                breaker_cooldown_ms)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  self->backoff_base_ms = backoff_base_ms;
  self->backoff_max_ms = backoff_max_ms;
  self->breaker_cooldown_ms = breaker_cooldown_ms;
}

void
_adiuva_gateway_client_set_network_state (AdiuvaGatewayClient *self,
                                          AdiuvaNetworkState   state)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  _adiuva_connectivity_set_network_state (self->connectivity, state);
}

/**
 * adiuva_gateway_client_set_provider:
 * @settings: a provider's settings; the client keeps a reference, so do not change them after
 *
 * Adds a provider, or replaces the one of the same name (its circuit breaker starts afresh).
 * Calls already running keep the settings they started with.
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID or
 *   %ADIUVA_GATEWAY_ERROR_NOT_FOUND when the gateway cannot use the settings
 */
gboolean
adiuva_gateway_client_set_provider (AdiuvaGatewayClient    *self,
                                    AdiuvaProviderSettings *settings,
                                    GError                **error)
{
  const char               *name;
  const AdiuvaProviderInfo *info;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = adiuva_provider_settings_get_name (settings);
  if (strchr (name, '/') != NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("A provider name cannot contain “/”: “%s”."), name);
      return FALSE;
    }

  info = adiuva_provider_table_lookup (self->table, adiuva_provider_settings_get_kind (settings));
  if (info == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                   _ ("There is no provider of the kind “%s”."), adiuva_provider_settings_get_kind (settings));
      return FALSE;
    }
  if (adiuva_wire_codec_get (info->wire_format) == NULL ||
      info->auth_style == ADIUVA_AUTH_STYLE_AWS_SIGV4)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Adiuva cannot talk to %s yet."), info->display_name);
      return FALSE;
    }
  if (info->requires_base_url && adiuva_provider_settings_get_base_url (settings) == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("%s needs the address of its server. Enter a base URL in the provider settings."),
                   info->display_name);
      return FALSE;
    }

  g_hash_table_replace (self->providers, g_strdup (name), adiuva_provider_settings_ref (settings));
  g_hash_table_remove (self->breakers, name);
  return TRUE;
}

/**
 * adiuva_gateway_client_remove_provider:
 * @name: the user's name of a provider
 *
 * Returns: whether there was such a provider
 */
gboolean
adiuva_gateway_client_remove_provider (AdiuvaGatewayClient *self,
                                       const char          *name)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  g_hash_table_remove (self->breakers, name);
  return g_hash_table_remove (self->providers, name);
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * adiuva_gateway_client_list_providers:
 *
 * Returns: (transfer full): the names of the providers, sorted
 */
GStrv
adiuva_gateway_client_list_providers (AdiuvaGatewayClient *self)
{
  g_autofree const char **names = NULL;
  guint                   n;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->providers, &n);
  qsort (names, n, sizeof *names, compare_names);
  return g_strdupv ((GStrv) names);
}

/**
 * adiuva_gateway_client_set_fallbacks:
 * @model_ref: a model reference, `provider/model`, or an alias
 * @chain: (nullable) (array zero-terminated=1): the references (or aliases) to try in order when
 *   @model_ref fails before any of its answer reached the caller; %NULL or empty removes them
 *
 * The chain is not followed further: the fallbacks of a fallback do not apply.
 */
void
adiuva_gateway_client_set_fallbacks (AdiuvaGatewayClient *self,
                                     const char          *model_ref,
                                     const char *const   *chain)
{
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (model_ref != NULL);

  if (chain == NULL || chain[0] == NULL)
    g_hash_table_remove (self->fallbacks, model_ref);
  else
    g_hash_table_replace (self->fallbacks, g_strdup (model_ref), g_strdupv ((GStrv) chain));
}

/* Refuses @alias → @target when @target leads back to @alias, or when a chain through the
 * new link would pass more aliases than are followed. */
static gboolean
check_alias_chain (AdiuvaGatewayClient *self,
                   const char          *alias,
                   const char          *target,
                   GError             **error)
{
  g_autoptr (GString) path = g_string_new (alias);
  const char *current = target;
  guint       forward = 0;
  guint       backward = 0;

  while (current != NULL && is_alias_name (current))
    {
      g_string_append_printf (path, " → %s", current);
      if (g_str_equal (current, alias))
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                       _ ("The alias would make a cycle: %s."), path->str);
          return FALSE;
        }
      /* Past the limit the walk stops: the chain is refused below whatever follows. */
      if (++forward > MAX_ALIAS_HOPS)
        break;
      current = g_hash_table_lookup (self->aliases, current);
    }

  /* Aliases leading to @alias lengthen the chain too: find the longest way in. Each walk is
   * bounded, so a table of any size is checked quickly. */
  if (forward <= MAX_ALIAS_HOPS)
    {
      GHashTableIter iter;
      gpointer       key, value;

      g_hash_table_iter_init (&iter, self->aliases);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const char *step = value;
          guint       n = 1;

          for (; step != NULL && n <= MAX_ALIAS_HOPS && !g_str_equal (step, alias); n++)
            step = g_hash_table_lookup (self->aliases, step);
          if (step != NULL && g_str_equal (step, alias))
            backward = MAX (backward, n);
        }
    }

  if (forward + backward > MAX_ALIAS_HOPS)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Aliases would lead through more than %u others to a model."),
                   MAX_ALIAS_HOPS);
      return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_gateway_client_set_alias:
 * @alias: a name without a slash, used wherever a model reference is
 * @target: (nullable): what @alias stands for: a `provider/model` reference or another alias,
 *   which need not be set yet; %NULL removes @alias
 *
 * An alias is followed through up to 16 other aliases each time a model is asked.
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID when @alias or @target is not
 *   well formed or @target leads back to @alias (the message names the cycle), or
 *   %ADIUVA_GATEWAY_ERROR_NOT_FOUND when removing an alias that is not set
 */
gboolean
adiuva_gateway_client_set_alias (AdiuvaGatewayClient *self,
                                 const char          *alias,
                                 const char          *target,
                                 GError             **error)
{
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), FALSE);
  g_return_val_if_fail (alias != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_alias_name (alias))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” cannot be an alias: an alias is a name without a slash."), alias);
      return FALSE;
    }
  if (g_str_equal (alias, ADIUVA_MODEL_AUTO) || g_strcmp0 (target, ADIUVA_MODEL_AUTO) == 0)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” is kept for preference routing: it cannot be an alias or what one "
                      "stands for."),
                   ADIUVA_MODEL_AUTO);
      return FALSE;
    }

  if (target == NULL)
    {
      if (g_hash_table_remove (self->aliases, alias))
        return TRUE;
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                   _ ("No alias is named “%s”."), alias);
      return FALSE;
    }

  if (target[0] == '\0' ||
      (!is_alias_name (target) && !split_model_ref (target, &provider, &model)))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” is neither an alias nor a model as provider/model."), target);
      return FALSE;
    }

  if (!check_alias_chain (self, alias, target, error))
    return FALSE;

  g_hash_table_replace (self->aliases, g_strdup (alias), g_strdup (target));
  return TRUE;
}

/**
 * adiuva_gateway_client_list_aliases:
 *
 * Returns: (transfer full): the names of the aliases, sorted
 */
GStrv
adiuva_gateway_client_list_aliases (AdiuvaGatewayClient *self)
{
  g_autofree const char **names = NULL;
  guint                   n;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->aliases, &n);
  qsort (names, n, sizeof *names, compare_names);
  return g_strdupv ((GStrv) names);
}

/**
 * adiuva_gateway_client_get_alias:
 * @alias: the name of an alias
 *
 * Returns: (nullable): what @alias names directly (an alias or a model reference), or %NULL
 */
const char *
adiuva_gateway_client_get_alias (AdiuvaGatewayClient *self,
                                 const char          *alias)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (alias != NULL, NULL);

  return g_hash_table_lookup (self->aliases, alias);
}

/**
 * adiuva_gateway_client_resolve_model:
 * @model_ref: a `provider/model` reference or an alias
 *
 * Returns: (transfer full): the `provider/model` reference @model_ref stands for, or %NULL
 *   with %ADIUVA_GATEWAY_ERROR_NOT_FOUND when an alias on the way is not set
 */
char *
adiuva_gateway_client_resolve_model (AdiuvaGatewayClient *self,
                                     const char          *model_ref,
                                     GError             **error)
{
  char *resolved = NULL;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (model_ref != NULL, NULL);

  if (!resolve_alias (self, model_ref, &resolved, error))
    return NULL;
  return resolved;
}

/**
 * adiuva_gateway_client_set_router:
 * @router: (nullable): the routes for %ADIUVA_MODEL_AUTO; %NULL sets none
 *
 * Calls already routing keep the router they started with.
 */
void
adiuva_gateway_client_set_router (AdiuvaGatewayClient *self,
                                  AdiuvaRouter        *router)
{
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (router == NULL || ADIUVA_IS_ROUTER (router));

  g_clear_object (&self->router);
  self->router = router != NULL ? g_object_ref (router) : adiuva_router_new ();
}

/**
 * adiuva_gateway_client_get_router:
 *
 * Returns: (transfer none): the router; one without routes when none was set
 */
AdiuvaRouter *
adiuva_gateway_client_get_router (AdiuvaGatewayClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);

  return self->router;
}

/**
 * adiuva_gateway_client_set_usage_func:
 * @func: (nullable): called with the metrics of every attempt that sent a request, whatever its
 *   outcome (retries and fallback hops each get their own); the store keeps them in its LLM
 *   call log
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the function is replaced or the client freed
 */
void
adiuva_gateway_client_set_usage_func (AdiuvaGatewayClient *self,
                                      AdiuvaUsageFunc      func,
                                      gpointer             user_data,
                                      GDestroyNotify       destroy)
{
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));

  if (self->usage_destroy != NULL)
    self->usage_destroy (self->usage_data);
  self->usage_func = func;
  self->usage_data = user_data;
  self->usage_destroy = destroy;
}

/* When offline, the chain's local models go first (see adiuva-connectivity.c). */
static void
prefer_local (Call *call)
{
  AdiuvaGatewayClient *self = call->self;
  g_autofree gboolean *local = g_new0 (gboolean, call->targets->len);
  gboolean             any_local = FALSE;
  gboolean             any_remote = FALSE;

  for (guint i = 0; i < call->targets->len; i++)
    {
      g_autofree char          *resolved = NULL;
      g_autofree char          *provider = NULL;
      g_autofree char          *model = NULL;
      AdiuvaProviderSettings   *settings = NULL;
      const AdiuvaProviderInfo *info = NULL;
      const AdiuvaWireCodec    *codec = NULL;

      /* What cannot be asked counts as remote: it fails either way. */
      if (resolve_alias (self, g_ptr_array_index (call->targets, i), &resolved, NULL) &&
          split_model_ref (resolved, &provider, &model) &&
          resolve_provider (self, provider, &settings, &info, &codec, NULL))
        local[i] = _adiuva_provider_is_local (info, settings);
      any_local |= local[i];
      any_remote |= !local[i];
    }

  if (!any_local || !any_remote || !_adiuva_connectivity_prefers_local (self->connectivity))
    return;
  g_debug ("%s: offline or remote providers unreachable: local models first", call->caller);
  _adiuva_connectivity_put_local_first (call->targets, local);
}

/* Tries @first, then the models of @chain not tried yet. */
static void
start_chain (Call              *call,
             const char        *first,
             const char *const *chain)
{
  g_ptr_array_add (call->targets, g_strdup (first));
  for (guint i = 0; chain != NULL && chain[i] != NULL; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < call->targets->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (call->targets, j), chain[i]);
      if (!seen)
        g_ptr_array_add (call->targets, g_strdup (chain[i]));
    }

  prefer_local (call);
  try_target (call);
}

static void
routed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Call *call = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaRoute) route = NULL;
  AdiuvaRouteSelector selector;
  const char *const  *models;

  route = adiuva_router_select_finish (ADIUVA_ROUTER (source), result, &selector, &error);
  if (route == NULL)
    {
      finish_call (call, g_steal_pointer (&error));
      return;
    }

  call->route = _adiuva_route_describe (route, selector);
  g_debug ("%s: route %s", call->caller, call->route);
  /* The route's models are the chain: the fallbacks set on them do not apply. */
  models = adiuva_route_get_models (route);
  start_chain (call, models[0], models + 1);
}

/**
 * adiuva_gateway_client_get_rate_limiter:
 *
 * The user's rate limits per provider and provider/model, which every call of the client
 * obeys. Tokens are taken on an estimate before each attempt and set right from the usage
 * the provider reports.
 *
 * Returns: (transfer none): the client's rate limiter
 */
AdiuvaRateLimiter *
adiuva_gateway_client_get_rate_limiter (AdiuvaGatewayClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);

  return self->limiter;
}

/**
 * adiuva_gateway_client_get_budgets:
 *
 * The user's daily and monthly budgets, and what was spent, which the client counts from
 * the usage of every attempt (see adiuva_gateway_client_add_spent() for what came before).
 *
 * Returns: (transfer none): the client's budgets
 */
AdiuvaBudgets *
adiuva_gateway_client_get_budgets (AdiuvaGatewayClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);

  return self->budgets;
}

/**
 * adiuva_gateway_client_add_spent:
 * @caller: (nullable): who spent it, as given to adiuva_gateway_client_chat_async()
 * @provider: (nullable): the user's name of the provider
 * @tokens: tokens used, prompt and answer
 * @cost: list price in USD
 * @when_unix: when, in seconds since the epoch
 *
 * Counts spending the client did not see, such as that of earlier runs from the app's call
 * log, against the budgets. Front ends call it at start-up; the client counts its own calls.
 */
void
adiuva_gateway_client_add_spent (AdiuvaGatewayClient *self,
                                 const char          *caller,
                                 const char          *provider,
                                 gint64               tokens,
                                 double               cost,
                                 gint64               when_unix)
{
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));

  adiuva_budgets_add_spent (self->budgets, caller, provider, tokens, cost, when_unix);
}

/**
 * adiuva_gateway_client_get_stats:
 *
 * Running aggregates of every attempt the client made, per provider/model and in total, for
 * the UI to show.
 *
 * Returns: (transfer none): the client's statistics
 */
AdiuvaGatewayStats *
adiuva_gateway_client_get_stats (AdiuvaGatewayClient *self)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);

  return self->stats;
}

/**
 * adiuva_gateway_client_chat_async:
 * @model_ref: the model to ask, as `provider/model` (the user's provider name, then the
 *   model as the provider names it), as an alias, or %ADIUVA_MODEL_AUTO to let the client's
 *   router choose a route; @request's own model is ignored
 * @request: the request; @request->stream chooses a streamed answer
 * @caller: (nullable): who asks, for the metrics (e.g. `assistant`)
 * @on_delta: (nullable) (scope notified): receives each piece of the answer as it arrives, in
 *   order, until the call finishes; it may return %FALSE with an error to stop the call
 * @delta_data: data for @on_delta
 * @cancellable: (nullable): cancels the call; so does adiuva_gateway_client_cancel_all()
 *
 * Asks @model_ref, then, if it fails before any of its answer reached @on_delta, the models
 * of its fallback chain in order:
 *
 * - A rate limit, an overload, a server error, a network failure or a timeout is retried on
 *   the same model up to #AdiuvaGatewayClient:max-retries times after a capped exponential
 *   back-off with jitter, and never sooner than the provider's `Retry-After`. A provider that
 *   asks to wait more than 30 seconds is not waited for: the next model is tried.
 * - A refused key, a refused request or a malformed answer is not retried (it would fail
 *   again) but the next model is tried: another provider may take it.
 * - A provider that failed three times in a row (of the kinds retried) is skipped, without a
 *   request, for a cool-down of 30 seconds; then one request may try it again.
 * - Once a piece of the answer reached @on_delta, nothing is retried: a failure ends the call
 *   with the partial answer. Usage and finish pieces are held back until the first piece of
 *   content, so they do not count.
 * - Cancellation ends the call at once with %ADIUVA_GATEWAY_ERROR_CANCELLED.
 * - When the network is down, or remote providers could not be connected to in the last
 *   minute, the local models of the chain (Ollama, servers on localhost) are asked first.
 *
 * With %ADIUVA_MODEL_AUTO, the router (see adiuva_gateway_client_set_router()) chooses a
 * route first, and the route's models are the chain; the metrics name the route. Routing
 * itself never fails the call, but a router without routes does, with
 * %ADIUVA_GATEWAY_ERROR_NOT_FOUND.
 *
 * Before each attempt, and before anything is sent, the user's limits are checked (see
 * adiuva_gateway_client_get_budgets() and adiuva_gateway_client_get_rate_limiter()):
 *
 * - When the workspace's or @caller's budget is used up, the call fails at once with
 *   %ADIUVA_GATEWAY_ERROR_BUDGET; the message names the budget, what was spent, the limit
 *   and when it resets.
 * - A provider whose budget is used up is skipped like a broken one: the next model of the
 *   chain is tried.
 * - A model whose rate limit lacks room waits for it when it frees up within 10 seconds
 *   (cancellation and the kill switch end the wait); otherwise it is skipped with
 *   %ADIUVA_GATEWAY_ERROR_RATE_LIMITED, which names the limit and when it frees up.
 *
 * When every model was skipped, the call fails with the last one's error.
 */
void
adiuva_gateway_client_chat_async (AdiuvaGatewayClient *self,
                                  const char          *model_ref,
                                  AdiuvaChatRequest   *request,
                                  const char          *caller,
                                  AdiuvaDeltaFunc      on_delta,
                                  gpointer             delta_data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char   *resolved = NULL;
  Call              *call;
  const char *const *chain;

  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (model_ref != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (call->task, adiuva_gateway_client_chat_async);
  /* Our own error, ADIUVA_GATEWAY_ERROR_CANCELLED, reports cancellation. */
  g_task_set_check_cancellable (call->task, FALSE);
  g_task_set_task_data (call->task, call, (GDestroyNotify) call_free);

  call->id = _adiuva_call_metrics_next_call_id ();
  call->request = adiuva_chat_request_ref (request);
  call->caller = g_strdup (caller != NULL ? caller : "");
  call->on_delta = on_delta;
  call->delta_data = delta_data;
  call->started = g_get_monotonic_time ();
  call->first_token = -1;
  call->held = g_array_new (FALSE, FALSE, sizeof (AdiuvaChatDelta));

  call->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->in_flight, call->cancellable);
  if (cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cancellable_cb),
                                                    call->cancellable, NULL);
    }

  call->targets = g_ptr_array_new_with_free_func (g_free);
  if (g_str_equal (model_ref, ADIUVA_MODEL_AUTO))
    {
      adiuva_router_select_async (self->router, self, call->request, call->cancellable,
                                  routed_cb, call);
      return;
    }

  /* Fallbacks may be set on the alias or on the model it stands for. */
  chain = g_hash_table_lookup (self->fallbacks, model_ref);
  if (chain == NULL && resolve_alias (self, model_ref, &resolved, NULL))
    chain = g_hash_table_lookup (self->fallbacks, resolved);
  start_chain (call, model_ref, chain);
}

/**
 * adiuva_gateway_client_chat_finish:
 * @metrics: (out) (optional) (transfer full): the last attempt's metrics, timed from the start
 *   of the call; set on failure too
 * @partial: (out) (optional) (transfer full) (nullable): on failure, the part of the answer
 *   that reached the caller before it, or %NULL when none did
 *
 * Returns: (transfer full): the whole answer, or %NULL with @error set (an
 *   %ADIUVA_GATEWAY_ERROR: %ADIUVA_GATEWAY_ERROR_CANCELLED when cancelled)
 */
AdiuvaChatMessage *
adiuva_gateway_client_chat_finish (AdiuvaGatewayClient *self,
                                   GAsyncResult        *result,
                                   AdiuvaCallMetrics  **metrics,
                                   AdiuvaChatMessage  **partial,
                                   GError             **error)
{
  Call *call;

  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == adiuva_gateway_client_chat_async,
                        NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (metrics != NULL)
    *metrics = call->metrics != NULL ? adiuva_call_metrics_copy (call->metrics) : NULL;
  if (partial != NULL)
    *partial = call->partial != NULL ? adiuva_chat_message_ref (call->partial) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * adiuva_gateway_client_cancel_all:
 *
 * The kill switch: cancels every call in flight: chats, model lists, embeddings and Ollama's
 * model management. Each finishes with %ADIUVA_GATEWAY_ERROR_CANCELLED and its connection is
 * closed. Call it from the thread the client is used in; to stop calls from another thread,
 * cancel their #GCancellable.
 */
void
adiuva_gateway_client_cancel_all (AdiuvaGatewayClient *self)
{
  g_autoptr (GPtrArray) running = NULL;

  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));

  running = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->in_flight->len; i++)
    g_ptr_array_add (running, g_object_ref (g_ptr_array_index (self->in_flight, i)));
  g_debug ("cancelling %u requests", running->len);
  for (guint i = 0; i < running->len; i++)
    g_cancellable_cancel (g_ptr_array_index (running, i));
}

/* Model lists */

static GStrv
parse_model_list (const char               *provider,
                  const AdiuvaProviderInfo *info,
                  JsonNode                 *root,
                  GError                  **error)
{
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  gboolean ollama_or_gemini = info->wire_format == ADIUVA_WIRE_FORMAT_GEMINI ||
                              info->wire_format == ADIUVA_WIRE_FORMAT_OLLAMA;
  const char *list_member = ollama_or_gemini ? "models" : "data";
  const char *id_member = ollama_or_gemini ? "name" : "id";
  JsonNode   *list = NULL;
  JsonArray  *array;

  if (JSON_NODE_HOLDS_OBJECT (root))
    list = json_object_get_member (json_node_get_object (root), list_member);
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("%s sent a model list without “%s”."), provider, list_member);
      return NULL;
    }

  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode   *item = json_array_get_element (array, i);
      JsonNode   *id_node;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      id_node = json_object_get_member (json_node_get_object (item), id_member);
      if (id_node == NULL || json_node_get_value_type (id_node) != G_TYPE_STRING)
        continue;
      id = json_node_get_string (id_node);
      /* Gemini names its models "models/gemini-…"; the API takes what follows. */
      if (info->wire_format == ADIUVA_WIRE_FORMAT_GEMINI && g_str_has_prefix (id, "models/"))
        id += strlen ("models/");
      if (*id != '\0')
        g_strv_builder_add (ids, id);
    }

  return g_strv_builder_end (ids);
}

static void
listing_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr (GTask) task = data;
  AdiuvaGatewayClient *self = ADIUVA_GATEWAY_CLIENT (source);
  const char          *provider = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = _adiuva_gateway_request_finish (result, NULL, &error);
  g_autoptr (JsonNode) root = NULL;
  AdiuvaProviderSettings   *settings;
  const AdiuvaProviderInfo *info;
  const AdiuvaWireCodec    *codec;
  GStrv                     ids;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = _adiuva_wire_codec_parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                        &error);
  if (root == NULL)
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                               _ ("%s sent a model list that is not JSON: %s"), provider,
                               error != NULL ? error->message : _ ("it is empty"));
      return;
    }

  /* The request resolved the provider already; it may only have been removed since. */
  if (!resolve_provider (self, provider, &settings, &info, &codec, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ids = parse_model_list (provider, info, root, &error);
  if (ids == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_strfreev);
}

/**
 * adiuva_gateway_client_list_models_async:
 * @provider: the user's name of a provider
 * @cancellable: (nullable): cancels the listing; so does adiuva_gateway_client_cancel_all()
 *
 * Asks the provider which models it offers: `GET {base}/models` for OpenAI-style APIs,
 * `/v1/models` for Anthropic, `/v1beta/models` for Gemini, `/api/tags` for Ollama (the
 * provider table's `models` endpoint). Only the first page is read.
 */
void
adiuva_gateway_client_list_models_async (AdiuvaGatewayClient *self,
                                         const char          *provider,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_gateway_client_list_models_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_strdup (provider), g_free);

  _adiuva_gateway_request_async (self, provider, SOUP_METHOD_GET, ADIUVA_ENDPOINT_MODELS, NULL,
                                 NULL, MAX_MODELS_BODY, NULL, NULL, cancellable, listing_done_cb,
                                 task);
}

/**
 * adiuva_gateway_client_list_models_finish:
 *
 * Returns: (transfer full): the model ids as the provider's API takes them, in the
 *   provider's order, or %NULL with @error set
 */
GStrv
adiuva_gateway_client_list_models_finish (AdiuvaGatewayClient *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (ADIUVA_IS_GATEWAY_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == adiuva_gateway_client_list_models_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Shared with the one-shot requests (adiuva-gateway-request-private.h) */

gboolean
_adiuva_gateway_client_resolve_provider (AdiuvaGatewayClient       *self,
                                         const char                *name,
                                         AdiuvaProviderSettings   **settings,
                                         const AdiuvaProviderInfo **info,
                                         const AdiuvaWireCodec    **codec,
                                         GError                   **error)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  return resolve_provider (self, name, settings, info, codec, error);
}

/* Follows aliases from @model_ref to a provider and the model as it names it. */
gboolean
_adiuva_gateway_client_resolve_ref (AdiuvaGatewayClient *self,
                                    const char          *model_ref,
                                    char               **provider,
                                    char               **model,
                                    GError             **error)
{
  g_autofree char *resolved = NULL;

  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  if (!resolve_alias (self, model_ref, &resolved, error))
    return FALSE;
  if (!split_model_ref (resolved, provider, model))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” does not name a model as provider/model."), resolved);
      return FALSE;
    }
  return TRUE;
}

SoupSession *
_adiuva_gateway_client_get_session (AdiuvaGatewayClient *self)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  return self->session;
}

void
_adiuva_gateway_client_add_headers (SoupMessage              *msg,
                                    const AdiuvaProviderInfo *info,
                                    AdiuvaProviderSettings   *settings)
{
  add_headers (msg, info, settings);
}

char *
_adiuva_gateway_client_describe_headers (SoupMessageHeaders *headers)
{
  return describe_headers (headers);
}

/* The kill switch cancels what is tracked. */
void
_adiuva_gateway_client_track (AdiuvaGatewayClient *self,
                              GCancellable        *cancellable)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  g_ptr_array_add (self->in_flight, cancellable);
}

void
_adiuva_gateway_client_untrack (AdiuvaGatewayClient *self,
                                GCancellable        *cancellable)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  g_ptr_array_remove (self->in_flight, cancellable);
}

char *
_adiuva_gateway_client_outcome_for_error (const GError *error)
{
  return outcome_for_error (error);
}

void
_adiuva_gateway_client_report_usage (AdiuvaGatewayClient     *self,
                                     const AdiuvaCallMetrics *metrics)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  adiuva_budgets_add_spent (self->budgets, metrics->caller, metrics->provider,
                            MAX (metrics->usage.input_tokens, 0) +
                                MAX (metrics->usage.output_tokens, 0),
                            metrics->cost, -1);
  adiuva_gateway_stats_add (self->stats, metrics);
  if (self->usage_func != NULL)
    self->usage_func (metrics, self->usage_data);
}

/* For calls without a chain to fall back along: any budget used up refuses them. */
gboolean
_adiuva_gateway_client_check_budgets (AdiuvaGatewayClient *self,
                                      const char          *caller,
                                      const char          *provider,
                                      GError             **error)
{
  g_assert (ADIUVA_IS_GATEWAY_CLIENT (self));

  return adiuva_budgets_check (self->budgets, ADIUVA_BUDGET_GLOBAL, NULL, error) &&
         adiuva_budgets_check (self->budgets, ADIUVA_BUDGET_CALLER, caller, error) &&
         adiuva_budgets_check (self->budgets, ADIUVA_BUDGET_PROVIDER, provider, error);
}
