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
gboolean adiuva_record_delete_with_undo (GtkWidget    *widget,
                                         AdiuvaStore  *store,
                                         AdiuvaRecord *record,
                                         const char   *title,
                                         GError      **error);

G_END_DECLS
