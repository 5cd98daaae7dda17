//! The case tables on both engines: storing messages once, claims that never overlap, each
//! transition recorded with its event, the staff actions, paging and the mailbox cursor.

mod case_support;
mod common;
use case_support::reply;
use codedesk::store::Store;
use codedesk::store::cases::{self, CaseFilter, CaseId, CaseState, Inserted, NewCase};
use common::{ENGINES, TestDb};
use std::collections::HashSet;

fn message(uid: u32, message_id: &str) -> (String, Vec<u8>) {
    let raw = format!(
        "From: Pat <pat@clinic.example>\r\nTo: consult@example.test\r\nMessage-ID: <{message_id}>\r\n\
         Subject: question {uid}\r\n\r\nIs 99214 with 96372 -25 right?\r\n"
    );
    (message_id.to_string(), raw.into_bytes())
}

async fn store_one(store: &Store, uid: u32) -> CaseId {
    let (mid, raw) = message(uid, &format!("q{uid}@clinic.example"));
    let new = NewCase {
        mailbox: "imap://consult@rig/INBOX",
        uidvalidity: 7,
        uid,
        message_id: Some(&mid),
        raw: &raw,
        full_size: 0,
        sender: Some("pat@clinic.example"),
        recipient: None,
        subject: Some("question"),
    };
    match cases::insert_received(store, &new, "worker-a", 1_000)
        .await
        .unwrap()
    {
        Inserted::New(id) => id,
        other => panic!("expected a new case, got {other:?}"),
    }
}

#[tokio::test]
async fn a_message_is_stored_once_by_uid_and_by_message_id() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let id = store_one(&db.store, 1).await;
        let (mid, raw) = message(1, "q1@clinic.example");
        // Same UID again (a crash before \Seen): the same case.
        let again = NewCase {
            mailbox: "imap://consult@rig/INBOX",
            uidvalidity: 7,
            uid: 1,
            message_id: Some(&mid),
            raw: &raw,
            full_size: 0,
            sender: None,
            recipient: None,
            subject: None,
        };
        let got = cases::insert_received(&db.store, &again, "w", 2_000)
            .await
            .unwrap();
        assert_eq!(got, Inserted::Duplicate(id), "{engine:?}");
        // Same Message-ID under another UID (delivered twice): the same case.
        let twice = NewCase {
            uid: 99,
            ..again.clone()
        };
        let got = cases::insert_received(&db.store, &twice, "w", 2_000)
            .await
            .unwrap();
        assert_eq!(got, Inserted::Duplicate(id), "{engine:?}");
        // No Message-ID at all: stored, and several such messages may exist.
        let bare = NewCase {
            uid: 100,
            message_id: None,
            ..again.clone()
        };
        let other = NewCase {
            uid: 101,
            message_id: None,
            ..again.clone()
        };
        assert!(matches!(
            cases::insert_received(&db.store, &bare, "w", 3)
                .await
                .unwrap(),
            Inserted::New(_)
        ));
        assert!(matches!(
            cases::insert_received(&db.store, &other, "w", 3)
                .await
                .unwrap(),
            Inserted::New(_)
        ));
        assert_eq!(
            cases::raw_message(&db.store, id).await.unwrap().unwrap(),
            raw,
            "{engine:?}"
        );
        let case = cases::get(&db.store, id).await.unwrap().unwrap();
        assert_eq!(case.state, CaseState::Received);
        assert_eq!(case.raw_size, raw.len() as i64);
        assert_eq!(case.message_id.as_deref(), Some("q1@clinic.example"));
        let events = cases::events(&db.store, id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].from_state, None);
        assert_eq!(events[0].to_state, CaseState::Received);
    }
}

