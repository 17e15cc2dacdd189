/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_MARKDOWN_VIEW (adiuva_markdown_view_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaMarkdownView, adiuva_markdown_view, ADIUVA, MARKDOWN_VIEW, GtkTextView)

GtkWidget  *adiuva_markdown_view_new (void);
const char *adiuva_markdown_view_get_markdown (AdiuvaMarkdownView *self);
void        adiuva_markdown_view_set_markdown (AdiuvaMarkdownView *self,
                                               const char         *markdown);
gboolean    adiuva_markdown_view_get_wiki_links (AdiuvaMarkdownView *self);
void        adiuva_markdown_view_set_wiki_links (AdiuvaMarkdownView *self,
                                                 gboolean            wiki_links);

G_END_DECLS
