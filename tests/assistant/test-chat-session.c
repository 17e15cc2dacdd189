/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chat-session"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "adiuva-assistant.h"
#include "adiuva-gateway-client-private.h"
#include "adiuva-workspace-gateway-private.h"
#include "test-provider-util.h"
#include "test-tree.h"

#define SECRET_KEY "sk-test-never-in-the-database-4711"
/* What the server's default streamed chat answer says (the recording counts to five). */
#define COUNTED "1, 2, 3, 4, 5"
#define OTHER_STREAM "openai/plano_gpt35_text_stream_done.sse"
#define OTHER_TEXT " I assist you today?"
#define OTHER_STEP "[{\"match\": \"/v1/chat/completions\", \"fixture\": \"" OTHER_STREAM "\"}]"

/* A real encrypted workspace in a temporary folder (its key in the private keyring of
 * build-aux/test-env --keyring), the provider test server, and a provider `oa` of kind openai
 * on it. `oa` is reached at 0.0.0.0, which connects to the server but is no loopback
 * address: a cloud provider to the gateway. */
typedef struct
{
  char                   *tmp;
  char                   *dir;
  TestProvider           *server;
  AdiuvaStore            *store;
  AdiuvaWorkspaceGateway *gateway;
  AdiuvaChatSession      *session;
  guint                   finished;
  guint                   content_changes;
  guint                   saves;
  gboolean                stop_at_first_text;
  AdiuvaMessage          *watched; /* the answer streaming */
} Fixture;

static void
answer_finished_cb (AdiuvaChatSession *session,
                    AdiuvaMessage     *answer,
                    Fixture           *f)
{
  f->finished++;
}

static void
content_cb (AdiuvaMessage *message,
            GParamSpec    *pspec,
            Fixture       *f)
{
  const char *content = adiuva_message_get_content (message);

  /* It only grows, towards the whole answer. */
  g_assert_true (content != NULL && content[0] != '\0');
  f->content_changes++;
  if (f->stop_at_first_text)
    {
      f->stop_at_first_text = FALSE;
      adiuva_chat_session_stop (f->session);
    }
}

/* Watches each new answer's text as it streams in. */
static void
items_changed_cb (GListModel *messages,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (AdiuvaMessage) message = g_list_model_get_item (messages, i);

      if (adiuva_message_get_role (message) != ADIUVA_MESSAGE_ROLE_ASSISTANT ||
          adiuva_record_get_id (ADIUVA_RECORD (message)) != 0)
        continue;
      f->watched = message;
      g_signal_connect (message, "notify::content", G_CALLBACK (content_cb), f);
    }
}

static void
fixture_open_session (Fixture            *f,
                      AdiuvaConversation *conversation)
{
  g_clear_object (&f->session);
  f->session = adiuva_chat_session_new (f->gateway, conversation);
  g_signal_connect (f->session, "answer-finished", G_CALLBACK (answer_finished_cb), f);
  g_signal_connect (adiuva_chat_session_get_messages (f->session), "items-changed",
                    G_CALLBACK (items_changed_cb), f);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *v1 = NULL;

  f->server = test_provider_start ();
  if (f->server == NULL)
    return;

  f->tmp = g_dir_make_tmp ("adiuva-chat-XXXXXX", &error);
  g_assert_no_error (error);
  f->dir = g_build_filename (f->tmp, "workspace", NULL);
  f->store = adiuva_store_create (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  f->gateway = adiuva_workspace_gateway_new (f->store);

  v1 = g_strdup_printf ("http://0.0.0.0:%u/v1", f->server->port);
  adiuva_workspace_gateway_add_provider (f->gateway, "oa", "openai", v1, SECRET_KEY, &error);
  g_assert_no_error (error);
  adiuva_workspace_gateway_set_default_model (f->gateway, "oa/gpt-6-sol", &error);
  g_assert_no_error (error);
  fixture_open_session (f, NULL);
}

/* As after a restart: the workspace opened again, no session. */
static void
fixture_reopen (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->session);
  g_clear_object (&f->gateway);
  g_clear_object (&f->store);
  f->store = adiuva_store_open (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  f->gateway = adiuva_workspace_gateway_new (f->store);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  if (f->server == NULL)
    return;
  g_clear_object (&f->session);
  /* The keyring outlives the workspace: its key goes with the provider. */
  adiuva_workspace_gateway_remove_provider (f->gateway, "oa", NULL);
  g_clear_object (&f->gateway);
  g_clear_object (&f->store);
  test_remove_tree (f->tmp);
  g_free (f->dir);
  g_free (f->tmp);
  test_provider_stop (f->server);
}

/* Runs the main loop until the answer asked for has ended. */
static void
wait_for_answer (Fixture *f)
{
  guint before = f->finished;

  g_assert_true (adiuva_chat_session_get_busy (f->session));
  while (f->finished == before)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (adiuva_chat_session_get_busy (f->session));
}

/* Until the call log has written every call and the session heard of it. */
static void
wait_for_call_log (Fixture *f)
{
  adiuva_workspace_gateway_flush_call_log (f->gateway);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* No back-off waits for the retries of the workspace's client, the one the session uses. */
static void
skip_backoff (Fixture *f)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (GError) error = NULL;

  adiuva_workspace_gateway_get_client_async (f->gateway, NULL, test_keep_result_cb, &result);
  client = adiuva_workspace_gateway_get_client_finish (f->gateway, test_wait_result (&result),
                                                       &error);
  g_assert_no_error (error);
  _adiuva_gateway_client_set_timings (client, 1, 1, 1);
}

static void
send (Fixture    *f,
      const char *text)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (adiuva_chat_session_send (f->session, text, &error));
  g_assert_no_error (error);
  wait_for_answer (f);
}

