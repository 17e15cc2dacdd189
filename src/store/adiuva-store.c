/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gcrypt.h>
#include <string.h>
#include <unistd.h>

#include "adiuva-key-file-private.h"
#include "adiuva-record-private.h"
#include "adiuva-store-private.h"
#include "adiuva-store-resources.h"

#define MIGRATIONS_PATH "/org/adiuva/store/migrations"

/* SQLCipher 3 defaults to 1 KiB pages, SQLCipher 4 to 4 KiB; pinning 4 KiB makes files the
 * same on both and halves the per-page HMAC cost on 3. Set before the first read. */
#define CIPHER_PAGE_SIZE 4096

struct _AdiuvaStore
{
  GObject parent_instance;

  char         *dir;
  sqlite3      *db;
  GHashTable   *statements;
  char         *cipher_version;
  int           schema_version;
  AdiuvaKeyMode key_modes;
  char         *workspace_id;
  guint8        key[ADIUVA_MASTER_KEY_SIZE];

  gboolean made_dir;

  guint    transaction_depth;
  gboolean transaction_failed;
  GArray  *pending_changes;

  /* The connection of adiuva_store_read_async(), one read at a time, kept open rather than
   * opened again (key, schema, pragmas) for every read. */
  GMutex       reader_lock;
  AdiuvaStore *reader;
};

typedef struct
{
  AdiuvaEntity entity;
  gint64       id;
  AdiuvaChange change;
} PendingChange;

G_DEFINE_FINAL_TYPE (AdiuvaStore, adiuva_store, G_TYPE_OBJECT)

GQuark
adiuva_store_error_quark (void)
{
  return g_quark_from_static_string ("adiuva-store-error-quark");
}

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
adiuva_store_finalize (GObject *object)
{
  AdiuvaStore *self = ADIUVA_STORE (object);

  adiuva_store_close (self);
  g_mutex_clear (&self->reader_lock);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->pending_changes, g_array_unref);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->cipher_version, g_free);
  g_clear_pointer (&self->workspace_id, g_free);
  explicit_bzero (self->key, sizeof self->key);

  G_OBJECT_CLASS (adiuva_store_parent_class)->finalize (object);
}

static void
adiuva_store_class_init (AdiuvaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = adiuva_store_finalize;

  /**
   * AdiuvaStore::changed:
   * @entity: what kind of record changed
   * @id: its id
   * @change: added, updated or removed
   *
   * Emitted after the transaction that made the change commits, so list models never show
   * a change that was rolled back.
   */
  signals[CHANGED] =
      g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, ADIUVA_TYPE_ENTITY, G_TYPE_INT64, ADIUVA_TYPE_CHANGE);
}

static void
adiuva_store_init (AdiuvaStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->pending_changes = g_array_new (FALSE, FALSE, sizeof (PendingChange));
  g_mutex_init (&self->reader_lock);
}

/* Errors */

static gboolean
is_disk_full (sqlite3 *db,
              int      rc)
{
  int sys_errno = db != NULL ? sqlite3_system_errno (db) : 0;

  if ((rc & 0xff) == SQLITE_FULL)
    return TRUE;

  return (rc & 0xff) == SQLITE_IOERR &&
         (sys_errno == ENOSPC || sys_errno == EFBIG || sys_errno == EDQUOT);
}

void
_adiuva_store_set_error (sqlite3 *db,
                         int      rc,
                         GError **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (is_disk_full (db, rc))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_DISK_FULL,
                   _ ("The disk is full, so the change was not saved. Free some space and try again."));
      return;
    }

  switch (rc & 0xff)
    {
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("The workspace cannot be written (%s). Check that its folder is writable."),
                   detail);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                   _ ("The workspace database is damaged (%s). Restore it from a backup; the "
                      "damaged file has been left as it is."),
                   detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_BUSY,
                   _ ("The workspace is busy in another program. Try again in a moment."));
      break;

    case SQLITE_CONSTRAINT:
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The change was refused: %s"), detail);
      break;

    default:
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED,
                   _ ("The workspace database reported an error: %s"), detail);
      break;
    }
}

/* Statements */

sqlite3 *
_adiuva_store_get_db (AdiuvaStore *self)
{
  return self->db;
}

sqlite3_stmt *
_adiuva_store_prepare (AdiuvaStore *self,
                       const char  *sql,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_assert (ADIUVA_IS_STORE (self));

  if (self->db == NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED,
                   _ ("The workspace is closed."));
      return NULL;
    }

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _adiuva_store_set_error (self->db, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return stmt;
}

