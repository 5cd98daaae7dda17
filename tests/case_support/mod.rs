//! Cases in any state for storage tests, made through `store::cases` the way the worker makes
//! them.
#![allow(dead_code)]

use codedesk::store::Store;
use codedesk::store::cases::{self, CaseId, CaseState, Inserted, NewCase, StoredReply};

pub fn raw(uid: u32) -> Vec<u8> {
    format!(
        "From: Pat <pat@clinic.example>\r\nTo: consult@example.test\r\nMessage-ID: <q{uid}@clinic.example>\r\n\
         Subject: question {uid}\r\n\r\nIs 99214 with 96372 -25 right?\r\n"
    )
    .into_bytes()
}

/// A stored answer reply for `case`, as the worker records one.
pub fn reply(case: CaseId) -> StoredReply {
    StoredReply {
        kind: "answer".into(),
        message_id: format!("reply-{}@codedesk.test", case.0),
        to: "pat@clinic.example".into(),
        subject: "Re: question".into(),
        text: "99214 is ...".into(),
        raw: b"Subject: Re: question\r\n\r\n99214 is ...\r\n".to_vec(),
        case_ref: format!("CD-{}", case.0),
        thread_of: None,
        confidence: Some("high".into()),
        question_codes: " 99214 96372 25 ".into(),
    }
}

/// One case brought to `target` with every step at time `at`. Cases left unclaimed (received,
/// approved) must be made after the others so claims pick the right one.
pub async fn case_in(store: &Store, uid: u32, target: CaseState, at: i64) -> CaseId {
    case_at(store, uid, target, at, at).await
}

/// As [`case_in`], received at `received` and every later step at `at`.
pub async fn case_at(store: &Store, uid: u32, target: CaseState, received: i64, at: i64) -> CaseId {
    case_of(store, uid, &raw(uid), target, received, at).await
}

/// As [`case_at`], of the message `body` (its Message-ID is taken to be `q{uid}@clinic.example`).
pub async fn case_of(
    store: &Store,
    uid: u32,
    body: &[u8],
    target: CaseState,
    received: i64,
    at: i64,
) -> CaseId {
    let mid = format!("q{uid}@clinic.example");
    let new = NewCase {
        mailbox: "imap://consult@rig/INBOX",
        uidvalidity: 7,
        uid,
        message_id: Some(&mid),
        raw: body,
        full_size: 0,
        sender: Some("pat@clinic.example"),
        recipient: None,
        subject: Some("question"),
    };
    let id = match cases::insert_received(store, &new, "w", received)
        .await
        .unwrap()
    {
        Inserted::New(id) => id,
        other => panic!("expected a new case, got {other:?}"),
    };
    if target == CaseState::Received {
        return id;
    }
    let owner = format!("w{uid}");
    let claimed = cases::claim(store, CaseState::Received, &owner, at, 600, 1)
        .await
        .unwrap();
    assert_eq!(claimed, vec![id]);
    match target {
        CaseState::Ignored => {
            assert!(
                cases::ignore(store, id, &owner, "automatic mail", at)
                    .await
                    .unwrap()
            );
            return id;
        }
        CaseState::Failed => {
            assert!(
                cases::fail(store, id, Some(&owner), &owner, "broken", at)
                    .await
                    .unwrap()
            );
            return id;
        }
        _ => {}
    }
    assert!(
        cases::record_reply(store, id, &owner, &reply(id), at)
            .await
            .unwrap()
    );
    if target == CaseState::Answered {
        return id;
    }
    if target == CaseState::Held {
        assert!(
            cases::route(store, id, &owner, CaseState::Held, "review", at)
                .await
                .unwrap()
        );
        return id;
    }
    assert!(
        cases::route(store, id, &owner, CaseState::Approved, "auto", at)
            .await
            .unwrap()
    );
    if target == CaseState::Approved {
        return id;
    }
    let claimed = cases::claim(store, CaseState::Approved, &owner, at, 600, 1)
        .await
        .unwrap();
    assert_eq!(claimed, vec![id]);
    assert!(cases::begin_sending(store, id, &owner, at).await.unwrap());
    if target == CaseState::Sending {
        return id;
    }
    assert!(
        cases::mark_sent(store, id, &owner, "250 ok", at)
            .await
            .unwrap()
    );
    id
}
