/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include <json-glib/json-glib.h>

#include "adiuva-store-private.h"

#define EXPORT_FORMAT "adiuva-workspace-export"
#define EXPORT_VERSION 1

/* The logical export: every table's rows, tables by name, rows by primary key, columns in
 * table order. The same workspace always exports to the same bytes, which is what backups
 * deduplicate on and what lets a backup restore on any SQLCipher version. */

static GPtrArray *
list_tables (AdiuvaStore *self,
             GError     **error)
{
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int           rc;

  /* The search index is derived data, rebuilt by triggers on import. */
  stmt = _adiuva_store_prepare (self,
                                "SELECT name FROM sqlite_master WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index%' "
                                "ORDER BY name",
                                error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return NULL;
    }

  return g_steal_pointer (&tables);
}

static char *
primary_key_order (AdiuvaStore *self,
                   const char  *table)
{
  char *sql = sqlite3_mprintf ("PRAGMA table_info (%Q)", table);
  g_autoptr (GString) order = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int           rc;

  rc = sqlite3_prepare_v2 (_adiuva_store_get_db (self), sql, -1, &stmt, NULL);
  sqlite3_free (sql);
  if (rc != SQLITE_OK)
    return g_strdup ("rowid");

  /* pk column 5 is the 1-based position in the primary key; a table has few columns. */
  for (int pk = 1; pk < 8; pk++)
    {
      sqlite3_reset (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        if (sqlite3_column_int (stmt, 5) == pk)
          g_string_append_printf (order, "%s\"%s\"", order->len > 0 ? ", " : "",
                                  (const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);

  if (order->len == 0)
    g_string_append (order, "rowid");

  return g_string_free (g_steal_pointer (&order), FALSE);
}

static gboolean
add_table (AdiuvaStore *self,
           JsonBuilder *builder,
           const char  *table,
           GError     **error)
{
  g_autofree char *order = primary_key_order (self, table);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY %s", table, order);
  sqlite3_stmt    *stmt = NULL;
  int              rc;

  rc = sqlite3_prepare_v2 (_adiuva_store_get_db (self), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return FALSE;
    }

  json_builder_set_member_name (builder, table);
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          json_builder_set_member_name (builder, sqlite3_column_name (stmt, i));
          switch (sqlite3_column_type (stmt, i))
            {
            case SQLITE_INTEGER:
              json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, i));
              break;

            case SQLITE_FLOAT:
              json_builder_add_double_value (builder, sqlite3_column_double (stmt, i));
              break;

            case SQLITE_NULL:
              json_builder_add_null_value (builder);
              break;

            case SQLITE_BLOB:
              {
                g_autofree char *encoded = g_base64_encode (sqlite3_column_blob (stmt, i),
                                                            sqlite3_column_bytes (stmt, i));
                json_builder_add_string_value (builder, encoded);
              }
              break;

            case SQLITE_TEXT:
            default:
              json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, i));
              break;
            }
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (_adiuva_store_get_db (self), rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_store_export_json:
 *
 * Writes the whole workspace as JSON to @stream, in a deterministic order. Secrets are never
 * in the workspace, so never in the export.
 */
gboolean
adiuva_store_export_json (AdiuvaStore   *self,
                          GOutputStream *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) tables = NULL;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  /* One transaction: the export is a consistent snapshot even while others write. */
  if (!adiuva_store_begin (self, error))
    return FALSE;

  tables = list_tables (self, error);
  if (tables == NULL)
    goto failed;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, EXPORT_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, EXPORT_VERSION);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, adiuva_store_get_schema_version (self));
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_object (builder);
  for (guint i = 0; i < tables->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !add_table (self, builder, g_ptr_array_index (tables, i), error))
        goto failed;
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  if (!adiuva_store_commit (self, error))
    return FALSE;

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);

  return json_generator_to_stream (generator, stream, cancellable, error) &&
         g_output_stream_write_all (stream, "\n", 1, NULL, cancellable, error);

failed:
  adiuva_store_rollback (self);
  return FALSE;
}