gboolean
_adiuva_store_step_done (AdiuvaStore  *self,
                         sqlite3_stmt *stmt,
                         GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _adiuva_store_set_error (self->db, sqlite3_extended_errcode (self->db), error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_adiuva_store_exec (AdiuvaStore *self,
                    const char  *sql,
                    GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _adiuva_store_set_error (self->db, sqlite3_extended_errcode (self->db), error);
      return FALSE;
    }

  return TRUE;
}

/* Transactions and change signals */

/* Transactions nest by counting, not with savepoints: SQLCipher 3 encrypts every page a
 * savepoint journals, which made each record written in a bulk transaction cost ten page
 * encryptions. A nested transaction that rolls back therefore dooms the outermost one, which
 * then rolls back whole: all or nothing, which is what every caller wants anyway. */
gboolean
adiuva_store_begin (AdiuvaStore *self,
                    GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);

  if (self->transaction_depth == 0)
    {
      if (!_adiuva_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      self->transaction_failed = FALSE;
    }

  self->transaction_depth++;
  return TRUE;
}

static void
emit_pending_changes (AdiuvaStore *self)
{
  g_autoptr (GArray) changes = g_steal_pointer (&self->pending_changes);

  self->pending_changes = g_array_new (FALSE, FALSE, sizeof (PendingChange));
  for (guint i = 0; i < changes->len; i++)
    {
      const PendingChange *c = &g_array_index (changes, PendingChange, i);

      g_signal_emit (self, signals[CHANGED], 0, c->entity, c->id, c->change);
    }
}

gboolean
adiuva_store_commit (AdiuvaStore *self,
                     GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->transaction_depth > 0, FALSE);

  if (self->transaction_depth > 1)
    {
      self->transaction_depth--;
      return TRUE;
    }

  if (self->transaction_failed)
    {
      adiuva_store_rollback (self);
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED,
                   _ ("A change in this transaction failed, so none of it was saved."));
      return FALSE;
    }

  if (!_adiuva_store_exec (self, "COMMIT", error))
    {
      /* A failed COMMIT (disk full) leaves the transaction open: undo it whole. */
      adiuva_store_rollback (self);
      return FALSE;
    }

  self->transaction_depth = 0;
  emit_pending_changes (self);

  return TRUE;
}

void
adiuva_store_rollback (AdiuvaStore *self)
{
  g_return_if_fail (ADIUVA_IS_STORE (self));
  g_return_if_fail (self->transaction_depth > 0);

  self->transaction_depth--;
  if (self->transaction_depth > 0)
    {
      self->transaction_failed = TRUE;
      return;
    }

  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_array_set_size (self->pending_changes, 0);
  self->transaction_failed = FALSE;
}

void
_adiuva_store_emit_changed (AdiuvaStore *self,
                            AdiuvaEntity entity,
                            gint64       id,
                            AdiuvaChange change)
{
  PendingChange c = { entity, id, change };

  if (self->transaction_depth > 0)
    g_array_append_val (self->pending_changes, c);
  else
    g_signal_emit (self, signals[CHANGED], 0, entity, id, change);
}

/* Opening */

static char *
query_cipher_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char         *version = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return version;
}

static void
set_not_encrypted_error (GError **error)
{
  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_ENCRYPTED,
               _ ("This build of Adiuva runs on plain SQLite instead of SQLCipher, so it cannot "
                  "encrypt the workspace. Nothing was read or written."));
}

/**
 * adiuva_store_check_cipher:
 *
 * Proves that the SQLite the process resolved is SQLCipher. When another library pulls in the
 * system libsqlite3 first, `PRAGMA key` is silently ignored and files would be written in
 * plaintext; this is the guard against that.
 */
gboolean
adiuva_store_check_cipher (GError **error)
{
  sqlite3         *db = NULL;
  g_autofree char *version = NULL;

  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
    version = query_cipher_version (db);
  sqlite3_close (db);

  if (version == NULL)
    {
      set_not_encrypted_error (error);
      return FALSE;
    }

  return TRUE;
}

static int
cipher_major (const char *version)
{
  return version != NULL ? atoi (version) : 0;
}

/* Writes `<prefix>"x'<hex key>'"` into @sql; callers wipe it after use. */
static void
key_statement (char         *sql,
               gsize         size,
               const char   *prefix,
               const guint8 *key)
{
  g_strlcpy (sql, prefix, size);
  g_strlcat (sql, "\"x'", size);
  for (guint i = 0; i < ADIUVA_MASTER_KEY_SIZE; i++)
    g_snprintf (sql + strlen (sql), 3, "%02X", key[i]);
  g_strlcat (sql, "'\"", size);
}

static gboolean
apply_key (sqlite3      *db,
           const guint8 *key,
           int           created_major,
           GError      **error)
{
  g_autofree char *version = NULL;
  char             sql[128];
  int              rc;

  key_statement (sql, sizeof sql, "PRAGMA key = ", key);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  explicit_bzero (sql, sizeof sql);

  version = query_cipher_version (db);
  if (rc != SQLITE_OK || version == NULL)
    {
      set_not_encrypted_error (error);
      return FALSE;
    }

  /* A file written by SQLCipher 3 opened by SQLCipher 4 needs 3's HMAC and KDF settings. */
  if (created_major > 0 && created_major < cipher_major (version))
    {
      g_snprintf (sql, sizeof sql, "PRAGMA cipher_compatibility = %d", created_major);
      sqlite3_exec (db, sql, NULL, NULL, NULL);
    }

  g_snprintf (sql, sizeof sql, "PRAGMA cipher_page_size = %d", CIPHER_PAGE_SIZE);
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED,
                   _ ("SQLCipher refused its settings: %s"), sqlite3_errmsg (db));
      return FALSE;
    }

  return TRUE;
}

