/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

/* The fake upstream of bench-gateway: an OpenAI chat completions server on 127.0.0.1 that
 * answers every POST at once, in the bytes OpenAI sends (the shapes of the recordings in
 * ../shared/fixtures/openai: a chat.completion body; a chunked text/event-stream with a role
 * chunk, content chunks, a finish chunk, a usage-only chunk and [DONE]). One thread and epoll,
 * so that it is never what a gateway in front of it waits for.
 *
 * A stream sends its role chunk and first token at once, then the rest --gap-us later, as a
 * model does: a gateway that holds the stream back until it ends shows it in the time to first
 * token.
 *
 *   bench-upstream [--port N] [--gap-us N]
 *
 * prints "listening on http://127.0.0.1:PORT" and serves until killed. */

#define ID "chatcmpl-AdiuvaBenchUpstream0000000001"
#define MODEL "gpt-4o-mini-2024-07-18"
#define CHUNK_HEAD                                                                        \
  "data: {\"id\":\"" ID "\",\"object\":\"chat.completion.chunk\",\"created\":1755691077," \
  "\"model\":\"" MODEL "\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_b8bc95a0ac\","
#define DELTA(content)                                                            \
  CHUNK_HEAD "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"}," \
             "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"

static const char completion[] =
    "{\n"
    "  \"id\": \"" ID "\",\n"
    "  \"object\": \"chat.completion\",\n"
    "  \"created\": 1755691077,\n"
    "  \"model\": \"" MODEL "\",\n"
    "  \"choices\": [\n"
    "    {\n"
    "      \"index\": 0,\n"
    "      \"message\": {\n"
    "        \"role\": \"assistant\",\n"
    "        \"content\": \"Hello! How can I help you with your project today?\",\n"
    "        \"refusal\": null,\n"
    "        \"annotations\": []\n"
    "      },\n"
    "      \"logprobs\": null,\n"
    "      \"finish_reason\": \"stop\"\n"
    "    }\n"
    "  ],\n"
    "  \"usage\": {\n"
    "    \"prompt_tokens\": 14,\n"
    "    \"completion_tokens\": 13,\n"
    "    \"total_tokens\": 27,\n"
    "    \"prompt_tokens_details\": {\n"
    "      \"cached_tokens\": 0,\n"
    "      \"audio_tokens\": 0\n"
    "    },\n"
    "    \"completion_tokens_details\": {\n"
    "      \"reasoning_tokens\": 0,\n"
    "      \"audio_tokens\": 0,\n"
    "      \"accepted_prediction_tokens\": 0,\n"
    "      \"rejected_prediction_tokens\": 0\n"
    "    }\n"
    "  },\n"
    "  \"service_tier\": \"default\",\n"
    "  \"system_fingerprint\": \"fp_b8bc95a0ac\"\n"
    "}\n";

static const char stream_first[] =
    CHUNK_HEAD "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
               "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n" DELTA ("Hello");

static const char stream_rest[] =
    DELTA ("!") DELTA (" How") DELTA (" can") DELTA (" I") DELTA (" help") DELTA (" you")
        DELTA (" with") DELTA (" your") DELTA (" project") DELTA (" today") DELTA ("?")
            CHUNK_HEAD "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                       "\"finish_reason\":\"stop\"}],\"usage\":null}\n\n" CHUNK_HEAD "\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":13,"
                       "\"total_tokens\":27,\"prompt_tokens_details\":{\"cached_tokens\":0,"
                       "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
                       "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                       "\"rejected_prediction_tokens\":0}}}\n\n"
                       "data: [DONE]\n\n";

#define RESPONSE_HEADERS                                   \
  "Date: Wed, 20 Aug 2025 11:57:57 GMT\r\n"                \
  "openai-organization: user-bench\r\n"                    \
  "openai-processing-ms: 1\r\n"                            \
  "openai-version: 2020-10-01\r\n"                         \
  "x-request-id: req_0123456789abcdef0123456789abcdef\r\n" \
  "x-ratelimit-limit-requests: 10000\r\n"                  \
  "x-ratelimit-remaining-requests: 9999\r\n"

typedef struct
{
  int      fd;
  GString *in;
  GString *out;
  gsize    out_done;
  gint64   rest_due; /* when the rest of a stream goes out, or 0 */
  gboolean polling_out;
} Conn;

