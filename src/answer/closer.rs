//! Codes the question's own words describe better than the ICD-10-CM code it names: "carpal
//! tunnel syndrome, right hand only. G56.00?" fits G56.01 (right upper limb); "migraine w/o aura,
//! not intractable ... G43" fits G43.009 among the codes below the header. The words are matched
//! against the official descriptions of the billable codes in the named code's category, with
//! "without/not/no" kept apart from their opposite. A suggestion, never a coding decision. Pure.

use crate::codes::ChildCode;
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};

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

/// Words that say nothing about which code fits (a `match`: it runs for every word of every
/// description fitted).
fn is_neutral(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "and"
            | "or"
            | "of"
            | "the"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "by"
            | "as"
            | "with"
            | "due"
            | "other"
            | "unspecified"
            | "specified"
            | "nos"
            | "nec"
            | "elsewhere"
            | "classified"
            | "site"
            | "type"
            | "i"
            | "is"
            | "it"
            | "this"
            | "that"
            | "which"
            | "what"
            | "code"
    )
}

/// Words that turn the next word into its absence ("without aura", "not intractable").
const NEGATIONS: &[&str] = &["without", "not", "no", "non", "wo"];

/// Words after a term that say it was not documented ("severity not stated").
const NOT_DOCUMENTED: &[&str] = &["stated", "documented", "specified", "given", "known"];

/// Attributes a description calls "unspecified" where a question says "no severity": the code
/// for an attribute the record does not state.
const ATTRIBUTES: &[&str] = &[
    "severity",
    "stage",
    "side",
    "laterality",
    "episode",
    "trimester",
];

fn synonym(w: &str) -> &str {
    match w {
        "rt" | "r" => "right",
        "lt" | "l" => "left",
        "both" | "bilat" | "bilaterally" | "bil" => "bilateral",
        "pt" => "patient",
        "dm" => "diabetes",
        "afib" => "fibrillation",
        "behavioral" | "behaviour" | "behavioural" => "behavior",
        _ => w,
    }
}

/// Coders' abbreviations that stand for several words of the descriptions.
fn expansion(w: &str) -> &'static [&'static str] {
    match w {
        "gcs" => &["glasgow", "coma", "scale"],
        "ed" | "er" => &["emergency", "department"],
        "bmi" => &["body", "mass", "index"],
        _ => &[],
    }
}

fn stem(w: &str) -> &str {
    let w = synonym(w);
    if w.len() > 4
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        &w[..w.len() - 1]
    } else {
        w
    }
}

/// The numbers written in a text ("GCS 14", "BMI 41.5"), as terms `#n:14`.
fn numbers(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let n = text[start..i].trim_end_matches('.');
            if i >= b.len() || !b[i].is_ascii_alphabetic() {
                if let Ok(v) = n.parse::<f64>() {
                    out.push(v);
                }
            }
        }
        i += 1;
    }
    out
}

/// The ranges a description gives ("score 13-15", "40.0-44.9"), as (low, high).
fn ranges(description: &str) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for (i, _) in description.match_indices('-') {
        let before = description[..i]
            .rsplit(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap_or("");
        let after = description[i + 1..]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap_or("");
        if let (Ok(lo), Ok(hi)) = (before.parse::<f64>(), after.parse::<f64>()) {
            if lo < hi {
                out.push((lo, hi));
            }
        }
    }
    out
}

/// The content words of a question: the words after a negation, up to the end of the phrase
/// ("no status migrainosus"), and a word before "not stated" marked with a leading `-`; coders'
/// abbreviations spelled out and the numbers as `#n:` terms.
pub fn polar_words(text: &str) -> BTreeSet<String> {
    let t = text
        .to_lowercase()
        .replace("w/o", " without ")
        .replace("w/", " with ");
    let mut out = BTreeSet::new();
    for phrase in t.split([',', '.', ';', ':', '?', '!', '(', ')', '\n']) {
        let tokens: Vec<&str> = phrase
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut negate = false;
        for (i, raw) in tokens.iter().enumerate() {
            if NEGATIONS.contains(raw) {
                negate = true;
                continue;
            }
            if matches!(*raw, "with" | "but" | "and" | "or") {
                negate = false;
            }
            if is_neutral(raw) {
                continue;
            }
            let undocumented = tokens.get(i + 1) == Some(&"not")
                && tokens
                    .get(i + 2)
                    .is_some_and(|w| NOT_DOCUMENTED.contains(w));
            let w = stem(raw);
            out.insert(if negate || undocumented {
                format!("-{w}")
            } else {
                w.to_string()
            });
            if !negate {
                out.extend(expansion(raw).iter().map(|x| x.to_string()));
            }
        }
    }
    out.extend(numbers(&t).into_iter().map(|n| format!("#n:{n}")));
    out
}

