//! Decides which code-shaped words are codes, and of which system: first the words whose shape,
//! keyword, table column or catalog entry says so, then bare numbers in sentences about
//! billing, then lists spreading from a code to its neighbours. Modifiers are not decided here
//! (see `modifiers`), and nothing here looks beyond the tokens and the oracle.

use super::CodeOracle;
use super::context::{Context, hcpcs_letter};
use super::lex::Kind;
use super::lexicon::{self, Keyword};
use super::shape::Shapes;
use super::table::Role;
use crate::codes::system::{CodeSystem, normalize};

/// A code found at a token: its system and normal form.
pub(super) type Found = Option<(CodeSystem, String)>;

/// The code each token is, if any (modifiers are found later, in `modifiers`).
pub(super) fn decide(cx: &mut Context, oracle: &dyn CodeOracle) -> Vec<Found> {
    let n = cx.toks.len();
    let mut found: Vec<Found> = vec![None; n];
    let candidate = |cx: &Context, i: usize| {
        let s = cx.shapes[i];
        !s.is_empty()
            && !cx.in_keyword[i]
            && !cx.negative[i]
            && cx.role[i] != Some(Role::Quantity)
            && cx.role[i] != Some(Role::Modifier)
            && !(s == Shapes::MODIFIER)
    };
    for (i, slot) in found.iter_mut().enumerate() {
        if !candidate(cx, i) {
            continue;
        }
        if let Some(system) = strong(cx, i, oracle) {
            if let Some(code) = normalize(system, cx.word(i)) {
                *slot = Some((system, code));
                cx.sentence_mut(i).has_code = true;
            }
        }
    }
    // Twice: the codes of the first round make the text one about codes for the second.
    for _ in 0..2 {
        cx.text_has_code = found.iter().any(Option::is_some);
        for (i, slot) in found.iter_mut().enumerate() {
            if slot.is_some() || !candidate(cx, i) {
                continue;
            }
            if let Some(system) = contextual(cx, i) {
                *slot = normalize(system, cx.word(i)).map(|code| (system, code));
            }
        }
    }
    spread_lists(cx, &mut found, candidate);
    found
}

/// The system of a word that needs no more than its shape, keyword, column or catalog entry.
fn strong(cx: &Context, i: usize, oracle: &dyn CodeOracle) -> Option<CodeSystem> {
    let s = cx.shapes[i];
    let w = cx.word(i);
    let up = cx.is_upper(i);
    let sentence = cx.sentence(i);
    match cx.role[i] {
        Some(Role::Procedure) if s.any(Shapes::DIGITS5 | Shapes::CPT_ALPHA) => {
            return Some(CodeSystem::Cpt);
        }
        Some(Role::Procedure) if s.any(Shapes::LETTER4) && hcpcs_letter(w) => {
            return Some(CodeSystem::Hcpcs);
        }
        Some(Role::Diagnosis) if s.any(Shapes::ICD9_DOT) && cx.near_icd9(i) => {
            return Some(CodeSystem::Icd9Cm);
        }
        Some(Role::Diagnosis) if s.any(Shapes::ICD_DOT | Shapes::ICD_BARE | Shapes::LETTER4) => {
            return Some(CodeSystem::Icd10Cm);
        }
        Some(Role::Diagnosis) if s.any(Shapes::ICD9_DOT) => return Some(CodeSystem::Icd9Cm),
        _ => {}
    }
    let gov = cx.governed[i];
    if s.any(Shapes::ICD9_DOT) && (gov == Some(Keyword::Icd9) || cx.near_icd9(i)) {
        return Some(CodeSystem::Icd9Cm);
    }
    // `dx 724.2`, `the old code 250.00`: only ICD-9-CM has that shape.
    if s.any(Shapes::ICD9_DOT)
        && !s.any(Shapes::ICD_DOT)
        && matches!(gov, Some(Keyword::Diagnosis | Keyword::Any))
    {
        return Some(CodeSystem::Icd9Cm);
    }
    // `401.9 hypertension - what ICD-10?`, `still sending 250.00 ... the ICD-10 equivalent`: a
    // number of ICD-9-CM's shape that the loaded GEMs know, in a paragraph about diagnosis codes.
    if s.any(Shapes::ICD9_DOT)
        && !s.any(Shapes::ICD_DOT)
        && cx.paragraph_names_diagnosis(i)
        && normalize(CodeSystem::Icd9Cm, w).is_some_and(|c| oracle.is_known(CodeSystem::Icd9Cm, &c))
    {
        return Some(CodeSystem::Icd9Cm);
    }
    if s.any(Shapes::DIGITS3) && gov == Some(Keyword::Icd9) {
        return Some(CodeSystem::Icd9Cm);
    }
    // `the ICD-9 procedure code was 45.13`, `Volume 3: 88.71`: only ICD-9-CM procedures have
    // that shape, and only where the paragraph names ICD-9. Likewise a code of ICD-9-CM's shape
    // alone (`813.42`) anywhere in such a paragraph.
    if (s.any(Shapes::ICD9_PROC) || s.any(Shapes::ICD9_DOT) && !s.any(Shapes::ICD_DOT))
        && cx.paragraph_names_icd9(i)
    {
        return Some(CodeSystem::Icd9Cm);
    }
    // `ICD-9 without the dots: 71536, 27800`: a five-digit diagnosis in a sentence that names
    // ICD-9 and no procedure code system.
    if s.any(Shapes::DIGITS5) && sentence.icd9 && !sentence.procedure {
        return Some(CodeSystem::Icd9Cm);
    }
    match gov {
        Some(Keyword::Procedure) => {
            if s.any(Shapes::DIGITS5 | Shapes::CPT_ALPHA) {
                return Some(CodeSystem::Cpt);
            }
            if s.any(Shapes::LETTER4) {
                return Some(CodeSystem::Hcpcs);
            }
        }
        Some(Keyword::Diagnosis) => {
            if s.any(Shapes::ICD_DOT | Shapes::ICD_BARE | Shapes::LETTER4) {
                return Some(CodeSystem::Icd10Cm);
            }
        }
        Some(Keyword::Pcs) => {
            if s.any(Shapes::PCS) {
                return Some(CodeSystem::Icd10Pcs);
            }
        }
        Some(Keyword::Any) => return by_shape(cx, i, oracle),
        Some(Keyword::Modifier | Keyword::Icd9) | None => {}
    }
    if let Some(system) = known(cx, i, oracle) {
        return Some(system);
    }
    if s.any(Shapes::ICD_DOT) {
        return Some(CodeSystem::Icd10Cm);
    }
    if !up {
        return None;
    }
    if s.any(Shapes::CPT_ALPHA) {
        return Some(CodeSystem::Cpt);
    }
    let starts_with_digit = w.as_bytes()[0].is_ascii_digit();
    if s.any(Shapes::PCS) && (starts_with_digit || w.ends_with('Z') || sentence.pcs) {
        return Some(CodeSystem::Icd10Pcs);
    }
    if s.any(Shapes::ICD_BARE) && w.len() >= 6 && w[3..].bytes().any(|b| b.is_ascii_alphabetic()) {
        return Some(CodeSystem::Icd10Cm);
    }
    None
}

