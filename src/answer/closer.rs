//! Codes the question's own words describe better than the ICD-10-CM code it names: "carpal
//! tunnel syndrome, right hand only. G56.00?" fits G56.01 (right upper limb); "migraine w/o aura,
//! not intractable ... G43" fits G43.009 among the codes below the header. The words are matched
//! against the official descriptions of the billable codes in the named code's category, with
//! "without/not/no" kept apart from their opposite. A suggestion, never a coding decision. Pure.

use crate::codes::ChildCode;
use serde::Serialize;
use std::collections::BTreeSet;

/// A code whose description fits the question's words better than the code named.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloserCode {
    /// The codes the question named that it fits better than (a header, or billable codes).
    pub asked: Vec<String>,
    /// Whether the named code is a header (the closer code lies below it).
    pub asked_header: bool,
    /// The description of the code named.
    pub asked_description: String,
    /// The closer code.
    pub code: String,
    /// Its description.
    pub description: String,
    /// The question's words that tell it apart from the named code ("right").
    pub words: Vec<String>,
}

/// Words that say nothing about which code fits.
const NEUTRAL: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "of",
    "the",
    "in",
    "on",
    "at",
    "to",
    "for",
    "by",
    "as",
    "with",
    "due",
    "other",
    "unspecified",
    "specified",
    "nos",
    "nec",
    "elsewhere",
    "classified",
    "site",
    "type",
    "i",
    "is",
    "it",
    "this",
    "that",
    "which",
    "what",
    "code",
];

/// Words that turn the next word into its absence ("without aura", "not intractable").
const NEGATIONS: &[&str] = &["without", "not", "no", "non", "wo"];

fn synonym(w: &str) -> &str {
    match w {
        "rt" => "right",
        "lt" => "left",
        "both" | "bilat" | "bilaterally" | "bil" => "bilateral",
        "pt" => "patient",
        "dm" => "diabetes",
        "afib" => "fibrillation",
        _ => w,
    }
}

fn stem(w: &str) -> String {
    let w = synonym(w);
    if w.len() > 4
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

/// The content words of a text, a word after a negation marked with a leading `-`.
pub fn polar_words(text: &str) -> BTreeSet<String> {
    let t = text
        .to_lowercase()
        .replace("w/o", " without ")
        .replace("w/", " with ");
    let mut out = BTreeSet::new();
    let mut negate = false;
    for raw in t.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        if NEGATIONS.contains(&raw) {
            negate = true;
            continue;
        }
        if NEUTRAL.contains(&raw) {
            continue;
        }
        let w = stem(raw);
        out.insert(if negate { format!("-{w}") } else { w });
        negate = false;
    }
    out
}

fn opposite(w: &str) -> String {
    match w.strip_prefix('-') {
        Some(rest) => rest.to_string(),
        None => format!("-{w}"),
    }
}

/// How well a description fits the question's words: None when the words deny one of its
/// terms, else the terms present less the terms missing.
fn fit(description: &str, question: &BTreeSet<String>) -> Option<i32> {
    let terms = polar_words(description);
    let mut score = 0;
    for t in &terms {
        if question.contains(t) {
            score += 1;
        } else if question.contains(&opposite(t)) {
            return None;
        } else {
            score -= 1;
        }
    }
    Some(score)
}

/// An ICD-10-CM code the question names.
#[derive(Debug, Clone)]
pub struct Named {
    /// The code.
    pub code: String,
    /// Whether it is a header.
    pub header: bool,
    /// Its description.
    pub description: String,
}

/// "Is that right?" asks about the code; it names no side.
const NOT_A_SIDE: &[&str] = &[
    "is that right",
    "is this right",
    "is it right",
    "am i right",
    "right code",
    "right one",
    "right way",
    "right now",
    "right?",
    "all right",
];

