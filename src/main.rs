//! The codedesk binary: parse the command line, set up logging, run a command, map errors to exit
//! codes (1: the command failed, 2: bad usage, 3: a looked-up code is unknown).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Imports and index builds allocate in bursts on several threads: with one malloc arena per
    // thread, freed memory piles up in arenas; two keep the peak near what is really in use.
    // SAFETY: mallopt only sets an allocator parameter, before any thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    let cli = codedesk::cli::Cli::parse();
    // The demo prints its own report; the worker's info lines would bury it.
    let default_filter = match cli.command {
        codedesk::cli::Command::Demo(_) => "warn,sqlx=error",
        _ => "warn,codedesk=info,sqlx=error",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CODEDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        codedesk::cli::LogFormat::Text => logs.init(),
        codedesk::cli::LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(codedesk::cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
