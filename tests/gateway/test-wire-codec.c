/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-wire-codec"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"
#include "adiuva-wire-codec-private.h"

/* What the four codecs share (adiuva-wire-codec-private.h), and the one promise all of them
 * make about hostile input: JSON nested deep enough to overflow JSON-GLib's recursive parser
 * is refused, never parsed, wherever a codec reads JSON. */

/* Far past what JSON-GLib survives: it crashes somewhere under this. */
#define HOSTILE_DEPTH 100000

/* @depth opening brackets: a valid start of JSON at every level, so JSON-GLib recurses
 * through all of them before it finds the text cut. */
static char *
nested (guint depth)
{
  return g_strnfill (depth, '[');
}

/* @depth levels of lists and objects around a 0, closed. */
static char *
nested_closed (guint depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, i % 2 == 0 ? "[" : "{\"k\":");
  g_string_append_c (text, '0');
  for (guint i = depth; i > 0; i--)
    g_string_append_c (text, (i - 1) % 2 == 0 ? ']' : '}');

  return g_string_free (text, FALSE);
}

/* Reading JSON */

static void
test_parse_json (void)
{
  static const char text[] = "{\"a\": [1, 2.5, \"x\"]} trailing bytes not given";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  /* Only @len bytes are read: bodies are not NUL-terminated. */
  node = _adiuva_wire_codec_parse_json (text, strlen ("{\"a\": [1, 2.5, \"x\"]}"), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_clear_pointer (&node, json_node_unref);

  /* White space is no value and no error either: SSE keep-alives look like that. */
  node = _adiuva_wire_codec_parse_json (" \r\n\t", 4, &error);
  g_assert_no_error (error);
  g_assert_null (node);
  node = _adiuva_wire_codec_parse_json ("", 0, &error);
  g_assert_no_error (error);
  g_assert_null (node);
  node = _adiuva_wire_codec_parse_json (NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_null (node);

  node = _adiuva_wire_codec_parse_json ("{\"a\":", 5, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == JSON_PARSER_ERROR);
  g_assert_null (node);
  g_clear_error (&error);

  node = _adiuva_wire_codec_parse_json ("\"\xff\"", 3, &error);
  g_assert_nonnull (error);
  g_assert_null (node);
  g_clear_error (&error);

  /* JSON-GLib takes "/a/" and the like for comments, and so for nothing: that is no JSON. */
  node = _adiuva_wire_codec_parse_json (" /a/ ", 5, &error);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_null (node);
  g_clear_error (&error);

  /* Scalars are JSON too. */
  node = _adiuva_wire_codec_parse_json ("42", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (node), ==, 42);
}

static void
test_parse_json_depth (void)
{
  g_autofree char *limit = nested_closed (ADIUVA_JSON_MAX_DEPTH);
  g_autofree char *past = nested_closed (ADIUVA_JSON_MAX_DEPTH + 1);
  g_autofree char *hostile = nested (HOSTILE_DEPTH);
  g_autoptr (GString) in_strings = g_string_new ("[");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  /* As deep as allowed: read. */
  node = _adiuva_wire_codec_parse_json (limit, strlen (limit), &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  /* One level more, or a hundred thousand: refused before JSON-GLib sees it. */
  node = _adiuva_wire_codec_parse_json (past, strlen (past), &error);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_null (node);
  g_clear_error (&error);

  node = _adiuva_wire_codec_parse_json (hostile, strlen (hostile), &error);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_assert_null (node);
  g_clear_error (&error);

  /* Brackets inside strings, escaped quotes included, are text, not nesting. */
  for (guint i = 0; i < 500; i++)
    g_string_append (in_strings, "\"[[{{\\\"[[\",");
  g_string_append (in_strings, "\"end\"]");
  node = _adiuva_wire_codec_parse_json (in_strings->str, in_strings->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 501);
}

static void
test_parse_arguments (void)
{
  g_autofree char *hostile = nested (HOSTILE_DEPTH);
  g_autoptr (JsonNode) node = NULL;

  /* No arguments are no arguments. */
  node = _adiuva_wire_codec_parse_arguments (NULL);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), ==, 0);
  g_clear_pointer (&node, json_node_unref);
  node = _adiuva_wire_codec_parse_arguments ("");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_clear_pointer (&node, json_node_unref);

  node = _adiuva_wire_codec_parse_arguments ("{\"city\": \"Paris\", \"days\": 2}");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "city"), ==,
                   "Paris");
  g_clear_pointer (&node, json_node_unref);

  /* Anything but an object: a call cut short, a list, a hostile nesting. */
  g_assert_null (_adiuva_wire_codec_parse_arguments ("{\"city\": \"Pa"));
  g_assert_null (_adiuva_wire_codec_parse_arguments ("[1, 2]"));
  g_assert_null (_adiuva_wire_codec_parse_arguments ("   "));
  g_assert_null (_adiuva_wire_codec_parse_arguments (hostile));
}

