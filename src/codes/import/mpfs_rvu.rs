//! Medicare Physician Fee Schedule relative value file (PPRRVU), the CSV CMS ships: a title, the
//! AMA/ADA notices and the release date, then a column header whose names are stacked over
//! several lines (the last line starts `HCPCS,MOD,`), then one row per code and modifier. The
//! columns are found by name, so a later year's extra columns (CMS adds them at the end) are
//! read past. The DESCRIPTION column (CPT short descriptors, AMA copyright) is never read.

use super::text::latin1;
use super::{ImportMeta, ParseError, Record, Sink};
use crate::codes::CodeSystem;
use crate::codes::fee::FeeRow;
use crate::codes::system::normalize;
use crate::date::Date;

/// Whether the first lines are those of a PPRRVU file.
pub fn looks_like(head: &str) -> bool {
    let upper = head.to_ascii_uppercase();
    upper.contains("PHYSICIAN FEE SCHEDULE RELATIVE VALUE FILE")
        || upper
            .lines()
            .any(|l| l.starts_with("HCPCS,MOD,") && l.contains("DAYS"))
}

/// The release a file's title names: "2023 National Physician Fee Schedule Relative Value File
/// January Release" is CY2023 from 2023-01-01; an April, July or October release starts then.
pub fn release_in_title(bytes: &[u8]) -> Option<(String, Date)> {
    let head = latin1(&bytes[..bytes.len().min(4096)]).to_ascii_uppercase();
    let line = head
        .lines()
        .find(|l| l.contains("PHYSICIAN FEE SCHEDULE RELATIVE VALUE FILE"))?;
    let year = line
        .split(|c: char| !c.is_ascii_digit())
        .find(|t| t.len() == 4 && t.starts_with("20"))?
        .parse::<i32>()
        .ok()?;
    let after = &line[line.find("VALUE FILE").map_or(0, |i| i + 10)..];
    let month = month_of(after).unwrap_or(1);
    Some((version(year, month), Date::from_ymd(year, month, 1)?))
}

/// The release a CMS file name gives: `PPRRVU23_JAN` is CY2023 from January 1.
pub fn release_in_name(name: &str) -> Option<(String, Date)> {
    let upper = name.to_ascii_uppercase();
    let rest = &upper[upper.find("PPRRVU")? + 6..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let year = match digits.len() {
        2 => 2000 + digits.parse::<i32>().ok()?,
        4 => digits.parse::<i32>().ok()?,
        _ => return None,
    };
    let month = month_of(&rest[digits.len()..]).unwrap_or(1);
    Some((version(year, month), Date::from_ymd(year, month, 1)?))
}

fn month_of(text: &str) -> Option<u32> {
    [
        ("JAN", 1),
        ("APR", 4),
        ("JUL", 7),
        ("OCT", 10),
        ("MAR", 3),
        ("JUN", 6),
        ("SEP", 9),
        ("NOV", 11),
        ("DEC", 12),
        ("FEB", 2),
        ("MAY", 5),
        ("AUG", 8),
    ]
    .into_iter()
    .find(|(m, _)| text.contains(m))
    .map(|(_, n)| n)
}

/// "CY2023" for the January release, "CY2023 April" for a later one.
fn version(year: i32, month: u32) -> String {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    if month == 1 {
        format!("CY{year}")
    } else {
        format!("CY{year} {}", NAMES[month as usize - 1])
    }
}

/// Where each column the importer reads sits in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    code: usize,
    modifier: usize,
    status: usize,
    not_used: Option<usize>,
    work: usize,
    nf_pe: usize,
    nf_na: usize,
    f_pe: usize,
    f_na: usize,
    mp: usize,
    nf_total: usize,
    f_total: usize,
    pctc: usize,
    global: usize,
    pre_op: usize,
    intra_op: usize,
    post_op: usize,
    mult: usize,
    bilat: usize,
    asst: usize,
    co: usize,
    team: usize,
    endo: usize,
    cf: usize,
    supervision: Option<usize>,
}

/// A column name as the stacked header spells it, in one form: upper case, single spaces, no
/// space after a hyphen ("CO- SURG" is "CO-SURG").
fn normal_name(words: &[&str]) -> String {
    words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
        .replace("- ", "-")
}

