/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PROJECT (adiuva_project_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaProject, adiuva_project, ADIUVA, PROJECT, AdiuvaRecord)

AdiuvaProject *adiuva_project_new (void);

gint64              adiuva_project_get_client_id (AdiuvaProject *self);
void                adiuva_project_set_client_id (AdiuvaProject *self, gint64 client_id);
const char         *adiuva_project_get_name (AdiuvaProject *self);
void                adiuva_project_set_name (AdiuvaProject *self, const char *name);
const char         *adiuva_project_get_description (AdiuvaProject *self);
void                adiuva_project_set_description (AdiuvaProject *self, const char *description);
const char         *adiuva_project_get_colour (AdiuvaProject *self);
void                adiuva_project_set_colour (AdiuvaProject *self, const char *colour);
AdiuvaProjectStatus adiuva_project_get_status (AdiuvaProject *self);
void                adiuva_project_set_status (AdiuvaProject *self, AdiuvaProjectStatus status);
gboolean            adiuva_project_get_archived (AdiuvaProject *self);
void                adiuva_project_set_archived (AdiuvaProject *self, gboolean archived);
double              adiuva_project_get_position (AdiuvaProject *self);
void                adiuva_project_set_position (AdiuvaProject *self, double position);

G_END_DECLS
