//! SQL for retention: deleting the message bodies, subjects and addresses of closed cases (sent or
//! ignored) past a cut-off, keeping the case row, its figures and its whole history, with a
//! `case_event` per purged case. SQLite zeroes what it deletes (`secure_delete`, set on every
//! connection) and the WAL is emptied after a purge.

use super::{Backend, Store};
use anyhow::{Context, Result};

/// The states whose cases may be purged: nothing more will happen to them.
pub const CLOSED_STATES: [&str; 2] = ["sent", "ignored"];

/// The detail of the `case_event` a purge records.
pub const PURGED_DETAIL: &str = "purged: message bodies deleted by retention";

/// Cases purged in one transaction.
const BATCH: i64 = 200;

/// Deletes the raw question, the reply text and the raw reply of every closed case last changed
/// before `cutoff` (Unix seconds) and not purged yet; records a `case_event` by `actor` for each.
/// Returns how many cases were purged. Running it again purges nothing more.
pub async fn purge_closed_before(store: &Store, cutoff: i64, actor: &str, now: i64) -> Result<u64> {
    let mut total = 0;
    loop {
        let (seen, n) = purge_batch(store, cutoff, actor, now)
            .await
            .context("cannot purge message bodies")?;
        total += n;
        if seen < BATCH as usize {
            return Ok(total);
        }
    }
}

/// Purges one batch: (cases looked at, cases purged).
async fn purge_batch(store: &Store, cutoff: i64, actor: &str, now: i64) -> Result<(usize, u64)> {
    let mut tx = store.pool().begin().await?;
    if store.backend() == Backend::Sqlite {
        // Take the write lock first: a read-then-write SQLite transaction can fail to upgrade.
        sqlx::query("UPDATE mail_case SET id = id WHERE 0")
            .execute(&mut *tx)
            .await?;
    }
    let select = format!(
        "SELECT id, state FROM mail_case WHERE state IN ('{}', '{}') AND purged_at IS NULL \
         AND updated_at < $1 ORDER BY id LIMIT {BATCH}{}",
        CLOSED_STATES[0],
        CLOSED_STATES[1],
        match store.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    );
    let rows: Vec<(i64, String)> = sqlx::query_as(&select)
        .bind(cutoff)
        .fetch_all(&mut *tx)
        .await?;
    let mut purged = 0;
    for (id, state) in &rows {
        // Everything that names or quotes the asker goes: text, subject, codes, addresses and
        // their keys, and the last send error (it may name the address).
        let done = sqlx::query(
            "UPDATE mail_case SET reply_text = NULL, subject = NULL, sender = NULL, \
             reply_to = NULL, reply_subject = NULL, sender_key = NULL, recipient_key = NULL, \
             last_error = NULL, question_codes = NULL, purged_at = $1 \
             WHERE id = $2 AND state = $3 AND purged_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(state)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        sqlx::query("UPDATE case_body SET raw = $1, reply_raw = NULL WHERE case_id = $2")
            .bind(Vec::<u8>::new())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO case_event (case_id, at, actor, from_state, to_state, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(now)
        .bind(actor)
        .bind(state)
        .bind(state)
        .bind(PURGED_DETAIL)
        .execute(&mut *tx)
        .await?;
        purged += 1;
    }
    tx.commit().await?;
    if purged > 0 && store.backend() == Backend::Sqlite {
        // With secure_delete on, the freed pages were zeroed; copy the WAL back into the
        // database and empty it, so no earlier page image with the text is left in it.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await?;
    }
    Ok((rows.len(), purged))
}

/// When the case's message bodies were deleted by retention, if they were.
pub async fn purged_at(store: &Store, id: super::cases::CaseId) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT purged_at FROM mail_case WHERE id = $1")
            .bind(id.0)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.and_then(|r| r.0))
}
