/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-chat-message.h"
#include "adiuva-wire-codec.h"

G_BEGIN_DECLS

/* What the codecs share, so that every provider's answers are read, and its errors worded,
 * alike. */

/* JSON-GLib parses recursively: a hundred thousand '[' overflow the stack and take the app
 * down. Real bodies and events nest a handful of levels. */
#define ADIUVA_JSON_MAX_DEPTH 128

/* The accumulator refuses more tool calls in one answer: a model that starts that many at
 * once is broken or hostile. */
#define ADIUVA_MAX_TOOL_CALLS 128

/* How much of a text that is not the JSON expected goes into an error message: of a body
 * (a proxy's page) and of one streamed event or line. */
#define ADIUVA_WIRE_CODEC_BODY_EXCERPT 300
#define ADIUVA_WIRE_CODEC_EVENT_EXCERPT 60

/**
 * AdiuvaDeltaSink:
 * @func: where decoded deltas go
 * @user_data: for @func
 *
 * The receiver of one decode call's deltas.
 */
typedef struct
{
  AdiuvaDeltaFunc func;
  gpointer        user_data;
} AdiuvaDeltaSink;

void  _adiuva_wire_codec_set_http_error (GError    **error,
                                         guint       status,
                                         const char *provider_message);
char *_adiuva_wire_codec_dup_excerpt (const char *text,
                                      gsize       len,
                                      gsize       max_bytes);

JsonNode *_adiuva_wire_codec_parse_json (const char *data,
                                         gsize       len,
                                         GError    **error);
JsonNode *_adiuva_wire_codec_parse_arguments (const char *arguments);

gboolean    _adiuva_json_node_holds (JsonNode *node,
                                     GType     type);
gboolean    _adiuva_json_node_is_set (JsonNode *node);
const char *_adiuva_json_node_get_string (JsonNode *node);
JsonObject *_adiuva_json_node_get_object (JsonNode *node);
JsonNode   *_adiuva_json_get_member (JsonObject *object,
                                     const char *name);
const char *_adiuva_json_get_string (JsonObject *object,
                                     const char *name);
const char *_adiuva_json_get_nonempty_string (JsonObject *object,
                                              const char *name);
JsonObject *_adiuva_json_get_object (JsonObject *object,
                                     const char *name);
JsonArray  *_adiuva_json_get_array (JsonObject *object,
                                    const char *name);
gboolean    _adiuva_json_get_number (JsonObject *object,
                                     const char *name,
                                     double     *out);
gboolean    _adiuva_json_get_int (JsonObject *object,
                                  const char *name,
                                  gint64     *out);
gboolean    _adiuva_json_get_boolean (JsonObject *object,
                                      const char *name,
                                      gboolean   *out);
gint64      _adiuva_json_get_count (JsonObject *object,
                                    const char *name);

void _adiuva_json_append_string (GString    *out,
                                 const char *text,
                                 gssize      len);

gboolean _adiuva_wire_codec_emit (const AdiuvaDeltaSink *sink,
                                  const AdiuvaChatDelta *delta,
                                  GError               **error);
gboolean _adiuva_wire_codec_emit_text (const AdiuvaDeltaSink *sink,
                                       AdiuvaDeltaKind        kind,
                                       const char            *text,
                                       GError               **error);
gboolean _adiuva_wire_codec_emit_tool_call (const AdiuvaDeltaSink *sink,
                                            guint                  tool_index,
                                            const char            *id,
                                            const char            *name,
                                            const char            *arguments,
                                            GError               **error);
gboolean _adiuva_wire_codec_emit_finish (const AdiuvaDeltaSink *sink,
                                         AdiuvaFinishReason     finish,
                                         GError               **error);
gboolean _adiuva_wire_codec_emit_usage (const AdiuvaDeltaSink *sink,
                                        const AdiuvaUsage     *usage,
                                        GError               **error);

gboolean _adiuva_usage_is_known (const AdiuvaUsage *usage);
void     _adiuva_usage_merge (AdiuvaUsage       *into,
                              const AdiuvaUsage *from);

char       *_adiuva_wire_codec_random_id (const char *prefix,
                                          guint       length);
char       *_adiuva_wire_codec_hash_call_id (const char *prefix,
                                             const char *seed,
                                             guint       index,
                                             const char *name,
                                             const char *arguments);
const char *_adiuva_wire_codec_find_call_name (AdiuvaChatRequest *request,
                                               guint              before,
                                               const char        *call_id);

char       *_adiuva_wire_codec_dup_base64 (GBytes *bytes);
gboolean    _adiuva_wire_codec_parse_data_url (const char  *url,
                                               char       **media_type,
                                               gboolean    *is_base64,
                                               const char **data);
gboolean    _adiuva_wire_codec_is_media_type (const char *text);
const char *_adiuva_wire_codec_guess_image_type (const char *url,
                                                 const char *fallback);

G_END_DECLS
