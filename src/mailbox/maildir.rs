//! The local Maildir mailbox, the embedded default: questions are files in `new/`; a small state
//! file gives each one a stable numeric UID; "processed" means renamed into `cur/` with the `:2,S`
//! flag (or into a Maildir++ subfolder). Waiting polls `new/` every 200 ms. It must not delete
//! mail, and assumes one worker per Maildir (the state file is not locked). File operations are
//! short and synchronous.

use super::error::MailboxError;
use super::{Batch, Cursor, MailboxOptions, Marked, RawMessage, Wake, shutdown_requested};
use crate::config::MailboxConfig;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;
use tokio::time::Instant;

/// The state file inside the Maildir root.
const STATE_FILE: &str = ".codedesk-uids";
const STATE_HEADER: &str = "codedesk maildir uids v1";
const POLL: Duration = Duration::from_millis(200);

/// A local Maildir; see [`super::Mailbox`] for the operations.
#[derive(Debug)]
pub struct MaildirMailbox {
    root: PathBuf,
    processed_folder: Option<String>,
    max_message_bytes: u32,
    state: Option<UidState>,
    /// The highest UID handed out by `fetch_new` in this process.
    returned_up_to: u32,
}

/// UIDs of the files in `new/`, kept in [`STATE_FILE`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct UidState {
    uidvalidity: u32,
    next_uid: u32,
    /// File name in `new/` → UID.
    uids: BTreeMap<String, u32>,
}

impl MaildirMailbox {
    /// Takes `path` (and `processed_folder`) from `[mailbox]`; touches nothing yet.
    pub fn open(config: &MailboxConfig, options: MailboxOptions) -> Result<Self, MailboxError> {
        if config.path.as_os_str().is_empty() {
            return Err(MailboxError::config("[mailbox] path", "is empty"));
        }
        if let Some(folder) = &config.processed_folder {
            if folder.is_empty() || folder.contains(['/', '\\']) || folder.starts_with('.') {
                return Err(MailboxError::config(
                    "[mailbox] processed_folder",
                    format!("{folder:?} is not a plain folder name"),
                ));
            }
        }
        Ok(MaildirMailbox {
            root: config.path.clone(),
            processed_folder: config.processed_folder.clone(),
            max_message_bytes: options.max_message_bytes,
            state: None,
            returned_up_to: 0,
        })
    }

    /// "maildir mail/inbox".
    pub fn describe(&self) -> String {
        format!("maildir {}", self.root.display())
    }

    /// Creates `new/`, `cur/` and `tmp/` when missing and loads the UID state.
    pub fn connect(&mut self) -> Result<(), MailboxError> {
        make_maildir(&self.root)?;
        if self.state.is_none() {
            self.state = Some(load_state(&self.root)?);
        }
        Ok(())
    }

    /// See [`super::Mailbox::fetch_new`].
    pub fn fetch_new(
        &mut self,
        after: Option<Cursor>,
        max_messages: usize,
    ) -> Result<Batch, MailboxError> {
        self.connect()?;
        let names = list_new(&self.root)?;
        let state = self.state_mut()?;
        let before = state.clone();
        // Files that are gone (marked, or taken by someone) lose their UID; new files get one,
        // oldest first.
        state
            .uids
            .retain(|name, _| names.iter().any(|(n, _)| n == name));
        for (name, _) in &names {
            if !state.uids.contains_key(name) {
                state.uids.insert(name.clone(), state.next_uid);
                state.next_uid = state.next_uid.saturating_add(1);
            }
        }
        let state = state.clone();
        if state != before {
            save_state(&self.root, &state)?;
        }

        let (start, uidvalidity_changed) = match after {
            Some(c) if c.uidvalidity == state.uidvalidity => (c.last_uid.saturating_add(1), false),
            Some(_) => (1, true),
            None => (1, false),
        };
        let mut found: Vec<(u32, &String)> = state
            .uids
            .iter()
            .filter(|&(_, &uid)| uid >= start)
            .map(|(name, &uid)| (uid, name))
            .collect();
        found.sort_unstable();
        let more = found.len() > max_messages.max(1);
        found.truncate(max_messages.max(1));
        let next = Cursor {
            uidvalidity: state.uidvalidity,
            last_uid: found.last().map_or(start - 1, |&(uid, _)| uid),
        };
        let mut messages = Vec::with_capacity(found.len());
        for (uid, name) in found {
            let path = self.root.join("new").join(name);
            match read_message(&path, self.max_message_bytes) {
                Ok((raw, size, truncated, received)) => messages.push(RawMessage {
                    uidvalidity: state.uidvalidity,
                    uid,
                    raw,
                    size,
                    truncated,
                    received,
                }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(MailboxError::transient(
                        format!("cannot read {}", path.display()),
                        e,
                    ));
                }
            }
        }
        self.returned_up_to = self.returned_up_to.max(next.last_uid);
        Ok(Batch {
            uidvalidity: state.uidvalidity,
            uidvalidity_changed,
            messages,
            more,
            next,
        })
    }

