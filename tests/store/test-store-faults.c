/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-faults"
#define _GNU_SOURCE /* unshare () */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adiuva-store.h"
#include "adiuva-store-private.h"
#include "test-tree.h"

/* Bad input and faults: every one must end in a specific error with words a person can act
 * on, and must leave the workspace files exactly as they were. */

#define PASSPHRASE "correct horse battery staple"
#define NOBODY 65534
#define SECRET_SCHEMA "org.adiuva.Workspace"

/* Helpers */

/* A folder both a test and its g_test_trap_subprocess() child can name: the child is spawned
 * by the test process, so the parent's pid is known to both. */
static char *shared_path (const char *first,
                          ...) G_GNUC_NULL_TERMINATED;

static char *
shared_path (const char *first,
             ...)
{
  g_autofree char *base = g_strdup_printf ("%s/adiuva-faults-%d", g_get_tmp_dir (),
                                           (int) (g_test_subprocess () ? getppid () : getpid ()));
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, base);
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static char *
make_tmp (void)
{
  g_autoptr (GError) error = NULL;
  char *tmp = g_dir_make_tmp ("adiuva-faults-XXXXXX", &error);

  g_assert_no_error (error);
  return tmp;
}

static void
add_task (AdiuvaStore *store,
          const char  *title,
          const char  *notes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();

  adiuva_task_set_title (task, title);
  adiuva_task_set_notes (task, notes);
  adiuva_store_add (store, ADIUVA_RECORD (task), &error);
  g_assert_no_error (error);
}

/* A workspace with a little of everything in it, closed again so that the WAL is folded into
 * workspace.db and the folder holds just the two files. */
static void
create_workspace (const char *dir,
                  const char *passphrase,
                  guint       n_tasks)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaClient) client = adiuva_client_new ();
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();

  store = adiuva_store_create (dir, passphrase, NULL, &error);
  g_assert_no_error (error);

  adiuva_client_set_name (client, "Initech");
  adiuva_store_add (store, ADIUVA_RECORD (client), &error);
  g_assert_no_error (error);
  adiuva_note_set_title (note, "Launch plan");
  adiuva_note_set_body (note, "The codeword is pamplemousse");
  adiuva_store_add (store, ADIUVA_RECORD (note), &error);
  g_assert_no_error (error);

  g_assert_true (adiuva_store_begin (store, &error));
  for (guint i = 0; i < n_tasks; i++)
    {
      g_autofree char *title = g_strdup_printf ("Task %u", i);
      g_autofree char *notes = g_strnfill (200 + i % 700, 'a' + i % 26);

      add_task (store, title, notes);
    }
  g_assert_true (adiuva_store_commit (store, &error));
  g_assert_no_error (error);

  /* No free pages: every page of the file then belongs to a table or an index, so damage
   * anywhere in it must show up in a full read. */
  g_assert_true (_adiuva_store_exec (store, "VACUUM", &error));
  g_assert_no_error (error);
}

static char *
db_path (const char *dir)
{
  return g_build_filename (dir, ADIUVA_DATABASE_NAME, NULL);
}

static char *
key_path (const char *dir)
{
  return g_build_filename (dir, ADIUVA_KEY_FILE_NAME, NULL);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr (GError) error = NULL;

  /* Replaced through a rename: GLib 2.74 does not truncate a file it writes in place. */
  g_file_set_contents_full (path, (const char *) data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                            &error);
  g_assert_no_error (error);
}

/* Records a failure and keeps going, so one run lists every difference. A child of
 * g_test_trap_subprocess () logs quietly, so there the reason also goes to stderr. */
static void fail (const char *format,
                  ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (g_test_subprocess ())
    g_printerr ("%s\n", message);
  /* The TAP line shows only the last failure of a test; the log keeps them all. */
  g_test_message ("FAILED: %s", message);
  g_test_fail_printf ("%s", message);
}

/* Runs this test's g_test_subprocess () branch in a child; the parent goes on to its own
 * checks either way (and puts permissions back first where it changed them). */
static void
run_child (void)
{
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (!g_test_trap_has_passed ())
    fail ("The part of this test in a subprocess failed; its messages are above");
}

/* Every file of the workspace folder, by name. */
static GHashTable *
snapshot (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_bytes_unref);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_hash_table_insert (files, g_strdup (name), read_file (path));
    }

  return files;
}

/* The byte comparison after a fault: nothing deleted, nothing changed, nothing left behind. */
static void
assert_unchanged (const char *dir,
                  GHashTable *before)
{
  g_autoptr (GHashTable) after = snapshot (dir);
  GHashTableIter iter;
  const char    *name;
  GBytes        *contents;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &contents))
    {
      GBytes *now = g_hash_table_lookup (after, name);

      if (now == NULL)
        fail ("%s was deleted", name);
      else if (!g_bytes_equal (now, contents))
        fail ("%s was modified (%" G_GSIZE_FORMAT " bytes before, %" G_GSIZE_FORMAT
              " after)",
              name, g_bytes_get_size (contents), g_bytes_get_size (now));
    }

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (!g_hash_table_contains (before, name))
      fail ("%s was left behind", name);
}

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* Specific and human: the expected code, a sentence rather than a status code, and a verb
 * that tells the person what to do next. */
static void
assert_human_error (const GError    *error,
                    AdiuvaStoreError code)
{
  static const char *const remedies[] = {
    "check", "choose", "create", "enter", "free", "import", "restore", "set", "start", "try",
    "unlock", "update", "use", NULL
  };
  g_autofree char *lower = NULL;
  g_auto (GStrv) words = NULL;
  gboolean says_what_to_do = FALSE;

  g_assert_nonnull (error);
  if (!g_error_matches (error, ADIUVA_STORE_ERROR, code))
    fail ("Expected %s %d, got %s %d", g_quark_to_string (ADIUVA_STORE_ERROR), code,
          g_quark_to_string (error->domain), error->code);

  /* A sentence for a dialog: no bytes from a damaged file, no wall of text. */
  if (!g_utf8_validate (error->message, -1, NULL) || has_control_characters (error->message))
    {
      g_autofree char *escaped = g_strescape (error->message, NULL);

      fail ("The message is not plain text: \"%s\"", escaped);
      return;
    }
  g_test_message ("error %d: %s", error->code, error->message);
  g_assert_cmpuint (strlen (error->message), >=, 20);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <=, 400);
  g_assert_true (g_unichar_isupper (g_utf8_get_char (error->message)));
  g_assert_null (strstr (error->message, "SQLITE_"));
  g_assert_null (strstr (error->message, "sqlite3_"));
  g_assert_null (strstr (error->message, "error code"));

  lower = g_utf8_strdown (error->message, -1);
  g_strdelimit (lower, ".,;:!?()“”\"'", ' ');
  words = g_strsplit (lower, " ", -1);
  for (guint i = 0; words[i] != NULL && !says_what_to_do; i++)
    says_what_to_do = g_strv_contains (remedies, words[i]);
  if (!says_what_to_do)
    fail ("The message does not say what to do: \"%s\"", error->message);
}

