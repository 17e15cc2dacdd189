/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-record-private.h"
#include "adiuva-store-private.h"

/* Records reach the database through their properties: each name in the class's column list
 * is a property of the same name with dashes. The property specs are looked up once per type. */

typedef struct
{
  guint        n_columns;
  GParamSpec **pspecs;
  GParamSpec  *required; /* the title or name, which may not be blank */
  GParamSpec  *position; /* the place in the table's order, if it has one */
  char        *select_sql;
  char        *insert_sql;
  char        *update_sql;
} RecordInfo;

static GQuark
record_info_quark (void)
{
  return g_quark_from_static_string ("adiuva-record-info");
}

static char *
column_property_name (const char *column)
{
  return g_strdelimit (g_strdup (column), "_", '-');
}

static const RecordInfo *
get_record_info (GType record_type)
{
  static GMutex lock;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autoptr (GTypeClass) klass = NULL;
  AdiuvaRecordClass *record_class;
  RecordInfo        *info;
  g_autoptr (GString) select = NULL;
  g_autoptr (GString) insert = NULL;
  g_autoptr (GString) values = NULL;
  g_autoptr (GString) update = NULL;

  info = g_type_get_qdata (record_type, record_info_quark ());
  if (info != NULL)
    return info;

  klass = g_type_class_ref (record_type);
  record_class = ADIUVA_RECORD_CLASS (klass);
  g_assert (record_class->table != NULL && record_class->columns != NULL);

  info = g_new0 (RecordInfo, 1);
  info->n_columns = g_strv_length ((GStrv) record_class->columns);
  info->pspecs = g_new0 (GParamSpec *, info->n_columns);

  select = g_string_new ("SELECT id, created_at, updated_at");
  insert = g_string_new (NULL);
  values = g_string_new (NULL);
  update = g_string_new (NULL);
  /* A new record binds a NULL id and gets one more than any the table has had, deleted ones
   * too (migration 0008), so Undo can put a deleted one back; a restored one binds its own. */
  g_string_printf (insert, "INSERT INTO %s (id, created_at, updated_at", record_class->table);
  g_string_printf (values,
                   "VALUES (coalesce (?, max (coalesce ((SELECT max (id) FROM %s), 0), "
                   "coalesce ((SELECT max_id FROM deleted_ids WHERE table_name = '%s'), 0)) + 1), "
                   "?, ?",
                   record_class->table, record_class->table);
  g_string_printf (update, "UPDATE %s SET updated_at = ?", record_class->table);

  for (guint i = 0; i < info->n_columns; i++)
    {
      const char      *column = record_class->columns[i];
      g_autofree char *name = column_property_name (column);

      info->pspecs[i] = g_object_class_find_property (G_OBJECT_CLASS (klass), name);
      g_assert (info->pspecs[i] != NULL);
      /* Required, unless the property has a default: a conversation's title is '' until
       * its first exchange names it. */
      if ((g_str_equal (column, "title") || g_str_equal (column, "name")) &&
          G_PARAM_SPEC_STRING (info->pspecs[i])->default_value == NULL)
        info->required = info->pspecs[i];
      else if (g_str_equal (column, "position"))
        info->position = info->pspecs[i];

      g_string_append_printf (select, ", %s.%s", record_class->table, column);
      g_string_append_printf (insert, ", %s", column);
      g_string_append (values, ", ?");
      g_string_append_printf (update, ", %s = ?", column);
    }

  /* Tags are a join table; they ride along as one unit-separated column. */
  if (g_type_is_a (record_type, ADIUVA_TYPE_TASK))
    g_string_append (select, ", (SELECT group_concat (tags.name, char (31)) FROM task_tags "
                             "JOIN tags ON tags.id = task_tags.tag_id "
                             "WHERE task_tags.task_id = tasks.id)");

  g_string_append_printf (select, " FROM %s", record_class->table);
  g_string_append_printf (insert, ") %s)", values->str);
  g_string_append (update, " WHERE id = ?");

  info->select_sql = g_string_free (g_steal_pointer (&select), FALSE);
  info->insert_sql = g_string_free (g_steal_pointer (&insert), FALSE);
  info->update_sql = g_string_free (g_steal_pointer (&update), FALSE);

  g_type_set_qdata (record_type, record_info_quark (), info);

  return info;
}

char *
_adiuva_store_select_sql (GType record_type)
{
  return g_strdup (get_record_info (record_type)->select_sql);
}

