/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-connectivity-private.h"
#include "adiuva-workspace-gateway-private.h"

/* Providers */

JsonArray *
_adiuva_workspace_gateway_load_providers (AdiuvaStore *store,
                                          GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return _adiuva_workspace_gateway_load_array (store, ADIUVA_PROVIDERS_SETTING,
                                               _ ("provider settings"), error);
}

int
_adiuva_workspace_gateway_find_provider (JsonArray  *providers,
                                         const char *name)
{
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *p = json_array_get_object_element (providers, i);

      if (p != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (p, "name", NULL), name) == 0)
        return i;
    }
  return -1;
}

void
_adiuva_workspace_gateway_set_provider_not_found (GError    **error,
                                                  const char *name)
{
  g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
               ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND, _ ("No provider is called “%s”."),
               name);
}

static gboolean
check_provider (const char *name,
                const char *kind,
                const char *base_url,
                const char *api_key,
                GError    **error)
{
  const AdiuvaProviderInfo *info;

  if (name[0] == '\0' || strchr (name, '/') != NULL)
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                   _ ("“%s” cannot name a provider: names are not empty and have no “/”."),
                   name);
      return FALSE;
    }
  info = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), kind);
  if (info == NULL)
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                   _ ("“%s” is not a kind of provider Adiuva knows (such as openai, anthropic, "
                      "gemini, ollama or openai-compatible)."),
                   kind);
      return FALSE;
    }
  if (info->requires_base_url && (base_url == NULL || base_url[0] == '\0'))
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                   _ ("A provider of kind %s needs its base URL."), kind);
      return FALSE;
    }
  if (api_key != NULL && api_key[0] == '\0')
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID, _ ("The API key is empty."));
      return FALSE;
    }
  return TRUE;
}

static void
fill_provider (JsonObject *entry,
               const char *name,
               const char *kind,
               const char *base_url)
{
  json_object_set_string_member (entry, "name", name);
  json_object_set_string_member (entry, "kind", kind);
  if (base_url != NULL)
    json_object_set_string_member (entry, "base_url", base_url);
  else if (json_object_has_member (entry, "base_url"))
    json_object_remove_member (entry, "base_url");
}

static GPtrArray *
providers_from_json (JsonArray *providers)
{
  GPtrArray *list;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_workspace_provider_free);
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject              *p = json_array_get_object_element (providers, i);
      AdiuvaWorkspaceProvider *provider = g_new0 (AdiuvaWorkspaceProvider, 1);

      provider->name = g_strdup (json_object_get_string_member_with_default (p, "name", ""));
      provider->kind = g_strdup (json_object_get_string_member_with_default (p, "kind", ""));
      provider->base_url =
          g_strdup (json_object_get_string_member_with_default (p, "base_url", NULL));
      g_ptr_array_add (list, provider);
    }
  return list;
}

/* Whether there is a key is all the list says: the keys themselves go with the call. */
static KeyringCall *
list_call_new (AdiuvaWorkspaceGateway *self,
               GError                **error)
{
  KeyringCall *call = _adiuva_keyring_call_new_for_keys (self, NULL, error);

  if (call != NULL)
    call->tolerant = TRUE;
  return call;
}

static GPtrArray *
list_from_call (KeyringCall *call)
{
  GPtrArray *list = providers_from_json (call->providers);

  for (guint i = 0; i < list->len; i++)
    {
      AdiuvaWorkspaceProvider *provider = g_ptr_array_index (list, i);

      provider->has_key = g_hash_table_contains (call->keys, provider->name);
    }
  return list;
}

/**
 * adiuva_workspace_gateway_list_providers:
 *
 * Asks the keyring whether each provider has a key, which can wait for the user to unlock it:
 * a program with a user interface uses adiuva_workspace_gateway_list_providers_async().
 *
 * Returns: (transfer container) (element-type AdiuvaWorkspaceProvider): the providers in the
 *   order they were added, or %NULL with @error set
 */
GPtrArray *
adiuva_workspace_gateway_list_providers (AdiuvaWorkspaceGateway *self,
                                         GError                **error)
{
  g_autoptr (KeyringCall) call = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if ((call = list_call_new (self, error)) == NULL || !_adiuva_keyring_call_run (call, NULL, error))
    return NULL;
  return list_from_call (call);
}

