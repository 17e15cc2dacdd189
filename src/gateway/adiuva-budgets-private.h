/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-budgets.h"

G_BEGIN_DECLS

/* For tests: @now returns the real (wall-clock) time in microseconds since the epoch instead
 * of g_get_real_time(); days and months still follow the local time zone. */
void _adiuva_budgets_set_clock (AdiuvaBudgets *self,
                                gint64 (*now) (gpointer user_data),
                                gpointer user_data);

G_END_DECLS
