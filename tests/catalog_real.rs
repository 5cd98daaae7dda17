//! The catalog on the real CMS files (CODEDESK_CODESETS), on SQLite and PostgreSQL: the counts the
//! files' README gives, spot checks a coder would make, and a 1,000,000-row PTP file.

mod common;

use codedesk::codes::import::{self, Format, Outcome, Overrides, Record};
use codedesk::codes::{Catalog, CodeSystem, NoteKind, Validity};
use codedesk::date::Date;
use codedesk::store::Store;
use codedesk::store::catalog as sql;
use common::{Engine, TempDir, TestDb, codesets};
use std::path::{Path, PathBuf};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// Every data file under the code-set folder (documentation left out), in name order.
fn real_files(root: PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_lowercase();
            if p.is_dir() {
                stack.push(p);
            } else if !(name.ends_with(".pdf")
                || name.ends_with(".md")
                || name.contains("readme")
                || name.contains("recordlayout")
                || name.contains("proc_notes")
                || name.contains("transaction report"))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

async fn import(store: &Store, path: &Path) -> Outcome {
    try_import(store, path)
        .await
        .unwrap_or_else(|| panic!("{}: not a format codedesk imports", path.display()))
}

/// Imports `path`, or `None` when codedesk does not import its format (as `codedesk import` of a
/// folder skips it); any other error fails the test.
async fn try_import(store: &Store, path: &Path) -> Option<Outcome> {
    match import::run(
        store,
        path,
        &Overrides::default(),
        indicatif::ProgressBar::hidden(),
    )
    .await
    {
        Ok(outcome) => Some(outcome),
        Err(e) if e.downcast_ref::<import::UnknownFormat>().is_some() => None,
        Err(e) => panic!("{}: {e:#}", path.display()),
    }
}

/// The files of the shared folder that codedesk does not import yet: none now (a folder import
/// skips such files, and so would this test).
const NOT_IMPORTED_YET: &[&str] = &[];
/// XML schemas beside the CDC Index files: recognised as documentation (no codes) and skipped.
const SCHEMAS: &[&str] = &["icd-10-cm-drug-neoplasm-2025.xsd", "icd10cm-index-2025.xsd"];

fn count(outcome: &Outcome, key: &str) -> u64 {
    match outcome {
        Outcome::Imported { counts, .. } => {
            counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
        }
        Outcome::AlreadyImported { .. } => 0,
    }
}

async fn check_real_catalog(engine: Engine) {
    let Some(root) = codesets() else { return };
    let db = TestDb::new(engine).await;
    let index = TempDir::new("real-index");
    let mut skipped = Vec::new();
    for f in real_files(root) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let started = std::time::Instant::now();
        let Some(outcome) = try_import(&db.store, &f).await else {
            eprintln!("{engine:?}: skipped {} (not imported)", f.display());
            skipped.push(name);
            continue;
        };
        eprintln!(
            "{engine:?}: imported {name} in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        match name.as_str() {
            "icd10cm_order_2026.txt" => {
                assert_eq!(count(&outcome, "codes"), 74_719, "{engine:?} {name}");
                assert_eq!(count(&outcome, "headers"), 23_467, "{engine:?} {name}");
            }
            "icd10pcs_order_2026.txt" => {
                assert_eq!(count(&outcome, "codes"), 79_115, "{engine:?} {name}");
                assert_eq!(count(&outcome, "headers"), 914, "{engine:?} {name}");
            }
            "HCPC2025_OCT_ANWEB_v4.xlsx" => assert_eq!(count(&outcome, "codes"), 8_846),
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv" => {
                assert_eq!(count(&outcome, "MUE values"), 15_095)
            }
            "ccipra-v322r0-f1.excerpt.txt" => assert_eq!(count(&outcome, "PTP edits"), 154),
            "2018_I10gem.txt" => assert_eq!(count(&outcome, "mappings"), 81_593),
            "2018_I9gem.txt" => assert_eq!(count(&outcome, "mappings"), 24_860),
            // 18,010 code and modifier rows (the README's 18,011 counts the end-of-file mark).
            "PPRRVU23_JAN.csv" => {
                assert_eq!(count(&outcome, "fee schedule rows"), 18_010, "{engine:?}");
                assert_eq!(
                    count(&outcome, "codes"),
                    0,
                    "{engine:?}: no descriptor is stored"
                );
            }
            "icd-10-cm-drug-2025.xml" => {
                assert_eq!(count(&outcome, "main terms"), 5_177, "{engine:?} {name}");
                assert_eq!(count(&outcome, "sub-terms"), 2_251, "{engine:?} {name}");
            }
            "icd-10-cm-neoplasm-2025.xml" => {
                assert_eq!(count(&outcome, "main terms"), 1, "{engine:?} {name}");
                assert_eq!(count(&outcome, "sub-terms"), 1_938, "{engine:?} {name}");
            }
            "icd-10-cm-eindex-2025.xml" => {
                assert_eq!(count(&outcome, "main terms"), 314, "{engine:?} {name}");
                assert_eq!(count(&outcome, "sub-terms"), 7_750, "{engine:?} {name}");
            }
            _ => {}
        }
    }
    for name in &skipped {
        assert!(
            NOT_IMPORTED_YET.contains(&name.as_str()) || SCHEMAS.contains(&name.as_str()),
            "{engine:?}: {name} was not recognised, though codedesk imports its kind"
        );
    }
    for name in SCHEMAS {
        assert!(skipped.iter().any(|s| s == name), "{engine:?}: {name}");
    }
    assert_eq!(
        sql::table_count(&db.store, "index_term").await.unwrap(),
        5_177 + 2_251 + 1 + 1_938 + 314 + 7_750,
        "{engine:?}"
    );
    // With the order file, the codes file, the addenda and the tabular XML all loaded, the
    // FY2026 code set is exactly the order file's: the XML generates no 7-character code the
    // order file lacks, and the deleted codes end before FY2026.
    let counts = sql::counts_as_of(&db.store, d("2026-01-15")).await.unwrap();
    let of = |s: &str| {
        counts
            .iter()
            .find(|c| c.0 == s)
            .map(|c| (c.1, c.2))
            .unwrap()
    };
    assert_eq!(of("ICD10CM"), (74_719, 23_467), "{engine:?}");
    assert_eq!(of("ICD10PCS"), (79_115, 914), "{engine:?}");

    let catalog = Catalog::open(db.store.clone(), &index.path().join("ix"))
        .await
        .unwrap();
    let entry = |s, c: &str| {
        catalog
            .entry(s, c)
            .unwrap()
            .unwrap_or_else(|| panic!("{c} missing"))
    };

    // The fee schedule on both engines: a CPT code's rows and a HCPCS code's, with the release.
    let tfesi = entry(CodeSystem::Cpt, "64483");
    let row = &tfesi.fee[0];
    assert_eq!(
        (
            row.bilat.as_str(),
            row.global.as_str(),
            row.release.as_str()
        ),
        ("1", "000", "CY2023 Medicare fee schedule"),
        "{engine:?}"
    );
    assert_eq!(
        (row.nf_amount.as_deref(), row.f_amount.as_deref()),
        (Some("249.41"), Some("110.81")),
        "{engine:?}: 7.36 and 3.27 RVUs x 33.8872"
    );
    let echo: Vec<String> = entry(CodeSystem::Cpt, "93306")
        .fee
        .iter()
        .map(|r| r.modifier.clone())
        .collect();
    assert_eq!(echo, vec!["", "26", "TC"], "{engine:?}");
    let g0283 = entry(CodeSystem::Hcpcs, "G0283");
    assert!(
        !g0283.versions.is_empty() && g0283.fee[0].pctc == "7",
        "{engine:?}"
    );
    assert_eq!(
        sql::table_count(&db.store, "fee_schedule").await.unwrap(),
        18_010,
        "{engine:?}"
    );
    // The Index books come back from either engine as they were written.
    let amoxicillin = catalog.index_leads("adverse effect of amoxicillin");
    assert_eq!(
        amoxicillin.first().and_then(|l| l.code.as_deref()),
        Some("T36.0X5"),
        "{engine:?}: {amoxicillin:?}"
    );
    let abdomen = catalog.index_leads("secondary malignant neoplasm of the abdomen");
    assert_eq!(
        abdomen.first().and_then(|l| l.code.as_deref()),
        Some("C79.8-"),
        "{engine:?}: {abdomen:?}"
    );

    let m5416 = entry(CodeSystem::Icd10Cm, "M54.16");
    let v = m5416.as_of(d("2026-01-15")).version.unwrap();
    assert_eq!(
        (v.long_desc.as_str(), v.billable),
        ("Radiculopathy, lumbar region", true)
    );
    assert!(
        m5416
            .notes
            .iter()
            .any(|n| n.at == "M54" && n.kind == NoteKind::Excludes1),
        "{:?}",
        m5416.notes
    );

    let m545 = entry(CodeSystem::Icd10Cm, "M54.5");
    assert!(!m545.as_of(d("2026-01-15")).version.unwrap().billable);
    let kids: Vec<&str> = m545.children.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(kids, vec!["M54.50", "M54.51", "M54.59"]);

    let s72 = entry(CodeSystem::Icd10Cm, "S72.001A");
    assert_eq!(
        s72.as_of(d("2026-01-15")).version.unwrap().long_desc,
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    );
    let s82 = entry(CodeSystem::Icd10Cm, "S82.821");
    let seven = s82.seven_chr.expect("S82.821 needs a 7th character");
    let chars: Vec<&str> = seven.values.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        chars,
        vec!["A", "D", "G", "K", "P", "S"],
        "torus fracture values"
    );
    assert!(
        catalog
            .entry(CodeSystem::Icd10Cm, "S06.1X7D")
            .unwrap()
            .is_none(),
        "7th character D does not apply"
    );
    assert!(
        catalog
            .entry(CodeSystem::Icd10Cm, "S06.1X7A")
            .unwrap()
            .is_some()
    );

    let e119 = entry(CodeSystem::Icd10Cm, "E11.9");
    assert!(
        e119.notes
            .iter()
            .any(|n| n.kind == NoteKind::UseAdditionalCode && n.at == "E11")
    );

    let j1030 = entry(CodeSystem::Hcpcs, "J1030");
    assert_eq!(j1030.as_of(d("2024-03-31")).validity, Validity::Valid);
    assert_eq!(
        j1030.as_of(d("2026-01-15")).validity,
        Validity::Deleted {
            last_day: d("2024-03-31")
        }
    );
    assert!(
        j1030
            .replaced_by
            .iter()
            .any(|r| r.code == "J1010" && r.effective == d("2024-04-01"))
    );
    assert_eq!(
        j1030.as_of(d("2024-03-31")).version.unwrap().long_desc,
        "Injection, methylprednisolone acetate, 40 mg"
    );
    // No code added on 2025-07-01 has J0171's exact stem ("Injection, adrenalin, epinephrine"):
    // the epinephrine codes per 0.1 mg added that day are its successors, and nothing else.
    let j0171 = entry(CodeSystem::Hcpcs, "J0171");
    let by: Vec<&str> = j0171.replaced_by.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(by, ["J0165", "J0166", "J0167", "J0168", "J0169"]);
    assert!(
        j0171
            .replaced_by
            .iter()
            .all(|r| r.inferred && r.effective == d("2025-07-01"))
    );

    let g0283 = entry(CodeSystem::Hcpcs, "G0283");
    assert!(
        g0283
            .as_of(d("2026-01-15"))
            .version
            .unwrap()
            .long_desc
            .ends_with("as part of a therapy plan of care")
    );

    for (code, value, mai) in [
        ("62322", 1, 3),
        ("62323", 1, 3),
        ("99213", 2, 3),
        ("20610", 2, 3),
        ("64483", 1, 2),
    ] {
        let e = entry(CodeSystem::Cpt, code);
        let mue = e
            .as_of(d("2026-05-01"))
            .mue
            .unwrap_or_else(|| panic!("MUE {code}"));
        assert_eq!((mue.value, mue.mai), (value, mai), "{engine:?} MUE {code}");
        assert!(e.versions.is_empty(), "no CPT text is shipped or invented");
    }
    assert!(
        entry(CodeSystem::Hcpcs, "G0283")
            .as_of(d("2026-05-01"))
            .mue
            .is_some()
    );

    let edits = catalog.ptp_between("0591T", "0001A").await.unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!((edits[0].col1.as_str(), edits[0].modifier), ("0001A", 1));
    assert!(!edits[0].is_active(d("2026-01-15")) && edits[0].is_active(d("2023-06-01")));

    let icd10 = catalog.icd9_to_icd10("724.4").await.unwrap();
    let mut targets: Vec<String> = icd10.iter().map(|(c, _)| c.replace('.', "")).collect();
    targets.sort();
    // 2018_I9gem.txt: 7244 → M5414, M5415, M5416, M5417.
    assert_eq!(targets, ["M5414", "M5415", "M5416", "M5417"], "{icd10:?}");
    for (code, _) in &icd10 {
        assert!(
            catalog.is_known(CodeSystem::Icd10Cm, code),
            "GEM target {code} is a loaded code"
        );
    }

    let top = |q: &str| catalog.search(q, None, 5).unwrap()[0].entry.code.clone();
    assert_eq!(top("radiculopaty lumbar"), "M54.16");
    assert_eq!(top("lumbar radiculopathy"), "M54.16");
    assert_eq!(top("type 2 diabetes without complications"), "E11.9");
    assert_eq!(top("methylprednisolone acetate 1 mg"), "J1010");
    assert_eq!(top("S72001A"), "S72.001A");
}