static void
test_json_getters (void)
{
  g_autoptr (JsonNode) node = json_from_string ("{\"s\": \"text\", \"empty\": \"\", \"n\": null,"
                                                " \"i\": 12, \"whole\": 12.0, \"half\": 12.5,"
                                                " \"negative\": -3, \"huge\": 1e300, \"b\": true,"
                                                " \"o\": {\"inner\": \"x\"}, \"a\": [1]}",
                                                NULL);
  JsonObject *object = json_node_get_object (node);
  double      number = 0;
  gint64      integer = 0;
  gboolean    boolean = FALSE;

  /* A member of the wrong type reads as a missing one. */
  g_assert_cmpstr (_adiuva_json_get_string (object, "s"), ==, "text");
  g_assert_null (_adiuva_json_get_string (object, "i"));
  g_assert_null (_adiuva_json_get_string (object, "n"));
  g_assert_null (_adiuva_json_get_string (object, "missing"));
  g_assert_cmpstr (_adiuva_json_get_string (object, "empty"), ==, "");
  g_assert_null (_adiuva_json_get_nonempty_string (object, "empty"));
  g_assert_cmpstr (_adiuva_json_get_nonempty_string (object, "s"), ==, "text");
  g_assert_nonnull (_adiuva_json_get_object (object, "o"));
  g_assert_null (_adiuva_json_get_object (object, "a"));
  g_assert_nonnull (_adiuva_json_get_array (object, "a"));
  g_assert_null (_adiuva_json_get_array (object, "o"));

  /* A NULL object is an empty one, so lookups chain. */
  g_assert_cmpstr (_adiuva_json_get_string (_adiuva_json_get_object (object, "o"), "inner"), ==,
                   "x");
  g_assert_null (_adiuva_json_get_string (_adiuva_json_get_object (object, "none"), "inner"));
  g_assert_null (_adiuva_json_get_member (NULL, "x"));
  g_assert_cmpint (_adiuva_json_get_count (NULL, "x"), ==, -1);

  g_assert_true (_adiuva_json_get_number (object, "i", &number));
  g_assert_cmpfloat (number, ==, 12.0);
  g_assert_true (_adiuva_json_get_number (object, "half", &number));
  g_assert_cmpfloat (number, ==, 12.5);
  g_assert_false (_adiuva_json_get_number (object, "s", &number));

  /* Integers, and numbers some servers write with a zero fraction. */
  g_assert_true (_adiuva_json_get_int (object, "i", &integer));
  g_assert_cmpint (integer, ==, 12);
  integer = 0;
  g_assert_true (_adiuva_json_get_int (object, "whole", &integer));
  g_assert_cmpint (integer, ==, 12);
  g_assert_false (_adiuva_json_get_int (object, "half", &integer));
  g_assert_false (_adiuva_json_get_int (object, "huge", &integer));

  g_assert_true (_adiuva_json_get_boolean (object, "b", &boolean));
  g_assert_true (boolean);
  g_assert_false (_adiuva_json_get_boolean (object, "i", &boolean));

  /* Counts are 0 or more, or unknown. */
  g_assert_cmpint (_adiuva_json_get_count (object, "i"), ==, 12);
  g_assert_cmpint (_adiuva_json_get_count (object, "half"), ==, 12);
  g_assert_cmpint (_adiuva_json_get_count (object, "huge"), ==, G_MAXINT32);
  g_assert_cmpint (_adiuva_json_get_count (object, "negative"), ==, -1);
  g_assert_cmpint (_adiuva_json_get_count (object, "s"), ==, -1);
  g_assert_cmpint (_adiuva_json_get_count (object, "missing"), ==, -1);

  g_assert_true (_adiuva_json_node_holds (json_object_get_member (object, "s"), G_TYPE_STRING));
  g_assert_false (_adiuva_json_node_holds (json_object_get_member (object, "n"), G_TYPE_STRING));
  g_assert_false (_adiuva_json_node_holds (NULL, G_TYPE_STRING));
  g_assert_false (_adiuva_json_node_is_set (json_object_get_member (object, "n")));
  g_assert_false (_adiuva_json_node_is_set (NULL));
  g_assert_true (_adiuva_json_node_is_set (json_object_get_member (object, "empty")));
  g_assert_null (_adiuva_json_node_get_object (json_object_get_member (object, "a")));
  g_assert_null (_adiuva_json_node_get_string (NULL));
}

