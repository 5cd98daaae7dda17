//! The ICD-10-CM conversion table (xlsx): each code created since FY2016, when, and the code(s)
//! it was previously assigned to, recorded as replacements of those codes.

use super::workbook::{column, first_sheet};
use super::{ImportMeta, ParseError, Record, Sink};
use crate::codes::{CodeSystem, normalize};
use crate::date::Date;

/// Parses the table. "Effective" is a year: October 1 of that year unless the cell names April.
pub fn parse(_meta: &ImportMeta, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let (_, rows) = first_sheet(bytes)?;
    let header_at = rows
        .iter()
        .position(|r| column(r, &["Current code assignment"]).is_some())
        .ok_or_else(|| {
            ParseError::at(1, "expected a header row with \"Current code assignment\"")
        })?;
    let header = &rows[header_at];
    let current = column(header, &["Current code assignment"]).unwrap_or(0);
    let effective = column(header, &["Effective"]);
    let previous = column(
        header,
        &["Previous Code(s) Assignment", "Previous Code Assignment"],
    )
    .ok_or_else(|| {
        ParseError::at(
            header_at + 1,
            "expected a \"Previous Code(s) Assignment\" column",
        )
    })?;
    for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
        let line = i + 1;
        let cell = |c: usize| row.get(c).map(String::as_str).unwrap_or("").trim();
        if cell(current).is_empty() {
            continue;
        }
        let new = normalize(CodeSystem::Icd10Cm, cell(current)).ok_or_else(|| {
            ParseError::at(
                line,
                format!("expected an ICD-10-CM code, found {:?}", cell(current)),
            )
        })?;
        let when = effective.map(cell).unwrap_or("");
        let year: i32 = when.get(..4).and_then(|y| y.parse().ok()).ok_or_else(|| {
            ParseError::at(line, format!("expected an effective year, found {when:?}"))
        })?;
        let month = if when.to_ascii_lowercase().contains("apr") {
            4
        } else {
            10
        };
        let effective = Date::from_ymd(year, month, 1)
            .ok_or_else(|| ParseError::at(line, format!("impossible year {year}")))?;
        for token in cell(previous).split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
            if let Some(old) = normalize(CodeSystem::Icd10Cm, token) {
                if old != new {
                    sink(Record::Replacement {
                        system: CodeSystem::Icd10Cm,
                        old,
                        new: new.clone(),
                        effective,
                    })?;
                }
            }
        }
    }
    Ok(())
}
