-- SPDX-License-Identifier: GPL-3.0-or-later
-- Tables the later modules fill: prompt templates, conversations, the LLM call log, plugin
-- grants, the activity log, agent memory, the offline sync queue and workspace settings.
-- Secrets never go here: API keys and tokens live in the Secret Service.

CREATE TABLE prompt_templates (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  description  TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE prompt_template_versions (
  id           INTEGER PRIMARY KEY,
  template_id  INTEGER NOT NULL REFERENCES prompt_templates (id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,
  body         TEXT NOT NULL,
  variables    TEXT NOT NULL DEFAULT '[]',
  model        TEXT,
  created_at   INTEGER NOT NULL,
  UNIQUE (template_id, version)
);

CREATE TABLE conversations (
  id          INTEGER PRIMARY KEY,
  title       TEXT NOT NULL DEFAULT '',
  project_id  INTEGER REFERENCES projects (id) ON DELETE SET NULL,
  model       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE messages (
  id               INTEGER PRIMARY KEY,
  conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role             TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content          TEXT NOT NULL DEFAULT '',
  tool_calls       TEXT,
  tool_call_id     TEXT,
  model            TEXT,
  llm_call_id      INTEGER REFERENCES llm_calls (id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE llm_calls (
  id                 INTEGER PRIMARY KEY,
  caller             TEXT NOT NULL,
  provider           TEXT NOT NULL,
  model              TEXT NOT NULL,
  tokens_in          INTEGER NOT NULL DEFAULT 0,
  tokens_out         INTEGER NOT NULL DEFAULT 0,
  cost               REAL NOT NULL DEFAULT 0,
  latency_ms         INTEGER,
  ttft_ms            INTEGER,
  outcome            TEXT NOT NULL DEFAULT 'ok',
  fallback_hops      INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL
);
CREATE INDEX llm_calls_time ON llm_calls (created_at);

CREATE TABLE plugin_grants (
  id          INTEGER PRIMARY KEY,
  plugin      TEXT NOT NULL,
  permission  TEXT NOT NULL,
  scope       TEXT NOT NULL DEFAULT '',
  granted_at  INTEGER NOT NULL,
  revoked_at  INTEGER,
  UNIQUE (plugin, permission, scope)
);

CREATE TABLE activity_log (
  id          INTEGER PRIMARY KEY,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  subject     TEXT,
  detail      TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX activity_log_time ON activity_log (created_at);

CREATE TABLE agent_memory (
  namespace   TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;

CREATE TABLE sync_queue (
  id          INTEGER PRIMARY KEY,
  operation   TEXT NOT NULL,
  payload     TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  created_at  INTEGER NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
