/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_TASK (adiuva_task_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaTask, adiuva_task, ADIUVA, TASK, AdiuvaRecord)

AdiuvaTask *adiuva_task_new (void);

gint64             adiuva_task_get_project_id (AdiuvaTask *self);
void               adiuva_task_set_project_id (AdiuvaTask *self, gint64 project_id);
gint64             adiuva_task_get_parent_id (AdiuvaTask *self);
void               adiuva_task_set_parent_id (AdiuvaTask *self, gint64 parent_id);
const char        *adiuva_task_get_title (AdiuvaTask *self);
void               adiuva_task_set_title (AdiuvaTask *self, const char *title);
const char        *adiuva_task_get_notes (AdiuvaTask *self);
void               adiuva_task_set_notes (AdiuvaTask *self, const char *notes);
AdiuvaTaskStatus   adiuva_task_get_status (AdiuvaTask *self);
void               adiuva_task_set_status (AdiuvaTask *self, AdiuvaTaskStatus status);
int                adiuva_task_get_priority (AdiuvaTask *self);
void               adiuva_task_set_priority (AdiuvaTask *self, int priority);
const char        *adiuva_task_get_start (AdiuvaTask *self);
void               adiuva_task_set_start (AdiuvaTask *self, const char *start);
const char        *adiuva_task_get_due (AdiuvaTask *self);
void               adiuva_task_set_due (AdiuvaTask *self, const char *due);
gint64             adiuva_task_get_completed_at (AdiuvaTask *self);
void               adiuva_task_set_completed_at (AdiuvaTask *self, gint64 completed_at);
double             adiuva_task_get_position (AdiuvaTask *self);
void               adiuva_task_set_position (AdiuvaTask *self, double position);
const char        *adiuva_task_get_recurrence (AdiuvaTask *self);
void               adiuva_task_set_recurrence (AdiuvaTask *self, const char *recurrence);
gboolean           adiuva_task_get_is_ai_suggested (AdiuvaTask *self);
void               adiuva_task_set_is_ai_suggested (AdiuvaTask *self, gboolean is_ai_suggested);
gboolean           adiuva_task_get_is_approved (AdiuvaTask *self);
void               adiuva_task_set_is_approved (AdiuvaTask *self, gboolean is_approved);
const char *const *adiuva_task_get_tags (AdiuvaTask *self);
void               adiuva_task_set_tags (AdiuvaTask *self, const char *const *tags);

G_END_DECLS
