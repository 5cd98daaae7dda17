//! `[notify]` through the real worker and the mail rig: held cases announced to the staff
//! mailbox one by one or in a digest (none before its window ends), and an overdue reminder once
//! the business-hours deadline passes across a weekend, never twice after a restart. The worker's
//! test clock (`CODEDESK_TEST_NOW`, debug builds) stands in for the hours and days between.

mod common;
mod rig;
mod worker_support;

use codedesk::date::Date;
use codedesk::store::cases::{self, CaseState};
use codedesk::store::staff_notices;
use common::Engine;
use std::time::Duration;
use worker_support::{Desk, DeskOptions, Seen, inbox};

const MINUTE: Duration = Duration::from_secs(60);
/// Longer than the worker's staff step (every 5 s): time for a mail that must not come.
const EVERY_CHANCE: Duration = Duration::from_secs(8);
const PAGE: &str = "https://desk.example.test";

fn notify(staff: &str, mode: &str) -> String {
    format!(
        "[notify]\nto = [\"{staff}\"]\nmode = \"{mode}\"\ndigest_every = \"30m\"\npage_url = \"{PAGE}/\"\n"
    )
}

fn staff_address(label: &str) -> String {
    format!("{}@example.test", rig::unique(label))
}

/// Unix second of a UTC date and hour.
fn utc(y: i32, m: u32, d: u32, hour: i64) -> i64 {
    i64::from(Date::from_ymd(y, m, d).unwrap().days()) * 86_400 + hour * 3600
}

fn text(mail: &Seen) -> String {
    String::from_utf8_lossy(&mail.raw).replace("\r\n", "\n")
}

/// The case of a question: its id and reference.
async fn case_of(desk: &Desk, message_id: &str) -> (i64, String) {
    let case = cases::find_by_message_id(&desk.db.store, message_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.state, CaseState::Held);
    (case.id.0, case.case_ref.expect("a case reference"))
}

/// A staff mail: auto-generated, not threaded, the reference and the link of each case, none of
/// the question's text.
fn check_mail(mail: &Seen, cases: &[(i64, String)]) {
    let t = text(mail);
    assert!(t.contains("Auto-Submitted: auto-generated"), "{t}");
    assert!(mail.in_reply_to.is_empty(), "not threaded: {t}");
    assert!(!t.contains("References:"), "{t}");
    for (id, case_ref) in cases {
        assert!(t.contains(case_ref.as_str()), "{case_ref}: {t}");
        assert!(t.contains(&format!("{PAGE}/case/{id}\n")), "{id}: {t}");
    }
    for question_text in ["M54.16", "96372", "J06.9"] {
        assert!(!t.contains(question_text), "no question text: {t}");
    }
}

