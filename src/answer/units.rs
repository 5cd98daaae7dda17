//! Units of service a question gives for a procedure code ("J1010 x 80 units", "99213 x2",
//! "4 units of J3301", "J3301, billed 3 units") and how they compare with the code's MUE.

use super::MueFinding;
use crate::extract::CodeRef;
use serde::Serialize;

/// The units asked about for one code, judged against its MUE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitsFinding {
    /// Units of service the question gives.
    pub asked: u32,
    /// Whether they exceed the MUE value (None when the code has no MUE).
    pub exceeds: Option<bool>,
    /// The comparison in a coder's words.
    pub judgement: String,
}

/// More units than this is not a number of units (a date, a dollar amount).
const MAX_UNITS: u32 = 9_999;

/// How far (bytes) a "N units" may stand after its code and still be about it.
const NEAR: usize = 60;

/// The units the question gives for each procedure code among `refs`: (code, units), first
/// mention wins. Offsets in `refs` must be into `text` (refs that are not are skipped).
pub fn units_asked(text: &str, refs: &[CodeRef]) -> Vec<(String, u32)> {
    let lower = text.to_ascii_lowercase();
    let procs: Vec<&CodeRef> = refs
        .iter()
        .filter(|r| {
            r.system.is_procedure()
                && r.range_end.is_none()
                && text.get(r.start..r.end) == Some(r.text.as_str())
        })
        .collect();
    // Spans of every reference: "0001U, 0028U" is two codes, not 0001U x 28 units.
    let spans: Vec<(usize, usize)> = refs
        .iter()
        .filter(|r| text.get(r.start..r.end) == Some(r.text.as_str()))
        .map(|r| (r.start, r.end))
        .collect();
    let in_ref = |at: usize| spans.iter().any(|(s, e)| *s <= at && at < *e);
    let mut out: Vec<(String, u32)> = Vec::new();
    let mut add = |code: &str, n: u32| {
        if n > 0 && n <= MAX_UNITS && !out.iter().any(|(c, _)| c == code) {
            out.push((code.to_string(), n));
        }
    };
    // "J1010 x 80", "99213 x2", "99213-25 x 2", "J1010 (80 units)", "J1010 - 80 units".
    for r in &procs {
        let mut rest = &lower[r.end..];
        // Modifiers written on the code: "-25", " 25" are skipped with the code's own.
        for m in &r.modifiers {
            let t = rest.trim_start_matches([' ', '-']);
            if let Some(after) = t.strip_prefix(&m.to_ascii_lowercase()) {
                rest = after;
            }
        }
        let t = rest.trim_start_matches([' ', '\t', '(', ',', '-', ':']);
        let after_x = t
            .strip_prefix('x')
            .or_else(|| t.strip_prefix('×'))
            .or_else(|| t.strip_prefix('*'));
        if let Some(after) = after_x {
            if let Some((n, _)) = leading_number(after.trim_start()) {
                add(&r.code, n);
                continue;
            }
        }
        if let Some((n, after)) = leading_number(t) {
            if is_units_word(after) && !in_ref(lower.len() - t.len()) {
                add(&r.code, n);
            }
        }
    }
    // "4 units of J3301", "billed 3 units": a count followed by "unit(s)".
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit()
            || (i > 0 && bytes[i - 1].is_ascii_alphanumeric())
            || in_ref(i)
        {
            i += 1;
            continue;
        }
        let Some((n, after)) = leading_number(&lower[i..]) else {
            i += 1;
            continue;
        };
        let next = lower.len() - after.len();
        if !is_units_word(after) {
            i = next.max(i + 1);
            continue;
        }
        // "4 units of J3301", "4 units J3301": the code right after.
        let tail = after.trim_start();
        let tail = tail.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let tail = tail.trim_start();
        let tail = tail.strip_prefix("of ").unwrap_or(tail).trim_start();
        let tail_at = lower.len() - tail.len();
        if let Some(r) = procs.iter().find(|r| r.start == tail_at) {
            add(&r.code, n);
        } else if let Some(r) = procs
            .iter()
            .filter(|r| r.end <= i && i - r.end <= NEAR)
            .filter(|r| !lower[r.end..i].contains('\n'))
            .max_by_key(|r| r.end)
        {
            // "J3301, billed 3 units": the nearest code before it on the line.
            add(&r.code, n);
        }
        i = next.max(i + 1);
    }
    out
}

