/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TODAY_PAGE (adiuva_today_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTodayPage, adiuva_today_page, ADIUVA, TODAY_PAGE, GtkWidget)

G_END_DECLS
