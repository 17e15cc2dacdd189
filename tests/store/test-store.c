/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "adiuva-store.h"
#include "adiuva-store-private.h"
#include "adiuva-task-filter-private.h"
#include "test-store-util.h"
#include "test-tree.h"

static GDateTime *
saturday_morning (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  /* 2026-11-21 is a Saturday */
  return g_date_time_new (utc, 2026, 11, 21, 10, 0, 0);
}

static AdiuvaProject *
add_project (AdiuvaStore *store,
             const char  *name)
{
  g_autoptr (GError) error = NULL;
  AdiuvaProject *project = adiuva_project_new ();

  adiuva_project_set_name (project, name);
  adiuva_store_add (store, ADIUVA_RECORD (project), &error);
  g_assert_no_error (error);

  return project;
}

static AdiuvaTask *
add_task (AdiuvaStore *store,
          const char  *title,
          gint64       project_id,
          const char  *due)
{
  g_autoptr (GError) error = NULL;
  AdiuvaTask *task = adiuva_task_new ();

  adiuva_task_set_title (task, title);
  adiuva_task_set_project_id (task, project_id);
  adiuva_task_set_due (task, due);
  adiuva_store_add (store, ADIUVA_RECORD (task), &error);
  g_assert_no_error (error);

  return task;
}

static void
test_create_and_reopen (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) again = NULL;
  g_autoptr (AdiuvaClient) client = adiuva_client_new ();
  g_autoptr (AdiuvaClient) loaded = NULL;
  g_autoptr (AdiuvaStore) second = NULL;
  gint64 id;

  g_assert_nonnull (adiuva_store_get_cipher_version (fixture->store));
  g_assert_cmpint (adiuva_store_get_schema_version (fixture->store), ==,
                   adiuva_store_get_latest_schema_version ());
  g_assert_cmpint (adiuva_store_get_key_modes (fixture->store), ==, ADIUVA_KEY_MODE_KEYRING);

  adiuva_client_set_name (client, "ACME Corp");
  adiuva_client_set_email (client, "billing@acme.test");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (client), &error));
  g_assert_no_error (error);
  id = adiuva_record_get_id (ADIUVA_RECORD (client));
  g_assert_cmpint (id, >, 0);
  g_clear_object (&fixture->store);

  again = adiuva_store_open (fixture->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  loaded = adiuva_store_get (again, ADIUVA_TYPE_CLIENT, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_client_get_name (loaded), ==, "ACME Corp");
  g_assert_cmpstr (adiuva_client_get_email (loaded), ==, "billing@acme.test");
  g_assert_cmpint (adiuva_record_get_created_at (ADIUVA_RECORD (loaded)), >, 0);

  /* A second workspace in the same folder is refused, and nothing is touched. */
  second = adiuva_store_create (fixture->dir, NULL, NULL, &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS);
  g_assert_null (second);
}

static void
test_file_is_encrypted (Fixture      *fixture,
                        gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, ADIUVA_DATABASE_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  gsize len;

  adiuva_note_set_title (note, "Very secret plan");
  adiuva_note_set_body (note, "The launch codeword is pamplemousse");
  adiuva_store_add (fixture->store, ADIUVA_RECORD (note), &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->store);

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 4096);
  g_assert_cmpint (memcmp (contents, "SQLite format 3", 15), !=, 0);
  g_assert_null (g_strstr_len (contents, len, "pamplemousse"));
  g_assert_null (g_strstr_len (contents, len, "CREATE TABLE"));
}

static void
test_crud_and_signals (Fixture      *fixture,
                       gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Website");
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) loaded = NULL;
  g_autoptr (AdiuvaTask) blank = adiuva_task_new ();
  gint64      project_id = adiuva_record_get_id (ADIUVA_RECORD (project));
  const char *tags[] = { "billing", "Urgent", NULL };
  Change     *c;

  task = add_task (fixture->store, "Write copy", project_id, "2026-12-01");
  g_assert_cmpuint (fixture->changes->len, ==, 2);
  c = &g_array_index (fixture->changes, Change, 1);
  g_assert_cmpint (c->entity, ==, ADIUVA_ENTITY_TASK);
  g_assert_cmpint (c->change, ==, ADIUVA_CHANGE_ADDED);
  g_assert_cmpint (c->id, ==, adiuva_record_get_id (ADIUVA_RECORD (task)));

  adiuva_task_set_priority (task, 1);
  adiuva_task_set_tags (task, tags);
  adiuva_task_set_notes (task, "Use the **new** tone");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
  c = &g_array_index (fixture->changes, Change, 2);
  g_assert_cmpint (c->change, ==, ADIUVA_CHANGE_UPDATED);

  loaded = adiuva_store_get (fixture->store, ADIUVA_TYPE_TASK,
                             adiuva_record_get_id (ADIUVA_RECORD (task)), &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_task_get_priority (loaded), ==, 1);
  g_assert_cmpint (adiuva_task_get_project_id (loaded), ==, project_id);
  g_assert_cmpstr (adiuva_task_get_due (loaded), ==, "2026-12-01");
  g_assert_cmpint (adiuva_task_get_status (loaded), ==, ADIUVA_TASK_STATUS_TODO);
  g_assert_cmpuint (g_strv_length ((GStrv) adiuva_task_get_tags (loaded)), ==, 2);
  g_assert_true (g_strv_contains (adiuva_task_get_tags (loaded), "Urgent"));

  /* Blank titles are refused with words, and nothing is written. */
  g_assert_false (adiuva_store_add (fixture->store, ADIUVA_RECORD (blank), &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (blank)), ==, 0);
  g_clear_error (&error);

  /* A task in a project that does not exist is refused by the foreign key. */
  adiuva_task_set_title (blank, "Orphan");
  adiuva_task_set_project_id (blank, 9999);
  g_assert_false (adiuva_store_add (fixture->store, ADIUVA_RECORD (blank), &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Deleting the project takes its tasks with it. */
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = adiuva_store_get (fixture->store, ADIUVA_TYPE_TASK,
                             adiuva_record_get_id (ADIUVA_RECORD (task)), &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_assert_null (loaded);
}

/* Puts old times on every row of @table, so a restore that kept “now” would show. */
static void
age_rows (AdiuvaStore *store,
          const char  *table)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET created_at = 1000, updated_at = 2000",
                                          table);

  g_assert_true (_adiuva_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static gpointer
get_again (AdiuvaStore *store,
           gpointer     record)
{
  g_autoptr (GError) error = NULL;
  gpointer again = adiuva_store_get (store, G_OBJECT_TYPE (record),
                                     adiuva_record_get_id (record), &error);

  g_assert_no_error (error);
  return again;
}

static void
assert_same_record (AdiuvaStore *store,
                    gpointer     record)
{
  g_autoptr (AdiuvaRecord) again = get_again (store, record);

  g_assert_cmpint (adiuva_record_get_created_at (again), ==, 1000);
  g_assert_cmpint (adiuva_record_get_updated_at (again), ==, 2000);
  g_assert_cmpint (adiuva_record_get_created_at (record), ==, 1000);
  g_assert_cmpint (adiuva_record_get_updated_at (record), ==, 2000);
}

static void
test_restore (Fixture      *fixture,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) added = add_project (fixture->store, "Website");
  gint64 project_id = adiuva_record_get_id (ADIUVA_RECORD (added));
  g_autoptr (AdiuvaCheckpoint) checkpoint_added = adiuva_checkpoint_new ();
  g_autoptr (AdiuvaTask) task_added = add_task (fixture->store, "Write copy", project_id, NULL);
  const char *tags[] = { "billing", NULL };
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (AdiuvaCheckpoint) checkpoint = NULL;
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) restored_task = NULL;
  g_autoptr (AdiuvaCheckpoint) restored_checkpoint = NULL;
  g_autoptr (AdiuvaProject) other = NULL;
  g_autoptr (GPtrArray) results = NULL;
  Change *c;

  adiuva_checkpoint_set_project_id (checkpoint_added, project_id);
  adiuva_checkpoint_set_title (checkpoint_added, "Launch");
  adiuva_checkpoint_set_date (checkpoint_added, "2026-12-01");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (checkpoint_added), &error));
  g_assert_no_error (error);
  adiuva_task_set_tags (task_added, tags);
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (task_added), &error));
  g_assert_no_error (error);

  age_rows (fixture->store, "projects");
  age_rows (fixture->store, "checkpoints");
  age_rows (fixture->store, "tasks");
  project = get_again (fixture->store, added);
  checkpoint = get_again (fixture->store, checkpoint_added);
  task = get_again (fixture->store, task_added);

  /* A task comes back with its id, times, tags and its place in the search index. */
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_store_restore (fixture->store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
  c = &g_array_index (fixture->changes, Change, fixture->changes->len - 1);
  g_assert_cmpint (c->entity, ==, ADIUVA_ENTITY_TASK);
  g_assert_cmpint (c->id, ==, adiuva_record_get_id (ADIUVA_RECORD (task_added)));
  g_assert_cmpint (c->change, ==, ADIUVA_CHANGE_ADDED);
  assert_same_record (fixture->store, task);
  restored_task = get_again (fixture->store, task);
  g_assert_cmpstrv (adiuva_task_get_tags (restored_task), tags);
  results = adiuva_store_search (fixture->store, "copy", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);

  /* A project comes back first, then the checkpoint that went with it, still on it. */
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_store_restore (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_store_restore (fixture->store, ADIUVA_RECORD (checkpoint), &error));
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (project)), ==, project_id);
  assert_same_record (fixture->store, project);
  assert_same_record (fixture->store, checkpoint);
  restored_checkpoint = get_again (fixture->store, checkpoint);
  g_assert_cmpint (adiuva_checkpoint_get_project_id (restored_checkpoint), ==, project_id);
  g_assert_cmpstr (adiuva_checkpoint_get_title (restored_checkpoint), ==, "Launch");

  /* An id taken since is refused with words, and what holds it is left as it is. */
  g_assert_false (adiuva_store_restore (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "belongs to another one"));
  g_clear_error (&error);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (project)), ==, project_id);

  /* What is added after a delete gets a new id, not the deleted one's (SQLite's own choice
   * for the newest): Undo still brings it back. */
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  other = add_project (fixture->store, "Newer");
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (other)), >, project_id);
  g_assert_true (adiuva_store_restore (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  assert_same_record (fixture->store, project);
  g_clear_object (&other);
  other = get_again (fixture->store, project);
  g_assert_cmpstr (adiuva_project_get_name (other), ==, "Website");
}

static AdiuvaTask *
add_subtask (AdiuvaStore *store,
             AdiuvaTask  *parent,
             const char  *title,
             const char  *tag)
{
  g_autoptr (GError) error = NULL;
  AdiuvaTask *task = adiuva_task_new ();
  const char *tags[] = { tag, NULL };

  adiuva_task_set_title (task, title);
  adiuva_task_set_project_id (task, adiuva_task_get_project_id (parent));
  adiuva_task_set_parent_id (task, adiuva_record_get_id (ADIUVA_RECORD (parent)));
  adiuva_task_set_tags (task, tags);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);

  return task;
}

