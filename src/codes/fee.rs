//! One row of the Medicare Physician Fee Schedule relative value file (PPRRVU) for a code and
//! modifier in one release: the payment indicators, the RVUs as CMS prints them, the conversion
//! factor and the national payment amounts computed from them. Never the DESCRIPTION column (CPT
//! short descriptors are AMA copyright). Pure values and decimal arithmetic.

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// A code's fee-schedule row for one modifier (blank, 26, TC or 53) in one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRow {
    /// Blank (the global service), `26` (professional component), `TC` (technical component) or
    /// `53` (discontinued procedure).
    pub modifier: String,
    /// The first day of the release.
    pub valid_from: Date,
    /// The release as cited: "CY2023 Medicare fee schedule".
    pub release: String,
    /// Status code (A active, B bundled, C carrier priced, I not valid for Medicare, ...).
    pub status: String,
    /// The "not used for Medicare payment" flag: RVUs are shown for other payers only.
    pub not_used_for_medicare: bool,
    /// Work RVU, as printed ("19.60").
    pub work_rvu: String,
    /// Non-facility practice expense RVU.
    pub nf_pe_rvu: String,
    /// The non-facility NA indicator is set: no non-facility price.
    pub nf_na: bool,
    /// Facility practice expense RVU.
    pub f_pe_rvu: String,
    /// The facility NA indicator is set: no facility price.
    pub f_na: bool,
    /// Malpractice RVU.
    pub mp_rvu: String,
    /// Non-facility total RVU.
    pub nf_total: String,
    /// Facility total RVU.
    pub f_total: String,
    /// PC/TC indicator (0-9).
    pub pctc: String,
    /// Global days: 000, 010, 090, MMM, XXX, YYY, ZZZ.
    pub global: String,
    /// Share of the global package before the day of surgery ("0.10").
    pub pre_op: String,
    /// Share on the day of surgery.
    pub intra_op: String,
    /// Share after the day of surgery.
    pub post_op: String,
    /// Multiple procedure indicator (0-9).
    pub mult_proc: String,
    /// Bilateral surgery indicator (0-3, 9).
    pub bilat: String,
    /// Assistant at surgery indicator (0-2, 9).
    pub asst: String,
    /// Co-surgeons indicator (0-2, 9).
    pub co_surg: String,
    /// Team surgery indicator (0-2, 9).
    pub team: String,
    /// The endoscopic base code of the family, if any.
    pub endo_base: Option<String>,
    /// The conversion factor, as printed ("33.8872").
    pub conv_factor: String,
    /// Physician supervision of diagnostic procedures ("01", "02", "09", "6A", ...).
    pub supervision: String,
    /// National non-facility payment (total RVU x conversion factor, to the cent), when the row
    /// is priced: status A, R or T, used for Medicare, a non-zero total, no NA indicator.
    pub nf_amount: Option<String>,
    /// National facility payment, under the same conditions.
    pub f_amount: Option<String>,
}

/// A decimal as printed ("19.60", "33.8872") in units of 10^-`scale`; `None` when not a plain
/// non-negative decimal or with more places than `scale`.
pub fn scaled(text: &str, scale: u32) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > scale as usize
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut part: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..scale as usize {
        part *= 10;
    }
    whole.checked_mul(10i64.pow(scale))?.checked_add(part)
}

/// Total RVUs times the conversion factor, rounded half up to the cent: "90.82" for 2.68 RVUs at
/// 33.8872. `None` when either is not a decimal CMS prints (2 and 4 places at most).
pub fn national_amount(total_rvu: &str, conv_factor: &str) -> Option<String> {
    let rvu = scaled(total_rvu, 2)?;
    let cf = scaled(conv_factor, 4)?;
    // RVU in 1/100 times CF in 1/10,000 is in 1/1,000,000 of a dollar.
    let micro = rvu.checked_mul(cf)?;
    let cents = (micro + 5_000) / 10_000;
    Some(format!("{}.{:02}", cents / 100, cents % 100))
}

impl FeeRow {
    /// Whether the file prices this row for Medicare: status A, R or T, RVUs used for Medicare.
    pub fn priced(&self) -> bool {
        matches!(self.status.as_str(), "A" | "R" | "T") && !self.not_used_for_medicare
    }

    /// Fills the national amounts from the totals and the conversion factor, when priced.
    pub fn compute_amounts(&mut self) {
        let amount = |total: &str, na: bool| {
            let nonzero = scaled(total, 2).is_some_and(|t| t > 0);
            (self.priced() && nonzero && !na)
                .then(|| national_amount(total, &self.conv_factor))
                .flatten()
        };
        let (nf, f) = (
            amount(&self.nf_total, self.nf_na),
            amount(&self.f_total, self.f_na),
        );
        self.nf_amount = nf;
        self.f_amount = f;
    }
}

