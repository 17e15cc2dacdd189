/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "adiuva-store-types.h"
#include "adiuva-store-enums.h"
#include "adiuva-record.h"
#include "adiuva-client.h"
#include "adiuva-project.h"
#include "adiuva-task.h"
#include "adiuva-task-comment.h"
#include "adiuva-task-filter.h"
#include "adiuva-task-list-model.h"
#include "adiuva-checkpoint.h"
#include "adiuva-date.h"
#include "adiuva-note.h"
#include "adiuva-search-result.h"
#include "adiuva-quick-add.h"
#include "adiuva-recurrence.h"
#include "adiuva-conversation.h"
#include "adiuva-conversation-list-model.h"
#include "adiuva-message.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_STORE (adiuva_store_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaStore, adiuva_store, ADIUVA, STORE, GObject)

/* Opening and keys */
char         *adiuva_store_dup_default_dir (void);
gboolean      adiuva_store_check_cipher (GError **error);
AdiuvaStore  *adiuva_store_create (const char   *dir,
                                   const char   *passphrase,
                                   GCancellable *cancellable,
                                   GError      **error);
AdiuvaStore  *adiuva_store_import (const char   *dir,
                                   const char   *plain_database,
                                   const char   *passphrase,
                                   GCancellable *cancellable,
                                   GError      **error);
AdiuvaStore  *adiuva_store_open (const char   *dir,
                                 const char   *passphrase,
                                 GCancellable *cancellable,
                                 GError      **error);