#[tokio::test]
async fn the_worker_path_records_every_step() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let id = store_one(s, 1).await;
        assert_eq!(
            cases::claim(s, CaseState::Received, "w1", 10, 60, 5)
                .await
                .unwrap(),
            vec![id]
        );
        // Held by w1: a second worker gets nothing, and cannot move it.
        assert!(
            cases::claim(s, CaseState::Received, "w2", 11, 60, 5)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            !cases::record_reply(s, id, "w2", &reply(id), 12)
                .await
                .unwrap()
        );
        assert!(
            cases::record_reply(s, id, "w1", &reply(id), 12)
                .await
                .unwrap()
        );
        assert!(
            cases::route(s, id, "w1", CaseState::Approved, "review: never", 13)
                .await
                .unwrap()
        );
        assert!(
            cases::route(s, id, "w1", CaseState::Held, "twice", 13)
                .await
                .is_ok_and(|moved| !moved)
        );
        assert_eq!(
            cases::claim(s, CaseState::Approved, "w1", 14, 60, 5)
                .await
                .unwrap(),
            vec![id]
        );
        assert!(cases::begin_sending(s, id, "w1", 15).await.unwrap());
        // A 4xx: back to approved, due later; not claimable before then.
        assert!(
            cases::retry_later(s, id, "w1", "451 try later", 100, 16)
                .await
                .unwrap()
        );
        assert!(
            cases::claim(s, CaseState::Approved, "w1", 50, 60, 5)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            cases::claim(s, CaseState::Approved, "w1", 100, 60, 5)
                .await
                .unwrap(),
            vec![id]
        );
        assert!(cases::begin_sending(s, id, "w1", 101).await.unwrap());
        assert!(
            cases::mark_sent(s, id, "w1", "250 queued", 102)
                .await
                .unwrap()
        );
        let case = cases::get(s, id).await.unwrap().unwrap();
        assert_eq!(case.state, CaseState::Sent, "{engine:?}");
        assert_eq!(case.attempts, 2);
        assert_eq!(case.sent_at, Some(102));
        assert_eq!(case.claimed_by, None);
        assert_eq!(
            case.reply_message_id.as_deref(),
            Some(reply(id).message_id.as_str())
        );
        assert_eq!(
            case.case_ref.as_deref(),
            Some(format!("CD-{}", id.0).as_str())
        );
        assert_eq!(
            cases::reply_raw(s, id).await.unwrap().unwrap(),
            reply(id).raw
        );
        let path: Vec<CaseState> = cases::events(s, id)
            .await
            .unwrap()
            .iter()
            .map(|e| e.to_state)
            .collect();
        use CaseState::*;
        assert_eq!(
            path,
            vec![
                Received, Answered, Approved, Sending, Approved, Sending, Sent
            ],
            "{engine:?}"
        );
        // The follow-up finds its thread by the case reference or by the reply's Message-ID.
        let by_ref = cases::find_thread(s, &[], Some(&format!("CD-{}", id.0)))
            .await
            .unwrap();
        let by_mid = cases::find_thread(s, &[reply(id).message_id], None)
            .await
            .unwrap();
        assert_eq!((by_ref, by_mid), (Some(id), Some(id)));
        assert_eq!(
            cases::find_thread(s, &["nope@x".into()], Some("CD-0"))
                .await
                .unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn expired_claims_are_taken_over_and_failures_keep_the_error() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let a = store_one(s, 1).await;
        let b = store_one(s, 2).await;
        assert_eq!(
            cases::claim(s, CaseState::Received, "w1", 10, 30, 1)
                .await
                .unwrap(),
            vec![a]
        );
        // w1 died: after its lease w2 gets both.
        assert_eq!(
            cases::claim(s, CaseState::Received, "w2", 41, 30, 10)
                .await
                .unwrap(),
            vec![a, b]
        );
        assert!(
            !cases::ignore(s, a, "w1", "late", 42).await.unwrap(),
            "{engine:?}: the old holder lost it"
        );
        assert!(
            cases::ignore(s, a, "w2", "automatic: delivery status notification", 42)
                .await
                .unwrap()
        );
        assert!(
            cases::fail(s, b, Some("w2"), "w2", "cannot parse the message", 43)
                .await
                .unwrap()
        );
        let a = cases::get(s, a).await.unwrap().unwrap();
        let b = cases::get(s, b).await.unwrap().unwrap();
        assert_eq!(
            (a.state, a.reason.as_deref()),
            (
                CaseState::Ignored,
                Some("automatic: delivery status notification")
            )
        );
        assert_eq!(
            (b.state, b.last_error.as_deref()),
            (CaseState::Failed, Some("cannot parse the message"))
        );
    }
}

