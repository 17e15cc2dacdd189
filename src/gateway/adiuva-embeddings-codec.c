/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-embeddings"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "adiuva-embeddings-private.h"
#include "adiuva-wire-codec-private.h"

/*
 * The embeddings half of the codecs: OpenAI's /embeddings (and every server that copies it),
 * Ollama's /api/embed and Gemini's embedContent / batchEmbedContents. Like the chat half they
 * know nothing of HTTP; they refuse any answer that is not a list of equally long lists of
 * numbers, since a vector store fed a wrong vector gives wrong answers without a word.
 */

static void
add_inputs (JsonBuilder       *builder,
            const char *const *inputs)
{
  json_builder_begin_array (builder);
  for (guint i = 0; inputs[i] != NULL; i++)
    json_builder_add_string_value (builder, inputs[i]);
  json_builder_end_array (builder);
}

static gboolean
check_object (JsonNode   *body,
              const char *what,
              GError    **error)
{
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    return TRUE;
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
               _ ("The %s answer is not a JSON object."), what);
  return FALSE;
}

static void
take_model (AdiuvaEmbeddings *embeddings,
            JsonObject       *object)
{
  const char *model = _adiuva_json_get_nonempty_string (object, "model");

  g_free (embeddings->model);
  embeddings->model = g_strdup (model);
}

/* OpenAI */

JsonNode *
_adiuva_openai_encode_embeddings (const char        *model,
                                  const char *const *inputs,
                                  GError           **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "input");
  add_inputs (builder, inputs);
  json_builder_set_member_name (builder, "encoding_format");
  json_builder_add_string_value (builder, "float");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* {"data": [{"index", "embedding"}…], "model", "usage": {"prompt_tokens"}}, in any order of
 * index. */
AdiuvaEmbeddings *
_adiuva_openai_decode_embeddings (JsonNode *body,
                                  GError  **error)
{
  g_autoptr (AdiuvaEmbeddings) embeddings = adiuva_embeddings_new ();
  g_autofree JsonNode **ordered = NULL;
  JsonObject           *object;
  JsonObject           *usage;
  JsonArray            *data;
  guint                 n;

  if (!check_object (body, "OpenAI embeddings", error))
    return NULL;
  object = json_node_get_object (body);
  data = _adiuva_json_get_array (object, "data");
  if (data == NULL)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                           _ ("The embeddings answer has no “data” list."));
      return NULL;
    }

  n = json_array_get_length (data);
  ordered = g_new0 (JsonNode *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = _adiuva_json_node_get_object (json_array_get_element (data, i));
      gint64      index = i;

      if (item == NULL)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("The embedding %u is not a JSON object."), i + 1);
          return NULL;
        }
      if (json_object_has_member (item, "index") && !_adiuva_json_get_int (item, "index", &index))
        index = -1;
      if (index < 0 || index >= n || ordered[index] != NULL)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("The embedding %u has a wrong or repeated index."), i + 1);
          return NULL;
        }
      ordered[index] = json_object_get_member (item, "embedding");
      /* A missing member is told apart from a wrong one below. */
      if (ordered[index] == NULL)
        {
          g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                       _ ("The embedding %u has no “embedding”."), i + 1);
          return NULL;
        }
    }

  for (guint i = 0; i < n; i++)
    if (!_adiuva_embeddings_append (embeddings, ordered[i], error))
      return NULL;

  take_model (embeddings, object);
  usage = _adiuva_json_get_object (object, "usage");
  if (usage != NULL)
    _adiuva_json_get_int (usage, "prompt_tokens", &embeddings->usage.input_tokens);
  return g_steal_pointer (&embeddings);
}

/* Ollama */

JsonNode *
_adiuva_ollama_encode_embeddings (const char        *model,
                                  const char *const *inputs,
                                  GError           **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "input");
  add_inputs (builder, inputs);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* {"model", "embeddings": [[…]…], "prompt_eval_count"} */
AdiuvaEmbeddings *
_adiuva_ollama_decode_embeddings (JsonNode *body,
                                  GError  **error)
{
  g_autoptr (AdiuvaEmbeddings) embeddings = adiuva_embeddings_new ();
  JsonObject *object;
  JsonArray  *list;

  if (!check_object (body, "Ollama embeddings", error))
    return NULL;
  object = json_node_get_object (body);
  list = _adiuva_json_get_array (object, "embeddings");
  if (list == NULL)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                           _ ("The embeddings answer has no “embeddings” list."));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (!_adiuva_embeddings_append (embeddings, json_array_get_element (list, i), error))
      return NULL;

  take_model (embeddings, object);
  _adiuva_json_get_int (object, "prompt_eval_count", &embeddings->usage.input_tokens);
  return g_steal_pointer (&embeddings);
}

/* Gemini: one input goes to embedContent, several to batchEmbedContents, which names the model
 * in each request as well as in its path. */

static void
add_gemini_content (JsonBuilder *builder,
                    const char  *text)
{
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

JsonNode *
_adiuva_gemini_encode_embeddings (const char        *model,
                                  const char *const *inputs,
                                  GError           **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = g_strconcat ("models/", model, NULL);

  json_builder_begin_object (builder);
  if (inputs[0] != NULL && inputs[1] == NULL)
    add_gemini_content (builder, inputs[0]);
  else
    {
      json_builder_set_member_name (builder, "requests");
      json_builder_begin_array (builder);
      for (guint i = 0; inputs[i] != NULL; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "model");
          json_builder_add_string_value (builder, name);
          add_gemini_content (builder, inputs[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
append_gemini_values (AdiuvaEmbeddings *embeddings,
                      JsonNode         *item,
                      GError          **error)
{
  JsonObject *object = _adiuva_json_node_get_object (item);

  return _adiuva_embeddings_append (embeddings,
                                    object != NULL ? json_object_get_member (object, "values")
                                                   : NULL,
                                    error);
}

/* {"embedding": {"values": […]}} or {"embeddings": [{"values": […]}…]} */
AdiuvaEmbeddings *
_adiuva_gemini_decode_embeddings (JsonNode *body,
                                  GError  **error)
{
  g_autoptr (AdiuvaEmbeddings) embeddings = adiuva_embeddings_new ();
  JsonObject *object;
  JsonArray  *list;
  JsonNode   *single;

  if (!check_object (body, "Gemini embeddings", error))
    return NULL;
  object = json_node_get_object (body);
  list = _adiuva_json_get_array (object, "embeddings");
  single = json_object_get_member (object, "embedding");
  if (list == NULL && single == NULL)
    {
      g_set_error_literal (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_PROTOCOL,
                           _ ("The embeddings answer has neither “embedding” nor "
                              "“embeddings”."));
      return NULL;
    }
  if (list == NULL)
    return append_gemini_values (embeddings, single, error) ? g_steal_pointer (&embeddings) : NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (!append_gemini_values (embeddings, json_array_get_element (list, i), error))
      return NULL;
  return g_steal_pointer (&embeddings);
}
