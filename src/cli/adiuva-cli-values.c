/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-cli-context.h"
#include "adiuva-cli-values.h"
#include "adiuva-date.h"

gboolean
adiuva_cli_parse_id (const char *text,
                     gint64     *id,
                     GError    **error)
{
  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, id, NULL))
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” is not an id; ids are the numbers in the first column of lists."),
                   text);
      return FALSE;
    }

  return TRUE;
}

/* A date option holds nothing but a date, so the quick add must understand all of it. "wed",
 * "sat" and "sun" are ordinary words to the quick add unless "on" comes first: try that too. */
static GDateTime *
parse_date_words (const char *text,
                  GDateTime  *now,
                  gboolean   *has_time)
{
  const char *prefixes[] = { "", "on " };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *phrase = g_strconcat (prefixes[i], text, NULL);
      g_autoptr (AdiuvaQuickAdd) parsed = adiuva_quick_add_parse (phrase, now);

      if (parsed->due != NULL && (parsed->title == NULL || *parsed->title == '\0'))
        {
          *has_time = parsed->due_has_time;
          return g_date_time_ref (parsed->due);
        }
    }

  return NULL;
}

/**
 * adiuva_cli_parse_date:
 * @text: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, or words such as "today", "friday", "in 3 days"
 * @date: (out) (nullable): the floating date, %NULL for "none"
 */
gboolean
adiuva_cli_parse_date (const char        *text,
                       GDateTime         *now,
                       AdiuvaCliDateFlags flags,
                       char             **date,
                       GError           **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr (GDateTime) parsed = NULL;
  gboolean has_time = FALSE;

  if ((flags & ADIUVA_CLI_DATE_ALLOW_NONE) && g_ascii_strcasecmp (stripped, "none") == 0)
    {
      *date = NULL;
      return TRUE;
    }

  parsed = adiuva_date_parse_floating (stripped, g_date_time_get_timezone (now), &has_time);
  if (parsed == NULL && *stripped != '\0' && g_utf8_validate (stripped, -1, NULL))
    parsed = parse_date_words (stripped, now, &has_time);

  if (parsed == NULL)
    {
      if (flags & ADIUVA_CLI_DATE_ALLOW_NONE)
        g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                     _ ("“%s” is not a date. Use YYYY-MM-DD, words such as today, tomorrow, "
                        "friday or “in 3 days”, or none."),
                     text);
      else
        g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                     _ ("“%s” is not a date. Use YYYY-MM-DD or words such as today, "
                        "tomorrow, friday or “in 3 days”."),
                     text);
      return FALSE;
    }

  *date = adiuva_date_format_floating (parsed, has_time && (flags & ADIUVA_CLI_DATE_ALLOW_TIME));
  return TRUE;
}

/**
 * adiuva_cli_parse_enum:
 * @option: the option the value came from, for the message
 */
gboolean
adiuva_cli_parse_enum (GType       enum_type,
                       const char *text,
                       const char *option,
                       int        *value,
                       GError    **error)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (enum_type);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_autoptr (GString) choices = NULL;
  GEnumValue *ev = g_enum_get_value_by_nick (klass, lower);

  if (ev != NULL)
    {
      *value = ev->value;
      return TRUE;
    }

  choices = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (choices, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);

  g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
               _ ("“%s” is not a value of %s; use one of: %s."), text, option, choices->str);
  return FALSE;
}

gboolean
adiuva_cli_parse_priority (const char *text,
                           int        *priority,
                           GError    **error)
{
  const char *digits = text;
  gint64      value;

  if (digits[0] == 'p' || digits[0] == 'P')
    digits++;

  if (!g_ascii_string_to_signed (digits, 10, 1, 4, &value, NULL))
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("“%s” is not a priority; use 1 (highest) to 4, or p1 to p4."), text);
      return FALSE;
    }

  *priority = value;
  return TRUE;
}

gboolean
adiuva_cli_parse_colour (const char *text,
                         GError    **error)
{
  gboolean valid = strlen (text) == 7 && text[0] == '#';

  for (guint i = 1; valid && i < 7; i++)
    valid = g_ascii_isxdigit (text[i]);

  if (!valid)
    g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                 _ ("“%s” is not a colour; use #RRGGBB, such as #3584e4."), text);

  return valid;
}

gboolean
adiuva_cli_check_exclusive (const char *first,
                            gboolean    first_set,
                            const char *second,
                            gboolean    second_set,
                            GError    **error)
{
  if (first_set && second_set)
    {
      g_set_error (error, ADIUVA_CLI_ERROR, ADIUVA_CLI_ERROR_USAGE,
                   _ ("%s and %s cannot be used together."), first, second);
      return FALSE;
    }

  return TRUE;
}

