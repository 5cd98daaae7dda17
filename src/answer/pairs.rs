//! The NCCI procedure-to-procedure answer for each pair of procedure codes in a question: which
//! code is column 1, whether the edit is in force on the date of service, what the modifier
//! indicator allows, and whether the modifier the asker wrote can bypass it.

use super::CodeFinding;
use crate::codes::period::period_end;
use crate::codes::{CodeSystem, PtpCoverage, PtpEdit};
use crate::date::Date;
use serde::Serialize;

/// Where a pair stands on the date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairStatus {
    /// An edit is in force.
    Active,
    /// An edit existed and was deleted before the date.
    Deleted,
    /// An edit starts after the date.
    NotYetEffective,
    /// No edit in the loaded tables, which cover both codes on the date.
    NoEdit,
    /// No edit in the loaded tables, but they do not cover one of the codes (or the date): the
    /// data cannot say.
    NotCovered,
}

/// The PTP answer for two codes.
#[derive(Debug, Clone, Serialize)]
pub struct PairFinding {
    /// The first code as the question names it.
    pub first: String,
    /// The second code.
    pub second: String,
    /// Where the pair stands.
    pub status: PairStatus,
    /// The edit that decides it (the one in force, else the latest).
    pub edit: Option<PtpEdit>,
    /// The modifier indicator in words.
    pub modifier_meaning: Option<&'static str>,
    /// Modifiers the asker wrote on either code.
    pub modifiers_asked: Vec<String>,
    /// Whether one of those modifiers can bypass the edit (None when none was written or no
    /// edit is in force).
    pub bypass: Option<bool>,
    /// The answer in a coder's words.
    pub advice: String,
    /// Why the loaded edits cannot settle the pair (status `NotCovered`).
    pub unsettled: Option<String>,
}

/// Where to look when the loaded edits cannot settle a pair.
pub const PTP_CHECK: &str =
    "Check the current NCCI PTP edits on the CMS NCCI page (or the payer's edits).";

/// At most this many procedure codes are paired (66 pairs).
pub const MAX_PAIRED_CODES: usize = 12;

/// Modifiers that bypass an edit only when its column 2 code is an E/M service.
const EM_MODIFIERS: &[&str] = &["24", "25", "27", "57"];

/// An evaluation and management code (99202-99499).
pub(super) fn is_em(code: &str) -> bool {
    code.parse::<u32>()
        .is_ok_and(|n| (99202..=99499).contains(&n))
}

/// Whether NCCI accepts `modifier` to bypass `edit` (indicator 1 only).
pub fn bypasses(edit: &PtpEdit, modifier: &str) -> bool {
    if edit.modifier != 1 || !crate::codes::entry::PTP_BYPASS_MODIFIERS.contains(&modifier) {
        return false;
    }
    !EM_MODIFIERS.contains(&modifier) || is_em(&edit.col2)
}

/// The edit that decides a pair on `date`: one in force (practitioner first), else the latest.
fn deciding(edits: &[&PtpEdit], date: Date) -> Option<PtpEdit> {
    let practitioner_first =
        |e: &&&PtpEdit| (e.setting != "practitioner", std::cmp::Reverse(e.effective));
    let mut active: Vec<&&PtpEdit> = edits.iter().filter(|e| e.is_active(date)).collect();
    active.sort_by_key(practitioner_first);
    if let Some(e) = active.first() {
        return Some((**e).clone());
    }
    let mut all: Vec<&&PtpEdit> = edits.iter().collect();
    all.sort_by_key(practitioner_first);
    all.first().map(|e| (**e).clone())
}

/// A finding for every pair of procedure codes among `codes`, in question order.
pub fn pair_findings(
    codes: &[CodeFinding],
    ptp: &[PtpEdit],
    coverage: &[PtpCoverage],
    date: Date,
) -> Vec<PairFinding> {
    let procs: Vec<&CodeFinding> = codes
        .iter()
        .filter(|c| matches!(c.system, CodeSystem::Cpt | CodeSystem::Hcpcs))
        .take(MAX_PAIRED_CODES)
        .collect();
    let mut out = Vec::new();
    for (i, a) in procs.iter().enumerate() {
        for b in &procs[i + 1..] {
            out.push(pair_finding(a, b, ptp, coverage, date));
        }
    }
    out
}

