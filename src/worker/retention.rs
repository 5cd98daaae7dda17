//! Retention from the worker: once a day (and soon after start), delete the message bodies of
//! closed cases older than `[retention] purge_after`. A cheap check in the work loop.

use super::Worker;
use crate::store::retention;
use anyhow::Result;
use std::time::{Duration, Instant};

/// How often a worker purges.
const PURGE_EVERY: Duration = Duration::from_secs(24 * 3600);

impl Worker {
    /// Purges when retention is configured and this process has not purged in the last day.
    /// Returns how many cases were purged (0 when not due).
    pub async fn purge_if_due(&self) -> Result<u64> {
        let Some(age) = self.purge_after else {
            return Ok(0);
        };
        let due = match self.last_purge.lock() {
            Ok(last) => last.is_none_or(|t| t.elapsed() >= PURGE_EVERY),
            Err(_) => true,
        };
        if !due {
            return Ok(0);
        }
        let now = super::now_unix();
        let purged =
            retention::purge_closed_before(&self.store, now - age, &self.settings.owner, now)
                .await?;
        if let Ok(mut last) = self.last_purge.lock() {
            *last = Some(Instant::now());
        }
        tracing::info!(
            purged,
            "retention: deleted the message bodies of closed cases"
        );
        Ok(purged)
    }
}
