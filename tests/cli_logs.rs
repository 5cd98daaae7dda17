//! `--log-format json`: every log line the binary writes is one JSON object with a level and a
//! message, and no message text, address or password from the mail it handled.

mod common;

use std::process::{Command, Stdio};

#[tokio::test]
async fn json_logs_are_one_object_per_line_without_mail_contents() {
    let dir = common::TempDir::new("json-logs");
    let inbox = dir.path().join("mail/inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    std::fs::write(
        inbox.join("new/1.eml"),
        "From: Pat Secret <pat.secret@clinic.example>\r\nTo: consult@codedesk.invalid\r\n\
         Subject: Patient Jane Roe\r\nMessage-ID: <q1@clinic.example>\r\n\r\nIs 99213 billable?\r\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .args(["--log-format", "json", "--db"])
        .arg(format!("sqlite://{}/c.db", dir.path().display()))
        .arg("--index")
        .arg(dir.path().join("index"))
        .args(["worker", "--once"])
        .current_dir(dir.path())
        .env("CODEDESK_LOG", "codedesk=info")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.iter().any(|l| l.contains("worker starting")),
        "{stderr}"
    );
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["level"].is_string() && v["message"].is_string(), "{line}");
    }
    // The mail was read and answered (the reply held for review, the default policy): the
    // log had the mail to leak.
    assert!(out.status.success(), "{stderr}");
    let store = codedesk::store::Store::connect(&format!("sqlite://{}/c.db", dir.path().display()))
        .await
        .unwrap();
    let case = codedesk::store::cases::find_by_message_id(&store, "q1@clinic.example")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the message was not stored:\n{stderr}"));
    assert_eq!(
        case.state,
        codedesk::store::cases::CaseState::Held,
        "the message was answered:\n{stderr}"
    );
    assert_eq!(case.subject.as_deref(), Some("Patient Jane Roe"));
    assert_eq!(case.reply_kind.as_deref(), Some("answer"));
    store.close().await;
    for secret in ["pat.secret", "Jane Roe", "99213 billable"] {
        assert!(!stderr.contains(secret), "{secret} in the logs:\n{stderr}");
    }
}
