/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-gateway"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "adiuva-gateway-enums.h"
#include "adiuva-gateway-resources.h"
#include "adiuva-provider-table.h"

/* The table is data (providers.json, its "comment" describes the schema) checked once on load,
 * so the rest of the gateway can trust every field: enums are known, URLs parse, paths hold only
 * known placeholders, prices are not negative. A table that breaks any rule is refused whole,
 * with a message that names the provider, the model and the field. */

#define PROVIDERS_RESOURCE "/org/adiuva/gateway/providers.json"
#define SCHEMA_VERSION 1

struct _AdiuvaProviderTable
{
  GObject parent_instance;

  GStringChunk *strings;
  GPtrArray    *providers;
  GHashTable   *by_id;
  const char   *prices_as_of;
};

G_DEFINE_FINAL_TYPE (AdiuvaProviderTable, adiuva_provider_table, G_TYPE_OBJECT)

static const char *const table_members[] = { "schema_version", "prices_as_of", "providers", NULL };

static const char *const provider_members[] = {
  "id", "display_name", "wire_format", "auth_style", "default_base_url", "base_url_hint",
  "requires_base_url", "is_local", "headers", "paths", "sources", "models", NULL
};

static const char *const model_members[] = {
  "id", "display_name", "context_window", "max_output_tokens", "input_price", "output_price",
  "long_context", "capabilities", NULL
};

static const char *const long_context_members[] = {
  "above_input_tokens", "input_price", "output_price", NULL
};

static const char *const endpoints[] = {
  ADIUVA_ENDPOINT_CHAT, ADIUVA_ENDPOINT_CHAT_STREAM, ADIUVA_ENDPOINT_RESPONSES,
  ADIUVA_ENDPOINT_EMBEDDINGS, ADIUVA_ENDPOINT_MODELS, ADIUVA_ENDPOINT_SHOW, ADIUVA_ENDPOINT_PULL,
  ADIUVA_ENDPOINT_DELETE, ADIUVA_ENDPOINT_EMBEDDINGS_BATCH, NULL
};

static const char *const placeholders[] = { "model", "deployment", NULL };

/* Keys live in the Secret Service and are sent as auth_style says, never as table headers. */
static const char *const credential_headers[] = {
  "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", NULL
};

static const struct
{
  const char             *name;
  AdiuvaModelCapabilities flag;
} capability_names[] = {
  { "tools", ADIUVA_MODEL_CAPABILITY_TOOLS },
  { "vision", ADIUVA_MODEL_CAPABILITY_VISION },
  { "reasoning", ADIUVA_MODEL_CAPABILITY_REASONING },
  { "embeddings", ADIUVA_MODEL_CAPABILITY_EMBEDDINGS },
};

static void
provider_info_free (AdiuvaProviderInfo *info)
{
  g_free ((gpointer) info->headers);
  g_free ((gpointer) info->paths);
  g_free ((gpointer) info->models);
  g_free (info);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaProviderInfo, provider_info_free)

static void
adiuva_provider_table_finalize (GObject *object)
{
  AdiuvaProviderTable *self = ADIUVA_PROVIDER_TABLE (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);

  G_OBJECT_CLASS (adiuva_provider_table_parent_class)->finalize (object);
}

static void
adiuva_provider_table_class_init (AdiuvaProviderTableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = adiuva_provider_table_finalize;
}

