/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-sse-decoder"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"
#include "test-chunks.h"

/* Every body is decoded whole, then split in two at every byte, fed a byte at a time and in
 * random chunks; the events (and any error) must come out the same every time. The recorded
 * bodies come from ../shared/fixtures (PROVENANCE.md says where each was recorded). */

#define SEED 0x5e5eU

/* Bodies up to this size are split at every byte; larger ones at this many places. */
#define EVERY_SPLIT_LIMIT (32 * 1024)

typedef struct
{
  char *event;
  char *data;
  gsize data_len;
  char *id;
  guint retry_ms;
} Event;

typedef struct
{
  GString   *log;    /* every event and the outcome, to compare decodings */
  GPtrArray *events; /* copies of the events, kept for the decoding of the whole body only */
  gsize      n_events;
  gboolean   done;
  gboolean   pending; /* what has_pending() said before finish */
  GError    *error;
  gsize      stop_after; /* the callback fails on this event (1-based), 0 for never */
} Result;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_free (event->event);
  g_free (event->data);
  g_free (event->id);
  g_free (event);
}

static void
result_free (Result *result)
{
  g_string_free (result->log, TRUE);
  g_clear_pointer (&result->events, g_ptr_array_unref);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

static void
append_number (GString *string,
               guint64  n)
{
  char  digits[24];
  gsize i = sizeof digits;

  do
    digits[--i] = '0' + n % 10;
  while ((n /= 10) > 0);
  g_string_append_len (string, digits + i, sizeof digits - i);
}

static gboolean
collect_cb (const AdiuvaSseEvent *event,
            gpointer              user_data,
            GError              **error)
{
  Result *result = user_data;
  Event  *copy;

  result->n_events++;
  if (result->events != NULL)
    {
      /* The promise to callers: C strings, valid UTF-8, no hidden NUL. Other decodings
       * must give the same events, which is checked on their log. */
      g_assert_nonnull (event->event);
      g_assert_nonnull (event->data);
      g_assert_cmpuint (strlen (event->data), ==, event->data_len);
      g_assert_true (g_utf8_validate (event->data, -1, NULL));
      g_assert_true (g_utf8_validate (event->event, -1, NULL));
      g_assert_true (event->id == NULL || (event->id[0] != '\0' && g_utf8_validate (event->id, -1, NULL)));

      copy = g_new0 (Event, 1);
      copy->event = g_strdup (event->event);
      copy->data = g_strndup (event->data, event->data_len);
      copy->data_len = event->data_len;
      copy->id = g_strdup (event->id);
      copy->retry_ms = event->retry_ms;
      g_ptr_array_add (result->events, copy);
    }

  /* Cheaper than printf: this runs for every event of every split of every body. */
  g_string_append_c (result->log, '[');
  g_string_append (result->log, event->event);
  g_string_append_c (result->log, '|');
  g_string_append (result->log, event->id != NULL ? event->id : "(none)");
  g_string_append_c (result->log, '|');
  append_number (result->log, event->retry_ms);
  g_string_append_c (result->log, '|');
  append_number (result->log, event->data_len);
  g_string_append_c (result->log, ':');
  g_string_append_len (result->log, event->data, event->data_len);
  g_string_append (result->log, "]\n");

  if (result->n_events == result->stop_after)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped by the test");
      return FALSE;
    }

  return TRUE;
}

