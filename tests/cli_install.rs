//! The binary installed on its own, as `cargo install --root PREFIX` lays it out (PREFIX/bin),
//! run from an empty folder outside the checkout with no CODEDESK_* variable: `demo`, `init`
//! and `--version` need nothing from the folder it was built in.

mod common;

use common::TempDir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A copy of the built binary in `PREFIX/bin`, as `cargo install --root PREFIX` leaves it.
fn install(prefix: &Path) -> PathBuf {
    let bin = prefix.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let installed = bin.join("codedesk");
    std::fs::copy(env!("CARGO_BIN_EXE_codedesk"), &installed).expect("copy the binary");
    installed
}

/// Runs the installed binary in `dir` with no CODEDESK_* variable and no cargo variable.
fn run(binary: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(binary);
    cmd.current_dir(dir).args(args).env_clear();
    for keep in ["PATH", "HOME", "TMPDIR", "LANG"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    cmd.output().expect("run the installed codedesk")
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_installed_binary_runs_demo_and_init_from_an_empty_folder() {
    let root = TempDir::new("install");
    let binary = install(&root.path().join("prefix"));
    let work = root.path().join("empty");
    std::fs::create_dir_all(&work).unwrap();

    let demo = run(&binary, &work, &["demo"]);
    let out = text(&demo);
    assert!(demo.status.success(), "{out}");
    assert!(
        out.contains("9 questions, 9 stored: 5 replies sent, 2 held for staff, 2 ignored"),
        "{out}"
    );
    let replies = std::fs::read_dir(work.join("codedesk-demo/outbox"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .count();
    assert_eq!(replies, 5, "{out}");
    // The sample it imported came out of the binary, into the demo's folder.
    assert!(
        work.join("codedesk-demo/sample/icd10cm_order_2026.txt")
            .is_file()
    );

    let init_dir = root.path().join("deploy");
    std::fs::create_dir_all(&init_dir).unwrap();
    let init = run(&binary, &init_dir, &["init", "--provider", "google"]);
    assert!(init.status.success(), "{}", text(&init));
    let written = std::fs::read_to_string(init_dir.join("codedesk.toml")).unwrap();
    assert!(written.contains("host = \"imap.gmail.com\""), "{written}");
    // The file it wrote is a valid config: a command that loads it runs.
    let queue = run(&binary, &init_dir, &["queue"]);
    assert!(queue.status.success(), "{}", text(&queue));
    // A second init refuses to overwrite, and says so.
    let again = run(&binary, &init_dir, &["init"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert_eq!(
        std::fs::read_to_string(init_dir.join("codedesk.toml")).unwrap(),
        written
    );
}

#[test]
fn the_binary_names_no_file_of_its_checkout() {
    // The paths the binary once fell back to (the templates and the demo files of the folder
    // it was built in) are not in it any more: what it needs is carried inside.
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_codedesk")).unwrap();
    let checkout = env!("CARGO_MANIFEST_DIR");
    for folder in ["templates", "data/sample", "data/demo"] {
        let needle = format!("{checkout}/{folder}");
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "the binary refers to {needle}"
        );
    }
}

#[test]
fn version_names_the_commit() {
    let root = TempDir::new("version");
    let out = run(
        Path::new(env!("CARGO_BIN_EXE_codedesk")),
        root.path(),
        &["--version"],
    );
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(out.status.success(), "{printed}");
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let commit = head.unwrap_or_else(|| "unknown".into());
    assert_eq!(
        printed,
        format!("codedesk {} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );
}
