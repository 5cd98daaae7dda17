//! The catalog imported once per test process from the real CMS files (CODEDESK_CODESETS) with
//! the real binary, and a replier on the project's templates, for tests that answer real
//! questions.
#![allow(dead_code)]

use codedesk::codes::Catalog;
use codedesk::reply::{Replier, ReplySettings};
use codedesk::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The folder holding the catalog imported from the real files: `cat.db` and `ix/`.
pub fn real_catalog_dir(root: &Path) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = std::env::temp_dir();
        // Folders of earlier runs (a OnceLock has no drop to remove them).
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for e in entries.flatten() {
                let stale = e
                    .file_name()
                    .to_string_lossy()
                    .starts_with("codedesk-reply-real-")
                    && e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t.elapsed().is_ok_and(|a| a.as_secs() > 3600));
                if stale {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = tmp.join(format!("codedesk-reply-real-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
            .arg("--db")
            .arg(db_url(&dir))
            .arg("--index")
            .arg(dir.join("ix"))
            .arg("import")
            .arg(root)
            .output()
            .expect("run codedesk import");
        assert!(
            out.status.success(),
            "codedesk import {} failed: {}",
            root.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

pub fn db_url(dir: &Path) -> String {
    format!("sqlite://{}/cat.db", dir.display())
}

pub async fn open_catalog(root: &Path) -> Catalog {
    let dir = real_catalog_dir(root);
    let store = Store::connect(&db_url(dir)).await.unwrap();
    Catalog::open(store, &dir.join("ix")).await.unwrap()
}

/// The reply composer the worker would use, on the project's own templates.
pub fn replier() -> Replier {
    Replier::new(ReplySettings {
        from: "Coding Desk <consult@desk.example>".into(),
        message_id_domain: "desk.example".into(),
        footer: codedesk::config::ReplyConfig::default().footer,
        templates: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates"),
    })
    .unwrap()
}
