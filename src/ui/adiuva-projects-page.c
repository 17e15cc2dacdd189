/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-projects-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-client-dialog.h"
#include "adiuva-colour-dot.h"
#include "adiuva-format.h"
#include "adiuva-project-dialog.h"
#include "adiuva-project-page-private.h"
#include "adiuva-projects-page-private.h"
#include "adiuva-record-actions.h"

/* Rows made in the first frame of a new list: about a window's height. The rest come GROW_ROWS
 * a frame after, so that the page's first frame does not wait for rows out of sight. */
#define FIRST_ROWS 5
#define GROW_ROWS 4

/* Clients and their projects, one group per client (and one for projects without a client),
 * each project with its colour and its count of open tasks; choosing one opens its page
 * (AdiuvaProjectPage), pushed in a leaflet that never unfolds, with `projects.back` (Escape,
 * Alt+Left) to come back. On top, what it takes to make new ones, so quick add's `#project`
 * has somewhere to go (a line to type a name in, or a dialog with every field), and whether
 * archived projects show. Each client's group edits or deletes the client. */
struct _AdiuvaProjectsPage
{
  GtkWidget parent_instance;

  AdiuvaStore  *store;
  GArray       *client_ids;
  GPtrArray    *groups;
  GHashTable   *rows;        /* project id → its row in the list, for focus on the way back */
  GPtrArray    *pending;     /* PendingRow: rows to make in the frames to come */
  GHashTable   *open_counts; /* project id → open tasks; %NULL until first counted */
  GCancellable *counting;
  guint         rebuild_source;
  guint         count_source;
  guint         grow_tick;
  gboolean      show_archived;

  AdwLeaflet         *leaflet;
  AdwPreferencesPage *preferences_page;
  GtkEditable        *project_row;
  AdwComboRow        *client_row;
  GtkEditable        *client_entry_row;
  GtkWidget          *message_group;
  GtkLabel           *message_label;
  AdiuvaProjectPage  *project_page; /* made when a project first opens */
};

G_DEFINE_FINAL_TYPE (AdiuvaProjectsPage, adiuva_projects_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SHOW_ARCHIVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_message (AdiuvaProjectsPage *self,
             const char         *message)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->message_group, message != NULL);
}

typedef struct
{
  AdwPreferencesGroup *group;
  AdiuvaProject       *project;
} PendingRow;

static void
pending_row_free (PendingRow *pending)
{
  g_object_unref (pending->group);
  g_object_unref (pending->project);
  g_free (pending);
}

/* The count of open tasks, then what is worth saying of the status. */
static void
update_subtitle (AdiuvaProjectsPage *self,
                 GtkWidget          *row)
{
  AdiuvaProject      *project = g_object_get_data (G_OBJECT (row), "project");
  gint64              id = adiuva_record_get_id (ADIUVA_RECORD (project));
  AdiuvaProjectStatus status = adiuva_project_get_status (project);
  g_autoptr (GString) subtitle = g_string_new (NULL);

  if (self->open_counts != NULL)
    {
      guint            n_open = GPOINTER_TO_UINT (g_hash_table_lookup (self->open_counts, &id));
      g_autofree char *count = g_strdup_printf ("%u", n_open);

      /* Translators: %s is a number of tasks */
      g_string_printf (subtitle,
                       g_dngettext (GETTEXT_PACKAGE, "%s open task", "%s open tasks", n_open),
                       count);
    }
  else
    {
      /* Counted on a worker thread: the count of 100,000 tasks held the page's first frame. */
      g_string_assign (subtitle, _ ("Counting open tasks…"));
    }
  /* Active is what projects are; only the others are worth saying. */
  if (status != ADIUVA_PROJECT_STATUS_ACTIVE)
    /* Translators: the separator between a project's count of tasks, status and “Archived” */
    g_string_append_printf (subtitle, "%s%s", _ (" · "), adiuva_format_project_status (status));
  if (adiuva_project_get_archived (project))
    g_string_append_printf (subtitle, "%s%s", _ (" · "), _ ("Archived"));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
}