static void
adiuva_provider_table_init (AdiuvaProviderTable *self)
{
  self->strings = g_string_chunk_new (4096);
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_info_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

static gboolean
is_digits (const char *text,
           gsize       count)
{
  for (gsize i = 0; i < count; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* Loading ----------------------------------------------------------------------------------- */

typedef struct
{
  guint       provider_index; /* 1-based; 0 for the table itself */
  const char *provider_id;
  guint       model_index; /* 1-based; 0 outside the catalogue */
  const char *model_id;
} Where;

static char *
where_describe (const Where *where)
{
  g_autofree char *provider = NULL;

  if (where->provider_index == 0)
    return g_strdup (_ ("Provider table"));

  if (where->provider_id != NULL)
    provider = g_strdup_printf (_ ("Provider “%s”"), where->provider_id);
  else
    provider = g_strdup_printf (_ ("Provider %u"), where->provider_index);

  if (where->model_index == 0)
    return g_steal_pointer (&provider);
  if (where->model_id != NULL)
    return g_strdup_printf (_ ("%s, model “%s”"), provider, where->model_id);
  return g_strdup_printf (_ ("%s, model %u"), provider, where->model_index);
}

static gboolean invalid (GError     **error,
                         const Where *where,
                         const char  *format,
                         ...) G_GNUC_PRINTF (3, 4);

/* Always returns FALSE, so callers can `return invalid (…)`. */
static gboolean
invalid (GError     **error,
         const Where *where,
         const char  *format,
         ...)
{
  g_autofree char *place = where_describe (where);
  g_autofree char *detail = NULL;
  va_list          args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID, "%s: %s", place, detail);
  return FALSE;
}

static const char *
intern (AdiuvaProviderTable *self,
        const char          *text)
{
  return text != NULL ? g_string_chunk_insert_const (self->strings, text) : NULL;
}

/* A misspelt price or limit must not pass silently as "absent". */
static gboolean
check_members (JsonObject        *object,
               const char *const *allowed,
               const Where       *where,
               GError           **error)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *node;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    if (!g_strv_contains (allowed, name) && strcmp (name, "comment") != 0)
      return invalid (error, where, _ ("unknown field “%s”"), name);

  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *member,
            gboolean     required,
            const Where *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      if (required)
        invalid (error, where, _ ("“%s” is missing"), member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, _ ("“%s” must be an object"), member);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_string (JsonObject  *object,
             const char  *member,
             gboolean     required,
             const char **value,
             const Where *where,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return !required || invalid (error, where, _ ("“%s” is missing"), member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, where, _ ("“%s” must be a string"), member);

  *value = json_node_get_string (node);
  if (**value == '\0')
    return invalid (error, where, _ ("“%s” is empty"), member);
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *member,
              gboolean    *value,
              const Where *where,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, where, _ ("“%s” must be true or false"), member);

  *value = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_count (JsonObject  *object,
            const char  *member,
            gboolean     required,
            gboolean     positive,
            gint64      *value,
            const Where *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = 0;
  if (node == NULL)
    return !required || invalid (error, where, _ ("“%s” is missing"), member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, where, _ ("“%s” must be a whole number of tokens"), member);

  *value = json_node_get_int (node);
  if (positive && *value <= 0)
    return invalid (error, where, _ ("“%s” must be greater than 0"), member);
  if (*value < 0)
    return invalid (error, where, _ ("“%s” must not be negative"), member);
  return TRUE;
}

static gboolean
read_price (JsonObject  *object,
            const char  *member,
            double      *value,
            const Where *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType     type;

  *value = 0;
  if (node == NULL)
    return invalid (error, where, _ ("“%s” is missing"), member);

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return invalid (error, where, _ ("“%s” must be a price in USD per million tokens"), member);

  *value = json_node_get_double (node);
  if (!isfinite (*value) || *value < 0)
    return invalid (error, where, _ ("“%s” must not be negative"), member);
  return TRUE;
}

static gboolean
read_enum (JsonObject  *object,
           const char  *member,
           GType        enum_type,
           int         *value,
           const Where *where,
           GError     **error)
{
  GEnumClass *klass;
  GEnumValue *enum_value;
  const char *nick;

  if (!read_string (object, member, TRUE, &nick, where, error))
    return FALSE;

  klass = g_type_class_ref (enum_type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    {
      g_autoptr (GString) known = g_string_new (NULL);

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
      g_type_class_unref (klass);

      return invalid (error, where, _ ("unknown %s “%s” (known: %s)"), member, nick, known->str);
    }

  *value = enum_value->value;
  g_type_class_unref (klass);
  return TRUE;
}

/* The checks settings need too: a URL someone typed must be as sound as one in the table. */
static GUri *
parse_base_url (const char *url,
                GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &local_error);
  const char *scheme;

  if (uri == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” is not a valid URL: %s"), url, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” must start with http:// or https://"), url);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” has no host name"), url);
      return NULL;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” contains a user name or password; keys are kept in the keyring, "
                      "not in addresses"),
                   url);
      return NULL;
    }
  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” must not end in a #fragment"), url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static gboolean
