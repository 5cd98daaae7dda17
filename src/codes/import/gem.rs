//! The ICD-9-CM/ICD-10-CM general equivalence mappings (GEMs): source, target and five flag
//! digits per line, whitespace-separated, codes without dots.

use super::text::{latin1, numbered_lines};
use super::{ParseError, Record, Sink};
use crate::codes::{CodeSystem, normalize};

/// Whether a line has the GEM shape: `A000    0010  00000`.
pub fn looks_like_gem_line(line: &str) -> bool {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let code = |s: &str| (3..=7).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    parts.len() == 3
        && code(parts[0])
        && (code(parts[1]) || parts[1] == "NoDx")
        && parts[2].len() == 5
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

/// Parses a GEM file; the direction is told by the first line (ICD-9 codes sort first and start
/// with a digit in the ICD-9 to ICD-10 file).
pub fn parse(bytes: &[u8], sink: &mut Sink<'_>, progress: &dyn Fn(u64)) -> Result<(), ParseError> {
    let mut forward: Option<bool> = None;
    for (n, raw, pos) in numbered_lines(bytes) {
        let line = latin1(raw);
        if line.trim().is_empty() {
            continue;
        }
        if !looks_like_gem_line(&line) {
            return Err(ParseError::at(
                n,
                format!(
                    "expected a GEM line (source, target, five flag digits), found {:?}",
                    line.trim()
                ),
            ));
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let icd9_first =
            *forward.get_or_insert_with(|| parts[0].starts_with(|c: char| c.is_ascii_digit()));
        let (source_system, target_system, direction) = if icd9_first {
            (CodeSystem::Icd9Cm, CodeSystem::Icd10Cm, "icd9-to-icd10")
        } else {
            (CodeSystem::Icd10Cm, CodeSystem::Icd9Cm, "icd10-to-icd9")
        };
        let convert = |system: CodeSystem, raw: &str| {
            if raw == "NoDx" {
                return Ok(raw.to_string());
            }
            normalize(system, raw).ok_or_else(|| {
                ParseError::at(
                    n,
                    format!("expected an {} code, found {raw:?}", system.label()),
                )
            })
        };
        sink(Record::Gem {
            direction,
            source: convert(source_system, parts[0])?,
            target: convert(target_system, parts[1])?,
            flags: parts[2].to_string(),
        })?;
        if n % 8192 == 0 {
            progress(pos);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_direction_from_the_first_line() {
        let named = crate::codes::import::parse_named;
        let out = named("2018_I9gem.txt", b"7244  M5416   10000\r\n").unwrap();
        assert_eq!(
            out[0],
            Record::Gem {
                direction: "icd9-to-icd10",
                source: "724.4".into(),
                target: "M54.16".into(),
                flags: "10000".into()
            }
        );
        let out = named("2018_I10gem.txt", b"M5416   7244  10000\r\n").unwrap();
        let Record::Gem { direction, .. } = &out[0] else {
            panic!()
        };
        assert_eq!(*direction, "icd10-to-icd9");
    }
}
