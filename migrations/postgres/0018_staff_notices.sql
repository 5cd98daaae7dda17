-- Mail to staff ([notify]). A digest is a numbered row: the next one is claimed by inserting the
-- last number + 1, so of several workers only one sends it. A case is announced once (kind
-- 'held', alone or in the digest digest_id) and reminded once when overdue (kind 'overdue'). Rows are
-- written before the send (state 'sending'), so a crash or a restart never sends one twice; they
-- become 'sent' or 'failed' (with the server's words in detail) after.
CREATE TABLE staff_digest (
    id          BIGINT  NOT NULL PRIMARY KEY,
    state       TEXT    NOT NULL,
    detail      TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE staff_notice (
    case_id     BIGINT  NOT NULL REFERENCES mail_case (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    digest_id   BIGINT  REFERENCES staff_digest (id),
    state       TEXT    NOT NULL,
    detail      TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (case_id, kind)
);
