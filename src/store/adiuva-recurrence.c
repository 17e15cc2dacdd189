/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-recurrence"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libical/ical.h>

#include "adiuva-date-private.h"
#include "adiuva-recurrence.h"

/* Rules are kept as RFC 5545 RRULE text so they survive CalDAV round trips, but only the
 * subset a task list can explain to people is accepted. libical expands them; this file
 * parses the subset itself only to refuse the rest with a useful message and to describe it.
 *
 * Conventions, decided once here:
 *
 * - A task's rule is read with the task's due date as DTSTART, and COUNT counts the
 *   occurrences left *including* the current due date. Completing the task consumes one,
 *   and every occurrence skipped because it is already in the past consumes one more.
 * - Occurrences are expanded as dates (DTSTART and UNTIL are RFC 5545 DATE values); the due
 *   date's time of day and time zone are then put back, so "9:00 every day" stays 9:00
 *   local across daylight saving changes. A time that does not exist on the day the clocks
 *   go forward is moved by GLib to the transition (02:30 becomes 03:00 in Europe/Berlin).
 * - Dates that do not exist are skipped, not clamped, as RFC 5545 says: "monthly on the
 *   31st" falls only in months with 31 days, a yearly task due on 29 February comes back
 *   only in leap years. BYMONTHDAY=-1 ("every month on the last day") is the way to say
 *   "last day of the month".
 * - libical does not expand beyond the year 2582; a series that would is treated as over.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalrecur_iterator, icalrecur_iterator_free)

/* Completing a task with a years-old due date walks the series to today; this bounds the
 * walk for absurd data (a daily rule from the year 1) rather than for any real task. */
#define MAX_STEPS 2000000

/* libical keeps INTERVAL in a short. */
#define MAX_INTERVAL G_MAXSHORT

typedef enum
{
  FREQ_DAILY,
  FREQ_WEEKLY,
  FREQ_MONTHLY,
  FREQ_YEARLY,
} Freq;

typedef struct
{
  int position; /* 0 for every such day, otherwise 1..5 or -1..-5 within the month */
  int weekday;  /* 1 = Monday … 7 = Sunday, like GDateWeekday */
} RuleDay;

#define MAX_POSITION 5
#define MAX_DAYS (7 * (2 * MAX_POSITION + 1))

typedef struct
{
  Freq    freq;
  int     interval;
  RuleDay days[MAX_DAYS];
  guint   n_days;
  int     month_days[62];
  guint   n_month_days;
  GDate   until; /* invalid when the rule has no UNTIL */
  int     count; /* 0 when the rule has no COUNT */
} Rule;

static const char *const freq_names[] = { "DAILY", "WEEKLY", "MONTHLY", "YEARLY" };
static const char *const weekday_codes[] = { NULL, "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

static const char *const weekday_names[] = {
  NULL,
  N_ ("Monday"),
  N_ ("Tuesday"),
  N_ ("Wednesday"),
  N_ ("Thursday"),
  N_ ("Friday"),
  N_ ("Saturday"),
  N_ ("Sunday"),
};

static const char *const day_ordinals[] = {
  NULL,
  N_ ("1st"),
  N_ ("2nd"),
  N_ ("3rd"),
  N_ ("4th"),
  N_ ("5th"),
  N_ ("6th"),
  N_ ("7th"),
  N_ ("8th"),
  N_ ("9th"),
  N_ ("10th"),
  N_ ("11th"),
  N_ ("12th"),
  N_ ("13th"),
  N_ ("14th"),
  N_ ("15th"),
  N_ ("16th"),
  N_ ("17th"),
  N_ ("18th"),
  N_ ("19th"),
  N_ ("20th"),
  N_ ("21st"),
  N_ ("22nd"),
  N_ ("23rd"),
  N_ ("24th"),
  N_ ("25th"),
  N_ ("26th"),
  N_ ("27th"),
  N_ ("28th"),
  N_ ("29th"),
  N_ ("30th"),
  N_ ("31st"),
};

/* Indexed by the absolute position; the negative ones read "second-to-last" and so on. */
static const char *const position_words[] = {
  NULL,
  N_ ("first"),
  N_ ("second"),
  N_ ("third"),
  N_ ("fourth"),
  N_ ("fifth"),
};
static const char *const last_position_words[] = {
  NULL,
  N_ ("last"),
  N_ ("second-to-last"),
  N_ ("third-to-last"),
  N_ ("fourth-to-last"),
  N_ ("fifth-to-last"),
};

static void
rule_init (Rule *rule)
{
  memset (rule, 0, sizeof *rule);
  rule->interval = 1;
  g_date_clear (&rule->until, 1);
}

static gboolean
set_invalid (GError    **error,
             const char *rule,
             const char *why)
{
  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
               _ ("The repeat rule “%s” cannot be used: %s"), rule, why);
  return FALSE;
}

static int
weekday_from_code (const char *code)
{
  for (guint i = 1; i < G_N_ELEMENTS (weekday_codes); i++)
    if (g_ascii_strcasecmp (code, weekday_codes[i]) == 0)
      return i;

  return 0;
}

