//! Fuzzes the whole pure consultation: any bytes through `question::parse`, `extract`, `answer`
//! (over findings made up for the codes found, with descriptors cut from the input so odd text
//! reaches the templates) and every kind of reply `Replier::compose` writes. Nothing may panic;
//! a composed reply must parse back, keep every line within 998 bytes and name one recipient.

#![no_main]

use codedesk::answer::{Findings, answer};
use codedesk::codes::{CodeEntry, CodeSystem, CodeVersion, Replacement};
use codedesk::date::Date;
use codedesk::extract::{NoCatalog, extract};
use codedesk::question::{Limits, parse};
use codedesk::reply::{Replier, ReplyKind, ReplySettings};
use libfuzzer_sys::fuzz_target;
use std::sync::{LazyLock, Once};

static HOOK: Once = Once::new();

/// As in `question_extract`: mail-parser's `debug_assert!`s are caught by `question::parse`.
fn tolerate_parser_assertions() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let in_parser = info
                .location()
                .is_some_and(|l| l.file().contains("/mail-parser-"));
            if !in_parser {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

static REPLIER: LazyLock<Replier> = LazyLock::new(|| {
    Replier::new(ReplySettings {
        from: "Coding Desk <consult@desk.example>".into(),
        message_id_domain: "desk.example".into(),
        footer: "Guidance, not a coverage decision.".into(),
        templates: concat!(env!("CARGO_MANIFEST_DIR"), "/../templates").into(),
    })
    .expect("the templates load")
});

/// An entry for `code`: valid from 2020, deleted at the end of 2024 when `deleted`, its
/// descriptor a piece of the input.
fn entry(system: CodeSystem, code: &str, descriptor: &str, deleted: bool) -> CodeEntry {
    let mut e = CodeEntry::empty(system, code);
    e.versions.push(CodeVersion {
        valid_from: Date::from_days(18_262),
        valid_to: deleted.then(|| Date::from_days(20_088)),
        billable: !deleted,
        short_desc: Some(descriptor.chars().take(28).collect()),
        long_desc: descriptor.to_string(),
        plain_desc: None,
        release: "fuzz release".into(),
    });
    if deleted {
        e.replaced_by.push(Replacement {
            code: code.to_string(),
            effective: Date::from_days(20_089),
            inferred: false,
        });
    }
    e
}

fuzz_target!(|data: &[u8]| {
    tolerate_parser_assertions();
    let Some((&knobs, raw)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_text_bytes: 64 << 10,
        ..Limits::default()
    };
    let q = parse(raw, &limits);
    let refs = extract(&q.text, &NoCatalog);
    let words: Vec<&str> = q.text.split_whitespace().collect();
    let mut findings = Findings::default();
    for (i, r) in refs.iter().enumerate() {
        if (knobs >> (i % 4)) & 1 == 1 {
            continue; // left unknown
        }
        let descriptor = words
            .get(i % words.len().max(1))
            .copied()
            .unwrap_or("Descriptor");
        findings
            .entries
            .push(entry(r.system, &r.code, descriptor, knobs & 0x10 != 0));
    }
    let today = Date::from_days(20_000 + i32::from(knobs) * 7);
    let a = answer(&q.text, &refs, &findings, today);
    let kinds = [
        ReplyKind::Answer(&a),
        ReplyKind::NotRegistered,
        ReplyKind::OverQuota { quota: 3 },
        ReplyKind::Unprocessable("it is too large to read"),
    ];
    for kind in kinds {
        let Ok(reply) = REPLIER.compose(kind, &q, "CD-1", 1_768_435_200) else {
            continue;
        };
        for line in reply.raw.split(|&b| b == b'\n') {
            assert!(line.len() <= 998, "a line of {} bytes", line.len());
        }
        let back = mail_parser::MessageParser::default()
            .parse(&reply.raw)
            .expect("the reply parses");
        assert_eq!(back.to().map(|t| t.iter().count()), Some(1));
    }
});
