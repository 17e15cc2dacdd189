/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-today-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-format.h"
#include "adiuva-record-actions.h"
#include "adiuva-status-page.h"
#include "adiuva-task-row.h"
#include "adiuva-today-page.h"

/* How many rows a section shows; the Tasks page has the rest. */
#define SECTION_ROWS 20
/* Rows the task sections get at first, shared in their order: a window's height of them. The
 * rest come GROW_ROWS a frame once the page is drawn, so its first frame does not wait for
 * rows out of sight (40 rows took as long to build and lay out as the rest of start-up). */
#define FIRST_ROWS 12
#define GROW_ROWS 4
#define N_TASK_SECTIONS 3
/* How far ahead “next checkpoints” looks. */
#define CHECKPOINT_DAYS 14

/* What needs attention today: overdue tasks, tasks due today, the next checkpoints, and what
 * the assistant suggested. Each section hides when it is empty. */
struct _AdiuvaTodayPage
{
  GtkWidget parent_instance;

  AdiuvaStore         *store;
  AdiuvaTaskListModel *overdue;
  AdiuvaTaskListModel *due_today;
  AdiuvaTaskListModel *suggested;
  GListStore          *checkpoints;
  guint                midnight_source;
  GtkSliceListModel   *slices[N_TASK_SECTIONS]; /* borrowed: the lists hold them */
  guint                n_slices;
  guint                first_rows_left;
  guint                grow_tick;
  gboolean             drawn;

  GtkStack   *stack;
  GtkBox     *sections_box;
  GtkWidget  *checkpoints_section;
  GtkListBox *checkpoints_list;
};

G_DEFINE_FINAL_TYPE (AdiuvaTodayPage, adiuva_today_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_midnight (AdiuvaTodayPage *self);

static void
update_empty (AdiuvaTodayPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->overdue)) == 0 &&
                   g_list_model_get_n_items (G_LIST_MODEL (self->due_today)) == 0 &&
                   g_list_model_get_n_items (G_LIST_MODEL (self->suggested)) == 0 &&
                   g_list_model_get_n_items (G_LIST_MODEL (self->checkpoints)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "sections");
}

static GtkWidget *
create_task_row_cb (gpointer item,
                    gpointer user_data)
{
  AdiuvaTodayPage *self = user_data;
  GtkWidget       *row = gtk_list_box_row_new ();
  GtkWidget       *task_row = adiuva_task_row_new (self->store);

  adiuva_task_row_set_task (ADIUVA_TASK_ROW (task_row), item);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), task_row);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Named by the task row's accessible label, which says its state and due date; GTK 4.8
   * would name it by the texts of its labels alone. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  task_row, NULL, -1);

  return row;
}

static void
update_section_cb (GtkWidget  *section,
                   GParamSpec *pspec,
                   GListModel *model)
{
  gtk_widget_set_visible (section, g_list_model_get_n_items (model) > 0);
}

static GtkWidget *
add_section (AdiuvaTodayPage *self,
             const char      *title,
             const char      *caption)
{
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (heading), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (section), heading);

  if (caption != NULL)
    {
      GtkWidget *label = gtk_label_new (caption);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (section), label);
    }

  gtk_box_append (self->sections_box, section);

  return section;
}

static void
add_task_section (AdiuvaTodayPage     *self,
                  AdiuvaTaskListModel *model,
                  const char          *title,
                  const char          *caption)
{
  GtkWidget *section = add_section (self, title, caption);
  GtkWidget *list = gtk_list_box_new ();
  g_autoptr (GtkSliceListModel) slice = NULL;
  guint size = MAX (1, MIN (SECTION_ROWS, self->first_rows_left));

  self->first_rows_left -= MIN (self->first_rows_left,
                                MIN (size, g_list_model_get_n_items (G_LIST_MODEL (model))));
  slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (model)), 0, size);
  g_assert (self->n_slices < N_TASK_SECTIONS);
  self->slices[self->n_slices++] = slice;

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (slice), create_task_row_cb, self,
                           NULL);
  gtk_box_append (GTK_BOX (section), list);

  g_signal_connect_object (model, "notify::n-items", G_CALLBACK (update_section_cb), section,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (model, "notify::n-items", G_CALLBACK (update_empty), self,
                           G_CONNECT_SWAPPED);
  update_section_cb (section, NULL, G_LIST_MODEL (model));
}

static AdiuvaCheckpoint *
button_checkpoint (GtkButton *button)
{
  return g_object_get_data (G_OBJECT (button), "adiuva-checkpoint");
}

