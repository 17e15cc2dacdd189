/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include "adiuva-gateway-types.h"

GQuark
adiuva_gateway_error_quark (void)
{
  return g_quark_from_static_string ("adiuva-gateway-error-quark");
}
