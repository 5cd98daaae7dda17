//! Finds modifiers (`99213-25`, `modifier 59`, `-XU`, `with a 25`, `LT/RT`, `64483 50 @ 1 unit`,
//! a table's Mod column) and the procedure code each one modifies, when the text says; it
//! never guesses an attachment the text does not make.

use super::codes::Found;
use super::context::Context;
use super::lex::Kind;
use super::lexicon::{self, Keyword};
use super::shape::Shapes;
use super::table::Role;
use crate::codes::system::CodeSystem;

/// A modifier at a token, and the token of the procedure code it is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ModifierAt {
    pub tok: usize,
    pub attached_to: Option<usize>,
}

fn is_procedure(found: &[Found], j: usize) -> bool {
    matches!(
        found.get(j),
        Some(Some((CodeSystem::Cpt | CodeSystem::Hcpcs, _)))
    )
}

/// A claim-line sign after a modifier: `@ 1`, `x1`, `x 2`, `1 unit`, `units`.
fn claim_marker(cx: &Context, j: usize) -> bool {
    match cx.kind(j) {
        Some(Kind::At) => true,
        Some(Kind::Word) => {
            let w = cx.lw(j);
            let times =
                w.len() >= 2 && w.starts_with('x') && w[1..].bytes().all(|b| b.is_ascii_digit());
            let bare_x = w == "x" && cx.is_digits(j + 1);
            let units = matches!(w, "unit" | "units" | "u");
            let count_units = cx.is_digits(j) && matches!(cx.lw(j + 1), "unit" | "units" | "u");
            times || bare_x || units || count_units
        }
        _ => false,
    }
}

/// Nothing after token `j - 1` makes it a quantity: `with a 25 on the E/M` but not `with a 25
/// minute visit`.
fn ends_cleanly(cx: &Context, j: usize) -> bool {
    match cx.kind(j) {
        None => true,
        Some(Kind::Word) => {
            let w = cx.lw(j);
            lexicon::is_function_word(w)
                || cx.keyword[j].is_some()
                || cx.shapes[j].has(Shapes::MODIFIER)
                || !cx.shapes[j].is_empty()
        }
        Some(
            Kind::Stop
            | Kind::Comma
            | Kind::Semicolon
            | Kind::Close
            | Kind::Open
            | Kind::Slash
            | Kind::Dash
            | Kind::At
            | Kind::Colon,
        ) => true,
        _ => false,
    }
}

/// `with a 25`, `append 59`, `w/ XU`, `using the 25`.
fn verb_before(cx: &Context, i: usize) -> bool {
    let mut j = i;
    if j >= 1 && cx.is_word(j - 1) && lexicon::is_article(cx.lw(j - 1)) {
        j -= 1;
    }
    if j >= 2 && cx.kind(j - 1) == Some(Kind::Slash) && cx.lw(j - 2) == "w" {
        return cx.same_sentence(j - 2, i);
    }
    j >= 1
        && cx.is_word(j - 1)
        && lexicon::is_modifier_verb(cx.lw(j - 1))
        && cx.same_sentence(j - 1, i)
}

/// Whether the upper-case modifier at token `i` is an English word of the sentence (`J1100 AS
/// 10 units`, `AT the same visit`): a word modifier followed by a word that is neither a
/// modifier in capitals, a quantity sign (`x2`) nor `modifier`. A count after it keeps it a
/// modifier on a claim line that starts with its code (`27447 AS 2 units`).
fn reads_as_english(cx: &Context, i: usize) -> bool {
    let j = i + 1;
    if !lexicon::is_word_modifier(cx.word(i)) || !cx.is_word(j) || !cx.same_sentence(i, j) {
        return false;
    }
    let w = cx.lw(j);
    let times = w.len() >= 2 && w.starts_with('x') && w[1..].bytes().all(|b| b.is_ascii_digit());
    let modifier = cx.shapes[j].has(Shapes::MODIFIER) && cx.is_upper(j) && !cx.is_digits(j);
    let count_on_claim_line = cx.is_digits(j) && i >= 1 && starts_claim_line(cx, i - 1);
    !(times
        || modifier
        || count_on_claim_line
        || matches!(cx.keyword[j], Some((Keyword::Modifier, _))))
}

