//! Retention from the worker: once a day (and soon after start), delete the message bodies of
//! closed cases older than `[retention] purge_after`, and the old copies of processed mail: the
//! file outbox, Maildir folders, and the IMAP server (folder, processed folder, Sent). A cheap
//! check in the work loop.

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
        // IMAP's SEARCH BEFORE takes a day: the desk's day of the cutoff.
        let cutoff_day = self.desk_day.zone.date_of((now - age).max(0));
        for desk in &self.desks {
            if let Some(config) = &desk.imap {
                let tokens = desk.tokens.clone();
                match self
                    .purge_on_server(&desk.key, config, tokens, cutoff_day)
                    .await
                {
                    Ok(n) => copies += n as u64,
                    Err(e) => tracing::warn!(
                        desk = %desk.name,
                        "retention: cannot delete old messages on the IMAP server: {e:#}"
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

    /// Deletes the processed mail of one IMAP desk that arrived before `before`, over a
    /// connection of its own (the reading one stays in IDLE).
    async fn purge_on_server(
        &self,
        key: &str,
        config: &crate::config::MailboxConfig,
        tokens: Option<std::sync::Arc<crate::oauth2::TokenSource>>,
        before: crate::date::Date,
    ) -> Result<usize> {
        let cursor =
            crate::store::cases::cursor(&self.store, key)
                .await?
                .map(|(uidvalidity, last_uid)| crate::mailbox::Cursor {
                    uidvalidity,
                    last_uid,
                });
        let options = crate::mailbox::MailboxOptions {
            tokens,
            ..Default::default()
        };
        let mut mailbox = crate::mailbox::Mailbox::open(config, options)?;
        Ok(mailbox.purge_server_copies(cursor, before).await?)
    }
}
