//! What the reply says: each code's facts as of the date of service, the NCCI edits between the
//! procedure codes asked about, modifiers, ICD-9 mappings, suggestions for questions in words,
//! and a confidence with its reasons. Pure: it judges [`Findings`] the shell gathered from the
//! catalog; it never looks anything up itself and takes its dates as arguments.

mod additional;
pub mod asks;
pub mod caps;
mod closer;
pub mod code_sets;
mod confidence;
mod date_of_service;
mod dose;
pub mod fee;
mod index_codes;
pub mod modifier_words;
mod near_codes;
mod pairs;
mod settle;
mod units;

pub use additional::{AdditionalFit, AdditionalNote, mentions as note_mentioned, note_targets};
pub use asks::{Answered, Ask, AskKind};
pub use closer::{CloserCode, fit, numbered_words, polar_words, range_holds};
pub use code_sets::{CodeSetRelease, ReleaseGap};
pub use confidence::{Confidence, Level, Reason};
pub use date_of_service::date_of_service;
pub use dose::{Discarded, DoseFinding, names_container};
pub use index_codes::{IndexFinding, index_findings, with_seventh};
pub use modifier_words::ModifierLead;
pub use near_codes::NearCode;
pub use pairs::{MAX_PAIRED_CODES, PairFinding, PairStatus};
pub use units::{UnitsFinding, units_asked};

use crate::codes::{
    ChildCode, CodeEntry, CodeSystem, MueLimit, NoteKind, PtpCoverage, PtpEdit, Replacement,
    SevenChr, Validity,
};
use crate::date::Date;
use crate::extract::CodeRef;
use serde::Serialize;
use std::collections::BTreeSet;

/// Everything the shell looked up for one question.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// The entries found for the codes referred to (and for the members of ranges, the targets
    /// of ICD-9 mappings and the modifiers).
    pub entries: Vec<CodeEntry>,
    /// Every PTP edit between two of the procedure codes asked about.
    pub ptp: Vec<PtpEdit>,
    /// What each loaded PTP file covers (read when two procedure codes are asked about).
    pub ptp_coverage: Vec<PtpCoverage>,
    /// Ranked codes for the question's words.
    pub suggestions: Vec<Suggestion>,
    /// ICD-9-CM code -> its ICD-10-CM targets and GEM flags.
    pub gems: Vec<(String, Vec<(String, String)>)>,
    /// The releases loaded, oldest import first.
    pub code_sets: Vec<CodeSetRelease>,
    /// Whether a licensed CPT file is loaded (CPT descriptions exist).
    pub cpt_licensed: bool,
    /// Where the Index books lead for a question asking which code (best first).
    pub index: Vec<crate::codes::index::IndexLead>,
    /// For each ICD-10-CM code named: the codes of its category (below it, for a header).
    pub related: Vec<(String, Vec<ChildCode>)>,
    /// Modifiers the question describes in words, or the family of one it names.
    pub modifier_leads: Vec<ModifierLead>,
    /// The "Use additional code" and "Code also" notes of the ICD-10-CM codes named, with the
    /// codes below the codes they point to.
    pub additional: Vec<AdditionalNote>,
}

impl Findings {
    /// The entry of a code, if found.
    pub fn entry(&self, system: CodeSystem, code: &str) -> Option<&CodeEntry> {
        self.entries
            .iter()
            .find(|e| e.system == system && e.code == code)
    }
}

/// A ranked code for the question's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The system.
    pub system: CodeSystem,
    /// The code.
    pub code: String,
    /// Its current description.
    pub description: String,
    /// Billable or header.
    pub billable: bool,
    /// Relevance, highest first.
    pub score: f32,
}

