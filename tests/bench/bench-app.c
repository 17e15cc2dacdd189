/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-seed.h"
#include "bench-workload.h"

/* The desktop app benchmark (issue 3). It fills a workspace with 100,000 tasks and 5,000 notes
 * through the store API (bench-seed.c, the data of bench-workload.c) and then, each in a fresh
 * process on the Xvfb display of build-aux/test-env --xvfb:
 *
 *   - starts `adiuva` and bench-minimal-window (an AdwApplicationWindow with a header bar and
 *     a label) in turn, and takes the time from exec to their first frame, which both report
 *     with the same code (src/ui/adiuva-bench-frame.c, ADIUVA_BENCH_FD) as the frame clock's
 *     first after-paint; for the app, also to the first frame showing the workspace;
 *   - runs the app once with ADIUVA_BENCH_SCRIPT=1 (src/ui/adiuva-bench-script.c), which
 *     scrolls the Tasks list and shows every page while reporting each frame's timings, and
 *     reads its peak RSS (VmHWM) at the end.
 *
 * Run it under build-aux/test-env --keyring --xvfb (see README.md); ADIUVA_BENCH_SHORT=1 scales
 * it down to prove that it works. */

#define READ_TIMEOUT_MS (300 * 1000)
#define EXIT_TIMEOUT_S 20

typedef struct
{
  guint n_tasks;
  guint n_notes;
  guint n_starts;
} AppScale;

typedef struct
{
  GSubprocess *process;
  int          fd; /* our end of the socket */
  GString     *pending;
  gint64       exec_time;
} Child;

static void
child_free (Child *self)
{
  if (self->fd >= 0)
    close (self->fd);
  g_clear_object (&self->process);
  g_string_free (self->pending, TRUE);
  g_free (self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

static Child *
child_spawn (const char *const *argv,
             gboolean           scripted,
             GError           **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *schema_dir = NULL;
  const char      *schemas = g_getenv ("GSETTINGS_SCHEMA_DIR");
  Child           *self;
  int              fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                   g_strerror (saved));
      return NULL;
    }

  schema_dir = schemas != NULL && *schemas != '\0'
                   ? g_strconcat (BENCH_GSCHEMA_DIR, ":", schemas, NULL)
                   : g_strdup (BENCH_GSCHEMA_DIR);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  /* Drawn by the CPU, as in the UI tests: Xvfb has no GPU, and both programs draw alike. */
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  g_subprocess_launcher_setenv (launcher, "ADIUVA_BENCH_FD", "3", TRUE);
  if (scripted)
    g_subprocess_launcher_setenv (launcher, "ADIUVA_BENCH_SCRIPT", "1", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "ADIUVA_BENCH_SCRIPT");
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);

  self = g_new0 (Child, 1);
  self->fd = fds[0];
  self->pending = g_string_new (NULL);
  /* CLOCK_MONOTONIC, the clock of the child's g_get_monotonic_time() */
  self->exec_time = g_get_monotonic_time ();
  self->process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (self->process == NULL)
    {
      child_free (self);
      return NULL;
    }

  return self;
}

/* The next line the child reports, without its newline */
static char *
child_read_line (Child   *self,
                 GError **error)
{
  gint64 deadline = g_get_monotonic_time () + READ_TIMEOUT_MS * (gint64) 1000;

  for (;;)
    {
      char         *newline = memchr (self->pending->str, '\n', self->pending->len);
      struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
      char          buffer[4096];
      gssize        n;
      int           timeout = (int) ((deadline - g_get_monotonic_time ()) / 1000);

      if (newline != NULL)
        {
          char *line = g_strndup (self->pending->str, newline - self->pending->str);

          g_string_erase (self->pending, 0, newline - self->pending->str + 1);
          return line;
        }

      if (timeout <= 0 || poll (&pfd, 1, timeout) == 0)
        {
          g_set_error (error, BENCH_ERROR, 0, "%s reported nothing for %d s",
                       g_subprocess_get_identifier (self->process), READ_TIMEOUT_MS / 1000);
          return NULL;
        }

      n = read (self->fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, BENCH_ERROR, 0,
                       "Process %s ended before it reported what was asked (see above)",
                       g_subprocess_get_identifier (self->process));
          return NULL;
        }
      g_string_append_len (self->pending, buffer, n);
    }
}

/* Reads lines until one starting with @event; returns the rest of that line. Other lines are
 * given to @other. */
