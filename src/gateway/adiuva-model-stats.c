/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <string.h>

#include "adiuva-model-stats-private.h"

/*
 * AdiuvaModelStats: the running totals of the attempts made to one provider/model (or to all
 * of them, for the totals of an #AdiuvaGatewayStats), as properties a list view can bind.
 * Times are in milliseconds. The 95th percentile of the time to first token is over the
 * last attempts only (see P95_WINDOW), so a long session does not grow it without bound.
 */

#define P95_WINDOW 512

struct _AdiuvaModelStats
{
  GObject parent_instance;

  char    *provider;
  char    *model;
  guint64  calls;
  guint64  failures;
  guint64  input_tokens;
  guint64  output_tokens;
  double   cost;
  double   ttft_sum_ms;
  guint64  ttft_count;
  double   ttft_window[P95_WINDOW];
  guint    window_len;
  guint    window_next;
  double   p95_ttft_ms;
  gboolean p95_stale; /* sorted when read, not at every call the gateway makes */
  double   tps_sum;
  guint64  tps_count;
  char    *last_outcome;
};

G_DEFINE_FINAL_TYPE (AdiuvaModelStats, adiuva_model_stats, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_CALLS,
  PROP_FAILURES,
  PROP_INPUT_TOKENS,
  PROP_OUTPUT_TOKENS,
  PROP_COST,
  PROP_MEAN_TIME_TO_FIRST_TOKEN,
  PROP_P95_TIME_TO_FIRST_TOKEN,
  PROP_MEAN_TOKENS_PER_SECOND,
  PROP_LAST_OUTCOME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
adiuva_model_stats_finalize (GObject *object)
{
  AdiuvaModelStats *self = ADIUVA_MODEL_STATS (object);

  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->last_outcome, g_free);

  G_OBJECT_CLASS (adiuva_model_stats_parent_class)->finalize (object);
}

static void
adiuva_model_stats_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AdiuvaModelStats *self = ADIUVA_MODEL_STATS (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_CALLS:
      g_value_set_uint64 (value, self->calls);
      break;
    case PROP_FAILURES:
      g_value_set_uint64 (value, self->failures);
      break;
    case PROP_INPUT_TOKENS:
      g_value_set_uint64 (value, self->input_tokens);
      break;
    case PROP_OUTPUT_TOKENS:
      g_value_set_uint64 (value, self->output_tokens);
      break;
    case PROP_COST:
      g_value_set_double (value, self->cost);
      break;
    case PROP_MEAN_TIME_TO_FIRST_TOKEN:
      g_value_set_double (value, adiuva_model_stats_get_mean_time_to_first_token (self));
      break;
    case PROP_P95_TIME_TO_FIRST_TOKEN:
      g_value_set_double (value, adiuva_model_stats_get_p95_time_to_first_token (self));
      break;
    case PROP_MEAN_TOKENS_PER_SECOND:
      g_value_set_double (value, adiuva_model_stats_get_mean_tokens_per_second (self));
      break;
    case PROP_LAST_OUTCOME:
      g_value_set_string (value, self->last_outcome);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
uint64_property (const char *name)
{
  return g_param_spec_uint64 (name, NULL, NULL, 0, G_MAXUINT64, 0,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
double_property (const char *name,
                 double      minimum,
                 double      default_value)
{
  return g_param_spec_double (name, NULL, NULL, minimum, G_MAXDOUBLE, default_value,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
adiuva_model_stats_class_init (AdiuvaModelStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = adiuva_model_stats_finalize;
  object_class->get_property = adiuva_model_stats_get_property;

  /**
   * AdiuvaModelStats:provider:
   *
   * The user's name of the provider, or %NULL for the totals of all of them.
   */
  properties[PROP_PROVIDER] = string_property ("provider");
  /**
   * AdiuvaModelStats:model:
   *
   * The model as the provider names it, or %NULL for the totals.
   */
  properties[PROP_MODEL] = string_property ("model");
  /**
   * AdiuvaModelStats:calls:
   *
   * Attempts made: retries and fallback hops count each.
   */
  properties[PROP_CALLS] = uint64_property ("calls");
  /**
   * AdiuvaModelStats:failures:
   *
   * Attempts whose outcome was not `ok`, cancelled ones included.
   */
  properties[PROP_FAILURES] = uint64_property ("failures");
  /**
   * AdiuvaModelStats:input-tokens:
   *
   * Prompt tokens the provider reported.
   */
  properties[PROP_INPUT_TOKENS] = uint64_property ("input-tokens");
  /**
   * AdiuvaModelStats:output-tokens:
   *
   * Answer tokens the provider reported.
   */
  properties[PROP_OUTPUT_TOKENS] = uint64_property ("output-tokens");
  /**
   * AdiuvaModelStats:cost:
   *
   * The list price in USD of the tokens.
   */
  properties[PROP_COST] = double_property ("cost", 0, 0);
  /**
   * AdiuvaModelStats:mean-time-to-first-token:
   *
   * Milliseconds from an attempt's start to its first piece of answer, over the attempts
   * that got one; -1 before any did.
   */
  properties[PROP_MEAN_TIME_TO_FIRST_TOKEN] = double_property ("mean-time-to-first-token", -1, -1);
  /**
   * AdiuvaModelStats:p95-time-to-first-token:
   *
   * The 95th percentile of the same, over the last 512 attempts that got an answer; -1
   * before any did.
   */
  properties[PROP_P95_TIME_TO_FIRST_TOKEN] = double_property ("p95-time-to-first-token", -1, -1);
  /**
   * AdiuvaModelStats:mean-tokens-per-second:
   *
   * Answer tokens a second, over the attempts whose rate is known; 0 before any.
   */
  properties[PROP_MEAN_TOKENS_PER_SECOND] = double_property ("mean-tokens-per-second", 0, 0);
  /**
   * AdiuvaModelStats:last-outcome:
   *
   * The last attempt's outcome as in #AdiuvaCallMetrics: `ok`, `cancelled`, `error:…`.
   */
  properties[PROP_LAST_OUTCOME] = string_property ("last-outcome");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
adiuva_model_stats_init (AdiuvaModelStats *self)
{
  self->p95_ttft_ms = -1;
}

AdiuvaModelStats *
_adiuva_model_stats_new (const char *provider,
                         const char *model)
{
  AdiuvaModelStats *self = g_object_new (ADIUVA_TYPE_MODEL_STATS, NULL);

  self->provider = g_strdup (provider);
  self->model = g_strdup (model);
  return self;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample at or above 95 % of them. */
static double
p95 (const double *samples,
     guint         n)
{
  double sorted[P95_WINDOW];
  guint  rank;

  memcpy (sorted, samples, n * sizeof *samples);
  qsort (sorted, n, sizeof *sorted, compare_doubles);
  rank = (95 * n + 99) / 100;
  return sorted[MAX (rank, 1) - 1];
}

void
_adiuva_model_stats_add (AdiuvaModelStats        *self,
                         const AdiuvaCallMetrics *metrics)
{
  g_assert (ADIUVA_IS_MODEL_STATS (self));
  g_assert (metrics != NULL);

  g_object_freeze_notify (G_OBJECT (self));

  self->calls++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALLS]);
  if (g_strcmp0 (metrics->outcome, "ok") != 0)
    {
      self->failures++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURES]);
    }
  if (metrics->usage.input_tokens > 0)
    {
      self->input_tokens += metrics->usage.input_tokens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INPUT_TOKENS]);
    }
  if (metrics->usage.output_tokens > 0)
    {
      self->output_tokens += metrics->usage.output_tokens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT_TOKENS]);
    }
  if (metrics->cost > 0)
    {
      self->cost += metrics->cost;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COST]);
    }
  if (metrics->time_to_first_token_us >= 0)
    {
      double ms = metrics->time_to_first_token_us / 1000.0;

      self->ttft_sum_ms += ms;
      self->ttft_count++;
      self->ttft_window[self->window_next] = ms;
      self->window_next = (self->window_next + 1) % P95_WINDOW;
      self->window_len = MIN (self->window_len + 1, P95_WINDOW);
      self->p95_stale = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEAN_TIME_TO_FIRST_TOKEN]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_P95_TIME_TO_FIRST_TOKEN]);
    }
  if (metrics->tokens_per_second > 0)
    {
      self->tps_sum += metrics->tokens_per_second;
      self->tps_count++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEAN_TOKENS_PER_SECOND]);
    }
  if (g_strcmp0 (self->last_outcome, metrics->outcome) != 0)
    {
      g_free (self->last_outcome);
      self->last_outcome = g_strdup (metrics->outcome);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_OUTCOME]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * adiuva_model_stats_get_provider:
 *
 * Returns: (nullable): the provider, or %NULL for the totals
 */
