//! The worker end to end through the mail rig (`scripts/mail-rig start`): questions delivered over
//! SMTP, the worker (the built binary) answering them, replies read from the asker's INBOX.
//! Prints the delay from SMTP acceptance to the reply being in the INBOX over 200 paced questions
//! (p50, p99; targets 700 ms and 1.5 s), the throughput of a 1,000-question burst (target 100/s)
//! with the worker's CPU time and how busy the machine was, the rig's own ceiling for the same
//! mail with no worker at all (`worker_support::rig_ceiling`), and the worker's peak memory
//! (VmHWM; target under 150 MB).
//!
//! `cargo bench --bench worker` (SQLite); `CODEDESK_BENCH_DB=postgres` for PostgreSQL;
//! `CODEDESK_BENCH_PACED` and `CODEDESK_BENCH_BURST` change the counts.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/rig/mod.rs"]
mod rig;
#[path = "../tests/worker_support/mod.rs"]
mod worker_support;

use std::collections::HashMap;
use std::time::{Duration, Instant};
use worker_support::{Desk, DeskOptions};

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let engine = match std::env::var("CODEDESK_BENCH_DB").as_deref() {
        Ok("postgres") => common::Engine::Postgres,
        _ => common::Engine::Sqlite,
    };
    let paced = count("CODEDESK_BENCH_PACED", 200);
    let burst = count("CODEDESK_BENCH_BURST", 1000);
    let mut desk = Desk::new(engine, "bench", DeskOptions::default()).await;
    desk.start();
    // Let the worker connect and enter IDLE.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let r = desk.rig;
    let pid = desk.worker.as_ref().unwrap().id();

    // 1. Latency: questions one at a time, 10 a second.
    let arrived = std::sync::Arc::new(std::sync::Mutex::new(HashMap::new()));
    let watcher = tokio::spawn(worker_support::watch_replies(
        r,
        desk.asker.clone(),
        "bench-p",
        paced,
        arrived.clone(),
    ));
    let mut accepted = HashMap::new();
    for i in 0..paced {
        let id = format!("bench-p{i}-{}@asker.example.test", std::process::id());
        let raw = desk.question(
            &id,
            &format!("Paced {i}"),
            "Can 99214-25 go with 96372? Dx M54.16",
        );
        desk.deliver(&raw).await;
        accepted.insert(id, Instant::now());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    watcher.await.unwrap();
    let arrived = arrived.lock().unwrap().clone();
    let mut delays: Vec<Duration> = accepted
        .iter()
        .filter_map(|(id, at)| {
            arrived
                .get(id)
                .map(|got| got.saturating_duration_since(*at))
        })
        .collect();
    delays.sort();
    if delays.is_empty() {
        delays.push(Duration::ZERO);
    }
    assert!(
        delays.len() == paced || paced == 0,
        "every paced question answered"
    );
    println!(
        "worker/latency ({engine:?}, {paced} questions at 10/s): SMTP accepted -> reply in INBOX p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms (targets 700 / 1500 ms)",
        percentile(&delays, 0.50).as_secs_f64() * 1e3,
        percentile(&delays, 0.99).as_secs_f64() * 1e3,
        delays.last().unwrap().as_secs_f64() * 1e3
    );

    // 2. Burst: deliver everything as fast as 8 SMTP clients can, until every reply is in.
    let arrived = std::sync::Arc::new(std::sync::Mutex::new(HashMap::new()));
    let watcher = tokio::spawn(worker_support::watch_replies(
        r,
        desk.asker.clone(),
        "bench-b",
        burst,
        arrived.clone(),
    ));
    let questions: Vec<Vec<u8>> = (0..burst)
        .map(|i| {
            let id = format!("bench-b{i}-{}@asker.example.test", std::process::id());
            desk.question(
                &id,
                &format!("Burst {i}"),
                "Is 99213 with 36415 fine? Dx E11.9",
            )
        })
        .collect();
    let cpu_before = worker_support::cpu_seconds(pid);
    let machine_before = worker_support::machine_jiffies();
    let started = Instant::now();
    let desk_ref = &desk;
    futures::stream::iter(questions.iter())
        .for_each_concurrent(8, |raw| async move { desk_ref.deliver(raw).await })
        .await;
    let delivered = started.elapsed();
    watcher.await.unwrap();
    let took = started.elapsed();
    let worker_cpu = worker_support::cpu_seconds(pid) - cpu_before;
    let machine_after = worker_support::machine_jiffies();
    let machine_busy = (machine_after.0 - machine_before.0) as f64
        / (machine_after.1 - machine_before.1).max(1) as f64;
    let answered = arrived.lock().unwrap().len();
    assert_eq!(answered, burst, "every burst question answered");
    println!(
        "worker/burst ({engine:?}, {burst} questions): delivered in {:.1} s, all replies in {:.1} s: {:.0} questions/s end to end (target 100/s)",
        delivered.as_secs_f64(),
        took.as_secs_f64(),
        burst as f64 / took.as_secs_f64()
    );
    // The worker's own part, from the case table (seconds): first stored to last accepted by SMTP.
    let (span, n) = worker_support::burst_span(&desk, "Burst").await;
    println!(
        "worker/burst: the worker stored the first and had the last reply accepted {} s apart ({} cases; \
         the rest is Postfix delivering 3 messages per question: in, reply, receipt copy)",
        span, n
    );
    println!(
        "worker/burst: the worker used {worker_cpu:.1} CPU-s ({:.1} ms per question); the machine (2 cores: \
         worker, Postfix, Dovecot, this benchmark) was {:.0}% busy",
        worker_cpu * 1e3 / burst.max(1) as f64,
        machine_busy * 100.0
    );
    // The same mail without any worker: the ceiling this machine puts on end-to-end throughput.
    if burst > 0 {
        let sent = cases::list(
            &desk.db.store,
            &cases::CaseFilter {
                states: vec![cases::CaseState::Sent],
                limit: 1,
                ..cases::CaseFilter::default()
            },
        )
        .await
        .unwrap();
        let reply = cases::reply_raw(&desk.db.store, sent[0].id)
            .await
            .unwrap()
            .unwrap();
        let ceiling = worker_support::rig_ceiling(r, &questions[0], &reply, burst).await;
        println!(
            "worker/rig-ceiling: the rig alone (no worker) carries the same mail ({burst} questions in, \
             {burst} replies + receipt copies out) in {ceiling:.1} s: at most {:.0} questions/s end to end on this machine",
            burst as f64 / ceiling
        );
    }
    match peak_rss_kb(pid) {
        Some(kb) => println!(
            "worker/memory: peak RSS {:.1} MB (target < 150 MB)",
            kb as f64 / 1024.0
        ),
        None => println!("worker/memory: /proc/{pid}/status unreadable"),
    }
    desk.terminate(Duration::from_secs(30));
    if let Ok(path) = std::env::var("CODEDESK_BENCH_LOG") {
        std::fs::copy(&desk.log, &path).unwrap();
    }
}

use codedesk::store::cases;
use futures::StreamExt;
