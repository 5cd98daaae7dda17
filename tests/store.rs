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
