//! PostgreSQL over TLS, with `sslmode` and `sslrootcert` from the database URL, against the local
//! server's own test certificate (Debian's PostgreSQL runs with `ssl = on` and a self-signed
//! certificate for `localhost`): the certificate is verified when asked, a wrong root or host
//! name is refused with the host and the cause named.

mod common;

use codedesk::store::Store;
use common::{Engine, TempDir, TestDb};
use sqlx::Connection;

/// The server's certificate file, read from the server (it must have TLS on).
async fn server_certificate(url: &str) -> String {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let (ssl,): (String,) = sqlx::query_as("SHOW ssl")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        ssl, "on",
        "the test PostgreSQL has no TLS: set ssl = on with a certificate (Debian's default uses \
         /etc/ssl/certs/ssl-cert-snakeoil.pem) and reload it"
    );
    let (file,): (String,) = sqlx::query_as("SHOW ssl_cert_file")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert!(
        std::path::Path::new(&file).is_file(),
        "the server's certificate {file} is not readable here"
    );
    file
}

/// Whether the session of a connection to `url` is encrypted.
async fn encrypted(url: &str) -> bool {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let (ssl,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    ssl
}

/// A self-signed certificate of another authority, made with openssl.
fn foreign_root(dir: &TempDir) -> String {
    let cert = dir.path().join("other-ca.pem");
    let out = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes the test certificate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cert.display().to_string()
}

#[tokio::test]
async fn postgres_over_tls_verifies_the_server_certificate() {
    let db = TestDb::new(Engine::Postgres).await;
    let cert = server_certificate(&db.url).await;
    let on_localhost = db.url.replacen("@127.0.0.1:", "@localhost:", 1);
    assert_ne!(on_localhost, db.url, "the test server is on 127.0.0.1");

    // verify-full: the chain and the name (the certificate is for localhost).
    let url = format!("{on_localhost}?sslmode=verify-full&sslrootcert={cert}");
    let store = Store::connect(&url)
        .await
        .expect("TLS with a verified server");
    store.ping().await.unwrap();
    store.close().await;
    assert!(encrypted(&url).await, "the session is encrypted");
    // require: encrypted, not verified; disable: plain.
    assert!(encrypted(&format!("{}?sslmode=require", db.url)).await);
    assert!(!encrypted(&format!("{}?sslmode=disable", db.url)).await);

    // The wrong name (the address is not in the certificate) is refused, naming host and cause.
    let url = format!("{}?sslmode=verify-full&sslrootcert={cert}", db.url);
    let e = refused(&url, "127.0.0.1").await;
    assert!(e.contains("not valid for name"), "{e}");

    // A root that did not sign the server's certificate is refused.
    let dir = TempDir::new("pg-tls");
    let url = format!(
        "{on_localhost}?sslmode=verify-ca&sslrootcert={}",
        foreign_root(&dir)
    );
    refused(&url, "localhost").await;
}

/// The error of a connection codedesk refuses: it names the host and a certificate problem.
async fn refused(url: &str, host: &str) -> String {
    let e = format!("{:#}", Store::connect(url).await.unwrap_err());
    println!("{e}");
    assert!(
        e.contains(&format!("cannot connect to PostgreSQL at {host}:")),
        "{e}"
    );
    assert!(e.contains("invalid peer certificate"), "{e}");
    e
}
