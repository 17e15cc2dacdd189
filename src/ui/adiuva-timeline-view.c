/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-timeline-view"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-timeline-view-private.h"

#define AXIS_HEIGHT 36
#define LANE_HEIGHT 52
#define MARGIN 24
#define DOT_RADIUS 6
#define DAYS_BEFORE_TODAY 14
#define DAYS_AFTER_LAST 45

/* The checkpoints of all projects on a time axis, a lane per project, drawn with GtkSnapshot.
 * Overdue ones are marked; a click on one emits ::checkpoint-activated.
 *
 * The keyboard reaches it too: the view takes the focus, Left and Right (Home, End) move it from
 * checkpoint to checkpoint in time order, Enter opens the focused one. GTK 4.8 gives only
 * widgets an accessible object, so the checkpoints cannot be children in the accessibility
 * tree; the view instead names the focused checkpoint in its own accessible label, which a
 * screen reader reads as the focus moves. */

typedef struct
{
  gint64   checkpoint_id;
  gint64   project_id;
  int      day; /* days since the first day of the axis */
  GDate    date;
  guint    lane;
  gboolean overdue;
  gboolean done;
  char    *title;
} Item;

struct _AdiuvaTimelineView
{
  GtkWidget parent_instance;

  GArray             *items;
  GPtrArray          *lanes; /* project names */
  GDate               first_day;
  int                 n_days;
  int                 today;
  AdiuvaTimelineScale scale;
  int                 focused; /* index in items, or -1 */
};

G_DEFINE_FINAL_TYPE (AdiuvaTimelineView, adiuva_timeline_view, GTK_TYPE_WIDGET)

enum
{
  CHECKPOINT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
item_clear (Item *item)
{
  g_free (item->title);
}

static double
pixels_per_day (AdiuvaTimelineView *self)
{
  return self->scale == ADIUVA_TIMELINE_SCALE_WEEKS ? 18.0 : 4.0;
}

static double
day_x (AdiuvaTimelineView *self,
       int                 day)
{
  return MARGIN + (day + 0.5) * pixels_per_day (self);
}

static double
lane_y (guint lane)
{
  return AXIS_HEIGHT + lane * LANE_HEIGHT + LANE_HEIGHT / 2.0;
}

static void
adiuva_timeline_view_measure (GtkWidget     *widget,
                              GtkOrientation orientation,
                              int            for_size,
                              int           *minimum,
                              int           *natural,
                              int           *minimum_baseline,
                              int           *natural_baseline)
{
  AdiuvaTimelineView *self = ADIUVA_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 2 * MARGIN + (int) (self->n_days * pixels_per_day (self));
  else
    *minimum = *natural = AXIS_HEIGHT + MAX (self->lanes->len, 1) * LANE_HEIGHT + MARGIN;
}

static void
lookup_color (GtkWidget  *widget,
              const char *name,
              GdkRGBA    *color)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (context, name, color))
    gtk_style_context_get_color (context, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
append_text (AdiuvaTimelineView *self,
             GtkSnapshot        *snapshot,
             const char         *text,
             double              x,
             double              y,
             const GdkRGBA      *color,
             gboolean            small)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
    }

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_dot (GtkSnapshot   *snapshot,
            double         x,
            double         y,
            const GdkRGBA *fill,
            const GdkRGBA *ring)
{
  GskRoundedRect dot;
  float          widths[4] = { 2, 2, 2, 2 };
  GdkRGBA        rings[4] = { *ring, *ring, *ring, *ring };

  gsk_rounded_rect_init_from_rect (&dot,
                                   &GRAPHENE_RECT_INIT (x - DOT_RADIUS, y - DOT_RADIUS,
                                                        2 * DOT_RADIUS, 2 * DOT_RADIUS),
                                   DOT_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &dot);
  gtk_snapshot_append_color (snapshot, fill, &dot.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &dot, widths, rings);
}

