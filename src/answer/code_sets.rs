//! Which loaded code-set releases an answer used: the systems of the codes asked about, NCCI
//! PTP when pairs were checked, NCCI MUE when procedure codes were looked up, the GEMs for
//! ICD-9-CM; for a system, the releases its facts came from (else its latest release).

use super::{CodeFinding, Icd9Finding, ModifierFinding, RangeFinding, Suggestion, UnknownCode};
use crate::codes::CodeSystem;
use crate::date::Date;
use serde::Serialize;

/// One loaded release, as the catalog names it and as the reply cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSetRelease {
    /// The code set: `ICD10CM`, `ICD10PCS`, `HCPCS`, `CPT`, `NCCI-PTP`, `NCCI-MUE`, `GEMS`.
    pub set: String,
    /// As cited: "ICD-10-CM FY2026".
    pub label: String,
    /// The release's first day.
    pub effective_from: Date,
    /// The last day it speaks for (ICD-10 fiscal year, HCPCS/NCCI quarter); `None`: no end.
    pub period_end: Option<Date>,
}

/// How a code set is named in a reply: "ICD-10-CM", "NCCI PTP edits".
pub fn set_name(code_set: &str) -> &str {
    match code_set {
        "ICD10CM" => "ICD-10-CM",
        "ICD10CM-INDEX" => "ICD-10-CM Index and Tables",
        "ICD10PCS" => "ICD-10-PCS",
        "NCCI-PTP" => "NCCI PTP edits",
        "NCCI-MUE" => "NCCI MUEs",
        "GEMS" => "ICD-9/ICD-10 GEMs",
        "MPFS" => "Medicare fee schedule",
        other => other,
    }
}

/// A code set whose newest loaded release ends before the date of service: the release that
/// applies on that date is not loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseGap {
    /// The code set: `ICD10CM`, `NCCI-PTP`, ...
    pub set: String,
    /// The newest loaded release, as cited: "ICD-10-CM FY2026".
    pub loaded: String,
    /// Its last day.
    pub through: Date,
    /// The release that applies on the date, as cited: "ICD-10-CM FY2027".
    pub needed: String,
    /// The gap in a coder's words.
    pub text: String,
}

/// The sets among `sets` whose newest loaded release ends before `date`.
pub fn gaps(loaded: &[CodeSetRelease], sets: &[&str], date: Date) -> Vec<ReleaseGap> {
    let mut out = Vec::new();
    for set in sets {
        let Some(newest) = loaded
            .iter()
            .filter(|r| r.set == *set)
            .max_by_key(|r| r.effective_from)
        else {
            continue;
        };
        let Some(end) = newest.period_end else {
            continue;
        };
        if date <= end || out.iter().any(|g: &ReleaseGap| g.set == *set) {
            continue;
        }
        let release = crate::codes::period::release_for(set, date);
        let needed = if *set == "MPFS" {
            format!("the {release} Medicare fee schedule")
        } else {
            format!("{} {release}", set_name(set))
        };
        out.push(ReleaseGap {
            set: set.to_string(),
            text: format!(
                "The {} files are loaded (they apply through {end}); {needed} applies on {date} and is not loaded",
                newest.label
            ),
            loaded: newest.label.clone(),
            through: end,
            needed,
        });
    }
    out
}

/// The code set that holds codes of a system.
pub fn set_of(system: CodeSystem) -> &'static str {
    match system {
        CodeSystem::Icd10Cm => "ICD10CM",
        CodeSystem::Icd10Pcs => "ICD10PCS",
        CodeSystem::Hcpcs | CodeSystem::Modifier => "HCPCS",
        CodeSystem::Cpt => "CPT",
        CodeSystem::Icd9Cm => "GEMS",
    }
}

/// What an answer looked at, to choose the releases it cites.
pub struct Used<'a> {
    /// Codes found.
    pub codes: &'a [CodeFinding],
    /// Codes not found.
    pub unknown: &'a [UnknownCode],
    /// Ranges asked about.
    pub ranges: &'a [RangeFinding],
    /// Modifiers asked about.
    pub modifiers: &'a [ModifierFinding],
    /// ICD-9-CM codes asked about.
    pub icd9: &'a [Icd9Finding],
    /// Suggestions given.
    pub suggestions: &'a [Suggestion],
    /// Codes the Index walk led to.
    pub index: &'a [super::IndexFinding],
    /// Whether PTP pairs were checked.
    pub pairs: bool,
    /// Whether fee-schedule facts were given.
    pub fee: bool,
}

/// The labels of the releases of `loaded` the answer used, in loaded order.
pub fn consulted(loaded: &[CodeSetRelease], used: &Used) -> Vec<String> {
    // Sets whose every loaded release was consulted (a code looked for and not found is looked
    // for in all of them; NCCI and GEM tables are cited whole).
    let mut whole: Vec<&str> = Vec::new();
    // Sets of which only the releases named by a finding (else the latest) were used.
    let mut named: Vec<&str> = Vec::new();
    let mut releases: Vec<&str> = Vec::new();
    for c in used.codes {
        named.push(set_of(c.system));
        releases.extend(c.release.as_deref());
    }
    for u in used.unknown {
        whole.push(set_of(u.system));
        if u.system == CodeSystem::Cpt {
            whole.extend(["NCCI-PTP", "NCCI-MUE"]);
        }
    }
    for r in used.ranges {
        named.push(set_of(r.system));
    }
    for m in used.modifiers {
        named.push("HCPCS");
        named.push("CPT");
        releases.extend(m.release.as_deref());
    }
    if !used.icd9.is_empty() {
        whole.push("GEMS");
        if used.icd9.iter().any(|i| !i.candidates.is_empty()) {
            named.push("ICD10CM");
        }
    }
    for s in used.suggestions {
        named.push(set_of(s.system));
    }
    if !used.index.is_empty() {
        whole.push("ICD10CM-INDEX");
    }
    for f in used.index {
        if let Some(r) = &f.tabular_release {
            named.push("ICD10CM");
            releases.push(r);
        }
    }
    if used.pairs {
        whole.push("NCCI-PTP");
    }
    if used.fee {
        named.push("MPFS");
    }
    if used.codes.iter().any(|c| c.system.is_procedure()) {
        whole.push("NCCI-MUE");
    }
    loaded
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            let set = r.set.as_str();
            if whole.contains(&set) {
                return true;
            }
            if !named.contains(&set) {
                return false;
            }
            let any_named = loaded
                .iter()
                .any(|o| o.set == set && releases.contains(&o.label.as_str()));
            if any_named {
                releases.contains(&r.label.as_str())
            } else {
                // The latest release of the set: none later in the list.
                !loaded[i + 1..].iter().any(|o| o.set == set)
            }
        })
        .map(|(_, r)| r.label.clone())
        .collect()
}

/// The releases consulted for a code of `system` that was not found, as a phrase.
pub fn consulted_for_unknown(loaded: &[CodeSetRelease], system: CodeSystem) -> String {
    let mut sets = vec![set_of(system)];
    if system == CodeSystem::Cpt {
        sets.extend(["NCCI-PTP", "NCCI-MUE"]);
    }
    let labels: Vec<&str> = loaded
        .iter()
        .filter(|r| sets.contains(&r.set.as_str()))
        .map(|r| r.label.as_str())
        .collect();
    if labels.is_empty() {
        format!("no {} release is loaded", system.label())
    } else {
        labels.join(", ")
    }
}