impl Layout {
    /// The layout from the stacked header rows (top line first; the last one starts `HCPCS`).
    fn from_header(header: &[Vec<String>], line: usize) -> Result<Layout, ParseError> {
        let width = header.iter().map(Vec::len).max().unwrap_or(0);
        let names: Vec<String> = (0..width)
            .map(|i| {
                let words: Vec<&str> = header
                    .iter()
                    .filter_map(|row| row.get(i).map(String::as_str))
                    .collect();
                normal_name(&words)
            })
            .collect();
        let mut missing = Vec::new();
        let mut find = |wanted: &str| -> usize {
            names.iter().position(|n| n == wanted).unwrap_or_else(|| {
                missing.push(wanted.to_string());
                0
            })
        };
        let layout = Layout {
            code: find("HCPCS"),
            modifier: find("MOD"),
            status: find("STATUS CODE"),
            not_used: None,
            work: find("WORK RVU"),
            nf_pe: find("NON-FAC PE RVU"),
            nf_na: find("NON-FAC NA INDICATOR"),
            f_pe: find("FACILITY PE RVU"),
            f_na: find("FACILITY NA INDICATOR"),
            mp: find("MP RVU"),
            nf_total: find("NON-FACILITY TOTAL"),
            f_total: find("FACILITY TOTAL"),
            pctc: find("PCTC IND"),
            global: find("GLOB DAYS"),
            pre_op: find("PRE OP"),
            intra_op: find("INTRA OP"),
            post_op: find("POST OP"),
            mult: find("MULT PROC"),
            bilat: find("BILAT SURG"),
            asst: find("ASST SURG"),
            co: find("CO-SURG"),
            team: find("TEAM SURG"),
            endo: find("ENDO BASE"),
            cf: find("CONV FACTOR"),
            supervision: None,
        };
        if !missing.is_empty() {
            return Err(ParseError::at(
                line,
                format!(
                    "the PPRRVU column header lacks {}; expected the CMS relative value file layout \
                     (HCPCS, MOD, STATUS CODE, WORK RVU, ... CONV FACTOR)",
                    missing.join(", ")
                ),
            ));
        }
        Ok(Layout {
            not_used: names
                .iter()
                .position(|n| n.starts_with("NOT USED FOR MEDICARE")),
            supervision: names
                .iter()
                .position(|n| n.starts_with("PHYSICIAN SUPERVISION")),
            ..layout
        })
    }
}

