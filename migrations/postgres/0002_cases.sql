-- Cases: one per message received, its state, its reply, who holds it, and its history.
-- Times are Unix seconds (UTC). Message bodies are kept as received, in bytes.

CREATE TABLE mail_case (
    id                BIGSERIAL PRIMARY KEY,
    mailbox           TEXT    NOT NULL,
    uidvalidity       BIGINT  NOT NULL,
    uid               BIGINT  NOT NULL,
    message_id        TEXT,
    raw               BYTEA   NOT NULL,
    raw_size          BIGINT  NOT NULL,
    sender            TEXT,
    subject           TEXT,
    state             TEXT    NOT NULL,
    reason            TEXT,
    case_ref          TEXT,
    thread_case_id    BIGINT  REFERENCES mail_case (id),
    confidence        TEXT,
    reply_kind        TEXT,
    reply_message_id  TEXT,
    reply_to          TEXT,
    reply_subject     TEXT,
    reply_text        TEXT,
    reply_raw         BYTEA,
    attempts          BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    last_error        TEXT,
    claimed_by        TEXT,
    claim_expires_at  BIGINT,
    received_at       BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    sent_at           BIGINT,
    UNIQUE (mailbox, uidvalidity, uid)
);

CREATE UNIQUE INDEX mail_case_message_id ON mail_case (message_id);
CREATE INDEX mail_case_case_ref ON mail_case (case_ref);
CREATE INDEX mail_case_state_updated ON mail_case (state, updated_at);
CREATE INDEX mail_case_state_due ON mail_case (state, next_attempt_at);
CREATE INDEX mail_case_received ON mail_case (received_at);
CREATE INDEX mail_case_sender ON mail_case (sender, received_at);
CREATE INDEX mail_case_thread ON mail_case (thread_case_id);

CREATE TABLE case_event (
    id         BIGSERIAL PRIMARY KEY,
    case_id    BIGINT  NOT NULL REFERENCES mail_case (id),
    at         BIGINT  NOT NULL,
    actor      TEXT    NOT NULL,
    from_state TEXT,
    to_state   TEXT    NOT NULL,
    detail     TEXT
);

CREATE INDEX case_event_case ON case_event (case_id, id);

CREATE TABLE mailbox_cursor (
    mailbox     TEXT    PRIMARY KEY,
    uidvalidity BIGINT  NOT NULL,
    last_uid    BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
