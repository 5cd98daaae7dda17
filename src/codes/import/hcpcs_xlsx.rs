//! The HCPCS Level II ANWEB xlsx (one row per code or modifier, continuation lines merged), and
//! telling the xlsx formats apart by their sheets and header rows.

use super::detect::{Format, UnknownFormat};
use super::hcpcs_anweb::HcpcsRow;
use super::workbook::{column, first_sheet};
use super::{ImportMeta, ParseError, Sink};
use crate::date::Date;
use anyhow::Result;

/// Which xlsx format a workbook is.
pub fn detect_workbook(bytes: &[u8]) -> Result<Format> {
    let (names, rows) = first_sheet(bytes).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let head: Vec<&String> = rows.iter().take(3).flatten().collect();
    let has = |text: &str| head.iter().any(|c| c.to_ascii_uppercase().contains(text));
    if names.iter().any(|n| n.contains("Changes by")) {
        return Err(UnknownFormat(
            "this is a HCPCS transaction report (what changed), not a code file: import the \
             ANWEB file of the same release instead"
                .into(),
        )
        .into());
    }
    if has("RECID") && has("HCPC") {
        return Ok(Format::HcpcsXlsx);
    }
    if has("MUE") {
        return Ok(Format::NcciMueXlsx);
    }
    if has("CURRENT CODE ASSIGNMENT") {
        return Ok(Format::Icd10CmConversion);
    }
    Err(UnknownFormat(format!(
        "an xlsx workbook codedesk does not know (sheets: {}): expected the HCPCS ANWEB xlsx, an \
         NCCI MUE xlsx or the ICD-10-CM conversion table",
        names.join(", ")
    ))
    .into())
}

struct Columns {
    code: usize,
    recid: usize,
    long: usize,
    short: usize,
    added: Option<usize>,
    effective: Option<usize>,
    terminated: Option<usize>,
    action: Option<usize>,
}

fn rows(bytes: &[u8]) -> Result<Vec<HcpcsRow>, ParseError> {
    let (_, rows) = first_sheet(bytes)?;
    let header = rows
        .first()
        .ok_or_else(|| ParseError::at(1, "empty sheet: expected a header row"))?;
    let need = |names: &[&str]| {
        column(header, names).ok_or_else(|| {
            ParseError::at(
                1,
                format!("expected a {} column in the header row", names[0]),
            )
        })
    };
    let c = Columns {
        code: need(&["HCPC", "HCPCS"])?,
        recid: need(&["RECID"])?,
        long: need(&["LONG DESCRIPTION"])?,
        short: need(&["SHORT DESCRIPTION"])?,
        added: column(header, &["ADD DT"]),
        effective: column(header, &["ACT EFF DT"]),
        terminated: column(header, &["TERM DT"]),
        action: column(header, &["ACTION CD"]),
    };
    let get =
        |row: &[String], i: Option<usize>| i.and_then(|i| row.get(i)).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let line = i + 1;
        if row.iter().all(String::is_empty) {
            continue;
        }
        let recid = get(row, Some(c.recid));
        let modifier = match recid.as_str() {
            "3" => false,
            "7" => true,
            // Continuations are merged into the first row in the xlsx; skip any that remain.
            "4" | "8" => continue,
            other => {
                return Err(ParseError::at(
                    line,
                    format!("expected RECID 3 or 7, found {other:?}"),
                ));
            }
        };
        out.push(HcpcsRow {
            line,
            modifier,
            code: get(row, Some(c.code)).trim().to_string(),
            long: super::text::squeeze(&get(row, Some(c.long))),
            short: get(row, Some(c.short)),
            added: Date::parse_compact(&get(row, c.added)),
            action_effective: Date::parse_compact(&get(row, c.effective)),
            terminated: Date::parse_compact(&get(row, c.terminated)),
            action: get(row, c.action),
        });
    }
    Ok(out)
}

/// Parses the workbook into HCPCS codes and Level II modifiers.
pub fn parse(meta: &ImportMeta, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), ParseError> {
    for row in rows(bytes)? {
        sink(row.into_record(meta)?)?;
    }
    Ok(())
}

/// The latest action effective date in the workbook.
pub fn latest_action_date(bytes: &[u8]) -> Option<Date> {
    rows(bytes)
        .ok()?
        .iter()
        .filter_map(|r| r.action_effective.or(r.added))
        .max()
}