/* RRULE numbers may carry a sign: "+2", "-1", "15". */
static gboolean
parse_signed (const char *text,
              int         min,
              int         max,
              int        *out)
{
  gint64 value;

  if (!g_ascii_string_to_signed (text[0] == '+' ? text + 1 : text, 10, min, max, &value, NULL))
    return FALSE;

  *out = (int) value;
  return TRUE;
}

static gboolean
parse_byday (const char *rule_text,
             const char *value,
             Rule       *rule,
             GError    **error)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char      *item = items[i];
      gsize            len = strlen (item);
      g_autofree char *number = NULL;
      RuleDay          day = { 0, 0 };

      if (len < 2 || (day.weekday = weekday_from_code (item + len - 2)) == 0)
        {
          g_autofree char *why = g_strdup_printf (_ ("“%s” is not a day of the week"), item);
          return set_invalid (error, rule_text, why);
        }

      number = g_strndup (item, len - 2);
      if (number[0] != '\0')
        {
          if (!parse_signed (number, -MAX_POSITION, MAX_POSITION, &day.position) ||
              day.position == 0)
            {
              g_autofree char *why = g_strdup_printf (_ ("“%s” is not a day of the month’s "
                                                         "first to fifth or last weeks"),
                                                      item);
              return set_invalid (error, rule_text, why);
            }
        }

      for (guint j = 0; j < rule->n_days; j++)
        if (rule->days[j].weekday == day.weekday && rule->days[j].position == day.position)
          {
            g_autofree char *why = g_strdup_printf (_ ("“%s” is listed twice"), item);
            return set_invalid (error, rule_text, why);
          }

      g_assert (rule->n_days < MAX_DAYS);
      rule->days[rule->n_days++] = day;
    }

  return TRUE;
}

static gboolean
parse_bymonthday (const char *rule_text,
                  const char *value,
                  Rule       *rule,
                  GError    **error)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      int day;

      if (!parse_signed (items[i], -31, 31, &day) || day == 0)
        {
          g_autofree char *why = g_strdup_printf (_ ("“%s” is not a day of the month"), items[i]);
          return set_invalid (error, rule_text, why);
        }

      for (guint j = 0; j < rule->n_month_days; j++)
        if (rule->month_days[j] == day)
          {
            g_autofree char *why = g_strdup_printf (_ ("“%s” is listed twice"), items[i]);
            return set_invalid (error, rule_text, why);
          }

      g_assert (rule->n_month_days < G_N_ELEMENTS (rule->month_days));
      rule->month_days[rule->n_month_days++] = day;
    }

  return TRUE;
}

static gboolean
parse_until (const char *value,
             GDate      *until)
{
  guint64 year, month, day;
  char    part[5];

  if (strlen (value) != 8)
    return FALSE;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isdigit (value[i]))
      return FALSE;

  memcpy (part, value, 4);
  part[4] = '\0';
  year = g_ascii_strtoull (part, NULL, 10);
  memcpy (part, value + 4, 2);
  part[2] = '\0';
  month = g_ascii_strtoull (part, NULL, 10);
  day = g_ascii_strtoull (value + 6, NULL, 10);

  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_set_dmy (until, day, month, year);
  return TRUE;
}

static char *
rule_to_string (const Rule *rule,
                gboolean    with_count)
{
  GString *str = g_string_new ("FREQ=");

  g_string_append (str, freq_names[rule->freq]);

  if (rule->interval != 1)
    g_string_append_printf (str, ";INTERVAL=%d", rule->interval);

  for (guint i = 0; i < rule->n_days; i++)
    {
      g_string_append (str, i == 0 ? ";BYDAY=" : ",");
      if (rule->days[i].position != 0)
        g_string_append_printf (str, "%d", rule->days[i].position);
      g_string_append (str, weekday_codes[rule->days[i].weekday]);
    }

  for (guint i = 0; i < rule->n_month_days; i++)
    g_string_append_printf (str, "%s%d", i == 0 ? ";BYMONTHDAY=" : ",", rule->month_days[i]);

  if (g_date_valid (&rule->until))
    g_string_append_printf (str, ";UNTIL=%04u%02u%02u",
                            (guint) g_date_get_year (&rule->until),
                            (guint) g_date_get_month (&rule->until),
                            (guint) g_date_get_day (&rule->until));

  if (with_count && rule->count > 0)
    g_string_append_printf (str, ";COUNT=%d", rule->count);

  return g_string_free (str, FALSE);
}