static void
add_comment (AdiuvaStore *store,
             AdiuvaTask  *task,
             const char  *body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTaskComment) comment = adiuva_task_comment_new ();

  adiuva_task_comment_set_task_id (comment, adiuva_record_get_id (ADIUVA_RECORD (task)));
  adiuva_task_comment_set_body (comment, body);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (comment), &error));
  g_assert_no_error (error);
}

/* Every row @queries give, as text. */
static char *
dump_rows (AdiuvaStore       *store,
           const char *const *queries)
{
  GString *dump = g_string_new (NULL);

  for (guint i = 0; queries[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (_adiuva_store_get_db (store), queries[i], -1, &stmt,
                                           NULL),
                       ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int col = 0; col < sqlite3_column_count (stmt); col++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, col);

              g_string_append_printf (dump, "%s|", text != NULL ? text : "NULL");
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (stmt);
      g_string_append (dump, "--\n");
    }

  return g_string_free (dump, FALSE);
}

#define TASK_TABLES                                                             \
  "SELECT * FROM tasks ORDER BY id",                                            \
      "SELECT task_id, tags.name FROM task_tags JOIN tags ON tags.id = tag_id " \
      "ORDER BY task_id, tags.name",                                            \
      "SELECT * FROM task_comments ORDER BY id",                                \
      "SELECT docid, title, body FROM search_index ORDER BY docid"

/* Every row of the tasks, their tags and comments, and the search index, as text. */
static char *
dump_tasks (AdiuvaStore *store)
{
  const char *const queries[] = { TASK_TABLES, NULL };

  return dump_rows (store, queries);
}

/* …and of everything else a delete may take or unlink. */
static char *
dump_workspace (AdiuvaStore *store)
{
  const char *const queries[] = {
    TASK_TABLES,
    "SELECT * FROM clients ORDER BY id",
    "SELECT * FROM projects ORDER BY id",
    "SELECT * FROM checkpoints ORDER BY id",
    "SELECT * FROM notes ORDER BY id",
    "SELECT * FROM conversations ORDER BY id",
    "SELECT * FROM messages ORDER BY id",
    NULL,
  };

  return dump_rows (store, queries);
}

/* What adiuva_store_delete_all() gives back can be restored in its order: each task after its
 * parent when that went too, each comment after its task. */
static void
assert_parents_first (GPtrArray *records)
{
  g_autoptr (GHashTable) task_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                             NULL);

  for (guint i = 0; i < records->len; i++)
    {
      AdiuvaRecord *record = g_ptr_array_index (records, i);
      gint64        id = adiuva_record_get_id (record);

      if (ADIUVA_IS_TASK (record))
        g_assert_true (g_hash_table_insert (task_index, g_memdup2 (&id, sizeof id),
                                            GUINT_TO_POINTER (i + 1)));
    }

  for (guint i = 0; i < records->len; i++)
    {
      AdiuvaRecord *record = g_ptr_array_index (records, i);
      gint64        before;

      if (ADIUVA_IS_TASK (record))
        {
          before = adiuva_task_get_parent_id (ADIUVA_TASK (record));
          if (!g_hash_table_contains (task_index, &before))
            continue;
        }
      else
        {
          before = adiuva_task_comment_get_task_id (ADIUVA_TASK_COMMENT (record));
          g_assert_true (g_hash_table_contains (task_index, &before));
        }
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (task_index, &before)), <=, i);
    }
}

static void
delete_and_restore (AdiuvaStore   *store,
                    const char    *before,
                    AdiuvaRecord **records,
                    guint          n_records)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *after = NULL;

  for (guint i = 0; i < n_records; i++)
    g_ptr_array_add (list, g_object_ref (records[i]));
  deleted = adiuva_store_delete_all (store, list, &error);
  g_assert_no_error (error);
  gone = dump_workspace (store);
  g_assert_cmpstr (gone, !=, before);

  g_assert_true (adiuva_store_restore_all (store, deleted, &error));
  g_assert_no_error (error);
  after = dump_workspace (store);
  g_assert_cmpstr (after, ==, before);
}

/* A project's delete takes its tasks, their subtasks and comments, and its checkpoints, and
 * unlinks its notes and conversations; a client's unlinks its projects. Undo puts every row
 * back as it was, ids and times included. */