static char *
child_wait_for (Child      *self,
                const char *event,
                void (*other) (const char *line, gpointer user_data),
                gpointer user_data,
                GError **error)
{
  gsize length = strlen (event);

  for (;;)
    {
      g_autofree char *line = child_read_line (self, error);

      if (line == NULL)
        return NULL;
      if (strncmp (line, event, length) == 0 && (line[length] == ' ' || line[length] == '\0'))
        return g_strdup (line + length + (line[length] == ' ' ? 1 : 0));
      if (other != NULL)
        other (line, user_data);
    }
}

/* The time from exec to @event, in ms */
static gboolean
child_event_ms (Child      *self,
                const char *event,
                double     *ms,
                GError    **error)
{
  g_autofree char *time = child_wait_for (self, event, NULL, NULL, error);

  if (time == NULL)
    return FALSE;

  *ms = (g_ascii_strtoll (time, NULL, 10) - self->exec_time) / 1000.0;
  return TRUE;
}

/* The peak resident set of the child so far, in MB */
static gboolean
child_peak_rss_mb (Child   *self,
                   double  *mb,
                   GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (self->process));
  g_autofree char *status = NULL;
  const char      *line;

  if (!g_file_get_contents (path, &status, NULL, error))
    return FALSE;

  line = strstr (status, "\nVmHWM:");
  if (line == NULL)
    {
      g_set_error (error, BENCH_ERROR, 0, "%s has no VmHWM line", path);
      return FALSE;
    }

  *mb = g_ascii_strtod (line + strlen ("\nVmHWM:"), NULL) / 1024.0;
  return TRUE;
}

static gboolean
exit_timeout_cb (gpointer user_data)
{
  g_subprocess_force_exit (user_data);
  return G_SOURCE_REMOVE;
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Closing our end of the socket asks the child to quit. */
static gboolean
child_finish (Child   *self,
              GError **error)
{
  gboolean done = FALSE;
  guint    timeout;

  close (self->fd);
  self->fd = -1;

  timeout = g_timeout_add_seconds (EXIT_TIMEOUT_S, exit_timeout_cb, self->process);
  g_subprocess_wait_async (self->process, NULL, waited_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  if (!g_subprocess_get_if_exited (self->process) ||
      g_subprocess_get_exit_status (self->process) != 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "Process %s did not quit cleanly when asked to",
                   g_subprocess_get_identifier (self->process));
      return FALSE;
    }

  return TRUE;
}

/* Start-up */

typedef struct
{
  GArray *first_frame_ms;
  GArray *workspace_frame_ms; /* the app only */
  GArray *rss_mb;
} Starts;

static void
starts_init (Starts *self)
{
  self->first_frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  self->workspace_frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  self->rss_mb = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
starts_clear (Starts *self)
{
  g_array_unref (self->first_frame_ms);
  g_array_unref (self->workspace_frame_ms);
  g_array_unref (self->rss_mb);
}

/* One start in a fresh process; @starts NULL for a warm-up run that counts for nothing. */
static gboolean
run_start (const char *const *argv,
           gboolean           is_app,
           Starts            *starts,
           GError           **error)
{
  g_autoptr (Child) child = child_spawn (argv, FALSE, error);
  double first, workspace = NAN, rss;

  if (child == NULL || !child_event_ms (child, "first-frame", &first, error) ||
      (is_app && !child_event_ms (child, "workspace-frame", &workspace, error)) ||
      !child_peak_rss_mb (child, &rss, error) || !child_finish (child, error))
    return FALSE;

  if (starts != NULL)
    {
      g_array_append_val (starts->first_frame_ms, first);
      g_array_append_val (starts->workspace_frame_ms, workspace);
      g_array_append_val (starts->rss_mb, rss);
    }

  return TRUE;
}

/* The script: frame timings per phase */

typedef struct
{
  GHashTable *intervals; /* phase → GArray of ms */
  GHashTable *work;      /* phase → GArray of ms */
  GPtrArray  *phases;    /* in the order they came */
  double      refresh_ms;
  double      peak_rss_mb;
} Script;

static void
add_sample (GHashTable *table,
            const char *phase,
            double      ms)
{
  GArray *samples = g_hash_table_lookup (table, phase);

  if (samples == NULL)
    {
      samples = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (table, g_strdup (phase), samples);
    }
  g_array_append_val (samples, ms);
}

static void
frame_line_cb (const char *line,
               gpointer    user_data)
{
  Script *self = user_data;
  g_auto (GStrv) fields = g_strsplit (line, " ", -1);

  if (g_strv_length (fields) != 5 || !g_str_equal (fields[0], "frame"))
    return;

  if (!g_hash_table_contains (self->intervals, fields[1]))
    {
      g_printerr ("  %s…\n", fields[1]);
      g_ptr_array_add (self->phases, g_strdup (fields[1]));
    }
  add_sample (self->intervals, fields[1], g_ascii_strtoll (fields[2], NULL, 10) / 1000.0);
  add_sample (self->work, fields[1], g_ascii_strtoll (fields[3], NULL, 10) / 1000.0);
  self->refresh_ms = g_ascii_strtoll (fields[4], NULL, 10) / 1000.0;
}

static gboolean
run_script (const char *const *argv,
            Script            *script,
            GError           **error)
{
  g_autoptr (Child) child = child_spawn (argv, TRUE, error);
  g_autofree char *done = NULL;

  if (child == NULL)
    return FALSE;

  done = child_wait_for (child, "done", frame_line_cb, script, error);
  return done != NULL && child_peak_rss_mb (child, &script->peak_rss_mb, error) &&
         child_finish (child, error);
}

/* Frames of the phase @name, or of every phase starting with @name when it ends in ':' */
static GArray *
collect (Script     *script,
         GHashTable *table,
         const char *name)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < script->phases->len; i++)
    {
      const char *phase = g_ptr_array_index (script->phases, i);
      GArray     *samples = g_hash_table_lookup (table, phase);

      gboolean match = g_str_has_suffix (name, ":") ? g_str_has_prefix (phase, name)
                                                    : g_str_equal (phase, name);

      if (match && samples != NULL)
        g_array_append_vals (all, samples->data, samples->len);
    }

  return all;
}

