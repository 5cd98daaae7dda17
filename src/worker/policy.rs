//! The policy: which messages get a reply, which reply, and whether staff must look first. Pure:
//! the caller looks up the counts it needs and passes them in; nothing here reads the clock or
//! the database.

use crate::answer::Level;
use crate::config::{ReviewPolicy, SendersConfig};
use crate::question::sender_auth::{self, SenderAuth};
use crate::question::{Question, address_key};

/// What the sender's history says, looked up by the caller. Addresses are counted by their
/// [`address_key`]: `Pat+x@Clinic.example` is `pat@clinic.example`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SenderHistory {
    /// Messages whose reply goes where this one's does (Reply-To, else From) in the last hour, up
    /// to this one included: what the rate limit counts.
    pub last_hour: i64,
    /// Messages with this one's From in the last hour, up to this one included: the loop guard
    /// counts these as well as `last_hour`.
    pub from_last_hour: i64,
    /// Answers to this one's recipient in the last 30 days, and its earlier messages not yet
    /// processed (this one not included): what the guest quota counts.
    pub answers_30_days: i64,
}

/// The reply to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyChoice {
    /// The answer.
    Answer,
    /// "This address is not registered" (guests get no answers at all).
    NotRegistered,
    /// "You have had your answers for 30 days".
    OverQuota,
    /// "Your message was too large to read".
    TooLarge,
}

impl ReplyChoice {
    /// The name stored with the case.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyChoice::Answer => "answer",
            ReplyChoice::NotRegistered => "not-registered",
            ReplyChoice::OverQuota => "over-quota",
            ReplyChoice::TooLarge => "unprocessable",
        }
    }
}

/// What to do with one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Record it as ignored with this reason; never answer.
    Ignore(String),
    /// Write this reply; `hold_anyway` says why staff must see it whatever the review setting
    /// (the sender's rate went over the limit).
    Reply {
        /// Which reply.
        choice: ReplyChoice,
        /// A reason to hold it for staff regardless of the review setting.
        hold_anyway: Option<String>,
    },
}

/// `reason` as it may be logged at info level: an automatic-mail reason without the sign after
/// its kind, since the sign can name an address or quote a subject.
pub fn log_reason(reason: &str) -> &str {
    match reason.split_once("): ") {
        Some((head, _)) if head.starts_with("automatic mail (") => &reason[..head.len() + 1],
        _ => reason,
    }
}

/// The parts of the configuration the policy reads.
#[derive(Clone, Debug)]
pub struct Policy {
    /// When staff must look.
    pub review: ReviewPolicy,
    /// Members, guests, blocked, rate.
    pub senders: SendersConfig,
    /// Our own addresses (lower case): mail from them is never answered.
    pub own_addresses: Vec<String>,
}

/// True when `address` is `entry` or belongs to the domain `entry` (`example.org` also covers
/// `sub.example.org`), compared by [`address_key`]: letter case, `+tag` and Gmail's dots do not
/// count (`jane.doe+x@googlemail.com` is `janedoe@gmail.com`).
pub fn address_matches(address: &str, entry: &str) -> bool {
    let entry = entry.trim().trim_start_matches('@');
    let address = address_key(address);
    if entry.contains('@') {
        return address == address_key(entry);
    }
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let entry = address_key(&format!("x@{entry}"));
    let entry = entry.rsplit_once('@').map_or("", |(_, d)| d);
    !entry.is_empty() && (domain == entry || domain.ends_with(&format!(".{entry}")))
}

impl Policy {
    /// True when the sender is a member (everyone is when no members are listed).
    pub fn is_member(&self, address: &str) -> bool {
        self.senders.members.is_empty()
            || self
                .senders
                .members
                .iter()
                .any(|m| address_matches(address, m))
    }

