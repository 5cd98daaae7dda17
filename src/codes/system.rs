//! Code systems and the normal written form of a code in each; pure, no catalog access.

use std::fmt;
use std::str::FromStr;

/// A code system a question can refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeSystem {
    /// CPT (AMA Level I HCPCS): 99213, 3074F, 0042T, 0001U, 0002M, 0001A.
    Cpt,
    /// HCPCS Level II: J1030, G0283.
    Hcpcs,
    /// ICD-10-CM diagnoses: M54.16.
    Icd10Cm,
    /// ICD-10-PCS inpatient procedures: 0SG00ZZ.
    Icd10Pcs,
    /// A CPT or HCPCS modifier: 25, 59, XU, LT.
    Modifier,
    /// ICD-9-CM (retired), quoted in old questions: 724.4.
    Icd9Cm,
}

impl CodeSystem {
    /// Every system, in display order.
    pub const ALL: [CodeSystem; 6] = [
        CodeSystem::Cpt,
        CodeSystem::Hcpcs,
        CodeSystem::Icd10Cm,
        CodeSystem::Icd10Pcs,
        CodeSystem::Modifier,
        CodeSystem::Icd9Cm,
    ];

    /// The stable name used in JSON, the database and the index: `CPT`, `ICD10CM`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            CodeSystem::Cpt => "CPT",
            CodeSystem::Hcpcs => "HCPCS",
            CodeSystem::Icd10Cm => "ICD10CM",
            CodeSystem::Icd10Pcs => "ICD10PCS",
            CodeSystem::Modifier => "MODIFIER",
            CodeSystem::Icd9Cm => "ICD9CM",
        }
    }

    /// The name a person reads: `ICD-10-CM`, `HCPCS Level II`, ...
    pub fn label(self) -> &'static str {
        match self {
            CodeSystem::Cpt => "CPT",
            CodeSystem::Hcpcs => "HCPCS Level II",
            CodeSystem::Icd10Cm => "ICD-10-CM",
            CodeSystem::Icd10Pcs => "ICD-10-PCS",
            CodeSystem::Modifier => "Modifier",
            CodeSystem::Icd9Cm => "ICD-9-CM",
        }
    }

    /// Whether codes of this system are procedures that NCCI edits and MUEs apply to.
    pub fn is_procedure(self) -> bool {
        matches!(self, CodeSystem::Cpt | CodeSystem::Hcpcs)
    }
}

impl fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown code-system name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown code system {0:?} (expected one of CPT, HCPCS, ICD10CM, ICD10PCS, MODIFIER, ICD9CM)"
)]
pub struct UnknownSystem(pub String);

impl FromStr for CodeSystem {
    type Err = UnknownSystem;

    /// Accepts the stable names and common spellings (`icd-10-cm`, `icd10`, `pcs`, `hcpcs2`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Ok(match key.as_str() {
            "CPT" => CodeSystem::Cpt,
            "HCPCS" | "HCPCS2" | "HCPCSII" | "HCPCSLEVELII" => CodeSystem::Hcpcs,
            "ICD10CM" | "ICD10" | "CM" | "DX" => CodeSystem::Icd10Cm,
            "ICD10PCS" | "PCS" => CodeSystem::Icd10Pcs,
            "MODIFIER" | "MOD" | "MODIFIERS" => CodeSystem::Modifier,
            "ICD9CM" | "ICD9" => CodeSystem::Icd9Cm,
            _ => return Err(UnknownSystem(s.to_string())),
        })
    }
}

impl serde::Serialize for CodeSystem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CodeSystem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The normal form of `raw` as a code of `system`, or `None` when it cannot be one by shape.
///
/// ICD-10-CM gets its dot after the third character (`m5416` gives `M54.16`), ICD-9-CM likewise
/// (`7244` gives `724.4`, E and V codes after the fourth and third), everything else is upper case
/// without punctuation.
pub fn normalize(system: CodeSystem, raw: &str) -> Option<String> {
    // An ICD-9-CM Volume 3 procedure code keeps its dot after two digits (`81.54`).
    if system == CodeSystem::Icd9Cm {
        let t = raw.trim().as_bytes();
        let proc = (4..=5).contains(&t.len())
            && t[2] == b'.'
            && t.iter()
                .enumerate()
                .all(|(k, b)| k == 2 || b.is_ascii_digit());
        if proc {
            return Some(raw.trim().to_string());
        }
    }
    let bare: String = raw
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if bare.is_empty() || !bare.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let b = bare.as_bytes();
    let digit = |i: usize| b[i].is_ascii_digit();
    let ok = match system {
        CodeSystem::Cpt => {
            // Category II (F), III (T), PLA (U), MAAA (M), vaccine administration (A).
            b.len() == 5
                && (0..4).all(digit)
                && (digit(4) || matches!(b[4], b'F' | b'T' | b'U' | b'M' | b'A'))
        }
        CodeSystem::Hcpcs => {
            b.len() == 5 && b[0].is_ascii_uppercase() && (1..5).all(digit) && b[0] != b'D'
                || b.len() == 5 && b[0] == b'D' && (1..5).all(digit)
        }
        CodeSystem::Icd10Cm => {
            // Categories are a letter and two characters with at least one digit: M54, C4A,
            // and since FY2026 QA0.
            (3..=7).contains(&b.len()) && b[0].is_ascii_uppercase() && (digit(1) || digit(2))
        }
        CodeSystem::Icd10Pcs => b.len() == 7 && !b.contains(&b'O') && !b.contains(&b'I'),
        CodeSystem::Modifier => b.len() == 2,
        CodeSystem::Icd9Cm => {
            (3..=5).contains(&b.len()) && (0..b.len()).all(digit)
                || (3..=5).contains(&b.len()) && b[0] == b'V' && (1..b.len()).all(digit)
                || (4..=5).contains(&b.len()) && b[0] == b'E' && (1..b.len()).all(digit)
        }
    };
    if !ok {
        return None;
    }
    Some(match system {
        CodeSystem::Icd10Cm if bare.len() > 3 => format!("{}.{}", &bare[..3], &bare[3..]),
        CodeSystem::Icd9Cm if b[0] == b'E' && bare.len() > 4 => {
            format!("{}.{}", &bare[..4], &bare[4..])
        }
        CodeSystem::Icd9Cm if bare.len() > 3 => format!("{}.{}", &bare[..3], &bare[3..]),
        _ => bare,
    })
}

