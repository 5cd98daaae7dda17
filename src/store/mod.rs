//! The database: connect (SQLite or PostgreSQL by the URL), migrate, and all SQL. Nothing else in
//! the crate writes SQL.

pub mod acknowledgements;
pub mod cases;
pub mod catalog;
pub mod lease;
pub mod login_attempts;
pub mod metrics;
pub mod oauth2_sign_in;
pub mod retention;
pub mod staff;
pub mod staff_cases;
pub mod staff_notices;
pub mod workers;

use anyhow::{Context, Result, bail};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which engine a [`Store`] talks to; the few statements that differ branch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// For several workers on one queue.
    Postgres,
}

/// A connection pool to the codedesk database with the schema migrated.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "catalog",
        sqlite: include_str!("../../migrations/sqlite/0001_catalog.sql"),
        postgres: include_str!("../../migrations/postgres/0001_catalog.sql"),
    },
    Migration {
        version: 2,
        name: "cases",
        sqlite: include_str!("../../migrations/sqlite/0002_cases.sql"),
        postgres: include_str!("../../migrations/postgres/0002_cases.sql"),
    },
    Migration {
        version: 3,
        name: "staff",
        sqlite: include_str!("../../migrations/sqlite/0003_staff.sql"),
        postgres: include_str!("../../migrations/postgres/0003_staff.sql"),
    },
    Migration {
        version: 4,
        name: "retention",
        sqlite: include_str!("../../migrations/sqlite/0004_retention.sql"),
        postgres: include_str!("../../migrations/postgres/0004_retention.sql"),
    },
    Migration {
        version: 5,
        name: "workers",
        sqlite: include_str!("../../migrations/sqlite/0005_workers.sql"),
        postgres: include_str!("../../migrations/postgres/0005_workers.sql"),
    },
    Migration {
        version: 6,
        name: "lookups",
        sqlite: include_str!("../../migrations/sqlite/0006_lookups.sql"),
        postgres: include_str!("../../migrations/postgres/0006_lookups.sql"),
    },
    Migration {
        version: 7,
        name: "bodies",
        sqlite: include_str!("../../migrations/sqlite/0007_bodies.sql"),
        postgres: include_str!("../../migrations/postgres/0007_bodies.sql"),
    },
    Migration {
        version: 8,
        name: "ptp_coverage",
        sqlite: include_str!("../../migrations/sqlite/0008_ptp_coverage.sql"),
        postgres: include_str!("../../migrations/postgres/0008_ptp_coverage.sql"),
    },
    Migration {
        version: 9,
        name: "login_attempts",
        sqlite: include_str!("../../migrations/sqlite/0009_login_attempts.sql"),
        postgres: include_str!("../../migrations/postgres/0009_login_attempts.sql"),
    },
    Migration {
        version: 10,
        name: "sender_keys",
        sqlite: include_str!("../../migrations/sqlite/0010_sender_keys.sql"),
        postgres: include_str!("../../migrations/postgres/0010_sender_keys.sql"),
    },
    Migration {
        version: 11,
        name: "fee_schedule",
        sqlite: include_str!("../../migrations/sqlite/0011_fee_schedule.sql"),
        postgres: include_str!("../../migrations/postgres/0011_fee_schedule.sql"),
    },
    Migration {
        version: 12,
        name: "index_terms",
        sqlite: include_str!("../../migrations/sqlite/0012_index_terms.sql"),
        postgres: include_str!("../../migrations/postgres/0012_index_terms.sql"),
    },
    Migration {
        version: 13,
        name: "oauth2_sign_in",
        sqlite: include_str!("../../migrations/sqlite/0013_oauth2_sign_in.sql"),
        postgres: include_str!("../../migrations/postgres/0013_oauth2_sign_in.sql"),
    },
    Migration {
        version: 15,
        name: "staff_desks",
        sqlite: include_str!("../../migrations/sqlite/0015_staff_desks.sql"),
        postgres: include_str!("../../migrations/postgres/0015_staff_desks.sql"),
    },
    Migration {
        version: 16,
        name: "question_codes",
        sqlite: include_str!("../../migrations/sqlite/0016_question_codes.sql"),
        postgres: include_str!("../../migrations/postgres/0016_question_codes.sql"),
    },
    Migration {
        version: 17,
        name: "acknowledgements",
        sqlite: include_str!("../../migrations/sqlite/0017_acknowledgements.sql"),
        postgres: include_str!("../../migrations/postgres/0017_acknowledgements.sql"),
    },
    Migration {
        version: 18,
        name: "staff_notices",
        sqlite: include_str!("../../migrations/sqlite/0018_staff_notices.sql"),
        postgres: include_str!("../../migrations/postgres/0018_staff_notices.sql"),
    },
];

