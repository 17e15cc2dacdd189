/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "test-cli-util.h"

/* Every test runs the built adiuva-cli as a separate process on a real encrypted workspace,
 * with the private keyring build-aux/test-env starts. */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  fixture->dir = cli_make_workspace_dir ();
  if (data == NULL)
    cli_ok (NULL, "--data-dir", fixture->dir, "init", NULL);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (fixture->dir);

  test_remove_tree (parent);
  g_free (fixture->dir);
}

/* Tests that create the workspace themselves */
static const char *no_init = "no-init";

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return path;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static gint64
json_id (JsonNode *object)
{
  return cli_json_int (object, "id");
}

static char *
id_text (JsonNode *object)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, json_id (object));
}

/* The ids of a --json list, as "1 2 3", for readable assertions. */
static char *
list_ids (JsonNode *array)
{
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < cli_json_length (array); i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            json_id (cli_json_element (array, i)));

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static gboolean
json_is_null (JsonNode   *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (json_node_get_object (object), member);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node);
}

/* Help */

static const char *const help_pages[] = {
  "init",
  "client", "client add", "client list", "client edit", "client rm",
  "project", "project add", "project list", "project edit", "project rm",
  "task", "task add", "task list", "task show", "task done", "task edit", "task rm",
  "task move", "task comment",
  "checkpoint", "checkpoint add", "checkpoint list", "checkpoint done", "checkpoint edit",
  "checkpoint rm",
  "note", "note add", "note list", "note show", "note edit", "note rm",
  "search", "export",
  "passphrase", "passphrase change", "passphrase remove",
  NULL
};

static void
assert_man_page (CliRun *run)
{
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  for (guint i = 0; i < 4; i++)
    {
      const char *section[] = { "NAME\n", "SYNOPSIS\n", "DESCRIPTION\n", "EXIT STATUS\n" };

      g_assert_nonnull (strstr (run->out, section[i]));
    }

  /* Like man, help fits a terminal of 80 columns. */
  lines = g_strsplit (run->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_utf8_strlen (lines[i], -1) > 80)
        g_test_message ("too long: %s", lines[i]);
      g_assert_cmpint (g_utf8_strlen (lines[i], -1), <=, 80);
    }
}

static void
test_help (void)
{
  g_autoptr (CliRun) top = cli_run (NULL, "--help", NULL);
  const char *const no_args[] = { NULL };
  g_autoptr (CliRun) bare = cli_run_argv (NULL, no_args);
  g_autoptr (CliRun) help = cli_run (NULL, "help", NULL);

  assert_man_page (top);
  g_assert_nonnull (strstr (top->out, "ENVIRONMENT\n"));
  g_assert_nonnull (strstr (top->out, "FILES\n"));
  g_assert_nonnull (strstr (top->out, "EXAMPLES\n"));
  g_assert_nonnull (strstr (top->out, "ADIUVA_DATA_DIR"));
  assert_man_page (bare);
  g_assert_cmpstr (bare->out, ==, top->out);
  g_assert_cmpstr (help->out, ==, top->out);

  for (guint i = 0; help_pages[i] != NULL; i++)
    {
      g_auto (GStrv) words = g_strsplit (help_pages[i], " ", -1);
      g_autoptr (GStrvBuilder) with_flag = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) with_help = g_strv_builder_new ();
      g_auto (GStrv) flag_args = NULL;
      g_auto (GStrv) help_args = NULL;
      g_autoptr (CliRun) by_flag = NULL;
      g_autoptr (CliRun) by_help = NULL;
      g_autofree char *name = g_strdup_printf ("adiuva-cli %s - ", help_pages[i]);

      g_test_message ("help for %s", help_pages[i]);
      g_strv_builder_addv (with_flag, (const char **) words);
      g_strv_builder_add (with_flag, "--help");
      g_strv_builder_add (with_help, "help");
      g_strv_builder_addv (with_help, (const char **) words);
      flag_args = g_strv_builder_end (with_flag);
      help_args = g_strv_builder_end (with_help);

      by_flag = cli_run_argv (NULL, (const char *const *) flag_args);
      by_help = cli_run_argv (NULL, (const char *const *) help_args);
      assert_man_page (by_flag);
      g_assert_nonnull (strstr (by_flag->out, name));
      g_assert_cmpstr (by_help->out, ==, by_flag->out);
    }

  /* A command without arguments is listed by its name, and its synopsis is its name. */
  {
    g_autoptr (CliRun) group = cli_run (NULL, "alias", "--help", NULL);
    g_autoptr (CliRun) leaf = cli_run (NULL, "alias", "list", "--help", NULL);

    g_assert_nonnull (strstr (group->out, "\n       list\n"));
    g_assert_nonnull (strstr (leaf->out, "SYNOPSIS\n       adiuva-cli [GLOBAL OPTIONS] alias list\n"));
  }
}

static void
test_usage_errors (void)
{
  const char *const *cases[] = {
    (const char *[]){ "bogus", NULL },
    (const char *[]){ "task", "bogus", NULL },
    (const char *[]){ "task", "list", "--bogus", NULL },
    (const char *[]){ "--bogus", "task", "list", NULL },
    (const char *[]){ "task", "add", NULL },
    (const char *[]){ "task", "show", NULL },
    (const char *[]){ "task", "show", "1", "2", NULL },
    (const char *[]){ "task", NULL },
  };
  g_autoptr (CliRun) json = NULL;
  g_autoptr (JsonNode) error = NULL;
  JsonNode *inner;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CliRun) run = cli_run_argv (NULL, cases[i]);

      g_assert_cmpint (run->status, ==, 2);
      g_assert_true (g_str_has_prefix (run->err, "adiuva-cli: ") ||
                     strstr (run->err, "SYNOPSIS") != NULL);
      g_assert_cmpstr (run->out, ==, "");
    }

  /* With --json, the error is JSON too. */
  json = cli_run (NULL, "--json", "bogus", NULL);
  g_assert_cmpint (json->status, ==, 2);
  error = cli_parse_json (json->err);
  inner = json_object_get_member (json_node_get_object (error), "error");
  g_assert_cmpstr (cli_json_string (inner, "code"), ==, "usage");
  g_assert_nonnull (strstr (cli_json_string (inner, "message"), "bogus"));
  g_assert_cmpint (cli_json_int (inner, "exit_status"), ==, 2);
}

/* Workspaces and keys */

static void
test_no_workspace (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (CliRun) run = cli_run (NULL, "--data-dir", fixture->dir, "task", "list", NULL);
  g_autoptr (CliRun) json = cli_run (NULL, "--data-dir", fixture->dir, "--json", "task", "list",
                                     NULL);
  g_autoptr (JsonNode) error = NULL;

  g_assert_cmpint (run->status, ==, 5);
  g_assert_true (g_str_has_prefix (run->err, "adiuva-cli: "));
  g_assert_nonnull (strstr (run->err, "adiuva-cli init"));
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));

  g_assert_cmpint (json->status, ==, 5);
  error = cli_parse_json (json->err);
  g_assert_cmpstr (cli_json_string (json_object_get_member (json_node_get_object (error),
                                                            "error"),
                                    "code"),
                   ==, "no-workspace");
}