/* Optional texts are cleared by giving them empty: --email "" */
char *
adiuva_cli_empty_to_null (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* Finding records */

static char *
not_found_message (GType       record_type,
                   const char *id)
{
  if (record_type == ADIUVA_TYPE_TASK)
    return g_strdup_printf (_ ("There is no task with id %s."), id);
  if (record_type == ADIUVA_TYPE_PROJECT)
    return g_strdup_printf (_ ("There is no project with id %s."), id);
  if (record_type == ADIUVA_TYPE_CLIENT)
    return g_strdup_printf (_ ("There is no client with id %s."), id);
  if (record_type == ADIUVA_TYPE_CHECKPOINT)
    return g_strdup_printf (_ ("There is no checkpoint with id %s."), id);
  if (record_type == ADIUVA_TYPE_NOTE)
    return g_strdup_printf (_ ("There is no note with id %s."), id);

  return g_strdup_printf (_ ("There is no record with id %s."), id);
}

/**
 * adiuva_cli_get_record:
 *
 * Like adiuva_store_get(), from an id as typed, with a message in the user's words.
 *
 * Returns: (transfer full) (nullable): the record
 */
gpointer
adiuva_cli_get_record (AdiuvaStore *store,
                       GType        record_type,
                       const char  *id_text,
                       GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  gpointer record;
  gint64   id;

  if (!adiuva_cli_parse_id (id_text, &id, error))
    return NULL;

  record = adiuva_store_get (store, record_type, id, &local_error);
  if (record == NULL)
    {
      if (g_error_matches (local_error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
        {
          g_free (local_error->message);
          local_error->message = not_found_message (record_type, id_text);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return record;
}

/**
 * adiuva_cli_get_records:
 *
 * Loads every record named on the command line before anything changes, so a typo in the
 * third id leaves the first two alone.
 *
 * Returns: (transfer full) (nullable): the records, in the order given
 */
GPtrArray *
adiuva_cli_get_records (AdiuvaStore *store,
                        GType        record_type,
                        GStrv        id_texts,
                        GError     **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; id_texts[i] != NULL; i++)
    {
      gpointer record = adiuva_cli_get_record (store, record_type, id_texts[i], error);

      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }

  return g_steal_pointer (&records);
}

static gboolean
is_number (const char *text)
{
  if (*text == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

static gpointer
find_by_name (AdiuvaStore *store,
              GType        record_type,
              const char  *name,
              GError     **error)
{
  if (record_type == ADIUVA_TYPE_PROJECT)
    return adiuva_store_find_project (store, name, error);
  if (record_type == ADIUVA_TYPE_CLIENT)
    return adiuva_store_find_client (store, name, error);

  g_assert (record_type == ADIUVA_TYPE_NOTE);
  return adiuva_store_find_note (store, name, error);
}

/* A number is an id first: ids are what lists show. A name that happens to be a number
 * ("2026") is still found when no record has that id. */
static gpointer
find_by_id_or_name (AdiuvaStore *store,
                    GType        record_type,
                    const char  *text,
                    GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  gpointer record;

  if (!is_number (text))
    return find_by_name (store, record_type, text, error);

  record = adiuva_cli_get_record (store, record_type, text, &local_error);
  if (record != NULL ||
      !g_error_matches (local_error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return record;
    }

  record = find_by_name (store, record_type, text, NULL);
  if (record == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return record;
}

/**
 * adiuva_cli_find_project:
 * @id_or_name: an id, or a name as in the quick add, with or without its `#`
 */
AdiuvaProject *
adiuva_cli_find_project (AdiuvaStore *store,
                         const char  *id_or_name,
                         GError     **error)
{
  if (id_or_name[0] == '#' && id_or_name[1] != '\0')
    id_or_name++;

  return find_by_id_or_name (store, ADIUVA_TYPE_PROJECT, id_or_name, error);
}

AdiuvaClient *
adiuva_cli_find_client (AdiuvaStore *store,
                        const char  *id_or_name,
                        GError     **error)
{
  return find_by_id_or_name (store, ADIUVA_TYPE_CLIENT, id_or_name, error);
}

AdiuvaNote *
adiuva_cli_find_note (AdiuvaStore *store,
                      const char  *id_or_title,
                      GError     **error)
{
  return find_by_id_or_name (store, ADIUVA_TYPE_NOTE, id_or_title, error);
}

static GHashTable *
names_by_id (GListModel *list,
             const char *property)
{
  GHashTable *names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (AdiuvaRecord) record = g_list_model_get_item (list, i);
      gint64 id = adiuva_record_get_id (record);
      char  *name = NULL;

      g_object_get (record, property, &name, NULL);
      g_hash_table_insert (names, g_memdup2 (&id, sizeof id), name);
    }

  return names;
}

/**
 * adiuva_cli_project_names:
 *
 * Returns: (transfer full): project names by id (a `gint64 *` key), archived ones included
 */
GHashTable *
adiuva_cli_project_names (AdiuvaStore *store,
                          GError     **error)
{
  g_autoptr (GListModel) projects = adiuva_store_list_projects (store, -1, TRUE, error);

  return projects != NULL ? names_by_id (projects, "name") : NULL;
}

GHashTable *
adiuva_cli_client_names (AdiuvaStore *store,
                         GError     **error)
{
  g_autoptr (GListModel) clients = adiuva_store_list_clients (store, error);

  return clients != NULL ? names_by_id (clients, "name") : NULL;
}
