//! Files and folders that may hold patient information are created for their owner only: files
//! 0600, folders 0700 (the umask cannot widen them). Existing ones keep their mode.

use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// Mode of a new file holding mail or the database.
pub const FILE_MODE: u32 = 0o600;
/// Mode of a new folder holding them.
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` and its missing parents, each new one 0700.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
}

/// Creates `path` as a new empty file, 0600; an existing file is an error.
pub fn create_new(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
}

/// Options that create (or truncate) a file 0600, for tokio.
pub fn tokio_create() -> tokio::fs::OpenOptions {
    let mut o = tokio::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true).mode(FILE_MODE);
    o
}

/// Deletes the files directly in `dir` (not below it) last modified before `cutoff` whose names
/// `wanted` accepts; a missing folder has none. Returns how many it deleted.
pub fn remove_older_than(
    dir: &Path,
    cutoff: std::time::SystemTime,
    wanted: impl Fn(&str) -> bool,
) -> io::Result<u64> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        let name = entry.file_name();
        if !meta.is_file() || !wanted(&name.to_string_lossy()) {
            continue;
        }
        if meta.modified()? < cutoff {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}
