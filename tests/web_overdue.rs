//! The queue with `[policy] answer_within`: held cases past their business-hours deadline come
//! first, oldest first (also when their number puts them on a later page), each marked with its
//! age in business time; the rest follow newest first.

mod common;
mod http_support;

use codedesk::config::Config;
use codedesk::store::cases::{self, CaseId, CaseState, Inserted, NewCase, StoredReply};
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::hash_password, router};
use common::{ENGINES, TestDb};
use http_support::{get, login};

/// A held case with `subject`, received `hours_ago` hours (and 20 s) ago.
async fn held(s: &codedesk::store::Store, uid: u32, subject: &str, hours_ago: i64) -> CaseId {
    let received = codedesk::worker::now_unix_pub() - hours_ago * 3600 - 20;
    let mid = format!("overdue-{uid}@clinic.example");
    let raw = format!("Subject: {subject}\r\n\r\nCan I bill 99213?\r\n").into_bytes();
    let new = NewCase {
        mailbox: "default",
        uidvalidity: 1,
        uid,
        message_id: Some(&mid),
        raw: &raw,
        full_size: 0,
        sender: Some("pat@clinic.example"),
        recipient: None,
        subject: Some(subject),
    };
    let Inserted::New(id) = cases::insert_received(s, &new, "w", received)
        .await
        .unwrap()
    else {
        panic!("a new case");
    };
    assert!(
        cases::claim(s, CaseState::Received, "w", received, 60, 10)
            .await
            .unwrap()
            .contains(&id)
    );
    let reply = StoredReply {
        kind: "answer".into(),
        message_id: format!("reply-{uid}@desk.example"),
        to: "pat@clinic.example".into(),
        subject: format!("Re: {subject}"),
        text: "The answer.".into(),
        raw: b"Subject: Re\r\n\r\nThe answer.\r\n".to_vec(),
        case_ref: format!("CD-{}", id.0),
        thread_of: None,
        confidence: Some("low".into()),
        question_codes: String::new(),
    };
    assert!(
        cases::record_reply_and_route(s, id, "w", &reply, CaseState::Held, "review", received)
            .await
            .unwrap()
    );
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_cases_come_first_with_their_business_age() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let ten = held(s, 1, "ten hours ago", 10).await;
        let one = held(s, 2, "one hour ago", 1).await;
        let thirty = held(s, 3, "thirty hours ago", 30).await;
        // A page's worth of newer cases: the overdue ones are still on the first page.
        let mut newest = one;
        for uid in 4..=54 {
            newest = held(s, uid, "just now", 0).await;
        }
        let hash = hash_password("reviewer password 1").unwrap();
        staff::create_user(s, "staff@clinic.example", Role::Staff, &hash)
            .await
            .unwrap();
        // Every hour of every day is working time: business age is wall-clock age here (the
        // calendar's weekends, evenings and holidays are the unit tests').
        let mut config = Config::default();
        config.policy.answer_within = Some("4h".into());
        config.desk.timezone = Some("UTC".into());
        config.calendar.days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .map(String::from)
            .to_vec();
        config.calendar.hours = "00:00-24:00".into();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(AppState::new(s.clone(), config));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let (_, page) = tokio::task::spawn_blocking(move || {
            let session = login(addr, "staff@clinic.example", "reviewer password 1");
            get(addr, &session, "/")
        })
        .await
        .unwrap();
        let at = |id: CaseId| {
            page.find(&format!("href=\"/case/{}\"", id.0))
                .unwrap_or_else(|| panic!("{engine:?}: case {} listed: {page}", id.0))
        };
        assert!(
            at(thirty) < at(ten) && at(ten) < at(newest),
            "{engine:?}: overdue first, oldest first: {page}"
        );
        assert!(
            !page.contains(&format!("href=\"/case/{}\"", one.0)),
            "{engine:?}: the case of one hour ago is on the next page: {page}"
        );
        assert!(
            page.contains("overdue: 30 h 0 min business time"),
            "{engine:?}: {page}"
        );
        assert!(
            page.contains("overdue: 10 h 0 min business time"),
            "{engine:?}: {page}"
        );
        assert_eq!(
            page.matches("business time").count(),
            2,
            "{engine:?}: only the two are overdue: {page}"
        );
    }
}
