//! The ingest lease on both engines: one holder per mailbox at a time, free again when the holder
//! gives it up or its connection ends, independent between mailboxes.

mod common;
use codedesk::store::lease;
use common::{ENGINES, Engine, TestDb};

#[tokio::test]
async fn one_holder_per_mailbox_and_free_again_after_release() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let (s, url) = (&db.store, db.url.as_str());
        let a = "imap://consult@127.0.0.1:1143/INBOX";
        let b = "imap://billing@127.0.0.1:1143/INBOX";
        let mut first = lease::try_take(s, url, a)
            .await
            .unwrap()
            .expect("a free lease");
        assert!(first.still_held().await, "{engine:?}");
        assert!(
            lease::try_take(s, url, a).await.unwrap().is_none(),
            "{engine:?}: a second holder of the same mailbox"
        );
        let other = lease::try_take(s, url, b).await.unwrap();
        assert!(
            other.is_some(),
            "{engine:?}: another mailbox has its own lease"
        );
        first.release().await;
        let again = lease::try_take(s, url, a).await.unwrap();
        assert!(again.is_some(), "{engine:?}: free after release");
        // Dropping a holder (its process dying) frees it too.
        drop(again);
        // PostgreSQL ends the session when it reads the closed socket: a moment, not a timeout.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            if lease::try_take(s, url, a).await.unwrap().is_some() {
                break;
            }
            assert!(
                engine == Engine::Postgres && std::time::Instant::now() < deadline,
                "{engine:?}: not free after the holder went away"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}