    /// Drops a Reply-To the reply may not go to: when sender authentication is on
    /// (`authserv_id`), Reply-To is used only when aligned with the From domain or a listed
    /// member's address, so a forged message cannot aim the desk's answer at a third party.
    pub fn trust_reply_to(&self, question: &mut Question) {
        if self.senders.authserv_id.is_none() {
            return;
        }
        let Some(reply_to) = &question.reply_to else {
            return;
        };
        let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_string());
        let from_domain = question.from.as_ref().and_then(|f| domain(&f.address));
        let aligned = match (domain(&reply_to.address), from_domain) {
            (Some(r), Some(f)) => sender_auth::aligned(&r, &f),
            _ => false,
        };
        let member = !self.senders.members.is_empty() && self.is_member(&reply_to.address);
        if !aligned && !member {
            question.reply_to = None;
        }
    }

    /// Whether the From is authenticated, when sender authentication is on.
    pub fn authenticate(&self, question: &Question) -> Option<SenderAuth> {
        let id = self.senders.authserv_id.as_deref()?;
        Some(sender_auth::verdict(question, id))
    }

    /// Decides what to do with `question`; `truncated` says only its header could be read.
    pub fn decide(&self, question: &Question, truncated: bool, history: SenderHistory) -> Decision {
        if let Some(auto) = &question.automatic {
            // The sign is for staff; `log_reason` leaves it out of the log.
            return Decision::Ignore(format!("automatic mail ({}): {}", auto.kind, auto.reason));
        }
        let Some(to) = question.reply_address() else {
            return Decision::Ignore("no From or Reply-To address to answer".into());
        };
        let address = to.address.to_ascii_lowercase();
        if !address
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.trim_matches('.').contains('.'))
        {
            return Decision::Ignore(
                "the reply address's domain has no dot: not deliverable".into(),
            );
        }
        let sender = question
            .from
            .as_ref()
            .map(|m| m.address.to_ascii_lowercase());
        let own = |a: &str| {
            let a = address_key(a);
            self.own_addresses.iter().any(|o| address_key(o) == a)
        };
        if own(&address) || sender.as_deref().is_some_and(own) {
            return Decision::Ignore("sent from our own address (a loop)".into());
        }
        if self
            .senders
            .blocked
            .iter()
            .any(|b| address_matches(&address, b))
            || sender
                .as_deref()
                .is_some_and(|s| self.senders.blocked.iter().any(|b| address_matches(s, b)))
        {
            return Decision::Ignore("blocked sender".into());
        }
        let rate = i64::from(self.senders.rate_per_hour);
        let loudest = history.last_hour.max(history.from_last_hour);
        if rate > 0 && loudest > rate * 3 {
            // Far past the limit, to this recipient or from this sender: a loop; stop composing
            // replies at all.
            return Decision::Ignore(format!(
                "rate limit: {loudest} messages from this sender in the last hour"
            ));
        }
        let mut hold_anyway = (rate > 0 && history.last_hour > rate).then(|| {
            format!(
                "rate limit: {} messages from this sender in the last hour (limit {rate})",
                history.last_hour
            )
        });
        let unauthenticated = match self.authenticate(question) {
            Some(SenderAuth::Fail(why)) => Some(why),
            _ => None,
        };
        let choice = if truncated {
            ReplyChoice::TooLarge
        } else if self.is_member(&address) {
            ReplyChoice::Answer
        } else if self.senders.guest_quota == 0 {
            ReplyChoice::NotRegistered
        } else if history.answers_30_days >= i64::from(self.senders.guest_quota) {
            ReplyChoice::OverQuota
        } else {
            ReplyChoice::Answer
        };
        if let Some(why) = unauthenticated {
            // A forged From gets no mail from the desk: notices are not sent at all, answers
            // wait for a person.
            if choice != ReplyChoice::Answer {
                return Decision::Ignore(format!(
                    "sender not authenticated ({why}): no notice sent"
                ));
            }
            hold_anyway.get_or_insert(format!("sender not authenticated: {why}"));
        }
        Decision::Reply {
            choice,
            hold_anyway,
        }
    }

    /// Whether a composed reply waits for staff, and why (for the case history).
    pub fn hold(
        &self,
        choice: ReplyChoice,
        confidence: Option<Level>,
        hold_anyway: Option<&str>,
    ) -> (bool, String) {
        if let Some(why) = hold_anyway {
            return (true, why.to_string());
        }
        match self.review {
            ReviewPolicy::Always => (true, "review: always".into()),
            ReviewPolicy::Never => (false, "review: never".into()),
            ReviewPolicy::WhenUnsure => match (choice, confidence) {
                (ReplyChoice::Answer, Some(Level::Low)) => {
                    (true, "review: when-unsure, low confidence".into())
                }
                (ReplyChoice::Answer, Some(level)) => (
                    false,
                    format!("review: when-unsure, confidence {level:?}").to_lowercase(),
                ),
                _ => (false, "review: when-unsure, a notice".into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{self, Limits};

    fn policy(members: &[&str], quota: u32, blocked: &[&str], review: ReviewPolicy) -> Policy {
        Policy {
            review,
            senders: SendersConfig {
                members: members.iter().map(|s| s.to_string()).collect(),
                guest_quota: quota,
                blocked: blocked.iter().map(|s| s.to_string()).collect(),
                rate_per_hour: 10,
                authserv_id: None,
            },
            own_addresses: vec!["consult@desk.example".into()],
        }
    }

    fn mail(from: &str, extra: &str) -> Question {
        let raw = format!(
            "From: {from}\r\nTo: consult@desk.example\r\nSubject: 99213\r\nMessage-ID: <a@b>\r\n{extra}\r\nIs 99213 billable?\r\n"
        );
        question::parse(raw.as_bytes(), &Limits::default())
    }

    const ONE: SenderHistory = SenderHistory {
        last_hour: 1,
        from_last_hour: 1,
        answers_30_days: 0,
    };

    #[test]
    fn members_by_address_or_domain_guests_by_quota() {
        let p = policy(
            &["clinic.example", "pat@solo.example"],
            2,
            &[],
            ReviewPolicy::Never,
        );
        let answer = Decision::Reply {
            choice: ReplyChoice::Answer,
            hold_anyway: None,
        };
        let over = Decision::Reply {
            choice: ReplyChoice::OverQuota,
            hold_anyway: None,
        };
        assert_eq!(p.decide(&mail("a@clinic.example", ""), false, ONE), answer);
        assert_eq!(
            p.decide(&mail("b@north.clinic.example", ""), false, ONE),
            answer
        );
        assert_eq!(p.decide(&mail("pat@solo.example", ""), false, ONE), answer);
        let guest = mail("sam@solo.example", "");
        assert_eq!(
            p.decide(
                &guest,
                false,
                SenderHistory {
                    last_hour: 1,
                    from_last_hour: 1,
                    answers_30_days: 1
                }
            ),
            answer
        );
        assert_eq!(
            p.decide(
                &guest,
                false,
                SenderHistory {
                    last_hour: 1,
                    from_last_hour: 1,
                    answers_30_days: 2
                }
            ),
            over
        );
        assert!(!address_matches("a@notclinic.example", "clinic.example"));
        let closed = policy(&["clinic.example"], 0, &[], ReviewPolicy::Never);
        assert_eq!(
            closed.decide(&guest, false, ONE),
            Decision::Reply {
                choice: ReplyChoice::NotRegistered,
                hold_anyway: None
            }
        );
    }

    #[test]
    fn automatic_own_and_blocked_mail_is_ignored_with_a_reason() {
        let p = policy(&[], 3, &["spam.example"], ReviewPolicy::Never);
        let ooo = mail("a@clinic.example", "Auto-Submitted: auto-replied\r\n");
        assert_eq!(
            p.decide(&ooo, false, ONE),
            Decision::Ignore("automatic mail (auto-reply): Auto-Submitted: auto-replied".into())
        );
        assert!("automatic mail (auto-reply)".starts_with(crate::store::cases::AUTOMATIC_MAIL));
        let bounce = mail("MAILER-DAEMON@mx.clinic.example", "");
        let Decision::Ignore(why) = p.decide(&bounce, false, ONE) else {
            panic!("a bounce is ignored");
        };
        assert!(why.contains("mailer-daemon@mx.clinic.example"), "{why}");
        assert_eq!(log_reason(&why), "automatic mail (bounce)");
        assert_eq!(log_reason("blocked sender"), "blocked sender");
        let own = mail("Desk <CONSULT@desk.example>", "");
        assert!(
            matches!(p.decide(&own, false, ONE), Decision::Ignore(r) if r.contains("own address"))
        );
        let blocked = mail("x@spam.example", "");
        assert_eq!(
            p.decide(&blocked, false, ONE),
            Decision::Ignore("blocked sender".into())
        );
    }

    #[test]
    fn the_rate_limit_holds_then_ignores() {
        let p = policy(&[], 3, &[], ReviewPolicy::Never);
        let q = mail("a@clinic.example", "");
        let busy = p.decide(
            &q,
            false,
            SenderHistory {
                last_hour: 11,
                from_last_hour: 1,
                answers_30_days: 0,
            },
        );
        assert!(
            matches!(
                busy,
                Decision::Reply {
                    hold_anyway: Some(_),
                    ..
                }
            ),
            "{busy:?}"
        );
        let flood = p.decide(
            &q,
            false,
            SenderHistory {
                last_hour: 31,
                from_last_hour: 1,
                answers_30_days: 0,
            },
        );
        assert!(matches!(flood, Decision::Ignore(r) if r.starts_with("rate limit")));
    }

    #[test]
    fn too_large_mail_gets_the_notice_and_review_decides_holding() {
        let p = policy(&[], 3, &[], ReviewPolicy::WhenUnsure);
        let q = mail("a@clinic.example", "");
        assert_eq!(
            p.decide(&q, true, ONE),
            Decision::Reply {
                choice: ReplyChoice::TooLarge,
                hold_anyway: None
            }
        );
        assert!(p.hold(ReplyChoice::Answer, Some(Level::Low), None).0);
        assert!(!p.hold(ReplyChoice::Answer, Some(Level::High), None).0);
        assert!(!p.hold(ReplyChoice::OverQuota, None, None).0);
        let always = policy(&[], 3, &[], ReviewPolicy::Always);
        assert!(always.hold(ReplyChoice::Answer, Some(Level::High), None).0);
        let never = policy(&[], 3, &[], ReviewPolicy::Never);
        assert!(!never.hold(ReplyChoice::Answer, Some(Level::Low), None).0);
        assert!(
            never
                .hold(ReplyChoice::Answer, Some(Level::High), Some("rate"))
                .0
        );
    }

    #[test]
    fn blocks_and_members_resist_tags_dots_and_case() {
        let p = policy(
            &["jane.doe@gmail.com", "clinic.example"],
            0,
            &["spam@x.example", "googlemail.com"],
            ReviewPolicy::Never,
        );
        for blocked in [
            "Spam+1@X.example",
            "SPAM@x.example",
            "any.one@gmail.com",
            "x+y@GoogleMail.com",
        ] {
            assert_eq!(
                p.decide(&mail(blocked, ""), false, ONE),
                Decision::Ignore("blocked sender".into()),
                "{blocked}"
            );
        }
        let open = policy(
            &["jane.doe@gmail.com", "clinic.example"],
            0,
            &[],
            ReviewPolicy::Never,
        );
        for member in [
            "JaneDoe+q@googlemail.com",
            "j.a.n.e.doe@Gmail.com",
            "Pat+x@North.Clinic.Example",
        ] {
            assert!(open.is_member(member), "{member}");
        }
        assert!(!open.is_member("jane.doe@clinic-example.org"));
        assert!(!address_matches("pat@clinic.example", ""));
    }

    #[test]
    fn a_reply_to_elsewhere_is_blocked_and_loops_to_our_own_tagged_address_are_caught() {
        let p = policy(&[], 3, &["evil.example"], ReviewPolicy::Never);
        let to_blocked = mail("a@clinic.example", "Reply-To: x+1@Evil.example\r\n");
        assert_eq!(
            p.decide(&to_blocked, false, ONE),
            Decision::Ignore("blocked sender".into())
        );
        let own = mail("Desk <Consult+bounce@desk.example>", "");
        assert!(
            matches!(p.decide(&own, false, ONE), Decision::Ignore(r) if r.contains("own address"))
        );
    }

    #[test]
    fn the_loop_guard_also_counts_the_from_address() {
        let p = policy(&[], 3, &[], ReviewPolicy::Never);
        let q = mail(
            "bot@clinic.example",
            "Reply-To: someone-else@clinic.example\r\n",
        );
        // Few messages to this recipient, a flood from this From: a loop all the same.
        let flood = p.decide(
            &q,
            false,
            SenderHistory {
                last_hour: 1,
                from_last_hour: 31,
                answers_30_days: 0,
            },
        );
        assert!(
            matches!(&flood, Decision::Ignore(r) if r.starts_with("rate limit")),
            "{flood:?}"
        );
        // The hold (under the loop guard) is the recipient's: a busy From alone holds nothing.
        let busy_from = p.decide(
            &q,
            false,
            SenderHistory {
                last_hour: 1,
                from_last_hour: 11,
                answers_30_days: 0,
            },
        );
        assert!(
            matches!(
                busy_from,
                Decision::Reply {
                    hold_anyway: None,
                    ..
                }
            ),
            "{busy_from:?}"
        );
    }

    fn authenticating(members: &[&str], quota: u32) -> Policy {
        let mut p = policy(members, quota, &[], ReviewPolicy::Never);
        p.senders.authserv_id = Some("mx.desk.example".into());
        p
    }

    const PASS: &str =
        "Authentication-Results: mx.desk.example; dmarc=pass header.from=clinic.example\r\n";
    const FORGED: &str = "Authentication-Results: mx.desk.example; spf=softfail \
        smtp.mailfrom=clinic.example; dmarc=fail header.from=clinic.example\r\n";

    /// Security finding 3: with authentication on, a forged From gets no notice and its answer
    /// waits for a person; an authenticated one is answered as before.
    #[test]
    fn unauthenticated_senders_get_no_notice_and_their_answers_are_held() {
        let p = authenticating(&["clinic.example"], 0);
        let ok = p.decide(&mail("a@clinic.example", PASS), false, ONE);
        assert_eq!(
            ok,
            Decision::Reply {
                choice: ReplyChoice::Answer,
                hold_anyway: None
            }
        );
        match p.decide(&mail("a@clinic.example", FORGED), false, ONE) {
            Decision::Reply {
                choice: ReplyChoice::Answer,
                hold_anyway: Some(why),
            } => assert!(why.contains("not authenticated"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A guest would get "not registered": a forged guest gets nothing at all.
        match p.decide(&mail("x@forged.example", FORGED), false, ONE) {
            Decision::Ignore(why) => assert!(why.contains("no notice"), "{why}"),
            other => panic!("{other:?}"),
        }
        // Off (the default), the same message is answered as before.
        let off = policy(&["clinic.example"], 0, &[], ReviewPolicy::Never);
        assert_eq!(
            off.decide(&mail("a@clinic.example", FORGED), false, ONE),
            ok
        );
    }

    #[test]
    fn reply_to_is_used_only_when_aligned_or_a_member() {
        let p = authenticating(&["clinic.example", "billing@partner.example"], 3);
        let with = |reply_to: &str| {
            let mut q = mail(
                "a@clinic.example",
                &format!("{PASS}Reply-To: {reply_to}\r\n"),
            );
            p.trust_reply_to(&mut q);
            q.reply_address().unwrap().address.clone()
        };
        assert_eq!(
            with("front@mail.clinic.example"),
            "front@mail.clinic.example"
        );
        assert_eq!(with("billing@partner.example"), "billing@partner.example");
        assert_eq!(with("victim@elsewhere.example"), "a@clinic.example");
    }

    #[test]
    fn a_reply_address_without_a_dot_in_its_domain_is_not_answered() {
        let p = policy(&[], 3, &[], ReviewPolicy::Never);
        match p.decide(&mail("root@localhost", ""), false, ONE) {
            Decision::Ignore(why) => assert!(why.contains("no dot"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
