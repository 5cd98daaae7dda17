//! The run loop: one task reads the mailbox (IDLE or polling, reconnecting with backoff and
//! jitter after any error), another processes and sends whenever mail was stored or a retry is
//! due. SIGTERM or Ctrl-C stops both between steps: in-flight work finishes, the rest is resumable.

use super::Worker;
use super::send::SendOutcome;
use crate::mailbox::{Mailbox, Wake};
use crate::store::cases;
use crate::store::lease::IngestLease;
use crate::store::workers::ImapState;
use anyhow::Result;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Notify, watch};

/// How the loop runs.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Process what is there and return (`codedesk worker --once`, the demo).
    pub once: bool,
    /// How often the work task looks for due retries and stale sends without being woken.
    pub tick: Duration,
    /// The longest wait for new mail before the mailbox is checked anyway.
    pub max_wait: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            once: false,
            tick: Duration::from_secs(1),
            max_wait: Duration::from_secs(300),
        }
    }
}

/// Counts over one run, for the demo's report and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Messages stored as new cases.
    pub stored: usize,
    /// Cases processed.
    pub processed: usize,
    /// Replies accepted by the outbox.
    pub sent: usize,
    /// Sends put off for a retry.
    pub retried: usize,
    /// Sends failed for good.
    pub failed: usize,
}

/// One consult mailbox to read: the desk's name and database key, and its connection.
pub struct DeskMailbox {
    /// `default` or NAME of `[mailboxes.NAME]`.
    pub name: String,
    /// The key of its cases, cursor and ingest lease.
    pub key: String,
    /// The mailbox.
    pub mailbox: Mailbox,
    /// Its OAuth2 access tokens (none for a password mailbox).
    pub tokens: Option<Arc<crate::oauth2::TokenSource>>,
}

/// Runs the worker until `shutdown` turns true (or, with `once`, until the mailboxes are read and
/// everything due is processed and sent). Each mailbox is read by its own task while this worker
/// holds its ingest lease; `sent_folder` is a second connection to `[mailbox]` for Sent-folder
/// copies.
pub async fn run(
    worker: Arc<Worker>,
    mailboxes: Vec<DeskMailbox>,
    sent_folder: Option<Mailbox>,
    shutdown: watch::Receiver<bool>,
    options: RunOptions,
) -> Result<RunReport> {
    let sent_folder = sent_folder.map(Mutex::new);
    let mut report = RunReport::default();
    worker.recover().await?;
    if options.once {
        for mut desk in mailboxes {
            match worker.try_lease(&desk.key).await? {
                Some(lease) => {
                    if let Err(e) = desk.mailbox.connect().await {
                        lease.release().await;
                        if e.needs_sign_in() {
                            tracing::error!(mailbox = %desk.name, "the mailbox needs sign-in and is not read: run `{}`", crate::oauth2::login_command(&desk.name));
                            continue;
                        }
                        return Err(e.into());
                    }
                    report.stored += worker.ingest(&desk.key, &mut desk.mailbox, None).await?.new;
                    desk.mailbox.disconnect().await;
                    lease.release().await;
                }
                None => tracing::info!(
                    mailbox = %desk.name,
                    "another worker reads the mailbox: processing and sending only"
                ),
            }
        }
        loop {
            let processed = worker.process_pending().await?;
            let sent = worker.send_pending(sent_folder.as_ref()).await?;
            report.processed += processed;
            tally(&mut report, &sent);
            if processed == 0 && sent.is_empty() {
                break;
            }
        }
        // A run from cron applies retention and tells staff too.
        worker.purge_if_due().await?;
        worker.notify_staff().await?;
        return Ok(report);
    }
    let wake = Arc::new(Notify::new());
    let readers: Vec<_> = mailboxes
        .into_iter()
        .map(|desk| {
            tokio::spawn(ingest_loop(
                worker.clone(),
                desk,
                shutdown.clone(),
                wake.clone(),
                options.clone(),
            ))
        })
        .collect();
    let work = work_loop(
        worker.clone(),
        sent_folder,
        shutdown.clone(),
        wake,
        options,
        &mut report,
    )
    .await;
    let mut first_error = None;
    for reader in readers {
        match reader.await {
            Ok(Ok(stored)) => report.stored += stored,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(anyhow::anyhow!("a mailbox task panicked: {e}"));
            }
        }
    }
    worker.report_stopped().await;
    work?;
    match first_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

fn tally(report: &mut RunReport, outcomes: &[SendOutcome]) {
    for o in outcomes {
        match o {
            SendOutcome::Sent => report.sent += 1,
            SendOutcome::Retry => report.retried += 1,
            SendOutcome::Failed => report.failed += 1,
            SendOutcome::Lost | SendOutcome::Unsure => {}
        }
    }
}

