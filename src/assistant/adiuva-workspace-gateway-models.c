/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-workspace-gateway-private.h"

/* Aliases */

JsonObject *
_adiuva_workspace_gateway_load_aliases (AdiuvaStore *store,
                                        GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return _adiuva_workspace_gateway_load_object (store, ADIUVA_ALIASES_SETTING, _ ("model aliases"),
                                                error);
}

gboolean
_adiuva_workspace_gateway_set_aliases (AdiuvaGatewayClient *client,
                                       JsonObject          *aliases,
                                       GError             **error)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *target;

  json_object_iter_init (&iter, aliases);
  while (json_object_iter_next (&iter, &name, &target))
    {
      if (!JSON_NODE_HOLDS_VALUE (target) || json_node_get_value_type (target) != G_TYPE_STRING)
        {
          /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
          _adiuva_workspace_gateway_set_damaged (error, _ ("model aliases"));
          return FALSE;
        }
      if (!adiuva_gateway_client_set_alias (client, name, json_node_get_string (target), error))
        return FALSE;
    }
  return TRUE;
}

static void
set_alias_not_found (GError    **error,
                     const char *alias)
{
  g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
               ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND, _ ("No alias is called “%s”."),
               alias);
}

/* A client holding only the aliases, which is all that checking or following them takes, and
 * which needs no keyring. */
static AdiuvaGatewayClient *
new_alias_client (AdiuvaStore *store,
                  GError     **error)
{
  g_autoptr (AdiuvaGatewayClient) client = adiuva_gateway_client_new (NULL);
  g_autoptr (JsonObject) aliases = _adiuva_workspace_gateway_load_aliases (store, error);

  if (aliases == NULL || !_adiuva_workspace_gateway_set_aliases (client, aliases, error))
    return NULL;
  return g_steal_pointer (&client);
}

/**
 * adiuva_workspace_gateway_list_aliases:
 *
 * Returns: (transfer full): the aliases' names, or %NULL with @error set
 */
GStrv
adiuva_workspace_gateway_list_aliases (AdiuvaWorkspaceGateway *self,
                                       GError                **error)
{
  g_autoptr (AdiuvaGatewayClient) client = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  client = new_alias_client (self->store, error);
  return client != NULL ? adiuva_gateway_client_list_aliases (client) : NULL;
}

/**
 * adiuva_workspace_gateway_dup_alias:
 *
 * Returns: (transfer full): what @alias names directly (an alias or PROVIDER/MODEL), or %NULL
 *   with @error set
 */
char *
adiuva_workspace_gateway_dup_alias (AdiuvaWorkspaceGateway *self,
                                    const char             *alias,
                                    GError                **error)
{
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  const char *target;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);
  g_return_val_if_fail (alias != NULL, NULL);

  if ((client = new_alias_client (self->store, error)) == NULL)
    return NULL;
  target = adiuva_gateway_client_get_alias (client, alias);
  if (target == NULL)
    set_alias_not_found (error, alias);
  return g_strdup (target);
}

/**
 * adiuva_workspace_gateway_resolve_model:
 * @model: PROVIDER/MODEL or an alias
 *
 * Returns: (transfer full): the PROVIDER/MODEL @model leads to through the aliases, or %NULL
 *   with @error set when an alias on the way is not set
 */
char *
adiuva_workspace_gateway_resolve_model (AdiuvaWorkspaceGateway *self,
                                        const char             *model,
                                        GError                **error)
{
  g_autoptr (AdiuvaGatewayClient) client = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);
  g_return_val_if_fail (model != NULL, NULL);

  client = new_alias_client (self->store, error);
  return client != NULL ? adiuva_gateway_client_resolve_model (client, model, error) : NULL;
}

/**
 * adiuva_workspace_gateway_set_alias:
 * @target: PROVIDER/MODEL or another alias, which may be set later
 *
 * Makes @alias stand for @target, refusing (with the gateway's error) an alias that would lead
 * back to itself or make too long a chain.
 */
