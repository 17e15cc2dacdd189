/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_PREFERENCES_OLLAMA_PAGE (adiuva_preferences_ollama_page_get_type ())

/* clang-format off */
G_DECLARE_FINAL_TYPE (AdiuvaPreferencesOllamaPage, adiuva_preferences_ollama_page, ADIUVA,
                      PREFERENCES_OLLAMA_PAGE, AdwPreferencesPage)
/* clang-format on */

GtkWidget *adiuva_preferences_ollama_page_new (AdiuvaWorkspaceGateway *gateway);

G_END_DECLS
