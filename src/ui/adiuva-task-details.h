/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TASK_DETAILS (adiuva_task_details_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTaskDetails, adiuva_task_details, ADIUVA, TASK_DETAILS, GtkWidget)

AdiuvaTask *adiuva_task_details_get_task (AdiuvaTaskDetails *self);
void        adiuva_task_details_set_task (AdiuvaTaskDetails *self,
                                          AdiuvaStore       *store,
                                          AdiuvaTask        *task);
void        adiuva_task_details_save_notes (AdiuvaTaskDetails *self);

G_END_DECLS
