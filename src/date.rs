//! Calendar dates (days since 1970-01-01) for code validity and dates of service, and the desk's
//! time [`Zone`] that turns an instant into a local date and time; no clock here except
//! [`Date::today`], which only the shell calls, and no tzdb look-up (the shell finds the zone).

use std::fmt;
use std::str::FromStr;

/// A proleptic Gregorian calendar date. Always valid; ordered; cheap to copy.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date: {text:?} (expected YYYY-MM-DD or YYYYMMDD)")]
pub struct DateError {
    /// The text that was offered.
    pub text: String,
}

impl Date {
    /// The date for a year, month (1-12) and day (1-31), if it exists.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
            || !(1000..=9999).contains(&y)
        {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The date in UTC now. Only the shell asks this; the core takes dates as arguments.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date((secs / 86_400) as i32)
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }

    /// Parses `YYYYMMDD` as CMS files write dates; blank or malformed gives `None`.
    pub fn parse_compact(text: &str) -> Option<Date> {
        let t = text.trim();
        if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y = t[0..4].parse().ok()?;
        let m = t[4..6].parse().ok()?;
        let d = t[6..8].parse().ok()?;
        Date::from_ymd(y, m, d)
    }

    /// The day of the week, 0 = Monday ... 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// `YYYYMMDD`, the form CMS files and compact storage use.
    pub fn compact(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}{m:02}{d:02}")
    }
}

impl FromStr for Date {
    type Err = DateError;

    /// Accepts `YYYY-MM-DD` and `YYYYMMDD`.
    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError {
            text: s.to_string(),
        };
        let t = s.trim();
        if let Some(d) = Date::parse_compact(t) {
            return Ok(d);
        }
        let mut parts = t.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return Err(err());
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else {
            return Err(err());
        };
        Date::from_ymd(y, m, d).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A time zone (the desk's `[desk] timezone`): an instant's local date and wall-clock time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone(jiff::tz::TimeZone);

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone(jiff::tz::TimeZone::UTC)
    }

    /// A zone the shell looked up (in the system tzdb).
    pub fn new(tz: jiff::tz::TimeZone) -> Zone {
        Zone(tz)
    }

    /// Its IANA name (`America/Chicago`), or `UTC`/the fixed offset when it has none.
    pub fn name(&self) -> String {
        match self.0.iana_name() {
            Some(name) => name.to_string(),
            None => format!("UTC{}", self.offset_label(0)),
        }
    }

    /// The offset from UTC, in seconds, at Unix second `unix`.
    pub fn offset_secs(&self, unix: i64) -> i64 {
        match jiff::Timestamp::from_second(unix) {
            Ok(ts) => i64::from(self.0.to_offset(ts).seconds()),
            Err(_) => 0,
        }
    }

    /// The local date at Unix second `unix`.
    pub fn date_of(&self, unix: i64) -> Date {
        let local = unix + self.offset_secs(unix);
        Date::from_days(local.div_euclid(86_400) as i32)
    }

    /// The first second of `date` here (the day's start, after a gap if one falls at midnight).
    pub fn start_of_day(&self, date: Date) -> i64 {
        let (y, m, d) = date.ymd();
        jiff::civil::Date::new(y as i16, m as i8, d as i8)
            .and_then(|day| day.to_zoned(self.0.clone()))
            .map(|z| z.timestamp().as_second())
            .unwrap_or_else(|_| i64::from(date.days()) * 86_400)
    }

    /// The Unix second of `minute` minutes after midnight (wall clock, 0..=1440; 1440 is the
    /// next day's start) on `date` here; a time in a DST gap is taken as the same distance past
    /// the gap, one in a repeated hour the first.
    pub fn at_local(&self, date: Date, minute: u32) -> i64 {
        if minute >= 24 * 60 {
            return self.start_of_day(date.add_days(1));
        }
        let (y, m, d) = date.ymd();
        jiff::civil::DateTime::new(
            y as i16,
            m as i8,
            d as i8,
            (minute / 60) as i8,
            (minute % 60) as i8,
            0,
            0,
        )
        .and_then(|t| t.to_zoned(self.0.clone()))
        .map(|z| z.timestamp().as_second())
        .unwrap_or_else(|_| i64::from(date.days()) * 86_400 + i64::from(minute) * 60)
    }

