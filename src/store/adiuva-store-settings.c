/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include "adiuva-store-private.h"

/**
 * adiuva_store_dup_setting:
 * @key: the setting's name, such as `gateway.providers`
 *
 * Reads a workspace setting. Settings are plain text; secrets never go here.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when it is not set (and on error,
 *   with @error set)
 */
char *
adiuva_store_dup_setting (AdiuvaStore *self,
                          const char  *key,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  char         *value = NULL;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _adiuva_store_prepare (self, "SELECT value FROM settings WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
  sqlite3_reset (stmt);

  return value;
}

/**
 * adiuva_store_set_setting:
 * @key: the setting's name
 * @value: (nullable): its new value; %NULL removes the setting
 *
 * Writes a workspace setting.
 */
gboolean
adiuva_store_set_setting (AdiuvaStore *self,
                          const char  *key,
                          const char  *value,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL)
    stmt = _adiuva_store_prepare (self, "DELETE FROM settings WHERE key = ?", error);
  else
    stmt = _adiuva_store_prepare (self,
                                  "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);

  return _adiuva_store_step_done (self, stmt, error);
}
