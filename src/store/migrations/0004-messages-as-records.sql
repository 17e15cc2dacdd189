-- SPDX-License-Identifier: GPL-3.0-or-later
-- Messages become records like the others (AdiuvaMessage), which have an updated_at: a message
-- is edited in place when an answer is regenerated or linked to its LLM call afterwards.
ALTER TABLE messages ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET updated_at = created_at;
-- The Chat sidebar lists conversations by their last activity, optionally for one project.
CREATE INDEX conversations_project ON conversations (project_id, updated_at);
