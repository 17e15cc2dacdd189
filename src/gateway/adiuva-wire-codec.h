/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-chat-delta.h"
#include "adiuva-chat-request.h"
#include "adiuva-embeddings.h"

G_BEGIN_DECLS

/**
 * AdiuvaDeltaFunc:
 * @delta: the next piece of the answer, valid during the call only
 * @error: set it and return %FALSE to stop decoding (the caller was cancelled)
 *
 * Receives the canonical deltas a codec decodes.
 */
typedef gboolean (*AdiuvaDeltaFunc) (const AdiuvaChatDelta *delta,
                                     gpointer               user_data,
                                     GError               **error);

/**
 * AdiuvaWireCodec:
 * @format: the wire format this codec speaks
 * @encode_request: the provider's JSON body for a canonical request (stream or not, as
 *   @request->stream says). Every system message survives, tool call ids round-trip, tool
 *   results and images take the provider's shape.
 * @decode_response: a non-streamed response body, as deltas (text, reasoning, tool calls
 *   each in one piece, then finish and usage). The caller parses the body, and must parse it
 *   with _adiuva_wire_codec_parse_json(), which refuses the nesting that would overflow
 *   JSON-GLib's recursive parser (stream decoders and decode_error parse with it themselves)
 * @decode_error: a provider's error response (status and body) as a #GError of
 *   %ADIUVA_GATEWAY_ERROR with the code the status and body mean and the provider's own
 *   message in words
 * @stream_decoder_new: a decoder for one streamed response body
 * @stream_decoder_feed: bytes of the body as they arrive, in any chunks; emits deltas
 * @stream_decoder_finish: the end of the body; %ADIUVA_GATEWAY_ERROR_PROTOCOL when the
 *   stream was cut before it finished (what was decoded stays with the caller)
 * @stream_decoder_free: frees a decoder
 * @decode_request: (nullable): the canonical request for a provider-format body; for the
 *   formats the loopback endpoint serves (OpenAI, Anthropic). The body is a client's, parsed
 *   with _adiuva_wire_codec_parse_json() like a response body
 * @stream_encoder_new: (nullable): an encoder of deltas back into this format's stream
 * @stream_encoder_add: the wire bytes for one delta, appended to @out
 * @stream_encoder_finish: the closing bytes of the stream, appended to @out
 * @stream_encoder_free: frees an encoder
 * @encode_response: (nullable): a non-streamed response body in this format for an
 *   accumulated answer
 * @encode_embeddings: (nullable): the body asking embeddings of @inputs (at least one);
 *   %NULL for formats without embeddings (Anthropic)
 * @decode_embeddings: (nullable): the vectors of an embeddings answer, %NULL with
 *   %ADIUVA_GATEWAY_ERROR_PROTOCOL when it is not a list of equally long lists of numbers
 *
 * One provider wire format, both ways. Codecs know nothing of HTTP: the gateway sends what
 * they encode and feeds them what comes back.
 */
struct _AdiuvaWireCodec
{
  AdiuvaWireFormat format;

  JsonNode *(*encode_request) (AdiuvaChatRequest *request,
                               GError           **error);
  gboolean (*decode_response) (JsonNode       *body,
                               AdiuvaDeltaFunc func,
                               gpointer        user_data,
                               GError        **error);
  void (*decode_error) (guint       status,
                        const char *body,
                        gsize       body_len,
                        GError    **error);

  AdiuvaStreamDecoder *(*stream_decoder_new) (void);
  gboolean (*stream_decoder_feed) (AdiuvaStreamDecoder *decoder,
                                   const guint8        *data,
                                   gsize                len,
                                   AdiuvaDeltaFunc      func,
                                   gpointer             user_data,
                                   GError             **error);
  gboolean (*stream_decoder_finish) (AdiuvaStreamDecoder *decoder,
                                     AdiuvaDeltaFunc      func,
                                     gpointer             user_data,
                                     GError             **error);
  void (*stream_decoder_free) (AdiuvaStreamDecoder *decoder);

  AdiuvaChatRequest *(*decode_request) (JsonNode *body,
                                        GError  **error);
  AdiuvaStreamEncoder *(*stream_encoder_new) (const char *model);
  void (*stream_encoder_add) (AdiuvaStreamEncoder   *encoder,
                              const AdiuvaChatDelta *delta,
                              GString               *out);
  void (*stream_encoder_finish) (AdiuvaStreamEncoder *encoder,
                                 GString             *out);
  void (*stream_encoder_free) (AdiuvaStreamEncoder *encoder);
  JsonNode *(*encode_response) (const char            *model,
                                AdiuvaChatAccumulator *answer);

  JsonNode *(*encode_embeddings) (const char        *model,
                                  const char *const *inputs,
                                  GError           **error);
  AdiuvaEmbeddings *(*decode_embeddings) (JsonNode *body,
                                          GError  **error);
};

const AdiuvaWireCodec *adiuva_wire_codec_get (AdiuvaWireFormat format);

/* Each format's codec; adiuva_wire_codec_get() picks one. */
extern const AdiuvaWireCodec adiuva_openai_codec;
extern const AdiuvaWireCodec adiuva_anthropic_codec;
extern const AdiuvaWireCodec adiuva_gemini_codec;
extern const AdiuvaWireCodec adiuva_ollama_codec;

G_END_DECLS
