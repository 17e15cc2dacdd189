/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

#define ADIUVA_DATABASE_NAME "workspace.db"
#define ADIUVA_KEY_FILE_NAME "workspace.key"

sqlite3      *_adiuva_store_get_db (AdiuvaStore *self);
sqlite3_stmt *_adiuva_store_prepare (AdiuvaStore *self,
                                     const char  *sql,
                                     GError     **error);
gboolean      _adiuva_store_step_done (AdiuvaStore  *self,
                                       sqlite3_stmt *stmt,
                                       GError      **error);
gboolean      _adiuva_store_exec (AdiuvaStore *self,
                                  const char  *sql,
                                  GError     **error);
void          _adiuva_store_set_error (sqlite3 *db,
                                       int      rc,
                                       GError **error);
void          _adiuva_store_emit_changed (AdiuvaStore *self,
                                          AdiuvaEntity entity,
                                          gint64       id,
                                          AdiuvaChange change);
char         *_adiuva_store_select_sql (GType record_type);
gpointer      _adiuva_store_read_record (GType         record_type,
                                         sqlite3_stmt *stmt);
GListModel   *_adiuva_store_list (AdiuvaStore *self,
                                  GType        record_type,
                                  const char  *where_and_order,
                                  GError     **error,
                                  ...);
gboolean      _adiuva_store_save_task_tags (AdiuvaStore *self,
                                            AdiuvaTask  *task,
                                            gboolean     is_new,
                                            GError     **error);
gboolean      _adiuva_store_list_task_dependents (AdiuvaStore  *self,
                                                  AdiuvaRecord *record,
                                                  GPtrArray    *records,
                                                  GError      **error);
AdiuvaStore  *_adiuva_store_create_at_version (const char   *dir,
                                               const char   *passphrase,
                                               int           target_version,
                                               GCancellable *cancellable,
                                               GError      **error);
gboolean      _adiuva_store_migrate (AdiuvaStore *self,
                                     int          target,
                                     GError     **error);
gboolean      _adiuva_search_index_new_record (AdiuvaStore  *self,
                                               AdiuvaRecord *record,
                                               GError      **error);
void          _adiuva_search_register (sqlite3 *db);
AdiuvaStore  *_adiuva_store_open_at (AdiuvaStore *self,
                                     const char  *dir,
                                     GError     **error);
gboolean      _adiuva_store_checkpoint (AdiuvaStore *self,
                                        GError     **error);
gboolean      _adiuva_store_reopen_at (AdiuvaStore *self,
                                       const char  *dir,
                                       GError     **error);

G_END_DECLS
