//! `codedesk mailbox login [NAME]` (OAuth2 device sign-in, over SSH too: a URL and a code to
//! type in any browser) and `codedesk mailbox status` (each desk's sign-in and token expiry,
//! never a token).

use crate::config::{AuthMethod, Config, DeskConfig};
use crate::oauth2::{self, SecretKey};
use crate::store::Store;
use crate::store::oauth2_sign_in::{self, SignIn};
use crate::web::format;
use anyhow::{Context, Result, bail};
use std::process::ExitCode;

/// Arguments of `codedesk mailbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: MailboxCommand,
}

/// The sign-in commands.
#[derive(Debug, clap::Subcommand)]
pub enum MailboxCommand {
    /// Sign a desk in with OAuth2 (device code): prints a URL and a code, waits for approval,
    /// stores the refresh token encrypted. A desk that needed sign-in resumes.
    Login {
        /// The desk: NAME of `[mailboxes.NAME]`; `[mailbox]` when left out.
        name: Option<String>,
    },
    /// Each desk's sign-in state and token expiry.
    Status,
}

/// Runs `codedesk mailbox ...`.
pub async fn run(config: &Config, args: Args) -> Result<ExitCode> {
    match args.command {
        MailboxCommand::Login { name } => login(config, name.as_deref().unwrap_or("default")).await,
        MailboxCommand::Status => status(config).await,
    }
}

fn desk(config: &Config, name: &str) -> Result<DeskConfig> {
    let desks = config.desks();
    let Some(desk) = desks.iter().find(|d| d.name == name) else {
        let names: Vec<&str> = desks.iter().map(|d| d.name.as_str()).collect();
        bail!(
            "no desk is called {name:?}: the desks are {} (`default` is [mailbox])",
            names.join(", ")
        );
    };
    Ok(desk.clone())
}

async fn login(config: &Config, name: &str) -> Result<ExitCode> {
    let desk = desk(config, name)?;
    let Some(endpoints) = desk.mailbox.oauth2_endpoints(&desk.table())? else {
        bail!(
            "{} signs in with a password: set auth = \"oauth2\" and its oauth2 table first",
            desk.table()
        );
    };
    let secret = oauth2::client_secret(&endpoints)?;
    let key = SecretKey::from_environment(&config.database.secret_key_file)
        .context("cannot load the secret key that encrypts the refresh token")?;
    let store = Store::connect(&config.database.url).await?;
    let mailbox_key = crate::worker::desk_key(&desk)?;
    let authorization = oauth2::begin_device_login(&endpoints, secret.as_deref()).await?;
    println!(
        "To sign in mailbox {name} ({}), open {} in any browser and enter the code {}",
        endpoints.provider.as_str(),
        authorization.verification_uri,
        authorization.user_code
    );
    if let Some(complete) = &authorization.verification_uri_complete {
        println!("(or open {complete})");
    }
    println!(
        "Sign in as {} there. Waiting up to {} minutes for the approval...",
        desk.mailbox.server.username,
        authorization.expires_in.as_secs().div_ceil(60)
    );
    let lifetime = oauth2::finish_device_login(
        &endpoints,
        secret.as_deref(),
        &authorization,
        &store,
        &key,
        (name, &mailbox_key),
    )
    .await;
    store.close().await;
    let lifetime = lifetime?;
    println!(
        "Signed in: mailbox {name} (access tokens last {}; the refresh token is stored encrypted). \
         A running worker picks it up within seconds.",
        format::age(lifetime.as_secs() as i64)
    );
    Ok(ExitCode::SUCCESS)
}

/// One line of `mailbox status` for `desk`, and whether it is fine.
pub fn describe(desk: &DeskConfig, sign_in: Option<&SignIn>, now: i64) -> (String, bool) {
    if desk.mailbox.auth != AuthMethod::Oauth2 {
        return (format!("{:<12} password", desk.name), true);
    }
    let provider = desk
        .mailbox
        .oauth2
        .as_ref()
        .map_or("", |o| o.provider.as_str());
    let head = format!("{:<12} oauth2 ({provider})", desk.name);
    match sign_in {
        None => (
            format!(
                "{head}: NOT SIGNED IN: run `{}`",
                oauth2::login_command(&desk.name)
            ),
            false,
        ),
        Some(s) if s.needs_sign_in() => (
            format!(
                "{head}: NEEDS SIGN-IN since {} ({}): reading stopped; run `{}`",
                format::time(s.updated_at),
                s.problem.as_deref().unwrap_or("refused"),
                oauth2::login_command(&desk.name)
            ),
            false,
        ),
        Some(s) => {
            let access = match s.access_expires_at {
                Some(at) if at > now => format!(
                    "access token until {} (in {})",
                    format::time(at),
                    format::age(at - now)
                ),
                Some(at) => format!(
                    "last access token expired {}; the next use refreshes it",
                    format::time(at)
                ),
                None => "no access token yet".to_string(),
            };
            (
                format!(
                    "{head}: signed in {}; {access}",
                    format::time(s.signed_in_at)
                ),
                true,
            )
        }
    }
}

async fn status(config: &Config) -> Result<ExitCode> {
    let store = Store::connect(&config.database.url).await?;
    let sign_ins = oauth2_sign_in::all(&store).await;
    store.close().await;
    let sign_ins = sign_ins?;
    let now = crate::worker::now_unix_pub();
    let mut all_ok = true;
    for desk in config.desks() {
        let key = crate::worker::desk_key(&desk)?;
        let found = sign_ins.iter().find(|s| s.mailbox == key);
        let (line, ok) = describe(&desk, found, now);
        all_ok &= ok;
        println!("{line}");
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
