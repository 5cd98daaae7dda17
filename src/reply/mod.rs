//! The reply email: an `Answer` (or a notice) to an RFC 5322 message with text and HTML parts,
//! threaded to the question; pure. It must not look anything up, send anything or read the clock:
//! the templates are read once by [`Replier::new`], and the moment of the reply is an argument.

mod context;
pub mod edited;
mod message;
mod render;
mod staff;
mod subject;
mod wrap;

pub use render::{OPTIONAL_TEMPLATES, REQUIRED_TEMPLATES, TEMPLATE_FUEL};
pub use staff::{NoticeCase, NoticeKind, StaffNotice};
pub use subject::reply_subject;

use crate::answer::Answer;
use crate::question::Question;

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
    /// "Received; a coder looks at it first; expect an answer ...": sent once when a case is held.
    Acknowledgement {
        /// When to expect the answer, as the sentence ends: "within one working day".
        expected: &'a str,
    },
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
    /// The folder of the reply templates; empty for the built-in copies.
    pub templates: std::path::PathBuf,
}

impl ReplySettings {
    /// The settings from the `[reply]` section and the outbox's From. The default `templates`
    /// folder, when the working directory has none, is the set built into the binary.
    pub fn from_config(reply: &crate::config::ReplyConfig, from: &str) -> ReplySettings {
        let mut templates = reply.templates.clone();
        if templates == std::path::Path::new("templates") && !templates.is_dir() {
            templates = std::path::PathBuf::new();
        }
        ReplySettings {
            from: from.to_string(),
            message_id_domain: reply.message_id_domain.clone(),
            footer: reply.footer.clone(),
            templates,
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
    /// An address of the reply is not a valid mailbox.
    #[error("the reply's {field} address {value:?} is not a valid mailbox: {reason}")]
    Address {
        /// `From` (the `[outbox] from` setting) or `To` (the asker's address).
        field: &'static str,
        /// The address as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The message could not be assembled.
    #[error("cannot assemble the reply message: {0}")]
    Message(String),
}

/// Composes replies.
#[derive(Debug, Clone)]
pub struct Replier {
    settings: ReplySettings,
    from: lettre::message::Mailbox,
    templates: render::Templates,
}

impl Replier {
    /// A replier with these settings; loads the templates once (edit them and restart).
    pub fn new(settings: ReplySettings) -> Result<Replier, ReplyError> {
        let from = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| ReplyError::Address {
                field: "From",
                value: settings.from.clone(),
                reason: e.to_string(),
            })?;
        let templates = render::Templates::load(&settings.templates)?;
        Ok(Replier {
            settings,
            from,
            templates,
        })
    }

    /// Writes the reply of `kind` to `question` for case `case_ref`, dated `now_unix` (seconds),
    /// with a Message-ID made of the reference and the time: the same on every run, for the
    /// command line. The worker uses [`Replier::compose_with_nonce`].
    pub fn compose(
        &self,
        kind: ReplyKind<'_>,
        question: &Question,
        case_ref: &str,
        now_unix: i64,
    ) -> Result<OutgoingReply, ReplyError> {
        self.compose_with_nonce(kind, question, case_ref, now_unix, now_unix as u64)
    }

    /// As [`Replier::compose`], the Message-ID carrying `nonce`: the worker gives a random one,
    /// so no one can forge a message that passes for one of our replies.
    pub fn compose_with_nonce(
        &self,
        kind: ReplyKind<'_>,
        question: &Question,
        case_ref: &str,
        now_unix: i64,
        nonce: u64,
    ) -> Result<OutgoingReply, ReplyError> {
        let to = question.reply_address().ok_or(ReplyError::NoRecipient)?;
        let message_id = message_id(case_ref, nonce, &self.settings.message_id_domain);
        let subject = reply_subject(&question.subject, case_ref);
        let ctx = context::ReplyContext::new(kind, question, case_ref, &self.settings.footer);
        let (text, html) = self.templates.render(&ctx)?;
        let raw = message::assemble(&message::Parts {
            from: &self.from,
            to,
            subject: &subject,
            message_id: &message_id,
            question,
            case_ref,
            now_unix,
            text: &text,
            html: &html,
        })?;
        Ok(OutgoingReply {
            message_id,
            to: to.address.clone(),
            subject,
            text,
            html,
            raw,
        })
    }
}

/// The Message-ID of a case's reply: the case reference (which threads a follow-up to its
/// case) and a nonce, in the configured domain.
pub fn message_id(case_ref: &str, nonce: u64, domain: &str) -> String {
    format!("codedesk.{case_ref}.{nonce}@{domain}")
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

/// A case reference derived from the question alone (`CD-` and 8 hex digits of a hash of its
/// Message-ID, else of its bytes): stable for the same message, for the command line.
pub fn case_ref_for(question: &Question, raw: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = match &question.message_id {
        Some(id) => Sha256::digest(id.as_bytes()),
        None => Sha256::digest(raw),
    };
    let hex: String = digest[..4].iter().map(|b| format!("{b:02X}")).collect();
    format!("CD-{hex}")
}

#[cfg(test)]
mod tests;
