//! Answer + reply benchmark with the full catalog loaded (the real CMS files imported once into a
//! temporary folder): for a mix of fixture questions, the catalog lookups are done once, then the
//! pure `answer` and the templated `compose` (text, HTML, the RFC 5322 bytes) are timed on one
//! core. Prints replies/s and p50/p99 per reply (target 5,000/s), and the same for the whole
//! consultation (parse, extract, lookups, answer, compose) for comparison.
//!
//! `cargo bench --bench answer` with CODEDESK_CODESETS pointing at the real files.

use codedesk::answer;
use codedesk::codes::Catalog;
use codedesk::consult::{consult, gather};
use codedesk::date::Date;
use codedesk::extract;
use codedesk::question::{self, Limits};
use codedesk::reply::{self, Replier, ReplyKind, ReplySettings};
use codedesk::store::Store;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// CPU time this thread has used: throughput "on one core" even when other processes share it.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Every .eml fixture: the answer fixtures and the extraction corpus (real client formats).
fn questions() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in ["answers", "questions"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            out.push((name, std::fs::read(&f).unwrap()));
        }
    }
    out
}

fn import(root: &Path, work: &Path) -> String {
    let db = format!("sqlite://{}/bench.db", work.display());
    let started = Instant::now();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .arg("--db")
        .arg(&db)
        .arg("--index")
        .arg(work.join("index"))
        .arg("import")
        .arg(root)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run codedesk import");
    assert!(status.success(), "codedesk import failed");
    println!(
        "  full import of {} (index included): {:.1} s",
        root.display(),
        started.elapsed().as_secs_f64()
    );
    db
}

