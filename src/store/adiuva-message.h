/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_MESSAGE (adiuva_message_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaMessage, adiuva_message, ADIUVA, MESSAGE, AdiuvaRecord)

AdiuvaMessage *adiuva_message_new (gint64            conversation_id,
                                   AdiuvaMessageRole role,
                                   const char       *content);

gint64            adiuva_message_get_conversation_id (AdiuvaMessage *self);
void              adiuva_message_set_conversation_id (AdiuvaMessage *self, gint64 conversation_id);
AdiuvaMessageRole adiuva_message_get_role (AdiuvaMessage *self);
void              adiuva_message_set_role (AdiuvaMessage *self, AdiuvaMessageRole role);
const char       *adiuva_message_get_content (AdiuvaMessage *self);
void              adiuva_message_set_content (AdiuvaMessage *self, const char *content);
const char       *adiuva_message_get_tool_calls (AdiuvaMessage *self);
void              adiuva_message_set_tool_calls (AdiuvaMessage *self, const char *tool_calls);
const char       *adiuva_message_get_tool_call_id (AdiuvaMessage *self);
void              adiuva_message_set_tool_call_id (AdiuvaMessage *self, const char *tool_call_id);
const char       *adiuva_message_get_model (AdiuvaMessage *self);
void              adiuva_message_set_model (AdiuvaMessage *self, const char *model);
gint64            adiuva_message_get_llm_call_id (AdiuvaMessage *self);
void              adiuva_message_set_llm_call_id (AdiuvaMessage *self, gint64 llm_call_id);
gboolean          adiuva_message_get_unfinished (AdiuvaMessage *self);
void              adiuva_message_set_unfinished (AdiuvaMessage *self, gboolean unfinished);

G_END_DECLS
