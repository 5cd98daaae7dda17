//! The IMAP mailbox: one session (async-imap over rustls) that fetches by UID with BODY.PEEK,
//! flags \Seen and MOVEs, waits with IDLE or NOOP polling, and APPENDs to Sent. Every network call
//! runs under the configured timeout; a failed or timed-out call drops the session so the next
//! call reconnects. It must not delete or expunge mail, nor log the password, message text or
//! addresses.

use super::connect::{self, Endpoint, ImapStream, within};
use super::error::{MailboxError, redact_user};
use super::{
    Batch, Cursor, MailboxOptions, Marked, RawMessage, Wake, shutdown_requested, shutdown_signal,
};
use crate::config::{AuthMethod, MailboxConfig, TlsMode};
use crate::date::Date;
use crate::oauth2::{TokenSource, xoauth2_string};
use async_imap::Session;
use async_imap::extensions::idle::IdleResponse;
use async_imap::imap_proto::{MailboxDatum, Response, Status};
use async_imap::types::{Fetch, NameAttribute, UnsolicitedResponse};
use futures::TryStreamExt;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::watch;
use tokio::time::{Instant, error::Elapsed};
use tokio_rustls::TlsConnector;

type ImapSession = Session<ImapStream>;
type ImapResult<T> = Result<T, async_imap::error::Error>;

/// What the server told us at login that the operations depend on.
#[derive(Clone, Copy, Debug)]
struct SessionFacts {
    idle: bool,
    can_move: bool,
    uidvalidity: u32,
    /// When the access token the session signed in with expires (OAuth2 only).
    token_expires: Option<Instant>,
}

/// A folder on an IMAP server; see [`super::Mailbox`] for the operations.
pub struct ImapMailbox {
    host: String,
    port: u16,
    tls: TlsMode,
    connector: Option<TlsConnector>,
    username: String,
    password: String,
    /// Set for `auth = "oauth2"`: the desk's access tokens.
    tokens: Option<Arc<TokenSource>>,
    auth: AuthMethod,
    folder: String,
    processed_folder: Option<String>,
    options: MailboxOptions,
    session: Option<(ImapSession, SessionFacts)>,
    sent_folder: Option<String>,
}

impl fmt::Debug for ImapMailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl ImapMailbox {
    /// Checks `[mailbox]` for `kind = "imap"` and reads the password and CA file; no network.
    pub fn open(config: &MailboxConfig, options: MailboxOptions) -> Result<Self, MailboxError> {
        let server = &config.server;
        if server.host.is_empty() {
            return Err(MailboxError::config("[mailbox] host", "is missing"));
        }
        if server.username.is_empty() {
            return Err(MailboxError::config("[mailbox] username", "is missing"));
        }
        if server.tls == TlsMode::None && !connect::is_loopback_host(&server.host) {
            return Err(connect::plaintext_refused("mailbox", &server.host));
        }
        let password = match config.auth {
            AuthMethod::Password => server.password("mailbox").map_err(|e| {
                MailboxError::config("cannot read the IMAP password", format!("{e:#}"))
            })?,
            AuthMethod::Oauth2 => String::new(),
        };
        let connector = match server.tls {
            TlsMode::None => None,
            _ => Some(connect::tls_connector(server.ca_file.as_deref())?),
        };
        let port = match (server.port, server.tls) {
            (0, TlsMode::Implicit) => 993,
            (0, _) => 143,
            (port, _) => port,
        };
        Ok(ImapMailbox {
            host: server.host.clone(),
            port,
            tls: server.tls,
            connector,
            username: server.username.clone(),
            password,
            tokens: options.tokens.clone(),
            auth: config.auth,
            folder: config.folder.clone(),
            processed_folder: config.processed_folder.clone(),
            options,
            session: None,
            sent_folder: None,
        })
    }

    /// "imap imap.example.org:993 folder INBOX as c…".
    pub fn describe(&self) -> String {
        format!(
            "imap {}:{} folder {} as {}",
            self.host,
            self.port,
            self.folder,
            redact_user(&self.username)
        )
    }

