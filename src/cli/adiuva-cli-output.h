/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

/* JSON: records as objects with every field, lists as arrays */
JsonNode *adiuva_cli_record_to_json (AdiuvaRecord *record);
JsonNode *adiuva_cli_list_to_json (GListModel *list,
                                   guint       limit);
char     *adiuva_cli_enum_nick (GType enum_type,
                                int   value);
JsonNode *adiuva_cli_key_modes_to_json (AdiuvaKeyMode modes);

/* Human-readable values */
char       *adiuva_cli_format_id (AdiuvaRecord *record);
char       *adiuva_cli_format_date (const char *floating,
                                    GDateTime  *now);
char       *adiuva_cli_format_time (gint64 unix_time);
char       *adiuva_cli_format_priority (int priority);
char       *adiuva_cli_format_tags (const char *const *tags);
const char *adiuva_cli_format_task_box (AdiuvaTaskStatus status);
char       *adiuva_cli_format_key_modes (AdiuvaKeyMode modes);
char       *adiuva_cli_render_snippet (const char *snippet,
                                       gboolean    highlight);
char       *adiuva_cli_plain_snippet (const char *snippet);
gboolean    adiuva_cli_stdout_is_terminal (void);

/* Tables: columns padded to their widest cell, the last one left ragged */
typedef struct _AdiuvaCliTable AdiuvaCliTable;

typedef enum
{
  ADIUVA_CLI_ALIGN_LEFT,
  ADIUVA_CLI_ALIGN_RIGHT,
} AdiuvaCliAlign;

AdiuvaCliTable *adiuva_cli_table_new (void);
void            adiuva_cli_table_free (AdiuvaCliTable *table);
void            adiuva_cli_table_add_column (AdiuvaCliTable *table,
                                             const char     *title,
                                             AdiuvaCliAlign  align);
void            adiuva_cli_table_add_cell (AdiuvaCliTable *table,
                                           const char     *text);
void            adiuva_cli_table_take_cell (AdiuvaCliTable *table,
                                            char           *text);
void            adiuva_cli_table_take_detail (AdiuvaCliTable *table,
                                              char           *text);
guint           adiuva_cli_table_get_n_rows (AdiuvaCliTable *table);
void            adiuva_cli_table_print (AdiuvaCliTable *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaCliTable, adiuva_cli_table_free)

G_END_DECLS
