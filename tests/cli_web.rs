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
    let repeated = codedesk(&dir, &["user", "add", "c@clinic.example"], "aaaaaaaaaaaa\n");
    assert!(String::from_utf8_lossy(&repeated.stderr).contains("repeated"));
    let admin = codedesk(
        &dir,
        &["user", "add", "d@clinic.example", "--role", "admin"],
        "eleven char\n",
    );
    assert!(String::from_utf8_lossy(&admin.stderr).contains("at least 12 characters"));
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
        "lead@clinic.example\tadmin\tenabled\tall desks\n"
    );
    // Staff may be limited to desks the config names (security finding 9).
    let unknown = codedesk(
        &dir,
        &["user", "desks", "lead@clinic.example", "billing"],
        "",
    );
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("there is no desk \"billing\""),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    let limited = codedesk(
        &dir,
        &["user", "desks", "lead@clinic.example", "default"],
        "",
    );
    assert!(limited.status.success(), "{limited:?}");
    let list = codedesk(&dir, &["user", "list"], "");
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        "lead@clinic.example\tadmin\tenabled\tdefault\n"
    );
    assert!(
        codedesk(&dir, &["user", "desks", "lead@clinic.example"], "")
            .status
            .success()
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

#[test]
fn serve_runs_the_worker_and_the_page_together_and_stops_on_sigterm() {
    let dir = TempDir::new("cli-serve");
    let import = codedesk(&dir, &["import", common::sample().to_str().unwrap()], "");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("new")).unwrap();
    std::fs::write(
        inbox.join("new/1.eml"),
        "From: Pat <pat@clinic.example>\r\nTo: desk@codedesk.example\r\nSubject: Office visit\r\n\
         Message-ID: <serve-1@clinic.example>\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\n\
         Can I bill 99214-25 with 96372 today?\r\n",
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.path().join("codedesk.toml"),
        format!(
            "[mailbox]\nkind = \"maildir\"\npath = \"{}\"\n[outbox]\nkind = \"file\"\npath = \"{}\"\n\
             from = \"desk@codedesk.example\"\n[policy]\nreview = \"always\"\n[web]\nlisten = \"127.0.0.1:{port}\"\n\
             [reply]\ntemplates = \"{}\"\n",
            inbox.display(),
            dir.path().join("outbox").display(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_CONFIG")
        .arg("serve")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The page answers, and the worker holds the question for review (review = "always").
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut page = String::new();
    let mut held = String::new();
    while std::time::Instant::now() < deadline {
        if page.is_empty() {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                s.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .unwrap();
                s.read_to_string(&mut page).unwrap();
            }
        }
        let queue = codedesk(&dir, &["queue"], "");
        held = String::from_utf8_lossy(&queue.stdout).into_owned();
        if !page.is_empty() && held.contains(" held ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(
        page.starts_with("HTTP/1.1 200"),
        "the page answered: {page}"
    );
    assert!(
        held.contains(" held "),
        "the worker held the question: {held}"
    );
    assert!(status.success(), "serve exits 0 on SIGTERM: {status:?}");
}

/// Senders set on the admin page (stored in the database) steer the worker over the file's.
#[test]
fn the_worker_follows_the_senders_staff_set_on_the_page() {
    let dir = TempDir::new("cli-senders");
    let import = codedesk(&dir, &["import", common::sample().to_str().unwrap()], "");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("new")).unwrap();
    for (n, from) in [(1, "pat@clinic.example"), (2, "sam@clinic.example")] {
        std::fs::write(
            inbox.join(format!("new/{n}.eml")),
            format!(
                "From: {from}\r\nTo: desk@codedesk.example\r\nSubject: Office visit {n}\r\n\
                 Message-ID: <senders-{n}@clinic.example>\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\n\
                 Can I bill 99214-25 with 96372 today?\r\n"
            ),
        )
        .unwrap();
    }
    // The file makes the whole domain members; the page blocks one of them.
    std::fs::write(
        dir.path().join("codedesk.toml"),
        format!(
            "[mailbox]\nkind = \"maildir\"\npath = \"{}\"\n[outbox]\nkind = \"file\"\npath = \"{}\"\n\
             from = \"desk@codedesk.example\"\n[policy]\nreview = \"never\"\n\
             [senders]\nmembers = [\"clinic.example\"]\n[reply]\ntemplates = \"{}\"\n",
            inbox.display(),
            dir.path().join("outbox").display(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
        ),
    )
    .unwrap();
    let url = format!("sqlite://{}", dir.path().join("codedesk.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = codedesk::store::Store::connect(&url).await.unwrap();
        codedesk::store::staff::set_senders(
            &store,
            &["clinic.example".to_string()],
            &["pat@clinic.example".to_string()],
            3,
            "admin@clinic.example",
        )
        .await
        .unwrap();
    });
    let run = codedesk(&dir, &["worker", "--once"], "");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cases = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = codedesk::store::Store::connect(&url).await.unwrap();
        codedesk::store::cases::list(&store, &Default::default())
            .await
            .unwrap()
    });
    let state_of = |from: &str| {
        cases
            .iter()
            .find(|c| c.sender.as_deref() == Some(from))
            .map(|c| (c.state, c.reason.clone().unwrap_or_default()))
            .unwrap_or_else(|| panic!("no case from {from}: {cases:?}"))
    };
    let (blocked, why) = state_of("pat@clinic.example");
    assert_eq!(blocked, codedesk::store::cases::CaseState::Ignored, "{why}");
    assert!(why.contains("blocked"), "the reason names the block: {why}");
    let (member, _) = state_of("sam@clinic.example");
    assert_eq!(member, codedesk::store::cases::CaseState::Sent);
}
