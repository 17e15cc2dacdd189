/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-cli-context.h"
#include "adiuva-gateway.h"

G_BEGIN_DECLS

/* The gateway's configuration is the workspace's (AdiuvaWorkspaceGateway, in src/assistant);
 * these are what the command line adds: waiting for one answer, and its own words. */
GAsyncResult        *adiuva_cli_wait (GAsyncResult **slot);
GAsyncResult        *adiuva_cli_wait_interruptible (GAsyncResult **slot,
                                                    GCancellable  *cancellable);
void                 adiuva_cli_store_result_cb (GObject      *source,
                                                 GAsyncResult *result,
                                                 gpointer      user_data);
AdiuvaGatewayClient *adiuva_cli_new_gateway_client (AdiuvaCliContext *cli,
                                                    const char       *only,
                                                    GError          **error);
gboolean             adiuva_cli_choose_model (AdiuvaCliContext *cli,
                                              char            **model,
                                              const char       *missing,
                                              char            **provider,
                                              GError          **error);

G_END_DECLS