#[tokio::test]
async fn real_code_sets_on_sqlite() {
    check_real_catalog(Engine::Sqlite).await;
}

#[tokio::test]
async fn real_code_sets_on_postgres() {
    check_real_catalog(Engine::Postgres).await;
}

#[test]
fn hcpcs_xlsx_holds_8463_codes_and_383_modifiers() {
    let Some(root) = codesets() else { return };
    let path = root.join("hcpcs/2025-oct/HCPC2025_OCT_ANWEB_v4.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let meta = import::meta("HCPC2025_OCT_ANWEB_v4.xlsx", &bytes, &Overrides::default()).unwrap();
    assert_eq!(meta.format, Format::HcpcsXlsx);
    let (mut codes, mut modifiers) = (0, 0);
    import::parse(
        &meta,
        &bytes,
        &mut |r| {
            if let Record::Code(c) = r {
                match c.system {
                    CodeSystem::Hcpcs => codes += 1,
                    CodeSystem::Modifier => modifiers += 1,
                    _ => {}
                }
            }
            Ok(())
        },
        &|_| {},
    )
    .unwrap();
    assert_eq!((codes, modifiers), (8_463, 383));
}

/// The synthetic full-size PTP file from the shared generator.
fn million_row_ptp(root: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("ccipra-v323r0-f1.txt");
    let generator = root.join("../tools/gen-ptp.py");
    let status = std::process::Command::new("python3")
        .arg(&generator)
        .arg("1000000")
        .arg(&out)
        .status()
        .expect("run python3 gen-ptp.py");
    assert!(status.success(), "{} failed", generator.display());
    out
}

#[tokio::test]
async fn a_million_row_ptp_file_imports_on_both_engines() {
    let Some(root) = codesets() else { return };
    let dir = TempDir::new("ptp1m");
    let file = million_row_ptp(&root, dir.path());
    for engine in common::ENGINES {
        let db = TestDb::new(engine).await;
        let outcome = import(&db.store, &file).await;
        assert_eq!(count(&outcome, "PTP edits"), 1_000_000, "{engine:?}");
        assert_eq!(
            sql::table_count(&db.store, "ptp_edit").await.unwrap(),
            1_000_000,
            "{engine:?}"
        );
        let Outcome::Imported { meta, .. } = outcome else {
            unreachable!()
        };
        assert_eq!(
            (meta.version.as_str(), meta.effective_from),
            ("v32.3", d("2026-10-01"))
        );
    }
}