/// The answer to one question.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The date the facts are given for.
    pub date_of_service: Date,
    /// Whether the question named that date (else it is the day of the answer).
    pub date_given: bool,
    /// Each code asked about, in the order first written.
    pub codes: Vec<CodeFinding>,
    /// Ranges asked about (99202-99215), with the codes found in them.
    pub ranges: Vec<RangeFinding>,
    /// The NCCI PTP answer for each pair of procedure codes.
    pub pairs: Vec<PairFinding>,
    /// Modifiers asked about.
    pub modifiers: Vec<ModifierFinding>,
    /// ICD-9-CM codes and their ICD-10-CM candidates.
    pub icd9: Vec<Icd9Finding>,
    /// Suggestions for a question in words (clearly suggestions, not answers): the full-text
    /// fallback, given when the Index leads to no code.
    pub suggestions: Vec<Suggestion>,
    /// The codes the Index and its Tables lead to, checked against the tabular for the date.
    pub index: Vec<IndexFinding>,
    /// Codes the question's words describe better than the ICD-10-CM codes it names.
    pub closer: Vec<CloserCode>,
    /// Codes a named code's "Use additional code" note points to that the words fit.
    pub additional: Vec<AdditionalFit>,
    /// Codes not found, with what was consulted.
    pub unknown: Vec<UnknownCode>,
    /// What the loaded tabular holds near the ICD-10-CM codes not found.
    pub near: Vec<NearCode>,
    /// What the question asks, each settled from the data (the reply opens with these).
    pub asks: Vec<Ask>,
    /// Code sets whose release for the date of service is not loaded.
    pub release_gaps: Vec<ReleaseGap>,
    /// The code-set releases the answer used, as cited: "ICD-10-CM FY2026".
    pub code_sets: Vec<String>,
    /// How sure the answer is, and why.
    pub confidence: Confidence,
    /// Distinct codes, ranges and modifiers past the caps of one answer, not treated.
    pub left_out: usize,
}

/// A note group as the reply shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteGroup {
    /// "Excludes1", "Code first", ...
    pub label: &'static str,
    /// The notes, with the code, section or chapter they stand at.
    pub notes: Vec<NoteLine>,
}

/// One instructional note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteLine {
    /// The note as published.
    pub text: String,
    /// Where it is written (the code itself, or an ancestor).
    pub at: String,
}

/// The MUE of a code as the reply states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MueFinding {
    /// Units allowed.
    pub value: u32,
    /// Adjudication indicator digit.
    pub mai: u8,
    /// As CMS words it.
    pub mai_text: String,
    /// What it means on a claim.
    pub meaning: &'static str,
    /// CMS's rationale.
    pub rationale: String,
    /// Practitioner, hospital, DME.
    pub setting: String,
    /// The table it comes from.
    pub table_from: Date,
}

impl From<&MueLimit> for MueFinding {
    fn from(m: &MueLimit) -> Self {
        MueFinding {
            value: m.value,
            mai: m.mai,
            mai_text: m.mai_text.clone(),
            meaning: m.mai_meaning(),
            rationale: m.rationale.clone(),
            setting: m.setting.clone(),
            table_from: m.valid_from,
        }
    }
}

