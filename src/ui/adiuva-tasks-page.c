/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-tasks-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-record-actions.h"
#include "adiuva-status-page.h"
#include "adiuva-task-details.h"
#include "adiuva-task-row.h"
#include "adiuva-tasks-page-private.h"

/* All tasks: quick add on top, then the list, filtered by status and project and sorted. The
 * filters are properties with property actions (`tasks.status`, `tasks.project`,
 * `tasks.order`), so menus, shortcuts and tests all go through the same door. */
struct _AdiuvaTasksPage
{
  GtkWidget parent_instance;

  AdiuvaStore         *store;
  AdiuvaTaskListModel *tasks;
  AdiuvaQuickAddModel *chips;
  GMenu               *project_menu;
  GMenu               *move_menu;
  gboolean             selection_mode;
  gint64               refocus_task_id;

  char *status;
  char *project;
  char *order;

  AdwFlap           *flap;
  AdiuvaTaskDetails *details;
  GtkWidget         *quick_add_clamp;
  GtkEntry          *entry;
  GtkFlowBox        *chips_box;
  GtkLabel          *message_label;
  GtkMenuButton     *status_button;
  GtkMenuButton     *project_button;
  GtkMenuButton     *order_button;
  GtkStack          *list_stack;
  GtkGridView       *list_view; /* one column: see _adiuva_tasks_page_get_list_view() */
  AdiuvaStatusPage  *empty_page;
  GtkActionBar      *selection_bar;
  GtkLabel          *selection_label;
  GtkMenuButton     *move_button;
};

G_DEFINE_FINAL_TYPE (AdiuvaTasksPage, adiuva_tasks_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_STATUS,
  PROP_PROJECT,
  PROP_ORDER,
  PROP_SELECTION_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void set_selection_mode (AdiuvaTasksPage *self,
                                gboolean         selection_mode);

typedef struct
{
  const char     *id;
  const char     *label;
  AdiuvaTaskOrder order;
} OrderChoice;

static const OrderChoice orders[] = {
  { "position", N_ ("Manual Order"), ADIUVA_TASK_ORDER_POSITION },
  { "due", N_ ("By Due Date"), ADIUVA_TASK_ORDER_DUE },
  { "priority", N_ ("By Priority"), ADIUVA_TASK_ORDER_PRIORITY },
  { "created", N_ ("Newest First"), ADIUVA_TASK_ORDER_CREATED },
  { "title", N_ ("By Title"), ADIUVA_TASK_ORDER_TITLE },
};

static const OrderChoice *
find_order (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    if (g_strcmp0 (orders[i].id, id) == 0)
      return &orders[i];

  return &orders[0];
}

/* The project filter as AdiuvaTaskFilter takes it: "all" is -1, "inbox" 0, else the id. */
static gint64
project_id_of (const char *project)
{
  if (g_strcmp0 (project, "inbox") == 0)
    return 0;
  if (project == NULL || g_str_equal (project, "all"))
    return -1;

  return g_ascii_strtoll (project, NULL, 10);
}

static char *
dup_project_label (AdiuvaTasksPage *self)
{
  gint64 id = project_id_of (self->project);
  g_autoptr (AdiuvaProject) project = NULL;

  if (id < 0)
    return g_strdup (_ ("All Projects"));
  if (id == 0)
    return g_strdup (_ ("Inbox"));

  project = adiuva_store_get (self->store, ADIUVA_TYPE_PROJECT, id, NULL);
  if (project == NULL)
    return g_strdup (_ ("All Projects"));

  return g_strdup (adiuva_project_get_name (project));
}

static void
update_empty_page (AdiuvaTasksPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));

  /* Not "Nothing to Do" before the first read says so */
  if (n_items > 0 || adiuva_task_list_model_get_loading (self->tasks))
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  gtk_stack_set_visible_child_name (self->list_stack, "empty");

  if (g_str_equal (self->status, "open"))
    {
      adiuva_status_page_set_title (self->empty_page, _ ("Nothing to Do"));
      adiuva_status_page_set_description (self->empty_page,
                                          _ ("Type a task above and press Enter. Ctrl+N brings you "
                                             "here from anywhere."));
    }
  else if (g_str_equal (self->status, "done"))
    {
      adiuva_status_page_set_title (self->empty_page, _ ("Nothing Done Yet"));
      adiuva_status_page_set_description (self->empty_page,
                                          _ ("Tasks you complete are listed here."));
    }
  else
    {
      adiuva_status_page_set_title (self->empty_page, _ ("No Tasks"));
      adiuva_status_page_set_description (self->empty_page,
                                          _ ("Type a task above and press Enter."));
    }
}