    /// Connects, logs in, reads the capabilities, selects the folder and creates the processed
    /// folder if it is missing. Does nothing when already connected.
    pub async fn connect(&mut self) -> Result<(), MailboxError> {
        if self.session.is_some() {
            return Ok(());
        }
        let t = self.options.timeout;
        let client = connect::open(&Endpoint {
            host: &self.host,
            port: self.port,
            tls: self.tls,
            connector: self.connector.as_ref(),
            timeout: t,
        })
        .await?;

        let context = format!(
            "cannot log in to {}:{} as {}",
            self.host,
            self.port,
            redact_user(&self.username)
        );
        let (mut session, token_expires) = match self.auth {
            AuthMethod::Password => {
                let session = within(t, &context, async {
                    client
                        .login(&self.username, &self.password)
                        .await
                        .map_err(|(e, _client)| login_error(&context, e))
                })
                .await?;
                (session, None)
            }
            AuthMethod::Oauth2 => {
                let (session, expires) = self.oauth2_login(client, &context).await?;
                (session, Some(expires))
            }
        };

        let context = format!(
            "cannot read the capabilities of {}:{}",
            self.host, self.port
        );
        let caps = settle(
            tokio::time::timeout(t, session.capabilities()).await,
            &context,
            t,
        )?;
        let idle = caps.has_str("IDLE");
        let can_move = caps.has_str("MOVE");

        let context = format!(
            "cannot open folder {:?} on {}:{}",
            self.folder, self.host, self.port
        );
        let selected = match tokio::time::timeout(t, session.select(&self.folder)).await {
            Ok(Err(async_imap::error::Error::No(reason))) => {
                return Err(MailboxError::config(
                    context,
                    format!("no such folder? ({reason})"),
                ));
            }
            other => settle(other, &context, t)?,
        };
        let uidvalidity = selected
            .uid_validity
            .ok_or_else(|| MailboxError::transient(&context, "the server sent no UIDVALIDITY"))?;

        if let Some(folder) = &self.processed_folder {
            ensure_folder(&mut session, folder, t, &self.host).await?;
        }
        tracing::info!(
            host = %self.host,
            port = self.port,
            folder = %self.folder,
            idle,
            can_move,
            "connected to the IMAP mailbox"
        );
        self.session = Some((
            session,
            SessionFacts {
                idle,
                can_move,
                uidvalidity,
                token_expires,
            },
        ));
        Ok(())
    }