static AdiuvaMessage *
get_message (Fixture *f,
             guint    position)
{
  GListModel *messages = adiuva_chat_session_get_messages (f->session);
  g_autoptr (AdiuvaMessage) message = g_list_model_get_item (messages, position);

  /* The session keeps it. */
  return message;
}

static guint
n_messages (Fixture *f)
{
  return g_list_model_get_n_items (adiuva_chat_session_get_messages (f->session));
}

/* The messages of the conversation as they are saved. */
static GListModel *
saved_messages (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  AdiuvaConversation *conversation = adiuva_chat_session_get_conversation (f->session);
  GListModel         *saved;

  g_assert_nonnull (conversation);
  saved = adiuva_store_list_messages (f->store, adiuva_record_get_id (ADIUVA_RECORD (conversation)),
                                      &error);
  g_assert_no_error (error);
  return saved;
}

static const char *
saved_content (GListModel *saved,
               guint       position)
{
  g_autoptr (AdiuvaMessage) message = g_list_model_get_item (saved, position);

  return adiuva_message_get_content (message);
}

static const char *
conversation_model (Fixture *f)
{
  return adiuva_conversation_get_model (adiuva_chat_session_get_conversation (f->session));
}

/* The messages the last chat request to the server carried. */
static JsonArray *
last_request_messages (Fixture *f)
{
  g_autoptr (JsonArray) requests = test_provider_requests (f->server);
  JsonObject *last = NULL;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (request, "path"), "/v1/chat/completions"))
        last = request;
    }
  g_assert_nonnull (last);
  return json_array_ref (
      json_object_get_array_member (json_object_get_object_member (last, "body"), "messages"));
}

static void
assert_request_message (JsonArray  *messages,
                        guint       index,
                        const char *role,
                        const char *content)
{
  JsonObject *message = json_array_get_object_element (messages, index);

  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, role);
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, content);
}

static void
test_stream_and_reopen (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) saved = NULL;
  g_autoptr (AdiuvaChatAnswerInfo) info = NULL;
  g_autoptr (AdiuvaChatAnswerInfo) loaded_info = NULL;
  g_autoptr (AdiuvaLlmCall) call = NULL;
  g_autoptr (AdiuvaConversation) conversation = NULL;
  AdiuvaMessage *answer;
  gint64         conversation_id;
  gint64         answer_id;

  if (f->server == NULL)
    return;

  /* Many small writes: the answer arrives in many deltas. */
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"chunk\": 7}]");
  g_assert_null (adiuva_chat_session_get_conversation (f->session));
  g_assert_null (adiuva_chat_session_get_model (f->session));
  g_assert_true (adiuva_chat_session_send (f->session,
                                           "  Count to five,\n please, and slowly: one by one "
                                           "up to five",
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, "");
  wait_for_answer (f);

  answer = get_message (f, 1);
  g_assert_true (answer == f->watched);
  g_assert_cmpstr (adiuva_message_get_content (answer), ==, COUNTED);
  g_assert_cmpuint (f->content_changes, >=, 5);
  g_assert_cmpstr (adiuva_message_get_model (answer), ==, "oa/gpt-6-sol");
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_null (adiuva_chat_session_get_error_message (f->session));

  /* The conversation, titled with the first words, and both messages are saved. */
  conversation = g_object_ref (adiuva_chat_session_get_conversation (f->session));
  g_assert_cmpstr (adiuva_conversation_get_title (conversation), ==,
                   "Count to five, please, and slowly:…");
  g_assert_null (adiuva_conversation_get_model (conversation));
  conversation_id = adiuva_record_get_id (ADIUVA_RECORD (conversation));
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  g_assert_cmpstr (saved_content (saved, 1), ==, COUNTED);
  answer_id = adiuva_record_get_id (ADIUVA_RECORD (answer));
  g_assert_cmpint (answer_id, !=, 0);

  /* The answer info comes from the gateway's metrics; the recording reports usage. */
  info = adiuva_chat_session_dup_answer_info (f->session, answer);
  g_assert_cmpstr (info->model, ==, "oa/gpt-6-sol");
  g_assert_false (info->is_local);
  g_assert_cmpint (info->tokens_in, >, 0);
  g_assert_cmpint (info->tokens_out, >, 0);
  g_assert_cmpfloat (info->cost, >, 0);
  g_assert_cmpint (info->time_to_first_token_us, >=, 0);
  g_assert_null (adiuva_chat_session_dup_answer_info (f->session, get_message (f, 0)));

  /* Once the call log has its row, the answer points to it. */
  wait_for_call_log (f);
  g_assert_cmpint (adiuva_message_get_llm_call_id (answer), !=, 0);
  call = adiuva_store_get_llm_call (f->store, adiuva_message_get_llm_call_id (answer), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (call->caller, ==, "chat");
  g_assert_cmpstr (call->provider, ==, "oa");
  g_assert_cmpstr (call->model, ==, "gpt-6-sol");
  g_assert_cmpint (call->tokens_in, ==, info->tokens_in);
  g_assert_cmpint (call->tokens_out, ==, info->tokens_out);
  g_assert_cmpstr (call->outcome, ==, "ok");
  /* At the list prices of gpt-6-sol in the provider table: $2 and $10 a million tokens. */
  g_assert_cmpfloat_with_epsilon (call->cost, (info->tokens_in * 2.0 + info->tokens_out * 10.0) / 1e6,
                                  1e-12);
  g_assert_cmpfloat_with_epsilon (info->cost, call->cost, 1e-12);

  /* A restart: the conversation opened again shows its messages, and its answer's info from
   * the call log. */
  g_clear_object (&conversation);
  fixture_reopen (f);
  conversation = adiuva_store_get (f->store, ADIUVA_TYPE_CONVERSATION, conversation_id, &error);
  g_assert_no_error (error);
  fixture_open_session (f, conversation);
  g_assert_true (adiuva_chat_session_get_conversation (f->session) == conversation);
  g_assert_cmpuint (n_messages (f), ==, 2);
  answer = get_message (f, 1);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (answer)), ==, answer_id);
  g_assert_cmpstr (adiuva_message_get_content (answer), ==, COUNTED);
  loaded_info = adiuva_chat_session_dup_answer_info (f->session, answer);
  g_assert_cmpstr (loaded_info->model, ==, "oa/gpt-6-sol");
  g_assert_false (loaded_info->is_local);
  g_assert_cmpint (loaded_info->tokens_in, ==, info->tokens_in);
  g_assert_cmpint (loaded_info->tokens_out, ==, info->tokens_out);
  g_assert_cmpfloat_with_epsilon (loaded_info->cost, info->cost, 1e-12);
  g_assert_cmpint (loaded_info->time_to_first_token_us, ==, call->ttft_ms * 1000);

  /* The conversation goes on where it was: the model sees the whole history. */
  send (f, "And back?");
  g_assert_cmpuint (n_messages (f), ==, 4);
  {
    g_autoptr (JsonArray) sent = last_request_messages (f);

    g_assert_cmpuint (json_array_get_length (sent), ==, 3);
    assert_request_message (sent, 1, "assistant", COUNTED);
    assert_request_message (sent, 2, "user", "And back?");
  }
}

