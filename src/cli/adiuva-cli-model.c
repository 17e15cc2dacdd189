/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "adiuva-cli-gateway.h"

/* model pull|show|rm (Ollama's model management) and embed. */

#define PROGRESS_BAR_WIDTH 30

/* The provider that manages models: the one named, or the first in the workspace's settings
 * whose kind can (Ollama). */
static char *
find_model_provider (AdiuvaCliContext *cli,
                     const char       *given,
                     GError          **error)
{
  g_autoptr (GPtrArray) providers = NULL;
  AdiuvaProviderTable    *table = adiuva_provider_table_get_default ();
  AdiuvaWorkspaceGateway *gateway;

  if (given != NULL)
    return g_strdup (given);

  gateway = adiuva_cli_context_get_gateway (cli, error);
  if (gateway == NULL ||
      (providers = adiuva_workspace_gateway_list_providers (gateway, error)) == NULL)
    return NULL;

  for (guint i = 0; i < providers->len; i++)
    {
      AdiuvaWorkspaceProvider  *p = g_ptr_array_index (providers, i);
      const AdiuvaProviderInfo *info = adiuva_provider_table_lookup (table, p->kind);

      if (info != NULL && adiuva_provider_info_get_path (info, ADIUVA_ENDPOINT_PULL) != NULL)
        return g_strdup (p->name);
    }

  g_set_error_literal (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                       _ ("No provider of the workspace manages models. Add Ollama with "
                          "“adiuva-cli provider add local --kind ollama”, or name one with "
                          "--provider."));
  return NULL;
}

/* Parses the command line and sets up a client with the one provider that manages models. */
static AdiuvaGatewayClient *
model_client (AdiuvaCliContext       *cli,
              const AdiuvaCliCommand *command,
              int                     argc,
              char                  **argv,
              GStrv                  *args,
              char                  **provider,
              int                    *status)
{
  g_autofree char *given = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaGatewayClient *client;
  const GOptionEntry   entries[] = {
      { "provider", 0, 0, G_OPTION_ARG_STRING, &given,
        N_ ("Ask PROVIDER instead of the workspace's first Ollama provider."), N_ ("PROVIDER") },
      { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, args, status))
    return NULL;

  *provider = find_model_provider (cli, given, &error);
  client = *provider != NULL ? adiuva_cli_new_gateway_client (cli, *provider, &error) : NULL;
  if (client == NULL)
    *status = adiuva_cli_context_report (cli, error);
  return client;
}

/* model pull */

typedef struct
{
  AdiuvaCliContext *cli;
  gboolean          tty;
  char             *last_status;
  gboolean          bar_shown;
} Pull;

static void
format_size (GString *out,
             gint64   bytes)
{
  g_autofree char *text = g_format_size ((guint64) MAX (bytes, 0));

  g_string_append (out, text);
}

static void
print_bar (const AdiuvaPullProgress *progress)
{
  g_autoptr (GString) line = g_string_new (progress->status);
  double fraction = CLAMP ((double) progress->completed / (double) progress->total, 0.0, 1.0);
  guint  filled = (guint) (fraction * PROGRESS_BAR_WIDTH);

  g_string_append (line, " [");
  for (guint i = 0; i < PROGRESS_BAR_WIDTH; i++)
    g_string_append_c (line, i < filled ? '#' : ' ');
  g_string_append_printf (line, "] %3d%% ", (int) (fraction * 100));
  format_size (line, progress->completed);
  g_string_append (line, " / ");
  format_size (line, progress->total);
  /* Back to the start of the line and over what was there. */
  g_print ("\r%s\033[K", line->str);
}

static void
progress_json (const AdiuvaPullProgress *progress)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, progress->status);
  if (progress->digest != NULL)
    {
      json_builder_set_member_name (builder, "digest");
      json_builder_add_string_value (builder, progress->digest);
    }
  if (progress->completed >= 0)
    {
      json_builder_set_member_name (builder, "completed");
      json_builder_add_int_value (builder, progress->completed);
    }
  if (progress->total >= 0)
    {
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, progress->total);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  /* One object a line, as it happens: a program reading the pipe sees each one at once. */
  g_print ("%s\n", text);
  fflush (stdout);
}

static void
progress_cb (const AdiuvaPullProgress *progress,
             gpointer                  user_data)
{
  Pull    *pull = user_data;
  gboolean same = g_strcmp0 (pull->last_status, progress->status) == 0;

  if (pull->cli->json)
    {
      progress_json (progress);
      return;
    }

  if (pull->tty && progress->total > 0 && progress->completed >= 0)
    {
      /* Each layer keeps its finished bar on its own line. */
      if (!same && pull->bar_shown)
        g_print ("\n");
      print_bar (progress);
      pull->bar_shown = TRUE;
    }
  else if (!same)
    {
      if (pull->bar_shown)
        g_print ("\n");
      pull->bar_shown = FALSE;
      g_print ("%s\n", progress->status);
    }
  fflush (stdout);

  if (!same)
    {
      g_free (pull->last_status);
      pull->last_status = g_strdup (progress->status);
    }
}

