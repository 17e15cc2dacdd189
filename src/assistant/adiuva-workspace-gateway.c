/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-call-log-private.h"
#include "adiuva-workspace-gateway-private.h"

/**
 * AdiuvaWorkspaceGateway:
 *
 * The gateway as a workspace configures it: providers (their keys in the keyring), the default
 * model, aliases, the fallback order, routes, budgets and rate limits, kept as JSON in the
 * workspace's settings, and the one #AdiuvaGatewayClient they make, whose calls go to the
 * workspace's call log. Every front end configures and uses the gateway through it. The
 * settings are read from the store each time, so another program's changes are seen; the
 * client is rebuilt after a change made here, which #AdiuvaWorkspaceGateway::changed
 * announces.
 */
G_DEFINE_FINAL_TYPE (AdiuvaWorkspaceGateway, adiuva_workspace_gateway, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum
{
  CHANGED,
  CALL_LOGGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

GQuark
adiuva_workspace_gateway_error_quark (void)
{
  return g_quark_from_static_string ("adiuva-workspace-gateway-error-quark");
}

/* Boxed types */

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaWorkspaceProvider, adiuva_workspace_provider,
                     adiuva_workspace_provider_copy, adiuva_workspace_provider_free)
/* clang-format on */

AdiuvaWorkspaceProvider *
adiuva_workspace_provider_copy (const AdiuvaWorkspaceProvider *self)
{
  AdiuvaWorkspaceProvider *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->kind = g_strdup (self->kind);
  copy->base_url = g_strdup (self->base_url);
  return copy;
}

void
adiuva_workspace_provider_free (AdiuvaWorkspaceProvider *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->kind);
  g_free (self->base_url);
  g_free (self);
}

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaWorkspaceBudget, adiuva_workspace_budget, adiuva_workspace_budget_copy,
                     adiuva_workspace_budget_free)
/* clang-format on */

AdiuvaWorkspaceBudget *
adiuva_workspace_budget_copy (const AdiuvaWorkspaceBudget *self)
{
  AdiuvaWorkspaceBudget *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  return copy;
}

void
adiuva_workspace_budget_free (AdiuvaWorkspaceBudget *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self);
}

/* GObject */

