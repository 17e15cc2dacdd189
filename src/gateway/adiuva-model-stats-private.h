/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-call-metrics.h"
#include "adiuva-model-stats.h"

G_BEGIN_DECLS

AdiuvaModelStats *_adiuva_model_stats_new (const char *provider,
                                           const char *model);
void              _adiuva_model_stats_add (AdiuvaModelStats        *self,
                                           const AdiuvaCallMetrics *metrics);

G_END_DECLS
