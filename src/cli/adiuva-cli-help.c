/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-cli-help.h"

/* Help reads like a man page: the same sections, the same indents (7 for text, 14 for the
 * description of an option), wrapped to 80 columns at run time so translations need no line
 * breaks of their own. */

#define PAGE_WIDTH 80
#define TEXT_INDENT 7
#define ITEM_INDENT 14

static void
append_indent (GString *out,
               guint    indent)
{
  for (guint i = 0; i < indent; i++)
    g_string_append_c (out, ' ');
}

static void
flush_paragraph (GString *out,
                 GString *paragraph,
                 guint    indent)
{
  g_auto (GStrv) words = NULL;
  guint column = 0;

  if (paragraph->len == 0)
    return;

  words = g_strsplit_set (paragraph->str, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint len = g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;

      if (column > 0 && indent + column + 1 + len > PAGE_WIDTH)
        {
          g_string_append_c (out, '\n');
          column = 0;
        }

      if (column == 0)
        append_indent (out, indent);
      else
        {
          g_string_append_c (out, ' ');
          column++;
        }

      g_string_append (out, words[i]);
      column += len;
    }
  g_string_append_c (out, '\n');
  g_string_truncate (paragraph, 0);
}

/* A term and its definition, as man's .TP: the definition starts at ITEM_INDENT, on the
 * term's line when the term is short enough, else on the next one. */
static void
append_item (GString    *out,
             const char *line,
             guint       indent)
{
  const char      *tab = strchr (line, '\t');
  g_autofree char *term = g_strstrip (g_strndup (line, tab - line));
  g_autoptr (GString) definition = g_string_new (tab + 1);
  guint term_len = g_utf8_strlen (term, -1);
  guint definition_indent = indent + ITEM_INDENT - TEXT_INDENT;
  g_autoptr (GString) item = g_string_new (NULL);

  append_indent (out, indent);
  g_string_append (out, term);
  flush_paragraph (item, definition, definition_indent);

  if (indent + term_len + 1 < definition_indent)
    g_string_erase (item, 0, indent + term_len);
  else
    g_string_append_c (out, '\n');

  g_string_append (out, item->str);
}

/* Paragraphs are separated by blank lines. A line starting with two spaces (a command, a
 * list) is kept as it is, unless a tab makes it a term and its definition. */
static void
append_wrapped (GString    *out,
                const char *text,
                guint       indent)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) paragraph = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "  ") && strchr (line, '\t') != NULL)
        {
          flush_paragraph (out, paragraph, indent);
          append_item (out, line, indent);
        }
      else if (g_str_has_prefix (line, "  "))
        {
          flush_paragraph (out, paragraph, indent);
          append_indent (out, indent);
          g_string_append (out, line);
          g_string_append_c (out, '\n');
        }
      else if (*line == '\0')
        {
          flush_paragraph (out, paragraph, indent);
          if (lines[i + 1] != NULL && !g_str_has_suffix (out->str, "\n\n"))
            g_string_append_c (out, '\n');
        }
      else
        {
          if (paragraph->len > 0)
            g_string_append_c (paragraph, ' ');
          g_string_append (paragraph, line);
        }
    }
  flush_paragraph (out, paragraph, indent);
}

/* Words of a synopsis; "[--parent ID]" is one, never cut at a line end. */
static GStrv
split_synopsis (const char *form)
{
  g_autoptr (GStrvBuilder) words = g_strv_builder_new ();
  g_autoptr (GString) word = g_string_new (NULL);
  int depth = 0;

  for (const char *p = form;; p++)
    {
      if (*p == '\0' || (*p == ' ' && depth == 0))
        {
          if (word->len > 0)
            g_strv_builder_add (words, word->str);
          g_string_truncate (word, 0);
          if (*p == '\0')
            break;
          continue;
        }

      if (*p == '[')
        depth++;
      else if (*p == ']' && depth > 0)
        depth--;
      g_string_append_c (word, *p);
    }

  return g_strv_builder_end (words);
}

/* A synopsis too long for one line goes on with a deeper indent, as in man pages. */
static void
append_synopsis (GString    *out,
                 const char *command,
                 const char *form)
{
  g_auto (GStrv) words = split_synopsis (form);
  guint column = TEXT_INDENT + g_utf8_strlen (command, -1);

  append_indent (out, TEXT_INDENT);
  g_string_append (out, command);

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint len = g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;

      if (column + 1 + len > PAGE_WIDTH && column > ITEM_INDENT)
        {
          g_string_append_c (out, '\n');
          append_indent (out, ITEM_INDENT);
          column = ITEM_INDENT;
        }
      else
        {
          g_string_append_c (out, ' ');
          column++;
        }

      g_string_append (out, words[i]);
      column += len;
    }
  g_string_append_c (out, '\n');
}

/* The lines of a command's synopsis: one empty line for a command without arguments, which
 * still has its name shown (and _("") would be the translation's header). */
static GStrv
synopsis_forms (const AdiuvaCliCommand *command)
{
  const char *empty[] = { "", NULL };

  if (*command->synopsis == '\0')
    return g_strdupv ((char **) empty);
  return g_strsplit (_ (command->synopsis), "\n", -1);
}

static void
append_section (GString    *out,
                const char *title)
{
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append (out, title);
  g_string_append_c (out, '\n');
}

