//! Settles each ask from the answer's findings: the sentences that answer it (only facts from
//! the loaded data), or why the data cannot, naming where the answer lives. Pure.

use super::asks::{Answered, Ask, AskKind};
use super::{
    CodeFinding, Icd9Finding, ModifierFinding, PairFinding, PairStatus, ReleaseGap, Suggestion,
    UnknownCode, code_sets::set_of,
};
use crate::codes::{CodeSystem, NoteKind};
use crate::date::Date;

/// What the asks are settled from.
pub struct Facts<'a> {
    /// The question's new text.
    pub text: &'a str,
    /// The date of service.
    pub date: Date,
    /// Codes found.
    pub codes: &'a [CodeFinding],
    /// Pairs of procedure codes.
    pub pairs: &'a [PairFinding],
    /// Modifiers asked about.
    pub modifiers: &'a [ModifierFinding],
    /// ICD-9-CM codes.
    pub icd9: &'a [Icd9Finding],
    /// Suggestions for words.
    pub suggestions: &'a [Suggestion],
    /// Codes the Index walk led to.
    pub index: &'a [super::IndexFinding],
    /// Codes not found.
    pub unknown: &'a [UnknownCode],
    /// Code sets whose release for the date is not loaded.
    pub gaps: &'a [ReleaseGap],
    /// Replacement codes of deleted codes, with their descriptor and MUE in words.
    pub replacements: &'a [(String, String)],
    /// Whether a Medicare fee schedule is loaded.
    pub fee_loaded: bool,
    /// Codes the question's words describe better than the codes it names.
    pub closer: &'a [super::CloserCode],
    /// Codes a named code's "Use additional code" note points to that the words fit.
    pub additional: &'a [super::AdditionalFit],
    /// What the loaded tabular holds near the ICD-10-CM codes not found.
    pub near: &'a [super::NearCode],
    /// Modifiers the question describes in words, or the family of one it names.
    pub modifier_leads: &'a [super::ModifierLead],
}

/// Where coverage answers live.
const COVERAGE_SOURCE: &str = "Coverage, medical necessity and frequency limits are set by Medicare's National and Local Coverage Determinations (the Medicare Coverage Database) or the payer's own policy; codedesk does not load them";
/// Where payment-rule answers live.
const PAYMENT_SOURCE: &str = "Global periods, bilateral (50), PC/TC (26/TC), assistant-at-surgery and co-surgeon rules are in the Medicare Physician Fee Schedule relative value file (PPRRVU), which is not loaded";
/// Where sequencing answers live.
const GUIDELINES_SOURCE: &str = "Sequencing follows the ICD-10-CM Official Guidelines for Coding and Reporting (Section I.B and the chapter guidelines in I.C; Section II inpatient, Section IV outpatient), which are not in the code files";
/// What is said of a CPT modifier without a licensed CPT file ("Modifier 59" + this).
const CPT_MODIFIER_UNDESCRIBED: &str =
    " is a CPT modifier: its description comes only from a licensed CPT file.";
/// Where modifier answers live.
const MODIFIER_SOURCE: &str = "Whether a modifier is right depends on the documentation and on the CPT book's modifier rules and the NCCI Policy Manual (Chapter I), which are not in the code files";

