/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

/* The gateway overhead benchmark of the gateway issue. One fake OpenAI upstream
 * (bench-upstream) reached three ways by the same load generator (below: keep-alive
 * connections, epoll, one request in flight per connection):
 *
 *   direct    the upstream itself
 *   floor     bench-soup-proxy: POSTs passed through a SoupServer and a SoupSession as they
 *             are, the least a gateway on libsoup can add; what adiuva adds beyond it is ours
 *   adiuva    `adiuva-cli gateway serve` (AdiuvaLoopbackServer) with the upstream as its
 *             OpenAI provider
 *   portkey   the Portkey AI gateway (@portkey-ai/gateway from npm, tests/bench/npm) with the
 *             upstream as its custom OpenAI host; skipped, saying why, without node, npm or
 *             the npm registry
 *
 * and one table: the latency each gateway adds to non-streamed requests (p50, p99), the time to
 * first token it adds to streams, requests per second at concurrency 1 and 32, each gateway's
 * peak RSS, our figures against Portkey's and the issue's targets.
 *
 *   bench-gateway [--strict] ADIUVA_CLI BENCH_UPSTREAM BENCH_SOUP_PROXY NPM_CI NPM_SOURCE_DIR
 *                 NPM_BUILD_DIR
 *
 * (NPM_CI is tests/npm-ci.sh, which installs tests/bench/npm into NPM_BUILD_DIR).
 *
 * Run it under build-aux/test-env --keyring (adiuva-cli keeps the provider key and the
 * endpoint's token in the keyring); ADIUVA_BENCH_SHORT=1 runs a few hundred requests only. */

#define BENCH_ERROR (g_quark_from_static_string ("bench-error"))
#define UPSTREAM_KEY "sk-bench-upstream-0000000000000000"
#define MODEL "gpt-4o-mini"
#define WIDE_CONCURRENCY 32

typedef struct
{
  const char  *name;
  guint16      port;
  char        *path;
  char        *headers; /* extra request headers, each ending in \r\n */
  char        *model;
  GSubprocess *process; /* the gateway, for its peak RSS; NULL for the upstream */
} Target;

typedef struct
{
  GArray *latency_us; /* double, of each measured request */
  GArray *ttft_us;    /* double, of each measured stream */
  double  per_second;
} Samples;

typedef struct
{
  gboolean ok;
  double   lat_p50, lat_p99; /* ms, non-streamed, concurrency 1 */
  double   ttft_p50, ttft_p99;
  double   rps_1, rps_wide;
  double   rss_mib;
} Figures;

typedef struct
{
  guint n_single;  /* non-streamed requests at concurrency 1 */
  guint n_wide;    /* non-streamed requests at concurrency 32 */
  guint n_streams; /* streams at concurrency 1 */
  guint n_warmup;  /* of each kind, before measuring */
  guint gap_us;    /* between a stream's first token and the rest, upstream */
} Scale;

/* The load generator */

typedef enum
{
  READ_HEAD,
  READ_LENGTH,
  READ_CHUNK_SIZE,
  READ_CHUNK_DATA,
  READ_CHUNK_END,
  READ_TRAILER,
} ReadState;

typedef struct
{
  int       fd;
  GString  *in;   /* bytes received, not consumed yet */
  GString  *body; /* the response body, de-chunked */
  gsize     sent;
  gsize     remaining; /* of a Content-Length body or of a chunk */
  gsize     scanned;   /* of body, searched for the first token */
  ReadState state;
  gint64    started;
  gint64    first_token;
  gboolean  measured;
  gboolean  busy;
} Client;

typedef struct
{
  const Target *target;
  GString      *request;
  gboolean      stream;
  guint         to_issue;
  guint         to_finish;
  guint         warmup; /* the first requests issued are not measured */
  guint         issued;
  Samples      *samples;
  int           epoll_fd;
  GError       *error;
} Load;

static GString *
build_request (const Target *target,
               gboolean      stream)
{
  g_autofree char *body = g_strdup_printf (
      "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
      "assistant.\"},{\"role\":\"user\",\"content\":\"Say hello.\"}],\"max_tokens\":64%s}",
      target->model, stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "");
  GString *request = g_string_new (NULL);

  g_string_printf (request,
                   "POST %s HTTP/1.1\r\n"
                   "Host: 127.0.0.1:%u\r\n"
                   "User-Agent: adiuva-bench-gateway\r\n"
                   "Accept: %s\r\n"
                   "Content-Type: application/json\r\n"
                   "Content-Length: %zu\r\n"
                   "%s"
                   "\r\n%s",
                   target->path, target->port, stream ? "text/event-stream" : "application/json",
                   strlen (body), target->headers, body);
  return request;
}

