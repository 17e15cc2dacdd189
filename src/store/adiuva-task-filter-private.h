/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "adiuva-task-filter.h"

G_BEGIN_DECLS

char       *_adiuva_task_filter_to_sql (const AdiuvaTaskFilter *self,
                                        GPtrArray              *binds);
const char *_adiuva_task_filter_order_sql (const AdiuvaTaskFilter *self);
void        _adiuva_task_filter_bind (sqlite3_stmt *stmt,
                                      GPtrArray    *binds);

G_END_DECLS