static void
assert_opens (const char *dir,
              const char *passphrase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = adiuva_store_open (dir, passphrase, NULL, &error);
  g_autoptr (AdiuvaClient) client = NULL;

  g_assert_no_error (error);
  client = adiuva_store_find_client (store, "Initech", &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
}

/* Opens @dir and expects @code; then checks that not a byte of the folder changed. */
static void
assert_open_fails (const char      *dir,
                   const char      *passphrase,
                   AdiuvaStoreError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GHashTable) before = snapshot (dir);

  store = adiuva_store_open (dir, passphrase, NULL, &error);
  g_assert_null (store);
  assert_human_error (error, code);
  assert_unchanged (dir, before);
}

static void
assert_has_workspace_files (GHashTable *files)
{
  g_assert_true (g_hash_table_contains (files, ADIUVA_DATABASE_NAME));
  g_assert_true (g_hash_table_contains (files, ADIUVA_KEY_FILE_NAME));
}

/* The keyring, reached with secret-tool rather than through the store's own code, so these
 * tests also prove where the store keeps the key. Keys never reach the log. */

static char *
workspace_id (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = key_path (dir);
  char            *id;

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  id = g_key_file_get_string (key_file, "Workspace", "id", &error);
  g_assert_no_error (error);

  return id;
}

static gboolean
have_program (const char *program,
              const char *package)
{
  g_autofree char *path = g_find_program_in_path (program);

  if (path == NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s is not installed (build-aux/install-deps "
                                              "installs %s)",
                                              program, package);
      g_test_skip (why);
    }

  return path != NULL;
}

/* secret-tool COMMAND xdg:schema org.adiuva.Workspace workspace ID, with @input on stdin. */
static char *
secret_tool (const char *command,
             const char *id,
             const char *input)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) "secret-tool");
  g_ptr_array_add (argv, (gpointer) command);
  if (g_str_equal (command, "store"))
    g_ptr_array_add (argv, (gpointer) "--label=Adiuva test");
  g_ptr_array_add (argv, (gpointer) "xdg:schema");
  g_ptr_array_add (argv, (gpointer) SECRET_SCHEMA);
  g_ptr_array_add (argv, (gpointer) "workspace");
  g_ptr_array_add (argv, (gpointer) id);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);

  /* lookup exits with 1 when there is no such secret; that is an answer, not a failure. */
  if (!g_subprocess_get_successful (process) && !g_str_equal (command, "lookup"))
    g_error ("secret-tool %s failed: %s", command, err);

  return g_strstrip (g_steal_pointer (&out));
}

static char *
keyring_lookup (const char *id)
{
  return secret_tool ("lookup", id, NULL);
}

static void
keyring_store (const char *id,
               const char *secret)
{
  g_autofree char *out = secret_tool ("store", id, secret);
}

static void
keyring_clear (const char *id)
{
  g_autofree char *out = secret_tool ("clear", id, NULL);
}

static void
wipe_string (char *s)
{
  if (s != NULL)
    explicit_bzero (s, strlen (s));
}

/* Keys and passphrases */

static void
test_wrong_passphrase (void)
{
  g_autofree char *tmp = make_tmp ();

  create_workspace (tmp, PASSPHRASE, 10);
  assert_open_fails (tmp, "correct horse battery stapler", ADIUVA_STORE_ERROR_WRONG_PASSPHRASE);
  assert_open_fails (tmp, "x", ADIUVA_STORE_ERROR_WRONG_PASSPHRASE);
  assert_opens (tmp, PASSPHRASE);

  test_remove_tree (tmp);
}

static void
test_needs_passphrase (void)
{
  g_autofree char *tmp = make_tmp ();

  create_workspace (tmp, PASSPHRASE, 10);
  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE);
  assert_opens (tmp, PASSPHRASE);

  test_remove_tree (tmp);
}

/* The keyring entry of one workspace overwritten with the valid key of another one. */
static void
test_wrong_key (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *dir = g_build_filename (tmp, "mine", NULL);
  g_autofree char *other = g_build_filename (tmp, "other", NULL);
  g_autofree char *id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *own_key = NULL;
  g_autofree char *other_key = NULL;

  if (!have_program ("secret-tool", "libsecret-tools"))
    return;

  create_workspace (dir, NULL, 10);
  create_workspace (other, NULL, 10);
  id = workspace_id (dir);
  other_id = workspace_id (other);
  own_key = keyring_lookup (id);
  other_key = keyring_lookup (other_id);
  g_assert_cmpuint (strlen (own_key), ==, 64);
  g_assert_cmpuint (strlen (other_key), ==, 64);
  g_assert_true (strcmp (own_key, other_key) != 0);

  keyring_store (id, other_key);
  assert_open_fails (dir, NULL, ADIUVA_STORE_ERROR_WRONG_KEY);

  /* With the right key back, both open as before. */
  keyring_store (id, own_key);
  assert_opens (dir, NULL);
  assert_opens (other, NULL);

  wipe_string (own_key);
  wipe_string (other_key);
  test_remove_tree (tmp);
}

static void
test_damaged_keyring_entry (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *id = NULL;

  if (!have_program ("secret-tool", "libsecret-tools"))
    return;

  create_workspace (tmp, NULL, 10);
  id = workspace_id (tmp);
  keyring_store (id, "this is not a key");
  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_WRONG_KEY);

  test_remove_tree (tmp);
}

static void
test_key_missing (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *id = NULL;
  g_autofree char *gone = NULL;

  if (!have_program ("secret-tool", "libsecret-tools"))
    return;

  create_workspace (tmp, NULL, 10);
  id = workspace_id (tmp);
  keyring_clear (id);
  gone = keyring_lookup (id);
  g_assert_cmpstr (gone, ==, "");

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_KEY_MISSING);

  test_remove_tree (tmp);
}

/* The child of the no-keyring tests gets a session bus address where nothing listens. This
 * has to happen before anything in the process touches GIO. */
static void
lose_the_keyring (void)
{
  g_autofree char *socket = shared_path ("no-bus-here", NULL);
  g_autofree char *address = g_strconcat ("unix:path=", socket, NULL);

  g_assert_false (g_file_test (socket, G_FILE_TEST_EXISTS));
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
}

static void
test_no_keyring_open (void)
{
  g_autofree char *parent = shared_path ("no-keyring-open", NULL);
  g_autofree char *dir = shared_path ("no-keyring-open", "keyring", NULL);
  g_autofree char *locked = shared_path ("no-keyring-open", "passphrase", NULL);
  g_autoptr (GHashTable) before = NULL;

  if (g_test_subprocess ())
    {
      lose_the_keyring ();
      assert_open_fails (dir, NULL, ADIUVA_STORE_ERROR_NO_KEYRING);
      /* A passphrase does not need the keyring. */
      assert_opens (locked, PASSPHRASE);
      return;
    }

  create_workspace (dir, NULL, 10);
  create_workspace (locked, PASSPHRASE, 10);
  before = snapshot (dir);
  assert_has_workspace_files (before);

  run_child ();

  assert_unchanged (dir, before);
  assert_opens (dir, NULL);

  test_remove_tree (parent);
}