/* Where the default streamed answer has sent its "3" (the event and its blank line), so a
 * stall there leaves "1, 2, 3" said. */
static gsize
offset_after_three (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (FIXTURES_DIR, "openai", "langchaingo-extracted",
                                            "TestClient_CreateChatCompletionStream_0_200.sse",
                                            NULL);
  g_autofree char *stream = NULL;
  const char      *three;
  const char      *end;

  g_file_get_contents (path, &stream, NULL, &error);
  g_assert_no_error (error);
  three = strstr (stream, "\"content\":\"3\"");
  g_assert_nonnull (three);
  end = strstr (three, "\n\n");
  g_assert_nonnull (end);
  return end + 2 - stream;
}

/* Counts the saves of the answer while it streams, and checks each is marked unfinished. */
static void
saves_cb (AdiuvaStore *store,
          AdiuvaEntity entity,
          gint64       id,
          AdiuvaChange change,
          Fixture     *f)
{
  g_autoptr (AdiuvaMessage) saved = NULL;
  g_autoptr (GError) error = NULL;

  if (entity != ADIUVA_ENTITY_MESSAGE || !adiuva_chat_session_get_busy (f->session))
    return;
  saved = adiuva_store_get (store, ADIUVA_TYPE_MESSAGE, id, &error);
  g_assert_no_error (error);
  if (adiuva_message_get_role (saved) != ADIUVA_MESSAGE_ROLE_ASSISTANT)
    return;
  g_assert_true (adiuva_message_get_unfinished (saved));
  g_assert_cmpstr (adiuva_message_get_content (saved), !=, "");
  f->saves++;
}

/* An answer is saved as it streams, not a token at a time, and saved whole at its end. */
static void
test_saved_while_streaming (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (GListModel) saved = NULL;
  g_autoptr (AdiuvaMessage) answer = NULL;

  if (f->server == NULL)
    return;

  g_signal_connect (f->store, "changed", G_CALLBACK (saves_cb), f);
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"chunk\": 7}]");
  send (f, "Count to five");
  g_signal_handlers_disconnect_by_func (f->store, saves_cb, f);

  /* Nine text deltas ("1", ",", " ", "2"…), saved once at the first, then at most once a
   * second however fast they come. */
  g_assert_cmpuint (f->saves, >=, 1);
  g_assert_cmpuint (f->saves, <, f->content_changes);
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  answer = g_list_model_get_item (saved, 1);
  g_assert_cmpstr (adiuva_message_get_content (answer), ==, COUNTED);
  g_assert_false (adiuva_message_get_unfinished (answer));
  g_assert_false (adiuva_chat_session_is_cut_off (f->session, get_message (f, 1)));
}

/* A process killed while an answer streams leaves what came of it, marked as cut off; the
 * conversation opened again shows it, and regenerating replaces it. */