static void
test_init_keyring (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (JsonNode) info = cli_run_json ("--data-dir", fixture->dir, "init", NULL);
  g_autofree char *db = g_build_filename (fixture->dir, "workspace.db", NULL);
  g_autofree char *key = g_build_filename (fixture->dir, "workspace.key", NULL);
  g_autoptr (GBytes) db_before = NULL;
  g_autoptr (GBytes) key_before = NULL;
  g_autoptr (GBytes) db_after = NULL;
  g_autoptr (GBytes) key_after = NULL;
  g_autoptr (CliRun) again = NULL;
  g_autoptr (CliRun) list = NULL;
  JsonArray *modes;

  modes = json_object_get_array_member (json_node_get_object (info), "key_modes");
  g_assert_cmpuint (json_array_get_length (modes), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (modes, 0), ==, "keyring");

  /* Encrypted on disk: not even the SQLite header is readable. */
  db_before = read_bytes (db);
  key_before = read_bytes (key);
  g_assert_cmpuint (g_bytes_get_size (db_before), >=, 16);
  g_assert_false (memcmp (g_bytes_get_data (db_before, NULL), "SQLite format 3", 16) == 0);

  again = cli_run (NULL, "--data-dir", fixture->dir, "init", NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, "already"));
  db_after = read_bytes (db);
  key_after = read_bytes (key);
  g_assert_true (g_bytes_equal (db_before, db_after));
  g_assert_true (g_bytes_equal (key_before, key_after));

  /* Unlocked from the keyring with no option at all. */
  list = cli_run_ok (NULL, "--data-dir", fixture->dir, "task", "list", NULL);
  g_assert_nonnull (strstr (list->out, "No tasks"));
}

static void
test_passphrase (Fixture      *fixture,
                 gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (fixture->dir);
  g_autofree char *good = write_file (parent, "good", "correct horse\nsecond line\n", -1);
  g_autofree char *wrong = write_file (parent, "wrong", "correct horse!\n", -1);
  g_autofree char *fresh = write_file (parent, "fresh", "battery staple", -1);
  g_autofree char *db = g_build_filename (fixture->dir, "workspace.db", NULL);
  g_autofree char *key = g_build_filename (fixture->dir, "workspace.key", NULL);
  g_autoptr (CliRun) init = NULL;
  g_autoptr (CliRun) without = NULL;
  g_autoptr (CliRun) bad = NULL;
  g_autoptr (CliRun) bad_json = NULL;
  g_autoptr (CliRun) from_stdin = NULL;
  g_autoptr (CliRun) change = NULL;
  g_autoptr (CliRun) old = NULL;
  g_autoptr (CliRun) now_ok = NULL;
  g_autoptr (GBytes) db_before = NULL;
  g_autoptr (GBytes) key_before = NULL;
  g_autoptr (GBytes) db_after = NULL;
  g_autoptr (GBytes) key_after = NULL;
  g_autoptr (JsonNode) error = NULL;

  init = cli_run_ok (NULL, "--data-dir", fixture->dir, "init", "--passphrase-file", good, NULL);
  g_assert_nonnull (strstr (init->out, "passphrase"));
  cli_ok (NULL, "--data-dir", fixture->dir, "--passphrase-file", good,
          "task", "add", "Renew", "the", "domain", NULL);

  without = cli_run (NULL, "--data-dir", fixture->dir, "task", "list", NULL);
  g_assert_cmpint (without->status, ==, 4);
  g_assert_nonnull (strstr (without->err, "--passphrase-file"));

  /* A wrong passphrase is refused without touching a byte of the workspace. */
  db_before = read_bytes (db);
  key_before = read_bytes (key);
  bad = cli_run (NULL, "--data-dir", fixture->dir, "--passphrase-file", wrong, "task", "list",
                 NULL);
  g_assert_cmpint (bad->status, ==, 4);
  g_assert_true (g_str_has_prefix (bad->err, "adiuva-cli: "));
  g_assert_nonnull (strstr (bad->err, "passphrase is not correct"));
  g_assert_null (strstr (bad->err, "correct horse"));
  g_assert_cmpstr (bad->out, ==, "");
  bad_json = cli_run (NULL, "--data-dir", fixture->dir, "--passphrase-file", wrong, "--json",
                      "task", "add", "Should not be added", NULL);
  g_assert_cmpint (bad_json->status, ==, 4);
  error = cli_parse_json (bad_json->err);
  g_assert_cmpstr (cli_json_string (json_object_get_member (json_node_get_object (error),
                                                            "error"),
                                    "code"),
                   ==, "wrong-passphrase");
  db_after = read_bytes (db);
  key_after = read_bytes (key);
  g_assert_true (g_bytes_equal (db_before, db_after));
  g_assert_true (g_bytes_equal (key_before, key_after));

  /* "-" reads the passphrase from standard input; only its first line counts. */
  from_stdin = cli_run_ok ("correct horse\nanything\n", "--data-dir", fixture->dir,
                           "--passphrase-file", "-", "task", "list", NULL);
  g_assert_nonnull (strstr (from_stdin->out, "Renew the domain"));
  g_assert_null (strstr (from_stdin->out, "Should not be added"));

  change = cli_run_ok (NULL, "--data-dir", fixture->dir, "--passphrase-file", good,
                       "passphrase", "change", "--new-passphrase-file", fresh, NULL);
  g_assert_null (strstr (change->out, "battery"));
  old = cli_run (NULL, "--data-dir", fixture->dir, "--passphrase-file", good, "task", "list",
                 NULL);
  g_assert_cmpint (old->status, ==, 4);
  now_ok = cli_run_ok (NULL, "--data-dir", fixture->dir, "task", "list",
                       "--passphrase-file", fresh, NULL);
  g_assert_nonnull (strstr (now_ok->out, "Renew the domain"));
}

static void
test_import (Fixture      *fixture,
             gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (fixture->dir);
  /* SQLite reads an empty file as an empty database: the oldest workspace there is. */
  g_autofree char *plain = write_file (parent, "plain.db", "", 0);
  g_autofree char *missing = g_build_filename (parent, "missing.db", NULL);
  g_autofree char *elsewhere = g_build_filename (parent, "elsewhere", NULL);
  g_autoptr (CliRun) no_file = NULL;
  g_autoptr (CliRun) imported = NULL;
  g_autoptr (CliRun) again = NULL;
  g_autoptr (GBytes) plain_after = NULL;
  g_autoptr (JsonNode) tasks = NULL;

  no_file = cli_run (NULL, "--data-dir", elsewhere, "init", "--import", missing, NULL);
  g_assert_cmpint (no_file->status, ==, 3);
  g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));

  imported = cli_run_ok (NULL, "--data-dir", fixture->dir, "init", "--import", plain, NULL);
  g_assert_nonnull (strstr (imported->out, "Imported"));
  cli_ok (NULL, "--data-dir", fixture->dir, "task", "add", "After", "the", "import", NULL);
  tasks = cli_run_json ("--data-dir", fixture->dir, "task", "list", NULL);
  g_assert_cmpuint (cli_json_length (tasks), ==, 1);

  /* The plain file is only read. */
  plain_after = read_bytes (plain);
  g_assert_cmpuint (g_bytes_get_size (plain_after), ==, 0);

  again = cli_run (NULL, "--data-dir", fixture->dir, "init", "--import", plain, NULL);
  g_assert_cmpint (again->status, ==, 1);
}