static GtkWidget *
create_project_row (AdiuvaProjectsPage *self,
                    AdiuvaProject      *project)
{
  GtkWidget *row = adw_action_row_new ();
  gint64     id = adiuva_record_get_id (ADIUVA_RECORD (project));

  g_object_set_data_full (G_OBJECT (row), "project", g_object_ref (project), g_object_unref);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), adiuva_project_get_name (project));
  /* One line each, ellipsized: a label that may wrap is laid out again for every width its row
   * is measured at, which made each row cost milliseconds. */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  update_subtitle (self, row);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             adiuva_colour_dot_new (adiuva_project_get_colour (project)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "projects.open-project");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", id);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (adiuva_project_get_archived (project))
    gtk_widget_add_css_class (row, "archived");
  g_hash_table_insert (self->rows, g_memdup2 (&id, sizeof id), row);

  return row;
}

/* Makes up to @n_rows of the rows still to make, in order; %FALSE when none are left. */
static gboolean
add_pending_rows (AdiuvaProjectsPage *self,
                  guint               n_rows)
{
  guint n = MIN (n_rows, self->pending->len);

  for (guint i = 0; i < n; i++)
    {
      PendingRow *pending = g_ptr_array_index (self->pending, i);

      adw_preferences_group_add (pending->group, create_project_row (self, pending->project));
    }
  g_ptr_array_remove_range (self->pending, 0, n);

  return self->pending->len > 0;
}

static gboolean
grow_tick_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (widget);

  if (add_pending_rows (self, GROW_ROWS))
    return G_SOURCE_CONTINUE;

  self->grow_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
stop_growing (AdiuvaProjectsPage *self)
{
  if (self->grow_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_tick);
  self->grow_tick = 0;
}

/* Edit and Delete, in the header of a client's group. */
static GtkWidget *
create_client_buttons (AdiuvaClient *client)
{
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gint64           id = adiuva_record_get_id (ADIUVA_RECORD (client));
  g_autofree char *edit_label = NULL;
  g_autofree char *delete_label = NULL;
  GtkWidget       *edit;
  GtkWidget *delete;

  /* Translators: a button's tooltip and name; %s is a client's name */
  edit_label = g_strdup_printf (_ ("Edit %s"), adiuva_client_get_name (client));
  /* Translators: a button's tooltip and name; %s is a client's name */
  delete_label = g_strdup_printf (_ ("Delete %s (its projects stay)"),
                                  adiuva_client_get_name (client));
  edit = adiuva_accessible_icon_button ("document-edit-symbolic", edit_label);
  delete = adiuva_accessible_icon_button ("user-trash-symbolic", delete_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "projects.edit-client");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "x", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "projects.delete-client");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (delete), "x", id);
  gtk_box_append (GTK_BOX (box), edit);
  gtk_box_append (GTK_BOX (box), delete);

  return box;
}

/* A group per client, even one without projects yet: it is where the client is edited. */
static void
add_group (AdiuvaProjectsPage *self,
           const char         *title,
           AdiuvaClient       *client,
           GListModel         *projects)
{
  AdwPreferencesGroup *group;

  if (g_list_model_get_n_items (projects) == 0 && client == NULL)
    return;

  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, title);
  if (client != NULL)
    adw_preferences_group_set_header_suffix (group, create_client_buttons (client));
  for (guint i = 0; i < g_list_model_get_n_items (projects); i++)
    {
      PendingRow *pending = g_new0 (PendingRow, 1);

      pending->group = g_object_ref (group);
      pending->project = g_list_model_get_item (projects, i);
      g_ptr_array_add (self->pending, pending);
    }

  adw_preferences_page_add (self->preferences_page, group);
  g_ptr_array_add (self->groups, group);
}