static int
connect_to (guint16  port,
            GError **error)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  int                fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int                one = 1;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) < 0)
    {
      g_set_error (error, BENCH_ERROR, 0, "Cannot connect to 127.0.0.1:%u: %s", port,
                   g_strerror (errno));
      close (fd);
      return -1;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  return fd;
}

static void
load_fail (Load       *load,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
load_fail (Load       *load,
           const char *format,
           ...)
{
  va_list args;

  if (load->error != NULL)
    return;
  va_start (args, format);
  load->error = g_error_new_valist (BENCH_ERROR, 0, format, args);
  va_end (args);
}

static void
client_issue (Load   *load,
              Client *client)
{
  if (load->to_issue == 0)
    {
      client->busy = FALSE;
      return;
    }

  load->to_issue--;
  client->measured = load->issued++ >= load->warmup;
  client->busy = TRUE;
  client->sent = 0;
  client->state = READ_HEAD;
  client->scanned = 0;
  client->first_token = 0;
  g_string_truncate (client->body, 0);
  client->started = g_get_monotonic_time ();

  while (client->sent < load->request->len)
    {
      ssize_t n = send (client->fd, load->request->str + client->sent,
                        load->request->len - client->sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          load_fail (load, "%s: sending a request failed: %s", load->target->name,
                     n < 0 ? g_strerror (errno) : "connection closed");
          return;
        }
      client->sent += n;
    }
}

/* The first content token of a stream: "content":"X with X not the closing quote (the role
 * chunk's content is empty). */
static void
scan_first_token (Client *client)
{
  static const char needle[] = "\"content\":\"";
  const char       *p;

  while (client->scanned + sizeof needle <= client->body->len)
    {
      p = g_strstr_len (client->body->str + client->scanned,
                        client->body->len - client->scanned, needle);
      if (p == NULL)
        {
          client->scanned = client->body->len - (sizeof needle - 1);
          return;
        }
      client->scanned = p - client->body->str + 1;
      if ((gsize) (p - client->body->str) + sizeof needle - 1 < client->body->len &&
          p[sizeof needle - 1] != '"')
        {
          client->first_token = g_get_monotonic_time ();
          return;
        }
    }
}

static void
take_body (Client *client,
           gsize   len)
{
  g_string_append_len (client->body, client->in->str, len);
  g_string_erase (client->in, 0, len);
}

static const char *
find_line_end (GString *in)
{
  return g_strstr_len (in->str, in->len, "\r\n");
}

/* Reads the response head; FALSE on a response that is not a 200. */
static gboolean
read_head (Load   *load,
           Client *client)
{
  const char      *end = g_strstr_len (client->in->str, client->in->len, "\r\n\r\n");
  g_autofree char *head = NULL;
  const char      *field;

  if (end == NULL)
    return TRUE;
  head = g_ascii_strdown (client->in->str, end + 4 - client->in->str);
  g_string_erase (client->in, 0, end + 4 - client->in->str);

  if (!g_str_has_prefix (head, "http/1.1 200 "))
    {
      g_autofree char *line = g_strndup (head, strcspn (head, "\r"));

      load_fail (load, "%s answered “%s”%s", load->target->name, line,
                 client->in->len > 0 ? ":" : "");
      if (client->in->len > 0)
        g_printerr ("%.*s\n", (int) MIN (client->in->len, 600), client->in->str);
      return FALSE;
    }

  if (strstr (head, "\r\ntransfer-encoding: chunked") != NULL)
    client->state = READ_CHUNK_SIZE;
  else if ((field = strstr (head, "\r\ncontent-length:")) != NULL)
    {
      client->state = READ_LENGTH;
      client->remaining = g_ascii_strtoull (field + 17, NULL, 10);
    }
  else
    {
      load_fail (load, "%s answered without a length or chunks", load->target->name);
      return FALSE;
    }
  return TRUE;
}

static void
client_done (Load   *load,
             Client *client)
{
  gint64 now = g_get_monotonic_time ();

  if (client->measured)
    {
      double latency = now - client->started;
      double ttft = (client->first_token != 0 ? client->first_token : now) - client->started;

      if (load->stream && client->first_token == 0)
        load_fail (load, "%s sent a stream without a content token", load->target->name);
      g_array_append_val (load->samples->latency_us, latency);
      if (load->stream)
        g_array_append_val (load->samples->ttft_us, ttft);
    }
  load->to_finish--;
  client_issue (load, client);
}

/* Parses what arrived; loops while a step makes progress. */
static void
client_parse (Load   *load,
              Client *client)
{
  for (;;)
    {
      const char *line_end;

      if (load->error != NULL || !client->busy)
        return;

      switch (client->state)
        {
        case READ_HEAD:
          if (!read_head (load, client) || client->state == READ_HEAD)
            return;
          break;

        case READ_LENGTH:
          {
            gsize n = MIN (client->remaining, client->in->len);

            take_body (client, n);
            client->remaining -= n;
            if (client->remaining > 0)
              return;
            client_done (load, client);
          }
          break;

        case READ_CHUNK_SIZE:
          if ((line_end = find_line_end (client->in)) == NULL)
            return;
          client->remaining = g_ascii_strtoull (client->in->str, NULL, 16);
          g_string_erase (client->in, 0, line_end + 2 - client->in->str);
          client->state = client->remaining > 0 ? READ_CHUNK_DATA : READ_TRAILER;
          break;

        case READ_CHUNK_DATA:
          {
            gsize n = MIN (client->remaining, client->in->len);

            if (n == 0)
              return;
            take_body (client, n);
            client->remaining -= n;
            if (load->stream && client->first_token == 0)
              scan_first_token (client);
            if (client->remaining == 0)
              client->state = READ_CHUNK_END;
          }
          break;

        case READ_CHUNK_END:
          if (client->in->len < 2)
            return;
          g_string_erase (client->in, 0, 2);
          client->state = READ_CHUNK_SIZE;
          break;

        case READ_TRAILER:
          if ((line_end = find_line_end (client->in)) == NULL)
            return;
          {
            gboolean last = line_end == client->in->str;

            g_string_erase (client->in, 0, line_end + 2 - client->in->str);
            if (last)
              client_done (load, client);
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

static void
client_read (Load   *load,
             Client *client)
{
  char buffer[65536];

  for (;;)
    {
      ssize_t n = recv (client->fd, buffer, sizeof buffer, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n <= 0)
        {
          load_fail (load, "%s closed a keep-alive connection%s%s", load->target->name,
                     n < 0 ? ": " : "", n < 0 ? g_strerror (errno) : "");
          return;
        }
      g_string_append_len (client->in, buffer, n);
    }

  client_parse (load, client);
}

/* @n_requests measured after @warmup not measured, over @concurrency connections. */
static gboolean
run_load (const Target *target,
          gboolean      stream,
          guint         concurrency,
          guint         warmup,
          guint         n_requests,
          Samples      *samples,
          GError      **error)
{
  g_autofree Client *clients = g_new0 (Client, concurrency);
  Load               load = { 0 };
  gint64             started = 0;
  gint64             measured_from = 0;
  gboolean           ok = TRUE;

  load.target = target;
  load.request = build_request (target, stream);
  load.stream = stream;
  load.to_issue = warmup + n_requests;
  load.to_finish = load.to_issue;
  load.warmup = warmup;
  load.samples = samples;
  load.epoll_fd = epoll_create1 (EPOLL_CLOEXEC);

  for (guint i = 0; i < concurrency && ok; i++)
    {
      struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &clients[i] };

      clients[i].fd = connect_to (target->port, error);
      if (clients[i].fd < 0)
        {
          ok = FALSE;
          break;
        }
      clients[i].in = g_string_sized_new (65536);
      clients[i].body = g_string_sized_new (8192);
      epoll_ctl (load.epoll_fd, EPOLL_CTL_ADD, clients[i].fd, &ev);
    }

  started = g_get_monotonic_time ();
  for (guint i = 0; i < concurrency && ok; i++)
    client_issue (&load, &clients[i]);

  while (ok && load.error == NULL && load.to_finish > 0)
    {
      struct epoll_event events[64];
      int                n = epoll_wait (load.epoll_fd, events, G_N_ELEMENTS (events), 30000);

      if (n == 0)
        load_fail (&load, "%s did not answer for 30 s", target->name);
      for (int i = 0; i < n && load.error == NULL; i++)
        client_read (&load, events[i].data.ptr);
      /* Throughput counts from when the warm-up was over. */
      if (measured_from == 0 && load.issued > warmup)
        measured_from = g_get_monotonic_time ();
    }
  if (measured_from == 0)
    measured_from = started;
  samples->per_second = n_requests / ((g_get_monotonic_time () - measured_from) / 1e6);

  for (guint i = 0; i < concurrency; i++)
    {
      if (clients[i].fd > 0)
        close (clients[i].fd);
      if (clients[i].in != NULL)
        g_string_free (clients[i].in, TRUE);
      if (clients[i].body != NULL)
        g_string_free (clients[i].body, TRUE);
    }
  close (load.epoll_fd);
  g_string_free (load.request, TRUE);

  if (ok && load.error != NULL)
    {
      g_propagate_error (error, load.error);
      ok = FALSE;
    }
  g_clear_error (&load.error);
  return ok;
}

/* Figures */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* In milliseconds. */
static double
percentile_ms (GArray *values,
               double  fraction)
{
  guint index;

  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  index = MIN (values->len - 1, (guint) ceil (fraction * values->len) - (fraction > 0 ? 1 : 0));
  return g_array_index (values, double, index) / 1000.0;
}

static double
peak_rss_mib (GSubprocess *process)
{
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  const char      *line;

  if (process == NULL || g_subprocess_get_identifier (process) == NULL)
    return NAN;
  path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  if (!g_file_get_contents (path, &status, NULL, NULL) ||
      (line = strstr (status, "\nVmHWM:")) == NULL)
    return NAN;
  return g_ascii_strtod (line + 7, NULL) / 1024.0;
}

/* The upstream is measured before and after the gateways, and its better figures kept: a
 * hiccup of a shared machine in one run would otherwise show up as latency a gateway took
 * away. */
static void
keep_best (Figures       *best,
           const Figures *again)
{
  best->lat_p50 = MIN (best->lat_p50, again->lat_p50);
  best->lat_p99 = MIN (best->lat_p99, again->lat_p99);
  best->ttft_p50 = MIN (best->ttft_p50, again->ttft_p50);
  best->ttft_p99 = MIN (best->ttft_p99, again->ttft_p99);
  best->rps_1 = MAX (best->rps_1, again->rps_1);
  best->rps_wide = MAX (best->rps_wide, again->rps_wide);
}

static gboolean
measure (const Target *target,
         const Scale  *scale,
         Figures      *figures,
         GError      **error)
{
  Samples  single = { g_array_new (FALSE, FALSE, sizeof (double)),
                      g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  Samples  wide = { g_array_new (FALSE, FALSE, sizeof (double)),
                    g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  Samples  streams = { g_array_new (FALSE, FALSE, sizeof (double)),
                       g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  gboolean ok;

  /* Streams before the burst at concurrency 32: libsoup checks every idle connection of its
   * pool before each request, and after the burst the pool holds many. */
  g_printerr ("  %s: %u requests at concurrency 1…\n", target->name, scale->n_single);
  ok = run_load (target, FALSE, 1, scale->n_warmup, scale->n_single, &single, error);
  if (ok)
    {
      g_printerr ("  %s: %u streams at concurrency 1…\n", target->name, scale->n_streams);
      ok = run_load (target, TRUE, 1, scale->n_warmup, scale->n_streams, &streams, error);
    }
  if (ok)
    {
      g_printerr ("  %s: %u requests at concurrency %u…\n", target->name, scale->n_wide,
                  WIDE_CONCURRENCY);
      ok = run_load (target, FALSE, WIDE_CONCURRENCY, scale->n_warmup, scale->n_wide, &wide,
                     error);
    }

  if (ok)
    {
      figures->ok = TRUE;
      figures->lat_p50 = percentile_ms (single.latency_us, 0.50);
      figures->lat_p99 = percentile_ms (single.latency_us, 0.99);
      figures->ttft_p50 = percentile_ms (streams.ttft_us, 0.50);
      figures->ttft_p99 = percentile_ms (streams.ttft_us, 0.99);
      figures->rps_1 = single.per_second;
      figures->rps_wide = wide.per_second;
      figures->rss_mib = peak_rss_mib (target->process);
    }

  for (guint i = 0; i < 2; i++)
    {
      Samples *all[] = { &single, &wide, &streams };

      for (guint j = 0; j < G_N_ELEMENTS (all); j++)
        g_array_unref (i == 0 ? all[j]->latency_us : all[j]->ttft_us);
    }
  return ok;
}

/* The processes */

/* The rest of the first line of @stream's output that starts with @prefix. */
static char *
read_line_with (GSubprocess *process,
                const char  *prefix,
                GError     **error)
{
  g_autoptr (GDataInputStream) lines =
      g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  char *line;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error)) != NULL)
    {
      if (g_str_has_prefix (line, prefix))
        {
          char *rest = g_strdup (line + strlen (prefix));

          g_free (line);
          return rest;
        }
      g_free (line);
    }
  if (error != NULL && *error == NULL)
    g_set_error (error, BENCH_ERROR, 0, "The program ended without printing “%s”", prefix);
  return NULL;
}

static guint16
port_of_url (const char *url)
{
  const char *colon = strrchr (url, ':');

  return colon != NULL ? (guint16) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
}

static gboolean
run_cli (const char *cli,
         const char *data_dir,
         GError    **error,
         ...)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "BENCH_UPSTREAM_KEY", UPSTREAM_KEY, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  return process != NULL && g_subprocess_wait_check (process, NULL, error);
}

/* Starts a program that prints "listening on URL" and gives the port of URL. */
static GSubprocess *
start_listener (const char *const *argv,
                guint16           *port,
                GError           **error)
{
  g_autoptr (GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                       error);
  g_autofree char *url = NULL;

  if (process == NULL || (url = read_line_with (process, "listening on ", error)) == NULL)
    return NULL;
  *port = port_of_url (url);
  return g_steal_pointer (&process);
}

static GSubprocess *
start_adiuva (const char *cli,
              const char *data_dir,
              guint16     upstream_port,
              Target     *target,
              GError    **error)
{
  g_autofree char *base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", upstream_port);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  JsonObject      *object;

  if (!run_cli (cli, data_dir, error, "init", NULL) ||
      !run_cli (cli, data_dir, error, "provider", "add", "up", "--kind", "openai", "--base-url",
                base_url, "--api-key-env", "BENCH_UPSTREAM_KEY", NULL))
    return NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, cli, "--json", "--data-dir",
                              data_dir, "gateway", "serve", "--show-token", NULL);
  if (process == NULL || (line = read_line_with (process, "{", error)) == NULL)
    return NULL;
  {
    g_autofree char *json = g_strconcat ("{", line, NULL);

    if (!json_parser_load_from_data (parser, json, -1, error))
      return NULL;
  }
  object = json_node_get_object (json_parser_get_root (parser));
  target->port = port_of_url (json_object_get_string_member (object, "url"));
  g_free (target->headers);
  target->headers = g_strdup_printf ("Authorization: Bearer %s\r\n",
                                     json_object_get_string_member (object, "token"));
  return g_steal_pointer (&process);
}

static guint16
free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t          len = sizeof address;
  int                fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  guint16            port = 0;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) == 0 &&
      getsockname (fd, (struct sockaddr *) &address, &len) == 0)
    port = ntohs (address.sin_port);
  close (fd);
  return port;
}

