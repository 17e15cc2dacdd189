/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-chat"

#include "config.h"

#include <string.h>

#include "adiuva-chat-message-row-private.h"
#include "adiuva-chat-page-private.h"
#include "test-provider-util.h"
#include "test-ui-util.h"

/* The Chat page on a real workspace, with the private keyring of build-aux/test-env and the real
 * provider test server as a cloud provider (“oa”, reached at 0.0.0.0, which is not a loopback
 * address) and as a local Ollama (“ol”, at 127.0.0.1). */

#define MODEL "oa/gpt-3.5-turbo-0125"
/* The words of the default streamed recording, with its usage: 14 tokens in, 13 out. */
#define ANSWER_START "1, 2, 3"

typedef enum
{
  NO_PROVIDERS,
  NO_DEFAULT_MODEL,
  WITH_DEFAULT_MODEL,
} Setup;

typedef struct
{
  TestProvider           *server;
  char                   *dir;
  AdiuvaStore            *store;
  AdiuvaWorkspaceGateway *gateway;
  GtkWindow              *window;
  GtkWidget              *toasts;
  AdiuvaChatPage         *page;
} Fixture;

static void
add_provider (Fixture    *fixture,
              const char *name,
              const char *kind,
              const char *base_url)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (adiuva_workspace_gateway_add_provider (fixture->gateway, name, kind, base_url,
                                                        "sk-test-chat-1729", &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  Setup            setup = GPOINTER_TO_INT (data);
  g_autofree char *cloud = NULL;
  g_autoptr (GError) error = NULL;

  fixture->server = test_provider_start ();
  if (fixture->server == NULL)
    return;

  fixture->dir = test_ui_make_dir ();
  fixture->store = test_ui_create_store (fixture->dir);
  fixture->gateway = adiuva_workspace_gateway_new (fixture->store);
  if (setup != NO_PROVIDERS)
    {
      cloud = g_strdup_printf ("http://0.0.0.0:%u/v1", fixture->server->port);
      add_provider (fixture, "oa", "openai", cloud);
      add_provider (fixture, "ol", "ollama", fixture->server->base);
    }
  if (setup == WITH_DEFAULT_MODEL)
    {
      g_assert_true (adiuva_workspace_gateway_set_default_model (fixture->gateway, MODEL, &error));
      g_assert_no_error (error);
    }

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 680);
  fixture->toasts = adw_toast_overlay_new ();
  fixture->page = g_object_new (ADIUVA_TYPE_CHAT_PAGE, "store", fixture->store, "gateway",
                                fixture->gateway, NULL);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (fixture->toasts), GTK_WIDGET (fixture->page));
  gtk_window_set_child (fixture->window, fixture->toasts);
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  if (fixture->server == NULL)
    {
      g_test_skip ("The recorded provider traffic (FIXTURES_DIR) is not there");
      return;
    }

  /* The call log is written by a thread of its own, which needs the workspace folder. */
  adiuva_workspace_gateway_flush_call_log (fixture->gateway);
  test_ui_destroy_window (fixture->window);
  g_clear_object (&fixture->gateway);
  g_clear_object (&fixture->store);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_clear_pointer (&fixture->server, test_provider_stop);
}

static AdiuvaChatSession *
session (Fixture *fixture)
{
  return _adiuva_chat_page_get_session (fixture->page);
}

static gboolean
is_idle (gpointer data)
{
  return !adiuva_chat_session_get_busy (data);
}

static void
wait_for_answer (Fixture *fixture)
{
  test_ui_wait_until (is_idle, session (fixture));
}

