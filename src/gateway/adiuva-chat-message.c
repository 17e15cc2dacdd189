/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include "adiuva-chat-message.h"

G_DEFINE_BOXED_TYPE (AdiuvaChatMessage, adiuva_chat_message, adiuva_chat_message_ref, adiuva_chat_message_unref)

void
adiuva_content_part_free (AdiuvaContentPart *part)
{
  if (part == NULL)
    return;

  g_free (part->text);
  g_free (part->image_url);
  g_free (part->media_type);
  g_clear_pointer (&part->image_data, g_bytes_unref);
  g_free (part);
}

void
adiuva_tool_call_free (AdiuvaToolCall *call)
{
  if (call == NULL)
    return;

  g_free (call->id);
  g_free (call->name);
  g_free (call->arguments);
  g_free (call);
}

static void
adiuva_chat_message_clear (AdiuvaChatMessage *self)
{
  g_clear_pointer (&self->parts, g_ptr_array_unref);
  g_clear_pointer (&self->tool_calls, g_ptr_array_unref);
  g_clear_pointer (&self->tool_call_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->reasoning, g_free);
  g_clear_pointer (&self->reasoning_signature, g_free);
}

AdiuvaChatMessage *
adiuva_chat_message_new (AdiuvaRole role)
{
  AdiuvaChatMessage *self = g_atomic_rc_box_new0 (AdiuvaChatMessage);

  self->role = role;
  self->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_content_part_free);
  self->tool_calls = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_tool_call_free);

  return self;
}

AdiuvaChatMessage *
adiuva_chat_message_new_text (AdiuvaRole  role,
                              const char *text)
{
  AdiuvaChatMessage *self = adiuva_chat_message_new (role);

  adiuva_chat_message_add_text (self, text);

  return self;
}

AdiuvaChatMessage *
adiuva_chat_message_ref (AdiuvaChatMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
adiuva_chat_message_unref (AdiuvaChatMessage *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) adiuva_chat_message_clear);
}

void
adiuva_chat_message_add_text (AdiuvaChatMessage *self,
                              const char        *text)
{
  AdiuvaContentPart *part;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  part = g_new0 (AdiuvaContentPart, 1);
  part->kind = ADIUVA_PART_TEXT;
  part->text = g_strdup (text);
  g_ptr_array_add (self->parts, part);
}

/**
 * adiuva_chat_message_add_image:
 * @media_type: the image's type, such as `image/png`
 * @data: (nullable): the image's bytes
 * @url: (nullable): where the image is, when there are no bytes
 */
void
adiuva_chat_message_add_image (AdiuvaChatMessage *self,
                               const char        *media_type,
                               GBytes            *data,
                               const char        *url)
{
  AdiuvaContentPart *part;

  g_return_if_fail (self != NULL);
  g_return_if_fail (media_type != NULL);
  g_return_if_fail ((data == NULL) != (url == NULL));

  part = g_new0 (AdiuvaContentPart, 1);
  part->kind = ADIUVA_PART_IMAGE;
  part->media_type = g_strdup (media_type);
  part->image_data = data != NULL ? g_bytes_ref (data) : NULL;
  part->image_url = g_strdup (url);
  g_ptr_array_add (self->parts, part);
}

void
adiuva_chat_message_add_tool_call (AdiuvaChatMessage *self,
                                   const char        *id,
                                   const char        *name,
                                   const char        *arguments)
{
  AdiuvaToolCall *call;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  call = g_new0 (AdiuvaToolCall, 1);
  call->id = g_strdup (id);
  call->name = g_strdup (name);
  call->arguments = g_strdup (arguments != NULL && *arguments != '\0' ? arguments : "{}");
  g_ptr_array_add (self->tool_calls, call);
}

/**
 * adiuva_chat_message_dup_text:
 *
 * Returns: (transfer full): the text parts joined, without images
 */
char *
adiuva_chat_message_dup_text (AdiuvaChatMessage *self)
{
  GString *text;

  g_return_val_if_fail (self != NULL, NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (self->parts, i);

      if (part->kind == ADIUVA_PART_TEXT)
        g_string_append (text, part->text);
    }

  return g_string_free (text, FALSE);
}
