/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _AdiuvaSseDecoder      AdiuvaSseDecoder;
typedef struct _AdiuvaNdjsonDecoder   AdiuvaNdjsonDecoder;
typedef struct _AdiuvaProviderTable   AdiuvaProviderTable;
typedef struct _AdiuvaProviderInfo    AdiuvaProviderInfo;
typedef struct _AdiuvaModelInfo       AdiuvaModelInfo;
typedef struct _AdiuvaContentPart     AdiuvaContentPart;
typedef struct _AdiuvaToolCall        AdiuvaToolCall;
typedef struct _AdiuvaChatMessage     AdiuvaChatMessage;
typedef struct _AdiuvaToolDefinition  AdiuvaToolDefinition;
typedef struct _AdiuvaChatRequest     AdiuvaChatRequest;
typedef struct _AdiuvaUsage           AdiuvaUsage;
typedef struct _AdiuvaChatDelta       AdiuvaChatDelta;
typedef struct _AdiuvaChatAccumulator AdiuvaChatAccumulator;
typedef struct _AdiuvaWireCodec       AdiuvaWireCodec;
typedef struct _AdiuvaStreamDecoder   AdiuvaStreamDecoder;
typedef struct _AdiuvaStreamEncoder   AdiuvaStreamEncoder;
typedef struct _AdiuvaRoute           AdiuvaRoute;
typedef struct _AdiuvaRouter          AdiuvaRouter;

/**
 * AdiuvaGatewayError:
 * @ADIUVA_GATEWAY_ERROR_FAILED: something unexpected; the message says what
 * @ADIUVA_GATEWAY_ERROR_PROTOCOL: the provider sent something that does not follow its protocol
 *   (a malformed stream, a cut-off event, invalid JSON)
 * @ADIUVA_GATEWAY_ERROR_TOO_LARGE: a line, event or body over the gateway's limits
 * @ADIUVA_GATEWAY_ERROR_NOT_FOUND: no such provider or model
 * @ADIUVA_GATEWAY_ERROR_INVALID: a setting or request was refused
 * @ADIUVA_GATEWAY_ERROR_AUTH: the provider refused the key (401, 403)
 * @ADIUVA_GATEWAY_ERROR_RATE_LIMITED: the provider asks to slow down (429), or a rate limit
 *   of the user's holds the request for longer than is worth waiting
 * @ADIUVA_GATEWAY_ERROR_OVERLOADED: the provider is overloaded (529, 503, an overloaded event)
 * @ADIUVA_GATEWAY_ERROR_SERVER: the provider failed (5xx)
 * @ADIUVA_GATEWAY_ERROR_BAD_REQUEST: the provider refused the request (400, 404, 413, 422):
 *   an unknown model, a context too long, an invalid parameter
 * @ADIUVA_GATEWAY_ERROR_NETWORK: the provider could not be reached
 * @ADIUVA_GATEWAY_ERROR_TIMEOUT: the provider did not answer in time
 * @ADIUVA_GATEWAY_ERROR_CANCELLED: the caller or the kill switch stopped the request
 * @ADIUVA_GATEWAY_ERROR_BUDGET: a budget of the user's is used up and refused the request
 */
typedef enum
{
  ADIUVA_GATEWAY_ERROR_FAILED,
  ADIUVA_GATEWAY_ERROR_PROTOCOL,
  ADIUVA_GATEWAY_ERROR_TOO_LARGE,
  ADIUVA_GATEWAY_ERROR_NOT_FOUND,
  ADIUVA_GATEWAY_ERROR_INVALID,
  ADIUVA_GATEWAY_ERROR_AUTH,
  ADIUVA_GATEWAY_ERROR_RATE_LIMITED,
  ADIUVA_GATEWAY_ERROR_OVERLOADED,
  ADIUVA_GATEWAY_ERROR_SERVER,
  ADIUVA_GATEWAY_ERROR_BAD_REQUEST,
  ADIUVA_GATEWAY_ERROR_NETWORK,
  ADIUVA_GATEWAY_ERROR_TIMEOUT,
  ADIUVA_GATEWAY_ERROR_CANCELLED,
  ADIUVA_GATEWAY_ERROR_BUDGET,
} AdiuvaGatewayError;

