/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-conversations"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "adiuva-store.h"
#include "adiuva-store-private.h"
#include "test-store-util.h"
#include "test-tree.h"

static AdiuvaConversation *
add_conversation (AdiuvaStore *store,
                  const char  *title,
                  gint64       project_id)
{
  g_autoptr (GError) error = NULL;
  AdiuvaConversation *conversation = adiuva_conversation_new ();

  adiuva_conversation_set_title (conversation, title);
  adiuva_conversation_set_project_id (conversation, project_id);
  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (conversation), &error));
  g_assert_no_error (error);

  return conversation;
}

static AdiuvaMessage *
add_message (AdiuvaStore      *store,
             gint64            conversation_id,
             AdiuvaMessageRole role,
             const char       *content)
{
  g_autoptr (GError) error = NULL;
  AdiuvaMessage *message = adiuva_message_new (conversation_id, role, content);

  g_assert_true (adiuva_store_add (store, ADIUVA_RECORD (message), &error));
  g_assert_no_error (error);

  return message;
}

static gint64
count_rows (AdiuvaStore *store,
            const char  *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        n;

  g_assert_cmpint (sqlite3_prepare_v2 (_adiuva_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/* A call of 12 tokens in and 34 out, as the call log keeps it; its row id. */
static gint64
add_logged_call (AdiuvaStore *store)
{
  g_autoptr (GError) error = NULL;
  gint64 call_id = 0;

  g_assert_true (adiuva_store_add_llm_call_full (store, "chat", "openai", "gpt-4o-mini", 12, 34,
                                                 0.001, 900, 120, "ok", 0, &call_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (call_id, >, 0);

  return call_id;
}

/* The tokens out of the calls that messages are linked to. */
#define LINKED_TOKENS_OUT \
  "SELECT tokens_out FROM llm_calls JOIN messages ON messages.llm_call_id = llm_calls.id"

static gint64
record_id (gpointer record)
{
  return adiuva_record_get_id (ADIUVA_RECORD (record));
}

static const char tool_calls[] = "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                                 "{\"name\":\"list_tasks\",\"arguments\":\"{}\"}}]";

static void
test_crud (Fixture      *fixture,
           gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaConversation) conversation = NULL;
  g_autoptr (AdiuvaConversation) loaded = NULL;
  g_autoptr (AdiuvaMessage) message = NULL;
  g_autoptr (AdiuvaMessage) tool = NULL;
  g_autoptr (AdiuvaMessage) read = NULL;
  g_autoptr (AdiuvaConversation) gone = NULL;

  /* A new conversation has no title until its first exchange names it. */
  conversation = add_conversation (fixture->store, NULL, 0);
  g_assert_cmpint (record_id (conversation), >, 0);
  loaded = adiuva_store_get (fixture->store, ADIUVA_TYPE_CONVERSATION, record_id (conversation),
                             &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_conversation_get_title (loaded), ==, "");
  g_assert_cmpint (adiuva_conversation_get_project_id (loaded), ==, 0);
  g_assert_null (adiuva_conversation_get_model (loaded));
  g_assert_cmpint (adiuva_record_get_created_at (ADIUVA_RECORD (loaded)), >, 0);

  adiuva_conversation_set_title (loaded, "Invoice wording");
  adiuva_conversation_set_model (loaded, "local/llama3");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (loaded), &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = adiuva_store_get (fixture->store, ADIUVA_TYPE_CONVERSATION, record_id (conversation),
                             &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_conversation_get_title (loaded), ==, "Invoice wording");
  g_assert_cmpstr (adiuva_conversation_get_model (loaded), ==, "local/llama3");

  /* An assistant message that only calls a tool has no text, and the tool answers it. */
  message = add_message (fixture->store, record_id (conversation), ADIUVA_MESSAGE_ROLE_ASSISTANT,
                         NULL);
  adiuva_message_set_tool_calls (message, tool_calls);
  adiuva_message_set_model (message, "gpt-4o-mini");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (message), &error));
  g_assert_no_error (error);
  tool = add_message (fixture->store, record_id (conversation), ADIUVA_MESSAGE_ROLE_TOOL, "[]");
  adiuva_message_set_tool_call_id (tool, "call_1");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (tool), &error));
  g_assert_no_error (error);

  read = adiuva_store_get (fixture->store, ADIUVA_TYPE_MESSAGE, record_id (message), &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_message_get_conversation_id (read), ==, record_id (conversation));
  g_assert_cmpint (adiuva_message_get_role (read), ==, ADIUVA_MESSAGE_ROLE_ASSISTANT);
  g_assert_cmpstr (adiuva_message_get_content (read), ==, "");
  g_assert_cmpstr (adiuva_message_get_tool_calls (read), ==, tool_calls);
  g_assert_cmpstr (adiuva_message_get_model (read), ==, "gpt-4o-mini");
  g_assert_null (adiuva_message_get_tool_call_id (read));
  g_assert_cmpint (adiuva_message_get_llm_call_id (read), ==, 0);
  g_assert_cmpint (adiuva_record_get_updated_at (ADIUVA_RECORD (read)), >=,
                   adiuva_record_get_created_at (ADIUVA_RECORD (read)));
  g_clear_object (&read);
  read = adiuva_store_get (fixture->store, ADIUVA_TYPE_MESSAGE, record_id (tool), &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_message_get_role (read), ==, ADIUVA_MESSAGE_ROLE_TOOL);
  g_assert_cmpstr (adiuva_message_get_tool_call_id (read), ==, "call_1");

  /* The role is stored by its name, which the schema checks. */
  g_assert_cmpint (count_rows (fixture->store,
                               "SELECT count (*) FROM messages WHERE role = 'tool'"),
                   ==, 1);

  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (tool), &error));
  g_assert_no_error (error);
  g_clear_object (&read);
  read = adiuva_store_get (fixture->store, ADIUVA_TYPE_MESSAGE, record_id (tool), &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);

  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (conversation), &error));
  g_assert_no_error (error);
  gone = adiuva_store_get (fixture->store, ADIUVA_TYPE_CONVERSATION, record_id (conversation),
                           &error);
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
}