static void
bind_property (sqlite3_stmt *stmt,
               int           index,
               AdiuvaRecord *record,
               GParamSpec   *pspec)
{
  const GValue *value = _adiuva_record_peek_value (record, pspec->param_id);

  if (G_VALUE_HOLDS_STRING (value))
    {
      const char *str = g_value_get_string (value);

      /* A string property with a default mirrors a NOT NULL column with that default. */
      if (str == NULL)
        str = G_PARAM_SPEC_STRING (pspec)->default_value;
      if (str != NULL)
        sqlite3_bind_text (stmt, index, str, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, index);
    }
  else if (G_VALUE_HOLDS_INT64 (value))
    {
      /* Every int64 column is a reference or a time: 0 means none. */
      if (g_value_get_int64 (value) != 0)
        sqlite3_bind_int64 (stmt, index, g_value_get_int64 (value));
      else
        sqlite3_bind_null (stmt, index);
    }
  else if (G_VALUE_HOLDS_INT (value))
    sqlite3_bind_int (stmt, index, g_value_get_int (value));
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    sqlite3_bind_int (stmt, index, g_value_get_boolean (value));
  else if (G_VALUE_HOLDS_DOUBLE (value))
    sqlite3_bind_double (stmt, index, g_value_get_double (value));
  else if (G_VALUE_HOLDS_ENUM (value))
    {
      g_autoptr (GEnumClass) enum_class = g_type_class_ref (pspec->value_type);
      GEnumValue *ev = g_enum_get_value (enum_class, g_value_get_enum (value));

      g_assert (ev != NULL);
      sqlite3_bind_text (stmt, index, ev->value_nick, -1, SQLITE_STATIC);
    }
  else
    g_assert_not_reached ();
}

static void
read_column (sqlite3_stmt *stmt,
             int           col,
             GParamSpec   *pspec,
             GValue       *value)
{
  g_value_init (value, pspec->value_type);

  if (G_VALUE_HOLDS_STRING (value))
    g_value_set_string (value, (const char *) sqlite3_column_text (stmt, col));
  else if (G_VALUE_HOLDS_INT64 (value))
    g_value_set_int64 (value, sqlite3_column_int64 (stmt, col));
  else if (G_VALUE_HOLDS_INT (value))
    g_value_set_int (value, sqlite3_column_int (stmt, col));
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    g_value_set_boolean (value, sqlite3_column_int (stmt, col) != 0);
  else if (G_VALUE_HOLDS_DOUBLE (value))
    g_value_set_double (value, sqlite3_column_double (stmt, col));
  else if (G_VALUE_HOLDS_ENUM (value))
    {
      g_autoptr (GEnumClass) enum_class = g_type_class_ref (pspec->value_type);
      const char *nick = (const char *) sqlite3_column_text (stmt, col);
      GEnumValue *ev = nick != NULL ? g_enum_get_value_by_nick (enum_class, nick) : NULL;

      g_value_set_enum (value, ev != NULL ? ev->value : G_PARAM_SPEC_ENUM (pspec)->default_value);
    }
  else
    g_assert_not_reached ();
}

gpointer
_adiuva_store_read_record (GType         record_type,
                           sqlite3_stmt *stmt)
{
  const RecordInfo *info = get_record_info (record_type);
  g_autoptr (AdiuvaRecord) record = NULL;

  record = g_object_new (record_type, "id", sqlite3_column_int64 (stmt, 0), NULL);
  _adiuva_record_set_times (record, sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2));

  for (guint i = 0; i < info->n_columns; i++)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      read_column (stmt, 3 + i, info->pspecs[i], &value);
      _adiuva_record_take_value (record, info->pspecs[i]->param_id, &value);
    }

  if (ADIUVA_IS_TASK (record))
    {
      const char *joined = (const char *) sqlite3_column_text (stmt, 3 + info->n_columns);
      g_auto (GStrv) tags = joined != NULL ? g_strsplit (joined, "\x1f", -1) : g_new0 (char *, 1);

      adiuva_task_set_tags (ADIUVA_TASK (record), (const char *const *) tags);
    }

  return g_steal_pointer (&record);
}

static gboolean
check_record (AdiuvaRecord     *record,
              const RecordInfo *info,
              GError          **error)
{
  const char *text;

  if (info->required == NULL)
    return TRUE;

  /* Titles and names are what a person sees in a list: refuse blank ones with words. */
  text = g_value_get_string (_adiuva_record_peek_value (record, info->required->param_id));
  while (text != NULL && g_ascii_isspace (*text))
    text++;
  if (text == NULL || *text == '\0')
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The %s cannot be empty."), info->required->name);
      return FALSE;
    }

  return TRUE;
}

/* Records with a "position" (projects, tasks) share one order per table: doubles, where a
 * move takes the midpoint of its new neighbours. */
