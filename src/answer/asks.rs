//! What a question asks: which code for a description, validity, bundling, modifier use, units,
//! the 7th character, sequencing, coverage, payment rules, ICD-9 mapping. Read from the new
//! text's words and the codes it names, by rules; then each ask is settled from the answer's
//! findings: answered, partly, or not, with the plain sentences that answer it and, when the
//! loaded data cannot, where the answer lives. Pure.

use crate::codes::CodeSystem;
use crate::extract::CodeRef;
use serde::Serialize;

/// A kind of question coders ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AskKind {
    /// Which code for a description.
    WhichCode,
    /// Is the code valid, billable, deleted, what replaced it.
    Validity,
    /// Can these be billed together (NCCI PTP).
    Bundling,
    /// Which modifier, or may this modifier be used.
    Modifier,
    /// How many units (MUE, dose arithmetic).
    Units,
    /// The 7th character or placeholder X.
    SeventhCharacter,
    /// Which code goes first, guideline questions.
    Sequencing,
    /// Coverage, medical necessity, frequency.
    Coverage,
    /// Payment rules: global period, bilateral, PC/TC, assistant, co-surgeon.
    Payment,
    /// ICD-9-CM to ICD-10-CM.
    Icd9Mapping,
    /// Something else.
    Other,
}

impl AskKind {
    /// The stable name used in JSON: `which-code`, `bundling`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            AskKind::WhichCode => "which-code",
            AskKind::Validity => "validity",
            AskKind::Bundling => "bundling",
            AskKind::Modifier => "modifier",
            AskKind::Units => "units",
            AskKind::SeventhCharacter => "seventh-character",
            AskKind::Sequencing => "sequencing",
            AskKind::Coverage => "coverage",
            AskKind::Payment => "payment",
            AskKind::Icd9Mapping => "icd9-mapping",
            AskKind::Other => "other",
        }
    }

    /// The ask in a coder's words, for staff: "whether they can be billed together".
    pub fn phrase(self) -> &'static str {
        match self {
            AskKind::WhichCode => "which code to use",
            AskKind::Validity => "whether the codes are valid",
            AskKind::Bundling => "whether the codes can be billed together",
            AskKind::Modifier => "which modifier applies",
            AskKind::Units => "how many units to bill",
            AskKind::SeventhCharacter => "the 7th character",
            AskKind::Sequencing => "sequencing and guidelines",
            AskKind::Coverage => "coverage and medical necessity",
            AskKind::Payment => "Medicare payment rules",
            AskKind::Icd9Mapping => "the ICD-10-CM code for an ICD-9-CM code",
            AskKind::Other => "the question",
        }
    }
}

/// How far the loaded data answers an ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answered {
    /// Not from the loaded data.
    No,
    /// Part of it.
    Partly,
    /// Fully, from the loaded data.
    Yes,
}

/// One ask and how it was settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ask {
    /// What kind.
    pub kind: AskKind,
    /// The codes it is about.
    pub codes: Vec<String>,
    /// How far the data answers it.
    pub answered: Answered,
    /// The sentences that answer it, built only from loaded facts (the reply opens with them).
    pub answer: Vec<String>,
    /// Why it is only partly or not answered, and where the answer lives.
    pub because: Vec<String>,
}

/// Modifiers whose use the fee schedule's indicators decide: 26/TC (PC/TC), 50 (bilateral), 51
/// (multiple procedures), 62 (co-surgeons), 66 (team), 80/81/82/AS (assistant at surgery).
const PAYMENT_MODIFIERS: &[&str] = &["26", "TC", "50", "51", "62", "66", "80", "81", "82", "AS"];