static void
test_restore_project_tree (Fixture      *fixture,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaClient) client = adiuva_client_new ();
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Website");
  g_autoptr (AdiuvaProject) kept = add_project (fixture->store, "Errands");
  gint64 project_id = adiuva_record_get_id (ADIUVA_RECORD (project));
  g_autoptr (AdiuvaTask) launch = add_task (fixture->store, "Launch", project_id, "2026-12-01");
  g_autoptr (AdiuvaTask) copy = add_subtask (fixture->store, launch, "Write copy", "writing");
  g_autoptr (AdiuvaTask) headline = add_subtask (fixture->store, copy, "Headline", "writing");
  g_autoptr (AdiuvaTask) invoice = add_task (fixture->store, "Invoice", project_id, NULL);
  g_autoptr (AdiuvaTask) groceries = add_task (fixture->store, "Groceries",
                                               adiuva_record_get_id (ADIUVA_RECORD (kept)), NULL);
  g_autoptr (AdiuvaCheckpoint) checkpoint = adiuva_checkpoint_new ();
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (AdiuvaNote) loose = adiuva_note_new ();
  g_autoptr (AdiuvaConversation) conversation = adiuva_conversation_new ();
  g_autoptr (AdiuvaMessage) message = NULL;
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *before = NULL;

  adiuva_client_set_name (client, "ACME");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (client), &error));
  adiuva_project_set_client_id (project, adiuva_record_get_id (ADIUVA_RECORD (client)));
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (project), &error));
  add_comment (fixture->store, launch, "Agreed with the client");
  add_comment (fixture->store, headline, "Three options");
  add_comment (fixture->store, invoice, "Net 30");
  add_comment (fixture->store, groceries, "Oat milk");
  adiuva_checkpoint_set_project_id (checkpoint, project_id);
  adiuva_checkpoint_set_title (checkpoint, "Go live");
  adiuva_checkpoint_set_date (checkpoint, "2026-12-01");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (checkpoint), &error));
  adiuva_note_set_project_id (note, project_id);
  adiuva_note_set_title (note, "Sitemap");
  adiuva_note_set_body (note, "Home, Work, Contact");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (note), &error));
  adiuva_note_set_title (loose, "Ideas");
  adiuva_note_set_body (loose, "");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (loose), &error));
  adiuva_conversation_set_project_id (conversation, project_id);
  adiuva_conversation_set_title (conversation, "Taglines");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (conversation), &error));
  message = adiuva_message_new (adiuva_record_get_id (ADIUVA_RECORD (conversation)),
                                ADIUVA_MESSAGE_ROLE_USER, "Three taglines, please");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (message), &error));
  g_assert_no_error (error);
  /* Each row its own times, which a restore or a link again keeping “now” would show. */
  g_assert_true (_adiuva_store_exec (fixture->store,
                                     "UPDATE clients SET created_at = 10, updated_at = 20;"
                                     "UPDATE projects SET created_at = 100 + id, "
                                     "updated_at = 200 + id;"
                                     "UPDATE tasks SET created_at = 1000 + id, "
                                     "updated_at = 2000 + id;"
                                     "UPDATE task_comments SET created_at = 3000 + id, "
                                     "updated_at = 4000 + id;"
                                     "UPDATE checkpoints SET created_at = 5, updated_at = 6;"
                                     "UPDATE notes SET created_at = 7 + id, updated_at = 8 + id;"
                                     "UPDATE conversations SET created_at = 9, updated_at = 11;"
                                     "UPDATE messages SET created_at = 12, updated_at = 13;",
                                     &error));
  g_assert_no_error (error);
  before = dump_workspace (fixture->store);

  /* The project: its tasks, subtasks, comments and checkpoint go, its note and conversation
   * stay without it; the other project's task and the loose note are not touched. */
  g_ptr_array_add (records, g_object_ref (project));
  deleted = adiuva_store_delete_all (fixture->store, records, &error);
  g_assert_no_error (error);
  /* The project, 4 tasks, 3 comments, the checkpoint, the note and the conversation */
  g_assert_cmpuint (deleted->len, ==, 1 + 4 + 3 + 1 + 1 + 1);
  {
    g_autoptr (AdiuvaNote) unlinked = get_again (fixture->store, note);

    g_assert_cmpint (adiuva_note_get_project_id (unlinked), ==, 0);
  }
  g_assert_true (adiuva_store_restore_all (fixture->store, deleted, &error));
  g_assert_no_error (error);
  {
    g_autofree char *after = dump_workspace (fixture->store);

    g_assert_cmpstr (after, ==, before);
  }

  /* The same through the helper, then with its client and its note at once (the note first:
   * it still comes back after the project it refers to), then the conversation alone with its
   * message. */
  delete_and_restore (fixture->store, before, (AdiuvaRecord *[]){ ADIUVA_RECORD (project) }, 1);
  delete_and_restore (fixture->store, before,
                      (AdiuvaRecord *[]){ ADIUVA_RECORD (note), ADIUVA_RECORD (project),
                                          ADIUVA_RECORD (client) },
                      3);
  delete_and_restore (fixture->store, before,
                      (AdiuvaRecord *[]){ ADIUVA_RECORD (conversation) }, 1);
  delete_and_restore (fixture->store, before, (AdiuvaRecord *[]){ ADIUVA_RECORD (client) }, 1);
}

static void
test_restore_task_tree (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Website");
  gint64 project_id = adiuva_record_get_id (ADIUVA_RECORD (project));
  g_autoptr (AdiuvaTask) launch = add_task (fixture->store, "Launch", project_id, "2026-12-01");
  g_autoptr (AdiuvaTask) copy = add_subtask (fixture->store, launch, "Write copy", "writing");
  g_autoptr (AdiuvaTask) images = add_subtask (fixture->store, launch, "Pick images", "design");
  g_autoptr (AdiuvaTask) headline = add_subtask (fixture->store, copy, "Headline", "writing");
  g_autoptr (AdiuvaTask) other = add_task (fixture->store, "Invoice", 0, NULL);
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GDateTime) now = saturday_morning ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *sql = NULL;

  add_comment (fixture->store, launch, "Agreed with the client");
  add_comment (fixture->store, launch, "Moved to December");
  add_comment (fixture->store, copy, "Short sentences");
  add_comment (fixture->store, headline, "Three options");
  add_comment (fixture->store, other, "Net 30");
  g_assert_true (adiuva_store_complete_task (fixture->store, images, now, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_store_reorder (fixture->store, ADIUVA_RECORD (images),
                                       adiuva_record_get_id (ADIUVA_RECORD (copy)), &error));
  g_assert_no_error (error);
  /* Each row its own times, which a restore keeping “now” or mixing them up would show. */
  g_assert_true (_adiuva_store_exec (fixture->store,
                                     "UPDATE tasks SET created_at = 1000 + id, "
                                     "updated_at = 2000 + id;"
                                     "UPDATE task_comments SET created_at = 3000 + id, "
                                     "updated_at = 4000 + id;",
                                     &error));
  g_assert_no_error (error);
  before = dump_tasks (fixture->store);

  /* A task goes with its subtasks, two levels down, and all their comments… */
  g_ptr_array_add (records, g_object_ref (launch));
  deleted = adiuva_store_delete_all (fixture->store, records, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deleted->len, ==, 4 + 4);
  g_assert_cmpint (adiuva_record_get_id (g_ptr_array_index (deleted, 0)), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (launch)));
  assert_parents_first (deleted);
  gone = dump_tasks (fixture->store);
  g_assert_null (strstr (gone, "Headline"));
  g_assert_null (strstr (gone, "Three options"));
  g_assert_nonnull (strstr (gone, "Net 30"));

  /* …and comes back with all of them as they were: ids, times, tags, places, parents, done. */
  g_assert_true (adiuva_store_restore_all (fixture->store, deleted, &error));
  g_assert_no_error (error);
  after = dump_tasks (fixture->store);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&deleted, g_ptr_array_unref);
  g_clear_pointer (&after, g_free);

  /* Several at once: a subtask listed before its parent goes with the parent, once, and comes
   * back after it. */
  g_ptr_array_set_size (records, 0);
  g_ptr_array_add (records, g_object_ref (headline));
  g_ptr_array_add (records, g_object_ref (other));
  g_ptr_array_add (records, g_object_ref (launch));
  g_ptr_array_add (records, g_object_ref (launch));
  deleted = adiuva_store_delete_all (fixture->store, records, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deleted->len, ==, 8 + 2);
  assert_parents_first (deleted);
  g_assert_true (adiuva_store_restore_all (fixture->store, deleted, &error));
  g_assert_no_error (error);
  after = dump_tasks (fixture->store);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* All or nothing: with the last one's id taken, nothing comes back, and what holds the id is
   * left alone. */
  g_clear_pointer (&deleted, g_ptr_array_unref);
  g_ptr_array_set_size (records, 0);
  g_ptr_array_add (records, g_object_ref (launch));
  deleted = adiuva_store_delete_all (fixture->store, records, &error);
  g_assert_no_error (error);
  g_assert_true (ADIUVA_IS_TASK_COMMENT (g_ptr_array_index (deleted, deleted->len - 1)));
  sql = g_strdup_printf ("INSERT INTO task_comments (id, task_id, body, created_at, updated_at) "
                         "VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 'Taken', 1, 1)",
                         adiuva_record_get_id (g_ptr_array_index (deleted, deleted->len - 1)),
                         adiuva_record_get_id (ADIUVA_RECORD (other)));
  g_assert_true (_adiuva_store_exec (fixture->store, sql, &error));
  g_assert_no_error (error);
  g_clear_pointer (&gone, g_free);
  gone = dump_tasks (fixture->store);
  g_assert_false (adiuva_store_restore_all (fixture->store, deleted, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  after = dump_tasks (fixture->store);
  g_assert_cmpstr (after, ==, gone);
  g_assert_nonnull (strstr (after, "Taken"));

  /* Deleting what is already gone says so, and deletes nothing else. */
  g_ptr_array_set_size (records, 0);
  g_ptr_array_add (records, g_object_ref (other));
  g_ptr_array_add (records, g_object_ref (launch));
  g_assert_null (adiuva_store_delete_all (fixture->store, records, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&other);
  other = get_again (fixture->store, g_ptr_array_index (records, 0));
  g_assert_cmpstr (adiuva_task_get_title (other), ==, "Invoice");
}

static void
test_transactions (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTaskListModel) model = NULL;

  g_assert_true (adiuva_store_begin (fixture->store, &error));
  g_clear_object (&model);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *title = g_strdup_printf ("Task %u", i);
      g_autoptr (AdiuvaTask) task = add_task (fixture->store, title, 0, NULL);
    }
  /* Nothing is announced before the commit… */
  g_assert_cmpuint (fixture->changes->len, ==, 0);
  adiuva_store_rollback (fixture->store);
  /* …and nothing at all after a rollback. */
  g_assert_cmpuint (fixture->changes->len, ==, 0);

  model = adiuva_task_list_model_new (fixture->store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  g_assert_true (adiuva_store_begin (fixture->store, &error));
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (AdiuvaTask) task = add_task (fixture->store, "Kept", 0, NULL);
    }
  g_assert_true (adiuva_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->changes->len, ==, 10);

  /* A nested transaction that fails dooms the outer one: nothing of it is saved. */
  g_assert_true (adiuva_store_begin (fixture->store, &error));
  {
    g_autoptr (AdiuvaTask) kept = add_task (fixture->store, "Would be kept", 0, NULL);
  }
  g_assert_true (adiuva_store_begin (fixture->store, &error));
  adiuva_store_rollback (fixture->store);
  g_assert_false (adiuva_store_commit (fixture->store, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->changes->len, ==, 10);

  /* The model follows the store after the burst. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
}

static void
test_list_model (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Big");
  g_autoptr (AdiuvaTaskListModel) model = NULL;
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  gint64 project_id = adiuva_record_get_id (ADIUVA_RECORD (project));

  adiuva_store_begin (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *title = g_strdup_printf ("Task %04u", i);
      g_autofree char *due = g_strdup_printf ("2026-12-%02u", 1 + i % 28);
      g_autoptr (AdiuvaTask) task = add_task (fixture->store, title, i % 2 ? project_id : 0,
                                              due);
    }
  adiuva_store_commit (fixture->store, &error);
  g_assert_no_error (error);

  model = adiuva_task_list_model_new (fixture->store, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == ADIUVA_TYPE_TASK);
  for (guint i = 0; i < 1000; i += 97)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *title = g_strdup_printf ("Task %04u", i);

      g_assert_cmpstr (adiuva_task_get_title (task), ==, title);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 1000));
  /* Rows are read by pages of ids: the last of one page, the first of the next, from the end
   * backwards as a dragged scrollbar asks for them. */
  for (guint i = 1000; i-- > 0;)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *title = g_strdup_printf ("Task %04u", i);

      g_assert_cmpstr (adiuva_task_get_title (task), ==, title);
    }

  filter->project_id = project_id;
  filter->due_before = g_strdup ("2026-12-03");
  adiuva_task_list_model_set_filter (model, filter);
  /* odd i with day 1 or 2: i % 28 in {0, 1} and odd → i % 28 == 1 */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 36);

  g_clear_pointer (&filter->due_before, g_free);
  filter->due_after = g_strdup ("2026-12-27");
  filter->order = ADIUVA_TASK_ORDER_TITLE;
  adiuva_task_list_model_set_filter (model, filter);
  /* day 28: i = 28k + 27, always odd, so all in the project */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 35);

  /* The first of them in the filter's order; a count still counts them all. */
  filter->limit = 10;
  adiuva_task_list_model_set_filter (model, filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *title = g_strdup_printf ("Task %04u", 28 * i + 27);

      g_assert_cmpstr (adiuva_task_get_title (task), ==, title);
    }
  g_assert_cmpuint (adiuva_store_count_tasks (fixture->store, filter, NULL), ==, 35);

  filter->project_id = 0;
  adiuva_task_list_model_set_filter (model, filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
}

