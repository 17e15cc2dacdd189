/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-store-types.h"

G_BEGIN_DECLS

#define ADIUVA_MASTER_KEY_SIZE 32

/* The small file beside the database. It holds only wrapped keys, KDF parameters, a key check
 * and the workspace id used to find the key in the keyring — nothing that unlocks the
 * workspace on its own. */
typedef struct _AdiuvaKeyFile AdiuvaKeyFile;

AdiuvaKeyFile *_adiuva_key_file_new (void);
AdiuvaKeyFile *_adiuva_key_file_load (const char *path,
                                      GError    **error);
gboolean       _adiuva_key_file_save (AdiuvaKeyFile *self,
                                      const char    *path,
                                      GError       **error);
void           _adiuva_key_file_free (AdiuvaKeyFile *self);
const char    *_adiuva_key_file_get_workspace_id (AdiuvaKeyFile *self);
AdiuvaKeyMode  _adiuva_key_file_get_modes (AdiuvaKeyFile *self);
void           _adiuva_key_file_set_keyring (AdiuvaKeyFile *self,
                                             gboolean       enabled);
int            _adiuva_key_file_get_cipher_major (AdiuvaKeyFile *self);
void           _adiuva_key_file_set_master_key (AdiuvaKeyFile *self,
                                                const guint8  *key,
                                                int            cipher_major);
gboolean       _adiuva_key_file_check_key (AdiuvaKeyFile *self,
                                           const guint8  *key);
gboolean       _adiuva_key_file_wrap (AdiuvaKeyFile *self,
                                      const guint8  *key,
                                      const char    *passphrase,
                                      GError       **error);
void           _adiuva_key_file_clear_passphrase (AdiuvaKeyFile *self);
gboolean       _adiuva_key_file_unwrap (AdiuvaKeyFile *self,
                                        const char    *passphrase,
                                        guint8        *key,
                                        GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaKeyFile, _adiuva_key_file_free)

/* The Secret Service side: the master key, stored under the workspace id. */
gboolean _adiuva_keyring_store (const char   *workspace_id,
                                const guint8 *key,
                                GCancellable *cancellable,
                                GError      **error);
gboolean _adiuva_keyring_lookup (const char   *workspace_id,
                                 guint8       *key,
                                 GCancellable *cancellable,
                                 GError      **error);
gboolean _adiuva_keyring_clear (const char   *workspace_id,
                                GCancellable *cancellable,
                                GError      **error);

G_END_DECLS