static int
query_int (sqlite3    *db,
           const char *sql,
           int        *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  int           value = 0;
  int           rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    rc = sqlite3_extended_errcode (db);
  sqlite3_finalize (stmt);

  *rc_out = rc;
  return value;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static GPtrArray *
list_migrations (void)
{
  static gsize registered;
  g_auto (GStrv) names = NULL;
  GPtrArray *migrations = g_ptr_array_new_with_free_func (g_free);

  /* Registered by hand: a constructor in a static library is dropped by the linker. */
  if (g_once_init_enter (&registered))
    {
      adiuva_store_register_resource ();
      g_once_init_leave (&registered, 1);
    }

  names = g_resources_enumerate_children (MIGRATIONS_PATH, 0, NULL);
  g_assert (names != NULL);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".sql"))
      g_ptr_array_add (migrations, g_strdup (names[i]));
  g_ptr_array_sort (migrations, compare_names);

  return migrations;
}

int
adiuva_store_get_latest_schema_version (void)
{
  g_autoptr (GPtrArray) migrations = list_migrations ();

  return migrations->len;
}

/* Applies the migrations after the current version, up to @target, each in its own transaction
 * with the version bump, so an interruption leaves a consistent older version. */
gboolean
_adiuva_store_migrate (AdiuvaStore *self,
                       int          target,
                       GError     **error)
{
  g_autoptr (GPtrArray) migrations = list_migrations ();

  for (int version = self->schema_version + 1; version <= target; version++)
    {
      const char      *name = g_ptr_array_index (migrations, version - 1);
      g_autofree char *path = g_build_path ("/", MIGRATIONS_PATH, name, NULL);
      g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autofree char *sql = NULL;

      g_assert (bytes != NULL);
      g_assert (atoi (name) == version);

      sql = g_strdup_printf ("%s\nPRAGMA user_version = %d;",
                             (const char *) g_bytes_get_data (bytes, NULL), version);

      if (!adiuva_store_begin (self, error))
        return FALSE;
      if (!_adiuva_store_exec (self, sql, error))
        {
          adiuva_store_rollback (self);
          g_prefix_error (error, _ ("Could not upgrade the workspace to version %d: "), version);
          return FALSE;
        }
      if (!adiuva_store_commit (self, error))
        return FALSE;

      self->schema_version = version;
    }

  return TRUE;
}

static gboolean
check_database_file (const char *path,
                     GError    **error)
{
  static const char plain_header[16] = "SQLite format 3";
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                     _ ("The workspace database “%s” is missing. Restore it from a backup."), path);
      else
        g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                     _ ("The workspace database cannot be read: %s"), local_error->message);
      return FALSE;
    }

  len = g_mapped_file_get_length (mapped);
  if (len >= sizeof plain_header &&
      memcmp (g_mapped_file_get_contents (mapped), plain_header, sizeof plain_header) == 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_ENCRYPTED,
                   _ ("The workspace database “%s” is not encrypted. Import it into a new "
                      "workspace instead (adiuva-cli init --import)."),
                   path);
      return FALSE;
    }

  /* SQLCipher files are whole pages; anything else was cut short. */
  if (len == 0 || len % 512 != 0)
    {
      g_autofree char *size = g_format_size_full (len, G_FORMAT_SIZE_LONG_FORMAT);

      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                   _ ("The workspace database is truncated (%s). Restore it from a backup; the "
                      "damaged file has been left as it is."),
                   size);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_writable (const char *dir,
                const char *db_path,
                GError    **error)
{
  if (g_access (dir, W_OK) != 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("The workspace folder “%s” is read-only. Adiuva needs to write there to "
                      "keep your data; check its permissions."),
                   dir);
      return FALSE;
    }

  if (g_file_test (db_path, G_FILE_TEST_EXISTS) && g_access (db_path, W_OK) != 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("The workspace database “%s” is read-only. Adiuva needs to write to it to "
                      "keep your data; check its permissions."),
                   db_path);
      return FALSE;
    }

  return TRUE;
}

/* Opens the SQLCipher file with @key, checks it is ours and not too new, then upgrades it. */
static gboolean
open_database (AdiuvaStore *self,
               int          created_major,
               gboolean     create,
               int          target_version,
               GError     **error)
{
  g_autofree char *path = g_build_filename (self->dir, ADIUVA_DATABASE_NAME, NULL);
  int              flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  int              latest = adiuva_store_get_latest_schema_version ();
  int              rc;

  rc = sqlite3_open_v2 (path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      _adiuva_store_set_error (self->db, rc, error);
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  /* Before the first read: another connection to the workspace that is closing (the last one
   * checkpoints the WAL under an exclusive lock) must make this one wait, not fail at once as
   * "busy in another program". */
  sqlite3_busy_timeout (self->db, 5000);

  if (!apply_key (self->db, self->key, created_major, error))
    return FALSE;
  g_free (self->cipher_version);
  self->cipher_version = query_cipher_version (self->db);

  /* The first read decrypts page 1: this is where a wrong key or a damaged file shows. */
  query_int (self->db, "SELECT count(*) FROM sqlite_master", &rc);
  if (rc != SQLITE_OK)
    {
      _adiuva_store_set_error (self->db, rc, error);
      return FALSE;
    }

  self->schema_version = query_int (self->db, "PRAGMA user_version", &rc);
  if (self->schema_version > latest)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_TOO_NEW,
                   _ ("The workspace was written by a newer version of Adiuva (schema %d; this "
                      "version knows up to %d). Update Adiuva to open it; nothing was changed."),
                   self->schema_version, latest);
      return FALSE;
    }

  /* SQLite's own page cache of 2 MB stays: a list of 100,000 tasks reads its ids from an
   * index of 1.3 MB (tasks_position), and with a cache of 1 MiB each scan of it decrypted
   * every page again. */
  if (!_adiuva_store_exec (self, "PRAGMA journal_mode = WAL;"
                                 "PRAGMA synchronous = FULL;"
                                 "PRAGMA foreign_keys = ON;"
                                 "PRAGMA temp_store = MEMORY;",
                           error))
    return FALSE;

  _adiuva_search_register (self->db);

  if (!_adiuva_store_migrate (self, target_version, error))
    return FALSE;

  return TRUE;
}