static void
send (Fixture    *fixture,
      const char *text)
{
  _adiuva_chat_page_set_composer_text (fixture->page, text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.send", NULL));
  g_assert_true (adiuva_chat_session_get_busy (session (fixture)));
}

static guint
n_messages (Fixture *fixture)
{
  return g_list_model_get_n_items (adiuva_chat_session_get_messages (session (fixture)));
}

static AdiuvaMessage *
message_at (Fixture *fixture,
            guint    index)
{
  g_autoptr (AdiuvaMessage) message =
      g_list_model_get_item (adiuva_chat_session_get_messages (session (fixture)), index);

  return message;
}

static AdiuvaChatMessageRow *
last_row (Fixture *fixture)
{
  return _adiuva_chat_page_get_message_row (fixture->page, n_messages (fixture) - 1);
}

static gboolean
has_choices (gpointer data)
{
  return _adiuva_chat_page_get_model_choices (data) != NULL;
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* Tokens come one small write at a time; the answer grows on screen, then the footer says who
 * answered, where, with how many tokens, at what cost and how soon. */
static void
test_stream (Fixture      *fixture,
             gconstpointer data)
{
  AdiuvaChatMessageRow *row;
  AdiuvaMessage        *answer;
  const char           *footer;
  guint                 updates = 0;
  guint                 renders_while_busy = 0;
  g_autofree char      *seen = NULL;
  guint                 texts_seen = 0;

  if (fixture->server == NULL)
    return;

  test_provider_script (fixture->server,
                        "[{\"match\": \"/v1/chat/completions\", \"chunk\": 200, "
                        "\"delay_ms\": 20}]");
  g_assert_cmpstr (_adiuva_chat_page_get_state (fixture->page), ==, "chat");
  send (fixture, "Count to ten, please.");
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  answer = message_at (fixture, 1);
  g_assert_cmpint (adiuva_message_get_role (answer), ==, ADIUVA_MESSAGE_ROLE_ASSISTANT);
  g_signal_connect_swapped (answer, "notify::content", G_CALLBACK (count_cb), &updates);

  row = last_row (fixture);
  g_assert_cmpstr (_adiuva_chat_message_row_get_footer (row), ==, "Writing…");
  while (adiuva_chat_session_get_busy (session (fixture)))
    {
      const char *shown;

      g_main_context_iteration (NULL, TRUE);
      shown = _adiuva_chat_message_row_get_shown_text (row);
      if (shown != NULL && *shown != '\0' && g_strcmp0 (shown, seen) != 0)
        {
          g_free (seen);
          seen = g_strdup (shown);
          texts_seen++;
        }
      renders_while_busy = _adiuva_chat_message_row_get_n_renders (row);
    }
  g_signal_handlers_disconnect_by_data (answer, &updates);

  /* Several growing texts reached the screen before the end, not one at the end. */
  g_assert_cmpuint (updates, >, 1);
  g_assert_cmpuint (texts_seen, >, 1);
  g_assert_cmpuint (renders_while_busy, >, 2);
  g_assert_true (g_str_has_prefix (adiuva_message_get_content (answer), ANSWER_START));
  g_assert_cmpstr (_adiuva_chat_message_row_get_shown_text (row), ==,
                   adiuva_message_get_content (answer));
  g_assert_cmpint (adiuva_chat_session_get_problem (session (fixture)), ==,
                   ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_null (_adiuva_chat_page_get_problem_title (fixture->page));

  footer = _adiuva_chat_message_row_get_footer (row);
  g_test_message ("Footer: %s", footer);
  g_assert_nonnull (footer);
  g_assert_nonnull (strstr (footer, "gpt-3.5-turbo"));
  g_assert_nonnull (strstr (footer, "In the cloud (oa)"));
  g_assert_nonnull (strstr (footer, "14 tokens in, 13 out"));
  g_assert_nonnull (strstr (footer, "first token after "));

  /* The user's words are in their own row, as sent. */
  g_assert_cmpstr (_adiuva_chat_message_row_get_shown_text (
                       _adiuva_chat_page_get_message_row (fixture->page, 0)),
                   ==, "Count to ten, please.");

  test_provider_script (
      fixture->server,
      "[{\"match\": \"/v1/chat/completions\", \"body\": \"data: {\\\"choices\\\":[{\\\"index\\\":0,"
      "\\\"delta\\\":{\\\"content\\\":\\\"Here is a start:\\\\n\\\\n```c\\\\nint\\\\nmain (void)"
      "\\\\n{\\\\n  return 0;\\\\n}\\\\n```\\\\n\\\\nThe **return** ends it.\\\"}}]}\\n\\n"
      "data: [DONE]\\n\\n\", \"headers\": {\"Content-Type\": \"text/event-stream\"}}]");
  send (fixture, "Write the smallest C program.");
  wait_for_answer (fixture);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "chat-page");
  test_ui_screenshot_dark (GTK_WIDGET (fixture->window), "chat-page-dark");
}

static gboolean
is_linked_to_call (gpointer data)
{
  return adiuva_message_get_llm_call_id (data) != 0;
}

/* The list prices of the provider table, for a cloud model the test server answers to (it
 * replays its recording, with its usage, whatever model it is asked): the footer and the call
 * log say what the reported tokens cost at them. */
static void
test_cost (Fixture      *fixture,
           gconstpointer data)
{
  const AdiuvaModelInfo *sol = adiuva_provider_info_lookup_model (
      adiuva_provider_table_lookup (adiuva_provider_table_get_default (), "openai"), "gpt-6-sol");
  g_autoptr (AdiuvaChatAnswerInfo) info = NULL;
  g_autoptr (AdiuvaLlmCall) call = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaMessage *answer;
  const char    *footer;
  double         cost;

  if (fixture->server == NULL)
    return;

  g_assert_nonnull (sol);
  /* USD per million tokens, as providers.json has them; the footer text below follows. */
  g_assert_cmpfloat (sol->input_price, ==, 2.0);
  g_assert_cmpfloat (sol->output_price, ==, 10.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.use-model", "s",
                                             "oa/gpt-6-sol"));
  send (fixture, "Count to five, please.");
  wait_for_answer (fixture);

  answer = message_at (fixture, 1);
  info = adiuva_chat_session_dup_answer_info (session (fixture), answer);
  g_assert_cmpint (info->tokens_in, ==, 14);
  g_assert_cmpint (info->tokens_out, ==, 13);
  cost = (14 * sol->input_price + 13 * sol->output_price) / 1e6;
  g_assert_cmpfloat_with_epsilon (info->cost, cost, 1e-12);

  /* 14 × $2/M + 13 × $10/M = $0.000158, shown to two significant digits. */
  footer = _adiuva_chat_message_row_get_footer (last_row (fixture));
  g_test_message ("Footer: %s", footer);
  g_assert_nonnull (strstr (footer, "oa/gpt-6-sol · In the cloud (oa) · 14 tokens in, 13 out · "
                                    "$0.00016 · first token after "));

  adiuva_workspace_gateway_flush_call_log (fixture->gateway);
  test_ui_wait_until (is_linked_to_call, answer);
  call = adiuva_store_get_llm_call (fixture->store, adiuva_message_get_llm_call_id (answer),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (call->model, ==, "gpt-6-sol");
  g_assert_cmpint (call->tokens_in, ==, 14);
  g_assert_cmpint (call->tokens_out, ==, 13);
  g_assert_cmpfloat_with_epsilon (call->cost, cost, 1e-12);
}

/* A provider that reports no usage: the footer does not make up a count, nor a cost. */
static void
test_unknown_tokens (Fixture      *fixture,
                     gconstpointer data)
{
  const char *footer;

  if (fixture->server == NULL)
    return;

  test_provider_script (fixture->server,
                        "[{\"match\": \"/v1/chat/completions\", \"fixture\": "
                        "\"openai/plano_gpt35_text_stream_done.sse\"}]");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.use-model", "s",
                                             "oa/gpt-6-sol"));
  send (fixture, "Hello");
  wait_for_answer (fixture);
  footer = _adiuva_chat_message_row_get_footer (last_row (fixture));
  g_test_message ("Footer: %s", footer);
  g_assert_true (g_str_has_prefix (footer, "oa/gpt-6-sol · In the cloud (oa) · tokens unknown · "
                                           "first token after "));
  g_assert_null (strstr (footer, "$"));
}

