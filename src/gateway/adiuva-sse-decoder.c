/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-sse-decoder.h"

/* Server-sent events as the WHATWG EventSource parser reads them, with the choices an LLM
 * gateway needs. Rules, decided once here and tested in tests/gateway/test-sse-decoder.c:
 *
 * - Input is bytes in chunks of any size. A line ends at CRLF, LF or CR; a CR that ends one
 *   chunk and an LF that starts the next are one line end. A partial line is kept until its
 *   end arrives, so a UTF-8 sequence cut between chunks is whole again by then.
 * - One UTF-8 BOM at the very start of the body is skipped.
 * - A line starting with ':' is a comment (": OPENROUTER PROCESSING", keep-alives) and is
 *   skipped without being stored, however long it is.
 * - "name:value" loses at most one space after the colon; a line without a colon is a field
 *   with an empty value. Names are case-sensitive. `event` sets the type; `data` adds a line
 *   to the data (lines are joined with "\n"); `id` sets the last event id unless the value
 *   holds a NUL; `retry` sets the reconnection time when the value is all ASCII digits
 *   (clamped to G_MAXUINT). Other fields are ignored.
 * - A blank line dispatches the event if it had a `data` line (even an empty one), then
 *   forgets type and data. An event with only `event:` is dropped, as browsers do, and blank
 *   lines between events (keep-alives) do nothing. The id and retry carry over to later events.
 * - An event whose data is exactly "[DONE]" (OpenAI's end marker) is not dispatched: it marks
 *   the decoder done instead. Decoding goes on after it; what comes later is for the adapter
 *   to judge.
 * - Invalid UTF-8 and NUL bytes in types, data and ids become U+FFFD, one per bad byte, so
 *   callers get C strings they can hand to a JSON parser as they are. Real traffic is valid
 *   and is only validated, never copied twice.
 * - At the end of the body (finish) a partial last line counts as a line, and an event that
 *   lacks its closing blank line is still dispatched: some servers and recorded streams end
 *   right after the last `data:` line. Browsers drop such an event, but losing the final
 *   usage or stop event would be worse. Callers that need to know whether the body was cut
 *   mid-event ask has_pending() before finishing.
 * - The size of an event is the bytes of its lines (without comments and line ends) since the
 *   last blank line; beyond max_event_size decoding fails with ADIUVA_GATEWAY_ERROR_TOO_LARGE.
 *   A partial line is held to the same test, so how the body is split never changes the
 *   outcome and a stream holds a small multiple of the limit at most.
 * - After an error, ours or the callback's, the decoder takes no more input.
 */

#define LINE_SIZE 256
#define EVENT_SIZE 32
#define DATA_SIZE 1024
#define SHRINK_ABOVE (16 * 1024)

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"
#define DONE_MARKER "[DONE]"

struct _AdiuvaSseDecoder
{
  gsize    max_event_size;
  GString *line;       /* a line whose end has not arrived yet */
  GString *event;      /* the type of the event being assembled */
  GString *data;       /* its data lines, joined with "\n" */
  GString *id;         /* the last event id, which outlives events */
  gsize    event_size; /* bytes of the lines of the event being assembled */
  guint64  n_events;
  guint    retry_ms;
  guint    bom_matched; /* bytes at the start that may still be a BOM */
  guint    at_start : 1;
  guint    has_data : 1;
  guint    skip_lf : 1;    /* the last line ended with a CR, so an LF next belongs to it */
  guint    in_comment : 1; /* the rest of this line is a comment to skip */
  guint    done : 1;
  guint    finished : 1;
  guint    failed : 1;
};

typedef struct
{
  AdiuvaSseEventFunc func;
  gpointer           user_data;
} Sink;

static const char bom[] = "\xef\xbb\xbf";

/**
 * adiuva_sse_decoder_new:
 * @max_event_size: the most bytes one event's lines may have, for example
 *   %ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE
 *
 * Returns: (transfer full): a decoder for one response body
 */
