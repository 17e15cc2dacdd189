/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-store.h"
#include "adiuva-quick-add-chip.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_QUICK_ADD_MODEL (adiuva_quick_add_model_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaQuickAddModel, adiuva_quick_add_model, ADIUVA, QUICK_ADD_MODEL, GObject)

AdiuvaQuickAddModel  *adiuva_quick_add_model_new (AdiuvaStore *store);
void                  adiuva_quick_add_model_set_text (AdiuvaQuickAddModel *self,
                                                       const char          *text,
                                                       GDateTime           *now);
const AdiuvaQuickAdd *adiuva_quick_add_model_get_parsed (AdiuvaQuickAddModel *self);
gboolean              adiuva_quick_add_model_get_can_add (AdiuvaQuickAddModel *self);

G_END_DECLS
