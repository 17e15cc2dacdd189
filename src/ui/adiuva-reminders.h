/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_REMINDERS (adiuva_reminders_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaReminders, adiuva_reminders, ADIUVA, REMINDERS, GObject)

AdiuvaReminders *adiuva_reminders_new (AdiuvaStore *store);

G_END_DECLS
