//! The new text of a message: quoted history (`> ` lines, "On ... wrote:", Outlook's
//! From/Sent block, "-----Original Message-----") and signatures removed, forwarded messages
//! kept, because a forwarded question is the question. Works on the text's lines alone, in
//! linear time; it never reads headers (the caller says whether the subject is a forward).

/// The new text and what was taken out of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NewText {
    /// The text the sender wrote (and the messages they forwarded).
    pub text: String,
    /// Quoted history was removed.
    pub quoted_removed: bool,
    /// A signature or disclaimer was removed.
    pub signature_removed: bool,
    /// A forwarded message is part of the text.
    pub forwarded: bool,
}

/// A kept stretch of lines: `start..end`, with `unquote` levels of `>` to strip.
struct Segment {
    start: usize,
    end: usize,
    unquote: usize,
}

/// The new text of `body`. `forward_subject` says the subject starts with `Fwd:`/`FW:`, so an
/// Outlook header block introduces a forwarded message rather than history.
pub fn new_text(body: &str, forward_subject: bool) -> NewText {
    let lines: Vec<&str> = body.lines().collect();
    let mut result = NewText::default();
    let mut segments = Vec::new();
    let mut seg = Segment {
        start: 0,
        end: 0,
        unquote: 0,
    };
    let mut i = 0;
    let mut forward_seen = false;
    let mut ended = false;
    while i < lines.len() {
        if quote_depth(lines[i]).0 > seg.unquote {
            // Quoted history; left out when the segment is written.
            result.quoted_removed = true;
            i += 1;
            continue;
        }
        let marker = forward_marker(&lines, i, seg.unquote);
        let history = if marker.is_none() {
            history_start(&lines, i, seg.unquote)
        } else {
            None
        };
        let outlook_forward = history.is_some() && forward_subject && !forward_seen;
        if let Some(after) = marker.or(history.filter(|_| outlook_forward)) {
            // A forwarded message: its headers go (but its subject), its body is the question.
            forward_seen = true;
            result.forwarded = true;
            seg.end = i;
            let unquote = seg_unquote(&lines, after, seg.unquote);
            segments.push(seg);
            let (body_start, subject) = skip_headers(&lines, after, unquote);
            if let Some(k) = subject {
                segments.push(Segment {
                    start: k,
                    end: k + 1,
                    unquote,
                });
            }
            seg = Segment {
                start: body_start,
                end: body_start,
                unquote,
            };
            i = body_start;
            continue;
        }
        if history.is_some() {
            result.quoted_removed = true;
            ended = true;
            break;
        }
        if let Some(after) = attribution(&lines, i, seg.unquote) {
            // "On ... wrote:" over a `>` block goes alone (the block is skipped line by line);
            // over unquoted text it starts history that runs to the end.
            result.quoted_removed = true;
            let next = (after..lines.len())
                .find(|&k| !strip_quote(lines[k], seg.unquote).trim().is_empty());
            let quoted_follows = next.is_none_or(|k| quote_depth(lines[k]).0 > seg.unquote);
            if !quoted_follows {
                ended = true;
                break;
            }
            seg.end = i;
            let unquote = seg.unquote;
            segments.push(seg);
            seg = Segment {
                start: after,
                end: after,
                unquote,
            };
            i = after;
            continue;
        }
        i += 1;
    }
    seg.end = if ended { i } else { lines.len() };
    segments.push(seg);
    let mut out = String::with_capacity(body.len().min(1 << 16));
    for s in &segments {
        let cut = signature_start(&lines, s);
        if cut < s.end {
            result.signature_removed = true;
        }
        for line in &lines[s.start..cut] {
            if quote_depth(line).0 > s.unquote {
                continue;
            }
            let l = strip_quote(line, s.unquote);
            if l.trim().is_empty() {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                continue;
            }
            out.push_str(l.trim_end());
            out.push('\n');
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    result.text = out;
    result
}

/// The quote level of a forwarded message starting at line `k` inside text quoted `base` deep:
/// one more when its first non-blank line is quoted (Apple Mail quotes what it forwards).
fn seg_unquote(lines: &[&str], k: usize, base: usize) -> usize {
    let first =
        (k..lines.len().min(k + 3)).find(|&j| !strip_quote(lines[j], base).trim().is_empty());
    match first {
        Some(j) if quote_depth(lines[j]).0 > base => base + 1,
        _ => base,
    }
}

/// The number of leading `>` of `line` (spaces between allowed), and the byte offset after them.
fn quote_depth(line: &str) -> (usize, usize) {
    let b = line.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            b'>' => {
                depth += 1;
                i += 1;
                last = i;
            }
            b' ' | b'\t' if depth > 0 || i < 4 => i += 1,
            _ => break,
        }
    }
    (depth, last)
}

