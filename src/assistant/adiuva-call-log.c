/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-call-log-private.h"

/*
 * The gateway reports a call before its answer reaches whoever asked, so logging it there and
 * then would put a commit, and the fsync the store's synchronous=FULL asks for, between the
 * provider's answer and the user: milliseconds under disk load, on the UI thread of the app or
 * the main loop of `gateway serve`. Calls are queued instead and written together, in one
 * transaction, at most CALL_LOG_DELAY_MS after they end, by a thread of the log's own.
 *
 * A store is used by one thread at a time, and the front end goes on using the one it opened,
 * so the thread writes through a second connection to the same workspace
 * (adiuva_store_open_connection()), opened when the first call comes. SQLite (WAL) keeps the
 * two apart; a long write by the front end makes the log wait, never the other way round for
 * more than one short insert transaction.
 *
 * Whoever wants to point to the row of a call (a chat answer to its call) learns it from the
 * owner's "logged" function, called on the main context the log was made in, with the call's
 * AdiuvaCallMetrics:call_id and the new row's id, once the rows are committed.
 */
#define CALL_LOG_DELAY_MS 100

/* Shared with the reports on their way to the main context, which may outlive the log. */
typedef struct
{
  GWeakRef             owner;
  AdiuvaCallLoggedFunc logged;
  GMainContext        *context;
} Reporter;

typedef struct
{
  guint64 call_id;
  gint64  row_id;
} LoggedRow;

typedef struct
{
  Reporter *reporter;
  GArray   *rows; /* LoggedRow */
} Report;

struct _AdiuvaCallLog
{
  AdiuvaStore *store;      /* the front end's: only to open the log's own connection */
  AdiuvaStore *connection; /* the log thread's */
  GThread     *thread;
  Reporter    *reporter;

  GMutex     lock;
  GCond      cond;
  GPtrArray *pending; /* AdiuvaCallMetrics */
  guint64    queued;  /* calls ever queued */
  guint64    written; /* of those, calls the thread is done with */
  gboolean   hurry;   /* someone waits: no delay */
  gboolean   stopping;
};

static gint64
us_to_ms (gint64 us)
{
  return us < 0 ? -1 : us / 1000;
}

static void
reporter_clear (gpointer data)
{
  Reporter *reporter = data;

  g_weak_ref_clear (&reporter->owner);
  g_main_context_unref (reporter->context);
}

static void
report_free (Report *report)
{
  g_rc_box_release_full (report->reporter, reporter_clear);
  g_array_unref (report->rows);
  g_free (report);
}

static gboolean
report_cb (gpointer data)
{
  Report *report = data;
  g_autoptr (GObject) owner = g_weak_ref_get (&report->reporter->owner);

  for (guint i = 0; owner != NULL && i < report->rows->len; i++)
    {
      const LoggedRow *row = &g_array_index (report->rows, LoggedRow, i);

      report->reporter->logged (owner, row->call_id, row->row_id);
    }
  return G_SOURCE_REMOVE;
}

/* Called on the log's thread: the owner hears of @rows on its own. */
static void
report_rows (AdiuvaCallLog *self,
             GArray        *rows)
{
  g_autoptr (GSource) source = NULL;
  Report *report;

  if (rows->len == 0)
    return;
  report = g_new0 (Report, 1);
  report->reporter = g_rc_box_acquire (self->reporter);
  report->rows = g_array_ref (rows);
  source = g_idle_source_new ();
  g_source_set_static_name (source, "[adiuva] call log report");
  g_source_set_callback (source, report_cb, report, (GDestroyNotify) report_free);
  g_source_attach (source, self->reporter->context);
}

