//! The staff page's queue with 100,000 cases in SQLite: time from request to the last byte of the
//! page over real HTTP on loopback, for the default view (held), a large state (sent), every
//! state, a deep page, and a search. Target: under 100 ms each (issue 6).
//!
//! Run with `cargo bench --bench web_queue` (or `cargo test --release --bench web_queue`);
//! CASES=N changes the number of cases.

use codedesk::config::Config;
use codedesk::store::Store;
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::token_digest, router};
use sqlx::Connection;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Fills `mail_case` with `n` cases in one transaction: 2% held, 1% failed, 7% ignored, the rest
/// sent, one a minute, each with a small question and reply.
async fn fill(url: &str, n: usize) {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let start = 1_700_000_000i64;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut sql = String::from(
            "INSERT INTO mail_case (mailbox, uidvalidity, uid, message_id, raw_size, sender, \
             subject, state, reason, reply_text, received_at, updated_at, sent_at) VALUES ",
        );
        for (k, i) in chunk.iter().enumerate() {
            let (state, reason, sent) = match i % 100 {
                0 | 1 => ("held", "'confidence unsure'", "NULL".to_string()),
                2 => ("failed", "'550 mailbox unavailable'", "NULL".to_string()),
                3..=9 => ("ignored", "'auto-reply'", "NULL".to_string()),
                _ => ("sent", "NULL", (start + *i as i64 * 60 + 90).to_string()),
            };
            if k > 0 {
                sql.push(',');
            }
            let at = start + *i as i64 * 60;
            sql.push_str(&format!(
                "('bench', 1, {i}, 'q{i}@clinic.example', 120, 'pat{p}@clinic{c}.example', \
                 'Question {i}: is 9921{d} right with modifier 25?', '{state}', {reason}, \
                 'Answer {i}: 9921{d} is an office visit; J06.9 supports it.', {at}, {at}, {sent})",
                p = i % 5000,
                c = i % 50,
                d = i % 6,
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    sqlx::query("INSERT INTO case_body (case_id, raw) SELECT id, X'53756264656374' FROM mail_case")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    conn.close().await.unwrap();
}

/// One GET over a fresh connection; the status line and the body length.
async fn get(addr: std::net::SocketAddr, path: &str, cookie: &str) -> (String, usize) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: codedesk_session={cookie}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    (text.lines().next().unwrap_or("").to_string(), buf.len())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::var("CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("codedesk-bench-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/bench.db", dir.display());
    let store = Store::connect(&url).await.unwrap();
    let t = Instant::now();
    fill(&url, n).await;
    println!("filled {n} cases in {:.1} s", t.elapsed().as_secs_f64());
    let user = staff::create_user(&store, "bench@clinic.example", Role::Staff, "x")
        .await
        .unwrap();
    let token = "benchmark-session-token";
    staff::create_session(
        &store,
        &token_digest(token),
        user,
        "csrf",
        "2999-01-01T00:00:00Z",
    )
    .await
    .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(AppState::new(store.clone(), Config::default()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let views = [
        ("held (default)", "/".to_string()),
        ("sent", "/?state=sent".to_string()),
        ("all states", "/?state=all".to_string()),
        (
            "sent, page at case 50,000",
            format!("/?state=sent&before={}", n / 2),
        ),
        ("search sender", "/?state=all&q=pat1234%40".to_string()),
        ("search code", "/?state=sent&q=J06.9".to_string()),
    ];
    println!(
        "queue page, {n} cases in SQLite, over HTTP on loopback (20 requests each after 3 warm-up):"
    );
    let mut worst = Duration::ZERO;
    for (name, path) in &views {
        for _ in 0..3 {
            get(addr, path, token).await;
        }
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let (status, len) = get(addr, path, token).await;
            times.push(t.elapsed());
            assert!(status.contains("200"), "{path}: {status}");
            size = len;
        }
        times.sort();
        let p50 = percentile(&times, 0.5);
        let p95 = percentile(&times, 0.95);
        worst = worst.max(p95);
        println!(
            "  {name:<28} median {:>6.1} ms  p95 {:>6.1} ms  ({} KB)",
            p50.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3,
            size / 1024
        );
    }
    println!(
        "worst p95 {:.1} ms: {}",
        worst.as_secs_f64() * 1e3,
        if worst < Duration::from_millis(100) {
            "under the 100 ms target"
        } else {
            "OVER the 100 ms target"
        }
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
