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
        // The local copies go too: replies in a file outbox, processed Maildir messages.
        let cutoff = std::time::UNIX_EPOCH + Duration::from_secs((now - age).max(0) as u64);
        let replies = self.outbox.purge_older_than(cutoff).unwrap_or_else(|e| {
            tracing::warn!("retention: cannot delete old replies in the outbox folder: {e}");
            0
        });
        let mut copies = 0;
        for desk in &self.desks {
            if let Some(root) = &desk.maildir {
                match crate::mailbox::purge_processed_before(root, cutoff) {
                    Ok(n) => copies += n,
                    Err(e) => tracing::warn!(
                        desk = %desk.name,
                        "retention: cannot delete old messages in the Maildir: {e}"
                    ),
                }
            }
        }
        if let Ok(mut last) = self.last_purge.lock() {
            *last = Some(Instant::now());
        }
        tracing::info!(
            purged,
            replies,
            copies,
            "retention: deleted the message bodies of closed cases and old local copies"
        );
        Ok(purged)
    }
}
