//! Opening an IMAP connection: TCP, then TLS from the first byte or after STARTTLS, or plaintext
//! to a loopback address only. Hands back a client that has read the server's greeting; it must
//! not log in or send anything but STARTTLS.

use super::error::MailboxError;
use crate::config::TlsMode;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use std::io;
use std::net::IpAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// True for `localhost`, 127.0.0.0/8 and ::1: the only hosts plaintext may go to.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The error for `tls = "none"` towards a host that is not loopback.
pub(crate) fn plaintext_refused(section: &str, host: &str) -> MailboxError {
    MailboxError::config(
        format!("[{section}] tls = \"none\" with host {host}"),
        "plaintext is refused except to a loopback address (localhost, 127.0.0.0/8, ::1); \
         use tls = \"implicit\" or \"starttls\"",
    )
}

/// Trust roots for the server certificate: the webpki roots plus the optional `ca_file` (PEM).
pub(crate) fn tls_connector(ca_file: Option<&Path>) -> Result<TlsConnector, MailboxError> {
    let mut roots =
        rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        for cert in read_pem_certificates(path)? {
            roots.add(cert).map_err(|e| {
                MailboxError::config(format!("[mailbox] ca_file {}", path.display()), e)
            })?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| MailboxError::config("TLS setup", e))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// Every certificate in a PEM file; an error when there is none.
pub(crate) fn read_pem_certificates(
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, MailboxError> {
    let context = || format!("ca_file {}", path.display());
    let pem = std::fs::read(path).map_err(|e| MailboxError::config(context(), e))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| MailboxError::config(context(), format!("not a PEM file: {e}")))?;
    if certs.is_empty() {
        return Err(MailboxError::config(context(), "holds no certificate"));
    }
    Ok(certs)
}

/// The byte stream under an IMAP session: TLS, or plain TCP to loopback.
#[derive(Debug)]
pub(crate) enum ImapStream {
    Tls(Box<TlsStream<TcpStream>>),
    Plain(TcpStream),
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            ImapStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            ImapStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            ImapStream::Plain(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            ImapStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// Where and how to connect.
pub(crate) struct Endpoint<'a> {
    pub host: &'a str,
    pub port: u16,
    pub tls: TlsMode,
    /// `None` only with `TlsMode::None`.
    pub connector: Option<&'a TlsConnector>,
    pub timeout: Duration,
}

/// Connects and reads the greeting (STARTTLS included), each step under the timeout.
pub(crate) async fn open(
    at: &Endpoint<'_>,
) -> Result<async_imap::Client<ImapStream>, MailboxError> {
    let context = format!("cannot connect to {}:{}", at.host, at.port);
    let step = |what: &'static str| format!("{context} ({what})");
    let tcp = within(at.timeout, &step("TCP"), async {
        TcpStream::connect((at.host, at.port))
            .await
            .map_err(|e| MailboxError::transient(step("TCP"), e))
    })
    .await?;
    match at.tls {
        TlsMode::Implicit => {
            let tls = handshake(at, tcp, &context).await?;
            let mut client = async_imap::Client::new(ImapStream::Tls(Box::new(tls)));
            greeting(&mut client, at.timeout, &context).await?;
            Ok(client)
        }
        TlsMode::Starttls => {
            let mut plain = async_imap::Client::new(tcp);
            greeting(&mut plain, at.timeout, &context).await?;
            within(at.timeout, &step("STARTTLS"), async {
                plain
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| match MailboxError::from_imap(step("STARTTLS"), e) {
                        MailboxError::Refused { context, reason } => MailboxError::Config {
                            context,
                            reason: format!("the server does not offer STARTTLS ({reason})"),
                        },
                        other => other,
                    })
            })
            .await?;
            let tls = handshake(at, plain.into_inner(), &context).await?;
            Ok(async_imap::Client::new(ImapStream::Tls(Box::new(tls))))
        }
        TlsMode::None => {
            if !is_loopback_host(at.host) {
                return Err(plaintext_refused("mailbox", at.host));
            }
            let mut client = async_imap::Client::new(ImapStream::Plain(tcp));
            greeting(&mut client, at.timeout, &context).await?;
            Ok(client)
        }
    }
}

async fn handshake(
    at: &Endpoint<'_>,
    tcp: TcpStream,
    context: &str,
) -> Result<TlsStream<TcpStream>, MailboxError> {
    let context = format!("{context} (TLS)");
    let connector = at
        .connector
        .ok_or_else(|| MailboxError::config(&context, "no TLS configuration"))?;
    let name = ServerName::try_from(at.host.to_string())
        .map_err(|e| MailboxError::config(&context, format!("{}: {e}", at.host)))?;
    within(at.timeout, &context, async {
        connector.connect(name, tcp).await.map_err(|e| {
            // An untrusted or mismatched certificate will not fix itself: that is configuration.
            let rustls_error = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>());
            if let Some(rustls::Error::InvalidCertificate(why)) = rustls_error {
                MailboxError::config(
                    &context,
                    format!(
                        "the server's certificate is not accepted for {} ({why:?}); \
                         a private CA belongs in ca_file",
                        at.host
                    ),
                )
            } else {
                MailboxError::transient(&context, e)
            }
        })
    })
    .await
}

async fn greeting<T>(
    client: &mut async_imap::Client<T>,
    timeout: Duration,
    context: &str,
) -> Result<(), MailboxError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let context = format!("{context} (greeting)");
    let response = within(timeout, &context, async {
        client
            .read_response()
            .await
            .map_err(|e| MailboxError::transient(&context, e))
    })
    .await?;
    match response {
        None => Err(MailboxError::transient(
            &context,
            "the server closed the connection",
        )),
        Some(r) => match r.parsed() {
            async_imap::imap_proto::Response::Data { status, .. }
                if *status == async_imap::imap_proto::Status::Bye =>
            {
                Err(MailboxError::transient(&context, "the server said BYE"))
            }
            _ => Ok(()),
        },
    }
}

/// Runs one network step under a timeout.
pub(crate) async fn within<T>(
    timeout: Duration,
    context: &str,
    step: impl Future<Output = Result<T, MailboxError>>,
) -> Result<T, MailboxError> {
    tokio::time::timeout(timeout, step)
        .await
        .unwrap_or_else(|_| Err(MailboxError::timeout(context, timeout)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "mail.example.org",
            "10.0.0.1",
            "192.0.2.1",
            "::2",
            "localhost.example",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
