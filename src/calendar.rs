//! The desk's working calendar (`[calendar]`): working days, opening hours in the desk's zone and
//! holidays; business time between two instants and the instant a promise of business time
//! falls due (`[policy] answer_within`). Pure: instants are Unix seconds given by the caller.

use crate::date::{Date, Zone};
use std::collections::BTreeSet;

/// Weekday names as `[calendar] days` takes them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// When the desk works.
#[derive(Clone, Debug)]
pub struct WorkingCalendar {
    zone: Zone,
    /// Working weekdays, Monday first.
    days: [bool; 7],
    /// Opening and closing, minutes after local midnight (`close` up to 1440).
    open: u32,
    close: u32,
    holidays: BTreeSet<Date>,
}

/// `08:00-17:00` as minutes after midnight; `None` unless well formed with open before close.
pub fn parse_hours(text: &str) -> Option<(u32, u32)> {
    let minute = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (open, close) = text.split_once('-')?;
    let (open, close) = (minute(open)?, minute(close)?);
    (open < close).then_some((open, close))
}

impl WorkingCalendar {
    /// A calendar of `days` (`mon` ... `sun`), `hours` (`08:00-17:00`) in `zone`, and
    /// `holidays`; the error says which value is wrong and what is expected.
    pub fn new(
        zone: Zone,
        days: &[String],
        hours: &str,
        holidays: &[Date],
    ) -> Result<WorkingCalendar, String> {
        let mut working = [false; 7];
        for day in days {
            let name = day.trim().to_ascii_lowercase();
            let Some(i) = WEEKDAYS.iter().position(|d| name.starts_with(d)) else {
                return Err(format!(
                    "days: {day:?} is not a weekday: write \"mon\", \"tue\", ... \"sun\""
                ));
            };
            working[i] = true;
        }
        if !working.contains(&true) {
            return Err("days is empty: name at least one working day, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]".into());
        }
        let (open, close) = parse_hours(hours).ok_or_else(|| {
            format!(
                "hours = {hours:?}: write the opening and closing time as HH:MM-HH:MM, e.g. \
                 \"08:00-17:00\" (opening before closing)"
            )
        })?;
        Ok(WorkingCalendar {
            zone,
            days: working,
            open,
            close,
            holidays: holidays.iter().copied().collect(),
        })
    }

    /// The working hours of `date` as Unix seconds, if it is a working day.
    fn window(&self, date: Date) -> Option<(i64, i64)> {
        if !self.days[date.weekday() as usize] || self.holidays.contains(&date) {
            return None;
        }
        Some((
            self.zone.at_local(date, self.open),
            self.zone.at_local(date, self.close),
        ))
    }

    /// Seconds of working time between `from` and `to` (0 when `to` is not after `from`).
    pub fn business_secs(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (first, last) = (self.zone.date_of(from), self.zone.date_of(to));
        (first.days()..=last.days())
            .filter_map(|d| self.window(Date::from_days(d)))
            .map(|(open, close)| (close.min(to) - open.max(from)).max(0))
            .sum()
    }

    /// The instant when `secs` of working time have passed since `from`; `i64::MAX` when the
    /// calendar has no working time in the ten years after `from`.
    pub fn due(&self, from: i64, secs: i64) -> i64 {
        let mut left = secs.max(0);
        let first = self.zone.date_of(from);
        for d in first.days()..first.days() + 3660 {
            let Some((open, close)) = self.window(Date::from_days(d)) else {
                continue;
            };
            let start = open.max(from);
            if start >= close {
                continue;
            }
            if left <= close - start {
                return start + left;
            }
            left -= close - start;
        }
        i64::MAX
    }
}

/// `[policy] answer_within` over the calendar: when a held case is due.
#[derive(Clone, Debug)]
pub struct Deadline {
    /// The working calendar in the desk's zone.
    pub calendar: WorkingCalendar,
    /// Business seconds a held case may wait.
    pub within: i64,
    /// `answer_within` as written (`4h`).
    pub label: String,
}

impl Deadline {
    /// When a case received at `received_at` is due.
    pub fn due(&self, received_at: i64) -> i64 {
        self.calendar.due(received_at, self.within)
    }

    /// `overdue: 5 h 20 min business time` when the case received at `received_at` is overdue
    /// at `now` (its business age), else `None`.
    pub fn overdue_label(&self, received_at: i64, now: i64) -> Option<String> {
        (now >= self.due(received_at)).then(|| {
            format!(
                "overdue: {} business time",
                business_age(self.calendar.business_secs(received_at, now))
            )
        })
    }
}

