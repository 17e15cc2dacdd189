/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-provider"
#include "config.h"

/*
 * adiuva-test-provider: a real HTTP server on 127.0.0.1 that answers like the LLM providers the
 * gateway talks to (OpenAI, Anthropic, Gemini, Ollama). Every default answer replays recorded
 * traffic from the shared fixtures directory byte for byte: the recorded status, the recorded
 * response headers from the .meta.json sidecar and the body bytes as they are on disk. Tests
 * script what comes next through a small control API under /__ (see tests/gateway/README.md):
 * other fixtures, inline bodies, error statuses with the provider's error body, and faults
 * (bodies cut into pieces, delays, stalls, connection resets, garbage).
 *
 * The program never outlives the test that started it: it stops on SIGTERM/SIGINT, when its
 * stdin pipe reaches EOF, and after an idle timeout.
 */

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define DEFAULT_IDLE_TIMEOUT_S 120
#define DEFAULT_STALL_MAX_MS 30000
#define DEFAULT_GARBAGE_BYTES 512
#define DEFAULT_RETRY_AFTER "1"
/* Time between the last byte handed to the socket and the reset, so the peer has read it. */
#define RESET_GRACE_MS 20

/* Recorded traffic each route replays by default, relative to the fixtures directory. */
#define OPENAI_CHAT_STREAM "openai/langchaingo-extracted/TestClient_CreateChatCompletionStream_0_200.sse"
#define OPENAI_CHAT "openai/langchaingo-extracted/TestClient_CreateChatCompletion_0_200.json"
#define OPENAI_EMBEDDINGS "openai/langchaingo-extracted/TestClient_CreateEmbeddingWithDimensions_0_200.json"
#define OPENAI_RATE_LIMITED "openai/langchaingo-extracted/TestOpenRouterStreaming_1_429.json"
#define ANTHROPIC_STREAM "anthropic/langchaingo-extracted/TestClient_CreateMessageStream_0_200.sse"
#define ANTHROPIC_MESSAGE "anthropic/langchaingo-extracted/TestClient_CreateMessage_0_200.json"
#define ANTHROPIC_ERROR_EVENT "anthropic/sdkts_streaming_test_overloaded_error_event.sse"
#define GEMINI_STREAM_SSE "gemini/pydantic-ai-extracted/model_stream_0_200.sse"
#define GEMINI_STREAM_JSON "gemini/langchaingo-extracted/TestGoogleAIWithStreaming_0_200.json"
#define GEMINI_GENERATE "gemini/firebase-vertexai-sdk-test-data/googleai/unary-success-basic-reply-short.json"
#define GEMINI_GENERATE_META "gemini/langchaingo-extracted/TestGoogleAICall_0_200.meta.json"
#define GEMINI_FORBIDDEN "gemini/langchaingo-extracted/TestGoogleAIErrorHandling_0_403.json"
#define GEMINI_RATE_LIMITED "gemini/firebase-vertexai-sdk-test-data/vertexai/unary-failure-quota-exceeded.json"
#define GEMINI_ERROR_META "gemini/langchaingo-extracted/TestGoogleAIErrorHandling_0_403.meta.json"
#define OLLAMA_DOCS "ollama/docs-api-md/"
#define OLLAMA_CHAT_STREAM_1 OLLAMA_DOCS "generate-a-chat-completion__chat-request-streaming__1.json"
#define OLLAMA_CHAT_STREAM_2 OLLAMA_DOCS "generate-a-chat-completion__chat-request-streaming__2.json"
#define OLLAMA_CHAT OLLAMA_DOCS "generate-a-chat-completion__chat-request-no-streaming__1.json"
#define OLLAMA_GENERATE_STREAM OLLAMA_DOCS "streaming-mdx__generate_stream.ndjson"
#define OLLAMA_GENERATE OLLAMA_DOCS "streaming-mdx__generate_nonstream.json"
#define OLLAMA_TAGS OLLAMA_DOCS "list-local-models__example__1.json"
#define OLLAMA_SHOW OLLAMA_DOCS "show-model-information__example__1.json5"
#define OLLAMA_PULL_1 OLLAMA_DOCS "pull-a-model__example__1.json"
#define OLLAMA_PULL_2 OLLAMA_DOCS "pull-a-model__example__2.json"
#define OLLAMA_PULL_3 OLLAMA_DOCS "pull-a-model__example__3.concatenated-json.txt"
#define OLLAMA_PULL_DONE OLLAMA_DOCS "pull-a-model__example__4.json"
#define OLLAMA_EMBED OLLAMA_DOCS "generate-embeddings__example__1.json"
#define OLLAMA_EMBED_MANY OLLAMA_DOCS "generate-embeddings__request-multiple-input__1.json"
#define OLLAMA_VERSION OLLAMA_DOCS "version__example__1.json"
#define OLLAMA_ERROR OLLAMA_DOCS "errors-mdx__error_body.json"

/* What Ollama (Go net/http + gin) puts on its answers. */
#define OLLAMA_JSON_TYPE "application/json; charset=utf-8"
#define OLLAMA_NDJSON_TYPE "application/x-ndjson"

typedef enum
{
  FAMILY_OPENAI,
  FAMILY_ANTHROPIC,
  FAMILY_GEMINI,
  FAMILY_OLLAMA,
} Family;

typedef enum
{
  ENCODING_AUTO,
  ENCODING_CHUNKED,
  ENCODING_CONTENT_LENGTH,
  ENCODING_EOF,
} Encoding;

/* One answer, and how to put it on the wire. */
typedef struct
{
  guint      status;
  char      *reason;
  GPtrArray *headers; /* name, value, name, value, … */
  GBytes    *body;
  Encoding   encoding;
  gboolean   recorded_chunked;

  GArray *cuts; /* gsize end offsets of the writes, increasing, the last is the body length */
  guint   delay_ms;
  guint   delay_headers_ms;
  gint64  stall_after; /* -1: never */
  guint   stall_max_ms;
  gint64  reset_after; /* -1: never */
} Reply;

typedef struct
{
  char       *method;      /* NULL: any method */
  char       *path_prefix; /* NULL: any path */
  gint64      times;
  JsonObject *spec;
} Step;

typedef struct
{
  SoupServer *server;
  GMainLoop  *loop;
  char       *fixtures_dir;
  GQueue      steps;
  GPtrArray  *requests; /* JsonNode */
  GList      *transfers;
  guint       idle_timeout_s;
  guint       idle_id;
  guint       stdin_id;
  gboolean    verbose;
} Server;

typedef struct
{
  const char *method;
  const char *path;
  const char *query;
  JsonNode   *json;
  Family      family;
} Request;

typedef struct
{
  Server            *self;
  SoupServerMessage *msg;
  GSocket           *socket;
  Reply             *reply;
  gsize              sent;
  guint              next_cut;
  gboolean           write_pending;
  guint              timeout_id;
  gulong             wrote_headers_id;
  gulong             wrote_chunk_id;
  gulong             finished_id;
} Transfer;

/* Replies */

static Reply *
reply_new (guint status)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->headers = g_ptr_array_new_with_free_func (g_free);
  reply->body = g_bytes_new (NULL, 0);
  reply->stall_after = -1;
  reply->reset_after = -1;
  reply->stall_max_ms = DEFAULT_STALL_MAX_MS;
  return reply;
}

static void
reply_free (Reply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->reason);
  g_ptr_array_unref (reply->headers);
  g_bytes_unref (reply->body);
  if (reply->cuts)
    g_array_unref (reply->cuts);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
reply_set_body (Reply  *reply,
                GBytes *body)
{
  g_bytes_unref (reply->body);
  reply->body = g_bytes_ref (body);
}

static void
reply_set_body_take (Reply *reply,
                     char  *data,
                     gsize  len)
{
  g_bytes_unref (reply->body);
  reply->body = g_bytes_new_take (data, len);
}

static void
reply_add_header (Reply      *reply,
                  const char *name,
                  const char *value)
{
  g_ptr_array_add (reply->headers, g_strdup (name));
  g_ptr_array_add (reply->headers, g_strdup (value));
}

static void
reply_remove_header (Reply      *reply,
                     const char *name)
{
  for (guint i = 0; i < reply->headers->len;)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (reply->headers, i), name) == 0)
        g_ptr_array_remove_range (reply->headers, i, 2);
      else
        i += 2;
    }
}

static void
reply_set_header (Reply      *reply,
                  const char *name,
                  const char *value)
{
  reply_remove_header (reply, name);
  reply_add_header (reply, name, value);
}

static const char *
reply_get_header (Reply      *reply,
                  const char *name)
{
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (reply->headers, i), name) == 0)
      return g_ptr_array_index (reply->headers, i + 1);
  return NULL;
}

static gboolean
reply_is_stream (Reply *reply)
{
  const char *type = reply_get_header (reply, "Content-Type");

  return type != NULL && (g_str_has_prefix (type, "text/event-stream") || strstr (type, "ndjson") != NULL);
}

/* JSON helpers */

