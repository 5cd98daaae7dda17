//! `codedesk answer [--json] [--date D] FILE.eml`: the whole pure core on one message, with the
//! catalog: prints the complete reply message, or with `--json` the structured answer. Sends
//! nothing and stores nothing.

use crate::codes::Catalog;
use crate::config::Config;
use crate::consult::consult;
use crate::date::Date;
use crate::question::Limits;
use crate::reply::{self, Replier, ReplyKind, ReplySettings};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `codedesk answer`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The question: an .eml file, or `-` for standard input.
    #[arg(value_name = "FILE.eml|-")]
    pub file: PathBuf,
    /// The day of the answer when the question names no date of service (default: today); also
    /// dates the reply (midnight UTC), so the output is the same on every run.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
    /// Print the structured answer as JSON instead of the reply message.
    #[arg(long)]
    pub json: bool,
}

/// Runs `codedesk answer`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let raw = super::extract::read(&args.file)?;
    if !config.index.dir.join("meta.json").exists() {
        bail!(
            "no catalog at {} (run codedesk import with the code-set files first)",
            config.index.dir.display()
        );
    }
    let store = Store::connect(&config.database.url).await?;
    let catalog = Catalog::open(store, &config.index.dir).await?;
    // Today where the desk is (`[desk] timezone`).
    let today = match args.date {
        Some(d) => d,
        None => config.desk.zone()?.date_of(crate::worker::now_unix_pub()),
    };
    let consultation = consult(&catalog, &raw, &Limits::default(), today).await?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &consultation.answer)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = ReplySettings::from_config(&config.reply, &config.outbox.from);
    let replier = Replier::new(settings).context("cannot load the reply templates")?;
    let now_unix = match args.date {
        Some(d) => i64::from(d.days()) * 86_400,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    let case_ref = reply::case_ref_in(&consultation.question)
        .unwrap_or_else(|| reply::case_ref_for(&consultation.question, &raw));
    let reply = replier
        .compose(
            ReplyKind::Answer(&consultation.answer),
            &consultation.question,
            &case_ref,
            now_unix,
        )
        .context("cannot compose the reply")?;
    out.write_all(&reply.raw)?;
    Ok(ExitCode::SUCCESS)
}