static int
run_model_pull (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *provider = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Pull pull = { cli, isatty (STDOUT_FILENO), NULL, FALSE };
  int  status;

  client = model_client (cli, command, argc, argv, &args, &provider, &status);
  if (client == NULL)
    return status;

  /* Ctrl+C closes the connection, which stops Ollama's download; pulling again resumes it. */
  adiuva_gateway_client_pull_model_async (client, provider, args[0], progress_cb, &pull,
                                          cancellable, adiuva_cli_store_result_cb, &result);
  adiuva_gateway_client_pull_model_finish (
      client, adiuva_cli_wait_interruptible (&result, cancellable), &error);
  if (pull.bar_shown)
    g_print ("\n");
  g_free (pull.last_status);

  if (error != NULL)
    return adiuva_cli_context_report (cli, error);
  if (!cli->json)
    g_print (_ ("%s now has %s.\n"), provider, args[0]);
  return ADIUVA_CLI_EXIT_OK;
}

/* model show */

static const char *
or_unknown (const char *value)
{
  return value != NULL ? value : "?";
}

static int
run_model_show (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *provider = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (AdiuvaOllamaModel) model = NULL;
  int status;

  client = model_client (cli, command, argc, argv, &args, &provider, &status);
  if (client == NULL)
    return status;

  adiuva_gateway_client_show_model_async (client, provider, args[0], NULL,
                                          adiuva_cli_store_result_cb, &result);
  model = adiuva_gateway_client_show_model_finish (client, adiuva_cli_wait (&result), &error);
  if (model == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, provider);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, model->name);
      json_builder_set_member_name (builder, "family");
      json_builder_add_string_value (builder, model->family);
      json_builder_set_member_name (builder, "parameter_size");
      json_builder_add_string_value (builder, model->parameter_size);
      json_builder_set_member_name (builder, "quantization");
      json_builder_add_string_value (builder, model->quantization);
      json_builder_set_member_name (builder, "context_length");
      if (model->context_length > 0)
        json_builder_add_int_value (builder, model->context_length);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      adiuva_cli_context_print_json (cli, json_builder_get_root (builder));
      return ADIUVA_CLI_EXIT_OK;
    }

  g_print ("%s/%s\n", provider, model->name);
  g_print (_ ("  family:        %s\n"), or_unknown (model->family));
  g_print (_ ("  parameters:    %s\n"), or_unknown (model->parameter_size));
  g_print (_ ("  quantization:  %s\n"), or_unknown (model->quantization));
  if (model->context_length > 0)
    {
      g_autofree char *tokens = g_strdup_printf ("%" G_GINT64_FORMAT, model->context_length);

      g_print (_ ("  context:       %s tokens\n"), tokens);
    }
  else
    g_print (_ ("  context:       ?\n"));
  return ADIUVA_CLI_EXIT_OK;
}

/* model rm */

static int
run_model_rm (AdiuvaCliContext       *cli,
              const AdiuvaCliCommand *command,
              int                     argc,
              char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autofree char *provider = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  int status;

  client = model_client (cli, command, argc, argv, &args, &provider, &status);
  if (client == NULL)
    return status;

  adiuva_gateway_client_delete_model_async (client, provider, args[0], NULL,
                                            adiuva_cli_store_result_cb, &result);
  if (!adiuva_gateway_client_delete_model_finish (client, adiuva_cli_wait (&result), &error))
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, provider);
      json_builder_set_member_name (builder, "removed");
      json_builder_add_string_value (builder, args[0]);
      json_builder_end_object (builder);
      adiuva_cli_context_print_json (cli, json_builder_get_root (builder));
    }
  else
    g_print (_ ("Removed %s from %s.\n"), args[0], provider);
  return ADIUVA_CLI_EXIT_OK;
}

/* embed */