static void
approve_checkpoint_cb (GtkButton       *button,
                       AdiuvaTodayPage *self)
{
  g_autoptr (GError) error = NULL;

  if (!adiuva_record_approve (self->store, ADIUVA_RECORD (button_checkpoint (button)), &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static void
dismiss_checkpoint_cb (GtkButton       *button,
                       AdiuvaTodayPage *self)
{
  AdiuvaCheckpoint *checkpoint = button_checkpoint (button);
  g_autoptr (GError) error = NULL;

  if (!adiuva_record_delete_with_undo (GTK_WIDGET (self), self->store, ADIUVA_RECORD (checkpoint),
                                       adiuva_checkpoint_get_title (checkpoint), &error))
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static GtkWidget *
suggestion_button (AdiuvaTodayPage  *self,
                   AdiuvaCheckpoint *checkpoint,
                   const char       *label,
                   const char       *css_class,
                   GCallback         callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  adiuva_accessible_clean_mnemonic_names (button);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, css_class);
  g_object_set_data_full (G_OBJECT (button), "adiuva-checkpoint", g_object_ref (checkpoint),
                          g_object_unref);
  g_signal_connect_object (button, "clicked", callback, self, 0);

  return button;
}

static GtkWidget *
create_checkpoint_row_cb (gpointer item,
                          gpointer user_data)
{
  AdiuvaTodayPage  *self = user_data;
  AdiuvaCheckpoint *checkpoint = item;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (AdiuvaProject) project = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget       *row = adw_action_row_new ();

  when = adiuva_format_floating_due (adiuva_checkpoint_get_date (checkpoint), now);
  project = adiuva_store_get (self->store, ADIUVA_TYPE_PROJECT,
                              adiuva_checkpoint_get_project_id (checkpoint), NULL);
  if (project != NULL && when != NULL)
    /* Translators: when a checkpoint is, then its project: “Friday · Website” */
    subtitle = g_strdup_printf (_ ("%s · %s"), when, adiuva_project_get_name (project));
  else
    subtitle = g_strdup (when != NULL ? when : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 adiuva_checkpoint_get_title (checkpoint));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("emoji-flags-symbolic"));
  if (adiuva_checkpoint_get_is_ai_suggested (checkpoint) &&
      !adiuva_checkpoint_get_is_approved (checkpoint))
    {
      gtk_widget_add_css_class (row, "suggested");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("adiuva-sparkles-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 suggestion_button (self, checkpoint, _ ("_Approve"),
                                                    "suggested-action",
                                                    G_CALLBACK (approve_checkpoint_cb)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 suggestion_button (self, checkpoint, _ ("_Dismiss"), "flat",
                                                    G_CALLBACK (dismiss_checkpoint_cb)));
    }

  return row;
}

static void
reload_checkpoints (AdiuvaTodayPage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *from = adiuva_format_day (now, 0);
  g_autofree char *to = adiuva_format_day (now, CHECKPOINT_DAYS);
  g_autoptr (GListModel) all = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);

  all = adiuva_store_list_checkpoints (self->store, -1, from, to, &error);
  if (all == NULL)
    g_warning ("Could not list the checkpoints: %s", error->message);

  for (guint i = 0; all != NULL && i < g_list_model_get_n_items (all) && open->len < SECTION_ROWS;
       i++)
    {
      g_autoptr (AdiuvaCheckpoint) checkpoint = g_list_model_get_item (all, i);

      if (!adiuva_checkpoint_get_done (checkpoint))
        g_ptr_array_add (open, g_steal_pointer (&checkpoint));
    }

  g_list_store_splice (self->checkpoints, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->checkpoints)), open->pdata,
                       open->len);
  gtk_widget_set_visible (self->checkpoints_section, open->len > 0);
  update_empty (self);
}

/* A model is made with its filter: made without one, it would first count every task. */
static void
set_model_filter (AdiuvaTodayPage      *self,
                  AdiuvaTaskListModel **model,
                  AdiuvaTaskFilter     *filter)
{
  if (*model == NULL)
    *model = adiuva_task_list_model_new (self->store, filter);
  else
    adiuva_task_list_model_set_filter (*model, filter);
}

static void
set_filters (AdiuvaTodayPage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (AdiuvaTaskFilter) overdue = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskFilter) due_today = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskFilter) suggested = adiuva_task_filter_new ();

  /* A section shows SECTION_ROWS: thousands of overdue tasks need not all be read. */
  overdue->limit = due_today->limit = suggested->limit = SECTION_ROWS;
  overdue->open_only = TRUE;
  overdue->parent_id = -1;
  overdue->due_before = adiuva_format_day (now, 0);
  overdue->order = ADIUVA_TASK_ORDER_DUE;

  due_today->open_only = TRUE;
  due_today->parent_id = -1;
  due_today->due_after = adiuva_format_day (now, -1);
  due_today->due_before = adiuva_format_day (now, 1);
  due_today->order = ADIUVA_TASK_ORDER_DUE;

  suggested->open_only = TRUE;
  suggested->parent_id = -1;
  suggested->pending_approval = TRUE;
  suggested->order = ADIUVA_TASK_ORDER_CREATED;

  set_model_filter (self, &self->overdue, overdue);
  set_model_filter (self, &self->due_today, due_today);
  set_model_filter (self, &self->suggested, suggested);
}