AdiuvaSseDecoder *
adiuva_sse_decoder_new (gsize max_event_size)
{
  AdiuvaSseDecoder *self;

  g_return_val_if_fail (max_event_size > 0, NULL);

  self = g_new0 (AdiuvaSseDecoder, 1);
  self->max_event_size = max_event_size;
  self->line = g_string_sized_new (LINE_SIZE);
  self->event = g_string_sized_new (EVENT_SIZE);
  self->data = g_string_sized_new (DATA_SIZE);
  self->id = g_string_new (NULL);
  self->at_start = TRUE;

  return self;
}

void
adiuva_sse_decoder_free (AdiuvaSseDecoder *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->event, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->id, TRUE);
  g_free (self);
}

/* One huge event must not pin its memory for the rest of a long stream. */
static void
clear_buffer (GString **buffer,
              gsize     size)
{
  if ((*buffer)->allocated_len > SHRINK_ABOVE)
    {
      g_string_free (*buffer, TRUE);
      *buffer = g_string_sized_new (size);
    }
  else
    g_string_truncate (*buffer, 0);
}

/* Nearly all providers send is ASCII: checking it eight bytes at a time leaves
 * g_utf8_validate_len(), which goes byte by byte, only the rest. */
static gsize
ascii_prefix_len (const char *text,
                  gsize       len)
{
  const guint64 high_bits = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 low_bits = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize         i = 0;

  for (; i + sizeof (guint64) <= len; i += sizeof (guint64))
    {
      guint64 word;

      memcpy (&word, text + i, sizeof word);
      /* A byte with its high bit set, or a NUL byte. */
      if ((word & high_bits) != 0 || ((word - low_bits) & ~word & high_bits) != 0)
        break;
    }

  while (i < len && (guchar) text[i] - 1U < 0x7fU)
    i++;

  return i;
}

static void
append_utf8 (GString    *string,
             const char *text,
             gsize       len)
{
  const char *end = text + len;

  while (text < end)
    {
      const char *rest = text + ascii_prefix_len (text, end - text);
      const char *valid_end;

      if (rest == end || g_utf8_validate_len (rest, end - rest, &valid_end))
        {
          g_string_append_len (string, text, end - text);
          return;
        }

      /* g_utf8_validate_len() also stops at a NUL, which is replaced the same way. */
      g_string_append_len (string, text, valid_end - text);
      g_string_append (string, REPLACEMENT_CHARACTER);
      text = valid_end + 1;
    }
}

static gboolean
check_event_size (AdiuvaSseDecoder *self,
                  gsize             line_len,
                  GError          **error)
{
  g_autofree char *limit = NULL;

  /* event_size never exceeds the limit, so this cannot wrap. */
  if (line_len <= self->max_event_size - self->event_size)
    return TRUE;

  limit = g_format_size (self->max_event_size);
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE,
               _ ("The provider sent a streamed event larger than %s."), limit);
  return FALSE;
}

static gboolean
dispatch (AdiuvaSseDecoder *self,
          const Sink       *sink,
          GError          **error)
{
  gboolean ok = TRUE;

  if (self->has_data)
    {
      if (self->data->len == strlen (DONE_MARKER) && memcmp (self->data->str, DONE_MARKER,
                                                             self->data->len) == 0)
        self->done = TRUE;
      else
        {
          g_autoptr (GError) local_error = NULL;
          AdiuvaSseEvent event = {
            .event = self->event->len > 0 ? self->event->str : "message",
            .data = self->data->str,
            .data_len = self->data->len,
            .id = self->id->len > 0 ? self->id->str : NULL,
            .retry_ms = self->retry_ms,
          };

          self->n_events++;
          ok = sink->func (&event, sink->user_data, &local_error);
          if (!ok && local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else if (!ok)
            g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED,
                                 _ ("Reading the provider’s stream stopped for no given reason."));
        }
    }

  clear_buffer (&self->event, EVENT_SIZE);
  clear_buffer (&self->data, DATA_SIZE);
  self->has_data = FALSE;
  self->event_size = 0;

  return ok;
}

