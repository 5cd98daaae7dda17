//! The PTP advice a coder gets for each modifier indicator, for an edit not yet in force and for
//! a modifier written on the wrong code, and the confidence levels for too many codes and for a
//! date before the loaded releases.

use super::*;

/// The classic pair with the fixture's edit changed by `change`, asked as `question`.
fn pair(
    question: &str,
    col1_mods: &[&str],
    col2_mods: &[&str],
    change: impl Fn(&mut PtpEdit),
) -> PairFinding {
    let mut f = findings();
    change(&mut f.ptp[0]);
    let refs = [
        cref(CodeSystem::Cpt, "62322", col1_mods),
        cref(CodeSystem::Cpt, "99213", col2_mods),
    ];
    let a = answer(question, &refs, &f, d("2026-11-26"));
    assert_eq!(a.pairs.len(), 1);
    a.pairs[0].clone()
}

#[test]
fn indicator_0_says_no_modifier_helps_even_when_one_is_written() {
    let p = pair("62322 with 99213-59 DOS 08/03/2026?", &[], &["59"], |e| {
        e.modifier = 0
    });
    assert_eq!(p.status, PairStatus::Active);
    assert_eq!(p.bypass, Some(false), "59 cannot bypass indicator 0");
    assert!(
        p.advice.contains("Modifier indicator 0 (not allowed)")
            && p.advice
                .contains("no modifier allows 99213 to be paid with 62322")
            && p.advice.contains("report 62322 only"),
        "{}",
        p.advice
    );
    assert!(!p.advice.contains("accepts"), "{}", p.advice);
}

#[test]
fn indicator_9_says_the_edit_does_not_apply() {
    let p = pair("62322 with 99213 DOS 08/03/2026?", &[], &[], |e| {
        e.modifier = 9
    });
    assert_eq!(p.status, PairStatus::Active);
    assert!(
        p.advice.contains("Modifier indicator 9 (not applicable)")
            && p.advice.contains("does not apply"),
        "{}",
        p.advice
    );
    assert_eq!(
        p.modifier_meaning,
        Some(p.edit.as_ref().unwrap().modifier_meaning())
    );
}

#[test]
fn an_edit_not_yet_in_force_applies_no_edit_on_the_date() {
    let p = pair("62322 with 99213-25 DOS 08/03/2026?", &[], &["25"], |e| {
        e.effective = d("2027-01-01")
    });
    assert_eq!(p.status, PairStatus::NotYetEffective);
    assert_eq!(p.bypass, None, "no edit in force, so no modifier is judged");
    assert!(
        p.advice
            .contains("takes effect on 2027-01-01, after 2026-08-03")
            && p.advice.contains("no edit applies on that date"),
        "{}",
        p.advice
    );
}

#[test]
fn a_bypass_modifier_on_column_1_is_moved_to_column_2() {
    let p = pair("62322-59 with 99213 DOS 08/03/2026?", &["59"], &[], |_| {});
    assert_eq!(p.bypass, Some(true));
    assert!(
        p.advice.contains("it belongs on 99213, not on 62322"),
        "{}",
        p.advice
    );
    let right = pair("62322 with 99213-59 DOS 08/03/2026?", &[], &["59"], |_| {});
    assert!(!right.advice.contains("belongs on"), "{}", right.advice);
}

#[test]
fn more_than_the_reference_limit_makes_the_answer_low() {
    let f = findings();
    let refs = [cref(CodeSystem::Icd10Cm, "M54.16", &[])];
    let a = answer("M54.16 valid on 08/03/2026?", &refs, &f, d("2026-11-26"));
    assert_eq!(
        a.confidence.level,
        Level::High,
        "{:?}",
        a.confidence.reasons
    );
    let judged = |count| {
        confidence::judge(
            &confidence::Judged {
                codes: &a.codes,
                unknown: &[],
                ranges: &[],
                icd9: &[],
                suggestions: &[],
                index: &[],
                asks: &[],
                gaps: &[],
            },
            count,
        )
    };
    let at_limit = judged(confidence::TOO_MANY_REFERENCES);
    assert_eq!(at_limit.level, Level::High);
    let over = judged(confidence::TOO_MANY_REFERENCES + 1);
    assert_eq!(over.level, Level::Low);
    assert!(over.reasons.contains(&confidence::Reason::TooManyCodes {
        count: confidence::TOO_MANY_REFERENCES + 1
    }));
}

#[test]
fn a_date_before_the_loaded_releases_is_medium_and_says_so() {
    let refs = [cref(CodeSystem::Icd10Cm, "M54.16", &[])];
    let a = answer(
        "Was M54.16 valid on 06/01/2019?",
        &refs,
        &findings(),
        d("2026-11-26"),
    );
    assert_eq!(a.date_of_service, d("2019-06-01"));
    let c = &a.codes[0];
    assert!(c.before_coverage, "{}", c.status_text);
    assert_eq!(
        a.confidence.level,
        Level::Medium,
        "{:?}",
        a.confidence.reasons
    );
    assert!(
        a.confidence
            .reasons
            .contains(&confidence::Reason::DateNotCovered {
                codes: vec!["M54.16".into()]
            }),
        "{:?}",
        a.confidence.reasons
    );
}