static AdiuvaStore *
store_new (const char *dir)
{
  AdiuvaStore *self = g_object_new (ADIUVA_TYPE_STORE, NULL);

  self->dir = g_canonicalize_filename (dir, NULL);

  return self;
}

static char *
key_file_path (const char *dir)
{
  return g_build_filename (dir, ADIUVA_KEY_FILE_NAME, NULL);
}

static void
remove_workspace_files (AdiuvaStore *self)
{
  g_autofree char *db_path = g_build_filename (self->dir, ADIUVA_DATABASE_NAME, NULL);
  g_autofree char *kf_path = key_file_path (self->dir);

  adiuva_store_close (self);
  g_unlink (db_path);
  g_unlink (kf_path);
  if (self->key_modes & ADIUVA_KEY_MODE_KEYRING)
    _adiuva_keyring_clear (self->workspace_id, NULL, NULL);
  /* Only a folder this attempt made, and only if nothing else is in it. */
  if (self->made_dir)
    g_rmdir (self->dir);
}

/* Creates a workspace whose schema stops at @target_version: the latest for a new workspace,
 * 0 for an import, an older one for the migration tests. */
AdiuvaStore *
_adiuva_store_create_at_version (const char   *dir,
                                 const char   *passphrase,
                                 int           target_version,
                                 GCancellable *cancellable,
                                 GError      **error)
{
  g_autoptr (AdiuvaStore) self = NULL;
  g_autoptr (AdiuvaKeyFile) key_file = NULL;
  g_autofree char *kf_path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *version = NULL;
  sqlite3         *probe = NULL;

  if (!adiuva_store_check_cipher (error))
    return NULL;

  self = store_new (dir);
  kf_path = key_file_path (self->dir);
  db_path = g_build_filename (self->dir, ADIUVA_DATABASE_NAME, NULL);

  if (g_file_test (kf_path, G_FILE_TEST_EXISTS) || g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS,
                   _ ("There is already a workspace in “%s”."), self->dir);
      return NULL;
    }

  self->made_dir = !g_file_test (self->dir, G_FILE_TEST_IS_DIR);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, ADIUVA_STORE_ERROR,
                   saved_errno == ENOSPC ? ADIUVA_STORE_ERROR_DISK_FULL
                                         : ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("Could not create the workspace folder “%s”: %s"), self->dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (!check_writable (self->dir, db_path, error))
    goto failed;

  sqlite3_open_v2 (":memory:", &probe, SQLITE_OPEN_READWRITE, NULL);
  version = query_cipher_version (probe);
  sqlite3_close (probe);

  gcry_randomize (self->key, sizeof self->key, GCRY_VERY_STRONG_RANDOM);
  key_file = _adiuva_key_file_new ();
  _adiuva_key_file_set_master_key (key_file, self->key, cipher_major (version));
  self->workspace_id = g_strdup (_adiuva_key_file_get_workspace_id (key_file));

  if (passphrase != NULL)
    {
      if (!_adiuva_key_file_wrap (key_file, self->key, passphrase, error))
        goto failed;
    }
  else
    {
      if (!_adiuva_keyring_store (self->workspace_id, self->key, cancellable, error))
        goto failed;
      _adiuva_key_file_set_keyring (key_file, TRUE);
    }
  self->key_modes = _adiuva_key_file_get_modes (key_file);

  /* The key file first: a database without it could never be opened again. */
  if (!_adiuva_key_file_save (key_file, kf_path, error) ||
      !open_database (self, cipher_major (version), TRUE, target_version, error))
    goto failed;

  return g_steal_pointer (&self);

failed:
  remove_workspace_files (self);
  return NULL;
}

AdiuvaStore *
adiuva_store_create (const char   *dir,
                     const char   *passphrase,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_return_val_if_fail (dir != NULL, NULL);

  return _adiuva_store_create_at_version (dir, passphrase,
                                          adiuva_store_get_latest_schema_version (),
                                          cancellable, error);
}

static gboolean
unlock_key (AdiuvaStore   *self,
            AdiuvaKeyFile *key_file,
            const char    *passphrase,
            GCancellable  *cancellable,
            GError       **error)
{
  AdiuvaKeyMode modes = _adiuva_key_file_get_modes (key_file);

  if (passphrase != NULL)
    return _adiuva_key_file_unwrap (key_file, passphrase, self->key, error);

  if (!(modes & ADIUVA_KEY_MODE_KEYRING))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE,
                   _ ("This workspace is locked with a passphrase. Enter it to unlock."));
      return FALSE;
    }

  if (!_adiuva_keyring_lookup (self->workspace_id, self->key, cancellable, error))
    return FALSE;

  if (!_adiuva_key_file_check_key (key_file, self->key))
    {
      explicit_bzero (self->key, sizeof self->key);
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_KEY,
                   _ ("The key in the keyring does not belong to this workspace. Unlock it with "
                      "its passphrase, or restore it from a backup."));
      return FALSE;
    }

  return TRUE;
}