/// `line` without its first `levels` quote marks.
fn strip_quote(line: &str, levels: usize) -> &str {
    if levels == 0 {
        return line;
    }
    let b = line.as_bytes();
    let mut i = 0;
    let mut seen = 0;
    while i < b.len() && seen < levels {
        match b[i] {
            b'>' => {
                seen += 1;
                i += 1;
            }
            b' ' | b'\t' => i += 1,
            _ => break,
        }
    }
    if i < b.len() && b[i] == b' ' {
        i += 1;
    }
    &line[i..]
}

/// The start of a line, trimmed, without `*` (bold in text from HTML), ASCII lower-cased, on
/// the stack: every line is folded a few times, and markers are short.
struct Folded {
    buf: [u8; 128],
    len: usize,
}

impl Folded {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

fn fold(line: &str) -> Folded {
    let t = line.trim().trim_matches('*').trim();
    let mut end = t.len().min(128);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let mut f = Folded {
        buf: [0; 128],
        len: end,
    };
    for (d, b) in f.buf.iter_mut().zip(t[..end].bytes()) {
        *d = b.to_ascii_lowercase();
    }
    f
}

/// A forwarded-message marker at line `i`; returns the line after it.
fn forward_marker(lines: &[&str], i: usize, unquote: usize) -> Option<usize> {
    let l_folded = fold(strip_quote(lines[i], unquote));
    let l = l_folded.as_str();
    let dashed = l.starts_with("---") || l.starts_with("___") || l.starts_with("===");
    let marker = l == "begin forwarded message:"
        || (dashed
            && (l.contains("forwarded message")
                || l.contains("forward message")
                || l.contains("weitergeleitete nachricht")
                || l.contains("message transféré")
                || l.contains("mensaje reenviado")
                || l.contains("messaggio inoltrato")))
        || l == "forwarded message:"
        || l == "fwd:";
    marker.then_some(i + 1)
}

/// A header line of a quoted or forwarded message (`From: ...`, `Sent: ...`).
fn header_label(line: &str) -> Option<&'static str> {
    let l_folded = fold(line);
    let l = l_folded.as_str();
    let labels: [(&str, &'static str); 22] = [
        ("from:", "from"),
        ("de :", "from"),
        ("de:", "from"),
        ("von:", "from"),
        ("sent:", "date"),
        ("date:", "date"),
        ("envoyé :", "date"),
        ("gesendet:", "date"),
        ("enviado:", "date"),
        ("to:", "to"),
        ("à :", "to"),
        ("an:", "to"),
        ("para:", "to"),
        ("cc:", "to"),
        ("bcc:", "to"),
        ("subject:", "subject"),
        ("objet :", "subject"),
        ("betreff:", "subject"),
        ("asunto:", "subject"),
        ("reply-to:", "to"),
        ("importance:", "other"),
        ("attachments:", "other"),
    ];
    labels
        .iter()
        .find(|(p, _)| l.starts_with(p))
        .map(|&(_, label)| label)
}

/// Outlook's header block (`From:` then `Sent:`/`Date:` and `To:`/`Subject:` within a few
/// lines), an underscore rule before it, or `-----Original Message-----`; returns the line the
/// headers start at.
fn history_start(lines: &[&str], i: usize, unquote: usize) -> Option<usize> {
    let l_folded = fold(strip_quote(lines[i], unquote));
    let l = l_folded.as_str();
    let original = (l.starts_with("--") || l.starts_with("__"))
        && (l.contains("original message")
            || l.contains("ursprüngliche nachricht")
            || l.contains("message d'origine")
            || l.contains("mensaje original")
            || l.contains("original-nachricht"));
    if original {
        return Some(i + 1);
    }
    let rule = l.len() >= 8 && l.bytes().all(|b| b == b'_' || b == b'-');
    if rule {
        let next = (i + 1..lines.len().min(i + 3)).find(|&k| !lines[k].trim().is_empty())?;
        return outlook_block(lines, next, unquote).then_some(next);
    }
    outlook_block(lines, i, unquote).then_some(i)
}

fn outlook_block(lines: &[&str], i: usize, unquote: usize) -> bool {
    if header_label(strip_quote(lines[i], unquote)) != Some("from") {
        return false;
    }
    let mut date = false;
    let mut to_or_subject = false;
    for line in lines.iter().skip(i + 1).take(6) {
        match header_label(strip_quote(line, unquote)) {
            Some("date") => date = true,
            Some("to" | "subject") => to_or_subject = true,
            _ => {}
        }
    }
    date && to_or_subject
}

/// Skips the header block of a forwarded message starting at `k`; returns the first body line
/// and the line of its `Subject:`, if any.
fn skip_headers(lines: &[&str], k: usize, unquote: usize) -> (usize, Option<usize>) {
    let mut j = k;
    let mut seen = false;
    let mut subject = None;
    let mut last_label: Option<&str> = None;
    while j < lines.len() {
        let l = strip_quote(lines[j], unquote);
        if l.trim().is_empty() {
            if seen {
                j += 1;
                break;
            }
            j += 1;
            continue;
        }
        match header_label(l) {
            Some(label) => {
                seen = true;
                if label == "subject" {
                    subject = Some(j);
                }
                last_label = Some(label);
                j += 1;
            }
            // A folded To: or Cc: line listing more addresses.
            None if seen && matches!(last_label, Some("to")) && l.starts_with([' ', '\t']) => {
                j += 1
            }
            None => break,
        }
    }
    (j, subject)
}

/// "On Mon, Mar 4, 2024 at 9:12 AM Jane <jane@x.org> wrote:" over up to three lines, and the
/// same in a few other languages; returns the line after it.
fn attribution(lines: &[&str], i: usize, unquote: usize) -> Option<usize> {
    // Compared on the raw line's end: attributions are often longer than a folded prefix.
    let ends = |line: &str| {
        let l = line.trim_end().trim_end_matches('*');
        [
            "wrote:",
            "writes:",
            "wrote :",
            "a écrit :",
            "a écrit:",
            "schrieb:",
            "escribió:",
            "ha scritto:",
            "schreef:",
            "escreveu:",
        ]
        .iter()
        .any(|p| {
            l.len() >= p.len()
                && l.is_char_boundary(l.len() - p.len())
                && l[l.len() - p.len()..].eq_ignore_ascii_case(p)
        })
    };
    let first = strip_quote(lines[i], unquote);
    if first.len() > 300 {
        return None;
    }
    if ends(first) {
        return Some(i + 1);
    }
    let folded = fold(first);
    let opener = ["on ", "am ", "le ", "el ", "il ", "op ", "em "]
        .iter()
        .any(|p| folded.as_str().starts_with(p));
    if !opener {
        return None;
    }
    for (k, line) in lines.iter().enumerate().take(i + 3).skip(i + 1) {
        let l = strip_quote(line, unquote);
        if l.trim().is_empty() || l.len() > 200 {
            return None;
        }
        if ends(l) {
            return Some(k + 1);
        }
    }
    None
}

/// Whether `line` is a sign-off on a line of its own ("Thanks,", "Best regards").
fn is_closing(line: &str) -> bool {
    let l_folded = fold(line);
    let l = l_folded.as_str();
    let l = l.trim_end_matches([',', '!', '.', ' ', '-']);
    matches!(
        l,
        "thanks"
            | "thank you"
            | "thanks so much"
            | "thank you so much"
            | "thanks in advance"
            | "thank you in advance"
            | "thanks again"
            | "many thanks"
            | "tia"
            | "thx"
            | "regards"
            | "best regards"
            | "kind regards"
            | "warm regards"
            | "warmest regards"
            | "best"
            | "all the best"
            | "sincerely"
            | "respectfully"
            | "cheers"
            | "v/r"
            | "vr"
            | "take care"
            | "appreciate it"
            | "appreciate your help"
            | "thanks for your help"
            | "thank you for your help"
            | "mit freundlichen grüßen"
            | "cordialement"
            | "saludos"
    )
}

fn is_disclaimer(line: &str) -> bool {
    let l_folded = fold(line);
    let l = l_folded.as_str();
    l.starts_with("confidentiality notice")
        || l.starts_with("confidentiality statement")
        || l.starts_with("this e-mail and any attachments")
        || l.starts_with("this email and any attachments")
        || l.starts_with("this message and any attachments")
        || l.starts_with("this e-mail message, including any attachments")
        || l.starts_with("this email message, including any attachments")
        || l.starts_with("the information contained in this e")
        || l.starts_with("the information contained in this message")
        || l.starts_with("disclaimer:")
        || l.starts_with("privileged and confidential")
        || l.starts_with("hipaa notice")
}

fn is_mobile_signature(line: &str) -> bool {
    let l_folded = fold(line);
    let l = l_folded.as_str();
    l.starts_with("sent from my ")
        || l.starts_with("sent from outlook")
        || l.starts_with("sent from mail for")
        || l.starts_with("sent from yahoo mail")
        || l.starts_with("get outlook for ")
        || l.starts_with("sent via the samsung")
        || l.starts_with("sent from samsung")
}

/// The first line of the segment's signature (or its end): a `-- ` line, a mobile signature,
/// a disclaimer, or a sign-off followed only by a few short lines.
fn signature_start(lines: &[&str], s: &Segment) -> usize {
    let body = |k: usize| strip_quote(lines[k], s.unquote);
    for k in s.start..s.end {
        let l = body(k);
        let t = l.trim_end();
        if t == "--" || t == "-- " || l == "-- " || t == "—" {
            return k;
        }
        if is_mobile_signature(l) || is_disclaimer(l) {
            return k;
        }
        if is_closing(l) {
            let rest = &lines[k + 1..s.end];
            let short = rest.len() <= 14
                && rest
                    .iter()
                    .all(|r| strip_quote(r, s.unquote).trim().chars().count() <= 72);
            if short {
                return k;
            }
        }
    }
    s.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(body: &str) -> String {
        new_text(body, false).text
    }

    #[test]
    fn removes_replies_in_each_client_style() {
        let cases = [
            // Gmail, top-posted, over a `>` block.
            (
                "Then 99214?\n\nOn Mon, Mar 4, 2024 at 9:12 AM Jane Doe <jane@x.org> wrote:\n> Use 99213.\n>\n> Jane",
                "Then 99214?",
            ),
            // Gmail wraps the attribution.
            (
                "What about 20611?\n\nOn Tue, Mar 5, 2024 at 10:01 AM Billing Office <billing@clinic.example>\nwrote:\n\n> 20610 is fine",
                "What about 20611?",
            ),
            // Outlook plain text.
            (
                "Thanks, and 97110?\n\nFrom: Coding Desk <desk@x.org>\nSent: Monday, March 4, 2024 9:12 AM\nTo: Jane <j@x.org>\nSubject: RE: 97140\n\nUse 59.",
                "Thanks, and 97110?",
            ),
            // Outlook with a rule.
            (
                "New question about 64483.\n________________________________\nFrom: A\nSent: x\nTo: B\nSubject: C\nOld 99213",
                "New question about 64483.",
            ),
            (
                "Q about J3301\n-----Original Message-----\nFrom: a\nOld J1100",
                "Q about J3301",
            ),
            // An attribution longer than the folded prefix of a line.
            (
                "Then 99214?\n\nOn Monday, March 4, 2024 at 9:12:33 AM Central Standard Time, Jane Q. Doe-Smithson, CPC, CRC <jane.doe-smithson@a-long-clinic-name.example> wrote:\n> old 99213",
                "Then 99214?",
            ),
            // Bottom-posted and interleaved.
            (
                "On Mon, Jane wrote:\n> Did you bill 99213?\nYes, with 25.\n> And the dx?\nM54.16",
                "Yes, with 25.\nM54.16",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(new(body), want, "{body}");
        }
    }

    #[test]
    fn keeps_forwarded_questions() {
        let gmail = "Can you answer this?\n\n---------- Forwarded message ---------\nFrom: Dr. Lee <lee@x.org>\nDate: Mon, Mar 4, 2024 at 9:00 AM\nSubject: 62322 with 99213?\nTo: Jane <j@x.org>\n\nCan 62322 be billed with 99213-25?\n\nOn Sun, Mar 3, 2024 Jane wrote:\n> old 11111";
        let r = new_text(gmail, true);
        assert!(r.forwarded);
        assert_eq!(
            r.text,
            "Can you answer this?\n\nSubject: 62322 with 99213?\n\nCan 62322 be billed with 99213-25?"
        );
        let apple = "FYI\n\nBegin forwarded message:\n\n> From: Dr. Lee <lee@x.org>\n> Subject: Q\n> Date: March 4, 2024\n>\n> Is 20610 payable with 99214?\n>> older 99999";
        assert_eq!(
            new_text(apple, true).text,
            "FYI\n\nSubject: Q\n\nIs 20610 payable with 99214?"
        );
        let outlook = "See below\n\nFrom: Dr. Lee\nSent: Monday\nTo: Desk\nSubject: J3301\n\nHow many units of J3301?";
        assert_eq!(
            new_text(outlook, true).text,
            "See below\n\nSubject: J3301\n\nHow many units of J3301?"
        );
    }

    #[test]
    fn removes_signatures_but_not_questions() {
        let cases = [
            (
                "Is 99213 ok?\n\nThanks,\nJane Doe, CPC\nPhone 214-555-0199\nDallas, TX 75201",
                "Is 99213 ok?",
            ),
            ("Is 99213 ok?\n-- \nJane\nNPI 1234567893", "Is 99213 ok?"),
            ("Is 99213 ok?\n\nSent from my iPhone", "Is 99213 ok?"),
            ("Is 99213 ok? Thanks!", "Is 99213 ok? Thanks!"),
            (
                "Q 99213\nCONFIDENTIALITY NOTICE: This e-mail is for the sole use of...",
                "Q 99213",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(new(body), want, "{body}");
        }
        let long_after = format!("Thanks,\n{}", "more question text 99214 here\n".repeat(20));
        assert!(new(&long_after).contains("99214"));
    }
}
