//! The codes the Index walk led to, completed where the question's words say how (the 7th
//! character from "initial", "subsequent" or "sequela", with placeholder X; the code below a
//! header the words name, "left lung") and checked against the loaded tabular for the date of
//! service: billable, valid in the loaded release, and whether that release is the Index's
//! own. Pure.

use super::Findings;
use crate::codes::index::{Book, IndexLead};
use crate::codes::{CodeEntry, CodeSystem, normalize};
use crate::date::Date;
use serde::Serialize;

/// One Index lead as the reply gives it.
#[derive(Debug, Clone, Serialize)]
pub struct IndexFinding {
    /// The book.
    pub book: Book,
    /// "Table of Drugs and Chemicals (FY2025) > Amoxicillin > Adverse effect".
    pub path: String,
    /// The book's release ("FY2025").
    pub release: String,
    /// The code as the book gives it, with `-` when more characters are needed ("T36.0X5-").
    pub book_code: Option<String>,
    /// The code to report, when the words complete it.
    pub code: Option<String>,
    /// What completed it ("initial encounter", "left lung").
    pub completion: Option<String>,
    /// The tabular description of `code` (or of the book's code).
    pub description: Option<String>,
    /// `code` is billable on the date.
    pub billable: bool,
    /// `code` is valid on the date in the loaded tabular.
    pub valid: bool,
    /// The tabular release `code` was checked in ("ICD-10-CM FY2026").
    pub tabular_release: Option<String>,
    /// What the question must still say ("the 7th character", "more characters").
    pub needs: Option<String>,
    /// The sentences the reply opens with.
    pub sentences: Vec<String>,
    /// What the walk read or assumed.
    pub notes: Vec<String>,
    /// A whole Table row when the column was not chosen: (column, code).
    pub row: Vec<(String, String)>,
}

/// "T36.0X5" + 'A' = "T36.0X5A"; "W11" + 'A' = "W11.XXXA" (placeholder X up to six).
pub fn with_seventh(code: &str, chr: &str) -> String {
    let mut bare: String = code.chars().filter(|c| *c != '.').collect();
    while bare.len() < 6 {
        bare.push('X');
    }
    bare.push_str(chr);
    format!("{}.{}", &bare[..3], &bare[3..])
}

/// Which 7th-character value the words name, by the encounter they describe.
fn pick_seventh<'v>(text: &str, values: &'v [(String, String)]) -> Option<&'v (String, String)> {
    let t = text.to_lowercase();
    let said = |phrases: &[&str]| phrases.iter().any(|p| t.contains(p));
    let key = if said(&["sequela", "late effect"]) {
        "sequela"
    } else if said(&[
        "subsequent",
        "follow-up",
        "follow up",
        "followup",
        "routine healing",
        "recheck",
    ]) {
        "subsequent"
    } else if said(&[
        "initial",
        "first visit",
        "first encounter",
        "first time seen",
        "active treatment",
    ]) {
        "initial"
    } else {
        return None;
    };
    let open = t.contains("open fracture") || t.contains("open fx");
    let matching: Vec<&(String, String)> = values
        .iter()
        .filter(|(_, m)| m.to_lowercase().starts_with(key) || m.to_lowercase() == key)
        .collect();
    matching
        .iter()
        .find(|(_, m)| open == m.to_lowercase().contains("open"))
        .or(matching.first())
        .copied()
}

/// The question's words that tell children of a header apart ("left", "lobular").
fn telling_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4 || matches!(*w, "left" | "right"))
        .map(str::to_string)
        .collect()
}

