/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "adiuva-cli-output.h"
#include "adiuva-date.h"

char *
adiuva_cli_enum_nick (GType enum_type,
                      int   value)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  return ev != NULL ? g_strdup (ev->value_nick) : g_strdup_printf ("%d", value);
}

static void
add_property (JsonBuilder *builder,
              GObject     *object,
              const char  *member,
              GParamSpec  *pspec)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (object, pspec->name, &value);

  json_builder_set_member_name (builder, member);

  if (G_VALUE_HOLDS_STRING (&value))
    {
      if (g_value_get_string (&value) != NULL)
        json_builder_add_string_value (builder, g_value_get_string (&value));
      else
        json_builder_add_null_value (builder);
    }
  else if (G_VALUE_HOLDS_INT64 (&value))
    {
      /* As in the database: an int64 field is a reference or a time, and 0 means none. */
      if (g_value_get_int64 (&value) != 0)
        json_builder_add_int_value (builder, g_value_get_int64 (&value));
      else
        json_builder_add_null_value (builder);
    }
  else if (G_VALUE_HOLDS_INT (&value))
    json_builder_add_int_value (builder, g_value_get_int (&value));
  else if (G_VALUE_HOLDS_BOOLEAN (&value))
    json_builder_add_boolean_value (builder, g_value_get_boolean (&value));
  else if (G_VALUE_HOLDS_DOUBLE (&value))
    json_builder_add_double_value (builder, g_value_get_double (&value));
  else if (G_VALUE_HOLDS_ENUM (&value))
    {
      g_autofree char *nick = adiuva_cli_enum_nick (pspec->value_type, g_value_get_enum (&value));

      json_builder_add_string_value (builder, nick);
    }
  else
    json_builder_add_null_value (builder);
}

/**
 * adiuva_cli_record_to_json:
 *
 * Every field of @record, named as its database column, so `--json` output and the
 * workspace export speak the same names. Follows the record class's column list: a new
 * column shows up here without touching the CLI.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
adiuva_cli_record_to_json (AdiuvaRecord *record)
{
  AdiuvaRecordClass *klass = ADIUVA_RECORD_GET_CLASS (record);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *kind = adiuva_cli_enum_nick (ADIUVA_TYPE_ENTITY, klass->entity);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, adiuva_record_get_id (record));

  for (guint i = 0; klass->columns[i] != NULL; i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (klass->columns[i]), "_", '-');
      GParamSpec      *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), name);

      if (pspec != NULL)
        add_property (builder, G_OBJECT (record), klass->columns[i], pspec);
    }

  if (ADIUVA_IS_TASK (record))
    {
      const char *const *tags = adiuva_task_get_tags (ADIUVA_TASK (record));

      json_builder_set_member_name (builder, "tags");
      json_builder_begin_array (builder);
      for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
        json_builder_add_string_value (builder, tags[i]);
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, adiuva_record_get_created_at (record));
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_int_value (builder, adiuva_record_get_updated_at (record));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * adiuva_cli_list_to_json:
 * @limit: at most this many, 0 for all
 *
 * Returns: (transfer full): a JSON array of the records in @list
 */
JsonNode *
adiuva_cli_list_to_json (GListModel *list,
                         guint       limit)
{
  g_autoptr (JsonArray) array = json_array_new ();
  guint     n = g_list_model_get_n_items (list);
  JsonNode *node;

  if (limit > 0 && limit < n)
    n = limit;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AdiuvaRecord) record = g_list_model_get_item (list, i);

      if (record != NULL)
        json_array_add_element (array, adiuva_cli_record_to_json (record));
    }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);

  return node;
}

JsonNode *
adiuva_cli_key_modes_to_json (AdiuvaKeyMode modes)
{
  g_autoptr (JsonArray) array = json_array_new ();
  JsonNode *node;

  if (modes & ADIUVA_KEY_MODE_KEYRING)
    json_array_add_string_element (array, "keyring");
  if (modes & ADIUVA_KEY_MODE_PASSPHRASE)
    json_array_add_string_element (array, "passphrase");

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);

  return node;
}

/* Human-readable values */

/**
 * adiuva_cli_format_date:
 * @floating: (nullable): a task or checkpoint date, `YYYY-MM-DD` or with a time
 *
 * Near dates in words ("today", "tomorrow"), others with their weekday, the year only when
 * it is not this one.
 *
 * Returns: (transfer full): the date for people, "" for none
 */
