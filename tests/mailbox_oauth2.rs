//! OAuth2 sign-in on the real mail rig in OAuth2 mode: Dovecot's oauth2 passdb and Postfix
//! submission through Dovecot SASL check every XOAUTH2 token by introspection at the test's
//! authorization server (the one stand-in, for Microsoft's and Google's). `codedesk mailbox
//! login` (device code), the worker reading over IMAP IDLE and sending over SMTP with XOAUTH2
//! through several access-token expiries, refreshes after a refused token, a revoked sign-in
//! stopping only its desk (healthz, `mailbox status`, the staff page) until a new login, and the
//! refresh token sealed at rest.

mod common;
mod http_support;
mod oauth2_support;
mod rig;
mod worker_support;

use codedesk::config::Config;
use codedesk::mailbox::{Mailbox, MailboxOptions};
use codedesk::oauth2::SecretKey;
use codedesk::outbox::{Outbox, OutboxOptions, SendError};
use codedesk::store::cases::{self, CaseState};
use codedesk::store::oauth2_sign_in;
use common::Engine;
use oauth2_support::{ACCESS_LIFETIME, CLIENT_ID, auth_server, oauth2_rig};
use rig::{HOST, Rig, unique};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use worker_support::{Desk, DeskOptions, binary, inbox_with};

/// One desk's lines of config: its mailbox (IMAP STARTTLS) signing in with OAuth2, and for
/// `[mailbox]` the outbox sending with each desk's sign-in.
fn desk_toml(table: &str, rig: &Rig, user: &str) -> String {
    let server = auth_server();
    let from = if table == "[mailbox]" {
        String::new()
    } else {
        format!("from = \"North Desk <{user}>\"\n")
    };
    let outbox = if table == "[mailbox]" {
        format!(
            "[outbox]\nkind = \"smtp\"\nhost = \"{HOST}\"\nport = {smtp}\ntls = \"starttls\"\n\
             ca_file = \"{ca}\"\nauth = \"oauth2\"\nfrom = \"Coding Desk <{user}>\"\n",
            smtp = rig.submission_port,
            ca = rig.ca_cert.display()
        )
    } else {
        String::new()
    };
    format!(
        "{table}\nusername = \"{user}\"\naddress = \"{user}\"\nauth = \"oauth2\"\n{from}\
         [{inner}.oauth2]\nprovider = \"custom\"\nclient_id = \"{CLIENT_ID}\"\n\
         token_url = \"{token}\"\ndevice_authorization_url = \"{device}\"\n\
         scopes = [\"mail\", \"offline_access\"]\n{outbox}",
        inner = table.trim_start_matches('[').trim_end_matches(']'),
        token = server.token_url(),
        device = server.device_url(),
    )
}

/// A desk on the OAuth2 rig: the worker_support world (database with the sample, index, asker),
/// its config rewritten to sign in with OAuth2; `north` adds `[mailboxes.north]`.
async fn oauth2_desk(label: &str, north: Option<&str>) -> Desk {
    let rig = oauth2_rig();
    let desk = Desk::new(
        Engine::Sqlite,
        label,
        DeskOptions {
            rig: Some(rig),
            ..DeskOptions::default()
        },
    )
    .await;
    let mut toml = format!(
        "[database]\nurl = \"{url}\"\nsecret_key_file = \"{key}\"\n[index]\ndir = \"{index}\"\n\
         [mailbox]\nkind = \"imap\"\nhost = \"{HOST}\"\nport = {imap}\ntls = \"starttls\"\nca_file = \"{ca}\"\n",
        url = desk.db.url,
        key = desk.dir.path().join("secret.key").display(),
        index = desk.dir.path().join("index").display(),
        imap = rig.imap_port,
        ca = rig.ca_cert.display(),
    );
    // `[mailbox]`'s own keys, then its oauth2 table and the outbox.
    toml += &desk_toml("[mailbox]", rig, &desk.consult)["[mailbox]\n".len()..];
    toml += &format!(
        "[policy]\nreview = \"never\"\n[senders]\nrate_per_hour = 100000\n\
         [reply]\nmessage_id_domain = \"desk.example.test\"\ntemplates = \"{}\"\n",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates")
            .display()
    );
    if let Some(user) = north {
        toml += &desk_toml("[mailboxes.north]", rig, user);
    }
    std::fs::write(&desk.config, toml).unwrap();
    desk
}

