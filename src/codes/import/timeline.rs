//! A code's history as non-overlapping dated versions, and how a newly imported release changes
//! it. Newer releases (by their effective date) win over older ones wherever both speak, whatever
//! order files are imported in; files of the same release fill in each other's missing fields.

use crate::date::Date;

/// The last day of an open-ended version.
pub const OPEN: i32 = i32::MAX;

/// One stored version of a code (a `code_version` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// First day (days since 1970-01-01).
    pub from: i32,
    /// Last day, inclusive; [`OPEN`] while current.
    pub to: i32,
    /// Billable or header.
    pub billable: bool,
    /// Short description.
    pub short: Option<String>,
    /// Long description.
    pub long: String,
    /// Plain-language description.
    pub plain: Option<String>,
    /// The release label.
    pub release: String,
    /// The release's effective date, days: newer wins.
    pub prio: i32,
    /// When the code was added.
    pub added: Option<Date>,
    /// HCPCS action code.
    pub action: Option<String>,
    /// The import that wrote it.
    pub import_id: i64,
}

impl Version {
    fn same_content(&self, other: &Version) -> bool {
        self.billable == other.billable
            && self.long == other.long
            && self.short == other.short
            && self.plain == other.plain
    }

    fn overlaps(&self, from: i32, to: i32) -> bool {
        self.from <= to && from <= self.to
    }
}

/// Removes `[from, to]` from one version, leaving zero, one or two pieces.
fn cut(v: &Version, from: i32, to: i32) -> Vec<Version> {
    if !v.overlaps(from, to) {
        return vec![v.clone()];
    }
    let mut out = Vec::new();
    if v.from < from {
        out.push(Version {
            to: from - 1,
            ..v.clone()
        });
    }
    if to < v.to {
        out.push(Version {
            from: to + 1,
            ..v.clone()
        });
    }
    out
}

/// Puts `new` into the history. Versions of older releases are superseded over
/// `[new.from, clear_to]` (pass `new.to` for a release that speaks only for its own period, or
/// [`OPEN`] for a record that states the code's whole future, such as a HCPCS termination date).
/// Versions of newer releases are kept; a version of the same release gets missing fields filled.
pub fn assign(rows: &mut Vec<Version>, new: Version, clear_to: i32) {
    let clear_to = clear_to.max(new.to);
    for r in rows.iter_mut() {
        if r.prio == new.prio && r.overlaps(new.from, new.to) {
            if r.short.is_none() {
                r.short.clone_from(&new.short);
            }
            if r.plain.is_none() {
                r.plain.clone_from(&new.plain);
            }
            if r.added.is_none() {
                r.added = new.added;
            }
            if r.action.is_none() {
                r.action.clone_from(&new.action);
            }
        }
    }
    // The parts of the new interval not spoken for by the same or a newer release.
    let mut pieces = vec![(new.from, new.to)];
    for r in rows.iter().filter(|r| r.prio >= new.prio) {
        pieces = pieces
            .into_iter()
            .flat_map(|(a, b)| {
                let mut left = Vec::new();
                if !r.overlaps(a, b) {
                    left.push((a, b));
                } else {
                    if a < r.from {
                        left.push((a, r.from - 1));
                    }
                    if r.to < b {
                        left.push((r.to + 1, b));
                    }
                }
                left
            })
            .collect();
    }
    // A newer release has already said what follows its last day (a termination or the next
    // release): an older one does not get to reopen the code after it.
    pieces.retain(|(a, _)| {
        !rows
            .iter()
            .any(|r| r.prio > new.prio && r.to != OPEN && *a > r.to)
    });
    let mut next: Vec<Version> = rows
        .iter()
        .flat_map(|r| {
            if r.prio < new.prio {
                cut(r, new.from, clear_to)
            } else {
                vec![r.clone()]
            }
        })
        .collect();
    for (a, b) in pieces {
        next.push(Version {
            from: a,
            to: b,
            ..new.clone()
        });
    }
    *rows = coalesce(next);
}

/// Removes `[from, to]` from every version of a release no newer than `prio` (the code is
/// absent from a release that lists every code).
pub fn remove(rows: &mut Vec<Version>, from: i32, to: i32, prio: i32) {
    let next = rows
        .iter()
        .flat_map(|r| {
            if r.prio <= prio {
                cut(r, from, to)
            } else {
                vec![r.clone()]
            }
        })
        .collect();
    *rows = coalesce(next);
}

