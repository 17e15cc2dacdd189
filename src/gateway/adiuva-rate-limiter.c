/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-gateway-types.h"
#include "adiuva-rate-limiter-private.h"

/*
 * AdiuvaRateLimiter keeps the user's rate limits as token buckets: one for requests and one
 * for tokens, per provider and per provider/model. A bucket holds a minute's worth and
 * refills continuously, so a quiet minute allows a burst of the whole limit and a busy one
 * is evened out.
 *
 * Tokens are taken before a request on an estimate and set right when the provider reports
 * what the request used. An answer longer than the estimate leaves the bucket in debt
 * (below zero), which later requests wait out: the limit holds on average, whatever the
 * estimates were.
 */

/* The answer's length when the request does not bound it: most chat answers are shorter,
 * and reconciling gives the rest back. */
#define DEFAULT_OUTPUT_ESTIMATE 1024
/* What an image costs in prompt tokens, roughly, at the providers' usual resolution. */
#define IMAGE_ESTIMATE 1000
#define CHARS_PER_TOKEN 4

typedef struct
{
  double capacity;
  double level;
  gint64 updated; /* µs */
} Bucket;

typedef struct
{
  guint  requests_per_minute;
  guint  tokens_per_minute;
  Bucket requests;
  Bucket tokens;
} Limit;

struct _AdiuvaRateLimiter
{
  GHashTable *limits; /* "provider" or "provider/model" → Limit */
  gint64 (*now) (gpointer user_data);
  gpointer now_data;
};

static gint64
monotonic_now (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static char *
limit_key (const char *provider,
           const char *model)
{
  return model != NULL ? g_strconcat (provider, "/", model, NULL) : g_strdup (provider);
}

static void
bucket_init (Bucket *bucket,
             guint   per_minute,
             gint64  now)
{
  bucket->capacity = per_minute;
  bucket->level = per_minute;
  bucket->updated = now;
}

static void
bucket_refill (Bucket *bucket,
               gint64  now)
{
  if (bucket->capacity <= 0 || now <= bucket->updated)
    return;
  bucket->level = MIN (bucket->capacity,
                       bucket->level + bucket->capacity * (double) (now - bucket->updated) /
                                           (60.0 * G_USEC_PER_SEC));
  bucket->updated = now;
}

/* How long until @bucket holds @amount, or as much as it can hold: a request larger than a
 * minute's worth goes through on a full bucket rather than never. */
static gint64
bucket_wait_us (const Bucket *bucket,
                double        amount)
{
  double need = MIN (amount, bucket->capacity);
  double wait;
  gint64 whole;

  if (bucket->capacity <= 0 || bucket->level >= need)
    return 0;
  /* Rounded up: waking a microsecond early would find the bucket still short. */
  wait = (need - bucket->level) * 60.0 * G_USEC_PER_SEC / bucket->capacity;
  whole = (gint64) wait;
  return whole < wait ? whole + 1 : whole;
}

/**
 * adiuva_rate_limiter_new:
 *
 * Returns: (transfer full): a limiter without limits: everything passes
 */
AdiuvaRateLimiter *
adiuva_rate_limiter_new (void)
{
  AdiuvaRateLimiter *self = g_new0 (AdiuvaRateLimiter, 1);

  self->limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->now = monotonic_now;
  return self;
}

void
adiuva_rate_limiter_free (AdiuvaRateLimiter *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->limits);
  g_free (self);
}

void
_adiuva_rate_limiter_set_clock (AdiuvaRateLimiter *self,
                                gint64 (*now) (gpointer user_data),
                                gpointer user_data)
{
  g_assert (self != NULL);

  self->now = now != NULL ? now : monotonic_now;
  self->now_data = user_data;
}

/**
 * adiuva_rate_limiter_set_limit:
 * @provider: the user's name of a provider
 * @model: (nullable): one of its models, or %NULL for all its models together
 * @requests_per_minute: requests a minute, 0 for no limit
 * @tokens_per_minute: tokens (prompt and answer) a minute, 0 for no limit
 *
 * Sets, replaces or (with two zeros) removes a limit. A new or changed limit starts full.
 * A request to a model is held to the model's limit and to its provider's.
 */