static void
append_options (GString            *out,
                const GOptionEntry *entries)
{
  for (guint i = 0; entries != NULL && entries[i].long_name != NULL; i++)
    {
      const GOptionEntry *entry = &entries[i];

      if (*entry->long_name == '\0' || (entry->flags & G_OPTION_FLAG_HIDDEN))
        continue;

      append_indent (out, TEXT_INDENT);
      if (entry->short_name != 0)
        g_string_append_printf (out, "-%c, ", entry->short_name);
      g_string_append_printf (out, "--%s", entry->long_name);
      if (entry->arg != G_OPTION_ARG_NONE)
        g_string_append_printf (out, "=%s",
                                entry->arg_description != NULL ? _ (entry->arg_description)
                                                               : _ ("VALUE"));
      g_string_append_c (out, '\n');
      if (entry->description != NULL)
        append_wrapped (out, _ (entry->description), ITEM_INDENT);
      if (entries[i + 1].long_name != NULL)
        g_string_append_c (out, '\n');
    }
}

static void
append_commands (GString                       *out,
                 const AdiuvaCliCommand *const *commands)
{
  for (guint i = 0; commands[i] != NULL; i++)
    {
      const AdiuvaCliCommand *command = commands[i];
      g_auto (GStrv) forms = synopsis_forms (command);

      for (guint j = 0; forms[j] != NULL; j++)
        append_synopsis (out, command->name, forms[j]);
      append_wrapped (out, _ (command->summary), ITEM_INDENT);
      if (commands[i + 1] != NULL)
        g_string_append_c (out, '\n');
    }
}

/* Extra sections are "TITLE\ntext…" blocks separated by "\n\n\n". */
static void
append_extra (GString    *out,
              const char *extra)
{
  g_auto (GStrv) sections = g_strsplit (extra, "\n\n\n", -1);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      const char      *body = strchr (sections[i], '\n');
      g_autofree char *title = g_strndup (sections[i], body != NULL ? body - sections[i]
                                                                    : (long) strlen (sections[i]));

      append_section (out, title);
      if (body != NULL)
        append_wrapped (out, body + 1, TEXT_INDENT);
    }
}

/**
 * adiuva_cli_help_render:
 * @path: the command as typed, "adiuva-cli task add"
 * @entries: (nullable): the command's own options
 * @global_entries: the options every command takes
 * @is_root: whether this is the help of adiuva-cli itself
 *
 * Returns: (transfer full): the help text
 */
char *
adiuva_cli_help_render (const char             *path,
                        const AdiuvaCliCommand *command,
                        const GOptionEntry     *entries,
                        const GOptionEntry     *global_entries,
                        gboolean                is_root)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *program = NULL;
  const char      *rest;
  g_auto (GStrv) forms = NULL;

  rest = strchr (path, ' ');
  program = rest != NULL ? g_strndup (path, rest - path) : g_strdup (path);

  append_section (out, _ ("NAME"));
  append_indent (out, TEXT_INDENT);
  g_string_append_printf (out, "%s - %s\n", path, _ (command->summary));

  append_section (out, _ ("SYNOPSIS"));
  forms = synopsis_forms (command);
  for (guint i = 0; forms[i] != NULL; i++)
    {
      g_autofree char *start = NULL;

      if (is_root)
        start = g_strdup (program);
      else
        /* Translators: a synopsis starts "adiuva-cli [GLOBAL OPTIONS] task add" */
        start = g_strdup_printf (_ ("%s [GLOBAL OPTIONS]%s"), program, rest);
      append_synopsis (out, start, forms[i]);
    }

  append_section (out, _ ("DESCRIPTION"));
  append_wrapped (out, _ (command->description), TEXT_INDENT);

  if (is_root)
    {
      append_section (out, _ ("GLOBAL OPTIONS"));
      append_options (out, global_entries);
      if (entries != NULL)
        {
          g_string_append_c (out, '\n');
          append_options (out, entries);
        }
    }
  else if (command->run != NULL)
    {
      append_section (out, _ ("OPTIONS"));
      append_options (out, entries);
      g_string_append_c (out, '\n');
      append_indent (out, TEXT_INDENT);
      g_string_append (out, "-h, --help\n");
      append_wrapped (out, _ ("Show this help and exit."), ITEM_INDENT);
    }

  if (!is_root)
    {
      g_autofree char *see = NULL;

      append_section (out, _ ("GLOBAL OPTIONS"));
      see = g_strdup_printf (_ ("--data-dir DIR, --passphrase-file FILE and --json may come "
                                "before or after the command; see “%s --help”."),
                             program);
      append_wrapped (out, see, TEXT_INDENT);
    }

  if (command->subcommands != NULL)
    {
      g_autofree char *more = NULL;

      append_section (out, _ ("COMMANDS"));
      append_commands (out, command->subcommands);
      g_string_append_c (out, '\n');
      more = g_strdup_printf (_ ("“%s COMMAND --help” describes each command."), path);
      append_wrapped (out, more, TEXT_INDENT);
    }

  if (command->examples != NULL)
    {
      append_section (out, _ ("EXAMPLES"));
      append_wrapped (out, _ (command->examples), TEXT_INDENT);
    }

  if (command->extra != NULL)
    append_extra (out, _ (command->extra));
  else if (!is_root)
    {
      g_autofree char *status = NULL;

      append_section (out, _ ("EXIT STATUS"));
      status = g_strdup_printf (_ ("0 on success, 2 for a usage error, 3 when a record is not "
                                   "found; “%s --help” lists every status."),
                                program);
      append_wrapped (out, status, TEXT_INDENT);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
