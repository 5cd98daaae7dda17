//! Named fail points for crash-recovery tests. With `CODEDESK_FAILPOINT=NAME` in the environment
//! the process kills itself with SIGKILL (no cleanup, no core file) the first time it reaches the
//! point NAME;
//! a test then restarts the worker without the variable and checks what recovery makes of it.
//! Unset (always, outside tests), a check is one read of a value cached at the first check.
//!
//! The points, in the order a send passes them:
//! - [`BEFORE_SEND`]: the case is committed `sending`, nothing has gone to the SMTP server yet;
//! - [`AFTER_DATA`]: the message and the final dot of DATA are written, the server's reply is not
//!   read (SMTP outbox only);
//! - [`AFTER_250`]: the server accepted the reply (250), the case is not yet marked `sent`.

use std::sync::OnceLock;

/// The environment variable that names the fail point to stop at.
pub const ENV: &str = "CODEDESK_FAILPOINT";
/// Before the SMTP (or file) send, after `sending` is committed.
pub const BEFORE_SEND: &str = "before_send";
/// After the final dot of DATA, before reading the server's reply.
pub const AFTER_DATA: &str = "after_data";
/// After the server's 250, before the case is marked `sent`.
pub const AFTER_250: &str = "after_250";

fn chosen() -> Option<&'static str> {
    static CHOSEN: OnceLock<Option<String>> = OnceLock::new();
    CHOSEN
        .get_or_init(|| std::env::var(ENV).ok().filter(|v| !v.is_empty()))
        .as_deref()
}

/// True when `CODEDESK_FAILPOINT` names `point`.
pub fn armed(point: &str) -> bool {
    chosen() == Some(point)
}

/// Kills the process here (SIGKILL) when `CODEDESK_FAILPOINT` names `point`; does nothing
/// otherwise.
pub fn hit(point: &str) {
    if armed(point) {
        eprintln!("{ENV}={point}: stopping the process at this fail point");
        // SAFETY: signals this very process; nothing is borrowed.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort(); // not reached
    }
}
