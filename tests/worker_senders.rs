//! The sender rules against the worker as a real process: the guest quota and the rate limit count
//! where the reply goes (Reply-To, else From), not the From alone; a batch of questions processed
//! at once stays within the quota; `+tag`, Gmail's dots and letter case make no new sender, for
//! the quota and for blocks. Replies wait for staff (review = always) unless a test sends them, so
//! addresses outside the mail rig's domain are never mailed. Also: a held answer names the ask the data
//! could not answer; and sender authentication (security finding 3).

mod common;
mod rig;
mod worker_support;

use codedesk::store::cases::{self, Case, CaseFilter, CaseState};
use common::{ENGINES, Engine};
use std::time::Duration;
use worker_support::{Desk, DeskOptions, append};

const MINUTE: Duration = Duration::from_secs(60);

/// A guest desk: members are one domain the askers are not in.
fn guests(quota: u32, blocked: &str) -> DeskOptions {
    DeskOptions {
        review: "always",
        senders: format!(
            "members = [\"members.example.test\"]\nguest_quota = {quota}\nblocked = [{blocked}]\n"
        ),
        ..DeskOptions::default()
    }
}

/// A question from `from`, with `Reply-To: reply_to` when given.
fn question(desk: &Desk, id: &str, from: &str, reply_to: Option<&str>) -> Vec<u8> {
    let reply_to = reply_to
        .map(|r| format!("Reply-To: {r}\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\n{reply_to}To: {consult}\r\nSubject: Office visit\r\nMessage-ID: <{id}>\r\n\
         Date: Tue, 13 Jan 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Can I bill 99214-25 with 96372?\r\n",
        consult = desk.consult
    )
    .into_bytes()
}

/// Every case, oldest first.
async fn all_cases(desk: &Desk) -> Vec<Case> {
    let mut all = cases::list(
        &desk.db.store,
        &CaseFilter {
            limit: 1000,
            ..CaseFilter::default()
        },
    )
    .await
    .unwrap();
    all.sort_by_key(|c| c.id);
    all
}

/// The reply kind of each case (or its state and reason when it has no reply), oldest first.
async fn outcomes(desk: &Desk) -> Vec<String> {
    all_cases(desk)
        .await
        .into_iter()
        .map(|c| match c.reply_kind {
            Some(kind) => kind,
            None => format!("{} ({})", c.state, c.reason.unwrap_or_default()),
        })
        .collect()
}

/// Waits until `n` cases exist and none is waiting to be processed (an approved case is still on
/// its way to the outbox: the checks after this read its state).
async fn processed(desk: &Desk, n: usize) {
    desk.wait_until(&format!("{n} cases processed"), MINUTE, || async {
        let all = all_cases(desk).await;
        all.len() == n
            && all.iter().all(|c| {
                !matches!(
                    c.state,
                    CaseState::Received | CaseState::Answered | CaseState::Approved
                )
            })
    })
    .await;
}

/// Delivers each question after the one before is processed (no batch).
async fn one_by_one(desk: &Desk, questions: &[Vec<u8>]) {
    for (i, q) in questions.iter().enumerate() {
        append(&desk.consult, q).await;
        processed(desk, i + 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guest_quota_counts_where_the_reply_goes_not_the_from() {
    let mut desk = Desk::new(Engine::Sqlite, "quota-replyto", guests(1, "")).await;
    desk.start();
    let pid = std::process::id();
    let questions: Vec<_> = (1..=3)
        .map(|i| {
            question(
                &desk,
                &format!("q-rt{i}-{pid}@asker.example.test"),
                &format!("Guest <from{i}-{pid}@elsewhere.example>"),
                Some(&desk.asker),
            )
        })
        .collect();
    one_by_one(&desk, &questions).await;
    assert_eq!(
        outcomes(&desk).await,
        ["answer", "over-quota", "over-quota"],
        "three Froms, one recipient: one guest"
    );
    for c in all_cases(&desk).await {
        assert_eq!(c.reply_to.as_deref(), Some(desk.asker.as_str()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_questions_gets_no_more_answers_than_the_quota() {
    for engine in ENGINES {
        let mut desk = Desk::new(engine, "quota-batch", guests(2, "")).await;
        let pid = std::process::id();
        // One batch: all in the mailbox before the worker starts, processed at once.
        for i in 1..=3 {
            let q = question(
                &desk,
                &format!("q-batch{i}-{pid}@asker.example.test"),
                &desk.asker,
                None,
            );
            append(&desk.consult, &q).await;
        }
        desk.start();
        processed(&desk, 3).await;
        assert_eq!(
            outcomes(&desk).await,
            ["answer", "answer", "over-quota"],
            "{engine:?}: quota 2, three questions in one batch"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_dots_and_letter_case_make_no_new_guest_and_no_way_round_a_block() {
    let mut desk = Desk::new(
        Engine::Sqlite,
        "quota-variants",
        guests(1, "\"blocked.person@gmail.com\""),
    )
    .await;
    desk.start();
    let pid = std::process::id();
    let froms = [
        "Jane <Jane.Doe+q1@gmail.com>",
        "Jane <JANEDOE+q2@googlemail.com>",
        "Jane <j.a.n.e.d.o.e@GMAIL.COM>",
        "Someone <Blocked.Person+x@GoogleMail.com>",
    ];
    let questions: Vec<_> = froms
        .iter()
        .enumerate()
        .map(|(i, from)| {
            question(
                &desk,
                &format!("q-var{i}-{pid}@asker.example.test"),
                from,
                None,
            )
        })
        .collect();
    one_by_one(&desk, &questions).await;
    assert_eq!(
        outcomes(&desk).await,
        [
            "answer",
            "over-quota",
            "over-quota",
            "ignored (blocked sender)"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_counts_where_the_reply_goes() {
    // Everyone is a member; one message an hour per recipient; replies are sent.
    let mut desk = Desk::new(
        Engine::Sqlite,
        "rate-replyto",
        DeskOptions {
            review: "never",
            rate_per_hour: 1,
            ..DeskOptions::default()
        },
    )
    .await;
    let pid = std::process::id();
    for i in 1..=4 {
        let q = question(
            &desk,
            &format!("q-rate{i}-{pid}@asker.example.test"),
            &format!("Bot <bot{i}-{pid}@elsewhere.example>"),
            Some(&desk.asker),
        );
        append(&desk.consult, &q).await;
    }
    desk.start();
    desk.wait_until("four cases settled", MINUTE, || async {
        let all = all_cases(&desk).await;
        all.len() == 4
            && all.iter().all(|c| {
                matches!(
                    c.state,
                    CaseState::Sent | CaseState::Held | CaseState::Ignored | CaseState::Failed
                )
            })
    })
    .await;
    let all = all_cases(&desk).await;
    let states: Vec<(CaseState, String)> = all
        .iter()
        .map(|c| (c.state, c.reason.clone().unwrap_or_default()))
        .collect();
    assert_eq!(all[0].state, CaseState::Sent, "{states:?}");
    for c in &all[1..3] {
        assert_eq!(c.state, CaseState::Held, "{states:?}");
    }
    assert_eq!(all[3].state, CaseState::Ignored, "{states:?}");
    assert!(
        all[3]
            .reason
            .as_deref()
            .unwrap_or("")
            .starts_with("rate limit"),
        "{states:?}"
    );
    let held_why: Vec<String> = {
        let mut why = Vec::new();
        for c in &all[1..3] {
            let events = cases::events(&desk.db.store, c.id).await.unwrap();
            why.push(events.last().unwrap().detail.clone().unwrap_or_default());
        }
        why
    };
    assert!(
        held_why.iter().all(|w| w.starts_with("rate limit")),
        "{held_why:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_answer_names_the_ask_the_data_could_not_answer() {
    let mut desk = Desk::new(
        Engine::Sqlite,
        "held-ask",
        DeskOptions {
            review: "when-unsure",
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let q = format!(
        "From: {asker}\r\nTo: {consult}\r\nSubject: coverage\r\nMessage-ID: <q-held-ask-{pid}@asker.example.test>\r\n\
         Date: Tue, 13 Jan 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Is an MRI covered for M54.16, and how often?\r\n",
        asker = desk.asker,
        consult = desk.consult,
        pid = std::process::id()
    );
    append(&desk.consult, q.as_bytes()).await;
    processed(&desk, 1).await;
    let case = &all_cases(&desk).await[0];
    assert_eq!(case.state, CaseState::Held);
    let events = cases::events(&desk.db.store, case.id).await.unwrap();
    let held = events
        .iter()
        .rev()
        .find(|e| e.to_state == CaseState::Held)
        .and_then(|e| e.detail.clone())
        .unwrap_or_default();
    assert!(
        held.contains("low confidence")
            && held.contains("not answered from the data: coverage and medical necessity"),
        "{held}"
    );
}

/// Why a case was held, from its history.
async fn held_reason(desk: &Desk, case: &Case) -> String {
    cases::events(&desk.db.store, case.id)
        .await
        .unwrap()
        .iter()
        .rev()
        .find(|e| e.to_state == CaseState::Held)
        .and_then(|e| e.detail.clone())
        .unwrap_or_default()
}

/// Security finding 3 against the real worker: with `authserv_id` set, only a From that the
/// desk's own server authenticated is answered without review; a forged one (no header, or a
/// header written by someone else) waits for a person, a stranger gets no notice at all, and an
/// unaligned Reply-To of a non-member is not where the reply goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_authenticated_senders_are_answered_and_forged_ones_get_no_notice() {
    let mut desk = Desk::new(
        Engine::Sqlite,
        "sender-auth",
        DeskOptions {
            review: "never",
            senders: "members = [\"example.test\"]\nguest_quota = 0\n\
                      authserv_id = \"mx.desk.example.test\"\n"
                .into(),
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let pid = std::process::id();
    let pass = "Authentication-Results: mx.desk.example.test; dmarc=pass header.from=example.test";
    let forged = "Authentication-Results: mx.evil.example; dmarc=pass header.from=example.test";
    let q = |id: &str, from: &str, extra: &str| {
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("{extra}\r\n")
        };
        format!(
            "{extra}From: {from}\r\nTo: {consult}\r\nSubject: Office visit\r\n\
             Message-ID: <{id}-{pid}@asker.example.test>\r\nDate: Tue, 13 Jan 2026 10:00:00 +0000\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nCan I bill 99214-25 with 96372?\r\n",
            consult = desk.consult
        )
        .into_bytes()
    };
    let stranger = format!("Victim <victim-{pid}@elsewhere.example>");
    let questions = [
        q("auth-pass", &desk.asker, pass),
        q("auth-none", &desk.asker, ""),
        q("auth-forged", &desk.asker, forged),
        q("auth-stranger", &stranger, ""),
        q(
            "auth-replyto",
            &desk.asker,
            &format!("{pass}\r\nReply-To: other-{pid}@elsewhere.example"),
        ),
    ];
    one_by_one(&desk, &questions).await;
    let all = all_cases(&desk).await;
    assert_eq!(all.len(), 5);

    let going = |c: &Case| matches!(c.state, CaseState::Sending | CaseState::Sent);
    assert!(
        going(&all[0]),
        "authenticated member: answered: {:?}",
        all[0]
    );
    for c in [&all[1], &all[2]] {
        assert_eq!(c.state, CaseState::Held, "{c:?}");
        let why = held_reason(&desk, c).await;
        assert!(why.contains("sender not authenticated"), "{why}");
    }
    assert_eq!(all[3].state, CaseState::Ignored, "{:?}", all[3]);
    assert!(
        all[3]
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("no notice sent"),
        "{:?}",
        all[3].reason
    );
    assert_eq!(
        all[3].reply_kind, None,
        "no notice composed for a forged stranger"
    );
    assert!(going(&all[4]), "{:?}", all[4]);
    assert_eq!(
        all[4].reply_to.as_deref(),
        Some(desk.asker.as_str()),
        "an unaligned Reply-To of a non-member is dropped"
    );
}
