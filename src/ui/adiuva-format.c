/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-format"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-date.h"
#include "adiuva-format.h"
#include "adiuva-quick-add.h"

/* Whole calendar days from @now to @date, both taken in @now's time zone. */
static int
days_between (GDateTime *now,
              GDateTime *date)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (date, g_date_time_get_timezone (now));
  GDate a, b;

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  g_date_set_dmy (&b, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));

  return g_date_days_between (&a, &b);
}

/**
 * adiuva_format_due:
 * @due: when something is due
 * @has_time: whether the time of day of @due counts
 * @now: what today is
 *
 * Says when something is due the way people say it: “Today”, “Tomorrow, 17:00”, “Friday”,
 * “24 Nov”, “3 Mar 2027”.
 *
 * Returns: (transfer full): the text
 */
char *
adiuva_format_due (GDateTime *due,
                   gboolean   has_time,
                   GDateTime *now)
{
  g_autofree char *day = NULL;
  int              days;

  g_return_val_if_fail (due != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  days = days_between (now, due);
  if (days == 0)
    day = g_strdup (_ ("Today"));
  else if (days == 1)
    day = g_strdup (_ ("Tomorrow"));
  else if (days == -1)
    day = g_strdup (_ ("Yesterday"));
  else if (days > 1 && days < 7)
    /* Translators: a weekday, see the strftime manual */
    day = g_date_time_format (due, _ ("%A"));
  else if (g_date_time_get_year (due) == g_date_time_get_year (now))
    /* Translators: a day this year, e.g. “24 Nov”; see the strftime manual */
    day = g_date_time_format (due, _ ("%-d %b"));
  else
    /* Translators: a day of another year, e.g. “3 Mar 2027”; see the strftime manual */
    day = g_date_time_format (due, _ ("%-d %b %Y"));

  if (has_time)
    {
      /* Translators: a time of day; see the strftime manual */
      g_autofree char *time = g_date_time_format (due, _ ("%H:%M"));

      /* Translators: a day and a time of day, e.g. “Tomorrow, 17:00” */
      return g_strdup_printf (_ ("%s, %s"), day, time);
    }

  return g_steal_pointer (&day);
}

/* A task's stored due date (`2026-12-01` or `2026-12-01T17:00:00`) as adiuva_format_due() says
 * it; %NULL when there is none or it cannot be read. */
char *
adiuva_format_floating_due (const char *due,
                            GDateTime  *now)
{
  g_autoptr (GDateTime) date = NULL;
  gboolean has_time = FALSE;

  if (due == NULL || *due == '\0')
    return NULL;

  date = adiuva_date_parse_floating (due, g_date_time_get_timezone (now), &has_time);
  if (date == NULL)
    return NULL;

  return adiuva_format_due (date, has_time, now);
}

/* Overdue means the day is past, or the time is past on a task due today at a given time. */
gboolean
adiuva_floating_due_is_overdue (const char *due,
                                GDateTime  *now)
{
  g_autoptr (GDateTime) date = NULL;
  gboolean has_time = FALSE;

  if (due == NULL || *due == '\0')
    return FALSE;

  date = adiuva_date_parse_floating (due, g_date_time_get_timezone (now), &has_time);
  if (date == NULL)
    return FALSE;

  if (has_time)
    return g_date_time_compare (date, now) < 0;

  return days_between (now, date) < 0;
}

/* The `YYYY-MM-DD` of the day @days_from_now days after @now, as task filters take it. */
char *
adiuva_format_day (GDateTime *now,
                   int        days_from_now)
{
  g_autoptr (GDateTime) day = g_date_time_add_days (now, days_from_now);

  return g_date_time_format (day, "%Y-%m-%d");
}

/* A project's status as the user reads it: “Active”, “Paused”, “Completed”. */
const char *
adiuva_format_project_status (AdiuvaProjectStatus status)
{
  switch (status)
    {
    case ADIUVA_PROJECT_STATUS_PAUSED:
      return _ ("Paused");
    case ADIUVA_PROJECT_STATUS_COMPLETED:
      return _ ("Completed");
    case ADIUVA_PROJECT_STATUS_ACTIVE:
    default:
      return _ ("Active");
    }
}

/**
 * adiuva_format_cost:
 * @usd: a price in US dollars
 *
 * A price as the assistant's footers show it: “$0.42”, and the first significant digits of a
 * fraction of a cent (“$0.00031”) so a cheap answer does not read as free.
 *
 * Returns: (transfer full): the text
 */
char *
adiuva_format_cost (double usd)
{
  if (usd <= 0)
    return g_strdup ("$0");
  if (usd >= 0.01)
    return g_strdup_printf ("$%.2f", usd);

  return g_strdup_printf ("$%.2g", usd);
}

/**
 * adiuva_format_duration_us:
 * @us: a duration in microseconds
 *
 * A short duration: “850 ms”, “1.2 s”, “34 s”.
 *
 * Returns: (transfer full): the text
 */
char *
adiuva_format_duration_us (gint64 us)
{
  /* TRANSLATORS: milliseconds */
  if (us < 1000000)
    return g_strdup_printf (_ ("%d ms"), (int) (us / 1000));
  /* TRANSLATORS: seconds */
  if (us < 10000000)
    return g_strdup_printf (_ ("%.1f s"), us / 1e6);

  return g_strdup_printf (_ ("%d s"), (int) (us / 1000000));
}

/**
 * adiuva_parse_date_words:
 * @text: a date in the words quick add understands (“friday”, “in 3 days”, “2026-12-01”)
 * @now: what the words are relative to
 * @with_time: whether a time of day typed with it is kept
 *
 * A date must be all there is: “Review friday” is not one.
 *
 * Returns: (nullable): the floating date to store, or %NULL when @text is not a date
 */
char *
adiuva_parse_date_words (const char *text,
                         GDateTime  *now,
                         gboolean    with_time)
{
  g_autoptr (AdiuvaQuickAdd) parsed = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*stripped == '\0')
    return NULL;

  parsed = adiuva_quick_add_parse (stripped, now);
  if (parsed->due == NULL || *parsed->title != '\0')
    return NULL;

  return adiuva_date_format_floating (parsed->due, with_time && parsed->due_has_time);
}

/* What to say when adiuva_parse_date_words() found no date. */
const char *
adiuva_date_words_hint (void)
{
  return _ ("That is not a date Adiuva understands. Try “friday”, “tomorrow 5pm”, “in 3 days” "
            "or “2026-12-01”.");
}
