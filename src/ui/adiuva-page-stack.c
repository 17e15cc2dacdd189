/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-page-stack"

#include "config.h"

#include "adiuva-page-stack.h"

/* The window's pages, one shown at a time, as a GtkStack with no transition shows them; it
 * replaces GtkStack for two reasons, both measured with tests/bench/bench-app ("show every
 * page").
 *
 * The keyboard. When the page shown had the keyboard, GtkStack moves it into the next one at
 * once. That changes the focus-within state of both pages, and GTK 4.8 then computes the style
 * of every widget in them again (a state change on a widget makes new styles for all below
 * it): 400 to 1,000 styles, 8–16 ms, in the very frame that lays out and draws the new page,
 * which dropped. Here the keyboard follows at the end of the frame after that one (moving it
 * takes 3–5 ms itself), and the styles are made in the frame after that.
 *
 * The rest of the work. Every page is given the stack's size, shown or not (GtkBinLayout), and
 * is realized as soon as it is added, so its tick callbacks run while it is hidden: a page
 * built in the background (adiuva-window.c) is laid out and grows its lists in the background
 * too, and showing it only maps and draws it. A GtkStack lays out only the page it shows, and
 * realizes a page when it first shows it. The price: a window being resized lays out every
 * page, not one. */
struct _AdiuvaPageStack
{
  GtkWidget parent_instance;

  GtkWidget *visible_child;
  guint      focus_paints_left; /* frames to draw before the keyboard moves */
};

G_DEFINE_FINAL_TYPE (AdiuvaPageStack, adiuva_page_stack, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_VISIBLE_CHILD_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the stack knows of a page, kept on the page's widget */
typedef struct
{
  char    *name;
  GWeakRef last_focus; /* where the keyboard was when the page was hidden */
} PageData;

static GQuark page_data_quark;

static void
page_data_free (gpointer data)
{
  PageData *page_data = data;

  g_free (page_data->name);
  g_weak_ref_clear (&page_data->last_focus);
  g_free (page_data);
}

static PageData *
get_page_data (GtkWidget *child)
{
  return g_object_get_qdata (G_OBJECT (child), page_data_quark);
}

static gboolean
contains_focus (GtkWidget *page)
{
  GtkRoot   *root = gtk_widget_get_root (page);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == page || gtk_widget_is_ancestor (focus, page));
}

static void
focus_visible_child_now (AdiuvaPageStack *self)
{
  GtkWidget *page = self->visible_child;
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus;
  g_autoptr (GObject) last_focus = NULL;

  if (page == NULL || contains_focus (page))
    return;

  last_focus = g_weak_ref_get (&get_page_data (page)->last_focus);
  if (last_focus != NULL && gtk_widget_is_ancestor (GTK_WIDGET (last_focus), page) &&
      gtk_widget_grab_focus (GTK_WIDGET (last_focus)))
    return;

  if (gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD) || root == NULL)
    return;

  /* A page with nothing to focus: the keyboard must not stay in a hidden one (GTK would have
   * moved it so, had adiuva_page_stack_grab_focus() not taken the task). */
  focus = gtk_root_get_focus (root);
  if (focus != NULL && !gtk_widget_is_drawable (focus))
    gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD);
}

static void
after_paint_cb (GdkFrameClock   *frame_clock,
                AdiuvaPageStack *self)
{
  if (--self->focus_paints_left > 0)
    {
      gdk_frame_clock_request_phase (frame_clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
      return;
    }

  g_signal_handlers_disconnect_by_func (frame_clock, after_paint_cb, self);
  focus_visible_child_now (self);
}

/* GTK moves the keyboard out of a page that was hidden with it by asking the page's parent,
 * this stack, to take it, at the end of the frame; that would move it then, when it is to
 * follow a frame later. Otherwise (a focused widget went away) GTK finds it a place itself. */
static gboolean
adiuva_page_stack_grab_focus (GtkWidget *widget)
{
  AdiuvaPageStack *self = ADIUVA_PAGE_STACK (widget);

  if (self->focus_paints_left > 0)
    return TRUE;

  return GTK_WIDGET_CLASS (adiuva_page_stack_parent_class)->grab_focus (widget);
}

static void
adiuva_page_stack_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (adiuva_page_stack_parent_class)->realize (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_realize (child);
}

static void
adiuva_page_stack_unrealize (GtkWidget *widget)
{
  AdiuvaPageStack *self = ADIUVA_PAGE_STACK (widget);

  if (self->focus_paints_left > 0)
    {
      g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (widget), after_paint_cb,
                                            self);
      self->focus_paints_left = 0;
    }

  GTK_WIDGET_CLASS (adiuva_page_stack_parent_class)->unrealize (widget);
}

static void
adiuva_page_stack_dispose (GObject *object)
{
  AdiuvaPageStack *self = ADIUVA_PAGE_STACK (object);
  GtkWidget       *child;

  self->visible_child = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (adiuva_page_stack_parent_class)->dispose (object);
}