/* A GTK 4.8 menu button is named by its accessible label only, not by the label it shows:
 * the screen reader says the choice (“Open”), its tooltip says what is chosen. */
static void
set_filter_label (GtkMenuButton *button,
                  const char    *label)
{
  gtk_menu_button_set_label (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* The list's filter, from the page's choices */
static AdiuvaTaskFilter *
create_filter (AdiuvaTasksPage *self)
{
  AdiuvaTaskFilter  *filter = adiuva_task_filter_new ();
  const OrderChoice *order = find_order (self->order);

  /* Subtasks are listed in their parent's details; a row says how many are open. */
  filter->parent_id = 0;
  filter->project_id = project_id_of (self->project);
  filter->order = order->order;
  if (g_str_equal (self->status, "open"))
    filter->open_only = TRUE;
  else if (g_str_equal (self->status, "done"))
    filter->status = ADIUVA_TASK_STATUS_DONE;

  return filter;
}

static void
update_filter_labels (AdiuvaTasksPage *self)
{
  g_autofree char *project_label = NULL;

  if (g_str_equal (self->status, "open"))
    set_filter_label (self->status_button, _ ("Open"));
  else if (g_str_equal (self->status, "done"))
    set_filter_label (self->status_button, _ ("Done"));
  else
    set_filter_label (self->status_button, _ ("All"));
  set_filter_label (self->order_button, _ (find_order (self->order)->label));
  if (self->store != NULL)
    {
      project_label = dup_project_label (self);
      set_filter_label (self->project_button, project_label);
    }
}

static void
apply_filter (AdiuvaTasksPage *self)
{
  g_autoptr (AdiuvaTaskFilter) filter = create_filter (self);

  if (self->tasks != NULL)
    adiuva_task_list_model_set_filter (self->tasks, filter);
  update_filter_labels (self);
}

static void
rebuild_project_menu (AdiuvaTasksPage *self)
{
  g_autoptr (GListModel) projects = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMenu) fixed = g_menu_new ();
  g_autoptr (GMenu) named = g_menu_new ();

  g_menu_remove_all (self->project_menu);
  g_menu_remove_all (self->move_menu);
  g_menu_append (self->move_menu, _ ("Inbox"), "tasks.move-selected::0");
  g_menu_append (fixed, _ ("All Projects"), "tasks.project::all");
  g_menu_append (fixed, _ ("Inbox"), "tasks.project::inbox");
  g_menu_append_section (self->project_menu, NULL, G_MENU_MODEL (fixed));

  projects = adiuva_store_list_projects (self->store, -1, FALSE, &error);
  if (projects == NULL)
    {
      g_warning ("Could not list the projects: %s", error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (projects); i++)
    {
      g_autoptr (AdiuvaProject) project = g_list_model_get_item (projects, i);
      g_autoptr (GMenuItem) item = NULL;
      g_autofree char *id = NULL;

      id = g_strdup_printf ("%" G_GINT64_FORMAT, adiuva_record_get_id (ADIUVA_RECORD (project)));
      item = g_menu_item_new (adiuva_project_get_name (project), NULL);
      g_menu_item_set_action_and_target_value (item, "tasks.project", g_variant_new_string (id));
      g_menu_append_item (named, item);
      g_menu_item_set_action_and_target_value (item, "tasks.move-selected",
                                               g_variant_new_string (id));
      g_menu_append_item (self->move_menu, item);
    }
  if (g_list_model_get_n_items (projects) > 0)
    g_menu_append_section (self->project_menu, NULL, G_MENU_MODEL (named));
}

static void
store_changed_cb (AdiuvaTasksPage *self,
                  AdiuvaEntity     entity,
                  gint64           id,
                  AdiuvaChange     change,
                  AdiuvaStore     *store)
{
  if (entity != ADIUVA_ENTITY_PROJECT)
    return;

  rebuild_project_menu (self);
  /* A project just created makes a typed `#name` valid. */
  adiuva_quick_add_model_set_text (self->chips, gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                                   NULL);
  if (change == ADIUVA_CHANGE_REMOVED && project_id_of (self->project) == id)
    {
      g_free (self->project);
      self->project = g_strdup ("all");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
    }
  apply_filter (self);
}

static void
set_message (AdiuvaTasksPage *self,
             const char      *message)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static const char *
first_problem (AdiuvaTasksPage *self)
{
  GListModel *chips = G_LIST_MODEL (self->chips);

  for (guint i = 0; i < g_list_model_get_n_items (chips); i++)
    {
      g_autoptr (AdiuvaQuickAddChip) chip = g_list_model_get_item (chips, i);

      if (adiuva_quick_add_chip_get_problem (chip) != NULL)
        return adiuva_quick_add_chip_get_problem (chip);
    }

  return NULL;
}

static void
entry_changed_cb (AdiuvaTasksPage *self,
                  GtkEditable     *editable)
{
  adiuva_quick_add_model_set_text (self->chips, gtk_editable_get_text (editable), NULL);
  set_message (self, NULL);
}

static void
entry_activate_cb (AdiuvaTasksPage *self,
                   GtkEntry        *entry)
{
  const AdiuvaQuickAdd *parsed = adiuva_quick_add_model_get_parsed (self->chips);
  const char           *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  gint64           project_id = -1;

  if (*stripped == '\0')
    return;

  if (!adiuva_quick_add_model_get_can_add (self->chips))
    {
      set_message (self, first_problem (self) != NULL
                             ? first_problem (self)
                             : _ ("Say what there is to do as well, not only when or where."));
      return;
    }

  /* Without a `#project`, a task typed while one project is shown goes to that project. */
  if (parsed != NULL && parsed->project == NULL && project_id_of (self->project) > 0)
    project_id = project_id_of (self->project);

  task = adiuva_store_task_from_text (self->store, text, NULL, project_id, &error);
  if (task == NULL || !adiuva_store_add (self->store, ADIUVA_RECORD (task), &error))
    {
      set_message (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  /* A new task is open: show it rather than add it out of sight. */
  if (g_str_equal (self->status, "done"))
    gtk_widget_activate_action (GTK_WIDGET (self), "tasks.status", "s", "open");
}

/* Drag and drop: a task dropped on another goes before it. Only the manual order has places
 * to move to; the other orders are computed. */
gboolean
_adiuva_tasks_page_move_task (AdiuvaTasksPage *self,
                              gint64           task_id,
                              gint64           before_id)
{
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;

  if (task_id == before_id || !g_str_equal (self->order, "position"))
    return FALSE;

  task = adiuva_store_get (self->store, ADIUVA_TYPE_TASK, task_id, &error);
  if (task == NULL || !adiuva_store_reorder (self->store, ADIUVA_RECORD (task), before_id, &error))
    {
      set_message (self, error->message);
      return FALSE;
    }

  return TRUE;
}

static GdkContentProvider *
drag_prepare_cb (AdiuvaTasksPage *self,
                 double           x,
                 double           y,
                 GtkDragSource   *source)
{
  AdiuvaTaskRow *row = ADIUVA_TASK_ROW (gtk_event_controller_get_widget (
      GTK_EVENT_CONTROLLER (source)));
  AdiuvaTask    *task = adiuva_task_row_get_task (row);

  if (task == NULL || !g_str_equal (self->order, "position"))
    return NULL;

  return gdk_content_provider_new_typed (G_TYPE_INT64,
                                         adiuva_record_get_id (ADIUVA_RECORD (task)));
}

static gboolean
drop_cb (AdiuvaTasksPage *self,
         const GValue    *value,
         double           x,
         double           y,
         GtkDropTarget   *target)
{
  AdiuvaTaskRow *row = ADIUVA_TASK_ROW (gtk_event_controller_get_widget (
      GTK_EVENT_CONTROLLER (target)));
  AdiuvaTask    *before = adiuva_task_row_get_task (row);

  if (before == NULL || !G_VALUE_HOLDS_INT64 (value))
    return FALSE;

  return _adiuva_tasks_page_move_task (self, g_value_get_int64 (value),
                                       adiuva_record_get_id (ADIUVA_RECORD (before)));
}

/* The task row that has the keyboard: the list item holding it, or a widget inside it. */
static AdiuvaTaskRow *
focused_row (AdiuvaTasksPage *self)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (GtkWidget *widget = focus; widget != NULL && widget != GTK_WIDGET (self->list_view);
       widget = gtk_widget_get_parent (widget))
    {
      if (ADIUVA_IS_TASK_ROW (widget))
        return ADIUVA_TASK_ROW (widget);
      if (ADIUVA_IS_TASK_ROW (gtk_widget_get_first_child (widget)))
        return ADIUVA_TASK_ROW (gtk_widget_get_first_child (widget));
    }

  return NULL;
}

static GtkWidget *
find_row_of_task (GtkWidget *root,
                  gint64     task_id)
{
  AdiuvaTask *task;

  if (ADIUVA_IS_TASK_ROW (root))
    {
      task = adiuva_task_row_get_task (ADIUVA_TASK_ROW (root));
      return task != NULL && adiuva_record_get_id (ADIUVA_RECORD (task)) == task_id ? root : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_of_task (child, task_id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A task moved by keyboard keeps the keyboard: the list reloads once after the move and binds
 * its rows anew, so the focus follows the task to its new row (if it is drawn). */
static void
refocus_moved_task (AdiuvaTasksPage *self)
{
  GtkWidget *row;

  if (self->refocus_task_id == 0)
    return;

  row = find_row_of_task (GTK_WIDGET (self->list_view), self->refocus_task_id);
  self->refocus_task_id = 0;
  if (row != NULL)
    gtk_widget_grab_focus (gtk_widget_get_parent (row));
}

/* Alt+Up and Alt+Down: the keyboard's way to drag the focused task one place up or down,
 * through the same store call as a drop. */
gboolean
_adiuva_tasks_page_move_task_by (AdiuvaTasksPage *self,
                                 gint64           task_id,
                                 int              offset)
{
  GListModel *tasks = G_LIST_MODEL (self->tasks);
  guint       n_items = g_list_model_get_n_items (tasks);
  guint       position = G_MAXUINT;
  gint64      before_id = 0;

  g_assert (offset == -1 || offset == 1);

  for (guint i = 0; i < n_items && position == G_MAXUINT; i++)
    {
      g_autoptr (AdiuvaTask) item = g_list_model_get_item (tasks, i);

      if (adiuva_record_get_id (ADIUVA_RECORD (item)) == task_id)
        position = i;
    }
  if (position == G_MAXUINT || (offset < 0 && position == 0) ||
      (offset > 0 && position + 1 >= n_items))
    return FALSE;

  /* Down by one is before the one after the next; past the last is the end. */
  if (offset < 0 || position + 2 < n_items)
    {
      g_autoptr (AdiuvaTask) before = g_list_model_get_item (tasks,
                                                             offset < 0 ? position - 1
                                                                        : position + 2);

      before_id = adiuva_record_get_id (ADIUVA_RECORD (before));
    }

  if (!_adiuva_tasks_page_move_task (self, task_id, before_id))
    return FALSE;

  self->refocus_task_id = task_id;
  return TRUE;
}

static void
move_focused_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (widget);
  AdiuvaTaskRow   *row = focused_row (self);
  AdiuvaTask      *task = row != NULL ? adiuva_task_row_get_task (row) : NULL;

  if (task == NULL)
    return;

  if (!g_str_equal (self->order, "position"))
    {
      set_message (self, _ ("Tasks keep the order they are sorted by. Choose Manual Order to "
                            "move them."));
      return;
    }

  _adiuva_tasks_page_move_task_by (self, adiuva_record_get_id (ADIUVA_RECORD (task)),
                                   g_str_equal (action_name, "tasks.move-up") ? -1 : 1);
}

static void
setup_row_cb (AdiuvaTasksPage          *self,
              GtkListItem              *item,
              GtkSignalListItemFactory *factory)
{
  GtkWidget     *row = adiuva_task_row_new (self->store);
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INT64, GDK_ACTION_MOVE);

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_object (source, "prepare", G_CALLBACK (drag_prepare_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));

  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (AdiuvaTasksPage          *self,
             GtkListItem              *item,
             GtkSignalListItemFactory *factory)
{
  adiuva_task_row_set_task (ADIUVA_TASK_ROW (gtk_list_item_get_child (item)),
                            gtk_list_item_get_item (item));
}

static void
unbind_row_cb (AdiuvaTasksPage          *self,
               GtkListItem              *item,
               GtkSignalListItemFactory *factory)
{
  adiuva_task_row_set_task (ADIUVA_TASK_ROW (gtk_list_item_get_child (item)), NULL);
}

static GtkWidget *
create_chip_cb (gpointer item,
                gpointer user_data)
{
  AdiuvaQuickAddChip *chip = item;
  GtkWidget          *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget          *label = gtk_label_new (adiuva_quick_add_chip_get_label (chip));
  const char         *icon_name = adiuva_quick_add_chip_get_icon_name (chip);

  gtk_widget_add_css_class (box, "chip");
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  if (adiuva_quick_add_chip_get_problem (chip) != NULL)
    {
      gtk_widget_add_css_class (box, "problem");
      gtk_widget_set_tooltip_text (box, adiuva_quick_add_chip_get_problem (chip));
    }
  if (icon_name != NULL)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_box_append (GTK_BOX (box), label);

  return box;
}

static void
set_store (AdiuvaTasksPage *self,
           AdiuvaStore     *store)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkNoSelection) selection = NULL;
  g_autoptr (AdiuvaTaskFilter) filter = NULL;

  g_assert (self->store == NULL);
  g_return_if_fail (ADIUVA_IS_STORE (store));

  self->store = g_object_ref (store);
  self->chips = adiuva_quick_add_model_new (store);
  /* Made with its filter, not filtered after: each reads the ids of every task it lists, on
   * a worker thread (72,000 take about 40 ms). */
  filter = create_filter (self);
  self->tasks = adiuva_task_list_model_new_in_background (store, filter);
  update_filter_labels (self);

  g_signal_connect_object (self->tasks, "notify::n-items", G_CALLBACK (update_empty_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tasks, "notify::loading", G_CALLBACK (update_empty_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  rebuild_project_menu (self);
  update_empty_page (self);

  gtk_flow_box_bind_model (self->chips_box, G_LIST_MODEL (self->chips), create_chip_cb, NULL,
                           NULL);

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self,
                           G_CONNECT_SWAPPED);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->tasks)));
  gtk_grid_view_set_factory (self->list_view, factory);
  gtk_grid_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (selection, "items-changed", G_CALLBACK (refocus_moved_task), self,
                           G_CONNECT_SWAPPED);
  rebuild_project_menu (self);
}

static void
set_choice (AdiuvaTasksPage *self,
            char           **field,
            const char      *value,
            guint            prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  apply_filter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
adiuva_tasks_page_dispose (GObject *object)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_TASKS_PAGE);
  g_clear_object (&self->tasks);
  g_clear_object (&self->chips);
  g_clear_object (&self->project_menu);
  g_clear_object (&self->move_menu);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_tasks_page_parent_class)->dispose (object);
}

