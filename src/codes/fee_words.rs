//! What each Medicare Physician Fee Schedule indicator value means, in a coder's words (after
//! CMS's documentation of the PFS relative value file, RVUPUF). Pure: a value in, words out; a
//! value CMS has not defined gives `None`, never a guess.

use super::fee::FeeRow;
use serde::Serialize;

/// One indicator of a row with its value and meaning, for `lookup --json` and the reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorMeaning {
    /// Machine name: `status`, `pctc`, `global`, `mult_proc`, `bilat`, `asst`, `co_surg`,
    /// `team`, `supervision`.
    pub indicator: &'static str,
    /// The column as CMS names it: "BILAT SURG".
    pub column: &'static str,
    /// The value in the file ("1", "090", "A").
    pub value: String,
    /// What it means; `None` for a value codedesk has no meaning for.
    pub meaning: Option<&'static str>,
}

/// Status code.
pub fn status(v: &str) -> Option<&'static str> {
    Some(match v {
        "A" => "active: paid separately under the fee schedule when covered",
        "B" => {
            "bundled: never paid separately; its payment is included in the other services it goes with (RVUs, if shown, are not used for Medicare payment)"
        }
        "C" => {
            "carrier priced: the Medicare administrative contractor sets the RVUs and the payment (by report)"
        }
        "D" => "deleted at the start of the year (a grace period may apply)",
        "E" => {
            "excluded from the physician fee schedule by regulation: paid, if at all, under another payment system"
        }
        "F" => "deleted or discontinued, with no grace period",
        "G" => {
            "not valid for Medicare: Medicare reports and pays these services under another code (grace period)"
        }
        "H" => "the code with this modifier was deleted",
        "I" => {
            "not valid for Medicare: Medicare reports and pays these services under another code"
        }
        "J" => "anesthesia service: no RVUs or payment amount in this file",
        "M" => "measurement code: reported for quality programs only, no payment",
        "N" => "non-covered: Medicare does not cover this service",
        "P" => {
            "bundled or excluded: no RVUs and no separate fee-schedule payment (bundled when incident to a physician service, otherwise paid under another fee schedule)"
        }
        "R" => "restricted coverage: special coverage instructions apply",
        "T" => {
            "paid only when no other fee-schedule service is billed by the same provider on the same date (injections and similar)"
        }
        "X" => {
            "statutory exclusion: not a physician service under the law's definition, so not paid under the fee schedule (it may be paid under another system, e.g. lab or ambulance)"
        }
        _ => return None,
    })
}

/// PC/TC indicator.
pub fn pctc(v: &str) -> Option<&'static str> {
    Some(match v {
        "0" => {
            "physician service: the professional/technical split does not apply, so modifiers 26 and TC cannot be appended"
        }
        "1" => {
            "diagnostic test with a professional and a technical component: bill the whole service, or modifier 26 for the professional component (interpretation) and TC for the technical component"
        }
        "2" => {
            "professional-component-only code: it describes the physician work by itself, so 26 and TC cannot be appended"
        }
        "3" => {
            "technical-component-only code: it describes the technical part by itself, so 26 and TC cannot be appended"
        }
        "4" => {
            "global test only: the professional and technical components have codes of their own, so 26 and TC cannot be appended; report the component codes when only a part was done"
        }
        "5" => {
            "incident-to service performed under physician supervision: 26 and TC cannot be appended, and it is not paid when furnished to a hospital patient"
        }
        "6" => {
            "laboratory physician interpretation code: the lab test itself is paid under the clinical lab fee schedule; TC cannot be appended"
        }
        "7" => {
            "physical therapy service: not paid under the fee schedule when furnished by a provider of services such as a hospital outpatient department; 26 and TC cannot be appended"
        }
        "8" => {
            "physician interpretation code (abnormal smear for a hospital inpatient): only the professional part is paid here; TC cannot be appended"
        }
        "9" => "the professional/technical component concept does not apply",
        _ => return None,
    })
}

