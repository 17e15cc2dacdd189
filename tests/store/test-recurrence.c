/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-recurrence"

#include "config.h"

#include <string.h>

#include "adiuva-recurrence.h"

#ifdef ADIUVA_STANDALONE_TEST
/* Only for building this file without the rest of the store, which defines the quark. */
G_DEFINE_QUARK (adiuva - store - error - quark, adiuva_store_error)
#endif

/* Validation ----------------------------------------------------------------------------- */

static const char *const valid_rules[] = {
  "FREQ=DAILY",
  "FREQ=DAILY;INTERVAL=3",
  "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
  "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
  "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
  "FREQ=MONTHLY;BYMONTHDAY=15",
  "FREQ=MONTHLY;BYMONTHDAY=1,-1",
  "FREQ=MONTHLY;BYDAY=-1FR",
  "FREQ=MONTHLY;BYDAY=+2TU",
  "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
  "FREQ=YEARLY;COUNT=3",
  "FREQ=DAILY;UNTIL=20270131",
  "COUNT=2;FREQ=WEEKLY",
  "freq=daily;interval=2",
  "FREQ=DAILY;",
};

typedef struct
{
  const char *rule;
  const char *message_part; /* the error message must name this */
} InvalidCase;

static const InvalidCase invalid_rules[] = {
  { "", "empty" },
  { "garbage", "garbage" },
  { "INTERVAL=2", "FREQ" },
  { "FREQ=HOURLY", "HOURLY" },
  { "FREQ=SECONDLY", "SECONDLY" },
  { "FREQ=DAILY;FREQ=WEEKLY", "twice" },
  { "FREQ=DAILY;BYHOUR=9", "BYHOUR" },
  { "FREQ=DAILY;WKST=MO", "WKST" },
  { "FREQ=YEARLY;BYMONTH=2", "BYMONTH" },
  { "FREQ=MONTHLY;BYSETPOS=-1", "BYSETPOS" },
  { "FREQ=DAILY;;COUNT=2", "NAME=VALUE" },
  { "FREQ=DAILY;COUNT", "COUNT" },
  { "FREQ=DAILY;COUNT=0", "“0”" },
  { "FREQ=DAILY;COUNT=-1", "“-1”" },
  { "FREQ=DAILY;COUNT=x", "“x”" },
  { "FREQ=DAILY;INTERVAL=0", "“0”" },
  { "FREQ=DAILY;INTERVAL=40000", "40000" },
  { "FREQ=WEEKLY;BYDAY=XX", "XX" },
  { "FREQ=WEEKLY;BYDAY=MO,MO", "twice" },
  { "FREQ=WEEKLY;BYDAY=1MO", "monthly" },
  { "FREQ=MONTHLY;BYDAY=6MO", "6MO" },
  { "FREQ=MONTHLY;BYDAY=0MO", "0MO" },
  { "FREQ=MONTHLY;BYMONTHDAY=32", "32" },
  { "FREQ=MONTHLY;BYMONTHDAY=0", "“0”" },
  { "FREQ=WEEKLY;BYMONTHDAY=1", "month" },
  { "FREQ=YEARLY;BYMONTHDAY=1", "month" },
  { "FREQ=YEARLY;BYDAY=MO", "yearly" },
  { "FREQ=DAILY;UNTIL=20270131T000000Z", "20270131T000000Z" },
  { "FREQ=DAILY;UNTIL=20270231", "20270231" },
  { "FREQ=DAILY;COUNT=2;UNTIL=20270101", "both" },
  { "RRULE:FREQ=DAILY", "RRULE:FREQ" },
  { "FREQ=DAILY;COUNT=\xff", "valid text" },
};

static void
test_validate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_rules); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("valid: %s", valid_rules[i]);
      g_assert_true (adiuva_recurrence_validate (valid_rules[i], &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid_rules); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *escaped = g_strescape (invalid_rules[i].rule, NULL);

      g_test_message ("invalid: %s", escaped);
      g_assert_false (adiuva_recurrence_validate (invalid_rules[i].rule, &error));
      g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, invalid_rules[i].message_part));
      g_assert_false (adiuva_recurrence_validate (invalid_rules[i].rule, NULL));
    }
}

/* Reading text --------------------------------------------------------------------------- */

typedef struct
{
  const char *text;
  const char *rule; /* NULL when the text must be refused */
  const char *message_part;
} FromTextCase;