/* The blank conversation title must not loosen the rule for the records that need one. */
static void
test_titles (Fixture      *fixture,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaNote) note = adiuva_note_new ();
  g_autoptr (AdiuvaMessage) orphan = adiuva_message_new (424242, ADIUVA_MESSAGE_ROLE_USER, "Hi");
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autoptr (AdiuvaProject) loaded = NULL;

  adiuva_note_set_title (note, "  ");
  g_assert_false (adiuva_store_add (fixture->store, ADIUVA_RECORD (note), &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Other strings with a default take it when unset, as the schema would. */
  adiuva_project_set_name (project, "Colourless");
  adiuva_project_set_colour (project, NULL);
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  loaded = adiuva_store_get (fixture->store, ADIUVA_TYPE_PROJECT, record_id (project), &error);
  g_assert_cmpstr (adiuva_project_get_colour (loaded), ==, "#8a8ea9");

  /* A message belongs to a conversation that exists. */
  g_assert_false (adiuva_store_add (fixture->store, ADIUVA_RECORD (orphan), &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_assert_cmpint (record_id (orphan), ==, 0);
}

static void
assert_ids (GListModel   *list,
            const gint64 *ids,
            guint         n_ids)
{
  g_assert_nonnull (list);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr (AdiuvaRecord) record = g_list_model_get_item (list, i);

      g_assert_cmpint (adiuva_record_get_id (record), ==, ids[i]);
    }
}

static void
test_order (Fixture      *fixture,
            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autoptr (AdiuvaConversation) first = NULL;
  g_autoptr (AdiuvaConversation) second = NULL;
  g_autoptr (AdiuvaConversation) third = NULL;
  g_autoptr (AdiuvaMessage) m1 = NULL;
  g_autoptr (AdiuvaMessage) m2 = NULL;
  g_autoptr (AdiuvaMessage) m3 = NULL;
  g_autoptr (AdiuvaMessage) other = NULL;
  g_autoptr (GListModel) list = NULL;
  gint64 p;

  adiuva_project_set_name (project, "Website");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  p = record_id (project);

  first = add_conversation (fixture->store, "First", 0);
  second = add_conversation (fixture->store, "Second", p);
  third = add_conversation (fixture->store, "Third", 0);

  /* Their times are set apart by hand: the store counts in seconds and a test is faster. */
  g_assert_true (_adiuva_store_exec (fixture->store,
                                     "UPDATE conversations SET updated_at = 1000 + id", &error));
  g_assert_no_error (error);

  list = adiuva_store_list_conversations (fixture->store, -1, &error);
  g_assert_no_error (error);
  assert_ids (list, (gint64[]){ record_id (third), record_id (second), record_id (first) }, 3);
  g_clear_object (&list);

  list = adiuva_store_list_conversations (fixture->store, p, &error);
  assert_ids (list, (gint64[]){ record_id (second) }, 1);
  g_clear_object (&list);
  list = adiuva_store_list_conversations (fixture->store, 0, &error);
  assert_ids (list, (gint64[]){ record_id (third), record_id (first) }, 2);
  g_clear_object (&list);

  /* A new message makes its conversation the most recent. */
  m1 = add_message (fixture->store, record_id (first), ADIUVA_MESSAGE_ROLE_SYSTEM, "Be brief.");
  other = add_message (fixture->store, record_id (third), ADIUVA_MESSAGE_ROLE_USER, "Elsewhere");
  g_assert_true (_adiuva_store_exec (fixture->store,
                                     "UPDATE conversations SET updated_at = 1000 + id", &error));
  g_assert_no_error (error);
  m2 = add_message (fixture->store, record_id (first), ADIUVA_MESSAGE_ROLE_USER, "Hello");
  m3 = add_message (fixture->store, record_id (first), ADIUVA_MESSAGE_ROLE_ASSISTANT, "Hi!");
  list = adiuva_store_list_conversations (fixture->store, -1, &error);
  g_assert_no_error (error);
  assert_ids (list, (gint64[]){ record_id (first), record_id (third), record_id (second) }, 3);
  g_clear_object (&list);

  /* Messages come in the order they were added, whatever their times say. */
  g_assert_true (_adiuva_store_exec (fixture->store, "UPDATE messages SET created_at = 5000 - id",
                                     &error));
  list = adiuva_store_list_messages (fixture->store, record_id (first), &error);
  g_assert_no_error (error);
  assert_ids (list, (gint64[]){ record_id (m1), record_id (m2), record_id (m3) }, 3);
  g_clear_object (&list);
  list = adiuva_store_list_messages (fixture->store, record_id (second), &error);
  assert_ids (list, NULL, 0);
}

static void
test_cascade (Fixture      *fixture,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaProject) project = adiuva_project_new ();
  g_autoptr (AdiuvaConversation) doomed = NULL;
  g_autoptr (AdiuvaConversation) kept = NULL;
  g_autoptr (AdiuvaConversation) loaded = NULL;
  g_autoptr (AdiuvaMessage) m1 = NULL;
  g_autoptr (AdiuvaMessage) m2 = NULL;
  g_autoptr (AdiuvaMessage) m3 = NULL;
  g_autoptr (GListModel) list = NULL;

  g_assert_cmpint (count_rows (fixture->store, "PRAGMA foreign_keys"), ==, 1);

  adiuva_project_set_name (project, "Rebrand");
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  doomed = add_conversation (fixture->store, "Doomed", 0);
  kept = add_conversation (fixture->store, "Kept", record_id (project));
  m1 = add_message (fixture->store, record_id (doomed), ADIUVA_MESSAGE_ROLE_USER, "One");
  m2 = add_message (fixture->store, record_id (doomed), ADIUVA_MESSAGE_ROLE_ASSISTANT, "Two");
  m3 = add_message (fixture->store, record_id (kept), ADIUVA_MESSAGE_ROLE_USER, "Three");

  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (doomed), &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->store, "SELECT count (*) FROM messages"), ==, 1);
  list = adiuva_store_list_messages (fixture->store, record_id (doomed), &error);
  assert_ids (list, NULL, 0);
  g_clear_object (&list);

  /* A conversation outlives its project, and keeps its messages. */
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (project), &error));
  g_assert_no_error (error);
  loaded = adiuva_store_get (fixture->store, ADIUVA_TYPE_CONVERSATION, record_id (kept), &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_conversation_get_project_id (loaded), ==, 0);
  list = adiuva_store_list_messages (fixture->store, record_id (kept), &error);
  assert_ids (list, (gint64[]){ record_id (m3) }, 1);
}