static void
test_killed_mid_answer (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) streamer = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GListModel) conversations = NULL;
  g_autoptr (AdiuvaConversation) conversation = NULL;
  g_autofree char *path = NULL;
  g_autofree char *step = NULL;
  AdiuvaMessage   *answer;

  if (f->server == NULL)
    return;

  /* The server sends "1, 2, 3", then nothing for longer than the test takes. */
  step = g_strdup_printf ("[{\"match\": \"/v1/chat/completions\", \"stall_after\": %" G_GSIZE_FORMAT
                          ", \"stall_ms\": 600000}]",
                          offset_after_three ());
  test_provider_script (f->server, step);
  path = g_test_build_filename (G_TEST_BUILT, "chat-streamer", NULL);
  streamer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, path, f->dir, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (streamer));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_test_message ("chat-streamer: %s", line);
      g_assert_true (g_str_has_prefix (line, "saved 1 "));
      if (g_str_equal (line, "saved 1 1, 2, 3"))
        break;
    }
  g_subprocess_send_signal (streamer, SIGKILL);
  g_subprocess_wait (streamer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (streamer));

  fixture_reopen (f);
  conversations = adiuva_store_list_conversations (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (conversations), ==, 1);
  conversation = g_list_model_get_item (conversations, 0);
  fixture_open_session (f, conversation);
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 0)), ==, "Count to five");
  answer = get_message (f, 1);
  g_assert_cmpint (adiuva_message_get_role (answer), ==, ADIUVA_MESSAGE_ROLE_ASSISTANT);
  g_assert_cmpstr (adiuva_message_get_content (answer), ==, "1, 2, 3");
  g_assert_true (adiuva_message_get_unfinished (answer));
  g_assert_true (adiuva_chat_session_is_cut_off (f->session, answer));
  g_assert_false (adiuva_chat_session_is_cut_off (f->session, get_message (f, 0)));

  /* Regenerate asks again for the user's message and replaces what was cut off. */
  g_assert_true (adiuva_chat_session_regenerate (f->session, &error));
  g_assert_no_error (error);
  wait_for_answer (f);
  g_assert_cmpuint (n_messages (f), ==, 2);
  answer = get_message (f, 1);
  g_assert_cmpstr (adiuva_message_get_content (answer), ==, COUNTED);
  g_assert_false (adiuva_chat_session_is_cut_off (f->session, answer));
  {
    g_autoptr (GListModel) saved = saved_messages (f);
    g_autoptr (AdiuvaMessage) kept = g_list_model_get_item (saved, 1);

    g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
    g_assert_cmpstr (adiuva_message_get_content (kept), ==, COUNTED);
    g_assert_false (adiuva_message_get_unfinished (kept));
  }
}

/* A provider that reports no usage: the tokens are unknown (-1), in the answer's info, in the
 * call log and once the conversation is opened again, never 0. */
static void
test_unknown_tokens (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatAnswerInfo) info = NULL;
  g_autoptr (AdiuvaChatAnswerInfo) loaded_info = NULL;
  g_autoptr (AdiuvaLlmCall) call = NULL;
  g_autoptr (AdiuvaConversation) conversation = NULL;
  gint64 call_id;

  if (f->server == NULL)
    return;

  /* A recording without any usage. */
  test_provider_script (f->server, OTHER_STEP);
  send (f, "Hello");
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, OTHER_TEXT);
  info = adiuva_chat_session_dup_answer_info (f->session, get_message (f, 1));
  g_assert_cmpstr (info->model, ==, "oa/gpt-6-sol");
  g_assert_cmpint (info->tokens_in, ==, -1);
  g_assert_cmpint (info->tokens_out, ==, -1);

  wait_for_call_log (f);
  call_id = adiuva_message_get_llm_call_id (get_message (f, 1));
  g_assert_cmpint (call_id, !=, 0);
  call = adiuva_store_get_llm_call (f->store, call_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (call->outcome, ==, "ok");
  g_assert_cmpint (call->tokens_in, ==, -1);
  g_assert_cmpint (call->tokens_out, ==, -1);

  conversation = g_object_ref (adiuva_chat_session_get_conversation (f->session));
  fixture_reopen (f);
  fixture_open_session (f, conversation);
  loaded_info = adiuva_chat_session_dup_answer_info (f->session, get_message (f, 1));
  g_assert_cmpstr (loaded_info->model, ==, "oa/gpt-6-sol");
  g_assert_cmpint (loaded_info->tokens_in, ==, -1);
  g_assert_cmpint (loaded_info->tokens_out, ==, -1);
}

