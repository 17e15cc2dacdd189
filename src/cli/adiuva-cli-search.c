/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-output.h"

static JsonNode *
result_to_json (const AdiuvaSearchResult *result)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *kind = adiuva_cli_enum_nick (ADIUVA_TYPE_ENTITY, result->entity);
  g_autofree char *snippet = adiuva_cli_plain_snippet (result->snippet);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, result->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, result->title);
  json_builder_set_member_name (builder, "snippet");
  json_builder_add_string_value (builder, snippet);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, result->score);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static int
run_search (AdiuvaCliContext       *cli,
            const AdiuvaCliCommand *command,
            int                     argc,
            char                  **argv)
{
  int limit = 0;
  g_auto (GStrv) args = NULL;
  g_autofree char *query = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore       *store;
  gboolean           highlight;
  int                status;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("Show at most N results (50 by default)."),
      N_ ("N") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  if (limit < 0)
    {
      g_set_error (&error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("--limit takes a number of results, not %d."), limit);
      return adiuva_cli_context_report (cli, error);
    }

  query = g_strjoinv (" ", args);
  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (results = adiuva_store_search (store, query, limit, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      g_autoptr (JsonArray) array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < results->len; i++)
        json_array_add_element (array, result_to_json (results->pdata[i]));
      json_node_set_array (node, array);
      adiuva_cli_context_print_json (cli, node);
      return ADIUVA_CLI_EXIT_OK;
    }

  if (results->len == 0)
    {
      g_print (_ ("Nothing matches “%s”.\n"), query);
      return ADIUVA_CLI_EXIT_OK;
    }

  highlight = adiuva_cli_stdout_is_terminal ();
  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("KIND"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("ID"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("TITLE"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < results->len; i++)
    {
      const AdiuvaSearchResult *result = results->pdata[i];

      adiuva_cli_table_take_cell (table, adiuva_cli_enum_nick (ADIUVA_TYPE_ENTITY,
                                                               result->entity));
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%" G_GINT64_FORMAT, result->id));
      adiuva_cli_table_add_cell (table, result->title);
      if (result->snippet != NULL && *result->snippet != '\0')
        adiuva_cli_table_take_detail (table, adiuva_cli_render_snippet (result->snippet,
                                                                        highlight));
    }
  adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

const AdiuvaCliCommand adiuva_cli_search_command = {
  .name = "search",
  .summary = N_ ("search tasks, notes, checkpoints and projects"),
  .synopsis = N_ ("WORDS… [--limit N]"),
  .description = N_ (
      "Searches titles and texts of tasks, notes, checkpoints and projects, best match first. "
      "Every word must appear; the last one may be the start of a word. Accents and case do "
      "not matter: “cafe” finds “Café”.\n"
      "\n"
      "Under each result a few words around the match are shown, the matching words in bold "
      "on a terminal and [in brackets] elsewhere."),
  .examples = N_ ("  adiuva-cli search invoice acme\n"
                  "  adiuva-cli --json search meeting --limit 5"),
  .min_args = 1,
  .max_args = -1,
  .run = run_search,
};
