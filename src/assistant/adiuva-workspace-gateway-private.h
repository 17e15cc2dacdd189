/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

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

G_END_DECLS