/* A call retried has a row per attempt: the answer points to the one that answered. */
static void
test_retried_call_link (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) usage = NULL;
  g_autoptr (AdiuvaLlmCall) call = NULL;
  g_autoptr (GListModel) saved = NULL;
  g_autoptr (AdiuvaMessage) answer = NULL;
  AdiuvaLlmUsage *totals;

  if (f->server == NULL)
    return;

  skip_backoff (f);
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"status\": 500, "
                                   "\"times\": 2}]");
  send (f, "Count to five");
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, COUNTED);
  wait_for_call_log (f);

  usage = adiuva_store_get_llm_usage (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (usage->len, ==, 1);
  totals = g_ptr_array_index (usage, 0);
  g_assert_cmpint (totals->calls, ==, 3);
  g_assert_cmpint (totals->failed_calls, ==, 2);
  call = adiuva_store_get_llm_call (f->store,
                                    adiuva_message_get_llm_call_id (get_message (f, 1)), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (call->outcome, ==, "ok");
  /* The link is saved. */
  saved = saved_messages (f);
  answer = g_list_model_get_item (saved, 1);
  g_assert_cmpint (adiuva_message_get_llm_call_id (answer), ==, call->id);
}

static void
test_stop (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) saved = NULL;
  AdiuvaMessage *answer;

  if (f->server == NULL)
    return;

  /* Stopped at its first words: what came is kept, and saved. */
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"chunk\": 64, "
                                   "\"delay_ms\": 20}]");
  f->stop_at_first_text = TRUE;
  send (f, "Count to five");
  answer = get_message (f, 1);
  g_assert_cmpstr (adiuva_message_get_content (answer), !=, "");
  g_assert_true (g_str_has_prefix (COUNTED, adiuva_message_get_content (answer)));
  g_assert_cmpstr (adiuva_message_get_content (answer), !=, COUNTED);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (answer)), !=, 0);
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_null (adiuva_chat_session_get_error_message (f->session));
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  g_assert_cmpstr (saved_content (saved, 1), ==, adiuva_message_get_content (answer));
  g_clear_object (&saved);

  /* Stopped before anything came: no empty answer is left, none is saved. */
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", "
                                   "\"delay_headers_ms\": 5000}]");
  g_assert_true (adiuva_chat_session_send (f->session, "Again", &error));
  g_assert_cmpuint (n_messages (f), ==, 4);
  adiuva_chat_session_stop (f->session);
  wait_for_answer (f);
  g_assert_cmpuint (n_messages (f), ==, 3);
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NONE);
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 3);
  g_assert_cmpstr (saved_content (saved, 2), ==, "Again");
  test_provider_reset (f->server);

  /* Regenerate then answers the user's last message. */
  g_assert_true (adiuva_chat_session_regenerate (f->session, &error));
  g_assert_no_error (error);
  wait_for_answer (f);
  g_assert_cmpuint (n_messages (f), ==, 4);
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 3)), ==, COUNTED);
}

static void
test_regenerate (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) saved = NULL;
  g_autoptr (JsonArray) sent = NULL;
  g_autoptr (AdiuvaMessage) first = NULL;
  g_autoptr (AdiuvaMessage) gone = NULL;
  gint64 first_id;

  if (f->server == NULL)
    return;

  g_assert_false (adiuva_chat_session_regenerate (f->session, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);

  send (f, "Count to five");
  first = g_object_ref (get_message (f, 1));
  first_id = adiuva_record_get_id (ADIUVA_RECORD (first));

  test_provider_script (f->server, OTHER_STEP);
  g_assert_true (adiuva_chat_session_regenerate (f->session, &error));
  g_assert_no_error (error);
  /* The old answer is gone at once, from the list and the workspace. */
  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_true (get_message (f, 1) != first);
  gone = adiuva_store_get (f->store, ADIUVA_TYPE_MESSAGE, first_id, &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  wait_for_answer (f);

  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, OTHER_TEXT);
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  g_assert_cmpstr (saved_content (saved, 1), ==, OTHER_TEXT);
  /* Asked with the same history: the user's message alone. */
  sent = last_request_messages (f);
  g_assert_cmpuint (json_array_get_length (sent), ==, 1);
  assert_request_message (sent, 0, "user", "Count to five");
}