static gboolean
has_partial_answer (gpointer data)
{
  Fixture    *fixture = data;
  const char *content;

  if (n_messages (fixture) < 2)
    return FALSE;

  content = adiuva_message_get_content (message_at (fixture, 1));
  return content != NULL && *content != '\0';
}

/* Stop (Escape) ends an answer the provider stalls on, and keeps what came. */
static void
test_stop (Fixture      *fixture,
           gconstpointer data)
{
  g_autofree char *partial = NULL;

  if (fixture->server == NULL)
    return;

  test_provider_script (fixture->server,
                        "[{\"match\": \"/v1/chat/completions\", \"stall_after\": 1500}]");
  send (fixture, "Count to ten, please.");
  test_ui_wait_until (has_partial_answer, fixture);
  g_assert_true (adiuva_chat_session_get_busy (session (fixture)));
  partial = g_strdup (adiuva_message_get_content (message_at (fixture, 1)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.stop", NULL));
  wait_for_answer (fixture);
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  g_assert_true (g_str_has_prefix (adiuva_message_get_content (message_at (fixture, 1)), partial));
  g_assert_cmpstr (_adiuva_chat_message_row_get_shown_text (last_row (fixture)), ==,
                   adiuva_message_get_content (message_at (fixture, 1)));
  /* Stopping is no problem. */
  g_assert_cmpint (adiuva_chat_session_get_problem (session (fixture)), ==,
                   ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_null (_adiuva_chat_page_get_problem_title (fixture->page));
}

static void
clipboard_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr (GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The body of the last chat request the server received. */
static char *
dup_last_chat_request (Fixture *fixture)
{
  g_autoptr (JsonArray) requests = test_provider_requests (fixture->server);

  for (guint i = json_array_get_length (requests); i > 0; i--)
    {
      JsonObject *request = json_array_get_object_element (requests, i - 1);

      if (g_str_equal (json_object_get_string_member (request, "path"), "/v1/chat/completions"))
        return g_strdup (json_object_get_string_member (request, "body_text"));
    }

  g_assert_not_reached ();
}

/* Regenerate asks again; Copy puts the answer on the clipboard; Edit and Send Again replaces the
 * question and what came after it. */
static void
test_regenerate_copy_edit (Fixture      *fixture,
                           gconstpointer data)
{
  GdkClipboard         *clipboard;
  AdiuvaChatMessageRow *row;
  g_autofree char      *copied = NULL;
  g_autofree char      *request = NULL;

  if (fixture->server == NULL)
    return;

  send (fixture, "Count to ten, please.");
  wait_for_answer (fixture);
  g_assert_cmpuint (test_provider_count_requests (fixture->server, "/v1/chat/completions"), ==, 1);

  /* Regenerate: the answer is replaced by a new one. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.regenerate", NULL));
  wait_for_answer (fixture);
  g_assert_cmpuint (test_provider_count_requests (fixture->server, "/v1/chat/completions"), ==, 2);
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  g_assert_true (g_str_has_prefix (adiuva_message_get_content (message_at (fixture, 1)),
                                   ANSWER_START));

  /* Copy (Ctrl+Shift+C): the answer's Markdown. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.copy-last", NULL));
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->page));
  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_cb, &copied);
  test_ui_wait_until (is_set, &copied);
  g_assert_cmpstr (copied, ==, adiuva_message_get_content (message_at (fixture, 1)));

  /* Edit and Send Again (Ctrl+E, then Ctrl+Enter); Escape leaves the message as it was. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.edit-last", NULL));
  row = _adiuva_chat_page_get_message_row (fixture->page, 0);
  g_assert_true (_adiuva_chat_message_row_get_editing (row));
  _adiuva_chat_message_row_set_edit_text (row, "Never mind.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "message.cancel-edit", NULL));
  g_assert_false (_adiuva_chat_message_row_get_editing (row));
  g_assert_cmpstr (adiuva_message_get_content (message_at (fixture, 0)), ==,
                   "Count to ten, please.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.edit-last", NULL));
  g_assert_true (_adiuva_chat_message_row_get_editing (row));
  _adiuva_chat_message_row_set_edit_text (row, "Count to five instead.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "message.resend", NULL));
  g_assert_false (_adiuva_chat_message_row_get_editing (row));
  wait_for_answer (fixture);
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  g_assert_cmpstr (adiuva_message_get_content (message_at (fixture, 0)), ==,
                   "Count to five instead.");
  g_assert_cmpstr (_adiuva_chat_message_row_get_shown_text (
                       _adiuva_chat_page_get_message_row (fixture->page, 0)),
                   ==, "Count to five instead.");
  request = dup_last_chat_request (fixture);
  g_test_message ("Request: %s", request);
  g_assert_nonnull (strstr (request, "Count to five instead."));
  g_assert_null (strstr (request, "Count to ten"));
}

typedef struct
{
  const char *script;
  const char *model;
  gboolean    over_budget;
  const char *title;
  const char *primary_action;
  const char *secondary_action;
} ProblemCase;

/* A budget of one token a day for the whole workspace, or none again. */
static void
set_tiny_budget (Fixture *fixture,
                 gboolean set)
{
  AdiuvaWorkspaceBudget budget = { ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, 1, -1 };
  g_autoptr (GError) error = NULL;

  if (set)
    g_assert_true (adiuva_workspace_gateway_set_budget (fixture->gateway, &budget, &error));
  else
    g_assert_true (adiuva_workspace_gateway_remove_budget (
        fixture->gateway, ADIUVA_BUDGET_GLOBAL, NULL, ADIUVA_BUDGET_DAY, &error));
  g_assert_no_error (error);
}

/* A refused key, a rate limit, a used-up budget and a provider nobody answers for: each in its
 * own words, each with its own way forward. */
static void
test_problems (Fixture      *fixture,
               gconstpointer data)
{
  g_autofree char  *closed = NULL;
  const ProblemCase cases[] = {
    { "[{\"match\": \"/v1/chat/completions\", \"status\": 401}]", MODEL, FALSE,
      "The API Key Was Refused", "app.preferences", NULL },
    { "[{\"match\": \"/v1/chat/completions\", \"status\": 429, \"times\": 20}]", MODEL,
      FALSE, "Too Many Requests", "chat.regenerate", NULL },
    { NULL, MODEL, TRUE, "Budget Reached", "app.preferences", "chat.use-local-model" },
    { NULL, "gone/gpt-3.5-turbo-0125", FALSE, "The Provider Cannot Be Reached",
      "chat.regenerate", "chat.use-local-model" },
  };

  if (fixture->server == NULL)
    return;

  closed = g_strdup_printf ("http://127.0.0.1:%u/v1", test_provider_closed_port ());
  add_provider (fixture, "gone", "openai", closed);
  test_ui_wait_until (has_choices, fixture->page);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Question %u", i);

      /* Each in a conversation of its own. */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.new", NULL));
      test_provider_reset (fixture->server);
      if (cases[i].script != NULL)
        test_provider_script (fixture->server, cases[i].script);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.use-model",
                                                 "s", cases[i].model));
      if (cases[i].over_budget)
        {
          /* The first answer goes through and uses the budget up. */
          set_tiny_budget (fixture, TRUE);
          send (fixture, "Warm up");
          wait_for_answer (fixture);
          g_assert_null (_adiuva_chat_page_get_problem_title (fixture->page));
        }
      send (fixture, prompt);
      g_assert_null (_adiuva_chat_page_get_problem_title (fixture->page));
      wait_for_answer (fixture);
      if (cases[i].over_budget)
        set_tiny_budget (fixture, FALSE);
      g_test_message ("%s: %s", cases[i].title,
                      adiuva_chat_session_get_error_message (session (fixture)));
      g_assert_cmpstr (_adiuva_chat_page_get_problem_title (fixture->page), ==, cases[i].title);
      g_assert_cmpstr (_adiuva_chat_page_get_problem_action (fixture->page, TRUE), ==,
                       cases[i].primary_action);
      g_assert_cmpstr (_adiuva_chat_page_get_problem_action (fixture->page, FALSE), ==,
                       cases[i].secondary_action);
    }
  test_ui_screenshot (GTK_WIDGET (fixture->window), "chat-error");

  /* The way forward: a local model answers, and the problem goes. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.use-local-model", NULL));
  g_assert_true (g_str_has_prefix (adiuva_chat_session_get_model (session (fixture)), "ol/"));
  wait_for_answer (fixture);
  g_assert_cmpint (adiuva_chat_session_get_problem (session (fixture)), ==,
                   ADIUVA_CHAT_PROBLEM_NONE);
  g_assert_null (_adiuva_chat_page_get_problem_title (fixture->page));
  g_assert_nonnull (strstr (_adiuva_chat_message_row_get_footer (last_row (fixture)),
                            "On this computer"));
}

static const char *
conversation_title (Fixture *fixture)
{
  AdiuvaConversation *conversation = adiuva_chat_session_get_conversation (session (fixture));

  return conversation != NULL ? adiuva_conversation_get_title (conversation) : NULL;
}

typedef struct
{
  AdiuvaChatPage *page;
  guint           n;
} ConversationsWait;

static gboolean
has_n_conversations (gpointer data)
{
  ConversationsWait *wait = data;

  return _adiuva_chat_page_get_n_conversations (wait->page) == wait->n;
}

static void
wait_for_conversations (Fixture *fixture,
                        guint    n)
{
  ConversationsWait wait = { fixture->page, n };

  test_ui_wait_until (has_n_conversations, &wait);
}

static gint64
conversation_id (Fixture *fixture)
{
  return adiuva_record_get_id (
      ADIUVA_RECORD (adiuva_chat_session_get_conversation (session (fixture))));
}

/* New, switch (Ctrl+Page Up/Down), delete (Ctrl+Delete) and Undo, which brings the messages
 * back too, with their ids. */
static void
test_conversations (Fixture      *fixture,
                    gconstpointer data)
{
  GtkWidget *undo;
  gint64     deleted_id, question_id, answer_id;

  if (fixture->server == NULL)
    return;

  g_assert_cmpuint (_adiuva_chat_page_get_n_conversations (fixture->page), ==, 0);
  send (fixture, "First question");
  wait_for_answer (fixture);
  wait_for_conversations (fixture, 1);
  g_assert_cmpstr (conversation_title (fixture), ==, "First question");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.new", NULL));
  g_assert_null (conversation_title (fixture));
  g_assert_cmpuint (n_messages (fixture), ==, 0);
  send (fixture, "Second question");
  wait_for_answer (fixture);
  wait_for_conversations (fixture, 2);

  /* Newest first: the next one down is the first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.next", NULL));
  g_assert_cmpstr (conversation_title (fixture), ==, "First question");
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  g_assert_cmpstr (adiuva_message_get_content (message_at (fixture, 0)), ==, "First question");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.previous", NULL));
  g_assert_cmpstr (conversation_title (fixture), ==, "Second question");
  deleted_id = conversation_id (fixture);
  question_id = adiuva_record_get_id (ADIUVA_RECORD (message_at (fixture, 0)));
  answer_id = adiuva_record_get_id (ADIUVA_RECORD (message_at (fixture, 1)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.delete", NULL));
  g_assert_null (conversation_title (fixture));
  wait_for_conversations (fixture, 1);

  undo = test_ui_find_descendant (fixture->toasts, GTK_TYPE_BUTTON, "_Undo");
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  wait_for_conversations (fixture, 2);
  /* Back at the top, with its messages. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.next", NULL));
  g_assert_cmpstr (conversation_title (fixture), ==, "Second question");
  g_assert_cmpint (conversation_id (fixture), ==, deleted_id);
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  g_assert_cmpstr (adiuva_message_get_content (message_at (fixture, 0)), ==, "Second question");
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (message_at (fixture, 0))), ==, question_id);
  g_assert_cmpint (adiuva_record_get_id (ADIUVA_RECORD (message_at (fixture, 1))), ==, answer_id);
  g_assert_true (g_str_has_prefix (adiuva_message_get_content (message_at (fixture, 1)),
                                   ANSWER_START));
}

static gboolean
has_text_height (gpointer data)
{
  return _adiuva_chat_message_row_get_text_height (data) > 0;
}

/* An answer a crash cut off (saved while it streamed, never ended) is shown as it came, with a
 * note and Regenerate; regenerating replaces it. */
static void
test_cut_off (Fixture      *fixture,
              gconstpointer data)
{
  g_autoptr (AdiuvaConversation) conversation = adiuva_conversation_new ();
  g_autoptr (AdiuvaMessage) question = NULL;
  g_autoptr (AdiuvaMessage) cut = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaChatMessageRow *row;

  if (fixture->server == NULL)
    return;

  adiuva_conversation_set_title (conversation, "Count to five");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (conversation), &error));
  question = adiuva_message_new (adiuva_record_get_id (ADIUVA_RECORD (conversation)),
                                 ADIUVA_MESSAGE_ROLE_USER, "Count to five");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (question), &error));
  cut = adiuva_message_new (adiuva_record_get_id (ADIUVA_RECORD (conversation)),
                            ADIUVA_MESSAGE_ROLE_ASSISTANT, "1, 2");
  adiuva_message_set_unfinished (cut, TRUE);
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (cut), &error));
  g_assert_no_error (error);

  wait_for_conversations (fixture, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.next", NULL));
  g_assert_cmpstr (conversation_title (fixture), ==, "Count to five");
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  row = last_row (fixture);
  g_assert_cmpstr (_adiuva_chat_message_row_get_shown_text (row), ==, "1, 2");
  g_assert_true (_adiuva_chat_message_row_get_cut_off (row));
  g_assert_false (_adiuva_chat_message_row_get_cut_off (
      _adiuva_chat_page_get_message_row (fixture->page, 0)));
  /* Its text is on screen, not just in the row (a text view given its text before it was
   * shown once kept a height of 0). */
  test_ui_wait_until (has_text_height, row);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "chat-cut-off");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "message.regenerate", NULL));
  wait_for_answer (fixture);
  g_assert_cmpuint (n_messages (fixture), ==, 2);
  row = last_row (fixture);
  g_assert_true (g_str_has_prefix (_adiuva_chat_message_row_get_shown_text (row), ANSWER_START));
  g_assert_false (_adiuva_chat_message_row_get_cut_off (row));
}

