//! The worker's clock. In debug builds (tests) `CODEDESK_TEST_NOW=UNIX_SECONDS` starts it at that
//! instant when the process first reads it, and it runs on from there, so tests check digests and
//! overdue reminders hours or days ahead without waiting. Release builds ignore the variable.

/// The variable that sets the test clock (debug builds only).
pub const ENV: &str = "CODEDESK_TEST_NOW";

fn system() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Seconds since the Unix epoch, on the test clock when one is set.
pub fn now() -> i64 {
    system() + offset()
}

#[cfg(debug_assertions)]
fn offset() -> i64 {
    static OFFSET: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *OFFSET.get_or_init(|| {
        std::env::var(ENV)
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map_or(0, |start| start - system())
    })
}

#[cfg(not(debug_assertions))]
fn offset() -> i64 {
    0
}
