/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-welcome-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-accessible.h"
#include "adiuva-status-page.h"
#include "adiuva-welcome-page-private.h"

/* The first run: a short welcome and the one choice there is to make, where the key of the
 * new workspace is kept. Emits ::create; the window does the work and reports back. */
struct _AdiuvaWelcomePage
{
  GtkWidget parent_instance;

  GtkWidget      *content;
  GtkCheckButton *keyring_check;
  GtkCheckButton *passphrase_check;
  GtkWidget      *passphrase_group;
  GtkEditable    *passphrase_row;
  GtkEditable    *confirm_row;
  GtkLabel       *error_label;
  GtkLabel       *folder_label;
  GtkButton      *create_button;
  GtkSpinner     *spinner;
};

G_DEFINE_FINAL_TYPE (AdiuvaWelcomePage, adiuva_welcome_page, GTK_TYPE_WIDGET)

enum
{
  CREATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mode_toggled_cb (AdiuvaWelcomePage *self)
{
  gboolean passphrase = gtk_check_button_get_active (self->passphrase_check);

  gtk_widget_set_visible (self->passphrase_group, passphrase);
  adiuva_welcome_page_set_error (self, NULL);
  if (passphrase)
    gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
create_cb (AdiuvaWelcomePage *self)
{
  const char *passphrase = NULL;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    return;

  if (gtk_check_button_get_active (self->passphrase_check))
    {
      passphrase = gtk_editable_get_text (self->passphrase_row);

      if (*passphrase == '\0')
        {
          adiuva_welcome_page_set_error (self, _ ("Type a passphrase twice, or keep the key in "
                                                  "your keyring instead."));
          gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
          return;
        }
      if (!g_str_equal (passphrase, gtk_editable_get_text (self->confirm_row)))
        {
          adiuva_welcome_page_set_error (self, _ ("The two passphrases differ. Type the same "
                                                  "one in both fields."));
          gtk_editable_set_text (self->confirm_row, "");
          gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
          return;
        }
    }

  adiuva_welcome_page_set_error (self, NULL);
  g_signal_emit (self, signals[CREATE], 0, passphrase);
}

static void
adiuva_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ADIUVA_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (adiuva_welcome_page_parent_class)->dispose (object);
}

static void
adiuva_welcome_page_class_init (AdiuvaWelcomePageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_welcome_page_dispose;

  /**
   * AdiuvaWelcomePage::create:
   * @passphrase: (nullable): the passphrase, typed twice alike, or %NULL to keep the key in
   *   the keyring
   *
   * The user asked for a new workspace.
   */
  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, content);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, keyring_check);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, passphrase_check);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, passphrase_group);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, create_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaWelcomePage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_welcome_page_init (AdiuvaWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));
}

void
adiuva_welcome_page_set_folder (AdiuvaWelcomePage *self,
                                const char        *folder)
{
  g_autofree char *text = NULL;

  g_return_if_fail (ADIUVA_IS_WELCOME_PAGE (self));
  g_return_if_fail (folder != NULL);

  text = g_strdup_printf (_ ("The workspace will be created in %s"), folder);
  gtk_label_set_label (self->folder_label, text);
}

/* While the workspace is being created: the button waits, and nothing can be changed. */
void
adiuva_welcome_page_set_busy (AdiuvaWelcomePage *self,
                              gboolean           busy)
{
  g_return_if_fail (ADIUVA_IS_WELCOME_PAGE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), !busy);
  /* Not insensitive: the fields keep the keyboard focus should creating fail. */
  gtk_editable_set_editable (self->passphrase_row, !busy);
  gtk_editable_set_editable (self->confirm_row, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keyring_check), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_check), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  if (!busy)
    {
      /* The passphrase does not stay in the fields once used. */
      gtk_editable_set_text (self->passphrase_row, "");
      gtk_editable_set_text (self->confirm_row, "");
    }
}

void
adiuva_welcome_page_set_error (AdiuvaWelcomePage *self,
                               const char        *message)
{
  g_return_if_fail (ADIUVA_IS_WELCOME_PAGE (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
_adiuva_welcome_page_choose_passphrase (AdiuvaWelcomePage *self,
                                        const char        *passphrase,
                                        const char        *again)
{
  gtk_check_button_set_active (self->passphrase_check, TRUE);
  gtk_editable_set_text (self->passphrase_row, passphrase);
  gtk_editable_set_text (self->confirm_row, again);
}

void
_adiuva_welcome_page_click_create (AdiuvaWelcomePage *self)
{
  g_signal_emit_by_name (self->create_button, "clicked");
}

const char *
_adiuva_welcome_page_get_error (AdiuvaWelcomePage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
             ? gtk_label_get_label (self->error_label)
             : NULL;
}
