//! Running the worker as a real process against the mail rig: a config file per test, the sample
//! catalog imported into the test's database, questions delivered over SMTP, replies read from the
//! asker's INBOX over IMAP.
#![allow(dead_code)]

use crate::common::{Engine, TempDir, TestDb};
use crate::rig::{HOST, Rig, rig, unique};
use codedesk::store::cases::{self, CaseFilter, CaseState};
use futures::TryStreamExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The built binary.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_codedesk")
}

/// One test's world: database with the sample imported, index, consult and asker mailboxes, and
/// the config file the worker reads.
pub struct Desk {
    pub db: TestDb,
    pub dir: TempDir,
    pub consult: String,
    pub asker: String,
    pub config: PathBuf,
    pub worker: Option<Child>,
    pub log: PathBuf,
    pub rig: &'static Rig,
    starts: u32,
}

/// Settings that differ between tests.
#[derive(Clone, Debug)]
pub struct DeskOptions {
    pub review: &'static str,
    /// Another rig than the shared one (for tests that stop servers).
    pub rig: Option<&'static Rig>,
    /// More TOML at the end of the config file (e.g. `[mailboxes.NAME]`).
    pub extra_config: String,
    /// `[senders] rate_per_hour`.
    pub rate_per_hour: u32,
    /// More lines of `[senders]` (members, guest_quota, blocked).
    pub senders: String,
    /// An `[outbox]` section instead of the rig's SMTP submission (e.g. a file outbox).
    pub outbox: Option<String>,
    /// `[desk] acknowledge`: off unless a test is about acknowledgements, so the other tests'
    /// counts of the asker's mail are of replies only.
    pub acknowledge: bool,
    /// More lines of `[desk]` (timezone, answer_expected).
    pub desk: String,
    /// More lines of `[policy]` (answer_within).
    pub policy: String,
}

impl Default for DeskOptions {
    fn default() -> Self {
        DeskOptions {
            review: "never",
            rig: None,
            extra_config: String::new(),
            rate_per_hour: 100_000,
            senders: String::new(),
            outbox: None,
            acknowledge: false,
            desk: String::new(),
            policy: String::new(),
        }
    }
}

