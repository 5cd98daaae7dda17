//! Attachments through the real worker and the mail rig: the codes in a PDF attached to a
//! question are answered in the reply, each labelled "from the attachment NAME" (a code the
//! message names too is the message's, unlabelled); a damaged PDF and a PDF over the page limit
//! beside it are listed as not read and do not fail the case.

mod attachment_support;
mod common;
mod rig;
mod worker_support;

use attachment_support::{CORRUPT_PDF, MANY_PAGES_PDF, PDF, with_attachments};
use codedesk::store::cases::{self, CaseState};
use common::Engine;
use std::time::Duration;
use worker_support::{Desk, DeskOptions, inbox};

const MINUTE: Duration = Duration::from_secs(60);

async fn pdf_codes_answered(engine: Engine) {
    let mut desk = Desk::new(engine, "attach", DeskOptions::default()).await;
    desk.start();
    let qid = format!("q-attach-{}@asker.example.test", std::process::id());
    let head = format!(
        "From: Asker <{}>\r\nTo: {}\r\nSubject: Op note\r\nMessage-ID: <{qid}>\r\n\
         Date: Tue, 13 Jan 2026 10:00:00 +0000\r\n",
        desk.asker, desk.consult
    );
    let question = with_attachments(
        &head,
        "Are the codes in the attached note right? The main one is M54.16.",
        &[
            ("op-note.pdf", "application/pdf", PDF),
            ("scan.pdf", "application/pdf", CORRUPT_PDF),
            ("binder.pdf", "application/octet-stream", MANY_PAGES_PDF),
        ],
    );
    desk.deliver(&question).await;
    let asker = desk.asker.clone();
    desk.wait_until("the reply in the asker's INBOX", MINUTE, || async {
        !inbox(&asker).await.is_empty()
    })
    .await;
    let case = cases::find_by_message_id(&desk.db.store, &qid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.state, CaseState::Sent, "{engine:?}");
    let got = inbox(&desk.asker).await;
    desk.terminate(Duration::from_secs(15));
    let parsed = codedesk::question::parse(&got[0].raw, &codedesk::question::Limits::default());
    let text = &parsed.full_text.replace("\r\n", "\n");
    // Each code's section: from its heading line to the next blank line.
    let section = |heading: &str| -> String {
        let at = text
            .find(heading)
            .unwrap_or_else(|| panic!("{engine:?}: no {heading:?} in the reply:\n{text}"));
        text[at..].split("\n\n").next().unwrap().to_string()
    };
    let e119 = section("ICD-10-CM E11.9");
    assert!(
        e119.contains("(from the attachment op-note.pdf)"),
        "{engine:?}: {e119}"
    );
    assert!(e119.contains("Type 2 diabetes mellitus without complications"));
    let cpt = section("CPT 64483");
    assert!(
        cpt.contains("(from the attachment op-note.pdf)"),
        "{engine:?}: {cpt}"
    );
    let m5416 = section("ICD-10-CM M54.16");
    assert!(
        !m5416.contains("from the attachment"),
        "{engine:?}: the message names M54.16 too, so it is the message's: {m5416}"
    );
    assert!(!text.contains("scan.pdf") && !text.contains("binder.pdf"));
    // The HTML part labels them too.
    let html = mail_parser::MessageParser::default()
        .parse(&got[0].raw)
        .and_then(|m| m.body_html(0).map(|h| h.into_owned()))
        .expect("an HTML part");
    // The 7-bit HTML part breaks its lines at spaces: compare words, as a browser shows them.
    let html = html.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        html.contains("from the attachment op-note.pdf"),
        "{engine:?}: {html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_codes_of_an_attached_pdf_are_answered_and_labelled_on_sqlite() {
    pdf_codes_answered(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_codes_of_an_attached_pdf_are_answered_and_labelled_on_postgres() {
    pdf_codes_answered(Engine::Postgres).await;
}
