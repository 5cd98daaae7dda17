//! The SMTP outbox: lettre's SMTP client over STARTTLS, implicit TLS or (to loopback only)
//! plaintext, AUTH when a user name is set, a few connections kept open for the next message,
//! and a timeout over each step. It must not retry by itself, alter the message, or put the
//! password or the server's words in logs.
//!
//! The connections are kept here, not in lettre's pool: a send cut off by the timeout may leave
//! its connection in the middle of a transaction, and lettre's pool would hand that connection
//! to the next message, whose commands then read the answers meant for the earlier ones. A
//! connection is kept only after a transaction that finished cleanly. Once the whole message has
//! been written, a lost answer means the server may have accepted it: that is reported as
//! [`SendError::Uncertain`], never as a failure to retry blindly.

use super::{Delivered, Envelope, OutboxOptions, SendError};
use crate::config::{AuthMethod, OutboxConfig, TlsMode};
use crate::mailbox::{is_loopback_host, redact_user};
use crate::oauth2::{OAuth2Error, TokenSource, xoauth2_string};
use base64::Engine as _;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, Certificate, CertificateStore, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use rustls::pki_types::{CertificateDer, pem::PemObject};
use std::error::Error as _;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// SMTP reply codes that mean the login (or the lack of one) is the problem, not the message.
const AUTH_CODES: [u16; 4] = [530, 534, 535, 538];

/// Connections kept open between messages, at most.
const KEEP_OPEN: usize = 8;

/// A kept connection older than this is closed instead of reused.
const KEEP_FOR: Duration = Duration::from_secs(60);

/// An SMTP server; see [`super::Outbox`] for the operation.
pub struct SmtpOutbox {
    host: String,
    port: u16,
    tls: TlsMode,
    tls_parameters: Option<TlsParameters>,
    credentials: Option<Credentials>,
    username: String,
    auth: AuthMethod,
    timeout: Duration,
    /// Connections that finished their last transaction cleanly, with when they were parked
    /// and the login they are signed in as (OAuth2: each desk signs in as its own mailbox).
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant, String)>>,
}

impl fmt::Debug for SmtpOutbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

type SmtpError = lettre::transport::smtp::Error;

