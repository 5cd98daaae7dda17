//! How much of one question is answered: a message of thousands of numbers must not turn into
//! thousands of lookups and a reply of megabytes. The first codes written are kept; the rest are
//! counted, named in the reply as left out, and hold the answer for a person.

use crate::codes::CodeSystem;
use crate::extract::CodeRef;
use std::collections::BTreeSet;

/// The most distinct codes (modifiers apart) one answer treats.
pub const MAX_CODES: usize = 40;
/// The most ranges (99202-99215) one answer expands.
pub const MAX_RANGES: usize = 3;
/// The most distinct modifiers one answer explains.
pub const MAX_MODIFIERS: usize = 12;
/// The most mentions (a code written again, with other modifiers) one answer reads.
pub const MAX_MENTIONS: usize = 200;

/// The references an answer treats, and how many distinct codes it leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The references kept, in the order written.
    pub refs: Vec<CodeRef>,
    /// Distinct codes, ranges and modifiers past the caps.
    pub left_out: usize,
}

/// Keeps the references of the first [`MAX_CODES`] distinct codes, [`MAX_RANGES`] ranges and
/// [`MAX_MODIFIERS`] modifiers, in the order written.
pub fn keep(refs: &[CodeRef]) -> Kept {
    let mut codes: BTreeSet<(CodeSystem, &str)> = BTreeSet::new();
    let mut ranges: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut modifiers: BTreeSet<&str> = BTreeSet::new();
    let mut dropped: BTreeSet<(CodeSystem, &str, &str)> = BTreeSet::new();
    let mut kept = Vec::new();
    for r in refs {
        let end = r.range_end.as_deref().unwrap_or("");
        if kept.len() >= MAX_MENTIONS {
            let known = codes.contains(&(r.system, r.code.as_str()))
                || ranges.contains(&(r.code.as_str(), end))
                || modifiers.contains(r.code.as_str());
            if !known {
                dropped.insert((r.system, &r.code, end));
            }
            continue;
        }
        let fits = if r.range_end.is_some() {
            // A range written again adds nothing: it is expanded once.
            if ranges.contains(&(r.code.as_str(), end)) {
                continue;
            }
            ranges.len() < MAX_RANGES && ranges.insert((&r.code, end))
        } else if r.system == CodeSystem::Modifier {
            modifiers.contains(r.code.as_str())
                || (modifiers.len() < MAX_MODIFIERS && modifiers.insert(&r.code))
        } else {
            codes.contains(&(r.system, r.code.as_str()))
                || (codes.len() < MAX_CODES && codes.insert((r.system, &r.code)))
        };
        if fits {
            let mut r = r.clone();
            // A modifier left out is not attached to a kept code either.
            r.modifiers
                .retain(|m| modifiers.contains(m.as_str()) || modifiers.len() < MAX_MODIFIERS);
            kept.push(r);
        } else {
            dropped.insert((r.system, &r.code, end));
        }
    }
    Kept {
        refs: kept,
        left_out: dropped.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(system: CodeSystem, code: &str, at: usize) -> CodeRef {
        CodeRef {
            system,
            code: code.into(),
            range_end: None,
            start: at,
            end: at + code.len(),
            text: code.into(),
            modifiers: vec![],
            origin: None,
        }
    }

    #[test]
    fn a_question_of_thousands_of_codes_keeps_the_first_forty_and_counts_the_rest() {
        let refs: Vec<CodeRef> = (0..5000)
            .map(|i| code(CodeSystem::Cpt, &format!("{:05}", 10000 + i), i * 6))
            .collect();
        let kept = keep(&refs);
        assert_eq!(kept.refs.len(), MAX_CODES);
        assert_eq!(kept.refs[0].code, "10000");
        assert_eq!(kept.left_out, 5000 - MAX_CODES);
    }

    #[test]
    fn a_code_written_again_after_the_cap_is_kept_and_repeats_count_once() {
        let mut refs: Vec<CodeRef> = (0..MAX_CODES + 2)
            .map(|i| code(CodeSystem::Cpt, &format!("{:05}", 20000 + i), i * 6))
            .collect();
        refs.push(code(CodeSystem::Cpt, "20000", 999));
        refs.push(code(
            CodeSystem::Cpt,
            &format!("{:05}", 20000 + MAX_CODES),
            1005,
        ));
        let kept = keep(&refs);
        assert_eq!(kept.refs.len(), MAX_CODES + 1);
        assert_eq!(kept.left_out, 2);
    }

    #[test]
    fn ranges_past_the_cap_are_left_out() {
        let refs: Vec<CodeRef> = (0..10)
            .map(|i| CodeRef {
                range_end: Some(format!("{:05}", 30099 + i * 100)),
                ..code(CodeSystem::Cpt, &format!("{:05}", 30000 + i * 100), i * 12)
            })
            .collect();
        let kept = keep(&refs);
        assert_eq!(kept.refs.len(), MAX_RANGES);
        assert_eq!(kept.left_out, 10 - MAX_RANGES);
    }

    #[test]
    fn a_range_written_again_is_read_once_and_mentions_are_capped() {
        let mut refs = Vec::new();
        for i in 0..1000 {
            let mut r = code(CodeSystem::Cpt, "99202", i * 12);
            r.range_end = Some("99215".into());
            refs.push(r);
            refs.push(code(CodeSystem::Cpt, "99213", i * 12 + 6));
        }
        let kept = keep(&refs);
        assert_eq!(
            kept.refs.iter().filter(|r| r.range_end.is_some()).count(),
            1
        );
        assert_eq!(kept.refs.len(), MAX_MENTIONS);
        assert_eq!(kept.left_out, 0, "only repeats of kept codes were skipped");
    }

    #[test]
    fn a_short_question_is_kept_whole() {
        let refs = vec![
            code(CodeSystem::Cpt, "62322", 0),
            code(CodeSystem::Icd10Cm, "M54.16", 10),
        ];
        assert_eq!(
            keep(&refs),
            Kept {
                refs: refs.clone(),
                left_out: 0
            }
        );
    }
}