static void
test_data_dir_from_environment (Fixture      *fixture,
                                gconstpointer data)
{
  const char *const env[] = { "ADIUVA_DATA_DIR", fixture->dir, NULL };
  const char *const args[] = { "task", "add", "From", "the", "environment", NULL };
  g_autoptr (CliRun) add = cli_run_argv_env (NULL, env, args);
  g_autoptr (JsonNode) tasks = NULL;

  g_assert_cmpint (add->status, ==, 0);

  tasks = cli_run_json ("--data-dir", fixture->dir, "task", "list", NULL);
  g_assert_cmpuint (cli_json_length (tasks), ==, 1);
  g_assert_cmpstr (cli_json_string (cli_json_element (tasks, 0), "title"), ==,
                   "From the environment");
}

/* The default workspace moved: adiuva-cli (and the app) find it through the pointer file. */
static void
test_workspace_move (Fixture      *fixture,
                     gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (fixture->dir);
  g_autofree char *dest = g_build_filename (parent, "moved", NULL);
  g_autofree char *inside = g_build_filename (dest, "inside", NULL);
  g_autofree char *occupied = g_build_filename (parent, "occupied", NULL);
  g_autofree char *occupant = g_build_filename (occupied, "notes.txt", NULL);
  g_autofree char *builtin = g_build_filename (g_get_user_data_dir (), "adiuva", NULL);
  g_autofree char *pointer = g_build_filename (g_get_user_config_dir (), "adiuva",
                                               "workspace.ini", NULL);
  g_autofree char *pointer_before = NULL;
  g_autofree char *pointer_after = NULL;
  g_autofree char *elsewhere = g_build_filename (parent, "elsewhere", NULL);
  g_autoptr (CliRun) moved = NULL;
  g_autoptr (CliRun) not_empty = NULL;
  g_autoptr (CliRun) into_itself = NULL;
  g_autoptr (CliRun) alone = NULL;
  g_autoptr (JsonNode) tasks = NULL;
  g_autoptr (JsonNode) json = NULL;

  g_assert_false (g_file_test (builtin, G_FILE_TEST_EXISTS));
  cli_ok (NULL, "init", NULL);
  cli_ok (NULL, "task", "add", "Send", "the", "invoice", NULL);
  cli_ok (NULL, "task", "add", "Call", "Globex", NULL);

  moved = cli_run_ok (NULL, "workspace", "move", dest, NULL);
  g_assert_nonnull (strstr (moved->out, dest));
  g_assert_nonnull (strstr (moved->out, "from now on"));
  g_assert_false (g_file_test (builtin, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pointer, G_FILE_TEST_IS_REGULAR));

  /* Found through the pointer, with no --data-dir, and its key through the keyring. */
  tasks = cli_run_json ("task", "list", NULL);
  g_assert_cmpuint (cli_json_length (tasks), ==, 2);
  g_assert_cmpstr (cli_json_string (cli_json_element (tasks, 0), "title"), ==,
                   "Send the invoice");

  /* Refused, said plainly, nothing changed. */
  g_assert_cmpint (g_mkdir (occupied, 0700), ==, 0);
  g_assert_true (g_file_set_contents (occupant, "mine", -1, NULL));
  not_empty = cli_run (NULL, "workspace", "move", occupied, NULL);
  g_assert_cmpint (not_empty->status, ==, 2);
  g_assert_nonnull (strstr (not_empty->err, "is not empty; choose an empty folder"));
  into_itself = cli_run (NULL, "workspace", "move", inside, NULL);
  g_assert_cmpint (into_itself->status, ==, 2);
  g_assert_nonnull (strstr (into_itself->err, "inside the workspace"));
  g_clear_pointer (&tasks, json_node_unref);
  tasks = cli_run_json ("task", "list", NULL);
  g_assert_cmpuint (cli_json_length (tasks), ==, 2);

  /* One named with --data-dir moves alone: the default stays. */
  g_assert_true (g_file_get_contents (pointer, &pointer_before, NULL, NULL));
  cli_ok (NULL, "--data-dir", fixture->dir, "init", NULL);
  alone = cli_run_ok (NULL, "--data-dir", fixture->dir, "workspace", "move", elsewhere, NULL);
  g_assert_nonnull (strstr (alone->out, "--data-dir"));
  json = cli_run_json ("--data-dir", elsewhere, "task", "list", NULL);
  g_assert_cmpuint (cli_json_length (json), ==, 0);
  g_clear_pointer (&tasks, json_node_unref);
  tasks = cli_run_json ("task", "list", NULL);
  g_assert_cmpuint (cli_json_length (tasks), ==, 2);
  g_assert_true (g_file_get_contents (pointer, &pointer_after, NULL, NULL));
  g_assert_cmpstr (pointer_after, ==, pointer_before);

  /* Back home: the pointer goes. */
  cli_ok (NULL, "workspace", "move", builtin, NULL);
  g_assert_false (g_file_test (pointer, G_FILE_TEST_EXISTS));
  g_clear_pointer (&tasks, json_node_unref);
  tasks = cli_run_json ("task", "list", NULL);
  g_assert_cmpuint (cli_json_length (tasks), ==, 2);
  test_remove_tree (builtin);
}

/* Records */