/// `codedesk mailbox login [NAME]`, approved by "the person" at the authorization server as
/// `user` once the command printed its code. Returns what it printed.
fn login(desk: &Desk, name: Option<&str>, user: &str) -> String {
    let mut cmd = Command::new(binary());
    cmd.arg("--config")
        .arg(&desk.config)
        .args(["mailbox", "login"]);
    if let Some(n) = name {
        cmd.arg(n);
    }
    let mut child = cmd
        .env("CODEDESK_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run codedesk mailbox login");
    let mut printed = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let code = loop {
        let Some(line) = lines.next() else {
            let out = child.wait_with_output().unwrap();
            panic!(
                "mailbox login ended before printing a code:\n{printed}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let line = line.unwrap();
        printed += &line;
        printed += "\n";
        if let Some((_, code)) = line.split_once("enter the code ") {
            break code.trim().to_string();
        }
    };
    assert!(
        printed.contains(&format!(
            "http://127.0.0.1:{}/activate",
            oauth2_support::AUTH_PORT
        )),
        "{printed}"
    );
    // The person takes a moment: the command must keep polling meanwhile.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(auth_server().approve(&code, user), "unknown code {code}");
    for line in lines {
        printed += &line.unwrap();
        printed += "\n";
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mailbox login failed:\n{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains("Signed in"), "{printed}");
    printed
}

/// `codedesk mailbox status`: (exit 0, output).
fn status(desk: &Desk) -> (bool, String) {
    let out = Command::new(binary())
        .arg("--config")
        .arg(&desk.config)
        .args(["mailbox", "status"])
        .env("CODEDESK_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn config_of(desk: &Desk) -> Config {
    Config::load(&desk.config, true, Vec::<(String, String)>::new()).unwrap()
}

/// A TLS IMAP client to the rig's IMAPS port, greeting read.
async fn imap_client(
    rig: &Rig,
) -> async_imap::Client<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&rig.ca_cert).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect((HOST, rig.imaps_port))
        .await
        .unwrap();
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(ServerName::try_from(HOST).unwrap(), tcp)
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tls);
    client.read_response().await.unwrap().unwrap();
    client
}

struct XOAuth2(Option<String>);

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _: &[u8]) -> String {
        self.0.take().unwrap_or_default()
    }
}

fn xoauth2(user: &str, token: &str) -> String {
    format!("user={user}\x01auth=Bearer {token}\x01\x01")
}

/// Dovecot's answer to `AUTHENTICATE XOAUTH2` with `token`: Ok, or the refusal's text.
async fn imap_xoauth2(rig: &Rig, user: &str, token: &str) -> Result<(), String> {
    let client = imap_client(rig).await;
    match client
        .authenticate("XOAUTH2", XOAuth2(Some(xoauth2(user, token))))
        .await
    {
        Ok(mut session) => {
            session.logout().await.ok();
            Ok(())
        }
        Err((e, _)) => Err(e.to_string()),
    }
}

