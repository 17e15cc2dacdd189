/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-key-file"

#include "config.h"

#include <argon2.h>
#include <gcrypt.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-key-file-private.h"

#define KEY_FILE_VERSION 1
#define GROUP_WORKSPACE "Workspace"
#define GROUP_PASSPHRASE "Passphrase"

/* Argon2id cost from ARCHITECTURE.md: t=3, m=64 MiB, p=1. Kept in the file so it can grow. */
#define KDF_T_COST 3
#define KDF_M_COST (64 * 1024)
#define KDF_LANES 1
#define SALT_SIZE 16
#define NONCE_SIZE 12
#define TAG_SIZE 16
#define CHECK_SIZE 16

struct _AdiuvaKeyFile
{
  GKeyFile *keyfile;
  char     *workspace_id;
};

static void
ensure_gcrypt (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      if (!gcry_check_version (GCRYPT_VERSION))
        g_error ("libgcrypt is older than the version Adiuva was built with");
      gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
      gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
      g_once_init_leave (&initialized, 1);
    }
}

static guint8 *
get_bytes (AdiuvaKeyFile *self,
           const char    *group,
           const char    *key,
           gsize          expected)
{
  g_autofree char   *encoded = g_key_file_get_string (self->keyfile, group, key, NULL);
  g_autofree guint8 *decoded = NULL;
  gsize              len = 0;

  if (encoded == NULL)
    return NULL;

  decoded = g_base64_decode (encoded, &len);
  if (len != expected)
    return NULL;

  return g_steal_pointer (&decoded);
}

static void
set_bytes (AdiuvaKeyFile *self,
           const char    *group,
           const char    *key,
           const guint8  *data,
           gsize          len)
{
  g_autofree char *encoded = g_base64_encode (data, len);

  g_key_file_set_string (self->keyfile, group, key, encoded);
}

AdiuvaKeyFile *
_adiuva_key_file_new (void)
{
  AdiuvaKeyFile   *self = g_new0 (AdiuvaKeyFile, 1);
  g_autofree char *uuid = g_uuid_string_random ();

  self->keyfile = g_key_file_new ();
  g_key_file_set_comment (self->keyfile, NULL, NULL,
                          " Adiuva workspace key file: wrapped keys only. Do not edit.", NULL);
  g_key_file_set_integer (self->keyfile, GROUP_WORKSPACE, "version", KEY_FILE_VERSION);
  g_key_file_set_string (self->keyfile, GROUP_WORKSPACE, "id", uuid);
  self->workspace_id = g_steal_pointer (&uuid);
  g_key_file_set_boolean (self->keyfile, GROUP_WORKSPACE, "keyring", FALSE);

  return self;
}

AdiuvaKeyFile *
_adiuva_key_file_load (const char *path,
                       GError    **error)
{
  g_autoptr (AdiuvaKeyFile) self = g_new0 (AdiuvaKeyFile, 1);
  g_autoptr (GError) local_error = NULL;
  g_autofree guint8 *check = NULL;
  int                version;

  self->keyfile = g_key_file_new ();
  if (!g_key_file_load_from_file (self->keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                     _ ("The workspace key file “%s” is missing, so the workspace cannot be "
                        "unlocked. Restore it from a backup."),
                     path);
      else if (local_error->domain == G_FILE_ERROR)
        g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_READ_ONLY,
                     _ ("The workspace key file “%s” cannot be read: %s"), path, local_error->message);
      else
        g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                     _ ("The workspace key file “%s” is damaged. Restore it from a backup."), path);
      return NULL;
    }

  version = g_key_file_get_integer (self->keyfile, GROUP_WORKSPACE, "version", NULL);
  if (version > KEY_FILE_VERSION)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_TOO_NEW,
                   _ ("The workspace was created by a newer version of Adiuva. Update Adiuva to open it."));
      return NULL;
    }

  check = get_bytes (self, GROUP_WORKSPACE, "key-check", CHECK_SIZE);
  self->workspace_id = g_key_file_get_string (self->keyfile, GROUP_WORKSPACE, "id", NULL);
  if (version < 1 || check == NULL || self->workspace_id == NULL ||
      !g_uuid_string_is_valid (self->workspace_id))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                   _ ("The workspace key file “%s” is damaged. Restore it from a backup."), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

