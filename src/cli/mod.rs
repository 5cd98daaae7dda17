//! The command line: arguments, the shared context every command starts from, one file per command.

mod answer;
mod check_config;
mod demo;
mod demo_mail;
mod extract;
mod import;
mod init;
mod lookup;
mod mailbox;
mod purge;
mod queue;
mod search;
mod serve;
mod user;
mod web;
pub mod worker;

use crate::config::Config;
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// codedesk: answers medical-coding questions sent by email, from the official code sets.
#[derive(Debug, Parser)]
#[command(
    name = "codedesk",
    version = crate::embedded::VERSION,
    about,
    propagate_version = true
)]
pub struct Cli {
    /// The config file (TOML); missing is fine unless given explicitly.
    #[arg(long, global = true, env = "CODEDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://codedesk.db (default) or postgres://user@host/db.
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,
    /// Folder of the search index (default codedesk-index).
    #[arg(long, global = true, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Log lines as text (default) or as one JSON object per line, for a log collector.
    #[arg(
        long,
        global = true,
        env = "CODEDESK_LOG_FORMAT",
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written (on standard error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line: timestamp, level, target, message and fields.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job on embedded defaults: import the bundled sample and answer from it.
    Demo(demo::Args),
    /// Write a commented codedesk.toml for a real deployment (IMAP/SMTP, database, staff page,
    /// policy) in the current folder; an existing file is never overwritten.
    Init(init::Args),
    /// Import official code-set files (format detected from content) and rebuild the index.
    Import(import::Args),
    /// Look codes up: description, billable or header, notes, validity, MUE, PTP edits.
    Lookup(lookup::Args),
    /// Ranked codes for words ("radiculopathy lumbar").
    Search(search::Args),
    /// Rebuild the search index from the database.
    Reindex,
    /// Show what codedesk understands of a message: automatic or not, code references, new text.
    Extract(extract::Args),
    /// Answer the mailbox: questions in, replies out, until SIGTERM or Ctrl-C (`--once`: what is
    /// there now).
    Worker(worker::Args),
    /// List the cases waiting for staff (held) or failed.
    Queue(queue::Args),
    /// Validate the configuration and try each connection (database, index, mailbox, outbox).
    CheckConfig,
    /// Answer one message from the catalog: print the reply (RFC 5322) or, with --json, the answer.
    Answer(answer::Args),
    /// Staff accounts of the staff page: add, passwd, list.
    User(user::Args),
    /// The staff page alone, on `[web] listen` (default 127.0.0.1:8025).
    Web(web::Args),
    /// The worker and the staff page together, until SIGTERM or Ctrl-C.
    Serve(serve::Args),
    /// Delete the message bodies of closed cases older than an age (`--older-than 90d`), keeping
    /// their figures and history.
    Purge(purge::Args),
    /// OAuth2 sign-in of the desks' mailboxes: `login [NAME]` (device code) and `status`.
    Mailbox(mailbox::Args),
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Init(args) = &cli.command {
        return init::run(cli.config.as_deref(), args);
    }
    let config = load_config(&cli)?;
    match cli.command {
        Command::Init(_) => unreachable!("init runs without a config"),
        Command::Demo(args) => demo::run(&config, args).await,
        Command::Import(args) => import::run(&config, args).await,
        Command::Lookup(args) => lookup::run(&config, args).await,
        Command::Search(args) => search::run(&config, args).await,
        Command::Reindex => import::reindex(&config).await,
        Command::Extract(args) => extract::run(&config, args).await,
        Command::Worker(args) => worker::run(&config, args).await,
        Command::Queue(args) => queue::run(&config, args).await,
        Command::CheckConfig => check_config::run(&config).await,
        Command::Answer(args) => answer::run(&config, args).await,
        Command::User(args) => user::run(&config, args).await,
        Command::Web(args) => web::run(&config, args).await,
        Command::Serve(args) => serve::run(&config, args).await,
        Command::Purge(args) => purge::run(&config, args).await,
        Command::Mailbox(args) => mailbox::run(&config, args).await,
    }
}

/// The config from `--config` (or `codedesk.toml` if present), the environment and the global
/// options, in rising order of precedence.
pub fn load_config(cli: &Cli) -> Result<Config> {
    let (path, required) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from("codedesk.toml"), false),
    };
    let mut config = Config::load(&path, required, std::env::vars())?;
    if let Some(db) = &cli.db {
        crate::store::backend_of(db)?;
        config.database.url = db.clone();
    }
    if let Some(index) = &cli.index {
        config.index.dir = index.clone();
    }
    let names: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .collect();
    for name in crate::config::unknown_variables(names.iter().map(String::as_str), &config) {
        tracing::warn!(
            "{name} is set, but codedesk reads no such variable: ignored (settings are \
             CODEDESK_<SECTION>_<KEY>, e.g. CODEDESK_DATABASE_URL)"
        );
    }
    Ok(config)
}

impl Command {
    /// Whether the command serves until stopped (worker, staff page): it must outlive a closed
    /// standard output or error; the others end at once when the reader of their output does.
    pub fn is_server(&self) -> bool {
        matches!(
            self,
            Command::Worker(_) | Command::Web(_) | Command::Serve(_)
        )
    }
}
