//! Walks a message's MIME tree for its text and attachments: text/plain preferred over HTML in
//! alternatives, inline text parts in order, attached messages rendered as forwarded text,
//! everything else listed as an attachment (its decoded bytes kept only when asked, for
//! [`crate::attachment_text`] and downloads). Stops at the depth and part limits.

use super::html;
use super::{Attachment, BodyKind, LimitHit, Limits};
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

/// What the walk found.
#[derive(Default)]
pub(super) struct Body {
    pub text: String,
    pub kind: BodyKind,
    pub attachments: Vec<Attachment>,
    /// The decoded bytes of each attachment, in the order of `attachments` (only when asked).
    pub contents: Vec<Vec<u8>>,
    /// `type/subtype` (lower case) of every part of the top message, not of attached ones.
    pub part_types: Vec<String>,
    /// The `report-type` of a multipart/report in the top message.
    pub report_type: Option<String>,
    pub limits_hit: Vec<LimitHit>,
}

struct Walk<'l> {
    limits: &'l Limits,
    body: Body,
    parts_seen: usize,
    text_seen: usize,
    depth_hit: bool,
    parts_hit: bool,
    /// Keep each attachment's bytes.
    keep: bool,
}

/// The body of `msg`; with `keep`, the attachments' bytes too.
pub(super) fn read(msg: &Message<'_>, limits: &Limits, keep: bool) -> Body {
    let mut walk = Walk {
        limits,
        body: Body::default(),
        parts_seen: 0,
        text_seen: 0,
        depth_hit: false,
        parts_hit: false,
        keep,
    };
    for part in &msg.parts {
        let t = mime_type(part);
        if t == "multipart/report" && walk.body.report_type.is_none() {
            walk.body.report_type = part
                .content_type()
                .and_then(|ct| ct.attribute("report-type"))
                .map(|r| r.trim().to_ascii_lowercase());
        }
        if walk.body.part_types.len() < limits.max_parts && !walk.body.part_types.contains(&t) {
            walk.body.part_types.push(t);
        }
    }
    walk.part(msg, 0, 0);
    if walk.text_seen > limits.max_text_bytes {
        walk.body.limits_hit.push(LimitHit::TextLength {
            limit: limits.max_text_bytes,
            length: walk.text_seen,
        });
    }
    walk.body
}

/// The body of a message whose MIME structure could not be read: the bytes after the header
/// block, as text.
pub(super) fn raw(message: &[u8], limits: &Limits) -> Body {
    let start = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| message.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(message.len());
    let text = String::from_utf8_lossy(&message[start..]);
    let mut walk = Walk {
        limits,
        body: Body::default(),
        parts_seen: 0,
        text_seen: 0,
        depth_hit: false,
        parts_hit: false,
        keep: false,
    };
    walk.push_text(&text, BodyKind::Plain);
    if walk.text_seen > limits.max_text_bytes {
        walk.body.limits_hit.push(LimitHit::TextLength {
            limit: limits.max_text_bytes,
            length: walk.text_seen,
        });
    }
    walk.body
}

/// `type/subtype` in lower case; `text/plain` when the part says nothing.
fn mime_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => {
            let sub = ct
                .subtype()
                .unwrap_or(match ct.ctype().to_ascii_lowercase().as_str() {
                    "text" => "plain",
                    "multipart" => "mixed",
                    _ => "octet-stream",
                });
            format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase()
        }
        None => match part.body {
            PartType::Html(_) => "text/html".to_string(),
            PartType::Multipart(_) => "multipart/mixed".to_string(),
            PartType::Message(_) => "message/rfc822".to_string(),
            _ => "text/plain".to_string(),
        },
    }
}

fn is_attachment(part: &MessagePart<'_>) -> bool {
    let disposition = part.content_disposition();
    if disposition.is_some_and(|d| d.is_attachment()) {
        return true;
    }
    part.attachment_name().is_some() && !disposition.is_some_and(|d| d.is_inline())
}