gboolean
adiuva_workspace_gateway_set_alias (AdiuvaWorkspaceGateway *self,
                                    const char             *alias,
                                    const char             *target,
                                    GError                **error)
{
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (JsonObject) aliases = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (alias != NULL && target != NULL, FALSE);

  if ((aliases = _adiuva_workspace_gateway_load_aliases (self->store, error)) == NULL ||
      (client = adiuva_gateway_client_new (NULL)) == NULL ||
      !_adiuva_workspace_gateway_set_aliases (client, aliases, error) ||
      !adiuva_gateway_client_set_alias (client, alias, target, error))
    return FALSE;

  json_object_set_string_member (aliases, alias, target);
  return _adiuva_workspace_gateway_save_object (self, ADIUVA_ALIASES_SETTING, aliases, error);
}

/**
 * adiuva_workspace_gateway_remove_alias:
 *
 * Removes @alias. Aliases naming it are kept: they fail until it is set again, as the user may
 * mean.
 */
gboolean
adiuva_workspace_gateway_remove_alias (AdiuvaWorkspaceGateway *self,
                                       const char             *alias,
                                       GError                **error)
{
  g_autoptr (JsonObject) aliases = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (alias != NULL, FALSE);

  if ((aliases = _adiuva_workspace_gateway_load_aliases (self->store, error)) == NULL)
    return FALSE;
  if (!json_object_has_member (aliases, alias))
    {
      set_alias_not_found (error, alias);
      return FALSE;
    }
  json_object_remove_member (aliases, alias);
  return _adiuva_workspace_gateway_save_object (self, ADIUVA_ALIASES_SETTING, aliases, error);
}

/* Fallbacks */

GStrv
_adiuva_workspace_gateway_load_fallbacks (AdiuvaStore *store,
                                          GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  const char *what = _ ("fallback models");
  g_autoptr (JsonArray) list =
      _adiuva_workspace_gateway_load_array (store, ADIUVA_FALLBACKS_SETTING, what, error);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          _adiuva_workspace_gateway_set_damaged (error, what);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/**
 * adiuva_workspace_gateway_list_fallbacks:
 *
 * Returns: (transfer full): the models asked in order when the model a call asked for fails
 *   before any of its answer arrived (empty when there are none), or %NULL with @error set
 */
GStrv
adiuva_workspace_gateway_list_fallbacks (AdiuvaWorkspaceGateway *self,
                                         GError                **error)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  return _adiuva_workspace_gateway_load_fallbacks (self->store, error);
}

/**
 * adiuva_workspace_gateway_set_fallbacks:
 * @chain: (nullable) (array zero-terminated=1): PROVIDER/MODEL or aliases, in the order to ask
 *   them; %NULL or empty for none
 *
 * Sets the fallback order of every call that names a model (not auto: a route's models are
 * its own order), once each model is checked (adiuva_workspace_gateway_check_model()). The
 * model a call asked for is not asked again when it is in the order too.
 */
gboolean
adiuva_workspace_gateway_set_fallbacks (AdiuvaWorkspaceGateway *self,
                                        const char *const      *chain,
                                        GError                **error)
{
  g_autoptr (JsonArray) list = json_array_new ();

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);

  for (guint i = 0; chain != NULL && chain[i] != NULL; i++)
    {
      if (!adiuva_workspace_gateway_check_model (self, chain[i], FALSE, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (g_str_equal (chain[j], chain[i]))
          {
            g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                         ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                         _ ("“%s” is in the fallback order already."), chain[i]);
            return FALSE;
          }
      json_array_add_string_element (list, chain[i]);
    }
  return _adiuva_workspace_gateway_save_array (self, ADIUVA_FALLBACKS_SETTING, list, error);
}

/* Routes */

/**
 * adiuva_workspace_gateway_dup_router:
 *
 * Returns: (transfer full): the workspace's routes (a copy: change them with the setters
 *   here), or %NULL with @error set
 */
AdiuvaRouter *
adiuva_workspace_gateway_dup_router (AdiuvaWorkspaceGateway *self,
                                     GError                **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) node = NULL;
  AdiuvaRouter *router;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  text = adiuva_store_dup_setting (self->store, ADIUVA_ROUTES_SETTING, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text == NULL)
    return adiuva_router_new ();

  node = json_from_string (text, NULL);
  router = node != NULL ? adiuva_router_new_from_json (node, &local_error) : NULL;
  if (router == NULL)
    g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                 _ ("The routes of the workspace are damaged: %s"),
                 local_error != NULL ? local_error->message : _ ("they are not JSON"));
  return router;
}

