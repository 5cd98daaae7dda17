//! The codedesk binary: parse the command line, set up logging, run a command, map errors to exit
//! codes (1: the command failed, 2: bad usage, 3: a looked-up code is unknown; see README).

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Imports and index builds allocate in bursts on several threads: with one malloc arena per
    // thread, freed memory piles up in arenas; two keep the peak near what is really in use.
    // SAFETY: mallopt only sets an allocator parameter, before any thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    let cli = codedesk::cli::Cli::parse();
    if !cli.command.is_server() {
        // A command that prints ends quietly when the reader of its output does
        // (`codedesk search x | head -1`), as Unix tools do; Rust ignores SIGPIPE, which would
        // make the next print panic. Servers keep ignoring it: they outlive a closed pipe.
        // SAFETY: restores the default disposition of one signal, before any thread exists.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    // The demo prints its own report; the worker's info lines would bury it.
    let default_filter = match cli.command {
        codedesk::cli::Command::Demo(_) => "warn,sqlx=error",
        _ => "warn,codedesk=info,sqlx=error",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CODEDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    // Colour only on a terminal, and never with NO_COLOR set (https://no-color.org): log files
    // and collectors get plain text.
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
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
