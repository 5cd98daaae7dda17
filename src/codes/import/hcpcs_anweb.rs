//! The HCPCS Level II ANWEB fixed-width file: 320-character Latin-1 records after the disclaimer
//! lines, record id 3/7 starting a procedure/modifier and 4/8 continuing its long description.

use super::text::{field, latin1, numbered_lines};
use super::{CodeRecord, ImportMeta, ParseError, Record, Sink};
use crate::codes::{CodeSystem, normalize};
use crate::date::Date;

/// One code or modifier with its continuation records merged.
pub(super) struct HcpcsRow {
    pub line: usize,
    pub modifier: bool,
    pub code: String,
    pub long: String,
    pub short: String,
    pub added: Option<Date>,
    pub action_effective: Option<Date>,
    pub terminated: Option<Date>,
    pub action: String,
}

impl HcpcsRow {
    /// The record as a code version: valid from its add date (the release date when it has
    /// none) through its termination date.
    pub fn into_record(self, meta: &ImportMeta) -> Result<Record, ParseError> {
        let system = if self.modifier {
            CodeSystem::Modifier
        } else {
            CodeSystem::Hcpcs
        };
        let code = normalize(system, &self.code).ok_or_else(|| {
            ParseError::at(
                self.line,
                format!("expected a {} code, found {:?}", system.label(), self.code),
            )
        })?;
        if self.long.is_empty() && self.short.is_empty() {
            return Err(ParseError::at(
                self.line,
                format!("{code} has no description"),
            ));
        }
        Ok(Record::Code(CodeRecord {
            system,
            code,
            billable: true,
            short_desc: (!self.short.is_empty()).then(|| self.short.clone()),
            long_desc: if self.long.is_empty() {
                self.short
            } else {
                self.long
            },
            plain_desc: None,
            valid_from: self.added.unwrap_or(meta.effective_from),
            valid_to: self.terminated,
            added: self.added,
            action: (!self.action.is_empty()).then_some(self.action),
        }))
    }
}

fn is_record(rec: &[char]) -> bool {
    rec.len() >= 12
        && matches!(rec[10], '3' | '4' | '7' | '8')
        && rec[5..10].iter().all(char::is_ascii_digit)
}

/// Every code and modifier row of the file, continuations merged.
fn rows(bytes: &[u8], progress: &dyn Fn(u64)) -> Result<Vec<HcpcsRow>, ParseError> {
    let mut out: Vec<HcpcsRow> = Vec::new();
    let mut started = false;
    for (n, raw, pos) in numbered_lines(bytes) {
        let line = latin1(raw);
        let rec: Vec<char> = line.chars().collect();
        if !is_record(&rec) {
            if !started || line.trim().is_empty() {
                continue;
            }
            return Err(ParseError::at(
                n,
                format!(
                    "expected a HCPCS record (code in 1-5, sequence number in 6-10, record id 3, 4, 7 or 8 in 11), found {:?}",
                    line.chars().take(40).collect::<String>()
                ),
            ));
        }
        started = true;
        let code = field(&rec, 1, 5);
        let text = field(&rec, 12, 91);
        match rec[10] {
            '3' | '7' => out.push(HcpcsRow {
                line: n,
                modifier: rec[10] == '7',
                code,
                long: text,
                short: field(&rec, 92, 119),
                added: Date::parse_compact(&field(&rec, 269, 276)),
                action_effective: Date::parse_compact(&field(&rec, 277, 284)),
                terminated: Date::parse_compact(&field(&rec, 285, 292)),
                action: field(&rec, 293, 293),
            }),
            _ => match out.last_mut() {
                Some(prev) if prev.code == code => {
                    if !text.is_empty() {
                        if !prev.long.is_empty() {
                            prev.long.push(' ');
                        }
                        prev.long.push_str(&text);
                    }
                }
                _ => {
                    return Err(ParseError::at(
                        n,
                        format!(
                            "continuation record for {code} does not follow a first record of {code}"
                        ),
                    ));
                }
            },
        }
        if n % 2048 == 0 {
            progress(pos);
        }
    }
    if out.is_empty() {
        return Err(ParseError::at(1, "no HCPCS records found"));
    }
    Ok(out)
}

