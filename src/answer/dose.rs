//! Units from a dose: a drug code's descriptor gives its billing unit ("Injection, dexamethasone
//! sodium phosphate, 1 mg", "per 250 mg", "up to 1,000 mcg"), the question gives the dose given
//! ("10 mg"); the units are the dose over the billing unit, rounded up (less than one unit is 1).
//! A single-dose container named beside the dose ("155 units from a 200 unit single use vial")
//! is not the dose: what it held beyond the dose is the discarded amount, in units too.

use serde::Serialize;

/// The units a dose comes to for one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoseFinding {
    /// The code whose billing unit is used (a deleted code's replacement, or the code itself).
    pub code: String,
    /// The dose as the question gives it: "10 mg".
    pub dose: String,
    /// The code's billing unit as its descriptor gives it: "1 mg".
    pub per: String,
    /// Units to report.
    pub units: u32,
    /// The part of a single-dose container not given, when the question names the container.
    pub discarded: Option<Discarded>,
}

/// What a single-dose container held beyond the dose given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discarded {
    /// The container as the question gives it: "200 unit".
    pub container: String,
    /// The units not given (the container's units less the units reported).
    pub units: u32,
    /// The loaded description of modifier JW, which marks a discarded amount.
    pub jw: Option<String>,
}

/// Words after an amount that make it a container's content ("200 unit single use vial").
const CONTAINERS: &[&str] = &[
    "vial",
    "single use",
    "single-use",
    "single dose",
    "single-dose",
    "sdv",
    "container",
    "ampule",
    "ampoule",
    "syringe",
];

/// Whether the text names a single-dose container (so the discarded-amount modifier is looked up).
pub fn names_container(text: &str) -> bool {
    let lower = text.to_lowercase();
    CONTAINERS.iter().any(|c| lower.contains(c))
}

/// Whether the amount at `at` (its unit word ending at `end`) names a container's content.
fn is_container(lower: &str, at: usize, end: usize) -> bool {
    let after: String = lower[end..].chars().take(24).collect();
    let before: String = {
        let b: Vec<char> = lower[..at].chars().rev().take(14).collect();
        b.into_iter().rev().collect()
    };
    CONTAINERS.iter().any(|c| after.contains(c))
        && !after.contains(" of ")
        && !after.contains(" from ")
        || ["vial of", "vial containing", "vial with"]
            .iter()
            .any(|c| before.trim_end().ends_with(c))
}

/// Mass and volume units and their size in the family's base unit (mcg, ml).
fn unit_of(word: &str) -> Option<(&'static str, f64)> {
    Some(match word {
        "mg" | "milligram" | "milligrams" => ("mass", 1_000.0),
        "mcg" | "microgram" | "micrograms" | "µg" => ("mass", 1.0),
        "g" | "gm" | "gram" | "grams" => ("mass", 1_000_000.0),
        "ml" | "cc" | "milliliter" | "milliliters" => ("volume", 1.0),
        "l" | "liter" | "liters" => ("volume", 1_000.0),
        "unit" | "units" | "u" | "iu" => ("units", 1.0),
        _ => return None,
    })
}

/// Every "number unit" in `text` with its byte offset: (offset, amount, unit word).
fn amounts(text: &str) -> Vec<(usize, f64, String)> {
    let lower = text.to_lowercase();
    let b = lower.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit()
            || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b',' || b[i] == b'.') {
            i += 1;
        }
        let number: String = lower[start..i]
            .trim_end_matches(['.', ','])
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let rest = lower[i..].trim_start_matches(' ');
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == 'µ')
            .collect();
        // "100 u/ml" is a concentration, not an amount.
        let per_volume = rest[word.len()..].trim_start().starts_with('/');
        if let (Ok(n), Some(_), false) = (number.parse::<f64>(), unit_of(&word), per_volume) {
            if n > 0.0 {
                out.push((start, n, word));
            }
        }
    }
    out
}

/// The billing unit a descriptor ends with: its last "N unit" ("per 250 mg", "up to 1,000 mcg").
pub fn billing_unit(descriptor: &str) -> Option<(f64, String)> {
    amounts(descriptor).pop().map(|(_, n, w)| (n, w))
}

fn show(n: f64, unit: &str) -> String {
    if n.fract() == 0.0 {
        format!("{} {unit}", n as u64)
    } else {
        format!("{n} {unit}")
    }
}

