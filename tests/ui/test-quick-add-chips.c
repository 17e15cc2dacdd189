/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-quick-add-chips"

#include "config.h"

#include "adiuva-format.h"
#include "adiuva-quick-add-model.h"
#include "test-ui-util.h"

/* The chips under the quick-add entry, as a list model: no display needed. */

static GDateTime *
saturday_morning (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return g_date_time_new (utc, 2026, 11, 21, 10, 0, 0);
}

static char *
describe (GListModel *chips)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (chips); i++)
    {
      g_autoptr (AdiuvaQuickAddChip) chip = g_list_model_get_item (chips, i);

      g_string_append_printf (text, "%s[%s%s]", i > 0 ? " " : "",
                              adiuva_quick_add_chip_get_label (chip),
                              adiuva_quick_add_chip_get_problem (chip) != NULL ? "!" : "");
    }

  return g_string_free (text, FALSE);
}

static void
test_chips_without_store (void)
{
  g_autoptr (AdiuvaQuickAddModel) model = adiuva_quick_add_model_new (NULL);
  g_autoptr (GDateTime) now = saturday_morning ();
  g_autofree char *text = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_false (adiuva_quick_add_model_get_can_add (model));

  adiuva_quick_add_model_set_text (model, "Send invoice to ACME tomorrow 5pm p1 #Website @billing "
                                          "@acme",
                                   now);
  text = describe (G_LIST_MODEL (model));
  g_assert_cmpstr (text, ==, "[Tomorrow, 17:00] [Priority 1] [Website] [@billing] [@acme]");
  g_assert_cmpstr (adiuva_quick_add_model_get_parsed (model)->title, ==, "Send invoice to ACME");
  g_assert_true (adiuva_quick_add_model_get_can_add (model));
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

/* Typing more of the title must not rebuild the chips, or they would flicker on every key. */
static void
test_chips_stable_while_typing (void)
{
  g_autoptr (AdiuvaQuickAddModel) model = adiuva_quick_add_model_new (NULL);
  g_autoptr (GDateTime) now = saturday_morning ();
  guint changes = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes_cb), &changes);

  adiuva_quick_add_model_set_text (model, "Call p2", now);
  g_assert_cmpuint (changes, ==, 1);
  adiuva_quick_add_model_set_text (model, "Call the p2", now);
  adiuva_quick_add_model_set_text (model, "Call the bank p2", now);
  g_assert_cmpuint (changes, ==, 1);

  adiuva_quick_add_model_set_text (model, "Call the bank p3", now);
  g_assert_cmpuint (changes, ==, 2);
  adiuva_quick_add_model_set_text (model, "", now);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
}

static void
test_chips_need_a_title (void)
{
  g_autoptr (AdiuvaQuickAddModel) model = adiuva_quick_add_model_new (NULL);
  g_autoptr (GDateTime) now = saturday_morning ();
  g_autofree char *text = NULL;

  adiuva_quick_add_model_set_text (model, "tomorrow p2", now);
  text = describe (G_LIST_MODEL (model));
  g_assert_cmpstr (text, ==, "[Tomorrow] [Priority 2]");
  g_assert_false (adiuva_quick_add_model_get_can_add (model));
}

/* With a workspace, a project that does not exist is flagged before Enter is pressed. */
static void
test_chips_check_projects (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autoptr (AdiuvaQuickAddModel) model = adiuva_quick_add_model_new (store);
  g_autoptr (GDateTime) now = saturday_morning ();
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *found = NULL;

  adiuva_project_set_name (project, "Website");
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);

  adiuva_quick_add_model_set_text (model, "Draft the offer #Webshop", now);
  missing = describe (G_LIST_MODEL (model));
  g_assert_cmpstr (missing, ==, "[Webshop!]");
  g_assert_false (adiuva_quick_add_model_get_can_add (model));

  adiuva_quick_add_model_set_text (model, "Draft the offer #website", now);
  found = describe (G_LIST_MODEL (model));
  g_assert_cmpstr (found, ==, "[website]");
  g_assert_true (adiuva_quick_add_model_get_can_add (model));

  g_clear_object (&store);
  test_remove_tree (dir);
}

static void
test_format_due (void)
{
  g_autoptr (GDateTime) now = saturday_morning ();
  struct
  {
    const char *due;
    const char *said;
    gboolean    overdue;
  } cases[] = {
    { "2026-11-21", "Today", FALSE },
    { "2026-11-21T09:30:00", "Today, 09:30", TRUE },
    { "2026-11-22T17:00:00", "Tomorrow, 17:00", FALSE },
    { "2026-11-20", "Yesterday", TRUE },
    { "2026-11-27", "Friday", FALSE },
    { "2026-11-28", "28 Nov", FALSE },
    { "2027-03-03", "3 Mar 2027", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *said = adiuva_format_floating_due (cases[i].due, now);

      g_assert_cmpstr (said, ==, cases[i].said);
      g_assert_cmpint (adiuva_floating_due_is_overdue (cases[i].due, now), ==, cases[i].overdue);
    }

  g_assert_null (adiuva_format_floating_due (NULL, now));
  g_assert_null (adiuva_format_floating_due ("", now));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/quick-add/chips", test_chips_without_store);
  g_test_add_func ("/ui/quick-add/stable-while-typing", test_chips_stable_while_typing);
  g_test_add_func ("/ui/quick-add/needs-a-title", test_chips_need_a_title);
  g_test_add_func ("/ui/quick-add/checks-projects", test_chips_check_projects);
  g_test_add_func ("/ui/format/due", test_format_due);

  return g_test_run ();
}
