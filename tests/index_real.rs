//! "Which code for X" through the ICD-10-CM Index and its Tables on the real CDC files
//! (CODEDESK_CODESETS: the FY2026 ICD-10-CM files and the FY2025 Table of Drugs, Table of
//! Neoplasms and External Cause Index), plus the project's own small sample of the main Index
//! (tests/fixtures/index): the code each question leads to, completed and checked against the
//! FY2026 tabular, with the path shown in the reply a coder reads.

mod common;
mod real_catalog;

use codedesk::codes::Catalog;
use codedesk::consult::consult;
use codedesk::date::Date;
use codedesk::question::Limits;
use codedesk::reply::{self, ReplyKind};
use codedesk::store::Store;
use common::codesets;
use real_catalog::replier;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The ICD-10-CM files and the Index books imported once per run with the real binary.
fn catalog_dir(root: &Path) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("codedesk-index-real-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_codedesk"))
            .arg("--db")
            .arg(format!("sqlite://{}/cat.db", dir.display()))
            .arg("--index")
            .arg(dir.join("ix"))
            .arg("import")
            .arg(root.join("icd10cm"))
            .arg(common::fixtures().join("index"))
            .output()
            .expect("run codedesk import");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "codedesk import failed: {}{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        for book in [
            "icd10cm-drugs",
            "icd10cm-neoplasms",
            "icd10cm-eindex",
            "icd10cm-index",
        ] {
            assert!(stdout.contains(book), "{book} not imported: {stdout}");
        }
        assert!(
            stdout.contains("skipped") && stdout.contains("XML schema"),
            "the XSDs are recognised and skipped: {stdout}"
        );
        dir
    })
}

