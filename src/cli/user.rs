//! `codedesk user add|passwd|desks|list`: staff accounts from the command line. Passwords are read from
//! a prompt (not echoed) or from stdin, never from an argument.

use crate::config::Config;
use crate::store::Store;
use crate::store::staff::{self, Role};
use crate::web::auth::new_password_hash;
use anyhow::{Context, Result, bail};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// Arguments of `codedesk user`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do with accounts.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The account commands.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is asked for (or read from stdin).
    Add {
        /// The staff member's address, their login name.
        email: String,
        /// `staff` (the queue and cases) or `admin` (also accounts and senders).
        #[arg(long, default_value = "staff", value_parser = ["staff", "admin"])]
        role: String,
    },
    /// Set a new password (ends the account's sessions).
    Passwd {
        /// The account's address.
        email: String,
    },
    /// Limit an account to some desks (`default`, or NAME of `[mailboxes.NAME]`); no desk
    /// names gives it every desk again.
    Desks {
        /// The account's address.
        email: String,
        /// The desks whose cases it sees.
        desks: Vec<String>,
    },
    /// List the accounts.
    List,
}

/// Runs `codedesk user ...`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    match args.command {
        UserCommand::Add { email, role } => {
            let email = normalise(&email)?;
            let role: Role = role.parse()?;
            if staff::find_user(&store, &email).await?.is_some() {
                bail!(
                    "a staff account for {email} already exists: use `codedesk user passwd {email}`"
                );
            }
            let hash = new_password_hash(&email, role, &read_password(true)?)?;
            staff::create_user(&store, &email, role, &hash).await?;
            staff::audit(
                &store,
                None,
                "user.add",
                None,
                &format!("{email} as {}", role.as_str()),
            )
            .await?;
            println!("added {email} ({})", role.as_str());
        }
        UserCommand::Passwd { email } => {
            let email = normalise(&email)?;
            let Some(user) = staff::find_user(&store, &email).await? else {
                bail!("there is no staff account {email}: add it with `codedesk user add {email}`");
            };
            let hash = new_password_hash(&email, user.role, &read_password(true)?)?;
            staff::set_password(&store, &email, &hash).await?;
            staff::audit(&store, None, "user.passwd", None, &email).await?;
            println!("password of {email} changed; its sessions are ended");
        }
        UserCommand::Desks { email, desks } => {
            let email = normalise(&email)?;
            let Some(user) = staff::find_user(&store, &email).await? else {
                bail!("there is no staff account {email}: add it with `codedesk user add {email}`");
            };
            let known: Vec<String> = config.desks().into_iter().map(|d| d.name).collect();
            if let Some(unknown) = desks.iter().find(|d| !known.contains(d)) {
                bail!(
                    "there is no desk {unknown:?} in the config: the desks are {}",
                    known.join(", ")
                );
            }
            staff::set_desks(&store, user.id, &desks).await?;
            let shown = if desks.is_empty() {
                "all".to_string()
            } else {
                staff::desks_text(&desks)
            };
            staff::audit(
                &store,
                None,
                "user.desks",
                None,
                &format!("{email} desks: {shown}"),
            )
            .await?;
            println!("{email} now sees the cases of desks: {shown}");
        }
        UserCommand::List => {
            for u in staff::list_users(&store).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.email,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "enabled" },
                    if u.desks.is_empty() {
                        "all desks".to_string()
                    } else {
                        u.desks.join(",")
                    }
                );
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn normalise(email: &str) -> Result<String> {
    let email = email.trim().to_ascii_lowercase();
    if !email.contains('@') || email.chars().any(char::is_whitespace) {
        bail!("{email:?} is not an email address: staff log in with their address");
    }
    Ok(email)
}

/// The password: from a prompt without echo (asked twice) on a terminal, else stdin's first line.
fn read_password(confirm: bool) -> Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = prompt("Password: ")?;
    if confirm && prompt("Again: ")? != first {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

fn prompt(label: &str) -> Result<String> {
    eprint!("{label}");
    std::io::stderr().flush().ok();
    let fd = libc::STDIN_FILENO;
    // SAFETY: termios is plain data; tcgetattr fills it for a terminal fd, checked by its result.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    let have_tty = unsafe { libc::tcgetattr(fd, &mut saved) } == 0;
    if have_tty {
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        // SAFETY: sets attributes read just above, with echo off.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    }
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if have_tty {
        // SAFETY: restores the attributes saved above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
        eprintln!();
    }
    read.context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