gboolean
_adiuva_key_file_save (AdiuvaKeyFile *self,
                       const char    *path,
                       GError       **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len;

  data = g_key_file_to_data (self->keyfile, &len, NULL);

  /* Written to a temporary file and renamed, so a crash leaves the old or the new file. */
  if (!g_file_set_contents_full (path, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      int code = ADIUVA_STORE_ERROR_FAILED;

      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        code = ADIUVA_STORE_ERROR_DISK_FULL;
      else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
               g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_PERM) ||
               g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ROFS))
        code = ADIUVA_STORE_ERROR_READ_ONLY;

      g_set_error (error, ADIUVA_STORE_ERROR, code,
                   _ ("Could not save the workspace key file: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

void
_adiuva_key_file_free (AdiuvaKeyFile *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->keyfile, g_key_file_free);
  g_free (self->workspace_id);
  g_free (self);
}

const char *
_adiuva_key_file_get_workspace_id (AdiuvaKeyFile *self)
{
  return self->workspace_id;
}

AdiuvaKeyMode
_adiuva_key_file_get_modes (AdiuvaKeyFile *self)
{
  AdiuvaKeyMode modes = 0;

  if (g_key_file_get_boolean (self->keyfile, GROUP_WORKSPACE, "keyring", NULL))
    modes |= ADIUVA_KEY_MODE_KEYRING;
  if (g_key_file_has_group (self->keyfile, GROUP_PASSPHRASE))
    modes |= ADIUVA_KEY_MODE_PASSPHRASE;

  return modes;
}

void
_adiuva_key_file_set_keyring (AdiuvaKeyFile *self,
                              gboolean       enabled)
{
  g_key_file_set_boolean (self->keyfile, GROUP_WORKSPACE, "keyring", enabled);
}

int
_adiuva_key_file_get_cipher_major (AdiuvaKeyFile *self)
{
  return g_key_file_get_integer (self->keyfile, GROUP_WORKSPACE, "cipher-major", NULL);
}

static void
compute_check (const guint8 *key,
               guint8       *check)
{
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, ADIUVA_MASTER_KEY_SIZE);
  guint8 digest[32];
  gsize  len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) "adiuva key check", strlen ("adiuva key check"));
  g_hmac_get_digest (hmac, digest, &len);
  memcpy (check, digest, CHECK_SIZE);
}

void
_adiuva_key_file_set_master_key (AdiuvaKeyFile *self,
                                 const guint8  *key,
                                 int            cipher_major)
{
  guint8 check[CHECK_SIZE];

  compute_check (key, check);
  set_bytes (self, GROUP_WORKSPACE, "key-check", check, CHECK_SIZE);
  g_key_file_set_integer (self->keyfile, GROUP_WORKSPACE, "cipher-major", cipher_major);
}

gboolean
_adiuva_key_file_check_key (AdiuvaKeyFile *self,
                            const guint8  *key)
{
  g_autofree guint8 *stored = get_bytes (self, GROUP_WORKSPACE, "key-check", CHECK_SIZE);
  guint8             check[CHECK_SIZE];
  guint8             diff = 0;

  if (stored == NULL)
    return FALSE;

  compute_check (key, check);
  for (guint i = 0; i < CHECK_SIZE; i++)
    diff |= check[i] ^ stored[i];

  return diff == 0;
}

static gboolean
derive_kek (const char   *passphrase,
            const guint8 *salt,
            guint32       t_cost,
            guint32       m_cost,
            guint32       lanes,
            guint8       *kek,
            GError      **error)
{
  int rc;

  rc = argon2id_hash_raw (t_cost, m_cost, lanes, passphrase, strlen (passphrase),
                          salt, SALT_SIZE, kek, ADIUVA_MASTER_KEY_SIZE);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, ADIUVA_STORE_ERROR,
                   rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ADIUVA_STORE_ERROR_FAILED
                                                        : ADIUVA_STORE_ERROR_CORRUPT,
                   _ ("Could not derive the key from the passphrase: %s"), argon2_error_message (rc));
      return FALSE;
    }

  return TRUE;
}

/* AES-256-GCM over the master key; the workspace id is authenticated data, so a wrapped key
 * copied into another workspace's key file does not unwrap there. */
