/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-route"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "adiuva-route.h"

/*
 * A route of preference routing: a name and a description the router model reads, the
 * models to ask in order (the call's fallback chain), and the rules that pick it without a
 * router model: keywords, regular expressions and the length of the user's last message.
 */

/* Router models answer with the name: it must survive JSON and a model's spelling. */
#define MAX_NAME_LENGTH 64

struct _AdiuvaRoute
{
  gatomicrefcount ref_count;
  char           *name;
  char           *description;
  GStrv           models;
  GPtrArray      *keywords;        /* as given */
  GPtrArray      *folded_keywords; /* normalized and case-folded, for matching */
  GPtrArray      *regexes;         /* as given */
  GPtrArray      *compiled;        /* GRegex */
  guint           min_length;
  guint           max_length;
};

G_DEFINE_BOXED_TYPE (AdiuvaRoute, adiuva_route, adiuva_route_ref, adiuva_route_unref)

static GPtrArray *
new_string_array (void)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (array, NULL);
  return array;
}

/* Keeps the array %NULL-terminated, so that it reads as a string vector. */
static void
append_string (GPtrArray  *array,
               const char *value)
{
  g_ptr_array_insert (array, array->len - 1, g_strdup (value));
}

/**
 * adiuva_model_ref_check:
 * @model_ref: what a route, a router or a fallback chain names
 *
 * Checks that @model_ref is a `provider/model` reference or the name of an alias, and not
 * %ADIUVA_MODEL_AUTO, which would route again.
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID
 */
gboolean
adiuva_model_ref_check (const char *model_ref,
                        GError    **error)
{
  const char *slash;

  g_return_val_if_fail (model_ref != NULL, FALSE);

  if (g_str_equal (model_ref, ADIUVA_MODEL_AUTO))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” chooses a route; name a model as provider/model or an alias."),
                   model_ref);
      return FALSE;
    }

  slash = strchr (model_ref, '/');
  if (model_ref[0] == '\0' || slash == model_ref || (slash != NULL && slash[1] == '\0'))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” is neither an alias nor a model as provider/model."), model_ref);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_name (const char *name,
            GError    **error)
{
  gsize len = strlen (name);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
      len = 0;

  if (len == 0 || len > MAX_NAME_LENGTH)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("“%s” cannot name a route: use up to %u letters, digits, “-”, “_” or "
                      "“.”, such as coding or quick-answers."),
                   name, MAX_NAME_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/* Matching ignores case and the way a character is composed. */
static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return normalized != NULL ? g_utf8_casefold (normalized, -1) : NULL;
}

/**
 * adiuva_route_new:
 * @name: letters, digits, `-`, `_` or `.`; the router model answers with it
 * @description: what the route is for, in words the router model reads
 * @models: (array zero-terminated=1): the models to ask, `provider/model` or aliases, in
 *   order: the first, then the others as its fallbacks
 *
 * Returns: (transfer full): a route without rules, or %NULL with
 *   %ADIUVA_GATEWAY_ERROR_INVALID when the name, the description or a model is refused
 */
AdiuvaRoute *
adiuva_route_new (const char        *name,
                  const char        *description,
                  const char *const *models,
                  GError           **error)
{
  AdiuvaRoute *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, error))
    return NULL;

  if (description == NULL || !g_utf8_validate (description, -1, NULL) ||
      description[strspn (description, " \t\r\n")] == '\0')
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("The route “%s” needs a description: the router model chooses by it."),
                   name);
      return NULL;
    }

  if (models == NULL || models[0] == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("The route “%s” names no model to ask."), name);
      return NULL;
    }
  for (guint i = 0; models[i] != NULL; i++)
    if (!adiuva_model_ref_check (models[i], error))
      {
        g_prefix_error (error, _ ("Route “%s”: "), name);
        return NULL;
      }

  self = g_new0 (AdiuvaRoute, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->models = g_strdupv ((GStrv) models);
  self->keywords = new_string_array ();
  self->folded_keywords = g_ptr_array_new_with_free_func (g_free);
  self->regexes = new_string_array ();
  self->compiled = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);

  return self;
}

AdiuvaRoute *
adiuva_route_ref (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
adiuva_route_unref (AdiuvaRoute *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->name);
  g_free (self->description);
  g_strfreev (self->models);
  g_ptr_array_unref (self->keywords);
  g_ptr_array_unref (self->folded_keywords);
  g_ptr_array_unref (self->regexes);
  g_ptr_array_unref (self->compiled);
  g_free (self);
}

