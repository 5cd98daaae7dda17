//! The staff page in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core
//! from tests/browser; `scripts/install-test-deps` installs both). Each test starts the page on a
//! free loopback port over a fresh database, runs one scenario of tests/browser/staff.mjs, then
//! checks the database. Screenshots land in the target folder's tmp/browser-artifacts.

mod common;
use codedesk::config::Config;
use codedesk::store::Store;
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

/// Serves the page on 127.0.0.1 (any free port) in this test's runtime; returns its base URL.
async fn start(store: &Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::default();
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