    /// `AUTHENTICATE XOAUTH2` with the desk's access token; when the server refuses it, once
    /// more with a fresh one (the token may have been revoked or expired early).
    async fn oauth2_login(
        &self,
        mut client: async_imap::Client<ImapStream>,
        context: &str,
    ) -> Result<(ImapSession, Instant), MailboxError> {
        let t = self.options.timeout;
        let tokens = self.tokens.as_ref().ok_or_else(|| {
            MailboxError::config(
                context,
                "auth = \"oauth2\", but this command has no access to the sign-in",
            )
        })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = tokens
                .access_token()
                .await
                .map_err(MailboxError::from_oauth2)?;
            let authenticator = XOAuth2 {
                response: Some(xoauth2_string(&self.username, &token)),
            };
            let outcome = within(t, context, async {
                Ok(client.authenticate("XOAUTH2", authenticator).await)
            })
            .await?;
            match outcome {
                Ok(session) => return Ok((session, Instant::from_std(token.expires_at()))),
                Err((
                    async_imap::error::Error::No(reason) | async_imap::error::Error::Bad(reason),
                    back,
                )) => {
                    tokens.refused(&token).await;
                    if attempt >= 2 {
                        return Err(MailboxError::Auth {
                            context: context.to_string(),
                            reason: format!(
                                "a fresh access token was refused too ({})",
                                server_words(&reason)
                            ),
                        });
                    }
                    tracing::debug!("the IMAP server refused the access token; refreshing it");
                    client = back;
                }
                Err((e, _)) => return Err(MailboxError::from_imap(context, e)),
            }
        }
    }

    /// True when the session signed in with an access token that has run out.
    fn session_token_expired(&self, now: Instant) -> bool {
        matches!(&self.session, Some((_, facts)) if facts.token_expires.is_some_and(|e| e <= now))
    }

    /// Sends LOGOUT (bounded by the timeout) and forgets the session.
    pub async fn disconnect(&mut self) {
        if let Some((mut session, _)) = self.session.take() {
            let _ = tokio::time::timeout(self.options.timeout, session.logout()).await;
        }
    }

    /// See [`super::Mailbox::fetch_new`].
    pub async fn fetch_new(
        &mut self,
        after: Option<Cursor>,
        max_messages: usize,
    ) -> Result<Batch, MailboxError> {
        self.connect().await?;
        let t = self.options.timeout;
        let max_bytes = self.options.max_message_bytes;
        let context = format!(
            "cannot fetch new messages from {:?} on {}:{}",
            self.folder, self.host, self.port
        );
        let (session, facts) = self.live()?;
        let uidvalidity = facts.uidvalidity;
        let (start, uidvalidity_changed) = match after {
            Some(c) if c.uidvalidity == uidvalidity => (c.last_uid.saturating_add(1), false),
            Some(_) => (1, true),
            None => (1, false),
        };

        // First the UIDs and sizes only, so a huge folder or message costs little. The NOOP
        // brings the session's view up to date: servers (Dovecot) run a command on the view of
        // the last sync and announce newer mail only after it.
        let listed = tokio::time::timeout(t, async {
            session.noop().await?;
            // What the listing covers needs no wake-up later; what arrives after it does.
            drain_new_mail(session);
            let stream = session
                .uid_fetch(format!("{start}:*"), "(UID RFC822.SIZE)")
                .await?;
            stream.try_collect::<Vec<Fetch>>().await
        })
        .await;
        let listed = self.settle(listed, &context)?;
        // "n:*" also returns the last message when n is past it: keep only UIDs >= start.
        let mut found: Vec<(u32, u32)> = listed
            .iter()
            .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
            .filter(|&(uid, _)| uid >= start)
            .collect();
        found.sort_unstable();
        found.dedup_by_key(|(uid, _)| *uid);
        let more = found.len() > max_messages.max(1);
        found.truncate(max_messages.max(1));
        let next = Cursor {
            uidvalidity,
            last_uid: found.last().map_or(start - 1, |&(uid, _)| uid),
        };

        let whole: Vec<u32> = found
            .iter()
            .filter(|f| f.1 <= max_bytes)
            .map(|f| f.0)
            .collect();
        let header_only: Vec<u32> = found
            .iter()
            .filter(|f| f.1 > max_bytes)
            .map(|f| f.0)
            .collect();
        let mut messages = Vec::with_capacity(found.len());
        for (uids, truncated) in [(whole, false), (header_only, true)] {
            if uids.is_empty() {
                continue;
            }
            let query = if truncated {
                "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])"
            } else {
                "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[])"
            };
            let (session, _) = self.live()?;
            let fetched = tokio::time::timeout(t, async {
                let stream = session.uid_fetch(uid_set(&uids), query).await?;
                stream.try_collect::<Vec<Fetch>>().await
            })
            .await;
            for f in self.settle(fetched, &context)? {
                let Some(uid) = f.uid.filter(|uid| uids.binary_search(uid).is_ok()) else {
                    continue; // an unsolicited FETCH (flags changed elsewhere)
                };
                let raw = if truncated { f.header() } else { f.body() };
                messages.push(RawMessage {
                    uidvalidity,
                    uid,
                    raw: raw.unwrap_or_default().to_vec(),
                    size: f.size.unwrap_or(0),
                    truncated,
                    received: f.internal_date().and_then(|d| {
                        let secs = u64::try_from(d.timestamp()).ok()?;
                        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
                    }),
                });
            }
        }
        messages.sort_by_key(|m| m.uid);
        messages.dedup_by_key(|m| m.uid);
        tracing::debug!(
            count = messages.len(),
            more,
            uidvalidity_changed,
            "fetched new messages"
        );
        Ok(Batch {
            uidvalidity,
            uidvalidity_changed,
            messages,
            more,
            next,
        })
    }

    /// See [`super::Mailbox::mark_processed`].
    pub async fn mark_processed(
        &mut self,
        uidvalidity: u32,
        uid: u32,
    ) -> Result<Marked, MailboxError> {
        self.connect().await?;
        let t = self.options.timeout;
        let context = format!("cannot flag message {uid} as seen in {:?}", self.folder);
        let (session, facts) = self.live()?;
        if facts.uidvalidity != uidvalidity {
            return Ok(Marked::Stale);
        }
        let can_move = facts.can_move;
        let stored = tokio::time::timeout(t, async {
            let stream = session
                .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")
                .await?;
            stream.try_collect::<Vec<Fetch>>().await
        })
        .await;
        self.settle(stored, &context)?;
        let Some(target) = self.processed_folder.clone().filter(|_| can_move) else {
            return Ok(Marked::Seen);
        };
        let context = format!("cannot move message {uid} to {target:?}");
        let (session, _) = self.live()?;
        let moved = tokio::time::timeout(t, session.uid_mv(uid.to_string(), &target)).await;
        self.settle(moved, &context)?;
        Ok(Marked::Moved)
    }

    /// See [`super::Mailbox::mark_processed_all`].
    pub async fn mark_processed_all(
        &mut self,
        uidvalidity: u32,
        uids: &[u32],
    ) -> Result<Marked, MailboxError> {
        if uids.is_empty() {
            return Ok(Marked::Seen);
        }
        self.connect().await?;
        let t = self.options.timeout;
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let context = format!(
            "cannot flag {} messages as seen in {:?}",
            uids.len(),
            self.folder
        );
        let (session, facts) = self.live()?;
        if facts.uidvalidity != uidvalidity {
            return Ok(Marked::Stale);
        }
        let can_move = facts.can_move;
        let stored = tokio::time::timeout(t, async {
            let stream = session.uid_store(&set, "+FLAGS.SILENT (\\Seen)").await?;
            stream.try_collect::<Vec<Fetch>>().await
        })
        .await;
        self.settle(stored, &context)?;
        let Some(target) = self.processed_folder.clone().filter(|_| can_move) else {
            return Ok(Marked::Seen);
        };
        let context = format!("cannot move {} messages to {target:?}", uids.len());
        let (session, _) = self.live()?;
        let moved = tokio::time::timeout(t, session.uid_mv(&set, &target)).await;
        self.settle(moved, &context)?;
        Ok(Marked::Moved)
    }

    /// See [`super::Mailbox::wait_for_mail`].
    pub async fn wait_for_mail(
        &mut self,
        max_wait: Duration,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Wake, MailboxError> {
        if shutdown_requested(shutdown) {
            return Ok(Wake::Shutdown);
        }
        let deadline = Instant::now() + max_wait;
        tokio::select! {
            connected = self.connect() => connected?,
            () = shutdown_signal(shutdown) => return Ok(Wake::Shutdown),
        }
        let (session, facts) = self.live()?;
        if drain_new_mail(session) {
            return Ok(Wake::NewMail);
        }
        let use_idle = facts.idle && self.options.use_idle;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Ok(Wake::Timeout);
            }
            if self.session_token_expired(now) {
                // Providers end a session whose token ran out; sign in again with a fresh one
                // and look for mail that came meanwhile.
                tracing::debug!("the IMAP session's access token expired; signing in again");
                self.disconnect().await;
                tokio::select! {
                    connected = self.connect() => connected?,
                    () = shutdown_signal(shutdown) => return Ok(Wake::Shutdown),
                }
                return Ok(Wake::NewMail);
            }
            let token_end = match &self.session {
                Some((_, f)) => f.token_expires.unwrap_or(deadline),
                None => deadline,
            };
            let wake = if use_idle {
                let until = deadline.min(now + self.options.idle_renew).min(token_end);
                self.idle_until(until, shutdown).await?
            } else {
                let until = deadline
                    .min(now + self.options.poll_interval)
                    .min(token_end);
                self.poll_at(until, shutdown).await?
            };
            if wake != Wake::Timeout {
                return Ok(wake);
            }
        }
    }

    /// One IDLE command, ended by new mail, `until`, shutdown or the connection's end.
    async fn idle_until(
        &mut self,
        until: Instant,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Wake, MailboxError> {
        let t = self.options.timeout;
        let context = format!("IDLE on {}:{} failed", self.host, self.port);
        let (session, facts) = self
            .session
            .take()
            .ok_or_else(|| MailboxError::transient(&context, "not connected"))?;
        let mut idle = session.idle();
        match tokio::time::timeout(t, idle.init()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(MailboxError::transient(&context, e)),
            Err(_) => return Err(MailboxError::timeout(&context, t)),
        }
        let wake = loop {
            let (answer, _interrupt) =
                idle.wait_with_timeout(until.saturating_duration_since(Instant::now()));
            let answer = tokio::select! {
                answer = answer => answer,
                () = tokio::time::sleep_until(until) => break Wake::Timeout,
                () = shutdown_signal(shutdown) => break Wake::Shutdown,
            };
            match answer {
                Ok(IdleResponse::NewData(data)) => match data.parsed() {
                    Response::MailboxData(MailboxDatum::Exists(_) | MailboxDatum::Recent(_)) => {
                        break Wake::NewMail;
                    }
                    Response::Data {
                        status: Status::Bye,
                        ..
                    } => return Err(MailboxError::transient(&context, "the server said BYE")),
                    _ => continue, // flags or expunges from elsewhere
                },
                Ok(IdleResponse::Timeout) => break Wake::Timeout,
                // Without a stop request this means the stream ended.
                Ok(IdleResponse::ManualInterrupt) => {
                    return Err(MailboxError::transient(&context, "connection closed"));
                }
                Err(e) => return Err(MailboxError::from_imap(&context, e).into_transient()),
            }
        };
        match tokio::time::timeout(t, idle.done()).await {
            Ok(Ok(session)) => {
                self.session = Some((session, facts));
                tracing::debug!(?wake, "IDLE ended");
                Ok(wake)
            }
            // Shutting down anyway: a session that did not end cleanly does not matter.
            _ if wake == Wake::Shutdown => Ok(wake),
            Ok(Err(e)) => {
                Err(MailboxError::from_imap(format!("{context} (DONE)"), e).into_transient())
            }
            Err(_) => Err(MailboxError::timeout(format!("{context} (DONE)"), t)),
        }
    }

    /// Sleeps until `until` (or shutdown), then asks the server with NOOP.
    async fn poll_at(
        &mut self,
        until: Instant,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Wake, MailboxError> {
        tokio::select! {
            () = tokio::time::sleep_until(until) => {}
            () = shutdown_signal(shutdown) => return Ok(Wake::Shutdown),
        }
        let t = self.options.timeout;
        let context = format!("NOOP on {}:{} failed", self.host, self.port);
        let (session, _) = self.live()?;
        let noop = tokio::time::timeout(t, session.noop()).await;
        self.settle(noop, &context)?;
        let (session, _) = self.live()?;
        Ok(if drain_new_mail(session) {
            Wake::NewMail
        } else {
            Wake::Timeout
        })
    }

    /// See [`super::Mailbox::save_sent`].
    pub async fn save_sent(&mut self, raw: &[u8]) -> Result<(), MailboxError> {
        self.connect().await?;
        let t = self.options.timeout;
        let folder = match self.sent_folder.clone() {
            Some(folder) => folder,
            None => {
                let (session, _) = self.live()?;
                let found = find_sent_folder(session, t).await;
                let folder = self.settle_result(found)?;
                self.sent_folder = Some(folder.clone());
                folder
            }
        };
        let context = format!("cannot append the reply to {folder:?}");
        let (session, _) = self.live()?;
        let appended =
            tokio::time::timeout(t, session.append(&folder, Some("(\\Seen)"), None, raw)).await;
        self.settle(appended, &context)
    }

    /// Retention on the server: deletes the messages that arrived before `before` and were
    /// processed — in the folder, those seen with a UID up to `cursor` (same UIDVALIDITY; unread
    /// or newer mail is never touched); in the processed folder and the Sent folder, all of
    /// them. Ends the session (it selects other folders). Returns how many were deleted.
    pub async fn purge_processed_before(
        &mut self,
        cursor: Option<Cursor>,
        before: Date,
    ) -> Result<usize, MailboxError> {
        self.connect().await?;
        let t = self.options.timeout;
        let day = imap_day(before);
        let (_, facts) = self.live()?;
        let mut deleted = 0;
        if let Some(c) = cursor.filter(|c| c.uidvalidity == facts.uidvalidity && c.last_uid > 0) {
            let folder = self.folder.clone();
            deleted += self
                .delete_where(&folder, &format!("UID 1:{} SEEN BEFORE {day}", c.last_uid))
                .await?;
        }
        let sent = match self.sent_folder.clone() {
            Some(folder) => folder,
            None => {
                let (session, _) = self.live()?;
                let found = find_sent_folder(session, t).await;
                self.settle_result(found)?
            }
        };
        for folder in self.processed_folder.clone().into_iter().chain([sent]) {
            let context = format!("cannot open folder {folder:?} to delete old mail");
            let (session, _) = self.live()?;
            let selected = tokio::time::timeout(t, session.select(&folder)).await;
            self.settle(selected, &context)?;
            deleted += self.delete_where(&folder, &format!("BEFORE {day}")).await?;
        }
        self.disconnect().await;
        Ok(deleted)
    }

    /// Flags the messages of the selected `folder` that match `query` \Deleted and expunges
    /// exactly those (UID EXPUNGE; plain EXPUNGE on a server without UIDPLUS).
    async fn delete_where(&mut self, folder: &str, query: &str) -> Result<usize, MailboxError> {
        let t = self.options.timeout;
        let context = format!("cannot delete old messages in {folder:?}");
        let (session, _) = self.live()?;
        let found = tokio::time::timeout(t, session.uid_search(query)).await;
        let mut uids: Vec<u32> = self.settle(found, &context)?.into_iter().collect();
        if uids.is_empty() {
            return Ok(0);
        }
        uids.sort_unstable();
        let set = uid_set(&uids);
        let (session, _) = self.live()?;
        let stored = tokio::time::timeout(t, async {
            let stream = session.uid_store(&set, "+FLAGS.SILENT (\\Deleted)").await?;
            stream.try_collect::<Vec<Fetch>>().await
        })
        .await;
        self.settle(stored, &context)?;
        let (session, _) = self.live()?;
        let expunged = tokio::time::timeout(t, async {
            let by_uid = match session.uid_expunge(&set).await {
                Ok(stream) => Some(stream.try_collect::<Vec<_>>().await),
                Err(async_imap::error::Error::Bad(_)) => None,
                Err(e) => Some(Err(e)),
            };
            match by_uid {
                Some(done) => done.map(|_| ()),
                None => {
                    let stream = session.expunge().await?;
                    stream.try_collect::<Vec<_>>().await.map(|_| ())
                }
            }
        })
        .await;
        self.settle(expunged, &context)?;
        Ok(uids.len())
    }

    /// The session, or a transient error when there is none.
    fn live(&mut self) -> Result<(&mut ImapSession, SessionFacts), MailboxError> {
        match &mut self.session {
            Some((session, facts)) => Ok((session, *facts)),
            None => Err(MailboxError::transient(
                format!("{}:{}", self.host, self.port),
                "not connected",
            )),
        }
    }

    /// Turns a timed call's outcome into ours; forgets the session after a transient failure.
    fn settle<T>(
        &mut self,
        outcome: Result<ImapResult<T>, Elapsed>,
        context: &str,
    ) -> Result<T, MailboxError> {
        let result = settle(outcome, context, self.options.timeout);
        self.settle_result(result)
    }

    fn settle_result<T>(&mut self, result: Result<T, MailboxError>) -> Result<T, MailboxError> {
        if let Err(e) = &result {
            if e.is_transient() {
                tracing::debug!(error = %e, "dropping the IMAP session");
                self.session = None;
            }
        }
        result
    }
}

impl MailboxError {
    /// During IDLE anything but a clean answer leaves the session unusable.
    fn into_transient(self) -> MailboxError {
        match self {
            MailboxError::Refused { context, reason } => {
                MailboxError::Transient { context, reason }
            }
            other => other,
        }
    }
}

fn settle<T>(
    outcome: Result<ImapResult<T>, Elapsed>,
    context: &str,
    timeout: Duration,
) -> Result<T, MailboxError> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(MailboxError::from_imap(context, e)),
        Err(_) => Err(MailboxError::timeout(context, timeout)),
    }
}

