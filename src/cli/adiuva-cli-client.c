/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-output.h"
#include "adiuva-cli-values.h"

static int
run_client_add (AdiuvaCliContext       *cli,
                const AdiuvaCliCommand *command,
                int                     argc,
                char                  **argv)
{
  g_autofree char *email = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaClient) client = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_ ("The client's email address."),
      N_ ("ADDRESS") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_ ("Free text about the client."),
      N_ ("TEXT") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL)
    return adiuva_cli_context_report (cli, error);

  name = g_strjoinv (" ", args);
  client = adiuva_client_new ();
  adiuva_client_set_name (client, name);
  adiuva_client_set_email (client, email);
  adiuva_client_set_notes (client, notes);
  if (!adiuva_store_add (store, ADIUVA_RECORD (client), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (client));
  message = g_strdup_printf (_ ("Added client %s: %s"), id, name);
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (client), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_client_list (AdiuvaCliContext       *cli,
                 const AdiuvaCliCommand *command,
                 int                     argc,
                 char                  **argv)
{
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) clients = NULL;
  g_autoptr (GListModel) projects = NULL;
  g_autoptr (GHashTable) counts = NULL;
  g_autoptr (AdiuvaCliTable) table = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (clients = adiuva_store_list_clients (store, &error)) == NULL ||
      (projects = adiuva_store_list_projects (store, -1, FALSE, &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (cli->json)
    {
      adiuva_cli_context_print_json (cli, adiuva_cli_list_to_json (clients, 0));
      return ADIUVA_CLI_EXIT_OK;
    }

  counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (projects); i++)
    {
      g_autoptr (AdiuvaProject) project = g_list_model_get_item (projects, i);
      gint64 client_id = adiuva_project_get_client_id (project);
      guint  n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &client_id));

      g_hash_table_replace (counts, g_memdup2 (&client_id, sizeof client_id),
                            GUINT_TO_POINTER (n + 1));
    }

  table = adiuva_cli_table_new ();
  adiuva_cli_table_add_column (table, _ ("ID"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("NAME"), ADIUVA_CLI_ALIGN_LEFT);
  adiuva_cli_table_add_column (table, _ ("PROJECTS"), ADIUVA_CLI_ALIGN_RIGHT);
  adiuva_cli_table_add_column (table, _ ("EMAIL"), ADIUVA_CLI_ALIGN_LEFT);

  for (guint i = 0; i < g_list_model_get_n_items (clients); i++)
    {
      g_autoptr (AdiuvaClient) client = g_list_model_get_item (clients, i);
      gint64 id = adiuva_record_get_id (ADIUVA_RECORD (client));
      guint  n_projects = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &id));

      adiuva_cli_table_take_cell (table, adiuva_cli_format_id (ADIUVA_RECORD (client)));
      adiuva_cli_table_add_cell (table, adiuva_client_get_name (client));
      adiuva_cli_table_take_cell (table, g_strdup_printf ("%u", n_projects));
      adiuva_cli_table_add_cell (table, adiuva_client_get_email (client));
    }

  if (adiuva_cli_table_get_n_rows (table) == 0)
    g_print (_ ("No clients yet. Add one with: adiuva-cli client add NAME\n"));
  else
    adiuva_cli_table_print (table);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_client_edit (AdiuvaCliContext       *cli,
                 const AdiuvaCliCommand *command,
                 int                     argc,
                 char                  **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaClient) client = NULL;
  AdiuvaStore       *store;
  int                status;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_ ("Rename the client."), N_ ("NAME") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email,
      N_ ("Change the email address; an empty one removes it."), N_ ("ADDRESS") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes,
      N_ ("Replace the notes; empty notes remove them."), N_ ("TEXT") },
    { NULL }
  };

  if (!adiuva_cli_context_parse (cli, command, entries, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL || (client = adiuva_cli_find_client (store, args[0], &error)) == NULL)
    return adiuva_cli_context_report (cli, error);

  if (name != NULL)
    adiuva_client_set_name (client, name);
  if (email != NULL)
    {
      g_autofree char *value = adiuva_cli_empty_to_null (email);

      adiuva_client_set_email (client, value);
    }
  if (notes != NULL)
    {
      g_autofree char *value = adiuva_cli_empty_to_null (notes);

      adiuva_client_set_notes (client, value);
    }

  if (!adiuva_store_update (store, ADIUVA_RECORD (client), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (client));
  message = g_strdup_printf (_ ("Changed client %s: %s"), id, adiuva_client_get_name (client));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (client), message);

  return ADIUVA_CLI_EXIT_OK;
}

