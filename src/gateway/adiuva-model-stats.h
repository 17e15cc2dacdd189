/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_MODEL_STATS (adiuva_model_stats_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaModelStats, adiuva_model_stats, ADIUVA, MODEL_STATS, GObject)

const char *adiuva_model_stats_get_provider (AdiuvaModelStats *self);
const char *adiuva_model_stats_get_model (AdiuvaModelStats *self);
guint64     adiuva_model_stats_get_calls (AdiuvaModelStats *self);
guint64     adiuva_model_stats_get_failures (AdiuvaModelStats *self);
guint64     adiuva_model_stats_get_input_tokens (AdiuvaModelStats *self);
guint64     adiuva_model_stats_get_output_tokens (AdiuvaModelStats *self);
double      adiuva_model_stats_get_cost (AdiuvaModelStats *self);
double      adiuva_model_stats_get_mean_time_to_first_token (AdiuvaModelStats *self);
double      adiuva_model_stats_get_p95_time_to_first_token (AdiuvaModelStats *self);
double      adiuva_model_stats_get_mean_tokens_per_second (AdiuvaModelStats *self);
const char *adiuva_model_stats_get_last_outcome (AdiuvaModelStats *self);

G_END_DECLS