/// Parses the CSV into one [`Record::Fee`] per code and modifier.
pub fn parse(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    let text = latin1(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let release = meta.release_label();
    // Rows above the `HCPCS,MOD,` row, kept until it is found: the stacked column names.
    let mut above: Vec<Vec<String>> = Vec::new();
    let mut layout: Option<Layout> = None;
    let mut seen = 0usize;
    for result in reader.records() {
        let rec = result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            ParseError::at(line, format!("malformed CSV: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let Some(layout) = &layout else {
            let row: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
            if row.first().is_some_and(|c| c.eq_ignore_ascii_case("HCPCS")) {
                // The stacked names: the rows just above, up to the first that has nothing
                // beyond the description column (the title, notices and release date).
                let mut stack: Vec<Vec<String>> = above
                    .iter()
                    .rev()
                    .take_while(|r| r.iter().skip(3).any(|c| !c.is_empty()))
                    .cloned()
                    .collect();
                stack.reverse();
                stack.push(row);
                layout = Some(Layout::from_header(&stack, line)?);
            } else {
                above.push(row);
                if above.len() > 40 {
                    return Err(ParseError::at(
                        line,
                        "no column header row starting HCPCS,MOD in the first 40 rows: not a PPRRVU file as CMS ships it",
                    ));
                }
            }
            continue;
        };
        let cell = |i: usize| rec.get(i).map(str::trim).unwrap_or("");
        let raw_code = cell(layout.code);
        // The file ends with a row of empty cells and, in some copies, an end-of-file mark (^Z).
        if raw_code.is_empty() || raw_code == "\u{1a}" {
            continue;
        }
        let code = normalize(CodeSystem::Cpt, raw_code)
            .or_else(|| normalize(CodeSystem::Hcpcs, raw_code))
            .ok_or_else(|| {
                ParseError::at(
                    line,
                    format!("expected a CPT or HCPCS code in the HCPCS column, found {raw_code:?}"),
                )
            })?;
        let modifier = cell(layout.modifier).to_ascii_uppercase();
        if !(modifier.is_empty() || modifier.len() == 2) {
            return Err(ParseError::at(
                line,
                format!(
                    "expected a blank or two-character modifier for {code}, found {modifier:?}"
                ),
            ));
        }
        let number = |i: usize, what: &str| -> Result<String, ParseError> {
            let v = cell(i);
            if v.is_empty() {
                return Ok("0.00".into());
            }
            if crate::codes::fee::scaled(v, 4).is_none() {
                return Err(ParseError::at(
                    line,
                    format!("expected a number for {what} of {code}, found {v:?}"),
                ));
            }
            Ok(v.to_string())
        };
        let status = cell(layout.status).to_ascii_uppercase();
        if status.len() != 1 {
            return Err(ParseError::at(
                line,
                format!("expected a one-letter status code for {code}, found {status:?}"),
            ));
        }
        let endo = cell(layout.endo).to_ascii_uppercase();
        let mut row = FeeRow {
            modifier,
            valid_from: meta.effective_from,
            release: release.clone(),
            status,
            not_used_for_medicare: layout.not_used.is_some_and(|i| !cell(i).is_empty()),
            work_rvu: number(layout.work, "WORK RVU")?,
            nf_pe_rvu: number(layout.nf_pe, "NON-FAC PE RVU")?,
            nf_na: cell(layout.nf_na).eq_ignore_ascii_case("NA"),
            f_pe_rvu: number(layout.f_pe, "FACILITY PE RVU")?,
            f_na: cell(layout.f_na).eq_ignore_ascii_case("NA"),
            mp_rvu: number(layout.mp, "MP RVU")?,
            nf_total: number(layout.nf_total, "NON-FACILITY TOTAL")?,
            f_total: number(layout.f_total, "FACILITY TOTAL")?,
            pctc: cell(layout.pctc).to_string(),
            global: cell(layout.global).to_ascii_uppercase(),
            pre_op: number(layout.pre_op, "PRE OP")?,
            intra_op: number(layout.intra_op, "INTRA OP")?,
            post_op: number(layout.post_op, "POST OP")?,
            mult_proc: cell(layout.mult).to_string(),
            bilat: cell(layout.bilat).to_string(),
            asst: cell(layout.asst).to_string(),
            co_surg: cell(layout.co).to_string(),
            team: cell(layout.team).to_string(),
            endo_base: (!endo.is_empty()).then_some(endo),
            conv_factor: number(layout.cf, "CONV FACTOR")?,
            supervision: layout
                .supervision
                .map(|i| cell(i).to_ascii_uppercase())
                .unwrap_or_default(),
            nf_amount: None,
            f_amount: None,
        };
        row.compute_amounts();
        sink(Record::Fee {
            code,
            row: Box::new(row),
        })?;
        seen += 1;
        if seen % 2_000 == 0 {
            progress(rec.position().map_or(0, |p| p.byte()));
        }
    }
    if layout.is_none() {
        return Err(ParseError::at(
            1,
            "no column header row starting HCPCS,MOD found: not a PPRRVU file as CMS ships it",
        ));
    }
    if seen == 0 {
        return Err(ParseError::at(1, "no code rows after the column header"));
    }
    progress(bytes.len() as u64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::import::parse_named;

    /// The header of the CMS file (CY2023 layout), written here in the same shape.
    const HEAD: &str = ",,2023 National Physician Fee Schedule Relative Value File January Release,,,,,,,,,,,,,,,,,,,,,,,,,,,,
,,CPT codes and descriptions only are copyright 2022 American Medical Association.,,,,,,,,,,,,,,,,,,,,,,,,,,,,
,, ,,,,,,,,,,,,,,,,,,,,,,,,,,,,
,,RELEASED 01/30/2023,,,,,,,,,,,,,,,,,,,,,,,,,,,,
,, , ,,,,,,,,,,,,,,,,,,,,,,,,,NON-FACILITY,FACILITY,
,,,,NOT USED,,,,,,,,,,,,,,,,,,,,,PHYSICIAN,,DIAGNOSTIC,PE USED,PE USED,MP USED
,,,,FOR,,,NON-FAC,,FACILITY ,,,,,,,,,,,,,,,,SUPERVISION OF,,IMAGING,FOR OPPS,FOR OPPS,FOR OPPS
,,,STATUS,MEDICARE ,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,INTRA,POST,MULT,BILAT,ASST,CO-,TEAM,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,PAYMENT,PAYMENT
HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,IND,DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,AMOUNT,AMOUNT
";

    fn fees(csv: &str, name: &str) -> Vec<(String, FeeRow)> {
        parse_named(name, csv.as_bytes())
            .unwrap()
            .into_iter()
            .map(|r| match r {
                Record::Fee { code, row } => (code, *row),
                other => panic!("not a fee row: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn reads_the_cms_layout_without_the_description() {
        let csv = format!(
            "{HEAD}27447,,Knee words here,A,,19.60,14.82,NA,14.82,,3.93,38.35,38.35,0,090,0.10,0.69,0.21,2,1,2,1,0,,33.8872,09,0,99,0.00,0.00,0.00\n\
             76942,26,\"Guidance, words\",A,,0.67,0.19,,0.19,,0.04,0.90,0.90,1,XXX,0.00,0.00,0.00,0,0,0,0,0,,33.8872,09,0,99,0.00,0.00,0.00\n\
             ,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n\u{1a}\n"
        );
        let rows = fees(&csv, "anything.csv");
        assert_eq!(rows.len(), 2);
        let (code, knee) = &rows[0];
        assert_eq!(code, "27447");
        assert_eq!(knee.release, "CY2023 Medicare fee schedule");
        assert_eq!(knee.valid_from, "2023-01-01".parse().unwrap());
        assert_eq!(
            (
                knee.global.as_str(),
                knee.bilat.as_str(),
                knee.asst.as_str()
            ),
            ("090", "1", "2")
        );
        assert_eq!((knee.co_surg.as_str(), knee.team.as_str()), ("1", "0"));
        assert!(knee.nf_na && !knee.f_na);
        // 38.35 x 33.8872 = 1299.57412; no non-facility price (NA).
        assert_eq!(knee.f_amount.as_deref(), Some("1299.57"));
        assert_eq!(knee.nf_amount, None);
        assert_eq!(rows[1].1.modifier, "26");
        assert_eq!(rows[1].1.supervision, "09");
        let debug = format!("{rows:?}");
        assert!(!debug.contains("Knee words") && !debug.contains("Guidance"));
    }

    #[test]
    fn a_later_year_with_more_columns_at_the_end_reads_the_same() {
        // A newer layout: two more stacked columns after the OPPS amounts, and a title of 2026.
        let head = HEAD
            .replace("2023 National", "2026 National")
            .replace("January Release", "July Release")
            .lines()
            .enumerate()
            .map(|(i, l)| match i {
                6 => format!("{l},NEW,"),
                7 => format!("{l},PAYMENT,EXTRA"),
                8 => format!("{l},INDICATOR,COLUMN"),
                _ => format!("{l},,"),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let csv = format!(
            "{head}\n64483,,Words,A,,1.90,5.28,,1.19,,0.18,7.36,3.27,0,000,0.00,0.00,0.00,2,1,1,0,0,,33.4009,09,0,99,0.00,0.00,0.00,X,42\n"
        );
        let rows = fees(&csv, "renamed.csv");
        assert_eq!(rows.len(), 1);
        let r = &rows[0].1;
        assert_eq!(r.release, "CY2026 Medicare fee schedule (July release)");
        assert_eq!(r.valid_from, "2026-07-01".parse().unwrap());
        assert_eq!((r.bilat.as_str(), r.global.as_str()), ("1", "000"));
        assert_eq!(r.conv_factor, "33.4009");
        // 7.36 x 33.4009 = 245.830624; 3.27 x 33.4009 = 109.220943.
        assert_eq!(r.nf_amount.as_deref(), Some("245.83"));
        assert_eq!(r.f_amount.as_deref(), Some("109.22"));
    }

    #[test]
    fn the_release_comes_from_the_title_then_the_cms_name() {
        assert_eq!(
            release_in_title(HEAD.as_bytes()),
            Some(("CY2023".into(), "2023-01-01".parse().unwrap()))
        );
        assert_eq!(
            release_in_name("PPRRVU23_JAN.csv"),
            Some(("CY2023".into(), "2023-01-01".parse().unwrap()))
        );
        assert_eq!(
            release_in_name("PPRRVU24_APR.csv"),
            Some(("CY2024 April".into(), "2024-04-01".parse().unwrap()))
        );
        assert_eq!(release_in_name("rvu.csv"), None);
    }

    #[test]
    fn a_missing_column_is_named() {
        let csv = HEAD.replace("BILAT", "BILATX")
            + "27447,,x,A,,1,1,,1,,1,1,1,0,090,0,0,0,2,1,2,1,0,,33.8872,09,0,99,0,0,0\n";
        let err = crate::codes::import::meta("x.csv", csv.as_bytes(), &Default::default())
            .and_then(|meta| {
                parse(&meta, csv.as_bytes(), &mut |_| Ok(()), &|_| {}).map_err(Into::into)
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("BILAT SURG"), "{err}");
    }

    #[test]
    fn a_bad_number_names_its_line_and_code() {
        let csv = format!(
            "{HEAD}99213,,x,A,,1.30,lots,,0.55,,0.10,2.68,1.95,0,XXX,0.00,0.00,0.00,0,0,0,0,0,,33.8872,09,0,99,0.00,0.00,0.00\n"
        );
        let meta =
            crate::codes::import::meta("x.csv", csv.as_bytes(), &Default::default()).unwrap();
        let err = parse(&meta, csv.as_bytes(), &mut |_| Ok(()), &|_| {}).unwrap_err();
        assert_eq!(err.line, 10);
        assert!(err.message.contains("99213"), "{}", err.message);
    }
}
