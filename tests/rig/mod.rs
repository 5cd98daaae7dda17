//! The mail rig for integration tests: started through `scripts/mail-rig start` when it is not
//! running (a test fails, never skips, when it cannot be), one mailbox per test (any-user mode),
//! deliveries over SMTP, and a second IMAP session to look at what the code under test did.
#![allow(dead_code)]

use async_imap::Session;
use codedesk::config::{MailboxConfig, OutboxConfig, ServerConfig, TlsMode};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

pub const HOST: &str = "127.0.0.1";

/// A running rig, as described by its `rig.env`.
#[derive(Debug)]
pub struct Rig {
    pub dir: PathBuf,
    pub password: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub smtp_port: u16,
    pub submission_port: u16,
    pub smtps_port: u16,
    pub ca_cert: PathBuf,
    pub dovecot_conf: PathBuf,
}

/// The rig, started once per test binary.
pub fn rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(start)
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mail-rig")
}

fn start() -> Rig {
    let dir = PathBuf::from(
        std::env::var("MAILRIG_DIR").unwrap_or_else(|_| "/tmp/codedesk-rig".to_string()),
    );
    let how = format!(
        "start it as root with `{} start` (MAILRIG_DIR={}), or see the script's header",
        script().display(),
        dir.display()
    );
    // Output goes to a file, never a pipe: the servers outlive the script.
    let log = std::env::temp_dir().join(format!("codedesk-rig-start-{}.log", std::process::id()));
    let out = std::fs::File::create(&log).expect("create the rig start log");
    let status = Command::new("bash")
        .arg(script())
        .arg("start")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        .status();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("the mail rig could not be started ({s}):\n{output}\n{how}"),
        Err(e) => panic!("cannot run {}: {e}; {how}", script().display()),
    }
    read_env(dir, &how)
}

/// The rig whose `scripts/mail-rig start` wrote `DIR/rig.env` (ports, password, CA), checked to
/// accept any user; `how` says how to fix it in a failure message.
pub fn read_env(dir: PathBuf, how: &str) -> Rig {
    let env_file = dir.join("rig.env");
    let text = std::fs::read_to_string(&env_file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; {how}", env_file.display()));
    let env: HashMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("export ")?.split_once('='))
        .collect();
    let get = |k: &str| {
        env.get(k)
            .unwrap_or_else(|| panic!("{} lacks {k}; {how}", env_file.display()))
            .to_string()
    };
    let port = |k: &str| get(k).parse::<u16>().expect("a port number");
    assert_eq!(
        get("MAILRIG_ANY_USER"),
        "1",
        "the rig in {} runs without MAILRIG_ANY_USER=1, which these tests need: \
         `scripts/mail-rig stop && scripts/mail-rig start`",
        dir.display()
    );
    Rig {
        dir,
        password: get("MAILRIG_PASSWORD"),
        imap_port: port("MAILRIG_IMAP_PORT"),
        imaps_port: port("MAILRIG_IMAPS_PORT"),
        smtp_port: port("MAILRIG_SMTP_PORT"),
        submission_port: port("MAILRIG_SUBMISSION_PORT"),
        smtps_port: port("MAILRIG_SMTPS_PORT"),
        ca_cert: PathBuf::from(get("MAILRIG_CA_CERT")),
        dovecot_conf: PathBuf::from(get("MAILRIG_DOVECOT_CONF")),
    }
}