/* Writing JSON */

static char *
json_string (const char *text,
             gssize      len)
{
  GString *out = g_string_new (NULL);

  _adiuva_json_append_string (out, text, len);
  return g_string_free (out, FALSE);
}

static void
test_append_string (void)
{
  static const char *const texts[] = {
    "",
    "plain",
    "quote \" backslash \\ slash /",
    "lines\nand\rtabs\t",
    "\x01\x1f\x7f",
    "ünïcödé ✓ 😀",
    "</script>",
  };
  g_autofree char *escaped = json_string ("a\"b\\c\nd\re\tf\x01g", -1);
  g_autofree char *cut = json_string ("abcdef", 3);
  g_autofree char *null = json_string (NULL, -1);
  g_autofree char *broken = json_string ("ok \xff\xfe end \xc3", -1);

  /* Short escapes for the common characters, \u00XX for the other control characters. */
  g_assert_cmpstr (escaped, ==, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\"");
  g_assert_cmpstr (cut, ==, "\"abc\"");
  g_assert_cmpstr (null, ==, "\"\"");

  /* Bytes that are not UTF-8 must not break the reader's parser. */
  g_assert_true (g_utf8_validate (broken, -1, NULL));
  g_assert_nonnull (strstr (broken, "ok "));
  g_assert_nonnull (strstr (broken, " end "));

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *written = json_string (texts[i], -1);
      g_autoptr (JsonNode) node = json_from_string (written, NULL);

      g_assert_nonnull (node);
      g_assert_cmpstr (json_node_get_string (node), ==, texts[i]);
    }
}

/* Error messages */