static gboolean
rule_parse (const char *text,
            Rule       *rule,
            GError    **error)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *canonical = NULL;
  gboolean         seen[6] = {
            FALSE,
  };
  struct icalrecurrencetype recur;
  static const char *const  names[] = {
     "FREQ",
     "INTERVAL",
     "BYDAY",
     "BYMONTHDAY",
     "UNTIL",
     "COUNT",
  };

  rule_init (rule);

  if (!g_utf8_validate (text, -1, NULL))
    return set_invalid (error, "", _ ("it is not valid text"));

  if (*text == '\0')
    return set_invalid (error, text, _ ("it is empty"));

  parts = g_strsplit (text, ";", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char      *part = parts[i];
      const char      *equals = strchr (part, '=');
      g_autofree char *name = NULL;
      const char      *value;
      guint            which;

      /* A trailing ";" is common in hand-written rules and harmless. */
      if (*part == '\0' && parts[i + 1] == NULL)
        break;

      if (equals == NULL || equals == part || equals[1] == '\0')
        {
          g_autofree char *why = g_strdup_printf (_ ("“%s” is not of the form NAME=VALUE"), part);
          return set_invalid (error, text, why);
        }

      name = g_strndup (part, equals - part);
      value = equals + 1;

      for (which = 0; which < G_N_ELEMENTS (names); which++)
        if (g_ascii_strcasecmp (name, names[which]) == 0)
          break;

      if (which == G_N_ELEMENTS (names))
        {
          g_autofree char *why = g_strdup_printf (_ ("tasks cannot repeat by “%s”"), name);
          return set_invalid (error, text, why);
        }

      if (seen[which])
        {
          g_autofree char *why = g_strdup_printf (_ ("“%s” is given twice"), names[which]);
          return set_invalid (error, text, why);
        }
      seen[which] = TRUE;

      switch (which)
        {
        case 0:
          {
            guint f;

            for (f = 0; f < G_N_ELEMENTS (freq_names); f++)
              if (g_ascii_strcasecmp (value, freq_names[f]) == 0)
                break;

            if (f == G_N_ELEMENTS (freq_names))
              {
                g_autofree char *why =
                    g_strdup_printf (_ ("“%s” is not daily, weekly, monthly or yearly"), value);
                return set_invalid (error, text, why);
              }
            rule->freq = f;
          }
          break;

        case 1:
          if (!parse_signed (value, 1, MAX_INTERVAL, &rule->interval))
            {
              g_autofree char *why = g_strdup_printf (_ ("the interval “%s” is not a number "
                                                         "from 1 to %d"),
                                                      value, MAX_INTERVAL);
              return set_invalid (error, text, why);
            }
          break;

        case 2:
          if (!parse_byday (text, value, rule, error))
            return FALSE;
          break;

        case 3:
          if (!parse_bymonthday (text, value, rule, error))
            return FALSE;
          break;

        case 4:
          if (!parse_until (value, &rule->until))
            {
              g_autofree char *why = g_strdup_printf (_ ("the end “%s” is not a date such as "
                                                         "20271231"),
                                                      value);
              return set_invalid (error, text, why);
            }
          break;

        case 5:
          if (!parse_signed (value, 1, G_MAXINT32, &rule->count))
            {
              g_autofree char *why =
                  g_strdup_printf (_ ("the count “%s” is not a positive number"), value);
              return set_invalid (error, text, why);
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (!seen[0])
    return set_invalid (error, text, _ ("it does not say how often (FREQ)"));

  if (seen[4] && seen[5])
    return set_invalid (error, text, _ ("it cannot both end on a date and after a count"));

  for (guint i = 0; i < rule->n_days; i++)
    if (rule->days[i].position != 0 && rule->freq != FREQ_MONTHLY)
      return set_invalid (error, text,
                          _ ("only a monthly rule can pick the first, second… or last weekday"));

  if (rule->n_month_days > 0 && (rule->freq == FREQ_WEEKLY || rule->freq == FREQ_YEARLY))
    return set_invalid (error, text,
                        _ ("days of the month only make sense in a daily or monthly rule"));

  /* Without a month, BYDAY in a yearly rule would mean "every Monday of the year". */
  if (rule->n_days > 0 && rule->freq == FREQ_YEARLY)
    return set_invalid (error, text, _ ("days of the week cannot be used in a yearly rule"));

  /* Whatever passed above must also be something libical expands, or next() would fail
   * later on a rule that was once accepted. */
  canonical = rule_to_string (rule, TRUE);
  icalerror_clear_errno ();
  recur = icalrecurrencetype_from_string (canonical);
  if (recur.freq == ICAL_NO_RECURRENCE)
    return set_invalid (error, text, icalerror_strerror (icalerrno));

  return TRUE;
}

/**
 * adiuva_recurrence_validate:
 * @rule: an RRULE value such as `FREQ=WEEKLY;BYDAY=MO,WE`
 * @error: return location for an %ADIUVA_STORE_ERROR_INVALID error
 *
 * Checks that @rule is an RRULE within what tasks support: FREQ of DAILY, WEEKLY, MONTHLY
 * or YEARLY; optionally INTERVAL, BYDAY (positions such as `-1FR` only when monthly),
 * BYMONTHDAY (daily or monthly), and either UNTIL as a date (`20271231`) or COUNT.
 * Names and values are case-insensitive.
 *
 * Returns: %TRUE if @rule can be used
 */
gboolean
adiuva_recurrence_validate (const char *rule,
                            GError    **error)
{
  Rule parsed;

  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return rule_parse (rule, &parsed, error);
}

/* Reading what people type ------------------------------------------------------------ */

typedef struct
{
  char **words;
  guint  pos;
} Reader;

static const char *
reader_peek (Reader *reader,
             guint   ahead)
{
  for (guint i = 0; i <= ahead; i++)
    if (reader->words[reader->pos + i] == NULL)
      return NULL;

  return reader->words[reader->pos + ahead];
}

static gboolean
reader_accept (Reader     *reader,
               const char *word)
{
  const char *next = reader_peek (reader, 0);

  if (next == NULL || strcmp (next, word) != 0)
    return FALSE;

  reader->pos++;
  return TRUE;
}

/* "monday", "mon", "mondays"; returns 0 for anything else. */
static int
word_to_weekday (const char *word)
{
  static const struct
  {
    const char *name;
    int         weekday;
  } days[] = {
    { "monday", 1 },
    { "mon", 1 },
    { "tuesday", 2 },
    { "tue", 2 },
    { "tues", 2 },
    { "wednesday", 3 },
    { "wed", 3 },
    { "thursday", 4 },
    { "thu", 4 },
    { "thur", 4 },
    { "thurs", 4 },
    { "friday", 5 },
    { "fri", 5 },
    { "saturday", 6 },
    { "sat", 6 },
    { "sunday", 7 },
    { "sun", 7 },
  };
  g_autofree char *singular = NULL;
  gsize            len;

  if (word == NULL)
    return 0;

  len = strlen (word);
  singular = g_strdup (word);
  if (len > 6 && g_str_has_suffix (word, "days"))
    singular[len - 1] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    if (strcmp (singular, days[i].name) == 0)
      return days[i].weekday;

  return 0;
}

static int
word_to_number (const char *word)
{
  static const char *const numbers[] = {
    NULL,
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
  };
  guint64 value;

  if (word == NULL)
    return 0;

  for (guint i = 1; i < G_N_ELEMENTS (numbers); i++)
    if (strcmp (word, numbers[i]) == 0)
      return i;

  if (g_ascii_string_to_unsigned (word, 10, 1, G_MAXINT32, &value, NULL))
    return (int) value;

  return 0;
}

/* "15th", "15", "first", "last"; 0 when @word is none of those. */
static int
word_to_ordinal (const char *word)
{
  static const char *const words[] = { NULL, "first", "second", "third", "fourth", "fifth" };

  if (word == NULL)
    return 0;

  if (strcmp (word, "last") == 0)
    return -1;

  for (guint i = 1; i < G_N_ELEMENTS (words); i++)
    if (strcmp (word, words[i]) == 0)
      return i;

  return _adiuva_date_day_of_month_from_word (word);
}

static gboolean
rule_add_weekday (Rule *rule,
                  int   position,
                  int   weekday)
{
  for (guint i = 0; i < rule->n_days; i++)
    if (rule->days[i].weekday == weekday && rule->days[i].position == position)
      return TRUE;

  if (rule->n_days == MAX_DAYS)
    return FALSE;

  rule->days[rule->n_days].position = position;
  rule->days[rule->n_days].weekday = weekday;
  rule->n_days++;
  return TRUE;
}

/* "mon wed", "monday and friday" (commas are already gone). */
static gboolean
read_weekdays (Reader *reader,
               Rule   *rule)
{
  guint found = 0;

  for (;;)
    {
      int weekday = word_to_weekday (reader_peek (reader, 0));

      if (weekday == 0)
        break;

      reader->pos++;
      rule_add_weekday (rule, 0, weekday);
      found++;

      if (word_to_weekday (reader_peek (reader, 1)) != 0)
        reader_accept (reader, "and");
    }

  return found > 0;
}

/* After "on": "the 15th", "the 1st and 15th", "the last day", "day 15", "the first monday". */
static gboolean
read_month_days (Reader *reader,
                 Rule   *rule)
{
  guint found = 0;

  if (reader_accept (reader, "day"))
    {
      int day = word_to_ordinal (reader_peek (reader, 0));

      if (day <= 0)
        return FALSE;

      reader->pos++;
      rule->month_days[rule->n_month_days++] = day;
      return TRUE;
    }

  reader_accept (reader, "the");

  for (;;)
    {
      int ordinal = word_to_ordinal (reader_peek (reader, 0));
      int weekday;

      if (ordinal == 0)
        break;

      weekday = word_to_weekday (reader_peek (reader, 1));
      if (weekday != 0)
        {
          if (ordinal > MAX_POSITION)
            return FALSE;

          reader->pos += 2;
          rule_add_weekday (rule, ordinal, weekday);
        }
      else
        {
          gboolean known = FALSE;

          reader->pos++;
          reader_accept (reader, "day");

          for (guint i = 0; i < rule->n_month_days; i++)
            known |= rule->month_days[i] == ordinal;
          if (!known && rule->n_month_days < G_N_ELEMENTS (rule->month_days))
            rule->month_days[rule->n_month_days++] = ordinal;
        }
      found++;

      if (g_strcmp0 (reader_peek (reader, 0), "and") == 0 &&
          (word_to_ordinal (reader_peek (reader, 1)) != 0 ||
           (g_strcmp0 (reader_peek (reader, 1), "the") == 0 &&
            word_to_ordinal (reader_peek (reader, 2)) != 0)))
        reader->pos++;
      if (g_strcmp0 (reader_peek (reader, 0), "the") == 0 && word_to_ordinal (reader_peek (reader,
                                                                                           1)) != 0)
        reader->pos++;
    }

  return found > 0;
}

static gboolean
read_frequency_unit (Reader *reader,
                     Rule   *rule)
{
  static const struct
  {
    const char *singular;
    const char *plural;
    Freq        freq;
  } units[] = {
    { "day", "days", FREQ_DAILY },
    { "week", "weeks", FREQ_WEEKLY },
    { "month", "months", FREQ_MONTHLY },
    { "year", "years", FREQ_YEARLY },
  };
  const char *word = reader_peek (reader, 0);

  if (word == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (word, units[i].singular) == 0 || strcmp (word, units[i].plural) == 0)
      {
        rule->freq = units[i].freq;
        reader->pos++;
        return TRUE;
      }

  return FALSE;
}

/* "daily", "every 2 weeks", "every weekday", "every mon wed", "every other month" */
static gboolean
read_frequency (Reader *reader,
                Rule   *rule)
{
  static const struct
  {
    const char *word;
    Freq        freq;
  } adverbs[] = {
    { "daily", FREQ_DAILY },
    { "weekly", FREQ_WEEKLY },
    { "monthly", FREQ_MONTHLY },
    { "yearly", FREQ_YEARLY },
    { "annually", FREQ_YEARLY },
  };
  const char *word = reader_peek (reader, 0);
  gboolean    has_interval = FALSE;

  if (word == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (adverbs); i++)
    if (strcmp (word, adverbs[i].word) == 0)
      {
        rule->freq = adverbs[i].freq;
        reader->pos++;
        return TRUE;
      }

  if (!reader_accept (reader, "every"))
    return FALSE;

  if (reader_accept (reader, "other"))
    {
      rule->interval = 2;
      has_interval = TRUE;
    }
  else if (word_to_number (reader_peek (reader, 0)) > 0)
    {
      int interval = word_to_number (reader_peek (reader, 0));

      if (interval > MAX_INTERVAL)
        return FALSE;

      rule->interval = interval;
      has_interval = TRUE;
      reader->pos++;
    }

  if (read_frequency_unit (reader, rule))
    return TRUE;

  if (!has_interval && (reader_accept (reader, "weekday") || reader_accept (reader, "weekdays")))
    {
      rule->freq = FREQ_WEEKLY;
      for (int d = 1; d <= 5; d++)
        rule_add_weekday (rule, 0, d);
      return TRUE;
    }

  if (!has_interval && (reader_accept (reader, "weekend") || reader_accept (reader, "weekends")))
    {
      rule->freq = FREQ_WEEKLY;
      rule_add_weekday (rule, 0, 6);
      rule_add_weekday (rule, 0, 7);
      return TRUE;
    }

  rule->freq = FREQ_WEEKLY;
  return read_weekdays (reader, rule);
}

static gboolean
read_iso_date (const char *word,
               GDate      *date)
{
  g_autofree char *compact = NULL;

  if (word == NULL || strlen (word) != 10 || word[4] != '-' || word[7] != '-')
    return FALSE;

  compact = g_strdup_printf ("%.4s%.2s%.2s", word, word + 5, word + 8);
  return parse_until (compact, date);
}

/* "on mon wed", "on the 15th", "until 2027-01-31", "for 5 times", in any order; stops at
 * the first words that are none of these, leaving them for the caller to complain about. */
static void
read_clauses (Reader *reader,
              Rule   *rule)
{
  for (;;)
    {
      guint start = reader->pos;

      if (reader_accept (reader, "on"))
        {
          gboolean ok;

          if (rule->freq == FREQ_MONTHLY)
            ok = read_month_days (reader, rule);
          else if (rule->freq == FREQ_WEEKLY)
            ok = read_weekdays (reader, rule);
          else
            ok = FALSE;

          if (!ok)
            {
              reader->pos = start;
              break;
            }
        }
      else if (reader_accept (reader, "until"))
        {
          if (g_date_valid (&rule->until) || !read_iso_date (reader_peek (reader, 0), &rule->until))
            {
              reader->pos = start;
              break;
            }
          reader->pos++;
        }
      else if (rule->count == 0 && reader_accept (reader, "once"))
        {
          rule->count = 1;
        }
      else if (rule->count == 0 && reader_accept (reader, "twice"))
        {
          rule->count = 2;
        }
      else if (rule->count == 0 && (word_to_number (reader_peek (reader, 0)) > 0 ||
                                    (g_strcmp0 (reader_peek (reader, 0), "for") == 0 &&
                                     word_to_number (reader_peek (reader, 1)) > 0)))
        {
          reader_accept (reader, "for");
          rule->count = word_to_number (reader_peek (reader, 0));
          reader->pos++;
          if (!reader_accept (reader, "times") && !reader_accept (reader, "time"))
            {
              rule->count = 0;
              reader->pos = start;
              break;
            }
        }
      else
        {
          break;
        }
    }
}

/**
 * adiuva_recurrence_from_text:
 * @text: what the user typed, such as `every 2 weeks on mon, wed until 2027-01-31`
 * @error: return location for an %ADIUVA_STORE_ERROR_INVALID error naming what was not
 *   understood
 *
 * Turns English repeat phrases into an RRULE: `daily`, `every 3 days`, `weekly`,
 * `every weekday`, `every mon, wed`, `every 2 weeks on tue`, `every other week`,
 * `monthly`, `every month on the 15th`, `every month on the last day`,
 * `every month on the first monday`, `yearly`, `every year`, followed by
 * `until YYYY-MM-DD` or `for N times` / `N times`. A raw RRULE (anything containing
 * `FREQ=`, optionally after `RRULE:`) is validated and returned in canonical order.
 *
 * Returns: (transfer full): the RRULE, or %NULL with @error set
 */
char *
adiuva_recurrence_from_text (const char *text,
                             GError    **error)
{
  g_autofree char *lower = NULL;
  g_auto (GStrv) words = NULL;
  g_autoptr (GPtrArray) kept = NULL;
  Reader reader = { NULL, 0 };
  Rule   rule;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                           _ ("The repeat rule is not valid text"));
      return NULL;
    }

  lower = g_utf8_strdown (text, -1);
  g_strstrip (lower);

  if (strstr (lower, "freq=") != NULL)
    {
      g_autofree char *raw = g_ascii_strup (lower, -1);
      const char      *value = raw;

      if (g_str_has_prefix (value, "RRULE:"))
        value += strlen ("RRULE:");

      if (!rule_parse (value, &rule, error))
        return NULL;

      return rule_to_string (&rule, TRUE);
    }

  rule_init (&rule);

  /* Commas only separate list items, so they carry nothing the words do not. */
  g_strdelimit (lower, ",", ' ');
  words = g_strsplit_set (lower, " \t\n\r", -1);
  kept = g_ptr_array_new ();
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  reader.words = (char **) kept->pdata;

  if (reader_peek (&reader, 0) == NULL)
    {
      g_set_error_literal (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                           _ ("The repeat rule is empty"));
      return NULL;
    }

  if (!reader_accept (&reader, "repeat"))
    reader_accept (&reader, "repeats");

  if (!read_frequency (&reader, &rule))
    {
      g_autofree char *rest = g_strjoinv (" ", reader.words + reader.pos);

      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("Could not understand “%s” in the repeat rule “%s”"),
                   rest[0] != '\0' ? rest : text, text);
      return NULL;
    }

  read_clauses (&reader, &rule);

  if (reader_peek (&reader, 0) != NULL)
    {
      g_autofree char *rest = g_strjoinv (" ", reader.words + reader.pos);

      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("Could not understand “%s” in the repeat rule “%s”"), rest, text);
      return NULL;
    }

  if (g_date_valid (&rule.until) && rule.count > 0)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The repeat rule “%s” gives both an end date and a number of times"),
                   text);
      return NULL;
    }

  {
    g_autofree char *result = rule_to_string (&rule, TRUE);

    /* The reader only builds rules inside the subset, but the subset is defined in one
     * place: rule_parse(). */
    if (!rule_parse (result, &rule, error))
      return NULL;

    return g_steal_pointer (&result);
  }
}