/// One code asked about, as of the date of service.
#[derive(Debug, Clone, Serialize)]
pub struct CodeFinding {
    /// The system.
    pub system: CodeSystem,
    /// "ICD-10-CM", "HCPCS Level II", ...
    pub system_label: &'static str,
    /// The code in normal form.
    pub code: String,
    /// How the question wrote it.
    pub as_written: String,
    /// The attachment it was read from ("from the attachment NAME"), if not the question's text.
    pub from_attachment: Option<String>,
    /// The official description (none for CPT without a licensed file).
    pub description: Option<String>,
    /// The short description.
    pub short_description: Option<String>,
    /// A plain-language description (licensed CPT files may carry one).
    pub plain_description: Option<String>,
    /// Valid for claims on the date.
    pub billable: bool,
    /// A header: needs more characters.
    pub header: bool,
    /// `valid`, `deleted`, `not-yet-valid`, `no-descriptor`.
    pub status: &'static str,
    /// The status in words.
    pub status_text: String,
    /// The loaded releases do not reach back to the date of service.
    pub before_coverage: bool,
    /// First valid day of the version used.
    pub valid_from: Option<Date>,
    /// Last valid day of the version used.
    pub valid_to: Option<Date>,
    /// The release the text is from.
    pub release: Option<String>,
    /// For a header: the codes one level below.
    pub children: Vec<ChildCode>,
    /// For a header: how many billable codes are below it.
    pub billable_descendants: u32,
    /// When the code is short of its 7th character: where it is defined and its values.
    pub seventh_character: Option<SevenChr>,
    /// Instructional notes that apply (excludes, code first, use additional code, code also).
    pub notes: Vec<NoteGroup>,
    /// What replaced a deleted code.
    pub replaced_by: Vec<Replacement>,
    /// The MUE on the date.
    pub mue: Option<MueFinding>,
    /// Units of service the question gives for this code, against the MUE.
    pub units: Option<UnitsFinding>,
    /// The units a dose in the question comes to, from the descriptor's billing unit.
    pub dose: Option<DoseFinding>,
    /// HCPCS: when it was added.
    pub added: Option<Date>,
    /// Modifiers written on this code (99213-25).
    pub modifiers: Vec<String>,
    /// The Medicare fee schedule's indicators and amounts on the date, when loaded.
    pub fee: Option<fee::FeeFinding>,
}

/// A range asked about.
#[derive(Debug, Clone, Serialize)]
pub struct RangeFinding {
    /// The system.
    pub system: CodeSystem,
    /// First code.
    pub start: String,
    /// Last code.
    pub end: String,
    /// As written.
    pub as_written: String,
    /// The attachment it was read from, if not the question's text.
    pub from_attachment: Option<String>,
    /// The codes found in it: (code, description or null, status).
    pub members: Vec<RangeMember>,
}

/// One code of a range.
#[derive(Debug, Clone, Serialize)]
pub struct RangeMember {
    /// The code.
    pub code: String,
    /// Its description, if loaded.
    pub description: Option<String>,
    /// `valid`, `deleted`, ...
    pub status: &'static str,
}

/// A modifier asked about.
#[derive(Debug, Clone, Serialize)]
pub struct ModifierFinding {
    /// The modifier.
    pub code: String,
    /// Its description, when a file that defines it is loaded.
    pub description: Option<String>,
    /// Where the description comes from ("HCPCS 2025-10", "CPT 2026").
    pub release: Option<String>,
    /// The codes it was written on.
    pub on_codes: Vec<String>,
    /// Whether NCCI accepts it to bypass a PTP edit with indicator 1.
    pub ptp_associated: bool,
    /// Its last valid day, when it was discontinued before the date of service.
    pub ended: Option<Date>,
}

/// An ICD-9-CM code and its ICD-10-CM candidates.
#[derive(Debug, Clone, Serialize)]
pub struct Icd9Finding {
    /// The ICD-9-CM code.
    pub code: String,
    /// How the question wrote it.
    pub as_written: String,
    /// The attachment it was read from, if not the question's text.
    pub from_attachment: Option<String>,
    /// Candidates: code, description, and whether the mapping is approximate.
    pub candidates: Vec<Icd9Candidate>,
}

/// One GEM target.
#[derive(Debug, Clone, Serialize)]
pub struct Icd9Candidate {
    /// The ICD-10-CM code.
    pub code: String,
    /// Its description, if loaded.
    pub description: Option<String>,
    /// The GEM says the match is approximate.
    pub approximate: bool,
    /// The GEM says a combination of codes is needed.
    pub combination: bool,
}

/// A code not found.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownCode {
    /// The system it looks like.
    pub system: CodeSystem,
    /// The code in normal form.
    pub code: String,
    /// How the question wrote it.
    pub as_written: String,
    /// The attachment it was read from, if not the question's text.
    pub from_attachment: Option<String>,
    /// Why nothing is said about it.
    pub reason: String,
}