/// The system a word governed by `code`/`codes` has by its shape alone.
fn by_shape(cx: &Context, i: usize, oracle: &dyn CodeOracle) -> Option<CodeSystem> {
    if let Some(system) = known(cx, i, oracle) {
        return Some(system);
    }
    let s = cx.shapes[i];
    let w = cx.word(i);
    if s.any(Shapes::DIGITS5 | Shapes::CPT_ALPHA) {
        return Some(CodeSystem::Cpt);
    }
    if s.any(Shapes::LETTER4) {
        return Some(if leans_to_diagnosis(cx, i) || !hcpcs_letter(w) {
            CodeSystem::Icd10Cm
        } else {
            CodeSystem::Hcpcs
        });
    }
    if s.any(Shapes::ICD_DOT) {
        return Some(CodeSystem::Icd10Cm);
    }
    if s.any(Shapes::PCS)
        && (w.as_bytes()[0].is_ascii_digit() || w.ends_with(['Z', 'z']) || !s.any(Shapes::ICD_BARE))
    {
        return Some(CodeSystem::Icd10Pcs);
    }
    if s.any(Shapes::ICD_BARE) {
        return Some(CodeSystem::Icd10Cm);
    }
    None
}

/// The system the catalog knows the word in, trying the likelier reading first.
fn known(cx: &Context, i: usize, oracle: &dyn CodeOracle) -> Option<CodeSystem> {
    let s = cx.shapes[i];
    let w = cx.word(i);
    let mut order: [Option<CodeSystem>; 3] = [None; 3];
    if s.any(Shapes::DIGITS5 | Shapes::CPT_ALPHA) {
        order[0] = Some(CodeSystem::Cpt);
    } else if s.any(Shapes::LETTER4) {
        if leans_to_diagnosis(cx, i) {
            order = [Some(CodeSystem::Icd10Cm), Some(CodeSystem::Hcpcs), None];
        } else {
            order = [Some(CodeSystem::Hcpcs), Some(CodeSystem::Icd10Cm), None];
        }
    } else {
        if s.any(Shapes::ICD_DOT | Shapes::ICD_BARE) {
            order[0] = Some(CodeSystem::Icd10Cm);
        }
        if s.any(Shapes::PCS) {
            order[1] = Some(CodeSystem::Icd10Pcs);
        }
    }
    order
        .into_iter()
        .flatten()
        .find(|&system| normalize(system, w).is_some_and(|code| oracle.is_known(system, &code)))
}

