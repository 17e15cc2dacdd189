/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-assistant"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "adiuva-assistant-enums.h"
#include "adiuva-chat-session.h"
#include "adiuva-workspace-gateway-private.h"

/**
 * AdiuvaChatSession:
 *
 * A conversation as the user chats in it. Every message is saved as it is made: the user's at
 * once (the conversation too, at the first one), an answer while it streams (at its first
 * text, then at most once every SAVE_INTERVAL_US, marked #AdiuvaMessage:unfinished) and when
 * it ends, so a crash loses at most the last second of an answer. An answer that
 * ends with text, whole, stopped or cut short by an error, is kept with that text; one that
 * ends without any text (refused at once, stopped before the first token) is taken out of
 * the list again and never saved, so no empty answer is left behind: the user's message is
 * the last one then, and adiuva_chat_session_regenerate() asks again.
 *
 * A session holds itself alive while an answer streams: dropping it does not stop the
 * answer, adiuva_chat_session_stop() does.
 *
 * Answers are asked for as the caller `chat`, whose budgets apply. Each answer is linked to
 * its row of the call log (#AdiuvaMessage:llm-call-id) when the call log reports it
 * (#AdiuvaWorkspaceGateway::call-logged), a moment after the answer ends.
 */
struct _AdiuvaChatSession
{
  GObject parent_instance;

  AdiuvaWorkspaceGateway *gateway;
  AdiuvaConversation     *conversation; /* NULL until the first send */
  GListStore             *messages;     /* AdiuvaMessage */
  char                   *model;        /* NULL: the workspace's default */
  AdiuvaChatProblem       problem;
  char                   *error_message;

  /* While an answer streams */
  AdiuvaMessage *answer;
  GString       *text;
  GCancellable  *cancellable;
  gint64         saved_at; /* monotonic µs of the last save of the partial answer, 0 for none */
  guint          save_source;
};

G_DEFINE_FINAL_TYPE (AdiuvaChatSession, adiuva_chat_session, G_TYPE_OBJECT)

/* clang-format off */
G_DEFINE_BOXED_TYPE (AdiuvaChatAnswerInfo, adiuva_chat_answer_info, adiuva_chat_answer_info_copy,
                     adiuva_chat_answer_info_free)
/* clang-format on */

