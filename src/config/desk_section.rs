//! `[desk]`: the desk's working day — its time zone (dates of service, the staff page, daily
//! figures, purges) and the acknowledgement a held case's asker gets.

use crate::date::Zone;
use anyhow::{Result, bail};
use serde::Deserialize;

/// `[desk]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeskSection {
    /// An IANA time zone name (`America/Chicago`); unset: the machine's zone (`TZ`, else
    /// `/etc/localtime`, else UTC).
    pub timezone: Option<String>,
    /// Tell the asker, once, that a question held for staff was received (default on).
    pub acknowledge: bool,
    /// When the acknowledgement says to expect an answer: "You can expect an answer ...".
    pub answer_expected: String,
}

impl Default for DeskSection {
    fn default() -> Self {
        DeskSection {
            timezone: None,
            acknowledge: true,
            answer_expected: "within one working day".into(),
        }
    }
}

impl DeskSection {
    /// The desk's zone: `timezone` from the system tzdb, else the machine's own zone. A name the
    /// tzdb does not know is an error naming the key and an example.
    pub fn zone(&self) -> Result<Zone> {
        match self.timezone.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => match jiff::tz::TimeZone::get(name) {
                Ok(tz) => Ok(Zone::new(tz)),
                Err(e) => bail!(
                    "[desk] timezone = {name:?} is not a time zone the system knows: write an \
                     IANA name such as \"America/Chicago\" or \"Europe/Berlin\" (or leave it out \
                     for the machine's zone); the time zone database is read from \
                     /usr/share/zoneinfo (package tzdata) ({e})"
                ),
            },
            _ => Ok(jiff::tz::TimeZone::try_system()
                .map(Zone::new)
                .unwrap_or_else(|_| Zone::utc())),
        }
    }

    /// Checks the settings: the zone exists, the promise is not empty.
    pub fn validate(&self) -> Result<()> {
        self.zone()?;
        if self.answer_expected.trim().is_empty() {
            bail!(
                "[desk] answer_expected is empty: say when an answer comes, e.g. \
                 \"within one working day\""
            );
        }
        Ok(())
    }
}
