//! The catalog on the bundled sample, on SQLite and on PostgreSQL: every format imports, lookups
//! and search answer from it, a second import changes nothing, and a broken file imports nothing.

mod common;

use codedesk::codes::import::{self, Outcome, Overrides};
use codedesk::codes::{Catalog, CodeSystem, Validity};
use codedesk::date::Date;
use codedesk::store::Store;
use codedesk::store::catalog as sql;
use common::{ENGINES, Engine, TempDir, TestDb, sample};
use std::path::{Path, PathBuf};

fn sample_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(sample())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();
    files
}

async fn import_all(store: &Store, files: &[PathBuf]) -> Vec<Outcome> {
    let mut out = Vec::new();
    for f in files {
        let outcome = import::run(
            store,
            f,
            &Overrides::default(),
            indicatif::ProgressBar::hidden(),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e:#}", f.display()));
        out.push(outcome);
    }
    out
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

async fn check_sample_catalog(engine: Engine) {
    let db = TestDb::new(engine).await;
    let index = TempDir::new("index");
    let outcomes = import_all(&db.store, &sample_files()).await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Imported { .. })),
        "{engine:?}: {outcomes:?}"
    );
    let catalog = Catalog::open(db.store.clone(), &index.path().join("ix"))
        .await
        .unwrap();

    let m5416 = catalog
        .entry(CodeSystem::Icd10Cm, "M54.16")
        .unwrap()
        .expect("M54.16");
    let r = m5416.as_of(d("2026-01-15"));
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.version.unwrap().long_desc, "Radiculopathy, lumbar region");
    assert!(r.version.unwrap().billable);
    assert!(
        m5416.ancestors.iter().any(|(c, _)| c == "M54"),
        "{:?}",
        m5416.ancestors
    );

    let m545 = catalog
        .entry(CodeSystem::Icd10Cm, "M54.5")
        .unwrap()
        .expect("M54.5");
    assert!(!m545.as_of(d("2026-01-15")).version.unwrap().billable);
    let kids: Vec<&str> = m545.children.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(kids, vec!["M54.50", "M54.51", "M54.59"], "{engine:?}");

    let s72 = catalog.find("s72001a").unwrap();
    assert_eq!(s72.len(), 1);
    assert!(
        s72[0].versions[0]
            .long_desc
            .ends_with("initial encounter for closed fracture")
    );
    let short = catalog
        .entry(CodeSystem::Icd10Cm, "S72.001")
        .unwrap()
        .unwrap();
    let seven = short.seven_chr.expect("S72.001 needs a 7th character");
    assert_eq!(seven.defined_at, "S72");
    assert!(seven.values.iter().any(|(c, _)| c == "A"));
    // Notes written at the category reach its codes.
    let notes = &s72[0].notes;
    assert!(notes.iter().any(|n| n.at == "S72"), "{notes:?}");

    let j1030 = catalog
        .entry(CodeSystem::Hcpcs, "J1030")
        .unwrap()
        .expect("J1030");
    assert_eq!(j1030.as_of(d("2024-03-31")).validity, Validity::Valid);
    assert_eq!(
        j1030.as_of(d("2024-04-01")).validity,
        Validity::Deleted {
            last_day: d("2024-03-31")
        }
    );
    assert!(
        j1030.replaced_by.iter().any(|r| r.code == "J1010"),
        "{:?}",
        j1030.replaced_by
    );

    let cpt = catalog
        .entry(CodeSystem::Cpt, "62322")
        .unwrap()
        .expect("62322");
    let mue = cpt.as_of(d("2026-02-01")).mue.expect("MUE for 62322");
    assert_eq!((mue.value, mue.mai), (1, 3));
    assert!(
        cpt.versions[0]
            .long_desc
            .starts_with("[codedesk sample wording]")
    );

    let xu = catalog
        .entry(CodeSystem::Modifier, "XU")
        .unwrap()
        .expect("XU");
    assert!(
        xu.versions[0]
            .long_desc
            .to_lowercase()
            .contains("non-overlapping")
    );

    let (edits, total) = catalog.ptp_for("20610", 100).await.unwrap();
    assert!(
        total > 0 && edits.len() as i64 == total.min(100),
        "{engine:?}"
    );
    let e = &edits[0];
    let pair = catalog.ptp_between(&e.col2, &e.col1).await.unwrap();
    assert_eq!(pair[0].col1, e.col1, "either direction finds the edit");

    let hits = catalog.search("radiculopaty lumbar", None, 5).unwrap();
    assert_eq!(
        hits[0].entry.code,
        "M54.16",
        "{:?}",
        hits.iter().map(|h| &h.entry.code).collect::<Vec<_>>()
    );
    let hits = catalog
        .search(
            "type 2 diabetes without complications",
            Some(CodeSystem::Icd10Cm),
            3,
        )
        .unwrap();
    assert_eq!(hits[0].entry.code, "E11.9");
    let hits = catalog.search("m5416", None, 3).unwrap();
    assert_eq!(
        hits[0].entry.code, "M54.16",
        "codes themselves are searchable"
    );

    // The same files again: nothing changes.
    let before = sql::table_count(&db.store, "code_version").await.unwrap();
    let again = import_all(&db.store, &sample_files()).await;
    assert!(
        again
            .iter()
            .all(|o| matches!(o, Outcome::AlreadyImported { .. }))
    );
    assert_eq!(
        sql::table_count(&db.store, "code_version").await.unwrap(),
        before
    );
    assert_eq!(
        sql::imports(&db.store).await.unwrap().len(),
        sample_files().len()
    );
}

#[tokio::test]
async fn sample_imports_and_answers_on_sqlite() {
    check_sample_catalog(Engine::Sqlite).await;
}

#[tokio::test]
async fn sample_imports_and_answers_on_postgres() {
    check_sample_catalog(Engine::Postgres).await;
}

fn broken_copy(dir: &Path, name: &str, bad_line: usize) -> PathBuf {
    let text = std::fs::read(sample().join(name)).unwrap();
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    lines.insert(bad_line - 1, b"this is not a record\r");
    let path = dir.join(name);
    std::fs::write(&path, lines.join(&b'\n')).unwrap();
    path
}

#[tokio::test]
async fn a_broken_file_names_file_and_line_and_imports_nothing() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let dir = TempDir::new("broken");
        for (name, line) in [
            ("icd10cm_order_2026.txt", 300),
            ("HCPC2026_JAN_ANWEB.txt", 60),
            ("ccipra-v320r0-f1.txt", 40),
        ] {
            let path = broken_copy(dir.path(), name, line);
            let err = import::run(
                &db.store,
                &path,
                &Overrides::default(),
                indicatif::ProgressBar::hidden(),
            )
            .await
            .unwrap_err();
            let msg = format!("{err:#}");
            assert!(
                msg.contains(name) && msg.contains(&format!("line {line}")),
                "{engine:?}: {msg}"
            );
            for table in ["code_import", "code_version", "ptp_edit"] {
                assert_eq!(
                    sql::table_count(&db.store, table).await.unwrap(),
                    0,
                    "{engine:?} {name} {table}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_file_of_no_known_format_is_refused_with_what_was_expected() {
    let db = TestDb::new(Engine::Sqlite).await;
    let dir = TempDir::new("unknown");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Dear team, please find the codes attached\n").unwrap();
    let err = import::run(
        &db.store,
        &path,
        &Overrides::default(),
        indicatif::ProgressBar::hidden(),
    )
    .await
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("notes.txt") && msg.contains("order") && msg.contains("Dear team"),
        "{msg}"
    );
}