enum
{
  PROP_0,
  PROP_GATEWAY,
  PROP_CONVERSATION,
  PROP_MODEL,
  PROP_BUSY,
  PROP_PROBLEM,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

enum
{
  ANSWER_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* What a title keeps of the first message. */
#define TITLE_MAX_WORDS 6
#define TITLE_MAX_CHARS 48

/* How often a streaming answer is saved, at most: one write a second, not one a token. */
#define SAVE_INTERVAL_US G_USEC_PER_SEC

/* What the session knows of an answer it made itself, kept on the message. */
typedef struct
{
  AdiuvaChatAnswerInfo *info;
  guint64               call_id; /* AdiuvaCallMetrics:call_id, to find its row by */
} Answer;

static GQuark
answer_quark (void)
{
  return g_quark_from_static_string ("adiuva-chat-session-answer");
}

static void
answer_free (Answer *answer)
{
  adiuva_chat_answer_info_free (answer->info);
  g_free (answer);
}

/* Problems */

/**
 * adiuva_chat_problem_from_error:
 * @error: (nullable): why an answer failed or could not be asked for
 *
 * Network failures and time-outs are %ADIUVA_CHAT_PROBLEM_OFFLINE; an overloaded provider,
 * like a rate limit, asks to wait, so it is %ADIUVA_CHAT_PROBLEM_RATE_LIMITED; a model,
 * provider, alias or route that is not there is %ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND;
 * cancellation (the user's Stop) is %ADIUVA_CHAT_PROBLEM_NONE; anything else, the provider's
 * refusals of a request and malformed answers included, %ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED,
 * whose error message says what happened.
 */
AdiuvaChatProblem
adiuva_chat_problem_from_error (const GError *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return ADIUVA_CHAT_PROBLEM_NONE;

  if (error->domain == ADIUVA_GATEWAY_ERROR)
    switch ((AdiuvaGatewayError) error->code)
      {
      case ADIUVA_GATEWAY_ERROR_CANCELLED:
        return ADIUVA_CHAT_PROBLEM_NONE;
      case ADIUVA_GATEWAY_ERROR_NETWORK:
      case ADIUVA_GATEWAY_ERROR_TIMEOUT:
        return ADIUVA_CHAT_PROBLEM_OFFLINE;
      case ADIUVA_GATEWAY_ERROR_AUTH:
        return ADIUVA_CHAT_PROBLEM_BAD_KEY;
      case ADIUVA_GATEWAY_ERROR_RATE_LIMITED:
      case ADIUVA_GATEWAY_ERROR_OVERLOADED:
        return ADIUVA_CHAT_PROBLEM_RATE_LIMITED;
      case ADIUVA_GATEWAY_ERROR_BUDGET:
        return ADIUVA_CHAT_PROBLEM_BUDGET_REACHED;
      case ADIUVA_GATEWAY_ERROR_NOT_FOUND:
        return ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND;
      case ADIUVA_GATEWAY_ERROR_FAILED:
      case ADIUVA_GATEWAY_ERROR_PROTOCOL:
      case ADIUVA_GATEWAY_ERROR_TOO_LARGE:
      case ADIUVA_GATEWAY_ERROR_INVALID:
      case ADIUVA_GATEWAY_ERROR_SERVER:
      case ADIUVA_GATEWAY_ERROR_BAD_REQUEST:
      default:
        return ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED;
      }

  if (g_error_matches (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_MODEL))
    return ADIUVA_CHAT_PROBLEM_NO_MODEL;
  /* auto without routes, or an alias or provider removed since it was picked */
  if (g_error_matches (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_NO_ROUTES) ||
      g_error_matches (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_PROVIDER_NOT_FOUND) ||
      g_error_matches (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_ALIAS_NOT_FOUND))
    return ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND;

  return ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED;
}

static void
set_problem (AdiuvaChatSession *self,
             const GError      *error)
{
  AdiuvaChatProblem problem = adiuva_chat_problem_from_error (error);
  const char       *message = problem != ADIUVA_CHAT_PROBLEM_NONE ? error->message : NULL;

  if (problem != self->problem)
    {
      self->problem = problem;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
  if (g_strcmp0 (message, self->error_message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
}

/* Answer info */

AdiuvaChatAnswerInfo *
adiuva_chat_answer_info_copy (const AdiuvaChatAnswerInfo *self)
{
  AdiuvaChatAnswerInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->model = g_strdup (self->model);
  return copy;
}

void
adiuva_chat_answer_info_free (AdiuvaChatAnswerInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->model);
  g_free (self);
}

static AdiuvaChatAnswerInfo *
answer_info_new (const char *model)
{
  AdiuvaChatAnswerInfo *info = g_new0 (AdiuvaChatAnswerInfo, 1);

  info->model = g_strdup (model);
  info->tokens_in = -1;
  info->tokens_out = -1;
  info->time_to_first_token_us = -1;
  return info;
}

/* FALSE too for a provider the workspace no longer has. */
static gboolean
provider_is_local (AdiuvaChatSession *self,
                   const char        *name)
{
  g_autoptr (GPtrArray) providers = NULL;

  if (name == NULL ||
      (providers = adiuva_workspace_gateway_read_providers (self->gateway, NULL)) == NULL)
    return FALSE;
  for (guint i = 0; i < providers->len; i++)
    {
      AdiuvaWorkspaceProvider *provider = g_ptr_array_index (providers, i);

      if (g_str_equal (provider->name, name))
        return _adiuva_workspace_provider_is_local (provider, NULL);
    }
  return FALSE;
}

/* GObject */

static void
load_messages (AdiuvaChatSession *self)
{
  AdiuvaStore *store = adiuva_workspace_gateway_get_store (self->gateway);
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) saved = NULL;
  gint64 conversation_id = adiuva_record_get_id (ADIUVA_RECORD (self->conversation));
  guint  n;

  saved = adiuva_store_list_messages (store, conversation_id, &error);
  if (saved == NULL)
    {
      g_warning ("Cannot read the messages of conversation “%s”: %s",
                 adiuva_conversation_get_title (self->conversation), error->message);
      return;
    }
  n = g_list_model_get_n_items (saved);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AdiuvaMessage) message = g_list_model_get_item (saved, i);

      g_list_store_append (self->messages, message);
    }
}

static void
call_logged_cb (AdiuvaWorkspaceGateway *gateway,
                guint64                 call_id,
                gint64                  row_id,
                AdiuvaChatSession      *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AdiuvaMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);
      Answer *answer = g_object_get_qdata (G_OBJECT (message), answer_quark ());
      g_autoptr (GError) error = NULL;

