/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <string.h>

#include "adiuva-provider-settings-private.h"

/**
 * AdiuvaProviderSettings:
 *
 * How to reach one provider the user configured: the user's name for it (e.g. `work-openai`,
 * used in model references such as `work-openai/gpt-6-sol`), its kind (an
 * #AdiuvaProviderTable id such as `openai` or `ollama`), an optional base URL, the API key and
 * extra request headers.
 *
 * The key comes from the Secret Service and is only held here, in memory: it has no getter
 * outside the gateway, is never logged, and its bytes are overwritten when it is replaced or
 * the settings are freed. Reference counted; settings given to an #AdiuvaGatewayClient must not
 * be changed afterwards (set them again instead).
 */
struct _AdiuvaProviderSettings
{
  char      *name;
  char      *kind;
  char      *base_url;
  char      *api_key;
  GPtrArray *headers; /* name, value, …, NULL */
};

G_DEFINE_BOXED_TYPE (AdiuvaProviderSettings, adiuva_provider_settings, adiuva_provider_settings_ref, adiuva_provider_settings_unref)

static void
wipe_string (char *s)
{
  /* volatile, so the compiler cannot drop the writes to memory that is about to be freed */
  volatile char *p = s;

  if (s == NULL)
    return;
  while (*p != '\0')
    *p++ = '\0';
}

/**
 * adiuva_provider_settings_new:
 * @name: the user's name for the provider; no `/`, since model references are `name/model`
 * @kind: a provider table id, e.g. `openai`, `anthropic`, `gemini`, `ollama`
 *
 * Returns: (transfer full): new settings without base URL, key or headers
 */
AdiuvaProviderSettings *
adiuva_provider_settings_new (const char *name,
                              const char *kind)
{
  AdiuvaProviderSettings *self;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (kind != NULL && *kind != '\0', NULL);

  self = g_atomic_rc_box_new0 (AdiuvaProviderSettings);
  self->name = g_strdup (name);
  self->kind = g_strdup (kind);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->headers, NULL);

  return self;
}

AdiuvaProviderSettings *
adiuva_provider_settings_ref (AdiuvaProviderSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
adiuva_provider_settings_clear (AdiuvaProviderSettings *self)
{
  wipe_string (self->api_key);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
}

void
adiuva_provider_settings_unref (AdiuvaProviderSettings *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) adiuva_provider_settings_clear);
}

const char *
adiuva_provider_settings_get_name (AdiuvaProviderSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

const char *
adiuva_provider_settings_get_kind (AdiuvaProviderSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind;
}

/**
 * adiuva_provider_settings_get_base_url:
 *
 * Returns: (nullable): the base URL, or %NULL for the provider table's default
 */
const char *
adiuva_provider_settings_get_base_url (AdiuvaProviderSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->base_url;
}

/**
 * adiuva_provider_settings_set_base_url:
 * @base_url: (nullable): what the provider documents as its base (`…/v1` for OpenAI-style
 *   APIs, the host root for Anthropic, Gemini and Ollama), or %NULL for the table's default
 */
void
adiuva_provider_settings_set_base_url (AdiuvaProviderSettings *self,
                                       const char             *base_url)
{
  g_return_if_fail (self != NULL);

  g_free (self->base_url);
  self->base_url = (base_url != NULL && *base_url != '\0') ? g_strdup (base_url) : NULL;
}

gboolean
adiuva_provider_settings_has_api_key (AdiuvaProviderSettings *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->api_key != NULL;
}

/**
 * adiuva_provider_settings_set_api_key:
 * @api_key: (nullable): the key, as read from the Secret Service, or %NULL for none
 *
 * Keeps a copy of @api_key; the previous key's bytes are overwritten.
 */
void
adiuva_provider_settings_set_api_key (AdiuvaProviderSettings *self,
                                      const char             *api_key)
{
  g_return_if_fail (self != NULL);

  wipe_string (self->api_key);
  g_free (self->api_key);
  self->api_key = (api_key != NULL && *api_key != '\0') ? g_strdup (api_key) : NULL;
}

const char *
_adiuva_provider_settings_get_api_key (AdiuvaProviderSettings *self)
{
  g_assert (self != NULL);

  return self->api_key;
}

/**
 * adiuva_provider_settings_set_header:
 * @name: a header name
 * @value: (nullable): its value, or %NULL to remove it
 *
 * An extra header sent with every request, after the provider table's own (so it can
 * override one, such as `anthropic-version`). Not for credentials: those go in the API key.
 */
void
adiuva_provider_settings_set_header (AdiuvaProviderSettings *self,
                                     const char             *name,
                                     const char             *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  /* Drop the terminating NULL while editing. */
  g_ptr_array_set_size (self->headers, self->headers->len - 1);
  for (guint i = 0; i + 1 < self->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->headers, i), name) == 0)
      {
        g_ptr_array_remove_range (self->headers, i, 2);
        break;
      }
  if (value != NULL)
    {
      g_ptr_array_add (self->headers, g_strdup (name));
      g_ptr_array_add (self->headers, g_strdup (value));
    }
  g_ptr_array_add (self->headers, NULL);
}

/**
 * adiuva_provider_settings_get_headers:
 *
 * Returns: (array zero-terminated=1): the extra headers as name, value, name, value…, %NULL
 */
const char *const *
adiuva_provider_settings_get_headers (AdiuvaProviderSettings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->headers->pdata;
}