static gboolean
query_position (AdiuvaStore *self,
                const char  *sql,
                double       arg,
                gboolean    *found,
                double      *value,
                GError     **error)
{
  sqlite3_stmt *stmt = _adiuva_store_prepare (self, sql, error);
  int           rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_double (stmt, 1, arg);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL;
  if (*found)
    *value = sqlite3_column_double (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
position_at_end (AdiuvaStore *self,
                 const char  *table,
                 double      *position,
                 GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT max (position) + ? FROM %s", table);
  gboolean         found;

  if (!query_position (self, sql, 1.0, &found, position, error))
    return FALSE;
  if (!found)
    *position = 1;

  return TRUE;
}

/* When repeated moves into one gap exhaust the precision, the table is renumbered once. */
static gboolean
position_before (AdiuvaStore *self,
                 const char  *table,
                 gint64       before_id,
                 double      *position,
                 GError     **error)
{
  g_autofree char *own_sql = g_strdup_printf ("SELECT position FROM %s WHERE id = ?", table);
  g_autofree char *previous_sql = g_strdup_printf ("SELECT max (position) FROM %s "
                                                   "WHERE position < ?",
                                                   table);
  g_autofree char *renumber_sql = g_strdup_printf ("CREATE TEMP TABLE renumber AS "
                                                   "SELECT id FROM %1$s ORDER BY position, id;"
                                                   "UPDATE %1$s SET position = (SELECT rowid "
                                                   "FROM temp.renumber WHERE renumber.id = %1$s.id);"
                                                   "DROP TABLE temp.renumber;",
                                                   table);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      gboolean found;
      double   next, previous;

      if (!query_position (self, own_sql, (double) before_id, &found, &next, error))
        return FALSE;
      if (!found)
        {
          /* Ids are formatted apart: xgettext cannot read G_GINT64_FORMAT. */
          g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, before_id);

          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                       _ ("There is nothing with id %s to move before."), id_text);
          return FALSE;
        }

      if (!query_position (self, previous_sql, next, &found, &previous, error))
        return FALSE;
      if (!found)
        previous = next - 1;

      *position = previous + (next - previous) / 2;
      if (*position > previous && *position < next)
        return TRUE;

      if (!_adiuva_store_exec (self, renumber_sql, error))
        return FALSE;
    }

  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED,
               _ ("Could not find room to move it there."));
  return FALSE;
}

/* New records with an order but no place yet go to the end. */
static gboolean
place_at_end (AdiuvaStore      *self,
              AdiuvaRecord     *record,
              const RecordInfo *info,
              GError          **error)
{
  g_auto (GValue) value = G_VALUE_INIT;
  double position;

  if (info->position == NULL ||
      g_value_get_double (_adiuva_record_peek_value (record, info->position->param_id)) != 0)
    return TRUE;

  if (!position_at_end (self, ADIUVA_RECORD_GET_CLASS (record)->table, &position, error))
    return FALSE;

  g_value_init (&value, G_TYPE_DOUBLE);
  g_value_set_double (&value, position);
  _adiuva_record_set_value_property (G_OBJECT (record), info->position->param_id, &value,
                                     info->position);
  return TRUE;
}

/* A conversation's last activity is its last message: the Chat sidebar lists by it. */
static gboolean
touch_conversation (AdiuvaStore *self,
                    gint64       conversation_id,
                    gint64       now,
                    GError     **error)
{
  sqlite3_stmt *stmt = _adiuva_store_prepare (self,
                                              "UPDATE conversations SET updated_at = ?1 "
                                              "WHERE id = ?2",
                                              error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, conversation_id);
  if (!_adiuva_store_step_done (self, stmt, error))
    return FALSE;

  _adiuva_store_emit_changed (self, ADIUVA_ENTITY_CONVERSATION, conversation_id,
                              ADIUVA_CHANGE_UPDATED);
  return TRUE;
}

/* A deleted record goes back only where nothing has taken its id since. */
static gboolean
check_id_free (AdiuvaStore  *self,
               AdiuvaRecord *record,
               GError      **error)
{
  AdiuvaRecordClass *klass = ADIUVA_RECORD_GET_CLASS (record);
  g_autofree char   *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", klass->table);
  sqlite3_stmt      *stmt = _adiuva_store_prepare (self, sql, error);
  int                rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, adiuva_record_get_id (record));
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  adiuva_record_get_id (record));

      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS,
                   _ ("Could not put the record back: id %s belongs to another one now."),
                   id_text);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return FALSE;
    }

  return TRUE;
}

typedef enum
{
  WRITE_ADD,
  WRITE_RESTORE,
  WRITE_UPDATE,
} WriteMode;