/* Frames that took the place of more than one refresh: dropped ones */
static guint
count_dropped (GArray *intervals,
               double  refresh_ms)
{
  guint n = 0;

  for (guint i = 0; i < intervals->len; i++)
    n += g_array_index (intervals, double, i) > 1.5 * refresh_ms;

  return n;
}

/* The report */

static gboolean any_miss;

static char *
format_value (double      value,
              const char *unit)
{
  if (isnan (value))
    return g_strdup ("-");
  if (*unit == '\0')
    return g_strdup_printf ("%.0f", value);
  if (value >= 100)
    return g_strdup_printf ("%.0f %s", value, unit);
  if (value >= 10)
    return g_strdup_printf ("%.1f %s", value, unit);
  return g_strdup_printf ("%.2f %s", value, unit);
}

/* One line: @value against the minimal window's @peer, judged against @max (value must stay
 * below it) and @max_ratio, either 0 for none; @max_value 0 with @zero_target means "must be 0". */
static void
print_row (const char *label,
           double      value,
           double      peer,
           const char *unit,
           double      max,
           double      max_ratio,
           gboolean    zero_target)
{
  g_autofree char *v = format_value (value, unit);
  g_autofree char *p = format_value (peer, unit);
  g_autofree char *ratio = NULL;
  g_autofree char *target = NULL;
  const char      *result = "";
  double           r = value / peer;
  gboolean         miss_value = (max > 0 && !(value < max)) || (zero_target && value != 0);
  gboolean         miss_ratio = max_ratio > 0 && !(r < max_ratio);

  ratio = isnan (r) || isinf (r) ? g_strdup ("-") : g_strdup_printf ("%.2fx", r);

  if (zero_target)
    target = g_strdup ("0");
  else if (max > 0)
    target = g_strdup_printf ("< %g %s", max, unit);
  else if (max_ratio > 0)
    target = g_strdup_printf ("< %gx", max_ratio);
  else
    target = g_strdup ("-");

  if (zero_target || max > 0 || max_ratio > 0)
    {
      result = miss_value || miss_ratio ? "MISS" : "PASS";
      any_miss |= miss_value || miss_ratio;
    }

  g_print ("%-46s %10s %10s %7s  %-10s %s\n", label, v, p, ratio, target, result);
}