static gboolean
save_router (AdiuvaWorkspaceGateway *self,
             AdiuvaRouter           *router,
             GError                **error)
{
  g_autoptr (JsonNode) node = adiuva_router_to_json (router);

  return _adiuva_workspace_gateway_save_json (self, ADIUVA_ROUTES_SETTING, node, error);
}

/**
 * adiuva_workspace_gateway_set_route:
 *
 * Adds @route, or replaces the route of its name in its place, once each of its models is
 * checked (adiuva_workspace_gateway_check_model()).
 */
gboolean
adiuva_workspace_gateway_set_route (AdiuvaWorkspaceGateway *self,
                                    AdiuvaRoute            *route,
                                    GError                **error)
{
  g_autoptr (AdiuvaRouter) router = NULL;
  const char *const *models;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (route != NULL, FALSE);

  models = adiuva_route_get_models (route);
  for (guint i = 0; models[i] != NULL; i++)
    if (!adiuva_workspace_gateway_check_model (self, models[i], FALSE, error))
      {
        g_prefix_error (error, _ ("Route “%s”: "), adiuva_route_get_name (route));
        return FALSE;
      }

  if ((router = adiuva_workspace_gateway_dup_router (self, error)) == NULL)
    return FALSE;
  adiuva_router_set_route (router, route);
  return save_router (self, router, error);
}

static void
set_route_not_found (GError    **error,
                     const char *name)
{
  g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
               ADIUVA_WORKSPACE_GATEWAY_ERROR_ROUTE_NOT_FOUND, _ ("No route is called “%s”."),
               name);
}

/**
 * adiuva_workspace_gateway_remove_route:
 *
 * Removes a route; if it was the default route, the first route becomes the default.
 */
gboolean
adiuva_workspace_gateway_remove_route (AdiuvaWorkspaceGateway *self,
                                       const char             *name,
                                       GError                **error)
{
  g_autoptr (AdiuvaRouter) router = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((router = adiuva_workspace_gateway_dup_router (self, error)) == NULL)
    return FALSE;
  if (!adiuva_router_remove_route (router, name))
    {
      set_route_not_found (error, name);
      return FALSE;
    }
  return save_router (self, router, error);
}

/**
 * adiuva_workspace_gateway_set_router_model:
 * @model: (nullable): PROVIDER/MODEL or an alias, or %NULL to let the rules alone choose
 */
gboolean
adiuva_workspace_gateway_set_router_model (AdiuvaWorkspaceGateway *self,
                                           const char             *model,
                                           GError                **error)
{
  g_autoptr (AdiuvaRouter) router = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);

  return (model == NULL || adiuva_workspace_gateway_check_model (self, model, FALSE, error)) &&
         (router = adiuva_workspace_gateway_dup_router (self, error)) != NULL &&
         adiuva_router_set_router_model (router, model, error) &&
         save_router (self, router, error);
}

/**
 * adiuva_workspace_gateway_set_default_route:
 *
 * Makes @name the route taken when neither the router model nor the rules choose one.
 */
gboolean
adiuva_workspace_gateway_set_default_route (AdiuvaWorkspaceGateway *self,
                                            const char             *name,
                                            GError                **error)
{
  g_autoptr (AdiuvaRouter) router = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((router = adiuva_workspace_gateway_dup_router (self, error)) == NULL)
    return FALSE;
  if (adiuva_router_get_route (router, name) == NULL)
    {
      set_route_not_found (error, name);
      return FALSE;
    }
  return adiuva_router_set_default_route (router, name, error) &&
         save_router (self, router, error);
}

/* Models */

/**
 * adiuva_workspace_gateway_dup_default_model:
 *
 * Returns: (transfer full) (nullable): the model asked when none is named, %NULL when there is
 *   none (or with @error set)
 */
char *
adiuva_workspace_gateway_dup_default_model (AdiuvaWorkspaceGateway *self,
                                            GError                **error)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  return adiuva_store_dup_setting (self->store, ADIUVA_DEFAULT_MODEL_SETTING, error);
}

