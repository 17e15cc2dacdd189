/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "adiuva-call-log-private.h"
#include "adiuva-connectivity-private.h"
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
struct _AdiuvaWorkspaceGateway
{
  GObject parent_instance;

  AdiuvaStore          *store;
  AdiuvaCallLog        *call_log;
  AdiuvaGatewayClient  *client;   /* NULL until asked for, and after a change */
  AdiuvaLoopbackServer *loopback; /* NULL while the endpoint is off */
  /* name → key, wiped when freed: the keys of the endpoint's providers, kept up to date by the
   * changes made here so that a change reaches the endpoint without asking the keyring */
  GHashTable *loopback_keys;
  guint       generation; /* of the configuration: one more at each change */
};

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

static const char *const scope_nicks[] = { "global", "provider", "caller" };
static const char *const period_nicks[] = { "day", "month" };

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

static void update_loopback (AdiuvaWorkspaceGateway *self);

static void
emit_changed (AdiuvaWorkspaceGateway *self)
{
  g_clear_object (&self->client);
  self->generation++;
  update_loopback (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* JSON settings */

static void
set_damaged (GError    **error,
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
      set_damaged (error, what);
      return NULL;
    }
  return g_steal_pointer (&node);
}

static JsonArray *
load_array (AdiuvaStore *store,
            const char  *key,
            const char  *what,
            GError     **error)
{
  g_autoptr (JsonNode) node = load_json (store, key, JSON_NODE_ARRAY, what, error);

  return node != NULL ? json_array_ref (json_node_get_array (node)) : NULL;
}

static JsonObject *
load_object (AdiuvaStore *store,
             const char  *key,
             const char  *what,
             GError     **error)
{
  g_autoptr (JsonNode) node = load_json (store, key, JSON_NODE_OBJECT, what, error);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
}

static gboolean
save_json (AdiuvaWorkspaceGateway *self,
           const char             *key,
           JsonNode               *node,
           GError                **error)
{
  g_autofree char *text = json_to_string (node, FALSE);

  if (!adiuva_store_set_setting (self->store, key, text, error))
    return FALSE;
  emit_changed (self);
  return TRUE;
}

static gboolean
save_array (AdiuvaWorkspaceGateway *self,
            const char             *key,
            JsonArray              *array,
            GError                **error)
{
  g_autoptr (JsonNode) node = json_node_init_array (json_node_alloc (), array);

  return save_json (self, key, node, error);
}

static gboolean
save_object (AdiuvaWorkspaceGateway *self,
             const char             *key,
             JsonObject             *object,
             GError                **error)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return save_json (self, key, node, error);
}

/* Providers */

static JsonArray *
load_providers (AdiuvaStore *store,
                GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return load_array (store, ADIUVA_PROVIDERS_SETTING, _ ("provider settings"), error);
}

static int
find_provider (JsonArray  *providers,
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

static void
set_provider_not_found (GError    **error,
                        const char *name)
{
  g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
               ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND, _ ("No provider is called “%s”."),
               name);
}

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