/// Answers a question from its code references and what the catalog returned.
pub fn answer(text: &str, refs: &[CodeRef], findings: &Findings, today: Date) -> Answer {
    let written = refs.len();
    let kept = caps::keep(refs);
    let refs = kept.refs.as_slice();
    let given = date_of_service(text);
    let date = given.unwrap_or(today);
    // What sits next to a code in the text (units, a dose, "or") is read in the question's
    // text only: an attachment's references point into the attachment's text.
    let in_text: Vec<CodeRef> = refs
        .iter()
        .filter(|r| r.origin.is_none())
        .cloned()
        .collect();
    let units = units_asked(text, &in_text);
    let mut codes: Vec<CodeFinding> = Vec::new();
    let mut ranges = Vec::new();
    let mut icd9 = Vec::new();
    let mut unknown: Vec<UnknownCode> = Vec::new();
    let mut modifiers: Vec<ModifierFinding> = Vec::new();
    let mut seen: BTreeSet<(CodeSystem, String)> = BTreeSet::new();
    for r in refs {
        match r.system {
            CodeSystem::Modifier => {
                if !modifiers.iter().any(|m| m.code == r.code) {
                    modifiers.push(modifier_finding(&r.code, findings, date, refs));
                }
                continue;
            }
            CodeSystem::Icd9Cm => {
                if seen.insert((r.system, r.code.clone())) {
                    icd9.push(icd9_finding(r, findings));
                }
                continue;
            }
            _ => {}
        }
        if let Some(end) = &r.range_end {
            ranges.push(range_finding(r, end, findings, date));
            continue;
        }
        if let Some(existing) = codes
            .iter_mut()
            .find(|c| c.system == r.system && c.code == r.code)
        {
            for m in &r.modifiers {
                if !existing.modifiers.contains(m) {
                    existing.modifiers.push(m.clone());
                }
            }
            continue;
        }
        if !seen.insert((r.system, r.code.clone())) {
            continue;
        }
        match findings.entry(r.system, &r.code) {
            Some(e) => {
                let mut c = code_finding(e, r, date);
                if let Some((_, n)) = units.iter().find(|(code, _)| *code == c.code) {
                    c.units = Some(units::judge(&c.code, *n, c.mue.as_ref()));
                }
                if c.system == CodeSystem::Hcpcs
                    && r.origin.is_none()
                    && text.get(r.start..r.end) == Some(&r.text)
                {
                    // A deleted code is billed as its replacement: the replacement's unit counts.
                    let by: Vec<(String, String)> = if c.status == "deleted" {
                        c.replaced_by
                            .iter()
                            .filter_map(|rep| {
                                let e = findings.entry(c.system, &rep.code)?;
                                Some((rep.code.clone(), e.as_of(date).version?.long_desc.clone()))
                            })
                            .collect()
                    } else {
                        c.description
                            .clone()
                            .map(|d| (c.code.clone(), d))
                            .into_iter()
                            .collect()
                    };
                    c.dose = by.into_iter().find_map(|(code, desc)| {
                        dose::dose_units(text, r.start, &desc).map(|d| DoseFinding { code, ..d })
                    });
                    if let Some(rest) = c.dose.as_mut().and_then(|d| d.discarded.as_mut()) {
                        rest.jw = findings
                            .entry(CodeSystem::Modifier, "JW")
                            .and_then(|e| Some(e.as_of(date).version?.long_desc.clone()));
                    }
                }
                codes.push(c);
            }
            None => unknown.push(UnknownCode {
                system: r.system,
                code: r.code.clone(),
                as_written: r.text.clone(),
                from_attachment: r.origin.clone(),
                reason: unknown_reason(
                    r.system,
                    findings.cpt_licensed,
                    &code_sets::consulted_for_unknown(&findings.code_sets, r.system),
                ),
            }),
        }
    }
    // "99213 or 99214?" offers a choice: no pair billed together, so no bundling check.
    let choices: Vec<(String, String)> = crate::extract::alternatives(text, &in_text)
        .into_iter()
        .map(|(i, j)| (in_text[i].code.clone(), in_text[j].code.clone()))
        .collect();
    let pairs: Vec<PairFinding> =
        pairs::pair_findings(&codes, &findings.ptp, &findings.ptp_coverage, date)
            .into_iter()
            .filter(|p| {
                !choices.iter().any(|(a, b)| {
                    (*a == p.first && *b == p.second) || (*a == p.second && *b == p.first)
                })
            })
            .collect();
    let index = index_findings(&findings.index, findings, text, date);
    // The Index answered when it led to a code, or to a Table column that holds none.
    let index_coded = index
        .iter()
        .any(|f| f.code.is_some() || (f.book_code.is_none() && f.row.is_empty()));
    let suggestions = if codes.is_empty() && ranges.is_empty() && icd9.is_empty() && !index_coded {
        findings.suggestions.clone()
    } else {
        Vec::new()
    };
    let code_sets = code_sets::consulted(
        &findings.code_sets,
        &code_sets::Used {
            codes: &codes,
            unknown: &unknown,
            ranges: &ranges,
            modifiers: &modifiers,
            icd9: &icd9,
            suggestions: &suggestions,
            index: &index,
            pairs: !pairs.is_empty(),
            fee: codes.iter().any(|c| c.fee.is_some()),
        },
    );
    let named: Vec<closer::Named> = codes
        .iter()
        .filter(|c| c.system == CodeSystem::Icd10Cm && (c.billable || c.header))
        .map(|c| closer::Named {
            code: c.code.clone(),
            header: c.header,
            description: c.description.clone().unwrap_or_default(),
        })
        .collect();
    let closer = closer::closer_codes(text, &named, &findings.related);
    let additional = additional::additional_fits(text, &findings.additional);
    let mut kinds = asks::detect(text, refs);
    if !closer.is_empty() && !kinds.contains(&AskKind::WhichCode) {
        kinds.insert(0, AskKind::WhichCode);
    }
    // "E11.621 + ?": the code a note of the named code points to, and its place after it.
    if !additional.is_empty() && !kinds.contains(&AskKind::Sequencing) {
        kinds.insert(0, AskKind::Sequencing);
    }
    // A newer release can change a code that is valid now, an MUE or a PTP edit; a code deleted
    // years ago, a modifier's wording or the final GEMs it does not.
    let mut used_sets: Vec<&str> = codes
        .iter()
        .filter(|c| c.status == "valid")
        .map(|c| code_sets::set_of(c.system))
        .collect();
    if index.iter().any(|f| f.valid) {
        used_sets.push("ICD10CM");
    }
    if codes.iter().any(|c| c.system.is_procedure()) {
        used_sets.push("NCCI-MUE");
    }
    if !pairs.is_empty() {
        used_sets.push("NCCI-PTP");
    }
    // An old fee schedule matters when the question asks how Medicare pays.
    // So does a bundling question about an E/M beside a procedure: its global period answers.
    let em_beside = kinds.contains(&AskKind::Bundling)
        && codes.iter().any(|c| {
            c.system.is_procedure()
                && c.code.starts_with("99")
                && c.fee.as_ref().is_some_and(|f| f.global == "XXX")
        })
        && codes.iter().any(|c| {
            c.fee
                .as_ref()
                .is_some_and(|f| matches!(f.global.as_str(), "000" | "010" | "090"))
        });
    if (kinds.contains(&AskKind::Payment) && codes.iter().any(|c| c.fee.is_some())) || em_beside {
        used_sets.push("MPFS");
    }
    let release_gaps = code_sets::gaps(&findings.code_sets, &used_sets, date);
    for c in &mut codes {
        let set = code_sets::set_of(c.system);
        let first_loaded = findings
            .code_sets
            .iter()
            .filter(|r| r.set == set)
            .map(|r| r.effective_from)
            .min();
        if let Some(first) = first_loaded.filter(|f| date < *f) {
            if c.status == "valid" && !c.before_coverage {
                // Known only from a later release's change list (the FY2026 addenda name G35 as
                // deleted on 2025-10-01): the release in force on the date is not loaded.
                c.before_coverage = true;
                c.status_text = format!(
                    "valid on {date} according to {}, whose files start on {first}; the {} release in force on {date} is not loaded",
                    c.release.as_deref().unwrap_or("the loaded release"),
                    crate::codes::period::release_for(set, date)
                );
            }
        }
        let Some(g) = release_gaps.iter().find(|g| g.set == set) else {
            continue;
        };
        if c.status == "valid" && !c.before_coverage {
            c.status = "past-release";
            c.status_text = format!(
                "{} in {}, which applies through {}; {} applies on {date} and is not loaded",
                if c.header { "a header" } else { "valid" },
                c.release.as_deref().unwrap_or("the loaded release"),
                g.through,
                g.needed
            );
        }
    }
    let unknown_icd: Vec<String> = unknown
        .iter()
        .filter(|u| u.system == CodeSystem::Icd10Cm)
        .map(|u| u.code.clone())
        .collect();
    let near = near_codes::near_codes(text, &unknown_icd, &findings.related);
    let replacements = replacement_facts(&codes, findings, date);
    let asks = settle::settle(
        &kinds,
        &settle::Facts {
            text,
            date,
            codes: &codes,
            pairs: &pairs,
            modifiers: &modifiers,
            icd9: &icd9,
            suggestions: &suggestions,
            index: &index,
            unknown: &unknown,
            gaps: &release_gaps,
            replacements: &replacements,
            fee_loaded: findings.code_sets.iter().any(|r| r.set == "MPFS"),
            closer: &closer,
            additional: &additional,
            near: &near,
            modifier_leads: &findings.modifier_leads,
        },
    );
    let confidence = confidence::judge(
        &confidence::Judged {
            codes: &codes,
            unknown: &unknown,
            ranges: &ranges,
            icd9: &icd9,
            suggestions: &suggestions,
            index: &index,
            asks: &asks,
            gaps: &release_gaps,
        },
        written,
    );
    Answer {
        date_of_service: date,
        date_given: given.is_some(),
        codes,
        ranges,
        pairs,
        modifiers,
        icd9,
        suggestions,
        index,
        closer,
        additional,
        unknown,
        near,
        asks,
        release_gaps,
        code_sets,
        confidence,
        left_out: kept.left_out,
    }
}