/*
 * Turns pretty-printed JSON, or the JSON5 the Ollama docs use in places (comments, unquoted keys,
 * single quotes, trailing commas), into compact JSON as Go's encoder writes it. Numbers and
 * string contents are kept as written, which a parse and re-generate round trip would not do.
 * Several top-level values are returned one per array element.
 */
static GPtrArray *
compact_json_values (const char *text,
                     gsize       len,
                     GError    **error)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) out = g_string_new (NULL);
  int   depth = 0;
  gsize i = 0;

  while (i < len)
    {
      char c = text[i];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          i++;
          continue;
        }

      if (c == '/' && i + 1 < len && text[i + 1] == '/')
        {
          while (i < len && text[i] != '\n')
            i++;
          continue;
        }

      if (c == '/' && i + 1 < len && text[i + 1] == '*')
        {
          const char *end = g_strstr_len (text + i + 2, len - i - 2, "*/");

          i = end ? (gsize) (end - text) + 2 : len;
          continue;
        }

      if (c == '"' || c == '\'')
        {
          char quote = c;

          g_string_append_c (out, '"');
          for (i++; i < len && text[i] != quote; i++)
            {
              if (text[i] == '\\' && i + 1 < len)
                {
                  if (quote == '\'' && text[i + 1] == '\'')
                    g_string_append_c (out, '\'');
                  else
                    g_string_append_len (out, text + i, 2);
                  i++;
                }
              else if (text[i] == '"')
                g_string_append (out, "\\\"");
              else
                g_string_append_c (out, text[i]);
            }
          if (i >= len)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unterminated string");
              return NULL;
            }
          g_string_append_c (out, '"');
          i++;
        }
      else if (g_ascii_isdigit (c) || c == '-' || c == '+' || c == '.')
        {
          while (i < len && (g_ascii_isdigit (text[i]) || strchr ("+-.eE", text[i]) != NULL))
            g_string_append_c (out, text[i++]);
        }
      else if (g_ascii_isalpha (c) || c == '_' || c == '$')
        {
          gsize            start = i;
          gsize            j;
          g_autofree char *word = NULL;

          while (i < len && (g_ascii_isalnum (text[i]) || text[i] == '_' || text[i] == '$'))
            i++;
          word = g_strndup (text + start, i - start);
          for (j = i; j < len && g_ascii_isspace (text[j]); j++)
            ;
          if (j < len && text[j] == ':')
            g_string_append_printf (out, "\"%s\"", word);
          else if (g_str_equal (word, "true") || g_str_equal (word, "false") || g_str_equal (word, "null"))
            g_string_append (out, word);
          else
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unexpected word “%s”", word);
              return NULL;
            }
        }
      else if (c == '{' || c == '[')
        {
          g_string_append_c (out, c);
          depth++;
          i++;
          continue;
        }
      else if (c == '}' || c == ']')
        {
          if (out->len > 0 && out->str[out->len - 1] == ',')
            g_string_truncate (out, out->len - 1);
          g_string_append_c (out, c);
          depth--;
          i++;
        }
      else
        {
          g_string_append_c (out, c);
          i++;
          continue;
        }

      if (depth == 0)
        {
          g_autoptr (JsonParser) parser = json_parser_new ();

          if (!json_parser_load_from_data (parser, out->str, out->len, error))
            return NULL;
          g_ptr_array_add (values, g_string_free (g_steal_pointer (&out), FALSE));
          out = g_string_new (NULL);
        }
    }

  if (depth != 0 || out->len > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "truncated JSON");
      return NULL;
    }

  return g_steal_pointer (&values);
}

static GBytes *
join_values (GPtrArray *values,
             gboolean   newline_terminated)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < values->len; i++)
    {
      g_string_append (out, g_ptr_array_index (values, i));
      if (newline_terminated)
        g_string_append_c (out, '\n');
    }
  return g_string_free_to_bytes (out);
}