/* Round the focused checkpoint's dot and title, as libadwaita rings a focused button. */
static void
append_focus_ring (AdiuvaTimelineView *self,
                   GtkSnapshot        *snapshot,
                   const Item         *item,
                   const GdkRGBA      *color)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                   item->title);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  double         x = day_x (self, item->day);
  double         y = lane_y (item->lane);
  float          widths[4] = { 2, 2, 2, 2 };
  GdkRGBA        colors[4] = { *color, *color, *color, *color };
  GskRoundedRect ring;
  int            text_width, text_height;
  double         top, height;

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  /* The title is drawn from 4 px below the dot's centre (see the snapshot). */
  top = y - DOT_RADIUS - 4;
  height = MAX (y + DOT_RADIUS, y + 4 + text_height) + 4 - top;
  gsk_rounded_rect_init_from_rect (&ring,
                                   &GRAPHENE_RECT_INIT (x - DOT_RADIUS - 5, top,
                                                        2 * DOT_RADIUS + text_width + 18, height),
                                   8);
  gtk_snapshot_append_border (snapshot, &ring, widths, colors);
}

static gboolean
is_tick (AdiuvaTimelineView *self,
         const GDate        *date)
{
  if (self->scale == ADIUVA_TIMELINE_SCALE_WEEKS)
    return g_date_get_weekday (date) == G_DATE_MONDAY;

  return g_date_get_day (date) == 1;
}

static void
append_axis (AdiuvaTimelineView *self,
             GtkSnapshot        *snapshot,
             int                 width,
             int                 height,
             const GdkRGBA      *fg,
             const GdkRGBA      *line)
{
  GDate date = self->first_day;

  for (int day = 0; day < self->n_days; day++, g_date_add_days (&date, 1))
    {
      char            text[64];
      double          x = MARGIN + day * pixels_per_day (self);
      graphene_rect_t tick = GRAPHENE_RECT_INIT (x, AXIS_HEIGHT - 6, 1, height - AXIS_HEIGHT);

      if (!is_tick (self, &date))
        continue;

      gtk_snapshot_append_color (snapshot, line, &tick);
      /* Translators: a tick of the timeline: “24 Nov” by week, “Dec 2026” by month; see the
       * strftime manual */
      g_date_strftime (text, sizeof text,
                       self->scale == ADIUVA_TIMELINE_SCALE_WEEKS ? _ ("%-d %b") : _ ("%b %Y"),
                       &date);
      append_text (self, snapshot, text, x + 3, 6, fg, TRUE);
    }
}

static void
adiuva_timeline_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  AdiuvaTimelineView *self = ADIUVA_TIMELINE_VIEW (widget);
  int                 width = gtk_widget_get_width (widget);
  int                 height = gtk_widget_get_height (widget);
  GdkRGBA             fg, dim, line, accent, overdue, background, focus_ring;

  lookup_color (widget, "window_fg_color", &fg);
  lookup_color (widget, "adiuva_secondary_color", &dim);
  lookup_color (widget, "adiuva_border_color", &line);
  lookup_color (widget, "accent_bg_color", &accent);
  lookup_color (widget, "adiuva_overdue_color", &overdue);
  lookup_color (widget, "view_bg_color", &background);
  /* libadwaita's focus ring: the accent text colour at half strength. */
  lookup_color (widget, "accent_color", &focus_ring);
  focus_ring.alpha = 0.5;

  append_axis (self, snapshot, width, height, &dim, &line);

  for (guint lane = 0; lane < self->lanes->len; lane++)
    {
      double          y = lane_y (lane);
      graphene_rect_t rule = GRAPHENE_RECT_INIT (MARGIN, y, width - 2 * MARGIN, 1);

      gtk_snapshot_append_color (snapshot, &line, &rule);
      append_text (self, snapshot, g_ptr_array_index (self->lanes, lane), MARGIN,
                   y - LANE_HEIGHT / 2.0 + 2, &dim, TRUE);
    }

  /* Today, across all lanes. */
  gtk_snapshot_append_color (snapshot, &accent,
                             &GRAPHENE_RECT_INIT (day_x (self, self->today) - 1, AXIS_HEIGHT - 6,
                                                  2, height - AXIS_HEIGHT));

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item    *item = &g_array_index (self->items, Item, i);
      double         x = day_x (self, item->day);
      double         y = lane_y (item->lane);
      const GdkRGBA *ring = item->overdue ? &overdue : item->done ? &dim
                                                                  : &fg;
      const GdkRGBA *fill = item->overdue ? &overdue : item->done ? &background
                                                                  : &accent;

      append_dot (snapshot, x, y, fill, ring);
      append_text (self, snapshot, item->title, x + DOT_RADIUS + 4, y + 4,
                   item->overdue ? &overdue : &fg, TRUE);
    }

  if (gtk_widget_has_focus (widget) && self->focused >= 0)
    append_focus_ring (self, snapshot, &g_array_index (self->items, Item, self->focused),
                       &focus_ring);
}