/// Settles every ask.
pub fn settle(kinds: &[AskKind], f: &Facts) -> Vec<Ask> {
    let mut asks: Vec<Ask> = kinds
        .iter()
        .map(|kind| match kind {
            AskKind::Validity => validity(f),
            AskKind::Bundling => bundling(f),
            AskKind::Units => units(f),
            AskKind::Modifier => modifier(f),
            AskKind::SeventhCharacter => seventh(f),
            AskKind::Sequencing => sequencing(f),
            AskKind::Coverage => coverage(f),
            AskKind::Payment => {
                super::fee::payment_ask(f.text, f.codes, &bare(f), f.fee_loaded, PAYMENT_SOURCE)
            }
            AskKind::Icd9Mapping => icd9(f),
            AskKind::WhichCode => which_code(f),
            AskKind::Other => not_in_data(
                AskKind::Other,
                Vec::new(),
                "codedesk could not tell what is asked beyond the codes; a person will read it",
            ),
        })
        .collect();
    // The bundling answer already says what each edit's modifier indicator allows.
    if kinds.contains(&AskKind::Bundling) {
        for a in asks.iter_mut().filter(|a| a.kind == AskKind::Modifier) {
            a.answer.retain(|s| !s.starts_with("For "));
        }
    }
    // The payment answer already gives the fee-schedule sentences a modifier ask would repeat.
    let paid: Vec<String> = asks
        .iter()
        .filter(|a| a.kind == AskKind::Payment)
        .flat_map(|a| a.answer.clone())
        .collect();
    let bundled: Vec<String> = asks
        .iter()
        .filter(|a| a.kind == AskKind::Bundling)
        .flat_map(|a| a.answer.clone())
        .collect();
    for a in asks
        .iter_mut()
        .filter(|a| matches!(a.kind, AskKind::Modifier | AskKind::Coverage))
    {
        a.answer
            .retain(|s| !paid.contains(s) && !bundled.contains(s));
    }
    // "Modifier 50 is a CPT modifier" says nothing once the fee schedule has said how 50 is used.
    let said: String = asks
        .iter()
        .flat_map(|a| a.answer.iter())
        .filter(|s| !s.starts_with("Modifier "))
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    for a in asks.iter_mut().filter(|a| a.kind == AskKind::Modifier) {
        a.answer.retain(|s| {
            let Some(code) = s
                .strip_prefix("Modifier ")
                .and_then(|r| r.strip_suffix(CPT_MODIFIER_UNDESCRIBED))
            else {
                return true;
            };
            !(said.contains(&format!("modifier {code}"))
                || said.contains(&format!("modifiers {code}"))
                || said.contains(&format!(" {code} for "))
                || said.contains(&format!("({code})")))
        });
    }
    asks
}

fn ask(kind: AskKind, codes: Vec<String>) -> Ask {
    Ask {
        kind,
        codes,
        answered: Answered::Yes,
        answer: Vec::new(),
        because: Vec::new(),
    }
}

fn not_in_data(kind: AskKind, codes: Vec<String>, why: &str) -> Ask {
    let mut a = ask(kind, codes);
    a.answered = Answered::No;
    a.because.push(format!("{why}."));
    a
}

/// Coverage lives in the NCDs and LCDs; the fee schedule's status says only when Medicare does
/// not pay a code under the fee schedule at all (bundled, non-covered, excluded, not valid).
fn coverage(f: &Facts) -> Ask {
    let mut a = not_in_data(
        AskKind::Coverage,
        f.codes.iter().map(|c| c.code.clone()).collect(),
        COVERAGE_SOURCE,
    );
    for c in f.codes {
        let Some(fee) = &c.fee else { continue };
        if matches!(fee.status.as_str(), "B" | "N" | "I" | "X" | "E" | "P") {
            a.answer.push(format!(
                "{}: status {} in the {}: {}.",
                c.code,
                fee.status,
                fee.cited,
                crate::codes::fee_words::status(&fee.status).unwrap_or("")
            ));
            a.answered = Answered::Partly;
        }
    }
    a
}

/// Modifiers written alone, on no code.
fn bare<'a>(f: &Facts<'a>) -> Vec<&'a str> {
    f.modifiers
        .iter()
        .filter(|m| m.on_codes.is_empty())
        .map(|m| m.code.as_str())
        .collect()
}

fn procedure_codes(f: &Facts) -> Vec<String> {
    f.codes
        .iter()
        .filter(|c| c.system.is_procedure())
        .map(|c| c.code.clone())
        .collect()
}

/// Lowers `a.answered` to `to` if that is lower.
fn lower(a: &mut Ask, to: Answered) {
    a.answered = a.answered.min(to);
}

fn gap_for<'a>(f: &'a Facts, system: CodeSystem) -> Option<&'a ReleaseGap> {
    f.gaps.iter().find(|g| g.set == set_of(system))
}

fn list(codes: &[String], max: usize) -> String {
    let mut s = codes
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > max {
        s.push_str(&format!(" and {} more", codes.len() - max));
    }
    s
}