static const FromTextCase from_text_cases[] = {
  { "daily", "FREQ=DAILY", NULL },
  { "every day", "FREQ=DAILY", NULL },
  { "Every 3 days", "FREQ=DAILY;INTERVAL=3", NULL },
  { "every other day", "FREQ=DAILY;INTERVAL=2", NULL },
  { "weekly", "FREQ=WEEKLY", NULL },
  { "every week", "FREQ=WEEKLY", NULL },
  { "every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", NULL },
  { "every weekend", "FREQ=WEEKLY;BYDAY=SA,SU", NULL },
  { "every monday", "FREQ=WEEKLY;BYDAY=MO", NULL },
  { "every mon, wed", "FREQ=WEEKLY;BYDAY=MO,WE", NULL },
  { "every Monday and Friday", "FREQ=WEEKLY;BYDAY=MO,FR", NULL },
  { "every tuesdays", "FREQ=WEEKLY;BYDAY=TU", NULL },
  { "every 2 weeks on tue", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", NULL },
  { "every 2 weeks on mon, wed until 2027-01-31",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131", NULL },
  { "every two weeks on mon and wed until 2027-01-31",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131", NULL },
  { "monthly", "FREQ=MONTHLY", NULL },
  { "every month on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15", NULL },
  { "monthly on the 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15", NULL },
  { "monthly on the 1st and the 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15", NULL },
  { "every month on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1", NULL },
  { "every month on the first monday", "FREQ=MONTHLY;BYDAY=1MO", NULL },
  { "every month on the last friday", "FREQ=MONTHLY;BYDAY=-1FR", NULL },
  { "every 3 months on day 10", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=10", NULL },
  { "yearly", "FREQ=YEARLY", NULL },
  { "every year", "FREQ=YEARLY", NULL },
  { "annually", "FREQ=YEARLY", NULL },
  { "every 2 years", "FREQ=YEARLY;INTERVAL=2", NULL },
  { "daily for 5 times", "FREQ=DAILY;COUNT=5", NULL },
  { "every 3 days 5 times", "FREQ=DAILY;INTERVAL=3;COUNT=5", NULL },
  { "weekly once", "FREQ=WEEKLY;COUNT=1", NULL },
  { "daily twice", "FREQ=DAILY;COUNT=2", NULL },
  { "repeat daily until 2026-12-31", "FREQ=DAILY;UNTIL=20261231", NULL },
  { "  Every   Week  ", "FREQ=WEEKLY", NULL },
  { "FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO", NULL },
  { "rrule:freq=weekly;byday=mo;interval=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", NULL },

  { "", NULL, "empty" },
  { "   ", NULL, "empty" },
  { "fortnightly", NULL, "“fortnightly”" },
  { "every", NULL, "“every”" },
  { "every fortnight", NULL, "“fortnight”" },
  { "every 2 weeks on someday", NULL, "“on someday”" },
  { "daily until tomorrow", NULL, "“until tomorrow”" },
  { "daily on monday", NULL, "“on monday”" },
  { "every month on the 40th", NULL, "“on the 40th”" },
  { "every month on the 15th monday", NULL, "“on the 15th monday”" },
  { "daily 3 apples", NULL, "“3 apples”" },
  { "daily until 2027-01-31 for 3 times", NULL, "both" },
  { "FREQ=HOURLY", NULL, "HOURLY" },
  { "every \xff day", NULL, "valid text" },
};

static void
test_from_text (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (from_text_cases); i++)
    {
      const FromTextCase *c = &from_text_cases[i];
      g_autoptr (GError) error = NULL;
      g_autofree char *rule = NULL;
      g_autofree char *escaped = g_strescape (c->text, NULL);

      g_test_message ("from text: %s", escaped);
      rule = adiuva_recurrence_from_text (c->text, &error);

      if (c->rule != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (rule, ==, c->rule);
          g_assert_true (adiuva_recurrence_validate (rule, NULL));
        }
      else
        {
          g_assert_null (rule);
          g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, c->message_part));
        }
    }
}

/* Describing ----------------------------------------------------------------------------- */

static const struct
{
  const char *rule;
  const char *text;
} describe_cases[] = {
  { "FREQ=DAILY", "Daily" },
  { "FREQ=DAILY;INTERVAL=3;COUNT=5", "Every 3 days, 5 times" },
  { "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131",
    "Every 2 weeks on Monday and Wednesday, until 31 January 2027" },
  { "FREQ=WEEKLY", "Weekly" },
  { "FREQ=WEEKLY;BYDAY=TH", "Every Thursday" },
  { "FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every Monday, Wednesday and Friday" },
  { "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday" },
  { "FREQ=DAILY;BYDAY=FR,TH,WE,TU,MO", "Every weekday" },
  { "FREQ=WEEKLY;INTERVAL=3", "Every 3 weeks" },
  { "FREQ=MONTHLY", "Monthly" },
  { "FREQ=MONTHLY;BYMONTHDAY=15", "Monthly on the 15th" },
  { "FREQ=MONTHLY;BYMONTHDAY=1,-1", "Monthly on the 1st and last day" },
  { "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-3", "Every 2 months on the 3rd-to-last day" },
  { "FREQ=MONTHLY;BYDAY=-1FR", "Monthly on the last Friday" },
  { "FREQ=MONTHLY;BYDAY=2TU,4TU", "Monthly on the second Tuesday and fourth Tuesday" },
  { "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR", "Monthly on the 13th when it is a Friday" },
  { "FREQ=MONTHLY;BYDAY=MO", "Monthly, every Monday" },
  { "FREQ=YEARLY", "Yearly" },
  { "FREQ=YEARLY;INTERVAL=2;COUNT=1", "Every 2 years, once" },
  { "freq=daily;count=2", "Daily, 2 times" },
  { "FREQ=DAILY;UNTIL=20260301", "Daily, until 1 March 2026" },
};

static void
test_describe (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (describe_cases); i++)
    {
      g_autofree char *text = adiuva_recurrence_describe (describe_cases[i].rule);

      g_assert_cmpstr (text, ==, describe_cases[i].text);
    }

  g_assert_null (adiuva_recurrence_describe ("FREQ=HOURLY"));
  g_assert_null (adiuva_recurrence_describe (""));
}

