-- Login attempts per client address and account, counted before the password is checked so
-- parallel attempts (in one web process or several) cannot pass the limit. One row per pair;
-- a row whose window_start is older than the lock time no longer counts and is deleted.
CREATE TABLE login_attempt (
    client       TEXT    NOT NULL,
    email        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    PRIMARY KEY (client, email)
);
CREATE INDEX login_attempt_window ON login_attempt (window_start);