/// Whether the loaded PTP files can settle "no edit" between `a` and `b` on `date`: `Ok` with
/// what was consulted, or `Err` with why they cannot.
pub fn ptp_covers(
    a: &str,
    b: &str,
    coverage: &[PtpCoverage],
    date: Date,
) -> Result<String, String> {
    let practitioner: Vec<&PtpCoverage> = coverage
        .iter()
        .filter(|c| c.setting == "practitioner")
        .collect();
    if practitioner.is_empty() {
        return Err(if coverage.is_empty() {
            "no NCCI PTP file is loaded, so the edits between them cannot be checked".into()
        } else {
            "only hospital (outpatient) PTP edits are loaded, not the practitioner edits".into()
        });
    }
    let in_force: Vec<&PtpCoverage> = practitioner
        .iter()
        .copied()
        .filter(|c| {
            c.effective_from <= date
                && period_end("NCCI-PTP", c.effective_from).is_none_or(|end| date <= end)
        })
        .collect();
    let Some(newest) = in_force.iter().max_by_key(|c| c.effective_from) else {
        let newest = practitioner
            .iter()
            .max_by_key(|c| c.effective_from)
            .expect("not empty");
        let end = period_end("NCCI-PTP", newest.effective_from)
            .map(|d| format!(" to {d}"))
            .unwrap_or_default();
        return Err(format!(
            "the loaded practitioner PTP edits ({}) are for {}{end}, and {date} is outside that quarter; the edits of {} are not loaded",
            newest.version,
            newest.effective_from,
            crate::codes::period::release_for("NCCI-PTP", date)
        ));
    };
    let files: Vec<&&PtpCoverage> = in_force
        .iter()
        .filter(|c| c.version == newest.version)
        .collect();
    let ranges: Vec<String> = files.iter().map(|c| c.range()).collect();
    let missing: Vec<&str> = [a, b]
        .into_iter()
        .filter(|code| !files.iter().any(|c| c.covers(code)))
        .collect();
    if missing.is_empty() {
        Ok(format!(
            "the loaded practitioner edits {} (column-1 codes {}) cover both codes",
            newest.version,
            ranges.join(", ")
        ))
    } else {
        Err(format!(
            "the loaded PTP data does not cover {} (only column-1 codes {} of the practitioner edits {} are loaded)",
            missing.join(" or "),
            ranges.join(", "),
            newest.version
        ))
    }
}

fn pair_finding(
    a: &CodeFinding,
    b: &CodeFinding,
    ptp: &[PtpEdit],
    coverage: &[PtpCoverage],
    date: Date,
) -> PairFinding {
    let edits: Vec<&PtpEdit> = ptp
        .iter()
        .filter(|e| {
            (e.col1 == a.code && e.col2 == b.code) || (e.col1 == b.code && e.col2 == a.code)
        })
        .collect();
    let mut modifiers_asked: Vec<String> = Vec::new();
    for m in a.modifiers.iter().chain(&b.modifiers) {
        if !modifiers_asked.contains(m) {
            modifiers_asked.push(m.clone());
        }
    }
    let edit = deciding(&edits, date);
    let covered = ptp_covers(&a.code, &b.code, coverage, date);
    let status = match &edit {
        None if covered.is_ok() => PairStatus::NoEdit,
        None => PairStatus::NotCovered,
        Some(e) if e.is_active(date) => PairStatus::Active,
        Some(e) if e.effective > date => PairStatus::NotYetEffective,
        Some(_) => PairStatus::Deleted,
    };
    let bypass = match (&edit, status) {
        (Some(e), PairStatus::Active) if !modifiers_asked.is_empty() => {
            Some(modifiers_asked.iter().any(|m| bypasses(e, m)))
        }
        _ => None,
    };
    let unsettled = match (&edit, &covered) {
        (None, Err(why)) => Some(why.to_string()),
        _ => None,
    };
    let advice = match (&edit, covered) {
        (None, Ok(what)) => format!(
            "No NCCI procedure-to-procedure edit pairs {} and {} on {date}: {what}, so NCCI PTP does not bundle them (payer policies, MUEs and the NCCI Policy Manual still apply).",
            a.code, b.code
        ),
        (None, Err(why)) => format!(
            "Cannot say whether NCCI bundles {} and {}: {why}. {PTP_CHECK}",
            a.code, b.code
        ),
        (Some(_), _) => advice(a, b, edit.as_ref(), status, &modifiers_asked, bypass, date),
    };
    PairFinding {
        first: a.code.clone(),
        second: b.code.clone(),
        status,
        modifier_meaning: edit.as_ref().map(PtpEdit::modifier_meaning),
        edit,
        modifiers_asked,
        bypass,
        advice,
        unsettled,
    }
}