impl SmtpOutbox {
    /// Checks `[outbox]` for `kind = "smtp"`, reads the password and CA file; no network.
    pub fn open(config: &OutboxConfig, options: OutboxOptions) -> Result<Self, SendError> {
        let server = &config.server;
        let host = server.host.clone();
        if host.is_empty() {
            return Err(SendError::config("[outbox] host", "is missing"));
        }
        let port = match (server.port, server.tls) {
            (0, TlsMode::Implicit) => 465,
            (0, TlsMode::Starttls) => 587,
            (0, TlsMode::None) => 25,
            (port, _) => port,
        };
        let tls_parameters = match server.tls {
            TlsMode::None if !is_loopback_host(&host) => {
                return Err(SendError::config(
                    format!("[outbox] tls = \"none\" with host {host}"),
                    "plaintext is refused except to a loopback address (localhost, \
                     127.0.0.0/8, ::1); use tls = \"implicit\" or \"starttls\"",
                ));
            }
            TlsMode::None => None,
            TlsMode::Starttls | TlsMode::Implicit => {
                Some(tls_parameters(&host, server.ca_file.as_deref())?)
            }
        };
        let credentials = if server.username.is_empty() || config.auth == AuthMethod::Oauth2 {
            None
        } else {
            let password = server.password("outbox").map_err(|e| {
                SendError::config("cannot read the SMTP password", format!("{e:#}"))
            })?;
            Some(Credentials::new(server.username.clone(), password))
        };
        Ok(SmtpOutbox {
            host,
            port,
            tls: server.tls,
            tls_parameters,
            credentials,
            username: server.username.clone(),
            auth: config.auth,
            timeout: options.timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// "smtp smtp.example.org:587 (starttls) as c…".
    pub fn describe(&self) -> String {
        let tls = match self.tls {
            TlsMode::Implicit => "implicit TLS",
            TlsMode::Starttls => "starttls",
            TlsMode::None => "no TLS",
        };
        let user = if self.auth == AuthMethod::Oauth2 {
            "as each desk's mailbox (OAuth2)".to_string()
        } else if self.username.is_empty() {
            "without login".to_string()
        } else {
            format!("as {}", redact_user(&self.username))
        };
        format!("smtp {}:{} ({tls}) {user}", self.host, self.port)
    }

    /// See [`super::Outbox::send`]. Until the message's last byte is written nothing can have
    /// been accepted, so a failure there is transient (or permanent, as the server says); after
    /// it, no answer is [`SendError::Uncertain`].
    pub async fn send(
        &self,
        raw: &[u8],
        envelope: &Envelope,
        tokens: Option<&TokenSource>,
    ) -> Result<Delivered, SendError> {
        let context = format!("cannot send through {}:{}", self.host, self.port);
        let login = self.login_of(tokens);
        let mut conn = self.connection(&context, tokens).await?;
        let envelope = envelope.as_lettre();
        let raw = without_final_line_end(raw);
        let mail = Mail::new(
            envelope.from().cloned(),
            mail_parameters(&conn, envelope, raw)?,
        );
        // On any failure the connection is dropped, not kept: it may be mid-transaction.
        self.within(&context, async {
            conn.command(mail).await?;
            for to in envelope.to() {
                conn.command(Rcpt::new(to.clone(), vec![])).await?;
            }
            conn.command(Data).await
        })
        .await?;
        if crate::failpoint::armed(crate::failpoint::AFTER_DATA) {
            stop_after_data(&mut conn, raw).await;
        }
        match tokio::time::timeout(self.timeout, conn.message(raw)).await {
            Ok(Ok(response)) => {
                let words: Vec<&str> = response.message().collect();
                tracing::debug!(code = %response.code(), "SMTP server accepted a message");
                self.keep(conn, login).await;
                Ok(Delivered {
                    receipt: format!("{} {}", response.code(), words.join(" ")),
                })
            }
            // The server answered, and not with yes: it did not take the message.
            Ok(Err(e)) if e.status().is_some() => Err(self.classify(&context, &e)),
            Ok(Err(e)) => Err(SendError::Uncertain {
                context,
                reason: format!("the connection failed after the message was written: {e}"),
            }),
            Err(_) => Err(SendError::Uncertain {
                context,
                reason: format!(
                    "no answer within {} s after the message was written",
                    self.timeout.as_secs_f32()
                ),
            }),
        }
    }

    /// Connects (TLS, AUTH as configured) and says hello, without sending anything.
    pub async fn check(&self, tokens: Option<&TokenSource>) -> Result<(), SendError> {
        let context = format!("cannot connect to {}", self.describe());
        let conn = self.connection(&context, tokens).await?;
        self.keep(conn, self.login_of(tokens)).await;
        Ok(())
    }

    /// The login a connection for `tokens` signs in as (the pool keeps them apart).
    fn login_of(&self, tokens: Option<&TokenSource>) -> String {
        match (self.auth, tokens) {
            (AuthMethod::Oauth2, Some(t)) => t.username().to_string(),
            _ => String::new(),
        }
    }

    /// A kept connection of the same login that still answers NOOP, or a new one.
    async fn connection(
        &self,
        context: &str,
        tokens: Option<&TokenSource>,
    ) -> Result<AsyncSmtpConnection, SendError> {
        let login = self.login_of(tokens);
        loop {
            let kept = {
                let mut idle = self.idle.lock().await;
                idle.iter()
                    .rposition(|(_, _, l)| *l == login)
                    .map(|i| idle.remove(i))
            };
            let Some((mut conn, since, _)) = kept else {
                let mut conn = self.within(context, self.connect()).await?;
                if self.auth == AuthMethod::Oauth2 {
                    self.xoauth2(&mut conn, context, tokens).await?;
                }
                return Ok(conn);
            };
            if since.elapsed() < KEEP_FOR
                && tokio::time::timeout(self.timeout, conn.test_connected())
                    .await
                    .unwrap_or(false)
            {
                return Ok(conn);
            }
            // Too old, or it did not answer: close it (a timed-out one is simply dropped).
            let _ = tokio::time::timeout(Duration::from_secs(1), conn.abort()).await;
        }
    }

    /// A new connection: TCP, TLS (implicit or STARTTLS), EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let hello = ClientId::default();
        let wrapper = match self.tls {
            TlsMode::Implicit => self.tls_parameters.clone(),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &hello,
            wrapper,
            None,
        )
        .await?;
        if let (TlsMode::Starttls, Some(parameters)) = (self.tls, &self.tls_parameters) {
            conn.starttls(parameters.clone(), &hello).await?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(conn)
    }

    /// `AUTH XOAUTH2` as the desk's mailbox; when the server refuses the access token, once
    /// more with a fresh one (it may have been revoked or expired early).
    async fn xoauth2(
        &self,
        conn: &mut AsyncSmtpConnection,
        context: &str,
        tokens: Option<&TokenSource>,
    ) -> Result<(), SendError> {
        let tokens = tokens.ok_or_else(|| {
            SendError::config(
                context,
                "[outbox] auth = \"oauth2\", but the reply's desk signs in without OAuth2",
            )
        })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = tokens.access_token().await.map_err(from_oauth2)?;
            let initial = base64::engine::general_purpose::STANDARD
                .encode(xoauth2_string(tokens.username(), &token));
            let outcome = self
                .within(context, async {
                    let answer = conn.command(format!("AUTH XOAUTH2 {initial}\r\n")).await?;
                    if answer.has_code(334) {
                        // A refusal comes as a challenge holding an error; an empty line ends
                        // the exchange and brings the 535.
                        conn.command("\r\n").await
                    } else {
                        Ok(answer)
                    }
                })
                .await;
            match outcome {
                Ok(_) => return Ok(()),
                Err(e @ SendError::Auth { .. }) => {
                    tokens.refused(&token).await;
                    if attempt >= 2 {
                        return Err(e);
                    }
                    tracing::debug!("the SMTP server refused the access token; refreshing it");
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Parks a connection whose last transaction finished cleanly.
    async fn keep(&self, mut conn: AsyncSmtpConnection, login: String) {
        let mut idle = self.idle.lock().await;
        idle.retain(|(_, since, _)| since.elapsed() < KEEP_FOR);
        if idle.len() < KEEP_OPEN {
            idle.push((conn, Instant::now(), login));
        } else {
            drop(idle);
            let _ = tokio::time::timeout(Duration::from_secs(1), conn.abort()).await;
        }
    }

    /// `step` under the timeout, its error classified.
    async fn within<T>(
        &self,
        context: &str,
        step: impl Future<Output = Result<T, SmtpError>>,
    ) -> Result<T, SendError> {
        match tokio::time::timeout(self.timeout, step).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.classify(context, &e)),
            Err(_) => Err(SendError::Transient {
                context: context.to_string(),
                reason: format!("no answer within {} s", self.timeout.as_secs_f32()),
            }),
        }
    }

    fn classify(&self, context: &str, e: &lettre::transport::smtp::Error) -> SendError {
        let server_says = || e.source().map(|s| s.to_string()).unwrap_or_default();
        match e.status() {
            Some(code) if e.is_permanent() && AUTH_CODES.contains(&u16::from(code)) => {
                SendError::Auth {
                    context: format!(
                        "cannot log in to {}:{} as {}",
                        self.host,
                        self.port,
                        redact_user(&self.username)
                    ),
                    code: code.into(),
                    server_says: server_says(),
                }
            }
            Some(code) if e.is_permanent() => SendError::Permanent {
                code: code.into(),
                server_says: server_says(),
            },
            Some(code) => SendError::Transient {
                context: context.to_string(),
                reason: format!("{code} {}", server_says()),
            },
            // Client and server cannot agree (e.g. no common AUTH mechanism): retrying won't help.
            None if e.is_client() => SendError::config(context, e),
            None => SendError::Transient {
                context: context.to_string(),
                reason: e.to_string(),
            },
        }
    }
}

/// An OAuth2 failure as the outbox reports it.
/// The [`crate::failpoint::AFTER_DATA`] stop; never returns. lettre writes the body, writes the
/// final dot and reads the reply in one call, so the body goes as the only item of an iterator
/// whose end marks it written; the first time the call waits after that, the five bytes of the
/// final dot are written (unless the socket's buffer was full) and the reply is not read: the
/// process stops there (or when the call ends, whichever comes first).
async fn stop_after_data(conn: &mut AsyncSmtpConnection, raw: &[u8]) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let body_written = AtomicBool::new(false);
    let parts = std::iter::once(raw).chain(std::iter::from_fn(|| {
        body_written.store(true, Ordering::SeqCst);
        None
    }));
    let mut call = std::pin::pin!(conn.message_iter(parts));
    std::future::poll_fn(|cx| {
        let ended = call.as_mut().poll(cx).is_ready();
        if ended || body_written.load(Ordering::SeqCst) {
            crate::failpoint::hit(crate::failpoint::AFTER_DATA);
        }
        std::task::Poll::<()>::Pending
    })
    .await;
}

fn from_oauth2(e: OAuth2Error) -> SendError {
    match e {
        e @ OAuth2Error::NeedsSignIn { .. } => SendError::NeedsSignIn(e.to_string()),
        OAuth2Error::Transient { context, reason } => SendError::Transient { context, reason },
        OAuth2Error::Config { context, reason } => SendError::Config { context, reason },
    }
}

/// lettre ends DATA with "\r\n.\r\n" whatever the message ends with, so a message that already
/// ends with a line end would arrive with an extra empty line: hand it over without that one.
fn without_final_line_end(raw: &[u8]) -> &[u8] {
    raw.strip_suffix(b"\r\n")
        .or_else(|| raw.strip_suffix(b"\n"))
        .unwrap_or(raw)
}

/// MAIL FROM parameters as lettre sets them: SMTPUTF8 for non-ASCII addresses and 8BITMIME for
/// a non-ASCII body, each only when the server offers it (else the message cannot go there).
fn mail_parameters(
    conn: &AsyncSmtpConnection,
    envelope: &lettre::address::Envelope,
    raw: &[u8],
) -> Result<Vec<MailParameter>, SendError> {
    let mut parameters = Vec::new();
    let offers = |e: Extension| conn.server_info().supports_feature(e);
    let non_ascii = envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii {
        if !offers(Extension::SmtpUtfEight) {
            return Err(SendError::Invalid {
                reason:
                    "the envelope has non-ASCII addresses and the server does not offer SMTPUTF8"
                        .into(),
            });
        }
        parameters.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !offers(Extension::EightBitMime) {
            return Err(SendError::Invalid {
                reason: "the message is not ASCII and the server does not offer 8BITMIME".into(),
            });
        }
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    Ok(parameters)
}

/// The server name to verify and the trust roots: webpki's plus the optional `ca_file`.
fn tls_parameters(
    host: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<TlsParameters, SendError> {
    let mut builder =
        TlsParameters::builder(host.to_string()).certificate_store(CertificateStore::WebpkiRoots);
    if let Some(path) = ca_file {
        let context = format!("[outbox] ca_file {}", path.display());
        let pem = std::fs::read(path).map_err(|e| SendError::config(&context, e))?;
        if CertificateDer::pem_slice_iter(&pem).next().is_none() {
            return Err(SendError::config(&context, "holds no PEM certificate"));
        }
        let cert = Certificate::from_pem(&pem).map_err(|e| SendError::config(&context, e))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| SendError::config(format!("TLS setup for {host}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_final_line_end_is_left_to_lettre() {
        assert_eq!(without_final_line_end(b"a\r\nb\r\n"), b"a\r\nb");
        assert_eq!(without_final_line_end(b"a\r\nb"), b"a\r\nb");
        assert_eq!(without_final_line_end(b"b\n"), b"b");
        assert_eq!(without_final_line_end(b"b\r\n\r\n"), b"b\r\n");
    }
}