AdiuvaStore *
adiuva_store_open (const char   *dir,
                   const char   *passphrase,
                   GCancellable *cancellable,
                   GError      **error)
{
  g_autoptr (AdiuvaStore) self = NULL;
  g_autoptr (AdiuvaKeyFile) key_file = NULL;
  g_autofree char *kf_path = NULL;
  g_autofree char *db_path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  if (!adiuva_store_check_cipher (error))
    return NULL;

  self = store_new (dir);
  kf_path = key_file_path (self->dir);
  db_path = g_build_filename (self->dir, ADIUVA_DATABASE_NAME, NULL);

  if (!g_file_test (self->dir, G_FILE_TEST_IS_DIR) ||
      (!g_file_test (kf_path, G_FILE_TEST_EXISTS) && !g_file_test (db_path, G_FILE_TEST_EXISTS)))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_WORKSPACE,
                   _ ("There is no workspace in “%s”. Create one first."), self->dir);
      return NULL;
    }

  key_file = _adiuva_key_file_load (kf_path, error);
  if (key_file == NULL)
    return NULL;
  self->workspace_id = g_strdup (_adiuva_key_file_get_workspace_id (key_file));
  self->key_modes = _adiuva_key_file_get_modes (key_file);

  if (!unlock_key (self, key_file, passphrase, cancellable, error) ||
      !check_writable (self->dir, db_path, error) || !check_database_file (db_path, error) ||
      !open_database (self, _adiuva_key_file_get_cipher_major (key_file), FALSE,
                      adiuva_store_get_latest_schema_version (), error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * adiuva_store_open_connection:
 *
 * Opens the workspace of @self again, with the key @self has unlocked, as a store of its own:
 * its own SQLite connection, so that another thread can write while @self goes on being used
 * where it is (a store is used by one thread at a time). It asks for no passphrase and does not
 * touch the keyring, and may be called from any thread: it reads only what @self fixed when it
 * opened.
 *
 * Returns: (transfer full): the second store, or %NULL with @error set
 */
AdiuvaStore *
adiuva_store_open_connection (AdiuvaStore *self,
                              GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (self->workspace_id != NULL, NULL);

  return _adiuva_store_open_at (self, self->dir, error);
}

/* Opens the workspace in @dir with the key @self has unlocked: a second connection when @dir is
 * the folder of @self, the proof that a copy of it is whole when @dir is another one. The key
 * file there must name the same workspace and accept the key. */
AdiuvaStore *
_adiuva_store_open_at (AdiuvaStore *self,
                       const char  *dir,
                       GError     **error)
{
  g_autoptr (AdiuvaStore) other = NULL;
  g_autoptr (AdiuvaKeyFile) key_file = NULL;
  g_autofree char *kf_path = NULL;

  other = store_new (dir);
  kf_path = key_file_path (other->dir);
  key_file = _adiuva_key_file_load (kf_path, error);
  if (key_file == NULL)
    return NULL;
  if (g_strcmp0 (_adiuva_key_file_get_workspace_id (key_file), self->workspace_id) != 0 ||
      !_adiuva_key_file_check_key (key_file, self->key))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_KEY,
                   _ ("The key file in “%s” does not belong to this workspace."), other->dir);
      return NULL;
    }
  other->workspace_id = g_strdup (self->workspace_id);
  other->key_modes = self->key_modes;
  memcpy (other->key, self->key, sizeof other->key);
  /* Not check_database_file () as adiuva_store_open () does: closing a descriptor of the file
   * drops every POSIX lock this process holds on it, @self's too (SQLite's locks are per
   * process), and another process could then reset the WAL @self still reads from. */
  if (!open_database (other, _adiuva_key_file_get_cipher_major (key_file), FALSE,
                      adiuva_store_get_latest_schema_version (), error))
    return NULL;

  return g_steal_pointer (&other);
}

/* Folds the WAL into the database file, so that the folder holds the whole workspace in it. */
gboolean
_adiuva_store_checkpoint (AdiuvaStore *self,
                          GError     **error)
{
  if (self->db == NULL || self->transaction_depth > 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_BUSY,
                   _ ("The workspace is in the middle of a change. Try again once it is saved."));
      return FALSE;
    }

  /* Best effort: a reader elsewhere may keep part of the WAL, which is then copied too. */
  sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  return TRUE;
}

/* Opens @self again in @dir, where it was moved to. */
gboolean
_adiuva_store_reopen_at (AdiuvaStore *self,
                         const char  *dir,
                         GError     **error)
{
  g_autoptr (AdiuvaStore) other = _adiuva_store_open_at (self, dir, error);

  if (other == NULL)
    return FALSE;

  /* The connection changes hands: statements prepared on it go with it. */
  adiuva_store_close (self);
  g_free (self->dir);
  self->dir = g_strdup (other->dir);
  self->db = g_steal_pointer (&other->db);
  self->schema_version = other->schema_version;
  return TRUE;
}

