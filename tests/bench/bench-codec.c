/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adiuva-gateway.h"

/* The stream translation benchmark of the gateway issue: Anthropic SSE in, canonical deltas,
 * OpenAI SSE out, as the loopback endpoint does for an OpenAI client of a Claude model. Two
 * translators read the same generated Anthropic streams, on one thread:
 *
 *   adiuva   the anthropic codec's stream decoder feeding the openai codec's stream encoder
 *   naive    the peer: the same SSE framing (AdiuvaSseDecoder), then per event a json-glib
 *            parse, the fields read from the tree, the OpenAI chunk built with JsonBuilder and
 *            written with JsonGenerator — the translation done the obvious way
 *
 * Both must produce the same text and tool arguments, or the figures mean nothing. Reported:
 * MB/s of Anthropic SSE read (1 MB = 10^6 bytes), and the memory one open stream holds (a
 * decoder and an encoder that have read the start of an answer, a partial event pending), from
 * mallinfo2 over many streams open at once.
 *
 *   bench-codec [--strict]     (ADIUVA_BENCH_SHORT=1: a quick check) */

#define MODEL "claude-sonnet-4-20250514"
#define READ_SIZE 16384 /* what one read from the network hands the decoder */

static const char *const words[] = {
  "The",
  " invoice",
  " for",
  " ACME",
  " is",
  " due",
  " on",
  " the",
  " 15th",
  ".",
  " I'll",
  " draft",
  " a",
  " reminder",
  " and",
  " attach",
  " the",
  " PDF",
  " —",
  " shall",
  " I",
  " send",
  " it",
  " to",
  " Jane",
  "?",
  "\\n\\n",
  "Here",
  "'s",
  " the",
  " plan",
  ":\\n",
  "1",
  ".",
  " Check",
  " \\\"Q4 report\\\"",
  " numbers",
  " (",
  "€",
  "1",
  "2",
  "0",
  "0",
  ")",
  " café",
  " naïve",
  " 東京",
  " 🙂",
  " `",
  "code",
  "`",
  " and",
  " a",
  " tab",
  "\\t",
  "here",
};

static const char *const arguments[] = {
  "",
  "{\\\"locati",
  "on\\\": \\\"P",
  "ar",
  "is\\\", \\\"unit\\\": \\\"c",
  "elsius\\\"}",
};

/* One answer as Anthropic streams it: a text block of @n_words deltas, then a tool call
 * whose arguments come in pieces. */