      if (answer == NULL || answer->call_id != call_id)
        continue;
      /* A call that was retried or fell back reports each attempt in order: the last one
       * answered. */
      adiuva_message_set_llm_call_id (message, row_id);
      if (!adiuva_store_update (adiuva_workspace_gateway_get_store (self->gateway),
                                ADIUVA_RECORD (message), &error) &&
          !g_error_matches (error, ADIUVA_STORE_ERROR, ADIUVA_STORE_ERROR_NOT_FOUND))
        g_warning ("Cannot link an answer to its call: %s", error->message);
      return;
    }
}

static void
adiuva_chat_session_constructed (GObject *object)
{
  AdiuvaChatSession *self = ADIUVA_CHAT_SESSION (object);

  G_OBJECT_CLASS (adiuva_chat_session_parent_class)->constructed (object);

  g_signal_connect_object (self->gateway, "call-logged", G_CALLBACK (call_logged_cb), self, 0);
  if (self->conversation != NULL)
    {
      self->model = g_strdup (adiuva_conversation_get_model (self->conversation));
      load_messages (self);
    }
}

static void
adiuva_chat_session_dispose (GObject *object)
{
  AdiuvaChatSession *self = ADIUVA_CHAT_SESSION (object);

  g_list_store_remove_all (self->messages);
  g_clear_object (&self->conversation);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (adiuva_chat_session_parent_class)->dispose (object);
}

static void
adiuva_chat_session_finalize (GObject *object)
{
  AdiuvaChatSession *self = ADIUVA_CHAT_SESSION (object);

  /* An answer in flight holds the session: there is none now. */
  g_assert (self->answer == NULL && self->cancellable == NULL && self->text == NULL);
  g_clear_object (&self->messages);
  g_free (self->model);
  g_free (self->error_message);
  G_OBJECT_CLASS (adiuva_chat_session_parent_class)->finalize (object);
}

static void
adiuva_chat_session_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AdiuvaChatSession *self = ADIUVA_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_GATEWAY:
      g_value_set_object (value, self->gateway);
      break;
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->answer != NULL);
      break;
    case PROP_PROBLEM:
      g_value_set_enum (value, self->problem);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_chat_session_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AdiuvaChatSession *self = ADIUVA_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_GATEWAY:
      self->gateway = g_value_dup_object (value);
      break;
    case PROP_CONVERSATION:
      self->conversation = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_chat_session_class_init (AdiuvaChatSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = adiuva_chat_session_constructed;
  object_class->dispose = adiuva_chat_session_dispose;
  object_class->finalize = adiuva_chat_session_finalize;
  object_class->get_property = adiuva_chat_session_get_property;
  object_class->set_property = adiuva_chat_session_set_property;

  properties[PROP_GATEWAY] = g_param_spec_object (
      "gateway", NULL, NULL, ADIUVA_TYPE_WORKSPACE_GATEWAY,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONVERSATION] = g_param_spec_object (
      "conversation", NULL, NULL, ADIUVA_TYPE_CONVERSATION,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
          G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL] =
      g_param_spec_string ("model", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] = g_param_spec_enum (
      "problem", NULL, NULL, ADIUVA_TYPE_CHAT_PROBLEM, ADIUVA_CHAT_PROBLEM_NONE,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
      g_param_spec_string ("error-message", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AdiuvaChatSession::answer-finished:
   * @answer: the answer
   *
   * An answer ended: whole, stopped, or failed (#AdiuvaChatSession:problem says how). An
   * answer that ended without any text is no longer in the messages then.
   */
  signals[ANSWER_FINISHED] =
      g_signal_new ("answer-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 1, ADIUVA_TYPE_MESSAGE);
}

static void
adiuva_chat_session_init (AdiuvaChatSession *self)
{
  self->messages = g_list_store_new (ADIUVA_TYPE_MESSAGE);
}

/**
 * adiuva_chat_session_new:
 * @gateway: the workspace's gateway
 * @conversation: (nullable): a saved conversation to go on with, or %NULL for a new one,
 *   saved at its first message
 *
 * Returns: (transfer full): the session, with @conversation's messages
 */
AdiuvaChatSession *
adiuva_chat_session_new (AdiuvaWorkspaceGateway *gateway,
                         AdiuvaConversation     *conversation)
{
  g_return_val_if_fail (ADIUVA_IS_WORKSPACE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (conversation == NULL || ADIUVA_IS_CONVERSATION (conversation), NULL);

  return g_object_new (ADIUVA_TYPE_CHAT_SESSION, "gateway", gateway, "conversation",
                       conversation, NULL);
}

/**
 * adiuva_chat_session_get_conversation:
 *
 * Returns: (transfer none) (nullable): the conversation, %NULL for a new one until its first
 *   message is sent
 */
AdiuvaConversation *
adiuva_chat_session_get_conversation (AdiuvaChatSession *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), NULL);

  return self->conversation;
}

/**
 * adiuva_chat_session_get_messages:
 *
 * Returns: (transfer none): the messages (#AdiuvaMessage) in order, the answer streaming
 *   last, its #AdiuvaMessage:content growing as it comes
 */
GListModel *
adiuva_chat_session_get_messages (AdiuvaChatSession *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), NULL);

  return G_LIST_MODEL (self->messages);
}

/**
 * adiuva_chat_session_get_model:
 *
 * Returns: (nullable): the model the next answer is asked of, %NULL for the workspace's
 *   default model
 */
const char *
adiuva_chat_session_get_model (AdiuvaChatSession *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), NULL);

  return self->model;
}