fn validity(f: &Facts) -> Ask {
    let mut a = ask(
        AskKind::Validity,
        f.codes
            .iter()
            .map(|c| c.code.clone())
            .chain(f.unknown.iter().map(|u| u.code.clone()))
            .collect(),
    );
    for c in f.codes {
        let release = c.release.as_deref().unwrap_or("the loaded release");
        match c.status {
            "valid" if c.before_coverage => {
                a.answer.push(format!("{}: {}.", c.code, c.status_text));
                lower(&mut a, Answered::Partly);
            }
            "past-release" if gap_for(f, c.system).is_some() => {
                let g = gap_for(f, c.system).expect("checked");
                a.answer.push(format!(
                    "{} is {} in {release}, the newest loaded release, which applies through {}.",
                    c.code,
                    if c.header {
                        "a header (not billable)"
                    } else {
                        "valid"
                    },
                    g.through
                ));
                lower(&mut a, Answered::Partly);
            }
            "valid" if c.header => {
                let billable: Vec<String> = c.children.iter().map(|k| k.code.clone()).collect();
                if billable.is_empty() {
                    a.answer.push(format!(
                        "{} is a header in {release}, not valid for reporting on {}: a more specific code is needed.",
                        c.code, f.date
                    ));
                } else {
                    a.answer.push(format!(
                        "{} is a header in {release}, not valid for reporting on {}: use {} ({} billable code{} below it).",
                        c.code,
                        f.date,
                        or_list(&billable, 8),
                        c.billable_descendants,
                        if c.billable_descendants == 1 { "" } else { "s" }
                    ));
                }
            }
            "valid" => a
                .answer
                .push(format!("{} is valid on {} ({release}).", c.code, f.date)),
            "deleted" => {
                let mut s = format!(
                    "{} was deleted: valid through {}, not on {}",
                    c.code,
                    c.valid_to.map(|d| d.to_string()).unwrap_or_default(),
                    f.date
                );
                if !c.replaced_by.is_empty() {
                    let by: Vec<String> = c
                        .replaced_by
                        .iter()
                        .map(
                            |r| match f.replacements.iter().find(|(code, _)| *code == r.code) {
                                Some((code, facts)) => format!("{code} ({facts})"),
                                None => r.code.clone(),
                            },
                        )
                        .collect();
                    s.push_str(&format!("; replaced by {}", or_list(&by, 6)));
                }
                s.push('.');
                a.answer.push(s);
            }
            "not-yet-valid" => a.answer.push(format!(
                "{} is not yet valid on {}: {}.",
                c.code, f.date, c.status_text
            )),
            _ => {
                a.answer.push(format!(
                    "{} appears in the NCCI files, but without a licensed CPT file its validity and descriptor cannot be confirmed.",
                    c.code
                ));
                lower(&mut a, Answered::Partly);
            }
        }
    }
    for u in f.unknown {
        a.answer.push(format!(
            "{} is in none of the loaded files ({}); it may have been deleted before them, or not be a {} code.",
            u.code,
            u.reason
                .split_once('(')
                .and_then(|(_, r)| r.split_once(')'))
                .map(|(r, _)| r)
                .unwrap_or("the loaded code sets"),
            u.system.label()
        ));
        if let Some(n) = f.near.iter().find(|n| n.asked == u.code) {
            a.answer.extend(super::near_codes::sentences(n));
        }
        lower(&mut a, Answered::Partly);
    }
    if a.answer.is_empty() {
        lower(&mut a, Answered::No);
        a.because
            .push("No code in the question was found to check.".into());
    }
    a
}

fn or_list(codes: &[String], max: usize) -> String {
    match codes.len() {
        0 => String::new(),
        1 => codes[0].clone(),
        n if n <= max => format!("{} or {}", codes[..n - 1].join(", "), codes[n - 1]),
        _ => list(codes, max),
    }
}

