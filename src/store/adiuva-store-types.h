/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _AdiuvaStore                 AdiuvaStore;
typedef struct _AdiuvaClient                AdiuvaClient;
typedef struct _AdiuvaProject               AdiuvaProject;
typedef struct _AdiuvaTask                  AdiuvaTask;
typedef struct _AdiuvaTaskComment           AdiuvaTaskComment;
typedef struct _AdiuvaTaskFilter            AdiuvaTaskFilter;
typedef struct _AdiuvaTaskListModel         AdiuvaTaskListModel;
typedef struct _AdiuvaCheckpoint            AdiuvaCheckpoint;
typedef struct _AdiuvaNote                  AdiuvaNote;
typedef struct _AdiuvaSearchResult          AdiuvaSearchResult;
typedef struct _AdiuvaQuickAdd              AdiuvaQuickAdd;
typedef struct _AdiuvaConversation          AdiuvaConversation;
typedef struct _AdiuvaMessage               AdiuvaMessage;
typedef struct _AdiuvaConversationListModel AdiuvaConversationListModel;

/**
 * AdiuvaStoreError:
 * @ADIUVA_STORE_ERROR_FAILED: something unexpected; the message says what
 * @ADIUVA_STORE_ERROR_NOT_ENCRYPTED: SQLCipher is not active (link trap) or the file is plain SQLite
 * @ADIUVA_STORE_ERROR_NO_WORKSPACE: the folder holds no workspace
 * @ADIUVA_STORE_ERROR_EXISTS: a workspace already exists there, or a record to restore finds its id
 *   taken
 * @ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE: the workspace is locked with a passphrase and none was given
 * @ADIUVA_STORE_ERROR_WRONG_PASSPHRASE: the passphrase does not unlock the workspace
 * @ADIUVA_STORE_ERROR_WRONG_KEY: the key does not belong to this workspace
 * @ADIUVA_STORE_ERROR_NO_KEYRING: the Secret Service could not be reached
 * @ADIUVA_STORE_ERROR_KEY_MISSING: the keyring holds no key for this workspace
 * @ADIUVA_STORE_ERROR_CORRUPT: the database or key file is damaged or truncated
 * @ADIUVA_STORE_ERROR_TOO_NEW: written by a newer version of Adiuva
 * @ADIUVA_STORE_ERROR_READ_ONLY: the folder or file cannot be written
 * @ADIUVA_STORE_ERROR_DISK_FULL: no space left (or a file size limit was reached)
 * @ADIUVA_STORE_ERROR_NOT_FOUND: no such record
 * @ADIUVA_STORE_ERROR_INVALID: a value was refused (empty title, bad date, …)
 * @ADIUVA_STORE_ERROR_BUSY: another process holds the workspace
 */
typedef enum
{
  ADIUVA_STORE_ERROR_FAILED,
  ADIUVA_STORE_ERROR_NOT_ENCRYPTED,
  ADIUVA_STORE_ERROR_NO_WORKSPACE,
  ADIUVA_STORE_ERROR_EXISTS,
  ADIUVA_STORE_ERROR_NEEDS_PASSPHRASE,
  ADIUVA_STORE_ERROR_WRONG_PASSPHRASE,
  ADIUVA_STORE_ERROR_WRONG_KEY,
  ADIUVA_STORE_ERROR_NO_KEYRING,
  ADIUVA_STORE_ERROR_KEY_MISSING,
  ADIUVA_STORE_ERROR_CORRUPT,
  ADIUVA_STORE_ERROR_TOO_NEW,
  ADIUVA_STORE_ERROR_READ_ONLY,
  ADIUVA_STORE_ERROR_DISK_FULL,
  ADIUVA_STORE_ERROR_NOT_FOUND,
  ADIUVA_STORE_ERROR_INVALID,
  ADIUVA_STORE_ERROR_BUSY,
} AdiuvaStoreError;

#define ADIUVA_STORE_ERROR (adiuva_store_error_quark ())
GQuark adiuva_store_error_quark (void);

/* What a change signal is about. Nicks are used in JSON export and the CLI. */
typedef enum
{
  ADIUVA_ENTITY_CLIENT,
  ADIUVA_ENTITY_PROJECT,
  ADIUVA_ENTITY_TASK,
  ADIUVA_ENTITY_CHECKPOINT,
  ADIUVA_ENTITY_NOTE,
  ADIUVA_ENTITY_TASK_COMMENT,
  ADIUVA_ENTITY_CONVERSATION,
  ADIUVA_ENTITY_MESSAGE,
} AdiuvaEntity;

typedef enum
{
  ADIUVA_CHANGE_ADDED,
  ADIUVA_CHANGE_UPDATED,
  ADIUVA_CHANGE_REMOVED,
} AdiuvaChange;

/* How the master key is kept. */
typedef enum /*< flags >*/
{
  ADIUVA_KEY_MODE_KEYRING = 1 << 0,
  ADIUVA_KEY_MODE_PASSPHRASE = 1 << 1,
} AdiuvaKeyMode;

typedef enum
{
  ADIUVA_TASK_STATUS_TODO,
  ADIUVA_TASK_STATUS_DOING,
  ADIUVA_TASK_STATUS_DONE,
  ADIUVA_TASK_STATUS_CANCELLED,
} AdiuvaTaskStatus;

typedef enum
{
  ADIUVA_PROJECT_STATUS_ACTIVE,
  ADIUVA_PROJECT_STATUS_PAUSED,
  ADIUVA_PROJECT_STATUS_COMPLETED,
} AdiuvaProjectStatus;

typedef enum
{
  ADIUVA_TASK_ORDER_POSITION,
  ADIUVA_TASK_ORDER_DUE,
  ADIUVA_TASK_ORDER_PRIORITY,
  ADIUVA_TASK_ORDER_CREATED,
  ADIUVA_TASK_ORDER_TITLE,
} AdiuvaTaskOrder;

/* Who speaks in a conversation; nicks are the schema's (and the gateway's) role names. */
typedef enum
{
  ADIUVA_MESSAGE_ROLE_SYSTEM,
  ADIUVA_MESSAGE_ROLE_USER,
  ADIUVA_MESSAGE_ROLE_ASSISTANT,
  ADIUVA_MESSAGE_ROLE_TOOL,
} AdiuvaMessageRole;

G_END_DECLS