fn unknown_reason(system: CodeSystem, cpt_licensed: bool, sets: &str) -> String {
    match system {
        CodeSystem::Cpt if !cpt_licensed => format!(
            "not found in the loaded code sets ({sets}); CPT codes can only be confirmed with a licensed CPT file, which is not loaded"
        ),
        _ => format!("not in the loaded code sets ({sets})"),
    }
}

/// Notes a coder acts on, in the order the tabular list gives them weight.
const NOTE_KINDS: [NoteKind; 8] = [
    NoteKind::Notes,
    NoteKind::InclusionTerm,
    NoteKind::Excludes1,
    NoteKind::Excludes2,
    NoteKind::CodeFirst,
    NoteKind::UseAdditionalCode,
    NoteKind::CodeAlso,
    NoteKind::Includes,
];

/// How many notes of one kind a reply lists.
const NOTES_PER_KIND: usize = 12;

fn code_finding(e: &CodeEntry, r: &CodeRef, date: Date) -> CodeFinding {
    let resolved = e.as_of(date);
    let v = resolved.version;
    let billable = v.is_some_and(|v| v.billable);
    let status_text = match &resolved.validity {
        Validity::Valid if resolved.before_coverage => format!(
            "in the loaded {} release from {}; the loaded releases do not reach back to {date}",
            v.map(|v| v.release.as_str()).unwrap_or(""),
            v.map(|v| v.valid_from.to_string()).unwrap_or_default()
        ),
        Validity::Valid => format!("valid on {date}"),
        Validity::Deleted { last_day } => {
            format!("deleted: valid through {last_day}, not on {date}")
        }
        Validity::NotYetValid { from } => format!("not yet valid on {date}: valid from {from}"),
        Validity::NoDescriptor if e.mue.is_empty() && !e.fee.is_empty() => format!(
            "known as a CPT code from the Medicare fee schedule only; without a licensed CPT file its validity on {date} cannot be confirmed here"
        ),
        Validity::NoDescriptor => format!(
            "known as a CPT code from the NCCI edit files (PTP/MUE) only; without a licensed CPT file its validity on {date} cannot be confirmed here"
        ),
    };
    let notes = NOTE_KINDS
        .iter()
        .filter_map(|kind| {
            let lines = fold_chapter_notes(
                e.notes
                    .iter()
                    .filter(|n| n.kind == *kind)
                    // A chapter's general note (how neoplasms are classified) says nothing of
                    // this code.
                    .filter(|n| !(n.kind == NoteKind::Notes && n.at.starts_with("chapter")))
                    .map(|n| NoteLine {
                        text: n.text.clone(),
                        at: n.at.clone(),
                    })
                    .collect(),
            );
            (!lines.is_empty()).then(|| NoteGroup {
                label: kind.label(),
                notes: lines,
            })
        })
        .collect();
    CodeFinding {
        system: e.system,
        system_label: e.system.label(),
        code: e.code.clone(),
        as_written: r.text.clone(),
        from_attachment: r.origin.clone(),
        description: v.map(|v| v.long_desc.clone()),
        short_description: v.and_then(|v| v.short_desc.clone()),
        plain_description: v.and_then(|v| v.plain_desc.clone()),
        billable,
        header: v.is_some() && !billable,
        status: resolved.validity.as_str(),
        status_text,
        before_coverage: resolved.before_coverage,
        valid_from: v.map(|v| v.valid_from),
        valid_to: v.and_then(|v| v.valid_to),
        release: v.map(|v| v.release.clone()),
        children: if billable {
            Vec::new()
        } else {
            e.children.clone()
        },
        billable_descendants: e.billable_descendants,
        seventh_character: e.seven_chr.clone(),
        notes,
        replaced_by: e.replaced_by.clone(),
        mue: resolved.mue.map(MueFinding::from),
        units: None,
        dose: None,
        added: e.added,
        modifiers: r.modifiers.clone(),
        fee: fee::finding(e, date),
    }
}