static void
list_done (GTask *task)
{
  g_task_return_pointer (task, list_from_call (g_task_get_task_data (task)),
                         (GDestroyNotify) g_ptr_array_unref);
}

/**
 * adiuva_workspace_gateway_list_providers_async:
 *
 * Lists the providers as adiuva_workspace_gateway_list_providers() does, asking the keyring
 * in a thread.
 */
void
adiuva_workspace_gateway_list_providers_async (AdiuvaWorkspaceGateway *self,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  GError      *error = NULL;
  KeyringCall *call;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_workspace_gateway_list_providers_async);
  if ((call = list_call_new (self, &error)) == NULL)
    g_task_return_error (task, error);
  else
    _adiuva_keyring_call_start (g_steal_pointer (&task), call, list_done);
}

/**
 * adiuva_workspace_gateway_list_providers_finish:
 *
 * Returns: (transfer container) (element-type AdiuvaWorkspaceProvider): the providers in the
 *   order they were added, or %NULL with @error set
 */
GPtrArray *
adiuva_workspace_gateway_list_providers_finish (AdiuvaWorkspaceGateway *self,
                                                GAsyncResult           *result,
                                                GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_read_providers:
 *
 * Like adiuva_workspace_gateway_list_providers(), without asking the keyring: has_key is
 * %FALSE. For what needs only names, kinds and URLs, often, or on the main thread.
 *
 * Returns: (transfer container) (element-type AdiuvaWorkspaceProvider): the providers in the
 *   order they were added, or %NULL with @error set
 */
GPtrArray *
adiuva_workspace_gateway_read_providers (AdiuvaWorkspaceGateway *self,
                                         GError                **error)
{
  g_autoptr (JsonArray) providers = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if ((providers = _adiuva_workspace_gateway_load_providers (self->store, error)) == NULL)
    return NULL;
  return providers_from_json (providers);
}

/*
 * _adiuva_workspace_provider_is_local:
 * @info: (out) (optional): its kind in the provider table, %NULL for an unknown kind
 *
 * Whether @provider's answers are made on this machine or network: it speaks Ollama's protocol
 * or its base URL is a loopback address. The table's is_local is not enough: an
 * OpenAI-compatible server is often LM Studio on this machine, but can as well be a cloud
 * service, and the Chat page tells the user which one answered.
 */
gboolean
_adiuva_workspace_provider_is_local (const AdiuvaWorkspaceProvider *provider,
                                     const AdiuvaProviderInfo     **info)
{
  const AdiuvaProviderInfo *found;
  g_autoptr (AdiuvaProviderSettings) settings = NULL;

  found = adiuva_provider_table_lookup (adiuva_provider_table_get_default (), provider->kind);
  if (info != NULL)
    *info = found;
  if (found == NULL)
    return FALSE;
  settings = adiuva_provider_settings_new (provider->name, provider->kind);
  if (provider->base_url != NULL)
    adiuva_provider_settings_set_base_url (settings, provider->base_url);
  return _adiuva_provider_is_local (found, settings);
}

/*
 * put_provider:
 * @adding: whether @name is a new provider rather than one to update
 * @save: %FALSE to only check that it can be done
 */
static gboolean
put_provider (AdiuvaWorkspaceGateway *self,
              const char             *name,
              const char             *kind,
              const char             *base_url,
              gboolean                adding,
              gboolean                save,
              GError                **error)
{
  g_autoptr (JsonArray) providers = NULL;
  JsonObject *entry;
  int         index;

  if ((providers = _adiuva_workspace_gateway_load_providers (self->store, error)) == NULL)
    return FALSE;
  index = _adiuva_workspace_gateway_find_provider (providers, name);
  if (adding && index >= 0)
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                   ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_EXISTS,
                   _ ("There is already a provider called “%s”."), name);
      return FALSE;
    }
  if (!adding && index < 0)
    {
      _adiuva_workspace_gateway_set_provider_not_found (error, name);
      return FALSE;
    }
  if (!save)
    return TRUE;

  if (adding)
    {
      entry = json_object_new ();
      json_array_add_object_element (providers, entry);
    }
  else
    entry = json_array_get_object_element (providers, index);
  fill_provider (entry, name, kind, base_url);
  return _adiuva_workspace_gateway_save_array (self, ADIUVA_PROVIDERS_SETTING, providers, error);
}