static JsonNode *
embeddings_to_json (const AdiuvaEmbeddings *embeddings)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, embeddings->model);
  json_builder_set_member_name (builder, "dimensions");
  json_builder_add_int_value (builder, embeddings->dimensions);
  json_builder_set_member_name (builder, "input_tokens");
  if (embeddings->usage.input_tokens >= 0)
    json_builder_add_int_value (builder, embeddings->usage.input_tokens);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "vectors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < embeddings->n_vectors; i++)
    {
      const float *vector = adiuva_embeddings_get_vector (embeddings, i);

      json_builder_begin_array (builder);
      for (guint j = 0; j < embeddings->dimensions; j++)
        json_builder_add_double_value (builder, vector[j]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static int
run_embed (AdiuvaCliContext       *cli,
           const AdiuvaCliCommand *command,
           int                     argc,
           char                  **argv)
{
  g_autofree char *model = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (AdiuvaEmbeddings) embeddings = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  const char        *stdin_inputs[] = { NULL, NULL };
  const char *const *inputs;
  int                status;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_ ("Ask MODEL of PROVIDER, or the model an alias stands for, instead of the default "
          "model."),
      N_ ("PROVIDER/MODEL") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (args[0] != NULL)
    inputs = (const char *const *) args;
  else
    {
      if ((text = adiuva_cli_context_read_text (cli, NULL, &error)) == NULL)
        return adiuva_cli_context_report (cli, error);
      stdin_inputs[0] = text;
      inputs = stdin_inputs;
    }
  for (guint i = 0; inputs[i] != NULL; i++)
    if (inputs[i][0] == '\0')
      {
        g_set_error_literal (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                             _ ("A text to embed is empty."));
        return adiuva_cli_context_report (cli, error);
      }

  /* An alias may lead to any provider: all of them are set up then. */
  if (!adiuva_cli_choose_model (cli, &model,
                                _ ("Which model? Give --model PROVIDER/MODEL or an alias of an "
                                   "embeddings model."),
                                &provider, &error))
    return adiuva_cli_context_report (cli, error);

  client = adiuva_cli_new_gateway_client (cli, provider, &error);
  if (client == NULL)
    return adiuva_cli_context_report (cli, error);

  adiuva_gateway_client_embed_async (client, model, inputs, "cli", cancellable,
                                     adiuva_cli_store_result_cb, &result);
  embeddings = adiuva_gateway_client_embed_finish (
      client, adiuva_cli_wait_interruptible (&result, cancellable), NULL, &error);
  if (embeddings == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    adiuva_cli_context_print_json (cli, embeddings_to_json (embeddings));
  else
    {
      g_autofree char *dimensions = g_strdup_printf ("%u", embeddings->dimensions);

      /* The count first: a script reading the text gets the same two words every time. */
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u vector of %s dimensions (%s)\n",
                            "%u vectors of %s dimensions (%s)\n", embeddings->n_vectors),
               embeddings->n_vectors, dimensions, embeddings->model);
    }
  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand model_pull = {
  .name = "pull",
  .summary = N_ ("download a model to Ollama"),
  .synopsis = N_ ("NAME [--provider PROVIDER]"),
  .description = N_ (
      "Has Ollama download the model NAME, such as llama3.2:3b, and shows how far it got: a "
      "progress bar on a terminal, a line each time the step changes otherwise, and with "
      "--json one JSON object per line for every progress report (status, and digest, "
      "completed and total bytes while a layer downloads).\n"
      "\n"
      "Ctrl+C stops the download; pulling again resumes it. Without --provider, the first "
      "provider of the workspace that manages models (Ollama) is asked."),
  .examples = N_ ("  adiuva-cli model pull llama3.2:3b\n"
                  "  adiuva-cli --json model pull nomic-embed-text --provider local"),
  .min_args = 1,
  .max_args = 1,
  .run = run_model_pull,
};

static const AdiuvaCliCommand model_show = {
  .name = "show",
  .summary = N_ ("describe a model of Ollama"),
  .synopsis = N_ ("NAME [--provider PROVIDER]"),
  .description = N_ ("Prints the family, parameter size, quantization and context length of "
                     "a model Ollama has."),
  .min_args = 1,
  .max_args = 1,
  .run = run_model_show,
};

static const AdiuvaCliCommand model_rm = {
  .name = "rm",
  .summary = N_ ("remove a model from Ollama"),
  .synopsis = N_ ("NAME [--provider PROVIDER]"),
  .description = N_ ("Deletes a model from Ollama's server, freeing its disk space."),
  .min_args = 1,
  .max_args = 1,
  .run = run_model_rm,
};

static const AdiuvaCliCommand *const model_commands[] = {
  &model_pull,
  &model_show,
  &model_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_model_command = {
  .name = "model",
  .summary = N_ ("manage the models of a local Ollama"),
  .synopsis = N_ ("COMMAND [OPTIONS] NAME"),
  .description = N_ ("Downloads, describes and removes the models of an Ollama server set up "
                     "as a provider (see adiuva-cli provider add --kind ollama). "
                     "“adiuva-cli models” lists them."),
  .subcommands = model_commands,
};

const AdiuvaCliCommand adiuva_cli_embed_command = {
  .name = "embed",
  .summary = N_ ("turn texts into vectors"),
  .synopsis = N_ ("[--model PROVIDER/MODEL] [TEXT…]"),
  .description = N_ (
      "Asks an embeddings model for one vector per TEXT (each argument is one text; without "
      "any, standard input is one text) and prints how many vectors of how many dimensions "
      "came back; with --json, the vectors themselves, the model and the input tokens.\n"
      "\n"
      "Without --model, the workspace's default model is asked, which must then be an "
      "embeddings model. OpenAI and OpenAI-compatible providers, Gemini and Ollama have "
      "embeddings; Anthropic has none. The call is logged like a chat (see adiuva-cli usage)."),
  .examples = N_ ("  adiuva-cli embed --model work/text-embedding-3-small 'Hello world'\n"
                  "  adiuva-cli --json embed --model local/nomic-embed-text one two three"),
  .max_args = -1,
  .run = run_embed,
};
