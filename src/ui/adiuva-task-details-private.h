/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-task-details.h"

G_BEGIN_DECLS

void        _adiuva_task_details_apply_due (AdiuvaTaskDetails *self,
                                            const char        *text);
void        _adiuva_task_details_set_notes (AdiuvaTaskDetails *self,
                                            const char        *notes);
const char *_adiuva_task_details_get_message (AdiuvaTaskDetails *self);
void        _adiuva_task_details_add_subtask (AdiuvaTaskDetails *self,
                                              const char        *text);
GListModel *_adiuva_task_details_get_subtasks (AdiuvaTaskDetails *self);
void        _adiuva_task_details_apply_start (AdiuvaTaskDetails *self,
                                              const char        *text);
void        _adiuva_task_details_apply_recurrence (AdiuvaTaskDetails *self,
                                                   const char        *text);
void        _adiuva_task_details_add_comment (AdiuvaTaskDetails *self,
                                              const char        *text);
GListModel *_adiuva_task_details_get_comments (AdiuvaTaskDetails *self);
void        _adiuva_task_details_edit_comment (AdiuvaTaskDetails *self,
                                               gint64             comment_id);
void        _adiuva_task_details_save_comment_edit (AdiuvaTaskDetails *self,
                                                    const char        *text);

G_END_DECLS