static void
rebuild (AdiuvaProjectsPage *self)
{
  g_autoptr (GListModel) clients = NULL;
  g_autoptr (GListModel) unfiled = NULL;
  g_autoptr (GtkStringList) client_names = gtk_string_list_new (NULL);
  g_autoptr (GError) error = NULL;
  gint64 none = 0;
  guint  selected = adw_combo_row_get_selected (self->client_row);
  gint64 selected_id = selected < self->client_ids->len
                           ? g_array_index (self->client_ids, gint64, selected)
                           : 0;

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->preferences_page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->rows);
  stop_growing (self);
  g_ptr_array_set_size (self->pending, 0);
  g_array_set_size (self->client_ids, 0);

  gtk_string_list_append (client_names, _ ("No client"));
  g_array_append_val (self->client_ids, none);

  clients = adiuva_store_list_clients (self->store, &error);
  if (clients == NULL)
    {
      set_message (self, error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (clients); i++)
    {
      g_autoptr (AdiuvaClient) client = g_list_model_get_item (clients, i);
      g_autoptr (GListModel) projects = NULL;
      gint64 id = adiuva_record_get_id (ADIUVA_RECORD (client));

      gtk_string_list_append (client_names, adiuva_client_get_name (client));
      g_array_append_val (self->client_ids, id);

      projects = adiuva_store_list_projects (self->store, id, self->show_archived, NULL);
      if (projects != NULL)
        add_group (self, adiuva_client_get_name (client), client, projects);
    }

  unfiled = adiuva_store_list_projects (self->store, 0, self->show_archived, NULL);
  if (unfiled != NULL)
    add_group (self, _ ("Without a Client"), NULL, unfiled);
  if (add_pending_rows (self, FIRST_ROWS))
    self->grow_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), grow_tick_cb, NULL, NULL);

  /* Rebuilding keeps the client chosen for the next project. */
  adw_combo_row_set_model (self->client_row, G_LIST_MODEL (client_names));
  for (guint i = 0; i < self->client_ids->len; i++)
    if (g_array_index (self->client_ids, gint64, i) == selected_id)
      adw_combo_row_set_selected (self->client_row, i);
}

/* On a worker thread */
static gpointer
read_open_counts (AdiuvaStore  *connection,
                  gpointer      data,
                  GCancellable *cancellable,
                  GError      **error)
{
  g_autoptr (AdiuvaTaskFilter) open_filter = adiuva_task_filter_new ();

  /* One query for every project's count, not one per row */
  open_filter->open_only = TRUE;
  return adiuva_store_count_tasks_by_project (connection, open_filter, error);
}

static void
open_counts_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AdiuvaProjectsPage *self;
  GHashTable         *open_counts;
  GHashTableIter      iter;
  gpointer            row;
  g_autoptr (GError) error = NULL;

  open_counts = adiuva_store_read_finish (ADIUVA_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  g_clear_object (&self->counting);
  if (open_counts == NULL)
    {
      set_message (self, error->message);
      return;
    }

  g_clear_pointer (&self->open_counts, g_hash_table_unref);
  self->open_counts = open_counts;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    update_subtitle (self, row);
}

/* A newer count replaces one still going. */
static void
count_open_tasks (AdiuvaProjectsPage *self)
{
  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  self->counting = g_cancellable_new ();
  adiuva_store_read_async (self->store, read_open_counts, NULL, NULL,
                           (GDestroyNotify) g_hash_table_unref, self->counting,
                           open_counts_read_cb, self);
}

static gboolean
count_idle_cb (gpointer user_data)
{
  AdiuvaProjectsPage *self = user_data;

  self->count_source = 0;
  count_open_tasks (self);

  return G_SOURCE_REMOVE;
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  AdiuvaProjectsPage *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);

  return G_SOURCE_REMOVE;
}

/* Counts follow tasks, which leave the rows as they are; a burst of changes rebuilds or counts
 * once. */
static void
store_changed_cb (AdiuvaProjectsPage *self,
                  AdiuvaEntity        entity,
                  gint64              id,
                  AdiuvaChange        change,
                  AdiuvaStore        *store)
{
  if ((entity == ADIUVA_ENTITY_CLIENT || entity == ADIUVA_ENTITY_PROJECT) &&
      self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_DEFAULT, rebuild_idle_cb, self, NULL);
  if ((entity == ADIUVA_ENTITY_PROJECT || entity == ADIUVA_ENTITY_TASK) && self->count_source == 0)
    self->count_source = g_idle_add_full (G_PRIORITY_DEFAULT, count_idle_cb, self, NULL);
}