static void
adiuva_tasks_page_finalize (GObject *object)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (object);

  g_free (self->status);
  g_free (self->project);
  g_free (self->order);

  G_OBJECT_CLASS (adiuva_tasks_page_parent_class)->finalize (object);
}

static void
adiuva_tasks_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_PROJECT:
      g_value_set_string (value, self->project);
      break;
    case PROP_ORDER:
      g_value_set_string (value, self->order);
      break;
    case PROP_SELECTION_MODE:
      g_value_set_boolean (value, self->selection_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_tasks_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_STATUS:
      set_choice (self, &self->status, g_value_get_string (value), prop_id);
      break;
    case PROP_PROJECT:
      set_choice (self, &self->project, g_value_get_string (value), prop_id);
      break;
    case PROP_ORDER:
      set_choice (self, &self->order, find_order (g_value_get_string (value))->id, prop_id);
      break;
    case PROP_SELECTION_MODE:
      set_selection_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Selection */

static GListModel *
list_selection (AdiuvaTasksPage *self)
{
  return G_LIST_MODEL (gtk_grid_view_get_model (self->list_view));
}

/* The selected tasks as saved now (the list's copies may be a page behind). */
static GPtrArray *
dup_selected_tasks (AdiuvaTasksPage *self)
{
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint         position;

  if (!self->selection_mode)
    return tasks;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (list_selection (self)));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr (AdiuvaTask) item = g_list_model_get_item (G_LIST_MODEL (self->tasks), position);
      AdiuvaTask *task = NULL;

      if (item != NULL)
        task = adiuva_store_get (self->store, ADIUVA_TYPE_TASK,
                                 adiuva_record_get_id (ADIUVA_RECORD (item)), NULL);
      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }

  return tasks;
}

