/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_NOTES_PAGE (adiuva_notes_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaNotesPage, adiuva_notes_page, ADIUVA, NOTES_PAGE, GtkWidget)

void adiuva_notes_page_show_note (AdiuvaNotesPage *self,
                                  gint64           note_id);

G_END_DECLS