/// The SASL XOAUTH2 exchange: the initial response, then an empty line to whatever error the
/// server sends as a challenge (so it can answer NO).
struct XOAuth2 {
    response: Option<String>,
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        self.response.take().unwrap_or_default()
    }
}

/// A refused LOGIN is an authentication failure; anything else keeps its usual kind.
fn login_error(context: &str, e: async_imap::error::Error) -> MailboxError {
    use async_imap::error::Error as E;
    match e {
        E::No(reason) | E::Bad(reason) => MailboxError::Auth {
            context: context.to_string(),
            reason: server_words(&reason),
        },
        other => MailboxError::from_imap(context, other),
    }
}

/// async-imap reports a NO as `code: Some(..), info: Some("text")`: keep the server's text.
fn server_words(reason: &str) -> String {
    reason
        .split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.rsplit_once("\")"))
        .map_or_else(|| reason.to_string(), |(text, _)| text.to_string())
}

/// Takes the EXISTS/RECENT notices the server sent with earlier answers; true if there was one.
fn drain_new_mail(session: &mut ImapSession) -> bool {
    let mut new_mail = false;
    while let Ok(notice) = session.unsolicited_responses.try_recv() {
        if matches!(
            notice,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        ) {
            new_mail = true;
        }
    }
    new_mail
}

