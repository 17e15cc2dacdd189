/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-accessible"

#include "config.h"

#include <adwaita.h>

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
 *
 * An icon button is labelled by its image the same way, and GTK 4.8 names an image by its
 * type: Orca says “GtkImage Close push button”. Its own accessible label is its name.
 *
 * The text field of a libadwaita 1.2 entry row is not labelled by the row's title: Orca says
 * only what is typed in it. It gets the title as its label.
 */
void
adiuva_accessible_clean_mnemonic_names (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)) &&
      gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL);
  if (GTK_IS_BUTTON (root) && gtk_button_get_icon_name (GTK_BUTTON (root)) != NULL)
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  if (ADW_IS_ENTRY_ROW (root) && gtk_editable_get_delegate (GTK_EDITABLE (root)) != NULL)
    gtk_accessible_update_property (
        GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (root))),
        GTK_ACCESSIBLE_PROPERTY_LABEL, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)),
        -1);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    adiuva_accessible_clean_mnemonic_names (child);
}

/**
 * adiuva_accessible_icon_button:
 * @icon_name: what the button shows
 * @label: what it does, in words: its tooltip, and its name for screen readers
 *
 * A flat button showing only an icon, as in a row's suffix, that still has a name.
 *
 * Returns: (transfer floating): the button
 */
GtkWidget *
adiuva_accessible_icon_button (const char *icon_name,
                               const char *label)
{
  GtkWidget *button;

  g_return_val_if_fail (icon_name != NULL && label != NULL, NULL);

  button = gtk_button_new_from_icon_name (icon_name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  adiuva_accessible_clean_mnemonic_names (button);
  return button;
}
