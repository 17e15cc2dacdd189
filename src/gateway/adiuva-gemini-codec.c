/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "adiuva-sse-decoder.h"
#include "adiuva-wire-codec-private.h"
#include "adiuva-embeddings-private.h"

/* Gemini's native API (models/…:generateContent, and :streamGenerateContent?alt=sse for
 * streams), both ways. Decisions, tested in tests/gateway/test-gemini-codec.c:
 *
 * Requests
 * - Gemini has one system instruction: every system message, wherever it stands, adds its
 *   text to systemInstruction.parts in order. It takes text only, so a system message's
 *   images are left out.
 * - User messages are "user" contents, assistant messages "model" ones; consecutive contents
 *   of one role are merged, as Gemini wants turns to alternate. Images are inlineData (their
 *   bytes in base64, a data: URL unpacked) or fileData with the URL as fileUri.
 * - Assistant tool calls are functionCall parts whose args are the arguments parsed into an
 *   object (arguments that are not a JSON object are refused). Thinking text is not sent
 *   back: Gemini only wants its signature, which goes on the first functionCall part, or on
 *   the first text part of an answer without calls, where Gemini put it.
 * - Tool results are functionResponse parts of a "user" content (the role Gemini's current
 *   documentation gives them), so parallel results share one turn. Gemini pairs them with
 *   calls by name: the message's name, or else the name of the nearest earlier call with
 *   that id. A result that is a JSON object is the response as it is; any other text is
 *   {"output": text}, the key Gemini's documentation names.
 * - Ids: a functionCall or functionResponse carries the call's id unless the id is one this
 *   codec made up for a call Gemini gave none (see below), since Gemini never knew it.
 * - Tools are functionDeclarations whose JSON Schema is turned into Gemini's OpenAPI subset
 *   (convert_schema()), which every Gemini model and Vertex AI accept. Tool choice is
 *   toolConfig.functionCallingConfig: NONE, ANY, ANY with allowedFunctionNames; AUTO is
 *   Gemini's default and is not written.
 * - generationConfig: temperature, topP, maxOutputTokens, stopSequences; JSON mode is
 *   responseMimeType "application/json", with responseSchema converted like tool schemas.
 *   Reasoning sets thinkingConfig {thinkingBudget, includeThoughts: true}: the request's
 *   budget, or 1024/8192/24576 tokens for low/medium/high as Google's OpenAI-compatible
 *   endpoint maps them; nothing is sent otherwise, since a model that cannot think may refuse
 *   it.
 * - Streaming is chosen by the URL, not the body: the body is the same either way.
 *
 * Answers
 * - A body or each SSE event is one GenerateContentResponse; a body that is a JSON array of
 *   them (streamGenerateContent without alt=sse) is read in order. Only the first candidate
 *   is read: the gateway never asks for more.
 * - Parts: text is TEXT, or REASONING when the part has thought: true; functionCall is one
 *   whole TOOL_CALL delta whose arguments are its args written back as JSON text; other parts
 *   (inlineData, executableCode, …) have no canonical form and are skipped. Tool indexes
 *   count functionCall parts across the answer.
 * - A call without an id gets "gemini_" and 24 hex digits of the SHA-256 of the response's
 *   responseId, the call's index, name and arguments: the same bytes give the same ids
 *   however they are split, and calls of different answers do not collide (Anthropic would
 *   refuse duplicates after a fallback).
 * - thoughtSignature: the first one of the answer is the REASONING_SIGNATURE. Gemini checks
 *   only the first call's signature, and the accumulator joins signature pieces, so a second
 *   one would only spoil the first.
 * - finishReason STOP is STOP (TOOL_CALLS when the answer called tools), MAX_TOKENS LENGTH,
 *   safety, recitation, language, blocklist, prohibited content, SPII and image safety
 *   reasons CONTENT_FILTER, as is a promptFeedback.blockReason. OTHER and the reasons that
 *   mean the model failed (a malformed or unexpected call, too many calls, no image) are
 *   errors of ADIUVA_GATEWAY_ERROR_SERVER with Gemini's finishMessage. Unknown reasons are
 *   STOP, so a new enum value does not break answers. Enums may also come as numbers
 *   (enum-encoding=int).
 * - usageMetadata: input is promptTokenCount (cached tokens included) plus
 *   toolUsePromptTokenCount, output is candidatesTokenCount plus thoughtsTokenCount,
 *   reasoning is thoughtsTokenCount, cached is cachedContentTokenCount. Gemini leaves out
 *   counts that are 0, so a missing count is 0. Stream events repeat the usage so far; the
 *   accumulator keeps the last.
 * - An answer that ends without a finish reason or block reason was cut: PROTOCOL. Unknown
 *   fields are ignored; a known field of the wrong type is PROTOCOL.
 * - {"error": {code, message, status}} in a body, an event, or as the whole body of a stream
 *   is Gemini's error, read as decode_error() reads an HTTP error with that code.
 */

#define SYNTHESIZED_ID_PREFIX "gemini_"
/* Past these a schema is cut off: nesting that deep or that large is no tool's arguments but
 * a mistake, or references that multiply (a refers to b twice, b to c twice, …). */
#define MAX_SCHEMA_DEPTH 32
#define MAX_SCHEMA_NODES 4096
/* A stream whose first bytes are no SSE event may be an error object sent as it is; this
 * much of it is kept to read the error from. */
#define HEAD_SIZE (16 * 1024)
/* Past this the text of a call's arguments is dropped rather than kept until the next call,
 * so an open stream stays small after one large call. */
#define KEEP_BUFFER_BELOW (32 * 1024)

#define BUDGET_LOW 1024
#define BUDGET_MEDIUM 8192
#define BUDGET_HIGH 24576

/* Requests ------------------------------------------------------------------------------- */

static gboolean
is_synthesized_id (const char *id)
{
  return id != NULL && g_str_has_prefix (id, SYNTHESIZED_ID_PREFIX);
}

