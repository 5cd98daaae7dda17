//! Which code references the text offers as alternatives, one or the other (`99213 or 99214?`,
//! `99213/99214`, `99213, 99214 or 99215`), rather than as codes billed together. The answer
//! uses it to skip such pairs when it checks bundling. Pure: reads only the text between
//! references.

use super::CodeRef;
use crate::codes::system::CodeSystem;

/// How two neighbouring codes are joined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Join {
    /// `,`: the list goes on; what it is, the other joiners say.
    Comma,
    /// `or`, `vs`, `versus`, `instead of`, `rather than`: one or the other.
    Or,
    /// `/`: one or the other only between levels of one family (`99213/99214`).
    Slash,
    /// `and`, `and/or`, `with`, or anything else: not alternatives.
    Other,
}

/// Pairs `(a, b)`, `a < b`, of indices into `refs` (the references [`extract`](super::extract)
/// found in `text`) that the text offers as alternatives: `99213 or 99214?`, `99213 vs 99214`,
/// `99213, 99214 or 99215` (every pair of the list), and `99213/99214` when the two codes differ
/// only in their last character and the sentence does not ask about billing them together.
/// Such a pair is no pair of codes billed on one claim, so no bundling edit applies to it.
/// Modifiers are never in a pair, and a procedure code is never an alternative to a diagnosis.
pub fn alternatives(text: &str, refs: &[CodeRef]) -> Vec<(usize, usize)> {
    let codes: Vec<usize> = (0..refs.len())
        .filter(|&k| refs[k].system != CodeSystem::Modifier)
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < codes.len() {
        // The run of codes joined by list joiners, starting at codes[k].
        let mut joins = Vec::new();
        let mut last = k;
        while last + 1 < codes.len() {
            let (a, b) = (codes[last], codes[last + 1]);
            if procedure(&refs[a]) != procedure(&refs[b]) {
                break;
            }
            // Modifiers glued to `a` (`99213-25 or 99214-25`) are part of it.
            let from = refs[a + 1..b].last().map_or(refs[a].end, |m| m.end);
            let join = join(text.get(from..refs[b].start).unwrap_or(""));
            if join == Join::Other {
                break;
            }
            joins.push(join);
            last += 1;
        }
        let run = &codes[k..=last];
        if offered_as_alternatives(text, refs, run, &joins) {
            for (x, &a) in run.iter().enumerate() {
                for &b in &run[x + 1..] {
                    out.push((a, b));
                }
            }
        }
        k = last + 1;
    }
    out
}

fn procedure(r: &CodeRef) -> bool {
    r.system.is_procedure()
}

/// Whether the run of codes `run`, joined by `joins`, is a list of alternatives.
fn offered_as_alternatives(text: &str, refs: &[CodeRef], run: &[usize], joins: &[Join]) -> bool {
    if joins.is_empty() {
        return false;
    }
    if joins.contains(&Join::Or) {
        // `99213, 99214 or 99215`; a slash inside such a list reads the same way.
        return true;
    }
    // Slashes (and commas) only: `99213/99214`, between levels of one family.
    joins.contains(&Join::Slash)
        && run
            .windows(2)
            .all(|w| same_family(&refs[w[0]], &refs[w[1]]))
        && !asks_about_together(text, refs, run)
}

/// Two codes of one system that differ only in their last character: levels of one service.
fn same_family(a: &CodeRef, b: &CodeRef) -> bool {
    let (x, y) = (a.code.as_bytes(), b.code.as_bytes());
    a.system == b.system
        && a.range_end.is_none()
        && b.range_end.is_none()
        && x.len() == y.len()
        && x.len() >= 2
        && x[..x.len() - 1] == y[..y.len() - 1]
}

/// Whether the sentence around the run asks about billing its codes together.
fn asks_about_together(text: &str, refs: &[CodeRef], run: &[usize]) -> bool {
    let (Some(&first), Some(&last)) = (run.first(), run.last()) else {
        return false;
    };
    let (from, to) = (refs[first].start, refs[last].end);
    let start = text
        .get(..from)
        .and_then(|t| t.rfind(['.', '?', '!', '\n']))
        .map_or(0, |p| p + 1);
    let end = text
        .get(to..)
        .and_then(|t| t.find(['.', '?', '!', '\n']))
        .map_or(text.len(), |p| to + p);
    text.get(start..end)
        .unwrap_or("")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .any(|w| {
            matches!(
                w.as_str(),
                "together"
                    | "both"
                    | "same"
                    | "bundle"
                    | "bundled"
                    | "bundling"
                    | "bundles"
                    | "unbundle"
                    | "unbundling"
                    | "ncci"
                    | "cci"
                    | "ptp"
                    | "separately"
                    | "separate"
            )
        })
}

/// How the text between two codes joins them.
fn join(gap: &str) -> Join {
    let gap = gap.trim();
    if gap.len() > 40 {
        return Join::Other;
    }
    let lower = gap.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '?'))
        .filter(|w| !w.is_empty())
        .filter(|w| !matches!(*w, "either" | "a" | "an" | "the" | "code" | "cpt" | "maybe"))
        .collect();
    match words.as_slice() {
        [] if gap.contains(',') => Join::Comma,
        ["/"] => Join::Slash,
        ["or"] | ["vs"] | ["vs."] | ["versus"] | ["instead", "of"] | ["rather", "than"] => Join::Or,
        _ => Join::Other,
    }
}