static void
test_clients_and_projects (Fixture      *fixture,
                           gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) client = cli_run_json ("--data-dir", d, "client", "add", "ACME", "Corp",
                                              "--email", "billing@acme.example", NULL);
  g_autoptr (JsonNode) other = cli_run_json ("--data-dir", d, "client", "add", "Globex", NULL);
  g_autoptr (JsonNode) clients = NULL;
  g_autoptr (JsonNode) edited = NULL;
  g_autoptr (JsonNode) project = NULL;
  g_autoptr (JsonNode) second = NULL;
  g_autoptr (JsonNode) by_client = NULL;
  g_autoptr (JsonNode) changed = NULL;
  g_autoptr (JsonNode) active = NULL;
  g_autoptr (JsonNode) all = NULL;
  g_autoptr (JsonNode) removed = NULL;
  g_autoptr (CliRun) human = NULL;
  g_autoptr (CliRun) bad_colour = NULL;
  g_autoptr (CliRun) missing = NULL;
  g_autoptr (CliRun) kept = NULL;
  g_autofree char *client_id = id_text (client);
  g_autofree char *project_id = NULL;

  g_assert_cmpstr (cli_json_string (client, "kind"), ==, "client");
  g_assert_cmpstr (cli_json_string (client, "name"), ==, "ACME Corp");
  g_assert_cmpstr (cli_json_string (client, "email"), ==, "billing@acme.example");
  g_assert_cmpint (cli_json_int (client, "created_at"), >, 0);

  clients = cli_run_json ("--data-dir", d, "client", "list", NULL);
  g_assert_cmpuint (cli_json_length (clients), ==, 2);
  g_assert_cmpstr (cli_json_string (cli_json_element (clients, 0), "name"), ==, "ACME Corp");

  edited = cli_run_json ("--data-dir", d, "client", "edit", client_id, "--email", "", NULL);
  g_assert_true (json_is_null (edited, "email"));
  g_assert_cmpstr (cli_json_string (edited, "name"), ==, "ACME Corp");

  /* A client is named by name or id, a colour is normalised. */
  project = cli_run_json ("--data-dir", d, "project", "add", "Website", "--client", "acme corp",
                          "--colour", "#3584E4", "--description", "The new site", NULL);
  g_assert_cmpint (cli_json_int (project, "client_id"), ==, json_id (client));
  g_assert_cmpstr (cli_json_string (project, "colour"), ==, "#3584e4");
  g_assert_cmpstr (cli_json_string (project, "status"), ==, "active");
  second = cli_run_json ("--data-dir", d, "project", "add", "Taxes", "--client",
                         "Globex", NULL);
  project_id = id_text (project);

  by_client = cli_run_json ("--data-dir", d, "project", "list", "--client", client_id, NULL);
  g_assert_cmpuint (cli_json_length (by_client), ==, 1);
  g_assert_cmpstr (cli_json_string (cli_json_element (by_client, 0), "name"), ==, "Website");

  changed = cli_run_json ("--data-dir", d, "project", "edit", "Website", "--status", "paused",
                          "--archive", "--no-client", NULL);
  g_assert_cmpstr (cli_json_string (changed, "status"), ==, "paused");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (changed), "archived"));
  g_assert_true (json_is_null (changed, "client_id"));

  active = cli_run_json ("--data-dir", d, "project", "list", NULL);
  g_assert_cmpuint (cli_json_length (active), ==, 1);
  all = cli_run_json ("--data-dir", d, "project", "list", "--all", NULL);
  g_assert_cmpuint (cli_json_length (all), ==, 2);

  human = cli_run_ok (NULL, "--data-dir", d, "project", "list", "--all", NULL);
  g_assert_nonnull (strstr (human->out, "paused, archived"));
  g_assert_nonnull (strstr (human->out, "Globex"));

  bad_colour = cli_run (NULL, "--data-dir", d, "project", "edit", project_id, "--colour", "red",
                        NULL);
  g_assert_cmpint (bad_colour->status, ==, 2);
  missing = cli_run (NULL, "--data-dir", d, "project", "edit", "Nope", "--status", "active",
                     NULL);
  g_assert_cmpint (missing->status, ==, 3);

  /* A project that still holds tasks is only removed with --force. */
  cli_ok (NULL, "--data-dir", d, "task", "add", "Pay", "VAT", "#Taxes", NULL);
  kept = cli_run (NULL, "--data-dir", d, "project", "rm", "Taxes", NULL);
  g_assert_cmpint (kept->status, ==, 1);
  g_assert_nonnull (strstr (kept->err, "--force"));
  g_clear_pointer (&all, json_node_unref);
  all = cli_run_json ("--data-dir", d, "task", "list", "--project", "Taxes", NULL);
  g_assert_cmpuint (cli_json_length (all), ==, 1);

  removed = cli_run_json ("--data-dir", d, "client", "rm", "Globex", NULL);
  g_assert_cmpstr (cli_json_string (removed, "name"), ==, "Globex");
  g_clear_pointer (&all, json_node_unref);
  all = cli_run_json ("--data-dir", d, "project", "list", "--all", NULL);
  g_assert_cmpuint (cli_json_length (all), ==, 2);
  g_clear_pointer (&clients, json_node_unref);
  clients = cli_run_json ("--data-dir", d, "client", "list", NULL);
  g_assert_cmpuint (cli_json_length (clients), ==, 1);

  cli_ok (NULL, "--data-dir", d, "project", "rm", "Taxes", "--force", NULL);
  g_clear_pointer (&all, json_node_unref);
  all = cli_run_json ("--data-dir", d, "project", "list", "--all", NULL);
  g_assert_cmpuint (cli_json_length (all), ==, 1);
  g_clear_pointer (&all, json_node_unref);
  all = cli_run_json ("--data-dir", d, "task", "list", "--status", "all", NULL);
  g_assert_cmpuint (cli_json_length (all), ==, 0);
}

static char *
date_in_days (int days)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

static void
test_task_quick_add (Fixture      *fixture,
                     gconstpointer data)
{
  const char      *d = fixture->dir;
  g_autofree char *before = date_in_days (1);
  g_autoptr (JsonNode) project = cli_run_json ("--data-dir", d, "project", "add", "Website",
                                               NULL);
  g_autoptr (JsonNode) task = cli_run_json ("--data-dir", d, "task", "add", "Send", "invoice",
                                            "to", "ACME", "tomorrow", "5pm", "p1", "#Website",
                                            "@billing", "@acme", NULL);
  g_autofree char *after = date_in_days (1);
  g_autofree char *due_before = g_strconcat (before, "T17:00:00", NULL);
  g_autofree char *due_after = g_strconcat (after, "T17:00:00", NULL);
  g_autoptr (JsonNode) override = NULL;
  g_autoptr (CliRun) typo = NULL;
  g_autoptr (CliRun) empty = NULL;
  g_autoptr (JsonNode) all = NULL;
  JsonArray  *tags;
  const char *due;

  g_assert_cmpstr (cli_json_string (task, "title"), ==, "Send invoice to ACME");
  g_assert_cmpint (cli_json_int (task, "project_id"), ==, json_id (project));
  g_assert_cmpint (cli_json_int (task, "priority"), ==, 1);
  tags = json_object_get_array_member (json_node_get_object (task), "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "billing");
  g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "acme");
  due = cli_json_string (task, "due");
  g_assert_true (g_strcmp0 (due, due_before) == 0 || g_strcmp0 (due, due_after) == 0);

  /* --project wins over the text's #Name, even one that does not exist. */
  override = cli_run_json ("--data-dir", d, "task", "add", "Draft", "#Nowhere", "--project",
                           "Website", NULL);
  g_assert_cmpint (cli_json_int (override, "project_id"), ==, json_id (project));
  g_assert_cmpstr (cli_json_string (override, "title"), ==, "Draft");

  /* Without it, a #Typo is an error, not a task filed elsewhere. */
  typo = cli_run (NULL, "--data-dir", d, "task", "add", "Call", "Bob", "#Websit", NULL);
  g_assert_cmpint (typo->status, ==, 3);
  empty = cli_run (NULL, "--data-dir", d, "task", "add", "tomorrow", "p2", NULL);
  g_assert_cmpint (empty->status, ==, 2);

  all = cli_run_json ("--data-dir", d, "task", "list", "--status", "all", NULL);
  g_assert_cmpuint (cli_json_length (all), ==, 2);
}

