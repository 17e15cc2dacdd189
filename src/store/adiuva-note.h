/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_NOTE (adiuva_note_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaNote, adiuva_note, ADIUVA, NOTE, AdiuvaRecord)

AdiuvaNote *adiuva_note_new (void);

gint64      adiuva_note_get_project_id (AdiuvaNote *self);
void        adiuva_note_set_project_id (AdiuvaNote *self, gint64 project_id);
const char *adiuva_note_get_title (AdiuvaNote *self);
void        adiuva_note_set_title (AdiuvaNote *self, const char *title);
const char *adiuva_note_get_body (AdiuvaNote *self);
void        adiuva_note_set_body (AdiuvaNote *self, const char *body);
gboolean    adiuva_note_get_pinned (AdiuvaNote *self);
void        adiuva_note_set_pinned (AdiuvaNote *self, gboolean pinned);

G_END_DECLS
