/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adiuva-store-private.h"

/*
 * Where the default workspace lives, and moving a workspace to another folder.
 *
 * The default workspace is $XDG_DATA_HOME/adiuva unless the pointer file
 * $XDG_CONFIG_HOME/adiuva/workspace.ini names another folder; the app and adiuva-cli both ask
 * adiuva_store_dup_default_dir(), so both follow a move. --data-dir and $ADIUVA_DATA_DIR are
 * the front ends' business and win over both.
 *
 * A move copies the folder, proves the copy opens with the same key and reads back whole, and
 * only then switches the pointer and removes the original: up to that point, any failure removes
 * the copy and leaves the original as it was. The keyring keeps the key under the workspace's
 * id, which a move does not change.
 */

#define POINTER_GROUP "Workspace"
#define POINTER_KEY "path"
#define SHM_SUFFIX "-shm"
#define WAL_SUFFIX "-wal"

static char *
dup_builtin_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "adiuva", NULL);
}

static char *
dup_pointer_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "adiuva", "workspace.ini", NULL);
}

/**
 * adiuva_store_dup_default_dir:
 *
 * The folder of the default workspace: the one the pointer file
 * `$XDG_CONFIG_HOME/adiuva/workspace.ini` names after a move, else `$XDG_DATA_HOME/adiuva`.
 * A pointer that cannot be read is ignored (with a warning): it is never written half.
 *
 * Returns: (transfer full): an absolute path
 */
char *
adiuva_store_dup_default_dir (void)
{
  g_autofree char *pointer = dup_pointer_path ();
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  if (!g_key_file_load_from_file (key_file, pointer, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("Ignoring %s: %s", pointer, error->message);
      return dup_builtin_default_dir ();
    }

  path = g_key_file_get_string (key_file, POINTER_GROUP, POINTER_KEY, &error);
  if (path == NULL || !g_path_is_absolute (path))
    {
      g_warning ("Ignoring %s: it names no absolute folder", pointer);
      return dup_builtin_default_dir ();
    }

  return g_canonicalize_filename (path, NULL);
}

/* Points the default workspace at @dir; back at the built-in place, the pointer goes. */
static gboolean
set_default_dir (const char *dir,
                 GError    **error)
{
  g_autofree char *pointer = dup_pointer_path ();
  g_autofree char *builtin = dup_builtin_default_dir ();
  g_autofree char *folder = g_path_get_dirname (pointer);
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *data = NULL;

  if (g_str_equal (dir, builtin))
    {
      if (g_unlink (pointer) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                       _ ("Could not remove “%s”: %s"), pointer, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  g_key_file_set_comment (key_file, NULL, NULL,
                          " Where the default Adiuva workspace lives, since it was moved.", NULL);
  g_key_file_set_string (key_file, POINTER_GROUP, POINTER_KEY, dir);
  data = g_key_file_to_data (key_file, NULL, NULL);
  if (g_mkdir_with_parents (folder, 0700) != 0 ||
      !g_file_set_contents_full (pointer, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("Could not record the new place of the workspace in “%s”: %s"), pointer,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/* The move itself */

typedef struct
{
  char    *relative; /* to the workspace folder */
  gsize    size;
  gboolean is_dir;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->relative);
  g_free (entry);
}

typedef struct
{
  AdiuvaStore *store; /* the worker reads only its key and folder, which stay as they are */
  char        *source;
  char        *dest;
  gboolean     is_default;

  GPtrArray *entries; /* Entry, folders before what is in them */
  goffset    total;
  goffset    done;
  char      *created; /* the outermost folder the move made, to remove on failure */
  gboolean   dest_existed;
  /* The write lock on the original, held from the copy until @store has changed over, so that
   * nothing is written to files that are gone. */
  AdiuvaStore *lock;

  /* Progress, handed to the caller's main context */
  GTask                *task; /* unowned: the one running the move */
  gboolean              finished;
  GFileProgressCallback progress_callback;
  gpointer              progress_data;
  GMainContext         *context;
  GMutex                progress_lock;
  goffset               reported;
  gboolean              report_pending;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_clear_object (&data->lock);
  g_clear_object (&data->store);
  g_free (data->source);
  g_free (data->dest);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_free (data->created);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_mutex_clear (&data->progress_lock);
  g_free (data);
}

/* realpath() of what exists of @path, the rest appended: a symbolic link cannot hide that the
 * destination is inside the workspace. */
static char *
resolve (const char *path)
{
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *resolved_parent = NULL;
  char             resolved[PATH_MAX];

  if (realpath (path, resolved) != NULL)
    return g_strdup (resolved);

  parent = g_path_get_dirname (path);
  if (g_str_equal (parent, path))
    return g_strdup (path);
  base = g_path_get_basename (path);
  resolved_parent = resolve (parent);
  return g_build_filename (resolved_parent, base, NULL);
}

static gboolean
is_inside (const char *path,
           const char *folder)
{
  gsize len = strlen (folder);

  return g_str_equal (path, folder) ||
         (strncmp (path, folder, len) == 0 && (path[len] == '/' || g_str_equal (folder, "/")));
}

static gboolean
check_dest (MoveData *data,
            GError  **error)
{
  g_autofree char *source = resolve (data->source);
  g_autofree char *dest = resolve (data->dest);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local_error = NULL;

  if (g_str_equal (source, dest))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The workspace is already in “%s”; choose another folder to move it to."),
                   data->dest);
      return FALSE;
    }
  if (is_inside (dest, source))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The folder “%s” is inside the workspace itself; choose a folder outside "
                      "“%s”."),
                   data->dest, data->source);
      return FALSE;
    }

  data->dest_existed = g_file_test (data->dest, G_FILE_TEST_EXISTS);
  if (!data->dest_existed)
    return TRUE;
  if (!g_file_test (data->dest, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS,
                   _ ("There is a file at “%s”, not a folder; choose an empty folder."), data->dest);
      return FALSE;
    }
  dir = g_dir_open (data->dest, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("The folder “%s” cannot be read (%s); choose a folder you may write to."),
                   data->dest, local_error->message);
      return FALSE;
    }
  if (g_dir_read_name (dir) != NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS,
                   _ ("The folder “%s” is not empty; choose an empty folder."), data->dest);
      return FALSE;
    }

  return TRUE;
}

