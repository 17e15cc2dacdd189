/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <string.h>

#include "adiuva-connectivity-private.h"

/*
 * The offline preference of the gateway: when the network is down, or remote providers could
 * not be connected to a moment ago, a call's chain asks the local models in it first (an
 * Ollama, or a server on the loopback interface) instead of waiting for remote ones to fail.
 * A chain without a local model is left as it is.
 */

/* How long failed connections to remote providers count as "offline". */
#define REMOTE_FAILURE_MEMORY_US (60 * G_USEC_PER_SEC)

struct _AdiuvaConnectivity
{
  AdiuvaNetworkState state;
  GNetworkMonitor   *monitor;          /* the system's, fetched when first needed */
  gint64             remote_failed_at; /* monotonic µs, 0 when the last remote call connected */
};

AdiuvaConnectivity *
_adiuva_connectivity_new (void)
{
  return g_new0 (AdiuvaConnectivity, 1);
}

void
_adiuva_connectivity_free (AdiuvaConnectivity *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->monitor);
  g_free (self);
}

void
_adiuva_connectivity_set_network_state (AdiuvaConnectivity *self,
                                        AdiuvaNetworkState  state)
{
  self->state = state;
}

static gboolean
network_available (AdiuvaConnectivity *self)
{
  switch (self->state)
    {
    case ADIUVA_NETWORK_AVAILABLE:
      return TRUE;
    case ADIUVA_NETWORK_UNAVAILABLE:
      return FALSE;
    case ADIUVA_NETWORK_FROM_MONITOR:
    default:
      /* Only chains that mix local and remote models ask, so most clients never open it. */
      if (self->monitor == NULL)
        self->monitor = g_object_ref (g_network_monitor_get_default ());
      return g_network_monitor_get_network_available (self->monitor);
    }
}

gboolean
_adiuva_connectivity_prefers_local (AdiuvaConnectivity *self)
{
  if (self->remote_failed_at != 0 &&
      g_get_monotonic_time () - self->remote_failed_at < REMOTE_FAILURE_MEMORY_US)
    return TRUE;
  return !network_available (self);
}

/* Failures that say the network, not the provider, is the trouble. */
static gboolean
is_connect_failure (const GError *error)
{
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
}

/**
 * _adiuva_connectivity_record:
 * @local: whether the provider asked is a local one
 * @connect_error: (nullable): why the connection failed, or %NULL when the provider answered
 *
 * Remembers failed connections to remote providers for a minute; a remote provider that
 * answers ends that at once.
 */
void
_adiuva_connectivity_record (AdiuvaConnectivity *self,
                             gboolean            local,
                             const GError       *connect_error)
{
  if (local)
    return;
  if (connect_error == NULL)
    self->remote_failed_at = 0;
  else if (is_connect_failure (connect_error))
    {
      g_debug ("a remote provider could not be reached (%s): local models go first for a while",
               connect_error->message);
      self->remote_failed_at = g_get_monotonic_time ();
    }
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      (strlen (host) > strlen (".localhost") &&
       g_ascii_strcasecmp (host + strlen (host) - strlen (".localhost"), ".localhost") == 0))
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * _adiuva_provider_is_local:
 *
 * Returns: whether the provider is an Ollama or its base URL is on this machine (localhost,
 *   127.0.0.0/8, ::1)
 */
gboolean
_adiuva_provider_is_local (const AdiuvaProviderInfo *info,
                           AdiuvaProviderSettings   *settings)
{
  const char *base = adiuva_provider_settings_get_base_url (settings);
  g_autoptr (GUri) uri = NULL;

  if (info->wire_format == ADIUVA_WIRE_FORMAT_OLLAMA)
    return TRUE;
  if (base == NULL)
    base = info->default_base_url;
  uri = base != NULL ? g_uri_parse (base, G_URI_FLAGS_NONE, NULL) : NULL;
  return uri != NULL && g_uri_get_host (uri) != NULL && is_loopback_host (g_uri_get_host (uri));
}

/**
 * _adiuva_connectivity_put_local_first:
 * @targets: (element-type utf8): a call's chain
 * @local: for each of @targets, whether it is a local model
 *
 * Moves the local models to the front, each group keeping its order.
 */
void
_adiuva_connectivity_put_local_first (GPtrArray      *targets,
                                      const gboolean *local)
{
  g_autoptr (GPtrArray) remote = g_ptr_array_new ();
  guint kept = 0;

  for (guint i = 0; i < targets->len; i++)
    {
      if (local[i])
        targets->pdata[kept++] = targets->pdata[i];
      else
        g_ptr_array_add (remote, targets->pdata[i]);
    }
  for (guint i = 0; i < remote->len; i++)
    targets->pdata[kept + i] = remote->pdata[i];
}
