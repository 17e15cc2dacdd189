/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-preferences-ollama-page.h"

G_BEGIN_DECLS

/* For the widget tests: the parts a user reaches, and whether an answer is awaited. */
AdwEntryRow *_adiuva_preferences_ollama_page_get_endpoint_row (AdiuvaPreferencesOllamaPage *self);
AdwEntryRow *_adiuva_preferences_ollama_page_get_pull_row (AdiuvaPreferencesOllamaPage *self);

AdwActionRow *_adiuva_preferences_ollama_page_get_status_row (AdiuvaPreferencesOllamaPage *self);
AdwActionRow *_adiuva_preferences_ollama_page_get_model_row (AdiuvaPreferencesOllamaPage *self,
                                                             const char                  *name);
AdwActionRow *_adiuva_preferences_ollama_page_get_progress_row (AdiuvaPreferencesOllamaPage *self);

GtkProgressBar *
_adiuva_preferences_ollama_page_get_progress_bar (AdiuvaPreferencesOllamaPage *self);
AdwMessageDialog *
_adiuva_preferences_ollama_page_delete_model (AdiuvaPreferencesOllamaPage *self,
                                              const char                  *name);

gboolean    _adiuva_preferences_ollama_page_is_checking (AdiuvaPreferencesOllamaPage *self);
gboolean    _adiuva_preferences_ollama_page_get_reachable (AdiuvaPreferencesOllamaPage *self);
guint       _adiuva_preferences_ollama_page_get_n_models (AdiuvaPreferencesOllamaPage *self);
gboolean    _adiuva_preferences_ollama_page_is_pulling (AdiuvaPreferencesOllamaPage *self);
gboolean    _adiuva_preferences_ollama_page_is_deleting (AdiuvaPreferencesOllamaPage *self);
const char *_adiuva_preferences_ollama_page_get_last_message (AdiuvaPreferencesOllamaPage *self);

G_END_DECLS