static const char *
schema_type_name (const char *json_type)
{
  static const char *const names[][2] = {
    { "string", "STRING" },
    { "number", "NUMBER" },
    { "integer", "INTEGER" },
    { "boolean", "BOOLEAN" },
    { "array", "ARRAY" },
    { "object", "OBJECT" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (json_type, names[i][0]) == 0)
      return names[i][1];

  return NULL;
}

/* Gemini's Developer API refuses any other format. */
static gboolean
format_is_supported (const char *type,
                     const char *format)
{
  if (g_strcmp0 (type, "STRING") == 0)
    return g_str_equal (format, "enum") || g_str_equal (format, "date-time");
  if (g_strcmp0 (type, "NUMBER") == 0)
    return g_str_equal (format, "float") || g_str_equal (format, "double");
  if (g_strcmp0 (type, "INTEGER") == 0)
    return g_str_equal (format, "int32") || g_str_equal (format, "int64");

  return FALSE;
}

static void append_json (GString  *out,
                         JsonNode *node);

typedef struct
{
  JsonObject *root;      /* where $refs point */
  GPtrArray  *expanding; /* the $refs being expanded, outermost first */
  guint       n_nodes;
} SchemaContext;

static JsonNode *convert_schema (JsonNode      *schema,
                                 SchemaContext *context,
                                 guint          depth);

/* "#/$defs/Name" or "#/definitions/Name" of the root schema; other references cannot be
 * followed without fetching. */
static JsonNode *
resolve_ref (JsonObject *root,
             const char *ref)
{
  static const char *const prefixes[] = { "#/$defs/", "#/definitions/" };

  if (root == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *section = NULL;
      JsonNode        *defs;

      if (!g_str_has_prefix (ref, prefixes[i]))
        continue;

      section = g_strndup (prefixes[i] + 2, strlen (prefixes[i]) - 3);
      defs = json_object_get_member (root, section);
      if (defs == NULL || !JSON_NODE_HOLDS_OBJECT (defs))
        return NULL;

      return json_object_get_member (json_node_get_object (defs), ref + strlen (prefixes[i]));
    }

  return NULL;
}

/* Gemini's enum holds strings; numbers are written as their JSON text, as its documentation
 * does for integer enums, and null makes the value nullable. */
static void
convert_enum (JsonObject *out,
              JsonArray  *values)
{
  JsonArray *strings = json_array_new ();

  for (guint i = 0; i < json_array_get_length (values); i++)
    {
      JsonNode *value = json_array_get_element (values, i);

      if (JSON_NODE_HOLDS_NULL (value))
        json_object_set_boolean_member (out, "nullable", TRUE);
      else if (_adiuva_json_node_holds (value, G_TYPE_STRING))
        json_array_add_string_element (strings, json_node_get_string (value));
      else if (JSON_NODE_HOLDS_VALUE (value))
        {
          g_autoptr (GString) text = g_string_new (NULL);

          append_json (text, value);
          json_array_add_string_element (strings, text->str);
        }
    }

  if (json_array_get_length (strings) > 0)
    json_object_set_array_member (out, "enum", strings);
  else
    json_array_unref (strings);
}

static gboolean
is_null_schema (JsonNode *node)
{
  JsonNode *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  type = json_object_get_member (json_node_get_object (node), "type");
  return g_strcmp0 (_adiuva_json_node_get_string (type), "null") == 0;
}

/* anyOf and oneOf: Gemini knows anyOf only. Optional[X], written anyOf [X, null], becomes a
 * nullable X, which older models understand better than a union. */
static void
convert_alternatives (JsonObject    *out,
                      JsonArray     *alternatives,
                      SchemaContext *context,
                      guint          depth)
{
  JsonArray *converted = json_array_new ();

  for (guint i = 0; i < json_array_get_length (alternatives); i++)
    {
      JsonNode *alternative = json_array_get_element (alternatives, i);

      if (is_null_schema (alternative))
        json_object_set_boolean_member (out, "nullable", TRUE);
      else
        json_array_add_element (converted, convert_schema (alternative, context, depth + 1));
    }

  if (json_array_get_length (converted) == 1)
    {
      JsonObject *only = json_node_get_object (json_array_get_element (converted, 0));
      GList      *names = json_object_get_members (only);

      /* Keys of the schema itself (its description) win over the alternative's. */
      for (GList *l = names; l != NULL; l = l->next)
        if (!json_object_has_member (out, l->data))
          json_object_set_member (out, l->data,
                                  json_node_copy (json_object_get_member (only, l->data)));
      g_list_free (names);
      json_array_unref (converted);
    }
  else if (json_array_get_length (converted) > 1)
    json_object_set_array_member (out, "anyOf", converted);
  else
    json_array_unref (converted);
}

static void
convert_type (JsonObject *out,
              JsonNode   *type_node)
{
  const char *type;

  if (_adiuva_json_node_holds (type_node, G_TYPE_STRING))
    {
      if (g_str_equal (json_node_get_string (type_node), "null"))
        json_object_set_boolean_member (out, "nullable", TRUE);
      else if ((type = schema_type_name (json_node_get_string (type_node))) != NULL)
        json_object_set_string_member (out, "type", type);
      return;
    }

  /* ["string", "null"] is a nullable string; several types become alternatives. */
  if (JSON_NODE_HOLDS_ARRAY (type_node))
    {
      JsonArray *types = json_node_get_array (type_node);
      JsonArray *alternatives = json_array_new ();

      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          JsonNode *element = json_array_get_element (types, i);

          if (!_adiuva_json_node_holds (element, G_TYPE_STRING))
            continue;
          if (g_str_equal (json_node_get_string (element), "null"))
            json_object_set_boolean_member (out, "nullable", TRUE);
          else if ((type = schema_type_name (json_node_get_string (element))) != NULL)
            {
              JsonObject *alternative = json_object_new ();

              json_object_set_string_member (alternative, "type", type);
              json_array_add_object_element (alternatives, alternative);
            }
        }

      if (json_array_get_length (alternatives) == 1)
        json_object_set_member (out, "type",
                                json_node_copy (json_object_get_member (
                                    json_array_get_object_element (alternatives, 0), "type")));
      else if (json_array_get_length (alternatives) > 1)
        {
          json_object_set_array_member (out, "anyOf", alternatives);
          return;
        }
      json_array_unref (alternatives);
    }
}

static void
convert_properties (JsonObject    *out,
                    JsonObject    *properties,
                    JsonNode      *required,
                    SchemaContext *context,
                    guint          depth)
{
  JsonObject *converted = json_object_new ();
  GList      *names = json_object_get_members (properties);

  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (converted, l->data,
                            convert_schema (json_object_get_member (properties, l->data), context,
                                            depth + 1));
  g_list_free (names);
  json_object_set_object_member (out, "properties", converted);

  /* Gemini refuses a required property it does not know. */
  if (required != NULL && JSON_NODE_HOLDS_ARRAY (required))
    {
      JsonArray *names_in = json_node_get_array (required);
      JsonArray *kept = json_array_new ();

      for (guint i = 0; i < json_array_get_length (names_in); i++)
        {
          const char *name = _adiuva_json_node_get_string (json_array_get_element (names_in, i));

          if (name != NULL && json_object_has_member (converted, name))
            json_array_add_string_element (kept, name);
        }

      if (json_array_get_length (kept) > 0)
        json_object_set_array_member (out, "required", kept);
      else
        json_array_unref (kept);
    }
}

/* Members Gemini's Schema has with the meaning JSON Schema gives them. @replace says whether
 * they win over members @out already has. */
static void
copy_plain_members (JsonObject *out,
                    JsonObject *schema,
                    gboolean    replace)
{
  static const char *const plain[] = {
    "title", "description", "nullable", "pattern", "minLength", "maxLength", "minimum",
    "maximum", "minItems", "maxItems", "minProperties", "maxProperties", "propertyOrdering"
  };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      JsonNode *node = json_object_get_member (schema, plain[i]);

      if (_adiuva_json_node_is_set (node) &&
          (replace || !json_object_has_member (out, plain[i])))
        json_object_set_member (out, plain[i], json_node_copy (node));
    }
}

static JsonNode *
any_object (void)
{
  JsonNode   *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "type", "OBJECT");
  json_node_take_object (node, object);
  return node;
}

/* A $ref, or an allOf of one schema, stands for that schema; what is written next to it (a
 * description) wins over the target's. A reference to a schema it is part of cannot be said
 * in Gemini's subset, which has no references: there the expansion stops. */
