/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-fuzz-sse-decoder"

#include "config.h"

#include <string.h>

#include "adiuva-sse-decoder.h"
#include "fuzz-input.h"

/* Decodes the body whole and in the chunks the header asks for: both must give the same
 * events and the same outcome, every event must keep the promises of AdiuvaSseEvent, and
 * nothing may crash or leak (ASan, UBSan). */

static gboolean
log_cb (const AdiuvaSseEvent *event,
        gpointer              user_data,
        GError              **error)
{
  GString *log = user_data;

  if (event->event == NULL || event->data == NULL || strlen (event->data) != event->data_len ||
      !g_utf8_validate (event->data, -1, NULL) || !g_utf8_validate (event->event, -1, NULL) ||
      (event->id != NULL && (event->id[0] == '\0' || !g_utf8_validate (event->id, -1, NULL))))
    g_error ("An event breaks the promises of AdiuvaSseEvent");

  g_string_append_printf (log, "[%s|%s|%u|%" G_GSIZE_FORMAT ":", event->event,
                          event->id != NULL ? event->id : "(none)", event->retry_ms, event->data_len);
  g_string_append_len (log, event->data, event->data_len);
  g_string_append (log, "]\n");

  return TRUE;
}

static void
decode (const FuzzInput *input,
        gboolean         whole,
        GString         *log)
{
  g_autoptr (AdiuvaSseDecoder) decoder = NULL;
  g_autoptr (GError) error = NULL;
  gsize    offset = 0;
  guint    k = 0;
  gboolean ok = TRUE;

  decoder = adiuva_sse_decoder_new (input->max_size > 0 ? input->max_size : ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);

  while (ok && offset < input->len)
    {
      gsize size = whole ? input->len : input->sizes[k++ % G_N_ELEMENTS (input->sizes)];

      size = MIN (size, input->len - offset);
      ok = adiuva_sse_decoder_feed (decoder, input->body + offset, size, log_cb, log, &error);
      offset += size;
    }

  if (ok)
    ok = adiuva_sse_decoder_finish (decoder, log_cb, log, &error);
  if (ok == (error != NULL))
    g_error ("The decoder's result and error disagree");

  g_string_append_printf (log, "done=%d error=%d\n", adiuva_sse_decoder_is_done (decoder), ok ? -1 : error->code);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_make_warnings_fatal ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GString) whole = g_string_new (NULL);
  g_autoptr (GString) chunked = g_string_new (NULL);
  FuzzInput input;

  if (!fuzz_input_parse (data, size, &input))
    return 0;

  decode (&input, TRUE, whole);
  decode (&input, FALSE, chunked);
  if (!g_string_equal (whole, chunked))
    g_error ("Decoding in chunks differs from decoding whole:\n%s\n---\n%s", whole->str, chunked->str);

  return 0;
}
