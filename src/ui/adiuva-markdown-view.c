/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-markdown-view"

#include "config.h"

#include <adwaita.h>
#include <cmark.h>
#include <string.h>

#include "adiuva-markdown-view-private.h"

/* Nesting deeper than this (lists in quotes in lists…) keeps the deepest margin. */
#define MAX_INDENT 6
#define INDENT_STEP 24
#define CODE_PADDING 12
#define LINK_TARGET "adiuva-link-target"
#define LINK_IS_WIKI "adiuva-link-is-wiki"

/* Markdown shown as formatted, read-only text: cmark parses it and the tree becomes text with
 * tags, one per construct. Nothing is ever handed to an HTML engine: raw HTML in the source is
 * shown as the text it is. Used for notes and for chat messages. */
struct _AdiuvaMarkdownView
{
  GtkTextView parent_instance;

  char    *markdown;
  gboolean wiki_links;
  /* One anonymous tag per link, carrying its target; the shared "link" tag styles them. */
  GPtrArray  *link_tags;
  GtkTextTag *link_tag;
  GtkTextTag *code_block_tag;
  GtkTextTag *indent_tags[MAX_INDENT + 1];
};

G_DEFINE_FINAL_TYPE (AdiuvaMarkdownView, adiuva_markdown_view, GTK_TYPE_TEXT_VIEW)

enum
{
  PROP_0,
  PROP_MARKDOWN,
  PROP_WIKI_LINKS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ACTIVATE_LINK,
  ACTIVATE_WIKI_LINK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Rendering */

typedef struct
{
  int  tight;
  int  number;
  char delimiter;
} ListState;

typedef struct
{
  AdiuvaMarkdownView *self;
  GtkTextBuffer      *buffer;
  GArray             *lists;
  guint               indent;
  gboolean            block_ended;
} Render;

static int
end_offset (Render *r)
{
  return gtk_text_buffer_get_char_count (r->buffer);
}

static void
insert_len (Render     *r,
            const char *text,
            gssize      len,
            GtkTextTag *tag)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (r->buffer, &end);
  if (tag != NULL)
    gtk_text_buffer_insert_with_tags (r->buffer, &end, text, len, tag, NULL);
  else
    gtk_text_buffer_insert (r->buffer, &end, text, len);
}

static void
insert (Render     *r,
        const char *text,
        GtkTextTag *tag)
{
  if (text != NULL)
    insert_len (r, text, -1, tag);
}

static void
apply (Render     *r,
       GtkTextTag *tag,
       int         start_offset)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (r->buffer, &start, start_offset);
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  gtk_text_buffer_apply_tag (r->buffer, tag, &start, &end);
}

static GtkTextTag *
lookup (Render     *r,
        const char *name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (r->buffer), name);

  g_assert (tag != NULL);

  return tag;
}

static void
add_link (Render     *r,
          int         start_offset,
          const char *target,
          gboolean    is_wiki)
{
  GtkTextTag *tag = gtk_text_buffer_create_tag (r->buffer, NULL, NULL);

  g_object_set_data_full (G_OBJECT (tag), LINK_TARGET, g_strdup (target), g_free);
  g_object_set_data (G_OBJECT (tag), LINK_IS_WIKI, GINT_TO_POINTER (is_wiki));
  g_ptr_array_add (r->self->link_tags, g_object_ref (tag));
  apply (r, tag, start_offset);
  apply (r, r->self->link_tag, start_offset);
}

/* Blocks are apart by an empty line, items of a tight list by a line break. */
static void
begin_block (Render *r)
{
  gboolean tight = r->lists->len > 0 && g_array_index (r->lists, ListState, r->lists->len - 1).tight;

  if (r->block_ended)
    insert (r, tight ? "\n" : "\n\n", NULL);
  r->block_ended = FALSE;
}

/* Margins are paragraph attributes, read from the start of the line: an item's first
 * paragraph starts at its bullet. */
