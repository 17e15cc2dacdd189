/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_MODEL_CHOICE (adiuva_model_choice_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaModelChoice, adiuva_model_choice, ADIUVA, MODEL_CHOICE, GObject)

/*
 * One model a user can pick for a chat: "reference" is what the gateway is asked for
 * (PROVIDER/MODEL, an alias, or "auto" when the workspace has routes), "provider" and "model"
 * what it stands for (both NULL for "auto"), "is-local" whether answers are made on this machine
 * or network (Ollama, a localhost server) rather than by a cloud provider.
 */
const char *adiuva_model_choice_get_reference (AdiuvaModelChoice *self);
const char *adiuva_model_choice_get_provider (AdiuvaModelChoice *self);
const char *adiuva_model_choice_get_model (AdiuvaModelChoice *self);
gboolean    adiuva_model_choice_get_is_local (AdiuvaModelChoice *self);

/*
 * Every model of every configured provider, as the providers list them (their catalogue when
 * a provider cannot be reached), local ones first, then aliases and "auto". Never fails because
 * one provider is down; fails only when the workspace's settings cannot be read.
 */
void        adiuva_model_choices_list_async (AdiuvaWorkspaceGateway *gateway,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
GListModel *adiuva_model_choices_list_finish (GAsyncResult *result,
                                              GError      **error);

G_END_DECLS
