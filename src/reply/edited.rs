//! A reply a person approved or edited on the staff page: the drafted reply's envelope kept
//! (From, To, Subject, Date, Message-ID, In-Reply-To, References, the case header),
//! `Auto-Submitted` dropped because a person sent it (RFC 3834), and, when edited, the body
//! rebuilt from staff's text: a text part (7-bit, else quoted-printable, so no line is over 998
//! bytes whatever staff typed) and an HTML part made from the same text, escaped by minijinja as
//! the reply templates are, with its paragraphs and line breaks. Pure: bytes in, bytes out.

use super::ReplyError;
use crate::question::CASE_HEADER;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, MultiPart, SinglePart};
use minijinja::{AutoEscape, Environment, context};
use sha2::{Digest, Sha256};

/// Headers no reply a person sent carries.
const AUTOMATIC_HEADERS: &[&str] = &["auto-submitted"];

/// Headers that describe the body, replaced with the new body's.
const BODY_HEADERS: &[&str] = &["content-type", "content-transfer-encoding", "mime-version"];

/// The HTML part of an edited reply: the frame of `templates/layout.html`, staff's paragraphs.
const EDITED_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Coding desk reply {{ case_ref }}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:640px;background:#ffffff;border:1px solid #d9dce1;border-collapse:collapse;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;color:#1f2933;">
<tr><td style="background:#1e4e79;padding:12px 20px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td style="color:#ffffff;font-size:16px;font-weight:bold;font-family:Arial,Helvetica,sans-serif;">Coding desk</td><td align="right" style="color:#ffffff;font-size:13px;font-family:Arial,Helvetica,sans-serif;">{% if case_ref %}Case {{ case_ref }}{% endif %}</td></tr></table></td></tr>
<tr><td style="padding:18px 20px 8px 20px;">
{% for p in paragraphs %}<p style="margin:0 0 12px 0;overflow-wrap:anywhere;word-break:break-word;">{% for line in p %}{% if not loop.first %}<br>
{% endif %}{{ line }}{% endfor %}</p>
{% endfor %}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"#;

/// `raw` (a whole drafted reply) as a person approved it: the same bytes without
/// `Auto-Submitted`.
pub fn approved(raw: &[u8]) -> Vec<u8> {
    let (fields, body) = split(raw);
    let mut out = Vec::with_capacity(raw.len());
    for f in fields
        .iter()
        .filter(|f| !AUTOMATIC_HEADERS.contains(&f.name.as_str()))
    {
        out.extend_from_slice(f.text.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// `raw` (a whole drafted reply) with `text` as its body: multipart/alternative of the text and
/// an HTML part rebuilt from it; the envelope kept, `Auto-Submitted` dropped.
pub fn edited(raw: &[u8], text: &str) -> Result<Vec<u8>, ReplyError> {
    let (fields, _) = split(raw);
    let text = clean(text);
    let message_id = fields
        .iter()
        .find(|f| f.name == "message-id")
        .map(|f| f.value())
        .unwrap_or_default();
    let case_ref = fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(CASE_HEADER))
        .map(|f| f.value())
        .unwrap_or_default();
    let html = html(&text, &case_ref)?;
    let body = MultiPart::alternative()
        .boundary(boundary(&message_id, &text))
        .singlepart(text_part(&text))
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .header(ContentTransferEncoding::Base64)
                .body(html),
        );
    let mut out = Vec::with_capacity(text.len() * 3 + 2048);
    for f in fields.iter().filter(|f| {
        !AUTOMATIC_HEADERS.contains(&f.name.as_str()) && !BODY_HEADERS.contains(&f.name.as_str())
    }) {
        out.extend_from_slice(f.text.as_bytes());
    }
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    out.extend_from_slice(&body.formatted());
    Ok(out)
}

/// The text part: 7-bit when every line is short ASCII, else quoted-printable (never base64:
/// the text stays readable in the raw message).
fn text_part(text: &str) -> SinglePart {
    let chosen = Body::new(text.to_string());
    let body = if chosen.encoding() == ContentTransferEncoding::SevenBit {
        chosen
    } else {
        match Body::new_with_encoding(text.to_string(), ContentTransferEncoding::QuotedPrintable) {
            Ok(b) => b,
            Err(_) => Body::new(text.to_string()),
        }
    };
    SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body)
}

/// Staff's text with line ends made `\n`, control characters (but tabs) removed, trailing
/// spaces of each line dropped, and one final line end.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for line in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    out.push('\n');
    out
}

/// The HTML part: a paragraph per run of non-blank lines, a line break per line end, leading
/// spaces kept (as no-break spaces) so indented columns stay indented.
fn html(text: &str, case_ref: &str) -> Result<String, ReplyError> {
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        let body = line.trim_start_matches([' ', '\t']);
        let lead = line.len() - body.len();
        let indent: String = line[..lead]
            .chars()
            .map(|c| {
                if c == '\t' {
                    "\u{a0}\u{a0}\u{a0}\u{a0}"
                } else {
                    "\u{a0}"
                }
            })
            .collect();
        current.push(format!("{indent}{body}"));
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("edited.html", EDITED_HTML)
        .and_then(|_| env.get_template("edited.html"))
        .and_then(|t| t.render(context! { paragraphs, case_ref }))
        .map_err(|e| ReplyError::Template {
            name: "the edited reply's HTML".into(),
            reason: e.to_string(),
        })
}

