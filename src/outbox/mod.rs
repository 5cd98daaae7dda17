//! Where replies go: an SMTP server (production) or a local folder of `.eml` files (the embedded
//! default). It sends already-built RFC 5322 bytes as they are and sorts failures into transient
//! (retry later), permanent (the server's words, for staff), authentication and configuration.
//! It must not build or change messages, decide when to retry, or log message text, addresses or
//! secrets at info level or above.
//!
//! One attempt per call: the worker records each attempt in the database, and asks
//! [`RetryPolicy::next_delay`] when to try a transient failure again.

mod file;
mod retry;
mod smtp;

pub use file::FileOutbox;
pub use retry::RetryPolicy;
pub use smtp::SmtpOutbox;

use crate::config::OutboxConfig;
use crate::oauth2::TokenSource;
use std::time::Duration;

/// Who a message is sent from and to at the SMTP level (which may differ from its headers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope(lettre::address::Envelope);

impl Envelope {
    /// `from = None` sends with the null reverse-path `<>` (no bounces come back). Fails on an
    /// address that does not parse or when `to` is empty.
    pub fn new(from: Option<&str>, to: &[&str]) -> Result<Envelope, SendError> {
        let parse = |a: &str| {
            a.parse::<lettre::Address>()
                .map_err(|e| SendError::Invalid {
                    reason: format!("an envelope address does not parse: {e}"),
                })
        };
        let from = from.map(parse).transpose()?;
        let to = to.iter().map(|a| parse(a)).collect::<Result<Vec<_>, _>>()?;
        lettre::address::Envelope::new(from, to)
            .map(Envelope)
            .map_err(|e| SendError::Invalid {
                reason: e.to_string(),
            })
    }

    /// The number of recipients.
    pub fn recipient_count(&self) -> usize {
        self.0.to().len()
    }

    pub(crate) fn as_lettre(&self) -> &lettre::address::Envelope {
        &self.0
    }
}

/// What the outbox says after a message was handed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    /// The server's answer (e.g. "250 2.0.0 Ok: queued as 4F2B1"), or the file written.
    pub receipt: String,
}

/// Why a message was not sent, sorted by what the worker should do.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// A 4xx reply, a network or TLS failure, or a timeout: try again later.
    #[error("{context}: {reason}")]
    Transient {
        /// What was being done, e.g. "cannot send through smtp.example.org:587".
        context: String,
        /// What went wrong.
        reason: String,
    },
    /// The whole message was written but no answer came (a timeout, a dropped connection): the
    /// server may have accepted it. Do not simply send again; find out (the receipt copy) first.
    #[error("{context}: {reason}")]
    Uncertain {
        /// What was being done.
        context: String,
        /// What went wrong.
        reason: String,
    },
    /// A 5xx reply about this message (unknown recipient, relay denied, too large): do not
    /// retry; show staff the server's words.
    #[error("the server refused the message: {code} {server_says}")]
    Permanent {
        /// The SMTP reply code, e.g. 550.
        code: u16,
        /// The server's text.
        server_says: String,
    },
    /// The server refused the login (530, 534, 535, 538): every message would fail; stop.
    #[error("{context}: authentication failed: {code} {server_says}")]
    Auth {
        /// e.g. "cannot log in to smtp.example.org:587 as c…".
        context: String,
        /// The SMTP reply code.
        code: u16,
        /// The server's text.
        server_says: String,
    },
    /// The configuration cannot work (plaintext to a remote host, unreadable CA file, missing
    /// password or folder): stop with this message.
    #[error("{context}: {reason}")]
    Config {
        /// Which setting or step.
        context: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The desk's OAuth2 sign-in was refused for good: its replies wait (not failed) until
    /// `codedesk mailbox login` signs it in again.
    #[error("{0}")]
    NeedsSignIn(String),
    /// This message cannot be sent as given (bad envelope address, no Message-ID for the file
    /// outbox): do not retry.
    #[error("the message cannot be sent: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
}

impl SendError {
    /// True when trying the same message again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient { .. })
    }

    pub(crate) fn config(context: impl Into<String>, reason: impl ToString) -> SendError {
        SendError::Config {
            context: context.into(),
            reason: reason.to_string(),
        }
    }
}

