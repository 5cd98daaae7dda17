//! End-to-end throughput with several worker processes, in one run: a burst of questions
//! delivered over SMTP to the mail rig (`scripts/mail-rig start`), answered by 1, 2 and 4
//! `codedesk worker` processes on PostgreSQL and by 1 on SQLite, until every reply is in the
//! asker's INBOX. Prints a table: questions/s end to end, and the workers' own span (first
//! question stored to last reply accepted by SMTP).
//!
//! `cargo bench --bench fleet`; `CODEDESK_BENCH_BURST` changes the burst (default 1000),
//! `CODEDESK_BENCH_FLEET="sqlite:1,postgres:2"` runs only those set-ups, and
//! `CODEDESK_OUTBOX_RECEIPT_COPY=false` (passed on to the workers) measures without receipt copies.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/rig/mod.rs"]
mod rig;
#[path = "../tests/worker_support/mod.rs"]
mod worker_support;

use common::Engine;
use futures::StreamExt;
use std::collections::HashMap;
use std::process::Child;
use std::time::{Duration, Instant};
use worker_support::{Desk, DeskOptions};

struct Row {
    engine: Engine,
    workers: usize,
    delivered: f64,
    total: f64,
    span: i64,
    /// CPU seconds the worker processes used, all together.
    worker_cpu: f64,
    /// How busy the whole machine was over the burst (all cores, 0..1).
    machine_busy: f64,
}

async fn one_run(engine: Engine, workers: usize, burst: usize) -> Row {
    let desk = Desk::new(engine, "fleet-bench", DeskOptions::default()).await;
    let mut fleet: Vec<Child> = (0..workers)
        .map(|i| desk.spawn_worker(&desk.dir.path().join(format!("worker-{i}.log"))))
        .collect();
    // Until one of them reads the mailbox.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = codedesk::worker::now_unix_pub();
        let status = codedesk::store::workers::alive(&desk.db.store, now - 30)
            .await
            .unwrap();
        if status
            .iter()
            .any(|w| w.ingest_lease && w.imap_state == "connected")
        {
            break;
        }
        assert!(Instant::now() < deadline, "no worker took the mailbox");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tag = format!("fleet-{engine:?}-{workers}-");
    let prefix: &'static str = Box::leak(tag.clone().into_boxed_str());
    let arrived = std::sync::Arc::new(std::sync::Mutex::new(HashMap::new()));
    let watcher = tokio::spawn(worker_support::watch_replies(
        desk.rig,
        desk.asker.clone(),
        prefix,
        burst,
        arrived.clone(),
    ));
    let questions: Vec<Vec<u8>> = (0..burst)
        .map(|i| {
            let id = format!("{tag}{i}-{}@asker.example.test", std::process::id());
            desk.question(
                &id,
                &format!("Burst {i}"),
                "Is 99213 with 36415 fine? Dx E11.9",
            )
        })
        .collect();
    let cpu_before: f64 = fleet
        .iter()
        .map(|c| worker_support::cpu_seconds(c.id()))
        .sum();
    let machine_before = worker_support::machine_jiffies();
    let started = Instant::now();
    let desk_ref = &desk;
    futures::stream::iter(questions.iter())
        .for_each_concurrent(8, |raw| async move { desk_ref.deliver(raw).await })
        .await;
    let delivered = started.elapsed().as_secs_f64();
    watcher.await.unwrap();
    let total = started.elapsed().as_secs_f64();
    let worker_cpu = fleet
        .iter()
        .map(|c| worker_support::cpu_seconds(c.id()))
        .sum::<f64>()
        - cpu_before;
    let machine_after = worker_support::machine_jiffies();
    let machine_busy = (machine_after.0 - machine_before.0) as f64
        / (machine_after.1 - machine_before.1).max(1) as f64;
    assert_eq!(
        arrived.lock().unwrap().len(),
        burst,
        "every question answered ({engine:?}, {workers} workers)"
    );
    let (span, _) = worker_support::burst_span(&desk, "Burst").await;
    for child in &mut fleet {
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
    }
    for mut child in fleet {
        child.wait().unwrap();
    }
    Row {
        engine,
        workers,
        delivered,
        total,
        span,
        worker_cpu,
        machine_busy,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let burst = std::env::var("CODEDESK_BENCH_BURST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut rows = Vec::new();
    // CODEDESK_BENCH_FLEET="sqlite:1,postgres:2" runs only those.
    let runs: Vec<(Engine, usize)> = match std::env::var("CODEDESK_BENCH_FLEET") {
        Ok(list) => list
            .split(',')
            .filter_map(|item| {
                let (engine, n) = item.trim().split_once(':')?;
                let engine = match engine {
                    "sqlite" => Engine::Sqlite,
                    "postgres" => Engine::Postgres,
                    _ => return None,
                };
                Some((engine, n.parse().ok()?))
            })
            .collect(),
        Err(_) => vec![
            (Engine::Sqlite, 1),
            (Engine::Postgres, 1),
            (Engine::Postgres, 2),
            (Engine::Postgres, 4),
        ],
    };
    for (engine, workers) in runs {
        let row = one_run(engine, workers, burst).await;
        eprintln!(
            "fleet: {:?} x{}: {:.0} questions/s",
            row.engine,
            row.workers,
            burst as f64 / row.total
        );
        rows.push(row);
    }
    println!(
        "fleet/burst of {burst} questions, end to end (SMTP in -> reply in the asker's INBOX):"
    );
    println!(
        "| engine     | workers | delivered in | all replies in | questions/s | workers' span | workers' CPU | machine busy |"
    );
    println!(
        "|------------|---------|--------------|----------------|-------------|---------------|--------------|--------------|"
    );
    for r in &rows {
        println!(
            "| {:<10} | {:>7} | {:>10.1} s | {:>12.1} s | {:>11.0} | {:>11} s | {:>10.1} s | {:>11.0}% |",
            format!("{:?}", r.engine),
            r.workers,
            r.delivered,
            r.total,
            burst as f64 / r.total,
            r.span,
            r.worker_cpu,
            r.machine_busy * 100.0
        );
    }
}