/* Explaining rules --------------------------------------------------------------------- */

static char *
join_words (GPtrArray *items,
            gboolean   disjunction)
{
  char *text;

  g_assert (items->len > 0);

  text = g_strdup (g_ptr_array_index (items, 0));

  for (guint i = 1; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);
      char       *longer;

      if (i + 1 < items->len)
        /* Translators: the middle of a list, "Monday, Tuesday and Friday" */
        longer = g_strdup_printf (_ ("%s, %s"), text, item);
      else if (disjunction)
        /* Translators: the end of a list of alternatives, "Friday or Saturday" */
        longer = g_strdup_printf (_ ("%s or %s"), text, item);
      else
        /* Translators: the end of a list, "Monday and Friday" */
        longer = g_strdup_printf (_ ("%s and %s"), text, item);

      g_free (text);
      text = longer;
    }

  return text;
}

static char *
describe_weekdays (const Rule *rule,
                   gboolean    disjunction)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rule->n_days; i++)
    {
      const RuleDay *day = &rule->days[i];
      const char    *weekday = _ (weekday_names[day->weekday]);

      if (day->position > 0)
        /* Translators: "first Monday" */
        g_ptr_array_add (items, g_strdup_printf (_ ("%s %s"), _ (position_words[day->position]),
                                                 weekday));
      else if (day->position < 0)
        g_ptr_array_add (items, g_strdup_printf (_ ("%s %s"),
                                                 _ (last_position_words[-day->position]),
                                                 weekday));
      else
        g_ptr_array_add (items, g_strdup (weekday));
    }

  return join_words (items, disjunction);
}

