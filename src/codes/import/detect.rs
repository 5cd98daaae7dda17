//! Which official format a file is, told from its content (never its name), and which release it
//! holds, told from its content where the format records it and from the official file-name
//! pattern otherwise (or `--effective` / `--release`).

use super::{ImportMeta, Overrides};
use crate::date::Date;
use anyhow::{Result, bail};

/// The official formats codedesk imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ICD-10-CM order file (fixed width, headers and billable codes).
    Icd10CmOrder,
    /// ICD-10-CM codes file (billable codes only).
    Icd10CmCodes,
    /// ICD-10-CM tabular list XML (notes, 7th characters).
    Icd10CmTabular,
    /// ICD-10-CM order or codes addenda (Add/Delete/Revise).
    Icd10CmAddenda,
    /// ICD-10-CM conversion table (xlsx): current code and the codes it replaced.
    Icd10CmConversion,
    /// ICD-10-PCS order file.
    Icd10PcsOrder,
    /// ICD-10-PCS codes file.
    Icd10PcsCodes,
    /// ICD-10-PCS order addenda.
    Icd10PcsAddenda,
    /// HCPCS Level II fixed-width ANWEB record file.
    HcpcsAnweb,
    /// HCPCS Level II ANWEB xlsx.
    HcpcsXlsx,
    /// NCCI procedure-to-procedure edits (tab-separated).
    NcciPtp,
    /// NCCI medically unlikely edits (CSV).
    NcciMueCsv,
    /// NCCI medically unlikely edits (xlsx).
    NcciMueXlsx,
    /// A licensed CPT code file (CSV or tab-separated).
    CptCsv,
    /// A licensed CPT modifier list (CSV or tab-separated).
    CptModifiersCsv,
    /// ICD-9-CM/ICD-10-CM general equivalence mappings.
    Gem,
    /// Medicare Physician Fee Schedule relative value file (PPRRVU CSV).
    MpfsRvu,
    /// ICD-10-CM Table of Drugs and Chemicals (XML).
    Icd10CmDrugs,
    /// ICD-10-CM Table of Neoplasms (XML).
    Icd10CmNeoplasms,
    /// ICD-10-CM Index to Diseases and Injuries (XML).
    Icd10CmIndex,
    /// ICD-10-CM External Cause of Injuries Index (XML, the Index's format).
    Icd10CmExternalCause,
}

impl Format {
    /// A short name for messages and the import record.
    pub fn label(self) -> &'static str {
        match self {
            Format::Icd10CmOrder => "icd10cm-order",
            Format::Icd10CmCodes => "icd10cm-codes",
            Format::Icd10CmTabular => "icd10cm-tabular",
            Format::Icd10CmAddenda => "icd10cm-addenda",
            Format::Icd10CmConversion => "icd10cm-conversion",
            Format::Icd10PcsOrder => "icd10pcs-order",
            Format::Icd10PcsCodes => "icd10pcs-codes",
            Format::Icd10PcsAddenda => "icd10pcs-addenda",
            Format::HcpcsAnweb => "hcpcs-anweb",
            Format::HcpcsXlsx => "hcpcs-xlsx",
            Format::NcciPtp => "ncci-ptp",
            Format::NcciMueCsv => "ncci-mue",
            Format::NcciMueXlsx => "ncci-mue-xlsx",
            Format::CptCsv => "cpt",
            Format::CptModifiersCsv => "cpt-modifiers",
            Format::Gem => "icd-gem",
            Format::MpfsRvu => "mpfs-rvu",
            Format::Icd10CmDrugs => "icd10cm-drugs",
            Format::Icd10CmNeoplasms => "icd10cm-neoplasms",
            Format::Icd10CmIndex => "icd10cm-index",
            Format::Icd10CmExternalCause => "icd10cm-eindex",
        }
    }

    /// The code set the format belongs to.
    pub fn code_set(self) -> &'static str {
        match self {
            Format::Icd10CmOrder
            | Format::Icd10CmCodes
            | Format::Icd10CmTabular
            | Format::Icd10CmAddenda
            | Format::Icd10CmConversion => "ICD10CM",
            Format::Icd10PcsOrder | Format::Icd10PcsCodes | Format::Icd10PcsAddenda => "ICD10PCS",
            Format::HcpcsAnweb | Format::HcpcsXlsx => "HCPCS",
            Format::NcciPtp => "NCCI-PTP",
            Format::NcciMueCsv | Format::NcciMueXlsx => "NCCI-MUE",
            Format::CptCsv | Format::CptModifiersCsv => "CPT",
            Format::Gem => "GEMS",
            Format::MpfsRvu => "MPFS",
            Format::Icd10CmDrugs
            | Format::Icd10CmNeoplasms
            | Format::Icd10CmIndex
            | Format::Icd10CmExternalCause => "ICD10CM-INDEX",
        }
    }

    /// Whether the format is a book of the Alphabetic Index (a Table or an Index).
    pub fn is_index_book(self) -> bool {
        matches!(
            self,
            Format::Icd10CmDrugs
                | Format::Icd10CmNeoplasms
                | Format::Icd10CmIndex
                | Format::Icd10CmExternalCause
        )
    }

    /// Whether a file of this format lists every code of its set for its release, so that a code
    /// missing from it was deleted.
    pub fn is_snapshot(self) -> bool {
        matches!(
            self,
            Format::Icd10CmOrder | Format::Icd10CmTabular | Format::Icd10PcsOrder | Format::CptCsv
        )
    }
}

