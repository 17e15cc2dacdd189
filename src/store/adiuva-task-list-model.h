/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-store-types.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TASK_LIST_MODEL (adiuva_task_list_model_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTaskListModel, adiuva_task_list_model, ADIUVA, TASK_LIST_MODEL, GObject)

AdiuvaTaskListModel    *adiuva_task_list_model_new (AdiuvaStore            *store,
                                                    const AdiuvaTaskFilter *filter);
AdiuvaTaskListModel    *adiuva_task_list_model_new_in_background (AdiuvaStore            *store,
                                                                  const AdiuvaTaskFilter *filter);
gboolean                adiuva_task_list_model_get_loading (AdiuvaTaskListModel *self);
const AdiuvaTaskFilter *adiuva_task_list_model_get_filter (AdiuvaTaskListModel *self);
void                    adiuva_task_list_model_set_filter (AdiuvaTaskListModel    *self,
                                                           const AdiuvaTaskFilter *filter);

G_END_DECLS
