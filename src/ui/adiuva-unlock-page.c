/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-unlock-page"

#include "config.h"

#include <adwaita.h>
#include "adiuva-accessible.h"
#include "adiuva-status-page.h"
#include "adiuva-unlock-page-private.h"

/* Asks for the passphrase of a workspace locked with one. Emits ::unlock; the window opens
 * the workspace and says here when the passphrase was wrong. */
struct _AdiuvaUnlockPage
{
  GtkWidget parent_instance;

  GtkWidget   *content;
  GtkEditable *passphrase_row;
  GtkLabel    *error_label;
  GtkButton   *unlock_button;
  GtkSpinner  *spinner;
};

G_DEFINE_FINAL_TYPE (AdiuvaUnlockPage, adiuva_unlock_page, GTK_TYPE_WIDGET)

enum
{
  UNLOCK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
unlock_cb (AdiuvaUnlockPage *self)
{
  const char *passphrase = gtk_editable_get_text (self->passphrase_row);

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->unlock_button)) || *passphrase == '\0')
    return;

  adiuva_unlock_page_set_error (self, NULL);
  g_signal_emit (self, signals[UNLOCK], 0, passphrase);
}

static void
adiuva_unlock_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ADIUVA_TYPE_UNLOCK_PAGE);

  G_OBJECT_CLASS (adiuva_unlock_page_parent_class)->dispose (object);
}

static gboolean
adiuva_unlock_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (ADIUVA_UNLOCK_PAGE (widget)->passphrase_row));
}

static void
adiuva_unlock_page_class_init (AdiuvaUnlockPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_unlock_page_dispose;
  widget_class->grab_focus = adiuva_unlock_page_grab_focus;

  /**
   * AdiuvaUnlockPage::unlock:
   * @passphrase: what the user typed
   */
  signals[UNLOCK] = g_signal_new ("unlock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-unlock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaUnlockPage, content);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaUnlockPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaUnlockPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaUnlockPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaUnlockPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, unlock_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_unlock_page_init (AdiuvaUnlockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
}

/* Unwrapping the key takes a moment (Argon2id); meanwhile the page waits. */
void
adiuva_unlock_page_set_busy (AdiuvaUnlockPage *self,
                             gboolean          busy)
{
  g_return_if_fail (ADIUVA_IS_UNLOCK_PAGE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), !busy);
  /* Not insensitive: the field keeps the keyboard focus for a second try. */
  gtk_editable_set_editable (self->passphrase_row, !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  if (!busy)
    gtk_editable_set_text (self->passphrase_row, "");
}

void
adiuva_unlock_page_set_error (AdiuvaUnlockPage *self,
                              const char       *message)
{
  g_return_if_fail (ADIUVA_IS_UNLOCK_PAGE (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

const char *
_adiuva_unlock_page_get_error (AdiuvaUnlockPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
             ? gtk_label_get_label (self->error_label)
             : NULL;
}
