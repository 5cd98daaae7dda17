//! What the catalog knows of one code (every version, notes, 7th characters, children, MUEs) and
//! of one PTP edit, and how each reads as of a date. Pure values; built by the index.

use super::CodeSystem;
use crate::date::Date;
use serde::{Deserialize, Serialize};

/// One text and status of a code, valid from `valid_from` to `valid_to` (its last day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeVersion {
    /// First day this version applies to.
    pub valid_from: Date,
    /// Last day it applies to; `None` while current.
    pub valid_to: Option<Date>,
    /// Valid for claims (ICD: billable; a header is not).
    pub billable: bool,
    /// The official short description, when the format has one.
    pub short_desc: Option<String>,
    /// The official long description.
    pub long_desc: String,
    /// A plain-language description (from a licensed CPT file's optional column).
    pub plain_desc: Option<String>,
    /// The release this text comes from, e.g. "ICD-10-CM FY2026".
    pub release: String,
}

impl CodeVersion {
    /// Whether `date` falls in this version's range.
    pub fn covers(&self, date: Date) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// The kinds of instructional notes in the ICD-10-CM tabular list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NoteKind {
    /// Terms included under the code.
    InclusionTerm,
    /// "Includes" note.
    Includes,
    /// Excludes1: never code together.
    Excludes1,
    /// Excludes2: not included here, may be coded together.
    Excludes2,
    /// Code the underlying condition first.
    CodeFirst,
    /// Use an additional code.
    UseAdditionalCode,
    /// Code also.
    CodeAlso,
    /// A general note.
    Notes,
    /// The note that introduces 7th-character values.
    SevenChrNote,
}

impl NoteKind {
    /// The element name in the tabular XML.
    pub fn xml_name(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "inclusionTerm",
            NoteKind::Includes => "includes",
            NoteKind::Excludes1 => "excludes1",
            NoteKind::Excludes2 => "excludes2",
            NoteKind::CodeFirst => "codeFirst",
            NoteKind::UseAdditionalCode => "useAdditionalCode",
            NoteKind::CodeAlso => "codeAlso",
            NoteKind::Notes => "notes",
            NoteKind::SevenChrNote => "sevenChrNote",
        }
    }

    /// The kind for a tabular XML element name.
    pub fn from_xml_name(name: &str) -> Option<NoteKind> {
        [
            NoteKind::InclusionTerm,
            NoteKind::Includes,
            NoteKind::Excludes1,
            NoteKind::Excludes2,
            NoteKind::CodeFirst,
            NoteKind::UseAdditionalCode,
            NoteKind::CodeAlso,
            NoteKind::Notes,
            NoteKind::SevenChrNote,
        ]
        .into_iter()
        .find(|k| k.xml_name() == name)
    }

    /// How a coder names it: "Excludes1", "Code first", ...
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "Inclusion terms",
            NoteKind::Includes => "Includes",
            NoteKind::Excludes1 => "Excludes1",
            NoteKind::Excludes2 => "Excludes2",
            NoteKind::CodeFirst => "Code first",
            NoteKind::UseAdditionalCode => "Use additional code",
            NoteKind::CodeAlso => "Code also",
            NoteKind::Notes => "Note",
            NoteKind::SevenChrNote => "7th character",
        }
    }
}

/// An instructional note that applies to a code, with where in the hierarchy it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Which kind of note.
    pub kind: NoteKind,
    /// The note's text, as published.
    pub text: String,
    /// The code, section or chapter the note stands at (`M54`, `M50-M54`, `chapter 13`).
    pub at: String,
}

/// The 7th characters a code needs, from the nearest ancestor that defines them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SevenChr {
    /// The code that defines the values (e.g. `S72` for `S72.001`).
    pub defined_at: String,
    /// Each value and its meaning (`A`: "initial encounter for closed fracture").
    pub values: Vec<(String, String)>,
}

/// A code one level below a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildCode {
    /// The child code.
    pub code: String,
    /// Its current long description.
    pub description: String,
    /// Whether it is billable itself.
    pub billable: bool,
}