/* Undo of a delete: the conversation and then its messages go back with their ids and times,
 * so the call log still points at its answer and the sidebar keeps its order. */
static void
test_restore (Fixture      *fixture,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaConversation) added = add_conversation (fixture->store, "Costs", 0);
  g_autoptr (AdiuvaMessage) question = NULL;
  g_autoptr (AdiuvaMessage) answer = NULL;
  g_autoptr (AdiuvaConversation) conversation = NULL;
  g_autoptr (AdiuvaConversation) restored = NULL;
  g_autoptr (GListModel) messages = NULL;
  g_autoptr (GListModel) list = NULL;
  gint64 call_id = 0;

  question = add_message (fixture->store, record_id (added), ADIUVA_MESSAGE_ROLE_USER, "Sum?");
  call_id = add_logged_call (fixture->store);
  answer = adiuva_message_new (record_id (added), ADIUVA_MESSAGE_ROLE_ASSISTANT, "Four.");
  adiuva_message_set_llm_call_id (answer, call_id);
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (answer), &error));
  g_assert_no_error (error);
  g_assert_true (_adiuva_store_exec (fixture->store,
                                     "UPDATE conversations SET created_at = 1000, updated_at = 2000;"
                                     "UPDATE messages SET created_at = 1000, updated_at = 2000;",
                                     &error));
  g_assert_no_error (error);

  conversation = adiuva_store_get (fixture->store, ADIUVA_TYPE_CONVERSATION, record_id (added),
                                   &error);
  g_assert_no_error (error);
  messages = adiuva_store_list_messages (fixture->store, record_id (added), &error);
  g_assert_no_error (error);
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (conversation), &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->store, "SELECT count (*) FROM messages"), ==, 0);

  g_assert_true (adiuva_store_restore (fixture->store, ADIUVA_RECORD (conversation), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr (AdiuvaRecord) message = g_list_model_get_item (messages, i);

      g_assert_true (adiuva_store_restore (fixture->store, message, &error));
      g_assert_no_error (error);
    }

  /* Messages put back are no new activity: the conversation keeps its time. */
  restored = adiuva_store_get (fixture->store, ADIUVA_TYPE_CONVERSATION, record_id (added),
                               &error);
  g_assert_no_error (error);
  g_assert_cmpstr (adiuva_conversation_get_title (restored), ==, "Costs");
  g_assert_cmpint (adiuva_record_get_created_at (ADIUVA_RECORD (restored)), ==, 1000);
  g_assert_cmpint (adiuva_record_get_updated_at (ADIUVA_RECORD (restored)), ==, 2000);
  list = adiuva_store_list_messages (fixture->store, record_id (added), &error);
  assert_ids (list, (gint64[]){ record_id (question), record_id (answer) }, 2);
  g_assert_cmpint (count_rows (fixture->store,
                               "SELECT count (*) FROM messages WHERE created_at = 1000 "
                               "AND updated_at = 2000"),
                   ==, 2);
  g_assert_cmpint (count_rows (fixture->store, LINKED_TOKENS_OUT), ==, 34);
}

