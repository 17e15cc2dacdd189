/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-markdown-view.h"

G_BEGIN_DECLS

const char *_adiuva_markdown_view_get_link_at (AdiuvaMarkdownView *self,
                                               const GtkTextIter  *iter,
                                               gboolean           *is_wiki_link);
gboolean    _adiuva_markdown_view_activate_link_at (AdiuvaMarkdownView *self,
                                                    const GtkTextIter  *iter);

G_END_DECLS
