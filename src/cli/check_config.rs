//! `codedesk check-config`: the configuration is valid (loading it checked every key), then each
//! connection is tried in turn (database, code index, mailbox, outbox), saying exactly what failed
//! and changing nothing.

use crate::codes::catalog::{IndexState, index_state};
use crate::config::Config;
use crate::mailbox::{Mailbox, MailboxOptions};
use crate::outbox::{Outbox, OutboxOptions};
use crate::store::{Store, redact_url};
use anyhow::{Context, Result};
use std::path::Path;
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

/// Runs `codedesk check-config`. It changes nothing: the database is opened as it is (never
/// created or migrated), the index is compared with it but not rebuilt, and a local Maildir or
/// outbox folder that does not exist yet is reported, not created.
pub async fn run(config: &Config) -> Result<ExitCode> {
    println!("ok      configuration: every key is known and every value valid");
    let mut all_ok = true;
    // Loading checked the name; this says which zone the desk's dates are in.
    all_ok &= report(
        "time zone",
        config.desk.zone().map(|zone| {
            let source = if config.desk.timezone.is_some() {
                "[desk] timezone"
            } else {
                "the machine's zone; set [desk] timezone to change it"
            };
            let now = crate::worker::now_unix_pub();
            format!("{} ({source}); now {}", zone.name(), zone.time_label(now))
        }),
    );
    // Loading checked [notify], [calendar] and answer_within; this says what they make.
    all_ok &= report(
        "staff mail",
        config.deadline().map(|deadline| {
            let n = &config.notify;
            let mail = match (n.to.len(), n.mode) {
                (0, _) => "off ([notify] to is empty)".to_string(),
                (k, crate::config::NotifyMode::Immediate) => {
                    format!("{k} address(es), one mail per held case")
                }
                (k, crate::config::NotifyMode::Digest) => {
                    format!("{k} address(es), a digest at most every {}", n.digest_every)
                }
            };
            match deadline {
                Some(d) => format!(
                    "{mail}; held cases due after {} of business time ({} {})",
                    d.label,
                    config.calendar.days.join(" "),
                    config.calendar.hours
                ),
                None => format!("{mail}; no deadline ([policy] answer_within unset)"),
            }
        }),
    );
    let store = Store::connect_unchanged(&config.database.url).await;
    let mut pending = Vec::new();
    let database = match &store {
        Ok(store) => store.pending_migrations().await.map(|p| {
            pending = p;
            let url = redact_url(&config.database.url);
            if pending.is_empty() {
                format!("{url} opened; its schema is up to date")
            } else {
                format!(
                    "{url} opened; {} schema migrations to apply ({}): the worker, web or \
                     import applies them at start",
                    pending.len(),
                    pending.join(", ")
                )
            }
        }),
        Err(e) => Err(anyhow::anyhow!("{e:#}")),
    };
    all_ok &= report("database", database);
    if let Ok(store) = &store {
        let dir = config.index.dir.display();
        let state =
            if pending.is_empty() {
                index_state(store, &config.index.dir).await.map(|s| match s {
                IndexState::Current { codes: 0 } | IndexState::Missing => format!(
                    "index {dir} is empty: run `codedesk import FILE...` (or `codedesk demo`)"
                ),
                IndexState::Current { codes } => format!("{codes} codes in index {dir}"),
                IndexState::Stale => format!(
                    "index {dir} is older than the database: run `codedesk reindex` (the \
                     worker would rebuild it at start)"
                ),
            })
            } else {
                Ok(format!(
                    "index {dir} not checked until the schema is migrated"
                ))
            };
        all_ok &= report("code catalog", state);
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
        let local = (desk.mailbox.kind == "maildir").then(|| maildir_state(&desk.mailbox.path));
        let mailbox = async {
            if let Some(local) = local {
                return local;
            }
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
        if config.outbox.kind == "file" && !config.outbox.path.exists() {
            return Ok(format!(
                "files in {}: the folder does not exist yet (the worker creates it)",
                config.outbox.path.display()
            ));
        }
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

/// A local Maildir, read without creating or changing anything.
fn maildir_state(path: &Path) -> Result<String> {
    if !path.exists() {
        return Ok(format!(
            "maildir {}: the folder does not exist yet (the worker creates it)",
            path.display()
        ));
    }
    let new = path.join("new");
    let waiting = std::fs::read_dir(&new)
        .with_context(|| format!("cannot read the Maildir folder {}", new.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count();
    Ok(format!(
        "maildir {}: {waiting} messages in new/",
        path.display()
    ))
}