static void
test_llm_call (Fixture      *fixture,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaConversation) conversation = add_conversation (fixture->store, "Costs", 0);
  g_autoptr (AdiuvaMessage) answer = NULL;
  g_autoptr (AdiuvaMessage) later = NULL;
  g_autoptr (AdiuvaMessage) read = NULL;
  g_autoptr (AdiuvaMessage) bad = NULL;
  gint64 call_id = 0;
  gint64 second_call_id = 0;

  /* The answer and its call are saved together, and point to each other. */
  g_assert_true (adiuva_store_begin (fixture->store, &error));
  call_id = add_logged_call (fixture->store);
  answer = adiuva_message_new (record_id (conversation), ADIUVA_MESSAGE_ROLE_ASSISTANT, "Done.");
  adiuva_message_set_model (answer, "gpt-4o-mini");
  adiuva_message_set_llm_call_id (answer, call_id);
  g_assert_true (adiuva_store_add (fixture->store, ADIUVA_RECORD (answer), &error));
  g_assert_true (adiuva_store_commit (fixture->store, &error));
  g_assert_no_error (error);

  read = adiuva_store_get (fixture->store, ADIUVA_TYPE_MESSAGE, record_id (answer), &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_message_get_llm_call_id (read), ==, call_id);
  g_assert_cmpint (count_rows (fixture->store, LINKED_TOKENS_OUT), ==, 34);

  /* The call log writes on its own, later: an answer saved first is linked afterwards. */
  later = add_message (fixture->store, record_id (conversation), ADIUVA_MESSAGE_ROLE_ASSISTANT,
                       "Again.");
  g_assert_true (adiuva_store_add_llm_call_full (fixture->store, "chat", "openai", "gpt-4o-mini",
                                                 1, 2, 0, -1, -1, "ok", 0, &second_call_id,
                                                 &error));
  g_assert_cmpint (second_call_id, >, call_id);
  adiuva_message_set_llm_call_id (later, second_call_id);
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (later), &error));
  g_assert_no_error (error);
  g_clear_object (&read);
  read = adiuva_store_get (fixture->store, ADIUVA_TYPE_MESSAGE, record_id (later), &error);
  g_assert_cmpint (adiuva_message_get_llm_call_id (read), ==, second_call_id);

  /* The plain call keeps working for those who do not need the id. */
  g_assert_true (adiuva_store_add_llm_call (fixture->store, "cli", "openai", "gpt-4o-mini", 1, 1,
                                            0, -1, -1, "ok", 0, &error));
  g_assert_no_error (error);

  /* A link to a call that is not in the log is refused, and nothing is saved. */
  bad = adiuva_message_new (record_id (conversation), ADIUVA_MESSAGE_ROLE_ASSISTANT, "Lost");
  adiuva_message_set_llm_call_id (bad, 999999);
  g_assert_false (adiuva_store_add (fixture->store, ADIUVA_RECORD (bad), &error));
  g_assert_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID);
  g_assert_cmpint (record_id (bad), ==, 0);
  g_assert_cmpint (count_rows (fixture->store, "SELECT count (*) FROM messages"), ==, 2);
}