static void
free_secret (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

typedef enum
{
  TOKEN_NONE,
  TOKEN_GET, /* the loopback token, made and kept when there is none yet */
  TOKEN_NEW, /* a new loopback token, which replaces the one kept */
} TokenWanted;

/* Finishes the task of an async function on the main thread once its keyring part is done. */
typedef void (*KeyringDoneFunc) (GTask *task);

/*
 * KeyringCall:
 *
 * One call of this object that uses the keyring: what it reads and writes there and what it
 * needs to finish. The async functions do the keyring part in a thread (libsecret's sync calls
 * are thread-safe), so that an unlock prompt or a slow D-Bus never holds up the main loop; the
 * store and the signals stay on the main thread. The sync functions run the same call inline.
 */
typedef struct
{
  char           *workspace;
  guint           generation; /* of the configuration when the call started */
  JsonArray      *providers;  /* the providers when the call started */
  char           *only;       /* the one provider of a client, or NULL for all */
  GPtrArray      *names;      /* the entries whose keys are read */
  gboolean        tolerant;   /* whether an entry that cannot be read counts as having no key */
  char           *store_name; /* the entry written with store_secret, or NULL */
  char           *store_secret;
  char           *clear_name; /* the entry cleared, or NULL */
  TokenWanted     token_wanted;
  KeyringDoneFunc done;

  /* What the keyring gave */
  GHashTable *keys; /* name → key, wiped when freed, for the entries that have one */
  char       *token;

  /* What the main thread finishes with */
  char    *name;
  char    *kind;
  char    *base_url;
  gboolean flag; /* adding a provider; caching the client; saving the loopback settings */
  guint    port;
} KeyringCall;

static KeyringCall *
keyring_call_new (AdiuvaWorkspaceGateway *self)
{
  KeyringCall *call = g_new0 (KeyringCall, 1);

  call->workspace = g_strdup (adiuva_store_get_workspace_id (self->store));
  call->generation = self->generation;
  call->names = g_ptr_array_new_with_free_func (g_free);
  call->keys =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) free_secret);
  return call;
}

static void
keyring_call_free (KeyringCall *call)
{
  g_free (call->workspace);
  g_clear_pointer (&call->providers, json_array_unref);
  g_free (call->only);
  g_ptr_array_unref (call->names);
  g_free (call->store_name);
  free_secret (call->store_secret);
  g_free (call->clear_name);
  g_hash_table_unref (call->keys);
  free_secret (call->token);
  g_free (call->name);
  g_free (call->kind);
  g_free (call->base_url);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringCall, keyring_call_free)

/* A call that reads the keys of the providers (or of @only) as they are now. */
static KeyringCall *
keys_call_new (AdiuvaWorkspaceGateway *self,
               const char             *only,
               GError                **error)
{
  g_autoptr (KeyringCall) call = keyring_call_new (self);

  if ((call->providers = load_providers (self->store, error)) == NULL)
    return NULL;
  if (only != NULL && find_provider (call->providers, only) < 0)
    {
      set_provider_not_found (error, only);
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
      free_secret (g_steal_pointer (&token));
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING,
                   _ ("Cannot keep the loopback endpoint’s token in the keyring: %s"),
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&token);
}