static JsonNode *
parse_json_bytes (GBytes *bytes)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize       len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len == 0 || !g_utf8_validate (data, len, NULL))
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static gint64
json_int (JsonObject *object,
          const char *member,
          gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

/* Fixtures */

static gboolean
fixture_path_is_safe (const char *rel)
{
  g_auto (GStrv) parts = NULL;

  if (rel == NULL || *rel == '\0' || g_path_is_absolute (rel))
    return FALSE;
  parts = g_strsplit (rel, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

static char *
fixture_path (Server     *self,
              const char *rel,
              GError    **error)
{
  if (self->fixtures_dir == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no fixtures directory (start the server with --fixtures DIR)");
      return NULL;
    }
  if (!fixture_path_is_safe (rel))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "fixture paths are relative to the fixtures directory: “%s”", rel);
      return NULL;
    }
  return g_build_filename (self->fixtures_dir, rel, NULL);
}

static GBytes *
load_fixture (Server     *self,
              const char *rel,
              GError    **error)
{
  g_autofree char *path = fixture_path (self, rel, error);
  g_autofree char *data = NULL;
  gsize            len;

  if (path == NULL || !g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static GPtrArray *
load_fixture_values (Server     *self,
                     const char *rel,
                     GError    **error)
{
  g_autoptr (GBytes) bytes = load_fixture (self, rel, error);
  gsize       len;
  const char *data;
  GPtrArray  *values;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  values = compact_json_values (data, len, error);
  if (values == NULL)
    g_prefix_error (error, "%s: ", rel);
  return values;
}

static char *
sidecar_for (const char *rel)
{
  const char *slash = strrchr (rel, '/');
  const char *dot = strrchr (rel, '.');

  if (dot == NULL || (slash != NULL && dot < slash))
    return g_strconcat (rel, ".meta.json", NULL);
  return g_strdup_printf ("%.*s.meta.json", (int) (dot - rel), rel);
}

static gboolean
header_is_hop_by_hop (const char *name)
{
  /* The framing is ours (the recordings were HTTP/2 or de-chunked); libsoup writes a fresh Date. */
  static const char *const skipped[] = {
    "Content-Length",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "Date",
    "Content-Encoding",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (g_ascii_strcasecmp (name, skipped[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
reply_add_recorded_header (Reply      *reply,
                           const char *name,
                           const char *value)
{
  if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0 && strstr (value, "chunked") != NULL)
    reply->recorded_chunked = TRUE;
  if (!header_is_hop_by_hop (name))
    reply_add_header (reply, name, value);
}

/*
 * Two sidecar shapes exist: the httprr ones ("status_line", "response_headers" as pairs) and the
 * cassette ones ("response": {"status": {"code", "message"}, "headers": {name: [values]}}).
 */
static gboolean
reply_apply_meta (Reply      *reply,
                  JsonObject *meta,
                  GError    **error)
{
  if (json_object_has_member (meta, "status_line"))
    {
      const char *line = json_object_get_string_member (meta, "status_line");
      g_auto (GStrv) parts = g_strsplit (line ? line : "", " ", 3);
      JsonArray *headers;

      if (g_strv_length (parts) < 2)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad status line “%s”", line);
          return FALSE;
        }
      reply->status = (guint) g_ascii_strtoull (parts[1], NULL, 10);
      g_free (reply->reason);
      reply->reason = g_strdup (parts[2]);

      headers = json_object_get_array_member (meta, "response_headers");
      for (guint i = 0; headers != NULL && i < json_array_get_length (headers); i++)
        {
          JsonArray *pair = json_array_get_array_element (headers, i);

          if (pair != NULL && json_array_get_length (pair) == 2)
            reply_add_recorded_header (reply,
                                       json_array_get_string_element (pair, 0),
                                       json_array_get_string_element (pair, 1));
        }
      return TRUE;
    }

  if (json_object_has_member (meta, "response"))
    {
      JsonObject *response = json_object_get_object_member (meta, "response");
      JsonObject *status = response ? json_object_get_object_member (response, "status") : NULL;
      JsonObject *headers = response ? json_object_get_object_member (response, "headers") : NULL;
      g_autoptr (GList) names = headers ? json_object_get_members (headers) : NULL;

      if (status == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sidecar without a status");
          return FALSE;
        }
      reply->status = (guint) json_int (status, "code", 200);
      g_free (reply->reason);
      reply->reason = g_strdup (json_object_get_string_member_with_default (status, "message", NULL));

      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonArray *values = json_object_get_array_member (headers, l->data);

          for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
            reply_add_recorded_header (reply, l->data, json_array_get_string_element (values, i));
        }
      return TRUE;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown sidecar format");
  return FALSE;
}

static const char *
guess_content_type (const char *rel,
                    GBytes     *body)
{
  gsize       len;
  const char *data = g_bytes_get_data (body, &len);

  if (g_str_has_suffix (rel, ".sse"))
    return "text/event-stream";
  if (g_str_has_suffix (rel, ".ndjson"))
    return "application/x-ndjson";
  if (g_str_has_suffix (rel, ".json") || g_str_has_suffix (rel, ".json5"))
    return "application/json";
  if (len >= 5 && (strncmp (data, "data:", 5) == 0 || strncmp (data, "event:", MIN (len, 6)) == 0))
    return "text/event-stream";
  return "text/plain; charset=utf-8";
}

/* The fixture's bytes with its recorded status and headers (@meta_rel, or the sidecar if any). */
static Reply *
reply_from_fixture (Server     *self,
                    const char *rel,
                    const char *meta_rel,
                    GError    **error)
{
  g_autoptr (Reply) reply = reply_new (200);
  g_autoptr (GBytes) body = load_fixture (self, rel, error);
  g_autofree char *sidecar = meta_rel ? g_strdup (meta_rel) : sidecar_for (rel);
  g_autofree char *sidecar_path = NULL;

  if (body == NULL)
    return NULL;
  reply_set_body (reply, body);

  sidecar_path = fixture_path (self, sidecar, NULL);
  if (sidecar_path != NULL && g_file_test (sidecar_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (!json_parser_load_from_file (parser, sidecar_path, error))
        return NULL;
      root = json_parser_get_root (parser);
      if (!JSON_NODE_HOLDS_OBJECT (root) || !reply_apply_meta (reply, json_node_get_object (root), error))
        {
          g_prefix_error (error, "%s: ", sidecar);
          return NULL;
        }
    }

  if (reply_get_header (reply, "Content-Type") == NULL)
    reply_add_header (reply, "Content-Type", guess_content_type (rel, body));

  return g_steal_pointer (&reply);
}

/* Ollama answers built from the documented examples, compacted as the Go encoder writes them. */
static Reply *
ollama_reply (Server            *self,
              const char *const *rels,
              gboolean           stream,
              GError           **error)
{
  g_autoptr (Reply) reply = reply_new (200);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GBytes) body = NULL;

  for (guint i = 0; rels[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) some = load_fixture_values (self, rels[i], error);

      if (some == NULL)
        return NULL;
      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (values, g_strdup (g_ptr_array_index (some, j)));
    }

  body = join_values (values, stream);
  reply_set_body (reply, body);
  reply_add_header (reply, "Content-Type", stream ? OLLAMA_NDJSON_TYPE : OLLAMA_JSON_TYPE);
  return g_steal_pointer (&reply);
}

/* /api/pull: the documented progress object repeated with growing "completed", as a pull goes. */
static Reply *
ollama_pull_reply (Server  *self,
                   gboolean stream,
                   GError **error)
{
  static const char *const done[] = { OLLAMA_PULL_DONE, NULL };
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) progress = NULL;
  g_autoptr (GPtrArray) rest = NULL;
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (Reply) reply = reply_new (200);
  g_autoptr (GBytes) body = NULL;
  JsonObject *object;
  gint64      total;

  if (!stream)
    return ollama_reply (self, done, FALSE, error);

  if (!(first = load_fixture_values (self, OLLAMA_PULL_1, error)) ||
      !(progress = load_fixture_values (self, OLLAMA_PULL_2, error)) ||
      !(rest = load_fixture_values (self, OLLAMA_PULL_3, error)))
    return NULL;

  node = json_from_string (g_ptr_array_index (progress, 0), error);
  if (node == NULL)
    return NULL;
  object = json_node_get_object (node);
  total = json_int (object, "total", 0);

  g_ptr_array_add (values, g_strdup (g_ptr_array_index (first, 0)));
  g_ptr_array_add (values, g_strdup (g_ptr_array_index (progress, 0)));
  json_object_set_int_member (object, "completed", total / 2);
  g_ptr_array_add (values, json_to_string (node, FALSE));
  json_object_set_int_member (object, "completed", total);
  g_ptr_array_add (values, json_to_string (node, FALSE));
  for (guint i = 0; i < rest->len; i++)
    g_ptr_array_add (values, g_strdup (g_ptr_array_index (rest, i)));

  body = join_values (values, TRUE);
  reply_set_body (reply, body);
  reply_add_header (reply, "Content-Type", OLLAMA_NDJSON_TYPE);
  return g_steal_pointer (&reply);
}

/*
 * No recording of GET /v1/models exists, so the list is written in OpenAI's documented shape and
 * names the models the default chat and embeddings recordings answered with.
 */
static Reply *
openai_models_reply (Server  *self,
                     GError **error)
{
  static const char *const sources[] = { OPENAI_CHAT, OPENAI_EMBEDDINGS };
  g_autoptr (Reply) reply = reply_new (200);
  g_autoptr (GString) out = g_string_new ("{\n  \"object\": \"list\",\n  \"data\": [\n");
  gint64 created = 0;

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr (GBytes) bytes = load_fixture (self, sources[i], error);
      g_autoptr (JsonNode) node = bytes ? parse_json_bytes (bytes) : NULL;
      JsonObject *object;

      if (bytes == NULL)
        return NULL;
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a JSON object", sources[i]);
          return NULL;
        }
      object = json_node_get_object (node);
      created = json_int (object, "created", created);
      g_string_append_printf (out,
                              "%s    {\n      \"id\": \"%s\",\n      \"object\": \"model\",\n"
                              "      \"created\": %" G_GINT64_FORMAT ",\n      \"owned_by\": \"system\"\n    }",
                              i > 0 ? ",\n" : "",
                              json_object_get_string_member_with_default (object, "model", "unknown"),
                              created);
    }
  g_string_append (out, "\n  ]\n}\n");

  reply_set_body_take (reply, g_strdup (out->str), out->len);
  reply_add_header (reply, "Content-Type", "application/json");
  return g_steal_pointer (&reply);
}

static Reply *
text_reply (guint       status,
            const char *content_type,
            const char *text)
{
  Reply *reply = reply_new (status);

  reply_set_body_take (reply, g_strdup (text), strlen (text));
  reply_add_header (reply, "Content-Type", content_type);
  return reply;
}

/* Error bodies in each provider's shape; recorded ones where the fixtures have them. */

static const char *
anthropic_error_type (guint  status,
                      char **message)
{
  switch (status)
    {
    case 400:
      *message = g_strdup ("Invalid request");
      return "invalid_request_error";
    case 401:
      *message = g_strdup ("invalid x-api-key");
      return "authentication_error";
    case 403:
      *message = g_strdup ("Your API key does not have permission to use the specified resource.");
      return "permission_error";
    case 404:
      *message = g_strdup ("The requested resource could not be found.");
      return "not_found_error";
    case 413:
      *message = g_strdup ("Request exceeds the maximum allowed number of bytes.");
      return "request_too_large";
    case 429:
      *message = g_strdup ("Number of request tokens has exceeded your per-minute rate limit");
      return "rate_limit_error";
    default:
      *message = g_strdup ("Internal server error");
      return "api_error";
    }
}

static Reply *
anthropic_error_reply (Server  *self,
                       guint    status,
                       GError **error)
{
  g_autoptr (GBytes) event = load_fixture (self, ANTHROPIC_ERROR_EVENT, error);
  g_autoptr (Reply) reply = reply_new (status);
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  const char      *data;
  char            *end;

  if (event == NULL)
    return NULL;

  /* The error event's data line is the body the HTTP error carries. */
  text = g_strndup (g_bytes_get_data (event, NULL), g_bytes_get_size (event));
  data = strstr (text, "data: ");
  if (data == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no data line", ANTHROPIC_ERROR_EVENT);
      return NULL;
    }
  data += strlen ("data: ");
  if ((end = strchr (data, '\n')) != NULL)
    *end = '\0';

  if (status == 529)
    {
      reply_set_body_take (reply, g_strdup (data), strlen (data));
      reply->reason = g_strdup ("Overloaded");
    }
  else
    {
      g_autoptr (JsonNode) node = json_from_string (data, error);
      g_autofree char *body = NULL;
      JsonObject      *inner;
      const char      *type;

      if (node == NULL)
        return NULL;
      type = anthropic_error_type (status, &message);
      inner = json_object_get_object_member (json_node_get_object (node), "error");
      json_object_set_string_member (inner, "type", type);
      json_object_set_string_member (inner, "message", message);
      body = json_to_string (node, FALSE);
      reply_set_body_take (reply, g_strdup (body), strlen (body));
    }
  reply_add_header (reply, "Content-Type", "application/json");
  return g_steal_pointer (&reply);
}

static Reply *
openai_error_reply (Server  *self,
                    guint    status,
                    GError **error)
{
  const char      *type = "invalid_request_error";
  const char      *message = "Invalid request.";
  const char      *code = "null";
  g_autofree char *body = NULL;

  if (status == 429)
    return reply_from_fixture (self, OPENAI_RATE_LIMITED, NULL, error);

  if (status >= 500)
    {
      type = "server_error";
      message = "The server had an error while processing your request. Sorry about that!";
    }
  else if (status == 401)
    {
      message = "Incorrect API key provided.";
      code = "\"invalid_api_key\"";
    }
  else if (status == 404)
    {
      message = "The model does not exist or you do not have access to it.";
      code = "\"model_not_found\"";
    }

  /* OpenAI pretty-prints its error bodies with four spaces. */
  body = g_strdup_printf ("{\n    \"error\": {\n        \"message\": \"%s\",\n        \"type\": \"%s\",\n"
                          "        \"param\": null,\n        \"code\": %s\n    }\n}\n",
                          message, type, code);
  return text_reply (status, "application/json; charset=utf-8", body);
}

static const char *
google_status_name (guint status)
{
  switch (status)
    {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
}

static Reply *
gemini_error_reply (Server  *self,
                    guint    status,
                    GError **error)
{
  g_autoptr (Reply) reply = NULL;
  g_autofree char *body = NULL;

  if (status == 403)
    return reply_from_fixture (self, GEMINI_FORBIDDEN, NULL, error);

  if (status == 429)
    {
      reply = reply_from_fixture (self, GEMINI_RATE_LIMITED, GEMINI_ERROR_META, error);
      if (reply == NULL)
        return NULL;
      reply->status = 429;
      g_clear_pointer (&reply->reason, g_free);
      return g_steal_pointer (&reply);
    }

  /* Google's google.rpc.Status shape, pretty-printed with two spaces like the recorded 403. */
  reply = reply_from_fixture (self, GEMINI_FORBIDDEN, NULL, error);
  if (reply == NULL)
    return NULL;
  reply->status = status;
  g_clear_pointer (&reply->reason, g_free);
  body = g_strdup_printf ("{\n  \"error\": {\n    \"code\": %u,\n    \"message\": \"%s\",\n    \"status\": \"%s\"\n  }\n}\n",
                          status,
                          status >= 500 ? "An internal error has occurred." : "Request failed.",
                          google_status_name (status));
  reply_set_body_take (reply, g_strdup (body), strlen (body));
  return g_steal_pointer (&reply);
}

static Reply *
ollama_error_reply (Server  *self,
                    guint    status,
                    GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *body = NULL;

  if (status == 500)
    {
      static const char *const rels[] = { OLLAMA_ERROR, NULL };
      Reply                   *reply = ollama_reply (self, rels, FALSE, error);

      if (reply != NULL)
        reply->status = 500;
      return reply;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, status == 404 ? "model not found" : soup_status_get_phrase (status));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = json_to_string (node, FALSE);
  return text_reply (status, OLLAMA_JSON_TYPE, body);
}

static Reply *
error_reply (Server  *self,
             Family   family,
             guint    status,
             GError **error)
{
  Reply *reply = NULL;

  switch (family)
    {
    case FAMILY_ANTHROPIC:
      reply = anthropic_error_reply (self, status, error);
      break;
    case FAMILY_GEMINI:
      reply = gemini_error_reply (self, status, error);
      break;
    case FAMILY_OLLAMA:
      reply = ollama_error_reply (self, status, error);
      break;
    case FAMILY_OPENAI:
    default:
      reply = openai_error_reply (self, status, error);
      break;
    }

  if (reply != NULL && status == 429 && reply_get_header (reply, "Retry-After") == NULL)
    reply_add_header (reply, "Retry-After", DEFAULT_RETRY_AFTER);
  return reply;
}

/* Routes */

static Family
family_for_path (const char *path)
{
  if (g_str_has_prefix (path, "/v1/messages"))
    return FAMILY_ANTHROPIC;
  if (g_str_has_prefix (path, "/v1beta/") || strstr (path, ":generateContent") || strstr (path, ":streamGenerateContent"))
    return FAMILY_GEMINI;
  if (g_str_has_prefix (path, "/api/") || g_str_equal (path, "/"))
    return FAMILY_OLLAMA;
  return FAMILY_OPENAI;
}

static gboolean
request_bool (Request    *req,
              const char *member,
              gboolean    fallback)
{
  JsonNode *node;

  if (req->json == NULL || !JSON_NODE_HOLDS_OBJECT (req->json))
    return fallback;
  node = json_object_get_member (json_node_get_object (req->json), member);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

static gboolean
query_has_param (const char *query,
                 const char *param)
{
  g_auto (GStrv) parts = NULL;

  if (query == NULL)
    return FALSE;
  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], param))
      return TRUE;
  return FALSE;
}

static gboolean
is_gemini_call (const char *path,
                const char *verb)
{
  g_autofree char *suffix = g_strconcat (":", verb, NULL);

  return (g_str_has_prefix (path, "/v1beta/models/") || g_str_has_prefix (path, "/v1/models/")) &&
         g_str_has_suffix (path, suffix);
}

/*
 * No recording of Gemini's embedContent or batchEmbedContents exists, so the answer is written in
 * the documented shape: {"embedding": {"values": […]}} for one text, {"embeddings": [{"values":
 * […]}…]} with one entry per request for a batch. Vector i (from 0) has GEMINI_EMBED_DIMENSIONS
 * values, value j being (i + 1) / 10 + (j + 1) / 1000, so a test can tell the vectors apart.
 */
#define GEMINI_EMBED_DIMENSIONS 8

static void
append_gemini_values (GString *out,
                      guint    index)
{
  g_string_append (out, "{\"values\": [");
  for (guint j = 0; j < GEMINI_EMBED_DIMENSIONS; j++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (number, sizeof number, "%.4f", (index + 1) / 10.0 + (j + 1) / 1000.0);
      g_string_append_printf (out, "%s%s", j > 0 ? ", " : "", number);
    }
  g_string_append (out, "]}");
}

static Reply *
gemini_embed_reply (Request *req,
                    gboolean batch)
{
  g_autoptr (GString) out = g_string_new (NULL);
  JsonNode *requests = NULL;
  guint     n = 0;

  if (!batch)
    {
      g_string_append (out, "{\n  \"embedding\": ");
      append_gemini_values (out, 0);
      g_string_append (out, "\n}\n");
      return text_reply (200, "application/json; charset=UTF-8", out->str);
    }

  if (req->json != NULL && JSON_NODE_HOLDS_OBJECT (req->json))
    requests = json_object_get_member (json_node_get_object (req->json), "requests");
  if (requests != NULL && JSON_NODE_HOLDS_ARRAY (requests))
    n = json_array_get_length (json_node_get_array (requests));
  g_string_append (out, "{\n  \"embeddings\": [");
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i > 0 ? ",\n    " : "\n    ");
      append_gemini_values (out, i);
    }
  g_string_append (out, "\n  ]\n}\n");
  return text_reply (200, "application/json; charset=UTF-8", out->str);
}