/// A MIME boundary from the Message-ID and the text: the same edit gives the same bytes, and
/// no text can hold it.
fn boundary(message_id: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(message_id.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("codedesk-edit-{hex}")
}

/// One header field: its lower-case name and its whole text (continuation lines included, CRLF).
struct Field {
    name: String,
    text: String,
}

impl Field {
    /// The unfolded value, trimmed, without angle brackets.
    fn value(&self) -> String {
        let v = self.text.split_once(':').map_or("", |(_, v)| v);
        v.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches(['<', '>'])
            .to_string()
    }
}

/// The header fields of `raw` and its body.
fn split(raw: &[u8]) -> (Vec<Field>, &[u8]) {
    let (head_end, body_start) = find(raw, b"\r\n\r\n")
        .map(|i| (i + 2, i + 4))
        .or_else(|| find(raw, b"\n\n").map(|i| (i + 1, i + 2)))
        .unwrap_or((raw.len(), raw.len()));
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut fields: Vec<Field> = Vec::new();
    for line in head.split_inclusive('\n') {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t'])
            && let Some(last) = fields.last_mut()
        {
            last.text.push_str(line);
            last.text.push_str("\r\n");
            continue;
        }
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        fields.push(Field {
            name,
            text: format!("{line}\r\n"),
        });
    }
    (fields, &raw[body_start.min(raw.len())..])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &[u8] =
        b"From: desk@x.example\r\nTo: a@b.example\r\nSubject: Re: 99213 [CD-9]\r\n\
Message-ID: <codedesk.CD-9.1@x.example>\r\nIn-Reply-To: <q1@b.example>\r\n\
References: <q0@b.example>\r\n <q1@b.example>\r\nAuto-Submitted: auto-replied\r\n\
X-Codedesk-Case: CD-9\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n\
\x20boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nold\r\n--zz--\r\n";

    fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(raw).unwrap()
    }

    #[test]
    fn an_edit_with_a_long_line_is_two_parts_with_short_lines_and_the_thread_kept() {
        let long = "word ".repeat(400);
        let text = format!("Checked by a coder <b>&</b>:\n\n{long}\n  S82.821A  initial\r\nend");
        let out = edited(DRAFT, &text).unwrap();
        assert!(
            out.split(|b| *b == b'\n').all(|l| l.len() <= 998),
            "a line over 998 bytes"
        );
        let s = String::from_utf8(out.clone()).unwrap();
        let (head, _) = s.split_once("\r\n\r\n").unwrap();
        assert!(!head.contains("Auto-Submitted"), "{head}");
        assert!(
            head.contains("References: <q0@b.example>\r\n <q1@b.example>"),
            "{head}"
        );
        assert_eq!(s.matches("MIME-Version").count(), 1, "{head}");
        assert!(!s.contains("boundary=\"zz\""));
        let m = parse(&out);
        assert_eq!(m.in_reply_to().as_text(), Some("q1@b.example"));
        assert_eq!(m.message_id(), Some("codedesk.CD-9.1@x.example"));
        let plain = m.body_text(0).unwrap().replace("\r\n", "\n");
        assert!(plain.contains(long.trim_end()), "the long line, whole");
        assert!(plain.contains("\n  S82.821A  initial\nend"), "{plain}");
        let html = m.body_html(0).unwrap();
        assert!(
            html.contains("Checked by a coder &lt;b&gt;&amp;&lt;&#x2f;b&gt;:")
                || html.contains("Checked by a coder &lt;b&gt;&amp;&lt;/b&gt;:"),
            "{html}"
        );
        assert!(!html.contains("<b>"), "escaped");
        assert!(
            html.contains("<br>\r\n\u{a0}\u{a0}S82.821A  initial<br>\r\nend</p>"),
            "indentation and line breaks kept: {html}"
        );
        assert!(html.contains("Case CD-9"), "{html}");
        assert_eq!(html.matches("<p ").count(), 2, "{html}");
    }

    #[test]
    fn the_same_edit_gives_the_same_bytes_and_ascii_short_text_stays_7bit() {
        let a = edited(DRAFT, "Short answer.\nSecond line.").unwrap();
        assert_eq!(a, edited(DRAFT, "Short answer.\nSecond line.").unwrap());
        let s = String::from_utf8(a).unwrap();
        assert!(
            s.contains("Content-Transfer-Encoding: 7bit\r\n\r\nShort answer.\r\nSecond line.\r\n"),
            "{s}"
        );
        let accented = String::from_utf8(edited(DRAFT, "Réponse vérifiée.").unwrap()).unwrap();
        assert!(accented.contains("quoted-printable"), "{accented}");
    }

    #[test]
    fn approval_drops_only_the_automatic_marking() {
        let out = approved(DRAFT);
        let s = String::from_utf8(out.clone()).unwrap();
        assert!(!s.contains("Auto-Submitted"));
        assert_eq!(
            s.len(),
            DRAFT.len() - "Auto-Submitted: auto-replied\r\n".len()
        );
        assert!(s.contains("boundary=\"zz\"") && s.ends_with("old\r\n--zz--\r\n"));
        assert_eq!(parse(&out).body_text(0).unwrap().trim_end(), "old");
    }
}