static gboolean
run_keyring_call (KeyringCall  *call,
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

  if (run_keyring_call (task_data, cancellable, &error))
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
 * start_keyring_call:
 * @task: (transfer full): the task of an async function, which takes @call as its data
 *
 * Runs @call's keyring part in a thread, then @done on @task's main context. What the keyring
 * part did is finished even when @task is cancelled meanwhile (a key kept in the keyring gets
 * its provider); @task reports the cancellation.
 */
static void
start_keyring_call (GTask          *task,
                    KeyringCall    *call,
                    KeyringDoneFunc done)
{
  g_autoptr (GTask) keyring = NULL;

  call->done = done;
  g_task_set_task_data (task, call, (GDestroyNotify) keyring_call_free);
  keyring = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                        keyring_call_done_cb, task);
  g_task_set_source_tag (keyring, start_keyring_call);
  g_task_set_check_cancellable (keyring, FALSE);
  g_task_set_task_data (keyring, call, NULL);
  g_task_run_in_thread (keyring, keyring_call_thread);
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
  KeyringCall *call = keys_call_new (self, NULL, error);

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

  if ((call = list_call_new (self, error)) == NULL || !run_keyring_call (call, NULL, error))
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
    start_keyring_call (g_steal_pointer (&task), call, list_done);
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

  if ((providers = load_providers (self->store, error)) == NULL)
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

  if ((providers = load_providers (self->store, error)) == NULL)
    return FALSE;
  index = find_provider (providers, name);
  if (adding && index >= 0)
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                   ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_EXISTS,
                   _ ("There is already a provider called “%s”."), name);
      return FALSE;
    }
  if (!adding && index < 0)
    {
      set_provider_not_found (error, name);
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
  return save_array (self, ADIUVA_PROVIDERS_SETTING, providers, error);
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

  call = keyring_call_new (self);
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
         run_keyring_call (call, NULL, error) && save_from_call (self, call, error);
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
    start_keyring_call (g_steal_pointer (&task), call, save_done);
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

  if ((providers = load_providers (self->store, error)) == NULL)
    return NULL;
  index = find_provider (providers, name);
  if (index < 0)
    {
      set_provider_not_found (error, name);
      return NULL;
    }
  json_array_remove_element (providers, index);
  if (self->loopback_keys != NULL)
    g_hash_table_remove (self->loopback_keys, name);
  if (!save_array (self, ADIUVA_PROVIDERS_SETTING, providers, error))
    return NULL;

  call = keyring_call_new (self);
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
         run_keyring_call (call, NULL, error);
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
    start_keyring_call (g_steal_pointer (&task), call, remove_done);
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

/* Aliases */

static JsonObject *
load_aliases (AdiuvaStore *store,
              GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return load_object (store, ADIUVA_ALIASES_SETTING, _ ("model aliases"), error);
}

static gboolean
set_aliases (AdiuvaGatewayClient *client,
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
          set_damaged (error, _ ("model aliases"));
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
  g_autoptr (JsonObject) aliases = load_aliases (store, error);

  if (aliases == NULL || !set_aliases (client, aliases, error))
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

  if ((aliases = load_aliases (self->store, error)) == NULL ||
      (client = adiuva_gateway_client_new (NULL)) == NULL ||
      !set_aliases (client, aliases, error) ||
      !adiuva_gateway_client_set_alias (client, alias, target, error))
    return FALSE;

  json_object_set_string_member (aliases, alias, target);
  return save_object (self, ADIUVA_ALIASES_SETTING, aliases, error);
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

  if ((aliases = load_aliases (self->store, error)) == NULL)
    return FALSE;
  if (!json_object_has_member (aliases, alias))
    {
      set_alias_not_found (error, alias);
      return FALSE;
    }
  json_object_remove_member (aliases, alias);
  return save_object (self, ADIUVA_ALIASES_SETTING, aliases, error);
}

/* Fallbacks */

static GStrv
load_fallbacks (AdiuvaStore *store,
                GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  const char *what = _ ("fallback models");
  g_autoptr (JsonArray) list = load_array (store, ADIUVA_FALLBACKS_SETTING, what, error);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          set_damaged (error, what);
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

  return load_fallbacks (self->store, error);
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
  return save_array (self, ADIUVA_FALLBACKS_SETTING, list, error);
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

  return save_json (self, ADIUVA_ROUTES_SETTING, node, error);
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
  emit_changed (self);
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
      g_autoptr (JsonObject) aliases = load_aliases (self->store, error);

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
      g_autoptr (JsonArray) providers = load_providers (self->store, error);

      if (providers == NULL)
        return FALSE;
      if (find_provider (providers, provider) < 0)
        {
          set_provider_not_found (error, provider);
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

/* Budgets */

static JsonArray *
load_budgets (AdiuvaStore *store,
              GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return load_array (store, ADIUVA_BUDGETS_SETTING, _ ("budgets"), error);
}

static int
find_nick (const char *const *nicks,
           guint              n,
           const char        *nick)
{
  for (guint i = 0; nick != NULL && i < n; i++)
    if (g_str_equal (nicks[i], nick))
      return i;
  return -1;
}

/* One entry of gateway.budgets; @budget borrows its name from @node. */
static gboolean
read_budget (JsonNode              *node,
             AdiuvaWorkspaceBudget *budget,
             GError               **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  int         scope = -1;
  int         period = -1;
  const char *name = NULL;

  if (o != NULL)
    {
      scope = find_nick (scope_nicks, G_N_ELEMENTS (scope_nicks),
                         json_object_get_string_member_with_default (o, "scope", NULL));
      period = find_nick (period_nicks, G_N_ELEMENTS (period_nicks),
                          json_object_get_string_member_with_default (o, "period", NULL));
      name = json_object_get_string_member_with_default (o, "name", NULL);
    }
  if (scope < 0 || period < 0 || (scope != ADIUVA_BUDGET_GLOBAL && name == NULL))
    {
      /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
      set_damaged (error, _ ("budgets"));
      return FALSE;
    }

  budget->scope = scope;
  budget->name = scope == ADIUVA_BUDGET_GLOBAL ? NULL : (char *) name;
  budget->period = period;
  budget->max_tokens = json_object_get_int_member_with_default (o, "tokens", -1);
  budget->max_cost = json_object_get_double_member_with_default (o, "cost", -1);
  return TRUE;
}

static int
find_budget (JsonArray         *list,
             AdiuvaBudgetScope  scope,
             const char        *name,
             AdiuvaBudgetPeriod period)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      AdiuvaWorkspaceBudget b;

      if (read_budget (json_array_get_element (list, i), &b, NULL) && b.scope == scope &&
          b.period == period && g_strcmp0 (b.name, name) == 0)
        return i;
    }
  return -1;
}

/**
 * adiuva_workspace_gateway_list_budgets:
 *
 * Returns: (transfer container) (element-type AdiuvaWorkspaceBudget): the budgets in the order
 *   they were set, or %NULL with @error set
 */
GPtrArray *
adiuva_workspace_gateway_list_budgets (AdiuvaWorkspaceGateway *self,
                                       GError                **error)
{
  g_autoptr (JsonArray) list = NULL;
  g_autoptr (GPtrArray) budgets = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if ((list = load_budgets (self->store, error)) == NULL)
    return NULL;
  budgets = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_workspace_budget_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      AdiuvaWorkspaceBudget b;

      if (!read_budget (json_array_get_element (list, i), &b, error))
        return NULL;
      g_ptr_array_add (budgets, adiuva_workspace_budget_copy (&b));
    }
  return g_steal_pointer (&budgets);
}