/// A number at the start of `s` and what follows it.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let rest = &s[digits..];
    // "3.5", "1,000", "03/02/2026", "2026-02-03": not a count of units.
    if rest.starts_with(['.', ',', '/', '-']) && rest[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) && !is_units_word(rest) {
        return None;
    }
    s[..digits].parse().ok().map(|n| (n, rest))
}

/// Whether `s` starts with "unit", "units", "u" (as a word), after optional spaces.
fn is_units_word(s: &str) -> bool {
    let t = s.trim_start();
    let word: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>();
    matches!(word.as_str(), "unit" | "units" | "u")
}

/// Judges `asked` units of `code` against its MUE, in words.
pub fn judge(code: &str, asked: u32, mue: Option<&MueFinding>) -> UnitsFinding {
    let units = |n: u32| format!("{n} unit{}", if n == 1 { "" } else { "s" });
    let Some(m) = mue else {
        return UnitsFinding {
            asked,
            exceeds: None,
            judgement: format!(
                "{}: no MUE for {code} in the loaded tables, so NCCI sets no unit cap for it (payer limits may still apply).",
                units(asked)
            ),
        };
    };
    let exceeds = asked > m.value;
    let judgement = match (exceeds, m.mai) {
        (true, 1) => format!(
            "{} exceed the MUE of {} per claim line (indicator 1, a line edit): a line reporting more than {} is denied. If more were medically necessary, report them on separate lines with an appropriate modifier (e.g. 76, 77, 91, anatomic) when the record supports it.",
            units(asked),
            m.value,
            units(m.value)
        ),
        (true, 2) => format!(
            "{} exceed the MUE of {} per day (indicator 2, a policy date-of-service edit): the units on all lines for {code} on the same date are added together, and when the total is above {} those lines are denied; an appeal on clinical grounds does not change a policy limit.",
            units(asked),
            m.value,
            units(m.value)
        ),
        (true, 3) => format!(
            "{} exceed the MUE of {} per day (indicator 3, a clinical date-of-service edit): the units on all lines for {code} on the same date are added together, and when the total is above {} those lines are denied; the denial may be appealed with documentation of medical necessity.",
            units(asked),
            m.value,
            units(m.value)
        ),
        (true, _) => format!("{} exceed the MUE of {}.", units(asked), units(m.value)),
        (false, 1) => format!(
            "{} {} within the MUE of {} per claim line (indicator 1, a line edit).",
            units(asked),
            if asked == 1 { "is" } else { "are" },
            m.value
        ),
        (false, 2 | 3) => format!(
            "{} {} within the MUE of {} per day (indicator {}, a date-of-service edit): the units on all lines for {code} on the same date count toward it.",
            units(asked),
            if asked == 1 { "is" } else { "are" },
            m.value,
            m.mai
        ),
        (false, _) => format!(
            "{} {} within the MUE of {}.",
            units(asked),
            if asked == 1 { "is" } else { "are" },
            units(m.value)
        ),
    };
    UnitsFinding {
        asked,
        exceeds: Some(exceeds),
        judgement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodeSystem;

    /// The procedure-code references of `text`, found by hand (codes are given).
    fn refs(text: &str, codes: &[(&str, &[&str])]) -> Vec<CodeRef> {
        codes
            .iter()
            .map(|(code, mods)| {
                let start = text.find(code).unwrap();
                CodeRef {
                    system: if code.starts_with(|c: char| c.is_ascii_digit()) {
                        CodeSystem::Cpt
                    } else {
                        CodeSystem::Hcpcs
                    },
                    code: code.to_string(),
                    range_end: None,
                    start,
                    end: start + code.len(),
                    text: code.to_string(),
                    modifiers: mods.iter().map(|m| m.to_string()).collect(),
                    origin: None,
                }
            })
            .collect()
    }

    #[test]
    fn reads_the_ways_coders_write_units() {
        for (text, codes, want) in [
            (
                "Can we bill J1010 x 80 units on DOS 03/02/2026?",
                &[("J1010", &[][..])][..],
                &[("J1010", 80)][..],
            ),
            ("99213 x2 same day?", &[("99213", &[])], &[("99213", 2)]),
            (
                "99213-25 x 2 and 20610",
                &[("99213", &["25"]), ("20610", &[])],
                &[("99213", 2)],
            ),
            (
                "We gave 4 units of J3301.",
                &[("J3301", &[])],
                &[("J3301", 4)],
            ),
            (
                "4 units J3301 and 1 unit 20610",
                &[("J3301", &[]), ("20610", &[])],
                &[("J3301", 4), ("20610", 1)],
            ),
            (
                "J3301 was given, billed 3 units. OK?",
                &[("J3301", &[])],
                &[("J3301", 3)],
            ),
            (
                "J1010 (80 units) with 20610",
                &[("J1010", &[]), ("20610", &[])],
                &[("J1010", 80)],
            ),
            ("J1010 80u", &[("J1010", &[])], &[("J1010", 80)]),
            // Codes that end in U are codes, not units.
            (
                "we did 0001U, 0028U and 99213-25",
                &[("0001U", &[]), ("0028U", &[]), ("99213", &["25"])],
                &[],
            ),
            ("0001U 0028U", &[("0001U", &[]), ("0028U", &[])], &[]),
            // Not units: dates, doses, counts of other things.
            ("J1010 on 03/02/2026, 2 visits", &[("J1010", &[])], &[]),
            ("J1010 40 mg", &[("J1010", &[])], &[]),
            (
                "99213\n\nThe clinic billed 3 units of something else later on another line",
                &[("99213", &[])],
                &[],
            ),
        ] {
            let r = refs(text, codes);
            let got = units_asked(text, &r);
            let want: Vec<(String, u32)> = want.iter().map(|(c, n)| (c.to_string(), *n)).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    fn mue(value: u32, mai: u8) -> MueFinding {
        MueFinding {
            value,
            mai,
            mai_text: format!("{mai}"),
            meaning: "",
            rationale: String::new(),
            setting: "practitioner".into(),
            table_from: "2026-04-01".parse().unwrap(),
        }
    }

    #[test]
    fn units_are_judged_against_the_mue_and_its_indicator() {
        let u = judge("J1010", 180, Some(&mue(160, 3)));
        assert_eq!(u.exceeds, Some(true));
        assert!(
            u.judgement
                .starts_with("180 units exceed the MUE of 160 per day (indicator 3"),
            "{}",
            u.judgement
        );
        assert!(
            u.judgement
                .contains("appealed with documentation of medical necessity")
        );
        let u = judge("99213", 2, Some(&mue(2, 3)));
        assert_eq!(u.exceeds, Some(false));
        assert!(
            u.judgement
                .starts_with("2 units are within the MUE of 2 per day")
        );
        let u = judge("0001U", 2, Some(&mue(1, 2)));
        assert_eq!(u.exceeds, Some(true));
        assert!(
            u.judgement
                .contains("appeal on clinical grounds does not change a policy limit")
        );
        let u = judge("20610", 3, Some(&mue(2, 1)));
        assert!(
            u.judgement.contains("per claim line (indicator 1"),
            "{}",
            u.judgement
        );
        assert!(u.judgement.contains("separate lines"));
        let u = judge("A1234", 3, None);
        assert_eq!(u.exceeds, None);
        assert!(u.judgement.contains("no MUE for A1234"));
    }
}
