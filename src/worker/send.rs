//! Sending: an `approved` case becomes `sending` (committed, the reply's Message-ID already
//! stored), then the SMTP call, then `sent`, or back to `approved` with a later attempt time (4xx,
//! network), or `failed` with the server's words (5xx, or retries used up).

use super::caught::{Panicked, SENDING_PANICKED, caught};
use super::{Worker, jitter, now_unix};
use crate::mailbox::Mailbox;
use crate::outbox::{Envelope, SendError};
use crate::store::cases::{self, CaseId, CaseState};
use anyhow::Result;
use futures::StreamExt;
use tokio::sync::Mutex;

/// How long a reply of a desk that needs sign-in waits before it is tried again.
const SIGN_IN_RETRY_SECS: i64 = 30;

/// What happened to one send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted by the server.
    Sent,
    /// Will be tried again later.
    Retry,
    /// Failed for good; staff see it.
    Failed,
    /// Someone else has it now.
    Lost,
    /// Written but unanswered: left `sending` for recovery to settle by the receipt copy.
    Unsure,
}

impl Worker {
    /// Sends every `approved` case that is due; `sent_folder` receives copies when configured.
    /// Returns the outcomes.
    pub async fn send_pending(
        &self,
        sent_folder: Option<&Mutex<Mailbox>>,
    ) -> Result<Vec<SendOutcome>> {
        let mut outcomes = Vec::new();
        loop {
            let lease = self.settings.send_lease.as_secs() as i64;
            let ids = cases::claim(
                &self.store,
                CaseState::Approved,
                &self.settings.owner,
                now_unix(),
                lease,
                50,
            )
            .await?;
            if ids.is_empty() {
                return Ok(outcomes);
            }
            let results: Vec<(CaseId, Result<Result<SendOutcome>, Panicked>)> =
                futures::stream::iter(ids)
                    .map(|id| async move { (id, caught(self.send_one(id, sent_folder)).await) })
                    .buffer_unordered(self.settings.concurrency.max(1))
                    .collect()
                    .await;
            for (id, r) in results {
                match r {
                    Ok(r) => outcomes.push(r?),
                    Err(Panicked) => {
                        let owner = self.settings.owner.as_str();
                        tracing::error!(case = %id, "sending a reply panicked: the case is failed, for staff");
                        cases::fail(
                            &self.store,
                            id,
                            Some(owner),
                            owner,
                            SENDING_PANICKED,
                            now_unix(),
                        )
                        .await?;
                        outcomes.push(SendOutcome::Failed);
                    }
                }
            }
        }
    }

    async fn send_one(
        &self,
        id: CaseId,
        sent_folder: Option<&Mutex<Mailbox>>,
    ) -> Result<SendOutcome> {
        let owner = self.settings.owner.as_str();
        if !cases::begin_sending(&self.store, id, owner, now_unix()).await? {
            return Ok(SendOutcome::Lost);
        }
        let Some((case, Some(raw))) =
            cases::get_with_body(&self.store, id, cases::Body::Reply).await?
        else {
            let why = "the case has no stored reply to send";
            cases::fail(&self.store, id, Some(owner), owner, why, now_unix()).await?;
            return Ok(SendOutcome::Failed);
        };
        let desk = self.desk_for(&case.mailbox);
        let to = case.reply_to.clone().unwrap_or_default();
        let mut recipients = vec![to.as_str()];
        if let Some(copy) = &desk.receipt_copy_to
            && *copy != to
        {
            recipients.push(copy.as_str());
        }
        let result = match Envelope::new(Some(&desk.envelope_from), &recipients) {
            Ok(envelope) => {
                crate::failpoint::hit(crate::failpoint::BEFORE_SEND);
                self.outbox
                    .send_as(&raw, &envelope, desk.tokens.as_deref())
                    .await
            }
            Err(e) => Err(e),
        };
        let now = now_unix();
        match result {
            Ok(delivered) => {
                crate::failpoint::hit(crate::failpoint::AFTER_250);
                let detail = format!("accepted: {}", delivered.receipt);
                if !cases::mark_sent(&self.store, id, owner, &detail, now).await? {
                    return Ok(SendOutcome::Lost);
                }
                tracing::info!(case = %id, attempt = case.attempts, "reply sent");
                // The Sent folder is `[mailbox]`'s: other mailboxes' replies are not filed there.
                let own_desk = std::ptr::eq(desk, &self.desks[0]);
                if let (true, true, Some(folder)) = (self.settings.save_sent, own_desk, sent_folder)
                    && let Err(e) = folder.lock().await.save_sent(&raw).await
                {
                    tracing::warn!(case = %id, error = %e, "the reply was sent but its copy could not be filed in the Sent folder");
                }
                Ok(SendOutcome::Sent)
            }
            Err(e @ SendError::Uncertain { .. }) => {
                // The server may have taken it: sending again now could answer twice. The case
                // stays `sending`, unclaimed; recovery marks it sent when its receipt copy comes
                // back, sends it again (same Message-ID) when none came within the grace period,
                // or hands it to staff when there is no receipt copy to wait for.
                tracing::debug!(case = %id, error = %e, "no answer after the reply was written");
                tracing::warn!(case = %id, attempt = case.attempts, "no answer after the reply was written; it may have been accepted: waiting for its receipt copy");
                cases::send_unsure(&self.store, id, owner, &e.to_string(), now).await?;
                Ok(SendOutcome::Unsure)
            }
            Err(e @ SendError::NeedsSignIn(_)) => {
                // Not the reply's fault, and no retry count runs out on it: it waits for the
                // desk's new sign-in (the mailbox reader says so in the log).
                let next = now + SIGN_IN_RETRY_SECS;
                tracing::warn!(case = %id, mailbox = %desk.name, "the reply waits: its mailbox needs sign-in");
                cases::retry_later(&self.store, id, owner, &e.to_string(), next, now).await?;
                Ok(SendOutcome::Retry)
            }
            Err(e @ SendError::Transient { .. }) => {
                let failed_attempts = case.attempts.max(1) as u32;
                match self.settings.retry.next_delay(failed_attempts) {
                    Some(delay) => {
                        let secs = delay.as_secs_f64() * (1.0 + 0.25 * jitter());
                        let next = now + secs.ceil() as i64;
                        // The server's words may name the recipient: debug only.
                        tracing::debug!(case = %id, error = %e, "sending failed");
                        tracing::warn!(case = %id, attempt = case.attempts, retry_in_s = secs.ceil() as i64, "sending failed; will retry");
                        cases::retry_later(&self.store, id, owner, &e.to_string(), next, now)
                            .await?;
                        Ok(SendOutcome::Retry)
                    }
                    None => {
                        let why = format!("gave up after {} attempts: {e}", case.attempts);
                        tracing::error!(case = %id, "sending failed for good");
                        cases::fail(&self.store, id, Some(owner), owner, &why, now).await?;
                        Ok(SendOutcome::Failed)
                    }
                }
            }
            Err(e) => {
                tracing::debug!(case = %id, error = %e, "the reply was refused");
                tracing::error!(case = %id, "the reply was refused; the case is failed, for staff");
                cases::fail(&self.store, id, Some(owner), owner, &e.to_string(), now).await?;
                Ok(SendOutcome::Failed)
            }
        }
    }
}