/* The key goes to the keyring first, so that the provider never lacks the key it was given. */
static KeyringCall *
save_call_new (AdiuvaWorkspaceGateway *self,
               const char             *name,
               const char             *kind,
               const char             *base_url,
               const char             *api_key,
               gboolean                adding,
               GError                **error)
{
  KeyringCall *call;

  if (!check_provider (name, kind, base_url, api_key, error) ||
      !put_provider (self, name, kind, base_url, adding, FALSE, error))
    return NULL;

  call = _adiuva_keyring_call_new (self);
  if (api_key != NULL)
    {
      call->store_name = g_strdup (name);
      call->store_secret = g_strdup (api_key);
    }
  call->name = g_strdup (name);
  call->kind = g_strdup (kind);
  call->base_url = g_strdup (base_url);
  call->flag = adding;
  return call;
}

static gboolean
save_from_call (AdiuvaWorkspaceGateway *self,
                KeyringCall            *call,
                GError                **error)
{
  if (self->loopback_keys != NULL && call->store_name != NULL)
    g_hash_table_insert (self->loopback_keys, g_strdup (call->store_name),
                         g_strdup (call->store_secret));
  return put_provider (self, call->name, call->kind, call->base_url, call->flag, TRUE, error);
}

static gboolean
save_provider (AdiuvaWorkspaceGateway *self,
               const char             *name,
               const char             *kind,
               const char             *base_url,
               const char             *api_key,
               gboolean                adding,
               GError                **error)
{
  g_autoptr (KeyringCall) call = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (name != NULL && kind != NULL, FALSE);

  return (call = save_call_new (self, name, kind, base_url, api_key, adding, error)) != NULL &&
         _adiuva_keyring_call_run (call, NULL, error) && save_from_call (self, call, error);
}

