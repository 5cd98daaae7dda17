//! Retention on both engines: `purge` deletes the bodies of closed cases past the cut-off, keeps
//! their figures and history, records a `purged` event, touches nothing open, and is idempotent;
//! also through the `codedesk purge` binary.

mod case_support;
mod common;
use case_support::{case_in, raw};
use codedesk::store::Store;
use codedesk::store::cases::{self, CaseId, CaseState};
use codedesk::store::retention;
use common::{ENGINES, TestDb};
use std::process::Command;

const OLD: i64 = 1_000;
const RECENT: i64 = 1_000_000;
const NOW: i64 = 2_000_000;
const CUTOFF: i64 = 500_000;

struct Fixture {
    old_sent: CaseId,
    old_ignored: CaseId,
    recent_sent: CaseId,
    open: Vec<CaseId>,
}

async fn fixture(store: &Store) -> Fixture {
    let old_sent = case_in(store, 1, CaseState::Sent, OLD).await;
    let recent_sent = case_in(store, 2, CaseState::Sent, RECENT).await;
    let old_ignored = case_in(store, 3, CaseState::Ignored, OLD).await;
    let mut open = Vec::new();
    for (uid, state) in [
        (4, CaseState::Failed),
        (5, CaseState::Sending),
        (6, CaseState::Held),
        (7, CaseState::Answered),
        (8, CaseState::Approved),
        (9, CaseState::Received),
    ] {
        let id = case_in(store, uid, state, OLD).await;
        assert_eq!(cases::case_state(store, id).await.unwrap(), Some(state));
        open.push(id);
    }
    Fixture {
        old_sent,
        old_ignored,
        recent_sent,
        open,
    }
}

#[tokio::test]
async fn purge_deletes_closed_bodies_keeps_figures_and_history_and_is_idempotent() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let f = fixture(s).await;
        let before_sent = cases::get(s, f.old_sent).await.unwrap().unwrap();
        let events_before = cases::events(s, f.old_sent).await.unwrap();
        let open_before: Vec<_> = {
            let mut v = Vec::new();
            for id in &f.open {
                v.push((
                    cases::get(s, *id).await.unwrap(),
                    cases::raw_message(s, *id).await.unwrap(),
                    cases::reply_raw(s, *id).await.unwrap(),
                    cases::events(s, *id).await.unwrap(),
                ));
            }
            v
        };

        let n = retention::purge_closed_before(s, CUTOFF, "purge", NOW)
            .await
            .unwrap();
        assert_eq!(n, 2, "{engine:?}: the old sent and the old ignored case");

        for id in [f.old_sent, f.old_ignored] {
            assert_eq!(cases::raw_message(s, id).await.unwrap(), Some(Vec::new()));
            assert_eq!(cases::reply_raw(s, id).await.unwrap(), None);
            let c = cases::get(s, id).await.unwrap().unwrap();
            assert_eq!(c.reply_text, None);
            // Nothing that names the asker stays (security finding 8).
            assert_eq!(
                (&c.sender, &c.subject, &c.reply_to, &c.reply_subject),
                (&None, &None, &None, &None),
                "{engine:?}"
            );
            assert_eq!(retention::purged_at(s, id).await.unwrap(), Some(NOW));
            let last = cases::events(s, id).await.unwrap().pop().unwrap();
            assert_eq!(last.actor, "purge");
            assert_eq!(last.at, NOW);
            assert_eq!(last.from_state, Some(c.state));
            assert_eq!(last.to_state, c.state);
            assert!(last.detail.unwrap().contains("purged"));
        }
        // The figures stay: sizes, times, state, references, the reply's Message-ID.
        let after_sent = cases::get(s, f.old_sent).await.unwrap().unwrap();
        assert_eq!(
            after_sent,
            cases::Case {
                reply_text: None,
                sender: None,
                subject: None,
                reply_to: None,
                reply_subject: None,
                ..before_sent.clone()
            }
        );
        assert_eq!(after_sent.raw_size, before_sent.raw_size);
        assert_eq!(after_sent.sent_at, Some(OLD));
        // The whole history stays, with one event more.
        let events_after = cases::events(s, f.old_sent).await.unwrap();
        assert_eq!(events_after.len(), events_before.len() + 1);
        assert_eq!(&events_after[..events_before.len()], &events_before[..]);

        // Recent closed cases and every open case are untouched.
        assert_eq!(
            cases::raw_message(s, f.recent_sent).await.unwrap(),
            Some(raw(2))
        );
        assert_eq!(retention::purged_at(s, f.recent_sent).await.unwrap(), None);
        for (id, before) in f.open.iter().zip(&open_before) {
            let now = (
                cases::get(s, *id).await.unwrap(),
                cases::raw_message(s, *id).await.unwrap(),
                cases::reply_raw(s, *id).await.unwrap(),
                cases::events(s, *id).await.unwrap(),
            );
            assert_eq!(&now, before, "{engine:?}: open case {id} changed");
            assert_eq!(retention::purged_at(s, *id).await.unwrap(), None);
        }

        // Again: nothing more, no second event.
        let again = retention::purge_closed_before(s, CUTOFF, "purge", NOW + 10)
            .await
            .unwrap();
        assert_eq!(again, 0);
        assert_eq!(cases::events(s, f.old_sent).await.unwrap(), events_after);
        assert_eq!(
            retention::purged_at(s, f.old_sent).await.unwrap(),
            Some(NOW)
        );
    }
}

