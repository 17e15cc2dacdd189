/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-wire-codec-private.h"

/**
 * adiuva_wire_codec_get:
 *
 * Returns: (nullable): the codec of @format, or %NULL for a format without one yet
 */
const AdiuvaWireCodec *
adiuva_wire_codec_get (AdiuvaWireFormat format)
{
  switch (format)
    {
    case ADIUVA_WIRE_FORMAT_OPENAI:
      return &adiuva_openai_codec;

    case ADIUVA_WIRE_FORMAT_ANTHROPIC:
      return &adiuva_anthropic_codec;

    case ADIUVA_WIRE_FORMAT_GEMINI:
      return &adiuva_gemini_codec;

    case ADIUVA_WIRE_FORMAT_OLLAMA:
      return &adiuva_ollama_codec;

    case ADIUVA_WIRE_FORMAT_BEDROCK:
    default:
      return NULL;
    }
}

/**
 * _adiuva_wire_codec_set_http_error:
 * @status: the HTTP status of the provider's answer
 * @provider_message: (nullable): what the provider said, from its error body
 *
 * Sets an error whose code a caller can act on (retry, fall back, ask for a key) and whose
 * message says what happened in words, with the provider's own explanation.
 */
void
_adiuva_wire_codec_set_http_error (GError    **error,
                                   guint       status,
                                   const char *provider_message)
{
  AdiuvaGatewayError code;
  const char        *what;

  if (status == 401 || status == 403)
    {
      code = ADIUVA_GATEWAY_ERROR_AUTH;
      what = _ ("The provider refused the API key");
    }
  else if (status == 429)
    {
      code = ADIUVA_GATEWAY_ERROR_RATE_LIMITED;
      what = _ ("The provider asks to slow down");
    }
  else if (status == 529 || status == 503)
    {
      code = ADIUVA_GATEWAY_ERROR_OVERLOADED;
      what = _ ("The provider is overloaded");
    }
  else if (status >= 500)
    {
      code = ADIUVA_GATEWAY_ERROR_SERVER;
      what = _ ("The provider failed");
    }
  else if (status >= 400)
    {
      code = ADIUVA_GATEWAY_ERROR_BAD_REQUEST;
      what = _ ("The provider refused the request");
    }
  else
    {
      code = ADIUVA_GATEWAY_ERROR_PROTOCOL;
      what = _ ("The provider answered with an unexpected status");
    }

  if (provider_message != NULL && *provider_message != '\0')
    g_set_error (error, ADIUVA_GATEWAY_ERROR, code, "%s (%u): %s", what, status, provider_message);
  else
    g_set_error (error, ADIUVA_GATEWAY_ERROR, code, "%s (%u).", what, status);
}
