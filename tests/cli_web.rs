//! `codedesk user` and `codedesk web` as an operator runs them: the real binary, the password on
//! stdin (never an argument), and the page answering on the configured address.

mod common;

use common::TempDir;
use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

fn codedesk(dir: &TempDir, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_CONFIG")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run codedesk");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn user_add_passwd_and_list_read_the_password_from_stdin() {
    let dir = TempDir::new("cli-user");
    let add = codedesk(
        &dir,
        &["user", "add", "Lead@Clinic.example", "--role", "admin"],
        "a good long password\n",
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let again = codedesk(
        &dir,
        &["user", "add", "lead@clinic.example"],
        "another password 1\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let short = codedesk(&dir, &["user", "add", "b@clinic.example"], "short\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let pw = codedesk(
        &dir,
        &["user", "passwd", "lead@clinic.example"],
        "a new long password\n",
    );
    assert!(
        pw.status.success(),
        "{}",
        String::from_utf8_lossy(&pw.stderr)
    );
    let missing = codedesk(
        &dir,
        &["user", "passwd", "nobody@clinic.example"],
        "a new long password\n",
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("user add"));
    let list = codedesk(&dir, &["user", "list"], "");
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        "lead@clinic.example\tadmin\tenabled\n"
    );
    // The database holds an argon2id hash, never the password.
    // (Read the WAL too: the last write may not be checkpointed into the main file yet.)
    let mut bytes = std::fs::read(dir.path().join("codedesk.db")).unwrap();
    bytes.extend(std::fs::read(dir.path().join("codedesk.db-wal")).unwrap_or_default());
    let db = String::from_utf8_lossy(&bytes);
    assert!(db.contains("$argon2id$") && !db.contains("a new long password"));
}

#[test]
fn web_serves_the_login_page_on_the_configured_address_with_security_headers() {
    let dir = TempDir::new("cli-web");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("codedesk.toml"),
        format!("[web]\nlisten = \"127.0.0.1:{port}\"\n"),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_CONFIG")
        .arg("web")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut response = String::new();
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            s.read_to_string(&mut response).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // SIGTERM: the page stops cleanly.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(lower.contains("content-security-policy: default-src 'none'"));
    assert!(
        lower.contains("x-frame-options: deny") && lower.contains("referrer-policy: no-referrer")
    );
    assert!(
        lower.contains("set-cookie: codedesk_login_csrf=")
            && lower.contains("httponly; samesite=strict")
    );
    assert!(
        !lower.contains("; secure"),
        "no Secure flag on loopback by default"
    );
    assert!(
        status.success(),
        "codedesk web exits 0 on SIGTERM: {status:?}"
    );
}