static void
assert_change (Fixture     *fixture,
               guint        index,
               AdiuvaEntity entity,
               gint64       id,
               AdiuvaChange change)
{
  Change *c;

  g_assert_cmpuint (index, <, fixture->changes->len);
  c = &g_array_index (fixture->changes, Change, index);
  g_assert_cmpint (c->entity, ==, entity);
  g_assert_cmpint (c->id, ==, id);
  g_assert_cmpint (c->change, ==, change);
}

static void
test_signals (Fixture      *fixture,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaConversation) conversation = NULL;
  g_autoptr (AdiuvaMessage) message = NULL;
  gint64 c, m;

  conversation = add_conversation (fixture->store, "Signals", 0);
  c = record_id (conversation);
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  assert_change (fixture, 0, ADIUVA_ENTITY_CONVERSATION, c, ADIUVA_CHANGE_ADDED);

  /* A message also moves its conversation in the list, so both are said. */
  message = add_message (fixture->store, c, ADIUVA_MESSAGE_ROLE_USER, "Hello");
  m = record_id (message);
  g_assert_cmpuint (fixture->changes->len, ==, 3);
  assert_change (fixture, 1, ADIUVA_ENTITY_CONVERSATION, c, ADIUVA_CHANGE_UPDATED);
  assert_change (fixture, 2, ADIUVA_ENTITY_MESSAGE, m, ADIUVA_CHANGE_ADDED);

  adiuva_message_set_content (message, "Hello there");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (message), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->changes->len, ==, 4);
  assert_change (fixture, 3, ADIUVA_ENTITY_MESSAGE, m, ADIUVA_CHANGE_UPDATED);

  adiuva_conversation_set_title (conversation, "Renamed");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (conversation), &error));
  g_assert_cmpuint (fixture->changes->len, ==, 5);
  assert_change (fixture, 4, ADIUVA_ENTITY_CONVERSATION, c, ADIUVA_CHANGE_UPDATED);

  /* Like a project's tasks, the messages go with their conversation under one signal. */
  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (conversation), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->changes->len, ==, 6);
  assert_change (fixture, 5, ADIUVA_ENTITY_CONVERSATION, c, ADIUVA_CHANGE_REMOVED);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
