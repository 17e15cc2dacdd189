/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-ndjson-decoder.h"

/* Newline-delimited JSON (Ollama's /api/chat and /api/generate streams). Rules, decided once
 * here and tested in tests/gateway/test-ndjson-decoder.c:
 *
 * - Input is bytes in chunks of any size; a partial line is kept until its LF arrives.
 * - Only LF ends a line. A CR right before it (CRLF), or right before the end of the body,
 *   is dropped; a CR anywhere else is part of the line, as JSON allows it as white space.
 * - Lines of only spaces, tabs and that CR are skipped: servers send them as keep-alives.
 * - At the end of the body (finish) a last line without its LF is still a line.
 * - A line longer than max_line_size bytes (counting its CR, not its LF) fails with
 *   ADIUVA_GATEWAY_ERROR_TOO_LARGE, tested on partial lines too, so how the body is split
 *   never changes the outcome.
 * - The _json variants parse each line with json-glib. A line that is not UTF-8 or not one
 *   JSON value (json-glib reads a line of only a C comment as none) fails with
 *   ADIUVA_GATEWAY_ERROR_PROTOCOL; the message quotes the start of the line so a user can
 *   tell an HTML error page from a cut-off object.
 * - After an error, ours or the callback's, the decoder takes no more input.
 */

#define LINE_SIZE 1024
#define SHRINK_ABOVE (16 * 1024)
#define EXCERPT_SIZE 80

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

struct _AdiuvaNdjsonDecoder
{
  gsize    max_line_size;
  GString *line;        /* the line being read, whole lines included, so it is NUL-terminated */
  guint64  line_number; /* of the last line read, counting blank ones, for error messages */
  guint64  n_lines;
  guint    finished : 1;
  guint    failed : 1;
};

typedef struct
{
  AdiuvaNdjsonLineFunc func;
  gpointer             user_data;
} Sink;

typedef struct
{
  AdiuvaNdjsonDecoder *self;
  AdiuvaNdjsonJsonFunc func;
  gpointer             user_data;
} JsonSink;

/**
 * adiuva_ndjson_decoder_new:
 * @max_line_size: the most bytes one line may have, for example
 *   %ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE
 *
 * Returns: (transfer full): a decoder for one response body
 */
AdiuvaNdjsonDecoder *
adiuva_ndjson_decoder_new (gsize max_line_size)
{
  AdiuvaNdjsonDecoder *self;

  g_return_val_if_fail (max_line_size > 0, NULL);

  self = g_new0 (AdiuvaNdjsonDecoder, 1);
  self->max_line_size = max_line_size;
  self->line = g_string_sized_new (LINE_SIZE);

  return self;
}

void
adiuva_ndjson_decoder_free (AdiuvaNdjsonDecoder *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_free (self);
}

/* One huge line must not pin its memory for the rest of a long stream. */
static void
clear_line (AdiuvaNdjsonDecoder *self)
{
  if (self->line->allocated_len > SHRINK_ABOVE)
    {
      g_string_free (self->line, TRUE);
      self->line = g_string_sized_new (LINE_SIZE);
    }
  else
    g_string_truncate (self->line, 0);
}

static gboolean
is_blank (const char *line,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return FALSE;

  return TRUE;
}

static gboolean
deliver (AdiuvaNdjsonDecoder *self,
         const Sink          *sink,
         GError             **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean ok;

  self->line_number++;

  if (self->line->len > 0 && self->line->str[self->line->len - 1] == '\r')
    g_string_truncate (self->line, self->line->len - 1);

  if (is_blank (self->line->str, self->line->len))
    {
      clear_line (self);
      return TRUE;
    }

  self->n_lines++;
  ok = sink->func (self->line->str, self->line->len, sink->user_data, &local_error);
  if (!ok && local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!ok)
    g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED,
                         _ ("Reading the provider’s stream stopped for no given reason."));

  clear_line (self);
  return ok;
}