static Reply *
default_reply (Server  *self,
               Request *req,
               GError **error)
{
  const char *method = req->method;
  const char *path = req->path;
  gboolean    post = g_str_equal (method, "POST");
  gboolean    get = g_str_equal (method, "GET");

  if (post && g_str_equal (path, "/v1/chat/completions"))
    return reply_from_fixture (self, request_bool (req, "stream", FALSE) ? OPENAI_CHAT_STREAM : OPENAI_CHAT, NULL, error);
  if (post && g_str_equal (path, "/v1/embeddings"))
    return reply_from_fixture (self, OPENAI_EMBEDDINGS, NULL, error);
  if (get && g_str_equal (path, "/v1/models"))
    return openai_models_reply (self, error);
  if (post && g_str_equal (path, "/v1/messages"))
    return reply_from_fixture (self, request_bool (req, "stream", FALSE) ? ANTHROPIC_STREAM : ANTHROPIC_MESSAGE, NULL, error);
  if (post && is_gemini_call (path, "generateContent"))
    return reply_from_fixture (self, GEMINI_GENERATE, GEMINI_GENERATE_META, error);
  if (post && is_gemini_call (path, "embedContent"))
    return gemini_embed_reply (req, FALSE);
  if (post && is_gemini_call (path, "batchEmbedContents"))
    return gemini_embed_reply (req, TRUE);
  if (post && is_gemini_call (path, "streamGenerateContent"))
    return reply_from_fixture (self, query_has_param (req->query, "alt=sse") ? GEMINI_STREAM_SSE : GEMINI_STREAM_JSON, NULL, error);

  /* Ollama streams unless told "stream": false. */
  if (post && g_str_equal (path, "/api/chat"))
    {
      static const char *const stream[] = { OLLAMA_CHAT_STREAM_1, OLLAMA_CHAT_STREAM_2, NULL };
      static const char *const single[] = { OLLAMA_CHAT, NULL };
      gboolean                 streaming = request_bool (req, "stream", TRUE);

      return ollama_reply (self, streaming ? stream : single, streaming, error);
    }
  if (post && g_str_equal (path, "/api/generate"))
    {
      static const char *const stream[] = { OLLAMA_GENERATE_STREAM, NULL };
      static const char *const single[] = { OLLAMA_GENERATE, NULL };
      gboolean                 streaming = request_bool (req, "stream", TRUE);

      return ollama_reply (self, streaming ? stream : single, streaming, error);
    }
  if (get && g_str_equal (path, "/api/tags"))
    {
      static const char *const rels[] = { OLLAMA_TAGS, NULL };
      return ollama_reply (self, rels, FALSE, error);
    }
  if (post && g_str_equal (path, "/api/show"))
    {
      static const char *const rels[] = { OLLAMA_SHOW, NULL };
      return ollama_reply (self, rels, FALSE, error);
    }
  if (post && g_str_equal (path, "/api/pull"))
    return ollama_pull_reply (self, request_bool (req, "stream", TRUE), error);
  if (g_str_equal (method, "DELETE") && g_str_equal (path, "/api/delete"))
    return reply_new (200);
  if (post && g_str_equal (path, "/api/embed"))
    {
      static const char *const one[] = { OLLAMA_EMBED, NULL };
      static const char *const many[] = { OLLAMA_EMBED_MANY, NULL };
      JsonNode                *input = NULL;

      if (req->json != NULL && JSON_NODE_HOLDS_OBJECT (req->json))
        input = json_object_get_member (json_node_get_object (req->json), "input");
      if (input != NULL && JSON_NODE_HOLDS_ARRAY (input) && json_array_get_length (json_node_get_array (input)) > 1)
        return ollama_reply (self, many, FALSE, error);
      return ollama_reply (self, one, FALSE, error);
    }
  if (get && g_str_equal (path, "/api/version"))
    {
      static const char *const rels[] = { OLLAMA_VERSION, NULL };
      return ollama_reply (self, rels, FALSE, error);
    }
  if (get && g_str_equal (path, "/"))
    return text_reply (200, "text/plain; charset=utf-8", "Ollama is running");

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no route for %s %s", method, path);
  return NULL;
}

