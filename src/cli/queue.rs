//! `codedesk queue`: the cases waiting for staff (held) or in trouble (failed), until the staff
//! page shows them; times in the desk's zone (`[desk] timezone`).

use crate::config::Config;
use crate::store::Store;
use crate::store::cases::{self, CaseFilter, CaseState};
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `codedesk queue`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which states to list (default: held and failed).
    #[arg(long, value_name = "STATE", value_delimiter = ',')]
    pub state: Vec<String>,
    /// At most this many cases.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
}

/// Runs `codedesk queue`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let states = if args.state.is_empty() {
        vec![CaseState::Held, CaseState::Failed]
    } else {
        args.state
            .iter()
            .map(|s| s.parse())
            .collect::<Result<Vec<CaseState>>>()?
    };
    let zone = config.desk.zone()?;
    let store = Store::connect(&config.database.url).await?;
    let filter = CaseFilter {
        states: states.clone(),
        limit: args.limit,
        ..CaseFilter::default()
    };
    let total = cases::count(&store, &filter).await?;
    let list = cases::list(&store, &filter).await?;
    let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    println!("{total} cases {}", names.join(" or "));
    for c in &list {
        let why = c
            .reason
            .as_deref()
            .or(c.last_error.as_deref())
            .unwrap_or("");
        println!(
            "{:>7}  {:<7}  {}  {:<30}  {}  {}",
            c.id.to_string(),
            c.state.as_str(),
            zone.time_label(c.received_at),
            c.sender.as_deref().unwrap_or("-"),
            c.subject.as_deref().unwrap_or(""),
            why
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