static char *
describe_portkey (const char *npm_build_dir)
{
  g_autofree char *manifest = g_build_filename (npm_build_dir, "node_modules", "@portkey-ai",
                                                "gateway", "package.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GSubprocess) node = NULL;
  g_autofree char *node_version = NULL;
  const char      *version = "?";

  if (json_parser_load_from_file (parser, manifest, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    version = json_object_get_string_member_with_default (
        json_node_get_object (json_parser_get_root (parser)), "version", "?");
  node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL, "node", "--version", NULL);
  if (node != NULL)
    g_subprocess_communicate_utf8 (node, NULL, NULL, &node_version, NULL, NULL);
  return g_strdup_printf ("%s on node %s", version,
                          node_version != NULL ? g_strstrip (node_version) : "?");
}

/* Installs Portkey with npm and starts it; NULL with *@why set when it cannot run here. */
static GSubprocess *
start_portkey (const char *npm_install,
               const char *npm_source_dir,
               const char *npm_build_dir,
               guint16     port,
               char      **why,
               GError    **error)
{
  g_autoptr (GSubprocess) install = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *server = g_build_filename (npm_build_dir, "node_modules", "@portkey-ai",
                                              "gateway", "build", "start-server.js", NULL);
  g_autofree char *port_arg = g_strdup_printf ("--port=%u", port);
  g_autoptr (GBytes) out = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  install = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                              error, "sh", npm_install, npm_source_dir, npm_build_dir, NULL);
  if (install == NULL || !g_subprocess_communicate (install, NULL, NULL, &out, NULL, error))
    return NULL;
  if (g_subprocess_get_exit_status (install) == 77)
    {
      *why = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
      g_strchomp (*why);
      return NULL;
    }
  if (!g_subprocess_get_successful (install))
    {
      g_set_error (error, BENCH_ERROR, 0, "Installing Portkey failed:\n%.*s",
                   (int) g_bytes_get_size (out), (const char *) g_bytes_get_data (out, NULL));
      return NULL;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, error, "node", server, port_arg,
                              "--headless", NULL);
  if (process == NULL)
    return NULL;

  /* It says nothing when it is ready: wait until it takes connections. */
  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      int fd = connect_to (port, &local_error);

      if (fd >= 0)
        {
          close (fd);
          return g_steal_pointer (&process);
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, BENCH_ERROR, 0, "Portkey did not listen on port %u within 30 s",
                       port);
          g_subprocess_force_exit (process);
          return NULL;
        }
      g_usleep (50000);
    }
}

