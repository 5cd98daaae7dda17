//! Staff limited to desks (security finding 9): an account given one desk sees only that desk's
//! cases in the queue, gets "no such case" for another desk's case page and its actions, and
//! cannot read the audit log (it covers every desk); an account with no desks sees them all.

mod common;
mod http_support;

use codedesk::config::{Config, ExtraMailbox, TlsMode};
use codedesk::store::cases::{self, CaseId, Inserted, NewCase};
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::hash_password, router};
use common::{ENGINES, TempDir, TestDb};
use http_support::{field, get, login, post};

/// A case of the desk whose mailbox key is `mailbox`, with `subject`.
async fn case_of(s: &codedesk::store::Store, mailbox: &str, uid: u32, subject: &str) -> CaseId {
    let mid = format!("desk-{uid}@clinic.example");
    let raw = format!("Subject: {subject}\r\n\r\nCan I bill 99213?\r\n").into_bytes();
    let new = NewCase {
        mailbox,
        uidvalidity: 1,
        uid,
        message_id: Some(&mid),
        raw: &raw,
        full_size: 0,
        sender: Some("pat@clinic.example"),
        recipient: None,
        subject: Some(subject),
    };
    match cases::insert_received(s, &new, "w", 1_000 + i64::from(uid))
        .await
        .unwrap()
    {
        Inserted::New(id) => id,
        other => panic!("expected a new case, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_limited_to_a_desk_see_only_its_cases() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let dir = TempDir::new("desks");
        let password_file = dir.path().join("password");
        std::fs::write(&password_file, "secret-pw-123\n").unwrap();
        let mut config = Config::default();
        config.mailbox.path = dir.path().join("inbox");
        config.outbox.path = dir.path().join("outbox");
        config.mailboxes.insert(
            "north".into(),
            ExtraMailbox {
                kind: Some("imap".into()),
                host: Some("127.0.0.1".into()),
                port: Some(1),
                tls: Some(TlsMode::None),
                username: Some("north@clinic.example".into()),
                password_file: Some(password_file),
                address: Some("north@clinic.example".into()),
                from: Some("North <north@clinic.example>".into()),
                ..Default::default()
            },
        );
        let key = |name: &str| {
            let desk = config.desks().into_iter().find(|d| d.name == name).unwrap();
            codedesk::worker::desk_key(&desk).unwrap()
        };
        let (main_key, north_key) = (key("default"), key("north"));
        assert_ne!(main_key, north_key);
        let main_case = case_of(s, &main_key, 1, "main desk question").await;
        let north_case = case_of(s, &north_key, 2, "north desk question").await;

        let password = "reviewer password 1";
        let hash = hash_password(password).unwrap();
        let north_only = staff::create_user(s, "north@clinic.example", Role::Staff, &hash)
            .await
            .unwrap();
        staff::set_desks(s, north_only, &["north".into()])
            .await
            .unwrap();
        staff::create_user(s, "all@clinic.example", Role::Staff, &hash)
            .await
            .unwrap();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(AppState::new(s.clone(), config.clone()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let (limited, everyone) = tokio::task::spawn_blocking(move || {
            let north = login(addr, "north@clinic.example", password);
            let all = login(addr, "all@clinic.example", password);
            let pages = |session: &str| {
                let queue = get(addr, session, "/?state=all");
                let mine = get(addr, session, &format!("/case/{}", north_case.0));
                let other = get(addr, session, &format!("/case/{}", main_case.0));
                let audit = get(addr, session, "/audit");
                // An action on the other desk's case is refused as if it did not exist.
                let csrf = field(&mine.1, "csrf");
                let reject = post(
                    addr,
                    session,
                    &format!("/case/{}/reject", main_case.0),
                    &[("csrf", &csrf), ("version", "0"), ("reason", "not ours")],
                );
                (queue, mine, other, audit, reject)
            };
            (pages(&north), pages(&all))
        })
        .await
        .unwrap();

        let (queue, mine, other, audit, reject) = limited;
        assert!(
            queue.1.contains("north desk question"),
            "{engine:?}: {}",
            queue.1
        );
        assert!(
            !queue.1.contains("main desk question"),
            "{engine:?}: {}",
            queue.1
        );
        assert!(mine.0.starts_with("HTTP/1.1 200"), "{}", mine.0);
        assert!(other.0.starts_with("HTTP/1.1 404"), "{}", other.0);
        assert!(!other.1.contains("main desk question"));
        assert!(audit.0.starts_with("HTTP/1.1 403"), "{}", audit.0);
        assert!(
            reject.0.starts_with("HTTP/1.1 404"),
            "{}\n{}",
            reject.0,
            reject.1
        );
        assert_eq!(
            cases::get(s, main_case).await.unwrap().unwrap().state,
            cases::CaseState::Received,
            "the refused action changed nothing"
        );

        let (queue, mine, other, audit, _) = everyone;
        assert!(queue.1.contains("north desk question") && queue.1.contains("main desk question"));
        assert!(mine.0.starts_with("HTTP/1.1 200") && other.0.starts_with("HTTP/1.1 200"));
        assert!(audit.0.starts_with("HTTP/1.1 200"), "{}", audit.0);
    }
}
