//! `[notify]` (mail to staff when cases are held, and overdue reminders) and `[calendar]` (the
//! working days and hours `[policy] answer_within` counts in).

use super::parse_age;
use crate::calendar::WorkingCalendar;
use crate::date::{Date, Zone};
use anyhow::{Result, bail};
use serde::Deserialize;

/// How held cases are announced to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NotifyMode {
    /// One mail per held case, soon after it is held.
    #[default]
    Immediate,
    /// At most one mail every `digest_every`, listing the cases held since the last one.
    Digest,
}

/// `[notify]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifySection {
    /// Staff addresses told of held and overdue cases; empty (the default): no mail to staff.
    pub to: Vec<String>,
    /// `immediate` (default) or `digest`.
    pub mode: NotifyMode,
    /// How often a digest may go, e.g. `30m` (default) or `2h`.
    pub digest_every: String,
    /// The staff page's address as staff open it (`https://desk.example.org`): the mails link
    /// to `PAGE_URL/case/ID`. Required when `to` is set.
    pub page_url: String,
}

impl Default for NotifySection {
    fn default() -> Self {
        NotifySection {
            to: Vec::new(),
            mode: NotifyMode::Immediate,
            digest_every: "30m".into(),
            page_url: String::new(),
        }
    }
}

impl NotifySection {
    /// `digest_every` in seconds.
    pub fn digest_every_secs(&self) -> Result<i64> {
        parse_age(&self.digest_every).map_err(|e| {
            anyhow::anyhow!(
                "[notify] digest_every: {e:#} (how often a digest may go, e.g. \"30m\")"
            )
        })
    }

    /// Checks the settings; an error names the key and what to write.
    pub fn validate(&self) -> Result<()> {
        self.digest_every_secs()?;
        for to in &self.to {
            if to.parse::<lettre::Address>().is_err() {
                bail!(
                    "[notify] to: {to:?} is not an email address: list staff addresses, e.g. \
                     [\"coders@example.org\"] (or [] for no mail to staff)"
                );
            }
        }
        if !self.to.is_empty() {
            let url = self.page_url.trim();
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(' ') {
                bail!(
                    "[notify] page_url = {url:?}: set the staff page's address as staff open it, \
                     e.g. \"https://desk.example.org\" (the mails link to each case on it)"
                );
            }
        }
        Ok(())
    }

    /// The link to case `id`'s page.
    pub fn case_link(&self, id: i64) -> String {
        format!("{}/case/{id}", self.page_url.trim().trim_end_matches('/'))
    }
}

/// `[calendar]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarSection {
    /// Working weekdays (`mon` ... `sun`); Monday to Friday by default.
    pub days: Vec<String>,
    /// Working hours in the desk's zone (`[desk] timezone`), `08:00-17:00` by default.
    pub hours: String,
    /// Days off (`2026-12-25`).
    pub holidays: Vec<String>,
}

impl Default for CalendarSection {
    fn default() -> Self {
        CalendarSection {
            days: crate::calendar::WEEKDAYS[..5]
                .iter()
                .map(|d| d.to_string())
                .collect(),
            hours: "08:00-17:00".into(),
            holidays: Vec::new(),
        }
    }
}

impl CalendarSection {
    /// The calendar in `zone`; an error names the key and what to write.
    pub fn calendar(&self, zone: Zone) -> Result<WorkingCalendar> {
        let holidays = self
            .holidays
            .iter()
            .map(|h| {
                h.parse::<Date>().map_err(|_| {
                    anyhow::anyhow!(
                        "[calendar] holidays: {h:?} is not a date: write YYYY-MM-DD, e.g. \
                         \"2026-12-25\""
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        WorkingCalendar::new(zone, &self.days, &self.hours, &holidays)
            .map_err(|e| anyhow::anyhow!("[calendar] {e}"))
    }
}

impl super::Config {
    /// The deadline of held cases, when `[policy] answer_within` is set.
    pub fn deadline(&self) -> Result<Option<crate::calendar::Deadline>> {
        let Some(within) = answer_within_secs(self.policy.answer_within.as_deref())? else {
            return Ok(None);
        };
        Ok(Some(crate::calendar::Deadline {
            calendar: self.calendar.calendar(self.desk.zone()?)?,
            within,
            label: self.policy.answer_within.clone().unwrap_or_default(),
        }))
    }
}

/// `[policy] answer_within` in seconds of business time, if set.
pub fn answer_within_secs(answer_within: Option<&str>) -> Result<Option<i64>> {
    answer_within
        .map(|a| {
            parse_age(a).map_err(|e| {
                anyhow::anyhow!(
                    "[policy] answer_within: {e:#} (business time a held case may wait, counted \
                     in [calendar] hours, e.g. \"4h\")"
                )
            })
        })
        .transpose()
}
