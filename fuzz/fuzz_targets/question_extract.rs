//! Fuzzes the pure core's first half: any bytes through `question::parse`, its texts through
//! `extract`, checking the invariants the rest of codedesk relies on.

#![no_main]

use codedesk::extract::{CodeRef, NoCatalog, extract};
use codedesk::question::{Limits, parse};
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static HOOK: Once = Once::new();

/// libFuzzer treats every panic as a crash. mail-parser 0.11.9 has `debug_assert!`s that
/// malformed nesting reaches (inert in release builds); `question::parse` catches those and
/// carries on, so they are let through here. Any other panic still aborts as a crash.
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

fn check(text: &str, refs: &[CodeRef]) {
    let mut last_end = 0;
    for r in refs {
        assert!(r.start >= last_end && r.start < r.end && r.end <= text.len());
        assert_eq!(&text[r.start..r.end], r.text);
        assert_eq!(
            codedesk::codes::normalize(r.system, &r.code).as_deref(),
            Some(r.code.as_str())
        );
        last_end = r.end;
    }
}

fuzz_target!(|data: &[u8]| {
    tolerate_parser_assertions();
    let limits = Limits {
        max_text_bytes: 64 << 10,
        ..Limits::default()
    };
    let q = parse(data, &limits);
    assert!(q.full_text.len() <= limits.max_text_bytes);
    check(&q.text, &extract(&q.text, &NoCatalog));
    check(&q.subject, &extract(&q.subject, &NoCatalog));
    if let Ok(text) = std::str::from_utf8(data) {
        check(text, &extract(text, &NoCatalog));
    }
});