static gboolean
field_is (const char *name,
          gsize       name_len,
          const char *field)
{
  return name_len == strlen (field) && memcmp (name, field, name_len) == 0;
}

static void
set_retry (AdiuvaSseDecoder *self,
           const char       *value,
           gsize             len)
{
  guint64 retry = 0;

  if (len == 0)
    return;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return;
      retry = MIN (retry * 10 + (guint64) (value[i] - '0'), G_MAXUINT);
    }

  self->retry_ms = (guint) retry;
}

static gboolean
process_line (AdiuvaSseDecoder *self,
              const char       *line,
              gsize             len,
              const Sink       *sink,
              GError          **error)
{
  const char *colon;
  const char *value;
  gsize       name_len;
  gsize       value_len;

  if (len == 0)
    return dispatch (self, sink, error);

  if (line[0] == ':')
    return TRUE;

  if (!check_event_size (self, len, error))
    return FALSE;
  self->event_size += len;

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = line + len;
      value_len = 0;
    }

  if (field_is (line, name_len, "data"))
    {
      if (self->has_data)
        g_string_append_c (self->data, '\n');
      append_utf8 (self->data, value, value_len);
      self->has_data = TRUE;
    }
  else if (field_is (line, name_len, "event"))
    {
      g_string_truncate (self->event, 0);
      append_utf8 (self->event, value, value_len);
    }
  else if (field_is (line, name_len, "id"))
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          clear_buffer (&self->id, 0);
          append_utf8 (self->id, value, value_len);
        }
    }
  else if (field_is (line, name_len, "retry"))
    set_retry (self, value, value_len);

  return TRUE;
}

static gboolean
decode (AdiuvaSseDecoder *self,
        const char       *buf,
        gsize             len,
        const Sink       *sink,
        GError          **error)
{
  gsize    i = 0;
  gsize    lf = 0;
  gsize    cr = 0;
  gboolean lf_known = FALSE;
  gboolean cr_known = FALSE;

  while (i < len)
    {
      gsize eol;

      if (self->skip_lf)
        {
          self->skip_lf = FALSE;
          if (buf[i] == '\n')
            {
              i++;
              continue;
            }
        }

      /* Searching again only once the scan has passed the last hit keeps a chunk of short
       * CR-terminated lines linear: a new memchr() for LF at each line would not be. */
      if (!lf_known || lf < i)
        {
          const char *p = memchr (buf + i, '\n', len - i);

          lf = p != NULL ? (gsize) (p - buf) : len;
          lf_known = TRUE;
        }
      if (!cr_known || cr < i)
        {
          const char *p = memchr (buf + i, '\r', len - i);

          cr = p != NULL ? (gsize) (p - buf) : len;
          cr_known = TRUE;
        }
      eol = MIN (lf, cr);

      if (eol == len)
        {
          if (self->in_comment)
            return TRUE;
          if (self->line->len == 0 && buf[i] == ':')
            {
              self->in_comment = TRUE;
              return TRUE;
            }
          if (!check_event_size (self, self->line->len + (len - i), error))
            return FALSE;
          g_string_append_len (self->line, buf + i, len - i);
          return TRUE;
        }

      if (self->in_comment)
        self->in_comment = FALSE;
      else if (self->line->len > 0)
        {
          gboolean ok;

          if (!check_event_size (self, self->line->len + (eol - i), error))
            return FALSE;
          g_string_append_len (self->line, buf + i, eol - i);
          ok = process_line (self, self->line->str, self->line->len, sink, error);
          clear_buffer (&self->line, LINE_SIZE);
          if (!ok)
            return FALSE;
        }
      else if (!process_line (self, buf + i, eol - i, sink, error))
        return FALSE;

      self->skip_lf = buf[eol] == '\r';
      i = eol + 1;
    }

  return TRUE;
}

