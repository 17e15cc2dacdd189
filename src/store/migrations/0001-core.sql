-- SPDX-License-Identifier: GPL-3.0-or-later
-- Clients, projects, tasks, checkpoints, notes, tags, comments and their search index.
-- Times of events (created, completed) are Unix seconds; calendar dates (due, start, checkpoint
-- date) are floating ISO 8601 text, 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SS', which sorts as text.

CREATE TABLE clients (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
  email       TEXT,
  notes       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX clients_name ON clients (name COLLATE NOCASE);

CREATE TABLE projects (
  id           INTEGER PRIMARY KEY,
  client_id    INTEGER REFERENCES clients (id) ON DELETE SET NULL,
  name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
  description  TEXT,
  colour       TEXT NOT NULL DEFAULT '#8a8ea9',
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'completed')),
  archived     INTEGER NOT NULL DEFAULT 0,
  position     REAL NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX projects_client ON projects (client_id);
CREATE INDEX projects_name ON projects (name COLLATE NOCASE);

CREATE TABLE tasks (
  id               INTEGER PRIMARY KEY,
  project_id       INTEGER REFERENCES projects (id) ON DELETE CASCADE,
  parent_id        INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
  title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
  notes            TEXT,
  status           TEXT NOT NULL DEFAULT 'todo'
                   CHECK (status IN ('todo', 'doing', 'done', 'cancelled')),
  priority         INTEGER NOT NULL DEFAULT 4 CHECK (priority BETWEEN 1 AND 4),
  start            TEXT,
  due              TEXT,
  completed_at     INTEGER,
  position         REAL NOT NULL DEFAULT 0,
  recurrence       TEXT,
  is_ai_suggested  INTEGER NOT NULL DEFAULT 0,
  is_approved      INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX tasks_position ON tasks (position);
CREATE INDEX tasks_project ON tasks (project_id, position);
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE INDEX tasks_due ON tasks (due) WHERE due IS NOT NULL;
CREATE INDEX tasks_status ON tasks (status);

CREATE TABLE tags (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0)
);

CREATE TABLE task_tags (
  task_id  INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (task_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX task_tags_tag ON task_tags (tag_id, task_id);

CREATE TABLE task_comments (
  id          INTEGER PRIMARY KEY,
  task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id);

CREATE TABLE checkpoints (
  id               INTEGER PRIMARY KEY,
  project_id       INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
  notes            TEXT,
  date             TEXT NOT NULL,
  done             INTEGER NOT NULL DEFAULT 0,
  is_ai_suggested  INTEGER NOT NULL DEFAULT 0,
  is_approved      INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX checkpoints_date ON checkpoints (date);
CREATE INDEX checkpoints_project ON checkpoints (project_id, date);

CREATE TABLE notes (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER REFERENCES projects (id) ON DELETE SET NULL,
  title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
  body        TEXT NOT NULL DEFAULT '',
  pinned      INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX notes_project ON notes (project_id);
CREATE INDEX notes_title ON notes (title COLLATE NOCASE);

-- One full-text index for everything searchable. The docid says what a row is:
-- docid = id * 4 + kind, kind 0 task, 1 note, 2 checkpoint, 3 project. Triggers keep it in
-- step inside the same transaction as the change.
CREATE VIRTUAL TABLE search_index USING fts4 (
  title, body, tokenize=unicode61 "remove_diacritics=1"
);

CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO search_index (docid, title, body) VALUES (new.id * 4 + 0, new.title, new.notes);
END;
CREATE TRIGGER tasks_search_update AFTER UPDATE OF title, notes ON tasks BEGIN
  UPDATE search_index SET title = new.title, body = new.notes WHERE docid = new.id * 4 + 0;
END;
CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
  DELETE FROM search_index WHERE docid = old.id * 4 + 0;
END;

CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
  INSERT INTO search_index (docid, title, body) VALUES (new.id * 4 + 1, new.title, new.body);
END;
CREATE TRIGGER notes_search_update AFTER UPDATE OF title, body ON notes BEGIN
  UPDATE search_index SET title = new.title, body = new.body WHERE docid = new.id * 4 + 1;
END;
CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
  DELETE FROM search_index WHERE docid = old.id * 4 + 1;
END;

CREATE TRIGGER checkpoints_search_insert AFTER INSERT ON checkpoints BEGIN
  INSERT INTO search_index (docid, title, body) VALUES (new.id * 4 + 2, new.title, new.notes);
END;
CREATE TRIGGER checkpoints_search_update AFTER UPDATE OF title, notes ON checkpoints BEGIN
  UPDATE search_index SET title = new.title, body = new.notes WHERE docid = new.id * 4 + 2;
END;
CREATE TRIGGER checkpoints_search_delete AFTER DELETE ON checkpoints BEGIN
  DELETE FROM search_index WHERE docid = old.id * 4 + 2;
END;

CREATE TRIGGER projects_search_insert AFTER INSERT ON projects BEGIN
  INSERT INTO search_index (docid, title, body) VALUES (new.id * 4 + 3, new.name, new.description);
END;
CREATE TRIGGER projects_search_update AFTER UPDATE OF name, description ON projects BEGIN
  UPDATE search_index SET title = new.name, body = new.description WHERE docid = new.id * 4 + 3;
END;
CREATE TRIGGER projects_search_delete AFTER DELETE ON projects BEGIN
  DELETE FROM search_index WHERE docid = old.id * 4 + 3;
END;