typedef struct
{
  char *dir;
  char *passphrase;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->dir);
  if (data->passphrase != NULL)
    explicit_bzero (data->passphrase, strlen (data->passphrase));
  g_free (data->passphrase);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData    *data = task_data;
  GError      *error = NULL;
  AdiuvaStore *store;

  store = adiuva_store_open (data->dir, data->passphrase, cancellable, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

/**
 * adiuva_store_open_async:
 *
 * Opens the workspace on a worker thread: unwrapping a passphrase costs 64 MiB of Argon2id and
 * the keyring is a D-Bus round trip, neither belongs on the UI thread.
 */
void
adiuva_store_open_async (const char         *dir,
                         const char         *passphrase,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (dir != NULL);

  data = g_new0 (OpenData, 1);
  data->dir = g_strdup (dir);
  data->passphrase = g_strdup (passphrase);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_store_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

AdiuvaStore *
adiuva_store_open_finish (GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  AdiuvaStoreReadFunc func;
  gpointer            data;
  GDestroyNotify      data_free;
  GDestroyNotify      result_free;
} ReadData;

static void
read_data_free (ReadData *read)
{
  if (read->data_free != NULL)
    read->data_free (read->data);
  g_free (read);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AdiuvaStore *self = source_object;
  ReadData    *read = task_data;
  GError      *error = NULL;
  gpointer     result = NULL;

  g_mutex_lock (&self->reader_lock);
  if (self->reader == NULL)
    self->reader = adiuva_store_open_connection (self, &error);
  if (self->reader != NULL)
    result = read->func (self->reader, read->data, cancellable, &error);
  g_mutex_unlock (&self->reader_lock);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, read->result_free);
}

/**
 * adiuva_store_read_async:
 * @func: what to read; it runs on a worker thread with a connection of the reads' own
 *   (adiuva_store_open_connection()), one read at a time, and returns non-%NULL, or %NULL with
 *   its error set
 * @data: (nullable): passed to @func, which owns it only for the call
 * @data_free: (nullable): frees @data once the read is over
 * @result_free: (nullable): frees what @func returned, if nobody takes it
 *
 * Reads on a worker thread what would hold the UI thread for more than a frame: counting or
 * listing over the whole workspace. @func sees what was committed when it started (WAL), and
 * must not touch @self, which the caller goes on using where it is. Get the result with
 * adiuva_store_read_finish().
 */
void
adiuva_store_read_async (AdiuvaStore        *self,
                         AdiuvaStoreReadFunc func,
                         gpointer            data,
                         GDestroyNotify      data_free,
                         GDestroyNotify      result_free,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  ReadData *read;

  g_return_if_fail (ADIUVA_IS_STORE (self));
  g_return_if_fail (func != NULL);

  read = g_new0 (ReadData, 1);
  read->func = func;
  read->data = data;
  read->data_free = data_free;
  read->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_store_read_async);
  g_task_set_task_data (task, read, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * adiuva_store_read_finish:
 *
 * Returns: (transfer full): what the read function returned, or %NULL with @error set (also
 *   when the read was cancelled)
 */
gpointer
adiuva_store_read_finish (AdiuvaStore  *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* sqlcipher_export copies the main database into an attached one (SQLCipher 3 has no
 * source argument), so the copy runs on a connection to the plain file. */
static gboolean
export_plain (AdiuvaStore *self,
              const char  *plain_database,
              GError     **error)
{
  g_autofree char *db_path = g_build_filename (self->dir, ADIUVA_DATABASE_NAME, NULL);
  g_autofree char *set_version = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *file_uri = NULL;
  g_autofree char *uri = NULL;
  sqlite3         *plain = NULL;
  char            *attach;
  char             sql[256];
  int              plain_version = 0;
  int              rc;

  /* Read-only for the source alone: the attached workspace must stay writable. */
  absolute = g_canonicalize_filename (plain_database, NULL);
  file_uri = g_filename_to_uri (absolute, NULL, NULL);
  uri = g_strconcat (file_uri, "?mode=ro", NULL);
  rc = sqlite3_open_v2 (uri, &plain, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    plain_version = query_int (plain, "PRAGMA user_version", &rc);

  if (rc == SQLITE_OK && plain_version > adiuva_store_get_latest_schema_version ())
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_TOO_NEW,
                   _ ("“%s” was written by a newer version of Adiuva; update Adiuva to import it."),
                   plain_database);
      sqlite3_close (plain);
      return FALSE;
    }

  g_snprintf (sql, sizeof sql, "PRAGMA cipher_default_page_size = %d", CIPHER_PAGE_SIZE);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (plain, sql, NULL, NULL, NULL);

  attach = sqlite3_mprintf ("ATTACH DATABASE %Q AS workspace KEY ", db_path);
  key_statement (sql, sizeof sql, attach, self->key);
  sqlite3_free (attach);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (plain, sql, NULL, NULL, NULL);
  explicit_bzero (sql, sizeof sql);

  set_version = g_strdup_printf ("PRAGMA workspace.user_version = %d", plain_version);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (plain, "SELECT sqlcipher_export ('workspace')", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (plain, set_version, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (plain, "DETACH DATABASE workspace", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _adiuva_store_set_error (plain, sqlite3_extended_errcode (plain), error);
      g_prefix_error (error, _ ("Could not import “%s”: "), plain_database);
    }
  sqlite3_close (plain);

  return rc == SQLITE_OK;
}

/**
 * adiuva_store_import:
 * @plain_database: an unencrypted SQLite database of an earlier Adiuva
 *
 * Creates a workspace in @dir from an unencrypted database with sqlcipher_export, then brings
 * its schema up to date. The plain file is only read; deleting it is the user's decision.
 */
AdiuvaStore *
adiuva_store_import (const char   *dir,
                     const char   *plain_database,
                     const char   *passphrase,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autoptr (AdiuvaStore) self = NULL;
  g_autofree char *kf_path = NULL;
  g_autoptr (AdiuvaKeyFile) key_file = NULL;

  g_return_val_if_fail (plain_database != NULL, NULL);

  if (!g_file_test (plain_database, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND,
                   _ ("There is no database file at “%s”."), plain_database);
      return NULL;
    }

  self = _adiuva_store_create_at_version (dir, passphrase, 0, cancellable, error);
  if (self == NULL)
    return NULL;
  adiuva_store_close (self);

  kf_path = key_file_path (self->dir);
  key_file = _adiuva_key_file_load (kf_path, error);
  if (key_file == NULL ||
      !export_plain (self, plain_database, error) ||
      !open_database (self, _adiuva_key_file_get_cipher_major (key_file), FALSE,
                      adiuva_store_get_latest_schema_version (), error))
    {
      remove_workspace_files (self);
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
adiuva_store_close (AdiuvaStore *self)
{
  g_return_if_fail (ADIUVA_IS_STORE (self));

  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_lock (&self->reader_lock);
  g_clear_object (&self->reader);
  g_mutex_unlock (&self->reader_lock);
}

static gboolean
save_key_file (AdiuvaStore *self,
               gboolean     keyring,
               const char  *passphrase,
               GError     **error)
{
  g_autofree char *kf_path = key_file_path (self->dir);
  g_autoptr (AdiuvaKeyFile) key_file = _adiuva_key_file_load (kf_path, error);

  if (key_file == NULL)
    return FALSE;

  _adiuva_key_file_set_keyring (key_file, keyring);
  if (passphrase != NULL && !_adiuva_key_file_wrap (key_file, self->key, passphrase, error))
    return FALSE;
  if (passphrase == NULL)
    _adiuva_key_file_clear_passphrase (key_file);

  if (!_adiuva_key_file_save (key_file, kf_path, error))
    return FALSE;

  self->key_modes = _adiuva_key_file_get_modes (key_file);
  return TRUE;
}

/**
 * adiuva_store_set_passphrase:
 * @passphrase: (nullable): the new passphrase, or %NULL to remove it (only when the keyring
 *   also holds the key)
 *
 * Re-wraps the master key under a new passphrase. The database itself is not re-encrypted:
 * its key does not change.
 */
gboolean
adiuva_store_set_passphrase (AdiuvaStore *self,
                             const char  *passphrase,
                             GError     **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);

  if (passphrase == NULL && !(self->key_modes & ADIUVA_KEY_MODE_KEYRING))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The passphrase cannot be removed while the keyring does not hold the key: "
                      "the workspace could not be unlocked any more."));
      return FALSE;
    }

  return save_key_file (self, (self->key_modes & ADIUVA_KEY_MODE_KEYRING) != 0, passphrase, error);
}

gboolean
adiuva_store_set_keyring_enabled (AdiuvaStore  *self,
                                  gboolean      enabled,
                                  GCancellable *cancellable,
                                  GError      **error)
{
  gboolean         had_passphrase;
  g_autofree char *kf_path = NULL;
  g_autoptr (AdiuvaKeyFile) key_file = NULL;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);

  had_passphrase = (self->key_modes & ADIUVA_KEY_MODE_PASSPHRASE) != 0;
  if (!enabled && !had_passphrase)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("Set a passphrase before taking the key out of the keyring, or the "
                      "workspace could not be unlocked any more."));
      return FALSE;
    }

  if (enabled && !_adiuva_keyring_store (self->workspace_id, self->key, cancellable, error))
    return FALSE;

  kf_path = key_file_path (self->dir);
  key_file = _adiuva_key_file_load (kf_path, error);
  if (key_file == NULL)
    return FALSE;
  _adiuva_key_file_set_keyring (key_file, enabled);
  if (!_adiuva_key_file_save (key_file, kf_path, error))
    return FALSE;
  self->key_modes = _adiuva_key_file_get_modes (key_file);

  if (!enabled)
    _adiuva_keyring_clear (self->workspace_id, cancellable, NULL);

  return TRUE;
}