static gboolean
write_record (AdiuvaStore  *self,
              AdiuvaRecord *record,
              WriteMode     mode,
              GError      **error)
{
  const RecordInfo  *info = get_record_info (G_OBJECT_TYPE (record));
  AdiuvaRecordClass *klass = ADIUVA_RECORD_GET_CLASS (record);
  gboolean           insert = mode != WRITE_UPDATE;
  gint64             now = g_get_real_time () / G_USEC_PER_SEC;
  gint64             created_at = mode == WRITE_ADD ? now : adiuva_record_get_created_at (record);
  gint64             updated_at = mode == WRITE_RESTORE ? adiuva_record_get_updated_at (record) : now;
  sqlite3_stmt      *stmt;
  int                index = 1;

  if (!check_record (record, info, error))
    return FALSE;

  if (!adiuva_store_begin (self, error))
    return FALSE;

  if (mode == WRITE_RESTORE && !check_id_free (self, record, error))
    goto failed;

  if (insert && !place_at_end (self, record, info, error))
    goto failed;

  stmt = _adiuva_store_prepare (self, insert ? info->insert_sql : info->update_sql, error);
  if (stmt == NULL)
    goto failed;

  if (mode == WRITE_RESTORE)
    sqlite3_bind_int64 (stmt, index++, adiuva_record_get_id (record));
  else if (mode == WRITE_ADD)
    sqlite3_bind_null (stmt, index++);
  if (insert)
    sqlite3_bind_int64 (stmt, index++, created_at);
  sqlite3_bind_int64 (stmt, index++, updated_at);
  for (guint i = 0; i < info->n_columns; i++)
    bind_property (stmt, index++, record, info->pspecs[i]);
  if (!insert)
    sqlite3_bind_int64 (stmt, index++, adiuva_record_get_id (record));

  if (!_adiuva_store_step_done (self, stmt, error))
    goto failed;

  if (!insert && sqlite3_changes (_adiuva_store_get_db (self)) == 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("The record no longer exists; it may have been deleted."));
      goto failed;
    }

  if (mode == WRITE_ADD)
    _adiuva_record_set_id (record, sqlite3_last_insert_rowid (_adiuva_store_get_db (self)));
  if (insert && !_adiuva_search_index_new_record (self, record, error))
    goto failed;

  if (ADIUVA_IS_TASK (record) &&
      !_adiuva_store_save_task_tags (self, ADIUVA_TASK (record), insert, error))
    goto failed;

  /* A restored message is no new activity: its conversation comes back with its own time. */
  if (mode == WRITE_ADD && ADIUVA_IS_MESSAGE (record) &&
      !touch_conversation (self, adiuva_message_get_conversation_id (ADIUVA_MESSAGE (record)),
                           now, error))
    goto failed;

  if (!adiuva_store_commit (self, error))
    return FALSE;

  _adiuva_record_set_times (record, created_at, updated_at);
  _adiuva_store_emit_changed (self, klass->entity, adiuva_record_get_id (record),
                              insert ? ADIUVA_CHANGE_ADDED : ADIUVA_CHANGE_UPDATED);

  return TRUE;

failed:
  adiuva_store_rollback (self);
  if (mode == WRITE_ADD)
    _adiuva_record_set_id (record, 0);
  return FALSE;
}

/**
 * adiuva_store_add:
 *
 * Saves a new record and gives it its id. Tasks also get their tags saved.
 */
gboolean
adiuva_store_add (AdiuvaStore  *self,
                  AdiuvaRecord *record,
                  GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);
  g_return_val_if_fail (adiuva_record_get_id (record) == 0, FALSE);

  return write_record (self, record, WRITE_ADD, error);
}

/* What the schema's ON DELETE SET NULL keeps but unlinks from a deleted record (a client's
 * projects, a project's notes and conversations) is in adiuva_store_delete_all()'s list with
 * the column to link again, so adiuva_store_restore() links it instead of adding it. */
static GQuark
unlinked_quark (void)
{
  return g_quark_from_static_string ("adiuva-store-unlinked");
}

/* The other half of ON DELETE SET NULL. The unlink left the record's updated time alone, and
 * so does this: a note is no newer for its project coming back. */
static gboolean
relink (AdiuvaStore  *self,
        AdiuvaRecord *record,
        GError      **error)
{
  AdiuvaRecordClass *klass = ADIUVA_RECORD_GET_CLASS (record);
  const char        *column = g_object_get_qdata (G_OBJECT (record), unlinked_quark ());
  g_autofree char   *property = column_property_name (column);
  g_autofree char   *sql = NULL;
  sqlite3_stmt      *stmt;
  gint64             link = 0;

  g_object_get (record, property, &link, NULL);
  sql = g_strdup_printf ("UPDATE %s SET %s = ?1 WHERE id = ?2 AND %s IS NULL", klass->table,
                         column, column);
  stmt = _adiuva_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, link);
  sqlite3_bind_int64 (stmt, 2, adiuva_record_get_id (record));
  if (!_adiuva_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (_adiuva_store_get_db (self)) > 0)
    _adiuva_store_emit_changed (self, klass->entity, adiuva_record_get_id (record),
                                ADIUVA_CHANGE_UPDATED);
  return TRUE;
}

