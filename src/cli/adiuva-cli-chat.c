/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "adiuva-cli-gateway.h"
#include "adiuva-cli-output.h"

typedef struct
{
  AdiuvaCliContext *cli;
  gboolean          streamed_text;
  gboolean          ends_with_newline;
} ChatRun;

static gboolean
delta_cb (const AdiuvaChatDelta *delta,
          gpointer               user_data,
          GError               **error)
{
  ChatRun *run = user_data;

  /* JSON output is one document at the end; text goes out as it arrives. */
  if (run->cli->json || delta->kind != ADIUVA_DELTA_TEXT || delta->text_len == 0)
    return TRUE;

  fwrite (delta->text, 1, delta->text_len, stdout);
  fflush (stdout);
  run->streamed_text = TRUE;
  run->ends_with_newline = delta->text[delta->text_len - 1] == '\n';

  return TRUE;
}

static gint64
us_to_ms (gint64 us)
{
  return us < 0 ? -1 : us / 1000;
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

/* A count of tokens, or “unknown” when no provider reported one (JSON says null). */
static char *
format_tokens (gint64 tokens)
{
  if (tokens < 0)
    return g_strdup (_ ("unknown"));
  return g_strdup_printf ("%" G_GINT64_FORMAT, tokens);
}

static JsonNode *
answer_to_json (AdiuvaChatMessage       *message,
                const AdiuvaCallMetrics *m)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = adiuva_chat_message_dup_text (message);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, text != NULL ? text : "");
  if (message->reasoning != NULL)
    {
      json_builder_set_member_name (builder, "reasoning");
      json_builder_add_string_value (builder, message->reasoning);
    }
  json_builder_set_member_name (builder, "tool_calls");
  json_builder_begin_array (builder);
  for (guint i = 0; message->tool_calls != NULL && i < message->tool_calls->len; i++)
    {
      AdiuvaToolCall *call = g_ptr_array_index (message->tool_calls, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, call->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, call->name);
      json_builder_set_member_name (builder, "arguments");
      json_builder_add_string_value (builder, call->arguments);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  add_int (builder, "input_tokens", m != NULL ? m->usage.input_tokens : -1);
  add_int (builder, "output_tokens", m != NULL ? m->usage.output_tokens : -1);
  add_int (builder, "cached_input_tokens", m != NULL ? m->usage.cached_input_tokens : -1);
  add_int (builder, "reasoning_tokens", m != NULL ? m->usage.reasoning_tokens : -1);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "metrics");
  if (m == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, m->provider);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, m->model);
      json_builder_set_member_name (builder, "route");
      if (m->route != NULL)
        json_builder_add_string_value (builder, m->route);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, m->outcome);
      add_int (builder, "http_status", m->http_status);
      add_int (builder, "fallback_hops", m->fallback_hops);
      add_int (builder, "retries", m->retries);
      add_int (builder, "time_to_first_token_ms", us_to_ms (m->time_to_first_token_us));
      add_int (builder, "latency_ms", us_to_ms (m->latency_us));
      json_builder_set_member_name (builder, "tokens_per_second");
      json_builder_add_double_value (builder, m->tokens_per_second);
      json_builder_set_member_name (builder, "cost");
      json_builder_add_double_value (builder, m->cost);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The workspace's fallback order, empty when it has none. */
static GStrv
dup_fallbacks (AdiuvaCliContext *cli,
               GError          **error)
{
  AdiuvaWorkspaceGateway *gateway = adiuva_cli_context_get_gateway (cli, error);

  return gateway != NULL ? adiuva_workspace_gateway_list_fallbacks (gateway, error) : NULL;
}