/// The child of a header whose description alone holds the question's words, when exactly one
/// does: (code, the word that chose it).
fn pick_child(entry: &CodeEntry, text: &str) -> Option<(String, String)> {
    let parent = entry
        .latest()
        .map(|v| v.long_desc.to_lowercase())
        .unwrap_or_default();
    let words = telling_words(text);
    let mut best: Vec<(usize, &str, String)> = entry
        .children
        .iter()
        .map(|k| {
            let d = k.description.to_lowercase();
            let hits: Vec<&String> = words
                .iter()
                .filter(|w| crate::codes::index::has_word(&d, w) && !parent.contains(w.as_str()))
                .collect();
            (
                hits.len(),
                k.code.as_str(),
                hits.first().map(|w| w.to_string()).unwrap_or_default(),
            )
        })
        .filter(|(n, _, _)| *n > 0)
        .collect();
    best.sort_by_key(|b| std::cmp::Reverse(b.0));
    match best.as_slice() {
        [one] => Some((one.1.to_string(), one.2.clone())),
        [a, b, ..] if a.0 > b.0 => Some((a.1.to_string(), a.2.clone())),
        _ => None,
    }
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Checks each lead against the loaded tabular for `date`, completing its code where the words
/// say how.
pub fn index_findings(
    leads: &[IndexLead],
    findings: &Findings,
    text: &str,
    date: Date,
) -> Vec<IndexFinding> {
    leads
        .iter()
        .map(|l| finding(l, findings, text, date))
        .collect()
}

fn finding(l: &IndexLead, findings: &Findings, text: &str, date: Date) -> IndexFinding {
    let mut path = l.path_text();
    if let Some(at) = path.find(" > ") {
        path.insert_str(at, &format!(" ({})", l.release));
    }
    let mut f = IndexFinding {
        book: l.book,
        path: path.clone(),
        release: l.release.clone(),
        book_code: l.code.clone(),
        code: None,
        completion: None,
        description: None,
        billable: false,
        valid: false,
        tabular_release: None,
        needs: None,
        sentences: Vec::new(),
        notes: l.notes.clone(),
        row: l.row.clone(),
    };
    let Some(raw) = &l.code else {
        if l.row.is_empty() {
            f.sentences.push(format!(
                "{path}: no code{}.",
                if l.column.is_some() {
                    " (the Table gives none in that column)"
                } else {
                    ""
                }
            ));
        } else {
            let row: Vec<String> = l.row.iter().map(|(h, c)| format!("{h} {c}")).collect();
            f.sentences.push(format!("{path}: {}.", row.join("; ")));
            f.needs = Some("the column".into());
        }
        return f;
    };
    let base = raw.trim_end_matches('-').trim_end_matches('.');
    let Some(code) = normalize(CodeSystem::Icd10Cm, base) else {
        f.sentences.push(format!("{path}: {raw}."));
        return f;
    };
    let Some(entry) = findings.entry(CodeSystem::Icd10Cm, &code) else {
        f.sentences.push(format!(
            "{path}: {raw}. {code} is not in the loaded ICD-10-CM tabular: the {} is {}, and the code may have changed since; check it in the tabular for {date}.",
            l.book_title, l.release
        ));
        return f;
    };
    let mut chosen = code.clone();
    let mut sentence;
    if let Some(seven) = &entry.seven_chr {
        f.book_code = Some(format!("{code}-"));
        match pick_seventh(text, &seven.values) {
            Some((chr, meaning)) => {
                chosen = with_seventh(&code, chr);
                f.completion = Some(meaning.clone());
                sentence = format!("{path}: {code}- → {chosen}, {meaning}.");
            }
            None => {
                let values: Vec<String> = seven
                    .values
                    .iter()
                    .map(|(c, m)| format!("{c} {m}"))
                    .collect();
                sentence = format!(
                    "{path}: {code}- needs a 7th character ({}); your question does not say which encounter this is (for an initial encounter: {}).",
                    values.join("; "),
                    seven
                        .values
                        .first()
                        .map(|(c, _)| with_seventh(&code, c))
                        .unwrap_or_default()
                );
                f.needs = Some("the 7th character".into());
                f.sentences.push(sentence);
                return f;
            }
        }
    } else {
        let book_code = if raw.ends_with('-') {
            raw.clone()
        } else {
            code.clone()
        };
        sentence = format!("{path}: {book_code}");
        // Down from a header as far as the words tell its children apart.
        let mut at = entry;
        let mut reasons = Vec::new();
        while at.as_of(date).version.is_some_and(|v| !v.billable) && !at.children.is_empty() {
            match pick_child(at, text)
                .and_then(|(c, why)| Some((findings.entry(CodeSystem::Icd10Cm, &c)?, why)))
            {
                Some((child, why)) => {
                    reasons.push(why);
                    at = child;
                }
                None => break,
            }
        }
        if at.code != code {
            chosen = at.code.clone();
            f.completion = Some(format!("the question says {}", reasons.join(", ")));
            sentence.push_str(&format!(
                " → {chosen} (your question says {})",
                reasons.join(", ")
            ));
        }
        sentence.push('.');
        if at.as_of(date).version.is_some_and(|v| !v.billable) {
            let kids: Vec<String> = at
                .children
                .iter()
                .map(|k| format!("{} {}", k.code, k.description))
                .collect();
            sentence.push_str(&format!(
                " {} is a header: it needs more characters, {}.",
                at.code,
                or_list(&kids)
            ));
            f.needs = Some("more characters".into());
        }
    }
    f.sentences.push(sentence);
    let Some(e) = findings.entry(CodeSystem::Icd10Cm, &chosen) else {
        f.sentences.push(format!(
            "{chosen} is not in the loaded ICD-10-CM tabular; check it against the tabular for {date}."
        ));
        return f;
    };
    let resolved = e.as_of(date);
    f.code = Some(chosen.clone());
    let Some(v) = resolved.version else {
        f.sentences.push(format!(
            "{chosen} is not valid on {date} in the loaded ICD-10-CM ({}).",
            resolved.validity.as_str()
        ));
        return f;
    };
    f.valid = true;
    f.tabular_release = Some(v.release.clone());
    f.billable = v.billable;
    f.description = Some(v.long_desc.clone());
    let mismatch = !v.release.ends_with(&l.release);
    let check = if mismatch {
        format!(
            " The {} loaded is {}: {chosen} was checked in {}, the tabular for this date.",
            l.book_title, l.release, v.release
        )
    } else {
        String::new()
    };
    if v.billable && f.needs.is_none() {
        f.sentences.push(format!(
            "{chosen} is valid and billable on {date} ({}): \"{}\".{check}",
            v.release, v.long_desc
        ));
    } else if v.billable {
        f.sentences.push(format!(
            "{chosen}: \"{}\" ({}).{check}",
            v.long_desc, v.release
        ));
    } else if f.needs.is_none() {
        f.sentences.push(format!(
            "{chosen} is a header in {}, not billable on {date}: \"{}\".{check}",
            v.release, v.long_desc
        ));
        f.needs = Some("more characters".into());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seventh_character_stands_seventh() {
        assert_eq!(with_seventh("T36.0X5", "A"), "T36.0X5A");
        assert_eq!(with_seventh("W11", "A"), "W11.XXXA");
        assert_eq!(with_seventh("T36.91", "D"), "T36.91XD");
        assert_eq!(with_seventh("W21.00", "A"), "W21.00XA");
    }

    #[test]
    fn the_encounter_words_choose_the_value() {
        let v = vec![
            ("A".to_string(), "initial encounter".to_string()),
            ("D".to_string(), "subsequent encounter".to_string()),
            ("S".to_string(), "sequela".to_string()),
        ];
        assert_eq!(pick_seventh("first visit for it", &v).unwrap().0, "A");
        assert_eq!(pick_seventh("follow-up visit", &v).unwrap().0, "D");
        assert_eq!(pick_seventh("treating the sequela", &v).unwrap().0, "S");
        assert!(pick_seventh("what code", &v).is_none());
    }
}