static Result *
decode_with (const char       *body,
             gsize             len,
             gsize             max_event_size,
             gsize             stop_after,
             gboolean          keep_events,
             TestNextChunkFunc next,
             gpointer          state)
{
  g_autoptr (AdiuvaSseDecoder) decoder = adiuva_sse_decoder_new (max_event_size);
  Result  *result = g_new0 (Result, 1);
  gsize    offset = 0;
  gboolean ok = TRUE;

  result->log = g_string_sized_new (len + 256);
  if (keep_events)
    result->events = g_ptr_array_new_with_free_func (event_free);
  result->stop_after = stop_after;

  do
    {
      gsize size = next (state, len - offset);

      size = MIN (size, len - offset);

      ok = adiuva_sse_decoder_feed (decoder, (const guint8 *) body + offset, size, collect_cb,
                                    result, &result->error);
      offset += size;
    }
  while (ok && offset < len);

  if (ok)
    {
      result->pending = adiuva_sse_decoder_has_pending (decoder);
      ok = adiuva_sse_decoder_finish (decoder, collect_cb, result, &result->error);
    }

  g_assert_true (ok == (result->error == NULL));
  if (ok)
    g_assert_false (adiuva_sse_decoder_has_pending (decoder));
  g_assert_cmpuint (adiuva_sse_decoder_get_n_events (decoder), ==, result->n_events);
  result->done = adiuva_sse_decoder_is_done (decoder);

  g_string_append_printf (result->log, "done=%d pending=%d error=%s:%d\n", result->done,
                          result->pending,
                          result->error != NULL ? g_quark_to_string (result->error->domain) : "none",
                          result->error != NULL ? result->error->code : 0);
  return result;
}

/* Decodes @body every way and returns the decoding of the whole body. */
static Result *
decode_all_ways (const char *body,
                 gsize       len,
                 gsize       max_event_size,
                 gsize       stop_after)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  Result *reference = decode_with (body, len, max_event_size, stop_after, TRUE, test_chunks_whole, NULL);
  gsize   step = len <= EVERY_SPLIT_LIMIT ? 1 : len / 4096;

  for (gsize split = 0; split <= len; split += step)
    {
      g_autoptr (Result) result = NULL;
      gsize first = split;
      char  how[64];

      result = decode_with (body, len, max_event_size, stop_after, FALSE, test_chunks_split, &first);
      g_snprintf (how, sizeof how, "split at %" G_GSIZE_FORMAT, split);
      test_assert_same_log (reference->log, result->log, how);
    }

  {
    g_autoptr (Result) result = decode_with (body, len, max_event_size, stop_after, FALSE, test_chunks_byte, NULL);

    test_assert_same_log (reference->log, result->log, "a byte at a time");
  }

  for (guint run = 0; run < 20; run++)
    {
      g_autoptr (Result) result = decode_with (body, len, max_event_size, stop_after, FALSE, test_chunks_random, rand);

      test_assert_same_log (reference->log, result->log, "in random chunks");
    }

  return reference;
}

static Result *
decode_string (const char *body,
               gsize       max_event_size)
{
  return decode_all_ways (body, strlen (body), max_event_size, 0);
}

static const Event *
event_at (const Result *result,
          guint         index)
{
  g_assert_cmpuint (index, <, result->events->len);
  return g_ptr_array_index (result->events, index);
}

static void
assert_datas (const Result *result,
              ...)
{
  va_list     args;
  const char *data;
  guint       i = 0;

  va_start (args, result);
  while ((data = va_arg (args, const char *)) != NULL)
    g_assert_cmpstr (event_at (result, i++)->data, ==, data);
  va_end (args);

  g_assert_cmpuint (result->events->len, ==, i);
}

/* Recorded bodies */

static gboolean
is_fixture (const char *provider,
            const char *name)
{
  if (g_str_has_suffix (name, ".sse"))
    return TRUE;

  /* The Firebase SDK's mock streams for Gemini, served as text/event-stream. */
  return strcmp (provider, "gemini") == 0 && g_str_has_prefix (name, "streaming-") &&
         g_str_has_suffix (name, ".txt");
}

static void
find_fixtures (const char *provider,
               const char *dir,
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
        find_fixtures (provider, path, found);
      else if (is_fixture (provider, name))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

static guint
count_data_lines (const char *body)
{
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "data:"))
      n++;

  return n;
}

static gboolean
ends_with_blank_line (const char *body)
{
  return *body == '\0' || g_str_has_suffix (body, "\n\n") || g_str_has_suffix (body, "\r\n\r\n") ||
         g_str_has_suffix (body, "\r\r");
}

