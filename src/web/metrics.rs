//! `GET /metrics` (no login): the figures of `store::metrics` in the Prometheus text exposition
//! format. Counts only: no addresses, subjects or message text.

use super::{AppState, WebError};
use crate::store::metrics::{self, Figures, LATENCY_BUCKETS};
use crate::store::workers::ImapState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// How long the figures are served again without reading the database: a scraper (or anyone,
/// as the page needs no login) hammering `/metrics` costs one scan per period.
const CACHE_FOR: Duration = Duration::from_secs(5);

/// The last figures read and when; requests wait on the lock rather than scan again.
#[derive(Debug, Default)]
pub struct MetricsCache(tokio::sync::Mutex<Option<(Instant, Figures)>>);

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, WebError> {
    let mut cached = state.metrics.0.lock().await;
    let figures = match cached.as_ref() {
        Some((at, f)) if at.elapsed() < CACHE_FOR => f.clone(),
        _ => {
            let f = metrics::figures(&state.store).await?;
            *cached = Some((Instant::now(), f.clone()));
            f
        }
    };
    drop(cached);
    let mut text = render(&figures, super::now_unix());
    render_page(&mut text, &state);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}

/// The exposition text for `f` at Unix time `now`.
pub fn render(f: &Figures, now: i64) -> String {
    let mut out = String::new();
    push_family(&mut out, "codedesk_cases", "gauge", "Cases by state.");
    for (state, n) in &f.by_state {
        let _ = writeln!(out, "codedesk_cases{{state=\"{}\"}} {n}", state.as_str());
    }
    push_family(
        &mut out,
        "codedesk_oldest_held_age_seconds",
        "gauge",
        "Seconds since the longest-waiting held case was received (0: nothing held).",
    );
    let age = f.oldest_held_received_at.map_or(0, |at| (now - at).max(0));
    let _ = writeln!(out, "codedesk_oldest_held_age_seconds {age}");
    push_family(
        &mut out,
        "codedesk_replies_sent_total",
        "counter",
        "Replies the SMTP server accepted.",
    );
    let _ = writeln!(out, "codedesk_replies_sent_total {}", f.sent);
    push_family(
        &mut out,
        "codedesk_send_failures_total",
        "counter",
        "Send attempts that failed: transient (retried later) or permanent (failed for staff).",
    );
    let _ = writeln!(
        out,
        "codedesk_send_failures_total{{class=\"transient\"}} {}",
        f.send_retries
    );
    let _ = writeln!(
        out,
        "codedesk_send_failures_total{{class=\"permanent\"}} {}",
        f.send_failures
    );
    push_family(
        &mut out,
        "codedesk_reply_latency_seconds",
        "histogram",
        "Seconds from a question stored to its reply accepted by the SMTP server.",
    );
    for (bound, n) in LATENCY_BUCKETS.iter().zip(&f.latency_buckets) {
        let _ = writeln!(
            out,
            "codedesk_reply_latency_seconds_bucket{{le=\"{bound}\"}} {n}"
        );
    }
    let _ = writeln!(
        out,
        "codedesk_reply_latency_seconds_bucket{{le=\"+Inf\"}} {}",
        f.sent
    );
    let _ = writeln!(out, "codedesk_reply_latency_seconds_sum {}", f.latency_sum);
    let _ = writeln!(out, "codedesk_reply_latency_seconds_count {}", f.sent);
    render_workers(&mut out, f);
    out
}

/// The workers' figures: how many are alive, their mailbox connections, the ingest leases.
fn render_workers(out: &mut String, f: &Figures) {
    let owners: std::collections::BTreeSet<&str> =
        f.workers.iter().map(|w| w.owner.as_str()).collect();
    let mailboxes: std::collections::BTreeSet<&str> =
        f.workers.iter().map(|w| w.mailbox.as_str()).collect();
    push_family(
        out,
        "codedesk_workers",
        "gauge",
        "Workers heard from in the last 30 seconds.",
    );
    let _ = writeln!(out, "codedesk_workers {}", owners.len());
    push_family(
        out,
        "codedesk_imap_connections",
        "gauge",
        "Live workers by mailbox and connection state (standby: another worker holds the ingest lease).",
    );
    for mailbox in &mailboxes {
        for state in ImapState::ALL {
            let n = f
                .workers
                .iter()
                .filter(|w| w.mailbox == *mailbox && w.imap_state == state.as_str())
                .count();
            let _ = writeln!(
                out,
                "codedesk_imap_connections{{mailbox=\"{}\",state=\"{}\"}} {n}",
                label(mailbox),
                state.as_str()
            );
        }
    }
    push_family(
        out,
        "codedesk_ingest_lease_held",
        "gauge",
        "1 when a live worker holds the mailbox's ingest lease and reads it, else 0.",
    );
    for mailbox in &mailboxes {
        let held = f
            .workers
            .iter()
            .any(|w| w.mailbox == *mailbox && w.ingest_lease);
        let _ = writeln!(
            out,
            "codedesk_ingest_lease_held{{mailbox=\"{}\"}} {}",
            label(mailbox),
            u8::from(held)
        );
    }
}

/// This page process's own figures: password checks and refused logins and connections.
fn render_page(out: &mut String, state: &AppState) {
    let gate = &state.login_gate;
    let figures = [
        (
            "codedesk_password_checks_running",
            "gauge",
            "Login password checks running now.",
            gate.running() as u64,
        ),
        (
            "codedesk_password_checks_peak",
            "gauge",
            "The most login password checks that ran at once since the page started.",
            gate.peak() as u64,
        ),
        (
            "codedesk_logins_refused_busy_total",
            "counter",
            "Logins answered 503 because [web] password_check_queue was full.",
            gate.refused(),
        ),
        (
            "codedesk_web_connections_refused_total",
            "counter",
            "Connections answered 503 and closed because [web] max_connections were open.",
            state
                .connections_refused
                .load(std::sync::atomic::Ordering::Relaxed),
        ),
    ];
    for (name, kind, help, value) in figures {
        push_family(out, name, kind, help);
        let _ = writeln!(out, "{name} {value}");
    }
}

/// A label value escaped for the exposition format.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn push_family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}