const char *
adiuva_model_stats_get_provider (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), NULL);
  return self->provider;
}

/**
 * adiuva_model_stats_get_model:
 *
 * Returns: (nullable): the model, or %NULL for the totals
 */
const char *
adiuva_model_stats_get_model (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), NULL);
  return self->model;
}

guint64
adiuva_model_stats_get_calls (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), 0);
  return self->calls;
}

guint64
adiuva_model_stats_get_failures (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), 0);
  return self->failures;
}

guint64
adiuva_model_stats_get_input_tokens (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), 0);
  return self->input_tokens;
}

guint64
adiuva_model_stats_get_output_tokens (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), 0);
  return self->output_tokens;
}

double
adiuva_model_stats_get_cost (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), 0);
  return self->cost;
}

/**
 * adiuva_model_stats_get_mean_time_to_first_token:
 *
 * Returns: milliseconds, or -1 before any attempt got a first token
 */
double
adiuva_model_stats_get_mean_time_to_first_token (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), -1);
  return self->ttft_count > 0 ? self->ttft_sum_ms / self->ttft_count : -1;
}

/**
 * adiuva_model_stats_get_p95_time_to_first_token:
 *
 * Returns: milliseconds, or -1 before any attempt got a first token
 */
double
adiuva_model_stats_get_p95_time_to_first_token (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), -1);

  if (self->p95_stale)
    {
      self->p95_ttft_ms = p95 (self->ttft_window, self->window_len);
      self->p95_stale = FALSE;
    }
  return self->p95_ttft_ms;
}

double
adiuva_model_stats_get_mean_tokens_per_second (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), 0);
  return self->tps_count > 0 ? self->tps_sum / self->tps_count : 0;
}

/**
 * adiuva_model_stats_get_last_outcome:
 *
 * Returns: (nullable): the last attempt's outcome, or %NULL before any
 */
const char *
adiuva_model_stats_get_last_outcome (AdiuvaModelStats *self)
{
  g_return_val_if_fail (ADIUVA_IS_MODEL_STATS (self), NULL);
  return self->last_outcome;
}
