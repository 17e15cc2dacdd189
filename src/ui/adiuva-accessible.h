/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void       adiuva_accessible_clean_mnemonic_names (GtkWidget *root);
GtkWidget *adiuva_accessible_icon_button (const char *icon_name,
                                          const char *label);

G_END_DECLS
