-- One acknowledgement per case at most ("received, case CD-9, expect an answer ..."), sent to
-- the asker when the case is held for staff. The row is written before the send (state
-- 'sending'), so a crash, a restart or a second worker never sends a second one; it becomes
-- 'sent' or 'failed' (with the server's words in detail) after.
CREATE TABLE case_acknowledgement (
    case_id     BIGINT  NOT NULL PRIMARY KEY REFERENCES mail_case (id) ON DELETE CASCADE,
    message_id  TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    detail      TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
