//! Raw RFC 5322 bytes to a [`Question`](crate::question::Question): who asks and where to
//! reply, the thread ids, the body as text (HTML converted), the new text with quoted history
//! and signatures removed, the attachments (listed; their bytes through [`attachments`]), and
//! whether the message is
//! automatic mail that must not be answered. Pure: no I/O, no clock; never fails and never
//! panics, whatever the bytes.

mod address_key;
mod automatic;
mod body;
pub mod clean;
/// HTML to plain text (also for HTML attachments).
pub(crate) mod html;
mod quoted;
pub mod sender_auth;

pub use address_key::address_key;
pub use automatic::{Automatic, AutomaticKind, CASE_HEADER, strip_prefixes};

use crate::date::Date;
use mail_parser::{Address, HeaderValue, Message, MessageParser};
use serde::Serialize;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::LazyLock;

/// Limits on what comes from outside; past one, the question says so instead of failing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the raw message read; the rest is ignored.
    pub max_message_bytes: usize,
    /// How deep MIME parts may nest.
    pub max_mime_depth: usize,
    /// How many MIME parts are read.
    pub max_parts: usize,
    /// Bytes of body text kept (the full text; the new text is part of it).
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_bytes: 32 << 20,
            max_mime_depth: 16,
            max_parts: 256,
            max_text_bytes: 256 << 10,
        }
    }
}

/// A limit the message went past.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LimitHit {
    /// The message is larger than `limit` bytes; only the first `limit` were read.
    MessageSize { limit: usize, size: usize },
    /// MIME parts nest deeper than `limit`; deeper parts were not read.
    MimeDepth { limit: usize },
    /// The message has more than `limit` parts; the rest were not read.
    Parts { limit: usize },
    /// The body text is `length` bytes, more than `limit`; the text was cut.
    TextLength { limit: usize, length: usize },
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitHit::MessageSize { limit, size } => {
                write!(f, "message of {size} bytes cut to the first {limit}")
            }
            LimitHit::MimeDepth { limit } => {
                write!(f, "MIME parts nested deeper than {limit} not read")
            }
            LimitHit::Parts { limit } => write!(f, "MIME parts after the first {limit} not read"),
            LimitHit::TextLength { limit, length } => {
                write!(f, "body text of {length} bytes cut to {limit}")
            }
        }
    }
}

/// An e-mail address and the display name that came with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The address, lower case: `coder@clinic.example`.
    pub address: String,
    /// The display name, if any: `Jane Doe`.
    pub name: Option<String>,
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}

/// When the message says it was written: seconds since the epoch and the sender's UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailDate {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub timestamp: i64,
    /// The sender's offset from UTC in minutes (-300 for New York in winter).
    pub offset_minutes: i32,
}

impl MailDate {
    /// The calendar date in UTC.
    pub fn utc_date(self) -> Date {
        Date::from_days(self.timestamp.div_euclid(86_400) as i32)
    }

    /// The calendar date where the sender was.
    pub fn local_date(self) -> Date {
        let local = self.timestamp + i64::from(self.offset_minutes) * 60;
        Date::from_days(local.div_euclid(86_400) as i32)
    }
}

impl fmt::Display for MailDate {
    /// RFC 3339 in the sender's offset: `2024-03-04T09:12:00-05:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.timestamp + i64::from(self.offset_minutes) * 60;
        let (y, m, d) = Date::from_days(local.div_euclid(86_400) as i32).ymd();
        let secs = local.rem_euclid(86_400);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if self.offset_minutes == 0 {
            return f.write_str("Z");
        }
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let off = self.offset_minutes.abs();
        write!(f, "{sign}{:02}:{:02}", off / 60, off % 60)
    }
}

impl Serialize for MailDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A file attached to the message, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Its file name, if it has one.
    pub name: Option<String>,
    /// Its MIME type, lower case: `application/pdf`.
    pub content_type: String,
    /// Its decoded size in bytes.
    pub size: usize,
    /// Shown inline (an image in a signature) rather than attached.
    pub inline: bool,
}

/// Where the body text came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    /// No text at all.
    #[default]
    None,
    /// text/plain.
    Plain,
    /// HTML only, converted to text.
    Html,
    /// Both, from different parts.
    Mixed,
}

