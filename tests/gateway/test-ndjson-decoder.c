/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-ndjson-decoder"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"
#include "test-chunks.h"

/* Every body is decoded whole, then split in two at every byte, fed a byte at a time and in
 * random chunks; the lines (and any error) must come out the same every time, both as raw
 * lines and parsed as JSON. The recorded bodies come from ../shared/fixtures. */

#define SEED 0x5e5eU

/* Bodies up to this size are split at every byte; larger ones at about 4096 places. */
#define EVERY_SPLIT_LIMIT (32 * 1024)

/* Recorded bodies up to this size are also parsed as JSON every way. */
#define JSON_SPLIT_LIMIT (8 * 1024)

typedef struct
{
  gboolean   json;
  GString   *log;   /* every line and the outcome, to compare decodings */
  GPtrArray *lines; /* raw: GBytes; json: JsonNode; for the decoding of the whole body only */
  gsize      n_lines;
  gboolean   pending; /* what has_pending() said before finish */
  GError    *error;
  gsize      stop_after; /* the callback fails on this line (1-based), 0 for never */
} Result;

static void
result_free (Result *result)
{
  g_string_free (result->log, TRUE);
  g_clear_pointer (&result->lines, g_ptr_array_unref);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

static gboolean
stop_if_asked (Result  *result,
               GError **error)
{
  if (++result->n_lines != result->stop_after)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the test");
  return FALSE;
}

static gboolean
collect_line_cb (const char *line,
                 gsize       len,
                 gpointer    user_data,
                 GError    **error)
{
  Result *result = user_data;

  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (line[len], ==, '\0');
  g_assert_null (memchr (line, '\n', len));

  if (result->lines != NULL)
    g_ptr_array_add (result->lines, g_bytes_new (line, len));
  g_string_append_c (result->log, '[');
  g_string_append_len (result->log, line, len);
  g_string_append (result->log, "]\n");

  return stop_if_asked (result, error);
}

static gboolean
collect_json_cb (JsonNode *node,
                 gpointer  user_data,
                 GError  **error)
{
  Result          *result = user_data;
  g_autofree char *text = json_to_string (node, FALSE);

  g_assert_nonnull (node);

  if (result->lines != NULL)
    g_ptr_array_add (result->lines, json_node_ref (node));
  g_string_append_c (result->log, '[');
  g_string_append (result->log, text);
  g_string_append (result->log, "]\n");

  return stop_if_asked (result, error);
}

static Result *
decode_with (const char       *body,
             gsize             len,
             gboolean          json,
             gsize             max_line_size,
             gsize             stop_after,
             gboolean          keep_lines,
             TestNextChunkFunc next,
             gpointer          state)
{
  g_autoptr (AdiuvaNdjsonDecoder) decoder = adiuva_ndjson_decoder_new (max_line_size);
  Result  *result = g_new0 (Result, 1);
  gsize    offset = 0;
  gboolean ok = TRUE;

  result->json = json;
  result->log = g_string_sized_new (len + 256);
  if (keep_lines)
    result->lines = g_ptr_array_new_with_free_func (json ? (GDestroyNotify) json_node_unref : (GDestroyNotify) g_bytes_unref);
  result->stop_after = stop_after;

  do
    {
      gsize size = next (state, len - offset);

      size = MIN (size, len - offset);
      if (json)
        ok = adiuva_ndjson_decoder_feed_json (decoder, (const guint8 *) body + offset, size, collect_json_cb,
                                              result, &result->error);
      else
        ok = adiuva_ndjson_decoder_feed (decoder, (const guint8 *) body + offset, size, collect_line_cb,
                                         result, &result->error);
      offset += size;
    }
  while (ok && offset < len);

  if (ok)
    {
      result->pending = adiuva_ndjson_decoder_has_pending (decoder);
      if (json)
        ok = adiuva_ndjson_decoder_finish_json (decoder, collect_json_cb, result, &result->error);
      else
        ok = adiuva_ndjson_decoder_finish (decoder, collect_line_cb, result, &result->error);
    }

  g_assert_true (ok == (result->error == NULL));
  if (ok)
    {
      g_assert_false (adiuva_ndjson_decoder_has_pending (decoder));
      g_assert_cmpuint (adiuva_ndjson_decoder_get_n_lines (decoder), ==, result->n_lines);
    }

  /* The message too: it names the line, which must not depend on the split either. */
  g_string_append_printf (result->log, "pending=%d error=%s:%d:%s\n", result->pending,
                          result->error != NULL ? g_quark_to_string (result->error->domain) : "none",
                          result->error != NULL ? result->error->code : 0,
                          result->error != NULL ? result->error->message : "");
  return result;
}

/* Decodes @body every way and returns the decoding of the whole body. */
static Result *
decode_all_ways (const char *body,
                 gsize       len,
                 gboolean    json,
                 gsize       max_line_size,
                 gsize       stop_after)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  Result *reference = decode_with (body, len, json, max_line_size, stop_after, TRUE, test_chunks_whole, NULL);
  gsize   step = len <= EVERY_SPLIT_LIMIT ? 1 : len / 4096;

  for (gsize split = 0; split <= len; split += step)
    {
      g_autoptr (Result) result = NULL;
      gsize first = split;
      char  how[64];

      result = decode_with (body, len, json, max_line_size, stop_after, FALSE, test_chunks_split, &first);
      g_snprintf (how, sizeof how, "split at %" G_GSIZE_FORMAT, split);
      test_assert_same_log (reference->log, result->log, how);
    }

  {
    g_autoptr (Result) result = decode_with (body, len, json, max_line_size, stop_after, FALSE, test_chunks_byte, NULL);

    test_assert_same_log (reference->log, result->log, "a byte at a time");
  }

  for (guint run = 0; run < 20; run++)
    {
      g_autoptr (Result) result = decode_with (body, len, json, max_line_size, stop_after, FALSE, test_chunks_random, rand);

      test_assert_same_log (reference->log, result->log, "in random chunks");
    }

  return reference;
}