/* Completing ----------------------------------------------------------------------------- */

#define NEXT_FORMAT "%Y-%m-%d %H:%M:%S %z"

typedef struct
{
  const char *name;
  const char *rule;
  const char *zone; /* NULL for UTC; due and now are read in it */
  const char *due;  /* NULL for a task without a due date */
  const char *now;
  const char *next_due; /* NEXT_FORMAT, NULL when the series is over */
  const char *next_rule;
} NextCase;

static const NextCase next_cases[] = {
  { "daily", "FREQ=DAILY", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-22 09:00:00 +0000", "FREQ=DAILY" },
  { "daily-completed-early", "FREQ=DAILY", NULL, "2026-11-25T09:00:00", "2026-11-21T10:00:00",
    "2026-11-26 09:00:00 +0000", "FREQ=DAILY" },
  { "every-2-days", "FREQ=DAILY;INTERVAL=2", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-23 09:00:00 +0000", "FREQ=DAILY;INTERVAL=2" },
  { "weekly", "FREQ=WEEKLY", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-28 09:00:00 +0000", "FREQ=WEEKLY" },
  { "weekly-byday-from-wednesday", "FREQ=WEEKLY;BYDAY=MO,WE,FR", NULL, "2026-11-18T08:00:00",
    "2026-11-18T10:00:00", "2026-11-20 08:00:00 +0000", "FREQ=WEEKLY;BYDAY=MO,WE,FR" },
  { "weekly-byday-from-off-day", "FREQ=WEEKLY;BYDAY=MO,WE,FR", NULL, "2026-11-17T08:00:00",
    "2026-11-17T10:00:00", "2026-11-18 08:00:00 +0000", "FREQ=WEEKLY;BYDAY=MO,WE,FR" },
  { "weekly-byday-from-friday", "FREQ=WEEKLY;BYDAY=MO,WE,FR", NULL, "2026-11-20T08:00:00",
    "2026-11-20T10:00:00", "2026-11-23 08:00:00 +0000", "FREQ=WEEKLY;BYDAY=MO,WE,FR" },
  { "every-weekday-from-friday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", NULL, "2026-11-20T08:00:00",
    "2026-11-20T10:00:00", "2026-11-23 08:00:00 +0000", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" },
  { "every-2-weeks-within-week", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", NULL, "2026-11-23T08:00:00",
    "2026-11-23T10:00:00", "2026-11-25 08:00:00 +0000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE" },
  { "every-2-weeks-skips-a-week", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", NULL, "2026-11-25T08:00:00",
    "2026-11-25T10:00:00", "2026-12-07 08:00:00 +0000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE" },
  /* Months without a 31st are skipped, as RFC 5545 says; BYMONTHDAY=-1 is the last day. */
  { "monthly-31st", "FREQ=MONTHLY;BYMONTHDAY=31", NULL, "2026-01-31T09:00:00",
    "2026-01-31T10:00:00", "2026-03-31 09:00:00 +0000", "FREQ=MONTHLY;BYMONTHDAY=31" },
  { "monthly-from-31st", "FREQ=MONTHLY", NULL, "2026-03-31T09:00:00", "2026-03-31T10:00:00",
    "2026-05-31 09:00:00 +0000", "FREQ=MONTHLY" },
  { "monthly-last-day", "FREQ=MONTHLY;BYMONTHDAY=-1", NULL, "2026-01-31T09:00:00",
    "2026-01-31T10:00:00", "2026-02-28 09:00:00 +0000", "FREQ=MONTHLY;BYMONTHDAY=-1" },
  { "monthly-last-friday", "FREQ=MONTHLY;BYDAY=-1FR", NULL, "2026-11-27T09:00:00",
    "2026-11-27T10:00:00", "2026-12-25 09:00:00 +0000", "FREQ=MONTHLY;BYDAY=-1FR" },
  { "daily-on-month-day", "FREQ=DAILY;BYMONTHDAY=1", NULL, "2026-11-01T09:00:00",
    "2026-11-21T10:00:00", "2026-12-01 09:00:00 +0000", "FREQ=DAILY;BYMONTHDAY=1" },
  { "yearly-feb-29", "FREQ=YEARLY", NULL, "2024-02-29T09:00:00", "2024-02-29T10:00:00",
    "2028-02-29 09:00:00 +0000", "FREQ=YEARLY" },
  { "count-decremented", "FREQ=DAILY;COUNT=3", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-22 09:00:00 +0000", "FREQ=DAILY;COUNT=2" },
  { "count-exhausted", "FREQ=DAILY;COUNT=1", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    NULL, NULL },
  { "count-lower-case", "freq=daily;count=3", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-22 09:00:00 +0000", "FREQ=DAILY;COUNT=2" },
  { "no-count-kept-as-is", "freq=daily", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-22 09:00:00 +0000", "freq=daily" },
  /* Completed six days late: 16…20 November are skipped and count. */
  { "count-with-skipped", "FREQ=DAILY;COUNT=10", NULL, "2026-11-15T09:00:00", "2026-11-21T10:00:00",
    "2026-11-21 09:00:00 +0000", "FREQ=DAILY;COUNT=4" },
  { "count-exhausted-by-skipped", "FREQ=DAILY;COUNT=6", NULL, "2026-11-15T09:00:00",
    "2026-11-21T10:00:00", NULL, NULL },
  { "count-last-one-today", "FREQ=DAILY;COUNT=7", NULL, "2026-11-15T09:00:00",
    "2026-11-21T10:00:00", "2026-11-21 09:00:00 +0000", "FREQ=DAILY;COUNT=1" },
  { "until", "FREQ=DAILY;UNTIL=20261122", NULL, "2026-11-21T09:00:00", "2026-11-21T10:00:00",
    "2026-11-22 09:00:00 +0000", "FREQ=DAILY;UNTIL=20261122" },
  { "until-reached", "FREQ=DAILY;UNTIL=20261122", NULL, "2026-11-22T09:00:00",
    "2026-11-22T10:00:00", NULL, NULL },
  { "until-passed-while-overdue", "FREQ=WEEKLY;UNTIL=20261201", NULL, "2026-11-01T09:00:00",
    "2026-12-05T10:00:00", NULL, NULL },
  /* Overdue: the next due date is the first occurrence not before today, even if its time
   * of day has passed. */
  { "overdue-weekly", "FREQ=WEEKLY", NULL, "2026-10-03T09:00:00", "2026-11-21T10:00:00",
    "2026-11-21 09:00:00 +0000", "FREQ=WEEKLY" },
  { "overdue-monthly", "FREQ=MONTHLY;BYMONTHDAY=15", NULL, "2026-08-15T09:00:00",
    "2026-11-21T10:00:00", "2026-12-15 09:00:00 +0000", "FREQ=MONTHLY;BYMONTHDAY=15" },
  { "overdue-decades", "FREQ=DAILY", NULL, "1950-01-01T07:00:00", "2026-11-21T10:00:00",
    "2026-11-21 07:00:00 +0000", "FREQ=DAILY" },
  { "no-due-daily", "FREQ=DAILY", NULL, NULL, "2026-11-21T10:00:00",
    "2026-11-22 00:00:00 +0000", "FREQ=DAILY" },
  { "no-due-weekly-monday", "FREQ=WEEKLY;BYDAY=MO", NULL, NULL, "2026-11-21T10:00:00",
    "2026-11-23 00:00:00 +0000", "FREQ=WEEKLY;BYDAY=MO" },
  { "time-of-day-kept", "FREQ=DAILY", NULL, "2026-11-21T17:45:30", "2026-11-21T10:00:00",
    "2026-11-22 17:45:30 +0000", "FREQ=DAILY" },
  { "zone-kept", "FREQ=DAILY", "America/New_York", "2026-11-21T23:30:00", "2026-11-21T10:00:00",
    "2026-11-22 23:30:00 -0500", "FREQ=DAILY" },
  /* Across daylight saving changes the local time stays. */
  { "dst-start-berlin", "FREQ=DAILY", "Europe/Berlin", "2026-03-28T09:00:00",
    "2026-03-28T10:00:00", "2026-03-29 09:00:00 +0200", "FREQ=DAILY" },
  { "dst-end-berlin", "FREQ=WEEKLY", "Europe/Berlin", "2026-10-20T18:30:00",
    "2026-10-20T10:00:00", "2026-10-27 18:30:00 +0100", "FREQ=WEEKLY" },
  /* 02:30 does not exist on 29 March 2026 in Berlin; GLib moves it to the transition. */
  { "dst-gap-berlin", "FREQ=DAILY", "Europe/Berlin", "2026-03-28T02:30:00",
    "2026-03-28T01:00:00", "2026-03-29 03:00:00 +0200", "FREQ=DAILY" },
  /* libical does not expand past 2582. */
  { "beyond-libical", "FREQ=YEARLY", NULL, "2582-06-01T09:00:00", "2582-06-01T10:00:00",
    NULL, NULL },
};

static GDateTime *
parse_local (const char *zone,
             const char *text)
{
  g_autoptr (GTimeZone) tz = NULL;
  GDateTime *dt;

  tz = zone != NULL ? g_time_zone_new_identifier (zone) : g_time_zone_new_utc ();
  g_assert_nonnull (tz);
  dt = g_date_time_new_from_iso8601 (text, tz);
  g_assert_nonnull (dt);
  return dt;
}

static void
test_next_case (gconstpointer data)
{
  const NextCase *c = data;
  g_autoptr (GDateTime) due = c->due != NULL ? parse_local (c->zone, c->due) : NULL;
  g_autoptr (GDateTime) now = parse_local (c->zone, c->now);
  g_autoptr (GDateTime) next_due = NULL;
  g_autofree char *next_rule = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (adiuva_recurrence_next (c->rule, due, now, &next_due, &next_rule, &error));
  g_assert_no_error (error);

  if (c->next_due == NULL)
    {
      g_assert_null (next_due);
      g_assert_null (next_rule);
    }
  else
    {
      g_autofree char *formatted = NULL;

      g_assert_nonnull (next_due);
      formatted = g_date_time_format (next_due, NEXT_FORMAT);
      g_assert_cmpstr (formatted, ==, c->next_due);
      g_assert_cmpstr (next_rule, ==, c->next_rule);
      g_assert_true (adiuva_recurrence_validate (next_rule, NULL));
    }
}

/* Completing a task again and again walks the whole series and then stops. */
static void
test_next_series (void)
{
  g_autoptr (GDateTime) due = parse_local (NULL, "2026-11-23T09:00:00");
  g_autofree char  *rule = g_strdup ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5");
  const char *const expected[] = {
    "2026-11-25",
    "2026-12-07",
    "2026-12-09",
    "2026-12-21",
    NULL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (GDateTime) next_due = NULL;
      g_autofree char *next_rule = NULL;
      g_autoptr (GError) error = NULL;

      /* Done on the day it is due. */
      g_assert_true (adiuva_recurrence_next (rule, due, due, &next_due, &next_rule, &error));
      g_assert_no_error (error);

      if (expected[i] == NULL)
        {
          g_assert_null (next_due);
          g_assert_null (next_rule);
          break;
        }
      else
        {
          g_autofree char *date = g_date_time_format (next_due, "%Y-%m-%d");

          g_assert_cmpstr (date, ==, expected[i]);
        }

      g_clear_pointer (&due, g_date_time_unref);
      due = g_steal_pointer (&next_due);
      g_free (rule);
      rule = g_steal_pointer (&next_rule);
    }
}

static void
test_next_invalid (void)
{
  g_autoptr (GDateTime) now = parse_local (NULL, "2026-11-21T10:00:00");
  GDateTime *next_due = (GDateTime *) 0x1;
  char      *next_rule = (char *) 0x1;
  g_autoptr (GError) error = NULL;

  g_assert_false (adiuva_recurrence_next ("FREQ=HOURLY", now, now, &next_due, &next_rule, &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_assert_null (next_due);
  g_assert_null (next_rule);
}

/* Whatever is typed, a rule that is accepted can be described and completed. */
static void
test_random_text (void)
{
  static const char *const pieces[] = {
    "every",
    "other",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "year",
    "weekday",
    "weekend",
    "mon",
    "fridays",
    "on",
    "the",
    "and",
    ",",
    "last",
    "first",
    "5th",
    "31st",
    "32nd",
    "day",
    "until",
    "2027-01-31",
    "2027-02-30",
    "for",
    "0",
    "1",
    "3",
    "99999999999",
    "times",
    "once",
    "twice",
    "repeat",
    "FREQ=",
    "DAILY",
    ";",
    "COUNT=",
    "BYDAY=",
    "-1FR",
    "\xff",
    "é",
    "",
    " ",
  };
  g_autoptr (GDateTime) now = parse_local ("Europe/Berlin", "2026-11-21T10:00:00");
  g_autoptr (GDateTime) due = parse_local ("Europe/Berlin", "2026-10-31T23:30:00");

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      g_autofree char *rule = NULL;
      guint            n = g_test_rand_int_range (0, 10);

      /* Most random text is refused; start half of it well to reach the later clauses. */
      if (g_test_rand_bit ())
        g_string_append (text, pieces[g_test_rand_int_range (0, 6)]);

      for (guint k = 0; k < n; k++)
        {
          if (g_test_rand_int_range (0, 4) != 0)
            g_string_append_c (text, ' ');
          g_string_append (text, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
        }

      rule = adiuva_recurrence_from_text (text->str, NULL);
      if (adiuva_recurrence_validate (text->str, NULL))
        g_assert_nonnull (rule);

      if (rule != NULL)
        {
          g_autofree char *description = adiuva_recurrence_describe (rule);
          g_autoptr (GDateTime) next_due = NULL;
          g_autofree char *next_rule = NULL;

          g_assert_true (adiuva_recurrence_validate (rule, NULL));
          g_assert_nonnull (description);
          g_assert_true (adiuva_recurrence_next (rule, due, now, &next_due, &next_rule, NULL));
          g_assert_true ((next_due == NULL) == (next_rule == NULL));
          if (next_due != NULL)
            g_assert_cmpint (g_date_time_compare (next_due, due), >, 0);
        }
    }
}

static void
test_preconditions (void)
{
  g_autoptr (GDateTime) now = parse_local (NULL, "2026-11-21T10:00:00");
  g_autoptr (GDateTime) next_due = NULL;
  g_autofree char *next_rule = NULL;

  g_test_expect_message ("adiuva-recurrence", G_LOG_LEVEL_CRITICAL, "*rule != NULL*");
  g_assert_false (adiuva_recurrence_validate (NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-recurrence", G_LOG_LEVEL_CRITICAL, "*text != NULL*");
  g_assert_null (adiuva_recurrence_from_text (NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-recurrence", G_LOG_LEVEL_CRITICAL, "*rule != NULL*");
  g_assert_null (adiuva_recurrence_describe (NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-recurrence", G_LOG_LEVEL_CRITICAL, "*now != NULL*");
  g_assert_false (adiuva_recurrence_next ("FREQ=DAILY", NULL, NULL, &next_due, &next_rule, NULL));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recurrence/validate", test_validate);
  g_test_add_func ("/recurrence/from-text", test_from_text);
  g_test_add_func ("/recurrence/describe", test_describe);

  for (guint i = 0; i < G_N_ELEMENTS (next_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/recurrence/next/%s", next_cases[i].name);

      g_test_add_data_func (path, &next_cases[i], test_next_case);
    }

  g_test_add_func ("/recurrence/next-series", test_next_series);
  g_test_add_func ("/recurrence/next-invalid", test_next_invalid);
  g_test_add_func ("/recurrence/random-text", test_random_text);
  g_test_add_func ("/recurrence/preconditions", test_preconditions);

  return g_test_run ();
}
