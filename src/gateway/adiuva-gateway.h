/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-budgets.h"
#include "adiuva-call-metrics.h"
#include "adiuva-chat-accumulator.h"
#include "adiuva-chat-delta.h"
#include "adiuva-chat-message.h"
#include "adiuva-chat-request.h"
#include "adiuva-embeddings.h"
#include "adiuva-gateway-client.h"
#include "adiuva-gateway-stats.h"
#include "adiuva-gateway-types.h"
#include "adiuva-gateway-enums.h"
#include "adiuva-loopback-server.h"
#include "adiuva-model-stats.h"
#include "adiuva-ndjson-decoder.h"
#include "adiuva-ollama-models.h"
#include "adiuva-provider-settings.h"
#include "adiuva-provider-keys.h"
#include "adiuva-provider-table.h"
#include "adiuva-rate-limiter.h"
#include "adiuva-redact.h"
#include "adiuva-route.h"
#include "adiuva-router.h"
#include "adiuva-sse-decoder.h"
#include "adiuva-wire-codec.h"