fn bundling(f: &Facts) -> Ask {
    let mut a = ask(AskKind::Bundling, procedure_codes(f));
    if f.pairs.is_empty() {
        lower(&mut a, Answered::No);
        a.because.push(
            "Fewer than two of the procedure codes were found in the loaded files, so no pair could be checked against the NCCI edits.".into(),
        );
        return a;
    }
    let mut covered = 0;
    // Pairs the loaded edits cannot settle for one reason are said once: (pairs, reason).
    let mut uncovered: Vec<(Vec<String>, &str)> = Vec::new();
    for p in f.pairs {
        if p.status == PairStatus::NotCovered {
            let pair = format!("{} and {}", p.first, p.second);
            match &p.unsettled {
                Some(why) => match uncovered.iter_mut().find(|(_, w)| w == why) {
                    Some((pairs, _)) => pairs.push(pair),
                    None => uncovered.push((vec![pair], why)),
                },
                None => a.because.push(p.advice.clone()),
            }
        } else {
            covered += 1;
            a.answer.push(p.advice.trim().to_string());
        }
    }
    for (pairs, why) in uncovered {
        let named = match pairs.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => pairs.concat(),
        };
        a.because.push(format!(
            "Cannot say whether NCCI bundles {named}: {why}. {}",
            super::pairs::PTP_CHECK
        ));
    }
    // "62322 with 99213-25": the procedure's global period says what the E/M takes, whatever
    // the NCCI edits hold.
    let hints = if f.codes.iter().any(|c| super::pairs::is_em(&c.code)) {
        super::fee::em_beside_procedures(f.codes)
    } else {
        Vec::new()
    };
    if covered == 0 {
        lower(
            &mut a,
            if hints.is_empty() {
                Answered::No
            } else {
                Answered::Partly
            },
        );
    } else if covered < f.pairs.len() {
        lower(&mut a, Answered::Partly);
    }
    a.answer.extend(hints);
    a
}

/// The discarded part of a single-dose container: how many units, the JW line, and where the
/// rule that asks for it lives.
fn discarded_sentence(code: &str, rest: &super::Discarded) -> String {
    let n = rest.units;
    let units = format!("{n} unit{}", if n == 1 { "" } else { "s" });
    let jw = match &rest.jw {
        Some(d) => format!("modifier JW ({d})"),
        None => "modifier JW".to_string(),
    };
    format!(
        "The {} container held {units} of {code} more than that: the discarded {units} go on a second line of {code} with {jw}, when the payer follows Medicare's discarded-drug policy (Medicare Claims Processing Manual, Chapter 17, section 40, not in the code files); the documentation must show the amount discarded.",
        rest.container
    )
}

fn units(f: &Facts) -> Ask {
    let mut a = ask(AskKind::Units, procedure_codes(f));
    let mut any = false;
    // "What is the MUE", "max units": the MUE itself is the answer.
    let text = f.text.to_lowercase();
    let asks_cap =
        ["mue", "max", "limit"].iter().any(|w| text.contains(w)) && !text.contains("how many");
    let timed = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w, "min" | "mins" | "minute" | "minutes"));
    for c in f.codes.iter().filter(|c| c.system.is_procedure()) {
        let mut full = false;
        if let Some(d) = &c.dose {
            let units = format!("{} unit{}", d.units, if d.units == 1 { "" } else { "s" });
            a.answer.push(if d.code == c.code {
                format!("{} is per {}: {} is {units}.", c.code, d.per, d.dose)
            } else if c.replaced_by.len() > 1 {
                let by: Vec<String> = c.replaced_by.iter().map(|r| r.code.clone()).collect();
                format!(
                    "{} was replaced by {} (which one depends on the product given: see their descriptions); {} is per {}: {} is {units} of {}.",
                    c.code,
                    or_list(&by, 8),
                    d.code,
                    d.per,
                    d.dose,
                    d.code
                )
            } else {
                format!(
                    "{} was replaced by {}, which is per {}: {} is {units} of {}.",
                    c.code, d.code, d.per, d.dose, d.code
                )
            });
            if let Some(rest) = &d.discarded {
                a.answer.push(discarded_sentence(&d.code, rest));
            }
            full = true;
        }
        if let Some(u) = &c.units {
            a.answer.push(format!("{}: {}", c.code, u.judgement));
            full = true;
        }
        match &c.mue {
            Some(m) if m.value == 0 => {
                a.answer.push(format!(
                    "The {} MUE of {} is 0 ({}): {} is not payable on a {} claim (DME suppliers and hospitals have MUE tables of their own).",
                    m.setting, c.code, m.rationale, c.code, m.setting
                ));
                any = true;
            }
            Some(m) => {
                if c.units.is_none() {
                    a.answer.push(format!(
                        "The {} MUE of {} is {} unit{} per {} (table from {}; {}).",
                        m.setting,
                        c.code,
                        m.value,
                        if m.value == 1 { "" } else { "s" },
                        if m.mai == 1 { "claim line" } else { "day" },
                        m.table_from,
                        m.rationale
                    ));
                }
                any = true;
            }
            None if c.units.is_none() => a.answer.push(format!(
                "No MUE for {} in the loaded tables: NCCI sets no unit cap for it (payer limits may still apply).",
                c.code
            )),
            None => {}
        }
        // A bilateral procedure under the 150% rule is one line and 1 unit (the payment answer).
        let bilateral_unit = c.fee.as_ref().is_some_and(|x| x.bilat == "1")
            && (text.contains("bilat")
                || text.contains("both sides")
                || text.contains("modifier 50")
                || c.modifiers.iter().any(|m| m == "50"));
        if bilateral_unit {
            full = true;
        }
        if !full && !asks_cap && c.mue.as_ref().is_some_and(|m| m.value > 0) {
            lower(&mut a, Answered::Partly);
            if timed {
                a.because.push(format!(
                    "Units of a timed service such as {} follow the Medicare Claims Processing Manual, Chapter 5 (the 8-minute rule), which is not in the code files.",
                    c.code
                ));
                continue;
            }
            a.because.push(format!(
                "The units for {} depend on what was given; the descriptor gives no dosage unit to compute them from{}.",
                c.code,
                if c.description.is_none() {
                    " (CPT descriptors need a licensed CPT file)"
                } else {
                    ""
                }
            ));
        }
        any |= full;
    }
    // The reply lists the release gaps once, for every ask.
    if gap_for(f, CodeSystem::Hcpcs).is_some() || f.gaps.iter().any(|g| g.set == "NCCI-MUE") {
        lower(&mut a, Answered::Partly);
    }
    if !any {
        lower(&mut a, Answered::No);
    }
    a
}

