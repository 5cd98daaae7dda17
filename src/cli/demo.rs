//! `codedesk demo`: the main job on embedded defaults. Imports the bundled sample into the local
//! database, then drops the example questions into a local Maildir, runs the worker over it and
//! reports what was answered, held and ignored, so a fresh clone shows the whole path without any
//! download or server.

use crate::codes::Catalog;
use crate::codes::import::{self, Outcome, Overrides};
use crate::config::Config;
use crate::store::Store;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `codedesk demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sample folder (default: data/sample of this checkout).
    #[arg(long, value_name = "DIR")]
    pub sample: Option<PathBuf>,
    /// The folder for the demo's mailbox and outbox (made fresh on each run).
    #[arg(long, value_name = "DIR", default_value = "codedesk-demo")]
    pub dir: PathBuf,
}

/// The sample folder: given, else `data/sample` here, else the one this binary was built from.
fn sample_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    let candidates = [
        given,
        Some(PathBuf::from("data/sample")),
        Some(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/sample"
        ))),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.is_dir())
        .context("the sample folder data/sample is missing: run codedesk demo from the checkout or pass --sample DIR")
}

/// Runs `codedesk demo`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let dir = sample_dir(args.sample)?;
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
