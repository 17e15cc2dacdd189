/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-router.h"

G_BEGIN_DECLS

char *_adiuva_route_describe (AdiuvaRoute        *route,
                              AdiuvaRouteSelector selector);

G_END_DECLS
