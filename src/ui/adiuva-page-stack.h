/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ADIUVA_TYPE_PAGE_STACK (adiuva_page_stack_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaPageStack, adiuva_page_stack, ADIUVA, PAGE_STACK, GtkWidget)

GtkWidget  *adiuva_page_stack_new (void);
void        adiuva_page_stack_add (AdiuvaPageStack *self,
                                   GtkWidget       *child,
                                   const char      *name,
                                   const char      *title);
GtkWidget  *adiuva_page_stack_get_child_by_name (AdiuvaPageStack *self,
                                                 const char      *name);
GtkWidget  *adiuva_page_stack_get_visible_child (AdiuvaPageStack *self);
const char *adiuva_page_stack_get_visible_child_name (AdiuvaPageStack *self);
void        adiuva_page_stack_set_visible_child_name (AdiuvaPageStack *self,
                                                      const char      *name);
void        adiuva_page_stack_focus_visible_child (AdiuvaPageStack *self);

G_END_DECLS