static void
end_leaf_block (Render *r,
                int     start_offset)
{
  r->block_ended = TRUE;
  if (r->indent > 0)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_offset (r->buffer, &start, start_offset);
      gtk_text_iter_set_line_offset (&start, 0);
      gtk_text_buffer_get_end_iter (r->buffer, &end);
      gtk_text_buffer_apply_tag (r->buffer, r->self->indent_tags[MIN (r->indent, MAX_INDENT)],
                                 &start, &end);
    }
}

/* A fenced or indented code block's text ends with a newline the block itself stands for. */
static void
insert_literal_block (Render     *r,
                      const char *literal,
                      GtkTextTag *tag)
{
  gsize len = literal != NULL ? strlen (literal) : 0;

  if (len > 0 && literal[len - 1] == '\n')
    len--;
  if (len > 0)
    insert_len (r, literal, len, tag);
}

static void
insert_text (Render     *r,
             const char *text)
{
  const char *rest = text;
  const char *open;

  if (text == NULL)
    return;

  while (r->self->wiki_links && (open = strstr (rest, "[[")) != NULL)
    {
      const char      *close = strstr (open + 2, "]]");
      g_autofree char *title = NULL;
      int              start;

      if (close == NULL)
        break;

      title = g_strstrip (g_strndup (open + 2, close - open - 2));
      if (*title == '\0' || strpbrk (title, "[]\n") != NULL)
        {
          insert_len (r, rest, open + 1 - rest, NULL);
          rest = open + 1;
          continue;
        }

      insert_len (r, rest, open - rest, NULL);
      start = end_offset (r);
      insert (r, title, NULL);
      add_link (r, start, title, TRUE);
      rest = close + 2;
    }

  insert (r, rest, NULL);
}

static void
insert_item_marker (Render     *r,
                    cmark_node *list)
{
  static const char *const bullets[] = { "•", "◦", "▪" };
  ListState               *state;
  guint                    n_bullet_lists = 0;

  g_assert (r->lists->len > 0);
  state = &g_array_index (r->lists, ListState, r->lists->len - 1);
  if (cmark_node_get_list_type (list) == CMARK_ORDERED_LIST)
    {
      g_autofree char *marker = g_strdup_printf ("%d%c ", state->number++, state->delimiter);

      insert (r, marker, NULL);
      return;
    }

  for (guint i = 0; i < r->lists->len; i++)
    if (g_array_index (r->lists, ListState, i).delimiter == '\0')
      n_bullet_lists++;
  insert (r, bullets[(n_bullet_lists - 1) % G_N_ELEMENTS (bullets)], NULL);
  insert (r, " ", NULL);
}

static void
enter_list (Render     *r,
            cmark_node *list)
{
  ListState state = { 0 };

  state.tight = cmark_node_get_list_tight (list);
  state.number = cmark_node_get_list_start (list);
  if (cmark_node_get_list_type (list) == CMARK_ORDERED_LIST)
    state.delimiter = cmark_node_get_list_delim (list) == CMARK_PAREN_DELIM ? ')' : '.';
  g_array_append_val (r->lists, state);
  r->indent++;
}

static const char *
heading_tag_name (cmark_node *heading)
{
  static const char *const names[] = { "h1", "h2", "h3", "h4", "h5", "h6" };
  int                      level = CLAMP (cmark_node_get_heading_level (heading), 1, 6);

  return names[level - 1];
}

/* The offset where a container started rides on its node until it is left. */
static void
mark_start (Render     *r,
            cmark_node *node)
{
  cmark_node_set_user_data (node, GINT_TO_POINTER (end_offset (r)));
}

static int
get_start (cmark_node *node)
{
  return GPOINTER_TO_INT (cmark_node_get_user_data (node));
}