/* Makes the destination, remembering the outermost folder made, which is what a failure
 * removes. */
static gboolean
make_dest (MoveData *data,
           GError  **error)
{
  g_autofree char *outermost = NULL;
  g_autofree char *path = g_strdup (data->dest);
  int              saved_errno;

  if (data->dest_existed)
    return TRUE;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char *parent = g_path_get_dirname (path);

      if (g_str_equal (parent, path))
        {
          g_free (parent);
          break;
        }
      g_free (outermost);
      outermost = g_steal_pointer (&path);
      path = parent;
    }

  if (g_mkdir_with_parents (data->dest, 0700) == 0)
    {
      data->created = g_steal_pointer (&outermost);
      return TRUE;
    }

  saved_errno = errno;
  g_set_error (error, ADIUVA_STORE_ERROR,
               saved_errno == ENOSPC ? ADIUVA_STORE_ERROR_DISK_FULL
                                     : ADIUVA_STORE_ERROR_READ_ONLY,
               _ ("Could not create the folder “%s”: %s. Choose a folder you may write to."),
               data->dest, g_strerror (saved_errno));
  /* Some of the parents may have been made before the failure. */
  data->created = g_steal_pointer (&outermost);
  return FALSE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = *(Entry *const *) a;
  const Entry *eb = *(Entry *const *) b;
  gboolean     wal_a = g_str_has_suffix (ea->relative, WAL_SUFFIX);
  gboolean     wal_b = g_str_has_suffix (eb->relative, WAL_SUFFIX);

  /* The WAL after the database: a checkpoint elsewhere may move its pages into the database
   * meanwhile, never out of the WAL, while the move holds the write lock. */
  if (wal_a != wal_b)
    return wal_a ? 1 : -1;
  return strcmp (ea->relative, eb->relative);
}