/* Adds what the call log holds between two times to @budgets, as spent at @since. */
static gboolean
seed_spending (AdiuvaBudgets *budgets,
               AdiuvaStore   *store,
               gint64         since,
               gint64         until,
               GError       **error)
{
  g_autoptr (GPtrArray) sums = NULL;

  if (since >= until)
    return TRUE;
  if ((sums = adiuva_store_get_llm_spending (store, since, until, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < sums->len; i++)
    {
      AdiuvaLlmSpending *s = g_ptr_array_index (sums, i);

      adiuva_budgets_add_spent (budgets, s->caller, s->provider, s->tokens, s->cost, since);
    }
  return TRUE;
}

/* Gives @budgets the workspace's budgets and what the call log holds as spent this month (and
 * today), so that a budget holds across runs and restarts. */
static gboolean
load_budgets_into (AdiuvaWorkspaceGateway *self,
                   AdiuvaBudgets          *budgets,
                   GError                **error)
{
  g_autoptr (GPtrArray) list = adiuva_workspace_gateway_list_budgets (self, error);
  g_autoptr (GDateTime) day_end = NULL;
  g_autoptr (GDateTime) month_end = NULL;
  g_autoptr (GDateTime) day_start = NULL;
  g_autoptr (GDateTime) month_start = NULL;

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      AdiuvaWorkspaceBudget *b = g_ptr_array_index (list, i);

      adiuva_budgets_set (budgets, b->scope, b->name, b->period, b->max_tokens, b->max_cost);
    }

  /* Without a budget, what was spent does not matter: the call log is not read. */
  if (list->len == 0)
    return TRUE;

  /* Calls still on their way to the log count too. */
  _adiuva_call_log_flush (self->call_log);
  day_end = adiuva_budgets_dup_reset_time (budgets, ADIUVA_BUDGET_DAY);
  month_end = adiuva_budgets_dup_reset_time (budgets, ADIUVA_BUDGET_MONTH);
  day_start = g_date_time_add_days (day_end, -1);
  month_start = g_date_time_add_months (month_end, -1);
  /* Earlier this month counts for the month only; today for both. */
  return seed_spending (budgets, self->store, g_date_time_to_unix (month_start),
                        g_date_time_to_unix (day_start), error) &&
         seed_spending (budgets, self->store, g_date_time_to_unix (day_start),
                        g_date_time_to_unix (day_end), error);
}

/**
 * adiuva_workspace_gateway_dup_budgets:
 *
 * Returns: (transfer full): the workspace's budgets with what the call log holds as spent in
 *   their current day or month, or %NULL with @error set
 */
AdiuvaBudgets *
adiuva_workspace_gateway_dup_budgets (AdiuvaWorkspaceGateway *self,
                                      GError                **error)
{
  g_autoptr (AdiuvaBudgets) budgets = adiuva_budgets_new ();

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  if (!load_budgets_into (self, budgets, error))
    return NULL;
  return g_steal_pointer (&budgets);
}

/**
 * adiuva_workspace_gateway_set_budget:
 *
 * Sets @budget, replacing the budget of the same scope, name and period.
 */
gboolean
adiuva_workspace_gateway_set_budget (AdiuvaWorkspaceGateway      *self,
                                     const AdiuvaWorkspaceBudget *budget,
                                     GError                     **error)
{
  g_autoptr (JsonArray) list = NULL;
  const char *name;
  JsonObject *o;
  int         found;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (budget != NULL, FALSE);
  g_return_val_if_fail (budget->scope <= ADIUVA_BUDGET_CALLER, FALSE);
  g_return_val_if_fail (budget->period <= ADIUVA_BUDGET_MONTH, FALSE);

  name = budget->scope == ADIUVA_BUDGET_GLOBAL ? NULL : budget->name;
  if (budget->scope != ADIUVA_BUDGET_GLOBAL && (name == NULL || name[0] == '\0'))
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("The provider or caller of a budget cannot be empty."));
      return FALSE;
    }
  if (budget->max_tokens < -1 || (budget->max_tokens < 0 && !(budget->max_cost >= 0)))
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("A budget limits tokens (0 or more), dollars, or both."));
      return FALSE;
    }
  if ((list = load_budgets (self->store, error)) == NULL)
    return FALSE;

  o = json_object_new ();
  json_object_set_string_member (o, "scope", scope_nicks[budget->scope]);
  if (name != NULL)
    json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "period", period_nicks[budget->period]);
  if (budget->max_tokens >= 0)
    json_object_set_int_member (o, "tokens", budget->max_tokens);
  if (budget->max_cost >= 0)
    json_object_set_double_member (o, "cost", budget->max_cost);

  found = find_budget (list, budget->scope, name, budget->period);
  if (found >= 0)
    json_array_remove_element (list, found);
  json_array_add_object_element (list, o);
  return save_array (self, ADIUVA_BUDGETS_SETTING, list, error);
}

