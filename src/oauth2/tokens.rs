//! One desk's access tokens: kept in memory, refreshed with the sealed refresh token from the
//! database before they expire and after a server refused one. A refusal for good marks the
//! sign-in `needs-sign-in` in the database, where the worker, `/healthz`, `mailbox status` and
//! the staff page all see it.

use super::{
    OAuth2Error, REQUEST_TIMEOUT, SecretKey, client_secret, http, login_command, read_token_answer,
};
use crate::config::{DeskConfig, OAuth2Endpoints};
use crate::store::Store;
use crate::store::oauth2_sign_in;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An access token and when it stops working. Its Debug form hides the token.
#[derive(Clone)]
pub struct AccessToken {
    secret: String,
    expires_at: Instant,
    lifetime: Duration,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccessToken(expires in {:?})", self.remaining())
    }
}

impl AccessToken {
    /// The token itself, for the XOAUTH2 string only.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When it stops working.
    pub fn expires_at(&self) -> Instant {
        self.expires_at
    }

    /// How long it still works.
    pub fn remaining(&self) -> Duration {
        self.expires_at.saturating_duration_since(Instant::now())
    }

    /// True when it should be replaced now: within a minute of its end, or within a quarter of
    /// its lifetime for short-lived tokens.
    fn due(&self) -> bool {
        self.remaining() <= (self.lifetime / 4).min(Duration::from_secs(60))
    }
}

/// The SASL XOAUTH2 initial response (before base64): `user=U^Aauth=Bearer T^A^A`.
pub fn xoauth2_string(user: &str, token: &AccessToken) -> String {
    format!("user={user}\x01auth=Bearer {}\x01\x01", token.secret)
}

/// Access tokens of one OAuth2 desk, shared by its IMAP reader, the Sent folder and the SMTP
/// outbox of this process.
pub struct TokenSource {
    store: Store,
    key: Arc<SecretKey>,
    mailbox: String,
    desk: String,
    username: String,
    endpoints: OAuth2Endpoints,
    client_secret: Option<String>,
    cached: tokio::sync::Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenSource({})", self.desk)
    }
}

impl TokenSource {
    /// The token source of `desk` (whose cases are kept under `mailbox_key`), or `None` when it
    /// signs in with a password.
    pub fn for_desk(
        store: &Store,
        key: &Arc<SecretKey>,
        desk: &DeskConfig,
        mailbox_key: &str,
    ) -> anyhow::Result<Option<Arc<TokenSource>>> {
        let Some(endpoints) = desk.mailbox.oauth2_endpoints(&desk.table())? else {
            return Ok(None);
        };
        let client_secret = client_secret(&endpoints)?;
        Ok(Some(Arc::new(TokenSource {
            store: store.clone(),
            key: key.clone(),
            mailbox: mailbox_key.to_string(),
            desk: desk.name.clone(),
            username: desk.mailbox.server.username.clone(),
            endpoints,
            client_secret,
            cached: tokio::sync::Mutex::new(None),
        })))
    }

    /// The desk's name.
    pub fn desk(&self) -> &str {
        &self.desk
    }

