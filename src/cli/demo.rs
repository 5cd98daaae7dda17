//! `codedesk demo`: the main job on embedded defaults. Imports the bundled sample into the local
//! database, then drops the example questions into a local Maildir, runs the worker over it and
//! reports what was answered, held and ignored, so a fresh clone shows the whole path without any
//! download or server.

use crate::codes::Catalog;
use crate::codes::import::{self, Outcome, Overrides};
use crate::config::Config;
use crate::store::Store;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `codedesk demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A sample folder to import instead of the one built into the binary.
    #[arg(long, value_name = "DIR")]
    pub sample: Option<PathBuf>,
    /// The folder for the demo's mailbox and outbox (made fresh on each run).
    #[arg(long, value_name = "DIR", default_value = "codedesk-demo")]
    pub dir: PathBuf,
}

/// The sample folder: the one given, else the built-in sample written to `DIR/sample`.
fn sample_dir(given: Option<PathBuf>, dir: &Path) -> Result<PathBuf> {
    if let Some(given) = given {
        if !given.is_dir() {
            bail!("--sample {} is not a folder", given.display());
        }
        return Ok(given);
    }
    let out = dir.join("sample");
    crate::private_files::create_dir_all(&out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    for (name, bytes) in crate::embedded::SAMPLE {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("cannot write the sample file {}", path.display()))?;
    }
    Ok(out)
}

/// Runs `codedesk demo`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let dir = sample_dir(args.sample, &args.dir)?;
    let store = Store::connect(&config.database.url).await?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();
    println!(
        "codedesk demo: importing the bundled sample from {}",
        dir.display()
    );
    for f in &files {
        match import::run(
            &store,
            f,
            &Overrides::default(),
            indicatif::ProgressBar::hidden(),
        )
        .await?
        {
            Outcome::Imported { meta, .. } => {
                println!(
                    "  imported {} ({})",
                    f.file_name().unwrap_or_default().to_string_lossy(),
                    meta.release_label()
                )
            }
            Outcome::AlreadyImported { .. } => {
                println!(
                    "  {} was imported before",
                    f.file_name().unwrap_or_default().to_string_lossy()
                )
            }
        }
    }
    let catalog = Catalog::open(store.clone(), &config.index.dir).await?;
    println!(
        "  {} codes in the search index {}\n",
        catalog.len(),
        config.index.dir.display()
    );
    drop(catalog);
    store.close().await;
    super::demo_mail::run(config, &args.dir).await?;
    Ok(ExitCode::SUCCESS)
}
