/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Calendar dates of tasks and checkpoints are floating: `2026-12-01` or `2026-12-01T17:00:00`,
 * read in the local time zone. */
char      *adiuva_date_format_floating (GDateTime *date_time,
                                        gboolean   has_time);
GDateTime *adiuva_date_parse_floating (const char *text,
                                       GTimeZone  *tz,
                                       gboolean   *has_time);

G_END_DECLS
