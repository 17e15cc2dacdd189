/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ADIUVA_REDACTED "[redacted]"

char *adiuva_redact_secrets (const char *text);

G_END_DECLS
