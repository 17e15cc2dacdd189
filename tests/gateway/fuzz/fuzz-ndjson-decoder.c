/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-fuzz-ndjson-decoder"

#include "config.h"

#include <string.h>

#include "adiuva-ndjson-decoder.h"
#include "fuzz-input.h"

/* Decodes the body whole and in the chunks the header asks for, as raw lines or, with bit 7
 * of the header's first byte, parsed as JSON: both must give the same lines and the same
 * outcome, down to the error message, and nothing may crash or leak (ASan, UBSan). */

static gboolean
log_line_cb (const char *line,
             gsize       len,
             gpointer    user_data,
             GError    **error)
{
  GString *log = user_data;

  if (len == 0 || line[len] != '\0' || memchr (line, '\n', len) != NULL)
    g_error ("A line breaks the promises of AdiuvaNdjsonLineFunc");

  g_string_append_c (log, '[');
  g_string_append_len (log, line, len);
  g_string_append (log, "]\n");

  return TRUE;
}

static gboolean
log_json_cb (JsonNode *node,
             gpointer  user_data,
             GError  **error)
{
  GString         *log = user_data;
  g_autofree char *text = NULL;

  if (node == NULL)
    g_error ("A line has no JSON value");

  text = json_to_string (node, FALSE);
  g_string_append_printf (log, "[%s]\n", text);

  return TRUE;
}

static void
decode (const FuzzInput *input,
        gboolean         whole,
        GString         *log)
{
  g_autoptr (AdiuvaNdjsonDecoder) decoder = NULL;
  g_autoptr (GError) error = NULL;
  gsize    offset = 0;
  guint    k = 0;
  gboolean ok = TRUE;

  decoder = adiuva_ndjson_decoder_new (input->max_size > 0 ? input->max_size : ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE);

  while (ok && offset < input->len)
    {
      gsize size = whole ? input->len : input->sizes[k++ % G_N_ELEMENTS (input->sizes)];

      size = MIN (size, input->len - offset);
      if (input->flag)
        ok = adiuva_ndjson_decoder_feed_json (decoder, input->body + offset, size, log_json_cb, log, &error);
      else
        ok = adiuva_ndjson_decoder_feed (decoder, input->body + offset, size, log_line_cb, log, &error);
      offset += size;
    }

  if (ok && input->flag)
    ok = adiuva_ndjson_decoder_finish_json (decoder, log_json_cb, log, &error);
  else if (ok)
    ok = adiuva_ndjson_decoder_finish (decoder, log_line_cb, log, &error);
  if (ok == (error != NULL))
    g_error ("The decoder's result and error disagree");
  if (!ok && !g_utf8_validate (error->message, -1, NULL))
    g_error ("The error message is not UTF-8");

  g_string_append_printf (log, "lines=%" G_GUINT64_FORMAT " error=%d:%s\n", adiuva_ndjson_decoder_get_n_lines (decoder),
                          ok ? -1 : error->code, ok ? "" : error->message);
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