void
adiuva_rate_limiter_set_limit (AdiuvaRateLimiter *self,
                               const char        *provider,
                               const char        *model,
                               guint              requests_per_minute,
                               guint              tokens_per_minute)
{
  g_autofree char *key = NULL;
  Limit           *limit;
  gint64           now;

  g_return_if_fail (self != NULL);
  g_return_if_fail (provider != NULL);

  key = limit_key (provider, model);
  if (requests_per_minute == 0 && tokens_per_minute == 0)
    {
      g_hash_table_remove (self->limits, key);
      return;
    }

  now = self->now (self->now_data);
  limit = g_new0 (Limit, 1);
  limit->requests_per_minute = requests_per_minute;
  limit->tokens_per_minute = tokens_per_minute;
  bucket_init (&limit->requests, requests_per_minute, now);
  bucket_init (&limit->tokens, tokens_per_minute, now);
  g_hash_table_replace (self->limits, g_steal_pointer (&key), limit);
}

/**
 * adiuva_rate_limiter_get_limit:
 * @model: (nullable): a model, or %NULL for the provider's own limit
 * @requests_per_minute: (out) (optional): the limit, 0 for none
 * @tokens_per_minute: (out) (optional): the limit, 0 for none
 *
 * Returns: whether a limit is set for exactly this provider or provider/model
 */
gboolean
adiuva_rate_limiter_get_limit (AdiuvaRateLimiter *self,
                               const char        *provider,
                               const char        *model,
                               guint             *requests_per_minute,
                               guint             *tokens_per_minute)
{
  g_autofree char *key = NULL;
  Limit           *limit;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  key = limit_key (provider, model);
  limit = g_hash_table_lookup (self->limits, key);
  if (requests_per_minute != NULL)
    *requests_per_minute = limit != NULL ? limit->requests_per_minute : 0;
  if (tokens_per_minute != NULL)
    *tokens_per_minute = limit != NULL ? limit->tokens_per_minute : 0;
  return limit != NULL;
}

/* The provider's limit and the model's, those that are set. */
static guint
find_limits (AdiuvaRateLimiter *self,
             const char        *provider,
             const char        *model,
             Limit            **limits,
             const char       **names,
             char             **model_key)
{
  guint n = 0;

  *model_key = limit_key (provider, model);
  if ((limits[n] = g_hash_table_lookup (self->limits, provider)) != NULL)
    names[n++] = provider;
  if (model != NULL && (limits[n] = g_hash_table_lookup (self->limits, *model_key)) != NULL)
    names[n++] = *model_key;
  return n;
}

static void
set_limited_error (GError    **error,
                   const char *name,
                   guint       per_minute,
                   gboolean    tokens,
                   gint64      wait_us)
{
  guint            seconds = (guint) MIN ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, G_MAXUINT);
  g_autofree char *when = g_strdup_printf (ngettext ("%u second", "%u seconds", seconds), seconds);
  g_autofree char *rate = g_strdup_printf (tokens ? ngettext ("%u token a minute", "%u tokens a minute", per_minute) : ngettext ("%u request a minute", "%u requests a minute", per_minute),
                                           per_minute);

  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_RATE_LIMITED,
               _ ("The rate limit of %s (%s) is reached; it frees up in %s."), name, rate, when);
}

/**
 * adiuva_rate_limiter_acquire:
 * @provider: the user's name of the provider to ask
 * @model: (nullable): the model
 * @tokens: the tokens the request is expected to use, prompt and answer
 *   (see adiuva_rate_limiter_estimate_tokens())
 * @wait_us: (out): when %FALSE is returned, how long until the request would pass
 *
 * Takes one request and @tokens from the buckets of @provider and of @provider/@model, or
 * nothing when one of them lacks room.
 *
 * Returns: %TRUE when taken, or %FALSE with %ADIUVA_GATEWAY_ERROR_RATE_LIMITED naming the
 *   limit that holds the request longest and when it frees up
 */
