//! Finds the code references in a question's text: CPT, HCPCS, ICD-10-CM, ICD-10-PCS, ICD-9-CM
//! and modifiers, with ranges, lists and which code each modifier modifies. Pure: no I/O; the
//! catalog is asked only through [`CodeOracle`](crate::extract::CodeOracle).
//!
//! One linear pass tokenizes the text; a few more give every token its context (keywords and
//! the lists they govern, the sentence, the table column, negative signs such as `$`, units,
//! identifiers, ZIP codes); then each code-shaped word is decided from its shape, context and,
//! for ambiguous ones, the oracle. A five-digit number that is no known code and stands in no
//! code context is not a code. [`alternatives`] tells which references are offered as one or
//! the other (`99213 or 99214?`), so the answer checks no bundling between them.

mod alternatives;
mod codes;
mod context;
mod lex;
mod lexicon;
mod modifiers;
mod shape;
mod table;

use crate::codes::system::{CodeSystem, normalize};
pub use alternatives::alternatives;
use context::Context;
use lex::Kind;
use serde::Serialize;
use std::collections::HashSet;

/// What the extractor may ask the catalog: whether a code exists.
pub trait CodeOracle {
    /// Whether `code` (in normal form, e.g. `M54.16`) is a code of `system`.
    fn is_known(&self, system: CodeSystem, code: &str) -> bool;
}

/// No catalog: codes are found by shape and context alone.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCatalog;

impl CodeOracle for NoCatalog {
    fn is_known(&self, _system: CodeSystem, _code: &str) -> bool {
        false
    }
}

/// A fixed set of known codes, for tests and small tools.
#[derive(Clone, Debug, Default)]
pub struct CodeSet {
    codes: HashSet<(CodeSystem, String)>,
}

impl CodeSet {
    /// The set of `(system, code)` pairs; codes are normalised on the way in (bad ones dropped).
    pub fn new<'a>(codes: impl IntoIterator<Item = (CodeSystem, &'a str)>) -> CodeSet {
        CodeSet {
            codes: codes
                .into_iter()
                .filter_map(|(system, raw)| normalize(system, raw).map(|code| (system, code)))
                .collect(),
        }
    }
}

impl CodeOracle for CodeSet {
    fn is_known(&self, system: CodeSystem, code: &str) -> bool {
        self.codes.contains(&(system, code.to_string()))
    }
}

/// One code as the text refers to it. Codes the text offers as alternatives (`99213 or 99214?`)
/// are listed by [`alternatives`]: no pair of them is billed together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeRef {
    /// The code system.
    pub system: CodeSystem,
    /// The code in normal form (`M54.16`, `99213`, `25`); for a range, its first code.
    pub code: String,
    /// The last code of a range (`99202-99215`), in normal form.
    pub range_end: Option<String>,
    /// Byte offset of the reference in the text.
    pub start: usize,
    /// Byte offset just past the reference.
    pub end: usize,
    /// The reference as written: `text[start..end]`.
    pub text: String,
    /// The modifiers attached to this procedure code (`99213-25` gives `["25"]`); each also
    /// appears as a reference of its own.
    pub modifiers: Vec<String>,
    /// The attachment the reference was read from (its name), if not the question's text;
    /// `start` and `end` are then offsets into that attachment's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// The code references in `text`, in the order they appear; spans never overlap.
pub fn extract(text: &str, catalog: &dyn CodeOracle) -> Vec<CodeRef> {
    let toks = lex::lex(text);
    let mut cx = Context::new(text, toks);
    let found = codes::decide(&mut cx, catalog);
    let mods = modifiers::find(&cx, &found);

    let n = cx.toks.len();
    let mut attached: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut refs = Vec::new();
    for m in &mods {
        let Some(code) = normalize(CodeSystem::Modifier, cx.word(m.tok)) else {
            continue;
        };
        if let Some(p) = m.attached_to {
            if !attached[p].contains(&code) {
                attached[p].push(code.clone());
            }
        }
        refs.push(reference(
            &cx,
            CodeSystem::Modifier,
            code,
            None,
            m.tok,
            m.tok,
            Vec::new(),
        ));
    }
    let mut i = 0;
    while i < n {
        let Some((system, code)) = &found[i] else {
            i += 1;
            continue;
        };
        let mut last = i;
        let mut range_end = None;
        if let Some(j) = range_partner(&cx, &found, i) {
            if let Some((_, end_code)) = &found[j] {
                range_end = Some(end_code.clone());
                last = j;
            }
        }
        let mut modifiers = std::mem::take(&mut attached[i]);
        if last != i {
            for m in std::mem::take(&mut attached[last]) {
                if !modifiers.contains(&m) {
                    modifiers.push(m);
                }
            }
        }
        refs.push(reference(
            &cx,
            *system,
            code.clone(),
            range_end,
            i,
            last,
            modifiers,
        ));
        i = last + 1;
    }
    refs.sort_by_key(|r| r.start);
    refs
}

fn reference(
    cx: &Context,
    system: CodeSystem,
    code: String,
    range_end: Option<String>,
    first: usize,
    last: usize,
    modifiers: Vec<String>,
) -> CodeRef {
    let start = cx.toks[first].start;
    let end = cx.toks[last].end;
    CodeRef {
        system,
        code,
        range_end,
        start,
        end,
        text: cx.text[start..end].to_string(),
        modifiers,
        origin: None,
    }
}

/// The token ending a range that starts at token `i`: `99202-99215`, `99202 – 99215`,
/// `99202 through 99215`, `from 99202 to 99215`.
fn range_partner(cx: &Context, found: &[codes::Found], i: usize) -> Option<usize> {
    let j = i + 2;
    let (Some((sa, a)), Some(Some((sb, b)))) = (&found[i], found.get(j)) else {
        return None;
    };
    let joined = match cx.kind(i + 1) {
        Some(Kind::Dash) => true,
        Some(Kind::Word) => {
            let w = cx.lw(i + 1);
            lexicon::is_range_word(w)
                || (w == "to" && i >= 1 && matches!(cx.lw(i - 1), "from" | "range"))
        }
        _ => false,
    };
    (joined && sa == sb && a.len() == b.len() && a < b).then_some(j)
}

#[cfg(test)]
mod tests;
