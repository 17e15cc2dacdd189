/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-markdown-view.h"
#include "adiuva-notes-page.h"

G_BEGIN_DECLS

void                _adiuva_notes_page_edit (AdiuvaNotesPage *self,
                                             const char      *title,
                                             const char      *body);
void                _adiuva_notes_page_save_now (AdiuvaNotesPage *self);
void                _adiuva_notes_page_search (AdiuvaNotesPage *self,
                                               const char      *text);
guint               _adiuva_notes_page_get_n_listed (AdiuvaNotesPage *self);
const char         *_adiuva_notes_page_get_listed_title (AdiuvaNotesPage *self,
                                                         guint            index);
AdiuvaNote         *_adiuva_notes_page_get_note (AdiuvaNotesPage *self);
GtkTextBuffer      *_adiuva_notes_page_get_body_buffer (AdiuvaNotesPage *self);
AdiuvaMarkdownView *_adiuva_notes_page_get_preview_view (AdiuvaNotesPage *self);
const char         *_adiuva_notes_page_get_status (AdiuvaNotesPage *self);

G_END_DECLS
