//! Ingest: new messages from the mailbox into `received` cases. Each message is stored (or found
//! already stored) before it is flagged \Seen or moved; the cursor follows. A copy of one of our
//! own replies coming back is not a question: it is the evidence that the reply was delivered.

use super::{Worker, now_unix};
use crate::mailbox::{Cursor, Mailbox, RawMessage};
use crate::question::{self, Limits};
use crate::store::cases::{self, CaseState, Inserted, NewCase};
use anyhow::{Context, Result};

/// Messages fetched per round trip.
const BATCH: usize = 100;

/// What one ingest pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ingested {
    /// New cases.
    pub new: usize,
    /// Messages already stored (fetched again after a crash, or delivered twice).
    pub duplicates: usize,
    /// Copies of our own replies (delivery evidence).
    pub receipts: usize,
}

impl Worker {
    /// Reads every new message from `mailbox` (whose cases and cursor go under `key`) into the
    /// database, then marks it on the server; `wake` is notified after each batch that stored
    /// something new.
    pub async fn ingest(
        &self,
        key: &str,
        mailbox: &mut Mailbox,
        wake: Option<&tokio::sync::Notify>,
    ) -> Result<Ingested> {
        let name = key.to_string();
        let mut cursor = cases::cursor(&self.store, &name)
            .await?
            .map(|(uidvalidity, last_uid)| Cursor {
                uidvalidity,
                last_uid,
            });
        let mut done = Ingested::default();
        loop {
            let batch = mailbox.fetch_new(cursor, BATCH).await?;
            if batch.uidvalidity_changed {
                tracing::warn!(mailbox = %name, "the folder's UIDVALIDITY changed: re-reading it (stored messages are recognised by Message-ID)");
            }
            self.store_batch(&name, &batch.messages, &mut done).await?;
            let uids: Vec<u32> = batch.messages.iter().map(|m| m.uid).collect();
            mailbox
                .mark_processed_all(batch.uidvalidity, &uids)
                .await
                .context("cannot mark stored messages as processed")?;
            if let Some(wake) = wake
                && done.new > 0
            {
                wake.notify_one();
            }
            cases::save_cursor(
                &self.store,
                &name,
                batch.next.uidvalidity,
                batch.next.last_uid,
                now_unix(),
            )
            .await?;
            cursor = Some(batch.next);
            if !batch.more {
                break;
            }
        }
        if done.new + done.duplicates + done.receipts > 0 {
            tracing::info!(
                new = done.new,
                duplicates = done.duplicates,
                receipts = done.receipts,
                "ingested"
            );
        }
        Ok(done)
    }

    /// Stores a fetched batch: copies of our own replies resolve their cases, every other
    /// message becomes a case; all new cases in one transaction.
    async fn store_batch(
        &self,
        mailbox: &str,
        messages: &[RawMessage],
        done: &mut Ingested,
    ) -> Result<()> {
        // Only the headers matter here; the full parse happens when the case is processed.
        let head_limits = Limits {
            max_text_bytes: 0,
            max_parts: 1,
            ..Limits::default()
        };
        let mut questions = Vec::with_capacity(messages.len());
        let policy = self.policy();
        for m in messages {
            let mut q = question::parse(&m.raw, &head_limits);
            // The recipient key counts where the reply will go.
            policy.trust_reply_to(&mut q);
            if let Some(mid) = &q.message_id
                && let Some((case, state)) =
                    cases::case_by_reply_message_id(&self.store, mid).await?
            {
                done.receipts += 1;
                if state == CaseState::Sending
                    && cases::resolve_sent(
                        &self.store,
                        case,
                        &self.settings.owner,
                        "a copy of the reply came back: delivered",
                        now_unix(),
                    )
                    .await?
                {
                    tracing::info!(case = %case, "an interrupted send is resolved: the reply was delivered");
                }
                continue;
            }
            questions.push((m, q));
        }
        let new: Vec<NewCase> = questions
            .iter()
            .map(|(m, q)| NewCase {
                mailbox,
                uidvalidity: m.uidvalidity,
                uid: m.uid,
                message_id: q.message_id.as_deref(),
                raw: &m.raw,
                full_size: u64::from(m.size),
                sender: q.from.as_ref().map(|f| f.address.as_str()),
                recipient: q.reply_address().map(|m| m.address.as_str()),
                subject: Some(q.subject.as_str()),
            })
            .collect();
        let stored =
            cases::insert_received_all(&self.store, &new, &self.settings.owner, now_unix()).await?;
        for ((m, _), inserted) in questions.iter().zip(stored) {
            match inserted {
                Inserted::New(id) => {
                    tracing::debug!(case = %id, uid = m.uid, bytes = m.size, "stored");
                    done.new += 1;
                }
                Inserted::Duplicate(id) => {
                    tracing::debug!(case = %id, uid = m.uid, "already stored");
                    done.duplicates += 1;
                }
            }
        }
        Ok(())
    }
}
