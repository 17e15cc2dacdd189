/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-rate-limiter.h"

G_BEGIN_DECLS

/* For tests: @now returns monotonic microseconds instead of g_get_monotonic_time(). */
void _adiuva_rate_limiter_set_clock (AdiuvaRateLimiter *self,
                                     gint64 (*now) (gpointer user_data),
                                     gpointer user_data);

G_END_DECLS