static void
test_task_filters (Fixture      *fixture,
                   gconstpointer data)
{
  const char *d = fixture->dir;
  const char *lines =
      "Alpha one 2030-01-10 #Alpha @red\n"
      "Alpha two 2030-01-20 #Alpha @blue p1\n"
      "\n"
      "Beta one 2030-02-01 #Beta @red\n"
      "Inbox thing\n"
      "Crème brûlée recipe @food\n";
  struct
  {
    const char *args[8];
    const char *ids;
  } cases[] = {
    { { "--project", "Alpha" }, "1" },
    { { "--project", "Alpha", "--status", "all" }, "1 2" },
    { { "--inbox" }, "4 5" },
    { { "--status", "done" }, "2" },
    { { "--status", "todo" }, "1 3 4 5" },
    { { "--tag", "red" }, "1 3" },
    { { "--tag", "@RED" }, "1 3" },
    { { "--text", "creme" }, "5" },
    { { "--text", "brul" }, "5" },
    { { "--due-before", "2030-01-20", "--status", "all" }, "1" },
    { { "--due-after", "2030-01-10", "--status", "all" }, "2 3" },
    { { "--due-after", "2030-01-10", "--due-before", "2030-02-01", "--status", "all" }, "2" },
    { { "--due-before", "today" }, "" },
    { { "--sort", "priority", "--status", "all" }, "2 1 3 4 5" },
    { { "--sort", "title" }, "1 3 5 4" },
    { { "--limit", "2" }, "1 3" },
  };
  g_autoptr (CliRun) human = NULL;
  g_autoptr (CliRun) unknown_project = NULL;
  g_autoptr (CliRun) bad_status = NULL;
  g_autoptr (CliRun) words = NULL;

  cli_ok (NULL, "--data-dir", d, "project", "add", "Alpha", NULL);
  cli_ok (NULL, "--data-dir", d, "project", "add", "Beta", NULL);
  cli_ok (lines, "--data-dir", d, "task", "add", "--from-file", "-", NULL);
  cli_ok (NULL, "--data-dir", d, "task", "done", "2", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autoptr (CliRun) run = NULL;
      g_autoptr (JsonNode) tasks = NULL;
      g_autofree char *ids = NULL;

      g_ptr_array_add (args, (gpointer) "--data-dir");
      g_ptr_array_add (args, (gpointer) d);
      g_ptr_array_add (args, (gpointer) "--json");
      g_ptr_array_add (args, (gpointer) "task");
      g_ptr_array_add (args, (gpointer) "list");
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) cases[i].args[j]);
      g_ptr_array_add (args, NULL);

      run = cli_run_argv (NULL, (const char *const *) args->pdata);
      g_test_message ("task list %s %s", cases[i].args[0], cases[i].args[1]);
      g_assert_cmpint (run->status, ==, 0);
      tasks = cli_parse_json (run->out);
      ids = list_ids (tasks);
      g_assert_cmpstr (ids, ==, cases[i].ids);
    }

  /* People see a ticked box for done tasks, priorities as p1…p4 and dates in words. */
  human = cli_run_ok (NULL, "--data-dir", d, "task", "list", "--status", "all", NULL);
  g_assert_nonnull (strstr (human->out, "[x]"));
  g_assert_nonnull (strstr (human->out, "p1"));
  g_assert_nonnull (strstr (human->out, "@food"));
  g_assert_nonnull (strstr (human->out, "Inbox"));
  g_assert_nonnull (strstr (human->out, "10 Jan 2030"));

  unknown_project = cli_run (NULL, "--data-dir", d, "task", "list", "--project", "Gamma", NULL);
  g_assert_cmpint (unknown_project->status, ==, 3);
  bad_status = cli_run (NULL, "--data-dir", d, "task", "list", "--status", "finished", NULL);
  g_assert_cmpint (bad_status->status, ==, 2);
  words = cli_run (NULL, "--data-dir", d, "task", "list", "--due-after", "in 3 days", NULL);
  g_assert_cmpint (words->status, ==, 0);
}

static gboolean
json_flag (JsonNode   *object,
           const char *member)
{
  return json_object_get_boolean_member (json_node_get_object (object), member);
}

/* What scripts and plugins propose waits for the person: listed apart until approved. */
static void
test_task_suggest (Fixture      *fixture,
                   gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) project = cli_run_json ("--data-dir", d, "project", "add", "Site", NULL);
  g_autoptr (JsonNode) mine = cli_run_json ("--data-dir", d, "task", "add", "Write", "copy",
                                            NULL);
  g_autoptr (JsonNode) proposed = cli_run_json ("--data-dir", d, "task", "add", "Renew",
                                                "certificate", "#Site", "--suggest", NULL);
  g_autoptr (JsonNode) from_file = NULL;
  g_autoptr (JsonNode) pending = NULL;
  g_autoptr (JsonNode) approved = NULL;
  g_autoptr (JsonNode) checkpoint = NULL;
  g_autoptr (CliRun) added = NULL;
  g_autoptr (CliRun) shown = NULL;
  g_autofree char *proposed_id = id_text (proposed);
  g_autofree char *ids = NULL;

  g_assert_false (json_flag (mine, "is_ai_suggested"));
  g_assert_true (json_flag (proposed, "is_ai_suggested"));
  g_assert_false (json_flag (proposed, "is_approved"));
  g_assert_cmpint (cli_json_int (proposed, "project_id"), ==, json_id (project));

  added = cli_run_ok ("Call the printer\nBook the venue\n", "--data-dir", d, "--json", "task",
                      "add", "--from-file", "-", "--suggest", NULL);
  from_file = cli_parse_json (added->out);
  g_assert_cmpuint (cli_json_length (from_file), ==, 2);
  g_assert_true (json_flag (cli_json_element (from_file, 1), "is_ai_suggested"));

  pending = cli_run_json ("--data-dir", d, "task", "list", "--pending-approval", NULL);
  ids = list_ids (pending);
  g_assert_cmpstr (ids, ==, "2 3 4");
  shown = cli_run_ok (NULL, "--data-dir", d, "task", "show", proposed_id, NULL);
  g_assert_nonnull (strstr (shown->out, "waiting for approval"));

  /* Approved, it is the person's own task and waits no more. */
  approved = cli_run_json ("--data-dir", d, "task", "edit", proposed_id, "--approve", NULL);
  g_assert_true (json_flag (approved, "is_approved"));
  g_clear_pointer (&pending, json_node_unref);
  g_clear_pointer (&ids, g_free);
  pending = cli_run_json ("--data-dir", d, "task", "list", "--pending-approval", NULL);
  ids = list_ids (pending);
  g_assert_cmpstr (ids, ==, "3 4");

  checkpoint = cli_run_json ("--data-dir", d, "checkpoint", "add", "Launch", "--project", "Site",
                             "--date", "2030-06-01", "--suggest", NULL);
  g_assert_true (json_flag (checkpoint, "is_ai_suggested"));
  g_assert_false (json_flag (checkpoint, "is_approved"));
}

static void
test_task_recurring (Fixture      *fixture,
                     gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) task = cli_run_json ("--data-dir", d, "task", "add", "Water", "plants",
                                            "--repeat", "every day", NULL);
  g_autofree char *id = id_text (task);
  g_autoptr (JsonNode) edited = cli_run_json ("--data-dir", d, "task", "edit", id, "--due",
                                              "2030-01-01", NULL);
  g_autoptr (JsonNode) done = cli_run_json ("--data-dir", d, "task", "done", id, NULL);
  g_autoptr (JsonNode) open = cli_run_json ("--data-dir", d, "task", "list", NULL);
  g_autoptr (CliRun) human = NULL;
  JsonNode *pair, *completed, *next;

  g_assert_cmpstr (cli_json_string (task, "recurrence"), ==, "FREQ=DAILY");
  g_assert_cmpstr (cli_json_string (edited, "due"), ==, "2030-01-01");

  pair = cli_json_element (done, 0);
  completed = json_object_get_member (json_node_get_object (pair), "task");
  next = json_object_get_member (json_node_get_object (pair), "next_occurrence");
  g_assert_cmpstr (cli_json_string (completed, "status"), ==, "done");
  g_assert_cmpint (cli_json_int (completed, "completed_at"), >, 0);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (next));
  g_assert_cmpstr (cli_json_string (next, "due"), ==, "2030-01-02");
  g_assert_cmpstr (cli_json_string (next, "title"), ==, "Water plants");
  g_assert_cmpstr (cli_json_string (next, "recurrence"), ==, "FREQ=DAILY");

  g_assert_cmpuint (cli_json_length (open), ==, 1);
  g_assert_cmpint (json_id (cli_json_element (open, 0)), ==, json_id (next));

  /* People are told the new id and date. */
  human = cli_run_ok (NULL, "--data-dir", d, "task", "done", "2", NULL);
  g_assert_nonnull (strstr (human->out, "Next occurrence: task 3"));
  g_assert_nonnull (strstr (human->out, "3 Jan 2030"));
}

