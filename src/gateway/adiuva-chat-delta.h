/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

/**
 * AdiuvaUsage:
 * @input_tokens: tokens read, including cached ones; -1 when not reported
 * @output_tokens: tokens written, including reasoning; -1 when not reported
 * @cached_input_tokens: of @input_tokens, those served from the provider's cache; -1 unknown
 * @reasoning_tokens: of @output_tokens, those spent thinking; -1 unknown
 *
 * What a call consumed, as the provider reported it.
 */
struct _AdiuvaUsage
{
  gint64 input_tokens;
  gint64 output_tokens;
  gint64 cached_input_tokens;
  gint64 reasoning_tokens;
};

#define ADIUVA_USAGE_INIT \
  {                       \
    -1, -1, -1, -1        \
  }

/**
 * AdiuvaChatDelta:
 * @kind: what this piece carries
 * @text: text, reasoning text, a signature piece, or a piece of a tool call's arguments
 *   (may be empty); not nul-terminated, see @text_len
 * @text_len: the length of @text in bytes
 * @tool_index: which tool call a %ADIUVA_DELTA_TOOL_CALL piece belongs to, counted from 0 in
 *   the order the calls started; a call's first piece comes after the first piece of every
 *   call before it
 * @tool_id: (nullable): the call's id, in its first piece, which always has one from the
 *   decoders (they make one up for a call that came without)
 * @tool_name: (nullable): the tool's name, in its first piece, which always has one from the
 *   decoders (a call that never named its tool is not passed on)
 * @finish: why the answer ended, for %ADIUVA_DELTA_FINISH
 * @usage: what the call consumed, for %ADIUVA_DELTA_USAGE (fields may be -1)
 *
 * One streamed piece of an answer, as every adapter decodes its wire format into. Deltas live
 * on the stack of the decoder that emits them: copy what you keep.
 */
struct _AdiuvaChatDelta
{
  AdiuvaDeltaKind    kind;
  const char        *text;
  gsize              text_len;
  guint              tool_index;
  const char        *tool_id;
  const char        *tool_name;
  AdiuvaFinishReason finish;
  AdiuvaUsage        usage;
};

G_END_DECLS
