/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void adiuva_accessible_clean_mnemonic_names (GtkWidget *root);

G_END_DECLS
