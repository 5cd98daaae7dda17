//! The reply as RFC 5322 bytes (lettre's builder): multipart/alternative text and HTML, threaded
//! to the question, marked as an automatic reply and with our case header so our own mail is
//! recognised as a loop. Deterministic: the MIME boundary comes from the Message-ID. The text
//! part is 7-bit or quoted-printable (readable as it is), the HTML part base64.

use super::ReplyError;
use crate::question::{self, Question};
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};
use std::time::{Duration, UNIX_EPOCH};

/// How many ids of the question's References are carried (the first and the latest ones).
const MAX_REFERENCES: usize = 12;

/// What the message is made of.
pub struct Parts<'a> {
    /// Our From.
    pub from: &'a Mailbox,
    /// The asker (Reply-To, else From).
    pub to: &'a question::Mailbox,
    /// The Subject.
    pub subject: &'a str,
    /// The Message-ID, without brackets.
    pub message_id: &'a str,
    /// The question answered (for threading).
    pub question: &'a Question,
    /// The case reference.
    pub case_ref: &'a str,
    /// The Date, Unix seconds.
    pub now_unix: i64,
    /// The text part.
    pub text: &'a str,
    /// The HTML part.
    pub html: &'a str,
}

/// The whole message, CRLF line ends. The asker's name and the subject are written as one clean
/// line whatever they hold; should lettre still panic on a value, that is an error, not a crash.
pub fn assemble(p: &Parts<'_>) -> Result<Vec<u8>, ReplyError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(p))).unwrap_or_else(|_| {
        Err(ReplyError::Message(
            "a header value from the question could not be written".into(),
        ))
    })
}

fn build(p: &Parts<'_>) -> Result<Vec<u8>, ReplyError> {
    let address =
        p.to.address
            .parse()
            .map_err(|e: lettre::address::AddressError| ReplyError::Address {
                field: "To",
                value: p.to.address.clone(),
                reason: e.to_string(),
            })?;
    let name = p.to.name.as_deref().map(question::clean::header_text);
    let to = Mailbox::new(name.filter(|n| !n.is_empty()), address);
    let date = UNIX_EPOCH + Duration::from_secs(u64::try_from(p.now_unix).unwrap_or(0));
    let mut builder = Message::builder()
        .from(p.from.clone())
        .to(to)
        .subject(question::clean::header_text(p.subject))
        .date(date)
        .message_id(Some(format!("<{}>", p.message_id)));
    if let Some(id) = &p.question.message_id {
        builder = builder
            .in_reply_to(format!("<{id}>"))
            .references(references(p.question, id));
    }
    let raw = |name: &'static str, value: &str| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
    };
    builder = builder
        .raw_header(raw("Auto-Submitted", "auto-replied"))
        .raw_header(raw("X-Auto-Response-Suppress", "All"))
        .raw_header(raw(question::CASE_HEADER, p.case_ref));
    let body = MultiPart::alternative()
        .boundary(boundary(p.message_id))
        .singlepart(SinglePart::plain(p.text.to_string()))
        .singlepart(
            // Base64: quoted-printable of markup full of `=` and long lines was the slowest step
            // of composing a reply; base64 is faster, at some 20% more bytes.
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .header(ContentTransferEncoding::Base64)
                .body(p.html.to_string()),
        );
    let message = builder
        .multipart(body)
        .map_err(|e| ReplyError::Message(e.to_string()))?;
    Ok(message.formatted())
}

/// The question's References (or its In-Reply-To) and its own id: the thread so far, trimmed to
/// the first id and the latest ones.
fn references(q: &Question, id: &str) -> String {
    let mut ids: Vec<&str> = if q.references.is_empty() {
        q.in_reply_to.iter().take(1).map(String::as_str).collect()
    } else {
        q.references.iter().map(String::as_str).collect()
    };
    ids.retain(|r| *r != id);
    if ids.len() >= MAX_REFERENCES {
        let keep_from = ids.len() - (MAX_REFERENCES - 2);
        ids.drain(1..keep_from);
    }
    ids.push(id);
    ids.iter()
        .map(|r| format!("<{r}>"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A MIME boundary from the Message-ID's hash: the same message always has the same bytes.
fn boundary(message_id: &str) -> String {
    let digest = Sha256::digest(message_id.as_bytes());
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("codedesk-alt-{hex}")
}