/* The open picker marks one row, @reference's, as the model in use. */
static void
assert_marked_model (Fixture    *fixture,
                     const char *reference)
{
  g_auto (GStrv) marked = NULL;

  /* The rows are made as the list is shown. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  marked = _adiuva_chat_page_dup_marked_models (fixture->page);
  g_assert_cmpuint (g_strv_length (marked), ==, 1);
  g_assert_cmpstr (marked[0], ==, reference);
}

/* The picker lists local models first, each saying where it runs, with a check mark on the one
 * in use; the button says it of the model chosen. */
static void
test_models (Fixture      *fixture,
             gconstpointer data)
{
  GListModel *choices;
  gboolean    local_seen = FALSE, cloud_seen = FALSE;
  const char *local_reference = NULL;

  if (fixture->server == NULL)
    return;

  test_ui_wait_until (has_choices, fixture->page);
  choices = _adiuva_chat_page_get_model_choices (fixture->page);
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr (AdiuvaModelChoice) choice = g_list_model_get_item (choices, i);

      if (adiuva_model_choice_get_is_local (choice))
        {
          g_assert_cmpstr (adiuva_model_choice_get_provider (choice), ==, "ol");
          /* Local ones first. */
          g_assert_false (cloud_seen);
          local_seen = TRUE;
          if (local_reference == NULL)
            local_reference = g_intern_string (adiuva_model_choice_get_reference (choice));
        }
      else if (g_strcmp0 (adiuva_model_choice_get_provider (choice), "oa") == 0)
        cloud_seen = TRUE;
    }
  g_assert_true (local_seen);
  g_assert_true (cloud_seen);

  /* The default model, in the cloud. */
  g_assert_cmpstr (_adiuva_chat_page_get_model_label (fixture->page), ==, MODEL);
  g_assert_cmpstr (_adiuva_chat_page_get_model_place (fixture->page), ==, "In the cloud (oa)");

  /* Ctrl+M opens the picker, which lists them all. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.choose-model", NULL));
  g_assert_true (gtk_widget_get_visible (_adiuva_chat_page_get_model_popover (fixture->page)));
  g_assert_cmpuint (_adiuva_chat_page_get_n_model_rows (fixture->page), ==,
                    g_list_model_get_n_items (choices));
  assert_marked_model (fixture, MODEL);
  test_ui_screenshot (_adiuva_chat_page_get_model_popover (fixture->page), "chat-model-picker");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.use-model", "s",
                                             local_reference));
  g_assert_false (gtk_widget_get_visible (_adiuva_chat_page_get_model_popover (fixture->page)));
  g_assert_cmpstr (_adiuva_chat_page_get_model_label (fixture->page), ==, local_reference);
  g_assert_cmpstr (_adiuva_chat_page_get_model_place (fixture->page), ==, "On this computer");

  /* The check mark moved with it. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.choose-model", NULL));
  assert_marked_model (fixture, local_reference);
}

static gboolean
is_folded (gpointer data)
{
  GtkWidget *leaflet = test_ui_find_descendant (data, ADW_TYPE_LEAFLET, NULL);

  return leaflet != NULL && adw_leaflet_get_folded (ADW_LEAFLET (leaflet));
}

/* At 360 px the conversation is a panel over the list: Escape (chat.back) goes back to it. */
static void
test_narrow (Fixture      *fixture,
             gconstpointer data)
{
  AdwLeaflet *leaflet;

  if (fixture->server == NULL)
    return;

  gtk_window_set_default_size (fixture->window, 360, 640);
  test_ui_wait_until (is_folded, fixture->page);
  leaflet = ADW_LEAFLET (test_ui_find_descendant (GTK_WIDGET (fixture->page), ADW_TYPE_LEAFLET,
                                                  NULL));
  send (fixture, "Count to ten, please.");
  wait_for_answer (fixture);
  test_ui_screenshot (GTK_WIDGET (fixture->window), "chat-narrow");
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), <=, 360);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.new", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.back", NULL));
  g_assert_false (GTK_IS_STACK (adw_leaflet_get_visible_child (leaflet)));
}