/* Scripted steps */

static void
step_free (Step *step)
{
  g_free (step->method);
  g_free (step->path_prefix);
  json_object_unref (step->spec);
  g_free (step);
}

static gboolean
step_matches (Step       *step,
              const char *method,
              const char *path)
{
  if (step->method != NULL && g_ascii_strcasecmp (step->method, method) != 0)
    return FALSE;
  if (step->path_prefix != NULL && !g_str_has_prefix (path, step->path_prefix))
    return FALSE;
  return TRUE;
}

static gboolean
check_int (JsonObject *spec,
           const char *member,
           gint64      min,
           GError    **error)
{
  JsonNode *node = json_object_get_member (spec, member);

  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < min)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” must be an integer ≥ %" G_GINT64_FORMAT, member, min);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_type (JsonObject *spec,
            const char *member,
            GType       type,
            GError    **error)
{
  JsonNode *node = json_object_get_member (spec, member);

  if (node == NULL || (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” must be a %s", member,
               type == G_TYPE_BOOLEAN ? "boolean" : "string");
  return FALSE;
}

static gboolean
check_fixture (Server     *self,
               const char *rel,
               GError    **error)
{
  g_autofree char *path = NULL;

  if (rel == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "fixture names are strings");
      return FALSE;
    }
  path = fixture_path (self, rel, error);
  if (path == NULL)
    return FALSE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no fixture “%s”", rel);
      return FALSE;
    }
  return TRUE;
}

static Step *
step_new (Server   *self,
          JsonNode *node,
          GError  **error)
{
  static const char *const known[] = {
    "match",
    "times",
    "fixture",
    "meta",
    "body",
    "status",
    "reason",
    "headers",
    "chunk",
    "split_at",
    "delay_ms",
    "delay_headers_ms",
    "stall_after",
    "stall_ms",
    "reset_after",
    "garbage",
    "garbage_bytes",
    "seed",
    "retry_after",
    "encoding",
    "compact",
    "ndjson",
    NULL,
  };
  g_autoptr (GList) members = NULL;
  JsonObject *spec;
  JsonNode   *member;
  Step       *step;
  const char *match;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "a step is a JSON object");
      return NULL;
    }
  spec = json_node_get_object (node);

  members = json_object_get_members (spec);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown step field “%s”", (char *) l->data);
        return NULL;
      }

  if (!check_type (spec, "match", G_TYPE_STRING, error) ||
      !check_type (spec, "meta", G_TYPE_STRING, error) ||
      !check_type (spec, "body", G_TYPE_STRING, error) ||
      !check_type (spec, "reason", G_TYPE_STRING, error) ||
      !check_type (spec, "encoding", G_TYPE_STRING, error) ||
      !check_type (spec, "garbage", G_TYPE_BOOLEAN, error) ||
      !check_type (spec, "compact", G_TYPE_BOOLEAN, error) ||
      !check_type (spec, "ndjson", G_TYPE_BOOLEAN, error) ||
      !check_int (spec, "times", 1, error) ||
      !check_int (spec, "status", 100, error) ||
      !check_int (spec, "chunk", 0, error) ||
      !check_int (spec, "delay_ms", 0, error) ||
      !check_int (spec, "delay_headers_ms", 0, error) ||
      !check_int (spec, "stall_after", 0, error) ||
      !check_int (spec, "stall_ms", 1, error) ||
      !check_int (spec, "reset_after", 0, error) ||
      !check_int (spec, "garbage_bytes", 1, error) ||
      !check_int (spec, "seed", G_MININT64, error))
    return NULL;

  if (json_int (spec, "status", 200) > 599)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“status” must be below 600");
      return NULL;
    }

  if (json_object_has_member (spec, "encoding"))
    {
      const char *encoding = json_object_get_string_member (spec, "encoding");

      if (!g_str_equal (encoding, "chunked") && !g_str_equal (encoding, "content-length") && !g_str_equal (encoding, "eof"))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“encoding” is one of chunked, content-length, eof");
          return NULL;
        }
    }

  if ((member = json_object_get_member (spec, "split_at")) != NULL)
    {
      gboolean ok = JSON_NODE_HOLDS_ARRAY (member) || json_node_get_value_type (member) == G_TYPE_INT64;

      for (guint i = 0; ok && JSON_NODE_HOLDS_ARRAY (member) && i < json_array_get_length (json_node_get_array (member)); i++)
        ok = json_node_get_value_type (json_array_get_element (json_node_get_array (member), i)) == G_TYPE_INT64;
      if (!ok)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“split_at” is an integer or a list of integers");
          return NULL;
        }
    }

  if ((member = json_object_get_member (spec, "headers")) != NULL)
    {
      g_autoptr (GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“headers” is an object of strings");
          return NULL;
        }
      names = json_object_get_members (json_node_get_object (member));
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (json_node_get_object (member), l->data);

          if (!JSON_NODE_HOLDS_VALUE (value))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "header “%s” needs a string value", (char *) l->data);
              return NULL;
            }
        }
    }

  if ((member = json_object_get_member (spec, "retry_after")) != NULL &&
      !(JSON_NODE_HOLDS_VALUE (member) &&
        (json_node_get_value_type (member) == G_TYPE_STRING || json_node_get_value_type (member) == G_TYPE_INT64)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“retry_after” is a string or an integer");
      return NULL;
    }

  if ((member = json_object_get_member (spec, "fixture")) != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (member))
        {
          JsonArray *list = json_node_get_array (member);

          if (json_array_get_length (list) == 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“fixture” list is empty");
              return NULL;
            }
          for (guint i = 0; i < json_array_get_length (list); i++)
            {
              JsonNode *item = json_array_get_element (list, i);

              if (!check_fixture (self, json_node_get_value_type (item) == G_TYPE_STRING ? json_node_get_string (item) : NULL, error))
                return NULL;
            }
        }
      else if (!check_fixture (self, json_node_get_value_type (member) == G_TYPE_STRING ? json_node_get_string (member) : NULL, error))
        return NULL;
    }
  if (json_object_has_member (spec, "meta") &&
      !check_fixture (self, json_object_get_string_member (spec, "meta"), error))
    return NULL;

  step = g_new0 (Step, 1);
  step->spec = json_object_ref (spec);
  step->times = json_int (spec, "times", 1);

  /* "POST /v1/chat", "/v1/chat", "POST", "*" or nothing. */
  match = json_object_get_string_member_with_default (spec, "match", NULL);
  if (match != NULL && *match != '\0' && !g_str_equal (match, "*"))
    {
      const char *space = strchr (match, ' ');

      if (space != NULL)
        {
          step->method = g_strndup (match, space - match);
          step->path_prefix = g_strstrip (g_strdup (space + 1));
        }
      else if (*match == '/')
        step->path_prefix = g_strdup (match);
      else
        step->method = g_strdup (match);
    }

  return step;
}

static JsonObject *
take_step (Server     *self,
           const char *method,
           const char *path)
{
  for (GList *l = self->steps.head; l != NULL; l = l->next)
    {
      Step       *step = l->data;
      JsonObject *spec;

      if (!step_matches (step, method, path))
        continue;

      spec = json_object_ref (step->spec);
      if (--step->times <= 0)
        {
          g_queue_delete_link (&self->steps, l);
          step_free (step);
        }
      return spec;
    }
  return NULL;
}