fn any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Whether `word` stands in `text` as a whole word (letters and digits around it do not count).
fn word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// Whether the text gives a dose: a number followed by mg, mcg, ml or cc ("80mg", "10 mg").
fn dose_written(t: &str) -> bool {
    let b = t.as_bytes();
    (0..b.len()).any(|i| {
        b[i].is_ascii_digit()
            && ["mg", "mcg", "ml", "cc"].iter().any(|u| {
                let rest = t[i + 1..].trim_start_matches(' ');
                rest.starts_with(u)
                    && !rest[u.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
            })
    })
}

/// "which D code?", "what T code": a code asked for by its letter.
fn letter_code_asked(t: &str) -> bool {
    let w: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    w.windows(3).any(|x| {
        matches!(x[0], "which" | "what")
            && x[1].len() == 1
            && x[1].chars().all(|c| c.is_ascii_alphabetic())
            && matches!(x[2], "code" | "codes")
    })
}

/// The kinds of ask in the new text, in a fixed order. A question that names codes and asks
/// nothing recognisable asks what they are and whether they are valid.
pub fn detect(text: &str, refs: &[CodeRef]) -> Vec<AskKind> {
    let t = text.to_lowercase();
    let mut kinds = Vec::new();
    let procs: Vec<&CodeRef> = refs
        .iter()
        .filter(|r| r.system.is_procedure() && r.range_end.is_none())
        .collect();
    let distinct_procs = {
        let mut c: Vec<&str> = procs.iter().map(|r| r.code.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    let has = |s: CodeSystem| refs.iter().any(|r| r.system == s);
    if any(
        &t,
        &[
            "what code",
            "which code",
            "what is the code",
            "what's the code",
            "code for ",
            "codes for ",
            "icd-10 for",
            "icd10 for",
            "icd 10 for",
            "how do i code",
            "how do we code",
            "how would i code",
            "how would we code",
            "how would you code",
            "how should i code",
            "how should we code",
            "how to code",
            "what dx",
            "which dx",
            "what diagnosis code",
            "which diagnosis code",
            "correct code",
            "right code",
            "appropriate code",
            "proper code",
            "best code",
            "combo code",
            "combination code",
            "do i code",
            "do we code",
            "code this",
            "what to code",
        ],
    ) || (refs.is_empty() && any(&t, &["icd", "diagnos", "dx", "code"]))
        || letter_code_asked(&t)
    {
        kinds.push(AskKind::WhichCode);
    }
    if any(
        &t,
        &[
            "valid",
            "still ",
            "delete",
            "termed",
            "terminat",
            "discontinu",
            "replaced",
            "replacement",
            "new code",
            "effective",
            "is it billable",
            "is billable",
            "not billable",
            "billable code",
            "still billable",
            "header",
            "expired",
            "retired",
            "exist",
            "end date",
            "end-date",
            "active code",
            "is it active",
            "still active",
            "description",
        ],
    ) && !refs.is_empty()
    {
        kinds.push(AskKind::Validity);
    }
    if distinct_procs >= 2
        && any(
            &t,
            &[
                "bundl",
                "ncci",
                "ptp",
                "together",
                "same day",
                "same date",
                "same session",
                "same encounter",
                "separately",
                "billed with",
                "bill with",
                "billable with",
                "reported with",
                "report with",
                "both",
                "column 1",
                "column 2",
                "column one",
                "column two",
                "col 1",
                "col 2",
                " edit",
                "along with",
                "in addition to",
                "mutually exclusive",
                "included in",
                "inclusive",
                "with ",
            ],
        )
    {
        kinds.push(AskKind::Bundling);
    }
    let bare_modifier = refs.iter().any(|r| {
        r.system == CodeSystem::Modifier && !procs.iter().any(|p| p.modifiers.contains(&r.code))
    });
    if word(&t, "modifier")
        || word(&t, "modifiers")
        || word(&t, "mod")
        || word(&t, "mods")
        || bare_modifier
    {
        kinds.push(AskKind::Modifier);
    }
    // "How many global days" asks the global period, not units.
    let how_many_units = t.match_indices("how many").any(|(i, _)| {
        let rest = t[i..].trim_start_matches("how many ");
        !["global", "days", "post"]
            .iter()
            .any(|w| rest.starts_with(w))
    });
    if !procs.is_empty()
        && (any(
            &t,
            &[
                "unit", "quantity", "qty", "mue", "maximum", "max ", "per day", "dosage", "dose",
                "times",
            ],
        ) || how_many_units
            || dose_written(&t))
    {
        kinds.push(AskKind::Units);
    }
    if any(
        &t,
        &[
            "7th",
            "seventh",
            "character",
            "placeholder",
            "initial encounter",
            "subsequent encounter",
            "sequela",
            "episode of care",
            "extension",
        ],
    ) {
        kinds.push(AskKind::SeventhCharacter);
    }
    let dx_codes = refs
        .iter()
        .filter(|r| r.system == CodeSystem::Icd10Cm)
        .count();
    if (dx_codes >= 1
        && (word(&t, "first")
            || any(
                &t,
                &[
                    "link",
                    "combo",
                    "combination",
                    "same claim",
                    "together",
                    "both",
                ],
            )))
        || any(
            &t,
            &[
                "sequenc",
                "first-listed",
                "first listed",
                "principal",
                "code first",
                "list first",
                "listed first",
                "which goes first",
                "what goes first",
                "guideline",
                "in what order",
                "which order",
            ],
        )
        // A neoplasm's "primary" or "secondary" is its behaviour, not the order of codes.
        || (any(&t, &["primary", "secondary"])
            && !any(
                &t,
                &[
                    "malignan", "neoplasm", "cancer", "carcinoma", "tumor", "tumour", "mets",
                    "metasta", " ca ",
                ],
            ))
    {
        kinds.push(AskKind::Sequencing);
    }
    if any(
        &t,
        &[
            "covered",
            "coverage",
            "cover it",
            "cover this",
            "medical necessity",
            "medically necessary",
            "frequency",
            "how often",
            "payable",
            "pay for",
            "reimburs",
        ],
    ) || word(&t, "lcd")
        || word(&t, "ncd")
        || word(&t, "abn")
    {
        kinds.push(AskKind::Coverage);
    }
    if any(
        &t,
        &[
            "global",
            "bilateral",
            "bilat",
            "modifier 50",
            "mod 50",
            "-50",
            "assistant",
            "assist at",
            "co-surgeon",
            "cosurgeon",
            "co surgeon",
            "team surgery",
            "rvu",
            "fee schedule",
            "professional component",
            "technical component",
            "post-op",
            "postop",
            "post op",
            "postoperative",
        ],
    ) || word(&t, "tc")
        || any(
            &t,
            &[
                "co-surg",
                "two surgeons",
                "assisting",
                "separately payable",
                "paid separately",
                "separately paid",
                "multiple procedure",
                "mult proc",
                "how does medicare pay",
                "what does medicare pay",
                "medicare pays",
                "national payment",
                "payment amount",
                "status code",
                "status indicator",
            ],
        )
        || (word(&t, "status") && !procs.is_empty() && !t.contains("status post"))
        || refs.iter().any(|r| {
            PAYMENT_MODIFIERS.contains(&r.code.as_str()) && r.system == CodeSystem::Modifier
                || r.modifiers
                    .iter()
                    .any(|m| PAYMENT_MODIFIERS.contains(&m.as_str()))
        })
    {
        kinds.push(AskKind::Payment);
    }
    if has(CodeSystem::Icd9Cm)
        || any(
            &t,
            &["icd-9", "icd9", "icd 9", "crosswalk", "cross walk", "gem"],
        )
    {
        kinds.push(AskKind::Icd9Mapping);
    }
    if kinds.is_empty() {
        kinds.push(if refs.is_empty() {
            AskKind::Other
        } else {
            AskKind::Validity
        });
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(system: CodeSystem, code: &str, modifiers: &[&str]) -> CodeRef {
        CodeRef {
            system,
            code: code.into(),
            range_end: None,
            start: 0,
            end: 0,
            text: code.into(),
            modifiers: modifiers.iter().map(|m| m.to_string()).collect(),
            origin: None,
        }
    }

    #[test]
    fn can_these_be_billed_together_is_a_bundling_ask() {
        let refs = [
            r(CodeSystem::Cpt, "62322", &[]),
            r(CodeSystem::Cpt, "99213", &["25"]),
            r(CodeSystem::Modifier, "25", &[]),
            r(CodeSystem::Icd10Cm, "M54.16", &[]),
        ];
        let kinds = detect("Can 62322 be billed with 99213-25? Dx M54.16", &refs);
        assert_eq!(kinds, vec![AskKind::Bundling]);
    }

    #[test]
    fn a_dose_question_is_a_units_ask() {
        let refs = [r(CodeSystem::Hcpcs, "J1100", &[])];
        let kinds = detect("dexamethasone 10 mg: how many units of J1100?", &refs);
        assert_eq!(kinds, vec![AskKind::Units]);
    }

    #[test]
    fn a_question_in_words_asks_which_code() {
        let kinds = detect(
            "what is the ICD-10 code for type 2 diabetes without complications?",
            &[],
        );
        assert_eq!(kinds, vec![AskKind::WhichCode]);
    }

    #[test]
    fn codes_without_a_recognisable_ask_ask_what_they_are() {
        let refs = [r(CodeSystem::Icd10Cm, "M54.16", &[])];
        assert_eq!(detect("M54.16 please", &refs), vec![AskKind::Validity]);
        assert_eq!(detect("hello there", &[]), vec![AskKind::Other]);
    }

    #[test]
    fn coverage_payment_and_seventh_character_asks_are_named() {
        let refs = [r(CodeSystem::Cpt, "27447", &[])];
        let kinds = detect(
            "Is 27447 covered for this patient and what is the global period?",
            &refs,
        );
        assert_eq!(kinds, vec![AskKind::Coverage, AskKind::Payment]);
        let refs = [r(CodeSystem::Icd10Cm, "S52.501", &[])];
        let kinds = detect("what 7th character for S52.501 at the follow-up?", &refs);
        assert_eq!(kinds, vec![AskKind::SeventhCharacter]);
    }

    #[test]
    fn a_modifier_attached_to_a_code_alone_is_no_modifier_ask() {
        let refs = [
            r(CodeSystem::Cpt, "99213", &["25"]),
            r(CodeSystem::Modifier, "25", &[]),
        ];
        assert!(!detect("99213-25 valid?", &refs).contains(&AskKind::Modifier));
        assert!(detect("which modifier on 99213?", &refs[..1]).contains(&AskKind::Modifier));
        let bare = [r(CodeSystem::Modifier, "59", &[])];
        assert!(detect("59 or XS here?", &bare).contains(&AskKind::Modifier));
    }

    #[test]
    fn fee_schedule_modifiers_and_global_days_ask_about_payment_not_units() {
        let refs = [r(CodeSystem::Cpt, "27447", &[])];
        let kinds = detect("TKA 27447 - how many global days?", &refs);
        assert_eq!(kinds, vec![AskKind::Payment]);
        let refs = [
            r(CodeSystem::Cpt, "93015", &["26"]),
            r(CodeSystem::Modifier, "26", &[]),
        ];
        assert!(detect("bill 93015-26?", &refs).contains(&AskKind::Payment));
        let refs = [r(CodeSystem::Cpt, "36000", &[])];
        assert!(detect("is 36000 separately payable?", &refs).contains(&AskKind::Payment));
        assert!(!detect("status post 36000 how many units", &refs).contains(&AskKind::Payment));
    }
}
