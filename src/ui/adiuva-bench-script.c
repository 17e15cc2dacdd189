/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include "adiuva-bench-frame.h"
#include "adiuva-bench-script.h"
#include "adiuva-pages.h"
#include "adiuva-tasks-page-private.h"
#include "adiuva-window-private.h"

/* What tests/bench/bench-app.c asks of the app, through the environment; without
 * ADIUVA_BENCH_FD nothing here runs. With it, the window reports on that socket (see
 * adiuva-bench-frame.c):
 *
 *   first-frame TIME       its first frame, whatever it shows (the loading spinner, if the
 *                          workspace takes longer to open than the window to draw)
 *   workspace-frame TIME   the first frame showing the open workspace
 *
 * and with ADIUVA_BENCH_SCRIPT=1 as well it then drives itself, one step per frame: it opens
 * the Tasks page and waits 30 frames (phase `start`, while the window builds its other pages
 * in the background), scrolls the list a quarter of a screen per frame for 300 frames (phase
 * `scroll`), then to its end in 120 frames, as a dragged scrollbar does (`scroll-to-end`), then
 * shows every page of the sidebar in turn through `win.show-page` (`page:ID`). Each frame
 * of a phase is reported as
 *
 *   frame PHASE INTERVAL WORK REFRESH
 *
 * in microseconds: INTERVAL from this frame's frame time to the next one's (GdkFrameTimings:
 * what this frame's work delayed), WORK from its before-paint to its after-paint, REFRESH the
 * frame clock's refresh interval. Then `done`: the benchmark reads the peak RSS and closes
 * the socket, which quits. ADIUVA_BENCH_SHORT=1 makes both scrolls 60 frames. */

#define SETTLE_FRAMES 30
#define PAGE_FRAMES 30

typedef enum
{
  STEP_OPEN_TASKS,
  STEP_SCROLL,
  STEP_SCROLL_TO_END,
  STEP_PAGES,
  STEP_DONE,
} Step;

typedef struct
{
  AdiuvaWindow  *window; /* owns this */
  gboolean       scripted;
  gboolean       workspace_shown;
  guint          tick_id;
  Step           step;
  guint          frames_left;
  guint          page_index;
  guint          scroll_frames;
  guint          drag_frames;
  GtkAdjustment *adjustment;

  /* The frame being drawn, and the one before, reported once the next one has a time */
  char  *phase;
  gint64 before_paint;
  char  *last_phase;
  gint64 last_frame_time;
  gint64 last_work;
} BenchScript;

static void
bench_script_free (BenchScript *self)
{
  g_clear_object (&self->adjustment);
  g_free (self->phase);
  g_free (self->last_phase);
  g_free (self);
}

static gboolean
is_set (const char *variable)
{
  const char *value = g_getenv (variable);

  return value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0;
}

static void
show_page (BenchScript *self,
           const char  *page_id)
{
  gtk_widget_activate_action (GTK_WIDGET (self->window), "win.show-page", "s", page_id);
}

static void
set_phase (BenchScript *self,
           const char  *phase)
{
  g_free (self->phase);
  self->phase = g_strdup (phase);
}

