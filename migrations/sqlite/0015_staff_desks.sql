-- Staff may be limited to some desks (names of `[mailbox]` = default and `[mailboxes.NAME]`),
-- comma-separated; empty means every desk.
ALTER TABLE staff_user ADD COLUMN desks TEXT NOT NULL DEFAULT '';