/**
 * adiuva_store_restore:
 * @record: a deleted record, as it was read before (with its id and times)
 *
 * Puts a deleted record back as it was: with its id, so whatever still refers to it (an open
 * page, a link, a selection) finds it again, and with its created and updated times. What was
 * deleted with it is restored the same way, after it (adiuva_store_delete_all() says what that
 * was). Fails with %ADIUVA_STORE_ERROR_EXISTS when another record has taken the id since.
 *
 * A record adiuva_store_delete_all() lists as unlinked (a note of a deleted project) is linked
 * again instead, unless it was deleted or linked elsewhere since.
 */
gboolean
adiuva_store_restore (AdiuvaStore  *self,
                      AdiuvaRecord *record,
                      GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);
  g_return_val_if_fail (adiuva_record_get_id (record) > 0, FALSE);

  if (g_object_get_qdata (G_OBJECT (record), unlinked_quark ()) != NULL)
    return relink (self, record, error);

  return write_record (self, record, WRITE_RESTORE, error);
}

gboolean
adiuva_store_update (AdiuvaStore  *self,
                     AdiuvaRecord *record,
                     GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);
  g_return_val_if_fail (adiuva_record_get_id (record) > 0, FALSE);

  return write_record (self, record, WRITE_UPDATE, error);
}

/**
 * adiuva_store_delete:
 *
 * Deletes a record. What hangs off it follows the schema: a project's tasks and checkpoints
 * go with it, its notes stay without a project, a client's projects stay without a client.
 * A conversation's messages go with it; a project's conversations stay without a project.
 */
gboolean
adiuva_store_delete (AdiuvaStore  *self,
                     AdiuvaRecord *record,
                     GError      **error)
{
  AdiuvaRecordClass *klass;
  g_autofree char   *sql = NULL;
  sqlite3_stmt      *stmt;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);

  klass = ADIUVA_RECORD_GET_CLASS (record);
  sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?", klass->table);
  stmt = _adiuva_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, adiuva_record_get_id (record));
  if (!_adiuva_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (_adiuva_store_get_db (self)) == 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("The record no longer exists; it may have been deleted."));
      return FALSE;
    }

  _adiuva_store_emit_changed (self, klass->entity, adiuva_record_get_id (record),
                              ADIUVA_CHANGE_REMOVED);
  return TRUE;
}

/* Records of different kinds share ids: one is known by its table and id. */
static char *
record_key (AdiuvaRecord *record)
{
  return g_strdup_printf ("%s %" G_GINT64_FORMAT, ADIUVA_RECORD_GET_CLASS (record)->table,
                          adiuva_record_get_id (record));
}

/* Takes @records, which is %NULL when listing them failed. */
static gboolean
append_unlinked (GPtrArray  *tree,
                 GListModel *records,
                 const char *column)
{
  if (records == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      GObject *record = g_list_model_get_item (records, i);

      g_object_set_qdata (record, unlinked_quark (), (gpointer) column);
      g_ptr_array_add (tree, record);
    }
  g_object_unref (records);

  return TRUE;
}

/* @record as saved, then what its delete takes with it or unlinks from it. */
static GPtrArray *
dup_with_dependents (AdiuvaStore  *self,
                     AdiuvaRecord *record,
                     GError      **error)
{
  g_autoptr (GPtrArray) tree = g_ptr_array_new_with_free_func (g_object_unref);
  AdiuvaRecord *saved;
  gint64        id = adiuva_record_get_id (record);

  saved = adiuva_store_get (self, G_OBJECT_TYPE (record), id, error);
  if (saved == NULL)
    return NULL;
  g_ptr_array_add (tree, saved);

  if (ADIUVA_IS_TASK (saved))
    {
      if (!_adiuva_store_list_task_dependents (self, saved, tree, error))
        return NULL;
    }
  else if (ADIUVA_IS_PROJECT (saved))
    {
      g_autoptr (GListModel) checkpoints = NULL;

      checkpoints = adiuva_store_list_checkpoints (self, id, NULL, NULL, error);
      if (checkpoints == NULL || !_adiuva_store_list_task_dependents (self, saved, tree, error) ||
          !append_unlinked (tree, adiuva_store_list_notes (self, id, error), "project_id") ||
          !append_unlinked (tree, adiuva_store_list_conversations (self, id, error), "project_id"))
        return NULL;
      for (guint i = 0; i < g_list_model_get_n_items (checkpoints); i++)
        g_ptr_array_add (tree, g_list_model_get_item (checkpoints, i));
    }
  else if (ADIUVA_IS_CLIENT (saved))
    {
      if (!append_unlinked (tree, adiuva_store_list_projects (self, id, TRUE, error), "client_id"))
        return NULL;
    }
  else if (ADIUVA_IS_CONVERSATION (saved))
    {
      g_autoptr (GListModel) messages = adiuva_store_list_messages (self, id, error);

      if (messages == NULL)
        return NULL;
      for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
        g_ptr_array_add (tree, g_list_model_get_item (messages, i));
    }

  return g_steal_pointer (&tree);
}

