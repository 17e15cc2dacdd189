/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "test-cli-util.h"

/* adiuva-cli against a real Ollama, when one runs on this machine: at OLLAMA_HOST if that is
 * on the loopback interface, else at Ollama's own default, 127.0.0.1:11434. The model is
 * ADIUVA_TEST_OLLAMA_MODEL, or the first one Ollama lists. Without a running Ollama with a
 * model, the test skips and says why; it never reaches beyond this machine. */

#define DEFAULT_HOST "127.0.0.1:11434"

static char *
ollama_host (void)
{
  const char *host = g_getenv ("OLLAMA_HOST");

  if (host == NULL || *host == '\0')
    return g_strdup (DEFAULT_HOST);
  if (g_str_has_prefix (host, "http://"))
    host += strlen ("http://");
  if (!g_str_has_prefix (host, "127.0.0.1:") && !g_str_has_prefix (host, "localhost:"))
    return NULL;

  return g_strdup (host);
}

/* GET /api/tags with GIO alone: one small HTTP/1.0 request. */
static JsonNode *
get_tags (const char *host,
          GError    **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GOutputStream) body = g_memory_output_stream_new_resizable ();
  g_autofree char *request = NULL;
  const char      *text;
  const char      *json;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, host, 11434, NULL, error);
  if (connection == NULL)
    return NULL;

  request = g_strdup_printf ("GET /api/tags HTTP/1.0\r\nHost: %s\r\n\r\n", host);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, strlen (request), NULL, NULL, error) ||
      g_output_stream_splice (body, g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                              G_OUTPUT_STREAM_SPLICE_NONE, NULL, error) < 0 ||
      !g_output_stream_write_all (body, "", 1, NULL, NULL, error))
    return NULL;

  text = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (body));
  json = strstr (text, "\r\n\r\n");
  if (!g_str_has_prefix (text, "HTTP/1.") || json == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "not Ollama's answer: %.60s", text);
      return NULL;
    }

  return json_from_string (json + 4, error);
}

static char *
pick_model (JsonNode *tags)
{
  const char *chosen = g_getenv ("ADIUVA_TEST_OLLAMA_MODEL");
  JsonObject *root;
  JsonArray  *models;

  if (chosen != NULL && *chosen != '\0')
    return g_strdup (chosen);
  if (tags == NULL || !JSON_NODE_HOLDS_OBJECT (tags))
    return NULL;

  root = json_node_get_object (tags);
  models = json_object_has_member (root, "models")
               ? json_object_get_array_member (root, "models")
               : NULL;
  if (models == NULL || json_array_get_length (models) == 0)
    return NULL;

  return g_strdup (json_object_get_string_member (json_array_get_object_element (models, 0),
                                                  "name"));
}

static void
test_chat_real_ollama (void)
{
  g_autofree char *host = ollama_host ();
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *model = NULL;
  g_autofree char *model_ref = NULL;
  g_autofree char *skip = NULL;
  g_autoptr (JsonNode) tags = NULL;
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CliRun) models = NULL;
  g_autoptr (CliRun) chat = NULL;
  g_autoptr (CliRun) json = NULL;
  JsonObject *metrics;

  if (host == NULL)
    {
      g_test_skip ("OLLAMA_HOST is not on this machine's loopback interface");
      return;
    }
  tags = get_tags (host, &error);
  if (tags == NULL || (model = pick_model (tags)) == NULL)
    {
      skip = g_strdup_printf ("no Ollama with a model at %s (%s)", host,
                              error != NULL ? error->message : "it lists no models");
      g_test_skip (skip);
      return;
    }

  dir = cli_make_workspace_dir ();
  base = g_strconcat ("http://", host, NULL);
  model_ref = g_strconcat ("local/", model, NULL);
  cli_ok (NULL, "--data-dir", dir, "init", NULL);
  cli_ok (NULL, "--data-dir", dir, "provider", "add", "local", "--kind", "ollama", "--base-url",
          base, NULL);

  models = cli_run_ok (NULL, "--data-dir", dir, "models", "local", NULL);
  g_assert_nonnull (strstr (models->out, model));

  /* Streamed to the terminal, then once more as JSON with the call's figures. */
  chat = cli_run_ok (NULL, "--data-dir", dir, "chat", "--model", model_ref,
                     "Answer with one word: what colour is the sky?", NULL);
  g_assert_cmpuint (strlen (g_strstrip (chat->out)), >, 0);

  json = cli_run_ok (NULL, "--data-dir", dir, "--json", "chat", "--model", model_ref,
                     "Say hello.", NULL);
  answer = cli_parse_json (json->out);
  metrics = json_object_get_object_member (json_node_get_object (answer), "metrics");
  g_assert_cmpstr (json_object_get_string_member (metrics, "outcome"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (metrics, "provider"), ==, "local");
  g_assert_cmpint (json_object_get_int_member (metrics, "time_to_first_token_ms"), >=, 0);

  cli_ok (NULL, "--data-dir", dir, "provider", "rm", "local", NULL);
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/chat-real-ollama", test_chat_real_ollama);

  return g_test_run ();
}
