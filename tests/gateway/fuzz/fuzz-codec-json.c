/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-fuzz-codec-json"

#include "config.h"

#include <string.h>

#include "adiuva-chat-accumulator.h"
#include "adiuva-wire-codec-private.h"
#include "fuzz-input.h"

/* The JSON translation entry points of the codecs, on whatever a provider or a client of the
 * loopback endpoint may send:
 *
 *   selector bits 0-1  the codec: OpenAI, Anthropic, Gemini, Ollama
 *   selector bits 2-3  0: a non-streamed response; 1: an error body, with the status from
 *                      bytes 1-2 of the header; 2: a client's request (OpenAI or Anthropic),
 *                      translated into every format; 3: a response, answered back to a client
 *
 * Nothing may crash or leak; a refusal must be a GError; what our encoders write must be JSON
 * our decoders read back to the same messages and answer. */

static const AdiuvaWireFormat formats[] = {
  ADIUVA_WIRE_FORMAT_OPENAI,
  ADIUVA_WIRE_FORMAT_ANTHROPIC,
  ADIUVA_WIRE_FORMAT_GEMINI,
  ADIUVA_WIRE_FORMAT_OLLAMA,
};

static gboolean
accumulate_cb (const AdiuvaChatDelta *delta,
               gpointer               user_data,
               GError               **error)
{
  return adiuva_chat_accumulator_add (user_data, delta, error);
}

static AdiuvaChatMessage *
decode_response (const AdiuvaWireCodec *codec,
                 JsonNode              *body,
                 AdiuvaChatAccumulator *answer)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = codec->decode_response (body, accumulate_cb, answer, &error);

  if (ok == (error != NULL))
    g_error ("decode_response's result and error disagree");

  return ok ? adiuva_chat_accumulator_dup_message (answer) : NULL;
}

static void
fuzz_response (const AdiuvaWireCodec *codec,
               JsonNode              *body,
               gboolean               answer_back)
{
  g_autoptr (AdiuvaChatAccumulator) answer = adiuva_chat_accumulator_new ();
  g_autoptr (AdiuvaChatMessage) message = decode_response (codec, body, answer);

  if (message == NULL || !answer_back)
    return;

  for (guint i = 0; i < 2; i++)
    {
      const AdiuvaWireCodec *client = adiuva_wire_codec_get (formats[i]);
      g_autoptr (JsonNode) response = client->encode_response ("fuzz", answer);
      g_autoptr (AdiuvaChatAccumulator) again = adiuva_chat_accumulator_new ();
      g_autoptr (AdiuvaChatMessage) read = decode_response (client, response, again);
      g_autofree char *text = NULL;
      g_autofree char *original = NULL;

      if (read == NULL)
        g_error ("Our own %s response does not decode", i == 0 ? "OpenAI" : "Anthropic");
      text = adiuva_chat_message_dup_text (read);
      original = adiuva_chat_message_dup_text (message);
      if (g_strcmp0 (text, original) != 0)
        g_error ("The answer “%s” came back as “%s”", original, text);
    }
}

static void
fuzz_request (const AdiuvaWireCodec *codec,
              JsonNode              *body)
{
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (GError) error = NULL;

  request = codec->decode_request (body, &error);
  if ((request == NULL) == (error == NULL))
    g_error ("decode_request's result and error disagree");
  if (request == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      const AdiuvaWireCodec *provider = adiuva_wire_codec_get (formats[i]);
      g_autoptr (JsonNode) encoded = NULL;
      g_autoptr (AdiuvaChatRequest) again = NULL;
      g_autoptr (GError) encode_error = NULL;

      encoded = provider->encode_request (request, &encode_error);
      if ((encoded == NULL) == (encode_error == NULL))
        g_error ("encode_request's result and error disagree");
      if (encoded == NULL || provider->decode_request == NULL)
        continue;

      /* A request the loopback endpoint accepted and translated reads back the same. */
      again = provider->decode_request (encoded, &encode_error);
      if (again == NULL)
        g_error ("Our own request does not decode: %s", encode_error->message);
      if (g_strcmp0 (again->model, request->model) != 0 || again->stream != request->stream)
        g_error ("The request's model or stream flag changed on the way");
    }
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
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  const AdiuvaWireCodec *codec;
  FuzzInput              input;
  guint                  entry;

  if (!fuzz_input_parse (data, size, &input))
    return 0;
  codec = adiuva_wire_codec_get (formats[input.selector % G_N_ELEMENTS (formats)]);
  entry = (input.selector >> 2) % 4;

  if (entry == 1)
    {
      guint status = 400 + (data[1] << 8 | data[2]) % 200;

      codec->decode_error (status, (const char *) input.body, input.len, &error);
      if (error == NULL || error->message == NULL ||
          !g_utf8_validate (error->message, -1, NULL))
        g_error ("decode_error gave no error, or one that is not UTF-8");
      return 0;
    }

  body = _adiuva_wire_codec_parse_json ((const char *) input.body, input.len, &error);
  if (body != NULL && error != NULL)
    g_error ("_adiuva_wire_codec_parse_json gave a value and an error");
  if (body == NULL)
    {
      /* Without an error only for white space, which each caller words itself. */
      for (gsize i = 0; error == NULL && i < input.len; i++)
        if (!g_ascii_isspace (input.body[i]))
          g_error ("_adiuva_wire_codec_parse_json gave neither a value nor an error");
      return 0;
    }

  if (entry == 2)
    fuzz_request (adiuva_wire_codec_get (formats[input.selector % 2]), body);
  else
    fuzz_response (codec, body, entry == 3);

  return 0;
}
