/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-wire-codec-private.h"

G_BEGIN_DECLS

/* Shared by the codec's two halves: the provider's side (adiuva-anthropic-codec.c) and the
 * loopback endpoint's (adiuva-anthropic-loopback.c). */

/* The thinking budget of each reasoning effort. */
#define LOW_THINKING_BUDGET 1024
#define MEDIUM_THINKING_BUDGET 4096
#define HIGH_THINKING_BUDGET 16384

/* The kinds of Anthropic's content blocks. */
typedef enum
{
  BLOCK_NONE,
  BLOCK_TEXT,
  BLOCK_THINKING,
  BLOCK_TOOL_USE,
  BLOCK_OTHER,
} BlockKind;

void _adiuva_anthropic_codec_add_text_block (JsonBuilder *builder,
                                             const char  *text);
void _adiuva_anthropic_codec_add_thinking_block (JsonBuilder *builder,
                                                 const char  *thinking,
                                                 const char  *signature);
void _adiuva_anthropic_codec_add_tool_use (JsonBuilder *builder,
                                           const char  *id,
                                           const char  *name,
                                           const char  *arguments);

/* The loopback half of adiuva_anthropic_codec (see #AdiuvaWireCodec). */
AdiuvaChatRequest   *_adiuva_anthropic_codec_decode_request (JsonNode *body,
                                                             GError  **error);
AdiuvaStreamEncoder *_adiuva_anthropic_stream_encoder_new (const char *model);
void                 _adiuva_anthropic_stream_encoder_add (AdiuvaStreamEncoder   *encoder,
                                                           const AdiuvaChatDelta *delta,
                                                           GString               *out);
void                 _adiuva_anthropic_stream_encoder_finish (AdiuvaStreamEncoder *encoder,
                                                              GString             *out);
void                 _adiuva_anthropic_stream_encoder_free (AdiuvaStreamEncoder *encoder);
JsonNode            *_adiuva_anthropic_codec_encode_response (const char            *model,
                                                              AdiuvaChatAccumulator *answer);

G_END_DECLS
