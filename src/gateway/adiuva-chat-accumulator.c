/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-chat-accumulator.h"
#include "adiuva-wire-codec-private.h"

typedef struct
{
  GString *id;
  GString *name;
  GString *arguments;
} PendingCall;

/**
 * AdiuvaChatAccumulator:
 *
 * Turns the deltas of a stream into the final assistant message, its finish reason and its
 * usage. What has arrived is always available, so a stream cut mid-way keeps its partial text.
 */
struct _AdiuvaChatAccumulator
{
  GString           *text;
  GString           *reasoning;
  GString           *signature;
  GArray            *calls;
  AdiuvaFinishReason finish;
  AdiuvaUsage        usage;
};

static void
pending_call_clear (PendingCall *call)
{
  g_string_free (call->id, TRUE);
  g_string_free (call->name, TRUE);
  g_string_free (call->arguments, TRUE);
}

AdiuvaChatAccumulator *
adiuva_chat_accumulator_new (void)
{
  AdiuvaChatAccumulator *self = g_new0 (AdiuvaChatAccumulator, 1);
  AdiuvaUsage            unknown = ADIUVA_USAGE_INIT;

  self->text = g_string_new (NULL);
  self->reasoning = g_string_new (NULL);
  self->signature = g_string_new (NULL);
  self->calls = g_array_new (FALSE, TRUE, sizeof (PendingCall));
  g_array_set_clear_func (self->calls, (GDestroyNotify) pending_call_clear);
  self->usage = unknown;

  return self;
}

void
adiuva_chat_accumulator_free (AdiuvaChatAccumulator *self)
{
  if (self == NULL)
    return;

  g_string_free (self->text, TRUE);
  g_string_free (self->reasoning, TRUE);
  g_string_free (self->signature, TRUE);
  g_array_unref (self->calls);
  g_free (self);
}

gboolean
adiuva_chat_accumulator_add (AdiuvaChatAccumulator *self,
                             const AdiuvaChatDelta *delta,
                             GError               **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (delta != NULL, FALSE);

  switch (delta->kind)
    {
    case ADIUVA_DELTA_TEXT:
      g_string_append_len (self->text, delta->text, delta->text_len);
      break;

    case ADIUVA_DELTA_REASONING:
      g_string_append_len (self->reasoning, delta->text, delta->text_len);
      break;

    case ADIUVA_DELTA_REASONING_SIGNATURE:
      g_string_append_len (self->signature, delta->text, delta->text_len);
      break;

    case ADIUVA_DELTA_TOOL_CALL:
      {
        PendingCall *call;

        if (delta->tool_index >= ADIUVA_MAX_TOOL_CALLS)
          {
            g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                         _ ("The model started more than %d tool calls at once."),
                         ADIUVA_MAX_TOOL_CALLS);
            return FALSE;
          }

        while (self->calls->len <= delta->tool_index)
          {
            PendingCall fresh = { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL) };

            g_array_append_val (self->calls, fresh);
          }

        call = &g_array_index (self->calls, PendingCall, delta->tool_index);
        if (delta->tool_id != NULL && call->id->len == 0)
          g_string_assign (call->id, delta->tool_id);
        if (delta->tool_name != NULL && call->name->len == 0)
          g_string_assign (call->name, delta->tool_name);
        g_string_append_len (call->arguments, delta->text, delta->text_len);
      }
      break;

    case ADIUVA_DELTA_FINISH:
      self->finish = delta->finish;
      break;

    case ADIUVA_DELTA_USAGE:
      _adiuva_usage_merge (&self->usage, &delta->usage);
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/**
 * adiuva_chat_accumulator_dup_message:
 *
 * Returns: (transfer full): the assistant message as far as it has arrived
 */
AdiuvaChatMessage *
adiuva_chat_accumulator_dup_message (AdiuvaChatAccumulator *self)
{
  AdiuvaChatMessage *message;

  g_return_val_if_fail (self != NULL, NULL);

  message = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  if (self->text->len > 0)
    adiuva_chat_message_add_text (message, self->text->str);
  if (self->reasoning->len > 0)
    message->reasoning = g_strdup (self->reasoning->str);
  if (self->signature->len > 0)
    message->reasoning_signature = g_strdup (self->signature->str);

  for (guint i = 0; i < self->calls->len; i++)
    {
      const PendingCall *call = &g_array_index (self->calls, PendingCall, i);

      /* A call without a name never really started (an index the provider skipped). */
      if (call->name->len > 0)
        adiuva_chat_message_add_tool_call (message, call->id->len > 0 ? call->id->str : NULL,
                                           call->name->str, call->arguments->str);
    }

  return message;
}

AdiuvaFinishReason
adiuva_chat_accumulator_get_finish (AdiuvaChatAccumulator *self)
{
  g_return_val_if_fail (self != NULL, ADIUVA_FINISH_NONE);

  return self->finish;
}

const AdiuvaUsage *
adiuva_chat_accumulator_get_usage (AdiuvaChatAccumulator *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->usage;
}

/* Whether anything at all has reached the caller: a fallback to another model is only allowed
 * before it has. */
gboolean
adiuva_chat_accumulator_is_empty (AdiuvaChatAccumulator *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->text->len == 0 && self->reasoning->len == 0 && self->calls->len == 0;
}
