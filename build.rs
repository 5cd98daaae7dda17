//! Build script: lists the files the binary carries (the reply templates, the demo sample and the
//! demo questions) for `include_bytes!`, and records the git commit for `--version`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file below `dir` (sorted, `/`-separated names relative to it), skipping `skip` folders.
fn files(dir: &Path, rel: &str, skip: &[&str], out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("{} is missing: the build needs it", dir.display());
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let name = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let path = e.path();
        if path.is_dir() {
            if !skip.contains(&name.as_str()) {
                files(&path, &name, skip, out);
            }
        } else {
            out.push((name, path));
        }
    }
}

fn table(
    out: &mut String,
    doc: &str,
    name: &str,
    dir: &Path,
    skip: &[&str],
    keep: fn(&str) -> bool,
) {
    let mut list = Vec::new();
    files(dir, "", skip, &mut list);
    writeln!(out, "/// {doc}").unwrap();
    writeln!(out, "pub const {name}: &[(&str, &[u8])] = &[").unwrap();
    for (rel, path) in list.into_iter().filter(|(rel, _)| keep(rel)) {
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
}

/// The short commit the source was built from, or `unknown` outside a git checkout; tells cargo
/// to run this again when HEAD moves.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let Some(hash) = git(&["rev-parse", "--short=12", "HEAD"]) else {
        return "unknown".into();
    };
    let mut watch = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(branch);
    }
    for w in watch {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &w]) {
            // Only files that exist: a missing one would rerun this script on every build.
            if Path::new(&path).is_file() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    hash
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    for dir in ["templates", "data/sample", "data/demo"] {
        println!("cargo:rerun-if-changed={dir}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    let mut out = String::new();
    table(
        &mut out,
        "The reply templates (`templates/`, without the staff page's `web/`), by name.",
        "REPLY_TEMPLATES",
        &root.join("templates"),
        &["web"],
        |name| name.ends_with(".txt") || name.ends_with(".html"),
    );
    table(
        &mut out,
        "The demo's code-set sample (`data/sample/`), by file name.",
        "SAMPLE",
        &root.join("data/sample"),
        &[],
        |name| !name.ends_with(".md"),
    );
    table(
        &mut out,
        "The demo's questions and follow-up (`data/demo/`), by path.",
        "DEMO",
        &root.join("data/demo"),
        &[],
        |_| true,
    );
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("embedded.rs"), out).unwrap();
    println!("cargo:rustc-env=GIT_COMMIT_OF_CODEDESK={}", commit(&root));
}
