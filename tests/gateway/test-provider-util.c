/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-provider-util"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "test-provider-util.h"

/* Returns FALSE, having skipped the test, without the recorded traffic. */
gboolean
test_provider_have_fixtures (void)
{
  if (g_file_test (FIXTURES_DIR, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_test_skip ("no fixtures directory at " FIXTURES_DIR);
  return FALSE;
}

/**
 * test_provider_start:
 *
 * Returns: (transfer full) (nullable): the running server, or %NULL after g_test_skip()
 *   when the fixtures are not there
 */
TestProvider *
test_provider_start (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  TestProvider    *self;

  if (!test_provider_have_fixtures ())
    return NULL;

  self = g_new0 (TestProvider, 1);
  /* A stdin pipe: the server stops when this process dies and the pipe closes. */
  self->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                    &error, TEST_PROVIDER_PATH, "--port", "0", "--fixtures",
                                    FIXTURES_DIR, "--idle-timeout", "60", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  self->base = g_strdup (line + strlen ("listening on "));
  self->port = (guint) g_ascii_strtoull (strrchr (self->base, ':') + 1, NULL, 10);

  return self;
}

void
test_provider_stop (TestProvider *self)
{
  if (self == NULL)
    return;
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
  g_free (self->base);
  g_free (self);
}

/**
 * test_provider_control:
 * @json: (nullable): the request body
 *
 * One call of the control API, asserting that it succeeds.
 *
 * Returns: (transfer full): the answer's body
 */
GBytes *
test_provider_control (TestProvider *self,
                       const char   *method,
                       const char   *path,
                       const char   *json)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, "proxy-resolver",
                                                                   NULL, NULL);
  g_autofree char *uri = g_strconcat (self->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr (GError) error = NULL;
  GBytes *body;

  if (json != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != 200)
    g_test_message ("%s %s: %.*s", method, path, (int) g_bytes_get_size (body),
                    (const char *) g_bytes_get_data (body, NULL));
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return body;
}

/* Appends steps (a JSON list) to the server's script. */
void
test_provider_script (TestProvider *self,
                      const char   *steps)
{
  g_autoptr (GBytes) body = test_provider_control (self, "POST", "/__script", steps);
}

/* Forgets the script and the requests. */
void
test_provider_reset (TestProvider *self)
{
  g_autoptr (GBytes) body = test_provider_control (self, "POST", "/__reset", "{}");
}

/**
 * test_provider_requests:
 *
 * Returns: (transfer full): the requests the server got, oldest first
 */
JsonArray *
test_provider_requests (TestProvider *self)
{
  g_autoptr (GBytes) body = test_provider_control (self, "GET", "/__requests", NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr (JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

/**
 * test_provider_count_requests:
 * @path_prefix: (nullable): which requests count; %NULL: all
 *
 * Returns: how many requests the server got whose path starts with @path_prefix
 */
guint
test_provider_count_requests (TestProvider *self,
                              const char   *path_prefix)
{
  g_autoptr (JsonArray) all = test_provider_requests (self);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *request = json_array_get_object_element (all, i);

      if (path_prefix == NULL ||
          g_str_has_prefix (json_object_get_string_member (request, "path"), path_prefix))
        n++;
    }
  return n;
}

/**
 * test_provider_openai_answer:
 * @content: what the model says
 *
 * Returns: (transfer full): a script (one step) that answers the next OpenAI chat request,
 *   not streamed, with @content, as a model would
 */
char *
test_provider_openai_answer (const char *content)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) answer = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "chatcmpl-router");
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "chat.completion");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, 1763700000);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, "gpt-router");
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "finish_reason");
  json_builder_add_string_value (builder, "stop");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, 120);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, 7);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, 127);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  body = json_to_string (answer, FALSE);

  return test_provider_body_step ("POST /v1/chat/completions", body);
}

/**
 * test_provider_body_step:
 * @match: which requests the step answers
 * @body: what it answers
 *
 * Returns: (transfer full): a script of one step answering the next request matching @match
 *   with @body
 */
char *
test_provider_body_step (const char *match,
                         const char *body)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) steps = NULL;

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "match");
  json_builder_add_string_value (builder, match);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  steps = json_builder_get_root (builder);
  return json_to_string (steps, FALSE);
}

/* A port of 127.0.0.1 nothing listens on: bound, then closed again. */
guint
test_provider_closed_port (void)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The process of the Secret Service on the test's private session bus. */
static GPid
keyring_daemon_pid (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  guint32 pid;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  return (GPid) pid;
}

/*
 * test_keyring_set_stopped:
 *
 * Stops the keyring daemon of build-aux/test-env --keyring (SIGSTOP), as an unlock prompt or a
 * slow bus would hold it, or lets it go on: a call to it cannot end while it is stopped. Nothing
 * may assert while it is: a failing test would leave it so.
 */
void
test_keyring_set_stopped (gboolean stopped)
{
  static GPid daemon;

  if (daemon == 0)
    daemon = keyring_daemon_pid ();
  g_assert_cmpint (kill (daemon, stopped ? SIGSTOP : SIGCONT), ==, 0);
}

void
test_keep_result_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **kept = user_data;

  g_assert_null (*kept);
  *kept = g_object_ref (result);
}

GAsyncResult *
test_wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}
