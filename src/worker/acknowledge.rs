//! The acknowledgement of a held case: "received, case CD-9, expect an answer ...", sent to the
//! asker once, threaded to the question, only when `[desk] acknowledge` is on and the question is
//! an answerable one from a person ([`worth_acknowledging`]). The row claimed in the store before
//! the send makes it at most once per case, whatever crashes or how many workers run.

use super::policy::{Policy, ReplyChoice};
use super::{Worker, now_unix};
use crate::outbox::Envelope;
use crate::question::Question;
use crate::question::sender_auth::SenderAuth;
use crate::reply::ReplyKind;
use crate::store::acknowledgements;
use crate::store::cases::CaseId;
use anyhow::Result;

/// Why a held question gets no acknowledgement, or `None` when it gets one. Pure: automatic
/// mail, blocked senders, notices (over quota, not registered, too large), a rate-limited or
/// unauthenticated sender (`hold_anyway`, or a failed check of the From) never get one.
pub fn worth_acknowledging(
    policy: &Policy,
    question: &Question,
    choice: ReplyChoice,
    hold_anyway: Option<&str>,
) -> Option<&'static str> {
    if question.automatic.is_some() {
        return Some("automatic mail");
    }
    if choice != ReplyChoice::Answer {
        return Some("a notice, not an answer, waits");
    }
    if hold_anyway.is_some() {
        return Some("held for the sender's rate or authentication");
    }
    if let Some(SenderAuth::Fail(_)) = policy.authenticate(question) {
        return Some("sender not authenticated");
    }
    let Some(to) = question.reply_address() else {
        return Some("no address to answer");
    };
    let from = question.from.as_ref().map(|f| f.address.as_str());
    let blocked = |a: &str| {
        policy
            .senders
            .blocked
            .iter()
            .any(|b| super::policy::address_matches(a, b))
    };
    if blocked(&to.address) || from.is_some_and(blocked) {
        return Some("blocked sender");
    }
    None
}

impl Worker {
    /// Sends case `id`'s acknowledgement when it deserves one and none was ever claimed for it.
    /// A failure is logged and recorded, never retried (one acknowledgement at most), and never
    /// fails the case.
    pub(super) async fn acknowledge(
        &self,
        id: CaseId,
        mailbox: &str,
        question: &Question,
        case_ref: &str,
        choice: ReplyChoice,
        hold_anyway: Option<&str>,
    ) -> Result<()> {
        if !self.desk_day.acknowledge {
            return Ok(());
        }
        if let Some(why) = worth_acknowledging(&self.policy(), question, choice, hold_anyway) {
            tracing::debug!(case = %id, why, "no acknowledgement");
            return Ok(());
        }
        let desk = self.desk_for(mailbox);
        let nonce = {
            use argon2::password_hash::rand_core::{OsRng, RngCore};
            OsRng.next_u64()
        };
        let now = now_unix();
        let kind = ReplyKind::Acknowledgement {
            expected: &self.desk_day.answer_expected,
        };
        let composed = match desk
            .replier
            .compose_with_nonce(kind, question, case_ref, now, nonce)
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(case = %id, error = %e, "cannot compose the acknowledgement; none is sent");
                return Ok(());
            }
        };
        // Claimed before the send: a crash after this line means no acknowledgement, never two.
        if !acknowledgements::claim(&self.store, id, &composed.message_id, now).await? {
            return Ok(());
        }
        let sent = match Envelope::new(Some(&desk.envelope_from), &[composed.to.as_str()]) {
            Ok(envelope) => {
                self.outbox
                    .send_as(&composed.raw, &envelope, desk.tokens.as_deref())
                    .await
            }
            Err(e) => Err(e),
        };
        let now = now_unix();
        match sent {
            Ok(delivered) => {
                tracing::info!(case = %id, "acknowledgement sent");
                acknowledgements::finish(&self.store, id, true, &delivered.receipt, now).await
            }
            Err(e) => {
                tracing::debug!(case = %id, error = %e, "the acknowledgement was not sent");
                tracing::warn!(case = %id, "the acknowledgement was not sent; it is not tried again");
                acknowledgements::finish(&self.store, id, false, &e.to_string(), now).await
            }
        }
    }
}