/* One step per frame, in the update phase: what it changes is laid out and drawn in the same
 * frame. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  BenchScript          *self = user_data;
  const AdiuvaPageInfo *pages;
  guint                 n_pages;
  double                value, end;

  /* Waiting for the page shown to settle */
  if (self->frames_left > 0 && (self->step == STEP_OPEN_TASKS || self->step == STEP_PAGES))
    {
      self->frames_left--;
      return G_SOURCE_CONTINUE;
    }

  switch (self->step)
    {
    case STEP_OPEN_TASKS:
      if (self->adjustment == NULL)
        {
          GtkWidget *page;

          /* Reported, not judged: the other pages are built meanwhile (adiuva-window.c) */
          set_phase (self, "start");
          show_page (self, "tasks");
          page = _adiuva_window_get_page (self->window, "tasks");
          self->adjustment = g_object_ref (gtk_scrollable_get_vadjustment (
              GTK_SCROLLABLE (_adiuva_tasks_page_get_list_view (ADIUVA_TASKS_PAGE (page)))));
          self->frames_left = SETTLE_FRAMES;
          break;
        }
      self->step = STEP_SCROLL;
      self->frames_left = self->scroll_frames;
      set_phase (self, "scroll");
      G_GNUC_FALLTHROUGH;

    case STEP_SCROLL:
    case STEP_SCROLL_TO_END:
      end = gtk_adjustment_get_upper (self->adjustment) -
            gtk_adjustment_get_page_size (self->adjustment);
      value = gtk_adjustment_get_value (self->adjustment);
      if (self->frames_left > 0)
        {
          /* The list measures rows as it meets them, so its end moves: aim anew each frame. */
          if (self->step == STEP_SCROLL)
            value += gtk_adjustment_get_page_size (self->adjustment) / 4;
          else
            value += (end - value) / self->frames_left;
          gtk_adjustment_set_value (self->adjustment, MIN (value, end));
          self->frames_left--;
          break;
        }
      if (self->step == STEP_SCROLL)
        {
          self->step = STEP_SCROLL_TO_END;
          self->frames_left = self->drag_frames;
          set_phase (self, "scroll-to-end");
          break;
        }
      self->step = STEP_PAGES;
      self->page_index = 0;
      G_GNUC_FALLTHROUGH;

    case STEP_PAGES:
      pages = adiuva_pages_get_all (&n_pages);
      if (self->page_index < n_pages)
        {
          g_autofree char *phase = g_strdup_printf ("page:%s", pages[self->page_index].id);

          set_phase (self, phase);
          show_page (self, pages[self->page_index].id);
          self->page_index++;
          self->frames_left = PAGE_FRAMES;
          break;
        }
      self->step = STEP_DONE;
      G_GNUC_FALLTHROUGH;

    case STEP_DONE:
    default:
      set_phase (self, NULL);
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *frame_clock,
                 BenchScript   *self)
{
  self->before_paint = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                BenchScript   *self)
{
  GdkFrameTimings *timings = gdk_frame_clock_get_current_timings (frame_clock);
  gint64           frame_time = gdk_frame_timings_get_frame_time (timings);
  gint64           refresh = 0, presentation = 0;

  if (!self->workspace_shown &&
      g_strcmp0 (_adiuva_window_get_state (self->window), "workspace") == 0)
    {
      self->workspace_shown = TRUE;
      adiuva_bench_frame_report ("workspace-frame %" G_GINT64_FORMAT "\n",
                                 g_get_monotonic_time ());
      if (self->scripted)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->window), tick_cb, self,
                                                      NULL);
    }

  if (self->last_phase != NULL)
    {
      gdk_frame_clock_get_refresh_info (frame_clock, frame_time, &refresh, &presentation);
      adiuva_bench_frame_report ("frame %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                                 " %" G_GINT64_FORMAT "\n",
                                 self->last_phase, frame_time - self->last_frame_time,
                                 self->last_work, refresh);
    }

  g_free (self->last_phase);
  self->last_phase = g_strdup (self->phase);
  self->last_frame_time = frame_time;
  self->last_work = g_get_monotonic_time () - self->before_paint;

  if (self->scripted && self->workspace_shown && self->step == STEP_DONE &&
      self->last_phase == NULL)
    {
      adiuva_bench_frame_report ("done\n");
      g_signal_handlers_disconnect_by_data (frame_clock, self);
    }
}

static void
realize_cb (GtkWidget   *window,
            BenchScript *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (before_paint_cb), self);
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

static void
unrealize_cb (GtkWidget   *window,
              BenchScript *self)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (window), self);
}

/**
 * adiuva_bench_script_attach:
 * @window: the main window, not realized yet
 *
 * The benchmark's hook (see above); does nothing unless ADIUVA_BENCH_FD is set.
 */
void
adiuva_bench_script_attach (AdiuvaWindow *window)
{
  BenchScript *self;

  g_return_if_fail (ADIUVA_IS_WINDOW (window));

  if (adiuva_bench_frame_get_fd () < 0)
    return;

  adiuva_bench_frame_watch (GTK_WIDGET (window));

  self = g_new0 (BenchScript, 1);
  self->window = window;
  self->scripted = is_set ("ADIUVA_BENCH_SCRIPT");
  self->scroll_frames = is_set ("ADIUVA_BENCH_SHORT") ? 60 : 300;
  self->drag_frames = is_set ("ADIUVA_BENCH_SHORT") ? 60 : 120;
  g_object_set_data_full (G_OBJECT (window), "adiuva-bench-script", self,
                          (GDestroyNotify) bench_script_free);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), self);
  g_signal_connect (window, "unrealize", G_CALLBACK (unrealize_cb), self);
}
