/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-gateway.h"
#include "test-provider-util.h"

G_BEGIN_DECLS

/* adiuva-test-provider started for one test, and a gateway client whose providers "oa"
 * (OpenAI), "an" (Anthropic), "ge" (Gemini) and "ol" (Ollama) all point at it. */
typedef struct
{
  TestProvider        *provider;
  AdiuvaGatewayClient *client;
  GPtrArray           *attempts; /* AdiuvaCallMetrics from the usage callback */
} ProviderFixture;

void     test_gateway_add_provider (AdiuvaGatewayClient *client,
                                    const char          *name,
                                    const char          *kind,
                                    const char          *base,
                                    const char          *key);
gboolean provider_fixture_start (ProviderFixture *f);
gboolean provider_fixture_start_empty (ProviderFixture *f);
void     provider_fixture_stop (ProviderFixture *f);
void     provider_fixture_script_body (ProviderFixture *f,
                                       const char      *match,
                                       guint            status,
                                       const char      *body);
void     provider_fixture_wait (gboolean *done);
GString *test_gateway_init (int        *argc,
                            char     ***argv,
                            const char *first_domain,
                            ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
