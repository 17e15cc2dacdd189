/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-window.h"

G_BEGIN_DECLS

void adiuva_bench_script_attach (AdiuvaWindow *window);

G_END_DECLS