static void
test_excerpt (void)
{
  g_autoptr (GString) long_text = g_string_new (NULL);
  g_autofree char *page = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *with_nul = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *exact = NULL;

  g_assert_null (_adiuva_wire_codec_dup_excerpt (NULL, 0, 100));
  g_assert_null (_adiuva_wire_codec_dup_excerpt ("", 0, 100));
  g_assert_null (_adiuva_wire_codec_dup_excerpt (" \r\n\t\x01 ", 6, 100));

  /* A proxy's page reads as one line. */
  page = _adiuva_wire_codec_dup_excerpt ("  <html>\r\n  <title>502 Bad Gateway</title>\n</html>\n",
                                         50, 100);
  g_assert_cmpstr (page, ==, "<html> <title>502 Bad Gateway</title> </html>");

  /* Any bytes: invalid ones are replaced, NUL and control characters are spaces. */
  broken = _adiuva_wire_codec_dup_excerpt ("\xff"
                                           "bad\xc3",
                                           5, 100);
  g_assert_cmpstr (broken, ==, "\xef\xbf\xbd"
                               "bad\xef\xbf\xbd");
  with_nul = _adiuva_wire_codec_dup_excerpt ("a\0b", 3, 100);
  g_assert_cmpstr (with_nul, ==, "a b");

  /* Cut between characters, with a mark, within the size given. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (long_text, "é");
  cut = _adiuva_wire_codec_dup_excerpt (long_text->str, long_text->len, 301);
  g_assert_true (g_utf8_validate (cut, -1, NULL));
  g_assert_true (g_str_has_suffix (cut, "…"));
  g_assert_cmpuint (strlen (cut), ==, 300 + strlen ("…"));

  exact = _adiuva_wire_codec_dup_excerpt ("abc   ", 6, 3);
  g_assert_cmpstr (exact, ==, "abc");
}

/* Emitting deltas */

typedef struct
{
  GPtrArray *kinds;
  GString   *text;
  guint      stop_after; /* 0: never */
  gboolean   stop_with_error;
} Sink;

static gboolean
sink_cb (const AdiuvaChatDelta *delta,
         gpointer               user_data,
         GError               **error)
{
  Sink *sink = user_data;

  g_ptr_array_add (sink->kinds, GINT_TO_POINTER (delta->kind));
  if (delta->text != NULL)
    g_string_append_len (sink->text, delta->text, delta->text_len);

  if (sink->stop_after == 0 || sink->kinds->len < sink->stop_after)
    return TRUE;
  if (sink->stop_with_error)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "closed by the test");
  return FALSE;
}