run_idles (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_list_model (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaConversationListModel) model = NULL;
  g_autoptr (AdiuvaConversation) a = NULL;
  g_autoptr (AdiuvaConversation) b = NULL;
  g_autoptr (AdiuvaMessage) message = NULL;
  g_autoptr (GListModel) listed = NULL;
  guint n_changes = 0;

  a = add_conversation (fixture->store, "A", 0);
  model = adiuva_conversation_list_model_new (fixture->store, -1);
  g_assert_cmpint (adiuva_conversation_list_model_get_project_id (model), ==, -1);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == ADIUVA_TYPE_CONVERSATION);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &n_changes);

  /* A burst of changes is one reload. */
  g_assert_true (adiuva_store_begin (fixture->store, &error));
  b = add_conversation (fixture->store, "B", 0);
  message = add_message (fixture->store, record_id (a), ADIUVA_MESSAGE_ROLE_USER, "Hi");
  g_assert_true (adiuva_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  run_idles ();
  g_assert_cmpuint (n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);

  /* The same rows, in the same order, as the plain list. */
  listed = adiuva_store_list_conversations (fixture->store, -1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (AdiuvaConversation) shown = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autoptr (AdiuvaConversation) expected = g_list_model_get_item (listed, i);

      g_assert_cmpint (record_id (shown), ==, record_id (expected));
    }

  g_assert_true (adiuva_store_delete (fixture->store, ADIUVA_RECORD (b), &error));
  run_idles ();
  g_assert_cmpuint (n_changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);

  /* Messages alone, edited in place, do not reorder the list. */
  adiuva_message_set_content (message, "Hi again");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (message), &error));
  run_idles ();
  g_assert_cmpuint (n_changes, ==, 2);
}

static void
test_export (Fixture      *fixture,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AdiuvaConversation) conversation = add_conversation (fixture->store, "Export", 0);
  g_autoptr (AdiuvaMessage) message = NULL;
  GMemoryOutputStream *memory;
  JsonObject          *tables;
  JsonArray           *rows;
  JsonObject          *row;

  message = add_message (fixture->store, record_id (conversation), ADIUVA_MESSAGE_ROLE_ASSISTANT,
                         "Sure — here it is.");
  adiuva_message_set_tool_calls (message, "[]");
  g_assert_true (adiuva_store_update (fixture->store, ADIUVA_RECORD (message), &error));

  g_assert_true (adiuva_store_export_json (fixture->store, stream, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, NULL);
  memory = G_MEMORY_OUTPUT_STREAM (stream);
  json_parser_load_from_data (parser, g_memory_output_stream_get_data (memory),
                              g_memory_output_stream_get_data_size (memory), &error);
  g_assert_no_error (error);
  tables = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "tables");

  rows = json_object_get_array_member (tables, "conversations");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  row = json_array_get_object_element (rows, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "title"), ==, "Export");

  rows = json_object_get_array_member (tables, "messages");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  row = json_array_get_object_element (rows, 0);
  g_assert_cmpint (json_object_get_int_member (row, "conversation_id"), ==,
                   record_id (conversation));
  g_assert_cmpstr (json_object_get_string_member (row, "role"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (row, "content"), ==, "Sure — here it is.");
  g_assert_cmpstr (json_object_get_string_member (row, "tool_calls"), ==, "[]");
  g_assert_true (json_object_has_member (row, "updated_at"));
}

/* A workspace made at schema @version, given @sql's rows, then opened by this build: the
 * upgrade a user's old workspace gets. */
static AdiuvaStore *
open_upgraded (const char *dir,
               int         version,
               const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) old = NULL;
  AdiuvaStore *upgraded;

  old = _adiuva_store_create_at_version (dir, NULL, version, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (_adiuva_store_exec (old, sql, &error));
  g_assert_no_error (error);
  g_clear_object (&old);

  upgraded = adiuva_store_open (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_store_get_schema_version (upgraded), >, version);

  return upgraded;
}

