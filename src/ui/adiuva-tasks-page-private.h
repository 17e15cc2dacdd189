/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-quick-add-model.h"
#include "adiuva-task-details.h"
#include "adiuva-tasks-page.h"

G_BEGIN_DECLS

GtkEditable         *_adiuva_tasks_page_get_entry (AdiuvaTasksPage *self);
GtkGridView         *_adiuva_tasks_page_get_list_view (AdiuvaTasksPage *self);
GListModel          *_adiuva_tasks_page_get_tasks (AdiuvaTasksPage *self);
AdiuvaQuickAddModel *_adiuva_tasks_page_get_chips (AdiuvaTasksPage *self);
AdiuvaTaskDetails   *_adiuva_tasks_page_get_details (AdiuvaTasksPage *self);
GtkSelectionModel   *_adiuva_tasks_page_get_selection (AdiuvaTasksPage *self);
gboolean             _adiuva_tasks_page_move_task (AdiuvaTasksPage *self,
                                                   gint64           task_id,
                                                   gint64           before_id);
gboolean             _adiuva_tasks_page_move_task_by (AdiuvaTasksPage *self,
                                                      gint64           task_id,
                                                      int              offset);
const char          *_adiuva_tasks_page_get_message (AdiuvaTasksPage *self);

G_END_DECLS
