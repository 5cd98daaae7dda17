//! A reply message with its body replaced by staff's edited text: the stored reply's headers kept
//! (Message-ID, threading, subject, recipient, `Auto-Submitted`), its body one plain-text part.
//! Pure: bytes in, bytes out.

/// Body headers of the old message that the new body replaces.
const BODY_HEADERS: &[&str] = &["content-type", "content-transfer-encoding", "mime-version"];

/// `raw` (a whole reply message) with `text` as its only body, UTF-8 plain text, CRLF lines.
pub fn with_text(raw: &[u8], text: &str) -> Vec<u8> {
    let head_end = find(raw, b"\r\n\r\n")
        .map(|i| i + 2)
        .or_else(|| find(raw, b"\n\n").map(|i| i + 1))
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut out = String::new();
    let mut keep = true;
    for line in head.split_inclusive('\n') {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            let name = line
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            keep = !BODY_HEADERS.contains(&name.as_str());
        }
        if keep {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    out.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
    for line in text.lines() {
        out.push_str(line.trim_end_matches('\r'));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_envelope_headers_and_replaces_the_body_parts() {
        let raw = b"From: desk@x.example\r\nTo: a@b.example\r\nSubject: Re: 99213\r\n\
Message-ID: <r1@x>\r\nIn-Reply-To: <q1@b>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n\
\x20boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nold\r\n--zz--\r\n";
        let out = String::from_utf8(with_text(raw, "New text\nsecond line")).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Message-ID: <r1@x>") && head.contains("In-Reply-To: <q1@b>"));
        assert!(head.contains("Subject: Re: 99213"));
        assert!(
            !head.contains("multipart") && !head.contains("boundary"),
            "{head}"
        );
        assert_eq!(head.matches("MIME-Version").count(), 1);
        assert_eq!(body, "New text\r\nsecond line\r\n");
        let parsed = mail_parser::MessageParser::default()
            .parse(out.as_bytes())
            .unwrap();
        assert_eq!(
            parsed
                .body_text(0)
                .unwrap()
                .replace("\r\n", "\n")
                .trim_end(),
            "New text\nsecond line"
        );
    }
}
