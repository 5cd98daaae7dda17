//! Where questions arrive: an IMAP folder (production) or a local Maildir (the embedded default).
//! It fetches raw messages by UID without marking them, marks (and optionally moves) them once the
//! worker has stored them, waits for new mail, and files copies of sent replies. It must not parse
//! or judge messages, never deletes mail, and logs no message text, addresses or secrets at info
//! level or above.
//!
//! The worker's loop, in short:
//! ```text
//! let mut mailbox = Mailbox::open(&config.mailbox, MailboxOptions::default())?;
//! loop {
//!     let batch = mailbox.fetch_new(cursor, 50).await?;          // store each message, then:
//!     for m in &batch.messages { mailbox.mark_processed(m.uidvalidity, m.uid).await?; }
//!     cursor = Some(batch.next);
//!     if !batch.more { mailbox.wait_for_mail(Duration::from_secs(600), &mut shutdown).await?; }
//! }   // on an error: is_transient() → back off with jitter and go on (calls reconnect); else stop
//! ```

mod connect;
mod error;
mod imap;
mod maildir;

pub use error::MailboxError;
pub use imap::ImapMailbox;
pub use maildir::{MaildirMailbox, purge_processed_before};

pub(crate) use connect::is_loopback_host;
pub(crate) use error::redact_user;

use crate::config::MailboxConfig;
use std::time::{Duration, SystemTime};
use tokio::sync::watch;

/// One message as it arrived, identified by the folder's UIDVALIDITY and its UID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawMessage {
    /// The folder's UIDVALIDITY when the message was fetched.
    pub uidvalidity: u32,
    /// The message's UID; UIDs only grow within one UIDVALIDITY.
    pub uid: u32,
    /// The RFC 5322 bytes exactly as stored on the server; only the header when `truncated`.
    pub raw: Vec<u8>,
    /// The full size in bytes as the server reports it.
    pub size: u32,
    /// True when the message is larger than [`MailboxOptions::max_message_bytes`] and `raw`
    /// holds only its header (enough to tell the sender it was too large).
    pub truncated: bool,
    /// When the server received it (IMAP INTERNALDATE, or the Maildir file's time).
    pub received: Option<SystemTime>,
}

impl RawMessage {
    /// The cursor to remember once this message is stored.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            uidvalidity: self.uidvalidity,
            last_uid: self.uid,
        }
    }
}

/// How far the worker has read a folder: the last UID it stored under one UIDVALIDITY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The folder's UIDVALIDITY the UID belongs to.
    pub uidvalidity: u32,
    /// The highest UID stored; 0 for none.
    pub last_uid: u32,
}

/// The answer to [`Mailbox::fetch_new`].
#[derive(Clone, Debug)]
pub struct Batch {
    /// The folder's current UIDVALIDITY.
    pub uidvalidity: u32,
    /// True when the cursor passed in had another UIDVALIDITY: the folder was recreated or
    /// renumbered, UIDs start over, and `messages` is a re-scan from the first message (store
    /// them idempotently, by Message-ID).
    pub uidvalidity_changed: bool,
    /// New messages in UID order.
    pub messages: Vec<RawMessage>,
    /// True when more new messages are waiting beyond the limit: fetch again before waiting.
    pub more: bool,
    /// The cursor to remember once every message of the batch is stored.
    pub next: Cursor,
}

/// What ended [`Mailbox::wait_for_mail`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// New mail may be there: fetch.
    NewMail,
    /// Nothing happened within the time asked for.
    Timeout,
    /// The shutdown signal fired.
    Shutdown,
}

/// What [`Mailbox::mark_processed`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marked {
    /// Flagged \Seen and left in the folder.
    Seen,
    /// Flagged \Seen and moved to the processed folder.
    Moved,
    /// The folder's UIDVALIDITY changed since the message was fetched: nothing was done (the
    /// message comes again in the re-scan, under its new UID).
    Stale,
}

/// Tuning that is not configuration: timeouts, polling and size limits.
#[derive(Clone, Debug)]
pub struct MailboxOptions {
    /// Limit for each network call (connect, TLS, login, each command).
    pub timeout: Duration,
    /// Use IMAP IDLE when the server offers it; false forces polling.
    pub use_idle: bool,
    /// How often to poll (IMAP NOOP) when IDLE is not used.
    pub poll_interval: Duration,
    /// How long one IDLE command may last before it is re-issued (RFC 2177: under 29 minutes).
    pub idle_renew: Duration,
    /// Messages larger than this are fetched as their header only (`RawMessage::truncated`).
    pub max_message_bytes: u32,
    /// Access tokens for a mailbox with `auth = "oauth2"` (the desk's; none for passwords).
    pub tokens: Option<std::sync::Arc<crate::oauth2::TokenSource>>,
}

impl Default for MailboxOptions {
    fn default() -> Self {
        MailboxOptions {
            timeout: Duration::from_secs(60),
            use_idle: true,
            poll_interval: Duration::from_secs(60),
            idle_renew: Duration::from_secs(20 * 60),
            max_message_bytes: 25 * 1024 * 1024,
            tokens: None,
        }
    }
}

/// A source of questions, built from `[mailbox]`.
#[derive(Debug)]
pub enum Mailbox {
    /// A folder on an IMAP server.
    Imap(Box<ImapMailbox>),
    /// A local Maildir.
    Maildir(MaildirMailbox),
}

impl Mailbox {
    /// Checks the configuration and reads the password and CA file; does not connect.
    pub fn open(config: &MailboxConfig, options: MailboxOptions) -> Result<Mailbox, MailboxError> {
        match config.kind.as_str() {
            "imap" => Ok(Mailbox::Imap(Box::new(ImapMailbox::open(config, options)?))),
            "maildir" => Ok(Mailbox::Maildir(MaildirMailbox::open(config, options)?)),
            other => Err(MailboxError::config(
                "[mailbox] kind",
                format!("{other:?}: expected \"maildir\" or \"imap\""),
            )),
        }
    }

