/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-cli-context.h"

G_BEGIN_DECLS

char *adiuva_cli_help_render (const char             *path,
                              const AdiuvaCliCommand *command,
                              const GOptionEntry     *entries,
                              const GOptionEntry     *global_entries,
                              gboolean                is_root);

G_END_DECLS
