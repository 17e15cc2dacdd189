/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* API keys live in the Secret Service, one per provider of a workspace; never in the database,
 * settings or logs. The workspace id keeps two workspaces' providers of the same name apart. */
gboolean adiuva_provider_key_store (const char   *workspace_id,
                                    const char   *provider,
                                    const char   *key,
                                    GCancellable *cancellable,
                                    GError      **error);
char    *adiuva_provider_key_lookup (const char   *workspace_id,
                                     const char   *provider,
                                     GCancellable *cancellable,
                                     GError      **error);
gboolean adiuva_provider_key_clear (const char   *workspace_id,
                                    const char   *provider,
                                    GCancellable *cancellable,
                                    GError      **error);
void     adiuva_provider_key_free (char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (char, adiuva_provider_key_free)

G_END_DECLS
