/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-wire-codec.h"

G_BEGIN_DECLS

/* Shared by the codecs, so every provider's errors read alike. */
void _adiuva_wire_codec_set_http_error (GError    **error,
                                        guint       status,
                                        const char *provider_message);

G_END_DECLS
