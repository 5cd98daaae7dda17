//! What staff search the queue for, read from the words they type: a case reference (`CD-9`,
//! `#9`, `[CD-9]`), a code (`M54.16`, `99213`), or text of the sender and subject; and the codes
//! of a question, kept with its case so a search by code looks at what the asker wrote, never at
//! the reply (whose templates name example codes). Pure: no SQL, no I/O.

use crate::extract::{self, NoCatalog};
use crate::question::Question;

/// The prefix of every case reference the desk writes in its replies.
pub const REFERENCE_PREFIX: &str = "CD-";

/// The reference a case's mail carries: the one stored with its reply (a follow-up carries its
/// thread's), else `CD-` and the case number (what its first reply will say).
pub fn case_reference(id: i64, stored: Option<&str>) -> String {
    match stored {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => format!("{REFERENCE_PREFIX}{id}"),
    }
}

/// Most codes kept for one question (a pasted claim can hold hundreds of numbers).
const MAX_CODES: usize = 200;

/// The codes named in a question's subject and new text, for search: the references the
/// extractor finds (`m5416` is `M54.16`, modifiers, ranges), and every word shaped like a code
/// (3 to 8 letters and digits with a digit, a dot allowed: without the catalog the extractor
/// leaves out a bare `96372`, and a search should find what the asker wrote). Each in normal form
/// and without its dots, upper case, once, separated and surrounded by spaces
/// (` M54.16 M5416 99214 25 `), or empty when there are none.
pub fn question_codes(question: &Question) -> String {
    let mut codes: Vec<String> = Vec::new();
    let mut keep = |form: String| {
        let plain = form.replace('.', "");
        for c in [form, plain] {
            if codes.len() < MAX_CODES && !codes.contains(&c) {
                codes.push(c);
            }
        }
    };
    for text in [question.bare_subject(), question.text.as_str()] {
        for r in extract::extract(text, &NoCatalog) {
            keep(r.code.to_uppercase());
            if let Some(end) = r.range_end {
                keep(end.to_uppercase());
            }
        }
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
            let word = word.trim_matches('.');
            let len = word.chars().filter(|c| *c != '.').count();
            if (3..=8).contains(&len) && code_shaped(word) {
                keep(word.to_ascii_uppercase());
            }
        }
    }
    if codes.is_empty() {
        return String::new();
    }
    format!(" {} ", codes.join(" "))
}

/// A staff search, read from what was typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseSearch {
    /// A case reference (`CD-9`): the cases whose mail carries it.
    pub reference: Option<String>,
    /// The case number the reference names, for cases no reply has given a reference yet.
    pub id: Option<i64>,
    /// A code to find among the question's codes: upper case, no dots (see [`question_codes`]).
    pub code: Option<String>,
    /// Whether the code also matches longer codes it starts (a category such as `M54`).
    pub code_prefix: bool,
    /// A whole number to find in the subject (not as part of a longer number).
    pub number: Option<String>,
    /// Text to find anywhere in the sender or the subject.
    pub text: Option<String>,
    /// Text to find anywhere in the reply (only when staff ask for it: the replies' templates
    /// name codes and words every reply shares).
    pub reply: Option<String>,
}

