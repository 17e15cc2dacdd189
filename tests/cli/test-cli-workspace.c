/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <string.h>

#include "test-cli-util.h"

/* A workspace the size of a real freelancer's, built only through adiuva-cli: 4 clients,
 * 10 projects, 300 tasks and 100 notes, then searched and filtered the way a person would. */

#define N_PROJECTS 10
#define TASKS_PER_PROJECT 30
#define N_NOTES 100

static const char *const clients[] = { "ACME", "Globex", "Initech", "Umbrella Café" };

static const char *const tags[] = { "billing", "design", "code", "review", "call" };

static const char *const verbs[] = {
  "Draft",
  "Review",
  "Send",
  "Fix",
  "Plan",
  "Call about",
  "Design",
  "Test",
  "Write",
  "Check",
};

static const char *const subjects[] = {
  "the invoice",
  "the landing page",
  "the quarterly report",
  "the contract",
  "the logo",
  "the newsletter",
  "the database backup",
  "the onboarding flow",
};

typedef struct
{
  char *dir;
  guint n_tagged_billing; /* open tasks tagged @billing */
  guint n_due_in_january; /* tasks of project 3 due in January 2030 */
  guint n_p1_in_project_5;
} Workspace;

static char *
project_name (guint p)
{
  return g_strdup_printf ("Project %02u", p);
}

/* One --from-file batch per project: each line is a quick-add line as a person would type. */
static char *
project_tasks (Workspace *ws,
               guint      p)
{
  g_autoptr (GString) lines = g_string_new (NULL);

  for (guint t = 0; t < TASKS_PER_PROJECT; t++)
    {
      guint       n = p * TASKS_PER_PROJECT + t;
      const char *tag = tags[n % G_N_ELEMENTS (tags)];
      guint       priority = 1 + n % 4;
      guint       month = 1 + t % 3;
      guint       day = 1 + (n * 7) % 28;

      g_string_append_printf (lines, "%s %s %u 2030-%02u-%02u p%u @%s\n",
                              verbs[n % G_N_ELEMENTS (verbs)],
                              subjects[n % G_N_ELEMENTS (subjects)], n, month, day, priority,
                              tag);

      if (g_str_equal (tag, "billing"))
        ws->n_tagged_billing++;
      if (p == 3 && month == 1)
        ws->n_due_in_january++;
      if (p == 5 && priority == 1)
        ws->n_p1_in_project_5++;
    }

  return g_string_free (g_steal_pointer (&lines), FALSE);
}