static void
test_no_keyring_create (void)
{
  g_autofree char *parent = shared_path ("no-keyring-create", NULL);
  g_autofree char *dir = shared_path ("no-keyring-create", "ws", NULL);
  g_autofree char *existing = shared_path ("no-keyring-create", "existing", NULL);

  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaStore) store = NULL;
      g_autoptr (GHashTable) empty = NULL;

      lose_the_keyring ();

      /* A folder the store has to make… */
      store = adiuva_store_create (dir, NULL, NULL, &error);
      g_assert_null (store);
      assert_human_error (error, ADIUVA_STORE_ERROR_NO_KEYRING);
      g_clear_error (&error);
      if (g_file_test (dir, G_FILE_TEST_EXISTS))
        {
          g_autoptr (GHashTable) files = snapshot (dir);

          g_assert_cmpuint (g_hash_table_size (files), ==, 0);
          g_test_message ("the failed create left an empty folder behind");
        }

      /* …and an empty folder the person picked, which stays, empty. */
      store = adiuva_store_create (existing, NULL, NULL, &error);
      g_assert_null (store);
      assert_human_error (error, ADIUVA_STORE_ERROR_NO_KEYRING);
      g_assert_true (g_file_test (existing, G_FILE_TEST_IS_DIR));
      empty = snapshot (existing);
      g_assert_cmpuint (g_hash_table_size (empty), ==, 0);
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (existing, 0700), ==, 0);

  run_child ();

  test_remove_tree (parent);
}

/* Damaged files */

static void
flip_bytes (const char *path,
            gsize       offset,
            gsize       len)
{
  g_autoptr (GBytes) contents = read_file (path);
  gsize              size = 0;
  g_autofree guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&contents), &size);

  g_assert_cmpuint (offset + len, <=, size);
  for (gsize i = offset; i < offset + len; i++)
    data[i] ^= (guint8) g_test_rand_int_range (1, 256);
  write_file (path, data, size);
}

static void
truncate_file (const char *path,
               gsize       len)
{
  g_autoptr (GBytes) contents = read_file (path);

  g_assert_cmpuint (len, <=, g_bytes_get_size (contents));
  write_file (path, g_bytes_get_data (contents, NULL), len);
}

static gboolean
integrity_check (AdiuvaStore *store,
                 char       **result,
                 GError     **error)
{
  sqlite3 *db = _adiuva_store_get_db (store);
  g_autoptr (GString) rows = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int           rc;

  stmt = _adiuva_store_prepare (store, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (rows, "%s%s", rows->len > 0 ? "\n" : "",
                            (const char *) sqlite3_column_text (stmt, 0));

  if (rc != SQLITE_DONE)
    {
      _adiuva_store_set_error (db, sqlite3_extended_errcode (db), error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  *result = g_string_free (g_steal_pointer (&rows), FALSE);
  return TRUE;
}

static gboolean
export_workspace (AdiuvaStore *store,
                  GError     **error)
{
  g_autoptr (GOutputStream) sink = g_memory_output_stream_new_resizable ();

  return adiuva_store_export_json (store, sink, NULL, error);
}

/* Damage the open may not see (it reads page 1 and the schema) has to show at the first full
 * read, as a specific error: never a crash, never made-up rows, never a vague "failed". */
static void
assert_damage_found (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *result = NULL;

  store = adiuva_store_open (dir, NULL, NULL, &error);
  if (store == NULL)
    {
      g_test_message ("found when opening");
      assert_human_error (error, ADIUVA_STORE_ERROR_CORRUPT);
      return;
    }

  /* What a backup reads: every row of every table, but no index. Then again, as a person
   * retrying would, on the same connection. */
  for (guint attempt = 0; attempt < 2; attempt++)
    if (!export_workspace (store, &error))
      {
        g_test_message ("found by export %u", attempt + 1);
        assert_human_error (error, ADIUVA_STORE_ERROR_CORRUPT);
        g_clear_error (&error);
      }

  /* The search index is not part of the export. */
  results = adiuva_store_search (store, "task", 1000, &error);
  if (results == NULL)
    {
      g_test_message ("found by a search");
      assert_human_error (error, ADIUVA_STORE_ERROR_CORRUPT);
      g_clear_error (&error);
    }
  g_clear_object (&store);

  /* Every page, on a fresh connection. SQLCipher 3 reports a page that fails its HMAC here as
   * a plain SQLITE_ERROR, which the store cannot tell from any other: only detection is
   * asserted for this private path. */
  store = adiuva_store_open (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  if (!integrity_check (store, &result, &error))
    {
      g_test_message ("found by the integrity check: %s", error->message);
      return;
    }
  g_test_message ("integrity check: %.300s", result);
  g_assert_cmpstr (result, !=, "ok");
}

static void
test_corrupt_page_one (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);

  create_workspace (tmp, NULL, 10);
  /* Past SQLCipher's salt, in the middle of the first page. */
  flip_bytes (path, 1000, 64);
  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_CORRUPT);

  test_remove_tree (tmp);
}

static void
test_corrupt_pages (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);
  g_autoptr (GBytes) pristine = NULL;
  gsize n_pages;

  create_workspace (tmp, NULL, 300);
  pristine = read_file (path);
  g_assert_cmpuint (g_bytes_get_size (pristine) % 4096, ==, 0);
  n_pages = g_bytes_get_size (pristine) / 4096;
  g_assert_cmpuint (n_pages, >=, 20);

  for (guint trial = 0; trial < (g_test_thorough () ? 100 : 12); trial++)
    {
      g_autoptr (GHashTable) before = NULL;
      gsize page = g_test_rand_int_range (2, n_pages + 1);
      gsize offset = (page - 1) * 4096 + g_test_rand_int_range (0, 4096 - 32);

      g_test_message ("32 bytes at %u, page %u of %u", (guint) offset, (guint) page,
                      (guint) n_pages);
      write_file (path, g_bytes_get_data (pristine, NULL), g_bytes_get_size (pristine));
      flip_bytes (path, offset, 32);

      before = snapshot (tmp);
      assert_damage_found (tmp);
      assert_unchanged (tmp, before);
    }

  test_remove_tree (tmp);
}

static void
test_corrupt_garbage (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);
  g_autoptr (GBytes) contents = NULL;
  g_autofree guint8 *garbage = NULL;
  gsize              size;

  create_workspace (tmp, NULL, 10);
  contents = read_file (path);
  size = g_bytes_get_size (contents);
  garbage = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    garbage[i] = g_test_rand_int_range (0, 256);
  write_file (path, garbage, size);

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_CORRUPT);

  test_remove_tree (tmp);
}

/* The database of another workspace, next to this one's key file. */
static void
test_corrupt_foreign_database (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *dir = g_build_filename (tmp, "mine", NULL);
  g_autofree char *other = g_build_filename (tmp, "other", NULL);
  g_autofree char *path = db_path (dir);
  g_autofree char *other_path = db_path (other);
  g_autoptr (GBytes) contents = NULL;

  create_workspace (dir, NULL, 10);
  create_workspace (other, NULL, 10);
  contents = read_file (other_path);
  write_file (path, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));

  assert_open_fails (dir, NULL, ADIUVA_STORE_ERROR_CORRUPT);

  test_remove_tree (tmp);
}