#define ADIUVA_GATEWAY_ERROR (adiuva_gateway_error_quark ())
GQuark adiuva_gateway_error_quark (void);

/* How a provider speaks. Nicks are used in the provider table. */
typedef enum
{
  ADIUVA_WIRE_FORMAT_OPENAI,
  ADIUVA_WIRE_FORMAT_ANTHROPIC,
  ADIUVA_WIRE_FORMAT_GEMINI,
  ADIUVA_WIRE_FORMAT_OLLAMA,
  ADIUVA_WIRE_FORMAT_BEDROCK,
} AdiuvaWireFormat;

/* How a provider wants its key. Nicks are used in the provider table. */
typedef enum
{
  ADIUVA_AUTH_STYLE_NONE,
  ADIUVA_AUTH_STYLE_BEARER,
  ADIUVA_AUTH_STYLE_X_API_KEY,
  ADIUVA_AUTH_STYLE_AZURE_API_KEY,
  ADIUVA_AUTH_STYLE_GOOG_API_KEY,
  ADIUVA_AUTH_STYLE_AWS_SIGV4,
} AdiuvaAuthStyle;

typedef enum
{
  ADIUVA_ROLE_SYSTEM,
  ADIUVA_ROLE_USER,
  ADIUVA_ROLE_ASSISTANT,
  ADIUVA_ROLE_TOOL,
} AdiuvaRole;

typedef enum
{
  ADIUVA_PART_TEXT,
  ADIUVA_PART_IMAGE,
} AdiuvaPartKind;

/* Which tools the model may or must call. */
typedef enum
{
  ADIUVA_TOOL_CHOICE_AUTO,
  ADIUVA_TOOL_CHOICE_NONE,
  ADIUVA_TOOL_CHOICE_REQUIRED,
  ADIUVA_TOOL_CHOICE_NAMED,
} AdiuvaToolChoice;

typedef enum
{
  ADIUVA_RESPONSE_FORMAT_TEXT,
  ADIUVA_RESPONSE_FORMAT_JSON_OBJECT,
  ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA,
} AdiuvaResponseFormat;

/* How hard a reasoning model thinks; DEFAULT leaves it to the provider. */
typedef enum
{
  ADIUVA_REASONING_DEFAULT,
  ADIUVA_REASONING_LOW,
  ADIUVA_REASONING_MEDIUM,
  ADIUVA_REASONING_HIGH,
} AdiuvaReasoningEffort;

/* What a streamed piece of an answer carries. */
typedef enum
{
  ADIUVA_DELTA_TEXT,
  ADIUVA_DELTA_REASONING,
  ADIUVA_DELTA_REASONING_SIGNATURE,
  ADIUVA_DELTA_TOOL_CALL,
  ADIUVA_DELTA_FINISH,
  ADIUVA_DELTA_USAGE,
} AdiuvaDeltaKind;

/* Why an answer ended. NONE until it has. Nicks follow OpenAI's finish_reason. */
typedef enum
{
  ADIUVA_FINISH_NONE,
  ADIUVA_FINISH_STOP,
  ADIUVA_FINISH_LENGTH,
  ADIUVA_FINISH_TOOL_CALLS,
  ADIUVA_FINISH_CONTENT_FILTER,
} AdiuvaFinishReason;

/**
 * AdiuvaRouteSelector:
 * @ADIUVA_ROUTE_SELECTOR_ROUTER: the router model named the route
 * @ADIUVA_ROUTE_SELECTOR_RULES: the route's keywords, regular expressions or length matched
 * @ADIUVA_ROUTE_SELECTOR_DEFAULT: nothing else chose, so the default route was taken
 *
 * Which part of preference routing chose a route. Nicks name it in the metrics.
 */
typedef enum
{
  ADIUVA_ROUTE_SELECTOR_ROUTER,
  ADIUVA_ROUTE_SELECTOR_RULES,
  ADIUVA_ROUTE_SELECTOR_DEFAULT,
} AdiuvaRouteSelector;

G_END_DECLS