const XLSX_MAGIC: &[u8] = b"PK\x03\x04";

/// A file that is no code-set file codedesk imports; the text says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownFormat(pub String);

/// The format of a file from its first bytes (and, for xlsx, its first sheet).
pub fn detect(bytes: &[u8]) -> Result<Format> {
    if bytes.starts_with(XLSX_MAGIC) {
        return super::hcpcs_xlsx::detect_workbook(bytes);
    }
    let head = super::text::latin1(&bytes[..bytes.len().min(16_384)]);
    let head = head.trim_start_matches('\u{feff}');
    if head.contains("<ICD10CM.tabular") {
        return Ok(Format::Icd10CmTabular);
    }
    if let Some(book) = super::icd10cm_index::book_of(head) {
        return Ok(book);
    }
    if head.contains("<xsd:schema") || head.contains("<xs:schema") {
        return Err(UnknownFormat(
            "an XML schema (XSD) that documents a CDC XML file: it holds no codes, nothing to \
             import (import the XML files it describes)"
                .into(),
        )
        .into());
    }
    let lines: Vec<&str> = head.lines().take(12).collect();
    if lines.iter().take(8).any(|l| l.contains("Column1/Column2"))
        || lines.iter().any(|l| l.starts_with("Column 1\tColumn 2"))
    {
        return Ok(Format::NcciPtp);
    }
    if super::mpfs_rvu::looks_like(head) {
        return Ok(Format::MpfsRvu);
    }
    if head.contains("MUE Values") || head.contains("MUE Adjudication Indicator") {
        return Ok(Format::NcciMueCsv);
    }
    if head.starts_with("***Disclaimer")
        || lines
            .iter()
            .any(|l| is_anweb_record(l.trim_end_matches('\r')))
    {
        return Ok(Format::HcpcsAnweb);
    }
    let first = lines
        .iter()
        .map(|l| l.trim_end_matches('\r'))
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    if ["Add:", "Delete:", "Revise from:", "Revise to:"]
        .iter()
        .any(|p| first.starts_with(p))
    {
        let rest = first.get(13..).unwrap_or("").trim_start();
        // Order addenda put the header flag first; PCS codes start with a digit or a letter
        // other than those of CM chapters, so look at the code's first character.
        let code = rest.split_whitespace().find(|t| t.len() >= 3).unwrap_or("");
        let pcs = code.len() == 7 && code.starts_with(|c: char| c.is_ascii_digit())
            || lines.iter().any(|l| {
                let t = l.get(13..).unwrap_or("").trim_start();
                let t = t.strip_prefix(['0', '1']).unwrap_or(t).trim_start();
                t.starts_with(|c: char| c.is_ascii_digit())
            });
        return Ok(if pcs {
            Format::Icd10PcsAddenda
        } else {
            Format::Icd10CmAddenda
        });
    }
    if super::icd10_order::looks_like_order_line(first) {
        let pcs = lines
            .iter()
            .filter_map(|l| l.get(6..13))
            .any(|code| code.starts_with(|c: char| c.is_ascii_digit()));
        return Ok(if pcs {
            Format::Icd10PcsOrder
        } else {
            Format::Icd10CmOrder
        });
    }
    if super::gem::looks_like_gem_line(first) {
        return Ok(Format::Gem);
    }
    if let Some(format) = super::cpt_csv::detect_header(first) {
        return Ok(format);
    }
    if super::icd10_order::looks_like_codes_line(first) {
        let pcs = first.starts_with(|c: char| c.is_ascii_digit());
        return Ok(if pcs {
            Format::Icd10PcsCodes
        } else {
            Format::Icd10CmCodes
        });
    }
    Err(UnknownFormat(format!(
        "not a code-set file codedesk knows: expected an ICD-10-CM/PCS order, codes, addenda or \
         tabular XML file, an ICD-10-CM Index or Table XML file, a HCPCS ANWEB file (txt or \
         xlsx), an NCCI PTP or MUE file, a GEM file, a Medicare fee schedule relative value file \
         (PPRRVU CSV), or a licensed CPT CSV with a header row (code,short_description,long_description); \
         the first line is {:?}",
        first.chars().take(80).collect::<String>()
    ))
    .into())
}

