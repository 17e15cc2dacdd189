/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TASK_ROW (adiuva_task_row_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTaskRow, adiuva_task_row, ADIUVA, TASK_ROW, GtkWidget)

GtkWidget  *adiuva_task_row_new (AdiuvaStore *store);
AdiuvaTask *adiuva_task_row_get_task (AdiuvaTaskRow *self);
void        adiuva_task_row_set_task (AdiuvaTaskRow *self,
                                      AdiuvaTask    *task);

G_END_DECLS