/// A code that took over from a deleted one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    /// The new code.
    pub code: String,
    /// From when.
    pub effective: Date,
    /// Inferred rather than stated by the file (HCPCS: a code for the same item added the day
    /// after the old one ended).
    #[serde(default)]
    pub inferred: bool,
}

/// A Medically Unlikely Edit: the most units of a code one beneficiary gets on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MueLimit {
    /// `practitioner`, `outpatient hospital` or `dme`.
    pub setting: String,
    /// First day of the table this value comes from.
    pub valid_from: Date,
    /// Units allowed.
    pub value: u32,
    /// MUE adjudication indicator: 1 line, 2 date of service (policy), 3 date of service (clinical).
    pub mai: u8,
    /// The indicator as CMS words it, e.g. "3 Date of Service Edit: Clinical".
    pub mai_text: String,
    /// CMS's rationale, e.g. "Clinical: Data".
    pub rationale: String,
}

impl MueLimit {
    /// What the adjudication indicator means for a claim, in a coder's words.
    pub fn mai_meaning(&self) -> &'static str {
        match self.mai {
            1 => {
                "line edit: units on one claim line are capped; more units may be reported on separate lines with an appropriate modifier (e.g. 76, 77, 91, anatomic)"
            }
            2 => {
                "date-of-service edit based on policy: the units on all lines for the same date of service are added together and the cap is absolute (no appeal on clinical grounds)"
            }
            3 => {
                "date-of-service edit based on clinical benchmarks: the units on all lines for the same date are added together; units above the cap are denied but may be paid on appeal with documentation of medical necessity"
            }
            _ => "adjudication indicator not recognised",
        }
    }
}

/// One NCCI procedure-to-procedure edit: column 2 is not paid with column 1 on the same day
/// unless the modifier indicator allows a modifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PtpEdit {
    /// `practitioner` or `hospital`.
    pub setting: String,
    /// The column 1 (comprehensive) code.
    pub col1: String,
    /// The column 2 (component) code.
    pub col2: String,
    /// First day the edit applies.
    pub effective: Date,
    /// The deletion date, if the edit was deleted: the last day it applies (CMS writes quarter
    /// ends such as 20231231; a deletion on the effective date means it never applied).
    pub deletion: Option<Date>,
    /// The edit existed before 1996.
    pub pre_1996: bool,
    /// 0: no modifier allowed, 1: allowed, 9: not applicable.
    pub modifier: u8,
    /// CMS's rationale.
    pub rationale: String,
}

/// The modifiers that can bypass a PTP edit whose indicator is 1 (NCCI policy manual, ch. 1).
pub const PTP_BYPASS_MODIFIERS: &[&str] = &[
    "59", "XE", "XS", "XP", "XU", "25", "57", "58", "78", "79", "91", "24", "27", "LT", "RT", "E1",
    "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2",
    "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LC", "LD", "RC", "LM", "RI",
];

impl PtpEdit {
    /// Whether the edit is in force on `date`.
    pub fn is_active(&self, date: Date) -> bool {
        self.effective <= date
            && self
                .deletion
                .is_none_or(|d| d > self.effective && date <= d)
    }

    /// The modifier indicator in words.
    pub fn modifier_meaning(&self) -> &'static str {
        match self.modifier {
            0 => "0: no modifier allows the two codes to be paid together on the same day",
            1 => {
                "1: a modifier (such as 59, XE, XS, XP, XU or an anatomic modifier) allows both when the documentation supports a separate, distinct service"
            }
            9 => "9: not applicable (the edit was deleted or the indicator does not apply)",
            _ => "unrecognised modifier indicator",
        }
    }

    /// Whether `modifier` is one NCCI accepts to bypass this edit.
    pub fn bypassed_by(&self, modifier: &str) -> bool {
        self.modifier == 1 && PTP_BYPASS_MODIFIERS.contains(&modifier)
    }
}

