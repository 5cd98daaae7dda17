//! The ICD-10-CM and ICD-10-PCS order files (fixed width: order number, code, header flag, short
//! and long description) and the codes files (code and long description, billable codes only).

use super::text::{field, latin1, numbered_lines, squeeze};
use super::{CodeRecord, Format, ImportMeta, ParseError, Record, Sink};
use crate::codes::{CodeSystem, normalize};

/// Whether a line has the order-file shape: `00001 A00     0 Cholera ...`.
pub fn looks_like_order_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 17
        && b[..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[6..13]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ')
        && b[13] == b' '
        && matches!(b[14], b'0' | b'1')
        && b[15] == b' '
}

/// Whether a line has the codes-file shape: `A000    Cholera due to ...`.
pub fn looks_like_codes_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 9
        && b[..3].iter().all(u8::is_ascii_alphanumeric)
        && b[..8]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ')
        && b[7] == b' '
        && b[8] != b' '
}

fn system_of(meta: &ImportMeta) -> CodeSystem {
    match meta.format {
        Format::Icd10PcsOrder | Format::Icd10PcsCodes | Format::Icd10PcsAddenda => {
            CodeSystem::Icd10Pcs
        }
        _ => CodeSystem::Icd10Cm,
    }
}

/// The normal form of a code as an order file writes it; PCS table headers (`001`) are kept as
/// they are.
pub fn code_of(system: CodeSystem, raw: &str, line: usize) -> Result<String, ParseError> {
    let raw = raw.trim();
    if system == CodeSystem::Icd10Pcs && raw.len() < 7 {
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(raw.to_ascii_uppercase());
        }
    } else if let Some(code) = normalize(system, raw) {
        return Ok(code);
    }
    Err(ParseError::at(
        line,
        format!("expected an {} code, found {raw:?}", system.label()),
    ))
}

/// Parses an order file: every line a record, headers and billable codes.
pub fn parse_order(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    let system = system_of(meta);
    for (n, raw, pos) in numbered_lines(bytes) {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = latin1(raw);
        if !looks_like_order_line(&line) {
            return Err(ParseError::at(
                n,
                format!(
                    "expected an order-file record (5-digit order number, code, 0/1 flag, \
                     descriptions), found {:?}",
                    line.chars().take(40).collect::<String>()
                ),
            ));
        }
        let code = code_of(system, &line[6..13], n)?;
        let billable = &line[14..15] == "1";
        let rec: Vec<char> = line.chars().collect();
        let short = squeeze(&field(&rec, 17, 76));
        let long = squeeze(&field(&rec, 78, rec.len().max(78)));
        let long = if long.is_empty() { short.clone() } else { long };
        if long.is_empty() {
            return Err(ParseError::at(n, format!("{code} has no description")));
        }
        sink(Record::Code(CodeRecord {
            system,
            code,
            billable,
            short_desc: Some(short),
            long_desc: long,
            plain_desc: None,
            valid_from: meta.effective_from,
            valid_to: None,
            added: None,
            action: None,
        }))?;
        if n % 4096 == 0 {
            progress(pos);
        }
    }
    Ok(())
}

/// Parses a codes file: billable codes with their long descriptions.
pub fn parse_codes(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    let system = system_of(meta);
    for (n, raw, pos) in numbered_lines(bytes) {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = latin1(raw);
        if !looks_like_codes_line(&line) {
            return Err(ParseError::at(
                n,
                format!(
                    "expected a codes-file record (code padded to 7, a space, the description), found {:?}",
                    line.chars().take(40).collect::<String>()
                ),
            ));
        }
        let code = code_of(system, &line[..7], n)?;
        sink(Record::Code(CodeRecord {
            system,
            code,
            billable: true,
            short_desc: None,
            long_desc: squeeze(&line[8..]),
            plain_desc: None,
            valid_from: meta.effective_from,
            valid_to: None,
            added: None,
            action: None,
        }))?;
        if n % 4096 == 0 {
            progress(pos);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(bytes: &[u8], name: &str) -> Result<Vec<Record>, ParseError> {
        crate::codes::import::parse_named(name, bytes)
    }

    #[test]
    fn reads_headers_and_billable_codes() {
        let text = format!(
            "{:<5} {:<7} 0 {:<60} {}\r\n{:<5} {:<7} 1 {:<60} {}\r\n",
            "20086",
            "M545",
            "Low back pain",
            "Low back pain",
            "20087",
            "M5450",
            "Low back pain, unsp",
            "Low back pain, unspecified"
        );
        let records = collect(text.as_bytes(), "icd10cm_order_2026.txt").unwrap();
        let Record::Code(header) = &records[0] else {
            panic!()
        };
        assert_eq!((header.code.as_str(), header.billable), ("M54.5", false));
        let Record::Code(child) = &records[1] else {
            panic!()
        };
        assert_eq!(child.long_desc, "Low back pain, unspecified");
        assert_eq!(child.short_desc.as_deref(), Some("Low back pain, unsp"));
        assert_eq!(child.valid_from.to_string(), "2025-10-01");
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let text = format!(
            "{:<5} {:<7} 1 {:<60} {}\r\ngarbage here\r\n",
            "00001", "A000", "Cholera", "Cholera due to Vibrio cholerae 01, biovar cholerae"
        );
        let err = collect(text.as_bytes(), "icd10cm_order_2026.txt").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("order-file record"), "{}", err.message);
    }

    #[test]
    fn reads_pcs_table_headers_and_codes_files() {
        let text = format!(
            "{:<5} {:<7} 0 {:<60} {}\r\n",
            "00001", "001", "Central Nervous System, Bypass", "Central Nervous System, Bypass"
        );
        let records = collect(text.as_bytes(), "icd10pcs_order_2026.txt").unwrap();
        let Record::Code(c) = &records[0] else {
            panic!()
        };
        assert_eq!((c.system, c.code.as_str()), (CodeSystem::Icd10Pcs, "001"));
        let codes = collect(
            b"M5416   Radiculopathy, lumbar region\r\n",
            "icd10cm_codes_2026.txt",
        )
        .unwrap();
        let Record::Code(c) = &codes[0] else { panic!() };
        assert_eq!((c.code.as_str(), c.billable), ("M54.16", true));
    }
}
