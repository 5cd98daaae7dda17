//! The file outbox, the embedded default: each message is written byte for byte to
//! `<message-id>.eml` in one folder, through a temporary file and a rename, so a crash leaves no
//! half-written file and a re-send of the same Message-ID replaces the earlier copy. It must not
//! alter messages or write anywhere else.

use super::{Delivered, SendError};
use crate::config::OutboxConfig;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::io::AsyncWriteExt;

/// A folder of `.eml` files; see [`super::Outbox`] for the operation.
#[derive(Debug)]
pub struct FileOutbox {
    dir: PathBuf,
}

impl FileOutbox {
    /// Takes `path` from `[outbox]`; the folder is created on the first send.
    pub fn open(config: &OutboxConfig) -> Result<Self, SendError> {
        if config.path.as_os_str().is_empty() {
            return Err(SendError::config("[outbox] path", "is empty"));
        }
        Ok(FileOutbox {
            dir: config.path.clone(),
        })
    }

    /// "files in mail/outbox".
    pub fn describe(&self) -> String {
        format!("files in {}", self.dir.display())
    }

    /// The file a message with this Message-ID (without angle brackets) is written to.
    pub fn path_for(&self, message_id: &str) -> PathBuf {
        self.dir.join(format!("{}.eml", file_stem(message_id)))
    }

    /// Creates the folder if needed and checks that a file can be written there.
    pub async fn check(&self) -> Result<(), SendError> {
        let fail = |e: std::io::Error| SendError::Transient {
            context: format!("cannot write to the outbox folder {}", self.dir.display()),
            reason: e.to_string(),
        };
        crate::private_files::create_dir_all(&self.dir).map_err(fail)?;
        let probe = self.dir.join(".codedesk-check");
        tokio::fs::write(&probe, b"").await.map_err(fail)?;
        tokio::fs::remove_file(&probe).await.map_err(fail)
    }

    /// Deletes the replies written before `cutoff` (retention); returns how many.
    pub fn purge_older_than(&self, cutoff: std::time::SystemTime) -> std::io::Result<u64> {
        crate::private_files::remove_older_than(&self.dir, cutoff, |n| n.ends_with(".eml"))
    }

    /// Writes `raw` to `<message-id>.eml`; the envelope is not recorded.
    pub async fn send(&self, raw: &[u8]) -> Result<Delivered, SendError> {
        let id = mail_parser::MessageParser::new()
            .parse_headers(raw)
            .and_then(|m| m.message_id().map(str::to_string))
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| SendError::Invalid {
                reason: "it has no Message-ID header".into(),
            })?;
        let path = self.path_for(&id);
        write_atomically(&self.dir, &path, raw)
            .await
            .map_err(|e| SendError::Transient {
                context: format!("cannot write {}", path.display()),
                reason: e.to_string(),
            })?;
        tracing::debug!(path = %path.display(), "reply written");
        Ok(Delivered {
            receipt: format!("written to {}", path.display()),
        })
    }
}

/// A safe file name for a Message-ID; ids that had to be changed get a hash so they stay apart.
fn file_stem(id: &str) -> String {
    let safe: String = id
        .chars()
        .take(200)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@._+=-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.').to_string();
    if safe == id {
        return safe;
    }
    let hash = Sha256::digest(id.as_bytes());
    let hex: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{safe}-{hex}")
}

async fn write_atomically(dir: &Path, path: &Path, raw: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    crate::private_files::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = crate::private_files::tokio_create().open(&tmp).await?;
    let written = async {
        file.write_all(raw).await?;
        file.sync_all().await
    }
    .await;
    drop(file);
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e);
    }
    tokio::fs::rename(&tmp, path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_become_safe_distinct_file_names() {
        assert_eq!(
            file_stem("abc.123@codedesk.example"),
            "abc.123@codedesk.example"
        );
        let odd = file_stem("../a/b c@x");
        assert!(odd.starts_with("_a_b_c@x-"), "{odd}");
        assert_ne!(file_stem("a/b@x"), file_stem("a_b@x"));
        assert!(!file_stem("..hidden@x").starts_with('.'));
    }
}