static GBytes *
make_garbage (gsize       size,
              guint32     seed,
              const char *content_type)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  GByteArray *out = g_byte_array_new ();
  gboolean    sse = content_type != NULL && g_str_has_prefix (content_type, "text/event-stream");
  gboolean    ndjson = content_type != NULL && strstr (content_type, "ndjson") != NULL;
  guint       frame = 0;

  /*
   * Framed like the real stream so a decoder gets as far as its JSON parser: every frame starts
   * like an object and carries a 0xff byte, which is never valid UTF-8, so none of it parses.
   */
  while (out->len < size)
    {
      guint  n = g_rand_int_range (rand, 8, 48);
      guint8 bad = 0xff;

      if (sse && frame % 3 == 2)
        g_byte_array_append (out, (const guint8 *) ": ", 2);
      else if (sse)
        g_byte_array_append (out, (const guint8 *) "data: {\"", 8);
      else
        g_byte_array_append (out, (const guint8 *) "{\"", 2);

      for (guint i = 0; i < n; i++)
        {
          guint8 byte = (guint8) g_rand_int_range (rand, 0, 256);

          if (byte == '\n' || byte == '\r')
            byte = 0x80;
          g_byte_array_append (out, &byte, 1);
          if (i == n / 2)
            g_byte_array_append (out, &bad, 1);
        }

      if (sse)
        g_byte_array_append (out, (const guint8 *) "\n\n", 2);
      else if (ndjson)
        g_byte_array_append (out, (const guint8 *) "\n", 1);
      frame++;
    }

  return g_byte_array_free_to_bytes (out);
}

static Reply *
reply_from_step_body (Server     *self,
                      JsonObject *spec,
                      GError    **error)
{
  JsonNode   *fixture = json_object_get_member (spec, "fixture");
  const char *meta = json_object_get_string_member_with_default (spec, "meta", NULL);
  g_autoptr (GByteArray) all = g_byte_array_new ();
  g_autoptr (GBytes) body = NULL;
  Reply      *reply;
  const char *first;

  if (JSON_NODE_HOLDS_ARRAY (fixture))
    {
      JsonArray *list = json_node_get_array (fixture);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          g_autoptr (GBytes) part = load_fixture (self, json_array_get_string_element (list, i), error);

          if (part == NULL)
            return NULL;
          g_byte_array_append (all, g_bytes_get_data (part, NULL), g_bytes_get_size (part));
        }
      first = json_array_get_string_element (list, 0);
    }
  else
    first = json_node_get_string (fixture);

  reply = reply_from_fixture (self, first, meta, error);
  if (reply != NULL && JSON_NODE_HOLDS_ARRAY (fixture))
    {
      body = g_byte_array_free_to_bytes (g_steal_pointer (&all));
      reply_set_body (reply, body);
    }
  return reply;
}

static const char *
guess_inline_type (const char *body)
{
  if (g_str_has_prefix (body, "data:") || g_str_has_prefix (body, "event:") || g_str_has_prefix (body, ":"))
    return "text/event-stream";
  if (*body == '{' && strstr (body, "}\n{") != NULL)
    return "application/x-ndjson";
  if (*body == '{' || *body == '[')
    return "application/json";
  return "text/plain; charset=utf-8";
}

static Reply *
reply_for_step (Server     *self,
                Request    *req,
                JsonObject *spec,
                GError    **error)
{
  g_autoptr (Reply) reply = NULL;
  guint     status = (guint) json_int (spec, "status", 0);
  JsonNode *member;
  gint64    chunk;
  gsize     len;

  if (json_object_has_member (spec, "fixture"))
    reply = reply_from_step_body (self, spec, error);
  else if (json_object_has_member (spec, "body"))
    {
      const char *body = json_object_get_string_member (spec, "body");

      reply = text_reply (status ? status : 200, guess_inline_type (body), body);
    }
  else if (status >= 400)
    reply = error_reply (self, req->family, status, error);
  else
    reply = default_reply (self, req, error);
  if (reply == NULL)
    return NULL;

  if (status != 0 && status != reply->status)
    {
      reply->status = status;
      g_clear_pointer (&reply->reason, g_free);
    }
  if (json_object_has_member (spec, "reason"))
    {
      g_free (reply->reason);
      reply->reason = g_strdup (json_object_get_string_member (spec, "reason"));
    }

  if (json_object_get_boolean_member_with_default (spec, "compact", FALSE) ||
      json_object_get_boolean_member_with_default (spec, "ndjson", FALSE))
    {
      gboolean ndjson = json_object_get_boolean_member_with_default (spec, "ndjson", FALSE);
      g_autoptr (GPtrArray) values = compact_json_values (g_bytes_get_data (reply->body, NULL),
                                                          g_bytes_get_size (reply->body), error);
      g_autoptr (GBytes) body = NULL;

      if (values == NULL)
        return NULL;
      body = join_values (values, ndjson);
      reply_set_body (reply, body);
      if (ndjson)
        reply_set_header (reply, "Content-Type", OLLAMA_NDJSON_TYPE);
    }

  if ((member = json_object_get_member (spec, "headers")) != NULL)
    {
      JsonObject *headers = json_node_get_object (member);
      g_autoptr (GList) names = json_object_get_members (headers);

      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (headers, l->data);

          if (JSON_NODE_HOLDS_NULL (value))
            reply_remove_header (reply, l->data);
          else if (json_node_get_value_type (value) == G_TYPE_STRING)
            reply_set_header (reply, l->data, json_node_get_string (value));
          else
            {
              g_autofree char *text = json_to_string (value, FALSE);
              reply_set_header (reply, l->data, text);
            }
        }
    }

  if ((member = json_object_get_member (spec, "retry_after")) != NULL)
    {
      g_autofree char *value = json_node_get_value_type (member) == G_TYPE_INT64
                                   ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member))
                                   : g_strdup (json_node_get_string (member));

      if (*value == '\0')
        reply_remove_header (reply, "Retry-After");
      else
        reply_set_header (reply, "Retry-After", value);
    }

  if (json_object_has_member (spec, "encoding"))
    {
      const char *encoding = json_object_get_string_member (spec, "encoding");

      if (g_str_equal (encoding, "chunked"))
        reply->encoding = ENCODING_CHUNKED;
      else if (g_str_equal (encoding, "content-length"))
        reply->encoding = ENCODING_CONTENT_LENGTH;
      else
        reply->encoding = ENCODING_EOF;
    }

  if (json_object_get_boolean_member_with_default (spec, "garbage", FALSE))
    {
      g_autoptr (GBytes) garbage = make_garbage ((gsize) json_int (spec, "garbage_bytes", DEFAULT_GARBAGE_BYTES),
                                                 (guint32) json_int (spec, "seed", 1),
                                                 reply_get_header (reply, "Content-Type"));
      reply_set_body (reply, garbage);
    }

  len = g_bytes_get_size (reply->body);
  reply->delay_ms = (guint) json_int (spec, "delay_ms", 0);
  reply->delay_headers_ms = (guint) json_int (spec, "delay_headers_ms", 0);
  reply->stall_max_ms = (guint) json_int (spec, "stall_ms", DEFAULT_STALL_MAX_MS);
  if (json_object_has_member (spec, "stall_after"))
    reply->stall_after = MIN (json_int (spec, "stall_after", 0), (gint64) len);
  if (json_object_has_member (spec, "reset_after"))
    reply->reset_after = MIN (json_int (spec, "reset_after", 0), (gint64) len);

  /* Every write boundary: each chunk, each split, and the stall and reset points. */
  reply->cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  chunk = json_int (spec, "chunk", 0);
  if (chunk > 0)
    for (gsize at = (gsize) chunk; at < len; at += (gsize) chunk)
      g_array_append_val (reply->cuts, at);
  if ((member = json_object_get_member (spec, "split_at")) != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (member))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
          {
            gint64 at = json_array_get_int_element (json_node_get_array (member), i);
            if (at > 0 && (gsize) at < len)
              g_array_append_val (reply->cuts, at);
          }
      else if (json_node_get_int (member) > 0 && (gsize) json_node_get_int (member) < len)
        {
          gsize at = (gsize) json_node_get_int (member);
          g_array_append_val (reply->cuts, at);
        }
    }
  if (reply->stall_after > 0 && (gsize) reply->stall_after < len)
    {
      gsize at = (gsize) reply->stall_after;
      g_array_append_val (reply->cuts, at);
    }
  if (reply->reset_after > 0 && (gsize) reply->reset_after < len)
    {
      gsize at = (gsize) reply->reset_after;
      g_array_append_val (reply->cuts, at);
    }

  return g_steal_pointer (&reply);
}

/* Sending */

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  gsize x = *(const gsize *) a;
  gsize y = *(const gsize *) b;

  return x < y ? -1 : x > y;
}

static void
reply_finish_cuts (Reply *reply)
{
  gsize len = g_bytes_get_size (reply->body);
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (gsize));

  if (reply->cuts == NULL)
    reply->cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  if (len > 0)
    g_array_append_val (reply->cuts, len);
  g_array_sort (reply->cuts, compare_offsets);
  for (guint i = 0; i < reply->cuts->len; i++)
    {
      gsize at = g_array_index (reply->cuts, gsize, i);

      if (sorted->len == 0 || g_array_index (sorted, gsize, sorted->len - 1) != at)
        g_array_append_val (sorted, at);
    }
  g_array_unref (reply->cuts);
  reply->cuts = g_steal_pointer (&sorted);
}

