/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

/* Enough for any text or tool-call event; images inlined as base64 may need a larger limit. */
#define ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE (16 * 1024 * 1024)

/**
 * AdiuvaSseEvent:
 * @event: the event type, "message" when the event had no `event:` field
 * @data: the `data:` lines joined with "\n"; valid UTF-8 without NUL bytes, NUL-terminated
 * @data_len: the length of @data in bytes
 * @id: the last event id the stream set (it carries over to later events), or %NULL
 * @retry_ms: the last reconnection time the stream set, or 0
 *
 * One server-sent event. It and its strings are valid during the callback only.
 */
typedef struct
{
  const char *event;
  const char *data;
  gsize       data_len;
  const char *id;
  guint       retry_ms;
} AdiuvaSseEvent;

/**
 * AdiuvaSseEventFunc:
 * @event: the event
 * @user_data: the data given to the feed or finish call
 * @error: where to put the reason when stopping
 *
 * Returns: %TRUE to go on, %FALSE with @error set to stop decoding
 */
typedef gboolean (*AdiuvaSseEventFunc) (const AdiuvaSseEvent *event,
                                        gpointer              user_data,
                                        GError              **error);

AdiuvaSseDecoder *adiuva_sse_decoder_new (gsize max_event_size);
void              adiuva_sse_decoder_free (AdiuvaSseDecoder *self);
gboolean          adiuva_sse_decoder_feed (AdiuvaSseDecoder  *self,
                                           const guint8      *data,
                                           gsize              len,
                                           AdiuvaSseEventFunc func,
                                           gpointer           user_data,
                                           GError           **error);
gboolean          adiuva_sse_decoder_finish (AdiuvaSseDecoder  *self,
                                             AdiuvaSseEventFunc func,
                                             gpointer           user_data,
                                             GError           **error);
gboolean          adiuva_sse_decoder_is_done (AdiuvaSseDecoder *self);
gboolean          adiuva_sse_decoder_has_pending (AdiuvaSseDecoder *self);
guint64           adiuva_sse_decoder_get_n_events (AdiuvaSseDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaSseDecoder, adiuva_sse_decoder_free)

G_END_DECLS
