//! Answers judged from hand-made findings: what a coder must be told.

use super::*;
use crate::codes::{CodeVersion, MueLimit};

mod edit_advice;

/// A billable code below another, as the catalog lists it (the unit tests of the fits share it).
pub(crate) fn billable_child(code: &str, description: &str) -> ChildCode {
    ChildCode {
        code: code.into(),
        description: description.into(),
        billable: true,
    }
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn version(desc: &str, billable: bool, from: &str, to: Option<&str>) -> CodeVersion {
    CodeVersion {
        valid_from: d(from),
        valid_to: to.map(d),
        billable,
        short_desc: None,
        long_desc: desc.into(),
        plain_desc: None,
        release: "test release".into(),
    }
}

fn entry(system: CodeSystem, code: &str, versions: Vec<CodeVersion>) -> CodeEntry {
    CodeEntry {
        system,
        code: code.into(),
        versions,
        added: None,
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

fn cref(system: CodeSystem, code: &str, modifiers: &[&str]) -> CodeRef {
    CodeRef {
        system,
        code: code.into(),
        range_end: None,
        start: 0,
        end: code.len(),
        text: code.into(),
        modifiers: modifiers.iter().map(|m| m.to_string()).collect(),
        origin: None,
    }
}

fn findings() -> Findings {
    let mut cpt = entry(CodeSystem::Cpt, "62322", vec![]);
    cpt.mue = vec![MueLimit {
        setting: "practitioner".into(),
        valid_from: d("2026-04-01"),
        value: 1,
        mai: 3,
        mai_text: "3 Date of Service Edit: Clinical".into(),
        rationale: "Clinical: Data".into(),
    }];
    let mut j1030 = entry(
        CodeSystem::Hcpcs,
        "J1030",
        vec![version(
            "Injection, methylprednisolone acetate, 40 mg",
            true,
            "1982-01-01",
            Some("2024-03-31"),
        )],
    );
    j1030.replaced_by = vec![crate::codes::Replacement {
        code: "J1010".into(),
        effective: d("2024-04-01"),
        inferred: true,
    }];
    Findings {
        entries: vec![
            entry(
                CodeSystem::Icd10Cm,
                "M54.16",
                vec![version(
                    "Radiculopathy, lumbar region",
                    true,
                    "2025-10-01",
                    None,
                )],
            ),
            entry(
                CodeSystem::Icd10Cm,
                "M54.5",
                vec![version("Low back pain", false, "2025-10-01", None)],
            ),
            cpt,
            entry(CodeSystem::Cpt, "99213", vec![]),
            j1030,
        ],
        ptp: vec![PtpEdit {
            setting: "practitioner".into(),
            col1: "62322".into(),
            col2: "99213".into(),
            effective: d("2020-01-01"),
            deletion: None,
            pre_1996: false,
            modifier: 1,
            rationale: "Misuse of column two code with column one code".into(),
        }],
        ptp_coverage: vec![crate::codes::PtpCoverage {
            setting: "practitioner".into(),
            version: "v32.2".into(),
            effective_from: d("2026-07-01"),
            file_name: "ccipra-v322r0-f3.txt".into(),
            col1_first: "60000".into(),
            col1_last: "79999".into(),
            edits: 1,
        }],
        suggestions: vec![],
        gems: vec![],
        code_sets: [
            ("GEMS", "ICD-9/ICD-10 GEMs FY2018", "2017-10-01"),
            ("HCPCS", "HCPCS 2019-01", "2019-01-01"),
            ("HCPCS", "HCPCS 2025-10", "2025-10-01"),
            ("ICD10CM", "ICD-10-CM FY2026", "2025-10-01"),
            ("ICD10PCS", "ICD-10-PCS FY2026", "2025-10-01"),
            ("NCCI-MUE", "NCCI MUEs 2026-04-01", "2026-04-01"),
            ("NCCI-PTP", "NCCI PTP edits v32.2", "2026-07-01"),
        ]
        .into_iter()
        .map(|(set, label, from)| CodeSetRelease {
            set: set.into(),
            label: label.into(),
            effective_from: d(from),
            period_end: crate::codes::period::period_end(set, d(from)),
        })
        .collect(),
        cpt_licensed: false,
        index: Vec::new(),
        related: Vec::new(),
        modifier_leads: Vec::new(),
        additional: Vec::new(),
    }
}

#[test]
fn the_classic_question_gets_edit_modifier_and_mue() {
    let refs = [
        cref(CodeSystem::Cpt, "62322", &[]),
        cref(CodeSystem::Cpt, "99213", &["25"]),
        cref(CodeSystem::Modifier, "25", &[]),
        cref(CodeSystem::Icd10Cm, "M54.16", &[]),
    ];
    let a = answer(
        "Can 62322 be billed with 99213-25? Dx M54.16 DOS 06/02/2026",
        &refs,
        &findings(),
        d("2026-11-26"),
    );
    assert_eq!(a.date_of_service, d("2026-06-02"));
    assert!(a.date_given);
    assert_eq!(a.codes.len(), 3);
    assert_eq!(a.pairs.len(), 1);
    let p = &a.pairs[0];
    assert_eq!(p.status, PairStatus::Active);
    assert_eq!(
        p.bypass,
        Some(true),
        "25 on the E/M column 2 code bypasses indicator 1"
    );
    assert!(
        p.advice.contains("62322 is column 1") && p.advice.contains("99213"),
        "{}",
        p.advice
    );
    let cpt = a.codes.iter().find(|c| c.code == "62322").unwrap();
    assert_eq!(cpt.mue.as_ref().map(|m| m.value), Some(1));
    assert_eq!(cpt.status, "no-descriptor");
    assert_eq!(a.modifiers[0].on_codes, vec!["99213"]);
    assert_eq!(
        a.confidence.level,
        Level::High,
        "{:?}",
        a.confidence.reasons
    );
}

#[test]
fn a_deleted_code_says_when_and_what_replaced_it_and_lowers_confidence() {
    let refs = [cref(CodeSystem::Hcpcs, "J1030", &[])];
    let a = answer("is J1030 still good?", &refs, &findings(), d("2026-01-10"));
    let j = &a.codes[0];
    assert_eq!(j.status, "deleted");
    assert!(j.status_text.contains("2024-03-31"));
    assert_eq!(j.replaced_by[0].code, "J1010");
    assert_eq!(
        a.confidence.level,
        Level::Medium,
        "{:?}",
        a.confidence.reasons
    );
    // Before its termination it is valid.
    let a = answer("DOS 2024-03-01 J1030", &refs, &findings(), d("2026-01-10"));
    assert_eq!(a.codes[0].status, "valid");
}

#[test]
fn unknown_codes_name_what_was_consulted_and_make_it_low() {
    let refs = [
        cref(CodeSystem::Icd10Cm, "Z99.99", &[]),
        cref(CodeSystem::Cpt, "12345", &[]),
    ];
    let a = answer("Z99.99 and 12345?", &refs, &findings(), d("2026-01-10"));
    assert_eq!(a.unknown.len(), 2);
    assert!(a.unknown[0].reason.contains("ICD-10-CM FY2026"));
    assert!(a.unknown[1].reason.contains("licensed CPT file"));
    assert_eq!(a.confidence.level, Level::Low);
}

#[test]
fn a_header_is_not_billable_and_lowers_confidence() {
    let refs = [cref(CodeSystem::Icd10Cm, "M54.5", &[])];
    let a = answer("M54.5 for LBP?", &refs, &findings(), d("2026-01-10"));
    assert!(a.codes[0].header && !a.codes[0].billable);
    assert_eq!(a.confidence.level, Level::Medium);
}

#[test]
fn no_code_gives_suggestions_and_low_confidence() {
    let mut f = findings();
    f.suggestions = vec![Suggestion {
        system: CodeSystem::Icd10Cm,
        code: "E11.9".into(),
        description: "Type 2 diabetes mellitus without complications".into(),
        billable: true,
        score: 3.0,
    }];
    let a = answer(
        "code for type 2 diabetes without complications?",
        &[],
        &f,
        d("2026-01-10"),
    );
    assert_eq!(a.suggestions.len(), 1);
    assert_eq!(a.confidence.level, Level::Low);
    assert_eq!(a.confidence.reasons[0], Reason::OnlySuggestions);
    assert!(
        matches!(&a.confidence.reasons[1], Reason::AskPartlyAnswered { ask, .. } if ask == "which-code"),
        "{:?}",
        a.confidence.reasons
    );
}

#[test]
fn repeated_codes_are_answered_once_with_all_their_modifiers() {
    let refs = [
        cref(CodeSystem::Cpt, "99213", &["25"]),
        cref(CodeSystem::Cpt, "99213", &["57"]),
    ];
    let a = answer("99213-25 or 99213-57", &refs, &findings(), d("2026-01-10"));
    assert_eq!(a.codes.len(), 1);
    assert_eq!(a.codes[0].modifiers, vec!["25", "57"]);
}

/// A reference to `code` where it stands in `text`.
fn cref_in(text: &str, system: CodeSystem, code: &str, modifiers: &[&str]) -> CodeRef {
    let start = text.find(code).unwrap();
    CodeRef {
        start,
        end: start + code.len(),
        origin: None,
        ..cref(system, code, modifiers)
    }
}

#[test]
fn units_asked_are_compared_with_the_mue() {
    let text = "Can we bill 62322 x 2 with 99213-25 x1 on 2026-06-02?";
    let refs = [
        cref_in(text, CodeSystem::Cpt, "62322", &[]),
        cref_in(text, CodeSystem::Cpt, "99213", &["25"]),
        cref(CodeSystem::Modifier, "25", &[]),
    ];
    let a = answer(text, &refs, &findings(), d("2026-11-26"));
    assert_eq!(a.date_of_service, d("2026-06-02"));
    let c = a.codes.iter().find(|c| c.code == "62322").unwrap();
    let u = c.units.as_ref().expect("units read for 62322");
    assert_eq!((u.asked, u.exceeds), (2, Some(true)));
    assert!(
        u.judgement
            .starts_with("2 units exceed the MUE of 1 per day (indicator 3"),
        "{}",
        u.judgement
    );
    // 99213 has no MUE in these findings: said so, not judged.
    let e = a.codes.iter().find(|c| c.code == "99213").unwrap();
    let u = e.units.as_ref().expect("units read for 99213");
    assert_eq!((u.asked, u.exceeds), (1, None));
    assert!(u.judgement.contains("no MUE for 99213"), "{}", u.judgement);
    // A question without units gets no units line.
    let text = "62322 and 99213?";
    let refs = [
        cref_in(text, CodeSystem::Cpt, "62322", &[]),
        cref_in(text, CodeSystem::Cpt, "99213", &[]),
    ];
    let a = answer(text, &refs, &findings(), d("2026-11-26"));
    assert!(a.codes.iter().all(|c| c.units.is_none()));
}

#[test]
fn a_cpt_code_known_only_from_ncci_is_paired_and_said_to_lack_a_descriptor() {
    let refs = [
        cref(CodeSystem::Cpt, "62322", &[]),
        cref(CodeSystem::Cpt, "99213", &[]),
    ];
    let a = answer("62322 with 99213", &refs, &findings(), d("2026-06-02"));
    assert!(a.unknown.is_empty());
    let c = a.codes.iter().find(|c| c.code == "99213").unwrap();
    assert_eq!(c.status, "no-descriptor");
    assert!(c.description.is_none());
    assert!(
        c.status_text
            .contains("known as a CPT code from the NCCI edit files (PTP/MUE) only"),
        "{}",
        c.status_text
    );
    assert_eq!(a.pairs.len(), 1);
    assert_eq!(a.pairs[0].status, PairStatus::Active);
}

#[test]
fn only_the_code_sets_the_answer_used_are_cited() {
    // ICD-10-CM and CPT with a pair: ICD-10-CM, NCCI PTP and MUE; the modifier was looked for
    // in the HCPCS modifier list. Not the GEMs, not PCS, not the older HCPCS release.
    let refs = [
        cref(CodeSystem::Cpt, "62322", &[]),
        cref(CodeSystem::Cpt, "99213", &["25"]),
        cref(CodeSystem::Modifier, "25", &[]),
        cref(CodeSystem::Icd10Cm, "M54.16", &[]),
    ];
    let a = answer(
        "62322, 99213-25, M54.16",
        &refs,
        &findings(),
        d("2026-06-02"),
    );
    assert_eq!(
        a.code_sets,
        [
            "HCPCS 2025-10",
            "ICD-10-CM FY2026",
            "NCCI MUEs 2026-04-01",
            "NCCI PTP edits v32.2"
        ]
    );
    // One ICD-10-CM code: only ICD-10-CM.
    let refs = [cref(CodeSystem::Icd10Cm, "M54.16", &[])];
    let a = answer("M54.16?", &refs, &findings(), d("2026-06-02"));
    assert_eq!(a.code_sets, ["ICD-10-CM FY2026"]);
    // One HCPCS code: its release and the MUE table, no PTP (no pair was checked).
    let refs = [cref(CodeSystem::Hcpcs, "J1030", &[])];
    let a = answer("J1030?", &refs, &findings(), d("2026-06-02"));
    assert_eq!(a.code_sets, ["HCPCS 2025-10", "NCCI MUEs 2026-04-01"]);
    // ICD-9: the GEMs and the ICD-10-CM targets.
    let mut f = findings();
    f.gems = vec![("724.4".into(), vec![("M54.16".into(), "10000".into())])];
    let refs = [cref(CodeSystem::Icd9Cm, "724.4", &[])];
    let a = answer("724.4 in ICD-10?", &refs, &f, d("2026-06-02"));
    assert_eq!(
        a.code_sets,
        ["ICD-9/ICD-10 GEMs FY2018", "ICD-10-CM FY2026"]
    );
    // An unknown CPT code names what was consulted for it: the NCCI tables.
    let refs = [cref(CodeSystem::Cpt, "12345", &[])];
    let a = answer("12345?", &refs, &findings(), d("2026-06-02"));
    assert!(
        a.unknown[0]
            .reason
            .contains("(NCCI MUEs 2026-04-01, NCCI PTP edits v32.2)"),
        "{}",
        a.unknown[0].reason
    );
    assert_eq!(
        a.code_sets,
        ["NCCI MUEs 2026-04-01", "NCCI PTP edits v32.2"]
    );
}

fn coverage(first: &str, last: &str, from: &str) -> crate::codes::PtpCoverage {
    crate::codes::PtpCoverage {
        setting: "practitioner".into(),
        version: "v32.2".into(),
        effective_from: d(from),
        file_name: "ccipra-v322r0-f1.txt".into(),
        col1_first: first.into(),
        col1_last: last.into(),
        edits: 154,
    }
}

fn two_codes_without_an_edit(cov: Vec<crate::codes::PtpCoverage>, date: &str) -> Answer {
    let mut f = findings();
    f.ptp.clear();
    f.ptp_coverage = cov;
    let refs = [
        cref(CodeSystem::Cpt, "62322", &[]),
        cref(CodeSystem::Cpt, "99213", &[]),
    ];
    answer("can 62322 be billed with 99213?", &refs, &f, d(date))
}

#[test]
fn no_edit_outside_the_loaded_ptp_range_is_not_called_unbundled() {
    let a = two_codes_without_an_edit(vec![coverage("0001A", "0001U", "2026-07-01")], "2026-08-03");
    let p = &a.pairs[0];
    assert_eq!(p.status, PairStatus::NotCovered);
    assert!(!p.advice.contains("does not bundle"), "{}", p.advice);
    assert!(
        p.advice.contains("does not cover 62322 or 99213") && p.advice.contains("0001A-0001U"),
        "{}",
        p.advice
    );
    let bundling = a.asks.iter().find(|x| x.kind == AskKind::Bundling).unwrap();
    assert_eq!(bundling.answered, Answered::No);
    assert_eq!(a.confidence.level, Level::Low);
}

#[test]
fn no_edit_inside_the_loaded_ptp_range_is_a_complete_answer() {
    let a = two_codes_without_an_edit(vec![coverage("60000", "99999", "2026-07-01")], "2026-08-03");
    let p = &a.pairs[0];
    assert_eq!(p.status, PairStatus::NoEdit);
    assert!(
        p.advice.contains("NCCI PTP does not bundle them") && p.advice.contains("v32.2"),
        "{}",
        p.advice
    );
    let bundling = a.asks.iter().find(|x| x.kind == AskKind::Bundling).unwrap();
    assert_eq!(bundling.answered, Answered::Yes);
}

#[test]
fn no_edit_in_a_quarter_whose_edits_are_not_loaded_cannot_be_settled() {
    let a = two_codes_without_an_edit(vec![coverage("60000", "99999", "2026-07-01")], "2026-12-07");
    let p = &a.pairs[0];
    assert_eq!(p.status, PairStatus::NotCovered);
    assert!(p.advice.contains("2026 Q4"), "{}", p.advice);
    let a = two_codes_without_an_edit(vec![], "2026-08-03");
    assert_eq!(a.pairs[0].status, PairStatus::NotCovered);
    assert!(a.pairs[0].advice.contains("no NCCI PTP file is loaded"));
}

#[test]
fn a_date_past_the_fiscal_year_is_not_called_valid() {
    let refs = [cref(CodeSystem::Icd10Cm, "M54.16", &[])];
    let a = answer("is M54.16 valid?", &refs, &findings(), d("2026-12-07"));
    let c = &a.codes[0];
    assert_eq!(c.status, "past-release");
    assert!(
        !c.status_text.contains("valid on 2026-12-07"),
        "{}",
        c.status_text
    );
    assert!(
        c.status_text.contains("2026-09-30") && c.status_text.contains("FY2027"),
        "{}",
        c.status_text
    );
    assert_eq!(a.release_gaps.len(), 1);
    assert!(
        a.release_gaps[0]
            .text
            .contains("ICD-10-CM FY2027 applies on 2026-12-07 and is not loaded")
    );
    assert_eq!(a.confidence.level, Level::Low);
    // Inside the year it is valid, and high.
    let a = answer("is M54.16 valid?", &refs, &findings(), d("2026-09-30"));
    assert_eq!(a.codes[0].status, "valid");
    assert_eq!(
        a.confidence.level,
        Level::High,
        "{:?}",
        a.confidence.reasons
    );
    assert!(a.asks[0].answer[0].contains("M54.16 is valid on 2026-09-30"));
}

fn drug(code: &str, desc: &str, mue: u32, rationale: &str) -> CodeEntry {
    let mut e = entry(
        CodeSystem::Hcpcs,
        code,
        vec![version(desc, true, "2025-10-01", None)],
    );
    e.mue = vec![MueLimit {
        setting: "practitioner".into(),
        valid_from: d("2025-10-01"),
        value: mue,
        mai: 3,
        mai_text: "3 Date of Service Edit: Clinical".into(),
        rationale: rationale.into(),
    }];
    e
}

#[test]
fn a_dose_is_turned_into_units_and_answered_first() {
    let mut f = findings();
    f.entries.push(drug(
        "J1100",
        "Injection, dexamethasone sodium phosphate, 1 mg",
        120,
        "Clinical: Data",
    ));
    let text = "dexamethasone 10 mg: how many units of J1100?";
    let at = text.find("J1100").unwrap();
    let refs = [CodeRef {
        start: at,
        end: at + 5,
        origin: None,
        ..cref(CodeSystem::Hcpcs, "J1100", &[])
    }];
    let a = answer(text, &refs, &f, d("2025-11-03"));
    assert_eq!(a.codes[0].dose.as_ref().map(|d| d.units), Some(10));
    let units = a.asks.iter().find(|x| x.kind == AskKind::Units).unwrap();
    assert_eq!(units.answered, Answered::Yes);
    assert_eq!(units.answer[0], "J1100 is per 1 mg: 10 mg is 10 units.");
    assert!(
        units.answer[1].contains("MUE of J1100 is 120"),
        "{:?}",
        units.answer
    );
}

#[test]
fn an_mue_of_zero_says_not_payable_on_that_claim_with_its_rationale() {
    let mut f = findings();
    f.entries.push(drug(
        "E0601",
        "Continuous positive airway pressure (cpap) device",
        0,
        "CMS Policy",
    ));
    let refs = [cref(CodeSystem::Hcpcs, "E0601", &[])];
    let a = answer("max units E0601?", &refs, &f, d("2025-11-03"));
    let units = a.asks.iter().find(|x| x.kind == AskKind::Units).unwrap();
    assert!(
        units
            .answer
            .iter()
            .any(|s| s.contains("MUE of E0601 is 0 (CMS Policy)")
                && s.contains("not payable on a practitioner claim")),
        "{:?}",
        units.answer
    );
}

#[test]
fn coverage_and_payment_asks_say_where_the_answer_lives_and_hold_the_answer() {
    let refs = [cref(CodeSystem::Icd10Cm, "M54.16", &[])];
    let a = answer(
        "is an MRI covered for M54.16, what's the frequency limit?",
        &refs,
        &findings(),
        d("2026-01-10"),
    );
    let cov = a.asks.iter().find(|x| x.kind == AskKind::Coverage).unwrap();
    assert_eq!(cov.answered, Answered::No);
    assert!(cov.because[0].contains("Medicare Coverage Database"));
    assert_eq!(a.confidence.level, Level::Low);
    assert!(
        a.confidence
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::AskNotAnswered { ask, .. } if ask == "coverage"))
    );
}

/// References to CPT codes at their place in `text`.
fn cpt_refs_in(text: &str, codes: &[&str]) -> Vec<CodeRef> {
    codes
        .iter()
        .map(|c| {
            let at = text.find(c).unwrap();
            CodeRef {
                start: at,
                end: at + c.len(),
                origin: None,
                ..cref(CodeSystem::Cpt, c, &[])
            }
        })
        .collect()
}

#[test]
fn codes_offered_as_alternatives_are_not_checked_as_a_pair() {
    let text = "is it 99213 or 62322 for this visit?";
    let refs = cpt_refs_in(text, &["99213", "62322"]);
    let a = answer(text, &refs, &findings(), d("2026-06-02"));
    assert!(a.pairs.is_empty(), "{:?}", a.pairs);
    let text = "can 99213 be billed with 62322?";
    let refs = cpt_refs_in(text, &["99213", "62322"]);
    let a = answer(text, &refs, &findings(), d("2026-06-02"));
    assert_eq!(a.pairs.len(), 1);
}