    /// The login the tokens are for (the `user=` of XOAUTH2).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// A token that works for a while yet: the one in hand, or a fresh one from the token
    /// endpoint.
    pub async fn access_token(&self) -> Result<AccessToken, OAuth2Error> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| !t.due()) {
            return Ok(token.clone());
        }
        let token = self.refresh().await?;
        *cached = Some(token.clone());
        Ok(token)
    }

    /// The server refused `token`: forget it, so the next [`TokenSource::access_token`] asks for
    /// a new one.
    pub async fn refused(&self, token: &AccessToken) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| t.secret == token.secret) {
            *cached = None;
        }
    }

    /// True when the database holds a sign-in the provider has not refused (a new `mailbox
    /// login` turns a refused one back).
    pub async fn signed_in(&self) -> anyhow::Result<bool> {
        Ok(oauth2_sign_in::get(&self.store, &self.mailbox)
            .await?
            .is_some_and(|s| !s.needs_sign_in()))
    }

    fn needs_sign_in(&self, reason: impl Into<String>) -> OAuth2Error {
        OAuth2Error::NeedsSignIn {
            desk: self.desk.clone(),
            reason: reason.into(),
            fix: login_command(&self.desk),
        }
    }

    async fn refresh(&self) -> Result<AccessToken, OAuth2Error> {
        let context = format!("cannot refresh the access token of mailbox {}", self.desk);
        let transient = |reason: String| OAuth2Error::Transient {
            context: context.clone(),
            reason,
        };
        let Some(sign_in) = oauth2_sign_in::get(&self.store, &self.mailbox)
            .await
            .map_err(|e| transient(format!("{e:#}")))?
        else {
            return Err(self.needs_sign_in("never signed in"));
        };
        if sign_in.needs_sign_in() {
            let why = sign_in.problem.as_deref().unwrap_or("refused");
            return Err(self.needs_sign_in(format!("the provider refused the sign-in: {why}")));
        }
        let refresh_token = self
            .key
            .open(&sign_in.sealed_refresh_token, &self.mailbox)
            .map_err(|_| OAuth2Error::Config {
                context: context.clone(),
                reason: format!(
                    "the stored refresh token does not open with this secret key (key {} sealed it, this is key {}): \
                     set the CODEDESK_SECRET_KEY or key file it was stored with, or run `{}` again",
                    sign_in.key_id,
                    self.key.id(),
                    login_command(&self.desk)
                ),
            })?;
        let scope = self.endpoints.scopes.join(" ");
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
            ("client_id", self.endpoints.client_id.as_str()),
            ("scope", scope.as_str()),
        ];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.as_str()));
        }
        let answer = http::post_form(&self.endpoints.token_url, &form, REQUEST_TIMEOUT)
            .await
            .map_err(|e| match e {
                http::HttpError::Url(reason) => OAuth2Error::Config {
                    context: format!("token_url of mailbox {}", self.desk),
                    reason,
                },
                http::HttpError::Network(reason) => transient(reason),
            })?;
        let now = crate::worker::now_unix_pub();
        match read_token_answer(&answer) {
            Ok(granted) => {
                let lifetime = Duration::from_secs(granted.expires_in.max(1));
                let rotated = match granted.refresh_token.as_deref() {
                    Some(new) if new != refresh_token => {
                        let sealed = self
                            .key
                            .seal(new, &self.mailbox)
                            .map_err(|e| transient(format!("{e:#}")))?;
                        Some(sealed)
                    }
                    _ => None,
                };
                let recorded = oauth2_sign_in::refreshed(
                    &self.store,
                    &self.mailbox,
                    &sign_in.sealed_refresh_token,
                    rotated.as_deref().map(|s| (s, self.key.id())),
                    now + lifetime.as_secs() as i64,
                    now,
                )
                .await
                .map_err(|e| transient(format!("{e:#}")))?;
                if !recorded {
                    tracing::debug!(mailbox = %self.desk, "the sign-in changed during a refresh");
                }
                tracing::debug!(mailbox = %self.desk, lifetime_s = lifetime.as_secs(), "refreshed the access token");
                Ok(AccessToken {
                    secret: granted.access_token,
                    expires_at: Instant::now() + lifetime,
                    lifetime,
                })
            }
            Err(refusal) if refusal.for_good() => {
                oauth2_sign_in::needs_sign_in(
                    &self.store,
                    &self.mailbox,
                    &sign_in.sealed_refresh_token,
                    &refusal.error,
                    now,
                )
                .await
                .map_err(|e| transient(format!("{e:#}")))?;
                tracing::error!(
                    mailbox = %self.desk,
                    problem = %refusal.error,
                    "the provider refused the mailbox's sign-in for good: it stops reading until `{}`",
                    login_command(&self.desk)
                );
                Err(self.needs_sign_in(format!(
                    "the provider refused the sign-in: {}",
                    refusal.error
                )))
            }
            Err(refusal) => Err(transient(format!(
                "the token endpoint answered {} ({})",
                refusal.status, refusal.error
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tokens_are_renewed_in_their_last_quarter() {
        let token = |left: u64, lifetime: u64| AccessToken {
            secret: "SECRET-XYZ".into(),
            expires_at: Instant::now() + Duration::from_secs(left),
            lifetime: Duration::from_secs(lifetime),
        };
        assert!(!token(15, 20).due());
        assert!(token(4, 20).due());
        assert!(!token(120, 3600).due());
        assert!(token(50, 3600).due());
        assert!(!format!("{:?}", token(10, 20)).contains("SECRET"));
        assert_eq!(
            xoauth2_string("u@x.example", &token(10, 20)),
            "user=u@x.example\x01auth=Bearer SECRET-XYZ\x01\x01"
        );
    }
}
