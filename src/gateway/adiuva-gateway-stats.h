/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-call-metrics.h"
#include "adiuva-model-stats.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_GATEWAY_STATS (adiuva_gateway_stats_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaGatewayStats, adiuva_gateway_stats, ADIUVA, GATEWAY_STATS, GObject)

AdiuvaGatewayStats *adiuva_gateway_stats_new (void);
void                adiuva_gateway_stats_add (AdiuvaGatewayStats      *self,
                                              const AdiuvaCallMetrics *metrics);
AdiuvaModelStats   *adiuva_gateway_stats_lookup (AdiuvaGatewayStats *self,
                                                 const char         *provider,
                                                 const char         *model);
AdiuvaModelStats   *adiuva_gateway_stats_get_totals (AdiuvaGatewayStats *self);

G_END_DECLS
