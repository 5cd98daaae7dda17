//! The acknowledgement a held case's asker gets, at most once per case: [`claim`] writes the
//! row before anything is sent, so whichever worker inserts it first is the only one that sends;
//! a crash after the claim leaves it `sending` and it is never sent again.

use super::Store;
use super::cases::CaseId;
use anyhow::{Context, Result};

/// One case's acknowledgement as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgement {
    /// Its Message-ID, without brackets.
    pub message_id: String,
    /// `sending`, `sent` or `failed`.
    pub state: String,
    /// What the server said, or why it failed.
    pub detail: Option<String>,
    /// When it was claimed, Unix seconds.
    pub created_at: i64,
}

/// Claims the acknowledgement of case `id` with this Message-ID: true when this call wrote the
/// row (the caller sends it), false when the case has one already (claimed by anyone, ever).
pub async fn claim(store: &Store, id: CaseId, message_id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO case_acknowledgement (case_id, message_id, state, created_at, updated_at) \
         VALUES ($1, $2, 'sending', $3, $3) ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(id.0)
    .bind(message_id)
    .bind(now)
    .execute(store.pool())
    .await
    .context("cannot record a case's acknowledgement")?;
    Ok(done.rows_affected() == 1)
}

/// Records how the send of a claimed acknowledgement ended: `sent` (the server's receipt) or
/// `failed` (why). Never sent again either way.
pub async fn finish(store: &Store, id: CaseId, sent: bool, detail: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE case_acknowledgement SET state = $1, detail = $2, updated_at = $3 \
         WHERE case_id = $4 AND state = 'sending'",
    )
    .bind(if sent { "sent" } else { "failed" })
    .bind(detail)
    .bind(now)
    .bind(id.0)
    .execute(store.pool())
    .await
    .context("cannot record how a case's acknowledgement was sent")?;
    Ok(())
}

/// The acknowledgement of case `id`, if one was ever claimed.
pub async fn get(store: &Store, id: CaseId) -> Result<Option<Acknowledgement>> {
    let row: Option<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT message_id, state, detail, created_at FROM case_acknowledgement WHERE case_id = $1",
    )
    .bind(id.0)
    .fetch_optional(store.pool())
    .await
    .context("cannot read a case's acknowledgement")?;
    Ok(
        row.map(|(message_id, state, detail, created_at)| Acknowledgement {
            message_id,
            state,
            detail,
            created_at,
        }),
    )
}