check_path (const char  *endpoint,
            const char  *path,
            const Where *where,
            GError     **error)
{
  if (path[0] != '/')
    return invalid (error, where, _ ("the “%s” path “%s” must start with “/”"), endpoint, path);
  if (strchr (path, '#') != NULL || strchr (path, '?') != strrchr (path, '?'))
    return invalid (error, where, _ ("the “%s” path “%s” is not a path and query"), endpoint, path);

  for (const char *p = strchr (path, '{'); p != NULL; p = strchr (p, '{'))
    {
      const char      *end = strchr (p, '}');
      g_autofree char *name = NULL;

      if (end == NULL)
        return invalid (error, where, _ ("the “%s” path “%s” has an unclosed “{”"), endpoint, path);

      name = g_strndup (p + 1, end - p - 1);
      if (!g_strv_contains (placeholders, name))
        return invalid (error, where, _ ("the “%s” path “%s” has an unknown placeholder “{%s}”"),
                        endpoint, path, name);
      p = end + 1;
    }

  return TRUE;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *const *
parse_headers (AdiuvaProviderTable *self,
               JsonObject          *provider,
               const Where         *where,
               GError             **error)
{
  g_autoptr (GPtrArray) headers = g_ptr_array_new ();
  g_autoptr (GError) local_error = NULL;
  JsonObject    *object = get_object (provider, "headers", FALSE, where, &local_error);
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *node;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (object != NULL)
    {
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          g_autofree char *lower = g_ascii_strdown (name, -1);
          const char      *value;

          for (const char *p = name; *p != '\0'; p++)
            if (!is_token_char (*p))
              {
                invalid (error, where, _ ("“%s” is not a valid header name"), name);
                return NULL;
              }
          if (*name == '\0')
            {
              invalid (error, where, _ ("a header has an empty name"));
              return NULL;
            }
          if (g_strv_contains (credential_headers, lower))
            {
              invalid (error, where,
                       _ ("the header “%s” carries credentials; keys are kept in the keyring and "
                          "sent as “auth_style” says"),
                       name);
              return NULL;
            }
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              invalid (error, where, _ ("the value of the header “%s” must be a string"), name);
              return NULL;
            }

          value = json_node_get_string (node);
          for (const char *p = value; *p != '\0'; p++)
            if ((guchar) *p < 0x20 && *p != '\t')
              {
                invalid (error, where, _ ("the value of the header “%s” has a control character"),
                         name);
                return NULL;
              }

          g_ptr_array_add (headers, (gpointer) intern (self, name));
          g_ptr_array_add (headers, (gpointer) intern (self, value));
        }
    }

  g_ptr_array_add (headers, NULL);
  return (const char *const *) g_ptr_array_free (g_steal_pointer (&headers), FALSE);
}

static const char *const *
parse_paths (AdiuvaProviderTable *self,
             JsonObject          *provider,
             const Where         *where,
             GError             **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  JsonObject    *object = get_object (provider, "paths", TRUE, where, error);
  JsonObjectIter iter;
  const char    *endpoint;
  JsonNode      *node;

  if (object == NULL)
    return NULL;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &endpoint, &node))
    {
      const char *path;

      if (!g_strv_contains (endpoints, endpoint))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) endpoints);

          invalid (error, where, _ ("unknown endpoint “%s” (known: %s)"), endpoint, known);
          return NULL;
        }
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          invalid (error, where, _ ("the “%s” path must be a string"), endpoint);
          return NULL;
        }

      path = json_node_get_string (node);
      if (!check_path (endpoint, path, where, error))
        return NULL;

      g_ptr_array_add (paths, (gpointer) intern (self, endpoint));
      g_ptr_array_add (paths, (gpointer) intern (self, path));
    }

  if (!json_object_has_member (object, ADIUVA_ENDPOINT_CHAT))
    {
      invalid (error, where, _ ("“paths” has no “%s” endpoint"), ADIUVA_ENDPOINT_CHAT);
      return NULL;
    }

  g_ptr_array_add (paths, NULL);
  return (const char *const *) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

