//! `GET /healthz` (no login): the database, the mailbox and the outbox reachable, as a small JSON
//! body, 200 when all are ok, else 503 naming what failed. Checks use short timeouts and their
//! result is kept for a few seconds, so the endpoint cannot be used to hammer the mail servers.
//! Neither the body nor the logs above debug carry error texts, hosts or addresses.

use super::AppState;
use crate::config::Config;
use crate::mailbox::{Mailbox, MailboxOptions};
use crate::oauth2::TokenSource;
use crate::outbox::{Outbox, OutboxOptions};
use crate::store::Store;
use crate::web::sign_in::desks_needing_sign_in;
use anyhow::Context;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use std::time::{Duration, Instant};

/// How long one check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a result is served again without checking.
const CACHE_FOR: Duration = Duration::from_secs(10);

/// What the last check found, and when; requests wait on the lock rather than check again.
#[derive(Debug, Default)]
pub struct HealthCache(tokio::sync::Mutex<Option<(Instant, Health)>>, TokenCache);

/// The OAuth2 desks' token sources, kept between checks so a check refreshes an access token
/// only when the one in hand runs out.
type TokenCache = tokio::sync::Mutex<Option<Vec<Option<std::sync::Arc<TokenSource>>>>>;

/// The result of one round of checks.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// "ok" or "failed".
    pub status: &'static str,
    /// The database answered.
    pub database: bool,
    /// The mailbox accepted a connection (and login).
    pub mailbox: bool,
    /// The outbox is reachable.
    pub outbox: bool,
    /// The names of the checks that failed.
    pub failed: Vec<&'static str>,
    /// The desks whose OAuth2 sign-in is missing or was refused: they read no mail until
    /// `codedesk mailbox login NAME` (their `mailbox` check fails).
    pub needs_sign_in: Vec<String>,
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let mut cached = state.health.0.lock().await;
    let health = match cached.as_ref() {
        Some((at, h)) if at.elapsed() < CACHE_FOR => h.clone(),
        _ => {
            let h = check_with(&state.store, &state.config, &state.health.1).await;
            *cached = Some((Instant::now(), h.clone()));
            h
        }
    };
    drop(cached);
    let code = if health.failed.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(health))
}

/// Runs the three checks (the same connections `codedesk check-config` tries; every consult
/// mailbox), each bounded by a short timeout.
pub async fn check(store: &Store, config: &Config) -> Health {
    check_with(store, config, &TokenCache::default()).await
}

async fn check_with(store: &Store, config: &Config, cache: &TokenCache) -> Health {
    let database = bounded("database", store.ping()).await;
    let needs_sign_in: Vec<String> =
        match tokio::time::timeout(CHECK_TIMEOUT, desks_needing_sign_in(store, config)).await {
            Ok(Ok(desks)) => desks.into_iter().map(|d| d.desk).collect(),
            _ => Vec::new(),
        };
    // OAuth2 desks sign in with their access tokens (one refresh per check at most).
    let tokens = {
        let mut cached = cache.lock().await;
        if cached.is_none() {
            *cached = crate::oauth2::token_sources(store, config).ok();
        }
        cached.clone()
    };
    // Every consult mailbox ([mailbox] and [mailboxes.*]), side by side.
    let mailbox = bounded("mailbox", async {
        let options = MailboxOptions {
            timeout: CHECK_TIMEOUT,
            ..MailboxOptions::default()
        };
        if !needs_sign_in.is_empty() {
            anyhow::bail!("mailboxes need sign-in");
        }
        let tries = config.desks().into_iter().enumerate().map(|(i, desk)| {
            let options = MailboxOptions {
                tokens: tokens.as_ref().and_then(|t| t.get(i).cloned().flatten()),
                ..options.clone()
            };
            async move {
                let mut mailbox = Mailbox::open(&desk.mailbox, options)?;
                mailbox
                    .connect()
                    .await
                    .with_context(|| format!("mailbox {}", desk.name))?;
                mailbox.disconnect().await;
                anyhow::Ok(())
            }
        });
        futures::future::try_join_all(tries).await?;
        anyhow::Ok(())
    })
    .await;
    let outbox = bounded("outbox", async {
        let outbox = Outbox::open(
            &config.outbox,
            OutboxOptions {
                timeout: CHECK_TIMEOUT,
            },
        )?;
        // An OAuth2 outbox signs in as [mailbox]'s desk.
        let first = tokens.as_ref().and_then(|t| t.first().cloned().flatten());
        outbox.check_as(first.as_deref()).await?;
        anyhow::Ok(())
    })
    .await;
    let failed: Vec<&'static str> = [
        ("database", database),
        ("mailbox", mailbox),
        ("outbox", outbox),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    Health {
        status: if failed.is_empty() { "ok" } else { "failed" },
        database,
        mailbox,
        outbox,
        failed,
        needs_sign_in,
    }
}

async fn bounded(
    what: &'static str,
    check: impl std::future::Future<Output = anyhow::Result<()>>,
) -> bool {
    match tokio::time::timeout(CHECK_TIMEOUT + Duration::from_secs(1), check).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(check = what, "health check failed");
            tracing::debug!(check = what, error = %format!("{e:#}"), "health check error");
            false
        }
        Err(_) => {
            tracing::warn!(check = what, "health check timed out");
            false
        }
    }
}