static JsonNode *
parse_json (const char *data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, data, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_node_ref (json_parser_get_root (parser));
}

static const char *
json_type_of (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member_with_default (json_node_get_object (node), "type", NULL);
}

static void
test_fixture (gconstpointer data)
{
  const char      *path = data;
  g_autofree char *relative = g_path_get_basename (path);
  g_autofree char *body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Result) result = NULL;
  gsize    len;
  gboolean openai = strstr (path, "/openai/") != NULL;
  gboolean anthropic = strstr (path, "/anthropic/") != NULL;
  gboolean saw_ping = FALSE;

  g_file_get_contents (path, &body, &len, &error);
  g_assert_no_error (error);

  result = decode_all_ways (body, len, ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE, 0);
  g_assert_no_error (result->error);

  /* No fixture has multi-line data, so each `data:` line is one event or the [DONE]. */
  g_assert_cmpuint (result->events->len + (result->done ? 1 : 0), ==, count_data_lines (body));
  g_assert_true (result->pending == !ends_with_blank_line (body));

  for (guint i = 0; i < result->events->len; i++)
    {
      const Event *event = event_at (result, i);
      g_autoptr (JsonNode) node = parse_json (event->data);

      g_assert_null (event->id);
      g_assert_cmpuint (event->retry_ms, ==, 0);

      if (anthropic)
        {
          /* Anthropic names each event after the type inside it. */
          g_assert_cmpstr (event->event, ==, json_type_of (node));
        }
      else
        {
          g_assert_cmpstr (event->event, ==, "message");
          if (JSON_NODE_HOLDS_OBJECT (node) && g_strcmp0 (json_type_of (node), "ping") == 0)
            saw_ping = TRUE;
        }
    }

  if (anthropic && result->events->len > 0 && strcmp (event_at (result, 0)->event, "message_start") == 0)
    g_assert_cmpstr (event_at (result, result->events->len - 1)->event, ==, "message_stop");

  /* The truncated recordings are named so; every other OpenAI stream ends with [DONE]. */
  if (openai)
    g_assert_true (result->done == (strstr (relative, "partial") == NULL));
  else
    g_assert_false (result->done);

  /* A Claude stream through an OpenAI-compatible proxy interleaves a ping: a normal event. */
  if (strstr (relative, "with_ping") != NULL)
    g_assert_true (saw_ping);
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

  /* 12 OpenAI, 11 Anthropic, 6 recorded and 37 mock Gemini streams when this was written. */
  g_assert_cmpuint (fixtures->len, >=, 60);
}

/* Hand-written edge cases */

static void
test_line_endings (void)
{
  g_autoptr (Result) result = decode_string ("data: a\r\n\r\ndata: b\n\ndata: c\r\rdata: d\r\n\n"
                                             "data: e\n\r\ndata: f\r\n\r",
                                             1024);

  assert_datas (result, "a", "b", "c", "d", "e", "f", NULL);
}

static void
test_crlf_across_chunks (void)
{
  g_autoptr (AdiuvaSseDecoder) decoder = adiuva_sse_decoder_new (1024);
  g_autoptr (GError) error = NULL;
  g_autoptr (Result) result = g_new0 (Result, 1);

  result->log = g_string_new (NULL);
  result->events = g_ptr_array_new_with_free_func (event_free);

  /* Were the CR and the LF two line ends, the blank line would dispatch "a" alone. */
  g_assert_true (adiuva_sse_decoder_feed (decoder, (const guint8 *) "data: a\r", 8, collect_cb, result, &error));
  g_assert_true (adiuva_sse_decoder_feed (decoder, (const guint8 *) "\ndata: b\r", 9, collect_cb, result, &error));
  g_assert_cmpuint (result->events->len, ==, 0);
  g_assert_true (adiuva_sse_decoder_feed (decoder, (const guint8 *) "\n\r", 2, collect_cb, result, &error));
  g_assert_no_error (error);
  assert_datas (result, "a\nb", NULL);

  /* A CR at the end of a chunk has ended its line at once. */
  g_assert_true (adiuva_sse_decoder_feed (decoder, (const guint8 *) "data: c\r\r", 9, collect_cb, result, &error));
  assert_datas (result, "a\nb", "c", NULL);
  g_assert_false (adiuva_sse_decoder_has_pending (decoder));
}

