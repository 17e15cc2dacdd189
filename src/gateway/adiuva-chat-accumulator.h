/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-chat-delta.h"
#include "adiuva-chat-message.h"

G_BEGIN_DECLS

AdiuvaChatAccumulator *adiuva_chat_accumulator_new (void);
void                   adiuva_chat_accumulator_free (AdiuvaChatAccumulator *self);
gboolean               adiuva_chat_accumulator_add (AdiuvaChatAccumulator *self,
                                                    const AdiuvaChatDelta *delta,
                                                    GError               **error);
AdiuvaChatMessage     *adiuva_chat_accumulator_dup_message (AdiuvaChatAccumulator *self);
AdiuvaFinishReason     adiuva_chat_accumulator_get_finish (AdiuvaChatAccumulator *self);
const AdiuvaUsage     *adiuva_chat_accumulator_get_usage (AdiuvaChatAccumulator *self);
gboolean               adiuva_chat_accumulator_is_empty (AdiuvaChatAccumulator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaChatAccumulator, adiuva_chat_accumulator_free)

G_END_DECLS