static Result *
decode_lines (const char *body,
              gsize       max_line_size)
{
  return decode_all_ways (body, strlen (body), FALSE, max_line_size, 0);
}

static Result *
decode_json (const char *body)
{
  return decode_all_ways (body, strlen (body), TRUE, 1024, 0);
}

static void
assert_lines (const Result *result,
              ...)
{
  va_list     args;
  const char *expected;
  guint       i = 0;

  g_assert_false (result->json);

  va_start (args, result);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      GBytes     *line;
      gsize       len;
      const char *data;

      g_assert_cmpuint (i, <, result->lines->len);
      line = g_ptr_array_index (result->lines, i++);
      data = g_bytes_get_data (line, &len);
      g_assert_cmpmem (data, len, expected, strlen (expected));
    }
  va_end (args);

  g_assert_cmpuint (result->lines->len, ==, i);
}

static JsonNode *
node_at (const Result *result,
         guint         index)
{
  g_assert_true (result->json);
  g_assert_cmpuint (index, <, result->lines->len);
  return g_ptr_array_index (result->lines, index);
}

/* Recorded bodies */

static void
find_fixtures (const char *dir,
               GPtrArray  *found)
{
  g_autoptr (GDir) gdir = g_dir_open (dir, 0, NULL);
  const char *name;

  if (gdir == NULL)
    return;

  while ((name = g_dir_read_name (gdir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        find_fixtures (path, found);
      else if (g_str_has_suffix (name, ".ndjson"))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

static guint
count_lines (const char *body)
{
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_strstrip (lines[i])[0] != '\0')
      n++;

  return n;
}

static void
test_fixture (gconstpointer data)
{
  const char      *path = data;
  g_autofree char *body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Result) lines = NULL;
  g_autoptr (Result) json = NULL;
  gsize len;

  g_file_get_contents (path, &body, &len, &error);
  g_assert_no_error (error);

  lines = decode_all_ways (body, len, FALSE, ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE, 0);
  g_assert_no_error (lines->error);
  g_assert_cmpuint (lines->lines->len, ==, count_lines (body));

  /* Parsing rides on the same lines, so splitting large bodies again only costs json-glib time. */
  if (len <= JSON_SPLIT_LIMIT)
    json = decode_all_ways (body, len, TRUE, ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE, 0);
  else
    json = decode_with (body, len, TRUE, ADIUVA_NDJSON_DECODER_DEFAULT_MAX_LINE_SIZE, 0, TRUE, test_chunks_whole, NULL);
  g_assert_no_error (json->error);
  g_assert_cmpuint (json->lines->len, ==, lines->lines->len);
  for (guint i = 0; i < json->lines->len; i++)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node_at (json, i)));

  /* Ollama's generate stream ends with the object that says it is done. */
  if (g_str_has_suffix (path, "generate_stream.ndjson"))
    {
      JsonObject *last = json_node_get_object (node_at (json, json->lines->len - 1));

      g_assert_true (json_object_get_boolean_member (last, "done"));
      g_assert_cmpstr (json_object_get_string_member (last, "done_reason"), ==, "stop");
    }
}