static JsonNode *
convert_reference (JsonObject    *in,
                   JsonNode      *target,
                   const char    *ref,
                   SchemaContext *context,
                   guint          depth)
{
  JsonNode *result;
  gboolean  recursive = FALSE;

  if (ref != NULL)
    {
      for (guint i = 0; i < context->expanding->len; i++)
        recursive |= g_str_equal (g_ptr_array_index (context->expanding, i), ref);
      target = recursive ? NULL : resolve_ref (context->root, ref);
    }

  if (target == NULL)
    result = any_object ();
  else if (ref != NULL)
    {
      g_ptr_array_add (context->expanding, (gpointer) ref);
      result = convert_schema (target, context, depth + 1);
      g_ptr_array_remove_index (context->expanding, context->expanding->len - 1);
    }
  else
    result = convert_schema (target, context, depth + 1);

  copy_plain_members (json_node_get_object (result), in, TRUE);
  return result;
}

/**
 * convert_schema:
 * @schema: a JSON Schema
 *
 * Gemini's Schema is a subset of OpenAPI 3.0 and refuses members it does not know
 * ($schema, additionalProperties, $ref, const, oneOf, …). What can be said in the subset is
 * translated; the rest, which only constrains values further, is left out.
 *
 * Returns: (transfer full): a new schema object
 */
static JsonNode *
convert_schema (JsonNode      *schema,
                SchemaContext *context,
                guint          depth)
{
  JsonObject *in;
  JsonObject *out;
  JsonNode   *node;
  JsonNode   *result;

  /* true, {} or a schema cut off: any value, which Gemini says as an object without
   * properties. */
  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema) || depth > MAX_SCHEMA_DEPTH ||
      ++context->n_nodes > MAX_SCHEMA_NODES)
    return any_object ();
  in = json_node_get_object (schema);

  node = json_object_get_member (in, "$ref");
  if (_adiuva_json_node_holds (node, G_TYPE_STRING))
    return convert_reference (in, NULL, json_node_get_string (node), context, depth);

  node = json_object_get_member (in, "allOf");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      json_array_get_length (json_node_get_array (node)) == 1)
    return convert_reference (in, json_array_get_element (json_node_get_array (node), 0), NULL,
                              context, depth);

  result = json_node_new (JSON_NODE_OBJECT);
  out = json_object_new ();
  json_node_take_object (result, out);

  node = json_object_get_member (in, "type");
  if (node != NULL)
    convert_type (out, node);

  copy_plain_members (out, in, FALSE);

  node = json_object_get_member (in, "format");
  if (_adiuva_json_node_holds (node, G_TYPE_STRING) &&
      format_is_supported (json_object_get_string_member_with_default (out, "type", NULL),
                           json_node_get_string (node)))
    json_object_set_member (out, "format", json_node_copy (node));

  node = json_object_get_member (in, "enum");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    convert_enum (out, json_node_get_array (node));
  else if ((node = json_object_get_member (in, "const")) != NULL)
    {
      g_autoptr (JsonArray) values = json_array_new ();

      json_array_add_element (values, json_node_copy (node));
      convert_enum (out, values);
    }

  node = json_object_get_member (in, "anyOf");
  if (node == NULL)
    node = json_object_get_member (in, "oneOf");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    convert_alternatives (out, json_node_get_array (node), context, depth);

  node = json_object_get_member (in, "properties");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    convert_properties (out, json_node_get_object (node), json_object_get_member (in, "required"),
                        context, depth);

  node = json_object_get_member (in, "items");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      json_array_get_length (json_node_get_array (node)) > 0)
    node = json_array_get_element (json_node_get_array (node), 0);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    json_object_set_member (out, "items", convert_schema (node, context, depth + 1));

  return result;
}

static JsonNode *
convert_root_schema (JsonNode *schema)
{
  g_autoptr (GPtrArray) expanding = g_ptr_array_new ();
  SchemaContext context = { NULL, expanding, 0 };

  if (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema))
    context.root = json_node_get_object (schema);

  return convert_schema (schema, &context, 0);
}

/* Builds the contents list, merging consecutive turns of one role. */
typedef struct
{
  JsonArray  *contents;
  JsonObject *last;
  const char *last_role;
} Turns;

/* The parts of the turn a message of @role adds to: the last turn when it has that role.
 * Called only once a message has a part to add, so no turn is ever empty. */
static JsonArray *
turn_parts (Turns      *turns,
            const char *role)
{
  JsonObject *content;

  if (turns->last != NULL && g_str_equal (turns->last_role, role))
    return json_object_get_array_member (turns->last, "parts");

  content = json_object_new ();
  json_object_set_string_member (content, "role", role);
  json_object_set_array_member (content, "parts", json_array_new ());
  json_array_add_object_element (turns->contents, content);
  turns->last = content;
  turns->last_role = role;

  return json_object_get_array_member (content, "parts");
}

static JsonObject *
add_part (Turns      *turns,
          const char *role)
{
  JsonObject *part = json_object_new ();

  json_array_add_object_element (turn_parts (turns, role), part);
  return part;
}

static void
add_inline_data (Turns      *turns,
                 const char *role,
                 const char *media_type,
                 const char *base64)
{
  JsonObject *inline_data = json_object_new ();

  json_object_set_string_member (inline_data, "mimeType", media_type);
  json_object_set_string_member (inline_data, "data", base64);
  json_object_set_object_member (add_part (turns, role), "inlineData", inline_data);
}

/* data:[<type>][;base64],<data> (RFC 2397): the bytes are already at hand, and Gemini
 * would not fetch such a URL. */
static gboolean
add_data_url (Turns                   *turns,
              const char              *role,
              const AdiuvaContentPart *part,
              GError                 **error)
{
  g_autofree char *media_type = NULL;
  g_autofree char *base64 = NULL;
  const char      *data;
  gboolean         is_base64;

  if (!_adiuva_wire_codec_parse_data_url (part->image_url, &media_type, &is_base64, &data))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("An image’s data: URL has no data."));
      return FALSE;
    }

  if (!is_base64)
    {
      g_autoptr (GBytes) bytes = g_uri_unescape_bytes (data, -1, NULL, NULL);

      if (bytes == NULL)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                       _ ("An image’s data: URL is not valid."));
          return FALSE;
        }
      data = base64 = _adiuva_wire_codec_dup_base64 (bytes);
    }

  add_inline_data (turns, role, media_type != NULL ? media_type : part->media_type, data);
  return TRUE;
}

static gboolean
add_image (Turns                   *turns,
           const char              *role,
           const AdiuvaContentPart *part,
           GError                 **error)
{
  JsonObject *file_data;

  if (part->image_data != NULL)
    {
      g_autofree char *base64 = _adiuva_wire_codec_dup_base64 (part->image_data);

      add_inline_data (turns, role, part->media_type, base64);
      return TRUE;
    }

  if (g_ascii_strncasecmp (part->image_url, "data:", strlen ("data:")) == 0)
    return add_data_url (turns, role, part, error);

  file_data = json_object_new ();
  json_object_set_string_member (file_data, "mimeType", part->media_type);
  json_object_set_string_member (file_data, "fileUri", part->image_url);
  json_object_set_object_member (add_part (turns, role), "fileData", file_data);
  return TRUE;
}

/* Text and images; an empty text part is left out, as Gemini refuses those. Returns the
 * first text part written, where an answer's signature goes. */
