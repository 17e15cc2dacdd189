/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-router"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "adiuva-gateway-enums.h"
#include "adiuva-router-private.h"

/*
 * Preference routing: which route, and so which models, a request for ADIUVA_MODEL_AUTO goes
 * to. Two selectors, tried in order:
 *
 * 1. The router model, when one is set: a small non-streamed JSON-mode chat through the same
 *    gateway (caller "router", so its usage is logged like any other) that lists the routes
 *    and the recent conversation and expects {"route": "NAME"}.
 * 2. The rules of the routes, in order: keywords, regular expressions, length of the user's
 *    last message.
 *
 * Then the default route. Routing never fails a request: a router model that fails, is slow
 * or answers nonsense only hands over to the rules. Only cancellation ends a selection.
 */

#define DEFAULT_TIMEOUT_MS 3000
/* The router model sees the end of the conversation, enough to know what is asked. */
#define RECENT_MESSAGES 6
#define MAX_MESSAGE_CHARS 1500
#define ROUTER_MAX_TOKENS 64

struct _AdiuvaRouter
{
  GObject parent_instance;

  GPtrArray *routes; /* AdiuvaRoute, in the order they are tried by the rules */
  char      *router_model;
  char      *default_route;
  guint      timeout_ms;
};

G_DEFINE_FINAL_TYPE (AdiuvaRouter, adiuva_router, G_TYPE_OBJECT)

typedef struct
{
  AdiuvaRoute        *route;
  AdiuvaRouteSelector selector;
} Choice;

typedef struct
{
  AdiuvaGatewayClient *client;
  AdiuvaChatRequest   *request;
  GCancellable        *cancellable; /* the router call's */
  GCancellable        *caller_cancellable;
  gulong               caller_handler;
  GSource             *timeout;
  gboolean             timed_out;
} Selection;

static void
choice_free (Choice *choice)
{
  g_clear_pointer (&choice->route, adiuva_route_unref);
  g_free (choice);
}

static void
clear_timeout (Selection *selection)
{
  if (selection->timeout == NULL)
    return;
  g_source_destroy (selection->timeout);
  g_clear_pointer (&selection->timeout, g_source_unref);
}

static void
selection_free (Selection *selection)
{
  clear_timeout (selection);
  if (selection->caller_cancellable != NULL)
    g_cancellable_disconnect (selection->caller_cancellable, selection->caller_handler);
  g_clear_object (&selection->caller_cancellable);
  g_clear_object (&selection->cancellable);
  g_clear_object (&selection->client);
  g_clear_pointer (&selection->request, adiuva_chat_request_unref);
  g_free (selection);
}

static int
find_route (AdiuvaRouter *self,
            const char   *name)
{
  for (guint i = 0; i < self->routes->len; i++)
    if (g_str_equal (adiuva_route_get_name (g_ptr_array_index (self->routes, i)), name))
      return (int) i;
  return -1;
}

static const char *
selector_nick (AdiuvaRouteSelector selector)
{
  GEnumClass *klass = g_type_class_ref (ADIUVA_TYPE_ROUTE_SELECTOR);
  GEnumValue *value = g_enum_get_value (klass, selector);
  /* Nicks are static strings of the enum's type, which stays registered. */
  const char *nick = value != NULL ? value->value_nick : "?";

  g_type_class_unref (klass);
  return nick;
}

/* GObject */

static void
adiuva_router_finalize (GObject *object)
{
  AdiuvaRouter *self = ADIUVA_ROUTER (object);

  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->router_model, g_free);
  g_clear_pointer (&self->default_route, g_free);

  G_OBJECT_CLASS (adiuva_router_parent_class)->finalize (object);
}

static void
adiuva_router_class_init (AdiuvaRouterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = adiuva_router_finalize;
}

static void
adiuva_router_init (AdiuvaRouter *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) adiuva_route_unref);
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
}

/* Public API */

/**
 * adiuva_router_new:
 *
 * Returns: (transfer full): a router without routes or router model
 */