void          adiuva_store_open_async (const char         *dir,
                                       const char         *passphrase,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
AdiuvaStore  *adiuva_store_open_finish (GAsyncResult *result,
                                        GError      **error);
AdiuvaStore  *adiuva_store_open_connection (AdiuvaStore *self,
                                            GError     **error);
void          adiuva_store_close (AdiuvaStore *self);
gboolean      adiuva_store_set_passphrase (AdiuvaStore *self,
                                           const char  *passphrase,
                                           GError     **error);
gboolean      adiuva_store_set_keyring_enabled (AdiuvaStore  *self,
                                                gboolean      enabled,
                                                GCancellable *cancellable,
                                                GError      **error);
void          adiuva_store_change_key_async (AdiuvaStore        *self,
                                             const char         *current,
                                             AdiuvaKeyMode       modes,
                                             const char         *passphrase,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
gboolean      adiuva_store_change_key_finish (AdiuvaStore  *self,
                                              GAsyncResult *result,
                                              GError      **error);
gboolean      adiuva_store_move (AdiuvaStore  *self,
                                 const char   *dest,
                                 GCancellable *cancellable,
                                 GError      **error);
void          adiuva_store_move_async (AdiuvaStore          *self,
                                       const char           *dest,
                                       GFileProgressCallback progress_callback,
                                       gpointer              progress_data,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean      adiuva_store_move_finish (AdiuvaStore  *self,
                                        GAsyncResult *result,
                                        GError      **error);
AdiuvaKeyMode adiuva_store_get_key_modes (AdiuvaStore *self);
const char   *adiuva_store_get_dir (AdiuvaStore *self);
const char   *adiuva_store_get_workspace_id (AdiuvaStore *self);
const char   *adiuva_store_get_cipher_version (AdiuvaStore *self);
int           adiuva_store_get_schema_version (AdiuvaStore *self);
int           adiuva_store_get_latest_schema_version (void);

/* Reading on a worker thread, through a connection of its own */

/**
 * AdiuvaStoreReadFunc:
 * @connection: the connection of the store's reads, used by one read at a time
 * @data: what adiuva_store_read_async() was given
 * @cancellable: (nullable): the read's
 * @error: where a failure goes
 *
 * Returns: (transfer full): the result, never %NULL on success
 */
typedef gpointer (*AdiuvaStoreReadFunc) (AdiuvaStore  *connection,
                                         gpointer      data,
                                         GCancellable *cancellable,
                                         GError      **error);
void     adiuva_store_read_async (AdiuvaStore        *self,
                                  AdiuvaStoreReadFunc func,
                                  gpointer            data,
                                  GDestroyNotify      data_free,
                                  GDestroyNotify      result_free,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
gpointer adiuva_store_read_finish (AdiuvaStore  *self,
                                   GAsyncResult *result,
                                   GError      **error);

/* Transactions: nest freely; change signals are emitted once the outermost one commits. */
gboolean adiuva_store_begin (AdiuvaStore *self,
                             GError     **error);
gboolean adiuva_store_commit (AdiuvaStore *self,
                              GError     **error);
void     adiuva_store_rollback (AdiuvaStore *self);

/* Records of any kind */
gboolean   adiuva_store_add (AdiuvaStore  *self,
                             AdiuvaRecord *record,
                             GError      **error);
gboolean   adiuva_store_restore (AdiuvaStore  *self,
                                 AdiuvaRecord *record,
                                 GError      **error);
gboolean   adiuva_store_update (AdiuvaStore  *self,
                                AdiuvaRecord *record,
                                GError      **error);
gboolean   adiuva_store_delete (AdiuvaStore  *self,
                                AdiuvaRecord *record,
                                GError      **error);
GPtrArray *adiuva_store_delete_all (AdiuvaStore *self,
                                    GPtrArray   *records,
                                    GError     **error);
gboolean   adiuva_store_restore_all (AdiuvaStore *self,
                                     GPtrArray   *records,
                                     GError     **error);
gpointer   adiuva_store_get (AdiuvaStore *self,
                             GType        record_type,
                             gint64       id,
                             GError     **error);
gboolean   adiuva_store_reorder (AdiuvaStore  *self,
                                 AdiuvaRecord *record,
                                 gint64        before_id,
                                 GError      **error);

/* Lists (small, loaded at once; tasks use AdiuvaTaskListModel) */
GListModel    *adiuva_store_list_clients (AdiuvaStore *self,
                                          GError     **error);
GListModel    *adiuva_store_list_projects (AdiuvaStore *self,
                                           gint64       client_id,
                                           gboolean     include_archived,
                                           GError     **error);
GListModel    *adiuva_store_list_checkpoints (AdiuvaStore *self,
                                              gint64       project_id,
                                              const char  *from_date,
                                              const char  *to_date,
                                              GError     **error);
GListModel    *adiuva_store_list_notes (AdiuvaStore *self,
                                        gint64       project_id,
                                        GError     **error);
GListModel    *adiuva_store_list_note_previews (AdiuvaStore *self,
                                                gint64       project_id,
                                                guint        max_chars,
                                                GError     **error);
GListModel    *adiuva_store_list_task_comments (AdiuvaStore *self,
                                                gint64       task_id,
                                                GError     **error);
AdiuvaClient  *adiuva_store_find_client (AdiuvaStore *self,
                                         const char  *name,
                                         GError     **error);
AdiuvaProject *adiuva_store_find_project (AdiuvaStore *self,
                                          const char  *name,
                                          GError     **error);
AdiuvaNote    *adiuva_store_find_note (AdiuvaStore *self,
                                       const char  *title,
                                       GError     **error);

/* Conversations: records like the others; deleting one deletes its messages */
GListModel *adiuva_store_list_conversations (AdiuvaStore *self,
                                             gint64       project_id,
                                             GError     **error);
GListModel *adiuva_store_list_messages (AdiuvaStore *self,
                                        gint64       conversation_id,
                                        GError     **error);

/* Tasks */
AdiuvaTask *adiuva_store_task_from_text (AdiuvaStore *self,
                                         const char  *text,
                                         GDateTime   *now,
                                         gint64       project_id,
                                         GError     **error);
AdiuvaTask *adiuva_store_quick_add_task (AdiuvaStore *self,
                                         const char  *text,
                                         GDateTime   *now,
                                         GError     **error);
gboolean    adiuva_store_complete_task (AdiuvaStore *self,
                                        AdiuvaTask  *task,
                                        GDateTime   *now,
                                        AdiuvaTask **next_occurrence,
                                        GError     **error);
gboolean    adiuva_store_move_task (AdiuvaStore *self,
                                    AdiuvaTask  *task,
                                    gint64       project_id,
                                    gint64       parent_id,
                                    gint64       before_id,
                                    GError     **error);
guint       adiuva_store_count_tasks (AdiuvaStore            *self,
                                      const AdiuvaTaskFilter *filter,
                                      GError                **error);
GHashTable *adiuva_store_count_tasks_by_project (AdiuvaStore            *self,
                                                 const AdiuvaTaskFilter *filter,
                                                 GError                **error);

/* Search and export */
GPtrArray *adiuva_store_search (AdiuvaStore *self,
                                const char  *query,
                                guint        limit,
                                GError     **error);
gboolean   adiuva_store_export_json (AdiuvaStore   *self,
                                     GOutputStream *stream,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* Settings: plain text values by key (never secrets) */
char    *adiuva_store_dup_setting (AdiuvaStore *self,
                                   const char  *key,
                                   GError     **error);
gboolean adiuva_store_set_setting (AdiuvaStore *self,
                                   const char  *key,
                                   const char  *value,
                                   GError     **error);

/* The LLM call log */

/**
 * AdiuvaLlmUsage:
 * @provider: the user's name of the provider
 * @model: the model as the provider names it
 * @calls: how many attempts were logged
 * @failed_calls: of @calls, those whose outcome was not `ok`
 * @tokens_in: input tokens, summed over the calls that reported them; -1 when none did
 * @tokens_out: output tokens, summed likewise
 * @cost: list price in USD, summed
 *
 * The totals of the call log for one provider and model.
 */
typedef struct
{
  char  *provider;
  char  *model;
  gint64 calls;
  gint64 failed_calls;
  gint64 tokens_in;
  gint64 tokens_out;
  double cost;
} AdiuvaLlmUsage;

#define ADIUVA_TYPE_LLM_USAGE (adiuva_llm_usage_get_type ())
GType           adiuva_llm_usage_get_type (void) G_GNUC_CONST;
AdiuvaLlmUsage *adiuva_llm_usage_copy (const AdiuvaLlmUsage *self);
void            adiuva_llm_usage_free (AdiuvaLlmUsage *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaLlmUsage, adiuva_llm_usage_free)

/**
 * AdiuvaLlmSpending:
 * @caller: who asked (`cli`, `chat`, `plugin:NAME`…)
 * @provider: the user's name of the provider
 * @tokens: input and output tokens, summed over the calls that reported them
 * @cost: list price in USD, summed
 *
 * What one caller spent at one provider in a span of time, for budgets.
 */
typedef struct
{
  char  *caller;
  char  *provider;
  gint64 tokens;
  double cost;
} AdiuvaLlmSpending;

#define ADIUVA_TYPE_LLM_SPENDING (adiuva_llm_spending_get_type ())
GType              adiuva_llm_spending_get_type (void) G_GNUC_CONST;
AdiuvaLlmSpending *adiuva_llm_spending_copy (const AdiuvaLlmSpending *self);
void               adiuva_llm_spending_free (AdiuvaLlmSpending *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaLlmSpending, adiuva_llm_spending_free)

/**
 * AdiuvaLlmCall:
 * @id: the row's id (#AdiuvaMessage:llm-call-id)
 * @caller: who asked
 * @provider: the user's name of the provider
 * @model: the model as the provider names it
 * @tokens_in: input tokens, -1 when the provider did not say
 * @tokens_out: output tokens, -1 when the provider did not say
 * @cost: list price in USD
 * @latency_ms: from the start to the end, -1 when unknown
 * @ttft_ms: to the first token, -1 when none came
 * @outcome: `ok`, `cancelled` or `error:NICK`
 * @fallback_hops: how many models were given up before this one
 * @created_at: when it was logged (seconds)
 *
 * One attempt of the LLM call log.
 */
typedef struct
{
  gint64 id;
  char  *caller;
  char  *provider;
  char  *model;
  gint64 tokens_in;
  gint64 tokens_out;
  double cost;
  gint64 latency_ms;
  gint64 ttft_ms;
  char  *outcome;
  guint  fallback_hops;
  gint64 created_at;
} AdiuvaLlmCall;

#define ADIUVA_TYPE_LLM_CALL (adiuva_llm_call_get_type ())
GType          adiuva_llm_call_get_type (void) G_GNUC_CONST;
AdiuvaLlmCall *adiuva_llm_call_copy (const AdiuvaLlmCall *self);
void           adiuva_llm_call_free (AdiuvaLlmCall *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaLlmCall, adiuva_llm_call_free)

gboolean       adiuva_store_add_llm_call (AdiuvaStore *self,
                                          const char  *caller,
                                          const char  *provider,
                                          const char  *model,
                                          gint64       tokens_in,
                                          gint64       tokens_out,
                                          double       cost,
                                          gint64       latency_ms,
                                          gint64       ttft_ms,
                                          const char  *outcome,
                                          guint        fallback_hops,
                                          GError     **error);
gboolean       adiuva_store_add_llm_call_full (AdiuvaStore *self,
                                               const char  *caller,
                                               const char  *provider,
                                               const char  *model,
                                               gint64       tokens_in,
                                               gint64       tokens_out,
                                               double       cost,
                                               gint64       latency_ms,
                                               gint64       ttft_ms,
                                               const char  *outcome,
                                               guint        fallback_hops,
                                               gint64      *out_id,
                                               GError     **error);
AdiuvaLlmCall *adiuva_store_get_llm_call (AdiuvaStore *self,
                                          gint64       id,
                                          GError     **error);
GPtrArray     *adiuva_store_get_llm_usage (AdiuvaStore *self,
                                           gint64       since_unix,
                                           GError     **error);
GPtrArray     *adiuva_store_get_llm_spending (AdiuvaStore *self,
                                              gint64       since_unix,
                                              gint64       until_unix,
                                              GError     **error);

G_END_DECLS