/// Business time as staff read it: `5 h 20 min` (hours, never days: a business day is not 24 h).
pub fn business_age(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    match (h, m) {
        (0, 0) => format!("{secs} s"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    fn chicago() -> WorkingCalendar {
        let zone = Zone::new(jiff::tz::TimeZone::get("America/Chicago").expect("the system tzdb"));
        let days: Vec<String> = WEEKDAYS[..5].iter().map(|d| d.to_string()).collect();
        let holidays = ["2026-11-26".parse().unwrap(), "2026-12-25".parse().unwrap()];
        WorkingCalendar::new(zone, &days, "08:00-17:00", &holidays).unwrap()
    }

    /// Unix second of a Chicago wall-clock time.
    fn at(cal: &WorkingCalendar, date: &str, hh: u32, mm: u32) -> i64 {
        cal.zone.at_local(date.parse().unwrap(), hh * 60 + mm)
    }

    #[test]
    fn weekdays_are_counted_from_monday() {
        let monday: Date = "2026-12-07".parse().unwrap();
        assert_eq!(monday.weekday(), 0);
        assert_eq!(monday.add_days(6).weekday(), 6);
        assert_eq!(Date::from_days(0).weekday(), 3, "1970-01-01 was a Thursday");
    }

    #[test]
    fn hours_parse_and_bad_ones_do_not() {
        assert_eq!(parse_hours("08:00-17:00"), Some((480, 1020)));
        assert_eq!(parse_hours("9:30 - 24:00"), Some((570, 1440)));
        for bad in [
            "",
            "8-17",
            "17:00-08:00",
            "08:00-08:00",
            "08:60-17:00",
            "25:00-26:00",
        ] {
            assert_eq!(parse_hours(bad), None, "{bad}");
        }
        let zone = Zone::utc();
        let e = WorkingCalendar::new(
            zone.clone(),
            &["monday".into(), "funday".into()],
            "08:00-17:00",
            &[],
        )
        .unwrap_err();
        assert!(e.contains("funday"), "{e}");
        let e = WorkingCalendar::new(zone.clone(), &[], "08:00-17:00", &[]).unwrap_err();
        assert!(e.contains("days"), "{e}");
        let e = WorkingCalendar::new(zone, &["mon".into()], "8 to 5", &[]).unwrap_err();
        assert!(e.contains("hours") && e.contains("08:00-17:00"), "{e}");
    }

    #[test]
    fn evenings_and_nights_do_not_count() {
        let cal = chicago();
        // Tuesday 16:00 to Wednesday 09:30: 1 h + 1 h 30 min.
        let from = at(&cal, "2026-12-08", 16, 0);
        let to = at(&cal, "2026-12-09", 9, 30);
        assert_eq!(cal.business_secs(from, to), 2 * H + 1800);
        // Asked at 20:00, before opening the next morning: nothing yet.
        let evening = at(&cal, "2026-12-08", 20, 0);
        assert_eq!(cal.business_secs(evening, at(&cal, "2026-12-09", 7, 59)), 0);
        // Four hours from 20:00 Tuesday: Wednesday at noon.
        assert_eq!(cal.due(evening, 4 * H), at(&cal, "2026-12-09", 12, 0));
        // Four hours from 15:00: two today, two tomorrow from opening.
        let afternoon = at(&cal, "2026-12-08", 15, 0);
        assert_eq!(cal.due(afternoon, 4 * H), at(&cal, "2026-12-09", 10, 0));
        assert_eq!(cal.business_secs(to, from), 0);
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let cal = chicago();
        // Friday 16:00 + 4 h: one hour Friday, three on Monday.
        let friday = at(&cal, "2026-12-11", 16, 0);
        assert_eq!(cal.due(friday, 4 * H), at(&cal, "2026-12-14", 11, 0));
        assert_eq!(
            cal.business_secs(friday, at(&cal, "2026-12-14", 11, 0)),
            4 * H
        );
        // Over the weekend no time passes.
        assert_eq!(cal.business_secs(friday, at(&cal, "2026-12-13", 23, 0)), H);
        // Wednesday 16:00 before Thanksgiving (Thursday) + 2 h: Friday 09:00.
        let wednesday = at(&cal, "2026-11-25", 16, 0);
        assert_eq!(cal.due(wednesday, 2 * H), at(&cal, "2026-11-27", 9, 0));
        // Christmas Day (Friday) 10:00 + 1 h: Monday 09:00.
        let christmas = at(&cal, "2026-12-25", 10, 0);
        assert_eq!(cal.due(christmas, H), at(&cal, "2026-12-28", 9, 0));
    }

    #[test]
    fn a_dst_change_keeps_the_wall_clock_hours() {
        let cal = chicago();
        // On 2026-03-08 (Sunday) Chicago goes from CST (-6) to CDT (-5). Friday 16:00 CST + 2 h
        // is Monday 09:00 CDT: 65 h on the wall clock, 64 h elapsed.
        let friday = at(&cal, "2026-03-06", 16, 0);
        let due = cal.due(friday, 2 * H);
        assert_eq!(due, at(&cal, "2026-03-09", 9, 0));
        assert_eq!(due - friday, 65 * H - H, "the weekend is one hour short");
        assert_eq!(cal.zone.time_label(due), "2026-03-09 09:00 CDT");
        // And back in November (2026-11-01): a nine-hour Monday stays nine hours.
        let monday = at(&cal, "2026-11-02", 8, 0);
        assert_eq!(
            cal.business_secs(at(&cal, "2026-10-30", 8, 0), monday),
            9 * H
        );
        assert_eq!(cal.zone.time_label(monday), "2026-11-02 08:00 CST");
    }

    #[test]
    fn business_ages_read_in_hours() {
        assert_eq!(business_age(5 * H + 20 * 60), "5 h 20 min");
        assert_eq!(business_age(30 * H), "30 h 0 min");
        assert_eq!(business_age(125), "2 min");
        assert_eq!(business_age(59), "59 s");
    }
}