fn is_anweb_record(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 100
        && matches!(b[10], b'3' | b'4' | b'7' | b'8')
        && b[5..10].iter().all(u8::is_ascii_digit)
}

/// The format and release of a file: content first, then the official file-name pattern, then
/// the overrides (which win when given).
pub fn meta(file_name: &str, bytes: &[u8], overrides: &Overrides) -> Result<ImportMeta> {
    let format = detect(bytes)?;
    let code_set = format.code_set();
    let (version, effective) = match format {
        Format::Icd10CmTabular => {
            let year = super::icd10cm_tabular::version_year(bytes).or_else(|| year_in(file_name));
            fiscal_year(year)
        }
        Format::Icd10CmDrugs
        | Format::Icd10CmNeoplasms
        | Format::Icd10CmIndex
        | Format::Icd10CmExternalCause => {
            let year = super::icd10cm_index::version_year(bytes).or_else(|| year_in(file_name));
            fiscal_year(year)
        }
        Format::Icd10CmOrder
        | Format::Icd10CmCodes
        | Format::Icd10CmAddenda
        | Format::Icd10CmConversion
        | Format::Icd10PcsOrder
        | Format::Icd10PcsCodes
        | Format::Icd10PcsAddenda
        | Format::Gem => fiscal_year(year_in(file_name)),
        Format::HcpcsAnweb | Format::HcpcsXlsx if hcpcs_release(file_name).is_some() => {
            let d = hcpcs_release(file_name);
            (
                d.map(|d| {
                    let (y, m, _) = d.ymd();
                    format!("{y}-{m:02}")
                }),
                d,
            )
        }
        Format::HcpcsAnweb | Format::HcpcsXlsx => {
            let latest = match format {
                Format::HcpcsAnweb => super::hcpcs_anweb::latest_action_date(bytes),
                _ => super::hcpcs_xlsx::latest_action_date(bytes),
            };
            match latest {
                Some(d) => {
                    let (y, m, _) = d.ymd();
                    (Some(format!("{y}-{m:02}")), Some(d))
                }
                None => (None, None),
            }
        }
        Format::NcciPtp => match ncci_version(file_name) {
            Some((label, date)) => (Some(label), Some(date)),
            None => {
                let latest = super::ncci_ptp::latest_effective(bytes);
                (latest.map(|d| d.to_string()), latest)
            }
        },
        Format::NcciMueCsv | Format::NcciMueXlsx => {
            let d = mue_effective(file_name);
            (d.map(|d| d.to_string()), d)
        }
        Format::MpfsRvu => match super::mpfs_rvu::release_in_title(bytes)
            .or_else(|| super::mpfs_rvu::release_in_name(file_name))
        {
            Some((version, from)) => (Some(version), Some(from)),
            None => (None, None),
        },
        Format::CptCsv | Format::CptModifiersCsv => {
            let y = year_in(file_name);
            (
                y.map(|y| y.to_string()),
                y.and_then(|y| Date::from_ymd(y, 1, 1)),
            )
        }
    };
    let effective_from = match (overrides.effective, effective) {
        (Some(d), _) | (None, Some(d)) => d,
        (None, None) => bail!(
            "cannot tell which release this {} file is (its name carries no year or date as the \
             official names do): give it with --effective YYYY-MM-DD",
            format.label()
        ),
    };
    let version = overrides
        .version
        .clone()
        .or(version)
        .unwrap_or_else(|| effective_from.to_string());
    let setting = match format {
        Format::NcciPtp => Some(overrides.setting.clone().unwrap_or_else(|| {
            if file_name.to_ascii_lowercase().starts_with("ccioph") {
                "hospital".into()
            } else {
                "practitioner".into()
            }
        })),
        Format::NcciMueCsv | Format::NcciMueXlsx => Some(
            overrides
                .setting
                .clone()
                .unwrap_or_else(|| super::ncci_mue::setting_of(bytes, file_name)),
        ),
        _ => None,
    };
    Ok(ImportMeta {
        format,
        code_set,
        version,
        effective_from,
        setting,
    })
}

/// ICD-10 fiscal years start on October 1 of the year before: FY2026 from 2025-10-01.
fn fiscal_year(year: Option<i32>) -> (Option<String>, Option<Date>) {
    match year {
        Some(y) => (Some(format!("FY{y}")), Date::from_ymd(y - 1, 10, 1)),
        None => (None, None),
    }
}

