//! The SMTP outbox: lettre's pooled async transport with STARTTLS, implicit TLS or (to loopback
//! only) plaintext, AUTH when a user name is set, and a timeout over each send. It must not retry
//! by itself, alter the message, or put the password or the server's words in logs.

use super::{Delivered, Envelope, OutboxOptions, SendError};
use crate::config::{OutboxConfig, TlsMode};
use crate::mailbox::{is_loopback_host, redact_user};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rustls::pki_types::{CertificateDer, pem::PemObject};
use std::error::Error as _;
use std::fmt;
use std::time::Duration;

/// SMTP reply codes that mean the login (or the lack of one) is the problem, not the message.
const AUTH_CODES: [u16; 4] = [530, 534, 535, 538];

/// An SMTP server; see [`super::Outbox`] for the operation.
pub struct SmtpOutbox {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    host: String,
    port: u16,
    tls: TlsMode,
    username: String,
    timeout: Duration,
}

impl fmt::Debug for SmtpOutbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl SmtpOutbox {
    /// Checks `[outbox]` for `kind = "smtp"`, reads the password and CA file; no network. Needs a
    /// Tokio runtime (lettre's pool spawns its clean-up task).
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
        let tls = match server.tls {
            TlsMode::None if !is_loopback_host(&host) => {
                return Err(SendError::config(
                    format!("[outbox] tls = \"none\" with host {host}"),
                    "plaintext is refused except to a loopback address (localhost, \
                     127.0.0.0/8, ::1); use tls = \"implicit\" or \"starttls\"",
                ));
            }
            TlsMode::None => Tls::None,
            TlsMode::Starttls => Tls::Required(tls_parameters(&host, server.ca_file.as_deref())?),
            TlsMode::Implicit => Tls::Wrapper(tls_parameters(&host, server.ca_file.as_deref())?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(port)
            .tls(tls)
            .timeout(Some(options.timeout))
            .pool_config(
                PoolConfig::new()
                    .max_size(8)
                    .idle_timeout(Duration::from_secs(60)),
            );
        if !server.username.is_empty() {
            let password = server.password("outbox").map_err(|e| {
                SendError::config("cannot read the SMTP password", format!("{e:#}"))
            })?;
            builder = builder.credentials(Credentials::new(server.username.clone(), password));
        }
        Ok(SmtpOutbox {
            transport: builder.build(),
            host,
            port,
            tls: server.tls,
            username: server.username.clone(),
            timeout: options.timeout,
        })
    }

    /// "smtp smtp.example.org:587 (starttls) as c…".
    pub fn describe(&self) -> String {
        let tls = match self.tls {
            TlsMode::Implicit => "implicit TLS",
            TlsMode::Starttls => "starttls",
            TlsMode::None => "no TLS",
        };
        let user = if self.username.is_empty() {
            "without login".to_string()
        } else {
            format!("as {}", redact_user(&self.username))
        };
        format!("smtp {}:{} ({tls}) {user}", self.host, self.port)
    }

    /// See [`super::Outbox::send`].
    pub async fn send(&self, raw: &[u8], envelope: &Envelope) -> Result<Delivered, SendError> {
        let context = format!("cannot send through {}:{}", self.host, self.port);
        let sent = tokio::time::timeout(
            self.timeout,
            self.transport
                .send_raw(envelope.as_lettre(), without_final_line_end(raw)),
        )
        .await;
        match sent {
            Ok(Ok(response)) => {
                let words: Vec<&str> = response.message().collect();
                tracing::debug!(code = %response.code(), "SMTP server accepted a message");
                Ok(Delivered {
                    receipt: format!("{} {}", response.code(), words.join(" ")),
                })
            }
            Ok(Err(e)) => Err(self.classify(&context, &e)),
            Err(_) => Err(SendError::Transient {
                context,
                reason: format!("no answer within {} s", self.timeout.as_secs_f32()),
            }),
        }
    }

    /// Connects (TLS, AUTH as configured) and says hello, without sending anything.
    pub async fn check(&self) -> Result<(), SendError> {
        let context = format!("cannot connect to {}", self.describe());
        match tokio::time::timeout(self.timeout, self.transport.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(SendError::Transient {
                context,
                reason: "the server did not answer NOOP".into(),
            }),
            Ok(Err(e)) => Err(self.classify(&context, &e)),
            Err(_) => Err(SendError::Transient {
                context,
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

/// lettre ends DATA with "\r\n.\r\n" whatever the message ends with, so a message that already
/// ends with a line end would arrive with an extra empty line: hand it over without that one.
fn without_final_line_end(raw: &[u8]) -> &[u8] {
    raw.strip_suffix(b"\r\n")
        .or_else(|| raw.strip_suffix(b"\n"))
        .unwrap_or(raw)
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
