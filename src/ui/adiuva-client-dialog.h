/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record-dialog.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CLIENT_DIALOG (adiuva_client_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaClientDialog, adiuva_client_dialog, ADIUVA, CLIENT_DIALOG, AdiuvaRecordDialog)

GtkWidget *adiuva_client_dialog_new (GtkWindow    *parent,
                                     AdiuvaStore  *store,
                                     AdiuvaClient *client);

G_END_DECLS
