//! `[web]`: where the staff page listens, its cookies, and the limits that keep it reachable
//! under load (timeouts, connections, concurrent password checks, failed logins).

use super::parse_age;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::net::IpAddr;
use std::time::Duration;

/// `[web]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// Address the staff page listens on.
    pub listen: String,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS only). Unset: on when
    /// `listen` is not a loopback address, or when a trusted proxy says the browser used HTTPS.
    pub secure_cookies: Option<bool>,
    /// Hours a login lasts.
    pub session_hours: u32,
    /// Addresses of reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<String>,
    /// How long a connection may take to send a request's headers, counted from when the server
    /// waits for them: it also closes a kept-alive connection idle that long.
    pub header_timeout: String,
    /// How long a request body may take to arrive.
    pub body_timeout: String,
    /// Open connections at most; more are answered 503 and closed.
    pub max_connections: usize,
    /// Password checks (argon2, 19 MiB each) running at once.
    pub password_checks: usize,
    /// Logins that may wait for a password check; more are answered 503 with Retry-After.
    pub password_check_queue: usize,
    /// Login attempts one client may make on one account in `login_lock`.
    pub login_failures: u32,
    /// How long failed logins count, from the first.
    pub login_lock: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            listen: "127.0.0.1:8025".into(),
            secure_cookies: None,
            session_hours: 12,
            trusted_proxies: Vec::new(),
            header_timeout: "10s".into(),
            body_timeout: "30s".into(),
            max_connections: 256,
            password_checks: 2,
            password_check_queue: 8,
            login_failures: 5,
            login_lock: "15m".into(),
        }
    }
}

/// `[web]`'s limits, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct WebLimits {
    /// See [`WebConfig::trusted_proxies`].
    pub trusted_proxies: Vec<IpAddr>,
    /// See [`WebConfig::header_timeout`].
    pub header_timeout: Duration,
    /// See [`WebConfig::body_timeout`].
    pub body_timeout: Duration,
    /// See [`WebConfig::max_connections`].
    pub max_connections: usize,
    /// See [`WebConfig::password_checks`].
    pub password_checks: usize,
    /// See [`WebConfig::password_check_queue`].
    pub password_check_queue: usize,
    /// See [`WebConfig::login_failures`].
    pub login_failures: u32,
    /// See [`WebConfig::login_lock`].
    pub login_lock: Duration,
}

impl WebConfig {
    /// The limits, or an error naming the key that is wrong.
    pub fn limits(&self) -> Result<WebLimits> {
        let secs = |key: &str, v: &str| -> Result<Duration> {
            let s = parse_age(v).with_context(|| format!("[web] {key}"))?;
            Ok(Duration::from_secs(s as u64))
        };
        let at_least_one = |key: &str, n: usize| -> Result<usize> {
            if n == 0 {
                bail!("[web] {key} = 0: it must be at least 1");
            }
            Ok(n)
        };
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|p| {
                p.trim().parse::<IpAddr>().with_context(|| {
                    format!(
                        "[web] trusted_proxies: {p:?} is not an IP address (write the proxy's \
                         address, e.g. \"127.0.0.1\")"
                    )
                })
            })
            .collect::<Result<_>>()?;
        if self.login_failures == 0 {
            bail!("[web] login_failures = 0: it must be at least 1");
        }
        Ok(WebLimits {
            trusted_proxies,
            header_timeout: secs("header_timeout", &self.header_timeout)?,
            body_timeout: secs("body_timeout", &self.body_timeout)?,
            max_connections: at_least_one("max_connections", self.max_connections)?,
            password_checks: at_least_one("password_checks", self.password_checks)?,
            password_check_queue: self.password_check_queue,
            login_failures: self.login_failures,
            login_lock: secs("login_lock", &self.login_lock)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_bad_values_name_their_key() {
        let l = WebConfig::default().limits().unwrap();
        assert_eq!(l.header_timeout, Duration::from_secs(10));
        assert_eq!(l.login_lock, Duration::from_secs(900));
        assert_eq!((l.max_connections, l.login_failures), (256, 5));
        assert!(l.trusted_proxies.is_empty());
        let bad = |f: fn(&mut WebConfig), key: &str| {
            let mut c = WebConfig::default();
            f(&mut c);
            let e = format!("{:#}", c.limits().unwrap_err());
            assert!(e.contains(key), "{key}: {e}");
        };
        bad(|c| c.header_timeout = "soon".into(), "[web] header_timeout");
        bad(|c| c.body_timeout = "0s".into(), "[web] body_timeout");
        bad(|c| c.max_connections = 0, "[web] max_connections");
        bad(|c| c.password_checks = 0, "[web] password_checks");
        bad(|c| c.login_lock = "15".into(), "[web] login_lock");
        bad(|c| c.login_failures = 0, "[web] login_failures");
        bad(
            |c| c.trusted_proxies = vec!["proxy.local".into()],
            "[web] trusted_proxies",
        );
    }
}