static gboolean
add_record (AdiuvaProjectsPage *self,
            AdiuvaRecord       *record)
{
  g_autoptr (GError) error = NULL;

  if (!adiuva_store_add (self->store, record, &error))
    {
      set_message (self, error->message);
      return FALSE;
    }

  set_message (self, NULL);
  return TRUE;
}

void
_adiuva_projects_page_add_project (AdiuvaProjectsPage *self,
                                   const char         *name,
                                   guint               client_index)
{
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autofree char *stripped = g_strstrip (g_strdup (name));

  if (*stripped == '\0')
    return;

  adiuva_project_set_name (project, stripped);
  if (client_index < self->client_ids->len)
    adiuva_project_set_client_id (project, g_array_index (self->client_ids, gint64, client_index));
  if (add_record (self, ADIUVA_RECORD (project)))
    gtk_editable_set_text (self->project_row, "");
}

void
_adiuva_projects_page_add_client (AdiuvaProjectsPage *self,
                                  const char         *name)
{
  g_autoptr (AdiuvaClient) client = adiuva_client_new ();
  g_autofree char *stripped = g_strstrip (g_strdup (name));

  if (*stripped == '\0')
    return;

  adiuva_client_set_name (client, stripped);
  if (add_record (self, ADIUVA_RECORD (client)))
    gtk_editable_set_text (self->client_entry_row, "");
}

static void
add_project_cb (AdiuvaProjectsPage *self)
{
  _adiuva_projects_page_add_project (self, gtk_editable_get_text (self->project_row),
                                     adw_combo_row_get_selected (self->client_row));
}

static void
add_client_cb (AdiuvaProjectsPage *self)
{
  _adiuva_projects_page_add_client (self, gtk_editable_get_text (self->client_entry_row));
}

/* Dialogs */

static GtkWindow *
get_window (AdiuvaProjectsPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
project_saved_cb (AdiuvaProjectsPage *self,
                  AdiuvaRecord       *project)
{
  adiuva_projects_page_open_project (self, adiuva_record_get_id (project));
}

static void
new_project_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (widget);
  GtkWidget          *dialog = adiuva_project_dialog_new (get_window (self), self->store, NULL);

  /* A new project opens its page, to plan it. */
  g_signal_connect_object (dialog, "saved", G_CALLBACK (project_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_client_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (widget);

  gtk_window_present (GTK_WINDOW (adiuva_client_dialog_new (get_window (self), self->store, NULL)));
}

static AdiuvaClient *
get_client (AdiuvaProjectsPage *self,
            GVariant           *parameter)
{
  g_autoptr (GError) error = NULL;
  AdiuvaClient *client = adiuva_store_get (self->store, ADIUVA_TYPE_CLIENT,
                                           g_variant_get_int64 (parameter), &error);

  if (client == NULL)
    adiuva_toast_show_error (GTK_WIDGET (self), error);

  return client;
}

static void
edit_client_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (widget);
  g_autoptr (AdiuvaClient) client = get_client (self, parameter);

  if (client != NULL)
    gtk_window_present (
        GTK_WINDOW (adiuva_client_dialog_new (get_window (self), self->store, client)));
}

static void
delete_client_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (widget);
  g_autoptr (AdiuvaClient) client = get_client (self, parameter);
  g_autoptr (GError) error = NULL;

  if (client != NULL &&
      !adiuva_record_delete_with_undo (widget, self->store, ADIUVA_RECORD (client),
                                       adiuva_client_get_name (client), &error))
    adiuva_toast_show_error (widget, error);
}

/* Navigation */

static void
open_project_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  adiuva_projects_page_open_project (ADIUVA_PROJECTS_PAGE (widget),
                                     g_variant_get_int64 (parameter));
}

