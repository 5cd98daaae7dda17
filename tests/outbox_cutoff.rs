//! The SMTP outbox when a server stops answering part-way, which a real Postfix does only by
//! accident (a throttled service, a crash): a scripted server on loopback plays those moments.
//! Silence before the message's last byte is transient (nothing can have been accepted); silence
//! or a dropped connection after it is uncertain (it may have been accepted), never a failure to
//! retry; and a connection cut off mid-transaction is never used for the next message.

mod scripted_smtp;

use codedesk::config::{OutboxConfig, ServerConfig, TlsMode};
use codedesk::outbox::{Envelope, Outbox, OutboxOptions, SendError};
use scripted_smtp::{Play, scripted};
use std::time::Duration;

fn outbox(port: u16) -> Outbox {
    let config = OutboxConfig {
        kind: "smtp".into(),
        server: ServerConfig {
            host: "127.0.0.1".into(),
            port,
            tls: TlsMode::None,
            ..ServerConfig::default()
        },
        ..OutboxConfig::default()
    };
    Outbox::open(
        &config,
        OutboxOptions {
            timeout: Duration::from_millis(700),
        },
    )
    .unwrap()
}

async fn send(outbox: &Outbox, n: usize) -> Result<String, SendError> {
    let envelope = Envelope::new(Some("desk@example.test"), &["asker@example.test"]).unwrap();
    let raw = format!("Message-ID: <m{n}@desk.example.test>\r\nSubject: m{n}\r\n\r\nreply {n}\r\n");
    outbox
        .send(raw.as_bytes(), &envelope)
        .await
        .map(|d| d.receipt)
}

#[tokio::test]
async fn silence_after_the_message_is_uncertain_and_before_it_transient() {
    let script = scripted(vec![
        Play::SilentAfterDot,
        Play::CloseAfterDot,
        Play::SilentAfterMail,
    ])
    .await;
    let outbox = outbox(script.port);
    let after_dot = send(&outbox, 1).await.unwrap_err();
    assert!(
        matches!(after_dot, SendError::Uncertain { .. }),
        "{after_dot:?}"
    );
    assert!(
        !after_dot.is_transient(),
        "an uncertain send is not retried blindly"
    );
    assert!(
        after_dot
            .to_string()
            .contains("after the message was written")
    );
    let closed = send(&outbox, 2).await.unwrap_err();
    assert!(matches!(closed, SendError::Uncertain { .. }), "{closed:?}");
    let before = send(&outbox, 3).await.unwrap_err();
    assert!(before.is_transient(), "{before:?}");
}

#[tokio::test]
async fn a_connection_is_reused_after_a_clean_send_and_never_after_a_cut_off_one() {
    let script = scripted(vec![
        Play::Accept,
        Play::Accept,
        Play::SilentAfterDot,
        Play::Accept,
        Play::Accept,
    ])
    .await;
    let outbox = outbox(script.port);
    assert_eq!(send(&outbox, 1).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(send(&outbox, 2).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(
        script.connections(),
        1,
        "the second message reused the connection"
    );
    assert!(matches!(
        send(&outbox, 3).await,
        Err(SendError::Uncertain { .. })
    ));
    // The cut-off connection still owes an answer; the next message must not read it.
    assert_eq!(send(&outbox, 4).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(
        script.connections(),
        2,
        "a new connection after the cut-off one"
    );
    assert_eq!(send(&outbox, 5).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(script.connections(), 2);
}