AdiuvaRouter *
adiuva_router_new (void)
{
  return g_object_new (ADIUVA_TYPE_ROUTER, NULL);
}

/**
 * adiuva_router_set_route:
 * @route: a route; the router keeps a reference, so do not change it after
 *
 * Adds @route after the others, or puts it in the place of the route of the same name.
 */
void
adiuva_router_set_route (AdiuvaRouter *self,
                         AdiuvaRoute  *route)
{
  int index;

  g_return_if_fail (ADIUVA_IS_ROUTER (self));
  g_return_if_fail (route != NULL);

  index = find_route (self, adiuva_route_get_name (route));
  if (index < 0)
    {
      g_ptr_array_add (self->routes, adiuva_route_ref (route));
      return;
    }
  adiuva_route_unref (g_ptr_array_index (self->routes, index));
  g_ptr_array_index (self->routes, index) = adiuva_route_ref (route);
}

/**
 * adiuva_router_remove_route:
 *
 * Removes a route; when it was the default route, there is none set after.
 *
 * Returns: whether there was a route of that name
 */
gboolean
adiuva_router_remove_route (AdiuvaRouter *self,
                            const char   *name)
{
  int index;

  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  index = find_route (self, name);
  if (index < 0)
    return FALSE;
  g_ptr_array_remove_index (self->routes, index);
  if (g_strcmp0 (self->default_route, name) == 0)
    g_clear_pointer (&self->default_route, g_free);
  return TRUE;
}

/**
 * adiuva_router_get_route:
 *
 * Returns: (transfer none) (nullable): the route of that name
 */
AdiuvaRoute *
adiuva_router_get_route (AdiuvaRouter *self,
                         const char   *name)
{
  int index;

  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  index = find_route (self, name);
  return index >= 0 ? g_ptr_array_index (self->routes, index) : NULL;
}

guint
adiuva_router_get_n_routes (AdiuvaRouter *self)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), 0);

  return self->routes->len;
}

/**
 * adiuva_router_get_nth_route:
 *
 * Returns: (transfer none): the routes in the order the rules try them
 */
AdiuvaRoute *
adiuva_router_get_nth_route (AdiuvaRouter *self,
                             guint         index)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);
  g_return_val_if_fail (index < self->routes->len, NULL);

  return g_ptr_array_index (self->routes, index);
}

/**
 * adiuva_router_set_router_model:
 * @model_ref: (nullable): the model that chooses routes, `provider/model` or an alias; %NULL
 *   leaves the choice to the rules
 *
 * A small, fast model does: it is asked before every routed request.
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_INVALID
 */
gboolean
adiuva_router_set_router_model (AdiuvaRouter *self,
                                const char   *model_ref,
                                GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), FALSE);

  if (model_ref != NULL && !adiuva_model_ref_check (model_ref, error))
    return FALSE;
  g_free (self->router_model);
  self->router_model = g_strdup (model_ref);
  return TRUE;
}

const char *
adiuva_router_get_router_model (AdiuvaRouter *self)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);

  return self->router_model;
}

/**
 * adiuva_router_set_default_route:
 * @name: (nullable): a route's name, or %NULL to make the first route the default
 *
 * The default route takes what neither the router model nor the rules chose.
 *
 * Returns: %TRUE, or %FALSE with %ADIUVA_GATEWAY_ERROR_NOT_FOUND when there is no such route
 */
gboolean
adiuva_router_set_default_route (AdiuvaRouter *self,
                                 const char   *name,
                                 GError      **error)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), FALSE);

  if (name != NULL && find_route (self, name) < 0)
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                   _ ("No route is named “%s”."), name);
      return FALSE;
    }
  g_free (self->default_route);
  self->default_route = g_strdup (name);
  return TRUE;
}

/**
 * adiuva_router_get_default_route:
 *
 * Returns: (nullable): the name of the default route that was set, or %NULL when the first
 *   route is the default
 */
const char *
adiuva_router_get_default_route (AdiuvaRouter *self)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);

  return self->default_route;
}

