//! The binary installed with `cargo install --path . --root PREFIX` into an empty prefix, run
//! from an empty folder outside the checkout (no `../shared` beside it) with no CODEDESK_*
//! variable: `demo`, `init` and `--version` need nothing from the folder it was built in.

mod common;

use common::TempDir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The cargo target folder and profile (`debug` or `release`) this test run built the binary in.
fn target_and_profile() -> (PathBuf, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_codedesk"));
    let profile_dir = bin.parent().expect("the binary's folder");
    let profile = profile_dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (profile_dir.parent().unwrap().to_path_buf(), profile)
}

/// `cargo install --path . --root PREFIX --locked --offline` in the target folder and profile of
/// this test run (`--debug` for `cargo test`), so the build just made is reused: nothing is
/// compiled again, and the install takes seconds.
fn install(prefix: &Path) -> PathBuf {
    assert!(!prefix.exists(), "the prefix must start empty");
    let (target, profile) = target_and_profile();
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["install", "--path", ".", "--locked", "--offline", "--root"])
        .arg(prefix)
        .arg("--target-dir")
        .arg(&target)
        .env("CARGO_TERM_COLOR", "never");
    // The variables cargo set for this test, not for the cargo that built it: build scripts
    // that watch them (ring's watches CARGO_PKG_NAME, CARGO_MANIFEST_DIR, ...) would run again.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_tests = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
            .iter()
            .any(|p| name.starts_with(p))
            || [
                "CARGO",
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if set_for_tests {
            cmd.env_remove(name.as_ref());
        }
    }
    if profile == "debug" {
        cmd.arg("--debug");
    }
    let started = Instant::now();
    let out = cmd.output().expect("run cargo install");
    let log = text(&out);
    assert!(out.status.success(), "cargo install failed:\n{log}");
    eprintln!(
        "cargo install --root {} took {:.1} s:\n{log}",
        prefix.display(),
        started.elapsed().as_secs_f64()
    );
    // The build of this test run was reused: a rebuild here would cost CI minutes.
    assert!(
        !log.contains("Compiling "),
        "cargo install compiled again instead of reusing the test build:\n{log}"
    );
    let installed = prefix.join("bin/codedesk");
    assert!(installed.is_file(), "{log}");
    let bin: Vec<_> = std::fs::read_dir(prefix.join("bin"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(bin, ["codedesk"], "PREFIX/bin holds the one binary");
    installed
}

/// Runs the installed binary in `dir` with no CODEDESK_* variable and no cargo variable.
fn run(binary: &Path, dir: &Path, args: &[&str]) -> Output {
    run_cmd(Command::new(binary), dir, args)
}

/// Runs `cmd` with `args` in `dir` with no CODEDESK_* variable and no cargo variable.
fn run_cmd(mut cmd: Command, dir: &Path, args: &[&str]) -> Output {
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

/// `demo` in `dir` under strace, when strace works here: the files it opened or looked at, else
/// `None` (a container may forbid ptrace).
fn traced_demo(binary: &Path, dir: &Path, log: &Path) -> Option<(Output, String)> {
    let works = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("strace is not usable here: which files demo reads is not checked");
        return None;
    }
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=%file", "-e", "signal=none", "-o"])
        .arg(log)
        .arg(binary);
    let out = run_cmd(cmd, dir, &["demo"]);
    Some((out, std::fs::read_to_string(log).unwrap_or_default()))
}

#[test]
fn the_installed_binary_runs_demo_and_init_from_an_empty_folder() {
    let root = TempDir::new("install");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = install(&root.path().join("prefix"));
    let work = root.path().join("empty");
    std::fs::create_dir_all(&work).unwrap();
    assert!(
        !work.starts_with(checkout),
        "{} is in the checkout",
        work.display()
    );
    assert!(
        !work.join("../shared").exists(),
        "no ../shared beside the folder"
    );

    let (demo, opened) = match traced_demo(&binary, &work, &root.path().join("strace.log")) {
        Some((out, log)) => (out, Some(log)),
        None => (run(&binary, &work, &["demo"]), None),
    };
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
    // Five replies and the acknowledgements of the two held cases.
    assert_eq!(replies, 7, "{out}");
    // The sample it imported came out of the binary, into the demo's folder.
    assert!(
        work.join("codedesk-demo/sample/icd10cm_order_2026.txt")
            .is_file()
    );
    if let Some(opened) = opened {
        // Nothing of the source tree was opened, or even looked for.
        let needle = format!("\"{}/", checkout.display());
        let touched: Vec<_> = opened.lines().filter(|l| l.contains(&needle)).collect();
        assert!(
            touched.is_empty(),
            "demo touched the checkout: {touched:#?}"
        );
        let shared: Vec<_> = opened.lines().filter(|l| l.contains("shared/")).collect();
        assert!(
            shared.is_empty(),
            "demo looked for shared files: {shared:#?}"
        );
        assert!(
            opened.contains("\"codedesk-demo/"),
            "the trace saw the demo's own files"
        );
    }

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
