-- SPDX-License-Identifier: GPL-3.0-or-later
-- A deleted record's id is not handed to a new one, so that Undo can bring the record back
-- under its own id (adiuva_store_restore) even after something was added meanwhile. SQLite
-- gives a new row the highest id plus one, which is the id of the newest record if it was the
-- one deleted; AUTOINCREMENT would prevent that, but SQLite only has it for tables made with
-- it. So the highest id deleted from each table of records is kept here, and a new record's id
-- is one more than the highest of it and the table's (adiuva-store-records.c).
CREATE TABLE deleted_ids (
  table_name TEXT PRIMARY KEY,
  max_id     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER clients_deleted_id AFTER DELETE ON clients BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'clients', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'clients';
END;
CREATE TRIGGER projects_deleted_id AFTER DELETE ON projects BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'projects', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'projects';
END;
CREATE TRIGGER checkpoints_deleted_id AFTER DELETE ON checkpoints BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'checkpoints', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'checkpoints';
END;
CREATE TRIGGER tasks_deleted_id AFTER DELETE ON tasks BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'tasks', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'tasks';
END;
CREATE TRIGGER task_comments_deleted_id AFTER DELETE ON task_comments BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'task_comments', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'task_comments';
END;
CREATE TRIGGER notes_deleted_id AFTER DELETE ON notes BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'notes', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'notes';
END;
CREATE TRIGGER conversations_deleted_id AFTER DELETE ON conversations BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'conversations', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'conversations';
END;
CREATE TRIGGER messages_deleted_id AFTER DELETE ON messages BEGIN
  INSERT OR REPLACE INTO deleted_ids (table_name, max_id)
  SELECT 'messages', max (OLD.id, coalesce (max (max_id), 0))
  FROM deleted_ids WHERE table_name = 'messages';
END;
