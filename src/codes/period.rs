//! How long a loaded release speaks for: ICD-10-CM and ICD-10-PCS years run October 1 to
//! September 30 (an April update ends with its fiscal year), HCPCS, NCCI PTP and MUE releases are
//! quarterly, CPT and the Medicare fee schedule (calendar years) are annual, and the GEMs ended
//! with FY2018 (the last release; they do not expire).
//! A date of service past the period of the newest loaded release is answered by a release that
//! is not loaded. Also what an imported PTP file covers. Pure.

use crate::date::Date;
use serde::Serialize;

/// The last day `code_set`'s release that took effect on `from` speaks for, or `None` when it
/// has no end (the final GEMs, a code set of unknown rhythm).
pub fn period_end(code_set: &str, from: Date) -> Option<Date> {
    let (y, m, _) = from.ymd();
    match code_set {
        "ICD10CM" | "ICD10PCS" | "ICD10CM-INDEX" => {
            let fy = if m >= 10 { y + 1 } else { y };
            Date::from_ymd(fy, 9, 30)
        }
        "HCPCS" | "NCCI-PTP" | "NCCI-MUE" => {
            let quarter_last_month = m.div_ceil(3) * 3;
            let next = if quarter_last_month == 12 {
                Date::from_ymd(y + 1, 1, 1)
            } else {
                Date::from_ymd(y, quarter_last_month + 1, 1)
            };
            next.map(|d| d.add_days(-1))
        }
        "CPT" | "MPFS" => Date::from_ymd(y, 12, 31),
        _ => None,
    }
}

/// How a release is cited: "ICD-10-CM FY2026", "HCPCS 2025-10", "CY2023 Medicare fee schedule"
/// (a later quarterly fee-schedule release: "CY2023 Medicare fee schedule (April release)").
pub fn release_label(code_set: &str, version: &str) -> String {
    match code_set {
        "MPFS" => match version.split_once(' ') {
            Some((year, month)) => format!("{year} Medicare fee schedule ({month} release)"),
            None => format!("{version} Medicare fee schedule"),
        },
        "ICD10CM" => format!("ICD-10-CM {version}"),
        "ICD10PCS" => format!("ICD-10-PCS {version}"),
        "ICD10CM-INDEX" => format!("ICD-10-CM Index and Tables {version}"),
        other => format!("{other} {version}"),
    }
}

/// How the release that applies on `date` is named: "FY2027", "2027 Q1", "CY2027".
pub fn release_for(code_set: &str, date: Date) -> String {
    let (y, m, _) = date.ymd();
    match code_set {
        "ICD10CM" | "ICD10PCS" | "ICD10CM-INDEX" => {
            format!("FY{}", if m >= 10 { y + 1 } else { y })
        }
        "CPT" | "MPFS" => format!("CY{y}"),
        _ => format!("{y} Q{}", m.div_ceil(3)),
    }
}

/// The column-1 codes one imported PTP file holds edits for (CMS splits a quarter's
/// practitioner edits over files by column-1 range; the hospital edits come apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PtpCoverage {
    /// `practitioner` or `hospital`.
    pub setting: String,
    /// The release as imported ("v32.2", or the file's latest effective date).
    pub version: String,
    /// The release's first day.
    pub effective_from: Date,
    /// The file's name.
    pub file_name: String,
    /// The lowest column-1 code in the file.
    pub col1_first: String,
    /// The highest column-1 code in the file.
    pub col1_last: String,
    /// How many edits it holds.
    pub edits: u64,
}

impl PtpCoverage {
    /// Whether an edit with `code` in column 1 would be in this file. Codes compare as CMS
    /// sorts them: five characters, digits before letters.
    pub fn covers(&self, code: &str) -> bool {
        self.col1_first.as_str() <= code && code <= self.col1_last.as_str()
    }

    /// "0001A-0001U".
    pub fn range(&self) -> String {
        format!("{}-{}", self.col1_first, self.col1_last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn icd10_years_end_on_september_30_even_for_an_april_update() {
        assert_eq!(
            period_end("ICD10CM", d("2025-10-01")),
            Some(d("2026-09-30"))
        );
        assert_eq!(
            period_end("ICD10CM", d("2026-04-01")),
            Some(d("2026-09-30"))
        );
        assert_eq!(
            period_end("ICD10PCS", d("2025-10-01")),
            Some(d("2026-09-30"))
        );
        assert_eq!(release_for("ICD10CM", d("2026-12-07")), "FY2027");
        assert_eq!(release_for("ICD10CM", d("2026-09-30")), "FY2026");
    }

    #[test]
    fn quarterly_sets_end_with_their_quarter() {
        assert_eq!(
            period_end("NCCI-MUE", d("2026-04-01")),
            Some(d("2026-06-30"))
        );
        assert_eq!(
            period_end("NCCI-PTP", d("2026-07-01")),
            Some(d("2026-09-30"))
        );
        assert_eq!(period_end("HCPCS", d("2025-10-01")), Some(d("2025-12-31")));
        assert_eq!(period_end("HCPCS", d("2025-11-15")), Some(d("2025-12-31")));
        assert_eq!(release_for("NCCI-PTP", d("2026-12-07")), "2026 Q4");
    }

    #[test]
    fn the_final_gems_never_end_and_cpt_is_annual() {
        assert_eq!(period_end("GEMS", d("2017-10-01")), None);
        assert_eq!(period_end("CPT", d("2026-01-01")), Some(d("2026-12-31")));
    }

    #[test]
    fn coverage_compares_codes_as_cms_sorts_them() {
        let c = PtpCoverage {
            setting: "practitioner".into(),
            version: "v32.2".into(),
            effective_from: d("2026-07-01"),
            file_name: "f1".into(),
            col1_first: "0001A".into(),
            col1_last: "0001U".into(),
            edits: 154,
        };
        assert!(c.covers("0001A") && c.covers("0001F") && c.covers("0001U"));
        assert!(!c.covers("0002U") && !c.covers("99213") && !c.covers("J1100"));
    }
}
