/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record-dialog.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PROJECT_DIALOG (adiuva_project_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaProjectDialog, adiuva_project_dialog, ADIUVA, PROJECT_DIALOG, AdiuvaRecordDialog)

GtkWidget *adiuva_project_dialog_new (GtkWindow     *parent,
                                      AdiuvaStore   *store,
                                      AdiuvaProject *project);

G_END_DECLS