static gboolean
reply_holds_end (Reply *reply)
{
  gint64 len = (gint64) g_bytes_get_size (reply->body);

  return reply->stall_after == len || reply->reset_after == len;
}

static void
transfer_free (Transfer *t)
{
  t->self->transfers = g_list_remove (t->self->transfers, t);
  g_clear_handle_id (&t->timeout_id, g_source_remove);
  g_clear_signal_handler (&t->wrote_headers_id, t->msg);
  g_clear_signal_handler (&t->wrote_chunk_id, t->msg);
  g_clear_signal_handler (&t->finished_id, t->msg);
  g_clear_object (&t->socket);
  g_clear_object (&t->msg);
  reply_free (t->reply);
  g_free (t);
}

static void
transfer_append_next (Transfer *t)
{
  SoupMessageBody *body = soup_server_message_get_response_body (t->msg);
  gsize            len = g_bytes_get_size (t->reply->body);
  gsize            end = g_array_index (t->reply->cuts, gsize, t->next_cut);
  g_autoptr (GBytes) piece = g_bytes_new_from_bytes (t->reply->body, t->sent, end - t->sent);

  t->next_cut++;
  t->sent = end;
  t->write_pending = TRUE;
  soup_message_body_append_bytes (body, piece);
  if (end == len && !reply_holds_end (t->reply))
    soup_message_body_complete (body);
}

/* Ends the connection with a TCP reset, the way a crashed proxy or a dropped route does. */
static gboolean
transfer_reset_cb (gpointer data)
{
  Transfer *t = data;
  g_autoptr (SoupServerMessage) msg = g_object_ref (t->msg);
  g_autoptr (GSocket) socket = t->socket ? g_object_ref (t->socket) : NULL;
  g_autoptr (GIOStream) stream = NULL;
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  t->timeout_id = 0;
  if (t->self->verbose)
    g_printerr ("adiuva-test-provider: reset after %" G_GSIZE_FORMAT " body bytes\n", t->sent);

  /*
   * The socket goes first: stealing disposes libsoup's body stream, and a chunked one would
   * write its terminating chunk on the way out, turning the cut into a complete response.
   * Stealing may emit signals on @msg, so the transfer is gone by then.
   */
  transfer_free (t);
  if (socket != NULL)
    {
      /* libsoup looks these up while stealing; asked now, they are cached and the lookup works. */
      soup_server_message_get_local_address (msg);
      soup_server_message_get_remote_address (msg);
      if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
        g_printerr ("adiuva-test-provider: SO_LINGER: %s\n", g_strerror (errno));
      g_socket_close (socket, NULL);
    }
  stream = soup_server_message_steal_connection (msg);
  return G_SOURCE_REMOVE;
}

static gboolean
transfer_piece_cb (gpointer data)
{
  Transfer *t = data;

  t->timeout_id = 0;
  transfer_append_next (t);
  soup_server_message_unpause (t->msg);
  return G_SOURCE_REMOVE;
}

static gboolean
transfer_headers_cb (gpointer data)
{
  Transfer *t = data;

  t->timeout_id = 0;
  soup_server_message_unpause (t->msg);
  return G_SOURCE_REMOVE;
}

/* Decides what follows once everything handed to libsoup so far is on the wire. */
static void
transfer_next (Transfer *t)
{
  Reply *reply = t->reply;

  g_assert (t->timeout_id == 0);

  if (reply->reset_after >= 0 && (gint64) t->sent >= reply->reset_after)
    t->timeout_id = g_timeout_add (RESET_GRACE_MS, transfer_reset_cb, t);
  else if (reply->stall_after >= 0 && (gint64) t->sent >= reply->stall_after)
    t->timeout_id = g_timeout_add (reply->stall_max_ms, transfer_reset_cb, t);
  else if (t->next_cut < reply->cuts->len)
    t->timeout_id = g_timeout_add (reply->delay_ms, transfer_piece_cb, t);
}

static void
transfer_wrote_headers_cb (SoupServerMessage *msg,
                           Transfer          *t)
{
  if (!t->write_pending && t->timeout_id == 0)
    transfer_next (t);
}

static void
transfer_wrote_chunk_cb (SoupServerMessage *msg,
                         Transfer          *t)
{
  if (t->write_pending)
    {
      t->write_pending = FALSE;
      transfer_next (t);
    }
}

static void
transfer_finished_cb (SoupServerMessage *msg,
                      Transfer          *t)
{
  transfer_free (t);
}

static void
set_no_delay (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Without it, small writes after the first wait for the peer's delayed ACK. */
  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static void
send_reply (Server            *self,
            SoupServerMessage *msg,
            Reply             *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody    *body = soup_server_message_get_response_body (msg);
  gsize               len = g_bytes_get_size (reply->body);
  gboolean            faults;
  Transfer           *t;

  reply_finish_cuts (reply);

  if (reply->encoding == ENCODING_AUTO)
    reply->encoding = (reply->recorded_chunked || reply_is_stream (reply)) ? ENCODING_CHUNKED : ENCODING_CONTENT_LENGTH;

  if (reply->reason == NULL && reply->status == 529)
    reply->reason = g_strdup ("Overloaded");
  soup_server_message_set_status (msg, reply->status, reply->reason);
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    soup_message_headers_append (headers, g_ptr_array_index (reply->headers, i), g_ptr_array_index (reply->headers, i + 1));

  switch (reply->encoding)
    {
    case ENCODING_CHUNKED:
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      break;
    case ENCODING_EOF:
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_EOF);
      break;
    case ENCODING_CONTENT_LENGTH:
    case ENCODING_AUTO:
    default:
      soup_message_headers_set_content_length (headers, len);
      break;
    }

  faults = reply->cuts->len > 1 || reply->delay_headers_ms > 0 || reply->stall_after >= 0 || reply->reset_after >= 0;
  if (!faults)
    {
      if (len > 0)
        soup_message_body_append_bytes (body, reply->body);
      soup_message_body_complete (body);
      reply_free (reply);
      return;
    }

  t = g_new0 (Transfer, 1);
  t->self = self;
  t->msg = g_object_ref (msg);
  t->socket = soup_server_message_get_socket (msg) ? g_object_ref (soup_server_message_get_socket (msg)) : NULL;
  t->reply = reply;
  self->transfers = g_list_prepend (self->transfers, t);
  t->wrote_headers_id = g_signal_connect (msg, "wrote-headers", G_CALLBACK (transfer_wrote_headers_cb), t);
  t->wrote_chunk_id = g_signal_connect (msg, "wrote-chunk", G_CALLBACK (transfer_wrote_chunk_cb), t);
  t->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (transfer_finished_cb), t);

  if (len == 0 && !reply_holds_end (reply))
    soup_message_body_complete (body);

  if (reply->delay_headers_ms > 0)
    {
      soup_server_message_pause (msg);
      t->timeout_id = g_timeout_add (reply->delay_headers_ms, transfer_headers_cb, t);
    }
  else if (reply->stall_after != 0 && reply->reset_after != 0 && reply->cuts->len > 0)
    transfer_append_next (t);
}

/* Recording */

static char *
redact_secret (const char *value)
{
  const char *schemes[] = { "Bearer ", "Basic ", "Token " };
  const char *prefix = "";
  const char *secret = value;
  gsize       len;

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_ascii_strncasecmp (value, schemes[i], strlen (schemes[i])) == 0)
      {
        prefix = schemes[i];
        secret = value + strlen (schemes[i]);
        break;
      }

  len = strlen (secret);
  if (len <= 4)
    return g_strdup_printf ("%.*s****", (int) (secret - value), value);
  return g_strdup_printf ("%.*s****%s", (int) strlen (prefix), value, secret + len - 4);
}

