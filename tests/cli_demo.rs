//! The README's main command, `codedesk demo`, run as a new user runs it: in an empty folder
//! outside the checkout, with nothing configured.

mod common;

use common::TempDir;
use std::process::Command;

#[test]
fn the_demo_answers_its_example_questions_from_an_empty_folder() {
    let dir = TempDir::new("cli-demo");
    let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_CONFIG")
        .arg("demo")
        .output()
        .expect("run codedesk demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "9 questions, 9 stored: 5 replies sent, 2 held for staff, 2 ignored, 0 failed."
        ),
        "{stdout}"
    );
    assert!(stdout.contains("automatic mail (bounce)"), "{stdout}");
    assert!(stdout.contains("follows up case #1"), "{stdout}");
    let replies: Vec<_> = std::fs::read_dir(dir.path().join("codedesk-demo/outbox"))
        .expect("the outbox folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    // One .eml per reply sent, and one acknowledgement for each of the two held cases.
    assert!(
        stdout.contains("(7 .eml files: 5 replies, 2 acknowledgements of held cases)"),
        "{stdout}"
    );
    assert_eq!(
        replies.len(),
        7,
        "one .eml per reply sent or acknowledgement"
    );
    let mut acknowledgements = 0;
    for r in replies {
        let raw = std::fs::read_to_string(r.path()).unwrap();
        assert!(raw.contains("Auto-Submitted: auto-replied"), "{raw}");
        assert!(!raw.contains("{{"), "no template syntax in a reply");
        if raw.contains("the coding desk has received it") {
            acknowledgements += 1;
        }
    }
    assert_eq!(acknowledgements, 2);
}