fn advice(
    a: &CodeFinding,
    b: &CodeFinding,
    edit: Option<&PtpEdit>,
    status: PairStatus,
    asked: &[String],
    bypass: Option<bool>,
    date: Date,
) -> String {
    let Some(e) = edit else {
        return String::new();
    };
    match status {
        PairStatus::Deleted => {
            let when = e.deletion.map(|d| d.to_string()).unwrap_or_default();
            return format!(
                "An edit with {} as column 1 and {} as column 2 ({}) was in force from {} through {when}; it is deleted, so no edit applies on {date}.",
                e.col1, e.col2, e.rationale, e.effective
            );
        }
        PairStatus::NotYetEffective => {
            return format!(
                "An edit with {} as column 1 and {} as column 2 takes effect on {}, after {date}: no edit applies on that date.",
                e.col1, e.col2, e.effective
            );
        }
        PairStatus::NoEdit | PairStatus::NotCovered | PairStatus::Active => {}
    }
    let mut s = format!(
        "NCCI edit in force on {date}: {} is column 1 and {} is column 2 ({}). ",
        e.col1, e.col2, e.rationale
    );
    match e.modifier {
        0 => s.push_str(&format!(
            "Modifier indicator 0 (not allowed): no modifier allows {} to be paid with {} on the same day; report {} only.",
            e.col2, e.col1, e.col1
        )),
        1 => {
            s.push_str(&format!(
                "Modifier indicator 1 (allowed): both may be paid when the services are separate and distinct and the record supports it; the modifier (59, XE, XS, XP or XU, an anatomic modifier, or for an E/M in column 2 modifier 25) goes on the column 2 code, {}.",
                e.col2
            ));
            match bypass {
                Some(true) => {
                    let ok: Vec<&str> = asked.iter().filter(|m| bypasses(e, m)).map(String::as_str).collect();
                    s.push_str(&format!(" The modifier you mention ({}) is one NCCI accepts for this edit", ok.join(", ")));
                    let on_col1_only = [a, b]
                        .iter()
                        .find(|c| c.code == e.col1)
                        .is_some_and(|c| c.modifiers.iter().any(|m| ok.contains(&m.as_str())))
                        && ![a, b]
                            .iter()
                            .find(|c| c.code == e.col2)
                            .is_some_and(|c| c.modifiers.iter().any(|m| ok.contains(&m.as_str())));
                    if on_col1_only {
                        s.push_str(&format!("; it belongs on {}, not on {}", e.col2, e.col1));
                    }
                    s.push('.');
                }
                Some(false) => s.push_str(&format!(
                    " The modifier you mention ({}) does not bypass this edit.",
                    asked.join(", ")
                )),
                None => {}
            }
        }
        _ => s.push_str("Modifier indicator 9 (not applicable): the edit does not apply (CMS uses 9 for edits deleted as of their own effective date)."),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(col1: &str, col2: &str, modifier: u8, deletion: Option<&str>) -> PtpEdit {
        PtpEdit {
            setting: "practitioner".into(),
            col1: col1.into(),
            col2: col2.into(),
            effective: "2020-01-01".parse().unwrap(),
            deletion: deletion.map(|d| d.parse().unwrap()),
            pre_1996: false,
            modifier,
            rationale: "Standards of medical/surgical practice".into(),
        }
    }

    #[test]
    fn em_modifiers_bypass_only_an_em_column_two() {
        assert!(bypasses(&edit("20610", "99213", 1, None), "25"));
        assert!(!bypasses(&edit("20610", "20611", 1, None), "25"));
        assert!(bypasses(&edit("20610", "20611", 1, None), "XS"));
        assert!(!bypasses(&edit("20610", "20611", 0, None), "59"));
    }

    #[test]
    fn the_edit_in_force_wins_over_a_deleted_one() {
        let old = edit("A", "B", 0, Some("2021-12-31"));
        let mut new = edit("A", "B", 1, None);
        new.effective = "2022-01-01".parse().unwrap();
        let d = deciding(&[&old, &new], "2023-01-01".parse().unwrap()).unwrap();
        assert_eq!(d.modifier, 1);
        let d = deciding(&[&old, &new], "2021-06-01".parse().unwrap()).unwrap();
        assert_eq!(d.modifier, 0);
    }
}
