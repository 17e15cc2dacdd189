/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "adiuva-store.h"
#include "test-tree.h"

G_BEGIN_DECLS

#define TEST_PASSPHRASE "correct horse battery staple"

typedef gboolean (*TestCondition) (gpointer data);

void         test_ui_init (int    *argc,
                           char ***argv);
char        *test_ui_make_dir (void);
AdiuvaStore *test_ui_create_store (const char *dir);
void         test_ui_wait_until (TestCondition condition,
                                 gpointer      data);
void         test_ui_wait_for_n_items (GListModel *model,
                                       guint       n_items);
GtkWidget   *test_ui_find_descendant (GtkWidget  *root,
                                      GType       type,
                                      const char *text);
void         test_ui_destroy_window (GtkWindow *window);
void         test_ui_screenshot (GtkWidget  *widget,
                                 const char *name);

void test_ui_screenshot_dark (GtkWidget  *widget,
                              const char *name);
void test_ui_add_checkpoint (AdiuvaStore *store,
                             const char  *project_name,
                             const char  *title,
                             int          days_from_now);

G_END_DECLS
