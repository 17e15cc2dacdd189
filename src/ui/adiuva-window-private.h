/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-window.h"

G_BEGIN_DECLS

const char *_adiuva_window_get_state (AdiuvaWindow *self);
GtkWidget  *_adiuva_window_get_page (AdiuvaWindow *self,
                                     const char   *page_id);
GtkWidget  *_adiuva_window_get_state_child (AdiuvaWindow *self,
                                            const char   *state);
const char *_adiuva_window_get_problem (AdiuvaWindow *self);

G_END_DECLS