/* An unencrypted SQLite file where the workspace should be: refused, and pointed to import. */
static void
test_plain_database (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);
  sqlite3         *db = NULL;

  create_workspace (tmp, NULL, 10);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL,
                                 NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_NOT_ENCRYPTED);

  test_remove_tree (tmp);
}

static void
test_truncated (gconstpointer data)
{
  gsize            len = GPOINTER_TO_SIZE (data);
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);

  create_workspace (tmp, NULL, 10);
  truncate_file (path, len);
  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_CORRUPT);

  test_remove_tree (tmp);
}

/* Cut at a page boundary, so the file still looks whole: the missing pages must be noticed. */
static void
test_truncated_pages (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);
  g_autoptr (GBytes) pristine = NULL;
  gsize n_pages;

  create_workspace (tmp, NULL, 300);
  pristine = read_file (path);
  n_pages = g_bytes_get_size (pristine) / 4096;

  for (gsize keep = 1; keep < n_pages; keep += MAX (1, n_pages / 5))
    {
      g_autoptr (GHashTable) before = NULL;

      g_test_message ("keeping %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " pages", keep, n_pages);
      write_file (path, g_bytes_get_data (pristine, NULL), keep * 4096);
      before = snapshot (tmp);
      assert_damage_found (tmp);
      assert_unchanged (tmp, before);
    }

  test_remove_tree (tmp);
}

static void
test_missing_database (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = db_path (tmp);

  create_workspace (tmp, NULL, 10);
  g_assert_cmpint (g_unlink (path), ==, 0);

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  test_remove_tree (tmp);
}

/* The database is there, the key file that unlocks it is gone: that is a damaged workspace,
 * not a folder without one. */
static void
test_missing_key_file (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = key_path (tmp);

  create_workspace (tmp, NULL, 10);
  g_assert_cmpint (g_unlink (path), ==, 0);

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  test_remove_tree (tmp);
}

static void
set_key_file_integer (const char *path,
                      const char *group,
                      const char *key,
                      int         value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) key_file = g_key_file_new ();

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_has_key (key_file, group, key, NULL));
  g_key_file_set_integer (key_file, group, key, value);
  g_key_file_save_to_file (key_file, path, &error);
  g_assert_no_error (error);
}

static void
test_corrupt_key_file (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = key_path (tmp);
  g_autoptr (GBytes) pristine = NULL;
  guint8 garbage[300];

  create_workspace (tmp, PASSPHRASE, 10);
  pristine = read_file (path);

  /* One line of junk after a valid first line, so the parser has something to quote; none of
   * it belongs in a message (0xff is never UTF-8). */
  g_test_message ("random bytes");
  memcpy (garbage, "[Workspace]\n", strlen ("[Workspace]\n"));
  for (guint i = strlen ("[Workspace]\n"); i < sizeof garbage; i++)
    {
      garbage[i] = g_test_rand_int_range (0, 256);
      if (strchr ("\n\r=[#", garbage[i]) != NULL)
        garbage[i] = 0xff;
    }
  write_file (path, garbage, sizeof garbage);
  assert_open_fails (tmp, PASSPHRASE, ADIUVA_STORE_ERROR_CORRUPT);

  g_test_message ("cut in half");
  write_file (path, g_bytes_get_data (pristine, NULL), g_bytes_get_size (pristine) / 2);
  assert_open_fails (tmp, PASSPHRASE, ADIUVA_STORE_ERROR_CORRUPT);

  g_test_message ("empty");
  write_file (path, (const guint8 *) "", 0);
  assert_open_fails (tmp, PASSPHRASE, ADIUVA_STORE_ERROR_CORRUPT);

  /* Well-formed, but asking Argon2id for 1 TiB: refused before anything is allocated. */
  g_test_message ("absurd KDF cost");
  write_file (path, g_bytes_get_data (pristine, NULL), g_bytes_get_size (pristine));
  set_key_file_integer (path, "Passphrase", "m-cost-kib", 1 << 30);
  assert_open_fails (tmp, PASSPHRASE, ADIUVA_STORE_ERROR_CORRUPT);

  write_file (path, g_bytes_get_data (pristine, NULL), g_bytes_get_size (pristine));
  assert_opens (tmp, PASSPHRASE);

  test_remove_tree (tmp);
}

/* Newer versions */

static void
test_too_new_schema (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autofree char *sql = NULL;

  create_workspace (tmp, NULL, 10);
  store = adiuva_store_open (tmp, NULL, NULL, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("PRAGMA user_version = %d", adiuva_store_get_latest_schema_version () + 1);
  g_assert_true (_adiuva_store_exec (store, sql, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_TOO_NEW);

  test_remove_tree (tmp);
}

static void
test_too_new_key_file (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = key_path (tmp);

  create_workspace (tmp, NULL, 10);
  set_key_file_integer (path, "Workspace", "version", 2);

  assert_open_fails (tmp, NULL, ADIUVA_STORE_ERROR_TOO_NEW);

  test_remove_tree (tmp);
}

/* Read-only. Root writes through any mode bits, so as root the child becomes nobody first; the
 * workspace uses a passphrase because nobody cannot reach root's session bus. */

static void
drop_privileges (void)
{
  if (geteuid () != 0)
    return;

  g_assert_cmpint (setgroups (0, NULL), ==, 0);
  g_assert_cmpint (setgid (NOBODY), ==, 0);
  g_assert_cmpint (setuid (NOBODY), ==, 0);
  g_assert_cmpint (geteuid (), ==, NOBODY);
  /* A changed uid makes the process undumpable; the sanitizers' leak check needs it back. */
  prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static void
set_owner (const char *path,
           uid_t       uid)
{
  if (geteuid () == 0)
    g_assert_cmpint (chown (path, uid, uid), ==, 0);
}

static void
test_read_only (gconstpointer data)
{
  gboolean         whole_folder = GPOINTER_TO_INT (data);
  const char      *name = whole_folder ? "read-only-folder" : "read-only-database";
  g_autofree char *parent = shared_path (name, NULL);
  g_autofree char *dir = shared_path (name, "ws", NULL);
  g_autofree char *db = db_path (dir);
  g_autofree char *key = key_path (dir);
  g_autoptr (GHashTable) before = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaStore) store = NULL;

      drop_privileges ();
      g_assert_cmpint (g_access (db, W_OK), !=, 0);
      if (whole_folder)
        g_assert_cmpint (g_access (dir, W_OK), !=, 0);
      store = adiuva_store_open (dir, PASSPHRASE, NULL, &error);
      g_assert_null (store);
      assert_human_error (error, ADIUVA_STORE_ERROR_READ_ONLY);
      /* Specific: the folder is writable here, the file is not. */
      if (!whole_folder && strstr (error->message, ADIUVA_DATABASE_NAME) == NULL)
        fail ("The message does not name the read-only file: \"%s\"", error->message);
      return;
    }

  create_workspace (dir, PASSPHRASE, 10);
  before = snapshot (dir);
  assert_has_workspace_files (before);

  g_assert_cmpint (g_chmod (parent, 0755), ==, 0);
  set_owner (dir, NOBODY);
  set_owner (db, NOBODY);
  set_owner (key, NOBODY);
  g_assert_cmpint (g_chmod (db, 0444), ==, 0);
  if (whole_folder)
    {
      g_assert_cmpint (g_chmod (key, 0444), ==, 0);
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
    }

  run_child ();

  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (db, 0600), ==, 0);
  g_assert_cmpint (g_chmod (key, 0600), ==, 0);
  set_owner (dir, 0);
  set_owner (db, 0);
  set_owner (key, 0);

  assert_unchanged (dir, before);
  assert_opens (dir, PASSPHRASE);

  test_remove_tree (parent);
}

