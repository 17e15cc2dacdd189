/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-quick-add"

#include "config.h"

#include <string.h>

#include "adiuva-quick-add.h"

#ifdef ADIUVA_STANDALONE_TEST
/* Only for building this file without the rest of the store, which defines the quark. */
G_DEFINE_QUARK (adiuva - store - error - quark, adiuva_store_error)
#endif

/* Unless a case says otherwise, "now" is Saturday 2026-11-21 10:00 in the case's zone. */
#define DEFAULT_NOW "2026-11-21T10:00:00"

typedef struct
{
  const char *name;
  const char *text;
  const char *zone; /* NULL for UTC */
  const char *now;  /* NULL for DEFAULT_NOW, read in the zone */
  const char *title;
  const char *due; /* "%Y-%m-%d %H:%M %z" or NULL for no due date */
  gboolean    has_time;
  int         priority;
  const char *project;
  const char *tags; /* comma separated, "" for none */
} ParseCase;

static const ParseCase parse_cases[] = {
  /* The example from the design, and plain text */
  { "example", "Send invoice to ACME tomorrow 5pm p1 #Website @billing", NULL, NULL,
    "Send invoice to ACME", "2026-11-22 17:00 +0000", TRUE, 1, "Website", "billing" },
  { "plain", "Buy milk", NULL, NULL, "Buy milk", NULL, FALSE, 0, NULL, "" },

  /* Named days */
  { "today", "Call mom today", NULL, NULL,
    "Call mom", "2026-11-21 00:00 +0000", FALSE, 0, NULL, "" },
  { "tonight", "Watch film tonight", NULL, NULL,
    "Watch film", "2026-11-21 20:00 +0000", TRUE, 0, NULL, "" },
  { "tonight-with-time", "Watch film tonight 9pm", NULL, NULL,
    "Watch film", "2026-11-21 21:00 +0000", TRUE, 0, NULL, "" },
  { "time-before-tonight", "Dinner 7pm tonight", NULL, NULL,
    "Dinner", "2026-11-21 19:00 +0000", TRUE, 0, NULL, "" },
  { "tomorrow", "Pay rent tomorrow", NULL, NULL,
    "Pay rent", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },
  { "weekday", "Standup monday", NULL, NULL,
    "Standup", "2026-11-23 00:00 +0000", FALSE, 0, NULL, "" },
  { "weekday-abbreviation", "Review fri", NULL, NULL,
    "Review", "2026-11-27 00:00 +0000", FALSE, 0, NULL, "" },
  { "weekday-is-today", "Clean saturday", NULL, NULL,
    "Clean", "2026-11-28 00:00 +0000", FALSE, 0, NULL, "" },
  { "next-weekday", "Demo next friday", NULL, NULL,
    "Demo", "2026-11-27 00:00 +0000", FALSE, 0, NULL, "" },
  { "next-weekday-is-today", "Clean next saturday", NULL, NULL,
    "Clean", "2026-11-28 00:00 +0000", FALSE, 0, NULL, "" },
  { "this-weekday-is-today", "Clean this saturday", NULL, NULL,
    "Clean", "2026-11-21 00:00 +0000", FALSE, 0, NULL, "" },
  { "on-weekday", "Lunch on tuesday", NULL, NULL,
    "Lunch", "2026-11-24 00:00 +0000", FALSE, 0, NULL, "" },
  { "sun-is-a-word", "Sit in the sun", NULL, NULL, "Sit in the sun", NULL, FALSE, 0, NULL, "" },
  { "on-sun-is-a-day", "Hike on sun", NULL, NULL,
    "Hike", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },
  { "next-week", "Plan sprint next week", NULL, NULL,
    "Plan sprint", "2026-11-23 00:00 +0000", FALSE, 0, NULL, "" },
  { "next-month", "Invoice next month", NULL, NULL,
    "Invoice", "2026-12-01 00:00 +0000", FALSE, 0, NULL, "" },

  /* Relative */
  { "in-days", "Follow up in 3 days", NULL, NULL,
    "Follow up", "2026-11-24 00:00 +0000", FALSE, 0, NULL, "" },
  { "in-weeks", "Follow up in 2 weeks", NULL, NULL,
    "Follow up", "2026-12-05 00:00 +0000", FALSE, 0, NULL, "" },
  { "in-a-week", "Follow up in a week", NULL, NULL,
    "Follow up", "2026-11-28 00:00 +0000", FALSE, 0, NULL, "" },
  { "in-month", "Check in 1 month", NULL, NULL,
    "Check", "2026-12-21 00:00 +0000", FALSE, 0, NULL, "" },
  { "in-month-clamped", "Check in 1 month", NULL, "2026-01-31T10:00:00",
    "Check", "2026-02-28 00:00 +0000", FALSE, 0, NULL, "" },
  { "in-hours", "Stretch in two hours", NULL, NULL,
    "Stretch", "2026-11-21 12:00 +0000", TRUE, 0, NULL, "" },
  { "in-minutes", "Tea in 90 minutes", NULL, NULL,
    "Tea", "2026-11-21 11:30 +0000", TRUE, 0, NULL, "" },
  { "in-hours-crosses-midnight", "Sleep in 3 hours", NULL, "2026-11-21T22:30:00",
    "Sleep", "2026-11-22 01:30 +0000", TRUE, 0, NULL, "" },
  { "in-is-a-word", "Meet in Paris", NULL, NULL, "Meet in Paris", NULL, FALSE, 0, NULL, "" },
  { "in-a-bed", "Sleep in a bed", NULL, NULL, "Sleep in a bed", NULL, FALSE, 0, NULL, "" },

  /* Numeric dates */
  { "iso", "Renew passport 2026-12-01", NULL, NULL,
    "Renew passport", "2026-12-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "iso-past", "Archive 2020-02-29", NULL, NULL,
    "Archive", "2020-02-29 00:00 +0000", FALSE, 0, NULL, "" },
  { "iso-invalid", "Archive 2026-02-30", NULL, NULL,
    "Archive 2026-02-30", NULL, FALSE, 0, NULL, "" },
  { "us", "Ship 12/01", NULL, NULL, "Ship", "2026-12-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "us-passed-is-next-year", "Taxes 4/15", NULL, NULL,
    "Taxes", "2027-04-15 00:00 +0000", FALSE, 0, NULL, "" },
  { "us-today", "Ship 11/21", NULL, NULL, "Ship", "2026-11-21 00:00 +0000", FALSE, 0, NULL, "" },
  { "us-with-year", "Ship 12/01/2027", NULL, NULL,
    "Ship", "2027-12-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "us-invalid", "Ship 13/01", NULL, NULL, "Ship 13/01", NULL, FALSE, 0, NULL, "" },

  /* Month names */
  { "month-day", "Party dec 1", NULL, NULL, "Party", "2026-12-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "month-day-year", "Gifts december 24th 2027", NULL, NULL,
    "Gifts", "2027-12-24 00:00 +0000", FALSE, 0, NULL, "" },
  { "month-day-comma-year", "Launch dec 1, 2027", NULL, NULL,
    "Launch", "2027-12-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "day-month", "Party 1 december", NULL, NULL,
    "Party", "2026-12-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "day-of-month", "Resolutions 1st of jan", NULL, NULL,
    "Resolutions", "2027-01-01 00:00 +0000", FALSE, 0, NULL, "" },
  { "leap-day", "Leap party feb 29", NULL, NULL,
    "Leap party", "2028-02-29 00:00 +0000", FALSE, 0, NULL, "" },
  { "may-is-a-word", "You may call", NULL, NULL, "You may call", NULL, FALSE, 0, NULL, "" },

  /* Times */
  { "time-later-today", "Call Bob 5pm", NULL, NULL,
    "Call Bob", "2026-11-21 17:00 +0000", TRUE, 0, NULL, "" },
  { "time-passed-is-tomorrow", "Call Bob 9am", NULL, NULL,
    "Call Bob", "2026-11-22 09:00 +0000", TRUE, 0, NULL, "" },
  { "time-now-is-tomorrow", "Call Bob 10am", NULL, NULL,
    "Call Bob", "2026-11-22 10:00 +0000", TRUE, 0, NULL, "" },
  { "time-minutes-pm", "Call Bob 5:30pm", NULL, NULL,
    "Call Bob", "2026-11-21 17:30 +0000", TRUE, 0, NULL, "" },
  { "time-24h", "Call Bob 17:00", NULL, NULL,
    "Call Bob", "2026-11-21 17:00 +0000", TRUE, 0, NULL, "" },
  { "time-separate-pm", "Call Bob 5 pm", NULL, NULL,
    "Call Bob", "2026-11-21 17:00 +0000", TRUE, 0, NULL, "" },
  { "time-dotted-pm", "Call Bob 5 p.m.", NULL, NULL,
    "Call Bob", "2026-11-21 17:00 +0000", TRUE, 0, NULL, "" },
  { "at-time-after-date", "Dentist tomorrow at 9am", NULL, NULL,
    "Dentist", "2026-11-22 09:00 +0000", TRUE, 0, NULL, "" },
  { "at-time-before-date", "Dentist at 9am tomorrow", NULL, NULL,
    "Dentist", "2026-11-22 09:00 +0000", TRUE, 0, NULL, "" },
  { "on-date-at-time", "Dentist on monday at 2:15pm", NULL, NULL,
    "Dentist", "2026-11-23 14:15 +0000", TRUE, 0, NULL, "" },
  { "noon", "Lunch at noon", NULL, NULL, "Lunch", "2026-11-21 12:00 +0000", TRUE, 0, NULL, "" },
  { "midnight", "Deploy midnight", NULL, NULL,
    "Deploy", "2026-11-22 00:00 +0000", TRUE, 0, NULL, "" },
  { "date-midnight", "Deploy friday midnight", NULL, NULL,
    "Deploy", "2026-11-27 00:00 +0000", TRUE, 0, NULL, "" },
  { "12am", "Backup 12am", NULL, NULL, "Backup", "2026-11-22 00:00 +0000", TRUE, 0, NULL, "" },
  { "12pm", "Backup 12pm", NULL, NULL, "Backup", "2026-11-21 12:00 +0000", TRUE, 0, NULL, "" },
  { "upper-case", "Backup TOMORROW 5PM", NULL, NULL,
    "Backup", "2026-11-22 17:00 +0000", TRUE, 0, NULL, "" },
  { "invalid-times", "Try 17:00pm 25:00 0am 7:75", NULL, NULL,
    "Try 17:00pm 25:00 0am 7:75", NULL, FALSE, 0, NULL, "" },
  { "count-is-not-a-time", "Buy 5 apples", NULL, NULL, "Buy 5 apples", NULL, FALSE, 0, NULL, "" },
  { "by-date", "Finish report by friday", NULL, NULL,
    "Finish report", "2026-11-27 00:00 +0000", FALSE, 0, NULL, "" },
  { "at-is-a-word", "Meet at ACME tomorrow", NULL, NULL,
    "Meet at ACME", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },
  { "last-date-wins", "Plan monday meeting tomorrow", NULL, NULL,
    "Plan monday meeting", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },
  { "last-time-wins", "Shift 9am to 5pm friday", NULL, NULL,
    "Shift 9am to", "2026-11-27 17:00 +0000", TRUE, 0, NULL, "" },
  { "trailing-punctuation", "Call Bob tomorrow, urgent", NULL, NULL,
    "Call Bob urgent", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },

  /* Repeat phrases are left for the caller */
  { "every-weekday-stays", "Water plants every monday", NULL, NULL,
    "Water plants every monday", NULL, FALSE, 0, NULL, "" },
  { "repeat-until-stays", "Standup daily until 2027-01-31", NULL, NULL,
    "Standup daily until 2027-01-31", NULL, FALSE, 0, NULL, "" },
  { "repeat-then-time", "Gym every mon, wed 7am p2", NULL, NULL,
    "Gym every mon, wed", "2026-11-22 07:00 +0000", TRUE, 2, NULL, "" },
  { "every-is-a-word", "Read every page tomorrow", NULL, NULL,
    "Read every page", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },

  /* Priority, project, tags */
  { "priority-bang", "Fix login !2", NULL, NULL, "Fix login", NULL, FALSE, 2, NULL, "" },
  { "priority-upper", "Fix login P3", NULL, NULL, "Fix login", NULL, FALSE, 3, NULL, "" },
  { "priority-last-wins", "Fix p1 login p4", NULL, NULL, "Fix login", NULL, FALSE, 4, NULL, "" },
  { "priority-out-of-range", "Fix login p5 p10", NULL, NULL,
    "Fix login p5 p10", NULL, FALSE, 0, NULL, "" },
  { "project-last-wins", "Write #Blog post #Website", NULL, NULL,
    "Write post", NULL, FALSE, 0, "Website", "" },
  { "hash-alone-stays", "Learn C # today", NULL, NULL,
    "Learn C #", "2026-11-21 00:00 +0000", FALSE, 0, NULL, "" },
  { "issue-number-stays", "Fix bug #123 #Web", NULL, NULL,
    "Fix bug #123", NULL, FALSE, 0, "Web", "" },
  { "tags-dedupe", "Plan @Work @home @work", NULL, NULL,
    "Plan", NULL, FALSE, 0, NULL, "Work,home" },
  { "tag-punctuation", "Call @phone, then mail", NULL, NULL,
    "Call then mail", NULL, FALSE, 0, NULL, "phone" },
  { "tag-unicode", "Café @Café @CAFÉ", NULL, NULL, "Café", NULL, FALSE, 0, NULL, "Café" },
  { "at-alone-stays", "Meet @ noon", NULL, NULL,
    "Meet @", "2026-11-21 12:00 +0000", TRUE, 0, NULL, "" },
  { "email-stays", "Mail bob@example.com", NULL, NULL,
    "Mail bob@example.com", NULL, FALSE, 0, NULL, "" },

  /* Edges */
  { "only-a-date", "tomorrow", NULL, NULL, "", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },
  { "empty", "", NULL, NULL, "", NULL, FALSE, 0, NULL, "" },
  { "only-spaces", "   \t  ", NULL, NULL, "", NULL, FALSE, 0, NULL, "" },
  { "single-spaced", "  Buy   milk\ttoday  ", NULL, NULL,
    "Buy milk", "2026-11-21 00:00 +0000", FALSE, 0, NULL, "" },
  { "quoted", "Call about \"next friday\" launch", NULL, NULL,
    "Call about \"next friday\" launch", NULL, FALSE, 0, NULL, "" },
  { "quoted-curly", "Read “Dune” tomorrow", NULL, NULL,
    "Read “Dune”", "2026-11-22 00:00 +0000", FALSE, 0, NULL, "" },
  { "quoted-unterminated", "Read \"tomorrow p1", NULL, NULL,
    "Read \"tomorrow p1", NULL, FALSE, 0, NULL, "" },
  { "quoted-sigils", "Tweet \"#Web @me\" p2", NULL, NULL,
    "Tweet \"#Web @me\"", NULL, FALSE, 2, NULL, "" },

  /* Other time zones: dates and times are read in now's zone */
  { "zone-new-york", "Send invoice tomorrow 5pm", "America/New_York", NULL,
    "Send invoice", "2026-11-22 17:00 -0500", TRUE, 0, NULL, "" },
  { "zone-berlin", "Review in 3 days 9am", "Europe/Berlin", NULL,
    "Review", "2026-11-24 09:00 +0100", TRUE, 0, NULL, "" },
  { "zone-tokyo", "Call 5pm", "Asia/Tokyo", NULL,
    "Call", "2026-11-21 17:00 +0900", TRUE, 0, NULL, "" },
  { "zone-kolkata-today", "Call today", "Asia/Kolkata", NULL,
    "Call", "2026-11-21 00:00 +0530", FALSE, 0, NULL, "" },
  { "zone-berlin-dst-start", "Run tomorrow 9am", "Europe/Berlin", "2026-03-28T10:00:00",
    "Run", "2026-03-29 09:00 +0200", TRUE, 0, NULL, "" },
  { "zone-berlin-dst-end", "Run in 1 week", "Europe/Berlin", "2026-10-22T10:00:00",
    "Run", "2026-10-29 00:00 +0100", FALSE, 0, NULL, "" },
};

static GDateTime *
make_now (const char *zone,
          const char *now)
{
  g_autoptr (GTimeZone) tz = NULL;
  GDateTime *dt;

  tz = zone != NULL ? g_time_zone_new_identifier (zone) : g_time_zone_new_utc ();
  g_assert_nonnull (tz);
  dt = g_date_time_new_from_iso8601 (now != NULL ? now : DEFAULT_NOW, tz);
  g_assert_nonnull (dt);
  return dt;
}

static char *
join_tags (GStrv tags)
{
  return g_strjoinv (",", tags);
}

static void
test_parse_case (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr (GDateTime) now = make_now (c->zone, c->now);
  g_autoptr (AdiuvaQuickAdd) result = adiuva_quick_add_parse (c->text, now);
  g_autofree char *tags = NULL;

  g_assert_nonnull (result);
  g_assert_cmpstr (result->title, ==, c->title);

  if (c->due == NULL)
    {
      g_assert_null (result->due);
    }
  else
    {
      g_autofree char *due = NULL;

      g_assert_nonnull (result->due);
      due = g_date_time_format (result->due, "%Y-%m-%d %H:%M %z");
      g_assert_cmpstr (due, ==, c->due);
      g_assert_cmpint (g_date_time_get_second (result->due), ==, 0);
    }

  g_assert_cmpint (result->due_has_time, ==, c->has_time);
  g_assert_cmpint (result->priority, ==, c->priority);
  g_assert_cmpstr (result->project, ==, c->project);

  g_assert_nonnull (result->tags);
  tags = join_tags (result->tags);
  g_assert_cmpstr (tags, ==, c->tags);
}

static void
test_boxed (void)
{
  g_autoptr (GDateTime) now = make_now (NULL, NULL);
  g_autoptr (AdiuvaQuickAdd) result =
      adiuva_quick_add_parse ("Plan tomorrow 5pm #Work @a @b p2", now);
  AdiuvaQuickAdd *copy;

  g_assert_true (G_TYPE_IS_BOXED (ADIUVA_TYPE_QUICK_ADD));
  g_assert_cmpstr (g_type_name (ADIUVA_TYPE_QUICK_ADD), ==, "AdiuvaQuickAdd");

  copy = g_boxed_copy (ADIUVA_TYPE_QUICK_ADD, result);
  g_assert_true (copy != result);
  g_assert_cmpstr (copy->title, ==, "Plan");
  g_assert_true (copy->title != result->title);
  g_assert_true (g_date_time_equal (copy->due, result->due));
  g_assert_true (copy->due_has_time);
  g_assert_cmpint (copy->priority, ==, 2);
  g_assert_cmpstr (copy->project, ==, "Work");
  g_assert_true (copy->tags != result->tags);
  g_assert_cmpstrv (copy->tags, ((const char *const[]){ "a", "b", NULL }));
  g_boxed_free (ADIUVA_TYPE_QUICK_ADD, copy);

  /* A hand-made struct may have no tags or due date at all. */
  {
    AdiuvaQuickAdd bare = { (char *) "x", NULL, FALSE, 0, NULL, NULL };

    copy = adiuva_quick_add_copy (&bare);
    g_assert_null (copy->due);
    g_assert_nonnull (copy->tags);
    g_assert_null (copy->tags[0]);
    adiuva_quick_add_free (copy);
  }

  adiuva_quick_add_free (NULL);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (GDateTime) now = make_now (NULL, NULL);
  g_autoptr (AdiuvaQuickAdd) result =
      adiuva_quick_add_parse ("Pay \xff\xfe bill tomorrow @t\xc3", now);

  g_assert_true (g_utf8_validate (result->title, -1, NULL));
  g_assert_cmpstr (result->title, ==, "Pay \xef\xbf\xbd\xef\xbf\xbd bill");
  g_assert_nonnull (result->due);
  g_assert_cmpuint (g_strv_length (result->tags), ==, 1);
  g_assert_true (g_utf8_validate (result->tags[0], -1, NULL));
}

static void
test_long_text (void)
{
  g_autoptr (GDateTime) now = make_now (NULL, NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (AdiuvaQuickAdd) result = NULL;
  g_autofree char *no_spaces = NULL;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "word%u @tag%u in %u days #p%u 5pm ", i, i % 100, i, i);

  result = adiuva_quick_add_parse (text->str, now);
  /* Only the last date and time are taken; the earlier ones stay in the title. */
  g_assert_true (g_str_has_prefix (result->title, "word0 in 0 days 5pm word1 in 1 days 5pm "));
  g_assert_cmpuint (g_strv_length (result->tags), ==, 100);
  g_assert_cmpstr (result->project, ==, "p19999");
  g_assert_nonnull (result->due);
  g_assert_true (result->due_has_time);
  g_clear_pointer (&result, adiuva_quick_add_free);

  /* One enormous word, and a huge "in N days" that must not overflow. */
  no_spaces = g_strnfill (1 << 20, 'x');
  result = adiuva_quick_add_parse (no_spaces, now);
  g_assert_cmpuint (strlen (result->title), ==, 1 << 20);
  g_clear_pointer (&result, adiuva_quick_add_free);

  /* Repeat phrases cost a parse each; a wall of them must still be quick. */
  g_string_truncate (text, 0);
  for (guint i = 0; i < 20000; i++)
    g_string_append (text, "every monday, wed until 2027-01-31 ");
  result = adiuva_quick_add_parse (text->str, now);
  g_assert_true (g_str_has_prefix (result->title, "every monday, wed until 2027-01-31 every"));
  g_clear_pointer (&result, adiuva_quick_add_free);

  result = adiuva_quick_add_parse ("Later in 9999 years in 9999 months in 99999 days", now);
  g_assert_nonnull (result->due);
  g_assert_cmpstr (result->title, ==, "Later in 9999 years in 99999 days");
}

/* Whatever is typed, the result keeps its promises. */
static void
test_random_text (void)
{
  static const char *const pieces[] = {
    "today",
    "tonight",
    "tomorrow",
    "next",
    "this",
    "in",
    "at",
    "on",
    "by",
    "a",
    "an",
    "3",
    "0",
    "9999",
    "days",
    "hours",
    "minutes",
    "month",
    "week",
    "year",
    "friday",
    "sun",
    "dec",
    "feb",
    "29",
    "31",
    "1st",
    "of",
    "2026-02-29",
    "2/29",
    "12/31/9999",
    "9999-12-31",
    "5pm",
    "12am",
    "0:00",
    "23:59",
    "noon",
    "midnight",
    "pm",
    "p1",
    "!4",
    "#",
    "#x",
    "@",
    "@y",
    "\"",
    "“",
    "”",
    ",",
    "\xff",
    "\xc3",
    "é",
    " ",
    "\t",
    "",
    "x",
    "every",
    "daily",
    "until",
    "times",
  };
  g_autoptr (GDateTime) now = make_now ("Europe/Berlin", "9999-12-31T23:00:00");
  g_autoptr (GDateTime) early = make_now ("UTC", "0001-01-01T00:00:00");

  for (guint round = 0; round < 5000; round++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      guint n = g_test_rand_int_range (0, 12);

      for (guint k = 0; k < n; k++)
        {
          g_string_append (text, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
          if (g_test_rand_bit ())
            g_string_append_c (text, ' ');
        }

      for (guint which = 0; which < 2; which++)
        {
          g_autoptr (AdiuvaQuickAdd) result =
              adiuva_quick_add_parse (text->str, which == 0 ? now : early);

          g_assert_nonnull (result->title);
          g_assert_true (g_utf8_validate (result->title, -1, NULL));
          g_assert_nonnull (result->tags);
          g_assert_cmpint (result->priority, >=, 0);
          g_assert_cmpint (result->priority, <=, 4);
          if (result->due == NULL)
            g_assert_false (result->due_has_time);
        }
    }
}

static void
test_preconditions (void)
{
  g_autoptr (GDateTime) now = make_now (NULL, NULL);

  g_test_expect_message ("adiuva-quick-add", G_LOG_LEVEL_CRITICAL, "*text != NULL*");
  g_assert_null (adiuva_quick_add_parse (NULL, now));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-quick-add", G_LOG_LEVEL_CRITICAL, "*now != NULL*");
  g_assert_null (adiuva_quick_add_parse ("x", NULL));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/quick-add/parse/%s", parse_cases[i].name);

      g_test_add_data_func (path, &parse_cases[i], test_parse_case);
    }

  g_test_add_func ("/quick-add/boxed", test_boxed);
  g_test_add_func ("/quick-add/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/quick-add/long-text", test_long_text);
  g_test_add_func ("/quick-add/random-text", test_random_text);
  g_test_add_func ("/quick-add/preconditions", test_preconditions);

  return g_test_run ();
}
