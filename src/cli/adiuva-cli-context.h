/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>
#include <json-glib/json-glib.h>

#include "adiuva-assistant.h"
#include "adiuva-store.h"

G_BEGIN_DECLS

/* Exit statuses, documented under EXIT STATUS in `adiuva-cli --help`. Store errors map onto
 * them in one table in adiuva-cli-context.c. */
typedef enum
{
  ADIUVA_CLI_EXIT_OK = 0,
  ADIUVA_CLI_EXIT_FAILURE = 1,
  ADIUVA_CLI_EXIT_USAGE = 2,
  ADIUVA_CLI_EXIT_NOT_FOUND = 3,
  ADIUVA_CLI_EXIT_LOCKED = 4,
  ADIUVA_CLI_EXIT_UNUSABLE = 5,
  ADIUVA_CLI_EXIT_CANNOT_WRITE = 6,
  ADIUVA_CLI_EXIT_UNAVAILABLE = 7,
  ADIUVA_CLI_EXIT_OVER_BUDGET = 8,
} AdiuvaCliExit;

/**
 * AdiuvaCliError:
 * @ADIUVA_CLI_ERROR_USAGE: the command line asks for something that does not make sense
 *   (a missing argument, a value that is not a date); exits 2
 * @ADIUVA_CLI_ERROR_REFUSED: the command would lose data the user may not expect to lose
 *   and needs `--force`; exits 1
 */
typedef enum
{
  ADIUVA_CLI_ERROR_USAGE,
  ADIUVA_CLI_ERROR_REFUSED,
} AdiuvaCliError;

#define ADIUVA_CLI_ERROR (adiuva_cli_error_quark ())
GQuark adiuva_cli_error_quark (void);

typedef struct _AdiuvaCliContext AdiuvaCliContext;
typedef struct _AdiuvaCliCommand AdiuvaCliCommand;

typedef int (*AdiuvaCliRunFunc) (AdiuvaCliContext       *cli,
                                 const AdiuvaCliCommand *command,
                                 int                     argc,
                                 char                  **argv);

/**
 * AdiuvaCliCommand:
 * @name: what the user types
 * @summary: one line for the NAME section and command lists
 * @synopsis: what follows the command's name, one form per line
 * @description: the DESCRIPTION section, paragraphs separated by blank lines; lines that
 *   start with two spaces are kept as they are
 * @examples: (nullable): the EXAMPLES section, in the same format
 * @min_args: how many positional arguments the command needs
 * @max_args: how many it takes at most, -1 for any number
 * @run: (nullable): runs a leaf command; %NULL for a group
 * @subcommands: (nullable): a group's commands, %NULL-terminated
 * @extra: (nullable): further man-page sections (EXIT STATUS, FILES…), same format
 *
 * A command or a group of commands. Strings are marked with N_() and translated when shown.
 */
struct _AdiuvaCliCommand
{
  const char                    *name;
  const char                    *summary;
  const char                    *synopsis;
  const char                    *description;
  const char                    *examples;
  int                            min_args;
  int                            max_args;
  AdiuvaCliRunFunc               run;
  const AdiuvaCliCommand *const *subcommands;
  const char                    *extra;
};

struct _AdiuvaCliContext
{
  /* Global options */
  char    *data_dir;
  char    *passphrase_file;
  gboolean json;
  gboolean help;

  GOptionEntry            global_entries[5];
  GPtrArray              *path; /* "adiuva-cli", "task", "add" */
  gboolean                stdin_used;
  GDateTime              *now;
  AdiuvaStore            *store;
  AdiuvaWorkspaceGateway *gateway;
};

AdiuvaCliContext       *adiuva_cli_context_new (void);
void                    adiuva_cli_context_free (AdiuvaCliContext *cli);
GOptionGroup           *adiuva_cli_context_new_global_group (AdiuvaCliContext *cli);
int                     adiuva_cli_context_run (AdiuvaCliContext       *cli,
                                                const AdiuvaCliCommand *command,
                                                int                     argc,
                                                char                  **argv);
gboolean                adiuva_cli_context_parse (AdiuvaCliContext       *cli,
                                                  const AdiuvaCliCommand *command,
                                                  const GOptionEntry     *entries,
                                                  int                     argc,
                                                  char                  **argv,
                                                  GStrv                  *args,
                                                  int                    *status);
void                    adiuva_cli_context_print_help (AdiuvaCliContext       *cli,
                                                       const AdiuvaCliCommand *command,
                                                       const GOptionEntry     *entries,
                                                       FILE                   *out);
char                   *adiuva_cli_context_dup_path (AdiuvaCliContext *cli);
const char             *adiuva_cli_context_get_data_dir (AdiuvaCliContext *cli);
char                   *adiuva_cli_context_read_passphrase (AdiuvaCliContext *cli,
                                                            const char       *file,
                                                            GError          **error);
char                   *adiuva_cli_context_read_text (AdiuvaCliContext *cli,
                                                      const char       *file,
                                                      GError          **error);
AdiuvaStore            *adiuva_cli_context_open_store (AdiuvaCliContext *cli,
                                                       GError          **error);
AdiuvaWorkspaceGateway *adiuva_cli_context_get_gateway (AdiuvaCliContext *cli,
                                                        GError          **error);
int                     adiuva_cli_context_report (AdiuvaCliContext *cli,
                                                   const GError     *error);
void                    adiuva_cli_context_print_json (AdiuvaCliContext *cli,
                                                       JsonNode         *node);
void                    adiuva_cli_context_print_record (AdiuvaCliContext *cli,
                                                         AdiuvaRecord     *record,
                                                         const char       *message);

void adiuva_cli_wipe_string (char *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaCliContext, adiuva_cli_context_free)

/* The commands, one table per file */
extern const AdiuvaCliCommand adiuva_cli_init_command;
extern const AdiuvaCliCommand adiuva_cli_passphrase_command;
extern const AdiuvaCliCommand adiuva_cli_workspace_command;
extern const AdiuvaCliCommand adiuva_cli_export_command;
extern const AdiuvaCliCommand adiuva_cli_client_command;
extern const AdiuvaCliCommand adiuva_cli_project_command;
extern const AdiuvaCliCommand adiuva_cli_task_command;
extern const AdiuvaCliCommand adiuva_cli_checkpoint_command;
extern const AdiuvaCliCommand adiuva_cli_note_command;
extern const AdiuvaCliCommand adiuva_cli_search_command;
extern const AdiuvaCliCommand adiuva_cli_provider_command;
extern const AdiuvaCliCommand adiuva_cli_models_command;
extern const AdiuvaCliCommand adiuva_cli_model_command;
extern const AdiuvaCliCommand adiuva_cli_embed_command;
extern const AdiuvaCliCommand adiuva_cli_alias_command;
extern const AdiuvaCliCommand adiuva_cli_fallback_command;
extern const AdiuvaCliCommand adiuva_cli_route_command;
extern const AdiuvaCliCommand adiuva_cli_chat_command;
extern const AdiuvaCliCommand adiuva_cli_usage_command;
extern const AdiuvaCliCommand adiuva_cli_gateway_command;
extern const AdiuvaCliCommand adiuva_cli_budget_command;
extern const AdiuvaCliCommand adiuva_cli_limit_command;

G_END_DECLS
