//! Staff accounts, sessions, the audit log and page-edited settings on both engines.

mod common;
use codedesk::config::SendersConfig;
use codedesk::store::staff::{self, Role};
use common::{ENGINES, TestDb};

#[tokio::test]
async fn accounts_sessions_and_audit_on_both_engines() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let id = staff::create_user(s, "a@x.example", Role::Admin, "hash1")
            .await
            .unwrap();
        let dup = staff::create_user(s, "a@x.example", Role::Staff, "hash2").await;
        assert!(
            format!("{:#}", dup.unwrap_err()).contains("already exists"),
            "{engine:?}"
        );
        let (user, hash) = staff::user_for_login(s, "a@x.example")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (user.id, user.role, hash.as_str()),
            (id, Role::Admin, "hash1")
        );

        staff::create_session(s, "digest1", id, "csrf1", "2999-01-01T00:00:00Z")
            .await
            .unwrap();
        staff::create_session(s, "old", id, "csrf0", "2000-01-01T00:00:00Z")
            .await
            .unwrap();
        let (found, csrf) = staff::session(s, "digest1").await.unwrap().unwrap();
        assert_eq!(
            (found.email.as_str(), csrf.as_str()),
            ("a@x.example", "csrf1")
        );
        assert!(
            staff::session(s, "old").await.unwrap().is_none(),
            "expired session"
        );
        assert!(staff::session(s, "nope").await.unwrap().is_none());

        // A new password ends every session of the account.
        assert!(
            staff::set_password(s, "a@x.example", "hash3")
                .await
                .unwrap()
        );
        assert!(
            staff::session(s, "digest1").await.unwrap().is_none(),
            "{engine:?}"
        );
        assert!(!staff::set_password(s, "b@x.example", "h").await.unwrap());

        // Disabling ends sessions and keeps the account out.
        staff::create_session(s, "digest2", id, "csrf2", "2999-01-01T00:00:00Z")
            .await
            .unwrap();
        assert_eq!(staff::admin_count(s).await.unwrap(), 1);
        assert!(staff::update_user(s, id, Role::Staff, true).await.unwrap());
        assert!(staff::session(s, "digest2").await.unwrap().is_none());
        assert_eq!(staff::admin_count(s).await.unwrap(), 0);

        staff::audit(s, Some(&user), "approve", Some(7), "")
            .await
            .unwrap();
        staff::audit(s, None, "user.add", None, "b@x.example as staff")
            .await
            .unwrap();
        let on_case = staff::audit_of_case(s, 7).await.unwrap();
        assert_eq!(on_case.len(), 1);
        assert_eq!(
            (on_case[0].staff_email.as_str(), on_case[0].action.as_str()),
            ("a@x.example", "approve")
        );
        let recent = staff::recent_audit(s, 10).await.unwrap();
        assert_eq!(recent[0].staff_email, "codedesk");
    }
}

#[tokio::test]
async fn page_settings_override_the_config_file_key_by_key() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let file = SendersConfig {
            members: vec!["file.example".into()],
            guest_quota: 3,
            blocked: vec!["bad.example".into()],
            rate_per_hour: 30,
            authserv_id: None,
        };
        let same = staff::senders_config(&db.store, &file).await.unwrap();
        assert_eq!(same.members, file.members);
        staff::set_senders(&db.store, &["clinic.example".into()], &[], 9, "a@x.example")
            .await
            .unwrap();
        // Saved twice: the second save replaces the first.
        staff::set_senders(
            &db.store,
            &["clinic.example".into(), "b.example".into()],
            &[],
            8,
            "a@x.example",
        )
        .await
        .unwrap();
        let page = staff::senders_config(&db.store, &file).await.unwrap();
        assert_eq!(page.members, ["clinic.example", "b.example"], "{engine:?}");
        assert!(page.blocked.is_empty());
        assert_eq!((page.guest_quota, page.rate_per_hour), (8, 30));
    }
}

#[tokio::test]
async fn the_queue_pages_by_id_and_searches_sender_subject_and_reply_on_both_engines() {
    use codedesk::store::cases::{self, CaseState, NewCase};
    use codedesk::store::staff_cases::{self, QueueQuery};
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        for n in 1..=5u32 {
            let sender = format!("pat{n}@clinic.example");
            let subject = format!("Question {n} about 9921{n}");
            let raw = b"Subject: x\r\n\r\nbody\r\n";
            let new = NewCase {
                mailbox: "t",
                uidvalidity: 1,
                uid: n,
                message_id: None,
                raw,
                full_size: raw.len() as u64,
                sender: Some(&sender),
                recipient: None,
                subject: Some(&subject),
            };
            cases::insert_received(s, &new, "test", 1_000 + i64::from(n))
                .await
                .unwrap();
        }
        let all = QueueQuery {
            limit: 2,
            ..Default::default()
        };
        let (page1, more) = staff_cases::queue(s, &all).await.unwrap();
        assert_eq!(
            page1.iter().map(|r| r.id).collect::<Vec<_>>(),
            [5, 4],
            "{engine:?}"
        );
        assert!(more);
        let next = QueueQuery {
            before: Some(4),
            ..all.clone()
        };
        let (page2, _) = staff_cases::queue(s, &next).await.unwrap();
        assert_eq!(page2.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 2]);
        let search = QueueQuery {
            state: Some(CaseState::Received),
            search: Some("PAT2@".into()),
            limit: 50,
            before: None,
            mailboxes: None,
        };
        let (found, more) = staff_cases::queue(s, &search).await.unwrap();
        assert_eq!((found.len(), more), (1, false), "{engine:?}");
        assert_eq!(found[0].sender.as_deref(), Some("pat2@clinic.example"));
        let code = QueueQuery {
            search: Some("99213".into()),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(staff_cases::queue(s, &code).await.unwrap().0.len(), 1);
        let none = QueueQuery {
            search: Some("100%".into()),
            limit: 50,
            ..Default::default()
        };
        assert!(
            staff_cases::queue(s, &none).await.unwrap().0.is_empty(),
            "% is literal"
        );
        let held = QueueQuery {
            state: Some(CaseState::Held),
            limit: 50,
            ..Default::default()
        };
        assert!(staff_cases::queue(s, &held).await.unwrap().0.is_empty());
        let dash = staff_cases::dashboard(s, 1_003).await.unwrap();
        assert_eq!((dash.questions, dash.replies, dash.held), (3, 0, 0));
    }
}
