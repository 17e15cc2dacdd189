/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-assistant.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CHAT_MESSAGE_ROW (adiuva_chat_message_row_get_type ())

/* clang-format off */
G_DECLARE_FINAL_TYPE (AdiuvaChatMessageRow, adiuva_chat_message_row, ADIUVA, CHAT_MESSAGE_ROW,
                      GtkListBoxRow)
/* clang-format on */

GtkWidget     *adiuva_chat_message_row_new (AdiuvaChatSession *session,
                                            AdiuvaMessage     *message);
AdiuvaMessage *adiuva_chat_message_row_get_message (AdiuvaChatMessageRow *self);
void           adiuva_chat_message_row_copy (AdiuvaChatMessageRow *self);
void           adiuva_chat_message_row_start_editing (AdiuvaChatMessageRow *self);

G_END_DECLS
