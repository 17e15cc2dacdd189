/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-provider-settings.h"
#include "adiuva-provider-table.h"

G_BEGIN_DECLS

/* Where the gateway learns whether the network is up: the system, or a test. */
typedef enum
{
  ADIUVA_NETWORK_FROM_MONITOR,
  ADIUVA_NETWORK_AVAILABLE,
  ADIUVA_NETWORK_UNAVAILABLE,
} AdiuvaNetworkState;

typedef struct _AdiuvaConnectivity AdiuvaConnectivity;

AdiuvaConnectivity *_adiuva_connectivity_new (void);
void                _adiuva_connectivity_free (AdiuvaConnectivity *self);
void                _adiuva_connectivity_set_network_state (AdiuvaConnectivity *self,
                                                            AdiuvaNetworkState  state);
gboolean            _adiuva_connectivity_prefers_local (AdiuvaConnectivity *self);
void                _adiuva_connectivity_record (AdiuvaConnectivity *self,
                                                 gboolean            local,
                                                 const GError       *connect_error);
gboolean            _adiuva_provider_is_local (const AdiuvaProviderInfo *info,
                                               AdiuvaProviderSettings   *settings);
void                _adiuva_connectivity_put_local_first (GPtrArray      *targets,
                                                          const gboolean *local);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaConnectivity, _adiuva_connectivity_free)

G_END_DECLS
