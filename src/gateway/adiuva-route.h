/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-gateway-types.h"

G_BEGIN_DECLS

/**
 * ADIUVA_MODEL_AUTO:
 *
 * The model reference that asks the gateway to choose a route (see #AdiuvaRouter) instead of
 * naming a model. No alias can take this name.
 */
#define ADIUVA_MODEL_AUTO "auto"

#define ADIUVA_TYPE_ROUTE (adiuva_route_get_type ())

GType              adiuva_route_get_type (void) G_GNUC_CONST;
AdiuvaRoute       *adiuva_route_new (const char        *name,
                                     const char        *description,
                                     const char *const *models,
                                     GError           **error);
AdiuvaRoute       *adiuva_route_new_from_json (JsonNode *node,
                                               GError  **error);
AdiuvaRoute       *adiuva_route_ref (AdiuvaRoute *self);
void               adiuva_route_unref (AdiuvaRoute *self);
const char        *adiuva_route_get_name (AdiuvaRoute *self);
const char        *adiuva_route_get_description (AdiuvaRoute *self);
const char *const *adiuva_route_get_models (AdiuvaRoute *self);
gboolean           adiuva_route_add_keyword (AdiuvaRoute *self,
                                             const char  *keyword,
                                             GError     **error);
const char *const *adiuva_route_get_keywords (AdiuvaRoute *self);
gboolean           adiuva_route_add_regex (AdiuvaRoute *self,
                                           const char  *pattern,
                                           GError     **error);
const char *const *adiuva_route_get_regexes (AdiuvaRoute *self);
gboolean           adiuva_route_set_length_range (AdiuvaRoute *self,
                                                  guint        min_length,
                                                  guint        max_length,
                                                  GError     **error);
guint              adiuva_route_get_min_length (AdiuvaRoute *self);
guint              adiuva_route_get_max_length (AdiuvaRoute *self);
gboolean           adiuva_route_has_rules (AdiuvaRoute *self);
gboolean           adiuva_route_matches (AdiuvaRoute *self,
                                         const char  *text);
JsonNode          *adiuva_route_to_json (AdiuvaRoute *self);

gboolean adiuva_model_ref_check (const char *model_ref,
                                 GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaRoute, adiuva_route_unref)

G_END_DECLS
