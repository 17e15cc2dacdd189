/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-timeline-page"

#include "config.h"

#include <adwaita.h>

#include "adiuva-accessible.h"
#include "adiuva-status-page.h"
#include "adiuva-timeline-page.h"
#include "adiuva-timeline-view.h"

/* The Timeline page: the view, by weeks or by months, kept up to date with the workspace. A
 * checkpoint clicked opens its project's tasks. */
struct _AdiuvaTimelinePage
{
  GtkWidget parent_instance;

  AdiuvaStore *store;
  char        *scale;
  guint        reload_source;

  GtkStack           *stack;
  GtkScrolledWindow  *scrolled_window;
  AdiuvaTimelineView *view;
};

G_DEFINE_FINAL_TYPE (AdiuvaTimelinePage, adiuva_timeline_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
reload (AdiuvaTimelinePage *self)
{
  g_autoptr (GListModel) checkpoints = NULL;
  g_autoptr (GListModel) projects = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GError) error = NULL;

  checkpoints = adiuva_store_list_checkpoints (self->store, -1, NULL, NULL, &error);
  if (checkpoints != NULL)
    projects = adiuva_store_list_projects (self->store, -1, TRUE, &error);
  if (projects == NULL)
    {
      g_warning ("Could not load the timeline: %s", error->message);
      return;
    }

  adiuva_timeline_view_set_checkpoints (self->view, checkpoints, projects, now);
  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (checkpoints) > 0
                                                     ? "timeline"
                                                     : "empty");
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  AdiuvaTimelinePage *self = user_data;

  self->reload_source = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (AdiuvaTimelinePage *self,
                  AdiuvaEntity        entity,
                  gint64              id,
                  AdiuvaChange        change,
                  AdiuvaStore        *store)
{
  if ((entity == ADIUVA_ENTITY_CHECKPOINT || entity == ADIUVA_ENTITY_PROJECT) &&
      self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
}

static void
checkpoint_activated_cb (AdiuvaTimelinePage *self,
                         gint64              checkpoint_id,
                         gint64              project_id)
{
  g_autofree char *target = g_strdup_printf ("%" G_GINT64_FORMAT, project_id);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-project", "s", target);
}

static void
scroll_to_today_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AdiuvaTimelinePage *self = ADIUVA_TIMELINE_PAGE (widget);
  GtkAdjustment      *adjustment = gtk_scrolled_window_get_hadjustment (self->scrolled_window);

  gtk_adjustment_set_value (adjustment, adiuva_timeline_view_get_today_x (self->view) -
                                            gtk_adjustment_get_page_size (adjustment) / 3);
}

/* Ctrl with the wheel zooms, as in maps and image viewers: towards you is closer (weeks). */
static gboolean
scroll_cb (AdiuvaTimelinePage       *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state =
      gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;

  gtk_widget_activate_action (GTK_WIDGET (self), "timeline.scale", "s",
                              dy < 0 ? "weeks" : "months");
  return TRUE;
}

static void
adiuva_timeline_page_dispose (GObject *object)
{
  AdiuvaTimelinePage *self = ADIUVA_TIMELINE_PAGE (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_TIMELINE_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_timeline_page_parent_class)->dispose (object);
}

static void
adiuva_timeline_page_finalize (GObject *object)
{
  g_free (ADIUVA_TIMELINE_PAGE (object)->scale);

  G_OBJECT_CLASS (adiuva_timeline_page_parent_class)->finalize (object);
}

static void
adiuva_timeline_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AdiuvaTimelinePage *self = ADIUVA_TIMELINE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SCALE:
      g_value_set_string (value, self->scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_timeline_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AdiuvaTimelinePage *self = ADIUVA_TIMELINE_PAGE (object);
  const char         *scale;

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      reload (self);
      break;
    case PROP_SCALE:
      scale = g_str_equal (g_value_get_string (value), "months") ? "months" : "weeks";
      if (g_strcmp0 (scale, self->scale) == 0)
        break;
      g_free (self->scale);
      self->scale = g_strdup (scale);
      adiuva_timeline_view_set_scale (self->view, g_str_equal (scale, "months")
                                                      ? ADIUVA_TIMELINE_SCALE_MONTHS
                                                      : ADIUVA_TIMELINE_SCALE_WEEKS);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_timeline_page_class_init (AdiuvaTimelinePageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_timeline_page_dispose;
  object_class->finalize = adiuva_timeline_page_finalize;
  object_class->get_property = adiuva_timeline_page_get_property;
  object_class->set_property = adiuva_timeline_page_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaTimelinePage:scale:
   *
   * `weeks` or `months`.
   */
  properties[PROP_SCALE] =
      g_param_spec_string ("scale", NULL, NULL, "weeks",
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_TIMELINE_VIEW);
  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-timeline-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTimelinePage, stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTimelinePage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTimelinePage, view);
  gtk_widget_class_bind_template_callback (widget_class, checkpoint_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, scroll_cb);

  gtk_widget_class_install_property_action (widget_class, "timeline.scale", "scale");
  gtk_widget_class_install_action (widget_class, "timeline.scroll-to-today", NULL,
                                   scroll_to_today_action);

  /* Plus shows more detail (weeks), minus more time (months). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "timeline.scale", "s",
                                       "weeks");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "timeline.scale", "s",
                                       "weeks");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "timeline.scale", "s",
                                       "weeks");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "timeline.scale", "s",
                                       "months");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "timeline.scale",
                                       "s", "months");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK,
                                       "timeline.scroll-to-today", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_timeline_page_init (AdiuvaTimelinePage *self)
{
  self->scale = g_strdup ("weeks");

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
}
