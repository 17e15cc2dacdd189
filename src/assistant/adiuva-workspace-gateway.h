/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-gateway.h"
#include "adiuva-store.h"

G_BEGIN_DECLS

/**
 * AdiuvaWorkspaceGatewayError:
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID: a name, kind, URL, model, budget or limit the caller
 *   gave cannot be used; nothing was changed
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL: no model was named and the workspace has no default
 *   model: ask the user for one
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_ROUTES: auto was asked for and the workspace has no routes
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND: no provider has that name
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_EXISTS: a provider has that name already
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND: no alias has that name
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_ROUTE_NOT_FOUND: no route has that name
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND: there is no such budget
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_LIMIT_NOT_FOUND: that provider or model has no rate limit
 * @ADIUVA_WORKSPACE_GATEWAY_ERROR_PORT_IN_USE: another program listens on the loopback port
 *   asked for: choose another one, or 0 for any free one
 *
 * Damaged settings are %ADIUVA_STORE_ERROR_CORRUPT; a keyring that cannot be used is
 * %ADIUVA_STORE_ERROR_NO_KEYRING; the store's own failures are the store's errors.
 */
typedef enum
{
  ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_ROUTES,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_EXISTS,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_ROUTE_NOT_FOUND,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_BUDGET_NOT_FOUND,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_LIMIT_NOT_FOUND,
  ADIUVA_WORKSPACE_GATEWAY_ERROR_PORT_IN_USE,
} AdiuvaWorkspaceGatewayError;

#define ADIUVA_WORKSPACE_GATEWAY_ERROR (adiuva_workspace_gateway_error_quark ())
GQuark adiuva_workspace_gateway_error_quark (void);

/**
 * AdiuvaWorkspaceProvider:
 * @name: the user's name for the provider, used in PROVIDER/MODEL
 * @kind: an id of the provider table (openai, anthropic, ollama…)
 * @base_url: (nullable): the base URL set for it, %NULL for its kind's default
 * @has_key: whether the keyring holds an API key for it (the key itself is never read out)
 */
typedef struct
{
  char    *name;
  char    *kind;
  char    *base_url;
  gboolean has_key;
} AdiuvaWorkspaceProvider;

#define ADIUVA_TYPE_WORKSPACE_PROVIDER (adiuva_workspace_provider_get_type ())
GType                    adiuva_workspace_provider_get_type (void) G_GNUC_CONST;
AdiuvaWorkspaceProvider *adiuva_workspace_provider_copy (const AdiuvaWorkspaceProvider *self);
void                     adiuva_workspace_provider_free (AdiuvaWorkspaceProvider *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaWorkspaceProvider, adiuva_workspace_provider_free)

/**
 * AdiuvaWorkspaceBudget:
 * @scope: what the budget counts
 * @name: (nullable): the provider or caller, %NULL for the whole workspace
 * @period: a day or a month
 * @max_tokens: tokens allowed, -1 for no limit in tokens
 * @max_cost: USD allowed at list prices, below 0 for no limit in dollars
 */
typedef struct
{
  AdiuvaBudgetScope  scope;
  char              *name;
  AdiuvaBudgetPeriod period;
  gint64             max_tokens;
  double             max_cost;
} AdiuvaWorkspaceBudget;

#define ADIUVA_TYPE_WORKSPACE_BUDGET (adiuva_workspace_budget_get_type ())
GType                  adiuva_workspace_budget_get_type (void) G_GNUC_CONST;
AdiuvaWorkspaceBudget *adiuva_workspace_budget_copy (const AdiuvaWorkspaceBudget *self);
void                   adiuva_workspace_budget_free (AdiuvaWorkspaceBudget *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaWorkspaceBudget, adiuva_workspace_budget_free)

#define ADIUVA_TYPE_WORKSPACE_GATEWAY (adiuva_workspace_gateway_get_type ())

/* clang-format off */
G_DECLARE_FINAL_TYPE (AdiuvaWorkspaceGateway, adiuva_workspace_gateway, ADIUVA, WORKSPACE_GATEWAY,
                      GObject)
/* clang-format on */

AdiuvaWorkspaceGateway *adiuva_workspace_gateway_new (AdiuvaStore *store);
AdiuvaStore            *adiuva_workspace_gateway_get_store (AdiuvaWorkspaceGateway *self);

/* The configured client: the workspace's own only asynchronously, since it reads the keyring */
AdiuvaGatewayClient *adiuva_workspace_gateway_new_client (AdiuvaWorkspaceGateway *self,
                                                          const char             *only,
                                                          GError                **error);
