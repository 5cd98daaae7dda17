//! `codedesk import`.

use crate::config::Config;
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `codedesk import`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `codedesk import`.
pub async fn run(_config: &Config, _args: Args) -> Result<ExitCode> {
    anyhow::bail!("not built yet")
}

/// Runs `codedesk reindex`.
pub async fn reindex(_config: &Config) -> Result<ExitCode> {
    anyhow::bail!("not built yet")
}
