//! The labelled answer corpus (tests/fixtures/asks, see its README) answered from the real CMS
//! files as the worker would: every key fact a right reply must contain, no statement the loaded
//! data cannot support, and every question with an ask the data cannot answer below "high".
//! Prints the figures per ask kind, and each miss.

mod common;
mod real_catalog;

use codedesk::answer::Level;
use codedesk::consult::consult;
use codedesk::date::Date;
use codedesk::question::Limits;
use codedesk::reply::{self, ReplyKind};
use common::codesets;
use real_catalog::{open_catalog, replier};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Labels of asks the loaded data answers only with files codedesk does not import yet (the
/// fee schedule, the ICD-10-CM Index and Tables): none now — `with-mpfs` and `with-index` asks
/// are scored since codedesk imports both.
const WAITING_ON_DATA: &[&str] = &[];

/// The share of key facts a run must keep: the 95% target (357 of 375 at the time of writing).
const FACTS_FLOOR: f64 = 0.95;

/// The day a question without its own `date` was written.
const DEFAULT_DATE: &str = "2026-04-15";

/// One labelled question.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Labelled {
    source: String,
    date: Option<String>,
    subject: String,
    body: String,
    asks: Vec<LabelledAsk>,
}

/// One ask of a labelled question.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelledAsk {
    kind: String,
    #[serde(default)]
    codes: Vec<String>,
    answerable: String,
    #[serde(default)]
    facts: Vec<String>,
    #[serde(default)]
    must_not: Vec<String>,
    #[serde(default)]
    why: String,
}

fn flat(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn load() -> Vec<(String, Labelled)> {
    let dir = common::fixtures().join("asks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            let item: Labelled =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(!item.source.trim().is_empty(), "{name}: no source");
            for a in &item.asks {
                assert!(
                    ["yes", "partly", "no", "with-mpfs", "with-index"]
                        .contains(&a.answerable.as_str()),
                    "{name}: answerable {:?}",
                    a.answerable
                );
                assert!(
                    a.answerable == "yes" || !a.why.trim().is_empty() || !a.facts.is_empty(),
                    "{name}: an ask the data cannot fully answer says why"
                );
            }
            (name, item)
        })
        .collect()
}

fn raw_message(name: &str, item: &Labelled, date: Date) -> Vec<u8> {
    let (y, m, d) = date.ymd();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][m as usize - 1];
    let body = item.body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "From: Coder <coder@clinic.example>\r\nTo: consult@desk.example\r\nSubject: {}\r\n\
         Date: {d} {month} {y} 10:00:00 -0600\r\nMessage-ID: <{name}@clinic.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}",
        item.subject
    )
    .into_bytes()
}

#[derive(Default)]
struct Tally {
    asks: u32,
    detected: u32,
    facts: u32,
    facts_found: u32,
}

#[tokio::test(flavor = "multi_thread")]
async fn the_labelled_questions_get_their_key_facts_and_no_unsupported_claim() {
    let Some(root) = codesets() else { return };
    let items = load();
    assert!(
        items.len() >= 150,
        "the corpus holds {} questions",
        items.len()
    );
    let catalog = open_catalog(&root).await;
    let replier = replier();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    let mut unsupported: Vec<String> = Vec::new();
    let mut overconfident: Vec<String> = Vec::new();
    let (mut facts, mut found, mut waiting) = (0u32, 0u32, 0u32);
    let mut levels: BTreeMap<String, u32> = BTreeMap::new();
    // The Index and Tables asks on their own: (asks, asks with every fact present).
    let (mut index_asks, mut index_right) = (0u32, 0u32);
    for (name, item) in &items {
        let date: Date = item
            .date
            .as_deref()
            .unwrap_or(DEFAULT_DATE)
            .parse()
            .unwrap();
        let raw = raw_message(name, item, date);
        let c = consult(&catalog, &raw, &Limits::default(), date)
            .await
            .unwrap();
        let case_ref = reply::case_ref_for(&c.question, &raw);
        let r = replier
            .compose(
                ReplyKind::Answer(&c.answer),
                &c.question,
                &case_ref,
                i64::from(date.days()) * 86_400,
            )
            .unwrap();
        let text = flat(&r.text);
        let level = c.answer.confidence.level;
        *levels.entry(format!("{level:?}")).or_default() += 1;
        let detected: Vec<&str> = c.answer.asks.iter().map(|a| a.kind.as_str()).collect();
        let mut cannot = false;
        for a in &item.asks {
            let t = by_kind.entry(a.kind.clone()).or_default();
            t.asks += 1;
            if detected.contains(&a.kind.as_str()) {
                t.detected += 1;
            }
            // With the fee schedule loaded, its asks are fully answerable for dates in its year
            // (CY2023); for a later date of service the reply must say the file is older.
            let fee_year = a.answerable == "with-mpfs" && date.ymd().0 == 2023;
            cannot |= a.answerable != "yes" && !fee_year;
            if a.answerable == "with-index" {
                index_asks += 1;
                index_right += u32::from(a.facts.iter().all(|f| text.contains(&flat(f))));
            }
            if WAITING_ON_DATA.contains(&a.answerable.as_str()) {
                waiting += a.facts.len() as u32;
            }
            for fact in a
                .facts
                .iter()
                .filter(|_| !WAITING_ON_DATA.contains(&a.answerable.as_str()))
            {
                facts += 1;
                t.facts += 1;
                if text.contains(&flat(fact)) {
                    found += 1;
                    t.facts_found += 1;
                } else {
                    misses.push(format!(
                        "{name} [{} {}]: missing {fact:?}",
                        a.kind,
                        a.codes.join(" ")
                    ));
                }
            }
            for bad in &a.must_not {
                if text.contains(&flat(bad)) {
                    unsupported.push(format!("{name} [{}]: says {bad:?}", a.kind));
                }
            }
        }
        if cannot && level == Level::High {
            overconfident.push(format!(
                "{name}: confidence high, but an ask is labelled not fully answerable (asks seen: {})",
                detected.join(", ")
            ));
        }
    }
    eprintln!(
        "answer corpus: {} questions, confidence {levels:?}",
        items.len()
    );
    eprintln!(
        "{:<18} {:>5} {:>9} {:>12}",
        "ask", "asks", "detected", "facts found"
    );
    for (kind, t) in &by_kind {
        eprintln!(
            "{kind:<18} {:>5} {:>9} {:>6}/{:<5}",
            t.asks, t.detected, t.facts_found, t.facts
        );
    }
    let share = f64::from(found) / f64::from(facts.max(1));
    eprintln!(
        "key facts present: {found}/{facts} ({:.1}%), {waiting} more wait on the fee schedule; unsupported statements: {}; high with an unanswerable ask: {}",
        share * 100.0,
        unsupported.len(),
        overconfident.len()
    );
    eprintln!("Index and Tables asks with every key fact: {index_right}/{index_asks}");
    for m in misses.iter().chain(&unsupported).chain(&overconfident) {
        eprintln!("  {m}");
    }
    // The floor holds what is reached (89.6% now; 80.9% at the first tuning); the target is 95% (issue 12),
    // which needs the Alphabetic Index for questions in words and header-to-leaf answers.
    assert!(
        share >= FACTS_FLOOR,
        "key facts present: {:.1}%, below the floor of {:.0}%",
        share * 100.0,
        FACTS_FLOOR * 100.0
    );
    assert!(
        unsupported.is_empty(),
        "{} unsupported statements",
        unsupported.len()
    );
    assert!(
        overconfident.is_empty(),
        "{} questions high with an unanswerable ask",
        overconfident.len()
    );
}
