//! `codedesk import FILE|DIR|ZIP...` and `codedesk reindex`.

use crate::codes::Catalog;
use crate::codes::catalog::{IndexState, index_state};
use crate::codes::import::{self, Outcome, Overrides};
use crate::config::Config;
use crate::date::Date;
use crate::store::Store;
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `codedesk import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Official code-set files (any mix; the format is read from the content), folders of them, or
    /// the zip archives CMS and CDC publish (archives in them are opened too).
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

/// Files in folders (and folders in them) are taken in name order.
fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)
                    .with_context(|| format!("cannot list the folder {}", dir.display()))?
                {
                    let path = entry?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else {
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

/// Why a file found in a folder or an archive is passed over without reading it, if it is
/// documentation (PDFs, record layouts, read-me files) rather than data.
fn documentation(name: &str) -> Option<&'static str> {
    let name = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    if name.starts_with('.') {
        Some("a hidden file")
    } else if [".pdf", ".md", ".doc", ".docx", ".html", ".htm", ".rtf"]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.contains("readme")
        || name.contains("recordlayout")
        || name.contains("proc_notes")
    {
        Some("documentation, not a code-set file")
    } else {
        None
    }
}

/// Whether a file is a zip archive to open (as CMS and CDC publish their files), not a
/// workbook (xlsx files are zip archives too, and are imported whole).
fn is_archive(name: &str, bytes_start: &[u8]) -> bool {
    name.to_ascii_lowercase().ends_with(".zip") && bytes_start.starts_with(b"PK")
}

/// The largest member of an archive read (uncompressed), far above any official file.
const MAX_MEMBER_BYTES: u64 = 2 << 30;
/// How deep archives in archives are opened.
const MAX_ARCHIVE_DEPTH: usize = 3;

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

/// What one run did, file by file.
struct Tally {
    overrides: Overrides,
    imported: usize,
    already: usize,
    failed: usize,
    skipped: usize,
    /// Standard error is not a terminal: a plain line before each file instead of a bar.
    plain: bool,
}

impl Tally {
    fn skip(&mut self, name: &str, reason: &str) {
        self.skipped += 1;
        println!("skipped {name}: {reason}");
    }

    /// Imports one file's bytes; `in_folder`: found in a folder or archive, so an unknown
    /// format is a skip, not an error.
    async fn import(
        &mut self,
        store: &Store,
        name: &str,
        file_name: &str,
        bytes: Vec<u8>,
        in_folder: bool,
    ) {
        release_free_memory();
        let started = Instant::now();
        if self.plain {
            eprintln!("importing {name} ({} bytes)", thousands(bytes.len() as u64));
        }
        match import::run_bytes(
            store,
            name,
            file_name,
            bytes,
            &self.overrides,
            progress_bar(),
        )
        .await
        {
            Ok(Outcome::Imported { meta, counts }) => {
                self.imported += 1;
                let counts: Vec<String> = counts
                    .iter()
                    .map(|(k, n)| format!("{} {k}", thousands(*n)))
                    .collect();
                println!(
                    "imported {name}: {} ({}, from {}) in {:.1} s: {}",
                    meta.release_label(),
                    meta.format.label(),
                    meta.effective_from,
                    started.elapsed().as_secs_f64(),
                    counts.join(", ")
                );
            }
            Ok(Outcome::AlreadyImported { at }) => {
                self.already += 1;
                println!("{name}: already imported on {at}; nothing changed");
            }
            Err(e) if in_folder && e.downcast_ref::<import::UnknownFormat>().is_some() => {
                let reason = e
                    .downcast_ref::<import::UnknownFormat>()
                    .map(|u| u.0.clone())
                    .unwrap_or_default();
                self.skip(name, &reason);
            }
            Err(e) => {
                self.failed += 1;
                eprintln!("error: {e:#}\n  nothing of {name} was imported");
            }
        }
    }

    /// Imports every member of the zip archive `bytes` (named `name`), archives in it too.
    async fn archive(&mut self, store: &Store, name: &str, bytes: Vec<u8>, depth: usize) {
        let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
            Ok(z) => z,
            Err(e) => {
                self.failed += 1;
                eprintln!("error: {name} is not a readable zip archive: {e}");
                return;
            }
        };
        let mut members: Vec<(usize, String)> = (0..zip.len())
            .filter_map(|i| {
                let m = zip.by_index_raw(i).ok()?;
                (!m.is_dir()).then(|| (i, m.name().to_string()))
            })
            .collect();
        members.sort_by(|a, b| a.1.cmp(&b.1));
        for (i, member) in members {
            let shown = format!("{name}!{member}");
            let file_name = member.rsplit('/').next().unwrap_or(&member).to_string();
            if let Some(reason) = documentation(&member) {
                self.skip(&shown, reason);
                continue;
            }
            let read = zip.by_index(i).and_then(|m| {
                let mut out = Vec::new();
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(m, MAX_MEMBER_BYTES + 1),
                    &mut out,
                )?;
                Ok(out)
            });
            let member_bytes = match read {
                Ok(b) if b.len() as u64 > MAX_MEMBER_BYTES => {
                    self.skip(&shown, "larger than 2 GiB uncompressed");
                    continue;
                }
                Ok(b) => b,
                Err(e) => {
                    self.failed += 1;
                    eprintln!("error: cannot read {shown}: {e}");
                    continue;
                }
            };
            if is_archive(&file_name, &member_bytes) {
                if depth >= MAX_ARCHIVE_DEPTH {
                    self.skip(&shown, "an archive nested too deep");
                } else {
                    Box::pin(self.archive(store, &shown, member_bytes, depth + 1)).await;
                }
                continue;
            }
            self.import(store, &shown, &file_name, member_bytes, true)
                .await;
        }
    }
}

/// Runs `codedesk import`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    let mut tally = Tally {
        overrides: Overrides {
            effective: args.effective,
            version: args.release,
            setting: args.setting,
        },
        imported: 0,
        already: 0,
        failed: 0,
        skipped: 0,
        plain: !std::io::stderr().is_terminal(),
    };
    for (path, from_dir) in expand(&args.files)? {
        let name = path.display().to_string();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.clone());
        if from_dir {
            if let Some(reason) = documentation(&name) {
                tally.skip(&name, reason);
                continue;
            }
        }
        let bytes = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(e) => {
                tally.failed += 1;
                eprintln!("error: cannot read {name}: {e}");
                continue;
            }
        };
        if is_archive(&file_name, &bytes) {
            tally.archive(&store, &name, bytes, 1).await;
        } else {
            tally
                .import(&store, &name, &file_name, bytes, from_dir)
                .await;
        }
    }
    release_free_memory();
    let state = index_state(&store, &config.index.dir).await?;
    if tally.imported > 0 || !matches!(state, IndexState::Current { .. }) {
        let started = Instant::now();
        println!(
            "building the search index {} ...",
            config.index.dir.display()
        );
        let catalog = Catalog::reindex(store.clone(), &config.index.dir).await?;
        println!(
            "search index {}: {} codes in {:.1} s",
            config.index.dir.display(),
            thousands(catalog.len()),
            started.elapsed().as_secs_f64()
        );
    }
    store.close().await;
    if tally.failed > 0 {
        return Ok(ExitCode::FAILURE);
    }
    if tally.imported + tally.already == 0 {
        eprintln!(
            "error: nothing was imported: no file was recognised as a code-set file ({} \
             skipped, each listed above with the reason). Give the official files, folders or \
             zip archives of them as CMS and CDC publish them.",
            tally.skipped
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
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
