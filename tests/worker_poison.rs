//! A poison message, against the worker as a real process: a question whose sender's name and
//! subject decode to CR LF and a header of the sender's making (and a NUL, which PostgreSQL cannot
//! store), between two ordinary questions in one batch. The worker keeps running, the two others
//! are answered and sent, and the poison one is answered with its name and subject on one clean
//! line (no injected header) and stays in staff's hands: they can have it answered again, and
//! reject it.

mod common;
mod rig;
mod worker_support;

use codedesk::store::cases::{self, CaseState};
use codedesk::store::staff_cases;
use common::Engine;
use std::time::Duration;
use worker_support::{Desk, DeskOptions, append, inbox};

const MINUTE: Duration = Duration::from_secs(60);
const STAFF: &str = "lead@clinic.example";

async fn state_of(desk: &Desk, message_id: &str) -> Option<CaseState> {
    cases::find_by_message_id(&desk.db.store, message_id)
        .await
        .unwrap()
        .map(|c| c.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_decodes_to_a_header_neither_crashes_the_worker_nor_stops_the_batch_on_sqlite()
{
    poison_between_two_questions(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_decodes_to_a_header_neither_crashes_the_worker_nor_stops_the_batch_on_postgres()
 {
    poison_between_two_questions(Engine::Postgres).await;
}

async fn poison_between_two_questions(engine: Engine) {
    let mut desk = Desk::new(
        engine,
        "poison",
        DeskOptions {
            review: "always",
            ..DeskOptions::default()
        },
    )
    .await;
    let pid = std::process::id();
    let first = format!("q-poison-first-{engine:?}-{pid}@asker.example.test");
    let poison = format!("q-poison-evil-{engine:?}-{pid}@asker.example.test");
    let third = format!("q-poison-third-{engine:?}-{pid}@asker.example.test");
    let evil = format!(
        "From: =?utf-8?q?Evil=0D=0AX-Injected:_1?= <{asker}>\r\n\
         Reply-To: =?utf-8?q?Evil=0AX-Injected:_2?= <{asker}>\r\n\
         To: {consult}\r\nSubject: =?utf-8?q?Spine=0D=0AX-Injected:_3=00?=\r\n\
         Message-ID: <{poison}>\r\nDate: Tue, 13 Jan 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nIs M54.16 right for lumbar radiculopathy?\r\n",
        asker = desk.asker,
        consult = desk.consult,
    );
    // One batch: all three are in the mailbox before the worker starts.
    append(
        &desk.consult,
        &desk.question(&first, "Office visit", "Can I bill 99214-25 with 96372?"),
    )
    .await;
    append(&desk.consult, evil.as_bytes()).await;
    append(
        &desk.consult,
        &desk.question(&third, "Diabetes", "Is E11.9 billable?"),
    )
    .await;
    desk.start();
    desk.wait_until("all three cases held", MINUTE, || async {
        desk.count(CaseState::Held).await == 3 || !desk.worker_running()
    })
    .await;
    assert!(
        desk.worker_running(),
        "the worker exited on the poison message:\n{}",
        desk.log_text()
    );
    assert_eq!(
        desk.count(CaseState::Held).await,
        3,
        "{:?}",
        desk.counts().await
    );

    // The poison case's drafted reply: the name and subject on one line, no injected header.
    let case = cases::find_by_message_id(&desk.db.store, &poison)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.subject.as_deref(), Some("Spine X-Injected: 3"));
    assert_eq!(case.reply_to.as_deref(), Some(desk.asker.as_str()));
    let raw = cases::reply_raw(&desk.db.store, case.id)
        .await
        .unwrap()
        .expect("a drafted reply");
    let text = String::from_utf8_lossy(&raw);
    let head = text.split("\r\n\r\n").next().unwrap();
    assert!(
        !head.lines().any(|l| l.starts_with("X-Injected")),
        "a header of the sender's making:\n{head}"
    );
    let back = codedesk::question::parse(&raw, &Default::default());
    assert_eq!(back.to[0].name.as_deref(), Some("Evil X-Injected: 2"));
    assert!(
        back.subject.starts_with("Re: Spine X-Injected: 3 ["),
        "{}",
        back.subject
    );

    // Staff approve the two ordinary answers: the running worker sends them.
    for mid in [&first, &third] {
        let id = cases::find_by_message_id(&desk.db.store, mid)
            .await
            .unwrap()
            .unwrap()
            .id;
        cases::approve(&desk.db.store, id, STAFF, codedesk::worker::now_unix_pub())
            .await
            .unwrap();
    }
    let asker = desk.asker.clone();
    desk.wait_until("the two answers in the asker's INBOX", MINUTE, || async {
        let got = inbox(&asker).await;
        [&first, &third]
            .iter()
            .all(|q| got.iter().any(|r| &&r.in_reply_to == q))
    })
    .await;

    // Staff have the poison case answered again (the worker does it, and holds it again) ...
    let events = cases::events(&desk.db.store, case.id).await.unwrap().len();
    assert!(
        staff_cases::reanswer(
            &desk.db.store,
            case.id,
            STAFF,
            codedesk::worker::now_unix_pub()
        )
        .await
        .unwrap(),
        "{}",
        desk.case_story(&poison).await
    );
    desk.wait_until("the poison case answered again", MINUTE, || async {
        state_of(&desk, &poison).await == Some(CaseState::Held)
            && cases::events(&desk.db.store, case.id).await.unwrap().len() >= events + 2
    })
    .await;
    // ... and reject it.
    cases::reject(
        &desk.db.store,
        case.id,
        STAFF,
        codedesk::worker::now_unix_pub(),
    )
    .await
    .unwrap();
    assert_eq!(state_of(&desk, &poison).await, Some(CaseState::Ignored));
    assert!(
        desk.worker_running(),
        "the worker exited:\n{}",
        desk.log_text()
    );
    let status = desk.terminate(Duration::from_secs(15));
    assert!(status.success(), "{status}\n{}", desk.log_text());
    let log = desk.log_text();
    assert!(
        !log.contains("X-Injected") && !log.contains("panicked"),
        "no message text and no panic in the log:\n{log}"
    );
}