static void
test_task_move (Fixture      *fixture,
                gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) a = cli_run_json ("--data-dir", d, "project", "add", "A", NULL);
  g_autoptr (JsonNode) b = cli_run_json ("--data-dir", d, "project", "add", "B", NULL);
  g_autoptr (JsonNode) subtask = NULL;
  g_autoptr (JsonNode) moved = NULL;
  g_autoptr (JsonNode) in_b = NULL;
  g_autoptr (JsonNode) under = NULL;
  g_autoptr (JsonNode) inbox = NULL;
  g_autoptr (JsonNode) top = NULL;
  g_autoptr (CliRun) nowhere = NULL;
  g_autoptr (CliRun) cycle = NULL;
  g_autofree char *ids = NULL;

  cli_ok (NULL, "--data-dir", d, "task", "add", "One", "#A", NULL);
  cli_ok (NULL, "--data-dir", d, "task", "add", "Two", "--parent", "1", NULL);
  cli_ok (NULL, "--data-dir", d, "task", "add", "Three", "#A", NULL);
  cli_ok (NULL, "--data-dir", d, "task", "add", "Four", "#B", NULL);

  subtask = cli_run_json ("--data-dir", d, "task", "show", "2", NULL);
  g_assert_cmpint (cli_json_int (subtask, "project_id"), ==, json_id (a));
  g_assert_cmpint (cli_json_int (subtask, "parent_id"), ==, 1);

  /* A task moves with its subtasks. */
  moved = cli_run_json ("--data-dir", d, "task", "move", "1", "--project", "B", "--before", "4",
                        NULL);
  g_assert_cmpint (cli_json_int (moved, "project_id"), ==, json_id (b));
  g_clear_pointer (&subtask, json_node_unref);
  subtask = cli_run_json ("--data-dir", d, "task", "show", "2", NULL);
  g_assert_cmpint (cli_json_int (subtask, "project_id"), ==, json_id (b));
  g_assert_cmpint (cli_json_int (subtask, "parent_id"), ==, 1);

  in_b = cli_run_json ("--data-dir", d, "task", "list", "--project", "B", "--top", NULL);
  ids = list_ids (in_b);
  g_assert_cmpstr (ids, ==, "1 4");

  under = cli_run_json ("--data-dir", d, "task", "move", "3", "--parent", "4", NULL);
  g_assert_cmpint (cli_json_int (under, "parent_id"), ==, 4);
  g_assert_cmpint (cli_json_int (under, "project_id"), ==, json_id (b));

  /* Out of its project, a subtask leaves its parent behind. */
  inbox = cli_run_json ("--data-dir", d, "task", "move", "3", "--inbox", NULL);
  g_assert_true (json_is_null (inbox, "project_id"));
  g_assert_true (json_is_null (inbox, "parent_id"));

  top = cli_run_json ("--data-dir", d, "task", "move", "2", "--top", NULL);
  g_assert_true (json_is_null (top, "parent_id"));
  g_assert_cmpint (cli_json_int (top, "project_id"), ==, json_id (b));

  nowhere = cli_run (NULL, "--data-dir", d, "task", "move", "2", NULL);
  g_assert_cmpint (nowhere->status, ==, 2);
  cycle = cli_run (NULL, "--data-dir", d, "task", "move", "4", "--parent", "4", NULL);
  g_assert_cmpint (cycle->status, ==, 2);
}

static void
test_task_edit_show_remove (Fixture      *fixture,
                            gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) task = cli_run_json ("--data-dir", d, "task", "add", "Write", "report",
                                            NULL);
  g_autoptr (JsonNode) edited = NULL;
  g_autoptr (JsonNode) cleared = NULL;
  g_autoptr (JsonNode) comment = NULL;
  g_autoptr (JsonNode) shown = NULL;
  g_autoptr (JsonNode) after_refused = NULL;
  g_autoptr (CliRun) bad_priority = NULL;
  g_autoptr (CliRun) bad_date = NULL;
  g_autoptr (CliRun) refused = NULL;
  g_autoptr (CliRun) partly_wrong = NULL;
  g_autoptr (CliRun) gone = NULL;
  g_autoptr (CliRun) human = NULL;
  JsonArray *tags, *comments;

  edited = cli_run_json ("--data-dir", d, "task", "edit", "1", "--title", "Write the report",
                         "--notes", "Two pages", "--due", "2030-03-04", "--start", "2030-03-01",
                         "--priority", "p2", "--status", "doing", "--tag", "work", "--tag",
                         "@urgent", "--approve", NULL);
  g_assert_cmpstr (cli_json_string (edited, "title"), ==, "Write the report");
  g_assert_cmpstr (cli_json_string (edited, "notes"), ==, "Two pages");
  g_assert_cmpstr (cli_json_string (edited, "due"), ==, "2030-03-04");
  g_assert_cmpstr (cli_json_string (edited, "start"), ==, "2030-03-01");
  g_assert_cmpint (cli_json_int (edited, "priority"), ==, 2);
  g_assert_cmpstr (cli_json_string (edited, "status"), ==, "doing");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (edited), "is_approved"));
  tags = json_object_get_array_member (json_node_get_object (edited), "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "urgent");

  /* Bad values change nothing at all, not even the good ones next to them. */
  bad_priority = cli_run (NULL, "--data-dir", d, "task", "edit", "1", "--title", "Lost",
                          "--priority", "9", NULL);
  g_assert_cmpint (bad_priority->status, ==, 2);
  bad_date = cli_run (NULL, "--data-dir", d, "task", "edit", "1", "--title", "Lost", "--due",
                      "someday", NULL);
  g_assert_cmpint (bad_date->status, ==, 2);

  cleared = cli_run_json ("--data-dir", d, "task", "edit", "1", "--due", "none", "--no-tags",
                          "--notes", "", NULL);
  g_assert_cmpstr (cli_json_string (cleared, "title"), ==, "Write the report");
  g_assert_true (json_is_null (cleared, "due"));
  g_assert_true (json_is_null (cleared, "notes"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (cleared), "tags")),
                    ==, 0);

  comment = cli_run_json ("--data-dir", d, "task", "comment", "1", "Asked", "Anna", NULL);
  g_assert_cmpstr (cli_json_string (comment, "body"), ==, "Asked Anna");
  cli_ok (NULL, "--data-dir", d, "task", "add", "Outline", "--parent", "1", NULL);

  shown = cli_run_json ("--data-dir", d, "task", "show", "1", NULL);
  comments = json_object_get_array_member (json_node_get_object (shown), "comments");
  g_assert_cmpuint (json_array_get_length (comments), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (shown), "subtasks")),
                    ==, 1);
  human = cli_run_ok (NULL, "--data-dir", d, "task", "show", "1", NULL);
  g_assert_nonnull (strstr (human->out, "Asked Anna"));
  g_assert_nonnull (strstr (human->out, "Outline"));
  g_assert_nonnull (strstr (human->out, "doing"));

  /* A task with subtasks needs --force; a wrong id anywhere removes nothing. */
  refused = cli_run (NULL, "--data-dir", d, "task", "rm", "1", NULL);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "--force"));
  partly_wrong = cli_run (NULL, "--data-dir", d, "task", "done", "2", "99", NULL);
  g_assert_cmpint (partly_wrong->status, ==, 3);
  after_refused = cli_run_json ("--data-dir", d, "task", "list", NULL);
  g_assert_cmpuint (cli_json_length (after_refused), ==, 2);

  cli_ok (NULL, "--data-dir", d, "task", "rm", "1", "--force", NULL);
  gone = cli_run (NULL, "--data-dir", d, "task", "show", "2", NULL);
  g_assert_cmpint (gone->status, ==, 3);
  g_assert_nonnull (strstr (gone->err, "There is no task with id 2"));
}