static char *
describe_month_days (const Rule *rule)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rule->n_month_days; i++)
    {
      int day = rule->month_days[i];

      if (day > 0)
        g_ptr_array_add (items, g_strdup (_ (day_ordinals[day])));
      else if (day == -1)
        g_ptr_array_add (items, g_strdup (_ ("last day")));
      else if (day == -2)
        g_ptr_array_add (items, g_strdup (_ ("second-to-last day")));
      else
        /* Translators: "3rd-to-last day" of the month */
        g_ptr_array_add (items, g_strdup_printf (_ ("%s-to-last day"), _ (day_ordinals[-day])));
    }

  return join_words (items, FALSE);
}

static gboolean
is_every_weekday (const Rule *rule)
{
  guint seen = 0;

  if (rule->n_days != 5)
    return FALSE;

  for (guint i = 0; i < rule->n_days; i++)
    if (rule->days[i].position == 0 && rule->days[i].weekday <= 5)
      seen |= 1u << rule->days[i].weekday;

  return seen == 0x3e;
}

static char *
describe_interval (const Rule *rule)
{
  int n = rule->interval;

  switch (rule->freq)
    {
    case FREQ_DAILY:
      return n == 1 ? g_strdup (_ ("Daily"))
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every %d day",
                                                    "Every %d days", n),
                                       n);
    case FREQ_WEEKLY:
      return n == 1 ? g_strdup (_ ("Weekly"))
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every %d week",
                                                    "Every %d weeks", n),
                                       n);
    case FREQ_MONTHLY:
      return n == 1 ? g_strdup (_ ("Monthly"))
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every %d month",
                                                    "Every %d months", n),
                                       n);
    case FREQ_YEARLY:
      return n == 1 ? g_strdup (_ ("Yearly"))
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every %d year",
                                                    "Every %d years", n),
                                       n);
    default:
      g_assert_not_reached ();
    }
}