static gboolean
is_loaded (AdiuvaTaskListModel *model)
{
  while (adiuva_task_list_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);

  return TRUE;
}

static void
assert_title_at (AdiuvaTaskListModel *model,
                 guint                position,
                 const char          *title)
{
  g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (task);
  g_assert_cmpstr (adiuva_task_get_title (task), ==, title);
}

static void
log_items_changed_cb (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u%s ", position, removed, added,
                          adiuva_task_list_model_get_loading (ADIUVA_TASK_LIST_MODEL (model))
                              ? " loading"
                              : "");
}

/* Read in the background: empty and loading until the ids come from the worker thread, then
 * the same list as when read at once; a change or a new filter keeps the list as it was until
 * the new read replaces it; a read overtaken by another is dropped. */
static void
test_list_model_in_background (Fixture      *fixture,
                               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTaskListModel) model = NULL;
  g_autoptr (AdiuvaTaskListModel) gone = NULL;
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (GString) log = g_string_new (NULL);

  adiuva_store_begin (fixture->store, &error);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *title = g_strdup_printf ("Task %03u", i);
      g_autoptr (AdiuvaTask) task = add_task (fixture->store, title, 0, NULL);
    }
  adiuva_store_commit (fixture->store, &error);
  g_assert_no_error (error);

  /* A new list: its first 200 tasks, while it still loads, then the rest. */
  model = adiuva_task_list_model_new_in_background (fixture->store, NULL);
  g_signal_connect (model, "items-changed", G_CALLBACK (log_items_changed_cb), log);
  g_assert_true (adiuva_task_list_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (is_loaded (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 300);
  g_assert_cmpstr (log->str, ==, "0-0+200 loading 200-0+100 loading ");
  assert_title_at (model, 299, "Task 299");

  /* A change: the list stays until the read after it is done, and is then replaced whole. */
  g_string_truncate (log, 0);
  {
    g_autoptr (AdiuvaTask) task = add_task (fixture->store, "Task 300", 0, NULL);
  }
  while (!adiuva_task_list_model_get_loading (model))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 300);
  g_assert_true (is_loaded (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 301);
  g_assert_cmpstr (log->str, ==, "0-300+301 loading ");

  /* Two filters one after the other: only the second read counts. A limit is kept across
   * the two parts. */
  g_string_truncate (log, 0);
  filter->limit = 10;
  adiuva_task_list_model_set_filter (model, filter);
  filter->limit = 250;
  adiuva_task_list_model_set_filter (model, filter);
  g_assert_true (is_loaded (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 250);
  g_assert_cmpstr (log->str, ==, "0-301+200 loading 200-0+50 loading ");
  assert_title_at (model, 249, "Task 249");

  /* A change while the rest is read: the list is read again whole. Whether the rest, read
   * after the change, comes before that depends on the worker. */
  g_string_truncate (log, 0);
  filter->limit = 0;
  adiuva_task_list_model_set_filter (model, filter);
  while (g_list_model_get_n_items (G_LIST_MODEL (model)) != 200)
    g_main_context_iteration (NULL, TRUE);
  {
    g_autoptr (AdiuvaTask) task = add_task (fixture->store, "Task 301", 0, NULL);
  }
  g_assert_true (is_loaded (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 302);
  g_assert_true (g_str_has_prefix (log->str, "0-250+200 loading "));
  g_assert_true (g_str_has_suffix (log->str, "+302 loading "));
  assert_title_at (model, 301, "Task 301");

  /* A model dropped while it reads: the read ends without it. */
  gone = adiuva_task_list_model_new_in_background (fixture->store, NULL);
  g_clear_object (&gone);
  {
    g_autoptr (AdiuvaTaskListModel) after = adiuva_task_list_model_new_in_background (
        fixture->store, NULL);

    g_assert_true (is_loaded (after));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, 302);
  }
}

/* Counts agree with the list models they stand in for, per project in one go. */
static void
test_count_tasks (Fixture      *fixture,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) first = add_project (fixture->store, "First");
  g_autoptr (AdiuvaProject) second = add_project (fixture->store, "Second");
  g_autoptr (AdiuvaProject) empty = add_project (fixture->store, "Empty");
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (GHashTable) counts = NULL;
  gint64 ids[] = { adiuva_record_get_id (ADIUVA_RECORD (first)),
                   adiuva_record_get_id (ADIUVA_RECORD (second)),
                   adiuva_record_get_id (ADIUVA_RECORD (empty)) };

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *title = g_strdup_printf ("Task %u", i);
      g_autoptr (AdiuvaTask) task = add_task (fixture->store, title,
                                              i % 3 == 2 ? 0 : ids[i % 3], NULL);

      if (i % 5 == 0)
        {
          adiuva_store_complete_task (fixture->store, task, NULL, NULL, &error);
          g_assert_no_error (error);
        }
    }

  g_assert_cmpuint (adiuva_store_count_tasks (fixture->store, NULL, &error), ==, 30);
  g_assert_no_error (error);
  filter->open_only = TRUE;
  g_assert_cmpuint (adiuva_store_count_tasks (fixture->store, filter, &error), ==, 24);
  g_assert_no_error (error);
  filter->project_id = 0;
  g_assert_cmpuint (adiuva_store_count_tasks (fixture->store, filter, &error), ==, 8);
  g_assert_no_error (error);

  /* The filter's project is not looked at; tasks without one are not counted. */
  counts = adiuva_store_count_tasks_by_project (fixture->store, filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 2);
  /* i % 3 == 0: 10 tasks, of which i = 0, 15 done; i % 3 == 1: 10, of which 10, 25 done */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, &ids[0])), ==, 8);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, &ids[1])), ==, 8);
  g_assert_false (g_hash_table_contains (counts, &ids[2]));
}