static void
test_checkpoints (Fixture      *fixture,
                  gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) project = cli_run_json ("--data-dir", d, "project", "add", "Site", NULL);
  g_autoptr (JsonNode) beta = cli_run_json ("--data-dir", d, "checkpoint", "add", "Beta",
                                            "delivered", "--project", "Site", "--date",
                                            "2030-05-01", NULL);
  g_autoptr (JsonNode) launch = cli_run_json ("--data-dir", d, "checkpoint", "add", "Launch",
                                              "--project", "Site", "--date", "2030-06-01",
                                              "--notes", "Party", NULL);
  g_autoptr (JsonNode) later = NULL;
  g_autoptr (JsonNode) until = NULL;
  g_autoptr (JsonNode) done = NULL;
  g_autoptr (JsonNode) edited = NULL;
  g_autoptr (JsonNode) left = NULL;
  g_autoptr (CliRun) missing = NULL;
  g_autoptr (CliRun) human = NULL;
  g_autofree char *beta_id = id_text (beta);
  g_autofree char *launch_id = id_text (launch);

  g_assert_cmpstr (cli_json_string (beta, "title"), ==, "Beta delivered");
  g_assert_cmpint (cli_json_int (beta, "project_id"), ==, json_id (project));
  g_assert_cmpstr (cli_json_string (beta, "date"), ==, "2030-05-01");

  later = cli_run_json ("--data-dir", d, "checkpoint", "list", "--from", "2030-05-15", NULL);
  g_assert_cmpuint (cli_json_length (later), ==, 1);
  g_assert_cmpstr (cli_json_string (cli_json_element (later, 0), "title"), ==, "Launch");
  until = cli_run_json ("--data-dir", d, "checkpoint", "list", "--to", "2030-05-01",
                        "--project", "Site", NULL);
  g_assert_cmpuint (cli_json_length (until), ==, 1);

  done = cli_run_json ("--data-dir", d, "checkpoint", "done", beta_id, NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (cli_json_element (done, 0)),
                                                 "done"));
  human = cli_run_ok (NULL, "--data-dir", d, "checkpoint", "list", NULL);
  g_assert_nonnull (strstr (human->out, "[x]"));
  g_assert_nonnull (strstr (human->out, "Launch"));

  edited = cli_run_json ("--data-dir", d, "checkpoint", "edit", launch_id, "--date",
                         "2030-07-01", "--title", "Public launch", NULL);
  g_assert_cmpstr (cli_json_string (edited, "date"), ==, "2030-07-01");
  g_assert_cmpstr (cli_json_string (edited, "notes"), ==, "Party");

  missing = cli_run (NULL, "--data-dir", d, "checkpoint", "add", "Nothing", "--date", "today",
                     NULL);
  g_assert_cmpint (missing->status, ==, 2);

  cli_ok (NULL, "--data-dir", d, "checkpoint", "rm", beta_id, NULL);
  left = cli_run_json ("--data-dir", d, "checkpoint", "list", NULL);
  g_assert_cmpuint (cli_json_length (left), ==, 1);
}

static void
test_notes (Fixture      *fixture,
            gconstpointer data)
{
  const char      *d = fixture->dir;
  g_autofree char *parent = g_path_get_dirname (fixture->dir);
  const char      *body = "# Kick-off\n\n- budget: 4k\n- next call on Friday\n";
  g_autofree char *file = write_file (parent, "ideas.md", "Ideas, *many*.\n", -1);
  g_autofree char *binary = write_file (parent, "binary.bin", "\xff\xfe\x00\x01", 4);
  g_autoptr (JsonNode) project = cli_run_json ("--data-dir", d, "project", "add", "Site", NULL);
  g_autoptr (JsonNode) from_file = NULL;
  g_autoptr (JsonNode) list = NULL;
  g_autoptr (JsonNode) in_project = NULL;
  g_autoptr (JsonNode) edited = NULL;
  g_autoptr (CliRun) shown = NULL;
  g_autoptr (CliRun) shown_again = NULL;
  g_autoptr (CliRun) refused = NULL;
  g_autoptr (CliRun) no_title = NULL;
  g_autoptr (CliRun) human = NULL;

  cli_ok (body, "--data-dir", d, "note", "add", "--title", "Kick-off meeting", "--project",
          "Site", NULL);
  from_file = cli_run_json ("--data-dir", d, "note", "add", "--title", "Ideas", "--file", file,
                            "--pin", NULL);
  g_assert_cmpstr (cli_json_string (from_file, "body"), ==, "Ideas, *many*.\n");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (from_file), "pinned"));
  g_assert_true (json_is_null (from_file, "project_id"));

  /* The body comes back byte for byte, by title or by id. */
  shown = cli_run_ok (NULL, "--data-dir", d, "note", "show", "Kick-off", "meeting", NULL);
  g_assert_cmpstr (shown->out, ==, body);
  shown_again = cli_run_ok (NULL, "--data-dir", d, "note", "show", "1", NULL);
  g_assert_cmpstr (shown_again->out, ==, body);

  list = cli_run_json ("--data-dir", d, "note", "list", NULL);
  g_assert_cmpuint (cli_json_length (list), ==, 2);
  g_assert_cmpstr (cli_json_string (cli_json_element (list, 0), "title"), ==, "Ideas");
  in_project = cli_run_json ("--data-dir", d, "note", "list", "--project", "Site", NULL);
  g_assert_cmpuint (cli_json_length (in_project), ==, 1);
  g_assert_cmpint (cli_json_int (cli_json_element (in_project, 0), "project_id"), ==,
                   json_id (project));

  edited = cli_run_json ("--data-dir", d, "note", "edit", "Ideas", "--body-stdin", "--unpin",
                         NULL);
  g_assert_cmpstr (cli_json_string (edited, "body"), ==, "");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (edited), "pinned"));

  /* A binary file is not a note: refused, and nothing is saved. */
  refused = cli_run (NULL, "--data-dir", d, "note", "add", "--title", "Blob", "--file", binary,
                     NULL);
  g_assert_cmpint (refused->status, ==, 2);
  no_title = cli_run ("text", "--data-dir", d, "note", "add", NULL);
  g_assert_cmpint (no_title->status, ==, 2);
  g_clear_pointer (&list, json_node_unref);
  list = cli_run_json ("--data-dir", d, "note", "list", NULL);
  g_assert_cmpuint (cli_json_length (list), ==, 2);

  human = cli_run_ok (NULL, "--data-dir", d, "note", "list", NULL);
  g_assert_nonnull (strstr (human->out, "Kick-off meeting"));
  g_assert_nonnull (strstr (human->out, "Site"));

  cli_ok (NULL, "--data-dir", d, "note", "rm", "Ideas", NULL);
  g_clear_pointer (&list, json_node_unref);
  list = cli_run_json ("--data-dir", d, "note", "list", NULL);
  g_assert_cmpuint (cli_json_length (list), ==, 1);
}

