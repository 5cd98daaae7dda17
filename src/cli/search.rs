//! `codedesk search [--system S] [--limit N] [--json] WORDS...`: ranked codes for words; for
//! ICD-10-CM, first where the Index and its Tables lead (text output).

use crate::codes::{Catalog, CodeSystem};
use crate::config::Config;
use crate::store::Store;
use anyhow::Result;
use serde::Serialize;
use std::process::ExitCode;

/// Arguments of `codedesk search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to look for ("radiculopathy lumbar", "type 2 diabetes without complications").
    #[arg(required = true, value_name = "WORDS")]
    pub words: Vec<String>,
    /// Only this system: ICD10CM, ICD10PCS, HCPCS, CPT, MODIFIER.
    #[arg(long, value_name = "SYSTEM")]
    pub system: Option<CodeSystem>,
    /// How many results (default 10).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Row {
    rank: usize,
    code: String,
    system: CodeSystem,
    description: String,
    billable: bool,
    status: &'static str,
    score: f32,
}

/// Runs `codedesk search`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    let catalog = Catalog::open(store.clone(), &config.index.dir).await?;
    let words = args.words.join(" ");
    let today = config.desk.zone()?.date_of(crate::worker::now_unix_pub());
    let hits = catalog.search(&words, args.system, args.limit)?;
    let leads = if args.system.is_none_or(|s| s == CodeSystem::Icd10Cm) {
        catalog.index_leads(&words)
    } else {
        Vec::new()
    };
    let rows: Vec<Row> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let r = h.entry.as_of(today);
            Row {
                rank: i + 1,
                code: h.entry.code.clone(),
                system: h.entry.system,
                description: r
                    .version
                    .map(|v| v.long_desc.clone())
                    .unwrap_or_else(|| "(no description loaded)".into()),
                billable: r.version.is_some_and(|v| v.billable),
                status: r.validity.as_str(),
                score: h.score,
            }
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() && leads.is_empty() {
        if catalog.is_empty() {
            println!("no code sets are loaded: run codedesk import");
        } else {
            println!("no codes match {words:?}");
        }
    } else {
        if !leads.is_empty() {
            println!("ICD-10-CM Index and Tables:");
            for l in &leads {
                let row: Vec<String> = l.row.iter().map(|(h, c)| format!("{h} {c}")).collect();
                println!(
                    "    {} ({}): {}",
                    l.path_text(),
                    l.release,
                    l.code.clone().unwrap_or_else(|| if row.is_empty() {
                        "no code".into()
                    } else {
                        row.join("; ")
                    })
                );
                for n in &l.notes {
                    println!("      {n}");
                }
            }
            println!("Full-text search of the descriptions:");
        }
        for r in &rows {
            let mark = match (r.status, r.billable) {
                ("deleted", _) => "deleted",
                (_, true) => "",
                (_, false) => "header",
            };
            println!(
                "{:>2}. {:<9} {:<9} {:<7} {}",
                r.rank,
                r.code,
                r.system.as_str(),
                mark,
                r.description
            );
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
