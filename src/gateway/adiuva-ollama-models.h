/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-gateway-client.h"

G_BEGIN_DECLS

typedef struct _AdiuvaOllamaModel AdiuvaOllamaModel;

/**
 * AdiuvaOllamaModel:
 * @name: the model as asked, e.g. `llama3.2:3b`
 * @family: (nullable): e.g. `llama`
 * @parameter_size: (nullable): as Ollama words it, e.g. `8.0B`
 * @quantization: (nullable): e.g. `Q4_0`
 * @context_length: the context the model was trained for, in tokens; 0 when not told
 * @size: the bytes it takes on disk; 0 when not told (`/api/show` does not)
 *
 * What Ollama's `/api/show` or `/api/tags` says of a local model.
 */
struct _AdiuvaOllamaModel
{
  char  *name;
  char  *family;
  char  *parameter_size;
  char  *quantization;
  gint64 context_length;
  gint64 size;
};

/**
 * AdiuvaPullProgress:
 * @status: what Ollama is doing (`pulling manifest`, `pulling 6a0746a1ec1a`, `success`)
 * @digest: (nullable): the layer being downloaded
 * @completed: its bytes downloaded so far, or -1
 * @total: its size in bytes, or -1
 *
 * One progress line of a pull.
 */
typedef struct
{
  const char *status;
  const char *digest;
  gint64      completed;
  gint64      total;
} AdiuvaPullProgress;

/**
 * AdiuvaPullProgressFunc:
 * @progress: valid during the call only
 *
 * Receives each progress line of a pull, in order, as it arrives.
 */
typedef void (*AdiuvaPullProgressFunc) (const AdiuvaPullProgress *progress,
                                        gpointer                  user_data);

#define ADIUVA_TYPE_OLLAMA_MODEL (adiuva_ollama_model_get_type ())

GType              adiuva_ollama_model_get_type (void) G_GNUC_CONST;
AdiuvaOllamaModel *adiuva_ollama_model_copy (const AdiuvaOllamaModel *self);
void               adiuva_ollama_model_free (AdiuvaOllamaModel *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaOllamaModel, adiuva_ollama_model_free)

void       adiuva_gateway_client_list_local_models_async (AdiuvaGatewayClient *self,
                                                          const char          *provider,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray *adiuva_gateway_client_list_local_models_finish (AdiuvaGatewayClient *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

void               adiuva_gateway_client_show_model_async (AdiuvaGatewayClient *self,
                                                           const char          *provider,
                                                           const char          *name,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
AdiuvaOllamaModel *adiuva_gateway_client_show_model_finish (AdiuvaGatewayClient *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void     adiuva_gateway_client_pull_model_async (AdiuvaGatewayClient   *self,
                                                 const char            *provider,
                                                 const char            *name,
                                                 AdiuvaPullProgressFunc progress,
                                                 gpointer               progress_data,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
gboolean adiuva_gateway_client_pull_model_finish (AdiuvaGatewayClient *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

void     adiuva_gateway_client_delete_model_async (AdiuvaGatewayClient *self,
                                                   const char          *provider,
                                                   const char          *name,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean adiuva_gateway_client_delete_model_finish (AdiuvaGatewayClient *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