/// For each code replacing a deleted one: its descriptor and MUE on `date`, in words.
fn replacement_facts(
    codes: &[CodeFinding],
    findings: &Findings,
    date: Date,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for c in codes {
        for r in &c.replaced_by {
            let Some(e) = findings.entry(c.system, &r.code) else {
                continue;
            };
            let resolved = e.as_of(date);
            let mut facts = resolved
                .version
                .map(|v| v.long_desc.clone())
                .unwrap_or_else(|| "no descriptor loaded".into());
            if let Some(m) = resolved.mue {
                facts.push_str(&format!(
                    "; MUE {} per {}",
                    m.value,
                    if m.mai == 1 { "line" } else { "day" }
                ));
            }
            if !out.iter().any(|(code, _)| *code == r.code) {
                out.push((r.code.clone(), facts));
            }
        }
    }
    out
}

/// Notes written at a chapter apply to thousands of codes and say little of this one: more than
/// two of one kind fold into one line naming their code ranges. At most [`NOTES_PER_KIND`].
fn fold_chapter_notes(lines: Vec<NoteLine>) -> Vec<NoteLine> {
    let (chapter, mut own): (Vec<NoteLine>, Vec<NoteLine>) =
        lines.into_iter().partition(|n| n.at.starts_with("chapter"));
    own.truncate(NOTES_PER_KIND);
    if chapter.len() <= 2 {
        own.extend(
            chapter
                .into_iter()
                .take(NOTES_PER_KIND - own.len().min(NOTES_PER_KIND)),
        );
        return own;
    }
    let ranges: Vec<String> = chapter
        .iter()
        .map(|n| {
            n.text
                .rsplit_once('(')
                .and_then(|(_, r)| r.strip_suffix(')'))
                .map_or_else(|| n.text.clone(), str::to_string)
        })
        .collect();
    own.push(NoteLine {
        text: format!(
            "{} chapter-wide notes: {}",
            chapter.len(),
            ranges.join(", ")
        ),
        at: chapter[0].at.clone(),
    });
    own
}

