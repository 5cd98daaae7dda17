//! The conventions of a command-line tool, through the real binary: a closed pipe ends it
//! quietly, `check-config` changes nothing, a misspelt CODEDESK_* variable is named, logs carry
//! no colour codes off a terminal, an unreachable PostgreSQL is named with the cause within
//! seconds, and the search index is never rebuilt without a word.

mod common;

use common::{TempDir, sample};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn codedesk(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codedesk"));
    cmd.current_dir(dir)
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_INDEX_DIR")
        .env_remove("CODEDESK_CONFIG")
        .env_remove("CODEDESK_LOG");
    cmd
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A folder with the sample imported into `codedesk.db` and `codedesk-index`.
fn imported() -> TempDir {
    let dir = TempDir::new("conventions");
    let out = codedesk(dir.path())
        .arg("import")
        .arg(sample())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    dir
}

/// Every file below `dir` with its size and contents' digest (folders as such too).
fn snapshot(dir: &Path) -> BTreeMap<String, (u64, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            if path.is_dir() {
                out.insert(format!("{name}/"), (0, Vec::new()));
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(name, (bytes.len() as u64, bytes));
            }
        }
    }
    out
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = imported();
    // Far more output than a pipe holds, so the command writes after the reader is gone.
    let mut cmd = codedesk(dir.path());
    cmd.arg("lookup");
    for _ in 0..400 {
        cmd.args(["M54.16", "J1030", "S72.001A"]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader (like `head -1`) is dropped here: the pipe is closed.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!first.is_empty());
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.signal() == Some(libc_sigpipe()) || out.status.success(),
        "ended by SIGPIPE as Unix tools are, not a panic: {:?}",
        out.status
    );

    // The same through a shell, as a user types it.
    let search = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} search --limit 500 --json fracture | head -c 20 >/dev/null; echo \"status ${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_codedesk")
        ))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_INDEX_DIR")
        .env_remove("CODEDESK_CONFIG")
        .output()
        .unwrap();
    let printed = text(&search);
    assert!(
        printed.contains("status 141") || printed.contains("status 0"),
        "{printed}"
    );
    assert!(!printed.contains("panicked"), "{printed}");
}

fn libc_sigpipe() -> i32 {
    13
}

#[test]
fn check_config_changes_nothing() {
    // An empty folder stays empty: no database, index, Maildir or outbox folder is created.
    let empty = TempDir::new("check-empty");
    let out = codedesk(empty.path()).arg("check-config").output().unwrap();
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(printed.contains("does not exist yet"), "{printed}");
    assert_eq!(snapshot(empty.path()), BTreeMap::new(), "{printed}");

    // A database file that codedesk never opened is not migrated.
    std::fs::write(empty.path().join("codedesk.db"), b"").unwrap();
    let out = codedesk(empty.path()).arg("check-config").output().unwrap();
    let printed = text(&out);
    assert!(printed.contains("schema migrations to apply"), "{printed}");
    let after = snapshot(empty.path());
    assert_eq!(after.len(), 1, "{after:?}\n{printed}");
    assert_eq!(after["codedesk.db"].0, 0, "the empty database stays empty");

    // An imported folder: the database, the index and every other file stay byte for byte.
    let dir = imported();
    let before = snapshot(dir.path());
    let out = codedesk(dir.path()).arg("check-config").output().unwrap();
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    assert!(printed.contains("schema is up to date"), "{printed}");
    assert!(
        printed.contains("codes in index codedesk-index"),
        "{printed}"
    );
    let after = snapshot(dir.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{printed}"
    );
    for (name, (size, bytes)) in &before {
        assert!(
            after[name].0 == *size && after[name].1 == *bytes,
            "{name} changed"
        );
    }
}

#[test]
fn check_config_names_the_desk_zone_and_refuses_a_wrong_one() {
    let dir = TempDir::new("check-zone");
    let out = codedesk(dir.path())
        .env("CODEDESK_DESK_TIMEZONE", "America/Chicago")
        .arg("check-config")
        .output()
        .unwrap();
    let printed = text(&out);
    assert!(
        printed.contains("ok      time zone: America/Chicago ([desk] timezone); now "),
        "{printed}"
    );
    assert!(
        printed.contains(" CST") || printed.contains(" CDT"),
        "{printed}"
    );
    let out = codedesk(dir.path())
        .env("CODEDESK_DESK_TIMEZONE", "Chicago time")
        .arg("check-config")
        .output()
        .unwrap();
    let printed = text(&out);
    assert!(!out.status.success(), "{printed}");
    assert!(
        printed.contains("[desk] timezone = \"Chicago time\"")
            && printed.contains("\"America/Chicago\""),
        "the error names the key and an example: {printed}"
    );
}

