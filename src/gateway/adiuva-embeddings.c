/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-embeddings"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "adiuva-embeddings-private.h"
#include "adiuva-gateway-types.h"
#include "adiuva-wire-codec-private.h"

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaEmbeddings, adiuva_embeddings,
                     adiuva_embeddings_copy, adiuva_embeddings_free)
/* clang-format on */

/**
 * adiuva_embeddings_new:
 *
 * Returns: (transfer full): no vectors yet, usage unknown
 */
AdiuvaEmbeddings *
adiuva_embeddings_new (void)
{
  AdiuvaEmbeddings *self = g_new0 (AdiuvaEmbeddings, 1);
  AdiuvaUsage       unknown = ADIUVA_USAGE_INIT;

  self->usage = unknown;
  return self;
}

AdiuvaEmbeddings *
adiuva_embeddings_copy (const AdiuvaEmbeddings *self)
{
  AdiuvaEmbeddings *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AdiuvaEmbeddings, 1);
  *copy = *self;
  copy->model = g_strdup (self->model);
  copy->vectors = g_memdup2 (self->vectors,
                             (gsize) self->n_vectors * self->dimensions * sizeof (float));
  return copy;
}

void
adiuva_embeddings_free (AdiuvaEmbeddings *self)
{
  if (self == NULL)
    return;
  g_free (self->model);
  g_free (self->vectors);
  g_free (self);
}

/**
 * adiuva_embeddings_get_vector:
 * @index: less than @n_vectors
 *
 * Returns: (array length=dimensions): the vector of the input at @index
 */
const float *
adiuva_embeddings_get_vector (const AdiuvaEmbeddings *self,
                              guint                   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_vectors, NULL);

  return self->vectors + (gsize) index * self->dimensions;
}

/* Appends one vector from a provider's JSON array of numbers. Every vector must be as long
 * as the first: a ragged answer cannot be searched. */
gboolean
_adiuva_embeddings_append (AdiuvaEmbeddings *self,
                           JsonNode         *values,
                           GError          **error)
{
  JsonArray *array;
  guint      length;
  gsize      start;

  if (values == NULL || !JSON_NODE_HOLDS_ARRAY (values))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The embedding %u is not a list of numbers."), self->n_vectors + 1);
      return FALSE;
    }

  array = json_node_get_array (values);
  length = json_array_get_length (array);
  if (length == 0)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The embedding %u is empty."), self->n_vectors + 1);
      return FALSE;
    }
  if (self->n_vectors > 0 && length != self->dimensions)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                   _ ("The embeddings differ in length: %u numbers, then %u."), self->dimensions,
                   length);
      return FALSE;
    }
  if (self->n_vectors >= G_MAXUINT / length)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_TOO_LARGE,
                           _ ("The embeddings are too many to hold."));
      return FALSE;
    }

  self->dimensions = length;
  start = (gsize) self->n_vectors * length;
  self->vectors = g_renew (float, self->vectors, start + length);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *value = json_array_get_element (array, i);
      GType     type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value)
                                                     : G_TYPE_INVALID;

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("The embedding %u holds something that is not a number at %u."),
                       self->n_vectors + 1, i);
          return FALSE;
        }
      self->vectors[start + i] = (float) json_node_get_double (value);
    }
  self->n_vectors++;
  return TRUE;
}