/**
 * adiuva_chat_session_set_model:
 * @model: (nullable): PROVIDER/MODEL, an alias, auto when the workspace has routes, or %NULL
 *   for the workspace's default model
 *
 * Chooses the model of the next answers and keeps it on the conversation (once it is saved).
 *
 * Returns: %TRUE, or %FALSE with @error set when @model cannot be used (see
 *   adiuva_workspace_gateway_check_model()) or the conversation cannot be saved
 */
gboolean
adiuva_chat_session_set_model (AdiuvaChatSession *self,
                               const char        *model,
                               GError           **error)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), FALSE);

  if (model != NULL && !adiuva_workspace_gateway_check_model (self->gateway, model, TRUE, error))
    return FALSE;
  if (g_strcmp0 (model, self->model) == 0)
    return TRUE;

  if (self->conversation != NULL)
    {
      g_autofree char *old = g_strdup (adiuva_conversation_get_model (self->conversation));

      adiuva_conversation_set_model (self->conversation, model);
      if (!adiuva_store_update (adiuva_workspace_gateway_get_store (self->gateway),
                                ADIUVA_RECORD (self->conversation), error))
        {
          adiuva_conversation_set_model (self->conversation, old);
          return FALSE;
        }
    }

  g_free (self->model);
  self->model = g_strdup (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  return TRUE;
}

gboolean
adiuva_chat_session_get_busy (AdiuvaChatSession *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), FALSE);

  return self->answer != NULL;
}

/**
 * adiuva_chat_session_get_problem:
 *
 * What went wrong with the last answer, or with asking for it (no model, a workspace that
 * cannot be read); %ADIUVA_CHAT_PROBLEM_NONE while an answer streams.
 */
AdiuvaChatProblem
adiuva_chat_session_get_problem (AdiuvaChatSession *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), ADIUVA_CHAT_PROBLEM_NONE);

  return self->problem;
}

/**
 * adiuva_chat_session_get_error_message:
 *
 * Returns: (nullable): the message of the error behind #AdiuvaChatSession:problem
 */
const char *
adiuva_chat_session_get_error_message (AdiuvaChatSession *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), NULL);

  return self->error_message;
}

/* Asking */

static gboolean
check_idle (AdiuvaChatSession *self,
            GError           **error)
{
  if (self->answer == NULL)
    return TRUE;
  g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                       _ ("An answer is still coming: wait for it, or stop it first."));
  return FALSE;
}

static gboolean
check_text (const char *text,
            GError    **error)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                       ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID, _ ("The message is empty."));
  return FALSE;
}

/* The model an answer needs, found before anything is changed, so a refusal changes nothing.
 * The client comes later (start_answer()): building it reads the keyring, which can wait for
 * the user to unlock it, so it is done off the main thread. */
static gboolean
prepare_answer (AdiuvaChatSession *self,
                char             **model,
                GError           **error)
{
  g_autofree char *chosen = g_strdup (self->model);

  if (!adiuva_workspace_gateway_choose_model (self->gateway, &chosen, NULL, error))
    return FALSE;
  *model = g_steal_pointer (&chosen);
  return TRUE;
}

static AdiuvaRole
chat_role (AdiuvaMessageRole role)
{
  switch (role)
    {
    case ADIUVA_MESSAGE_ROLE_SYSTEM:
      return ADIUVA_ROLE_SYSTEM;
    case ADIUVA_MESSAGE_ROLE_ASSISTANT:
      return ADIUVA_ROLE_ASSISTANT;
    case ADIUVA_MESSAGE_ROLE_TOOL:
      return ADIUVA_ROLE_TOOL;
    case ADIUVA_MESSAGE_ROLE_USER:
    default:
      return ADIUVA_ROLE_USER;
    }
}