/**
 * adiuva_workspace_gateway_remove_budget:
 * @name: (nullable): the provider or caller; ignored for %ADIUVA_BUDGET_GLOBAL
 */
gboolean
adiuva_workspace_gateway_remove_budget (AdiuvaWorkspaceGateway *self,
                                        AdiuvaBudgetScope       scope,
                                        const char             *name,
                                        AdiuvaBudgetPeriod      period,
                                        GError                **error)
{
  g_autoptr (JsonArray) list = NULL;
  int found;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);

  if ((list = load_budgets (self->store, error)) == NULL)
    return FALSE;
  found = find_budget (list, scope, scope == ADIUVA_BUDGET_GLOBAL ? NULL : name, period);
  if (found < 0)
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND,
                           _ ("There is no such budget."));
      return FALSE;
    }
  json_array_remove_element (list, found);
  return save_array (self, ADIUVA_BUDGETS_SETTING, list, error);
}

/* Rate limits */

static JsonObject *
load_limits (AdiuvaStore *store,
             GError     **error)
{
  /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
  return load_object (store, ADIUVA_LIMITS_SETTING, _ ("rate limits"), error);
}

/* "provider" or "provider/model": the first slash parts them, as in model references. */
static gboolean
split_target (const char *target,
              char      **provider,
              char      **model,
              GError    **error)
{
  const char *slash = strchr (target, '/');

  if (target[0] == '\0' || slash == target || (slash != NULL && slash[1] == '\0'))
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                   _ ("“%s” names no provider: give PROVIDER or PROVIDER/MODEL."), target);
      return FALSE;
    }
  *provider = slash != NULL ? g_strndup (target, slash - target) : g_strdup (target);
  *model = slash != NULL ? g_strdup (slash + 1) : NULL;
  return TRUE;
}

