/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_QUICK_FIND (adiuva_quick_find_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaQuickFind, adiuva_quick_find, ADIUVA, QUICK_FIND, AdwWindow)

AdiuvaQuickFind *adiuva_quick_find_new (GtkWindow   *parent,
                                        AdiuvaStore *store);

G_END_DECLS
