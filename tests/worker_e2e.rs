//! The worker as a real process (the built binary) against the mail rig's Dovecot and Postfix, on
//! SQLite and PostgreSQL: one threaded reply per question, held cases not sent, bounces never
//! answered, odd messages recorded, and exactly one reply each across SIGKILLs and restarts.

mod common;
mod rig;
mod worker_support;

use codedesk::store::cases::{self, CaseFilter, CaseState};
use common::{ENGINES, Engine};
use std::collections::HashMap;
use std::time::Duration;
use worker_support::{
    Desk, DeskOptions, append, binary, chaos_rig, eml_files, inbox, restart_dovecot, start_postfix,
    stop_postfix,
};

const MINUTE: Duration = Duration::from_secs(60);

async fn settled(desk: &Desk) -> bool {
    let c = desk.counts().await;
    let busy: i64 = c
        .iter()
        .filter(|(s, _)| {
            matches!(
                s,
                CaseState::Received
                    | CaseState::Answered
                    | CaseState::Approved
                    | CaseState::Sending
            )
        })
        .map(|(_, n)| n)
        .sum();
    busy == 0
}

async fn one_question_one_reply(engine: Engine) {
    let mut desk = Desk::new(engine, "one", DeskOptions::default()).await;
    desk.start();
    let qid = format!("q-one-{}@asker.example.test", std::process::id());
    desk.deliver(&desk.question(
        &qid,
        "Office visit with injection",
        "Can I bill 99214-25 with 96372 on the same day?",
    ))
    .await;
    let asker = desk.asker.clone();
    desk.wait_until("the reply in the asker's INBOX", MINUTE, || async {
        !inbox(&asker).await.is_empty()
    })
    .await;
    // Evidence, not time: every submission Postfix took is in the INBOX before counting.
    desk.wait_delivered(MINUTE).await;
    let got = inbox(&desk.asker).await;
    assert_eq!(got.len(), 1, "{engine:?}: exactly one reply: {got:?}");
    let reply = &got[0];
    assert_eq!(
        reply.in_reply_to, qid,
        "{engine:?}: threaded to the question"
    );
    assert!(
        reply.subject.starts_with("Re: Office visit with injection"),
        "{}",
        reply.subject
    );
    let text = String::from_utf8_lossy(&reply.raw);
    assert!(
        text.contains("99214") && text.contains("96372"),
        "{engine:?}: the answer names the codes:\n{text}"
    );
    assert!(text.contains("Auto-Submitted: auto-replied"), "{text}");
    let case = cases::find_by_message_id(&desk.db.store, &qid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.state, CaseState::Sent);
    assert_eq!(
        case.reply_message_id.as_deref(),
        Some(reply.message_id.as_str())
    );
    // The Message-ID is not guessable from the case and the time (security finding 9): its
    // nonce is random, not the second of sending.
    let nonce = reply
        .message_id
        .split('@')
        .next()
        .and_then(|local| local.rsplit('.').next())
        .unwrap_or_default();
    let sent_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let as_number: u64 = nonce.parse().unwrap_or(u64::MAX);
    assert!(
        as_number.abs_diff(sent_at) > 86_400,
        "{engine:?}: the reply's Message-ID {} carries the time",
        reply.message_id
    );
    // The copy to our own address came back and was not taken for a question.
    desk.wait_until("the receipt copy read", MINUTE, || async {
        settled(&desk).await
    })
    .await;
    let all = cases::count(&desk.db.store, &CaseFilter::default())
        .await
        .unwrap();
    assert_eq!(all, 1, "{engine:?}: the reply's copy is not a new case");
    let status = desk.terminate(Duration::from_secs(15));
    assert!(
        status.success(),
        "{engine:?}: SIGTERM ends the worker cleanly: {status}\n{}",
        desk.log_text()
    );
    let log = desk.log_text();
    assert!(
        !log.contains(&desk.asker),
        "no addresses in the info log:\n{log}"
    );
    assert!(
        !log.contains("96372"),
        "no message text in the info log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_gets_exactly_one_threaded_reply_on_sqlite() {
    one_question_one_reply(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_gets_exactly_one_threaded_reply_on_postgres() {
    one_question_one_reply(Engine::Postgres).await;
}

/// Issue 19: "delivery" is obstetric coding language. Questions whose subjects read like bounces
/// ("Delivery status ...", "Undeliverable ...") were ignored as automatic mail; each is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_with_delivery_subjects_are_answered() {
    let mut desk = Desk::new(Engine::Sqlite, "delivery", DeskOptions::default()).await;
    desk.start();
    let subjects = [
        "Delivery problem: 59510 vs 59514?",
        "Delivery status of the 59400 claim",
        "Returned mail question 99213",
        "Delivery report 59409 O73.0",
        "Undeliverable claim 59400?",
    ];
    let mut ids = Vec::new();
    for (i, subject) in subjects.iter().enumerate() {
        let qid = format!("q-delivery-{i}-{}@asker.example.test", std::process::id());
        desk.deliver(&desk.question(
            &qid,
            subject,
            "Global 59400 or vaginal delivery only 59409, with O73.0 retained placenta?",
        ))
        .await;
        ids.push(qid);
    }
    let asker = desk.asker.clone();
    desk.wait_until("a reply to each question", 2 * MINUTE, || async {
        inbox(&asker).await.len() >= subjects.len()
    })
    .await;
    let got = inbox(&desk.asker).await;
    for (qid, subject) in ids.iter().zip(subjects) {
        let reply = got
            .iter()
            .find(|r| &r.in_reply_to == qid)
            .unwrap_or_else(|| panic!("no reply to {subject:?}: {got:?}"));
        assert!(
            reply.subject.starts_with(&format!("Re: {subject}")),
            "{}",
            reply.subject
        );
        let text = String::from_utf8_lossy(&reply.raw);
        assert!(
            text.contains("59409"),
            "the answer names the codes:\n{text}"
        );
    }
    assert_eq!(desk.count(CaseState::Ignored).await, 0);
    desk.terminate(Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_cases_are_not_sent_and_the_queue_lists_them() {
    for engine in ENGINES {
        let mut desk = Desk::new(
            engine,
            "held",
            DeskOptions {
                review: "always",
                ..DeskOptions::default()
            },
        )
        .await;
        desk.start();
        let qid = format!("q-held-{}@asker.example.test", std::process::id());
        desk.deliver(&desk.question(&qid, "Spine", "Is M54.16 right for lumbar radiculopathy?"))
            .await;
        desk.wait_until("the case held", MINUTE, || async {
            desk.count(CaseState::Held).await == 1
        })
        .await;
        // Held is where the worker stops: no send began (no `sending` event), Postfix took
        // nothing with the reply's Message-ID, and the (error-checked) INBOX is empty.
        let case = cases::find_by_message_id(&desk.db.store, &qid)
            .await
            .unwrap()
            .unwrap();
        let history = cases::events(&desk.db.store, case.id).await.unwrap();
        assert!(
            history.iter().all(|e| e.to_state != CaseState::Sending),
            "{engine:?}: a held reply went to sending: {history:?}"
        );
        let mid = case.reply_message_id.expect("the held reply is stored");
        assert_eq!(
            worker_support::accepted_by_postfix(desk.rig, &mid),
            0,
            "{engine:?}: a held reply was submitted"
        );
        assert!(
            inbox(&desk.asker).await.is_empty(),
            "{engine:?}: a held reply was sent"
        );
        let out = std::process::Command::new(binary())
            .arg("--config")
            .arg(&desk.config)
            .arg("queue")
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{listing}");
        assert!(
            listing.starts_with("1 cases held or failed"),
            "{engine:?}: {listing}"
        );
        assert!(listing.contains(" held "), "{listing}");
        desk.terminate(Duration::from_secs(15));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_bounce_of_the_corpus_is_answered() {
    let Some(corpora) = common::corpora() else {
        return;
    };
    let bounces = eml_files(&corpora.join("mime/bounces/bsd"));
    assert!(bounces.len() > 400, "{} bounces", bounces.len());
    // Some corpus files share a Message-ID: each distinct one (and each without one) is a case.
    let mut ids = std::collections::HashSet::new();
    let mut expected = 0i64;
    for path in &bounces {
        let q = codedesk::question::parse(&std::fs::read(path).unwrap(), &Default::default());
        if q.message_id.is_none_or(|id| ids.insert(id)) {
            expected += 1;
        }
    }
    for engine in ENGINES {
        let mut desk = Desk::new(engine, "bounces", DeskOptions::default()).await;
        desk.start();
        for path in &bounces {
            append(&desk.consult, &std::fs::read(path).unwrap()).await;
        }
        desk.wait_until("every bounce read and processed", 3 * MINUTE, || async {
            let stored = cases::count(&desk.db.store, &CaseFilter::default())
                .await
                .unwrap();
            stored == expected && settled(&desk).await
        })
        .await;
        let counts: HashMap<CaseState, i64> = desk.counts().await.into_iter().collect();
        let stored: i64 = counts.values().sum();
        assert_eq!(
            counts[&CaseState::Ignored],
            stored,
            "{engine:?}: every bounce ignored: {counts:?}"
        );
        assert_eq!(
            counts[&CaseState::Sent] + counts[&CaseState::Held],
            0,
            "{engine:?}"
        );
        let list = cases::list(
            &desk.db.store,
            &CaseFilter {
                limit: 1000,
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
        assert!(list.iter().all(|c| {
            c.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("automatic mail"))
        }));
        assert_eq!(stored, expected, "{engine:?}");
        desk.terminate(Duration::from_secs(15));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_huge_and_code_stuffed_messages_end_in_a_recorded_state() {
    for engine in ENGINES {
        let mut desk = Desk::new(engine, "odd", DeskOptions::default()).await;
        desk.start();
        let malformed = b"From: \r\nSubject: =?utf-8?B?####?=\r\nContent-Type: multipart/mixed; boundary=\"x\r\n\r\n--x\r\n\xff\xfe\x00garbage\r\n".to_vec();
        append(&desk.consult, &malformed).await;
        let mut huge = desk.question(
            &format!("q-huge-{engine:?}@asker.example.test"),
            "Big attachment",
            "99213 see attached",
        );
        let line = "A".repeat(998) + "\r\n";
        while huge.len() < 20 << 20 {
            huge.extend_from_slice(line.as_bytes());
        }
        append(&desk.consult, &huge).await;
        let codes: Vec<String> = (0..500).map(|i| format!("{}", 99_000 + i)).collect();
        let stuffed = desk.question(
            &format!("q-codes-{engine:?}@asker.example.test"),
            "Many codes",
            &codes.join(", "),
        );
        append(&desk.consult, &stuffed).await;
        let after = desk.question(
            &format!("q-after-{engine:?}@asker.example.test"),
            "Still alive?",
            "Is 99213 billable?",
        );
        desk.deliver(&after).await;
        desk.wait_until("four cases, all settled", 2 * MINUTE, || async {
            cases::count(&desk.db.store, &CaseFilter::default())
                .await
                .unwrap()
                == 4
                && settled(&desk).await
        })
        .await;
        let list = cases::list(&desk.db.store, &CaseFilter::default())
            .await
            .unwrap();
        for c in &list {
            let events = cases::events(&desk.db.store, c.id).await.unwrap();
            assert!(
                events.len() >= 2,
                "{engine:?}: case {} has a recorded outcome: {events:?}",
                c.id
            );
            assert!(
                matches!(
                    c.state,
                    CaseState::Sent | CaseState::Ignored | CaseState::Failed | CaseState::Held
                ),
                "{engine:?}: {:?}",
                c.state
            );
        }
        let huge_case = list
            .iter()
            .find(|c| c.raw_size >= 20 << 20)
            .expect("the 20 MB message stored");
        assert_eq!(
            huge_case.state,
            CaseState::Sent,
            "{engine:?}: the 20 MB question is answered"
        );
        let after_case = list
            .iter()
            .find(|c| c.subject.as_deref() == Some("Still alive?"))
            .unwrap();
        assert_eq!(
            after_case.state,
            CaseState::Sent,
            "{engine:?}: the worker kept going"
        );
        let stuffed_case = list
            .iter()
            .find(|c| c.subject.as_deref() == Some("Many codes"))
            .unwrap();
        assert_eq!(
            stuffed_case.state,
            CaseState::Sent,
            "{engine:?}: 500 codes are answered"
        );
        let malformed_case = list.iter().find(|c| c.message_id.is_none()).unwrap();
        assert_eq!(
            malformed_case.state,
            CaseState::Ignored,
            "{engine:?}: no address to answer"
        );
        assert!(
            desk.worker.as_mut().unwrap().try_wait().unwrap().is_none(),
            "the worker still runs"
        );
        desk.terminate(Duration::from_secs(15));
    }
}

/// Which window a kill hit, from the cases as the killed worker left them.
async fn kill_window(desk: &Desk, kill: usize, waited_ms: u64) -> String {
    let c: HashMap<CaseState, i64> = desk.counts().await.into_iter().collect();
    let window = if c[&CaseState::Sending] > 0 {
        "mid-send"
    } else if c[&CaseState::Received] + c[&CaseState::Answered] > 0 {
        "processing"
    } else if c[&CaseState::Approved] > 0 {
        "between processing and sending"
    } else {
        "idle"
    };
    format!(
        "kill {kill} after {waited_ms} ms: {window} (received {}, answered {}, approved {}, sending {}, sent {})",
        c[&CaseState::Received],
        c[&CaseState::Answered],
        c[&CaseState::Approved],
        c[&CaseState::Sending],
        c[&CaseState::Sent]
    )
}

/// SIGKILL at pseudo-random moments while 200 questions go through, restart each time: every
/// question ends with exactly one reply. The seed and the window each kill hit are printed;
/// `CODEDESK_KILL_SEED=N` replays a run's timings.
async fn killed_and_restarted(engine: Engine) {
    let mut desk = Desk::new(engine, "kill", DeskOptions::default()).await;
    desk.start();
    let total = 200;
    let mut ids = Vec::new();
    let first_seed = std::env::var("CODEDESK_KILL_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(std::process::id() as u64 ^ 0x9e37_79b9)
        .max(1);
    eprintln!("{engine:?}: kill seed {first_seed} (replay with CODEDESK_KILL_SEED={first_seed})");
    let mut seed = first_seed;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut kills = 0;
    let mut windows = Vec::new();
    for i in 0..total {
        let id = format!("q-kill-{i}-{}@asker.example.test", std::process::id());
        desk.deliver(&desk.question(
            &id,
            &format!("Question {i}"),
            &format!("Is 99213 with 36415 fine? ({i})"),
        ))
        .await;
        ids.push(id);
        if i % 40 == 20 {
            let wait = next() % 700;
            tokio::time::sleep(Duration::from_millis(wait)).await;
            desk.kill();
            kills += 1;
            windows.push(kill_window(&desk, kills, wait).await);
            eprintln!("{engine:?}: {}", windows.last().unwrap());
            desk.start();
        }
    }
    for _ in 0..2 {
        let wait = 200 + next() % 800;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        desk.kill();
        kills += 1;
        windows.push(kill_window(&desk, kills, wait).await);
        eprintln!("{engine:?}: {}", windows.last().unwrap());
        desk.start();
    }
    let asker = desk.asker.clone();
    desk.wait_until("a reply to every question", 4 * MINUTE, || async {
        let got = inbox(&asker).await;
        let mut threads: Vec<&str> = got.iter().map(|s| s.in_reply_to.as_str()).collect();
        threads.sort();
        threads.dedup();
        threads.len() >= total
    })
    .await;
    desk.wait_until("nothing left to do", 2 * MINUTE, || async {
        settled(&desk).await
    })
    .await;
    desk.wait_delivered(MINUTE).await;
    let got = inbox(&desk.asker).await;
    let mut per_question: HashMap<&str, usize> = HashMap::new();
    for s in &got {
        *per_question.entry(s.in_reply_to.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = per_question.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{engine:?}: answered twice after {kills} kills (seed {first_seed}): {twice:?}\n{}",
        windows.join("\n")
    );
    for id in &ids {
        assert_eq!(
            per_question.get(id.as_str()),
            Some(&1),
            "{engine:?}: {id} has no reply (seed {first_seed})\n{}",
            windows.join("\n")
        );
    }
    assert_eq!(desk.count(CaseState::Sent).await, total as i64);
    eprintln!(
        "{engine:?}: {total} questions, {kills} SIGKILLs, {} replies",
        got.len()
    );
    desk.terminate(Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_200_question_run_still_gives_one_reply_each_on_sqlite() {
    killed_and_restarted(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_200_question_run_still_gives_one_reply_each_on_postgres() {
    killed_and_restarted(Engine::Postgres).await;
}

/// Dovecot restarted mid-run: the worker reconnects and loses nothing. Then Postfix is stopped
/// for 30 s: replies wait and are retried, then each is delivered once. On a rig of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dovecot_restart_and_a_30_second_smtp_outage_lose_nothing_and_send_once() {
    let r = chaos_rig();
    if std::net::TcpStream::connect(("127.0.0.1", r.submission_port)).is_err() {
        start_postfix(r); // an earlier run stopped in the middle
    }
    worker_support::flush_postfix(r);
    for engine in ENGINES {
        let mut desk = Desk::new(
            engine,
            "chaos",
            DeskOptions {
                rig: Some(r),
                ..DeskOptions::default()
            },
        )
        .await;
        desk.start();
        let mut ids = Vec::new();
        for i in 0..10 {
            let id = format!(
                "q-chaos-a{i}-{engine:?}-{}@asker.example.test",
                std::process::id()
            );
            desk.deliver(&desk.question(&id, &format!("Before restart {i}"), "Is 99213 billable?"))
                .await;
            ids.push(id);
        }
        restart_dovecot(r, Duration::from_secs(2)).await;
        for i in 0..10 {
            let id = format!(
                "q-chaos-b{i}-{engine:?}-{}@asker.example.test",
                std::process::id()
            );
            desk.deliver(&desk.question(&id, &format!("After restart {i}"), "Is 99214 billable?"))
                .await;
            ids.push(id);
        }
        desk.wait_until(
            "20 replies after the Dovecot restart",
            2 * MINUTE,
            || async { desk.replies().await.len() >= 20 },
        )
        .await;
        assert!(
            desk.log_text().contains("reconnecting"),
            "{engine:?}: the worker saw the restart"
        );

        stop_postfix(r);
        let stopped = std::time::Instant::now();
        let mut later = Vec::new();
        for i in 0..5 {
            let id = format!(
                "q-chaos-c{i}-{engine:?}-{}@asker.example.test",
                std::process::id()
            );
            // With Postfix down the questions go straight into the INBOX.
            worker_support::append_with(
                r,
                &desk.consult,
                &desk.question(&id, &format!("During outage {i}"), "Is 99215 billable?"),
            )
            .await;
            later.push(id);
        }
        // Each is tried, fails on the closed port, and waits approved for its next attempt.
        desk.wait_until("retries scheduled", MINUTE, || async {
            let mut waiting = 0;
            for id in &later {
                let case = cases::find_by_message_id(&desk.db.store, id).await.unwrap();
                waiting += usize::from(case.is_some_and(|c| {
                    c.state == CaseState::Approved && c.attempts >= 1 && c.last_error.is_some()
                }));
            }
            waiting == later.len()
        })
        .await;
        tokio::time::sleep(Duration::from_secs(30).saturating_sub(stopped.elapsed())).await;
        start_postfix(r);
        desk.wait_until("the delayed replies", 3 * MINUTE, || async {
            desk.replies().await.len() >= 25
        })
        .await;
        desk.wait_until("nothing left to do", MINUTE, || async {
            settled(&desk).await
        })
        .await;
        desk.wait_delivered(MINUTE).await;
        let got = desk.replies().await;
        ids.extend(later);
        // Answered once means one reply, handed to Postfix once. Postfix retries an LMTP
        // delivery that the Dovecot restart cut off after Dovecot had stored it, so the asker
        // may find that one message twice: the MTA's redelivery, allowed only for replies in flight
        // at the restart.
        for id in &ids {
            let mine: Vec<_> = got.iter().filter(|s| s.in_reply_to == *id).collect();
            let distinct: std::collections::BTreeSet<&str> =
                mine.iter().map(|s| s.message_id.as_str()).collect();
            assert_eq!(
                distinct.len(),
                1,
                "{engine:?}: {id} got {} different replies",
                distinct.len()
            );
            let reply_id = distinct.first().copied().unwrap_or_default();
            let accepted = worker_support::accepted_by_postfix(r, reply_id);
            if accepted != 1 {
                panic!(
                    "{engine:?}: the reply to {id} was submitted {accepted} times; Postfix log:\n{}\n{}",
                    worker_support::postfix_log_of(r, reply_id).join("\n"),
                    desk.case_story(id).await
                );
            }
            if mine.len() > 1 {
                assert!(
                    id.starts_with("q-chaos-a"),
                    "{engine:?}: {id} was asked after the restart, yet its reply arrived {} times",
                    mine.len()
                );
                eprintln!(
                    "{engine:?}: the reply to {id} was submitted once and delivered {} times by Postfix's LMTP retry:\n{}",
                    mine.len(),
                    worker_support::postfix_log_of(r, reply_id).join("\n")
                );
            }
        }
        desk.terminate(Duration::from_secs(15));
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Two consult addresses in one deployment (`[mailbox]` and `[mailboxes.north]`): one worker
/// reads both, and each question is answered from the address it was sent to, with that
/// address's templates and footer; the receipt copies come back to their own mailboxes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_consult_address_answers_from_its_own_address_and_templates() {
    for engine in ENGINES {
        let north = format!("{}@example.test", rig::unique("consult-north"));
        let templates = common::TempDir::new("north-templates");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        copy_dir(&root, templates.path());
        let hello = templates.path().join("parts/hello.txt");
        let text = std::fs::read_to_string(&hello).unwrap();
        std::fs::write(&hello, format!("North Clinic coding desk.\n{text}")).unwrap();
        let mut desk = Desk::new(
            engine,
            "two",
            DeskOptions {
                extra_config: format!(
                    "[mailboxes.north]\nusername = \"{north}\"\naddress = \"{north}\"\n\
                     from = \"North Desk <{north}>\"\ntemplates = \"{}\"\n\
                     footer = \"North footer: ask your North coder first.\"\n",
                    templates.path().display()
                ),
                ..DeskOptions::default()
            },
        )
        .await;
        desk.start();
        let pid = std::process::id();
        let to_default = format!("q-two-default-{engine:?}-{pid}@asker.example.test");
        let to_north = format!("q-two-north-{engine:?}-{pid}@asker.example.test");
        desk.deliver(&desk.question(&to_default, "Default desk", "Is 99213 billable?"))
            .await;
        let raw = String::from_utf8(desk.question(&to_north, "North desk", "Is 99214 billable?"))
            .unwrap()
            .replace(&format!("To: {}", desk.consult), &format!("To: {north}"));
        desk.rig.deliver(&north, raw.as_bytes()).await;
        desk.wait_until("both replies", 2 * MINUTE, || async {
            desk.replies().await.len() >= 2
        })
        .await;
        desk.wait_until("nothing left to do", MINUTE, || async {
            settled(&desk).await
        })
        .await;
        let got = desk.replies().await;
        assert_eq!(got.len(), 2, "{engine:?}");
        let reply = |id: &str| {
            let s = got.iter().find(|s| s.in_reply_to == id).unwrap();
            String::from_utf8_lossy(&s.raw).replace("\r\n", "\n")
        };
        let (a, b) = (reply(&to_default), reply(&to_north));
        assert!(
            a.contains(&format!("From: \"Coding Desk\" <{}>", desk.consult)),
            "{engine:?}: {a}"
        );
        assert!(!a.contains("North"), "{engine:?}: {a}");
        assert!(
            b.contains(&format!("From: \"North Desk\" <{north}>")),
            "{engine:?}: {b}"
        );
        assert!(b.contains("North Clinic coding desk."), "{engine:?}: {b}");
        assert!(b.contains("North footer"), "{engine:?}: {b}");
        // Each case belongs to its mailbox, and the receipt copies made no cases.
        let all = cases::list(
            &desk.db.store,
            &CaseFilter {
                limit: 10,
                ..CaseFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(all.len(), 2, "{engine:?}: {all:?}");
        let north_case = all
            .iter()
            .find(|c| c.message_id.as_deref() == Some(to_north.as_str()))
            .unwrap();
        assert!(north_case.mailbox.ends_with(" [north]"), "{north_case:?}");
        assert_eq!(north_case.state, CaseState::Sent);
        let status =
            codedesk::store::workers::alive(&desk.db.store, codedesk::worker::now_unix_pub() - 30)
                .await
                .unwrap();
        let leased: Vec<&str> = status
            .iter()
            .filter(|w| w.ingest_lease)
            .map(|w| w.mailbox.as_str())
            .collect();
        assert_eq!(leased, ["default", "north"], "{engine:?}: {status:?}");
        // The receipt copy of the north reply came back to north's own INBOX.
        let north_inbox = worker_support::inbox_with(desk.rig, &north).await;
        assert!(
            north_inbox.iter().any(|s| s.in_reply_to == to_north),
            "{engine:?}: north's receipt copy"
        );
        desk.terminate(Duration::from_secs(15));
    }
}
