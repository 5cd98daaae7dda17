//! `codedesk web`: the staff page alone, on `[web] listen`, until Ctrl-C or SIGTERM.

use crate::config::Config;
use crate::store::Store;
use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `codedesk web`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Listen here instead of `[web] listen` (e.g. 127.0.0.1:0 for any free port).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

/// Runs the page until a shutdown signal.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let mut config = config.clone();
    if let Some(listen) = args.listen {
        config.web.listen = listen;
    }
    let store = Store::connect(&config.database.url).await?;
    crate::web::serve(store.clone(), config, shutdown_signal()).await?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
