/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-checkpoint-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-checkpoint-dialog.h"
#include "adiuva-format.h"

/* A checkpoint's title and day (in quick add's words, as the task details take due dates),
 * with notes, new in a project or edited. Under the day, what it was understood as, or why it
 * was not: Add/Save waits for a title and a day. */
struct _AdiuvaCheckpointDialog
{
  AdiuvaRecordDialog parent_instance;

  gint64 project_id;

  GtkEditable *title_row;
  GtkEditable *date_row;
  GtkEditable *notes_row;
  GtkLabel    *date_label;
};

G_DEFINE_FINAL_TYPE (AdiuvaCheckpointDialog, adiuva_checkpoint_dialog, ADIUVA_TYPE_RECORD_DIALOG)

enum
{
  PROP_0,
  PROP_PROJECT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
parse_date (AdiuvaCheckpointDialog *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return adiuva_parse_date_words (gtk_editable_get_text (self->date_row), now, FALSE);
}

static void
changed_cb (AdiuvaCheckpointDialog *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *title = adiuva_record_dialog_dup_field (self->title_row);
  g_autofree char *date = parse_date (self);
  g_autofree char *when = date != NULL ? adiuva_format_floating_due (date, now) : NULL;
  g_autofree char *text = NULL;
  gboolean         typed = *gtk_editable_get_text (self->date_row) != '\0';

  if (when != NULL)
    /* Translators: what a typed date was understood as, e.g. “On Friday, 27 Nov (2026-11-27)” */
    text = g_strdup_printf (_ ("On %s (%s)"), when, date);
  gtk_label_set_label (self->date_label,
                       text != NULL ? text
                       : typed      ? adiuva_date_words_hint ()
                                    : _ ("Type the day, e.g. “friday” or “2026-12-01”."));
  if (typed && date == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->date_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_label), "error");

  adiuva_record_dialog_set_can_save (ADIUVA_RECORD_DIALOG (self), title != NULL && date != NULL);
}

static AdiuvaRecord *
adiuva_checkpoint_dialog_new_record (AdiuvaRecordDialog *dialog)
{
  AdiuvaCheckpointDialog *self = ADIUVA_CHECKPOINT_DIALOG (dialog);
  AdiuvaCheckpoint       *checkpoint = adiuva_checkpoint_new ();

  adiuva_checkpoint_set_project_id (checkpoint, self->project_id);

  return ADIUVA_RECORD (checkpoint);
}

static void
adiuva_checkpoint_dialog_apply (AdiuvaRecordDialog *dialog,
                                AdiuvaRecord       *record)
{
  AdiuvaCheckpointDialog *self = ADIUVA_CHECKPOINT_DIALOG (dialog);
  AdiuvaCheckpoint       *checkpoint = ADIUVA_CHECKPOINT (record);
  g_autofree char        *title = adiuva_record_dialog_dup_field (self->title_row);
  g_autofree char        *date = parse_date (self);
  g_autofree char        *notes = adiuva_record_dialog_dup_field (self->notes_row);

  adiuva_checkpoint_set_title (checkpoint, title);
  adiuva_checkpoint_set_date (checkpoint, date);
  adiuva_checkpoint_set_notes (checkpoint, notes);
}

static void
adiuva_checkpoint_dialog_constructed (GObject *object)
{
  AdiuvaCheckpointDialog *self = ADIUVA_CHECKPOINT_DIALOG (object);
  AdiuvaRecord           *record;

  G_OBJECT_CLASS (adiuva_checkpoint_dialog_parent_class)->constructed (object);

  record = adiuva_record_dialog_get_record (ADIUVA_RECORD_DIALOG (self));
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), record != NULL
                                                                 ? _ ("Edit Checkpoint")
                                                                 : _ ("New Checkpoint"));
  if (record != NULL)
    {
      AdiuvaCheckpoint *checkpoint = ADIUVA_CHECKPOINT (record);
      const char       *notes = adiuva_checkpoint_get_notes (checkpoint);

      gtk_editable_set_text (self->title_row, adiuva_checkpoint_get_title (checkpoint));
      gtk_editable_set_text (self->date_row, adiuva_checkpoint_get_date (checkpoint));
      gtk_editable_set_text (self->notes_row, notes != NULL ? notes : "");
    }
  changed_cb (self);
}

static void
adiuva_checkpoint_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ADIUVA_TYPE_CHECKPOINT_DIALOG);

  G_OBJECT_CLASS (adiuva_checkpoint_dialog_parent_class)->dispose (object);
}

static void
adiuva_checkpoint_dialog_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  AdiuvaCheckpointDialog *self = ADIUVA_CHECKPOINT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT_ID:
      g_value_set_int64 (value, self->project_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_checkpoint_dialog_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  AdiuvaCheckpointDialog *self = ADIUVA_CHECKPOINT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PROJECT_ID:
      self->project_id = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_checkpoint_dialog_class_init (AdiuvaCheckpointDialogClass *klass)
{
  GObjectClass            *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass          *widget_class = GTK_WIDGET_CLASS (klass);
  AdiuvaRecordDialogClass *dialog_class = ADIUVA_RECORD_DIALOG_CLASS (klass);

  object_class->constructed = adiuva_checkpoint_dialog_constructed;
  object_class->dispose = adiuva_checkpoint_dialog_dispose;
  object_class->get_property = adiuva_checkpoint_dialog_get_property;
  object_class->set_property = adiuva_checkpoint_dialog_set_property;
  dialog_class->new_record = adiuva_checkpoint_dialog_new_record;
  dialog_class->apply = adiuva_checkpoint_dialog_apply;

  /**
   * AdiuvaCheckpointDialog:project-id:
   *
   * The project a new checkpoint goes to.
   */
  properties[PROP_PROJECT_ID] =
      g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-checkpoint-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaCheckpointDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaCheckpointDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaCheckpointDialog, notes_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaCheckpointDialog, date_label);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
}

static void
adiuva_checkpoint_dialog_init (AdiuvaCheckpointDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * adiuva_checkpoint_dialog_new:
 * @parent: the window it is for
 * @project_id: the project a new checkpoint goes to
 * @checkpoint: (nullable): the checkpoint to edit (it is changed when saved), or %NULL for a
 *   new one
 *
 * Returns: (transfer none): the dialog, to present
 */
GtkWidget *
adiuva_checkpoint_dialog_new (GtkWindow        *parent,
                              AdiuvaStore      *store,
                              gint64            project_id,
                              AdiuvaCheckpoint *checkpoint)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);
  g_return_val_if_fail (checkpoint == NULL || ADIUVA_IS_CHECKPOINT (checkpoint), NULL);

  return g_object_new (ADIUVA_TYPE_CHECKPOINT_DIALOG, "transient-for", parent, "store", store,
                       "project-id", project_id, "record", checkpoint, NULL);
}
