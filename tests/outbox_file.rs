//! The file outbox: one `<message-id>.eml` per Message-ID, written atomically, replaced by a
//! re-send, refused without a Message-ID.

use codedesk::config::OutboxConfig;
use codedesk::outbox::{Envelope, Outbox, OutboxOptions, SendError};

fn folder() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "codedesk-outbox-file-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    dir.join("outbox") // not created yet: the first send makes it
}

fn reply(id: &str, body: &str) -> Vec<u8> {
    format!("From: consult@example.test\r\nTo: a@example.test\r\nMessage-ID: <{id}>\r\nSubject: Re: q\r\n\r\n{body}\r\n")
        .into_bytes()
}

#[tokio::test]
async fn writes_one_file_per_message_id_and_a_resend_replaces_it() {
    let dir = folder();
    let config = OutboxConfig {
        path: dir.clone(),
        ..OutboxConfig::default()
    };
    let outbox = Outbox::open(&config, OutboxOptions::default()).unwrap();
    let envelope = Envelope::new(Some("consult@example.test"), &["a@example.test"]).unwrap();

    outbox
        .send(&reply("one@codedesk.test", "first"), &envelope)
        .await
        .unwrap();
    let again = reply("one@codedesk.test", "second");
    let delivered = outbox.send(&again, &envelope).await.unwrap();
    assert!(
        delivered.receipt.contains("one@codedesk.test.eml"),
        "{}",
        delivered.receipt
    );
    outbox
        .send(&reply("two@codedesk.test", "other"), &envelope)
        .await
        .unwrap();

    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["one@codedesk.test.eml", "two@codedesk.test.eml"]);
    assert_eq!(
        std::fs::read(dir.join("one@codedesk.test.eml")).unwrap(),
        again
    );

    let err = outbox
        .send(b"Subject: no id\r\n\r\nbody\r\n", &envelope)
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::Invalid { .. }), "{err:?}");
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

/// Replies carry patient information: the outbox folder is 0700 and each message 0600,
/// whatever the umask (security finding 9).
#[tokio::test]
async fn outbox_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder();
    let config = OutboxConfig {
        path: dir.clone(),
        ..OutboxConfig::default()
    };
    let outbox = Outbox::open(&config, OutboxOptions::default()).unwrap();
    let envelope = Envelope::new(Some("consult@example.test"), &["a@example.test"]).unwrap();
    outbox
        .send(&reply("private@codedesk.test", "Dx M54.16"), &envelope)
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "outbox folder");
    for f in std::fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}