static gboolean
add_content_parts (Turns             *turns,
                   const char        *role,
                   AdiuvaChatMessage *message,
                   JsonObject       **first_text,
                   GError           **error)
{
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      switch (part->kind)
        {
        case ADIUVA_PART_TEXT:
          if (part->text != NULL && *part->text != '\0')
            {
              JsonObject *text = add_part (turns, role);

              json_object_set_string_member (text, "text", part->text);
              if (first_text != NULL && *first_text == NULL)
                *first_text = text;
            }
          break;

        case ADIUVA_PART_IMAGE:
          if (!add_image (turns, role, part, error))
            return FALSE;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

static JsonNode *
parse_arguments (const AdiuvaToolCall *call,
                 GError              **error)
{
  JsonNode *arguments = _adiuva_wire_codec_parse_arguments (call->arguments);

  if (arguments == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Gemini needs a tool call’s arguments as a JSON object, but the call of "
                      "“%s” has “%s”."),
                   call->name, call->arguments);
      return NULL;
    }

  return arguments;
}

static gboolean
add_assistant (Turns             *turns,
               AdiuvaChatMessage *message,
               GError           **error)
{
  JsonObject *first_text = NULL;
  JsonObject *first_call = NULL;

  if (!add_content_parts (turns, "model", message, &first_text, error))
    return FALSE;

  for (guint i = 0; i < message->tool_calls->len; i++)
    {
      const AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);
      JsonNode             *args = parse_arguments (call, error);
      JsonObject           *function_call;
      JsonObject           *part;

      if (args == NULL)
        return FALSE;

      function_call = json_object_new ();
      json_object_set_string_member (function_call, "name", call->name);
      json_object_set_member (function_call, "args", args);
      if (call->id != NULL && *call->id != '\0' && !is_synthesized_id (call->id))
        json_object_set_string_member (function_call, "id", call->id);

      part = add_part (turns, "model");
      json_object_set_object_member (part, "functionCall", function_call);
      if (first_call == NULL)
        first_call = part;
    }

  if (message->reasoning_signature != NULL && *message->reasoning_signature != '\0')
    {
      JsonObject *holder = first_call != NULL ? first_call : first_text;

      if (holder != NULL)
        json_object_set_string_member (holder, "thoughtSignature", message->reasoning_signature);
    }

  return TRUE;
}

/* The name of the call a tool result answers, which Gemini pairs results by. */
static const char *
find_tool_name (AdiuvaChatRequest *request,
                guint              index)
{
  AdiuvaChatMessage *message = g_ptr_array_index (request->messages, index);

  if (message->name != NULL && *message->name != '\0')
    return message->name;

  return _adiuva_wire_codec_find_call_name (request, index, message->tool_call_id);
}

static JsonNode *
tool_response (AdiuvaChatMessage *message)
{
  g_autofree char *text = adiuva_chat_message_dup_text (message);
  g_autoptr (JsonNode) root = _adiuva_wire_codec_parse_json (text, strlen (text), NULL);
  JsonObject *wrapper;
  JsonNode   *node;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    return g_steal_pointer (&root);

  wrapper = json_object_new ();
  json_object_set_string_member (wrapper, "output", text);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, wrapper);
  return node;
}

static gboolean
add_tool_result (Turns             *turns,
                 AdiuvaChatRequest *request,
                 guint              index,
                 GError           **error)
{
  AdiuvaChatMessage *message = g_ptr_array_index (request->messages, index);
  const char        *name = find_tool_name (request, index);
  JsonObject        *function_response;

  if (name == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Gemini needs the name of the tool a result comes from, but the result "
                      "for call “%s” has none and no earlier message made that call."),
                   message->tool_call_id != NULL ? message->tool_call_id : "");
      return FALSE;
    }

  function_response = json_object_new ();
  json_object_set_string_member (function_response, "name", name);
  json_object_set_member (function_response, "response", tool_response (message));
  if (message->tool_call_id != NULL && *message->tool_call_id != '\0' &&
      !is_synthesized_id (message->tool_call_id))
    json_object_set_string_member (function_response, "id", message->tool_call_id);
  json_object_set_object_member (add_part (turns, "user"), "functionResponse", function_response);

  /* Images a tool returned follow its result in the same turn. */
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);

      if (part->kind == ADIUVA_PART_IMAGE && !add_image (turns, "user", part, error))
        return FALSE;
    }

  return TRUE;
}

static void
add_system (JsonArray         *system_parts,
            AdiuvaChatMessage *message)
{
  for (guint i = 0; i < message->parts->len; i++)
    {
      const AdiuvaContentPart *part = g_ptr_array_index (message->parts, i);
      JsonObject              *text;

      if (part->kind != ADIUVA_PART_TEXT || part->text == NULL || *part->text == '\0')
        continue;

      text = json_object_new ();
      json_object_set_string_member (text, "text", part->text);
      json_array_add_object_element (system_parts, text);
    }
}

static JsonObject *
build_tools (AdiuvaChatRequest *request)
{
  JsonArray  *declarations = json_array_new ();
  JsonObject *tool = json_object_new ();

  for (guint i = 0; i < request->tools->len; i++)
    {
      const AdiuvaToolDefinition *definition = g_ptr_array_index (request->tools, i);
      JsonObject                 *declaration = json_object_new ();

      json_object_set_string_member (declaration, "name", definition->name);
      if (definition->description != NULL)
        json_object_set_string_member (declaration, "description", definition->description);
      if (definition->parameters != NULL)
        json_object_set_member (declaration, "parameters",
                                convert_root_schema (definition->parameters));
      json_array_add_object_element (declarations, declaration);
    }

  json_object_set_array_member (tool, "functionDeclarations", declarations);
  return tool;
}

