/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-quick-add"

#include "config.h"

#include <string.h>

#include "adiuva-date-private.h"
#include "adiuva-quick-add.h"
#include "adiuva-recurrence.h"

/* The quick add reads one line of English the way people jot tasks down:
 *
 *   Send invoice to ACME tomorrow 5pm p1 #Website @billing
 *
 * Rules, decided once here and tested in tests/store/test-quick-add.c:
 *
 * - The text is cut into words at white space. Text in double quotes ("…" or “…”) is one
 *   word that is never interpreted and keeps its quotes in the title.
 * - `#Name` sets the project (the last one wins). `#` alone and `#123` (an issue number)
 *   stay in the title. `@tag` adds a tag; tags keep their order and the first spelling of
 *   tags that differ only in case. `p1`…`p4` and `!1`…`!4` set the priority (the last
 *   one wins). Trailing `,;:!?.` is not part of a name.
 * - Dates: today, tonight (today 20:00), tomorrow; a weekday name or abbreviation, or
 *   "next <weekday>", is the first such day strictly after today; "this <weekday>" may be
 *   today; "next week" is the next Monday, "next month" the 1st of next month; "in 3 days",
 *   "in a week", "in 2 months" (clamped to the month's last day), "in 2 hours"; 2026-12-01;
 *   12/01 (month/day) and 12/01/2027; "dec 1", "december 1st 2027", "1 december",
 *   "1st of dec". A date without a year is the next one that is not in the past, today
 *   included.
 * - "sun", "sat" and "wed" are also ordinary words, so they are only read as days after
 *   on/by/at/next/this.
 * - Times: 5pm, 5 pm, 5:30pm, 17:00, noon, midnight (00:00 of its day). A time without a
 *   date is today if still ahead, otherwise tomorrow. A date without a time is due at
 *   00:00 and due_has_time is FALSE.
 * - "at", "on" and "by" directly before a date or time go with it; elsewhere they are
 *   ordinary words ("Meet in Paris" keeps its "in").
 * - A repeat phrase that adiuva_recurrence_from_text() understands ("every monday",
 *   "daily until 2027-01-31", "every month on the 15th") is not a due date: its words stay
 *   in the title as they are, so "Water plants every monday" is not due on Monday with the
 *   title "Water plants every".
 * - When the text holds several dates or several times, the last of each is used and the
 *   earlier ones stay in the title: "Plan monday meeting tomorrow" is due tomorrow.
 *   An explicit time wins over the evening of "tonight" and the hour of "in 2 hours".
 * - Everything else is the title, single-spaced, in order. It is empty (never %NULL)
 *   when the whole text was understood; callers decide what to do then.
 */

G_DEFINE_BOXED_TYPE (AdiuvaQuickAdd, adiuva_quick_add, adiuva_quick_add_copy, adiuva_quick_add_free)

typedef struct
{
  char    *text; /* as typed */
  char    *word; /* ASCII lower case without trailing punctuation; NULL when quoted */
  gboolean used; /* understood, so not part of the title */
} Token;

typedef struct
{
  guint    first; /* first token, including an "at"/"on"/"by" before it */
  guint    n_tokens;
  gboolean has_date;
  GDate    date;
  int      hour; /* -1 when the span says no time */
  int      minute;
  gboolean weak_time; /* the hour of "tonight" or "in 2 hours", which a time overrides */
} Span;

typedef struct
{
  GPtrArray *tokens;
  GDateTime *now;
  GDate      today;
  guint      repeat_phrases_tried;
} Parser;

static void
token_free (gpointer data)
{
  Token *token = data;

  g_free (token->text);
  g_free (token->word);
  g_free (token);
}

static gboolean
is_open_quote (gunichar c)
{
  return c == '"' || c == 0x201C;
}

static gboolean
is_close_quote (gunichar c)
{
  return c == '"' || c == 0x201D;
}

static char *
make_word (const char *text)
{
  char *word = g_ascii_strdown (text, -1);
  gsize len = strlen (word);

  while (len > 1 && strchr (",;:!?.", word[len - 1]) != NULL)
    word[--len] = '\0';

  return word;
}

