/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-timeline-view.h"

G_BEGIN_DECLS

guint    _adiuva_timeline_view_get_n_items (AdiuvaTimelineView *self);
guint    _adiuva_timeline_view_get_n_overdue (AdiuvaTimelineView *self);
void     _adiuva_timeline_view_get_item_point (AdiuvaTimelineView *self,
                                               guint               index,
                                               double             *x,
                                               double             *y);
gboolean _adiuva_timeline_view_click (AdiuvaTimelineView *self,
                                      double              x,
                                      double              y);

gint64 _adiuva_timeline_view_get_focused_checkpoint (AdiuvaTimelineView *self);

G_END_DECLS