char *
adiuva_cli_format_date (const char *floating,
                        GDateTime  *now)
{
  g_autoptr (GDateTime) date = NULL;
  g_autofree char *day = NULL;
  gboolean         has_time = FALSE;
  GDate            a, b;
  int              delta;

  if (floating == NULL)
    return g_strdup ("");

  date = adiuva_date_parse_floating (floating, g_date_time_get_timezone (now), &has_time);
  if (date == NULL)
    return g_strdup (floating);

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  g_date_set_dmy (&b, g_date_time_get_day_of_month (date), g_date_time_get_month (date),
                  g_date_time_get_year (date));
  delta = g_date_days_between (&a, &b);

  if (delta == 0)
    day = g_strdup (_ ("today"));
  else if (delta == 1)
    day = g_strdup (_ ("tomorrow"));
  else if (delta == -1)
    day = g_strdup (_ ("yesterday"));
  else if (g_date_time_get_year (date) == g_date_time_get_year (now))
    /* Translators: a date in this year, see g_date_time_format(): "Fri 27 Nov" */
    day = g_date_time_format (date, _ ("%a %-d %b"));
  else
    /* Translators: a date in another year: "Fri 27 Nov 2027" */
    day = g_date_time_format (date, _ ("%a %-d %b %Y"));

  if (has_time)
    {
      g_autofree char *time = g_date_time_format (date, "%H:%M");

      return g_strdup_printf ("%s %s", day, time);
    }

  return g_steal_pointer (&day);
}

/* Ids are formatted apart from messages: xgettext cannot read G_GINT64_FORMAT. */
char *
adiuva_cli_format_id (AdiuvaRecord *record)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, adiuva_record_get_id (record));
}

char *
adiuva_cli_format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_time == 0)
    return g_strdup ("");

  time = g_date_time_new_from_unix_local (unix_time);
  if (time == NULL)
    return g_strdup ("");

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

char *
adiuva_cli_format_priority (int priority)
{
  return g_strdup_printf ("p%d", priority);
}

char *
adiuva_cli_format_tags (const char *const *tags)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    g_string_append_printf (text, "%s@%s", i > 0 ? " " : "", tags[i]);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
adiuva_cli_format_task_box (AdiuvaTaskStatus status)
{
  switch (status)
    {
    case ADIUVA_TASK_STATUS_DOING:
      return "[~]";

    case ADIUVA_TASK_STATUS_DONE:
      return "[x]";

    case ADIUVA_TASK_STATUS_CANCELLED:
      return "[-]";

    case ADIUVA_TASK_STATUS_TODO:
    default:
      return "[ ]";
    }
}

char *
adiuva_cli_format_key_modes (AdiuvaKeyMode modes)
{
  if ((modes & ADIUVA_KEY_MODE_KEYRING) && (modes & ADIUVA_KEY_MODE_PASSPHRASE))
    return g_strdup (_ ("the keyring and a passphrase"));
  if (modes & ADIUVA_KEY_MODE_PASSPHRASE)
    return g_strdup (_ ("a passphrase"));
  return g_strdup (_ ("the keyring"));
}

static char *
replace_marks (const char *snippet,
               const char *start,
               const char *end)
{
  g_autoptr (GString) text = g_string_new (snippet);

  g_string_replace (text, ADIUVA_SEARCH_MATCH_START, start, 0);
  g_string_replace (text, ADIUVA_SEARCH_MATCH_END, end, 0);
  g_strdelimit (text->str, "\n\r\t", ' ');

  return g_strstrip (g_string_free (g_steal_pointer (&text), FALSE));
}

/**
 * adiuva_cli_render_snippet:
 * @highlight: bold for a terminal; brackets elsewhere, where escapes would be noise
 */
char *
adiuva_cli_render_snippet (const char *snippet,
                           gboolean    highlight)
{
  if (snippet == NULL)
    return g_strdup ("");

  return highlight ? replace_marks (snippet, "\033[1m", "\033[0m")
                   : replace_marks (snippet, "[", "]");
}

char *
adiuva_cli_plain_snippet (const char *snippet)
{
  return snippet != NULL ? replace_marks (snippet, "", "") : g_strdup ("");
}

