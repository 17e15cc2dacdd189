/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "adiuva-provider-keys.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.adiuva.Provider",
    SECRET_SCHEMA_NONE,
    {
        { "workspace", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };

  return &schema;
}

gboolean
adiuva_provider_key_store (const char   *workspace_id,
                           const char   *provider,
                           const char   *key,
                           GCancellable *cancellable,
                           GError      **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (workspace_id != NULL, FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  label = g_strdup_printf (_ ("Adiuva provider key: %s"), provider);

  return secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, key,
                                     cancellable, error, "workspace", workspace_id, "provider",
                                     provider, NULL);
}

/**
 * adiuva_provider_key_lookup:
 *
 * Returns: (transfer full) (nullable): the key, to free with adiuva_provider_key_free(), or
 *   %NULL without an error when the keyring holds none
 */
char *
adiuva_provider_key_lookup (const char   *workspace_id,
                            const char   *provider,
                            GCancellable *cancellable,
                            GError      **error)
{
  g_return_val_if_fail (workspace_id != NULL, NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  return secret_password_lookup_nonpageable_sync (get_schema (), cancellable, error, "workspace",
                                                  workspace_id, "provider", provider, NULL);
}

gboolean
adiuva_provider_key_clear (const char   *workspace_id,
                           const char   *provider,
                           GCancellable *cancellable,
                           GError      **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (workspace_id != NULL, FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  /* FALSE without an error only means there was nothing to clear. */
  if (!secret_password_clear_sync (get_schema (), cancellable, &local_error, "workspace",
                                   workspace_id, "provider", provider, NULL) &&
      local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* Wipes the key before it is freed. */
void
adiuva_provider_key_free (char *key)
{
  secret_password_free (key);
}
