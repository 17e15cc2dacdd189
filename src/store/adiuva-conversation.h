/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CONVERSATION (adiuva_conversation_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaConversation, adiuva_conversation, ADIUVA, CONVERSATION, AdiuvaRecord)

AdiuvaConversation *adiuva_conversation_new (void);

const char *adiuva_conversation_get_title (AdiuvaConversation *self);
void        adiuva_conversation_set_title (AdiuvaConversation *self, const char *title);
gint64      adiuva_conversation_get_project_id (AdiuvaConversation *self);
void        adiuva_conversation_set_project_id (AdiuvaConversation *self, gint64 project_id);
const char *adiuva_conversation_get_model (AdiuvaConversation *self);
void        adiuva_conversation_set_model (AdiuvaConversation *self, const char *model);

G_END_DECLS