/**
 * adiuva_router_set_timeout:
 * @timeout_ms: how long the router model may take to answer, in milliseconds; 0 waits as
 *   long as the gateway's own timeouts
 *
 * After it, the rules choose. The default is three seconds.
 */
void
adiuva_router_set_timeout (AdiuvaRouter *self,
                           guint         timeout_ms)
{
  g_return_if_fail (ADIUVA_IS_ROUTER (self));

  self->timeout_ms = timeout_ms;
}

guint
adiuva_router_get_timeout (AdiuvaRouter *self)
{
  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), 0);

  return self->timeout_ms;
}

/* Selection */

static char *
last_user_text (AdiuvaChatRequest *request)
{
  for (guint i = request->messages->len; i > 0; i--)
    {
      AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i - 1);

      if (message->role == ADIUVA_ROLE_USER)
        {
          char *text = adiuva_chat_message_dup_text (message);

          return text != NULL ? text : g_strdup ("");
        }
    }
  return g_strdup ("");
}

/**
 * adiuva_router_select_by_rules:
 * @request: the request to route; the text of its last user message is what the rules read
 * @selector: (out) (optional): %ADIUVA_ROUTE_SELECTOR_RULES when a route's rules matched,
 *   %ADIUVA_ROUTE_SELECTOR_DEFAULT when none did
 *
 * The first route, in order, whose rules match; else the default route, or the first route
 * when no default is set.
 *
 * Returns: (transfer full) (nullable): the route, or %NULL when the router has none
 */
AdiuvaRoute *
adiuva_router_select_by_rules (AdiuvaRouter        *self,
                               AdiuvaChatRequest   *request,
                               AdiuvaRouteSelector *selector)
{
  g_autofree char *text = NULL;
  int              index;

  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (self->routes->len == 0)
    return NULL;

  text = last_user_text (request);
  for (guint i = 0; i < self->routes->len; i++)
    {
      AdiuvaRoute *route = g_ptr_array_index (self->routes, i);

      if (adiuva_route_matches (route, text))
        {
          if (selector != NULL)
            *selector = ADIUVA_ROUTE_SELECTOR_RULES;
          return adiuva_route_ref (route);
        }
    }

  if (selector != NULL)
    *selector = ADIUVA_ROUTE_SELECTOR_DEFAULT;
  index = self->default_route != NULL ? find_route (self, self->default_route) : -1;
  return adiuva_route_ref (g_ptr_array_index (self->routes, MAX (index, 0)));
}

/* One line, so that a description cannot pose as another route. */
static void
append_flat (GString    *out,
             const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (out, *p == '\n' || *p == '\r' ? ' ' : *p);
}

static void
append_clipped (GString    *out,
                const char *text)
{
  if (g_utf8_strlen (text, -1) <= MAX_MESSAGE_CHARS)
    {
      g_string_append (out, text);
      return;
    }
  /* The start of a long message says what it is about. */
  g_string_append_len (out, text, g_utf8_offset_to_pointer (text, MAX_MESSAGE_CHARS) - text);
  g_string_append (out, "…");
}

static const char *
role_name (AdiuvaRole role)
{
  switch (role)
    {
    case ADIUVA_ROLE_USER:
      return "user";
    case ADIUVA_ROLE_ASSISTANT:
      return "assistant";
    case ADIUVA_ROLE_TOOL:
      return "tool";
    case ADIUVA_ROLE_SYSTEM:
    default:
      return "system";
    }
}

