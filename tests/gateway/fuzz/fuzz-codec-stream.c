/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-fuzz-codec-stream"

#include "config.h"

#include <string.h>

#include "adiuva-anthropic-codec-private.h"
#include "adiuva-chat-accumulator.h"
#include "adiuva-openai-codec-private.h"
#include "adiuva-wire-codec.h"
#include "fuzz-input.h"

/* A provider's streamed answer through its codec, as the gateway and the loopback endpoint
 * take it: decoded whole and in the chunks the header asks for (the same deltas and the same
 * outcome both ways), accumulated into the answer, and translated into an OpenAI and an
 * Anthropic stream. What our encoders write, our decoders must read back to the same answer.
 *
 * Bits 0-1 of the selector pick the codec: OpenAI, Anthropic, Gemini, Ollama. */

static const AdiuvaWireFormat formats[] = {
  ADIUVA_WIRE_FORMAT_OPENAI,
  ADIUVA_WIRE_FORMAT_ANTHROPIC,
  ADIUVA_WIRE_FORMAT_GEMINI,
  ADIUVA_WIRE_FORMAT_OLLAMA,
};

typedef struct
{
  GString               *log;
  AdiuvaChatAccumulator *answer;
  gboolean               refused; /* the accumulator refused a delta: nothing more is passed on */
  AdiuvaStreamEncoder   *openai;
  AdiuvaStreamEncoder   *anthropic;
  GString               *openai_out;
  GString               *anthropic_out;
} Sink;

static void
log_delta (GString               *log,
           const AdiuvaChatDelta *delta)
{
  /* Text is not nul-terminated: nothing may read past text_len. */
  if (delta->text != NULL && !g_utf8_validate (delta->text, delta->text_len, NULL))
    g_error ("A delta's text is not UTF-8");

  g_string_append_printf (log, "[%d|%u|%s|%s|%d|", delta->kind, delta->tool_index,
                          delta->tool_id != NULL ? delta->tool_id : "-",
                          delta->tool_name != NULL ? delta->tool_name : "-", delta->finish);
  g_string_append_printf (log, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",",
                          delta->usage.input_tokens, delta->usage.output_tokens);
  g_string_append_printf (log, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ":",
                          delta->usage.cached_input_tokens, delta->usage.reasoning_tokens);
  if (delta->text != NULL)
    g_string_append_len (log, delta->text, delta->text_len);
  g_string_append (log, "]\n");
}

static gboolean
sink_cb (const AdiuvaChatDelta *delta,
         gpointer               user_data,
         GError               **error)
{
  Sink *sink = user_data;
  g_autoptr (GError) refusal = NULL;

  log_delta (sink->log, delta);
  if (sink->answer == NULL || sink->refused)
    return TRUE;

  if (!adiuva_chat_accumulator_add (sink->answer, delta, &refusal))
    {
      sink->refused = TRUE;
      return TRUE;
    }
  _adiuva_openai_stream_encoder_add (sink->openai, delta, sink->openai_out);
  _adiuva_anthropic_stream_encoder_add (sink->anthropic, delta, sink->anthropic_out);

  return TRUE;
}

static gboolean
decode (const AdiuvaWireCodec *codec,
        const guint8          *data,
        gsize                  len,
        const gsize           *sizes,
        guint                  n_sizes,
        AdiuvaDeltaFunc        func,
        gpointer               user_data,
        GError               **error)
{
  AdiuvaStreamDecoder *decoder;
  gsize                offset = 0;
  guint                k = 0;
  gboolean             ok = TRUE;

  /* Ids made up for calls that came without one are random: the same ones each time. */
  g_random_set_seed (1);
  decoder = codec->stream_decoder_new ();
  while (ok && offset < len)
    {
      gsize size = n_sizes > 0 ? sizes[k++ % n_sizes] : len;

      size = MIN (size, len - offset);

      ok = codec->stream_decoder_feed (decoder, data + offset, size, func, user_data, error);
      offset += size;
    }
  if (ok)
    ok = codec->stream_decoder_finish (decoder, func, user_data, error);
  codec->stream_decoder_free (decoder);

  if (ok == (error != NULL && *error != NULL))
    g_error ("The decoder's result and error disagree");

  return ok;
}

static gboolean
accumulate_cb (const AdiuvaChatDelta *delta,
               gpointer               user_data,
               GError               **error)
{
  return adiuva_chat_accumulator_add (user_data, delta, error);
}