/* The conversation so far; messages without text (an answer that only called tools, which
 * chat does not offer) say nothing to the model. */
static AdiuvaChatRequest *
build_request (AdiuvaChatSession *self,
               const char        *model)
{
  AdiuvaChatRequest *request = adiuva_chat_request_new (model);
  guint              n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  request->stream = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AdiuvaMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);
      g_autoptr (AdiuvaChatMessage) chat_message = NULL;
      const char *content = adiuva_message_get_content (message);

      if (content == NULL || content[0] == '\0')
        continue;
      chat_message = adiuva_chat_message_new_text (chat_role (adiuva_message_get_role (message)),
                                                   content);
      adiuva_chat_request_add_message (request, chat_message);
    }
  return request;
}

/* Adds the answer to the store, or updates it when it is there already. */
static gboolean
save_answer (AdiuvaChatSession *self,
             AdiuvaMessage     *answer,
             GError           **error)
{
  AdiuvaStore *store = adiuva_workspace_gateway_get_store (self->gateway);

  if (adiuva_record_get_id (ADIUVA_RECORD (answer)) == 0)
    return adiuva_store_add (store, ADIUVA_RECORD (answer), error);
  return adiuva_store_update (store, ADIUVA_RECORD (answer), error);
}

static void
save_partial_answer (AdiuvaChatSession *self)
{
  g_autoptr (GError) error = NULL;

  self->saved_at = g_get_monotonic_time ();
  adiuva_message_set_unfinished (self->answer, TRUE);
  /* The answer goes on streaming: it is saved again at its end, the problem is shown then. */
  if (!save_answer (self, self->answer, &error))
    g_warning ("Cannot save the answer so far: %s", error->message);
}

static gboolean
save_partial_answer_cb (gpointer user_data)
{
  AdiuvaChatSession *self = user_data;

  self->save_source = 0;
  save_partial_answer (self);
  return G_SOURCE_REMOVE;
}

/* Saves the answer as it is now, or once the interval since the last save has passed. */
static void
schedule_save (AdiuvaChatSession *self)
{
  gint64 waited = g_get_monotonic_time () - self->saved_at;

  if (self->save_source != 0)
    return;
  if (self->saved_at == 0 || waited >= SAVE_INTERVAL_US)
    save_partial_answer (self);
  else
    self->save_source = g_timeout_add ((SAVE_INTERVAL_US - waited) / 1000 + 1,
                                       save_partial_answer_cb, self);
}

static gboolean
delta_cb (const AdiuvaChatDelta *delta,
          gpointer               user_data,
          GError               **error)
{
  AdiuvaChatSession *self = user_data;

  if (delta->kind != ADIUVA_DELTA_TEXT || delta->text_len == 0 || self->answer == NULL)
    return TRUE;
  g_string_append_len (self->text, delta->text, delta->text_len);
  adiuva_message_set_content (self->answer, self->text->str);
  schedule_save (self);
  return TRUE;
}

static void
remove_message (AdiuvaChatSession *self,
                AdiuvaMessage     *message)
{
  guint position;

  if (g_list_store_find (self->messages, message, &position))
    g_list_store_remove (self->messages, position);
}