impl Store {
    /// Connects to `url` (`sqlite://file.db`, `sqlite::memory:`, `postgres://...`), creating a
    /// missing SQLite file, and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = Store::open(url, false).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens an existing database without creating, changing or migrating anything (for
    /// `check-config`): a missing SQLite file is an error, PostgreSQL is taken as it is.
    pub async fn connect_unchanged(url: &str) -> Result<Store> {
        Store::open(url, true).await
    }

    async fn open(url: &str, read_only: bool) -> Result<Store> {
        install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                // Not "ro": a read-only connection to a WAL database leaves its -wal and -shm
                // files behind; "rw" opens an existing file only, and nothing is written.
                let mode = if read_only { "rw" } else { "rwc" };
                format!("{url}{sep}mode={mode}")
            }
            _ => url.to_string(),
        };
        if backend == Backend::Sqlite && read_only {
            if let Some(path) = sqlite_path(&url).filter(|p| !std::path::Path::new(p).exists()) {
                bail!(
                    "the SQLite database {path} does not exist yet (codedesk import, demo or the \
                     worker creates it)"
                );
            }
        } else if backend == Backend::Sqlite {
            create_private(&url)?;
        } else {
            check_reachable(&url).await?;
        }
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            options = options
                .max_connections(if url.contains(":memory:") { 1 } else { 8 })
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // mmap: pages another connection's write invalidated are read again
                        // from the mapping instead of copied in by a read call each.
                        conn.execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY;")
                            .await?;
                        Ok(())
                    })
                });
        } else {
            options = options.max_connections(10);
        }
        let pool = options
            .connect(&url)
            .await
            .with_context(|| format!("cannot open the database {}", redact_url(&url)))?;
        if backend == Backend::Sqlite && !url.contains(":memory:") && !read_only {
            pool.execute("PRAGMA journal_mode = WAL;")
                .await
                .context("cannot switch the SQLite database to WAL mode")?;
        }
        Ok(Store { pool, backend })
    }

    /// The migrations of this binary the database has not applied (`version name`), without
    /// changing it; all of them for an empty database.
    pub async fn pending_migrations(&self) -> Result<Vec<String>> {
        let applied: Vec<(i64,)> = match sqlx::query_as("SELECT version FROM schema_migration")
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => rows,
            // A database codedesk never opened: no table yet, every migration pending.
            Err(e)
                if e.to_string().contains("no such table")
                    || e.to_string().contains("does not exist") =>
            {
                Vec::new()
            }
            Err(e) => return Err(e).context("cannot read which migrations the database has"),
        };
        Ok(MIGRATIONS
            .iter()
            .filter(|m| !applied.iter().any(|(v,)| *v == m.version))
            .map(|m| format!("{} {}", m.version, m.name))
            .collect())
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for the SQL modules of this folder.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies every migration not yet applied, each in its own transaction. Safe to run from
    /// several processes at once: PostgreSQL serialises them with an advisory lock, SQLite with
    /// its write lock.
    async fn migrate(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_lock(7171001)").await?;
        }
        let result = async {
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            )
            .await?;
            for m in MIGRATIONS {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                if self.backend == Backend::Sqlite {
                    // Take the write lock now so two processes cannot both see "not applied".
                    tx.execute("UPDATE schema_migration SET version = version WHERE 0").await?;
                }
                let done: Option<(i64,)> =
                    sqlx::query_as("SELECT version FROM schema_migration WHERE version = $1")
                        .bind(m.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_some() {
                    tx.rollback().await?;
                    continue;
                }
                let sql = match self.backend {
                    Backend::Sqlite => m.sqlite,
                    Backend::Postgres => m.postgres,
                };
                sqlx::raw_sql(sql)
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("migration {} ({}) failed", m.version, m.name))?;
                sqlx::query("INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)")
                    .bind(m.version)
                    .bind(m.name)
                    .bind(now_rfc3339())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            anyhow::Ok(())
        }
        .await;
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_unlock(7171001)").await?;
        }
        result.context("cannot migrate the database schema")
    }

    /// Asks the database a trivial question: it is reachable and answering.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .context("the database does not answer")?;
        Ok(())
    }

    /// Closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The engine a database URL names, or an error saying which URLs are understood.
