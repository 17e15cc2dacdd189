/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store-types.h"

G_BEGIN_DECLS

/* Recurrence rules are RFC 5545 RRULE values (FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5),
 * restricted to what tasks need: DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, BYDAY, BYMONTHDAY,
 * UNTIL (a date) or COUNT. */

gboolean adiuva_recurrence_validate (const char *rule,
                                     GError    **error);
char    *adiuva_recurrence_from_text (const char *text,
                                      GError    **error);
char    *adiuva_recurrence_describe (const char *rule);
gboolean adiuva_recurrence_next (const char *rule,
                                 GDateTime  *due,
                                 GDateTime  *now,
                                 GDateTime **next_due,
                                 char      **next_rule,
                                 GError    **error);

G_END_DECLS
