//! Processing: a `received` case becomes `answered` (the reply composed and stored, Message-ID
//! included) and then `held` or `approved`, or `ignored` with the reason, or `failed` with the
//! error. One bad message never stops the worker.

use super::caught::{PROCESSING_PANICKED, Panicked, caught};
use super::policy::{Decision, ReplyChoice, SenderHistory, log_reason};
use super::{Worker, now_unix};
use crate::consult::consult_as_written;
use crate::question::address_key;
use crate::reply::{self, ReplyKind};
use crate::store::cases::{self, Body, CaseId, CaseState, StoredReply};
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
            let results: Vec<(CaseId, Result<Result<Processed>, Panicked>)> =
                futures::stream::iter(ids)
                    .map(|id| async move { (id, caught(self.process_one(id)).await) })
                    .buffer_unordered(self.settings.concurrency.max(1))
                    .collect()
                    .await;
            let mut first_error = None;
            for (id, result) in results {
                match result {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => {
                        // A database error: leave the case claimed; its lease runs out and it is
                        // retried.
                        tracing::error!(case = %id, error = %format!("{e:#}"), "cannot process a case");
                        first_error.get_or_insert(e);
                    }
                    Err(Panicked) => {
                        tracing::error!(case = %id, "processing a case panicked: the case is failed, for staff");
                        cases::fail(
                            &self.store,
                            id,
                            Some(owner.as_str()),
                            owner,
                            PROCESSING_PANICKED,
                            now_unix(),
                        )
                        .await?;
                    }
                }
            }
            if let Some(e) = first_error {
                return Err(e);
            }
        }
    }

    async fn process_one(&self, id: CaseId) -> Result<Processed> {
        let owner = self.settings.owner.as_str();
        let Some((case, raw)) = cases::get_with_body(&self.store, id, Body::Question).await? else {
            return Ok(Processed::Lost);
        };
        if case.state == CaseState::Answered {
            return self
                .route(id, &case.reply_kind, case.confidence.as_deref(), None)
                .await;
        }
        let raw = raw.unwrap_or_default();
        let truncated = case.raw_size > raw.len() as i64;
        // "Today" and the question's own date are the desk's, in its zone, not UTC's.
        let today = self.desk_day.zone.date_of(now_unix());
        let mut consultation = match consult_as_written(
            &self.catalog,
            &raw,
            &self.settings.limits,
            today,
            &self.desk_day.zone,
        )
        .await
        {
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
        // Staff looked at it and said a person wrote it: its automatic signs no longer count.
        if consultation.question.automatic.is_some()
            && cases::answer_automatic_ordered(&self.store, id).await?
        {
            consultation.question.automatic = None;
        }
        let policy = self.policy();
        policy.trust_reply_to(&mut consultation.question);
        let question = &consultation.question;
        let now = now_unix();
        // Only the counts this sender's policy reads: the loop guard's and the rate limit's (when
        // a rate is set) and the guest quota's (for guests, when a quota is set), each by address
        // key, counted on where the reply goes (and, for the loop guard, on From too).
        let history = match question.reply_address() {
            Some(to) => {
                let to_key = address_key(&to.address);
                let from_key = question.from.as_ref().map(|f| address_key(&f.address));
                let rated = policy.senders.rate_per_hour > 0;
                let hour_ago = now - 3600;
                SenderHistory {
                    last_hour: if rated {
                        cases::cases_to_recipient_since(&self.store, &to_key, hour_ago, id).await?
                    } else {
                        0
                    },
                    from_last_hour: match (&from_key, rated) {
                        (Some(key), true) => {
                            cases::cases_from_sender_since(&self.store, key, hour_ago, id).await?
                        }
                        _ => 0,
                    },
                    answers_30_days: if policy.senders.guest_quota > 0
                        && !policy.is_member(&to.address)
                    {
                        cases::answers_to_recipient_since(
                            &self.store,
                            &to_key,
                            now - 30 * 86_400,
                            id,
                        )
                        .await?
                    } else {
                        0
                    },
                }
            }
            None => SenderHistory::default(),
        };
        let (choice, hold_anyway) = match policy.decide(question, truncated, history) {
            Decision::Ignore(reason) => {
                tracing::info!(case = %id, reason = %log_reason(&reason), "ignored");
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
        // The Message-ID carries a random nonce, so a forged message cannot pass for one of our
        // replies (and settle an uncertain send); drawn again in the unlikely case it was used.
        let mut nonce = random_nonce();
        while cases::case_by_reply_message_id(
            &self.store,
            &reply::message_id(&case_ref, nonce, &self.message_id_domain),
        )
        .await?
        .is_some()
        {
            nonce = random_nonce();
        }
        let replier = &self.desk_for(&case.mailbox).replier;
        let outgoing = match replier.compose_with_nonce(kind, question, &case_ref, now, nonce) {
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
            question_codes: crate::case_search::question_codes(question),
        };
        // Stored and routed in one transaction; a crash before it leaves the case `received`.
        let (to, mut why) = self.route_for(
            &Some(stored.kind.clone()),
            confidence.as_deref(),
            hold_anyway.as_deref(),
        );
        if to == CaseState::Held && choice == ReplyChoice::Answer {
            // Staff see which ask the data could not answer (kinds only, no message text).
            let open: Vec<&str> = consultation
                .answer
                .asks
                .iter()
                .filter(|a| a.answered == crate::answer::Answered::No)
                .map(|a| a.kind.phrase())
                .collect();
            if !open.is_empty() {
                why.push_str(&format!(
                    "; not answered from the data: {}",
                    open.join(", ")
                ));
            }
            if !consultation.answer.release_gaps.is_empty() {
                why.push_str("; the release for the date of service is not loaded");
            }
        }
        if !cases::record_reply_and_route(&self.store, id, owner, &stored, to, &why, now).await? {
            return Ok(Processed::Lost);
        }
        // The case is held whatever happens to its acknowledgement.
        if to == CaseState::Held
            && let Err(e) = self
                .acknowledge(
                    id,
                    &case.mailbox,
                    question,
                    &stored.case_ref,
                    choice,
                    hold_anyway.as_deref(),
                )
                .await
        {
            tracing::warn!(case = %id, error = %format!("{e:#}"), "cannot record the acknowledgement");
        }
        self.routed(id, to)
    }

    /// Routes a case left `answered` (by a crash between storing and routing, before both were
    /// one transaction).
    async fn route(
        &self,
        id: CaseId,
        kind: &Option<String>,
        confidence: Option<&str>,
        hold_anyway: Option<&str>,
    ) -> Result<Processed> {
        let (to, why) = self.route_for(kind, confidence, hold_anyway);
        let moved = cases::route(&self.store, id, &self.settings.owner, to, &why, now_unix())
            .await
            .context("cannot route a composed reply")?;
        if !moved {
            return Ok(Processed::Lost);
        }
        self.routed(id, to)
    }

    /// Where the review policy sends a composed reply (`held` or `approved`), and why.
    fn route_for(
        &self,
        kind: &Option<String>,
        confidence: Option<&str>,
        hold_anyway: Option<&str>,
    ) -> (CaseState, String) {
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
        (to, why)
    }

    fn routed(&self, id: CaseId, to: CaseState) -> Result<Processed> {
        tracing::info!(case = %id, state = %to, "answered");
        Ok(if to == CaseState::Held {
            Processed::Held
        } else {
            Processed::Approved
        })
    }

    fn finish(&self, moved: bool, outcome: Processed) -> Result<Processed> {
        Ok(if moved { outcome } else { Processed::Lost })
    }
}

/// The reference quoted in a case's replies.
pub fn case_ref_for(id: CaseId) -> String {
    crate::case_search::case_reference(id.0, None)
}

/// 64 random bits from the operating system.
fn random_nonce() -> u64 {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    OsRng.next_u64()
}
