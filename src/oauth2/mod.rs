//! OAuth2 sign-in of consult mailboxes (Microsoft 365, Google Workspace, any RFC 8628 server):
//! the device authorization grant of `codedesk mailbox login`, the refresh token sealed in the
//! database, and access tokens for IMAP and SMTP XOAUTH2, refreshed before they expire and after
//! the server refuses one. Tokens never reach a log, an error text or a page.

mod device;
mod http;
mod secret_key;
mod tokens;

pub use device::{DeviceAuthorization, begin_device_login, finish_device_login};
pub use secret_key::{SECRET_KEY_VAR, SecretKey};
pub use tokens::{AccessToken, TokenSource, xoauth2_string};

use crate::config::OAuth2Endpoints;
use std::time::Duration;

/// How long one request to a token endpoint may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why no access token could be had, sorted by what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum OAuth2Error {
    /// Never signed in, or the provider refused the refresh token for good (consent revoked,
    /// token expired, app disabled): only a new `codedesk mailbox login` helps.
    #[error("mailbox {desk} needs sign-in ({reason}): run `{fix}`")]
    NeedsSignIn {
        /// The desk's name.
        desk: String,
        /// What the provider said (its error code) or what is missing.
        reason: String,
        /// The command that fixes it.
        fix: String,
    },
    /// The token endpoint could not be reached or answered oddly: try again later.
    #[error("{context}: {reason}")]
    Transient {
        /// What was being done.
        context: String,
        /// What went wrong.
        reason: String,
    },
    /// The settings cannot work (missing client secret, a sealed token the key cannot open).
    #[error("{context}: {reason}")]
    Config {
        /// Which setting or step.
        context: String,
        /// What is wrong.
        reason: String,
    },
}

/// The token source of every desk of `config` (`[mailbox]` first; `None` for a password desk),
/// with the secret key loaded only when some desk signs in with OAuth2.
pub fn token_sources(
    store: &crate::store::Store,
    config: &crate::config::Config,
) -> anyhow::Result<Vec<Option<std::sync::Arc<TokenSource>>>> {
    use anyhow::Context as _;
    let desks = config.desks();
    if desks
        .iter()
        .all(|d| d.mailbox.auth != crate::config::AuthMethod::Oauth2)
    {
        return Ok(desks.iter().map(|_| None).collect());
    }
    let key = std::sync::Arc::new(
        SecretKey::from_environment(&config.database.secret_key_file)
            .context("cannot load the secret key of the OAuth2 sign-ins")?,
    );
    desks
        .iter()
        .map(|d| {
            let mailbox_key = crate::worker::desk_key(d)?;
            TokenSource::for_desk(store, &key, d, &mailbox_key)
        })
        .collect()
}

/// The command that signs desk `desk` in.
pub fn login_command(desk: &str) -> String {
    if desk == "default" {
        "codedesk mailbox login".to_string()
    } else {
        format!("codedesk mailbox login {desk}")
    }
}

/// The client secret named by `client_secret_env`, if any; an error when the variable is unset.
pub fn client_secret(endpoints: &OAuth2Endpoints) -> Result<Option<String>, OAuth2Error> {
    match &endpoints.client_secret_env {
        None => Ok(None),
        Some(var) => std::env::var(var)
            .map(Some)
            .map_err(|_| OAuth2Error::Config {
                context: "the OAuth2 client secret".into(),
                reason: format!("client_secret_env names {var}, but that variable is not set"),
            }),
    }
}

/// What a token endpoint granted.
pub(crate) struct Granted {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
}

/// A token endpoint's refusal (RFC 6749 section 5.2): its error code, never a token.
pub(crate) struct Refusal {
    pub status: u16,
    pub error: String,
}

/// Error codes after which the same refresh token will never work again.
const FOR_GOOD: [&str; 5] = [
    "invalid_grant",
    "invalid_client",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
];

impl Refusal {
    /// True when the grant is refused for good (not a server hiccup).
    pub fn for_good(&self) -> bool {
        FOR_GOOD.contains(&self.error.as_str())
    }
}

/// Reads a token endpoint's answer: the tokens on 200, else the refusal.
pub(crate) fn read_token_answer(answer: &http::Answer) -> Result<Granted, Refusal> {
    let field = |k: &str| {
        answer
            .json
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    if answer.status == 200
        && let Some(access_token) = field("access_token")
    {
        let expires_in = match answer.json.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            // Microsoft once sent it as a string.
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .unwrap_or(3600);
        return Ok(Granted {
            access_token,
            refresh_token: field("refresh_token"),
            expires_in,
        });
    }
    let error = field("error")
        .filter(|e| {
            !e.is_empty()
                && e.len() <= 64
                && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .unwrap_or_else(|| format!("HTTP {}", answer.status));
    Err(Refusal {
        status: answer.status,
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, json: serde_json::Value) -> http::Answer {
        http::Answer { status, json }
    }

    #[test]
    fn token_answers_are_read_and_refusals_sorted() {
        let g = read_token_answer(&answer(
            200,
            serde_json::json!({"access_token": "a", "expires_in": 20, "refresh_token": "r"}),
        ))
        .ok()
        .unwrap();
        assert_eq!(
            (
                g.access_token.as_str(),
                g.refresh_token.as_deref(),
                g.expires_in
            ),
            ("a", Some("r"), 20)
        );
        let r = read_token_answer(&answer(400, serde_json::json!({"error": "invalid_grant"})))
            .err()
            .unwrap();
        assert!(r.for_good());
        let r = read_token_answer(&answer(503, serde_json::Value::Null))
            .err()
            .unwrap();
        assert_eq!(r.error, "HTTP 503");
        assert!(!r.for_good());
        // An error field that is not a plain code is not repeated.
        let r = read_token_answer(&answer(400, serde_json::json!({"error": "x y <script>"})))
            .err()
            .unwrap();
        assert_eq!(r.error, "HTTP 400");
        assert_eq!(login_command("default"), "codedesk mailbox login");
        assert_eq!(login_command("north"), "codedesk mailbox login north");
    }
}