const char *
adiuva_route_get_name (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

const char *
adiuva_route_get_description (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->description;
}

/**
 * adiuva_route_get_models:
 *
 * Returns: (transfer none): the models to ask, in order
 */
const char *const *
adiuva_route_get_models (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->models;
}

/**
 * adiuva_route_add_keyword:
 * @keyword: a word or a few; matches as whole words, whatever their case
 *
 * Routes can be changed until they are given to a router; they are shared read-only after.
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID for an empty keyword
 */
gboolean
adiuva_route_add_keyword (AdiuvaRoute *self,
                          const char  *keyword,
                          GError     **error)
{
  g_autofree char *stripped = NULL;
  char            *folded;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (keyword != NULL, FALSE);

  stripped = g_strstrip (g_strdup (keyword));
  folded = g_utf8_validate (stripped, -1, NULL) ? fold (stripped) : NULL;
  if (folded == NULL || folded[0] == '\0')
    {
      g_free (folded);
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Route “%s”: a keyword cannot be empty."), self->name);
      return FALSE;
    }

  append_string (self->keywords, stripped);
  g_ptr_array_add (self->folded_keywords, folded);
  return TRUE;
}

/**
 * adiuva_route_get_keywords:
 *
 * Returns: (transfer none): the keywords as they were given
 */
const char *const *
adiuva_route_get_keywords (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->keywords->pdata;
}

/**
 * adiuva_route_add_regex:
 * @pattern: a Perl-compatible regular expression (GRegex); it matches whatever the case
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID saying what is wrong with
 *   @pattern
 */
gboolean
adiuva_route_add_regex (AdiuvaRoute *self,
                        const char  *pattern,
                        GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  GRegex *regex;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);

  if (pattern[0] == '\0')
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Route “%s”: a regular expression cannot be empty."), self->name);
      return FALSE;
    }

  regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &local_error);
  if (regex == NULL)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Route “%s”: the regular expression “%s” is not valid: %s"), self->name,
                   pattern, local_error->message);
      return FALSE;
    }

  append_string (self->regexes, pattern);
  g_ptr_array_add (self->compiled, regex);
  return TRUE;
}

/**
 * adiuva_route_get_regexes:
 *
 * Returns: (transfer none): the regular expressions as they were given
 */
const char *const *
adiuva_route_get_regexes (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->regexes->pdata;
}

/**
 * adiuva_route_set_length_range:
 * @min_length: the fewest characters the user's last message must have, 0 for no minimum
 * @max_length: the most it may have, 0 for no maximum
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID when no length fits both
 */
gboolean
adiuva_route_set_length_range (AdiuvaRoute *self,
                               guint        min_length,
                               guint        max_length,
                               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (max_length != 0 && min_length > max_length)
    {
      g_autofree char *min = g_strdup_printf ("%u", min_length);
      g_autofree char *max = g_strdup_printf ("%u", max_length);

      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("Route “%s”: a message cannot be at least %s and at most %s characters "
                      "long."),
                   self->name, min, max);
      return FALSE;
    }

  self->min_length = min_length;
  self->max_length = max_length;
  return TRUE;
}

guint
adiuva_route_get_min_length (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->min_length;
}

guint
adiuva_route_get_max_length (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_length;
}

/**
 * adiuva_route_has_rules:
 *
 * Returns: whether the rules can choose this route: it has a keyword, a regular expression
 *   or a length limit
 */
gboolean
adiuva_route_has_rules (AdiuvaRoute *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->folded_keywords->len > 0 || self->compiled->len > 0 || self->min_length > 0 ||
         self->max_length > 0;
}

static gboolean
is_word_char (const char *p)
{
  return g_unichar_isalnum (g_utf8_get_char (p)) || *p == '_';
}

/* Whole words only, so that "test" does not pick "latest"; a keyword ending in a symbol
 * ("c++") needs no boundary after it. */
static gboolean
has_keyword (const char *folded_text,
             const char *keyword)
{
  gsize       len = strlen (keyword);
  const char *last = g_utf8_find_prev_char (keyword, keyword + len);
  gboolean    word_start = is_word_char (keyword);
  gboolean    word_end = is_word_char (last);

  for (const char *hit = strstr (folded_text, keyword); hit != NULL;
       hit = strstr (g_utf8_next_char (hit), keyword))
    {
      const char *before = g_utf8_find_prev_char (folded_text, hit);
      const char *after = hit + len;

      if (word_start && before != NULL && is_word_char (before))
        continue;
      if (word_end && *after != '\0' && is_word_char (after))
        continue;
      return TRUE;
    }

  return FALSE;
}

/**
 * adiuva_route_matches:
 * @text: the user's last message
 *
 * The rules: @text must be within the length range, in characters, and, when the route has
 * keywords or regular expressions, hold one of the keywords or match one of the expressions.
 * A route without rules matches nothing.
 *
 * Returns: whether the rules choose this route for @text
 */