gboolean
adiuva_rate_limiter_acquire (AdiuvaRateLimiter *self,
                             const char        *provider,
                             const char        *model,
                             gint64             tokens,
                             gint64            *wait_us,
                             GError           **error)
{
  g_autofree char *model_key = NULL;
  Limit           *limits[2];
  const char      *names[2];
  guint            n;
  gint64           now;
  gint64           longest = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (wait_us != NULL, FALSE);

  *wait_us = 0;
  n = find_limits (self, provider, model, limits, names, &model_key);
  if (n == 0)
    return TRUE;

  now = self->now (self->now_data);
  tokens = MAX (tokens, 0);
  for (guint i = 0; i < n; i++)
    {
      gint64 request_wait, token_wait;

      bucket_refill (&limits[i]->requests, now);
      bucket_refill (&limits[i]->tokens, now);
      request_wait = bucket_wait_us (&limits[i]->requests, 1);
      token_wait = bucket_wait_us (&limits[i]->tokens, tokens);
      if (request_wait > longest || token_wait > longest)
        {
          gboolean by_tokens = token_wait > request_wait;

          longest = MAX (request_wait, token_wait);
          g_clear_error (error);
          set_limited_error (error, names[i],
                             by_tokens ? limits[i]->tokens_per_minute : limits[i]->requests_per_minute,
                             by_tokens, longest);
        }
    }

  if (longest > 0)
    {
      *wait_us = longest;
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      if (limits[i]->requests.capacity > 0)
        limits[i]->requests.level -= 1;
      if (limits[i]->tokens.capacity > 0)
        limits[i]->tokens.level -= tokens;
    }
  return TRUE;
}

/**
 * adiuva_rate_limiter_reconcile:
 * @estimated_tokens: what adiuva_rate_limiter_acquire() took
 * @actual_tokens: what the request used, as the provider reported it
 *
 * Gives back what the estimate took too much, or takes what it took too little.
 */
void
adiuva_rate_limiter_reconcile (AdiuvaRateLimiter *self,
                               const char        *provider,
                               const char        *model,
                               gint64             estimated_tokens,
                               gint64             actual_tokens)
{
  g_autofree char *model_key = NULL;
  Limit           *limits[2];
  const char      *names[2];
  guint            n;
  gint64           now;

  g_return_if_fail (self != NULL);
  g_return_if_fail (provider != NULL);

  n = find_limits (self, provider, model, limits, names, &model_key);
  now = self->now (self->now_data);
  for (guint i = 0; i < n; i++)
    {
      Bucket *bucket = &limits[i]->tokens;

      if (bucket->capacity <= 0)
        continue;
      bucket_refill (bucket, now);
      bucket->level = MIN (bucket->capacity,
                           bucket->level + (double) (estimated_tokens - actual_tokens));
    }
}

static gint64
text_tokens (const char *text)
{
  return text != NULL ? (gint64) g_utf8_strlen (text, -1) : 0;
}

/**
 * adiuva_rate_limiter_estimate_tokens:
 *
 * Estimates the tokens @request will use before the provider says: about four characters a
 * token for the prompt (messages, tool calls and tool definitions), a flat amount for each
 * image, plus the longest answer it allows (1024 tokens when it does not say).
 *
 * Returns: the estimate, at least 1
 */
gint64
adiuva_rate_limiter_estimate_tokens (AdiuvaChatRequest *request)
{
  gint64 chars = 0;
  gint64 images = 0;

  g_return_val_if_fail (request != NULL, 0);

  for (guint i = 0; request->messages != NULL && i < request->messages->len; i++)
    {
      AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);

      for (guint j = 0; message->parts != NULL && j < message->parts->len; j++)
        {
          AdiuvaContentPart *part = g_ptr_array_index (message->parts, j);

          if (part->kind == ADIUVA_PART_IMAGE)
            images++;
          else
            chars += text_tokens (part->text);
        }
      for (guint j = 0; message->tool_calls != NULL && j < message->tool_calls->len; j++)
        {
          AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, j);

          chars += text_tokens (call->name) + text_tokens (call->arguments);
        }
      chars += text_tokens (message->reasoning);
    }

  for (guint i = 0; request->tools != NULL && i < request->tools->len; i++)
    {
      AdiuvaToolDefinition *tool = g_ptr_array_index (request->tools, i);
      g_autofree char      *schema = tool->parameters != NULL ? json_to_string (tool->parameters, FALSE) : NULL;

      chars += text_tokens (tool->name) + text_tokens (tool->description) + text_tokens (schema);
    }

  return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + images * IMAGE_ESTIMATE +
         (request->max_tokens > 0 ? request->max_tokens : DEFAULT_OUTPUT_ESTIMATE);
}
