/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-status-page"

#include "config.h"

#include <adwaita.h>

#include "adiuva-status-page.h"

/* What a page says when it has nothing to show: an icon, a title, a description and maybe a
 * button, centred, scrolling when the window is short. It looks and reads as AdwStatusPage
 * does (its description is plain text, not markup), and replaces it for one reason, measured
 * with tests/bench/bench-app.
 *
 * AdwStatusPage (libadwaita 1.2) centres its box with valign=center. For such a widget GTK 4.8
 * asks, at every new allocation, how wide it must be for the height it is given, and a box of
 * wrapping labels answers that by laying its labels out at width after width (a binary search,
 * each step a new Pango layout of every label); a GtkStack asks its visible child the same.
 * In the first showing of the Chat page (two status pages) that was 95 label measurements
 * taking 36 ms; here it is 30 taking 9 ms. A vertical GtkCenterBox centres the content, so
 * nothing is aligned but filled and every label is laid out for its width alone. */
struct _AdiuvaStatusPage
{
  GtkWidget parent_instance;

  GtkWidget *scrolled_window;
  GtkBox    *main_box;
  GtkImage  *image;
  GtkLabel  *title_label;
  GtkLabel  *description_label;
  GtkWidget *child;
};

static void adiuva_status_page_buildable_init (GtkBuildableIface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (AdiuvaStatusPage, adiuva_status_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      adiuva_status_page_buildable_init))
/* clang-format on */

static GtkBuildableIface *parent_buildable_iface;

enum
{
  PROP_0,
  PROP_ICON_NAME,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_CHILD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
adiuva_status_page_buildable_add_child (GtkBuildable *buildable,
                                        GtkBuilder   *builder,
                                        GObject      *child,
                                        const char   *type)
{
  /* The template's own children go to GtkWidget: main_box is bound once they are built. */
  if (type == NULL && GTK_IS_WIDGET (child) && ADIUVA_STATUS_PAGE (buildable)->main_box != NULL)
    adiuva_status_page_set_child (ADIUVA_STATUS_PAGE (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
adiuva_status_page_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = adiuva_status_page_buildable_add_child;
}

static void
adiuva_status_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ADIUVA_TYPE_STATUS_PAGE);

  G_OBJECT_CLASS (adiuva_status_page_parent_class)->dispose (object);
}

static void
adiuva_status_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AdiuvaStatusPage *self = ADIUVA_STATUS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ICON_NAME:
      g_value_set_string (value, adiuva_status_page_get_icon_name (self));
      break;
    case PROP_TITLE:
      g_value_set_string (value, adiuva_status_page_get_title (self));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, adiuva_status_page_get_description (self));
      break;
    case PROP_CHILD:
      g_value_set_object (value, self->child);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_status_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AdiuvaStatusPage *self = ADIUVA_STATUS_PAGE (object);

  switch (prop_id)
    {
    case PROP_ICON_NAME:
      adiuva_status_page_set_icon_name (self, g_value_get_string (value));
      break;
    case PROP_TITLE:
      adiuva_status_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      adiuva_status_page_set_description (self, g_value_get_string (value));
      break;
    case PROP_CHILD:
      adiuva_status_page_set_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_status_page_class_init (AdiuvaStatusPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_status_page_dispose;
  object_class->get_property = adiuva_status_page_get_property;
  object_class->set_property = adiuva_status_page_set_property;

  properties[PROP_ICON_NAME] =
      g_param_spec_string ("icon-name", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Plain text, unlike AdwStatusPage's markup: error messages go here as they are. */
  properties[PROP_DESCRIPTION] =
      g_param_spec_string ("description", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHILD] =
      g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADW_TYPE_CLAMP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-status-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaStatusPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaStatusPage, main_box);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaStatusPage, image);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaStatusPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaStatusPage, description_label);

  gtk_widget_class_set_css_name (widget_class, "statuspage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_status_page_init (AdiuvaStatusPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
adiuva_status_page_new (void)
{
  return g_object_new (ADIUVA_TYPE_STATUS_PAGE, NULL);
}

/* The title's and the description's setter: a label shows only with some text. */
static void
set_text (AdiuvaStatusPage *self,
          GtkLabel         *label,
          const char       *text,
          GParamSpec       *pspec)
{
  if (text == NULL)
    text = "";
  if (g_str_equal (text, gtk_label_get_label (label)))
    return;

  gtk_label_set_label (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), *text != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

const char *
adiuva_status_page_get_icon_name (AdiuvaStatusPage *self)
{
  g_return_val_if_fail (ADIUVA_IS_STATUS_PAGE (self), NULL);

  return gtk_image_get_icon_name (self->image);
}

void
adiuva_status_page_set_icon_name (AdiuvaStatusPage *self,
                                  const char       *icon_name)
{
  g_return_if_fail (ADIUVA_IS_STATUS_PAGE (self));

  if (g_strcmp0 (icon_name, adiuva_status_page_get_icon_name (self)) == 0)
    return;

  gtk_image_set_from_icon_name (self->image, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->image), icon_name != NULL && *icon_name != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}

const char *
adiuva_status_page_get_title (AdiuvaStatusPage *self)
{
  g_return_val_if_fail (ADIUVA_IS_STATUS_PAGE (self), NULL);

  return gtk_label_get_label (self->title_label);
}

void
adiuva_status_page_set_title (AdiuvaStatusPage *self,
                              const char       *title)
{
  g_return_if_fail (ADIUVA_IS_STATUS_PAGE (self));

  set_text (self, self->title_label, title, properties[PROP_TITLE]);
}

const char *
adiuva_status_page_get_description (AdiuvaStatusPage *self)
{
  g_return_val_if_fail (ADIUVA_IS_STATUS_PAGE (self), NULL);

  return gtk_label_get_label (self->description_label);
}

void
adiuva_status_page_set_description (AdiuvaStatusPage *self,
                                    const char       *description)
{
  g_return_if_fail (ADIUVA_IS_STATUS_PAGE (self));

  set_text (self, self->description_label, description, properties[PROP_DESCRIPTION]);
}

GtkWidget *
adiuva_status_page_get_child (AdiuvaStatusPage *self)
{
  g_return_val_if_fail (ADIUVA_IS_STATUS_PAGE (self), NULL);

  return self->child;
}

/* Below the texts, outside their clamp, as AdwStatusPage puts it. */
void
adiuva_status_page_set_child (AdiuvaStatusPage *self,
                              GtkWidget        *child)
{
  g_return_if_fail (ADIUVA_IS_STATUS_PAGE (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (self->child == child)
    return;

  if (self->child != NULL)
    gtk_box_remove (self->main_box, self->child);
  self->child = child;
  if (child != NULL)
    gtk_box_append (self->main_box, child);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}
