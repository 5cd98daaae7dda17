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

/// The real CMS code-set files, from CODEDESK_CODESETS, or `None` (with a notice on stderr) when
/// the variable is unset: the suite then runs on the project's own sample. CI always sets it
/// (`.ci/run` fails when the folder is missing); a set but wrong path fails here.
pub fn codesets() -> Option<PathBuf> {
    let Ok(dir) = std::env::var("CODEDESK_CODESETS") else {
        eprintln!(
            "NOTICE: CODEDESK_CODESETS is not set, so this test of the real CMS files did not run \
             (export CODEDESK_CODESETS=../shared/codesets to run it)"
        );
        return None;
    };
    let path = PathBuf::from(dir);
    assert!(
        path.join("icd10cm").is_dir(),
        "CODEDESK_CODESETS={} does not hold the code-set folders (icd10cm/, hcpcs/, ncci/ ...)",
        path.display()
    );
    Some(path)
}