/// Postfix submission's answer to `AUTH XOAUTH2` with `token` (after STARTTLS): the final code.
async fn smtp_xoauth2(rig: &Rig, user: &str, token: &str) -> u16 {
    use base64::Engine as _;
    use lettre::transport::smtp::client::{
        AsyncSmtpConnection, Certificate, CertificateStore, TlsParameters,
    };
    use lettre::transport::smtp::extension::ClientId;
    let tls = TlsParameters::builder(HOST.to_string())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(Certificate::from_pem(&std::fs::read(&rig.ca_cert).unwrap()).unwrap())
        .build_rustls()
        .unwrap();
    let hello = ClientId::Domain("test.example".into());
    let mut conn = AsyncSmtpConnection::connect_tokio1(
        (HOST, rig.submission_port),
        Some(Duration::from_secs(10)),
        &hello,
        None,
        None,
    )
    .await
    .unwrap();
    conn.starttls(tls, &hello).await.unwrap();
    let initial = base64::engine::general_purpose::STANDARD.encode(xoauth2(user, token));
    let answer = match conn.command(format!("AUTH XOAUTH2 {initial}\r\n")).await {
        Ok(r) if r.has_code(334) => conn.command("\r\n").await,
        other => other,
    };
    let code = match answer {
        Ok(r) => u16::from(r.code()),
        Err(e) => u16::from(e.status().expect("an SMTP reply code")),
    };
    conn.abort().await;
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dovecot_and_postfix_check_each_token_and_codedesk_refreshes_a_refused_one() {
    let server = auth_server();
    let rig = oauth2_rig();
    let user = rig.user("xo-check");

    // The servers themselves: a good token in, a wrong one and a revoked one refused.
    let good = server.issue_access_token(&user);
    assert_eq!(imap_xoauth2(rig, &user, &good).await, Ok(()));
    assert_eq!(smtp_xoauth2(rig, &user, &good).await, 235);
    let someone_elses = server.issue_access_token("other@example.test");
    for (what, token) in [
        ("wrong", "not-a-token"),
        ("someone else's", someone_elses.as_str()),
    ] {
        let refused = imap_xoauth2(rig, &user, token).await.unwrap_err();
        assert!(
            refused.contains("AUTHENTICATIONFAILED") || refused.contains("failed"),
            "{what}: {refused}"
        );
        assert_eq!(smtp_xoauth2(rig, &user, token).await, 535, "{what}");
    }
    server.revoke_access_tokens(&user);
    assert!(
        imap_xoauth2(rig, &user, &good).await.is_err(),
        "a revoked token"
    );
    assert_eq!(
        smtp_xoauth2(rig, &user, &good).await,
        535,
        "a revoked token"
    );

    // codedesk: signed in with `mailbox login`, its access token then revoked behind its back;
    // the IMAP and SMTP sign-ins are refused once, refreshed, and go through.
    let desk = oauth2_desk("xo-refresh", None).await;
    let printed = login(&desk, None, &desk.consult);
    assert!(
        !printed.contains("RT-") && !printed.contains("AT-"),
        "{printed}"
    );
    let config = config_of(&desk);
    let tokens = codedesk::oauth2::token_sources(&desk.db.store, &config).unwrap();
    let tokens = tokens[0].clone().expect("an OAuth2 desk");
    let mailbox_options = || MailboxOptions {
        timeout: Duration::from_secs(10),
        tokens: Some(tokens.clone()),
        ..MailboxOptions::default()
    };
    let mut mailbox = Mailbox::open(&config.mailbox, mailbox_options()).unwrap();
    mailbox
        .connect()
        .await
        .expect("IMAP with the token from the login");
    mailbox.disconnect().await;
    let refreshes = server.refreshes(&desk.consult);
    server.revoke_access_tokens(&desk.consult);
    let mut mailbox = Mailbox::open(&config.mailbox, mailbox_options()).unwrap();
    mailbox.connect().await.expect("IMAP after a refresh");
    mailbox.disconnect().await;
    assert_eq!(
        server.refreshes(&desk.consult),
        refreshes + 1,
        "one refresh after the refusal"
    );

    server.revoke_access_tokens(&desk.consult);
    let outbox = Outbox::open(
        &config.outbox,
        OutboxOptions {
            timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    outbox
        .check_as(Some(&tokens))
        .await
        .expect("SMTP after a refresh");
    assert_eq!(
        server.refreshes(&desk.consult),
        refreshes + 2,
        "SMTP refreshed too"
    );
    assert_eq!(
        server.refused_for(&desk.consult),
        2,
        "Dovecot refused the revoked token once for IMAP and once for SMTP"
    );
    assert!(
        matches!(outbox.check().await, Err(SendError::Config { .. })),
        "no sign-in, no send"
    );
}

/// Questions for the long run (`CODEDESK_OAUTH2_QUESTIONS`, default 200).
fn question_count() -> usize {
    std::env::var("CODEDESK_OAUTH2_QUESTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_login_then_every_question_answered_once_over_xoauth2_through_token_expiries() {
    let server = auth_server();
    let rig = oauth2_rig();
    let mut desk = oauth2_desk("xo-run", None).await;
    let (ok, said) = status(&desk);
    assert!(!ok && said.contains("NOT SIGNED IN"), "{said}");
    login(&desk, None, &desk.consult);
    let (ok, said) = status(&desk);
    assert!(
        ok && said.contains("signed in") && said.contains("access token until"),
        "{said}"
    );

    // The refresh token at rest: sealed, not in clear, and useless without the key.
    let issued = server.refresh_tokens_of(&desk.consult);
    assert_eq!(issued.len(), 1);
    let rows = oauth2_sign_in::all(&desk.db.store).await.unwrap();
    assert_eq!(rows.len(), 1);
    let sealed = &rows[0].sealed_refresh_token;
    assert!(!sealed.contains(&issued[0]) && !sealed.contains(&hex::encode(&issued[0])));
    assert!(!said.contains(&issued[0]));
    let key_file = desk.dir.path().join("secret.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key_file).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "the key file is the owner's only");
    let key = SecretKey::load(None, &key_file).unwrap();
    assert_eq!(key.open(sealed, &rows[0].mailbox).unwrap(), issued[0]);
    let other = SecretKey::from_hex(&"5a".repeat(32)).unwrap();
    assert!(
        other.open(sealed, &rows[0].mailbox).is_err(),
        "another key opens nothing"
    );

    desk.start();
    let n = question_count();
    // Spread over at least three access-token lifetimes.
    let span = ACCESS_LIFETIME * 3 + Duration::from_secs(10);
    let pace = span / n as u32;
    let started = Instant::now();
    let mut ids = Vec::new();
    let (mut logins_at_half, mut revoked) = (0, false);
    for i in 0..n {
        let id = format!("{}@asker.example.test", unique(&format!("xo-q{i}")));
        desk.deliver(&desk.question(
            &id,
            &format!("Question {i}"),
            "Is 99213 billable with J1100?",
        ))
        .await;
        ids.push(id);
        if i == n / 2 {
            logins_at_half = server.logins(&desk.consult);
        }
        if i >= n / 2 && !revoked && server.logins(&desk.consult) > logins_at_half {
            // Mid-run, just after the worker signed in with a fresh token, that token stops
            // working and the IMAP session is cut: the next sign-in is refused by Dovecot and
            // codedesk must refresh.
            server.revoke_access_tokens(&desk.consult);
            rig.kick(&desk.consult);
            revoked = true;
        }
        tokio::time::sleep_until((started + pace * (i as u32 + 1)).into()).await;
    }
    let delivered = started.elapsed();
    desk.wait_until(
        "every question answered",
        Duration::from_secs(240),
        || async { desk.count(CaseState::Sent).await >= n as i64 },
    )
    .await;
    let answered = started.elapsed();
    desk.wait_delivered(Duration::from_secs(120)).await;
    let replies = inbox_with(rig, &desk.asker).await;
    let mut per_question = std::collections::HashMap::new();
    for r in &replies {
        *per_question.entry(r.in_reply_to.clone()).or_insert(0) += 1;
    }
    for id in &ids {
        assert_eq!(
            per_question.get(id),
            Some(&1),
            "question {id}: {}",
            desk.case_story(id).await
        );
    }
    assert_eq!(replies.len(), n, "one reply per question, none extra");
    assert_eq!(desk.count(CaseState::Failed).await, 0);
    let refreshes = server.refreshes(&desk.consult);
    assert!(
        refreshes >= 3,
        "the run spanned {answered:?}, {} token lifetimes, yet only {refreshes} refreshes",
        answered.as_secs() / ACCESS_LIFETIME.as_secs()
    );
    assert!(answered >= ACCESS_LIFETIME * 3, "{answered:?}");
    assert!(revoked, "no new IMAP sign-in in the second half of the run");
    let refused = server.refused_for(&desk.consult);
    assert!(refused >= 1, "the revoked token was never refused");
    let log = desk.log_text();
    for secret in issued.iter().map(String::as_str).chain(["AT-", "RT-"]) {
        assert!(!log.contains(secret), "a token in the worker's log");
    }
    println!(
        "oauth2 run: {n} questions delivered in {:.1} s, all answered once after {:.1} s; \
         {refreshes} token refreshes, {} good XOAUTH2 logins, {refused} refused (revoked token)",
        delivered.as_secs_f64(),
        answered.as_secs_f64(),
        server.logins(&desk.consult),
    );
    desk.terminate(Duration::from_secs(30));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` without a session: (status, body).
fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let (head, body) = http_support::http(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_sign_in_stops_only_its_desk_until_a_new_login() {
    let server = auth_server();
    let rig = oauth2_rig();
    let north = rig.user("xo-north");
    let desk = oauth2_desk("xo-revoke", Some(&north)).await;
    login(&desk, None, &desk.consult);
    login(&desk, Some("north"), &north);
    let (ok, said) = status(&desk);
    assert!(ok, "{said}");

    let port = free_port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let log = std::fs::File::create(&desk.log).unwrap();
    let serve = Command::new(binary())
        .arg("--config")
        .arg(&desk.config)
        .args(["serve", "--listen", &addr.to_string()])
        .env("CODEDESK_LOG", "info,sqlx=error")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let serve = Stopped(serve);
    let ask = |to: &str, id: &str| {
        format!(
            "From: Asker <{asker}>\r\nTo: {to}\r\nSubject: Billing\r\nMessage-ID: <{id}>\r\n\
             Date: Tue, 13 Jan 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\nIs 99213 valid?\r\n",
            asker = desk.asker
        )
        .into_bytes()
    };
    let answered = |id: String| {
        let store = desk.db.store.clone();
        async move {
            cases::find_by_message_id(&store, &id)
                .await
                .unwrap()
                .is_some_and(|c| c.state == CaseState::Sent)
        }
    };
    let q = |label: &str| format!("{}@asker.example.test", unique(label));
    let (q1, q2) = (q("xo-d1"), q("xo-n1"));
    rig.deliver(&desk.consult, &ask(&desk.consult, &q1)).await;
    rig.deliver(&north, &ask(&north, &q2)).await;
    for id in [&q1, &q2] {
        desk.wait_until("both desks answer", Duration::from_secs(60), || {
            answered(id.clone())
        })
        .await;
    }

    // North's consent is revoked: its tokens stop working and its session is cut.
    server.revoke_refresh_tokens(&north);
    server.revoke_access_tokens(&north);
    rig.kick(&north);
    desk.wait_until("north needs sign-in", Duration::from_secs(60), || async {
        let (ok, said) = status(&desk);
        !ok && said.contains("north") && said.contains("NEEDS SIGN-IN")
    })
    .await;
    let (_, said) = status(&desk);
    let default_line = said.lines().find(|l| l.starts_with("default")).unwrap();
    assert!(
        default_line.contains("signed in") && !default_line.contains("NEEDS"),
        "{said}"
    );
    assert!(
        said.contains("invalid_grant") && said.contains("codedesk mailbox login north"),
        "{said}"
    );

    let mut health = (0, String::new());
    for _ in 0..40 {
        health = get(addr, "/healthz");
        if health.0 == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let json: serde_json::Value = serde_json::from_str(&health.1).unwrap_or_default();
    assert_eq!(health.0, 503, "{}", health.1);
    assert_eq!(
        json["needs_sign_in"],
        serde_json::json!(["north"]),
        "{}",
        health.1
    );

    // The staff page says so.
    let hash = codedesk::web::auth::new_password_hash(
        "lead@clinic.example",
        codedesk::store::staff::Role::Admin,
        "a-long-staff-password-42",
    )
    .unwrap();
    codedesk::store::staff::create_user(
        &desk.db.store,
        "lead@clinic.example",
        codedesk::store::staff::Role::Admin,
        &hash,
    )
    .await
    .unwrap();
    let session = http_support::login(addr, "lead@clinic.example", "a-long-staff-password-42");
    let (_, page) = http_support::get(addr, &session, "/");
    assert!(page.contains("id=\"sign-in-north\""), "{page}");
    assert!(page.contains("codedesk mailbox login north"), "{page}");
    assert!(!page.contains("sign-in-default"), "only north: {page}");

    // The other desk goes on; north's new question waits in its mailbox.
    let (q3, q4) = (q("xo-d2"), q("xo-n2"));
    rig.deliver(&north, &ask(&north, &q4)).await;
    rig.deliver(&desk.consult, &ask(&desk.consult, &q3)).await;
    desk.wait_until(
        "the default desk still answers",
        Duration::from_secs(60),
        || answered(q3.clone()),
    )
    .await;
    // Evidence instead of a pause: the worker has reported north as still waiting for a
    // sign-in at least two seconds after its question arrived (a worker that read north would
    // have reported it connected).
    let after = codedesk::worker::now_unix_pub() + 2;
    desk.wait_until(
        "north reported waiting for a sign-in after its question arrived",
        Duration::from_secs(60),
        || async {
            codedesk::store::workers::alive(&desk.db.store, after)
                .await
                .unwrap()
                .iter()
                .any(|w| w.mailbox == "north" && w.imap_state == "needs-sign-in")
        },
    )
    .await;
    assert!(
        cases::find_by_message_id(&desk.db.store, &q4)
            .await
            .unwrap()
            .is_none(),
        "north read mail without a sign-in"
    );

    // A new login resumes north, and its waiting question is answered once.
    login(&desk, Some("north"), &north);
    desk.wait_until("north answers again", Duration::from_secs(60), || {
        answered(q4.clone())
    })
    .await;
    let (ok, said) = status(&desk);
    assert!(ok, "{said}");
    let mut healthy = false;
    for _ in 0..40 {
        if get(addr, "/healthz").0 == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(healthy, "/healthz stays failed after the new login");
    let replies = inbox_with(rig, &desk.asker).await;
    for id in [&q1, &q2, &q3, &q4] {
        assert_eq!(
            replies.iter().filter(|r| &r.in_reply_to == id).count(),
            1,
            "{id}"
        );
    }
    let log = desk.log_text();
    assert!(
        log.contains("needs sign-in"),
        "the worker says so in its log:\n{log}"
    );
    drop(serve);
}

/// A child process stopped (SIGTERM, then SIGKILL after 20 s) when dropped, even by a panic.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        unsafe {
            libc::kill(self.0.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sign_ins_are_kept_per_mailbox_and_refusals_touch_only_the_token_they_refused() {
    for engine in common::ENGINES {
        let db = common::TestDb::new(engine).await;
        let s = &db.store;
        let key = SecretKey::from_hex(&"17".repeat(32)).unwrap();
        let first = key.seal("first-refresh-token", "m1").unwrap();
        oauth2_sign_in::save(s, "m1", "default", &first, key.id(), 1_000, 900)
            .await
            .unwrap();
        oauth2_sign_in::save(
            s,
            "m2",
            "north",
            &key.seal("n", "m2").unwrap(),
            key.id(),
            1_000,
            900,
        )
        .await
        .unwrap();
        // A refresh records the expiry, and a rotated token replaces the sealed one.
        let rotated = key.seal("second-refresh-token", "m1").unwrap();
        assert!(
            oauth2_sign_in::refreshed(s, "m1", &first, Some((&rotated, key.id())), 2_000, 1_980)
                .await
                .unwrap()
        );
        let got = oauth2_sign_in::get(s, "m1").await.unwrap().unwrap();
        assert_eq!(
            (got.access_expires_at, got.refreshed_at, got.signed_in_at),
            (Some(2_000), Some(1_980), 900),
            "{engine:?}"
        );
        assert_eq!(
            key.open(&got.sealed_refresh_token, "m1").unwrap(),
            "second-refresh-token"
        );
        // A refusal of the old token (a refresh that raced) changes nothing.
        assert!(
            !oauth2_sign_in::needs_sign_in(s, "m1", &first, "invalid_grant", 2_100)
                .await
                .unwrap()
        );
        assert!(
            oauth2_sign_in::needs_sign_in(s, "m1", &rotated, "invalid_grant", 2_100)
                .await
                .unwrap()
        );
        let all = oauth2_sign_in::all(s).await.unwrap();
        let states: Vec<(&str, bool)> = all
            .iter()
            .map(|x| (x.desk.as_str(), x.needs_sign_in()))
            .collect();
        assert_eq!(states, [("default", true), ("north", false)], "{engine:?}");
        assert_eq!(all[0].problem.as_deref(), Some("invalid_grant"));
        assert!(!format!("{:?}", all[0]).contains(&all[0].sealed_refresh_token));
        // A new login turns it back.
        let third = key.seal("third", "m1").unwrap();
        oauth2_sign_in::save(s, "m1", "default", &third, key.id(), 3_000, 2_900)
            .await
            .unwrap();
        let got = oauth2_sign_in::get(s, "m1").await.unwrap().unwrap();
        assert!(!got.needs_sign_in() && got.problem.is_none(), "{engine:?}");
        // No refresh is recorded against a sign-in that needs a new login.
        oauth2_sign_in::needs_sign_in(s, "m1", &third, "invalid_grant", 3_100)
            .await
            .unwrap();
        assert!(
            !oauth2_sign_in::refreshed(s, "m1", &third, None, 4_000, 3_200)
                .await
                .unwrap()
        );
    }
}