/// An IMAP search date: "7-Dec-2026".
fn imap_day(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = date.ymd();
    format!("{d}-{}-{y}", MONTHS[(m as usize).clamp(1, 12) - 1])
}

/// "1:3,7,9:10" for [1, 2, 3, 7, 9, 10] (sorted, no duplicates).
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let first = uids[i];
        let mut last = first;
        while i + 1 < uids.len() && uids[i + 1] == last.saturating_add(1) {
            i += 1;
            last = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if first == last {
            out.push_str(&first.to_string());
        } else {
            out.push_str(&format!("{first}:{last}"));
        }
        i += 1;
    }
    out
}

/// A folder name as an IMAP quoted string (LIST takes its pattern unquoted).
fn quoted(name: &str, context: &str) -> Result<String, MailboxError> {
    if name.contains(['\r', '\n']) {
        return Err(MailboxError::config(
            context,
            "folder names cannot hold line breaks",
        ));
    }
    Ok(format!(
        "\"{}\"",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// Creates `folder` unless LIST shows it.
async fn ensure_folder(
    session: &mut ImapSession,
    folder: &str,
    t: Duration,
    host: &str,
) -> Result<(), MailboxError> {
    let context = format!("cannot create the processed folder {folder:?} on {host}");
    let pattern = quoted(folder, &context)?;
    let listed = tokio::time::timeout(t, async {
        let names = session.list(Some(""), Some(&pattern)).await?;
        names.try_collect::<Vec<_>>().await
    })
    .await;
    if !settle(listed, &context, t)?.is_empty() {
        return Ok(());
    }
    match tokio::time::timeout(t, session.create(folder)).await {
        // Created meanwhile by someone else: fine.
        Ok(Err(async_imap::error::Error::No(reason))) if reason.contains("AlreadyExists") => Ok(()),
        other => settle(other, &context, t),
    }
}

/// The folder flagged \Sent (SPECIAL-USE), else "Sent", created when missing.
async fn find_sent_folder(session: &mut ImapSession, t: Duration) -> Result<String, MailboxError> {
    let context = "cannot find the Sent folder";
    let listed = tokio::time::timeout(t, async {
        let names = session.list(Some(""), Some("*")).await?;
        names.try_collect::<Vec<_>>().await
    })
    .await;
    let names = settle(listed, context, t)?;
    if let Some(name) = names
        .iter()
        .find(|n| n.attributes().contains(&NameAttribute::Sent))
    {
        return Ok(name.name().to_string());
    }
    if names.iter().any(|n| n.name() == "Sent") {
        return Ok("Sent".into());
    }
    ensure_folder(session, "Sent", t, "the server").await?;
    Ok("Sent".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imap_days_name_the_month() {
        let d: Date = "2026-12-07".parse().unwrap();
        assert_eq!(imap_day(d), "7-Dec-2026");
        let d: Date = "2025-01-31".parse().unwrap();
        assert_eq!(imap_day(d), "31-Jan-2025");
    }

    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[]), "");
        assert_eq!(
            uid_set(&[u32::MAX - 1, u32::MAX]),
            format!("{}:{}", u32::MAX - 1, u32::MAX)
        );
    }

    #[test]
    fn server_words_are_taken_from_async_imap_text() {
        let text = "code: Some(AuthenticationFailed), info: Some(\"Authentication failed.\")";
        assert_eq!(server_words(text), "Authentication failed.");
        assert_eq!(server_words("odd"), "odd");
    }

    #[test]
    fn folder_names_are_quoted() {
        assert_eq!(quoted("a \"b\"", "x").unwrap(), "\"a \\\"b\\\"\"");
        assert!(quoted("a\r\nb", "x").is_err());
    }
}
