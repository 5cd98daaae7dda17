//! Mail to staff (`[notify]`): held cases announced one by one (`immediate`) or in a digest at
//! most every `digest_every` (the window opens at the last digest or, later, at the first case
//! held since), and one reminder per case once it has waited `[policy] answer_within` of business
//! time. Each mail is claimed in the store before it is sent (see [`staff_notices`]), so no crash,
//! restart or second worker sends it twice. Logs carry case ids, never addresses or subjects.

use super::{Worker, now_unix};
use crate::calendar::{Deadline, business_age};
use crate::config::{Config, NotifyMode, NotifySection};
use crate::outbox::Envelope;
use crate::reply::{NoticeCase, NoticeKind, StaffNotice};
use crate::store::staff_notices::{self, HeldCase};
use anyhow::Result;

/// Cases announced or reminded in one step at most (the rest in the next).
const BATCH: i64 = 50;

/// `[notify]` and the deadline as the worker uses them.
#[derive(Clone, Debug)]
pub(super) struct StaffMail {
    section: NotifySection,
    digest_every: i64,
    deadline: Option<Deadline>,
}

impl StaffMail {
    /// The staff mail `config` asks for; `None` when `[notify] to` is empty.
    pub(super) fn for_config(config: &Config) -> Result<Option<StaffMail>> {
        if config.notify.to.is_empty() {
            return Ok(None);
        }
        Ok(Some(StaffMail {
            section: config.notify.clone(),
            digest_every: config.notify.digest_every_secs()?,
            deadline: config.deadline()?,
        }))
    }
}

impl Worker {
    /// Sends what staff are due to be told now; returns the mails sent.
    pub(super) async fn notify_staff(&self) -> Result<usize> {
        let Some(mail) = &self.staff_mail else {
            return Ok(0);
        };
        let now = now_unix();
        let mut sent = 0;
        match mail.section.mode {
            NotifyMode::Immediate => {
                for case in staff_notices::held_without(&self.store, "held", now, BATCH).await? {
                    if staff_notices::claim(&self.store, case.id, "held", now).await? {
                        let outcome = self
                            .send_notice(mail, NoticeKind::Held, std::slice::from_ref(&case))
                            .await;
                        sent += usize::from(outcome.is_ok());
                        self.record(case.id, "held", outcome).await?;
                    }
                }
            }
            NotifyMode::Digest => sent += self.digest(mail, now).await?,
        }
        if let Some(deadline) = &mail.deadline {
            let old_enough = now.saturating_sub(deadline.within);
            for case in
                staff_notices::held_without(&self.store, "overdue", old_enough, BATCH).await?
            {
                if deadline.due(case.received_at) > now {
                    continue;
                }
                if staff_notices::claim(&self.store, case.id, "overdue", now).await? {
                    let outcome = self
                        .send_notice(mail, NoticeKind::Overdue, std::slice::from_ref(&case))
                        .await;
                    sent += usize::from(outcome.is_ok());
                    self.record(case.id, "overdue", outcome).await?;
                }
            }
        }
        Ok(sent)
    }

    /// Sends the digest when its window has passed and cases wait in it.
    async fn digest(&self, mail: &StaffMail, now: i64) -> Result<usize> {
        let pending = staff_notices::held_without(&self.store, "held", now, 500).await?;
        let Some(first_held) = pending.iter().map(|c| c.held_at).min() else {
            return Ok(0);
        };
        let last = staff_notices::last_digest(&self.store).await?;
        let opened = last.map_or(first_held, |(_, at)| at.max(first_held));
        if now < opened.saturating_add(mail.digest_every) {
            return Ok(0);
        }
        let number = last.map_or(1, |(n, _)| n + 1);
        let ids: Vec<i64> = pending.iter().map(|c| c.id).collect();
        let listed = staff_notices::claim_digest(&self.store, number, &ids, now).await?;
        if listed.is_empty() {
            return Ok(0);
        }
        let cases: Vec<HeldCase> = pending
            .into_iter()
            .filter(|c| listed.contains(&c.id))
            .collect();
        let outcome = self.send_notice(mail, NoticeKind::Digest, &cases).await;
        let done = outcome.is_ok();
        if done {
            tracing::info!(digest = number, cases = cases.len(), "staff digest sent");
        } else {
            tracing::warn!(
                digest = number,
                "the staff digest was not sent; it is not tried again"
            );
        }
        let detail = outcome.unwrap_or_else(|e| e);
        staff_notices::finish_digest(&self.store, number, done, &detail, now_unix()).await?;
        Ok(usize::from(done))
    }

    /// Records how a case's notice went.
    async fn record(&self, id: i64, kind: &str, outcome: Result<String, String>) -> Result<()> {
        match &outcome {
            Ok(_) => tracing::info!(case = id, kind, "staff notified"),
            Err(_) => {
                tracing::warn!(
                    case = id,
                    kind,
                    "the staff notice was not sent; it is not tried again"
                )
            }
        }
        let done = outcome.is_ok();
        let detail = outcome.unwrap_or_else(|e| e);
        staff_notices::finish(&self.store, id, kind, done, &detail, now_unix()).await
    }

    /// Composes and sends one staff mail through `[mailbox]`'s desk: the server's receipt, or
    /// why it was not sent.
    async fn send_notice(
        &self,
        mail: &StaffMail,
        kind: NoticeKind,
        cases: &[HeldCase],
    ) -> Result<String, String> {
        let now = now_unix();
        let zone = &self.desk_day.zone;
        let notice = StaffNotice {
            kind,
            cases: cases
                .iter()
                .map(|c| NoticeCase {
                    case_ref: c.case_ref.clone(),
                    sender: c.sender.clone(),
                    subject: c.subject.clone(),
                    link: mail.section.case_link(c.id),
                    received: zone.time_label(c.received_at),
                    waited: mail
                        .deadline
                        .as_ref()
                        .filter(|_| kind == NoticeKind::Overdue)
                        .map(|d| business_age(d.calendar.business_secs(c.received_at, now))),
                })
                .collect(),
            within: mail.deadline.as_ref().map(|d| d.label.clone()),
        };
        let desk = &self.desks[0];
        let nonce = {
            use argon2::password_hash::rand_core::{OsRng, RngCore};
            OsRng.next_u64()
        };
        let (_, raw) = desk
            .replier
            .compose_staff_notice(&notice, &mail.section.to, now, nonce)
            .map_err(|e| e.to_string())?;
        let to: Vec<&str> = mail.section.to.iter().map(String::as_str).collect();
        let envelope = Envelope::new(Some(&desk.envelope_from), &to).map_err(|e| e.to_string())?;
        match self
            .outbox
            .send_as(&raw, &envelope, desk.tokens.as_deref())
            .await
        {
            Ok(delivered) => Ok(delivered.receipt),
            Err(e) => {
                tracing::debug!(error = %e, "a staff mail was not sent");
                Err(e.to_string())
            }
        }
    }
}