static char *
describe_frequency (const Rule *rule)
{
  g_autofree char *base = NULL;
  g_autofree char *days = NULL;
  g_autofree char *month_days = NULL;

  /* Interval 1 reads better as "Every Monday" than as "Weekly on Monday". */
  if (rule->interval == 1 && rule->n_month_days == 0 &&
      (rule->freq == FREQ_WEEKLY || rule->freq == FREQ_DAILY) && rule->n_days > 0)
    {
      if (is_every_weekday (rule))
        return g_strdup (_ ("Every weekday"));

      days = describe_weekdays (rule, FALSE);
      /* Translators: "Every Monday and Wednesday" */
      return g_strdup_printf (_ ("Every %s"), days);
    }

  base = describe_interval (rule);

  if (rule->n_month_days > 0)
    {
      month_days = describe_month_days (rule);

      if (rule->n_days > 0)
        {
          days = describe_weekdays (rule, TRUE);
          /* Translators: "Monthly on the 13th when it is a Friday" */
          return g_strdup_printf (_ ("%s on the %s when it is a %s"), base, month_days, days);
        }

      /* Translators: "Monthly on the 15th", "Every 2 months on the last day" */
      return g_strdup_printf (_ ("%s on the %s"), base, month_days);
    }

  if (rule->n_days > 0)
    {
      if (rule->freq == FREQ_MONTHLY && rule->days[0].position != 0)
        {
          days = describe_weekdays (rule, FALSE);
          /* Translators: "Monthly on the first Monday" */
          return g_strdup_printf (_ ("%s on the %s"), base, days);
        }

      days = describe_weekdays (rule, FALSE);
      if (rule->freq == FREQ_MONTHLY)
        /* Translators: "Monthly, every Monday" (every Monday of every month) */
        return g_strdup_printf (_ ("%s, every %s"), base, days);

      /* Translators: "Every 2 weeks on Monday and Wednesday" */
      return g_strdup_printf (_ ("%s on %s"), base, days);
    }

  return g_steal_pointer (&base);
}