/* No model picked and no default: the problem says so, and the picker is the way forward;
 * nothing was sent or saved. */
static void
test_no_model (Fixture      *fixture,
               gconstpointer data)
{
  if (fixture->server == NULL)
    return;

  g_assert_cmpstr (_adiuva_chat_page_get_model_label (fixture->page), ==, "Choose a Model");
  _adiuva_chat_page_set_composer_text (fixture->page, "Hello?");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "chat.send", NULL));
  g_assert_false (adiuva_chat_session_get_busy (session (fixture)));
  g_assert_cmpstr (_adiuva_chat_page_get_problem_title (fixture->page), ==, "No Model Chosen");
  g_assert_cmpstr (_adiuva_chat_page_get_problem_action (fixture->page, TRUE), ==,
                   "chat.choose-model");
  g_assert_cmpuint (n_messages (fixture), ==, 0);
  g_assert_cmpuint (test_provider_count_requests (fixture->server, "/v1/chat/completions"), ==, 0);
}

/* Without providers the page says how to add one; once one is added, the chat is there. */
static void
test_setup (Fixture      *fixture,
            gconstpointer data)
{
  if (fixture->server == NULL)
    return;

  g_assert_cmpstr (_adiuva_chat_page_get_state (fixture->page), ==, "setup");
  test_ui_screenshot (GTK_WIDGET (fixture->window), "chat-setup");
  add_provider (fixture, "ol", "ollama", fixture->server->base);
  g_assert_cmpstr (_adiuva_chat_page_get_state (fixture->page), ==, "chat");
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/ui/chat/stream", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL), fixture_set_up,
              test_stream, fixture_tear_down);
  g_test_add ("/ui/chat/cost", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL), fixture_set_up,
              test_cost, fixture_tear_down);
  g_test_add ("/ui/chat/unknown-tokens", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL),
              fixture_set_up, test_unknown_tokens, fixture_tear_down);
  g_test_add ("/ui/chat/stop", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL), fixture_set_up,
              test_stop, fixture_tear_down);
  g_test_add ("/ui/chat/regenerate-copy-edit", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL),
              fixture_set_up, test_regenerate_copy_edit, fixture_tear_down);
  g_test_add ("/ui/chat/problems", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL), fixture_set_up,
              test_problems, fixture_tear_down);
  g_test_add ("/ui/chat/conversations", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL),
              fixture_set_up, test_conversations, fixture_tear_down);
  g_test_add ("/ui/chat/cut-off", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL),
              fixture_set_up, test_cut_off, fixture_tear_down);
  g_test_add ("/ui/chat/models", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL), fixture_set_up,
              test_models, fixture_tear_down);
  g_test_add ("/ui/chat/narrow", Fixture, GINT_TO_POINTER (WITH_DEFAULT_MODEL), fixture_set_up,
              test_narrow, fixture_tear_down);
  g_test_add ("/ui/chat/no-model", Fixture, GINT_TO_POINTER (NO_DEFAULT_MODEL), fixture_set_up,
              test_no_model, fixture_tear_down);
  g_test_add ("/ui/chat/setup", Fixture, GINT_TO_POINTER (NO_PROVIDERS), fixture_set_up,
              test_setup, fixture_tear_down);

  return g_test_run ();
}