#[tokio::test]
async fn concurrent_claims_never_hand_out_a_case_twice() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        for uid in 1..=60 {
            store_one(&db.store, uid).await;
        }
        let mut tasks = Vec::new();
        for w in 0..6 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let owner = format!("w{w}");
                let mut mine = Vec::new();
                loop {
                    let got = cases::claim(&store, CaseState::Received, &owner, 10, 60, 3)
                        .await
                        .unwrap();
                    if got.is_empty() {
                        break;
                    }
                    for id in got {
                        assert!(cases::ignore(&store, id, &owner, "test", 11).await.unwrap());
                        mine.push(id);
                    }
                }
                mine
            }));
        }
        let mut seen = HashSet::new();
        for t in tasks {
            for id in t.await.unwrap() {
                assert!(seen.insert(id), "{engine:?}: {id} claimed twice");
            }
        }
        assert_eq!(seen.len(), 60, "{engine:?}");
    }
}

#[tokio::test]
async fn staff_actions_are_checked_and_recorded_by_name() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let id = store_one(s, 1).await;
        cases::claim(s, CaseState::Received, "w1", 10, 60, 1)
            .await
            .unwrap();
        cases::record_reply(s, id, "w1", &reply(id), 11)
            .await
            .unwrap();
        cases::route(
            s,
            id,
            "w1",
            CaseState::Held,
            "review: when-unsure, low confidence",
            12,
        )
        .await
        .unwrap();
        // Resending a held case is refused with a message naming the state.
        let err = cases::resend(s, id, "alice", 13)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("it is held"), "{engine:?}: {err}");
        cases::edit_reply(
            s,
            id,
            "alice",
            "Better text",
            b"Subject: x\r\n\r\nBetter text\r\n",
            14,
        )
        .await
        .unwrap();
        cases::approve(s, id, "alice", 15).await.unwrap();
        let err = cases::approve(s, id, "bob", 16)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("approved"), "{err}");
        let case = cases::get(s, id).await.unwrap().unwrap();
        assert_eq!(
            (case.state, case.reply_text.as_deref()),
            (CaseState::Approved, Some("Better text"))
        );
        cases::reject(s, id, "bob", 17).await.unwrap();
        let case = cases::get(s, id).await.unwrap().unwrap();
        assert_eq!(
            (case.state, case.reason.as_deref()),
            (CaseState::Ignored, Some(cases::REJECTED_BY_STAFF))
        );
        let err = cases::edit_reply(s, id, "bob", "x", b"x", 18)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("ignored"), "{err}");
        let err = cases::approve(s, CaseId(999_999), "bob", 18)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
        let actors: Vec<(String, Option<String>)> = cases::events(s, id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.actor, e.detail))
            .collect();
        assert_eq!(
            actors[3],
            ("alice".into(), Some("reply edited by staff".into())),
            "{engine:?}"
        );
        assert_eq!(
            actors[4],
            ("alice".into(), Some("approved by staff".into()))
        );
        assert_eq!(actors[5], ("bob".into(), Some("rejected by staff".into())));
        // A failed case can be resent: approved again, attempts reset.
        let other = store_one(s, 2).await;
        cases::claim(s, CaseState::Received, "w1", 20, 60, 1)
            .await
            .unwrap();
        cases::fail(s, other, Some("w1"), "w1", "550 mailbox unknown", 21)
            .await
            .unwrap();
        cases::resend(s, other, "alice", 22).await.unwrap();
        assert_eq!(
            cases::case_state(s, other).await.unwrap(),
            Some(CaseState::Approved)
        );
    }
}

