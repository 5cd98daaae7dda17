//! Modifiers a question describes in words ("R ring finger" is F8 "Right hand, fourth digit";
//! "lower right lid" is E4 "Lower right, eyelid") and the family beside a modifier it names
//! ("which Q modifier?" beside Q8 lists Q7 and Q9). A modifier fits words only when every word of
//! its official description is in the question, after the coder's names for fingers, toes, sides
//! and lids are read as the descriptions word them. A pointer from the data, never a coding
//! decision. Pure.

use serde::Serialize;
use std::collections::BTreeSet;

/// Words of a modifier description that say nothing by themselves.
const FILLER: &[&str] = &[
    "a", "an", "and", "of", "the", "or", "to", "in", "on", "for", "as", "by", "with", "be", "is",
    "at", "from", "under", "not",
];

/// A modifier the data points to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModifierLead {
    /// The modifier.
    pub code: String,
    /// Its official description.
    pub description: String,
    /// The modifier the question named that this one stands beside (same family), if that is
    /// why it is given; else it fits the question's words.
    pub beside: Option<String>,
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The question's words with the descriptions' wording added: `ring finger` adds `hand fourth
/// digit`, `R`/`rt` add `right`, `lid` adds `eyelid`, `great toe` adds `foot`.
pub fn expanded(text: &str) -> BTreeSet<String> {
    let ws = words(text);
    let mut out: BTreeSet<String> = BTreeSet::new();
    let digit_word = |w: &str| -> Option<&'static str> {
        match w {
            "index" | "second" | "2nd" => Some("second"),
            "middle" | "long" | "third" | "3rd" => Some("third"),
            "ring" | "fourth" | "4th" => Some("fourth"),
            "little" | "pinky" | "pinkie" | "small" | "fifth" | "5th" => Some("fifth"),
            _ => None,
        }
    };
    let fingers = ws
        .iter()
        .any(|w| matches!(w.as_str(), "finger" | "fingers" | "thumb" | "hand"));
    let toes = ws
        .iter()
        .any(|w| matches!(w.as_str(), "toe" | "toes" | "foot" | "hallux"));
    for (i, w) in ws.iter().enumerate() {
        out.insert(w.clone());
        match w.as_str() {
            "r" | "rt" => {
                out.insert("right".into());
            }
            "l" | "lt" => {
                out.insert("left".into());
            }
            "lid" | "lids" | "eyelids" => {
                out.insert("eyelid".into());
            }
            "finger" | "fingers" => {
                out.insert("hand".into());
                out.insert("digit".into());
            }
            "toe" | "toes" => {
                out.insert("foot".into());
                out.insert("digit".into());
            }
            "hallux" => {
                out.extend(["foot".into(), "great".into(), "toe".into()]);
            }
            "big" if ws.get(i + 1).is_some_and(|n| n.starts_with("toe")) => {
                out.insert("great".into());
            }
            _ => {}
        }
        if fingers || toes {
            if let Some(d) = digit_word(w) {
                out.insert(d.into());
                out.insert("digit".into());
            }
        }
    }
    out
}

/// The search words for modifiers described in words: the expanded question, or None when it
/// names no body part a modifier describes.
pub fn search_words(text: &str) -> Option<String> {
    let e = expanded(text);
    let parts = ["hand", "foot", "eyelid", "digit", "thumb", "toe"];
    parts
        .iter()
        .any(|p| e.contains(*p))
        .then(|| e.into_iter().collect::<Vec<_>>().join(" "))
}

fn terms(description: &str) -> BTreeSet<String> {
    words(description)
        .into_iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect()
}

