//! Precision and recall of `question::parse` + `extract` over the labelled corpus in
//! tests/fixtures/questions (see its README.md): each must be at least 0.97, with no catalog,
//! and every automatic message must be recognised as the kind its label says.

mod common;

use codedesk::codes::CodeSystem;
use codedesk::extract::{CodeOracle, CodeRef, CodeSet, NoCatalog, extract};
use codedesk::question::{Limits, parse};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

const THRESHOLD: f64 = 0.97;

#[derive(Deserialize)]
struct Expected {
    automatic: Option<String>,
    codes: Vec<ExpectedCode>,
}

#[derive(Deserialize)]
struct ExpectedCode {
    system: String,
    code: String,
    #[serde(default)]
    range_end: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

/// The items scored: each distinct reference (`CPT 99202..99215`), and each modifier attached to
/// a code (`CPT 99213+25`).
fn items<'a>(
    codes: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>, &'a [String])>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (system, code, end, modifiers) in codes {
        match end {
            Some(end) => out.insert(format!("{system} {code}..{end}")),
            None => out.insert(format!("{system} {code}")),
        };
        for m in modifiers {
            out.insert(format!("{system} {code}+{m}"));
        }
    }
    out
}

fn found_items(refs: &[CodeRef]) -> BTreeSet<String> {
    items(refs.iter().map(|r| {
        (
            r.system.as_str(),
            r.code.as_str(),
            r.range_end.as_deref(),
            r.modifiers.as_slice(),
        )
    }))
}

#[test]
fn precision_and_recall_over_the_labelled_questions() {
    score(&NoCatalog, "no catalog");
}

/// The same corpus with the real code sets confirming ambiguous tokens, as the worker runs it:
/// a known code needs no context, so this is where a ZIP code or an amount that happens to be a
/// code would show up.
#[test]
fn precision_and_recall_with_the_real_code_sets_as_oracle() {
    let Some(root) = common::codesets() else {
        return;
    };
    let mut known: Vec<(CodeSystem, String)> = Vec::new();
    for (file, system) in [
        ("icd10cm/icd10cm_order_2026.txt", CodeSystem::Icd10Cm),
        ("icd10pcs/icd10pcs_order_2026.txt", CodeSystem::Icd10Pcs),
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("order file");
        for line in text.lines() {
            if let Some(code) = line.get(6..13) {
                known.push((system, code.trim().to_string()));
            }
        }
    }
    let mue = std::fs::read(root.join("ncci/mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"))
        .expect("MUE file");
    for line in String::from_utf8_lossy(&mue).lines() {
        let code = line.split(',').next().unwrap_or("").to_string();
        known.push((CodeSystem::Cpt, code.clone()));
        known.push((CodeSystem::Hcpcs, code));
    }
    let oracle = CodeSet::new(known.iter().map(|(s, c)| (*s, c.as_str())));
    score(&oracle, "real code sets");
}

fn score(oracle: &dyn CodeOracle, label: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/questions");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read tests/fixtures/questions")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 60,
        "only {} questions in the corpus",
        names.len()
    );

    let (mut tp, mut fp, mut fne) = (0usize, 0usize, 0usize);
    let mut scored = 0;
    let mut report = Vec::new();
    let mut automatic_errors = Vec::new();
    for eml in &names {
        let name = eml
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        let label = eml.with_extension("expected.json");
        let expected: Expected = serde_json::from_slice(
            &std::fs::read(&label).unwrap_or_else(|e| panic!("{}: {e}", label.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", label.display()));
        let q = parse(&std::fs::read(eml).expect("read eml"), &Limits::default());
        let kind = q.automatic.as_ref().map(|a| a.kind.as_str().to_string());
        if kind != expected.automatic {
            automatic_errors.push(format!(
                "{name}: automatic {kind:?}, expected {:?} ({:?})",
                expected.automatic, q.automatic
            ));
        }
        if expected.automatic.is_some() {
            continue;
        }
        scored += 1;
        let refs = extract(&q.text, oracle);
        let found = found_items(&refs);
        let want = items(expected.codes.iter().map(|c| {
            (
                c.system.as_str(),
                c.code.as_str(),
                c.range_end.as_deref(),
                c.modifiers.as_slice(),
            )
        }));
        let hit = found.intersection(&want).count();
        tp += hit;
        let extra: Vec<_> = found.difference(&want).cloned().collect();
        let missed: Vec<_> = want.difference(&found).cloned().collect();
        fp += extra.len();
        fne += missed.len();
        if !extra.is_empty() || !missed.is_empty() {
            report.push(format!(
                "{name}: extra {extra:?} missed {missed:?}\n    text: {:?}",
                q.text
            ));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fne).max(1) as f64;
    println!(
        "corpus: {} messages ({scored} questions scored), {tp} items right, {fp} extra, {fne} missed",
        names.len()
    );
    println!("{label}: precision {precision:.4}  recall {recall:.4}  (threshold {THRESHOLD})");
    for line in &report {
        println!("  {line}");
    }
    assert!(
        automatic_errors.is_empty(),
        "{}",
        automatic_errors.join("\n")
    );
    assert!(
        precision >= THRESHOLD && recall >= THRESHOLD,
        "precision {precision:.4} / recall {recall:.4} below {THRESHOLD}:\n{}",
        report.join("\n")
    );
}
