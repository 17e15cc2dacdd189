/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_UNLOCK_PAGE (adiuva_unlock_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaUnlockPage, adiuva_unlock_page, ADIUVA, UNLOCK_PAGE, GtkWidget)

void adiuva_unlock_page_set_busy (AdiuvaUnlockPage *self,
                                  gboolean          busy);
void adiuva_unlock_page_set_error (AdiuvaUnlockPage *self,
                                   const char       *message);

G_END_DECLS
