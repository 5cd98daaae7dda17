//! Shared test support: a fresh database per test on SQLite and on PostgreSQL, and the paths of
//! fixtures and of the real code-set files.
#![allow(dead_code)]

use codedesk::store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server tests use (trust auth); override with CODEDESK_TEST_POSTGRES.
pub fn postgres_admin_url() -> String {
    std::env::var("CODEDESK_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Both engines, for tests that must pass on each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

/// A database that exists for one test and is dropped (or deleted) afterwards.
pub struct TestDb {
    pub url: String,
    pub store: Store,
    dir: Option<PathBuf>,
    pg_name: Option<String>,
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A temporary folder removed when the value drops.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique(&format!("codedesk-{label}")));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(unique("codedesk-test"));
                std::fs::create_dir_all(&dir).unwrap();
                let url = format!("sqlite://{}/test.db", dir.display());
                let store = Store::connect(&url)
                    .await
                    .expect("open SQLite test database");
                TestDb {
                    url,
                    store,
                    dir: Some(dir),
                    pg_name: None,
                }
            }
            Engine::Postgres => {
                use sqlx::Connection;
                sqlx::any::install_default_drivers();
                let admin = postgres_admin_url();
                let name = unique("codedesk_test");
                let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {admin} ({e}). Start it with \
                         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
                         or set CODEDESK_TEST_POSTGRES"
                    )
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                let url = format!("{base}/{name}");
                let store = Store::connect(&url)
                    .await
                    .expect("open PostgreSQL test database");
                TestDb {
                    url,
                    store,
                    dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_name.take() {
            // Drop runs inside the test's runtime: do the async clean-up on a thread of its own
            // (FORCE ends the pool's connections, which belong to the blocked test runtime).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::AnyConnection::connect(&postgres_admin_url()).await
                    {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut conn)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The project's own fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The project's bundled sample data.
pub fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

/// Says that the running test did not run and how to run it: on the terminal past the test
/// harness's capture (a passing test's `eprintln!` is swallowed), and as one line of the skip
/// report `scripts/test` prints at the end (the file CODEDESK_SKIP_REPORT names, when set).
pub fn skipped(needs: &str, how: &str) {
    use std::io::Write;
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| match s.rsplit_once('-') {
            Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
            _ => s,
        })
        .unwrap_or_default();
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let line = format!("{binary}::{test}\t{needs}\t{how}");
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {binary}::{test}: {needs} is not here ({how})"
    );
    if let Some(report) = std::env::var_os("CODEDESK_SKIP_REPORT") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(report)
        {
            // One write of the whole line: tests skip on parallel threads, and `writeln!` writes
            // the line and its newline apart, so two reports could interleave.
            let _ = f.write_all(format!("{line}\n").as_bytes());
        }
    }
}

/// Whether `dir` is an existing empty folder: the shared files hidden on purpose (CI's run
/// without them points the variable at one).
fn hidden(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// The real CMS code-set files, from CODEDESK_CODESETS, or `None` (reported by [`skipped`]) when
/// the variable is unset or names an empty folder: the suite then runs on the project's own
/// sample. CI always sets it (`.ci/run` fails when the folder is missing); a path that is set
/// but holds something else fails here.
pub fn codesets() -> Option<PathBuf> {
    const HOW: &str = "export CODEDESK_CODESETS=../shared/codesets to run it";
    let Ok(dir) = std::env::var("CODEDESK_CODESETS") else {
        skipped("the real CMS code sets (CODEDESK_CODESETS)", HOW);
        return None;
    };
    let path = PathBuf::from(dir);
    if hidden(&path) {
        skipped("the real CMS code sets (CODEDESK_CODESETS)", HOW);
        return None;
    }
    assert!(
        path.join("icd10cm").is_dir(),
        "CODEDESK_CODESETS={} does not hold the code-set folders (icd10cm/, hcpcs/, ncci/ ...)",
        path.display()
    );
    Some(path)
}

/// The shared message corpora (`mime/` ...): CODEDESK_CORPORA, else `../shared/corpora` beside
/// the clone; `None` (reported by [`skipped`]) when the variable is unset and that folder is
/// missing, or when the variable names an empty folder. A set variable naming a folder without
/// `mime/` fails here.
pub fn corpora() -> Option<PathBuf> {
    const NEEDS: &str = "the shared MIME corpus (CODEDESK_CORPORA or ../shared/corpora)";
    const HOW: &str = "export CODEDESK_CORPORA=../shared/corpora to run it";
    let dir = match std::env::var_os("CODEDESK_CORPORA") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
            if !beside.is_dir() {
                skipped(NEEDS, HOW);
                return None;
            }
            beside
        }
    };
    if hidden(&dir) {
        skipped(NEEDS, HOW);
        return None;
    }
    assert!(
        dir.join("mime").is_dir(),
        "the MIME corpus is not at {}/mime: set CODEDESK_CORPORA to the shared corpora folder \
         (e.g. export CODEDESK_CORPORA=/work/shared/corpora)",
        dir.display()
    );
    Some(dir)
}