static int
run_client_rm (AdiuvaCliContext       *cli,
               const AdiuvaCliCommand *command,
               int                     argc,
               char                  **argv)
{
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaClient) client = NULL;
  AdiuvaStore *store;
  int          status;

  if (!adiuva_cli_context_parse (cli, command, NULL, argc, argv, &args, &status))
    return status;

  store = adiuva_cli_context_open_store (cli, &error);
  if (store == NULL ||
      (client = adiuva_cli_find_client (store, args[0], &error)) == NULL ||
      !adiuva_store_delete (store, ADIUVA_RECORD (client), &error))
    return adiuva_cli_context_report (cli, error);

  id = adiuva_cli_format_id (ADIUVA_RECORD (client));
  message = g_strdup_printf (_ ("Removed client %s: %s. Its projects are kept, without a "
                                "client."),
                             id, adiuva_client_get_name (client));
  adiuva_cli_context_print_record (cli, ADIUVA_RECORD (client), message);

  return ADIUVA_CLI_EXIT_OK;
}

static const AdiuvaCliCommand client_add = {
  .name = "add",
  .summary = N_ ("add a client"),
  .synopsis = N_ ("NAME… [--email ADDRESS] [--notes TEXT]"),
  .description = N_ ("Adds a client. The words of NAME are joined with spaces, so quotes are "
                     "optional."),
  .examples = N_ ("  adiuva-cli client add ACME Corporation --email billing@acme.example"),
  .min_args = 1,
  .max_args = -1,
  .run = run_client_add,
};

static const AdiuvaCliCommand client_list = {
  .name = "list",
  .summary = N_ ("list the clients"),
  .synopsis = "",
  .description = N_ ("Lists the clients by name, with how many projects each one has."),
  .max_args = 0,
  .run = run_client_list,
};

static const AdiuvaCliCommand client_edit = {
  .name = "edit",
  .summary = N_ ("change a client"),
  .synopsis = N_ ("CLIENT [--name NAME] [--email ADDRESS] [--notes TEXT]"),
  .description = N_ ("Changes the fields given as options and leaves the others as they are. "
                     "CLIENT is an id or a name."),
  .examples = N_ ("  adiuva-cli client edit ACME --email accounts@acme.example"),
  .min_args = 1,
  .max_args = 1,
  .run = run_client_edit,
};

static const AdiuvaCliCommand client_rm = {
  .name = "rm",
  .summary = N_ ("remove a client"),
  .synopsis = N_ ("CLIENT"),
  .description = N_ ("Removes a client. Its projects stay, without a client. CLIENT is an id "
                     "or a name."),
  .min_args = 1,
  .max_args = 1,
  .run = run_client_rm,
};

static const AdiuvaCliCommand *const client_commands[] = {
  &client_add,
  &client_list,
  &client_edit,
  &client_rm,
  NULL
};

const AdiuvaCliCommand adiuva_cli_client_command = {
  .name = "client",
  .summary = N_ ("add, list, change and remove clients"),
  .synopsis = N_ ("COMMAND [OPTIONS] [ARGUMENTS…]"),
  .description = N_ ("Clients are the people and companies projects are done for. A client is "
                     "named by its id or its name."),
  .subcommands = client_commands,
};