gboolean
adiuva_cli_stdout_is_terminal (void)
{
  return isatty (STDOUT_FILENO) && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

/* Tables */

typedef struct
{
  char          *title;
  AdiuvaCliAlign align;
} Column;

struct _AdiuvaCliTable
{
  GArray    *columns;
  GPtrArray *cells;
  GPtrArray *details;
};

AdiuvaCliTable *
adiuva_cli_table_new (void)
{
  AdiuvaCliTable *table = g_new0 (AdiuvaCliTable, 1);

  table->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  table->cells = g_ptr_array_new_with_free_func (g_free);
  table->details = g_ptr_array_new_with_free_func (g_free);

  return table;
}

void
adiuva_cli_table_free (AdiuvaCliTable *table)
{
  if (table == NULL)
    return;

  for (guint i = 0; i < table->columns->len; i++)
    g_free (g_array_index (table->columns, Column, i).title);
  g_array_unref (table->columns);
  g_ptr_array_unref (table->cells);
  g_ptr_array_unref (table->details);
  g_free (table);
}

/* A table whose columns have no title (%NULL) prints no header line. */
void
adiuva_cli_table_add_column (AdiuvaCliTable *table,
                             const char     *title,
                             AdiuvaCliAlign  align)
{
  Column column = { g_strdup (title), align };

  g_assert (table->cells->len == 0);
  g_array_append_val (table->columns, column);
}

void
adiuva_cli_table_take_cell (AdiuvaCliTable *table,
                            char           *text)
{
  g_assert (table->columns->len > 0);

  if (table->cells->len % table->columns->len == 0)
    g_ptr_array_add (table->details, NULL);
  g_ptr_array_add (table->cells, text != NULL ? text : g_strdup (""));
}

void
adiuva_cli_table_add_cell (AdiuvaCliTable *table,
                           const char     *text)
{
  adiuva_cli_table_take_cell (table, g_strdup (text));
}

/* A line printed under the current row, aligned with its last column. */
void
adiuva_cli_table_take_detail (AdiuvaCliTable *table,
                              char           *text)
{
  g_assert (table->details->len > 0);

  g_free (g_ptr_array_index (table->details, table->details->len - 1));
  g_ptr_array_index (table->details, table->details->len - 1) = text;
}

guint
adiuva_cli_table_get_n_rows (AdiuvaCliTable *table)
{
  return table->details->len;
}

/* Columns on a terminal: wide (CJK) characters take two, combining marks none. */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

static void
append_padded (GString       *line,
               const char    *text,
               guint          width,
               AdiuvaCliAlign align,
               gboolean       last)
{
  guint pad = width - MIN (width, display_width (text));

  if (align == ADIUVA_CLI_ALIGN_RIGHT)
    for (guint i = 0; i < pad; i++)
      g_string_append_c (line, ' ');
  g_string_append (line, text);
  if (align == ADIUVA_CLI_ALIGN_LEFT && !last)
    for (guint i = 0; i < pad; i++)
      g_string_append_c (line, ' ');
}

void
adiuva_cli_table_print (AdiuvaCliTable *table)
{
  guint             n_columns = table->columns->len;
  guint             n_rows = adiuva_cli_table_get_n_rows (table);
  g_autofree guint *widths = g_new0 (guint, n_columns);
  guint             indent = 0;

  gboolean header = n_columns > 0 && g_array_index (table->columns, Column, 0).title != NULL;

  for (guint c = 0; c < n_columns && header; c++)
    widths[c] = display_width (g_array_index (table->columns, Column, c).title);
  for (guint i = 0; i < table->cells->len; i++)
    widths[i % n_columns] = MAX (widths[i % n_columns],
                                 display_width (g_ptr_array_index (table->cells, i)));
  for (guint c = 0; c + 1 < n_columns; c++)
    if (widths[c] > 0)
      indent += widths[c] + 2;

  for (guint r = header ? 0 : 1; r <= n_rows; r++)
    {
      g_autoptr (GString) line = g_string_new (NULL);
      gboolean    started = FALSE;
      const char *detail = r > 0 ? g_ptr_array_index (table->details, r - 1) : NULL;

      for (guint c = 0; c < n_columns; c++)
        {
          const Column *column = &g_array_index (table->columns, Column, c);
          const char   *text = r == 0 ? column->title
                                      : g_ptr_array_index (table->cells, (r - 1) * n_columns + c);

          /* A column with nothing in it (no note pinned) takes no room. */
          if (widths[c] == 0)
            continue;
          if (started)
            g_string_append (line, "  ");
          started = TRUE;
          append_padded (line, text != NULL ? text : "", widths[c], column->align,
                         c + 1 == n_columns);
        }

      /* Trailing blanks of empty last cells help no one. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);

      if (detail != NULL)
        g_print ("%*s%s\n", (int) indent, "", detail);
    }
}