impl Desk {
    pub async fn new(engine: Engine, label: &str, options: DeskOptions) -> Desk {
        let r: &'static Rig = options.rig.unwrap_or_else(rig);
        let db = TestDb::new(engine).await;
        let dir = TempDir::new(label);
        let index = dir.path().join("index");
        let out = Command::new(binary())
            .args(["--db", &db.url, "--index"])
            .arg(&index)
            .arg("import")
            .arg(crate::common::sample())
            .stdin(Stdio::null())
            .output()
            .expect("run codedesk import");
        assert!(
            out.status.success(),
            "import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let consult = format!("{}@example.test", unique(&format!("consult-{label}")));
        let asker = format!("{}@example.test", unique(&format!("asker-{label}")));
        let password = dir.path().join("password");
        std::fs::write(&password, format!("{}\n", r.password)).unwrap();
        let ca = r.ca_cert.clone();
        let config = dir.path().join("codedesk.toml");
        let outbox = options.outbox.clone().unwrap_or_else(|| {
            format!(
                r#"[outbox]
kind = "smtp"
host = "{HOST}"
port = {smtp}
tls = "starttls"
ca_file = "{ca}"
username = "{consult}"
password_file = "{password}"
from = "Coding Desk <{consult}>"
"#,
                smtp = r.submission_port,
                ca = ca.display(),
                password = password.display(),
            )
        });
        let toml = format!(
            r#"[database]
url = "{url}"
[index]
dir = "{index}"
[mailbox]
kind = "imap"
host = "{HOST}"
port = {imap}
tls = "starttls"
ca_file = "{ca}"
username = "{consult}"
password_file = "{password}"
address = "{consult}"
{outbox}[policy]
review = "{review}"
{policy}
[senders]
rate_per_hour = {rate}
{senders}
[reply]
message_id_domain = "desk.example.test"
templates = "{templates}"
[desk]
acknowledge = {acknowledge}
{desk}
"#,
            templates = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("templates")
                .display(),
            url = db.url,
            index = index.display(),
            imap = r.imap_port,
            ca = ca.display(),
            password = password.display(),
            review = options.review,
            rate = options.rate_per_hour,
            senders = options.senders,
            acknowledge = options.acknowledge,
            desk = options.desk,
            policy = options.policy,
        );
        std::fs::write(&config, toml + &options.extra_config).unwrap();
        let log = dir.path().join("worker.log");
        Desk {
            db,
            dir,
            consult,
            asker,
            config,
            worker: None,
            log,
            rig: r,
            starts: 0,
        }
    }

    /// Starts `codedesk worker` (its log goes to a file in the test folder).
    pub fn start(&mut self) {
        assert!(self.worker.is_none(), "the worker runs already");
        self.starts += 1;
        self.worker = Some(self.spawn_worker(&self.log));
    }

    /// Starts one more `codedesk worker` process on this desk's config, logging to `log`
    /// (appended); the caller owns it (several workers on one database).
    pub fn spawn_worker(&self, log: &Path) -> Child {
        self.spawn_worker_with(log, &[])
    }

    /// [`Desk::start`] with more environment variables (e.g. `CODEDESK_FAILPOINT`).
    pub fn start_with(&mut self, env: &[(&str, &str)]) {
        assert!(self.worker.is_none(), "the worker runs already");
        self.starts += 1;
        self.worker = Some(self.spawn_worker_with(&self.log, env));
    }

    /// Waits until the worker started by [`Desk::start_with`] exits on its own, and returns how.
    pub async fn exited(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            let child = self.worker.as_mut().expect("a started worker");
            if let Some(status) = child.try_wait().unwrap() {
                self.worker = None;
                return status;
            }
            if Instant::now() > deadline {
                panic!(
                    "the worker did not exit within {within:?}; log:\n{}",
                    tail(&self.log_text(), 60)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// [`Desk::spawn_worker`] with more environment variables.
    pub fn spawn_worker_with(&self, log: &Path, env: &[(&str, &str)]) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        Command::new(binary())
            .arg("--config")
            .arg(&self.config)
            .arg("worker")
            .env("CODEDESK_LOG", "info,sqlx=error")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start codedesk worker")
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.worker.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// SIGTERM, and the exit status within `within`.
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let mut child = self.worker.take().expect("a running worker");
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                child.kill().ok();
                panic!(
                    "the worker did not stop within {within:?} of SIGTERM; log:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// True while the worker started by [`Desk::start`] runs (not exited, not a zombie).
    pub fn worker_running(&self) -> bool {
        let Some(child) = &self.worker else {
            return false;
        };
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap_or_default();
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        matches!(state, Some(s) if s != 'Z' && s != 'X')
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The case of question `message_id`: its history and the worker's log lines about it (for
    /// a failure's message).
    pub async fn case_story(&self, message_id: &str) -> String {
        let Some(case) = cases::find_by_message_id(&self.db.store, message_id)
            .await
            .unwrap()
        else {
            return format!("no case holds {message_id}");
        };
        let mut story = format!("case {} history:\n", case.id);
        for e in cases::events(&self.db.store, case.id).await.unwrap() {
            story += &format!(
                "  {} {} {:?} -> {} {}\n",
                e.at,
                e.actor,
                e.from_state,
                e.to_state,
                e.detail.unwrap_or_default()
            );
        }
        let tag = format!("case={}", case.id);
        story += "worker log:\n";
        for line in self.log_text().lines().filter(|l| {
            l.contains(&tag)
                && !l[l.find(&tag).unwrap() + tag.len()..].starts_with(|c: char| c.is_ascii_digit())
        }) {
            story += &format!("  {line}\n");
        }
        story
    }

    /// A question from the asker.
    pub fn question(&self, message_id: &str, subject: &str, body: &str) -> Vec<u8> {
        format!(
            "From: Asker <{asker}>\r\nTo: {consult}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
             Date: Tue, 13 Jan 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
            asker = self.asker,
            consult = self.consult
        )
        .into_bytes()
    }

    /// Delivers over SMTP (port 2525, like the internet).
    pub async fn deliver(&self, raw: &[u8]) {
        self.rig.deliver(&self.consult, raw).await;
    }

    /// Every message in the asker's INBOX.
    pub async fn replies(&self) -> Vec<Seen> {
        inbox_with(self.rig, &self.asker).await
    }

    /// Cases in each state.
    pub async fn counts(&self) -> Vec<(CaseState, i64)> {
        cases::counts_by_state(&self.db.store).await.unwrap()
    }

    pub async fn count(&self, state: CaseState) -> i64 {
        cases::count(
            &self.db.store,
            &CaseFilter {
                states: vec![state],
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap()
    }

    /// Waits until every reply of a `sent` case is in the asker's INBOX at least as many times
    /// as Postfix accepted it (and nothing is left `approved` or `sending`): the INBOX then holds
    /// all that was sent so far, so counting it needs no sleep to "give a duplicate a chance".
    pub async fn wait_delivered(&self, timeout: Duration) {
        let all = || async {
            cases::list(
                &self.db.store,
                &CaseFilter {
                    limit: 100_000,
                    ..CaseFilter::default()
                },
            )
            .await
            .unwrap()
        };
        self.wait_until(
            "every accepted reply in the asker's INBOX",
            timeout,
            || async {
                let list = all().await;
                if list
                    .iter()
                    .any(|c| matches!(c.state, CaseState::Approved | CaseState::Sending))
                {
                    return false;
                }
                let accepted = accepted_counts(self.rig);
                let mut have = std::collections::HashMap::new();
                for m in self.replies().await {
                    *have.entry(m.message_id).or_insert(0usize) += 1;
                }
                list.iter()
                    .filter(|c| c.state == CaseState::Sent)
                    .filter_map(|c| c.reply_message_id.as_ref())
                    .all(|mid| {
                        let want = accepted.get(mid).copied().unwrap_or(0).max(1);
                        have.get(mid).copied().unwrap_or(0) >= want
                    })
            },
        )
        .await;
    }

    /// Waits until `check` holds, or fails with the worker's log.
    pub async fn wait_until<F, Fut>(&self, what: &str, timeout: Duration, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + timeout;
        while !check().await {
            if Instant::now() > deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}; cases: {:?}\nworker log:\n{}",
                    self.counts().await,
                    tail(&self.log_text(), 60)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        self.kill();
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// One message in a mailbox, by its headers.
#[derive(Clone, Debug)]
pub struct Seen {
    pub message_id: String,
    pub in_reply_to: String,
    pub subject: String,
    pub raw: Vec<u8>,
}

/// Every message in `user`'s INBOX (a fresh session each time), via `rig`'s IMAPS port. Any
/// IMAP error fails the test: an empty answer must mean an empty INBOX.
pub async fn inbox_with(r: &Rig, user: &str) -> Vec<Seen> {
    let mut session = r.peek(user).await;
    let folder = session
        .select("INBOX")
        .await
        .unwrap_or_else(|e| panic!("cannot select {user}'s INBOX on the rig: {e}"));
    if folder.exists == 0 {
        session.logout().await.ok();
        return Vec::new();
    }
    let fetched: Vec<_> = session
        .uid_fetch("1:*", "BODY.PEEK[]")
        .await
        .unwrap_or_else(|e| panic!("cannot fetch {user}'s INBOX on the rig: {e}"))
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("reading {user}'s INBOX on the rig failed: {e}"));
    assert_eq!(
        fetched.len(),
        folder.exists as usize,
        "{user}'s INBOX: every message fetched"
    );
    let mut out = Vec::new();
    for f in &fetched {
        let body = f
            .body()
            .unwrap_or_else(|| panic!("a message of {user}'s INBOX came without its body"));
        let parsed = codedesk::question::parse(body, &codedesk::question::Limits::default());
        out.push(Seen {
            message_id: parsed.message_id.unwrap_or_default(),
            in_reply_to: parsed.in_reply_to.first().cloned().unwrap_or_default(),
            subject: parsed.subject,
            raw: body.to_vec(),
        });
    }
    session.logout().await.ok();
    out
}

/// Every message in `user`'s INBOX on the shared rig.
pub async fn inbox(user: &str) -> Vec<Seen> {
    inbox_with(rig(), user).await
}

/// Appends `raw` to `user`'s INBOX directly (IMAP APPEND), for messages SMTP would alter.
pub async fn append(user: &str, raw: &[u8]) {
    append_with(rig(), user, raw).await;
}

/// [`append`] on another rig.
pub async fn append_with(r: &Rig, user: &str, raw: &[u8]) {
    let mut session = r.peek(user).await;
    session.append("INBOX", None, None, raw).await.unwrap();
    session.logout().await.ok();
}

/// Every `.eml` file under `dir`, sorted.
pub fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "eml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A second rig of its own (MAILRIG_DIR=/tmp/codedesk-rig-chaos, ports 11xxx/12xxx) for tests
/// that stop and start servers, so tests on the shared rig are not disturbed.
pub fn chaos_rig() -> &'static Rig {
    static RIG: std::sync::OnceLock<Rig> = std::sync::OnceLock::new();
    RIG.get_or_init(|| {
        let dir = PathBuf::from("/tmp/codedesk-rig-chaos");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mail-rig");
        let log =
            std::env::temp_dir().join(format!("codedesk-chaos-rig-{}.log", std::process::id()));
        let out = std::fs::File::create(&log).unwrap();
        let status = Command::new("bash")
            .arg(&script)
            .arg("start")
            .env("MAILRIG_DIR", &dir)
            .env("MAILRIG_IMAP_PORT", "11143")
            .env("MAILRIG_IMAPS_PORT", "11993")
            .env("MAILRIG_LMTP_PORT", "12424")
            .env("MAILRIG_SMTP_PORT", "12525")
            .env("MAILRIG_SUBMISSION_PORT", "12587")
            .env("MAILRIG_SMTPS_PORT", "12465")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .status()
            .expect("run scripts/mail-rig");
        assert!(
            status.success(),
            "the second mail rig (MAILRIG_DIR={}) did not start:\n{}",
            dir.display(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let how = format!("the chaos rig's start log is {}", log.display());
        crate::rig::read_env(dir, &how)
    })
}

fn run_quietly(cmd: &mut Command) {
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{cmd:?}: {status}");
}

/// Stops the rig's Dovecot (every IMAP session ends) and starts it again after `down`.
pub async fn restart_dovecot(r: &Rig, down: Duration) {
    run_quietly(
        Command::new("doveadm")
            .arg("-c")
            .arg(&r.dovecot_conf)
            .arg("stop"),
    );
    tokio::time::sleep(down).await;
    run_quietly(Command::new("dovecot").arg("-c").arg(&r.dovecot_conf));
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect((HOST, r.imap_port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "Dovecot did not come back on port {}",
            r.imap_port
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Postfix deferred what it could not hand to LMTP while Dovecot was down: retry it now
    // rather than in five minutes (a real MTA would, later).
    flush_postfix(r);
}

/// Makes Postfix retry its deferred mail now.
pub fn flush_postfix(r: &Rig) {
    run_quietly(
        Command::new("postqueue")
            .arg("-c")
            .arg(r.dir.join("etc/postfix"))
            .arg("-f"),
    );
}

/// Stops the rig's Postfix (every SMTP port closes).
pub fn stop_postfix(r: &Rig) {
    run_quietly(
        Command::new("postfix")
            .arg("-c")
            .arg(r.dir.join("etc/postfix"))
            .arg("stop"),
    );
}

/// Starts the rig's Postfix again.
pub fn start_postfix(r: &Rig) {
    run_quietly(
        Command::new("postfix")
            .arg("-c")
            .arg(r.dir.join("etc/postfix"))
            .arg("start"),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect((HOST, r.submission_port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "Postfix did not come back on port {}",
            r.submission_port
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The rig's Postfix log lines that mention `message_id` (its cleanup line and its queue ID's
/// deliveries), for failure messages.
pub fn postfix_log_of(r: &Rig, message_id: &str) -> Vec<String> {
    let log = std::fs::read_to_string(r.dir.join("log/postfix.log")).unwrap_or_default();
    let queue_ids = postfix_queue_ids(&log, message_id);
    log.lines()
        .filter(|l| queue_ids.iter().any(|q| l.contains(&format!(" {q}: "))))
        .map(str::to_string)
        .collect()
}

/// How many times Postfix accepted a message with this Message-ID: one queue file per accepted
/// submission, whatever its delivery agent did later (an LMTP delivery cut off by a Dovecot
/// restart is retried by Postfix and may land twice; that is the MTA's redelivery, not a
/// second send).
pub fn accepted_by_postfix(r: &Rig, message_id: &str) -> usize {
    let log = std::fs::read_to_string(r.dir.join("log/postfix.log")).unwrap_or_default();
    postfix_queue_ids(&log, message_id).len()
}

/// [`accepted_by_postfix`] for every Message-ID in the log at once: Message-ID → queue files.
pub fn accepted_counts(r: &Rig) -> std::collections::HashMap<String, usize> {
    let log = std::fs::read_to_string(r.dir.join("log/postfix.log")).unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    for line in log.lines().filter(|l| l.contains("/cleanup[")) {
        if let Some((_, mid)) = line.split_once(": message-id=<")
            && let Some(mid) = mid.strip_suffix('>')
        {
            *out.entry(mid.to_string()).or_default() += 1;
        }
    }
    out
}

fn postfix_queue_ids(log: &str, message_id: &str) -> std::collections::BTreeSet<String> {
    let needle = format!(": message-id=<{message_id}>");
    log.lines()
        .filter(|l| l.contains("/cleanup[") && l.ends_with(&needle))
        .filter_map(|l| {
            let before = &l[..l.len() - needle.len()];
            before.rsplit(' ').next().map(str::to_string)
        })
        .collect()
}

/// Watches the asker's INBOX and records when each reply (by In-Reply-To) first appears.
pub async fn watch_replies(
    desk_rig: &'static Rig,
    user: String,
    prefix: &'static str,
    want: usize,
    arrived: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>>,
) {
    let mut session = desk_rig.peek(&user).await;
    session.select("INBOX").await.unwrap();
    let mut next_uid = 1u32;
    let deadline = Instant::now() + Duration::from_secs(600);
    while arrived.lock().unwrap().len() < want && Instant::now() < deadline {
        session.noop().await.unwrap();
        let fetched: Vec<_> = session
            .uid_fetch(
                format!("{next_uid}:*"),
                "(UID BODY.PEEK[HEADER.FIELDS (IN-REPLY-TO)])",
            )
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap_or_default();
        let now = Instant::now();
        for f in &fetched {
            let Some(uid) = f.uid else { continue };
            if uid < next_uid {
                continue; // "n:*" returns the last message when nothing is newer
            }
            next_uid = uid + 1;
            let header = String::from_utf8_lossy(f.header().unwrap_or_default()).to_string();
            if let (Some(a), Some(b)) = (header.find('<'), header.rfind('>'))
                && header[a + 1..b].starts_with(prefix)
            {
                arrived
                    .lock()
                    .unwrap()
                    .entry(header[a + 1..b].to_string())
                    .or_insert(now);
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    session.logout().await.ok();
}

/// The workers' own part of a burst, from the case table: seconds from the first of the cases
/// whose subject starts with `subject_prefix` being stored to the last of their replies accepted
/// by SMTP, and how many cases there were.
pub async fn burst_span(desk: &Desk, subject_prefix: &str) -> (i64, usize) {
    let all = cases::list(
        &desk.db.store,
        &CaseFilter {
            limit: 100_000,
            ..CaseFilter::default()
        },
    )
    .await
    .unwrap();
    let burst: Vec<_> = all
        .iter()
        .filter(|c| {
            c.subject
                .as_deref()
                .is_some_and(|s| s.starts_with(subject_prefix))
        })
        .collect();
    let first = burst
        .iter()
        .map(|c| c.received_at)
        .min()
        .unwrap_or_default();
    let last = burst
        .iter()
        .filter_map(|c| c.sent_at)
        .max()
        .unwrap_or_default();
    (last - first, burst.len())
}

/// User + system CPU seconds of process `pid` so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

/// (busy, total) jiffies of the whole machine.
pub fn machine_jiffies() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = cpu.iter().sum();
    let idle = cpu.get(3).copied().unwrap_or(0) + cpu.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// What the mail rig alone needs for a burst's mail, with no worker: `n` copies of `question`
/// delivered to a fresh consult address over port 2525 (one connection each, 8 at a time, as the
/// benchmarks deliver) while `n` copies of `reply` go out through submission (STARTTLS + AUTH,
/// the worker's own pooled outbox, 8 at a time) to a fresh asker with a receipt copy to the
/// consult address, as the worker sends them. Returns the seconds until all 3·n messages are in
/// the two INBOXes: the ceiling any worker's end-to-end throughput has on this machine.
pub async fn rig_ceiling(r: &'static Rig, question: &[u8], reply: &[u8], n: usize) -> f64 {
    use codedesk::config::TlsMode;
    use codedesk::outbox::{Envelope, Outbox, OutboxOptions};
    use futures::StreamExt;
    let consult = r.user("ceiling");
    let asker = format!("{}@example.test", unique("asker-ceiling"));
    let outbox = Outbox::open(
        &r.smtp_config(&consult, r.submission_port, TlsMode::Starttls),
        OutboxOptions::default(),
    )
    .expect("the rig's submission outbox");
    let envelope = Envelope::new(Some(&consult), &[&asker, &consult]).unwrap();
    let started = Instant::now();
    let questions =
        futures::stream::iter(0..n).for_each_concurrent(8, |_| r.deliver(&consult, question));
    let replies = futures::stream::iter(0..n).for_each_concurrent(8, |_| async {
        outbox
            .send(reply, &envelope)
            .await
            .expect("reply submitted");
    });
    futures::join!(questions, replies);
    let mut consult_session = r.peek(&consult).await;
    let mut asker_session = r.peek(&asker).await;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let inbox_of = |s: async_imap::types::Mailbox| s.exists as usize;
        let have_consult = consult_session.examine("INBOX").await.map_or(0, inbox_of);
        let have_asker = asker_session.examine("INBOX").await.map_or(0, inbox_of);
        if (have_consult >= 2 * n && have_asker >= n) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = started.elapsed().as_secs_f64();
    consult_session.logout().await.ok();
    asker_session.logout().await.ok();
    took
}