/// Global days.
pub fn global(v: &str) -> Option<&'static str> {
    Some(match v {
        "000" => {
            "0-day global: endoscopy or minor procedure; pre- and post-operative work on the day of the procedure is included, and an E/M that day is generally not paid separately (modifier 25 only for a significant, separately identifiable E/M)"
        }
        "010" => {
            "10-day global: minor procedure; the day of the procedure and the 10 days after are included (related visits in that time are not paid separately)"
        }
        "090" => {
            "90-day global: major surgery; the day before, the day of surgery and the 90 days after are included, with related visits and routine complications care"
        }
        "MMM" => {
            "maternity code: the usual global surgery concept does not apply (maternity care has its own package)"
        }
        "XXX" => "the global period concept does not apply to this code",
        "YYY" => "the contractor decides whether a global period applies and sets its length",
        "ZZZ" => {
            "add-on code: always billed with another service and falls within that service's global period"
        }
        _ => return None,
    })
}

/// Multiple procedure indicator.
pub fn mult_proc(v: &str) -> Option<&'static str> {
    Some(match v {
        "0" => {
            "no multiple procedure reduction: each is paid at its full fee schedule amount (or the charge, if lower)"
        }
        "1" => {
            "the multiple procedure rules in force before 1996 apply (100%, 50%, then 25% for the third to fifth)"
        }
        "2" => {
            "standard multiple surgery rule (modifier 51): the highest-valued procedure at 100%, the second to fifth at 50%, more than five by report"
        }
        "3" => {
            "special endoscopy rule: with another endoscopy of the same family (same endoscopic base code) the highest is paid in full and each other one at its amount minus the base endoscopy's"
        }
        "4" => {
            "diagnostic imaging reduction: the technical component of the second and later imaging procedures in the same session is reduced (and the professional component slightly)"
        }
        "5" => {
            "therapy reduction: the practice expense of the second and later units and procedures on the same day is reduced"
        }
        "6" => {
            "diagnostic cardiovascular reduction: the technical component of the second and later services on the same day is reduced"
        }
        "7" => {
            "diagnostic ophthalmology reduction: the technical component of the second and later services on the same day is reduced"
        }
        "9" => "the multiple procedure concept does not apply",
        _ => return None,
    })
}

/// Bilateral surgery indicator.
pub fn bilat(v: &str) -> Option<&'static str> {
    Some(match v {
        "0" => {
            "the 150% bilateral adjustment does not apply: the procedure cannot be bilateral (anatomy, or another code describes the bilateral procedure); with modifier 50 or RT and LT Medicare pays at most 100% of one side"
        }
        "1" => {
            "the 150% bilateral adjustment applies: for Medicare, report one line with modifier 50 and 1 unit; both sides are paid at 150% of the one-side amount (or the charge, if lower)"
        }
        "2" => {
            "the 150% bilateral adjustment does not apply because the RVUs already describe both sides (the code is bilateral): modifier 50 is not appropriate, and 50 or RT and LT is paid at 100% of the one code"
        }
        "3" => {
            "the usual bilateral adjustment does not apply: each side is paid at 100% of its own amount (usually RT and LT on separate lines; mostly radiology and other diagnostic tests)"
        }
        "9" => "the bilateral concept does not apply",
        _ => return None,
    })
}

/// Assistant at surgery indicator.
pub fn asst(v: &str) -> Option<&'static str> {
    Some(match v {
        "0" => {
            "an assistant at surgery is paid only with documentation that establishes medical necessity"
        }
        "1" => {
            "statutory restriction: an assistant at surgery is not paid (modifiers 80, 81, 82 or AS are denied)"
        }
        "2" => {
            "an assistant at surgery may be paid (modifier 80, 81 or 82 for a physician; AS for a PA, NP or CNS)"
        }
        "9" => "the assistant at surgery concept does not apply",
        _ => return None,
    })
}

/// Co-surgeons indicator.
pub fn co_surg(v: &str) -> Option<&'static str> {
    Some(match v {
        "0" => "co-surgeons (modifier 62) are not permitted for this procedure",
        "1" => {
            "co-surgeons (modifier 62) may be paid with documentation that establishes the medical necessity of two surgeons"
        }
        "2" => {
            "co-surgeons (modifier 62) are permitted; no documentation is required when the two-specialty requirement is met"
        }
        "9" => "the co-surgeon concept does not apply",
        _ => return None,
    })
}

