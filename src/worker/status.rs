//! The worker's lease and its status row: which worker reads the mailbox, and how its IMAP
//! connection stands, for `/metrics` and for operators. Status writes are best effort: a
//! database hiccup is logged, never fatal.

use super::{Worker, now_unix};
use crate::store::lease::{self, IngestLease};
use crate::store::workers::{self, ImapState};
use anyhow::Result;

impl Worker {
    /// Takes the ingest lease of `mailbox` if no other worker holds it.
    pub async fn try_lease(&self, mailbox: &str) -> Result<Option<IngestLease>> {
        lease::try_take(&self.store, &self.database_url, mailbox).await
    }

    /// Records this worker's lease and IMAP state.
    pub(crate) async fn report_status(&self, mailbox: &str, lease: bool, state: ImapState) {
        let owner = &self.settings.owner;
        if let Err(e) = workers::report(&self.store, owner, mailbox, lease, state, now_unix()).await
        {
            tracing::warn!(error = %format!("{e:#}"), "cannot record the worker's status");
        }
    }

    /// Says this worker is alive (every few seconds).
    pub(crate) async fn heartbeat(&self) {
        if let Err(e) = workers::touch(&self.store, &self.settings.owner, now_unix()).await {
            tracing::warn!(error = %format!("{e:#}"), "cannot record the worker's status");
        }
    }

    /// Removes this worker's status row at a clean stop.
    pub(crate) async fn report_stopped(&self) {
        if let Err(e) = workers::stopped(&self.store, &self.settings.owner, now_unix()).await {
            tracing::warn!(error = %format!("{e:#}"), "cannot remove the worker's status");
        }
    }
}