/// Everything the catalog knows of one code, over all loaded releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    /// The code system.
    pub system: CodeSystem,
    /// The code in normal form (`M54.16`).
    pub code: String,
    /// Its versions, oldest first; empty for a CPT code known only from NCCI files.
    pub versions: Vec<CodeVersion>,
    /// When the code was first added (HCPCS add date, ICD addenda).
    pub added: Option<Date>,
    /// The HCPCS action code of the latest release.
    pub action: Option<String>,
    /// Notes that apply, its own first, then inherited from its category, section and chapter.
    pub notes: Vec<Note>,
    /// The 7th character the code needs, when it is short of one.
    pub seven_chr: Option<SevenChr>,
    /// Codes one level below (for a header).
    pub children: Vec<ChildCode>,
    /// How many billable codes lie below it.
    pub billable_descendants: u32,
    /// What took over when the code was deleted.
    pub replaced_by: Vec<Replacement>,
    /// MUE values, oldest first.
    pub mue: Vec<MueLimit>,
    /// Ancestors from the nearest: (code or section, title).
    pub ancestors: Vec<(String, String)>,
    /// Medicare fee schedule rows (each modifier of each loaded release), oldest release first.
    #[serde(default)]
    pub fee: Vec<super::FeeRow>,
    /// For a global-test-only code (PC/TC indicator 4): its component codes, from the file.
    #[serde(default)]
    pub fee_parts: Vec<super::fee::FeePart>,
}

/// Whether a code can be used on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Validity {
    /// Valid on the date.
    Valid,
    /// Only valid from a later date.
    NotYetValid {
        /// First valid day.
        from: Date,
    },
    /// Deleted before the date.
    Deleted {
        /// Last valid day.
        last_day: Date,
    },
    /// No description is loaded (a CPT code without a licensed CPT file).
    NoDescriptor,
}

impl Validity {
    /// `valid`, `not-yet-valid`, `deleted` or `no-descriptor`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::NotYetValid { .. } => "not-yet-valid",
            Validity::Deleted { .. } => "deleted",
            Validity::NoDescriptor => "no-descriptor",
        }
    }
}

/// A code as of one date: the version that applies and whether it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The version that applies on the date, or the nearest one when none does.
    pub version: Option<&'a CodeVersion>,
    /// Valid, deleted or not yet valid.
    pub validity: Validity,
    /// The date is before the first loaded release of this code, and nothing says it was added
    /// later: the earliest version is shown, and the answer says the date is not covered.
    pub before_coverage: bool,
    /// The MUE in force on the date.
    pub mue: Option<&'a MueLimit>,
}

impl CodeEntry {
    /// An entry with nothing known yet but its system and code.
    pub fn empty(system: CodeSystem, code: &str) -> CodeEntry {
        CodeEntry {
            system,
            code: code.to_string(),
            versions: Vec::new(),
            added: None,
            action: None,
            notes: Vec::new(),
            seven_chr: None,
            children: Vec::new(),
            billable_descendants: 0,
            replaced_by: Vec::new(),
            mue: Vec::new(),
            ancestors: Vec::new(),
            fee: Vec::new(),
            fee_parts: Vec::new(),
        }
    }