/* @text must be valid UTF-8. */
static GPtrArray *
tokenize (const char *text)
{
  GPtrArray  *tokens = g_ptr_array_new_with_free_func (token_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;
      gboolean    quoted;
      Token      *token;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;

      start = p;
      quoted = is_open_quote (g_utf8_get_char (p));

      if (quoted)
        {
          /* An unterminated quote runs to the end: better literal than misread. */
          p = g_utf8_next_char (p);
          while (*p != '\0' && !is_close_quote (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          if (*p != '\0')
            p = g_utf8_next_char (p);
        }

      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);

      token = g_new0 (Token, 1);
      token->text = g_strndup (start, p - start);
      token->word = quoted ? NULL : make_word (token->text);
      g_ptr_array_add (tokens, token);
    }

  return tokens;
}

static Token *
parser_token (Parser *self,
              guint   i)
{
  return g_ptr_array_index (self->tokens, i);
}

/* NULL past the end and for quoted text, so matchers need no other checks. */
static const char *
parser_word (Parser *self,
             guint   i)
{
  if (i >= self->tokens->len)
    return NULL;

  return parser_token (self, i)->word;
}

static gboolean
word_is (const char *word,
         const char *expected)
{
  return word != NULL && strcmp (word, expected) == 0;
}

static gboolean
is_digits (const char *text,
           gsize       len)
{
  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;

  return TRUE;
}

/* At most 4 digits, so no arithmetic below can overflow. */
static gboolean
parse_small_number (const char *text,
                    gsize       len,
                    int        *out)
{
  int value = 0;

  if (len > 4 || !is_digits (text, len))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    value = value * 10 + (text[i] - '0');

  *out = value;
  return TRUE;
}

static int
weekday_from_word (const char *word,
                   gboolean    introduced)
{
  static const struct
  {
    const char *name;
    int         weekday;
    gboolean    ambiguous;
  } days[] = {
    { "monday", G_DATE_MONDAY, FALSE },
    { "mon", G_DATE_MONDAY, FALSE },
    { "tuesday", G_DATE_TUESDAY, FALSE },
    { "tue", G_DATE_TUESDAY, FALSE },
    { "tues", G_DATE_TUESDAY, FALSE },
    { "wednesday", G_DATE_WEDNESDAY, FALSE },
    { "wed", G_DATE_WEDNESDAY, TRUE },
    { "thursday", G_DATE_THURSDAY, FALSE },
    { "thu", G_DATE_THURSDAY, FALSE },
    { "thur", G_DATE_THURSDAY, FALSE },
    { "thurs", G_DATE_THURSDAY, FALSE },
    { "friday", G_DATE_FRIDAY, FALSE },
    { "fri", G_DATE_FRIDAY, FALSE },
    { "saturday", G_DATE_SATURDAY, FALSE },
    { "sat", G_DATE_SATURDAY, TRUE },
    { "sunday", G_DATE_SUNDAY, FALSE },
    { "sun", G_DATE_SUNDAY, TRUE },
  };

  if (word == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    if (strcmp (word, days[i].name) == 0)
      return days[i].ambiguous && !introduced ? 0 : days[i].weekday;

  return 0;
}

static int
month_from_word (const char *word)
{
  static const struct
  {
    const char *name;
    int         month;
  } months[] = {
    { "january", 1 },
    { "jan", 1 },
    { "february", 2 },
    { "feb", 2 },
    { "march", 3 },
    { "mar", 3 },
    { "april", 4 },
    { "apr", 4 },
    { "may", 5 },
    { "june", 6 },
    { "jun", 6 },
    { "july", 7 },
    { "jul", 7 },
    { "august", 8 },
    { "aug", 8 },
    { "september", 9 },
    { "sep", 9 },
    { "sept", 9 },
    { "october", 10 },
    { "oct", 10 },
    { "november", 11 },
    { "nov", 11 },
    { "december", 12 },
    { "dec", 12 },
  };

  if (word == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (strcmp (word, months[i].name) == 0)
      return months[i].month;

  return 0;
}

static int
year_from_word (const char *word)
{
  int year;

  if (word == NULL || strlen (word) != 4 || !parse_small_number (word, 4, &year) || year < 1000)
    return 0;

  return year;
}

static int
count_from_word (const char *word)
{
  static const char *const numbers[] = {
    "zero",
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
  int value;

  if (word == NULL)
    return -1;

  if (strcmp (word, "a") == 0 || strcmp (word, "an") == 0)
    return 1;

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (strcmp (word, numbers[i]) == 0)
      return i;

  if (parse_small_number (word, strlen (word), &value))
    return value;

  return -1;
}

/* GDateTime stops at the year 9999 and GDate arithmetic complains past 65535. */
static gboolean
span_set_date (Span        *span,
               const GDate *date)
{
  if (!g_date_valid (date) || g_date_get_year (date) > 9999)
    return FALSE;

  span->has_date = TRUE;
  span->date = *date;
  return TRUE;
}

static gboolean
span_set_next_weekday (Span        *span,
                       const GDate *today,
                       int          weekday,
                       gboolean     today_counts)
{
  GDate date = *today;
  int   delta = (weekday - (int) g_date_get_weekday (today) + 7) % 7;

  if (delta == 0 && !today_counts)
    delta = 7;

  g_date_add_days (&date, delta);
  return span_set_date (span, &date);
}

/* The first @day/@month that is not before @today; 29 February may be years away. */
static gboolean
span_set_next_month_day (Span        *span,
                         const GDate *today,
                         int          month,
                         int          day)
{
  int year = g_date_get_year (today);

  for (int k = 0; k <= 8; k++)
    {
      GDate date;

      if (!g_date_valid_dmy (day, month, year + k))
        continue;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, day, month, year + k);
      if (g_date_compare (&date, today) >= 0)
        return span_set_date (span, &date);
    }

  return FALSE;
}

static gboolean
span_set_dmy (Span *span,
              int   day,
              int   month,
              int   year)
{
  GDate date;

  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return span_set_date (span, &date);
}

/* "in 3 days", "in a week", "in 2 hours" */
static guint
match_relative (Parser *self,
                guint   i,
                Span   *span)
{
  g_autofree char *unit = NULL;
  const char      *unit_word;
  GDate            date = self->today;
  int              n;
  gsize            len;

  if (!word_is (parser_word (self, i), "in"))
    return 0;

  n = count_from_word (parser_word (self, i + 1));
  unit_word = parser_word (self, i + 2);
  if (n < 0 || unit_word == NULL)
    return 0;

  unit = g_strdup (unit_word);
  len = strlen (unit);
  if (len > 1 && unit[len - 1] == 's')
    unit[len - 1] = '\0';

  if (strcmp (unit, "min") == 0 || strcmp (unit, "minute") == 0 || strcmp (unit, "hr") == 0 ||
      strcmp (unit, "hour") == 0)
    {
      gboolean minutes = unit[0] == 'm';
      g_autoptr (GDateTime) then = NULL;
      int year, month, day;

      then = minutes ? g_date_time_add_minutes (self->now, n)
                     : g_date_time_add_hours (self->now, n);
      if (then == NULL)
        return 0;

      g_date_time_get_ymd (then, &year, &month, &day);
      if (!span_set_dmy (span, day, month, year))
        return 0;

      span->hour = g_date_time_get_hour (then);
      span->minute = g_date_time_get_minute (then);
      span->weak_time = TRUE;
      return 3;
    }

  if (strcmp (unit, "day") == 0)
    g_date_add_days (&date, n);
  else if (strcmp (unit, "week") == 0)
    g_date_add_days (&date, n * 7);
  else if (strcmp (unit, "month") == 0)
    g_date_add_months (&date, n);
  else if (strcmp (unit, "year") == 0)
    g_date_add_years (&date, n);
  else
    return 0;

  return span_set_date (span, &date) ? 3 : 0;
}

/* today, tonight, tomorrow, friday, next friday, this friday, next week, next month */
static guint
match_named_day (Parser  *self,
                 guint    i,
                 gboolean introduced,
                 Span    *span)
{
  const char *word = parser_word (self, i);
  const char *next = parser_word (self, i + 1);
  GDate       date = self->today;
  int         weekday;

  if (word == NULL)
    return 0;

  if (strcmp (word, "today") == 0)
    return span_set_date (span, &date) ? 1 : 0;

  if (strcmp (word, "tonight") == 0)
    {
      span->hour = 20;
      span->minute = 0;
      span->weak_time = TRUE;
      return span_set_date (span, &date) ? 1 : 0;
    }

  if (strcmp (word, "tomorrow") == 0)
    {
      g_date_add_days (&date, 1);
      return span_set_date (span, &date) ? 1 : 0;
    }

  if (strcmp (word, "next") == 0)
    {
      if (word_is (next, "week"))
        return span_set_next_weekday (span, &self->today, G_DATE_MONDAY, FALSE) ? 2 : 0;

      if (word_is (next, "month"))
        {
          g_date_set_day (&date, 1);
          g_date_add_months (&date, 1);
          return span_set_date (span, &date) ? 2 : 0;
        }

      weekday = weekday_from_word (next, TRUE);
      if (weekday != 0)
        return span_set_next_weekday (span, &self->today, weekday, FALSE) ? 2 : 0;

      return 0;
    }

  if (strcmp (word, "this") == 0)
    {
      weekday = weekday_from_word (next, TRUE);
      if (weekday != 0)
        return span_set_next_weekday (span, &self->today, weekday, TRUE) ? 2 : 0;

      return 0;
    }

  weekday = weekday_from_word (word, introduced);
  if (weekday != 0)
    return span_set_next_weekday (span, &self->today, weekday, FALSE) ? 1 : 0;

  return 0;
}

/* 2026-12-01, 12/01, 12/01/2027 */
static guint
match_numeric_date (Parser *self,
                    guint   i,
                    Span   *span)
{
  const char *word = parser_word (self, i);
  g_auto (GStrv) parts = NULL;
  int year, month, day;

  if (word == NULL)
    return 0;

  if (strlen (word) == 10 && word[4] == '-' && word[7] == '-')
    {
      if (!parse_small_number (word, 4, &year) || !parse_small_number (word + 5, 2, &month) ||
          !parse_small_number (word + 8, 2, &day))
        return 0;

      return span_set_dmy (span, day, month, year) ? 1 : 0;
    }

  if (strchr (word, '/') == NULL)
    return 0;

  parts = g_strsplit (word, "/", 4);
  if (g_strv_length (parts) < 2 || g_strv_length (parts) > 3 || strlen (parts[0]) > 2 ||
      strlen (parts[1]) > 2 || !parse_small_number (parts[0], strlen (parts[0]), &month) ||
      !parse_small_number (parts[1], strlen (parts[1]), &day))
    return 0;

  if (parts[2] != NULL)
    {
      year = year_from_word (parts[2]);
      return year != 0 && span_set_dmy (span, day, month, year) ? 1 : 0;
    }

  if (month < 1 || month > 12 || day < 1 || day > 31)
    return 0;

  return span_set_next_month_day (span, &self->today, month, day) ? 1 : 0;
}

/* "dec 1", "december 1st 2027", "1 december", "1st of dec 2027" */
static guint
match_month_day (Parser *self,
                 guint   i,
                 Span   *span)
{
  int   month, day, year;
  guint n;

  month = month_from_word (parser_word (self, i));
  if (month != 0)
    {
      day = _adiuva_date_day_of_month_from_word (parser_word (self, i + 1));
      if (day == 0)
        return 0;
      n = 2;
    }
  else
    {
      day = _adiuva_date_day_of_month_from_word (parser_word (self, i));
      if (day == 0)
        return 0;

      n = word_is (parser_word (self, i + 1), "of") ? 2 : 1;
      month = month_from_word (parser_word (self, i + n));
      if (month == 0)
        return 0;
      n++;
    }

  year = year_from_word (parser_word (self, i + n));
  if (year != 0)
    return span_set_dmy (span, day, month, year) ? n + 1 : 0;

  return span_set_next_month_day (span, &self->today, month, day) ? n : 0;
}

/* 0 for none, 1 for am, 2 for pm, -1 for something else. */
static int
meridiem_from_text (const char *text)
{
  if (*text == '\0')
    return 0;
  if (strcmp (text, "am") == 0 || strcmp (text, "a.m") == 0)
    return 1;
  if (strcmp (text, "pm") == 0 || strcmp (text, "p.m") == 0)
    return 2;
  return -1;
}

/* "5pm", "5:30pm", "17:00", or "5" followed by "pm" */
static guint
match_clock (Parser *self,
             guint   i,
             Span   *span)
{
  const char *word = parser_word (self, i);
  const char *p;
  int         hour, minute = 0;
  int         meridiem;
  gboolean    colon = FALSE;
  guint       n = 1;
  gsize       digits;

  if (word == NULL)
    return 0;

  for (digits = 0; g_ascii_isdigit (word[digits]); digits++)
    ;
  if (digits == 0 || digits > 2 || !parse_small_number (word, digits, &hour))
    return 0;

  p = word + digits;
  if (*p == ':')
    {
      if (!g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]))
        return 0;
      minute = (p[1] - '0') * 10 + (p[2] - '0');
      colon = TRUE;
      p += 3;
    }

  meridiem = meridiem_from_text (p);
  if (meridiem < 0)
    return 0;

  /* A lone number is a count ("Buy 5 apples") unless am/pm follows it. */
  if (meridiem == 0 && !colon)
    {
      const char *next = parser_word (self, i + 1);

      meridiem = next != NULL ? meridiem_from_text (next) : -1;
      if (meridiem <= 0)
        return 0;
      n = 2;
    }

  if (minute > 59)
    return 0;

  if (meridiem == 0)
    {
      if (hour > 23)
        return 0;
    }
  else
    {
      if (hour < 1 || hour > 12)
        return 0;
      hour = hour % 12 + (meridiem == 2 ? 12 : 0);
    }

  span->hour = hour;
  span->minute = minute;
  return n;
}

static guint
match_time (Parser *self,
            guint   i,
            Span   *span)
{
  const char *word = parser_word (self, i);

  if (word_is (word, "noon"))
    {
      span->hour = 12;
      span->minute = 0;
      return 1;
    }

  if (word_is (word, "midnight"))
    {
      span->hour = 0;
      span->minute = 0;
      return 1;
    }

  return match_clock (self, i, span);
}

static void
span_init (Span *span)
{
  memset (span, 0, sizeof *span);
  g_date_clear (&span->date, 1);
  span->hour = -1;
}

static guint
match_span (Parser  *self,
            guint    i,
            gboolean introduced,
            Span    *span)
{
  guint n = 0;

  span_init (span);

  if (!introduced)
    n = match_relative (self, i, span);
  if (n == 0)
    n = match_named_day (self, i, introduced, span);
  if (n == 0)
    n = match_numeric_date (self, i, span);
  if (n == 0)
    n = match_month_day (self, i, span);
  if (n == 0)
    n = match_time (self, i, span);

  /* A matcher that failed half-way may have written to the span. */
  if (n == 0)
    span_init (span);

  return n;
}

/* Each try costs a parse of the phrase, so pasted text full of "every" must not try
 * forever; no real line holds more than a couple of repeat phrases or longer ones. */
#define MAX_REPEAT_WORDS 16
#define MAX_REPEAT_PHRASES 8

/* How many words from @i on make the longest repeat phrase, or 0. */
static guint
match_repeat_phrase (Parser *self,
                     guint   i)
{
  static const char *const first_words[] = {
    "every",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "annually",
  };
  g_autoptr (GString) phrase = NULL;
  gboolean starts = FALSE;
  guint    longest = 0;

  for (guint k = 0; k < G_N_ELEMENTS (first_words); k++)
    starts |= word_is (parser_word (self, i), first_words[k]);
  if (!starts || self->repeat_phrases_tried >= MAX_REPEAT_PHRASES)
    return 0;

  self->repeat_phrases_tried++;
  phrase = g_string_new (NULL);
  for (guint k = i; k < self->tokens->len && k < i + MAX_REPEAT_WORDS; k++)
    {
      g_autofree char *rule = NULL;

      if (parser_word (self, k) == NULL)
        break;

      if (k > i)
        g_string_append_c (phrase, ' ');
      g_string_append (phrase, parser_token (self, k)->text);

      rule = adiuva_recurrence_from_text (phrase->str, NULL);
      if (rule != NULL)
        longest = k - i + 1;
    }

  return longest;
}

/* What follows "#" or "@", if it is a name and not "#" alone, "#123" or "@,". */
static char *
name_after_sigil (const char *text)
{
  g_autofree char *name = g_strdup (text + 1);
  gsize            len = strlen (name);
  gboolean         has_alnum = FALSE;
  gboolean         all_digits = TRUE;

  while (len > 0 && strchr (",;:!?.", name[len - 1]) != NULL)
    name[--len] = '\0';

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        has_alnum = TRUE;
      if (!g_unichar_isdigit (c))
        all_digits = FALSE;
    }

  if (!has_alnum || (text[0] == '#' && all_digits))
    return NULL;

  return g_steal_pointer (&name);
}