fn modifier(f: &Facts) -> Ask {
    let mut a = ask(
        AskKind::Modifier,
        f.modifiers.iter().map(|m| m.code.clone()).collect(),
    );
    for m in f.modifiers {
        match &m.description {
            Some(d) => match m.ended {
                Some(last) => a.answer.push(format!(
                    "Modifier {} (\"{}\") was discontinued: its last valid day was {last}, so it is not valid on {}.",
                    m.code, d, f.date
                )),
                None => a.answer.push(format!("Modifier {} is \"{}\".", m.code, d)),
            },
            None if m.code.bytes().all(|b| b.is_ascii_digit()) => a
                .answer
                .push(format!("Modifier {}{CPT_MODIFIER_UNDESCRIBED}", m.code)),
            None => a.answer.push(format!(
                "Modifier {} is not described in the loaded files.",
                m.code
            )),
        }
    }
    a.answer
        .extend(super::modifier_words::sentences(f.modifier_leads));
    a.answer
        .extend(super::fee::modifier_hints(f.text, f.codes, &bare(f)));
    let decided = f.pairs.iter().any(|p| {
        p.status == PairStatus::Active
            && (p.edit.as_ref().is_some_and(|e| e.modifier != 1) || p.bypass.is_some())
    });
    for p in f.pairs.iter().filter(|p| p.status == PairStatus::Active) {
        if let Some(e) = &p.edit {
            a.answer.push(match e.modifier {
                0 => format!(
                    "For {} with {}: modifier indicator 0, no modifier lets both be paid.",
                    e.col1, e.col2
                ),
                1 => format!(
                    "For {} with {}: modifier indicator 1, an NCCI-associated modifier (59, XE, XS, XP, XU, an anatomic modifier, or 25 for an E/M) on {} when the services are separate and distinct.",
                    e.col1, e.col2, e.col2
                ),
                _ => format!(
                    "For {} with {}: modifier indicator 9, the edit takes no modifier.",
                    e.col1, e.col2
                ),
            });
        }
    }
    let no_edit_in_force = !f.pairs.is_empty()
        && f.pairs.iter().all(|p| {
            matches!(
                p.status,
                PairStatus::NoEdit | PairStatus::Deleted | PairStatus::NotYetEffective
            )
        });
    if no_edit_in_force {
        a.answer.push(format!(
            "No NCCI edit is in force between {} on {}, so NCCI needs no modifier to pay them together.",
            procedure_codes(f).join(", "),
            f.date
        ));
    }
    if !decided && !no_edit_in_force {
        let to = if a.answer.is_empty() {
            Answered::No
        } else {
            Answered::Partly
        };
        lower(&mut a, to);
        a.because.push(format!("{MODIFIER_SOURCE}."));
    }
    a
}

