//! The worker: questions in from the mailbox, answers composed, replies out through the outbox,
//! every step a committed case transition (DESIGN.md). It must never answer a message twice, never
//! lose one, and never hold a database transaction across network I/O. Logs at info and above
//! carry case ids and counts, never message text, addresses or secrets.

mod acknowledge;
mod caught;
pub mod clock;
mod desks;
mod ingest;
mod notify;
pub mod policy;
mod process;
mod recover;
mod retention;
mod run;
mod send;
mod status;

pub use desks::{Desk, desk_key};
pub use run::{DeskMailbox, RunOptions, RunReport, run};

use crate::codes::Catalog;
use crate::config::Config;
use crate::outbox::{Outbox, RetryPolicy};
use crate::question::Limits;
use crate::store::Store;
use anyhow::{Context, Result};
use policy::Policy;
use std::time::Duration;

/// Everything the worker's steps share; cheap to borrow from several tasks.
pub struct Worker {
    store: Store,
    catalog: Catalog,
    /// The consult mailboxes, `[mailbox]` first.
    desks: Vec<Desk>,
    outbox: Outbox,
    /// The policy; its senders are the file's with the staff page's settings over them, read
    /// again before each batch.
    policy: std::sync::RwLock<Policy>,
    file_senders: crate::config::SendersConfig,
    message_id_domain: String,
    settings: WorkerSettings,
    /// `[retention] purge_after` in seconds (none: never purge).
    purge_after: Option<i64>,
    /// When this process last purged.
    last_purge: std::sync::Mutex<Option<std::time::Instant>>,
    /// The database URL, for the ingest lease's own connection (never logged).
    database_url: String,
    /// `[desk]`: the zone of the desk's days and the acknowledgement of held cases.
    desk_day: DeskDay,
    /// `[notify]`: mail to staff about held and overdue cases (none when `to` is empty).
    staff_mail: Option<notify::StaffMail>,
}

/// `[desk]` as the worker uses it.
#[derive(Clone, Debug)]
struct DeskDay {
    /// The zone dates of service, "today" and purge days are taken in.
    zone: crate::date::Zone,
    /// Acknowledge held cases.
    acknowledge: bool,
    /// When the acknowledgement says to expect an answer.
    answer_expected: String,
}

/// Tuning that is not configuration.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// This process's name in claims and case events: `worker@HOST:PID`.
    pub owner: String,
    /// The prefix every worker on this host uses, to find claims of dead processes.
    pub host_prefix: String,
    /// How long a claim on a case being processed lasts.
    pub process_lease: Duration,
    /// How long a claim on a case being sent lasts (longer than an SMTP call may take).
    pub send_lease: Duration,
    /// Backoff for 4xx and network errors.
    pub retry: RetryPolicy,
    /// Cases processed or sent at once.
    pub concurrency: usize,
    /// Limits on parsing a message.
    pub limits: Limits,
    /// How long after an interrupted send to wait for its copy before sending again.
    pub receipt_grace: Duration,
    /// Append a copy of each reply to the mailbox's Sent folder.
    pub save_sent: bool,
}

/// The bare address in `Name <addr>` or `addr`, lower case.
pub fn bare_address(from: &str) -> String {
    let inner = match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from,
    };
    inner.trim().to_ascii_lowercase()
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

impl WorkerSettings {
    /// Defaults for this process and configuration.
    pub fn for_config(config: &Config) -> WorkerSettings {
        let host_prefix = format!("worker@{}:", host_name());
        WorkerSettings {
            owner: format!("{host_prefix}{}", std::process::id()),
            host_prefix,
            process_lease: Duration::from_secs(300),
            send_lease: Duration::from_secs(180),
            retry: RetryPolicy {
                first_delay: Duration::from_secs(2),
                max_delay: Duration::from_secs(120),
                max_attempts: 12,
            },
            concurrency: 8,
            limits: Limits::default(),
            receipt_grace: Duration::from_secs(20),
            save_sent: config.outbox.save_sent,
        }
    }
}

impl Worker {
    /// A worker over an open store and catalog, with the outbox and reply settings of `config`.
    pub fn new(
        config: &Config,
        store: Store,
        catalog: Catalog,
        settings: WorkerSettings,
    ) -> Result<Worker> {
        let desk_configs = config.desks();
        let mut desks = desk_configs
            .iter()
            .map(|d| Desk::new(config, d))
            .collect::<Result<Vec<_>>>()?;
        let tokens = crate::oauth2::token_sources(&store, config)?;
        for (desk, tokens) in desks.iter_mut().zip(tokens) {
            desk.tokens = tokens;
        }
        let options = crate::outbox::OutboxOptions {
            timeout: config.outbox.timeout().context("[outbox] timeout")?,
        };
        let outbox = Outbox::open(&config.outbox, options).context("cannot set up the outbox")?;
        let own_addresses = desk_configs.iter().flat_map(Desk::own_addresses).collect();
        let policy = Policy {
            review: config.policy.review,
            senders: config.senders.clone(),
            own_addresses,
        };
        Ok(Worker {
            store,
            catalog,
            desks,
            outbox,
            policy: std::sync::RwLock::new(policy),
            file_senders: config.senders.clone(),
            message_id_domain: config.reply.message_id_domain.clone(),
            settings,
            purge_after: config.retention.purge_after_secs()?,
            last_purge: std::sync::Mutex::new(None),
            database_url: config.database.url.clone(),
            desk_day: DeskDay {
                zone: config.desk.zone()?,
                acknowledge: config.desk.acknowledge,
                answer_expected: config.desk.answer_expected.clone(),
            },
            staff_mail: notify::StaffMail::for_config(config)?,
        })
    }

    /// The policy now (a copy: it is never held across an await).
    fn policy(&self) -> Policy {
        match self.policy.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the senders staff set on the page (members, blocked, guest quota) over the file's.
    async fn refresh_senders(&self) -> Result<()> {
        let senders = crate::store::staff::senders_config(&self.store, &self.file_senders)
            .await
            .context("cannot read the sender settings")?;
        match self.policy.write() {
            Ok(mut p) => p.senders = senders,
            Err(poisoned) => poisoned.into_inner().senders = senders,
        }
        Ok(())
    }

    /// The desk whose mailbox has this key (a case's `mailbox`); `[mailbox]`'s when none has.
    pub(crate) fn desk_for(&self, key: &str) -> &Desk {
        self.desks
            .iter()
            .find(|d| d.key == key)
            .unwrap_or(&self.desks[0])
    }

    /// The consult mailboxes this worker serves, `[mailbox]` first.
    pub fn desks(&self) -> &[Desk] {
        &self.desks
    }

    /// The store the worker writes.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Seconds since the Unix epoch ([`clock`]: a test may set it ahead).
pub(crate) fn now_unix() -> i64 {
    clock::now()
}

/// Seconds since the Unix epoch (for commands that tag their work with the time).
pub fn now_unix_pub() -> i64 {
    now_unix()
}

/// A pseudo-random fraction in [0, 1) for backoff jitter (clock nanoseconds; not for secrets).
pub(crate) fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    f64::from(nanos % 1000) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_addresses_come_out_of_display_forms() {
        assert_eq!(
            bare_address("Coding Desk <Consult@Example.org>"),
            "consult@example.org"
        );
        assert_eq!(bare_address("consult@example.org"), "consult@example.org");
    }
}