static void
append_answer (GString *out,
               guint    n_words,
               guint    seed)
{
  g_string_append (
      out,
      "event: message_start\n"
      "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_019Q1hrJbZG26Fb9BQhrkHEr\","
      "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" MODEL "\",\"content\":[],"
      "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":377,"
      "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1,"
      "\"service_tier\":\"standard\"}}}\n\n"
      "event: content_block_start\n"
      "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
      "\"text\":\"\"}}\n\n"
      "event: ping\n"
      "data: {\"type\": \"ping\"}\n\n");

  for (guint i = 0; i < n_words; i++)
    {
      const char *a = words[(i * 7 + seed) % G_N_ELEMENTS (words)];
      const char *b = words[(i * 13 + seed + 3) % G_N_ELEMENTS (words)];

      /* Claude sends a few tokens per delta. */
      g_string_append_printf (out,
                              "event: content_block_delta\n"
                              "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                              "{\"type\":\"text_delta\",\"text\":\"%s%s\"}}\n\n",
                              a, b);
    }

  g_string_append (
      out,
      "event: content_block_stop\n"
      "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: content_block_start\n"
      "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":"
      "\"tool_use\",\"id\":\"toolu_01NRLabsLyVHZPKxbKvkfSMn\",\"name\":\"get_weather\","
      "\"input\":{}}}\n\n");
  for (guint i = 0; i < G_N_ELEMENTS (arguments); i++)
    g_string_append_printf (out,
                            "event: content_block_delta\n"
                            "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                            "{\"type\":\"input_json_delta\",\"partial_json\":\"%s\"}}\n\n",
                            arguments[i]);
  g_string_append (
      out,
      "event: content_block_stop\n"
      "data: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
      "event: message_delta\n"
      "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
      "\"stop_sequence\":null},\"usage\":{\"output_tokens\":412}}\n\n"
      "event: message_stop\n"
      "data: {\"type\":\"message_stop\"}\n\n");
}

/* What a translation produced, to check that both did the same work. */
typedef struct
{
  GString *out; /* OpenAI SSE, emptied after each read */
  guint64  out_bytes;
  GString *text; /* of the first stream, for the comparison */
  GString *arguments;
  gboolean keep;
} Sink;

static void
sink_keep (Sink       *sink,
           gboolean    text,
           const char *piece,
           gsize       len)
{
  if (sink->keep)
    g_string_append_len (text ? sink->text : sink->arguments, piece, len);
}

/* adiuva */

typedef struct
{
  AdiuvaStreamDecoder *decoder;
  AdiuvaStreamEncoder *encoder;
  Sink                *sink;
} Translator;

static gboolean
adiuva_delta_cb (const AdiuvaChatDelta *delta,
                 gpointer               user_data,
                 GError               **error)
{
  Translator *t = user_data;

  if (delta->kind == ADIUVA_DELTA_TEXT || delta->kind == ADIUVA_DELTA_TOOL_CALL)
    sink_keep (t->sink, delta->kind == ADIUVA_DELTA_TEXT, delta->text, delta->text_len);
  adiuva_openai_codec.stream_encoder_add (t->encoder, delta, t->sink->out);
  return TRUE;
}

static Translator *
translator_new (Sink *sink)
{
  Translator *t = g_new0 (Translator, 1);

  t->decoder = adiuva_anthropic_codec.stream_decoder_new ();
  t->encoder = adiuva_openai_codec.stream_encoder_new (MODEL);
  t->sink = sink;
  return t;
}

static void
translator_free (Translator *t)
{
  adiuva_anthropic_codec.stream_decoder_free (t->decoder);
  adiuva_openai_codec.stream_encoder_free (t->encoder);
  g_free (t);
}

static gboolean
translator_feed (Translator   *t,
                 const guint8 *data,
                 gsize         len,
                 GError      **error)
{
  return adiuva_anthropic_codec.stream_decoder_feed (t->decoder, data, len, adiuva_delta_cb, t,
                                                     error);
}

static gboolean
translator_finish (Translator *t,
                   GError    **error)
{
  if (!adiuva_anthropic_codec.stream_decoder_finish (t->decoder, adiuva_delta_cb, t, error))
    return FALSE;
  adiuva_openai_codec.stream_encoder_finish (t->encoder, t->sink->out);
  return TRUE;
}

/* naive */

typedef struct
{
  AdiuvaSseDecoder *sse;
  JsonParser       *parser;
  Sink             *sink;
  char             *id;
  gint64            created;
  guint             n_tools;
  gint64            tool_block; /* Anthropic's block index of the current tool call */
} Naive;

static Naive *
naive_new (Sink *sink)
{
  Naive *n = g_new0 (Naive, 1);

  n->sse = adiuva_sse_decoder_new (ADIUVA_SSE_DECODER_DEFAULT_MAX_EVENT_SIZE);
  n->parser = json_parser_new_immutable ();
  n->sink = sink;
  n->id = g_strdup ("chatcmpl-0123456789abcdefghijklmnopqrs");
  n->created = g_get_real_time () / G_USEC_PER_SEC;
  n->tool_block = -1;
  return n;
}

static void
naive_free (Naive *n)
{
  adiuva_sse_decoder_free (n->sse);
  g_object_unref (n->parser);
  g_free (n->id);
  g_free (n);
}

/* One OpenAI chunk whose delta holds @member: @value, or the tool call @tool (taken). */
static void
naive_emit (Naive      *n,
            const char *member,
            const char *value,
            const char *finish,
            JsonObject *tool)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  gsize            len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, n->id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "chat.completion.chunk");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, n->created);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, MODEL);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  if (member != NULL)
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, value);
    }
  if (tool != NULL)
    {
      json_builder_set_member_name (builder, "tool_calls");
      json_builder_begin_array (builder);
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), tool));
      json_object_unref (tool);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "finish_reason");
  if (finish != NULL)
    json_builder_add_string_value (builder, finish);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  len = strlen (json);
  g_string_append (n->sink->out, "data: ");
  g_string_append_len (n->sink->out, json, len);
  g_string_append (n->sink->out, "\n\n");
}