/// The ICD-10-CM codes found.
fn diagnoses<'a>(f: &Facts<'a>) -> Vec<&'a CodeFinding> {
    f.codes
        .iter()
        .filter(|c| c.system == CodeSystem::Icd10Cm)
        .collect()
}

fn seventh(f: &Facts) -> Ask {
    let dx = diagnoses(f);
    let mut a = ask(
        AskKind::SeventhCharacter,
        dx.iter().map(|c| c.code.clone()).collect(),
    );
    for c in &dx {
        let bare: String = c.code.chars().filter(|ch| *ch != '.').collect();
        match &c.seventh_character {
            Some(s) if bare.len() == 7 => {
                let last = &bare[6..];
                if let Some((_, meaning)) = s.values.iter().find(|(v, _)| v == last) {
                    a.answer.push(format!(
                        "{}: 7th character {last} is \"{meaning}\".",
                        c.code
                    ));
                }
            }
            Some(s) => {
                let values: Vec<String> =
                    s.values.iter().map(|(v, m)| format!("{v} {m}")).collect();
                let mut sentence = format!(
                    "{} needs a 7th character (defined at {}): {}.",
                    c.code,
                    s.defined_at,
                    values.join("; ")
                );
                let filled = |v: &str| {
                    let mut code = c.code.clone();
                    if !code.contains('.') && code.len() > 3 {
                        code.insert(3, '.');
                    }
                    while code.chars().filter(|ch| *ch != '.').count() < 6 {
                        if !code.contains('.') {
                            code.push('.');
                        }
                        code.push('X');
                    }
                    format!("{code}{v}")
                };
                if !c.children.is_empty() {
                    let below: Vec<String> = c.children.iter().map(|k| k.code.clone()).collect();
                    sentence.push_str(&format!(
                        " {} is a header: choose the code below it ({}), then add the 7th character.",
                        c.code,
                        or_list(&below, 8)
                    ));
                    a.answer.push(sentence);
                    continue;
                }
                match pick_seventh(f.text, &s.values) {
                    Some((v, meaning)) => {
                        sentence.push_str(&format!(" Your question says {meaning}: {}.", filled(v)))
                    }
                    None => {
                        if let Some((v, _)) = s.values.first() {
                            sentence.push_str(&format!(" For example {}.", filled(v)));
                        }
                    }
                }
                if bare.len() < 6 {
                    sentence.push_str(" The placeholder X fills the empty positions so the 7th character stands 7th.");
                }
                a.answer.push(sentence);
            }
            None if c.billable => a.answer.push(format!(
                "{} is complete as it is: it takes no 7th character.",
                c.code
            )),
            None => {}
        }
    }
    if a.answer.is_empty() {
        lower(&mut a, Answered::No);
        a.because.push("No ICD-10-CM code in the question has 7th-character values in the loaded tabular file; which 7th character applies depends on the code's category.".into());
    }
    a
}

fn sequencing(f: &Facts) -> Ask {
    let dx = diagnoses(f);
    let mut a = ask(
        AskKind::Sequencing,
        dx.iter().map(|c| c.code.clone()).collect(),
    );
    for c in &dx {
        for other in dx.iter().filter(|o| o.code != c.code) {
            for (label, verdict) in [
                (
                    NoteKind::Excludes1.label(),
                    "not coded together (unless the note's conditions are unrelated)",
                ),
                (
                    NoteKind::Excludes2.label(),
                    "a condition not included here: both may be coded when both are present",
                ),
            ] {
                for g in c.notes.iter().filter(|g| g.label == label) {
                    if let Some(n) = g.notes.iter().find(|n| names_code(&n.text, &other.code)) {
                        a.answer.push(format!(
                            "{} has an {label} note for {}: \"{}\" (at {}): {verdict}.",
                            c.code, other.code, n.text, n.at
                        ));
                    }
                }
            }
        }
        for g in &c.notes {
            if ![
                NoteKind::CodeFirst.label(),
                NoteKind::UseAdditionalCode.label(),
                NoteKind::CodeAlso.label(),
            ]
            .contains(&g.label)
            {
                continue;
            }
            // A note ending in ":" heads a list the following notes complete.
            for n in g.notes.iter().filter(|n| !n.text.ends_with(':')).take(3) {
                a.answer.push(format!(
                    "{} ({} note at {}): {}.",
                    c.code,
                    g.label,
                    n.at,
                    n.text.trim_end_matches('.')
                ));
            }
        }
    }
    let fits: Vec<String> = f
        .additional
        .iter()
        .map(super::additional::sentence)
        .collect();
    a.answer.splice(0..0, fits);
    for x in f.additional {
        if !a.codes.contains(&x.code) {
            a.codes.push(x.code.clone());
        }
    }
    let to = if a.answer.is_empty() {
        Answered::No
    } else {
        Answered::Partly
    };
    lower(&mut a, to);
    a.because.push(format!("{GUIDELINES_SOURCE}."));
    a
}

