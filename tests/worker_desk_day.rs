//! `[desk]` through the real worker and the mail rig: a held case's asker is acknowledged once
//! (also when the case is processed again by a new worker process), automatic mail never; and a
//! question's date is taken in the desk's zone, so one written at 21:00 on September 30 in Chicago
//! is answered from FY2026 even when its Date header says 02:00 UTC on October 1.

mod common;
mod rig;
mod worker_support;

use codedesk::store::acknowledgements;
use codedesk::store::cases::{self, CaseState};
use common::Engine;
use std::time::Duration;
use worker_support::{Desk, DeskOptions, inbox};

const MINUTE: Duration = Duration::from_secs(60);

async fn acknowledged_once(engine: Engine) {
    let mut desk = Desk::new(
        engine,
        "ack",
        DeskOptions {
            review: "always",
            acknowledge: true,
            desk: "answer_expected = \"by the end of the next working day\"\n".into(),
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let pid = std::process::id();
    let qid = format!("q-ack-{pid}@asker.example.test");
    desk.deliver(&desk.question(&qid, "Spine", "Is M54.16 right for lumbar radiculopathy?"))
        .await;
    let asker = desk.asker.clone();
    desk.wait_until(
        "the acknowledgement in the asker's INBOX",
        MINUTE,
        || async { !inbox(&asker).await.is_empty() },
    )
    .await;
    let case = cases::find_by_message_id(&desk.db.store, &qid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.state, CaseState::Held, "{engine:?}");
    let case_ref = case.case_ref.clone().expect("a case reference");
    let ack = acknowledgements::get(&desk.db.store, case.id)
        .await
        .unwrap()
        .expect("the acknowledgement is recorded");
    assert_eq!(ack.state, "sent", "{engine:?}: {ack:?}");

    // Automatic mail from the same asker: ignored, and no acknowledgement.
    let auto_id = format!("q-ack-auto-{pid}@asker.example.test");
    let auto =
        String::from_utf8(desk.question(&auto_id, "Out of office", "Back on Monday: 99213."))
            .unwrap()
            .replacen(
                "MIME-Version",
                "Auto-Submitted: auto-replied\r\nMIME-Version",
                1,
            );
    desk.deliver(auto.as_bytes()).await;
    desk.wait_until("the automatic mail ignored", MINUTE, || async {
        desk.count(CaseState::Ignored).await == 1
    })
    .await;
    let auto_case = cases::find_by_message_id(&desk.db.store, &auto_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        acknowledgements::get(&desk.db.store, auto_case.id)
            .await
            .unwrap(),
        None,
        "{engine:?}: automatic mail is never acknowledged"
    );

    // The held case answered again by a new worker process: held again, not acknowledged again.
    desk.kill();
    assert!(
        codedesk::store::staff_cases::reanswer(
            &desk.db.store,
            case.id,
            "lead@test",
            codedesk::worker::now_unix_pub(),
        )
        .await
        .unwrap()
    );
    desk.start();
    desk.wait_until("the case held again", MINUTE, || async {
        let c = cases::get(&desk.db.store, case.id).await.unwrap().unwrap();
        c.state == CaseState::Held && c.reply_message_id.is_some()
    })
    .await;
    // Give a second acknowledgement every chance to show up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = inbox(&desk.asker).await;
    assert_eq!(
        got.len(),
        1,
        "{engine:?}: exactly one message, the acknowledgement: {got:?}\n{}",
        desk.case_story(&qid).await
    );
    let mail = &got[0];
    assert_eq!(mail.message_id, ack.message_id, "{engine:?}");
    assert_eq!(
        mail.in_reply_to, qid,
        "{engine:?}: threaded to the question"
    );
    let text = String::from_utf8_lossy(&mail.raw);
    assert!(text.contains(&format!("References: <{qid}>")), "{text}");
    assert!(text.contains("Auto-Submitted: auto-replied"), "{text}");
    assert!(mail.subject.contains(&case_ref), "{}", mail.subject);
    let parsed = codedesk::question::parse(&mail.raw, &codedesk::question::Limits::default());
    let body = parsed
        .full_text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(body.contains("received"), "{body}");
    assert!(
        body.contains(&format!("Case reference: {case_ref}")),
        "{body}"
    );
    assert!(
        body.contains("by the end of the next working day"),
        "{body}"
    );
    assert!(!body.contains("M54.16"), "no answer in it: {body}");
    let case = cases::get(&desk.db.store, case.id).await.unwrap().unwrap();
    assert_ne!(
        case.reply_message_id.as_deref(),
        Some(mail.message_id.as_str()),
        "the held reply was not sent"
    );
    desk.terminate(Duration::from_secs(15));
    let log = desk.log_text();
    assert!(log.contains("acknowledgement sent"), "{log}");
    assert!(
        !log.contains(&desk.asker),
        "no addresses in the log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_case_is_acknowledged_once_and_automatic_mail_never_on_sqlite() {
    acknowledged_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_case_is_acknowledged_once_and_automatic_mail_never_on_postgres() {
    acknowledged_once(Engine::Postgres).await;
}

/// The reply's words, on one line, to a question dated 02:00 UTC on October 1, 2026 (21:00 on
/// September 30 in Chicago), from a desk in `zone`.
async fn reply_dated_in(zone: &str) -> String {
    let mut desk = Desk::new(
        Engine::Sqlite,
        "zone",
        DeskOptions {
            desk: format!("timezone = \"{zone}\"\n"),
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let qid = format!(
        "q-zone-{}-{}@asker.example.test",
        zone.replace('/', "-"),
        std::process::id()
    );
    let question = String::from_utf8(desk.question(&qid, "Cold", "Is J06.9 billable?"))
        .unwrap()
        .replace(
            "Date: Tue, 13 Jan 2026 10:00:00 +0000",
            "Date: Thu, 01 Oct 2026 02:00:00 +0000",
        );
    desk.deliver(question.as_bytes()).await;
    let asker = desk.asker.clone();
    desk.wait_until("the reply in the asker's INBOX", MINUTE, || async {
        !inbox(&asker).await.is_empty()
    })
    .await;
    let got = inbox(&desk.asker).await;
    desk.terminate(Duration::from_secs(15));
    let parsed = codedesk::question::parse(&got[0].raw, &codedesk::question::Limits::default());
    parsed
        .full_text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_of_the_evening_of_september_30_in_chicago_is_answered_from_fy2026() {
    let chicago = reply_dated_in("America/Chicago").await;
    assert!(chicago.contains("as of 2026-09-30"), "{chicago}");
    assert!(chicago.contains("FY2026"), "{chicago}");
    assert!(
        !chicago.contains("FY2027") && !chicago.contains("not loaded"),
        "answered from FY2026, no release gap: {chicago}"
    );
    // The same message at a desk in UTC is of October 1: FY2027, which the sample lacks.
    let utc = reply_dated_in("UTC").await;
    assert!(utc.contains("as of 2026-10-01"), "{utc}");
    assert!(utc.contains("FY2027"), "{utc}");
}