static void
save_done (GTask *task)
{
  GError *error = NULL;

  if (save_from_call (g_task_get_source_object (task), g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_provider_async (AdiuvaWorkspaceGateway *self,
                     const char             *name,
                     const char             *kind,
                     const char             *base_url,
                     const char             *api_key,
                     gboolean                adding,
                     GCancellable           *cancellable,
                     GAsyncReadyCallback     callback,
                     gpointer                user_data,
                     gpointer                source_tag)
{
  g_autoptr (GTask) task = NULL;
  GError      *error = NULL;
  KeyringCall *call;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (name != NULL && kind != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  if ((call = save_call_new (self, name, kind, base_url, api_key, adding, &error)) == NULL)
    g_task_return_error (task, error);
  else
    _adiuva_keyring_call_start (g_steal_pointer (&task), call, save_done);
}

/**
 * adiuva_workspace_gateway_add_provider:
 * @name: what PROVIDER/MODEL calls it: not empty, no slash
 * @kind: an id of the provider table
 * @base_url: (nullable): the provider's documented base URL, %NULL for its kind's default
 * @api_key: (nullable): its key, which goes to the keyring only
 *
 * Keeping a key can wait for the user to unlock the keyring: a program with a user interface
 * uses adiuva_workspace_gateway_add_provider_async().
 */
gboolean
adiuva_workspace_gateway_add_provider (AdiuvaWorkspaceGateway *self,
                                       const char             *name,
                                       const char             *kind,
                                       const char             *base_url,
                                       const char             *api_key,
                                       GError                **error)
{
  return save_provider (self, name, kind, base_url, api_key, TRUE, error);
}

void
adiuva_workspace_gateway_add_provider_async (AdiuvaWorkspaceGateway *self,
                                             const char             *name,
                                             const char             *kind,
                                             const char             *base_url,
                                             const char             *api_key,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data)
{
  save_provider_async (self, name, kind, base_url, api_key, TRUE, cancellable, callback,
                       user_data, adiuva_workspace_gateway_add_provider_async);
}

/**
 * adiuva_workspace_gateway_add_provider_finish:
 *
 * Returns: whether the provider was added; a cancelled call may still have added it
 */
gboolean
adiuva_workspace_gateway_add_provider_finish (AdiuvaWorkspaceGateway *self,
                                              GAsyncResult           *result,
                                              GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * adiuva_workspace_gateway_update_provider:
 * @api_key: (nullable): a new key, or %NULL to keep the one in the keyring
 *
 * Changes the kind, base URL and (when given) the key of an existing provider. A program with
 * a user interface uses adiuva_workspace_gateway_update_provider_async().
 */
gboolean
adiuva_workspace_gateway_update_provider (AdiuvaWorkspaceGateway *self,
                                          const char             *name,
                                          const char             *kind,
                                          const char             *base_url,
                                          const char             *api_key,
                                          GError                **error)
{
  return save_provider (self, name, kind, base_url, api_key, FALSE, error);
}

void
adiuva_workspace_gateway_update_provider_async (AdiuvaWorkspaceGateway *self,
                                                const char             *name,
                                                const char             *kind,
                                                const char             *base_url,
                                                const char             *api_key,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data)
{
  save_provider_async (self, name, kind, base_url, api_key, FALSE, cancellable, callback,
                       user_data, adiuva_workspace_gateway_update_provider_async);
}

/**
 * adiuva_workspace_gateway_update_provider_finish:
 *
 * Returns: whether the provider was changed; a cancelled call may still have changed it
 */
gboolean
adiuva_workspace_gateway_update_provider_finish (AdiuvaWorkspaceGateway *self,
                                                 GAsyncResult           *result,
                                                 GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The settings are gone first: a key left behind by a failing keyring is harmless. */
static KeyringCall *
remove_call_new (AdiuvaWorkspaceGateway *self,
                 const char             *name,
                 GError                **error)
{
  g_autoptr (JsonArray) providers = NULL;
  KeyringCall *call;
  int          index;

  if ((providers = _adiuva_workspace_gateway_load_providers (self->store, error)) == NULL)
    return NULL;
  index = _adiuva_workspace_gateway_find_provider (providers, name);
  if (index < 0)
    {
      _adiuva_workspace_gateway_set_provider_not_found (error, name);
      return NULL;
    }
  json_array_remove_element (providers, index);
  if (self->loopback_keys != NULL)
    g_hash_table_remove (self->loopback_keys, name);
  if (!_adiuva_workspace_gateway_save_array (self, ADIUVA_PROVIDERS_SETTING, providers, error))
    return NULL;

  call = _adiuva_keyring_call_new (self);
  call->clear_name = g_strdup (name);
  return call;
}

/**
 * adiuva_workspace_gateway_remove_provider:
 *
 * Removes a provider from the settings, then its key from the keyring (which can wait for the
 * user to unlock it: a program with a user interface uses
 * adiuva_workspace_gateway_remove_provider_async()).
 */
gboolean
adiuva_workspace_gateway_remove_provider (AdiuvaWorkspaceGateway *self,
                                          const char             *name,
                                          GError                **error)
{
  g_autoptr (KeyringCall) call = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return (call = remove_call_new (self, name, error)) != NULL &&
         _adiuva_keyring_call_run (call, NULL, error);
}

static void
remove_done (GTask *task)
{
  g_task_return_boolean (task, TRUE);
}

void
adiuva_workspace_gateway_remove_provider_async (AdiuvaWorkspaceGateway *self,
                                                const char             *name,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  GError      *error = NULL;
  KeyringCall *call;

  g_return_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_workspace_gateway_remove_provider_async);
  if ((call = remove_call_new (self, name, &error)) == NULL)
    g_task_return_error (task, error);
  else
    _adiuva_keyring_call_start (g_steal_pointer (&task), call, remove_done);
}

/**
 * adiuva_workspace_gateway_remove_provider_finish:
 *
 * Returns: whether the provider and its key are gone; the provider is gone from the settings
 *   even when its key could not be cleared
 */
gboolean
adiuva_workspace_gateway_remove_provider_finish (AdiuvaWorkspaceGateway *self,
                                                 GAsyncResult           *result,
                                                 GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