/// For each ICD-10-CM code named (with the billable codes of its category, or below it when it
/// is a header), the one code the words fit best when it fits clearly better than the code named
/// and than any other.
pub fn closer_codes(
    text: &str,
    codes: &[Named],
    related: &[(String, Vec<ChildCode>)],
) -> Vec<CloserCode> {
    let mut t = text.to_lowercase();
    for p in NOT_A_SIDE {
        t = t.replace(p, " ");
    }
    let question = polar_words(&t);
    let named: BTreeSet<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    let mut out: Vec<CloserCode> = Vec::new();
    for c in codes {
        let Some((_, candidates)) = related.iter().find(|(code, _)| *code == c.code) else {
            continue;
        };
        let asked_description = c.description.clone();
        let asked_fit = if c.header {
            None
        } else {
            fit(&asked_description, &question)
        };
        let mut scored: Vec<(i32, &ChildCode)> = candidates
            .iter()
            .filter(|k| k.billable && k.code != c.code)
            .filter_map(|k| fit(&k.description, &question).map(|s| (s, k)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        let Some(&(best, pick)) = scored.first() else {
            continue;
        };
        let runner_up = scored.get(1).map(|(s, _)| *s);
        if runner_up.is_some_and(|r| r >= best) || asked_fit.is_some_and(|a| a >= best) {
            continue;
        }
        // The words that tell it apart must be the question's own, not only the shared ones.
        let own = polar_words(&asked_description);
        let words: Vec<String> = polar_words(&pick.description)
            .into_iter()
            .filter(|w| question.contains(w) && !own.contains(w))
            .map(|w| match w.strip_prefix('-') {
                Some(rest) => format!("no {rest}"),
                None => w,
            })
            .collect();
        let shared = polar_words(&pick.description)
            .iter()
            .filter(|w| question.contains(*w))
            .count();
        if words.is_empty() || shared < 2 || named.contains(pick.code.as_str()) {
            continue;
        }
        if let Some(o) = out.iter_mut().find(|o| o.code == pick.code) {
            // "M17.11 + M17.12" both fit M17.0 less well: one sentence.
            o.asked.push(c.code.clone());
            continue;
        }
        out.push(CloserCode {
            asked: vec![c.code.clone()],
            asked_header: c.header,
            asked_description,
            code: pick.code.clone(),
            description: pick.description.clone(),
            words,
        });
    }
    out
}

/// The sentence the reply opens with for a closer code.
pub fn sentence(c: &CloserCode) -> String {
    let said = c
        .words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if c.asked_header {
        format!(
            "Of the billable codes below {}, the words of your question ({said}) fit {} ({}) best.",
            c.asked.join(" and "),
            c.code,
            c.description
        )
    } else if c.asked.len() == 1 {
        format!(
            "The words of your question ({said}) fit {} ({}) better than {} ({}).",
            c.code, c.description, c.asked[0], c.asked_description
        )
    } else {
        format!(
            "The words of your question ({said}) fit {} ({}) better than {}.",
            c.code,
            c.description,
            c.asked.join(" and ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kid(code: &str, d: &str) -> ChildCode {
        ChildCode {
            code: code.into(),
            description: d.into(),
            billable: true,
        }
    }

    #[test]
    fn negation_is_kept_apart_from_the_word() {
        let w = polar_words("migraine w/o aura, not intractable, no status migrainosus");
        assert!(w.contains("-aura") && w.contains("-intractable") && w.contains("-status"));
        assert!(w.contains("migraine") && w.contains("migrainosus"));
        assert!(!w.contains("aura"));
    }

    #[test]
    fn a_denied_term_rules_a_code_out() {
        let q = polar_words("persistent, not longstanding, not chronic");
        assert_eq!(fit("Longstanding persistent atrial fibrillation", &q), None);
        assert_eq!(fit("Other persistent atrial fibrillation", &q), Some(-1));
    }

    #[test]
    fn the_limb_named_in_words_beats_the_unspecified_code() {
        let related = vec![(
            "G56.00".to_string(),
            vec![
                kid("G56.00", "Carpal tunnel syndrome, unspecified upper limb"),
                kid("G56.01", "Carpal tunnel syndrome, right upper limb"),
                kid("G56.02", "Carpal tunnel syndrome, left upper limb"),
                kid("G56.03", "Carpal tunnel syndrome, bilateral upper limbs"),
            ],
        )];
        let code = Named {
            code: "G56.00".into(),
            header: false,
            description: "Carpal tunnel syndrome, unspecified upper limb".into(),
        };
        let got = closer_codes(
            "carpal tunnel syndrome, right hand only. G56.00?",
            std::slice::from_ref(&code),
            &related,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].code, "G56.01");
        assert_eq!(got[0].words, vec!["right".to_string()]);
        // "Is G56.00 right?" names no limb in words: "right" alone must not pick a code...
        let plain = closer_codes("G56.00 ok?", std::slice::from_ref(&code), &related);
        assert!(plain.is_empty());
        let asking = closer_codes(
            "carpal tunnel syndrome G56.00, is that right?",
            std::slice::from_ref(&code),
            &related,
        );
        assert!(asking.is_empty(), "{asking:?}");
        // ...and left and right together fit neither side better.
        let both = closer_codes(
            "carpal tunnel, left and right, G56.00?",
            std::slice::from_ref(&code),
            &related,
        );
        assert!(
            both.iter()
                .all(|c| c.code != "G56.01" && c.code != "G56.02")
        );
    }
}