static gboolean
list_entries (MoveData   *data,
              const char *relative,
              GError    **error)
{
  g_autofree char *path = g_build_filename (data->source, relative, NULL);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &local_error);
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                   _ ("The workspace folder cannot be read: %s"), local_error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      Entry           *entry;
      GStatBuf         st;

      /* The WAL index is shared memory of the processes that have the workspace open, rebuilt
       * from the WAL by the first one to open the copy. */
      if (g_str_has_suffix (name, SHM_SUFFIX))
        continue;
      if (g_lstat (child, &st) != 0)
        continue; /* gone meanwhile */

      entry = g_new0 (Entry, 1);
      entry->relative = *relative != '\0' ? g_build_filename (relative, name, NULL)
                                          : g_strdup (name);
      entry->is_dir = S_ISDIR (st.st_mode);
      entry->size = S_ISREG (st.st_mode) ? st.st_size : 0;
      data->total += entry->size;
      g_ptr_array_add (data->entries, entry);
      if (entry->is_dir && !list_entries (data, entry->relative, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
report_progress_cb (gpointer user_data)
{
  MoveData *data = g_task_get_task_data (user_data);
  goffset   done;

  if (data->finished)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&data->progress_lock);
  done = data->reported;
  data->report_pending = FALSE;
  g_mutex_unlock (&data->progress_lock);

  data->progress_callback (done, data->total, data->progress_data);
  return G_SOURCE_REMOVE;
}

/* Called on the move's thread; the caller hears of it on its own main context, coalesced. */
static void
file_progress_cb (goffset  current,
                  goffset  total,
                  gpointer user_data)
{
  MoveData *data = user_data;
  gboolean  schedule;

  if (data->progress_callback == NULL)
    return;

  g_mutex_lock (&data->progress_lock);
  data->reported = data->done + current;
  schedule = !data->report_pending;
  data->report_pending = TRUE;
  g_mutex_unlock (&data->progress_lock);

  if (schedule)
    {
      g_autoptr (GSource) source = g_idle_source_new ();

      g_source_set_static_name (source, "[adiuva] move progress");
      g_source_set_callback (source, report_progress_cb, g_object_ref (data->task),
                             g_object_unref);
      g_source_attach (source, data->context);
    }
}

static void
set_cancelled_error (MoveData *data,
                     GError  **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               _ ("The move was cancelled; the workspace stays in “%s”."), data->source);
}

