/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-preferences-window.h"

G_BEGIN_DECLS

/* For the widget tests: the parts a user reaches by clicking. */
AdwComboRow      *_adiuva_preferences_window_get_color_scheme_row (AdiuvaPreferencesWindow *self);
AdwActionRow     *_adiuva_preferences_window_get_provider_row (AdiuvaPreferencesWindow *self,
                                                               const char              *name);
void              _adiuva_preferences_window_show_add_provider (AdiuvaPreferencesWindow *self);
void              _adiuva_preferences_window_show_edit_provider (AdiuvaPreferencesWindow *self,
                                                                 const char              *name);
GtkWidget        *_adiuva_preferences_window_get_editor (AdiuvaPreferencesWindow *self);
void              _adiuva_preferences_window_fill_editor (AdiuvaPreferencesWindow *self,
                                                          const char              *kind,
                                                          const char              *name,
                                                          const char              *base_url,
                                                          const char              *api_key);
gboolean          _adiuva_preferences_window_save_editor (AdiuvaPreferencesWindow *self);
gboolean          _adiuva_preferences_window_is_busy (AdiuvaPreferencesWindow *self);
gboolean          _adiuva_preferences_window_is_saving (AdiuvaPreferencesWindow *self);
void              _adiuva_preferences_window_test_provider (AdiuvaPreferencesWindow *self,
                                                            const char              *name);
const char       *_adiuva_preferences_window_get_test_result (AdiuvaPreferencesWindow *self,
                                                              const char              *name);
gboolean          _adiuva_preferences_window_is_testing (AdiuvaPreferencesWindow *self,
                                                         const char              *name);
AdwMessageDialog *_adiuva_preferences_window_remove_provider (AdiuvaPreferencesWindow *self,
                                                              const char              *name);
AdwEntryRow      *_adiuva_preferences_window_get_default_model_row (AdiuvaPreferencesWindow *self);
AdwEntryRow      *_adiuva_preferences_window_get_new_alias_row (AdiuvaPreferencesWindow *self);
guint             _adiuva_preferences_window_get_n_aliases (AdiuvaPreferencesWindow *self);
const char       *_adiuva_preferences_window_get_last_toast (AdiuvaPreferencesWindow *self);
AdwEntryRow      *_adiuva_preferences_window_get_new_fallback_row (AdiuvaPreferencesWindow *self);
GStrv             _adiuva_preferences_window_dup_fallbacks (AdiuvaPreferencesWindow *self);
GtkWidget        *_adiuva_preferences_window_get_fallback_row (AdiuvaPreferencesWindow *self,
                                                               const char              *model);

G_END_DECLS