static void
enter_node (Render     *r,
            cmark_node *node)
{
  cmark_node_type type = cmark_node_get_type (node);

  if (type >= CMARK_NODE_FIRST_BLOCK && type <= CMARK_NODE_LAST_BLOCK &&
      type != CMARK_NODE_DOCUMENT)
    begin_block (r);
  mark_start (r, node);

  switch (type)
    {
    case CMARK_NODE_BLOCK_QUOTE:
      r->indent++;
      break;
    case CMARK_NODE_LIST:
      enter_list (r, node);
      break;
    case CMARK_NODE_ITEM:
      insert_item_marker (r, cmark_node_parent (node));
      break;
    case CMARK_NODE_CODE_BLOCK:
      insert_literal_block (r, cmark_node_get_literal (node), lookup (r, "code-block"));
      end_leaf_block (r, get_start (node));
      break;
    case CMARK_NODE_HTML_BLOCK:
      insert_literal_block (r, cmark_node_get_literal (node), NULL);
      end_leaf_block (r, get_start (node));
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      insert (r, "⸻", lookup (r, "rule"));
      end_leaf_block (r, get_start (node));
      break;
    case CMARK_NODE_TEXT:
      insert_text (r, cmark_node_get_literal (node));
      break;
    case CMARK_NODE_HTML_INLINE:
      insert (r, cmark_node_get_literal (node), NULL);
      break;
    case CMARK_NODE_CODE:
      insert (r, cmark_node_get_literal (node), lookup (r, "code"));
      break;
    case CMARK_NODE_SOFTBREAK:
      insert (r, " ", NULL);
      break;
    case CMARK_NODE_LINEBREAK:
      insert (r, "\n", NULL);
      break;
    case CMARK_NODE_NONE:
    case CMARK_NODE_DOCUMENT:
    case CMARK_NODE_CUSTOM_BLOCK:
    case CMARK_NODE_CUSTOM_INLINE:
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
    default:
      break;
    }
}

static void
exit_node (Render     *r,
           cmark_node *node)
{
  int start = get_start (node);

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_BLOCK_QUOTE:
      apply (r, lookup (r, "blockquote"), start);
      r->indent--;
      r->block_ended = TRUE;
      break;
    case CMARK_NODE_LIST:
      g_array_set_size (r->lists, r->lists->len - 1);
      r->indent--;
      r->block_ended = TRUE;
      break;
    case CMARK_NODE_ITEM:
      r->block_ended = TRUE;
      break;
    case CMARK_NODE_PARAGRAPH:
      end_leaf_block (r, start);
      break;
    case CMARK_NODE_HEADING:
      apply (r, lookup (r, heading_tag_name (node)), start);
      end_leaf_block (r, start);
      break;
    case CMARK_NODE_EMPH:
      apply (r, lookup (r, "emphasis"), start);
      break;
    case CMARK_NODE_STRONG:
      apply (r, lookup (r, "strong"), start);
      break;
    case CMARK_NODE_IMAGE:
      /* No images in text: the picture's description (or its address) links to it. */
      if (end_offset (r) == start)
        insert (r, cmark_node_get_url (node), NULL);
      G_GNUC_FALLTHROUGH;
    case CMARK_NODE_LINK:
      if (end_offset (r) > start && cmark_node_get_url (node) != NULL)
        add_link (r, start, cmark_node_get_url (node), FALSE);
      break;
    case CMARK_NODE_NONE:
    case CMARK_NODE_DOCUMENT:
    case CMARK_NODE_CUSTOM_BLOCK:
    case CMARK_NODE_CUSTOM_INLINE:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
    case CMARK_NODE_TEXT:
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE:
    default:
      break;
    }
}

