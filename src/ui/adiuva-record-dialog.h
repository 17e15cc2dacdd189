/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_RECORD_DIALOG (adiuva_record_dialog_get_type ())

G_DECLARE_DERIVABLE_TYPE (AdiuvaRecordDialog, adiuva_record_dialog, ADIUVA, RECORD_DIALOG, AdwMessageDialog)

/**
 * AdiuvaRecordDialogClass:
 * @new_record: makes the record a new one starts from
 * @apply: writes what the dialog holds into the record
 *
 * A dialog that adds or edits one record, with Cancel and Add (or Save).
 */
struct _AdiuvaRecordDialogClass
{
  AdwMessageDialogClass parent_class;

  AdiuvaRecord *(*new_record) (AdiuvaRecordDialog *self);
  void (*apply) (AdiuvaRecordDialog *self,
                 AdiuvaRecord       *record);
};

AdiuvaStore  *adiuva_record_dialog_get_store (AdiuvaRecordDialog *self);
AdiuvaRecord *adiuva_record_dialog_get_record (AdiuvaRecordDialog *self);
void          adiuva_record_dialog_set_can_save (AdiuvaRecordDialog *self,
                                                 gboolean            can_save);
char         *adiuva_record_dialog_dup_field (GtkEditable *editable);

G_END_DECLS
