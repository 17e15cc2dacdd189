/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "adiuva-key-file-private.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.adiuva.Workspace", SECRET_SCHEMA_NONE, {
                                                    { "workspace", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                                    { NULL, 0 },
                                                }
  };

  return &schema;
}

static void
set_keyring_error (GError **error,
                   GError  *cause)
{
  g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NO_KEYRING,
               _ ("No keyring is available (%s). Start a keyring such as GNOME Keyring, "
                  "or use a passphrase instead."),
               cause->message);
}

gboolean
_adiuva_keyring_store (const char   *workspace_id,
                       const guint8 *key,
                       GCancellable *cancellable,
                       GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  char     hex[ADIUVA_MASTER_KEY_SIZE * 2 + 1];
  gboolean ok;

  for (guint i = 0; i < ADIUVA_MASTER_KEY_SIZE; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", key[i]);

  ok = secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT,
                                   _ ("Adiuva workspace key"), hex, cancellable, &local_error,
                                   "workspace", workspace_id, NULL);
  explicit_bzero (hex, sizeof hex);

  if (!ok)
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
_adiuva_keyring_lookup (const char   *workspace_id,
                        guint8       *key,
                        GCancellable *cancellable,
                        GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  char    *hex;
  gboolean valid;

  hex = secret_password_lookup_nonpageable_sync (get_schema (), cancellable, &local_error,
                                                 "workspace", workspace_id, NULL);
  if (local_error != NULL)
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }

  if (hex == NULL)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_KEY_MISSING,
                   _ ("The keyring holds no key for this workspace. It may have been created "
                      "under another user or on another machine; unlock it with its passphrase "
                      "or restore it from a backup."));
      return FALSE;
    }

  valid = strlen (hex) == ADIUVA_MASTER_KEY_SIZE * 2;
  for (guint i = 0; valid && i < ADIUVA_MASTER_KEY_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      valid = hi >= 0 && lo >= 0;
      key[i] = (hi << 4) | lo;
    }
  secret_password_free (hex);

  if (!valid)
    {
      explicit_bzero (key, ADIUVA_MASTER_KEY_SIZE);
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_KEY,
                   _ ("The key stored in the keyring for this workspace is damaged. Unlock the "
                      "workspace with its passphrase, or restore it from a backup."));
      return FALSE;
    }

  return TRUE;
}

gboolean
_adiuva_keyring_clear (const char   *workspace_id,
                       GCancellable *cancellable,
                       GError      **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!secret_password_clear_sync (get_schema (), cancellable, &local_error,
                                   "workspace", workspace_id, NULL) &&
      local_error != NULL)
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}