static gboolean
is_priority (const char *word,
             int        *priority)
{
  if (word == NULL || strlen (word) != 2 || (word[0] != 'p' && word[0] != '!') || word[1] < '1' ||
      word[1] > '4')
    return FALSE;

  *priority = word[1] - '0';
  return TRUE;
}

static void
add_tag (GPtrArray  *tags,
         const char *tag)
{
  g_autofree char *folded = g_utf8_casefold (tag, -1);

  for (guint i = 0; i < tags->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (g_ptr_array_index (tags, i), -1);

      if (strcmp (folded, other) == 0)
        return;
    }

  g_ptr_array_add (tags, g_strdup (tag));
}

static void
mark_used (Parser     *self,
           const Span *span)
{
  for (guint k = span->first; k < span->first + span->n_tokens; k++)
    parser_token (self, k)->used = TRUE;
}

static gboolean
is_introducer (const char *word)
{
  return word_is (word, "at") || word_is (word, "on") || word_is (word, "by");
}

/**
 * adiuva_quick_add_parse:
 * @text: one line such as `Send invoice to ACME tomorrow 5pm p1 #Website @billing`
 * @now: the current time; its time zone is the one dates are read in
 *
 * Reads the title, due date, priority, project and tags out of a line of English. Any
 * text is accepted, including invalid UTF-8 (repaired first). The rules are described at
 * the top of adiuva-quick-add.c.
 *
 * Returns: (transfer full): what was understood
 */
