-- SPDX-License-Identifier: GPL-3.0-or-later
-- New records are added to search_index by the store itself, in the same transaction
-- (adiuva-search.c explains why). Updates and deletes keep their triggers: a project's delete
-- cascades to tasks and checkpoints that the store never sees one by one.
DROP TRIGGER tasks_search_insert;
DROP TRIGGER notes_search_insert;
DROP TRIGGER checkpoints_search_insert;
DROP TRIGGER projects_search_insert;
