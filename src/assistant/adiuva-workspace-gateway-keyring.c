/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "adiuva-workspace-gateway-private.h"

/* The keyring */

/* base64url without padding, so that it fits in a header and a URL alike. */
static char *
new_token (GError **error)
{
  guint8 bytes[32];
  char  *token;
  gsize  len;

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("The system gave no random bytes for a token."));
      return NULL;
    }

  token = g_base64_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  len = strlen (token);
  while (len > 0 && token[len - 1] == '=')
    token[--len] = '\0';
  return token;
}

void
_adiuva_keyring_free_secret (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

KeyringCall *
_adiuva_keyring_call_new (AdiuvaWorkspaceGateway *self)
{
  KeyringCall *call = g_new0 (KeyringCall, 1);

  call->workspace = g_strdup (adiuva_store_get_workspace_id (self->store));
  call->generation = self->generation;
  call->names = g_ptr_array_new_with_free_func (g_free);
  call->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) _adiuva_keyring_free_secret);
  return call;
}

void
_adiuva_keyring_call_free (KeyringCall *call)
{
  g_free (call->workspace);
  g_clear_pointer (&call->providers, json_array_unref);
  g_free (call->only);
  g_ptr_array_unref (call->names);
  g_free (call->store_name);
  _adiuva_keyring_free_secret (call->store_secret);
  g_free (call->clear_name);
  g_hash_table_unref (call->keys);
  _adiuva_keyring_free_secret (call->token);
  g_free (call->name);
  g_free (call->kind);
  g_free (call->base_url);
  g_free (call);
}

/* A call that reads the keys of the providers (or of @only) as they are now. */
KeyringCall *
_adiuva_keyring_call_new_for_keys (AdiuvaWorkspaceGateway *self,
                                   const char             *only,
                                   GError                **error)
{
  g_autoptr (KeyringCall) call = _adiuva_keyring_call_new (self);

  if ((call->providers = _adiuva_workspace_gateway_load_providers (self->store, error)) == NULL)
    return NULL;
  if (only != NULL && _adiuva_workspace_gateway_find_provider (call->providers, only) < 0)
    {
      _adiuva_workspace_gateway_set_provider_not_found (error, only);
      return NULL;
    }
  call->only = g_strdup (only);
  for (guint i = 0; i < json_array_get_length (call->providers); i++)
    {
      JsonObject *p = json_array_get_object_element (call->providers, i);
      const char *name = json_object_get_string_member_with_default (p, "name", "");

      if (only == NULL || g_str_equal (name, only))
        g_ptr_array_add (call->names, g_strdup (name));
    }
  return g_steal_pointer (&call);
}

static char *
get_token (KeyringCall  *call,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *token = NULL;
  char            *stored;

  if (call->token_wanted == TOKEN_GET)
    {
      stored = adiuva_provider_key_lookup (call->workspace, ADIUVA_LOOPBACK_TOKEN_ENTRY,
                                           cancellable, &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING,
                       _ ("Cannot read the loopback endpoint’s token from the keyring: %s"),
                       local_error->message);
          return NULL;
        }
      if (stored != NULL)
        {
          token = g_strdup (stored);
          adiuva_provider_key_free (stored);
          return g_steal_pointer (&token);
        }
    }

  if ((token = new_token (error)) == NULL)
    return NULL;
  if (!adiuva_provider_key_store (call->workspace, ADIUVA_LOOPBACK_TOKEN_ENTRY, token,
                                  cancellable, &local_error))
    {
      _adiuva_keyring_free_secret (g_steal_pointer (&token));
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING,
                   _ ("Cannot keep the loopback endpoint’s token in the keyring: %s"),
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&token);
}

gboolean
_adiuva_keyring_call_run (KeyringCall  *call,
                          GCancellable *cancellable,
                          GError      **error)
{
  for (guint i = 0; i < call->names->len; i++)
    {
      const char *name = g_ptr_array_index (call->names, i);
      g_autoptr (GError) local_error = NULL;
      char *key;

      key = adiuva_provider_key_lookup (call->workspace, name, cancellable, &local_error);
      if (local_error != NULL && !call->tolerant)
        {
          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING,
                       _ ("Cannot read the key of provider “%s” from the keyring: %s"), name,
                       local_error->message);
          return FALSE;
        }
      if (key != NULL)
        {
          g_hash_table_insert (call->keys, g_strdup (name), g_strdup (key));
          adiuva_provider_key_free (key);
        }
    }

  if (call->store_name != NULL &&
      !adiuva_provider_key_store (call->workspace, call->store_name, call->store_secret,
                                  cancellable, error))
    {
      g_prefix_error (error, _ ("Cannot keep the key in the keyring: "));
      return FALSE;
    }
  if (call->clear_name != NULL &&
      !adiuva_provider_key_clear (call->workspace, call->clear_name, cancellable, error))
    return FALSE;
  if (call->token_wanted != TOKEN_NONE &&
      (call->token = get_token (call, cancellable, error)) == NULL)
    return FALSE;
  return TRUE;
}

static void
keyring_call_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;

  if (_adiuva_keyring_call_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
keyring_call_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  KeyringCall *call = g_task_get_task_data (task);
  GError      *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    call->done (task);
  else
    g_task_return_error (task, error);
}

/*
 * _adiuva_keyring_call_start:
 * @task: (transfer full): the task of an async function, which takes @call as its data
 *
 * Runs @call's keyring part in a thread, then @done on @task's main context. What the keyring
 * part did is finished even when @task is cancelled meanwhile (a key kept in the keyring gets
 * its provider); @task reports the cancellation.
 */
void
_adiuva_keyring_call_start (GTask          *task,
                            KeyringCall    *call,
                            KeyringDoneFunc done)
{
  g_autoptr (GTask) keyring = NULL;

  call->done = done;
  g_task_set_task_data (task, call, (GDestroyNotify) _adiuva_keyring_call_free);
  keyring = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                        keyring_call_done_cb, task);
  g_task_set_source_tag (keyring, _adiuva_keyring_call_start);
  g_task_set_check_cancellable (keyring, FALSE);
  g_task_set_task_data (keyring, call, NULL);
  g_task_run_in_thread (keyring, keyring_call_thread);
}