static void
test_search (Fixture      *fixture,
             gconstpointer data)
{
  const char *d = fixture->dir;
  g_autoptr (JsonNode) by_title = NULL;
  g_autoptr (JsonNode) by_body = NULL;
  g_autoptr (JsonNode) both = NULL;
  g_autoptr (JsonNode) limited = NULL;
  g_autoptr (CliRun) human = NULL;
  g_autoptr (CliRun) nothing = NULL;
  JsonNode *hit;

  cli_ok ("On a parlé de la crème brûlée au café du coin.\n", "--data-dir", d, "note", "add",
          "--title", "Réunion à Zürich", NULL);
  cli_ok (NULL, "--data-dir", d, "task", "add", "Book", "the", "café", NULL);

  by_title = cli_run_json ("--data-dir", d, "search", "reunion", "zurich", NULL);
  by_body = cli_run_json ("--data-dir", d, "search", "creme", "brulee", NULL);
  both = cli_run_json ("--data-dir", d, "search", "cafe", NULL);
  limited = cli_run_json ("--data-dir", d, "search", "cafe", "--limit", "1", NULL);
  human = cli_run_ok (NULL, "--data-dir", d, "search", "creme", NULL);
  nothing = cli_run_ok (NULL, "--data-dir", d, "search", "xylophone", NULL);

  g_assert_cmpuint (cli_json_length (by_title), ==, 1);
  hit = cli_json_element (by_title, 0);
  g_assert_cmpstr (cli_json_string (hit, "kind"), ==, "note");
  g_assert_cmpstr (cli_json_string (hit, "title"), ==, "Réunion à Zürich");
  g_assert_cmpuint (cli_json_length (by_body), ==, 1);
  g_assert_nonnull (strstr (cli_json_string (cli_json_element (by_body, 0), "snippet"),
                            "crème brûlée"));
  g_assert_cmpuint (cli_json_length (both), ==, 2);
  g_assert_cmpuint (cli_json_length (limited), ==, 1);

  /* Not a terminal: matches in brackets, no escape sequences. */
  g_assert_nonnull (strstr (human->out, "[crème]"));
  g_assert_null (strstr (human->out, "\033"));
  g_assert_nonnull (strstr (nothing->out, "Nothing matches"));
}

static void
test_export (Fixture      *fixture,
             gconstpointer data)
{
  const char      *d = fixture->dir;
  g_autofree char *parent = g_path_get_dirname (fixture->dir);
  g_autofree char *output = g_build_filename (parent, "export.json", NULL);
  g_autoptr (CliRun) first = NULL;
  g_autoptr (CliRun) second = NULL;
  g_autoptr (CliRun) to_file = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) written = NULL;
  JsonObject *tables;
  GStatBuf    st;

  cli_ok (NULL, "--data-dir", d, "client", "add", "ACME", NULL);
  cli_ok (NULL, "--data-dir", d, "project", "add", "Site", "--client", "ACME", NULL);
  cli_ok ("One #Site @a\nTwo p1\nThree tomorrow\n", "--data-dir", d, "task", "add",
          "--from-file", "-", NULL);
  cli_ok ("Body\n", "--data-dir", d, "note", "add", "--title", "Note", NULL);

  first = cli_run_ok (NULL, "--data-dir", d, "export", NULL);
  second = cli_run_ok (NULL, "--data-dir", d, "export", NULL);
  g_assert_cmpstr (first->out, ==, second->out);

  root = cli_parse_json (first->out);
  g_assert_cmpstr (cli_json_string (root, "format"), ==, "adiuva-workspace-export");
  tables = json_object_get_object_member (json_node_get_object (root), "tables");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tables, "tasks")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tables, "clients")), ==,
                    1);

  to_file = cli_run_ok (NULL, "--data-dir", d, "export", "--output", output, NULL);
  g_assert_cmpstr (to_file->out, ==, "");
  written = read_bytes (output);
  g_assert_cmpmem (g_bytes_get_data (written, NULL), g_bytes_get_size (written),
                   first->out, strlen (first->out));
  g_assert_cmpint (g_stat (output, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add ("/cli/no-workspace", Fixture, no_init, fixture_set_up, test_no_workspace,
              fixture_tear_down);
  g_test_add ("/cli/init-keyring", Fixture, no_init, fixture_set_up, test_init_keyring,
              fixture_tear_down);
  g_test_add ("/cli/passphrase", Fixture, no_init, fixture_set_up, test_passphrase,
              fixture_tear_down);
  g_test_add ("/cli/import", Fixture, no_init, fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/cli/data-dir-from-environment", Fixture, NULL, fixture_set_up,
              test_data_dir_from_environment, fixture_tear_down);
  g_test_add ("/cli/workspace/move", Fixture, no_init, fixture_set_up, test_workspace_move,
              fixture_tear_down);
  g_test_add ("/cli/clients-and-projects", Fixture, NULL, fixture_set_up,
              test_clients_and_projects, fixture_tear_down);
  g_test_add ("/cli/task/quick-add", Fixture, NULL, fixture_set_up, test_task_quick_add,
              fixture_tear_down);
  g_test_add ("/cli/task/filters", Fixture, NULL, fixture_set_up, test_task_filters,
              fixture_tear_down);
  g_test_add ("/cli/task/suggest", Fixture, NULL, fixture_set_up, test_task_suggest,
              fixture_tear_down);
  g_test_add ("/cli/task/recurring", Fixture, NULL, fixture_set_up, test_task_recurring,
              fixture_tear_down);
  g_test_add ("/cli/task/move", Fixture, NULL, fixture_set_up, test_task_move,
              fixture_tear_down);
  g_test_add ("/cli/task/edit-show-remove", Fixture, NULL, fixture_set_up,
              test_task_edit_show_remove, fixture_tear_down);
  g_test_add ("/cli/checkpoints", Fixture, NULL, fixture_set_up, test_checkpoints,
              fixture_tear_down);
  g_test_add ("/cli/notes", Fixture, NULL, fixture_set_up, test_notes, fixture_tear_down);
  g_test_add ("/cli/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/cli/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);

  return g_test_run ();
}
