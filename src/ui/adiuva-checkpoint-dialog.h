/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record-dialog.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CHECKPOINT_DIALOG (adiuva_checkpoint_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaCheckpointDialog, adiuva_checkpoint_dialog, ADIUVA, CHECKPOINT_DIALOG, AdiuvaRecordDialog)

GtkWidget *adiuva_checkpoint_dialog_new (GtkWindow        *parent,
                                         AdiuvaStore      *store,
                                         gint64            project_id,
                                         AdiuvaCheckpoint *checkpoint);

G_END_DECLS
