/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_APPLICATION (adiuva_application_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaApplication, adiuva_application, ADIUVA, APPLICATION, AdwApplication)

AdiuvaApplication *adiuva_application_new (void);
const char        *adiuva_application_get_data_dir (AdiuvaApplication *self);

G_END_DECLS