/// When the release used is not the date's year: what applies on the date, in words.
pub fn date_note(release: &str, from: Date, date: Date) -> Option<String> {
    let (year, _, _) = from.ymd();
    let (date_year, _, _) = date.ymd();
    if date_year > year {
        Some(format!(
            "the {release} is older than the date of service: the CY{date_year} Medicare fee schedule applies on {date} and is not loaded, so these indicators and amounts may have changed"
        ))
    } else if date < from {
        Some(format!(
            "the {release} begins on {from}, after the date of service {date}; the schedule in force on that date is not loaded"
        ))
    } else {
        None
    }
}

/// The rows of one release that apply on `date`: the newest release that began on or before it,
/// else (a date before every loaded release) the earliest. Rows keep the file's modifier order.
pub fn rows_as_of(rows: &[FeeRow], date: Date) -> Vec<&FeeRow> {
    let from = rows
        .iter()
        .map(|r| r.valid_from)
        .filter(|f| *f <= date)
        .max()
        .or_else(|| rows.iter().map(|r| r.valid_from).min());
    rows.iter().filter(|r| Some(r.valid_from) == from).collect()
}

/// A component code of a global-test-only code, with its PC/TC indicator (2 professional,
/// 3 technical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeePart {
    /// The component's code.
    pub code: String,
    /// Its PC/TC indicator.
    pub pctc: String,
}

/// The components of a global-test-only code (PC/TC indicator 4): the codes right after it in
/// the file with PC/TC indicator 2 (professional) or 3 (technical) whose total RVUs add up to
/// its own, as CMS builds these families (93015 = 93016 + 93017 + 93018). Empty when no run of
/// such codes adds up (a carrier-priced family with zero RVUs, say). `following` is the codes
/// after the global one in code order, with their PC/TC indicator and non-facility total.
pub fn test_components(total: &str, following: &[(String, String, String)]) -> Vec<FeePart> {
    let Some(target) = scaled(total, 2).filter(|t| *t > 0) else {
        return Vec::new();
    };
    let mut sum = 0;
    let mut parts = Vec::new();
    for (code, pctc, nf_total) in following.iter().take(6) {
        if !matches!(pctc.as_str(), "2" | "3") {
            break;
        }
        sum += scaled(nf_total, 2).unwrap_or(0);
        parts.push(FeePart {
            code: code.clone(),
            pctc: pctc.clone(),
        });
        if sum == target {
            return parts;
        }
        if sum > target {
            break;
        }
    }
    Vec::new()
}

/// "93016 and 93018 (professional component), 93017 (technical component)".
pub fn parts_in_words(parts: &[FeePart]) -> String {
    let of = |pctc: &str| -> Vec<&str> {
        parts
            .iter()
            .filter(|p| p.pctc == pctc)
            .map(|p| p.code.as_str())
            .collect()
    };
    let mut out = Vec::new();
    for (pctc, what) in [
        ("2", "professional component"),
        ("3", "technical component"),
    ] {
        let codes = of(pctc);
        if !codes.is_empty() {
            out.push(format!("{} ({what})", codes.join(" and ")));
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_scale_exactly() {
        assert_eq!(scaled("19.60", 2), Some(1960));
        assert_eq!(scaled("0.1", 2), Some(10));
        assert_eq!(scaled("33.8872", 4), Some(338_872));
        assert_eq!(scaled("7", 2), Some(700));
        assert_eq!(scaled("NA", 2), None);
        assert_eq!(scaled("1.234", 2), None);
        assert_eq!(scaled("", 2), None);
    }

    #[test]
    fn national_amounts_are_total_rvus_times_the_conversion_factor() {
        // Worked by hand: 2.68 x 33.8872 = 90.817696 -> 90.82; 38.35 x 33.8872 = 1299.574120.
        assert_eq!(national_amount("2.68", "33.8872").as_deref(), Some("90.82"));
        assert_eq!(
            national_amount("38.35", "33.8872").as_deref(),
            Some("1299.57")
        );
        // 1.95 x 33.8872 = 66.08004 -> 66.08; 0.005 rounds up at the cent.
        assert_eq!(national_amount("1.95", "33.8872").as_deref(), Some("66.08"));
        assert_eq!(national_amount("0.50", "0.0100").as_deref(), Some("0.01"));
        assert_eq!(national_amount("x", "33.8872"), None);
    }

    #[test]
    fn components_of_a_global_test_add_up_to_it() {
        let f = |c: &str, p: &str, t: &str| (c.to_string(), p.to_string(), t.to_string());
        let after_93015 = [
            f("93016", "2", "0.62"),
            f("93017", "3", "1.07"),
            f("93018", "2", "0.41"),
            f("93024", "1", "3.27"),
        ];
        let parts = test_components("2.10", &after_93015);
        let codes: Vec<(&str, &str)> = parts
            .iter()
            .map(|p| (p.code.as_str(), p.pctc.as_str()))
            .collect();
        assert_eq!(codes, vec![("93016", "2"), ("93017", "3"), ("93018", "2")]);
        assert!(test_components("2.11", &after_93015).is_empty());
        assert!(test_components("0.00", &after_93015).is_empty());
    }
}
