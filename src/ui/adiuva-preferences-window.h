/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PREFERENCES_WINDOW (adiuva_preferences_window_get_type ())

/* clang-format off */
G_DECLARE_FINAL_TYPE (AdiuvaPreferencesWindow, adiuva_preferences_window, ADIUVA,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)
/* clang-format on */

AdiuvaPreferencesWindow *adiuva_preferences_window_new (GtkWindow              *parent,
                                                        AdiuvaWorkspaceGateway *gateway);

G_END_DECLS