static guint
delete_rank (AdiuvaRecord *record)
{
  if (ADIUVA_IS_CLIENT (record))
    return 0;
  return ADIUVA_IS_PROJECT (record) ? 1 : 2;
}

static gboolean
delete_trees (AdiuvaStore *self,
              GPtrArray   *records,
              GPtrArray   *deleted,
              GError     **error)
{
  g_autoptr (GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Every tree is read before anything is deleted: a subtask listed before its parent goes
   * with the parent, and comes back after it. */
  for (guint i = 0; i < records->len; i++)
    {
      GPtrArray *tree = dup_with_dependents (self, g_ptr_array_index (records, i), error);

      if (tree == NULL)
        return FALSE;
      g_ptr_array_add (trees, tree);
      for (guint j = 1; j < tree->len; j++)
        if (g_object_get_qdata (g_ptr_array_index (tree, j), unlinked_quark ()) == NULL)
          g_hash_table_add (taken, record_key (g_ptr_array_index (tree, j)));
    }

  /* Clients, then projects, then the rest: a note deleted with its project comes back after
   * it, as it refers to it. */
  for (guint rank = 0; rank < 3; rank++)
    for (guint i = 0; i < trees->len; i++)
      {
        GPtrArray    *tree = g_ptr_array_index (trees, i);
        AdiuvaRecord *root = g_ptr_array_index (tree, 0);

        if (delete_rank (root) != rank || !g_hash_table_add (taken, record_key (root)))
          continue;
        if (!adiuva_store_delete (self, root, error))
          return FALSE;
        for (guint j = 0; j < tree->len; j++)
          g_ptr_array_add (deleted, g_object_ref (g_ptr_array_index (tree, j)));
      }

  return TRUE;
}

/**
 * adiuva_store_delete_all:
 * @records: (element-type AdiuvaRecord): what to delete
 *
 * Deletes @records in one transaction, all or nothing, and says what went, so an Undo can
 * bring it all back: each record as it was saved, then what its delete took with it, which for
 * a task is its subtasks at all levels and the comments of each; for a project its tasks (with
 * theirs) and its checkpoints; for a conversation its messages. What the delete unlinks
 * rather than deletes is listed too, as it was (a project's notes and conversations, a
 * client's projects), for adiuva_store_restore() to link again. A record that went with
 * another of @records (a subtask with its parent), or is listed twice, is deleted once.
 *
 * Returns: (transfer container) (element-type AdiuvaRecord): what was deleted, each record
 *   before those that refer to it, the order adiuva_store_restore_all() needs; %NULL on error
 */
GPtrArray *
adiuva_store_delete_all (AdiuvaStore *self,
                         GPtrArray   *records,
                         GError     **error)
{
  g_autoptr (GPtrArray) deleted = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (records != NULL, NULL);

  if (!adiuva_store_begin (self, error))
    return NULL;
  if (!delete_trees (self, records, deleted, error))
    {
      adiuva_store_rollback (self);
      return NULL;
    }
  if (!adiuva_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&deleted);
}

/**
 * adiuva_store_restore_all:
 * @records: (element-type AdiuvaRecord): deleted records, each before those that refer to it,
 *   as adiuva_store_delete_all() gives them
 *
 * adiuva_store_restore() on each of @records in one transaction: all come back or none.
 */
gboolean
adiuva_store_restore_all (AdiuvaStore *self,
                          GPtrArray   *records,
                          GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);

  if (!adiuva_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < records->len; i++)
    if (!adiuva_store_restore (self, g_ptr_array_index (records, i), error))
      {
        adiuva_store_rollback (self);
        return FALSE;
      }

  return adiuva_store_commit (self, error);
}

static void
set_not_found (GError     **error,
               AdiuvaEntity entity,
               gint64       id)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char      *kind = NULL;

  switch (entity)
    {
    case ADIUVA_ENTITY_CLIENT:
      kind = _ ("client");
      break;

    case ADIUVA_ENTITY_PROJECT:
      kind = _ ("project");
      break;

    case ADIUVA_ENTITY_TASK:
      kind = _ ("task");
      break;

    case ADIUVA_ENTITY_CHECKPOINT:
      kind = _ ("checkpoint");
      break;

    case ADIUVA_ENTITY_NOTE:
      kind = _ ("note");
      break;

    case ADIUVA_ENTITY_CONVERSATION:
      kind = _ ("conversation");
      break;

    case ADIUVA_ENTITY_MESSAGE:
      kind = _ ("message");
      break;

    case ADIUVA_ENTITY_TASK_COMMENT:
    default:
      kind = _ ("comment");
      break;
    }

  /* Translators: %s is one of client, project, task, checkpoint, note, comment, conversation,
   * message */
  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
               _ ("There is no %s with id %s."), kind, id_text);
}

