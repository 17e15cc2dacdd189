/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PROJECTS_PAGE (adiuva_projects_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaProjectsPage, adiuva_projects_page, ADIUVA, PROJECTS_PAGE, GtkWidget)

void adiuva_projects_page_open_project (AdiuvaProjectsPage *self,
                                        gint64              project_id);

G_END_DECLS
