//! The IMAP mailbox against the real Dovecot of `scripts/mail-rig`: TLS modes and login errors,
//! byte-exact UID fetches that leave \Seen alone, marking and moving, IDLE and polling wake-ups,
//! shutdown, a kicked session, UIDVALIDITY changes and the Sent copy. Each test has its own
//! mailbox.

mod rig;

use codedesk::config::TlsMode;
use codedesk::mailbox::{Cursor, Mailbox, MailboxError, MailboxOptions, Marked, Wake};
use futures::TryStreamExt;
use rig::{HOST, flags, message, rig, subjects, unique};
use std::time::{Duration, Instant};
use tokio::sync::watch;

fn open(user: &str, tls: TlsMode) -> Mailbox {
    Mailbox::open(&rig().imap_config(user, tls), MailboxOptions::default()).unwrap()
}

/// The headers Postfix and Dovecot put in front of a delivered message.
fn only_trace_headers(prefix: &[u8]) -> bool {
    let text = String::from_utf8_lossy(prefix);
    text.split("\r\n").filter(|l| !l.is_empty()).all(|line| {
        line.starts_with([' ', '\t'])
            || [
                "Return-Path:",
                "Delivered-To:",
                "Received:",
                "X-Original-To:",
            ]
            .iter()
            .any(|h| line.starts_with(h))
    })
}

