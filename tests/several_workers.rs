//! Three `codedesk worker` processes on one PostgreSQL database and one mailbox of the real mail
//! rig: one of them holds the ingest lease and reads the mailbox, all of them process and send.
//! A 1,000-question burst gets exactly one reply each while the lease holder is killed with
//! SIGKILL (the lease moves to a survivor within seconds) and another worker is stopped and
//! started again mid-run.

mod common;
mod rig;
mod worker_support;

use codedesk::store::cases::CaseState;
use codedesk::store::workers::{self, WorkerStatus};
use common::Engine;
use futures::StreamExt;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};
use worker_support::{Desk, DeskOptions};

const TOTAL: usize = 1000;

/// One worker process of the fleet.
struct Member {
    child: Option<Child>,
    log: PathBuf,
}

impl Member {
    fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    fn owner_suffix(&self) -> String {
        format!(":{}", self.pid())
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().ok();
            c.wait().ok();
        }
    }
}

/// `n` worker processes on the desk, each logging to a file of its own.
fn spawn_fleet(desk: &Desk, n: usize) -> Vec<Member> {
    (0..n)
        .map(|i| {
            let log = desk.dir.path().join(format!("worker-{i}.log"));
            Member {
                child: Some(desk.spawn_worker(&log)),
                log,
            }
        })
        .collect()
}

fn now() -> i64 {
    codedesk::worker::now_unix_pub()
}

async fn status(desk: &Desk) -> Vec<WorkerStatus> {
    workers::alive(&desk.db.store, now() - 30).await.unwrap()
}

/// The live member holding the lease, if exactly one does and it reports a connected mailbox.
async fn holder(desk: &Desk, fleet: &[Member]) -> Option<usize> {
    let rows = status(desk).await;
    let holders: Vec<&WorkerStatus> = rows
        .iter()
        .filter(|w| w.ingest_lease && w.imap_state == "connected")
        .filter(|w| {
            fleet
                .iter()
                .any(|m| m.child.is_some() && w.owner.ends_with(&m.owner_suffix()))
        })
        .collect();
    match holders.as_slice() {
        [one] => fleet
            .iter()
            .position(|m| m.child.is_some() && one.owner.ends_with(&m.owner_suffix())),
        _ => None,
    }
}

