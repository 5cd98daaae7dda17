//! `codedesk import FILE|DIR...` and `codedesk reindex`.

use crate::codes::Catalog;
use crate::codes::import::{self, Outcome, Overrides};
use crate::config::Config;
use crate::date::Date;
use crate::store::Store;
use anyhow::Result;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `codedesk import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Official code-set files (any mix; the format is read from the content) or folders of them.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub files: Vec<PathBuf>,
    /// First day the release applies, for files whose name carries no year or date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub effective: Option<Date>,
    /// The release's name (e.g. FY2027), instead of the one read from the file.
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,
    /// NCCI setting: practitioner, hospital or dme (read from the file when not given).
    #[arg(long, value_name = "SETTING")]
    pub setting: Option<String>,
}

/// Files in folders are taken in name order; documentation in them is passed over.
fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if !is_documentation(&path) {
                        found.push(path);
                    }
                }
            }
            found.sort();
            out.extend(found.into_iter().map(|f| (f, true)));
        } else {
            out.push((p.clone(), false));
        }
    }
    Ok(out)
}

fn is_documentation(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.starts_with('.')
        || [".pdf", ".md", ".doc", ".docx", ".zip", ".html"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains("readme")
        || name.contains("recordlayout")
        || name.contains("proc_notes")
}

fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs `codedesk import`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    let overrides = Overrides {
        effective: args.effective,
        version: args.release,
        setting: args.setting,
    };
    let mut failed = 0;
    let mut imported = 0;
    for (path, from_dir) in expand(&args.files)? {
        release_free_memory();
        let started = Instant::now();
        match import::run(&store, &path, &overrides, progress_bar()).await {
            Ok(Outcome::Imported { meta, counts }) => {
                imported += 1;
                let counts: Vec<String> = counts
                    .iter()
                    .map(|(k, n)| format!("{} {k}", thousands(*n)))
                    .collect();
                println!(
                    "imported {}: {} ({}, from {}) in {:.1} s: {}",
                    path.display(),
                    meta.release_label(),
                    meta.format.label(),
                    meta.effective_from,
                    started.elapsed().as_secs_f64(),
                    counts.join(", ")
                );
            }
            Ok(Outcome::AlreadyImported { at }) => {
                println!(
                    "{}: already imported on {at}; nothing changed",
                    path.display()
                );
            }
            Err(e) if from_dir && e.downcast_ref::<import::UnknownFormat>().is_some() => {
                let why = e
                    .downcast_ref::<import::UnknownFormat>()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                println!("{}: skipped ({why})", path.display());
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e:#}\n  nothing of {} was imported", path.display());
            }
        }
    }
    release_free_memory();
    let started = Instant::now();
    let catalog = Catalog::open(store.clone(), &config.index.dir).await?;
    if imported > 0 {
        println!(
            "search index {}: {} codes in {:.1} s",
            config.index.dir.display(),
            thousands(catalog.len()),
            started.elapsed().as_secs_f64()
        );
    }
    store.close().await;
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `codedesk reindex`.
pub async fn reindex(config: &Config) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    let started = Instant::now();
    let catalog = Catalog::reindex(store.clone(), &config.index.dir).await?;
    println!(
        "search index {}: {} codes in {:.1} s",
        config.index.dir.display(),
        thousands(catalog.len()),
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Gives memory freed by the last file back to the system, so that one large file after another
/// does not add up (glibc keeps freed memory otherwise).
fn release_free_memory() {
    // SAFETY: malloc_trim only returns unused heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// `74719` as `74,719`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