typedef struct
{
  AdiuvaStore  *shadow; /* the key and its modes, without a database */
  char         *current;
  char         *passphrase;
  AdiuvaKeyMode modes;
} ChangeKeyData;

static void
change_key_data_free (ChangeKeyData *data)
{
  g_clear_object (&data->shadow);
  if (data->current != NULL)
    explicit_bzero (data->current, strlen (data->current));
  if (data->passphrase != NULL)
    explicit_bzero (data->passphrase, strlen (data->passphrase));
  g_free (data->current);
  g_free (data->passphrase);
  g_free (data);
}

static gboolean
check_current_passphrase (AdiuvaStore *shadow,
                          const char  *current,
                          GError     **error)
{
  g_autofree char *kf_path = key_file_path (shadow->dir);
  g_autoptr (AdiuvaKeyFile) key_file = NULL;
  guint8   key[ADIUVA_MASTER_KEY_SIZE];
  gboolean same;

  if (current == NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE,
                   _ ("Enter the current passphrase of the workspace to change how it is "
                      "locked."));
      return FALSE;
    }
  if ((key_file = _adiuva_key_file_load (kf_path, error)) == NULL ||
      !_adiuva_key_file_unwrap (key_file, current, key, error))
    return FALSE;
  same = memcmp (key, shadow->key, sizeof key) == 0;
  explicit_bzero (key, sizeof key);
  if (!same)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_KEY,
                   _ ("The key file no longer belongs to the open workspace. Close Adiuva and "
                      "open the workspace again."));
      return FALSE;
    }
  return TRUE;
}

