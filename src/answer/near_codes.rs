//! Codes near an ICD-10-CM code that no loaded file knows: "S06.00A" is S06.0X0A once the
//! placeholder X is put in; "T81.4XXA" (expanded in a later year) points at the codes now below
//! T81.4 with the same 7th character, and at the one the question's words fit best. Read from the
//! billable codes below the longest known start of the code. A pointer, never a coding decision.
//! Pure.

use super::closer::{fit, polar_words, shared_terms};
use crate::codes::ChildCode;
use serde::Serialize;

/// How many codes below the known start are listed when none stands out.
const LISTED: usize = 8;

/// What the loaded tabular holds near a code it does not know.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearCode {
    /// The code as the question gave it (normal form).
    pub asked: String,
    /// The longest start of it the tabular knows (`S06.0`).
    pub root: String,
    /// The code with the placeholder X put in, when that is a billable code.
    pub placeholder: Option<ChildCode>,
    /// The billable codes below the root with the same 7th character (all of them, when the code
    /// has none), at most [`LISTED`].
    pub listed: Vec<ChildCode>,
    /// How many such codes there are in all.
    pub total: usize,
    /// The one the question's words fit clearly best, if any.
    pub best: Option<ChildCode>,
}

fn bare(code: &str) -> String {
    code.chars().filter(|c| *c != '.').collect()
}

/// Whether `full` is `written` with only placeholder Xs added (`S0600A` in `S060X0A`).
fn with_placeholders(written: &str, full: &str) -> bool {
    let mut w = written.chars().peekable();
    for c in full.chars() {
        match w.peek() {
            Some(&x) if x == c => {
                w.next();
            }
            _ if c == 'X' => {}
            _ => return false,
        }
    }
    w.peek().is_none() && full.len() > written.len()
}

