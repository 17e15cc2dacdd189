/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PREFERENCES_WORKSPACE_PAGE (adiuva_preferences_workspace_page_get_type ())

/* clang-format off */
G_DECLARE_FINAL_TYPE (AdiuvaPreferencesWorkspacePage, adiuva_preferences_workspace_page, ADIUVA,
                      PREFERENCES_WORKSPACE_PAGE, AdwPreferencesPage)
/* clang-format on */

AdiuvaPreferencesWorkspacePage *
adiuva_preferences_workspace_page_new (AdiuvaWorkspaceGateway *gateway);

G_END_DECLS
