/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-projects-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-projects-page-private.h"

/* Clients and their projects, one group per client (and one for projects without a client),
 * each project with its count of open tasks; choosing one shows its tasks. On top, what it
 * takes to make new ones, so quick add's `#project` has somewhere to go. */
struct _AdiuvaProjectsPage
{
  GtkWidget parent_instance;

  AdiuvaStore *store;
  GArray      *client_ids;
  GArray      *project_ids;
  GPtrArray   *groups;
  guint        rebuild_source;

  AdwPreferencesPage *preferences_page;
  GtkEditable        *project_row;
  AdwComboRow        *client_row;
  GtkEditable        *client_entry_row;
  AdwComboRow        *checkpoint_project_row;
  GtkEditable        *checkpoint_row;
  GtkWidget          *message_group;
  GtkLabel           *message_label;
};

G_DEFINE_FINAL_TYPE (AdiuvaProjectsPage, adiuva_projects_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
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

static guint
count_open_tasks (AdiuvaProjectsPage *self,
                  gint64              project_id)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;

  filter->project_id = project_id;
  filter->parent_id = -1;
  filter->open_only = TRUE;
  tasks = adiuva_task_list_model_new (self->store, filter);

  return g_list_model_get_n_items (G_LIST_MODEL (tasks));
}

static GtkWidget *
create_project_row (AdiuvaProjectsPage *self,
                    AdiuvaProject      *project)
{
  GtkWidget       *row = adw_action_row_new ();
  g_autofree char *count = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *target = NULL;
  guint            n_open;

  n_open = count_open_tasks (self, adiuva_record_get_id (ADIUVA_RECORD (project)));
  count = g_strdup_printf ("%u", n_open);
  /* Translators: %s is a number of tasks */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s open task", "%s open tasks",
                                           n_open),
                              count);
  target = g_strdup_printf ("%" G_GINT64_FORMAT, adiuva_record_get_id (ADIUVA_RECORD (project)));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), adiuva_project_get_name (project));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-project");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", target);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  return row;
}

static void
add_group (AdiuvaProjectsPage *self,
           const char         *title,
           GListModel         *projects)
{
  AdwPreferencesGroup *group;

  if (g_list_model_get_n_items (projects) == 0)
    return;

  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, title);
  for (guint i = 0; i < g_list_model_get_n_items (projects); i++)
    {
      g_autoptr (AdiuvaProject) project = g_list_model_get_item (projects, i);

      adw_preferences_group_add (group, create_project_row (self, project));
    }

  adw_preferences_page_add (self->preferences_page, group);
  g_ptr_array_add (self->groups, group);
}

/* The projects a checkpoint can go to, keeping the one chosen. */
static void
fill_checkpoint_projects (AdiuvaProjectsPage *self)
{
  g_autoptr (GListModel) projects = adiuva_store_list_projects (self->store, -1, FALSE, NULL);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  guint  selected = adw_combo_row_get_selected (self->checkpoint_project_row);
  gint64 selected_id = selected < self->project_ids->len
                           ? g_array_index (self->project_ids, gint64, selected)
                           : 0;

  g_array_set_size (self->project_ids, 0);
  for (guint i = 0; projects != NULL && i < g_list_model_get_n_items (projects); i++)
    {
      g_autoptr (AdiuvaProject) project = g_list_model_get_item (projects, i);
      gint64 id = adiuva_record_get_id (ADIUVA_RECORD (project));

      gtk_string_list_append (names, adiuva_project_get_name (project));
      g_array_append_val (self->project_ids, id);
    }

  adw_combo_row_set_model (self->checkpoint_project_row, G_LIST_MODEL (names));
  for (guint i = 0; i < self->project_ids->len; i++)
    if (g_array_index (self->project_ids, gint64, i) == selected_id)
      adw_combo_row_set_selected (self->checkpoint_project_row, i);
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

      projects = adiuva_store_list_projects (self->store, id, FALSE, NULL);
      if (projects != NULL)
        add_group (self, adiuva_client_get_name (client), projects);
    }

  unfiled = adiuva_store_list_projects (self->store, 0, FALSE, NULL);
  if (unfiled != NULL)
    add_group (self, _ ("Without a Client"), unfiled);

  fill_checkpoint_projects (self);

  /* Rebuilding keeps the client chosen for the next project. */
  adw_combo_row_set_model (self->client_row, G_LIST_MODEL (client_names));
  for (guint i = 0; i < self->client_ids->len; i++)
    if (g_array_index (self->client_ids, gint64, i) == selected_id)
      adw_combo_row_set_selected (self->client_row, i);
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  AdiuvaProjectsPage *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);

  return G_SOURCE_REMOVE;
}

/* Counts follow tasks too; a burst of changes rebuilds once. */
static void
store_changed_cb (AdiuvaProjectsPage *self,
                  AdiuvaEntity        entity,
                  gint64              id,
                  AdiuvaChange        change,
                  AdiuvaStore        *store)
{
  if ((entity == ADIUVA_ENTITY_CLIENT || entity == ADIUVA_ENTITY_PROJECT ||
       entity == ADIUVA_ENTITY_TASK) &&
      self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_DEFAULT, rebuild_idle_cb, self, NULL);
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

/* A checkpoint is typed with its date in quick add's words: “Design review friday”. */
void
_adiuva_projects_page_add_checkpoint (AdiuvaProjectsPage *self,
                                      const char         *text,
                                      guint               project_index)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (AdiuvaQuickAdd) parsed = adiuva_quick_add_parse (text, now);
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  g_autofree char *date = NULL;

  if (project_index >= self->project_ids->len)
    {
      set_message (self, _ ("Make a project first: a checkpoint belongs to one."));
      return;
    }
  if (parsed->due == NULL || *parsed->title == '\0')
    {
      set_message (self, _ ("Say what and when, e.g. “Design review friday” or “Launch "
                            "2026-12-01”."));
      return;
    }

  date = adiuva_date_format_floating (parsed->due, FALSE);
  checkpoint = adiuva_checkpoint_new ();
  adiuva_checkpoint_set_project_id (checkpoint,
                                    g_array_index (self->project_ids, gint64, project_index));
  adiuva_checkpoint_set_title (checkpoint, parsed->title);
  adiuva_checkpoint_set_date (checkpoint, date);
  if (add_record (self, ADIUVA_RECORD (checkpoint)))
    gtk_editable_set_text (self->checkpoint_row, "");
}

static void
add_checkpoint_cb (AdiuvaProjectsPage *self)
{
  _adiuva_projects_page_add_checkpoint (self, gtk_editable_get_text (self->checkpoint_row),
                                        adw_combo_row_get_selected (self->checkpoint_project_row));
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

static void
adiuva_projects_page_dispose (GObject *object)
{
  AdiuvaProjectsPage *self = ADIUVA_PROJECTS_PAGE (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PROJECTS_PAGE);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->client_ids, g_array_unref);
  g_clear_pointer (&self->project_ids, g_array_unref);
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-projects-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, project_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, client_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, client_entry_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage,
                                        checkpoint_project_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, checkpoint_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, message_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectsPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, add_project_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_client_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_checkpoint_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_projects_page_init (AdiuvaProjectsPage *self)
{
  self->client_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->project_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->groups = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
_adiuva_projects_page_get_message (AdiuvaProjectsPage *self)
{
  return gtk_widget_get_visible (self->message_group) ? gtk_label_get_label (self->message_label)
                                                      : NULL;
}
