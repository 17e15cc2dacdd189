/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-store-types.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CONVERSATION_LIST_MODEL (adiuva_conversation_list_model_get_type ())

/* clang-format off */
G_DECLARE_FINAL_TYPE (AdiuvaConversationListModel, adiuva_conversation_list_model, ADIUVA,
                      CONVERSATION_LIST_MODEL, GObject)
/* clang-format on */

/* clang-format off */
AdiuvaConversationListModel *adiuva_conversation_list_model_new (AdiuvaStore *store,
                                                                 gint64       project_id);
gint64 adiuva_conversation_list_model_get_project_id (AdiuvaConversationListModel *self);
/* clang-format on */

G_END_DECLS