static GString *completion_response;
static GString *stream_head;
static GString *stream_tail;
static gint64   gap_us = 2000;
static GQueue   waiting = G_QUEUE_INIT; /* Conn *, streams waiting for their rest, by due time */

static void
append_chunk (GString    *out,
              const char *data,
              gsize       len)
{
  g_string_append_printf (out, "%zx\r\n", len);
  g_string_append_len (out, data, len);
  g_string_append (out, "\r\n");
}

static void
build_responses (void)
{
  completion_response = g_string_new ("HTTP/1.1 200 OK\r\n"
                                      "Content-Type: application/json\r\n" RESPONSE_HEADERS);
  g_string_append_printf (completion_response, "Content-Length: %zu\r\n\r\n",
                          sizeof completion - 1);
  g_string_append_len (completion_response, completion, sizeof completion - 1);

  stream_head = g_string_new ("HTTP/1.1 200 OK\r\n"
                              "Content-Type: text/event-stream; charset=utf-8\r\n"
                              "Transfer-Encoding: chunked\r\n" RESPONSE_HEADERS "\r\n");
  append_chunk (stream_head, stream_first, sizeof stream_first - 1);

  stream_tail = g_string_new (NULL);
  append_chunk (stream_tail, stream_rest, sizeof stream_rest - 1);
  g_string_append (stream_tail, "0\r\n\r\n");
}

static void
conn_close (int   epoll_fd,
            Conn *conn)
{
  epoll_ctl (epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
  close (conn->fd);
  g_queue_remove (&waiting, conn);
  g_string_free (conn->in, TRUE);
  g_string_free (conn->out, TRUE);
  g_free (conn);
}

static gboolean
poll_out (int      epoll_fd,
          Conn    *conn,
          gboolean out)
{
  struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = conn };

  if (conn->polling_out != out)
    {
      conn->polling_out = out;
      epoll_ctl (epoll_fd, EPOLL_CTL_MOD, conn->fd, &ev);
    }
  return TRUE;
}

