//! The Medicare Physician Fee Schedule (PPRRVU23_JAN.csv, CODEDESK_CODESETS) through the real
//! binary: imported from its content, the spot checks of the code-set README (section 8) with each
//! indicator's meaning in `lookup` and `lookup --json`, national amounts worked by hand, and no
//! CPT short descriptor from the file's DESCRIPTION column in the database, a lookup or an answer.

mod common;

use common::{TempDir, codesets};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn codedesk(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir.path())
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_INDEX_DIR")
        .env_remove("CODEDESK_CONFIG")
        .args(["--db", "sqlite://cat.db", "--index", "ix"])
        .args(args)
        .output()
        .expect("run codedesk")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "codedesk failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every short descriptor in the file's DESCRIPTION column of at least `min` characters.
fn descriptors(file: &Path, min: usize) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut out: Vec<String> = reader
        .records()
        .map(|r| r.unwrap())
        .skip_while(|r| r.get(0) != Some("HCPCS"))
        .skip(1)
        .filter_map(|r| r.get(2).map(|d| d.trim().to_string()))
        .filter(|d| d.len() >= min)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The fee-schedule row of `code` with `modifier` in a `lookup --json` view.
fn row<'a>(view: &'a Value, modifier: &str) -> &'a Value {
    view["fee_schedule"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no fee rows in {view}"))
        .iter()
        .find(|r| r["modifier"] == modifier)
        .unwrap_or_else(|| panic!("no row with modifier {modifier:?} in {view}"))
}

fn meaning<'a>(row: &'a Value, indicator: &str) -> (&'a str, &'a str) {
    let m = row["meanings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no {indicator} in {row}"));
    (
        m["value"].as_str().unwrap(),
        m["meaning"]
            .as_str()
            .unwrap_or_else(|| panic!("{indicator} {} has no meaning", m["value"])),
    )
}

