//! Codes a named code's "Use additional code" or "Code also" note points to, chosen by the
//! question's words: E11.621 has "Use additional code to identify site of ulcer (L97.4-,
//! L97.5-)", and "ulcer R heel, fat layer exposed" fits L97.412 among the codes below L97.4 and
//! L97.5. A suggestion from the official descriptions, never a coding decision. Pure.

use super::closer::{Fitter, polar_words, quoted, shared_terms, term_words};
use crate::codes::ChildCode;
use serde::Serialize;

/// A note of a named code and the codes below the codes it points to.
#[derive(Debug, Clone)]
pub struct AdditionalNote {
    /// The code named in the question.
    pub code: String,
    /// The note's label ("Use additional code").
    pub label: String,
    /// The note's text.
    pub text: String,
    /// Where the note stands (the code itself or an ancestor).
    pub at: String,
    /// The codes the note points to (as written: "L97.4-").
    pub targets: Vec<String>,
    /// The billable codes at or below them.
    pub candidates: Vec<ChildCode>,
}

/// The code the question's words fit best among those a note points to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdditionalFit {
    /// The code named in the question whose note it is.
    pub named: String,
    /// The note's label.
    pub label: String,
    /// The note's text.
    pub note: String,
    /// Where the note stands.
    pub at: String,
    /// The codes the note points to.
    pub targets: Vec<String>,
    /// The code the words fit best.
    pub code: String,
    /// Its description.
    pub description: String,
    /// The question's words it shares.
    pub words: Vec<String>,
}

/// Words every such note has.
const NOTE_WORDS: &[&str] = &["code", "identify", "use", "additional", "any", "associated"];

/// Whether the question's words (from [`polar_words`]) share a word with a note beyond the words
/// every note has: a note about something the question does not mention is not read further.
pub fn mentions(question: &std::collections::BTreeSet<String>, note: &str) -> bool {
    polar_words(note)
        .iter()
        .any(|t| question.contains(t) && !NOTE_WORDS.contains(&t.as_str()))
}

/// For each note, the one candidate the words fit clearly best, sharing at least three terms
/// with the question and at least one beyond the note's own words.
pub fn additional_fits(text: &str, notes: &[AdditionalNote]) -> Vec<AdditionalFit> {
    let question = polar_words(text);
    let fitter = Fitter::new(&question);
    let mut out: Vec<AdditionalFit> = Vec::new();
    for n in notes {
        if !mentions(&question, &n.text) {
            continue;
        }
        let note_terms = polar_words(&n.text);
        let mut scored: Vec<(i32, &ChildCode)> = n
            .candidates
            .iter()
            .filter(|k| k.billable && k.code != n.code)
            .filter_map(|k| Some((fitter.fit(&k.description)?, k)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        let Some(&(best, pick)) = scored.first() else {
            continue;
        };
        if scored.get(1).is_some_and(|(s, _)| *s >= best) {
            continue;
        }
        let shared = shared_terms(&pick.description, &question);
        if shared.len() < 3
            || shared.iter().all(|t| note_terms.contains(t))
            || out.iter().any(|o| o.code == pick.code)
            || text.contains(pick.code.as_str())
        {
            continue;
        }
        out.push(AdditionalFit {
            named: n.code.clone(),
            label: n.label.clone(),
            note: n.text.clone(),
            at: n.at.clone(),
            targets: n.targets.clone(),
            code: pick.code.clone(),
            description: pick.description.clone(),
            words: shared.iter().map(|t| term_words(t, &question)).collect(),
        });
    }
    out
}

/// The sentence an answer gives for a fit.
pub fn sentence(f: &AdditionalFit) -> String {
    let said = quoted(&f.words);
    format!(
        "{} has the note \"{}: {}\" (at {}): of the codes below {}, the words of your question ({said}) fit {} ({}) best; the note puts it after {}.",
        f.named,
        f.label,
        f.note.trim_end_matches('.'),
        f.at,
        f.targets.join(" and "),
        f.code,
        f.description,
        f.named
    )
}

/// The codes a note's text points to: "(L97.4-, L97.5-)" gives L97.4- and L97.5-; ranges
/// ("N18.1-N18.4") are left out.
pub fn note_targets(text: &str) -> Vec<String> {
    text.split(['(', ')', ',', ' ', ';'])
        .map(str::trim)
        .filter(|t| {
            let core = t.trim_end_matches(['-', '.']);
            core.len() >= 3
                && core.len() <= 8
                && core.starts_with(|c: char| c.is_ascii_uppercase())
                && core[1..3].chars().all(|c| c.is_ascii_digit())
                && !core.contains('-')
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::answer::tests::billable_child as kid;

    #[test]
    fn the_site_of_the_ulcer_is_chosen_among_the_codes_the_note_points_to() {
        let text = "T2DM with ulcer R heel, fat layer exposed. E11.621 + ?";
        let note = "code to identify site of ulcer (L97.4-, L97.5-)";
        assert_eq!(note_targets(note), vec!["L97.4-", "L97.5-"]);
        let notes = vec![AdditionalNote {
            code: "E11.621".into(),
            label: "Use additional code".into(),
            text: note.into(),
            at: "E11.621".into(),
            targets: note_targets(note),
            candidates: vec![
                kid(
                    "L97.411",
                    "Non-pressure chronic ulcer of right heel and midfoot limited to breakdown of skin",
                ),
                kid(
                    "L97.412",
                    "Non-pressure chronic ulcer of right heel and midfoot with fat layer exposed",
                ),
                kid(
                    "L97.422",
                    "Non-pressure chronic ulcer of left heel and midfoot with fat layer exposed",
                ),
                kid(
                    "L97.419",
                    "Non-pressure chronic ulcer of right heel and midfoot with unspecified severity",
                ),
            ],
        }];
        let got = additional_fits(text, &notes);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].code, "L97.412");
        assert!(sentence(&got[0]).contains("the note puts it after E11.621"));
        // Words the note itself gives ("ulcer") are not enough to choose a site.
        assert!(additional_fits("E11.621 ulcer, what else?", &notes).is_empty());
    }
}
