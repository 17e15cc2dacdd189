/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-provider-settings.h"

G_BEGIN_DECLS

/* Only the gateway's HTTP code reads the key, to put it in a request header. */
const char *_adiuva_provider_settings_get_api_key (AdiuvaProviderSettings *self);

G_END_DECLS
