/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-chat-message-row.h"

G_BEGIN_DECLS

const char *_adiuva_chat_message_row_get_shown_text (AdiuvaChatMessageRow *self);
guint       _adiuva_chat_message_row_get_n_renders (AdiuvaChatMessageRow *self);
int         _adiuva_chat_message_row_get_text_height (AdiuvaChatMessageRow *self);
const char *_adiuva_chat_message_row_get_footer (AdiuvaChatMessageRow *self);
gboolean    _adiuva_chat_message_row_get_cut_off (AdiuvaChatMessageRow *self);
gboolean    _adiuva_chat_message_row_get_editing (AdiuvaChatMessageRow *self);
void        _adiuva_chat_message_row_set_edit_text (AdiuvaChatMessageRow *self,
                                                    const char           *text);

G_END_DECLS
