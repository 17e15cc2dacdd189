/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-client-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-client-dialog.h"

/* A client's name (required), email and notes, new or edited. */
struct _AdiuvaClientDialog
{
  AdiuvaRecordDialog parent_instance;

  GtkEditable *name_row;
  GtkEditable *email_row;
  GtkEditable *notes_row;
};

G_DEFINE_FINAL_TYPE (AdiuvaClientDialog, adiuva_client_dialog, ADIUVA_TYPE_RECORD_DIALOG)

static void
name_changed_cb (AdiuvaClientDialog *self)
{
  g_autofree char *name = adiuva_record_dialog_dup_field (self->name_row);

  adiuva_record_dialog_set_can_save (ADIUVA_RECORD_DIALOG (self), name != NULL);
}

static AdiuvaRecord *
adiuva_client_dialog_new_record (AdiuvaRecordDialog *dialog)
{
  return ADIUVA_RECORD (adiuva_client_new ());
}

static void
adiuva_client_dialog_apply (AdiuvaRecordDialog *dialog,
                            AdiuvaRecord       *record)
{
  AdiuvaClientDialog *self = ADIUVA_CLIENT_DIALOG (dialog);
  g_autofree char    *name = adiuva_record_dialog_dup_field (self->name_row);
  g_autofree char    *email = adiuva_record_dialog_dup_field (self->email_row);
  g_autofree char    *notes = adiuva_record_dialog_dup_field (self->notes_row);

  adiuva_client_set_name (ADIUVA_CLIENT (record), name);
  adiuva_client_set_email (ADIUVA_CLIENT (record), email);
  adiuva_client_set_notes (ADIUVA_CLIENT (record), notes);
}

static void
adiuva_client_dialog_constructed (GObject *object)
{
  AdiuvaClientDialog *self = ADIUVA_CLIENT_DIALOG (object);
  AdiuvaRecord       *record;

  G_OBJECT_CLASS (adiuva_client_dialog_parent_class)->constructed (object);

  record = adiuva_record_dialog_get_record (ADIUVA_RECORD_DIALOG (self));
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                  record != NULL ? _ ("Edit Client") : _ ("New Client"));
  if (record != NULL)
    {
      AdiuvaClient *client = ADIUVA_CLIENT (record);
      const char   *email = adiuva_client_get_email (client);
      const char   *notes = adiuva_client_get_notes (client);

      gtk_editable_set_text (self->name_row, adiuva_client_get_name (client));
      gtk_editable_set_text (self->email_row, email != NULL ? email : "");
      gtk_editable_set_text (self->notes_row, notes != NULL ? notes : "");
    }
  name_changed_cb (self);
}

static void
adiuva_client_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ADIUVA_TYPE_CLIENT_DIALOG);

  G_OBJECT_CLASS (adiuva_client_dialog_parent_class)->dispose (object);
}

static void
adiuva_client_dialog_class_init (AdiuvaClientDialogClass *klass)
{
  GObjectClass            *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass          *widget_class = GTK_WIDGET_CLASS (klass);
  AdiuvaRecordDialogClass *dialog_class = ADIUVA_RECORD_DIALOG_CLASS (klass);

  object_class->constructed = adiuva_client_dialog_constructed;
  object_class->dispose = adiuva_client_dialog_dispose;
  dialog_class->new_record = adiuva_client_dialog_new_record;
  dialog_class->apply = adiuva_client_dialog_apply;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-client-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaClientDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaClientDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaClientDialog, notes_row);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
}

static void
adiuva_client_dialog_init (AdiuvaClientDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * adiuva_client_dialog_new:
 * @parent: the window it is for
 * @client: (nullable): the client to edit (it is changed when saved), or %NULL for a new one
 *
 * Returns: (transfer none): the dialog, to present
 */
GtkWidget *
adiuva_client_dialog_new (GtkWindow    *parent,
                          AdiuvaStore  *store,
                          AdiuvaClient *client)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || ADIUVA_IS_CLIENT (client), NULL);

  return g_object_new (ADIUVA_TYPE_CLIENT_DIALOG, "transient-for", parent, "store", store,
                       "record", client, NULL);
}
