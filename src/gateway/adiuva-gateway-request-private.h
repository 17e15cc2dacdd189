/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-gateway-client.h"

G_BEGIN_DECLS

/**
 * AdiuvaRequestChunkFunc:
 * @data: the next bytes of a successful answer's body
 * @error: set it and return %FALSE to stop reading (the request fails with it)
 *
 * Receives a streamed body (Ollama's pull progress) as it arrives.
 */
typedef gboolean (*AdiuvaRequestChunkFunc) (const guint8 *data,
                                            gsize         len,
                                            gpointer      user_data,
                                            GError      **error);

/* One request to a provider outside the chat machinery (model lists, embeddings, Ollama's
 * model management): no retries or fallbacks; the kill switch and the client's timeouts
 * apply. */
void    _adiuva_gateway_request_async (AdiuvaGatewayClient   *client,
                                       const char            *provider,
                                       const char            *method,
                                       const char            *endpoint,
                                       const char            *model,
                                       JsonNode              *body,
                                       gsize                  max_body,
                                       AdiuvaRequestChunkFunc on_chunk,
                                       gpointer               chunk_data,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
GBytes *_adiuva_gateway_request_finish (GAsyncResult *result,
                                        guint        *http_status,
                                        GError      **error);

G_END_DECLS