gpointer
adiuva_store_get (AdiuvaStore *self,
                  GType        record_type,
                  gint64       id,
                  GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr (GTypeClass) klass = NULL;
  sqlite3_stmt *stmt;
  gpointer      record = NULL;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_type_is_a (record_type, ADIUVA_TYPE_RECORD), NULL);

  klass = g_type_class_ref (record_type);
  sql = g_strdup_printf ("%s WHERE %s.id = ?", get_record_info (record_type)->select_sql,
                         ADIUVA_RECORD_CLASS (klass)->table);
  stmt = _adiuva_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = _adiuva_store_read_record (record_type, stmt);
  else if (rc == SQLITE_DONE)
    set_not_found (error, ADIUVA_RECORD_CLASS (klass)->entity, id);
  else
    _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
  sqlite3_reset (stmt);

  return record;
}

/* Runs "<select> <where_and_order>" with the variadic gint64/strings bound in order; the
 * format of each argument is given by a leading 'i' or 's' in a NULL-terminated list. */
GListModel *
_adiuva_store_list (AdiuvaStore *self,
                    GType        record_type,
                    const char  *where_and_order,
                    GError     **error,
                    ...)
{
  g_autoptr (GListStore) list = g_list_store_new (record_type);
  g_autofree char *sql = NULL;
  sqlite3_stmt    *stmt;
  const char      *kind;
  va_list          args;
  int              index = 1;
  int              rc;

  sql = g_strdup_printf ("%s %s", get_record_info (record_type)->select_sql, where_and_order);
  stmt = _adiuva_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  va_start (args, error);
  while ((kind = va_arg (args, const char *)) != NULL)
    {
      if (kind[0] == 'i')
        sqlite3_bind_int64 (stmt, index++, va_arg (args, gint64));
      else
        sqlite3_bind_text (stmt, index++, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
    }
  va_end (args);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (GObject) record = _adiuva_store_read_record (record_type, stmt);

      g_list_store_append (list, record);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&list));
}

GListModel *
adiuva_store_list_clients (AdiuvaStore *self,
                           GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_CLIENT, "ORDER BY name COLLATE NOCASE, id",
                             error, NULL);
}

/**
 * adiuva_store_list_projects:
 * @client_id: a client, 0 for projects without one, -1 for all
 */
GListModel *
adiuva_store_list_projects (AdiuvaStore *self,
                            gint64       client_id,
                            gboolean     include_archived,
                            GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_PROJECT,
                             "WHERE (?1 < 0 OR coalesce (client_id, 0) = ?1) "
                             "AND (?2 OR NOT archived) "
                             "ORDER BY position, name COLLATE NOCASE, id",
                             error, "i", client_id, "i", (gint64) include_archived, NULL);
}

/**
 * adiuva_store_list_checkpoints:
 * @project_id: a project, or -1 for all
 * @from_date: (nullable): first date (inclusive), `YYYY-MM-DD`
 * @to_date: (nullable): last date (inclusive)
 */
GListModel *
adiuva_store_list_checkpoints (AdiuvaStore *self,
                               gint64       project_id,
                               const char  *from_date,
                               const char  *to_date,
                               GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_CHECKPOINT,
                             "WHERE (?1 < 0 OR project_id = ?1) "
                             "AND (?2 = '' OR date >= ?2) AND (?3 = '' OR date < date (?3, '+1 day')) "
                             "ORDER BY date, id",
                             error, "i", project_id, "s", from_date ? from_date : "",
                             "s", to_date ? to_date : "", NULL);
}

/**
 * adiuva_store_list_notes:
 * @project_id: a project, 0 for notes without one, -1 for all
 *
 * Pinned notes first, then the most recently changed.
 */
GListModel *
adiuva_store_list_notes (AdiuvaStore *self,
                         gint64       project_id,
                         GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_NOTE,
                             "WHERE (?1 < 0 OR coalesce (project_id, 0) = ?1) "
                             "ORDER BY pinned DESC, updated_at DESC, id DESC",
                             error, "i", project_id, NULL);
}

/**
 * adiuva_store_list_note_previews:
 * @project_id: a project, 0 for notes without one, -1 for all
 * @max_chars: how much of a body's first line to keep, in characters
 *
 * The notes of adiuva_store_list_notes(), in the same order, with what a list shows of each:
 * its body is only the start of its first line, at most @max_chars characters. A list of
 * thousands of notes need not hold all of their text; read a note with adiuva_store_get()
 * to open it.
 */