/// The code without punctuation, as CMS files write it (`M54.16` gives `M5416`).
pub fn bare(code: &str) -> String {
    code.chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Every system `raw` could belong to by shape, with its normal form, most likely first.
///
/// A lookup tries each against the catalog: `J1030` is HCPCS by shape and ICD-10-CM `J10.30` by
/// shape too; only the catalog knows which exists.
pub fn candidates(raw: &str) -> Vec<(CodeSystem, String)> {
    let mut out = Vec::new();
    let order = [
        CodeSystem::Cpt,
        CodeSystem::Hcpcs,
        CodeSystem::Icd10Cm,
        CodeSystem::Icd10Pcs,
        CodeSystem::Modifier,
    ];
    let has_dot = raw.contains('.');
    for system in order {
        if has_dot && system != CodeSystem::Icd10Cm {
            continue;
        }
        if let Some(code) = normalize(system, raw) {
            out.push((system, code));
        }
    }
    if has_dot || out.is_empty() {
        if let Some(code) = normalize(CodeSystem::Icd9Cm, raw) {
            out.push((CodeSystem::Icd9Cm, code));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_each_system() {
        let cases = [
            (CodeSystem::Icd10Cm, "m5416", Some("M54.16")),
            (CodeSystem::Icd10Cm, "M54.16", Some("M54.16")),
            (CodeSystem::Icd10Cm, "s72001a", Some("S72.001A")),
            (CodeSystem::Icd10Cm, "E11", Some("E11")),
            (CodeSystem::Icd10Cm, "U07.1", Some("U07.1")),
            (CodeSystem::Icd10Cm, "qa0010", Some("QA0.010")),
            (CodeSystem::Icd10Cm, "C4A.0", Some("C4A.0")),
            (CodeSystem::Icd10Cm, "ABC", None),
            (CodeSystem::Icd10Cm, "12345", None),
            (CodeSystem::Cpt, "99213", Some("99213")),
            (CodeSystem::Cpt, "3074f", Some("3074F")),
            (CodeSystem::Cpt, "0042T", Some("0042T")),
            (CodeSystem::Cpt, "J1030", None),
            (CodeSystem::Hcpcs, "j1030", Some("J1030")),
            (CodeSystem::Hcpcs, "99213", None),
            (CodeSystem::Icd10Pcs, "0sg00zz", Some("0SG00ZZ")),
            (CodeSystem::Icd10Pcs, "0SG00ZO", None),
            (CodeSystem::Modifier, "xu", Some("XU")),
            (CodeSystem::Icd9Cm, "7244", Some("724.4")),
            (CodeSystem::Icd9Cm, "45.13", Some("45.13")),
            (CodeSystem::Icd9Cm, "88.7", Some("88.7")),
            (CodeSystem::Icd9Cm, "V5861", Some("V58.61")),
            (CodeSystem::Icd9Cm, "E8889", Some("E888.9")),
        ];
        for (system, raw, want) in cases {
            assert_eq!(normalize(system, raw).as_deref(), want, "{system} {raw}");
        }
    }

    #[test]
    fn candidates_cover_ambiguous_shapes() {
        let c = candidates("J1030");
        assert_eq!(c[0], (CodeSystem::Hcpcs, "J1030".to_string()));
        assert!(c.contains(&(CodeSystem::Icd10Cm, "J10.30".to_string())));
        assert_eq!(
            candidates("M54.16"),
            vec![(CodeSystem::Icd10Cm, "M54.16".into())]
        );
        assert_eq!(candidates("99213")[0].0, CodeSystem::Cpt);
    }

    #[test]
    fn system_names_round_trip() {
        for s in CodeSystem::ALL {
            assert_eq!(s.as_str().parse::<CodeSystem>().unwrap(), s);
        }
        assert_eq!(
            "icd-10-cm".parse::<CodeSystem>().unwrap(),
            CodeSystem::Icd10Cm
        );
        assert!("loinc".parse::<CodeSystem>().is_err());
    }
}