/* The BOM may arrive a byte at a time; bytes that turn out not to be one are decoded then. */
static gboolean
leave_start (AdiuvaSseDecoder *self,
             const guint8    **data,
             gsize            *len,
             gboolean          at_end,
             const Sink       *sink,
             GError          **error)
{
  guint held;

  while (*len > 0 && self->bom_matched < strlen (bom))
    {
      if (**data != (guint8) bom[self->bom_matched])
        break;
      self->bom_matched++;
      (*data)++;
      (*len)--;
    }

  if (self->bom_matched == strlen (bom))
    {
      self->at_start = FALSE;
      return TRUE;
    }
  if (*len == 0 && !at_end)
    return TRUE;

  self->at_start = FALSE;
  held = self->bom_matched;
  return held == 0 || decode (self, bom, held, sink, error);
}

/**
 * adiuva_sse_decoder_feed:
 * @self: a decoder
 * @data: (array length=len): the next bytes of the body, cut anywhere
 * @len: the number of bytes
 * @func: called once per complete event; it must not feed this decoder
 * @user_data: for @func
 * @error: where to put what went wrong
 *
 * Decodes the events that @data completes and keeps the rest for the next call.
 *
 * Returns: %TRUE, or %FALSE with @error set when an event is too large or @func stopped;
 *   the decoder then takes no more input
 */
gboolean
adiuva_sse_decoder_feed (AdiuvaSseDecoder  *self,
                         const guint8      *data,
                         gsize              len,
                         AdiuvaSseEventFunc func,
                         gpointer           user_data,
                         GError           **error)
{
  Sink sink = { func, user_data };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (!self->failed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((self->at_start && !leave_start (self, &data, &len, FALSE, &sink, error)) ||
      !decode (self, (const char *) data, len, &sink, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

/**
 * adiuva_sse_decoder_finish:
 * @self: a decoder
 * @func: called for the events the end of the body completes
 * @user_data: for @func
 * @error: where to put what went wrong
 *
 * Tells the decoder the body has ended: a partial last line is read as a line, and an event
 * without its closing blank line is dispatched if it has data. No input is taken after this.
 *
 * Returns: %TRUE, or %FALSE with @error set as for adiuva_sse_decoder_feed()
 */
gboolean
adiuva_sse_decoder_finish (AdiuvaSseDecoder  *self,
                           AdiuvaSseEventFunc func,
                           gpointer           user_data,
                           GError           **error)
{
  Sink     sink = { func, user_data };
  gsize    len = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (!self->failed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->finished = TRUE;

  if (self->at_start)
    {
      const guint8 *none = NULL;

      ok = leave_start (self, &none, &len, TRUE, &sink, error);
    }

  if (ok && self->in_comment)
    self->in_comment = FALSE;
  else if (ok && self->line->len > 0)
    {
      ok = process_line (self, self->line->str, self->line->len, &sink, error);
      clear_buffer (&self->line, LINE_SIZE);
    }

  if (ok)
    ok = dispatch (self, &sink, error);

  self->failed = !ok;
  return ok;
}

/**
 * adiuva_sse_decoder_is_done:
 * @self: a decoder
 *
 * Returns: whether the stream sent `data: [DONE]`
 */
gboolean
adiuva_sse_decoder_is_done (AdiuvaSseDecoder *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->done;
}

/**
 * adiuva_sse_decoder_has_pending:
 * @self: a decoder
 *
 * Whether bytes were received that no complete event or line accounts for yet: a partial
 * line, or an event without its closing blank line. Ask before
 * adiuva_sse_decoder_finish() to tell a body cut mid-event from a complete one.
 *
 * Returns: %TRUE if something is pending
 */
gboolean
adiuva_sse_decoder_has_pending (AdiuvaSseDecoder *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->at_start && self->bom_matched > 0)
    return TRUE;

  return self->line->len > 0 || self->in_comment || self->event_size > 0;
}

/**
 * adiuva_sse_decoder_get_n_events:
 * @self: a decoder
 *
 * Returns: how many events were dispatched so far; `[DONE]` is not counted
 */
guint64
adiuva_sse_decoder_get_n_events (AdiuvaSseDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_events;
}
