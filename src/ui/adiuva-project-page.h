/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PROJECT_PAGE (adiuva_project_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaProjectPage, adiuva_project_page, ADIUVA, PROJECT_PAGE, GtkWidget)

gint64 adiuva_project_page_get_project_id (AdiuvaProjectPage *self);
void   adiuva_project_page_set_project_id (AdiuvaProjectPage *self,
                                           gint64             project_id);

G_END_DECLS
