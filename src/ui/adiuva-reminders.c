/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-reminders"

#include "config.h"

#include "adiuva-reminders-private.h"

/* Tasks due at a time of day are announced when that time comes, while the app runs: the
 * window turns ::due into a GNotification. Tasks due on a day without a time are Today's
 * business, not an interruption. Each task is announced once per run. */
struct _AdiuvaReminders
{
  GObject parent_instance;

  AdiuvaStore *store;
  GHashTable  *announced;
  guint        timeout_source;
  guint        reschedule_source;
};

G_DEFINE_FINAL_TYPE (AdiuvaReminders, adiuva_reminders, G_TYPE_OBJECT)

enum
{
  DUE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (AdiuvaReminders *self);

/* Open tasks due from yesterday to tomorrow: enough to find what is due now and the next one;
 * what is further away is looked at again at the next check. */
static AdiuvaTaskListModel *
near_tasks (AdiuvaReminders *self,
            GDateTime       *now)
{
  g_autoptr (AdiuvaTaskFilter) filter = adiuva_task_filter_new ();
  g_autoptr (GDateTime) yesterday = g_date_time_add_days (now, -2);
  g_autoptr (GDateTime) after_tomorrow = g_date_time_add_days (now, 2);

  filter->open_only = TRUE;
  filter->parent_id = -1;
  filter->order = ADIUVA_TASK_ORDER_DUE;
  filter->due_after = g_date_time_format (yesterday, "%Y-%m-%d");
  filter->due_before = g_date_time_format (after_tomorrow, "%Y-%m-%d");

  return adiuva_task_list_model_new (self->store, filter);
}

/**
 * _adiuva_reminders_check:
 * @now: the time to check at
 *
 * Emits ::due for each task whose time has come (since yesterday) and that was not announced
 * yet.
 *
 * Returns: (transfer full) (nullable): when the next task is due, or %NULL for none soon
 */
GDateTime *
_adiuva_reminders_check (AdiuvaReminders *self,
                         GDateTime       *now)
{
  g_autoptr (AdiuvaTaskListModel) tasks = near_tasks (self, now);
  GDateTime *next = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tasks)); i++)
    {
      g_autoptr (AdiuvaTask) task = g_list_model_get_item (G_LIST_MODEL (tasks), i);
      g_autoptr (GDateTime) due = NULL;
      gboolean has_time = FALSE;
      gint64   id = adiuva_record_get_id (ADIUVA_RECORD (task));

      due = adiuva_date_parse_floating (adiuva_task_get_due (task),
                                        g_date_time_get_timezone (now), &has_time);
      if (due == NULL || !has_time || g_hash_table_contains (self->announced, &id))
        continue;

      if (g_date_time_compare (due, now) <= 0)
        {
          g_hash_table_add (self->announced, g_memdup2 (&id, sizeof id));
          g_signal_emit (self, signals[DUE], 0, task);
        }
      else if (next == NULL || g_date_time_compare (due, next) < 0)
        {
          g_clear_pointer (&next, g_date_time_unref);
          next = g_date_time_ref (due);
        }
    }

  return next;
}

static gboolean
timeout_cb (gpointer user_data)
{
  AdiuvaReminders *self = user_data;

  self->timeout_source = 0;
  schedule (self);

  return G_SOURCE_REMOVE;
}

static void
schedule (AdiuvaReminders *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) next = _adiuva_reminders_check (self, now);
  GTimeSpan wait;

  g_clear_handle_id (&self->timeout_source, g_source_remove);

  /* With nothing due soon, look again in an hour: tomorrow's tasks come into range. */
  wait = next != NULL ? g_date_time_difference (next, now) : G_TIME_SPAN_HOUR;
  self->timeout_source = g_timeout_add_seconds_full (G_PRIORITY_LOW,
                                                     (guint) (wait / G_TIME_SPAN_SECOND) + 1,
                                                     timeout_cb, self, NULL);
}

static gboolean
reschedule_cb (gpointer user_data)
{
  AdiuvaReminders *self = user_data;

  self->reschedule_source = 0;
  schedule (self);

  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (AdiuvaReminders *self,
                  AdiuvaEntity     entity,
                  gint64           id,
                  AdiuvaChange     change,
                  AdiuvaStore     *store)
{
  if (entity == ADIUVA_ENTITY_TASK && self->reschedule_source == 0)
    self->reschedule_source = g_idle_add_full (G_PRIORITY_LOW, reschedule_cb, self, NULL);
}

static void
adiuva_reminders_dispose (GObject *object)
{
  AdiuvaReminders *self = ADIUVA_REMINDERS (object);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_handle_id (&self->reschedule_source, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (adiuva_reminders_parent_class)->dispose (object);
}

static void
adiuva_reminders_finalize (GObject *object)
{
  AdiuvaReminders *self = ADIUVA_REMINDERS (object);

  g_hash_table_unref (self->announced);

  G_OBJECT_CLASS (adiuva_reminders_parent_class)->finalize (object);
}

static void
adiuva_reminders_class_init (AdiuvaRemindersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = adiuva_reminders_dispose;
  object_class->finalize = adiuva_reminders_finalize;

  /**
   * AdiuvaReminders::due:
   * @task: the task whose time has come
   */
  signals[DUE] = g_signal_new ("due", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                               NULL, G_TYPE_NONE, 1, ADIUVA_TYPE_TASK);
}

static void
adiuva_reminders_init (AdiuvaReminders *self)
{
  self->announced = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* Starts watching @store; the first check runs from the main loop, so ::due handlers connected
 * right after this call hear about tasks already due. */
AdiuvaReminders *
adiuva_reminders_new (AdiuvaStore *store)
{
  AdiuvaReminders *self;

  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  self = g_object_new (ADIUVA_TYPE_REMINDERS, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->reschedule_source = g_idle_add_full (G_PRIORITY_LOW, reschedule_cb, self, NULL);

  return self;
}