/// Whether token `p` starts its sentence, after at most a line label (`Line 1:`, `2.`, `#3 -`).
fn starts_claim_line(cx: &Context, p: usize) -> bool {
    let mut k = p;
    let mut budget = 4;
    while k > 0 && cx.same_sentence(k - 1, p) {
        k -= 1;
        budget -= 1;
        let label = match cx.kind(k) {
            Some(Kind::Word) => cx.is_digits(k) || matches!(cx.lw(k), "line" | "ln"),
            Some(Kind::Colon | Kind::Hash | Kind::Dash | Kind::Close | Kind::Other) => true,
            _ => false,
        };
        if !label || budget == 0 {
            return false;
        }
    }
    true
}

/// `append AS to 27447`: verbs that make even an English word a modifier.
fn strong_verb_before(cx: &Context, i: usize) -> bool {
    let mut j = i;
    if j >= 1 && cx.is_word(j - 1) && lexicon::is_article(cx.lw(j - 1)) {
        j -= 1;
    }
    j >= 1
        && matches!(
            cx.lw(j - 1),
            "append" | "appending" | "appended" | "attach" | "attaching" | "add" | "adding"
        )
}

/// Whether token `i` stands as a word of its own: whitespace or ordinary punctuation on both
/// sides, not glued into binary junk or an identifier.
fn stands_alone(cx: &Context, i: usize) -> bool {
    let open = |k: Option<Kind>| {
        matches!(
            k,
            Some(
                Kind::Open | Kind::Comma | Kind::Slash | Kind::Dash | Kind::Colon | Kind::Semicolon
            )
        )
    };
    let close = |k: Option<Kind>| {
        matches!(
            k,
            None | Some(
                Kind::Close
                    | Kind::Comma
                    | Kind::Slash
                    | Kind::Stop
                    | Kind::Colon
                    | Kind::Semicolon
                    | Kind::Dash
                    | Kind::At
            )
        )
    };
    let before = i == 0 || cx.toks[i].space_before || open(cx.kind(i - 1));
    let after = i + 1 >= cx.toks.len() || cx.toks[i + 1].space_before || close(cx.kind(i + 1));
    before && after
}

fn side(word: &str) -> bool {
    matches!(word, "LT" | "RT")
}

/// How many tokens a claim line is searched for its procedure code.
const LINE_REACH: usize = 64;

/// The first procedure code on the line of token `i`, looking back then forward.
fn procedure_on_line(cx: &Context, found: &[Found], i: usize) -> Option<usize> {
    let line = cx.toks[i].line;
    // Bounded, so a huge one-line table stays linear.
    let back = (i.saturating_sub(LINE_REACH)..i)
        .rev()
        .take_while(|&j| cx.toks[j].line == line)
        .filter(|&j| is_procedure(found, j))
        .last();
    back.or_else(|| {
        (i + 1..cx.toks.len().min(i + LINE_REACH))
            .take_while(|&j| cx.toks[j].line == line)
            .find(|&j| is_procedure(found, j))
    })
}