/// One term of a description: a word (denied or not) or a range of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Term<'a> {
    Word { word: &'a str, denied: bool },
    Range(f64, f64),
}

impl Term<'_> {
    /// The term as a string: `word`, `-word` (denied), `#r:lo:hi`.
    fn key(&self) -> String {
        match self {
            Term::Word { word, denied: true } => format!("-{word}"),
            Term::Word { word, .. } => word.to_string(),
            Term::Range(lo, hi) => format!("#r:{lo}:{hi}"),
        }
    }
}

/// Calls `f` with the terms of an official description, each once: "without" denies every term
/// after it up to a "with" ("without behavioral disturbance, psychotic disturbance, ... and
/// anxiety"), "unspecified severity" reads as no severity stated, and a range of numbers is one
/// term. Borrows the words instead of copying them: fitting runs over every code of a category.
fn with_terms<R>(description: &str, f: impl FnOnce(&[Term<'_>]) -> R) -> R {
    let t = if description.is_ascii() {
        description.to_ascii_lowercase()
    } else {
        description.to_lowercase()
    };
    let has_range = t
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'-');
    // Sized for a long description at once: growing them was a good part of the cost.
    let mut out: Vec<Term<'_>> = Vec::with_capacity(24);
    let plain;
    let text = if has_range {
        out.extend(ranges(&t).into_iter().map(|(lo, hi)| Term::Range(lo, hi)));
        plain = without_ranges(&t);
        plain.as_str()
    } else {
        t.as_str()
    };
    let mut tokens = Tokens { text, pos: 0 }.peekable();
    let mut negate = false;
    let mut list = false;
    let mut next_negated = false;
    while let Some((raw, end)) = tokens.next() {
        match raw {
            "without" => {
                negate = true;
                // "without A, B, and C" denies the whole list; "without aura, intractable"
                // only its first part.
                list = Tokens { text, pos: end }
                    .map(|(w, _)| w)
                    .take_while(|w| *w != "with")
                    .any(|w| w == "and");
                continue;
            }
            "with" => {
                negate = false;
                continue;
            }
            "," => {
                negate &= list;
                continue;
            }
            w if NEGATIONS.contains(&w) => {
                next_negated = true;
                continue;
            }
            "unspecified" if tokens.peek().is_some_and(|(w, _)| ATTRIBUTES.contains(w)) => {
                next_negated = true;
                continue;
            }
            _ => {}
        }
        if is_neutral(raw) {
            continue;
        }
        let term = Term::Word {
            word: stem(raw),
            denied: negate || next_negated,
        };
        if !out.contains(&term) {
            out.push(term);
        }
        next_negated = false;
    }
    f(&out)
}

/// The words of a text (runs of letters and digits) and each comma as a token of its own, with
/// the offset where each ends; read as they are needed.
struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<(&'a str, usize)> {
        let base = self.pos;
        let mut start = None;
        for (i, c) in self.text[base..].char_indices() {
            match start {
                None if c == ',' => {
                    self.pos = base + i + 1;
                    return Some((",", self.pos));
                }
                None if c.is_alphanumeric() => start = Some(base + i),
                Some(s) if !c.is_alphanumeric() => {
                    self.pos = base + i;
                    return Some((&self.text[s..self.pos], self.pos));
                }
                _ => {}
            }
        }
        self.pos = self.text.len();
        start.map(|s| (&self.text[s..], self.pos))
    }
}

/// The terms of an official description as strings (`word`, `-word`, `#r:lo:hi`).
fn description_terms(description: &str) -> BTreeSet<String> {
    with_terms(description, |terms| terms.iter().map(Term::key).collect())
}

