//! The staff case page of a purged case, on both engines: it says the message body was deleted by
//! retention and when, instead of showing an empty question, and offers no resend.

mod case_support;
mod common;
mod http_support;

use case_support::case_in;
use codedesk::config::Config;
use codedesk::store::cases::CaseState;
use codedesk::store::retention;
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::hash_password, router};
use common::{ENGINES, TestDb};
use http_support::{http, login};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purged_case_page_says_its_body_was_deleted_by_retention() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let purged = case_in(s, 1, CaseState::Sent, 1_000).await;
        // 2026-01-01 00:00 UTC.
        let when = 1_767_225_600;
        assert_eq!(
            retention::purge_closed_before(s, 1_001, "purge", when)
                .await
                .unwrap(),
            1
        );
        let fresh = case_in(s, 3, CaseState::Sent, 2_000_000_000).await;

        let password = "reviewer password 1";
        staff::create_user(
            s,
            "reviewer@clinic.example",
            Role::Staff,
            &hash_password(password).unwrap(),
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(AppState::new(s.clone(), Config::default()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let (page, fresh_page) = tokio::task::spawn_blocking(move || {
            let session = login(addr, "reviewer@clinic.example", password);
            let get = |id: i64| {
                http(
                    addr,
                    format!(
                        "GET /case/{id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: codedesk_session={session}\r\n\r\n"
                    ),
                )
            };
            (get(purged.0), get(fresh.0))
        })
        .await
        .unwrap();
        assert!(page.0.starts_with("HTTP/1.1 200"), "{engine:?}: {}", page.0);
        assert!(
            page.1
                .contains("Message body deleted by retention on 2026-01-01 00:00 UTC."),
            "{engine:?}: {}",
            page.1
        );
        assert!(!page.1.contains("id=\"question\""), "{}", page.1);
        assert!(!page.1.contains("id=\"resend\""), "{}", page.1);
        // An unpurged case still shows its question.
        assert!(fresh_page.1.contains("id=\"question\""), "{}", fresh_page.1);
        assert!(!fresh_page.1.contains("deleted by retention"));
    }
}