/* The lists the app shows first (Today, the Tasks page, reminders, a row's subtasks) are read
 * from an index in their order: no scan of the table and no sort, whatever their size. */
static void
test_task_list_plans (Fixture      *fixture,
                      gconstpointer data)
{
  struct
  {
    const char     *name;
    int             project_id;
    int             parent_id;
    gboolean        open_only;
    const char     *due_before;
    const char     *due_after;
    AdiuvaTaskOrder order;
  } shapes[] = {
    { "tasks page", -1, 0, TRUE, NULL, NULL, ADIUVA_TASK_ORDER_POSITION },
    { "tasks page, all", -1, 0, FALSE, NULL, NULL, ADIUVA_TASK_ORDER_POSITION },
    { "tasks page, a project", 3, 0, TRUE, NULL, NULL, ADIUVA_TASK_ORDER_POSITION },
    { "a project's open tasks", 3, -1, TRUE, NULL, NULL, ADIUVA_TASK_ORDER_POSITION },
    { "subtasks", -1, 7, TRUE, NULL, NULL, ADIUVA_TASK_ORDER_POSITION },
    { "overdue", -1, -1, TRUE, "2026-11-21", NULL, ADIUVA_TASK_ORDER_DUE },
    { "due today", -1, -1, TRUE, "2026-11-22", "2026-11-20", ADIUVA_TASK_ORDER_DUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
      g_autoptr (GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GString) plan = g_string_new (NULL);
      g_autofree char *where = NULL;
      g_autofree char *sql = NULL;
      sqlite3_stmt    *stmt;

      filter->project_id = shapes[i].project_id;
      filter->parent_id = shapes[i].parent_id;
      filter->open_only = shapes[i].open_only;
      filter->due_before = g_strdup (shapes[i].due_before);
      filter->due_after = g_strdup (shapes[i].due_after);
      filter->order = shapes[i].order;
      where = _adiuva_task_filter_to_sql (filter, binds);
      sql = g_strdup_printf ("EXPLAIN QUERY PLAN SELECT tasks.id FROM tasks%s%s", where,
                             _adiuva_task_filter_order_sql (filter));

      g_assert_cmpint (sqlite3_prepare_v2 (_adiuva_store_get_db (fixture->store), sql, -1, &stmt,
                                           NULL),
                       ==, SQLITE_OK);
      _adiuva_task_filter_bind (stmt, binds);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);

      g_test_message ("%s: %s", shapes[i].name, plan->str);
      g_assert_nonnull (strstr (plan->str, "COVERING INDEX"));
      g_assert_null (strstr (plan->str, "TEMP B-TREE"));
    }
}

