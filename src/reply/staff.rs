//! Mail to staff ([`StaffNotice`]): a case held for review, a digest of held cases, or an overdue
//! reminder. Plain text from `staff_notice.txt`, marked `Auto-Submitted: auto-generated`, never
//! threaded to a question. Only the reference, sender, subject and link of each case: never the
//! question's text.

use super::{Replier, ReplyError};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use std::time::{Duration, UNIX_EPOCH};

/// What a staff mail is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// One case was held.
    Held,
    /// The cases held since the last digest.
    Digest,
    /// A held case passed its due time.
    Overdue,
}

/// One case in a staff mail.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NoticeCase {
    /// `CD-9`.
    pub case_ref: String,
    /// The sender's address, when readable.
    pub sender: Option<String>,
    /// The question's subject, when readable.
    pub subject: Option<String>,
    /// The case page.
    pub link: String,
    /// When it was received, in the desk's zone.
    pub received: String,
    /// Business time waited (overdue reminders).
    pub waited: Option<String>,
}

/// A staff mail's content (the template's variables).
#[derive(Clone, Debug, serde::Serialize)]
pub struct StaffNotice {
    /// `held`, `digest` or `overdue`.
    pub kind: NoticeKind,
    /// The cases, oldest first.
    pub cases: Vec<NoticeCase>,
    /// `[policy] answer_within` as written (`4h`), for reminders.
    pub within: Option<String>,
}

impl StaffNotice {
    /// The Subject: the kind and the reference (or the count), nothing from the question.
    pub fn subject(&self) -> String {
        match (self.kind, self.cases.as_slice()) {
            (NoticeKind::Overdue, [one]) => format!("Overdue: {} waits for review", one.case_ref),
            (_, [one]) => format!("Held for review: {}", one.case_ref),
            (_, many) => format!("Held for review: {} cases", many.len()),
        }
    }
}

impl Replier {
    /// The staff mail `notice` to `to`, dated `now_unix`: its Message-ID (no brackets) and bytes.
    pub fn compose_staff_notice(
        &self,
        notice: &StaffNotice,
        to: &[String],
        now_unix: i64,
        nonce: u64,
    ) -> Result<(String, Vec<u8>), ReplyError> {
        let text = self.templates.render_named(
            "staff_notice.txt",
            &minijinja::Value::from_serialize(notice),
        )?;
        let message_id = format!(
            "codedesk.staff.{nonce:016x}@{}",
            self.settings.message_id_domain
        );
        let date = UNIX_EPOCH + Duration::from_secs(u64::try_from(now_unix).unwrap_or(0));
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(notice.subject())
            .date(date)
            .message_id(Some(format!("<{message_id}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_string(),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
                "All".to_string(),
            ));
        for address in to {
            let mailbox = address
                .parse()
                .map_err(|e: lettre::address::AddressError| ReplyError::Address {
                    field: "To",
                    value: address.clone(),
                    reason: e.to_string(),
                })?;
            builder = builder.to(mailbox);
        }
        let message = builder
            .header(ContentType::TEXT_PLAIN)
            .body(text)
            .map_err(|e| ReplyError::Message(e.to_string()))?;
        Ok((message_id, message.formatted()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(n: u32) -> NoticeCase {
        NoticeCase {
            case_ref: format!("CD-{n}"),
            sender: Some("coder@clinic.example".into()),
            subject: Some("Modifier 25 with 99213".into()),
            link: format!("https://desk.example.org/case/{n}"),
            received: "2026-12-11 16:00 CST".into(),
            waited: None,
        }
    }

    #[test]
    fn staff_mail_lists_references_and_links_and_is_auto_generated() {
        let replier = crate::reply::tests::replier();
        let notice = StaffNotice {
            kind: NoticeKind::Digest,
            cases: vec![case(9), case(12)],
            within: None,
        };
        let to = vec!["coders@desk.example".to_string()];
        let (id, raw) = replier
            .compose_staff_notice(&notice, &to, 1_700_000_000, 7)
            .unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains(&format!("Message-ID: <{id}>")), "{text}");
        assert!(text.contains("Auto-Submitted: auto-generated"), "{text}");
        assert!(text.contains("Subject: Held for review: 2 cases"), "{text}");
        assert!(
            !text.contains("In-Reply-To") && !text.contains("References"),
            "{text}"
        );
        for n in [9, 12] {
            assert!(text.contains(&format!("CD-{n}")), "{text}");
            assert!(
                text.contains(&format!("https://desk.example.org/case/{n}")),
                "{text}"
            );
        }
        let overdue = StaffNotice {
            kind: NoticeKind::Overdue,
            cases: vec![NoticeCase {
                waited: Some("5 h 20 min".into()),
                ..case(9)
            }],
            within: Some("4h".into()),
        };
        assert_eq!(overdue.subject(), "Overdue: CD-9 waits for review");
        let (_, raw) = replier
            .compose_staff_notice(&overdue, &to, 1_700_000_000, 8)
            .unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("5 h 20 min"), "{text}");
    }
}