/// For each unknown code with a known start in `related` (keyed by the unknown code), what lies
/// near it.
pub fn near_codes(
    text: &str,
    unknown: &[String],
    related: &[(String, Vec<ChildCode>)],
) -> Vec<NearCode> {
    let question = polar_words(text);
    let mut out = Vec::new();
    for asked in unknown {
        let Some((_, below)) = related.iter().find(|(code, _)| code == asked) else {
            continue;
        };
        let written = bare(asked);
        let root = below
            .iter()
            .map(|k| bare(&k.code))
            .fold(None::<String>, |acc, k| {
                let common: String = written
                    .chars()
                    .zip(k.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect();
                Some(match acc {
                    Some(a) if a.len() >= common.len() => a,
                    _ => common,
                })
            })
            .unwrap_or_default();
        let billable: Vec<&ChildCode> = below.iter().filter(|k| k.billable).collect();
        let placeholder = billable
            .iter()
            .find(|k| with_placeholders(&written, &bare(&k.code)))
            .map(|k| (*k).clone());
        let seventh = seventh_of(&written);
        let same: Vec<&ChildCode> = billable
            .iter()
            .copied()
            .filter(|k| match seventh {
                Some(c) => bare(&k.code).len() == 7 && bare(&k.code).ends_with(c),
                None => true,
            })
            .collect();
        let mut same = same;
        same.sort_by(|a, b| a.code.cmp(&b.code));
        let mut scored: Vec<(i32, &ChildCode)> = same
            .iter()
            .filter_map(|k| Some((fit(&k.description, &question)?, *k)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        let shared = |k: &ChildCode| shared_terms(&k.description, &question).len();
        let best = match (scored.first(), scored.get(1)) {
            (Some((s, k)), next) if shared(k) >= 2 && next.is_none_or(|(n, _)| n < s) => {
                Some((*k).clone())
            }
            _ => None,
        };
        // Only a category in common (Z99.999 beside Z99) says nothing about the code meant.
        if placeholder.is_none() && (same.is_empty() || root.len() <= 3) {
            continue;
        }
        out.push(NearCode {
            asked: asked.clone(),
            root: dotted(&root),
            placeholder,
            listed: same.iter().take(LISTED).map(|k| (*k).clone()).collect(),
            total: same.len(),
            best,
        });
    }
    out
}

/// The 7th character a written code carries: its 7th, or a final letter after four or more
/// characters (`S06.0A` written for S06.0?A).
fn seventh_of(written: &str) -> Option<char> {
    let last = written.chars().last()?;
    (written.len() == 7 || (written.len() >= 5 && last.is_ascii_alphabetic())).then_some(last)
}

/// A bare ICD-10-CM start with its dot (`S060` is `S06.0`).
fn dotted(bare: &str) -> String {
    if bare.len() > 3 {
        format!("{}.{}", &bare[..3], &bare[3..])
    } else {
        bare.to_string()
    }
}

/// The sentences the reply gives for a code near an unknown one.
pub fn sentences(n: &NearCode) -> Vec<String> {
    if let Some(p) = &n.placeholder {
        return vec![format!(
            "With the placeholder X where the tabular has one, {} is {} ({}).",
            n.asked, p.code, p.description
        )];
    }
    let mut out = Vec::new();
    let list: Vec<String> = n
        .listed
        .iter()
        .map(|k| format!("{} ({})", k.code, k.description))
        .collect();
    let more = if n.total > n.listed.len() {
        format!(" and {} more", n.total - n.listed.len())
    } else {
        String::new()
    };
    let seventh = seventh_of(&bare(&n.asked))
        .map(|c| format!(" with the 7th character {c}"))
        .unwrap_or_default();
    out.push(format!(
        "The billable codes below {}{seventh} in the loaded tabular are: {}{more}.",
        n.root,
        list.join("; ")
    ));
    if let Some(b) = &n.best {
        out.push(format!(
            "Of these, the words of your question fit {} ({}) best; check it against the record.",
            b.code, b.description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::answer::tests::billable_child as kid;

    #[test]
    fn the_placeholder_x_is_put_in() {
        assert!(with_placeholders("S0600A", "S060X0A"));
        assert!(!with_placeholders("S060A", "S060X0A"));
        assert!(!with_placeholders("S060X0A", "S060X0A"));
        let related = vec![(
            "S06.00A".to_string(),
            vec![
                kid(
                    "S06.0X0A",
                    "Concussion without loss of consciousness, initial encounter",
                ),
                kid(
                    "S06.0X1A",
                    "Concussion with loss of consciousness of 30 minutes or less, initial encounter",
                ),
            ],
        )];
        let got = near_codes("concussion, initial", &["S06.00A".into()], &related);
        assert_eq!(got[0].placeholder.as_ref().unwrap().code, "S06.0X0A");
        assert!(sentences(&got[0])[0].contains("S06.00A is S06.0X0A"));
    }

    #[test]
    fn an_expanded_code_lists_its_successors_with_the_same_seventh_character() {
        let related = vec![(
            "T81.4XXA".to_string(),
            vec![
                kid(
                    "T81.40XA",
                    "Infection following a procedure, unspecified, initial encounter",
                ),
                kid(
                    "T81.41XA",
                    "Infection following a procedure, superficial incisional surgical site, initial encounter",
                ),
                kid(
                    "T81.41XD",
                    "Infection following a procedure, superficial incisional surgical site, subsequent encounter",
                ),
                kid(
                    "T81.42XA",
                    "Infection following a procedure, deep incisional surgical site, initial encounter",
                ),
            ],
        )];
        let got = near_codes(
            "superficial incisional SSI after lap chole, T81.4XXA",
            &["T81.4XXA".into()],
            &related,
        );
        let n = &got[0];
        assert_eq!(n.root, "T81.4");
        assert_eq!(n.total, 3, "only the A codes: {n:?}");
        assert_eq!(n.best.as_ref().unwrap().code, "T81.41XA");
        let s = sentences(n).join(" ");
        assert!(s.contains("below T81.4 with the 7th character A"), "{s}");
        assert!(!s.contains("T81.41XD"), "{s}");
    }

    #[test]
    fn a_code_sharing_only_its_category_gets_no_list() {
        let related = vec![(
            "Z99.999".to_string(),
            vec![
                kid("Z99.0", "Dependence on aspirator"),
                kid("Z99.2", "Dependence on renal dialysis"),
            ],
        )];
        assert!(near_codes("is Z99.999 a code?", &["Z99.999".into()], &related).is_empty());
    }
}