/// Whether the nearest keyword before token `i` in its sentence names diagnoses.
fn leans_to_diagnosis(cx: &Context, i: usize) -> bool {
    let mut j = i;
    let mut steps = 0;
    while j > 0 && steps < 12 {
        j -= 1;
        steps += 1;
        if !cx.same_sentence(j, i) {
            break;
        }
        match cx.keyword[j] {
            Some((Keyword::Diagnosis, _)) => return true,
            Some((Keyword::Procedure | Keyword::Modifier | Keyword::Pcs, _)) => return false,
            _ => {}
        }
    }
    false
}

/// The system of a word that needs its sentence to be about coding.
fn contextual(cx: &Context, i: usize) -> Option<CodeSystem> {
    let s = cx.shapes[i];
    let w = cx.word(i);
    let sentence = cx.sentence(i);
    let about_codes = cx.about_codes(i);
    if s.any(Shapes::DIGITS5)
        && (about_codes
            || paired(cx, i)
            || glued_modifier(cx, i)
            || claim_line(cx, i)
            || alone(cx, i))
    {
        return Some(CodeSystem::Cpt);
    }
    if s.any(Shapes::LETTER4) {
        // Lower case is fine for HCPCS in a sentence about codes (`bill j3301`), not for ICD.
        if !cx.is_upper(i) {
            let hcpcs = hcpcs_letter(w) && !leans_to_diagnosis(cx, i);
            return (hcpcs && (about_codes || paired(cx, i))).then_some(CodeSystem::Hcpcs);
        }
        // Listed with a procedure code it is HCPCS (`J7613 and 94640`), with a dotted ICD-10-CM
        // code a diagnosis; else the nearest keyword decides.
        // A letter no HCPCS code starts with (`F4310`, `Z1231`) is a diagnosis wherever codes are
        // talked about.
        if !hcpcs_letter(w) {
            return (about_codes || paired(cx, i) || cx.text_has_code)
                .then_some(CodeSystem::Icd10Cm);
        }
        let procedure_mate = neighbours(cx, i)
            .any(|j| cx.shapes[j].any(Shapes::DIGITS5 | Shapes::CPT_ALPHA) && !cx.negative[j]);
        // A dotted diagnosis beside it, or a dotless one after it (`M1711, M25561`, `E1122
        // with N184`); a diagnosis before it may start a list of something else (`Pap with
        // Z124 and Q0091`).
        let diagnosis_mate = neighbours(cx, i)
            .any(|j| cx.shapes[j].any(Shapes::ICD_DOT) || j > i && diagnosis_shaped(cx, j));
        let diagnosis = diagnosis_mate || !procedure_mate && leans_to_diagnosis(cx, i);
        if diagnosis {
            return (sentence.diagnosis || sentence.has_code || diagnosis_mate)
                .then_some(CodeSystem::Icd10Cm);
        }
        return (about_codes || paired(cx, i) || cx.text_has_code).then_some(CodeSystem::Hcpcs);
    }
    // `Z794`, `R262`, `S0101XA`: only ICD-10-CM is written so, in capitals, in a text about codes.
    if s.any(Shapes::ICD_BARE)
        && w.len() >= 4
        && cx.is_upper(i)
        && (sentence.diagnosis || about_codes || cx.text_has_code)
    {
        return Some(CodeSystem::Icd10Cm);
    }
    None
}

/// A word only a dotless ICD-10-CM code is shaped like: capitals, more than a category, and
/// not a letter and four digits (`M25561`, `R262`).
fn diagnosis_shaped(cx: &Context, j: usize) -> bool {
    let s = cx.shapes[j];
    !cx.negative[j]
        && s.any(Shapes::ICD_BARE)
        && !s.any(Shapes::PCS)
        && cx.is_upper(j)
        && cx.word(j).len() >= 4
}

/// A word that is its whole sentence (`45378` on a line of its own, as an inline answer).
fn alone(cx: &Context, i: usize) -> bool {
    let before = i == 0 || !cx.same_sentence(i - 1, i);
    let after = i + 1 >= cx.toks.len()
        || !cx.same_sentence(i, i + 1)
        || (cx.kind(i + 1) == Some(Kind::Stop) && !cx.same_sentence(i, i + 2));
    before && after
}

/// A claim line: `64483 50 @ 1 unit`, `20610 RT`, `99213 @ 1`.
fn claim_line(cx: &Context, i: usize) -> bool {
    if cx.kind(i + 1) == Some(Kind::At) {
        return true;
    }
    if !cx.is_word(i + 1) || !cx.shapes[i + 1].has(Shapes::MODIFIER) || cx.negative[i + 1] {
        return false;
    }
    if cx.kind(i + 2) == Some(Kind::At) {
        return true;
    }
    cx.is_upper(i + 1) && lexicon::is_line_modifier(cx.word(i + 1))
}

