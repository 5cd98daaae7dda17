//! The worker, as a real process, against an SMTP server that stops answering (scripted on
//! loopback). A reply written in full but never answered may have been accepted, so it is not
//! sent again: without receipt copies (a Maildir consult mailbox has none) the next run hands the
//! case to staff as `failed`, naming the Message-ID to check; the server was given it once. And a
//! worker stuck waiting on such a server still says it is alive.

mod common;
mod scripted_smtp;

use codedesk::store::Store;
use codedesk::store::cases::{self, CaseState};
use scripted_smtp::{Play, scripted};
use std::path::Path;
use std::process::{Command, Stdio};

/// A Maildir consult mailbox in `dir` holding one question.
fn mailbox_with_a_question(dir: &Path) {
    let inbox = dir.join("mail/inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    std::fs::write(
        inbox.join("new/1.eml"),
        "From: Pat <pat@clinic.example>\r\nTo: consult@codedesk.invalid\r\n\
         Subject: A question\r\nMessage-ID: <q1@clinic.example>\r\n\r\nIs 99213 billable?\r\n",
    )
    .unwrap();
}

/// `codedesk worker` in `dir` (its Maildir under `mail/inbox`) with the outbox at `port`.
fn worker(dir: &Path, db: &str, port: u16, timeout: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_codedesk"));
    command
        .args(["--db", db, "--index"])
        .arg(dir.join("index"))
        .arg("worker")
        .current_dir(dir)
        .env("CODEDESK_LOG", "codedesk=info")
        .env("CODEDESK_POLICY_REVIEW", "never")
        .env("CODEDESK_OUTBOX_KIND", "smtp")
        .env("CODEDESK_OUTBOX_HOST", "127.0.0.1")
        .env("CODEDESK_OUTBOX_PORT", port.to_string())
        .env("CODEDESK_OUTBOX_TLS", "none")
        .env("CODEDESK_OUTBOX_TIMEOUT", timeout)
        .env("CODEDESK_OUTBOX_FROM", "Desk <desk@example.test>")
        .stdin(Stdio::null());
    command
}

/// `codedesk worker --once` in `dir` with the outbox at `port`; returns its log.
async fn run_once(dir: &Path, db: &str, port: u16) -> String {
    let mut command = worker(dir, db, port, "1s");
    tokio::task::spawn_blocking(move || {
        let out = command.arg("--once").output().unwrap();
        let log = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "the worker failed:\n{log}");
        log
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_written_but_never_answered_is_not_sent_again_and_goes_to_staff() {
    let script = scripted(vec![Play::SilentAfterDot]).await;
    let dir = common::TempDir::new("unanswered");
    mailbox_with_a_question(dir.path());
    let db = format!("sqlite://{}/c.db", dir.path().display());

    let log = run_once(dir.path(), &db, script.port).await;
    assert_eq!(script.messages(), 1, "the reply was written once:\n{log}");
    assert!(log.contains("may have been accepted"), "{log}");
    let store = Store::connect(&db).await.unwrap();
    let case = cases::find_by_message_id(&store, "q1@clinic.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.state, CaseState::Sending, "left for recovery:\n{log}");
    assert_eq!(case.claimed_by, None);
    assert!(
        case.last_error
            .as_deref()
            .is_some_and(|e| e.contains("after the message was written")),
        "{:?}",
        case.last_error
    );
    store.close().await;

    // The next run's recovery: no receipt copy can come back, so staff decide.
    let log = run_once(dir.path(), &db, script.port).await;
    assert_eq!(script.messages(), 1, "not sent again:\n{log}");
    let store = Store::connect(&db).await.unwrap();
    let case = cases::get(&store, case.id).await.unwrap().unwrap();
    assert_eq!(case.state, CaseState::Failed, "{log}");
    let mid = case.reply_message_id.clone().unwrap();
    let last = cases::events(&store, case.id).await.unwrap();
    let why = last.last().unwrap().detail.clone().unwrap_or_default();
    assert!(
        why.contains("may have been delivered") && why.contains(&mid),
        "{why}"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_waiting_on_a_silent_server_still_says_it_is_alive() {
    // The server takes the connection, then never answers MAIL FROM; the send waits up to 40 s.
    let script = scripted(vec![Play::SilentAfterMail]).await;
    let dir = common::TempDir::new("silent-server");
    mailbox_with_a_question(dir.path());
    let db = format!("sqlite://{}/c.db", dir.path().display());
    let log = dir.path().join("worker.log");
    let mut child = worker(dir.path(), &db, script.port, "40s")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while script.connections() == 0 && started.elapsed() < std::time::Duration::from_secs(20) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(script.connections() > 0, "the worker never tried to send");
    tokio::time::sleep(std::time::Duration::from_secs(12)).await;
    let store = Store::connect(&db).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let alive = codedesk::store::workers::alive(&store, now - 7)
        .await
        .unwrap();
    unsafe {
        libc::kill(child.id() as i32, libc::SIGKILL);
    }
    child.wait().unwrap();
    assert!(
        !alive.is_empty(),
        "12 s into a stuck send, no heartbeat in the last 7 s:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let case = cases::find_by_message_id(&store, "q1@clinic.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.state, CaseState::Sending, "the send was still waiting");
    store.close().await;
}