static void
test_move (Fixture      *fixture,
           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaTask) a = add_task (fixture->store, "A", 0, NULL);
  g_autoptr (AdiuvaTask) b = add_task (fixture->store, "B", 0, NULL);
  g_autoptr (AdiuvaTask) c = add_task (fixture->store, "C", 0, NULL);
  g_autoptr (AdiuvaTaskListModel) model = NULL;
  g_autoptr (AdiuvaTask) first = NULL;
  g_autoptr (AdiuvaTask) last = NULL;

  /* C before A: C A B */
  g_assert_true (adiuva_store_move_task (fixture->store, c, 0, 0,
                                         adiuva_record_get_id (ADIUVA_RECORD (a)), &error));
  g_assert_no_error (error);
  /* A to the end: C B A */
  g_assert_true (adiuva_store_move_task (fixture->store, a, 0, 0, 0, &error));

  model = adiuva_task_list_model_new (fixture->store, NULL);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_cmpstr (adiuva_task_get_title (first), ==, "C");
  g_assert_cmpstr (adiuva_task_get_title (last), ==, "A");

  /* Many moves into one gap exhaust double precision and force a renumbering. */
  for (guint i = 0; i < 80; i++)
    {
      g_assert_true (adiuva_store_move_task (fixture->store, i % 2 ? a : b, 0, 0,
                                             adiuva_record_get_id (ADIUVA_RECORD (c)), &error));
      g_assert_no_error (error);
    }

  /* Subtasks: B under C, and C can't go under B (cycle); moving C to another project takes
   * B along. */
  g_assert_true (adiuva_store_move_task (fixture->store, b, 0,
                                         adiuva_record_get_id (ADIUVA_RECORD (c)), 0, &error));
  g_assert_false (adiuva_store_move_task (fixture->store, c, 0,
                                          adiuva_record_get_id (ADIUVA_RECORD (b)), 0, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  {
    g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Elsewhere");
    gint64 project_id = adiuva_record_get_id (ADIUVA_RECORD (project));
    g_autoptr (AdiuvaTask) moved_b = NULL;

    g_assert_true (adiuva_store_move_task (fixture->store, c, project_id, 0, 0, &error));
    g_assert_no_error (error);
    moved_b = adiuva_store_get (fixture->store, ADIUVA_TYPE_TASK,
                                adiuva_record_get_id (ADIUVA_RECORD (b)), &error);
    g_assert_cmpint (adiuva_task_get_project_id (moved_b), ==, project_id);
  }
}

static void
test_quick_add (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Website");
  g_autoptr (GDateTime) now = saturday_morning ();
  g_autoptr (AdiuvaTask) task = NULL;
  g_autoptr (AdiuvaTask) missing = NULL;

  task = adiuva_store_quick_add_task (fixture->store,
                                      "Send invoice to ACME tomorrow 5pm p1 #Website @billing",
                                      now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_task_get_title (task), ==, "Send invoice to ACME");
  g_assert_cmpstr (adiuva_task_get_due (task), ==, "2026-11-22T17:00:00");
  g_assert_cmpint (adiuva_task_get_priority (task), ==, 1);
  g_assert_cmpint (adiuva_task_get_project_id (task), ==,
                   adiuva_record_get_id (ADIUVA_RECORD (project)));
  g_assert_true (g_strv_contains (adiuva_task_get_tags (task), "billing"));

  missing = adiuva_store_quick_add_task (fixture->store, "Call Bob #Nowhere", now, &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

static void
test_recurrence (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = saturday_morning ();
  g_autoptr (AdiuvaTask) task = add_task (fixture->store, "Timesheet", 0, "2026-11-20T09:00:00");
  g_autoptr (AdiuvaTask) next = NULL;
  g_autoptr (AdiuvaTask) last = NULL;
  g_autoptr (AdiuvaTask) none = NULL;

  adiuva_task_set_recurrence (task, "FREQ=WEEKLY;BYDAY=FR;COUNT=2");
  adiuva_store_update (fixture->store, ADIUVA_RECORD (task), &error);
  g_assert_no_error (error);

  g_assert_true (adiuva_store_complete_task (fixture->store, task, now, &next, &error));
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_task_get_status (task), ==, ADIUVA_TASK_STATUS_DONE);
  g_assert_cmpint (adiuva_task_get_completed_at (task), ==, g_date_time_to_unix (now));
  g_assert_nonnull (next);
  g_assert_cmpstr (adiuva_task_get_due (next), ==, "2026-11-27T09:00:00");
  g_assert_cmpstr (adiuva_task_get_title (next), ==, "Timesheet");
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (next)), >, 0);

  /* The last occurrence of a counted series has no successor. */
  g_assert_true (adiuva_store_complete_task (fixture->store, next, now, &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);
}

static void
test_search (Fixture      *fixture,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (AdiuvaNote) other = adiuva_note_new ();
  g_autoptr (AdiuvaTask) task = add_task (fixture->store, "Book the café for the launch", 0, NULL);
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Launch party");
  AdiuvaSearchResult *first;

  adiuva_note_set_title (note, "Menu ideas");
  adiuva_note_set_body (note, "Crème brûlée, coffee from the cafe downstairs");
  adiuva_store_add (fixture->store, ADIUVA_RECORD (note), &error);
  adiuva_note_set_title (other, "Groceries");
  adiuva_note_set_body (other, "milk, eggs");
  adiuva_store_add (fixture->store, ADIUVA_RECORD (other), &error);
  g_assert_no_error (error);

  /* Diacritics are folded both ways. */
  results = adiuva_store_search (fixture->store, "cafe", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  g_clear_pointer (&results, g_ptr_array_unref);

  results = adiuva_store_search (fixture->store, "creme brulee", 10, &error);
  g_assert_cmpuint (results->len, ==, 1);
  first = g_ptr_array_index (results, 0);
  g_assert_cmpint (first->entity, ==, ADIUVA_ENTITY_NOTE);
  g_assert_cmpint (first->id, ==, adiuva_record_get_id (ADIUVA_RECORD (note)));
  g_assert_nonnull (strstr (first->snippet, ADIUVA_SEARCH_MATCH_START));
  g_clear_pointer (&results, g_ptr_array_unref);

  /* A title hit ranks above a body hit; the last word is a prefix. */
  results = adiuva_store_search (fixture->store, "laun", 10, &error);
  g_assert_cmpuint (results->len, ==, 2);
  first = g_ptr_array_index (results, 0);
  g_assert_cmpint (first->entity, ==, ADIUVA_ENTITY_PROJECT);
  g_clear_pointer (&results, g_ptr_array_unref);

  /* FTS syntax typed by a person is read as words, not as a query language. */
  results = adiuva_store_search (fixture->store, "\"milk OR NEAR(\"", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 0);
  g_clear_pointer (&results, g_ptr_array_unref);

  /* The index follows updates and deletes in the same transaction. */
  adiuva_task_set_title (task, "Book the venue");
  adiuva_store_update (fixture->store, ADIUVA_RECORD (task), &error);
  adiuva_store_delete (fixture->store, ADIUVA_RECORD (note), &error);
  g_assert_no_error (error);
  results = adiuva_store_search (fixture->store, "cafe", 10, &error);
  g_assert_cmpuint (results->len, ==, 0);
}

static void
test_passphrase (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-pass-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "ws", NULL);
  g_autofree char *db_path = g_build_filename (dir, ADIUVA_DATABASE_NAME, NULL);
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaStore) reopened = NULL;
  g_autoptr (AdiuvaClient) client = adiuva_client_new ();
  g_autoptr (GMappedFile) before = NULL;

  store = adiuva_store_create (dir, "correct horse", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_PASSPHRASE);
  adiuva_client_set_name (client, "Initech");
  adiuva_store_add (store, ADIUVA_RECORD (client), &error);
  g_assert_no_error (error);

  /* Changing the passphrase re-wraps the key: the database is not rewritten. */
  g_clear_object (&store);
  before = g_mapped_file_new (db_path, FALSE, &error);
  store = adiuva_store_open (dir, "correct horse", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (adiuva_store_set_passphrase (store, "battery staple", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  {
    g_autofree char *after = NULL;
    gsize            len;

    g_file_get_contents (db_path, &after, &len, &error);
    g_assert_cmpmem (after, len, g_mapped_file_get_contents (before),
                     g_mapped_file_get_length (before));
  }

  reopened = adiuva_store_open (dir, "correct horse", NULL, &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_PASSPHRASE);
  g_assert_null (reopened);
  g_clear_error (&error);

  reopened = adiuva_store_open (dir, NULL, NULL, &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE);
  g_clear_error (&error);

  reopened = adiuva_store_open (dir, "battery staple", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reopened);

  /* Moving to the keyring, then dropping the passphrase. */
  g_assert_true (adiuva_store_set_keyring_enabled (reopened, TRUE, NULL, &error));
  g_assert_true (adiuva_store_set_passphrase (reopened, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&reopened);
  reopened = adiuva_store_open (dir, NULL, NULL, &error);
  g_assert_no_error (error);

  test_remove_tree (tmp);
}

static void
change_key_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
change_key (AdiuvaStore  *store,
            const char   *current,
            AdiuvaKeyMode modes,
            const char   *passphrase,
            GError      **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_store_change_key_async (store, current, modes, passphrase, NULL, change_key_done_cb,
                                 &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return adiuva_store_change_key_finish (store, result, error);
}

static void
assert_opens (const char *dir,
              const char *passphrase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = adiuva_store_open (dir, passphrase, NULL, &error);

  g_assert_no_error (error);
}

static void
test_change_key (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-change-key-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "ws", NULL);
  g_autoptr (AdiuvaStore) store = NULL;

  store = adiuva_store_create (dir, "correct horse", NULL, &error);
  g_assert_no_error (error);

  /* The current passphrase is asked for, and a wrong one changes nothing. */
  g_assert_false (change_key (store, NULL, ADIUVA_KEY_MODE_PASSPHRASE, "battery", &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (change_key (store, "wrong", ADIUVA_KEY_MODE_KEYRING, NULL, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_PASSPHRASE);
  assert_opens (dir, "correct horse");

  /* Passphrase → keyring → passphrase, each time opening only the new way. */
  g_assert_true (change_key (store, "correct horse", ADIUVA_KEY_MODE_KEYRING, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_KEYRING);
  assert_opens (dir, NULL);
  g_assert_true (change_key (store, NULL, ADIUVA_KEY_MODE_PASSPHRASE, "battery staple", &error));
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_store_get_key_modes (store), ==, ADIUVA_KEY_MODE_PASSPHRASE);
  assert_opens (dir, "battery staple");
  g_clear_object (&store);
  {
    g_autoptr (AdiuvaStore) locked = adiuva_store_open (dir, NULL, NULL, &error);

    g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE);
    g_clear_error (&error);
  }

  /* Both ways at once, the passphrase changed. */
  store = adiuva_store_open (dir, "battery staple", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (change_key (store, "battery staple",
                             ADIUVA_KEY_MODE_KEYRING | ADIUVA_KEY_MODE_PASSPHRASE, "new one",
                             &error));
  g_assert_no_error (error);
  assert_opens (dir, NULL);
  assert_opens (dir, "new one");

  g_clear_object (&store);
  test_remove_tree (tmp);
}

static void
test_import_plain (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-import-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (tmp, "old.db", NULL);
  g_autofree char *dir = g_build_filename (tmp, "ws", NULL);
  g_autoptr (AdiuvaStore) source = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaProject) project = NULL;
  g_autoptr (GPtrArray) results = NULL;
  sqlite3 *db = NULL;
  g_autoptr (GBytes) schema = g_resources_lookup_data ("/org/adiuva/store/migrations/0001-core.sql",
                                                       0, &error);

  /* An unencrypted database at schema 1, as an early build would have left. */
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (plain, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, g_bytes_get_data (schema, NULL), NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA user_version = 1;"
                                 "INSERT INTO projects (name, created_at, updated_at) "
                                 "VALUES ('Legacy', 1, 1);"
                                 "INSERT INTO tasks (project_id, title, created_at, updated_at) "
                                 "VALUES (1, 'Imported task', 1, 1);",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  store = adiuva_store_import (dir, plain, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_store_get_schema_version (store), ==,
                   adiuva_store_get_latest_schema_version ());
  project = adiuva_store_find_project (store, "legacy", &error);
  g_assert_no_error (error);
  results = adiuva_store_search (store, "imported", 10, &error);
  g_assert_cmpuint (results->len, ==, 1);

  test_remove_tree (tmp);
}

static char *
dump_schema (sqlite3 *db)
{
  GString      *schema = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name", -1,
                      &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (schema, "%s %s %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);

  return g_string_free (schema, FALSE);
}

/* Each migration is tested from every older version: a workspace left at version v with data
 * in it opens at the latest version with the same schema as a new one, and keeps its data. */
static void
test_migrations (void)
{
  int              latest = adiuva_store_get_latest_schema_version ();
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (latest, >=, 2);

  {
    g_autofree char *tmp = g_dir_make_tmp ("adiuva-mig-XXXXXX", NULL);
    g_autoptr (AdiuvaStore) fresh = adiuva_store_create (tmp, NULL, NULL, &error);

    g_assert_no_error (error);
    expected = dump_schema (_adiuva_store_get_db (fresh));
    g_clear_object (&fresh);
    test_remove_tree (tmp);
  }

  for (int version = 0; version < latest; version++)
    {
      g_autofree char *tmp = g_dir_make_tmp ("adiuva-mig-XXXXXX", NULL);
      g_autoptr (AdiuvaStore) old = NULL;
      g_autoptr (AdiuvaStore) upgraded = NULL;
      g_autofree char *schema = NULL;

      g_test_message ("from schema version %d", version);
      old = _adiuva_store_create_at_version (tmp, NULL, version, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (adiuva_store_get_schema_version (old), ==, version);
      if (version >= 1)
        g_assert_true (_adiuva_store_exec (old,
                                           "INSERT INTO projects (name, created_at, updated_at) "
                                           "VALUES ('Kept', 1, 1)",
                                           &error));
      g_assert_no_error (error);
      g_clear_object (&old);

      upgraded = adiuva_store_open (tmp, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (adiuva_store_get_schema_version (upgraded), ==, latest);
      schema = dump_schema (_adiuva_store_get_db (upgraded));
      g_assert_cmpstr (schema, ==, expected);
      if (version >= 1)
        {
          g_autoptr (AdiuvaProject) kept = adiuva_store_find_project (upgraded, "Kept", &error);
          g_assert_no_error (error);
        }

      g_clear_object (&upgraded);
      test_remove_tree (tmp);
    }
}

static void
test_export_deterministic (Fixture      *fixture,
                           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) first = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) second = g_memory_output_stream_new_resizable ();
  g_autoptr (AdiuvaProject) project = add_project (fixture->store, "Export");
  g_autoptr (AdiuvaTask) task = add_task (fixture->store, "Exported", 0, "2026-12-24");
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_true (adiuva_store_export_json (fixture->store, first, NULL, &error));
  g_assert_true (adiuva_store_export_json (fixture->store, second, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (first, NULL, NULL);
  g_output_stream_close (second, NULL, NULL);
  g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (first)),
                   g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (first)),
                   g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (second)),
                   g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (second)));

  json_parser_load_from_data (parser,
                              g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (first)),
                              g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (first)),
                              &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "adiuva-workspace-export");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_object_get_object_member (root, "tables"), "tasks")),
                    ==, 1);
}

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_open_async (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (AdiuvaStore) store = NULL;

  g_clear_object (&fixture->store);
  adiuva_store_open_async (fixture->dir, NULL, NULL, open_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  store = adiuva_store_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (ADIUVA_IS_STORE (store));
}

/* Runs on the read's thread: counts the notes its connection sees. */
static gpointer
count_notes_read (AdiuvaStore  *connection,
                  gpointer      data,
                  GCancellable *cancellable,
                  GError      **error)
{
  GThread *caller = data;
  g_autoptr (GListModel) notes = NULL;

  g_assert_true (g_thread_self () != caller);
  g_assert_true (ADIUVA_IS_STORE (connection));
  notes = adiuva_store_list_notes (connection, -1, error);
  if (notes == NULL)
    return NULL;
  if (g_list_model_get_n_items (notes) == 0)
    {
      g_set_error_literal (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND, "no notes");
      return NULL;
    }

  return GUINT_TO_POINTER (g_list_model_get_n_items (notes));
}

static gpointer
read_and_wait (Fixture *fixture,
               GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  adiuva_store_read_async (fixture->store, count_notes_read, g_thread_self (), NULL, NULL, NULL,
                           open_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return adiuva_store_read_finish (fixture->store, result, error);
}

/* A read on a worker thread sees what the store committed, and its errors come back. */
static void
test_read_async (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  gpointer n_notes;

  n_notes = read_and_wait (fixture, &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_assert_null (n_notes);
  g_clear_error (&error);

  adiuva_note_set_title (note, "Plans");
  adiuva_note_set_body (note, "");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (note), &error));
  n_notes = read_and_wait (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (GPOINTER_TO_UINT (n_notes), ==, 1);
}

static void
add_note_titled (AdiuvaStore *store,
                 const char  *title)
{
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (GError) error = NULL;

  adiuva_note_set_title (note, title);
  adiuva_note_set_body (note, "");
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (note), &error));
  g_assert_no_error (error);
}