/* Ends the answer in flight with what came: kept when it has text, gone otherwise. */
static void
finish_answer (AdiuvaChatSession *self,
               AdiuvaChatMessage *reply,
               AdiuvaCallMetrics *metrics,
               const GError      *error)
{
  g_autoptr (AdiuvaMessage) answer = g_steal_pointer (&self->answer);
  g_autoptr (GError) save_error = NULL;
  const char *content;

  if (reply != NULL)
    {
      g_autofree char *text = adiuva_chat_message_dup_text (reply);

      if (text != NULL)
        adiuva_message_set_content (answer, text);
    }
  g_string_free (g_steal_pointer (&self->text), TRUE);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->saved_at = 0;

  content = adiuva_message_get_content (answer);
  if (error == NULL || (content != NULL && content[0] != '\0'))
    {
      Answer *kept = g_new0 (Answer, 1);

      kept->info = answer_info_new (NULL);
      if (metrics != NULL && metrics->provider != NULL && metrics->model != NULL)
        {
          kept->info->model = g_strconcat (metrics->provider, "/", metrics->model, NULL);
          kept->info->is_local = provider_is_local (self, metrics->provider);
          kept->info->tokens_in = metrics->usage.input_tokens;
          kept->info->tokens_out = metrics->usage.output_tokens;
          kept->info->cost = metrics->cost;
          kept->info->time_to_first_token_us = metrics->time_to_first_token_us;
          kept->call_id = metrics->call_id;
        }
      adiuva_message_set_model (answer, kept->info->model);
      adiuva_message_set_unfinished (answer, FALSE);
      g_object_set_qdata_full (G_OBJECT (answer), answer_quark (), kept,
                               (GDestroyNotify) answer_free);
      save_answer (self, answer, &save_error);
    }
  else
    /* Never saved: it is saved from its first text on. */
    remove_message (self, answer);

  set_problem (self, save_error != NULL ? save_error : error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_signal_emit (self, signals[ANSWER_FINISHED], 0, answer);
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AdiuvaChatSession) self = user_data;
  g_autoptr (AdiuvaChatMessage) reply = NULL;
  g_autoptr (AdiuvaCallMetrics) metrics = NULL;
  g_autoptr (GError) error = NULL;

  reply = adiuva_gateway_client_chat_finish (ADIUVA_GATEWAY_CLIENT (source), result, &metrics,
                                             NULL, &error);
  finish_answer (self, reply, metrics, error);
}

/* An answer waiting for the workspace's client. */
typedef struct
{
  AdiuvaChatSession *self;
  char              *model;
  AdiuvaChatRequest *request;
} Asking;

static void
asking_free (Asking *asking)
{
  g_object_unref (asking->self);
  g_free (asking->model);
  adiuva_chat_request_unref (asking->request);
  g_free (asking);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Asking, asking_free)

static void
client_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (Asking) asking = user_data;
  AdiuvaChatSession *self = asking->self;
  g_autoptr (AdiuvaGatewayClient) client = NULL;
  g_autoptr (GError) error = NULL;

  /* A change of the configuration replaces the workspace's client, not this call's. */
  client = adiuva_workspace_gateway_get_client_finish (ADIUVA_WORKSPACE_GATEWAY (source), result,
                                                       &error);
  if (client == NULL)
    {
      finish_answer (self, NULL, NULL, error);
      return;
    }
  adiuva_gateway_client_chat_async (client, asking->model, asking->request, "chat", delta_cb,
                                    self, self->cancellable, answered_cb, g_object_ref (self));
}

/* Asks for the next answer to the messages, once the workspace's client is there. */
static void
start_answer (AdiuvaChatSession *self,
              const char        *model)
{
  Asking *asking = g_new0 (Asking, 1);
  gint64  conversation_id = adiuva_record_get_id (ADIUVA_RECORD (self->conversation));

  g_assert (self->answer == NULL);

  self->answer = adiuva_message_new (conversation_id, ADIUVA_MESSAGE_ROLE_ASSISTANT, "");
  self->text = g_string_new (NULL);
  self->cancellable = g_cancellable_new ();
  g_list_store_append (self->messages, self->answer);
  set_problem (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  asking->self = g_object_ref (self);
  asking->model = g_strdup (model);
  asking->request = build_request (self, model);
  adiuva_workspace_gateway_get_client_async (self->gateway, self->cancellable, client_cb, asking);
}

/* The first words of the first message, on one line. */
static char *
title_from_text (const char *text)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \t\r\n\f\v", -1);
  g_autoptr (GString) title = g_string_new (NULL);
  guint    taken = 0;
  glong    chars = 0;
  gboolean cut = FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      glong length = g_utf8_strlen (words[i], -1);

      if (length == 0)
        continue;
      if (taken == TITLE_MAX_WORDS || (taken > 0 && chars + 1 + length > TITLE_MAX_CHARS))
        {
          cut = TRUE;
          break;
        }
      if (taken > 0)
        g_string_append_c (title, ' ');
      if (length > TITLE_MAX_CHARS)
        {
          g_autofree char *start = g_utf8_substring (words[i], 0, TITLE_MAX_CHARS);

          g_string_append (title, start);
          cut = TRUE;
          break;
        }
      g_string_append (title, words[i]);
      chars += (taken > 0 ? 1 : 0) + length;
      taken++;
    }
  if (cut)
    g_string_append (title, "…");
  return g_string_free (g_steal_pointer (&title), FALSE);
}

