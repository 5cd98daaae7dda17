//! What staff were told, as the store keeps it: a case announced or reminded once whoever asks,
//! and a digest number claimed by one worker only, with the cases no one announced yet.

mod common;

use codedesk::store::cases::{self, CaseId, Inserted, NewCase};
use codedesk::store::staff_notices as notices;
use common::{ENGINES, TestDb};

async fn received(s: &codedesk::store::Store, uid: u32) -> i64 {
    let mid = format!("notice-{uid}@clinic.example");
    let new = NewCase {
        mailbox: "default",
        uidvalidity: 1,
        uid,
        message_id: Some(&mid),
        raw: b"Subject: x\r\n\r\n99213\r\n",
        full_size: 0,
        sender: Some("pat@clinic.example"),
        recipient: None,
        subject: Some("x"),
    };
    match cases::insert_received(s, &new, "w", 100).await.unwrap() {
        Inserted::New(CaseId(id)) => id,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_notice_and_digest_is_claimed_once() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let s = &db.store;
        let (a, b, c) = (
            received(s, 1).await,
            received(s, 2).await,
            received(s, 3).await,
        );
        assert!(notices::claim(s, a, "overdue", 10).await.unwrap());
        assert!(
            !notices::claim(s, a, "overdue", 11).await.unwrap(),
            "{engine:?}"
        );
        assert!(notices::claim(s, a, "held", 10).await.unwrap());
        notices::finish(s, a, "held", true, "250 ok", 12)
            .await
            .unwrap();
        assert_eq!(
            notices::state(s, a, "held").await.unwrap().as_deref(),
            Some("sent")
        );

        // Two workers claim digest 1 at once: one gets the cases, the other nothing.
        let all = [a, b, c];
        let (one, two) = tokio::join!(
            notices::claim_digest(s, 1, &all, 20),
            notices::claim_digest(s, 1, &all, 20)
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        let mut won = [one.clone(), two.clone()];
        won.sort();
        assert_eq!(
            won,
            [vec![], vec![b, c]],
            "{engine:?}: a was announced already"
        );
        assert_eq!(notices::last_digest(s).await.unwrap(), Some((1, 20)));
        notices::finish_digest(s, 1, true, "250 ok", 21)
            .await
            .unwrap();
        for id in [b, c] {
            assert_eq!(
                notices::state(s, id, "held").await.unwrap().as_deref(),
                Some("sent"),
                "{engine:?}"
            );
        }
        // Digest 2 finds no case left to list.
        assert!(
            notices::claim_digest(s, 2, &all, 30)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
