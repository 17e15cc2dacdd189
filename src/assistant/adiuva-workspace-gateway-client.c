/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-call-log-private.h"
#include "adiuva-workspace-gateway-private.h"

/* The client */

static gboolean
add_provider_to_client (AdiuvaGatewayClient *client,
                        JsonObject          *p,
                        GHashTable          *keys,
                        GError             **error)
{
  const char *name = json_object_get_string_member_with_default (p, "name", "");
  const char *kind = json_object_get_string_member_with_default (p, "kind", "");
  const char *base_url = json_object_get_string_member_with_default (p, "base_url", NULL);
  const char *key = g_hash_table_lookup (keys, name);
  g_autoptr (AdiuvaProviderSettings) settings = adiuva_provider_settings_new (name, kind);

  if (base_url != NULL)
    adiuva_provider_settings_set_base_url (settings, base_url);
  if (key != NULL)
    adiuva_provider_settings_set_api_key (settings, key);
  return adiuva_gateway_client_set_provider (client, settings, error);
}

/* The client of @call's providers, with the rest of the configuration as it is now. */
AdiuvaGatewayClient *
_adiuva_workspace_gateway_client_from_call (AdiuvaWorkspaceGateway *self,
                                            KeyringCall            *call,
                                            GError                **error)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);
  g_autoptr (JsonObject) aliases = NULL;
  g_autoptr (AdiuvaRouter) router = NULL;
  g_auto (GStrv) fallbacks = NULL;

  for (guint i = 0; i < json_array_get_length (call->providers); i++)
    {
      JsonObject *p = json_array_get_object_element (call->providers, i);

      if (call->only != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (p, "name", NULL), call->only) !=
              0)
        continue;
      if (!add_provider_to_client (client, p, call->keys, error))
        return NULL;
    }

  if ((aliases = _adiuva_workspace_gateway_load_aliases (self->store, error)) == NULL ||
      !_adiuva_workspace_gateway_set_aliases (client, aliases, error) ||
      !_adiuva_workspace_gateway_load_budgets_into (
          self, adiuva_gateway_client_get_budgets (client), error) ||
      !_adiuva_workspace_gateway_load_limits_into (
          self->store, adiuva_gateway_client_get_rate_limiter (client), error) ||
      (router = adiuva_workspace_gateway_dup_router (self, error)) == NULL ||
      (fallbacks = _adiuva_workspace_gateway_load_fallbacks (self->store, error)) == NULL)
    return NULL;
  adiuva_gateway_client_set_router (client, router);
  /* The order names other providers than @only, which this client cannot ask. */
  if (call->only == NULL)
    adiuva_gateway_client_set_default_fallbacks (client, (const char *const *) fallbacks);
  adiuva_gateway_client_set_usage_func (client, _adiuva_call_log_add_cb,
                                        _adiuva_call_log_ref (self->call_log),
                                        (GDestroyNotify) _adiuva_call_log_unref);

  return g_steal_pointer (&client);
}

/**
 * adiuva_workspace_gateway_new_client:
 * @only: (nullable): the one provider to set up, or %NULL for all of them
 *
 * A new client with the workspace's providers (or only @only, so that another provider's
 * keyring entry does not matter), their keys from the keyring, the aliases, the fallback order
 * (not with @only), routes, budgets (with what the call log holds as spent) and rate limits;
 * every attempt it makes goes to the call log. Most callers want
 * adiuva_workspace_gateway_get_client_async(). Reading the keys can wait for the user to unlock the
 * keyring: a program with a user interface uses adiuva_workspace_gateway_new_client_async().
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 */
AdiuvaGatewayClient *
adiuva_workspace_gateway_new_client (AdiuvaWorkspaceGateway *self,
                                     const char             *only,
                                     GError                **error)
{
  g_autoptr (KeyringCall) call = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if ((call = _adiuva_keyring_call_new_for_keys (self, only, error)) == NULL ||
      !_adiuva_keyring_call_run (call, NULL, error))
    return NULL;
  return _adiuva_workspace_gateway_client_from_call (self, call, error);
}

