//! The shared corpus of real-world MIME messages (../shared/corpora/mime, or CODEDESK_CORPORA):
//! every message goes through `question::parse` and `extract` without a panic, every bounce is
//! recognised as automatic mail, and the two known non-bounces are told apart.

use codedesk::extract::{NoCatalog, extract};
use codedesk::question::{AutomaticKind, Limits, parse};
use std::path::{Path, PathBuf};

/// The corpora folder: CODEDESK_CORPORA, else ../shared/corpora next to the crate.
fn corpora() -> PathBuf {
    let dir = std::env::var_os("CODEDESK_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    assert!(
        dir.join("mime").is_dir(),
        "the MIME corpus is not at {}: set CODEDESK_CORPORA to the shared corpora folder \
         (e.g. export CODEDESK_CORPORA=/work/shared/corpora)",
        dir.display()
    );
    dir
}

/// Every `.eml` file under `dir`, sorted, skipping the folder named `skip`.
fn messages(dir: &Path, skip: Option<&str>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()))
        {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if skip.is_none_or(|s| path.file_name().is_some_and(|n| n != s)) {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "eml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_message_parses_and_extracts_without_panic() {
    let all = messages(&corpora().join("mime"), None);
    assert!(
        all.len() > 500,
        "expected the whole corpus, found {} messages",
        all.len()
    );
    let limits = Limits::default();
    let mut codes = 0;
    for path in &all {
        let raw =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let q = parse(&raw, &limits);
        assert!(
            q.full_text.len() <= limits.max_text_bytes,
            "{}",
            path.display()
        );
        codes += extract(&q.text, &NoCatalog).len();
        extract(&q.subject, &NoCatalog);
        extract(&q.full_text, &NoCatalog);
    }
    println!(
        "{} messages parsed, {codes} code references in their new text",
        all.len()
    );
}

#[test]
fn every_bounce_is_automatic() {
    let bounces = messages(&corpora().join("mime/bounces"), Some("not"));
    assert!(bounces.len() >= 400, "found only {} bounces", bounces.len());
    let mut missed = Vec::new();
    let mut kinds = std::collections::BTreeMap::new();
    for path in &bounces {
        let q = parse(
            &std::fs::read(path).expect("read bounce"),
            &Limits::default(),
        );
        match q.automatic {
            Some(a) => *kinds.entry(a.kind.as_str()).or_insert(0) += 1,
            None => missed.push(path.display().to_string()),
        }
    }
    println!("{} bounces, recognised as {kinds:?}", bounces.len());
    assert!(
        missed.is_empty(),
        "not recognised as automatic:\n{}",
        missed.join("\n")
    );
}

#[test]
fn the_non_bounces_are_told_apart() {
    let not = corpora().join("mime/bounces/not");
    let ordinary = parse(
        &std::fs::read(not.join("is-not-bounce-02.eml")).expect("read"),
        &Limits::default(),
    );
    assert_eq!(
        ordinary.automatic, None,
        "an original attached to a message is no bounce"
    );
    let auto = parse(
        &std::fs::read(not.join("rb-issue-368-bug.eml")).expect("read"),
        &Limits::default(),
    );
    let a = auto.automatic.expect("rb-issue-368-bug.eml is automatic");
    assert!(
        matches!(a.kind, AutomaticKind::AutoReply | AutomaticKind::Bounce),
        "{a:?}"
    );
}