/* Returns FALSE with @error set when the choice cannot be said; *out is NULL for AUTO. */
static gboolean
build_tool_config (AdiuvaChatRequest *request,
                   JsonObject       **out,
                   GError           **error)
{
  JsonObject *calling;

  *out = NULL;
  if (request->tool_choice == ADIUVA_TOOL_CHOICE_AUTO)
    return TRUE;

  if (request->tool_choice == ADIUVA_TOOL_CHOICE_NAMED &&
      (request->tool_choice_name == NULL || *request->tool_choice_name == '\0'))
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                           _ ("The request asks for a particular tool but does not name it."));
      return FALSE;
    }

  calling = json_object_new ();
  switch (request->tool_choice)
    {
    case ADIUVA_TOOL_CHOICE_AUTO:
      g_assert_not_reached ();

    case ADIUVA_TOOL_CHOICE_NONE:
      json_object_set_string_member (calling, "mode", "NONE");
      break;

    case ADIUVA_TOOL_CHOICE_REQUIRED:
      json_object_set_string_member (calling, "mode", "ANY");
      break;

    case ADIUVA_TOOL_CHOICE_NAMED:
      {
        JsonArray *names = json_array_new ();

        json_array_add_string_element (names, request->tool_choice_name);
        json_object_set_string_member (calling, "mode", "ANY");
        json_object_set_array_member (calling, "allowedFunctionNames", names);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  *out = json_object_new ();
  json_object_set_object_member (*out, "functionCallingConfig", calling);
  return TRUE;
}

static gint64
thinking_budget (AdiuvaChatRequest *request)
{
  if (request->reasoning_budget > 0)
    return request->reasoning_budget;

  switch (request->reasoning)
    {
    case ADIUVA_REASONING_DEFAULT:
      return 0;
    case ADIUVA_REASONING_LOW:
      return BUDGET_LOW;
    case ADIUVA_REASONING_MEDIUM:
      return BUDGET_MEDIUM;
    case ADIUVA_REASONING_HIGH:
      return BUDGET_HIGH;
    default:
      g_assert_not_reached ();
    }
}

static JsonObject *
build_generation_config (AdiuvaChatRequest *request)
{
  JsonObject *config = json_object_new ();
  gint64      budget = thinking_budget (request);

  if (request->temperature >= 0)
    json_object_set_double_member (config, "temperature", request->temperature);
  if (request->top_p >= 0)
    json_object_set_double_member (config, "topP", request->top_p);
  if (request->max_tokens > 0)
    json_object_set_int_member (config, "maxOutputTokens", request->max_tokens);
  if (request->stop != NULL && request->stop[0] != NULL)
    {
      JsonArray *stop = json_array_new ();

      for (guint i = 0; request->stop[i] != NULL; i++)
        json_array_add_string_element (stop, request->stop[i]);
      json_object_set_array_member (config, "stopSequences", stop);
    }

  switch (request->response_format)
    {
    case ADIUVA_RESPONSE_FORMAT_TEXT:
      break;

    case ADIUVA_RESPONSE_FORMAT_JSON_SCHEMA:
      if (request->json_schema != NULL)
        json_object_set_member (config, "responseSchema",
                                convert_root_schema (request->json_schema));
      G_GNUC_FALLTHROUGH;
    case ADIUVA_RESPONSE_FORMAT_JSON_OBJECT:
      json_object_set_string_member (config, "responseMimeType", "application/json");
      break;

    default:
      g_assert_not_reached ();
    }

  if (budget > 0)
    {
      JsonObject *thinking = json_object_new ();

      json_object_set_int_member (thinking, "thinkingBudget", budget);
      json_object_set_boolean_member (thinking, "includeThoughts", TRUE);
      json_object_set_object_member (config, "thinkingConfig", thinking);
    }

  if (json_object_get_size (config) == 0)
    {
      json_object_unref (config);
      return NULL;
    }

  return config;
}

static JsonNode *
gemini_encode_request (AdiuvaChatRequest *request,
                       GError           **error)
{
  g_autoptr (JsonObject) body = json_object_new ();
  g_autoptr (JsonArray) system_parts = json_array_new ();
  g_autoptr (JsonArray) contents = json_array_new ();
  Turns       turns = { contents, NULL, NULL };
  JsonObject *config;
  JsonNode   *root;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < request->messages->len; i++)
    {
      AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);

      switch (message->role)
        {
        case ADIUVA_ROLE_SYSTEM:
          add_system (system_parts, message);
          break;

        case ADIUVA_ROLE_USER:
          if (!add_content_parts (&turns, "user", message, NULL, error))
            return NULL;
          break;

        case ADIUVA_ROLE_ASSISTANT:
          if (!add_assistant (&turns, message, error))
            return NULL;
          break;

        case ADIUVA_ROLE_TOOL:
          if (!add_tool_result (&turns, request, i, error))
            return NULL;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  if (json_array_get_length (contents) == 0)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                           _ ("The request has no message for Gemini to answer."));
      return NULL;
    }

  if (json_array_get_length (system_parts) > 0)
    {
      JsonObject *instruction = json_object_new ();

      json_object_set_array_member (instruction, "parts", json_array_ref (system_parts));
      json_object_set_object_member (body, "systemInstruction", instruction);
    }

  json_object_set_array_member (body, "contents", json_array_ref (contents));

  if (request->tools->len > 0)
    {
      JsonArray  *tools;
      JsonObject *tool_config;

      if (!build_tool_config (request, &tool_config, error))
        return NULL;

      tools = json_array_new ();
      json_array_add_object_element (tools, build_tools (request));
      json_object_set_array_member (body, "tools", tools);
      if (tool_config != NULL)
        json_object_set_object_member (body, "toolConfig", tool_config);
    }

  config = build_generation_config (request);
  if (config != NULL)
    json_object_set_object_member (body, "generationConfig", config);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, body);
  return root;
}

/* JSON text ------------------------------------------------------------------------------ */

/* The shortest text that reads back as the same number: json-glib would write 48.85 as
 * 48.850000000000001, and an infinity as invalid JSON. */
static void
append_double (GString *out,
               double   value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char                     buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  g_string_append (out, buffer);
  /* Still a fraction to whoever reads it, as the model wrote it. */
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

typedef struct
{
  GString *out;
  gboolean first;
} MemberWriter;

static void
append_member_cb (JsonObject  *object,
                  const gchar *name,
                  JsonNode    *node,
                  gpointer     user_data)
{
  MemberWriter *writer = user_data;

  if (!writer->first)
    g_string_append_c (writer->out, ',');
  writer->first = FALSE;
  _adiuva_json_append_string (writer->out, name, -1);
  g_string_append_c (writer->out, ':');
  append_json (writer->out, node);
}

/* Compact JSON, members in the order they came. */
static void
append_json (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        MemberWriter writer = { out, TRUE };

        g_string_append_c (out, '{');
        json_object_foreach_member (json_node_get_object (node), append_member_cb, &writer);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_json (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_DOUBLE)
          append_double (out, json_node_get_double (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_STRING)
          _adiuva_json_append_string (out, json_node_get_string (node), -1);
        else
          g_string_append (out, "null");
      }
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Answers -------------------------------------------------------------------------------- */

/* How far an answer has come, the same for a body and a stream. */
typedef struct
{
  AdiuvaDeltaSink    sink;
  GString           *scratch; /* a call's arguments as JSON text */
  guint              n_calls;
  AdiuvaFinishReason finish; /* the last finish sent, NONE before */
  gboolean           has_signature;
} Answer;

static void
answer_init (Answer         *answer,
             AdiuvaDeltaFunc func,
             gpointer        user_data)
{
  *answer = (Answer){ { func, user_data } };
  answer->scratch = g_string_new (NULL);
}

static void
answer_clear (Answer *answer)
{
  if (answer->scratch != NULL)
    g_string_free (answer->scratch, TRUE);
  answer->scratch = NULL;
}

static gboolean
set_protocol_error (GError    **error,
                    const char *what)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
               _ ("Gemini sent an answer the gateway cannot read: %s"), what);
  return FALSE;
}

static gboolean
set_type_error (GError    **error,
                const char *name,
                const char *expected)
{
  /* Translators: the first %s is a field of Gemini's JSON, the second a JSON type. */
  g_autofree char *what = g_strdup_printf (_ ("“%s” is not %s."), name, expected);

  return set_protocol_error (error, what);
}