static gboolean
append (AdiuvaNdjsonDecoder *self,
        const char          *data,
        gsize                len,
        GError             **error)
{
  /* line->len never exceeds the limit, so this cannot wrap. */
  if (len > self->max_line_size - self->line->len)
    {
      g_autofree char *limit = g_format_size (self->max_line_size);

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE,
                   _ ("The provider sent a streamed line longer than %s."), limit);
      return FALSE;
    }

  g_string_append_len (self->line, data, len);
  return TRUE;
}

static gboolean
decode (AdiuvaNdjsonDecoder *self,
        const char          *buf,
        gsize                len,
        const Sink          *sink,
        GError             **error)
{
  gsize i = 0;

  while (i < len)
    {
      const char *lf = memchr (buf + i, '\n', len - i);

      if (lf == NULL)
        return append (self, buf + i, len - i, error);

      if (!append (self, buf + i, lf - (buf + i), error) || !deliver (self, sink, error))
        return FALSE;
      i = lf - buf + 1;
    }

  return TRUE;
}

/* At most EXCERPT_SIZE bytes of @line, cut between characters, with control characters and
 * invalid UTF-8 shown as U+FFFD so the message stays printable. */
static char *
make_excerpt (const char *line,
              gsize       len)
{
  GString    *excerpt = g_string_sized_new (EXCERPT_SIZE + 4);
  const char *p = line;
  const char *end = line + len;

  while (p < end)
    {
      const char *piece = p;
      gsize       piece_len = 1;
      gsize       skip = 1;
      guchar      b = *p;

      if (b < 0x20 || b == 0x7f)
        {
          piece = REPLACEMENT_CHARACTER;
          piece_len = strlen (REPLACEMENT_CHARACTER);
        }
      else if (b >= 0x80)
        {
          gunichar c = g_utf8_get_char_validated (p, end - p);

          if (c < 0x110000)
            piece_len = skip = g_utf8_next_char (p) - p;
          else
            {
              piece = REPLACEMENT_CHARACTER;
              piece_len = strlen (REPLACEMENT_CHARACTER);
            }
        }

      if (excerpt->len + piece_len > EXCERPT_SIZE)
        break;
      g_string_append_len (excerpt, piece, piece_len);
      p += skip;
    }

  if (p < end)
    g_string_append (excerpt, "…");

  return g_string_free (excerpt, FALSE);
}

static gboolean
parse_line_cb (const char *line,
               gsize       len,
               gpointer    user_data,
               GError    **error)
{
  JsonSink *sink = user_data;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *excerpt = NULL;
  JsonNode        *root;

  if (!g_utf8_validate_len (line, len, NULL))
    {
      excerpt = make_excerpt (line, len);
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("Line %lu of the provider’s stream is not valid UTF-8: “%s”"),
                   (gulong) sink->self->line_number, excerpt);
      return FALSE;
    }

  /* A parser per line, so that no parsed tree outlives its callback in a long stream. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, line, len, &local_error))
    {
      excerpt = make_excerpt (line, len);
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("Line %lu of the provider’s stream is not valid JSON (%s): “%s”"),
                   (gulong) sink->self->line_number, local_error->message, excerpt);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      excerpt = make_excerpt (line, len);
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("Line %lu of the provider’s stream holds no JSON value: “%s”"),
                   (gulong) sink->self->line_number, excerpt);
      return FALSE;
    }

  return sink->func (root, sink->user_data, error);
}

/**
 * adiuva_ndjson_decoder_feed:
 * @self: a decoder
 * @data: (array length=len): the next bytes of the body, cut anywhere
 * @len: the number of bytes
 * @func: called once per complete line that is not blank; it must not feed this decoder
 * @user_data: for @func
 * @error: where to put what went wrong
 *
 * Delivers the lines that @data completes and keeps the rest for the next call.
 *
 * Returns: %TRUE, or %FALSE with @error set when a line is too long or @func stopped; the
 *   decoder then takes no more input
 */