/// The 7th-character value whose meaning the question's words describe best ("initial",
/// "subsequent ... malunion", "sequela"), when one stands out.
fn pick_seventh<'v>(text: &str, values: &'v [(String, String)]) -> Option<(&'v str, &'v str)> {
    let t = text.to_lowercase();
    let common = ["encounter", "fracture", "with", "for", "closed", "type"];
    let score = |meaning: &str| -> usize {
        meaning
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 3 && !common.contains(w))
            .filter(|w| t.contains(w))
            .count()
    };
    let mut scored: Vec<(usize, usize, &(String, String))> = values
        .iter()
        .map(|v| {
            let words = v.1.split_whitespace().count();
            (score(&v.1), words, v)
        })
        .collect();
    // Most matching words first; of equals, the plainest meaning (fewest words).
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let best = scored.first()?;
    let tied = scored
        .get(1)
        .is_some_and(|second| second.0 == best.0 && second.1 == best.1);
    (best.0 > 0 && !tied).then_some((best.2.0.as_str(), best.2.1.as_str()))
}

/// Whether a note's code references ("(E10.-)", "(N18.1-N18.4)", "(I10)") take in `code`.
fn names_code(note: &str, code: &str) -> bool {
    let bare = |c: &str| -> String { c.chars().filter(|ch| ch.is_ascii_alphanumeric()).collect() };
    let target = bare(code);
    note.split(['(', ')', ',', ' '])
        .filter(|t| t.len() >= 3 && t.starts_with(|c: char| c.is_ascii_uppercase()))
        .any(|t| match t.split_once('-') {
            Some((from, to)) if !to.is_empty() && !to.starts_with('.') && to.len() >= 3 => {
                let (from, to) = (bare(from), bare(to));
                let n = from.len().min(target.len());
                target[..n] >= *from.as_str()
                    && target[..to.len().min(target.len())] <= *to.as_str()
            }
            _ => {
                let prefix = bare(t.trim_end_matches(['-', '.']));
                prefix.len() >= 3 && target.starts_with(&prefix)
            }
        })
}

fn icd9(f: &Facts) -> Ask {
    let mut a = ask(
        AskKind::Icd9Mapping,
        f.icd9.iter().map(|i| i.code.clone()).collect(),
    );
    for i in f.icd9 {
        if i.candidates.is_empty() {
            a.answer
                .push(format!("The GEMs give no ICD-10-CM code for {}.", i.code));
            lower(&mut a, Answered::Partly);
            continue;
        }
        let targets: Vec<String> = i.candidates.iter().map(|c| c.code.clone()).collect();
        a.answer.push(format!(
            "ICD-9-CM {} maps to {} in the GEMs (FY2018, the last release){}; choose by the documentation.",
            i.code,
            or_list(&targets, 8),
            if i.candidates.iter().any(|c| c.approximate) {
                ", an approximate match"
            } else {
                ""
            }
        ));
    }
    if f.icd9.is_empty() {
        lower(&mut a, Answered::No);
        a.because
            .push("No ICD-9-CM code was found in the question to map.".into());
    }
    a
}