static void
update_selection (AdiuvaTasksPage *self)
{
  g_autoptr (GtkBitset) selected = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  guint64          n = 0;

  if (self->selection_mode)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (list_selection (self)));
      n = gtk_bitset_get_size (selected);
    }

  count = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  /* Translators: %s is a number of tasks */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s selected", "%s selected", n), count);
  gtk_label_set_label (self->selection_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.complete-selected", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.move-selected", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.delete-selected", n > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->move_button), n > 0);
}

/* Selecting swaps the list's selection model: a click then selects instead of opening. */
static void
set_selection_mode (AdiuvaTasksPage *self,
                    gboolean         selection_mode)
{
  g_autoptr (GtkSelectionModel) model = NULL;

  if (self->selection_mode == selection_mode)
    return;

  self->selection_mode = selection_mode;
  if (self->tasks != NULL)
    {
      if (selection_mode)
        model = GTK_SELECTION_MODEL (
            gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->tasks))));
      else
        model = GTK_SELECTION_MODEL (
            gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->tasks))));
      g_signal_connect_object (model, "selection-changed", G_CALLBACK (update_selection), self,
                               G_CONNECT_SWAPPED);
      /* A reload replaces the items, and with them the selection. */
      g_signal_connect_object (model, "items-changed", G_CALLBACK (update_selection), self,
                               G_CONNECT_SWAPPED);
      gtk_grid_view_set_model (self->list_view, model);
      /* After the list view's own handler, which binds the rows to the new items. */
      g_signal_connect_object (model, "items-changed", G_CALLBACK (refocus_moved_task), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_grid_view_set_single_click_activate (self->list_view, !selection_mode);
  gtk_action_bar_set_revealed (self->selection_bar, selection_mode);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.leave-selection", selection_mode);
  update_selection (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_MODE]);
}