fn main() {
    let Ok(root) = std::env::var("CODEDESK_CODESETS") else {
        eprintln!(
            "set CODEDESK_CODESETS to the folder of the real CMS files (e.g. ../shared/codesets)"
        );
        std::process::exit(2);
    };
    let work = std::env::temp_dir().join(format!("codedesk-bench-answer-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    println!("answer + reply benchmark (timed on one thread)");
    let db = import(Path::new(&root), &work);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = rt.block_on(Store::connect(&db)).unwrap();
    let catalog = rt
        .block_on(Catalog::open(store, &work.join("index")))
        .unwrap();
    let replier = Replier::new(ReplySettings {
        from: "Coding Desk <consult@desk.example>".into(),
        message_id_domain: "desk.example".into(),
        footer: codedesk::config::ReplyConfig::default().footer,
        templates: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates"),
    })
    .expect("load the templates");
    let today: Date = "2026-11-27".parse().unwrap();
    let limits = Limits::default();

    // The catalog's part, once per question: what the worker has before it answers.
    let mut prepared = Vec::new();
    for (name, raw) in questions() {
        let q = question::parse(&raw, &limits);
        if q.reply_address().is_none() {
            continue;
        }
        let mut refs = extract::extract(&q.text, &catalog);
        if refs.is_empty() {
            refs = extract::extract(q.bare_subject(), &catalog);
        }
        let findings = rt.block_on(gather(&catalog, &q, &refs)).unwrap();
        let case_ref = reply::case_ref_for(&q, &raw);
        prepared.push((name, raw, q, refs, findings, case_ref));
    }
    let codes: usize = prepared.iter().map(|p| p.3.len()).sum();
    println!(
        "  {} questions ({} code references), replies of {} to {} bytes",
        prepared.len(),
        codes,
        prepared
            .iter()
            .map(|p| reply_len(&replier, p, today))
            .min()
            .unwrap_or(0),
        prepared
            .iter()
            .map(|p| reply_len(&replier, p, today))
            .max()
            .unwrap_or(0),
    );

    // Warm up, then time answer + compose.
    for p in &prepared {
        reply_len(&replier, p, today);
    }
    let rounds = 200;
    let mut times = Vec::with_capacity(rounds * prepared.len());
    let cpu = thread_cpu();
    let started = Instant::now();
    for _ in 0..rounds {
        for (_, _, q, refs, findings, case_ref) in &prepared {
            let t = Instant::now();
            let a = answer::answer(&q.text, refs, findings, today);
            let r = replier
                .compose(ReplyKind::Answer(&a), q, case_ref, 1_795_737_600)
                .unwrap();
            std::hint::black_box(&r.raw);
            times.push(t.elapsed());
        }
    }
    let total = started.elapsed();
    let cpu = thread_cpu() - cpu;
    report(
        "answer + compose (text, HTML, message)",
        &mut times,
        total,
        cpu,
    );

    // The parts: the answer alone, and the reply alone.
    let answers: Vec<answer::Answer> = prepared
        .iter()
        .map(|(_, _, q, refs, findings, _)| answer::answer(&q.text, refs, findings, today))
        .collect();
    let mut times = Vec::with_capacity(rounds * prepared.len());
    let cpu = thread_cpu();
    let started = Instant::now();
    for _ in 0..rounds {
        for (_, _, q, refs, findings, _) in &prepared {
            let t = Instant::now();
            std::hint::black_box(answer::answer(&q.text, refs, findings, today));
            times.push(t.elapsed());
        }
    }
    let (total, cpu) = (started.elapsed(), thread_cpu() - cpu);
    report("  of which answer", &mut times, total, cpu);
    let mut times = Vec::with_capacity(rounds * prepared.len());
    let cpu = thread_cpu();
    let started = Instant::now();
    for _ in 0..rounds {
        for ((_, _, q, _, _, case_ref), a) in prepared.iter().zip(&answers) {
            let t = Instant::now();
            let r = replier
                .compose(ReplyKind::Answer(a), q, case_ref, 1_795_737_600)
                .unwrap();
            std::hint::black_box(&r.raw);
            times.push(t.elapsed());
        }
    }
    let (total, cpu) = (started.elapsed(), thread_cpu() - cpu);
    report("  of which compose", &mut times, total, cpu);

    // The whole consultation, catalog lookups included, for comparison.
    let rounds = 20;
    let mut times = Vec::with_capacity(rounds * prepared.len());
    let cpu = thread_cpu();
    let started = Instant::now();
    for _ in 0..rounds {
        for (_, raw, _, _, _, case_ref) in &prepared {
            let t = Instant::now();
            let c = rt.block_on(consult(&catalog, raw, &limits, today)).unwrap();
            let r = replier
                .compose(
                    ReplyKind::Answer(&c.answer),
                    &c.question,
                    case_ref,
                    1_795_737_600,
                )
                .unwrap();
            std::hint::black_box(&r.raw);
            times.push(t.elapsed());
        }
    }
    let (total, cpu) = (started.elapsed(), thread_cpu() - cpu);
    report(
        "parse + extract + catalog lookups + answer + compose",
        &mut times,
        total,
        cpu,
    );
    let _ = std::fs::remove_dir_all(&work);
}

type Prepared = (
    String,
    Vec<u8>,
    question::Question,
    Vec<extract::CodeRef>,
    answer::Findings,
    String,
);

fn reply_len(replier: &Replier, p: &Prepared, today: Date) -> usize {
    let a = answer::answer(&p.2.text, &p.3, &p.4, today);
    replier
        .compose(ReplyKind::Answer(&a), &p.2, &p.5, 1_795_737_600)
        .unwrap_or_else(|e| panic!("{}: {e}", p.0))
        .raw
        .len()
}

/// Prints throughput by CPU time (one core's worth) and by wall time (lower when the machine is
/// shared), and latency percentiles.
fn report(what: &str, times: &mut [Duration], total: Duration, cpu: Duration) {
    times.sort();
    println!(
        "  {what}: {} replies, {:.0}/s per CPU-second on one core ({:.0}/s wall clock); p50 {}, p99 {}, max {}",
        times.len(),
        times.len() as f64 / cpu.as_secs_f64(),
        times.len() as f64 / total.as_secs_f64(),
        micros(percentile(times, 0.5)),
        micros(percentile(times, 0.99)),
        micros(*times.last().unwrap())
    );
}
