/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

typedef struct _AdiuvaProviderSettings AdiuvaProviderSettings;

#define ADIUVA_TYPE_PROVIDER_SETTINGS (adiuva_provider_settings_get_type ())

GType                   adiuva_provider_settings_get_type (void) G_GNUC_CONST;
AdiuvaProviderSettings *adiuva_provider_settings_new (const char *name,
                                                      const char *kind);
AdiuvaProviderSettings *adiuva_provider_settings_ref (AdiuvaProviderSettings *self);
void                    adiuva_provider_settings_unref (AdiuvaProviderSettings *self);
const char             *adiuva_provider_settings_get_name (AdiuvaProviderSettings *self);
const char             *adiuva_provider_settings_get_kind (AdiuvaProviderSettings *self);
const char             *adiuva_provider_settings_get_base_url (AdiuvaProviderSettings *self);
void                    adiuva_provider_settings_set_base_url (AdiuvaProviderSettings *self,
                                                               const char             *base_url);
gboolean                adiuva_provider_settings_has_api_key (AdiuvaProviderSettings *self);
void                    adiuva_provider_settings_set_api_key (AdiuvaProviderSettings *self,
                                                              const char             *api_key);
void                    adiuva_provider_settings_set_header (AdiuvaProviderSettings *self,
                                                             const char             *name,
                                                             const char             *value);
const char *const      *adiuva_provider_settings_get_headers (AdiuvaProviderSettings *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaProviderSettings, adiuva_provider_settings_unref)

G_END_DECLS
