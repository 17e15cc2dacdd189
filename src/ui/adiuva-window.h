/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-store.h"
#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_WINDOW (adiuva_window_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaWindow, adiuva_window, ADIUVA, WINDOW, AdwApplicationWindow)

AdiuvaWindow           *adiuva_window_new (GtkApplication *application,
                                           const char     *data_dir);
AdiuvaWindow           *adiuva_window_new_for_store (GtkApplication *application,
                                                     AdiuvaStore    *store);
AdiuvaStore            *adiuva_window_get_store (AdiuvaWindow *self);
AdiuvaWorkspaceGateway *adiuva_window_get_workspace_gateway (AdiuvaWindow *self);
gboolean                adiuva_window_show_page (AdiuvaWindow *self,
                                                 const char   *page_id);
void                    adiuva_window_show_task (AdiuvaWindow *self,
                                                 gint64        task_id);

G_END_DECLS