static void
test_emit (void)
{
  Sink            seen = { g_ptr_array_new (), g_string_new (NULL), 0, FALSE };
  AdiuvaDeltaSink sink = { sink_cb, &seen };
  AdiuvaUsage     unknown = ADIUVA_USAGE_INIT;
  AdiuvaUsage     some = { 10, -1, -1, -1 };
  g_autoptr (GError) error = NULL;

  /* Empty text and unknown usage say nothing, so nothing is emitted. */
  g_assert_true (_adiuva_wire_codec_emit_text (&sink, ADIUVA_DELTA_TEXT, NULL, &error));
  g_assert_true (_adiuva_wire_codec_emit_text (&sink, ADIUVA_DELTA_TEXT, "", &error));
  g_assert_true (_adiuva_wire_codec_emit_usage (&sink, &unknown, &error));
  g_assert_cmpuint (seen.kinds->len, ==, 0);

  g_assert_true (_adiuva_wire_codec_emit_text (&sink, ADIUVA_DELTA_REASONING, "Hm.", &error));
  g_assert_true (_adiuva_wire_codec_emit_tool_call (&sink, 0, "call_1", "f", NULL, &error));
  g_assert_true (_adiuva_wire_codec_emit_tool_call (&sink, 0, NULL, NULL, "{}", &error));
  g_assert_true (_adiuva_wire_codec_emit_finish (&sink, ADIUVA_FINISH_TOOL_CALLS, &error));
  g_assert_true (_adiuva_wire_codec_emit_usage (&sink, &some, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.kinds->len, ==, 5);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (seen.kinds, 4)), ==, ADIUVA_DELTA_USAGE);
  g_assert_cmpstr (seen.text->str, ==, "Hm.{}");

  /* A caller that stops without a reason was cancelled; one with a reason keeps it. */
  seen.stop_after = seen.kinds->len + 1;
  g_assert_false (_adiuva_wire_codec_emit_text (&sink, ADIUVA_DELTA_TEXT, "x", &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED);
  g_clear_error (&error);

  seen.stop_after = seen.kinds->len + 1;
  seen.stop_with_error = TRUE;
  g_assert_false (_adiuva_wire_codec_emit_finish (&sink, ADIUVA_FINISH_STOP, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  g_ptr_array_unref (seen.kinds);
  g_string_free (seen.text, TRUE);
}

static void
test_usage (void)
{
  AdiuvaUsage usage = ADIUVA_USAGE_INIT;
  AdiuvaUsage start = { 100, -1, 80, -1 };
  AdiuvaUsage end = { -1, 20, -1, 5 };
  AdiuvaUsage restated = { 120, -1, -1, -1 };

  g_assert_false (_adiuva_usage_is_known (&usage));

  /* Pieces add up; a later report of a count replaces the earlier one. */
  _adiuva_usage_merge (&usage, &start);
  _adiuva_usage_merge (&usage, &end);
  _adiuva_usage_merge (&usage, &restated);
  g_assert_true (_adiuva_usage_is_known (&usage));
  g_assert_cmpint (usage.input_tokens, ==, 120);
  g_assert_cmpint (usage.output_tokens, ==, 20);
  g_assert_cmpint (usage.cached_input_tokens, ==, 80);
  g_assert_cmpint (usage.reasoning_tokens, ==, 5);
}

/* Tool calls */

static void
test_ids (void)
{
  g_autofree char *random = _adiuva_wire_codec_random_id ("call_", 24);
  g_autofree char *other = _adiuva_wire_codec_random_id ("call_", 24);
  g_autofree char *hashed = _adiuva_wire_codec_hash_call_id ("gemini_", "resp-1", 0, "f", "{}");
  g_autofree char *again = _adiuva_wire_codec_hash_call_id ("gemini_", "resp-1", 0, "f", "{}");
  g_autofree char *next = _adiuva_wire_codec_hash_call_id ("gemini_", "resp-1", 1, "f", "{}");
  g_autofree char *elsewhere = _adiuva_wire_codec_hash_call_id ("gemini_", "resp-2", 0, "f", "{}");
  g_autofree char *unseeded = _adiuva_wire_codec_hash_call_id ("call_", NULL, 0, "f", "{}");
  g_autofree char *digest =
      g_compute_checksum_for_string (G_CHECKSUM_SHA256, "resp-1\n0\nf\n{}", -1);

  g_assert_true (g_str_has_prefix (random, "call_"));
  g_assert_cmpuint (strlen (random), ==, strlen ("call_") + 24);
  for (const char *p = random + strlen ("call_"); *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p));
  g_assert_cmpstr (random, !=, other);

  /* The same bytes give the same id; another call or another answer another one. */
  g_assert_cmpstr (hashed, ==, again);
  g_assert_cmpstr (hashed, !=, next);
  g_assert_cmpstr (hashed, !=, elsewhere);
  g_assert_true (g_str_has_prefix (hashed, "gemini_"));
  g_assert_cmpuint (strlen (hashed), ==, strlen ("gemini_") + 24);
  g_assert_true (strncmp (hashed + strlen ("gemini_"), digest, 24) == 0);
  g_assert_true (g_str_has_prefix (unseeded, "call_"));
}

static void
test_find_call_name (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("m");
  g_autoptr (AdiuvaChatMessage) first = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "again");
  g_autoptr (AdiuvaChatMessage) second = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
  g_autoptr (AdiuvaChatMessage) result = adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, "ok");

  adiuva_chat_message_add_tool_call (first, "call_1", "search", "{}");
  adiuva_chat_message_add_tool_call (first, "call_2", "fetch", "{}");
  adiuva_chat_message_add_tool_call (second, "call_1", "open", "{}");
  adiuva_chat_request_add_message (request, first);
  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_message (request, second);
  adiuva_chat_request_add_message (request, result);

  /* The nearest earlier call with the id answers, and only calls before the result count. */
  g_assert_cmpstr (_adiuva_wire_codec_find_call_name (request, 3, "call_1"), ==, "open");
  g_assert_cmpstr (_adiuva_wire_codec_find_call_name (request, 2, "call_1"), ==, "search");
  g_assert_cmpstr (_adiuva_wire_codec_find_call_name (request, 3, "call_2"), ==, "fetch");
  g_assert_null (_adiuva_wire_codec_find_call_name (request, 0, "call_1"));
  g_assert_null (_adiuva_wire_codec_find_call_name (request, 3, "call_9"));
  g_assert_null (_adiuva_wire_codec_find_call_name (request, 3, NULL));
}

