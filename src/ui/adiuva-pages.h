/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-store.h"

G_BEGIN_DECLS

/**
 * AdiuvaPageInfo:
 * @id: the page's name in GSettings (`last-page`) and in `win.show-page`
 * @title: its title, translatable (mark it with N_())
 * @icon_name: its icon in the sidebar
 * @get_type: the type of its widget, which takes the workspace in a `store` property; %NULL
 *   while the page is not built
 * @not_built: what to say instead while @get_type is %NULL
 *
 * One page of the main window. Adding a page is adding a line to the table in
 * adiuva-pages.c.
 */
typedef struct
{
  const char *id;
  const char *title;
  const char *icon_name;
  GType (*get_type) (void);
  const char *not_built;
} AdiuvaPageInfo;

const AdiuvaPageInfo *adiuva_pages_get_all (guint *n_pages);
const AdiuvaPageInfo *adiuva_pages_lookup (const char *id);
GtkWidget            *adiuva_page_info_create_widget (const AdiuvaPageInfo *info,
                                                      AdiuvaStore          *store);

G_END_DECLS
