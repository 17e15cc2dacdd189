/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-pages"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "adiuva-chat-page.h"
#include "adiuva-notes-page.h"
#include "adiuva-pages.h"
#include "adiuva-projects-page.h"
#include "adiuva-status-page.h"
#include "adiuva-tasks-page.h"
#include "adiuva-timeline-page.h"
#include "adiuva-today-page.h"

/* The sidebar, in order. Ctrl+1 … Ctrl+9 follow this order. */
static const AdiuvaPageInfo pages[] = {
  { "today", N_ ("Today"), "task-due-symbolic", adiuva_today_page_get_type, NULL },
  { "tasks", N_ ("Tasks"), "checkbox-checked-symbolic", adiuva_tasks_page_get_type, NULL },
  { "projects", N_ ("Projects"), "folder-symbolic", adiuva_projects_page_get_type, NULL },
  { "timeline", N_ ("Timeline"), "view-continuous-symbolic", adiuva_timeline_page_get_type,
    NULL },
  { "notes", N_ ("Notes"), "x-office-document-symbolic", adiuva_notes_page_get_type, NULL },
  { "chat", N_ ("Chat"), "chat-message-new-symbolic", adiuva_chat_page_get_type, NULL },
};

const AdiuvaPageInfo *
adiuva_pages_get_all (guint *n_pages)
{
  g_return_val_if_fail (n_pages != NULL, NULL);

  *n_pages = G_N_ELEMENTS (pages);

  return pages;
}

/* The page called @id, or %NULL. */
const AdiuvaPageInfo *
adiuva_pages_lookup (const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (pages); i++)
    if (g_str_equal (pages[i].id, id))
      return &pages[i];

  return NULL;
}

/**
 * adiuva_page_info_create_widget:
 *
 * Makes the page's widget, or for a page not built yet a status page that says so.
 *
 * Returns: (transfer floating): the widget
 */
GtkWidget *
adiuva_page_info_create_widget (const AdiuvaPageInfo *info,
                                AdiuvaStore          *store)
{
  GtkWidget *status;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (ADIUVA_IS_STORE (store), NULL);

  /* A group, which the page stack names by the page's title: a screen reader says "Notes
   * panel" as the keyboard enters the page (adiuva_page_stack_add()). */
  if (info->get_type != NULL)
    return g_object_new (info->get_type (), "store", store, "accessible-role",
                         GTK_ACCESSIBLE_ROLE_GROUP, NULL);

  status = adiuva_status_page_new ();
  adiuva_status_page_set_icon_name (ADIUVA_STATUS_PAGE (status), info->icon_name);
  adiuva_status_page_set_title (ADIUVA_STATUS_PAGE (status), _ ("Not Built Yet"));
  adiuva_status_page_set_description (ADIUVA_STATUS_PAGE (status), _ (info->not_built));

  return status;
}