fn stopping(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// Backoff after the n-th consecutive error: 1 s doubling to 60 s, with up to 50 % jitter.
fn backoff(errors: u32) -> Duration {
    let base = 1u64 << errors.saturating_sub(1).min(6);
    Duration::from_secs_f64(base.min(60) as f64 * (1.0 + 0.5 * super::jitter()))
}

/// How long a worker without the ingest lease waits before asking for it again.
const LEASE_RETRY: Duration = Duration::from_secs(2);

/// How often the lease holder checks that it still holds the lease.
const LEASE_CHECK: Duration = Duration::from_secs(5);

/// Reads the mailbox while this worker holds its ingest lease; without it, asks again every
/// [`LEASE_RETRY`] (a dead holder's lease is free at once on PostgreSQL).
async fn ingest_loop(
    worker: Arc<Worker>,
    desk: DeskMailbox,
    mut shutdown: watch::Receiver<bool>,
    wake: Arc<Notify>,
    options: RunOptions,
) -> Result<usize> {
    let DeskMailbox {
        name,
        key,
        mut mailbox,
        tokens,
    } = desk;
    let mut stored = 0;
    let mut standing_by = false;
    let mut errors = 0u32;
    while !stopping(&shutdown) {
        let lease = match worker.try_lease(&key).await {
            Ok(Some(lease)) => lease,
            Ok(None) => {
                if !standing_by {
                    tracing::info!(mailbox = %name, "another worker reads the mailbox; standing by for its lease");
                    standing_by = true;
                }
                worker.report_status(&name, false, ImapState::Standby).await;
                let pause = LEASE_RETRY.mul_f64(0.75 + 0.5 * super::jitter());
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.wait_for(|s| *s) => break,
                }
                continue;
            }
            Err(e) => {
                errors += 1;
                let delay = backoff(errors);
                tracing::warn!(error = %format!("{e:#}"), retry_in_ms = delay.as_millis() as u64, "cannot ask for the ingest lease; trying again");
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.wait_for(|s| *s) => break,
                }
                continue;
            }
        };
        errors = 0;
        standing_by = false;
        tracing::info!(mailbox = %name, "took the ingest lease: this worker reads the mailbox");
        let (result, lease) = read_while_held(
            &worker,
            (&name, &key, tokens.as_deref()),
            &mut mailbox,
            lease,
            &mut shutdown,
            &wake,
            &options,
            &mut stored,
        )
        .await;
        mailbox.disconnect().await;
        lease.release().await;
        worker.report_status(&name, false, ImapState::Standby).await;
        result?;
    }
    Ok(stored)
}

/// The mailbox loop proper: ingest, then wait for mail (IDLE or polling), reconnecting with
/// backoff after transient errors; returns when shutting down, on a fatal mailbox error, or
/// when the lease is lost (its database connection ended), handing the lease back.
#[allow(clippy::too_many_arguments)]
async fn read_while_held(
    worker: &Worker,
    (name, key, tokens): (&str, &str, Option<&crate::oauth2::TokenSource>),
    mailbox: &mut Mailbox,
    mut lease: IngestLease,
    shutdown: &mut watch::Receiver<bool>,
    wake: &Notify,
    options: &RunOptions,
    stored: &mut usize,
) -> (Result<()>, IngestLease) {
    let mut errors = 0u32;
    let mut state = None;
    let mut check =
        tokio::time::interval_at(tokio::time::Instant::now() + LEASE_CHECK, LEASE_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !stopping(shutdown) {
        // The lease is checked on a clock of its own, so a steady stream of mail (steps shorter
        // than the check interval) cannot keep the check from running.
        let step = async {
            mailbox.connect().await?;
            if state != Some(ImapState::Connected) {
                worker.report_status(name, true, ImapState::Connected).await;
                state = Some(ImapState::Connected);
            }
            let got = worker.ingest(key, mailbox, Some(wake)).await?;
            *stored += got.new;
            if got.new > 0 {
                wake.notify_one();
            }
            // A send waiting for its receipt copy is settled only after a read that follows
            // its grace period: read at least that often meanwhile.
            let max_wait = if cases::has_sending(&worker.store, key).await? {
                options.max_wait.min(worker.settings.receipt_grace)
            } else {
                options.max_wait
            };
            let woke = mailbox.wait_for_mail(max_wait, shutdown).await?;
            anyhow::Ok(woke)
        };
        let step = {
            tokio::pin!(step);
            loop {
                tokio::select! {
                    r = &mut step => break Some(r),
                    _ = check.tick() => {
                        if !lease.still_held().await {
                            break None;
                        }
                    }
                }
            }
        };
        let Some(step) = step else {
            tracing::warn!(mailbox = %name, "lost the ingest lease (its database connection ended); standing by");
            return (Ok(()), lease);
        };
        match step {
            Ok(Wake::Shutdown) => break,
            Ok(_) => errors = 0,
            Err(e) => {
                errors += 1;
                let delay = backoff(errors);
                let mailbox_error = e.downcast_ref::<crate::mailbox::MailboxError>();
                if let (Some(m), Some(tokens)) = (mailbox_error, tokens)
                    && m.needs_sign_in()
                {
                    tracing::error!(mailbox = %name, "the mailbox needs sign-in and stops reading until `{}`; the other mailboxes go on", crate::oauth2::login_command(name));
                    worker
                        .report_status(name, true, ImapState::NeedsSignIn)
                        .await;
                    state = Some(ImapState::NeedsSignIn);
                    mailbox.disconnect().await;
                    match wait_for_sign_in(tokens, &mut lease, shutdown).await {
                        SignInWait::SignedIn => {
                            tracing::info!(mailbox = %name, "signed in again: reading the mailbox");
                            errors = 0;
                            continue;
                        }
                        SignInWait::Stop => return (Ok(()), lease),
                    }
                }
                let transient = mailbox_error.is_none_or(|m| m.is_transient());
                if !transient {
                    tracing::error!(error = %format!("{e:#}"), "the mailbox cannot be read; fix the configuration");
                    return (Err(e), lease);
                }
                tracing::warn!(error = %format!("{e:#}"), retry_in_ms = delay.as_millis() as u64, "mailbox error; reconnecting");
                worker
                    .report_status(name, true, ImapState::Reconnecting)
                    .await;
                state = Some(ImapState::Reconnecting);
                mailbox.disconnect().await;
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.wait_for(|s| *s) => break,
                }
            }
        }
    }
    (Ok(()), lease)
}