fn purge_cli(url: &str, age: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .args(["--db", url, "purge", "--older-than", age])
        .env_remove("CODEDESK_CONFIG")
        .env("CODEDESK_LOG", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run codedesk purge")
}

#[tokio::test]
async fn the_purge_command_counts_what_it_purged_and_rejects_a_bad_age() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        // Times near 1970 are older than any age; the fresh case is made now (first: the
        // fixture leaves a received case unclaimed).
        let fresh = case_in(
            &db.store,
            10,
            CaseState::Sent,
            codedesk::worker::now_unix_pub(),
        )
        .await;
        let f = fixture(&db.store).await;

        let bad = purge_cli(&db.url, "ninety days");
        assert_eq!(bad.status.code(), Some(2), "{engine:?}");
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.contains("--older-than") && err.contains("90d"), "{err}");

        let out = purge_cli(&db.url, "90d");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        // The old sent, the "recent" (still 1970) sent and the old ignored case.
        assert!(
            text.contains("purged the message bodies of 3 closed cases"),
            "{text}"
        );
        assert!(!text.contains("pat@clinic.example"), "{text}");
        for id in [f.old_sent, f.recent_sent, f.old_ignored] {
            assert_eq!(
                cases::raw_message(&db.store, id).await.unwrap(),
                Some(Vec::new())
            );
        }
        assert_eq!(
            cases::raw_message(&db.store, fresh).await.unwrap(),
            Some(raw(10))
        );
        for id in &f.open {
            assert_eq!(retention::purged_at(&db.store, *id).await.unwrap(), None);
        }

        let again = purge_cli(&db.url, "12h");
        assert!(again.status.success());
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("of 0 closed cases"),
            "{}",
            String::from_utf8_lossy(&again.stdout)
        );
    }
}

/// What a purge deletes is gone from the SQLite files too, not only from the tables: no byte of
/// the question or its subject is left in the database or its WAL (security finding 8).
#[tokio::test]
async fn purged_text_is_not_left_in_the_sqlite_files() {
    let dir = common::TempDir::new("purge-files");
    let file = dir.path().join("cases.db");
    let store = Store::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let id = case_in(&store, 41, CaseState::Sent, OLD).await;
    let sent = case_in(&store, 42, CaseState::Sent, OLD).await;
    let needle = b"Is 99214 with 96372 -25 right?";
    let everything = || {
        let mut bytes = std::fs::read(&file).unwrap();
        if let Ok(wal) = std::fs::read(dir.path().join("cases.db-wal")) {
            bytes.extend(wal);
        }
        bytes
    };
    let found = |hay: &[u8], n: &[u8]| hay.windows(n.len()).any(|w| w == n);
    assert!(found(&everything(), needle), "the question is stored");
    let n = retention::purge_closed_before(&store, CUTOFF, "purge", NOW)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        cases::raw_message(&store, id).await.unwrap(),
        Some(Vec::new())
    );
    assert_eq!(
        cases::raw_message(&store, sent).await.unwrap(),
        Some(Vec::new())
    );
    let bytes = everything();
    assert!(
        !found(&bytes, needle),
        "the purged question is still in the files"
    );
    assert!(
        !found(&bytes, b"pat@clinic.example"),
        "an address is still in the files"
    );
    store.close().await;
}

/// The edges: a case closed exactly at the cut-off stays and one closed a second earlier goes;
/// a case received long ago but closed after the cut-off stays (the age counts from its last
/// step, not its arrival); more closed cases than one batch are all purged in one call.
#[tokio::test]
async fn purge_edges_cutoff_second_last_step_and_more_than_one_batch() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let at_cutoff = case_in(s, 1, CaseState::Sent, CUTOFF).await;
        let just_before = case_in(s, 2, CaseState::Sent, CUTOFF - 1).await;
        let old_but_closed_late =
            case_support::case_at(s, 3, CaseState::Sent, OLD, CUTOFF + 1).await;
        let mut many = Vec::new();
        for uid in 10..(10 + 250) {
            many.push(case_in(s, uid, CaseState::Ignored, OLD).await);
        }
        let n = retention::purge_closed_before(s, CUTOFF, "purge", NOW)
            .await
            .unwrap();
        assert_eq!(
            n, 251,
            "{engine:?}: the second-early case and all 250 old ones"
        );
        assert_eq!(
            retention::purged_at(s, at_cutoff).await.unwrap(),
            None,
            "{engine:?}"
        );
        assert_eq!(
            cases::raw_message(s, at_cutoff).await.unwrap(),
            Some(raw(1))
        );
        assert_eq!(
            retention::purged_at(s, just_before).await.unwrap(),
            Some(NOW)
        );
        assert_eq!(
            retention::purged_at(s, old_but_closed_late).await.unwrap(),
            None,
            "{engine:?}: closed after the cut-off"
        );
        for id in [many[0], many[199], many[200], many[249]] {
            assert_eq!(
                retention::purged_at(s, id).await.unwrap(),
                Some(NOW),
                "{engine:?}"
            );
            assert_eq!(cases::raw_message(s, id).await.unwrap(), Some(Vec::new()));
        }
    }
}
