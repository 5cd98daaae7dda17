//! A panic in one case's work becomes that case's failure, not the worker's end: the work runs
//! under `catch_unwind`, and the reason recorded for staff names no message text.

use futures::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// The reason a case is failed with when processing it panicked.
pub const PROCESSING_PANICKED: &str =
    "processing this message hit a bug in codedesk (a panic); answer it again, or reject it";

/// The reason a case is failed with when sending it panicked.
pub const SENDING_PANICKED: &str = "sending this reply hit a bug in codedesk (a panic); the reply may or may not have gone out: check before sending it again";

/// The work panicked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panicked;

/// Runs `work`; a panic inside it comes back as [`Panicked`] (the default hook has printed it).
pub async fn caught<T>(work: impl Future<Output = T>) -> Result<T, Panicked> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .map_err(|_| Panicked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_the_work_is_an_error_and_the_caller_goes_on() {
        let bad = caught(async {
            tokio::task::yield_now().await;
            if std::hint::black_box(true) {
                panic!("a bug");
            }
            1
        })
        .await;
        assert_eq!(bad, Err(Panicked));
        assert_eq!(caught(async { 2 }).await, Ok(2));
    }
}