static void
print_frames (Script     *script,
              const char *prefix,
              const char *title,
              gboolean    judged)
{
  g_autoptr (GArray) intervals = collect (script, script->intervals, prefix);
  g_autoptr (GArray) work = collect (script, script->work, prefix);
  g_autofree char *label = NULL;
  guint            dropped = count_dropped (intervals, script->refresh_ms);

  label = g_strdup_printf ("%s: interval p50", title);
  print_row (label, bench_percentile (intervals, 50), NAN, "ms", 0, 0, FALSE);
  g_free (label);
  label = g_strdup_printf ("%s: interval p95", title);
  print_row (label, bench_percentile (intervals, 95), NAN, "ms", 0, 0, FALSE);
  g_free (label);
  label = g_strdup_printf ("%s: interval max", title);
  print_row (label, bench_percentile (intervals, 100), NAN, "ms", 0, 0, FALSE);
  g_free (label);
  label = g_strdup_printf ("%s: work p95", title);
  print_row (label, bench_percentile (work, 95), NAN, "ms", 0, 0, FALSE);
  g_free (label);
  label = g_strdup_printf ("%s: dropped (of %u)", title, intervals->len);
  print_row (label, dropped, NAN, "", 0, 0, judged);
}

static void
print_report (const AppScale *scale,
              gboolean        short_mode,
              double          seed_s,
              double          load_start,
              double          load_end,
              Starts         *app,
              Starts         *minimal,
              Script         *script)
{
  double minimal_first = bench_percentile (minimal->first_frame_ms, 50);

  g_print ("\nAdiuva desktop app benchmark (%s: %u tasks, %u notes)\n",
           short_mode ? "SHORT mode, figures are not meaningful" : "full", scale->n_tasks,
           scale->n_notes);
  g_print ("  workspace: seeded through the store API in %.1f s (keyring mode); the app opens "
           "it with --data-dir\n",
           seed_s);
  g_print ("  peer:      bench-minimal-window, an AdwApplicationWindow with a header bar and a "
           "label, same size,\n             same first-frame code (src/ui/adiuva-bench-frame.c)\n");
  g_print ("  display:   %s (GDK_BACKEND=x11), GSK_RENDERER=cairo; start-ups: %u of each, in "
           "turn, fresh processes,\n             after one untimed start of each (warm page "
           "cache); time = exec to the frame clock's after-paint\n",
           g_getenv ("DISPLAY"), scale->n_starts);
  g_print ("  machine:   %d CPUs, load average %.1f at the start and %.1f at the end: times are "
           "wall-clock,\n             shared with whatever else runs\n",
           g_get_num_processors (), load_start, load_end);
  g_print ("  frames:    one scripted run (ADIUVA_BENCH_SCRIPT=1), refresh interval %.2f ms; "
           "interval = frame time to the\n             next frame's (GdkFrameTimings), work = "
           "before-paint to after-paint, dropped = interval\n             over 1.5 refresh "
           "intervals. It opens the Tasks page and waits 30 frames while the app\n"
           "             builds its other pages in the background (after start-up: not judged), "
           "then\n             scrolls the Tasks list a quarter screen a frame, then to its "
           "end at an even pace\n             (a dragged scrollbar), then shows every page of "
           "the sidebar in turn as Ctrl+1…6 do,\n             the keyboard following into "
           "each\n\n",
           script->refresh_ms);

  g_print ("%-46s %10s %10s %7s  %-10s %s\n", "figure", "adiuva", "minimal", "ratio", "target",
           "result");
  g_print ("%s\n", "-----------------------------------------------------------------------"
                   "-----------------------------");

  print_row ("exec → first workspace frame, median", bench_percentile (app->workspace_frame_ms, 50), minimal_first, "ms", 0, 1.5,
             FALSE);
  print_row ("  slowest of the runs", bench_percentile (app->workspace_frame_ms, 100),
             bench_percentile (minimal->first_frame_ms, 100), "ms", 0, 0, FALSE);
  print_row ("exec → first frame of any kind, median",
             bench_percentile (app->first_frame_ms, 50), minimal_first, "ms", 0, 0, FALSE);
  print_row ("peak RSS at the first workspace frame", bench_percentile (app->rss_mb, 50),
             bench_percentile (minimal->rss_mb, 50), "MB", 0, 0, FALSE);
  print_row ("peak RSS after scrolling and switching", script->peak_rss_mb,
             bench_percentile (minimal->rss_mb, 50), "MB", 150, 0, FALSE);

  print_frames (script, "start", "after start-up", FALSE);
  print_frames (script, "scroll", "scroll, 1/4 screen a frame", TRUE);
  print_frames (script, "scroll-to-end", "scroll to the end", TRUE);
  print_frames (script, "page:", "show every page", TRUE);

  g_print ("\nPer page (first showing): frame interval max / frame work max\n");
  for (guint i = 0; i < script->phases->len; i++)
    {
      const char *phase = g_ptr_array_index (script->phases, i);
      GArray     *intervals = g_hash_table_lookup (script->intervals, phase);
      GArray     *work = g_hash_table_lookup (script->work, phase);

      if (g_str_has_prefix (phase, "page:"))
        g_print ("  %-12s %8.1f ms %8.1f ms\n", phase + strlen ("page:"),
                 bench_percentile (intervals, 100), bench_percentile (work, 100));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BenchData) data = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autofree char   *tmp = NULL;
  g_autofree char   *workspace = NULL;
  gboolean           short_mode = bench_is_short_mode ();
  gboolean           strict = FALSE;
  gboolean           ok;
  BenchScale         data_scale;
  AppScale           scale;
  Starts             app, minimal;
  Script             script = { 0 };
  double             seed_start, seed_s, ms, load_start = NAN;
  const GOptionEntry entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Exit with status 3 when a target is missed",
      NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- benchmark the Adiuva app against a minimal libadwaita "
                                  "window");
  g_option_context_set_description (
      context, "Run it with a keyring and a display, e.g.\n"
               "  build-aux/test-env --keyring --xvfb _build/tests/bench/bench-app\n"
               "ADIUVA_BENCH_SHORT=1 scales it down to a quick check.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("bench-app: no display. Run it with one: build-aux/test-env --keyring --xvfb "
                  "%s\n",
                  argv[0]);
      return 1;
    }

  if (!adiuva_store_check_cipher (&error))
    {
      g_printerr ("bench-app: %s\n", error->message);
      return 1;
    }

  scale = short_mode ? (AppScale){ 5000, 500, 2 } : (AppScale){ 100000, 5000, 10 };
  bench_scale_init (&data_scale, short_mode);
  data_scale.n_tasks = scale.n_tasks;
  data_scale.n_notes = scale.n_notes;

  tmp = g_dir_make_tmp ("adiuva-bench-app-XXXXXX", &error);
  if (tmp == NULL)
    {
      g_printerr ("bench-app: %s\n", error->message);
      return 1;
    }
  workspace = g_build_filename (tmp, "workspace", NULL);

  getloadavg (&load_start, 1);
  g_printerr ("Generating the data…\n");
  data = bench_data_new (&data_scale);

  g_printerr ("Seeding the workspace…\n");
  seed_start = bench_now_ms ();
  store = adiuva_store_create (workspace, NULL, NULL, &error);
  ok = store != NULL && bench_seed_projects (store, data, &error) &&
       bench_seed_tasks (store, data, &ms, &error) && bench_seed_notes (store, data, &ms, &error);
  g_clear_object (&store);
  seed_s = (bench_now_ms () - seed_start) / 1000.0;

  starts_init (&app);
  starts_init (&minimal);
  script.intervals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_array_unref);
  script.work = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_array_unref);
  script.phases = g_ptr_array_new_with_free_func (g_free);

  if (ok)
    {
      const char *const app_argv[] = { BENCH_APP, "--data-dir", workspace, NULL };
      const char *const minimal_argv[] = { BENCH_MINIMAL_WINDOW, NULL };

      g_printerr ("Starting each once to warm the caches…\n");
      ok = run_start (minimal_argv, FALSE, NULL, &error) &&
           run_start (app_argv, TRUE, NULL, &error);

      for (guint i = 0; ok && i < scale.n_starts; i++)
        {
          g_printerr ("Start-up %u of %u…\n", i + 1, scale.n_starts);
          ok = run_start (minimal_argv, FALSE, &minimal, &error) &&
               run_start (app_argv, TRUE, &app, &error);
        }

      if (ok)
        {
          g_printerr ("Scrolling and switching pages…\n");
          ok = run_script (app_argv, &script, &error);
        }
    }

  bench_seed_forget_workspace (workspace);
  bench_remove_tree (tmp);

  if (ok)
    {
      double load_end = NAN;

      getloadavg (&load_end, 1);
      print_report (&scale, short_mode, seed_s, load_start, load_end, &app, &minimal, &script);
    }

  starts_clear (&app);
  starts_clear (&minimal);
  g_hash_table_unref (script.intervals);
  g_hash_table_unref (script.work);
  g_ptr_array_unref (script.phases);

  if (!ok)
    {
      g_printerr ("bench-app: %s\n", error->message);
      if (g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING))
        g_printerr ("Run it with a keyring: build-aux/test-env --keyring --xvfb %s\n", argv[0]);
      return 1;
    }

  if (any_miss && !short_mode)
    g_print ("\nSome targets were missed.\n");

  return strict && any_miss && !short_mode ? 3 : 0;
}
