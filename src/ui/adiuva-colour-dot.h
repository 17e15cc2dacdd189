/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * AdiuvaProjectColour:
 * @name: what the colour is called, translatable (mark it with N_())
 * @colour: how the store keeps it, `#rrggbb`
 *
 * One colour of the palette projects choose from.
 */
typedef struct
{
  const char *name;
  const char *colour;
} AdiuvaProjectColour;

#define ADIUVA_TYPE_COLOUR_DOT (adiuva_colour_dot_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaColourDot, adiuva_colour_dot, ADIUVA, COLOUR_DOT, GtkWidget)

GtkWidget                 *adiuva_colour_dot_new (const char *colour);
const char                *adiuva_colour_dot_get_colour (AdiuvaColourDot *self);
void                       adiuva_colour_dot_set_colour (AdiuvaColourDot *self,
                                                         const char      *colour);
const AdiuvaProjectColour *adiuva_project_colours_get_all (guint *n_colours);
const AdiuvaProjectColour *adiuva_project_colours_lookup (const char *colour);
void                       adiuva_colour_palette_fill (GtkFlowBox *box,
                                                       const char *action_name);

G_END_DECLS
