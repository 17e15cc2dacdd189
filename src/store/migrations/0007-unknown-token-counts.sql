-- SPDX-License-Identifier: GPL-3.0-or-later
-- Token counts a provider did not report are NULL, not 0 as if it had reported none. SQLite
-- cannot drop a NOT NULL, so the table is made again.
--
-- Migrations run with foreign keys on, inside a transaction (where they cannot be turned off):
-- dropping the old table sets the messages' llm_call_id to NULL (ON DELETE SET NULL), so the
-- links are kept aside and put back once the new table has the same ids.
CREATE TABLE llm_calls_new (
  id                 INTEGER PRIMARY KEY,
  caller             TEXT NOT NULL,
  provider           TEXT NOT NULL,
  model              TEXT NOT NULL,
  tokens_in          INTEGER,
  tokens_out         INTEGER,
  cost               REAL NOT NULL DEFAULT 0,
  latency_ms         INTEGER,
  ttft_ms            INTEGER,
  outcome            TEXT NOT NULL DEFAULT 'ok',
  fallback_hops      INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL
);
-- Before, an unreported count was stored as 0. A prompt is never 0 tokens, so a row with 0 in
-- and 0 out had no usage reported: both become unknown. Other counts are kept as they are.
INSERT INTO llm_calls_new
  SELECT id, caller, provider, model,
         CASE WHEN tokens_in = 0 AND tokens_out = 0 THEN NULL ELSE tokens_in END,
         CASE WHEN tokens_in = 0 AND tokens_out = 0 THEN NULL ELSE tokens_out END,
         cost, latency_ms, ttft_ms, outcome, fallback_hops, created_at
  FROM llm_calls;
CREATE TEMP TABLE message_calls AS
  SELECT id, llm_call_id FROM messages WHERE llm_call_id IS NOT NULL;
DROP TABLE llm_calls;
ALTER TABLE llm_calls_new RENAME TO llm_calls;
CREATE INDEX llm_calls_time ON llm_calls (created_at);
UPDATE messages
  SET llm_call_id = (SELECT llm_call_id FROM message_calls WHERE message_calls.id = messages.id)
  WHERE id IN (SELECT id FROM message_calls);
DROP TABLE message_calls;
