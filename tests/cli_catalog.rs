//! The catalog commands as a user runs them: the real binary, its arguments, variables, config
//! file, output and exit codes.

mod common;

use common::{TempDir, sample};
use serde_json::Value;
use std::process::{Command, Output};

fn codedesk(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_INDEX_DIR")
        .env_remove("CODEDESK_CONFIG")
        .args(args)
        .output()
        .expect("run codedesk")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn import_lookup_and_search_through_the_binary() {
    let dir = TempDir::new("cli");
    let sample = sample();
    let out = codedesk(
        &dir,
        &[
            "--db",
            "sqlite://cat.db",
            "--index",
            "ix",
            "import",
            sample.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("icd10cm_order_2026.txt") && stdout.contains("ICD-10-CM FY2026"),
        "{stdout}"
    );
    assert!(stdout.contains("search index"), "{stdout}");

    // Importing again changes nothing and says so.
    let again = codedesk(
        &dir,
        &[
            "--db",
            "sqlite://cat.db",
            "--index",
            "ix",
            "import",
            sample.to_str().unwrap(),
        ],
    );
    assert!(
        text(&again).0.contains("already imported"),
        "{}",
        text(&again).0
    );

    let out = codedesk(
        &dir,
        &[
            "--db",
            "sqlite://cat.db",
            "--index",
            "ix",
            "lookup",
            "--json",
            "--date",
            "2026-01-15",
            "m5416",
            "J1030",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list[0]["code"], "M54.16");
    assert_eq!(list[0]["system"], "ICD10CM");
    assert_eq!(list[0]["description"], "Radiculopathy, lumbar region");
    assert_eq!(list[0]["billable"], true);
    assert_eq!(list[0]["status"], "valid");
    assert_eq!(list[1]["code"], "J1030");
    assert_eq!(list[1]["status"], "deleted");

    // The index folder and database also come from variables.
    let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env("CODEDESK_DATABASE_URL", "sqlite://cat.db")
        .env("CODEDESK_INDEX_DIR", "ix")
        .args(["search", "--json", "--limit", "3", "radiculopaty", "lumbar"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["code"], "M54.16", "{json}");

    // An unknown code: exit 3, and the message names the code sets consulted.
    let out = codedesk(
        &dir,
        &[
            "--db",
            "sqlite://cat.db",
            "--index",
            "ix",
            "lookup",
            "Z99.999",
        ],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr.contains("Z99.999")
            && stderr.contains("not in the loaded code sets")
            && stderr.contains("FY2026"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_config_key_is_an_error_that_names_it() {
    let dir = TempDir::new("cli-config");
    std::fs::write(
        dir.path().join("codedesk.toml"),
        "[database]\nurl = \"sqlite://x.db\"\nuser = \"me\"\n",
    )
    .unwrap();
    let out = codedesk(&dir, &["lookup", "M54.16"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("user") && stderr.contains("codedesk.toml"),
        "{stderr}"
    );

    std::fs::remove_file(dir.path().join("codedesk.toml")).unwrap();
    let out = codedesk(&dir, &["--db", "mysql://x", "lookup", "M54.16"]);
    assert!(text(&out).1.contains("sqlite://"), "{}", text(&out).1);
}

#[test]
fn a_file_without_a_release_asks_for_effective_and_imports_nothing() {
    let dir = TempDir::new("cli-effective");
    let src = std::fs::read(sample().join("icd10cm_order_2026.txt")).unwrap();
    std::fs::write(dir.path().join("order.txt"), &src).unwrap();
    let out = codedesk(
        &dir,
        &[
            "--db",
            "sqlite://e.db",
            "--index",
            "ix",
            "import",
            "order.txt",
        ],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("--effective") && stderr.contains("order.txt"),
        "{stderr}"
    );
    let out = codedesk(
        &dir,
        &[
            "--db",
            "sqlite://e.db",
            "--index",
            "ix",
            "import",
            "--effective",
            "2025-10-01",
            "--release",
            "FY2026",
            "order.txt",
        ],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        text(&out).0.contains("ICD-10-CM FY2026"),
        "{}",
        text(&out).0
    );
}