    /// `2026-09-30 21:00 CDT`: the local date and time at Unix second `unix`, with the zone's
    /// abbreviation (or its offset, `+0530`, where the tzdb gives none but a number).
    pub fn time_label(&self, unix: i64) -> String {
        let local = unix + self.offset_secs(unix);
        let date = Date::from_days(local.div_euclid(86_400) as i32);
        let rem = local.rem_euclid(86_400);
        let abbreviation = jiff::Timestamp::from_second(unix)
            .map(|ts| self.0.to_offset_info(ts).abbreviation().to_string())
            .unwrap_or_default();
        let zone = if abbreviation.is_empty()
            || abbreviation.starts_with(['+', '-'])
            || abbreviation.bytes().all(|b| b.is_ascii_digit())
        {
            match self.offset_secs(unix) {
                0 => "UTC".to_string(),
                off => self.offset_label(off),
            }
        } else {
            abbreviation
        };
        format!("{date} {:02}:{:02} {zone}", rem / 3600, (rem % 3600) / 60)
    }

    fn offset_label(&self, off: i64) -> String {
        if off == 0 {
            return String::new();
        }
        let sign = if off < 0 { '-' } else { '+' };
        let off = off.abs();
        format!("{sign}{:02}{:02}", off / 3600, off % 3600 / 60)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_parses_both_forms() {
        for (text, days) in [
            ("1970-01-01", 0),
            ("2024-03-31", 19_813),
            ("2000-02-29", 11_016),
        ] {
            let d: Date = text.parse().unwrap();
            assert_eq!(d.days(), days);
            assert_eq!(d.to_string(), text);
            assert_eq!(Date::parse_compact(&d.compact()), Some(d));
        }
        assert_eq!(
            "20240401".parse::<Date>().unwrap().to_string(),
            "2024-04-01"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "20241",
            "",
            "2024-1-",
            "x",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(Date::parse_compact("        "), None);
    }

    fn chicago() -> Zone {
        Zone::new(jiff::tz::TimeZone::get("America/Chicago").expect("the system tzdb"))
    }

    #[test]
    fn a_zone_gives_the_local_date_and_time_of_an_instant() {
        // 2026-10-01 02:00 UTC is 21:00 on September 30 in Chicago (CDT, -5).
        let at = i64::from(Date::from_ymd(2026, 10, 1).unwrap().days()) * 86_400 + 2 * 3600;
        assert_eq!(Zone::utc().date_of(at).to_string(), "2026-10-01");
        assert_eq!(chicago().date_of(at).to_string(), "2026-09-30");
        assert_eq!(chicago().time_label(at), "2026-09-30 21:00 CDT");
        assert_eq!(Zone::utc().time_label(at), "2026-10-01 02:00 UTC");
        assert_eq!(chicago().name(), "America/Chicago");
        // In January Chicago is CST, -6.
        let winter = i64::from(Date::from_ymd(2026, 1, 13).unwrap().days()) * 86_400;
        assert_eq!(chicago().time_label(winter), "2026-01-12 18:00 CST");
        let day = Date::from_ymd(2026, 9, 30).unwrap();
        assert_eq!(
            chicago().start_of_day(day),
            i64::from(day.days()) * 86_400 + 5 * 3600
        );
        assert_eq!(
            Zone::utc().start_of_day(day),
            i64::from(day.days()) * 86_400
        );
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let start = Date::from_ymd(1900, 1, 1).unwrap().days();
        for n in start..start + 146_097 {
            let (y, m, d) = Date(n).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(n)));
        }
    }
}
