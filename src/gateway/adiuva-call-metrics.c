/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include "adiuva-call-metrics.h"
#include "adiuva-gateway-client-private.h"

G_DEFINE_BOXED_TYPE (AdiuvaCallMetrics, adiuva_call_metrics, adiuva_call_metrics_copy, adiuva_call_metrics_free)

/**
 * adiuva_call_metrics_new:
 *
 * Returns: (transfer full): empty metrics: no strings, no time to first token, usage unknown
 */
AdiuvaCallMetrics *
adiuva_call_metrics_new (void)
{
  AdiuvaCallMetrics *self = g_new0 (AdiuvaCallMetrics, 1);
  AdiuvaUsage        unknown = ADIUVA_USAGE_INIT;

  self->time_to_first_token_us = -1;
  self->usage = unknown;

  return self;
}

AdiuvaCallMetrics *
adiuva_call_metrics_copy (const AdiuvaCallMetrics *self)
{
  AdiuvaCallMetrics *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->caller = g_strdup (self->caller);
  copy->provider = g_strdup (self->provider);
  copy->model = g_strdup (self->model);
  copy->route = g_strdup (self->route);
  copy->outcome = g_strdup (self->outcome);

  return copy;
}

void
adiuva_call_metrics_free (AdiuvaCallMetrics *self)
{
  if (self == NULL)
    return;

  g_free (self->caller);
  g_free (self->provider);
  g_free (self->model);
  g_free (self->route);
  g_free (self->outcome);
  g_free (self);
}

/* The next AdiuvaCallMetrics:call_id, from any thread. */
guint64
_adiuva_call_metrics_next_call_id (void)
{
  static guint64 last_id;
  G_LOCK_DEFINE_STATIC (last_id);
  guint64 id;

  G_LOCK (last_id);
  id = ++last_id;
  G_UNLOCK (last_id);
  return id;
}