    /// The code as of `date`.
    pub fn as_of(&self, date: Date) -> Resolved<'_> {
        let mue = self
            .mue
            .iter()
            .filter(|m| m.valid_from <= date)
            .max_by_key(|m| m.valid_from)
            .or_else(|| self.mue.iter().min_by_key(|m| m.valid_from));
        let Some(first) = self.versions.first() else {
            return Resolved {
                version: None,
                validity: Validity::NoDescriptor,
                before_coverage: false,
                mue,
            };
        };
        if let Some(v) = self.versions.iter().find(|v| v.covers(date)) {
            return Resolved {
                version: Some(v),
                validity: Validity::Valid,
                before_coverage: false,
                mue,
            };
        }
        if date < first.valid_from {
            let known_new = self.added.is_some_and(|a| a > date);
            return Resolved {
                version: Some(first),
                validity: if known_new {
                    Validity::NotYetValid {
                        from: first.valid_from,
                    }
                } else {
                    Validity::Valid
                },
                before_coverage: !known_new,
                mue,
            };
        }
        // After the end of a version and before the next (or after the last): deleted then.
        let prev = self
            .versions
            .iter()
            .filter(|v| v.valid_from <= date)
            .max_by_key(|v| v.valid_from)
            .unwrap_or(first);
        let next = self.versions.iter().find(|v| v.valid_from > date);
        Resolved {
            version: Some(prev),
            validity: match (prev.valid_to, next) {
                (Some(last_day), None) => Validity::Deleted { last_day },
                (_, Some(n)) => Validity::NotYetValid { from: n.valid_from },
                (None, None) => Validity::Valid,
            },
            before_coverage: false,
            mue,
        }
    }

    /// The newest version, whatever its dates.
    pub fn latest(&self) -> Option<&CodeVersion> {
        self.versions.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn version(from: &str, to: Option<&str>, desc: &str) -> CodeVersion {
        CodeVersion {
            valid_from: d(from),
            valid_to: to.map(d),
            billable: true,
            short_desc: None,
            long_desc: desc.into(),
            plain_desc: None,
            release: "test".into(),
        }
    }

    fn entry(versions: Vec<CodeVersion>, added: Option<&str>) -> CodeEntry {
        CodeEntry {
            system: CodeSystem::Hcpcs,
            code: "J1030".into(),
            versions,
            added: added.map(d),
            action: None,
            notes: vec![],
            seven_chr: None,
            children: vec![],
            billable_descendants: 0,
            replaced_by: vec![],
            mue: vec![],
            ancestors: vec![],
            fee: vec![],
            fee_parts: vec![],
        }
    }

    #[test]
    fn deleted_code_is_valid_before_and_deleted_after() {
        let e = entry(
            vec![version("1982-01-01", Some("2024-03-31"), "old")],
            Some("1982-01-01"),
        );
        assert_eq!(e.as_of(d("2024-03-31")).validity, Validity::Valid);
        assert_eq!(
            e.as_of(d("2024-04-01")).validity,
            Validity::Deleted {
                last_day: d("2024-03-31")
            }
        );
    }

    #[test]
    fn date_before_first_release_is_flagged_unless_code_was_added_later() {
        let e = entry(vec![version("2025-10-01", None, "x")], None);
        let r = e.as_of(d("2020-01-01"));
        assert_eq!(r.validity, Validity::Valid);
        assert!(r.before_coverage);
        let e = entry(vec![version("2025-10-01", None, "x")], Some("2025-10-01"));
        assert_eq!(
            e.as_of(d("2020-01-01")).validity,
            Validity::NotYetValid {
                from: d("2025-10-01")
            }
        );
    }

    #[test]
    fn picks_the_version_of_the_date() {
        let e = entry(
            vec![
                version("2024-10-01", Some("2025-09-30"), "old title"),
                version("2025-10-01", None, "new title"),
            ],
            None,
        );
        assert_eq!(
            e.as_of(d("2025-01-01")).version.unwrap().long_desc,
            "old title"
        );
        assert_eq!(
            e.as_of(d("2026-01-01")).version.unwrap().long_desc,
            "new title"
        );
    }

    #[test]
    fn ptp_deletion_date_is_the_last_day_of_the_edit() {
        let edit = PtpEdit {
            setting: "practitioner".into(),
            col1: "62322".into(),
            col2: "99213".into(),
            effective: d("2020-01-01"),
            deletion: Some(d("2023-12-31")),
            pre_1996: false,
            modifier: 1,
            rationale: "x".into(),
        };
        assert!(edit.is_active(d("2023-12-31")));
        assert!(!edit.is_active(d("2024-01-01")));
        let never = PtpEdit {
            deletion: Some(edit.effective),
            ..edit.clone()
        };
        assert!(!never.is_active(edit.effective));
        assert!(edit.bypassed_by("59") && edit.bypassed_by("XU") && !edit.bypassed_by("26"));
    }
}
