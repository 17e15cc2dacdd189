/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-markdown-view"

#include "config.h"

#include <string.h>

#include "adiuva-markdown-view-private.h"
#include "test-ui-util.h"

/* The renderer: Markdown in, text with one tag per construct out. */

static AdiuvaMarkdownView *
render (const char *markdown,
        gboolean    wiki_links)
{
  AdiuvaMarkdownView *view = g_object_ref_sink (ADIUVA_MARKDOWN_VIEW (adiuva_markdown_view_new ()));

  adiuva_markdown_view_set_wiki_links (view, wiki_links);
  adiuva_markdown_view_set_markdown (view, markdown);

  return view;
}

static char *
dup_text (AdiuvaMarkdownView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* The first place @shown is in the view, as iterators around it. */
static void
find_text (AdiuvaMarkdownView *view,
           const char         *shown,
           GtkTextIter        *start,
           GtkTextIter        *end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter    buffer_start;

  gtk_text_buffer_get_start_iter (buffer, &buffer_start);
  if (!gtk_text_iter_forward_search (&buffer_start, shown, GTK_TEXT_SEARCH_TEXT_ONLY, start, end,
                                     NULL))
    g_error ("“%s” is not shown", shown);
}

/* Whether every character of @shown has the tag named @tag_name. */
static gboolean
has_tag (AdiuvaMarkdownView *view,
         const char         *shown,
         const char         *tag_name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextTag    *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter    start, end;

  g_assert_nonnull (tag);
  find_text (view, shown, &start, &end);
  for (GtkTextIter iter = start; !gtk_text_iter_equal (&iter, &end);
       gtk_text_iter_forward_char (&iter))
    if (!gtk_text_iter_has_tag (&iter, tag))
      return FALSE;

  return TRUE;
}

static gboolean
has_no_tag (AdiuvaMarkdownView *view,
            const char         *shown)
{
  GtkTextIter start, end;

  find_text (view, shown, &start, &end);
  for (GtkTextIter iter = start; !gtk_text_iter_equal (&iter, &end);
       gtk_text_iter_forward_char (&iter))
    {
      g_autoptr (GSList) tags = gtk_text_iter_get_tags (&iter);

      if (tags != NULL)
        return FALSE;
    }

  return TRUE;
}

static const char *
link_at (AdiuvaMarkdownView *view,
         const char         *shown,
         gboolean           *is_wiki)
{
  GtkTextIter start, end;

  find_text (view, shown, &start, &end);

  return _adiuva_markdown_view_get_link_at (view, &start, is_wiki);
}

static void
assert_text (AdiuvaMarkdownView *view,
             const char         *expected)
{
  g_autofree char *text = dup_text (view);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_headings (void)
{
  g_autoptr (AdiuvaMarkdownView) view = render ("# Plan\n\n### Later\n\nText\n\nSetext\n===\n",
                                                FALSE);

  assert_text (view, "Plan\n\nLater\n\nText\n\nSetext");
  g_assert_true (has_tag (view, "Plan", "h1"));
  g_assert_false (has_tag (view, "Plan", "h3"));
  g_assert_true (has_tag (view, "Later", "h3"));
  g_assert_true (has_tag (view, "Setext", "h1"));
  g_assert_true (has_no_tag (view, "Text"));
}

static void
test_inline (void)
{
  g_autoptr (AdiuvaMarkdownView) view =
      render ("Some *soft*, **strong**, ***both*** and `a < b` words,\nsoft break,  \nhard break.",
              FALSE);

  assert_text (view, "Some soft, strong, both and a < b words, soft break,\nhard break.");
  g_assert_true (has_tag (view, "soft", "emphasis"));
  g_assert_false (has_tag (view, "soft", "strong"));
  g_assert_true (has_tag (view, "strong", "strong"));
  g_assert_true (has_tag (view, "both", "strong"));
  g_assert_true (has_tag (view, "both", "emphasis"));
  g_assert_true (has_tag (view, "a < b", "code"));
  g_assert_true (has_no_tag (view, "Some"));
}

static void
test_code_block (void)
{
  g_autoptr (AdiuvaMarkdownView) view =
      render ("Before\n\n```c\nint x = *p;\n  return x;\n```\n\n    indented **code**\n\nAfter",
              FALSE);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (
      gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_autofree char *family = NULL;

  assert_text (view, "Before\n\nint x = *p;\n  return x;\n\nindented **code**\n\nAfter");
  g_assert_true (has_tag (view, "int x = *p;\n  return x;", "code-block"));
  g_assert_true (has_tag (view, "indented **code**", "code-block"));
  g_assert_false (has_tag (view, "code", "strong"));
  g_assert_true (has_no_tag (view, "After"));
  g_object_get (gtk_text_tag_table_lookup (table, "code-block"), "family", &family, NULL);
  g_assert_cmpstr (family, ==, "monospace");
}

static void
test_lists (void)
{
  g_autoptr (AdiuvaMarkdownView) view =
      render ("- one\n- two\n  - deep\n\nThen:\n\n3. three\n4. four\n\nEnd", FALSE);

  assert_text (view, "• one\n• two\n◦ deep\n\nThen:\n\n3. three\n4. four\n\nEnd");
  g_assert_true (has_tag (view, "• one", "indent-1"));
  g_assert_false (has_tag (view, "• one", "indent-2"));
  g_assert_true (has_tag (view, "◦ deep", "indent-2"));
  g_assert_true (has_tag (view, "3. three", "indent-1"));
  g_assert_true (has_no_tag (view, "Then:"));
  g_assert_true (has_no_tag (view, "End"));
}

static void
test_loose_list (void)
{
  g_autoptr (AdiuvaMarkdownView) view = render ("1) first\n\n   more\n\n2) second\n", FALSE);

  assert_text (view, "1) first\n\nmore\n\n2) second");
  g_assert_true (has_tag (view, "more", "indent-1"));
}

static void
test_block_quote (void)
{
  g_autoptr (AdiuvaMarkdownView) view = render ("> quoted *words*\n> - listed\n\nafter", FALSE);

  assert_text (view, "quoted words\n\n• listed\n\nafter");
  g_assert_true (has_tag (view, "quoted words", "blockquote"));
  g_assert_true (has_tag (view, "quoted words", "indent-1"));
  g_assert_true (has_tag (view, "• listed", "blockquote"));
  g_assert_true (has_tag (view, "• listed", "indent-2"));
  g_assert_true (has_no_tag (view, "after"));
}

static void
test_thematic_break (void)
{
  g_autoptr (AdiuvaMarkdownView) view = render ("above\n\n---\n\nbelow", FALSE);

  assert_text (view, "above\n\n⸻\n\nbelow");
  g_assert_true (has_tag (view, "⸻", "rule"));
}

static gboolean
activate_link_cb (AdiuvaMarkdownView *view,
                  const char         *uri,
                  char              **activated)
{
  g_free (*activated);
  *activated = g_strdup (uri);

  return TRUE;
}

static void
test_links (void)
{
  g_autoptr (AdiuvaMarkdownView) view =
      render ("See [the *site*](https://example.org/a?b=1 \"Title\"), <https://gnome.org>, "
              "![a chart](chart.png) and [[Not a link]].",
              FALSE);
  g_autofree char *activated = NULL;
  gboolean         is_wiki = TRUE;
  GtkTextIter      start, end;

  assert_text (view, "See the site, https://gnome.org, a chart and [[Not a link]].");
  g_assert_true (has_tag (view, "the site", "link"));
  g_assert_true (has_tag (view, "site", "emphasis"));
  g_assert_cmpstr (link_at (view, "the site", &is_wiki), ==, "https://example.org/a?b=1");
  g_assert_false (is_wiki);
  g_assert_cmpstr (link_at (view, "https://gnome.org", NULL), ==, "https://gnome.org");
  g_assert_cmpstr (link_at (view, "a chart", NULL), ==, "chart.png");
  g_assert_null (link_at (view, "See", NULL));
  g_assert_null (link_at (view, "Not a link", NULL));

  g_signal_connect (view, "activate-link", G_CALLBACK (activate_link_cb), &activated);
  find_text (view, "site", &start, &end);
  g_assert_true (_adiuva_markdown_view_activate_link_at (view, &start));
  g_assert_cmpstr (activated, ==, "https://example.org/a?b=1");
  find_text (view, "See", &start, &end);
  g_assert_false (_adiuva_markdown_view_activate_link_at (view, &start));
}

/* Raw HTML is never interpreted: it reads as the text it is, with no formatting and no links. */
static void
test_html_as_text (void)
{
  g_autoptr (AdiuvaMarkdownView) view =
      render ("Hi <b>there</b> <a href=\"https://evil.example\">x</a> "
              "<img src=x onerror=alert(1)>\n\n<div>\n<script>alert(1)</script>\n</div>\n",
              FALSE);

  assert_text (view, "Hi <b>there</b> <a href=\"https://evil.example\">x</a> "
                     "<img src=x onerror=alert(1)>\n\n<div>\n<script>alert(1)</script>\n</div>");
  g_assert_true (has_no_tag (view, "<b>there</b>"));
  g_assert_true (has_no_tag (view, "<script>alert(1)</script>"));
  g_assert_null (link_at (view, "x</a>", NULL));
}

static void
wiki_link_cb (AdiuvaMarkdownView *view,
              const char         *title,
              char              **activated)
{
  g_free (*activated);
  *activated = g_strdup (title);
}

static void
test_wiki_links (void)
{
  g_autoptr (AdiuvaMarkdownView) view =
      render ("See [[ Other note ]], [[]], [[ ]], [[[Third]] and `[[code]]`.", TRUE);
  g_autofree char *activated = NULL;
  gboolean         is_wiki = FALSE;
  GtkTextIter      start, end;

  assert_text (view, "See Other note, [[]], [[ ]], [Third and [[code]].");
  g_assert_cmpstr (link_at (view, "Other note", &is_wiki), ==, "Other note");
  g_assert_true (is_wiki);
  g_assert_true (has_tag (view, "Other note", "link"));
  g_assert_cmpstr (link_at (view, "Third", NULL), ==, "Third");
  g_assert_null (link_at (view, "[[]]", NULL));
  g_assert_null (link_at (view, "[[ ]]", NULL));
  g_assert_null (link_at (view, "[[code]]", NULL));

  g_signal_connect (view, "activate-wiki-link", G_CALLBACK (wiki_link_cb), &activated);
  find_text (view, "note", &start, &end);
  g_assert_true (_adiuva_markdown_view_activate_link_at (view, &start));
  g_assert_cmpstr (activated, ==, "Other note");

  /* Off, they are the brackets they are. */
  adiuva_markdown_view_set_wiki_links (view, FALSE);
  g_assert_null (link_at (view, "Other note", NULL));
}

/* Showing other text leaves no link of the previous text behind. */
static void
test_rerender (void)
{
  g_autoptr (AdiuvaMarkdownView) view = render ("[a](https://a.example) [[b]]", TRUE);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (
      gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  int n_tags = gtk_text_tag_table_get_size (table);

  adiuva_markdown_view_set_markdown (view, "[c](https://c.example) [[d]]");
  g_assert_cmpint (gtk_text_tag_table_get_size (table), ==, n_tags);
  g_assert_cmpstr (link_at (view, "c", NULL), ==, "https://c.example");
  adiuva_markdown_view_set_markdown (view, NULL);
  assert_text (view, "");
  g_assert_cmpint (gtk_text_tag_table_get_size (table), ==, n_tags - 2);
  g_assert_null (adiuva_markdown_view_get_markdown (view));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/markdown/headings", test_headings);
  g_test_add_func ("/ui/markdown/inline", test_inline);
  g_test_add_func ("/ui/markdown/code-block", test_code_block);
  g_test_add_func ("/ui/markdown/lists", test_lists);
  g_test_add_func ("/ui/markdown/loose-list", test_loose_list);
  g_test_add_func ("/ui/markdown/block-quote", test_block_quote);
  g_test_add_func ("/ui/markdown/thematic-break", test_thematic_break);
  g_test_add_func ("/ui/markdown/links", test_links);
  g_test_add_func ("/ui/markdown/html-as-text", test_html_as_text);
  g_test_add_func ("/ui/markdown/wiki-links", test_wiki_links);
  g_test_add_func ("/ui/markdown/rerender", test_rerender);

  return g_test_run ();
}