static void
test_fixtures_found (gconstpointer data)
{
  const GPtrArray *fixtures = data;

  if (!g_file_test (FIXTURES_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("No fixtures in " FIXTURES_DIR);
      return;
    }

  /* 6 Ollama and 2 Bedrock (frame dumps) bodies when this was written. */
  g_assert_cmpuint (fixtures->len, >=, 8);
}

/* The Ollama docs show each chunk of a streamed answer pretty-printed in its own block:
 * compacted and joined, they are the body Ollama sends. */
static void
test_docs_stream_chunks (void)
{
  g_autofree char *dir = g_build_filename (FIXTURES_DIR, "ollama", "docs-api-md", NULL);
  const char      *streams[] = {
         "generate-a-chat-completion__chat-request-streaming",
         "generate-a-chat-completion__chat-request-streaming-with-tools",
         "generate-a-completion__generate-request-streaming",
  };

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("No fixtures in " FIXTURES_DIR);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      g_autoptr (GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      g_autoptr (GString) body = g_string_new (NULL);
      g_autoptr (Result) result = NULL;

      for (guint n = 1;; n++)
        {
          g_autofree char *name = g_strdup_printf ("%s__%u.json", streams[i], n);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autofree char *compact = NULL;

          if (!g_file_test (path, G_FILE_TEST_EXISTS))
            break;
          g_assert_true (json_parser_load_from_mapped_file (parser, path, NULL));
          compact = json_to_string (json_parser_get_root (parser), FALSE);
          g_assert_null (strchr (compact, '\n'));
          g_string_append_printf (body, "%s\n", compact);
          g_ptr_array_add (chunks, json_node_ref (json_parser_get_root (parser)));
        }
      g_assert_cmpuint (chunks->len, >=, 2);

      result = decode_all_ways (body->str, body->len, TRUE, 1024, 0);
      g_assert_no_error (result->error);
      g_assert_cmpuint (result->lines->len, ==, chunks->len);
      for (guint n = 0; n < chunks->len; n++)
        g_assert_true (json_node_equal (node_at (result, n), g_ptr_array_index (chunks, n)));
    }
}

/* Pretty-printed objects one after another are JSON, but not one per line. */
static void
test_concatenated_json (void)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, "ollama", "docs-api-md",
                                            "pull-a-model__example__3.concatenated-json.txt", NULL);
  g_autofree char *body = NULL;
  g_autoptr (Result) result = NULL;
  gsize len;

  if (!g_file_get_contents (path, &body, &len, NULL))
    {
      g_test_skip ("No fixtures in " FIXTURES_DIR);
      return;
    }

  result = decode_all_ways (body, len, TRUE, 1024, 0);
  g_assert_error (result->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (result->error->message, "Line 1 "));
  g_assert_nonnull (strstr (result->error->message, "“{”"));
  g_assert_cmpuint (result->lines->len, ==, 0);
}

/* Hand-written edge cases */

static void
test_crlf (void)
{
  g_autoptr (Result) result = decode_lines ("{\"a\":1}\r\n{\"a\":2}\r\n{\"a\":3}\n{\"a\":4}\r", 1024);

  assert_lines (result, "{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "{\"a\":4}", NULL);
}

static void
test_cr_alone (void)
{
  g_autoptr (Result) result = decode_lines ("a\rb\n\rc\r\r\n", 1024);

  /* Only LF ends a line, and only the CR right before it is dropped. */
  assert_lines (result, "a\rb", "\rc\r", NULL);
}

static void
test_blank_lines (void)
{
  g_autoptr (Result) lines = decode_lines ("\n\n{}\n \t\r\n\r\n\n{\"b\":2}\n\n", 1024);
  g_autoptr (Result) json = decode_json ("\n\n{}\n \t\r\n\n{\"b\":2}\n\n");

  assert_lines (lines, "{}", "{\"b\":2}", NULL);
  g_assert_false (lines->pending);

  g_assert_cmpuint (json->lines->len, ==, 2);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node_at (json, 0)));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node_at (json, 1)), "b"), ==, 2);
}