    /// See [`super::Mailbox::mark_processed`]: renames `new/NAME` to `cur/NAME:2,S` (or into the
    /// processed Maildir++ subfolder `.NAME/cur/`).
    pub fn mark_processed(&mut self, uidvalidity: u32, uid: u32) -> Result<Marked, MailboxError> {
        self.connect()?;
        let target = match &self.processed_folder {
            Some(folder) => {
                let sub = self.root.join(format!(".{folder}"));
                make_maildir(&sub)?;
                sub.join("cur")
            }
            None => self.root.join("cur"),
        };
        let done = if self.processed_folder.is_some() {
            Marked::Moved
        } else {
            Marked::Seen
        };
        let state = self.state_mut()?;
        if state.uidvalidity != uidvalidity {
            return Ok(Marked::Stale);
        }
        let Some(name) = state
            .uids
            .iter()
            .find(|&(_, &u)| u == uid)
            .map(|(name, _)| name.clone())
        else {
            return Ok(done); // already marked and forgotten
        };
        let from = self.root.join("new").join(&name);
        let to = target.join(format!("{name}:2,S"));
        match fs::rename(&from, &to) {
            Ok(()) => Ok(done),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(done),
            Err(e) => Err(MailboxError::transient(
                format!("cannot move {} to {}", from.display(), to.display()),
                e,
            )),
        }
    }

    /// See [`super::Mailbox::wait_for_mail`]: polls `new/` every 200 ms.
    pub async fn wait_for_mail(
        &mut self,
        max_wait: Duration,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Wake, MailboxError> {
        self.connect()?;
        let deadline = Instant::now() + max_wait;
        loop {
            if shutdown_requested(shutdown) {
                return Ok(Wake::Shutdown);
            }
            let names = list_new(&self.root)?;
            let returned_up_to = self.returned_up_to;
            let uids = &self.state_mut()?.uids;
            let unseen = names
                .iter()
                .any(|(name, _)| uids.get(name).is_none_or(|&uid| uid > returned_up_to));
            if unseen {
                return Ok(Wake::NewMail);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(Wake::Timeout);
            }
            tokio::select! {
                () = tokio::time::sleep_until(deadline.min(now + POLL)) => {}
                () = super::shutdown_signal(shutdown) => return Ok(Wake::Shutdown),
            }
        }
    }

    /// See [`super::Mailbox::save_sent`]: writes into `.Sent/cur/` flagged seen.
    pub fn save_sent(&mut self, raw: &[u8]) -> Result<(), MailboxError> {
        let sent = self.root.join(".Sent");
        make_maildir(&sent)?;
        let name = unique_name();
        let tmp = sent.join("tmp").join(&name);
        let context = || format!("cannot save the reply in {}", sent.display());
        write_synced(&tmp, raw).map_err(|e| MailboxError::transient(context(), e))?;
        fs::rename(&tmp, sent.join("cur").join(format!("{name}:2,S")))
            .map_err(|e| MailboxError::transient(context(), e))
    }

    fn state_mut(&mut self) -> Result<&mut UidState, MailboxError> {
        self.state
            .as_mut()
            .ok_or_else(|| MailboxError::transient(self.root.display().to_string(), "not opened"))
    }
}

/// Deletes the processed messages (in `cur/` and in the `cur/` of each Maildir++ subfolder,
/// `.Sent` included) delivered before `cutoff`: their text is stored with their cases, which
/// retention purges. `new/` is never touched. Returns how many files it deleted.
pub fn purge_processed_before(root: &Path, cutoff: std::time::SystemTime) -> io::Result<u64> {
    let mut removed = crate::private_files::remove_older_than(&root.join("cur"), cutoff, |_| true)?;
    let subfolders = match fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(e),
    };
    for entry in subfolders {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') && entry.file_type()?.is_dir() {
            removed +=
                crate::private_files::remove_older_than(&entry.path().join("cur"), cutoff, |_| {
                    true
                })?;
        }
    }
    Ok(removed)
}

fn make_maildir(root: &Path) -> Result<(), MailboxError> {
    for sub in ["new", "cur", "tmp"] {
        let dir = root.join(sub);
        crate::private_files::create_dir_all(&dir).map_err(|e| {
            MailboxError::config(
                format!("cannot create the Maildir folder {}", dir.display()),
                e,
            )
        })?;
    }
    Ok(())
}

/// Regular files in `new/` (dot files skipped) with their modification time, oldest first.
fn list_new(root: &Path) -> Result<Vec<(String, SystemTime)>, MailboxError> {
    let dir = root.join("new");
    let context = || format!("cannot list {}", dir.display());
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| MailboxError::transient(context(), e))? {
        let entry = entry.map_err(|e| MailboxError::transient(context(), e))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue; // not UTF-8: not written by a Maildir deliverer
        };
        if name.starts_with('.') || name.contains(char::is_whitespace) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_file() {
            names.push((name, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
        }
    }
    names.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Ok(names)
}

