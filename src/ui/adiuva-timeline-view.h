/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

/**
 * AdiuvaTimelineScale:
 * @ADIUVA_TIMELINE_SCALE_WEEKS: a tick each Monday, room for titles
 * @ADIUVA_TIMELINE_SCALE_MONTHS: a tick each month, for the long view
 */
typedef enum
{
  ADIUVA_TIMELINE_SCALE_WEEKS,
  ADIUVA_TIMELINE_SCALE_MONTHS,
} AdiuvaTimelineScale;

#define ADIUVA_TYPE_TIMELINE_VIEW (adiuva_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTimelineView, adiuva_timeline_view, ADIUVA, TIMELINE_VIEW, GtkWidget)

GtkWidget *adiuva_timeline_view_new (void);
void       adiuva_timeline_view_set_checkpoints (AdiuvaTimelineView *self,
                                                 GListModel         *checkpoints,
                                                 GListModel         *projects,
                                                 GDateTime          *now);
void       adiuva_timeline_view_set_scale (AdiuvaTimelineView *self,
                                           AdiuvaTimelineScale scale);
double     adiuva_timeline_view_get_today_x (AdiuvaTimelineView *self);

G_END_DECLS
