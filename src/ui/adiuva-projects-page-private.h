/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-project-page.h"
#include "adiuva-projects-page.h"

G_BEGIN_DECLS

void               _adiuva_projects_page_add_client (AdiuvaProjectsPage *self,
                                                     const char         *name);
void               _adiuva_projects_page_add_project (AdiuvaProjectsPage *self,
                                                      const char         *name,
                                                      guint               client_index);
const char        *_adiuva_projects_page_get_message (AdiuvaProjectsPage *self);
AdiuvaProjectPage *_adiuva_projects_page_get_project_page (AdiuvaProjectsPage *self);

G_END_DECLS