/* A full disk. The failed transaction must not reach workspace.db (WAL), the store must say
 * what happened, and everything committed before must still be there. */

static void
add_big_note (AdiuvaStore *store,
              GError     **error)
{
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (GString) body = g_string_sized_new (3 << 20);
  gboolean ok;

  /* Varied text, so the search index grows with it. */
  for (guint i = 0; body->len < (3 << 20); i++)
    g_string_append_printf (body, "word%u ", i % 50000);

  adiuva_note_set_title (note, "Too big");
  adiuva_note_set_body (note, body->str);
  ok = adiuva_store_add (store, ADIUVA_RECORD (note), error);
  g_assert_false (ok);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (note)), ==, 0);
}

static void
assert_big_note_absent (AdiuvaStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = adiuva_store_find_note (store, "Too big", &error);

  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_assert_null (note);
}

/* After the fault, on a connection without limits: intact, old data there, new data absent. */
static void
assert_survived_full_disk (const char *dir,
                           guint       n_tasks)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = adiuva_store_open (dir, NULL, NULL, &error);
  g_autoptr (AdiuvaClient) client = NULL;
  g_autoptr (AdiuvaTaskListModel) tasks = NULL;
  g_autofree char *result = NULL;

  g_assert_no_error (error);
  g_assert_true (integrity_check (store, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result, ==, "ok");

  client = adiuva_store_find_client (store, "Initech", &error);
  g_assert_no_error (error);
  tasks = adiuva_task_list_model_new (store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tasks)), ==, n_tasks);
  assert_big_note_absent (store);
}

static void
test_disk_full_file_size (void)
{
  g_autofree char *parent = shared_path ("disk-full-file-size", NULL);
  g_autofree char *dir = shared_path ("disk-full-file-size", "ws", NULL);
  g_autofree char *db = db_path (dir);
  g_autoptr (GHashTable) before = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaStore) store = adiuva_store_open (dir, NULL, NULL, &error);
      struct rlimit limit;
      GStatBuf      st;

      g_assert_no_error (error);
      g_assert_cmpint (g_stat (db, &st), ==, 0);

      /* A little above what is there (the WAL index alone is 32 KiB), far below the note. */
      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      limit.rlim_cur = MAX (st.st_size, 32 * 1024) + 128 * 1024;
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

      add_big_note (store, &error);
      assert_human_error (error, ADIUVA_STORE_ERROR_DISK_FULL);
      assert_big_note_absent (store);
      return;
    }

  create_workspace (dir, NULL, 50);
  before = snapshot (dir);

  run_child ();

  assert_unchanged (dir, before);
  assert_survived_full_disk (dir, 50);

  test_remove_tree (parent);
}

/* A small disk at @where, in a mount namespace of the calling process's own: the mount goes
 * away with it, whatever happens. */
static gboolean
mount_private_tmpfs (const char *where,
                     const char *size)
{
  g_autofree char *options = g_strdup_printf ("size=%s", size);

  return unshare (CLONE_NEWNS) == 0 && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
         mount ("adiuva-test", where, "tmpfs", 0, options) == 0;
}

/* Is a private mount namespace with a tmpfs possible here (root, no seccomp filter)? */
static gboolean
can_mount_tmpfs (const char *where)
{
  int   status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    _exit (mount_private_tmpfs (where, "64k") ? 0 : 1);

  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static void
test_disk_full_tmpfs (void)
{
  g_autofree char *mountpoint = shared_path ("disk-full-tmpfs", NULL);
  g_autofree char *dir = shared_path ("disk-full-tmpfs", "ws", NULL);

  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AdiuvaStore) store = NULL;
      g_autoptr (GHashTable) before = NULL;

      g_assert_true (mount_private_tmpfs (mountpoint, "1m"));

      create_workspace (dir, NULL, 50);
      before = snapshot (dir);

      store = adiuva_store_open (dir, NULL, NULL, &error);
      g_assert_no_error (error);
      add_big_note (store, &error);
      assert_human_error (error, ADIUVA_STORE_ERROR_DISK_FULL);
      assert_big_note_absent (store);
      g_clear_object (&store);

      assert_unchanged (dir, before);
      assert_survived_full_disk (dir, 50);
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (mountpoint, 0700), ==, 0);
  if (!can_mount_tmpfs (mountpoint))
    {
      g_rmdir (mountpoint);
      g_test_skip ("cannot mount a tmpfs here (needs root and a mount namespace)");
      return;
    }

  run_child ();

  test_remove_tree (mountpoint);
}

/* Encryption at rest, and the link trap: if libsqlite3 were resolved before libsqlcipher,
 * PRAGMA key would be ignored and this file would be plain SQLite. */

static gboolean
run_sqlcipher (const char *path,
               const char *script,
               char      **out,
               char      **err)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                  G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, "sqlcipher", "-bail", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, script, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_successful (process);
}

static void
test_encrypted_at_rest (void)
{
  static const char plain_header[16] = "SQLite format 3";
  g_autofree char  *tmp = make_tmp ();
  g_autofree char  *path = db_path (tmp);
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GBytes) contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *script = NULL;
  const char      *data;
  gsize            size;

  g_assert_true (adiuva_store_check_cipher (&error));
  g_assert_no_error (error);

  create_workspace (tmp, NULL, 3);
  store = adiuva_store_open (tmp, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (adiuva_store_get_cipher_version (store));
  g_test_message ("SQLCipher %s", adiuva_store_get_cipher_version (store));
  g_clear_object (&store);

  contents = read_file (path);
  data = g_bytes_get_data (contents, &size);
  g_assert_cmpuint (size, >=, 4096);
  g_assert_cmpuint (size % 4096, ==, 0);
  g_assert_true (memcmp (data, plain_header, sizeof plain_header) != 0);
  g_assert_null (g_strstr_len (data, size, "SQLite format 3"));
  g_assert_null (g_strstr_len (data, size, "pamplemousse"));
  g_assert_null (g_strstr_len (data, size, "Initech"));
  g_assert_null (g_strstr_len (data, size, "CREATE TABLE"));

  if (!have_program ("sqlcipher", "sqlcipher"))
    return;

  /* The real tool, without the key, cannot read it… */
  g_assert_false (run_sqlcipher (path, "SELECT count(*) FROM sqlite_master;\n", &out, &err));
  g_assert_nonnull (strstr (err, "file is encrypted or is not a database"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  if (!have_program ("secret-tool", "libsecret-tools"))
    return;

  /* …and with it, it reads what the store wrote. */
  id = workspace_id (tmp);
  key = keyring_lookup (id);
  g_assert_cmpuint (strlen (key), ==, 64);
  script = g_strdup_printf ("PRAGMA key = \"x'%s'\";\n"
                            "PRAGMA cipher_page_size = 4096;\n"
                            "SELECT 'tasks=' || count(*) FROM tasks;\n"
                            "SELECT body FROM notes;\n",
                            key);
  wipe_string (key);
  g_assert_true (run_sqlcipher (path, script, &out, &err));
  wipe_string (script);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "tasks=3\n"));
  g_assert_nonnull (strstr (out, "The codeword is pamplemousse\n"));

  test_remove_tree (tmp);
}

