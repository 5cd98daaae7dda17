-- The staff page: accounts, sessions, the audit log of every staff action, and settings staff edit
-- on the page (who is answered) that override the config file.

CREATE TABLE staff_user (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('staff', 'admin')),
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

-- A session is found by the SHA-256 of its cookie value, so a leaked table cannot be replayed.
CREATE TABLE staff_session (
    token_sha256 TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX staff_session_user ON staff_session (user_id);

-- Who did what, when; kept when message bodies are deleted by retention.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL,
    staff_id    INTEGER,
    staff_email TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    case_id     INTEGER,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_case ON audit_log (case_id, id);

-- Settings staff change on the page; a missing key means "as the config file says".
CREATE TABLE staff_setting (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- The queue lists one state newest first; the dashboard counts today's replies.
CREATE INDEX mail_case_state_id ON mail_case (state, id);
CREATE INDEX mail_case_sent_at ON mail_case (sent_at);
