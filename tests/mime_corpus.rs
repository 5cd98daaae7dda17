//! The shared corpus of real-world MIME messages (../shared/corpora/mime, or CODEDESK_CORPORA):
//! every message goes through `question::parse` and `extract` without a panic, every bounce is
//! recognised as automatic mail (and as a bounce when it carries a delivery status report), and the two known non-bounces are told apart.

mod common;

use codedesk::extract::{NoCatalog, extract};
use codedesk::question::{AutomaticKind, Limits, parse};
use std::path::{Path, PathBuf};

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
    let Some(corpora) = common::corpora() else {
        return;
    };
    let all = messages(&corpora.join("mime"), None);
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

/// Whether the top message (not one attached to it) carries a delivery status report: a
/// `message/delivery-status` part or a `multipart/report; report-type=delivery-status`.
fn has_delivery_status(raw: &[u8]) -> bool {
    use mail_parser::MimeHeaders;
    let Some(msg) = mail_parser::MessageParser::default().parse(raw) else {
        return false;
    };
    msg.parts.iter().any(|part| {
        part.content_type().is_some_and(|ct| {
            let subtype = ct.subtype().unwrap_or("").to_ascii_lowercase();
            let main = ct.ctype().to_ascii_lowercase();
            (main == "message"
                && matches!(
                    subtype.as_str(),
                    "delivery-status" | "global-delivery-status"
                ))
                || (main == "multipart"
                    && subtype == "report"
                    && ct
                        .attribute("report-type")
                        .is_some_and(|r| r.trim().eq_ignore_ascii_case("delivery-status")))
        })
    })
}

#[test]
fn every_bounce_is_automatic() {
    let Some(corpora) = common::corpora() else {
        return;
    };
    let bounces = messages(&corpora.join("mime/bounces"), Some("not"));
    assert!(bounces.len() >= 400, "found only {} bounces", bounces.len());
    let mut missed = Vec::new();
    let mut not_bounce = Vec::new();
    let mut kinds = std::collections::BTreeMap::new();
    let mut with_status = 0;
    for path in &bounces {
        let raw = std::fs::read(path).expect("read bounce");
        let q = parse(&raw, &Limits::default());
        let status = has_delivery_status(&raw);
        with_status += usize::from(status);
        match q.automatic {
            Some(a) => {
                *kinds.entry(a.kind.as_str()).or_insert(0) += 1;
                if status && a.kind != AutomaticKind::Bounce {
                    not_bounce.push(format!("{}: {a:?}", path.display()));
                }
            }
            None => missed.push(path.display().to_string()),
        }
    }
    println!(
        "{} bounces ({with_status} with a delivery-status part), recognised as {kinds:?}",
        bounces.len()
    );
    assert!(
        missed.is_empty(),
        "not recognised as automatic:\n{}",
        missed.join("\n")
    );
    assert!(
        with_status >= 240,
        "only {with_status} delivery-status reports found"
    );
    assert!(
        not_bounce.is_empty(),
        "a delivery status report not recognised as a bounce:\n{}",
        not_bounce.join("\n")
    );
}

#[test]
fn the_non_bounces_are_told_apart() {
    let Some(corpora) = common::corpora() else {
        return;
    };
    let not = corpora.join("mime/bounces/not");
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