#[tokio::test]
async fn listing_pages_filters_and_counts() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let mut ids = Vec::new();
        for uid in 1..=25 {
            ids.push(store_one(s, uid).await);
        }
        let claimed = cases::claim(s, CaseState::Received, "w", 10, 60, 5)
            .await
            .unwrap();
        for id in &claimed {
            cases::fail(s, *id, Some("w"), "w", "boom", 11)
                .await
                .unwrap();
        }
        let failed = CaseFilter {
            states: vec![CaseState::Failed],
            ..CaseFilter::default()
        };
        assert_eq!(cases::count(s, &failed).await.unwrap(), 5, "{engine:?}");
        let page1 = cases::list(
            s,
            &CaseFilter {
                limit: 10,
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
        let page3 = cases::list(
            s,
            &CaseFilter {
                limit: 10,
                offset: 20,
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page1.len(), 10);
        assert_eq!(page1[0].id, ids[24], "newest first");
        assert_eq!(page3.len(), 5);
        let by_sender = CaseFilter {
            sender_contains: Some("CLINIC".into()),
            ..CaseFilter::default()
        };
        assert_eq!(cases::count(s, &by_sender).await.unwrap(), 25);
        let counts = cases::counts_by_state(s).await.unwrap();
        assert!(counts.contains(&(CaseState::Received, 20)), "{counts:?}");
        assert!(counts.contains(&(CaseState::Failed, 5)));
        assert!(counts.contains(&(CaseState::Sent, 0)));
        assert_eq!(
            cases::cases_from_sender_since(s, "pat@clinic.example", 0, ids[24])
                .await
                .unwrap(),
            25
        );
        assert_eq!(
            cases::cases_from_sender_since(s, "pat@clinic.example", 2_000, ids[24])
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            cases::in_state(s, CaseState::Failed).await.unwrap(),
            claimed
        );
    }
}

#[tokio::test]
async fn the_mailbox_cursor_is_saved_and_replaced() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        assert_eq!(cases::cursor(s, "m").await.unwrap(), None);
        cases::save_cursor(s, "m", 7, 10, 1).await.unwrap();
        cases::save_cursor(s, "m", 7, 12, 2).await.unwrap();
        assert_eq!(
            cases::cursor(s, "m").await.unwrap(),
            Some((7, 12)),
            "{engine:?}"
        );
        cases::save_cursor(s, "m", u32::MAX, u32::MAX, 3)
            .await
            .unwrap();
        assert_eq!(
            cases::cursor(s, "m").await.unwrap(),
            Some((u32::MAX, u32::MAX))
        );
    }
}

