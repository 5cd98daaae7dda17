//! The staff page in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core
//! from tests/browser; `scripts/install-test-deps` installs both). Each test starts the page on a
//! free loopback port over a fresh database, runs one scenario of tests/browser/staff.mjs, then
//! checks the database. Screenshots land in the target folder's tmp/browser-artifacts.

mod attachment_support;
mod common;
use codedesk::config::Config;
use codedesk::store::Store;
use codedesk::store::cases::{self, CaseId, CaseState, NewCase, StoredReply};
use codedesk::store::staff::{self, Role};
use codedesk::web::{AppState, auth::hash_password, router};
use common::{Engine, TestDb};
use std::path::PathBuf;

const STAFF: (&str, &str) = ("coder@clinic.example", "staff password 1");
const ADMIN: (&str, &str) = ("lead@clinic.example", "admin password 1");

/// Where screenshots go (kept after the run, for a person to look at).
fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-artifacts")
}

/// Adds the two accounts every scenario logs in with.
async fn accounts(store: &Store) {
    for (email, password, role) in [
        (STAFF.0, STAFF.1, Role::Staff),
        (ADMIN.0, ADMIN.1, Role::Admin),
    ] {
        let hash = hash_password(password).unwrap();
        staff::create_user(store, email, role, &hash).await.unwrap();
    }
}

