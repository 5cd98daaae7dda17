//! `codedesk purge --older-than 90d`: deletes the message bodies of closed cases (sent, ignored)
//! older than the age given, keeping the cases' figures and history; prints how many.

use crate::config::{Config, parse_age};
use crate::store::{Store, retention};
use anyhow::{Context, Result};
use std::process::ExitCode;

/// Arguments of `codedesk purge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Purge closed cases last changed longer ago than this: a whole number and d, h, m or s
    /// (`90d`, `30d`, `12h`).
    #[arg(long, value_name = "AGE")]
    pub older_than: String,
}

/// Runs `codedesk purge`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let age = match parse_age(&args.older_than).context("--older-than") {
        Ok(age) => age,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    let store = Store::connect(&config.database.url).await?;
    let now = crate::worker::now_unix();
    let cutoff = now - age;
    let purged = retention::purge_closed_before(&store, cutoff, "purge", now).await?;
    tracing::info!(purged, "retention purge done");
    println!(
        "purged the message bodies of {purged} closed cases last changed before {}",
        crate::store::rfc3339(cutoff)
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
