/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-reminders.h"

G_BEGIN_DECLS

GDateTime *_adiuva_reminders_check (AdiuvaReminders *self,
                                    GDateTime       *now);

G_END_DECLS