/* A read's connection leaves the locks of the store's own alone: SQLite's locks belong to the
 * process, and with them gone, another process that wrote and closed the workspace took the
 * WAL away from under the store, so that later reads failed (disk I/O error) or missed what
 * the store had written. */
static void
test_read_async_other_writer (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GError) error = NULL;

  /* The other process: it adds a note, and closes the workspace as the CLI does. */
  if (g_test_subprocess ())
    {
      g_autoptr (AdiuvaStore) store = NULL;

      store = adiuva_store_open (g_getenv ("ADIUVA_TEST_WORKSPACE"), NULL, NULL, &error);
      g_assert_no_error (error);
      add_note_titled (store, "From elsewhere");
      return;
    }

  test_store_fixture_set_up (&fixture, NULL);
  g_setenv ("ADIUVA_TEST_WORKSPACE", fixture.dir, TRUE);
  for (guint i = 1; i <= 3; i++)
    {
      add_note_titled (fixture.store, "Plans");
      g_assert_cmpuint (GPOINTER_TO_UINT (read_and_wait (&fixture, &error)), ==, 2 * i - 1);
      g_assert_no_error (error);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  add_note_titled (fixture.store, "Plans");
  g_assert_cmpuint (GPOINTER_TO_UINT (read_and_wait (&fixture, &error)), ==, 7);
  g_assert_no_error (error);
  test_store_fixture_tear_down (&fixture, NULL);
}

/* Previews keep the order of the full list (the pinned note first) and only the start of a
 * body's first line. */
static void
test_note_previews (Fixture      *fixture,
                    gconstpointer data)
{
  const char *const bodies[] = { "Short.\nSecond line", "Ünïcödé first line, long enough",
                                 "Pinned.", "\nStarts with a new line", "" };
  const char *const previews[] = { "Short.", "Ünïcödé fi", "Pinned.", "", "" };
  g_autoptr (GListModel) full = NULL;
  g_autoptr (GListModel) shown = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (AdiuvaNote) note = adiuva_note_new ();
      g_autofree char *title = g_strdup_printf ("Note %u", i);

      adiuva_note_set_title (note, title);
      adiuva_note_set_body (note, bodies[i]);
      adiuva_note_set_pinned (note, i == 2);
      g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (note), &error));
      g_assert_no_error (error);
    }

  full = adiuva_store_list_notes (fixture->store, -1, &error);
  g_assert_no_error (error);
  shown = adiuva_store_list_note_previews (fixture->store, -1, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, G_N_ELEMENTS (bodies));
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (AdiuvaNote) whole = g_list_model_get_item (full, i);
      g_autoptr (AdiuvaNote) preview = g_list_model_get_item (shown, i);
      guint index;

      g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (preview)), ==,
                       adiuva_record_get_id (ADIUVA_RECORD (whole)));
      g_assert_cmpstr (adiuva_note_get_title (preview), ==, adiuva_note_get_title (whole));
      g_assert_cmpint (adiuva_note_get_pinned (preview), ==, adiuva_note_get_pinned (whole));
      g_assert_cmpint (adiuva_record_get_updated_at (ADIUVA_RECORD (preview)), ==,
                       adiuva_record_get_updated_at (ADIUVA_RECORD (whole)));
      index = adiuva_record_get_id (ADIUVA_RECORD (preview)) - 1;
      g_assert_cmpstr (adiuva_note_get_body (preview), ==, previews[index]);
    }
}