/* Images */

static void
test_images (void)
{
  g_autoptr (GBytes) png = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
  g_autofree char *base64 = _adiuva_wire_codec_dup_base64 (png);
  g_autofree char *media_type = NULL;
  const char      *data = NULL;
  gboolean         is_base64 = FALSE;

  g_assert_cmpstr (base64, ==, "iVBORw0KGgo=");

  g_assert_true (_adiuva_wire_codec_parse_data_url ("data:image/png;base64,iVBO", &media_type,
                                                    &is_base64, &data));
  g_assert_cmpstr (media_type, ==, "image/png");
  g_assert_true (is_base64);
  g_assert_cmpstr (data, ==, "iVBO");
  g_clear_pointer (&media_type, g_free);

  /* Parameters before ;base64 are not part of the type; the scheme is case-insensitive. */
  g_assert_true (_adiuva_wire_codec_parse_data_url ("DATA:image/svg+xml;charset=utf-8;base64,PHN2",
                                                    &media_type, &is_base64, &data));
  g_assert_cmpstr (media_type, ==, "image/svg+xml");
  g_assert_true (is_base64);
  g_clear_pointer (&media_type, g_free);

  /* Percent-encoded data, and a URL that gives no type. */
  g_assert_true (
      _adiuva_wire_codec_parse_data_url ("data:,GIF89a%00", &media_type, &is_base64, &data));
  g_assert_null (media_type);
  g_assert_false (is_base64);
  g_assert_cmpstr (data, ==, "GIF89a%00");
  g_assert_true (_adiuva_wire_codec_parse_data_url ("data:;base64,AA==", NULL, &is_base64, NULL));
  g_assert_true (is_base64);

  g_assert_false (
      _adiuva_wire_codec_parse_data_url ("https://example.com/a.png", NULL, NULL, NULL));
  g_assert_false (_adiuva_wire_codec_parse_data_url ("data:image/png;base64", NULL, NULL, NULL));
  g_assert_false (_adiuva_wire_codec_parse_data_url (NULL, NULL, NULL, NULL));

  /* By the file name, never by the query or fragment. */
  g_assert_cmpstr (_adiuva_wire_codec_guess_image_type ("https://a.org/A.PNG?size=2", "x"), ==,
                   "image/png");
  g_assert_cmpstr (_adiuva_wire_codec_guess_image_type ("https://a.org/cat.jpeg#top", "x"), ==,
                   "image/jpeg");
  g_assert_cmpstr (_adiuva_wire_codec_guess_image_type ("https://a.org/image?f=.png", "x"), ==,
                   "x");
  g_assert_cmpstr (_adiuva_wire_codec_guess_image_type ("https://a.org/a.webp", "x"), ==,
                   "image/webp");
}

/* Hostile nesting, through every codec */

static gboolean
ignore_cb (const AdiuvaChatDelta *delta,
           gpointer               user_data,
           GError               **error)
{
  return TRUE;
}

/* One streamed event or line of @json in the codec's framing. */
static GString *
frame (const AdiuvaWireCodec *codec,
       const char            *json)
{
  GString *body = g_string_new (NULL);

  if (codec->format == ADIUVA_WIRE_FORMAT_OLLAMA)
    g_string_append_printf (body, "%s\n", json);
  else
    g_string_append_printf (body, "data: %s\n\n", json);

  return body;
}