static int
run_chat (AdiuvaCliContext       *cli,
          const AdiuvaCliCommand *command,
          int                     argc,
          char                  **argv)
{
  g_autofree char *model = NULL;
  g_autofree char *system = NULL;
  g_autofree char *prompt = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (AdiuvaChatRequest) request = NULL;
  g_autoptr (AdiuvaChatMessage) system_message = NULL;
  g_autoptr (AdiuvaChatMessage) user_message = NULL;
  g_autoptr (AdiuvaChatMessage) answer = NULL;
  g_autoptr (AdiuvaChatMessage) partial = NULL;
  g_autoptr (AdiuvaCallMetrics) metrics = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_auto (GStrv) fallbacks = NULL;
  g_autofree char   *provider = NULL;
  g_autofree char   *resolved = NULL;
  ChatRun            run = { cli, FALSE, FALSE };
  int                status;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_ ("Ask MODEL of PROVIDER (see “adiuva-cli models”), the model an alias stands for "
          "(see “adiuva-cli alias”), or auto to let the workspace’s routes choose (see "
          "“adiuva-cli route”), instead of the default model."),
      N_ ("PROVIDER/MODEL") },
    { "system", 0, 0, G_OPTION_ARG_STRING, &system,
      N_ ("Give the model TEXT as its system instructions."), N_ ("TEXT") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (args[0] != NULL)
    prompt = g_strjoinv (" ", args);
  else if ((prompt = adiuva_cli_context_read_text (cli, NULL, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (g_strstrip (prompt)[0] == '\0')
    {
      g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                           _ ("The prompt is empty."));
      return adiuva_cli_context_report (cli, error);
    }

  /* An alias, or the fallback order, may lead to any provider: all of them are set up then. */
  if (!adiuva_cli_choose_model (cli, &model,
                                _ ("Which model? Give --model PROVIDER/MODEL or an alias (see "
                                   "“adiuva-cli models” and “adiuva-cli alias list”)."),
                                &provider, &error) ||
      (fallbacks = dup_fallbacks (cli, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);
  if (fallbacks[0] != NULL)
    g_clear_pointer (&provider, g_free);

  client = adiuva_cli_new_gateway_client (cli, provider, &error);
  if (client == NULL)
    return adiuva_cli_context_report (cli, error);
  /* auto is routed by the gateway; anything else must lead to a model now. */
  if (!g_str_equal (model, ADIUVA_MODEL_AUTO) &&
      (resolved = adiuva_gateway_client_resolve_model (client, model, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  request = adiuva_chat_request_new (resolved != NULL ? strchr (resolved, '/') + 1 : model);
  request->stream = TRUE;
  /* The request takes its own references to the messages. */
  if (system != NULL)
    {
      system_message = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, system);
      adiuva_chat_request_add_message (request, system_message);
    }
  user_message = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, prompt);
  adiuva_chat_request_add_message (request, user_message);

  /* Ctrl+C stops the answer where it is. */
  adiuva_gateway_client_chat_async (client, model, request, "cli", delta_cb, &run, cancellable,
                                    adiuva_cli_store_result_cb, &result);
  answer = adiuva_gateway_client_chat_finish (
      client, adiuva_cli_wait_interruptible (&result, cancellable), &metrics, &partial, &error);

  if (run.streamed_text && !run.ends_with_newline)
    g_print ("\n");

  if (answer == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    adiuva_cli_context_print_json (cli, answer_to_json (answer, metrics));
  else
    for (guint i = 0; answer->tool_calls != NULL && i < answer->tool_calls->len; i++)
      {
        AdiuvaToolCall *call = g_ptr_array_index (answer->tool_calls, i);

        g_print (_ ("[tool call %s: %s]\n"), call->name, call->arguments);
      }

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_usage (AdiuvaCliContext       *cli,
           const AdiuvaCliCommand *command,
           int                     argc,
           char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) totals = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (totals = adiuva_store_get_llm_usage (store, 0, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("PROVIDER"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("MODEL"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("CALLS"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("FAILED"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("TOKENS IN"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("TOKENS OUT"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("COST (USD)"), ADIUVA_CLI_ALIGN_RIGHT);

  json_builder_begin_array (builder);
  for (guint i = 0; i < totals->len; i++)
    {
      AdiuvaLlmUsage *u = g_ptr_array_index (totals, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, u->provider);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, u->model);
      add_int (builder, "calls", u->calls);
      add_int (builder, "failed_calls", u->failed_calls);
      add_int (builder, "tokens_in", u->tokens_in);
      add_int (builder, "tokens_out", u->tokens_out);
      json_builder_set_member_name (builder, "cost");
      json_builder_add_double_value (builder, u->cost);
      json_builder_end_object (builder);

      adiuva_cli_table_add_cell (table, u->provider);
      adiuva_cli_table_add_cell (table, u->model);
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%" G_GINT64_FORMAT, u->calls));
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%" G_GINT64_FORMAT, u->failed_calls));
      adiuva_cli_table_take_cell (table, format_tokens (u->tokens_in));
      adiuva_cli_table_take_cell (table, format_tokens (u->tokens_out));
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%.6f", u->cost));
    }
  json_builder_end_array (builder);

  if (cli->json)
    adiuva_cli_context_print_json (cli, json_builder_get_root (builder));
  else if (totals->len == 0)
    g_print (_ ("No calls yet.\n"));
  else
    adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

const AdiuvaCliCommand adiuva_cli_chat_command = {
  .name = "chat",
  .summary = N_ ("ask a language model"),
  .synopsis = N_ ("[--model PROVIDER/MODEL|ALIAS|auto] [--system TEXT] [PROMPT…]"),
  .description = N_ (
      "Sends PROMPT, or standard input when no PROMPT is given, to a model and prints the "
      "answer as it arrives. The model is --model, or the workspace's default model, chosen "
      "with “adiuva-cli models --set-default PROVIDER/MODEL”; either may be an alias (see "
      "adiuva-cli alias), or auto, which lets the workspace’s routes choose the model (see "
      "adiuva-cli route).\n"
      "\n"
      "With --json, prints one object when the answer is complete: the message with its tool "
      "calls, the usage the provider reported and the call's metrics, with the route taken "
      "when the model was auto. Every attempt is written to the call log (see adiuva-cli "
      "usage)."),
  .examples = N_ ("  adiuva-cli chat --model work/gpt-4o-mini 'Summarise: …'\n"
                  "  git diff | adiuva-cli chat --model local/llama3.2 --system 'Review this'"),
  .max_args = -1,
  .run = run_chat,
};

const AdiuvaCliCommand adiuva_cli_usage_command = {
  .name = "usage",
  .summary = N_ ("show what language models were used"),
  .synopsis = "",
  .description = N_ ("Prints the totals of the call log for each provider and model: calls, "
                     "failed calls, tokens in and out, and the list price in USD."),
  .max_args = 0,
  .run = run_usage,
};
