/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "adiuva-embeddings.h"

G_BEGIN_DECLS

gboolean _adiuva_embeddings_append (AdiuvaEmbeddings *self,
                                    JsonNode         *values,
                                    GError          **error);

/* Each format's embeddings half of its #AdiuvaWireCodec (adiuva-embeddings-codec.c). */
JsonNode         *_adiuva_openai_encode_embeddings (const char        *model,
                                                    const char *const *inputs,
                                                    GError           **error);
AdiuvaEmbeddings *_adiuva_openai_decode_embeddings (JsonNode *body,
                                                    GError  **error);
JsonNode         *_adiuva_ollama_encode_embeddings (const char        *model,
                                                    const char *const *inputs,
                                                    GError           **error);
AdiuvaEmbeddings *_adiuva_ollama_decode_embeddings (JsonNode *body,
                                                    GError  **error);
JsonNode         *_adiuva_gemini_encode_embeddings (const char        *model,
                                                    const char *const *inputs,
                                                    GError           **error);
AdiuvaEmbeddings *_adiuva_gemini_decode_embeddings (JsonNode *body,
                                                    GError  **error);

G_END_DECLS
