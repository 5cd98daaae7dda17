//! `codedesk serve`: the worker and the staff page in one process, until SIGTERM or Ctrl-C stops
//! both (the worker finishes the work in hand).

use super::worker::{run_worker, shutdown_on_signals};
use crate::config::Config;
use crate::store::Store;
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `codedesk serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Poll the mailbox every N seconds instead of using IMAP IDLE.
    #[arg(long, value_name = "SECONDS")]
    pub poll: Option<u64>,
    /// Listen here instead of `[web] listen`.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

/// Runs the worker and the page until a shutdown signal; fails when either fails.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let mut config = config.clone();
    if let Some(listen) = args.listen {
        config.web.listen = listen;
    }
    let shutdown = shutdown_on_signals();
    let store = Store::connect(&config.database.url).await?;
    let mut stop_page = shutdown.clone();
    let page = crate::web::serve(store.clone(), config.clone(), async move {
        let _ = stop_page.wait_for(|stop| *stop).await;
    });
    let worker = run_worker(&config, false, args.poll, shutdown);
    tokio::pin!(page, worker);
    // Either failing stops the command; after a signal both end and are awaited.
    let result = tokio::select! {
        r = &mut page => r.and(worker.await.map(|_| ())),
        r = &mut worker => r.map(|_| ()).and(page.await),
    };
    store.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
