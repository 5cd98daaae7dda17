//! `[retention] purge_after` in the running worker (the real binary against the mail rig): soon
//! after start it purges the bodies of old closed cases, leaves open ones alone, and records the
//! purge in each case's history under its own name.

mod case_support;
mod common;
mod rig;
mod worker_support;

use case_support::{case_in, raw};
use codedesk::store::cases::{self, CaseState};
use codedesk::store::retention;
use common::ENGINES;
use std::io::Write;
use std::time::Duration;
use worker_support::{Desk, DeskOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_purges_old_closed_cases_when_retention_is_set() {
    for engine in ENGINES {
        let mut desk = Desk::new(engine, "retention", DeskOptions::default()).await;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&desk.config)
            .unwrap();
        writeln!(file, "[retention]\npurge_after = \"90d\"").unwrap();
        drop(file);
        // Cases from 1970: older than any age.
        let old_sent = case_in(&desk.db.store, 1, CaseState::Sent, 1_000).await;
        let old_held = case_in(&desk.db.store, 2, CaseState::Held, 1_000).await;
        desk.start();
        let store = desk.db.store.clone();
        desk.wait_until(
            "the old sent case purged",
            Duration::from_secs(60),
            || async {
                retention::purged_at(&store, old_sent)
                    .await
                    .unwrap()
                    .is_some()
            },
        )
        .await;
        assert_eq!(
            cases::raw_message(&store, old_sent).await.unwrap(),
            Some(Vec::new())
        );
        let last = cases::events(&store, old_sent)
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert!(
            last.actor.starts_with("worker@"),
            "{engine:?}: {}",
            last.actor
        );
        assert!(last.detail.unwrap().contains("purged"));
        assert_eq!(
            cases::raw_message(&store, old_held).await.unwrap(),
            Some(raw(2))
        );
        assert_eq!(retention::purged_at(&store, old_held).await.unwrap(), None);
        assert_eq!(
            cases::case_state(&store, old_held).await.unwrap(),
            Some(CaseState::Held)
        );
    }
}