static void
stop (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

/* The table */

static gboolean any_miss;

static char *
format_ms (double value)
{
  if (isnan (value))
    return g_strdup ("-");
  return g_strdup_printf (fabs (value) < 10 ? "%.3f ms" : "%.1f ms", value);
}

static char *
format_rate (double value)
{
  return isnan (value) ? g_strdup ("-") : g_strdup_printf ("%.0f /s", value);
}

static char *
format_mib (double value)
{
  return isnan (value) ? g_strdup ("-") : g_strdup_printf ("%.1f MiB", value);
}

/* One line: ours, Portkey's, Portkey's over ours (how many times better we are, when lower is
 * better; ours over Portkey's when higher is), the target and whether we met it. */
static void
print_row (const char *label,
           char       *ours,
           char       *theirs,
           double      times_better,
           const char *target,
           int         met)
{
  g_autofree char *ratio = isnan (times_better) || isinf (times_better)
                               ? g_strdup ("-")
                               : g_strdup_printf ("%.1fx", times_better);
  const char      *result = met < 0 ? "" : met ? "PASS"
                                               : "MISS";

  any_miss |= met == 0;
  g_print ("%-40s %12s %12s %8s  %-26s %s\n", label, ours, theirs, ratio, target, result);
  g_free (ours);
  g_free (theirs);
}

static int
judge (gboolean known,
       gboolean met)
{
  return known ? met : -1;
}

static void
print_report (const Scale   *scale,
              gboolean       short_mode,
              const Figures *direct,
              const Figures *floor,
              const Figures *adiuva,
              const Figures *portkey,
              const char    *portkey_about,
              const char    *portkey_why)
{
  gboolean         has_peer = portkey->ok;
  double           nan = NAN;
  double           a50 = adiuva->lat_p50 - direct->lat_p50;
  double           a99 = adiuva->lat_p99 - direct->lat_p99;
  double           at50 = adiuva->ttft_p50 - direct->ttft_p50;
  double           at99 = adiuva->ttft_p99 - direct->ttft_p99;
  double           p50 = has_peer ? portkey->lat_p50 - direct->lat_p50 : nan;
  double           p99 = has_peer ? portkey->lat_p99 - direct->lat_p99 : nan;
  double           pt50 = has_peer ? portkey->ttft_p50 - direct->ttft_p50 : nan;
  double           pt99 = has_peer ? portkey->ttft_p99 - direct->ttft_p99 : nan;
  double           p_rps_1 = has_peer ? portkey->rps_1 : nan;
  double           p_rps_wide = has_peer ? portkey->rps_wide : nan;
  double           p_rss = has_peer ? portkey->rss_mib : nan;
  g_autofree char *label = NULL;

  g_print ("\nAdiuva gateway overhead benchmark (%s: %u requests at concurrency 1, %u at %u, "
           "%u streams, %u warm-up each)\n",
           short_mode ? "SHORT mode, figures are not meaningful" : "full", scale->n_single,
           scale->n_wide, WIDE_CONCURRENCY, scale->n_streams, scale->n_warmup);
  g_print ("  upstream: bench-upstream (OpenAI chat completions, epoll, one thread); streams "
           "send their first token at once and the rest %u µs later; measured first and last, the "
           "better figures kept\n",
           scale->gap_us);
  g_print ("  floor:    bench-soup-proxy, POSTs passed as they are through a SoupServer and a "
           "SoupSession: the least a gateway on libsoup adds\n");
  g_print ("  adiuva:   adiuva-cli gateway serve (AdiuvaLoopbackServer), the upstream as provider "
           "\"up\", each call logged to the workspace (SQLCipher, under %s)\n",
           g_get_tmp_dir ());
  if (has_peer)
    g_print ("  peer:     Portkey AI gateway, @portkey-ai/gateway %s, the upstream as "
             "x-portkey-custom-host\n",
             portkey_about);
  else
    g_print ("  peer:     Portkey AI gateway SKIPPED: %s\n", portkey_why);
  g_print ("  client:   bench-gateway's load generator (epoll, keep-alive, one request in flight "
           "per connection), the same for all\n\n");

  g_print ("%-40s %12s %12s %12s %12s\n", "measured", "direct", "floor", "adiuva", "portkey");
  g_print ("%s\n", "--------------------------------------------------------------------------"
                   "---------------");
  {
    struct
    {
      const char *label;
      double      a, f, b, c;
      char *(*format) (double);
    } rows[] = {
      { "latency p50, non-streamed, c=1", direct->lat_p50, floor->lat_p50, adiuva->lat_p50, portkey->lat_p50,
        format_ms },
      { "latency p99, non-streamed, c=1", direct->lat_p99, floor->lat_p99, adiuva->lat_p99, portkey->lat_p99,
        format_ms },
      { "time to first token p50, stream", direct->ttft_p50, floor->ttft_p50, adiuva->ttft_p50, portkey->ttft_p50,
        format_ms },
      { "time to first token p99, stream", direct->ttft_p99, floor->ttft_p99, adiuva->ttft_p99, portkey->ttft_p99,
        format_ms },
      { "requests/s, non-streamed, c=1", direct->rps_1, floor->rps_1, adiuva->rps_1, portkey->rps_1,
        format_rate },
      { "requests/s, non-streamed, c=32", direct->rps_wide, floor->rps_wide, adiuva->rps_wide, portkey->rps_wide,
        format_rate },
      { "peak RSS of the gateway process", nan, floor->rss_mib, adiuva->rss_mib, portkey->rss_mib, format_mib },
    };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        g_autofree char *a = rows[i].format (rows[i].a);
        g_autofree char *f = rows[i].format (rows[i].f);
        g_autofree char *b = rows[i].format (rows[i].b);
        g_autofree char *c = rows[i].format (has_peer ? rows[i].c : nan);

        g_print ("%-40s %12s %12s %12s %12s\n", rows[i].label, a, f, b, c);
      }
  }

  g_print ("\n%-40s %12s %12s %8s  %-26s %s\n", "figure", "adiuva", "portkey", "ratio",
           "target", "result");
  g_print ("%s\n", "--------------------------------------------------------------------------"
                   "------------------------------------");
  print_row ("added latency p50, non-streamed", format_ms (a50), format_ms (p50), p50 / a50,
             "< 0.3 ms and >= 3x", judge (has_peer, a50 < 0.3 && p50 / a50 >= 3));
  if (!has_peer)
    print_row ("", g_strdup (""), g_strdup (""), nan, "(< 0.3 ms without the peer)",
               judge (TRUE, a50 < 0.3));
  print_row ("  of which libsoup's floor", format_ms (floor->lat_p50 - direct->lat_p50),
             g_strdup (""), nan, "-", -1);
  print_row ("added latency p99, non-streamed", format_ms (a99), format_ms (p99), p99 / a99, "-",
             -1);
  print_row ("added time to first token p50", format_ms (at50), format_ms (pt50), pt50 / at50,
             "< 0.5 ms", judge (TRUE, at50 < 0.5));
  print_row ("  of which libsoup's floor", format_ms (floor->ttft_p50 - direct->ttft_p50),
             g_strdup (""), nan, "-", -1);
  print_row ("added time to first token p99", format_ms (at99), format_ms (pt99), pt99 / at99,
             "-", -1);
  print_row ("requests/s at concurrency 1", format_rate (adiuva->rps_1), format_rate (p_rps_1),
             adiuva->rps_1 / p_rps_1, "-", -1);
  label = g_strdup_printf ("requests/s at concurrency %u", WIDE_CONCURRENCY);
  print_row (label, format_rate (adiuva->rps_wide), format_rate (p_rps_wide),
             adiuva->rps_wide / p_rps_wide, ">= 5x", judge (has_peer, adiuva->rps_wide / p_rps_wide >= 5));
  print_row ("peak RSS", format_mib (adiuva->rss_mib), format_mib (p_rss),
             p_rss / adiuva->rss_mib, "-", -1);
  g_print ("\nratio: how many times better adiuva is (portkey / adiuva for times and memory, "
           "adiuva / portkey for requests/s).\nadded: the gateway's figure minus the direct "
           "one.\n");
}