/* “Today” changes at midnight: the filters hold dates, so they are made again then. */
static gboolean
midnight_cb (gpointer user_data)
{
  AdiuvaTodayPage *self = user_data;

  self->midnight_source = 0;
  set_filters (self);
  reload_checkpoints (self);
  schedule_midnight (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_midnight (AdiuvaTodayPage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr (GDateTime) midnight = NULL;
  GTimeSpan until;

  midnight = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (tomorrow),
                              g_date_time_get_month (tomorrow),
                              g_date_time_get_day_of_month (tomorrow), 0, 0, 1);
  until = g_date_time_difference (midnight, now);
  self->midnight_source = g_timeout_add_seconds_full (G_PRIORITY_LOW,
                                                      (guint) (until / G_TIME_SPAN_SECOND) + 1,
                                                      midnight_cb, self, NULL);
}

static void
store_changed_cb (AdiuvaTodayPage *self,
                  AdiuvaEntity     entity,
                  gint64           id,
                  AdiuvaChange     change,
                  AdiuvaStore     *store)
{
  if (entity == ADIUVA_ENTITY_CHECKPOINT || entity == ADIUVA_ENTITY_PROJECT)
    reload_checkpoints (self);
}

/* Once a frame, from the frame after the first: the next few rows of the first section that
 * has more to show. */
static gboolean
grow_tick_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  AdiuvaTodayPage *self = ADIUVA_TODAY_PAGE (widget);

  if (!self->drawn)
    {
      self->drawn = TRUE;
      return G_SOURCE_CONTINUE;
    }

  for (guint i = 0; i < self->n_slices; i++)
    {
      guint size = gtk_slice_list_model_get_size (self->slices[i]);

      if (size < SECTION_ROWS)
        {
          gtk_slice_list_model_set_size (self->slices[i], MIN (SECTION_ROWS, size + GROW_ROWS));
          return G_SOURCE_CONTINUE;
        }
    }

  self->grow_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
set_store (AdiuvaTodayPage *self,
           AdiuvaStore     *store)
{
  GtkWidget *list;

  g_return_if_fail (ADIUVA_IS_STORE (store));

  self->store = g_object_ref (store);
  set_filters (self);
  self->first_rows_left = FIRST_ROWS;

  add_task_section (self, self->overdue, _ ("Overdue"), NULL);
  add_task_section (self, self->due_today, _ ("Due Today"), NULL);

  self->checkpoints_section = add_section (self, _ ("Next Checkpoints"), NULL);
  list = gtk_list_box_new ();
  self->checkpoints_list = GTK_LIST_BOX (list);
  gtk_list_box_set_selection_mode (self->checkpoints_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_bind_model (self->checkpoints_list, G_LIST_MODEL (self->checkpoints),
                           create_checkpoint_row_cb, self, NULL);
  gtk_box_append (GTK_BOX (self->checkpoints_section), list);

  add_task_section (self, self->suggested, _ ("Suggested by the Assistant"),
                    _ ("Approve what you want to keep; dismiss the rest."));

  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload_checkpoints (self);
  schedule_midnight (self);
  self->grow_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), grow_tick_cb, NULL, NULL);
}

static void
adiuva_today_page_dispose (GObject *object)
{
  AdiuvaTodayPage *self = ADIUVA_TODAY_PAGE (object);

  g_clear_handle_id (&self->midnight_source, g_source_remove);
  if (self->grow_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_tick);
  self->grow_tick = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_TODAY_PAGE);
  g_clear_object (&self->overdue);
  g_clear_object (&self->due_today);
  g_clear_object (&self->suggested);
  g_clear_object (&self->checkpoints);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_today_page_parent_class)->dispose (object);
}

static void
adiuva_today_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AdiuvaTodayPage *self = ADIUVA_TODAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_today_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AdiuvaTodayPage *self = ADIUVA_TODAY_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_today_page_class_init (AdiuvaTodayPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_today_page_dispose;
  object_class->get_property = adiuva_today_page_get_property;
  object_class->set_property = adiuva_today_page_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTodayPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTodayPage, sections_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_today_page_init (AdiuvaTodayPage *self)
{
  self->checkpoints = g_list_store_new (ADIUVA_TYPE_CHECKPOINT);

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
}