/// The modifiers among `candidates` whose every description word the question has (two words
/// at least), best covered first.
pub fn fitting(text: &str, candidates: &[(String, String)]) -> Vec<ModifierLead> {
    let q = expanded(text);
    let mut out: Vec<(usize, ModifierLead)> = candidates
        .iter()
        .filter_map(|(code, description)| {
            let t = terms(description);
            (t.len() >= 2 && t.iter().all(|w| q.contains(w))).then(|| {
                (
                    t.len(),
                    ModifierLead {
                        code: code.clone(),
                        description: description.clone(),
                        beside: None,
                    },
                )
            })
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
    // Only the most specific fit: "right hand fourth digit" over a shorter description.
    let top = out.first().map(|(n, _)| *n).unwrap_or(0);
    out.into_iter()
        .filter(|(n, _)| *n == top)
        .map(|(_, l)| l)
        .collect()
}

fn stems(description: &str) -> BTreeSet<String> {
    terms(description)
        .into_iter()
        .map(|w| w.trim_end_matches('s').to_string())
        .collect()
}

/// The family of a named modifier: modifiers with its first character whose descriptions share
/// at least two of its words and half the words of the shorter one (Q7 and Q9 beside Q8 "Two
/// class b findings"; GU and GX beside GA, not every G modifier that mentions a policy).
pub fn family(named: &(String, String), candidates: &[(String, String)]) -> Vec<ModifierLead> {
    let own = stems(&named.1);
    let first = named.0.chars().next();
    candidates
        .iter()
        .filter(|(code, _)| *code != named.0 && code.chars().next() == first)
        .filter(|(_, d)| {
            let theirs = stems(d);
            let shared = theirs.intersection(&own).count();
            shared >= 2 && shared * 2 >= theirs.len().min(own.len())
        })
        .map(|(code, description)| ModifierLead {
            code: code.clone(),
            description: description.clone(),
            beside: Some(named.0.clone()),
        })
        .collect()
}

/// The sentences the modifier ask gives for these leads.
pub fn sentences(leads: &[ModifierLead]) -> Vec<String> {
    let mut out = Vec::new();
    let fit: Vec<String> = leads
        .iter()
        .filter(|l| l.beside.is_none())
        .map(|l| format!("{} (\"{}\")", l.code, l.description))
        .collect();
    if !fit.is_empty() {
        out.push(format!(
            "The HCPCS modifier{} whose official description your question's words match: {}.",
            if fit.len() > 1 { "s" } else { "" },
            fit.join(", ")
        ));
    }
    let mut named: Vec<&str> = leads.iter().filter_map(|l| l.beside.as_deref()).collect();
    named.dedup();
    for n in named {
        let beside: Vec<String> = leads
            .iter()
            .filter(|l| l.beside.as_deref() == Some(n))
            .map(|l| format!("{} (\"{}\")", l.code, l.description))
            .collect();
        out.push(format!(
            "Beside {n} in the same family: {}.",
            beside.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(code: &str, d: &str) -> (String, String) {
        (code.into(), d.into())
    }

    fn hand() -> Vec<(String, String)> {
        vec![
            m("F5", "Right hand, thumb"),
            m("F6", "Right hand, second digit"),
            m("F8", "Right hand, fourth digit"),
            m("F3", "Left hand, fourth digit"),
            m("T8", "Right foot, fourth digit"),
            m("E4", "Lower right, eyelid"),
            m("E2", "Lower left, eyelid"),
            m("V1", "Demonstration modifier 1"),
            m(
                "RT",
                "Right side (used to identify procedures performed on the right side of the body)",
            ),
        ]
    }

    #[test]
    fn a_finger_named_in_words_is_its_digit_modifier() {
        let got = fitting(
            "trigger finger injection R ring finger. which finger modifier?",
            &hand(),
        );
        assert_eq!(
            got.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["F8"]
        );
        let got = fitting(
            "chalazion excision lower right lid. modifier E-something?",
            &hand(),
        );
        assert_eq!(
            got.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["E4"]
        );
        // No side, no fit: the question must say everything the description says.
        assert!(fitting("ring finger injection, which modifier", &hand()).is_empty());
        assert!(search_words("which modifier for 99213").is_none());
    }

    #[test]
    fn a_named_modifier_brings_its_family() {
        let q = vec![
            m("Q7", "One class a finding"),
            m("Q8", "Two class b findings"),
            m("Q9", "One class b and two class c findings"),
            m(
                "Q6",
                "Service furnished under a fee-for-time compensation arrangement",
            ),
            m("GA", "Waiver of liability statement issued"),
        ];
        let got = family(&q[1], &q);
        assert_eq!(
            got.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["Q7", "Q9"]
        );
        let g = vec![
            m(
                "GA",
                "Waiver of liability statement issued as required by payer policy, individual case",
            ),
            m(
                "GU",
                "Waiver of liability statement issued as required by payer policy, routine notice",
            ),
            m(
                "GX",
                "Notice of liability issued, voluntary under payer policy",
            ),
            m(
                "G7",
                "Pregnancy resulted from rape or incest or pregnancy certified by physician as life threatening",
            ),
            m(
                "GR",
                "This service was performed in whole or in part by a resident in a department of veterans affairs medical center or clinic, supervised in accordance with va policy",
            ),
        ];
        let family_of_ga = family(&g[0], &g);
        assert_eq!(
            family_of_ga
                .iter()
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>(),
            ["GU", "GX"]
        );
        let s = sentences(&got).join(" ");
        assert!(
            s.contains("Beside Q8 in the same family: Q7 (\"One class a finding\")"),
            "{s}"
        );
    }
}
