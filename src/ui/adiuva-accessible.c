/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-accessible"

#include "config.h"

#include "adiuva-accessible.h"

/**
 * adiuva_accessible_clean_mnemonic_names:
 * @root: a widget, usually one just built from its template
 *
 * GTK 4.8 gives a button with a mnemonic label two names at once: its accessible label is
 * the raw text (“_Create Workspace”) and its label child, which labels it, adds the clean
 * one, so screen readers say “underscore Create Workspace Create Workspace”. Taking the raw
 * one away from each such button under @root leaves the clean name; the mnemonic still
 * works. A button whose label is set again later needs this again.
 */
void
adiuva_accessible_clean_mnemonic_names (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)) &&
      gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    adiuva_accessible_clean_mnemonic_names (child);
}
