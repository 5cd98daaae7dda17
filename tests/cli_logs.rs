//! `--log-format json`: every log line the binary writes is one JSON object with a level and a
//! message, and no message text, address or password from the mail it handled.

mod common;

use std::process::{Command, Stdio};

#[test]
fn json_logs_are_one_object_per_line_without_mail_contents() {
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
    for secret in ["pat.secret", "Jane Roe", "99213 billable"] {
        assert!(!stderr.contains(secret), "{secret} in the logs:\n{stderr}");
    }
}