static void
build_workspace (Workspace *ws)
{
  const char *d = ws->dir;

  cli_ok (NULL, "--data-dir", d, "init", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    cli_ok (NULL, "--data-dir", d, "client", "add", clients[c], NULL);

  for (guint p = 0; p < N_PROJECTS; p++)
    {
      g_autofree char *name = project_name (p);
      g_autofree char *colour = g_strdup_printf ("#%02x%02x%02x", p * 20, 128, 255 - p * 20);

      cli_ok (NULL, "--data-dir", d, "project", "add", name,
              "--client", clients[p % G_N_ELEMENTS (clients)], "--colour", colour, NULL);
    }

  for (guint p = 0; p < N_PROJECTS; p++)
    {
      g_autofree char *name = project_name (p);
      g_autofree char *lines = project_tasks (ws, p);

      cli_ok (lines, "--data-dir", d, "task", "add", "--project", name, "--from-file", "-",
              NULL);
    }

  for (guint n = 0; n < N_NOTES; n++)
    {
      g_autofree char *title = g_strdup_printf ("Meeting notes %u", n);
      g_autofree char *project = project_name (n % N_PROJECTS);
      g_autofree char *body = NULL;

      /* Every tenth note mentions a word with diacritics, to be found without them. */
      body = g_strdup_printf ("# %s\n\nAttendees: Anna, Bob.\n%s\nNext steps: %s %s.\n", title,
                              n % 10 == 0 ? "We met at the Café Müller to talk about the "
                                            "résumé template."
                                          : "Status call, nothing new.",
                              verbs[n % G_N_ELEMENTS (verbs)],
                              subjects[n % G_N_ELEMENTS (subjects)]);
      cli_ok (body, "--data-dir", d, "note", "add", "--title", title, "--project", project,
              NULL);
    }
}

static guint
count_json (const char *first_arg,
            ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (CliRun) run = NULL;
  g_autoptr (JsonNode) root = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  run = cli_run_argv (NULL, (const char *const *) args->pdata);
  g_assert_cmpint (run->status, ==, 0);
  root = cli_parse_json (run->out);

  return cli_json_length (root);
}

static void
test_realistic_workspace (void)
{
  Workspace ws = { NULL };
  g_autoptr (GTimer) timer = g_timer_new ();
  g_autofree char *parent = NULL;
  g_autoptr (CliRun) search = NULL;
  g_autoptr (CliRun) human = NULL;
  g_autoptr (JsonNode) found = NULL;
  g_autoptr (JsonNode) resume = NULL;
  g_autoptr (JsonNode) limited = NULL;
  g_autoptr (CliRun) export_a = NULL;
  g_autoptr (CliRun) export_b = NULL;
  const char *d;

  ws.dir = cli_make_workspace_dir ();
  d = ws.dir;
  build_workspace (&ws);
  g_test_message ("built the workspace in %.1f s", g_timer_elapsed (timer, NULL));

  g_assert_cmpuint (count_json ("--data-dir", d, "client", "list", NULL), ==,
                    G_N_ELEMENTS (clients));
  g_assert_cmpuint (count_json ("--data-dir", d, "project", "list", NULL), ==, N_PROJECTS);
  g_assert_cmpuint (count_json ("--data-dir", d, "project", "list", "--client", "Umbrella Café",
                                NULL),
                    ==, 2);
  g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", NULL), ==,
                    N_PROJECTS * TASKS_PER_PROJECT);
  g_assert_cmpuint (count_json ("--data-dir", d, "note", "list", NULL), ==, N_NOTES);

  /* Filters, alone and combined */
  g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--project", "Project 03",
                                NULL),
                    ==, TASKS_PER_PROJECT);
  g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--tag", "billing", NULL), ==,
                    ws.n_tagged_billing);
  g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--project", "Project 03",
                                "--due-after", "2029-12-31", "--due-before", "2030-02-01",
                                NULL),
                    ==, ws.n_due_in_january);
  g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--inbox", NULL), ==, 0);
  g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--text", "quarterly report",
                                "--limit", "5", NULL),
                    ==, 5);

  /* Completing a filtered handful shows in the status filters. */
  {
    g_autoptr (GPtrArray) args = g_ptr_array_new ();
    g_autoptr (CliRun) run = NULL;
    g_autoptr (CliRun) done = NULL;
    g_autoptr (JsonNode) urgent = NULL;

    run = cli_run_ok (NULL, "--data-dir", d, "--json", "task", "list", "--project", "Project 05",
                      "--sort", "priority", NULL);
    urgent = cli_parse_json (run->out);
    g_ptr_array_add (args, (gpointer) "--data-dir");
    g_ptr_array_add (args, (gpointer) d);
    g_ptr_array_add (args, (gpointer) "task");
    g_ptr_array_add (args, (gpointer) "done");
    for (guint i = 0; i < ws.n_p1_in_project_5; i++)
      {
        JsonNode *task = cli_json_element (urgent, i);

        g_assert_cmpint (cli_json_int (task, "priority"), ==, 1);
        g_ptr_array_add (args, g_strdup_printf ("%" G_GINT64_FORMAT, cli_json_int (task, "id")));
      }
    g_ptr_array_add (args, NULL);
    done = cli_run_argv (NULL, (const char *const *) args->pdata);
    g_assert_cmpint (done->status, ==, 0);
    for (guint i = 4; i + 1 < args->len; i++)
      g_free (args->pdata[i]);

    g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--project", "Project 05",
                                  "--status", "done", NULL),
                      ==, ws.n_p1_in_project_5);
    g_assert_cmpuint (count_json ("--data-dir", d, "task", "list", "--project", "Project 05",
                                  NULL),
                      ==, TASKS_PER_PROJECT - ws.n_p1_in_project_5);
  }

  /* Search: diacritics are ignored both ways, notes and tasks alike */
  found = cli_run_json ("--data-dir", d, "search", "cafe", "muller", NULL);
  g_assert_cmpuint (cli_json_length (found), ==, N_NOTES / 10);
  for (guint i = 0; i < cli_json_length (found); i++)
    g_assert_cmpstr (cli_json_string (cli_json_element (found, i), "kind"), ==, "note");
  resume = cli_run_json ("--data-dir", d, "search", "resume", NULL);
  g_assert_cmpuint (cli_json_length (resume), ==, N_NOTES / 10);
  limited = cli_run_json ("--data-dir", d, "search", "invoice", "--limit", "7", NULL);
  g_assert_cmpuint (cli_json_length (limited), ==, 7);

  search = cli_run_ok (NULL, "--data-dir", d, "search", "Müller", NULL);
  g_assert_nonnull (strstr (search->out, "[Müller]"));
  human = cli_run_ok (NULL, "--data-dir", d, "task", "list", "--tag", "call", "--limit", "10",
                      NULL);
  g_assert_nonnull (strstr (human->out, "more tasks"));

  /* The export of a real-sized workspace is still the same bytes twice. */
  export_a = cli_run_ok (NULL, "--data-dir", d, "export", NULL);
  export_b = cli_run_ok (NULL, "--data-dir", d, "export", NULL);
  g_assert_cmpstr (export_a->out, ==, export_b->out);

  g_test_message ("whole test in %.1f s", g_timer_elapsed (timer, NULL));

  parent = g_path_get_dirname (ws.dir);
  test_remove_tree (parent);
  g_free (ws.dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/realistic-workspace", test_realistic_workspace);

  return g_test_run ();
}
