/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store.h"

G_BEGIN_DECLS

char       *adiuva_format_due (GDateTime *due,
                               gboolean   has_time,
                               GDateTime *now);
char       *adiuva_format_floating_due (const char *due,
                                        GDateTime  *now);
gboolean    adiuva_floating_due_is_overdue (const char *due,
                                            GDateTime  *now);
char       *adiuva_format_day (GDateTime *now,
                               int        days_from_now);
char       *adiuva_parse_date_words (const char *text,
                                     GDateTime  *now,
                                     gboolean    with_time);
const char *adiuva_date_words_hint (void);

const char *adiuva_format_project_status (AdiuvaProjectStatus status);
char       *adiuva_format_cost (double usd);
char       *adiuva_format_duration_us (gint64 us);

G_END_DECLS