/* Back to the list, with the keyboard on the project that was open. */
static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (widget);
  gint64              id = adiuva_project_page_get_project_id (self->project_page);
  GtkWidget          *row;

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->preferences_page));
  add_pending_rows (self, G_MAXUINT);
  row = g_hash_table_lookup (self->rows, &id);
  if (row != NULL)
    gtk_widget_grab_focus (row);
}

/* Back means something only on a project's page; elsewhere Escape goes on to the window. */
static void
visible_child_cb (AdiuvaProjectsPage *self)
{
  gboolean on_project = adw_leaflet_get_visible_child (self->leaflet) ==
                        GTK_WIDGET (self->project_page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "projects.back", on_project);
}

static void
adiuva_projects_page_dispose (GObject *object)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->count_source, g_source_remove);
  stop_growing (self);
  if (self->counting != NULL)
    g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PROJECTS_PAGE);
  self->project_page = NULL;
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->open_counts, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->client_ids, g_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_projects_page_parent_class)->dispose (object);
}

static void
adiuva_projects_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SHOW_ARCHIVED:
      g_value_set_boolean (value, self->show_archived);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_projects_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      rebuild (self);
      count_open_tasks (self);
      break;
    case PROP_SHOW_ARCHIVED:
      if (self->show_archived != g_value_get_boolean (value))
        {
          self->show_archived = g_value_get_boolean (value);
          rebuild (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_projects_page_class_init (AdiuvaProjectsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_projects_page_dispose;
  object_class->get_property = adiuva_projects_page_get_property;
  object_class->set_property = adiuva_projects_page_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaProjectsPage:show-archived:
   *
   * Whether archived projects are listed (with their other ones).
   */
  properties[PROP_SHOW_ARCHIVED] =
      g_param_spec_boolean ("show-archived", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_PROJECT_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-projects-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, project_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, client_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, client_entry_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, message_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, add_project_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_client_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_child_cb);

  gtk_widget_class_install_action (widget_class, "projects.open-project", "x",
                                   open_project_action);
  gtk_widget_class_install_action (widget_class, "projects.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "projects.new-project", NULL,
                                   new_project_action);
  gtk_widget_class_install_action (widget_class, "projects.new-client", NULL, new_client_action);
  gtk_widget_class_install_action (widget_class, "projects.edit-client", "x", edit_client_action);
  gtk_widget_class_install_action (widget_class, "projects.delete-client", "x",
                                   delete_client_action);
  gtk_widget_class_install_property_action (widget_class, "projects.show-archived",
                                            "show-archived");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "projects.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "projects.back",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "projects.show-archived", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "projects.new-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "projects.new-client", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_projects_page_init (AdiuvaProjectsPage *self)
{
  self->client_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->groups = g_ptr_array_new ();
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_row_free);
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
  visible_child_cb (self);
}

/**
 * adiuva_projects_page_open_project:
 * @project_id: a project
 *
 * Opens the project's page over the list.
 */
void
adiuva_projects_page_open_project (AdiuvaProjectsPage *self,
                                   gint64              project_id)
{
  g_return_if_fail (ADIUVA_IS_PROJECTS_PAGE (self));

  /* Made when first needed: the list's first frame need not make and lay out an empty project
   * page as well. */
  if (self->project_page == NULL)
    {
      self->project_page = g_object_new (ADIUVA_TYPE_PROJECT_PAGE, "store", self->store, NULL);
      adw_leaflet_append (self->leaflet, GTK_WIDGET (self->project_page));
    }

  adiuva_project_page_set_project_id (self->project_page, project_id);
  if (adiuva_project_page_get_project_id (self->project_page) != project_id)
    return;

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->project_page));
  gtk_widget_grab_focus (_adiuva_project_page_get_back_button (self->project_page));
}

/* The page of the project shown, or %NULL while the list shows. */
AdiuvaProjectPage *
_adiuva_projects_page_get_project_page (AdiuvaProjectsPage *self)
{
  return adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->project_page)
             ? self->project_page
             : NULL;
}

const char *
_adiuva_projects_page_get_message (AdiuvaProjectsPage *self)
{
  return gtk_widget_get_visible (self->message_group) ? gtk_label_get_label (self->message_label)
                                                      : NULL;
}