static void
test_space_after_colon (void)
{
  g_autoptr (Result) result = decode_string ("data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n"
                                             "data:\n\ndata: \n\n",
                                             1024);

  assert_datas (result, "x", "x", " x", "\tx", "", "", NULL);
}

static void
test_multi_line_data (void)
{
  g_autoptr (Result) result = decode_string ("data: {\"a\":\ndata:\ndata:  1}\n\n"
                                             "data: one\ndata: two\r\ndata: three\r\n",
                                             1024);

  assert_datas (result, "{\"a\":\n\n 1}", "one\ntwo\nthree", NULL);
  g_assert_true (result->pending);
}

static void
test_comments (void)
{
  g_autoptr (Result) comments = decode_string (": hello\n:\n: OPENROUTER PROCESSING\r\n\n\n:", 1024);
  g_autoptr (Result) between = NULL;

  g_assert_cmpuint (comments->events->len, ==, 0);
  g_assert_false (comments->done);
  /* Cut in the middle of a comment line. */
  g_assert_true (comments->pending);

  between = decode_string ("data: a\n: keep-alive\ndata: b\n\n", 1024);
  assert_datas (between, "a\nb", NULL);
}

static void
test_keep_alive_blank_lines (void)
{
  g_autoptr (Result) result = decode_string ("\n\n\r\n\r\rdata: a\n\n\n\n\r\n", 1024);

  assert_datas (result, "a", NULL);
  g_assert_false (result->pending);
}

static void
test_bom (void)
{
  g_autoptr (Result) bom = decode_string ("\xef\xbb\xbf"
                                          "data: a\n\n",
                                          1024);
  g_autoptr (Result) second_bom = NULL;
  g_autoptr (Result) inside = NULL;
  g_autoptr (Result) half_bom = NULL;
  g_autoptr (Result) bom_only = NULL;
  g_autoptr (Result) bare_start = NULL;

  assert_datas (bom, "a", NULL);

  /* Only one BOM is skipped; a second one is part of the field name, which is then unknown. */
  second_bom = decode_string ("\xef\xbb\xbf\xef\xbb\xbf"
                              "data: a\n\ndata: b\n\n",
                              1024);
  assert_datas (second_bom, "b", NULL);

  inside = decode_string ("data: \xef\xbb\xbf"
                          "b\n\n",
                          1024);
  assert_datas (inside, "\xef\xbb\xbf"
                        "b",
                NULL);

  /* The start of a BOM that is not one is read as bytes of the first line. */
  half_bom = decode_string ("\xef\xbb"
                            "data: a\n\ndata: b\n\n",
                            1024);
  assert_datas (half_bom, "b", NULL);

  bom_only = decode_string ("\xef\xbb", 1024);
  g_assert_cmpuint (bom_only->events->len, ==, 0);
  g_assert_true (bom_only->pending);

  bare_start = decode_string ("\xef", 1024);
  g_assert_cmpuint (bare_start->events->len, ==, 0);
}

