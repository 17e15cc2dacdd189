/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-date.h"

G_BEGIN_DECLS

int _adiuva_date_day_of_month_from_word (const char *word);

G_END_DECLS
