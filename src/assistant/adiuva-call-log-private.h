/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-gateway.h"
#include "adiuva-store.h"

G_BEGIN_DECLS

/* The LLM call log's writer: a gateway usage callback that never waits for the disk. */
typedef struct _AdiuvaCallLog AdiuvaCallLog;

/* A call (AdiuvaCallMetrics:call_id) has its row in llm_calls now. */
typedef void (*AdiuvaCallLoggedFunc) (GObject *owner,
                                      guint64  call_id,
                                      gint64   row_id);

AdiuvaCallLog *_adiuva_call_log_new (AdiuvaStore         *store,
                                     GObject             *owner,
                                     AdiuvaCallLoggedFunc logged);
AdiuvaCallLog *_adiuva_call_log_ref (AdiuvaCallLog *self);
void           _adiuva_call_log_unref (AdiuvaCallLog *self);
void           _adiuva_call_log_add_cb (const AdiuvaCallMetrics *metrics,
                                        gpointer                 self);
void           _adiuva_call_log_flush (AdiuvaCallLog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaCallLog, _adiuva_call_log_unref)

G_END_DECLS
