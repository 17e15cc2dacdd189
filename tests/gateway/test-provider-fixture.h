/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "adiuva-gateway.h"

G_BEGIN_DECLS

/* adiuva-test-provider started for one test, and a gateway client whose providers "oa"
 * (OpenAI), "an" (Anthropic), "ge" (Gemini) and "ol" (Ollama) all point at it. */
typedef struct
{
  GSubprocess         *process;
  char                *base;
  SoupSession         *control;
  AdiuvaGatewayClient *client;
  GPtrArray           *attempts; /* AdiuvaCallMetrics from the usage callback */
} ProviderFixture;

gboolean   provider_fixture_start (ProviderFixture *f);
void       provider_fixture_stop (ProviderFixture *f);
void       provider_fixture_add_provider (ProviderFixture *f,
                                          const char      *name,
                                          const char      *kind,
                                          const char      *base,
                                          const char      *key);
GBytes    *provider_fixture_control (ProviderFixture *f,
                                     const char      *method,
                                     const char      *path,
                                     const char      *json);
void       provider_fixture_script (ProviderFixture *f,
                                    const char      *steps);
void       provider_fixture_script_body (ProviderFixture *f,
                                         const char      *match,
                                         guint            status,
                                         const char      *body);
JsonArray *provider_fixture_requests (ProviderFixture *f);
void       provider_fixture_wait (gboolean *done);

G_END_DECLS
