/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-chat"

#include "config.h"

#include <string.h>

#include "adiuva-gateway.h"

static void
add (AdiuvaChatAccumulator *acc,
     AdiuvaChatDelta        delta)
{
  g_autoptr (GError) error = NULL;

  if (delta.text != NULL && delta.text_len == 0)
    delta.text_len = strlen (delta.text);
  g_assert_true (adiuva_chat_accumulator_add (acc, &delta, &error));
  g_assert_no_error (error);
}

static void
test_request_copy (void)
{
  g_autoptr (AdiuvaChatRequest) request = adiuva_chat_request_new ("gpt-4o");
  g_autoptr (AdiuvaChatRequest) copy = NULL;
  g_autoptr (AdiuvaChatMessage) system = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, "Be brief.");
  g_autoptr (AdiuvaChatMessage) user = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, "Hi");
  g_autoptr (GBytes) png = g_bytes_new_static ("\x89PNG", 4);
  const char *stop[] = { "END", NULL };

  adiuva_chat_message_add_image (user, "image/png", png, NULL);
  adiuva_chat_request_add_message (request, system);
  adiuva_chat_request_add_message (request, user);
  adiuva_chat_request_add_tool (request, "get_weather", "Weather for a city", NULL);
  request->stop = g_strdupv ((GStrv) stop);
  request->temperature = 0.2;

  copy = adiuva_chat_request_copy (request);
  g_free (copy->model);
  copy->model = g_strdup ("claude-sonnet-4");

  g_assert_cmpstr (request->model, ==, "gpt-4o");
  g_assert_cmpuint (copy->messages->len, ==, 2);
  /* Messages are shared, not copied. */
  g_assert_true (g_ptr_array_index (copy->messages, 1) == user);
  g_assert_cmpuint (copy->tools->len, ==, 1);
  g_assert_nonnull (((AdiuvaToolDefinition *) g_ptr_array_index (copy->tools, 0))->parameters);
  g_assert_cmpstr (copy->stop[0], ==, "END");
  g_assert_cmpfloat (copy->temperature, ==, 0.2);
  g_assert_cmpfloat (copy->top_p, <, 0);
}

static void
test_accumulator_text_and_usage (void)
{
  g_autoptr (AdiuvaChatAccumulator) acc = adiuva_chat_accumulator_new ();
  g_autoptr (AdiuvaChatMessage) message = NULL;
  g_autofree char   *text = NULL;
  const AdiuvaUsage *usage;

  g_assert_true (adiuva_chat_accumulator_is_empty (acc));
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_USAGE, .usage = { 25, -1, 3, -1 } });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_REASONING, .text = "Let me think." });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_TEXT, .text = "Hel" });
  g_assert_false (adiuva_chat_accumulator_is_empty (acc));
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_TEXT, .text = "lo, wörld", .text_len = 5 });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_FINISH, .finish = ADIUVA_FINISH_STOP });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_USAGE, .usage = { -1, 12, -1, 4 } });

  message = adiuva_chat_accumulator_dup_message (acc);
  text = adiuva_chat_message_dup_text (message);
  g_assert_cmpint (message->role, ==, ADIUVA_ROLE_ASSISTANT);
  g_assert_cmpstr (text, ==, "Hello, w");
  g_assert_cmpstr (message->reasoning, ==, "Let me think.");
  g_assert_cmpint (adiuva_chat_accumulator_get_finish (acc), ==, ADIUVA_FINISH_STOP);
  usage = adiuva_chat_accumulator_get_usage (acc);
  g_assert_cmpint (usage->input_tokens, ==, 25);
  g_assert_cmpint (usage->output_tokens, ==, 12);
  g_assert_cmpint (usage->cached_input_tokens, ==, 3);
  g_assert_cmpint (usage->reasoning_tokens, ==, 4);
}

static void
test_accumulator_parallel_tool_calls (void)
{
  g_autoptr (AdiuvaChatAccumulator) acc = adiuva_chat_accumulator_new ();
  g_autoptr (AdiuvaChatMessage) message = NULL;
  AdiuvaToolCall *first, *second;

  /* Two calls whose argument pieces interleave, as parallel tool calls stream. */
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_TOOL_CALL, .tool_index = 0, .tool_id = "call_a", .tool_name = "get_weather", .text = "" });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_TOOL_CALL, .tool_index = 1, .tool_id = "call_b", .tool_name = "get_weather", .text = "{\"ci" });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_TOOL_CALL, .tool_index = 0, .text = "{\"city\": \"Paris\"}" });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_TOOL_CALL, .tool_index = 1, .text = "ty\": \"Oslo\"}" });
  add (acc, (AdiuvaChatDelta){ .kind = ADIUVA_DELTA_FINISH, .finish = ADIUVA_FINISH_TOOL_CALLS });

  message = adiuva_chat_accumulator_dup_message (acc);
  g_assert_cmpuint (message->tool_calls->len, ==, 2);
  first = g_ptr_array_index (message->tool_calls, 0);
  second = g_ptr_array_index (message->tool_calls, 1);
  g_assert_cmpstr (first->id, ==, "call_a");
  g_assert_cmpstr (first->arguments, ==, "{\"city\": \"Paris\"}");
  g_assert_cmpstr (second->id, ==, "call_b");
  g_assert_cmpstr (second->arguments, ==, "{\"city\": \"Oslo\"}");
}

static void
test_accumulator_refuses_runaway_calls (void)
{
  g_autoptr (AdiuvaChatAccumulator) acc = adiuva_chat_accumulator_new ();
  g_autoptr (GError) error = NULL;
  AdiuvaChatDelta delta = { .kind = ADIUVA_DELTA_TOOL_CALL, .tool_index = 100000, .text = "" };

  g_assert_false (adiuva_chat_accumulator_add (acc, &delta, &error));
  g_assert_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chat/request-copy", test_request_copy);
  g_test_add_func ("/chat/accumulator/text-and-usage", test_accumulator_text_and_usage);
  g_test_add_func ("/chat/accumulator/parallel-tool-calls", test_accumulator_parallel_tool_calls);
  g_test_add_func ("/chat/accumulator/runaway-calls", test_accumulator_refuses_runaway_calls);

  return g_test_run ();
}