void                 adiuva_workspace_gateway_get_client_async (AdiuvaWorkspaceGateway *self,
                                                                GCancellable           *cancellable,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
AdiuvaGatewayClient *adiuva_workspace_gateway_get_client_finish (AdiuvaWorkspaceGateway *self,
                                                                 GAsyncResult           *result,
                                                                 GError                **error);
void                 adiuva_workspace_gateway_new_client_async (AdiuvaWorkspaceGateway *self,
                                                                const char             *only,
                                                                GCancellable           *cancellable,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
AdiuvaGatewayClient *adiuva_workspace_gateway_new_client_finish (AdiuvaWorkspaceGateway *self,
                                                                 GAsyncResult           *result,
                                                                 GError                **error);
void                 adiuva_workspace_gateway_flush_call_log (AdiuvaWorkspaceGateway *self);

/* Models */
char    *adiuva_workspace_gateway_dup_default_model (AdiuvaWorkspaceGateway *self,
                                                     GError                **error);
gboolean adiuva_workspace_gateway_set_default_model (AdiuvaWorkspaceGateway *self,
                                                     const char             *model,
                                                     GError                **error);
gboolean adiuva_workspace_gateway_check_model (AdiuvaWorkspaceGateway *self,
                                               const char             *model,
                                               gboolean                allow_auto,
                                               GError                **error);
gboolean adiuva_workspace_gateway_choose_model (AdiuvaWorkspaceGateway *self,
                                                char                  **model,
                                                char                  **provider,
                                                GError                **error);

/* Providers */
GPtrArray *adiuva_workspace_gateway_list_providers (AdiuvaWorkspaceGateway *self,
                                                    GError                **error);
GPtrArray *adiuva_workspace_gateway_read_providers (AdiuvaWorkspaceGateway *self,
                                                    GError                **error);
gboolean   adiuva_workspace_gateway_add_provider (AdiuvaWorkspaceGateway *self,
                                                  const char             *name,
                                                  const char             *kind,
                                                  const char             *base_url,
                                                  const char             *api_key,
                                                  GError                **error);
gboolean   adiuva_workspace_gateway_update_provider (AdiuvaWorkspaceGateway *self,
                                                     const char             *name,
                                                     const char             *kind,
                                                     const char             *base_url,
                                                     const char             *api_key,
                                                     GError                **error);
gboolean   adiuva_workspace_gateway_remove_provider (AdiuvaWorkspaceGateway *self,
                                                     const char             *name,
                                                     GError                **error);

/* The same, asking the keyring in a thread: for a program with a user interface */
void       adiuva_workspace_gateway_list_providers_async (AdiuvaWorkspaceGateway *self,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
GPtrArray *adiuva_workspace_gateway_list_providers_finish (AdiuvaWorkspaceGateway *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);
void       adiuva_workspace_gateway_add_provider_async (AdiuvaWorkspaceGateway *self,
                                                        const char             *name,
                                                        const char             *kind,
                                                        const char             *base_url,
                                                        const char             *api_key,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
gboolean   adiuva_workspace_gateway_add_provider_finish (AdiuvaWorkspaceGateway *self,
                                                         GAsyncResult           *result,
                                                         GError                **error);
void       adiuva_workspace_gateway_update_provider_async (AdiuvaWorkspaceGateway *self,
                                                           const char             *name,
                                                           const char             *kind,
                                                           const char             *base_url,
                                                           const char             *api_key,
                                                           GCancellable           *cancellable,
                                                           GAsyncReadyCallback     callback,
                                                           gpointer                user_data);
gboolean   adiuva_workspace_gateway_update_provider_finish (AdiuvaWorkspaceGateway *self,
                                                            GAsyncResult           *result,
                                                            GError                **error);
void       adiuva_workspace_gateway_remove_provider_async (AdiuvaWorkspaceGateway *self,
                                                           const char             *name,
                                                           GCancellable           *cancellable,
                                                           GAsyncReadyCallback     callback,
                                                           gpointer                user_data);
gboolean   adiuva_workspace_gateway_remove_provider_finish (AdiuvaWorkspaceGateway *self,
                                                            GAsyncResult           *result,
                                                            GError                **error);

/* Aliases */
GStrv    adiuva_workspace_gateway_list_aliases (AdiuvaWorkspaceGateway *self,
                                                GError                **error);
char    *adiuva_workspace_gateway_dup_alias (AdiuvaWorkspaceGateway *self,
                                             const char             *alias,
                                             GError                **error);
char    *adiuva_workspace_gateway_resolve_model (AdiuvaWorkspaceGateway *self,
                                                 const char             *model,
                                                 GError                **error);
gboolean adiuva_workspace_gateway_set_alias (AdiuvaWorkspaceGateway *self,
                                             const char             *alias,
                                             const char             *target,
                                             GError                **error);
gboolean adiuva_workspace_gateway_remove_alias (AdiuvaWorkspaceGateway *self,
                                                const char             *alias,
                                                GError                **error);

/* Fallbacks */
GStrv    adiuva_workspace_gateway_list_fallbacks (AdiuvaWorkspaceGateway *self,
                                                  GError                **error);
gboolean adiuva_workspace_gateway_set_fallbacks (AdiuvaWorkspaceGateway *self,
                                                 const char *const      *chain,
                                                 GError                **error);

/* Routes */
AdiuvaRouter *adiuva_workspace_gateway_dup_router (AdiuvaWorkspaceGateway *self,
                                                   GError                **error);
gboolean      adiuva_workspace_gateway_set_route (AdiuvaWorkspaceGateway *self,
                                                  AdiuvaRoute            *route,
                                                  GError                **error);
gboolean      adiuva_workspace_gateway_remove_route (AdiuvaWorkspaceGateway *self,
                                                     const char             *name,
                                                     GError                **error);
gboolean      adiuva_workspace_gateway_set_router_model (AdiuvaWorkspaceGateway *self,
                                                         const char             *model,
                                                         GError                **error);
gboolean      adiuva_workspace_gateway_set_default_route (AdiuvaWorkspaceGateway *self,
                                                          const char             *name,
                                                          GError                **error);

/* Budgets and rate limits */
GPtrArray     *adiuva_workspace_gateway_list_budgets (AdiuvaWorkspaceGateway *self,
                                                      GError                **error);
AdiuvaBudgets *adiuva_workspace_gateway_dup_budgets (AdiuvaWorkspaceGateway *self,
                                                     GError                **error);
gboolean       adiuva_workspace_gateway_set_budget (AdiuvaWorkspaceGateway      *self,
                                                    const AdiuvaWorkspaceBudget *budget,
                                                    GError                     **error);
gboolean       adiuva_workspace_gateway_remove_budget (AdiuvaWorkspaceGateway *self,
                                                       AdiuvaBudgetScope       scope,
                                                       const char             *name,
                                                       AdiuvaBudgetPeriod      period,
                                                       GError                **error);
GStrv          adiuva_workspace_gateway_list_limits (AdiuvaWorkspaceGateway *self,
                                                     GError                **error);
gboolean       adiuva_workspace_gateway_get_limit (AdiuvaWorkspaceGateway *self,
                                                   const char             *target,
                                                   guint                  *rpm,
                                                   guint                  *tpm,
                                                   GError                **error);
gboolean       adiuva_workspace_gateway_set_limit (AdiuvaWorkspaceGateway *self,
                                                   const char             *target,
                                                   guint                   rpm,
                                                   guint                   tpm,
                                                   GError                **error);
gboolean       adiuva_workspace_gateway_remove_limit (AdiuvaWorkspaceGateway *self,
                                                      const char             *target,
                                                      GError                **error);

/* The loopback endpoint: the workspace's providers for other programs on this machine */
char    *adiuva_workspace_gateway_dup_loopback_token (AdiuvaWorkspaceGateway *self,
                                                      GError                **error);
gboolean adiuva_workspace_gateway_get_loopback_settings (AdiuvaWorkspaceGateway *self,
                                                         gboolean               *enabled,
                                                         guint                  *port,
                                                         GError                **error);
void     adiuva_workspace_gateway_stop_loopback (AdiuvaWorkspaceGateway *self);

/* Asking the keyring in a thread, for a program with a user interface: the token (as above),
 * a new token, turning the endpoint on or off, and restoring it for a workspace just opened */
void     adiuva_workspace_gateway_dup_loopback_token_async (AdiuvaWorkspaceGateway *self,
                                                            GCancellable           *cancellable,
                                                            GAsyncReadyCallback     callback,
                                                            gpointer                user_data);
char    *adiuva_workspace_gateway_dup_loopback_token_finish (AdiuvaWorkspaceGateway *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);
void     adiuva_workspace_gateway_reset_loopback_token_async (AdiuvaWorkspaceGateway *self,
                                                              GCancellable           *cancellable,
                                                              GAsyncReadyCallback     callback,
                                                              gpointer                user_data);
char    *adiuva_workspace_gateway_reset_loopback_token_finish (AdiuvaWorkspaceGateway *self,
                                                               GAsyncResult           *result,
                                                               GError                **error);
void     adiuva_workspace_gateway_set_loopback_enabled_async (AdiuvaWorkspaceGateway *self,
                                                              gboolean                enabled,
                                                              guint                   port,
                                                              GCancellable           *cancellable,
                                                              GAsyncReadyCallback     callback,
                                                              gpointer                user_data);
gboolean adiuva_workspace_gateway_set_loopback_enabled_finish (AdiuvaWorkspaceGateway *self,
                                                               GAsyncResult           *result,
                                                               GError                **error);
void     adiuva_workspace_gateway_restore_loopback_async (AdiuvaWorkspaceGateway *self,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean adiuva_workspace_gateway_restore_loopback_finish (AdiuvaWorkspaceGateway *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);
guint    adiuva_workspace_gateway_get_loopback_port (AdiuvaWorkspaceGateway *self);

AdiuvaLoopbackServer *adiuva_workspace_gateway_new_loopback (AdiuvaWorkspaceGateway *self,
                                                             GError                **error);

G_END_DECLS
