//! The reply as RFC 5322 bytes (lettre's builder): multipart/alternative text and HTML, threaded
//! to the question, marked as an automatic reply and with our case header so our own mail is
//! recognised as a loop. Deterministic: the MIME boundary comes from the Message-ID. The text
//! part is 7-bit or quoted-printable (readable as it is), the HTML part 7-bit (base64 when its
//! lines cannot be broken at spaces).

use super::ReplyError;
use crate::question::{self, Question};
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
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
        .singlepart(
            if p.text.is_ascii() && p.text.lines().all(|l| l.len() <= 78) {
                // ASCII in lines of at most 78 bytes (the text is wrapped at 76) is sent as it is;
                // lettre would quote-print every line of 76 or more and scan the text twice first.
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::SevenBit)
                    .body(Body::dangerous_pre_encoded(
                        crlf(p.text).into_bytes(),
                        ContentTransferEncoding::SevenBit,
                    ))
            } else {
                SinglePart::plain(crlf(p.text))
            },
        )
        .singlepart(match seven_bit_html(p.html) {
            // Markup needs no encoding once its long lines are broken at spaces and its few
            // non-ASCII characters are character references: base64 of it was the costliest
            // step of composing a reply, and 35% more bytes.
            // ASCII, CRLF, no NUL and no line over 78 bytes: what lettre asks of a body it takes
            // as it is (its own check wants lines under 76).
            Some(html) => SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .header(ContentTransferEncoding::SevenBit)
                .body(Body::dangerous_pre_encoded(
                    crlf(&html).into_bytes(),
                    ContentTransferEncoding::SevenBit,
                )),
            None => SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .header(ContentTransferEncoding::Base64)
                .body(crlf(p.html)),
        });
    let message = builder
        .multipart(body)
        .map_err(|e| ReplyError::Message(e.to_string()))?;
    Ok(message.formatted())
}

/// How long a line of the 7-bit HTML part may grow before it is broken at its last space: the
/// 78 bytes RFC 5322 asks lines to keep to (every line of a reply does).
const HTML_LINE: usize = 78;

/// The HTML as ASCII lines of at most [`HTML_LINE`] bytes, when that needs only whitespace: each
/// non-ASCII character written as a character reference (`&#233;`), a line over
/// [`HTML_LINE`] bytes broken at its last space (a space and a line break are the same
/// whitespace in HTML; the templates use no `<pre>`). None when a line has no space to break
/// at (then the part is sent as base64).
fn seven_bit_html(html: &str) -> Option<String> {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(html.len() + html.len() / 32);
    let mut line_start = 0;
    let mut last_space: Option<usize> = None;
    for c in html.chars() {
        match c {
            '\n' => {
                out.push('\n');
                line_start = out.len();
                last_space = None;
                continue;
            }
            ' ' => {
                last_space = Some(out.len());
                out.push(' ');
            }
            c if c.is_ascii() && c != '\0' => out.push(c),
            '\0' => return None,
            c => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
        }
        if out.len() - line_start > HTML_LINE {
            let at = last_space.take()?;
            out.replace_range(at..at + 1, "\n");
            line_start = at + 1;
            if out.len() - line_start > HTML_LINE {
                return None;
            }
        }
    }
    Some(out)
}

/// The text with CRLF line ends, in one pass. lettre converts a body's bare LFs itself, but by
/// inserting a CR before each one in place (a copy of the rest of the text per line), which was
/// the slowest step of composing a long reply; given CRLFs it only checks them.
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32 + 2);
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(body) => {
                out.push_str(body.strip_suffix('\r').unwrap_or(body));
                out.push_str("\r\n");
            }
            None => out.push_str(line),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::{HTML_LINE, crlf, seven_bit_html};

    #[test]
    fn html_becomes_seven_bit_lines_by_whitespace_only() {
        let long = format!("<p>{}</p>", "word ".repeat(400));
        let html = format!("<b>café – µg</b>\n{long}\n");
        let out = seven_bit_html(&html).unwrap();
        assert!(out.is_ascii());
        assert!(
            out.starts_with("<b>caf&#233; &#8211; &#181;g</b>\n"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.len() <= HTML_LINE));
        assert_eq!(
            out.replace('\n', " "),
            html.replace('\n', " ")
                .replace("caf\u{e9} \u{2013} \u{b5}g", "caf&#233; &#8211; &#181;g")
        );
        let unbroken = format!("<img src=\"data:{}\">", "A".repeat(2000));
        assert_eq!(seven_bit_html(&unbroken), None);
    }

    #[test]
    fn bare_line_feeds_become_crlf_and_crlf_stays() {
        assert_eq!(crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(crlf("no end"), "no end");
        assert_eq!(crlf("\n\n"), "\r\n\r\n");
        assert_eq!(crlf("µ\r\n–\nx\ry"), "µ\r\n–\r\nx\ry");
    }
}