/* @rows receives the calls' rows as they are written; emptied again when they are undone. */
static gboolean
write_calls (AdiuvaCallLog *self,
             GPtrArray     *calls,
             GArray        *rows,
             GError       **error)
{
  gboolean in_transaction;

  if (self->connection == NULL &&
      (self->connection = adiuva_store_open_connection (self->store, error)) == NULL)
    return FALSE;

  /* Without a transaction each call is still logged, in a commit of its own. */
  in_transaction = adiuva_store_begin (self->connection, NULL);
  for (guint i = 0; i < calls->len; i++)
    {
      const AdiuvaCallMetrics *m = g_ptr_array_index (calls, i);
      LoggedRow                row = { m->call_id, 0 };

      if (!adiuva_store_add_llm_call_full (self->connection, m->caller, m->provider, m->model,
                                           m->usage.input_tokens, m->usage.output_tokens,
                                           m->cost, us_to_ms (m->latency_us),
                                           us_to_ms (m->time_to_first_token_us), m->outcome,
                                           m->fallback_hops, &row.row_id, error))
        {
          if (in_transaction)
            {
              adiuva_store_rollback (self->connection);
              g_array_set_size (rows, 0);
            }
          return FALSE;
        }
      if (m->call_id != 0)
        g_array_append_val (rows, row);
    }
  if (in_transaction && !adiuva_store_commit (self->connection, error))
    {
      adiuva_store_rollback (self->connection);
      g_array_set_size (rows, 0);
      return FALSE;
    }

  return TRUE;
}

static gpointer
call_log_thread (gpointer data)
{
  AdiuvaCallLog *self = data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      g_autoptr (GPtrArray) batch = NULL;
      g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (LoggedRow));
      g_autoptr (GError) error = NULL;
      gint64 deadline;

      while (self->pending->len == 0 && !self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      if (self->pending->len == 0)
        break;

      /* What else ends meanwhile goes in the same commit. */
      deadline = g_get_monotonic_time () + CALL_LOG_DELAY_MS * G_TIME_SPAN_MILLISECOND;
      while (!self->hurry && !self->stopping &&
             g_cond_wait_until (&self->cond, &self->lock, deadline))
        ;

      batch = g_steal_pointer (&self->pending);
      self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_call_metrics_free);
      g_mutex_unlock (&self->lock);

      if (!write_calls (self, batch, rows, &error))
        g_warning (_ ("%u calls to language models could not be logged: %s"), batch->len,
                   error->message);
      report_rows (self, rows);

      g_mutex_lock (&self->lock);
      self->written += batch->len;
      if (self->written == self->queued)
        self->hurry = FALSE;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);

  return NULL;
}

/**
 * _adiuva_call_log_new:
 * @owner: what hears of the rows written, through @logged, as long as it lives
 * @logged: called on the thread-default main context of now, after the rows are committed
 */
AdiuvaCallLog *
_adiuva_call_log_new (AdiuvaStore         *store,
                      GObject             *owner,
                      AdiuvaCallLoggedFunc logged)
{
  AdiuvaCallLog *self = g_rc_box_new0 (AdiuvaCallLog);

  self->store = g_object_ref (store);
  self->reporter = g_rc_box_new0 (Reporter);
  g_weak_ref_init (&self->reporter->owner, owner);
  self->reporter->logged = logged;
  self->reporter->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_call_metrics_free);
  self->thread = g_thread_new ("adiuva-call-log", call_log_thread, self);

  return self;
}

AdiuvaCallLog *
_adiuva_call_log_ref (AdiuvaCallLog *self)
{
  return g_rc_box_acquire (self);
}

/* The thread writes what is left before it ends. */
static void
call_log_clear (gpointer data)
{
  AdiuvaCallLog *self = data;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  g_ptr_array_unref (self->pending);
  g_rc_box_release_full (self->reporter, reporter_clear);
  g_clear_object (&self->connection);
  g_clear_object (&self->store);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->lock);
}

void
_adiuva_call_log_unref (AdiuvaCallLog *self)
{
  g_rc_box_release_full (self, call_log_clear);
}

/* An AdiuvaUsageFunc: queues a copy of @metrics, never touching the disk. */
void
_adiuva_call_log_add_cb (const AdiuvaCallMetrics *metrics,
                         gpointer                 user_data)
{
  AdiuvaCallLog *self = user_data;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->pending, adiuva_call_metrics_copy (metrics));
  self->queued++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Waits until every call queued so far is written (or failed to be). */
void
_adiuva_call_log_flush (AdiuvaCallLog *self)
{
  guint64 target;

  g_mutex_lock (&self->lock);
  target = self->queued;
  if (self->written < target)
    {
      self->hurry = TRUE;
      g_cond_broadcast (&self->cond);
    }
  while (self->written < target)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}