#[tokio::test]
async fn a_fetched_batch_is_stored_in_one_go_and_a_repeat_inside_it_is_one_case() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let first = store_one(s, 1).await;
        let (_, raw2) = message(2, "q2@clinic.example");
        let (_, raw1) = message(1, "q1@clinic.example");
        let new = |uid: u32, mid: &'static str| NewCase {
            mailbox: "imap://consult@rig/INBOX",
            uidvalidity: 7,
            uid,
            message_id: Some(mid),
            raw: b"",
            full_size: 0,
            sender: Some("pat@clinic.example"),
            recipient: None,
            subject: Some("question"),
        };
        let with_raw = |n: NewCase<'static>, raw| NewCase { raw, ..n };
        // q2 twice in one batch (delivered twice), and q1 again (stored before the batch).
        let got = cases::insert_received_all(
            s,
            &[
                with_raw(new(2, "q2@clinic.example"), &raw2),
                with_raw(new(3, "q2@clinic.example"), &raw2),
                with_raw(new(4, "q1@clinic.example"), &raw1),
            ],
            "w",
            2_000,
        )
        .await
        .unwrap();
        let Inserted::New(second) = got[0] else {
            panic!("{engine:?}: q2 should be new, got {got:?}");
        };
        assert_eq!(
            got[1..],
            [Inserted::Duplicate(second), Inserted::Duplicate(first)],
            "{engine:?}"
        );
        assert_eq!(
            cases::insert_received_all(s, &[], "w", 2_000)
                .await
                .unwrap(),
            vec![],
            "{engine:?}"
        );
        let (case, body) = cases::get_with_body(s, second, cases::Body::Question)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(case.uid, 2, "{engine:?}");
        assert_eq!(body.as_deref(), Some(&raw2[..]), "{engine:?}");
        assert_eq!(cases::events(s, second).await.unwrap().len(), 1);
        assert!(
            cases::get_with_body(s, CaseId(9_999), cases::Body::Question)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn storing_and_routing_a_reply_is_one_step_with_both_events() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let id = store_one(s, 1).await;
        cases::claim(s, CaseState::Received, "w1", 10, 60, 5)
            .await
            .unwrap();
        // Not the holder: nothing moves, nothing is stored.
        assert!(
            !cases::record_reply_and_route(s, id, "w2", &reply(id), CaseState::Held, "x", 12)
                .await
                .unwrap()
        );
        assert_eq!(
            cases::case_state(s, id).await.unwrap(),
            Some(CaseState::Received),
            "{engine:?}"
        );
        let (_, none) = cases::get_with_body(s, id, cases::Body::Reply)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(none, None, "{engine:?}");
        // Only held or approved.
        assert!(
            cases::record_reply_and_route(s, id, "w1", &reply(id), CaseState::Sent, "x", 12)
                .await
                .is_err()
        );
        assert_eq!(
            cases::case_state(s, id).await.unwrap(),
            Some(CaseState::Received),
            "{engine:?}: a refused route leaves the reply unstored"
        );
        assert!(
            cases::record_reply_and_route(
                s,
                id,
                "w1",
                &reply(id),
                CaseState::Held,
                "review: always",
                12
            )
            .await
            .unwrap()
        );
        let (case, raw) = cases::get_with_body(s, id, cases::Body::Reply)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(case.state, CaseState::Held, "{engine:?}");
        assert_eq!(case.claimed_by, None, "{engine:?}: the claim is released");
        assert_eq!(case.reply_message_id, Some(reply(id).message_id));
        assert_eq!(raw, Some(reply(id).raw), "{engine:?}");
        let steps: Vec<_> = cases::events(s, id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.from_state, e.to_state, e.detail))
            .collect();
        assert_eq!(
            steps[1..],
            [
                (
                    Some(CaseState::Received),
                    CaseState::Answered,
                    Some("answer reply composed".to_string())
                ),
                (
                    Some(CaseState::Answered),
                    CaseState::Held,
                    Some("review: always".to_string())
                ),
            ],
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn an_unanswered_send_stays_sending_unclaimed_for_recovery() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let id = case_support::case_in(s, 1, CaseState::Approved, 11).await;
        cases::claim(s, CaseState::Approved, "w1", 12, 60, 5)
            .await
            .unwrap();
        assert!(cases::begin_sending(s, id, "w1", 13).await.unwrap());
        assert!(cases::stale_sending(s, 14).await.unwrap().is_empty());
        assert!(
            !cases::send_unsure(s, id, "w2", "no answer", 14)
                .await
                .unwrap(),
            "{engine:?}: only the holder"
        );
        assert!(
            cases::send_unsure(s, id, "w1", "no answer", 14)
                .await
                .unwrap()
        );
        let case = cases::get(s, id).await.unwrap().unwrap();
        assert_eq!(case.state, CaseState::Sending, "{engine:?}");
        assert_eq!(case.claimed_by, None, "{engine:?}");
        assert_eq!(case.last_error.as_deref(), Some("no answer"));
        assert_eq!(
            cases::stale_sending(s, 15).await.unwrap(),
            vec![(id, 14)],
            "{engine:?}: recovery sees it, aged from the unanswered send"
        );
    }
}

