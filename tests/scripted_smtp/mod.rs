//! A plaintext SMTP server on loopback that plays a script, one step per message: answering, or
//! falling silent or hanging up at a chosen moment (what a real Postfix does only by accident). It
//! counts the connections it took and the messages it was given in full.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the scripted server does with one message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Play {
    /// 250 after the final dot.
    Accept,
    /// No answer to MAIL FROM.
    SilentAfterMail,
    /// The whole message read, then no answer.
    SilentAfterDot,
    /// The whole message read, then the connection closed.
    CloseAfterDot,
}

/// A running scripted server.
pub struct Script {
    /// Its port on 127.0.0.1.
    pub port: u16,
    connections: Arc<Mutex<usize>>,
    messages: Arc<Mutex<usize>>,
}

impl Script {
    /// Connections taken so far.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }

    /// Messages received up to their final dot, answered or not.
    pub fn messages(&self) -> usize {
        *self.messages.lock().unwrap()
    }
}

/// A plaintext SMTP server on loopback playing `plays` in order, one per message (then
/// accepting everything).
pub async fn scripted(plays: Vec<Play>) -> Script {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let plays = Arc::new(Mutex::new(plays.into_iter()));
    let connections = Arc::new(Mutex::new(0));
    let messages = Arc::new(Mutex::new(0));
    let counted = connections.clone();
    let taken = messages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            *counted.lock().unwrap() += 1;
            let plays = plays.clone();
            let taken = taken.clone();
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
                            *taken.lock().unwrap() += 1;
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
    Script {
        port,
        connections,
        messages,
    }
}