static void
test_id_and_retry (void)
{
  g_autoptr (Result) result = NULL;
  const char body[] = "id: 1\ndata: a\n\n"
                      "data: b\n\n"
                      "id: 2\nretry: 1500\n\n"
                      "data: c\n\n"
                      "id: x\0y\nretry: 15x\ndata: d\n\n"
                      "retry:\nretry: -1\nretry: 99999999999999999999\ndata: e\n\n"
                      "id\ndata: f\n\n"
                      "id: \xff\ndata: g\n\n";

  result = decode_all_ways (body, sizeof body - 1, 1024, 0);
  assert_datas (result, "a", "b", "c", "d", "e", "f", "g", NULL);

  /* The id carries over; an empty one clears it; one with a NUL is ignored. */
  g_assert_cmpstr (event_at (result, 0)->id, ==, "1");
  g_assert_cmpstr (event_at (result, 1)->id, ==, "1");
  g_assert_cmpstr (event_at (result, 2)->id, ==, "2");
  g_assert_cmpstr (event_at (result, 3)->id, ==, "2");
  g_assert_cmpstr (event_at (result, 5)->id, ==, NULL);
  g_assert_cmpstr (event_at (result, 6)->id, ==, "\xef\xbf\xbd");

  /* Only digits set the retry, clamped to what a guint holds. */
  g_assert_cmpuint (event_at (result, 0)->retry_ms, ==, 0);
  g_assert_cmpuint (event_at (result, 2)->retry_ms, ==, 1500);
  g_assert_cmpuint (event_at (result, 3)->retry_ms, ==, 1500);
  g_assert_cmpuint (event_at (result, 4)->retry_ms, ==, G_MAXUINT);
}

static void
test_event_types (void)
{
  g_autoptr (Result) result = decode_string ("event: message_start\ndata: {}\n\n"
                                             "data: no type\n\n"
                                             "event: ping\n\n"
                                             "data: the ping type is forgotten\n\n"
                                             "event: a\nevent: b\ndata: last wins\n\n"
                                             "event:\ndata: empty type\n\n"
                                             "Event: x\nDATA: y\ndata: names are case-sensitive\n\n",
                                             1024);

  assert_datas (result, "{}", "no type", "the ping type is forgotten", "last wins", "empty type",
                "names are case-sensitive", NULL);
  g_assert_cmpstr (event_at (result, 0)->event, ==, "message_start");
  g_assert_cmpstr (event_at (result, 1)->event, ==, "message");
  g_assert_cmpstr (event_at (result, 2)->event, ==, "message");
  g_assert_cmpstr (event_at (result, 3)->event, ==, "b");
  g_assert_cmpstr (event_at (result, 4)->event, ==, "message");
  g_assert_cmpstr (event_at (result, 5)->event, ==, "message");
}

static void
test_field_without_colon (void)
{
  g_autoptr (Result) result = decode_string ("data\n\nfoo\ndata: a\n\nevent\ndata\ndata\n\n", 1024);

  assert_datas (result, "", "a", "\n", NULL);
  g_assert_cmpstr (event_at (result, 2)->event, ==, "message");
}