    /// Where this mailbox is, for logs: no password, the user name shortened.
    pub fn describe(&self) -> String {
        match self {
            Mailbox::Imap(m) => m.describe(),
            Mailbox::Maildir(m) => m.describe(),
        }
    }

    /// Connects and logs in (IMAP) or creates the folders (Maildir). Every other call does this
    /// by itself when needed; call it at start-up to fail early on a wrong password.
    pub async fn connect(&mut self) -> Result<(), MailboxError> {
        match self {
            Mailbox::Imap(m) => m.connect().await,
            Mailbox::Maildir(m) => m.connect(),
        }
    }

    /// Logs out politely (bounded by the timeout); the next call reconnects.
    pub async fn disconnect(&mut self) {
        if let Mailbox::Imap(m) = self {
            m.disconnect().await;
        }
    }

    /// Up to `max_messages` messages newer than `after`, in UID order, without setting \Seen.
    /// `after = None` (or another UIDVALIDITY) reads the folder from its first message.
    pub async fn fetch_new(
        &mut self,
        after: Option<Cursor>,
        max_messages: usize,
    ) -> Result<Batch, MailboxError> {
        match self {
            Mailbox::Imap(m) => m.fetch_new(after, max_messages).await,
            Mailbox::Maildir(m) => m.fetch_new(after, max_messages),
        }
    }

    /// After the worker has stored the message: flags it \Seen and, when `processed_folder` is
    /// set and the server supports MOVE, moves it there. Never deletes. Safe to repeat.
    pub async fn mark_processed(
        &mut self,
        uidvalidity: u32,
        uid: u32,
    ) -> Result<Marked, MailboxError> {
        match self {
            Mailbox::Imap(m) => m.mark_processed(uidvalidity, uid).await,
            Mailbox::Maildir(m) => m.mark_processed(uidvalidity, uid),
        }
    }

    /// [`Mailbox::mark_processed`] for several messages of one UIDVALIDITY in one command
    /// (IMAP) — what the worker uses after storing a batch.
    pub async fn mark_processed_all(
        &mut self,
        uidvalidity: u32,
        uids: &[u32],
    ) -> Result<Marked, MailboxError> {
        match self {
            Mailbox::Imap(m) => m.mark_processed_all(uidvalidity, uids).await,
            Mailbox::Maildir(m) => {
                let mut last = Marked::Seen;
                for uid in uids {
                    last = m.mark_processed(uidvalidity, *uid)?;
                }
                Ok(last)
            }
        }
    }

    /// Waits until new mail may be there, `max_wait` passes, or `shutdown` becomes true (or its
    /// sender is dropped). IMAP uses IDLE (re-issued every `idle_renew`), else NOOP polling;
    /// Maildir polls its `new/` folder.
    pub async fn wait_for_mail(
        &mut self,
        max_wait: Duration,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Wake, MailboxError> {
        match self {
            Mailbox::Imap(m) => m.wait_for_mail(max_wait, shutdown).await,
            Mailbox::Maildir(m) => m.wait_for_mail(max_wait, shutdown).await,
        }
    }

    /// Retention on an IMAP server: deletes processed mail that arrived before `before` (see
    /// [`ImapMailbox::purge_processed_before`]); a Maildir's copies are files, deleted by
    /// [`purge_processed_before`] instead, so this returns 0 for one.
    pub async fn purge_server_copies(
        &mut self,
        cursor: Option<Cursor>,
        before: crate::date::Date,
    ) -> Result<usize, MailboxError> {
        match self {
            Mailbox::Imap(m) => m.purge_processed_before(cursor, before).await,
            Mailbox::Maildir(_) => Ok(0),
        }
    }

    /// Files a copy of a sent reply, flagged \Seen, in the Sent folder (IMAP: the folder marked
    /// \Sent by SPECIAL-USE, else "Sent", created if missing; Maildir: the `.Sent` subfolder).
    pub async fn save_sent(&mut self, raw: &[u8]) -> Result<(), MailboxError> {
        match self {
            Mailbox::Imap(m) => m.save_sent(raw).await,
            Mailbox::Maildir(m) => m.save_sent(raw),
        }
    }
}

/// True once `shutdown` says so or its sender is gone.
pub(crate) fn shutdown_requested(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// Resolves when `shutdown` becomes true or its sender is dropped.
pub(crate) async fn shutdown_signal(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worker runs these on a multi-threaded runtime (`tokio::spawn` needs Send).
    #[allow(dead_code)]
    fn operations_are_send(m: &mut Mailbox, shutdown: &mut watch::Receiver<bool>) {
        fn is_send<T: Send>(_: T) {}
        is_send(m.connect());
        is_send(m.fetch_new(None, 1));
        is_send(m.mark_processed(1, 1));
        is_send(m.wait_for_mail(Duration::ZERO, shutdown));
        is_send(m.save_sent(b""));
        is_send(m.disconnect());
    }

    #[test]
    fn plaintext_to_a_remote_host_is_refused_before_any_connection() {
        let mut config = MailboxConfig {
            kind: "imap".into(),
            ..MailboxConfig::default()
        };
        config.server.host = "imap.example.org".into();
        config.server.username = "consult@example.org".into();
        config.server.tls = crate::config::TlsMode::None;
        let err = Mailbox::open(&config, MailboxOptions::default()).unwrap_err();
        assert!(matches!(err, MailboxError::Config { .. }), "{err:?}");
        assert!(err.to_string().contains("plaintext is refused"), "{err}");
    }
}