static void
test_partial_last_line (void)
{
  g_autoptr (Result) lines = decode_lines ("{}\n{\"done\":true}", 1024);
  g_autoptr (Result) json = decode_json ("{}\n{\"done\":true}");
  g_autoptr (Result) complete = decode_lines ("{}\n", 1024);
  g_autoptr (Result) blank = decode_lines ("{}\n  ", 1024);

  assert_lines (lines, "{}", "{\"done\":true}", NULL);
  g_assert_true (lines->pending);

  g_assert_cmpuint (json->lines->len, ==, 2);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node_at (json, 1)), "done"));

  g_assert_false (complete->pending);

  /* Cut after some white space: pending, but nothing to deliver. */
  assert_lines (blank, "{}", NULL);
  g_assert_true (blank->pending);
}

static void
test_too_long (void)
{
  g_autoptr (Result) fits = decode_lines ("12345678\n", 8);
  g_autoptr (Result) too_long = decode_lines ("1\n123456789\n2\n", 8);
  g_autoptr (Result) with_cr = decode_lines ("12345678\r\n", 8);
  g_autoptr (Result) partial = decode_lines ("1\n123456789", 8);
  g_autoptr (Result) many = decode_lines ("12345678\n12345678\n12345678\n", 8);

  assert_lines (fits, "12345678", NULL);

  g_assert_error (too_long->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  assert_lines (too_long, "1", NULL);

  /* The CR counts: the limit is on what the decoder must hold. */
  g_assert_error (with_cr->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);

  g_assert_error (partial->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  assert_lines (partial, "1", NULL);

  assert_lines (many, "12345678", "12345678", "12345678", NULL);
}

static void
test_invalid_json (void)
{
  g_autoptr (Result) result = decode_json ("{\"a\":1}\n\n{\"a\": nope}\n{\"a\":3}\n");
  g_autoptr (Result) html = NULL;
  g_autoptr (Result) cut = decode_json ("{\"a\":1}\n{\"a\":");
  g_autoptr (Result) no_value = decode_json ("/* keep-alive */\n");
  g_autoptr (Result) form_feed = decode_json ("\f\n");
  g_autoptr (GString) long_line = g_string_new ("<html><head><title>502 Bad Gateway</title></head>\t<body>");
  const char *message;

  g_assert_error (result->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_cmpuint (result->lines->len, ==, 1);
  /* Blank lines count, so the number is the one an editor shows. */
  g_assert_nonnull (strstr (result->error->message, "Line 3 "));
  g_assert_nonnull (strstr (result->error->message, "“{\"a\": nope}”"));

  g_assert_error (cut->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (cut->error->message, "Line 2 "));
  g_assert_nonnull (strstr (cut->error->message, "“{\"a\":”"));

  /* json-glib takes comments, and white space is narrower than in C. */
  g_assert_error (no_value->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (no_value->error->message, "no JSON value"));
  g_assert_error (form_feed->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (form_feed->error->message, "“\xef\xbf\xbd”"));

  /* A long line is quoted up to 80 bytes, cut between characters, control characters hidden. */
  for (guint i = 0; i < 20; i++)
    g_string_append (long_line, "Schöne Grüße ");
  g_string_append (long_line, "\n");
  html = decode_all_ways (long_line->str, long_line->len, TRUE, 4096, 0);
  g_assert_error (html->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  message = strstr (html->error->message, "“<html><head><title>502 Bad Gateway</title></head>\xef\xbf\xbd<body>Sch");
  g_assert_nonnull (message);
  g_assert_true (g_utf8_validate (html->error->message, -1, NULL));
  g_assert_true (g_str_has_suffix (message, "…”"));
  g_assert_cmpuint (strlen (message), <=, strlen ("“") + 80 + strlen ("…”"));
  g_assert_cmpuint (strlen (message), >=, strlen ("“") + 76 + strlen ("…”"));
}

static void
test_invalid_utf8_and_nul (void)
{
  const char body[] = "{\"a\":\"\xff\"}\n";
  const char nul[] = "{\"a\":1}\n{\"a\":\"x\0y\"}\n";
  g_autoptr (Result) raw = decode_all_ways (body, sizeof body - 1, FALSE, 1024, 0);
  g_autoptr (Result) json = decode_all_ways (body, sizeof body - 1, TRUE, 1024, 0);
  g_autoptr (Result) raw_nul = decode_all_ways (nul, sizeof nul - 1, FALSE, 1024, 0);
  g_autoptr (Result) json_nul = decode_all_ways (nul, sizeof nul - 1, TRUE, 1024, 0);
  GBytes *line;

  /* Raw lines are bytes as they came; parsing them insists on UTF-8. */
  assert_lines (raw, "{\"a\":\"\xff\"}", NULL);
  g_assert_error (json->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (json->error->message, "UTF-8"));
  g_assert_true (g_utf8_validate (json->error->message, -1, NULL));

  g_assert_cmpuint (raw_nul->lines->len, ==, 2);
  line = g_ptr_array_index (raw_nul->lines, 1);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "{\"a\":\"x\0y\"}", 11);
  g_assert_error (json_nul->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (json_nul->error->message, "Line 2 "));
  g_assert_cmpuint (json_nul->lines->len, ==, 1);
}

static void
test_other_json_values (void)
{
  g_autoptr (Result) result = decode_json ("null\n[1,2]\n\"text\"\n42\n");

  g_assert_no_error (result->error);
  g_assert_cmpuint (result->lines->len, ==, 4);
  g_assert_true (JSON_NODE_HOLDS_NULL (node_at (result, 0)));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node_at (result, 1)));
  g_assert_cmpstr (json_node_get_string (node_at (result, 2)), ==, "text");
  g_assert_cmpint (json_node_get_int (node_at (result, 3)), ==, 42);
}

static void
test_empty (void)
{
  g_autoptr (AdiuvaNdjsonDecoder) decoder = adiuva_ndjson_decoder_new (1024);
  g_autoptr (GError) error = NULL;
  g_autoptr (Result) result = decode_lines ("", 1024);

  g_assert_cmpuint (result->lines->len, ==, 0);
  g_assert_false (result->pending);

  g_assert_true (adiuva_ndjson_decoder_feed (decoder, NULL, 0, collect_line_cb, NULL, &error));
  g_assert_true (adiuva_ndjson_decoder_finish (decoder, collect_line_cb, NULL, &error));
  g_assert_no_error (error);
}

static void
test_callback_stops (void)
{
  g_autoptr (Result) lines = decode_all_ways ("1\n2\n3\n", 6, FALSE, 1024, 2);
  g_autoptr (Result) json = decode_all_ways ("1\n2\n3\n", 6, TRUE, 1024, 2);

  assert_lines (lines, "1", "2", NULL);
  g_assert_error (lines->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (json->lines->len, ==, 2);
  g_assert_error (json->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
stop_silently_cb (JsonNode *node,
                  gpointer  user_data,
                  GError  **error)
{
  return FALSE;
}

static void
test_callback_stops_silently (void)
{
  g_autoptr (AdiuvaNdjsonDecoder) decoder = adiuva_ndjson_decoder_new (1024);
  g_autoptr (GError) error = NULL;

  g_assert_false (adiuva_ndjson_decoder_feed_json (decoder, (const guint8 *) "{}\n", 3, stop_silently_cb, NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED);
}

static void
test_random_bodies (void)
{
  static const char *const pieces[] = {
    "{",
    "}",
    "\"a\"",
    ":",
    "1",
    ",",
    " ",
    "\r",
    "\n",
    "\r\n",
    "[",
    "]",
    "\xff",
    "\xc3",
    "\xa9",
    "\0",
    "null",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);

  for (guint run = 0; run < 200; run++)
    {
      g_autoptr (GString) body = g_string_new (NULL);
      g_autoptr (Result) lines = NULL;
      g_autoptr (Result) json = NULL;
      guint n = g_rand_int_range (rand, 0, 60);
      gsize max_line_size = g_rand_int_range (rand, 1, 32);

      for (guint i = 0; i < n; i++)
        {
          const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

          g_string_append_len (body, piece, *piece == '\0' ? 1 : (gssize) strlen (piece));
        }

      lines = decode_all_ways (body->str, body->len, FALSE, max_line_size, 0);
      json = decode_all_ways (body->str, body->len, TRUE, max_line_size, 0);
    }
}

static void
test_preconditions (void)
{
  g_autoptr (AdiuvaNdjsonDecoder) finished = adiuva_ndjson_decoder_new (1024);
  g_autoptr (AdiuvaNdjsonDecoder) failed = adiuva_ndjson_decoder_new (2);
  g_autoptr (GError) error = NULL;

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*max_line_size > 0*");
  g_assert_null (adiuva_ndjson_decoder_new (0));
  g_test_assert_expected_messages ();

  g_assert_true (adiuva_ndjson_decoder_finish (finished, collect_line_cb, NULL, NULL));
  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*!self->finished*");
  g_assert_false (adiuva_ndjson_decoder_feed (finished, (const guint8 *) "x", 1, collect_line_cb, NULL, NULL));
  g_test_assert_expected_messages ();

  /* After an error the decoder takes nothing more. */
  g_assert_false (adiuva_ndjson_decoder_feed (failed, (const guint8 *) "{}}", 3, collect_line_cb, NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*!self->failed*");
  g_assert_false (adiuva_ndjson_decoder_finish (failed, collect_line_cb, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*func != NULL*");
  g_assert_false (adiuva_ndjson_decoder_feed_json (finished, (const guint8 *) "x", 1, NULL, NULL, NULL));
  g_test_assert_expected_messages ();

  adiuva_ndjson_decoder_free (NULL);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GPtrArray) fixtures = g_ptr_array_new_with_free_func (g_free);
  const char *providers[] = { "ollama", "bedrock" };

  g_test_init (&argc, &argv, NULL);

  /* Ollama streams NDJSON; the Bedrock frame dumps are larger NDJSON bodies. */
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autofree char *dir = g_build_filename (FIXTURES_DIR, providers[i], NULL);

      find_fixtures (dir, fixtures);
    }
  g_ptr_array_sort (fixtures, compare_paths);
  g_test_add_data_func ("/ndjson-decoder/fixtures/found", fixtures, test_fixtures_found);
  for (guint i = 0; i < fixtures->len; i++)
    {
      const char      *path = g_ptr_array_index (fixtures, i);
      g_autofree char *name = g_strconcat ("/ndjson-decoder/fixtures", path + strlen (FIXTURES_DIR), NULL);

      g_test_add_data_func (name, path, test_fixture);
    }
  g_test_add_func ("/ndjson-decoder/docs-stream-chunks", test_docs_stream_chunks);
  g_test_add_func ("/ndjson-decoder/concatenated-json", test_concatenated_json);

  g_test_add_func ("/ndjson-decoder/crlf", test_crlf);
  g_test_add_func ("/ndjson-decoder/cr-alone", test_cr_alone);
  g_test_add_func ("/ndjson-decoder/blank-lines", test_blank_lines);
  g_test_add_func ("/ndjson-decoder/partial-last-line", test_partial_last_line);
  g_test_add_func ("/ndjson-decoder/too-long", test_too_long);
  g_test_add_func ("/ndjson-decoder/invalid-json", test_invalid_json);
  g_test_add_func ("/ndjson-decoder/invalid-utf8-and-nul", test_invalid_utf8_and_nul);
  g_test_add_func ("/ndjson-decoder/other-json-values", test_other_json_values);
  g_test_add_func ("/ndjson-decoder/empty", test_empty);
  g_test_add_func ("/ndjson-decoder/callback-stops", test_callback_stops);
  g_test_add_func ("/ndjson-decoder/callback-stops-silently", test_callback_stops_silently);
  g_test_add_func ("/ndjson-decoder/random-bodies", test_random_bodies);
  g_test_add_func ("/ndjson-decoder/preconditions", test_preconditions);

  return g_test_run ();
}