/// The text with its ranges of numbers ("13-15", "40.0-44.9") blanked out.
fn without_ranges(t: &str) -> String {
    let mut chars: Vec<char> = t.chars().collect();
    let numeric = |c: char| c.is_ascii_digit() || c == '.';
    for i in 1..chars.len().saturating_sub(1) {
        if chars[i] == '-' && chars[i - 1].is_ascii_digit() && chars[i + 1].is_ascii_digit() {
            let mut j = i;
            while j > 0 && numeric(chars[j - 1]) {
                j -= 1;
                chars[j] = ' ';
            }
            chars[i] = ' ';
            let mut k = i + 1;
            while k < chars.len() && numeric(chars[k]) {
                chars[k] = ' ';
                k += 1;
            }
        }
    }
    chars.into_iter().collect()
}

/// The numbers a question gives right after a word ("BMI 41", "GCS 14"), with that word.
pub fn numbered_words(text: &str) -> Vec<(String, f64)> {
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| !w.is_empty())
        .collect();
    tokens
        .windows(2)
        .filter(|w| w[0].len() >= 2 && w[0].chars().all(|c| c.is_ascii_alphabetic()))
        .filter_map(|w| Some((w[0].to_string(), w[1].trim_end_matches('.').parse().ok()?)))
        .collect()
}

/// Whether a description gives a range of numbers holding `n` ("40.0-44.9" holds 41).
pub fn range_holds(description: &str, n: f64) -> bool {
    ranges(&description.to_lowercase())
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&n))
}

/// Whether a question's numbers fall in a range term `#r:lo:hi`.
fn in_range(term: &str, question: &BTreeSet<String>) -> bool {
    let mut bounds = term.trim_start_matches("#r:").split(':');
    let (Some(Ok(lo)), Some(Ok(hi))) = (
        bounds.next().map(str::parse::<f64>),
        bounds.next().map(str::parse::<f64>),
    ) else {
        return false;
    };
    question_numbers(question).any(|n| (lo..=hi).contains(&n))
}

/// The numbers of a question's words (its `#n:` terms, which sort first).
fn question_numbers(question: &BTreeSet<String>) -> impl Iterator<Item = f64> + '_ {
    question
        .iter()
        .take_while(|q| q.as_str() < "#o")
        .filter_map(|q| q.strip_prefix("#n:")?.parse::<f64>().ok())
}

/// A question's words (from [`polar_words`]) ready to fit many descriptions against: its plain
/// and its denied words apart, and its numbers, read once.
pub struct Fitter<'q> {
    plain: HashSet<&'q str>,
    denied: HashSet<&'q str>,
    numbers: Vec<f64>,
}

