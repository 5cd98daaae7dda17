//! Worker status rows: each running worker says every few seconds which mailbox it serves,
//! whether it holds the ingest lease and how its IMAP connection stands.

use super::Store;
use anyhow::{Context, Result};

/// How a worker's mailbox connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImapState {
    /// Waiting for the ingest lease another worker holds (processing and sending all the same).
    Standby,
    /// Holds the lease and is connected (reading, or waiting in IDLE).
    Connected,
    /// Holds the lease; the last attempt failed and it tries again after a pause.
    Reconnecting,
    /// Holds the lease, but the mailbox's OAuth2 sign-in was refused: it waits for
    /// `codedesk mailbox login`.
    NeedsSignIn,
}

impl ImapState {
    /// Every state, in the order `/metrics` lists them.
    pub const ALL: [ImapState; 4] = [
        ImapState::Standby,
        ImapState::Connected,
        ImapState::Reconnecting,
        ImapState::NeedsSignIn,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ImapState::Standby => "standby",
            ImapState::Connected => "connected",
            ImapState::Reconnecting => "reconnecting",
            ImapState::NeedsSignIn => "needs-sign-in",
        }
    }
}

/// One worker's last report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerStatus {
    /// `worker@HOST:PID`.
    pub owner: String,
    /// The mailbox (`default` or the NAME of `[mailboxes.NAME]`).
    pub mailbox: String,
    /// Whether it holds that mailbox's ingest lease.
    pub ingest_lease: bool,
    /// Its IMAP connection's state, as stored.
    pub imap_state: String,
    /// When it started (Unix seconds).
    pub started_at: i64,
    /// When it last reported.
    pub seen_at: i64,
}

/// Records this worker's state now.
pub async fn report(
    store: &Store,
    owner: &str,
    mailbox: &str,
    ingest_lease: bool,
    state: ImapState,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO worker_status (owner, mailbox, ingest_lease, imap_state, started_at, seen_at) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (owner, mailbox) DO UPDATE SET \
         ingest_lease = excluded.ingest_lease, imap_state = excluded.imap_state, seen_at = excluded.seen_at",
    )
    .bind(owner)
    .bind(mailbox)
    .bind(i64::from(ingest_lease))
    .bind(state.as_str())
    .bind(now)
    .execute(store.pool())
    .await
    .context("cannot record the worker's status")?;
    Ok(())
}

/// Notes that this worker's process is alive without changing what it said last.
pub async fn touch(store: &Store, owner: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE worker_status SET seen_at = $1 WHERE owner = $2")
        .bind(now)
        .bind(owner)
        .execute(store.pool())
        .await
        .context("cannot record the worker's status")?;
    Ok(())
}

/// Removes this worker's row (a clean stop); rows of workers unseen for a day go too.
pub async fn stopped(store: &Store, owner: &str, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM worker_status WHERE owner = $1 OR seen_at < $2")
        .bind(owner)
        .bind(now - 86_400)
        .execute(store.pool())
        .await
        .context("cannot remove the worker's status")?;
    Ok(())
}

/// Workers heard from at or after `since` (a row per worker and mailbox), by owner.
pub async fn alive(store: &Store, since: i64) -> Result<Vec<WorkerStatus>> {
    let rows: Vec<(String, String, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT owner, mailbox, ingest_lease, imap_state, started_at, seen_at FROM worker_status \
         WHERE seen_at >= $1 ORDER BY owner, mailbox",
    )
    .bind(since)
    .fetch_all(store.pool())
    .await
    .context("cannot read the workers' status")?;
    Ok(rows
        .into_iter()
        .map(
            |(owner, mailbox, lease, imap_state, started_at, seen_at)| WorkerStatus {
                owner,
                mailbox,
                ingest_lease: lease != 0,
                imap_state,
                started_at,
                seen_at,
            },
        )
        .collect())
}