#[test]
fn the_fee_schedule_imports_with_its_meanings_and_never_its_descriptors() {
    let Some(root) = codesets() else { return };
    let file = root.join("mpfs/PPRRVU23_JAN.csv");
    let dir = TempDir::new("mpfs");
    let started = std::time::Instant::now();
    let out = stdout(&codedesk(&dir, &["import", file.to_str().unwrap()]));
    eprintln!("import of the fee schedule: {:?}\n{out}", started.elapsed());
    assert!(
        out.contains("CY2023 Medicare fee schedule") && out.contains("18,010"),
        "{out}"
    );

    let codes = [
        "64483", "69210", "27447", "93015", "93016", "76942", "99213", "93000", "45380",
    ];
    let mut args = vec!["lookup", "--date", "2023-06-01", "--json"];
    args.extend(codes);
    let json: Value = serde_json::from_str(&stdout(&codedesk(&dir, &args))).unwrap();
    let views = json.as_array().unwrap();
    let view = |code: &str| {
        views
            .iter()
            .find(|v| v["code"] == code)
            .unwrap_or_else(|| panic!("{code} not looked up"))
    };
    // The README's spot checks, each with its meaning.
    let g = |code: &str| row(view(code), "");
    assert_eq!(meaning(g("64483"), "bilat").0, "1");
    assert!(meaning(g("64483"), "bilat").1.contains("150%"));
    assert_eq!(meaning(g("64483"), "global").0, "000");
    assert_eq!(meaning(g("69210"), "bilat").0, "2");
    assert!(
        meaning(g("69210"), "bilat")
            .1
            .contains("already describe both sides")
    );
    assert_eq!(meaning(g("27447"), "global").0, "090");
    assert_eq!(meaning(g("27447"), "asst").0, "2");
    assert_eq!(meaning(g("27447"), "co_surg").0, "1");
    assert_eq!(meaning(g("93015"), "pctc").0, "4");
    assert!(meaning(g("93015"), "pctc").1.contains("global test only"));
    assert_eq!(
        view("93015")["fee_schedule"]["components"],
        serde_json::json!([
            {"code": "93016", "pctc": "2"},
            {"code": "93017", "pctc": "3"},
            {"code": "93018", "pctc": "2"}
        ])
    );
    assert_eq!(meaning(g("93016"), "pctc").0, "2");
    assert_eq!(meaning(g("76942"), "pctc").0, "1");
    assert_eq!(row(view("76942"), "26")["nf_total"], "0.90");
    assert_eq!(row(view("76942"), "TC")["nf_total"], "0.84");
    assert_eq!(meaning(g("99213"), "global").0, "XXX");
    assert_eq!(g("45380")["endo_base"], "45378");
    assert_eq!(
        view("93000")["fee_schedule"]["components"],
        serde_json::json!([{"code": "93005", "pctc": "3"}, {"code": "93010", "pctc": "2"}])
    );
    // National amounts worked by hand: 2.68 x 33.8872 = 90.82, 1.95 x 33.8872 = 66.08;
    // 27447 has no non-facility price (NA) and 38.35 x 33.8872 = 1299.57 in a facility.
    assert_eq!(g("99213")["nf_amount"], "90.82");
    assert_eq!(g("99213")["f_amount"], "66.08");
    assert_eq!(g("27447")["nf_amount"], Value::Null);
    assert_eq!(g("27447")["f_amount"], "1299.57");
    assert_eq!(
        view("99213")["fee_schedule"]["release"],
        "CY2023 Medicare fee schedule"
    );
    assert_eq!(view("99213")["fee_schedule"]["date_note"], Value::Null);

    // The text form says the same in words, and a later date says the file is older.
    let mut args = vec!["lookup", "--date", "2026-04-15"];
    args.extend(codes);
    let text = stdout(&codedesk(&dir, &args));
    assert!(
        text.contains("BILAT SURG 1: the 150% bilateral adjustment applies"),
        "{text}"
    );
    assert!(text.contains("GLOB DAYS 090: 90-day global"), "{text}");
    assert!(
        text.contains("CY2026 Medicare fee schedule applies on 2026-04-15 and is not loaded"),
        "{text}"
    );

    // No descriptor of the DESCRIPTION column anywhere: not in the database file, not in a
    // lookup (text or JSON), not in an answer.
    let descs = descriptors(&file, 8);
    assert!(descs.len() > 10_000, "{} descriptors", descs.len());
    let db =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("cat.db")).unwrap()).to_lowercase();
    let json_text = serde_json::to_string(&json).unwrap().to_lowercase();
    let text_lower = text.to_lowercase();
    let question = dir.path().join("q.eml");
    std::fs::write(
        &question,
        "From: Coder <coder@clinic.example>\r\nTo: consult@desk.example\r\nSubject: payment\r\n\
         Date: Mon, 15 May 2023 10:00:00 -0600\r\nMessage-ID: <q1@clinic.example>\r\n\r\n\
         27447 global and assistant? 64483-50 bilateral, 93015-26 and 76942-26, 99213-25 with \
         20610, 45380 and 45385 same session, how does medicare pay?\r\n",
    )
    .unwrap();
    let reply = stdout(&codedesk(&dir, &["answer", question.to_str().unwrap()])).to_lowercase();
    assert!(reply.contains("cy2023 medicare fee schedule"), "{reply}");
    let reply_json = stdout(&codedesk(
        &dir,
        &["answer", "--json", question.to_str().unwrap()],
    ))
    .to_lowercase();
    for d in &descs {
        let d = d.to_lowercase();
        assert!(!db.contains(&d), "the database holds the descriptor {d:?}");
        for (what, out) in [
            ("lookup --json", &json_text),
            ("lookup", &text_lower),
            ("answer", &reply),
            ("answer --json", &reply_json),
        ] {
            assert!(!out.contains(&d), "{what} shows the descriptor {d:?}");
        }
    }
}
