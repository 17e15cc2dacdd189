/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-bench"

#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

/* The floor under bench-gateway's figures for the loopback endpoint: the least a gateway built
 * on libsoup, like ours, can cost. A SoupServer on 127.0.0.1 passes each POST as it is to the
 * upstream through a SoupSession (kept-alive connections, as the gateway's) and the answer back
 * as it is: a JSON body at once, a stream chunk by chunk. No parsing, no translation, no authentication.
 *
 *   bench-soup-proxy UPSTREAM_URL
 *
 * prints "listening on http://127.0.0.1:PORT" and serves until killed. */

#define READ_SIZE (16 * 1024)

typedef struct
{
  SoupServerMessage *msg;
  SoupMessage       *upstream;
  GInputStream      *body;
  GByteArray        *whole; /* a JSON answer, sent at once; NULL for a stream */
} Pass;

static SoupSession *session;
static char        *upstream_base;

static void
pass_free (Pass *pass)
{
  g_clear_pointer (&pass->whole, g_byte_array_unref);
  g_clear_object (&pass->body);
  g_clear_object (&pass->upstream);
  g_clear_object (&pass->msg);
  g_free (pass);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pass *pass = user_data;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (pass->body, result, NULL);
  SoupMessageBody *body = soup_server_message_get_response_body (pass->msg);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (pass->whole != NULL)
        soup_server_message_set_response (pass->msg, "application/json", SOUP_MEMORY_COPY,
                                          (const char *) pass->whole->data, pass->whole->len);
      else
        soup_message_body_complete (body);
      soup_server_message_unpause (pass->msg);
      pass_free (pass);
      return;
    }

  if (pass->whole != NULL)
    g_byte_array_append (pass->whole, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  else
    {
      soup_message_body_append_bytes (body, bytes);
      soup_server_message_unpause (pass->msg);
    }
  g_input_stream_read_bytes_async (pass->body, READ_SIZE, G_PRIORITY_DEFAULT, NULL, read_cb,
                                   pass);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pass               *pass = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (pass->msg);
  const char         *type;

  pass->body = soup_session_send_finish (session, result, NULL);
  if (pass->body == NULL)
    {
      soup_server_message_set_status (pass->msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_unpause (pass->msg);
      pass_free (pass);
      return;
    }

  type = soup_message_headers_get_one (soup_message_get_response_headers (pass->upstream),
                                       "Content-Type");
  soup_server_message_set_status (pass->msg, soup_message_get_status (pass->upstream), NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    pass->whole = g_byte_array_new ();
  else
    {
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      if (type != NULL)
        soup_message_headers_replace (headers, "Content-Type", type);
    }
  g_input_stream_read_bytes_async (pass->body, READ_SIZE, G_PRIORITY_DEFAULT, NULL, read_cb,
                                   pass);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  g_autofree char *url = g_strconcat (upstream_base, path, NULL);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Pass               *pass = g_new0 (Pass, 1);

  pass->msg = g_object_ref (msg);
  pass->upstream = soup_message_new (SOUP_METHOD_POST, url);
  soup_message_add_flags (pass->upstream, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_headers_replace (soup_message_get_request_headers (pass->upstream),
                                "Authorization",
                                soup_message_headers_get_one (headers, "Authorization"));
  soup_message_set_request_body_from_bytes (pass->upstream, "application/json", body);
  soup_server_message_pause (msg);
  soup_session_send_async (session, pass->upstream, G_PRIORITY_DEFAULT, NULL, sent_cb, pass);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GSList *uris;

  if (argc != 2)
    {
      g_printerr ("Usage: bench-soup-proxy UPSTREAM_URL\n");
      return 2;
    }
  upstream_base = argv[1];

  /* The gateway's connection limits. */
  session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 16, NULL);
  server = soup_server_new ("server-header", "bench-soup-proxy", NULL);
  soup_server_add_handler (server, "/v1", handler_cb, NULL, NULL);
  if (!soup_server_listen (server, address, 0, &error))
    {
      g_printerr ("bench-soup-proxy: %s\n", error->message);
      return 1;
    }

  uris = soup_server_get_uris (server);
  printf ("listening on http://127.0.0.1:%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (loop);
  return 0;
}
