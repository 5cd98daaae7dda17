//! Header values from the question made safe to write into our reply's headers and to show:
//! display names and subjects lose every control character (CR, LF, NUL, tab, DEL, the C1
//! controls, the Unicode line and paragraph separators and the bidirectional controls), and
//! addresses or message ids holding any of them, or spaces, are not used at all. Pure.

/// True for a character no header value we write may hold: a control character of any kind,
/// a line or paragraph separator, or a bidirectional control (which can make a name read as
/// another).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` on one line: each run of unsafe characters and whitespace becomes one space, and the
/// ends are trimmed. "Evil\r\nX-Injected: 1" becomes "Evil X-Injected: 1".
pub fn header_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if is_unsafe(c) || c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    out
}

/// True when `token` (an address or a message id) can be written as it is: not empty, no
/// whitespace and no unsafe character.
pub fn is_clean_token(token: &str) -> bool {
    !token.is_empty() && !token.chars().any(|c| is_unsafe(c) || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_of_every_kind_become_one_space() {
        assert_eq!(header_text("Evil\r\nX-Injected: 1"), "Evil X-Injected: 1");
        assert_eq!(header_text("a\rb\nc\0d\te\u{7f}f"), "a b c d e f");
        // C1 controls (NEL among them), line and paragraph separators, bidi overrides.
        assert_eq!(header_text("a\u{85}b\u{9b}c"), "a b c");
        assert_eq!(header_text("a\u{2028}b\u{2029}c"), "a b c");
        assert_eq!(header_text("\u{202E}evil\u{2066}x\u{2069}"), "evil x");
        assert_eq!(header_text("  \r\n spaced \t out \r\n"), "spaced out");
        assert_eq!(header_text("\r\n\0"), "");
    }

    #[test]
    fn ordinary_text_is_kept_as_it_is() {
        for text in [
            "Renée Lefèvre",
            "Doe, Jane",
            "Can 99213‑25 be billed?",
            "株式会社",
        ] {
            assert_eq!(header_text(text), text);
        }
    }

    #[test]
    fn tokens_with_spaces_or_controls_are_refused() {
        assert!(is_clean_token("a@clinic.example"));
        assert!(is_clean_token("abc.123@host"));
        for bad in [
            "",
            "a b@x",
            "a\r\n@x",
            "a@x\r\nBcc: y@z",
            "a\0@x",
            "a\u{2028}@x",
            "x\t@y",
        ] {
            assert!(!is_clean_token(bad), "{bad:?}");
        }
    }
}