/// A modifier glued after the word: `26615-59`.
fn glued_modifier(cx: &Context, i: usize) -> bool {
    cx.kind(i + 1) == Some(Kind::Dash)
        && cx.glued(i, i + 1)
        && cx.glued(i + 1, i + 2)
        && cx.shapes[i + 2].has(Shapes::MODIFIER)
        && !cx.negative[i + 2]
}

/// The tokens joining list items: `,` `/` `&` `+` `and` `or` `with` ...
fn joins(cx: &Context, k: usize) -> bool {
    match cx.kind(k) {
        Some(Kind::Comma | Kind::Slash | Kind::Amp | Kind::Plus | Kind::Dash) => true,
        Some(Kind::Word) => lexicon::is_pair_word(cx.lw(k)) || lexicon::is_range_word(cx.lw(k)),
        _ => false,
    }
}

/// The list neighbours of token `i`: the words one joiner (or `, and`, `, then`) away in its
/// sentence. An ordinal after an item belongs to it: `E11.22 first and N18.4 second`.
fn neighbours<'c>(cx: &'c Context<'_>, i: usize) -> impl Iterator<Item = usize> + 'c {
    let n = cx.toks.len();
    let ordinal = |k: usize| cx.is_word(k) && lexicon::is_ordinal(cx.lw(k));
    let then = |k: usize| cx.is_word(k) && (joins(cx, k) || cx.lw(k) == "then");
    let mut out = [None; 4];
    // The token after the item, past its ordinal.
    let a = if ordinal(i + 1) { i + 2 } else { i + 1 };
    if a + 1 < n && joins(cx, a) {
        out[0] = Some(a + 1);
    }
    if a + 2 < n && cx.kind(a) == Some(Kind::Comma) && then(a + 1) {
        out[1] = Some(a + 2);
    }
    // The item before, past its ordinal.
    let item = |k: usize| if k >= 1 && ordinal(k) { k - 1 } else { k };
    if i >= 2 && joins(cx, i - 1) {
        out[2] = Some(item(i - 2));
    }
    if i >= 3 && cx.kind(i - 2) == Some(Kind::Comma) && then(i - 1) {
        out[3] = Some(item(i - 3));
    }
    out.into_iter()
        .flatten()
        .filter(move |&j| cx.is_word(j) && cx.same_sentence(i, j))
}

/// Two bare procedure-shaped numbers joined as a pair or range (`62322 and 99213`,
/// `99202-99215`) read as codes even with no other sign.
fn paired(cx: &Context, i: usize) -> bool {
    let code = Shapes::DIGITS5 | Shapes::CPT_ALPHA | Shapes::LETTER4;
    neighbours(cx, i).any(|j| cx.shapes[j].any(code) && !cx.negative[j] && cx.is_upper(j))
}

/// Whether a word of shape `s` can share a list with a code of `system`.
fn fits(cx: &Context, j: usize, system: CodeSystem) -> bool {
    let s = cx.shapes[j];
    let up = cx.is_upper(j);
    match system {
        CodeSystem::Cpt => s.any(Shapes::DIGITS5) || up && s.any(Shapes::CPT_ALPHA),
        CodeSystem::Hcpcs => up && s.any(Shapes::LETTER4) && hcpcs_letter(cx.word(j)),
        CodeSystem::Icd10Cm => {
            s.any(Shapes::ICD_DOT) || up && s.any(Shapes::ICD_BARE | Shapes::LETTER4)
        }
        CodeSystem::Icd10Pcs => up && s.any(Shapes::PCS),
        CodeSystem::Icd9Cm => s.any(Shapes::ICD9_DOT | Shapes::ICD9_PROC),
        CodeSystem::Modifier => false,
    }
}

/// Spreads a system along lists: `I10, E11.9 and Z79.4`, `99213, 99214 or 99215`.
fn spread_lists(cx: &Context, found: &mut [Found], candidate: impl Fn(&Context, usize) -> bool) {
    let n = found.len();
    let visit = |i: usize, found: &mut [Found]| {
        let Some((system, _)) = found[i] else {
            return;
        };
        let next: Vec<usize> = neighbours(cx, i).collect();
        for j in next {
            if found[j].is_none() && candidate(cx, j) && fits(cx, j, system) {
                if let Some(code) = normalize(system, cx.word(j)) {
                    found[j] = Some((system, code));
                }
            }
        }
    };
    for i in 0..n {
        visit(i, found);
    }
    for i in (0..n).rev() {
        visit(i, found);
    }
}
