/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-cli-context.h"
#include "adiuva-gateway.h"

G_BEGIN_DECLS

/* Provider settings (name, kind, base URL) are kept as a JSON array in the workspace under
 * this key; their keys live in the keyring. */
#define ADIUVA_CLI_PROVIDERS_SETTING "gateway.providers"
#define ADIUVA_CLI_DEFAULT_MODEL_SETTING "gateway.default-model"
/* Model aliases, a JSON object alias → alias or PROVIDER/MODEL. */
#define ADIUVA_CLI_ALIASES_SETTING "gateway.aliases"
/* Budgets (a JSON array) and rate limits (a JSON object); see adiuva-cli-budget.c. */
#define ADIUVA_CLI_BUDGETS_SETTING "gateway.budgets"
#define ADIUVA_CLI_LIMITS_SETTING "gateway.limits"
/* Preference routing: the JSON of adiuva_router_to_json(). */
#define ADIUVA_CLI_ROUTES_SETTING "gateway.routes"

JsonNode            *adiuva_cli_load_json_setting (AdiuvaStore *store,
                                                   const char  *key,
                                                   JsonNodeType type,
                                                   const char  *damaged,
                                                   GError     **error);
gboolean             adiuva_cli_save_json_setting (AdiuvaStore *store,
                                                   const char  *key,
                                                   JsonNode    *node,
                                                   GError     **error);
AdiuvaGatewayClient *adiuva_cli_new_gateway_client (AdiuvaCliContext *cli,
                                                    const char       *only,
                                                    GStrv            *names,
                                                    GError          **error);
JsonObject          *adiuva_cli_load_aliases (AdiuvaStore *store,
                                              GError     **error);
gboolean             adiuva_cli_set_aliases (AdiuvaGatewayClient *client,
                                             JsonObject          *aliases,
                                             GError             **error);
gboolean             adiuva_cli_load_budgets (AdiuvaBudgets *budgets,
                                              AdiuvaStore   *store,
                                              GError       **error);
gboolean             adiuva_cli_load_limits (AdiuvaRateLimiter *limiter,
                                             AdiuvaStore       *store,
                                             GError           **error);
AdiuvaRouter        *adiuva_cli_load_router (AdiuvaStore *store,
                                             GError     **error);
gboolean             adiuva_cli_check_model (AdiuvaStore *store,
                                             const char  *model,
                                             gboolean     allow_auto,
                                             GError     **error);
void                 adiuva_cli_log_call_cb (const AdiuvaCallMetrics *metrics,
                                             gpointer                 store);
GAsyncResult        *adiuva_cli_wait (GAsyncResult **slot);
GAsyncResult        *adiuva_cli_wait_interruptible (GAsyncResult **slot,
                                                    GCancellable  *cancellable);
gboolean             adiuva_cli_choose_model (AdiuvaStore *store,
                                              char       **model,
                                              const char  *missing,
                                              char       **provider,
                                              GError     **error);
void                 adiuva_cli_store_result_cb (GObject      *source,
                                                 GAsyncResult *result,
                                                 gpointer      user_data);

G_END_DECLS