static void
set_copy_error (MoveData     *data,
                const GError *copy_error,
                GError      **error)
{
  AdiuvaStoreError code = ADIUVA_STORE_ERROR_FAILED;

  if (g_error_matches (copy_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_cancelled_error (data, error);
      return;
    }
  if (g_error_matches (copy_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    code = ADIUVA_STORE_ERROR_DISK_FULL;
  else if (g_error_matches (copy_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
           g_error_matches (copy_error, G_IO_ERROR, G_IO_ERROR_READ_ONLY))
    code = ADIUVA_STORE_ERROR_READ_ONLY;

  if (code == ADIUVA_STORE_ERROR_DISK_FULL)
    g_set_error (error, ADIUVA_STORE_ERROR, code,
                 _ ("There is not enough space in “%s” for the workspace. Free some space or "
                    "choose another folder; the workspace stays in “%s”."),
                 data->dest, data->source);
  else
    g_set_error (error, ADIUVA_STORE_ERROR, code,
                 _ ("Could not copy the workspace to “%s” (%s). Choose another folder; the workspace stays in “%s”."),
                 data->dest, copy_error->message, data->source);
}

/* Written to the disk, not just to its cache, before the original may go. */
static gboolean
sync_path (const char *path,
           GError    **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd >= 0 && fsync (fd) == 0)
    return g_close (fd, error);

  saved_errno = errno;
  if (fd >= 0)
    g_close (fd, NULL);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", path,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
copy_entries (MoveData     *data,
              GCancellable *cancellable,
              GError      **error)
{
  g_autoptr (GError) local_error = NULL;

  for (guint i = 0; i < data->entries->len && local_error == NULL; i++)
    {
      const Entry     *entry = g_ptr_array_index (data->entries, i);
      g_autofree char *from = g_build_filename (data->source, entry->relative, NULL);
      g_autofree char *to = g_build_filename (data->dest, entry->relative, NULL);
      g_autoptr (GFile) source = g_file_new_for_path (from);
      g_autoptr (GFile) dest = g_file_new_for_path (to);

      if (entry->is_dir)
        {
          if (g_mkdir (to, 0700) != 0)
            {
              int saved_errno = errno;

              g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           "%s: %s", to, g_strerror (saved_errno));
            }
          continue;
        }

      if (g_file_copy (source, dest, G_FILE_COPY_NOFOLLOW_SYMLINKS, cancellable,
                       file_progress_cb, data, &local_error) &&
          entry->size > 0)
        sync_path (to, &local_error);
      data->done += entry->size;
    }

  if (local_error == NULL)
    sync_path (data->dest, &local_error);

  if (local_error != NULL)
    {
      set_copy_error (data, local_error, error);
      return FALSE;
    }

  return TRUE;
}

/* The copy opens with the workspace's key, names the same workspace and reads back whole. */
static gboolean
verify_copy (MoveData *data,
             GError  **error)
{
  g_autoptr (AdiuvaStore) copy = _adiuva_store_open_at (data->store, data->dest, error);
  sqlite3_stmt *stmt = NULL;
  gboolean      ok = FALSE;

  if (copy == NULL)
    {
      g_prefix_error (error, _ ("The copy in “%s” does not open, so the workspace was not "
                                "moved: "),
                      data->dest);
      return FALSE;
    }

  if (sqlite3_prepare_v2 (_adiuva_store_get_db (copy), "PRAGMA quick_check", -1, &stmt, NULL) ==
          SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);

  if (!ok)
    g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                 _ ("The copy in “%s” does not read back whole, so the workspace was not moved. "
                    "Check the disk, or choose another folder."),
                 data->dest);
  return ok;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  GStatBuf    st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode) && (dir = g_dir_open (path, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        remove_tree (child);
      }
  g_remove (path);
}

/* After a failure: the destination as it was before. */
static void
remove_copy (MoveData *data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (data->created != NULL)
    {
      remove_tree (data->created);
      return;
    }

  /* It existed, empty: what is in it now is the copy (and what opening it made). */
  dir = g_dir_open (data->dest, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (data->dest, name, NULL);

      remove_tree (path);
    }
}

/* What was copied, in reverse so that folders are empty when their turn comes; what appeared
 * meanwhile stays, and so does the folder then. */
static void
remove_original (MoveData *data)
{
  g_autofree char *shm = g_build_filename (data->source, ADIUVA_DATABASE_NAME SHM_SUFFIX, NULL);

  g_remove (shm);
  for (guint i = data->entries->len; i > 0; i--)
    {
      const Entry     *entry = g_ptr_array_index (data->entries, i - 1);
      g_autofree char *path = g_build_filename (data->source, entry->relative, NULL);

      if (g_remove (path) != 0 && errno != ENOENT)
        g_message ("Could not remove %s after moving the workspace: %s", path,
                   g_strerror (errno));
    }
}

static gboolean
move_files (MoveData     *data,
            GCancellable *cancellable,
            GError      **error)
{
  g_autoptr (AdiuvaStore) lock = NULL;
  gboolean copied;

  if (!check_dest (data, error))
    return FALSE;

  /* Holding the write lock keeps anyone else (adiuva-cli, another window) from changing the
   * workspace while it is copied: they wait, and fail as busy, rather than write to files that
   * are about to go. */
  lock = _adiuva_store_open_at (data->store, data->source, error);
  if (lock == NULL || !adiuva_store_begin (lock, error))
    return FALSE;

  copied = make_dest (data, error) && list_entries (data, "", error);
  if (copied)
    g_ptr_array_sort (data->entries, compare_entries);
  copied = copied && copy_entries (data, cancellable, error) && verify_copy (data, error);
  if (copied && g_cancellable_is_cancelled (cancellable))
    {
      set_cancelled_error (data, error);
      copied = FALSE;
    }
  copied = copied && (!data->is_default || set_default_dir (data->dest, error));

  if (!copied)
    {
      remove_copy (data);
      adiuva_store_rollback (lock);
      return FALSE;
    }

  /* Past the point of no return: the copy is whole and, for the default workspace, the one
   * found from now on. */
  remove_original (data);
  if (g_rmdir (data->source) != 0 && errno != ENOENT)
    g_message ("Left the folder %s after moving the workspace: %s", data->source,
               g_strerror (errno));
  data->lock = g_steal_pointer (&lock);

  return TRUE;
}

static MoveData *
move_data_new (AdiuvaStore *self,
               const char  *dest)
{
  MoveData        *data = g_new0 (MoveData, 1);
  g_autofree char *default_dir = adiuva_store_dup_default_dir ();

  data->store = g_object_ref (self);
  data->source = g_strdup (adiuva_store_get_dir (self));
  data->dest = g_canonicalize_filename (dest, NULL);
  data->is_default = g_str_equal (data->source, default_dir);
  data->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_mutex_init (&data->progress_lock);

  return data;
}

/* After a move, @self changes over to the copy. If that fails after all, it is closed rather
 * than left on files that are gone, where what it wrote would be lost. */
static gboolean
change_over (MoveData *data,
             GError  **error)
{
  gboolean reopened = _adiuva_store_reopen_at (data->store, data->dest, error);

  adiuva_store_rollback (data->lock);
  g_clear_object (&data->lock);
  if (reopened)
    return TRUE;

  adiuva_store_close (data->store);
  g_prefix_error (error,
                  _ ("The workspace was moved to “%s”, but could not be opened there; start "
                     "Adiuva again to open it: "),
                  data->dest);
  return FALSE;
}

/**
 * adiuva_store_move:
 * @dest: an empty or missing folder, outside the workspace
 *
 * Moves the workspace of @self to @dest, as adiuva_store_move_async() does, blocking.
 *
 * Returns: whether the workspace is now in @dest, and @self open on it there
 */
gboolean
adiuva_store_move (AdiuvaStore  *self,
                   const char   *dest,
                   GCancellable *cancellable,
                   GError      **error)
{
  MoveData *data;
  gboolean  moved;

  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  if (!_adiuva_store_checkpoint (self, error))
    return FALSE;

  data = move_data_new (self, dest);
  moved = move_files (data, cancellable, error) && change_over (data, error);
  move_data_free (data);

  return moved;
}

static void
move_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (move_files (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
move_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) outer = user_data;
  MoveData *data = g_task_get_task_data (G_TASK (result));
  GError   *error = NULL;
  gboolean  moved;

  data->finished = TRUE;
  moved = g_task_propagate_boolean (G_TASK (result), &error) && change_over (data, &error);
  /* The worker may hold the task a little longer: the store must not end there. */
  g_clear_object (&data->store);
  if (moved)
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

/**
 * adiuva_store_move_async:
 * @dest: an empty or missing folder, outside the workspace
 * @progress_callback: (nullable) (scope notified): told of the bytes copied, on the main
 *   context of the caller
 * @progress_data: for @progress_callback; kept alive by the caller until @callback runs
 *
 * Moves the workspace to @dest: copies every file of its folder there (the WAL folded in first),
 * checks that the copy opens with the same key and reads back whole, then, when @self is the
 * default workspace (adiuva_store_dup_default_dir()), points the default at @dest, and removes
 * the original folder. On any failure before that (a full disk, a folder that cannot be written,
 * @cancellable) the copy is removed and the original is left as it was.
 *
 * While it runs, @self can still be read from this thread, but nobody can write to the
 * workspace: writers wait, then fail as busy. When it worked, @self is open on @dest; other
 * connections to the workspace (adiuva_store_open_connection()) still point at the old files and
 * must be closed. Use no key function of @self until it finishes.
 */
void
adiuva_store_move_async (AdiuvaStore          *self,
                         const char           *dest,
                         GFileProgressCallback progress_callback,
                         gpointer              progress_data,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  g_autoptr (GTask) outer = NULL;
  g_autoptr (GTask) inner = NULL;
  GError   *error = NULL;
  MoveData *data;

  g_return_if_fail (ADIUVA_IS_STORE (self));
  g_return_if_fail (dest != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, adiuva_store_move_async);
  /* What happened, not whether @cancellable was cancelled meanwhile: past the point of no
   * return, a move that was cancelled too late did happen. */
  g_task_set_check_cancellable (outer, FALSE);
  if (!_adiuva_store_checkpoint (self, &error))
    {
      g_task_return_error (outer, error);
      return;
    }

  data = move_data_new (self, dest);
  data->progress_callback = progress_callback;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  inner = g_task_new (NULL, cancellable, move_done_cb, g_steal_pointer (&outer));
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, data, (GDestroyNotify) move_data_free);
  data->task = inner;
  g_task_run_in_thread (inner, move_thread);
}

gboolean
adiuva_store_move_finish (AdiuvaStore  *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