AdiuvaQuickAdd *
adiuva_quick_add_parse (const char *text,
                        GDateTime  *now)
{
  g_autoptr (AdiuvaQuickAdd) self = NULL;
  g_autoptr (GPtrArray) tokens = NULL;
  g_autoptr (GPtrArray) tags = NULL;
  g_autoptr (GArray) spans = NULL;
  g_autofree char *valid = NULL;
  g_autoptr (GString) title = NULL;
  const Span *date_span = NULL;
  const Span *time_span = NULL;
  Parser      parser;
  int         year, month, day;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);

  tokens = tokenize (valid);
  parser.tokens = tokens;
  parser.now = now;
  parser.repeat_phrases_tried = 0;
  g_date_time_get_ymd (now, &year, &month, &day);
  g_date_clear (&parser.today, 1);
  g_date_set_dmy (&parser.today, day, month, year);

  self = g_new0 (AdiuvaQuickAdd, 1);
  tags = g_ptr_array_new_with_free_func (g_free);
  spans = g_array_new (FALSE, FALSE, sizeof (Span));

  for (guint i = 0; i < parser.tokens->len;)
    {
      Token *token = parser_token (&parser, i);
      Span   span;
      guint  n;

      if (token->word == NULL)
        {
          i++;
          continue;
        }

      if (token->text[0] == '#' || token->text[0] == '@')
        {
          g_autofree char *name = name_after_sigil (token->text);

          if (name != NULL && token->text[0] == '#')
            {
              g_free (self->project);
              self->project = g_steal_pointer (&name);
              token->used = TRUE;
            }
          else if (name != NULL)
            {
              add_tag (tags, name);
              token->used = TRUE;
            }
          i++;
          continue;
        }

      if (is_priority (token->word, &self->priority))
        {
          token->used = TRUE;
          i++;
          continue;
        }

      n = match_repeat_phrase (&parser, i);
      if (n > 0)
        {
          i += n;
          continue;
        }

      if (is_introducer (token->word))
        n = match_span (&parser, i + 1, TRUE, &span);

      if (n > 0)
        {
          span.first = i;
          span.n_tokens = n + 1;
        }
      else
        {
          n = match_span (&parser, i, FALSE, &span);
          span.first = i;
          span.n_tokens = n;
        }

      if (span.n_tokens == 0)
        {
          i++;
          continue;
        }

      g_array_append_val (spans, span);
      i += span.n_tokens;
    }

  for (guint k = 0; k < spans->len; k++)
    {
      const Span *span = &g_array_index (spans, Span, k);

      if (span->has_date)
        date_span = span;
      if (span->hour >= 0 && !span->weak_time)
        time_span = span;
    }
  if (time_span == NULL && date_span != NULL && date_span->hour >= 0)
    time_span = date_span;

  if (date_span != NULL || time_span != NULL)
    {
      GTimeZone *tz = g_date_time_get_timezone (now);
      GDate      date = date_span != NULL ? date_span->date : parser.today;
      int        hour = time_span != NULL ? time_span->hour : 0;
      int        minute = time_span != NULL ? time_span->minute : 0;

      self->due = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                                   g_date_get_day (&date), hour, minute, 0);
      self->due_has_time = time_span != NULL;

      if (date_span == NULL && self->due != NULL && g_date_time_compare (self->due, now) <= 0)
        {
          g_date_add_days (&date, 1);
          g_clear_pointer (&self->due, g_date_time_unref);
          self->due = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                                       g_date_get_day (&date), hour, minute, 0);
        }

      /* Only the last day of year 9999 can get here; leave the words in the title. */
      if (self->due == NULL)
        {
          self->due_has_time = FALSE;
          date_span = time_span = NULL;
        }
    }

  if (date_span != NULL)
    mark_used (&parser, date_span);
  if (time_span != NULL)
    mark_used (&parser, time_span);

  title = g_string_new (NULL);
  for (guint i = 0; i < parser.tokens->len; i++)
    {
      Token *token = parser_token (&parser, i);

      if (token->used)
        continue;
      if (title->len > 0)
        g_string_append_c (title, ' ');
      g_string_append (title, token->text);
    }

  self->title = g_string_free (g_steal_pointer (&title), FALSE);
  g_ptr_array_add (tags, NULL);
  self->tags = (GStrv) g_ptr_array_free (g_steal_pointer (&tags), FALSE);

  return g_steal_pointer (&self);
}

/**
 * adiuva_quick_add_copy:
 * @self: an #AdiuvaQuickAdd
 *
 * Returns: (transfer full): a deep copy of @self
 */
AdiuvaQuickAdd *
adiuva_quick_add_copy (const AdiuvaQuickAdd *self)
{
  AdiuvaQuickAdd *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AdiuvaQuickAdd, 1);
  copy->title = g_strdup (self->title);
  copy->due = self->due != NULL ? g_date_time_ref (self->due) : NULL;
  copy->due_has_time = self->due_has_time;
  copy->priority = self->priority;
  copy->project = g_strdup (self->project);
  copy->tags = self->tags != NULL ? g_strdupv (self->tags) : g_new0 (char *, 1);

  return copy;
}

/**
 * adiuva_quick_add_free:
 * @self: (nullable): an #AdiuvaQuickAdd
 *
 * Frees @self and everything it holds.
 */
void
adiuva_quick_add_free (AdiuvaQuickAdd *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_clear_pointer (&self->due, g_date_time_unref);
  g_free (self->project);
  g_strfreev (self->tags);
  g_free (self);
}