/// The units the dose in `text` comes to for a code whose descriptor is `descriptor`; the dose
/// taken is the one of the same kind (mass, volume) nearest to `near` (the code's offset).
pub fn dose_units(text: &str, near: usize, descriptor: &str) -> Option<DoseFinding> {
    let (per, per_unit) = billing_unit(descriptor)?;
    let (family, per_size) = unit_of(&per_unit)?;
    let lower = text.to_lowercase();
    let same_kind: Vec<(usize, f64, String, bool)> = amounts(text)
        .into_iter()
        .filter(|(_, _, w)| unit_of(w).is_some_and(|(f, _)| f == family))
        .map(|(at, n, w)| {
            let end = lower[at..]
                .find(w.as_str())
                .map_or(at, |i| at + i + w.len());
            let container = is_container(&lower, at, end);
            (at, n, w, container)
        })
        .collect();
    let container = same_kind.iter().find(|a| a.3).cloned();
    let (_, dose, dose_unit, _) = same_kind
        .iter()
        .filter(|a| !a.3 || same_kind.iter().all(|b| b.3))
        .min_by_key(|(at, _, _, _)| at.abs_diff(near))
        .cloned()?;
    let (_, dose_size) = unit_of(&dose_unit)?;
    let in_units = |n: f64, size: f64| n * size / (per * per_size);
    // 2.0000000001 is 2 units, not 3.
    let units = ((in_units(dose, dose_size) - 1e-9).ceil() as u32).max(1);
    let discarded = container.and_then(|(_, n, w, _)| {
        let (_, size) = unit_of(&w)?;
        let held = (in_units(n, size) + 1e-9).floor() as u32;
        (held > units).then(|| Discarded {
            container: show(n, &w),
            units: held - units,
            jw: None,
        })
    });
    Some(DoseFinding {
        code: String::new(),
        dose: show(dose, &dose_unit),
        per: show(per, &per_unit),
        units,
        discarded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dose_over_the_billing_unit_rounded_up() {
        let j1100 = "Injection, dexamethasone sodium phosphate, 1 mg";
        let d = dose_units("dexamethasone 10 mg: how many units of J1100?", 30, j1100).unwrap();
        assert_eq!(
            (d.dose.as_str(), d.per.as_str(), d.units),
            ("10 mg", "1 mg", 10)
        );
        let ceftriaxone = "Injection, ceftriaxone sodium, per 250 mg";
        assert_eq!(
            dose_units("gave 1 g of rocephin", 0, ceftriaxone)
                .unwrap()
                .units,
            4
        );
        assert_eq!(dose_units("500mg IM", 0, ceftriaxone).unwrap().units, 2);
        assert_eq!(dose_units("600 mg", 0, ceftriaxone).unwrap().units, 3);
        let b12 = "Injection, vitamin b-12 cyanocobalamin, up to 1,000 mcg";
        assert_eq!(dose_units("1000 mcg b12", 0, b12).unwrap().units, 1);
        assert_eq!(dose_units("we gave 0.5 mg", 0, b12).unwrap().units, 1);
        let kenalog = "Injection, triamcinolone acetonide, not otherwise specified, 10 mg";
        assert_eq!(dose_units("Kenalog 40 mg", 0, kenalog).unwrap().units, 4);
    }

    #[test]
    fn no_units_without_a_dose_or_a_billing_unit_of_the_same_kind() {
        let j1100 = "Injection, dexamethasone sodium phosphate, 1 mg";
        assert_eq!(dose_units("how many units of J1100?", 0, j1100), None);
        assert_eq!(dose_units("10 ml given", 0, j1100), None);
        assert_eq!(dose_units("10 mg", 0, "Office visit"), None);
        assert_eq!(
            dose_units("10 mg", 0, "Injection, botulinum toxin, 1 unit"),
            None
        );
    }

    #[test]
    fn doses_in_units_for_codes_billed_per_units() {
        let insulin = "Injection, insulin, per 5 units";
        let text = "gave 10 units regular insulin in clinic. J1815 units?";
        assert_eq!(
            dose_units(text, text.find("J1815").unwrap(), insulin)
                .unwrap()
                .units,
            2
        );
        let flush = "Injection, heparin sodium, (heparin lock flush), per 10 units";
        let text = "heparin lock flush 500 units (5 ml of 100 u/ml). j1642 units = ?";
        assert_eq!(
            dose_units(text, text.find("j1642").unwrap(), flush)
                .unwrap()
                .units,
            50
        );
    }

    #[test]
    fn a_single_dose_container_is_not_the_dose_and_its_rest_is_discarded() {
        let botox = "Injection, onabotulinumtoxina, 1 unit";
        let text = "botox: 155 units injected from a 200 unit single use vial, rest tossed. J0585?";
        let d = dose_units(text, text.find("J0585").unwrap(), botox).unwrap();
        assert_eq!((d.dose.as_str(), d.units), ("155 units", 155));
        let rest = d.discarded.unwrap();
        assert_eq!((rest.container.as_str(), rest.units), ("200 unit", 45));
        // A vial used whole leaves nothing discarded; a dose alone names no container.
        let whole = dose_units("100 units from a 100 unit vial", 0, botox).unwrap();
        assert_eq!((whole.units, whole.discarded), (100, None));
        assert_eq!(
            dose_units("155 units given", 0, botox).unwrap().discarded,
            None
        );
        let j1100 = "Injection, dexamethasone sodium phosphate, 1 mg";
        let d = dose_units("10 mg vial, gave 4 mg", 0, j1100).unwrap();
        assert_eq!((d.units, d.discarded.map(|x| x.units)), (4, Some(6)));
    }

    #[test]
    fn the_dose_nearest_the_code_counts() {
        let j1100 = "Injection, dexamethasone sodium phosphate, 1 mg";
        let text = "Toradol 60 mg J1885 and dexamethasone 4 mg J1100";
        let at = text.find("J1100").unwrap();
        assert_eq!(dose_units(text, at, j1100).unwrap().units, 4);
    }
}