impl<'q> Fitter<'q> {
    /// Indexes the words of a question.
    pub fn new(question: &'q BTreeSet<String>) -> Fitter<'q> {
        let mut plain = HashSet::with_capacity(question.len());
        let mut denied = HashSet::new();
        for q in question {
            match q.strip_prefix('-') {
                Some(w) => denied.insert(w),
                None => plain.insert(q.as_str()),
            };
        }
        Fitter {
            plain,
            denied,
            numbers: question_numbers(question).collect(),
        }
    }

    fn has(&self, word: &str, negative: bool) -> bool {
        if negative {
            self.denied.contains(word)
        } else {
            self.plain.contains(word)
        }
    }

    /// How well an official description fits the question's words: None when the words deny
    /// one of its terms, else the terms present less the positive terms missing (a condition
    /// the description rules out and the question does not mention costs nothing: "without" is
    /// what an undocumented condition is coded as).
    pub fn fit(&self, description: &str) -> Option<i32> {
        with_terms(description, |terms| {
            let mut score = 0;
            for t in terms {
                match *t {
                    Term::Range(lo, hi) => {
                        let held = self.numbers.iter().any(|n| (lo..=hi).contains(n));
                        score += if held { 1 } else { -1 };
                    }
                    Term::Word { word, denied } => {
                        if self.has(word, denied) {
                            score += 1;
                        } else if self.has(word, !denied) {
                            return None;
                        } else if !denied {
                            score -= 1;
                        }
                    }
                }
            }
            Some(score)
        })
    }
}

/// [`Fitter::fit`] for one description.
pub fn fit(description: &str, question: &BTreeSet<String>) -> Option<i32> {
    Fitter::new(question).fit(description)
}

/// The terms of a description that the question has.
pub fn shared_terms(description: &str, question: &BTreeSet<String>) -> Vec<String> {
    description_terms(description)
        .into_iter()
        .filter(|t| question.contains(t) || (t.starts_with("#r:") && in_range(t, question)))
        .collect()
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
    let fitter = Fitter::new(&question);
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
            fitter.fit(&asked_description)
        };
        let mut scored: Vec<(i32, &ChildCode)> = candidates
            .iter()
            .filter(|k| k.billable && k.code != c.code)
            .filter_map(|k| fitter.fit(&k.description).map(|s| (s, k)))
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
        let own = description_terms(&asked_description);
        let shared = shared_terms(&pick.description, &question);
        let words: Vec<String> = shared
            .iter()
            .filter(|w| !own.contains(*w))
            .map(|w| term_words(w, &question))
            .collect();
        let shared = shared.len();
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

/// A term as the reply quotes it: "no severity", "14 (13-15)".
pub fn term_words(t: &str, question: &BTreeSet<String>) -> String {
    if let Some(r) = t.strip_prefix("#r:") {
        let range = r.replacen(':', "-", 1);
        return question
            .iter()
            .filter(|q| q.starts_with("#n:") && in_range(t, &BTreeSet::from([(*q).clone()])))
            .find_map(|q| q.strip_prefix("#n:"))
            .map_or(range.clone(), |n| format!("{n} ({range})"));
    }
    match t.strip_prefix('-') {
        Some(rest) => format!("no {rest}"),
        None => t.to_string(),
    }
}

/// Words as a reply quotes them: "right", "heel".
pub fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sentence the reply opens with for a closer code.
pub fn sentence(c: &CloserCode) -> String {
    let said = quoted(&c.words);
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

    use crate::answer::tests::billable_child as kid;

    #[test]
    fn negation_is_kept_apart_from_the_word() {
        let w = polar_words("migraine w/o aura, not intractable, no status migrainosus");
        assert!(w.contains("-aura") && w.contains("-intractable") && w.contains("-status"));
        assert!(w.contains("migraine") && w.contains("-migrainosus"));
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

    #[test]
    fn a_list_after_without_is_denied_whole_and_unspecified_severity_is_none_stated() {
        let t = description_terms(
            "Unspecified dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety",
        );
        for w in [
            "dementia",
            "-severity",
            "-behavior",
            "-psychotic",
            "-anxiety",
        ] {
            assert!(t.contains(w), "{w} in {t:?}");
        }
        let t = description_terms("Migraine without aura, intractable, without status migrainosus");
        assert!(t.contains("intractable") && t.contains("-aura") && t.contains("-status"));
        let q = polar_words(
            "Dr writes only \"dementia\", no severity, no behavior. what is the full code?",
        );
        let best = fit(
            "Unspecified dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety",
            &q,
        );
        let agitation = fit(
            "Unspecified dementia, unspecified severity, with agitation",
            &q,
        );
        assert!(best > agitation, "{best:?} {agitation:?}");
        // "severity not stated" says the same as "no severity".
        assert!(polar_words("severity not stated").contains("-severity"));
    }

    #[test]
    fn a_number_in_the_question_fits_a_range_and_abbreviations_are_spelled_out() {
        let q = polar_words("GCS 14 on arrival in ED");
        let ed = "Glasgow coma scale score 13-15, at arrival to emergency department";
        let low = "Glasgow coma scale score 9-12, at arrival to emergency department";
        assert!(fit(ed, &q) > fit(low, &q));
        assert_eq!(fit(ed, &q), Some(6), "score is the one word missing");
        let bmi = polar_words("BMI 41, adult");
        assert!(
            fit("Body mass index [BMI] 40.0-44.9, adult", &bmi)
                > fit("Body mass index [BMI] 45.0-49.9, adult", &bmi)
        );
        assert_eq!(term_words("#r:13:15", &q), "14 (13-15)");
        assert_eq!(
            numbered_words("class 2 obesity, BMI 41. adult"),
            vec![("class".to_string(), 2.0), ("bmi".to_string(), 41.0)]
        );
        assert!(range_holds("Body mass index [BMI] 40.0-44.9, adult", 41.0));
        assert!(!range_holds("Body mass index [BMI] 45.0-49.9, adult", 41.0));
    }
}
