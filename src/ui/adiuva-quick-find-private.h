/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-quick-find.h"

G_BEGIN_DECLS

void  _adiuva_quick_find_search (AdiuvaQuickFind *self,
                                 const char      *text);
guint _adiuva_quick_find_get_n_results (AdiuvaQuickFind *self);
void  _adiuva_quick_find_activate_first (AdiuvaQuickFind *self);

G_END_DECLS