/// Parses the file into HCPCS codes and Level II modifiers.
pub fn parse(
    meta: &ImportMeta,
    bytes: &[u8],
    sink: &mut Sink<'_>,
    progress: &dyn Fn(u64),
) -> Result<(), ParseError> {
    for row in rows(bytes, progress)? {
        sink(row.into_record(meta)?)?;
    }
    Ok(())
}

/// The latest action effective date in the file: the release it describes. Lines that are not
/// records are passed over here; the parser reports them with their line numbers.
pub fn latest_action_date(bytes: &[u8]) -> Option<Date> {
    numbered_lines(bytes)
        .filter_map(|(_, raw, _)| {
            let rec: Vec<char> = latin1(raw).chars().collect();
            (is_record(&rec) && matches!(rec[10], '3' | '7'))
                .then(|| {
                    Date::parse_compact(&field(&rec, 277, 284))
                        .or(Date::parse_compact(&field(&rec, 269, 276)))
                })
                .flatten()
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::import::{Overrides, detect};

    /// A record in the official layout.
    pub(crate) fn record(
        code: &str,
        id: char,
        long: &str,
        short: &str,
        dates: [&str; 3],
        action: &str,
    ) -> String {
        let mut r = vec![' '; 320];
        let mut put = |from: usize, text: &str| {
            for (i, c) in text.chars().enumerate() {
                r[from - 1 + i] = c;
            }
        };
        put(1, &format!("{code:>5}"));
        put(6, "00100");
        put(11, &id.to_string());
        put(12, long);
        put(92, short);
        put(269, dates[0]);
        put(277, dates[1]);
        put(285, dates[2]);
        put(293, action);
        r.into_iter().collect::<String>() + "\r\n"
    }

    #[test]
    fn merges_continuations_and_reads_termination() {
        let text = [
            "***Disclaimers\t\t\r\n\r\n".to_string(),
            record(
                "G0283",
                '3',
                "Electrical stimulation (unattended), to one or more areas for indication(s)",
                "Elec stim other than wound",
                ["20030101", "20030101", ""],
                "N",
            ),
            record(
                "G0283",
                '4',
                "other than wound care, as part of a therapy plan of care",
                "",
                ["", "", ""],
                "",
            ),
            record(
                "J1030",
                '3',
                "Injection, methylprednisolone acetate, 40 mg",
                "Methylprednisolone 40 mg inj",
                ["19820101", "20240401", "20240331"],
                "D",
            ),
            record(
                "XU",
                '7',
                "Unusual non-overlapping service",
                "Unusual non-overlap serv",
                ["20150101", "20150101", ""],
                "N",
            ),
        ]
        .concat();
        let bytes = text.as_bytes();
        let meta = detect::meta("anweb.txt", bytes, &Overrides::default()).unwrap();
        assert_eq!(meta.version, "2024-04");
        let out = crate::codes::import::parse_named("anweb.txt", bytes).unwrap();
        let Record::Code(g) = &out[0] else { panic!() };
        assert_eq!(
            g.long_desc,
            "Electrical stimulation (unattended), to one or more areas for indication(s) other than wound care, as part of a therapy plan of care"
        );
        let Record::Code(j) = &out[1] else { panic!() };
        assert_eq!(j.valid_to.unwrap().to_string(), "2024-03-31");
        assert_eq!(j.action.as_deref(), Some("D"));
        let Record::Code(m) = &out[2] else { panic!() };
        assert_eq!((m.system, m.code.as_str()), (CodeSystem::Modifier, "XU"));
    }

    #[test]
    fn an_orphan_continuation_is_an_error_with_its_line() {
        let text = [
            record("J1030", '3', "Injection", "Inj", ["19820101", "", ""], "N"),
            record("G0283", '4', "other than wound care", "", ["", "", ""], ""),
        ]
        .concat();
        let meta = ImportMeta {
            format: super::super::Format::HcpcsAnweb,
            code_set: "HCPCS",
            version: "x".into(),
            effective_from: "2025-01-01".parse().unwrap(),
            setting: None,
        };
        let err = parse(&meta, text.as_bytes(), &mut |_| Ok(()), &|_| {}).unwrap_err();
        assert_eq!(err.line, 2);
    }
}