/// How often a desk that needs sign-in looks for a new one.
const SIGN_IN_CHECK: Duration = Duration::from_secs(2);

enum SignInWait {
    SignedIn,
    Stop,
}

/// Waits until `codedesk mailbox login` stored a new sign-in, or shutdown, or the lease is lost.
async fn wait_for_sign_in(
    tokens: &crate::oauth2::TokenSource,
    lease: &mut IngestLease,
    shutdown: &mut watch::Receiver<bool>,
) -> SignInWait {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(SIGN_IN_CHECK) => {}
            _ = shutdown.wait_for(|s| *s) => return SignInWait::Stop,
        }
        if !lease.still_held().await {
            return SignInWait::Stop;
        }
        match tokens.signed_in().await {
            Ok(true) => return SignInWait::SignedIn,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "cannot read the sign-in"),
        }
    }
}

/// Runs `step` whenever `wake` fires (or every tick), until shutdown; database errors back off.
async fn step_loop<F, Fut>(
    name: &'static str,
    mut shutdown: watch::Receiver<bool>,
    wake: Arc<Notify>,
    tick: Duration,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let mut errors = 0u32;
    while !stopping(&shutdown) {
        match step().await {
            Ok(done) => {
                errors = 0;
                if done > 0 {
                    continue;
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(tick) => {}
                    _ = shutdown.wait_for(|s| *s) => break,
                }
            }
            Err(e) => {
                errors += 1;
                let delay = backoff(errors);
                tracing::error!(step = name, error = %format!("{e:#}"), retry_in_ms = delay.as_millis() as u64, "database error; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.wait_for(|s| *s) => break,
                }
            }
        }
    }
}

/// How often a running worker says it is alive.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// Processing and sending side by side: processing wakes on new mail and wakes sending when it
/// approved something; sending also looks for due retries every tick. Recovery runs every 5 s; the
/// heartbeat every 5 s on its own.
async fn work_loop(
    worker: Arc<Worker>,
    sent_folder: Option<Mutex<Mailbox>>,
    shutdown: watch::Receiver<bool>,
    wake: Arc<Notify>,
    options: RunOptions,
    report: &mut RunReport,
) -> Result<()> {
    let send_wake = Arc::new(Notify::new());
    let processed = std::sync::atomic::AtomicUsize::new(0);
    let sent = std::sync::Mutex::new(RunReport::default());
    let last_recover = std::sync::Mutex::new(std::time::Instant::now());
    let process = step_loop("process", shutdown.clone(), wake, options.tick, || async {
        let n = worker.process_pending().await?;
        if n > 0 {
            processed.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            send_wake.notify_one();
        }
        Ok(n)
    });
    let send = step_loop(
        "send",
        shutdown.clone(),
        send_wake.clone(),
        options.tick,
        || async {
            let due = last_recover
                .lock()
                .map(|t| t.elapsed() >= Duration::from_secs(5))
                .unwrap_or(true);
            if due {
                worker.recover().await?;
                if let Ok(mut t) = last_recover.lock() {
                    *t = std::time::Instant::now();
                }
                worker.purge_if_due().await?;
                worker.notify_staff().await?;
            }
            let outcomes = worker.send_pending(sent_folder.as_ref()).await?;
            if let Ok(mut r) = sent.lock() {
                tally(&mut r, &outcomes);
            }
            Ok(outcomes.len())
        },
    );
    // The heartbeat keeps a clock of its own: a send batch waiting on a slow SMTP server must
    // not make a live worker look dead.
    let beat = step_loop(
        "heartbeat",
        shutdown.clone(),
        Arc::new(Notify::new()),
        HEARTBEAT_EVERY,
        || async {
            worker.heartbeat().await;
            Ok(0)
        },
    );
    tokio::join!(process, send, beat);
    report.processed += processed.into_inner();
    let sent = sent.into_inner().unwrap_or_default();
    report.sent += sent.sent;
    report.retried += sent.retried;
    report.failed += sent.failed;
    if let Some(folder) = sent_folder {
        folder.into_inner().disconnect().await;
    }
    Ok(())
}