/**
 * adiuva_chat_session_send:
 * @text: the user's message
 *
 * Saves @text as the user's message (and the conversation, at the first one, titled with its
 * first words) and asks for an answer, which streams into a new message at the end of
 * #AdiuvaChatSession:messages.
 *
 * Returns: %TRUE when the answer is on its way; %FALSE with @error set and nothing saved
 *   when an answer is already coming or @text is empty (%ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID),
 *   or when no answer can be asked for: then #AdiuvaChatSession:problem says why too
 *   (%ADIUVA_CHAT_PROBLEM_NO_MODEL when there is no model to ask). The providers' keys are
 *   read from the keyring off the main thread afterwards: a keyring that cannot give them
 *   ends the answer (#AdiuvaChatSession::answer-finished) with the problem set.
 */
gboolean
adiuva_chat_session_send (AdiuvaChatSession *self,
                          const char        *text,
                          GError           **error)
{
  AdiuvaStore *store;
  g_autoptr (AdiuvaConversation) created = NULL;
  g_autoptr (AdiuvaMessage) question = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *model = NULL;

  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!check_idle (self, error) || !check_text (text, error))
    return FALSE;

  store = adiuva_workspace_gateway_get_store (self->gateway);
  if (self->conversation == NULL)
    {
      g_autofree char *title = title_from_text (text);

      created = adiuva_conversation_new ();
      adiuva_conversation_set_title (created, title);
      adiuva_conversation_set_model (created, self->model);
    }
  if (!prepare_answer (self, &model, &local_error) ||
      !adiuva_store_begin (store, &local_error))
    goto failed;
  if (created != NULL && !adiuva_store_add (store, ADIUVA_RECORD (created), &local_error))
    goto rollback;
  question = adiuva_message_new (
      adiuva_record_get_id (ADIUVA_RECORD (created != NULL ? created : self->conversation)),
      ADIUVA_MESSAGE_ROLE_USER, text);
  if (!adiuva_store_add (store, ADIUVA_RECORD (question), &local_error) ||
      !adiuva_store_commit (store, &local_error))
    goto rollback;

  if (created != NULL)
    {
      self->conversation = g_steal_pointer (&created);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
    }
  g_list_store_append (self->messages, question);
  start_answer (self, model);
  return TRUE;

rollback:
  adiuva_store_rollback (store);