/* What is added comes before what is removed, so that a failure half way leaves the key
 * kept in at least one way the user knows. */
static void
change_key_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ChangeKeyData *data = task_data;
  AdiuvaStore   *shadow = data->shadow;
  GError        *error = NULL;

  if (((shadow->key_modes & ADIUVA_KEY_MODE_PASSPHRASE) &&
       !check_current_passphrase (shadow, data->current, &error)) ||
      ((data->modes & ADIUVA_KEY_MODE_PASSPHRASE) &&
       !adiuva_store_set_passphrase (shadow, data->passphrase, &error)) ||
      ((data->modes & ADIUVA_KEY_MODE_KEYRING) && !(shadow->key_modes & ADIUVA_KEY_MODE_KEYRING) &&
       !adiuva_store_set_keyring_enabled (shadow, TRUE, cancellable, &error)) ||
      (!(data->modes & ADIUVA_KEY_MODE_KEYRING) && (shadow->key_modes & ADIUVA_KEY_MODE_KEYRING) &&
       !adiuva_store_set_keyring_enabled (shadow, FALSE, cancellable, &error)) ||
      (!(data->modes & ADIUVA_KEY_MODE_PASSPHRASE) &&
       (shadow->key_modes & ADIUVA_KEY_MODE_PASSPHRASE) &&
       !adiuva_store_set_passphrase (shadow, NULL, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * adiuva_store_change_key_async:
 * @current: (nullable): the workspace's passphrase, required when it has one
 * @modes: how the key is to be kept: in the keyring, under a passphrase, or both
 * @passphrase: (nullable): the new passphrase, when @modes holds %ADIUVA_KEY_MODE_PASSPHRASE
 *
 * Changes how the master key is kept, on a worker thread: wrapping it costs 64 MiB of Argon2id
 * and the keyring is a D-Bus round trip. The database is not re-encrypted, so its size does not
 * matter. A wrong @current is %ADIUVA_STORE_ERROR_WRONG_PASSPHRASE and changes nothing. Use no
 * other key function of @self until it finishes.
 */
void
adiuva_store_change_key_async (AdiuvaStore        *self,
                               const char         *current,
                               AdiuvaKeyMode       modes,
                               const char         *passphrase,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  ChangeKeyData *data;

  g_return_if_fail (ADIUVA_IS_STORE (self));
  g_return_if_fail ((modes & ~(ADIUVA_KEY_MODE_KEYRING | ADIUVA_KEY_MODE_PASSPHRASE)) == 0);
  g_return_if_fail (modes != 0);
  g_return_if_fail (!(modes & ADIUVA_KEY_MODE_PASSPHRASE) ||
                    (passphrase != NULL && passphrase[0] != '\0'));

  data = g_new0 (ChangeKeyData, 1);
  data->shadow = store_new (self->dir);
  data->shadow->workspace_id = g_strdup (self->workspace_id);
  data->shadow->key_modes = self->key_modes;
  memcpy (data->shadow->key, self->key, sizeof self->key);
  data->current = g_strdup (current);
  data->passphrase = g_strdup (passphrase);
  data->modes = modes;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_store_change_key_async);
  g_task_set_task_data (task, data, (GDestroyNotify) change_key_data_free);
  g_task_run_in_thread (task, change_key_thread);
}

/**
 * adiuva_store_change_key_finish:
 *
 * Returns: whether the key is now kept as asked; on failure it is kept as
 *   adiuva_store_get_key_modes() says, which is how it was unless a removal failed
 */
gboolean
adiuva_store_change_key_finish (AdiuvaStore  *self,
                                GAsyncResult *result,
                                GError      **error)
{
  ChangeKeyData *data;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  /* What is on disk now, whether or not every step worked. */
  data = g_task_get_task_data (G_TASK (result));
  self->key_modes = data->shadow->key_modes;
  return g_task_propagate_boolean (G_TASK (result), error);
}

AdiuvaKeyMode
adiuva_store_get_key_modes (AdiuvaStore *self)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), 0);

  return self->key_modes;
}

const char *
adiuva_store_get_dir (AdiuvaStore *self)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return self->dir;
}

/**
 * adiuva_store_get_workspace_id:
 *
 * Returns: the workspace's id, a UUID, which names its entries in the keyring
 */
const char *
adiuva_store_get_workspace_id (AdiuvaStore *self)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return self->workspace_id;
}

const char *
adiuva_store_get_cipher_version (AdiuvaStore *self)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), NULL);

  return self->cipher_version;
}

int
adiuva_store_get_schema_version (AdiuvaStore *self)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), 0);

  return self->schema_version;
}
