/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-workspace-gateway-private.h"

/* The loopback endpoint */

static KeyringCall *
token_call_new (AdiuvaWorkspaceGateway *self,
                TokenWanted             wanted)
{
  KeyringCall *call = _adiuva_keyring_call_new (self);

  call->token_wanted = wanted;
  return call;
}

/* A new token replaces the old one at once in the running endpoint. */
static char *
token_from_call (AdiuvaWorkspaceGateway *self,
                 KeyringCall            *call)
{
  if (call->token_wanted == TOKEN_NEW && self->loopback != NULL)
    adiuva_loopback_server_set_token (self->loopback, call->token);
  return g_strdup (call->token);
}

static char *
token_sync (AdiuvaWorkspaceGateway *self,
            TokenWanted             wanted,
            GError                **error)
{
  g_autoptr (KeyringCall) call = token_call_new (self, wanted);

  if (!_adiuva_keyring_call_run (call, NULL, error))
    return NULL;
  return token_from_call (self, call);
}

static void
token_done (GTask *task)
{
  g_task_return_pointer (task,
                         token_from_call (g_task_get_source_object (task),
                                          g_task_get_task_data (task)),
                         (GDestroyNotify) _adiuva_keyring_free_secret);
}

static void
token_async (AdiuvaWorkspaceGateway *self,
             TokenWanted             wanted,
             GCancellable           *cancellable,
             GAsyncReadyCallback     callback,
             gpointer                user_data,
             gpointer                source_tag)
{
  GTask *task;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  _adiuva_keyring_call_start (task, token_call_new (self, wanted), token_done);
}

/**
 * adiuva_workspace_gateway_dup_loopback_token:
 *
 * The token local clients of the loopback endpoint present: made the first time and kept in
 * the keyring, then the same every time so that tools keep working. Reading the keyring can
 * wait for the user to unlock it: a program with a user interface uses
 * adiuva_workspace_gateway_dup_loopback_token_async().
 *
 * Returns: (transfer full): the token, or %NULL with @error set
 */
char *
adiuva_workspace_gateway_dup_loopback_token (AdiuvaWorkspaceGateway *self,
                                             GError                **error)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  return token_sync (self, TOKEN_GET, error);
}

void
adiuva_workspace_gateway_dup_loopback_token_async (AdiuvaWorkspaceGateway *self,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data)
{
  token_async (self, TOKEN_GET, cancellable, callback, user_data,
               adiuva_workspace_gateway_dup_loopback_token_async);
}

/**
 * adiuva_workspace_gateway_dup_loopback_token_finish:
 *
 * Returns: (transfer full): the token, or %NULL with @error set
 */
