//! The database layer on both engines: migrations apply, and applying them again changes nothing.

mod common;
use codedesk::store::Store;
use common::{ENGINES, TestDb};

#[tokio::test]
async fn migrations_apply_once_on_both_engines() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        // A second connect runs the migrator again over the migrated schema.
        let again = Store::connect(&db.url).await.expect("reconnect");
        again.close().await;
        let count = codedesk::store::catalog::import_count(&db.store)
            .await
            .unwrap();
        assert_eq!(count, 0, "{engine:?}");
    }
}

/// Migration 7 moves message bodies out of `mail_case` into `case_body`: a database that still
/// has them in the case row (as before it) keeps every byte after the upgrade.
#[tokio::test]
async fn upgrading_moves_stored_bodies_into_their_own_table() {
    use codedesk::store::cases::{self, CaseId};
    use sqlx::Connection;
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
        // Back to the shape of version 6: bodies in the case row, no case_body.
        let (blob, empty) = match engine {
            common::Engine::Sqlite => ("BLOB", "x''"),
            common::Engine::Postgres => ("BYTEA", "''::bytea"),
        };
        for sql in [
            "DROP TABLE case_body".to_string(),
            format!("ALTER TABLE mail_case ADD COLUMN raw {blob} NOT NULL DEFAULT {empty}"),
            format!("ALTER TABLE mail_case ADD COLUMN reply_raw {blob}"),
            "DELETE FROM schema_migration WHERE version = 7".to_string(),
            "INSERT INTO mail_case (mailbox, uidvalidity, uid, message_id, raw_size, state, \
             received_at, updated_at, raw, reply_raw) VALUES ('m', 1, 1, 'q1@x', 5, 'sent', 1, 2, $1, $2)"
                .to_string(),
        ] {
            let mut q = sqlx::query(&sql);
            if sql.starts_with("INSERT") {
                q = q.bind(b"Q\r\n\r\nhi".to_vec()).bind(b"R\r\n\r\nyes".to_vec());
            }
            q.execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        conn.close().await.unwrap();
        let upgraded = Store::connect(&db.url).await.expect("upgrade");
        let id: (i64,) = sqlx::query_as("SELECT id FROM mail_case WHERE message_id = 'q1@x'")
            .fetch_one(&mut sqlx::AnyConnection::connect(&db.url).await.unwrap())
            .await
            .unwrap();
        let id = CaseId(id.0);
        assert_eq!(
            cases::raw_message(&upgraded, id).await.unwrap().unwrap(),
            b"Q\r\n\r\nhi",
            "{engine:?}"
        );
        assert_eq!(
            cases::reply_raw(&upgraded, id).await.unwrap().unwrap(),
            b"R\r\n\r\nyes",
            "{engine:?}"
        );
        upgraded.close().await;
    }
}

/// A new SQLite database holds patient mail: it and its journal are created 0600, its new
/// folder 0700 (security finding 9).
#[tokio::test]
async fn a_new_sqlite_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::TempDir::new("private-db");
    let file = dir.path().join("data/cases.db");
    let store = Store::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    let wal = dir.path().join("data/cases.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    store.close().await;
}

/// Six processes' worth of connections migrating one empty database at once (several workers
/// started together after an upgrade): every one succeeds and each migration is applied once.
/// PostgreSQL serialises them with its advisory lock (without it, concurrent `CREATE TABLE`s
/// fail on the catalog's unique index); SQLite with its write lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_migrations_of_an_empty_database_all_succeed_once() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let url = match engine {
            common::Engine::Postgres => {
                let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
                sqlx::Executor::execute(&pool, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
                    .await
                    .unwrap();
                pool.close().await;
                db.url.clone()
            }
            common::Engine::Sqlite => {
                let dir = db.url.trim_start_matches("sqlite://");
                let dir = std::path::Path::new(dir).parent().unwrap();
                format!("sqlite://{}/fresh.db", dir.display())
            }
        };
        let migrations =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
                .unwrap()
                .count();
        if engine == common::Engine::Postgres {
            let empty = Store::connect_unchanged(&url).await.unwrap();
            assert_eq!(
                empty.pending_migrations().await.unwrap().len(),
                migrations,
                "the database starts empty"
            );
            empty.close().await;
        }
        let all = futures::future::join_all((0..6).map(|_| Store::connect(&url))).await;
        for r in all {
            match r {
                Ok(store) => store.close().await,
                Err(e) => panic!("{engine:?}: a concurrent migration failed: {e:#}"),
            }
        }
        let store = Store::connect_unchanged(&url).await.unwrap();
        assert!(
            store.pending_migrations().await.unwrap().is_empty(),
            "{engine:?}"
        );
        store.close().await;
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM schema_migration")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        assert_eq!(rows as usize, migrations, "{engine:?}");
    }
}
