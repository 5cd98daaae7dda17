//! SQL of the login throttle: attempts per client address and account, counted in one statement
//! before the password is checked, so parallel attempts in any number of web processes cannot
//! slip past the limit. Holds no policy: the limit and the lock time come from the caller.

use super::Store;
use anyhow::{Context, Result};
use sqlx::Row;

/// Counts one attempt of `client` on `email` at Unix time `now` in a window of `window_secs`
/// from the pair's first attempt (a window that has run out starts again at `now`). Returns the
/// attempts in the window including this one, and when the window ends.
pub async fn count(
    store: &Store,
    client: &str,
    email: &str,
    now: i64,
    window_secs: i64,
) -> Result<(i64, i64)> {
    let cutoff = now - window_secs;
    let row = sqlx::query(
        "INSERT INTO login_attempt (client, email, attempts, window_start) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (client, email) DO UPDATE SET \
         attempts = CASE WHEN login_attempt.window_start <= $4 THEN 1 \
                         ELSE login_attempt.attempts + 1 END, \
         window_start = CASE WHEN login_attempt.window_start <= $4 THEN $3 \
                             ELSE login_attempt.window_start END \
         RETURNING attempts, window_start",
    )
    .bind(client)
    .bind(email)
    .bind(now)
    .bind(cutoff)
    .fetch_one(store.pool())
    .await
    .context("cannot count the login attempt")?;
    let attempts: i64 = row.try_get(0)?;
    let start: i64 = row.try_get(1)?;
    Ok((attempts, start + window_secs))
}

/// Forgets the attempts of `client` on `email` (after a good login), and every window that ran
/// out before `now` (addresses are chosen by whoever logs in: the table must not grow).
pub async fn clear(
    store: &Store,
    client: &str,
    email: &str,
    now: i64,
    window_secs: i64,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM login_attempt WHERE (client = $1 AND email = $2) OR window_start <= $3",
    )
    .bind(client)
    .bind(email)
    .bind(now - window_secs)
    .execute(store.pool())
    .await
    .context("cannot clear login attempts")?;
    Ok(())
}

/// Deletes every window that ran out before `now`.
pub async fn purge(store: &Store, now: i64, window_secs: i64) -> Result<()> {
    sqlx::query("DELETE FROM login_attempt WHERE window_start <= $1")
        .bind(now - window_secs)
        .execute(store.pool())
        .await
        .context("cannot purge old login attempts")?;
    Ok(())
}
