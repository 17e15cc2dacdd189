/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-application.h"
#include "adiuva-store.h"

G_BEGIN_DECLS

gboolean _adiuva_application_take_workspace (AdiuvaApplication *self,
                                             const char        *data_dir,
                                             AdiuvaStore      **store,
                                             GError           **error);
void     _adiuva_application_open_workspace_async (AdiuvaApplication  *self,
                                                   const char         *data_dir,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);

G_END_DECLS