/* The checkpoint under (x, y), or -1. */
static int
item_at (AdiuvaTimelineView *self,
         double              x,
         double              y)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = &g_array_index (self->items, Item, i);

      if (ABS (x - day_x (self, item->day)) <= DOT_RADIUS + 3 &&
          ABS (y - lane_y (item->lane)) <= DOT_RADIUS + 3)
        return (int) i;
    }

  return -1;
}

static void
activate_item (AdiuvaTimelineView *self,
               int                 index)
{
  const Item *item = &g_array_index (self->items, Item, index);

  g_signal_emit (self, signals[CHECKPOINT_ACTIVATED], 0, item->checkpoint_id, item->project_id);
}

gboolean
_adiuva_timeline_view_click (AdiuvaTimelineView *self,
                             double              x,
                             double              y)
{
  int index = item_at (self, x, y);

  if (index < 0)
    return FALSE;

  activate_item (self, index);
  return TRUE;
}

/* What a screen reader says for the focused checkpoint: “Launch, Website, 24 November 2026,
 * overdue, 2 of 5”. */
static char *
dup_item_description (AdiuvaTimelineView *self,
                      int                 index)
{
  const Item      *item = &g_array_index (self->items, Item, index);
  g_autofree char *position = NULL;
  g_autofree char *count = NULL;
  char             date[64];

  /* Translators: the date of a checkpoint, as read by a screen reader; see the strftime
   * manual */
  g_date_strftime (date, sizeof date, _ ("%-d %B %Y"), &item->date);
  position = g_strdup_printf ("%d", index + 1);
  count = g_strdup_printf ("%u", self->items->len);

  if (item->overdue)
    /* Translators: a checkpoint as a screen reader says it: title, project, date, and which
     * one it is, such as “2 of 5” */
    return g_strdup_printf (_ ("%s, %s, %s, overdue, %s of %s"), item->title,
                            (char *) g_ptr_array_index (self->lanes, item->lane), date, position,
                            count);
  if (item->done)
    /* Translators: as above, for a checkpoint that is done */
    return g_strdup_printf (_ ("%s, %s, %s, done, %s of %s"), item->title,
                            (char *) g_ptr_array_index (self->lanes, item->lane), date, position,
                            count);

  /* Translators: as above, for a checkpoint still ahead */
  return g_strdup_printf (_ ("%s, %s, %s, %s of %s"), item->title,
                          (char *) g_ptr_array_index (self->lanes, item->lane), date, position,
                          count);
}

static void
update_accessible_label (AdiuvaTimelineView *self)
{
  g_autofree char *label = NULL;

  if (self->focused >= 0)
    label = dup_item_description (self, self->focused);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label != NULL ? label : _ ("Checkpoints on a time axis"), -1);
}

