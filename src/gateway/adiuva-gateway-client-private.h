/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-connectivity-private.h"
#include "adiuva-gateway-client.h"

G_BEGIN_DECLS

/* For tests, which cannot wait for production back-off and cool-down times. */
void _adiuva_gateway_client_set_timings (AdiuvaGatewayClient *self,
                                         guint                backoff_base_ms,
                                         guint                backoff_max_ms,
                                         guint                breaker_cooldown_ms);

/* For tests, which cannot unplug the machine's network. */
void _adiuva_gateway_client_set_network_state (AdiuvaGatewayClient *self,
                                               AdiuvaNetworkState   state);

G_END_DECLS