#[tokio::test]
async fn starttls_implicit_tls_and_loopback_plaintext_logins_work() {
    let user = rig().user("login");
    for tls in [TlsMode::Starttls, TlsMode::Implicit, TlsMode::None] {
        let mut mailbox = open(&user, tls);
        mailbox
            .connect()
            .await
            .unwrap_or_else(|e| panic!("{tls:?}: {e}"));
        let batch = mailbox.fetch_new(None, 10).await.unwrap();
        assert!(batch.messages.is_empty(), "{tls:?}");
        mailbox.disconnect().await;
    }
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_quickly_and_shows_no_secret() {
    let user = rig().user("wrongpw");
    let mut config = rig().imap_config(&user, TlsMode::Starttls);
    config.server.password_file = Some(rig().password_file("not-the-password"));
    let mut mailbox = Mailbox::open(&config, MailboxOptions::default()).unwrap();
    let started = Instant::now();
    let err = mailbox.connect().await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, MailboxError::Auth { .. }), "{err:?}");
    assert!(!err.is_transient());
    let text = err.to_string();
    assert!(
        text.starts_with("cannot log in to 127.0.0.1:1143 as c…"),
        "{text}"
    );
    assert!(
        !text.contains("not-the-password") && !text.contains(&user),
        "{text}"
    );
    // Not retried with back-off (that would take minutes); a hang guard, not a speed check.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    eprintln!("wrong password reported after {took:?}");
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_config_error() {
    let user = rig().user("untrusted");
    let mut config = rig().imap_config(&user, TlsMode::Implicit);
    config.server.ca_file = None; // the rig's private CA is not among the webpki roots
    let mut mailbox = Mailbox::open(&config, MailboxOptions::default()).unwrap();
    let err = mailbox.connect().await.unwrap_err();
    assert!(matches!(err, MailboxError::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[tokio::test]
async fn plaintext_to_a_non_loopback_host_is_refused() {
    let mut config = rig().imap_config("consult@example.test", TlsMode::None);
    config.server.host = "mail.example.test".into();
    let err = Mailbox::open(&config, MailboxOptions::default()).unwrap_err();
    assert!(matches!(err, MailboxError::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("plaintext is refused"), "{err}");
}

#[tokio::test]
async fn fetch_new_returns_exactly_the_delivered_messages_in_uid_order_without_seen() {
    let user = rig().user("fetch");
    let mut sent = Vec::new();
    for i in 0..3 {
        let mut raw = message(
            &format!("{}@example.test", unique("q")),
            &format!("question {i}"),
            &format!("Can 99213 go with 36415? ({i})"),
        );
        if i == 1 {
            // 8-bit text must come back byte for byte too.
            raw.extend_from_slice("Caf\u{e9} \u{2014} d\u{e9}j\u{e0} vu\r\n".as_bytes());
        }
        rig().deliver(&user, &raw).await;
        sent.push(raw);
    }
    let mut mailbox = open(&user, TlsMode::Starttls);

    // Delivery is asynchronous (Postfix, then LMTP): wait until all three are there.
    let deadline = Instant::now() + Duration::from_secs(10);
    let batch = loop {
        let batch = mailbox.fetch_new(None, 10).await.unwrap();
        if batch.messages.len() == 3 || Instant::now() > deadline {
            break batch;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(batch.messages.len(), 3);
    assert!(!batch.uidvalidity_changed && !batch.more);
    let uids: Vec<u32> = batch.messages.iter().map(|m| m.uid).collect();
    assert!(uids.windows(2).all(|w| w[0] < w[1]), "{uids:?}");
    // Postfix may deliver in another order than sent: pair them by content.
    for got in &batch.messages {
        let want = sent
            .iter()
            .find(|w| got.raw.ends_with(w))
            .unwrap_or_else(|| {
                panic!(
                    "message {} differs:\n{}",
                    got.uid,
                    String::from_utf8_lossy(&got.raw)
                )
            });
        let prefix = &got.raw[..got.raw.len() - want.len()];
        assert!(
            only_trace_headers(prefix),
            "{}",
            String::from_utf8_lossy(prefix)
        );
        assert_eq!(got.size as usize, got.raw.len());
        assert!(!got.truncated && got.received.is_some());
        assert_eq!(got.uidvalidity, batch.uidvalidity);
    }
    assert_eq!(batch.next, batch.messages[2].cursor());

    // Nothing was flagged \Seen by fetching.
    let mut peek = rig().peek(&user).await;
    peek.select("INBOX").await.unwrap();
    for uid in &uids {
        let f = flags(&mut peek, *uid).await;
        assert!(!f.iter().any(|f| f.contains("Seen")), "uid {uid}: {f:?}");
    }

    // From the cursor on, only what is new; with a limit, `more` says so.
    assert!(
        mailbox
            .fetch_new(Some(batch.next), 10)
            .await
            .unwrap()
            .messages
            .is_empty()
    );
    for i in 3..6 {
        let raw = message(
            &format!("{}@example.test", unique("q")),
            &format!("q{i}"),
            "hi",
        );
        rig().deliver(&user, &raw).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while peek.select("INBOX").await.unwrap().exists < 6 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first = mailbox.fetch_new(Some(batch.next), 2).await.unwrap();
    assert_eq!(first.messages.len(), 2);
    assert!(first.more);
    let rest = mailbox.fetch_new(Some(first.next), 2).await.unwrap();
    assert_eq!(rest.messages.len(), 1);
    assert!(!rest.more);
    assert!(rest.messages[0].uid > first.messages[1].uid);
    peek.logout().await.unwrap();
}

#[tokio::test]
async fn a_message_over_the_size_limit_comes_as_its_header_only() {
    let user = rig().user("big");
    let raw = message("big@example.test", "big", &"x".repeat(5000));
    rig().deliver(&user, &raw).await;
    let options = MailboxOptions {
        max_message_bytes: 1000,
        ..MailboxOptions::default()
    };
    let mut mailbox = Mailbox::open(&rig().imap_config(&user, TlsMode::Starttls), options).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let batch = loop {
        let batch = mailbox.fetch_new(None, 10).await.unwrap();
        if !batch.messages.is_empty() || Instant::now() > deadline {
            break batch;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let m = &batch.messages[0];
    assert!(m.truncated);
    assert!(m.size > 5000);
    assert!(m.raw.ends_with(b"\r\n\r\n") && m.raw.len() < 1000);
    assert!(String::from_utf8_lossy(&m.raw).contains("Message-ID: <big@example.test>"));
}

/// Delivers `n` messages and fetches until all are there.
async fn delivered(
    mailbox: &mut Mailbox,
    user: &str,
    n: usize,
) -> Vec<codedesk::mailbox::RawMessage> {
    for i in 0..n {
        let raw = message(
            &format!("{}@example.test", unique("m")),
            &format!("m{i}"),
            "text",
        );
        rig().deliver(user, &raw).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let batch = mailbox.fetch_new(None, 100).await.unwrap();
        if batch.messages.len() >= n || Instant::now() > deadline {
            assert_eq!(batch.messages.len(), n);
            return batch.messages;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn mark_processed_flags_seen_and_moves_to_the_processed_folder() {
    let user = rig().user("move");
    let mut config = rig().imap_config(&user, TlsMode::Starttls);
    config.processed_folder = Some("Processed".into());
    let mut mailbox = Mailbox::open(&config, MailboxOptions::default()).unwrap();
    let messages = delivered(&mut mailbox, &user, 2).await;
    let first = &messages[0];
    assert_eq!(
        mailbox
            .mark_processed(first.uidvalidity, first.uid)
            .await
            .unwrap(),
        Marked::Moved
    );
    // Repeating is harmless (a crash between the two steps is re-run).
    assert_eq!(
        mailbox
            .mark_processed(first.uidvalidity, first.uid)
            .await
            .unwrap(),
        Marked::Moved
    );
    assert_eq!(
        mailbox
            .mark_processed(first.uidvalidity.wrapping_add(1), first.uid)
            .await
            .unwrap(),
        Marked::Stale
    );

    let mut peek = rig().peek(&user).await;
    let inbox = peek.select("INBOX").await.unwrap();
    assert_eq!(inbox.exists, 1, "one left in INBOX");
    let left = flags(&mut peek, messages[1].uid).await;
    assert!(!left.iter().any(|f| f.contains("Seen")), "{left:?}");
    let processed = peek.select("Processed").await.unwrap();
    assert_eq!(processed.exists, 1);
    let moved: Vec<_> = peek
        .fetch("1", "(FLAGS BODY.PEEK[])")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(moved[0].flags().any(|f| format!("{f:?}").contains("Seen")));
    assert_eq!(moved[0].body().unwrap(), first.raw.as_slice());
    peek.logout().await.unwrap();
}

#[tokio::test]
async fn without_a_processed_folder_marking_only_flags_seen() {
    let user = rig().user("seen");
    let mut mailbox = open(&user, TlsMode::Implicit);
    let messages = delivered(&mut mailbox, &user, 1).await;
    let m = &messages[0];
    assert_eq!(
        mailbox.mark_processed(m.uidvalidity, m.uid).await.unwrap(),
        Marked::Seen
    );
    let mut peek = rig().peek(&user).await;
    assert_eq!(peek.select("INBOX").await.unwrap().exists, 1);
    assert!(
        flags(&mut peek, m.uid)
            .await
            .iter()
            .any(|f| f.contains("Seen"))
    );
    peek.logout().await.unwrap();
}

#[tokio::test]
async fn idle_wakes_within_two_seconds_of_a_delivery() {
    let user = rig().user("idle");
    let mut mailbox = open(&user, TlsMode::Starttls);
    assert!(
        mailbox
            .fetch_new(None, 10)
            .await
            .unwrap()
            .messages
            .is_empty()
    );
    let (_stop, mut shutdown) = watch::channel(false);
    let raw = message("idle@example.test", "idle", "wake up");
    let delivery = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rig().deliver(&user, &raw).await;
        Instant::now()
    };
    let waiting = async {
        let wake = mailbox
            .wait_for_mail(Duration::from_secs(20), &mut shutdown)
            .await;
        (wake, Instant::now())
    };
    let (delivered_at, (wake, woke_at)) = tokio::join!(delivery, waiting);
    assert_eq!(wake.unwrap(), Wake::NewMail);
    let delay = woke_at.duration_since(delivered_at);
    eprintln!("IDLE woke {delay:?} after the SMTP server accepted the message");
    assert!(delay < Duration::from_secs(2), "{delay:?}");
    let batch = mailbox.fetch_new(None, 10).await.unwrap();
    assert_eq!(batch.messages.len(), 1);
}

#[tokio::test]
async fn idle_is_reissued_after_idle_renew_and_still_wakes() {
    let user = rig().user("renew");
    let options = MailboxOptions {
        idle_renew: Duration::from_millis(200),
        ..MailboxOptions::default()
    };
    let mut mailbox = Mailbox::open(&rig().imap_config(&user, TlsMode::Starttls), options).unwrap();
    mailbox.connect().await.unwrap();
    let (_stop, mut shutdown) = watch::channel(false);
    let raw = message("renew@example.test", "renew", "after a few IDLE rounds");
    let delivery = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        rig().deliver(&user, &raw).await;
        Instant::now()
    };
    let waiting = async {
        let wake = mailbox
            .wait_for_mail(Duration::from_secs(20), &mut shutdown)
            .await;
        (wake, Instant::now())
    };
    let (delivered_at, (wake, woke_at)) = tokio::join!(delivery, waiting);
    assert_eq!(wake.unwrap(), Wake::NewMail);
    assert!(woke_at.duration_since(delivered_at) < Duration::from_secs(2));
}

#[tokio::test]
async fn idle_returns_promptly_on_shutdown_and_the_session_stays_usable() {
    let user = rig().user("shutdown");
    let mut mailbox = open(&user, TlsMode::Starttls);
    mailbox.connect().await.unwrap();
    let (stop, mut shutdown) = watch::channel(false);
    let signal = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.send(true).unwrap();
        Instant::now()
    };
    let waiting = async {
        let wake = mailbox
            .wait_for_mail(Duration::from_secs(60), &mut shutdown)
            .await;
        (wake, Instant::now())
    };
    let (signalled_at, (wake, returned_at)) = tokio::join!(signal, waiting);
    assert_eq!(wake.unwrap(), Wake::Shutdown);
    let delay = returned_at.duration_since(signalled_at);
    eprintln!("IDLE returned {delay:?} after the shutdown signal");
    assert!(delay < Duration::from_millis(500), "{delay:?}");
    // Already shut down: returns at once.
    let wake = mailbox
        .wait_for_mail(Duration::from_secs(60), &mut shutdown)
        .await;
    assert_eq!(wake.unwrap(), Wake::Shutdown);
    assert!(mailbox.fetch_new(None, 10).await.is_ok());
}

#[tokio::test]
async fn wait_times_out_when_nothing_new_arrives_after_a_fetch() {
    let user = rig().user("timeout");
    let mut mailbox = open(&user, TlsMode::Starttls);
    // Mail already fetched must not wake the wait again.
    delivered(&mut mailbox, &user, 1).await;
    let (_stop, mut shutdown) = watch::channel(false);
    let started = Instant::now();
    let wake = mailbox
        .wait_for_mail(Duration::from_millis(700), &mut shutdown)
        .await;
    assert_eq!(wake.unwrap(), Wake::Timeout);
    let took = started.elapsed();
    // It waited the whole time (the upper bound only guards against a hang: a busy machine
    // may wake late).
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(20),
        "{took:?}"
    );
}

#[tokio::test]
async fn polling_without_idle_wakes_on_new_mail() {
    let user = rig().user("poll");
    let options = MailboxOptions {
        use_idle: false,
        poll_interval: Duration::from_millis(200),
        ..MailboxOptions::default()
    };
    let mut mailbox = Mailbox::open(&rig().imap_config(&user, TlsMode::Starttls), options).unwrap();
    mailbox.connect().await.unwrap();
    let (_stop, mut shutdown) = watch::channel(false);
    let raw = message("poll@example.test", "poll", "anyone?");
    let delivery = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rig().deliver(&user, &raw).await;
        Instant::now()
    };
    let waiting = async {
        let wake = mailbox
            .wait_for_mail(Duration::from_secs(10), &mut shutdown)
            .await;
        (wake, Instant::now())
    };
    let (delivered_at, (wake, woke_at)) = tokio::join!(delivery, waiting);
    assert_eq!(wake.unwrap(), Wake::NewMail);
    let delay = woke_at.duration_since(delivered_at);
    eprintln!("NOOP polling (200 ms) woke {delay:?} after delivery");
    assert!(delay < Duration::from_secs(1), "{delay:?}");
}

#[tokio::test]
async fn a_kicked_session_is_a_transient_error_and_the_next_call_reconnects() {
    let user = rig().user("kick");
    let mut mailbox = open(&user, TlsMode::Starttls);
    mailbox.connect().await.unwrap();

    // Kicked while idle: the wait ends with a transient error, promptly.
    let (_stop, mut shutdown) = watch::channel(false);
    let kick = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        rig().kick(&user);
        Instant::now()
    };
    let waiting = async {
        let wake = mailbox
            .wait_for_mail(Duration::from_secs(20), &mut shutdown)
            .await;
        (wake, Instant::now())
    };
    let (kicked_at, (wake, returned_at)) = tokio::join!(kick, waiting);
    let err = wake.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(returned_at.duration_since(kicked_at) < Duration::from_secs(2));
    assert!(mailbox.fetch_new(None, 10).await.is_ok(), "reconnects");

    // Kicked between commands: the next command fails transiently, the one after works.
    rig().kick(&user);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = mailbox.fetch_new(None, 10).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(mailbox.fetch_new(None, 10).await.is_ok(), "reconnects");
}

#[tokio::test]
async fn a_recreated_folder_reports_a_uidvalidity_change_and_rescans() {
    let user = rig().user("uidvalidity");
    let mut peek = rig().peek(&user).await;
    peek.create("Questions").await.unwrap();
    let raw = message("uv1@example.test", "uv", "one");
    peek.append("Questions", None, None, &raw).await.unwrap();

    let mut config = rig().imap_config(&user, TlsMode::Starttls);
    config.folder = "Questions".into();
    let mut mailbox = Mailbox::open(&config, MailboxOptions::default()).unwrap();
    let batch = mailbox.fetch_new(None, 10).await.unwrap();
    assert_eq!(batch.messages.len(), 1);
    assert_eq!(
        batch.messages[0].raw, raw,
        "APPENDed bytes come back exactly"
    );
    let cursor = batch.next;

    mailbox.disconnect().await;
    peek.delete("Questions").await.unwrap();
    peek.create("Questions").await.unwrap();
    let raw2 = message("uv2@example.test", "uv", "two");
    peek.append("Questions", None, None, &raw2).await.unwrap();

    let batch = mailbox.fetch_new(Some(cursor), 10).await.unwrap();
    assert!(batch.uidvalidity_changed);
    assert_ne!(batch.uidvalidity, cursor.uidvalidity);
    assert_eq!(batch.messages.len(), 1);
    assert_eq!(batch.messages[0].raw, raw2);
    // A stale cursor (other UIDVALIDITY) rescans from the start as well.
    let stale = Cursor {
        uidvalidity: 1,
        last_uid: 99,
    };
    assert!(
        mailbox
            .fetch_new(Some(stale), 10)
            .await
            .unwrap()
            .uidvalidity_changed
    );
    peek.logout().await.unwrap();
}

#[tokio::test]
async fn save_sent_appends_a_seen_copy_to_the_special_use_sent_folder() {
    let user = rig().user("sent");
    let mut mailbox = open(&user, TlsMode::Starttls);
    let reply = message(
        "reply@example.test",
        "Re: question",
        "99213 is an office visit.",
    );
    mailbox.save_sent(&reply).await.unwrap();
    mailbox.save_sent(&reply).await.unwrap(); // the folder is remembered
    let mut peek = rig().peek(&user).await;
    assert_eq!(peek.select("Sent").await.unwrap().exists, 2);
    let copies: Vec<_> = peek
        .fetch("1", "(FLAGS BODY.PEEK[])")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(copies[0].body().unwrap(), reply.as_slice());
    assert!(copies[0].flags().any(|f| format!("{f:?}").contains("Seen")));
    assert_eq!(peek.select("INBOX").await.unwrap().exists, 0);
    peek.logout().await.unwrap();
}

#[test]
fn describe_names_the_server_but_not_the_user_or_password() {
    let user = rig().user("describe");
    let text = open(&user, TlsMode::Implicit).describe();
    assert_eq!(
        text,
        format!("imap {HOST}:{} folder INBOX as c…", rig().imaps_port)
    );
}

/// Retention reaches the server (security finding 8): processed mail that arrived before the
/// cut-off is deleted from the folder (seen, UID up to the cursor), the processed folder and the
/// Sent folder; unread mail, mail past the cursor and newer mail stay.
#[tokio::test]
async fn retention_deletes_old_processed_mail_on_the_server_and_nothing_else() {
    let user = rig().user("purge");
    let mut config = rig().imap_config(&user, TlsMode::Starttls);
    config.processed_folder = Some("Processed".into());
    let mut peek = rig().peek(&user).await;
    // async-imap writes the internal date as given: it must come quoted.
    let old = Some("\"01-Jan-2020 10:00:00 +0000\"");
    let new = Some("\"01-Dec-2026 10:00:00 +0000\"");
    let put = |subject: &str| message(&format!("{subject}@example.test"), subject, "99213");
    // INBOX: 1 old seen, 2 old unread, 3 new seen, 4 old seen but past the cursor.
    peek.append("INBOX", Some("(\\Seen)"), old, &put("old-seen"))
        .await
        .unwrap();
    peek.append("INBOX", None, old, &put("old-unread"))
        .await
        .unwrap();
    peek.append("INBOX", Some("(\\Seen)"), new, &put("new-seen"))
        .await
        .unwrap();
    peek.append("INBOX", Some("(\\Seen)"), old, &put("old-past-cursor"))
        .await
        .unwrap();
    peek.create("Processed").await.unwrap();
    peek.append("Processed", Some("(\\Seen)"), old, &put("old-moved"))
        .await
        .unwrap();
    peek.append("Processed", Some("(\\Seen)"), new, &put("new-moved"))
        .await
        .unwrap();
    let mut mailbox = Mailbox::open(&config, MailboxOptions::default()).unwrap();
    mailbox.save_sent(&put("sent-now")).await.unwrap();
    peek.append("Sent", Some("(\\Seen)"), old, &put("old-sent"))
        .await
        .unwrap();
    let uidvalidity = peek.select("INBOX").await.unwrap().uid_validity.unwrap();

    let cursor = Cursor {
        uidvalidity,
        last_uid: 3,
    };
    let before = "2026-06-01".parse().unwrap();
    let deleted = mailbox
        .purge_server_copies(Some(cursor), before)
        .await
        .unwrap();
    assert_eq!(deleted, 3, "old-seen, old-moved, old-sent");

    assert_eq!(
        subjects(&mut peek, "INBOX").await,
        [
            "Subject: new-seen",
            "Subject: old-past-cursor",
            "Subject: old-unread"
        ]
    );
    assert_eq!(
        subjects(&mut peek, "Processed").await,
        ["Subject: new-moved"]
    );
    assert_eq!(subjects(&mut peek, "Sent").await, ["Subject: sent-now"]);
    // A wrong UIDVALIDITY leaves the folder alone (the processed and Sent folders have nothing
    // old left).
    let stale = Cursor {
        uidvalidity: uidvalidity.wrapping_add(1),
        last_uid: 10,
    };
    assert_eq!(
        mailbox
            .purge_server_copies(Some(stale), before)
            .await
            .unwrap(),
        0
    );
    peek.logout().await.unwrap();
}
