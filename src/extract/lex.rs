//! Splits text into word and punctuation tokens with byte spans in one pass; gives no meaning to
//! any of them.
//!
//! A word is a run of alphanumerics that may hold single dots between alphanumerics (`M54.16`,
//! `724.4`). A whitespace-free chunk that is a URL or an e-mail address becomes one opaque token,
//! so the numbers inside it are never read as codes.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Alphanumerics, with internal dots.
    Word,
    /// A URL or e-mail address.
    Opaque,
    /// `-` and the Unicode dashes and minus.
    Dash,
    Slash,
    Comma,
    Colon,
    Semicolon,
    Hash,
    Dollar,
    Percent,
    At,
    Amp,
    Plus,
    Pipe,
    Open,
    Close,
    /// A `.`, `?`, `!` or `…` that ends a sentence.
    Stop,
    /// Any other character.
    Other,
}

/// One token: its kind, byte span and what came before it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Whitespace separates it from the previous token.
    pub space_before: bool,
    /// A sentence ends before it: a blank line, or a line break after a short line (a list
    /// item, a table row, a signature line) rather than after hard-wrapped prose.
    pub break_before: bool,
    /// The line it stands on, counting from 0.
    pub line: u32,
}

/// A line shorter than this that ends in a line break ends its sentence.
const WRAPPED_LINE: usize = 50;

/// The tokens of `text`, in order.
pub(super) fn lex(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out: Vec<Token> = Vec::with_capacity(text.len() / 4 + 4);
    let mut i = 0;
    let mut space_before = false;
    let mut break_before = false;
    let mut line: u32 = 0;
    let mut line_start = 0;
    let mut line_is_row = false;
    let mut newlines_in_gap = 0u32;
    let mut chunk_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            let len = i - line_start;
            newlines_in_gap += 1;
            if newlines_in_gap >= 2 || len < WRAPPED_LINE || line_is_row {
                break_before = true;
            }
            line += 1;
            line_start = i + 1;
            line_is_row = false;
            space_before = true;
            chunk_start = true;
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' || b == b'\r' || b == 0x0b || b == 0x0c {
            if b == b'\t' {
                line_is_row = true;
            }
            space_before = true;
            chunk_start = true;
            i += 1;
            continue;
        }
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let clen = c.len_utf8();
        if c.is_whitespace() || is_invisible(c) {
            if c.is_whitespace() {
                space_before = true;
                chunk_start = true;
            }
            i += clen;
            continue;
        }
        let push =
            |kind: Kind, start: usize, end: usize, out: &mut Vec<Token>, sb: bool, bb: bool| {
                out.push(Token {
                    kind,
                    start,
                    end,
                    space_before: sb,
                    break_before: bb,
                    line,
                });
            };
        if chunk_start {
            chunk_start = false;
            let chunk_end = bytes[i..]
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .map_or(bytes.len(), |p| i + p);
            if let Some(end) = opaque_end(text, i, chunk_end) {
                push(Kind::Opaque, i, end, &mut out, space_before, break_before);
                space_before = false;
                break_before = false;
                newlines_in_gap = 0;
                i = end;
                continue;
            }
        }
        if c.is_alphanumeric() {
            let end = word_end(text, i);
            for (s, e) in split_word(&text[i..end]) {
                push(
                    Kind::Word,
                    i + s,
                    i + e,
                    &mut out,
                    space_before,
                    break_before,
                );
                space_before = false;
                break_before = false;
            }
            newlines_in_gap = 0;
            i = end;
            continue;
        }
        let kind = match c {
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => {
                Kind::Dash
            }
            '/' => Kind::Slash,
            ',' => Kind::Comma,
            ':' => Kind::Colon,
            ';' => Kind::Semicolon,
            '#' => Kind::Hash,
            '$' => Kind::Dollar,
            '%' => Kind::Percent,
            '@' => Kind::At,
            '&' => Kind::Amp,
            '+' => Kind::Plus,
            '|' => {
                line_is_row = true;
                Kind::Pipe
            }
            '(' | '[' | '{' => Kind::Open,
            ')' | ']' | '}' => Kind::Close,
            '?' | '!' | '\u{2026}' => Kind::Stop,
            '.' => {
                let next = bytes.get(i + 1).copied();
                if next.is_none_or(|n| n.is_ascii_whitespace() || matches!(n, b')' | b'"' | b'\''))
                {
                    Kind::Stop
                } else {
                    Kind::Other
                }
            }
            _ => Kind::Other,
        };
        push(kind, i, i + clen, &mut out, space_before, break_before);
        space_before = false;
        break_before = false;
        newlines_in_gap = 0;
        i += clen;
    }
    out
}

/// Zero-width characters that mail clients scatter through text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    )
}

/// The end of the word starting at `start`: alphanumerics, and dots between alphanumerics.
fn word_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if c.is_alphanumeric() {
            end = start + off + c.len_utf8();
            continue;
        }
        if c == '.' {
            if let Some(&(_, n)) = chars.peek() {
                if n.is_alphanumeric() {
                    continue;
                }
            }
        }
        break;
    }
    end
}

