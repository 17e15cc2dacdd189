/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-preferences-workspace-page.h"

G_BEGIN_DECLS

/* For the widget tests: the parts a user reaches by clicking. */
/* clang-format off */
AdwActionRow *
_adiuva_preferences_workspace_page_get_key_mode_row (AdiuvaPreferencesWorkspacePage *self);
AdwActionRow *
_adiuva_preferences_workspace_page_get_folder_row (AdiuvaPreferencesWorkspacePage *self);
GtkSwitch *
_adiuva_preferences_workspace_page_get_loopback_switch (AdiuvaPreferencesWorkspacePage *self);
GtkSpinButton *
_adiuva_preferences_workspace_page_get_port_spin (AdiuvaPreferencesWorkspacePage *self);
AdwActionRow *
_adiuva_preferences_workspace_page_get_address_row (AdiuvaPreferencesWorkspacePage *self);
AdwActionRow *
_adiuva_preferences_workspace_page_get_token_row (AdiuvaPreferencesWorkspacePage *self);
GtkToggleButton *
_adiuva_preferences_workspace_page_get_reveal_token_button (AdiuvaPreferencesWorkspacePage *self);
AdwMessageDialog *
_adiuva_preferences_workspace_page_get_key_dialog (AdiuvaPreferencesWorkspacePage *self);
void
_adiuva_preferences_workspace_page_fill_key_dialog (AdiuvaPreferencesWorkspacePage *self,
                                                    const char                     *current,
                                                    const char                     *passphrase,
                                                    const char                     *again);
gboolean
_adiuva_preferences_workspace_page_is_busy (AdiuvaPreferencesWorkspacePage *self);
const char *
_adiuva_preferences_workspace_page_get_last_message (AdiuvaPreferencesWorkspacePage *self);
void
_adiuva_preferences_workspace_page_move_to (AdiuvaPreferencesWorkspacePage *self,
                                            const char                     *dest);
AdwMessageDialog *
_adiuva_preferences_workspace_page_get_move_dialog (AdiuvaPreferencesWorkspacePage *self);
/* clang-format on */

G_END_DECLS