static gboolean
load_limits_into (AdiuvaStore       *store,
                  AdiuvaRateLimiter *limiter,
                  GError           **error)
{
  g_autoptr (JsonObject) limits = load_limits (store, error);
  JsonObjectIter iter;
  const char    *target;
  JsonNode      *node;

  if (limits == NULL)
    return FALSE;
  json_object_iter_init (&iter, limits);
  while (json_object_iter_next (&iter, &target, &node))
    {
      g_autofree char *provider = NULL;
      g_autofree char *model = NULL;
      JsonObject      *o;
      gint64           rpm, tpm;

      if (!JSON_NODE_HOLDS_OBJECT (node) || !split_target (target, &provider, &model, NULL))
        {
          /* TRANSLATORS: completes “The %s of the workspace are damaged.” */
          set_damaged (error, _ ("rate limits"));
          return FALSE;
        }
      o = json_node_get_object (node);
      rpm = json_object_get_int_member_with_default (o, "rpm", 0);
      tpm = json_object_get_int_member_with_default (o, "tpm", 0);
      adiuva_rate_limiter_set_limit (limiter, provider, model, CLAMP (rpm, 0, G_MAXUINT),
                                     CLAMP (tpm, 0, G_MAXUINT));
    }
  return TRUE;
}

/**
 * adiuva_workspace_gateway_list_limits:
 *
 * Returns: (transfer full): the targets with a rate limit, PROVIDER or PROVIDER/MODEL, sorted;
 *   %NULL with @error set
 */
GStrv
adiuva_workspace_gateway_list_limits (AdiuvaWorkspaceGateway *self,
                                      GError                **error)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autoptr (JsonObject) limits = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GList) targets = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), NULL);

  /* Loading them checks every entry. */
  if (!load_limits_into (self->store, limiter, error) ||
      (limits = load_limits (self->store, error)) == NULL)
    return NULL;
  targets = g_list_sort (json_object_get_members (limits), (GCompareFunc) g_strcmp0);
  for (GList *l = targets; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  return g_strv_builder_end (builder);
}

/**
 * adiuva_workspace_gateway_get_limit:
 * @rpm: (out): requests a minute, 0 for no limit
 * @tpm: (out): tokens a minute, 0 for no limit
 *
 * Returns: whether @target has a rate limit; %FALSE with @error set when the limits cannot
 *   be read
 */
gboolean
adiuva_workspace_gateway_get_limit (AdiuvaWorkspaceGateway *self,
                                    const char             *target,
                                    guint                  *rpm,
                                    guint                  *tpm,
                                    GError                **error)
{
  g_autoptr (AdiuvaRateLimiter) limiter = adiuva_rate_limiter_new ();
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL && rpm != NULL && tpm != NULL, FALSE);

  *rpm = *tpm = 0;
  return split_target (target, &provider, &model, error) &&
         load_limits_into (self->store, limiter, error) &&
         adiuva_rate_limiter_get_limit (limiter, provider, model, rpm, tpm);
}

/**
 * adiuva_workspace_gateway_set_limit:
 * @target: PROVIDER or PROVIDER/MODEL
 * @rpm: requests a minute, 0 for no limit
 * @tpm: tokens a minute, 0 for no limit
 *
 * Sets the rate limit of @target, replacing its old one; one of @rpm and @tpm is above 0.
 */