GListModel *
adiuva_store_list_note_previews (AdiuvaStore *self,
                                 gint64       project_id,
                                 guint        max_chars,
                                 GError     **error)
{
  g_autoptr (GListStore) list = NULL;
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  /* Cut in SQL: the rest of a body is never copied out of SQLite. */
  stmt = _adiuva_store_prepare (
      self,
      "SELECT id, created_at, updated_at, project_id, title, pinned, "
      "substr (body, 1, min (?2, coalesce (nullif (instr (body, char (10)), 0) - 1, ?2))) "
      "FROM notes WHERE (?1 < 0 OR coalesce (project_id, 0) = ?1) "
      "ORDER BY pinned DESC, updated_at DESC, id DESC",
      error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, project_id);
  sqlite3_bind_int64 (stmt, 2, max_chars);
  list = g_list_store_new (ADIUVA_TYPE_NOTE);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (AdiuvaRecord) note = NULL;

      note = g_object_new (ADIUVA_TYPE_NOTE, "id", sqlite3_column_int64 (stmt, 0), "project-id",
                           sqlite3_column_int64 (stmt, 3), "title",
                           (const char *) sqlite3_column_text (stmt, 4), "pinned",
                           sqlite3_column_int (stmt, 5) != 0, "body",
                           (const char *) sqlite3_column_text (stmt, 6), NULL);
      _adiuva_record_set_times (note, sqlite3_column_int64 (stmt, 1),
                                sqlite3_column_int64 (stmt, 2));
      g_list_store_append (list, note);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&list));
}

GListModel *
adiuva_store_list_task_comments (AdiuvaStore *self,
                                 gint64       task_id,
                                 GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_TASK_COMMENT,
                             "WHERE task_id = ?1 ORDER BY created_at, id",
                             error, "i", task_id, NULL);
}

/**
 * adiuva_store_list_conversations:
 * @project_id: a project, 0 for conversations without one, -1 for all
 *
 * The most recently active first: a new message makes its conversation the newest.
 */
GListModel *
adiuva_store_list_conversations (AdiuvaStore *self,
                                 gint64       project_id,
                                 GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_CONVERSATION,
                             "WHERE (?1 < 0 OR coalesce (project_id, 0) = ?1) "
                             "ORDER BY updated_at DESC, id DESC",
                             error, "i", project_id, NULL);
}

/**
 * adiuva_store_list_messages:
 *
 * The messages of a conversation in the order they were added, which is the order a model is
 * sent them in.
 */
GListModel *
adiuva_store_list_messages (AdiuvaStore *self,
                            gint64       conversation_id,
                            GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return _adiuva_store_list (self, ADIUVA_TYPE_MESSAGE,
                             "WHERE conversation_id = ?1 ORDER BY id",
                             error, "i", conversation_id, NULL);
}

static gpointer
find_by_name (AdiuvaStore *self,
              GType        record_type,
              const char  *column,
              const char  *name,
              const char  *what,
              GError     **error)
{
  g_autofree char *where = g_strdup_printf ("WHERE %s = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                                            column);
  g_autoptr (GListModel) found = _adiuva_store_list (self, record_type, where, error,
                                                     "s", name, NULL);

  if (found == NULL)
    return NULL;

  if (g_list_model_get_n_items (found) == 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("There is no %s named “%s”."), what, name);
      return NULL;
    }

  return g_list_model_get_item (found, 0);
}

AdiuvaClient *
adiuva_store_find_client (AdiuvaStore *self,
                          const char  *name,
                          GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_by_name (self, ADIUVA_TYPE_CLIENT, "name", name, _ ("client"), error);
}

AdiuvaProject *
adiuva_store_find_project (AdiuvaStore *self,
                           const char  *name,
                           GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_by_name (self, ADIUVA_TYPE_PROJECT, "name", name, _ ("project"), error);
}

AdiuvaNote *
adiuva_store_find_note (AdiuvaStore *self,
                        const char  *title,
                        GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  return find_by_name (self, ADIUVA_TYPE_NOTE, "title", title, _ ("note"), error);
}

/**
 * adiuva_store_reorder:
 * @record: a saved project or task
 * @before_id: the record it goes before, 0 for the end
 *
 * Moves @record to another place in its table's order and saves it (with any other change
 * made to it).
 */
gboolean
adiuva_store_reorder (AdiuvaStore  *self,
                      AdiuvaRecord *record,
                      gint64        before_id,
                      GError      **error)
{
  const char *table;
  double      position;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_RECORD (record), FALSE);
  g_return_val_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (record), "position"),
                        FALSE);

  if (before_id == adiuva_record_get_id (record))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("Nothing can be moved before itself."));
      return FALSE;
    }

  table = ADIUVA_RECORD_GET_CLASS (record)->table;
  if (!adiuva_store_begin (self, error))
    return FALSE;

  if (!(before_id > 0 ? position_before (self, table, before_id, &position, error)
                      : position_at_end (self, table, &position, error)))
    {
      adiuva_store_rollback (self);
      return FALSE;
    }

  g_object_set (record, "position", position, NULL);
  if (!adiuva_store_update (self, record, error))
    {
      adiuva_store_rollback (self);
      return FALSE;
    }

  return adiuva_store_commit (self, error);
}
