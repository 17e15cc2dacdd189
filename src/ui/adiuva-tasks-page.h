/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TASKS_PAGE (adiuva_tasks_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTasksPage, adiuva_tasks_page, ADIUVA, TASKS_PAGE, GtkWidget)

void adiuva_tasks_page_focus_quick_add (AdiuvaTasksPage *self);
void adiuva_tasks_page_show_task (AdiuvaTasksPage *self,
                                  gint64           task_id);

G_END_DECLS