impl Walk<'_> {
    fn part(&mut self, msg: &Message<'_>, id: usize, depth: usize) {
        let Some(part) = msg.parts.get(id) else {
            return;
        };
        if depth > self.limits.max_mime_depth {
            if !self.depth_hit {
                self.depth_hit = true;
                self.body.limits_hit.push(LimitHit::MimeDepth {
                    limit: self.limits.max_mime_depth,
                });
            }
            return;
        }
        self.parts_seen += 1;
        if self.parts_seen > self.limits.max_parts {
            if !self.parts_hit {
                self.parts_hit = true;
                self.body.limits_hit.push(LimitHit::Parts {
                    limit: self.limits.max_parts,
                });
            }
            return;
        }
        let t = mime_type(part);
        match &part.body {
            PartType::Multipart(children) => {
                // Children always come after their parent; anything else is malformed.
                let children: Vec<usize> = children
                    .iter()
                    .map(|&c| c as usize)
                    .filter(|&c| c > id)
                    .collect();
                if t == "multipart/alternative" {
                    if let Some(best) = self.best_alternative(msg, &children) {
                        self.part(msg, best, depth + 1);
                    }
                } else if t == "multipart/related" {
                    for (k, &c) in children.iter().enumerate() {
                        if k == 0 {
                            self.part(msg, c, depth + 1);
                        } else {
                            self.attachment(msg, c);
                        }
                    }
                } else {
                    for &c in &children {
                        self.part(msg, c, depth + 1);
                    }
                }
            }
            PartType::Text(text)
                if !is_attachment(part)
                    && (t == "text/plain"
                        || t.starts_with("text/plain")
                        || t == "text/enriched"
                        || part.content_type().is_none()) =>
            {
                let flowed = part
                    .content_type()
                    .and_then(|ct| ct.attribute("format"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                let text = if flowed {
                    let delsp = part
                        .content_type()
                        .and_then(|ct| ct.attribute("delsp"))
                        .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
                    unflow(text, delsp)
                } else {
                    text.to_string()
                };
                self.push_text(&text, BodyKind::Plain);
            }
            PartType::Html(html_text) if !is_attachment(part) => {
                let room = self.room();
                let (text, cut) = html::to_text(html_text, room.max(1));
                if cut {
                    self.text_seen = self.text_seen.max(self.limits.max_text_bytes + 1);
                }
                self.push_text(&text, BodyKind::Html);
            }
            PartType::Message(nested) => {
                self.attachment(msg, id);
                self.forwarded(nested, depth);
            }
            _ => self.attachment(msg, id),
        }
    }

    /// The alternative to read: non-empty text/plain, else HTML, else the first multipart.
    fn best_alternative(&self, msg: &Message<'_>, children: &[usize]) -> Option<usize> {
        let kind = |c: usize| msg.parts.get(c).map(mime_type);
        let non_empty = |c: usize| match msg.parts.get(c).map(|p| &p.body) {
            Some(PartType::Text(t)) => !t.trim().is_empty(),
            Some(PartType::Html(_) | PartType::Multipart(_)) => true,
            _ => false,
        };
        children
            .iter()
            .copied()
            .find(|&c| kind(c).as_deref() == Some("text/plain") && non_empty(c))
            .or_else(|| {
                children
                    .iter()
                    .copied()
                    .find(|&c| kind(c).as_deref() == Some("text/html"))
            })
            .or_else(|| {
                children
                    .iter()
                    .copied()
                    .find(|&c| kind(c).is_some_and(|k| k.starts_with("multipart/")) && non_empty(c))
            })
            .or_else(|| children.first().copied())
    }

    /// An attached message: listed, and its text added as a forwarded message.
    fn forwarded(&mut self, nested: &Message<'_>, depth: usize) {
        let mut inner = Walk {
            limits: self.limits,
            body: Body::default(),
            parts_seen: self.parts_seen,
            text_seen: 0,
            depth_hit: self.depth_hit,
            parts_hit: self.parts_hit,
            keep: self.keep,
        };
        inner.part(nested, 0, depth + 1);
        self.parts_seen = inner.parts_seen;
        for hit in inner.body.limits_hit {
            if !self.body.limits_hit.contains(&hit) {
                self.body.limits_hit.push(hit);
            }
        }
        self.depth_hit |= inner.depth_hit;
        self.parts_hit |= inner.parts_hit;
        let room = self
            .limits
            .max_parts
            .saturating_sub(self.body.attachments.len());
        self.body
            .attachments
            .extend(inner.body.attachments.into_iter().take(room));
        self.body
            .contents
            .extend(inner.body.contents.into_iter().take(room));
        let text = inner.body.text.trim();
        if text.is_empty() {
            return;
        }
        let mut block = String::from("---------- Forwarded message ----------\n");
        if let Some(from) = nested.from().and_then(|a| a.first()) {
            let who = match (from.name(), from.address()) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (None, Some(a)) => a.to_string(),
                (Some(n), None) => n.to_string(),
                (None, None) => String::new(),
            };
            block.push_str(&format!("From: {who}\n"));
        }
        if let Some(subject) = nested.subject() {
            block.push_str(&format!("Subject: {subject}\n"));
        }
        block.push('\n');
        block.push_str(text);
        self.push_text(&block, BodyKind::Plain);
    }

    fn attachment(&mut self, msg: &Message<'_>, id: usize) {
        let Some(part) = msg.parts.get(id) else {
            return;
        };
        if self.body.attachments.len() >= self.limits.max_parts {
            return;
        }
        let name = part.attachment_name().map(str::to_string).or_else(|| {
            if let PartType::Message(m) = &part.body {
                m.subject().map(|s| format!("{s}.eml"))
            } else {
                None
            }
        });
        let size = match &part.body {
            PartType::Text(t) | PartType::Html(t) => t.len(),
            PartType::Binary(b) | PartType::InlineBinary(b) => b.len(),
            PartType::Message(m) => m.raw_message.len(),
            PartType::Multipart(_) => 0,
        };
        self.body.attachments.push(Attachment {
            name,
            content_type: mime_type(part),
            size,
            inline: part.content_disposition().is_some_and(|d| d.is_inline())
                || matches!(part.body, PartType::InlineBinary(_)),
        });
        if self.keep {
            let bytes = match &part.body {
                PartType::Message(m) => m.raw_message.to_vec(),
                _ => part.contents().to_vec(),
            };
            self.body.contents.push(bytes);
        }
    }

    /// Bytes of text still allowed.
    fn room(&self) -> usize {
        self.limits
            .max_text_bytes
            .saturating_sub(self.body.text.len())
    }

    fn push_text(&mut self, text: &str, kind: BodyKind) {
        self.text_seen += text.len();
        let text = text.trim_matches(['\n', '\r']);
        if text.trim().is_empty() {
            return;
        }
        self.body.kind = match (self.body.kind, kind) {
            (BodyKind::None, k) => k,
            (k, l) if k == l => k,
            _ => BodyKind::Mixed,
        };
        // The blank line between parts counts against the limit too.
        let separator = if self.body.text.is_empty() {
            ""
        } else {
            "\n\n"
        };
        let room = self.room().saturating_sub(separator.len());
        if room == 0 {
            return;
        }
        self.body.text.push_str(separator);
        let mut end = text.len().min(room);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.body.text.push_str(&text[..end]);
    }
}

/// Joins the soft line breaks of `format=flowed` text (RFC 3676); `delsp` removes the space
/// before each soft break, which Apple Mail uses to break inside words.
pub(super) fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_soft = false;
    let mut prev_depth = 0;
    for (n, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let mut content = &line[depth..];
        if let Some(unstuffed) = content.strip_prefix(' ') {
            content = unstuffed;
        }
        let signature = content == "-- ";
        let soft = content.ends_with(' ') && !signature;
        if !(prev_soft && depth == prev_depth) {
            if n > 0 {
                out.push('\n');
            }
            if depth > 0 {
                out.push_str(&">".repeat(depth.min(8)));
                out.push(' ');
            }
        }
        let piece = if soft && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        out.push_str(piece);
        prev_soft = soft;
        prev_depth = depth;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unflows_soft_breaks() {
        assert_eq!(
            unflow("Can 62322 be \r\nbilled?\r\nYes", false),
            "Can 62322 be billed?\nYes"
        );
        assert_eq!(unflow("992 \n13", true), "99213");
        assert_eq!(unflow("> a \n> b\nc", false), "> a b\nc");
        assert_eq!(unflow("-- \nJane", false), "-- \nJane");
        assert_eq!(unflow(" From here", false), "From here");
    }
}