async fn catalog(root: &Path) -> Catalog {
    let dir = catalog_dir(root);
    let store = Store::connect(&format!("sqlite://{}/cat.db", dir.display()))
        .await
        .unwrap();
    Catalog::open(store, &dir.join("ix")).await.unwrap()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text reply to a question written on 2026-04-15 (FY2026), and its "In short" lines.
async fn reply_to(catalog: &Catalog, body: &str) -> (String, Vec<String>) {
    let raw = format!(
        "From: Coder <coder@clinic.example>\r\nTo: consult@desk.example\r\nSubject: code?\r\n\
         Date: 15 Apr 2026 10:00:00 -0600\r\nMessage-ID: <q@clinic.example>\r\n\r\n{body}\r\n"
    );
    let date: Date = "2026-04-15".parse().unwrap();
    let c = consult(catalog, raw.as_bytes(), &Limits::default(), date)
        .await
        .unwrap();
    let case_ref = reply::case_ref_for(&c.question, raw.as_bytes());
    let r = replier()
        .compose(
            ReplyKind::Answer(&c.answer),
            &c.question,
            &case_ref,
            i64::from(date.days()) * 86_400,
        )
        .unwrap();
    let short: Vec<String> = c
        .answer
        .asks
        .iter()
        .flat_map(|a| a.answer.iter().cloned())
        .collect();
    eprintln!("--- {body}\n{}", short.join("\n"));
    (flat(&r.text), short)
}

fn has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(&flat(w)), "missing {w:?} in:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tables_answer_with_the_path_and_the_completed_code() {
    let Some(root) = codesets() else { return };
    let catalog = catalog(&root).await;
    assert!(!catalog.index_books().is_empty());

    let (text, _) = reply_to(
        &catalog,
        "adverse effect of amoxicillin, initial encounter. which code?",
    )
    .await;
    has(
        &text,
        &[
            "Table of Drugs and Chemicals (FY2025) > Amoxicillin > Adverse effect: T36.0X5- → T36.0X5A, initial encounter",
            "T36.0X5A is valid and billable on 2026-04-15 (ICD-10-CM FY2026): \"Adverse effect of penicillins, initial encounter\"",
            "The Table of Drugs and Chemicals loaded is FY2025: T36.0X5A was checked in ICD-10-CM FY2026, the tabular for this date",
        ],
    );

    let (text, _) = reply_to(
        &catalog,
        "accidental acetaminophen poisoning, initial encounter. what is the code?",
    )
    .await;
    has(
        &text,
        &[
            "Table of Drugs and Chemicals (FY2025) > Acetaminophen > Poisoning Accidental (unintentional): T39.1X1- → T39.1X1A, initial encounter",
        ],
    );

    let (text, _) = reply_to(
        &catalog,
        "what is the code for carcinoma in situ of the skin of the breast?",
    )
    .await;
    has(
        &text,
        &[
            "Table of Neoplasms (FY2025) > Neoplasm, neoplastic >",
            "> Ca in situ: D04.5",
            "D04.5 is valid and billable",
        ],
    );

    let (text, short) = reply_to(
        &catalog,
        "path came back benign neoplasm of the hard palate. which code?",
    )
    .await;
    has(
        &text,
        &["Table of Neoplasms (FY2025) > Neoplasm, neoplastic > palate > hard > Benign: D10.39"],
    );
    assert!(
        !short.iter().any(|s| s.contains("C05")),
        "the malignant column is not offered: {short:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_spot_checks_and_what_the_words_do_not_say() {
    let Some(root) = codesets() else { return };
    let catalog = catalog(&root).await;

    let (text, _) = reply_to(
        &catalog,
        "accidental poisoning by 1-propanol, initial encounter: which code?",
    )
    .await;
    has(
        &text,
        &["> 1-propanol > Poisoning Accidental (unintentional): T51.3X1- → T51.3X1A"],
    );

    let (text, _) = reply_to(&catalog, "what code for an adverse effect of 1-propanol?").await;
    has(
        &text,
        &["The Table gives no code in the Adverse effect column for 1-propanol"],
    );

    let (text, _) = reply_to(
        &catalog,
        "malignant neoplasm of the abdomen, primary. which code?",
    )
    .await;
    has(
        &text,
        &[
            "> abdomen, abdominal > Malignant Primary: C76.2",
            "C76.2 is valid and billable",
        ],
    );

    let (text, _) = reply_to(
        &catalog,
        "secondary malignant neoplasm of the abdomen, code?",
    )
    .await;
    has(
        &text,
        &[
            "> abdomen, abdominal > Malignant Secondary: C79.8-",
            "C79.8 is a header: it needs more characters",
            "C79.89",
        ],
    );

    let (text, _) = reply_to(&catalog, "adverse effect of amoxicillin: which T code?").await;
    has(
        &text,
        &[
            "T36.0X5- needs a 7th character",
            "your question does not say which encounter",
        ],
    );

    let (text, _) = reply_to(&catalog, "mets to the left lung, what code?").await;
    has(
        &text,
        &["> lung > Malignant Secondary: C78.0- → C78.02 (your question says left)"],
    );

    let (text, _) = reply_to(
        &catalog,
        "patient fell off a ladder, first visit. what is the external cause code?",
    )
    .await;
    has(
        &text,
        &[
            "External Cause Index (FY2025) > Fall, falling >",
            "W11- → W11.XXXA, initial encounter",
        ],
    );

    let (text, _) = reply_to(
        &catalog,
        "skier struck by an avalanche, initial encounter: external cause code?",
    )
    .await;
    has(&text, &["avalanche: see Landslide", "X36.1- → X36.1XXA"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_main_index_sample_follows_see_references_into_the_index_and_the_tables() {
    let Some(root) = codesets() else { return };
    let catalog = catalog(&root).await;

    let (text, _) = reply_to(&catalog, "what is the icd-10 code for bell's palsy?").await;
    has(
        &text,
        &[
            "Index to Diseases and Injuries (FY2025) > Palsy > Bell's: G51.0",
            "G51.0 is valid and billable",
        ],
    );

    let (text, _) = reply_to(&catalog, "which dx code for a heart attack?").await;
    has(&text, &["Heart attack: see Infarct, myocardial", "I21.9"]);

    let (text, _) = reply_to(
        &catalog,
        "overdose of acetaminophen, initial encounter, what code?",
    )
    .await;
    has(&text, &["T39.1X1A", "No intent is named"]);
}
