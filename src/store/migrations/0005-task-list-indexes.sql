-- SPDX-License-Identifier: GPL-3.0-or-later
-- Indexes for the task lists the app shows (Today, Tasks, reminders, a project's open tasks), so
-- that listing their ids and counting them reads an index in order instead of the table.
--
-- Each index ends in id, then status: its order is the lists' whole ORDER BY (position, id;
-- due, position, id), and the open/done filter is decided from the index without decrypting
-- the rows (a project's list also filters on parent_id). Without statistics SQLite prefers an
-- equality on status to a range on due, so the index on status alone goes; the new
-- tasks_project, tasks_parent and tasks_due start with what the old ones held and replace them.
DROP INDEX tasks_status;
DROP INDEX tasks_due;
DROP INDEX tasks_parent;
DROP INDEX tasks_project;
CREATE INDEX tasks_project ON tasks (project_id, position, id, status, parent_id);
CREATE INDEX tasks_parent ON tasks (parent_id, position, id, status);
CREATE INDEX tasks_due ON tasks (due, position, id, status) WHERE due IS NOT NULL;
-- The few suggestions waiting for approval, newest first
CREATE INDEX tasks_suggested ON tasks (created_at, id) WHERE is_ai_suggested AND NOT is_approved;