gboolean
adiuva_route_matches (AdiuvaRoute *self,
                      const char  *text)
{
  g_autofree char *folded = NULL;
  glong            length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!adiuva_route_has_rules (self) || !g_utf8_validate (text, -1, NULL))
    return FALSE;

  length = g_utf8_strlen (text, -1);
  if (length < (glong) self->min_length ||
      (self->max_length > 0 && length > (glong) self->max_length))
    return FALSE;
  if (self->folded_keywords->len == 0 && self->compiled->len == 0)
    return TRUE;

  folded = fold (text);
  for (guint i = 0; folded != NULL && i < self->folded_keywords->len; i++)
    if (has_keyword (folded, g_ptr_array_index (self->folded_keywords, i)))
      return TRUE;

  for (guint i = 0; i < self->compiled->len; i++)
    if (g_regex_match (g_ptr_array_index (self->compiled, i), text, 0, NULL))
      return TRUE;

  return FALSE;
}

static void
add_strings (JsonObject        *object,
             const char        *member,
             const char *const *values)
{
  JsonArray *array;

  if (values[0] == NULL)
    return;
  array = json_array_new ();
  for (guint i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  json_object_set_array_member (object, member, array);
}

/**
 * adiuva_route_to_json:
 *
 * Returns: (transfer full): the route as a JSON object: `name`, `description`, `models`, and
 *   when set `keywords`, `regexes`, `min_length`, `max_length`
 */
JsonNode *
adiuva_route_to_json (AdiuvaRoute *self)
{
  JsonObject *object;

  g_return_val_if_fail (self != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "description", self->description);
  add_strings (object, "models", (const char *const *) self->models);
  add_strings (object, "keywords", adiuva_route_get_keywords (self));
  add_strings (object, "regexes", adiuva_route_get_regexes (self));
  if (self->min_length > 0)
    json_object_set_int_member (object, "min_length", self->min_length);
  if (self->max_length > 0)
    json_object_set_int_member (object, "max_length", self->max_length);

  return json_node_init_object (json_node_alloc (), object);
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static AdiuvaRoute *
damaged (const char *name,
         GError    **error)
{
  g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
               _ ("The route “%s” is damaged: it is not in the form Adiuva writes."),
               name != NULL ? name : "?");
  return NULL;
}

/* A missing member is an empty list. */
static gboolean
read_strings (JsonObject *object,
              const char *member,
              GPtrArray  *out)
{
  JsonNode  *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_string (element))
        return FALSE;
      g_ptr_array_add (out, (gpointer) json_node_get_string (element));
    }
  return TRUE;
}

static gboolean
read_length (JsonObject *object,
             const char *member,
             guint      *length)
{
  JsonNode *node = json_object_get_member (object, member);

  *length = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) > G_MAXUINT)
    return FALSE;
  *length = (guint) json_node_get_int (node);
  return TRUE;
}

/**
 * adiuva_route_new_from_json:
 * @node: a route as adiuva_route_to_json() writes it
 *
 * Returns: (transfer full): the route, or %NULL with %ADIUVA_GATEWAY_ERROR_INVALID
 */
AdiuvaRoute *
adiuva_route_new_from_json (JsonNode *node,
                            GError  **error)
{
  g_autoptr (GPtrArray) models = g_ptr_array_new ();
  g_autoptr (GPtrArray) keywords = g_ptr_array_new ();
  g_autoptr (GPtrArray) regexes = g_ptr_array_new ();
  g_autoptr (AdiuvaRoute) route = NULL;
  JsonObject *object;
  JsonNode   *name;
  JsonNode   *description;
  guint       min_length, max_length;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return damaged (NULL, error);
  object = json_node_get_object (node);
  name = json_object_get_member (object, "name");
  description = json_object_get_member (object, "description");
  if (!is_string (name))
    return damaged (NULL, error);
  if (!is_string (description) || !read_strings (object, "models", models) ||
      !read_strings (object, "keywords", keywords) ||
      !read_strings (object, "regexes", regexes) ||
      !read_length (object, "min_length", &min_length) ||
      !read_length (object, "max_length", &max_length))
    return damaged (json_node_get_string (name), error);

  g_ptr_array_add (models, NULL);
  route = adiuva_route_new (json_node_get_string (name), json_node_get_string (description),
                            (const char *const *) models->pdata, error);
  if (route == NULL)
    return NULL;
  for (guint i = 0; i < keywords->len; i++)
    if (!adiuva_route_add_keyword (route, g_ptr_array_index (keywords, i), error))
      return NULL;
  for (guint i = 0; i < regexes->len; i++)
    if (!adiuva_route_add_regex (route, g_ptr_array_index (regexes, i), error))
      return NULL;
  if (!adiuva_route_set_length_range (route, min_length, max_length, error))
    return NULL;

  return g_steal_pointer (&route);
}
