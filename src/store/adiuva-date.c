/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-date"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "adiuva-date-private.h"

char *
adiuva_date_format_floating (GDateTime *date_time,
                             gboolean   has_time)
{
  g_return_val_if_fail (date_time != NULL, NULL);

  return g_date_time_format (date_time, has_time ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d");
}

/**
 * adiuva_date_parse_floating:
 * @tz: (nullable): the zone to read it in, local when %NULL
 * @has_time: (out) (optional): whether @text carried a time of day
 *
 * Returns: (nullable): the date, or %NULL when @text is not a floating date
 */
GDateTime *
adiuva_date_parse_floating (const char *text,
                            GTimeZone  *tz,
                            gboolean   *has_time)
{
  g_autoptr (GTimeZone) local = NULL;
  int      year, month, day, hour = 0, minute = 0, second = 0;
  int      consumed = 0;
  gboolean timed = FALSE;

  if (text == NULL)
    return NULL;

  if (sscanf (text, "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 || consumed != 10)
    return NULL;

  if (text[10] == 'T' || text[10] == ' ')
    {
      int time_consumed = 0;

      if (sscanf (text + 11, "%2d:%2d%n", &hour, &minute, &time_consumed) != 2)
        return NULL;
      if (text[11 + time_consumed] == ':' &&
          sscanf (text + 12 + time_consumed, "%2d", &second) != 1)
        return NULL;
      timed = TRUE;
    }
  else if (text[10] != '\0')
    return NULL;

  if (!g_date_valid_dmy (day, month, year) || hour > 23 || minute > 59 || second > 59)
    return NULL;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  if (has_time != NULL)
    *has_time = timed;

  return g_date_time_new (tz, year, month, day, hour, minute, second);
}

/* "1", "1st", "22nd": a day of the month as people write it in English; 0 when @word is not. */
int
_adiuva_date_day_of_month_from_word (const char *word)
{
  gsize len;
  int   day = 0;

  if (word == NULL)
    return 0;

  len = strlen (word);
  if (len > 2 && (g_str_has_suffix (word, "st") || g_str_has_suffix (word, "nd") ||
                  g_str_has_suffix (word, "rd") || g_str_has_suffix (word, "th")))
    len -= 2;

  if (len == 0 || len > 2 || !g_ascii_isdigit (word[0]) || (len == 2 && !g_ascii_isdigit (word[1])))
    return 0;

  for (gsize i = 0; i < len; i++)
    day = day * 10 + (word[i] - '0');

  return day >= 1 && day <= 31 ? day : 0;
}