async fn immediate(engine: Engine) {
    let staff = staff_address("staff-now");
    let mut desk = Desk::new(
        engine,
        "notify-now",
        DeskOptions {
            review: "always",
            extra_config: notify(&staff, "immediate"),
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let pid = std::process::id();
    let (q1, q2) = (
        format!("q-now-1-{pid}@asker.example.test"),
        format!("q-now-2-{pid}@asker.example.test"),
    );
    desk.deliver(&desk.question(&q1, "Spine", "Is M54.16 right for lumbar radiculopathy?"))
        .await;
    desk.deliver(&desk.question(&q2, "Office visit", "Can I bill 99214-25 with 96372 today?"))
        .await;
    desk.wait_until("two notices in the staff INBOX", MINUTE, || async {
        inbox(&staff).await.len() >= 2
    })
    .await;
    tokio::time::sleep(EVERY_CHANCE).await;
    let mails = inbox(&staff).await;
    assert_eq!(mails.len(), 2, "{engine:?}: one mail per case");
    for q in [&q1, &q2] {
        let (id, case_ref) = case_of(&desk, q).await;
        let mail = mails
            .iter()
            .find(|m| m.subject == format!("Held for review: {case_ref}"))
            .unwrap_or_else(|| panic!("{engine:?}: no mail for {case_ref}"));
        check_mail(mail, &[(id, case_ref)]);
        assert_eq!(
            staff_notices::state(&desk.db.store, id, "held")
                .await
                .unwrap()
                .as_deref(),
            Some("sent"),
            "{engine:?}"
        );
    }
    assert!(desk.replies().await.is_empty(), "nothing to the asker");
    desk.terminate(Duration::from_secs(15));
    let log = desk.log_text();
    assert!(log.contains("staff notified"), "{log}");
    assert!(!log.contains(&staff) && !log.contains("Spine"), "{log}");
}

async fn digest(engine: Engine) {
    let staff = staff_address("staff-digest");
    let mut desk = Desk::new(
        engine,
        "notify-digest",
        DeskOptions {
            review: "always",
            extra_config: notify(&staff, "digest"),
            ..DeskOptions::default()
        },
    )
    .await;
    let t0 = codedesk::worker::now_unix_pub();
    let at = |secs: i64| (t0 + secs).to_string();
    desk.start_with(&[("CODEDESK_TEST_NOW", &at(0))]);
    let pid = std::process::id();
    let qs: Vec<String> = (1..=3)
        .map(|n| format!("q-digest-{n}-{pid}@asker.example.test"))
        .collect();
    desk.deliver(&desk.question(&qs[0], "Spine", "Is M54.16 right for lumbar radiculopathy?"))
        .await;
    desk.deliver(&desk.question(
        &qs[1],
        "Office visit",
        "Can I bill 99214-25 with 96372 today?",
    ))
    .await;
    desk.wait_until("two cases held", MINUTE, || async {
        desk.count(CaseState::Held).await == 2
    })
    .await;
    tokio::time::sleep(EVERY_CHANCE).await;
    assert!(
        inbox(&staff).await.is_empty(),
        "{engine:?}: no digest before its window ends"
    );
    assert_eq!(
        staff_notices::last_digest(&desk.db.store).await.unwrap(),
        None
    );

    // Thirty-one minutes later (the test clock): one digest of both.
    desk.kill();
    desk.start_with(&[("CODEDESK_TEST_NOW", &at(31 * 60))]);
    desk.wait_until("the digest in the staff INBOX", MINUTE, || async {
        !inbox(&staff).await.is_empty()
    })
    .await;
    let first = [case_of(&desk, &qs[0]).await, case_of(&desk, &qs[1]).await];
    let mails = inbox(&staff).await;
    assert_eq!(mails.len(), 1, "{engine:?}");
    assert_eq!(mails[0].subject, "Held for review: 2 cases");
    check_mail(&mails[0], &first);

    // A case held after it waits for the next window.
    desk.deliver(&desk.question(&qs[2], "Update", "Is J06.9 still billable?"))
        .await;
    desk.wait_until("the third case held", MINUTE, || async {
        desk.count(CaseState::Held).await == 3
    })
    .await;
    tokio::time::sleep(EVERY_CHANCE).await;
    assert_eq!(
        inbox(&staff).await.len(),
        1,
        "{engine:?}: one digest per window"
    );
    desk.kill();
    desk.start_with(&[("CODEDESK_TEST_NOW", &at(65 * 60))]);
    desk.wait_until("the second digest", MINUTE, || async {
        inbox(&staff).await.len() == 2
    })
    .await;
    let third = case_of(&desk, &qs[2]).await;
    let mails = inbox(&staff).await;
    let second = mails
        .iter()
        .find(|m| m.subject == format!("Held for review: {}", third.1))
        .expect("the second digest lists the third case alone");
    check_mail(second, std::slice::from_ref(&third));
    assert!(!text(second).contains(&first[0].1), "{}", text(second));
    desk.terminate(Duration::from_secs(15));
    assert!(desk.log_text().contains("staff digest sent"));
}

async fn overdue(engine: Engine) {
    let staff = staff_address("staff-overdue");
    let mut desk = Desk::new(
        engine,
        "notify-overdue",
        DeskOptions {
            review: "always",
            desk: "timezone = \"America/Chicago\"\n".into(),
            policy: "answer_within = \"2h\"\n".into(),
            extra_config: notify(&staff, "immediate"),
            ..DeskOptions::default()
        },
    )
    .await;
    // Friday 2026-12-11 16:00 CST (22:00 UTC): one working hour left that day.
    let friday = utc(2026, 12, 11, 22);
    desk.start_with(&[("CODEDESK_TEST_NOW", &friday.to_string())]);
    let qid = format!("q-overdue-{}@asker.example.test", std::process::id());
    desk.deliver(&desk.question(&qid, "Spine", "Is M54.16 right for lumbar radiculopathy?"))
        .await;
    desk.wait_until("the held notice", MINUTE, || async {
        inbox(&staff).await.len() == 1
    })
    .await;
    let (id, case_ref) = case_of(&desk, &qid).await;
    let store = desk.db.store.clone();
    let overdue_state = || async { staff_notices::state(&store, id, "overdue").await.unwrap() };

    // Saturday noon: 20 hours later, one hour of business time: not due.
    desk.kill();
    desk.start_with(&[("CODEDESK_TEST_NOW", &utc(2026, 12, 12, 18).to_string())]);
    tokio::time::sleep(EVERY_CHANCE).await;
    assert_eq!(
        inbox(&staff).await.len(),
        1,
        "{engine:?}: not due on Saturday"
    );
    assert_eq!(overdue_state().await, None);

    // Monday 09:30 CST (15:30 UTC): due at 09:00, so one reminder.
    desk.kill();
    let monday = utc(2026, 12, 14, 15) + 1800;
    desk.start_with(&[("CODEDESK_TEST_NOW", &monday.to_string())]);
    desk.wait_until("the overdue reminder", MINUTE, || async {
        inbox(&staff).await.len() == 2
    })
    .await;
    let mails = inbox(&staff).await;
    let reminder = mails
        .iter()
        .find(|m| m.subject == format!("Overdue: {case_ref} waits for review"))
        .unwrap_or_else(|| {
            panic!(
                "{engine:?}: no reminder: {:?}",
                mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
            )
        });
    check_mail(reminder, &[(id, case_ref.clone())]);
    let t = text(reminder);
    assert!(t.contains("more than 2h of business time"), "{t}");
    assert!(t.contains("Waited:   2 h 30 min business time"), "{t}");
    assert!(
        t.contains("2026-12-11 16:00 CST"),
        "received in the desk's zone: {t}"
    );
    assert_eq!(overdue_state().await.as_deref(), Some("sent"));

    // A restart an hour later sends no second reminder.
    desk.kill();
    desk.start_with(&[("CODEDESK_TEST_NOW", &(monday + 3600).to_string())]);
    tokio::time::sleep(EVERY_CHANCE).await;
    assert_eq!(
        inbox(&staff).await.len(),
        2,
        "{engine:?}: one reminder per case"
    );
    desk.terminate(Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_cases_are_announced_one_by_one_on_sqlite() {
    immediate(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_cases_are_announced_one_by_one_on_postgresql() {
    immediate(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_lists_the_cases_of_its_window_on_sqlite() {
    digest(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_lists_the_cases_of_its_window_on_postgresql() {
    digest(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_case_is_reminded_once_across_a_weekend_on_sqlite() {
    overdue(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_case_is_reminded_once_across_a_weekend_on_postgresql() {
    overdue(Engine::Postgres).await;
}
