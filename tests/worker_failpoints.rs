//! Crash recovery, step by step: the worker is stopped by a named fail point
//! (`CODEDESK_FAILPOINT`, see `codedesk::failpoint`) before the SMTP send, after the final dot of
//! DATA, or after the 250, then started again; through the real Dovecot and Postfix exactly one
//! reply reaches the asker, with the Message-ID stored before the send. The file outbox's branch
//! of recovery too. On SQLite and PostgreSQL.

mod common;
mod rig;
mod worker_support;

use codedesk::failpoint;
use codedesk::store::cases::{self, Case, CaseState};
use common::{Engine, TempDir};
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;
use worker_support::{Desk, DeskOptions, accepted_by_postfix, inbox, postfix_log_of};

const MINUTE: Duration = Duration::from_secs(60);
/// The worker's receipt grace period (`WorkerSettings::receipt_grace`).
const GRACE_SECS: i64 = 20;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Starts the worker with `point` armed, delivers one question and waits for the worker to kill
/// itself there; returns the question's Message-ID and its case, left `sending`.
async fn stopped_at(desk: &mut Desk, point: &str) -> (String, Case) {
    desk.start_with(&[(failpoint::ENV, point)]);
    let qid = format!("q-fp-{point}-{}@asker.example.test", rig::unique("fp"));
    desk.deliver(&desk.question(&qid, "Injection visit", "Can I bill 99214-25 with 96372?"))
        .await;
    let status = desk.exited(2 * MINUTE).await;
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "the worker stops at {point} by SIGKILL: {status:?}\n{}",
        desk.log_text()
    );
    assert!(
        desk.log_text()
            .contains(&format!("{}={point}: stopping", failpoint::ENV)),
        "the log says where it stopped:\n{}",
        desk.log_text()
    );
    let case = cases::find_by_message_id(&desk.db.store, &qid)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the question {qid} was stored"));
    assert_eq!(
        case.state,
        CaseState::Sending,
        "{}",
        desk.case_story(&qid).await
    );
    assert_eq!(case.attempts, 1);
    assert!(
        case.reply_message_id.is_some(),
        "the Message-ID is stored before the send"
    );
    (qid, case)
}

/// How many messages in `user`'s INBOX have this Message-ID.
async fn copies_of(user: &str, message_id: &str) -> usize {
    inbox(user)
        .await
        .iter()
        .filter(|m| m.message_id == message_id)
        .count()
}

