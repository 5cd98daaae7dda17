//! Processing: a `received` case becomes `answered` (the reply composed and stored, Message-ID
//! included) and then `held` or `approved`, or `ignored` with the reason, or `failed` with the
//! error. One bad message never stops the worker.

use super::policy::{Decision, ReplyChoice, SenderHistory};
use super::{Worker, now_unix};
use crate::consult::consult;
use crate::date::Date;
use crate::reply::{self, ReplyKind};
use crate::store::cases::{self, CaseId, CaseState, StoredReply};
use anyhow::{Context, Result};
use futures::StreamExt;

/// What happened to one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// A reply waits for staff.
    Held,
    /// A reply is ready to send.
    Approved,
    /// Not answered.
    Ignored,
    /// Could not be processed.
    Failed,
    /// Another worker took it (its claim ran out while we worked).
    Lost,
}

impl Worker {
    /// Processes every `received` case (and routes any left `answered` by a crash); returns how
    /// many cases it handled.
    pub async fn process_pending(&self) -> Result<usize> {
        let mut handled = 0;
        loop {
            self.refresh_senders().await?;
            let lease = self.settings.process_lease.as_secs() as i64;
            let owner = &self.settings.owner;
            let mut ids = cases::claim(
                &self.store,
                CaseState::Answered,
                owner,
                now_unix(),
                lease,
                50,
            )
            .await?;
            ids.extend(
                cases::claim(
                    &self.store,
                    CaseState::Received,
                    owner,
                    now_unix(),
                    lease,
                    50,
                )
                .await?,
            );
            if ids.is_empty() {
                return Ok(handled);
            }
            handled += ids.len();
            let results: Vec<(CaseId, Result<Processed>)> = futures::stream::iter(ids)
                .map(|id| async move { (id, self.process_one(id).await) })
                .buffer_unordered(self.settings.concurrency.max(1))
                .collect()
                .await;
            for (id, result) in results {
                if let Err(e) = result {
                    // A database error: leave the case claimed; its lease runs out and it is retried.
                    tracing::error!(case = %id, error = %format!("{e:#}"), "cannot process a case");
                    return Err(e);
                }
            }
        }
    }

