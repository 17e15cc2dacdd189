/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-record-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-record-actions.h"

/* What several widgets do to records the same way: toasts in the window's overlay, approving
 * a suggestion, deleting with an Undo. */

/* Shows @toast in the toast overlay @widget is in (and drops it when there is none). */
void
adiuva_toast_show (GtkWidget *widget,
                   AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/* An error that stays until dismissed; toast titles are markup, messages are not. */
void
adiuva_toast_show_error (GtkWidget    *widget,
                         const GError *error)
{
  g_autofree char *message = NULL;
  AdwToast        *toast;

  g_return_if_fail (error != NULL);

  message = g_markup_escape_text (error->message, -1);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  adiuva_toast_show (widget, toast);
}

/* The user takes over what the assistant suggested: it stays, without the dashed border. */
gboolean
adiuva_record_approve (AdiuvaStore  *store,
                       AdiuvaRecord *record,
                       GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);

  g_object_set (record, "is-approved", TRUE, NULL);

  return adiuva_store_update (store, record, error);
}

/* A deleted record comes back as a new one with the same fields. */
static AdiuvaRecord *
copy_record (AdiuvaRecord *record)
{
  g_autofree GParamSpec **pspecs = NULL;
  GObject                *copy = g_object_new (G_OBJECT_TYPE (record), NULL);
  guint                   n_pspecs;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (record), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      if (pspecs[i]->owner_type != G_OBJECT_TYPE (record) ||
          !(pspecs[i]->flags & G_PARAM_WRITABLE))
        continue;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (record), pspecs[i]->name, &value);
      g_object_set_property (copy, pspecs[i]->name, &value);
    }

  return ADIUVA_RECORD (copy);
}

typedef struct
{
  AdiuvaStore  *store;
  AdiuvaRecord *copy;
} Deletion;

static void
deletion_free (Deletion *deletion)
{
  g_clear_object (&deletion->store);
  g_clear_object (&deletion->copy);
  g_free (deletion);
}

static void
undo_delete_cb (AdwToast *toast,
                Deletion *deletion)
{
  g_autoptr (GError) error = NULL;

  if (!adiuva_store_add (deletion->store, deletion->copy, &error))
    g_warning ("Could not bring the deleted record back: %s", error->message);
}

/**
 * adiuva_record_delete_with_undo:
 * @widget: a widget in the window whose toast overlay offers the Undo
 * @title: what the toast calls the record
 *
 * Deletes @record and offers to bring it back (as a new record with the same fields; what
 * hung off it, such as comments, stays deleted).
 */
gboolean
adiuva_record_delete_with_undo (GtkWidget    *widget,
                                AdiuvaStore  *store,
                                AdiuvaRecord *record,
                                const char   *title,
                                GError      **error)
{
  g_autofree char *escaped = NULL;
  g_autofree char *message = NULL;
  Deletion        *deletion;
  AdwToast        *toast;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  deletion = g_new0 (Deletion, 1);
  deletion->store = g_object_ref (store);
  deletion->copy = copy_record (record);
  if (!adiuva_store_delete (store, record, error))
    {
      deletion_free (deletion);
      return FALSE;
    }

  escaped = g_markup_escape_text (title, -1);
  message = g_strdup_printf (_ ("“%s” was deleted"), escaped);
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_delete_cb), deletion,
                         (GClosureNotify) (void (*) (void)) deletion_free, 0);
  adiuva_toast_show (widget, toast);

  return TRUE;
}
