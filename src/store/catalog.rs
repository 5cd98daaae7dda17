//! SQL for the catalog tables: imports, code versions, notes, MUEs, PTP edits.

use super::Store;
use anyhow::Result;

/// How many files have been imported.
pub async fn import_count(store: &Store) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM code_import")
        .fetch_one(store.pool())
        .await?;
    Ok(n)
}