static void
adiuva_page_stack_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AdiuvaPageStack *self = ADIUVA_PAGE_STACK (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_CHILD_NAME:
      g_value_set_string (value, adiuva_page_stack_get_visible_child_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_page_stack_class_init (AdiuvaPageStackClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_page_stack_dispose;
  object_class->get_property = adiuva_page_stack_get_property;
  widget_class->grab_focus = adiuva_page_stack_grab_focus;
  widget_class->realize = adiuva_page_stack_realize;
  widget_class->unrealize = adiuva_page_stack_unrealize;

  properties[PROP_VISIBLE_CHILD_NAME] =
      g_param_spec_string ("visible-child-name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stack");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  page_data_quark = g_quark_from_static_string ("adiuva-page-stack-page");
}

static void
adiuva_page_stack_init (AdiuvaPageStack *self)
{
}

GtkWidget *
adiuva_page_stack_new (void)
{
  return g_object_new (ADIUVA_TYPE_PAGE_STACK, NULL);
}

/**
 * adiuva_page_stack_add:
 * @child: (transfer floating): a page, made with the accessible role group, which @title
 *   then names to screen readers (as GtkStack's pages are named)
 * @name: what adiuva_page_stack_set_visible_child_name() calls it
 * @title: (nullable): its title, translated
 *
 * Adds a page, hidden unless it is the first. Shown or not, it is realized with the stack
 * and laid out at its size (see the top of this file).
 */
void
adiuva_page_stack_add (AdiuvaPageStack *self,
                       GtkWidget       *child,
                       const char      *name,
                       const char      *title)
{
  PageData *page_data;

  g_return_if_fail (ADIUVA_IS_PAGE_STACK (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);
  g_return_if_fail (name != NULL && adiuva_page_stack_get_child_by_name (self, name) == NULL);

  page_data = g_new0 (PageData, 1);
  page_data->name = g_strdup (name);
  g_weak_ref_init (&page_data->last_focus, NULL);
  g_object_set_qdata_full (G_OBJECT (child), page_data_quark, page_data, page_data_free);
  if (title != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                    -1);

  gtk_widget_set_child_visible (child, FALSE);
  gtk_widget_set_parent (child, GTK_WIDGET (self));
  if (gtk_widget_get_realized (GTK_WIDGET (self)))
    gtk_widget_realize (child);
  if (self->visible_child == NULL)
    adiuva_page_stack_set_visible_child_name (self, name);
}

GtkWidget *
adiuva_page_stack_get_child_by_name (AdiuvaPageStack *self,
                                     const char      *name)
{
  g_return_val_if_fail (ADIUVA_IS_PAGE_STACK (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (get_page_data (child)->name, name))
      return child;

  return NULL;
}

GtkWidget *
adiuva_page_stack_get_visible_child (AdiuvaPageStack *self)
{
  g_return_val_if_fail (ADIUVA_IS_PAGE_STACK (self), NULL);

  return self->visible_child;
}

const char *
adiuva_page_stack_get_visible_child_name (AdiuvaPageStack *self)
{
  g_return_val_if_fail (ADIUVA_IS_PAGE_STACK (self), NULL);

  return self->visible_child != NULL ? get_page_data (self->visible_child)->name : NULL;
}

/**
 * adiuva_page_stack_set_visible_child_name:
 * @name: a page's name
 *
 * Shows that page instead of the one shown. If that one had the keyboard, the keyboard goes to
 * the new page as adiuva_page_stack_focus_visible_child() says.
 */
void
adiuva_page_stack_set_visible_child_name (AdiuvaPageStack *self,
                                          const char      *name)
{
  GtkWidget *child;
  GtkWidget *old;
  gboolean   had_focus = FALSE;

  g_return_if_fail (ADIUVA_IS_PAGE_STACK (self));
  g_return_if_fail (name != NULL);

  child = adiuva_page_stack_get_child_by_name (self, name);
  g_return_if_fail (child != NULL);

  old = self->visible_child;
  if (child == old)
    return;

  if (old != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (old);

      had_focus = contains_focus (old);
      if (had_focus)
        g_weak_ref_set (&get_page_data (old)->last_focus, gtk_root_get_focus (root));
      gtk_widget_set_child_visible (old, FALSE);
    }

  self->visible_child = child;
  gtk_widget_set_child_visible (child, TRUE);
  if (had_focus)
    adiuva_page_stack_focus_visible_child (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_CHILD_NAME]);
}

/**
 * adiuva_page_stack_focus_visible_child:
 *
 * Moves the keyboard into the page shown, where it was when the page was last hidden or else
 * to its first widget that takes it; not at once, but at the end of the frame after the one
 * that shows the page (see the top of this file). Nothing happens if the keyboard is in that
 * page already.
 */
void
adiuva_page_stack_focus_visible_child (AdiuvaPageStack *self)
{
  GdkFrameClock *frame_clock;

  g_return_if_fail (ADIUVA_IS_PAGE_STACK (self));

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (frame_clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      focus_visible_child_now (self);
      return;
    }

  /* After GtkWindow's own after-paint, which may ask adiuva_page_stack_grab_focus() */
  if (self->focus_paints_left == 0)
    g_signal_connect_object (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), self,
                             G_CONNECT_AFTER);
  self->focus_paints_left = 2;
  gdk_frame_clock_request_phase (frame_clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}