static void
client_done (GTask *task)
{
  AdiuvaWorkspaceGateway *self = g_task_get_source_object (task);
  KeyringCall            *call = g_task_get_task_data (task);
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  GError *error = NULL;

  /* Another call may have built the workspace's client meanwhile: there is one at a time. */
  if (call->flag && call->generation == self->generation && self->client != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->client), g_object_unref);
      return;
    }
  if ((client = _adiuva_workspace_gateway_client_from_call (self, call, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A client of the configuration before a change is for this call only. */
  if (call->flag && call->generation == self->generation)
    self->client = g_object_ref (client);
  g_task_return_pointer (task, g_steal_pointer (&client), g_object_unref);
}

static void
client_async (AdiuvaWorkspaceGateway *self,
              const char             *only,
              gboolean                cache,
              GCancellable           *cancellable,
              GAsyncReadyCallback     callback,
              gpointer                user_data,
              gpointer                source_tag)
{
  g_autoptr (GTask) task = NULL;
  GError      *error = NULL;
  KeyringCall *call;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  if (cache && self->client != NULL)
    g_task_return_pointer (task, g_object_ref (self->client), g_object_unref);
  else if ((call = _adiuva_keyring_call_new_for_keys (self, only, &error)) == NULL)
    g_task_return_error (task, error);
  else
    {
      call->flag = cache;
      _adiuva_keyring_call_start (g_steal_pointer (&task), call, client_done);
    }
}

/**
 * adiuva_workspace_gateway_new_client_async:
 * @only: (nullable): the one provider to set up, or %NULL for all of them
 *
 * Makes a client as adiuva_workspace_gateway_new_client() does, reading the keys in a thread.
 */
void
adiuva_workspace_gateway_new_client_async (AdiuvaWorkspaceGateway *self,
                                           const char             *only,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data)
{
  client_async (self, only, FALSE, cancellable, callback, user_data,
                adiuva_workspace_gateway_new_client_async);
}

/**
 * adiuva_workspace_gateway_new_client_finish:
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 */
AdiuvaGatewayClient *
adiuva_workspace_gateway_new_client_finish (AdiuvaWorkspaceGateway *self,
                                            GAsyncResult           *result,
                                            GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_get_client_async:
 *
 * Gets the workspace's client, with all its providers (see
 * adiuva_workspace_gateway_new_client()), built when first asked for and again after a change,
 * reading the keys in a thread when it has to be built. Keep the reference for a call in
 * flight: a change replaces the workspace's client, not that one. It completes on a later
 * iteration of the main context even when the client was ready.
 */
void
adiuva_workspace_gateway_get_client_async (AdiuvaWorkspaceGateway *self,
                                           GCancellable           *cancellable,
                                           GAsyncReadyCallback     callback,
                                           gpointer                user_data)
{
  client_async (self, NULL, TRUE, cancellable, callback, user_data,
                adiuva_workspace_gateway_get_client_async);
}

/**
 * adiuva_workspace_gateway_get_client_finish:
 *
 * Returns: (transfer full): a reference to the client, for the call it is wanted for, or
 *   %NULL with @error set
 */
AdiuvaGatewayClient *
adiuva_workspace_gateway_get_client_finish (AdiuvaWorkspaceGateway *self,
                                            GAsyncResult           *result,
                                            GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_flush_call_log:
 *
 * Waits until the calls made so far are in the call log. The log is written by a thread of
 * its own within a tenth of a second of each call; only code that reads the log right away,
 * or a program about to exit, needs this.
 */
void
adiuva_workspace_gateway_flush_call_log (AdiuvaWorkspaceGateway *self)
{
  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));

  _adiuva_call_log_flush (self->call_log);
}