/**
 * adiuva_workspace_gateway_set_default_model:
 * @model: PROVIDER/MODEL, an alias, or auto when the workspace has routes
 */
gboolean
adiuva_workspace_gateway_set_default_model (AdiuvaWorkspaceGateway *self,
                                            const char             *model,
                                            GError                **error)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (!adiuva_workspace_gateway_check_model (self, model, TRUE, error) ||
      !adiuva_store_set_setting (self->store, ADIUVA_DEFAULT_MODEL_SETTING, model, error))
    return FALSE;
  _adiuva_workspace_gateway_emit_changed (self);
  return TRUE;
}

/**
 * adiuva_workspace_gateway_check_model:
 * @model: what the user named a model by
 * @allow_auto: whether %ADIUVA_MODEL_AUTO will do (when the workspace has routes)
 *
 * Checks that @model is an alias that is set, or PROVIDER/MODEL with a provider of the
 * workspace. What an alias leads to is not checked: it may change.
 */
gboolean
adiuva_workspace_gateway_check_model (AdiuvaWorkspaceGateway *self,
                                      const char             *model,
                                      gboolean                allow_auto,
                                      GError                **error)
{
  const char *slash;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  slash = strchr (model, '/');
  if (g_str_equal (model, ADIUVA_MODEL_AUTO))
    {
      g_autoptr (AdiuvaRouter) router = NULL;

      if (!allow_auto)
        {
          g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                       _ ("“%s” chooses a route; name a model as PROVIDER/MODEL or an alias."),
                       model);
          return FALSE;
        }
      if ((router = adiuva_workspace_gateway_dup_router (self, error)) == NULL)
        return FALSE;
      if (adiuva_router_get_n_routes (router) > 0)
        return TRUE;
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_ROUTES,
                   _ ("“%s” chooses among the workspace’s routes, and it has none."), model);
      return FALSE;
    }

  if (model[0] == '\0' || (slash != NULL && (slash == model || slash[1] == '\0')))
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                   _ ("“%s” is neither PROVIDER/MODEL nor an alias."), model);
      return FALSE;
    }

  if (slash == NULL)
    {
      g_autoptr (JsonObject) aliases = _adiuva_workspace_gateway_load_aliases (self->store, error);

      if (aliases == NULL)
        return FALSE;
      if (!json_object_has_member (aliases, model))
        {
          set_alias_not_found (error, model);
          return FALSE;
        }
    }
  else
    {
      g_autofree char *provider = g_strndup (model, slash - model);
      g_autoptr (JsonArray) providers =
          _adiuva_workspace_gateway_load_providers (self->store, error);

      if (providers == NULL)
        return FALSE;
      if (_adiuva_workspace_gateway_find_provider (providers, provider) < 0)
        {
          _adiuva_workspace_gateway_set_provider_not_found (error, provider);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * adiuva_workspace_gateway_choose_model:
 * @model: (inout): the model the user named, or %NULL for the workspace's default
 * @provider: (out) (optional): the provider @model names, %NULL for an alias or auto (which
 *   may lead to any)
 *
 * Returns: whether @model is now a model to ask: an alias, auto or PROVIDER/MODEL;
 *   %ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL when there is none
 */
gboolean
adiuva_workspace_gateway_choose_model (AdiuvaWorkspaceGateway *self,
                                       char                  **model,
                                       char                  **provider,
                                       GError                **error)
{
  const char *slash;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (*model == NULL)
    {
      g_autoptr (GError) local_error = NULL;

      *model = adiuva_workspace_gateway_dup_default_model (self, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  slash = *model != NULL ? strchr (*model, '/') : NULL;
  if (*model == NULL || (*model)[0] == '\0' ||
      (slash != NULL && (slash == *model || slash[1] == '\0')))
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL,
                           _ ("Which model? Name one as PROVIDER/MODEL or an alias, or choose "
                              "the workspace’s default model."));
      return FALSE;
    }
  if (provider != NULL)
    *provider = slash != NULL ? g_strndup (*model, slash - *model) : NULL;
  return TRUE;
}
