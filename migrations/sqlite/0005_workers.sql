-- Each running worker's last word for each mailbox it serves (by desk name, never an address):
-- whether it holds that mailbox's ingest lease and how its IMAP connection stands. Written every
-- few seconds, read by /metrics. A row whose seen_at is old belongs to a worker that died.
CREATE TABLE worker_status (
    owner        TEXT    NOT NULL,
    mailbox      TEXT    NOT NULL,
    ingest_lease INTEGER NOT NULL,
    imap_state   TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    seen_at      INTEGER NOT NULL,
    PRIMARY KEY (owner, mailbox)
);