/// Sorts by start and joins adjacent versions with the same content.
fn coalesce(mut rows: Vec<Version>) -> Vec<Version> {
    rows.sort_by_key(|r| r.from);
    let mut out: Vec<Version> = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(last) = out.last_mut() {
            if last.to != OPEN && last.to + 1 == r.from && last.same_content(&r) {
                let newer = if r.prio >= last.prio { &r } else { &*last };
                let (release, prio, import_id, action) = (
                    newer.release.clone(),
                    newer.prio,
                    newer.import_id,
                    newer.action.clone(),
                );
                last.to = r.to;
                last.added = last.added.or(r.added);
                last.release = release;
                last.prio = prio;
                last.import_id = import_id;
                last.action = action;
                continue;
            }
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> i32 {
        s.parse::<Date>().unwrap().days()
    }

    fn v(from: &str, to: Option<&str>, long: &str, prio: &str) -> Version {
        Version {
            from: day(from),
            to: to.map_or(OPEN, day),
            billable: true,
            short: None,
            long: long.into(),
            plain: None,
            release: format!("r{prio}"),
            prio: day(prio),
            added: None,
            action: None,
            import_id: 1,
        }
    }

    fn spans(rows: &[Version]) -> Vec<(String, String, String)> {
        rows.iter()
            .map(|r| {
                let to = if r.to == OPEN {
                    "open".to_string()
                } else {
                    Date::from_days(r.to).to_string()
                };
                (Date::from_days(r.from).to_string(), to, r.long.clone())
            })
            .collect()
    }

    #[test]
    fn a_newer_year_with_a_new_title_closes_the_old_one() {
        let mut rows = vec![];
        assign(&mut rows, v("2024-10-01", None, "old", "2024-10-01"), OPEN);
        assign(&mut rows, v("2025-10-01", None, "new", "2025-10-01"), OPEN);
        assert_eq!(
            spans(&rows),
            vec![
                ("2024-10-01".into(), "2025-09-30".into(), "old".into()),
                ("2025-10-01".into(), "open".into(), "new".into())
            ]
        );
    }

    #[test]
    fn the_same_title_in_the_next_year_extends_one_version() {
        let mut rows = vec![];
        assign(
            &mut rows,
            v("2024-10-01", Some("2025-09-30"), "same", "2024-10-01"),
            day("2025-09-30"),
        );
        assign(&mut rows, v("2025-10-01", None, "same", "2025-10-01"), OPEN);
        assert_eq!(
            spans(&rows),
            vec![("2024-10-01".into(), "open".into(), "same".into())]
        );
    }

    #[test]
    fn an_older_release_imported_later_does_not_override_a_newer_one() {
        let mut rows = vec![];
        assign(
            &mut rows,
            v("1982-01-01", Some("2024-03-31"), "new text", "2025-10-01"),
            OPEN,
        );
        assign(
            &mut rows,
            v("1982-01-01", None, "old text", "2019-01-01"),
            OPEN,
        );
        assert_eq!(
            spans(&rows),
            vec![("1982-01-01".into(), "2024-03-31".into(), "new text".into())]
        );
    }

    #[test]
    fn a_termination_in_a_newer_release_ends_validity_stated_open_by_an_older_one() {
        let mut rows = vec![];
        assign(&mut rows, v("1982-01-01", None, "text", "2019-01-01"), OPEN);
        assign(
            &mut rows,
            v("1982-01-01", Some("2024-03-31"), "text", "2025-10-01"),
            OPEN,
        );
        assert_eq!(
            spans(&rows),
            vec![("1982-01-01".into(), "2024-03-31".into(), "text".into())]
        );
    }

    #[test]
    fn same_release_fills_missing_fields_without_duplicating() {
        let mut rows = vec![];
        assign(
            &mut rows,
            v("2025-10-01", None, "Sézary", "2025-10-01"),
            OPEN,
        );
        let mut order = v("2025-10-01", None, "Sezary", "2025-10-01");
        order.short = Some("short".into());
        assign(&mut rows, order, OPEN);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].short.as_deref(), Some("short"));
        assert_eq!(rows[0].long, "Sézary");
    }

    #[test]
    fn removal_deletes_a_code_from_a_release_on() {
        let mut rows = vec![];
        assign(&mut rows, v("2024-10-01", None, "x", "2024-10-01"), OPEN);
        remove(&mut rows, day("2025-10-01"), OPEN, day("2025-10-01"));
        assert_eq!(
            spans(&rows),
            vec![("2024-10-01".into(), "2025-09-30".into(), "x".into())]
        );
    }

    #[test]
    fn a_previous_year_record_from_addenda_sits_before_the_current_one() {
        let mut rows = vec![];
        let mut header = v("2025-10-01", None, "Other acariasis", "2025-10-01");
        header.billable = false;
        assign(&mut rows, header, OPEN);
        let deleted = v(
            "2024-10-01",
            Some("2025-09-30"),
            "Other acariasis",
            "2025-10-01",
        );
        assign(&mut rows, deleted.clone(), deleted.to);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].billable && !rows[1].billable);
    }
}