impl CaseSearch {
    /// Reads `typed`; `in_reply` searches the reply text as well. `None` for blank input.
    pub fn parse(typed: &str, in_reply: bool) -> Option<CaseSearch> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let reply = in_reply.then(|| typed.to_string());
        let bare = typed
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(typed)
            .trim();
        if let Some(n) = bare.strip_prefix('#')
            && is_digits(n)
        {
            return Some(CaseSearch {
                reference: Some(format!("{REFERENCE_PREFIX}{n}")),
                id: n.parse().ok(),
                reply,
                ..CaseSearch::default()
            });
        }
        if let Some(rest) = strip_prefix_ignore_case(bare, REFERENCE_PREFIX)
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Some(CaseSearch {
                reference: Some(format!("{REFERENCE_PREFIX}{}", rest.to_ascii_uppercase())),
                id: is_digits(rest).then(|| rest.parse().ok()).flatten(),
                reply,
                ..CaseSearch::default()
            });
        }
        if is_digits(typed) {
            // A number is a case reference, a code, or a number in the subject.
            return Some(CaseSearch {
                reference: Some(format!("{REFERENCE_PREFIX}{typed}")),
                id: typed.parse().ok(),
                code: Some(typed.to_string()),
                number: Some(typed.to_string()),
                reply,
                ..CaseSearch::default()
            });
        }
        let code = code_shaped(typed).then(|| typed.replace('.', "").to_ascii_uppercase());
        Some(CaseSearch {
            code_prefix: code
                .as_ref()
                .is_some_and(|c| c.len() >= 3 && c.chars().any(|ch| ch.is_ascii_alphabetic())),
            code,
            text: Some(typed.to_string()),
            reply,
            ..CaseSearch::default()
        })
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Letters and digits with at most one dot inside, at least one digit: how codes are written.
fn code_shaped(s: &str) -> bool {
    let s = s.trim_end_matches('.');
    let (head, tail) = s.split_once('.').unwrap_or((s, ""));
    !head.is_empty()
        && s.len() <= 12
        && s.chars().any(|c| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_alphanumeric())
        && tail.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{self, Limits};

    fn search(typed: &str) -> CaseSearch {
        CaseSearch::parse(typed, false).unwrap()
    }

    #[test]
    fn references_are_read_in_every_way_staff_write_them() {
        for typed in ["CD-9", "cd-9", "[CD-9]", " #9 ", "Cd-9"] {
            let s = search(typed);
            assert_eq!(s.reference.as_deref(), Some("CD-9"), "{typed}");
            assert_eq!(s.id, Some(9), "{typed}");
            assert_eq!((s.code, s.text, s.reply), (None, None, None), "{typed}");
        }
        let hex = search("cd-1a2b3c4d");
        assert_eq!(hex.reference.as_deref(), Some("CD-1A2B3C4D"));
        assert_eq!(hex.id, None);
    }

    #[test]
    fn a_number_is_a_reference_a_code_or_a_whole_number_of_the_subject() {
        let s = search("99213");
        assert_eq!(s.reference.as_deref(), Some("CD-99213"));
        assert_eq!(s.code.as_deref(), Some("99213"));
        assert!(!s.code_prefix);
        assert_eq!(s.number.as_deref(), Some("99213"));
        assert_eq!(s.text, None, "not any subject that holds the digits");
    }

    #[test]
    fn codes_match_without_dots_and_categories_by_prefix_words_as_text() {
        let s = search("M54.16");
        assert_eq!(s.code.as_deref(), Some("M5416"));
        assert_eq!(s.text.as_deref(), Some("M54.16"));
        assert!(search("M54").code_prefix);
        let word = search("ICD-10");
        assert_eq!((word.code, word.reference), (None, None));
        assert_eq!(word.text.as_deref(), Some("ICD-10"));
        assert_eq!(word.reply, None, "the reply only when asked");
        let asked = CaseSearch::parse("ICD-10", true).unwrap();
        assert_eq!(asked.reply.as_deref(), Some("ICD-10"));
        assert_eq!(search("pat2@clinic").code, None);
        assert!(CaseSearch::parse("  ", true).is_none());
    }

    #[test]
    fn a_questions_codes_come_from_its_subject_and_text_in_both_forms() {
        let raw = b"From: a@b.example\r\nSubject: Re: Spine [CD-4] 99214-25\r\n\r\n\
Is M54.16 right with 96372?\r\n\r\n> quoted J06.9\r\n";
        let q = question::parse(raw, &Limits::default());
        let codes = question_codes(&q);
        for c in [" M54.16 ", " M5416 ", " 99214 ", " 96372 "] {
            assert!(codes.contains(c), "{c} in {codes:?}");
        }
        assert!(
            !codes.contains("J06"),
            "quoted history is not the question: {codes:?}"
        );
        assert!(codes.starts_with(' ') && codes.ends_with(' '));
        let bare = question::parse(
            b"Subject: visit\r\n\r\nCan 99214 go with 96372 today? See claim 4411.\r\n",
            &Limits::default(),
        );
        let codes = question_codes(&bare);
        assert!(
            codes.contains(" 96372 ") && codes.contains(" 99214 "),
            "{codes:?}"
        );
        assert!(
            !codes.contains(" CAN ") && !codes.contains(" GO "),
            "{codes:?}"
        );
        let none = question::parse(b"Subject: hello\r\n\r\nthanks\r\n", &Limits::default());
        assert_eq!(question_codes(&none), "");
    }
}
