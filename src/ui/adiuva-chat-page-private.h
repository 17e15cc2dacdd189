/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-chat-message-row.h"
#include "adiuva-chat-page.h"

G_BEGIN_DECLS

AdiuvaChatSession    *_adiuva_chat_page_get_session (AdiuvaChatPage *self);
void                  _adiuva_chat_page_set_composer_text (AdiuvaChatPage *self,
                                                           const char     *text);
const char           *_adiuva_chat_page_get_state (AdiuvaChatPage *self);
guint                 _adiuva_chat_page_get_n_conversations (AdiuvaChatPage *self);
AdiuvaChatMessageRow *_adiuva_chat_page_get_message_row (AdiuvaChatPage *self,
                                                         guint           index);
const char           *_adiuva_chat_page_get_problem_title (AdiuvaChatPage *self);
const char           *_adiuva_chat_page_get_problem_action (AdiuvaChatPage *self,
                                                            gboolean        primary);
GListModel           *_adiuva_chat_page_get_model_choices (AdiuvaChatPage *self);
const char           *_adiuva_chat_page_get_model_label (AdiuvaChatPage *self);
const char           *_adiuva_chat_page_get_model_place (AdiuvaChatPage *self);
GtkWidget            *_adiuva_chat_page_get_model_popover (AdiuvaChatPage *self);
guint                 _adiuva_chat_page_get_n_model_rows (AdiuvaChatPage *self);
GStrv                 _adiuva_chat_page_dup_marked_models (AdiuvaChatPage *self);

G_END_DECLS