fn which_code(f: &Facts) -> Ask {
    let mut a = if f.index.is_empty() {
        which_code_from_descriptions(f)
    } else {
        which_code_from_index(f)
    };
    if !f.closer.is_empty() {
        let sentences: Vec<String> = f.closer.iter().map(super::closer::sentence).collect();
        a.answer.splice(0..0, sentences);
        for c in f.closer {
            if !a.codes.contains(&c.code) {
                a.codes.insert(0, c.code.clone());
            }
        }
        a.because
            .retain(|b| !b.starts_with("The reply gives the facts of the codes named"));
        lower(&mut a, Answered::Partly);
        a.because.push("The better fit comes from matching your words with the official descriptions of the codes near the one named, not from the record: confirm it in the Alphabetic Index and the Tabular List (its notes) before changing the code.".into());
    }
    a
}

/// The which-code ask from the full-text search of descriptions (no Index lead).
fn which_code_from_descriptions(f: &Facts) -> Ask {
    let mut a = ask(
        AskKind::WhichCode,
        f.suggestions.iter().map(|s| s.code.clone()).collect(),
    );
    if f.suggestions.is_empty() {
        if f.codes.is_empty() {
            lower(&mut a, Answered::No);
            a.because.push("No code's description matched the words closely enough to suggest one; the ICD-10-CM Alphabetic Index is where the choice starts.".into());
        } else {
            lower(&mut a, Answered::Partly);
            a.because.push("The reply gives the facts of the codes named; choosing among codes follows the Alphabetic Index and the Tabular List's notes.".into());
        }
        return a;
    }
    let codes: Vec<String> = f.suggestions.iter().map(|s| s.code.clone()).collect();
    a.answer.push(format!(
        "The Index and its Tables led to no code for these words. Codes whose official descriptions match them: {} (a full-text search of the descriptions, a fallback, not a coding decision).",
        list(&codes, 5)
    ));
    lower(&mut a, Answered::Partly);
    a.because.push("A search of descriptions cannot choose the code: confirm it in the ICD-10-CM Alphabetic Index and the Tabular List's notes.".into());
    a
}

/// The which-code ask answered from the Index walk: each path and code, checked against the
/// tabular; answered when the first lead ends at a billable code the words completed.
fn which_code_from_index(f: &Facts) -> Ask {
    let mut a = ask(
        AskKind::WhichCode,
        f.index
            .iter()
            .filter_map(|i| i.code.clone().or_else(|| i.book_code.clone()))
            .collect(),
    );
    for i in f.index.iter().take(3) {
        a.answer.extend(i.sentences.iter().cloned());
    }
    if !f.suggestions.is_empty() {
        let codes: Vec<String> = f.suggestions.iter().map(|s| s.code.clone()).collect();
        a.answer.push(format!(
            "The Index leads to no code here. Codes whose official descriptions match your words: {} (a full-text search of the descriptions, a fallback, not a coding decision).",
            list(&codes, 5)
        ));
    }
    let first = &f.index[0];
    if !(first.billable && first.valid && first.needs.is_none()) {
        lower(&mut a, Answered::Partly);
        match &first.needs {
            Some(what) => a.because.push(format!(
                "The Index leads to {}, but the question does not give {what}: the record decides.",
                first
                    .book_code
                    .clone()
                    .unwrap_or_else(|| "a Table row".into())
            )),
            None => a.because.push(
                "The code the Index leads to could not be confirmed in the loaded tabular for the date.".into(),
            ),
        }
    }
    a.because.push(format!(
        "The Index walk reads the question's words, not the record: confirm the main term, the sub-terms and the code in the Tabular List (its notes, Excludes1/Excludes2) before reporting it{}.",
        if f.index.iter().any(|i| i.book == crate::codes::index::Book::Neoplasms) {
            "; for a neoplasm, the histology term in the Index comes first"
        } else {
            ""
        }
    ));
    a
}

#[cfg(test)]
mod tests {
    use super::names_code;

    #[test]
    fn note_references_take_in_the_codes_they_name() {
        assert!(names_code("type 1 diabetes mellitus (E10.-)", "E10.9"));
        assert!(!names_code("type 1 diabetes mellitus (E10.-)", "E11.9"));
        assert!(names_code(
            "chronic kidney disease (N18.1-N18.4, N18.9)",
            "N18.32"
        ));
        assert!(!names_code(
            "chronic kidney disease (N18.1-N18.4, N18.9)",
            "N18.5"
        ));
        assert!(names_code("essential hypertension (I10)", "I10"));
        assert!(!names_code("psychogenic dorsalgia (F45.41)", "F45.4"));
    }
}