/* A member that may be absent or null (*out is then NULL), or else must be an object. */
static gboolean
get_object (JsonObject  *object,
            const char  *name,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (!_adiuva_json_node_is_set (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_type_error (error, name, _ ("an object"));

  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_array (JsonObject *object,
           const char *name,
           JsonArray **out,
           GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (!_adiuva_json_node_is_set (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error (error, name, _ ("a list"));

  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (!_adiuva_json_node_is_set (node))
    return TRUE;
  if (!_adiuva_json_node_holds (node, G_TYPE_STRING))
    return set_type_error (error, name, _ ("a string"));

  *out = json_node_get_string (node);
  return TRUE;
}

/* An enum Gemini writes as its name, or as its number with enum-encoding=int: *out is the
 * name, or NULL when absent. @names are the names of the numbers. */
static gboolean
get_enum (JsonObject        *object,
          const char        *name,
          const char *const *names,
          gsize              n_names,
          const char       **out,
          GError           **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (!_adiuva_json_node_is_set (node))
    return TRUE;

  if (_adiuva_json_node_holds (node, G_TYPE_STRING))
    *out = json_node_get_string (node);
  else if (_adiuva_json_node_holds (node, G_TYPE_INT64))
    {
      gint64 value = json_node_get_int (node);

      *out = value >= 0 && (guint64) value < n_names ? names[value] : "UNKNOWN";
    }
  else
    return set_type_error (error, name, _ ("a string"));

  return TRUE;
}

/* A token count; Gemini leaves out counts of 0. */
static gint64
get_count (JsonObject *object,
           const char *name)
{
  return MAX (_adiuva_json_get_count (object, name), 0);
}

static gboolean
decode_function_call (JsonObject *call,
                      const char *response_id,
                      Answer     *answer,
                      GError    **error)
{
  g_autofree char *synthesized_id = NULL;
  JsonNode        *args;
  const char      *name;
  const char      *id;
  gboolean         ok;

  if (!get_string (call, "name", &name, error) || !get_string (call, "id", &id, error))
    return FALSE;
  if (name == NULL || *name == '\0')
    return set_protocol_error (error, _ ("A function call does not name its function."));

  g_string_truncate (answer->scratch, 0);
  args = json_object_get_member (call, "args");
  if (!_adiuva_json_node_is_set (args))
    g_string_append (answer->scratch, "{}");
  else if (JSON_NODE_HOLDS_OBJECT (args))
    append_json (answer->scratch, args);
  else
    return set_type_error (error, "args", _ ("an object"));

  if (id == NULL || *id == '\0')
    id = synthesized_id = _adiuva_wire_codec_hash_call_id (SYNTHESIZED_ID_PREFIX, response_id,
                                                           answer->n_calls, name,
                                                           answer->scratch->str);

  ok = _adiuva_wire_codec_emit_tool_call (&answer->sink, answer->n_calls++, id, name,
                                          answer->scratch->str, error);

  /* One huge call must not pin its memory for the rest of a long stream. */
  if (answer->scratch->allocated_len > KEEP_BUFFER_BELOW)
    {
      g_string_free (answer->scratch, TRUE);
      answer->scratch = g_string_new (NULL);
    }

  return ok;
}

static gboolean
decode_part (JsonNode   *node,
             const char *response_id,
             Answer     *answer,
             GError    **error)
{
  JsonObject *part;
  JsonObject *call;
  JsonNode   *thought;
  const char *text;
  const char *signature;
  gboolean    is_thought;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_protocol_error (error, _ ("A part of the answer is not an object."));
  part = json_node_get_object (node);

  thought = json_object_get_member (part, "thought");
  if (_adiuva_json_node_is_set (thought) && !_adiuva_json_node_holds (thought, G_TYPE_BOOLEAN))
    return set_type_error (error, "thought", _ ("true or false"));

  if (!get_string (part, "text", &text, error) ||
      !get_object (part, "functionCall", &call, error) ||
      !get_string (part, "thoughtSignature", &signature, error))
    return FALSE;

  is_thought = _adiuva_json_node_holds (thought, G_TYPE_BOOLEAN) && json_node_get_boolean (thought);
  if (!_adiuva_wire_codec_emit_text (&answer->sink,
                                     is_thought ? ADIUVA_DELTA_REASONING : ADIUVA_DELTA_TEXT, text,
                                     error))
    return FALSE;

  if (call != NULL && !decode_function_call (call, response_id, answer, error))
    return FALSE;

  if (signature != NULL && *signature != '\0')
    {
      if (answer->has_signature)
        g_debug ("Gemini sent a second thought signature; only the first is kept");
      else
        {
          answer->has_signature = TRUE;
          if (!_adiuva_wire_codec_emit_text (&answer->sink, ADIUVA_DELTA_REASONING_SIGNATURE,
                                             signature, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* Candidate.FinishReason by number, for enum-encoding=int. */
static const char *const finish_reason_names[] = {
  "FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "OTHER", "LANGUAGE",
  "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "MALFORMED_FUNCTION_CALL", "IMAGE_SAFETY",
  "UNEXPECTED_TOOL_CALL"
};

/* PromptFeedback.BlockReason by number. */
static const char *const block_reason_names[] = {
  "BLOCK_REASON_UNSPECIFIED", "SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT", "IMAGE_SAFETY"
};

static gboolean
reason_is_one_of (const char        *reason,
                  const char *const *reasons)
{
  for (guint i = 0; reasons[i] != NULL; i++)
    if (g_str_equal (reason, reasons[i]))
      return TRUE;

  return FALSE;
}

static gboolean
emit_finish (Answer            *answer,
             AdiuvaFinishReason finish,
             GError           **error)
{
  /* Some servers repeat the reason on every event: one FINISH per change is enough. */
  if (finish == answer->finish)
    return TRUE;

  answer->finish = finish;
  return _adiuva_wire_codec_emit_finish (&answer->sink, finish, error);
}

static gboolean
decode_finish_reason (const char *reason,
                      const char *message,
                      Answer     *answer,
                      GError    **error)
{
  static const char *const filtered[] = {
    "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
    "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", NULL
  };
  static const char *const failed[] = {
    "OTHER", "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS",
    "IMAGE_OTHER", "NO_IMAGE", NULL
  };

  if (g_str_equal (reason, "MAX_TOKENS"))
    return emit_finish (answer, ADIUVA_FINISH_LENGTH, error);
  if (reason_is_one_of (reason, filtered))
    return emit_finish (answer, ADIUVA_FINISH_CONTENT_FILTER, error);

  if (reason_is_one_of (reason, failed))
    {
      if (message != NULL && *message != '\0')
        g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER,
                     _ ("Gemini stopped without a usable answer (%s): %s"), reason, message);
      else
        g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_SERVER,
                     _ ("Gemini stopped without a usable answer (%s)."), reason);
      return FALSE;
    }

  if (!g_str_equal (reason, "STOP"))
    g_debug ("Gemini finished for a reason the gateway does not know, %s; read as STOP", reason);

  return emit_finish (answer, answer->n_calls > 0 ? ADIUVA_FINISH_TOOL_CALLS : ADIUVA_FINISH_STOP,
                      error);
}

static gboolean
decode_candidate (JsonNode   *node,
                  const char *response_id,
                  Answer     *answer,
                  GError    **error)
{
  JsonObject *candidate;
  JsonObject *content;
  JsonArray  *parts = NULL;
  const char *reason;
  const char *message;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_protocol_error (error, _ ("A candidate is not an object."));
  candidate = json_node_get_object (node);

  if (!get_object (candidate, "content", &content, error) ||
      (content != NULL && !get_array (content, "parts", &parts, error)))
    return FALSE;

  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    if (!decode_part (json_array_get_element (parts, i), response_id, answer, error))
      return FALSE;

  if (!get_enum (candidate, "finishReason", finish_reason_names, G_N_ELEMENTS (finish_reason_names),
                 &reason, error) ||
      !get_string (candidate, "finishMessage", &message, error))
    return FALSE;

  if (reason == NULL || g_str_equal (reason, "FINISH_REASON_UNSPECIFIED"))
    return TRUE;

  return decode_finish_reason (reason, message, answer, error);
}

static gboolean
decode_usage (JsonObject *usage,
              Answer     *answer,
              GError    **error)
{
  gint64      thoughts = get_count (usage, "thoughtsTokenCount");
  AdiuvaUsage read = {
    .input_tokens = get_count (usage, "promptTokenCount") +
                    get_count (usage, "toolUsePromptTokenCount"),
    .output_tokens = get_count (usage, "candidatesTokenCount") + thoughts,
    .cached_input_tokens = get_count (usage, "cachedContentTokenCount"),
    .reasoning_tokens = thoughts,
  };

  return _adiuva_wire_codec_emit_usage (&answer->sink, &read, error);
}

/* Error status names and the HTTP status Google gives them, for errors without a code. */
static guint
status_for_error_name (const char *name)
{
  static const struct
  {
    const char *name;
    guint       status;
  } statuses[] = {
    { "INVALID_ARGUMENT", 400 },
    { "FAILED_PRECONDITION", 400 },
    { "OUT_OF_RANGE", 400 },
    { "UNAUTHENTICATED", 401 },
    { "PERMISSION_DENIED", 403 },
    { "NOT_FOUND", 404 },
    { "ABORTED", 409 },
    { "ALREADY_EXISTS", 409 },
    { "RESOURCE_EXHAUSTED", 429 },
    { "CANCELLED", 499 },
    { "INTERNAL", 500 },
    { "UNKNOWN", 500 },
    { "DATA_LOSS", 500 },
    { "UNIMPLEMENTED", 501 },
    { "UNAVAILABLE", 503 },
    { "DEADLINE_EXCEEDED", 504 },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (g_str_equal (name, statuses[i].name))
      return statuses[i].status;

  return 500;
}

static gboolean
has_error_reason (JsonObject *error_object,
                  const char *reason)
{
  JsonNode *details = json_object_get_member (error_object, "details");

  if (details == NULL || !JSON_NODE_HOLDS_ARRAY (details))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (details)); i++)
    {
      JsonNode *detail = json_array_get_element (json_node_get_array (details), i);
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (detail))
        continue;
      value = json_object_get_member (json_node_get_object (detail), "reason");
      if (g_strcmp0 (_adiuva_json_node_get_string (value), reason) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * set_gemini_error:
 * @status: the HTTP status, or 0 inside a stream, where the error's own code stands for it
 * @error_node: the value of "error" in Gemini's body
 *
 * Google's errors are {code, message, status, details}: the status and details say a little
 * more than the HTTP code does.
 */
static void
set_gemini_error (GError  **error,
                  guint     status,
                  JsonNode *error_node)
{
  JsonObject *object = _adiuva_json_node_get_object (error_node);
  const char *message = NULL;
  const char *name = NULL;
  JsonNode   *node;

  if (object != NULL)
    {
      message = _adiuva_json_get_string (object, "message");
      name = _adiuva_json_get_string (object, "status");

      node = json_object_get_member (object, "code");
      if (status == 0 && _adiuva_json_node_holds (node, G_TYPE_INT64) &&
          json_node_get_int (node) >= 400 && json_node_get_int (node) < 600)
        status = json_node_get_int (node);
    }
  else
    message = _adiuva_json_node_get_string (error_node);

  if (status == 0)
    status = status_for_error_name (name);
  if ((message == NULL || *message == '\0') && name != NULL)
    message = name;

  _adiuva_wire_codec_set_http_error (error, status, message);
  if (error == NULL)
    return;

  /* Where Google says more than the status: a bad key is a 400 INVALID_ARGUMENT, a stream
   * the server gave up on a CANCELLED that retrying may cure. */
  if (object != NULL && has_error_reason (object, "API_KEY_INVALID"))
    (*error)->code = ADIUVA_GATEWAY_ERROR_AUTH;
  else if (g_strcmp0 (name, "DEADLINE_EXCEEDED") == 0)
    (*error)->code = ADIUVA_GATEWAY_ERROR_TIMEOUT;
  else if (g_strcmp0 (name, "CANCELLED") == 0)
    (*error)->code = ADIUVA_GATEWAY_ERROR_SERVER;
}

/* One GenerateContentResponse: a body or an event of a stream. */
static gboolean
decode_chunk (JsonNode *root,
              Answer   *answer,
              GError  **error)
{
  JsonObject *chunk;
  JsonObject *feedback;
  JsonObject *usage;
  JsonArray  *candidates;
  JsonNode   *node;
  const char *response_id;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return set_protocol_error (error, _ ("A response is not an object."));
  chunk = json_node_get_object (root);

  node = json_object_get_member (chunk, "error");
  if (_adiuva_json_node_is_set (node))
    {
      set_gemini_error (error, 0, node);
      return FALSE;
    }

  if (!get_string (chunk, "responseId", &response_id, error) ||
      !get_array (chunk, "candidates", &candidates, error) ||
      !get_object (chunk, "promptFeedback", &feedback, error) ||
      !get_object (chunk, "usageMetadata", &usage, error))
    return FALSE;

  if (candidates != NULL && json_array_get_length (candidates) > 0 &&
      !decode_candidate (json_array_get_element (candidates, 0), response_id, answer, error))
    return FALSE;

  if (feedback != NULL)
    {
      const char *reason;

      if (!get_enum (feedback, "blockReason", block_reason_names,
                     G_N_ELEMENTS (block_reason_names), &reason, error))
        return FALSE;
      if (reason != NULL && !g_str_equal (reason, "BLOCK_REASON_UNSPECIFIED") &&
          !emit_finish (answer, ADIUVA_FINISH_CONTENT_FILTER, error))
        return FALSE;
    }

  if (usage != NULL && !decode_usage (usage, answer, error))
    return FALSE;

  return TRUE;
}

static gboolean
set_unfinished_error (GError **error)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("Gemini’s answer ended before it was finished."));
  return FALSE;
}

static gboolean
gemini_decode_response (JsonNode       *body,
                        AdiuvaDeltaFunc func,
                        gpointer        user_data,
                        GError        **error)
{
  Answer   answer;
  gboolean ok = TRUE;

  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  answer_init (&answer, func, user_data);

  if (JSON_NODE_HOLDS_ARRAY (body))
    {
      JsonArray *chunks = json_node_get_array (body);

      for (guint i = 0; ok && i < json_array_get_length (chunks); i++)
        ok = decode_chunk (json_array_get_element (chunks, i), &answer, error);
    }
  else
    ok = decode_chunk (body, &answer, error);

  if (ok && answer.finish == ADIUVA_FINISH_NONE)
    ok = set_unfinished_error (error);

  answer_clear (&answer);
  return ok;
}

/* Streams -------------------------------------------------------------------------------- */

typedef struct
{
  AdiuvaSseDecoder *events;
  Answer            answer;
  GString          *head; /* the body until its first event, or NULL once it is not needed */
  guint64           n_events;
  gboolean          failed;
} GeminiStreamDecoder;

static void
drop_head (GeminiStreamDecoder *self)
{
  if (self->head != NULL)
    g_string_free (self->head, TRUE);
  self->head = NULL;
}

static gboolean
stream_event_cb (const AdiuvaSseEvent *event,
                 gpointer              user_data,
                 GError              **error)
{
  GeminiStreamDecoder *self = user_data;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (JsonNode) root = NULL;
  gboolean ok = TRUE;

  self->n_events++;
  drop_head (self);

  root = _adiuva_wire_codec_parse_json (event->data, event->data_len, &parse_error);
  if (parse_error != NULL)
    {
      g_autofree char *excerpt = _adiuva_wire_codec_dup_excerpt (event->data, event->data_len,
                                                                 ADIUVA_WIRE_CODEC_EVENT_EXCERPT);
      /* Formatted apart: xgettext cannot read G_GUINT64_FORMAT. */
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, self->n_events);

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("Event %s of Gemini’s stream is not valid JSON (%s): “%s”"), number,
                   parse_error->message, excerpt);
      return FALSE;
    }

  /* An event of blanks carries nothing; keep-alives may look like that. */
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *chunks = json_node_get_array (root);

      for (guint i = 0; ok && i < json_array_get_length (chunks); i++)
        ok = decode_chunk (json_array_get_element (chunks, i), &self->answer, error);
    }
  else if (root != NULL)
    ok = decode_chunk (root, &self->answer, error);

  return ok;
}

static AdiuvaStreamDecoder *
gemini_stream_decoder_new (void)
{
  GeminiStreamDecoder *self = g_new0 (GeminiStreamDecoder, 1);

  self->events = adiuva_sse_decoder_new (ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);
  self->head = g_string_new (NULL);
  answer_init (&self->answer, NULL, NULL);

  return (AdiuvaStreamDecoder *) self;
}

static void
gemini_stream_decoder_free (AdiuvaStreamDecoder *decoder)
{
  GeminiStreamDecoder *self = (GeminiStreamDecoder *) decoder;

  if (self == NULL)
    return;

  adiuva_sse_decoder_free (self->events);
  drop_head (self);
  answer_clear (&self->answer);
  g_free (self);
}

static gboolean
refuse_after_failure (GError **error)
{
  g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("Gemini’s stream already failed; nothing more can be read from it."));
  return FALSE;
}

/* Keeps the start of a body that has no event yet, as long as it may be a JSON error. */
static void
keep_head (GeminiStreamDecoder *self,
           const guint8        *data,
           gsize                len)
{
  const char *start;

  if (self->head == NULL)
    return;

  if (self->head->len + len > HEAD_SIZE)
    {
      drop_head (self);
      return;
    }

  g_string_append_len (self->head, (const char *) data, len);

  start = self->head->str;
  while (*start != '\0' && g_ascii_isspace (*start))
    start++;
  if (*start != '\0' && *start != '{' && *start != '[')
    drop_head (self);
}

static gboolean
gemini_stream_decoder_feed (AdiuvaStreamDecoder *decoder,
                            const guint8        *data,
                            gsize                len,
                            AdiuvaDeltaFunc      func,
                            gpointer             user_data,
                            GError             **error)
{
  GeminiStreamDecoder *self = (GeminiStreamDecoder *) decoder;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    return refuse_after_failure (error);

  keep_head (self, data, len);

  self->answer.sink = (AdiuvaDeltaSink){ func, user_data };
  if (!adiuva_sse_decoder_feed (self->events, data, len, stream_event_cb, self, error))
    {
      self->failed = TRUE;
      return FALSE;
    }

  return TRUE;
}

/* A body without events that is one JSON error object: Gemini's error, sent as it is. */
static gboolean
read_head_error (GeminiStreamDecoder *self,
                 GError             **error)
{
  g_autoptr (JsonNode) head = NULL;
  JsonNode *root;
  JsonNode *node;

  if (self->head == NULL || self->head->len == 0)
    return FALSE;

  head = _adiuva_wire_codec_parse_json (self->head->str, self->head->len, NULL);
  root = head;
  if (root == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    root = json_array_get_element (json_node_get_array (root), 0);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "error")) == NULL ||
      JSON_NODE_HOLDS_NULL (node))
    return FALSE;

  set_gemini_error (error, 0, node);
  return TRUE;
}

static gboolean
gemini_stream_decoder_finish (AdiuvaStreamDecoder *decoder,
                              AdiuvaDeltaFunc      func,
                              gpointer             user_data,
                              GError             **error)
{
  GeminiStreamDecoder *self = (GeminiStreamDecoder *) decoder;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failed)
    return refuse_after_failure (error);

  self->answer.sink = (AdiuvaDeltaSink){ func, user_data };
  self->failed = TRUE; /* no input after the end, whatever happens now */
  if (!adiuva_sse_decoder_finish (self->events, stream_event_cb, self, error))
    return FALSE;

  if (self->n_events == 0 && read_head_error (self, error))
    return FALSE;

  if (self->answer.finish == ADIUVA_FINISH_NONE)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                           _ ("Gemini’s stream ended before the answer was finished."));
      return FALSE;
    }

  return TRUE;
}

