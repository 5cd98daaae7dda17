//! Keeps the codes of questions answered before the desk kept them (`question_codes` NULL), so
//! the queue's search by code finds them too: in batches, in the background of the page, once.
//! Each question is parsed with the same limits as the worker's and its codes extracted without
//! the catalog, as the case page marks them.

use crate::case_search::question_codes;
use crate::question::{self, Limits};
use crate::store::{Store, staff_cases};
use anyhow::Result;

/// Cases read per batch.
const BATCH: i64 = 200;

/// Fills in every missing question's codes; returns how many cases it filled in.
pub async fn fill_in(store: &Store) -> Result<u64> {
    let mut done = 0;
    loop {
        let batch = staff_cases::cases_without_codes(store, BATCH).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let found = tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .map(|(id, raw)| {
                    (
                        id,
                        question_codes(&question::parse(&raw, &Limits::default())),
                    )
                })
                .collect::<Vec<_>>()
        })
        .await?;
        for (id, codes) in found {
            staff_cases::set_question_codes(store, id, &codes).await?;
            done += 1;
        }
    }
}

/// [`fill_in`] as a background task of the page: a failure is logged, the page goes on (its
/// search then misses those cases' codes until the next start).
pub fn spawn_fill_in(store: Store) {
    tokio::spawn(async move {
        match fill_in(&store).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cases = n, "kept the codes of earlier questions for search"),
            Err(e) => tracing::warn!("cannot keep the codes of earlier questions: {e:#}"),
        }
    });
}
