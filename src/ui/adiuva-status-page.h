/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_STATUS_PAGE (adiuva_status_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaStatusPage, adiuva_status_page, ADIUVA, STATUS_PAGE, GtkWidget)

GtkWidget  *adiuva_status_page_new (void);
const char *adiuva_status_page_get_icon_name (AdiuvaStatusPage *self);
void        adiuva_status_page_set_icon_name (AdiuvaStatusPage *self,
                                              const char       *icon_name);
const char *adiuva_status_page_get_title (AdiuvaStatusPage *self);
void        adiuva_status_page_set_title (AdiuvaStatusPage *self,
                                          const char       *title);
const char *adiuva_status_page_get_description (AdiuvaStatusPage *self);
void        adiuva_status_page_set_description (AdiuvaStatusPage *self,
                                                const char       *description);
GtkWidget  *adiuva_status_page_get_child (AdiuvaStatusPage *self);
void        adiuva_status_page_set_child (AdiuvaStatusPage *self,
                                          GtkWidget        *child);

G_END_DECLS
