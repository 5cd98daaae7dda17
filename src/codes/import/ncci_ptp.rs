//! NCCI procedure-to-procedure edits: tab-separated, six header lines, then column 1, column 2,
//! pre-1996 flag, effective date, deletion date (`*` for none), modifier indicator, rationale.

use super::text::{latin1, numbered_lines};
use super::{ParseError, Record, Sink};
use crate::codes::CodeSystem;
use crate::codes::system::normalize;
use crate::date::Date;

const HEADER_LINES: usize = 6;

fn procedure_code(raw: &str, line: usize, column: &str) -> Result<String, ParseError> {
    let raw = raw.trim();
    normalize(CodeSystem::Cpt, raw)
        .or_else(|| normalize(CodeSystem::Hcpcs, raw))
        .ok_or_else(|| {
            ParseError::at(
                line,
                format!("expected a CPT or HCPCS code in {column}, found {raw:?}"),
            )
        })
}

/// Parses one PTP file.
pub fn parse(bytes: &[u8], sink: &mut Sink<'_>, progress: &dyn Fn(u64)) -> Result<(), ParseError> {
    for (n, raw, pos) in numbered_lines(bytes) {
        if n <= HEADER_LINES || raw.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let line = latin1(raw);
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 7 {
            return Err(ParseError::at(
                n,
                format!(
                    "expected 7 tab-separated columns (column 1, column 2, pre-1996, effective, \
                     deletion, modifier, rationale), found {}",
                    cols.len()
                ),
            ));
        }
        let col1 = procedure_code(cols[0], n, "column 1")?;
        let col2 = procedure_code(cols[1], n, "column 2")?;
        let effective = Date::parse_compact(cols[3]).ok_or_else(|| {
            ParseError::at(
                n,
                format!("expected an effective date YYYYMMDD, found {:?}", cols[3]),
            )
        })?;
        let deletion = match cols[4].trim() {
            "*" | "" => None,
            d => Some(Date::parse_compact(d).ok_or_else(|| {
                ParseError::at(
                    n,
                    format!("expected a deletion date YYYYMMDD or *, found {d:?}"),
                )
            })?),
        };
        let modifier = match cols[5].trim() {
            "0" => 0,
            "1" => 1,
            "9" => 9,
            m => {
                return Err(ParseError::at(
                    n,
                    format!("expected a modifier indicator 0, 1 or 9, found {m:?}"),
                ));
            }
        };
        sink(Record::Ptp {
            col1,
            col2,
            pre_1996: cols[2].trim() == "*",
            effective,
            deletion,
            modifier,
            rationale: cols[6].trim().to_string(),
        })?;
        if n % 16_384 == 0 {
            progress(pos);
        }
    }
    Ok(())
}

/// The latest effective date of any edit: a stand-in for the quarter when the name has none.
pub fn latest_effective(bytes: &[u8]) -> Option<Date> {
    numbered_lines(bytes)
        .skip(HEADER_LINES)
        .filter_map(|(_, line, _)| {
            let line = std::str::from_utf8(line).ok()?;
            Date::parse_compact(line.split('\t').nth(3)?)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "CPT only copyright\t\t\t\t\t\t\nColumn1/Column2 Edits\t\t\t\t\t\t\nColumn 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\n\t\tprior to 1996\tDate\tDate\t0=not allowed\t\n\t\t\t\t*=no data\t1=allowed\t\n\t\t\t\t\t9=not applicable\t\n";

    #[test]
    fn reads_edits_after_the_six_header_lines() {
        let text = format!(
            "{HEAD}0001A\t0591T\t\t20220101\t20231231\t1\tCPT Manual or CMS manual coding instruction\n62322\t99213\t*\t19960101\t*\t1\tMisuse\n"
        );
        let out =
            crate::codes::import::parse_named("ccipra-v320r0-f1.txt", text.as_bytes()).unwrap();
        assert_eq!(out.len(), 2);
        let Record::Ptp {
            col1,
            deletion,
            pre_1996,
            ..
        } = &out[1]
        else {
            panic!()
        };
        assert_eq!((col1.as_str(), *deletion, *pre_1996), ("62322", None, true));
        assert_eq!(
            latest_effective(text.as_bytes()).unwrap().to_string(),
            "2022-01-01"
        );
    }

    #[test]
    fn a_bad_modifier_indicator_names_line_and_value() {
        let text = format!("{HEAD}62322\t99213\t\t20200101\t*\t7\tx\n");
        let err = parse(text.as_bytes(), &mut |_| Ok(()), &|_| {}).unwrap_err();
        assert_eq!(err.line, 7);
        assert!(err.message.contains("\"7\""), "{}", err.message);
    }
}
