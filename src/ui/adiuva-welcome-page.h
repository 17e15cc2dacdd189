/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_WELCOME_PAGE (adiuva_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaWelcomePage, adiuva_welcome_page, ADIUVA, WELCOME_PAGE, GtkWidget)

void adiuva_welcome_page_set_folder (AdiuvaWelcomePage *self,
                                     const char        *folder);
void adiuva_welcome_page_set_busy (AdiuvaWelcomePage *self,
                                   gboolean           busy);
void adiuva_welcome_page_set_error (AdiuvaWelcomePage *self,
                                    const char        *message);

G_END_DECLS
