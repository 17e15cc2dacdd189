/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store.h"

G_BEGIN_DECLS

/* Reading what the user typed. Every failure is an ADIUVA_CLI_ERROR_USAGE error that names
 * the value and says what would have been accepted. */

typedef enum
{
  ADIUVA_CLI_DATE_ALLOW_NONE = 1 << 0, /* "none" clears the date */
  ADIUVA_CLI_DATE_ALLOW_TIME = 1 << 1, /* "friday 5pm" keeps its time */
} AdiuvaCliDateFlags;

gboolean adiuva_cli_parse_id (const char *text,
                              gint64     *id,
                              GError    **error);
gboolean adiuva_cli_parse_date (const char        *text,
                                GDateTime         *now,
                                AdiuvaCliDateFlags flags,
                                char             **date,
                                GError           **error);
gboolean adiuva_cli_parse_enum (GType       enum_type,
                                const char *text,
                                const char *option,
                                int        *value,
                                GError    **error);
gboolean adiuva_cli_parse_priority (const char *text,
                                    int        *priority,
                                    GError    **error);
gboolean adiuva_cli_parse_colour (const char *text,
                                  GError    **error);
gboolean adiuva_cli_check_exclusive (const char *first,
                                     gboolean    first_set,
                                     const char *second,
                                     gboolean    second_set,
                                     GError    **error);
char    *adiuva_cli_empty_to_null (const char *text);

/* Finding records by what the user called them */
gpointer       adiuva_cli_get_record (AdiuvaStore *store,
                                      GType        record_type,
                                      const char  *id_text,
                                      GError     **error);
GPtrArray     *adiuva_cli_get_records (AdiuvaStore *store,
                                       GType        record_type,
                                       GStrv        id_texts,
                                       GError     **error);
AdiuvaProject *adiuva_cli_find_project (AdiuvaStore *store,
                                        const char  *id_or_name,
                                        GError     **error);
AdiuvaClient  *adiuva_cli_find_client (AdiuvaStore *store,
                                       const char  *id_or_name,
                                       GError     **error);
AdiuvaNote    *adiuva_cli_find_note (AdiuvaStore *store,
                                     const char  *id_or_title,
                                     GError     **error);
GHashTable    *adiuva_cli_project_names (AdiuvaStore *store,
                                         GError     **error);
GHashTable    *adiuva_cli_client_names (AdiuvaStore *store,
                                        GError     **error);

G_END_DECLS