/// The modifiers of the text, in order.
pub(super) fn find(cx: &Context, found: &[Found]) -> Vec<ModifierAt> {
    let n = cx.toks.len();
    // For each token: None (no modifier), Some(attached procedure token or None).
    let mut mods: Vec<Option<Option<usize>>> = vec![None; n];
    for i in 0..n {
        let s = cx.shapes[i];
        if !s.has(Shapes::MODIFIER) || cx.in_keyword[i] || cx.negative[i] {
            continue;
        }
        if cx.role[i] == Some(Role::Quantity) {
            continue;
        }
        let w = cx.word(i);
        let up = cx.is_upper(i);
        let numeric = cx.is_digits(i);
        let dash_before = i >= 1 && cx.kind(i - 1) == Some(Kind::Dash);
        let same_line = |j: usize| cx.toks[j].line == cx.toks[i].line;

        if cx.role[i] == Some(Role::Modifier) {
            mods[i] = Some(procedure_on_line(cx, found, i));
            continue;
        }
        // Glued to a code or to the modifier before it: `99213-25`, `26615-59-XU`, `64483 -RT`.
        if dash_before && i >= 2 {
            let p = i - 2;
            if is_procedure(found, p) {
                mods[i] = Some(Some(p));
                continue;
            }
            if let Some(attached) = mods[p] {
                if cx.glued(p, p + 1) || cx.glued(p + 1, i) {
                    mods[i] = Some(attached);
                    continue;
                }
            }
        }
        if !(up || numeric) && cx.governed[i] != Some(Keyword::Modifier) {
            continue;
        }
        if cx.governed[i] == Some(Keyword::Modifier) {
            mods[i] = Some(None);
            continue;
        }
        // `-XU`, `(-59)` standing alone.
        if dash_before
            && cx.glued(i - 1, i)
            && (i == 1
                || cx.toks[i - 1].space_before
                || matches!(cx.kind(i - 2), Some(Kind::Open | Kind::Comma | Kind::Slash)))
            && !(i >= 2 && cx.is_digits(i - 2))
        {
            mods[i] = Some(None);
            continue;
        }
        // `J1100 AS 10 units`, `99213 AT the same visit`: an English word, not a modifier.
        let english = up && reads_as_english(cx, i);
        if up && lexicon::is_distinctive_modifier(w) && stands_alone(cx, i) {
            // Still on its claim line after a code or its modifiers: `E0114 RR KX`.
            let on_line = i >= 1 && cx.toks[i].space_before && same_line(i - 1);
            let attached = if on_line && is_procedure(found, i - 1) {
                Some(i - 1)
            } else if on_line {
                mods[i - 1].flatten()
            } else {
                None
            };
            mods[i] = Some(attached);
            continue;
        }
        let pair_side = |j: usize| cx.is_word(j) && side(cx.word(j));
        if side(w)
            && stands_alone(cx, i)
            && ((cx.kind(i + 1) == Some(Kind::Slash) && pair_side(i + 2))
                || (i >= 2 && cx.kind(i - 1) == Some(Kind::Slash) && pair_side(i - 2)))
        {
            mods[i] = Some(None);
            continue;
        }
        // After a procedure code or a modifier on a claim line: `20610 RT`, `64483 50 @ 1 unit`.
        if i >= 1 && cx.toks[i].space_before && same_line(i - 1) && !english {
            let p = i - 1;
            let marker = claim_marker(cx, i + 1)
                || (cx.is_word(i + 1)
                    && cx.shapes[i + 1].has(Shapes::MODIFIER)
                    && cx.is_upper(i + 1));
            if is_procedure(found, p) && (!numeric || marker || cx.sentence(i).modifier) {
                mods[i] = Some(Some(p));
                continue;
            }
            if let Some(attached) = mods[p] {
                if !numeric || marker {
                    mods[i] = Some(attached);
                    continue;
                }
            }
        }
        if cx.kind(i + 1) == Some(Kind::At) {
            if let Some(p) = procedure_on_line(cx, found, i) {
                mods[i] = Some(Some(p));
                continue;
            }
        }
        // `so P3 too?`: a modifier added to the codes already asked about.
        let too = up
            && !numeric
            && !english
            && cx.is_word(i + 1)
            && matches!(cx.lw(i + 1), "too" | "also")
            && ends_cleanly(cx, i + 2)
            && cx.text_has_code;
        if too
            || verb_before(cx, i)
                && ends_cleanly(cx, i + 1)
                && (cx.about_codes(i) || cx.text_has_code)
                && (!english || strong_verb_before(cx, i))
        {
            mods[i] = Some(None);
            continue;
        }
        // Further items of a list of modifiers: `XU or XS`, `25/59`.
        if i >= 2 && !english {
            let sep = matches!(cx.kind(i - 1), Some(Kind::Comma | Kind::Slash | Kind::Amp))
                || matches!(cx.lw(i - 1), "or" | "and");
            if sep && mods[i - 2].is_some() {
                mods[i] = Some(mods[i - 2].flatten());
            }
        }
    }
    // The first of a choice of modifiers whose second was found: `GA or GZ?`, `JG/TB`.
    for i in (0..n.saturating_sub(2)).rev() {
        let w = cx.word(i);
        if mods[i].is_some()
            || !cx.shapes[i].has(Shapes::MODIFIER)
            || !cx.is_upper(i)
            || cx.is_digits(i)
            || cx.in_keyword[i]
            || cx.negative[i]
            || !lexicon::is_modifier(w)
            || lexicon::is_word_modifier(w)
            || !stands_alone(cx, i)
        {
            continue;
        }
        let choice = cx.kind(i + 1) == Some(Kind::Slash) || cx.lw(i + 1) == "or";
        if choice && cx.is_upper(i + 2) && !cx.is_digits(i + 2) {
            if let Some(attached) = mods[i + 2] {
                mods[i] = Some(attached);
            }
        }
    }
    attach_groups(cx, found, &mut mods);
    mods.iter()
        .enumerate()
        .filter_map(|(tok, m)| m.map(|attached_to| ModifierAt { tok, attached_to }))
        .collect()
}