static gboolean
naive_event_cb (const AdiuvaSseEvent *event,
                gpointer              user_data,
                GError              **error)
{
  Naive      *n = user_data;
  JsonObject *object;
  const char *type;

  if (!json_parser_load_from_data (n->parser, event->data, event->data_len, error))
    return FALSE;
  object = json_node_get_object (json_parser_get_root (n->parser));
  type = json_object_get_string_member_with_default (object, "type", "");

  if (g_str_equal (type, "message_start"))
    naive_emit (n, "role", "assistant", NULL, NULL);
  else if (g_str_equal (type, "content_block_start"))
    {
      JsonObject *block = json_object_get_object_member (object, "content_block");

      if (g_str_equal (json_object_get_string_member (block, "type"), "tool_use"))
        {
          JsonObject *tool = json_object_new ();
          JsonObject *function = json_object_new ();

          n->tool_block = json_object_get_int_member (object, "index");
          json_object_set_int_member (tool, "index", n->n_tools++);
          json_object_set_string_member (tool, "id", json_object_get_string_member (block, "id"));
          json_object_set_string_member (tool, "type", "function");
          json_object_set_string_member (function, "name",
                                         json_object_get_string_member (block, "name"));
          json_object_set_string_member (function, "arguments", "");
          json_object_set_object_member (tool, "function", function);
          naive_emit (n, NULL, NULL, NULL, tool);
        }
    }
  else if (g_str_equal (type, "content_block_delta"))
    {
      JsonObject *delta = json_object_get_object_member (object, "delta");
      const char *kind = json_object_get_string_member (delta, "type");

      if (g_str_equal (kind, "text_delta"))
        {
          const char *text = json_object_get_string_member (delta, "text");

          sink_keep (n->sink, TRUE, text, strlen (text));
          naive_emit (n, "content", text, NULL, NULL);
        }
      else if (g_str_equal (kind, "input_json_delta"))
        {
          const char *piece = json_object_get_string_member (delta, "partial_json");
          JsonObject *tool = json_object_new ();
          JsonObject *function = json_object_new ();

          sink_keep (n->sink, FALSE, piece, strlen (piece));
          if (*piece == '\0')
            {
              json_object_unref (tool);
              json_object_unref (function);
              return TRUE;
            }
          json_object_set_int_member (tool, "index", n->n_tools - 1);
          json_object_set_string_member (function, "arguments", piece);
          json_object_set_object_member (tool, "function", function);
          naive_emit (n, NULL, NULL, NULL, tool);
        }
    }
  else if (g_str_equal (type, "message_delta"))
    {
      JsonObject *delta = json_object_get_object_member (object, "delta");
      const char *stop = json_object_get_string_member_with_default (delta, "stop_reason", "");

      naive_emit (n, NULL, NULL, g_str_equal (stop, "tool_use") ? "tool_calls" : "stop", NULL);
    }
  else if (g_str_equal (type, "message_stop"))
    g_string_append (n->sink->out, "data: [DONE]\n\n");

  return TRUE;
}

/* The runs */

typedef struct
{
  double   mb_per_s;
  double   bytes_per_stream;
  gboolean ok;
} Figures;

static void
sink_flush (Sink *sink)
{
  sink->out_bytes += sink->out->len;
  g_string_truncate (sink->out, 0);
}

/* CPU time, not wall time: "on one core" means the time this thread ran, whatever else the
 * machine was doing. */
static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