/* Moving the workspace: the copy is proved before the original goes, and every failure leaves
 * the original as it was and in use, with nothing left at the destination. */

static guint
count_tasks (AdiuvaStore *store)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (GError) error = NULL;
  guint count = adiuva_store_count_tasks (store, filter, &error);

  g_assert_no_error (error);
  return count;
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  AdiuvaStore  *store; /* read while it moves, when set */
  guint         n_tasks;
  AdiuvaStore  *writer; /* writes while it moves, when set */
  gboolean      refused;
  goffset       current;
  goffset       total;
  guint         reports;
  GCancellable *cancel; /* cancelled at the first report of bytes copied, when set */
  goffset       cancelled_at;
} MoveWait;

static void
move_progress_cb (goffset  current,
                  goffset  total,
                  gpointer user_data)
{
  MoveWait *wait = user_data;

  g_assert_cmpint (current, >=, wait->current);
  g_assert_cmpint (current, <=, total);
  wait->current = current;
  wait->total = total;
  wait->reports++;
  if (wait->cancel != NULL && current > 0 && wait->cancelled_at == 0)
    {
      wait->cancelled_at = current;
      g_cancellable_cancel (wait->cancel);
    }
  if (wait->store != NULL)
    g_assert_cmpuint (count_tasks (wait->store), ==, wait->n_tasks);
  if (wait->writer != NULL && !wait->refused)
    {
      g_autoptr (AdiuvaTask) task = adiuva_task_new ();
      g_autoptr (GError) error = NULL;

      adiuva_task_set_title (task, "Written while the workspace moves");
      g_assert_false (adiuva_store_add (wait->writer, ADIUVA_RECORD (task), &error));
      g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_BUSY);
      wait->refused = TRUE;
    }
}

static void
moved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  MoveWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
move_and_wait (AdiuvaStore  *store,
               const char   *dest,
               GCancellable *cancellable,
               MoveWait     *wait,
               GError      **error)
{
  gboolean moved;

  wait->loop = g_main_loop_new (NULL, FALSE);
  adiuva_store_move_async (store, dest, move_progress_cb, wait, cancellable, moved_cb, wait);
  g_main_loop_run (wait->loop);
  moved = adiuva_store_move_finish (store, wait->result, error);
  g_clear_object (&wait->result);
  g_clear_pointer (&wait->loop, g_main_loop_unref);

  return moved;
}

static void
assert_file_contents (const char *path,
                      const char *expected)
{
  g_autoptr (GBytes) contents = read_file (path);

  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), expected,
                   strlen (expected));
}