pub fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        bail!(
            "database URL {} is not understood: use sqlite://FILE.db or postgres://USER@HOST/DB",
            redact_url(url)
        )
    }
}

/// The URL with any password replaced by `***`, for messages and logs: the one after the user
/// name and any query parameter naming a password, secret or key (`?password=`, `sslpassword=`).
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = base.to_string();
    if let Some((scheme, rest)) = base.split_once("://") {
        if let Some((auth, host)) = rest.rsplit_once('@') {
            if let Some((user, _)) = auth.split_once(':') {
                out = format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if is_secret_param(k) => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

fn is_secret_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "token", "key"]
        .iter()
        .any(|w| key.contains(w))
}

/// How long a PostgreSQL server may take to accept a connection before codedesk gives up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// `host:port` of a PostgreSQL URL, for messages (no user, no password).
pub fn postgres_target(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() {
        "the local socket".into()
    } else if host.contains(':') && !host.ends_with(']') {
        host.to_string()
    } else {
        format!("{host}:5432")
    }
}

/// One connection to PostgreSQL within [`CONNECT_TIMEOUT`], so that an unreachable server is
/// named with the cause at once (the pool alone would retry for its whole acquire timeout and
/// then say only "pool timed out").
async fn check_reachable(url: &str) -> Result<()> {
    use sqlx::Connection;
    let target = postgres_target(url);
    match tokio::time::timeout(CONNECT_TIMEOUT, sqlx::AnyConnection::connect(url)).await {
        Err(_) => bail!(
            "cannot connect to PostgreSQL at {target}: no answer within {} s (is the server \
             running, the host and port right, a firewall in the way?)",
            CONNECT_TIMEOUT.as_secs()
        ),
        Ok(Err(e)) => Err(anyhow::anyhow!(
            "cannot connect to PostgreSQL at {target}: {e} (check [database] url: {})",
            redact_url(url)
        )),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
    }
}

/// The file of a SQLite URL, if it names one (not `:memory:`).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(':')).then_some(path)
}

/// Creates a missing SQLite database file readable by its owner only (0600), in folders only
/// the owner can enter (0700) when they are new; SQLite gives its journal files the same mode.
fn create_private(url: &str) -> Result<()> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    let path = std::path::Path::new(path);
    if path.exists() {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::private_files::create_dir_all(parent)
            .with_context(|| format!("cannot create the database folder {}", parent.display()))?;
    }
    crate::private_files::create_new(path)
        .map(drop)
        .with_context(|| format!("cannot create the database file {}", path.display()))
}

/// The current UTC time as RFC 3339 with seconds, the form timestamps are stored in.
pub fn now_rfc3339() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(now.as_secs() as i64)
}

/// Unix seconds as RFC 3339 UTC (`2026-01-15T08:30:00Z`), for case times shown to people.
pub fn rfc3339(secs: i64) -> String {
    let date = crate::date::Date::from_days((secs / 86_400) as i32);
    let rem = secs % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact_url("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
        assert_eq!(
            redact_url("postgres://u@h/db?password=pw&sslmode=require"),
            "postgres://u@h/db?password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://u:p@ss@h/db?sslpassword=x"),
            "postgres://u:***@h/db?sslpassword=***"
        );
    }

    #[test]
    fn postgres_targets_name_host_and_port_only() {
        assert_eq!(
            postgres_target("postgres://u:pw@db.example:6543/x"),
            "db.example:6543"
        );
        assert_eq!(
            postgres_target("postgres://u@db.example/x?sslmode=require"),
            "db.example:5432"
        );
        assert_eq!(postgres_target("postgresql://10.0.0.1"), "10.0.0.1:5432");
        assert_eq!(postgres_target("postgres:///x"), "the local socket");
    }

    #[test]
    fn knows_both_backends_and_refuses_others() {
        assert_eq!(backend_of("sqlite://a.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://x/y").unwrap(), Backend::Postgres);
        let err = backend_of("mysql://x").unwrap_err().to_string();
        assert!(err.contains("sqlite://"), "{err}");
    }
}
