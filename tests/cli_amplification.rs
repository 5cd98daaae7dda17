//! One email cannot make codedesk work for minutes or write a reply of megabytes (security
//! finding 4): a 240 KB message of numbers is answered for its first codes, says how many it left
//! out, and is held for a person.

mod common;

use common::{TempDir, sample};
use serde_json::Value;
use std::fmt::Write as _;
use std::process::{Command, Output};

fn codedesk(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_INDEX_DIR")
        .env_remove("CODEDESK_CONFIG")
        .args(["--db", "sqlite://cat.db", "--index", "ix"])
        .args(args)
        .output()
        .expect("run codedesk")
}

/// A question whose body is `bytes` of distinct CPT-shaped numbers, a few ICD-10-CM codes and
/// ranges among them.
fn flood(bytes: usize) -> String {
    let mut body = String::from("Can I bill all of these together?\r\n");
    let mut n = 10_000u32;
    while body.len() < bytes {
        let _ = write!(body, "{n:05} ");
        if n % 50 == 0 {
            body.push_str("M54.16 E11.9 99202-99215 ");
        }
        if n % 12 == 0 {
            body.push_str("\r\n");
        }
        n += 1;
    }
    format!(
        "From: Coder <coder@clinic.example>\r\nTo: consult@desk.example\r\nSubject: all of them\r\n\
         Message-ID: <flood@clinic.example>\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

#[test]
fn a_flood_of_codes_is_answered_for_the_first_ones_and_held() {
    let dir = TempDir::new("flood");
    let import = codedesk(&dir, &["import", sample().to_str().unwrap()]);
    assert!(import.status.success(), "{import:?}");
    let eml = dir.path().join("flood.eml");
    std::fs::write(&eml, flood(240 << 10)).unwrap();
    let eml = eml.to_str().unwrap();

    let reply = codedesk(&dir, &["answer", "--date", "2026-03-02", eml]);
    assert!(reply.status.success(), "{reply:?}");
    let text = String::from_utf8_lossy(&reply.stdout);
    assert!(
        reply.stdout.len() < 256 << 10,
        "a reply of {} bytes",
        reply.stdout.len()
    );
    assert!(text.contains("Left out:"), "{text}");

    let json = codedesk(&dir, &["answer", "--json", "--date", "2026-03-02", eml]);
    assert!(json.status.success(), "{json:?}");
    let a: Value = serde_json::from_slice(&json.stdout).unwrap();
    let left_out = a["left_out"].as_u64().unwrap();
    assert!(left_out > 30_000, "left out {left_out}");
    assert_eq!(a["confidence"]["level"], "low", "{}", a["confidence"]);
    let treated = a["codes"].as_array().unwrap().len()
        + a["unknown"].as_array().unwrap().len()
        + a["icd9"].as_array().unwrap().len();
    assert!(treated <= 40, "{treated} codes treated");
    assert!(a["ranges"].as_array().unwrap().len() <= 3);
}