/// A message as codedesk understands it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The sender (From).
    pub from: Option<Mailbox>,
    /// Where replies go (Reply-To), when it differs from the sender.
    pub reply_to: Option<Mailbox>,
    /// The recipients (To).
    pub to: Vec<Mailbox>,
    /// The copied recipients (Cc).
    pub cc: Vec<Mailbox>,
    /// The subject, decoded.
    pub subject: String,
    /// Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// References ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The Date header, when valid.
    pub date: Option<MailDate>,
    /// Why the message is automatic mail, if it is; such mail is never answered.
    pub automatic: Option<Automatic>,
    /// Files attached.
    pub attachments: Vec<Attachment>,
    /// The new text: what the sender wrote or forwarded, without quoted history and signature.
    /// This is what `extract` reads.
    pub text: String,
    /// The whole body as text, for staff.
    pub full_text: String,
    /// Where the body text came from.
    pub body_kind: BodyKind,
    /// The text holds a forwarded message.
    pub forwarded: bool,
    /// Quoted history was removed from the text.
    pub quoted_removed: bool,
    /// A signature or disclaimer was removed from the text.
    pub signature_removed: bool,
    /// Limits the message went past.
    pub limits_hit: Vec<LimitHit>,
    /// The `Authentication-Results` header values, topmost first (see [`sender_auth`]).
    pub authentication_results: Vec<String>,
}

impl Question {
    /// The address a reply goes to: Reply-To, else From.
    pub fn reply_address(&self) -> Option<&Mailbox> {
        self.reply_to.as_ref().or(self.from.as_ref())
    }

    /// The subject without `Re:`/`Fwd:` prefixes.
    pub fn bare_subject(&self) -> &str {
        automatic::strip_prefixes(&self.subject)
    }
}

static PARSER: LazyLock<MessageParser> = LazyLock::new(MessageParser::default);

/// Parses `raw` into a [`Question`]. Never fails: what cannot be read is left empty, and
/// whatever went past `limits` is listed in `limits_hit`.
pub fn parse(raw: &[u8], limits: &Limits) -> Question {
    let mut limits_hit = Vec::new();
    let mut raw = raw;
    if raw.len() > limits.max_message_bytes {
        limits_hit.push(LimitHit::MessageSize {
            limit: limits.max_message_bytes,
            size: raw.len(),
        });
        raw = &raw[..limits.max_message_bytes];
    }
    raw = skip_mbox_line(raw);
    // mail-parser has `debug_assert!`s that malformed nesting can reach (found by fuzzing): in
    // a build with debug assertions they panic. Then the headers are parsed alone and the body
    // is read as raw text, so the question still exists.
    let parsed = std::panic::catch_unwind(AssertUnwindSafe(|| PARSER.parse(raw)));
    match parsed {
        Ok(Some(msg)) => from_message(&msg, raw, limits, limits_hit, false),
        Ok(None) => unparsed(raw, limits, limits_hit),
        Err(_) => match std::panic::catch_unwind(AssertUnwindSafe(|| PARSER.parse_headers(raw))) {
            Ok(Some(msg)) => from_message(&msg, raw, limits, limits_hit, true),
            _ => unparsed(raw, limits, limits_hit),
        },
    }
}

/// The attachments of `raw` with their decoded bytes, in the order [`Question::attachments`]
/// lists them (text parts as UTF-8, converted from their charset). Never fails: a message that
/// cannot be read has none.
pub fn attachments(raw: &[u8], limits: &Limits) -> Vec<(Attachment, Vec<u8>)> {
    let raw = skip_mbox_line(&raw[..raw.len().min(limits.max_message_bytes)]);
    let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
        PARSER.parse(raw).map(|msg| body::read(&msg, limits, true))
    }));
    match read {
        Ok(Some(body)) => body.attachments.into_iter().zip(body.contents).collect(),
        _ => Vec::new(),
    }
}

/// Mailbox files and some tools put a `From sender date` line before the headers.
fn skip_mbox_line(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        if let Some(nl) = raw.iter().position(|&b| b == b'\n') {
            return &raw[nl + 1..];
        }
    }
    raw
}

