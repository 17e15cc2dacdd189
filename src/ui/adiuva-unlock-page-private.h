/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-unlock-page.h"

G_BEGIN_DECLS

const char *_adiuva_unlock_page_get_error (AdiuvaUnlockPage *self);

G_END_DECLS
