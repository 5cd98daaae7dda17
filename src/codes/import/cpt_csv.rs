//! A licensed CPT file the user supplies: CSV or tab-separated with a header row naming a code
//! column (`code`, `cpt code`, or `modifier` for a modifier list) and description columns
//! (`short_description`, `long_description` or `descriptor`, optional `plain_description` or
//! `consumer_descriptor`). CPT text is AMA copyrighted: it only ever comes from such a file.

use super::detect::Format;
use super::text::utf8_or_latin1;
use super::{CodeRecord, ImportMeta, ParseError, Record, Sink};
use crate::codes::{CodeSystem, normalize};

const CODE: &[&str] = &[
    "code",
    "cptcode",
    "cpt",
    "hcpcs",
    "hcpcscode",
    "procedurecode",
];
const MODIFIER: &[&str] = &["modifier", "mod", "modifiercode"];
const SHORT: &[&str] = &["shortdescription", "shortdescriptor", "short", "shortdesc"];
const LONG: &[&str] = &[
    "longdescription",
    "longdescriptor",
    "descriptor",
    "description",
    "fulldescriptor",
    "long",
    "longdesc",
];
const PLAIN: &[&str] = &[
    "plaindescription",
    "consumerdescriptor",
    "consumerfriendlydescriptor",
    "plain",
    "laydescription",
];

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn split(line: &str) -> Vec<String> {
    let sep = if line.contains('\t') { '\t' } else { ',' };
    line.split(sep).map(|c| norm(c.trim_matches('"'))).collect()
}

/// The CPT format a header line names, if it is one.
pub fn detect_header(line: &str) -> Option<Format> {
    let cols = split(line.trim_start_matches('\u{feff}'));
    let any = |names: &[&str]| cols.iter().any(|c| names.contains(&c.as_str()));
    let described = any(SHORT) || any(LONG) || any(PLAIN);
    if any(MODIFIER) && described {
        Some(Format::CptModifiersCsv)
    } else if any(CODE) && described {
        Some(Format::CptCsv)
    } else {
        None
    }
}

/// Parses the file into CPT codes (or CPT modifiers), valid for the release year.
pub fn parse(meta: &ImportMeta, bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let text = utf8_or_latin1(bytes);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ParseError::at(1, format!("unreadable header row: {e}")))?
        .iter()
        .map(norm)
        .collect();
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (system, code_col) = match meta.format {
        Format::CptModifiersCsv => (CodeSystem::Modifier, find(MODIFIER)),
        _ => (CodeSystem::Cpt, find(CODE)),
    };
    let code_col =
        code_col.ok_or_else(|| ParseError::at(1, "expected a code column in the header row"))?;
    let (short, long, plain) = (find(SHORT), find(LONG), find(PLAIN));
    for result in reader.records() {
        let rec = result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            ParseError::at(line, format!("malformed CSV: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let cell = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let Some(raw) = cell(Some(code_col)) else {
            continue;
        };
        let code = normalize(system, &raw).ok_or_else(|| {
            ParseError::at(
                line,
                format!("expected a {} code, found {raw:?}", system.label()),
            )
        })?;
        let (s, l, p) = (cell(short), cell(long), cell(plain));
        let Some(long_desc) = l.clone().or_else(|| s.clone()).or_else(|| p.clone()) else {
            return Err(ParseError::at(line, format!("{code} has no description")));
        };
        sink(Record::Code(CodeRecord {
            system,
            code,
            billable: true,
            short_desc: s,
            long_desc,
            plain_desc: p,
            valid_from: meta.effective_from,
            valid_to: None,
            added: None,
            action: None,
        }))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::import::{Overrides, detect};

    #[test]
    fn reads_codes_and_modifiers_with_any_header_spelling() {
        let text = "Code\tShort Descriptor\tLong Descriptor\tConsumer Friendly Descriptor\n99213\tshort\tlong text\tplain text\n";
        let meta = detect::meta("cpt_2026.txt", text.as_bytes(), &Overrides::default()).unwrap();
        assert_eq!(meta.format, Format::CptCsv);
        let out = crate::codes::import::parse_named("cpt_2026.txt", text.as_bytes()).unwrap();
        let Record::Code(c) = &out[0] else { panic!() };
        assert_eq!(
            (
                c.code.as_str(),
                c.long_desc.as_str(),
                c.plain_desc.as_deref()
            ),
            ("99213", "long text", Some("plain text"))
        );
        let mods = "modifier,short_description,long_description\n25,a,b\n";
        assert_eq!(
            detect_header(mods.lines().next().unwrap()),
            Some(Format::CptModifiersCsv)
        );
    }

    #[test]
    fn a_non_cpt_code_names_its_line() {
        let text = "code,short_description,long_description\n99213,a,b\nJ1030,c,d\n";
        let meta = detect::meta("cpt_2026.csv", text.as_bytes(), &Overrides::default()).unwrap();
        let err = parse(&meta, text.as_bytes(), &mut |_| Ok(())).unwrap_err();
        assert_eq!(err.line, 3);
    }
}