static void
leave_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  set_selection_mode (ADIUVA_TASKS_PAGE (widget), FALSE);
}

static void
complete_selected_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (widget);
  g_autoptr (GPtrArray) tasks = dup_selected_tasks (self);
  g_autoptr (GError) error = NULL;

  if (tasks->len > 0 && !adiuva_tasks_complete_with_undo (widget, self->store, tasks, &error))
    set_message (self, error->message);
}

static void
move_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (widget);
  g_autoptr (GPtrArray) tasks = dup_selected_tasks (self);
  g_autoptr (GError) error = NULL;
  gint64 project_id = g_ascii_strtoll (g_variant_get_string (parameter, NULL), NULL, 10);

  if (tasks->len > 0 &&
      !adiuva_tasks_move_with_undo (widget, self->store, tasks, project_id, &error))
    set_message (self, error->message);
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (widget);
  g_autoptr (GPtrArray) tasks = dup_selected_tasks (self);
  g_autoptr (GError) error = NULL;

  if (tasks->len > 0 &&
      !adiuva_records_delete_with_undo (widget, self->store, tasks,
                                        adiuva_task_get_title (g_ptr_array_index (tasks, 0)),
                                        &error))
    set_message (self, error->message);
}

/* Details */

static void
row_activated_cb (AdiuvaTasksPage *self,
                  guint            position,
                  GtkGridView     *list_view)
{
  g_autoptr (AdiuvaTask) item = g_list_model_get_item (G_LIST_MODEL (self->tasks), position);

  if (item != NULL)
    adiuva_tasks_page_show_task (self, adiuva_record_get_id (ADIUVA_RECORD (item)));
}

