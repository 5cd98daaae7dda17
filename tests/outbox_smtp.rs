//! The SMTP outbox against the real Postfix of `scripts/mail-rig`: submission with STARTTLS and
//! AUTH (2587) and implicit TLS (2465) arrive byte for byte in the recipient's INBOX; a relay
//! refusal is permanent with the server's words, a wrong password is an auth error, a server
//! that is down is transient.

mod rig;

use codedesk::config::TlsMode;
use codedesk::outbox::{Envelope, Outbox, OutboxOptions, SendError};
use futures::TryStreamExt;
use rig::{message, rig, unique};
use std::time::{Duration, Instant};

fn outbox(user: &str, port: u16, tls: TlsMode) -> Outbox {
    Outbox::open(
        &rig().smtp_config(user, port, tls),
        OutboxOptions::default(),
    )
    .unwrap()
}

/// Waits until `user`'s INBOX holds a message with this Message-ID; returns its bytes.
async fn arrived(user: &str, message_id: &str) -> Vec<u8> {
    let mut peek = rig().peek(user).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        peek.select("INBOX").await.unwrap();
        let found = peek
            .uid_search(format!("HEADER Message-ID \"{message_id}\""))
            .await
            .unwrap();
        if let Some(uid) = found.into_iter().next() {
            let fetched: Vec<_> = peek
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            peek.logout().await.unwrap();
            return fetched[0].body().unwrap().to_vec();
        }
        assert!(Instant::now() < deadline, "{message_id} did not arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn send_and_check(port: u16, tls: TlsMode) {
    let from = rig().user("sender");
    let to = rig().user("asker");
    let id = format!("{}@example.test", unique("reply"));
    let raw = message(
        &id,
        "Re: your question",
        "99213: office visit, established patient.",
    );
    let outbox = outbox(&from, port, tls);
    let envelope = Envelope::new(Some(&from), &[&to]).unwrap();
    let started = Instant::now();
    let delivered = outbox.send(&raw, &envelope).await.unwrap();
    let first = started.elapsed();
    assert!(
        delivered.receipt.starts_with("250"),
        "{}",
        delivered.receipt
    );
    let got = arrived(&to, &id).await;
    assert!(got.ends_with(&raw), "{}", String::from_utf8_lossy(&got));

    // The pooled connection is reused for the next message.
    let id2 = format!("{}@example.test", unique("reply"));
    let started = Instant::now();
    outbox
        .send(&message(&id2, "Re: again", "more"), &envelope)
        .await
        .unwrap();
    let second = started.elapsed();
    eprintln!("{tls:?} on {port}: first send {first:?}, second (pooled) {second:?}");
    arrived(&to, &id2).await;
}

#[tokio::test]
async fn submission_with_starttls_and_auth_arrives_in_the_recipients_inbox() {
    send_and_check(rig().submission_port, TlsMode::Starttls).await;
}

#[tokio::test]
async fn submission_over_implicit_tls_arrives_in_the_recipients_inbox() {
    send_and_check(rig().smtps_port, TlsMode::Implicit).await;
}

#[tokio::test]
async fn relay_to_another_domain_is_permanent_with_the_servers_words() {
    // Port 2525 is like an MX: plaintext to loopback is allowed, no login, no relaying.
    let mut config = rig().smtp_config("", rig().smtp_port, TlsMode::None);
    config.server.username.clear();
    let outbox = Outbox::open(&config, OutboxOptions::default()).unwrap();
    let raw = message("relay@example.test", "relay", "to elsewhere");
    let envelope =
        Envelope::new(Some("consult@example.test"), &["someone@elsewhere.test"]).unwrap();
    let err = outbox.send(&raw, &envelope).await.unwrap_err();
    match &err {
        SendError::Permanent { code, server_says } => {
            assert_eq!(*code, 554);
            assert!(server_says.contains("Relay access denied"), "{server_says}");
        }
        other => panic!("expected Permanent, got {other:?}"),
    }
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_wrong_password_is_an_auth_error() {
    let user = rig().user("smtpwrong");
    let mut config = rig().smtp_config(&user, rig().submission_port, TlsMode::Starttls);
    config.server.password_file = Some(rig().password_file("wrong-password"));
    let outbox = Outbox::open(&config, OutboxOptions::default()).unwrap();
    let envelope = Envelope::new(Some(&user), &["asker1@example.test"]).unwrap();
    let err = outbox
        .send(&message("pw@example.test", "x", "y"), &envelope)
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::Auth { code: 535, .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("as c…") && !text.contains("wrong-password"),
        "{text}"
    );
}

#[tokio::test]
async fn a_server_that_is_down_is_transient() {
    // A port nobody listens on: bind one, note it, free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let outbox = outbox("consult@example.test", port, TlsMode::Starttls);
    let envelope = Envelope::new(Some("consult@example.test"), &["asker1@example.test"]).unwrap();
    let started = Instant::now();
    let err = outbox
        .send(&message("down@example.test", "x", "y"), &envelope)
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    // Refused at once and not retried inside `send` (a hang guard, not a speed check).
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn an_untrusted_certificate_is_transient_and_says_why() {
    let user = rig().user("smtpca");
    let mut config = rig().smtp_config(&user, rig().submission_port, TlsMode::Starttls);
    config.server.ca_file = None;
    let outbox = Outbox::open(&config, OutboxOptions::default()).unwrap();
    let envelope = Envelope::new(Some(&user), &["asker1@example.test"]).unwrap();
    let err = outbox
        .send(&message("ca@example.test", "x", "y"), &envelope)
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[test]
fn plaintext_to_a_non_loopback_host_is_refused() {
    let mut config = rig().smtp_config("consult@example.test", 25, TlsMode::None);
    config.server.host = "smtp.example.test".into();
    let err = Outbox::open(&config, OutboxOptions::default()).unwrap_err();
    assert!(matches!(err, SendError::Config { .. }), "{err:?}");
}