/* The prompts are for a model, not for the user: they are not translated. */
static AdiuvaChatRequest *
new_router_request (AdiuvaRouter      *self,
                    AdiuvaChatRequest *request)
{
  g_autoptr (GString) system = g_string_new (NULL);
  g_autoptr (GString) user = g_string_new (NULL);
  g_autoptr (AdiuvaChatMessage) system_message = NULL;
  g_autoptr (AdiuvaChatMessage) user_message = NULL;
  AdiuvaChatRequest *router_request = adiuva_chat_request_new (self->router_model);
  guint              first = 0;
  guint              shown = 0;

  g_string_append (system,
                   "You route requests. Choose the route that fits the latest user message "
                   "of the conversation best.\n\nRoutes:\n");
  for (guint i = 0; i < self->routes->len; i++)
    {
      AdiuvaRoute *route = g_ptr_array_index (self->routes, i);

      g_string_append_printf (system, "- %s: ", adiuva_route_get_name (route));
      append_flat (system, adiuva_route_get_description (route));
      g_string_append_c (system, '\n');
    }
  g_string_append (system, "\nAnswer with a JSON object only: {\"route\": \"NAME\"}, NAME being "
                           "one of the route names above, or {\"route\": \"none\"} when none "
                           "fits.");

  /* The last few messages that have text, oldest first. */
  for (guint i = request->messages->len; i > 0 && shown < RECENT_MESSAGES; i--)
    {
      AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i - 1);
      g_autofree char   *text = adiuva_chat_message_dup_text (message);

      if (message->role != ADIUVA_ROLE_SYSTEM && text != NULL && text[0] != '\0')
        {
          first = i - 1;
          shown++;
        }
    }
  g_string_append (user, "The conversation, oldest message first:\n");
  for (guint i = first; shown > 0 && i < request->messages->len; i++)
    {
      AdiuvaChatMessage *message = g_ptr_array_index (request->messages, i);
      g_autofree char   *text = adiuva_chat_message_dup_text (message);

      if (message->role == ADIUVA_ROLE_SYSTEM || text == NULL || text[0] == '\0')
        continue;
      g_string_append_printf (user, "\n[%s]\n", role_name (message->role));
      append_clipped (user, text);
      g_string_append_c (user, '\n');
    }
  g_string_append (user, "\nWhich route fits the latest user message? Answer with the JSON "
                         "object only.");

  system_message = adiuva_chat_message_new_text (ADIUVA_ROLE_SYSTEM, system->str);
  user_message = adiuva_chat_message_new_text (ADIUVA_ROLE_USER, user->str);
  adiuva_chat_request_add_message (router_request, system_message);
  adiuva_chat_request_add_message (router_request, user_message);
  router_request->response_format = ADIUVA_RESPONSE_FORMAT_JSON_OBJECT;
  router_request->temperature = 0;
  router_request->max_tokens = ROUTER_MAX_TOKENS;
  router_request->stream = FALSE;

  return router_request;
}

/* The route the router model named, or %NULL with the reason in @why. Models wrap JSON in
 * prose or code fences now and then: the outermost braces are read. */
static AdiuvaRoute *
parse_answer (AdiuvaRouter      *self,
              AdiuvaChatMessage *answer,
              char             **why)
{
  g_autofree char *text = adiuva_chat_message_dup_text (answer);
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) root = NULL;
  const char *open = text != NULL ? strchr (text, '{') : NULL;
  const char *close = text != NULL ? strrchr (text, '}') : NULL;
  JsonNode   *member = NULL;
  const char *name;

  if (open == NULL || close == NULL || close < open)
    {
      *why = g_strdup ("no JSON object in the answer");
      return NULL;
    }
  json = g_strndup (open, close - open + 1);
  root = json_from_string (json, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    member = json_object_get_member (json_node_get_object (root), "route");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    {
      *why = g_strdup ("no \"route\" string in the answer");
      return NULL;
    }

  name = json_node_get_string (member);
  for (guint i = 0; i < self->routes->len; i++)
    {
      AdiuvaRoute *route = g_ptr_array_index (self->routes, i);

      if (g_ascii_strcasecmp (adiuva_route_get_name (route), name) == 0)
        return route;
    }
  *why = g_strdup_printf ("no route is named \"%s\"", name);
  return NULL;
}

static void
return_choice (GTask              *task,
               AdiuvaRoute        *route,
               AdiuvaRouteSelector selector)
{
  Choice *choice = g_new0 (Choice, 1);

  choice->route = route;
  choice->selector = selector;
  g_debug ("route %s (%s)", adiuva_route_get_name (route), selector_nick (selector));
  g_task_return_pointer (task, choice, (GDestroyNotify) choice_free);
}