static void
render (AdiuvaMarkdownView *self)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  g_autoptr (GArray) lists = g_array_new (FALSE, FALSE, sizeof (ListState));
  Render           r = { self, buffer, lists, 0, FALSE };
  cmark_node      *document;
  cmark_iter      *iter;
  cmark_event_type event;

  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = 0; i < self->link_tags->len; i++)
    gtk_text_tag_table_remove (table, g_ptr_array_index (self->link_tags, i));
  g_ptr_array_set_size (self->link_tags, 0);

  if (self->markdown == NULL)
    return;

  document = cmark_parse_document (self->markdown, strlen (self->markdown),
                                   CMARK_OPT_VALIDATE_UTF8);
  /* "[[Title]]" reaches us in one piece, not as "[", "[", "Title", "]", "]". */
  cmark_consolidate_text_nodes (document);
  iter = cmark_iter_new (document);
  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      if (event == CMARK_EVENT_ENTER)
        enter_node (&r, cmark_iter_get_node (iter));
      else if (event == CMARK_EVENT_EXIT)
        exit_node (&r, cmark_iter_get_node (iter));
    }
  cmark_iter_free (iter);
  cmark_node_free (document);
}

/* Links */

static GtkTextTag *
link_tag_at (AdiuvaMarkdownView *self,
             const GtkTextIter  *iter)
{
  g_autoptr (GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    if (g_object_get_data (l->data, LINK_TARGET) != NULL)
      return l->data;

  return NULL;
}

const char *
_adiuva_markdown_view_get_link_at (AdiuvaMarkdownView *self,
                                   const GtkTextIter  *iter,
                                   gboolean           *is_wiki_link)
{
  GtkTextTag *tag = link_tag_at (self, iter);

  if (tag == NULL)
    return NULL;
  if (is_wiki_link != NULL)
    *is_wiki_link = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (tag), LINK_IS_WIKI));

  return g_object_get_data (G_OBJECT (tag), LINK_TARGET);
}

gboolean
_adiuva_markdown_view_activate_link_at (AdiuvaMarkdownView *self,
                                        const GtkTextIter  *iter)
{
  g_autofree char *target = NULL;
  gboolean         is_wiki = FALSE;
  gboolean         handled = FALSE;

  /* A handler may render other text, and the tag holding the target goes with it. */
  target = g_strdup (_adiuva_markdown_view_get_link_at (self, iter, &is_wiki));
  if (target == NULL)
    return FALSE;

  if (is_wiki)
    g_signal_emit (self, signals[ACTIVATE_WIKI_LINK], 0, target);
  else
    g_signal_emit (self, signals[ACTIVATE_LINK], 0, target, &handled);

  return TRUE;
}

static gboolean
iter_at_point (AdiuvaMarkdownView *self,
               double              x,
               double              y,
               GtkTextIter        *iter)
{
  int buffer_x, buffer_y;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET, x, y,
                                         &buffer_x, &buffer_y);

  return gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self), iter, buffer_x, buffer_y);
}

static void
released_cb (AdiuvaMarkdownView *self,
             int                 n_press,
             double              x,
             double              y,
             GtkGestureClick    *gesture)
{
  GtkTextIter iter;

  /* Selecting text across a link does not follow it. */
  if (n_press != 1 ||
      gtk_text_buffer_get_has_selection (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self))))
    return;

  if (iter_at_point (self, x, y, &iter))
    _adiuva_markdown_view_activate_link_at (self, &iter);
}

static void
motion_cb (AdiuvaMarkdownView       *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  GtkTextIter iter;
  gboolean    over_link = iter_at_point (self, x, y, &iter) && link_tag_at (self, &iter) != NULL;

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over_link ? "pointer" : "text");
}

static gboolean
key_pressed_cb (AdiuvaMarkdownView    *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    iter;

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));

  return _adiuva_markdown_view_activate_link_at (self, &iter);
}