static void
test_settings (Fixture      *fixture,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *gone = NULL;

  missing = adiuva_store_dup_setting (fixture->store, "gateway.providers", &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  g_assert_true (adiuva_store_set_setting (fixture->store, "gateway.providers", "[]", &error));
  g_assert_no_error (error);
  first = adiuva_store_dup_setting (fixture->store, "gateway.providers", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "[]");

  g_assert_true (adiuva_store_set_setting (fixture->store, "gateway.providers", "[{}]", &error));
  second = adiuva_store_dup_setting (fixture->store, "gateway.providers", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, ==, "[{}]");

  g_assert_true (adiuva_store_set_setting (fixture->store, "gateway.providers", NULL, &error));
  g_assert_no_error (error);
  gone = adiuva_store_dup_setting (fixture->store, "gateway.providers", &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  /* Removing what is not there is fine. */
  g_assert_true (adiuva_store_set_setting (fixture->store, "nothing", NULL, &error));
  g_assert_no_error (error);
}

static void
test_llm_calls (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) usage = NULL;
  g_autoptr (GPtrArray) later = NULL;
  AdiuvaLlmUsage *u;

  g_assert_true (adiuva_store_add_llm_call (fixture->store, "cli", "oa", "gpt", 10, 20, 0.5, 100,
                                            20, "ok", 0, &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "cli", "oa", "gpt", 5, -1, 0.25, -1,
                                            -1, "error:server", 0, &error));
  g_assert_no_error (error);
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "assistant", "an", "claude", 1, 2,
                                            0, 30, 10, "ok", 1, &error));
  g_assert_no_error (error);

  usage = adiuva_store_get_llm_usage (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (usage->len, ==, 2);
  u = g_ptr_array_index (usage, 0);
  g_assert_cmpstr (u->provider, ==, "an");
  g_assert_cmpstr (u->model, ==, "claude");
  g_assert_cmpint (u->calls, ==, 1);
  u = g_ptr_array_index (usage, 1);
  g_assert_cmpstr (u->provider, ==, "oa");
  g_assert_cmpint (u->calls, ==, 2);
  g_assert_cmpint (u->failed_calls, ==, 1);
  g_assert_cmpint (u->tokens_in, ==, 15);
  g_assert_cmpint (u->tokens_out, ==, 20);
  g_assert_cmpfloat_with_epsilon (u->cost, 0.75, 1e-9);

  later = adiuva_store_get_llm_usage (fixture->store, g_get_real_time () / G_USEC_PER_SEC + 60,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later->len, ==, 0);
}

/* Counts a provider did not report are unknown (NULL), not 0; a sum of none is unknown too. */
static void
test_llm_calls_unknown_tokens (Fixture      *fixture,
                               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaLlmCall) call = NULL;
  g_autoptr (AdiuvaLlmCall) half = NULL;
  g_autoptr (GPtrArray) usage = NULL;
  g_autoptr (GPtrArray) sums = NULL;
  AdiuvaLlmUsage *u;
  gint64          id = 0;
  gint64          half_id = 0;
  gint64          now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (adiuva_store_add_llm_call_full (fixture->store, "chat", "ol", "llama", -1, -1, 0,
                                                 100, 20, "ok", 0, &id, &error));
  g_assert_true (adiuva_store_add_llm_call_full (fixture->store, "chat", "oa", "gpt", 7, -1, 0.5,
                                                 100, 20, "error:server", 0, &half_id, &error));
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "chat", "oa", "gpt", 3, 4, 0.25, 100,
                                            20, "ok", 0, &error));
  g_assert_no_error (error);

  call = adiuva_store_get_llm_call (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (call->tokens_in, ==, -1);
  g_assert_cmpint (call->tokens_out, ==, -1);
  half = adiuva_store_get_llm_call (fixture->store, half_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (half->tokens_in, ==, 7);
  g_assert_cmpint (half->tokens_out, ==, -1);

  usage = adiuva_store_get_llm_usage (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (usage->len, ==, 2);
  u = g_ptr_array_index (usage, 0);
  g_assert_cmpstr (u->provider, ==, "oa");
  g_assert_cmpint (u->tokens_in, ==, 10);
  g_assert_cmpint (u->tokens_out, ==, 4);
  u = g_ptr_array_index (usage, 1);
  g_assert_cmpstr (u->provider, ==, "ol");
  g_assert_cmpint (u->calls, ==, 1);
  g_assert_cmpint (u->tokens_in, ==, -1);
  g_assert_cmpint (u->tokens_out, ==, -1);

  /* Budgets count what is known. */
  sums = adiuva_store_get_llm_spending (fixture->store, now - 60, now + 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sums->len, ==, 2);
  g_assert_cmpint (((AdiuvaLlmSpending *) g_ptr_array_index (sums, 0))->tokens, ==, 14);
  g_assert_cmpint (((AdiuvaLlmSpending *) g_ptr_array_index (sums, 1))->tokens, ==, 0);
}

static void
test_llm_spending (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sums = NULL;
  gint64             now = g_get_real_time () / G_USEC_PER_SEC;
  AdiuvaLlmSpending *s;

  g_assert_true (adiuva_store_add_llm_call (fixture->store, "cli", "oa", "gpt", 10, 20, 0.5, 100,
                                            20, "ok", 0, &error));
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "cli", "oa", "mini", 5, -1, 0.25, -1,
                                            -1, "error:server", 0, &error));
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "cli", "an", "claude", 1, 2, 0.125, 30,
                                            10, "ok", 1, &error));
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "plugin:x", "oa", "gpt", 100, 0, 1,
                                            30, 10, "ok", 0, &error));
  g_assert_no_error (error);

  /* Summed per caller and provider, over every model. */
  sums = adiuva_store_get_llm_spending (fixture->store, now - 60, now + 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sums->len, ==, 3);
  s = g_ptr_array_index (sums, 0);
  g_assert_cmpstr (s->caller, ==, "cli");
  g_assert_cmpstr (s->provider, ==, "an");
  g_assert_cmpint (s->tokens, ==, 3);
  g_assert_cmpfloat_with_epsilon (s->cost, 0.125, 1e-9);
  s = g_ptr_array_index (sums, 1);
  g_assert_cmpstr (s->caller, ==, "cli");
  g_assert_cmpstr (s->provider, ==, "oa");
  g_assert_cmpint (s->tokens, ==, 35);
  g_assert_cmpfloat_with_epsilon (s->cost, 0.75, 1e-9);
  s = g_ptr_array_index (sums, 2);
  g_assert_cmpstr (s->caller, ==, "plugin:x");
  g_assert_cmpint (s->tokens, ==, 100);
  g_clear_pointer (&sums, g_ptr_array_unref);

  /* The span is half open: nothing before it, nothing at or after its end. */
  sums = adiuva_store_get_llm_spending (fixture->store, now + 60, now + 120, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sums->len, ==, 0);
  g_clear_pointer (&sums, g_ptr_array_unref);
  sums = adiuva_store_get_llm_spending (fixture->store, 0, now - 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sums->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                       \
  g_test_add ("/store/" path, Fixture, NULL, test_store_fixture_set_up, func, \
              test_store_fixture_tear_down)

  ADD ("create-and-reopen", test_create_and_reopen);
  ADD ("file-is-encrypted", test_file_is_encrypted);
  ADD ("crud-and-signals", test_crud_and_signals);
  ADD ("restore", test_restore);
  ADD ("restore-task-tree", test_restore_task_tree);
  ADD ("restore-project-tree", test_restore_project_tree);
  ADD ("transactions", test_transactions);
  ADD ("list-model", test_list_model);
  ADD ("list-model-in-background", test_list_model_in_background);
  ADD ("count-tasks", test_count_tasks);
  ADD ("task-list-plans", test_task_list_plans);
  ADD ("move", test_move);
  ADD ("quick-add", test_quick_add);
  ADD ("recurrence", test_recurrence);
  ADD ("search", test_search);
  ADD ("export-deterministic", test_export_deterministic);
  ADD ("open-async", test_open_async);
  ADD ("read-async", test_read_async);
  ADD ("note-previews", test_note_previews);
  ADD ("settings", test_settings);
  ADD ("llm-calls", test_llm_calls);
  ADD ("llm-calls-unknown-tokens", test_llm_calls_unknown_tokens);
  ADD ("llm-spending", test_llm_spending);
  g_test_add_func ("/store/read-async-other-writer", test_read_async_other_writer);
  g_test_add_func ("/store/passphrase", test_passphrase);
  g_test_add_func ("/store/change-key", test_change_key);
  g_test_add_func ("/store/import-plain", test_import_plain);
  g_test_add_func ("/store/migrations", test_migrations);

#undef ADD

  return g_test_run ();
}
