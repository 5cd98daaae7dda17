//! `codedesk check-config`: the configuration is valid (loading it checked every key), then each
//! connection is tried in turn (database, code index, mailbox, outbox), saying exactly what failed.

use crate::codes::Catalog;
use crate::config::Config;
use crate::mailbox::{Mailbox, MailboxOptions};
use crate::outbox::{Outbox, OutboxOptions};
use crate::store::{Store, redact_url};
use anyhow::Result;
use std::process::ExitCode;
use std::time::Duration;

fn report(what: &str, result: Result<String>) -> bool {
    match result {
        Ok(detail) => {
            println!("ok      {what}: {detail}");
            true
        }
        Err(e) => {
            println!("FAILED  {what}: {e:#}");
            false
        }
    }
}

/// Runs `codedesk check-config`.
pub async fn run(config: &Config) -> Result<ExitCode> {
    println!("ok      configuration: every key is known and every value valid");
    let mut all_ok = true;
    let store = Store::connect(&config.database.url).await;
    all_ok &= report(
        "database",
        store
            .as_ref()
            .map(|_| format!("{} opened and migrated", redact_url(&config.database.url)))
            .map_err(|e| anyhow::anyhow!("{e:#}")),
    );
    if let Ok(store) = &store {
        let catalog = Catalog::open(store.clone(), &config.index.dir).await;
        all_ok &= report(
            "code catalog",
            catalog.map(|c| {
                if c.is_empty() {
                    format!(
                        "index {} is empty: run `codedesk import FILE...` (or `codedesk demo`)",
                        config.index.dir.display()
                    )
                } else {
                    format!("{} codes in index {}", c.len(), config.index.dir.display())
                }
            }),
        );
    }
    let options = MailboxOptions {
        timeout: Duration::from_secs(20),
        ..MailboxOptions::default()
    };
    // OAuth2 desks sign in with their stored sign-in (refreshing an access token).
    let tokens = match &store {
        Ok(store) => match crate::oauth2::token_sources(store, config) {
            Ok(t) => t,
            Err(e) => {
                all_ok &= report("OAuth2 sign-in", Err(e));
                Vec::new()
            }
        },
        Err(_) => Vec::new(),
    };
    for (i, desk) in config.desks().into_iter().enumerate() {
        let options = MailboxOptions {
            tokens: tokens.get(i).cloned().flatten(),
            ..options.clone()
        };
        let mailbox = async {
            let mut mailbox = Mailbox::open(&desk.mailbox, options)?;
            mailbox.connect().await?;
            let batch = mailbox.fetch_new(None, 0).await;
            mailbox.disconnect().await;
            batch?;
            anyhow::Ok(format!("{} connected", mailbox.describe()))
        }
        .await;
        let what = if desk.name == "default" {
            "mailbox".to_string()
        } else {
            format!("mailbox {}", desk.name)
        };
        all_ok &= report(&what, mailbox);
    }
    let outbox = async {
        let outbox = Outbox::open(
            &config.outbox,
            OutboxOptions {
                timeout: Duration::from_secs(20),
            },
        )?;
        // An OAuth2 outbox signs in as [mailbox]'s desk here.
        let first = tokens.first().cloned().flatten();
        outbox.check_as(first.as_deref()).await?;
        anyhow::Ok(format!("{} reachable", outbox.describe()))
    }
    .await;
    all_ok &= report("outbox", outbox);
    if let Ok(store) = store {
        store.close().await;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        println!(
            "\nSome checks failed: fix the settings named above (see codedesk.toml or the CODEDESK_* variables)."
        );
        ExitCode::FAILURE
    })
}
