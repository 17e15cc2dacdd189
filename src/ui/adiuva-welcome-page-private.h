/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-welcome-page.h"

G_BEGIN_DECLS

void        _adiuva_welcome_page_choose_passphrase (AdiuvaWelcomePage *self,
                                                    const char        *passphrase,
                                                    const char        *again);
void        _adiuva_welcome_page_click_create (AdiuvaWelcomePage *self);
const char *_adiuva_welcome_page_get_error (AdiuvaWelcomePage *self);

G_END_DECLS