/**
 * adiuva_recurrence_describe:
 * @rule: a valid RRULE
 *
 * Says @rule in words, such as "Every 2 weeks on Monday and Wednesday, until 31 January
 * 2027", "Daily" or "Every 3 days, 5 times".
 *
 * Returns: (transfer full) (nullable): the description, or %NULL if @rule is not valid
 */
char *
adiuva_recurrence_describe (const char *rule)
{
  g_autofree char *text = NULL;
  Rule             parsed;

  g_return_val_if_fail (rule != NULL, NULL);

  if (!rule_parse (rule, &parsed, NULL))
    return NULL;

  text = describe_frequency (&parsed);

  if (parsed.count == 1)
    {
      /* Translators: "Daily, once" — the rule ends after one more time */
      return g_strdup_printf (_ ("%s, once"), text);
    }
  else if (parsed.count > 1)
    {
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %d time", "%s, %d times",
                                           parsed.count),
                              text, parsed.count);
    }
  else if (g_date_valid (&parsed.until))
    {
      g_autoptr (GDateTime) until = g_date_time_new_utc (g_date_get_year (&parsed.until),
                                                         g_date_get_month (&parsed.until),
                                                         g_date_get_day (&parsed.until),
                                                         0, 0, 0);
      /* Translators: a date as in "until 31 January 2027", see g_date_time_format() */
      g_autofree char *date = g_date_time_format (until, _ ("%-d %B %Y"));

      /* Translators: "Daily, until 31 January 2027" */
      return g_strdup_printf (_ ("%s, until %s"), text, date);
    }

  return g_steal_pointer (&text);
}