static gboolean
parse_capabilities (JsonObject              *object,
                    AdiuvaModelCapabilities *capabilities,
                    const Where             *where,
                    GError                 **error)
{
  JsonNode  *node = json_object_get_member (object, "capabilities");
  JsonArray *array;

  *capabilities = ADIUVA_MODEL_CAPABILITY_NONE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, where, _ ("“capabilities” must be a list"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode   *element = json_array_get_element (array, i);
      const char *name;
      guint       j;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return invalid (error, where, _ ("“capabilities” must be a list of names"));

      name = json_node_get_string (element);
      for (j = 0; j < G_N_ELEMENTS (capability_names); j++)
        if (strcmp (name, capability_names[j].name) == 0)
          break;
      if (j == G_N_ELEMENTS (capability_names))
        return invalid (error, where,
                        _ ("unknown capability “%s” (known: tools, vision, reasoning, embeddings)"),
                        name);

      *capabilities |= capability_names[j].flag;
    }

  return TRUE;
}

static gboolean
parse_model (AdiuvaProviderTable *self,
             JsonNode            *node,
             gboolean             is_local,
             AdiuvaModelInfo     *model,
             Where               *where,
             GError             **error)
{
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  JsonObject *long_context;
  const char *id;
  const char *display_name;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, where, _ ("a model must be an object"));
  object = json_node_get_object (node);

  if (!read_string (object, "id", TRUE, &id, where, error))
    return FALSE;
  where->model_id = id;

  if (!check_members (object, model_members, where, error) ||
      !read_string (object, "display_name", FALSE, &display_name, where, error) ||
      !read_count (object, "context_window", TRUE, TRUE, &model->context_window, where, error) ||
      !read_count (object, "max_output_tokens", FALSE, FALSE, &model->max_output_tokens, where,
                   error) ||
      !read_price (object, "input_price", &model->input_price, where, error) ||
      !read_price (object, "output_price", &model->output_price, where, error) ||
      !parse_capabilities (object, &model->capabilities, where, error))
    return FALSE;

  if (model->max_output_tokens > model->context_window)
    return invalid (error, where, _ ("“max_output_tokens” is larger than “context_window”"));

  long_context = get_object (object, "long_context", FALSE, where, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (long_context != NULL)
    {
      if (!check_members (long_context, long_context_members, where, error) ||
          !read_count (long_context, "above_input_tokens", TRUE, TRUE,
                       &model->long_context_threshold, where, error) ||
          !read_price (long_context, "input_price", &model->long_input_price, where, error) ||
          !read_price (long_context, "output_price", &model->long_output_price, where, error))
        return FALSE;
    }

  if (is_local && (model->input_price != 0 || model->output_price != 0 ||
                   model->long_input_price != 0 || model->long_output_price != 0))
    return invalid (error, where,
                    _ ("models of a local provider have no price; set the prices to 0"));

  model->id = intern (self, id);
  model->display_name = intern (self, display_name != NULL ? display_name : id);
  return TRUE;
}

static gboolean
parse_models (AdiuvaProviderTable *self,
              JsonObject          *provider,
              AdiuvaProviderInfo  *info,
              Where               *where,
              GError             **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode        *node = json_object_get_member (provider, "models");
  JsonArray       *array;
  AdiuvaModelInfo *models;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, where, _ ("“models” must be a list"));

  array = json_node_get_array (node);
  info->n_models = json_array_get_length (array);
  models = g_new0 (AdiuvaModelInfo, info->n_models + 1);
  info->models = models;

  for (guint i = 0; i < info->n_models; i++)
    {
      where->model_index = i + 1;
      where->model_id = NULL;

      if (!parse_model (self, json_array_get_element (array, i), info->is_local, &models[i], where,
                        error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer) models[i].id))
        return invalid (error, where, _ ("the model is listed twice"));
    }

  where->model_index = 0;
  where->model_id = NULL;
  return TRUE;
}