/// A message without headers: its bytes are the text, and nobody can be answered.
fn unparsed(raw: &[u8], limits: &Limits, mut limits_hit: Vec<LimitHit>) -> Question {
    let mut text = String::from_utf8_lossy(raw).into_owned();
    if text.len() > limits.max_text_bytes {
        limits_hit.push(LimitHit::TextLength {
            limit: limits.max_text_bytes,
            length: text.len(),
        });
        let mut end = limits.max_text_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    let new = quoted::new_text(&text, false);
    Question {
        from: None,
        reply_to: None,
        to: Vec::new(),
        cc: Vec::new(),
        subject: String::new(),
        message_id: None,
        in_reply_to: Vec::new(),
        references: Vec::new(),
        date: None,
        automatic: Some(Automatic {
            kind: AutomaticKind::NoReply,
            reason: "no headers: not a mail message".to_string(),
        }),
        attachments: Vec::new(),
        text: new.text,
        full_text: text,
        body_kind: BodyKind::Plain,
        forwarded: false,
        quoted_removed: new.quoted_removed,
        signature_removed: new.signature_removed,
        limits_hit,
        authentication_results: Vec::new(),
    }
}

/// A mailbox whose name is one clean line; none when the address is missing or holds spaces or
/// control characters (it could not be written into a reply's header).
fn mailbox(name: Option<&str>, address: Option<&str>) -> Option<Mailbox> {
    let address = address?.trim().trim_matches(['<', '>']).trim();
    if !address.contains('@') || !clean::is_clean_token(address) {
        return None;
    }
    Some(Mailbox {
        address: address.to_lowercase(),
        name: name
            .map(|n| clean::header_text(n.trim().trim_matches('"')))
            .filter(|n| !n.is_empty()),
    })
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    address
        .map(|a| {
            a.iter()
                .take(64)
                .filter_map(|m| mailbox(m.name(), m.address()))
                .collect()
        })
        .unwrap_or_default()
}

fn first_mailbox(address: Option<&Address<'_>>) -> Option<Mailbox> {
    address?
        .iter()
        .take(64)
        .find_map(|m| mailbox(m.name(), m.address()))
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let clean = |s: &str| s.trim().trim_matches(['<', '>']).to_string();
    match value {
        HeaderValue::Text(t) => vec![clean(t)],
        HeaderValue::TextList(list) => list.iter().take(256).map(|t| clean(t)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| clean::is_clean_token(s))
    .collect()
}

/// The question of a parsed message; with `headers_only`, its body is read as raw text.
fn from_message(
    msg: &Message<'_>,
    raw: &[u8],
    limits: &Limits,
    mut limits_hit: Vec<LimitHit>,
    headers_only: bool,
) -> Question {
    let headers: Vec<(String, String)> = msg
        .parts
        .first()
        .map(|root| {
            root.headers
                .iter()
                .take(512)
                .map(|h| {
                    let value = raw
                        .get(h.offset_start as usize..h.offset_end as usize)
                        .map(|v| String::from_utf8_lossy(v).trim().to_string())
                        .unwrap_or_default();
                    (h.name().to_string(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let from = first_mailbox(msg.from());
    let has_from = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("From"));
    let subject = clean::header_text(msg.subject().unwrap_or(""));
    let body = if headers_only {
        body::raw(raw, limits)
    } else {
        body::read(msg, limits, false)
    };
    limits_hit.extend(body.limits_hit.iter().cloned());

    let automatic = automatic::detect(&automatic::Signs {
        headers: &headers,
        from: from.as_ref().map(|m| m.address.as_str()),
        has_from,
        subject: &subject,
        part_types: &body.part_types,
        report_type: body.report_type.as_deref(),
        text: &body.text,
    });
    let new = quoted::new_text(&body.text, automatic::is_forward_subject(&subject));
    let reply_to = first_mailbox(msg.reply_to()).filter(|r| Some(r) != from.as_ref());
    let date = msg.date().filter(|d| d.is_valid()).map(|d| MailDate {
        timestamp: d.to_timestamp(),
        offset_minutes: (i32::from(d.tz_hour) * 60 + i32::from(d.tz_minute))
            * if d.tz_before_gmt { -1 } else { 1 },
    });
    Question {
        from,
        reply_to,
        to: mailboxes(msg.to()),
        cc: mailboxes(msg.cc()),
        subject,
        message_id: msg
            .message_id()
            .map(|id| id.trim().trim_matches(['<', '>']).to_string())
            .filter(|id| clean::is_clean_token(id)),
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        date,
        automatic,
        attachments: body.attachments,
        text: new.text,
        full_text: body.text,
        body_kind: body.kind,
        forwarded: new.forwarded,
        quoted_removed: new.quoted_removed,
        signature_removed: new.signature_removed,
        limits_hit,
        authentication_results: headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Authentication-Results"))
            .take(16)
            .map(|(_, v)| clean::header_text(v).chars().take(2048).collect())
            .collect(),
    }
}

#[cfg(test)]
mod tests;
