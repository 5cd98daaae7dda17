//! The ingest lease: of all the workers on one database, one at a time reads a given mailbox.
//! On PostgreSQL it is a session advisory lock held on a connection of its own: the server frees
//! it the moment that connection ends, so a killed holder's lease is free at once and a waiting
//! worker takes it on its next try. On SQLite (one machine) it is an exclusive lock on a file
//! beside the database, which the kernel frees when the holder dies. Two holders at once would
//! not lose or duplicate anything (stored messages are unique by UID and Message-ID); the lease
//! keeps the mailbox's one IDLE session and its cursor from being fought over.

use super::{Backend, Store};
use anyhow::{Context, Result};
use sqlx::{AnyConnection, Connection};
use std::path::PathBuf;

/// A held ingest lease; dropping it gives it up.
#[derive(Debug)]
pub struct IngestLease {
    hold: Hold,
}

#[derive(Debug)]
enum Hold {
    Postgres(AnyConnection),
    File(#[allow(dead_code)] std::fs::File),
    /// An in-memory SQLite database: only this process can see it.
    Process,
}

/// The advisory-lock key of a mailbox: a stable 63-bit hash of its name (FNV-1a), in a range of
/// its own so that it cannot meet the migration lock's key.
pub fn lease_key(mailbox: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in mailbox.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ((h >> 1) | (1 << 61)) as i64
}

/// Takes the ingest lease of `mailbox` if no other worker holds it.
pub async fn try_take(store: &Store, url: &str, mailbox: &str) -> Result<Option<IngestLease>> {
    match store.backend() {
        Backend::Postgres => {
            let mut conn = AnyConnection::connect(url)
                .await
                .context("cannot open the ingest lease's database connection")?;
            let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                .bind(lease_key(mailbox))
                .fetch_one(&mut conn)
                .await
                .context("cannot ask for the ingest lease")?;
            if got {
                Ok(Some(IngestLease {
                    hold: Hold::Postgres(conn),
                }))
            } else {
                conn.close().await.ok();
                Ok(None)
            }
        }
        Backend::Sqlite => {
            let Some(path) = lock_file_path(url, mailbox) else {
                return Ok(Some(IngestLease {
                    hold: Hold::Process,
                }));
            };
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .with_context(|| format!("cannot open the lease file {}", path.display()))?;
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a descriptor this function owns; no memory is involved.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc == 0 {
                return Ok(Some(IngestLease {
                    hold: Hold::File(file),
                }));
            }
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                Ok(None)
            } else {
                Err(e).with_context(|| format!("cannot lock the lease file {}", path.display()))
            }
        }
    }
}

impl IngestLease {
    /// Whether the lease is still held: on PostgreSQL, whether its connection still answers
    /// (a lost connection has lost the lock with it).
    pub async fn still_held(&mut self) -> bool {
        match &mut self.hold {
            Hold::Postgres(conn) => sqlx::query("SELECT 1").execute(&mut *conn).await.is_ok(),
            Hold::File(_) | Hold::Process => true,
        }
    }

    /// Gives the lease up now.
    pub async fn release(self) {
        if let Hold::Postgres(conn) = self.hold {
            conn.close().await.ok();
        }
    }
}

/// `codedesk.db` → `codedesk.db.ingest-KEY.lock` beside it; none for an in-memory database.
fn lock_file_path(url: &str, mailbox: &str) -> Option<PathBuf> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or(rest);
    if file.is_empty() {
        return None;
    }
    Some(PathBuf::from(format!(
        "{file}.ingest-{:x}.lock",
        lease_key(mailbox)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_positive_and_differ_by_mailbox() {
        let a = lease_key("imap://consult@127.0.0.1:143/INBOX");
        assert_eq!(a, lease_key("imap://consult@127.0.0.1:143/INBOX"));
        assert_ne!(a, lease_key("imap://billing@127.0.0.1:143/INBOX"));
        assert!(a > 7_171_001);
    }

    #[test]
    fn the_lock_file_sits_beside_the_database() {
        let p = lock_file_path("sqlite:///var/lib/codedesk/codedesk.db?mode=rwc", "m").unwrap();
        assert!(
            p.to_string_lossy()
                .starts_with("/var/lib/codedesk/codedesk.db.ingest-")
        );
        assert!(lock_file_path("sqlite::memory:", "m").is_none());
        let rel = lock_file_path("sqlite://codedesk.db", "m").unwrap();
        assert!(rel.to_string_lossy().starts_with("codedesk.db.ingest-"));
    }
}
