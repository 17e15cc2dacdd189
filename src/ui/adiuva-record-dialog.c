/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-record-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-record-dialog.h"

/* What the client, project and checkpoint dialogs share: the store, the record edited (none
 * for a new one), the Cancel and Add/Save responses, and saving. A message dialog closes on any
 * response; this one only hides, so that when saving fails it comes back with what was typed
 * and the reason, and goes for good once saved or cancelled. */
typedef struct
{
  AdiuvaStore  *store;
  AdiuvaRecord *record;
} AdiuvaRecordDialogPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (AdiuvaRecordDialog, adiuva_record_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_RECORD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
save (AdiuvaRecordDialog *self,
      GError            **error)
{
  AdiuvaRecordDialogPrivate *priv = adiuva_record_dialog_get_instance_private (self);
  AdiuvaRecordDialogClass   *klass = ADIUVA_RECORD_DIALOG_GET_CLASS (self);
  g_autoptr (AdiuvaRecord) record = NULL;

  record = priv->record != NULL ? g_object_ref (priv->record) : klass->new_record (self);
  klass->apply (self, record);
  if (priv->record != NULL ? !adiuva_store_update (priv->store, record, error)
                           : !adiuva_store_add (priv->store, record, error))
    return FALSE;

  g_signal_emit (self, signals[SAVED], 0, record);
  return TRUE;
}

static void
adiuva_record_dialog_response (AdwMessageDialog *dialog,
                               const char       *response)
{
  AdiuvaRecordDialog *self = ADIUVA_RECORD_DIALOG (dialog);
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "save") == 0 && !save (self, &error))
    {
      adw_message_dialog_set_body (dialog, error->message);
      gtk_window_present (GTK_WINDOW (self));
      return;
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
adiuva_record_dialog_constructed (GObject *object)
{
  AdiuvaRecordDialog        *self = ADIUVA_RECORD_DIALOG (object);
  AdiuvaRecordDialogPrivate *priv = adiuva_record_dialog_get_instance_private (self);

  G_OBJECT_CLASS (adiuva_record_dialog_parent_class)->constructed (object);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self), "cancel", _ ("_Cancel"), "save",
                                    priv->record != NULL ? _ ("_Save") : _ ("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  /* The subclass's fields are there by now, as are the response buttons. */
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
}

static void
adiuva_record_dialog_dispose (GObject *object)
{
  AdiuvaRecordDialogPrivate *priv =
      adiuva_record_dialog_get_instance_private (ADIUVA_RECORD_DIALOG (object));

  g_clear_object (&priv->store);
  g_clear_object (&priv->record);

  G_OBJECT_CLASS (adiuva_record_dialog_parent_class)->dispose (object);
}

static void
adiuva_record_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AdiuvaRecordDialogPrivate *priv =
      adiuva_record_dialog_get_instance_private (ADIUVA_RECORD_DIALOG (object));

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_RECORD:
      g_value_set_object (value, priv->record);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_record_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AdiuvaRecordDialogPrivate *priv =
      adiuva_record_dialog_get_instance_private (ADIUVA_RECORD_DIALOG (object));

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    case PROP_RECORD:
      priv->record = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_record_dialog_class_init (AdiuvaRecordDialogClass *klass)
{
  GObjectClass          *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->constructed = adiuva_record_dialog_constructed;
  object_class->dispose = adiuva_record_dialog_dispose;
  object_class->get_property = adiuva_record_dialog_get_property;
  object_class->set_property = adiuva_record_dialog_set_property;
  dialog_class->response = adiuva_record_dialog_response;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaRecordDialog:record:
   *
   * The record edited (a copy of the stored one is best), or %NULL to add a new one.
   */
  properties[PROP_RECORD] =
      g_param_spec_object ("record", NULL, NULL, ADIUVA_TYPE_RECORD,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AdiuvaRecordDialog::saved:
   * @record: the record as stored, with its id
   *
   * Emitted once the record is added or saved, before the dialog goes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, ADIUVA_TYPE_RECORD);
}

static void
adiuva_record_dialog_init (AdiuvaRecordDialog *self)
{
  gtk_window_set_hide_on_close (GTK_WINDOW (self), TRUE);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
}

AdiuvaStore *
adiuva_record_dialog_get_store (AdiuvaRecordDialog *self)
{
  AdiuvaRecordDialogPrivate *priv = adiuva_record_dialog_get_instance_private (self);

  g_return_val_if_fail (ADIUVA_IS_RECORD_DIALOG (self), NULL);

  return priv->store;
}

/* The record edited, or %NULL for a new one. */
AdiuvaRecord *
adiuva_record_dialog_get_record (AdiuvaRecordDialog *self)
{
  AdiuvaRecordDialogPrivate *priv = adiuva_record_dialog_get_instance_private (self);

  g_return_val_if_fail (ADIUVA_IS_RECORD_DIALOG (self), NULL);

  return priv->record;
}

/* Add/Save stays off while what is typed could not be saved (an empty name). */
void
adiuva_record_dialog_set_can_save (AdiuvaRecordDialog *self,
                                   gboolean            can_save)
{
  g_return_if_fail (ADIUVA_IS_RECORD_DIALOG (self));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save", can_save);
}

/**
 * adiuva_record_dialog_dup_field:
 *
 * What a field holds, without the white space around it: an empty field is stored as none.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL for none
 */
char *
adiuva_record_dialog_dup_field (GtkEditable *editable)
{
  char *text;

  g_return_val_if_fail (GTK_IS_EDITABLE (editable), NULL);

  text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  if (*text == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}