static void
test_too_large (void)
{
  g_autoptr (Result) fits = decode_string ("data: 0123456789\n\n", 16);
  g_autoptr (Result) too_long = decode_string ("data: 01234567890\n\n", 16);
  g_autoptr (Result) lines = decode_string ("data: a\n\ndata: 0123\ndata: 4567\ndata: 89\n\n", 16);
  g_autoptr (Result) comments = NULL;
  g_autoptr (Result) many = NULL;
  g_autoptr (Result) partial = decode_string ("data: a\n\ndata: 0123456789abcdef", 16);
  g_autoptr (GString) body = g_string_new (": ");

  assert_datas (fits, "0123456789", NULL);
  g_assert_error (too_long->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  g_assert_cmpuint (too_long->events->len, ==, 0);

  /* The lines of one event add up; the events before are delivered. */
  g_assert_error (lines->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  assert_datas (lines, "a", NULL);

  g_assert_error (partial->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  assert_datas (partial, "a", NULL);

  /* Comments are skipped, not stored, so they never count; the size starts over per event. */
  for (guint i = 0; i < 100; i++)
    g_string_append (body, "keep-alive ");
  g_string_append (body, "\ndata: a\n\n");
  for (guint i = 0; i < 100; i++)
    g_string_append (body, "data: 0123456789\n\n");
  comments = decode_string (body->str, 16);
  g_assert_no_error (comments->error);
  g_assert_cmpuint (comments->events->len, ==, 101);

  many = decode_string ("id: 0123456789\nretry: 1\n\n", 16);
  g_assert_error (many->error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
}

static void
test_big_event (void)
{
  g_autoptr (AdiuvaSseDecoder) decoder = adiuva_sse_decoder_new (ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);
  g_autoptr (GError) error = NULL;
  g_autoptr (Result) result = g_new0 (Result, 1);
  g_autoptr (GString) body = g_string_new ("data: ");

  result->log = g_string_new (NULL);
  result->events = g_ptr_array_new_with_free_func (event_free);

  /* An inlined image: one line of a few MiB, fed in network-sized chunks, then small events. */
  for (guint i = 0; i < 200000; i++)
    g_string_append (body, "iVBORw0KGgo=");
  g_string_append (body, "\n\ndata: small\n\n");

  for (gsize offset = 0; offset < body->len; offset += 16384)
    g_assert_true (adiuva_sse_decoder_feed (decoder, (const guint8 *) body->str + offset,
                                            MIN (16384, body->len - offset), collect_cb, result, &error));
  g_assert_true (adiuva_sse_decoder_finish (decoder, collect_cb, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->events->len, ==, 2);
  g_assert_cmpuint (event_at (result, 0)->data_len, ==, 200000 * 12);
  g_assert_cmpstr (event_at (result, 1)->data, ==, "small");
}

static void
test_end_without_blank_line (void)
{
  g_autoptr (Result) unterminated = decode_string ("data: a\n\ndata: b", 1024);
  g_autoptr (Result) no_blank = decode_string ("event: message_stop\ndata: {}\n", 1024);
  g_autoptr (Result) only_type = decode_string ("data: a\n\nevent: x\n", 1024);

  assert_datas (unterminated, "a", "b", NULL);
  g_assert_true (unterminated->pending);

  assert_datas (no_blank, "{}", NULL);
  g_assert_cmpstr (event_at (no_blank, 0)->event, ==, "message_stop");
  g_assert_true (no_blank->pending);

  assert_datas (only_type, "a", NULL);
  g_assert_true (only_type->pending);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr (Result) result = decode_string ("data: a\xff"
                                             "b\n\n"
                                             "data: \xc3\n\n"
                                             "data: \xc3\xa9\xe2\x82\n\n"
                                             "data: \xed\xa0\x80\n\n"
                                             "event: \xfe\ndata: x\n\n"
                                             "data: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n\n",
                                             1024);

  /* One U+FFFD per bad byte; valid text, cut anywhere between chunks, comes out whole. */
  assert_datas (result, "a\xef\xbf\xbd"
                        "b",
                "\xef\xbf\xbd", "\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd",
                "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "x",
                "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL);
  g_assert_cmpstr (event_at (result, 4)->event, ==, "\xef\xbf\xbd");
}

static void
test_nul_bytes (void)
{
  const char body[] = "data: a\0b\n\n\0data: c\n\nevent: \0\ndata: d\n\n";
  g_autoptr (Result) result = decode_all_ways (body, sizeof body - 1, 1024, 0);

  /* A NUL at the start of a line makes it an unknown field. */
  assert_datas (result, "a\xef\xbf\xbd"
                        "b",
                "d", NULL);
  g_assert_cmpuint (event_at (result, 0)->data_len, ==, 5);
  g_assert_cmpstr (event_at (result, 1)->event, ==, "\xef\xbf\xbd");
}

static void
test_done (void)
{
  g_autoptr (Result) done = decode_string ("data: {\"a\":1}\n\ndata: [DONE]\n\n", 1024);
  g_autoptr (Result) no_space = decode_string ("data:[DONE]\n\n", 1024);
  g_autoptr (Result) not_done = decode_string ("data: [DONE] \n\ndata: [DONE]x\n\ndata: [done]\n\n"
                                               "data: [DONE]\ndata: \n\n",
                                               1024);
  g_autoptr (Result) after = decode_string ("data: [DONE]\n\ndata: late\n\n", 1024);
  g_autoptr (Result) unterminated = decode_string ("data: {}\n\ndata: [DONE]", 1024);

  assert_datas (done, "{\"a\":1}", NULL);
  g_assert_true (done->done);

  g_assert_true (no_space->done);
  g_assert_cmpuint (no_space->events->len, ==, 0);

  assert_datas (not_done, "[DONE] ", "[DONE]x", "[done]", "[DONE]\n", NULL);
  g_assert_false (not_done->done);

  /* Decoding goes on after [DONE]; what to make of it is the adapter's call. */
  assert_datas (after, "late", NULL);
  g_assert_true (after->done);

  assert_datas (unterminated, "{}", NULL);
  g_assert_true (unterminated->done);
}

static void
test_empty (void)
{
  g_autoptr (AdiuvaSseDecoder) decoder = adiuva_sse_decoder_new (1024);
  g_autoptr (GError) error = NULL;
  g_autoptr (Result) result = decode_string ("", 1024);

  g_assert_cmpuint (result->events->len, ==, 0);
  g_assert_false (result->done);
  g_assert_false (result->pending);

  g_assert_true (adiuva_sse_decoder_feed (decoder, NULL, 0, collect_cb, NULL, &error));
  g_assert_false (adiuva_sse_decoder_has_pending (decoder));
  g_assert_true (adiuva_sse_decoder_finish (decoder, collect_cb, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (adiuva_sse_decoder_get_n_events (decoder), ==, 0);
}

static void
test_pending (void)
{
  struct
  {
    const char *body;
    gboolean    pending;
  } cases[] = {
    { "data: a", TRUE },
    { "data: a\n", TRUE },
    { "data: a\n\n", FALSE },
    { "data: a\r", TRUE },
    { "data: a\r\n\r", FALSE },
    { ": comment", TRUE },
    { ": comment\n", FALSE },
    { "\n\n", FALSE },
    { "\xef\xbb\xbf", FALSE },
    { "\xef", TRUE },
    { "retry: 10\n", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AdiuvaSseDecoder) decoder = adiuva_sse_decoder_new (1024);
      g_autoptr (GError) error = NULL;
      g_autoptr (Result) result = g_new0 (Result, 1);

      result->log = g_string_new (NULL);
      result->events = g_ptr_array_new_with_free_func (event_free);
      g_assert_true (adiuva_sse_decoder_feed (decoder, (const guint8 *) cases[i].body, strlen (cases[i].body),
                                              collect_cb, result, &error));
      g_assert_no_error (error);
      g_assert_true (adiuva_sse_decoder_has_pending (decoder) == cases[i].pending);
    }
}

static void
test_callback_stops (void)
{
  g_autoptr (Result) result = decode_all_ways ("data: a\n\ndata: b\n\ndata: c\n\n", 27, 1024, 2);

  assert_datas (result, "a", "b", NULL);
  g_assert_error (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
stop_silently_cb (const AdiuvaSseEvent *event,
                  gpointer              user_data,
                  GError              **error)
{
  return FALSE;
}

static void
test_callback_stops_silently (void)
{
  g_autoptr (AdiuvaSseDecoder) decoder = adiuva_sse_decoder_new (1024);
  g_autoptr (GError) error = NULL;

  g_assert_false (adiuva_sse_decoder_feed (decoder, (const guint8 *) "data: a\n\n", 9, stop_silently_cb,
                                           NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_FAILED);
}

static void
test_random_bodies (void)
{
  static const char *const pieces[] = {
    "data",
    "data:",
    "data: ",
    "event: ",
    "id: ",
    "retry: ",
    "12",
    ":",
    " ",
    "\r",
    "\n",
    "\r\n",
    "x",
    "{\"a\":1}",
    "\xff",
    "\xc3",
    "\xa9",
    "\0",
    "[DONE]",
    "\xef\xbb\xbf",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);

  for (guint run = 0; run < 200; run++)
    {
      g_autoptr (GString) body = g_string_new (NULL);
      g_autoptr (Result) result = NULL;
      guint n = g_rand_int_range (rand, 0, 60);

      for (guint i = 0; i < n; i++)
        {
          const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

          g_string_append_len (body, piece, *piece == '\0' ? 1 : (gssize) strlen (piece));
        }

      result = decode_all_ways (body->str, body->len, g_rand_int_range (rand, 1, 64), 0);
    }
}

static void
test_preconditions (void)
{
  g_autoptr (AdiuvaSseDecoder) finished = adiuva_sse_decoder_new (1024);
  g_autoptr (AdiuvaSseDecoder) failed = adiuva_sse_decoder_new (4);
  g_autoptr (GError) error = NULL;

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*max_event_size > 0*");
  g_assert_null (adiuva_sse_decoder_new (0));
  g_test_assert_expected_messages ();

  g_assert_true (adiuva_sse_decoder_finish (finished, collect_cb, NULL, NULL));
  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*!self->finished*");
  g_assert_false (adiuva_sse_decoder_feed (finished, (const guint8 *) "x", 1, collect_cb, NULL, NULL));
  g_test_assert_expected_messages ();

  /* After an error the decoder takes nothing more. */
  g_assert_false (adiuva_sse_decoder_feed (failed, (const guint8 *) "data: too long", 14, collect_cb, NULL, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE);
  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*!self->failed*");
  g_assert_false (adiuva_sse_decoder_finish (failed, collect_cb, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("adiuva-gateway", G_LOG_LEVEL_CRITICAL, "*func != NULL*");
  g_assert_false (adiuva_sse_decoder_feed (finished, (const guint8 *) "x", 1, NULL, NULL, NULL));
  g_test_assert_expected_messages ();

  adiuva_sse_decoder_free (NULL);
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
  const char *providers[] = { "openai", "anthropic", "gemini" };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autofree char *dir = g_build_filename (FIXTURES_DIR, providers[i], NULL);

      find_fixtures (providers[i], dir, fixtures);
    }
  g_ptr_array_sort (fixtures, compare_paths);
  g_test_add_data_func ("/sse-decoder/fixtures/found", fixtures, test_fixtures_found);
  for (guint i = 0; i < fixtures->len; i++)
    {
      const char      *path = g_ptr_array_index (fixtures, i);
      g_autofree char *name = g_strconcat ("/sse-decoder/fixtures", path + strlen (FIXTURES_DIR), NULL);

      g_test_add_data_func (name, path, test_fixture);
    }

  g_test_add_func ("/sse-decoder/line-endings", test_line_endings);
  g_test_add_func ("/sse-decoder/crlf-across-chunks", test_crlf_across_chunks);
  g_test_add_func ("/sse-decoder/space-after-colon", test_space_after_colon);
  g_test_add_func ("/sse-decoder/multi-line-data", test_multi_line_data);
  g_test_add_func ("/sse-decoder/comments", test_comments);
  g_test_add_func ("/sse-decoder/keep-alive-blank-lines", test_keep_alive_blank_lines);
  g_test_add_func ("/sse-decoder/bom", test_bom);
  g_test_add_func ("/sse-decoder/id-and-retry", test_id_and_retry);
  g_test_add_func ("/sse-decoder/event-types", test_event_types);
  g_test_add_func ("/sse-decoder/field-without-colon", test_field_without_colon);
  g_test_add_func ("/sse-decoder/too-large", test_too_large);
  g_test_add_func ("/sse-decoder/big-event", test_big_event);
  g_test_add_func ("/sse-decoder/end-without-blank-line", test_end_without_blank_line);
  g_test_add_func ("/sse-decoder/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/sse-decoder/nul-bytes", test_nul_bytes);
  g_test_add_func ("/sse-decoder/done", test_done);
  g_test_add_func ("/sse-decoder/empty", test_empty);
  g_test_add_func ("/sse-decoder/pending", test_pending);
  g_test_add_func ("/sse-decoder/callback-stops", test_callback_stops);
  g_test_add_func ("/sse-decoder/callback-stops-silently", test_callback_stops_silently);
  g_test_add_func ("/sse-decoder/random-bodies", test_random_bodies);
  g_test_add_func ("/sse-decoder/preconditions", test_preconditions);

  return g_test_run ();
}