async fn wait_for<F, Fut>(
    desk: &Desk,
    fleet: &[Member],
    what: &str,
    timeout: Duration,
    mut check: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !check().await {
        if Instant::now() > deadline {
            let logs: Vec<String> = fleet
                .iter()
                .map(|m| {
                    let text = std::fs::read_to_string(&m.log).unwrap_or_default();
                    let lines: Vec<&str> = text.lines().collect();
                    format!(
                        "== {}\n{}",
                        m.log.display(),
                        lines[lines.len().saturating_sub(25)..].join("\n")
                    )
                })
                .collect();
            panic!(
                "timed out after {timeout:?} waiting for {what}; cases: {:?}; workers: {:?}\n{}",
                desk.counts().await,
                status(desk).await,
                logs.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_answer_a_1000_question_burst_once_each_through_a_kill_and_a_restart() {
    let desk = Desk::new(Engine::Postgres, "fleet", DeskOptions::default()).await;
    let mut fleet = spawn_fleet(&desk, 3);
    wait_for(
        &desk,
        &fleet,
        "one lease holder",
        Duration::from_secs(60),
        || async { holder(&desk, &fleet).await.is_some() },
    )
    .await;
    // The others report "standby" once they have started and found the lease taken; on a busy
    // machine that can be a moment after the holder connects, so wait for it (the timeout
    // reports the status rows), then check that it holds.
    let standby = || async {
        status(&desk)
            .await
            .iter()
            .filter(|w| w.imap_state == "standby" && !w.ingest_lease)
            .count()
    };
    wait_for(
        &desk,
        &fleet,
        "the two others to stand by",
        Duration::from_secs(60),
        || async { standby().await == 2 },
    )
    .await;
    assert!(
        holder(&desk, &fleet).await.is_some(),
        "one lease holder while the others stand by: {:?}",
        status(&desk).await
    );

    let ids: Vec<String> = (0..TOTAL)
        .map(|i| format!("q-fleet-{i}-{}@asker.example.test", std::process::id()))
        .collect();
    let questions: Vec<Vec<u8>> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            desk.question(
                id,
                &format!("Fleet {i}"),
                &format!("Is 99213 with 36415 fine? ({i})"),
            )
        })
        .collect();
    let desk_ref = &desk;
    let deliver = async {
        futures::stream::iter(questions.iter())
            .for_each_concurrent(8, |raw| async move { desk_ref.deliver(raw).await })
            .await;
    };
    let chaos = async {
        // SIGKILL the lease holder once some replies are out.
        wait_for(
            &desk,
            &fleet,
            "150 replies sent",
            Duration::from_secs(180),
            || async { desk.count(CaseState::Sent).await >= 150 },
        )
        .await;
        let first = holder(&desk, &fleet).await.expect("a lease holder");
        let mut killed = fleet[first].child.take().unwrap();
        let killed_pid = killed.id();
        killed.kill().unwrap();
        killed.wait().unwrap();
        let killed_at = Instant::now();
        wait_for(
            &desk,
            &fleet,
            "the lease taken over",
            Duration::from_secs(30),
            || async { holder(&desk, &fleet).await.is_some_and(|h| h != first) },
        )
        .await;
        let takeover = killed_at.elapsed();
        let second = holder(&desk, &fleet).await.unwrap();
        assert!(
            takeover < Duration::from_secs(10),
            "the lease moved after {takeover:?}"
        );

        // Stop (SIGTERM) the other survivor and start it again.
        wait_for(
            &desk,
            &fleet,
            "500 replies sent",
            Duration::from_secs(180),
            || async { desk.count(CaseState::Sent).await >= 500 },
        )
        .await;
        let other = (0..fleet.len())
            .find(|&i| i != first && i != second)
            .unwrap();
        let mut stopping = fleet[other].child.take().unwrap();
        unsafe {
            libc::kill(stopping.id() as i32, libc::SIGTERM);
        }
        let status = stopping.wait().unwrap();
        assert!(status.success(), "a stopped worker exits cleanly: {status}");
        fleet[other].child = Some(desk.spawn_worker(&fleet[other].log));
        (killed_pid, killed_at, takeover)
    };
    let ((), (killed_pid, killed_at, takeover)) = tokio::join!(deliver, chaos);

    wait_for(
        &desk,
        &fleet,
        "every case sent",
        Duration::from_secs(300),
        || async { desk.count(CaseState::Sent).await >= TOTAL as i64 },
    )
    .await;
    let asker = desk.asker.clone();
    wait_for(
        &desk,
        &fleet,
        "every reply in the INBOX",
        Duration::from_secs(180),
        || async {
            let got = worker_support::inbox(&asker).await;
            let threads: std::collections::HashSet<&str> =
                got.iter().map(|s| s.in_reply_to.as_str()).collect();
            threads.len() >= TOTAL
        },
    )
    .await;
    desk.wait_delivered(Duration::from_secs(120)).await;

    let got = worker_support::inbox(&desk.asker).await;
    let mut per_question: HashMap<&str, Vec<&str>> = HashMap::new();
    for s in &got {
        per_question
            .entry(s.in_reply_to.as_str())
            .or_default()
            .push(s.message_id.as_str());
    }
    let accepted = worker_support::accepted_counts(desk.rig);
    for id in &ids {
        let replies = per_question.get(id.as_str()).cloned().unwrap_or_default();
        assert_eq!(replies.len(), 1, "{id} got {} replies", replies.len());
        assert_eq!(
            accepted.get(replies[0]).copied().unwrap_or(0),
            1,
            "the reply to {id} went to Postfix once"
        );
    }
    assert_eq!(got.len(), TOTAL, "no stray replies");
    assert_eq!(desk.count(CaseState::Sent).await, TOTAL as i64);

    // /metrics after this known run: every reply counted once, the lease held.
    let figures = codedesk::store::metrics::figures(&desk.db.store)
        .await
        .unwrap();
    let text = codedesk::web::metrics::render(&figures, now());
    for line in [
        format!("codedesk_replies_sent_total {TOTAL}"),
        format!("codedesk_cases{{state=\"sent\"}} {TOTAL}"),
        format!("codedesk_reply_latency_seconds_count {TOTAL}"),
        "codedesk_cases{state=\"received\"} 0".to_string(),
        "codedesk_ingest_lease_held{mailbox=\"default\"} 1".to_string(),
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    // The two running workers are counted; the stopped one removed its row; the killed one stays
    // counted until it has been silent for ALIVE_WINDOW seconds (a heartbeat's margin either way).
    let pid_of = |owner: &str| owner.rsplit(':').next().and_then(|p| p.parse::<u32>().ok());
    let live: std::collections::HashSet<u32> = figures
        .workers
        .iter()
        .filter_map(|w| pid_of(&w.owner))
        .collect();
    let running: std::collections::HashSet<u32> = fleet
        .iter()
        .filter_map(|m| m.child.as_ref().map(|c| c.id()))
        .collect();
    assert!(live.is_superset(&running), "{:?}", figures.workers);
    let since_kill = killed_at.elapsed().as_secs() as i64;
    let window = codedesk::store::metrics::ALIVE_WINDOW;
    if since_kill < window - 5 {
        assert!(live.contains(&killed_pid), "{:?}", figures.workers);
    } else if since_kill > window + 5 {
        assert!(!live.contains(&killed_pid), "{:?}", figures.workers);
    }
    assert!(
        live.len() <= running.len() + 1,
        "only the killed worker beside the running ones: {:?}",
        figures.workers
    );

    // Every live worker took part, and the killed one's claims were taken over.
    let pg = sqlx::PgPool::connect(&desk.db.url).await.unwrap();
    let sent_by: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT actor FROM case_event WHERE to_state = 'sent'")
            .fetch_all(&pg)
            .await
            .unwrap();
    pg.close().await;
    assert!(
        sent_by.len() >= 3,
        "replies were sent by several workers: {sent_by:?}"
    );
    let took = fleet
        .iter()
        .filter(|m| {
            std::fs::read_to_string(&m.log)
                .unwrap_or_default()
                .contains("took the ingest lease")
        })
        .count();
    assert!(took >= 2, "the lease moved between workers");
    eprintln!(
        "{TOTAL} questions, 3 workers, holder pid {killed_pid} killed (lease taken over in {takeover:?}), one worker restarted"
    );
    for m in &mut fleet {
        if let Some(mut c) = m.child.take() {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGTERM);
            }
            c.wait().unwrap();
        }
    }
}

/// The lease holder's lease connection is ended by the server (a restart, a network cut, an
/// administrator's `pg_terminate_backend`): the holder notices within its check interval, stops
/// reading and stands by, a worker takes the lease again, and questions after it get one reply
/// each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_that_loses_its_database_connection_stands_by_and_the_lease_is_taken_again() {
    let desk = Desk::new(Engine::Postgres, "cut", DeskOptions::default()).await;
    let fleet = spawn_fleet(&desk, 2);
    let mut ready = || async {
        holder(&desk, &fleet).await.is_some()
            && status(&desk)
                .await
                .iter()
                .any(|w| w.imap_state == "standby" && !w.ingest_lease)
    };
    wait_for(
        &desk,
        &fleet,
        "a holder and a standby",
        Duration::from_secs(60),
        &mut ready,
    )
    .await;
    let first = holder(&desk, &fleet).await.unwrap();

    // End the lease connection from the server's side: the one session of this database that
    // holds an advisory lock.
    let pg = sqlx::PgPool::connect(&desk.db.url).await.unwrap();
    let (ended,): (i64,) = sqlx::query_as(
        "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l \
         JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() \
         AND l.pid <> pg_backend_pid()",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    pg.close().await;
    assert_eq!(ended, 1, "exactly one session held the lease");
    let lost = || async {
        std::fs::read_to_string(&fleet[first].log)
            .unwrap_or_default()
            .contains("lost the ingest lease")
    };
    wait_for(
        &desk,
        &fleet,
        "the holder to notice",
        Duration::from_secs(30),
        lost,
    )
    .await;
    wait_for(
        &desk,
        &fleet,
        "the lease held again",
        Duration::from_secs(30),
        || async { holder(&desk, &fleet).await.is_some() },
    )
    .await;

    let n = 20;
    let ids: Vec<String> = (0..n)
        .map(|i| format!("q-cut-{i}-{}@asker.example.test", std::process::id()))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let raw = desk.question(
            id,
            &format!("Cut {i}"),
            &format!("Is 99213 with 36415 fine? ({i})"),
        );
        desk.deliver(&raw).await;
    }
    wait_for(
        &desk,
        &fleet,
        "every case sent",
        Duration::from_secs(120),
        || async { desk.count(CaseState::Sent).await >= n as i64 },
    )
    .await;
    desk.wait_delivered(Duration::from_secs(60)).await;
    let got = worker_support::inbox(&desk.asker).await;
    let accepted = worker_support::accepted_counts(desk.rig);
    for id in &ids {
        let replies: Vec<&str> = got
            .iter()
            .filter(|s| s.in_reply_to == *id)
            .map(|s| s.message_id.as_str())
            .collect();
        assert_eq!(replies.len(), 1, "{id} got {} replies", replies.len());
        assert_eq!(accepted.get(replies[0]).copied().unwrap_or(0), 1);
    }
    assert_eq!(
        desk.count(CaseState::Sent).await,
        n as i64,
        "no case sent twice"
    );
}