static void
test_hostile_nesting (void)
{
  const AdiuvaWireCodec *codecs[] = {
    &adiuva_openai_codec, &adiuva_anthropic_codec, &adiuva_gemini_codec, &adiuva_ollama_codec
  };
  g_autofree char *hostile = nested (HOSTILE_DEPTH);
  /* Short enough for Gemini to keep as a body that may be its error sent without events. */
  g_autofree char *head = nested (10000);

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    {
      const AdiuvaWireCodec *codec = codecs[i];
      AdiuvaStreamDecoder   *decoder = codec->stream_decoder_new ();
      g_autoptr (GString) body = frame (codec, hostile);
      g_autoptr (GError) error = NULL;

      g_test_message ("format %d", codec->format);

      /* A streamed event or line: the answer is broken, and the app still runs. */
      g_assert_false (codec->stream_decoder_feed (decoder, (const guint8 *) body->str, body->len,
                                                  ignore_cb, NULL, &error));
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
      g_clear_error (&error);
      codec->stream_decoder_free (decoder);

      /* A stream that is one hostile body, as Gemini's error without events would be. */
      for (guint j = 0; j < 2; j++)
        {
          const char *text = j == 0 ? head : hostile;

          decoder = codec->stream_decoder_new ();
          codec->stream_decoder_feed (decoder, (const guint8 *) text, strlen (text), ignore_cb,
                                      NULL, &error);
          g_clear_error (&error);
          g_assert_false (codec->stream_decoder_finish (decoder, ignore_cb, NULL, &error));
          g_assert_nonnull (error);
          g_clear_error (&error);
          codec->stream_decoder_free (decoder);
        }

      /* An error body is still the error its status says. */
      codec->decode_error (503, hostile, strlen (hostile), &error);
      g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_OVERLOADED);
      g_assert_cmpuint (strlen (error->message), <, 1000);
      g_clear_error (&error);

      /* Tool arguments and results, parsed by some codecs while encoding, come from models
       * and tools: arguments that cannot be read are refused or sent as text, a result as
       * text. */
      for (guint j = 0; j < 2; j++)
        {
          g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("model");
          g_autoptr (AdiuvaChatMessage) user =
              adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Hi");
          g_autoptr (AdiuvaChatMessage) call = adiuva_chat_message_new (ADIUVA_ROLE_ASSISTANT);
          g_autoptr (AdiuvaChatMessage) result =
              adiuva_chat_message_new_text (ADIUVA_ROLE_TOOL, j == 0 ? "{}" : hostile);
          g_autoptr (JsonNode) encoded = NULL;

          adiuva_chat_message_add_tool_call (call, "call_1", "f", j == 0 ? hostile : "{}");
          result->tool_call_id = g_strdup ("call_1");
          result->name = g_strdup ("f");
          adiuva_chat_request_add_message (request, user);
          adiuva_chat_request_add_message (request, call);
          adiuva_chat_request_add_message (request, result);
          encoded = codec->encode_request (request, &error);
          if (j == 1)
            g_assert_nonnull (encoded);
          if (encoded == NULL)
            g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID);
          g_clear_error (&error);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-codec/json/parse", test_parse_json);
  g_test_add_func ("/wire-codec/json/parse-depth", test_parse_json_depth);
  g_test_add_func ("/wire-codec/json/parse-arguments", test_parse_arguments);
  g_test_add_func ("/wire-codec/json/getters", test_json_getters);
  g_test_add_func ("/wire-codec/json/append-string", test_append_string);
  g_test_add_func ("/wire-codec/excerpt", test_excerpt);
  g_test_add_func ("/wire-codec/emit", test_emit);
  g_test_add_func ("/wire-codec/usage", test_usage);
  g_test_add_func ("/wire-codec/ids", test_ids);
  g_test_add_func ("/wire-codec/find-call-name", test_find_call_name);
  g_test_add_func ("/wire-codec/images", test_images);
  g_test_add_func ("/wire-codec/hostile-nesting", test_hostile_nesting);

  return g_test_run ();
}