#[tokio::test]
async fn staff_can_have_a_case_ignored_as_automatic_mail_answered_and_only_such_a_case() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let held = case_support::case_in(s, 2, CaseState::Held, 10).await;
        // case_in ignores with the reason "automatic mail", as the worker's policy words it.
        let auto = case_support::case_in(s, 1, CaseState::Ignored, 10).await;
        assert!(!cases::answer_automatic_ordered(s, auto).await.unwrap());
        cases::answer_automatic(s, auto, "alice", 20).await.unwrap();
        let case = cases::get(s, auto).await.unwrap().unwrap();
        assert_eq!(
            (case.state, case.reason),
            (CaseState::Received, None),
            "{engine:?}"
        );
        let last = cases::events(s, auto).await.unwrap().pop().unwrap();
        assert_eq!(
            (
                last.actor.as_str(),
                last.from_state,
                last.to_state,
                last.detail.as_deref()
            ),
            (
                "alice",
                Some(CaseState::Ignored),
                CaseState::Received,
                Some(cases::ANSWER_AUTOMATIC)
            ),
            "{engine:?}"
        );
        assert!(cases::answer_automatic_ordered(s, auto).await.unwrap());
        // Twice: the case is no longer ignored.
        let err = cases::answer_automatic(s, auto, "bob", 21)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("it is received"), "{err}");
        // A reply rejected by staff is ignored too, but not as automatic mail.
        cases::reject(s, held, "alice", 30).await.unwrap();
        let err = cases::answer_automatic(s, held, "bob", 31)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(cases::REJECTED_BY_STAFF)
                && err.contains("only cases ignored as automatic"),
            "{err}"
        );
        assert_eq!(
            cases::case_state(s, held).await.unwrap(),
            Some(CaseState::Ignored)
        );
        assert!(!cases::answer_automatic_ordered(s, held).await.unwrap());
        let err = cases::answer_automatic(s, CaseId(999_999), "bob", 31)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }
}

/// Recovery's reads: the claims of this host's processes by their holder's prefix, matched
/// exactly (a `_` or `%` in a host name is no wildcard, and case counts).
#[tokio::test]
async fn claims_are_found_by_their_exact_holder_prefix() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let holders = [
            "worker@db_1:100",  // this host
            "worker@dbx1:200",  // `_` as a wildcard would take this one
            "worker@db_1x:300", // another host whose name only starts the same way
            "worker@DB_1:400",  // SQLite's LIKE ignores ASCII case
            "worker@db%1:500",
        ];
        let mut ids = Vec::new();
        for (i, holder) in holders.iter().enumerate() {
            let id = case_support::case_in(s, i as u32 + 1, CaseState::Received, 10).await;
            let claimed = cases::claim(s, CaseState::Received, holder, 11, 60, 1)
                .await
                .unwrap();
            assert_eq!(claimed, vec![id], "{engine:?}: {holder} claims its case");
            ids.push(id);
        }
        let found = cases::claims_with_prefix(s, "worker@db_1:").await.unwrap();
        assert_eq!(
            found,
            vec![(ids[0], holders[0].to_string(), CaseState::Received)],
            "{engine:?}: only this host's claim"
        );
        let found = cases::claims_with_prefix(s, "worker@db%").await.unwrap();
        assert_eq!(
            found,
            vec![(ids[4], holders[4].to_string(), CaseState::Received)],
            "{engine:?}: `%` is a plain character"
        );
        // Released claims are no longer found; a release by someone else changes nothing.
        cases::release(s, ids[0], "worker@dbx1:200").await.unwrap();
        assert_eq!(
            cases::get(s, ids[0])
                .await
                .unwrap()
                .unwrap()
                .claimed_by
                .as_deref(),
            Some(holders[0]),
            "{engine:?}: only the holder releases"
        );
        cases::release(s, ids[0], holders[0]).await.unwrap();
        let case = cases::get(s, ids[0]).await.unwrap().unwrap();
        assert_eq!(
            (case.state, case.claimed_by, case.claim_expires_at),
            (CaseState::Received, None, None),
            "{engine:?}: released, state kept"
        );
        assert!(
            cases::claims_with_prefix(s, "worker@db_1:")
                .await
                .unwrap()
                .is_empty(),
            "{engine:?}"
        );
    }
}

