/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-call-log-private.h"
#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

/* The settings of the workspace the gateway's configuration is kept in, as JSON. Provider
 * API keys are in the keyring (adiuva-provider-keys.h), never here. */
#define ADIUVA_PROVIDERS_SETTING "gateway.providers"         /* [{"name", "kind", "base_url"?}] */
#define ADIUVA_DEFAULT_MODEL_SETTING "gateway.default-model" /* plain text: alias or P/M */
#define ADIUVA_ALIASES_SETTING "gateway.aliases"             /* {"alias": "alias or P/M"} */
/* [{"scope": "global"|"provider"|"caller", "name" (not for global), "period": "day"|"month",
 *   "tokens"?: N, "cost"?: USD}] */
#define ADIUVA_BUDGETS_SETTING "gateway.budgets"
#define ADIUVA_LIMITS_SETTING "gateway.limits" /* {"PROVIDER[/MODEL]": {"rpm"?: N, "tpm"?: N}} */
#define ADIUVA_ROUTES_SETTING "gateway.routes" /* adiuva_router_to_json() */
/* ["alias or P/M", …]: asked in order when the model asked fails before it answers */
#define ADIUVA_FALLBACKS_SETTING "gateway.fallbacks"

#define ADIUVA_LOOPBACK_SETTING "gateway.loopback" /* {"enabled": bool, "port": N} */

/* The loopback endpoint's token is kept in the keyring like a provider's key, under a name no
 * provider can have (provider names cannot hold a slash). */
#define ADIUVA_LOOPBACK_TOKEN_ENTRY "loopback/token"

gboolean _adiuva_workspace_provider_is_local (const AdiuvaWorkspaceProvider *provider,
                                              const AdiuvaProviderInfo     **info);

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

/* adiuva-workspace-gateway.c: the JSON settings, and what a change made here sets off */
void        _adiuva_workspace_gateway_emit_changed (AdiuvaWorkspaceGateway *self);
void        _adiuva_workspace_gateway_set_damaged (GError    **error,
                                                   const char *what);
JsonArray  *_adiuva_workspace_gateway_load_array (AdiuvaStore *store,
                                                  const char  *key,
                                                  const char  *what,
                                                  GError     **error);
JsonObject *_adiuva_workspace_gateway_load_object (AdiuvaStore *store,
                                                   const char  *key,
                                                   const char  *what,
                                                   GError     **error);
gboolean    _adiuva_workspace_gateway_save_json (AdiuvaWorkspaceGateway *self,
                                                 const char             *key,
                                                 JsonNode               *node,
                                                 GError                **error);
gboolean    _adiuva_workspace_gateway_save_array (AdiuvaWorkspaceGateway *self,
                                                  const char             *key,
                                                  JsonArray              *array,
                                                  GError                **error);
gboolean    _adiuva_workspace_gateway_save_object (AdiuvaWorkspaceGateway *self,
                                                   const char             *key,
                                                   JsonObject             *object,
                                                   GError                **error);

/* adiuva-workspace-gateway-keyring.c */
void         _adiuva_keyring_free_secret (char *secret);
KeyringCall *_adiuva_keyring_call_new (AdiuvaWorkspaceGateway *self);
void         _adiuva_keyring_call_free (KeyringCall *call);
KeyringCall *_adiuva_keyring_call_new_for_keys (AdiuvaWorkspaceGateway *self,
                                                const char             *only,
                                                GError                **error);
gboolean     _adiuva_keyring_call_run (KeyringCall  *call,
                                       GCancellable *cancellable,
                                       GError      **error);
void         _adiuva_keyring_call_start (GTask          *task,
                                         KeyringCall    *call,
                                         KeyringDoneFunc done);

/* adiuva-workspace-gateway-providers.c */
JsonArray *_adiuva_workspace_gateway_load_providers (AdiuvaStore *store,
                                                     GError     **error);
int        _adiuva_workspace_gateway_find_provider (JsonArray  *providers,
                                                    const char *name);
void       _adiuva_workspace_gateway_set_provider_not_found (GError    **error,
                                                             const char *name);

/* adiuva-workspace-gateway-models.c: aliases, fallbacks, routes, the default model */
JsonObject *_adiuva_workspace_gateway_load_aliases (AdiuvaStore *store,
                                                    GError     **error);
gboolean    _adiuva_workspace_gateway_set_aliases (AdiuvaGatewayClient *client,
                                                   JsonObject          *aliases,
                                                   GError             **error);
GStrv       _adiuva_workspace_gateway_load_fallbacks (AdiuvaStore *store,
                                                      GError     **error);

/* adiuva-workspace-gateway-limits.c: budgets and rate limits */
gboolean _adiuva_workspace_gateway_load_budgets_into (AdiuvaWorkspaceGateway *self,
                                                      AdiuvaBudgets          *budgets,
                                                      GError                **error);
gboolean _adiuva_workspace_gateway_load_limits_into (AdiuvaStore       *store,
                                                     AdiuvaRateLimiter *limiter,
                                                     GError           **error);

/* adiuva-workspace-gateway-client.c: the client, which writes to the call log */
AdiuvaGatewayClient *_adiuva_workspace_gateway_client_from_call (AdiuvaWorkspaceGateway *self,
                                                                 KeyringCall            *call,
                                                                 GError                **error);

/* adiuva-workspace-gateway-loopback.c */
void _adiuva_workspace_gateway_update_loopback (AdiuvaWorkspaceGateway *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringCall, _adiuva_keyring_call_free)

G_END_DECLS
