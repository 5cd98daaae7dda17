//! Reading the first sheet of an xlsx file as rows of text cells (dates stored as numbers or
//! Excel dates become `YYYYMMDD`, as the text formats write them).

use super::ParseError;
use crate::date::Date;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// The names of every sheet, and the first sheet's rows as trimmed text.
pub fn first_sheet(bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), ParseError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ParseError::at(0, format!("not a readable xlsx workbook: {e}")))?;
    let names = book.sheet_names();
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ParseError::at(0, "the workbook has no sheet"))?
        .map_err(|e| ParseError::at(0, format!("cannot read the first sheet: {e}")))?;
    let rows = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    Ok((names, rows))
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let base = Date::from_ymd(1899, 12, 30).map_or(0, Date::days);
            Date::from_days(base + dt.as_f64() as i32).compact()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace('-', ""),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// The index of the first header cell equal (case and spacing aside) to one of `names`.
pub fn column(header: &[String], names: &[&str]) -> Option<usize> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    header
        .iter()
        .position(|h| names.iter().any(|n| norm(h) == norm(n)))
}