static void
assert_same_tool_calls (AdiuvaChatMessage *original,
                        AdiuvaChatMessage *again,
                        const char        *format)
{
  guint n = original->tool_calls != NULL ? original->tool_calls->len : 0;
  guint m = again->tool_calls != NULL ? again->tool_calls->len : 0;

  if (n != m)
    g_error ("%s translation: %u tool calls came back as %u", format, n, m);

  for (guint i = 0; i < n; i++)
    {
      AdiuvaToolCall *a = g_ptr_array_index (original->tool_calls, i);
      AdiuvaToolCall *b = g_ptr_array_index (again->tool_calls, i);

      if (g_strcmp0 (a->name, b->name) != 0)
        g_error ("%s translation: tool call %u named “%s” came back as “%s”", format, i, a->name,
                 b->name);
      if (a->id != NULL && g_strcmp0 (a->id, b->id) != 0)
        g_error ("%s translation: tool call id “%s” came back as “%s”", format, a->id, b->id);
    }
}

/* Reads a translated stream back with the codec of its format. */
static void
read_back (const AdiuvaWireCodec *codec,
           GString               *stream,
           AdiuvaChatMessage     *original)
{
  g_autoptr (AdiuvaChatAccumulator) again = adiuva_chat_accumulator_new ();
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *original_text = NULL;
  const char      *name = codec == &adiuva_openai_codec ? "OpenAI" : "Anthropic";

  if (!g_utf8_validate (stream->str, stream->len, NULL))
    g_error ("%s translation: the stream is not UTF-8", name);

  if (!decode (codec, (const guint8 *) stream->str, stream->len, NULL, 0, accumulate_cb, again,
               &error))
    g_error ("%s translation: our own stream does not decode: %s\n%s", name, error->message,
             stream->str);

  message = adiuva_chat_accumulator_dup_message (again);
  text = adiuva_chat_message_dup_text (message);
  original_text = adiuva_chat_message_dup_text (original);
  if (g_strcmp0 (text, original_text) != 0)
    g_error ("%s translation: the text “%s” came back as “%s”", name, original_text, text);
  assert_same_tool_calls (original, message, name);
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
  g_autoptr (GString) whole_log = g_string_new (NULL);
  g_autoptr (GString) chunked_log = g_string_new (NULL);
  g_autoptr (GString) translated_log = g_string_new (NULL);
  g_autoptr (GString) openai_out = g_string_new (NULL);
  g_autoptr (GString) anthropic_out = g_string_new (NULL);
  g_autoptr (AdiuvaChatAccumulator) answer = adiuva_chat_accumulator_new ();
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autoptr (GError) whole_error = NULL;
  g_autoptr (GError) chunked_error = NULL;
  g_autoptr (GError) translated_error = NULL;
  const AdiuvaWireCodec *codec;
  FuzzInput              input;
  Sink                   whole = { 0 };
  Sink                   chunked = { 0 };
  Sink                   translated = { 0 };
  gboolean               ok;

  if (!fuzz_input_parse (data, size, &input))
    return 0;
  codec = adiuva_wire_codec_get (formats[input.selector % G_N_ELEMENTS (formats)]);

  chunked.log = chunked_log;
  ok = decode (codec, input.body, input.len, input.sizes, G_N_ELEMENTS (input.sizes), sink_cb,
               &chunked, &chunked_error);
  whole.log = whole_log;
  if (decode (codec, input.body, input.len, NULL, 0, sink_cb, &whole, &whole_error) != ok ||
      (!ok && whole_error->code != chunked_error->code))
    g_error ("Decoding in chunks ends otherwise than decoding whole");
  if (!g_string_equal (whole_log, chunked_log))
    g_error ("Decoding in chunks differs from decoding whole:\n%s\n---\n%s", whole_log->str,
             chunked_log->str);

  /* Once more into the encoders, which make up ids of their own from the same random
   * numbers: the comparison above could not have them. */
  translated.log = translated_log;
  translated.answer = answer;
  translated.openai = _adiuva_openai_stream_encoder_new ("fuzz");
  translated.anthropic = _adiuva_anthropic_stream_encoder_new ("fuzz");
  translated.openai_out = openai_out;
  translated.anthropic_out = anthropic_out;
  decode (codec, input.body, input.len, NULL, 0, sink_cb, &translated, &translated_error);
  _adiuva_openai_stream_encoder_finish (translated.openai, openai_out);
  _adiuva_anthropic_stream_encoder_finish (translated.anthropic, anthropic_out);
  _adiuva_openai_stream_encoder_free (translated.openai);
  _adiuva_anthropic_stream_encoder_free (translated.anthropic);

  /* The loopback endpoint passes on what the gateway accepted, and ends the stream cleanly. */
  if (!translated.refused)
    {
      message = adiuva_chat_accumulator_dup_message (answer);
      read_back (&adiuva_openai_codec, openai_out, message);
      read_back (&adiuva_anthropic_codec, anthropic_out, message);
    }

  return 0;
}
