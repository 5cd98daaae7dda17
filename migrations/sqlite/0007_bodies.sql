-- Message bodies move out of the case row into a table of their own: a state change then rewrites
-- a small row, not the question and the reply as well (a 20 MB question was copied on every
-- transition). One body row per case, written with the case and read only when needed.
CREATE TABLE case_body (
    case_id   INTEGER PRIMARY KEY REFERENCES mail_case (id),
    raw       BLOB    NOT NULL,
    reply_raw BLOB
);
INSERT INTO case_body (case_id, raw, reply_raw) SELECT id, raw, reply_raw FROM mail_case;
ALTER TABLE mail_case DROP COLUMN raw;
ALTER TABLE mail_case DROP COLUMN reply_raw;
