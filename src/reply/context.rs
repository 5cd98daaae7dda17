//! What the templates see: the answer as it is, the kind of reply, and the few words around it
//! (the asker's name, the case reference, the footer). Nothing of the question's body: the reply
//! must not echo patient details back.

use super::ReplyKind;
use crate::answer::Answer;
use crate::question::Question;
use serde::Serialize;

/// The context every reply template renders with.
#[derive(Debug, Serialize)]
pub struct ReplyContext<'a> {
    /// The template pair used: `answer`, `no_code`, `not_registered`, `over_quota`,
    /// `unprocessable`, `acknowledgement`.
    pub kind: &'static str,
    /// The asker's display name, when the message gave one.
    pub name: Option<&'a str>,
    /// The case reference, quoted so a follow-up can be tied to its case.
    pub case_ref: &'a str,
    /// The configured disclaimer.
    pub footer: &'a str,
    /// The answer (only for `answer` and `no_code`).
    pub answer: Option<&'a Answer>,
    /// The code sets and releases the answer used (empty for notices).
    pub code_sets: &'a [String],
    /// Answers a guest gets per 30 days (`over_quota`).
    pub quota: Option<u32>,
    /// Why the message could not be processed (`unprocessable`).
    pub reason: Option<&'a str>,
    /// When to expect an answer (`acknowledgement`).
    pub expected: Option<&'a str>,
}

/// The longest display name a greeting repeats.
pub const MAX_GREETING_NAME: usize = 40;

/// The sender's display name as the greeting may repeat it: none when it is empty, too long, or
/// could carry a link or an address (a forged name must not put "visit evil.example" into a
/// reply under the desk's domain).
pub fn greeting_name(name: &str) -> Option<&str> {
    let name = name.trim();
    let linkish = name.contains('@')
        || name.contains("://")
        || name.to_ascii_lowercase().contains("www")
        || name
            .as_bytes()
            .windows(3)
            .any(|w| w[1] == b'.' && w[0].is_ascii_alphanumeric() && w[2].is_ascii_alphanumeric());
    let fits = !name.is_empty() && name.chars().count() <= MAX_GREETING_NAME;
    (fits && !linkish && !name.chars().any(char::is_control)).then_some(name)
}

impl<'a> ReplyContext<'a> {
    /// The context of a reply of `kind` to `question`.
    pub fn new(
        kind: ReplyKind<'a>,
        question: &'a Question,
        case_ref: &'a str,
        footer: &'a str,
    ) -> ReplyContext<'a> {
        let name = question
            .reply_address()
            .and_then(|m| m.name.as_deref())
            .and_then(greeting_name);
        let mut ctx = ReplyContext {
            kind: "answer",
            name,
            case_ref,
            footer,
            answer: None,
            code_sets: &[],
            quota: None,
            reason: None,
            expected: None,
        };
        match kind {
            ReplyKind::Answer(answer) => {
                ctx.kind = if has_codes(answer) {
                    "answer"
                } else {
                    "no_code"
                };
                ctx.answer = Some(answer);
                ctx.code_sets = &answer.code_sets;
            }
            ReplyKind::NotRegistered => ctx.kind = "not_registered",
            ReplyKind::OverQuota { quota } => {
                ctx.kind = "over_quota";
                ctx.quota = Some(quota);
            }
            ReplyKind::Unprocessable(why) => {
                ctx.kind = "unprocessable";
                ctx.reason = Some(why);
            }
            ReplyKind::Acknowledgement { expected } => {
                ctx.kind = "acknowledgement";
                ctx.expected = Some(expected);
            }
        }
        ctx
    }
}

/// Whether the answer speaks of codes the asker wrote (else it only has suggestions).
fn has_codes(a: &Answer) -> bool {
    !(a.codes.is_empty()
        && a.ranges.is_empty()
        && a.icd9.is_empty()
        && a.modifiers.is_empty()
        && a.unknown.is_empty())
}

#[cfg(test)]
mod greeting_tests {
    use super::greeting_name;

    #[test]
    fn a_greeting_repeats_plain_names_only() {
        assert_eq!(greeting_name(" Pat Smith "), Some("Pat Smith"));
        assert_eq!(greeting_name("Dr. J. O'Neil"), Some("Dr. J. O'Neil"));
        for bad in [
            "",
            "pat@clinic.example",
            "Win a prize at evil.example now",
            "see https://evil.example",
            "WWW EVIL COM",
            "A name far too long to be anyone's real name, repeated again",
        ] {
            assert_eq!(greeting_name(bad), None, "{bad}");
        }
    }
}