static gboolean
header_is_secret (const char *name)
{
  static const char *const secrets[] = { "Authorization", "x-api-key", "api-key", "x-goog-api-key", "Proxy-Authorization" };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (g_ascii_strcasecmp (name, secrets[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Gemini also takes its key as ?key=… */
static char *
redact_query (const char *query)
{
  g_auto (GStrv) parts = NULL;

  if (query == NULL)
    return NULL;
  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_has_prefix (parts[i], "key="))
      {
        g_autofree char *redacted = redact_secret (parts[i] + strlen ("key="));

        g_free (parts[i]);
        parts[i] = g_strconcat ("key=", redacted, NULL);
      }
  return g_strjoinv ("&", parts);
}

static JsonNode *
describe_request (SoupServerMessage *msg,
                  const char        *path,
                  GBytes            *body)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autofree char *query = redact_query (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_autoptr (JsonNode) json = parse_json_bytes (body);
  SoupMessageHeadersIter iter;
  const char            *name, *value;
  gsize                  len;
  const char            *data = g_bytes_get_data (body, &len);

  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_autofree char *key = g_ascii_strdown (name, -1);
      g_autofree char *shown = header_is_secret (name) ? redact_secret (value) : g_strdup (value);
      const char      *previous = g_hash_table_lookup (seen, key);

      if (previous == NULL)
        {
          g_ptr_array_add (order, g_strdup (key));
          g_hash_table_insert (seen, g_steal_pointer (&key), g_steal_pointer (&shown));
        }
      else
        g_hash_table_insert (seen, g_steal_pointer (&key), g_strconcat (previous, ", ", shown, NULL));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, soup_server_message_get_method (msg));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "query");
  if (query != NULL)
    json_builder_add_string_value (builder, query);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_object (builder);
  for (guint i = 0; i < order->len; i++)
    {
      json_builder_set_member_name (builder, g_ptr_array_index (order, i));
      json_builder_add_string_value (builder, g_hash_table_lookup (seen, g_ptr_array_index (order, i)));
      g_free (g_ptr_array_index (order, i));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "body");
  if (json != NULL)
    json_builder_add_value (builder, g_steal_pointer (&json));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "body_text");
  if (len > 0 && g_utf8_validate (data, len, NULL))
    {
      g_autofree char *text = g_strndup (data, len);
      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "body_size");
  json_builder_add_int_value (builder, (gint64) len);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Control API */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  gsize            len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, g_steal_pointer (&text), len);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, status, node);
}

static void
respond_counts (Server            *self,
                SoupServerMessage *msg,
                gint64             queued)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  if (queued >= 0)
    {
      json_builder_set_member_name (builder, "queued");
      json_builder_add_int_value (builder, queued);
    }
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, g_queue_get_length (&self->steps));
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, self->requests->len);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_script (Server            *self,
               SoupServerMessage *msg,
               GBytes            *body)
{
  g_autoptr (JsonNode) root = parse_json_bytes (body);
  g_autoptr (GPtrArray) steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  g_autoptr (GError) error = NULL;
  JsonArray *list = NULL;

  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    list = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    list = json_object_get_array_member (json_node_get_object (root), "steps");
  if (list == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "POST /__script takes a JSON list of steps");
      return;
    }

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      Step *step = step_new (self, json_array_get_element (list, i), &error);

      if (step == NULL)
        {
          g_autofree char *message = g_strdup_printf ("step %u: %s", i, error->message);
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, message);
          return;
        }
      g_ptr_array_add (steps, step);
    }

  for (guint i = 0; i < steps->len; i++)
    g_queue_push_tail (&self->steps, g_ptr_array_index (steps, i));
  g_ptr_array_set_free_func (steps, NULL);
  respond_counts (self, msg, list ? json_array_get_length (list) : 0);
}

static void
handle_control (Server            *self,
                SoupServerMessage *msg,
                const char        *method,
                const char        *path,
                GBytes            *body)
{
  if (g_str_equal (path, "/__script") && g_str_equal (method, "POST"))
    handle_script (self, msg, body);
  else if (g_str_equal (path, "/__script") && g_str_equal (method, "GET"))
    respond_counts (self, msg, -1);
  else if (g_str_equal (path, "/__requests") && g_str_equal (method, "GET"))
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_sized_new (self->requests->len);

      for (guint i = 0; i < self->requests->len; i++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (self->requests, i)));
      json_node_take_array (node, array);
      respond_json (msg, SOUP_STATUS_OK, node);
    }
  else if (g_str_equal (path, "/__reset") && g_str_equal (method, "POST"))
    {
      g_queue_clear_full (&self->steps, (GDestroyNotify) step_free);
      g_ptr_array_set_size (self->requests, 0);
      respond_counts (self, msg, -1);
    }
  else
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "control API: POST /__script, GET /__script, GET /__requests, POST /__reset");
}

/* Requests */

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Server     *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr (JsonObject) spec = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;
  Request req = { 0 };
  Reply  *reply;

  set_no_delay (msg);

  if (g_str_has_prefix (path, "/__"))
    {
      handle_control (self, msg, method, path, body);
      return;
    }

  g_ptr_array_add (self->requests, describe_request (msg, path, body));

  json = parse_json_bytes (body);
  req.method = method;
  req.path = path;
  req.query = g_uri_get_query (soup_server_message_get_uri (msg));
  req.json = json;
  req.family = family_for_path (path);

  spec = take_step (self, method, path);
  reply = spec ? reply_for_step (self, &req, spec, &error) : default_reply (self, &req, &error);
  if (reply == NULL)
    {
      guint            status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) && spec == NULL && self->fixtures_dir != NULL
                                    ? SOUP_STATUS_NOT_FOUND
                                    : SOUP_STATUS_SERVICE_UNAVAILABLE;
      g_autofree char *message = g_strdup_printf ("adiuva-test-provider: %s", error->message);

      g_printerr ("%s\n", message);
      respond_error (msg, status, message);
      return;
    }

  if (self->verbose)
    g_printerr ("adiuva-test-provider: %s %s -> %u%s\n", method, path, reply->status, spec ? " (scripted)" : "");
  send_reply (self, msg, reply);
}

/* Lifetime */

static gboolean
idle_timeout_cb (gpointer data)
{
  Server *self = data;

  self->idle_id = 0;
  if (self->transfers != NULL)
    {
      self->idle_id = g_timeout_add_seconds (self->idle_timeout_s, idle_timeout_cb, self);
      return G_SOURCE_REMOVE;
    }
  g_printerr ("adiuva-test-provider: idle for %u s, stopping\n", self->idle_timeout_s);
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    Server            *self)
{
  if (self->idle_timeout_s == 0)
    return;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  self->idle_id = g_timeout_add_seconds (self->idle_timeout_s, idle_timeout_cb, self);
}

static gboolean
quit_cb (gpointer data)
{
  Server *self = data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
stdin_cb (int          fd,
          GIOCondition condition,
          gpointer     data)
{
  Server *self = data;
  char    buf[256];
  gssize  n = read (fd, buf, sizeof buf);

  if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)))
    return G_SOURCE_CONTINUE;

  /* The test that started us is gone. */
  self->stdin_id = 0;
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stdin_is_pipe (void)
{
  struct stat st;

  return fstat (STDIN_FILENO, &st) == 0 && (S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode));
}

int
main (int   argc,
      char *argv[])
{
  Server           self = { 0 };
  int              port = 0;
  int              idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
  g_autofree char *fixtures = NULL;
  gboolean         verbose = FALSE;
  GOptionEntry     entries[] = {
        { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 picks a free one)", "N" },
        { "fixtures", 'f', 0, G_OPTION_ARG_FILENAME, &fixtures, "Recorded traffic to replay", "DIR" },
        { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, "Stop after this many seconds without requests (0: never)", "S" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log each request on stderr", NULL },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- replay LLM provider traffic on 127.0.0.1");
  g_autoptr (GError) error = NULL;
  GSList *uris;

  signal (SIGPIPE, SIG_IGN);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("adiuva-test-provider: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535 || idle_timeout < 0)
    {
      g_printerr ("adiuva-test-provider: bad --port or --idle-timeout\n");
      return 2;
    }

  if (fixtures == NULL && g_getenv ("ADIUVA_FIXTURES_DIR") != NULL)
    fixtures = g_strdup (g_getenv ("ADIUVA_FIXTURES_DIR"));
  if (fixtures != NULL && !g_file_test (fixtures, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("adiuva-test-provider: no fixtures directory %s; only scripted inline bodies will work\n", fixtures);
      g_clear_pointer (&fixtures, g_free);
    }

  self.fixtures_dir = g_steal_pointer (&fixtures);
  self.requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self.idle_timeout_s = (guint) idle_timeout;
  self.verbose = verbose;
  g_queue_init (&self.steps);
  self.loop = g_main_loop_new (NULL, FALSE);
  self.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self.server, NULL, handle_cb, &self, NULL);
  g_signal_connect (self.server, "request-started", G_CALLBACK (request_started_cb), &self);

  if (!soup_server_listen_local (self.server, (guint) port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("adiuva-test-provider: cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }
  uris = soup_server_get_uris (self.server);
  g_assert (uris != NULL);
  printf ("listening on http://127.0.0.1:%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_unix_signal_add (SIGTERM, quit_cb, &self);
  g_unix_signal_add (SIGINT, quit_cb, &self);
  if (stdin_is_pipe ())
    self.stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &self);
  if (self.idle_timeout_s > 0)
    self.idle_id = g_timeout_add_seconds (self.idle_timeout_s, idle_timeout_cb, &self);

  g_main_loop_run (self.loop);

  g_clear_handle_id (&self.idle_id, g_source_remove);
  g_clear_handle_id (&self.stdin_id, g_source_remove);
  while (self.transfers != NULL)
    transfer_free (self.transfers->data);
  soup_server_disconnect (self.server);
  g_clear_object (&self.server);
  g_queue_clear_full (&self.steps, (GDestroyNotify) step_free);
  g_ptr_array_unref (self.requests);
  g_main_loop_unref (self.loop);
  g_free (self.fixtures_dir);
  return 0;
}