    async fn process_one(&self, id: CaseId) -> Result<Processed> {
        let owner = self.settings.owner.as_str();
        let Some(case) = cases::get(&self.store, id).await? else {
            return Ok(Processed::Lost);
        };
        if case.state == CaseState::Answered {
            return self
                .route(id, &case.reply_kind, case.confidence.as_deref(), None)
                .await;
        }
        let raw = cases::raw_message(&self.store, id)
            .await?
            .unwrap_or_default();
        let truncated = case.raw_size > raw.len() as i64;
        let today = Date::from_days((now_unix() / 86_400) as i32);
        let consultation = match consult(&self.catalog, &raw, &self.settings.limits, today).await {
            Ok(c) => c,
            Err(e) => {
                let why = format!("cannot answer the message: {e:#}");
                tracing::warn!(case = %id, "processing failed");
                return self.finish(
                    cases::fail(&self.store, id, Some(owner), owner, &why, now_unix()).await?,
                    Processed::Failed,
                );
            }
        };
        let question = &consultation.question;
        let now = now_unix();
        let history = match question.reply_address() {
            Some(to) => SenderHistory {
                last_hour: cases::cases_from_sender_since(&self.store, &to.address, now - 3600)
                    .await?,
                answers_30_days: cases::answers_to_sender_since(
                    &self.store,
                    &to.address,
                    now - 30 * 86_400,
                )
                .await?,
            },
            None => SenderHistory::default(),
        };
        let policy = self.policy();
        let (choice, hold_anyway) = match policy.decide(question, truncated, history) {
            Decision::Ignore(reason) => {
                tracing::info!(case = %id, reason = %reason, "ignored");
                return self.finish(
                    cases::ignore(&self.store, id, owner, &reason, now).await?,
                    Processed::Ignored,
                );
            }
            Decision::Reply {
                choice,
                hold_anyway,
            } => (choice, hold_anyway),
        };
        // A follow-up joins the thread of the case it answers: same reference, linked.
        let mut reply_ids = question.in_reply_to.clone();
        reply_ids.extend(question.references.iter().rev().cloned());
        let thread = cases::find_thread(
            &self.store,
            &reply_ids,
            reply::case_ref_in(question).as_deref(),
        )
        .await?;
        let (case_ref, thread_of) = match thread {
            Some(root) if root != id => {
                let root_case = cases::get(&self.store, root).await?;
                let root_ref = root_case
                    .and_then(|c| c.case_ref)
                    .unwrap_or_else(|| case_ref_for(root));
                (root_ref, Some(root))
            }
            _ => (case_ref_for(id), None),
        };
        let too_large;
        let kind = match choice {
            ReplyChoice::Answer => ReplyKind::Answer(&consultation.answer),
            ReplyChoice::NotRegistered => ReplyKind::NotRegistered,
            ReplyChoice::OverQuota => ReplyKind::OverQuota {
                quota: policy.senders.guest_quota,
            },
            ReplyChoice::TooLarge => {
                too_large = format!(
                    "it is too large to read ({} MB); please send the question without attachments",
                    (case.raw_size + (1 << 19)) >> 20
                );
                ReplyKind::Unprocessable(&too_large)
            }
        };
        // A follow-up shares its thread's reference, so its reply's Message-ID (reference and
        // second) could repeat an earlier reply's: move to the next free second.
        let mut dated = now;
        while cases::case_by_reply_message_id(
            &self.store,
            &reply::message_id(&case_ref, dated, &self.message_id_domain),
        )
        .await?
        .is_some()
        {
            dated += 1;
        }
        let replier = &self.desk_for(&case.mailbox).replier;
        let outgoing = match replier.compose(kind, question, &case_ref, dated) {
            Ok(r) => r,
            Err(e) => {
                let why = format!("cannot compose the reply: {e}");
                return self.finish(
                    cases::fail(&self.store, id, Some(owner), owner, &why, now).await?,
                    Processed::Failed,
                );
            }
        };
        let confidence = (choice == ReplyChoice::Answer)
            .then(|| format!("{:?}", consultation.answer.confidence.level).to_lowercase());
        let stored = StoredReply {
            kind: choice.as_str().to_string(),
            message_id: outgoing.message_id,
            to: outgoing.to,
            subject: outgoing.subject,
            text: outgoing.text,
            raw: outgoing.raw,
            case_ref,
            thread_of,
            confidence: confidence.clone(),
        };
        if !cases::record_reply(&self.store, id, owner, &stored, now).await? {
            return Ok(Processed::Lost);
        }
        self.route(
            id,
            &Some(stored.kind),
            confidence.as_deref(),
            hold_anyway.as_deref(),
        )
        .await
    }

    async fn route(
        &self,
        id: CaseId,
        kind: &Option<String>,
        confidence: Option<&str>,
        hold_anyway: Option<&str>,
    ) -> Result<Processed> {
        use crate::answer::Level;
        let choice = match kind.as_deref() {
            Some("answer") => ReplyChoice::Answer,
            Some("not-registered") => ReplyChoice::NotRegistered,
            Some("over-quota") => ReplyChoice::OverQuota,
            _ => ReplyChoice::TooLarge,
        };
        let level = match confidence {
            Some("low") => Some(Level::Low),
            Some("medium") => Some(Level::Medium),
            Some("high") => Some(Level::High),
            _ => None,
        };
        let (hold, why) = self.policy().hold(choice, level, hold_anyway);
        let to = if hold {
            CaseState::Held
        } else {
            CaseState::Approved
        };
        let moved = cases::route(&self.store, id, &self.settings.owner, to, &why, now_unix())
            .await
            .context("cannot route a composed reply")?;
        tracing::info!(case = %id, state = %to, "answered");
        self.finish(
            moved,
            if hold {
                Processed::Held
            } else {
                Processed::Approved
            },
        )
    }

    fn finish(&self, moved: bool, outcome: Processed) -> Result<Processed> {
        Ok(if moved { outcome } else { Processed::Lost })
    }
}

/// The reference quoted in a case's replies.
pub fn case_ref_for(id: CaseId) -> String {
    format!("CD-{}", id.0)
}