/// Stops the worker at `point` (an SMTP one), restarts it, and checks that exactly one reply
/// with the stored Message-ID reached the asker. `late`: the restart waits until the copy of an
/// accepted reply is in the consult INBOX and the grace period has run out, so recovery must
/// read the mailbox before it may resend.
async fn one_reply_after_a_stop_at(engine: Engine, point: &str, late: bool) {
    let mut desk = Desk::new(engine, &format!("fp-{point}"), DeskOptions::default()).await;
    let (qid, case) = stopped_at(&mut desk, point).await;
    let mid = case.reply_message_id.clone().unwrap();
    let r = desk.rig;
    let accepted_before = point != failpoint::BEFORE_SEND;
    if accepted_before {
        // The server had the whole message: Postfix logs it as accepted.
        desk.wait_until("Postfix accepting the reply", MINUTE, || async {
            accepted_by_postfix(r, &mid) == 1
        })
        .await;
    } else {
        // The process died before it connected: nothing can reach Postfix any more.
        assert_eq!(accepted_by_postfix(r, &mid), 0, "{engine:?} {point}");
    }
    if late {
        let consult = desk.consult.clone();
        desk.wait_until("the receipt copy in the consult INBOX", MINUTE, || async {
            copies_of(&consult, &mid).await == 1
        })
        .await;
        let grace_end = case.updated_at + GRACE_SECS;
        while now() <= grace_end {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    desk.start();
    let store = desk.db.store.clone();
    desk.wait_until("the case sent after the restart", 3 * MINUTE, || async {
        cases::get(&store, case.id).await.unwrap().unwrap().state == CaseState::Sent
    })
    .await;
    // Evidence, not time: every submission Postfix took is delivered before counting.
    let asker = desk.asker.clone();
    desk.wait_until("each accepted copy delivered", MINUTE, || async {
        copies_of(&asker, &mid).await >= accepted_by_postfix(r, &mid).max(1)
    })
    .await;
    let story = desk.case_story(&qid).await;
    assert_eq!(
        accepted_by_postfix(r, &mid),
        1,
        "{engine:?} {point}: one submission of <{mid}>\n{story}\n{:?}",
        postfix_log_of(r, &mid)
    );
    let got = inbox(&desk.asker).await;
    assert_eq!(
        got.len(),
        1,
        "{engine:?} {point}: one reply: {got:?}\n{story}"
    );
    assert_eq!(
        got[0].message_id, mid,
        "{engine:?} {point}: the stored Message-ID"
    );
    assert_eq!(got[0].in_reply_to, qid, "{engine:?} {point}");
    let settled = cases::get(&desk.db.store, case.id).await.unwrap().unwrap();
    let events = cases::events(&desk.db.store, case.id).await.unwrap();
    let details: Vec<&str> = events.iter().filter_map(|e| e.detail.as_deref()).collect();
    if accepted_before {
        assert_eq!(
            settled.attempts, 1,
            "{engine:?} {point}: not sent again\n{story}"
        );
        assert!(
            details.contains(&"a copy of the reply came back: delivered"),
            "{engine:?} {point}: settled by its copy\n{story}"
        );
    } else {
        assert_eq!(
            settled.attempts, 2,
            "{engine:?} {point}: sent again\n{story}"
        );
        assert!(
            details.iter().any(|d| d.starts_with(
                "interrupted send: no copy of the reply came back within the grace period"
            )),
            "{engine:?} {point}: resent after the grace period\n{story}"
        );
    }
    desk.terminate(Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_before_the_send_it_is_resent_once_with_the_same_message_id() {
    for engine in common::ENGINES {
        one_reply_after_a_stop_at(engine, failpoint::BEFORE_SEND, false).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_after_the_final_dot_the_receipt_copy_settles_it() {
    for engine in common::ENGINES {
        one_reply_after_a_stop_at(engine, failpoint::AFTER_DATA, false).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_after_the_250_the_receipt_copy_settles_it() {
    for engine in common::ENGINES {
        one_reply_after_a_stop_at(engine, failpoint::AFTER_250, false).await;
    }
}

/// The worker was down through the whole grace period while the copy came back: at start-up
/// recovery must not take the unread copy's absence for a lost send (it used to resend at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_that_came_back_while_every_worker_was_down_is_not_answered_by_a_resend() {
    for engine in common::ENGINES {
        one_reply_after_a_stop_at(engine, failpoint::AFTER_250, true).await;
    }
}

/// The file outbox: a reply file written before the stop settles the case as sent; none written
/// means it is written again (same Message-ID, the same file name).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_file_outbox_the_reply_file_decides() {
    for engine in common::ENGINES {
        for (point, written) in [
            (failpoint::AFTER_250, true),
            (failpoint::BEFORE_SEND, false),
        ] {
            let out = TempDir::new("fp-outbox");
            let options = DeskOptions {
                outbox: Some(format!(
                    "[outbox]\nkind = \"file\"\npath = \"{}\"\nfrom = \"Coding Desk <desk@example.test>\"\n",
                    out.path().display()
                )),
                ..DeskOptions::default()
            };
            let mut desk = Desk::new(engine, "fp-file", options).await;
            let (qid, case) = stopped_at(&mut desk, point).await;
            let files = || -> Vec<std::path::PathBuf> {
                std::fs::read_dir(out.path())
                    .map(|d| d.map(|e| e.unwrap().path()).collect())
                    .unwrap_or_default()
            };
            assert_eq!(files().len(), usize::from(written), "{engine:?} {point}");
            desk.start();
            let store = desk.db.store.clone();
            desk.wait_until("the case sent after the restart", 2 * MINUTE, || async {
                cases::get(&store, case.id).await.unwrap().unwrap().state == CaseState::Sent
            })
            .await;
            let story = desk.case_story(&qid).await;
            let eml = files();
            assert_eq!(eml.len(), 1, "{engine:?} {point}: one reply file: {eml:?}");
            let raw = std::fs::read(&eml[0]).unwrap();
            let parsed = codedesk::question::parse(&raw, &codedesk::question::Limits::default());
            assert_eq!(
                parsed.message_id, case.reply_message_id,
                "{engine:?} {point}"
            );
            let settled = cases::get(&desk.db.store, case.id).await.unwrap().unwrap();
            let events = cases::events(&desk.db.store, case.id).await.unwrap();
            let details: Vec<&str> = events.iter().filter_map(|e| e.detail.as_deref()).collect();
            let (attempts, why) = if written {
                (1, "interrupted send: the reply file exists")
            } else {
                (2, "interrupted send: no reply file, sending again")
            };
            assert_eq!(settled.attempts, attempts, "{engine:?} {point}\n{story}");
            assert!(details.contains(&why), "{engine:?} {point}: {why}\n{story}");
            desk.terminate(Duration::from_secs(15));
        }
    }
}