/* Writes what it can; FALSE when the connection is gone. */
static gboolean
conn_flush (int   epoll_fd,
            Conn *conn)
{
  while (conn->out_done < conn->out->len)
    {
      ssize_t n = send (conn->fd, conn->out->str + conn->out_done,
                        conn->out->len - conn->out_done, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return poll_out (epoll_fd, conn, TRUE);
      if (n <= 0)
        return FALSE;
      conn->out_done += n;
    }

  g_string_truncate (conn->out, 0);
  conn->out_done = 0;
  return poll_out (epoll_fd, conn, FALSE);
}

static const char *
find_header_end (const GString *in)
{
  const char *end = g_strstr_len (in->str, in->len, "\r\n\r\n");

  return end != NULL ? end + 4 : NULL;
}

/* The length of the first complete request in @in, or 0 while it is incomplete. Bodies come
 * with a Content-Length or chunked, as clients send them. */
static gsize
complete_request_len (const GString *in)
{
  const char      *body = find_header_end (in);
  g_autofree char *head = NULL;
  const char      *field;
  gsize            head_len;

  if (body == NULL)
    return 0;
  head_len = body - in->str;
  head = g_ascii_strdown (in->str, head_len);

  if (strstr (head, "\r\ntransfer-encoding: chunked") != NULL)
    {
      const char *last = g_strstr_len (body, in->len - head_len, "\r\n0\r\n\r\n");

      if (last == NULL && in->len - head_len >= 5 && memcmp (body, "0\r\n\r\n", 5) == 0)
        return head_len + 5;
      return last != NULL ? (gsize) (last + 7 - in->str) : 0;
    }

  field = strstr (head, "\r\ncontent-length:");
  if (field != NULL)
    {
      gsize length = g_ascii_strtoull (field + 17, NULL, 10);

      return in->len - head_len >= length ? head_len + length : 0;
    }
  return head_len;
}

static gboolean
wants_stream (const char *request,
              gsize       len)
{
  return g_strstr_len (request, len, "\"stream\":true") != NULL ||
         g_strstr_len (request, len, "\"stream\": true") != NULL;
}

static void
queue_rest (Conn *conn)
{
  conn->rest_due = g_get_monotonic_time () + gap_us;
  g_queue_push_tail (&waiting, conn); /* every gap is the same: the queue stays in order */
}

/* Answers each complete request, in order; a stream's rest waits for its gap first. */
static gboolean
conn_serve (int   epoll_fd,
            Conn *conn)
{
  gsize len;

  while (conn->rest_due == 0 && (len = complete_request_len (conn->in)) > 0)
    {
      if (wants_stream (conn->in->str, len))
        {
          g_string_append_len (conn->out, stream_head->str, stream_head->len);
          queue_rest (conn);
        }
      else
        g_string_append_len (conn->out, completion_response->str, completion_response->len);
      g_string_erase (conn->in, 0, len);
    }

  return conn_flush (epoll_fd, conn);
}

static gboolean
conn_read (int   epoll_fd,
           Conn *conn)
{
  char buffer[16384];

  for (;;)
    {
      ssize_t n = recv (conn->fd, buffer, sizeof buffer, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n <= 0)
        return FALSE;
      g_string_append_len (conn->in, buffer, n);
    }

  return conn_serve (epoll_fd, conn);
}

static void
send_due_rests (int epoll_fd)
{
  gint64 now = g_get_monotonic_time ();
  Conn  *conn;

  while ((conn = g_queue_peek_head (&waiting)) != NULL && conn->rest_due <= now)
    {
      g_queue_pop_head (&waiting);
      conn->rest_due = 0;
      g_string_append_len (conn->out, stream_tail->str, stream_tail->len);
      if (!conn_serve (epoll_fd, conn))
        conn_close (epoll_fd, conn);
    }
}

static int
next_timeout_ms (void)
{
  Conn  *conn = g_queue_peek_head (&waiting);
  gint64 wait;

  if (conn == NULL)
    return -1;
  wait = conn->rest_due - g_get_monotonic_time ();
  return wait <= 0 ? 0 : (int) ((wait + 999) / 1000);
}

static int
listen_on (guint16 port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  socklen_t          address_len = sizeof address;
  int                fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int                one = 1;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) < 0 || listen (fd, 512) < 0 ||
      getsockname (fd, (struct sockaddr *) &address, &address_len) < 0)
    {
      g_printerr ("bench-upstream: cannot listen on port %u: %s\n", port, g_strerror (errno));
      return -1;
    }

  printf ("listening on http://127.0.0.1:%u\n", ntohs (address.sin_port));
  fflush (stdout);
  return fd;
}

static void
accept_all (int epoll_fd,
            int listen_fd)
{
  int fd;

  while ((fd = accept4 (listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
    {
      Conn              *conn = g_new0 (Conn, 1);
      struct epoll_event ev = { .events = EPOLLIN, .data.ptr = conn };
      int                one = 1;

      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      conn->fd = fd;
      conn->in = g_string_sized_new (4096);
      conn->out = g_string_sized_new (4096);
      epoll_ctl (epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    }
}

int
main (int   argc,
      char *argv[])
{
  int                port = 0;
  int                listen_fd;
  int                epoll_fd;
  struct epoll_event listen_ev = { .events = EPOLLIN, .data.ptr = NULL };
  g_autoptr (GOptionContext) context = g_option_context_new ("- a fast fake OpenAI upstream");
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any)", "N" },
    { "gap-us", 0, 0, G_OPTION_ARG_INT64, &gap_us, "Microseconds between a stream's first "
                                                   "token and the rest",
      "N" },
    { NULL }
  };
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-upstream: %s\n", error->message);
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);

  build_responses ();
  listen_fd = listen_on (port);
  if (listen_fd < 0)
    return 1;
  epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  epoll_ctl (epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen_ev);

  for (;;)
    {
      struct epoll_event events[64];
      int                n = epoll_wait (epoll_fd, events, G_N_ELEMENTS (events), next_timeout_ms ());

      for (int i = 0; i < n; i++)
        {
          Conn *conn = events[i].data.ptr;

          if (conn == NULL)
            accept_all (epoll_fd, listen_fd);
          else if (!conn_read (epoll_fd, conn))
            conn_close (epoll_fd, conn);
        }
      send_due_rests (epoll_fd);
    }
}
