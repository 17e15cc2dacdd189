/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "test-tree.h"

G_BEGIN_DECLS

/* One run of the real adiuva-cli binary, as a user or a script would start it. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

void        cli_run_free (CliRun *run);
CliRun     *cli_run_argv (const char        *input,
                          const char *const *argv);
CliRun     *cli_run_argv_env (const char        *input,
                              const char *const *env,
                              const char *const *argv);
GPtrArray  *cli_argv_in (const char        *dir,
                         const char *const *args);
CliRun     *cli_run_in (const char        *dir,
                        const char        *input,
                        const char *const *env,
                        const char *const *args);
void        cli_assert_status (CliRun *run,
                               int     status);
CliRun     *cli_run (const char *input,
                     const char *first_arg,
                     ...) G_GNUC_NULL_TERMINATED;
CliRun     *cli_run_ok (const char *input,
                        const char *first_arg,
                        ...) G_GNUC_NULL_TERMINATED;
void        cli_ok (const char *input,
                    const char *first_arg,
                    ...) G_GNUC_NULL_TERMINATED;
JsonNode   *cli_run_json (const char *first_arg,
                          ...) G_GNUC_NULL_TERMINATED;
JsonNode   *cli_parse_json (const char *text);
char       *cli_make_workspace_dir (void);
const char *cli_json_string (JsonNode   *object,
                             const char *member);
gint64      cli_json_int (JsonNode   *object,
                          const char *member);
guint       cli_json_length (JsonNode *array);
JsonNode   *cli_json_element (JsonNode *array,
                              guint     index);
char       *cli_http_request (const char *url,
                              const char *version,
                              const char *method,
                              const char *path,
                              const char *token,
                              const char *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

G_END_DECLS