static void
target_init (Target     *target,
             const char *name,
             const char *model,
             const char *headers)
{
  target->name = name;
  target->path = g_strdup ("/v1/chat/completions");
  target->model = g_strdup (model);
  target->headers = g_strdup (headers);
}

static void
target_clear (Target *target)
{
  g_free (target->path);
  g_free (target->headers);
  g_free (target->model);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) upstream = NULL;
  g_autoptr (GSubprocess) floor_process = NULL;
  g_autoptr (GSubprocess) adiuva_process = NULL;
  g_autoptr (GSubprocess) portkey_process = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *portkey_why = NULL;
  g_autofree char *custom_host = NULL;
  g_autofree char *upstream_url = NULL;
  g_autofree char *gap = NULL;
  g_autofree char *portkey_about = NULL;
  gboolean         short_mode;
  gboolean         strict = FALSE;
  Scale            scale;
  Figures          direct = { 0 }, floor = { 0 }, adiuva = { 0 }, portkey = { 0 };
  Target           direct_target = { 0 }, floor_target = { 0 }, adiuva_target = { 0 };
  Target           portkey_target = { 0 };
  const char      *short_env = g_getenv ("ADIUVA_BENCH_SHORT");
  gboolean         ok;

  setlocale (LC_ALL, "");
  signal (SIGPIPE, SIG_IGN);
  if (argc >= 2 && g_strcmp0 (argv[1], "--strict") == 0)
    {
      strict = TRUE;
      argv++;
      argc--;
    }
  if (argc != 7)
    {
      g_printerr ("Usage: bench-gateway [--strict] ADIUVA_CLI BENCH_UPSTREAM BENCH_SOUP_PROXY "
                  "NPM_CI NPM_SOURCE_DIR NPM_BUILD_DIR\n"
                  "Run it with a keyring: build-aux/test-env --keyring …; ADIUVA_BENCH_SHORT=1 "
                  "for a quick check.\n");
      return 2;
    }

  short_mode = short_env != NULL && *short_env != '\0' && g_strcmp0 (short_env, "0") != 0;
  scale.gap_us = 2000;
  scale.n_single = short_mode ? 200 : 5000;
  scale.n_wide = short_mode ? 400 : 20000;
  scale.n_streams = short_mode ? 100 : 1000;
  scale.n_warmup = short_mode ? 20 : 500;

  target_init (&direct_target, "direct", MODEL, "Authorization: Bearer " UPSTREAM_KEY "\r\n");
  target_init (&floor_target, "floor", MODEL, "Authorization: Bearer " UPSTREAM_KEY "\r\n");
  target_init (&adiuva_target, "adiuva", "up/" MODEL, "");
  target_init (&portkey_target, "portkey", MODEL, "");

  tmp = g_dir_make_tmp ("adiuva-bench-gateway-XXXXXX", &error);
  ok = tmp != NULL;
  if (ok)
    {
      const char *upstream_argv[] = { argv[2], "--gap-us", NULL, NULL };

      g_printerr ("Starting the upstream…\n");
      gap = g_strdup_printf ("%u", scale.gap_us);
      upstream_argv[2] = gap;
      upstream = start_listener (upstream_argv, &direct_target.port, &error);
      ok = upstream != NULL && measure (&direct_target, &scale, &direct, &error);
    }

  if (ok)
    {
      const char *floor_argv[] = { argv[3], NULL, NULL };

      g_printerr ("Starting bench-soup-proxy…\n");
      upstream_url = g_strdup_printf ("http://127.0.0.1:%u", direct_target.port);
      floor_argv[1] = upstream_url;
      floor_process = start_listener (floor_argv, &floor_target.port, &error);
      floor_target.process = floor_process;
      ok = floor_process != NULL && measure (&floor_target, &scale, &floor, &error);
      stop (floor_process);
    }

  if (ok)
    {
      g_printerr ("Starting adiuva-cli gateway serve…\n");
      data_dir = g_build_filename (tmp, "workspace", NULL);
      adiuva_process = start_adiuva (argv[1], data_dir, direct_target.port, &adiuva_target,
                                     &error);
      adiuva_target.process = adiuva_process;
      ok = adiuva_process != NULL && measure (&adiuva_target, &scale, &adiuva, &error);
      stop (adiuva_process);
    }

  if (ok)
    {
      g_printerr ("Starting Portkey…\n");
      portkey_target.port = free_port ();
      portkey_process = start_portkey (argv[4], argv[5], argv[6], portkey_target.port,
                                       &portkey_why, &error);
      if (portkey_process != NULL)
        {
          custom_host = g_strdup_printf ("http://127.0.0.1:%u/v1", direct_target.port);
          g_free (portkey_target.headers);
          portkey_target.headers = g_strdup_printf ("Authorization: Bearer " UPSTREAM_KEY "\r\n"
                                                    "x-portkey-provider: openai\r\n"
                                                    "x-portkey-custom-host: %s\r\n",
                                                    custom_host);
          portkey_target.process = portkey_process;
          portkey_about = describe_portkey (argv[6]);
          ok = measure (&portkey_target, &scale, &portkey, &error);
          stop (portkey_process);
        }
      else
        ok = portkey_why != NULL;
    }
  if (ok)
    {
      Figures again = { 0 };

      g_printerr ("The upstream again…\n");
      ok = measure (&direct_target, &scale, &again, &error);
      keep_best (&direct, &again);
    }
  stop (upstream);

  if (tmp != NULL)
    {
      g_autoptr (GSubprocess) rm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "rm", "-rf",
                                                     tmp, NULL);

      if (rm != NULL)
        g_subprocess_wait (rm, NULL, NULL);
    }
  target_clear (&direct_target);
  target_clear (&floor_target);
  target_clear (&adiuva_target);
  target_clear (&portkey_target);

  if (!ok)
    {
      g_printerr ("bench-gateway: %s\n", error->message);
      return 1;
    }

  print_report (&scale, short_mode, &direct, &floor, &adiuva, &portkey, portkey_about,
                portkey_why);
  if (any_miss && !short_mode)
    g_print ("\nSome targets were missed.\n");
  return strict && any_miss && !short_mode ? 3 : 0;
}