static void
test_edit_and_resend (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) saved = NULL;
  g_autoptr (JsonArray) sent = NULL;
  AdiuvaMessage *question;

  if (f->server == NULL)
    return;

  send (f, "Count to five");
  send (f, "Now backwards");
  g_assert_cmpuint (n_messages (f), ==, 4);
  question = get_message (f, 0);

  /* Only the user's messages of this session. */
  g_assert_false (adiuva_chat_session_edit_and_resend (f->session, get_message (f, 1), "x",
                                                       &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_chat_session_edit_and_resend (f->session, question, " \n", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (n_messages (f), ==, 4);

  test_provider_script (f->server, OTHER_STEP);
  g_assert_true (adiuva_chat_session_edit_and_resend (f->session, question, "Count to three",
                                                      &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_messages (f), ==, 2);
  wait_for_answer (f);

  g_assert_true (get_message (f, 0) == question);
  g_assert_cmpstr (adiuva_message_get_content (question), ==, "Count to three");
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, OTHER_TEXT);
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  g_assert_cmpstr (saved_content (saved, 0), ==, "Count to three");
  g_assert_cmpstr (saved_content (saved, 1), ==, OTHER_TEXT);
  sent = last_request_messages (f);
  g_assert_cmpuint (json_array_get_length (sent), ==, 1);
  assert_request_message (sent, 0, "user", "Count to three");
}

static void
test_busy (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  if (f->server == NULL)
    return;

  g_assert_false (adiuva_chat_session_send (f->session, "   ", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (adiuva_chat_session_get_conversation (f->session));

  g_assert_true (adiuva_chat_session_send (f->session, "Count to five", &error));
  g_assert_true (adiuva_chat_session_get_busy (f->session));
  g_assert_false (adiuva_chat_session_send (f->session, "And more", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_chat_session_regenerate (f->session, &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (adiuva_chat_session_edit_and_resend (f->session, get_message (f, 0), "x",
                                                       &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (n_messages (f), ==, 2);
  wait_for_answer (f);
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, COUNTED);
  g_assert_cmpuint (test_provider_count_requests (f->server, "/v1/chat/completions"), ==, 1);
}

static gboolean
note_idle_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The keys are read off the main thread when the answer is asked for: with the keyring stopped
 * (as an unlock prompt would hold it), sending returns and the main loop runs; the answer comes
 * once the keyring answers. */
static void
test_keyring_waits (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean idle_ran = FALSE;
  gboolean sent, waiting;

  if (f->server == NULL)
    return;

  test_keyring_set_stopped (TRUE);
  sent = adiuva_chat_session_send (f->session, "Count to five", &error);
  g_idle_add (note_idle_cb, &idle_ran);
  while (!idle_ran)
    g_main_context_iteration (NULL, TRUE);
  waiting = adiuva_chat_session_get_busy (f->session) && f->finished == 0;
  test_keyring_set_stopped (FALSE);

  g_assert_no_error (error);
  g_assert_true (sent);
  g_assert_true (waiting);
  wait_for_answer (f);
  g_assert_cmpstr (adiuva_message_get_content (get_message (f, 1)), ==, COUNTED);
}

/* Sends, and checks that the answer failed with @problem, leaving no empty answer. */
static void
assert_problem (Fixture          *f,
                AdiuvaChatProblem problem)
{
  guint before = n_messages (f);

  send (f, "Count to five");
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, problem);
  g_assert_nonnull (adiuva_chat_session_get_error_message (f->session));
  g_test_message ("%s", adiuva_chat_session_get_error_message (f->session));
  g_assert_cmpuint (n_messages (f), ==, before + 1);
  g_assert_cmpint (adiuva_message_get_role (get_message (f, before)), ==,
                   ADIUVA_MESSAGE_ROLE_USER);
}

static void
assert_partial_answer (Fixture          *f,
                       AdiuvaChatProblem problem)
{
  g_autoptr (GListModel) saved = NULL;
  AdiuvaMessage *answer;

  send (f, "Count to five");
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, problem);
  g_assert_nonnull (adiuva_chat_session_get_error_message (f->session));
  g_test_message ("%s", adiuva_chat_session_get_error_message (f->session));
  answer = get_message (f, n_messages (f) - 1);
  g_assert_cmpint (adiuva_message_get_role (answer), ==, ADIUVA_MESSAGE_ROLE_ASSISTANT);
  g_assert_cmpstr (adiuva_message_get_content (answer), !=, "");
  saved = saved_messages (f);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, n_messages (f));
  g_assert_cmpstr (saved_content (saved, n_messages (f) - 1), ==,
                   adiuva_message_get_content (answer));
}

static void
test_problems (Fixture      *f,
               gconstpointer data)
{
  AdiuvaWorkspaceBudget budget = { ADIUVA_BUDGET_CALLER, (char *) "chat", ADIUVA_BUDGET_DAY, 0,
                                   -1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *down = NULL;

  if (f->server == NULL)
    return;

  /* No back-off waits for the retries of a connection refused. */
  skip_backoff (f);

  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"status\": 401}]");
  assert_problem (f, ADIUVA_CHAT_PROBLEM_BAD_KEY);

  /* Asked to wait longer than is worth it: not waited for. */
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"status\": 429, "
                                   "\"retry_after\": \"120\"}]");
  assert_problem (f, ADIUVA_CHAT_PROBLEM_RATE_LIMITED);

  /* A failure after some text keeps the text, and says what happened: a connection cut,
   * then a stream that ends before the answer does. */
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"reset_after\": 700}]");
  assert_partial_answer (f, ADIUVA_CHAT_PROBLEM_OFFLINE);
  test_provider_script (f->server, "[{\"match\": \"/v1/chat/completions\", \"fixture\": "
                                   "\"openai/plano_gpt35_text_stream_partial_first5.sse\"}]");
  assert_partial_answer (f, ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED);

  /* The next answer clears the problem. */
  send (f, "Count to five");
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_null (adiuva_chat_session_get_error_message (f->session));

  /* A provider that cannot be reached. */
  down = g_strdup_printf ("http://127.0.0.1:%u/v1", test_provider_closed_port ());
  adiuva_workspace_gateway_add_provider (f->gateway, "down", "openai", down, SECRET_KEY, &error);
  g_assert_no_error (error);
  adiuva_chat_session_set_model (f->session, "down/gpt-6-sol", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conversation_model (f), ==, "down/gpt-6-sol");
  skip_backoff (f);
  assert_problem (f, ADIUVA_CHAT_PROBLEM_OFFLINE);
  adiuva_workspace_gateway_remove_provider (f->gateway, "down", &error);
  g_assert_no_error (error);

  /* A provider removed since it was picked. */
  assert_problem (f, ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND);
  g_assert_false (adiuva_chat_session_set_model (f->session, "down/gpt-6-sol", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                  ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (adiuva_chat_session_set_model (f->session, NULL, &error));
  g_assert_null (conversation_model (f));

  /* The budget of chat's answers is used up: refused before anything is sent. */
  adiuva_workspace_gateway_set_budget (f->gateway, &budget, &error);
  g_assert_no_error (error);
  test_provider_reset (f->server);
  assert_problem (f, ADIUVA_CHAT_PROBLEM_BUDGET_REACHED);
  g_assert_cmpuint (test_provider_count_requests (f->server, "/v1/chat/completions"), ==, 0);
}

static void
test_no_model (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  if (f->server == NULL)
    return;

  adiuva_store_set_setting (f->store, "gateway.default-model", "", &error);
  g_assert_no_error (error);
  g_assert_false (adiuva_chat_session_send (f->session, "Count to five", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL);
  g_assert_cmpint (adiuva_chat_problem_from_error (error), ==, ADIUVA_CHAT_PROBLEM_NO_MODEL);
  g_clear_error (&error);
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NO_MODEL);
  g_assert_nonnull (adiuva_chat_session_get_error_message (f->session));
  /* Nothing was saved: the text is the caller's still. */
  g_assert_null (adiuva_chat_session_get_conversation (f->session));
  g_assert_cmpuint (n_messages (f), ==, 0);

  /* A model picked for the conversation does; it is kept with the conversation. */
  g_assert_false (adiuva_chat_session_set_model (f->session, "auto", &error));
  g_assert_error (error, ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_ROUTES);
  g_clear_error (&error);
  g_assert_true (adiuva_chat_session_set_model (f->session, "oa/gpt-6-luna", &error));
  g_assert_no_error (error);
  send (f, "Count to five");
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_cmpstr (conversation_model (f), ==, "oa/gpt-6-luna");
  g_assert_cmpstr (adiuva_message_get_model (get_message (f, 1)), ==, "oa/gpt-6-luna");
}

static void
test_problem_from_error (void)
{
  static const struct
  {
    GQuark            domain;
    int               code;
    AdiuvaChatProblem problem;
  } cases[] = {
    { 0, 0, ADIUVA_CHAT_PROBLEM_NONE },
    { 0, ADIUVA_GATEWAY_ERROR_CANCELLED, ADIUVA_CHAT_PROBLEM_NONE },
    { 0, ADIUVA_GATEWAY_ERROR_NETWORK, ADIUVA_CHAT_PROBLEM_OFFLINE },
    { 0, ADIUVA_GATEWAY_ERROR_TIMEOUT, ADIUVA_CHAT_PROBLEM_OFFLINE },
    { 0, ADIUVA_GATEWAY_ERROR_AUTH, ADIUVA_CHAT_PROBLEM_BAD_KEY },
    { 0, ADIUVA_GATEWAY_ERROR_RATE_LIMITED, ADIUVA_CHAT_PROBLEM_RATE_LIMITED },
    { 0, ADIUVA_GATEWAY_ERROR_OVERLOADED, ADIUVA_CHAT_PROBLEM_RATE_LIMITED },
    { 0, ADIUVA_GATEWAY_ERROR_BUDGET, ADIUVA_CHAT_PROBLEM_BUDGET_REACHED },
    { 0, ADIUVA_GATEWAY_ERROR_NOT_FOUND, ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND },
    { 0, ADIUVA_GATEWAY_ERROR_SERVER, ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED },
    { 0, ADIUVA_GATEWAY_ERROR_PROTOCOL, ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED },
    { 0, ADIUVA_GATEWAY_ERROR_BAD_REQUEST, ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      if (i > 0)
        error = g_error_new_literal (ADIUVA_GATEWAY_ERROR, cases[i].code, "x");
      g_assert_cmpint (adiuva_chat_problem_from_error (error), ==, cases[i].problem);
    }
  {
    g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
    g_autoptr (GError) no_model = g_error_new_literal (
        ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL, "x");
    g_autoptr (GError) no_alias = g_error_new_literal (
        ADIUVA_WORKSPACE_GATEWAY_ERROR, ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND, "x");
    g_autoptr (GError) store = g_error_new_literal (ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                                                    "x");

    g_assert_cmpint (adiuva_chat_problem_from_error (cancelled), ==, ADIUVA_CHAT_PROBLEM_NONE);
    g_assert_cmpint (adiuva_chat_problem_from_error (no_model), ==, ADIUVA_CHAT_PROBLEM_NO_MODEL);
    g_assert_cmpint (adiuva_chat_problem_from_error (no_alias), ==,
                     ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND);
    g_assert_cmpint (adiuva_chat_problem_from_error (store), ==,
                     ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED);
  }
}

/* Model choices */

static GListModel *
list_choices (Fixture *f)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *choices;

  adiuva_model_choices_list_async (f->gateway, NULL, test_keep_result_cb, &result);
  choices = adiuva_model_choices_list_finish (test_wait_result (&result), &error);
  g_assert_no_error (error);
  return choices;
}

static void
assert_choice (GListModel *choices,
               guint       position,
               const char *reference,
               const char *provider,
               const char *model,
               gboolean    is_local)
{
  g_autoptr (AdiuvaModelChoice) choice = g_list_model_get_item (choices, position);

  g_assert_nonnull (choice);
  g_assert_cmpstr (adiuva_model_choice_get_reference (choice), ==, reference);
  g_assert_cmpstr (adiuva_model_choice_get_provider (choice), ==, provider);
  g_assert_cmpstr (adiuva_model_choice_get_model (choice), ==, model);
  g_assert_cmpint (adiuva_model_choice_get_is_local (choice), ==, is_local);
}

static void
test_model_choices (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) choices = NULL;
  g_autoptr (AdiuvaRoute) route = NULL;
  g_autofree char *down = NULL;
  g_autofree char *gone = NULL;
  g_autoptr (AdiuvaChatAnswerInfo) info = NULL;
  const char *listed[] = { NULL, NULL };
  const char *route_models[] = { "oa/gpt-6-sol", NULL };
  guint       n;

  if (f->server == NULL)
    return;

  /* A cloud provider that cannot be reached stands in with its catalogue; a local server
   * that cannot, and that has no catalogue, is left out. Ollama, local, comes first. */
  down = g_strdup_printf ("http://0.0.0.0:%u/v1", test_provider_closed_port ());
  gone = g_strdup_printf ("http://127.0.0.1:%u/v1", test_provider_closed_port ());
  adiuva_workspace_gateway_add_provider (f->gateway, "down", "openai", down, NULL, &error);
  g_assert_no_error (error);
  adiuva_workspace_gateway_add_provider (f->gateway, "gone", "openai-compatible", gone, NULL,
                                         &error);
  g_assert_no_error (error);
  adiuva_workspace_gateway_add_provider (f->gateway, "ol", "ollama", f->server->base, NULL,
                                         &error);
  g_assert_no_error (error);
  adiuva_workspace_gateway_set_alias (f->gateway, "fast", "ol/llama3.2:latest", &error);
  g_assert_no_error (error);
  adiuva_workspace_gateway_set_alias (f->gateway, "smart", "fast", &error);
  g_assert_no_error (error);

  choices = list_choices (f);
  assert_choice (choices, 0, "ol/deepseek-r1:latest", "ol", "deepseek-r1:latest", TRUE);
  assert_choice (choices, 1, "ol/llama3.2:latest", "ol", "llama3.2:latest", TRUE);
  /* What the server lists for OpenAI: the models of its recordings. */
  for (n = 2; n < g_list_model_get_n_items (choices); n++)
    {
      g_autoptr (AdiuvaModelChoice) choice = g_list_model_get_item (choices, n);

      if (g_strcmp0 (adiuva_model_choice_get_provider (choice), "oa") != 0)
        break;
      g_assert_false (adiuva_model_choice_get_is_local (choice));
      listed[0] = adiuva_model_choice_get_model (choice);
    }
  g_assert_cmpuint (n, >, 2);
  g_assert_nonnull (listed[0]);
  /* The catalogue, its embedding models left out. */
  assert_choice (choices, n++, "down/gpt-6-astra", "down", "gpt-6-astra", FALSE);
  assert_choice (choices, n++, "down/gpt-6.1-sol", "down", "gpt-6.1-sol", FALSE);
  assert_choice (choices, n++, "down/gpt-6-sol", "down", "gpt-6-sol", FALSE);
  assert_choice (choices, n++, "down/gpt-6-luna", "down", "gpt-6-luna", FALSE);
  /* Aliases, as what they lead to. */
  assert_choice (choices, n++, "fast", "ol", "llama3.2:latest", TRUE);
  assert_choice (choices, n++, "smart", "ol", "llama3.2:latest", TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, n);
  g_clear_object (&choices);

  /* With routes, auto comes last. */
  route = adiuva_route_new ("chat", "Everyday questions", route_models, &error);
  g_assert_no_error (error);
  adiuva_workspace_gateway_set_route (f->gateway, route, &error);
  g_assert_no_error (error);
  choices = list_choices (f);
  assert_choice (choices, g_list_model_get_n_items (choices) - 1, "auto", NULL, NULL, FALSE);

  /* An answer of the local model says so. */
  adiuva_chat_session_set_model (f->session, "fast", &error);
  g_assert_no_error (error);
  send (f, "Why is the sky blue?");
  g_assert_cmpint (adiuva_chat_session_get_problem (f->session), ==, ADIUVA_CHAT_PROBLEM_NONE);
  info = adiuva_chat_session_dup_answer_info (f->session, get_message (f, 1));
  g_assert_cmpstr (info->model, ==, "ol/llama3.2:latest");
  g_assert_true (info->is_local);
  g_assert_cmpfloat (info->cost, ==, 0);

  adiuva_workspace_gateway_remove_provider (f->gateway, "down", NULL);
  adiuva_workspace_gateway_remove_provider (f->gateway, "gone", NULL);
}

/* "On this computer" is said only of what runs there: an OpenAI-compatible server may be LM
 * Studio on this machine or a cloud service. */
static void
test_local_providers (void)
{
  const struct
  {
    const char *kind;
    const char *base_url;
    gboolean    is_local;
  } cases[] = {
    { "ollama", NULL, TRUE },
    { "ollama", "http://192.168.1.20:11434", TRUE },
    { "openai-compatible", "http://127.0.0.1:1234/v1", TRUE },
    { "openai-compatible", "http://localhost:8080/v1", TRUE },
    { "openai-compatible", "https://api.together.xyz/v1", FALSE },
    { "openai", NULL, FALSE },
    { "openai", "http://[::1]:8000/v1", TRUE },
    { "no-such-kind", "http://127.0.0.1/v1", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AdiuvaWorkspaceProvider provider = { (char *) "p", (char *) cases[i].kind,
                                           (char *) cases[i].base_url, FALSE };

      g_test_message ("%s at %s", cases[i].kind, cases[i].base_url);
      g_assert_cmpint (_adiuva_workspace_provider_is_local (&provider, NULL), ==,
                       cases[i].is_local);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assistant/chat-session/problem-from-error", test_problem_from_error);
  g_test_add_func ("/assistant/chat-session/local-providers", test_local_providers);
#define ADD(path, func)                                                             \
  g_test_add ("/assistant/chat-session/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("stream-and-reopen", test_stream_and_reopen);
  ADD ("retried-call-link", test_retried_call_link);
  ADD ("saved-while-streaming", test_saved_while_streaming);
  ADD ("killed-mid-answer", test_killed_mid_answer);
  ADD ("unknown-tokens", test_unknown_tokens);
  ADD ("stop", test_stop);
  ADD ("regenerate", test_regenerate);
  ADD ("edit-and-resend", test_edit_and_resend);
  ADD ("busy", test_busy);
  ADD ("keyring-waits", test_keyring_waits);
  ADD ("problems", test_problems);
  ADD ("no-model", test_no_model);
  ADD ("model-choices", test_model_choices);
#undef ADD

  return g_test_run ();
}