/* Keeps the focused checkpoint in sight when the view is scrolled. */
static void
scroll_to_item (AdiuvaTimelineView *self,
                int                 index)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  double     x, y;

  if (scrolled == NULL)
    return;

  _adiuva_timeline_view_get_item_point (self, index, &x, &y);
  gtk_adjustment_clamp_page (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                             x - 3 * MARGIN, x + 8 * MARGIN);
  gtk_adjustment_clamp_page (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                             y - LANE_HEIGHT, y + LANE_HEIGHT);
}

static void
focus_item (AdiuvaTimelineView *self,
            int                 index)
{
  self->focused = self->items->len > 0 ? CLAMP (index, 0, (int) self->items->len - 1) : -1;
  update_accessible_label (self);
  if (self->focused >= 0)
    scroll_to_item (self, self->focused);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The focus arrives on the first checkpoint from today on: what is next matters most. */
static int
first_upcoming (AdiuvaTimelineView *self)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_array_index (self->items, Item, i).day >= self->today)
      return (int) i;

  return (int) self->items->len - 1;
}

/* checkpoint.move: to the “previous” or “next” checkpoint in time, or the “first” or “last”. */
static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AdiuvaTimelineView *self = ADIUVA_TIMELINE_VIEW (widget);
  const char         *where = g_variant_get_string (parameter, NULL);

  if (self->items->len == 0)
    return;

  if (g_str_equal (where, "first"))
    focus_item (self, 0);
  else if (g_str_equal (where, "last"))
    focus_item (self, (int) self->items->len - 1);
  else if (self->focused < 0)
    focus_item (self, first_upcoming (self));
  else
    focus_item (self, self->focused + (g_str_equal (where, "previous") ? -1 : 1));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AdiuvaTimelineView *self = ADIUVA_TIMELINE_VIEW (widget);

  if (self->focused >= 0)
    activate_item (self, self->focused);
}

static void
focus_enter_cb (AdiuvaTimelineView *self)
{
  if (self->focused < 0 && self->items->len > 0)
    focus_item (self, first_upcoming (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
focus_leave_cb (AdiuvaTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (AdiuvaTimelineView *self,
            int                 n_press,
            double              x,
            double              y,
            GtkGestureClick    *gesture)
{
  if (_adiuva_timeline_view_click (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
query_tooltip_cb (AdiuvaTimelineView *self,
                  int                 x,
                  int                 y,
                  gboolean            keyboard,
                  GtkTooltip         *tooltip)
{
  int index = item_at (self, x, y);

  if (index < 0)
    return FALSE;

  gtk_tooltip_set_text (tooltip, g_array_index (self->items, Item, index).title);
  return TRUE;
}

static void
adiuva_timeline_view_finalize (GObject *object)
{
  AdiuvaTimelineView *self = ADIUVA_TIMELINE_VIEW (object);

  g_array_unref (self->items);
  g_ptr_array_unref (self->lanes);

  G_OBJECT_CLASS (adiuva_timeline_view_parent_class)->finalize (object);
}

static void
adiuva_timeline_view_class_init (AdiuvaTimelineViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = adiuva_timeline_view_finalize;
  widget_class->measure = adiuva_timeline_view_measure;
  widget_class->snapshot = adiuva_timeline_view_snapshot;

  /**
   * AdiuvaTimelineView::checkpoint-activated:
   * @checkpoint_id: the checkpoint clicked
   * @project_id: its project
   */
  signals[CHECKPOINT_ACTIVATED] =
      g_signal_new ("checkpoint-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "checkpoint.move", "s", move_action);
  gtk_widget_class_install_action (widget_class, "checkpoint.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "checkpoint.move", "s",
                                       "previous");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "checkpoint.move", "s",
                                       "previous");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "checkpoint.move", "s",
                                       "next");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "checkpoint.move", "s",
                                       "next");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "checkpoint.move", "s",
                                       "first");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Home, 0, "checkpoint.move", "s",
                                       "first");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "checkpoint.move", "s",
                                       "last");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_End, 0, "checkpoint.move", "s",
                                       "last");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "checkpoint.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "checkpoint.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0, "checkpoint.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "checkpoint.open", NULL);

  gtk_widget_class_set_css_name (widget_class, "timeline");
  /* A button whose label is the focused checkpoint: Enter opens it. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
adiuva_timeline_view_init (AdiuvaTimelineView *self)
{
  GtkGesture         *click = gtk_gesture_click_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->focused = -1;
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, (GDestroyNotify) item_clear);
  self->lanes = g_ptr_array_new_with_free_func (g_free);
  g_date_clear (&self->first_day, 1);

  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  /* A click opens a checkpoint at once; the ring is for the keyboard. */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), FALSE);
  g_signal_connect_object (focus, "enter", G_CALLBACK (focus_enter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  update_accessible_label (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ ("Left and Right move between checkpoints, Enter opens "
                                     "one, plus and minus change the scale"),
                                  -1);
}

GtkWidget *
adiuva_timeline_view_new (void)
{
  return g_object_new (ADIUVA_TYPE_TIMELINE_VIEW, NULL);
}

static void
date_from_date_time (GDate     *date,
                     GDateTime *date_time)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (date_time),
                  g_date_time_get_month (date_time), g_date_time_get_year (date_time));
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) date_time = adiuva_date_parse_floating (text, utc, NULL);

  if (date_time == NULL)
    return FALSE;

  date_from_date_time (date, date_time);
  return TRUE;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *item_a = a;
  const Item *item_b = b;

  if (item_a->day != item_b->day)
    return item_a->day < item_b->day ? -1 : 1;
  if (item_a->lane != item_b->lane)
    return item_a->lane < item_b->lane ? -1 : 1;

  if (item_a->checkpoint_id != item_b->checkpoint_id)
    return item_a->checkpoint_id < item_b->checkpoint_id ? -1 : 1;

  return 0;
}