failed:
  set_problem (self, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * adiuva_chat_session_stop:
 *
 * Stops the answer that is streaming, if any. It ends a moment later
 * (#AdiuvaChatSession::answer-finished), kept with the text it had.
 */
void
adiuva_chat_session_stop (AdiuvaChatSession *self)
{
  g_return_if_fail (ADIUVA_IS_CHAT_SESSION (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/**
 * adiuva_chat_session_regenerate:
 *
 * Deletes the last answer and asks again with the messages before it. When the last message
 * is the user's (its answer failed without text), asks again for it.
 *
 * Returns: %TRUE when the answer is on its way; %FALSE with @error set as for
 *   adiuva_chat_session_send(), and %ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID when there is no
 *   message to answer
 */
gboolean
adiuva_chat_session_regenerate (AdiuvaChatSession *self,
                                GError           **error)
{
  g_autoptr (AdiuvaMessage) last = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *model = NULL;
  guint            n;

  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), FALSE);

  if (!check_idle (self, error))
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  if (n == 0)
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("There is no answer to regenerate yet."));
      return FALSE;
    }
  last = g_list_model_get_item (G_LIST_MODEL (self->messages), n - 1);

  if (!prepare_answer (self, &model, &local_error))
    goto failed;
  if (adiuva_message_get_role (last) == ADIUVA_MESSAGE_ROLE_ASSISTANT)
    {
      if (adiuva_record_get_id (ADIUVA_RECORD (last)) != 0 &&
          !adiuva_store_delete (adiuva_workspace_gateway_get_store (self->gateway),
                                ADIUVA_RECORD (last), &local_error))
        goto failed;
      g_list_store_remove (self->messages, n - 1);
    }
  start_answer (self, model);
  return TRUE;

failed:
  set_problem (self, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * adiuva_chat_session_edit_and_resend:
 * @user_message: one of the user's messages of the session
 * @text: its new text
 *
 * Saves @text as @user_message's text, deletes every message after it, and asks for an
 * answer again.
 *
 * Returns: %TRUE when the answer is on its way; %FALSE with @error set and nothing changed
 *   as for adiuva_chat_session_send(), and %ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID when
 *   @user_message is not a message of the user's in this session
 */
gboolean
adiuva_chat_session_edit_and_resend (AdiuvaChatSession *self,
                                     AdiuvaMessage     *user_message,
                                     const char        *text,
                                     GError           **error)
{
  AdiuvaStore *store;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *model = NULL;
  g_autofree char *old_text = NULL;
  guint            position;
  guint            n;

  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (user_message), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!check_idle (self, error) || !check_text (text, error))
    return FALSE;
  if (adiuva_message_get_role (user_message) != ADIUVA_MESSAGE_ROLE_USER ||
      !g_list_store_find (self->messages, user_message, &position))
    {
      g_set_error_literal (error, ADIUVA_WORKSPACE_GATEWAY_ERROR,
                           ADIUVA_WORKSPACE_GATEWAY_ERROR_INVALID,
                           _ ("Only a message of yours in this conversation can be edited."));
      return FALSE;
    }

  store = adiuva_workspace_gateway_get_store (self->gateway);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  old_text = g_strdup (adiuva_message_get_content (user_message));
  if (!prepare_answer (self, &model, &local_error) ||
      !adiuva_store_begin (store, &local_error))
    goto failed;
  adiuva_message_set_content (user_message, text);
  if (!adiuva_store_update (store, ADIUVA_RECORD (user_message), &local_error))
    goto rollback;
  for (guint i = position + 1; i < n; i++)
    {
      g_autoptr (AdiuvaMessage) later = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (!adiuva_store_delete (store, ADIUVA_RECORD (later), &local_error))
        goto rollback;
    }
  if (!adiuva_store_commit (store, &local_error))
    goto rollback;

  g_list_store_splice (self->messages, position + 1, n - position - 1, NULL, 0);
  start_answer (self, model);
  return TRUE;

rollback:
  adiuva_store_rollback (store);
  adiuva_message_set_content (user_message, old_text);
failed:
  set_problem (self, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * adiuva_chat_session_dup_answer_info:
 * @answer: an answer of the session
 *
 * What the footer of @answer shows. For an answer made in this session, from the gateway's
 * metrics; for one loaded with the conversation, from its row of the call log; for one without
 * a row, only its model. Tokens the provider did not report are -1 either way.
 *
 * Returns: (transfer full) (nullable): the info, %NULL when @answer is not an assistant's
 */
AdiuvaChatAnswerInfo *
adiuva_chat_session_dup_answer_info (AdiuvaChatSession *self,
                                     AdiuvaMessage     *answer)
{
  g_autoptr (AdiuvaChatAnswerInfo) info = NULL;
  g_autoptr (AdiuvaLlmCall) call = NULL;
  g_autofree char *provider = NULL;
  Answer          *made;
  const char      *model;
  gint64           call_id;

  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), NULL);
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (answer), NULL);

  if (adiuva_message_get_role (answer) != ADIUVA_MESSAGE_ROLE_ASSISTANT)
    return NULL;
  if ((made = g_object_get_qdata (G_OBJECT (answer), answer_quark ())) != NULL)
    return adiuva_chat_answer_info_copy (made->info);

  model = adiuva_message_get_model (answer);
  info = answer_info_new (model);
  call_id = adiuva_message_get_llm_call_id (answer);
  if (call_id != 0)
    call = adiuva_store_get_llm_call (adiuva_workspace_gateway_get_store (self->gateway), call_id,
                                      NULL);
  if (call != NULL)
    {
      if (info->model == NULL)
        info->model = g_strconcat (call->provider, "/", call->model, NULL);
      provider = g_strdup (call->provider);
      info->tokens_in = call->tokens_in;
      info->tokens_out = call->tokens_out;
      info->cost = call->cost;
      info->time_to_first_token_us = call->ttft_ms >= 0 ? call->ttft_ms * 1000 : -1;
    }
  else if (model != NULL && strchr (model, '/') != NULL)
    provider = g_strndup (model, strchr (model, '/') - model);
  info->is_local = provider_is_local (self, provider);
  return g_steal_pointer (&info);
}

/**
 * adiuva_chat_session_is_cut_off:
 * @answer: a message of the session
 *
 * Whether @answer stopped in the middle without ending: saved while it streamed, it was
 * never saved whole, as when the app crashed or was killed. What came of it is kept; the
 * user can regenerate it.
 *
 * Returns: %TRUE for an answer cut off, %FALSE for any other message and for the answer
 *   streaming now
 */
gboolean
adiuva_chat_session_is_cut_off (AdiuvaChatSession *self,
                                AdiuvaMessage     *answer)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (self), FALSE);
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (answer), FALSE);

  return answer != self->answer && adiuva_message_get_unfinished (answer);
}
