/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

void     adiuva_toast_show (GtkWidget *widget,
                            AdwToast  *toast);
void     adiuva_toast_show_error (GtkWidget    *widget,
                                  const GError *error);
gboolean adiuva_record_approve (AdiuvaStore  *store,
                                AdiuvaRecord *record,
                                GError      **error);
gboolean adiuva_task_reopen (AdiuvaStore *store,
                             AdiuvaTask  *task,
                             GError     **error);
gboolean adiuva_records_delete_with_undo (GtkWidget   *widget,
                                          AdiuvaStore *store,
                                          GPtrArray   *records,
                                          const char  *title,
                                          GError     **error);
gboolean adiuva_record_delete_with_undo (GtkWidget    *widget,
                                         AdiuvaStore  *store,
                                         AdiuvaRecord *record,
                                         const char   *title,
                                         GError      **error);
gboolean adiuva_tasks_complete_with_undo (GtkWidget   *widget,
                                          AdiuvaStore *store,
                                          GPtrArray   *tasks,
                                          GError     **error);
gboolean adiuva_tasks_move_with_undo (GtkWidget   *widget,
                                      AdiuvaStore *store,
                                      GPtrArray   *tasks,
                                      gint64       project_id,
                                      GError     **error);
gboolean adiuva_project_set_archived_with_undo (GtkWidget     *widget,
                                                AdiuvaStore   *store,
                                                AdiuvaProject *project,
                                                gboolean       archived,
                                                GError       **error);

G_END_DECLS