/// Tuning that is not configuration.
#[derive(Clone, Debug)]
pub struct OutboxOptions {
    /// Limit for one whole send (connect, TLS, AUTH, the transaction), and for each network read
    /// or write within it.
    pub timeout: Duration,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        OutboxOptions {
            timeout: Duration::from_secs(60),
        }
    }
}

/// A destination for replies, built from `[outbox]`.
#[derive(Debug)]
pub enum Outbox {
    /// An SMTP server (submission with STARTTLS or TLS, AUTH when a user name is set).
    Smtp(SmtpOutbox),
    /// A local folder, one `<message-id>.eml` per message.
    File(FileOutbox),
}

impl Outbox {
    /// Checks the configuration and reads the password and CA file; does not connect.
    pub fn open(config: &OutboxConfig, options: OutboxOptions) -> Result<Outbox, SendError> {
        match config.kind.as_str() {
            "smtp" => Ok(Outbox::Smtp(SmtpOutbox::open(config, options)?)),
            "file" => Ok(Outbox::File(FileOutbox::open(config)?)),
            other => Err(SendError::config(
                "[outbox] kind",
                format!("{other:?}: expected \"file\" or \"smtp\""),
            )),
        }
    }

    /// Where replies go, for logs: no password, the user name shortened.
    pub fn describe(&self) -> String {
        match self {
            Outbox::Smtp(o) => o.describe(),
            Outbox::File(o) => o.describe(),
        }
    }

    /// Tries the outbox without sending: connects to the SMTP server, or writes in the folder.
    pub async fn check(&self) -> Result<(), SendError> {
        self.check_as(None).await
    }

    /// [`Outbox::check`] signing in with `tokens` when `[outbox] auth = "oauth2"`.
    pub async fn check_as(&self, tokens: Option<&TokenSource>) -> Result<(), SendError> {
        match self {
            Outbox::Smtp(o) => o.check(tokens).await,
            Outbox::File(o) => o.check().await,
        }
    }

    /// Deletes the local copies of replies written before `cutoff` (a file outbox's `.eml`
    /// files; an SMTP outbox keeps none). Returns how many.
    pub fn purge_older_than(&self, cutoff: std::time::SystemTime) -> std::io::Result<u64> {
        match self {
            Outbox::Smtp(_) => Ok(0),
            Outbox::File(o) => o.purge_older_than(cutoff),
        }
    }

    /// One attempt to send `raw` (a complete RFC 5322 message, sent byte for byte) to the
    /// envelope's recipients.
    pub async fn send(&self, raw: &[u8], envelope: &Envelope) -> Result<Delivered, SendError> {
        self.send_as(raw, envelope, None).await
    }

    /// [`Outbox::send`] for a desk: with `[outbox] auth = "oauth2"` the SMTP login is the desk's
    /// mailbox, signed in with its access token from `tokens`.
    pub async fn send_as(
        &self,
        raw: &[u8],
        envelope: &Envelope,
        tokens: Option<&TokenSource>,
    ) -> Result<Delivered, SendError> {
        match self {
            Outbox::Smtp(o) => o.send(raw, envelope, tokens).await,
            Outbox::File(o) => o.send(raw).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    fn send_is_send(o: &Outbox, e: &Envelope) {
        fn is_send<T: Send>(_: T) {}
        is_send(o.send(b"", e));
    }

    #[test]
    fn envelopes_refuse_bad_addresses_and_no_recipients() {
        assert!(Envelope::new(Some("a@example.org"), &["b@example.org"]).is_ok());
        assert_eq!(
            Envelope::new(None, &["b@example.org", "c@example.org"])
                .unwrap()
                .recipient_count(),
            2
        );
        assert!(matches!(
            Envelope::new(Some("not an address"), &["b@example.org"]),
            Err(SendError::Invalid { .. })
        ));
        assert!(matches!(
            Envelope::new(Some("a@example.org"), &[]),
            Err(SendError::Invalid { .. })
        ));
    }

    #[test]
    fn plaintext_smtp_to_a_remote_host_is_refused() {
        let mut config = OutboxConfig {
            kind: "smtp".into(),
            ..OutboxConfig::default()
        };
        config.server.host = "smtp.example.org".into();
        config.server.tls = crate::config::TlsMode::None;
        let err = Outbox::open(&config, OutboxOptions::default()).unwrap_err();
        assert!(err.to_string().contains("plaintext is refused"), "{err}");
    }
}