/// A unique, lower-case name: mailboxes outlive test runs.
pub fn unique(label: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{label}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

impl Rig {
    /// A fresh mailbox for one test: `consult-<test>-<unique>@example.test`.
    pub fn user(&self, test: &str) -> String {
        format!("{}@example.test", unique(&format!("consult-{test}")))
    }

    /// A file holding `password` (configs name a file, not the secret).
    pub fn password_file(&self, password: &str) -> PathBuf {
        let path = std::env::temp_dir().join(unique("codedesk-test-password"));
        std::fs::write(&path, format!("{password}\n")).unwrap();
        path
    }

    fn rig_password_file(&self) -> &PathBuf {
        static FILE: OnceLock<PathBuf> = OnceLock::new();
        FILE.get_or_init(|| self.password_file(&self.password))
    }

    fn server(&self, user: &str, port: u16, tls: TlsMode) -> ServerConfig {
        ServerConfig {
            host: HOST.into(),
            port,
            tls,
            ca_file: Some(self.ca_cert.clone()),
            username: user.into(),
            password_env: None,
            password_file: Some(self.rig_password_file().clone()),
        }
    }

    /// `[mailbox]` for `user`'s INBOX over STARTTLS (1143), implicit TLS (1993) or plaintext.
    pub fn imap_config(&self, user: &str, tls: TlsMode) -> MailboxConfig {
        let port = if tls == TlsMode::Implicit {
            self.imaps_port
        } else {
            self.imap_port
        };
        MailboxConfig {
            kind: "imap".into(),
            server: self.server(user, port, tls),
            ..MailboxConfig::default()
        }
    }

    /// `[outbox]` for submission as `user`.
    pub fn smtp_config(&self, user: &str, port: u16, tls: TlsMode) -> OutboxConfig {
        OutboxConfig {
            kind: "smtp".into(),
            server: self.server(user, port, tls),
            ..OutboxConfig::default()
        }
    }

    /// Delivers `raw` to `to` like the internet would: plain SMTP to port 2525.
    pub async fn deliver(&self, to: &str, raw: &[u8]) {
        let mx = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(HOST)
            .port(self.smtp_port)
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let envelope = lettre::address::Envelope::new(
            Some("asker1@example.test".parse().unwrap()),
            vec![to.parse().unwrap()],
        )
        .unwrap();
        // lettre ends DATA with "\r\n.\r\n" itself: drop the message's own final line end.
        let raw = raw.strip_suffix(b"\r\n").unwrap_or(raw);
        mx.send_raw(&envelope, raw).await.expect("delivery on 2525");
    }

    /// A second IMAP session (implicit TLS) to inspect `user`'s mail.
    pub async fn peek(&self, user: &str) -> Session<TlsStream<TcpStream>> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(&self.ca_cert).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let tcp = TcpStream::connect((HOST, self.imaps_port)).await.unwrap();
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from(HOST).unwrap(), tcp)
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tls);
        client.read_response().await.unwrap().unwrap();
        client
            .login(user, &self.password)
            .await
            .map_err(|(e, _)| e)
            .unwrap()
    }

    /// Ends every IMAP session of `user` (`* BYE`), as a server restart would.
    pub fn kick(&self, user: &str) {
        let status = Command::new("doveadm")
            .arg("-c")
            .arg(&self.dovecot_conf)
            .args(["kick", user])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run doveadm");
        assert!(status.success(), "doveadm kick {user}: {status}");
    }
}

/// A small RFC 5322 message with CRLF line ends.
pub fn message(message_id: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Asker <asker1@example.test>\r\nTo: consult@example.test\r\nSubject: {subject}\r\n\
         Message-ID: <{message_id}>\r\nDate: Mon, 4 May 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// The Subject lines of every message in `folder`, sorted.
pub async fn subjects(session: &mut Session<TlsStream<TcpStream>>, folder: &str) -> Vec<String> {
    use futures::StreamExt;
    let selected = session.select(folder).await.unwrap();
    if selected.exists == 0 {
        return Vec::new();
    }
    let mut got: Vec<String> = session
        .fetch("1:*", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]")
        .await
        .unwrap()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|f| {
            let f = f.unwrap();
            String::from_utf8_lossy(f.header().unwrap_or_default())
                .trim()
                .to_string()
        })
        .collect();
    got.sort();
    got
}

/// Flags of the message with `uid` in the selected folder of `session`.
pub async fn flags(session: &mut Session<TlsStream<TcpStream>>, uid: u32) -> Vec<String> {
    use futures::TryStreamExt;
    let fetched: Vec<_> = session
        .uid_fetch(uid.to_string(), "FLAGS")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    fetched
        .iter()
        .flat_map(|f| f.flags().map(|flag| format!("{flag:?}")))
        .collect()
}
