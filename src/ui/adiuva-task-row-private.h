/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-task-row.h"

G_BEGIN_DECLS

GtkCheckButton *_adiuva_task_row_get_check (AdiuvaTaskRow *self);
const char     *_adiuva_task_row_get_title (AdiuvaTaskRow *self);
const char     *_adiuva_task_row_get_details (AdiuvaTaskRow *self);

G_END_DECLS
