//! What staff were told ([`crate::config::NotifySection`]): each held case announced once (alone
//! or in a numbered digest) and reminded once when overdue. Every row is claimed before its mail
//! is sent, so whichever worker writes it first is the only one that sends; a crash after the
//! claim leaves it `sending` and it is never sent again.

use super::Store;
use anyhow::{Context, Result};

/// A held case as a staff mail lists it: no question text beyond the subject.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HeldCase {
    /// The case id (its page is `/case/ID`).
    pub id: i64,
    /// The reference its mail and page carry (`CD-9`).
    pub case_ref: String,
    /// The sender's address, when readable.
    pub sender: Option<String>,
    /// The subject, when readable.
    pub subject: Option<String>,
    /// Received, Unix seconds.
    pub received_at: i64,
    /// Last changed (held), Unix seconds.
    pub held_at: i64,
}

type Row = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

fn held_case((id, case_ref, sender, subject, received_at, held_at): Row) -> HeldCase {
    HeldCase {
        id,
        case_ref: crate::case_search::case_reference(id, case_ref.as_deref()),
        sender,
        subject,
        received_at,
        held_at,
    }
}

/// Held cases without a notice of `kind` (`held`, `overdue`) received at or before
/// `received_by`, oldest first, at most `limit`.
pub async fn held_without(
    store: &Store,
    kind: &str,
    received_by: i64,
    limit: i64,
) -> Result<Vec<HeldCase>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, case_ref, sender, subject, received_at, updated_at FROM mail_case c \
         WHERE state = 'held' AND received_at <= $1 AND NOT EXISTS \
         (SELECT 1 FROM staff_notice n WHERE n.case_id = c.id AND n.kind = $2) \
         ORDER BY id LIMIT $3",
    )
    .bind(received_by)
    .bind(kind)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("cannot list held cases for staff mail")?;
    Ok(rows.into_iter().map(held_case).collect())
}

/// Claims the notice of `kind` for case `id`: true when this call wrote it (the caller sends).
pub async fn claim(store: &Store, id: i64, kind: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO staff_notice (case_id, kind, state, created_at, updated_at) \
         VALUES ($1, $2, 'sending', $3, $3) ON CONFLICT (case_id, kind) DO NOTHING",
    )
    .bind(id)
    .bind(kind)
    .bind(now)
    .execute(store.pool())
    .await
    .context("cannot record a staff notice")?;
    Ok(done.rows_affected() == 1)
}

/// Records how a claimed notice's send ended: `sent` (the receipt) or `failed` (why).
pub async fn finish(
    store: &Store,
    id: i64,
    kind: &str,
    sent: bool,
    detail: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE staff_notice SET state = $1, detail = $2, updated_at = $3 \
         WHERE case_id = $4 AND kind = $5 AND state = 'sending'",
    )
    .bind(if sent { "sent" } else { "failed" })
    .bind(detail)
    .bind(now)
    .bind(id)
    .bind(kind)
    .execute(store.pool())
    .await
    .context("cannot record how a staff notice was sent")?;
    Ok(())
}

/// The state of case `id`'s notice of `kind`, if one was claimed.
pub async fn state(store: &Store, id: i64, kind: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT state FROM staff_notice WHERE case_id = $1 AND kind = $2")
            .bind(id)
            .bind(kind)
            .fetch_optional(store.pool())
            .await
            .context("cannot read a staff notice")?;
    Ok(row.map(|(s,)| s))
}

/// The last digest claimed: its number and when.
pub async fn last_digest(store: &Store) -> Result<Option<(i64, i64)>> {
    sqlx::query_as("SELECT id, created_at FROM staff_digest ORDER BY id DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await
        .context("cannot read the last staff digest")
}

/// Claims digest number `number` for `cases` in one transaction: the cases it now announces
/// (those no one announced meanwhile), or none when another worker claimed that number first.
pub async fn claim_digest(store: &Store, number: i64, cases: &[i64], now: i64) -> Result<Vec<i64>> {
    let mut tx = store.pool().begin().await?;
    let won = sqlx::query(
        "INSERT INTO staff_digest (id, state, created_at, updated_at) \
         VALUES ($1, 'sending', $2, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(number)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("cannot claim a staff digest")?
    .rows_affected()
        == 1;
    if !won {
        return Ok(Vec::new());
    }
    let mut listed = Vec::new();
    for &id in cases {
        let done = sqlx::query(
            "INSERT INTO staff_notice (case_id, kind, digest_id, state, created_at, updated_at) \
             VALUES ($1, 'held', $2, 'sending', $3, $3) ON CONFLICT (case_id, kind) DO NOTHING",
        )
        .bind(id)
        .bind(number)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("cannot record a case in a staff digest")?;
        if done.rows_affected() == 1 {
            listed.push(id);
        }
    }
    tx.commit().await?;
    Ok(listed)
}

/// Records how digest `number`'s send ended, for it and the cases it lists.
pub async fn finish_digest(
    store: &Store,
    number: i64,
    sent: bool,
    detail: &str,
    now: i64,
) -> Result<()> {
    let state = if sent { "sent" } else { "failed" };
    let mut tx = store.pool().begin().await?;
    sqlx::query("UPDATE staff_digest SET state = $1, detail = $2, updated_at = $3 WHERE id = $4")
        .bind(state)
        .bind(detail)
        .bind(now)
        .bind(number)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE staff_notice SET state = $1, detail = $2, updated_at = $3 \
         WHERE digest_id = $4 AND state = 'sending'",
    )
    .bind(state)
    .bind(detail)
    .bind(now)
    .bind(number)
    .execute(&mut *tx)
    .await?;
    tx.commit()
        .await
        .context("cannot record how a staff digest was sent")
}