static void
test_move_default (void)
{
  g_autofree char *builtin = g_build_filename (g_get_user_data_dir (), "adiuva", NULL);
  g_autofree char *pointer = g_build_filename (g_get_user_config_dir (), "adiuva",
                                               "workspace.ini", NULL);
  g_autofree char *tmp = make_tmp ();
  g_autofree char *dest = g_build_filename (tmp, "new place", "ws", NULL);
  g_autofree char *default_dir = adiuva_store_dup_default_dir ();
  g_autofree char *attachments = g_build_filename (builtin, "attachments", NULL);
  g_autofree char *attachment = g_build_filename (attachments, "contract.txt", NULL);
  g_autofree char *moved_attachment = g_build_filename (dest, "attachments", "contract.txt",
                                                        NULL);
  g_autofree char *moved_key = key_path (dest);
  g_autofree char *db = db_path (builtin);
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaStore) writer = NULL;
  g_autoptr (GError) error = NULL;
  MoveWait wait = { 0 };
  GStatBuf st;
  goffset  db_size;

  g_assert_cmpstr (default_dir, ==, builtin);
  create_workspace (builtin, NULL, 200);
  g_assert_cmpint (g_mkdir (attachments, 0700), ==, 0);
  g_assert_true (g_file_set_contents (attachment, "signed", -1, NULL));
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  db_size = st.st_size;

  store = adiuva_store_open (builtin, NULL, NULL, &error);
  g_assert_no_error (error);
  add_task (store, "Written just before the move", "in the WAL until the move folds it in");

  /* Another connection, as adiuva-cli would have: refused while it moves, at once. */
  writer = adiuva_store_open_connection (store, &error);
  g_assert_no_error (error);
  g_assert_true (_adiuva_store_exec (writer, "PRAGMA busy_timeout = 0", &error));

  wait.store = store;
  wait.n_tasks = 201;
  wait.writer = writer;
  g_assert_true (move_and_wait (store, dest, NULL, &wait, &error));
  g_assert_true (wait.refused);
  g_clear_object (&writer);
  g_assert_no_error (error);

  /* The same store goes on, in the new place. */
  g_assert_cmpstr (adiuva_store_get_dir (store), ==, dest);
  g_assert_cmpuint (count_tasks (store), ==, 201);
  add_task (store, "Written after the move", "");
  g_assert_cmpuint (count_tasks (store), ==, 202);

  g_assert_false (g_file_test (builtin, G_FILE_TEST_EXISTS));
  assert_file_contents (moved_attachment, "signed");
  g_assert_cmpint (g_stat (moved_key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_cmpuint (wait.reports, >, 0);
  g_assert_cmpint (wait.current, ==, wait.total);
  g_assert_cmpint (wait.total, >=, db_size);

  /* The default follows it, and the keyring still finds its key. */
  g_assert_true (g_file_test (pointer, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&default_dir, g_free);
  default_dir = adiuva_store_dup_default_dir ();
  g_assert_cmpstr (default_dir, ==, dest);
  g_clear_object (&store);
  assert_opens (default_dir, NULL);

  /* Back to the built-in place: the pointer goes. */
  store = adiuva_store_open (default_dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (adiuva_store_move (store, builtin, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (pointer, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_pointer (&default_dir, g_free);
  default_dir = adiuva_store_dup_default_dir ();
  g_assert_cmpstr (default_dir, ==, builtin);
  g_assert_cmpuint (count_tasks (store), ==, 202);
  g_clear_object (&store);

  test_remove_tree (builtin);
  test_remove_tree (tmp);
}

/* A refused move: the store is still usable where it was. */
static void
assert_move_refused (const char      *dir,
                     const char      *dest,
                     AdiuvaStoreError code,
                     const char      *says)
{
  g_autoptr (GHashTable) before = snapshot (dir);
  g_autoptr (AdiuvaStore) store = adiuva_store_open (dir, NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (store);
  g_assert_false (adiuva_store_move (store, dest, NULL, &error));
  assert_human_error (error, code);
  g_assert_nonnull (strstr (error->message, says));
  g_assert_cmpstr (adiuva_store_get_dir (store), ==, dir);
  g_assert_cmpuint (count_tasks (store), ==, 3);
  g_clear_object (&store);
  assert_unchanged (dir, before);
}

static void
test_move_not_empty (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *dir = g_build_filename (tmp, "ws", NULL);
  g_autofree char *dest = g_build_filename (tmp, "busy", NULL);
  g_autofree char *other = g_build_filename (dest, "notes.txt", NULL);
  g_autofree char *file = g_build_filename (tmp, "a-file", NULL);
  g_autoptr (GHashTable) dest_before = NULL;

  create_workspace (dir, NULL, 3);
  g_assert_cmpint (g_mkdir (dest, 0700), ==, 0);
  g_assert_true (g_file_set_contents (other, "mine", -1, NULL));
  g_assert_true (g_file_set_contents (file, "mine", -1, NULL));
  dest_before = snapshot (dest);

  assert_move_refused (dir, dest, ADIUVA_STORE_ERROR_EXISTS, "is not empty; choose an empty");
  assert_unchanged (dest, dest_before);
  assert_move_refused (dir, file, ADIUVA_STORE_ERROR_EXISTS, "not a folder");
  assert_move_refused (dir, dir, ADIUVA_STORE_ERROR_INVALID, "already");

  test_remove_tree (tmp);
}

static void
test_move_inside (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *dir = g_build_filename (tmp, "ws", NULL);
  g_autofree char *inside = g_build_filename (dir, "archive", "ws", NULL);
  g_autofree char *link = g_build_filename (tmp, "link", NULL);
  g_autofree char *through_link = g_build_filename (link, "ws", NULL);

  create_workspace (dir, NULL, 3);
  assert_move_refused (dir, inside, ADIUVA_STORE_ERROR_INVALID, "inside the workspace");

  /* A symbolic link does not hide it. */
  g_assert_cmpint (symlink (dir, link), ==, 0);
  assert_move_refused (dir, through_link, ADIUVA_STORE_ERROR_INVALID, "inside the workspace");

  test_remove_tree (tmp);
}

/* A destination nobody may write to. As root the child becomes nobody, as in test_read_only(). */
static void
test_move_read_only (void)
{
  g_autofree char *parent = shared_path ("move-read-only", NULL);
  g_autofree char *dir = shared_path ("move-read-only", "ws", NULL);
  g_autofree char *ro = shared_path ("move-read-only", "ro", NULL);
  g_autofree char *db = db_path (dir);
  g_autofree char *key = key_path (dir);
  g_autoptr (GHashTable) before = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *below = g_build_filename (ro, "ws", NULL);
      g_autoptr (AdiuvaStore) store = NULL;
      g_autoptr (GError) error = NULL;

      /* Nobody cannot enter the test's HOME, where the pointer to the default workspace is. */
      g_setenv ("XDG_CONFIG_HOME", parent, TRUE);
      drop_privileges ();
      g_assert_cmpint (g_access (ro, W_OK), !=, 0);
      store = adiuva_store_open (dir, PASSPHRASE, NULL, &error);
      g_assert_no_error (error);

      g_assert_false (adiuva_store_move (store, below, NULL, &error));
      assert_human_error (error, ADIUVA_STORE_ERROR_READ_ONLY);
      g_clear_error (&error);

      g_assert_false (adiuva_store_move (store, ro, NULL, &error));
      assert_human_error (error, ADIUVA_STORE_ERROR_READ_ONLY);

      g_assert_cmpstr (adiuva_store_get_dir (store), ==, dir);
      g_assert_cmpuint (count_tasks (store), ==, 10);
      return;
    }

  create_workspace (dir, PASSPHRASE, 10);
  before = snapshot (dir);
  g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);
  g_assert_cmpint (g_chmod (parent, 0755), ==, 0);
  set_owner (dir, NOBODY);
  set_owner (db, NOBODY);
  set_owner (key, NOBODY);

  run_child ();

  set_owner (dir, 0);
  set_owner (db, 0);
  set_owner (key, 0);
  g_assert_cmpint (g_rmdir (ro), ==, 0); /* still empty */
  assert_unchanged (dir, before);
  assert_opens (dir, PASSPHRASE);

  test_remove_tree (parent);
}

/* A write that fails half way through the copy (a file size limit, as a full disk would). */
static void
test_move_fails_half_way (void)
{
  g_autofree char *parent = shared_path ("move-half-way", NULL);
  g_autofree char *dir = shared_path ("move-half-way", "ws", NULL);
  g_autofree char *dest = shared_path ("move-half-way", "elsewhere", "ws", NULL);
  g_autofree char *elsewhere = shared_path ("move-half-way", "elsewhere", NULL);
  g_autofree char *db = db_path (dir);
  g_autoptr (GHashTable) before = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr (AdiuvaStore) store = NULL;
      g_autoptr (GError) error = NULL;
      struct rlimit limit;
      GStatBuf      st;

      store = adiuva_store_open (dir, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (db, &st), ==, 0);
      g_assert_cmpint (st.st_size, >, 256 * 1024);

      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      limit.rlim_cur = st.st_size / 2;
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

      g_assert_false (adiuva_store_move (store, dest, NULL, &error));
      g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "stays in"));
      g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));
      g_assert_cmpstr (adiuva_store_get_dir (store), ==, dir);
      g_assert_cmpuint (count_tasks (store), ==, 2000);
      return;
    }

  create_workspace (dir, NULL, 2000);
  before = snapshot (dir);

  run_child ();

  g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));
  assert_unchanged (dir, before);
  assert_opens (dir, NULL);

  test_remove_tree (parent);
}

/* Onto a real disk that fills up half way (a tmpfs of 128 KB, as test_disk_full_tmpfs() makes
 * one): the move says there is not enough space and what to do, leaves nothing there, and the
 * workspace stays where it was, whole. */
static void
test_move_disk_full (void)
{
  g_autofree char *parent = shared_path ("move-disk-full", NULL);
  g_autofree char *dir = shared_path ("move-disk-full", "ws", NULL);
  g_autofree char *mountpoint = shared_path ("move-disk-full", "small", NULL);
  g_autofree char *dest = shared_path ("move-disk-full", "small", "ws", NULL);
  g_autoptr (GHashTable) before = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr (AdiuvaStore) store = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (mount_private_tmpfs (mountpoint, "128k"));

      store = adiuva_store_open (dir, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (adiuva_store_move (store, dest, NULL, &error));
      g_test_message ("%s", error->message);
      assert_human_error (error, ADIUVA_STORE_ERROR_DISK_FULL);
      g_assert_nonnull (strstr (error->message, "stays in"));
      g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
      g_assert_cmpstr (adiuva_store_get_dir (store), ==, dir);
      g_assert_cmpuint (count_tasks (store), ==, 2000);
      return;
    }

  create_workspace (dir, NULL, 2000);
  before = snapshot (dir);
  g_assert_cmpint (g_mkdir_with_parents (mountpoint, 0700), ==, 0);
  if (!can_mount_tmpfs (mountpoint))
    {
      test_remove_tree (parent);
      g_test_skip ("cannot mount a tmpfs here (needs root and a mount namespace)");
      return;
    }

  run_child ();

  assert_unchanged (dir, before);
  assert_opens (dir, NULL);
  test_remove_tree (parent);
}