/* Escape and the close button only mean something while the pane is open; otherwise Escape
 * goes on to the window. */
static void
reveal_changed_cb (AdiuvaTasksPage *self)
{
  gboolean revealed = adw_flap_get_reveal_flap (self->flap);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.close-details", revealed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.delete-task", revealed);
  if (!revealed)
    adiuva_task_details_save_notes (self->details);
}

static void
close_details_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (widget);

  adw_flap_set_reveal_flap (self->flap, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
delete_task_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaTasksPage *self = ADIUVA_TASKS_PAGE (widget);
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;

  if (adiuva_task_details_get_task (self->details) == NULL)
    return;

  task = g_object_ref (adiuva_task_details_get_task (self->details));
  if (!adiuva_record_delete_with_undo (GTK_WIDGET (self), self->store, ADIUVA_RECORD (task),
                                       adiuva_task_get_title (task), &error))
    {
      set_message (self, error->message);
      return;
    }

  adiuva_task_details_set_task (self->details, self->store, NULL);
  adw_flap_set_reveal_flap (self->flap, FALSE);
}

static void
focus_quick_add_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  adiuva_tasks_page_focus_quick_add (ADIUVA_TASKS_PAGE (widget));
}

static void
adiuva_tasks_page_class_init (AdiuvaTasksPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_tasks_page_dispose;
  object_class->finalize = adiuva_tasks_page_finalize;
  object_class->get_property = adiuva_tasks_page_get_property;
  object_class->set_property = adiuva_tasks_page_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaTasksPage:status:
   *
   * Which tasks are listed: `open`, `done` or `all`.
   */
  properties[PROP_STATUS] =
      g_param_spec_string ("status", NULL, NULL, "open",
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaTasksPage:project:
   *
   * `all`, `inbox` (tasks without a project), or the id of a project.
   */
  properties[PROP_PROJECT] =
      g_param_spec_string ("project", NULL, NULL, "all",
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaTasksPage:order:
   *
   * `position`, `due`, `priority`, `created` or `title`.
   */
  properties[PROP_ORDER] =
      g_param_spec_string ("order", NULL, NULL, "position",
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaTasksPage:selection-mode:
   *
   * Whether clicks select tasks, for bulk actions, instead of opening them.
   */
  properties[PROP_SELECTION_MODE] =
      g_param_spec_boolean ("selection-mode", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-tasks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, flap);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, details);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, quick_add_clamp);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, entry);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, chips_box);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, status_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, project_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, order_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, selection_bar);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaTasksPage, move_button);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_changed_cb);

  gtk_widget_class_install_property_action (widget_class, "tasks.status", "status");
  gtk_widget_class_install_property_action (widget_class, "tasks.project", "project");
  gtk_widget_class_install_property_action (widget_class, "tasks.order", "order");
  gtk_widget_class_install_action (widget_class, "tasks.focus-quick-add", NULL,
                                   focus_quick_add_action);
  gtk_widget_class_install_action (widget_class, "tasks.close-details", NULL,
                                   close_details_action);
  gtk_widget_class_install_action (widget_class, "tasks.delete-task", NULL, delete_task_action);
  gtk_widget_class_install_property_action (widget_class, "tasks.selection-mode",
                                            "selection-mode");
  gtk_widget_class_install_action (widget_class, "tasks.leave-selection", NULL,
                                   leave_selection_action);
  gtk_widget_class_install_action (widget_class, "tasks.complete-selected", NULL,
                                   complete_selected_action);
  gtk_widget_class_install_action (widget_class, "tasks.move-selected", "s",
                                   move_selected_action);
  gtk_widget_class_install_action (widget_class, "tasks.delete-selected", NULL,
                                   delete_selected_action);
  gtk_widget_class_install_action (widget_class, "tasks.move-up", NULL, move_focused_action);
  gtk_widget_class_install_action (widget_class, "tasks.move-down", NULL, move_focused_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "tasks.move-up",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK,
                                       "tasks.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "tasks.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK,
                                       "tasks.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "tasks.leave-selection",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "tasks.selection-mode",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "tasks.close-details",
                                       NULL);
  /* Each only while it means something: with tasks selected, or with a task open. Text
   * fields keep their own Delete. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "tasks.complete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "tasks.delete-selected",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK,
                                       "tasks.delete-task", NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "tasks.focus-quick-add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "tasks.status", "s", "open");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "tasks.status", "s", "done");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "tasks.status", "s", "all");

  g_type_ensure (ADIUVA_TYPE_TASK_DETAILS);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_tasks_page_init (AdiuvaTasksPage *self)
{
  self->status = g_strdup ("open");
  self->project = g_strdup ("all");
  self->order = g_strdup ("position");
  self->project_menu = g_menu_new ();
  self->move_menu = g_menu_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
  gtk_menu_button_set_menu_model (self->project_button, G_MENU_MODEL (self->project_menu));
  gtk_menu_button_set_menu_model (self->move_button, G_MENU_MODEL (self->move_menu));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.leave-selection", FALSE);
  update_selection (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.close-details", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tasks.delete-task", FALSE);
}

/**
 * adiuva_tasks_page_show_task:
 * @task_id: a task
 *
 * Opens the task's details beside the list. The pane edits the saved task, not the list's
 * copy, which may be a page behind the last change.
 */