static void
return_by_rules (GTask *task)
{
  AdiuvaRouter       *self = g_task_get_source_object (task);
  Selection          *selection = g_task_get_task_data (task);
  AdiuvaRouteSelector selector;
  AdiuvaRoute        *route = adiuva_router_select_by_rules (self, selection->request, &selector);

  if (route == NULL)
    g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_NOT_FOUND,
                             _ ("No routes are set up, so “%s” has no model to ask. Add a "
                                "route, or name a model."),
                             ADIUVA_MODEL_AUTO);
  else
    return_choice (task, route, selector);
}

static void
router_answer_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AdiuvaRouter *self = g_task_get_source_object (task);
  Selection    *selection = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaChatMessage) answer = NULL;
  g_autofree char *why = NULL;
  AdiuvaRoute     *route;

  answer = adiuva_gateway_client_chat_finish (ADIUVA_GATEWAY_CLIENT (source), result, NULL, NULL,
                                              &error);
  clear_timeout (selection);

  if (selection->caller_cancellable != NULL &&
      g_cancellable_is_cancelled (selection->caller_cancellable))
    {
      g_task_return_new_error (task, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_CANCELLED,
                               _ ("The request was cancelled."));
      return;
    }

  if (answer == NULL)
    {
      g_debug ("the router model %s %s; the rules choose", self->router_model,
               selection->timed_out ? "did not answer in time" : "failed");
      return_by_rules (task);
      return;
    }

  route = parse_answer (self, answer, &why);
  if (route == NULL)
    {
      g_debug ("the router model %s answered %s; the rules choose", self->router_model, why);
      return_by_rules (task);
      return;
    }

  return_choice (task, adiuva_route_ref (route), ADIUVA_ROUTE_SELECTOR_ROUTER);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Selection *selection = user_data;

  g_clear_pointer (&selection->timeout, g_source_unref);
  selection->timed_out = TRUE;
  g_cancellable_cancel (selection->cancellable);
  return G_SOURCE_REMOVE;
}

static void
cancel_cb (GCancellable *cancellable,
           gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/**
 * adiuva_router_select_async:
 * @client: the gateway that asks the router model
 * @request: the request to route
 * @cancellable: (nullable): cancels the selection, and the router model's call with it
 *
 * Chooses a route for @request: the router model's answer if one is set and it names a
 * route within the timeout, else adiuva_router_select_by_rules(). The router model's call
 * goes through @client with the caller `router`.
 */
void
adiuva_router_select_async (AdiuvaRouter        *self,
                            AdiuvaGatewayClient *client,
                            AdiuvaChatRequest   *request,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (AdiuvaChatRequest) router_request = NULL;
  Selection *selection;

  g_return_if_fail (ADIUVA_IS_ROUTER (self));
  g_return_if_fail (ADIUVA_IS_GATEWAY_CLIENT (client));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, adiuva_router_select_async);
  g_task_set_check_cancellable (task, FALSE);

  selection = g_new0 (Selection, 1);
  selection->client = g_object_ref (client);
  selection->request = adiuva_chat_request_ref (request);
  g_task_set_task_data (task, selection, (GDestroyNotify) selection_free);

  if (self->router_model == NULL || self->routes->len == 0)
    {
      return_by_rules (task);
      return;
    }

  selection->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      selection->caller_cancellable = g_object_ref (cancellable);
      selection->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cb),
                                                         selection->cancellable, NULL);
    }
  if (self->timeout_ms > 0)
    {
      selection->timeout = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (selection->timeout, timeout_cb, selection, NULL);
      g_source_attach (selection->timeout, g_main_context_get_thread_default ());
    }

  router_request = new_router_request (self, request);
  adiuva_gateway_client_chat_async (client, self->router_model, router_request, "router", NULL,
                                    NULL, selection->cancellable, router_answer_cb,
                                    g_steal_pointer (&task));
}