/// The numbers a numeric CPT range spans (99202-99215), at most `limit` of them.
pub fn range_members(start: &str, end: &str, limit: usize) -> Vec<String> {
    let (Ok(a), Ok(b)) = (start.parse::<u32>(), end.parse::<u32>()) else {
        return Vec::new();
    };
    if start.len() != 5 || end.len() != 5 || b < a || (b - a) as usize >= limit {
        return Vec::new();
    }
    (a..=b).map(|n| format!("{n:05}")).collect()
}

fn range_finding(r: &CodeRef, end: &str, findings: &Findings, date: Date) -> RangeFinding {
    let members = range_members(&r.code, end, 100)
        .into_iter()
        .filter_map(|code| {
            let e = findings.entry(r.system, &code)?;
            let resolved = e.as_of(date);
            Some(RangeMember {
                code,
                description: resolved.version.map(|v| v.long_desc.clone()),
                status: resolved.validity.as_str(),
            })
        })
        .collect();
    RangeFinding {
        system: r.system,
        start: r.code.clone(),
        end: end.to_string(),
        as_written: r.text.clone(),
        from_attachment: r.origin.clone(),
        members,
    }
}

fn modifier_finding(
    code: &str,
    findings: &Findings,
    date: Date,
    refs: &[CodeRef],
) -> ModifierFinding {
    let entry = findings.entry(CodeSystem::Modifier, code);
    let resolved = entry.map(|e| e.as_of(date));
    let v = resolved.as_ref().and_then(|r| r.version);
    let ended = match resolved.as_ref().map(|r| &r.validity) {
        Some(crate::codes::Validity::Deleted { last_day }) => Some(*last_day),
        _ => None,
    };
    ModifierFinding {
        code: code.to_string(),
        description: v.map(|v| v.long_desc.clone()),
        release: v.map(|v| v.release.clone()),
        on_codes: refs
            .iter()
            .filter(|r| r.modifiers.iter().any(|m| m == code))
            .map(|r| r.code.clone())
            .collect(),
        ptp_associated: crate::codes::entry::PTP_BYPASS_MODIFIERS.contains(&code),
        ended,
    }
}

fn icd9_finding(r: &CodeRef, findings: &Findings) -> Icd9Finding {
    let targets = findings
        .gems
        .iter()
        .find(|(c, _)| *c == r.code)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    Icd9Finding {
        code: r.code.clone(),
        as_written: r.text.clone(),
        from_attachment: r.origin.clone(),
        candidates: targets
            .into_iter()
            .filter(|(code, _)| code != "NoDx")
            .map(|(code, flags)| Icd9Candidate {
                description: findings
                    .entry(CodeSystem::Icd10Cm, &code)
                    .and_then(|e| e.latest().map(|v| v.long_desc.clone())),
                approximate: flags.starts_with('1'),
                combination: flags.as_bytes().get(2) == Some(&b'1'),
                code,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
