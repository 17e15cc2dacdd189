/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-wire-codec.h"

G_BEGIN_DECLS

/**
 * AdiuvaOpenaiQuirks:
 * @ADIUVA_OPENAI_QUIRK_NONE: OpenAI's current API
 * @ADIUVA_OPENAI_QUIRK_LEGACY_MAX_TOKENS: send the answer limit as `max_tokens`, for
 *   OpenAI-compatible servers that predate `max_completion_tokens` (Mistral, Together, older
 *   llama.cpp and LM Studio)
 *
 * Where OpenAI-compatible servers differ from OpenAI in what they accept. The provider table
 * knows which server it talks to; the codec does not.
 */
typedef enum
{
  ADIUVA_OPENAI_QUIRK_NONE = 0,
  ADIUVA_OPENAI_QUIRK_LEGACY_MAX_TOKENS = 1 << 0,
} AdiuvaOpenaiQuirks;

JsonNode *_adiuva_openai_codec_encode_request_full (AdiuvaChatRequest *request,
                                                    AdiuvaOpenaiQuirks quirks,
                                                    GError           **error);

void _adiuva_openai_stream_encoder_set_include_usage (AdiuvaStreamEncoder *encoder,
                                                      gboolean             include_usage);

/* Shared by the codec's two halves: the provider's side (adiuva-openai-codec.c) and the
 * loopback endpoint's (adiuva-openai-loopback.c). */
const char *_adiuva_openai_codec_get_arguments (JsonObject *function,
                                                char      **owned);
char       *_adiuva_openai_codec_synthesize_call_id (void);

/* The loopback half of adiuva_openai_codec (see #AdiuvaWireCodec). */
AdiuvaChatRequest   *_adiuva_openai_codec_decode_request (JsonNode *body,
                                                          GError  **error);
AdiuvaStreamEncoder *_adiuva_openai_stream_encoder_new (const char *model);
void                 _adiuva_openai_stream_encoder_add (AdiuvaStreamEncoder   *encoder,
                                                        const AdiuvaChatDelta *delta,
                                                        GString               *out);
void                 _adiuva_openai_stream_encoder_finish (AdiuvaStreamEncoder *encoder,
                                                           GString             *out);
void                 _adiuva_openai_stream_encoder_free (AdiuvaStreamEncoder *encoder);
JsonNode            *_adiuva_openai_codec_encode_response (const char            *model,
                                                           AdiuvaChatAccumulator *answer);

G_END_DECLS