static void
adiuva_workspace_gateway_dispose (GObject *object)
{
  AdiuvaWorkspaceGateway *self = ADIUVA_WORKSPACE_GATEWAY (object);

  adiuva_workspace_gateway_stop_loopback (self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (adiuva_workspace_gateway_parent_class)->dispose (object);
}

static void
adiuva_workspace_gateway_finalize (GObject *object)
{
  AdiuvaWorkspaceGateway *self = ADIUVA_WORKSPACE_GATEWAY (object);

  /* Clients still in use hold the log; it writes what it has when the last one goes. */
  g_clear_pointer (&self->call_log, _adiuva_call_log_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (adiuva_workspace_gateway_parent_class)->finalize (object);
}

static void
call_logged_cb (GObject *owner,
                guint64  call_id,
                gint64   row_id)
{
  g_signal_emit (owner, signals[CALL_LOGGED], 0, call_id, row_id);
}

static void
adiuva_workspace_gateway_constructed (GObject *object)
{
  AdiuvaWorkspaceGateway *self = ADIUVA_WORKSPACE_GATEWAY (object);

  G_OBJECT_CLASS (adiuva_workspace_gateway_parent_class)->constructed (object);
  self->call_log = _adiuva_call_log_new (self->store, object, call_logged_cb);
}

static void
adiuva_workspace_gateway_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  AdiuvaWorkspaceGateway *self = ADIUVA_WORKSPACE_GATEWAY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_workspace_gateway_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  AdiuvaWorkspaceGateway *self = ADIUVA_WORKSPACE_GATEWAY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_workspace_gateway_class_init (AdiuvaWorkspaceGatewayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = adiuva_workspace_gateway_constructed;
  object_class->dispose = adiuva_workspace_gateway_dispose;
  object_class->finalize = adiuva_workspace_gateway_finalize;
  object_class->get_property = adiuva_workspace_gateway_get_property;
  object_class->set_property = adiuva_workspace_gateway_set_property;

  properties[PROP_STORE] = g_param_spec_object (
      "store", NULL, NULL, ADIUVA_TYPE_STORE,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AdiuvaWorkspaceGateway::changed:
   *
   * The configuration was changed through this object: providers, default model, aliases,
   * fallback order, routes, budgets or limits. The next
   * adiuva_workspace_gateway_get_client_async() builds a new client; the old one finishes
   * what it is doing.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AdiuvaWorkspaceGateway::call-logged:
   * @call_id: the #AdiuvaCallMetrics:call_id of the call
   * @row_id: the id of its new row in the call log, for #AdiuvaMessage:llm-call-id
   *
   * An attempt of a call made by one of this object's clients is in the call log now, on
   * the main context this object was made in, a little after the call finished (the log is
   * written by a thread of its own). A call that was retried or fell back has a row per
   * attempt, reported in order: the last is the one that answered.
   */
  signals[CALL_LOGGED] =
      g_signal_new ("call-logged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_INT64);
}

static void
adiuva_workspace_gateway_init (AdiuvaWorkspaceGateway *self)
{
}

/**
 * adiuva_workspace_gateway_new:
 * @store: an open workspace
 *
 * Returns: (transfer full): the gateway configuration of @store
 */
AdiuvaWorkspaceGateway *
adiuva_workspace_gateway_new (AdiuvaStore *store)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  return g_object_new (ADIUVA_TYPE_WORKSPACE_GATEWAY, "store", store, NULL);
}

AdiuvaStore *
adiuva_workspace_gateway_get_store (AdiuvaWorkspaceGateway *self)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  return self->store;
}

void
_adiuva_workspace_gateway_emit_changed (AdiuvaWorkspaceGateway *self)
{
  g_clear_object (&self->client);
  self->generation++;
  _adiuva_workspace_gateway_update_loopback (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* JSON settings */

void
_adiuva_workspace_gateway_set_damaged (GError    **error,
                                       const char *what)
{
  /* TRANSLATORS: %s is what is damaged: “budgets”, “rate limits”… */
  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
               _ ("The %s of the workspace are damaged."), what);
}

/* The setting @key, an empty array or object when it is not set. */
static JsonNode *
load_json (AdiuvaStore *store,
           const char  *key,
           JsonNodeType type,
           const char  *what,
           GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = adiuva_store_dup_setting (store, key, &local_error);
  g_autoptr (JsonNode) node = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text == NULL)
    {
      node = json_node_new (type);
      if (type == JSON_NODE_ARRAY)
        json_node_take_array (node, json_array_new ());
      else
        json_node_take_object (node, json_object_new ());
      return g_steal_pointer (&node);
    }

  node = json_from_string (text, NULL);
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    {
      _adiuva_workspace_gateway_set_damaged (error, what);
      return NULL;
    }
  return g_steal_pointer (&node);
}

JsonArray *
_adiuva_workspace_gateway_load_array (AdiuvaStore *store,
                                      const char  *key,
                                      const char  *what,
                                      GError     **error)
{
  g_autoptr (JsonNode) node = load_json (store, key, JSON_NODE_ARRAY, what, error);

  return node != NULL ? json_array_ref (json_node_get_array (node)) : NULL;
}

JsonObject *
_adiuva_workspace_gateway_load_object (AdiuvaStore *store,
                                       const char  *key,
                                       const char  *what,
                                       GError     **error)
{
  g_autoptr (JsonNode) node = load_json (store, key, JSON_NODE_OBJECT, what, error);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
}

gboolean
_adiuva_workspace_gateway_save_json (AdiuvaWorkspaceGateway *self,
                                     const char             *key,
                                     JsonNode               *node,
                                     GError                **error)
{
  g_autofree char *text = json_to_string (node, FALSE);

  if (!adiuva_store_set_setting (self->store, key, text, error))
    return FALSE;
  _adiuva_workspace_gateway_emit_changed (self);
  return TRUE;
}

gboolean
_adiuva_workspace_gateway_save_array (AdiuvaWorkspaceGateway *self,
                                      const char             *key,
                                      JsonArray              *array,
                                      GError                **error)
{
  g_autoptr (JsonNode) node = json_node_init_array (json_node_alloc (), array);

  return _adiuva_workspace_gateway_save_json (self, key, node, error);
}

gboolean
_adiuva_workspace_gateway_save_object (AdiuvaWorkspaceGateway *self,
                                       const char             *key,
                                       JsonObject             *object,
                                       GError                **error)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return _adiuva_workspace_gateway_save_json (self, key, node, error);
}
