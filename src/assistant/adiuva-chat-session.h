/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-workspace-gateway.h"

G_BEGIN_DECLS

/**
 * AdiuvaChatProblem:
 * @ADIUVA_CHAT_PROBLEM_NONE: the answer came, or the user stopped it
 * @ADIUVA_CHAT_PROBLEM_NO_MODEL: no model was picked and the workspace has no default: pick one
 * @ADIUVA_CHAT_PROBLEM_OFFLINE: the provider could not be reached (no network, server down,
 *   timeout): try again later or pick a local model
 * @ADIUVA_CHAT_PROBLEM_BAD_KEY: the provider refused the API key: fix it in Preferences
 * @ADIUVA_CHAT_PROBLEM_RATE_LIMITED: the provider or a rate limit of the user's asks to slow
 *   down: wait, then regenerate
 * @ADIUVA_CHAT_PROBLEM_BUDGET_REACHED: a budget of the user's is used up: raise it or wait for
 *   the next period
 * @ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND: the provider or model does not exist (any more)
 * @ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED: the provider failed or sent something broken; the
 *   partial answer is kept
 *
 * What went wrong with an answer, in the terms a front end words for the user, each with its own
 * way forward. Made from the gateway's and the workspace gateway's errors by
 * adiuva_chat_problem_from_error().
 */
typedef enum
{
  ADIUVA_CHAT_PROBLEM_NONE,
  ADIUVA_CHAT_PROBLEM_NO_MODEL,
  ADIUVA_CHAT_PROBLEM_OFFLINE,
  ADIUVA_CHAT_PROBLEM_BAD_KEY,
  ADIUVA_CHAT_PROBLEM_RATE_LIMITED,
  ADIUVA_CHAT_PROBLEM_BUDGET_REACHED,
  ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND,
  ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED,
} AdiuvaChatProblem;

AdiuvaChatProblem adiuva_chat_problem_from_error (const GError *error);

/**
 * AdiuvaChatAnswerInfo:
 * @model: the PROVIDER/MODEL that answered (after aliases, routing and fallback)
 * @is_local: the answer was made on this machine or network (Ollama, a localhost server)
 * @tokens_in: prompt tokens the provider reported, -1 when unknown
 * @tokens_out: answer tokens the provider reported, -1 when unknown
 * @cost: USD at list prices, 0 for local models
 * @time_to_first_token_us: microseconds until the first token, -1 when unknown
 *
 * What a per-answer footer shows.
 */
typedef struct
{
  char    *model;
  gboolean is_local;
  gint64   tokens_in;
  gint64   tokens_out;
  double   cost;
  gint64   time_to_first_token_us;
} AdiuvaChatAnswerInfo;

#define ADIUVA_TYPE_CHAT_ANSWER_INFO (adiuva_chat_answer_info_get_type ())
GType                 adiuva_chat_answer_info_get_type (void) G_GNUC_CONST;
AdiuvaChatAnswerInfo *adiuva_chat_answer_info_copy (const AdiuvaChatAnswerInfo *self);
void                  adiuva_chat_answer_info_free (AdiuvaChatAnswerInfo *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaChatAnswerInfo, adiuva_chat_answer_info_free)

#define ADIUVA_TYPE_CHAT_SESSION (adiuva_chat_session_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaChatSession, adiuva_chat_session, ADIUVA, CHAT_SESSION, GObject)

/*
 * A conversation as the user chats in it: the messages (AdiuvaMessage records, saved as they
 * are made), one answer streaming at a time, Stop, Regenerate and Edit-and-resend.
 *
 * Properties: "conversation" (AdiuvaConversation, NULL until a new session's first send saves
 * it), "model" (the model reference asked for; NULL for the workspace's default; kept on the
 * conversation), "busy" (an answer is streaming), "problem" (AdiuvaChatProblem of the last
 * answer) and "error-message" (its error's message, NULL when none).
 *
 * Signals: "answer-finished" (AdiuvaMessage *answer) when an answer is complete, stopped or
 * failed (the problem properties say which); the streaming answer's "content" property is
 * notified as tokens arrive.
 */
AdiuvaChatSession *adiuva_chat_session_new (AdiuvaWorkspaceGateway *gateway,
                                            AdiuvaConversation     *conversation);

AdiuvaConversation *adiuva_chat_session_get_conversation (AdiuvaChatSession *self);
GListModel         *adiuva_chat_session_get_messages (AdiuvaChatSession *self);
const char         *adiuva_chat_session_get_model (AdiuvaChatSession *self);
gboolean            adiuva_chat_session_set_model (AdiuvaChatSession *self,
                                                   const char        *model,
                                                   GError           **error);
gboolean            adiuva_chat_session_get_busy (AdiuvaChatSession *self);
AdiuvaChatProblem   adiuva_chat_session_get_problem (AdiuvaChatSession *self);
const char         *adiuva_chat_session_get_error_message (AdiuvaChatSession *self);

gboolean adiuva_chat_session_send (AdiuvaChatSession *self,
                                   const char        *text,
                                   GError           **error);
void     adiuva_chat_session_stop (AdiuvaChatSession *self);
gboolean adiuva_chat_session_regenerate (AdiuvaChatSession *self,
                                         GError           **error);
gboolean adiuva_chat_session_edit_and_resend (AdiuvaChatSession *self,
                                              AdiuvaMessage     *user_message,
                                              const char        *text,
                                              GError           **error);

AdiuvaChatAnswerInfo *adiuva_chat_session_dup_answer_info (AdiuvaChatSession *self,
                                                           AdiuvaMessage     *answer);
gboolean              adiuva_chat_session_is_cut_off (AdiuvaChatSession *self,
                                                      AdiuvaMessage     *answer);

G_END_DECLS