void
adiuva_tasks_page_show_task (AdiuvaTasksPage *self,
                             gint64           task_id)
{
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (ADIUVA_IS_TASKS_PAGE (self));

  task = adiuva_store_get (self->store, ADIUVA_TYPE_TASK, task_id, &error);
  if (task == NULL)
    {
      set_message (self, error->message);
      return;
    }

  adiuva_task_details_set_task (self->details, self->store, task);
  adw_flap_set_reveal_flap (self->flap, TRUE);
}

/* Ctrl+N lands here: the entry takes the keyboard, ready for a new task. */
void
adiuva_tasks_page_focus_quick_add (AdiuvaTasksPage *self)
{
  g_return_if_fail (ADIUVA_IS_TASKS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

GtkEditable *
_adiuva_tasks_page_get_entry (AdiuvaTasksPage *self)
{
  return GTK_EDITABLE (self->entry);
}

/* The list of tasks is a GtkGridView of one column: a GtkListView (GTK 4.8) keeps 200 rows
 * bound, measured and drawn whatever its height, a grid view 30 rows of columns. With 200 rows
 * a dragged scrollbar rebinds them all each frame, and they held some 30 MB. */
GtkGridView *
_adiuva_tasks_page_get_list_view (AdiuvaTasksPage *self)
{
  return self->list_view;
}

GListModel *
_adiuva_tasks_page_get_tasks (AdiuvaTasksPage *self)
{
  return G_LIST_MODEL (self->tasks);
}

GtkSelectionModel *
_adiuva_tasks_page_get_selection (AdiuvaTasksPage *self)
{
  return gtk_grid_view_get_model (self->list_view);
}

AdiuvaTaskDetails *
_adiuva_tasks_page_get_details (AdiuvaTasksPage *self)
{
  return adw_flap_get_reveal_flap (self->flap) ? self->details : NULL;
}

AdiuvaQuickAddModel *
_adiuva_tasks_page_get_chips (AdiuvaTasksPage *self)
{
  return self->chips;
}

const char *
_adiuva_tasks_page_get_message (AdiuvaTasksPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
             ? gtk_label_get_label (self->message_label)
             : NULL;
}