/// The first plausible four-digit year (2000-2099) in a file name.
fn year_in(name: &str) -> Option<i32> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let digits = &b[i..i + 4];
        let bounded = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if bounded && digits.starts_with(b"20") && digits.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(digits).ok()?.parse().ok()
        } else {
            None
        }
    })
}

/// NCCI version from `ccipra-v322r0-f1`: version 32.2 is the third quarter of 2026 (version 1.0
/// was January 1995: major = year - 1994, minor = quarter - 1).
fn ncci_version(name: &str) -> Option<(String, Date)> {
    let lower = name.to_ascii_lowercase();
    let at = lower.find("-v")? + 2;
    let digits: String = lower[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() < 3 {
        return None;
    }
    let major: i32 = digits[..digits.len() - 1].parse().ok()?;
    let minor: u32 = digits[digits.len() - 1..].parse().ok()?;
    if minor > 3 {
        return None;
    }
    let date = Date::from_ymd(1994 + major, 1 + 3 * minor, 1)?;
    Some((format!("v{major}.{minor}"), date))
}

/// The quarter of `HCPC2025_OCT_ANWEB...` (an annual file, `HCPC2019_...`, is January's).
fn hcpcs_release(name: &str) -> Option<Date> {
    let upper = name.to_ascii_uppercase();
    let rest = &upper[upper.find("HCPC")? + 4..];
    let year: i32 = rest.get(..4)?.parse().ok()?;
    let month = match rest.get(4..8) {
        Some("_APR") => 4,
        Some("_JUL") => 7,
        Some("_OCT") => 10,
        _ => 1,
    };
    Date::from_ymd(year, month, 1)
}

/// `..._Eff_04-01-2026...` in MUE file names (MM-DD-YYYY).
fn mue_effective(name: &str) -> Option<Date> {
    let lower = name.to_ascii_lowercase();
    let at = lower.find("eff_")? + 4;
    let part = lower.get(at..at + 10)?;
    let mut it = part.split('-');
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    let y = it.next()?.parse().ok()?;
    Date::from_ymd(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_official_names() {
        assert_eq!(year_in("icd10cm_order_2026.txt"), Some(2026));
        assert_eq!(year_in("HCPC2025_OCT_ANWEB_v4.xlsx"), Some(2025));
        assert_eq!(year_in("x12345.txt"), None);
        assert_eq!(
            ncci_version("ccipra-v322r0-f1.TXT"),
            Some(("v32.2".into(), "2026-07-01".parse().unwrap()))
        );
        assert_eq!(
            mue_effective("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"),
            Some("2026-04-01".parse().unwrap())
        );
        assert_eq!(
            fiscal_year(Some(2026)).1,
            Some("2025-10-01".parse().unwrap())
        );
    }

    #[test]
    fn detects_text_formats_from_content() {
        let order = "00001 A00     0 Cholera                                                      Cholera\r\n";
        assert_eq!(detect(order.as_bytes()).unwrap(), Format::Icd10CmOrder);
        let pcs = "00001 001     0 Central Nervous System and Cranial Nerves, Bypass            Central\r\n";
        assert_eq!(detect(pcs.as_bytes()).unwrap(), Format::Icd10PcsOrder);
        let ptp = "CPT only copyright\t\t\nColumn1/Column2 Edits\t\t\n";
        assert_eq!(detect(ptp.as_bytes()).unwrap(), Format::NcciPtp);
        assert_eq!(detect(b"A000    0010  00000\r\n").unwrap(), Format::Gem);
        let add = "Add:         1 B8801   Infestation by Demodex mites                                 Infestation\r\n";
        assert_eq!(detect(add.as_bytes()).unwrap(), Format::Icd10CmAddenda);
        let pcs_add =
            "Add:         00H033J Insertion of Infusion Device                    Insertion\r\n";
        assert_eq!(detect(pcs_add.as_bytes()).unwrap(), Format::Icd10PcsAddenda);
        assert_eq!(
            detect(b"code,short_description,long_description\n99213,a,b\n").unwrap(),
            Format::CptCsv
        );
        let err = detect(b"hello world\n").unwrap_err().to_string();
        assert!(err.contains("hello world"), "{err}");
    }

    #[test]
    fn a_file_without_a_release_asks_for_effective() {
        let order = "00001 A00     0 Cholera                                                      Cholera\r\n";
        let err = meta("order.txt", order.as_bytes(), &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--effective"), "{err}");
        let m = meta(
            "order.txt",
            order.as_bytes(),
            &Overrides {
                effective: Some("2024-10-01".parse().unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(m.version, "2024-10-01");
    }
}
