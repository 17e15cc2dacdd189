/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TIMELINE_PAGE (adiuva_timeline_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTimelinePage, adiuva_timeline_page, ADIUVA, TIMELINE_PAGE, GtkWidget)

G_END_DECLS
