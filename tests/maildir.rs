//! The Maildir mailbox, the embedded default: stable UIDs across restarts, fetch in arrival
//! order, marking moves to `cur/` with `:2,S` (or a processed subfolder), waiting by polling,
//! shutdown, a lost state file reported as a UIDVALIDITY change, and the Sent copy.

use codedesk::config::MailboxConfig;
use codedesk::mailbox::{Mailbox, MailboxOptions, Marked, Wake};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::watch;

struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "codedesk-maildir-{label}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open(root: &Path, processed: Option<&str>) -> Mailbox {
    let config = MailboxConfig {
        path: root.to_path_buf(),
        processed_folder: processed.map(str::to_string),
        ..MailboxConfig::default()
    };
    Mailbox::open(&config, MailboxOptions::default()).unwrap()
}

/// Delivers like a Maildir MDA: write in tmp/, rename into new/.
fn deliver(root: &Path, name: &str, raw: &[u8]) {
    let tmp = root.join("tmp").join(name);
    std::fs::write(&tmp, raw).unwrap();
    std::fs::rename(&tmp, root.join("new").join(name)).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn fetch_and_mark_seen_round_trip_with_stable_uids() {
    let dir = TempDir::new("roundtrip");
    let root = dir.0.join("inbox");
    let mut mailbox = open(&root, None);
    mailbox.connect().await.unwrap(); // creates new/ cur/ tmp/
    for i in 0..3 {
        deliver(
            &root,
            &format!("100{i}.M1P1.host"),
            format!("Subject: q{i}\r\n\r\nbody {i}\r\n").as_bytes(),
        );
        // Arrival order is file time order.
        std::thread::sleep(Duration::from_millis(15));
    }
    let batch = mailbox.fetch_new(None, 10).await.unwrap();
    let uids: Vec<u32> = batch.messages.iter().map(|m| m.uid).collect();
    assert_eq!(uids, [1, 2, 3]);
    assert_eq!(batch.messages[1].raw, b"Subject: q1\r\n\r\nbody 1\r\n");
    assert!(
        batch
            .messages
            .iter()
            .all(|m| m.received.is_some() && !m.truncated)
    );

    // A restarted worker sees the same UIDs.
    let mut again = open(&root, None);
    let batch2 = again.fetch_new(None, 10).await.unwrap();
    assert_eq!(batch2.uidvalidity, batch.uidvalidity);
    assert_eq!(
        batch2.messages.iter().map(|m| m.uid).collect::<Vec<_>>(),
        uids
    );

    let m = &batch.messages[0];
    assert_eq!(
        mailbox.mark_processed(m.uidvalidity, m.uid).await.unwrap(),
        Marked::Seen
    );
    assert_eq!(
        mailbox.mark_processed(m.uidvalidity, m.uid).await.unwrap(),
        Marked::Seen
    );
    assert_eq!(names(&root.join("cur")), ["1000.M1P1.host:2,S"]);
    assert_eq!(names(&root.join("new")).len(), 2);

    // Only what is new after the cursor; `more` with a limit.
    assert!(
        mailbox
            .fetch_new(Some(batch.next), 10)
            .await
            .unwrap()
            .messages
            .is_empty()
    );
    deliver(&root, "2000.M1P1.host", b"Subject: late\r\n\r\nx\r\n");
    let late = mailbox.fetch_new(Some(batch.next), 10).await.unwrap();
    assert_eq!(late.messages.len(), 1);
    assert_eq!(late.messages[0].uid, 4);
    let limited = mailbox.fetch_new(None, 1).await.unwrap();
    assert!(limited.more && limited.messages.len() == 1);
}

#[tokio::test]
async fn marking_with_a_processed_folder_moves_into_a_maildir_subfolder() {
    let dir = TempDir::new("processed");
    let root = dir.0.clone();
    let mut mailbox = open(&root, Some("Done"));
    mailbox.connect().await.unwrap();
    deliver(&root, "1.M1P1.host", b"Subject: a\r\n\r\nx\r\n");
    let m = mailbox
        .fetch_new(None, 10)
        .await
        .unwrap()
        .messages
        .remove(0);
    assert_eq!(
        mailbox.mark_processed(m.uidvalidity, m.uid).await.unwrap(),
        Marked::Moved
    );
    assert_eq!(names(&root.join(".Done/cur")), ["1.M1P1.host:2,S"]);
    assert!(names(&root.join("new")).is_empty());
    assert_eq!(
        mailbox
            .mark_processed(m.uidvalidity + 1, m.uid)
            .await
            .unwrap(),
        Marked::Stale
    );
}

#[tokio::test]
async fn waiting_wakes_on_a_new_file_times_out_and_honours_shutdown() {
    let dir = TempDir::new("wait");
    let root = dir.0.clone();
    let mut mailbox = open(&root, None);
    mailbox.connect().await.unwrap();
    let (stop, mut shutdown) = watch::channel(false);

    let started = Instant::now();
    let wake = mailbox
        .wait_for_mail(Duration::from_millis(300), &mut shutdown)
        .await
        .unwrap();
    assert_eq!(wake, Wake::Timeout);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let delivery = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        deliver(&root, "5.M1P1.host", b"Subject: w\r\n\r\nx\r\n");
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
    eprintln!("Maildir wait woke {delay:?} after delivery");
    assert!(delay < Duration::from_millis(400), "{delay:?}");

    // Fetched mail does not wake the next wait; shutdown ends it at once.
    mailbox.fetch_new(None, 10).await.unwrap();
    let signal = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.send(true).unwrap();
        Instant::now()
    };
    let waiting = async {
        let wake = mailbox
            .wait_for_mail(Duration::from_secs(10), &mut shutdown)
            .await;
        (wake, Instant::now())
    };
    let (signalled_at, (wake, returned_at)) = tokio::join!(signal, waiting);
    assert_eq!(wake.unwrap(), Wake::Shutdown);
    assert!(returned_at.duration_since(signalled_at) < Duration::from_millis(100));
}

#[tokio::test]
async fn a_lost_state_file_is_reported_as_a_uidvalidity_change() {
    let dir = TempDir::new("state");
    let root = dir.0.clone();
    let mut mailbox = open(&root, None);
    mailbox.connect().await.unwrap();
    deliver(&root, "1.M1P1.host", b"Subject: a\r\n\r\nx\r\n");
    let first = mailbox.fetch_new(None, 10).await.unwrap();
    std::fs::remove_file(root.join(".codedesk-uids")).unwrap();
    // The new UIDVALIDITY comes from the clock (milliseconds): make sure it differs.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let mut restarted = open(&root, None);
    let batch = restarted.fetch_new(Some(first.next), 10).await.unwrap();
    assert!(batch.uidvalidity_changed);
    assert_eq!(batch.messages.len(), 1, "re-scanned from the start");
}

#[tokio::test]
async fn save_sent_writes_a_seen_copy_into_the_sent_subfolder() {
    let dir = TempDir::new("sent");
    let root = dir.0.clone();
    let mut mailbox = open(&root, None);
    mailbox
        .save_sent(b"Subject: Re: a\r\n\r\nanswer\r\n")
        .await
        .unwrap();
    let cur = root.join(".Sent/cur");
    let sent = names(&cur);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].ends_with(":2,S"), "{sent:?}");
    assert_eq!(
        std::fs::read(cur.join(&sent[0])).unwrap(),
        b"Subject: Re: a\r\n\r\nanswer\r\n"
    );
    assert!(names(&root.join(".Sent/tmp")).is_empty());
}
