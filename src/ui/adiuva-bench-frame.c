/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

#include "adiuva-bench-frame.h"

/* -1: not asked for (or not a number) */
int
adiuva_bench_frame_get_fd (void)
{
  static int fd = -2;

  if (fd == -2)
    {
      const char *value = g_getenv ("ADIUVA_BENCH_FD");
      guint64     number;

      fd = -1;
      if (value != NULL && g_ascii_string_to_unsigned (value, 10, 3, G_MAXINT, &number, NULL))
        fd = (int) number;
    }

  return fd;
}

void
adiuva_bench_frame_report (const char *format,
                           ...)
{
  int              fd = adiuva_bench_frame_get_fd ();
  g_autofree char *line = NULL;
  va_list          args;
  gsize            done = 0, length;

  if (fd < 0)
    return;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  /* One write per line: the benchmark reads them as they come. */
  length = strlen (line);
  while (done < length)
    {
      gssize n = write (fd, line + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      done += n;
    }
}

static gboolean
benchmark_closed_cb (int          fd,
                     GIOCondition condition,
                     gpointer     user_data)
{
  char byte;

  /* The benchmark writes nothing; readable means its end was closed. */
  if (read (fd, &byte, 1) == 0 || (condition & (G_IO_HUP | G_IO_ERR)))
    {
      GApplication *app = g_application_get_default ();

      if (app != NULL)
        g_application_quit (app);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
first_after_paint_cb (GdkFrameClock *frame_clock,
                      GtkWidget     *window)
{
  /* CLOCK_MONOTONIC, as the benchmark's clock when it started the process. */
  adiuva_bench_frame_report ("first-frame %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (frame_clock, first_after_paint_cb, window);
}

static void
realize_cb (GtkWidget *window)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (first_after_paint_cb), window, 0);
}

/**
 * adiuva_bench_frame_watch:
 * @window: a window not realized yet
 *
 * Reports `first-frame TIME` (g_get_monotonic_time()) once @window's frame clock has painted
 * it for the first time, and quits when the benchmark is done with the process.
 */
void
adiuva_bench_frame_watch (GtkWidget *window)
{
  int fd = adiuva_bench_frame_get_fd ();

  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (!gtk_widget_get_realized (window));

  if (fd < 0)
    return;

  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, benchmark_closed_cb, NULL);
}
