//! `GET /healthz` on the page's address, without a login, on both engines: 200 and a small JSON
//! body when the database, mailbox and outbox are reachable; 503 naming the failed check (and no
//! host or error text) when a mailbox ([mailbox] or [mailboxes.*]) is not; results kept for a
//! few seconds.

mod common;

use codedesk::config::{Config, TlsMode};
use codedesk::web::{AppState, router};
use common::{ENGINES, TempDir, TestDb};
use std::io::{Read, Write};

async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let path = path.to_string();
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let code = text[9..12].parse().unwrap();
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (code, body)
    })
    .await
    .unwrap()
}

async fn serve(state: AppState) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(state)).await.unwrap() });
    addr
}

#[tokio::test]
async fn healthz_is_ok_when_everything_is_reachable_and_names_what_is_not() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let dir = TempDir::new("health");
        let mut config = Config::default();
        config.mailbox.path = dir.path().join("inbox");
        config.outbox.path = dir.path().join("outbox");
        let addr = serve(AppState::new(db.store.clone(), config.clone())).await;
        let (code, body) = get(addr, "/healthz").await;
        assert_eq!(code, 200, "{engine:?}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "ok");
        assert_eq!(json["database"], true);
        assert_eq!(json["mailbox"], true);
        assert_eq!(json["outbox"], true);
        assert_eq!(json["failed"], serde_json::json!([]));

        // An IMAP server that takes the connection, answers only after 1.5 s, and then not
        // with a greeting: each check of it is slow, so the kept result below shows.
        let slow = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let slow_port = slow.local_addr().unwrap().port();
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = slow.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    use tokio::io::AsyncWriteExt;
                    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                    let _ = conn.write_all(b"* BYE not today\r\n").await;
                });
            }
        });
        let password = dir.path().join("password");
        std::fs::write(&password, "secret-pw-123\n").unwrap();
        let mut bad = config.clone();
        bad.mailbox.kind = "imap".into();
        bad.mailbox.server.host = "127.0.0.1".into();
        bad.mailbox.server.port = slow_port;
        bad.mailbox.server.tls = TlsMode::None;
        bad.mailbox.server.username = "consult@clinic.example".into();
        bad.mailbox.server.password_file = Some(password);
        let addr = serve(AppState::new(db.store.clone(), bad)).await;
        let started = std::time::Instant::now();
        let (code, body) = get(addr, "/healthz").await;
        assert_eq!(code, 503, "{engine:?}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "failed");
        assert_eq!(json["database"], true);
        assert_eq!(json["mailbox"], false);
        assert_eq!(json["outbox"], true);
        assert_eq!(json["failed"], serde_json::json!(["mailbox"]));
        for secret in ["127.0.0.1", "consult@", "secret-pw", "refused"] {
            assert!(!body.contains(secret), "{body}");
        }
        let first = started.elapsed();
        assert!(
            first >= std::time::Duration::from_millis(1400)
                && first < std::time::Duration::from_secs(10),
            "{engine:?}: the first check waits for the slow server: {first:?}"
        );
        let checks = connections.load(std::sync::atomic::Ordering::SeqCst);
        assert!(checks >= 1, "{engine:?}: the check reached the server");

        // A burst of requests is answered from the kept result, at once, without asking the
        // server again (each new check would take 1.5 s and one more connection).
        let burst = std::time::Instant::now();
        for _ in 0..5 {
            let (code, again) = get(addr, "/healthz").await;
            assert_eq!((code, again), (503, body.clone()));
        }
        eprintln!("{engine:?}: five kept answers took {:?}", burst.elapsed());
        assert_eq!(
            connections.load(std::sync::atomic::Ordering::SeqCst),
            checks,
            "{engine:?}: the burst did not check again"
        );

        // A second consult mailbox ([mailboxes.north]) that cannot be reached fails the check
        // although [mailbox] itself is fine.
        let mut two = config.clone();
        two.mailboxes.insert(
            "north".into(),
            codedesk::config::ExtraMailbox {
                kind: Some("imap".into()),
                host: Some("127.0.0.1".into()),
                port: Some(1),
                tls: Some(TlsMode::None),
                username: Some("north@clinic.example".into()),
                password_file: Some(dir.path().join("password")),
                address: Some("north@clinic.example".into()),
                from: Some("North <north@clinic.example>".into()),
                ..Default::default()
            },
        );
        let addr = serve(AppState::new(db.store.clone(), two)).await;
        let (code, body) = get(addr, "/healthz").await;
        assert_eq!(code, 503, "{engine:?}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["failed"], serde_json::json!(["mailbox"]), "{body}");
        assert!(!body.contains("north"), "{body}");
    }
}
