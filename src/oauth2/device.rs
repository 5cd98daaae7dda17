//! The OAuth 2.0 device authorization grant (RFC 8628) behind `codedesk mailbox login`: ask for
//! a user code, let a person approve it in any browser, poll the token endpoint (slowing down
//! when told), and store the refresh token sealed. Works on a server without a browser.

use super::{OAuth2Error, REQUEST_TIMEOUT, SecretKey, http, read_token_answer};
use crate::config::OAuth2Endpoints;
use crate::store::Store;
use crate::store::oauth2_sign_in;
use std::time::{Duration, Instant};

/// What the person signing in is shown, and what the poll needs.
pub struct DeviceAuthorization {
    /// Where to go (`https://microsoft.com/devicelogin`, `https://www.google.com/device`).
    pub verification_uri: String,
    /// The same with the code filled in, when the server offers it.
    pub verification_uri_complete: Option<String>,
    /// The code to type there.
    pub user_code: String,
    /// How long the code works.
    pub expires_in: Duration,
    device_code: String,
    interval: Duration,
}

fn failed(context: &str, reason: impl Into<String>) -> OAuth2Error {
    OAuth2Error::Transient {
        context: context.to_string(),
        reason: reason.into(),
    }
}

async fn post(
    url: &str,
    form: &[(&str, &str)],
    context: &str,
) -> Result<http::Answer, OAuth2Error> {
    http::post_form(url, form, REQUEST_TIMEOUT)
        .await
        .map_err(|e| match e {
            http::HttpError::Url(reason) => OAuth2Error::Config {
                context: context.to_string(),
                reason,
            },
            http::HttpError::Network(reason) => failed(context, reason),
        })
}

fn with_secret<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    secret: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    if let Some(s) = secret {
        form.push(("client_secret", s));
    }
    form
}

/// Asks the device authorization endpoint for a user code.
pub async fn begin_device_login(
    endpoints: &OAuth2Endpoints,
    client_secret: Option<&str>,
) -> Result<DeviceAuthorization, OAuth2Error> {
    let context = "cannot start the sign-in at the device authorization endpoint";
    let scope = endpoints.scopes.join(" ");
    let form = with_secret(
        vec![
            ("client_id", endpoints.client_id.as_str()),
            ("scope", scope.as_str()),
        ],
        client_secret,
    );
    let answer = post(&endpoints.device_authorization_url, &form, context).await?;
    let field = |k: &str| {
        answer
            .json
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let number = |k: &str| answer.json.get(k).and_then(|v| v.as_u64());
    if answer.status != 200 {
        let error = field("error").unwrap_or_else(|| format!("HTTP {}", answer.status));
        return Err(OAuth2Error::Config {
            context: context.into(),
            reason: format!(
                "the server refused ({error}): check client_id, the scopes, and that the app allows \
                 public client / device code flows"
            ),
        });
    }
    // Google calls it verification_url.
    let (Some(device_code), Some(user_code), Some(verification_uri)) = (
        field("device_code"),
        field("user_code"),
        field("verification_uri").or_else(|| field("verification_url")),
    ) else {
        return Err(failed(
            context,
            "the answer lacks device_code, user_code or verification_uri",
        ));
    };
    Ok(DeviceAuthorization {
        verification_uri,
        verification_uri_complete: field("verification_uri_complete"),
        user_code,
        expires_in: Duration::from_secs(number("expires_in").unwrap_or(900)),
        device_code,
        interval: Duration::from_secs(number("interval").unwrap_or(5).clamp(1, 60)),
    })
}

/// Polls the token endpoint until the person approves (or refuses, or the code expires), then
/// stores the refresh token sealed with `key` for `mailbox_key`. Returns the access token's
/// lifetime.
pub async fn finish_device_login(
    endpoints: &OAuth2Endpoints,
    client_secret: Option<&str>,
    authorization: &DeviceAuthorization,
    store: &Store,
    key: &SecretKey,
    (desk, mailbox_key): (&str, &str),
) -> Result<Duration, OAuth2Error> {
    let context = "cannot finish the sign-in";
    let deadline = Instant::now() + authorization.expires_in;
    let mut interval = authorization.interval;
    let form = with_secret(
        vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", authorization.device_code.as_str()),
            ("client_id", endpoints.client_id.as_str()),
        ],
        client_secret,
    );
    let granted = loop {
        tokio::time::sleep(interval).await;
        if Instant::now() > deadline {
            return Err(OAuth2Error::Config {
                context: context.into(),
                reason: "the code expired before it was approved: run the command again".into(),
            });
        }
        let answer = match post(&endpoints.token_url, &form, context).await {
            Ok(a) => a,
            // A network hiccup: keep polling until the code expires.
            Err(OAuth2Error::Transient { .. }) => continue,
            Err(e) => return Err(e),
        };
        match read_token_answer(&answer) {
            Ok(granted) => break granted,
            Err(r) if r.error == "authorization_pending" => {}
            Err(r) if r.error == "slow_down" => interval += Duration::from_secs(5),
            Err(r) => {
                let what = match r.error.as_str() {
                    "access_denied" => "the sign-in was declined".to_string(),
                    "expired_token" => {
                        "the code expired before it was approved: run the command again".into()
                    }
                    other => format!("the server refused ({other})"),
                };
                return Err(OAuth2Error::Config {
                    context: context.into(),
                    reason: what,
                });
            }
        }
    };
    let Some(refresh_token) = granted.refresh_token else {
        return Err(OAuth2Error::Config {
            context: context.into(),
            reason: "the server gave no refresh token, so the desk could not stay signed in \
                     (Microsoft needs the offline_access scope)"
                .into(),
        });
    };
    let store_failed = |e: anyhow::Error| failed(context, format!("{e:#}"));
    let sealed = key
        .seal(&refresh_token, mailbox_key)
        .map_err(store_failed)?;
    let now = crate::worker::now_unix_pub();
    let lifetime = Duration::from_secs(granted.expires_in.max(1));
    oauth2_sign_in::save(
        store,
        mailbox_key,
        desk,
        &sealed,
        key.id(),
        now + lifetime.as_secs() as i64,
        now,
    )
    .await
    .map_err(store_failed)?;
    Ok(lifetime)
}