/// The message, or its header only when it is larger than `max_bytes`.
fn read_message(
    path: &Path,
    max_bytes: u32,
) -> io::Result<(Vec<u8>, u32, bool, Option<SystemTime>)> {
    let mut file = fs::File::open(path)?;
    let meta = file.metadata()?;
    let size = u32::try_from(meta.len()).unwrap_or(u32::MAX);
    let received = meta.modified().ok();
    if size <= max_bytes {
        let mut raw = Vec::with_capacity(size as usize);
        file.read_to_end(&mut raw)?;
        return Ok((raw, size, false, received));
    }
    let mut head = Vec::new();
    file.take(256 * 1024).read_to_end(&mut head)?;
    let end = find(&head, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(&head, b"\n\n").map(|i| i + 2))
        .unwrap_or(head.len());
    head.truncate(end);
    Ok((head, size, true, received))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn load_state(root: &Path) -> Result<UidState, MailboxError> {
    let path = root.join(STATE_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => parse_state(&text).ok_or_else(|| {
            MailboxError::config(
                format!("the Maildir state file {}", path.display()),
                "is damaged; delete it to renumber the messages in new/",
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // Only equality matters to the worker: a value from the clock in milliseconds
            // differs from the lost file's unless it is recreated in the very same millisecond
            // (modulo 49 days).
            let millis = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis());
            let state = UidState {
                uidvalidity: u32::try_from(millis % u128::from(u32::MAX)).unwrap_or(0) + 1,
                next_uid: 1,
                uids: BTreeMap::new(),
            };
            save_state(root, &state)?;
            Ok(state)
        }
        Err(e) => Err(MailboxError::transient(
            format!("cannot read {}", path.display()),
            e,
        )),
    }
}

fn parse_state(text: &str) -> Option<UidState> {
    let mut lines = text.lines();
    if lines.next()? != STATE_HEADER {
        return None;
    }
    let uidvalidity = lines.next()?.strip_prefix("uidvalidity ")?.parse().ok()?;
    let next_uid = lines.next()?.strip_prefix("next ")?.parse().ok()?;
    let mut uids = BTreeMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (uid, name) = line.split_once(' ')?;
        uids.insert(name.to_string(), uid.parse().ok()?);
    }
    Some(UidState {
        uidvalidity,
        next_uid,
        uids,
    })
}

fn format_state(state: &UidState) -> String {
    let mut text = format!(
        "{STATE_HEADER}\nuidvalidity {}\nnext {}\n",
        state.uidvalidity, state.next_uid
    );
    for (name, uid) in &state.uids {
        text.push_str(&format!("{uid} {name}\n"));
    }
    text
}

/// Writes the state to a temporary file and renames it over the old one.
fn save_state(root: &Path, state: &UidState) -> Result<(), MailboxError> {
    let path = root.join(STATE_FILE);
    let tmp = root.join(format!("{STATE_FILE}.tmp"));
    write_synced(&tmp, format_state(state).as_bytes())
        .and_then(|()| fs::rename(&tmp, &path))
        .map_err(|e| MailboxError::transient(format!("cannot write {}", path.display()), e))
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A Maildir file name: time, process and counter make it unique on this machine.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}.M{}P{}Q{}.codedesk",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_deletes_old_processed_copies_and_never_unread_mail() {
        let root =
            std::env::temp_dir().join(format!("codedesk-maildir-purge-{}", std::process::id()));
        for sub in ["new", "cur", ".Sent/cur"] {
            fs::create_dir_all(root.join(sub)).unwrap();
        }
        for f in ["new/a", "cur/b:2,S", ".Sent/cur/c:2,S"] {
            fs::write(root.join(f), "x").unwrap();
        }
        let future = SystemTime::now() + std::time::Duration::from_secs(3600);
        assert_eq!(purge_processed_before(&root, future).unwrap(), 2);
        assert!(root.join("new/a").exists());
        assert!(!root.join("cur/b:2,S").exists() && !root.join(".Sent/cur/c:2,S").exists());
        let past = SystemTime::UNIX_EPOCH;
        fs::write(root.join("cur/d:2,S"), "x").unwrap();
        assert_eq!(purge_processed_before(&root, past).unwrap(), 0);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn state_round_trips_through_its_text() {
        let state = UidState {
            uidvalidity: 17,
            next_uid: 4,
            uids: BTreeMap::from([("a.b".to_string(), 2), ("c".to_string(), 3)]),
        };
        assert_eq!(parse_state(&format_state(&state)), Some(state));
        assert_eq!(parse_state("something else\n"), None);
    }

    #[test]
    fn a_large_message_is_cut_after_its_header() {
        let dir =
            std::env::temp_dir().join(format!("codedesk-maildir-unit-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big");
        fs::write(&path, b"Subject: x\r\nFrom: a\r\n\r\nbody body body").unwrap();
        let (raw, size, truncated, _) = read_message(&path, 10).unwrap();
        assert_eq!(raw, b"Subject: x\r\nFrom: a\r\n\r\n");
        assert_eq!((size, truncated), (37, true));
        let (raw, _, truncated, _) = read_message(&path, 1000).unwrap();
        assert_eq!((raw.len(), truncated), (37, false));
        fs::remove_dir_all(&dir).unwrap();
    }
}
