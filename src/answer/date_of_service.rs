//! The date of service a question names ("DOS 03/15/2024", "date of service: 2024-03-15",
//! "service date March 15, 2024", "seen on 2026-02-03"), so facts are given as of that day.
//! Slash dates are read the US way (03/02/2026 is March 2). A birth date, a date of injury or
//! onset, a claim's paid or denied date and a quoted message's "On ..., X wrote:" are not taken.

use crate::date::Date;

/// Words that introduce a date of service, lower case.
const CUES: &[&str] = &[
    "date of service",
    "dates of service",
    "service date",
    "d.o.s.",
    "dos",
    // "seen 3/4/2026", "27447 done 5/2/2023", "given 3/2/2026": what was done that day.
    "seen",
    "done",
    "given",
    "performed",
    "administered",
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The first date that follows a date-of-service cue within a few words.
pub fn date_of_service(text: &str) -> Option<Date> {
    let lower = text.to_ascii_lowercase();
    for cue in CUES {
        let mut from = 0;
        while let Some(at) = lower[from..].find(cue) {
            let start = from + at;
            let end = start + cue.len();
            from = end;
            // A cue must be a word of its own ("DOS", not "doses"; "done", not "undone").
            let before_ok = lower[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            let after_ok = lower[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            if !(before_ok && after_ok) {
                continue;
            }
            let window: String = lower[end..].chars().take(40).collect();
            if let Some(d) = first_date(&window) {
                return Some(d);
            }
        }
    }
    on_date(&lower)
}

/// Words that, just before "on DATE" (or inside a cue's window), say the date is not the
/// date of service.
const NOT_SERVICE: &[&str] = &[
    "born",
    "birth",
    "dob",
    "d.o.b.",
    "injury",
    "injured",
    "accident",
    "fell",
    "onset",
    "began",
    "started",
    "paid",
    "denied",
    "received",
    "submitted",
    "sent",
    "filed",
    "emailed",
    "wrote",
];

fn is_not_service(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.');
    NOT_SERVICE
        .iter()
        .any(|n| w == *n || w.trim_end_matches('.') == *n)
}

/// "billed 99213 on 2026-02-03": a date written right after the word "on", unless the words
/// before it say it is a birth, injury, onset or claim date, or the line is a quoted message's
/// attribution ("On 2026-01-12, Sam wrote:").
fn on_date(lower: &str) -> Option<Date> {
    for line in lower.lines() {
        if line.contains("wrote") {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if *w != "on" {
                continue;
            }
            // The three words before, back to a number or the end of a clause ("DOB
            // 01/02/1950 seen on ..." is about the visit).
            let clause = words[i.saturating_sub(3)..i]
                .iter()
                .rev()
                .take_while(|b| !b.contains(|c: char| c.is_ascii_digit()))
                .any(|b| is_not_service(b));
            if clause {
                continue;
            }
            let rest = words[i + 1..].join(" ");
            let Some(first) = rest.split_whitespace().next() else {
                continue;
            };
            // The date must come right after "on" ("on Monday" is no date).
            let first = first.trim_end_matches(['.', '?', '!', ',', ':', ';', ')']);
            if numeric_date(first).is_none() && month(first).is_none() {
                continue;
            }
            let window: String = rest.chars().take(40).collect();
            if let Some(d) = first_date(&window) {
                return Some(d);
            }
        }
    }
    None
}

/// The first date in a short text: MM/DD/YYYY, M/D/YY, YYYY-MM-DD, MM-DD-YYYY, "march 15, 2024",
/// "15 march 2024".
fn first_date(window: &str) -> Option<Date> {
    let words: Vec<&str> = window
        .split(|c: char| {
            c.is_whitespace() || c == ',' || c == ':' || c == ';' || c == '(' || c == ')'
        })
        .filter(|w| !w.is_empty())
        .take(5)
        .collect();
    for (i, w) in words.iter().enumerate() {
        // "DOS unknown, DOB 01/02/1950": the date after a birth cue is not the date of service.
        if is_not_service(w) {
            return None;
        }
        // A question often ends on its date: "still valid DOS 03/02/2026?".
        let w = w.trim_end_matches(['.', '?', '!']);
        if let Some(d) = numeric_date(w) {
            return Some(d);
        }
        if let Some(m) = month(w) {
            let day = words.get(i + 1).and_then(|d| {
                d.trim_end_matches(|c: char| !c.is_ascii_digit())
                    .parse()
                    .ok()
            });
            let year = words
                .get(i + 2)
                .and_then(|y| y.trim_end_matches('.').parse().ok());
            if let (Some(d), Some(y)) = (day, year) {
                return Date::from_ymd(y, m, d);
            }
        }
        if let (Ok(d), Some(m)) = (w.parse::<u32>(), words.get(i + 1).and_then(|m| month(m))) {
            if let Some(y) = words
                .get(i + 2)
                .and_then(|y| y.trim_end_matches('.').parse().ok())
            {
                return Date::from_ymd(y, m, d);
            }
        }
    }
    None
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
        .map(|i| i as u32 + 1)
}

fn numeric_date(w: &str) -> Option<Date> {
    let sep = if w.contains('/') {
        '/'
    } else if w.contains('-') {
        '-'
    } else {
        return Date::parse_compact(w);
    };
    let parts: Vec<&str> = w.split(sep).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<i32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if parts[0].len() == 4 {
        return Date::from_ymd(n[0], n[1] as u32, n[2] as u32);
    }
    let year = match parts[2].len() {
        2 => 2000 + n[2],
        4 => n[2],
        _ => return None,
    };
    Date::from_ymd(year, n[0] as u32, n[1] as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ways_coders_write_it() {
        for (text, want) in [
            ("DOS 03/15/2024, can we bill 99213?", Some("2024-03-15")),
            ("Is J1030 still valid DOS 03/02/2026?", Some("2026-03-02")),
            ("Date of service: 2024-03-15", Some("2024-03-15")),
            ("dos 3/5/24 pt seen for LBP", Some("2024-03-05")),
            ("service date March 15, 2024", Some("2024-03-15")),
            ("D.O.S. 15 Mar 2024", Some("2024-03-15")),
            ("DOS was 20240315", Some("2024-03-15")),
            ("two doses 03/15/2024", None),
            ("born 03/15/1950, no service date given", None),
            ("DOS 13/45/2024", None),
            // Issue 4 follow-up: the forms coders write.
            ("We billed 99213 on 2026-02-03.", Some("2026-02-03")),
            ("on 2026-02-03", Some("2026-02-03")),
            ("seen on 02/03/2026 for follow-up", Some("2026-02-03")),
            ("injection given on Feb 3, 2026", Some("2026-02-03")),
            ("date of service of 03/02/2026", Some("2026-03-02")),
            ("DOS: 3/2/26", Some("2026-03-02")),
            ("service date 2026-02-03", Some("2026-02-03")),
            (
                "right hand only, seen 3/4/2026. We coded",
                Some("2026-03-04"),
            ),
            (
                "Total knee 27447 done 5/2/2023. What is",
                Some("2023-05-02"),
            ),
            (
                "Dexamethasone 10 mg IM given 3/2/2026: how",
                Some("2026-03-02"),
            ),
            ("infusion administered 2026-02-03", Some("2026-02-03")),
            ("Kenalog given to pt DOB 01/02/1950", None),
            ("an undone 3/2/2026 task", None),
            // Not a date of service: birth, injury, claim dates, a quote's attribution.
            ("DOB 01/02/1950, DOS 03/02/2026", Some("2026-03-02")),
            ("Pt DOB: 01/02/1950 seen on 2026-02-03", Some("2026-02-03")),
            ("DOS unknown, DOB 01/02/1950", None),
            ("patient born on 1950-01-02", None),
            ("injury on 2025-12-01, fell at home", None),
            ("claim was denied on 2026-03-01", None),
            ("On 2026-01-12, Sam Ode <sam@im.example> wrote:", None),
            ("On Mon, Jan 12, 2026 at 9:30 AM Sam wrote:", None),
            ("we talked on Monday about 99213", None),
        ] {
            assert_eq!(
                date_of_service(text).map(|d| d.to_string()).as_deref(),
                want,
                "{text}"
            );
        }
    }
}