/* Translates @input @repeat times, each time as one stream read in READ_SIZE pieces. */
static gboolean
run_throughput (gboolean       naive,
                const GString *input,
                guint          repeat,
                Sink          *sink,
                double        *mb_per_s,
                GError       **error)
{
  double started = thread_cpu_seconds ();
  double seconds;

  for (guint r = 0; r < repeat; r++)
    {
      Translator *t = naive ? NULL : translator_new (sink);
      Naive      *n = naive ? naive_new (sink) : NULL;
      gboolean    ok = TRUE;

      sink->keep = sink->text->len == 0 && r == 0;
      for (gsize at = 0; ok && at < input->len; at += READ_SIZE)
        {
          gsize         len = MIN (READ_SIZE, input->len - at);
          const guint8 *data = (const guint8 *) input->str + at;

          ok = naive ? adiuva_sse_decoder_feed (n->sse, data, len, naive_event_cb, n, error)
                     : translator_feed (t, data, len, error);
          sink_flush (sink);
        }
      if (ok)
        ok = naive ? adiuva_sse_decoder_finish (n->sse, naive_event_cb, n, error)
                   : translator_finish (t, error);
      sink_flush (sink);
      if (naive)
        naive_free (n);
      else
        translator_free (t);
      if (!ok)
        return FALSE;
    }

  seconds = thread_cpu_seconds () - started;
  *mb_per_s = (double) input->len * repeat / 1e6 / seconds;
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median of @rounds runs of @repeat streams: other work on the machine slows some rounds
 * down, even in CPU time (caches, a busy sibling core). */
static gboolean
run_rounds (gboolean       naive,
            const GString *input,
            guint          rounds,
            guint          repeat,
            Sink          *sink,
            double        *mb_per_s,
            GError       **error)
{
  double results[16];

  g_assert (rounds <= G_N_ELEMENTS (results));
  for (guint i = 0; i < rounds; i++)
    if (!run_throughput (naive, input, repeat, sink, &results[i], error))
      return FALSE;
  qsort (results, rounds, sizeof results[0], compare_doubles);
  *mb_per_s = results[rounds / 2];
  return TRUE;
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* Opens @count streams and feeds each the start of an answer; the heap they hold, each. */
static gboolean
run_memory (gboolean       naive,
            const GString *start,
            guint          count,
            double        *bytes_per_stream,
            GError       **error)
{
  g_autoptr (GPtrArray) open = g_ptr_array_new ();
  Sink     sink = { g_string_new (NULL), 0, g_string_new (NULL), g_string_new (NULL), FALSE };
  gsize    before;
  gsize    after;
  gboolean ok = TRUE;

  malloc_trim (0);
  before = heap_in_use ();
  for (guint i = 0; ok && i < count; i++)
    {
      const guint8 *data = (const guint8 *) start->str;

      if (naive)
        {
          Naive *n = naive_new (&sink);

          g_ptr_array_add (open, n);
          ok = adiuva_sse_decoder_feed (n->sse, data, start->len, naive_event_cb, n, error);
        }
      else
        {
          Translator *t = translator_new (&sink);

          g_ptr_array_add (open, t);
          ok = translator_feed (t, data, start->len, error);
        }
      g_string_truncate (sink.out, 0);
    }
  after = heap_in_use ();
  /* Under AddressSanitizer mallinfo2() knows nothing of the heap. */
  *bytes_per_stream = after > before ? ((double) after - (double) before) / count : NAN;

  for (guint i = 0; i < open->len; i++)
    {
      if (naive)
        naive_free (g_ptr_array_index (open, i));
      else
        translator_free (g_ptr_array_index (open, i));
    }
  g_string_free (sink.out, TRUE);
  g_string_free (sink.text, TRUE);
  g_string_free (sink.arguments, TRUE);
  return ok;
}

static void
print_row (const char *label,
           const char *ours,
           const char *theirs,
           double      times_better,
           const char *target,
           int         met)
{
  g_autofree char *ratio = isnan (times_better) ? g_strdup ("-")
                                                : g_strdup_printf ("%.1fx", times_better);

  g_print ("%-42s %12s %12s %8s  %-12s %s\n", label, ours, theirs, ratio, target,
           met < 0 ? "" : met ? "PASS"
                              : "MISS");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) input = g_string_new (NULL);
  g_autoptr (GString) start = g_string_new (NULL);
  const char      *short_env = g_getenv ("ADIUVA_BENCH_SHORT");
  gboolean         short_mode = short_env != NULL && *short_env != '\0' && g_strcmp0 (short_env, "0");
  gboolean         strict = argc > 1 && g_strcmp0 (argv[1], "--strict") == 0;
  guint            n_words = 8000;
  guint            rounds = short_mode ? 3 : 5;
  guint            repeat_ours = short_mode ? 8 : 120;
  guint            repeat_naive = short_mode ? 2 : 12;
  guint            n_open = short_mode ? 500 : 10000;
  Sink             ours = { g_string_new (NULL), 0, g_string_new (NULL), g_string_new (NULL), FALSE };
  Sink             naive = { g_string_new (NULL), 0, g_string_new (NULL), g_string_new (NULL), FALSE };
  double           ours_mbs = NAN, naive_mbs = NAN, ours_mem = NAN, naive_mem = NAN;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  gboolean         same;
  gboolean         ok;
  gboolean         miss;

  setlocale (LC_ALL, "");

  /* One stream: a long answer, as a translation sees at most; a short one would measure the
   * set-up of a stream rather than its decoding. */
  append_answer (input, n_words, 0);
  /* An open stream: the answer has begun, and an event is half read. */
  append_answer (start, 0, 0);
  g_string_truncate (start, strstr (start->str, "event: content_block_stop") - start->str);
  g_string_append (start, "event: content_block_delta\n"
                          "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                          "{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
                          "event: content_block_delta\n"
                          "data: {\"type\":\"content_block_delta\",\"in");

  g_printerr ("Translating %.1f MB, %u rounds of %u (adiuva)…\n", input->len / 1e6, rounds,
              repeat_ours);
  ok = run_rounds (FALSE, input, rounds, repeat_ours, &ours, &ours_mbs, &error);
  if (ok)
    {
      g_printerr ("Translating %.1f MB, %u rounds of %u (naive json-glib)…\n", input->len / 1e6,
                  rounds, repeat_naive);
      ok = run_rounds (TRUE, input, rounds, repeat_naive, &naive, &naive_mbs, &error);
    }
  if (ok)
    {
      g_printerr ("Opening %u streams, each way…\n", n_open);
      ok = run_memory (FALSE, start, n_open, &ours_mem, &error) &&
           run_memory (TRUE, start, n_open, &naive_mem, &error);
    }
  if (!ok)
    {
      g_printerr ("bench-codec: %s\n", error->message);
      return 1;
    }

  same = g_string_equal (ours.text, naive.text) && g_string_equal (ours.arguments, naive.arguments);

  g_print ("\nAdiuva stream translation benchmark (%s: one stream of %.2f MB, median of %u rounds "
           "of %u streams (naive: %u); %u open streams)\n",
           short_mode ? "SHORT mode, figures are not meaningful" : "full", input->len / 1e6,
           rounds, repeat_ours, repeat_naive, n_open);
  g_print ("  path:   Anthropic SSE → adiuva_anthropic_codec stream decoder → canonical deltas → "
           "adiuva_openai_codec stream encoder → OpenAI SSE, %u-byte reads, MB/s per second of the thread's CPU time\n",
           READ_SIZE);
  g_print ("  peer:   naive json-glib %s: AdiuvaSseDecoder framing, then per event "
           "json_parser_load_from_data + JsonBuilder + json_to_string\n",
           JSON_VERSION_S);
  g_print ("  input:  one answer of %u text deltas (ASCII, escapes, UTF-8), then a tool call "
           "in 6 argument pieces\n",
           n_words);
  g_print ("  output: %.2f MB of OpenAI SSE per stream (adiuva), %.2f MB (naive); text and "
           "tool arguments %s\n\n",
           ours.out_bytes / 1e6 / (rounds * repeat_ours),
           naive.out_bytes / 1e6 / (rounds * repeat_naive),
           same ? "identical" : "DIFFER, THE FIGURES MEAN NOTHING");

  g_print ("%-42s %12s %12s %8s  %-12s %s\n", "figure", "adiuva", "naive", "ratio", "target",
           "result");
  g_print ("%s\n", "--------------------------------------------------------------------------"
                   "--------------------");
  a = g_strdup_printf ("%.0f MB/s", ours_mbs);
  b = g_strdup_printf ("%.0f MB/s", naive_mbs);
  print_row ("Anthropic SSE → OpenAI SSE, one core", a, b, ours_mbs / naive_mbs, "> 200 MB/s",
             ours_mbs > 200);
  c = isnan (ours_mem) ? g_strdup ("-") : g_strdup_printf ("%.1f KiB", ours_mem / 1024);
  d = isnan (naive_mem) ? g_strdup ("-") : g_strdup_printf ("%.1f KiB", naive_mem / 1024);
  print_row ("memory per open stream", c, d, naive_mem / ours_mem, "< 64 KiB",
             isnan (ours_mem) ? -1 : ours_mem < 64 * 1024);
  g_print ("\nratio: how many times better adiuva is (adiuva / naive for MB/s, naive / adiuva for "
           "memory).\n");

  miss = !(ours_mbs > 200) || ours_mem >= 64 * 1024 || !same;
  if (miss && !short_mode)
    g_print ("\nSome targets were missed.\n");
  g_string_free (ours.out, TRUE);
  g_string_free (ours.text, TRUE);
  g_string_free (ours.arguments, TRUE);
  g_string_free (naive.out, TRUE);
  g_string_free (naive.text, TRUE);
  g_string_free (naive.arguments, TRUE);
  if (!same)
    return 1;
  return strict && miss && !short_mode ? 3 : 0;
}
