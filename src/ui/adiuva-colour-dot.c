/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-colour-dot"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-colour-dot.h"

/* A project's colour as a small round dot, in lists and on its page. Any `#rrggbb` draws (the
 * CLI may store others); the palette is what the project page offers. */
struct _AdiuvaColourDot
{
  GtkWidget parent_instance;

  char   *colour;
  GdkRGBA rgba;
};

G_DEFINE_FINAL_TYPE (AdiuvaColourDot, adiuva_colour_dot, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_COLOUR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DOT_SIZE 10

/* Muted tones that sit calmly on the warm canvas and on the dark one; slate, the first, is
 * the store's default and the design's secondary colour. */
static const AdiuvaProjectColour palette[] = {
  { N_ ("Slate"), "#8a8ea9" },
  { N_ ("Honey"), "#e6ad5c" },
  { N_ ("Rose"), "#d4879a" },
  { N_ ("Lavender"), "#a793c6" },
  { N_ ("Sage"), "#8dab87" },
  { N_ ("Teal"), "#5f9ea3" },
  { N_ ("Terracotta"), "#c97b5d" },
  { N_ ("Plum"), "#8c6390" },
};

const AdiuvaProjectColour *
adiuva_project_colours_get_all (guint *n_colours)
{
  g_return_val_if_fail (n_colours != NULL, NULL);

  *n_colours = G_N_ELEMENTS (palette);

  return palette;
}

/* The palette's entry for @colour, or %NULL for a colour outside it. */
const AdiuvaProjectColour *
adiuva_project_colours_lookup (const char *colour)
{
  for (guint i = 0; colour != NULL && i < G_N_ELEMENTS (palette); i++)
    if (g_ascii_strcasecmp (palette[i].colour, colour) == 0)
      return &palette[i];

  return NULL;
}

static void
adiuva_colour_dot_measure (GtkWidget     *widget,
                           GtkOrientation orientation,
                           int            for_size,
                           int           *minimum,
                           int           *natural,
                           int           *minimum_baseline,
                           int           *natural_baseline)
{
  *minimum = *natural = DOT_SIZE;
}

static void
adiuva_colour_dot_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AdiuvaColourDot *self = ADIUVA_COLOUR_DOT (widget);
  int              width = gtk_widget_get_width (widget);
  int              height = gtk_widget_get_height (widget);
  GskRoundedRect   dot;

  gsk_rounded_rect_init_from_rect (&dot,
                                   &GRAPHENE_RECT_INIT ((width - DOT_SIZE) / 2.f,
                                                        (height - DOT_SIZE) / 2.f, DOT_SIZE,
                                                        DOT_SIZE),
                                   DOT_SIZE / 2.f);
  gtk_snapshot_push_rounded_clip (snapshot, &dot);
  gtk_snapshot_append_color (snapshot, &self->rgba, &dot.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
adiuva_colour_dot_finalize (GObject *object)
{
  AdiuvaColourDot *self = ADIUVA_COLOUR_DOT (object);

  g_free (self->colour);

  G_OBJECT_CLASS (adiuva_colour_dot_parent_class)->finalize (object);
}

static void
adiuva_colour_dot_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AdiuvaColourDot *self = ADIUVA_COLOUR_DOT (object);

  switch (prop_id)
    {
    case PROP_COLOUR:
      g_value_set_string (value, self->colour);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_colour_dot_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AdiuvaColourDot *self = ADIUVA_COLOUR_DOT (object);

  switch (prop_id)
    {
    case PROP_COLOUR:
      adiuva_colour_dot_set_colour (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_colour_dot_class_init (AdiuvaColourDotClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = adiuva_colour_dot_finalize;
  object_class->get_property = adiuva_colour_dot_get_property;
  object_class->set_property = adiuva_colour_dot_set_property;
  widget_class->measure = adiuva_colour_dot_measure;
  widget_class->snapshot = adiuva_colour_dot_snapshot;

  properties[PROP_COLOUR] =
      g_param_spec_string ("colour", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "colourdot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
adiuva_colour_dot_init (AdiuvaColourDot *self)
{
  adiuva_colour_dot_set_colour (self, palette[0].colour);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

GtkWidget *
adiuva_colour_dot_new (const char *colour)
{
  return g_object_new (ADIUVA_TYPE_COLOUR_DOT, "colour", colour, NULL);
}

const char *
adiuva_colour_dot_get_colour (AdiuvaColourDot *self)
{
  g_return_val_if_fail (ADIUVA_IS_COLOUR_DOT (self), NULL);

  return self->colour;
}

/* A colour that does not parse draws as the palette's first, not as nothing. */
void
adiuva_colour_dot_set_colour (AdiuvaColourDot *self,
                              const char      *colour)
{
  const AdiuvaProjectColour *named;

  g_return_if_fail (ADIUVA_IS_COLOUR_DOT (self));

  if (colour == NULL || !gdk_rgba_parse (&self->rgba, colour))
    {
      colour = palette[0].colour;
      gdk_rgba_parse (&self->rgba, colour);
    }
  if (g_strcmp0 (self->colour, colour) == 0)
    return;

  g_free (self->colour);
  self->colour = g_strdup (colour);
  /* A screen reader says the colour's name; one outside the palette is only decoration. */
  named = adiuva_project_colours_lookup (colour);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  named != NULL ? _ (named->name) : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOUR]);
}

/**
 * adiuva_colour_palette_fill:
 * @box: an empty flow box
 * @action_name: a stateful action taking the colour, `#rrggbb`
 *
 * Fills @box with the palette as toggle buttons of @action_name, each reachable with Tab.
 */
void
adiuva_colour_palette_fill (GtkFlowBox *box,
                            const char *action_name)
{
  guint                      n_colours;
  const AdiuvaProjectColour *colours = adiuva_project_colours_get_all (&n_colours);

  g_return_if_fail (GTK_IS_FLOW_BOX (box));
  g_return_if_fail (action_name != NULL);

  for (guint i = 0; i < n_colours; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();

      gtk_button_set_child (GTK_BUTTON (button), adiuva_colour_dot_new (colours[i].colour));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "circular");
      gtk_widget_add_css_class (button, "colour-button");
      gtk_widget_set_tooltip_text (button, _ (colours[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ (colours[i].name), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", colours[i].colour);
      gtk_flow_box_append (box, button);
      /* Tab goes to the buttons, not to the flow box's own children around them. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
}
