/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store-types.h"

G_BEGIN_DECLS

/**
 * AdiuvaTaskFilter:
 * @project_id: a project, 0 for tasks without one (the inbox), -1 for any
 * @parent_id: a parent task, 0 for top-level tasks only, -1 for any
 * @status: an #AdiuvaTaskStatus, or -1 for any
 * @open_only: only tasks still to do or in progress
 * @due_before: (nullable): only tasks due on an earlier date than this `YYYY-MM-DD`
 * @due_after: (nullable): only tasks due on a later date than this `YYYY-MM-DD`
 * @tag: (nullable): only tasks with this tag
 * @text: (nullable): only tasks whose title or notes match these words
 * @pending_approval: only AI suggestions the user has not approved yet
 * @order: how to sort
 * @limit: at most this many of them, the first in @order; 0 for all. Only lists heed it: a
 *   count counts every task the filter matches.
 *
 * Which tasks a list shows. Start from adiuva_task_filter_new(), which selects everything.
 */
struct _AdiuvaTaskFilter
{
  gint64          project_id;
  gint64          parent_id;
  int             status;
  gboolean        open_only;
  char           *due_before;
  char           *due_after;
  char           *tag;
  char           *text;
  gboolean        pending_approval;
  AdiuvaTaskOrder order;
  guint           limit;
};

#define ADIUVA_TYPE_TASK_FILTER (adiuva_task_filter_get_type ())

GType             adiuva_task_filter_get_type (void) G_GNUC_CONST;
AdiuvaTaskFilter *adiuva_task_filter_new (void);
AdiuvaTaskFilter *adiuva_task_filter_copy (const AdiuvaTaskFilter *self);
void              adiuva_task_filter_free (AdiuvaTaskFilter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaTaskFilter, adiuva_task_filter_free)

G_END_DECLS
