//! The reply email: an `Answer` (or a notice) to an RFC 5322 message with text and HTML parts,
//! threaded to the question; pure. It must not look anything up, send anything or read the clock.
//!
//! This file fixes the API the worker builds on. The rendering below is the interim plain form;
//! the templated rendering (minijinja, `templates/`) replaces it behind the same signatures.

use crate::answer::Answer;
use crate::question::Question;
use std::fmt::Write as _;

/// What kind of reply to write.
#[derive(Debug, Clone, Copy)]
pub enum ReplyKind<'a> {
    /// The answer to a question (with codes, or suggestions only).
    Answer(&'a Answer),
    /// The sender is not registered with the consult desk.
    NotRegistered,
    /// The sender has used the answers a guest gets in 30 days.
    OverQuota {
        /// Answers a guest gets per 30 days.
        quota: u32,
    },
    /// The message could not be processed (too large, unreadable); the reason in plain words.
    Unprocessable(&'a str),
}

/// What the reply needs besides the question: who sends it and how it is signed.
#[derive(Debug, Clone)]
pub struct ReplySettings {
    /// The From of every reply: `Coding Desk <consult@example.org>`.
    pub from: String,
    /// The domain of reply Message-IDs.
    pub message_id_domain: String,
    /// The disclaimer at the foot of every reply.
    pub footer: String,
    /// The folder of the reply templates.
    pub templates: std::path::PathBuf,
}

impl ReplySettings {
    /// The settings from the `[reply]` section and the outbox's From.
    pub fn from_config(reply: &crate::config::ReplyConfig, from: &str) -> ReplySettings {
        ReplySettings {
            from: from.to_string(),
            message_id_domain: reply.message_id_domain.clone(),
            footer: reply.footer.clone(),
            templates: reply.templates.clone(),
        }
    }
}

/// A composed reply, ready for the outbox.
#[derive(Debug, Clone)]
pub struct OutgoingReply {
    /// Message-ID without angle brackets (decided before sending, stored with the case).
    pub message_id: String,
    /// The recipient address.
    pub to: String,
    /// The Subject header.
    pub subject: String,
    /// The text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The whole message, RFC 5322, CRLF line ends.
    pub raw: Vec<u8>,
}

/// Why a reply could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// The question has no address to reply to.
    #[error("the question has no From or Reply-To address to answer")]
    NoRecipient,
    /// A template failed to load or render.
    #[error("reply template {name}: {reason}")]
    Template {
        /// The template file.
        name: String,
        /// What went wrong.
        reason: String,
    },
}

/// Composes replies.
#[derive(Debug, Clone)]
pub struct Replier {
    settings: ReplySettings,
}

impl Replier {
    /// A replier with these settings; loads the templates once (edit them and restart).
    pub fn new(settings: ReplySettings) -> Result<Replier, ReplyError> {
        Ok(Replier { settings })
    }

    /// Writes the reply of `kind` to `question` for case `case_ref`, dated `now_unix` (seconds).
    pub fn compose(
        &self,
        kind: ReplyKind<'_>,
        question: &Question,
        case_ref: &str,
        now_unix: i64,
    ) -> Result<OutgoingReply, ReplyError> {
        let to = question
            .reply_address()
            .ok_or(ReplyError::NoRecipient)?
            .address
            .clone();
        let message_id = message_id(case_ref, now_unix, &self.settings.message_id_domain);
        let subject = reply_subject(&question.subject, case_ref);
        let mut text = String::new();
        match kind {
            ReplyKind::Answer(answer) => {
                for c in &answer.codes {
                    let _ = writeln!(
                        text,
                        "{} {}: {}",
                        c.system_label,
                        c.code,
                        c.description.as_deref().unwrap_or("not found")
                    );
                }
            }
            ReplyKind::NotRegistered => text.push_str("This address is not registered.\n"),
            ReplyKind::OverQuota { quota } => {
                let _ = writeln!(text, "You have had {quota} answers in 30 days.");
            }
            ReplyKind::Unprocessable(why) => {
                let _ = writeln!(text, "Your message could not be processed: {why}.");
            }
        }
        let _ = write!(text, "\n-- \n{}\n", self.settings.footer);
        let html = format!("<pre>{}</pre>", escape_html(&text));
        let mut reply = OutgoingReply {
            message_id,
            to,
            subject,
            text,
            html,
            raw: Vec::new(),
        };
        reply.raw = build_raw(&self.settings.from, &reply, question, now_unix, case_ref);
        Ok(reply)
    }
}

/// The Message-ID of a case's reply: unique per case and moment, in the configured domain.
pub fn message_id(case_ref: &str, now_unix: i64, domain: &str) -> String {
    format!("codedesk.{case_ref}.{now_unix}@{domain}")
}

/// The case reference a follow-up carries: in a `[CD-…]` subject tag or in an In-Reply-To or
/// References id that one of our replies had.
pub fn case_ref_in(question: &Question) -> Option<String> {
    let ids = question
        .in_reply_to
        .iter()
        .chain(question.references.iter());
    for id in ids {
        if let Some(rest) = id.strip_prefix("codedesk.")
            && let Some((case_ref, _)) = rest.split_once('.')
        {
            return Some(case_ref.to_string());
        }
    }
    let start = question.subject.find("[CD-")?;
    let tag = &question.subject[start + 1..];
    let end = tag.find(']')?;
    Some(tag[..end].to_string())
}

fn reply_subject(subject: &str, case_ref: &str) -> String {
    let bare = crate::question::strip_prefixes(subject);
    if bare.contains(&format!("[{case_ref}]")) {
        format!("Re: {bare}")
    } else {
        format!("Re: {bare} [{case_ref}]")
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn build_raw(
    from: &str,
    reply: &OutgoingReply,
    question: &Question,
    now_unix: i64,
    case_ref: &str,
) -> Vec<u8> {
    let OutgoingReply {
        to,
        subject,
        message_id,
        text,
        ..
    } = reply;
    let mut out = String::new();
    let _ = write!(out, "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n");
    let _ = write!(out, "Date: {}\r\n", rfc2822(now_unix));
    let _ = write!(out, "Message-ID: <{message_id}>\r\n");
    if let Some(id) = &question.message_id {
        let mut refs: Vec<String> = question
            .references
            .iter()
            .map(|r| format!("<{r}>"))
            .collect();
        refs.push(format!("<{id}>"));
        let _ = write!(
            out,
            "In-Reply-To: <{id}>\r\nReferences: {}\r\n",
            refs.join(" ")
        );
    }
    out.push_str("Auto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n");
    let _ = write!(out, "{}: {case_ref}\r\n", crate::question::CASE_HEADER);
    out.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n");
    out.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
    for line in text.lines() {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn rfc2822(now_unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = now_unix.div_euclid(86_400);
    let secs = now_unix.rem_euclid(86_400);
    let (y, m, d) = crate::date::Date::from_days(days as i32).ymd();
    format!(
        "{}, {d} {} {y} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
