/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

#define ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE (16 * 1024 * 1024)

/**
 * AdiuvaNdjsonLineFunc:
 * @line: the line without its line end, NUL-terminated; it is raw bytes, so it may hold NUL
 *   bytes and invalid UTF-8. Valid during the callback only.
 * @len: the length of @line in bytes, never 0
 * @user_data: the data given to the feed or finish call
 * @error: where to put the reason when stopping
 *
 * Returns: %TRUE to go on, %FALSE with @error set to stop decoding
 */
typedef gboolean (*AdiuvaNdjsonLineFunc) (const char *line,
                                          gsize       len,
                                          gpointer    user_data,
                                          GError    **error);

/**
 * AdiuvaNdjsonJsonFunc:
 * @node: the line's JSON value, never %NULL; valid during the callback only, so take a
 *   reference with json_node_ref() to keep it
 * @user_data: the data given to the feed or finish call
 * @error: where to put the reason when stopping
 *
 * Returns: %TRUE to go on, %FALSE with @error set to stop decoding
 */
typedef gboolean (*AdiuvaNdjsonJsonFunc) (JsonNode *node,
                                          gpointer  user_data,
                                          GError  **error);

AdiuvaNdjsonDecoder *adiuva_ndjson_decoder_new (gsize max_line_size);
void                 adiuva_ndjson_decoder_free (AdiuvaNdjsonDecoder *self);
gboolean             adiuva_ndjson_decoder_feed (AdiuvaNdjsonDecoder *self,
                                                 const guint8        *data,
                                                 gsize                len,
                                                 AdiuvaNdjsonLineFunc func,
                                                 gpointer             user_data,
                                                 GError             **error);
gboolean             adiuva_ndjson_decoder_finish (AdiuvaNdjsonDecoder *self,
                                                   AdiuvaNdjsonLineFunc func,
                                                   gpointer             user_data,
                                                   GError             **error);
gboolean             adiuva_ndjson_decoder_feed_json (AdiuvaNdjsonDecoder *self,
                                                      const guint8        *data,
                                                      gsize                len,
                                                      AdiuvaNdjsonJsonFunc func,
                                                      gpointer             user_data,
                                                      GError             **error);
gboolean             adiuva_ndjson_decoder_finish_json (AdiuvaNdjsonDecoder *self,
                                                        AdiuvaNdjsonJsonFunc func,
                                                        gpointer             user_data,
                                                        GError             **error);
gboolean             adiuva_ndjson_decoder_has_pending (AdiuvaNdjsonDecoder *self);
guint64              adiuva_ndjson_decoder_get_n_lines (AdiuvaNdjsonDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaNdjsonDecoder, adiuva_ndjson_decoder_free)

G_END_DECLS