gboolean
adiuva_workspace_gateway_set_limit (AdiuvaWorkspaceGateway *self,
                                    const char             *target,
                                    guint                   rpm,
                                    guint                   tpm,
                                    GError                **error)
{
  g_autoptr (JsonObject) limits = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;
  JsonObject      *o;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if (!split_target (target, &provider, &model, error))
    return FALSE;
  if (rpm == 0 && tpm == 0)
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("A rate limit allows some requests or tokens a minute."));
      return FALSE;
    }
  if ((limits = load_limits (self->store, error)) == NULL)
    return FALSE;

  o = json_object_new ();
  if (rpm > 0)
    json_object_set_int_member (o, "rpm", rpm);
  if (tpm > 0)
    json_object_set_int_member (o, "tpm", tpm);
  json_object_set_object_member (limits, target, o);
  return save_object (self, ADIUVA_LIMITS_SETTING, limits, error);
}

gboolean
adiuva_workspace_gateway_remove_limit (AdiuvaWorkspaceGateway *self,
                                       const char             *target,
                                       GError                **error)
{
  g_autoptr (JsonObject) limits = NULL;

  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if ((limits = load_limits (self->store, error)) == NULL)
    return FALSE;
  if (!json_object_has_member (limits, target))
    {
      g_set_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                   ADIUVA_WORKSPACE_GATEWAY_ERROR_LIMIT_NOT_FOUND, _ ("%s has no rate limit."),
                   target);
      return FALSE;
    }
  json_object_remove_member (limits, target);
  return save_object (self, ADIUVA_LIMITS_SETTING, limits, error);
}

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
static AdiuvaGatewayClient *
client_from_call (AdiuvaWorkspaceGateway *self,
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

  if ((aliases = load_aliases (self->store, error)) == NULL ||
      !set_aliases (client, aliases, error) ||
      !load_budgets_into (self, adiuva_gateway_client_get_budgets (client), error) ||
      !load_limits_into (self->store, adiuva_gateway_client_get_rate_limiter (client), error) ||
      (router = adiuva_workspace_gateway_dup_router (self, error)) == NULL ||
      (fallbacks = load_fallbacks (self->store, error)) == NULL)
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

  if ((call = keys_call_new (self, only, error)) == NULL || !run_keyring_call (call, NULL, error))
    return NULL;
  return client_from_call (self, call, error);
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
  if ((client = client_from_call (self, call, &error)) == NULL)
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
  else if ((call = keys_call_new (self, only, &error)) == NULL)
    g_task_return_error (task, error);
  else
    {
      call->flag = cache;
      start_keyring_call (g_steal_pointer (&task), call, client_done);
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

/* The loopback endpoint */

static KeyringCall *
token_call_new (AdiuvaWorkspaceGateway *self,
                TokenWanted             wanted)
{
  KeyringCall *call = keyring_call_new (self);

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

  if (!run_keyring_call (call, NULL, error))
    return NULL;
  return token_from_call (self, call);
}

static void
token_done (GTask *task)
{
  g_task_return_pointer (task,
                         token_from_call (g_task_get_source_object (task),
                                          g_task_get_task_data (task)),
                         (GDestroyNotify) free_secret);
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
  start_keyring_call (task, token_call_new (self, wanted), token_done);
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
  KeyringCall *call = keys_call_new (self, NULL, error);

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
  if ((client = client_from_call (self, call, error)) == NULL)
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

  if ((call = loopback_call_new (self, error)) == NULL || !run_keyring_call (call, NULL, error))
    return NULL;
  return loopback_from_call (self, call, error);
}

/* A configuration changed here reaches the endpoint's next request. */
static void
update_loopback (AdiuvaWorkspaceGateway *self)
{
  g_autoptr (KeyringCall) call = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autofree char *default_model = NULL;
  g_autoptr (GError) error = NULL;

  if (self->loopback == NULL)
    return;

  default_model = adiuva_workspace_gateway_dup_default_model (self, &error);
  if (error == NULL && (call = keys_call_new (self, NULL, &error)) != NULL)
    {
      g_hash_table_unref (call->keys);
      call->keys = g_hash_table_ref (self->loopback_keys);
      client = client_from_call (self, call, &error);
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
  settings = load_object (self->store, ADIUVA_LOOPBACK_SETTING, _ ("loopback settings"), error);
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
      start_keyring_call (task, call, start_done);
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
