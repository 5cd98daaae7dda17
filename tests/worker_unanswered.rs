//! The worker, as a real process, when the SMTP server takes a whole reply and never answers:
//! the reply may have been accepted, so it is not sent again. Without receipt copies (a Maildir
//! consult mailbox has none) the next run hands the case to staff as `failed`, naming the
//! Message-ID to check; the server was given the reply exactly once.

mod common;
mod scripted_smtp;

use codedesk::store::Store;
use codedesk::store::cases::{self, CaseState};
use scripted_smtp::{Play, scripted};
use std::path::Path;
use std::process::{Command, Stdio};

/// `codedesk worker --once` in `dir` with the outbox at `port`; returns its log.
async fn run_once(dir: &Path, db: &str, port: u16) -> String {
    let dir = dir.to_path_buf();
    let db = db.to_string();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
            .args(["--db", &db, "--index"])
            .arg(dir.join("index"))
            .args(["worker", "--once"])
            .current_dir(&dir)
            .env("CODEDESK_LOG", "codedesk=info")
            .env("CODEDESK_POLICY_REVIEW", "never")
            .env("CODEDESK_OUTBOX_KIND", "smtp")
            .env("CODEDESK_OUTBOX_HOST", "127.0.0.1")
            .env("CODEDESK_OUTBOX_PORT", port.to_string())
            .env("CODEDESK_OUTBOX_TLS", "none")
            .env("CODEDESK_OUTBOX_TIMEOUT", "1s")
            .env("CODEDESK_OUTBOX_FROM", "Desk <desk@example.test>")
            .stdin(Stdio::null())
            .output()
            .unwrap();
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
    let inbox = dir.path().join("mail/inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    std::fs::write(
        inbox.join("new/1.eml"),
        "From: Pat <pat@clinic.example>\r\nTo: consult@codedesk.invalid\r\n\
         Subject: A question\r\nMessage-ID: <q1@clinic.example>\r\n\r\nIs 99213 billable?\r\n",
    )
    .unwrap();
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