static gboolean
gcm_crypt (gboolean      encrypt,
           const guint8 *kek,
           const guint8 *nonce,
           const char   *aad,
           const guint8 *in,
           guint8       *out,
           guint8       *tag)
{
  gcry_cipher_hd_t hd;
  gcry_error_t     err;

  ensure_gcrypt ();

  if (gcry_cipher_open (&hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return FALSE;

  err = gcry_cipher_setkey (hd, kek, ADIUVA_MASTER_KEY_SIZE);
  if (err == 0)
    err = gcry_cipher_setiv (hd, nonce, NONCE_SIZE);
  if (err == 0)
    err = gcry_cipher_authenticate (hd, aad, strlen (aad));
  if (err == 0 && encrypt)
    {
      err = gcry_cipher_encrypt (hd, out, ADIUVA_MASTER_KEY_SIZE, in, ADIUVA_MASTER_KEY_SIZE);
      if (err == 0)
        err = gcry_cipher_gettag (hd, tag, TAG_SIZE);
    }
  else if (err == 0)
    {
      err = gcry_cipher_decrypt (hd, out, ADIUVA_MASTER_KEY_SIZE, in, ADIUVA_MASTER_KEY_SIZE);
      if (err == 0)
        err = gcry_cipher_checktag (hd, tag, TAG_SIZE);
    }

  gcry_cipher_close (hd);

  return err == 0;
}

gboolean
_adiuva_key_file_wrap (AdiuvaKeyFile *self,
                       const guint8  *key,
                       const char    *passphrase,
                       GError       **error)
{
  guint8   salt[SALT_SIZE];
  guint8   nonce[NONCE_SIZE];
  guint8   kek[ADIUVA_MASTER_KEY_SIZE];
  guint8   wrapped[ADIUVA_MASTER_KEY_SIZE + TAG_SIZE];
  gboolean ok;

  g_return_val_if_fail (passphrase != NULL, FALSE);

  if (*passphrase == '\0')
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("The passphrase is empty."));
      return FALSE;
    }

  ensure_gcrypt ();
  gcry_randomize (salt, sizeof salt, GCRY_STRONG_RANDOM);
  gcry_create_nonce (nonce, sizeof nonce);

  if (!derive_kek (passphrase, salt, KDF_T_COST, KDF_M_COST, KDF_LANES, kek, error))
    return FALSE;

  ok = gcm_crypt (TRUE, kek, nonce, _adiuva_key_file_get_workspace_id (self),
                  key, wrapped, wrapped + ADIUVA_MASTER_KEY_SIZE);
  explicit_bzero (kek, sizeof kek);
  if (!ok)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_FAILED,
                   _ ("Could not encrypt the workspace key."));
      return FALSE;
    }

  g_key_file_remove_group (self->keyfile, GROUP_PASSPHRASE, NULL);
  g_key_file_set_string (self->keyfile, GROUP_PASSPHRASE, "kdf", "argon2id");
  g_key_file_set_integer (self->keyfile, GROUP_PASSPHRASE, "t-cost", KDF_T_COST);
  g_key_file_set_integer (self->keyfile, GROUP_PASSPHRASE, "m-cost-kib", KDF_M_COST);
  g_key_file_set_integer (self->keyfile, GROUP_PASSPHRASE, "lanes", KDF_LANES);
  set_bytes (self, GROUP_PASSPHRASE, "salt", salt, sizeof salt);
  g_key_file_set_string (self->keyfile, GROUP_PASSPHRASE, "cipher", "aes-256-gcm");
  set_bytes (self, GROUP_PASSPHRASE, "nonce", nonce, sizeof nonce);
  set_bytes (self, GROUP_PASSPHRASE, "wrapped-key", wrapped, sizeof wrapped);

  return TRUE;
}

void
_adiuva_key_file_clear_passphrase (AdiuvaKeyFile *self)
{
  g_key_file_remove_group (self->keyfile, GROUP_PASSPHRASE, NULL);
}

gboolean
_adiuva_key_file_unwrap (AdiuvaKeyFile *self,
                         const char    *passphrase,
                         guint8        *key,
                         GError       **error)
{
  g_autofree guint8 *salt = get_bytes (self, GROUP_PASSPHRASE, "salt", SALT_SIZE);
  g_autofree guint8 *nonce = get_bytes (self, GROUP_PASSPHRASE, "nonce", NONCE_SIZE);
  g_autofree guint8 *wrapped = get_bytes (self, GROUP_PASSPHRASE, "wrapped-key",
                                          ADIUVA_MASTER_KEY_SIZE + TAG_SIZE);
  g_autofree char   *kdf = g_key_file_get_string (self->keyfile, GROUP_PASSPHRASE, "kdf", NULL);
  int                t_cost = g_key_file_get_integer (self->keyfile, GROUP_PASSPHRASE, "t-cost",
                                                      NULL);
  int                m_cost = g_key_file_get_integer (self->keyfile, GROUP_PASSPHRASE, "m-cost-kib",
                                                      NULL);
  int                lanes = g_key_file_get_integer (self->keyfile, GROUP_PASSPHRASE, "lanes",
                                                     NULL);
  guint8             kek[ADIUVA_MASTER_KEY_SIZE];
  gboolean           ok;

  if (!g_key_file_has_group (self->keyfile, GROUP_PASSPHRASE))
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_INVALID,
                   _ ("This workspace has no passphrase; it is unlocked from the keyring."));
      return FALSE;
    }

  /* Bounds keep a tampered file from asking for absurd amounts of memory or time. */
  if (salt == NULL || nonce == NULL || wrapped == NULL || g_strcmp0 (kdf, "argon2id") != 0 ||
      t_cost < 1 || t_cost > 64 || m_cost < 8 || m_cost > 4 * 1024 * 1024 || lanes < 1 ||
      lanes > 64)
    {
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_CORRUPT,
                   _ ("The passphrase entries of the workspace key file are damaged. Restore the "
                      "key file from a backup."));
      return FALSE;
    }

  if (!derive_kek (passphrase, salt, t_cost, m_cost, lanes, kek, error))
    return FALSE;

  ok = gcm_crypt (FALSE, kek, nonce, _adiuva_key_file_get_workspace_id (self),
                  wrapped, key, wrapped + ADIUVA_MASTER_KEY_SIZE);
  explicit_bzero (kek, sizeof kek);

  if (!ok || !_adiuva_key_file_check_key (self, key))
    {
      explicit_bzero (key, ADIUVA_MASTER_KEY_SIZE);
      g_set_error (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_WRONG_PASSPHRASE,
                   _ ("The passphrase is not correct. Check it and try again."));
      return FALSE;
    }

  return TRUE;
}
