//! Retention deletes the local copies too (security finding 8): `codedesk worker --once` with
//! `[retention] purge_after` removes processed Maildir messages and file-outbox replies older than
//! the age and keeps newer ones.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

/// Sets a file's modification time to `secs` after 1970.
fn age(path: &Path, secs: i64) {
    let ok = Command::new("touch")
        .arg("-m")
        .arg("-d")
        .arg(format!("@{secs}"))
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "touch {}", path.display());
}

#[test]
fn the_worker_deletes_old_local_copies_of_mail() {
    let dir = common::TempDir::new("retention-files");
    let inbox = dir.path().join("mail/inbox");
    let outbox = dir.path().join("mail/outbox");
    for sub in ["new", "cur", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    std::fs::create_dir_all(&outbox).unwrap();
    let write = |p: &Path, text: &str, when: Option<i64>| {
        std::fs::write(p, text).unwrap();
        if let Some(t) = when {
            age(p, t);
        }
    };
    let old_read = inbox.join("cur/1000.a:2,S");
    let new_read = inbox.join("cur/9000.b:2,S");
    let old_sent = inbox.join(".Sent/cur/1000.c:2,S");
    let old_reply = outbox.join("codedesk.CD-1.1@desk.eml");
    let new_reply = outbox.join("codedesk.CD-2.2@desk.eml");
    let other = outbox.join("notes.txt");
    write(
        &old_read,
        "Subject: old question\r\n\r\nDx M54.16\r\n",
        Some(1_000),
    );
    write(
        &new_read,
        "Subject: new question\r\n\r\nDx M54.16\r\n",
        None,
    );
    write(
        &old_sent,
        "Subject: Re: old\r\n\r\nM54.16 is\r\n",
        Some(1_000),
    );
    write(
        &old_reply,
        "Subject: Re: old\r\n\r\nM54.16 is\r\n",
        Some(1_000),
    );
    write(&new_reply, "Subject: Re: new\r\n\r\nM54.16 is\r\n", None);
    write(&other, "not a reply", Some(1_000));
    std::fs::write(
        dir.path().join("codedesk.toml"),
        "[retention]\npurge_after = \"90d\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .arg("--db")
        .arg(format!("sqlite://{}/c.db", dir.path().display()))
        .arg("--index")
        .arg(dir.path().join("index"))
        .args(["worker", "--once"])
        .current_dir(dir.path())
        .env_remove("CODEDESK_CONFIG")
        .env("CODEDESK_LOG", "codedesk=info")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(
        !old_read.exists(),
        "an old processed question is kept:\n{log}"
    );
    assert!(!old_sent.exists(), "an old Sent copy is kept");
    assert!(
        !old_reply.exists(),
        "an old reply in the file outbox is kept"
    );
    assert!(
        new_read.exists() && new_reply.exists(),
        "newer copies are deleted"
    );
    assert!(other.exists(), "a file that is not a reply is deleted");
}