/**
 * adiuva_router_select_finish:
 * @selector: (out) (optional): which selector chose the route
 *
 * Returns: (transfer full): the route, or %NULL with %ADIUVA_GATEWAY_ERROR_CANCELLED, or
 *   %ADIUVA_GATEWAY_ERROR_NOT_FOUND when the router has no routes
 */
AdiuvaRoute *
adiuva_router_select_finish (AdiuvaRouter        *self,
                             GAsyncResult        *result,
                             AdiuvaRouteSelector *selector,
                             GError             **error)
{
  Choice      *choice;
  AdiuvaRoute *route;

  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == adiuva_router_select_async,
                        NULL);

  choice = g_task_propagate_pointer (G_TASK (result), error);
  if (choice == NULL)
    return NULL;
  if (selector != NULL)
    *selector = choice->selector;
  route = g_steal_pointer (&choice->route);
  choice_free (choice);
  return route;
}

/* JSON */

/**
 * adiuva_router_to_json:
 *
 * Returns: (transfer full): `{"routes": […], "router_model": …, "default_route": …}`, the
 *   last two only when set
 */
JsonNode *
adiuva_router_to_json (AdiuvaRouter *self)
{
  JsonObject *object;
  JsonArray  *routes;

  g_return_val_if_fail (ADIUVA_IS_ROUTER (self), NULL);

  object = json_object_new ();
  routes = json_array_new ();
  for (guint i = 0; i < self->routes->len; i++)
    json_array_add_element (routes, adiuva_route_to_json (g_ptr_array_index (self->routes, i)));
  json_object_set_array_member (object, "routes", routes);
  if (self->router_model != NULL)
    json_object_set_string_member (object, "router_model", self->router_model);
  if (self->default_route != NULL)
    json_object_set_string_member (object, "default_route", self->default_route);

  return json_node_init_object (json_node_alloc (), object);
}

static const char *
optional_string (JsonObject *object,
                 const char *member,
                 gboolean   *ok)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    *ok = FALSE;
  return *ok ? json_node_get_string (node) : NULL;
}

/**
 * adiuva_router_new_from_json:
 * @node: what adiuva_router_to_json() wrote
 *
 * Returns: (transfer full): the router, or %NULL with %ADIUVA_GATEWAY_ERROR_INVALID or
 *   %ADIUVA_GATEWAY_ERROR_NOT_FOUND (a default route that is not among the routes)
 */
AdiuvaRouter *
adiuva_router_new_from_json (JsonNode *node,
                             GError  **error)
{
  g_autoptr (AdiuvaRouter) self = adiuva_router_new ();
  JsonObject *object;
  JsonNode   *routes;
  const char *router_model;
  const char *default_route;
  gboolean    ok = TRUE;

  g_return_val_if_fail (node != NULL, NULL);

  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  routes = object != NULL ? json_object_get_member (object, "routes") : NULL;
  router_model = object != NULL ? optional_string (object, "router_model", &ok) : NULL;
  default_route = object != NULL ? optional_string (object, "default_route", &ok) : NULL;
  if (object == NULL || !ok || (routes != NULL && !JSON_NODE_HOLDS_ARRAY (routes)))
    {
      g_set_error (error, ADIUVA_GATEWAY_ERROR, ADIUVA_GATEWAY_ERROR_INVALID,
                   _ ("The routes are damaged: they are not in the form Adiuva writes."));
      return NULL;
    }

  for (guint i = 0; routes != NULL && i < json_array_get_length (json_node_get_array (routes)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (routes), i);
      g_autoptr (AdiuvaRoute) route = adiuva_route_new_from_json (element, error);

      if (route == NULL)
        return NULL;
      adiuva_router_set_route (self, route);
    }

  if (!adiuva_router_set_router_model (self, router_model, error) ||
      !adiuva_router_set_default_route (self, default_route, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* For the metrics and logs: `coding (router)`. */
char *
_adiuva_route_describe (AdiuvaRoute        *route,
                        AdiuvaRouteSelector selector)
{
  return g_strdup_printf ("%s (%s)", adiuva_route_get_name (route), selector_nick (selector));
}
