//! Staff accounts, sessions, the audit log and page-edited settings on both engines.

mod case_support;
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
async fn the_queue_pages_by_id_and_searches_sender_and_subject_on_both_engines() {
    use codedesk::case_search::CaseSearch;
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
            search: CaseSearch::parse("PAT2@", false),
            limit: 50,
            before: None,
            mailboxes: None,
            received_by: None,
        };
        let (found, more) = staff_cases::queue(s, &search).await.unwrap();
        assert_eq!((found.len(), more), (1, false), "{engine:?}");
        assert_eq!(found[0].sender.as_deref(), Some("pat2@clinic.example"));
        let code = QueueQuery {
            search: CaseSearch::parse("99213", false),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(staff_cases::queue(s, &code).await.unwrap().0.len(), 1);
        let none = QueueQuery {
            search: CaseSearch::parse("100%", false),
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

/// The search reads what staff type: a reference finds the cases whose mail carries it (`CD-1`
/// is not `CD-10`; a follow-up carries its thread's), a number is a reference, a code of the
/// question or a whole number of the subject, and the replies' text counts only when asked.
#[tokio::test]
async fn the_queue_search_finds_references_and_question_codes_not_reply_words_on_both_engines() {
    use case_support::reply;
    use codedesk::case_search::CaseSearch;
    use codedesk::store::cases::{self, CaseId, NewCase};
    use codedesk::store::staff_cases::{self, QueueQuery};
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        for n in 1..=12u32 {
            let sender = format!("pat{n}@clinic.example");
            let subject = match n {
                3 => "Units for 99213 and J1030".to_string(),
                _ => format!("Question number {}", "x".repeat(n as usize)),
            };
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
            let id = cases::insert_received(s, &new, "test", 1_000)
                .await
                .unwrap()
                .id();
            if n == 12 {
                continue; // received, not answered yet: no reference stored
            }
            cases::claim(s, cases::CaseState::Received, "w", 1_000, 60, 1)
                .await
                .unwrap();
            let mut r = reply(id);
            r.text = format!(
                "Example: 99213-25. Case reference: CD-{n}. Code sets consulted: ICD-10-CM FY2026."
            );
            r.question_codes = match n {
                5 => " M54.16 M5416 ".into(),
                7 => " 96372 ".into(),
                _ => String::new(),
            };
            if n == 11 {
                r.case_ref = "CD-10".into();
                r.thread_of = Some(CaseId(10));
            }
            assert!(cases::record_reply(s, id, "w", &r, 1_001).await.unwrap());
        }
        let find = |typed: &str, in_reply: bool| {
            let q = QueueQuery {
                search: CaseSearch::parse(typed, in_reply),
                limit: 50,
                ..Default::default()
            };
            async move {
                let (rows, _) = staff_cases::queue(s, &q).await.unwrap();
                let mut ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                ids.sort_unstable();
                (ids, rows)
            }
        };
        for typed in ["CD-1", "cd-1", "[CD-1]", "#1", "1"] {
            assert_eq!(find(typed, false).await.0, [1], "{engine:?}: {typed}");
        }
        let (thread, rows) = find("CD-10", false).await;
        assert_eq!(
            thread,
            [10, 11],
            "{engine:?}: the thread shares its reference"
        );
        assert!(rows.iter().all(|r| r.case_ref == "CD-10"), "{rows:?}");
        assert!(rows.iter().any(|r| r.id == 11 && r.follow_up), "{rows:?}");
        assert_eq!(
            find("CD-11", false).await.0,
            Vec::<i64>::new(),
            "{engine:?}"
        );
        assert_eq!(
            find("CD-12", false).await.0,
            [12],
            "{engine:?}: no reference stored yet"
        );
        assert_eq!(find("12", false).await.1[0].case_ref, "CD-12");
        assert_eq!(
            find("ICD-10", false).await.0,
            Vec::<i64>::new(),
            "{engine:?}"
        );
        assert_eq!(
            find("ICD-10", true).await.0,
            (1..=11).collect::<Vec<_>>(),
            "{engine:?}"
        );
        assert_eq!(
            find("99213", false).await.0,
            [3],
            "{engine:?}: the subject's, not the replies'"
        );
        assert_eq!(find("M54.16", false).await.0, [5], "{engine:?}");
        assert_eq!(find("m54", false).await.0, [5], "{engine:?}: a category");
        assert_eq!(find("96372", false).await.0, [7], "{engine:?}");
        assert_eq!(find("pat7@", false).await.0, [7], "{engine:?}");
        assert_eq!(
            find("J1030", false).await.0,
            [3],
            "{engine:?}: the subject's text"
        );
    }
}

/// Cases answered before the desk kept each question's codes (the column NULL) are found by code
/// once the page has filled them in from the stored messages, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_of_questions_answered_before_they_were_kept_are_filled_in_on_both_engines() {
    use codedesk::case_search::CaseSearch;
    use codedesk::store::cases;
    use codedesk::store::staff_cases::{self, QueueQuery};
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let mut ids = Vec::new();
        for uid in 1..=3 {
            // case_support::raw asks "Is 99214 with 96372 -25 right?"
            ids.push(case_support::case_in(s, uid, cases::CaseState::Held, 1_000).await);
        }
        // As a database migrated from before the column: no codes kept.
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        sqlx::query("UPDATE mail_case SET question_codes = NULL")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let by_code = QueueQuery {
            search: CaseSearch::parse("96372", false),
            limit: 50,
            ..Default::default()
        };
        assert!(staff_cases::queue(s, &by_code).await.unwrap().0.is_empty());
        let filled = codedesk::web::question_codes::fill_in(s).await.unwrap();
        assert_eq!(filled, 3, "{engine:?}");
        let (rows, _) = staff_cases::queue(s, &by_code).await.unwrap();
        assert_eq!(rows.len(), 3, "{engine:?}");
        assert_eq!(
            codedesk::web::question_codes::fill_in(s).await.unwrap(),
            0,
            "once"
        );
        assert_eq!(ids.len(), 3);
    }
}