/* Messages written before 0004 had no updated_at: they get their creation time. */
static void
test_migration (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-conversations-XXXXXX", NULL);
  g_autoptr (AdiuvaStore) upgraded = NULL;
  g_autoptr (GListModel) messages = NULL;
  g_autoptr (AdiuvaMessage) message = NULL;

  upgraded = open_upgraded (tmp, 3,
                            "INSERT INTO conversations (id, title, created_at, updated_at) "
                            "VALUES (7, 'Old', 100, 200);"
                            "INSERT INTO messages (conversation_id, role, content, created_at) "
                            "VALUES (7, 'user', 'Before', 150);");
  messages = adiuva_store_list_messages (upgraded, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);
  message = g_list_model_get_item (messages, 0);
  g_assert_cmpstr (adiuva_message_get_content (message), ==, "Before");
  g_assert_cmpint (adiuva_record_get_created_at (ADIUVA_RECORD (message)), ==, 150);
  g_assert_cmpint (adiuva_record_get_updated_at (ADIUVA_RECORD (message)), ==, 150);

  g_clear_object (&upgraded);
  test_remove_tree (tmp);
}

/* Before 0007 an unreported token count was stored as 0: a row with 0 in and 0 out becomes
 * unknown, other rows keep their counts, and the answers keep their links to the calls. */
static void
test_migration_unknown_tokens (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("adiuva-conversations-XXXXXX", NULL);
  g_autoptr (AdiuvaStore) upgraded = NULL;
  g_autoptr (AdiuvaLlmCall) unknown = NULL;
  g_autoptr (AdiuvaLlmCall) known = NULL;
  g_autoptr (AdiuvaMessage) answer = NULL;

  upgraded = open_upgraded (tmp, 6,
                            "INSERT INTO conversations (id, title, created_at, updated_at) "
                            "VALUES (7, 'Old', 100, 200);"
                            "INSERT INTO llm_calls (id, caller, provider, model, tokens_in, "
                            "tokens_out, cost, outcome, created_at) VALUES "
                            "(3, 'chat', 'ol', 'llama', 0, 0, 0, 'ok', 150),"
                            "(4, 'chat', 'oa', 'gpt', 14, 0, 0.5, 'ok', 160);"
                            "INSERT INTO messages (id, conversation_id, role, content, "
                            "llm_call_id, created_at, updated_at) VALUES "
                            "(9, 7, 'assistant', 'Local', 3, 150, 150),"
                            "(10, 7, 'assistant', 'Cloud', 4, 160, 160);");
  unknown = adiuva_store_get_llm_call (upgraded, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (unknown->tokens_in, ==, -1);
  g_assert_cmpint (unknown->tokens_out, ==, -1);
  known = adiuva_store_get_llm_call (upgraded, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (known->tokens_in, ==, 14);
  g_assert_cmpint (known->tokens_out, ==, 0);
  g_assert_cmpfloat (known->cost, ==, 0.5);
  answer = adiuva_store_get (upgraded, ADIUVA_TYPE_MESSAGE, 9, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_message_get_llm_call_id (answer), ==, 3);
  g_clear_object (&answer);
  answer = adiuva_store_get (upgraded, ADIUVA_TYPE_MESSAGE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (adiuva_message_get_llm_call_id (answer), ==, 4);
  /* The foreign key still holds: a call deleted unlinks its answer. */
  g_assert_true (_adiuva_store_exec (upgraded, "DELETE FROM llm_calls WHERE id = 4", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (upgraded, "SELECT count(*) FROM messages WHERE llm_call_id = 4"),
                   ==, 0);

  g_clear_object (&upgraded);
  test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                               \
  g_test_add ("/conversations/" path, Fixture, NULL, test_store_fixture_set_up, func, \
              test_store_fixture_tear_down)

  ADD ("crud", test_crud);
  ADD ("titles", test_titles);
  ADD ("order", test_order);
  ADD ("cascade", test_cascade);
  ADD ("restore", test_restore);
  ADD ("llm-call", test_llm_call);
  ADD ("signals", test_signals);
  ADD ("list-model", test_list_model);
  ADD ("export", test_export);
  g_test_add_func ("/conversations/migration", test_migration);
  g_test_add_func ("/conversations/migration-unknown-tokens", test_migration_unknown_tokens);

#undef ADD

  return g_test_run ();
}
