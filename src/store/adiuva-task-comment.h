/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TASK_COMMENT (adiuva_task_comment_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTaskComment, adiuva_task_comment, ADIUVA, TASK_COMMENT, AdiuvaRecord)

AdiuvaTaskComment *adiuva_task_comment_new (void);

gint64      adiuva_task_comment_get_task_id (AdiuvaTaskComment *self);
void        adiuva_task_comment_set_task_id (AdiuvaTaskComment *self, gint64 task_id);
const char *adiuva_task_comment_get_body (AdiuvaTaskComment *self);
void        adiuva_task_comment_set_body (AdiuvaTaskComment *self, const char *body);

G_END_DECLS