/* Cancelled before the copy starts, or half way through it (at the first report of bytes
 * copied, as the Preferences dialog's Cancel does while its progress bar moves): what was
 * copied is removed and the workspace stays whole where it was. */
static void
test_move_cancel (gconstpointer data)
{
  gboolean         mid_copy = GPOINTER_TO_INT (data);
  guint            n_tasks = mid_copy ? 20000 : 3;
  g_autofree char *tmp = make_tmp ();
  g_autofree char *dir = g_build_filename (tmp, "ws", NULL);
  g_autofree char *dest = g_build_filename (tmp, "elsewhere", "ws", NULL);
  g_autofree char *elsewhere = g_build_filename (tmp, "elsewhere", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (GHashTable) before = NULL;
  g_autoptr (GError) error = NULL;
  MoveWait wait = { 0 };

  create_workspace (dir, NULL, n_tasks);
  before = snapshot (dir);
  store = adiuva_store_open (dir, NULL, NULL, &error);
  g_assert_no_error (error);

  if (mid_copy)
    wait.cancel = cancellable;
  else
    g_cancellable_cancel (cancellable);
  g_assert_false (move_and_wait (store, dest, cancellable, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, dir));
  if (mid_copy)
    {
      g_assert_cmpint (wait.cancelled_at, >, 0);
      g_assert_cmpint (wait.cancelled_at, <, wait.total);
    }
  g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (adiuva_store_get_dir (store), ==, dir);
  g_assert_cmpuint (count_tasks (store), ==, n_tasks);

  g_clear_object (&store);
  assert_unchanged (dir, before);

  test_remove_tree (tmp);
}

/* Another connection closing */

typedef struct
{
  AdiuvaStore *store;
  gint         closed;
} Closing;

static gpointer
close_thread (gpointer data)
{
  Closing *closing = data;

  g_clear_object (&closing->store);
  g_atomic_int_set (&closing->closed, TRUE);

  return NULL;
}

/* The last connection to a workspace checkpoints its WAL as it closes, under an exclusive
 * lock: 50 MB of WAL take a few hundred milliseconds. A workspace opened meanwhile (what a
 * restart does, or adiuva-cli while the app quits) waits for it; it is not "busy in another
 * program". Each open here runs while that connection closes, until it has. */
static void
test_open_while_closing (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autoptr (GError) error = NULL;
  Closing  closing = { NULL, FALSE };
  GThread *thread;
  guint    opened = 0;

  create_workspace (tmp, NULL, 10);
  closing.store = adiuva_store_open (tmp, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (_adiuva_store_exec (closing.store,
                                     "PRAGMA wal_autocheckpoint = 0;"
                                     "CREATE TABLE filler (data BLOB);"
                                     "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                     "FROM n WHERE i < 3000) "
                                     "INSERT INTO filler SELECT randomblob (16000) FROM n;",
                                     &error));
  g_assert_no_error (error);

  thread = g_thread_new ("closing", close_thread, &closing);
  do
    {
      g_autoptr (AdiuvaStore) store = adiuva_store_open (tmp, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (count_tasks (store), ==, 10);
      opened++;
    }
  while (!g_atomic_int_get (&closing.closed));
  g_thread_join (thread);
  g_test_message ("opened %u times while the other closed", opened);

  test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *base = NULL;
  int              status;

  g_test_init (&argc, &argv, NULL);

  /* The folder the subprocess tests share with their children. */
  if (!g_test_subprocess ())
    {
      base = shared_path (NULL, NULL);
      test_remove_tree (base);
      g_assert_cmpint (g_mkdir (base, 0755), ==, 0);
      g_assert_cmpint (g_chmod (base, 0755), ==, 0);
    }

  g_test_add_func ("/store/faults/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/store/faults/needs-passphrase", test_needs_passphrase);
  g_test_add_func ("/store/faults/wrong-key", test_wrong_key);
  g_test_add_func ("/store/faults/damaged-keyring-entry", test_damaged_keyring_entry);
  g_test_add_func ("/store/faults/key-missing", test_key_missing);
  g_test_add_func ("/store/faults/no-keyring-open", test_no_keyring_open);
  g_test_add_func ("/store/faults/no-keyring-create", test_no_keyring_create);
  g_test_add_func ("/store/faults/corrupt-page-one", test_corrupt_page_one);
  g_test_add_func ("/store/faults/corrupt-pages", test_corrupt_pages);
  g_test_add_func ("/store/faults/corrupt-garbage", test_corrupt_garbage);
  g_test_add_func ("/store/faults/corrupt-foreign-database", test_corrupt_foreign_database);
  g_test_add_func ("/store/faults/plain-database", test_plain_database);
  g_test_add_data_func ("/store/faults/truncated-1000-bytes", GSIZE_TO_POINTER (1000),
                        test_truncated);
  g_test_add_data_func ("/store/faults/truncated-empty", GSIZE_TO_POINTER (0), test_truncated);
  g_test_add_func ("/store/faults/truncated-pages", test_truncated_pages);
  g_test_add_func ("/store/faults/missing-database", test_missing_database);
  g_test_add_func ("/store/faults/missing-key-file", test_missing_key_file);
  g_test_add_func ("/store/faults/corrupt-key-file", test_corrupt_key_file);
  g_test_add_func ("/store/faults/open-while-closing", test_open_while_closing);
  g_test_add_func ("/store/faults/too-new-schema", test_too_new_schema);
  g_test_add_func ("/store/faults/too-new-key-file", test_too_new_key_file);
  g_test_add_data_func ("/store/faults/read-only-folder", GINT_TO_POINTER (TRUE), test_read_only);
  g_test_add_data_func ("/store/faults/read-only-database", GINT_TO_POINTER (FALSE),
                        test_read_only);
  g_test_add_func ("/store/faults/disk-full-file-size", test_disk_full_file_size);
  g_test_add_func ("/store/faults/disk-full-tmpfs", test_disk_full_tmpfs);
  g_test_add_func ("/store/faults/encrypted-at-rest", test_encrypted_at_rest);
  g_test_add_func ("/store/move/default", test_move_default);
  g_test_add_func ("/store/move/not-empty", test_move_not_empty);
  g_test_add_func ("/store/move/inside", test_move_inside);
  g_test_add_func ("/store/move/read-only", test_move_read_only);
  g_test_add_func ("/store/move/fails-half-way", test_move_fails_half_way);
  g_test_add_func ("/store/move/disk-full", test_move_disk_full);
  g_test_add_data_func ("/store/move/cancel", GINT_TO_POINTER (FALSE), test_move_cancel);
  g_test_add_data_func ("/store/move/cancel-mid-copy", GINT_TO_POINTER (TRUE), test_move_cancel);

  status = g_test_run ();

  if (base != NULL)
    test_remove_tree (base);

  return status;
}