/* Where a web link goes is shown before it is followed. */
static gboolean
query_tooltip_cb (AdiuvaMarkdownView *self,
                  int                 x,
                  int                 y,
                  gboolean            keyboard_mode,
                  GtkTooltip         *tooltip)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    iter;
  const char    *target;
  gboolean       is_wiki = FALSE;

  if (keyboard_mode)
    gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  else if (!iter_at_point (self, x, y, &iter))
    return FALSE;

  target = _adiuva_markdown_view_get_link_at (self, &iter, &is_wiki);
  if (target == NULL || is_wiki)
    return FALSE;

  gtk_tooltip_set_text (tooltip, target);

  return TRUE;
}

static gboolean
activate_link_default (AdiuvaMarkdownView *self,
                       const char         *uri)
{
  /* Relative addresses lead nowhere outside a web page. */
  if (g_uri_peek_scheme (uri) == NULL)
    return FALSE;

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), uri, GDK_CURRENT_TIME);

  return TRUE;
}

/* Styles */

static void
update_link_color (AdiuvaMarkdownView *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  g_object_set (self->link_tag, "foreground", dark ? "#99c1f1" : "#1a5fb4", NULL);
}

static void
create_tags (AdiuvaMarkdownView *self)
{
  static const double scales[] = { 1.8, 1.5, 1.25, 1.1, 1.0, 1.0 };
  GtkTextBuffer      *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GdkRGBA             shade = { 0.5, 0.5, 0.5, 0.15 };
  GdkRGBA             muted = { 0.54, 0.56, 0.66, 1.0 };

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_autofree char *name = g_strdup_printf ("h%u", i + 1);

      gtk_text_buffer_create_tag (buffer, name, "weight", PANGO_WEIGHT_BOLD, "scale", scales[i],
                                  NULL);
    }
  gtk_text_buffer_create_tag (buffer, "emphasis", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_create_tag (buffer, "strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "code", "family", "monospace", "background-rgba", &shade,
                              NULL);
  self->code_block_tag = gtk_text_buffer_create_tag (buffer, "code-block", "family", "monospace",
                                                     "paragraph-background-rgba", &shade,
                                                     "wrap-mode", GTK_WRAP_CHAR, NULL);
  gtk_text_buffer_create_tag (buffer, "blockquote", "style", PANGO_STYLE_ITALIC,
                              "foreground-rgba", &muted, NULL);
  gtk_text_buffer_create_tag (buffer, "rule", "justification", GTK_JUSTIFY_CENTER,
                              "foreground-rgba", &muted, NULL);
  self->link_tag = gtk_text_buffer_create_tag (buffer, "link", "underline", PANGO_UNDERLINE_SINGLE,
                                               NULL);
  /* Made last and deepest last, so a deeper margin wins over a shallower one. */
  for (guint i = 1; i <= MAX_INDENT; i++)
    {
      g_autofree char *name = g_strdup_printf ("indent-%u", i);

      self->indent_tags[i] = gtk_text_buffer_create_tag (buffer, name, NULL);
    }
}

/* A tag's margin replaces the view's: they are set from it, to add to it. */
static void
update_margins (AdiuvaMarkdownView *self)
{
  int start = gtk_text_view_get_left_margin (GTK_TEXT_VIEW (self));

  g_object_set (self->code_block_tag, "left-margin", start + CODE_PADDING, NULL);
  for (guint i = 1; i <= MAX_INDENT; i++)
    g_object_set (self->indent_tags[i], "left-margin", start + (int) i * INDENT_STEP, NULL);
}

/* GObject */

static void
adiuva_markdown_view_finalize (GObject *object)
{
  AdiuvaMarkdownView *self = ADIUVA_MARKDOWN_VIEW (object);

  g_clear_pointer (&self->markdown, g_free);
  g_clear_pointer (&self->link_tags, g_ptr_array_unref);

  G_OBJECT_CLASS (adiuva_markdown_view_parent_class)->finalize (object);
}