/* Completing a task ----------------------------------------------------------------------- */

/**
 * adiuva_recurrence_next:
 * @rule: the task's RRULE
 * @due: (nullable): the task's due date, or %NULL when it has none (today is used)
 * @now: the current time, whose day decides which occurrences are already past
 * @next_due: (out) (transfer full) (nullable): where to store the next due date
 * @next_rule: (out) (transfer full) (nullable): where to store the rule to keep with it
 * @error: return location for an %ADIUVA_STORE_ERROR_INVALID error
 *
 * Works out when a repeating task is due again once it is completed. @next_due is the
 * first occurrence after @due's date that is not before the start of @now's day, at
 * @due's time of day in @due's time zone. Occurrences skipped on the way (a task completed
 * late) count towards COUNT, so @next_rule is @rule with COUNT lowered by one plus the
 * skipped occurrences, or @rule unchanged when it has no COUNT.
 *
 * When the series is over (COUNT used up, past UNTIL), both @next_due and @next_rule are
 * set to %NULL and %TRUE is returned.
 *
 * Returns: %TRUE on success, %FALSE if @rule is not valid
 */
gboolean
adiuva_recurrence_next (const char *rule,
                        GDateTime  *due,
                        GDateTime  *now,
                        GDateTime **next_due,
                        char      **next_rule,
                        GError    **error)
{
  g_autoptr (icalrecur_iterator) iter = NULL;
  g_autoptr (GDateTime) start_of_today = NULL;
  g_autoptr (GDateTime) found = NULL;
  g_autofree char          *expanded = NULL;
  struct icalrecurrencetype recur;
  struct icaltimetype       dtstart;
  GDateTime                *base;
  GTimeZone                *tz;
  Rule                      parsed;
  int                       year, month, day;
  int                       hour = 0, minute = 0;
  double                    seconds = 0;
  int                       skipped = 0;

  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (next_due != NULL, FALSE);
  g_return_val_if_fail (next_rule != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *next_due = NULL;
  *next_rule = NULL;

  if (!rule_parse (rule, &parsed, error))
    return FALSE;

  base = due != NULL ? due : now;
  tz = g_date_time_get_timezone (base);
  g_date_time_get_ymd (base, &year, &month, &day);
  if (due != NULL)
    {
      hour = g_date_time_get_hour (due);
      minute = g_date_time_get_minute (due);
      seconds = g_date_time_get_seconds (due);
    }

  {
    int y, m, d;

    g_date_time_get_ymd (now, &y, &m, &d);
    start_of_today = g_date_time_new (g_date_time_get_timezone (now), y, m, d, 0, 0, 0);
  }

  /* The completed occurrence was the last one. */
  if (parsed.count == 1)
    return TRUE;

  /* COUNT is ours to keep: libical would count from DTSTART, which is only the current
   * due date, and stop before the occurrences the loop below wants to see skipped. */
  expanded = rule_to_string (&parsed, FALSE);
  icalerror_clear_errno ();
  recur = icalrecurrencetype_from_string (expanded);
  g_assert (recur.freq != ICAL_NO_RECURRENCE);

  dtstart = icaltime_null_time ();
  dtstart.year = year;
  dtstart.month = month;
  dtstart.day = day;
  dtstart.is_date = 1;

  iter = icalrecur_iterator_new (recur, dtstart);
  if (iter == NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The repeat rule “%s” cannot be expanded from %04d-%02d-%02d"), rule,
                   year, month, day);
      return FALSE;
    }

  for (guint steps = 0; found == NULL; steps++)
    {
      struct icaltimetype occurrence = icalrecur_iterator_next (iter);
      g_autoptr (GDateTime) candidate = NULL;

      if (icaltime_is_null_time (occurrence))
        return TRUE;

      if (steps >= MAX_STEPS)
        {
          g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                       _ ("The repeat rule “%s” has too many occurrences between %04d-%02d-%02d "
                          "and today"),
                       rule, year, month, day);
          return FALSE;
        }

      /* libical starts with DTSTART itself, which is the occurrence being completed. */
      if (occurrence.year < year || (occurrence.year == year && (occurrence.month < month ||
                                                                 (occurrence.month == month &&
                                                                  occurrence.day <= day))))
        continue;

      candidate = g_date_time_new (tz, occurrence.year, occurrence.month, occurrence.day,
                                   hour, minute, seconds);
      if (candidate == NULL)
        return TRUE;

      if (g_date_time_compare (candidate, start_of_today) >= 0)
        {
          found = g_steal_pointer (&candidate);
          break;
        }

      skipped++;
      if (parsed.count > 0 && parsed.count - 1 - skipped < 1)
        return TRUE;
    }

  if (parsed.count > 0)
    {
      parsed.count -= 1 + skipped;
      *next_rule = rule_to_string (&parsed, TRUE);
    }
  else
    {
      *next_rule = g_strdup (rule);
    }

  *next_due = g_steal_pointer (&found);
  return TRUE;
}
