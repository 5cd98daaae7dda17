//! Template filters: Unix seconds as a UTC time, and durations as a short age ("3 h 20 min").

use crate::date::Date;

/// `1764210000` → `2025-11-27 02:20 UTC`.
pub fn time(secs: i64) -> String {
    let date = Date::from_days(secs.div_euclid(86_400) as i32);
    let rem = secs.rem_euclid(86_400);
    format!("{date} {:02}:{:02} UTC", rem / 3600, (rem % 3600) / 60)
}

/// A duration in seconds, to the two largest units.
pub fn age(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else if m > 0 {
        format!("{m} min")
    } else {
        format!("{secs} s")
    }
}

/// Now, in Unix seconds (the worker's clock, which a test may set ahead).
pub fn now() -> i64 {
    crate::worker::clock::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_ages_read_well() {
        assert_eq!(time(0), "1970-01-01 00:00 UTC");
        assert_eq!(time(86_400 + 3_660), "1970-01-02 01:01 UTC");
        assert_eq!(age(42), "42 s");
        assert_eq!(age(125), "2 min");
        assert_eq!(age(3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(age(2 * 86_400 + 3600), "2 d 1 h");
    }
}
