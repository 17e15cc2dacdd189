/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

/**
 * AdiuvaContentPart:
 * @kind: text or image
 * @text: the text of a text part
 * @image_url: an image's http(s) URL, or %NULL when @image_data holds it
 * @media_type: the image's type, such as `image/png`
 * @image_data: the image's bytes, or %NULL when it is only a URL
 *
 * One piece of a message's content. Images are kept as bytes or URL, whichever the caller
 * has: each provider wants them differently (data URL, base64 block, inline data).
 */
struct _AdiuvaContentPart
{
  AdiuvaPartKind kind;
  char          *text;
  char          *image_url;
  char          *media_type;
  GBytes        *image_data;
};

/**
 * AdiuvaToolCall:
 * @id: the provider's id for the call; tool results name it, so it must round-trip
 * @name: the tool's name
 * @arguments: the arguments as JSON text, exactly as the model wrote them
 */
struct _AdiuvaToolCall
{
  char *id;
  char *name;
  char *arguments;
};

/**
 * AdiuvaChatMessage:
 * @role: who speaks
 * @parts: (element-type AdiuvaContentPart): the content, in order
 * @tool_calls: (element-type AdiuvaToolCall): the tools an assistant message calls
 * @tool_call_id: for a tool message, the call it answers
 * @name: for a tool message, the tool's name (Gemini pairs results by name)
 * @reasoning: for an assistant message, its thinking text, or %NULL
 * @reasoning_signature: Anthropic's opaque signature of that thinking, sent back as it came
 *
 * A message in the canonical chat format, close to OpenAI chat completions. Reference
 * counted; treat a message as read-only once it is shared.
 */
struct _AdiuvaChatMessage
{
  AdiuvaRole role;
  GPtrArray *parts;
  GPtrArray *tool_calls;
  char      *tool_call_id;
  char      *name;
  char      *reasoning;
  char      *reasoning_signature;
};

#define ADIUVA_TYPE_CHAT_MESSAGE (adiuva_chat_message_get_type ())

GType              adiuva_chat_message_get_type (void) G_GNUC_CONST;
AdiuvaChatMessage *adiuva_chat_message_new (AdiuvaRole role);
AdiuvaChatMessage *adiuva_chat_message_new_text (AdiuvaRole  role,
                                                 const char *text);
AdiuvaChatMessage *adiuva_chat_message_ref (AdiuvaChatMessage *self);
void               adiuva_chat_message_unref (AdiuvaChatMessage *self);
void               adiuva_chat_message_add_text (AdiuvaChatMessage *self,
                                                 const char        *text);
void               adiuva_chat_message_add_image (AdiuvaChatMessage *self,
                                                  const char        *media_type,
                                                  GBytes            *data,
                                                  const char        *url);
void               adiuva_chat_message_add_tool_call (AdiuvaChatMessage *self,
                                                      const char        *id,
                                                      const char        *name,
                                                      const char        *arguments);
char              *adiuva_chat_message_dup_text (AdiuvaChatMessage *self);

void adiuva_content_part_free (AdiuvaContentPart *part);
void adiuva_tool_call_free (AdiuvaToolCall *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaChatMessage, adiuva_chat_message_unref)

G_END_DECLS