/// Team surgery indicator.
pub fn team(v: &str) -> Option<&'static str> {
    Some(match v {
        "0" => "team surgeons (modifier 66) are not permitted for this procedure",
        "1" => {
            "team surgeons (modifier 66) may be paid with documentation that establishes the medical necessity of a team; paid by report"
        }
        "2" => "team surgeons (modifier 66) are permitted; paid by report",
        "9" => "the team surgery concept does not apply",
        _ => return None,
    })
}

/// Physician supervision of diagnostic procedures.
pub fn supervision(v: &str) -> Option<&'static str> {
    Some(match v {
        "01" => "general supervision",
        "02" => "direct supervision",
        "03" => "personal supervision",
        "04" => {
            "no supervision needed when done by a qualified independent or clinical psychologist; otherwise general supervision"
        }
        "05" => {
            "no supervision needed when done personally by a qualified audiologist; otherwise direct supervision"
        }
        "06" => {
            "done personally by a physician or a physical therapist board-certified as an electrophysiologic clinical specialist"
        }
        "21" => {
            "general supervision when done by a certified technician; otherwise direct supervision"
        }
        "22" => "may be done by a technician with real-time contact with a physician",
        "66" => {
            "done personally by a physician or by a physical therapist with board certification in this procedure"
        }
        "6A" => {
            "as 66, and a certified physical therapist may supervise another physical therapist (only the certified one bills)"
        }
        "77" => {
            "done by a certified physical therapist, by an uncertified one under a physician's direct supervision, or by a certified technician under general supervision"
        }
        "7A" => {
            "as 77, and a certified physical therapist may supervise another physical therapist (only the certified one bills)"
        }
        "09" => "the supervision concept does not apply",
        _ => return None,
    })
}

/// Every indicator of a row with its meaning, in the order a coder reads them.
pub fn meanings(row: &FeeRow) -> Vec<IndicatorMeaning> {
    let one =
        |indicator, column, value: &str, f: fn(&str) -> Option<&'static str>| IndicatorMeaning {
            indicator,
            column,
            value: value.to_string(),
            meaning: f(value),
        };
    vec![
        one("status", "STATUS CODE", &row.status, status),
        one("global", "GLOB DAYS", &row.global, global),
        one("pctc", "PCTC IND", &row.pctc, pctc),
        one("mult_proc", "MULT PROC", &row.mult_proc, mult_proc),
        one("bilat", "BILAT SURG", &row.bilat, bilat),
        one("asst", "ASST SURG", &row.asst, asst),
        one("co_surg", "CO-SURG", &row.co_surg, co_surg),
        one("team", "TEAM SURG", &row.team, team),
        one(
            "supervision",
            "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES",
            &row.supervision,
            supervision,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_in_the_cy2023_file_has_a_meaning() {
        // The values each column holds in PPRRVU23_JAN (counted from the file).
        for v in ["A", "B", "C", "E", "I", "J", "M", "N", "P", "R", "T", "X"] {
            assert!(status(v).is_some(), "status {v}");
        }
        for v in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] {
            assert!(pctc(v).is_some(), "pctc {v}");
        }
        for v in ["000", "010", "090", "MMM", "XXX", "YYY", "ZZZ"] {
            assert!(global(v).is_some(), "global {v}");
        }
        for v in ["0", "2", "3", "4", "5", "6", "7", "9"] {
            assert!(mult_proc(v).is_some(), "mult {v}");
        }
        for v in ["0", "1", "2", "3", "9"] {
            assert!(bilat(v).is_some(), "bilat {v}");
        }
        for v in ["0", "1", "2", "9"] {
            assert!(asst(v).is_some() && co_surg(v).is_some() && team(v).is_some());
        }
        for v in ["01", "02", "03", "04", "05", "09", "21", "66", "6A", "7A"] {
            assert!(supervision(v).is_some(), "supervision {v}");
        }
    }

    #[test]
    fn the_readme_summaries_hold() {
        assert!(bilat("1").unwrap().contains("150%") && bilat("1").unwrap().contains("50"));
        assert!(bilat("2").unwrap().contains("already describe both sides"));
        assert!(bilat("3").unwrap().contains("each side is paid at 100%"));
        assert!(pctc("4").unwrap().contains("26 and TC cannot be appended"));
        assert!(global("090").unwrap().contains("90 days after"));
        assert!(global("ZZZ").unwrap().contains("add-on"));
        assert_eq!(bilat("8"), None);
        assert_eq!(global("999"), None);
    }
}
