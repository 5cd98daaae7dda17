//! `codedesk lookup`.

use crate::config::Config;
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `codedesk lookup`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `codedesk lookup`.
pub async fn run(_config: &Config, _args: Args) -> Result<ExitCode> {
    anyhow::bail!("not built yet")
}