/// Splits the few glued forms coders write: `99214s`, `99213x2`, `J3301x4`, `mod25`, `cpt99213`.
/// Returns word spans relative to `word`.
fn split_word(word: &str) -> Vec<(usize, usize)> {
    let b = word.as_bytes();
    let n = b.len();
    // A 5-character code followed by a plural s or a quantity (x2).
    if n > 5 && is_code5(&b[..5]) {
        let rest = &b[5..];
        let plural = rest.eq_ignore_ascii_case(b"s");
        let times = rest.len() >= 2
            && (rest[0] == b'x' || rest[0] == b'X')
            && rest[1..].iter().all(u8::is_ascii_digit)
            && rest.len() <= 4;
        if plural {
            return vec![(0, 5)];
        }
        if times {
            return vec![(0, 5), (5, n)];
        }
    }
    for prefix in ["mod", "cpt", "hcpcs"] {
        let p = prefix.len();
        if n >= p + 2
            && b[..p].eq_ignore_ascii_case(prefix.as_bytes())
            && b[p].is_ascii_digit()
            && b[p..].iter().all(|c| c.is_ascii_alphanumeric())
        {
            return vec![(0, p), (p, n)];
        }
    }
    vec![(0, n)]
}

/// Five characters shaped like a CPT or HCPCS code.
fn is_code5(b: &[u8]) -> bool {
    b.len() == 5
        && (b[0].is_ascii_digit() || b[0].is_ascii_uppercase())
        && b[1..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T' | b'U'))
}

/// A long whitespace-free chunk that is encoded data rather than words: base64, uuencode,
/// hashes, tokens. Lists of codes (`99213-25,99214-25,99215-25`) are not.
fn is_encoded(chunk: &[u8]) -> bool {
    if chunk.len() < 32 {
        return false;
    }
    let odd = chunk
        .iter()
        .filter(|b| {
            !b.is_ascii_alphanumeric()
                && !matches!(
                    b,
                    b'.' | b','
                        | b';'
                        | b':'
                        | b'/'
                        | b'-'
                        | b'('
                        | b')'
                        | b'#'
                        | b'&'
                        | b'\''
                        | b'"'
                )
        })
        .count();
    let mut longest = 0;
    let mut run = 0;
    for b in chunk {
        if b.is_ascii_alphanumeric() {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    odd >= 3 || longest >= 24
}

/// The end of an opaque chunk (URL, e-mail address) starting at `start`, without trailing
/// punctuation, if the chunk `start..chunk_end` is one.
fn opaque_end(text: &str, start: usize, chunk_end: usize) -> Option<usize> {
    let chunk = &text.as_bytes()[start..chunk_end];
    if chunk.len() < 5 {
        return None;
    }
    let lower_starts =
        |p: &[u8]| chunk.len() >= p.len() && chunk[..p.len()].eq_ignore_ascii_case(p);
    let is_url = chunk.windows(3).any(|w| w == b"://")
        || lower_starts(b"www.")
        || lower_starts(b"<www.")
        || lower_starts(b"mailto:")
        || lower_starts(b"<mailto:");
    let is_email = chunk.iter().position(|&b| b == b'@').is_some_and(|at| {
        at > 0
            && chunk[at - 1].is_ascii_alphanumeric()
            && chunk.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)
            && chunk[at + 1..].contains(&b'.')
    });
    if !is_url && !is_email && !is_encoded(chunk) {
        return None;
    }
    let mut end = chunk_end;
    while end > start
        && matches!(
            text.as_bytes()[end - 1],
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']' | b'"' | b'\''
        )
    {
        end -= 1;
    }
    // Never split a character: the chunk ends at ASCII whitespace, and only ASCII was trimmed.
    (end > start).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        lex(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect::<Vec<_>>()
    }

    #[test]
    fn splits_words_and_punctuation() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Can 62322 be billed with 99213-25?",
                &[
                    "Can", "62322", "be", "billed", "with", "99213", "-", "25", "?",
                ],
            ),
            ("99202–99215", &["99202", "–", "99215"]),
            ("$125.00 fee", &["$", "125.00", "fee"]),
            ("99214s and 99213x2", &["99214", "and", "99213", "x2"]),
            ("mod25 cpt99213", &["mod", "25", "cpt", "99213"]),
            (
                "see https://example.org/a?id=99213, or jane@clinic.org.",
                &[
                    "see",
                    "https://example.org/a?id=99213",
                    ",",
                    "or",
                    "jane@clinic.org",
                    ".",
                ],
            ),
            ("Müller 12", &["Müller", "12"]),
        ];
        for (text, want) in cases {
            assert_eq!(words(text), *want, "{text}");
        }
        assert_eq!(words("Dx M54.16."), vec!["Dx", "M54.16", "."]);
    }

    #[test]
    fn marks_sentence_breaks_after_short_lines_only() {
        let text =
            "Thanks,\nJane\nThis line is long enough to be hard-wrapped prose that goes\non here";
        let toks = lex(text);
        let at = |w: &str| toks.iter().find(|t| &text[t.start..t.end] == w).unwrap();
        assert!(at("Jane").break_before);
        assert!(at("This").break_before);
        assert!(!at("on").break_before);
        assert_eq!(at("on").line, 3);
    }

    #[test]
    fn encoded_data_is_opaque() {
        let uu = "M9E9V3FY>?D%A47%R26E9E$=Y1258[C^3D&15=4UM77U#8U.S<DM";
        assert_eq!(words(uu), vec![uu]);
        let b64 = "SGVsbG8gd29ybGQgdGhpcyBpcyBhIHRlc3Qgb2YgYmFzZTY0";
        assert_eq!(words(b64), vec![b64]);
        let list = "99213-25,99214-25,99215-25,20610-59,J3301";
        assert_eq!(words(list).len(), 17);
    }

    #[test]
    fn stops_and_dots() {
        let kinds: Vec<Kind> = lex("a. b.c ? !").iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![Kind::Word, Kind::Stop, Kind::Word, Kind::Stop, Kind::Stop]
        );
    }
}
