/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *_adiuva_search_match_expression (const char *text);

G_END_DECLS
