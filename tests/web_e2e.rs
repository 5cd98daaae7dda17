//! The whole path with the staff page in it: questions delivered through the real mail rig, held
//! by the worker (`review = "always"`), approved (one as drafted, one edited) in headless Chromium
//! on the page, and the replies read from the asker's IMAP INBOX; and a question taken for
//! automatic mail, answered after all when staff say so over plain HTTP.

mod common;
mod http_support;
mod rig;
mod worker_support;

use codedesk::config::Config;
use codedesk::store::cases::{self, CaseFilter, CaseState};
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::hash_password, router};
use common::{ENGINES, Engine};
use std::path::PathBuf;
use std::time::Duration;
use worker_support::{Desk, DeskOptions, inbox};

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_questions_approved_on_the_page_are_answered_in_the_askers_inbox() {
    approved_on_the_page(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_questions_approved_on_the_page_are_answered_on_postgresql_too() {
    approved_on_the_page(Engine::Postgres).await;
}

async fn approved_on_the_page(engine: Engine) {
    let mut desk = Desk::new(
        engine,
        "web",
        DeskOptions {
            review: "always",
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let pid = std::process::id();
    let (q1, q2, q3) = (
        format!("q-web-1-{pid}@asker.example.test"),
        format!("q-web-2-{pid}@asker.example.test"),
        format!("q-web-3-{pid}@asker.example.test"),
    );
    desk.deliver(&desk.question(&q1, "Office visit", "Can I bill 99214-25 with 96372 today?"))
        .await;
    desk.deliver(&desk.question(&q2, "Spine", "Is M54.16 right for lumbar radiculopathy?"))
        .await;
    desk.deliver(&desk.question(&q3, "Update", "Is J06.9 still billable?"))
        .await;
    desk.wait_until("three cases held", MINUTE, || async {
        desk.count(CaseState::Held).await == 3
    })
    .await;
    let held = cases::list(
        &desk.db.store,
        &CaseFilter {
            states: vec![CaseState::Held],
            ..CaseFilter::default()
        },
    )
    .await
    .unwrap();
    let id_of = |mid: &str| {
        held.iter()
            .find(|c| c.message_id.as_deref() == Some(mid))
            .map(|c| c.id.0)
            .unwrap()
    };
    let (approve, edit, again) = (id_of(&q1), id_of(&q2), id_of(&q3));

    let email = "reviewer@clinic.example";
    let password = "reviewer password 1";
    staff::create_user(
        &desk.db.store,
        email,
        Role::Staff,
        &hash_password(password).unwrap(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(AppState::new(desk.db.store.clone(), Config::default()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let params = serde_json::json!({
        "staff": { "email": email, "password": password },
        "approve": approve,
        "edit": edit,
        "again": again,
    });
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-artifacts");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(dir.join("staff.mjs"))
            .arg("e2e")
            .current_dir(&dir)
            .env("CODEDESK_URL", format!("http://{addr}"))
            .env("CODEDESK_ARTIFACTS", artifacts)
            .env("CODEDESK_PARAMS", params.to_string())
            .output()
    })
    .await
    .unwrap()
    .expect("run node (scripts/install-test-deps installs it)");
    assert!(
        out.status.success(),
        "browser scenario e2e failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );

    let asker = desk.asker.clone();
    desk.wait_until("both replies in the asker's INBOX", MINUTE, || async {
        inbox(&asker).await.len() >= 2
    })
    .await;
    desk.wait_delivered(MINUTE).await;
    let got = inbox(&desk.asker).await;
    assert_eq!(got.len(), 2, "one reply each: {got:?}");
    let to_edit = got
        .iter()
        .find(|s| s.in_reply_to == q2)
        .expect("the edited reply");
    let text = String::from_utf8_lossy(&to_edit.raw);
    assert!(
        text.contains("Checked by a coder: M54.16 fits lumbar radiculopathy."),
        "the reply carries the edit: {text}"
    );
    assert!(
        got.iter().any(|s| s.in_reply_to == q1),
        "the approved reply arrived"
    );
    let log = staff::audit_of_case(&desk.db.store, edit).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["edit", "approve"]);
    // Answered again: the worker drafted a new reply and held it again (review = "always").
    let events = || async {
        cases::events(&desk.db.store, cases::CaseId(again))
            .await
            .unwrap()
    };
    desk.wait_until("the re-answered case held again", MINUTE, || async {
        events()
            .await
            .iter()
            .filter(|e| e.to_state == CaseState::Held)
            .count()
            == 2
    })
    .await;
    let case = cases::get(&desk.db.store, cases::CaseId(again))
        .await
        .unwrap()
        .unwrap();
    assert!(case.reply_text.is_some_and(|t| t.contains("J06.9")));
    assert!(
        !inbox(&desk.asker).await.iter().any(|s| s.in_reply_to == q3),
        "a held case is not sent"
    );
    desk.terminate(Duration::from_secs(15));
}

/// A question a practice-management system relayed (`Auto-Submitted: auto-generated`) under a
/// subject that reads like a bounce is ignored as automatic mail; the staff page shows why, refuses
/// a POST without the CSRF token or with a stale version, and on "Answer it anyway" the worker
/// answers it into the asker's INBOX.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_ignored_as_automatic_mail_is_answered_when_staff_say_so() {
    for engine in ENGINES {
        answered_anyway(engine).await;
    }
}

async fn answered_anyway(engine: Engine) {
    use http_support::{field, get, login, post};
    let mut desk = Desk::new(engine, "anyway", DeskOptions::default()).await;
    desk.start();
    let qid = format!("q-anyway-{}@asker.example.test", std::process::id());
    let question = String::from_utf8(desk.question(
        &qid,
        "Delivery status of the 59400 claim",
        "Global 59400 or vaginal delivery only 59409, with O73.0 retained placenta?",
    ))
    .unwrap()
    .replacen(
        "MIME-Version:",
        "Auto-Submitted: auto-generated\r\nMIME-Version:",
        1,
    );
    desk.deliver(question.as_bytes()).await;
    desk.wait_until("the question ignored", MINUTE, || async {
        desk.count(CaseState::Ignored).await == 1
    })
    .await;
    let id = cases::find_by_message_id(&desk.db.store, &qid)
        .await
        .unwrap()
        .unwrap()
        .id;

    let (email, password) = ("reviewer@clinic.example", "reviewer password 1");
    staff::create_user(
        &desk.db.store,
        email,
        Role::Staff,
        &hash_password(password).unwrap(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(AppState::new(desk.db.store.clone(), Config::default()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let session = tokio::task::spawn_blocking(move || login(addr, email, password))
        .await
        .unwrap();
    let why = "automatic mail (bounce): Subject: Delivery status of the 59400 claim \
               (a delivery-failure subject) and Auto-Submitted: auto-generated";
    let (_, queue) = call(&session, move |s| get(addr, s, "/?state=ignored")).await;
    assert!(
        queue.contains(why),
        "{engine:?}: the queue shows why:\n{queue}"
    );
    let path = format!("/case/{}", id.0);
    let p = path.clone();
    let (_, page) = call(&session, move |s| get(addr, s, &p)).await;
    assert!(page.contains(why), "{engine:?}: {page}");
    assert!(page.contains("id=\"answer-anyway\""), "{engine:?}: {page}");
    let csrf = field(&page, "csrf");
    let version = field(&page, "version");
    let action = format!("{path}/answer-anyway");

    let a = action.clone();
    let v = version.clone();
    let (head, _) = call(&session, move |s| post(addr, s, &a, &[("version", &v)])).await;
    assert!(
        head.starts_with("HTTP/1.1 403"),
        "{engine:?}: no CSRF token: {head}"
    );
    let (a, c) = (action.clone(), csrf.clone());
    let (head, _) = call(&session, move |s| {
        post(addr, s, &a, &[("csrf", &c), ("version", "1")])
    })
    .await;
    assert!(
        head.starts_with("HTTP/1.1 409"),
        "{engine:?}: a stale version: {head}"
    );
    assert_eq!(desk.count(CaseState::Ignored).await, 1, "{engine:?}");

    let (a, c, v) = (action.clone(), csrf.clone(), version.clone());
    let (head, _) = call(&session, move |s| {
        post(addr, s, &a, &[("csrf", &c), ("version", &v)])
    })
    .await;
    assert!(head.starts_with("HTTP/1.1 303"), "{engine:?}: {head}");
    let asker = desk.asker.clone();
    desk.wait_until("the reply in the asker's INBOX", MINUTE, || async {
        !inbox(&asker).await.is_empty()
    })
    .await;
    let got = inbox(&desk.asker).await;
    assert_eq!(got.len(), 1, "{engine:?}: {got:?}");
    assert_eq!(got[0].in_reply_to, qid);
    assert!(String::from_utf8_lossy(&got[0].raw).contains("59409"));
    desk.wait_until("the case sent", MINUTE, || async {
        desk.count(CaseState::Sent).await == 1
    })
    .await;
    let events = cases::events(&desk.db.store, id).await.unwrap();
    assert!(
        events.iter().any(|e| e.actor == email
            && e.from_state == Some(CaseState::Ignored)
            && e.to_state == CaseState::Received
            && e.detail.as_deref() == Some(cases::ANSWER_AUTOMATIC)),
        "{engine:?}: {events:?}"
    );
    let audit = staff::audit_of_case(&desk.db.store, id.0).await.unwrap();
    assert!(
        audit.iter().any(|a| a.action == "answer-anyway"),
        "{audit:?}"
    );
    // Sent now: the page offers the action no more, and a second POST is refused.
    let p = path.clone();
    let (_, page) = call(&session, move |s| get(addr, s, &p)).await;
    assert!(!page.contains("id=\"answer-anyway\""), "{engine:?}");
    let v = field(&page, "version");
    let (head, body) = call(&session, move |s| {
        post(addr, s, &action, &[("csrf", &csrf), ("version", &v)])
    })
    .await;
    assert!(
        head.starts_with("HTTP/1.1 409"),
        "{engine:?}: {head}\n{body}"
    );
    desk.terminate(Duration::from_secs(15));
}

/// One blocking HTTP exchange with the session, off the async runtime.
async fn call<F>(session: &str, f: F) -> (String, String)
where
    F: FnOnce(&str) -> (String, String) + Send + 'static,
{
    let session = session.to_string();
    tokio::task::spawn_blocking(move || f(&session))
        .await
        .unwrap()
}

/// Regression: a reply edited on the page and sent went out with a 1,585-character line (SMTP
/// allows 998), without its HTML part, and still marked `Auto-Submitted: auto-replied` though a
/// person approved it. Here one held reply is edited with a 2,000-character line and sent, one
/// approved as drafted; both are read back from the asker's INBOX and parsed, and the edited
/// one's HTML part is rendered in headless Chromium.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_reply_with_a_long_line_arrives_as_valid_mail_with_both_parts() {
    edited_reply_is_valid_mail(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_reply_arrives_as_valid_mail_on_postgresql_too() {
    edited_reply_is_valid_mail(Engine::Postgres).await;
}

async fn edited_reply_is_valid_mail(engine: Engine) {
    use http_support::{field, login, post};
    let mut desk = Desk::new(
        engine,
        "edited",
        DeskOptions {
            review: "always",
            ..DeskOptions::default()
        },
    )
    .await;
    desk.start();
    let pid = std::process::id();
    let (q_edit, q_approve) = (
        format!("q-edited-1-{pid}@asker.example.test"),
        format!("q-edited-2-{pid}@asker.example.test"),
    );
    desk.deliver(&desk.question(
        &q_edit,
        "Spine",
        "Is M54.16 right for lumbar radiculopathy?",
    ))
    .await;
    desk.deliver(&desk.question(&q_approve, "Update", "Is J06.9 still billable?"))
        .await;
    desk.wait_until("two cases held", MINUTE, || async {
        desk.count(CaseState::Held).await == 2
    })
    .await;
    let id_of = |mid: String| {
        let store = desk.db.store.clone();
        async move {
            cases::find_by_message_id(&store, &mid)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let (edit, approve) = (id_of(q_edit.clone()).await, id_of(q_approve.clone()).await);
    // The worker kept each question's codes: the queue finds the case by the code asked about.
    let by_code = codedesk::store::staff_cases::QueueQuery {
        search: codedesk::case_search::CaseSearch::parse("m54.16", false),
        limit: 10,
        ..Default::default()
    };
    let (rows, _) = codedesk::store::staff_cases::queue(&desk.db.store, &by_code)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [edit.0],
        "{engine:?}"
    );
    let drafted = cases::get(&desk.db.store, edit)
        .await
        .unwrap()
        .unwrap()
        .reply_text
        .unwrap();
    let mut long_line = String::from("Staff note: ");
    while long_line.len() < 2_000 {
        long_line.push_str("M54.16 <fits> lumbar radiculopathy & sciatica, per the record; ");
    }
    long_line.truncate(2_000);
    let long_line = long_line.trim_end().to_string();
    let edited_text = format!("Checked by a coder: M54.16 fits.\n\n{long_line}\n\n{drafted}");

    let (email, password) = ("reviewer@clinic.example", "reviewer password 1");
    staff::create_user(
        &desk.db.store,
        email,
        Role::Staff,
        &hash_password(password).unwrap(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(AppState::new(desk.db.store.clone(), Config::default()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let session = tokio::task::spawn_blocking(move || login(addr, email, password))
        .await
        .unwrap();
    for (id, edited) in [(edit, Some(edited_text.clone())), (approve, None)] {
        let path = format!("/case/{}", id.0);
        let p = path.clone();
        let (_, page) = call(&session, move |s| http_support::get(addr, s, &p)).await;
        let (csrf, version) = (field(&page, "csrf"), field(&page, "version"));
        let (head, body) = call(&session, move |s| match edited {
            Some(text) => post(
                addr,
                s,
                &format!("{path}/edit"),
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("text", &text),
                    ("send", "1"),
                ],
            ),
            None => post(
                addr,
                s,
                &format!("{path}/approve"),
                &[("csrf", &csrf), ("version", &version)],
            ),
        })
        .await;
        assert!(
            head.starts_with("HTTP/1.1 303"),
            "{engine:?}: {head}\n{body}"
        );
    }

    let asker = desk.asker.clone();
    desk.wait_until("both replies in the asker's INBOX", MINUTE, || async {
        inbox(&asker).await.len() >= 2
    })
    .await;
    let got = inbox(&desk.asker).await;
    let received = |q: &str| {
        got.iter()
            .find(|s| s.in_reply_to == q)
            .unwrap_or_else(|| panic!("{engine:?}: no reply to {q}: {got:?}"))
            .raw
            .clone()
    };
    let (edited_raw, approved_raw) = (received(&q_edit), received(&q_approve));
    for (what, raw, question) in [
        ("edited", &edited_raw, &q_edit),
        ("approved", &approved_raw, &q_approve),
    ] {
        // RFC 5322 2.1.1: at most 998 characters a line, the CRLF not counted.
        let longest = raw
            .split(|b| *b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).len())
            .max()
            .unwrap();
        assert!(
            longest <= 998,
            "{engine:?}: the {what} reply has a line of {longest} bytes"
        );
        let m = mail_parser::MessageParser::default().parse(raw).unwrap();
        assert_eq!(
            m.header_raw("Auto-Submitted"),
            None,
            "{engine:?}: a reply a person approved is no automatic reply ({what})"
        );
        assert_eq!(m.in_reply_to().as_text(), Some(question.as_str()), "{what}");
        let references: Vec<String> = match m.references() {
            mail_parser::HeaderValue::Text(one) => vec![one.to_string()],
            mail_parser::HeaderValue::TextList(all) => all.iter().map(|r| r.to_string()).collect(),
            _ => Vec::new(),
        };
        assert!(
            references.iter().any(|r| r == question),
            "{engine:?}: {what} References: {references:?}"
        );
        assert!(m.header_raw("X-Codedesk-Case").is_some(), "{what}");
        let parts = |html: bool| {
            m.parts
                .iter()
                .filter(|p| match &p.body {
                    mail_parser::PartType::Html(_) => html,
                    mail_parser::PartType::Text(_) => !html,
                    _ => false,
                })
                .count()
        };
        assert_eq!(
            (parts(false), parts(true)),
            (1, 1),
            "{engine:?}: the {what} reply has one text and one HTML part"
        );
    }
    let m = mail_parser::MessageParser::default()
        .parse(&edited_raw)
        .unwrap();
    let text = m.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.contains(&long_line),
        "{engine:?}: the long line arrives whole in the text part"
    );
    assert!(
        text.starts_with("Checked by a coder: M54.16 fits.\n\n"),
        "{text}"
    );
    let html = m.body_html(0).unwrap().into_owned();
    assert!(
        html.contains("Checked by a coder: M54.16 fits.")
            && html.contains("M54.16 &lt;fits&gt; lumbar radiculopathy &amp; sciatica"),
        "{engine:?}: the HTML part is the edited text, escaped:\n{html}"
    );
    assert!(!html.contains("<fits>"), "{engine:?}: escaped");

    // What a mail client shows: the HTML part rendered in headless Chromium.
    let dom = render_in_chromium(&html, &format!("edited-reply-{engine:?}"));
    assert!(
        dom.contains("Checked by a coder: M54.16 fits.")
            && dom.contains("M54.16 &lt;fits&gt; lumbar radiculopathy"),
        "{engine:?}: Chromium shows the edited words:\n{dom}"
    );
    let audit = staff::audit_of_case(&desk.db.store, approve.0)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    desk.terminate(Duration::from_secs(15));
}

/// Renders `html` in headless Chromium (Debian's, as the rendered-reply tests do): a screenshot
/// that must not be blank, and the DOM as Chromium built it.
fn render_in_chromium(html: &str, name: &str) -> String {
    let chromium = "/usr/bin/chromium";
    assert!(
        std::path::Path::new(chromium).exists(),
        "{chromium} is missing: run scripts/install-test-deps"
    );
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-artifacts");
    std::fs::create_dir_all(&out).unwrap();
    let file = out.join(format!("{name}.html"));
    std::fs::write(&file, html).unwrap();
    let png = out.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    let profile = out.join(format!("chromium-profile-{name}-{}", std::process::id()));
    let run = |extra: &[String]| {
        std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap()
    };
    let shot = run(&[
        format!("--screenshot={}", png.display()),
        "--window-size=760,1400".into(),
    ]);
    assert!(
        shot.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.len() > 20_000, "{} looks blank", png.display());
    let dom = run(&["--dump-dom".into()]);
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&dom.stdout).into_owned()
}