static gboolean
is_valid_id (const char *id)
{
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && strchr ("._-", *p) == NULL)
      return FALSE;
  return TRUE;
}

static AdiuvaProviderInfo *
parse_provider (AdiuvaProviderTable *self,
                JsonNode            *node,
                Where               *where,
                GError             **error)
{
  g_autoptr (AdiuvaProviderInfo) info = g_new0 (AdiuvaProviderInfo, 1);
  JsonObject *object;
  const char *id;
  const char *display_name;
  const char *default_base_url;
  const char *base_url_hint;
  int         wire_format;
  int         auth_style;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, _ ("a provider must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_string (object, "id", TRUE, &id, where, error))
    return NULL;
  where->provider_id = id;
  if (!is_valid_id (id))
    {
      invalid (error, where, _ ("“id” may hold only lower-case letters, digits, “.”, “_” and “-”"));
      return NULL;
    }

  if (!check_members (object, provider_members, where, error) ||
      !read_string (object, "display_name", TRUE, &display_name, where, error) ||
      !read_enum (object, "wire_format", ADIUVA_TYPE_WIRE_FORMAT, &wire_format, where, error) ||
      !read_enum (object, "auth_style", ADIUVA_TYPE_AUTH_STYLE, &auth_style, where, error) ||
      !read_string (object, "default_base_url", FALSE, &default_base_url, where, error) ||
      !read_string (object, "base_url_hint", FALSE, &base_url_hint, where, error) ||
      !read_boolean (object, "requires_base_url", &info->requires_base_url, where, error) ||
      !read_boolean (object, "is_local", &info->is_local, where, error))
    return NULL;

  if (default_base_url != NULL)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GUri) uri = parse_base_url (default_base_url, &local_error);

      if (uri == NULL)
        {
          invalid (error, where, _ ("“default_base_url”: %s"), local_error->message);
          return NULL;
        }
      if (info->requires_base_url)
        {
          invalid (error, where,
                   _ ("“default_base_url” is given although “requires_base_url” is set"));
          return NULL;
        }
    }
  else if (!info->requires_base_url)
    {
      invalid (error, where, _ ("“default_base_url” is missing; set it or “requires_base_url”"));
      return NULL;
    }

  info->id = intern (self, id);
  info->display_name = intern (self, display_name);
  info->wire_format = wire_format;
  info->auth_style = auth_style;
  info->default_base_url = intern (self, default_base_url);
  info->base_url_hint = intern (self, base_url_hint);

  if ((info->headers = parse_headers (self, object, where, error)) == NULL ||
      (info->paths = parse_paths (self, object, where, error)) == NULL ||
      !parse_models (self, object, info, where, error))
    return NULL;

  return g_steal_pointer (&info);
}

static gboolean
adiuva_provider_table_load (AdiuvaProviderTable *self,
                            const char          *json,
                            gssize               length,
                            GError             **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  Where       where = { 0 };
  JsonNode   *root;
  JsonObject *object;
  JsonNode   *providers;
  JsonArray  *array;
  gint64      schema_version;

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("The provider table is not valid JSON: %s"), local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, &where, _ ("the table must be a JSON object"));
  object = json_node_get_object (root);

  if (!check_members (object, table_members, &where, error) ||
      !read_count (object, "schema_version", TRUE, TRUE, &schema_version, &where, error) ||
      !read_string (object, "prices_as_of", TRUE, &self->prices_as_of, &where, error))
    return FALSE;
  if (strlen (self->prices_as_of) != 10 || !is_digits (self->prices_as_of, 4) ||
      self->prices_as_of[4] != '-' || !is_digits (self->prices_as_of + 5, 2) ||
      self->prices_as_of[7] != '-' || !is_digits (self->prices_as_of + 8, 2))
    return invalid (error, &where, _ ("“prices_as_of” must be a date written YYYY-MM-DD"));
  if (schema_version != SCHEMA_VERSION)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, schema_version);

      return invalid (error, &where, _ ("schema version %s is not supported (expected %d)"),
                      version, SCHEMA_VERSION);
    }
  self->prices_as_of = intern (self, self->prices_as_of);

  providers = json_object_get_member (object, "providers");
  if (providers == NULL || !JSON_NODE_HOLDS_ARRAY (providers))
    return invalid (error, &where, _ ("“providers” must be a list"));

  array = json_node_get_array (providers);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AdiuvaProviderInfo *info;

      where = (Where){ .provider_index = i + 1 };
      info = parse_provider (self, json_array_get_element (array, i), &where, error);
      if (info == NULL)
        return FALSE;

      if (g_hash_table_contains (self->by_id, info->id))
        {
          provider_info_free (info);
          return invalid (error, &where, _ ("the provider is listed twice"));
        }
      g_hash_table_insert (self->by_id, (gpointer) info->id, info);
      g_ptr_array_add (self->providers, info);
    }

  return TRUE;
}