char *
adiuva_workspace_gateway_dup_loopback_token_finish (AdiuvaWorkspaceGateway *self,
                                                    GAsyncResult           *result,
                                                    GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_reset_loopback_token_async:
 *
 * Replaces the token with a new one, in the keyring in a thread; the running endpoint refuses
 * the old one at once.
 */
void
adiuva_workspace_gateway_reset_loopback_token_async (AdiuvaWorkspaceGateway *self,
                                                     GCancellable           *cancellable,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data)
{
  token_async (self, TOKEN_NEW, cancellable, callback, user_data,
               adiuva_workspace_gateway_reset_loopback_token_async);
}

/**
 * adiuva_workspace_gateway_reset_loopback_token_finish:
 *
 * Returns: (transfer full): the new token, or %NULL with @error set; a cancelled call may
 *   still have replaced the token
 */
char *
adiuva_workspace_gateway_reset_loopback_token_finish (AdiuvaWorkspaceGateway *self,
                                                      GAsyncResult           *result,
                                                      GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The keys of all the providers and the token: what an endpoint needs from the keyring. */
static KeyringCall *
loopback_call_new (AdiuvaWorkspaceGateway *self,
                   GError                **error)
{
  KeyringCall *call = _adiuva_keyring_call_new_for_keys (self, NULL, error);

  if (call != NULL)
    call->token_wanted = TOKEN_GET;
  return call;
}

static AdiuvaLoopbackServer *
loopback_from_call (AdiuvaWorkspaceGateway *self,
                    KeyringCall            *call,
                    GError                **error)
{
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (AdiuvaLoopbackServer) server = NULL;
  g_autofree char *default_model = NULL;
  g_autoptr (GError) local_error = NULL;

  default_model = adiuva_workspace_gateway_dup_default_model (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if ((client = _adiuva_workspace_gateway_client_from_call (self, call, error)) == NULL)
    return NULL;

  server = adiuva_loopback_server_new (client, call->token);
  adiuva_loopback_server_set_default_model (server, default_model);
  return g_steal_pointer (&server);
}

/**
 * adiuva_workspace_gateway_new_loopback:
 *
 * A loopback server with a client of its own (see adiuva_workspace_gateway_new_client()), the
 * workspace's token and default model. It does not listen yet.
 *
 * Returns: (transfer full): the server, or %NULL with @error set
 */
AdiuvaLoopbackServer *
adiuva_workspace_gateway_new_loopback (AdiuvaWorkspaceGateway *self,
                                       GError                **error)
{
  g_autoptr (KeyringCall) call = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if ((call = loopback_call_new (self, error)) == NULL ||
      !_adiuva_keyring_call_run (call, NULL, error))
    return NULL;
  return loopback_from_call (self, call, error);
}

/* A configuration changed here reaches the endpoint's next request. */
void
_adiuva_workspace_gateway_update_loopback (AdiuvaWorkspaceGateway *self)
{
  g_autoptr (KeyringCall) call = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autofree char *default_model = NULL;
  g_autoptr (GError) error = NULL;

  if (self->loopback == NULL)
    return;

  default_model = adiuva_workspace_gateway_dup_default_model (self, &error);
  if (error == NULL && (call = _adiuva_keyring_call_new_for_keys (self, NULL, &error)) != NULL)
    {
      g_hash_table_unref (call->keys);
      call->keys = g_hash_table_ref (self->loopback_keys);
      client = _adiuva_workspace_gateway_client_from_call (self, call, &error);
    }
  if (client == NULL)
    {
      g_warning ("The loopback endpoint keeps the previous configuration: %s", error->message);
      return;
    }
  adiuva_loopback_server_set_client (self->loopback, client);
  adiuva_loopback_server_set_default_model (self->loopback, default_model);
}

/**
 * adiuva_workspace_gateway_get_loopback_settings:
 * @enabled: (out): whether the endpoint is to run while the workspace is open
 * @port: (out): the port it last listened on, 0 for none yet
 *
 * Returns: whether the settings could be read; %FALSE with @error set
 */
gboolean
adiuva_workspace_gateway_get_loopback_settings (AdiuvaWorkspaceGateway *self,
                                                gboolean               *enabled,
                                                guint                  *port,
                                                GError                **error)
{
  g_autoptr (JsonObject) settings = NULL;
  gint64 saved_port;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (enabled != NULL && port != NULL, FALSE);

  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  settings = _adiuva_workspace_gateway_load_object (self->store, ADIUVA_LOOPBACK_SETTING,
                                                    _ ("loopback settings"), error);
  if (settings == NULL)
    return FALSE;
  saved_port = json_object_get_int_member_with_default (settings, "port", 0);
  *enabled = json_object_get_boolean_member_with_default (settings, "enabled", FALSE);
  *port = saved_port >= 0 && saved_port <= G_MAXUINT16 ? (guint) saved_port : 0;
  return TRUE;
}

static gboolean
save_loopback_settings (AdiuvaWorkspaceGateway *self,
                        gboolean                enabled,
                        guint                   port,
                        GError                **error)
{
  g_autoptr (JsonObject) settings = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;

  json_object_set_boolean_member (settings, "enabled", enabled);
  json_object_set_int_member (settings, "port", port);
  node = json_node_init_object (json_node_alloc (), settings);
  text = json_to_string (node, FALSE);
  return adiuva_store_set_setting (self->store, ADIUVA_LOOPBACK_SETTING, text, error);
}

static AdiuvaLoopbackServer *
listen_from_call (AdiuvaWorkspaceGateway *self,
                  KeyringCall            *call,
                  GError                **error)
{
  g_autoptr (AdiuvaLoopbackServer) server = NULL;
  g_autoptr (GError) local_error = NULL;

  if ((server = loopback_from_call (self, call, error)) == NULL)
    return NULL;
  if (adiuva_loopback_server_listen (server, call->port, &local_error))
    return g_steal_pointer (&server);

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_PORT_IN_USE,
                 _ ("Another program uses port %u of 127.0.0.1. Choose another port, or 0 to "
                    "let Adiuva pick a free one."),
                 call->port);
  else
    g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                 _ ("Cannot listen on port %u of 127.0.0.1: %s"), call->port,
                 local_error->message);
  return NULL;
}

/*
 * start_from_call:
 *
 * Starts the endpoint @call was made for: turned on (call->flag), kept in the settings with
 * its port; restored, only while the settings still say so and no other endpoint was started
 * meanwhile.
 */
static gboolean
start_from_call (AdiuvaWorkspaceGateway *self,
                 KeyringCall            *call,
                 GError                **error)
{
  g_autoptr (AdiuvaLoopbackServer) server = NULL;
  gboolean enabled;
  guint    port;

  if (!call->flag)
    {
      if (!adiuva_workspace_gateway_get_loopback_settings (self, &enabled, &port, error))
        return FALSE;
      if (!enabled || self->loopback != NULL)
        return TRUE;
    }

  if ((server = listen_from_call (self, call, error)) == NULL)
    return FALSE;
  if (call->flag &&
      !save_loopback_settings (self, TRUE, adiuva_loopback_server_get_port (server), error))
    {
      adiuva_loopback_server_disconnect (server);
      return FALSE;
    }
  adiuva_workspace_gateway_stop_loopback (self);
  self->loopback = g_steal_pointer (&server);
  self->loopback_keys = g_hash_table_ref (call->keys);
  return TRUE;
}

/*
 * prepare_enabled:
 * @call: (out): what a new endpoint needs from the keyring, %NULL when none is needed
 *
 * Does what turning the endpoint on or off needs besides a new endpoint.
 */
static gboolean
prepare_enabled (AdiuvaWorkspaceGateway *self,
                 gboolean                enabled,
                 guint                   port,
                 KeyringCall           **call,
                 GError                **error)
{
  gboolean saved_enabled;
  guint    saved_port;

  *call = NULL;
  if (!adiuva_workspace_gateway_get_loopback_settings (self, &saved_enabled, &saved_port, error))
    return FALSE;

  if (!enabled)
    {
      if (!save_loopback_settings (self, FALSE, saved_port, error))
        return FALSE;
      adiuva_workspace_gateway_stop_loopback (self);
      return TRUE;
    }

  if (self->loopback != NULL &&
      (port == 0 || port == adiuva_loopback_server_get_port (self->loopback)))
    return save_loopback_settings (self, TRUE, adiuva_loopback_server_get_port (self->loopback),
                                   error);

  if ((*call = loopback_call_new (self, error)) == NULL)
    return FALSE;
  (*call)->port = port;
  (*call)->flag = TRUE;
  return TRUE;
}

static gboolean
prepare_restore (AdiuvaWorkspaceGateway *self,
                 KeyringCall           **call,
                 GError                **error)
{
  gboolean enabled;
  guint    port;

  *call = NULL;
  if (!adiuva_workspace_gateway_get_loopback_settings (self, &enabled, &port, error))
    return FALSE;
  if (!enabled || self->loopback != NULL)
    return TRUE;
  if ((*call = loopback_call_new (self, error)) == NULL)
    return FALSE;
  (*call)->port = port;
  return TRUE;
}

static void
start_done (GTask *task)
{
  GError *error = NULL;

  /* Unlike a key, an endpoint nobody asked for any more is better not started. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (start_from_call (g_task_get_source_object (task), g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* @task: (transfer full) */
static void
start_async (GTask       *task,
             gboolean     prepared,
             KeyringCall *call,
             GError      *error)
{
  if (!prepared)
    g_task_return_error (task, error);
  else if (call == NULL)
    g_task_return_boolean (task, TRUE);
  else
    {
      _adiuva_keyring_call_start (task, call, start_done);
      return;
    }
  g_object_unref (task);
}

/**
 * adiuva_workspace_gateway_set_loopback_enabled_async:
 * @port: the port on 127.0.0.1 to listen on when @enabled, 0 for any free one
 *
 * Starts the endpoint (or moves it to @port) or stops it, and keeps that in the workspace's
 * settings with the port it listens on, so that adiuva_workspace_gateway_restore_loopback_async()
 * brings it back on the same port. On failure nothing changes: a running endpoint goes on.
 * Starting it reads the keyring in a thread.
 */
void
adiuva_workspace_gateway_set_loopback_enabled_async (AdiuvaWorkspaceGateway *self,
                                                     gboolean                enabled,
                                                     guint                   port,
                                                     GCancellable           *cancellable,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data)
{
  GTask       *task;
  KeyringCall *call;
  GError      *error = NULL;
  gboolean     prepared;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (port <= G_MAXUINT16);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_workspace_gateway_set_loopback_enabled_async);
  prepared = prepare_enabled (self, enabled, port, &call, &error);
  start_async (task, prepared, call, error);
}

/**
 * adiuva_workspace_gateway_set_loopback_enabled_finish:
 *
 * Returns: whether the endpoint is on or off as asked; a cancelled call leaves it as it was
 */
gboolean
adiuva_workspace_gateway_set_loopback_enabled_finish (AdiuvaWorkspaceGateway *self,
                                                      GAsyncResult           *result,
                                                      GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_restore_loopback_async:
 *
 * Starts the endpoint on its port when the workspace's settings say it was on, reading the
 * keyring in a thread; for a front end that has just opened the workspace.
 */
void
adiuva_workspace_gateway_restore_loopback_async (AdiuvaWorkspaceGateway *self,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data)
{
  GTask       *task;
  KeyringCall *call;
  GError      *error = NULL;
  gboolean     prepared;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_workspace_gateway_restore_loopback_async);
  prepared = prepare_restore (self, &call, &error);
  start_async (task, prepared, call, error);
}

/**
 * adiuva_workspace_gateway_restore_loopback_finish:
 *
 * Returns: %FALSE with @error set when the endpoint should run and cannot
 */
gboolean
adiuva_workspace_gateway_restore_loopback_finish (AdiuvaWorkspaceGateway *self,
                                                  GAsyncResult           *result,
                                                  GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_stop_loopback:
 *
 * Stops the endpoint, if it runs, without changing the settings: for a front end closing the
 * workspace.
 */
void
adiuva_workspace_gateway_stop_loopback (AdiuvaWorkspaceGateway *self)
{
  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));

  if (self->loopback == NULL)
    return;
  adiuva_loopback_server_disconnect (self->loopback);
  g_clear_object (&self->loopback);
  g_clear_pointer (&self->loopback_keys, g_hash_table_unref);
}

/**
 * adiuva_workspace_gateway_get_loopback_port:
 *
 * Returns: the port the endpoint listens on, 0 while it is off
 */
guint
adiuva_workspace_gateway_get_loopback_port (AdiuvaWorkspaceGateway *self)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), 0);

  return self->loopback != NULL ? adiuva_loopback_server_get_port (self->loopback) : 0;
}