#[test]
fn check_config_names_the_staff_mail_and_refuses_a_bad_setting_by_its_key() {
    let dir = TempDir::new("check-notify");
    let out = codedesk(dir.path())
        .env("CODEDESK_NOTIFY_TO", "[\"coders@example.org\"]")
        .env("CODEDESK_NOTIFY_PAGE_URL", "https://desk.example.org")
        .env("CODEDESK_POLICY_ANSWER_WITHIN", "4h")
        .arg("check-config")
        .output()
        .unwrap();
    let printed = text(&out);
    assert!(
        printed.contains("ok      staff mail: 1 address(es), one mail per held case; held cases due after 4h of business time (mon tue wed thu fri 08:00-17:00)"),
        "{printed}"
    );
    for (key, value, named) in [
        (
            "CODEDESK_NOTIFY_DIGEST_EVERY",
            "half an hour",
            "[notify] digest_every",
        ),
        ("CODEDESK_NOTIFY_MODE", "hourly", "hourly"),
        ("CODEDESK_CALENDAR_HOURS", "9 to 5", "[calendar] hours"),
    ] {
        let out = codedesk(dir.path())
            .env(key, value)
            .arg("check-config")
            .output()
            .unwrap();
        let printed = text(&out);
        assert!(!out.status.success(), "{key}: {printed}");
        assert!(printed.contains(named), "{key}: {printed}");
    }
}

#[test]
fn check_config_does_not_migrate_a_postgres_database() {
    use sqlx::Connection;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = common::postgres_admin_url();
    let name = format!("codedesk_check_{}", std::process::id());
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap().to_string();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
    });
    let dir = TempDir::new("check-pg");
    let out = codedesk(dir.path())
        .args(["--db", &format!("{base}/{name}"), "check-config"])
        .output()
        .unwrap();
    let printed = text(&out);
    assert!(printed.contains("schema migrations to apply"), "{printed}");
    let tables: i64 = rt.block_on(async {
        let mut conn = sqlx::AnyConnection::connect(&format!("{base}/{name}"))
            .await
            .unwrap();
        let (n,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        let mut admin_conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin_conn)
            .await
            .unwrap();
        n
    });
    assert_eq!(tables, 0, "check-config created tables: {printed}");
}

#[test]
fn an_unknown_codedesk_variable_is_named() {
    let dir = TempDir::new("unknown-var");
    let out = codedesk(dir.path())
        .env("CODEDESK_DATABSE_URL", "sqlite://other.db")
        .args(["init"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // init reads no config; a command that does warns.
    let out = codedesk(dir.path())
        .env("CODEDESK_DATABSE_URL", "sqlite://other.db")
        .env("CODEDESK_IMAP_PASSWORD", "not shown")
        .args(["queue"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stderr.contains("CODEDESK_DATABSE_URL") && stderr.contains("no such variable"),
        "{stderr}"
    );
    // The password variable the config names is known, and no value is ever printed.
    assert!(!stderr.contains("CODEDESK_IMAP_PASSWORD"), "{stderr}");
    assert!(
        !stderr.contains("not shown") && !stderr.contains("other.db"),
        "{stderr}"
    );
}

#[test]
fn logs_off_a_terminal_carry_no_colour_codes() {
    let dir = imported();
    std::fs::remove_dir_all(dir.path().join("codedesk-index")).unwrap();
    let out = codedesk(dir.path())
        .env("CODEDESK_LOG", "info")
        .env_remove("NO_COLOR")
        .args(["lookup", "J1030"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", text(&out));
    assert!(stderr.contains("INFO"), "some log line: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "no escape codes: {stderr:?}");
}

#[test]
fn a_lookup_never_rebuilds_the_index_without_a_word() {
    let dir = imported();
    // After an import the index is built: a lookup says nothing on stderr.
    let out = codedesk(dir.path())
        .args(["lookup", "J1030"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // Without it, the lookup says it rebuilds it and what it found.
    std::fs::remove_dir_all(dir.path().join("codedesk-index")).unwrap();
    let out = codedesk(dir.path())
        .args(["lookup", "J1030"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stderr.contains("search index codedesk-index is missing: rebuilding"),
        "{stderr}"
    );
    assert!(stderr.contains("rebuilt:"), "{stderr}");
}

#[test]
fn an_unreachable_postgres_is_named_with_the_cause_within_seconds() {
    let dir = TempDir::new("pg-unreachable");
    // A server that takes the connection and never answers (as a host whose packets are
    // dropped never does), and a port nothing listens on.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let refused_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for (port, cause) in [
        (silent_port, "no answer within 5 s"),
        (refused_port, "refused"),
    ] {
        let url = format!("postgres://codedesk:secret@127.0.0.1:{port}/codedesk");
        let started = Instant::now();
        let out = codedesk(dir.path())
            .args(["--db", &url, "queue"])
            .output()
            .unwrap();
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("port {port}: {took:?}: {}", stderr.trim());
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        // The 5 s connect limit, not the pool's 30 s acquire timeout (a generous bound: a busy
        // machine starts the process slowly).
        assert!(took < Duration::from_secs(25), "{took:?}: {stderr}");
        assert!(
            stderr.contains(&format!("cannot connect to PostgreSQL at 127.0.0.1:{port}")),
            "{stderr}"
        );
        assert!(stderr.to_lowercase().contains(cause), "{stderr}");
        assert!(!stderr.contains("secret"), "{stderr}");
    }
    drop(silent);
}