static void
adiuva_markdown_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  AdiuvaMarkdownView *self = ADIUVA_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_MARKDOWN:
      g_value_set_string (value, self->markdown);
      break;
    case PROP_WIKI_LINKS:
      g_value_set_boolean (value, self->wiki_links);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_markdown_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  AdiuvaMarkdownView *self = ADIUVA_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_MARKDOWN:
      adiuva_markdown_view_set_markdown (self, g_value_get_string (value));
      break;
    case PROP_WIKI_LINKS:
      adiuva_markdown_view_set_wiki_links (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_markdown_view_class_init (AdiuvaMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = adiuva_markdown_view_finalize;
  object_class->get_property = adiuva_markdown_view_get_property;
  object_class->set_property = adiuva_markdown_view_set_property;

  /**
   * AdiuvaMarkdownView:markdown:
   *
   * The CommonMark source shown.
   */
  properties[PROP_MARKDOWN] =
      g_param_spec_string ("markdown", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * AdiuvaMarkdownView:wiki-links:
   *
   * Whether `[[Title]]` is a link, reported by #AdiuvaMarkdownView::activate-wiki-link.
   */
  properties[PROP_WIKI_LINKS] =
      g_param_spec_boolean ("wiki-links", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AdiuvaMarkdownView::activate-link:
   * @uri: where the link goes
   *
   * A link was clicked. The default handler opens addresses with a scheme in the user's
   * application for them; return %TRUE to handle the link instead.
   */
  signals[ACTIVATE_LINK] =
      g_signal_new_class_handler ("activate-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  G_CALLBACK (activate_link_default),
                                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN,
                                  1, G_TYPE_STRING);
  /**
   * AdiuvaMarkdownView::activate-wiki-link:
   * @title: the text between the brackets, without surrounding spaces
   *
   * A `[[Title]]` link was clicked (only with #AdiuvaMarkdownView:wiki-links).
   */
  signals[ACTIVATE_WIKI_LINK] =
      g_signal_new ("activate-wiki-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "textview");
}

static void
adiuva_markdown_view_init (AdiuvaMarkdownView *self)
{
  GtkGesture         *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->link_tags = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self), GTK_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self), "markdown-view");
  create_tags (self);
  update_margins (self);
  g_signal_connect (self, "notify::left-margin", G_CALLBACK (update_margins), NULL);

  g_signal_connect_object (click, "released", G_CALLBACK (released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_link_color), self, G_CONNECT_SWAPPED);
  update_link_color (self);
}

GtkWidget *
adiuva_markdown_view_new (void)
{
  return g_object_new (ADIUVA_TYPE_MARKDOWN_VIEW, NULL);
}

const char *
adiuva_markdown_view_get_markdown (AdiuvaMarkdownView *self)
{
  g_return_val_if_fail (ADIUVA_IS_MARKDOWN_VIEW (self), NULL);

  return self->markdown;
}

/**
 * adiuva_markdown_view_set_markdown:
 * @markdown: (nullable): CommonMark text
 *
 * Shows @markdown formatted. Raw HTML in it is shown as text.
 */
void
adiuva_markdown_view_set_markdown (AdiuvaMarkdownView *self,
                                   const char         *markdown)
{
  g_return_if_fail (ADIUVA_IS_MARKDOWN_VIEW (self));

  if (g_strcmp0 (self->markdown, markdown) == 0)
    return;

  g_free (self->markdown);
  self->markdown = g_strdup (markdown);
  render (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARKDOWN]);
}

gboolean
adiuva_markdown_view_get_wiki_links (AdiuvaMarkdownView *self)
{
  g_return_val_if_fail (ADIUVA_IS_MARKDOWN_VIEW (self), FALSE);

  return self->wiki_links;
}

void
adiuva_markdown_view_set_wiki_links (AdiuvaMarkdownView *self,
                                     gboolean            wiki_links)
{
  g_return_if_fail (ADIUVA_IS_MARKDOWN_VIEW (self));

  wiki_links = !!wiki_links;
  if (self->wiki_links == wiki_links)
    return;

  self->wiki_links = wiki_links;
  render (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIKI_LINKS]);
}
