/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-project-page.h"

G_BEGIN_DECLS

void        _adiuva_project_page_add_task (AdiuvaProjectPage *self,
                                           const char        *text);
void        _adiuva_project_page_add_checkpoint (AdiuvaProjectPage *self,
                                                 const char        *text);
void        _adiuva_project_page_add_note (AdiuvaProjectPage *self,
                                           const char        *title);
const char *_adiuva_project_page_get_message (AdiuvaProjectPage *self);
GtkWidget  *_adiuva_project_page_get_back_button (AdiuvaProjectPage *self);

G_END_DECLS
