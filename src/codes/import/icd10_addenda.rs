//! The ICD-10-CM and ICD-10-PCS addenda (`Add:`, `Delete:`, `Revise from:`, `Revise to:` over
//! order or codes records): what the previous release had, what was added, and which added codes
//! took over from a deleted one.

use super::icd10_order::code_of;
use super::text::{field, latin1, numbered_lines, squeeze};
use super::{CodeRecord, Format, ImportMeta, ParseError, Record, Sink};
use crate::codes::CodeSystem;
use crate::codes::system::bare;
use crate::date::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Add,
    Delete,
    ReviseFrom,
    ReviseTo,
}

const LABELS: [(&str, Change); 4] = [
    ("Add:", Change::Add),
    ("Delete:", Change::Delete),
    ("Revise from:", Change::ReviseFrom),
    ("Revise to:", Change::ReviseTo),
];

struct Entry {
    change: Change,
    code: String,
    billable: bool,
    short: Option<String>,
    long: String,
}

/// Parses an addenda file. Deleted codes and old titles become versions of the previous release
/// (the year before); added codes are marked as added on the release date; every added code
/// under a deleted code's stem is recorded as its replacement.
pub fn parse(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    let system = if meta.format == Format::Icd10PcsAddenda {
        CodeSystem::Icd10Pcs
    } else {
        CodeSystem::Icd10Cm
    };
    let start = meta.effective_from;
    let (y, m, d) = start.ymd();
    let prev_start = Date::from_ymd(y - 1, m, d.min(28)).unwrap_or(start.add_days(-365));
    let prev_end = start.add_days(-1);
    let mut entries = Vec::new();
    let mut in_summary = false;
    for (n, raw, pos) in numbered_lines(bytes) {
        let line = latin1(raw);
        if line.trim().is_empty() {
            continue;
        }
        let Some((label, change)) = LABELS.iter().find(|(l, _)| line.starts_with(l)) else {
            // The summary counts that close the file ("Codes", "  74719 codes in ...").
            if !entries.is_empty() || line.starts_with(char::is_whitespace) {
                in_summary = true;
                continue;
            }
            return Err(ParseError::at(
                n,
                format!(
                    "expected an addenda record starting with Add:, Delete:, Revise from: or Revise to:, found {:?}",
                    line.chars().take(40).collect::<String>()
                ),
            ));
        };
        if in_summary {
            return Err(ParseError::at(
                n,
                "an addenda record after the summary counts",
            ));
        }
        let rec: Vec<char> = line.chars().collect();
        if rec.len() < 15 || label.len() > 13 {
            return Err(ParseError::at(n, "addenda record too short"));
        }
        // With a header flag ("1 B8801   ..."), the order-addenda layout; else code first.
        let with_flag = matches!(rec[13], '0' | '1') && rec.get(14) == Some(&' ');
        let entry = if with_flag {
            Entry {
                change: *change,
                code: code_of(system, &field(&rec, 16, 22), n)?,
                billable: rec[13] == '1',
                short: Some(squeeze(&field(&rec, 24, 83))),
                long: squeeze(&field(&rec, 85, rec.len().max(85))),
            }
        } else {
            let code = code_of(system, &field(&rec, 14, 20), n)?;
            let rest = squeeze(&field(&rec, 22, rec.len().max(22)));
            let has_short = system == CodeSystem::Icd10Pcs && rec.len() > 82;
            Entry {
                change: *change,
                billable: code.len() >= 7 || system == CodeSystem::Icd10Cm,
                short: has_short.then(|| squeeze(&field(&rec, 22, 81))),
                long: if has_short {
                    squeeze(&field(&rec, 83, rec.len().max(83)))
                } else {
                    rest
                },
                code,
            }
        };
        if entry.long.is_empty() && entry.short.as_deref().unwrap_or("").is_empty() {
            return Err(ParseError::at(
                n,
                format!("{} has no description", entry.code),
            ));
        }
        entries.push(entry);
        progress(pos);
    }
    let added: Vec<&Entry> = entries.iter().filter(|e| e.change == Change::Add).collect();
    for e in &entries {
        let long = if e.long.is_empty() {
            e.short.clone().unwrap_or_default()
        } else {
            e.long.clone()
        };
        let (valid_from, valid_to, added_on) = match e.change {
            Change::Add | Change::ReviseTo => {
                (start, None, (e.change == Change::Add).then_some(start))
            }
            Change::Delete | Change::ReviseFrom => (prev_start, Some(prev_end), None),
        };
        sink(Record::Code(CodeRecord {
            system,
            code: e.code.clone(),
            billable: e.billable,
            short_desc: e.short.clone().filter(|s| !s.is_empty()),
            long_desc: long,
            plain_desc: None,
            valid_from,
            valid_to,
            added: added_on,
            action: None,
        }))?;
        if e.change == Change::Delete {
            let stem = bare(&e.code);
            for a in added
                .iter()
                .filter(|a| a.billable && a.code != e.code && bare(&a.code).starts_with(&stem))
            {
                sink(Record::Replacement {
                    system,
                    old: e.code.clone(),
                    new: a.code.clone(),
                    effective: start,
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, name: &str) -> Vec<Record> {
        crate::codes::import::parse_named(name, text.as_bytes()).unwrap()
    }

    #[test]
    fn a_deleted_billable_code_that_became_a_header_keeps_both_and_names_its_children() {
        let line = |label: &str, flag: &str, code: &str, desc: &str| {
            format!("{label:<13}{flag} {code:<7} {desc:<60} {desc}\r\n")
        };
        let text = [
            line("Delete:", "1", "B880", "Other acariasis"),
            line("Add:", "0", "B880", "Other acariasis"),
            line("Add:", "1", "B8801", "Infestation by Demodex mites"),
            line("Add:", "1", "B8809", "Other acariasis"),
            "  74719 codes in icd10cm_order_2026.txt\r\n    487 additions\r\n".to_string(),
        ]
        .concat();
        let records = run(&text, "icd10cm_order_addenda_2026.txt");
        let Record::Code(deleted) = &records[0] else {
            panic!("{records:?}")
        };
        assert_eq!(deleted.code, "B88.0");
        assert!(deleted.billable);
        assert_eq!(deleted.valid_to.unwrap().to_string(), "2025-09-30");
        assert_eq!(deleted.valid_from.to_string(), "2024-10-01");
        let replacements: Vec<_> = records
            .iter()
            .filter_map(|r| match r {
                Record::Replacement { new, .. } => Some(new.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(replacements, vec!["B88.01", "B88.09"]);
        let codes: Vec<&CodeRecord> = records
            .iter()
            .filter_map(|r| match r {
                Record::Code(c) => Some(c),
                _ => None,
            })
            .collect();
        let added = codes[2];
        assert_eq!(added.code, "B88.01");
        assert_eq!(added.added.unwrap().to_string(), "2025-10-01");
    }

    #[test]
    fn reads_the_codes_addenda_layout_too() {
        let text = "Delete:      B880    Other acariasis\r\nAdd:         B8801   Infestation by Demodex mites\r\n";
        let records = run(text, "icd10cm_codes_addenda_2026.txt");
        let Some(Record::Code(c)) = records.iter().rfind(|r| matches!(r, Record::Code(_))) else {
            panic!("{records:?}")
        };
        assert_eq!(
            (c.code.as_str(), c.long_desc.as_str()),
            ("B88.01", "Infestation by Demodex mites")
        );
    }
}
