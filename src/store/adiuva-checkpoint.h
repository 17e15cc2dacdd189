/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CHECKPOINT (adiuva_checkpoint_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaCheckpoint, adiuva_checkpoint, ADIUVA, CHECKPOINT, AdiuvaRecord)

AdiuvaCheckpoint *adiuva_checkpoint_new (void);

gint64      adiuva_checkpoint_get_project_id (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_project_id (AdiuvaCheckpoint *self, gint64 project_id);
const char *adiuva_checkpoint_get_title (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_title (AdiuvaCheckpoint *self, const char *title);
const char *adiuva_checkpoint_get_notes (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_notes (AdiuvaCheckpoint *self, const char *notes);
const char *adiuva_checkpoint_get_date (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_date (AdiuvaCheckpoint *self, const char *date);
gboolean    adiuva_checkpoint_get_done (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_done (AdiuvaCheckpoint *self, gboolean done);
gboolean    adiuva_checkpoint_get_is_ai_suggested (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_is_ai_suggested (AdiuvaCheckpoint *self,
                                                   gboolean          is_ai_suggested);
gboolean    adiuva_checkpoint_get_is_approved (AdiuvaCheckpoint *self);
void        adiuva_checkpoint_set_is_approved (AdiuvaCheckpoint *self, gboolean is_approved);

G_END_DECLS