/* Errors --------------------------------------------------------------------------------- */

static void
gemini_decode_error (guint       status,
                     const char *body,
                     gsize       body_len,
                     GError    **error)
{
  g_autoptr (JsonNode) parsed = NULL;
  g_autofree char *text = NULL;
  JsonNode        *root;

  if (body != NULL && body_len > 0)
    parsed = _adiuva_wire_codec_parse_json (body, body_len, NULL);
  root = parsed;
  if (root != NULL)
    {
      JsonNode *node = NULL;

      /* streamGenerateContent without alt=sse wraps its error in a list. */
      if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
        root = json_array_get_element (json_node_get_array (root), 0);
      if (JSON_NODE_HOLDS_OBJECT (root))
        node = json_object_get_member (json_node_get_object (root), "error");

      if (_adiuva_json_node_is_set (node))
        {
          set_gemini_error (error, status, node);
          return;
        }
    }

  /* Not Google's JSON (a proxy's page): its start still tells the user something. */
  text = _adiuva_wire_codec_dup_excerpt (body, body_len, ADIUVA_WIRE_CODEC_BODY_EXCERPT);

  _adiuva_wire_codec_set_http_error (error, status, text);
}

const AdiuvaWireCodec adiuva_gemini_codec = {
  .format = ADIUVA_WIRE_FORMAT_GEMINI,
  .encode_request = gemini_encode_request,
  .decode_response = gemini_decode_response,
  .decode_error = gemini_decode_error,
  .stream_decoder_new = gemini_stream_decoder_new,
  .stream_decoder_feed = gemini_stream_decoder_feed,
  .stream_decoder_finish = gemini_stream_decoder_finish,
  .stream_decoder_free = gemini_stream_decoder_free,
  .encode_embeddings = _adiuva_gemini_encode_embeddings,
  .decode_embeddings = _adiuva_gemini_decode_embeddings,
};
