//! NCCI medically unlikely edits: CSV in cp1252 (a multi-line notice record, a header record whose
//! first cell holds a line break, then code, value, adjudication indicator, rationale) or the same
//! table as xlsx.

use super::text::latin1;
use super::{ParseError, Record, Sink};
use crate::codes::CodeSystem;
use crate::codes::system::normalize;

/// `practitioner`, `hospital` or `dme`, from the header's value column or the file name.
pub fn setting_of(bytes: &[u8], file_name: &str) -> String {
    let head = latin1(&bytes[..bytes.len().min(8192)]).to_ascii_lowercase();
    let name = file_name.to_ascii_lowercase();
    if head.contains("outpatient hospital") || name.contains("outpatient") {
        "hospital".into()
    } else if head.contains("dme supplier") || name.contains("dme") {
        "dme".into()
    } else {
        "practitioner".into()
    }
}

/// Turns table rows (with their 1-based line numbers) into MUE records, skipping everything up
/// to and including the header row.
fn records(
    rows: impl Iterator<Item = (usize, Vec<String>)>,
    sink: &mut Sink<'_>,
) -> Result<(), ParseError> {
    let mut in_data = false;
    let mut seen = 0usize;
    for (line, row) in rows {
        let first = row.first().map(|s| s.trim()).unwrap_or("");
        if !in_data {
            if first.to_ascii_uppercase().starts_with("HCPCS")
                && row.iter().any(|c| c.contains("MUE"))
            {
                in_data = true;
            }
            continue;
        }
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let code = normalize(CodeSystem::Cpt, first)
            .or_else(|| normalize(CodeSystem::Hcpcs, first))
            .ok_or_else(|| {
                ParseError::at(
                    line,
                    format!("expected a CPT or HCPCS code, found {first:?}"),
                )
            })?;
        let cell = |i: usize| row.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let value: u32 = cell(1).parse().map_err(|_| {
            ParseError::at(
                line,
                format!(
                    "expected a whole number of units for {code}, found {:?}",
                    cell(1)
                ),
            )
        })?;
        let mai_text = cell(2);
        let mai = match mai_text.chars().next() {
            Some(d @ '1'..='3') => d as u8 - b'0',
            _ => {
                return Err(ParseError::at(
                    line,
                    format!(
                        "expected an adjudication indicator starting with 1, 2 or 3, found {mai_text:?}"
                    ),
                ));
            }
        };
        sink(Record::Mue {
            code,
            value,
            mai,
            mai_text,
            rationale: cell(3),
        })?;
        seen += 1;
    }
    if !in_data {
        return Err(ParseError::at(
            1,
            "no header row (\"HCPCS/CPT Code\", ... MUE Values ...) found",
        ));
    }
    if seen == 0 {
        return Err(ParseError::at(1, "no MUE rows after the header"));
    }
    Ok(())
}

/// Parses the CSV variant.
pub fn parse_csv(bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let text = latin1(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for result in reader.records() {
        let rec = result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            ParseError::at(line, format!("malformed CSV: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    records(rows.into_iter(), sink)
}

/// Parses the xlsx variant.
pub fn parse_xlsx(bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let (_, rows) = super::workbook::first_sheet(bytes)?;
    records(rows.into_iter().enumerate().map(|(i, r)| (i + 1, r)), sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_the_notice_and_multiline_header() {
        let csv = b"\"CPT codes, descriptions and other data only are copyright 2025 American Medical Association\xae.\nAll rights reserved.\",,,\n\"HCPCS/\nCPT Code\",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n62322,1,3 Date of Service Edit: Clinical,Clinical: Data\n64483,1,2 Date of Service Edit: Policy,CMS Policy\n";
        let out = crate::codes::import::parse_named("MUE_Eff_04-01-2026.csv", csv).unwrap();
        assert_eq!(
            out[0],
            Record::Mue {
                code: "62322".into(),
                value: 1,
                mai: 3,
                mai_text: "3 Date of Service Edit: Clinical".into(),
                rationale: "Clinical: Data".into()
            }
        );
        assert_eq!(out.len(), 2);
        assert_eq!(setting_of(csv, "x.csv"), "practitioner");
    }

    #[test]
    fn a_bad_value_names_its_line() {
        let csv = b"\"HCPCS/\nCPT Code\",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n62322,one,3 Date of Service Edit: Clinical,Clinical: Data\n";
        let err = parse_csv(csv, &mut |_| Ok(())).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("62322"), "{}", err.message);
    }
}
