//! Throughput of `question::parse` + `extract` on one core: typical 2-5 KB questions (target
//! 20,000 messages/s), the labelled corpus, and the cost per byte from 4 KB up to the message
//! size limit, which must stay flat (linear time).
//!
//! Run with `cargo bench --bench extract`.

use codedesk::extract::{NoCatalog, extract};
use codedesk::question::{Limits, parse};
use std::hint::black_box;
use std::time::{Duration, Instant};

const QUESTIONS: &[&str] = &[
    "Can 62322 be billed with 99213-25 on the same day? Dx M54.16. The physician also evaluated a new complaint.",
    "Payer denied 97140 with 97530 as bundled. We billed 97140-59 and 97530 GP, 1 unit each, dx M54.50 and M25.511.",
    "Is G0439 payable with 99397 on the same date? Medicare Advantage, dx Z00.00. We would bill the difference.",
    "Claim lines:\nCPT | Mod | Units | Dx\n64483 | 50 | 1 | M54.16\n64484 | 50 | 2 | M54.16\nShould line 2 be 1 unit?",
    "For a 40 minute established visit with moderate MDM, is it 99213, 99214 or 99215? Prolonged 99417 x2?",
    "Ketorolac 30 mg: J1885 x 2 units, and J3420 1 unit IM with 96372. Dx E53.8 for the B12.",
];

const SIGNATURE: &str = "\n\nThanks,\nJane Doe, CPC\nRevenue Cycle | Riverbend Internal Medicine\n\
    4500 Oak Lawn Ave, Suite 200, Dallas, TX 75219\nPhone 214-555-0187 | Fax 214-555-0188 | NPI 1234567893\n";

const HISTORY: &str = "\n\nFrom: Coding Desk <ask@codedesk.example>\nSent: Tuesday, March 5, 2024 4:15 PM\n\
    To: Jane Doe <jdoe@clinic.example>\nSubject: RE: coding question\n\n\
    Hi Jane,\n\n20610 and 99214 can be reported together when the E/M is significant and separately \
    identifiable; append modifier 25 to 99214. The diagnosis M17.11 supports the injection.\n\n\
    Coding Desk\n";

/// A typical question of about `size` bytes: headers, the question, a signature and history;
/// every other one as multipart/alternative with an HTML part.
fn message(i: usize, size: usize) -> Vec<u8> {
    let q = QUESTIONS[i % QUESTIONS.len()];
    let mut body = format!("Hi,\n\n{q}{SIGNATURE}");
    while body.len() + 600 < size {
        body.push_str(HISTORY);
    }
    let headers = format!(
        "From: Jane Doe <jdoe{i}@clinic.example>\r\nTo: ask@codedesk.example\r\n\
         Subject: coding question {i}\r\nDate: Tue, 5 Mar 2024 09:10:03 -0500\r\n\
         Message-ID: <q{i}@clinic.example>\r\nMIME-Version: 1.0\r\n"
    );
    if i % 2 == 0 {
        format!("{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}").into_bytes()
    } else {
        let html = body
            .split("\n\n")
            .map(|p| format!("<p class=\"MsoNormal\">{}</p>", p.replace('\n', "<br>")))
            .collect::<String>();
        let text_len = body.len();
        let plain_budget = size.saturating_sub(html.len()).max(200);
        let plain: String = body.chars().take(plain_budget.min(text_len)).collect();
        format!(
            "{headers}Content-Type: multipart/alternative; boundary=\"b{i}\"\r\n\r\n\
             --b{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{plain}\r\n\
             --b{i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>{html}</body></html>\r\n--b{i}--\r\n"
        )
        .into_bytes()
    }
}

