//! The SMTP outbox when a server stops answering part-way, which a real Postfix does only by
//! accident (a throttled service, a crash): a scripted server on loopback plays those moments.
//! Silence before the message's last byte is transient (nothing can have been accepted); silence
//! or a dropped connection after it is uncertain (it may have been accepted), never a failure to
//! retry; and a connection cut off mid-transaction is never used for the next message.

use codedesk::config::{OutboxConfig, ServerConfig, TlsMode};
use codedesk::outbox::{Envelope, Outbox, OutboxOptions, SendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the scripted server does with one message.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Play {
    /// 250 after the final dot.
    Accept,
    /// No answer to MAIL FROM.
    SilentAfterMail,
    /// The whole message read, then no answer.
    SilentAfterDot,
    /// The whole message read, then the connection closed.
    CloseAfterDot,
}

/// A plaintext SMTP server on loopback playing `plays` in order, one per message; returns its
/// port and the number of connections it has taken.
async fn scripted(plays: Vec<Play>) -> (u16, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let plays = Arc::new(Mutex::new(plays.into_iter()));
    let connections = Arc::new(Mutex::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            *counted.lock().unwrap() += 1;
            let plays = plays.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read);
                write.write_all(b"220 scripted ESMTP\r\n").await.ok();
                let mut play = Play::Accept;
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-scripted\r\n250 8BITMIME\r\n",
                        "MAIL" => {
                            play = plays.lock().unwrap().next().unwrap_or(Play::Accept);
                            if play == Play::SilentAfterMail {
                                tokio::time::sleep(Duration::from_secs(30)).await;
                                return;
                            }
                            b"250 ok\r\n"
                        }
                        "RCPT" | "NOOP" | "RSET" => b"250 ok\r\n",
                        "DATA" => {
                            write.write_all(b"354 go on\r\n").await.ok();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                            }
                            match play {
                                Play::SilentAfterDot => {
                                    tokio::time::sleep(Duration::from_secs(30)).await;
                                    return;
                                }
                                Play::CloseAfterDot => return,
                                _ => b"250 2.0.0 queued\r\n",
                            }
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.ok();
                            return;
                        }
                        _ => b"502 no\r\n",
                    };
                    write.write_all(answer).await.ok();
                }
            });
        }
    });
    (port, connections)
}

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
    let (port, _) = scripted(vec![
        Play::SilentAfterDot,
        Play::CloseAfterDot,
        Play::SilentAfterMail,
    ])
    .await;
    let outbox = outbox(port);
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
    let (port, connections) = scripted(vec![
        Play::Accept,
        Play::Accept,
        Play::SilentAfterDot,
        Play::Accept,
        Play::Accept,
    ])
    .await;
    let outbox = outbox(port);
    assert_eq!(send(&outbox, 1).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(send(&outbox, 2).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(
        *connections.lock().unwrap(),
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
        *connections.lock().unwrap(),
        2,
        "a new connection after the cut-off one"
    );
    assert_eq!(send(&outbox, 5).await.unwrap(), "250 2.0.0 queued");
    assert_eq!(*connections.lock().unwrap(), 2);
}
