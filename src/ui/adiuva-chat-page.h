/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "adiuva-assistant.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CHAT_PAGE (adiuva_chat_page_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaChatPage, adiuva_chat_page, ADIUVA, CHAT_PAGE, GtkWidget)

G_END_DECLS
