//! `codedesk demo`: the main job on embedded defaults. Imports the bundled sample into the local
//! database and answers a few lookups and a search from it, so a fresh clone shows what codedesk
//! knows without any download or server.

use super::lookup::{consulted, render, view};
use crate::codes::Catalog;
use crate::codes::import::{self, Outcome, Overrides};
use crate::config::Config;
use crate::date::Date;
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
    let date: Date = "2026-01-15".parse()?;
    println!("Lookups as of {date}:\n");
    for raw in ["M5416", "M54.5", "S72.001", "J1030", "99213"] {
        for e in catalog.find(raw)? {
            print!("{}", render(&view(&catalog, raw, e, date).await?));
        }
    }
    let question = "type 2 diabetes without complications";
    println!("Search: {question:?}");
    for (i, hit) in catalog.search(question, None, 5)?.iter().enumerate() {
        let desc = hit
            .entry
            .latest()
            .map(|v| v.long_desc.as_str())
            .unwrap_or("");
        println!("  {}. {:<8} {desc}", i + 1, hit.entry.code);
    }
    println!("\nCode sets consulted: {}", consulted(&catalog).await?);
    println!(
        "Database: {}  Index: {}",
        config.database.url,
        config.index.dir.display()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
