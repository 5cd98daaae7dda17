//! SQL for the Prometheus figures: cases by state, the oldest held case, replies sent, send
//! failures by class (from the case history) and the reply latency (received → sent).

use super::Store;
use super::cases::{self, CaseState};
use anyhow::{Context, Result};

/// Upper bounds (seconds) of the reply latency histogram's buckets.
pub const LATENCY_BUCKETS: [i64; 10] = [1, 5, 15, 60, 300, 900, 3_600, 14_400, 86_400, 604_800];

/// The figures `/metrics` exposes, read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Every state with its number of cases (zero included).
    pub by_state: Vec<(CaseState, i64)>,
    /// When the longest-waiting held case was received (none: nothing held).
    pub oldest_held_received_at: Option<i64>,
    /// Replies the SMTP server accepted.
    pub sent: i64,
    /// Send attempts put off for a retry (a 4xx or network error).
    pub send_retries: i64,
    /// Sends failed for good (a 5xx).
    pub send_failures: i64,
    /// Cumulative counts of sent replies with latency ≤ each of [`LATENCY_BUCKETS`].
    pub latency_buckets: Vec<i64>,
    /// The sum of all sent replies' latencies, in seconds.
    pub latency_sum: i64,
    /// Workers heard from in the last [`ALIVE_WINDOW`] seconds.
    pub workers: Vec<super::workers::WorkerStatus>,
}

/// A worker silent for longer than this (seconds) is counted as gone.
pub const ALIVE_WINDOW: i64 = 30;

/// Reads the figures.
pub async fn figures(store: &Store) -> Result<Figures> {
    let counts = cases::counts_by_state(store).await?;
    let by_state = CaseState::ALL
        .iter()
        .map(|s| {
            let n = counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n);
            (*s, n)
        })
        .collect();
    let (oldest,): (Option<i64>,) =
        sqlx::query_as("SELECT MIN(received_at) FROM mail_case WHERE state = 'held'")
            .fetch_one(store.pool())
            .await
            .context("cannot read the oldest held case")?;
    let (retries, failures): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN to_state = 'approved' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN to_state = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM case_event WHERE from_state = 'sending'",
    )
    .fetch_one(store.pool())
    .await
    .context("cannot count send failures")?;
    let mut sql =
        String::from("SELECT COUNT(*), CAST(COALESCE(SUM(sent_at - received_at), 0) AS BIGINT)");
    for b in LATENCY_BUCKETS {
        sql.push_str(&format!(
            ", CAST(COALESCE(SUM(CASE WHEN sent_at - received_at <= {b} THEN 1 ELSE 0 END), 0) AS BIGINT)"
        ));
    }
    sql.push_str(" FROM mail_case WHERE sent_at IS NOT NULL");
    let row = sqlx::query(&sql)
        .fetch_one(store.pool())
        .await
        .context("cannot read reply latencies")?;
    use sqlx::Row;
    let sent: i64 = row.try_get(0)?;
    let latency_sum: i64 = row.try_get(1)?;
    let latency_buckets = (0..LATENCY_BUCKETS.len())
        .map(|i| row.try_get::<i64, _>(i + 2))
        .collect::<Result<Vec<_>, _>>()?;
    let now = crate::worker::now_unix_pub();
    let workers = super::workers::alive(store, now - ALIVE_WINDOW).await?;
    Ok(Figures {
        workers,
        by_state,
        oldest_held_received_at: oldest,
        sent,
        send_retries: retries,
        send_failures: failures,
        latency_buckets,
        latency_sum,
    })
}