/// Messages per second and bytes per second over `messages`, for at least `min` time.
fn throughput(messages: &[Vec<u8>], limits: &Limits, min: Duration) -> (f64, f64, usize) {
    let start = Instant::now();
    let mut count = 0usize;
    let mut bytes = 0usize;
    let mut codes = 0usize;
    while start.elapsed() < min {
        for m in messages {
            let q = parse(black_box(m), limits);
            codes += black_box(extract(&q.text, &NoCatalog)).len();
            count += 1;
            bytes += m.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    (
        count as f64 / secs,
        bytes as f64 / secs,
        codes / count.max(1),
    )
}

/// Nanoseconds per byte of parse + extract on one message, best of a few runs.
fn ns_per_byte(raw: &[u8], limits: &Limits) -> f64 {
    let runs = (8_000_000 / raw.len()).clamp(3, 2_000);
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for _ in 0..runs {
            let q = parse(black_box(raw), limits);
            black_box(extract(&q.text, &NoCatalog));
        }
        best = best.min(start.elapsed().as_nanos() as f64 / (runs * raw.len()) as f64);
    }
    best
}

fn main() {
    let limits = Limits::default();
    println!("parse + extract, one core, release build\n");

    let typical: Vec<Vec<u8>> = (0..64)
        .map(|i| message(i, 2_000 + (i * 97) % 3_000))
        .collect();
    let avg = typical.iter().map(Vec::len).sum::<usize>() / typical.len();
    let (per_sec, bytes_per_sec, codes) = throughput(&typical, &limits, Duration::from_secs(3));
    println!(
        "typical questions (2-5 KB, average {avg} bytes, {codes} codes each): {per_sec:.0} messages/s, {:.1} MB/s  [target 20000/s: {}]",
        bytes_per_sec / 1e6,
        if per_sec >= 20_000.0 {
            "met"
        } else {
            "NOT met"
        }
    );

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/questions");
    let corpus: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .filter_map(|p| std::fs::read(p).ok())
                .collect()
        })
        .unwrap_or_default();
    if !corpus.is_empty() {
        let avg = corpus.iter().map(Vec::len).sum::<usize>() / corpus.len();
        let (per_sec, bytes_per_sec, _) = throughput(&corpus, &limits, Duration::from_secs(2));
        println!(
            "labelled corpus ({} messages, average {avg} bytes): {per_sec:.0} messages/s, {:.1} MB/s",
            corpus.len(),
            bytes_per_sec / 1e6
        );
    }

    println!(
        "\ncost by message size (text body; text past {} KiB is cut):",
        limits.max_text_bytes >> 10
    );
    println!("{:>12} {:>10} {:>12}", "bytes", "ns/byte", "ms/message");
    let mut sizes = vec![4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
    sizes.push(limits.max_message_bytes);
    let mut points = Vec::new();
    for &size in &sizes {
        let raw = message(0, size);
        let ns = ns_per_byte(&raw, &limits);
        points.push((raw.len() as f64, ns * raw.len() as f64));
        println!(
            "{:>12} {:>10.2} {:>12.3}",
            raw.len(),
            ns,
            ns * raw.len() as f64 / 1e6
        );
    }
    let whole = slope(&points);

    println!("\nextract alone by text size (no text limit):");
    println!("{:>12} {:>10}", "bytes", "ns/byte");
    let unit = format!("{}{SIGNATURE}{HISTORY}", QUESTIONS.join(" "));
    let mut points = Vec::new();
    for size in [
        4usize << 10,
        16 << 10,
        64 << 10,
        256 << 10,
        1 << 20,
        8 << 20,
    ] {
        let text = unit.repeat(size / unit.len() + 1);
        let runs = (8_000_000 / text.len()).clamp(2, 1_000);
        let mut best = f64::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            for _ in 0..runs {
                black_box(extract(black_box(&text), &NoCatalog));
            }
            best = best.min(start.elapsed().as_nanos() as f64 / runs as f64);
        }
        points.push((text.len() as f64, best));
        println!("{:>12} {:>10.2}", text.len(), best / text.len() as f64);
    }
    let alone = slope(&points);
    // Time grows as size^slope: 1 is linear, 2 quadratic. Caches make big inputs a little
    // dearer per byte, so up to 1.15 counts as linear.
    println!(
        "\ngrowth of time with size (log-log slope): parse+extract {whole:.2}, extract alone {alone:.2} ({})",
        if whole <= 1.15 && alone <= 1.15 {
            "linear"
        } else {
            "CHECK: faster than linear"
        }
    );
}

/// The least-squares slope of log(time) over log(size).
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let xs: Vec<f64> = points.iter().map(|p| p.0.ln()).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1.ln()).collect();
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    cov / var
}
