/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store-types.h"

G_BEGIN_DECLS

/**
 * AdiuvaQuickAdd:
 * @title: what is left of the text once understood tokens are taken out; empty (never
 *   %NULL) when the whole text was understood
 * @due: when the task is due, in the time zone of the reference time, or %NULL
 * @due_has_time: whether @due carries a time of day (otherwise only its date counts)
 * @priority: 1 (highest) to 4, or 0 when the text gave none
 * @project: the project name after `#`, or %NULL
 * @tags: the tags after `@`, never %NULL
 *
 * What the natural-language quick add understood of a line such as
 * `Send invoice to ACME tomorrow 5pm p1 #Website @billing`.
 */
struct _AdiuvaQuickAdd
{
  char      *title;
  GDateTime *due;
  gboolean   due_has_time;
  int        priority;
  char      *project;
  GStrv      tags;
};

#define ADIUVA_TYPE_QUICK_ADD (adiuva_quick_add_get_type ())

GType           adiuva_quick_add_get_type (void) G_GNUC_CONST;
AdiuvaQuickAdd *adiuva_quick_add_parse (const char *text,
                                        GDateTime  *now);
AdiuvaQuickAdd *adiuva_quick_add_copy (const AdiuvaQuickAdd *self);
void            adiuva_quick_add_free (AdiuvaQuickAdd *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaQuickAdd, adiuva_quick_add_free)

G_END_DECLS
