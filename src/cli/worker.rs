//! `codedesk worker`: runs the worker until SIGTERM or Ctrl-C (or, with `--once`, over what is in
//! the mailbox now), and the shared set-up the demo also uses.

use crate::codes::Catalog;
use crate::config::Config;
use crate::mailbox::{Mailbox, MailboxOptions};
use crate::store::Store;
use crate::worker::{self, DeskMailbox, RunOptions, RunReport, Worker, WorkerSettings};
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::watch;

/// Arguments of `codedesk worker`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Process what is in the mailbox now, send what is due, and exit.
    #[arg(long)]
    pub once: bool,
    /// Poll the mailbox every N seconds instead of using IMAP IDLE.
    #[arg(long, value_name = "SECONDS")]
    pub poll: Option<u64>,
}

/// Opens everything the worker needs from `config` and runs it.
pub async fn run_worker(
    config: &Config,
    once: bool,
    poll: Option<u64>,
    shutdown: watch::Receiver<bool>,
) -> Result<RunReport> {
    let store = Store::connect(&config.database.url).await?;
    let catalog = Catalog::open(store.clone(), &config.index.dir)
        .await
        .with_context(|| {
            format!(
                "cannot open the code catalog (index {})",
                config.index.dir.display()
            )
        })?;
    let settings = WorkerSettings::for_config(config);
    let worker = Arc::new(Worker::new(config, store.clone(), catalog, settings)?);
    let mut options = MailboxOptions::default();
    if let Some(secs) = poll {
        options.use_idle = false;
        options.poll_interval = std::time::Duration::from_secs(secs.max(1));
    }
    let mut mailboxes = Vec::new();
    for (desk, served) in config.desks().into_iter().zip(worker.desks()) {
        let tokens = served.tokens.clone();
        let options = MailboxOptions {
            tokens: tokens.clone(),
            ..options.clone()
        };
        let mailbox = Mailbox::open(&desk.mailbox, options)
            .with_context(|| format!("cannot set up the mailbox {}", desk.name))?;
        mailboxes.push(DeskMailbox {
            key: worker::desk_key(&desk)?,
            name: desk.name,
            mailbox,
            tokens,
        });
    }
    let sent_folder = if config.outbox.save_sent && config.mailbox.kind == "imap" {
        let options = MailboxOptions {
            tokens: worker.desks()[0].tokens.clone(),
            ..options
        };
        Some(Mailbox::open(&config.mailbox, options)?)
    } else {
        None
    };
    tracing::info!(mailboxes = mailboxes.len(), once, "worker starting");
    let report = worker::run(
        worker,
        mailboxes,
        sent_folder,
        shutdown,
        RunOptions {
            once,
            ..RunOptions::default()
        },
    )
    .await;
    store.close().await;
    report
}

/// A shutdown signal that turns true on SIGTERM or Ctrl-C.
pub fn shutdown_on_signals() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(t) => t,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot listen for SIGTERM");
                        let _ = ctrl_c.await;
                        let _ = tx.send(true);
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down: finishing the work in hand");
        let _ = tx.send(true);
        // Keep the sender alive so receivers see `true`, not a dropped channel.
        std::future::pending::<()>().await;
    });
    rx
}

/// Runs `codedesk worker`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let shutdown = shutdown_on_signals();
    let report = run_worker(config, args.once, args.poll, shutdown).await?;
    if args.once {
        println!(
            "stored {} new messages, processed {} cases, sent {} replies ({} to retry, {} failed)",
            report.stored, report.processed, report.sent, report.retried, report.failed
        );
    }
    tracing::info!(
        stored = report.stored,
        processed = report.processed,
        sent = report.sent,
        "worker stopped"
    );
    Ok(ExitCode::SUCCESS)
}
