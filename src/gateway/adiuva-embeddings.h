/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "adiuva-chat-delta.h"

G_BEGIN_DECLS

typedef struct _AdiuvaEmbeddings AdiuvaEmbeddings;

/**
 * AdiuvaEmbeddings:
 * @model: (nullable): the model as the provider named it in its answer
 * @n_vectors: how many vectors, one per input, in the inputs' order
 * @dimensions: the length of every vector
 * @vectors: @n_vectors × @dimensions floats, one vector after the other
 * @usage: the input tokens the provider reported (-1 when it did not)
 *
 * The vectors of one embeddings call.
 */
struct _AdiuvaEmbeddings
{
  char       *model;
  guint       n_vectors;
  guint       dimensions;
  float      *vectors;
  AdiuvaUsage usage;
};

#define ADIUVA_TYPE_EMBEDDINGS (adiuva_embeddings_get_type ())

GType             adiuva_embeddings_get_type (void) G_GNUC_CONST;
AdiuvaEmbeddings *adiuva_embeddings_new (void);
AdiuvaEmbeddings *adiuva_embeddings_copy (const AdiuvaEmbeddings *self);
void              adiuva_embeddings_free (AdiuvaEmbeddings *self);
const float      *adiuva_embeddings_get_vector (const AdiuvaEmbeddings *self,
                                                guint                   index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaEmbeddings, adiuva_embeddings_free)

G_END_DECLS