gboolean
adiuva_ndjson_decoder_feed (AdiuvaNdjsonDecoder *self,
                            const guint8        *data,
                            gsize                len,
                            AdiuvaNdjsonLineFunc func,
                            gpointer             user_data,
                            GError             **error)
{
  Sink sink = { func, user_data };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (!self->failed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!decode (self, (const char *) data, len, &sink, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_ndjson_decoder_finish:
 * @self: a decoder
 * @func: called for a last line without its LF
 * @user_data: for @func
 * @error: where to put what went wrong
 *
 * Tells the decoder the body has ended. No input is taken after this.
 *
 * Returns: %TRUE, or %FALSE with @error set as for adiuva_ndjson_decoder_feed()
 */
gboolean
adiuva_ndjson_decoder_finish (AdiuvaNdjsonDecoder *self,
                              AdiuvaNdjsonLineFunc func,
                              gpointer             user_data,
                              GError             **error)
{
  Sink     sink = { func, user_data };
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (!self->failed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->finished = TRUE;
  if (self->line->len > 0)
    ok = deliver (self, &sink, error);

  self->failed = !ok;
  return ok;
}

/**
 * adiuva_ndjson_decoder_feed_json:
 * @self: a decoder
 * @data: (array length=len): the next bytes of the body, cut anywhere
 * @len: the number of bytes
 * @func: called with the JSON value of each complete line that is not blank
 * @user_data: for @func
 * @error: where to put what went wrong
 *
 * As adiuva_ndjson_decoder_feed(), but parses each line. Use either the _json variants or
 * the plain ones for one body.
 *
 * Returns: %TRUE, or %FALSE with @error set, %ADIUVA_GATEWAY_ERROR_PROTOCOL when a line is
 *   not JSON
 */
gboolean
adiuva_ndjson_decoder_feed_json (AdiuvaNdjsonDecoder *self,
                                 const guint8        *data,
                                 gsize                len,
                                 AdiuvaNdjsonJsonFunc func,
                                 gpointer             user_data,
                                 GError             **error)
{
  JsonSink sink = { self, func, user_data };

  g_return_val_if_fail (func != NULL, FALSE);

  return adiuva_ndjson_decoder_feed (self, data, len, parse_line_cb, &sink, error);
}

/**
 * adiuva_ndjson_decoder_finish_json:
 * @self: a decoder
 * @func: called with the JSON value of a last line without its LF
 * @user_data: for @func
 * @error: where to put what went wrong
 *
 * As adiuva_ndjson_decoder_finish(), but parses the last line.
 *
 * Returns: %TRUE, or %FALSE with @error set as for adiuva_ndjson_decoder_feed_json()
 */
gboolean
adiuva_ndjson_decoder_finish_json (AdiuvaNdjsonDecoder *self,
                                   AdiuvaNdjsonJsonFunc func,
                                   gpointer             user_data,
                                   GError             **error)
{
  JsonSink sink = { self, func, user_data };

  g_return_val_if_fail (func != NULL, FALSE);

  return adiuva_ndjson_decoder_finish (self, parse_line_cb, &sink, error);
}

/**
 * adiuva_ndjson_decoder_has_pending:
 * @self: a decoder
 *
 * Whether a partial line is waiting for its LF. Ask before adiuva_ndjson_decoder_finish()
 * to tell a body cut mid-line from a complete one.
 *
 * Returns: %TRUE if a partial line is pending
 */
gboolean
adiuva_ndjson_decoder_has_pending (AdiuvaNdjsonDecoder *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->line->len > 0;
}

/**
 * adiuva_ndjson_decoder_get_n_lines:
 * @self: a decoder
 *
 * Returns: how many lines that are not blank were delivered so far
 */
guint64
adiuva_ndjson_decoder_get_n_lines (AdiuvaNdjsonDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_lines;
}