/// Whether token `k` may stand between a modifier and the code it modifies.
fn connector(cx: &Context, k: usize) -> bool {
    match cx.kind(k) {
        Some(Kind::Word) => {
            matches!(cx.keyword[k], Some((Keyword::Modifier, _)))
                || cx.in_keyword[k] && cx.keyword[k].is_none()
                || matches!(
                    cx.lw(k),
                    "with"
                        | "w"
                        | "and"
                        | "using"
                        | "plus"
                        | "a"
                        | "an"
                        | "the"
                        | "append"
                        | "appended"
                        | "appending"
                        | "add"
                        | "added"
                        | "adding"
                        | "use"
                )
        }
        Some(Kind::Slash | Kind::Dash | Kind::Colon) => true,
        _ => false,
    }
}

/// Whether token `k` may stand between a modifier and the code after it (`modifier 59 on the
/// CPT 20610`).
fn forward_connector(cx: &Context, k: usize, first: bool) -> bool {
    match cx.kind(k) {
        Some(Kind::Word) => {
            if first {
                matches!(cx.lw(k), "on" | "to" | "for")
            } else {
                cx.in_keyword[k]
                    || matches!(
                        cx.lw(k),
                        "the" | "a" | "an" | "code" | "codes" | "procedure"
                    )
            }
        }
        Some(Kind::Colon) => !first,
        _ => false,
    }
}

/// Gives each group of modifiers that is not glued to a code the code the sentence attaches it
/// to: `modifier 59 on 20610`, `99214 with modifier 25`.
fn attach_groups(cx: &Context, found: &[Found], mods: &mut [Option<Option<usize>>]) {
    let n = mods.len();
    let mut i = 0;
    while i < n {
        if mods[i] != Some(None) {
            i += 1;
            continue;
        }
        // The group: modifiers joined by separators, keywords and `and`/`or`.
        let first = i;
        let mut last = i;
        let mut k = i + 1;
        while k < n && cx.same_sentence(first, k) {
            match cx.kind(k) {
                Some(Kind::Comma | Kind::Slash | Kind::Amp | Kind::Dash) => k += 1,
                Some(Kind::Word) if mods[k].is_some() => {
                    last = k;
                    k += 1;
                }
                Some(Kind::Word) if matches!(cx.lw(k), "and" | "or") => k += 1,
                Some(Kind::Word) if matches!(cx.keyword[k], Some((Keyword::Modifier, _))) => {
                    // `the 59 modifier on 20552`: the code is looked for after the keyword.
                    last = k;
                    k += 1;
                }
                _ => break,
            }
        }
        let mut target = None;
        // Forward: `... on (the) (CPT) 20610`.
        let mut k = last + 1;
        let mut steps = 0;
        while k < n && steps < 6 && cx.same_sentence(first, k) {
            if is_procedure(found, k) && steps > 0 {
                target = Some(k);
                break;
            }
            if !forward_connector(cx, k, steps == 0) {
                break;
            }
            k += 1;
            steps += 1;
        }
        // Backward: `99214 with modifier 25`, `99213 w/ 25`.
        if target.is_none() {
            let mut k = first;
            let mut steps = 0;
            while k > 0 && steps < 6 {
                k -= 1;
                steps += 1;
                if !cx.same_sentence(first, k) {
                    break;
                }
                if is_procedure(found, k) {
                    target = Some(k);
                    break;
                }
                if !connector(cx, k) {
                    break;
                }
            }
        }
        if let Some(t) = target {
            for m in mods.iter_mut().take(last + 1).skip(first) {
                if *m == Some(None) {
                    *m = Some(Some(t));
                }
            }
        }
        i = last + 1;
    }
}