/**
 * adiuva_provider_table_new_from_data:
 * @json: the table as JSON, in the schema of the built-in providers.json
 * @length: the length of @json in bytes, or -1 when it ends with a NUL
 * @error: return location for an error
 *
 * Reads and checks a provider table, for tests and user overrides. Any broken rule refuses the
 * whole table with %ADIUVA_GATEWAY_ERROR_INVALID and a message naming the provider and field.
 *
 * Returns: (transfer full): the table, or %NULL with @error set
 */
AdiuvaProviderTable *
adiuva_provider_table_new_from_data (const char *json,
                                     gssize      length,
                                     GError    **error)
{
  g_autoptr (AdiuvaProviderTable) self = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (ADIUVA_TYPE_PROVIDER_TABLE, NULL);
  if (!adiuva_provider_table_load (self, json, length, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * adiuva_provider_table_get_default:
 *
 * The table built into Adiuva, read once on first use from any thread.
 *
 * Returns: (transfer none): the built-in table, alive for the rest of the process
 */
AdiuvaProviderTable *
adiuva_provider_table_get_default (void)
{
  static AdiuvaProviderTable *default_table;

  if (g_once_init_enter (&default_table))
    {
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;
      AdiuvaProviderTable *table;

      /* Registered by hand: a constructor in a static library is dropped by the linker. */
      adiuva_gateway_register_resource ();

      bytes = g_resources_lookup_data (PROVIDERS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL)
        g_error ("The built-in provider table is missing: %s", error->message);

      table = adiuva_provider_table_new_from_data (g_bytes_get_data (bytes, NULL),
                                                   g_bytes_get_size (bytes), &error);
      if (table == NULL)
        g_error ("The built-in provider table is broken: %s", error->message);

      g_once_init_leave (&default_table, table);
    }

  return default_table;
}

/* Queries ----------------------------------------------------------------------------------- */

/**
 * adiuva_provider_table_get_prices_as_of:
 * @self: a table
 *
 * Returns: the day the table's prices were checked, as YYYY-MM-DD
 */
const char *
adiuva_provider_table_get_prices_as_of (AdiuvaProviderTable *self)
{
  g_return_val_if_fail (ADIUVA_IS_PROVIDER_TABLE (self), NULL);

  return self->prices_as_of;
}

/**
 * adiuva_provider_table_lookup:
 * @self: a table
 * @id: a provider id such as `openai`
 *
 * Returns: (transfer none) (nullable): the provider, owned by @self, or %NULL
 */
const AdiuvaProviderInfo *
adiuva_provider_table_lookup (AdiuvaProviderTable *self,
                              const char          *id)
{
  g_return_val_if_fail (ADIUVA_IS_PROVIDER_TABLE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

/**
 * adiuva_provider_table_list:
 * @self: a table
 *
 * Returns: (transfer container) (element-type AdiuvaProviderInfo): the providers in table
 *   order; the elements are owned by @self
 */
GPtrArray *
adiuva_provider_table_list (AdiuvaProviderTable *self)
{
  GPtrArray *list;

  g_return_val_if_fail (ADIUVA_IS_PROVIDER_TABLE (self), NULL);

  list = g_ptr_array_sized_new (self->providers->len);
  for (guint i = 0; i < self->providers->len; i++)
    g_ptr_array_add (list, g_ptr_array_index (self->providers, i));

  return list;
}

/**
 * adiuva_provider_info_get_path:
 * @info: a provider
 * @endpoint: an endpoint name such as %ADIUVA_ENDPOINT_CHAT
 *
 * Returns: (nullable): the path template of @endpoint, or %NULL when the provider has none
 */
const char *
adiuva_provider_info_get_path (const AdiuvaProviderInfo *info,
                               const char               *endpoint)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (endpoint != NULL, NULL);

  for (guint i = 0; info->paths[i] != NULL; i += 2)
    if (strcmp (info->paths[i], endpoint) == 0)
      return info->paths[i + 1];

  return NULL;
}

static const AdiuvaModelInfo *
find_model (const AdiuvaProviderInfo *info,
            const char               *id,
            gsize                     length)
{
  for (guint i = 0; i < info->n_models; i++)
    if (strncmp (info->models[i].id, id, length) == 0 && info->models[i].id[length] == '\0')
      return &info->models[i];

  return NULL;
}

static gboolean
is_date (const char *year,
         const char *month,
         const char *day)
{
  int y, m, d;

  if (!is_digits (year, 4) || !is_digits (month, 2) || !is_digits (day, 2))
    return FALSE;

  y = g_ascii_digit_value (year[0]) * 1000 + g_ascii_digit_value (year[1]) * 100 +
      g_ascii_digit_value (year[2]) * 10 + g_ascii_digit_value (year[3]);
  m = g_ascii_digit_value (month[0]) * 10 + g_ascii_digit_value (month[1]);
  d = g_ascii_digit_value (day[0]) * 10 + g_ascii_digit_value (day[1]);

  return y >= 2000 && y < 2100 && g_date_valid_dmy (d, m, y);
}

/* The length of @id without a trailing snapshot date, `-2024-08-06` (OpenAI) or `-20251001`
 * (Anthropic), or the whole length when there is none. */
static gsize
strip_date (const char *id)
{
  gsize length = strlen (id);

  if (length > 11 && id[length - 11] == '-' && id[length - 6] == '-' && id[length - 3] == '-' &&
      is_date (id + length - 10, id + length - 5, id + length - 2))
    return length - 11;

  if (length > 9 && id[length - 9] == '-' &&
      is_date (id + length - 8, id + length - 4, id + length - 2))
    return length - 9;

  return length;
}

/**
 * adiuva_provider_info_lookup_model:
 * @info: a provider
 * @model_id: the model name a request or a response used
 *
 * Finds a model of the catalogue: by exact id first, then, for names the catalogue lists only
 * under their base id, without a trailing snapshot date (`gpt-4o-2024-08-06` and
 * `claude-haiku-4-5-20251001` find `gpt-4o` and `claude-haiku-4-5`), then without an Ollama tag
 * (`llama3.2:3b` finds `llama3.2`). Nothing else is stripped, so `gpt-4o-mini` never finds
 * `gpt-4o`.
 *
 * Returns: (nullable): the model, owned by the table, or %NULL
 */
const AdiuvaModelInfo *
adiuva_provider_info_lookup_model (const AdiuvaProviderInfo *info,
                                   const char               *model_id)
{
  const AdiuvaModelInfo *model;
  const char            *colon;
  gsize                  length;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  if ((model = find_model (info, model_id, strlen (model_id))) != NULL)
    return model;

  length = strip_date (model_id);
  if (length < strlen (model_id) && (model = find_model (info, model_id, length)) != NULL)
    return model;

  colon = strrchr (model_id, ':');
  if (colon != NULL && colon > model_id && strchr (colon, '/') == NULL)
    return find_model (info, model_id, colon - model_id);

  return NULL;
}

static char *
fill_placeholders (const char *template,
                   const char *escaped_model)
{
  GString *result = g_string_new (NULL);

  for (const char *p = template; *p != '\0'; p++)
    {
      const char *end;

      if (*p != '{' || (end = strchr (p, '}')) == NULL)
        {
          g_string_append_c (result, *p);
          continue;
        }

      /* The table allows only {model} and {deployment}, and both name the model. */
      g_string_append (result, escaped_model);
      p = end;
    }

  return g_string_free (result, FALSE);
}

/**
 * adiuva_provider_info_build_url:
 * @info: a provider
 * @base_url: (nullable): the base URL from the provider's settings, or %NULL for the default
 * @endpoint: an endpoint name such as %ADIUVA_ENDPOINT_CHAT
 * @model: (nullable): the model (for Azure the deployment) the endpoint's path names
 * @error: return location for an error
 *
 * Joins the base URL and the endpoint's path with exactly one slash, fills `{model}` and
 * `{deployment}` with @model (URL-escaped), and keeps the query of both: the base's first, then
 * the path's (`?alt=sse`, `?api-version=…`).
 *
 * Returns: (transfer full): the URL, or %NULL with %ADIUVA_GATEWAY_ERROR_NOT_FOUND when the
 *   provider has no such endpoint or %ADIUVA_GATEWAY_ERROR_INVALID when the base URL or the
 *   model is missing or wrong
 */
char *
adiuva_provider_info_build_url (const AdiuvaProviderInfo *info,
                                const char               *base_url,
                                const char               *endpoint,
                                const char               *model,
                                GError                  **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *escaped_model = NULL;
  g_autofree char *filled = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  const char *template;
  const char *base_path;
  const char *base_query;
  char       *template_query;
  gsize       base_path_length;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  template = adiuva_provider_info_get_path (info, endpoint);
  if (template == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                   _ ("%s offers no “%s” endpoint."), info->display_name, endpoint);
      return NULL;
    }

  if (base_url == NULL || *base_url == '\0')
    base_url = info->default_base_url;
  if (base_url == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("%s needs the address of its server. Enter a base URL in the provider "
                      "settings."),
                   info->display_name);
      return NULL;
    }

  uri = parse_base_url (base_url, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("The base URL of %s is not usable: %s"), info->display_name,
                   local_error->message);
      return NULL;
    }

  if (strchr (template, '{') != NULL && (model == NULL || *model == '\0'))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   strstr (template, "{deployment}") != NULL
                       ? _ ("%s needs a deployment name for the “%s” endpoint.")
                       : _ ("%s needs a model name for the “%s” endpoint."),
                   info->display_name, endpoint);
      return NULL;
    }

  escaped_model = g_uri_escape_string (model != NULL ? model : "", NULL, FALSE);
  filled = fill_placeholders (template, escaped_model);
  template_query = strchr (filled, '?');
  if (template_query != NULL)
    *template_query++ = '\0';

  base_path = g_uri_get_path (uri);
  base_path_length = strlen (base_path);
  while (base_path_length > 0 && base_path[base_path_length - 1] == '/')
    base_path_length--;
  path = g_strdup_printf ("%.*s%s", (int) base_path_length, base_path, filled);

  base_query = g_uri_get_query (uri);
  if (base_query != NULL && *base_query != '\0' && template_query != NULL)
    query = g_strconcat (base_query, "&", template_query, NULL);
  else if (base_query != NULL && *base_query != '\0')
    query = g_strdup (base_query);
  else
    query = g_strdup (template_query);

  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), path, query, NULL);
}

/**
 * adiuva_model_info_cost:
 * @model: a model
 * @input_tokens: the prompt tokens of a request
 * @output_tokens: the tokens the model wrote, reasoning included
 *
 * The list price of one request. A request whose prompt is longer than the model's
 * long-context threshold is billed wholly at the long-context prices, as the providers do.
 *
 * Returns: the cost in USD
 */
double
adiuva_model_info_cost (const AdiuvaModelInfo *model,
                        gint64                 input_tokens,
                        gint64                 output_tokens)
{
  gboolean long_request;
  double   input_price;
  double   output_price;

  g_return_val_if_fail (model != NULL, 0.0);
  g_return_val_if_fail (input_tokens >= 0, 0.0);
  g_return_val_if_fail (output_tokens >= 0, 0.0);

  long_request = model->long_context_threshold > 0 && input_tokens > model->long_context_threshold;
  input_price = long_request ? model->long_input_price : model->input_price;
  output_price = long_request ? model->long_output_price : model->output_price;

  return ((double) input_tokens * input_price + (double) output_tokens * output_price) / 1e6;
}