/// The settling of an interrupted send: a copy of the reply found by its Message-ID, then
/// `sending → sent` (evidence) or `sending → approved` (resend with the same Message-ID), each
/// recorded, each only from `sending`.
#[tokio::test]
async fn interrupted_sends_are_settled_sent_or_unsent_only_from_sending() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let delivered = case_support::case_in(s, 1, CaseState::Sending, 20).await;
        let lost = case_support::case_in(s, 2, CaseState::Sending, 20).await;
        let reply_mid = case_support::reply(delivered).message_id;
        assert_eq!(
            cases::case_by_reply_message_id(s, &reply_mid)
                .await
                .unwrap(),
            Some((delivered, CaseState::Sending)),
            "{engine:?}: the copy finds its case"
        );
        assert_eq!(
            cases::case_by_reply_message_id(s, "reply-999@codedesk.test")
                .await
                .unwrap(),
            None,
            "{engine:?}: a message that is no reply of ours"
        );
        // The holder died: anyone may settle it.
        assert!(
            cases::resolve_sent(s, delivered, "worker-b", "a copy came back", 30)
                .await
                .unwrap()
        );
        let case = cases::get(s, delivered).await.unwrap().unwrap();
        assert_eq!(case.state, CaseState::Sent, "{engine:?}");
        assert_eq!(case.sent_at, Some(30), "{engine:?}");
        assert_eq!(case.claimed_by, None, "{engine:?}");
        let last = cases::events(s, delivered).await.unwrap().pop().unwrap();
        assert_eq!(
            (
                last.actor.as_str(),
                last.from_state,
                last.to_state,
                last.detail.as_deref()
            ),
            (
                "worker-b",
                Some(CaseState::Sending),
                CaseState::Sent,
                Some("a copy came back")
            ),
            "{engine:?}"
        );
        assert_eq!(
            cases::case_by_reply_message_id(s, &reply_mid)
                .await
                .unwrap(),
            Some((delivered, CaseState::Sent)),
            "{engine:?}: a late second copy finds it sent"
        );
        for settle in [true, false] {
            let again = if settle {
                cases::resolve_sent(s, delivered, "worker-b", "again", 31).await
            } else {
                cases::resolve_unsent(s, delivered, "worker-b", "again", 31).await
            };
            assert!(!again.unwrap(), "{engine:?}: a sent case stays sent");
        }
        assert!(
            cases::resolve_unsent(s, lost, "worker-b", "no copy came back", 40)
                .await
                .unwrap()
        );
        let case = cases::get(s, lost).await.unwrap().unwrap();
        assert_eq!(
            (case.state, case.claimed_by.as_deref(), case.sent_at),
            (CaseState::Approved, None, None),
            "{engine:?}"
        );
        assert_eq!(
            case.reply_message_id.as_deref(),
            Some(case_support::reply(lost).message_id.as_str()),
            "{engine:?}: the resend keeps the Message-ID"
        );
        assert!(
            !cases::resolve_sent(s, lost, "worker-b", "late", 41)
                .await
                .unwrap(),
            "{engine:?}: only a sending case is settled"
        );
        // The resend: claimed and sent again like any approved case, attempt 2.
        assert_eq!(
            cases::claim(s, CaseState::Approved, "worker-b", 42, 60, 5)
                .await
                .unwrap(),
            vec![lost]
        );
        assert!(cases::begin_sending(s, lost, "worker-b", 43).await.unwrap());
        assert_eq!(
            cases::get(s, lost).await.unwrap().unwrap().attempts,
            2,
            "{engine:?}"
        );
    }
}

/// The mailbox's last read time, which recovery waits on before resending.
#[tokio::test]
async fn the_cursor_says_when_the_mailbox_was_last_read() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let mailbox = "imap://consult@rig/INBOX";
        assert_eq!(cases::cursor_read_at(s, mailbox).await.unwrap(), None);
        cases::save_cursor(s, mailbox, 7, 3, 100).await.unwrap();
        cases::save_cursor(s, mailbox, 7, 3, 160).await.unwrap();
        assert_eq!(
            cases::cursor_read_at(s, mailbox).await.unwrap(),
            Some(160),
            "{engine:?}: a read that found nothing new counts"
        );
        assert!(!cases::has_sending(s, mailbox).await.unwrap());
        case_support::case_in(s, 1, CaseState::Sending, 20).await;
        assert!(cases::has_sending(s, mailbox).await.unwrap(), "{engine:?}");
        assert!(!cases::has_sending(s, "other").await.unwrap(), "{engine:?}");
    }
}
