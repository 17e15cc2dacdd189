/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <string.h>

#include "adiuva-redact.h"

/* Header names whose values are credentials, as "name: value" or "name=value". */
static const char *const secret_names[] = {
  "proxy-authorization",
  "authorization",
  "x-goog-api-key",
  "x-api-key",
  "api-key",
  "api_key",
};

static gboolean
is_token_end (char c)
{
  return c == '\0' || g_ascii_isspace (c) || strchr ("&,;\"'<>)]}", c) != NULL;
}

static gboolean
is_word_start (const char *text,
               const char *at)
{
  return at == text || !(g_ascii_isalnum (at[-1]) || at[-1] == '-' || at[-1] == '_');
}

/* Copies the token at @p as ADIUVA_REDACTED and returns what follows it. */
static const char *
redact_token (GString    *out,
              const char *p)
{
  const char *end = p;

  while (!is_token_end (*end))
    end++;
  if (end > p)
    g_string_append (out, ADIUVA_REDACTED);
  return end;
}

/* Length of a credential marker at @at ("Authorization: ", "key=", "Bearer "), or 0. */
static gsize
match_marker (const char *text,
              const char *at)
{
  if (!is_word_start (text, at))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (secret_names); i++)
    {
      gsize n = strlen (secret_names[i]);

      if (g_ascii_strncasecmp (at, secret_names[i], n) == 0)
        {
          const char *p = at + n;

          if (*p == '"')
            p++; /* JSON: "api_key": "…" */
          while (*p == ' ')
            p++;
          if (*p != ':' && *p != '=')
            continue;
          p++;
          while (*p == ' ' || *p == '"')
            p++;
          return p - at;
        }
    }

  if (g_ascii_strncasecmp (at, "key=", 4) == 0 && (at == text || strchr ("?& \t", at[-1]) != NULL))
    return 4;
  if (g_ascii_strncasecmp (at, "bearer ", 7) == 0 || g_ascii_strncasecmp (at, "basic ", 6) == 0)
    return at[1] == 'e' || at[1] == 'E' ? 7 : 6;

  return 0;
}

/**
 * adiuva_redact_secrets:
 * @text: (nullable): a log line, a header dump, a URL
 *
 * Replaces credentials in @text by `[redacted]`: the values of `Authorization`,
 * `Proxy-Authorization`, `x-api-key`, `api-key`, `x-goog-api-key` and `api_key` written as
 * `name: value` or `name=value` (an authorization scheme such as `Bearer` is kept), the token
 * after `Bearer ` or `Basic ` anywhere, and a `key=` query parameter. Everything else is kept
 * as it is, so the line stays useful.
 *
 * Returns: (transfer full) (nullable): the redacted text, %NULL for %NULL
 */
char *
adiuva_redact_secrets (const char *text)
{
  GString    *out;
  const char *p;

  if (text == NULL)
    return NULL;

  out = g_string_sized_new (strlen (text));
  p = text;
  while (*p != '\0')
    {
      gsize n = match_marker (text, p);

      if (n == 0)
        {
          g_string_append_c (out, *p++);
          continue;
        }

      g_string_append_len (out, p, n);
      p += n;
      /* "Authorization: Bearer xyz": keep the scheme, redact what follows it. */
      if (g_ascii_strncasecmp (p, "bearer ", 7) == 0 || g_ascii_strncasecmp (p, "basic ", 6) == 0)
        continue;
      p = redact_token (out, p);
    }

  return g_string_free (out, FALSE);
}
