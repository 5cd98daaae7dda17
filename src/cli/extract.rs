//! `codedesk extract`: what codedesk understands of one message (automatic or not, the code
//! references, the new text), for a person or as JSON. Reads the file; the rest is the pure core.

use crate::codes::Catalog;
use crate::config::Config;
use crate::extract::{self, CodeOracle, CodeRef, NoCatalog};
use crate::question::{self, Limits, Question};
use crate::store::Store;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `codedesk extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message: an .eml file, or `-` for standard input.
    #[arg(value_name = "FILE.eml|-")]
    pub file: PathBuf,
    /// Print JSON: {"automatic", "codes", "text", ...}.
    #[arg(long)]
    pub json: bool,
}

/// The JSON `codedesk extract --json` prints.
#[derive(Serialize)]
struct Output<'a> {
    automatic: &'a Option<question::Automatic>,
    codes: &'a [CodeRef],
    text: &'a str,
    subject: &'a str,
    /// Codes in the subject line (offsets into the subject).
    subject_codes: &'a [CodeRef],
    from: &'a Option<question::Mailbox>,
    /// Where a reply goes: Reply-To, else From.
    reply_address: Option<&'a question::Mailbox>,
    message_id: &'a Option<String>,
    attachments: &'a [question::Attachment],
    limits_hit: &'a [question::LimitHit],
}

/// Runs `codedesk extract`. With a search index in place, ambiguous tokens are confirmed against
/// the catalog; without one, codes are found by shape and context alone (said on stderr).
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let raw = read(&args.file)?;
    let q = question::parse(&raw, &Limits::default());
    let catalog = if config.index.dir.join("meta.json").exists() {
        let store = Store::connect(&config.database.url).await?;
        Some(Catalog::open(store, &config.index.dir).await?)
    } else {
        eprintln!(
            "note: no catalog at {} (run codedesk import): codes are found by shape and context only",
            config.index.dir.display()
        );
        None
    };
    let oracle: &dyn CodeOracle = match &catalog {
        Some(c) => c,
        None => &NoCatalog,
    };
    let codes = extract::extract(&q.text, oracle);
    let subject_codes = extract::extract(&q.subject, oracle);
    if args.json {
        let out = Output {
            automatic: &q.automatic,
            codes: &codes,
            text: &q.text,
            subject: &q.subject,
            subject_codes: &subject_codes,
            from: &q.from,
            reply_address: q.reply_address(),
            message_id: &q.message_id,
            attachments: &q.attachments,
            limits_hit: &q.limits_hit,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", human(&q, &codes, &subject_codes));
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn read(file: &PathBuf) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut raw)
            .context("cannot read the message from standard input")?;
    } else {
        raw = std::fs::read(file)
            .with_context(|| format!("cannot read the message {}", file.display()))?;
    }
    Ok(raw)
}

fn human(q: &Question, codes: &[CodeRef], subject_codes: &[CodeRef]) -> String {
    let mut out = String::new();
    let from = q
        .from
        .as_ref()
        .map_or("(none)".to_string(), |m| m.to_string());
    out.push_str(&format!("From:      {from}\n"));
    if let Some(r) = &q.reply_to {
        out.push_str(&format!("Reply-To:  {r}\n"));
    }
    out.push_str(&format!("Subject:   {}\n", q.subject));
    match &q.automatic {
        Some(a) => out.push_str(&format!("Automatic: {} ({})\n", a.kind, a.reason)),
        None => out.push_str("Automatic: no\n"),
    }
    for a in &q.attachments {
        let name = a.name.as_deref().unwrap_or("(unnamed)");
        out.push_str(&format!(
            "Attached:  {name} ({}, {} bytes)\n",
            a.content_type, a.size
        ));
    }
    for hit in &q.limits_hit {
        out.push_str(&format!("Limit:     {hit}\n"));
    }
    let list = |title: &str, refs: &[CodeRef], out: &mut String| {
        out.push_str(&format!("{title}\n"));
        if refs.is_empty() {
            out.push_str("  (none)\n");
        }
        for r in refs {
            let mut line = format!("  {:<9} {}", r.system.as_str(), r.code);
            if let Some(end) = &r.range_end {
                line.push_str(&format!(" to {end}"));
            }
            for m in &r.modifiers {
                line.push_str(&format!(" -{m}"));
            }
            out.push_str(&format!(
                "{line:<36} {:?} at {}..{}\n",
                r.text, r.start, r.end
            ));
        }
    };
    if !subject_codes.is_empty() {
        list("Codes in the subject:", subject_codes, &mut out);
    }
    list("Codes:", codes, &mut out);
    out.push_str("Text:\n");
    for line in q.text.lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}
