/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * AdiuvaQuickAddChipKind:
 * @ADIUVA_QUICK_ADD_CHIP_DATE: when the task is due
 * @ADIUVA_QUICK_ADD_CHIP_PRIORITY: its priority
 * @ADIUVA_QUICK_ADD_CHIP_PROJECT: the project it goes to
 * @ADIUVA_QUICK_ADD_CHIP_TAG: one of its tags
 *
 * What part of a quick-add line a chip shows.
 */
typedef enum
{
  ADIUVA_QUICK_ADD_CHIP_DATE,
  ADIUVA_QUICK_ADD_CHIP_PRIORITY,
  ADIUVA_QUICK_ADD_CHIP_PROJECT,
  ADIUVA_QUICK_ADD_CHIP_TAG,
} AdiuvaQuickAddChipKind;

#define ADIUVA_TYPE_QUICK_ADD_CHIP (adiuva_quick_add_chip_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaQuickAddChip, adiuva_quick_add_chip, ADIUVA, QUICK_ADD_CHIP, GObject)

AdiuvaQuickAddChip    *adiuva_quick_add_chip_new (AdiuvaQuickAddChipKind kind,
                                                  const char            *label,
                                                  const char            *problem);
AdiuvaQuickAddChipKind adiuva_quick_add_chip_get_kind (AdiuvaQuickAddChip *self);
const char            *adiuva_quick_add_chip_get_label (AdiuvaQuickAddChip *self);
const char            *adiuva_quick_add_chip_get_problem (AdiuvaQuickAddChip *self);
const char            *adiuva_quick_add_chip_get_icon_name (AdiuvaQuickAddChip *self);
gboolean               adiuva_quick_add_chip_equal (AdiuvaQuickAddChip *a,
                                                    AdiuvaQuickAddChip *b);

G_END_DECLS
