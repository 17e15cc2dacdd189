/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-reminders"

#include "config.h"

#include "adiuva-reminders-private.h"
#include "test-ui-util.h"

/* Which tasks are announced, and when the next check is due: at given times, no clock. */

static void
add_task (AdiuvaStore *store,
          const char  *title,
          const char  *due,
          gboolean     done)
{
  g_autoptr (AdiuvaTask) task = adiuva_task_new ();
  g_autoptr (GError) error = NULL;

  adiuva_task_set_title (task, title);
  adiuva_task_set_due (task, due);
  if (done)
    adiuva_task_set_status (task, ADIUVA_TASK_STATUS_DONE);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (task), &error));
  g_assert_no_error (error);
}

static void
due_cb (AdiuvaReminders *reminders,
        AdiuvaTask      *task,
        GPtrArray       *announced)
{
  g_ptr_array_add (announced, g_strdup (adiuva_task_get_title (task)));
}

static void
test_reminders (void)
{
  g_autofree char *dir = test_ui_make_dir ();
  g_autoptr (AdiuvaStore) store = test_ui_create_store (dir);
  g_autoptr (AdiuvaReminders) reminders = NULL;
  g_autoptr (GPtrArray) announced = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) morning = g_date_time_new (utc, 2026, 11, 21, 10, 0, 0);
  g_autoptr (GDateTime) afternoon = g_date_time_new (utc, 2026, 11, 21, 15, 0, 0);
  g_autoptr (GDateTime) next = NULL;
  g_autofree char *next_text = NULL;

  add_task (store, "Call the bank", "2026-11-21T09:30:00", FALSE);
  add_task (store, "Send the slides", "2026-11-21T14:00:00", FALSE);
  add_task (store, "Water the plants", "2026-11-21", FALSE);
  add_task (store, "Already done", "2026-11-21T08:00:00", TRUE);
  add_task (store, "Next month", "2026-12-21T08:00:00", FALSE);

  reminders = adiuva_reminders_new (store);
  g_signal_connect (reminders, "due", G_CALLBACK (due_cb), announced);

  next = _adiuva_reminders_check (reminders, morning);
  g_assert_cmpuint (announced->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (announced, 0), ==, "Call the bank");
  g_assert_nonnull (next);
  next_text = g_date_time_format (next, "%H:%M");
  g_assert_cmpstr (next_text, ==, "14:00");

  /* Once only. */
  g_clear_pointer (&next, g_date_time_unref);
  next = _adiuva_reminders_check (reminders, morning);
  g_assert_cmpuint (announced->len, ==, 1);

  g_clear_pointer (&next, g_date_time_unref);
  next = _adiuva_reminders_check (reminders, afternoon);
  g_assert_cmpuint (announced->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (announced, 1), ==, "Send the slides");
  g_assert_null (next);

  g_clear_object (&reminders);
  g_clear_object (&store);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/reminders/due", test_reminders);

  return g_test_run ();
}