/// A question as it could arrive: plain text, or with hostile markup in subject, sender and body.
fn question(n: u32, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Pat Coder <pat{n}@clinic.example>\r\nTo: desk@codedesk.example\r\n\
         Subject: {subject}\r\nMessage-ID: <q{n}@clinic.example>\r\n\
         Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A drafted reply with a text and an HTML part (the HTML may carry hostile markup too).
fn reply(n: u32, text: &str, html: &str) -> Vec<u8> {
    format!(
        "From: desk@codedesk.example\r\nTo: pat{n}@clinic.example\r\nSubject: Re: question {n}\r\n\
         Message-ID: <r{n}@codedesk.example>\r\nIn-Reply-To: <q{n}@clinic.example>\r\n\
         Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--b\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b--\r\n"
    )
    .into_bytes()
}

/// Stores a case as the worker would, and moves it to `to` (held, approved, failed or sent).
async fn seed(store: &Store, n: u32, subject: &str, body: &str, to: CaseState) -> i64 {
    let text = format!("Answer to question {n}: 99213 is an office visit code.");
    seed_reply(store, n, subject, body, &text, format!("CD-{n}"), None, to).await
}

/// As [`seed`], with the reply's text, the case reference and the case it follows up given.
#[allow(clippy::too_many_arguments)]
async fn seed_reply(
    store: &Store,
    n: u32,
    subject: &str,
    body: &str,
    text: &str,
    case_ref: String,
    thread_of: Option<i64>,
    to: CaseState,
) -> i64 {
    let raw = question(n, subject, body);
    let sender = format!("pat{n}@clinic.example");
    let message_id = format!("q{n}@clinic.example");
    let new = NewCase {
        mailbox: "test",
        uidvalidity: 1,
        uid: n,
        message_id: Some(&message_id),
        raw: &raw,
        full_size: raw.len() as u64,
        sender: Some(&sender),
        recipient: None,
        subject: Some(subject),
    };
    let now = codedesk::web::now_unix();
    let id = cases::insert_received(store, &new, "worker", now)
        .await
        .unwrap()
        .id();
    let claimed = cases::claim(store, CaseState::Received, "seed", now, 60, 1)
        .await
        .unwrap();
    assert_eq!(claimed, [id]);
    let stored = StoredReply {
        kind: "answer".into(),
        message_id: format!("r{n}@codedesk.example"),
        to: sender.clone(),
        subject: format!("Re: question {n}"),
        text: text.to_string(),
        raw: reply(
            n,
            text,
            &format!("<p>{text}</p><img src=x onerror=\"window.__pwned='reply'\">"),
        ),
        case_ref,
        thread_of: thread_of.map(CaseId),
        confidence: Some("unsure".into()),
        question_codes: codedesk::case_search::question_codes(&codedesk::question::parse(
            &raw,
            &codedesk::question::Limits::default(),
        )),
    };
    assert!(
        cases::record_reply(store, id, "seed", &stored, now)
            .await
            .unwrap()
    );
    match to {
        CaseState::Failed => {
            assert!(
                cases::fail(
                    store,
                    id,
                    Some("seed"),
                    "seed",
                    "550 mailbox unavailable",
                    now
                )
                .await
                .unwrap()
            );
        }
        CaseState::Held | CaseState::Approved => {
            assert!(
                cases::route(store, id, "seed", to, "confidence unsure", now)
                    .await
                    .unwrap()
            );
        }
        other => panic!("seed cannot make a {other} case"),
    }
    id.0
}

/// Serves the page on 127.0.0.1 (any free port) in this test's runtime; returns its base URL.
async fn start(store: &Store) -> String {
    start_with(store, Config::default()).await
}

/// As [`start`], with this configuration (its `[web] listen` is set here).
async fn start_with(store: &Store, mut config: Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    config.web.listen = addr.to_string();
    let app = router(AppState::new(store.clone(), config));
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// Runs one scenario of staff.mjs; panics with its message when a check in the browser failed.
async fn browser(scenario: &str, url: &str, extra: serde_json::Value) -> serde_json::Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && std::path::Path::new("/usr/bin/chromium").exists(),
        "the browser tests need Chromium and playwright-core: run scripts/install-test-deps"
    );
    let mut params = serde_json::json!({
        "staff": { "email": STAFF.0, "password": STAFF.1 },
        "admin": { "email": ADMIN.0, "password": ADMIN.1 },
    });
    if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    let (scenario_arg, url, artifacts) = (scenario.to_string(), url.to_string(), artifacts());
    // playwright's own timeouts (30 s a step) bound the run; the server keeps running meanwhile.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(dir.join("staff.mjs"))
            .arg(scenario_arg)
            .current_dir(&dir)
            .env("CODEDESK_URL", url)
            .env("CODEDESK_ARTIFACTS", artifacts)
            .env("CODEDESK_PARAMS", params.to_string())
            .output()
    })
    .await
    .unwrap()
    .expect("run node (scripts/install-test-deps installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser scenario {scenario} failed:\n{stderr}\n{stdout}"
    );
    serde_json::from_str(stdout.lines().last().unwrap_or("{}"))
        .unwrap_or_else(|e| panic!("scenario {scenario} printed no findings ({e}): {stdout}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_refuses_a_wrong_password_and_sets_strict_cookies() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let url = start(&db.store).await;
    let found = browser("login", &url, serde_json::json!({})).await;
    assert_eq!(found["who"], format!("{} (staff)", STAFF.0));
    let log = staff::recent_audit(&db.store, 10).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["logout", "login", "login.failed"], "{log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failed_logins_lock_that_address_for_a_while() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let url = start(&db.store).await;
    let found = browser("ratelimit", &url, serde_json::json!({})).await;
    let message = found["message"].as_str().unwrap();
    assert!(message.contains("too many failed logins"), "{message}");
    let log = staff::recent_audit(&db.store, 20).await.unwrap();
    let failed = log.iter().filter(|e| e.action == "login.failed").count();
    assert_eq!(failed, 5, "{log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_the_csrf_token_is_refused() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let url = start(&db.store).await;
    browser("csrf", &url, serde_json::json!({})).await;
    let forged = staff::find_user(&db.store, "forged@clinic.example")
        .await
        .unwrap();
    assert!(
        forged.is_none(),
        "the forged POST must not have added an account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_cannot_open_admin_pages_and_admins_change_accounts_and_senders() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let url = start(&db.store).await;
    let found = browser("roles", &url, serde_json::json!({})).await;
    let added = staff::find_user(&db.store, "new.coder@clinic.example")
        .await
        .unwrap();
    assert_eq!(added.map(|u| u.role), Some(Role::Staff));
    let senders = staff::senders_config(&db.store, &Config::default().senders)
        .await
        .unwrap();
    assert_eq!(senders.members, ["clinic.example", "billing@other.example"]);
    assert_eq!(senders.blocked, ["spam.example"]);
    assert_eq!(senders.guest_quota, 5);
    let audit = found["audit"].as_str().unwrap();
    assert!(
        audit.contains("user.add") && audit.contains("senders.update"),
        "{audit}"
    );
}

/// `[desk] timezone`: the queue, the case page and its history show local times with the
/// zone, not UTC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_times_in_the_desk_zone() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let id = seed(
        &db.store,
        1,
        "Is 99213 right?",
        "Billed 99213.",
        CaseState::Held,
    )
    .await;
    let mut config = Config::default();
    config.desk.timezone = Some("America/Chicago".into());
    let zone = config.desk.zone().unwrap();
    let url = start_with(&db.store, config).await;
    let found = browser("localtime", &url, serde_json::json!({ "case": id })).await;
    let case = cases::get(&db.store, CaseId(id)).await.unwrap().unwrap();
    let local = zone.time_label(case.received_at);
    let utc = codedesk::date::Zone::utc().time_label(case.received_at);
    assert!(
        local.ends_with(" CST") || local.ends_with(" CDT"),
        "{local}"
    );
    assert_ne!(local, utc);
    assert_eq!(found["queue_time"], local, "{found}");
    assert_eq!(found["case_time"], local, "{found}");
    let first = cases::events(&db.store, CaseId(id)).await.unwrap()[0].at;
    assert_eq!(found["history_first"], zone.time_label(first), "{found}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_shows_overdue_cases_first_with_their_business_age() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let older = seed(
        &db.store,
        1,
        "Is 99213 right?",
        "Billed 99213.",
        CaseState::Held,
    )
    .await;
    let newer = seed(
        &db.store,
        2,
        "Is 99214 right?",
        "Billed 99214.",
        CaseState::Held,
    )
    .await;
    // Every second is working time and a case may wait one: both are overdue once a second
    // has passed since the newer one came.
    let mut config = Config::default();
    config.desk.timezone = Some("UTC".into());
    config.policy.answer_within = Some("1s".into());
    config.calendar.days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(String::from)
        .to_vec();
    config.calendar.hours = "00:00-24:00".into();
    let received = cases::get(&db.store, CaseId(newer))
        .await
        .unwrap()
        .unwrap()
        .received_at;
    while codedesk::web::now_unix() <= received + 1 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let url = start_with(&db.store, config).await;
    let found = browser("overdue", &url, serde_json::json!({})).await;
    let rows = found["rows"].as_array().expect("rows");
    let refs: Vec<&str> = rows.iter().map(|r| r["ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["CD-1", "CD-2"], "oldest overdue first: {found}");
    assert!(older < newer);
    for row in rows {
        let label = row["overdue"].as_str().unwrap_or_default();
        assert!(
            label.starts_with("overdue: ") && label.ends_with(" business time"),
            "{found}"
        );
        assert_eq!(row["color"], "rgb(161, 38, 34)", "{found}");
    }
}

async fn state_of(store: &Store, id: i64) -> CaseState {
    cases::case_state(store, CaseId(id)).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_lists_held_cases_and_a_case_is_approved_edited_rejected_and_resent() {
    queue_and_actions(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_and_case_actions_work_on_postgresql_too() {
    queue_and_actions(Engine::Postgres).await;
}

async fn queue_and_actions(engine: Engine) {
    let db = TestDb::new(engine).await;
    accounts(&db.store).await;
    let approve = seed(
        &db.store,
        1,
        "Is 99213 right for a follow-up?",
        "Patient seen for J06.9, billed 99213.",
        CaseState::Held,
    )
    .await;
    let edit = seed(
        &db.store,
        2,
        "Modifier 25 with 99214",
        "Can we bill 99214-25 with 20610?",
        CaseState::Held,
    )
    .await;
    let reject = seed(
        &db.store,
        3,
        "Lunch on Friday?",
        "Not a coding question.",
        CaseState::Held,
    )
    .await;
    let resend = seed(
        &db.store,
        4,
        "G0439 frequency",
        "How often is G0439 covered?",
        CaseState::Failed,
    )
    .await;
    let reanswer = seed(
        &db.store,
        5,
        "After the April update",
        "Is U0001 valid now?",
        CaseState::Held,
    )
    .await;
    let url = start(&db.store).await;
    let found = browser(
        "cases",
        &url,
        serde_json::json!({ "approve": approve, "edit": edit, "reject": reject, "resend": resend, "reanswer": reanswer }),
    )
    .await;
    assert_eq!(found["held_rows"], 4, "{found}");
    assert_eq!(state_of(&db.store, approve).await, CaseState::Approved);
    assert_eq!(state_of(&db.store, edit).await, CaseState::Approved);
    assert_eq!(state_of(&db.store, reject).await, CaseState::Ignored);
    assert_eq!(state_of(&db.store, resend).await, CaseState::Approved);
    let again = cases::get(&db.store, CaseId(reanswer))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.state, CaseState::Received);
    assert!(again.reply_text.is_none() && again.reply_message_id.is_none());
    assert_eq!(
        cases::events(&db.store, CaseId(reanswer))
            .await
            .unwrap()
            .last()
            .unwrap()
            .from_state,
        Some(CaseState::Held)
    );
    let edited = cases::get(&db.store, CaseId(edit)).await.unwrap().unwrap();
    assert!(
        edited
            .reply_text
            .unwrap()
            .contains("Edited by staff: modifier 25 applies")
    );
    let raw = cases::reply_raw(&db.store, CaseId(edit))
        .await
        .unwrap()
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        raw.contains("Edited by staff: modifier 25 applies")
            && raw.contains("Message-ID: <r2@codedesk.example>"),
        "{raw}"
    );
    let audit = staff::audit_of_case(&db.store, reject).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (
            audit[0].action.as_str(),
            audit[0].detail.as_str(),
            audit[0].staff_email.as_str()
        ),
        ("reject", "not a coding question", STAFF.0)
    );
    let events = cases::events(&db.store, CaseId(approve)).await.unwrap();
    assert_eq!(events.last().unwrap().actor, STAFF.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_subject_sender_and_body_are_shown_inert() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let id = seed(
        &db.store,
        7,
        "<script>window.__pwned='subject'</script><img src=x onerror=\"window.__pwned='img'\">",
        "Please check 99213 <script>window.__pwned='body'</script> <img src=x onerror=\"alert('body')\"> thanks",
        CaseState::Held,
    )
    .await;
    let url = start(&db.store).await;
    let found = browser("hostile", &url, serde_json::json!({ "case": id })).await;
    assert_eq!(found["pwned"], serde_json::Value::Null, "{found}");
    assert_eq!(found["dialogs"], 0, "{found}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_staff_acting_on_one_case_at_once_one_wins_the_other_is_told() {
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let id = seed(
        &db.store,
        9,
        "Two reviewers",
        "Is 99213 fine?",
        CaseState::Held,
    )
    .await;
    let url = start(&db.store).await;
    let found = browser("conflict", &url, serde_json::json!({ "case": id })).await;
    let message = found["message"].as_str().unwrap();
    assert!(message.contains("changed since you opened it"), "{found}");
    let expected = if found["winner"] == "approve" {
        CaseState::Approved
    } else {
        CaseState::Ignored
    };
    assert_eq!(state_of(&db.store, id).await, expected, "{found}");
    assert_eq!(found["state"], expected.as_str());
    let events = cases::events(&db.store, CaseId(id)).await.unwrap();
    let by_staff = events.iter().filter(|e| e.actor.contains('@')).count();
    assert_eq!(by_staff, 1, "one staff action applied: {events:?}");
    let audit = staff::audit_of_case(&db.store, id).await.unwrap();
    assert_eq!(audit.len(), 1, "only the winner acted: {audit:?}");
}

/// A reply as the templates write one: the question's own codes, then what every reply says
/// (an example code, the code sets consulted) and the case reference.
fn templated_reply(codes: &str, case_ref: &str) -> String {
    format!(
        "Hello,\n\nHere is what the official code sets say about {codes}.\n\n\
         Example of how to write a visit with a modifier: 99213-25.\n\n\
         Case reference: {case_ref}\n\n-- \nCode sets consulted: ICD-10-CM FY2026, HCPCS 2026, \
         NCCI PTP 2026Q1."
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_search_finds_a_case_by_its_reference_and_not_by_reply_template_words() {
    search_and_references(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_search_and_case_references_work_on_postgresql_too() {
    search_and_references(Engine::Postgres).await;
}

/// Twelve held cases whose replies all name "ICD-10" and the example code 99213 (as the
/// templates do); case 12 follows up case 11 and so carries its reference. The page must find a
/// case by the reference in its mail (`CD-1` is not `CD-10`), by the codes of its question, not
/// by the replies' words unless asked, and name every case as its mail does.
async fn search_and_references(engine: Engine) {
    let db = TestDb::new(engine).await;
    accounts(&db.store).await;
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    ];
    let mut ids = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let n = i as u32 + 1;
        let (subject, body, codes) = match n {
            5 => (
                "Spine question".to_string(),
                "Is M54.16 right for lumbar radiculopathy?",
                "M54.16",
            ),
            7 => (
                "Office visit".to_string(),
                "Can 99214 go with 96372 today?",
                "99214 and 96372",
            ),
            _ => (
                format!("Question {word}"),
                "Is J06.9 still billable?",
                "J06.9",
            ),
        };
        let case_ref = format!("CD-{n}");
        let text = templated_reply(codes, &case_ref);
        ids.push(
            seed_reply(
                &db.store,
                n,
                &subject,
                body,
                &text,
                case_ref,
                None,
                CaseState::Held,
            )
            .await,
        );
    }
    assert_eq!(ids, (1..=11).collect::<Vec<i64>>(), "fresh ids");
    let follow_up = seed_reply(
        &db.store,
        12,
        "Re: Question eleven [CD-11]",
        "And with a 7th character?",
        &templated_reply("J06.9", "CD-11"),
        "CD-11".into(),
        Some(11),
        CaseState::Held,
    )
    .await;
    let url = start(&db.store).await;
    let found = browser(
        "search",
        &url,
        serde_json::json!({ "one": 1, "spine": 5, "visit": 7, "follow_up": follow_up }),
    )
    .await;
    assert_eq!(found["by_reference"], 1, "{found}");
    assert_eq!(found["by_number"], 1, "{found}");
    assert_eq!(found["template_word"], 0, "{found}");
    assert_eq!(found["template_word_in_replies"], 12, "{found}");
    assert_eq!(found["template_code"], 0, "{found}");
    assert_eq!(found["by_code"], 1, "{found}");
    assert_eq!(found["by_code_number"], 1, "{found}");
    assert_eq!(found["thread"], 2, "{found}");
    assert_eq!(found["case_ref"], "CD-1", "{found}");
    assert_eq!(found["follow_up_ref"], "CD-11", "{found}");
    let audit = staff::recent_audit(&db.store, 5).await.unwrap();
    assert_eq!(audit[0].case_ref.as_deref(), Some("CD-1"), "{audit:?}");
}

/// A question with a PDF (codes in it) and a damaged PDF attached: the case page lists both
/// with type, size and what was read; the link downloads the file under its name, the page stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_page_lists_attachments_and_downloads_them_as_files() {
    use attachment_support::{CORRUPT_PDF, PDF, with_attachments};
    let db = TestDb::new(Engine::Sqlite).await;
    accounts(&db.store).await;
    let raw = with_attachments(
        "From: Pat Coder <pat1@clinic.example>\r\nTo: desk@codedesk.example\r\n\
         Subject: op note\r\nMessage-ID: <q1@clinic.example>\r\n",
        "Is M54.16 right? The note is attached.",
        &[
            ("op-note.pdf", "application/pdf", PDF),
            ("scan.pdf", "application/pdf", CORRUPT_PDF),
        ],
    );
    let new = NewCase {
        mailbox: "test",
        uidvalidity: 1,
        uid: 1,
        message_id: Some("q1@clinic.example"),
        raw: &raw,
        full_size: raw.len() as u64,
        sender: Some("pat1@clinic.example"),
        recipient: None,
        subject: Some("op note"),
    };
    let id = cases::insert_received(&db.store, &new, "worker", codedesk::web::now_unix())
        .await
        .unwrap()
        .id();
    let url = start(&db.store).await;
    let found = browser("attachments", &url, serde_json::json!({ "case": id.0 })).await;
    let rows = found["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{found}");
    assert_eq!(rows[0]["name"], "op-note.pdf", "{found}");
    assert_eq!(rows[0]["type"], "application/pdf", "{found}");
    assert_eq!(rows[0]["size"], format!("{} bytes", PDF.len()), "{found}");
    assert_eq!(
        rows[0]["text"], "codes from the attachment op-note.pdf: 64483, E11.9",
        "{found}"
    );
    assert_eq!(rows[1]["name"], "scan.pdf", "{found}");
    assert_eq!(
        rows[1]["text"], "text not read: damaged or unreadable PDF",
        "{found}"
    );
    assert_eq!(found["download_name"], "op-note.pdf", "{found}");
    assert_eq!(found["download_size"], PDF.len(), "{found}");
    assert_eq!(
        found["url_after"],
        format!("{url}/case/{}", id.0),
        "{found}"
    );
}
