/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-project-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-colour-dot.h"
#include "adiuva-project-dialog.h"

/* A project's name (required), its client (one of the clients, or none), its colour from the
 * palette (`project-dialog.colour`) and what it is about, new or edited. */
struct _AdiuvaProjectDialog
{
  AdiuvaRecordDialog parent_instance;

  GArray *client_ids; /* the client of each line of client_row; 0 for none */
  char   *colour;

  GtkEditable *name_row;
  AdwComboRow *client_row;
  GtkEditable *description_row;
  GtkFlowBox  *colours_box;
};

G_DEFINE_FINAL_TYPE (AdiuvaProjectDialog, adiuva_project_dialog, ADIUVA_TYPE_RECORD_DIALOG)

enum
{
  PROP_0,
  PROP_COLOUR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
name_changed_cb (AdiuvaProjectDialog *self)
{
  g_autofree char *name = adiuva_record_dialog_dup_field (self->name_row);

  adiuva_record_dialog_set_can_save (ADIUVA_RECORD_DIALOG (self), name != NULL);
}

/* “No client”, then the clients by name, with @client_id chosen. */
static void
fill_clients (AdiuvaProjectDialog *self,
              gint64               client_id)
{
  AdiuvaStore *store = adiuva_record_dialog_get_store (ADIUVA_RECORD_DIALOG (self));
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr (GListModel) clients = adiuva_store_list_clients (store, NULL);
  gint64 none = 0;
  guint  selected = 0;

  gtk_string_list_append (names, _ ("No client"));
  g_array_append_val (self->client_ids, none);
  for (guint i = 0; clients != NULL && i < g_list_model_get_n_items (clients); i++)
    {
      g_autoptr (AdiuvaClient) client = g_list_model_get_item (clients, i);
      gint64 id = adiuva_record_get_id (ADIUVA_RECORD (client));

      if (id == client_id)
        selected = self->client_ids->len;
      gtk_string_list_append (names, adiuva_client_get_name (client));
      g_array_append_val (self->client_ids, id);
    }

  adw_combo_row_set_model (self->client_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->client_row, selected);
}

static AdiuvaRecord *
adiuva_project_dialog_new_record (AdiuvaRecordDialog *dialog)
{
  return ADIUVA_RECORD (adiuva_project_new ());
}

static void
adiuva_project_dialog_apply (AdiuvaRecordDialog *dialog,
                             AdiuvaRecord       *record)
{
  AdiuvaProjectDialog *self = ADIUVA_PROJECT_DIALOG (dialog);
  AdiuvaProject       *project = ADIUVA_PROJECT (record);
  g_autofree char     *name = adiuva_record_dialog_dup_field (self->name_row);
  g_autofree char     *description = adiuva_record_dialog_dup_field (self->description_row);
  guint                selected = adw_combo_row_get_selected (self->client_row);

  adiuva_project_set_name (project, name);
  adiuva_project_set_description (project, description);
  adiuva_project_set_client_id (project, selected < self->client_ids->len
                                             ? g_array_index (self->client_ids, gint64, selected)
                                             : 0);
  adiuva_project_set_colour (project, self->colour);
}

static void
adiuva_project_dialog_constructed (GObject *object)
{
  AdiuvaProjectDialog *self = ADIUVA_PROJECT_DIALOG (object);
  AdiuvaRecord        *record;
  AdiuvaProject       *project;
  g_autoptr (AdiuvaProject) fresh = adiuva_project_new ();

  G_OBJECT_CLASS (adiuva_project_dialog_parent_class)->constructed (object);

  record = adiuva_record_dialog_get_record (ADIUVA_RECORD_DIALOG (self));
  /* A new project starts with the store's defaults (its colour). */
  project = record != NULL ? ADIUVA_PROJECT (record) : fresh;
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                  record != NULL ? _ ("Edit Project") : _ ("New Project"));
  gtk_editable_set_text (self->name_row, record != NULL ? adiuva_project_get_name (project) : "");
  gtk_editable_set_text (self->description_row, adiuva_project_get_description (project) != NULL
                                                    ? adiuva_project_get_description (project)
                                                    : "");
  fill_clients (self, adiuva_project_get_client_id (project));
  g_object_set (self, "colour", adiuva_project_get_colour (project), NULL);
  name_changed_cb (self);
}

static void
adiuva_project_dialog_dispose (GObject *object)
{
  AdiuvaProjectDialog *self = ADIUVA_PROJECT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_PROJECT_DIALOG);
  g_clear_pointer (&self->client_ids, g_array_unref);
  g_clear_pointer (&self->colour, g_free);

  G_OBJECT_CLASS (adiuva_project_dialog_parent_class)->dispose (object);
}

static void
adiuva_project_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AdiuvaProjectDialog *self = ADIUVA_PROJECT_DIALOG (object);

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
adiuva_project_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AdiuvaProjectDialog *self = ADIUVA_PROJECT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_COLOUR:
      if (g_value_get_string (value) != NULL &&
          g_strcmp0 (self->colour, g_value_get_string (value)) != 0)
        {
          g_free (self->colour);
          self->colour = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_project_dialog_class_init (AdiuvaProjectDialogClass *klass)
{
  GObjectClass            *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass          *widget_class = GTK_WIDGET_CLASS (klass);
  AdiuvaRecordDialogClass *dialog_class = ADIUVA_RECORD_DIALOG_CLASS (klass);

  object_class->constructed = adiuva_project_dialog_constructed;
  object_class->dispose = adiuva_project_dialog_dispose;
  object_class->get_property = adiuva_project_dialog_get_property;
  object_class->set_property = adiuva_project_dialog_set_property;
  dialog_class->new_record = adiuva_project_dialog_new_record;
  dialog_class->apply = adiuva_project_dialog_apply;

  /**
   * AdiuvaProjectDialog:colour:
   *
   * The colour chosen, `#rrggbb`.
   */
  properties[PROP_COLOUR] =
      g_param_spec_string ("colour", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-project-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectDialog, client_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaProjectDialog, colours_box);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);

  gtk_widget_class_install_property_action (widget_class, "project-dialog.colour", "colour");
}

static void
adiuva_project_dialog_init (AdiuvaProjectDialog *self)
{
  self->client_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* The action's state is never %NULL; the project's colour comes once it is known. */
  self->colour = g_strdup ("");

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_colour_palette_fill (self->colours_box, "project-dialog.colour");
}

/**
 * adiuva_project_dialog_new:
 * @parent: the window it is for
 * @project: (nullable): the project to edit (it is changed when saved), or %NULL for a new one
 *
 * Returns: (transfer none): the dialog, to present
 */
GtkWidget *
adiuva_project_dialog_new (GtkWindow     *parent,
                           AdiuvaStore   *store,
                           AdiuvaProject *project)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);
  g_return_val_if_fail (project == NULL || ADIUVA_IS_PROJECT (project), NULL);

  return g_object_new (ADIUVA_TYPE_PROJECT_DIALOG, "transient-for", parent, "store", store,
                       "record", project, NULL);
}
