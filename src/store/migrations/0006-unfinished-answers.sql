-- SPDX-License-Identifier: GPL-3.0-or-later
-- An answer is saved while it streams, so a crash keeps what came; it is marked unfinished until
-- it ends, and one still marked when its conversation is opened again was cut off.
ALTER TABLE messages ADD COLUMN unfinished INTEGER NOT NULL DEFAULT 0;