/**
 * adiuva_timeline_view_set_checkpoints:
 * @checkpoints: (element-type AdiuvaCheckpoint): what to draw
 * @projects: (element-type AdiuvaProject): their projects, for the lanes and their order
 * @now: what today is
 *
 * Lays the checkpoints out: a lane per project that has some, the axis from two weeks before
 * today (or the first checkpoint) to some weeks after the last.
 */
void
adiuva_timeline_view_set_checkpoints (AdiuvaTimelineView *self,
                                      GListModel         *checkpoints,
                                      GListModel         *projects,
                                      GDateTime          *now)
{
  g_autoptr (GHashTable) lane_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                          NULL);
  g_autoptr (GArray) days = g_array_new (FALSE, FALSE, sizeof (GDate));
  GDate  today, first, last;
  gint64 focused_id = self->focused >= 0
                          ? g_array_index (self->items, Item, self->focused).checkpoint_id
                          : 0;

  g_return_if_fail (ADIUVA_IS_TIMELINE_VIEW (self));
  g_return_if_fail (G_IS_LIST_MODEL (checkpoints));
  g_return_if_fail (G_IS_LIST_MODEL (projects));
  g_return_if_fail (now != NULL);

  g_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->lanes, 0);

  date_from_date_time (&today, now);
  first = today;
  g_date_subtract_days (&first, DAYS_BEFORE_TODAY);
  last = today;

  for (guint i = 0; i < g_list_model_get_n_items (checkpoints); i++)
    {
      g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (checkpoints, i);
      GDate date;

      if (!parse_day (adiuva_checkpoint_get_date (checkpoint), &date))
        g_date_clear (&date, 1);
      g_array_append_val (days, date);
      if (!g_date_valid (&date))
        continue;
      if (g_date_compare (&date, &first) < 0)
        first = date;
      if (g_date_compare (&date, &last) > 0)
        last = date;
    }
  g_date_add_days (&last, DAYS_AFTER_LAST);
  /* Start on a Monday and the first of a month alike, so both scales have their first tick. */
  g_date_subtract_days (&first, g_date_get_weekday (&first) - G_DATE_MONDAY);

  self->first_day = first;
  self->n_days = g_date_days_between (&first, &last) + 1;
  self->today = g_date_days_between (&first, &today);

  /* Lanes in the projects' own order, only for projects with checkpoints. */
  for (guint p = 0; p < g_list_model_get_n_items (projects); p++)
    {
      g_autoptr (AdiuvaProject) project = g_list_model_get_item (projects, p);
      gint64 project_id = adiuva_record_get_id (ADIUVA_RECORD (project));

      for (guint i = 0; i < g_list_model_get_n_items (checkpoints); i++)
        {
          g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (checkpoints, i);

          if (adiuva_checkpoint_get_project_id (checkpoint) != project_id ||
              !g_date_valid (&g_array_index (days, GDate, i)))
            continue;

          if (!g_hash_table_contains (lane_of, &project_id))
            {
              g_hash_table_insert (lane_of, g_memdup2 (&project_id, sizeof project_id),
                                   GUINT_TO_POINTER (self->lanes->len));
              g_ptr_array_add (self->lanes, g_strdup (adiuva_project_get_name (project)));
            }
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (checkpoints); i++)
    {
      g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (checkpoints, i);
      const GDate *date = &g_array_index (days, GDate, i);
      gint64       project_id = adiuva_checkpoint_get_project_id (checkpoint);
      Item         item = { 0 };

      if (!g_date_valid (date) || !g_hash_table_contains (lane_of, &project_id))
        continue;

      item.checkpoint_id = adiuva_record_get_id (ADIUVA_RECORD (checkpoint));
      item.project_id = project_id;
      item.day = g_date_days_between (&first, date);
      item.date = *date;
      item.lane = GPOINTER_TO_UINT (g_hash_table_lookup (lane_of, &project_id));
      item.done = adiuva_checkpoint_get_done (checkpoint);
      item.overdue = !item.done && g_date_compare (date, &today) < 0;
      item.title = g_strdup (adiuva_checkpoint_get_title (checkpoint));
      g_array_append_val (self->items, item);
    }
  /* In time order, so Left and Right step through time. */
  g_array_sort (self->items, compare_items);

  self->focused = -1;
  for (guint i = 0; i < self->items->len && focused_id != 0; i++)
    if (g_array_index (self->items, Item, i).checkpoint_id == focused_id)
      self->focused = (int) i;
  update_accessible_label (self);

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
adiuva_timeline_view_set_scale (AdiuvaTimelineView *self,
                                AdiuvaTimelineScale scale)
{
  g_return_if_fail (ADIUVA_IS_TIMELINE_VIEW (self));

  self->scale = scale;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Where today is drawn, to scroll there. */
double
adiuva_timeline_view_get_today_x (AdiuvaTimelineView *self)
{
  g_return_val_if_fail (ADIUVA_IS_TIMELINE_VIEW (self), 0);

  return day_x (self, self->today);
}

guint
_adiuva_timeline_view_get_n_items (AdiuvaTimelineView *self)
{
  return self->items->len;
}

guint
_adiuva_timeline_view_get_n_overdue (AdiuvaTimelineView *self)
{
  guint n = 0;

  for (guint i = 0; i < self->items->len; i++)
    n += g_array_index (self->items, Item, i).overdue;

  return n;
}

void
_adiuva_timeline_view_get_item_point (AdiuvaTimelineView *self,
                                      guint               index,
                                      double             *x,
                                      double             *y)
{
  const Item *item = &g_array_index (self->items, Item, index);

  *x = day_x (self, item->day);
  *y = lane_y (item->lane);
}

/* The checkpoint the keyboard is on, or 0. */
gint64
_adiuva_timeline_view_get_focused_checkpoint (AdiuvaTimelineView *self)
{
  return self->focused >= 0 ? g_array_index (self->items, Item, self->focused).checkpoint_id : 0;
}
